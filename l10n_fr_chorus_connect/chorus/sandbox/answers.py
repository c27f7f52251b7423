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
    # A fault the operation plays itself (paging, omitted fields) and its parameters.
    fault: tuple = (None, {})


def ok(**fields) -> dict:
    return {"codeRetour": 0, "libelle": OK_LABEL, **fields}


def error(code: int, label: str, **fields) -> dict:
    return {"codeRetour": code, "libelle": label, **fields}


def missing(key: str) -> dict:
    return error(20002, f"TRA_MSG_00.002 - Le parametre {key} est obligatoire.")


def page_request(
    ctx: Context,
    params,
    page_key: str = "pageResultatDemandee",
    size_key: str = "nbResultatsParPage",
    cap: int | None = None,
):
    """(page, size) from a pagination object; default 10 per page like Chorus, at most ``cap``.

    Paging faults: ``page_cap`` serves ``size`` items a page whatever was asked (a server capping
    or ignoring the size); ``page_repeat`` answers the first page whatever page was asked.
    """
    params = params if isinstance(params, dict) else {}
    try:
        size = int(params.get(size_key) or ctx.config.default_page_size)
    except (TypeError, ValueError):
        size = ctx.config.default_page_size
    try:
        page = int(params.get(page_key) or 1)
    except (TypeError, ValueError):
        page = 1
    size = min(max(size, 1), cap or ctx.config.max_page_size)
    fault, fault_params = ctx.fault
    if fault == "page_cap":
        size = max(int(fault_params.get("size", ctx.config.default_page_size)), 1)
    elif fault == "page_repeat":
        page = 1
    return max(page, 1), size


def search_answer(ctx: Context, found: list, params, list_key: str, **paging) -> dict:
    """A paginated search answer, or the "no result" refusal when nothing matched."""
    if not found and ctx.config.empty_search == "no_result":
        return no_result()
    page, size = page_request(ctx, params, **paging)
    chunk, info = paginate(found, page, size)
    return ok(**{list_key: chunk, "parametresRetour": info})


def no_result() -> dict:
    """The answer of a search that found nothing (Pastell's CPPWrapper: codeRetour 20000)."""
    return error(20000, "TRA_MSG_00.015 - La recherche n'a retourne aucun resultat.")


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
