# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SIRET numbers and Chorus Pro service codes: the one place their rules live.

Answers are codes (like :mod:`chorus.diagnosis`); the caller turns them into sentences.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siret as stdnum_siret

from .values import PUBLIC_INVOICES_SERVICE

SIRET_LENGTH = "length"
SIRET_FORMAT = "format"
SIRET_CHECKSUM = "checksum"
SIRET_INVALID = "invalid"

SERVICE_RESERVED = "reserved"
SERVICE_TOO_LONG = "too_long"
# The longest service code accepted before a deposit (the published Swagger sets no bound).
SERVICE_CODE_MAX_LENGTH = 100

_SIRET_LIKE = re.compile(r"[\d\s.]+")


def compact_siret(value: str | None) -> str:
    """``value`` without the spaces and dots a user may type ('' for nothing)."""
    return stdnum_siret.compact(value) if value else ""


def normalize_registry(value: str | None) -> str | None:
    """A company registry number: compacted when it is written like a SIRET, else unchanged.

    Other countries' registry numbers keep their own formatting.
    """
    if value and _SIRET_LIKE.fullmatch(value):
        compact = compact_siret(value)
        if len(compact) == 14:
            return compact
    return value


def siret_error(value: str | None) -> str | None:
    """Why ``value`` is not a valid SIRET (one of the ``SIRET_*`` codes), or None."""
    if not value:
        return SIRET_LENGTH
    try:
        stdnum_siret.validate(value)
    except InvalidLength:
        return SIRET_LENGTH
    except InvalidFormat:
        return SIRET_FORMAT
    except InvalidChecksum:
        return SIRET_CHECKSUM
    except ValidationError:
        return SIRET_INVALID
    return None


def clean_service_code(code: str | None) -> str:
    return (code or "").strip()


def service_code_error(code: str | None) -> str | None:
    """Why a supplier may not invoice the service ``code`` (``SERVICE_*`` codes), or None.

    FACTURES_PUBLIQUES receives invoices between public bodies only; Chorus Pro rejects it
    from a supplier.
    """
    code = clean_service_code(code)
    if code == PUBLIC_INVOICES_SERVICE:
        return SERVICE_RESERVED
    if len(code) > SERVICE_CODE_MAX_LENGTH:
        return SERVICE_TOO_LONG
    return None
