import logging

from odoo import api, fields, models
from odoo.tools import SQL

from .. import signing

_logger = logging.getLogger(__name__)


def wait_lock(records):
    """Row lock that WAITS for a concurrent request (Odoo 19's ``lock_for_update`` skips locked
    rows and raises LockError at once, which the API would answer as a 500). Once the other
    request commits, PostgreSQL fails this one with a serialization error, and Odoo replays it:
    the replay reads the work the first request did (voucher signed, payment post-processed)."""
    if records.ids:
        records.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )


ENVIRONMENTS = [("sandbox", "Sandbox"), ("qualification", "Qualification"), ("production", "Production")]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    chorus_vendor_customer_id = fields.Many2one(
        "chorus.vendor.customer", string="Token Customer", readonly=True, index="btree_not_null", copy=False
    )
    chorus_vendor_request_id = fields.Char(
        string="Customer Request ID",
        readonly=True,
        copy=False,
        help="Idempotency key the customer sent with the order: posting it again answers this order.",
    )
    chorus_vendor_pack_code = fields.Char(string="Token Pack", readonly=True, copy=False)
    chorus_vendor_tokens = fields.Integer(string="Tokens", readonly=True, copy=False)
    chorus_vendor_environment = fields.Selection(
        ENVIRONMENTS, string="Token Environment", readonly=True, copy=False
    )
    chorus_vendor_voucher_ids = fields.One2many("chorus.vendor.voucher", "order_id", string="Vouchers")
    chorus_vendor_refunded = fields.Boolean(string="Refunded", readonly=True, copy=False)
    chorus_vendor_status = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("refunded", "Refunded"), ("cancelled", "Cancelled")],
        string="Token Order Status",
        compute="_compute_chorus_vendor_status",
    )

    # One order per customer and request_id, even for two concurrent calls (contract v2 §3).
    _chorus_vendor_request_uniq = models.UniqueIndex(
        "(chorus_vendor_customer_id, chorus_vendor_request_id) WHERE chorus_vendor_request_id IS NOT NULL",
        "The customer already placed an order with this request id.",
    )

    @api.depends("state", "chorus_vendor_refunded", "chorus_vendor_voucher_ids")
    def _compute_chorus_vendor_status(self):
        for order in self:
            if order.chorus_vendor_refunded:
                order.chorus_vendor_status = "refunded"
            elif order.chorus_vendor_voucher_ids.filtered(lambda voucher: voucher.kind == "purchase"):
                order.chorus_vendor_status = "paid"
            elif order.state == "cancel":
                order.chorus_vendor_status = "cancelled"
            else:
                order.chorus_vendor_status = "pending"

    def _chorus_vendor_purchase_voucher(self):
        self.ensure_one()
        return self.chorus_vendor_voucher_ids.filtered(lambda voucher: voucher.kind == "purchase")[:1]

    def _chorus_vendor_is_paid(self):
        self.ensure_one()
        return self.state == "sale" and any(tx.state == "done" for tx in self.transaction_ids)

    def _chorus_vendor_after_payment(self):
        """Paid and confirmed: sign the voucher once, whoever calls first (callback, cron, poll)."""
        for order in self.filtered("chorus_vendor_customer_id"):
            if order._chorus_vendor_purchase_voucher() or not order._chorus_vendor_is_paid():
                continue
            wait_lock(order)
            order.invalidate_recordset(["chorus_vendor_voucher_ids"])
            if order._chorus_vendor_purchase_voucher():
                continue
            try:
                self.env["chorus.vendor.voucher"]._issue(order, "purchase", order.chorus_vendor_tokens)
            except signing.SigningKeyMissingError as err:
                # The payment stays recorded and invoiced; the next read of the order signs it.
                _logger.error("token order %s is paid but its voucher cannot be signed: %s", order.name, err)

    def _chorus_vendor_sync_payment(self):
        """Finish what the payment callback started but the post-processing cron did not yet do."""
        transactions = self.transaction_ids.filtered(
            lambda tx: tx.state == "done" and not tx.is_post_processed
        )
        if transactions:
            # The buyer's page polls the same transaction: one of the two post-processes it, the
            # other waits here (or is replayed by Odoo), so the order is invoiced once.
            wait_lock(transactions)
            transactions.invalidate_recordset(["is_post_processed"])
            transactions.filtered(lambda tx: not tx.is_post_processed)._post_process()
        self._chorus_vendor_after_payment()

    def _chorus_vendor_as_json(self):
        self.ensure_one()
        voucher = self._chorus_vendor_purchase_voucher()
        invoice = self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        return {
            "order_id": self.name,
            "status": self.chorus_vendor_status,
            "pack_code": self.chorus_vendor_pack_code,
            "tokens": self.chorus_vendor_tokens,
            "amount_untaxed": f"{self.amount_untaxed:.2f}",
            "amount_tax": f"{self.amount_tax:.2f}",
            "amount_total": f"{self.amount_total:.2f}",
            "currency": self.currency_id.name,
            "invoice": invoice[:1].name or None,
            "voucher": voucher._as_json() if voucher else None,
        }
