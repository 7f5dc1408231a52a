"""What every section's rules share: the keys each section takes, the problems collected
with a path into the document (positioned at the end, which keeps validation free of YAML
and lets the loader be swapped), and the checks of a value that any section may hold: a
URL, a status, a date, a text, a flag, a target against the site's policy."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from datetime import date, datetime
from itertools import islice
from typing import Any

from .. import abuse
from ..apps import parse_app_target
from ..load import INVALID, Document
from ..model import (
    ALLOWED_STATUS,
    Site,
    Target,
)
from ..problems import ERROR, WARNING, Path, PendingProblem, Problem, shown
from ..times import TimeError, instant
from ..urls import UrlError, parse_target

TOP_KEYS = ("site", "links", "campaigns")
SITE_KEYS = (
    "domain",
    "timezone",
    "home",
    "status",
    "hosts",
    "plans",
    "language",
    "links_json",
    "qr",
    "preview",
    "allow_domains",
    "deny_domains",
    "domains",
    "analytics",
    "expired",
    "not_found",
    "utm",
    "app_schemes",
)
ANALYTICS_KEYS = ("provider", "site", "url")
DOMAIN_KEYS = ("domain", "home")
HOME_KEYS = ("url", "repoint_from")
LINK_KEYS = (
    "url",
    "expires",
    "starts",
    "status",
    "title",
    "description",
    "image",
    "open_in_browser",
    "tags",
    "aliases",
    "forward_query",
    "expired",
    "repoint_from",
    "domains",
    "devices",
    "languages",
    "countries",
    "variants",
    "password",
    "miniprogram",
    "fallback",
    "analytics",
    "utm",
)
MAX_TITLE = 300
MAX_DESCRIPTION = 1000

# Words people reach for that difflib would not match to the right key.
_SYNONYMS = {
    "target": "url",
    "href": "url",
    "link": "url",
    "to": "url",
    "destination": "url",
    "expiry": "expires",
    "expire_at": "expires",
    "until": "expires",
    "start": "starts",
    "from": "starts",
    "alias": "aliases",
    "name": "title",
    "code": "status",
    "redirect": "status",
    "permanent": "status",
    "tz": "timezone",
    "time_zone": "timezone",
    "host": "domain",
}


def did_you_mean(key: object, known: tuple[str, ...]) -> str | None:
    # difflib is quadratic: a long value (a hostile 50 MB one) is no misspelt key
    if not isinstance(key, str) or len(key) > 100:
        return None
    low = key.lower().replace("-", "_")
    if low in known:
        return low
    if low in _SYNONYMS and _SYNONYMS[low] in known:
        return _SYNONYMS[low]
    close = difflib.get_close_matches(low, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane: never text, and a parse
    error in an HTML page ("noncharacter-in-input-stream")."""
    o = ord(ch)
    return 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE


