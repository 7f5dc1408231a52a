"""The 404 page's table: finds a mangled short link without publishing the list of slugs.

Chat apps and people mangle links: ``Sale`` for ``sale``, a trailing ``)``, ``.``,
``。`` or ``/``, full-width letters. Hosts without rules (GitHub Pages) and every
host for a path no rule or page matches serve ``404.html``; its script normalises
the path, looks it up here and goes to the link.

The table maps a hash of each slug's normal form to the slug encrypted with a key
derived from that normal form: the page can only recover a slug for a path that
already normalises to it, and reading the page gives no list of slugs. This is a
deterrent against casual listing, not secrecy: short slugs can be guessed by trying
them, as they can by visiting ``/slug``.

The script in ``templates/404.js`` computes exactly the same functions; both sides
are tested against each other (tests/e2e/test_http.py runs the page's script).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Characters that a chat app or a sentence glues onto the end of a link.
TRAILING = ")]}>.,;:!?'\"。，、；：！？）】」』〉》"
_TRAILING = frozenset(TRAILING + "/")
# Past this many slugs the table would make 404.html heavy for every mistyped link.
MAX_SLUGS = 20_000
SEED1 = 0x811C9DC5  # FNV-1a's offset basis
SEED2 = 0x01000193 ^ 0x5BD1E995  # a second, independent start: 64 bits of key in all


def normal(path: str) -> str:
    """The form two spellings of one link share (mirrors ``norm`` in 404.js)."""
    # (text in ASCII is its own NFKC form: most slugs, without the lookup)
    s = (path if path.isascii() else unicodedata.normalize("NFKC", path)).lower()
    # those characters and whitespace (str.isspace is the regex '\s') cut off the end, one
    # by one from there: the regex '[...]+$' tried again from each character of a run of
    # them that the end does not follow, quadratic in a hostile links.lock line
    end = len(s)
    while end and (s[end - 1] in _TRAILING or s[end - 1].isspace()):
        end -= 1
    return s[:end].strip("/")


def fnv1a(data: bytes, seed: int) -> int:
    """32-bit FNV-1a from ``seed``: tiny, and the same in JavaScript with Math.imul."""
    h = seed
    for byte in data:
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def key_of(norm: str) -> str:
    data = norm.encode()
    return f"{fnv1a(data, SEED1):08x}{fnv1a(data, SEED2):08x}"


def _stream(norm: str, n: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < n:
        out += fnv1a(f"{norm}\x00{i}".encode(), SEED1).to_bytes(4, "big")
        i += 1
    return bytes(out[:n])


def seal(slug: str, norm: str) -> str:
    data = slug.encode()
    return bytes(a ^ b for a, b in zip(data, _stream(norm, len(data)), strict=True)).hex()


def table(slugs: Iterable[str]) -> dict[str, str] | None:
    """{key: sealed slug}; a normal form shared by two slugs is left out (no guessing).
    None when there are too many slugs to embed."""
    slugs = list(slugs)
    if len(slugs) > MAX_SLUGS:
        return None
    by_norm: dict[str, list[str]] = {}
    for slug in slugs:
        by_norm.setdefault(normal(slug), []).append(slug)
    return {
        key_of(norm): seal(found[0], norm)
        for norm, found in sorted(by_norm.items())
        if len(found) == 1 and norm
    }
