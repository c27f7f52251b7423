# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What real deposits write in the token ledger, through the sandbox: one −1 per accepted invoice,
+1 back when Chorus Pro rejects the flow at integration, nothing back for a buyer's rejection."""

from odoo.tests import tagged

from .test_deposit_common import ChorusDepositCase

STEP = 60


@tagged("post_install", "-at_install")
class TestWalletFlows(ChorusDepositCase):
    def entries(self, move):
        return self.env["chorus.token.ledger"].sudo().search([("move_id", "=", move.id)], order="id")

    def test_accepted_invoice_is_in_the_ledger(self):
        move = self.create_public_invoice()
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        [entry] = self.entries(move)
        self.assertEqual((entry.kind, entry.quantity), ("debit", -1))
        self.assertEqual(entry.flow_id, move.chorus_flow_id)
        self.assertEqual(entry.flow_reference, move.chorus_flow_id.name)
        self.assertEqual(entry.balance_after, self.wallet().balance)

    def test_integration_rejection_is_credited_back_in_the_ledger(self):
        move = self.create_public_invoice()
        self.close_service_after_last_sync("SERV-ANCIEN")
        move.buyer_reference = "SERV-ANCIEN"  # closed on Chorus Pro: IN_REJETE at integration
        balance = self.wallet().balance
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        flow = move.chorus_flow_id
        self.poll_flows()
        self.assertEqual(flow.state, "rejected")
        debit, credit_back = self.entries(move)
        self.assertEqual((debit.kind, debit.quantity), ("debit", -1))
        self.assertEqual((credit_back.kind, credit_back.quantity), ("credit_back", 1))
        self.assertEqual(credit_back.flow_reference, flow.name)
        self.assertIn(flow.name, credit_back.reason)
        self.assertEqual(self.wallet().balance, balance)
        # Polled again: still given back once.
        flow._poll()
        self.assertEqual(len(self.entries(move)), 2)

    def test_buyer_rejection_keeps_the_token(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.sandbox_control.scenario(move.name, "rejected")
        balance = self.wallet().balance
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "REJETEE")
        self.assertEqual(self.entries(move).mapped("kind"), ["debit"])
        self.assertEqual(self.wallet().balance, balance - 1)

    def test_batch_charges_one_token_per_invoice(self):
        moves = (
            self.create_public_invoice(100)
            + self.create_public_invoice(200)
            + self.create_public_invoice(300)
        )
        balance = self.wallet().balance
        moves.action_chorus_deposit_batch()
        self.run_deposit_queue()
        debits = self.env["chorus.token.ledger"].sudo().search([("move_id", "in", moves.ids)])
        self.assertEqual(sorted(debits.move_id.ids), sorted(moves.ids))
        self.assertEqual(set(debits.mapped("quantity")), {-1})
        self.assertEqual(self.wallet().balance, balance - 3)

    def test_no_token_left_leads_to_the_purchase_screen(self):
        wallet = self.wallet()
        wallet._correct(-wallet.available, "plus de jetons")
        move = self.create_public_invoice()
        self.assertTrue(move.chorus_no_tokens)
        self.assertIn("token", move.chorus_deposit_blocker)
        action = move.action_chorus_buy_tokens()
        self.assertEqual(action["res_model"], "chorus.token.pack")
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "no_tokens")
        self.assertFalse(self.entries(move))
