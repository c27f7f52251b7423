"""SQLite state of the sandbox, safe to share between threads and processes.

A file database uses WAL, a busy timeout and ``BEGIN IMMEDIATE`` (every request writes at least its
call counter), so Odoo workers in several processes see one consistent sandbox. ``":memory:"``
keeps a single connection behind a lock: an in-memory database cannot be shared between
connections without SQLite's shared cache, whose table locks ignore the busy timeout.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, client_id TEXT NOT NULL, expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT, route TEXT NOT NULL, fault TEXT NOT NULL,
    remaining INTEGER NOT NULL, params TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS stats (route TEXT PRIMARY KEY, calls INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS scenarios (invoice_number TEXT PRIMARY KEY, scenario TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flows (
    id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT UNIQUE, supplier_siret TEXT NOT NULL,
    file_name TEXT NOT NULL, syntax TEXT NOT NULL, interface_code TEXT NOT NULL,
    deposited_at REAL NOT NULL, ready_at REAL NOT NULL, final_state TEXT NOT NULL,
    invoice_errors TEXT NOT NULL DEFAULT '[]', technical_errors TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY, flow_id INTEGER NOT NULL REFERENCES flows(id), number TEXT NOT NULL,
    supplier_siret TEXT NOT NULL, buyer_siret TEXT NOT NULL, service_code TEXT NOT NULL DEFAULT '',
    engagement TEXT NOT NULL DEFAULT '', market TEXT NOT NULL DEFAULT '', type_code TEXT NOT NULL,
    issue_date TEXT, amount_untaxed TEXT, amount_total TEXT, amount_due TEXT, currency TEXT,
    scenario TEXT NOT NULL DEFAULT 'normal', integrated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS invoices_supplier_number ON invoices (supplier_siret, number);
CREATE INDEX IF NOT EXISTS invoices_flow ON invoices (flow_id);
CREATE TABLE IF NOT EXISTS invoice_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    status TEXT NOT NULL, at REAL NOT NULL, comment TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS invoice_events_invoice ON invoice_events (invoice_id, at);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT, supplier_siret TEXT NOT NULL, name TEXT NOT NULL,
    size INTEGER NOT NULL, invoice_id INTEGER REFERENCES invoices(id), designation TEXT);
CREATE TABLE IF NOT EXISTS vendor_customers (
    id TEXT PRIMARY KEY, company_ref TEXT NOT NULL UNIQUE, salt BLOB NOT NULL, secret_hash BLOB NOT NULL,
    profile TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS vendor_orders (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, company_ref TEXT NOT NULL, pack_code TEXT NOT NULL,
    tokens INTEGER NOT NULL, amount_untaxed TEXT NOT NULL, amount_tax TEXT NOT NULL,
    amount_total TEXT NOT NULL, environment TEXT NOT NULL, status TEXT NOT NULL, created_at REAL NOT NULL,
    paid_at REAL, voucher TEXT, voucher_id TEXT UNIQUE, invoice TEXT, redeemed_at REAL, request_id TEXT);
CREATE TABLE IF NOT EXISTS vendor_corrections (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, voucher_id TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL,
    voucher TEXT NOT NULL, created_at REAL NOT NULL);
"""

STATE_TABLES = (
    "tokens",
    "faults",
    "stats",
    "scenarios",
    "files",
    "invoice_events",
    "invoices",
    "flows",
    "vendor_corrections",
    "vendor_orders",
    "vendor_customers",
)


class Store:
    """Hands out one transaction at a time per connection: ``with store.transaction() as db: ...``."""

    def __init__(self, db_path: str = ":memory:", *, busy_timeout: float = 30.0):
        self.db_path = db_path
        self.busy_timeout = busy_timeout
        self._memory = db_path in ("", ":memory:")
        self._lock = threading.RLock() if self._memory else None
        self._pool: queue.LifoQueue = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._shared = self._connect() if self._memory else None
        self._create_schema()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            ":memory:" if self._memory else self.db_path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        if not self._memory:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _create_schema(self) -> None:
        with self.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            # A store written before the order idempotency key (contract v2 §3) gains its column.
            columns = {row["name"] for row in db.execute("PRAGMA table_info(vendor_orders)")}
            if "request_id" not in columns:
                db.execute("ALTER TABLE vendor_orders ADD COLUMN request_id TEXT")
            db.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS vendor_orders_request"
                " ON vendor_orders (customer_id, request_id)"
            )

    @contextlib.contextmanager
    def _connection(self):
        if self._memory:
            with self._lock:
                yield self._shared
            return
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # a failed COMMIT leaves it open; never hand that out again
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            self._pool.put(conn)

    @contextlib.contextmanager
    def transaction(self):
        """A ``BEGIN IMMEDIATE`` transaction, committed on success, rolled back on error."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def wipe(self, db) -> None:
        for table in STATE_TABLES:
            db.execute(f"DELETE FROM {table}")
        db.execute(
            "DELETE FROM sqlite_sequence"
            " WHERE name IN ('faults', 'flows', 'invoice_events', 'vendor_corrections')"
        )
        db.execute("DELETE FROM settings WHERE key LIKE 'vendor\\_%' ESCAPE '\\'")

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()


def get_setting(db, key: str, default=None):
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else default


def set_setting(db, key: str, value) -> None:
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )
