"""What a slug may be, and when two slugs are the same to a person.

Slugs become file names on every host and paths in every rule file, so the
character set is deliberately small, but it welcomes any script's letters:
Chinese, Cyrillic or Arabic slugs are common in chat groups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .hosts import host_files
from .names import collision_key
from .pages import SHARED_FOLDER
from .problems import shown

MAX_SLUG_CHARS = 100
# A file name is at most 255 bytes on common filesystems; leave room for ".html".
MAX_SEGMENT_BYTES = 200
PUNCTUATION = "-_.~"

# Names the site itself writes at the top of its folder, or that hosts and browsers treat
# specially; each host's own files are added below from what the host declares.
SITE_NAMES = frozenset(
    {
        "index",
        "404",
        "robots.txt",
        "favicon.ico",
        ".well-known",
        "assets",
        "links.json",
        "sitemap.xml",
        "expired",
        "not-yet-active",
        "netlify.toml",
        "ads.txt",
        "security.txt",
        "humans.txt",
        "manifest.json",
        "manifest.webmanifest",
        "apple-touch-icon.png",
        "apple-app-site-association",
        SHARED_FOLDER,  # the site's shared files ('_shortlinks'); any '_' slug is too
    }
)


def _as_slugs(names: Iterable[str]) -> frozenset[str]:
    """File names as a slug compares with them (letter case ignored); a page's also
    without '.html', since '/x' is served from 'x.html'."""
    folded = {name.casefold() for name in names}
    return frozenset(folded | {name.removesuffix(".html") for name in folded})


# Compared case-insensitively against the whole slug and its first segment. Every file a
# host declares it writes (``Host.files``) is here by construction, so a new host's rule
# file cannot be shadowed by a slug (tests/test_hosts.py builds for each host to check).
RESERVED = _as_slugs(SITE_NAMES | host_files())


# Letters, digits and the punctuation PUNCTUATION allows: the common slug, checked at once.
_ASCII_SLUG = re.compile(r"[A-Za-z0-9/" + re.escape("".join(sorted(PUNCTUATION))) + "]*")


# No '.', '/' or '_' (the rules below are about those), under both length limits: a slug it
# matches has no problem unless it is reserved (validate/links.py tries it first too).
SIMPLE_SLUG = re.compile(rf"[A-Za-z0-9~\-]{{1,{min(MAX_SLUG_CHARS, MAX_SEGMENT_BYTES)}}}")


def _allowed(ch: str) -> bool:
    return ch in PUNCTUATION or ch == "/" or unicodedata.category(ch)[0] in "LMN"


def slug_problems(slug: str) -> list[tuple[str, str, str | None]]:
    """Everything wrong with ``slug`` as (rule, message, hint); empty when it is fine.

    Reserved names are also compared in the form ``collision_key`` gives (letter case and
    character width ignored): the docs say ``ｉｎｄｅｘ`` is the same slug as ``index``, so it
    is reserved just as well. Messages quote a slug longer than the limit
    by its start and length only (``shown``): a slug can be megabytes long.
    """
    if SIMPLE_SLUG.fullmatch(slug) and slug.casefold() not in RESERVED:
        return []  # letters, digits, '-' and '~' only, short: none of the rules below apply
    if (
        slug.isalnum()  # letters and digits of any script ('优惠券7'): each is _allowed
        and len(slug) <= MAX_SLUG_CHARS
        and len(slug.encode()) <= MAX_SEGMENT_BYTES
        and slug.casefold() not in RESERVED
    ):
        wide = collision_key(slug)
        if wide.isalnum() and wide not in RESERVED:  # no '/', '.' or '_' as people see it
            return []
    if not slug:
        return [("slug-empty", "a slug cannot be empty", None)]
    q = shown(slug)
    out: list[tuple[str, str, str | None]] = []
    if len(slug) > MAX_SLUG_CHARS:
        out.append(
            (
                "slug-too-long",
                f"slug is {len(slug)} characters long; the limit is {MAX_SLUG_CHARS}",
                "shorten it",
            )
        )
    bad = _character_problem(slug, q)
    if bad is not None:
        out.append(bad)
    segments = slug.strip("/").split("/")
    out += _path_problems(slug, q, segments)
    if _reserved(slug, segments):
        out.append(
            (
                "slug-reserved",
                f"slug {q} is reserved for the site's own files",
                "choose another slug (see 'Reserved slugs' in docs/links-yaml.md)",
            )
        )
    return out


def _character_problem(slug: str, q: str) -> tuple[str, str, str | None] | None:
    """The first character a slug may not hold (``q``: the slug as messages quote it)."""
    for i, ch in enumerate("" if _ASCII_SLUG.fullmatch(slug) else slug):
        if not _allowed(ch):
            if ch.isspace() or unicodedata.category(ch)[0] == "C":
                what = f"whitespace or a control character ({unicodedata.name(ch, hex(ord(ch)))})"
            else:
                what = f"the character {ch!r}"
            return (
                "slug-character",
                f"slug {q} contains {what} at position {i + 1}",
                "use letters, digits, '-', '_', '.', '~' and '/' between words",
            )
    return None


def _path_problems(slug: str, q: str, segments: list[str]) -> list[tuple[str, str, str | None]]:
    """What is wrong with the slug as a path of folders and a file: its slashes, dots,
    parts too long for a file name, and a part ending in .html."""
    out: list[tuple[str, str, str | None]] = []
    if slug.startswith("/") or slug.endswith("/"):
        out.append(
            (
                "slug-slash",
                f"slug {q} starts or ends with '/'",
                f"write it as {shown(slug.strip('/'))}",
            )
        )
    if ".." in slug:
        out.append(("slug-dots", f"slug {q} contains '..'", "use a single '.'"))
    if any(not s for s in segments):
        out.append(("slug-slash", f"slug {q} contains '//'", "use a single '/'"))
    if any(s.startswith(".") for s in segments if s):
        out.append(
            (
                "slug-hidden",
                f"slug {q} has a part starting with '.'",
                "hosts hide such files; drop the '.'",
            )
        )
    if any(len(s.encode()) > MAX_SEGMENT_BYTES for s in segments):
        out.append(
            ("slug-part-too-long", f"slug {q} has a part too long for a file name", "shorten it")
        )
    if any(s.casefold().endswith((".html", ".htm")) for s in segments):
        # a page is '<slug>.html': 'a.html/b' would need a folder where a's page is
        out.append(
            (
                "slug-html",
                f"slug {q} ends in .html",
                "the pages themselves are .html files; drop it",
            )
            if slug.casefold().endswith((".html", ".htm"))
            else (
                "slug-html",
                f"slug {q} has a part ending in .html",
                "the pages themselves are .html files; drop it",
            )
        )
    return out


def _reserved(slug: str, segments: list[str]) -> bool:
    """Whether the slug, or its first part, names the site's own files."""
    low = slug.casefold()
    first = segments[0].casefold() if segments else ""
    # compared as people see them too: 'ｉｎｄｅｘ' (full width) is 'index', '＿x' is '_x'
    wide = low if slug.isascii() else collision_key(slug)
    wide_first = wide.strip("/").split("/")[0]
    return (
        low in RESERVED
        or first in RESERVED
        or slug.startswith("_")
        or wide in RESERVED
        or wide_first in RESERVED
        or wide.startswith("_")
    )
