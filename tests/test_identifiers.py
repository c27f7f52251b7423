# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SIRET and service-code rules shared by partners, companies, invoices and the pre-flight."""

import pytest

from chorus import identifiers
from chorus.identifiers import (
    SERVICE_RESERVED,
    SERVICE_TOO_LONG,
    SIRET_CHECKSUM,
    SIRET_FORMAT,
    SIRET_LENGTH,
)

VALID = "21750001600019"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID, None),
        ("217 500 016 00019", None),
        ("2175000160001", SIRET_LENGTH),
        ("2175000160001A", SIRET_FORMAT),
        ("21750001600018", SIRET_CHECKSUM),
        ("", SIRET_LENGTH),
        (None, SIRET_LENGTH),
    ],
)
def test_siret_error(value, expected):
    assert identifiers.siret_error(value) == expected


def test_compact_siret():
    assert identifiers.compact_siret("217 500.016 00019") == VALID
    assert identifiers.compact_siret(None) == ""


def test_registry_keeps_foreign_numbers():
    assert identifiers.normalize_registry("217 500 016 00019") == VALID
    assert identifiers.normalize_registry("HRB 12345") == "HRB 12345"
    assert identifiers.normalize_registry("123 456") == "123 456"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("SERV-COMPTA", None),
        (" FACTURES_PUBLIQUES ", SERVICE_RESERVED),
        ("X" * 101, SERVICE_TOO_LONG),
        ("X" * 100, None),
        ("", None),
    ],
)
def test_service_code_error(code, expected):
    assert identifiers.service_code_error(code) == expected
