# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""20 real deposits at once on 10 tokens: each thread deposits as « Déposer la facture » does, on its
own connection, the sandbox answers over HTTP. Exactly 10 invoices reach Chorus Pro and are charged;
the 10 others are refused with the no-token message, nothing sent, nothing charged.

The data is committed on a French company of the test's own (``CommittedFrenchCompanyCase``), removed
at the end with everything it holds.
"""

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..chorus.sandbox import seed
from ..models.chorus_flow import SYSTEM_WRITE
from .test_wallet_concurrency import CommittedFrenchCompanyCase, _env

_logger = logging.getLogger(__name__)

PARALLEL = 20
TOKENS = 10
DEPOSIT_ROUTE = "factures/v1/deposer/flux"


@tagged("post_install", "-at_install")
class TestWalletParallelDeposits(CommittedFrenchCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr, cls.company_id)
            cls.move_ids = cls._prepare(env)
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def _prepare(cls, env):
        company = env["res.company"].browse(cls.company_id)
        bank = env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        cls.created["res.partner.bank"].add(bank.id)
        buyer = env["res.partner"].create(
            {
                "name": "COMMUNE D'EXEMPLEVILLE",
                "is_company": True,
                "country_id": env.ref("base.fr").id,
                "company_registry": seed.BUYER_COMMUNE_SIRET,
                "chorus_is_public": True,
                "street": "1 place de la Mairie",
                "zip": "75001",
                "city": "Paris",
            }
        )
        address = env["res.partner"].create(
            {
                "name": "Service comptabilité",
                "type": "invoice",
                "parent_id": buyer.id,
                "chorus_service_code": "SERV-COMPTA",
            }
        )
        cls.created["res.partner"].update((buyer | address).ids)
        buyer._chorus_fetch_directory()
        tax = env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", 20.0),
                ("amount_type", "=", "percent"),
                ("price_include", "=", False),
            ],
            limit=1,
        )
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": address.id,
                    "invoice_date": "2026-11-20",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Prestation {index + 1}",
                                "quantity": 1,
                                "price_unit": 100.0 + index,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                    ],
                }
                for index in range(PARALLEL)
            ]
        )
        for move in moves:
            if not move.chorus_payment_means:
                move.chorus_payment_means = "30"
        moves.action_post()
        wallet = company._chorus_wallet()
        if wallet.available != TOKENS:
            wallet._correct(TOKENS - wallet.available, "Parallel deposit test setup")
        cls.wallet_id, cls.held_start = wallet.id, wallet.held
        return moves.ids

    @mute_logger("odoo.sql_db")
    def test_twenty_parallel_deposits_on_ten_tokens(self):
        barrier = threading.Barrier(PARALLEL)
        replays = []

        def click(move_id):
            # What ``chorus.flow._deposit_move`` (the button) does, on a cursor whose environment the
            # thread builds itself: ``_deposit_move`` would build one on a bare cursor, which looks the
            # registry up by name and waits for the class lock the main thread holds (see ``_env``).
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr, self.company_id)
                flows = env["chorus.flow"].with_context(force_report_rendering=True, **SYSTEM_WRITE)
                barrier.wait(timeout=60)
                # What Odoo does for the request of the button: replay it after a serialization failure.
                for tries in range(1, 31):
                    try:
                        result = flows._deposit_move_on_cursor(move_id)
                        cr.commit()  # pylint: disable=invalid-commit
                        return result
                    except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
                        replays.append(move_id)
                        cr.rollback()
                        env.invalidate_all()
                        time.sleep(random.uniform(0, 0.1 * tries))
                raise AssertionError("still failing after 30 tries")

        with ThreadPoolExecutor(max_workers=PARALLEL) as executor:
            results = list(executor.map(click, self.move_ids))

        outcomes = sorted(result["outcome"] for result in results)
        _logger.info(
            "20 parallel real deposits on 10 tokens: %s deposited, %s no_tokens; %s replays after "
            "serialization failures, at most %s for one click",
            outcomes.count("deposited"),
            outcomes.count("no_tokens"),
            len(replays),
            max((replays.count(move_id) for move_id in self.move_ids), default=0),
        )
        self.assertEqual(outcomes, ["deposited"] * TOKENS + ["no_tokens"] * (PARALLEL - TOKENS), results)
        for result in results:
            if result["outcome"] == "no_tokens":
                self.assertIn("Not enough Chorus Pro tokens", result["message"])
        stats = self.sandbox.control.stats()
        self.assertEqual(stats.get(DEPOSIT_ROUTE, 0), TOKENS, "only the invoices holding a token were sent")
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr, self.company_id)
            wallet = env["chorus.token.wallet"].browse(self.wallet_id)
            self.assertEqual((wallet.available, wallet.held - self.held_start), (0, 0))
            debits = env["chorus.token.ledger"].search(
                [("company_id", "=", self.company_id), ("kind", "=", "debit")]
            )
            deposited = env["account.move"].browse(self.move_ids).filtered("chorus_flow_id")
            self.assertEqual(len(debits), TOKENS)
            self.assertEqual(debits.move_id, deposited)
            self.assertTrue(all(debits.mapped("flow_reference")))
