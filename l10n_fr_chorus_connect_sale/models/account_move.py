# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where the Chorus Pro references of an invoice came from, and why invoiced orders were not merged."""

from markupsafe import Markup

from odoo import api, fields, models

from .sale_order_invoicing import INVOICE_REFERENCES

SOURCE_FIELDS = {
    "buyer_reference": "chorus_service_code_source",
    "purchase_order_reference": "chorus_engagement_source",
    "contract_reference": "chorus_market_number_source",
}
MERGE_KEYS = ("company_id", "partner_id", "partner_shipping_id", "currency_id", "fiscal_position_id")


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_service_code_source = fields.Char(string="Service Code Source", compute="_compute_chorus_sources")
    chorus_engagement_source = fields.Char(
        string="Engagement Number Source", compute="_compute_chorus_sources"
    )
    chorus_market_number_source = fields.Char(
        string="Market Number Source", compute="_compute_chorus_sources"
    )

    @api.depends(
        "buyer_reference",
        "purchase_order_reference",
        "contract_reference",
        "partner_id",
        "invoice_line_ids.sale_line_ids",
    )
    def _compute_chorus_sources(self):
        for move in self:
            orders = move.invoice_line_ids.sale_line_ids.order_id
            for invoice_field, source_field in SOURCE_FIELDS.items():
                move[source_field] = move._chorus_reference_source(move[invoice_field], invoice_field, orders)

    def _chorus_reference_source(self, value, invoice_field, orders):
        if not value:
            return False
        order_field = INVOICE_REFERENCES[invoice_field]
        matching = orders.filtered(lambda order: order[order_field] == value)
        if matching:
            return self.env._("Source: order %(orders)s", orders=", ".join(matching.mapped("name")))
        if invoice_field == "buyer_reference" and value == self.partner_id._chorus_effective_service_code():
            return self.env._("Source: invoice address %(partner)s", partner=self.partner_id.display_name)
        if orders:
            return self.env._("Changed on the invoice (not the order's)")
        return False

    def _chorus_explain_separate_invoices(self):
        """Orders that would have been one invoice but differ in Chorus Pro references: say why on each."""
        groups = self.filtered("commercial_partner_id.chorus_is_public").grouped(
            lambda move: tuple(move[key] for key in MERGE_KEYS)
        )
        for moves in groups.values():
            if len(moves) < 2:
                continue
            for move in moves:
                others = ", ".join(filter(None, (moves - move).mapped("invoice_origin")))
                move.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Not merged with the invoice of %(orders)s: Chorus Pro needs one invoice per service "
                        "code, engagement number and market number, and these orders have different ones.",
                        orders=others,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
