"""Targets that look like abuse of a short link: warned about, or refused by site policy.

A short link hides its target until it is followed, which is what phishing wants from
it: anyone who can open a pull request could slip in a target that looks like the
brand's own. These checks flag the usual tricks for a reviewer to look at, as warnings
(legitimate links do use some of them), and let a site refuse whole domains:

- an IP address for a host (also written as one number, ``http://3232235777/``);
- a host in another script than it looks (punycode ``xn--`` labels: ``аpple.com`` with a
  Cyrillic ``а``), mixed scripts in one label, or a Cyrillic or Greek label;
- a user name before the host (``https://paypal.com@evil.example/`` goes to evil.example);
- a target that is itself a short link elsewhere (a chain: its end can change unseen);
- ``site.deny_domains`` refuses targets on those domains and their subdomains, and a
  non-empty ``site.allow_domains`` refuses every other domain; an allowed domain is not
  warned about.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from collections.abc import Collection

from . import confusables

# Public URL shorteners (their own documentation names these domains); a target there is a
# chain whose end the short link's owner neither sees nor controls.
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "j.mp", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "is.gd",
    "v.gd", "buff.ly", "rebrand.ly", "cutt.ly", "t.ly", "tiny.cc", "shorturl.at", "rb.gy",
    "s.id", "bl.ink", "lnkd.in", "t.cn", "url.cn", "dwz.cn", "suo.im", "short.io",
    "shorturl.asia", "clck.ru", "qr.ae", "y2u.be", "tr.ee", "kutt.it",
})  # fmt: skip

_EAST_ASIAN = frozenset({"HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "BOPOMOFO", "HANGUL"})
# Hosts written as numbers: every dotted label decimal, octal or hex (browsers read
# '0x7f.1' and '3232235777' as addresses); '0xfeed.com' is a name
_NUMERIC_HOST = re.compile(r"(?i)(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?")
# Scripts whose letters are look-alikes of Latin ones in most fonts (homograph attacks).
_LOOKALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"})


# A URL's scheme and a host with no user, port or brackets before its path: the usual one.
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/?#@:\[]*)(?:[/?#]|$)")


def host_of(url: str) -> str:
    """The lowercase host of a normalised URL, as ``urlsplit(url).hostname`` gives it
    (tested equal), at a tenth of its cost: it runs for every link of the file."""
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return plain.group(1).lower()
    rest = url.partition("://")[2]
    end = len(rest)
    for mark in "/?#":
        i = rest.find(mark, 0, end)
        if i != -1:
            end = i
    authority = rest[:end].rpartition("@")[2]
    if authority.startswith("["):
        return authority[1 : authority.find("]")].lower()
    return authority.partition(":")[0].lower()


def host_start(url: str) -> str | None:
    """The start of ``url`` up to the '/' after its host (``https://a.example/``), when
    every URL that starts with it has the same ``host_of``; else None."""
    plain = _PLAIN_HOST.match(url)
    if plain is None or url[plain.end() - 1 : plain.end()] != "/":
        return None
    return url[: plain.end()]


def matches(host: str, domains: Collection[str]) -> bool:
    """``host`` is one of ``domains`` or under one of them (both lowercase ASCII).

    Given a set, the host's own suffixes are looked up in it (a host has a few labels),
    rather than each domain tried against the host: with a long site.deny_domains that
    cost every link the length of the list."""
    if isinstance(domains, (set, frozenset)):
        if host in domains:
            return True
        dot = host.find(".")
        while dot != -1:
            if host[dot + 1 :] in domains:
                return True
            dot = host.find(".", dot + 1)
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name (None for digits, '-' and the like)."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0]
    # Han, kana, bopomofo and hangul are written together (UTS #39's "highly restrictive"
    # sets): Japanese 'お名前' or 'ヤフー' is one writing system, not a mix
    if script in _EAST_ASIAN or name.startswith("CJK"):
        return "CJK"
    return script or None


def _unicode_label(label: str) -> str | None:
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)  # hosts repeat: a shop's links share a few
def host_warnings(host: str) -> tuple[tuple[str, str, str], ...]:
    """(rule, message, hint) for each trick ``host`` (lowercase ASCII, punycode) shows."""
    found: list[tuple[str, str, str]] = []
    allow = "if it is right, add the domain to site.allow_domains"
    bare = host[1:-1] if host.startswith("[") else host
    ip = None
    try:
        ip = ipaddress.ip_address(bare)
    except ValueError:
        if _NUMERIC_HOST.fullmatch(bare):
            ip = "number"  # 3232235777 or 0x7f.1: browsers read it as an address
    if ip is not None:
        found.append((
            "target-ip-address",
            f"the target's host {host} is an IP address: no name says whose it is",
            f"use the site's domain name; {allow}",
        ))  # fmt: skip
        return tuple(found)
    if host in SHORTENERS or any(host.endswith("." + s) for s in SHORTENERS):
        found.append((
            "target-shortener",
            f"the target is another short link ({host}): where it ends can change unseen",
            "link to the final address instead",
        ))  # fmt: skip
    labels = host.rstrip(".").split(".")
    for label in labels[:-1] if len(labels) > 1 else labels:  # not the TLD ('.рф' is a country's)
        if not label.startswith("xn--"):
            continue
        shown = _unicode_label(label)
        scripts = {s for s in map(_script, shown or "") if s}
        if shown is None:
            found.append(
                (
                    "target-punycode",
                    f"the host {host} has a malformed punycode label {label!r}",
                    allow,
                )
            )
        elif len(scripts) > 1:
            names = " and ".join(x.title() for x in sorted(scripts))
            found.append((
                "target-lookalike",
                f"the host {host} ({shown}) mixes {names} "
                "letters in one name: a look-alike of another domain?",
                allow,
            ))  # fmt: skip
        elif scripts & _LOOKALIKE_SCRIPTS:
            found.append((
                "target-lookalike",
                f"the host {host} is written in {next(iter(scripts)).title()} letters "
                f"({shown}), which look like Latin ones: a look-alike of another domain?",
                allow,
            ))  # fmt: skip
    looks = [f for f in found if f[0] == "target-lookalike"]
    if len(looks) > 1:  # one look-alike warning a host, not one a label
        found = [f for f in found if f not in looks[1:]]
    return tuple(found)


# The Cyrillic palochka is drawn as a Latin 'l' in the fonts of address bars and chat apps
# ('аррӏе' for 'apple'), while Unicode 13's data gives it the prototype 'i': read as 'l'.
_DRAWN_AS_L = str.maketrans({"\u04cf": "l", "\u04c0": "l"})


def _skeleton_label(label: str) -> str:
    """UTS #39's skeleton of one label (NFD, each character through Unicode's confusables
    data to its prototype, NFD again: https://www.unicode.org/reports/tr39/#def-skeleton),
    then without combining marks and in lower case.

    Marks go because a host name is read in an address bar, at a size where 'ö', 'ȯ' and
    'ọ' pass for 'o', and registries sell such names to anyone: for telling a domain from
    a locked one, a letter with a mark is that letter. Lower case after the mapping,
    because the data maps some letters to a capital (Lisu 'ꓳ' and the digit '0' to 'O'),
    which a host name shows as its lower case."""
    table = confusables.prototypes()
    label = label.translate(_DRAWN_AS_L)
    mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", label))
    bare = "".join(c for c in unicodedata.normalize("NFD", mapped) if not unicodedata.combining(c))
    folded = bare.casefold()
    # once more: a capital's lower case may itself be drawn like another letter
    return "".join(table.get(c, c) for c in folded).casefold()


@functools.lru_cache(maxsize=256)
def skeleton(host: str) -> str:
    """What a host looks like: each punycode label in its Unicode letters, NFKC, lower
    case, then its confusable skeleton (``_skeleton_label``), so that ``gо.example.com``
    with a Cyrillic ``о`` (``xn--g-1tb.example.com``), ``go.examp1e.com``,
    ``go.exarnple.com`` and ``gö.example.com`` all have the skeleton of ``go.example.com``."""
    labels = []
    for label in host.lower().rstrip(".").split("."):
        shown = _unicode_label(label) if label.startswith("xn--") else label
        labels.append(_skeleton_label(unicodedata.normalize("NFKC", shown or label).casefold()))
    return ".".join(labels)


def looks_alike(one: str, other: str) -> bool:
    """Two different host names (lowercase, punycode) a person cannot tell apart."""
    return one != other and skeleton(one) == skeleton(other)


def readable(host: str) -> str:
    """A punycode host as people read it (``xn--g-1tb.example.com (gо.example.com)``)."""
    if "xn--" not in host:
        return host
    labels = [(_unicode_label(x) or x) if x.startswith("xn--") else x for x in host.split(".")]
    return f"{host} ({'.'.join(labels)})"


def url_warnings(url: str, host: str, allowed: Collection[str]) -> list[tuple[str, str, str]]:
    """(rule, message, hint) for each trick a normalised target URL shows; none for a host
    in ``allowed`` (the site's own word that it is fine)."""
    if allowed and matches(host, allowed):
        return []
    found = list(host_warnings(host))
    if "@" not in url:  # no user name (the usual target): nothing more to look at
        return found
    authority = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        shown = authority.rpartition("@")[0]
        found.append((
            "target-userinfo",
            f"the target has {shown!r} before '@': it goes to {host}, not to {shown}",
            "remove the part before '@' (browsers treat it as a user name)",
        ))  # fmt: skip
    return found
