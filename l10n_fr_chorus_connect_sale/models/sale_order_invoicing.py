# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The order's Chorus Pro references follow to its invoices; orders with other references are never merged."""

from odoo import models

# Invoice field <- order field. The invoice fields are l10n_fr_facturx_chorus_pro's, read by the deposit.
INVOICE_REFERENCES = {
    "buyer_reference": "chorus_service_code",
    "purchase_order_reference": "chorus_engagement",
    "contract_reference": "chorus_market_number",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _prepare_invoice(self):
        # Used for regular, final and down payment invoices (sale.advance.payment.inv).
        values = super()._prepare_invoice()
        if self.chorus_is_public:
            # Empty references are "" rather than False: the grouping keys are sorted, and str and bool
            # do not compare. Given explicitly, they also stop the main addon from taking the order
            # name (the invoice's ref) for an engagement number.
            values.update(
                {
                    invoice_field: self[order_field] or ""
                    for invoice_field, order_field in INVOICE_REFERENCES.items()
                }
            )
        return values

    def _get_invoice_grouping_keys(self):
        return [*super()._get_invoice_grouping_keys(), *INVOICE_REFERENCES]

    def _create_invoices(self, grouped=False, final=False, date=None):
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        if not grouped and len(self) > 1:
            moves._chorus_explain_separate_invoices()
        return moves
