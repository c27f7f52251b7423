# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The order's references follow to every invoice made from it; orders with other references stay apart."""

from odoo.tests import tagged

from .common import ChorusSaleCase

REFERENCE_FIELDS = ("buyer_reference", "purchase_order_reference", "contract_reference")


@tagged("post_install", "-at_install")
class TestChorusSaleInvoicing(ChorusSaleCase):
    def confirmed_order(self, partner=None, **values):
        order = self.create_order(partner or self.hospital, **values)
        order.action_confirm()
        return order

    def references(self, move):
        return tuple(move[name] for name in REFERENCE_FIELDS)

    def down_payment(self, orders, method="percentage", **values):
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"advance_payment_method": method, **values})
        )
        wizard.create_invoices()
        return wizard

    def test_invoice_carries_the_order_references_and_says_where_they_came_from(self):
        order = self.confirmed_order(
            chorus_service_code="SERV-PHARMA", chorus_engagement="1300012345", chorus_market_number="M-2026-7"
        )
        invoice = order._create_invoices()
        self.assertEqual(self.references(invoice), ("SERV-PHARMA", "1300012345", "M-2026-7"))
        source = f"Source: order {order.name}"
        self.assertEqual(invoice.chorus_service_code_source, source)
        self.assertEqual(invoice.chorus_engagement_source, source)
        self.assertEqual(invoice.chorus_market_number_source, source)
        invoice.purchase_order_reference = "1300099999"
        self.assertEqual(invoice.chorus_engagement_source, "Changed on the invoice (not the order's)")

    def test_order_name_never_becomes_the_engagement_number(self):
        # The invoice's ref is the order name when the customer gave no reference.
        order = self.confirmed_order(self.public_partner)
        invoice = order._create_invoices()
        self.assertEqual(invoice.ref, order.name)
        self.assertFalse(invoice.purchase_order_reference)
        self.assertEqual(invoice.buyer_reference, "SERV-COMPTA")

    def test_down_payment_and_final_invoices_carry_the_references(self):
        order = self.confirmed_order(chorus_engagement="1300012345", chorus_market_number="M-2026-7")
        self.down_payment(order, amount=30)
        self.down_payment(order, method="delivered")
        down_payment, final = order.invoice_ids.sorted("id")
        self.assertNotEqual(down_payment, final)
        for invoice in (down_payment, final):
            self.assertEqual(self.references(invoice), ("", "1300012345", "M-2026-7"))
            self.assertEqual(invoice.chorus_engagement_source, f"Source: order {order.name}")

    def test_credit_note_keeps_the_references(self):
        order = self.confirmed_order(chorus_service_code="SERV-PHARMA", chorus_engagement="1300012345")
        invoice = order._create_invoices()
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur de quantité"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(self.references(refund), self.references(invoice))
        self.assertEqual(refund.chorus_engagement_source, f"Source: order {order.name}")

    def test_orders_with_other_references_are_never_merged(self):
        first = self.confirmed_order(chorus_engagement="EJ-A")
        second = self.confirmed_order(chorus_engagement="EJ-B")
        same_as_first = self.confirmed_order(chorus_engagement="EJ-A")
        self.down_payment(first | second | same_as_first, method="delivered", consolidated_billing=True)
        invoices = (first | second | same_as_first).invoice_ids
        self.assertEqual(len(invoices), 2)
        merged = first.invoice_ids
        self.assertEqual(merged, same_as_first.invoice_ids)
        self.assertEqual(merged.purchase_order_reference, "EJ-A")
        self.assertEqual(second.invoice_ids.purchase_order_reference, "EJ-B")
        note = second.invoice_ids.message_ids.filtered(lambda message: "Not merged" in (message.body or ""))
        self.assertIn(first.name, note.body)
        self.assertIn("one invoice per service code, engagement number", note.body)

    def test_orders_of_another_service_are_never_merged(self):
        pharmacy = self.confirmed_order(chorus_service_code="SERV-PHARMA", chorus_engagement="EJ-A")
        technical = self.confirmed_order(chorus_service_code="SERV-TECH", chorus_engagement="EJ-A")
        invoices = (pharmacy | technical)._create_invoices()
        self.assertEqual(len(invoices), 2)
        self.assertEqual(set(invoices.mapped("buyer_reference")), {"SERV-PHARMA", "SERV-TECH"})

    def test_private_orders_still_merge(self):
        orders = self.create_order(self.partner_a) | self.create_order(self.partner_a)
        orders.action_confirm()
        invoice = orders._create_invoices()
        self.assertEqual(len(invoice), 1)
        self.assertFalse(invoice.purchase_order_reference)
