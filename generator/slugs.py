"""What a slug may be, and when two slugs are the same to a person.

Slugs become file names on every host and paths in every rule file, so the
character set is deliberately small, but it welcomes any script's letters:
Chinese, Cyrillic or Arabic slugs are common in chat groups.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from .problems import shown

MAX_SLUG_CHARS = 100
# A file name is at most 255 bytes on common filesystems; leave room for ".html".
MAX_SEGMENT_BYTES = 200
PUNCTUATION = "-_.~"

# Names the site itself uses (or that hosts and browsers treat specially).
# Compared case-insensitively against the whole slug and its first segment.
RESERVED = frozenset(
    {
        "index",
        "404",
        "_redirects",
        "_headers",
        "cname",
        "robots.txt",
        "favicon.ico",
        ".well-known",
        "assets",
        "links.json",
        ".nojekyll",
        "sitemap.xml",
        "expired",
        "not-yet-active",
        "netlify.toml",
        "vercel.json",
        "firebase.json",
        "staticwebapp.config.json",
        "vercel-redirects.json",
        "s3-website.json",
        "s3-objects.json",
        "s3-publish.sh",
        "shortlinks.nginx.conf",
        "shortlinks.caddy",
        ".htaccess",
        "ads.txt",
        "security.txt",
        "humans.txt",
        "manifest.json",
        "manifest.webmanifest",
        "apple-touch-icon.png",
        "apple-app-site-association",
        "_shortlinks",  # the site's shared files (pages.SHARED_FOLDER); any '_' slug is too
    }
)


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


# Letters, digits and the punctuation PUNCTUATION allows: the common slug, checked at once.
_ASCII_SLUG = re.compile(r"[A-Za-z0-9/" + re.escape("".join(sorted(PUNCTUATION))) + "]*")


# No '.', '/' or '_' (the rules below are about those), under both length limits.
_SIMPLE_SLUG = re.compile(rf"[A-Za-z0-9~\-]{{1,{min(MAX_SLUG_CHARS, MAX_SEGMENT_BYTES)}}}")


def _allowed(ch: str) -> bool:
    return ch in PUNCTUATION or ch == "/" or unicodedata.category(ch)[0] in "LMN"


def slug_problems(slug: str) -> list[tuple[str, str, str | None]]:
    """Everything wrong with ``slug`` as (rule, message, hint); empty when it is fine.

    Reserved names are also compared in the form ``collision_key`` gives (letter case and
    character width ignored): the docs say ``ｉｎｄｅｘ`` is the same slug as ``index``, so it
    is reserved just as well (it used to pass). Messages quote a slug longer than the limit
    by its start and length only (``shown``): a slug can be megabytes long.
    """
    if _SIMPLE_SLUG.fullmatch(slug) and slug.casefold() not in RESERVED:
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
    out: list[tuple[str, str, str | None]] = []
    if not slug:
        return [("slug-empty", "a slug cannot be empty", None)]
    q = shown(slug)
    if len(slug) > MAX_SLUG_CHARS:
        out.append(
            (
                "slug-too-long",
                f"slug is {len(slug)} characters long; the limit is {MAX_SLUG_CHARS}",
                "shorten it",
            )
        )
    for i, ch in enumerate("" if _ASCII_SLUG.fullmatch(slug) else slug):
        if not _allowed(ch):
            if ch.isspace() or unicodedata.category(ch)[0] == "C":
                what = f"whitespace or a control character ({unicodedata.name(ch, hex(ord(ch)))})"
            else:
                what = f"the character {ch!r}"
            out.append(
                (
                    "slug-character",
                    f"slug {q} contains {what} at position {i + 1}",
                    "use letters, digits, '-', '_', '.', '~' and '/' between words",
                )
            )
            break
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
    segments = slug.strip("/").split("/")
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
    low = slug.casefold()
    if any(s.casefold().endswith((".html", ".htm")) for s in segments):
        # a page is '<slug>.html': 'a.html/b' would need a folder where a's page is
        out.append(
            (
                "slug-html",
                f"slug {q} ends in .html",
                "the pages themselves are .html files; drop it",
            )
            if low.endswith((".html", ".htm"))
            else (
                "slug-html",
                f"slug {q} has a part ending in .html",
                "the pages themselves are .html files; drop it",
            )
        )
    first = segments[0].casefold() if segments else ""
    # compared as people see them too: 'ｉｎｄｅｘ' (full width) is 'index', '＿x' is '_x'
    wide = low if slug.isascii() else collision_key(slug)
    wide_first = wide.strip("/").split("/")[0]
    if (
        low in RESERVED
        or first in RESERVED
        or slug.startswith("_")
        or wide in RESERVED
        or wide_first in RESERVED
        or wide.startswith("_")
    ):
        out.append(
            (
                "slug-reserved",
                f"slug {q} is reserved for the site's own files",
                "choose another slug (see 'Reserved slugs' in docs/links-yaml.md)",
            )
        )
    return out
