import json
import secrets

from odoo import fields, models

from .. import signing


class ChorusVendorVoucher(models.Model):
    """A signed voucher: one purchase voucher per paid order, one refund voucher per late refund.

    The payload and the signature are stored as issued, so every read serves the same bytes.
    """

    _name = "chorus.vendor.voucher"
    _description = "Token Vendor Voucher"
    _order = "id desc"
    _rec_name = "voucher_ref"

    voucher_ref = fields.Char(string="Voucher ID", required=True, readonly=True, index=True)
    order_id = fields.Many2one("sale.order", required=True, readonly=True, index=True, ondelete="restrict")
    customer_id = fields.Many2one("chorus.vendor.customer", required=True, readonly=True, index=True)
    kind = fields.Selection(
        [("purchase", "Purchase"), ("refund", "Correction")], required=True, readonly=True
    )
    tokens = fields.Integer(required=True, readonly=True)
    key_id = fields.Char(string="Key ID", required=True, readonly=True)
    payload = fields.Text(required=True, readonly=True)
    signature = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("issued", "Issued"), ("redeemed", "Redeemed"), ("revoked", "Revoked")],
        default="issued",
        required=True,
        readonly=True,
    )
    redeemed_at = fields.Datetime(readonly=True)

    _voucher_ref_unique = models.Constraint("UNIQUE(voucher_ref)", "A voucher ID is unique.")
    # Idempotent issuing: a retried payment callback finds the voucher instead of signing another.
    _one_per_order_and_kind = models.Constraint("UNIQUE(order_id, kind)", "One voucher per order and kind.")

    def _issue(self, order, kind, tokens):
        key_id, key = signing.active_key(
            self.env["ir.config_parameter"].sudo().get_param(signing.KEY_ID_PARAM)
        )
        payload = {
            "voucher_id": f"VOU-{secrets.token_hex(10)}",
            "order_id": order.name,
            "company_ref": order.chorus_vendor_customer_id.company_ref,
            "pack_code": order.chorus_vendor_pack_code,
            "tokens": tokens,
            "issued_at": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "environment": order.chorus_vendor_environment,
            "key_id": key_id,
            "kind": kind,
        }
        return self.create(
            {
                "voucher_ref": payload["voucher_id"],
                "order_id": order.id,
                "customer_id": order.chorus_vendor_customer_id.id,
                "kind": kind,
                "tokens": tokens,
                "key_id": key_id,
                "payload": signing.canonical_payload(payload).decode("utf-8"),
                "signature": signing.sign(key, payload),
            }
        )

    def _as_json(self):
        self.ensure_one()
        return {"payload": json.loads(self.payload), "signature": self.signature}
