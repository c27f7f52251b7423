# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Getting paid on time (issue 14, items 1 to 3): the legal deadline of deposited invoices, the
interest a late public buyer owes, the draft claim, and the accountant's Monday view.

Histories are recorded by ``_apply_history``, as the tracker does with what Chorus Pro answers; one
test deposits for real through the sandbox."""

import ast
import datetime
import os
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from ..chorus import payment_deadlines
from ..chorus.values import HistoryEntry, InvoiceHistory
from ..models.res_partner_payment_deadline import category_from_name
from .test_deposit_common import ChorusDepositCase


def at(day):
    """10:00 UTC: the same day in Paris."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10))


class FollowedInvoices:
    """Deposited invoices whose Chorus Pro history is given, recorded as the tracker records it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hospital = cls.env["res.partner"].create(
            {"name": "CENTRE HOSPITALIER DE TESTVILLE", "is_company": True, "chorus_is_public": True}
        )
        cls.public_company = cls.env["res.partner"].create(
            {"name": "Régie publique de test", "is_company": True, "chorus_is_public": True}
        )
        cls.public_company.chorus_payment_category = "public_company"
        cls.chorus_ids = iter(range(900001, 999999))

    def followed_invoice(self, deposited_on, statuses, partner=None, amount=1000.0):
        """A posted invoice deposited on ``deposited_on`` whose Chorus Pro history is ``statuses``."""
        move = self.create_public_invoice(amount=amount, partner=partner, post=False)
        move.invoice_date = deposited_on
        move.action_post()
        flow = (
            self.env["chorus.flow"]
            .sudo()
            .create(
                {
                    "name": f"CPP{move.id:012d}",
                    "state": "integrated",
                    "deposit_date": deposited_on,
                    "move_ids": [Command.set(move.ids)],
                }
            )
        )
        move.sudo().write({"chorus_flow_id": flow.id, "chorus_invoice_id": next(self.chorus_ids)})
        self.record(move, statuses)
        return move

    def record(self, move, statuses):
        known = len(move.chorus_status_ids)
        entries = tuple(
            HistoryEntry(entry_id=known + index, status=code, at=at(day))
            for index, (day, code) in enumerate(statuses, start=1)
        )
        history = InvoiceHistory(move.chorus_invoice_id, move.name, entries[-1].status, entries)
        self.env["chorus.invoice.status"].sudo()._apply_history(move.sudo(), history)


@tagged("post_install", "-at_install")
class TestPaymentDeadlines(FollowedInvoices, ChorusDepositCase):
    # ------------------------------------------------------------------ deadlines
    def test_deadline_of_each_kind_of_buyer(self):
        commune = self.followed_invoice(
            "2025-03-03", [("2025-03-03", "DEPOSEE"), ("2025-03-04", "MISE_A_DISPOSITION")]
        )
        hospital = self.followed_invoice("2025-01-09", [("2025-01-10", "MISE_A_DISPOSITION")], self.hospital)
        company = self.followed_invoice(
            "2024-01-15", [("2024-01-15", "MISE_A_DISPOSITION")], self.public_company
        )
        self.assertEqual(commune.chorus_payment_category, "local")
        self.assertEqual(hospital.chorus_payment_category, "health")
        self.assertEqual(
            [(move.chorus_payment_start, move.chorus_payment_due) for move in commune | hospital | company],
            [
                (datetime.date(2025, 3, 4), datetime.date(2025, 4, 3)),
                (datetime.date(2025, 1, 10), datetime.date(2025, 3, 1)),
                (datetime.date(2024, 1, 15), datetime.date(2024, 3, 15)),
            ],
        )

    def test_deadline_from_the_deposit_until_chorus_makes_the_invoice_available(self):
        move = self.followed_invoice("2025-03-03", [("2025-03-03", "DEPOSEE")])
        self.assertEqual(move.chorus_payment_due, datetime.date(2025, 4, 2))
        self.record(move, [("2025-03-05", "MISE_A_DISPOSITION")])
        self.assertEqual(move.chorus_payment_due, datetime.date(2025, 4, 4))

    def test_suspension_stops_the_clock_until_completed(self):
        move = self.followed_invoice(
            "2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-03-24", "SUSPENDUE")]
        )
        self.assertTrue(move.chorus_payment_suspended)
        self.assertFalse(move.chorus_payment_due)
        self.record(move, [("2025-04-10", "COMPLETEE"), ("2025-05-12", "MISE_EN_PAIEMENT")])
        self.assertFalse(move.chorus_payment_suspended)
        self.assertEqual(move.chorus_payment_due, datetime.date(2025, 5, 10))  # 30 days after completion
        self.assertEqual(
            move.chorus_status_ids.sorted("date").mapped("payment_clock"),
            [
                "Clock starts: 30 days",
                "Clock stopped",
                "New period: to be paid by 05/10/2025",
                "Paid 2 days late",
            ],
        )

    def test_clock_column_reads_the_history_of_one_day_in_the_order_it_happened(self):
        """Completed the day it was suspended: the column says what the stored deadline says."""
        move = self.followed_invoice(
            "2025-03-03",
            [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-03-24", "SUSPENDUE"), ("2025-03-24", "COMPLETEE")],
        )
        self.assertEqual(move.chorus_payment_due, datetime.date(2025, 4, 23))  # 30 days after completion
        self.env.invalidate_all()  # the history as a form reads it: newest first (the model's order)
        self.assertEqual(
            move.chorus_status_ids.sorted(lambda line: (line.date, line.entry_id)).mapped("payment_clock"),
            ["Clock starts: 30 days", "Clock stopped", "New period: to be paid by 04/23/2025"],
        )

    def test_kind_of_buyer_guessed_from_the_directory_name_and_editable(self):
        self.assertEqual(self.public_partner.chorus_payment_category, "local")
        self.assertEqual(category_from_name("CHU DE BORDEAUX"), "health")
        self.assertEqual(category_from_name("MINISTERE DES ARMEES"), "state")
        self.assertEqual(category_from_name("UNIVERSITE DE TEST"), "public_body")
        move = self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")], self.hospital)
        self.hospital.chorus_payment_category = "public_company"
        self.assertEqual(move.chorus_payment_due, datetime.date(2025, 5, 3))

    # ------------------------------------------------------------------ late payment
    def test_paid_on_time_owes_nothing(self):
        move = self.followed_invoice(
            "2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-04-03", "MISE_EN_PAIEMENT")]
        )
        self.assertEqual((move.chorus_paid_on, move.chorus_days_to_pay), (datetime.date(2025, 4, 3), 30))
        self.assertEqual(
            (move.chorus_days_late, move.chorus_late_interest, move.chorus_late_indemnity), (0, 0, 0)
        )
        self.assertFalse(move.chorus_interest_to_claim)

    def test_paid_late_on_chorus_owes_interest_and_the_indemnity(self):
        move = self.followed_invoice(
            "2025-03-03",
            [
                ("2025-03-04", "MISE_A_DISPOSITION"),
                ("2025-04-10", "MANDATEE"),
                ("2025-04-13", "MISE_EN_PAIEMENT"),
            ],
        )
        expected = payment_deadlines.late_payment(
            Decimal(str(move.amount_total)),
            datetime.date(2025, 4, 3),
            datetime.date(2025, 4, 13),
            payment_deadlines.ECB_MAIN_REFINANCING_RATES,
        )
        self.assertEqual(move.chorus_days_late, 10)
        self.assertEqual(move.chorus_late_rate, 11.15)  # ECB 3.15 on 1 January 2025 + 8
        self.assertEqual(move.chorus_late_rate_date, datetime.date(2025, 1, 1))
        self.assertEqual(move.chorus_late_interest, float(expected.interest))
        self.assertEqual(move.chorus_late_indemnity, 40.0)
        self.assertTrue(move.chorus_interest_to_claim)
        self.assertFalse(move.chorus_overdue)

    def test_unpaid_invoice_counts_its_days_late_each_night(self):
        move = self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")])
        with freeze_time("2025-04-13"):
            move._chorus_recompute_payment_terms()
            self.assertEqual((move.chorus_days_late, move.chorus_overdue), (10, True))
        with freeze_time("2025-04-20"):
            self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_payment_deadlines")
            self.assertEqual(move.chorus_days_late, 17)
        self.assertFalse(move.chorus_interest_to_claim, "interest is claimed once the principal is paid")

    def test_payment_recorded_in_odoo_as_the_reference(self):
        self.company.chorus_late_payment_reference = "odoo"
        move = self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": "2025-05-01"})._create_payments()
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual((move.chorus_paid_on, move.chorus_days_late), (datetime.date(2025, 5, 1), 28))

    def test_missing_ecb_rate_is_said(self):
        move = self.followed_invoice(
            "2019-09-01", [("2019-09-02", "MISE_A_DISPOSITION"), ("2019-11-01", "MISE_EN_PAIEMENT")]
        )
        self.assertTrue(move.chorus_late_rate_missing)
        self.assertEqual(move.chorus_late_rate_date, datetime.date(2019, 10, 1).replace(month=7))
        self.assertEqual(move.chorus_days_late, 30)
        self.assertFalse(move.chorus_interest_to_claim)

    def test_half_year_without_its_rate_gives_an_estimate_and_no_claim(self):
        move = self.followed_invoice(
            "2026-07-02", [("2026-07-02", "MISE_A_DISPOSITION"), ("2026-08-31", "MISE_EN_PAIEMENT")]
        )
        self.assertEqual((move.chorus_days_late, move.chorus_late_rate), (30, 10.15))  # 1 January 2026's
        self.assertTrue(move.chorus_late_rate_missing)
        with self.assertRaisesRegex(UserError, "ECB rates"):
            move.action_chorus_claim_late_interest()
        self.env["chorus.ecb.rate"].create({"date_from": "2026-07-01", "rate": 2.0})
        self.assertEqual((move.chorus_late_rate, move.chorus_late_rate_missing), (10.0, False))

    def test_claim_is_a_draft_invoice_outside_the_scope_of_vat(self):
        move = self.followed_invoice(
            "2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-04-13", "MISE_EN_PAIEMENT")]
        )
        action = move.action_chorus_claim_late_interest()
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(
            (claim.state, claim.move_type, claim.partner_id), ("draft", "out_invoice", move.partner_id)
        )
        self.assertEqual(claim.amount_tax, 0)
        self.assertEqual(claim.amount_total, move.chorus_late_interest + 40)
        self.assertEqual(set(claim.invoice_line_ids.tax_ids.mapped("ubl_cii_tax_category_code")), {"O"})
        self.assertIn("R.2192-31", claim.invoice_line_ids[0].name)
        self.assertEqual(move.chorus_interest_move_id, claim)
        self.assertFalse(move.chorus_interest_to_claim)
        self.assertEqual(move.action_chorus_claim_late_interest()["res_id"], claim.id, "claimed once")
        # Then deposited like any invoice, once the user confirms it.
        claim.action_post()
        [result] = self.deposit(claim)
        self.assertEqual(result["outcome"], "deposited", result["message"])

    # ------------------------------------------------------------------ the Monday view
    def test_monday_view_overdue_first_and_days_to_pay_per_buyer(self):
        paid = [
            self.followed_invoice(
                "2025-03-03", [("2025-03-03", "MISE_A_DISPOSITION"), (day, "MISE_EN_PAIEMENT")]
            )
            for day in ("2025-03-23", "2025-04-12", "2025-06-11")  # 20, 40 and 100 days
        ]
        overdue = self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_chorus_connect.action_chorus_payments"
        )
        moves = self.env["account.move"].search(
            ast.literal_eval(action["domain"]),
            order="chorus_overdue desc, chorus_days_late desc, chorus_payment_due, id desc",
        )
        self.assertEqual(moves[0], overdue)
        to_claim = self.env["account.move"].search([("chorus_interest_to_claim", "=", True)])
        self.assertEqual(to_claim, paid[1] | paid[2])
        groups = self.env["account.move"].formatted_read_group(
            [("id", "in", moves.ids)], ["chorus_status"], ["amount_total_signed:sum"]
        )
        self.assertEqual(
            {group["chorus_status"] for group in groups}, {"MISE_EN_PAIEMENT", "MISE_A_DISPOSITION"}
        )
        report = self.env["chorus.payment.delay.report"].search([("partner_id", "=", self.public_partner.id)])
        self.assertEqual({row.kind: row.days for row in report}, {"median": 40, "worst": 100})
        self.assertEqual((sum(report.mapped("paid_count")), sum(report.mapped("late_count"))), (3, 2))
        graph = self.env["chorus.payment.delay.report"].formatted_read_group(
            [("partner_id", "=", self.public_partner.id)], ["partner_id", "kind"], ["days:max"]
        )
        self.assertEqual({group["kind"]: group["days:max"] for group in graph}, {"median": 40, "worst": 100})

    def test_deposited_in_the_sandbox_gets_its_deadline(self):
        move = self.create_public_invoice()
        self.deposit(move)
        self.poll_flows()
        self.track_lifecycles()
        move.invalidate_recordset()
        self.assertIn("MISE_A_DISPOSITION", move.chorus_status_ids.mapped("code"))
        self.assertTrue(move.chorus_payment_start)
        self.assertEqual(move.chorus_payment_due, move.chorus_payment_start + datetime.timedelta(days=30))


@tagged("post_install", "-at_install")
class TestPaymentDeadlinesTour(FollowedInvoices, ChorusDepositCase, HttpCase):
    def test_monday_view_and_panel_in_the_browser(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Claire",
                "login": "claire.deadlines",
                "password": "claire.deadlines",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set([self.env.ref("account.group_account_invoice").id])],
            }
        )
        self.followed_invoice(
            "2025-03-03", [("2025-03-03", "MISE_A_DISPOSITION"), ("2025-03-23", "MISE_EN_PAIEMENT")]
        )
        paid_late = self.followed_invoice(
            "2025-03-03", [("2025-03-03", "MISE_A_DISPOSITION"), ("2025-06-11", "MISE_EN_PAIEMENT")]
        )
        self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")], self.hospital)
        late = self.followed_invoice(
            "2025-03-03",
            [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-04-13", "MISE_EN_PAIEMENT")],
            amount=25000,
        )
        with self.screenshots():
            self.start_tour(
                "/odoo/action-l10n_fr_chorus_connect.action_chorus_payments",
                "l10n_fr_chorus_connect_payment_deadlines_tour",
                login=accountant.login,
                timeout=120,
            )
        claims = (late | paid_late).chorus_interest_move_id
        self.assertEqual(len(claims), 1, "one click, one draft claim")
        self.assertEqual(claims.state, "draft")

    @contextmanager
    def screenshots(self):
        """With CHORUS_TOUR_SHOTS set, a ``chorus-shot:NAME`` console line takes a screenshot (saved
        under Odoo's --screenshots directory)."""
        if not os.environ.get("CHORUS_TOUR_SHOTS"):
            yield
            return
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, **kw):
            text = str(browser._from_remoteobject(args[0])) if args else ""
            if text.startswith("chorus-shot:"):
                browser.take_screenshot(prefix=f"{text.split(':', 1)[1]}_")
                return None
            return original(browser, type, args, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            yield
