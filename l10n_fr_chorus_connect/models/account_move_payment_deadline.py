# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""« À payer avant le »: the legal deadline of each deposited invoice, the days late and the interest
the buyer owes (rules and formula in ``chorus/payment_deadlines.py``).

Stored, computed for a whole batch with two SQL reads (status dates, Odoo payment dates): recomputed
when a status or a payment changes, and each night for invoices still unpaid after their deadline.
"""

from decimal import Decimal

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..chorus import payment_deadlines
from ..chorus.payment_deadlines import DAYS_BY_CATEGORY, MissingRateError
from .chorus_access import check_chorus_access

PAYMENT_TERM_FIELDS = (
    "chorus_payment_start",
    "chorus_payment_due",
    "chorus_payment_suspended",
    "chorus_paid_on",
    "chorus_days_to_pay",
    "chorus_days_late",
    "chorus_overdue",
    "chorus_late_rate",
    "chorus_late_rate_date",
    "chorus_late_rate_missing",
    "chorus_late_interest",
    "chorus_late_indemnity",
    "chorus_interest_to_claim",
)
RECOMPUTE_BATCH = 2000


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_payment_category = fields.Selection(related="commercial_partner_id.chorus_payment_category")
    chorus_payment_start = fields.Date(
        string="Received by the Buyer",
        compute="_compute_chorus_payment_terms",
        store=True,
        help="Made available to the buyer on Chorus Pro (MISE_A_DISPOSITION), else deposited: the legal "
        "payment period starts that day (R.2192-12 and R.2192-13).",
    )
    chorus_payment_due = fields.Date(
        string="To Be Paid By",
        compute="_compute_chorus_payment_terms",
        store=True,
        index="btree_not_null",
        help="Legal deadline: 30, 50 or 60 days after reception by kind of buyer; a suspension opens a new "
        "period of at least 30 days once the invoice is completed (R.2192-27 to R.2192-29).",
    )
    chorus_payment_suspended = fields.Boolean(
        string="Payment Clock Stopped", compute="_compute_chorus_payment_terms", store=True
    )
    chorus_paid_on = fields.Date(string="Paid On", compute="_compute_chorus_payment_terms", store=True)
    chorus_days_to_pay = fields.Integer(
        string="Days to Pay", compute="_compute_chorus_payment_terms", store=True, aggregator="avg"
    )
    chorus_days_late = fields.Integer(
        string="Days Late", compute="_compute_chorus_payment_terms", store=True, aggregator="max"
    )
    chorus_overdue = fields.Boolean(
        string="Overdue", compute="_compute_chorus_payment_terms", store=True, index=True
    )
    chorus_late_rate = fields.Float(
        string="Late Interest Rate (%)",
        digits=(6, 2),
        compute="_compute_chorus_payment_terms",
        store=True,
        aggregator=False,
    )
    chorus_late_rate_date = fields.Date(
        string="ECB Rate Of", compute="_compute_chorus_payment_terms", store=True
    )
    chorus_late_rate_missing = fields.Boolean(
        string="ECB Rate Missing",
        compute="_compute_chorus_payment_terms",
        store=True,
        help="No ECB rate is entered for the half-year the interest started in: the last known rate is used "
        "for an estimate, and no claim is made until an administrator enters it.",
    )
    chorus_late_interest = fields.Monetary(
        string="Late Interest",
        compute="_compute_chorus_payment_terms",
        store=True,
        currency_field="company_currency_id",
    )
    chorus_late_indemnity = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_chorus_payment_terms",
        store=True,
        currency_field="company_currency_id",
    )
    chorus_interest_to_claim = fields.Boolean(
        string="Interest to Claim", compute="_compute_chorus_payment_terms", store=True, index=True
    )
    chorus_interest_move_id = fields.Many2one(
        "account.move", string="Late Interest Invoice", readonly=True, copy=False, index="btree_not_null"
    )

    @api.depends(
        "state",
        "move_type",
        "amount_total",
        "payment_state",
        "chorus_flow_id.deposit_date",
        "chorus_status",
        "chorus_status_at",
        "chorus_status_ids.code",
        "chorus_status_ids.date",
        "commercial_partner_id.chorus_payment_category",
        "company_id.chorus_late_payment_reference",
        "chorus_interest_move_id",
    )
    def _compute_chorus_payment_terms(self):
        followed = self.filtered(
            lambda move: (
                isinstance(move.id, int)
                and move.move_type == "out_invoice"
                and move.state == "posted"
                and move.chorus_flow_id
            )
        )
        empty = dict.fromkeys(PAYMENT_TERM_FIELDS, False)
        for move in self - followed:
            move.update(empty)
        if not followed:
            return
        histories = followed._chorus_status_dates()
        paid_in_odoo = followed._chorus_odoo_payment_dates()
        rates = self.env["chorus.ecb.rate"]._rates()
        today = fields.Date.context_today(self)
        paris = self.with_context(tz="Europe/Paris")
        for move in followed:
            history = histories.get(move.id, [])
            days = DAYS_BY_CATEGORY[move.commercial_partner_id.chorus_payment_category or "public_body"]
            clock = payment_deadlines.payment_clock(days, move.chorus_flow_id.deposit_date, history)
            if move.company_id.chorus_late_payment_reference == "odoo":
                paid_on = paid_in_odoo.get(move.id)
            else:
                paid_on = payment_deadlines.paid_out_on(history)
                if not paid_on and move.chorus_status == payment_deadlines.PAID_OUT and move.chorus_status_at:
                    paid_on = fields.Datetime.context_timestamp(paris, move.chorus_status_at).date()
            values = dict(
                empty,
                chorus_payment_start=clock.start,
                chorus_payment_due=clock.due,
                chorus_payment_suspended=clock.suspended,
                chorus_paid_on=paid_on,
                chorus_days_to_pay=(paid_on - clock.start).days if paid_on and clock.start else 0,
            )
            try:
                amount = Decimal(
                    f"{move.amount_total:.{move.currency_id.decimal_places}f}"
                )  # not the float's binary
                late = payment_deadlines.late_payment(amount, clock.due, paid_on or today, rates)
            except MissingRateError as error:
                values.update(chorus_late_rate_missing=True, chorus_late_rate_date=error.half_year_start)
                late = None
            if late and late.days_late:
                values.update(
                    chorus_days_late=late.days_late,
                    chorus_overdue=not paid_on,
                    chorus_late_rate=float(late.legal_rate),
                    chorus_late_rate_date=late.rate_date,
                    chorus_late_rate_missing=not late.rate_confirmed,
                    chorus_late_interest=float(late.interest),
                    chorus_late_indemnity=float(late.indemnity),
                    chorus_interest_to_claim=bool(paid_on) and not move.chorus_interest_move_id,
                )
            elif late is None:  # late, but no rate at all for that half-year: the days only
                values.update(
                    chorus_days_late=((paid_on or today) - clock.due).days, chorus_overdue=not paid_on
                )
            move.update(values)

    def _chorus_status_dates(self):
        """Move id -> [(date in Paris, status code)] of the Chorus Pro histories of these invoices."""
        self.env["chorus.invoice.status"].flush_model(["move_id", "code", "date"])
        self.env.cr.execute(
            """
            SELECT move_id, (date AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris')::date, code
              FROM chorus_invoice_status
             WHERE move_id = ANY(%s) AND date IS NOT NULL
             ORDER BY date, id
            """,
            [self.ids],
        )
        dates = {}
        for move_id, on, code in self.env.cr.fetchall():
            dates.setdefault(move_id, []).append((on, code))
        return dates

    def _chorus_odoo_payment_dates(self):
        """Move id -> date of the last payment reconciled with the fully paid invoices of these moves."""
        paid = self.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        if not paid:
            return {}
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "credit_move_id"])
        self.env.cr.execute(
            """
            SELECT line.move_id, MAX(payment.date)
              FROM account_move_line line
              JOIN account_partial_reconcile part ON part.debit_move_id = line.id
              JOIN account_move_line payment ON payment.id = part.credit_move_id
             WHERE line.move_id = ANY(%s) AND line.display_type = 'payment_term'
             GROUP BY line.move_id
            """,
            [paid.ids],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _cron_chorus_payment_deadlines(self):
        """Each night: the days late and interest of the invoices still unpaid after their deadline."""
        domain = [
            ("chorus_payment_due", "<", fields.Date.context_today(self)),
            ("chorus_paid_on", "=", False),
            ("chorus_payment_suspended", "=", False),
        ]
        ids = self.search(domain).ids
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(ids))
        for start in range(0, len(ids), RECOMPUTE_BATCH):
            batch = self.browse(ids[start : start + RECOMPUTE_BATCH])
            batch._chorus_recompute_payment_terms()
            if not cron._commit_progress(len(batch)):
                break

    def _chorus_recompute_payment_terms(self):
        for name in PAYMENT_TERM_FIELDS:
            self.env.add_to_compute(self._fields[name], self)
        self._recompute_recordset(list(PAYMENT_TERM_FIELDS))
        self.flush_recordset(list(PAYMENT_TERM_FIELDS))

    # ------------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------------
    def action_chorus_claim_late_interest(self):
        """« Réclamer les intérêts »: a DRAFT invoice of the interest and the indemnity to the buyer,
        deposited like any invoice once the user confirms it."""
        check_chorus_access(self)
        self.ensure_one()
        if self.chorus_interest_move_id:
            return self._chorus_open(self.chorus_interest_move_id)
        if not self.chorus_interest_to_claim:
            raise UserError(
                self.env._(
                    "%(invoice)s owes no late interest to claim: it must have been paid after its "
                    "deadline (To Be Paid By).",
                    invoice=self.display_name,
                )
            )
        if self.chorus_late_rate_missing:
            raise UserError(
                self.env._(
                    "The ECB rate in force on %(date)s is not entered: ask a Chorus Pro administrator to add "
                    "it in Invoicing > Chorus Pro > ECB rates, then claim the interest.",
                    date=format_date(self.env, self.chorus_late_rate_date),
                )
            )
        claim = self.sudo()._chorus_create_interest_invoice()
        self.sudo().chorus_interest_move_id = claim
        return self._chorus_open(claim)

    def _chorus_open(self, move):
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _chorus_create_interest_invoice(self):
        self.ensure_one()
        env = self._chorus_lang_env().env  # written for the buyer
        tax = self._chorus_out_of_scope_tax()
        interest_label = env._(
            "Late payment interest on invoice %(invoice)s: %(days)s days late (due %(due)s, paid %(paid)s) "
            "at %(rate)s %% (ECB rate of %(rate_date)s + 8 points, Code de la commande publique R.2192-31)",
            invoice=self.name,
            days=self.chorus_days_late,
            due=format_date(env, self.chorus_payment_due),  # 18/01/2027 for a French buyer, not ISO
            paid=format_date(env, self.chorus_paid_on),
            rate=f"{self.chorus_late_rate:.2f}",
            rate_date=format_date(env, self.chorus_late_rate_date),
        )
        indemnity_label = env._(
            "Flat-rate recovery indemnity on invoice %(invoice)s (Code de la commande publique D.2192-35)",
            invoice=self.name,
        )
        lines = [
            (interest_label, self.chorus_late_interest),
            (indemnity_label, self.chorus_late_indemnity),
        ]
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "journal_id": self.journal_id.id,
                "currency_id": self.company_currency_id.id,
                "invoice_origin": self.name,
                "buyer_reference": self.buyer_reference,
                "purchase_order_reference": self.purchase_order_reference,
                "contract_reference": self.contract_reference,
                "narration": Markup("<p>%s</p>")
                % env._(
                    "Interest on late payment and the recovery indemnity are damages, not the price of a "
                    "supply: outside the scope of VAT (CGI art. 256)."
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for label, amount in lines
                    if amount
                ],
            }
        )

    def _chorus_out_of_scope_tax(self):
        """The company's 0 % sale tax « outside the scope of VAT » (EN 16931 category O), made once."""
        self.ensure_one()
        taxes = self.env["account.tax"].with_company(self.company_id)
        domain = [
            *taxes._check_company_domain(self.company_id),
            ("type_tax_use", "=", "sale"),
            ("amount", "=", 0),
            ("ubl_cii_tax_category_code", "=", "O"),
            ("ubl_cii_tax_exemption_reason_code", "=", "VATEX-EU-O"),  # BR-O-10
        ]
        tax = taxes.search(domain, limit=1)
        if tax:
            return tax
        return taxes.create(
            {
                "name": self.env._("0% outside the scope of VAT (late interest)"),
                "type_tax_use": "sale",
                "amount_type": "percent",
                "amount": 0,
                "company_id": self.company_id.id,
                "country_id": self.company_id.account_fiscal_country_id.id,
                "ubl_cii_tax_category_code": "O",
                "ubl_cii_tax_exemption_reason_code": "VATEX-EU-O",
                "invoice_label": self.env._("Outside the scope of VAT"),
            }
        )
