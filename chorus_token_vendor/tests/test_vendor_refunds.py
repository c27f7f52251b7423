from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import KEY_IDS, VendorApiCase


@tagged("post_install", "-at_install", "chorus_token_vendor")
class TestVendorRefunds(VendorApiCase):
    def test_refund_before_redemption_revokes_the_voucher(self):
        customer = self.register()
        paid = self.pay(customer, self.order(customer))
        order = self.env["sale.order"].search([("name", "=", paid["order_id"])])
        order.action_chorus_vendor_refund()
        refunds = self.env["payment.transaction"].search(
            [("source_transaction_id", "in", order.transaction_ids.ids)]
        )
        self.assertEqual((refunds.state, refunds.amount), ("done", -order.amount_total))
        credit_note = order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        self.assertEqual((credit_note.state, credit_note.amount_total), ("posted", order.amount_total))
        # Settled by the credit note: not « À facturer » again (a batch invoicing would bill it twice).
        self.assertEqual(order.invoice_status, "no")
        voucher_id = paid["voucher"]["payload"]["voucher_id"]
        status, answer, _headers = self.call("POST", f"/vendor/v2/vouchers/{voucher_id}/redeem", {}, customer)
        self.assertEqual((status, answer["code"]), (410, "revoked"))
        status, answer, _headers = self.call("GET", f"/vendor/v2/orders/{paid['order_id']}", None, customer)
        self.assertEqual(answer["status"], "refunded")
        self.assertEqual(self.call("GET", "/vendor/v2/corrections", None, customer)[1], {"corrections": []})
        with self.assertRaises(UserError):  # refunded once only
            order.action_chorus_vendor_refund()

    def test_refund_of_a_paid_order_not_yet_post_processed_revokes_its_voucher(self):
        """The buyer paid but closed the page before Odoo post-processed the payment (cron not run yet):
        the publisher refunds it as a paid order, and the voucher the customer then reads is revoked."""
        customer = self.register()
        ordered = self.order(customer)
        order = self.simulate_payment(ordered)
        self.assertFalse(order.chorus_vendor_voucher_ids, "no voucher before the post-processing")
        order.action_chorus_vendor_refund()
        self.assertEqual(order.chorus_vendor_voucher_ids.mapped("state"), ["revoked"])
        status, answer, _headers = self.call(
            "GET", f"/vendor/v2/orders/{ordered['order_id']}", None, customer
        )
        self.assertEqual((status, answer["status"]), (200, "refunded"))
        voucher_id = answer["voucher"]["payload"]["voucher_id"]
        status, answer, _headers = self.call("POST", f"/vendor/v2/vouchers/{voucher_id}/redeem", {}, customer)
        self.assertEqual((status, answer["code"]), (410, "revoked"))

    def test_refund_after_redemption_issues_a_correction_voucher(self):
        customer = self.register()
        paid = self.pay(customer, self.order(customer, "pack_1000"))
        voucher_id = paid["voucher"]["payload"]["voucher_id"]
        self.assertEqual(self.call("POST", f"/vendor/v2/vouchers/{voucher_id}/redeem", {}, customer)[0], 200)
        order = self.env["sale.order"].search([("name", "=", paid["order_id"])])
        salesman = new_test_user(self.env, "token_salesman", groups="sales_team.group_sale_salesman")
        with self.assertRaises(UserError):
            order.with_user(salesman).action_chorus_vendor_refund()
        manager = new_test_user(
            self.env, "token_manager", groups="sales_team.group_sale_manager,account.group_account_invoice"
        )
        order.with_user(manager).action_chorus_vendor_refund()
        status, answer, _headers = self.call("GET", "/vendor/v2/corrections?after=", None, customer)
        self.assertEqual(status, 200, answer)
        [correction] = answer["corrections"]
        self.assert_signed_by(correction, KEY_IDS[0])
        payload = correction["payload"]
        self.assertEqual(
            (payload["kind"], payload["tokens"], payload["order_id"], payload["company_ref"]),
            ("refund", -1000, paid["order_id"], customer["company_ref"]),
        )
        self.assertNotEqual(payload["voucher_id"], voucher_id)
        correction_record = self.env["chorus.vendor.voucher"].search(
            [("voucher_ref", "=", payload["voucher_id"])]
        )
        self.assertEqual(correction_record.state, "issued")
        later = self.call("GET", f"/vendor/v2/corrections?after={payload['voucher_id']}", None, customer)[1]
        self.assertEqual(later, {"corrections": []})
        # The customer asked for what follows it: it applied this correction.
        correction_record.invalidate_recordset()
        self.assertEqual(correction_record.state, "redeemed")
        self.assertEqual(self.call("POST", f"/vendor/v2/vouchers/{voucher_id}/redeem", {}, customer)[0], 200)
