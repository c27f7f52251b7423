# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ChorusSandboxCase

SECRET_FIELDS = ("chorus_piste_client_id", "chorus_piste_client_secret", "chorus_login", "chorus_password")


@tagged("post_install_l10n", "post_install", "-at_install")
class TestChorusAccess(ChorusSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="chorus_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def test_accountant_is_a_chorus_user_not_a_manager(self):
        self.assertTrue(self.accountant.has_group("l10n_fr_chorus_connect.group_chorus_user"))
        self.assertFalse(self.accountant.has_group("l10n_fr_chorus_connect.group_chorus_manager"))

    def test_credentials_are_unreadable(self):
        company = self.company.with_user(self.accountant)
        for fname in SECRET_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                company.read([fname])
        self.assertNotIn("chorus_password", company.fields_get())
        self.assertEqual(company.read(["chorus_environment"])[0]["chorus_environment"], "sandbox")

    def test_credentials_are_unwritable(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.accountant).write({"chorus_piste_client_secret": "stolen"})

    def test_settings_are_untouchable(self):
        settings = self.env["res.config.settings"].with_user(self.accountant)
        with self.assertRaises(AccessError):
            settings.create({"chorus_environment": "production"})
        with self.assertRaises(AccessError):
            self.company.with_user(self.accountant).write({"chorus_environment": "production"})
        self.assertEqual(self.company.chorus_environment, "sandbox")

    def test_accountant_still_uses_the_connection(self):
        partner = self.public_invoice_address.with_user(self.accountant)
        structure = partner._chorus_fetch_directory()
        self.assertEqual(structure.requirement, "service")
        self.assertEqual(partner.chorus_structure_id, structure)
        self.assertEqual(partner.chorus_structure_id.service_ids.sudo().company_id, self.company)

    def test_directory_of_another_company_is_invisible(self):
        other = self.env["res.company"].create({"name": "Autre société"})
        self.env["chorus.structure"].create(
            {"siret": "21750001600019", "name": "OTHER", "company_id": other.id}
        )
        visible = self.env["chorus.structure"].with_user(self.accountant).search([("name", "=", "OTHER")])
        self.assertFalse(visible)
