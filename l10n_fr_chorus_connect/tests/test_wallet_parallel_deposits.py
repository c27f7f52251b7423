# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""20 real deposits at once on 10 tokens: each thread clicks « Déposer la facture » on its own
connection, the sandbox answers over HTTP. Exactly 10 invoices reach Chorus Pro and are charged;
the 10 others are refused with the no-token message, nothing sent, nothing charged.

The data is committed on the main company (configured for the sandbox for the time of the test)
and removed afterwards; the company's settings and token balance are restored.
"""

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from ..chorus.sandbox import SandboxConfig, SandboxServer, seed
from .test_wallet_concurrency import _env

_logger = logging.getLogger(__name__)

PARALLEL = 20
TOKENS = 10
DEPOSIT_ROUTE = "factures/v1/deposer/flux"
# Rows created by the test in these tables are removed at the end (children first).
CLEANED_TABLES = (
    "chorus_token_ledger",
    "chorus_invoice_status",
    "chorus_flow",
    "account_move",
    "res_partner_bank",
    "chorus_service",
    "chorus_structure",
    "chorus_supplier_structure",
    "res_partner",
    "mail_activity",
    "mail_message",
)
COMPANY_FIELDS = (
    "company_registry",
    "vat",
    "chorus_environment",
    "chorus_sandbox_url",
    "chorus_supplier_structure_choice_id",
    "chorus_token_low_threshold",
)


@tagged("post_install", "-at_install")
class TestWalletParallelDeposits(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        # Post-install tests may run while the main thread holds the registry class lock; the
        # deposit opens cursors (and environments) of its own in every thread.
        cls.startClassPatcher(patch.object(Registry, "_lock", DummyRLock()))
        cls.sandbox = cls.enterClassContext(
            SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=0))
        )
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr)
            cls.start_ids = {}
            for table in CLEANED_TABLES:
                cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                cls.start_ids[table] = cr.fetchone()[0]
            company = env.ref("base.main_company")
            cls.company_id = company.id
            cls.saved = company.read(list(COMPANY_FIELDS), load=None)[0]
            wallet = company._chorus_wallet()
            cls.wallet_id, cls.held_start = wallet.id, wallet.held
            cr.commit()  # pylint: disable=invalid-commit
        cls.addClassCleanup(cls._clean)
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr)
            cls.move_ids = cls._prepare(env)
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def _prepare(cls, env):
        company = env["res.company"].browse(cls.company_id)
        company.write(
            {
                "company_registry": seed.SUPPLIER_SIRET,
                "vat": "FR44732829320",
                "chorus_environment": "sandbox",
                "chorus_sandbox_url": cls.sandbox.url,
                "chorus_token_low_threshold": -1,
            }
        )
        company._chorus_load_supplier_structures()
        env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
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
        moves = (
            env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
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
        )
        for move in moves:
            if not move.chorus_payment_means:
                move.chorus_payment_means = "30"
        moves.action_post()
        wallet = company._chorus_wallet()
        if wallet.available != TOKENS:
            wallet._correct(TOKENS - wallet.available, "Parallel deposit test setup")
        return moves.ids

    @classmethod
    def _clean(cls):
        with cls.registry.cursor() as cr:
            start = cls.start_ids
            cr.execute("DELETE FROM chorus_token_ledger WHERE id > %s", [start["chorus_token_ledger"]])
            cr.execute("DELETE FROM mail_activity WHERE id > %s", [start["mail_activity"]])
            cr.execute("DELETE FROM mail_message WHERE id > %s", [start["mail_message"]])
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'chorus.flow' AND res_id > %s",
                [start["chorus_flow"]],
            )
            cr.execute("DELETE FROM chorus_invoice_status WHERE id > %s", [start["chorus_invoice_status"]])
            cr.execute("UPDATE account_move SET chorus_flow_id = NULL WHERE id > %s", [start["account_move"]])
            cr.execute("DELETE FROM chorus_flow WHERE id > %s", [start["chorus_flow"]])
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'account.move' AND res_id > %s",
                [start["account_move"]],
            )
            cr.execute("DELETE FROM account_move WHERE id > %s", [start["account_move"]])
            cr.execute(
                "UPDATE chorus_token_wallet SET held = %s, low_balance_alerted = false WHERE id = %s",
                [cls.held_start, cls.wallet_id],
            )
            env = _env(cls.registry, cr)
            company = env["res.company"].browse(cls.company_id)
            company.write({field: cls.saved[field] for field in COMPANY_FIELDS})
            env.flush_all()
            cr.execute(
                "UPDATE res_company SET chorus_supplier_structure_choice_id = %s WHERE id = %s",
                [cls.saved["chorus_supplier_structure_choice_id"] or None, cls.company_id],
            )
            for table in (
                "res_partner_bank",
                "chorus_service",
                "chorus_structure",
                "chorus_supplier_structure",
            ):
                cr.execute(f"DELETE FROM {table} WHERE id > %s", [start[table]])
            cr.execute(
                "DELETE FROM res_partner WHERE id > %s AND parent_id IS NOT NULL", [start["res_partner"]]
            )
            cr.execute("DELETE FROM res_partner WHERE id > %s", [start["res_partner"]])

    @mute_logger("odoo.sql_db")
    def test_twenty_parallel_deposits_on_ten_tokens(self):
        barrier = threading.Barrier(PARALLEL)
        replays = []

        def click(move_id):
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr)
                barrier.wait(timeout=60)
                # What Odoo does for the request of the button: replay it after a serialization failure.
                for tries in range(1, 31):
                    try:
                        return (
                            env["chorus.flow"]
                            .sudo()
                            .with_context(force_report_rendering=True)
                            ._deposit_move(move_id)
                        )
                    except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
                        replays.append(move_id)
                        cr.rollback()
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
            env = _env(self.registry, cr)
            wallet = env["chorus.token.wallet"].browse(self.wallet_id)
            self.assertEqual((wallet.available, wallet.held - self.held_start), (0, 0))
            debits = env["chorus.token.ledger"].search(
                [
                    ("id", ">", self.start_ids["chorus_token_ledger"]),
                    ("kind", "=", "debit"),
                ]
            )
            deposited = env["account.move"].browse(self.move_ids).filtered("chorus_flow_id")
            self.assertEqual(len(debits), TOKENS)
            self.assertEqual(debits.move_id, deposited)
            self.assertTrue(all(debits.mapped("flow_reference")))
