# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The wallet under real parallel transactions (each thread has its own database connection).

These tests commit for real. They run on a French company of their own, created and committed
by the class (``CommittedFrenchCompanyCase``) and removed at the end with everything it holds:
nothing of the database's other companies is read or changed. Each thread replays its
transaction after a serialization failure, as Odoo's ``retrying`` does for every request and
cron job.
"""

import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from ..chorus import en16931
from ..chorus.sandbox import SandboxConfig, SandboxServer
from ..models.chorus_flow import POLL_CRON
from ..models.chorus_token_wallet import CARRY_PARAM, GRANT_PARAM, wallet_param
from ..models.res_company import CHORUS_ENVIRONMENTS
from .common import CLIENT_ID, CLIENT_SECRET, SUPPLIER_SIRET, TECHNICAL_LOGIN, TECHNICAL_PASSWORD

_logger = logging.getLogger(__name__)

PARALLEL = 20
TOKENS = 10
MAX_TRIES = 30
# Shared tables whose row counts must be back to what they were once the test company is gone.
COUNTED_TABLES = (
    "res_company",
    "res_partner",
    "res_partner_bank",
    "account_account",
    "account_journal",
    "account_tax",
    "account_move",
    "account_move_line",
    "chorus_flow",
    "chorus_invoice_status",
    "chorus_structure",
    "chorus_service",
    "chorus_supplier_structure",
    "chorus_token_wallet",
    "chorus_token_ledger",
    "mail_message",
    "mail_activity",
    "mail_followers",
    "mail_alias",
    "ir_model_data",
    "ir_config_parameter",
    "ir_sequence",
    "ir_default",
    "ir_cron_trigger",
    "resource_calendar",
    "resource_calendar_attendance",
    "account_payment_method_line",
)
# Models whose records a new company gets for itself, pointed at from the company row.
OWNED_BY_COMPANY = ("ir.sequence", "resource.calendar")


def _env(registry, cr, company_id=None):
    """A superuser environment on a cursor the caller opened, built without ``Registry(dbname)``.

    ``-i``/``-u`` run post-install tests inside ``preload_registries``, with the main thread holding
    the class lock ``Registry._lock`` (odoo/service/server.py). ``api.Environment`` looks the registry
    up by name (``Registry.__new__``, which takes that lock) when the cursor has no transaction yet,
    so a thread doing it would wait forever on the main thread, which waits for the thread. Handing
    the cursor a transaction on the registry we already hold needs no lock at all.
    """
    if cr.transaction is None:
        cr.transaction = Transaction(registry)
    context = {"allowed_company_ids": [company_id]} if company_id else {}
    return api.Environment(cr, SUPERUSER_ID, context)


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


def _company_tables(cr):
    """Tables (not views) with a ``company_id`` column, and whether they have an ``id``."""
    cr.execute(
        """
        SELECT c.table_name, bool_or(i.column_name IS NOT NULL)
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          LEFT JOIN information_schema.columns i
            ON i.table_schema = c.table_schema AND i.table_name = c.table_name AND i.column_name = 'id'
         WHERE c.table_schema = current_schema() AND c.column_name = 'company_id'
         GROUP BY c.table_name
        """
    )
    return dict(cr.fetchall())


def _company_params(company_id):
    return [
        wallet_param(template, company_id, environment)
        for template in (GRANT_PARAM, CARRY_PARAM)
        for environment, _label in CHORUS_ENVIRONMENTS
    ]


def _company_dependent_columns(env):
    for model in env.registry.values():
        if model._abstract or not model._auto:
            continue
        for field in model._fields.values():
            if field.company_dependent and field.store and field.column_type:
                yield model._table, field.name


class CommittedFrenchCompanyCase(BaseCase):
    """A French company of the test's own (EUR, French chart of accounts, sandbox mode with the
    sandbox supplier SIRET), committed so that threads on their own connections see it, and
    removed at the end of the class with every row of it.

    Class attributes: ``registry``, ``sandbox`` (a ``SandboxServer`` on 127.0.0.1), ``company_id``,
    ``created`` (model name -> ids of records the test made outside the company's own tables, e.g.
    partners without company: subclasses add to it right after creating them).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        # Deposits start the EN 16931 checker, a child process: stop it before Odoo's class cleanup
        # finds (and kills, with a warning) children left behind.
        cls.addClassCleanup(en16931.close_shared)
        cls.sandbox = cls.enterClassContext(
            SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=0))
        )
        cls.created = defaultdict(set)
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr)
            cls.counts_before = cls._table_counts(cr)
            cr.execute("SELECT now()")
            cls.started_at = cr.fetchone()[0]
            # Creating a company links it to the superuser, which may put him in new groups.
            cls.superuser_groups = set(env.ref("base.user_root").group_ids.ids)
            company = env["res.company"].create(
                {
                    "name": f"Chorus concurrency test {uuid.uuid4().hex[:8]}",
                    "country_id": env.ref("base.fr").id,
                    "currency_id": env.ref("base.EUR").id,
                    "company_registry": SUPPLIER_SIRET,
                    "vat": "FR44732829320",
                    "chorus_environment": "sandbox",
                    "chorus_sandbox_url": cls.sandbox.url,
                    "chorus_piste_client_id": CLIENT_ID,
                    "chorus_piste_client_secret": CLIENT_SECRET,
                    "chorus_login": TECHNICAL_LOGIN,
                    "chorus_password": TECHNICAL_PASSWORD,
                    # No low-balance alert in the middle of the race.
                    "chorus_token_low_threshold": -1,
                }
            )
            cls.company_id = company.id
            cls.created["res.partner"].add(company.partner_id.id)
            cr.commit()  # pylint: disable=invalid-commit
        cls.addClassCleanup(cls._remove_company)
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr, cls.company_id)
            company = env["res.company"].browse(cls.company_id)
            env["account.chart.template"].try_loading("fr", company, install_demo=False)
            company._chorus_load_supplier_structures()
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def _table_counts(cls, cr):
        counts = {}
        for table in COUNTED_TABLES:
            cr.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cr.fetchone()[0]
        return counts

    @classmethod
    def _remove_company(cls):
        with cls.registry.cursor() as cr:
            cls._purge_company(_env(cls.registry, cr))
            cr.commit()  # pylint: disable=invalid-commit
        with cls.registry.cursor() as cr:
            leftovers = cls._leftovers(_env(cls.registry, cr))
        if leftovers:
            raise AssertionError(f"The concurrency test left rows in the database: {leftovers}")

    @classmethod
    def _purge_company(cls, env):
        """Delete the test company and every row of it, by company and by the ids the test collected.

        SQL, not ``unlink``: posted invoices, token ledger rows and a company that used tokens are
        protected from deletion, rightly, in the ORM."""
        cr, cid = env.cr, cls.company_id
        model_of = {model._table: name for name, model in env.registry.items() if not model._abstract}
        cr.execute(
            "SELECT alias_id FROM account_journal WHERE company_id = %s AND alias_id IS NOT NULL", [cid]
        )
        alias_ids = [row[0] for row in cr.fetchall()]
        # Records made for the company that carry no company_id themselves: its batch payment sequence,
        # its working hours, the payment methods of its journals (set null, not deleted, with them).
        company = env["res.company"].browse(cid)
        owned = defaultdict(list)
        for name, field in company._fields.items():
            if field.type == "many2one" and field.store and field.comodel_name in OWNED_BY_COMPANY:
                owned[env[field.comodel_name]._table] += company[name].ids
        cr.execute(
            "SELECT id FROM account_payment_method_line"
            " WHERE journal_id IN (SELECT id FROM account_journal WHERE company_id = %s)",
            [cid],
        )
        owned["account_payment_method_line"] += [row[0] for row in cr.fetchall()]
        pending = [(table, "company_id = %s", [cid], has_id) for table, has_id in _company_tables(cr).items()]
        pending += [
            (
                "account_account",
                "id IN (SELECT account_account_id FROM account_account_res_company_rel"
                " WHERE res_company_id = %s)",
                [cid],
                True,
            ),
            ("mail_alias", "id = ANY(%s)", [alias_ids], True),
            ("res_company", "id = %s", [cid], True),
        ]
        pending += [
            (env[model]._table, "id = ANY(%s)", [sorted(ids)], True) for model, ids in cls.created.items()
        ]
        pending += [(table, "id = ANY(%s)", [ids], True) for table, ids in owned.items()]
        deleted = defaultdict(set)
        # Children before parents, whatever the order: a delete refused by a foreign key is tried again
        # once the rows pointing at it are gone.
        while pending:
            refused = []
            for table, where, params, has_id in pending:
                try:
                    with cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                        returning = " RETURNING id" if has_id else ""
                        cr.execute(f'DELETE FROM "{table}" WHERE {where}{returning}', params)
                        if has_id:
                            deleted[table].update(row[0] for row in cr.fetchall())
                except pg_errors.ForeignKeyViolation:
                    refused.append((table, where, params, has_id))
            if len(refused) == len(pending):
                raise AssertionError(
                    f"Cannot remove the test company's rows of {[item[0] for item in refused]}"
                )
            pending = refused
        # What points at the deleted records by (model, id): chatter, attachments, external ids.
        for table, ids in deleted.items():
            if table not in model_of or not ids:
                continue
            params = [model_of[table], sorted(ids)]
            cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", params)
            cr.execute("DELETE FROM mail_activity WHERE res_model = %s AND res_id = ANY(%s)", params)
            cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)", params)
            cr.execute("DELETE FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s)", params)
            cr.execute("DELETE FROM ir_model_data WHERE model = %s AND res_id = ANY(%s)", params)
        for sequence_id in deleted.get("ir_sequence", ()):
            cr.execute(f"DROP SEQUENCE IF EXISTS ir_sequence_{sequence_id:03d}")
        for table, column in _company_dependent_columns(env):
            cr.execute(
                f'UPDATE "{table}" SET "{column}" = "{column}" - %s WHERE "{column}" ? %s', [str(cid)] * 2
            )
        cr.execute("DELETE FROM ir_config_parameter WHERE key = ANY(%s)", [_company_params(cid)])
        # A deposit asks the follow-up job to run a minute later; the job would find nothing left. Triggers
        # name no record: those of that job since the class started are the test's (nothing else runs on
        # a test database meanwhile).
        cr.execute(
            "DELETE FROM ir_cron_trigger WHERE cron_id = %s AND create_date >= %s",
            [env.ref(POLL_CRON).id, cls.started_at],
        )
        cr.execute(
            "DELETE FROM res_groups_users_rel WHERE uid = %s AND gid != ALL(%s)",
            [SUPERUSER_ID, sorted(cls.superuser_groups)],
        )
        env.registry.clear_cache()

    @classmethod
    def _leftovers(cls, env):
        cr, cid = env.cr, cls.company_id
        leftovers = {}
        for table in _company_tables(cr):
            cr.execute(f'SELECT COUNT(*) FROM "{table}" WHERE company_id = %s', [cid])
            if count := cr.fetchone()[0]:
                leftovers[table] = count
        for table, column in _company_dependent_columns(env):
            cr.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" ? %s', [str(cid)])
            if count := cr.fetchone()[0]:
                leftovers[f"{table}.{column}"] = count
        counts = cls._table_counts(cr)
        leftovers.update(
            {
                f"{table} (rows before/after)": (cls.counts_before[table], counts[table])
                for table in COUNTED_TABLES
                if counts[table] != cls.counts_before[table]
            }
        )
        if set(env.ref("base.user_root").group_ids.ids) != cls.superuser_groups:
            leftovers["superuser groups"] = True
        return leftovers


