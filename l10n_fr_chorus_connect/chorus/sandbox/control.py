"""``/_sandbox/...``: the control API tests and demos use to steer the sandbox (no authentication)."""

from __future__ import annotations

import json

from . import clock, faults, flows, lifecycle, store, vendor
from .answers import Context


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _number(body: dict, key: str, default=None) -> float | None:
    value = body.get(key, default)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise ControlError(400, f"{key} must be a number") from err


def reset(ctx: Context, body: dict, app) -> dict:
    app.store.wipe(ctx.db)
    app.apply_config(ctx.db, reset=True)
    return {"status": "reset"}


def add_fault(ctx: Context, body: dict, app) -> dict:
    params = {key: value for key, value in body.items() if key not in ("route", "fault", "times")}
    try:
        times = int(body.get("times", 1))
    except (TypeError, ValueError) as err:
        raise ControlError(400, "times must be an integer") from err
    try:
        faults.add(ctx.db, body.get("route") or faults.ANY_ROUTE, body.get("fault"), times, **params)
    except ValueError as err:
        raise ControlError(400, str(err)) from err
    return {"faults": faults.pending(ctx.db)}


def clear_faults(ctx: Context, body: dict, app) -> dict:
    faults.clear(ctx.db)
    return {"faults": []}


def list_faults(ctx: Context, body: dict, app) -> dict:
    return {"faults": faults.pending(ctx.db)}


def advance_clock(ctx: Context, body: dict, app) -> dict:
    offset = float(store.get_setting(ctx.db, clock.OFFSET_KEY, 0.0))
    advance = _number(body, "advance", 0.0)
    if advance < 0:
        raise ControlError(400, "the sandbox clock only moves forward")
    offset += advance
    store.set_setting(ctx.db, clock.OFFSET_KEY, offset)
    now = clock.sandbox_now(offset)
    return {"offset": offset, "now": clock.fmt_iso(now), "timestamp": now}


def set_scenario(ctx: Context, body: dict, app) -> dict:
    number, scenario = body.get("invoice_number"), body.get("scenario", lifecycle.NORMAL)
    if not number:
        raise ControlError(400, "invoice_number is required")
    known = (*lifecycle.SCENARIOS, *flows.FLOW_SCENARIOS)
    if scenario not in known:
        raise ControlError(400, f"scenario must be one of {', '.join(known)}")
    ctx.db.execute(
        "INSERT INTO scenarios (invoice_number, scenario) VALUES (?, ?) "
        "ON CONFLICT(invoice_number) DO UPDATE SET scenario = excluded.scenario",
        (number, scenario),
    )
    return {"invoice_number": number, "scenario": scenario}


def set_invoice_status(ctx: Context, body: dict, app) -> dict:
    status = body.get("status")
    if status not in lifecycle.BUYER_STATUSES:
        raise ControlError(400, f"status must be one of {', '.join(lifecycle.BUYER_STATUSES)}")
    if body.get("chorus_id") is not None:
        row = ctx.db.execute(
            "SELECT id, integrated_at FROM invoices WHERE id = ?", (body["chorus_id"],)
        ).fetchone()
    else:
        row = ctx.db.execute(
            "SELECT id, integrated_at FROM invoices WHERE number = ? ORDER BY id DESC LIMIT 1",
            (body.get("invoice_number") or "",),
        ).fetchone()
    if row is None:
        raise ControlError(404, "unknown invoice (not deposited, or rejected at integration)")
    comment = body.get("comment") or lifecycle.BUYER_COMMENTS.get(status, "")
    at = lifecycle.act(ctx.db, row["id"], row["integrated_at"], ctx.now, status, comment)
    return {"chorus_id": row["id"], "status": status, "at": clock.fmt_iso(at), "comment": comment}


def stats(ctx: Context, body: dict, app) -> dict:
    rows = ctx.db.execute("SELECT route, calls FROM stats ORDER BY route").fetchall()
    return {"calls": {row["route"]: row["calls"] for row in rows}}


def clear_stats(ctx: Context, body: dict, app) -> dict:
    ctx.db.execute("DELETE FROM stats")
    return {"calls": {}}


def configure(ctx: Context, body: dict, app) -> dict:
    for key in ("flow_delay", "step_delay"):
        value = _number(body, key)
        if value is not None:
            if value < 0:
                raise ControlError(400, f"{key} must be positive")
            store.set_setting(ctx.db, key, value)
    return {
        "flow_delay": float(store.get_setting(ctx.db, "flow_delay")),
        "step_delay": float(store.get_setting(ctx.db, "step_delay")),
        "clock_offset": float(store.get_setting(ctx.db, clock.OFFSET_KEY, 0.0)),
    }


def pay_order(ctx: Context, body: dict, app) -> dict:
    try:
        return vendor.pay(ctx.db, ctx.now, str(body.get("order_id") or ""))
    except vendor.VendorError as err:
        raise ControlError(err.status, err.message) from err


def refund_order(ctx: Context, body: dict, app) -> dict:
    try:
        return vendor.refund(ctx.db, ctx.now, str(body.get("order_id") or ""))
    except vendor.VendorError as err:
        raise ControlError(err.status, err.message) from err


def forget_vendor_customer(ctx: Context, body: dict, app) -> dict:
    return vendor.forget_customer(ctx.db, str(body.get("company_ref") or ""))


def configure_vendor(ctx: Context, body: dict, app) -> dict:
    """``payment_available`` (bool), ``rate_limited`` (next N calls answer 429), ``prices``
    (``{pack_code: amount tax excluded}``, as the publisher changes its products), ``signer``
    (the sandbox plays the publisher's vendor for other environments with a test key)."""
    if "payment_available" in body:
        store.set_setting(ctx.db, vendor.PAYMENT_AVAILABLE, int(bool(body["payment_available"])))
    if "rate_limited" in body:
        store.set_setting(ctx.db, vendor.RATE_LIMITED, int(body["rate_limited"]))
    if "prices" in body:
        prices = body["prices"] or {}
        if not isinstance(prices, dict) or set(prices) - set(vendor.PACKS):
            raise ControlError(400, "prices maps known pack codes to amounts")
        store.set_setting(
            ctx.db, vendor.PRICES, json.dumps({code: str(amount) for code, amount in prices.items()})
        )
    if "signer" in body:
        signer = body["signer"] or {}
        if signer and not (signer.get("key_id") and signer.get("private_key") and signer.get("environments")):
            raise ControlError(400, "signer holds key_id, private_key (base64 raw) and environments")
        store.set_setting(ctx.db, vendor.SIGNER, json.dumps(signer))
    return vendor.packs(ctx.db)


ROUTES = {
    "reset": reset,
    "faults": add_fault,
    "faults/clear": clear_faults,
    "faults/list": list_faults,
    "clock": advance_clock,
    "scenario": set_scenario,
    "invoices/status": set_invoice_status,
    "stats": stats,
    "stats/clear": clear_stats,
    "config": configure,
    "vendor/pay": pay_order,
    "vendor/refund": refund_order,
    "vendor/customers/forget": forget_vendor_customer,
    "vendor/config": configure_vendor,
}
