"""The data of every preview, in a few shared files, without publishing the list of slugs.

By default a build writes no preview page a link: ``/<slug>+`` is answered by one shared
page (``_shortlinks/preview.html``, through one rule where the host has patterns, or
by the 404 page where it has none), whose script (``templates/preview_shared.js``)
fetches the record of that one path from one of a few shard files and draws it.

A shard is a JSON object ``{key: sealed}``. ``key`` is a hash of the path the visitor
typed (the slug, ``+`` excluded); ``sealed`` is the record (JSON, ``record`` below),
XORed with a keystream derived from the same path and written in base64. So a record can
only be read by someone who already knows its slug, and reading every shard gives no
list of slugs (nor of targets): the same deterrent as the 404 page's table
(``finder.py``), and the same limit: short slugs can be guessed by trying them.

Both derivations are SHA-256 with a label (``key``: the first 8 bytes, in hex; the
keystream: SHA-256 of a key in counter mode), because a build seals every link's record
and Python's hashlib does that in C (the 404 page's FNV-1a keystream, in pure Python,
would cost about 0.3 ms a record); the shared script carries a small synchronous
SHA-256, so it needs no secure context (WebCrypto does not exist on plain http pages).

Where the site publishes links.json (``site.links_json``, the default), which lists every
slug and every published target already, the records are filed as they are (JSON objects,
not sealed): the seal would hide nothing that file does not show, and costs a third of the
time of the shards at 100,000 links (and the visitor's browser the keystream). A record
holds nothing links.json keeps back: no target of a link behind a password or not
started yet (``Pages.preview_data``). A site with ``links_json: false`` seals them.

A slug whose normal form (``finder.normal``: case, width, trailing punctuation) differs
from it is also filed under the normal form, unless another slug has that normal form:
``/Sale+`` and ``/sale)+`` find the preview of ``Sale`` as the 404 page finds its link.

The number of shards is a power of two, about one for every ``PER_SHARD`` paths, at
most ``MAX_SHARDS``: a preview fetches one small file (two for a mangled path), and a
site gains about one file for every 256 links.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable

from . import finder

KEY_LABEL = b"shortlinks preview key\x00"
SEAL_LABEL = b"shortlinks preview seal\x00"
PER_SHARD = 256
MAX_SHARDS = 4096


def key_of(path: str) -> str:
    """The public name of a path's record: 8 bytes of SHA-256, in hex."""
    return hashlib.sha256(KEY_LABEL + path.encode("utf-8")).hexdigest()[:16]


_COUNTERS = [i.to_bytes(4, "big") for i in range(256)]  # a record's blocks: 8 KB of them


def _stream(path: str, n: int) -> bytes:
    seed = hashlib.sha256(SEAL_LABEL + path.encode("utf-8")).digest()
    blocks = (n + 31) // 32
    counters = (
        _COUNTERS if blocks <= len(_COUNTERS) else [i.to_bytes(4, "big") for i in range(blocks)]
    )
    sha256 = hashlib.sha256
    return b"".join([sha256(seed + counters[i]).digest() for i in range(blocks)])[:n]


def seal(data: bytes, path: str) -> str:
    """``data`` XORed with the keystream of ``path``, in base64."""
    n = len(data)
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(_stream(path, n), "big")
    return base64.b64encode(mixed.to_bytes(n, "big")).decode("ascii")


def shard_count(paths: int) -> int:
    """A power of two near ``paths / PER_SHARD``, from 1 to ``MAX_SHARDS``."""
    count = 1
    while count * PER_SHARD < paths and count < MAX_SHARDS:
        count *= 2
    return count


def shard_of(key: str, count: int) -> int:
    return int(key[:8], 16) % count


# json.dumps with options makes a new encoder each call: one, made once, writes the same
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def encode(record: dict[str, object]) -> bytes:
    """A record as the script reads it: compact JSON, keys sorted (reproducible bytes)."""
    return _ENCODE(record).encode()


def shards(
    records: Iterable[tuple[str, bytes]], count: int, sealed: bool = True
) -> list[dict[str, str | bytes]]:
    """``count`` shards of the records, given as (slug, encoded record); a slug is filed
    under its normal form too when that differs and no other slug shares it. Two paths
    whose keys collide (64 bits: about one chance in 10^7 at a million slugs) are both
    left out rather than one shown for the other. ``sealed``: each record sealed with its
    path (a str); else the record itself (bytes, JSON: ``dump`` writes it as it is)."""
    out: list[dict[str, str | bytes]] = [{} for _ in range(count)]
    data: dict[str, bytes] = {}
    # the normal forms that differ from their slug, and the slugs of each
    by_norm: dict[str, list[str]] = {}
    normal = finder.normal
    for slug, record in records:
        data[slug] = record
        norm = normal(slug)
        if norm != slug:
            by_norm.setdefault(norm, []).append(slug)
    paths = dict.fromkeys(data, "")
    for norm, found in by_norm.items():
        # one slug has it, and no slug is it (nor another's normal form that equals it:
        # then that slug is in data)
        if len(found) == 1 and norm and norm not in data:
            paths[norm] = found[0]  # a mangled spelling, filed under its normal form
    keys = {path: key_of(path) for path in paths}
    seen: dict[str, int] = {}
    for key in keys.values():
        seen[key] = seen.get(key, 0) + 1
    for path, slug in paths.items():
        key = keys[path]
        if seen[key] == 1:
            record = data[slug or path]
            out[shard_of(key, count)][key] = seal(record, path) if sealed else record
    return [dict(sorted(shard.items())) for shard in out]


def dump(shard: dict[str, str | bytes]) -> bytes:
    """One shard file: a JSON object, each key's sealed record as a string, or its record
    as it is (already JSON: ``encode``), one line."""
    return (
        b"{"
        + b",".join(
            b'"%s":%s'
            % (key.encode(), json.dumps(value).encode() if isinstance(value, str) else value)
            for key, value in shard.items()
        )
        + b"}\n"
    )
