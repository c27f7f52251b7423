# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the crons write on an invoice is in the customer's language, not the cron user's."""

from odoo.tests import tagged

from .test_deposit_common import ChorusFrenchChatterCase

STEP = 60


@tagged("post_install", "-at_install")
class TestChorusLanguage(ChorusFrenchChatterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.public_partner | cls.public_invoice_address).lang = "fr_FR"

    def bodies(self, move):
        return "\n".join(move.message_ids.mapped("body"))

    def test_rejection_read_by_the_cron_is_in_french(self):
        move = self.create_public_invoice()
        self.close_service_after_last_sync("SERV-ANCIEN")
        move.buyer_reference = "SERV-ANCIEN"
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.poll_flows()
        self.assertIn("Chorus Pro a rejeté cette facture", move.chorus_rejection_reason)
        self.assertIn("le jeton a été rendu", move.chorus_rejection_reason)
        self.assertNotIn("..", move.chorus_rejection_reason)
        self.assertIn("Déposée sur Chorus Pro", self.bodies(move))
        self.assertIn("Chorus Pro a rejeté cette facture", self.bodies(move))
        self.assertNotIn("Chorus Pro rejected", self.bodies(move))

    def test_flow_state_tracked_by_the_cron_is_in_french(self):
        self.company.partner_id.lang = "fr_FR"
        move = self.create_public_invoice()
        self.deposit(move)
        self.poll_flows()
        flow = move.chorus_flow_id
        self.assertEqual(flow.state, "integrated")
        tracked = flow.message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state")
        self.assertIn("Intégré", tracked.mapped("new_value_char"))
        self.assertNotIn("Integrated", tracked.mapped("new_value_char"))

    def test_lifecycle_lines_and_activity_are_in_french(self):
        self.sandbox_control.configure(step_delay=STEP)
        move = self.create_public_invoice()
        self.sandbox_control.scenario(move.name, "suspended")
        self.deposit(move)
        self.poll_flows()
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        self.assertEqual(move.chorus_status, "SUSPENDUE")
        self.assertIn("Statut Chorus Pro :", self.bodies(move))
        self.assertNotIn("Chorus Pro status:", self.bodies(move))
        activity = move.activity_ids.filtered(lambda act: act.summary and "Chorus Pro" in act.summary)
        self.assertEqual(activity.summary, "Chorus Pro : Suspendue")

    def test_batch_failure_posted_by_the_cron_is_in_french(self):
        move = self.create_public_invoice()
        move.buyer_reference = "NO-SUCH-SERVICE"
        move.chorus_deposit_queued = True
        self.run_cron("l10n_fr_chorus_connect.ir_cron_chorus_deposit_queue")
        self.assertFalse(move.chorus_deposit_queued)
        self.assertIn("ne peut pas être déposée sur Chorus Pro", self.bodies(move))
