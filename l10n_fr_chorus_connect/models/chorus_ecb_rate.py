# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ECB main refinancing rate in force on the first day of each half-year (CCP R.2192-31):
data, loaded for the recent years and kept up to date by administrators."""

from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError


class ChorusEcbRate(models.Model):
    _name = "chorus.ecb.rate"
    _description = "ECB Main Refinancing Rate"
    _order = "date_from desc"

    date_from = fields.Date(
        string="In Force On",
        required=True,
        help="First day of the half-year (1 January or 1 July): the rate of the ECB's most recent main "
        "refinancing operations that day.",
    )
    rate = fields.Float(string="ECB Rate (%)", digits=(6, 3), required=True)
    legal_rate = fields.Float(string="Late Interest Rate (%)", digits=(6, 3), compute="_compute_legal_rate")
    source = fields.Char(help="Where the value comes from (ECB press release, Ministry's notice).")

    _date_from_uniq = models.Constraint("unique(date_from)", "One ECB rate per half-year.")
    _half_year_start = models.Constraint(
        "CHECK(EXTRACT(DAY FROM date_from) = 1 AND EXTRACT(MONTH FROM date_from) IN (1, 7))",
        "The ECB rate is the one in force on 1 January or 1 July (article R.2192-31).",
    )

    @api.depends("rate")
    def _compute_legal_rate(self):
        for rate in self:
            rate.legal_rate = rate.rate + 8

    @api.model_create_multi
    def create(self, vals_list):
        self._check_companies_concerned([vals.get("date_from") for vals in vals_list])
        rates = super().create(vals_list)
        rates._recompute_late_interest()
        return rates

    def write(self, vals):
        before = min(self.mapped("date_from"), default=None)
        self._check_companies_concerned([before, vals.get("date_from")])
        result = super().write(vals)
        self._recompute_late_interest(before)
        return result

    def unlink(self):
        before = min(self.mapped("date_from"), default=None)
        self._check_companies_concerned([before])
        result = super().unlink()
        self.browse()._recompute_late_interest(before)
        return result

    @api.model
    def _check_companies_concerned(self, dates):
        """One table for every company (the rate is a public fact), but a change changes what their
        buyers owe: only someone of each company whose late interest it changes may make it."""
        dates = [fields.Date.to_date(date) for date in dates if date]
        if self.env.su or not dates:
            return
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group([("chorus_late_rate_date", ">=", min(dates))], ["company_id"])
        )
        foreign = (
            self.env["res.company"].union(*(company for (company,) in groups)) - self.env.user.company_ids
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "This rate is used for the late interest of %(companies)s, which you do not belong to: "
                    "ask an administrator of every company concerned to change it.",
                    companies=", ".join(foreign.sudo().mapped("name")),  # not readable to the user
                )
            )

    def _recompute_late_interest(self, since=None):
        """A rate entered or corrected: the late invoices whose interest started from then on."""
        dates = [date for date in (since, *self.mapped("date_from")) if date]
        if not dates:
            return
        moves = self.env["account.move"].sudo().search([("chorus_late_rate_date", ">=", min(dates))])
        for start in range(0, len(moves), 2000):
            moves[start : start + 2000]._chorus_recompute_payment_terms()

    @api.model
    def _rates(self):
        """(date, Decimal rate) pairs for the pure computation, read once."""
        return [
            (rate.date_from, Decimal(str(round(rate.rate, 3))))
            for rate in self.sudo().search_fetch([], ["date_from", "rate"])
        ]
