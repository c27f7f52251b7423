"""The token vendor of the sandbox, contract v2 (readme/VENDOR_API.rst).

Packs, registration (trust on first use), authenticated orders, a tiny payment page, Ed25519
vouchers once paid, redemption, refunds (control API) and the corrections they issue. It signs
with :data:`chorus.vouchers.SANDBOX_VENDOR_PRIVATE_KEY` (key id ``sandbox-1``), a key everybody
can derive, which the addon trusts only for the sandbox environment. Stricter than the real
vendor: only ``environment: sandbox`` is sold here, undocumented body keys are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import uuid
from decimal import Decimal

from ..vouchers import PURCHASE, REFUND, SANDBOX_KEY_ID, SANDBOX_VENDOR_PRIVATE_KEY, sign_voucher
from . import clock, store

PENDING = "pending"
PAID = "paid"
REFUNDED = "refunded"
VAT_RATE = Decimal("20.00")
# The four packs of the publisher (tokens, price tax excluded); French VAT on top.
PACKS = {"pack_200": (200, "100.00"), "pack_500": (500, "235.00"), "pack_1000": (1000, "450.00"),
         "pack_2500": (2500, "1000.00")}  # fmt: skip
# The « Payer » form posts back to the page's own address; a host may add fields after it (CSRF).
PAY_FORM = '<form method="post">'
REGISTRATION_KEYS = {
    "database_uuid", "company_id", "company_name", "siret", "vat", "email", "country_code", "street", "zip",
    "city",
}  # fmt: skip
ORDER_KEYS = {"pack_code", "environment"}
# Settings of the control API (``vendor/config``).
PAYMENT_AVAILABLE = "vendor_payment_available"
RATE_LIMITED = "vendor_rate_limited"
PRICES = "vendor_prices"
RETRY_AFTER = "30"


class VendorError(Exception):
    def __init__(self, status: int, message: str, code: str = "bad_request", headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _prices(db) -> dict:
    return {**{code: amount for code, (_tokens, amount) in PACKS.items()}, **json.loads(
        store.get_setting(db, PRICES, "{}"))}  # fmt: skip


def pack(db, code: str) -> dict:
    if code not in PACKS:
        raise VendorError(400, f"unknown pack {code}", "unknown_pack")
    untaxed = Decimal(_prices(db)[code])
    tax = (untaxed * VAT_RATE / 100).quantize(Decimal("0.01"))
    return {
        "code": code,
        "tokens": PACKS[code][0],
        "amount_untaxed": _money(untaxed),
        "amount_tax": _money(tax),
        "amount_total": _money(untaxed + tax),
    }


def packs(db) -> dict:
    return {"currency": "EUR", "vat_rate": str(VAT_RATE), "packs": [pack(db, code) for code in PACKS]}


def take_rate_limit(db) -> bool:
    """The control API can make the next calls answer 429, as the real vendor does under load."""
    remaining = int(store.get_setting(db, RATE_LIMITED, 0))
    if remaining > 0:
        store.set_setting(db, RATE_LIMITED, remaining - 1)
    return remaining > 0


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, 100_000)


def _check_keys(body: dict, allowed: set) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise VendorError(400, f"undocumented keys: {', '.join(unknown)}")


def register(db, now: float, body: dict) -> dict:
    _check_keys(body, REGISTRATION_KEYS)
    database_uuid = str(body.get("database_uuid") or "").strip()
    company_id = body.get("company_id")
    if not database_uuid or isinstance(company_id, bool) or not isinstance(company_id, int):
        raise VendorError(400, "database_uuid and company_id (integer) are required")
    if not str(body.get("company_name") or "").strip():
        raise VendorError(400, "company_name is required")
    siret = str(body.get("siret") or "")
    if siret and (len(siret) != 14 or not siret.isdigit()):
        raise VendorError(400, "siret must be 14 digits or empty")
    company_ref = f"{database_uuid}:{company_id}"
    if db.execute("SELECT 1 FROM vendor_customers WHERE company_ref = ?", (company_ref,)).fetchone():
        raise VendorError(409, f"{company_ref} is already registered", "already_registered")
    customer_id = f"CUS-{uuid.uuid4().hex}"
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    db.execute(
        "INSERT INTO vendor_customers (id, company_ref, salt, secret_hash, profile, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (customer_id, company_ref, salt, _hash(secret, salt), json.dumps(body), now),
    )
    return {"customer_id": customer_id, "secret": secret, "company_ref": company_ref}


def authenticate(db, authorization: str | None):
    """The customer row of ``Authorization: Bearer <customer_id>.<secret>``."""
    scheme, _space, credentials = (authorization or "").partition(" ")
    customer_id, _dot, secret = credentials.partition(".")
    if scheme != "Bearer" or not customer_id or not secret:
        raise VendorError(401, "Authorization: Bearer <customer_id>.<secret> is required", "bad_secret")
    row = db.execute("SELECT * FROM vendor_customers WHERE id = ?", (customer_id,)).fetchone()
    if row is None:
        raise VendorError(401, f"unknown customer {customer_id}", "unknown_customer")
    if not hmac.compare_digest(bytes(row["secret_hash"]), _hash(secret, bytes(row["salt"]))):
        raise VendorError(401, "wrong secret", "bad_secret")
    return row


def create_order(db, now: float, customer, body: dict, base_url: str) -> dict:
    _check_keys(body, ORDER_KEYS)
    if body.get("environment") != "sandbox":
        raise VendorError(400, "the sandbox vendor sells sandbox tokens only (environment: sandbox)")
    if store.get_setting(db, PAYMENT_AVAILABLE, 1) in (0, "0", False):
        raise VendorError(503, "no payment provider is available", "payment_unavailable")
    priced = pack(db, str(body.get("pack_code") or ""))
    order_id = f"ORD-{uuid.uuid4().hex[:16].upper()}"
    db.execute(
        "INSERT INTO vendor_orders (id, customer_id, company_ref, pack_code, tokens, amount_untaxed,"
        " amount_tax, amount_total, environment, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (order_id, customer["id"], customer["company_ref"], priced["code"], priced["tokens"],
         priced["amount_untaxed"], priced["amount_tax"], priced["amount_total"], "sandbox", PENDING, now),
    )  # fmt: skip
    return {
        **order_status(db, order_id, customer),
        "payment_url": f"{base_url}/vendor/pay/{order_id}",
    }


def _order(db, order_id: str, customer=None):
    row = db.execute("SELECT * FROM vendor_orders WHERE id = ?", (order_id,)).fetchone()
    if row is None or (customer is not None and row["customer_id"] != customer["id"]):
        raise VendorError(404, f"unknown order {order_id}", "unknown_order")
    return row


def order_status(db, order_id: str, customer=None) -> dict:
    row = _order(db, order_id, customer)
    return {
        "order_id": row["id"],
        "status": row["status"],
        "pack_code": row["pack_code"],
        "tokens": row["tokens"],
        "amount_untaxed": row["amount_untaxed"],
        "amount_tax": row["amount_tax"],
        "amount_total": row["amount_total"],
        "currency": "EUR",
        "invoice": row["invoice"],
        "voucher": json.loads(row["voucher"]) if row["voucher"] else None,
    }


def _sign(row, now: float, kind: str, tokens: int) -> dict:
    return sign_voucher(
        SANDBOX_VENDOR_PRIVATE_KEY,
        {
            "voucher_id": f"VCH-{uuid.uuid4().hex.upper()}",
            "order_id": row["id"],
            "company_ref": row["company_ref"],
            "pack_code": row["pack_code"],
            "tokens": tokens,
            "issued_at": clock.fmt_utc(now),
            "environment": row["environment"],
            "key_id": SANDBOX_KEY_ID,
            "kind": kind,
        },
    )


def pay(db, now: float, order_id: str) -> dict:
    """Mark the order paid, invoice it and sign its voucher; paying twice keeps the first voucher."""
    row = _order(db, order_id)
    if row["status"] == PENDING:
        voucher = _sign(row, now, PURCHASE, row["tokens"])
        number = db.execute("SELECT COUNT(*) FROM vendor_orders WHERE invoice IS NOT NULL").fetchone()[0] + 1
        db.execute(
            "UPDATE vendor_orders SET status = ?, paid_at = ?, voucher = ?, voucher_id = ?, invoice = ?"
            " WHERE id = ?",
            (PAID, now, json.dumps(voucher), voucher["payload"]["voucher_id"], f"SBX/{number:05d}", order_id),
        )
    elif row["status"] != PAID:
        raise VendorError(409, f"order {order_id} is {row['status']}", "bad_request")
    return order_status(db, order_id)


def redeem(db, now: float, customer, voucher_id: str) -> dict:
    row = db.execute("SELECT * FROM vendor_orders WHERE voucher_id = ?", (voucher_id,)).fetchone()
    if row is None or row["customer_id"] != customer["id"]:
        raise VendorError(404, f"unknown voucher {voucher_id}", "unknown_order")
    if row["status"] == REFUNDED and not row["redeemed_at"]:
        raise VendorError(410, f"voucher {voucher_id} was revoked: its order was refunded", "revoked")
    if not row["redeemed_at"]:
        db.execute("UPDATE vendor_orders SET redeemed_at = ? WHERE id = ?", (now, row["id"]))
    return {"status": "redeemed"}


def refund(db, now: float, order_id: str) -> dict:
    """Refund a paid order: its voucher is revoked if unused, else a refund voucher is issued."""
    row = _order(db, order_id)
    if row["status"] != PAID:
        raise VendorError(409, f"order {order_id} is {row['status']}, not paid", "bad_request")
    db.execute("UPDATE vendor_orders SET status = ? WHERE id = ?", (REFUNDED, order_id))
    if row["redeemed_at"]:
        correction = _sign(row, now, REFUND, -row["tokens"])
        db.execute(
            "INSERT INTO vendor_corrections (voucher_id, customer_id, voucher, created_at) VALUES (?, ?, ?, ?)",
            (correction["payload"]["voucher_id"], row["customer_id"], json.dumps(correction), now),
        )
        return {"status": REFUNDED, "correction": correction}
    return {"status": REFUNDED, "correction": None}


def corrections(db, customer, after: str) -> dict:
    start = 0
    if after:
        found = db.execute(
            "SELECT seq FROM vendor_corrections WHERE voucher_id = ? AND customer_id = ?", (after, customer["id"])
        ).fetchone()
        if found is None:
            raise VendorError(400, f"unknown correction {after}")
        start = found["seq"]
    rows = db.execute(
        "SELECT voucher FROM vendor_corrections WHERE customer_id = ? AND seq > ? ORDER BY seq",
        (customer["id"], start),
    ).fetchall()
    return {"corrections": [json.loads(row["voucher"]) for row in rows]}


def forget_customer(db, company_ref: str) -> dict:
    """What the publisher does from its back-office: the company may register again."""
    db.execute("DELETE FROM vendor_customers WHERE company_ref = ?", (company_ref,))
    return {"forgotten": company_ref}


def payment_page(db, order_id: str, done: bool = False) -> str:
    row = _order(db, order_id)
    title = "Paiement accepté" if done or row["status"] == PAID else "Paiement de votre pack de jetons"
    if row["status"] == PAID:
        action = "<p>Merci : le paiement est enregistré. Vous pouvez revenir dans Odoo.</p>"
    else:
        action = f'{PAY_FORM}<button type="submit" id="pay">Payer</button></form>'
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        "<p>Bac à sable : aucun paiement réel n'est effectué.</p>"
        f"<p>Commande {html.escape(row['id'])} : {row['tokens']} jetons ({html.escape(row['pack_code'])}), "
        f"{html.escape(row['amount_untaxed'])} € HT, {html.escape(row['amount_total'])} € TTC.</p>"
        f"{action}</body></html>"
    )
