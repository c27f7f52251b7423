"""Read-only lookups over the seeded directory (structures, services, engagements, accounts).

The directory never changes while the sandbox runs, so it lives in memory rather than in SQLite:
every process sharing a sandbox database imports the same constants.
"""

from __future__ import annotations

from . import seed

_BY_SIRET = {structure.siret: structure for structure in seed.STRUCTURES}
_BY_ID = {structure.structure_id: structure for structure in seed.STRUCTURES}
_ACCOUNTS = {account.login: account for account in seed.ACCOUNTS}


def structure_by_siret(siret: str) -> seed.SeedStructure | None:
    return _BY_SIRET.get((siret or "").strip())


def structure_by_id(structure_id) -> seed.SeedStructure | None:
    try:
        return _BY_ID.get(int(structure_id))
    except (TypeError, ValueError):
        return None


def all_structures() -> tuple[seed.SeedStructure, ...]:
    return seed.STRUCTURES


def service_by_code(structure: seed.SeedStructure, code: str) -> seed.SeedService | None:
    for service in structure.services:
        if service.code == code:
            return service
    return None


def service_by_id(structure: seed.SeedStructure, service_id) -> seed.SeedService | None:
    for service in structure.services:
        if str(service.service_id) == str(service_id):
            return service
    return None


def account(login: str) -> seed.SeedAccount | None:
    return _ACCOUNTS.get(login)


def engagements() -> tuple[seed.SeedEngagement, ...]:
    return seed.ENGAGEMENT_RECORDS
