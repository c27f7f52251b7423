# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sandbox runs inside Odoo's process: nothing of it answers over HTTP but the payment page,
and that page only for the Chorus administrators of the order's company."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..chorus.sandbox import inprocess, seed
from ..models.res_company_tokens import SANDBOX_PAYMENT_ROUTE

MANAGER_GROUPS = "base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager"


@tagged("post_install", "-at_install")
class TestChorusSandboxController(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"chorus_environment": "sandbox", "chorus_sandbox_url": False})
        cls.env["ir.config_parameter"].set_param("l10n_fr_chorus_connect.sandbox_url", False)
        cls.other_company = cls.env["res.company"].create({"name": "Other sandbox company"})
        cls.manager = new_test_user(
            cls.env,
            login="chorus_pay_manager",
            groups=MANAGER_GROUPS,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="chorus_pay_other_manager",
            groups=MANAGER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="chorus_pay_accountant",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_company_client_runs_in_process(self):
        client = self.company._chorus_client()
        self.assertEqual(client.api_url, inprocess.BASE_URL)
        structure = client.find_structure(seed.BUYER_COMMUNE_SIRET)
        self.assertEqual(structure.name, "COMMUNE D'EXEMPLEVILLE")
        self.assertEqual(client.structure_details(structure.structure_id).requirement, "service")
        self.assertEqual([s.identifier for s in client.supplier_structures()], [seed.SUPPLIER_SIRET])

    def test_no_sandbox_path_answers_anonymous_requests(self):
        paths = (
            "/chorus_sandbox",
            "/chorus_sandbox/api/oauth/token",
            "/chorus_sandbox/cpro/transverses/v1/health-check",
            "/chorus_sandbox/_sandbox/stats",
            "/chorus_sandbox/_sandbox/faults",
            "/chorus_sandbox/_sandbox/reset",
            "/chorus_sandbox/vendor/pay/ORD-1",
            "/chorus_sandbox/vendor/v2/orders",
            "/chorus_sandbox/vendor/v2/packs",
        )
        fault = {"route": "*", "fault": "timeout", "delay": 99999, "times": 1000}
        for path in paths:
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path).status_code, 404)
                self.assertEqual(self.url_open(path, json=fault).status_code, 404)
        session = self.company._chorus_sandbox_session()
        stats = session.get(f"{inprocess.BASE_URL}/_sandbox/stats", timeout=5)
        self.assertEqual(stats.status_code, 404)

    def buy(self):
        pack = self.env.ref("l10n_fr_chorus_connect.chorus_token_pack_200")
        action = pack.with_user(self.manager).with_company(self.company).action_buy()
        order = self.env["chorus.token.order"].search([("company_id", "=", self.company.id)], limit=1)
        return action, order

    def test_payment_page_is_for_the_company_administrators(self):
        action, order = self.buy()
        url = f"{SANDBOX_PAYMENT_ROUTE}/{order.name}"
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(order.payment_url, url)
        anonymous = self.url_open(url, allow_redirects=False)
        self.assertIn(anonymous.status_code, (303, 302))
        self.assertIn("/web/login", anonymous.headers["Location"])
        for login in ("chorus_pay_accountant", "chorus_pay_other_manager"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("chorus_pay_manager", "chorus_pay_manager")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        # The « Payer » form carries Odoo's CSRF token and posts back to this page.
        self.assertIn('<form method="post"><input type="hidden" name="csrf_token" value="', page.text)
        self.assertIn('id="pay"', page.text)
        # Without the form's token the payment is refused.
        self.assertEqual(self.url_open(url, method="POST").status_code, 400)
        self.assertEqual(order.with_user(self.manager).action_check_payment()["params"]["type"], "info")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        paid = self.url_open(url, data={"csrf_token": token})
        self.assertEqual(paid.status_code, 200)
        self.assertIn("Paiement accepté", paid.text)
        before = self.company._chorus_wallet().balance
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "success", notification["message"])
        self.assertEqual(self.company._chorus_wallet().balance, before + 200)

    def test_payment_page_closes_outside_sandbox(self):
        _action, order = self.buy()
        self.company.chorus_environment = "qualification"
        self.authenticate("chorus_pay_manager", "chorus_pay_manager")
        self.assertEqual(self.url_open(f"{SANDBOX_PAYMENT_ROUTE}/{order.name}").status_code, 404)
