# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pre-flight's second look: the market number, what the directory says, silent risks, and the
batch deposit telling at the click what will go and what will not."""

import datetime

from odoo import Command, fields
from odoo.tests import tagged

from .test_deposit_common import ChorusDepositCase


@tagged("post_install", "-at_install")
class TestChorusPreflightRisks(ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_french()

    def french(self, move):
        return move.with_context(lang="fr_FR")

    def messages(self, move, include_warnings=False):
        return [
            problem["message"]
            for problem in self.french(move)._chorus_preflight(include_warnings=include_warnings)
        ]

    # --- market number (item 3) --------------------------------------------
    def test_market_number_over_50_characters_is_refused(self):
        move = self.create_public_invoice(post=False)
        move.contract_reference = "M" * 50
        move.action_post()
        self.assertEqual(self.messages(move), [])
        move.button_draft()
        move.contract_reference = "M" * 10000
        move.action_post()
        [message] = self.messages(move)
        self.assertIn("Le numéro de marché compte 10000 caractères", message)
        self.assertFalse(move.chorus_can_deposit)

    # --- the directory (item 6) --------------------------------------------
    def test_structure_not_public_in_the_directory_is_refused(self):
        move = self.create_public_invoice()
        move._chorus_buyer_structure().is_public = False
        [message] = self.messages(move)
        self.assertIn("ne présente pas COMMUNE D'EXEMPLEVILLE", message)
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "invalid")

    # --- silent risks (item 7) ---------------------------------------------
    def test_future_date_is_a_warning_shown_on_the_panel(self):
        move = self.create_public_invoice(post=False)
        move.invoice_date = fields.Date.context_today(move) + datetime.timedelta(days=10)
        move.action_post()
        self.assertEqual(self.messages(move), [], "a warning does not block")
        [warning] = self.messages(move, include_warnings=True)
        self.assertIn("dans le futur", warning)
        panel = self.french(move)
        self.assertIn("dans le futur", panel.chorus_preflight_html)
        self.assertIn("Avertissement", panel.chorus_preflight_html)
        self.assertTrue(panel.chorus_can_deposit)

    def test_long_invoice_number_warning_is_shown_on_the_panel(self):
        move = self.create_public_invoice(post=False)
        move.journal_id.code = "CHORUSLONG"
        move.action_post()
        move.name = "FACTURE/CHORUSLONG/2026/000001"
        self.assertIn("dépasse 20 caractères", self.french(move).chorus_preflight_html)
        self.assertTrue(move.chorus_can_deposit)

    def test_same_number_in_two_journals_is_warned(self):
        first = self.create_public_invoice()
        journal = first.journal_id.copy({"code": "SALE2"})
        journal.name = "Ventes 2"
        second = self.create_public_invoice(post=False)
        second.journal_id = journal
        second.action_post()
        second.name = first.name
        [warning] = self.messages(second, include_warnings=True)
        self.assertIn("Ventes 2", self.messages(first, include_warnings=True)[0])
        self.assertIn("Chorus Pro rejette la seconde facture", warning)

    # --- the batch deposit (item 5) ----------------------------------------
    def test_batch_message_says_what_goes_and_what_is_blocked(self):
        ready = self.create_public_invoice(100)
        blocked = self.create_public_invoice(200, post=False)
        blocked.buyer_reference = "SERV-ANCIEN"
        blocked.action_post()
        short = self.create_public_invoice(300)
        wallet = self.wallet()
        wallet._correct(1 - wallet.available, "un seul jeton")
        action = (ready | blocked | short).with_context(lang="fr_FR").action_chorus_deposit_batch()
        message = action["params"]["message"]
        self.assertIn("1 facture sera déposée", message)
        self.assertIn("1 facture est bloquée par ses vérifications", message)
        self.assertIn("SERV-ANCIEN", message)
        self.assertIn("1 facture reste en attente, faute de jetons Chorus Pro", message)
        self.assertNotIn("1 factures", message)
        self.assertEqual((ready | blocked | short).mapped("chorus_deposit_queued"), [True, False, False])

    def test_to_deposit_filter_lists_only_ready_invoices(self):
        ready = self.create_public_invoice(100)
        blocked = self.create_public_invoice(200, post=False)
        blocked.buyer_reference = "SERV-ANCIEN"
        blocked.action_post()
        found = self.env["account.move"].search([("chorus_ready", "=", True)])
        self.assertIn(ready, found)
        self.assertNotIn(blocked, found)
        self.assertTrue(ready.chorus_ready)
        self.assertFalse(blocked.chorus_ready)

    # --- who buys tokens (item 4) --------------------------------------------
    def test_accountant_is_told_whom_to_ask_for_tokens(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Alice Comptable",
                "login": "alice.chorus",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        wallet = self.wallet()
        wallet._correct(-wallet.available, "plus de jetons")
        move = self.create_public_invoice()
        blocker = move.with_user(accountant).with_context(lang="fr_FR").chorus_deposit_blocker
        self.assertIn("Demandez à un administrateur Chorus Pro", blocker)
        self.assertIn(self.env.user.name, blocker)
        self.assertNotIn("Paramètres", blocker)
