# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Days to pay per public buyer: median and worst, computed by PostgreSQL (percentile_cont)."""

from odoo import fields, models, tools


class ChorusPaymentDelayReport(models.Model):
    _name = "chorus.payment.delay.report"
    _description = "Chorus Pro Days to Pay per Buyer"
    _auto = False
    _order = "median_days desc"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    paid_count = fields.Integer(string="Paid Invoices", readonly=True)
    late_count = fields.Integer(string="Paid Late", readonly=True)
    median_days = fields.Float(string="Median Days to Pay", digits=(16, 1), readonly=True, aggregator="max")
    worst_days = fields.Integer(string="Worst Days to Pay", readonly=True, aggregator="max")
    interest = fields.Monetary(string="Late Interest", currency_field="company_currency_id", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT MIN(move.id) AS id,
                       move.company_id,
                       move.commercial_partner_id AS partner_id,
                       company.currency_id AS company_currency_id,
                       COUNT(*) AS paid_count,
                       COUNT(*) FILTER (WHERE move.chorus_days_late > 0) AS late_count,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY move.chorus_days_to_pay) AS median_days,
                       MAX(move.chorus_days_to_pay) AS worst_days,
                       SUM(move.chorus_late_interest) AS interest
                  FROM account_move move
                  JOIN res_company company ON company.id = move.company_id
                 WHERE move.chorus_paid_on IS NOT NULL AND move.chorus_payment_start IS NOT NULL
                 GROUP BY move.company_id, move.commercial_partner_id, company.currency_id
            )
            """
        )
