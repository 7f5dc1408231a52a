"""The inverses of the generator's seals, for tests only: the site opens them in the
browser (a preview record in the shared preview script, a password link's target in its
page's script), so the program itself never needs them."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from generator import previews, secret


def preview(sealed: str, path: str) -> bytes:
    """The record ``previews.seal`` sealed under ``path``."""
    data = base64.b64decode(sealed)
    n = len(data)
    stream = previews._stream(path, n)
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def target(password: str, sealed: secret.Sealed) -> bytes:
    """The plaintext ``secret.seal`` sealed; ``cryptography.exceptions.InvalidTag`` for a
    wrong password."""
    key = secret.key(password, sealed.salt)
    return AESGCM(key).decrypt(sealed.iv, sealed.ciphertext, None)
