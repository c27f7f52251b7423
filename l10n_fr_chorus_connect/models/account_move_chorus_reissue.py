# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The credit note that cancels a rejected invoice stays in Odoo.

Chorus Pro closes a rejected invoice for good; its procedure is to acknowledge the rejection and
issue a new invoice with a new number (communaute.chorus-pro.gouv.fr/?p=42977, « Votre facture a
été rejetée »). The buyer never booked the rejected invoice: a credit note deposited for it would
reach a buyer who has nothing to cancel (and cost a token). It cancels the invoice in the
supplier's books only: never queued, and the panel says why instead of offering the deposit.
"""

from odoo import api, models

from ..chorus.supplier_actions import REJECTED


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_cancels_a_rejected_invoice(self):
        self.ensure_one()
        rejected = self.reversed_entry_id
        return bool(
            self.move_type == "out_refund"
            and rejected
            and rejected.chorus_status == REJECTED
            and rejected.chorus_reissue_refund_id == self
        )

    @api.depends("reversed_entry_id.chorus_reissue_refund_id", "reversed_entry_id.chorus_status")
    def _compute_chorus_deposit_state(self):
        result = super()._compute_chorus_deposit_state()
        for move in self:
            if move.chorus_deposit_state and move._chorus_cancels_a_rejected_invoice():
                move.chorus_deposit_state = False  # not « to deposit »: nothing is owed to Chorus Pro
        return result

    def _chorus_deposit_queued(self):
        if self._chorus_cancels_a_rejected_invoice():  # queued before the invoice was known rejected
            self.write({"chorus_deposit_queued": False})
            return None
        return super()._chorus_deposit_queued()

    def _chorus_to_queue_when_posted(self):
        return super()._chorus_to_queue_when_posted() and not self._chorus_cancels_a_rejected_invoice()

    def _chorus_preflight(self, include_warnings=False, facturx=True):
        if self._chorus_cancels_a_rejected_invoice():
            return [
                {
                    "field": "reversed_entry_id",
                    "message": self.env._(
                        "This credit note cancels %(invoice)s in your books only: the buyer rejected it "
                        "on Chorus Pro, which closed it, so the buyer has nothing to cancel.",
                        invoice=self.reversed_entry_id.display_name,
                    ),
                    "fix": self.env._("Keep it in Odoo; deposit only the new invoice."),
                    "blocking": True,
                }
            ]
        return super()._chorus_preflight(include_warnings=include_warnings, facturx=facturx)
