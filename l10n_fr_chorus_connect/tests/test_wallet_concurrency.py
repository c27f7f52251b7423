# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The wallet under real parallel transactions (each thread has its own database connection).

These tests commit for real, on the main company of the database, and remove what they
added at the end (ledger entries, invoices, messages), leaving its balance as it found it.
Each thread replays its transaction after a serialization failure, as Odoo's ``retrying``
does for every request and cron job.
"""

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from ..chorus.vouchers import SANDBOX_VENDOR_PRIVATE_KEY, sign_voucher

_logger = logging.getLogger(__name__)

PARALLEL = 20
TOKENS = 10
MAX_TRIES = 30


def _env(registry, cr):
    # Post-install tests of ``-i``/``-u`` run while the main thread holds the registry class
    # lock: threads must not look the registry up by name (Environment does when the cursor
    # has no transaction yet).
    if cr.transaction is None:
        cr.transaction = Transaction(registry)
    return api.Environment(cr, SUPERUSER_ID, {})


def _retrying(cr, func):
    """Run ``func`` until it commits without a serialization failure; returns (result, tries)."""
    for tries in range(1, MAX_TRIES + 1):
        try:
            result = func()
            cr.commit()  # pylint: disable=invalid-commit
            return result, tries
        except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable, pg_errors.DeadlockDetected):
            cr.rollback()
            time.sleep(random.uniform(0, 0.05 * tries))
    raise AssertionError(f"still failing after {MAX_TRIES} tries")


@tagged("post_install", "-at_install")
class TestWalletConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr)
            company = env.ref("base.main_company")
            wallet = company._chorus_wallet()
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM chorus_token_ledger")
            cls.ledger_start = cr.fetchone()[0]
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
            cls.message_start = cr.fetchone()[0]
            cls.company_id = company.id
            cls.wallet_id = wallet.id
            cls.held_start = wallet.held
            cls.threshold_start = company.chorus_token_low_threshold
            # No low-balance alert in the middle of the race.
            company.chorus_token_low_threshold = -1
            partner = env["res.partner"].create({"name": "Acheteur public (test de concurrence)"})
            cls.partner_id = partner.id
            cls.move_ids = (
                env["account.move"]
                .create(
                    [
                        {"move_type": "out_invoice", "partner_id": partner.id, "company_id": company.id}
                        for _index in range(PARALLEL)
                    ]
                )
                .ids
            )
            cr.commit()  # pylint: disable=invalid-commit
        cls.addClassCleanup(cls._clean)

    @classmethod
    def _clean(cls):
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM chorus_token_ledger WHERE id > %s", [cls.ledger_start])
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'chorus.token.wallet' AND res_id = %s",
                [cls.wallet_id],
            )
            cr.execute(
                "DELETE FROM mail_message WHERE id > %s AND model = 'chorus.token.wallet'",
                [cls.message_start],
            )
            cr.execute(
                "UPDATE chorus_token_wallet SET held = %s, low_balance_alerted = false WHERE id = %s",
                [cls.held_start, cls.wallet_id],
            )
            env = _env(cls.registry, cr)
            env["res.company"].browse(cls.company_id).chorus_token_low_threshold = cls.threshold_start
            env["account.move"].browse(cls.move_ids).unlink()
            env["res.partner"].browse(cls.partner_id).unlink()

    def _set_available(self, tokens):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr)
            wallet = env["chorus.token.wallet"].browse(self.wallet_id)
            if wallet.available != tokens:
                wallet._correct(tokens - wallet.available, "Concurrency test setup")

    def _wallet_state(self):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr)
            wallet = env["chorus.token.wallet"].browse(self.wallet_id)
            cr.execute(
                "SELECT COALESCE(SUM(quantity), 0) FROM chorus_token_ledger WHERE wallet_id = %s",
                [self.wallet_id],
            )
            ledger_sum = cr.fetchone()[0]
            return wallet.balance, wallet.held, wallet.available, ledger_sum

    @mute_logger("odoo.sql_db")
    def test_twenty_parallel_deposits_on_ten_tokens(self):
        self._set_available(TOKENS)
        barrier = threading.Barrier(PARALLEL)

        def deposit(move_id):
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr)
                wallet = env["chorus.token.wallet"].browse(self.wallet_id)
                barrier.wait(timeout=30)
                # The attempt transaction: hold, committed before the HTTP call.
                try:
                    _result, tries = _retrying(cr, lambda: wallet._hold(1))
                except UserError as error:
                    cr.rollback()
                    return "refused", str(error), 0
                time.sleep(random.uniform(0, 0.02))  # the call to Chorus Pro
                # The answer transaction: Chorus accepted, one token charged.
                move = env["account.move"].browse(move_id)
                _retrying(cr, lambda: wallet._settle(1, move, None))
                return "accepted", "", tries

        with ThreadPoolExecutor(max_workers=PARALLEL) as executor:
            outcomes = list(executor.map(deposit, self.move_ids))

        accepted = [outcome for outcome in outcomes if outcome[0] == "accepted"]
        refused = [outcome for outcome in outcomes if outcome[0] == "refused"]
        _logger.info(
            "20 parallel deposits on 10 tokens: %s accepted, %s refused, %s replays after serialization "
            "failures",
            len(accepted),
            len(refused),
            sum(outcome[2] - 1 for outcome in accepted),
        )
        self.assertEqual(len(accepted), TOKENS)
        self.assertEqual(len(refused), PARALLEL - TOKENS)
        for _kind, message, _tries in refused:
            self.assertIn("Not enough Chorus Pro tokens", message)
        balance, held, available, ledger_sum = self._wallet_state()
        self.assertEqual((available, held - self.held_start), (0, 0))
        self.assertEqual(balance, ledger_sum)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), COUNT(DISTINCT move_id) FROM chorus_token_ledger"
                " WHERE id > %s AND kind = 'debit'",
                [self.ledger_start],
            )
            self.assertEqual(cr.fetchone(), (TOKENS, TOKENS))

    @mute_logger("odoo.sql_db", "odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet")
    def test_same_voucher_redeemed_concurrently_credits_once(self):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr)
            company = env["res.company"].browse(self.company_id)
            if company.chorus_environment != "sandbox":
                self.skipTest("the main company is not in sandbox mode")
            voucher = sign_voucher(
                SANDBOX_VENDOR_PRIVATE_KEY,
                {
                    "voucher_id": f"VCH-CONCURRENT-{time.time_ns()}",
                    "order_id": "ORD-CONCURRENT",
                    "company_ref": company._chorus_vendor_company_ref(),
                    "pack_code": "pack_200",
                    "tokens": 200,
                    "issued_at": "2026-11-20T10:00:00+00:00",
                    "environment": "sandbox",
                },
            )
        balance_before = self._wallet_state()[0]
        workers = 4
        barrier = threading.Barrier(workers)

        def redeem(_index):
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr)
                wallet = env["chorus.token.wallet"].browse(self.wallet_id)
                barrier.wait(timeout=30)
                (kind, _message), _tries = _retrying(cr, lambda: wallet._redeem(voucher))
                return kind

        with ThreadPoolExecutor(max_workers=workers) as executor:
            kinds = sorted(executor.map(redeem, range(workers)))
        self.assertEqual(kinds, ["success"] + ["warning"] * (workers - 1))
        self.assertEqual(self._wallet_state()[0], balance_before + 200)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM chorus_token_ledger WHERE voucher_id = %s",
                [voucher["payload"]["voucher_id"]],
            )
            self.assertEqual(cr.fetchone()[0], 1)
