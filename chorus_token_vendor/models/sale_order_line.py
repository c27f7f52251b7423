from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("order_id.chorus_vendor_refunded")
    def _compute_qty_to_invoice(self):
        """A refunded token order is settled by its credit note: without this its pack line turns
        back to « À facturer » and a batch « Créer les factures » would bill the customer again."""
        res = super()._compute_qty_to_invoice()
        for line in self.filtered(lambda line: line.order_id.chorus_vendor_refunded):
            line.qty_to_invoice = 0.0
        return res
