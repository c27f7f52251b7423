"""Fault injection: switched on through ``/_sandbox/faults``, consumed by the next matching calls.

``route`` is an API operation (``"factures/v1/deposer/flux"``), ``"token"`` for the PISTE token
endpoint, or ``"*"`` for any of them. Each call consumes at most one fault, oldest first; ``times``
counts how many calls it hits (0 or less: until ``/_sandbox/faults/clear``).

What each fault does:

* ``timeout``: the call is processed and committed, then the answer is held ``delay`` seconds
  (default :attr:`SandboxConfig.timeout_delay`, 35 s) — the client gives up first, and on a
  deposit the outcome is unknown to it although Chorus has the flow. Released early on shutdown.
* ``drop_after_accept``: processed and committed, then the socket is closed without an answer.

The token vendor's routes (``"vendor/v2/orders"``...) play ``timeout`` and ``drop_after_accept``
only, and only when the fault names them (``"*"`` never reaches the vendor).
* ``malformed_json``: processed and committed, then a truncated JSON body is sent with HTTP 200.
* ``http_500`` / ``http_503``: gateway error, nothing processed.
* ``rate_limit``: HTTP 429 with ``Retry-After: retry_after`` (default 2), nothing processed.
* ``expire_token``: the bearer presented by this call is expired from now on: HTTP 401.
* ``business_error_400``: HTTP 400 with ``{"codeRetour", "libelle"}`` (``code``/``libelle``
  parameters), nothing processed.
* ``page_cap``: a search serves ``size`` (default 10) items a page whatever size was asked.
* ``page_repeat``: a search answers its first page whatever page was asked.
* ``no_password_expiry``: ``structures/v1/consulter`` answers without
  ``dateExpirationMotPasseCompteTech`` (the Swagger does not make it mandatory).
* ``invalid_client``: the token endpoint answers HTTP 400 ``invalid_client`` to valid credentials
  (``status`` 401 for the other form PISTE is reported to use), as PISTE does to some bursts.

Every delay a fault asks for (``delay``, ``retry_after``) is capped at :data:`MAX_DELAY` seconds,
when the fault is stored and again when it is applied (a file written by an older sandbox may hold
more): a fault can make one call outlast the client's 30 s timeout, never hold a thread for hours.
The sandbox's ``flow_delay``/``step_delay`` are not waits: they are sandbox-clock time after which
a status shows up, and no request ever sleeps on them.
"""

from __future__ import annotations

import json

TIMEOUT = "timeout"
DROP_AFTER_ACCEPT = "drop_after_accept"
HTTP_500 = "http_500"
HTTP_503 = "http_503"
RATE_LIMIT = "rate_limit"
EXPIRE_TOKEN = "expire_token"
MALFORMED_JSON = "malformed_json"
BUSINESS_ERROR_400 = "business_error_400"
PAGE_CAP = "page_cap"
PAGE_REPEAT = "page_repeat"
NO_PASSWORD_EXPIRY = "no_password_expiry"
INVALID_CLIENT = "invalid_client"
FAULTS = (
    TIMEOUT,
    DROP_AFTER_ACCEPT,
    HTTP_500,
    HTTP_503,
    RATE_LIMIT,
    EXPIRE_TOKEN,
    MALFORMED_JSON,
    BUSINESS_ERROR_400,
    PAGE_CAP,
    PAGE_REPEAT,
    NO_PASSWORD_EXPIRY,
    INVALID_CLIENT,
)

# Answered instead of processing the call.
REFUSING = (HTTP_500, HTTP_503, RATE_LIMIT, BUSINESS_ERROR_400, INVALID_CLIENT)
# Handed to the operation, which plays them in its answer.
HANDED_TO_OPERATION = (PAGE_CAP, PAGE_REPEAT, NO_PASSWORD_EXPIRY)

# Seconds: above the client's 30 s timeout (chorus.client), so a timeout is still a timeout.
MAX_DELAY = 60.0
DELAY_PARAMS = ("delay", "retry_after")

TOKEN_ROUTE = "token"
ANY_ROUTE = "*"


def add(db, route: str, fault: str, times: int = 1, **params) -> int:
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
    for key in DELAY_PARAMS:
        if key in params and capped_delay(params[key]) == MAX_DELAY:
            params[key] = MAX_DELAY
    cursor = db.execute(
        "INSERT INTO faults (route, fault, remaining, params) VALUES (?, ?, ?, ?)",
        (route or ANY_ROUTE, fault, int(times), json.dumps(params)),
    )
    return cursor.lastrowid


def capped_delay(value) -> float:
    """``value`` seconds, at most :data:`MAX_DELAY`; ValueError when it is not a number >= 0."""
    try:
        seconds = float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"a delay must be a number of seconds, not {value!r}") from err
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"a delay must be between 0 and {MAX_DELAY:g} seconds, not {value!r}")
    return min(seconds, MAX_DELAY)


def clear(db) -> None:
    db.execute("DELETE FROM faults")


def take(db, route: str, *, any_route: bool = True):
    """Consume the oldest fault matching ``route`` (or ``"*"`` when ``any_route``): ``(fault, params)``
    or ``(None, {})``."""
    rows = db.execute(
        "SELECT id, fault, remaining, params FROM faults WHERE route IN (?, ?) ORDER BY id",
        (route, ANY_ROUTE if any_route else route),
    ).fetchall()
    for row in rows:
        if row["fault"] == EXPIRE_TOKEN and route == TOKEN_ROUTE:
            continue
        if row["remaining"] == 1:
            db.execute("DELETE FROM faults WHERE id = ?", (row["id"],))
        elif row["remaining"] > 1:
            db.execute("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", (row["id"],))
        return row["fault"], json.loads(row["params"])
    return None, {}


def pending(db) -> list[dict]:
    rows = db.execute("SELECT route, fault, remaining, params FROM faults ORDER BY id").fetchall()
    return [
        {"route": row["route"], "fault": row["fault"], "times": row["remaining"], **json.loads(row["params"])}
        for row in rows
    ]
