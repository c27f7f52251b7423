# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Depositing exactly once, whatever happens (DESIGN §4), through the sandbox and its faults."""

from functools import partial
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import tagged

from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase


@tagged("post_install", "-at_install")
class TestDeposit(ChorusDepositCase):
    def test_deposit_charges_one_token(self):
        move = self.create_public_invoice()
        balance = self.wallet().balance
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "deposited")
        self.assertTrue(flow.name.startswith("CPP001"))
        self.assertTrue(flow.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual(flow.token_held, 0)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(move.chorus_deposit_state, "deposited")

    def test_deposited_invoice_is_neither_reset_to_draft_nor_cancelled(self):
        move = self.create_public_invoice()
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        for button in ("button_draft", "button_cancel"):
            with self.subTest(button=button), self.assertRaisesRegex(UserError, "credit note"):
                getattr(move, button)()
        self.assertEqual(move.state, "posted")

    def test_factur_x_built_once_per_deposit_never_on_form_read(self):
        """One export and one XSD check per deposit, on the file sent; none when the panel is read."""
        move = self.create_public_invoice()
        cii = type(self.env["account.edi.xml.cii"])
        facturx = type(self.env["chorus.facturx"])
        panel = [
            "chorus_panel_visible",
            "chorus_can_deposit",
            "chorus_deposit_blocker",
            "chorus_preflight_html",
        ]
        with (
            patch.object(cii, "_export_invoice", autospec=True, side_effect=cii._export_invoice) as export,
            patch.object(facturx, "_xsd_errors", autospec=True, side_effect=facturx._xsd_errors) as xsd,
        ):
            move.invalidate_recordset()
            [values] = move.web_read({name: {} for name in panel})
            self.assertTrue(values["chorus_can_deposit"], values["chorus_deposit_blocker"])
            self.assertEqual((export.call_count, xsd.call_count), (0, 0))
            [result] = self.deposit(move)
            self.assertEqual(result["outcome"], "deposited", result["message"])
            self.assertEqual((export.call_count, xsd.call_count), (1, 1))

    def test_deposit_twice_charges_one_token(self):
        """A double click: the second deposit sees the first and sends nothing."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        first, second = self.deposit(move + move)
        self.assertEqual(first["outcome"], "deposited")
        self.assertEqual(second["outcome"], "already")
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        with self.enter_registry_test_mode(), self.assertRaisesRegex(UserError, "already deposited"):
            move.action_chorus_deposit()
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)

    def test_second_user_after_the_first_deposits_nothing(self):
        """Two users on the same invoice: the second one finds the flow of the first.

        Deposits at the same instant on separate connections are in test_wallet_parallel_deposits:
        here a test cursor would serialise them."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        other_user = self.env.user.copy({"login": "chorus_second_user", "name": "Second user"})
        with self.enter_registry_test_mode():
            first = self.env["chorus.flow"].sudo()._deposit_move(move.id)
            second = self.env(user=other_user)["chorus.flow"].sudo()._deposit_move(move.id)
        self.env.invalidate_all()
        self.assertEqual([first["outcome"], second["outcome"]], ["deposited", "already"])
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)

    def test_serialization_retry_does_not_deposit_twice(self):
        """Odoo replays the request after a serialization failure: the deposit is not replayed."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        attempts = []

        def request(env):
            # What the button does; the attempt runs on cursors of its own. (In test mode every cursor shares
            # one transaction, so the request must not have written before: its rollback would undo the
            # attempt too, which cannot happen on the separate connections of production.)
            attempts.append(env["chorus.flow"].sudo()._deposit_move(move.id))
            if len(attempts) == 1:
                env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            return attempts[-1]

        with self.enter_registry_test_mode(), self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            retrying(partial(request, env), env)
        self.assertEqual([attempt["outcome"] for attempt in attempts], ["deposited", "already"])
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(move.chorus_flow_id.state, "deposited")

    def test_timeout_after_acceptance_is_reconciled(self):
        """Chorus accepted, the answer was lost: the next deposit finds the flow instead of sending again."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.inject_fault(DEPOSIT_ROUTE, "drop_after_accept")
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "unknown")
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "unknown")
        self.assertEqual(self.wallet().held, 1, "the token stays reserved while the outcome is unknown")
        self.assertEqual(self.wallet().balance, balance)
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "already", again["message"])
        self.assertEqual(move.chorus_flow_id, flow)
        self.assertIn(flow.state, ("deposited", "integrated"))
        self.assertTrue(flow.name.startswith("CPP001"))
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)

    def test_crash_between_answer_and_commit_is_found_by_the_cron(self):
        """The file reached Chorus but Odoo died before recording the answer: the flow stayed in sending."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        with self.enter_registry_test_mode():
            document = self.env["chorus.facturx"]._build_document(move)
        flow = self.env["chorus.flow"].sudo()._create_attempt(move, document)
        self.company._chorus_wallet()._hold(1)
        flow.sent_at = flow.sent_at.replace(year=flow.sent_at.year - 1)
        self.chorus_client().deposit_flow(document["pdf"], document["filename"])  # the lost answer
        self.assertEqual(self.wallet().held, 1)
        self.poll_flows()
        self.assertEqual(flow.state, "integrated")
        self.assertTrue(flow.name.startswith("CPP001"))
        self.assertTrue(move.chorus_invoice_id)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "already")
        self.assertEqual(self.accepted_in_chorus(move), 1)

    def test_lost_attempt_never_received_is_released(self):
        """Nothing reached Chorus: once Chorus had time to integrate it, the token is released and the invoice
        deposited again, once."""
        move = self.create_public_invoice()
        balance = self.wallet().balance
        with self.enter_registry_test_mode():
            document = self.env["chorus.facturx"]._build_document(move)
        flow = self.env["chorus.flow"].sudo()._create_attempt(move, document)
        self.company._chorus_wallet()._hold(1)
        flow.sent_at = fields.Datetime.subtract(flow.sent_at, minutes=10)  # its sender died long ago
        self.company.chorus_unknown_outcome_grace = 0
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.assertEqual(flow.state, "failed")
        self.assertNotEqual(move.chorus_flow_id, flow)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)

    def test_young_unknown_attempt_blocks_a_new_deposit(self):
        move = self.create_public_invoice()
        self.sandbox_control.configure(flow_delay=600)
        self.inject_fault(DEPOSIT_ROUTE, "drop_after_accept")
        self.deposit(move)
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "busy")
        self.assertEqual(move.chorus_flow_id.state, "unknown")
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)

    def test_timeout_fault_then_refresh(self):
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.env["ir.config_parameter"].sudo().set_param("l10n_fr_chorus_connect.deposit_timeout", "10")
        self.inject_fault(DEPOSIT_ROUTE, "timeout", delay=12)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "unknown")
        with self.enter_registry_test_mode():
            move.action_chorus_refresh()
        self.env.invalidate_all()
        self.assertIn(move.chorus_flow_id.state, ("integrated", "deposited"))
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.wallet().balance, balance - 1)

    def test_business_error_releases_the_token(self):
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.inject_fault(DEPOSIT_ROUTE, "business_error_400", code=20001, libelle="GDP_MSG_11.022")
        with self.enter_registry_test_mode(), self.assertRaisesRegex(UserError, "GDP_MSG_11.022"):
            move.action_chorus_deposit()
        self.env.invalidate_all()
        flow = move.chorus_flow_ids
        self.assertEqual(flow.state, "failed")
        self.assertFalse(move.chorus_flow_id)
        self.assertEqual(self.wallet().balance, balance)
        self.assertEqual(self.wallet().held, 0)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited")

    def test_server_error_is_an_unknown_outcome(self):
        move = self.create_public_invoice()
        self.inject_fault(DEPOSIT_ROUTE, "http_503")
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "unknown")
        self.assertEqual(self.wallet().held, 1)
        self.company.chorus_unknown_outcome_grace = 0
        self.poll_flows()
        self.assertEqual(move.chorus_flow_ids.state, "failed")
        self.assertEqual(self.wallet().held, 0)
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "deposited")
        self.assertEqual(self.accepted_in_chorus(move), 1)

    def test_preflight_failure_touches_nothing(self):
        move = self.create_public_invoice()
        move.buyer_reference = False
        balance = self.wallet().balance
        with self.enter_registry_test_mode(), self.assertRaisesRegex(UserError, "service code"):
            move.action_chorus_deposit()
        self.env.invalidate_all()
        self.assertFalse(move.chorus_flow_ids)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        self.assertEqual(self.wallet().balance, balance)
        self.assertIn("service code", move.chorus_preflight_html)
        self.assertFalse(move.chorus_can_deposit)

    def test_no_token_left(self):
        move = self.create_public_invoice()
        wallet = self.wallet()
        wallet._hold(wallet.available)
        self.assertTrue(move.chorus_no_tokens)
        self.assertIn("token", move.chorus_deposit_blocker)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "no_tokens")
        self.assertFalse(move.chorus_flow_ids)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)

    def test_draft_and_private_invoices_are_not_deposited(self):
        draft = self.create_public_invoice(post=False)
        self.assertTrue(draft.chorus_panel_visible)
        self.assertFalse(draft.chorus_can_deposit)
        self.assertIn("Confirm", draft.chorus_deposit_blocker)
        private = self.init_invoice("out_invoice", partner=self.partner_a, amounts=[100], post=True)
        self.assertFalse(private.chorus_panel_visible)
        self.assertFalse(private.chorus_deposit_state)
        [result] = self.deposit(private)
        self.assertEqual(result["outcome"], "invalid")

    def test_panel_of_a_valid_invoice(self):
        move = self.create_public_invoice()
        self.assertTrue(move.chorus_panel_visible)
        self.assertTrue(move.chorus_can_deposit, move.chorus_deposit_blocker)
        self.assertFalse(move.chorus_preflight_html)
        self.assertEqual(move.chorus_deposit_state, "to_deposit")
        self.assertGreater(move.chorus_wallet_available, 0)
        self.assertTrue(move.chorus_company_banner)

    def test_credit_note_is_deposited(self):
        refund = self.create_public_invoice(move_type="out_refund")
        [result] = self.deposit(refund)
        self.assertEqual(result["outcome"], "deposited", result["message"])

    def test_batch_deposit_one_flow_and_one_token_per_invoice(self):
        moves = (
            self.create_public_invoice(100)
            + self.create_public_invoice(200)
            + self.create_public_invoice(300)
        )
        balance = self.wallet().balance
        moves.action_chorus_deposit_batch()
        self.assertTrue(all(moves.mapped("chorus_deposit_queued")))
        self.run_deposit_queue()
        self.assertEqual(len(moves.chorus_flow_id), 3)
        self.assertEqual(set(moves.chorus_flow_id.mapped("state")), {"deposited"})
        self.assertFalse(any(moves.mapped("chorus_deposit_queued")))
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 3)
        self.assertEqual(self.wallet().balance, balance - 3)
