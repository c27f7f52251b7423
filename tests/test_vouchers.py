"""Ed25519 vouchers: canonical payload, signing, verification, tampering."""

import base64
import copy
import doctest
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chorus import vouchers
from chorus.vouchers import (
    PRODUCTION_KEY_ID,
    PRODUCTION_VENDOR_PUBLIC_KEY,
    SANDBOX_KEY_ID,
    SANDBOX_VENDOR_PRIVATE_KEY,
    SANDBOX_VENDOR_PUBLIC_KEY,
    TRUSTED_VENDOR_KEYS,
    InvalidVoucher,
    canonical_payload,
    public_key_b64,
    sign_voucher,
    verify_trusted_voucher,
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
    "key_id": "sandbox-1",
    "kind": "purchase",
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
        {"payload": {**PAYLOAD, "kind": "gift"}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "kind": "refund"}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "tokens": 0}, "signature": "AA=="},
        {"payload": {**PAYLOAD, "environment": "staging"}, "signature": "AA=="},
        {"payload": {k: v for k, v in PAYLOAD.items() if k != "key_id"}, "signature": "AA=="},
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


# --- Trust by key id (contract v2) -----------------------------------------------------------------


def test_trusted_keys_sandbox_for_sandbox_only_production_key_for_the_others():
    assert TRUSTED_VENDOR_KEYS[SANDBOX_KEY_ID] == (SANDBOX_VENDOR_PUBLIC_KEY, {"sandbox"})
    assert TRUSTED_VENDOR_KEYS[PRODUCTION_KEY_ID] == (
        PRODUCTION_VENDOR_PUBLIC_KEY,
        {"qualification", "production"},
    )
    assert PRODUCTION_KEY_ID == "prod-2026-12"


def test_sandbox_voucher_is_trusted_for_sandbox_only():
    voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, PAYLOAD)
    assert verify_trusted_voucher(voucher, "sandbox") == PAYLOAD
    for environment in ("qualification", "production"):
        with pytest.raises(InvalidVoucher) as refused:
            verify_trusted_voucher(voucher, environment)
        assert refused.value.reason == "untrusted_environment"


def test_sandbox_key_claiming_the_production_key_id_is_forged():
    forged = sign_voucher(
        SANDBOX_VENDOR_PRIVATE_KEY, {**PAYLOAD, "environment": "production", "key_id": PRODUCTION_KEY_ID}
    )
    with pytest.raises(InvalidVoucher) as refused:
        verify_trusted_voucher(forged, "production")
    assert refused.value.reason == "signature"


def test_unknown_key_id_is_refused():
    voucher = sign_voucher(Ed25519PrivateKey.generate(), {**PAYLOAD, "key_id": "prod-2099-01"})
    with pytest.raises(InvalidVoucher) as refused:
        verify_trusted_voucher(voucher, "sandbox")
    assert refused.value.reason == "unknown_key"


def test_voucher_of_another_environment_is_refused_even_with_a_trusted_key():
    key = Ed25519PrivateKey.generate()
    trusted = {"k": (public_key_b64(key), frozenset({"qualification", "production"}))}
    voucher = sign_voucher(key, {**PAYLOAD, "environment": "qualification", "key_id": "k"})
    assert verify_trusted_voucher(voucher, "qualification", trusted)["environment"] == "qualification"
    with pytest.raises(InvalidVoucher) as refused:
        verify_trusted_voucher(voucher, "production", trusted)
    assert refused.value.reason == "environment"


def test_rotation_two_trusted_key_ids_both_verify_until_the_old_one_is_removed():
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    production = frozenset({"qualification", "production"})
    trusted = {"prod-old": (public_key_b64(old), production), "prod-new": (public_key_b64(new), production)}
    before = sign_voucher(old, {**PAYLOAD, "environment": "production", "key_id": "prod-old"})
    after = sign_voucher(
        new, {**PAYLOAD, "environment": "production", "key_id": "prod-new", "voucher_id": "V2"}
    )
    assert verify_trusted_voucher(before, "production", trusted)["key_id"] == "prod-old"
    assert verify_trusted_voucher(after, "production", trusted)["key_id"] == "prod-new"
    # A voucher signed by the new key but naming the old id is not accepted either way round.
    swapped = sign_voucher(new, {**PAYLOAD, "environment": "production", "key_id": "prod-old"})
    with pytest.raises(InvalidVoucher):
        verify_trusted_voucher(swapped, "production", trusted)
    del trusted["prod-old"]
    with pytest.raises(InvalidVoucher) as refused:
        verify_trusted_voucher(before, "production", trusted)
    assert refused.value.reason == "unknown_key"


def test_refund_voucher_is_negative():
    refund = {**PAYLOAD, "kind": "refund", "tokens": -200, "voucher_id": "VCH-R"}
    assert (
        verify_trusted_voucher(sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, refund), "sandbox")["tokens"] == -200
    )
    with pytest.raises(InvalidVoucher):
        sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, {**refund, "tokens": 200})


PEM_MARKER = "-----BEGIN " + "PRIVATE KEY-----"


def test_the_production_private_key_is_not_in_the_repository():
    root = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in tracked:
        path = root / name
        if path.suffix in {".pem", ".key"}:
            raise AssertionError(f"a private key file is tracked: {name}")
        if path.suffix in {".py", ".rst", ".md", ".xml", ".json", ".txt", ".cfg", ".toml"} and path.is_file():
            assert PEM_MARKER not in path.read_text(errors="ignore"), name
