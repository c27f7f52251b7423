# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Days to pay per public buyer: median and worst, computed by PostgreSQL (percentile_cont).

Two rows per buyer, one per kind of figure, so that a graph shows the median and the worst side by
side (a graph draws one measure). Counts and interest are on the median row only: sums stay right."""

from odoo import fields, models, tools


class ChorusPaymentDelayReport(models.Model):
    _name = "chorus.payment.delay.report"
    _description = "Chorus Pro Days to Pay per Buyer"
    _auto = False
    _order = "partner_id, kind"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    kind = fields.Selection([("median", "Median"), ("worst", "Worst")], string="Figure", readonly=True)
    days = fields.Float(string="Days to Pay", digits=(16, 1), readonly=True, aggregator="max")
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    paid_count = fields.Integer(string="Paid Invoices", readonly=True)
    late_count = fields.Integer(string="Paid Late", readonly=True)
    interest = fields.Monetary(string="Late Interest", currency_field="company_currency_id", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH per_buyer AS (
                    SELECT move.company_id,
                           move.commercial_partner_id AS partner_id,
                           company.currency_id AS company_currency_id,
                           COUNT(*) AS paid_count,
                           COUNT(*) FILTER (WHERE move.chorus_days_late > 0) AS late_count,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY move.chorus_days_to_pay)
                               AS median_days,
                           MAX(move.chorus_days_to_pay) AS worst_days,
                           SUM(move.chorus_late_interest) AS interest
                      FROM account_move move
                      JOIN res_company company ON company.id = move.company_id
                     WHERE move.chorus_paid_on IS NOT NULL AND move.chorus_payment_start IS NOT NULL
                     GROUP BY move.company_id, move.commercial_partner_id, company.currency_id
                )
                SELECT ROW_NUMBER() OVER (ORDER BY per_buyer.company_id, per_buyer.partner_id, figure.kind)
                           AS id,
                       per_buyer.company_id,
                       per_buyer.partner_id,
                       per_buyer.company_currency_id,
                       figure.kind,
                       CASE figure.kind WHEN 'median' THEN per_buyer.median_days ELSE per_buyer.worst_days END
                           AS days,
                       CASE figure.kind WHEN 'median' THEN per_buyer.paid_count ELSE 0 END AS paid_count,
                       CASE figure.kind WHEN 'median' THEN per_buyer.late_count ELSE 0 END AS late_count,
                       CASE figure.kind WHEN 'median' THEN per_buyer.interest ELSE 0 END AS interest
                  FROM per_buyer
                 CROSS JOIN (VALUES ('median'), ('worst')) AS figure(kind)
            )
            """
        )
