"""The sealed target of a link with a password: what its page holds instead of the target.

The page (templates/locked.js) derives the key from the password the visitor types with
WebCrypto and decrypts; this module does the same in Python, once, at build time:

- key: PBKDF2-HMAC-SHA256 over the password, 600,000 iterations (the OWASP Password
  Storage Cheat Sheet's figure for PBKDF2-HMAC-SHA256), 32 bytes for AES-256;
- salt: 16 bytes a link, from its domain and slug. Builds are reproducible (the same
  links file gives the same bytes, which the incremental writer relies on), so it cannot
  be random; it never hashes the password or the target, or anyone could test guesses of
  the target against it without the password;
- cipher: AES-256-GCM, with the 12-byte IV taken from HMAC-SHA256(key, plaintext): the
  same IV is only ever used again with the same key for the same plaintext (as in SIV
  modes), which gives away nothing that the unchanged page does not already show.

The plaintext is JSON, ``{"d": {platform: URL}, "t": URL}``, padded with spaces (which
JSON ignores) to a multiple of ``BLOCK`` bytes, so that the page shows the length of
its target only roughly.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

ITERATIONS = 600_000  # OWASP Password Storage Cheat Sheet, for PBKDF2-HMAC-SHA256
SALT_LABEL = b"shortlinks password salt v1"
SALT_BYTES = 16
IV_BYTES = 12
BLOCK = 64


@dataclass(frozen=True)
class Sealed:
    """What a password page holds: enough to decrypt, given the password."""

    salt: bytes
    iv: bytes
    ciphertext: bytes  # with GCM's 16-byte tag at its end, as WebCrypto expects it


def salt(domain: str | None, slug: str) -> bytes:
    """The salt of a link: the same on every build, different for every slug and domain."""
    text = SALT_LABEL + b"\x00" + (domain or "").encode() + b"\x00" + slug.encode()
    return hashlib.sha256(text).digest()[:SALT_BYTES]


@functools.lru_cache(maxsize=4096)  # a link's aliases share its key: derived once a build
def key(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS, dklen=32)


def payload(target: str, devices: Iterable[tuple[str, str]] = ()) -> bytes:
    """The plaintext templates/locked.js reads: the target and the device targets."""
    text = json.dumps(
        {"d": dict(devices), "t": target}, ensure_ascii=True, separators=(",", ":"), sort_keys=True
    ).encode()
    return text + b" " * (-len(text) % BLOCK)


def seal(password: str, salt: bytes, plaintext: bytes) -> Sealed:
    # imported here: only a site with passwords needs it, and ``check`` imports this module
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    k = key(password, salt)
    iv = hmac.new(k, plaintext, hashlib.sha256).digest()[:IV_BYTES]
    return Sealed(salt, iv, AESGCM(k).encrypt(iv, plaintext, None))
