"""Connection check, step by step, from the PISTE application to the password expiry.

Each step says whether it passed (``ok`` True/False, or None when skipped
because an earlier step failed), a raw ``detail`` (identifiers, dates, the
server's words) and a ``fix_code``. Human sentences live with the caller
(Odoo translates them, the CLI has :mod:`chorus.cli_messages`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .errors import AccessDeniedError, AuthenticationError, BusinessError, ChorusError, TransportError

STEP_TOKEN = "token"
STEP_ACCOUNT = "technical_account"
STEP_SUPPLIER = "supplier_structure"
STEP_BANK = "bank_account"
STEP_PASSWORD = "password_expiry"
STEPS = (STEP_TOKEN, STEP_ACCOUNT, STEP_SUPPLIER, STEP_BANK, STEP_PASSWORD)

FIX_PISTE_CREDENTIALS = "piste_credentials"
FIX_TECHNICAL_ACCOUNT = "technical_account"
FIX_API_SUBSCRIPTION = "api_subscription"
FIX_NETWORK = "network"
FIX_CHORUS_REFUSED = "chorus_refused"
FIX_NO_SUPPLIER_STRUCTURE = "no_supplier_structure"
FIX_SIRET_MISMATCH = "siret_mismatch"
FIX_BANK_ACCOUNT = "bank_account"
FIX_PASSWORD_EXPIRED = "password_expired"
FIX_PASSWORD_EXPIRES_SOON = "password_expires_soon"

PASSWORD_WARNING_DAYS = 30


@dataclass(frozen=True)
class DiagnosisStep:
    code: str
    ok: bool | None
    detail: str = ""
    fix_code: str = ""
    data: dict = field(default_factory=dict, compare=False)


def _failure(code: str, error: ChorusError) -> DiagnosisStep:
    if isinstance(error, AuthenticationError):
        fix = FIX_TECHNICAL_ACCOUNT if error.party == AuthenticationError.ACCOUNT else FIX_PISTE_CREDENTIALS
        return DiagnosisStep(code, False, error.detail or error.message, fix)
    if isinstance(error, AccessDeniedError):
        return DiagnosisStep(code, False, error.endpoint, FIX_API_SUBSCRIPTION)
    if isinstance(error, TransportError):
        return DiagnosisStep(code, False, error.message, FIX_NETWORK)
    if isinstance(error, BusinessError):
        return DiagnosisStep(code, False, f"{error.code} {error.label}".strip(), FIX_CHORUS_REFUSED)
    return DiagnosisStep(code, False, error.message, FIX_CHORUS_REFUSED)


def _skipped(codes) -> list[DiagnosisStep]:
    return [DiagnosisStep(code, None) for code in codes]


def run_diagnosis(client, *, supplier_siret=None, today: datetime.date | None = None) -> list[DiagnosisStep]:
    """Run every step in order; a failed step skips the ones that depend on it."""
    today = today or datetime.date.today()
    steps = []
    try:
        client.fetch_token()
        steps.append(DiagnosisStep(STEP_TOKEN, True, client.client_id))
    except ChorusError as error:
        return [_failure(STEP_TOKEN, error), *_skipped(STEPS[1:])]

    try:
        rates = client.vat_rates()
        steps.append(DiagnosisStep(STEP_ACCOUNT, True, client.login, data={"vat_rates": len(rates)}))
    except ChorusError as error:
        return [*steps, _failure(STEP_ACCOUNT, error), *_skipped(STEPS[2:])]

    try:
        structures = client.supplier_structures()
    except ChorusError as error:
        return [*steps, _failure(STEP_SUPPLIER, error), *_skipped(STEPS[3:])]
    if not structures:
        return [
            *steps,
            DiagnosisStep(STEP_SUPPLIER, False, "", FIX_NO_SUPPLIER_STRUCTURE),
            *_skipped(STEPS[3:]),
        ]
    found = ", ".join(s.identifier for s in structures)
    supplier = (
        next((s for s in structures if s.identifier == supplier_siret), None)
        if supplier_siret
        else structures[0]
    )
    if supplier is None:
        step = DiagnosisStep(
            STEP_SUPPLIER,
            False,
            found,
            FIX_SIRET_MISMATCH,
            data={"expected": supplier_siret, "found": [s.identifier for s in structures]},
        )
        return [*steps, step, *_skipped(STEPS[3:])]
    steps.append(
        DiagnosisStep(
            STEP_SUPPLIER,
            True,
            f"{supplier.identifier} {supplier.name}".strip(),
            data={"structure_id": supplier.structure_id, "siret": supplier.identifier, "name": supplier.name},
        )
    )

    steps.append(_bank_step(client, supplier.structure_id))
    steps.append(_password_step(client, supplier.structure_id, today))
    return steps


def _bank_step(client, structure_id) -> DiagnosisStep:
    try:
        accounts = client.bank_accounts(structure_id)
    except ChorusError as error:
        return _failure(STEP_BANK, error)
    if not accounts:
        return DiagnosisStep(STEP_BANK, False, "", FIX_BANK_ACCOUNT)
    names = ", ".join(account.name or str(account.bank_account_id) for account in accounts)
    return DiagnosisStep(STEP_BANK, True, names, data={"count": len(accounts)})


def _password_step(client, structure_id, today) -> DiagnosisStep:
    try:
        expiry = client.structure_details(structure_id).password_expiry
    except ChorusError as error:
        return _failure(STEP_PASSWORD, error)
    if expiry is None:
        return DiagnosisStep(STEP_PASSWORD, None, "")
    days_left = (expiry.date() - today).days
    data = {"expiry": expiry.date().isoformat(), "days_left": days_left}
    if days_left < 0:
        return DiagnosisStep(STEP_PASSWORD, False, data["expiry"], FIX_PASSWORD_EXPIRED, data=data)
    if days_left <= PASSWORD_WARNING_DAYS:
        return DiagnosisStep(STEP_PASSWORD, False, data["expiry"], FIX_PASSWORD_EXPIRES_SOON, data=data)
    return DiagnosisStep(STEP_PASSWORD, True, data["expiry"], data=data)
