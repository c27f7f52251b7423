# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""« Acheter » opens the order in Odoo: a pop-up would be blocked after the order was created."""

from odoo import models


class ChorusTokenOrder(models.Model):
    _inherit = "chorus.token.order"

    def _order_screen_action(self):
        """The order's form, its link to the vendor's payment page and « Vérifier le paiement »."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
