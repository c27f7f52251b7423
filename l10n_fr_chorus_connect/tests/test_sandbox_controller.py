# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from ..chorus.client import ChorusClient
from ..chorus.sandbox import seed


@tagged("post_install", "-at_install")
class TestChorusSandboxController(HttpCase):
    def _client(self):
        # The opener carries the test cursor cookie: without it the test server ignores the request.
        return ChorusClient.for_sandbox(self.base_url() + "/chorus_sandbox", session=self.opener)

    def test_new_database_works_without_credentials(self):
        self.env["res.company"].search([]).chorus_environment = "sandbox"
        client = self._client()
        structure = client.find_structure(seed.BUYER_COMMUNE_SIRET)
        self.assertEqual(structure.name, "COMMUNE D'EXEMPLEVILLE")
        details = client.structure_details(structure.structure_id)
        self.assertEqual(details.requirement, "service")
        self.assertEqual([s.identifier for s in client.supplier_structures()], [seed.SUPPLIER_SIRET])

    def test_company_client_uses_this_odoo(self):
        company = self.env.company
        company.write({"chorus_environment": "sandbox", "chorus_sandbox_url": False})
        self.env["ir.config_parameter"].set_param("web.base.url", self.base_url())
        client = company._chorus_client()
        self.assertEqual(client.api_url, self.base_url() + "/chorus_sandbox")
        client.session = self.opener
        self.assertTrue(client.fetch_token())

    def test_closed_when_no_company_is_in_sandbox(self):
        self.env["res.company"].search([]).chorus_environment = "production"
        response = self.url_open("/chorus_sandbox/api/oauth/token", data={"grant_type": "client_credentials"})
        self.assertEqual(response.status_code, 404)
