"""Token vouchers: what the token vendor signs when a pack is paid, and how the addon checks it.

A voucher is ``{"payload": {...}, "signature": "<base64>"}`` (vendor contract v2,
readme/VENDOR_API.rst). The signature is Ed25519 over the *canonical* payload: JSON with sorted
keys, no spaces, UTF-8 (so both sides sign the same bytes whatever the JSON library). The payload
carries exactly :data:`PAYLOAD_FIELDS`; ``key_id`` names the vendor key that signed it and
``kind`` is ``purchase`` (tokens > 0) or ``refund`` (tokens < 0, an order refunded after
redemption).

Trust lives here, in code: :data:`TRUSTED_VENDOR_KEYS` maps each key id to its public key and the
environments it may credit. No setting can add a key; a key rotation ships the new id in a release
before the vendor retires the old one.

>>> voucher = sign_voucher(SANDBOX_VENDOR_PRIVATE_KEY, {
...     "voucher_id": "v-1", "order_id": "o-1", "company_ref": "acme", "pack_code": "pack_200",
...     "tokens": 200, "issued_at": "2026-01-01T00:00:00+00:00", "environment": "sandbox",
...     "key_id": "sandbox-1", "kind": "purchase"})
>>> verify_trusted_voucher(voucher, "sandbox")["tokens"]
200
>>> verify_trusted_voucher(voucher, "production")
Traceback (most recent call last):
...
chorus.vouchers.InvalidVoucher: the vendor key sandbox-1 is not trusted for the production environment
>>> voucher["payload"]["tokens"] = 2000
>>> verify_trusted_voucher(voucher, "sandbox")
Traceback (most recent call last):
...
chorus.vouchers.InvalidVoucher: the voucher signature does not match its content
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PAYLOAD_FIELDS = (
    "voucher_id",
    "order_id",
    "company_ref",
    "pack_code",
    "tokens",
    "issued_at",
    "environment",
    "key_id",
    "kind",
)
ENVIRONMENTS = ("sandbox", "qualification", "production")
PURCHASE = "purchase"
REFUND = "refund"
SANDBOX_KEY_ID = "sandbox-1"
PRODUCTION_KEY_ID = "prod-2026-12"

# The sandbox vendor's key is derived from a public constant on purpose: anyone can mint sandbox
# vouchers, which is why the addon trusts this key only for companies in sandbox mode.
SANDBOX_VENDOR_PRIVATE_KEY = Ed25519PrivateKey.from_private_bytes(
    hashlib.sha256(b"l10n_fr_chorus_connect sandbox vendor").digest()
)

# The publisher's production key: only the public half is here. The private half was generated
# for the vendor service and never entered this repository.
PRODUCTION_VENDOR_PUBLIC_KEY = "LlOmteARPe6rVoIFsqbVyf8A+6CCYmxLt7cq/B4voUY="


class InvalidVoucher(ValueError):  # noqa: N818 - stdnum style (InvalidChecksum), name fixed by the contract
    """The voucher is malformed, forged, tampered with, or signed by another key.

    ``reason``: ``malformed``, ``signature``, ``unknown_key`` or ``untrusted_environment``.
    """

    def __init__(self, message: str, reason: str = "malformed"):
        super().__init__(message)
        self.reason = reason


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    """Base64 of the raw 32-byte public key matching ``private_key``."""
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


SANDBOX_VENDOR_PUBLIC_KEY = public_key_b64(SANDBOX_VENDOR_PRIVATE_KEY)

# key id -> (base64 raw public key, environments whose wallets it may credit).
TRUSTED_VENDOR_KEYS = {
    SANDBOX_KEY_ID: (SANDBOX_VENDOR_PUBLIC_KEY, frozenset({"sandbox"})),
    PRODUCTION_KEY_ID: (PRODUCTION_VENDOR_PUBLIC_KEY, frozenset({"qualification", "production"})),
}


def canonical_payload(payload: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _check_payload(payload) -> None:
    if not isinstance(payload, dict):
        raise InvalidVoucher("the voucher payload is not an object")
    if set(payload) != set(PAYLOAD_FIELDS):
        raise InvalidVoucher(f"the voucher payload must hold exactly {', '.join(PAYLOAD_FIELDS)}")
    for key in PAYLOAD_FIELDS:
        if key != "tokens" and (not isinstance(payload[key], str) or not payload[key]):
            raise InvalidVoucher(f"the voucher field {key} must be a non-empty string")
    if payload["environment"] not in ENVIRONMENTS:
        raise InvalidVoucher(f"the voucher environment must be one of {', '.join(ENVIRONMENTS)}")
    tokens = payload["tokens"]
    if isinstance(tokens, bool) or not isinstance(tokens, int):
        raise InvalidVoucher("the voucher token count must be an integer")
    if payload["kind"] == PURCHASE and tokens <= 0:
        raise InvalidVoucher("a purchase voucher credits a positive number of tokens")
    if payload["kind"] == REFUND and tokens >= 0:
        raise InvalidVoucher("a refund voucher takes back a negative number of tokens")
    if payload["kind"] not in (PURCHASE, REFUND):
        raise InvalidVoucher("the voucher kind must be purchase or refund")


def _private_key(key) -> Ed25519PrivateKey:
    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, str):
        key = base64.b64decode(key)
    return Ed25519PrivateKey.from_private_bytes(bytes(key))


def sign_voucher(private_key, payload: dict) -> dict:
    """Sign ``payload`` (vendor side). ``private_key``: key object, 32 raw bytes or their base64."""
    _check_payload(payload)
    signature = _private_key(private_key).sign(canonical_payload(payload))
    return {"payload": dict(payload), "signature": base64.b64encode(signature).decode("ascii")}


def _load_public_key(public_key_b64_value: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(public_key_b64_value, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError, TypeError) as err:
        raise InvalidVoucher("the vendor public key is not a base64 Ed25519 key") from err


def _parse(voucher) -> dict:
    if isinstance(voucher, (str, bytes)):
        try:
            voucher = json.loads(voucher)
        except ValueError as err:
            raise InvalidVoucher("the voucher is not JSON") from err
    if not isinstance(voucher, dict) or set(voucher) != {"payload", "signature"}:
        raise InvalidVoucher("a voucher holds exactly a payload and a signature")
    _check_payload(voucher["payload"])
    return voucher


def verify_trusted_voucher(voucher, environment: str, trusted_keys: dict | None = None) -> dict:
    """The payload of ``voucher`` if a key of :data:`TRUSTED_VENDOR_KEYS` trusted for ``environment``
    signed it and it was issued for ``environment``. Raises :class:`InvalidVoucher` otherwise."""
    voucher = _parse(voucher)
    payload = voucher["payload"]
    keys = TRUSTED_VENDOR_KEYS if trusted_keys is None else trusted_keys
    trusted = keys.get(payload["key_id"])
    if trusted is None:
        raise InvalidVoucher(f"the vendor key {payload['key_id']} is unknown to this addon", "unknown_key")
    public_key, environments = trusted
    if environment not in environments:
        raise InvalidVoucher(
            f"the vendor key {payload['key_id']} is not trusted for the {environment} environment",
            "untrusted_environment",
        )
    payload = verify_voucher(public_key, voucher)
    if payload["environment"] != environment:
        raise InvalidVoucher(
            f"the voucher was issued for {payload['environment']}, not {environment}", "environment"
        )
    return payload


def verify_voucher(public_key_b64_value: str, voucher) -> dict:
    """Return the payload of ``voucher`` (dict or JSON text) if ``public_key_b64_value`` signed it.

    Raises :class:`InvalidVoucher` otherwise; never returns an unchecked payload.
    """
    voucher = _parse(voucher)
    payload = voucher["payload"]
    try:
        signature = base64.b64decode(voucher["signature"], validate=True)
    except (binascii.Error, ValueError, TypeError) as err:
        raise InvalidVoucher("the voucher signature is not base64", "signature") from err
    try:
        _load_public_key(public_key_b64_value).verify(signature, canonical_payload(payload))
    except InvalidSignature as err:
        raise InvalidVoucher("the voucher signature does not match its content", "signature") from err
    return dict(payload)
