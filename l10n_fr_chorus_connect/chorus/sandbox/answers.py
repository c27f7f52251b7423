"""Chorus answer envelopes, pagination and the per-request context handed to route handlers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import SandboxConfig
from .seed import SeedAccount

OK_LABEL = "TRA_MSG_00.000"
FLOW_NOT_FOUND = (20001, "POQ_MSG_01.003 - Flux introuvable.")


@dataclass
class Context:
    """What a handler may use: the open transaction, sandbox time, settings and the caller."""

    db: object
    now: float
    config: SandboxConfig
    flow_delay: float
    step_delay: float
    account: SeedAccount | None = None
    base_url: str = ""


def ok(**fields) -> dict:
    return {"codeRetour": 0, "libelle": OK_LABEL, **fields}


def error(code: int, label: str, **fields) -> dict:
    return {"codeRetour": code, "libelle": label, **fields}


def missing(key: str) -> dict:
    return error(20002, f"TRA_MSG_00.002 - Le parametre {key} est obligatoire.")


def page_request(
    ctx: Context, params, page_key: str = "pageResultatDemandee", size_key: str = "nbResultatsParPage"
):
    """(page, size) from a pagination object; default 10 per page like Chorus."""
    params = params if isinstance(params, dict) else {}
    try:
        size = int(params.get(size_key) or ctx.config.default_page_size)
    except (TypeError, ValueError):
        size = ctx.config.default_page_size
    try:
        page = int(params.get(page_key) or 1)
    except (TypeError, ValueError):
        page = 1
    return max(page, 1), min(max(size, 1), ctx.config.max_page_size)


def paginate(items: list, page: int, size: int):
    """The items of ``page`` and the ``parametresRetour`` describing it."""
    total = len(items)
    chunk = items[(page - 1) * size : page * size]
    return chunk, {
        "pageCourante": page,
        "pages": math.ceil(total / size),
        "nbResultatsParPage": size,
        "total": total,
    }


def money(value) -> float | None:
    return float(value) if value not in (None, "") else None
