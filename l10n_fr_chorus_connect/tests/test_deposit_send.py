# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro as a sending method of Odoo's Send wizard: the same exactly-once deposit as the panel."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase

SEND_CRON = "account.ir_cron_account_move_send"


@tagged("post_install", "-at_install")
class TestDepositFromSendWizard(ChorusDepositCase):
    def send(self, move, user=None):
        """What « Envoyer » then « Envoyer » in the wizard does, on cursors of their own for the deposit."""
        env = self.env(user=user) if user else self.env
        wizard = (
            env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        with self.enter_registry_test_mode():
            wizard.action_send_and_print()
        self.env.invalidate_all()
        return wizard

    def test_chorus_is_the_default_method_of_public_customers(self):
        move = self.create_public_invoice()
        wizard = self._create_account_move_send_wizard_single(move)
        self.assertEqual(wizard.sending_methods, ["chorus"])
        other = self._create_account_move_send_wizard_single(
            self.init_invoice("out_invoice", amounts=[100], post=True)
        )
        self.assertNotIn("chorus", other.sending_methods or [])
        self.assertIn("chorus", other.sending_method_checkboxes, "offered, not checked, for other customers")

    def test_send_deposits_once_whatever_the_clicks(self):
        """Wizard twice (double click), another user, then the panel's button: one deposit, one token."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.send(move)
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "deposited")
        self.assertTrue(move.is_move_sent)
        self.send(move)
        second_user = self.env.user.copy({"login": "chorus_send_second", "name": "Second sender"})
        self.send(move, user=second_user)
        with self.enter_registry_test_mode(), self.assertRaisesRegex(UserError, "already deposited"):
            move.action_chorus_deposit()
        self.assertEqual(move.chorus_flow_id, flow)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)

    def test_panel_then_send_deposits_once(self):
        move = self.create_public_invoice()
        with self.enter_registry_test_mode():
            move.action_chorus_deposit()
        self.send(move)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)

    def test_send_after_a_lost_answer_is_reconciled(self):
        """Chorus accepted, the answer was lost: sending again finds the flow instead of sending twice."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.inject_fault(DEPOSIT_ROUTE, "drop_after_accept")
        self.send(move)
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "unknown")
        self.assertEqual(self.wallet().held, 1)
        self.send(move)
        self.assertEqual(move.chorus_flow_id, flow)
        self.assertIn(flow.state, ("deposited", "integrated"))
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)

    def test_send_after_a_timeout_is_reconciled(self):
        move = self.create_public_invoice()
        self.env["ir.config_parameter"].sudo().set_param("l10n_fr_chorus_connect.deposit_timeout", "10")
        self.inject_fault(DEPOSIT_ROUTE, "timeout", delay=12)
        self.send(move)
        self.assertEqual(move.chorus_flow_id.state, "unknown")
        self.send(move)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertLessEqual(self.accepted_in_chorus(move), 1)

    def test_refused_deposit_is_an_error_of_the_wizard(self):
        move = self.create_public_invoice()
        self.inject_fault(DEPOSIT_ROUTE, "business_error_400", code=20001, libelle="GDP_MSG_11.022")
        with self.assertRaisesRegex(UserError, "not deposited on Chorus Pro"):
            self.send(move)

    def test_batch_send_goes_through_odoo_sending_cron_once(self):
        moves = self.create_public_invoice(amount=100.0) | self.create_public_invoice(amount=200.0)
        balance = self.wallet().balance
        wizard = self._create_account_move_send_wizard_multi(moves)
        wizard.action_send_and_print()
        self.assertTrue(all(moves.mapped("sending_data")))
        for _run in range(2):  # a cron run twice, or replayed, deposits nothing more
            self.run_cron(SEND_CRON)
            self.run_deposit_queue()
        self.assertEqual(moves.chorus_flow_id.mapped("state"), ["deposited", "deposited"])
        self.assertFalse(any(moves.mapped("sending_data")))
        self.assertFalse(any(moves.mapped("chorus_deposit_queued")))
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 2)
        self.assertEqual(self.wallet().balance, balance - 2)
