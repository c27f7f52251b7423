# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Buying a pack from the token vendor the sandbox plays (contract v2), over real HTTP: registration,
prices, order, payment, redemption, refunds; forged, replayed and revoked vouchers."""

import json
import socket

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..chorus.vouchers import SANDBOX_VENDOR_PRIVATE_KEY, sign_voucher
from ..models.chorus_token_pack import forget_vendor_prices
from .common import ChorusSandboxCase

WALLET_LOGGER = "odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet"


@tagged("post_install", "-at_install")
class TestWalletPurchase(ChorusSandboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="chorus_buyer_admin",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user = new_test_user(
            cls.env,
            login="chorus_buyer_user",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.pack_200 = cls.env.ref("l10n_fr_chorus_connect.chorus_token_pack_200")
        cls.pack_500 = cls.env.ref("l10n_fr_chorus_connect.chorus_token_pack_500")
        # First contact, once for the class: the sandbox vendor outlives each test's rollback.
        cls.vendor = cls.company._chorus_vendor_client("sandbox")

    def setUp(self):
        super().setUp()
        forget_vendor_prices()
        self.addCleanup(forget_vendor_prices)
        self.addCleanup(
            self.sandbox_control.configure_vendor, payment_available=True, rate_limited=0, prices={}
        )

    def wallet(self):
        wallet = self.company._chorus_wallet()
        wallet.invalidate_recordset()
        return wallet

    def purchases(self):
        return (
            self.env["chorus.token.ledger"]
            .sudo()
            .search([("company_id", "=", self.company.id), ("kind", "=", "purchase")])
        )

    def buy(self, pack):
        action = pack.with_user(self.manager).with_company(self.company).action_buy()
        order = self.env["chorus.token.order"].search([("company_id", "=", self.company.id)], limit=1)
        return action, order

    def pay(self, order):
        return self.sandbox_control.pay_order(order.name)

    def vendor_voucher(self, order):
        return self.vendor.order_status(order.name)["voucher"]

    def cron(self, xmlid):
        with self.enter_registry_test_mode():
            self.env.ref(f"l10n_fr_chorus_connect.{xmlid}").method_direct_trigger()
        self.env.invalidate_all()

    def paste(self, voucher, user=None):
        text = voucher if isinstance(voucher, str) else json.dumps(voucher)
        wizard = self.env["chorus.token.voucher"].with_user(user or self.manager).create({"voucher": text})
        return wizard.action_redeem()["params"]

    def own_voucher(self, key=SANDBOX_VENDOR_PRIVATE_KEY, **changes):
        payload = {
            "voucher_id": "VCH-TEST-1",
            "order_id": "ORD-TEST-1",
            "company_ref": self.company._chorus_vendor_company_ref(),
            "pack_code": "pack_200",
            "tokens": 200,
            "issued_at": "2026-11-20T10:00:00+00:00",
            "environment": "sandbox",
            "key_id": "sandbox-1",
            "kind": "purchase",
            **changes,
        }
        return sign_voucher(key, payload)

    # ------------------------------------------------------------------
    def test_buy_pack_pay_and_credit_once(self):
        action, order = self.buy(self.pack_200)
        # The order opens in Odoo (a pop-up would be blocked), with its link to the vendor's page.
        self.assertEqual((action["res_model"], action["res_id"]), ("chorus.token.order", order.id))
        self.assertEqual(order.payment_url, f"{self.sandbox.url}/vendor/pay/{order.name}")
        self.assertEqual(
            (order.state, order.tokens, order.amount, order.amount_total, order.pack_code),
            ("pending", 200, 100.0, 120.0, "pack_200"),
        )
        # Not paid yet: nothing credited.
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "info")
        self.assertEqual(self.wallet().balance, 50)
        self.pay(order)
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "success", notification["message"])
        self.assertEqual(order.state, "credited")
        self.assertEqual(self.wallet().balance, 250)
        entry = self.purchases()
        self.assertEqual((entry.quantity, entry.order_id, entry.voucher_id), (200, order, order.voucher_id))
        self.assertTrue(order.voucher_id.startswith("VCH-"))
        self.assertTrue(order.invoice.startswith("SBX/"))
        # Checked again, by the button or the cron: still credited once.
        order.with_user(self.manager).action_check_payment()
        self.cron("ir_cron_chorus_token_orders")
        self.assertEqual(self.wallet().balance, 250)
        self.assertEqual(len(self.purchases()), 1)

    def test_cron_credits_paid_orders(self):
        _action, order = self.buy(self.pack_500)
        self.pay(order)
        self.cron("ir_cron_chorus_token_orders")
        self.assertEqual(order.state, "credited")
        self.assertEqual(self.wallet().balance, 550)

    def test_replayed_voucher_is_refused_and_logged(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        order.with_user(self.manager).action_check_payment()
        self.assertEqual(self.wallet().balance, 250)
        with self.assertLogs(WALLET_LOGGER, "WARNING") as logs:
            result = self.paste(self.vendor_voucher(order))
        self.assertEqual(result["type"], "warning")
        self.assertIn("already credited", result["message"])
        self.assertIn("replayed", logs.output[0])
        self.assertEqual(self.wallet().balance, 250)
        self.assertIn("already credited", order.message_ids[0].body)

    def test_pasted_voucher_is_credited_with_its_order(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        result = self.paste(self.vendor_voucher(order))
        self.assertEqual(result["type"], "success", result["message"])
        self.assertEqual(self.wallet().balance, 250)
        self.assertEqual(order.state, "credited")
        self.assertEqual(self.purchases().order_id, order)

    def test_pasted_voucher_the_vendor_never_issued_is_refused(self):
        """Anyone can sign with the sandbox key, but the vendor refuses to redeem what it never sold."""
        with self.assertLogs(WALLET_LOGGER, "WARNING") as logs:
            result = self.paste(self.own_voucher())
        self.assertEqual(result["type"], "danger")
        self.assertIn("unknown_voucher", logs.output[0])
        self.assertEqual(self.wallet().balance, 50)

    def test_forged_voucher_is_refused(self):
        forged = self.own_voucher(key=Ed25519PrivateKey.generate())
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            result = self.paste(forged)
        self.assertEqual(result["type"], "danger")
        self.assertIn("signature", result["message"])
        self.assertEqual(self.wallet().balance, 50)
        self.assertIn("signature", self.wallet().message_ids[0].body)

    def test_tampered_voucher_is_refused(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        voucher = self.vendor_voucher(order)
        voucher["payload"]["tokens"] = 2500
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            result = self.paste(voucher)
        self.assertEqual(result["type"], "danger")
        self.assertEqual(self.wallet().balance, 50)
        self.assertFalse(self.purchases())
        for junk in ("not json", json.dumps({"payload": {}, "signature": "AAAA"})):
            with self.assertLogs(WALLET_LOGGER, "WARNING"):
                self.assertEqual(self.paste(junk)["type"], "danger")
        self.assertEqual(self.wallet().balance, 50)

    def test_voucher_of_another_company_is_refused(self):
        voucher = self.own_voucher(company_ref="another-database:1")
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            result = self.paste(voucher)
        self.assertEqual(result["type"], "danger")
        self.assertEqual(self.wallet().balance, 50)

    def test_sandbox_key_is_not_trusted_outside_sandbox(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        voucher = self.vendor_voucher(order)
        self.company.chorus_environment = "qualification"
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            result = self.paste(voucher)
        self.assertEqual(result["type"], "danger")
        self.assertIn("not trusted", result["message"])
        self.assertEqual(self.wallet().balance, 0, "qualification has its own wallet, without free tokens")
        self.assertEqual(self.company._chorus_wallet("sandbox").balance, 50)
        # The same voucher is good in sandbox: only the trust changed.
        self.company.chorus_environment = "sandbox"
        self.assertEqual(self.paste(voucher)["type"], "success")
        self.assertEqual(self.wallet().balance, 250)

    def test_vendor_unreachable_orders_and_credits_nothing(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        self.company.chorus_sandbox_url = f"http://127.0.0.1:{closed_port}"
        notification = self.buy(self.pack_200)[0]["params"]
        self.assertEqual(notification["type"], "danger")
        self.assertIn("cannot be reached", notification["message"])
        self.assertIn("Nothing was ordered nor charged", notification["message"])
        self.assertFalse(self.env["chorus.token.order"].search([("company_id", "=", self.company.id)]))
        self.assertEqual(self.wallet().balance, 50)

    def test_vendor_unreachable_while_checking_keeps_the_order(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        self.company.chorus_sandbox_url = "http://127.0.0.1:9"
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            order.with_user(self.manager).action_check_payment()
        self.assertEqual(order.state, "pending")
        self.assertEqual(self.wallet().balance, 50)

    def vendor_orders(self, request_id):
        with self.sandbox.app.store.transaction() as db:
            query = "SELECT COUNT(*) FROM vendor_orders WHERE request_id = ?"
            return db.execute(query, (request_id,)).fetchone()[0]

    def test_lost_order_answer_is_learned_without_a_second_order(self):
        """The vendor created the order but its answer was lost: kept « Being ordered », the cron
        posts the same request_id again and learns the order; the vendor never holds two."""
        self.sandbox_control.fault("drop_after_accept", route="vendor/v2/orders")
        action, order = self.buy(self.pack_200)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("The vendor did not answer", action["params"]["message"])
        self.assertIn("nothing is charged until you pay", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], order.id, "the order opens")
        self.assertEqual((order.state, order.name, order.payment_url), ("ordering", False, False))
        self.assertEqual(self.vendor_orders(order.request_id), 1, "the vendor holds the order")
        self.cron("ir_cron_chorus_token_orders")
        self.assertEqual(order.state, "pending")
        self.assertTrue(order.name and order.payment_url)
        self.assertEqual(self.vendor_orders(order.request_id), 1, "the retry is the same order")
        self.pay(order)
        self.assertEqual(order.with_user(self.manager).action_check_payment()["params"]["type"], "success")
        self.assertEqual((order.state, self.wallet().balance), ("credited", 250))

    def test_unpaid_order_is_abandoned_after_thirty_days(self):
        _action, order = self.buy(self.pack_200)
        self.env.cr.execute(
            "UPDATE chorus_token_order SET create_date = now() - interval '31 days' WHERE id = %s", [order.id]
        )
        self.env.invalidate_all()
        self.cron("ir_cron_chorus_token_orders")
        self.assertEqual(order.state, "failed")
        self.assertEqual(self.wallet().balance, 50)

    def test_only_administrators_buy(self):
        with self.assertRaises(UserError):
            self.pack_200.with_user(self.user).action_buy()
        with self.assertRaises(AccessError):
            self.env["chorus.token.voucher"].with_user(self.user).create({"voucher": "{}"})

    def test_administrator_of_another_company_cannot_check_or_pay_an_order(self):
        """Over JSON-RPC a method gets raw ids: the administrator of company B must not make A's
        order ask the vendor, nor get its payment link."""
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        other = self.env["res.company"].create(
            {"name": "Autre société", "country_id": self.env.ref("base.fr").id}
        )
        outsider = new_test_user(
            self.env,
            login="chorus_other_admin",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        for method in ("action_check_payment", "action_pay"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(order.with_user(outsider).with_company(other), method)()
        self.assertEqual((order.state, order.last_check_at), ("pending", False))
        self.assertEqual(self.wallet().balance, 50)

    # ------------------------------------------------------------------
    # Contract v2: registration, prices, vendor refusals, refunds
    # ------------------------------------------------------------------
    def test_registration_is_kept_for_system_administrators_only(self):
        account = (
            self.env["chorus.token.vendor.account"].sudo().search([("company_id", "=", self.company.id)])
        )
        self.assertEqual(account.vendor_url, self.sandbox.url)
        self.assertTrue(account.customer_id.startswith("CUS-"))
        self.assertEqual(account.company_ref, self.company._chorus_vendor_company_ref())
        with self.assertRaises(AccessError):
            self.env["chorus.token.vendor.account"].with_user(self.manager).search([]).read(["secret"])
        self.assertNotIn(
            "secret", self.env["chorus.token.vendor.account"].with_user(self.manager).fields_get()
        )
        # A database without the credentials (a restored copy) is refused, with what to do.
        account.unlink()
        notification = self.buy(self.pack_200)[0]["params"]
        self.assertEqual(notification["type"], "danger")
        self.assertIn("Contact the publisher", notification["message"])
        self.assertFalse(self.env["chorus.token.order"].search([("company_id", "=", self.company.id)]))

    def test_prices_come_from_the_vendor_then_the_built_in_list(self):
        self.sandbox_control.configure_vendor(prices={"pack_200": "90.00"})
        pack = self.pack_200.with_company(self.company)
        self.assertEqual((pack.price_untaxed, pack.price_total, pack.price_origin), (90.0, 108.0, "vendor"))
        # Kept one hour: a price change at the vendor shows after that.
        self.sandbox_control.configure_vendor(prices={"pack_200": "95.00"})
        pack.invalidate_recordset()
        self.assertEqual(pack.price_untaxed, 90.0)
        forget_vendor_prices()
        self.company.chorus_sandbox_url = "http://127.0.0.1:9"
        pack.invalidate_recordset()
        self.assertEqual(
            (pack.price_untaxed, pack.price_total, pack.price_origin), (100.0, 120.0, "built_in")
        )

    def test_vendor_refusals_order_nothing_and_say_what_to_do(self):
        self.sandbox_control.configure_vendor(payment_available=False)
        notification = self.buy(self.pack_200)[0]["params"]
        self.assertEqual(notification["type"], "danger")
        self.assertIn("Online payment is unavailable", notification["message"])
        self.sandbox_control.configure_vendor(payment_available=True, rate_limited=1)
        notification = self.buy(self.pack_200)[0]["params"]
        self.assertIn("wait 30 seconds", notification["message"])
        self.assertFalse(self.env["chorus.token.order"].search([("company_id", "=", self.company.id)]))
        self.assertEqual(self.wallet().balance, 50)

    def test_refund_before_redemption_credits_nothing(self):
        _action, order = self.buy(self.pack_500)
        self.pay(order)
        self.sandbox_control.refund_order(order.name)
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "warning", notification["message"])
        # Refunded, not « cancelled »: the buyer paid, and must know the money comes back.
        self.assertIn("refunded by the vendor before its tokens were credited", notification["message"])
        self.assertEqual((order.state, order.vendor_status), ("failed", "refunded"))
        self.assertEqual(self.wallet().balance, 50)

    def test_voucher_revoked_between_read_and_redeem_is_refused(self):
        _action, order = self.buy(self.pack_500)
        self.pay(order)
        voucher = self.vendor_voucher(order)
        self.sandbox_control.refund_order(order.name)
        with self.assertLogs(WALLET_LOGGER, "WARNING") as logs:
            result = self.paste(voucher)
        self.assertEqual(result["type"], "danger")
        self.assertIn("revoked", logs.output[0])
        self.assertEqual(self.wallet().balance, 50)

    def test_refund_after_redemption_is_one_correction(self):
        # Named to run after the other tests reading corrections: the sandbox keeps its correction
        # when Odoo rolls this test back.
        _action, order = self.buy(self.pack_500)
        self.pay(order)
        order.with_user(self.manager).action_check_payment()
        self.assertEqual(self.wallet().balance, 550)
        self.wallet()._correct(-540, "jetons utilisés")
        self.sandbox_control.refund_order(order.name)
        # « Vérifier les paiements » says what it took back, not only the lower balance.
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        notification = settings.action_chorus_token_refresh()["params"]
        self.assertEqual(notification["type"], "warning", notification["message"])
        self.assertIn(
            f"Order {order.name} refunded by the vendor: 500 tokens taken back", notification["message"]
        )
        self.cron("ir_cron_chorus_token_corrections")
        self.cron("ir_cron_chorus_token_corrections")
        settings.action_chorus_token_refresh()
        # Tokens already used: the balance goes below zero and deposits wait for a purchase.
        self.assertEqual(self.wallet().balance, -490)
        with self.assertRaisesRegex(UserError, "Not enough Chorus Pro tokens"):
            self.wallet()._hold(1)
        correction = (
            self.env["chorus.token.ledger"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company.id),
                    ("kind", "=", "correction"),
                    ("voucher_id", "!=", False),
                ]
            )
        )
        self.assertEqual((correction.quantity, correction.order_id), (-500, order))
        self.assertIn("refunded", self.wallet().message_ids[0].body)

    def test_check_payments_in_settings_credits_pending_orders(self):
        _action, order = self.buy(self.pack_200)
        self.pay(order)
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        notification = settings.action_chorus_token_refresh()["params"]
        self.assertEqual(notification["type"], "success", notification["message"])
        self.assertEqual(order.state, "credited")
        self.assertEqual(self.wallet().balance, 250)
