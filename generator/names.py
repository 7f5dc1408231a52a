"""When two names are one to a person, and which known name a mistyped one meant.

Its own module, below every other (it imports nothing of the generator): slugs, domains,
QR codes and listings all compare names, and the hosts (which slugs read for their
reserved file names) reach some of those; a module here beside them would close a loop.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def collision_key(slug: str) -> str:
    """Slugs with the same key are one link to a person: case and width are ignored."""
    return unicodedata.normalize("NFKC", slug).casefold()


def close_to(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The names of ``known`` a mistyped ``wanted`` most likely meant, best first: those
    that are the same to a person (``collision_key``: letter case, width), then the
    closest by spelling (difflib, compared folded). At most ``n``; none when nothing is
    close. For every "did you mean" of the command line (slugs, campaigns, tags)."""
    by_key: dict[str, list[str]] = {}
    for name in known:
        by_key.setdefault(collision_key(name), []).append(name)
    key = collision_key(wanted)
    out = [name for name in by_key.get(key, []) if name != wanted]
    for close in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6):
        out += [name for name in by_key[close] if name not in out and name != wanted]
    return out[:n]


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """`` (did you mean 'sale'?)``, `` (did you mean 'sale' or 'sales'?)``, or nothing."""
    close = close_to(wanted, known)
    if not close:
        return ""
    quoted = [repr(name) for name in close]
    said = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {said}?)"
