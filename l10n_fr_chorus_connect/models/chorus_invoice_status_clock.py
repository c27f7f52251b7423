# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payment clock in the tracker's history: where it started, stopped, restarted, and how the
payment stands against it (rules in ``chorus/payment_deadlines.py``)."""

from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..chorus import payment_deadlines
from ..chorus.payment_deadlines import DAYS_BY_CATEGORY


class ChorusInvoiceStatus(models.Model):
    _inherit = "chorus.invoice.status"

    payment_clock = fields.Char(compute="_compute_payment_clock")

    @api.depends("code", "date", "move_id.chorus_payment_due", "move_id.chorus_days_late")
    @api.depends_context("lang")
    def _compute_payment_clock(self):
        self.payment_clock = False
        paris = self.with_context(tz="Europe/Paris")
        # The history the stored deadline was computed from: one day's statuses in the order they came.
        histories = self.move_id._chorus_status_dates()
        for move in self.move_id:
            lines = move.chorus_status_ids
            day = {
                line: fields.Datetime.context_timestamp(paris, line.date).date()
                for line in lines
                if line.date
            }
            days = DAYS_BY_CATEGORY[move.commercial_partner_id.chorus_payment_category or "public_body"]
            history = histories.get(move.id, [])
            clock = payment_deadlines.payment_clock(days, move.chorus_flow_id.deposit_date, history)
            paid_out = payment_deadlines.paid_out_on(history)
            resumed = False
            for line in lines.sorted(lambda line: (line.date or fields.Datetime.now(), line.entry_id)):
                on = day.get(line)
                if not on or line not in self:
                    continue
                if line.code == payment_deadlines.AVAILABLE and on == clock.start:
                    line.payment_clock = self.env._("Clock starts: %(days)s days", days=days)
                elif line.code == payment_deadlines.SUSPENDED and on == clock.suspended_on:
                    line.payment_clock = self.env._("Clock stopped")
                elif clock.resumed_on and on == clock.resumed_on and not resumed and line.code != "SUSPENDUE":
                    resumed = True
                    line.payment_clock = self.env._(
                        "New period: to be paid by %(due)s", due=format_date(self.env, clock.due)
                    )
                elif line.code == payment_deadlines.PAID_OUT and on == paid_out and clock.due:
                    late = (on - clock.due).days
                    line.payment_clock = (
                        self.env._("Paid %(days)s days late", days=late)
                        if late > 0
                        else self.env._("Paid in time")
                    )
