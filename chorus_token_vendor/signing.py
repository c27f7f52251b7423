"""Vendor signing keys: they live outside the code and the database.

Where the keys come from, first found wins:

* the file named by the Odoo option ``chorus_token_vendor_key_file``, else by the environment
  variable ``CHORUS_TOKEN_VENDOR_KEY_FILE``. The file holds either one PEM (PKCS8 Ed25519 private
  key) or a JSON object ``{"<key id>": "<PEM>", ...}`` (several keys: rotation);
* the active key id: system parameter ``chorus_token_vendor.key_id`` (switch keys without a
  restart, only among the keys of the file), else the Odoo option ``chorus_token_vendor_key_id``,
  else ``CHORUS_TOKEN_VENDOR_KEY_ID``; with a single-key JSON file, that key.

The canonical payload and the public key encoding are the customer addon's own
(``chorus/vouchers.py``, imported here): both sides sign and verify the same bytes.
"""

import base64
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from odoo.tools import config

from odoo.addons.l10n_fr_chorus_connect.chorus.vouchers import (  # noqa: F401 (public_key_b64: for the tests)
    canonical_payload,
    public_key_b64,
)

KEY_FILE_OPTION = "chorus_token_vendor_key_file"
KEY_ID_OPTION = "chorus_token_vendor_key_id"
KEY_FILE_ENV = "CHORUS_TOKEN_VENDOR_KEY_FILE"
KEY_ID_ENV = "CHORUS_TOKEN_VENDOR_KEY_ID"
KEY_ID_PARAM = "chorus_token_vendor.key_id"


class SigningKeyMissingError(RuntimeError):
    """No usable signing key: the vendor cannot sell (orders answer payment_unavailable)."""


def _key_file_path():
    return config.get(KEY_FILE_OPTION) or os.environ.get(KEY_FILE_ENV) or ""


def load_keys(path=None):
    """``{key_id or None: Ed25519PrivateKey}`` read from the key file (None for a bare PEM)."""
    path = path or _key_file_path()
    if not path:
        raise SigningKeyMissingError(f"no key file: set the option {KEY_FILE_OPTION} or {KEY_FILE_ENV}")
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as err:
        raise SigningKeyMissingError(f"the key file {path} cannot be read: {err.strerror}") from err
    pems = json.loads(content) if content.lstrip().startswith(b"{") else {None: content.decode()}
    keys = {}
    for key_id, pem in pems.items():
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyMissingError(f"the key {key_id or path} is not an Ed25519 key")
        keys[key_id] = key
    return keys


def active_key(param_key_id=""):
    """``(key_id, private key)`` used to sign new vouchers."""
    keys = load_keys()
    key_id = param_key_id or config.get(KEY_ID_OPTION) or os.environ.get(KEY_ID_ENV) or ""
    if None in keys:
        if not key_id:
            raise SigningKeyMissingError(
                f"a bare PEM key file needs a key id: set {KEY_ID_OPTION} or {KEY_ID_ENV}"
            )
        return key_id, keys[None]
    if not key_id and len(keys) == 1:
        key_id = next(iter(keys))
    if key_id not in keys:
        raise SigningKeyMissingError(f"the key id {key_id!r} is not in the key file (ids: {', '.join(keys)})")
    return key_id, keys[key_id]


def sign(private_key, payload):
    signature = private_key.sign(canonical_payload(payload))
    return base64.b64encode(signature).decode("ascii")


def generate_pem():
    """A new private key as PEM PKCS8 text (README: key file generation)."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode("ascii")
    )
