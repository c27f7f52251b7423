# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Paid on Chorus Pro, still open in Odoo (issue 14, item 5): pointed out, never reconciled for you."""

from odoo.tests import tagged

from .test_deposit_common import ChorusDepositCase

STEP = 60
PAID_OPEN = [("chorus_paid_open", "=", True)]


@tagged("post_install", "-at_install")
class TestPaidOnChorusOpenInOdoo(ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()

    def register_payment(self, move):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()

    def test_paid_on_chorus_is_pointed_out_until_paid_in_odoo(self):
        self.sandbox_control.configure(step_delay=STEP)
        self.public_partner.chorus_auto_deposit = "always"
        first = self.create_public_invoice(100.0)
        second = self.create_public_invoice(200.0)
        self.assertEqual(
            first.with_context(lang="fr_FR").chorus_auto_deposit_note, "Sera déposée automatiquement."
        )
        moves = first | second
        self.run_deposit_queue()
        self.poll_flows()
        self.assertEqual(moves.mapped("chorus_status"), ["DEPOSEE", "DEPOSEE"])
        self.assertFalse(moves.filtered_domain(PAID_OPEN))
        self.sandbox_control.advance(STEP * 4)
        self.track_lifecycles()
        self.assertEqual(moves.mapped("chorus_status"), ["MISE_EN_PAIEMENT", "MISE_EN_PAIEMENT"])
        self.assertEqual(moves.mapped("payment_state"), ["not_paid", "not_paid"], "nothing reconciled")
        self.assertEqual(self.env["account.move"].search(PAID_OPEN), moves)
        note = first.with_context(lang="fr_FR").chorus_paid_open_note
        self.assertRegex(
            note,
            r"^Payée sur Chorus Pro le \d\d/\d\d/\d{4}, encore ouverte dans Odoo : "
            r"rapprochez le relevé bancaire\.$",
        )
        self.register_payment(first)
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        self.assertFalse(first.chorus_paid_open)
        self.assertFalse(first.chorus_paid_open_note)
        self.assertEqual(self.env["account.move"].search(PAID_OPEN), second)
        not_flagged = [("chorus_paid_open", "=", False), ("id", "in", moves.ids)]
        self.assertEqual(self.env["account.move"].search(not_flagged), first)
