# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Token wallet: welcome grant, append-only ledger, hold / settle / release / credit back, alerts."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..hooks import post_init_hook, uninstall_hook
from .common import ChorusSandboxCase


@tagged("post_install", "-at_install")
class TestWallet(ChorusSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="chorus_wallet_admin",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user = new_test_user(
            cls.env,
            login="chorus_wallet_user",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.moves = cls.env["account.move"]
        for amount in (100, 200, 300):
            cls.moves |= cls.init_invoice(
                "out_invoice", partner=cls.public_partner, amounts=[amount], company=cls.company
            )

    def wallet(self, company=None):
        wallet = (company or self.company)._chorus_wallet()
        wallet.invalidate_recordset()
        return wallet

    def ledger(self, company=None, **domain):
        return (
            self.env["chorus.token.ledger"]
            .sudo()
            .search(
                [("company_id", "=", (company or self.company).id)]
                + [(key, "=", value) for key, value in domain.items()]
            )
        )

    def make_flow(self, moves, number):
        return (
            self.env["chorus.flow"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "name": number,
                    "state": "deposited",
                }
            )
        )

    def set_balance(self, target):
        wallet = self.wallet()
        if wallet.balance != target:
            wallet._correct(target - wallet.balance, "test setup")
        return self.wallet()

    def assert_balance_is_ledger_sum(self, wallet):
        entries = self.env["chorus.token.ledger"].sudo().search([("wallet_id", "=", wallet.id)], order="id")
        self.assertEqual(wallet.balance, sum(entries.mapped("quantity")))
        self.assertEqual(wallet.balance, entries[-1].balance_after)

    # ------------------------------------------------------------------
    # Welcome grant
    # ------------------------------------------------------------------
    def test_new_company_gets_fifty_tokens_once(self):
        company = self.env["res.company"].create(
            {"name": "Nouvelle société", "country_id": self.env.ref("base.fr").id}
        )
        self.assertEqual(company.chorus_environment, "sandbox")
        # The welcome grant is a production grant; the sandbox has its own free tokens.
        grants = {entry.environment: (entry.kind, entry.quantity) for entry in self.ledger(company)}
        self.assertEqual(grants, {"production": ("grant", 50), "sandbox": ("grant", 50)})
        self.assertEqual(self.wallet(company).environment, "sandbox")
        self.assertEqual(self.wallet(company).balance, 50)
        self.assertEqual(company._chorus_wallet("production").balance, 50)
        self.assertEqual(company._chorus_wallet("qualification").balance, 0, "no free tokens there")
        # Module update / hook run again / on-demand access: nothing more.
        post_init_hook(self.env)
        company._chorus_wallet()
        company.chorus_environment = "production"
        company._chorus_wallet()
        self.assertEqual(self.wallet(company).balance, 50)
        self.assertEqual(len(self.ledger(company)), 2)

    def _uninstall_leftovers(self, company):
        """What an uninstall leaves: no wallet, no ledger, the system parameters."""
        self.env.cr.execute("DELETE FROM chorus_token_ledger WHERE company_id = %s", [company.id])
        self.env.cr.execute("DELETE FROM chorus_token_wallet WHERE company_id = %s", [company.id])
        self.env.invalidate_all()

    def test_reinstall_does_not_grant_again(self):
        company = self.env["res.company"].create({"name": "Société réinstallée"})
        self.assertEqual(self.wallet(company).balance, 50)
        self._uninstall_leftovers(company)
        post_init_hook(self.env)
        for environment in ("sandbox", "production"):
            wallet = company._chorus_wallet(environment)
            self.assertTrue(wallet)
            self.assertEqual(wallet.balance, 0)
        self.assertFalse(self.ledger(company))

    def test_reinstall_gives_back_the_balance_saved_at_uninstall(self):
        company = self.env["res.company"].create({"name": "Société fidèle"})
        company._chorus_wallet("production")._correct(200, "pack payé")
        company._chorus_wallet("sandbox")._correct(-30, "dépôts d'essai")
        company._chorus_wallet("qualification")._correct(7, "essais")
        uninstall_hook(self.env)
        self._uninstall_leftovers(company)
        post_init_hook(self.env)
        balances = {
            env: company._chorus_wallet(env).balance for env in ("production", "sandbox", "qualification")
        }
        self.assertEqual(balances, {"production": 250, "sandbox": 20, "qualification": 7})
        entries = {entry.environment: (entry.kind, entry.quantity) for entry in self.ledger(company)}
        self.assertEqual(
            entries,
            {
                "production": ("correction", 250),
                "sandbox": ("correction", 20),
                "qualification": ("correction", 7),
            },
        )
        post_init_hook(self.env)
        self.assertEqual(company._chorus_wallet("production").balance, 250, "carried over once")
        self.assertEqual(company._chorus_wallet("sandbox").balance, 20, "carried over once")

    # ------------------------------------------------------------------
    # Append-only ledger
    # ------------------------------------------------------------------
    def test_ledger_cannot_be_written_nor_deleted(self):
        entry = self.ledger(kind="grant")
        self.assertTrue(entry)
        with self.assertRaises(UserError):
            entry.write({"quantity": 5000})
        with self.assertRaises(UserError):
            entry.unlink()
        with self.assertRaises(UserError):
            self.env["chorus.token.ledger"].sudo().create(
                {
                    "wallet_id": self.wallet().id,
                    "company_id": self.company.id,
                    "kind": "purchase",
                    "quantity": 1000,
                }
            )
        ledger_model = self.env["chorus.token.ledger"].with_user(self.manager)
        self.assertTrue(ledger_model.search([]))
        with self.assertRaises(AccessError):
            ledger_model.with_context(chorus_token_ledger_append=True).create(
                {
                    "wallet_id": self.wallet().id,
                    "company_id": self.company.id,
                    "kind": "purchase",
                    "quantity": 1000,
                }
            )
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).unlink()
        self.assertEqual(self.wallet().balance, 50)

    def test_correction_is_a_compensating_entry_by_an_administrator(self):
        wizard = (
            self.env["chorus.token.correction"]
            .with_user(self.manager)
            .create({"quantity": -5, "reason": "Jetons offerts par erreur"})
        )
        wizard.action_apply()
        entry = self.ledger(kind="correction")
        self.assertEqual(
            (entry.quantity, entry.reason, entry.user_id), (-5, "Jetons offerts par erreur", self.manager)
        )
        self.assertEqual(self.wallet().balance, 45)
        self.assertEqual(
            len(self.ledger(kind="grant", environment="sandbox")), 1, "the grant entry is untouched"
        )
        with self.assertRaises(AccessError):
            self.env["chorus.token.correction"].with_user(self.user).create(
                {"quantity": 100, "reason": "cadeau"}
            )
        with self.assertRaises(UserError):
            self.wallet()._correct(3, "   ")

    # ------------------------------------------------------------------
    # Hold / settle / release / credit back
    # ------------------------------------------------------------------
    def test_accepted_deposit_debits_one_token_per_invoice(self):
        wallet = self.wallet()
        wallet._hold(2)
        wallet = self.wallet()
        self.assertEqual((wallet.balance, wallet.held, wallet.available), (50, 2, 48))
        flow = self.make_flow(self.moves[:2], "FLUX-0001")
        wallet._settle(2, flow.move_ids, flow)
        wallet = self.wallet()
        self.assertEqual((wallet.balance, wallet.held, wallet.available), (48, 0, 48))
        debits = self.ledger(kind="debit")
        self.assertEqual(sorted(debits.move_id.ids), sorted(self.moves[:2].ids))
        self.assertEqual(set(debits.mapped("quantity")), {-1})
        self.assertEqual(set(debits.mapped("flow_reference")), {"FLUX-0001"})
        # Settling the same deposit again charges nothing more.
        wallet._settle(0, flow.move_ids, flow)
        self.assertEqual(self.wallet().balance, 48)
        self.assertEqual(len(self.ledger(kind="debit")), 2)
        self.assert_balance_is_ledger_sum(self.wallet())

    def test_deposit_not_accepted_charges_nothing(self):
        wallet = self.wallet()
        wallet._hold(1)
        self.assertEqual(self.wallet().available, 49)
        wallet._release(1)
        wallet = self.wallet()
        self.assertEqual((wallet.balance, wallet.held, wallet.available), (50, 0, 50))
        self.assertFalse(self.ledger(kind="debit"))

    def test_each_operation_locks_the_wallet_row_once(self):
        wallet = self.wallet()
        flow = self.make_flow(self.moves[:2], "FLUX-LOCK")
        operations = {
            "hold": lambda: wallet._hold(2),
            "settle": lambda: wallet._settle(2, flow.move_ids, flow),
            "credit back": lambda: wallet._credit_back(self.moves[:1], flow),
            "correct": lambda: wallet._correct(3, "test"),
            "release": lambda: wallet._release(0),
        }
        for name, operation in operations.items():
            with self.subTest(operation=name), self.assertLogs("odoo.sql_db", "DEBUG") as logs:
                operation()
            locks = [line for line in logs.output if "chorus_token_wallet" in line and "FOR UPDATE" in line]
            self.assertEqual(len(locks), 1, name)
        self.assertEqual(self.wallet().balance, 50 - 2 + 1 + 3)

    def test_no_token_left_refuses_the_hold(self):
        wallet = self.set_balance(1)
        wallet._hold(1)
        with self.assertRaisesRegex(UserError, "Not enough Chorus Pro tokens: 0 available, 1 needed"):
            self.wallet()._hold(1)
        self.wallet()._release(1)
        with self.assertRaisesRegex(UserError, "Settings"):
            self.wallet()._hold(2)
        self.assertEqual(self.wallet().held, 0)

    def test_correction_cannot_take_reserved_tokens(self):
        wallet = self.set_balance(3)
        wallet._hold(2)
        with self.assertRaises(UserError):
            self.wallet()._correct(-2, "trop")
        self.wallet()._correct(-1, "juste")
        self.assertEqual(self.wallet().available, 0)

    def test_integration_rejection_gives_the_token_back(self):
        """IN_REJETE / invoices rejected in IN_INTEGRE_PARTIEL never reached the buyer: +1 each, once."""
        wallet = self.wallet()
        wallet._hold(3)
        flow = self.make_flow(self.moves, "FLUX-0002")
        wallet._settle(3, self.moves, flow)
        self.assertEqual(self.wallet().balance, 47)
        rejected = self.moves[1]
        wallet._credit_back(rejected, flow, "Rejet à l'intégration du flux FLUX-0002")
        entry = self.ledger(kind="credit_back")
        self.assertEqual((entry.quantity, entry.move_id, entry.flow_reference), (1, rejected, "FLUX-0002"))
        self.assertEqual(entry.reason, "Rejet à l'intégration du flux FLUX-0002")
        self.assertEqual(self.wallet().balance, 48)
        # Polled twice, or asked for an invoice this flow never charged: nothing more.
        wallet._credit_back(rejected, flow, "again")
        other_flow = self.make_flow(self.moves[:1], "FLUX-0003")
        wallet._credit_back(self.moves[:1], other_flow, "not charged here")
        self.assertEqual(self.wallet().balance, 48)
        self.assertEqual(len(self.ledger(kind="credit_back")), 1)
        self.assert_balance_is_ledger_sum(self.wallet())

    def test_default_credit_back_reason_names_the_flow(self):
        wallet = self.wallet()
        wallet._hold(1)
        flow = self.make_flow(self.moves[:1], "FLUX-0004")
        wallet._settle(1, flow.move_ids, flow)
        wallet._credit_back(flow.move_ids, flow, None)
        self.assertEqual(self.ledger(kind="credit_back").reason, "Rejected at integration of flow FLUX-0004")

    # ------------------------------------------------------------------
    # Low balance
    # ------------------------------------------------------------------
    def test_low_balance_alerts_administrators_once_per_crossing(self):
        self.company.chorus_token_low_threshold = 10
        wallet = self.set_balance(11)
        activities = self.env["mail.activity"].sudo()
        domain = [
            ("res_model", "=", "chorus.token.wallet"),
            ("res_id", "=", wallet.id),
            ("user_id", "=", self.manager.id),
        ]
        for move, number in zip(self.moves[:2], ("FLUX-A", "FLUX-B"), strict=True):
            wallet._hold(1)
            flow = self.make_flow(move, number)
            wallet._settle(1, move, flow)
        self.assertEqual(self.wallet().balance, 9)
        self.assertEqual(activities.search_count(domain), 1, "crossing 10 once alerts once")
        self.assertTrue(self.wallet().low_balance_alerted)
        self.wallet()._correct(20, "pack payé par virement")
        self.assertFalse(self.wallet().low_balance_alerted)
        self.wallet()._correct(-19, "retour à 10")
        self.assertEqual(activities.search_count(domain), 2, "a new crossing alerts again")
        self.assertFalse(activities.search_count([*domain, ("user_id", "=", self.user.id)]))

    # ------------------------------------------------------------------
    # Multi-company and screens
    # ------------------------------------------------------------------
    def test_other_company_ledger_is_invisible(self):
        other = self.env["res.company"].create({"name": "Autre société"})
        self.assertEqual(self.wallet(other).balance, 50)
        ledger_model = self.env["chorus.token.ledger"].with_user(self.user)
        self.assertEqual(ledger_model.search([]).company_id, self.company)
        self.assertEqual(
            self.env["chorus.token.wallet"].with_user(self.user).search([]).company_id, self.company
        )

    def test_settings_show_balance_consumption_and_packs(self):
        wallet = self.wallet()
        wallet._hold(2)
        flow = self.make_flow(self.moves[:2], "FLUX-0005")
        wallet._settle(2, flow.move_ids, flow)
        wallet._credit_back(self.moves[:1], flow, None)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.chorus_token_balance, 49)
        self.assertEqual(settings.chorus_token_month_consumption, 1)
        self.assertEqual(settings.chorus_token_low_threshold, 10)
        action = settings.action_chorus_token_packs()
        packs = [
            (pack.tokens, pack.amount, round(pack.unit_price, 2))
            for pack in self.env[action["res_model"]].search(action.get("domain") or [])
        ]
        self.assertEqual(
            packs, [(200, 100.0, 0.5), (500, 235.0, 0.47), (1000, 450.0, 0.45), (2500, 1000.0, 0.4)]
        )
        action = settings.action_chorus_token_ledger()
        self.assertEqual(action["res_model"], "chorus.token.ledger")

    def test_company_with_used_tokens_is_not_deleted(self):
        company = self.env["res.company"].create({"name": "Société jetable"})
        company.unlink()  # only the welcome grant: the company may go
        company = self.env["res.company"].create({"name": "Société cliente"})
        company._chorus_wallet()._correct(5, "test")
        with self.assertRaises(UserError):
            company.unlink()
