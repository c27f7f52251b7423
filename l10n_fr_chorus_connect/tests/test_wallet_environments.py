# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A wallet per Chorus Pro environment: switching back and forth with purchases and deposits on both
sides, every balance checked; sandbox vouchers (a key anyone can derive) only reach the sandbox."""

import base64
import json
import logging
from unittest.mock import patch

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..chorus import client as chorus_client
from ..chorus import vouchers
from ..chorus.vouchers import SANDBOX_VENDOR_PRIVATE_KEY, public_key_b64, sign_voucher
from ..models.res_company_tokens import VENDOR_URL_PARAM
from .test_deposit_common import ChorusDepositCase

_logger = logging.getLogger(__name__)

ENVIRONMENTS = ("sandbox", "qualification", "production")
# The production vendor's private key is not in the repository: a key made for the test stands in,
# trusted under its own key id, and the sandbox plays the publisher's vendor with it.
PRODUCTION_TEST_KEY = Ed25519PrivateKey.generate()
PRODUCTION_TEST_KEY_ID = "prod-test"


@tagged("post_install", "-at_install")
class TestWalletEnvironments(ChorusDepositCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="chorus_env_admin",
            groups="base.group_user,account.group_account_invoice,l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # "Production" deposits go to this test's sandbox: the only Chorus Pro a test may reach.
        cls.startClassPatcher(
            patch.dict(
                chorus_client.ENVIRONMENTS,
                {"production": (f"{cls.sandbox.url}/api/oauth/token", cls.sandbox.url)},
            )
        )
        cls.startClassPatcher(
            patch.dict(
                vouchers.TRUSTED_VENDOR_KEYS,
                {
                    PRODUCTION_TEST_KEY_ID: (
                        public_key_b64(PRODUCTION_TEST_KEY),
                        frozenset({"qualification", "production"}),
                    )
                },
            )
        )
        cls.env["ir.config_parameter"].sudo().set_param(VENDOR_URL_PARAM, cls.sandbox.url)

    def setUp(self):
        super().setUp()  # resets the sandbox: its vendor forgets customers and settings
        raw = PRODUCTION_TEST_KEY.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        self.sandbox_control.configure_vendor(
            signer={
                "key_id": PRODUCTION_TEST_KEY_ID,
                "private_key": base64.b64encode(raw).decode(),
                "environments": ["qualification", "production"],
            }
        )

    def balances(self):
        self.env.invalidate_all()
        return {environment: self.company._chorus_wallet(environment).balance for environment in ENVIRONMENTS}

    def switch(self, environment):
        self.company.chorus_environment = environment
        self.env.invalidate_all()

    def voucher(self, key, environment, tokens, voucher_id):
        payload = {
            "voucher_id": voucher_id,
            "order_id": f"ORD-{voucher_id}",
            "company_ref": self.company._chorus_vendor_company_ref(),
            "pack_code": "pack_test",
            "tokens": tokens,
            "issued_at": "2026-11-20T10:00:00+00:00",
            "environment": environment,
            "key_id": PRODUCTION_TEST_KEY_ID if key is PRODUCTION_TEST_KEY else "sandbox-1",
            "kind": "purchase",
        }
        return sign_voucher(key, payload)

    def paste(self, voucher):
        wizard = (
            self.env["chorus.token.voucher"].with_user(self.manager).create({"voucher": json.dumps(voucher)})
        )
        return wizard.action_redeem()["params"]["type"]

    def buy_and_pay(self, pack_xmlid):
        pack = self.env.ref(pack_xmlid)
        pack.with_user(self.manager).with_company(self.company).action_buy()
        order = self.env["chorus.token.order"].search([("company_id", "=", self.company.id)], limit=1)
        self.sandbox_control.pay_order(order.name)
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "success", notification["message"])
        return order

    def deposit_one(self):
        [result] = self.deposit(self.create_public_invoice())
        self.assertEqual(result["outcome"], "deposited", result["message"])

    def test_switching_environments_keeps_each_balance(self):
        self.assertEqual(self.company.chorus_environment, "sandbox")
        self.assertEqual(self.balances(), {"sandbox": 50, "qualification": 0, "production": 50})

        # Sandbox: a free pack from the sandbox vendor, then a deposit.
        order = self.buy_and_pay("l10n_fr_chorus_connect.chorus_token_pack_200")
        self.assertEqual(order.environment, "sandbox")
        self.assertEqual(self.balances(), {"sandbox": 250, "qualification": 0, "production": 50})
        self.deposit_one()
        self.assertEqual(self.balances(), {"sandbox": 249, "qualification": 0, "production": 50})

        # Production: the welcome grant pays; a production voucher credits production only.
        self.switch("production")
        self.deposit_one()
        self.assertEqual(self.balances(), {"sandbox": 249, "qualification": 0, "production": 49})
        order = self.buy_and_pay("l10n_fr_chorus_connect.chorus_token_pack_500")
        self.assertEqual(order.environment, "production")
        self.assertEqual(self.balances(), {"sandbox": 249, "qualification": 0, "production": 549})
        # A voucher minted with a trusted key but never sold is refused by the vendor at redemption.
        with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
            self.assertEqual(
                self.paste(self.voucher(PRODUCTION_TEST_KEY, "production", 500, "VCH-P1")), "danger"
            )
        # A sandbox voucher is refused here, and a sandbox order bought earlier stays in the sandbox.
        free = self.voucher(SANDBOX_VENDOR_PRIVATE_KEY, "sandbox", 1_000_000, "VCH-FREE-1")
        with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
            self.assertEqual(self.paste(free), "danger")
        self.assertEqual(self.balances(), {"sandbox": 249, "qualification": 0, "production": 549})

        # Back to the sandbox: its balance is where it was; its deposits never touch production.
        self.switch("sandbox")
        self.assertEqual(self.company._chorus_wallet().balance, 249)
        self.deposit_one()
        self.deposit_one()
        self.assertEqual(self.balances(), {"sandbox": 247, "qualification": 0, "production": 549})

        # Qualification: its own (empty) wallet; a deposit there is refused for want of tokens.
        self.switch("qualification")
        move = self.create_public_invoice()
        self.assertTrue(move.chorus_no_tokens)
        self.assertEqual(self.balances(), {"sandbox": 247, "qualification": 0, "production": 549})

        # Production again: a correction moves production only; a deposit spends production only.
        self.switch("production")
        self.company._chorus_wallet()._correct(-9, "pack remboursé")
        self.deposit_one()
        self.assertEqual(self.balances(), {"sandbox": 247, "qualification": 0, "production": 539})

        ledger = (
            self.env["chorus.token.ledger"].sudo().search([("company_id", "=", self.company.id)], order="id")
        )
        for entry in ledger:
            self.assertEqual(entry.environment, entry.wallet_id.environment)
        for environment, balance in self.balances().items():
            entries = ledger.filtered(lambda entry, env=environment: entry.environment == env)
            self.assertEqual(sum(entries.mapped("quantity")), balance)
            if entries:
                self.assertEqual(entries[-1].balance_after, balance)
        _logger.info(
            "Ledger of the environment-switching test:\n%s",
            "\n".join(
                f"{entry.id:>5} {entry.environment:<13} {entry.kind:<11} {entry.quantity:>+6} "
                f"{entry.balance_after:>6}  {entry.reason or entry.move_id.name or ''}"
                for entry in ledger
            ),
        )

    def test_a_sandbox_voucher_only_reaches_the_sandbox_balance(self):
        """Anyone can mint a sandbox voucher (its key is in the code): 1,000,000 tokens, sandbox only."""
        free = self.voucher(SANDBOX_VENDOR_PRIVATE_KEY, "sandbox", 1_000_000, "VCH-MINTED-1")
        for environment in ("production", "qualification"):
            self.switch(environment)
            with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
                self.assertEqual(self.paste(free), "danger")
        # Even a voucher claiming "production" but signed with the sandbox key is refused.
        self.switch("production")
        forged = self.voucher(SANDBOX_VENDOR_PRIVATE_KEY, "production", 1_000_000, "VCH-MINTED-2")
        with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
            self.assertEqual(self.paste(forged), "danger")
        self.assertEqual(self.balances(), {"sandbox": 50, "qualification": 0, "production": 50})
        # In the sandbox the key is trusted, but the vendor never sold it: refused at redemption.
        self.switch("sandbox")
        with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
            self.assertEqual(self.paste(free), "danger")
        self.assertEqual(self.balances(), {"sandbox": 50, "qualification": 0, "production": 50})
        # And through the wallet API directly, a sandbox voucher never credits another wallet.
        direct = self.voucher(SANDBOX_VENDOR_PRIVATE_KEY, "sandbox", 1_000_000, "VCH-MINTED-3")
        with self.assertLogs("odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet", "WARNING"):
            kind, _message = self.company._chorus_wallet("production")._redeem(direct)
        self.assertEqual(kind, "danger")
        self.assertEqual(self.balances()["production"], 50)

    def test_a_sandbox_order_paid_after_switching_credits_the_sandbox(self):
        pack = self.env.ref("l10n_fr_chorus_connect.chorus_token_pack_500")
        pack.with_user(self.manager).with_company(self.company).action_buy()
        order = self.env["chorus.token.order"].search([("company_id", "=", self.company.id)], limit=1)
        self.sandbox_control.pay_order(order.name)
        self.switch("production")
        notification = order.with_user(self.manager).action_check_payment()["params"]
        self.assertEqual(notification["type"], "success", notification["message"])
        self.assertEqual(self.balances(), {"sandbox": 550, "qualification": 0, "production": 50})
