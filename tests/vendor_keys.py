"""Write a vendor key file for tests and print the shell exports describing it.

Usage: python3 tests/vendor_keys.py KEY_FILE KEY_ID [NEXT_KEY_ID]
The file is the JSON map {key_id: PEM} read by chorus_token_vendor (README: key file); the
first key signs, the second one is there for a key rotation test.
"""

import base64
import json
import os
import shlex
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


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
    publics = [
        base64.b64encode(
            key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        ).decode("ascii")
        for key in keys.values()
    ]
    names = [("CHORUS_TEST_VENDOR_KEY_ID", "CHORUS_TEST_VENDOR_PUBLIC_KEY")]
    names.append(("CHORUS_TEST_VENDOR_NEXT_KEY_ID", "CHORUS_TEST_VENDOR_NEXT_PUBLIC_KEY"))
    for (id_name, key_name), key_id, public in zip(names, key_ids, publics, strict=False):
        print(f"export {id_name}={shlex.quote(key_id)} {key_name}={shlex.quote(public)}")
    every_key = json.dumps(dict(zip(key_ids, publics, strict=True)))
    print(f"export CHORUS_TEST_VENDOR_KEYS={shlex.quote(every_key)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
