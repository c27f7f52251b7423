# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Following deposits and invoices until payment (DESIGN §7), through the sandbox."""

import io
import tarfile
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged

from ..chorus import catalogue
from ..models import chorus_invoice_status
from ..models.chorus_flow import OMITTED_WAIT
from .common import SIRET_HIGH_SCHOOL
from .test_deposit_common import (
    DEPOSIT_ROUTE,
    HISTORY_ROUTE,
    REPORT_ROUTE,
    SEARCH_ROUTE,
    ChorusDepositCase,
)

STEP = 60


@tagged("post_install", "-at_install")
class TestTracking(ChorusDepositCase):
    @classmethod
    def default_env_context(cls):
        # Chatter messages are part of what is tested.
        return {}

    def deposit_integrated(self, *moves, scenario=None):
        for move in moves:
            if scenario:
                self.sandbox_control.scenario(move.name, scenario)
        results = self.deposit(self.env["account.move"].concat(*moves))
        for result in results:
            self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()

    def test_integrated_flow_maps_the_invoice(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.deposit_integrated(move)
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "integrated")
        self.assertEqual(flow.chorus_state, "IN_INTEGRE")
        self.assertTrue(move.chorus_invoice_id)
        self.assertEqual(move.chorus_status, "DEPOSEE")
        self.assertEqual(self.calls(REPORT_ROUTE), 1)
        self.assertEqual(self.calls(SEARCH_ROUTE), 1)

    def test_rejected_flow_detaches_the_invoice_and_gives_the_token_back(self):
        move = self.create_public_invoice()
        self.close_service_after_last_sync("SERV-ANCIEN")
        move.buyer_reference = "SERV-ANCIEN"  # closed on Chorus Pro: IN_REJETE at integration
        balance = self.wallet().balance
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        flow = move.chorus_flow_id
        self.assertEqual(self.wallet().balance, balance - 1)
        self.poll_flows()
        self.assertEqual(flow.state, "rejected")
        self.assertFalse(move.chorus_flow_id, "detached: ready to be fixed and deposited again")
        self.assertTrue(move.chorus_rejection_reason)
        self.assertEqual(move.chorus_deposit_state, "to_fix")
        self.assertEqual(self.wallet().balance, balance, "credited back")
        self.assertTrue(
            any(flow.name in body and "SERV-ANCIEN" in body for body in move.message_ids.mapped("body"))
        )
        move.buyer_reference = "SERV-COMPTA"
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "deposited", again["message"])
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 2)

    def test_every_failed_flow_state_frees_the_invoice_and_gives_the_token_back(self):
        activity_type = self.env.ref("l10n_fr_chorus_connect.mail_activity_type_chorus_action")
        for state in catalogue.flow_states():
            if state.outcome != catalogue.FAILURE or state.code == "IN_REJETE":
                continue
            with self.subTest(state=state.code):
                move = self.create_public_invoice()
                self.sandbox_control.scenario(move.name, state.code)
                balance = self.wallet().balance
                [result] = self.deposit(move)
                self.assertEqual(result["outcome"], "deposited", result["message"])
                flow = move.chorus_flow_id
                self.poll_flows()
                self.assertEqual(flow.chorus_state, state.code)
                self.assertEqual(flow.state, "rejected")
                self.assertFalse(flow.next_poll_at, "no longer polled")
                self.assertFalse(move.chorus_flow_id, "freed: it can be deposited again")
                self.assertEqual(move.chorus_deposit_state, "to_fix")
                self.assertEqual(self.wallet().balance, balance, "credited back")
                activity = move.activity_ids.filtered(lambda act: act.activity_type_id == activity_type)
                self.assertEqual(len(activity), 1)
                self.assertIn(state.next_step_en, activity.note)
                self.assertIn(flow.error_message.split(" ", 1)[1], activity.note)
                self.assertFalse(move._chorus_deposit_blocker(check_tokens=False))

    def test_an_invoice_left_out_of_an_integrated_flow_is_not_received_after_a_day(self):
        move = self.create_public_invoice()
        self.sandbox_control.scenario(move.name, "omitted_rejection")
        balance = self.wallet().balance
        self.deposit_integrated(move)
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "integrated")
        self.assertFalse(move.chorus_invoice_id)
        self.assertTrue(flow.next_poll_at, "checked again")
        self.poll_flows()
        self.assertEqual(move.chorus_flow_id, flow, "an hour later: still waiting")
        flow.state_at = fields.Datetime.now() - OMITTED_WAIT
        self.poll_flows()
        self.assertFalse(move.chorus_flow_id, "freed: it can be deposited again")
        self.assertFalse(flow.next_poll_at, "no longer searched")
        self.assertEqual(self.wallet().balance, balance, "credited back")
        self.assertTrue(move.activity_ids)
        self.assertTrue(any(flow.name in body for body in move.message_ids.mapped("body")))
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "deposited", again["message"])

    def test_a_slow_integration_within_the_company_wait_makes_no_second_deposit(self):
        """Chorus integrates the unanswered deposit after 45 minutes: past the former fixed 30 minutes,
        within the company's setting. No second deposit, one token."""
        self.company.chorus_unknown_outcome_grace = 120
        move = self.create_public_invoice()
        balance = self.wallet().balance
        self.sandbox_control.configure(flow_delay=3600)
        self.inject_fault(DEPOSIT_ROUTE, "drop_after_accept")
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "unknown", result["message"])
        flow = move.chorus_flow_id
        flow.sent_at = fields.Datetime.subtract(flow.sent_at, minutes=45)
        self.poll_flows()
        self.assertEqual(flow.state, "unknown", "not found yet, still within the wait: kept")
        [again] = self.deposit(move)
        self.assertEqual(again["outcome"], "busy", again["message"])
        self.assertEqual(self.wallet().held, 1)
        self.sandbox_control.advance(3600)
        self.poll_flows()
        self.assertIn(flow.state, ("deposited", "integrated"))
        self.assertEqual(move.chorus_flow_id, flow)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1, "one token")
        self.assertEqual(self.wallet().held, 0)

    def test_partially_integrated_flow_detaches_only_the_rejected_invoice(self):
        """A lot of two invoices (the flow model allows it): Chorus integrates one and rejects the other."""
        good, bad = self.create_public_invoice(100), self.create_public_invoice(200)
        bad.buyer_reference = "SERV-ANCIEN"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for move in good + bad:
                xml = self.env["chorus.facturx"]._build_xml(move)[0]
                info = tarfile.TarInfo(f"{move.name.replace('/', '-')}.xml")
                info.size = len(xml)
                archive.addfile(info, io.BytesIO(xml))
        receipt = self.chorus_client().deposit_flow(
            buffer.getvalue(), "lot.tar.gz", syntax="IN_DP_E1_CII_16B"
        )
        balance = self.wallet().balance
        self.wallet()._hold(2)
        flow = (
            self.env["chorus.flow"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "move_ids": [Command.set((good + bad).ids)],
                    "token_held": 2,
                    "syntax": "IN_DP_E1_CII_16B",
                }
            )
        )
        (good + bad).chorus_flow_id = flow
        flow._mark_deposited(receipt.flow_number)
        self.assertEqual(self.wallet().balance, balance - 2)
        self.poll_flows()
        self.assertEqual(flow.state, "partially_integrated")
        self.assertEqual(flow.chorus_state, "IN_INTEGRE_PARTIEL")
        self.assertIn(bad.name, flow.error_message)
        self.assertEqual(good.chorus_flow_id, flow)
        self.assertTrue(good.chorus_invoice_id)
        self.assertFalse(bad.chorus_flow_id)
        self.assertIn("SERV-ANCIEN", bad.chorus_rejection_reason)
        self.assertEqual(self.wallet().balance, balance - 1, "the rejected invoice's token came back")
        self.assertEqual(self.calls(SEARCH_ROUTE), 1, "one search maps the flow's invoices")
        flow.write({"state_at": fields.Datetime.now() - OMITTED_WAIT, "next_poll_at": fields.Datetime.now()})
        self.poll_flows()
        self.assertEqual(self.wallet().balance, balance - 1, "the rejected invoice is not an omitted one")
        self.assertFalse(flow.next_poll_at)

    def test_lifecycle_until_payment_with_one_search_per_run(self):
        self.sandbox_control.configure(step_delay=STEP)
        moves = (
            self.create_public_invoice(100)
            + self.create_public_invoice(200)
            + self.create_public_invoice(300)
        )
        self.deposit_integrated(*moves)
        self.sandbox_control.advance(STEP * 4)
        self.sandbox_control.clear_stats()
        self.track_lifecycles()
        self.assertEqual(self.calls(SEARCH_ROUTE), 1)
        self.assertEqual(self.calls(HISTORY_ROUTE), 3)
        for move in moves:
            self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
            self.assertTrue(move.chorus_status_final)
            self.assertEqual(move.chorus_deposit_state, "paid")
            self.assertEqual(
                move.chorus_status_ids.mapped("code"),
                ["MISE_EN_PAIEMENT", "MANDATEE", "MISE_A_DISPOSITION", "DEPOSEE"],
            )
        self.sandbox_control.clear_stats()
        self.track_lifecycles()
        # Final invoices stay in the one changed-since search for a while (Hélios), but nothing moved:
        # no history is read again.
        self.assertEqual(self.calls(SEARCH_ROUTE), 1)
        self.assertEqual(self.calls(HISTORY_ROUTE), 0)

    def test_current_statuses_at_once_histories_at_a_bounded_rate(self):
        self.sandbox_control.configure(step_delay=STEP)
        moves = self.env["account.move"].concat(*(self.create_public_invoice(100 + n) for n in range(4)))
        self.deposit_integrated(*moves)
        self.sandbox_control.advance(STEP * 4)
        self.sandbox_control.clear_stats()
        with patch.object(chorus_invoice_status, "HISTORY_BUDGET", 1):
            self.track_lifecycles()
        self.assertEqual(self.calls(SEARCH_ROUTE), 1)
        self.assertEqual(self.calls(HISTORY_ROUTE), 1, "one history this run, the others later")
        self.assertEqual(set(moves.mapped("chorus_status")), {"MISE_EN_PAIEMENT"}, "every status at once")
        self.assertTrue(all(moves.mapped("chorus_status_final")))
        self.assertEqual(set(moves.mapped("chorus_deposit_state")), {"paid"})
        waiting = moves.filtered("chorus_history_pending")
        self.assertEqual(len(waiting), 3)
        with self.enter_registry_test_mode():
            waiting[0].action_chorus_refresh()
        self.env.invalidate_all()
        self.assertFalse(waiting[0].chorus_history_pending, "a user's refresh reads it at once")
        self.assertEqual(len(waiting[0].chorus_status_ids), 4)
        self.sandbox_control.clear_stats()
        self.track_lifecycles()
        self.assertFalse(moves.filtered("chorus_history_pending"))
        self.assertEqual(self.calls(HISTORY_ROUTE), 2)
        for move in moves:
            self.assertEqual(
                move.chorus_status_ids.mapped("code"),
                ["MISE_EN_PAIEMENT", "MANDATEE", "MISE_A_DISPOSITION", "DEPOSEE"],
            )
        self.sandbox_control.clear_stats()
        self.track_lifecycles()
        self.assertEqual(self.calls(HISTORY_ROUTE), 0, "nothing moved, nothing read")

    def test_helios_mandate_after_payment_is_still_recorded(self):
        """Hélios can report MANDATEE after MISE_EN_PAIEMENT: a final status does not end the watch."""
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.deposit_integrated(move, scenario="helios")
        self.sandbox_control.advance(STEP * 2)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
        self.assertTrue(move.chorus_status_final)
        self.sandbox_control.advance(STEP)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MANDATEE")
        self.assertFalse(move.chorus_status_final)
        self.sandbox_control.advance(STEP)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
        self.assertEqual(
            move.chorus_status_ids.sorted("id").mapped("code"),
            ["DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT", "MANDATEE", "MISE_EN_PAIEMENT"],
        )

    def test_only_moved_invoices_get_their_history_read(self):
        self.sandbox_control.configure(step_delay=3600)
        moves = self.create_public_invoice(100) + self.create_public_invoice(200)
        self.deposit_integrated(*moves)
        self.track_lifecycles()
        self.sandbox_control.set_status(moves[0].chorus_invoice_id, "SERVICE_FAIT", "")
        self.sandbox_control.clear_stats()
        self.track_lifecycles()
        self.assertEqual(self.calls(SEARCH_ROUTE), 1)
        self.assertEqual(self.calls(HISTORY_ROUTE), 1)
        self.assertEqual(moves[0].chorus_status, "SERVICE_FAIT")
        self.assertEqual(moves[1].chorus_status, "DEPOSEE")

    def test_suspended_invoice_creates_an_activity(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.deposit_integrated(move, scenario="suspended")
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "SUSPENDUE")
        self.assertEqual(move.chorus_deposit_state, "to_fix")
        self.assertFalse(move.chorus_status_final)
        activity = move.activity_ids.filtered(
            lambda act: act.activity_type_id
            == self.env.ref("l10n_fr_chorus_connect.mail_activity_type_chorus_action")
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, move.invoice_user_id or move.create_uid)
        self.assertIn("bon de livraison", activity.note)
        suspended = move.chorus_status_ids.filtered(lambda line: line.code == "SUSPENDUE")
        self.assertIn("bon de livraison", suspended.comment)
        self.assertTrue(any("bon de livraison" in body for body in move.message_ids.mapped("body")))

    def test_buyer_rejection_is_final(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.deposit_integrated(move, scenario="rejected")
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "REJETEE")
        self.assertTrue(move.chorus_status_final)
        self.assertEqual(len(move.activity_ids), 1)

    def test_mandated_is_final_when_payment_is_not_reported(self):
        self.sandbox_control.configure(step_delay=STEP)
        lycee = self.buyers[SIRET_HIGH_SCHOOL]
        lycee.write({"street": "1 rue du Lycee", "zip": "75005", "city": "Paris"})
        lycee._chorus_fetch_directory()
        move = self.create_public_invoice(partner=lycee)
        self.deposit_integrated(move)
        self.sandbox_control.advance(STEP * 4)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "MANDATEE")
        self.assertTrue(move.chorus_status_final)

    def test_refresh_button_runs_the_same_code_for_one_invoice(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.deposit(move)
        self.sandbox_control.advance(STEP)
        with self.enter_registry_test_mode():
            move.action_chorus_refresh()
        self.env.invalidate_all()
        self.assertEqual(move.chorus_flow_id.state, "integrated")
        self.assertEqual(move.chorus_status, "MISE_A_DISPOSITION")
        self.assertEqual(move.chorus_status_label, "Made available to the buyer")
        self.assertEqual(len(move.chorus_status_ids), 2)

    def test_transport_errors_back_off_without_stopping_the_run(self):
        moves = self.create_public_invoice(100) + self.create_public_invoice(200)
        self.deposit(moves)
        self.inject_fault(REPORT_ROUTE, "http_503")
        self.poll_flows()
        flows = moves.chorus_flow_id
        failed = flows.filtered(lambda flow: flow.error_count)
        self.assertEqual(len(failed), 1)
        self.assertGreater(failed.next_poll_at, failed.last_poll_at or failed.sent_at)
        self.assertEqual((flows - failed).state, "integrated")
