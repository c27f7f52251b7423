"""The token vendor: orders, a tiny payment page, and Ed25519-signed vouchers once paid.

The sandbox vendor signs with :data:`chorus.vouchers.SANDBOX_VENDOR_PRIVATE_KEY`, a key everybody
can derive, which the addon trusts only for companies in sandbox mode.
"""

from __future__ import annotations

import html
import json
import uuid
from decimal import Decimal, InvalidOperation

from ..vouchers import SANDBOX_VENDOR_PRIVATE_KEY, sign_voucher
from . import clock

PENDING = "pending"
PAID = "paid"
# The « Payer » form posts back to the page's own address; a host may add fields after it (CSRF).
PAY_FORM = '<form method="post">'


class VendorError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def create_order(db, now: float, body: dict, base_url: str) -> dict:
    company_ref = str(body.get("company_ref") or "").strip()
    pack_code = str(body.get("pack_code") or "").strip()
    tokens = body.get("tokens")
    if not company_ref or not pack_code:
        raise VendorError(400, "company_ref and pack_code are required")
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0:
        raise VendorError(400, "tokens must be a positive integer")
    try:
        amount = Decimal(str(body.get("amount")))
    except InvalidOperation as err:
        raise VendorError(400, "amount must be a number") from err
    if not amount.is_finite() or amount < 0:
        raise VendorError(400, "amount must be a positive number")
    if body.get("currency", "EUR") != "EUR":
        raise VendorError(400, "only EUR is accepted")
    order_id = f"ORD-{uuid.uuid4().hex[:16].upper()}"
    db.execute(
        "INSERT INTO orders (id, company_ref, pack_code, tokens, amount, currency, status, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'EUR', ?, ?)",
        (order_id, company_ref, pack_code, tokens, str(amount), PENDING, now),
    )
    return {"order_id": order_id, "payment_url": f"{base_url}/vendor/pay/{order_id}", "status": PENDING}


def _order(db, order_id: str):
    row = db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    if row is None:
        raise VendorError(404, f"unknown order {order_id}")
    return row


def order_status(db, order_id: str) -> dict:
    row = _order(db, order_id)
    answer = {
        "order_id": row["id"],
        "status": row["status"],
        "pack_code": row["pack_code"],
        "tokens": row["tokens"],
        "amount": row["amount"],
        "currency": row["currency"],
    }
    if row["voucher"]:
        answer["voucher"] = json.loads(row["voucher"])
    return answer


def pay(db, now: float, order_id: str) -> dict:
    """Mark the order paid and sign its voucher; paying twice keeps the first voucher."""
    row = _order(db, order_id)
    if row["status"] != PAID:
        payload = {
            "voucher_id": f"VCH-{uuid.uuid4().hex.upper()}",
            "order_id": row["id"],
            "company_ref": row["company_ref"],
            "pack_code": row["pack_code"],
            "tokens": row["tokens"],
            "issued_at": clock.fmt_utc(now),
            "environment": "sandbox",
        }
        voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, payload)
        db.execute(
            "UPDATE orders SET status = ?, paid_at = ?, voucher = ? WHERE id = ?",
            (PAID, now, json.dumps(voucher), order_id),
        )
    return order_status(db, order_id)


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
        f"{html.escape(row['amount'])} € HT.</p>{action}</body></html>"
    )
