# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Paid on Chorus Pro, still open in Odoo: the accountant looks for the bank line.

Chorus Pro's « Mise en paiement » (the catalogue's paid statuses) says the buyer's accountant
ordered the payment; Odoo knows an invoice paid only once its bank line is reconciled. Nothing
is reconciled here: the invoice is pointed out, on its panel and by a search filter, so that the
bank statement is matched by hand (the amount received may differ: deductions, penalties).
"""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.misc import format_date

# Odoo's payment states where nothing is left to reconcile.
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_paid_open = fields.Boolean(
        string="Paid on Chorus, open in Odoo",
        compute="_compute_chorus_paid_open",
        search="_search_chorus_paid_open",
        help="Chorus Pro says the payment is ordered, the invoice is not paid in Odoo yet: "
        "reconcile the bank statement line.",
    )
    chorus_paid_open_note = fields.Char(string="Paid on Chorus Pro", compute="_compute_chorus_paid_open")

    @api.depends("chorus_deposit_state", "payment_state", "chorus_status_at")
    @api.depends_context("lang", "tz")
    def _compute_chorus_paid_open(self):
        for move in self:
            paid_open = move.chorus_deposit_state == "paid"
            paid_open = paid_open and move.payment_state not in SETTLED_PAYMENT_STATES
            move.chorus_paid_open = paid_open
            move.chorus_paid_open_note = (
                self.env._(
                    "Paid on Chorus Pro on %(date)s, still open in Odoo: reconcile the bank statement.",
                    date=format_date(
                        self.env, fields.Datetime.context_timestamp(move, move.chorus_status_at).date()
                    ),
                )
                if paid_open and move.chorus_status_at
                else False
            )

    @api.model
    def _search_chorus_paid_open(self, operator, value):
        # Two stored, indexed columns: one SQL condition, no Python per invoice.
        if operator != "in":
            return NotImplemented
        return Domain("chorus_deposit_state", "=", "paid") & Domain(
            "payment_state", "not in", SETTLED_PAYMENT_STATES
        )
