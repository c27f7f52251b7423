# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a trial as real users found: a same-day suspension, French dates in the claim, and the
records of another company reached through a dialog or the shared ECB rates."""

import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_deposit_common import ChorusDepositCase
from .test_payment_deadlines import FollowedInvoices


@tagged("post_install", "-at_install")
class TestOutsideEye(FollowedInvoices, ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()
        cls.other_company = cls.env["res.company"].create(
            {"name": "Autre société", "country_id": cls.env.ref("base.fr").id}
        )
        cls.outsider = new_test_user(
            cls.env,
            login="eye_other_company",
            groups="account.group_account_manager,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    def test_suspended_the_day_it_arrives_stops_the_clock(self):
        move = self.followed_invoice(
            "2025-03-03",
            [("2025-03-03", "DEPOSEE"), ("2025-03-03", "MISE_A_DISPOSITION"), ("2025-03-03", "SUSPENDUE")],
        )
        self.assertEqual((move.chorus_payment_suspended, move.chorus_payment_due), (True, False))

    def test_claim_written_with_french_dates_for_a_french_buyer(self):
        self.public_invoice_address.lang = "fr_FR"
        move = self.followed_invoice(
            "2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-04-13", "MISE_EN_PAIEMENT")]
        )
        claim = self.env["account.move"].browse(move.action_chorus_claim_late_interest()["res_id"])
        label = claim.invoice_line_ids[0].name
        self.assertIn("à payer avant le 03/04/2025, payée le 13/04/2025", label)
        self.assertIn("taux BCE du 01/01/2025", label)

    def test_another_company_cannot_open_a_dialog_on_an_invoice(self):
        """The dialogs show the buyer's comment and the service: created as the outsider, refused."""
        move = self.followed_invoice("2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION")])
        for model in ("chorus.complete.wizard", "chorus.recycle.wizard"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.outsider).create({"move_id": move.id})

    def test_another_company_cannot_change_the_rate_of_late_invoices(self):
        move = self.followed_invoice(
            "2026-07-02", [("2026-07-02", "MISE_A_DISPOSITION"), ("2026-08-31", "MISE_EN_PAIEMENT")]
        )
        self.assertEqual(move.chorus_late_rate_date, datetime.date(2026, 7, 1))
        rates = self.env["chorus.ecb.rate"].with_user(self.outsider)
        with self.assertRaisesRegex(AccessError, self.company.name), self.env.cr.savepoint():
            rates.create({"date_from": "2026-07-01", "rate": 9.0})
        self.assertFalse(self.env["chorus.ecb.rate"].search([("date_from", "=", "2026-07-01")]))
        self.assertEqual(move.chorus_late_rate, 10.15)
        # Someone of the company may.
        self.env["chorus.ecb.rate"].create({"date_from": "2026-07-01", "rate": 2.0})
        self.assertEqual(move.chorus_late_rate, 10.0)

    def test_credit_note_of_a_rejected_invoice_stays_in_odoo(self):
        self.company.chorus_auto_deposit = True
        move = self.followed_invoice(
            "2025-03-03", [("2025-03-04", "MISE_A_DISPOSITION"), ("2025-03-10", "REJETEE")]
        )
        move.action_chorus_prepare_reissue()
        refund, invoice = move.chorus_reissue_refund_id, move.chorus_reissue_invoice_id
        refund.action_post()
        self.assertFalse(refund.chorus_deposit_queued)
        [problem] = refund._chorus_preflight()
        self.assertEqual(problem["field"], "reversed_entry_id")
        self.assertFalse(refund.chorus_can_deposit)
        self.assertFalse(refund.chorus_deposit_state, "not listed « To deposit on Chorus Pro »")
        refund.sudo().chorus_deposit_queued = True  # queued before the rejection was known
        self.run_deposit_queue()
        self.assertFalse(refund.chorus_deposit_queued)
        self.assertFalse(refund.chorus_flow_id)
        invoice.action_post()
        self.assertTrue(invoice.chorus_deposit_queued, "the new invoice goes as usual")
