"""Write a vendor key file for tests and print the shell exports describing it.

Usage: python3 tests/vendor_keys.py KEY_FILE KEY_ID [NEXT_KEY_ID]
The file is the JSON map {key_id: PEM} read by chorus_token_vendor (README: key file); the
first key signs, the second one is there for a key rotation test. Exports: the signing key id
(CHORUS_TEST_VENDOR_KEY_ID) and every public key by id (CHORUS_TEST_VENDOR_KEYS).
"""

import json
import os
import shlex
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"))
from chorus.vouchers import public_key_b64  # the customer's own encoding of a public key


def main(path, *key_ids):
    keys = {key_id: Ed25519PrivateKey.generate() for key_id in key_ids}
    pems = {
        key_id: key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")
        for key_id, key in keys.items()
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(pems, handle)
    every_key = json.dumps({key_id: public_key_b64(key) for key_id, key in keys.items()})
    print(f"export CHORUS_TEST_VENDOR_KEY_ID={shlex.quote(key_ids[0])}")
    print(f"export CHORUS_TEST_VENDOR_KEYS={shlex.quote(every_key)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
