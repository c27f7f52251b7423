"""The publisher's back-office buttons, called over JSON-RPC by someone who must not use them.

A salesman (not a sales administrator) and a sales administrator of another company: each call is
refused and nothing changed (order, voucher, registration, chatter)."""

from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import VendorApiCase

REFUSALS = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.MissingError")

# (model, method, fixture, refused to the other company's administrator too)
CALLS = [
    ("sale.order", "action_chorus_vendor_refund", "order", True),
    # One registry for the whole publisher database (no company): sales administrators only.
    ("chorus.vendor.customer", "action_reset_registration", "customer", False),
]


@tagged("post_install", "-at_install", "chorus_token_vendor")
class TestVendorAccessOverRpc(VendorApiCase):
    def setUp(self):
        super().setUp()
        customer = self.register()
        paid = self.pay(customer, self.order(customer))
        order = self.env["sale.order"].search([("name", "=", paid["order_id"])])
        self.fixtures = {
            "order": order,
            "customer": self.env["chorus.vendor.customer"].search(
                [("customer_ref", "=", customer["customer_id"])]
            ),
        }
        self.assertEqual(order.chorus_vendor_voucher_ids.mapped("state"), ["issued"])
        other_company = self.env["res.company"].create({"name": "Autre éditeur"})
        self.outsider = new_test_user(
            self.env,
            login="vendor_other_company",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.salesman = new_test_user(
            self.env, login="vendor_salesman", groups="sales_team.group_sale_salesman"
        )

    def snapshot(self):
        env = self.env(su=True)
        env.invalidate_all()
        order = self.fixtures["order"]
        return {
            "order": order.read(["chorus_vendor_refunded", "state", "invoice_status"]),
            "vouchers": env["chorus.vendor.voucher"].search_read([], ["state"], order="id"),
            "customers": env["chorus.vendor.customer"]
            .with_context(active_test=False)
            .search_read([], ["active"]),
            "transactions": env["payment.transaction"].search_count([]),
            "moves": env["account.move"].search_count([]),
            "messages": env["mail.message"].search_count([]),
        }

    def assert_all_refused(self, login, calls):
        self.authenticate(login, login)
        before = self.snapshot()
        for model, method, fixture in calls:
            with self.subTest(user=login, model=model, method=method):
                with self.assertRaises(JsonRpcException) as caught:
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/{method}",
                        {
                            "model": model,
                            "method": method,
                            "args": [self.fixtures[fixture].ids],
                            "kwargs": {},
                        },
                    )
                self.assertIn(caught.exception.args[0], REFUSALS)
                self.assertEqual(self.snapshot(), before)

    def test_salesman_is_refused_everything(self):
        self.assert_all_refused(self.salesman.login, [call[:3] for call in CALLS])

    def test_administrator_of_another_company_is_refused(self):
        self.assert_all_refused(self.outsider.login, [call[:3] for call in CALLS if call[3]])