@tagged("post_install", "-at_install")
class TestWalletConcurrency(CommittedFrenchCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = _env(cls.registry, cr, cls.company_id)
            company = env["res.company"].browse(cls.company_id)
            cls.wallet_id = company._chorus_wallet().id
            partner = env["res.partner"].create({"name": "Acheteur public (test de concurrence)"})
            cls.created["res.partner"].add(partner.id)
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

    def _set_available(self, tokens):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr, self.company_id)
            wallet = env["chorus.token.wallet"].browse(self.wallet_id)
            if wallet.available != tokens:
                wallet._correct(tokens - wallet.available, "Concurrency test setup")

    def _wallet_state(self):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr, self.company_id)
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
        held_start = self._wallet_state()[1]
        barrier = threading.Barrier(PARALLEL)

        def deposit(move_id):
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr, self.company_id)
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
        self.assertEqual((available, held - held_start), (0, 0))
        self.assertEqual(balance, ledger_sum)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), COUNT(DISTINCT move_id) FROM chorus_token_ledger"
                " WHERE company_id = %s AND kind = 'debit'",
                [self.company_id],
            )
            self.assertEqual(cr.fetchone(), (TOKENS, TOKENS))

    @mute_logger("odoo.sql_db", "odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet")
    def test_same_voucher_redeemed_concurrently_credits_once(self):
        with self.registry.cursor() as cr:
            env = _env(self.registry, cr, self.company_id)
            company = env["res.company"].browse(self.company_id)
            # A voucher the sandbox vendor really sold and was paid for (registration committed).
            vendor = company._chorus_vendor_client("sandbox")
            cr.commit()  # pylint: disable=invalid-commit
            order = vendor.create_order(pack_code="pack_200", environment="sandbox")
            self.sandbox.control.pay_order(order["order_id"])
            voucher = vendor.order_status(order["order_id"])["voucher"]
        balance_before = self._wallet_state()[0]
        workers = 4
        barrier = threading.Barrier(workers)

        def redeem(_index):
            with self.registry.cursor() as cr:
                env = _env(self.registry, cr, self.company_id)
                wallet = env["chorus.token.wallet"].browse(self.wallet_id)
                barrier.wait(timeout=30)
                (kind, _message), _tries = _retrying(cr, lambda: wallet._redeem(voucher))
                return kind

        with ThreadPoolExecutor(max_workers=workers) as executor:
            kinds = sorted(executor.map(redeem, range(workers)))
        _logger.info("One voucher redeemed by %s threads at once: %s", workers, ", ".join(kinds))
        self.assertEqual(kinds, ["success"] + ["warning"] * (workers - 1))
        self.assertEqual(self._wallet_state()[0], balance_before + 200)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM chorus_token_ledger WHERE voucher_id = %s",
                [voucher["payload"]["voucher_id"]],
            )
            self.assertEqual(cr.fetchone()[0], 1)