class Checker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.pending: list[PendingProblem] = []
        self.homes: list[tuple[Target, Path]] = []  # checked by site policy once it is known
        self._instants: dict[tuple[date, Any, bool], datetime] = {}  # (when)

    def error(
        self, rule: str, path: Path, message: str, hint: str | None = None, at: str = "value"
    ) -> None:
        self.pending.append(PendingProblem(tuple(path), ERROR, message, hint, at, rule=rule))

    def warn(
        self, rule: str, path: Path, message: str, hint: str | None = None, at: str = "value"
    ) -> None:
        self.pending.append(PendingProblem(tuple(path), WARNING, message, hint, at, rule=rule))

    def positioned(self) -> list[Problem]:
        out = []
        for p in self.pending:
            line, col = self.doc.locate(p.path, p.at)
            out.append(
                Problem(line, col, p.severity, p.message, p.hint, self.doc.filename, rule=p.rule)
            )
        return out

    def unknown_keys(self, mapping: dict, known: tuple[str, ...], path: Path, where: str) -> None:
        for key in mapping:
            if key in known:
                continue
            guess = did_you_mean(key, known)
            hint = f"did you mean '{guess}'?" if guess else f"known keys: {', '.join(known)}"
            self.error(
                "unknown-key", (*path, key), f"unknown key {key!r} in {where}", hint, at="key"
            )

    def mapping(self, value: Any, path: Path, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        if value is INVALID:
            return None
        self.error(
            "not-a-mapping",
            path,
            f"{what} must be a mapping of 'key: value' lines, got {_kind(value)}",
        )
        return None

    def target(
        self, value: Any, path: Path, apps: Site | None = None, any_app: bool = False
    ) -> Target | None:
        """``value`` as a target (an error said when it is none). ``apps``: the site whose
        apps it may open as well (a link's url: tel:, mailto:, sms:, site.app_schemes);
        ``any_app``: any app's (a target it was published with: repoint_from)."""
        if value is INVALID:
            return None
        try:
            return parse_target(value)
        except UrlError as exc:
            try:
                if exc.scheme is None or apps is None:
                    raise
                allowed = (*apps.app_schemes, exc.scheme) if any_app else apps.app_schemes
                return parse_app_target(value, exc.scheme, allowed)
            except UrlError as said:
                self.error(said.rule, path, str(said), said.hint)
                return None

    def status(self, value: Any, path: Path) -> int | None:
        if value is INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in ALLOWED_STATUS:
            self.error(
                "status-value",
                path,
                f"status must be 301, 302, 307 or 308, not {shown(value)}",
                "302 (the default) keeps the link repointable; see 'status' in the docs",
            )
            return None
        return value

    def when(
        self, value: dict, key: str, path: Path, tz: Any, *, end_of_day: bool
    ) -> datetime | None:
        if key not in value or value[key] is INVALID:
            return None
        written = value[key]
        # a file names few days, each many times (the reader gives each one date object):
        # each day's instant is made once
        day = (written, tz, end_of_day) if written.__class__ is date else None
        if day is not None and day in self._instants:
            return self._instants[day]
        try:
            at = instant(written, tz, end_of_day=end_of_day)
        except TimeError as exc:
            self.error(exc.rule, (*path, key), f"{key}: {exc}", exc.hint)
            return None
        if day is not None:
            self._instants[day] = at
        return at

    def text(self, value: Any, path: Path, limit: int, multiline: bool = False) -> str | None:
        if value is INVALID:
            return None
        if not isinstance(value, str):
            self.error(
                "text-type", path, f"expected text, got {_kind(value)}", "put the text in quotes"
            )
            return None
        if len(value) > limit:
            self.error(
                "text-too-long", path, f"text is {len(value)} characters long; the limit is {limit}"
            )
            return None
        allowed = "\t\n" if multiline else "\t"
        # C0 and C1 controls and DEL (U+009B starts a terminal's escape sequence), the
        # Unicode line breaks, which a page or a terminal would show as a new line, and
        # noncharacters. None of them is printable: a printable text (a Chinese title too)
        # is passed at C speed, and only the rest is looked at character by character.
        if not value.isprintable() and any(
            (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" or _noncharacter(c))
            and c not in allowed
            for c in value
        ):
            self.error(
                "text-control",
                path,
                "text contains a control character or a line break",
                "keep it on one line",
            )
            return None
        return value

    def flag(
        self, data: dict, key: str, path: Path, *, default: bool, expected: str = "true or false"
    ) -> bool:
        """A true/false key of ``data``; ``default`` when absent or wrong (and said so).
        ``expected``: what the message says the key takes (a key with a word as well)."""
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool):
            word = str(value).lower()
            written = self.doc.yaml11_boolean((*path, key))
            if written is not None:  # the same words as for a quoted "no" below
                self.error(
                    "yaml11-boolean",
                    (*path, key),
                    f"{key} must be {expected}, not {shown(written)}",
                    f"write {word}: this check (YAML 1.1) reads {written} as {word}, "
                    "editors (YAML 1.2) as text",
                )
            return value
        if value is not INVALID:
            self.error(
                "boolean-value",
                (*path, key),
                f"{key} must be true or false, not {shown(value)}",
                "write true or false",
            )
        return default

    def policy(self, target: Target, path: Path, site: Site) -> None:
        """The site's allow and deny lists, then the abuse heuristics (abuse.py)."""
        url = target.url
        # without a user name the verdict is the host's alone: a host found fine once is
        # not looked at again (a shop's 100,000 links name a few hosts)
        fine = self._fine_hosts
        if fine is None or fine[0] is not site:
            fine = self._fine_hosts = (site, set())
            self._fine_start = None
        # and the links one after the other to one host (most), told by how they start
        start = self._fine_start
        if start is not None and url.startswith(start) and "@" not in url:
            return
        host = abuse.host_of(url)
        if host in fine[1] and "@" not in url:
            self._fine_start = abuse.host_start(url)
            return
        deny, allow = self.policy_sets(site)
        if deny and abuse.matches(host, deny):
            self.error(
                "deny-domains",
                path,
                f"targets on {host} are refused by site.deny_domains",
                "link somewhere else, or take the domain off the list",
            )
        elif allow and not abuse.matches(host, allow):
            self.error(
                "allow-domains",
                path,
                f"{host} is not in site.allow_domains",
                "add the domain to site.allow_domains if links may go there",
            )
        else:
            said = abuse.url_warnings(url, host, site.allow_domains)
            for rule, message, hint in said:
                self.warn(rule, path, message, hint)
            if not said and "@" not in url:
                fine[1].add(host)

    _fine_hosts: tuple[Site, set[str]] | None = None
    _fine_start: str | None = None  # a URL's start whose host is in _fine_hosts (host_start)

    def policy_sets(self, site: Site) -> tuple[frozenset[str], frozenset[str]]:
        """site.deny_domains and site.allow_domains as sets, made once (abuse.matches)."""
        if self._policy is None or self._policy[0] is not site:
            sets = (frozenset(site.deny_domains), frozenset(site.allow_domains))
            self._policy = (site, sets)
        return self._policy[1]

    _policy: tuple[Site, tuple[frozenset[str], frozenset[str]]] | None = None


def _listed(names: Collection[str], most: int = 10) -> str:
    """Names for a hint, the first ``most`` of them: a message per link that listed all of
    a long site.domains made the output grow with links times domains."""
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(list(islice(names, most))) + f", ... ({len(names)} in all)"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, datetime):
        return "a date and time"
    if hasattr(value, "isoformat"):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
