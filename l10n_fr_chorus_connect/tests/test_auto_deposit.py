# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Automatic deposit (issue 14, item 4): posting queues, the queue's cron deposits once, what stops
it is one activity per problem, and posting never fails because of Chorus Pro."""

from odoo import SUPERUSER_ID, Command, fields
from odoo.tests import tagged

from ..models.chorus_access import GROUP_USER
from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase

ACTIVITY_TYPE = "l10n_fr_chorus_connect.mail_activity_type_chorus_action"
# Nothing listens there (the tests' own port range): Chorus Pro is down.
DEAD_URL = "http://127.0.0.1:18419"


@tagged("post_install", "-at_install")
class TestAutomaticDeposit(ChorusDepositCase):
    @classmethod
    def default_env_context(cls):
        return {}  # activities and chatter messages are part of what is tested

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sophie Commerciale",
                "login": "sophie.auto",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "group_ids": [Command.set(cls.env.ref("account.group_account_invoice").ids)],
            }
        )
        cls.public_partner.chorus_auto_deposit = "always"

    def post(self, move):
        move.invoice_user_id = self.salesperson
        move.action_post()
        return move

    def draft_invoice(self, **kwargs):
        return self.create_public_invoice(post=False, **kwargs)

    def run_queue_again(self):
        """The next run, once the delay before trying a waiting invoice again has passed."""
        self.env["account.move"].search([("chorus_deposit_queued", "=", True)]).write(
            {"chorus_deposit_retry_at": "2000-01-01 00:00:00"}
        )
        self.run_deposit_queue()

    def chorus_activities(self, move):
        return move.activity_ids.filtered(lambda act: act.activity_type_id == self.env.ref(ACTIVITY_TYPE))

    # ------------------------------------------------------------------
    def test_posting_queues_and_the_cron_deposits_once_even_run_twice(self):
        move = self.draft_invoice()
        self.assertEqual(move.chorus_auto_deposit_note, "Will be deposited automatically once confirmed.")
        self.post(move)
        self.assertTrue(move.chorus_deposit_queued)
        self.assertEqual(move.chorus_auto_deposit_note, "Will be deposited automatically.")
        balance = self.wallet().balance
        # Chorus Pro accepts the file and the answer is lost: the next run finds it, sends nothing.
        self.inject_fault(DEPOSIT_ROUTE, "drop_after_accept")
        self.run_deposit_queue()
        self.assertEqual(move.chorus_flow_id.state, "unknown")
        self.assertTrue(move.chorus_deposit_queued, "kept until the attempt is settled")
        self.run_queue_again()
        self.run_queue_again()
        self.assertIn(move.chorus_flow_id.state, ("deposited", "integrated"))
        self.assertFalse(move.chorus_deposit_queued)
        self.assertFalse(move.chorus_auto_deposit_note)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 1)
        self.assertEqual(self.accepted_in_chorus(move), 1)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertEqual(self.wallet().held, 0)
        self.assertFalse(self.chorus_activities(move))

    def test_batch_post_by_a_user_without_chorus_rights_queues_each_invoice(self):
        """A sale paid online posts its invoice as a user with no accounting rights (sudo): still queued."""
        plain = self.env["res.users"].create(
            {
                "name": "Website",
                "login": "website.auto",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        self.assertFalse(plain.has_group(GROUP_USER))
        moves = self.draft_invoice(amount=100.0) | self.draft_invoice(amount=200.0)
        moves.with_user(plain).sudo().action_post()
        self.assertEqual(moves.mapped("state"), ["posted", "posted"])
        self.assertEqual(moves.mapped("chorus_deposit_queued"), [True, True])
        balance = self.wallet().balance
        self.run_deposit_queue()
        self.assertEqual(moves.chorus_flow_id.mapped("state"), ["deposited", "deposited"])
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 2)
        self.assertEqual(self.wallet().balance, balance - 2)

    def test_the_cron_deposits_in_the_company_of_the_invoice(self):
        """The cron's user works in another company: the invoice's directory and wallet are used."""
        move = self.post(self.draft_invoice())
        root = self.env(user=SUPERUSER_ID, context={"force_report_rendering": True})
        self.assertNotEqual(root.company, self.company)
        with self.enter_registry_test_mode(), self.env.registry.cursor() as cr:
            root(cr=cr)["account.move"]._cron_chorus_deposit_queue()
        self.env.invalidate_all()
        self.assertEqual(move.chorus_flow_id.state, "deposited", move.chorus_deposit_problem_message)
        self.assertEqual(move.chorus_flow_id.company_id, self.company)

    def test_opt_out_customer_and_company_default(self):
        self.public_partner.chorus_auto_deposit = "company"
        self.assertFalse(self.company.chorus_auto_deposit)
        not_by_default = self.post(self.draft_invoice())
        self.assertFalse(not_by_default.chorus_deposit_queued)
        self.assertFalse(not_by_default.chorus_auto_deposit_note)
        self.company.chorus_auto_deposit = True
        by_default = self.post(self.draft_invoice())
        self.assertTrue(by_default.chorus_deposit_queued)
        self.public_partner.chorus_auto_deposit = "never"
        opted_out = self.post(self.draft_invoice())
        self.assertFalse(opted_out.chorus_deposit_queued)
        self.assertFalse(opted_out.chorus_auto_deposit_note)

    def test_unconfigured_connection_queues_nothing_and_posts(self):
        self.company.write({"chorus_environment": "qualification", "chorus_password": False})
        move = self.post(self.draft_invoice())
        self.assertEqual(move.state, "posted")
        self.assertFalse(move.chorus_deposit_queued)
        self.assertFalse(move.chorus_auto_deposit_note)

    def test_chorus_down_posting_goes_on_and_the_queue_waits_without_activity(self):
        self.company.chorus_sandbox_url = DEAD_URL
        moves = self.post(self.draft_invoice(amount=100.0)) | self.post(self.draft_invoice(amount=200.0))
        self.assertEqual(moves.mapped("chorus_deposit_queued"), [True, True])
        self.run_deposit_queue()
        first, second = moves
        self.assertEqual(first.chorus_flow_ids.mapped("state"), ["failed"])
        self.assertFalse(second.chorus_flow_ids, "Chorus Pro is down for the company: one try per run")
        self.assertEqual(moves.mapped("chorus_deposit_queued"), [True, True])
        self.assertTrue(all(move.chorus_deposit_retry_at > fields.Datetime.now() for move in moves))
        self.assertFalse(self.chorus_activities(moves), "an outage is no task for the salesperson")
        self.assertTrue(first.chorus_auto_deposit_waiting)
        self.assertIn("could not be reached", first.chorus_auto_deposit_note)
        self.company.chorus_sandbox_url = self.sandbox.url
        self.run_queue_again()
        self.assertEqual(moves.chorus_flow_id.mapped("state"), ["deposited", "deposited"])
        self.assertFalse(any(moves.mapped("chorus_deposit_queued")))

    def test_preflight_problem_is_one_activity_then_the_fixed_invoice_goes(self):
        move = self.create_public_invoice(post=False, partner=self.public_partner)  # no service code
        self.post(move)
        self.assertTrue(move.chorus_deposit_queued)
        self.assertTrue(move.chorus_auto_deposit_waiting)
        self.assertIn("Will be deposited automatically once this is solved", move.chorus_auto_deposit_note)
        for _run in range(2):
            self.run_queue_again()
        activity = self.chorus_activities(move)
        self.assertEqual(len(activity), 1, "one activity per problem, not one per run")
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("service", activity.note.lower())
        self.assertFalse(move.chorus_flow_ids, "no Factur-X built, no attempt recorded")
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        move.buyer_reference = "SERV-COMPTA"
        self.run_queue_again()
        self.assertEqual(move.chorus_flow_id.state, "deposited")
        self.assertFalse(self.chorus_activities(move), "the activity is done once deposited")
        self.assertFalse(move.chorus_deposit_problem_message)

    def test_token_shortage_is_one_activity_and_nothing_is_charged(self):
        wallet = self.wallet()
        wallet._correct(-wallet.available, "plus de jetons")
        move = self.post(self.draft_invoice())
        self.assertTrue(move.chorus_deposit_queued, "posted and queued without a token")
        for _run in range(2):
            self.run_queue_again()
        activity = self.chorus_activities(move)
        self.assertEqual(len(activity), 1)
        self.assertIn("No Chorus Pro token left", activity.note)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        self.assertTrue(move.chorus_deposit_queued)
        self.wallet()._correct(5, "pack payé")
        self.run_queue_again()
        self.assertEqual(move.chorus_flow_id.state, "deposited")
        self.assertEqual(self.wallet().balance, 4)

    def test_chorus_refusal_is_one_activity_and_tried_again_later(self):
        move = self.post(self.draft_invoice())
        balance = self.wallet().balance
        self.inject_fault(DEPOSIT_ROUTE, "business_error_400", times=2, code=20001, libelle="GDP_MSG_11.022")
        self.run_deposit_queue()
        self.assertEqual(move.chorus_flow_ids.mapped("state"), ["failed"])
        self.assertTrue(move.chorus_deposit_queued)
        self.assertGreater(move.chorus_deposit_retry_at, fields.Datetime.now())
        self.run_queue_again()
        activity = self.chorus_activities(move)
        self.assertEqual(len(activity), 1, "the same refusal is told once")
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("GDP_MSG_11.022", activity.note)
        self.assertEqual(self.wallet().balance, balance, "nothing charged for a refused file")
        self.run_queue_again()
        self.assertEqual(move.chorus_flow_id.state, "deposited")
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 3)
        self.assertEqual(self.wallet().balance, balance - 1)
        self.assertFalse(self.chorus_activities(move))

    def test_deposit_by_hand_after_a_problem_closes_its_activity(self):
        move = self.post(self.draft_invoice())
        self.inject_fault(DEPOSIT_ROUTE, "business_error_400", code=20001, libelle="GDP_MSG_11.022")
        self.run_deposit_queue()
        self.assertEqual(len(self.chorus_activities(move)), 1)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.assertFalse(self.chorus_activities(move))
        self.assertFalse(move.chorus_deposit_queued)
        self.run_queue_again()
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 2)
