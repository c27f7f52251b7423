# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Status truth: a final status found by the poll comes with its history; the activity goes to the
user who deposited (or the salesperson, as the company chooses); the panel says when all is ready."""

from odoo import Command
from odoo.tests import tagged

from .test_deposit_common import ChorusFrenchChatterCase

STEP = 60


@tagged("post_install", "-at_install")
class TestChorusFollowUp(ChorusFrenchChatterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sophie Commerciale",
                "login": "sophie.sales",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "group_ids": [Command.set(cls.env.ref("account.group_account_invoice").ids)],
            }
        )

    def test_final_status_reached_by_the_poll_is_written_with_its_history(self):
        move = self.create_public_invoice()
        self.deposit(move)
        self.poll_flows()  # no step delay: the invoice is already « Mise en paiement »
        self.assertEqual(move.chorus_status, "MISE_EN_PAIEMENT")
        self.assertIn("MISE_EN_PAIEMENT", move.chorus_status_ids.mapped("code"))
        self.assertTrue(any("Chorus Pro status:" in body for body in move.message_ids.mapped("body")))

    def suspended_activity(self, move):
        self.sandbox_control.configure(step_delay=STEP)
        self.sandbox_control.scenario(move.name, "suspended")
        self.deposit(move)
        self.poll_flows()
        self.sandbox_control.advance(STEP * 3)
        self.track_lifecycles()
        return move.activity_ids.filtered(
            lambda act: act.activity_type_id
            == self.env.ref("l10n_fr_chorus_connect.mail_activity_type_chorus_action")
        )

    def test_activity_goes_to_the_user_who_deposited(self):
        move = self.create_public_invoice()
        move.invoice_user_id = self.salesperson
        self.assertEqual(self.company.chorus_activity_user, "depositor")
        activity = self.suspended_activity(move)
        self.assertEqual(activity.user_id, self.env.user)

    def test_activity_goes_to_the_salesperson_when_the_company_says_so(self):
        self.company.chorus_activity_user = "salesperson"
        move = self.create_public_invoice()
        move.invoice_user_id = self.salesperson
        activity = self.suspended_activity(move)
        self.assertEqual(activity.user_id, self.salesperson)

    def test_panel_says_ready_when_every_check_passes(self):
        move = self.create_public_invoice()
        self.assertTrue(move.chorus_ready and move.chorus_can_deposit)
        arch = (
            self.env["account.move"].with_context(lang="fr_FR").get_views([(False, "form")])["views"]["form"]
        )
        self.assertIn("Prête à être déposée", arch["arch"])
        self.assertEqual(
            dict(
                move._fields["chorus_deposit_state"]._description_selection(
                    move.with_context(lang="fr_FR").env
                )
            )["paid"],
            "Mise en paiement (Chorus)",
        )

    def test_sandbox_banner_on_the_flow_and_the_partner(self):
        move = self.create_public_invoice()
        self.deposit(move)
        self.assertTrue(move.chorus_flow_id.environment_banner)
        self.assertTrue(self.public_partner.with_company(self.company).chorus_environment_banner)
