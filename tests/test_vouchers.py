"""Ed25519 vouchers: canonical payload, signing, verification, tampering."""

import base64
import copy
import doctest
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chorus import vouchers
from chorus.vouchers import (
    PRODUCTION_VENDOR_PUBLIC_KEY,
    SANDBOX_VENDOR_PRIVATE_KEY,
    SANDBOX_VENDOR_PUBLIC_KEY,
    InvalidVoucher,
    canonical_payload,
    public_key_b64,
    sign_voucher,
    verify_voucher,
)

PAYLOAD = {
    "voucher_id": "VCH-1",
    "order_id": "ORD-1",
    "company_ref": "société-1",
    "pack_code": "pack_200",
    "tokens": 200,
    "issued_at": "2026-11-25T06:00:00+00:00",
    "environment": "sandbox",
}


def test_doctests():
    assert doctest.testmod(vouchers).failed == 0


def test_canonical_payload_is_sorted_compact_utf8():
    raw = canonical_payload(PAYLOAD)
    assert raw.startswith(b'{"company_ref":"soci\xc3\xa9t\xc3\xa9-1","environment":"sandbox","issued_at"')
    assert b" " not in raw.replace(b"soci", b"")
    assert canonical_payload(dict(reversed(list(PAYLOAD.items())))) == raw


def test_sign_then_verify_returns_the_payload():
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    assert set(voucher) == {"payload", "signature"}
    assert len(base64.b64decode(voucher["signature"])) == 64
    assert verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, voucher) == PAYLOAD
    assert verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, json.dumps(voucher)) == PAYLOAD


def test_sandbox_key_is_derived_from_a_fixed_seed():
    expected = Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"l10n_fr_chorus_connect sandbox vendor").digest()
    )
    assert public_key_b64(expected) == SANDBOX_VENDOR_PUBLIC_KEY
    raw_seed = hashlib.sha256(b"l10n_fr_chorus_connect sandbox vendor").digest()
    assert sign_voucher(raw_seed, PAYLOAD) == sign_voucher(
        SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD
    )  # Ed25519 is deterministic


def test_production_key_is_a_real_public_key_different_from_sandbox():
    assert len(base64.b64decode(PRODUCTION_VENDOR_PUBLIC_KEY)) == 32
    assert PRODUCTION_VENDOR_PUBLIC_KEY != SANDBOX_VENDOR_PUBLIC_KEY
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    with pytest.raises(InvalidVoucher, match="does not match"):
        verify_voucher(PRODUCTION_VENDOR_PUBLIC_KEY, voucher)


@pytest.mark.parametrize(
    "field, value", [("tokens", 2000), ("company_ref", "other"), ("environment", "production")]
)
def test_tampered_payload_is_refused(field, value):
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    voucher["payload"][field] = value
    with pytest.raises(InvalidVoucher):
        verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, voucher)


def test_tampered_or_garbage_signature_is_refused():
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    signature = bytearray(base64.b64decode(voucher["signature"]))
    signature[0] ^= 1
    for bad in (
        base64.b64encode(bytes(signature)).decode(),
        "!!not base64!!",
        "",
        base64.b64encode(b"short").decode(),
    ):
        forged = copy.deepcopy(voucher)
        forged["signature"] = bad
        with pytest.raises(InvalidVoucher):
            verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, forged)


def test_voucher_forged_with_another_key_is_refused():
    forged = sign_voucher(Ed25519PrivateKey.generate(), PAYLOAD)
    with pytest.raises(InvalidVoucher):
        verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, forged)


@pytest.mark.parametrize(
    "voucher",
    [
        None,
        "not json",
        [],
        {"payload": PAYLOAD},
        {"payload": {**PAYLOAD, "extra": 1}, "signature": "AA=="},
        {"payload": {k: v for k, v in PAYLOAD.items() if k != "tokens"}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "tokens": True}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "tokens": -5}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "order_id": ""}, "signature": "AA=="},
    ],
)
def test_malformed_vouchers_are_refused(voucher):
    with pytest.raises(InvalidVoucher):
        verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, voucher)


def test_bad_public_key_is_refused():
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    with pytest.raises(InvalidVoucher):
        verify_voucher("not-a-key", voucher)


def test_signing_refuses_incomplete_payload():
    with pytest.raises(InvalidVoucher):
        sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, {"tokens": 1})
