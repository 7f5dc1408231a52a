"""Plain values -> the model, or every problem at once.

Each rule lives here next to its message. Problems are collected with a path
into the document and positioned at the end, which keeps this module free of
YAML and lets the loader be swapped.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Collection
from datetime import date, datetime
from itertools import islice
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

from . import abuse, analytics, finder
from . import slugs as slugrules
from .hosts import HOSTS, exposed_problem
from .i18n import LANGUAGES
from .load import INVALID, Document
from .model import (
    ALLOWED_STATUS,
    ANALYTICS,
    DEFAULT_STATUS,
    PERMANENT,
    PLATFORMS,
    Analytics,
    Campaign,
    Distributor,
    Domain,
    Link,
    LinkSet,
    Site,
    Target,
)
from .problems import ERROR, WARNING, Path, PendingProblem, Problem, shown
from .times import TimeError, instant, zone
from .urls import UrlError, host_and_path, host_name, parse_target

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
    "password",
    "analytics",
)
# A campaign takes a link's keys but the ones that name one slug, and its own.
CAMPAIGN_KEYS = (
    *(k for k in LINK_KEYS if k != "aliases"),
    "slug",
    "utm",
    "ref",
    "distributors",
)
UTM_KEYS = ("source", "medium", "campaign", "content", "term")
DEFAULT_UTM = {"source": "{code}", "medium": "distributor", "campaign": "{campaign}"}
DISTRIBUTOR_KEYS = ("code", "name")
MAX_CODE = 50
_CODE = re.compile(rf"[A-Za-z0-9_\-]{{1,{MAX_CODE}}}")
# A slug of ASCII letters, digits, '-', '_' and '~': its collision key is its lower case
# (NFKC and case folding change nothing else, and none of it is trailing punctuation)
_PLAIN_KEY = re.compile(r"[A-Za-z0-9~_\-]*")
MAX_PASSWORD = 200
MIN_PASSWORD = 8  # shorter ones are warned of: the encrypted target is public
# Words people write for a platform (devices:)
_PLATFORM_WORDS = {
    "iphone": "ios",
    "ipad": "ios",
    "apple": "ios",
    "app_store": "ios",
    "appstore": "ios",
    "google_play": "android",
    "play": "android",
    "weixin": "wechat",
    "pc": "desktop",
    "web": "desktop",
    "computer": "desktop",
}
MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_TAG = 50

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


class _Checker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.pending: list[PendingProblem] = []
        self.homes: list[tuple[Target, Path]] = []  # checked by site policy once it is known
        self._instants: dict[tuple[date, Any, bool], datetime] = {}  # (when)

    def error(self, path: Path, message: str, hint: str | None = None, at: str = "value") -> None:
        self.pending.append(PendingProblem(tuple(path), ERROR, message, hint, at))

    def warn(self, path: Path, message: str, hint: str | None = None, at: str = "value") -> None:
        self.pending.append(PendingProblem(tuple(path), WARNING, message, hint, at))

    def positioned(self) -> list[Problem]:
        out = []
        for p in self.pending:
            line, col = self.doc.locate(p.path, p.at)
            out.append(Problem(line, col, p.severity, p.message, p.hint, self.doc.filename))
        return out

    # -- helpers ----------------------------------------------------------

    def unknown_keys(self, mapping: dict, known: tuple[str, ...], path: Path, where: str) -> None:
        for key in mapping:
            if key in known:
                continue
            guess = did_you_mean(key, known)
            hint = f"did you mean '{guess}'?" if guess else f"known keys: {', '.join(known)}"
            self.error((*path, key), f"unknown key {key!r} in {where}", hint, at="key")

    def mapping(self, value: Any, path: Path, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        if value is INVALID:
            return None
        self.error(path, f"{what} must be a mapping of 'key: value' lines, got {_kind(value)}")
        return None

    def target(self, value: Any, path: Path) -> Target | None:
        if value is INVALID:
            return None
        try:
            return parse_target(value)
        except UrlError as exc:
            self.error(path, str(exc), exc.hint)
            return None

    def status(self, value: Any, path: Path) -> int | None:
        if value is INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in ALLOWED_STATUS:
            self.error(
                path,
                f"status must be 301, 302, 307 or 308, not {shown(value)}",
                "302 (the default) keeps the link repointable; see 'status' in the docs",
            )
            return None
        return value

    # -- sections ---------------------------------------------------------

    def site(self, raw: Any) -> Site:
        if raw is None:
            return Site()
        data = self.mapping(raw, ("site",), "'site'")
        if data is None:
            return Site()
        self.unknown_keys(data, SITE_KEYS, ("site",), "site")
        domain = data.get("domain")
        if domain is not None:
            domain = self.domain(domain)
        domains = self.short_domains(data) if "domains" in data else ()
        if domains and "domain" in data:
            self.error(
                ("site", "domain"),
                "site has both 'domain' and 'domains'",
                "list every short domain under 'domains' (the first is the default) and "
                "remove 'domain'",
                at="key",
            )
        if domains:
            domain = domains[0].name
        analytics = self.analytics(data["analytics"]) if "analytics" in data else None
        tzname = "UTC"
        if "timezone" in data:
            try:
                zone(data["timezone"])
                tzname = data["timezone"]
            except TimeError as exc:
                self.error(("site", "timezone"), str(exc), exc.hint)
        home, home_moved = (
            self.home(data["home"], ("site", "home")) if "home" in data else (None, None)
        )
        status = DEFAULT_STATUS
        if "status" in data:
            status = self.status(data["status"], ("site", "status")) or DEFAULT_STATUS
        hosts = self.hosts(data["hosts"]) if "hosts" in data else ()
        plans = self.plans(data["plans"]) if "plans" in data else ()
        language = self.language(data["language"]) if "language" in data else "en"
        links_json = self.flag(data, "links_json", ("site",), default=True)
        if not links_json and (said := exposed_problem(hosts)):  # hosts: site.hosts
            self.error(("site", "links_json"), *said)
        qr = self.qr(data)
        preview = self.preview(data)
        allow = self.domains(data, "allow_domains")
        deny = self.domains(data, "deny_domains")
        site = Site(
            allow_domains=allow,
            deny_domains=deny,
            domains=domains,
            analytics=analytics,
            domain=domain,
            timezone=tzname,
            home=home,
            home_repoint_from=home_moved,
            status=status,
            hosts=hosts,
            plans=plans,
            language=language,
            links_json=links_json,
            qr=qr,
            preview=preview,
        )
        for target, where in self.homes:  # a visitor is sent there like to any link's target
            self.policy(target, where, site)
        return site

    def home(self, value: Any, path: Path) -> tuple[Target | None, Target | None]:
        """Where a short domain's '/' goes: a URL, or ``{url: ..., repoint_from: ...}`` to
        move a published one on deliberately (links.lock records it: lock.py)."""
        if not isinstance(value, dict):
            target = self.target(value, path)
            if target is not None:
                self.homes.append((target, path))
            return target, None
        self.unknown_keys(value, HOME_KEYS, path, "home")
        if "url" not in value:
            self.error(path, "home has no 'url'", "home: {url: https://...}", at="key")
            return None, None
        target = self.target(value["url"], (*path, "url"))
        if target is not None:
            self.homes.append((target, (*path, "url")))
        moved = None
        if "repoint_from" in value:
            moved = self.target(value["repoint_from"], (*path, "repoint_from"))
        return target, moved

    def domains(self, data: dict, key: str) -> tuple[str, ...]:
        """A list of domains as targets' hosts are compared: lowercase, punycode."""
        path = ("site", key)
        value = data.get(key)
        if key not in data or value is INVALID:
            return ()
        if not isinstance(value, list):
            self.error(path, f"{key} must be a list of domains like [example.com]")
            return ()
        out = []
        for i, name in enumerate(value):
            bare = name.strip().lstrip(".") if isinstance(name, str) else ""
            try:
                if not bare or "/" in bare or "@" in bare:
                    raise UrlError("not a bare domain")
                out.append(host_name(bare))
            except UrlError:
                self.error((*path, i), f"{shown(name)} in {key} is not a domain like example.com")
        return tuple(out)

    def policy(self, target: Target, path: Path, site: Site) -> None:
        """The site's allow and deny lists, then the abuse heuristics (abuse.py)."""
        url = target.url
        host = abuse.host_of(url)
        # without a user name the verdict is the host's alone: a host found fine once is
        # not looked at again (a shop's 100,000 links name a few hosts)
        fine = self._fine_hosts
        if fine is None or fine[0] is not site:
            fine = self._fine_hosts = (site, set())
        if host in fine[1] and "@" not in url:
            return
        deny, allow = self.policy_sets(site)
        if deny and abuse.matches(host, deny):
            self.error(
                path,
                f"targets on {host} are refused by site.deny_domains",
                "link somewhere else, or take the domain off the list",
            )
        elif allow and not abuse.matches(host, allow):
            self.error(
                path,
                f"{host} is not in site.allow_domains",
                "add the domain to site.allow_domains if links may go there",
            )
        else:
            said = abuse.url_warnings(url, host, site.allow_domains)
            for message, hint in said:
                self.warn(path, message, hint)
            if not said and "@" not in url:
                fine[1].add(host)

    _fine_hosts: tuple[Site, set[str]] | None = None

    def policy_sets(self, site: Site) -> tuple[frozenset[str], frozenset[str]]:
        """site.deny_domains and site.allow_domains as sets, made once (abuse.matches)."""
        if self._policy is None or self._policy[0] is not site:
            sets = (frozenset(site.deny_domains), frozenset(site.allow_domains))
            self._policy = (site, sets)
        return self._policy[1]

    _policy: tuple[Site, tuple[frozenset[str], frozenset[str]]] | None = None

    def language(self, value: Any) -> str:
        if value is INVALID:
            return "en"
        if value in LANGUAGES:
            return value
        guess = did_you_mean(value, LANGUAGES) if isinstance(value, str) else None
        if isinstance(value, str) and value.lower().startswith("zh"):
            guess = "zh"
        self.error(
            ("site", "language"),
            f"unknown language {shown(value)}",
            f"did you mean '{guess}'?" if guess else f"languages: {', '.join(LANGUAGES)}",
        )
        return "en"

    def hosts(self, value: Any) -> tuple[str, ...]:
        path = ("site", "hosts")
        if isinstance(value, str):
            value = [value]
        if value is INVALID:
            return ()
        if not isinstance(value, list) or not value:
            self.error(
                path, "hosts must be a list of host names", f"known hosts: {', '.join(HOSTS)}"
            )
            return ()
        out = []
        for i, name in enumerate(value):
            if name in HOSTS:
                out.append(name)
                continue
            guess = did_you_mean(name, tuple(HOSTS)) if isinstance(name, str) else None
            self.error(
                (*path, i),
                f"unknown host {shown(name)}",
                f"did you mean '{guess}'?" if guess else f"known hosts: {', '.join(HOSTS)}",
            )
        return tuple(out)

    def plans(self, value: Any) -> tuple[tuple[str, str], ...]:
        """site.plans: the plan the site is on, for each host whose caps depend on it
        (generator/limits.py checks the build against them)."""
        path: Path = ("site", "plans")
        choices = {name: host.limits.plans for name, host in HOSTS.items() if host.limits.plans}
        known = ", ".join(f"{name} ({' or '.join(plans)})" for name, plans in choices.items())
        data = self.mapping(value, path, "'plans'")
        if data is None:
            return ()
        out = []
        for name, plan in data.items():
            if name not in HOSTS:
                guess = did_you_mean(name, tuple(HOSTS)) if isinstance(name, str) else None
                hint = f"did you mean '{guess}'?" if guess else f"hosts with plans: {known}"
                self.error((*path, name), f"unknown host {shown(name)}", hint, at="key")
            elif name not in choices:
                self.error(
                    (*path, name),
                    f"there is no plan to choose for {HOSTS[name].title}",
                    f"its limits are the same on every plan; hosts with plans: {known}",
                    at="key",
                )
            elif plan not in choices[name]:
                self.error(
                    (*path, name),
                    f"unknown plan {shown(plan)} for {HOSTS[name].title}",
                    f"{name}: {' or '.join(choices[name])} (the first is the default)",
                )
            else:
                out.append((name, plan))
        return tuple(out)

    def short_domains(self, data: dict) -> tuple[Domain, ...]:
        """site.domains: each a host name, or ``{domain: ..., home: ...}``; the first is
        the default (links that name no domain live there)."""
        path: Path = ("site", "domains")
        value = data["domains"]
        if value is INVALID:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error(
                path,
                "domains must be a list of host names, the default first",
                "domains: [go.example.com, sale.example.cn]",
            )
            return ()
        out: list[Domain] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            where: Path = (*path, i)
            home = home_moved = None
            if isinstance(item, dict):
                self.unknown_keys(item, DOMAIN_KEYS, where, "a domain")
                if "home" in item:
                    home, home_moved = self.home(item["home"], (*where, "home"))
                if "domain" not in item:
                    self.error(where, "this domain has no 'domain: <host name>'")
                    continue
                name = self.domain(item["domain"], (*where, "domain"))
            elif item is INVALID:
                continue
            else:
                name = self.domain(item, where)
            if name is None:
                continue
            if name in seen:
                self.error(where, f"domain {name} is listed twice (also item {seen[name] + 1})")
                continue
            if name == "domains.json":  # the build's own list, beside the domains' folders
                self.error(where, "'domains.json' is the name of the build's list of domains")
                continue
            seen[name] = i
            out.append(Domain(name, home, home_moved))
        return tuple(out)

    def analytics(self, value: Any) -> Analytics | None:
        """site.analytics: which counter, which site on it, and (self-hosted) where."""
        path: Path = ("site", "analytics")
        data = self.mapping(value, path, "'analytics'")
        if data is None:
            return None
        self.unknown_keys(data, ANALYTICS_KEYS, path, "analytics")
        provider = data.get("provider")
        if provider not in ANALYTICS:
            if "provider" in data and provider is not INVALID:
                guess = did_you_mean(provider, ANALYTICS)
                self.error(
                    (*path, "provider"),
                    f"unknown analytics provider {shown(provider)}",
                    f"did you mean '{guess}'?" if guess else f"providers: {', '.join(ANALYTICS)}",
                )
            elif "provider" not in data:
                self.error(path, "analytics has no 'provider'", f"one of {', '.join(ANALYTICS)}")
            return None
        code = data.get("site")
        if code is INVALID:
            return None
        if not isinstance(code, str) or not code.strip() or not code.isprintable():
            self.error(
                (*path, "site") if "site" in data else path,
                f"analytics needs 'site': {analytics.SITE_HELP[provider]}",
            )
            return None
        base = None
        if "url" in data:
            base = self.target(data["url"], (*path, "url"))
            if base is None:
                return None
            parts = urlsplit(base.url)
            if "@" in parts.netloc or parts.query or parts.fragment or "?" in base.url:
                self.error(
                    (*path, "url"),
                    "the counter's url must be its address alone: no user, query or fragment",
                    "url: https://stats.example.com (every page would publish the rest)",
                )
                return None
            if base.url.startswith("http://"):
                self.warn(
                    (*path, "url"),
                    "the counter is on plain http: browsers block its beacon from an https page",
                    "use its https:// address",
                )
        try:
            endpoint = analytics.endpoint(provider, code.strip(), base.url if base else None)
        except ValueError as exc:
            self.error((*path, "site"), str(exc))
            return None
        return Analytics(provider, code.strip(), endpoint)

    def domain(self, value: Any, path: Path = ("site", "domain")) -> str | None:
        if not isinstance(value, str) or not value:
            self.error(path, f"domain must be a host name like go.example.com, got {shown(value)}")
            return None
        if any(mark in value for mark in ("://", "/", "@", ":", "?", "#")):  # no user or port
            bare = value.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[2]
            bare = bare.partition(":")[0].partition("?")[0].partition("#")[0]
            self.error(
                path, f"domain {shown(value)} must be a bare host name", f"write {shown(bare)}"
            )
            return None
        try:
            return host_name(value)
        except UrlError as exc:
            self.error(path, f"domain {shown(value)} is not a valid host name", exc.hint)
            return None

    def links(self, raw: Any, site: Site) -> list[Link]:
        if raw is None:
            if "links" not in (self.doc.data or {}) and "campaigns" not in (self.doc.data or {}):
                self.error(
                    (), "the file has no 'links:' section", "add 'links:' with one slug per line"
                )
            elif not (self.doc.data or {}).get("campaigns"):
                self.warn(("links",), "'links' is empty: the site will have no short links")
            return []
        data = self.mapping(raw, ("links",), "'links'")
        if data is None:
            return []
        tz = zone(site.timezone)
        out = []
        for slug, value in data.items():
            link = self.link(slug, value, site, tz)
            if link is not None:
                out.append(link)
        return out

    def slug(self, slug: Any, path: Path, what: str = "slug") -> bool:
        if not isinstance(slug, str):
            written = self.doc.key_text(path) if what == "slug" else None
            shown = written if written is not None else repr(slug)
            self.error(
                path,
                f"{what} {shown} is read by YAML as {_kind(slug)}, not as text",
                f"quote it: '{shown}'",
                at="key" if what == "slug" else "value",
            )
            return False
        ok = True
        for message, hint in slugrules.slug_problems(slug):
            self.error(path, message, hint, at="key" if what == "slug" else "value")
            ok = False
        return ok

    def split_key(self, key: Any, path: Path, site: Site) -> tuple[Any, str | None]:
        """``slug@domain`` -> (slug, domain): the same slug on another of site.domains
        (a slug has no '@', so the key reads one way only)."""
        if not isinstance(key, str) or "@" not in key:
            return key, None
        slug, _, name = key.rpartition("@")
        names = self.domain_rank(site)
        if not names:
            self.error(
                path,
                f"{shown(key)}: '@{shown(name)}' names a domain, and site.domains lists none",
                "list the short domains under site.domains, or drop the '@' part",
                at="key",
            )
            return slug, None
        found = self.known_domain(name, names)
        if found is None:
            self.error(
                path,
                f"{shown(name)} (in {shown(key)}) is not one of site.domains",
                f"domains: {_listed(names)}",
                at="key",
            )
        return slug, found

    def domain_rank(self, site: Site) -> dict[str, int]:
        """site.domains' names, each with its place in the list: made once, not a list for
        every link that names a domain (looked up in, and indexed, that cost each such link
        the length of site.domains)."""
        if self._ranked is None or self._ranked[0] is not site:
            self._ranked = (site, {d.name: i for i, d in enumerate(site.domains)})
        return self._ranked[1]

    _ranked: tuple[Site, dict[str, int]] | None = None

    @staticmethod
    def known_domain(name: Any, names: Collection[str]) -> str | None:
        """``name`` as site.domains has it (lowercase, punycode), or None."""
        if not isinstance(name, str) or not name:
            return None
        try:
            bare = host_name(name)
        except UrlError:
            return None
        return bare if bare in names else None

    def link_domains(self, value: Any, path: Path, site: Site) -> tuple[str, ...]:
        """A link's ``domains:``: names from site.domains, or ``all``."""
        names = self.domain_rank(site)
        if value is INVALID:
            return ()
        if not names:
            self.error(
                path,
                "'domains' names the short domains a link lives on, and site.domains lists none",
                "list them under site.domains first (the first is the default)",
                at="key",
            )
            return ()
        if value == "all":
            return tuple(names)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error(path, "domains must be a list of site.domains, or 'all'")
            return ()
        out: dict[str, None] = {}
        for i, name in enumerate(value):
            found = self.known_domain(name, names)
            if found is None:
                if name is not INVALID:
                    self.error(
                        (*path, i),
                        f"{shown(name)} is not one of site.domains",
                        f"domains: {_listed(names)}",
                    )
            else:
                out.setdefault(found)
        return tuple(sorted(out, key=names.__getitem__))

    def devices(self, value: Any, path: Path, site: Site) -> tuple[tuple[str, Target], ...]:
        """``devices: {ios: URL, android: URL, desktop: URL, wechat: URL}``."""
        data = self.mapping(value, path, "'devices'")
        if data is None:
            return ()
        found: dict[str, Target] = {}
        for name, url in data.items():
            word = name.lower().replace("-", "_").replace(" ", "_") if isinstance(name, str) else ""
            if name not in PLATFORMS:
                guess = _PLATFORM_WORDS.get(word) or did_you_mean(name, PLATFORMS)
                self.error(
                    (*path, name),
                    f"unknown platform {shown(name)} in devices",
                    f"did you mean '{guess}'?"
                    if guess
                    else f"platforms: {', '.join(PLATFORMS)} (any other visitor gets 'url')",
                    at="key",
                )
                continue
            target = self.target(url, (*path, name))
            if target is not None:
                self.policy(target, (*path, name), site)
                found[name] = target
        if isinstance(value, dict) and not value:
            self.error(path, "devices is empty", "name a platform and its URL, or remove it")
        return tuple((p, found[p]) for p in PLATFORMS if p in found)

    def password(self, value: Any, path: Path) -> str | None:
        if value is INVALID:
            return None
        if not isinstance(value, str) or not value:
            # 'password: 01234567' is read by YAML as a number (octal, here): never guessed at
            self.error(
                path,
                f"password must be text, got {_kind(value)}",
                "put it in quotes: password: '01234567'",
            )
            return None
        text = self.text(value, path, MAX_PASSWORD)
        if text is None:
            return None
        if len(text) < MIN_PASSWORD:
            self.warn(
                path,
                f"the password is {len(text)} characters long: the encrypted target is "
                "published, and short passwords are guessed offline",
                f"use {MIN_PASSWORD} characters or more (see docs/links-yaml.md, 'password')",
            )
        return text

    def link(self, key: Any, value: Any, site: Site, tz: Any) -> Link | None:
        path: Path = ("links", key)
        on = None
        slug = key
        if key.__class__ is str and "@" in key:  # 'slug@domain' (a slug has no '@')
            slug, on = self.split_key(key, path, site)
        slug_ok = self.slug(slug, path)
        line = self.doc.locate(path, "key")[0]
        if value is INVALID:
            return None
        if value.__class__ is str:  # the short form, most links: as quick as it can be
            target = self.target(value, path)
            if target:
                self.policy(target, path, site)
            if not (slug_ok and target):
                return None
            if on is None and not site.domains and site.analytics is None:
                return Link(slug, target, line, site.status)
            return Link(
                slug,
                target,
                line,
                site.status,
                domains=(on,) if on else self._default_domains(site),
                counted=site.analytics is not None,
                source=path if on else (),
            )
        if value is None:
            self.error(path, f"link {slug!r} has no URL", "write 'slug: https://...'", at="key")
            return None
        if not isinstance(value, dict):
            self.target(value, path)  # a number, a list: said as what a URL cannot be
            return None

        self.unknown_keys(value, LINK_KEYS, path, f"link {slug!r}")
        fields = self.link_fields(slug, value, path, site, tz)
        if fields is None or not slug_ok:
            return None
        if on is not None:
            if "domains" in value:
                self.error(
                    (*path, "domains"),
                    f"{shown(key)} names its domain after '@' and in 'domains'",
                    "keep one of them",
                    at="key",
                )
            fields["domains"] = (on,)
        elif not fields["domains"]:
            fields["domains"] = self._default_domains(site)
        return Link(slug=slug, line=line, **fields, source=path if on else ())

    @staticmethod
    def _default_domains(site: Site) -> tuple[str, ...]:
        """Where a link that names no domain lives: the first of site.domains."""
        return (site.domains[0].name,) if site.domains else ()

    def link_fields(
        self, slug: Any, value: dict, path: Path, site: Site, tz: Any
    ) -> dict[str, Any] | None:
        """The keys of a link written out in full (or of a campaign), as Link's fields but
        its slug and line; None when it has no valid target."""
        target = None
        if "url" in value:
            target = self.target(value["url"], (*path, "url"))
            if target:
                self.policy(target, (*path, "url"), site)
        elif not any(did_you_mean(k, LINK_KEYS) == "url" for k in value):
            # (a misspelt url key has its own error with a "did you mean")
            self.error(path, f"link {slug!r} has no 'url'", "add 'url: https://...'", at="key")

        starts = self.when(value, "starts", path, tz, end_of_day=False)
        expires = self.when(value, "expires", path, tz, end_of_day=True)
        if starts and expires and starts >= expires:
            self.error(
                (*path, "starts"),
                f"link {slug!r} starts ({starts.isoformat()}) at or after it expires "
                f"({expires.isoformat()})",
                "a bare date in 'expires' lasts through the end of that day",
            )

        status = site.status
        if "status" in value:
            status = self.status(value["status"], (*path, "status")) or site.status
            if status in PERMANENT and "expires" in value:
                self.error(
                    (*path, "status"),
                    f"link {slug!r} expires, so it cannot use the permanent status {status}",
                    "browsers cache 301/308 forever and would keep redirecting after expiry; "
                    "remove 'status' (302 is the default)",
                )
        if status in PERMANENT and expires is not None:
            # Inherited from site.status: quietly use the temporary twin.
            status = 302 if status == 301 else 307

        title = None
        if "title" in value:
            title = self.text(value["title"], (*path, "title"), MAX_TITLE)
        description = None
        if "description" in value:
            description = self.text(
                value["description"], (*path, "description"), MAX_DESCRIPTION, multiline=True
            )

        image = self.target(value["image"], (*path, "image")) if "image" in value else None
        if image is not None and image.url.startswith("http://"):
            self.warn(
                (*path, "image"),
                "the card image is on plain http: most chat apps will not load it",
                "use an https:// address",
            )
        open_in_browser = self.flag(value, "open_in_browser", path, default=False)

        aliases = self.aliases(value.get("aliases"), path) if "aliases" in value else ()
        tags = self.tags(value["tags"], (*path, "tags")) if "tags" in value else ()

        forward_query = self.flag(value, "forward_query", path, default=True)

        expired = None
        if "expired" in value:
            expired = self.target(value["expired"], (*path, "expired"))
            if expired:
                self.policy(expired, (*path, "expired"), site)
            if "expires" not in value:
                self.warn(
                    (*path, "expired"),
                    f"link {slug!r} has 'expired' but no 'expires', so it is never used",
                    "add 'expires: YYYY-MM-DD' or remove 'expired'",
                    at="key",
                )
        repoint_from = None
        if "repoint_from" in value:  # compared with links.lock by check (lock.py)
            repoint_from = self.target(value["repoint_from"], (*path, "repoint_from"))
        domains: tuple[str, ...] = ()
        if "domains" in value:
            domains = self.link_domains(value["domains"], (*path, "domains"), site)
        devices = (
            self.devices(value["devices"], (*path, "devices"), site) if "devices" in value else ()
        )
        password = None
        if "password" in value:
            password = self.password(value["password"], (*path, "password"))
            if password is not None and open_in_browser:
                self.error(
                    (*path, "open_in_browser"),
                    f"link {slug!r} has a password, and its open-in-browser page would show "
                    "the target to anyone",
                    "remove 'open_in_browser' (the password page works in WeChat too)",
                    at="key",
                )
        counted = site.analytics is not None
        if "analytics" in value:
            flag = self.flag(value, "analytics", path, default=True)
            if site.analytics is None:
                self.warn(
                    (*path, "analytics"),
                    "'analytics' has no effect: site.analytics names no counter",
                    "configure site.analytics, or remove it from the link",
                    at="key",
                )
            counted = counted and flag
        if target is None:
            return None
        return {
            "target": target,
            "status": status,
            "starts": starts,
            "expires": expires,
            "title": title,
            "description": description,
            "image": image,
            "open_in_browser": open_in_browser,
            "aliases": aliases,
            "tags": tags,
            "forward_query": forward_query,
            "expired": expired,
            "repoint_from": repoint_from,
            "domains": domains,
            "devices": devices,
            "password": password,
            "counted": counted,
        }

    def campaigns(self, raw: Any, site: Site) -> tuple[list[Link], list[Campaign]]:
        """``campaigns:``: each one target and its distributors, expanded to one tracked
        link a distributor (slug from the pattern, tracking parameters on the target)."""
        if raw is None:
            return [], []
        data = self.mapping(raw, ("campaigns",), "'campaigns'")
        if data is None:
            return [], []
        tz = zone(site.timezone)
        links: list[Link] = []
        campaigns: list[Campaign] = []
        for name, value in data.items():
            made = self.campaign(name, value, site, tz)
            if made is not None:
                links.extend(made[0])
                campaigns.append(made[1])
        return links, campaigns

    def campaign(
        self, name: Any, value: Any, site: Site, tz: Any
    ) -> tuple[list[Link], Campaign] | None:
        path: Path = ("campaigns", name)
        if not isinstance(name, str) or not name.strip() or not name.isprintable():
            self.error(path, f"a campaign's name must be text, got {shown(name)}", at="key")
            return None
        data = self.mapping(value, path, f"campaign {name!r}")
        if data is None:
            return None
        self.unknown_keys(data, CAMPAIGN_KEYS, path, f"campaign {name!r}")
        if "url" not in data:
            self.error(path, f"campaign {name!r} has no 'url'", "add 'url: https://...'", at="key")
        pattern = data.get("slug", f"{name}-{{code}}")
        if not isinstance(pattern, str) or "{code}" not in pattern:
            self.error(
                (*path, "slug") if "slug" in data else path,
                f"campaign {name!r}: the slug pattern must contain {{code}}, got {shown(pattern)}",
                "slug: spring-{code}",
            )
            pattern = None
        params = self.tracking(data, path)
        fields = self.link_fields(name, data, path, site, tz)
        people = self.distributors(data.get("distributors"), path, name)
        if fields is None or pattern is None or params is None or people is None:
            return None
        base: Target = fields.pop("target")
        present = {
            k.split("=", 1)[0] for k in base.url.partition("#")[0].partition("?")[2].split("&")
        }
        for param in params:
            if param in present:
                self.error(
                    (*path, "url"),
                    f"campaign {name!r}: the url already has '{param}=', which the campaign adds",
                    f"remove '{param}=...' from the url (each distributor's link gets its own)",
                )
                return None
        if not fields["domains"]:
            fields["domains"] = (site.domains[0].name,) if site.domains else ()
        links: list[Link] = []
        for person, where in people:
            slug = pattern.replace("{code}", person.code)
            if not self.slug(slug, where, what="slug made from the pattern"):
                continue
            values = {"code": person.code, "name": person.name, "campaign": name}
            try:
                target = parse_target(_tracked(base.url, params, values))
                moved = fields["repoint_from"]  # the campaign's earlier url, tracked alike
                if moved is not None:
                    moved = parse_target(_tracked(moved.url, params, values))
                # every visitor counted under the distributor: the device targets too
                devices = tuple(
                    (p, parse_target(_tracked(t.url, params, values))) for p, t in fields["devices"]
                )
            except UrlError as exc:  # too long with the parameters, say
                self.error(where, f"{person.code}: {exc}", exc.hint)
                continue
            links.append(
                Link(
                    slug=slug,
                    line=self.doc.locate(where)[0],
                    **{**fields, "target": target, "repoint_from": moved, "devices": devices},
                    campaign=name,
                    distributor=person,
                    source=where,
                )
            )
        line = self.doc.locate(path, "key")[0]
        return links, Campaign(name, base, pattern, line, tuple(link.slug for link in links))

    def tracking(self, data: dict, path: Path) -> dict[str, str] | None:
        """The parameters each distributor's link adds: UTM (by default) and/or ``ref``."""
        params: dict[str, str] = {}
        if "utm" in data or "ref" not in data:
            utm = dict(DEFAULT_UTM)
            raw = data.get("utm")
            if raw is not None and raw is not INVALID:
                given = self.mapping(raw, (*path, "utm"), "'utm'")
                if given is None:
                    return None
                self.unknown_keys(given, UTM_KEYS, (*path, "utm"), "utm")
                for k, v in given.items():
                    if k in UTM_KEYS and self.pattern_text(v, (*path, "utm", k)):
                        utm[k] = v
                        if "{name}" in v:
                            self.warn(
                                (*path, "utm", k),
                                "{name} puts each distributor's name into the public target "
                                "URL (the page, the rule files and links.json publish it)",
                                "use {code} unless the names may be public",
                            )
            params.update({f"utm_{k}": v for k, v in utm.items() if k in UTM_KEYS})
        if "ref" in data:
            ref = data["ref"]
            if not isinstance(ref, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", ref):
                if ref is not INVALID:
                    self.error(
                        (*path, "ref"),
                        f"ref must be a query parameter name like 'ref', got {shown(ref)}",
                        "each distributor's link adds '<ref>=<code>'",
                    )
                return None
            params[ref] = "{code}"
        return params

    def pattern_text(self, value: Any, path: Path) -> bool:
        """A tracking value: text, with {code}, {name} or {campaign} in it if wanted."""
        if not isinstance(value, str) or not value or not value.isprintable():
            self.error(path, f"expected text, got {_kind(value)}", "utm: {medium: distributor}")
            return False
        try:  # only the three names, as they are: no '{code.upper}', no '{name!r:>9}'
            fields = [
                (field, spec, conversion)
                for _, field, spec, conversion in string.Formatter().parse(value)
                if field is not None
            ]
            bad = any(
                f not in ("code", "name", "campaign") or spec or conv for f, spec, conv in fields
            )
        except ValueError:
            bad = True
        if bad:
            self.error(
                path,
                f"{shown(value)} may only use {{code}}, {{name}} and {{campaign}}",
                "write a literal brace as {{ or }}",
            )
            return False
        return True

    def distributors(
        self, value: Any, path: Path, name: str
    ) -> list[tuple[Distributor, Path]] | None:
        dpath: Path = (*path, "distributors")
        if value is INVALID:
            return None
        if not isinstance(value, list) or not value:
            self.error(
                dpath if value is not None else path,
                f"campaign {name!r} needs 'distributors': a list of {{code, name}}",
                "distributors: [{code: a01, name: Alice Wang}]",
                at="value" if value is not None else "key",
            )
            return None
        out: list[tuple[Distributor, Path]] = []
        codes: dict[str, int] = {}
        for i, item in enumerate(value):
            where: Path = (*dpath, i)
            if isinstance(item, str):
                code, person = item, item
            elif isinstance(item, dict):
                self.unknown_keys(item, DISTRIBUTOR_KEYS, where, "a distributor")
                code = item.get("code")  # a number is refused below: '007' reads as 7
                person = item.get("name", code)
                if "name" in item:
                    person = self.text(item["name"], (*where, "name"), MAX_TITLE)
            else:
                if isinstance(item, int | float) and not isinstance(item, bool):
                    self.error(
                        where,
                        "a distributor's code must be letters, digits, '-' or '_', "
                        f"got {shown(item)} (a number to YAML)",
                        "code: a01 (a code of digits in quotes: '007')",
                    )
                elif item is not INVALID:
                    self.error(where, "a distributor is '{code: a01, name: Alice Wang}'")
                continue
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                self.error(
                    (*where, "code") if isinstance(item, dict) and "code" in item else where,
                    f"a distributor's code must be letters, digits, '-' or '_', got {shown(code)}"
                    + (" (a number to YAML)" if isinstance(code, int | float) else ""),
                    "code: a01 (a code of digits in quotes: '007')",
                )
                continue
            if code.casefold() in codes:
                self.error(
                    (*where, "code") if isinstance(item, dict) else where,
                    f"code {code!r} is already given to distributor {codes[code.casefold()] + 1} "
                    f"of campaign {name!r}",
                )
                continue
            codes[code.casefold()] = i
            if person is None:
                continue
            out.append((Distributor(code, person), where))
        return out

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
            self.error((*path, key), f"{key}: {exc}", exc.hint)
            return None
        if day is not None:
            self._instants[day] = at
        return at

    def text(self, value: Any, path: Path, limit: int, multiline: bool = False) -> str | None:
        if value is INVALID:
            return None
        if not isinstance(value, str):
            self.error(path, f"expected text, got {_kind(value)}", "put the text in quotes")
            return None
        if len(value) > limit:
            self.error(path, f"text is {len(value)} characters long; the limit is {limit}")
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
                path, "text contains a control character or a line break", "keep it on one line"
            )
            return None
        return value

    def qr(self, data: dict) -> bool | Literal["files"]:
        """``site.qr``: true (drawn on the preview page), "files" (per-link files as well),
        or false (no code)."""
        value = data.get("qr", True)
        if isinstance(value, bool):  # and not written yes/no/on/off (flag says so)
            return self.flag(data, "qr", ("site",), default=True, expected="true, false or files")
        if value == "files":
            return value
        if value is not INVALID:
            self.error(
                ("site", "qr"),
                f"qr must be true, false or files, not {shown(value)}",
                "true draws each link's code on its preview page; files also writes "
                "_qr/<slug>.svg and .png for every link; false shows none",
            )
        return True

    def preview(self, data: dict) -> Literal[True, "files"]:
        """``site.preview``: true (one shared page draws every preview) or "files" (a
        preview page a link, as builds used to write)."""
        value = data.get("preview", True)
        if value is True:  # and not written yes/on (flag says so)
            self.flag(data, "preview", ("site",), default=True, expected="true or files")
            return True
        if value == "files":
            return "files"
        if value is not INVALID:
            said = shown(value)
            if value is False:  # as written: false, or YAML 1.1's no or off
                written = self.doc.yaml11_boolean(("site", "preview"))
                said = "false" if written is None else shown(written)
            self.error(
                ("site", "preview"),
                f"preview must be true or files, not {said}",
                "true answers every '/<slug>+' with one shared page; files writes "
                "<slug>+.html for every link",
            )
        return True

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
                    (*path, key),
                    f"{key} must be {expected}, not {shown(written)}",
                    f"write {word}: this check (YAML 1.1) reads {written} as {word}, "
                    "editors (YAML 1.2) as text",
                )
            return value
        if value is not INVALID:
            self.error(
                (*path, key),
                f"{key} must be true or false, not {shown(value)}",
                "write true or false",
            )
        return default

    def tags(self, value: Any, path: Path) -> tuple[str, ...]:
        """Labels for people and tools (``shortlinks list --tag``); never part of a URL."""
        if isinstance(value, str):
            value = [value]
        if value is INVALID:
            return ()
        if not isinstance(value, list):
            self.error(path, f"tags must be a list of words, got {_kind(value)}", "tags: [sale]")
            return ()
        out: dict[str, None] = {}  # in order, each once: a list's 'in' made 40,000 tags cost 33 s
        for i, tag in enumerate(value):
            if tag is INVALID:
                continue
            text = self.text(tag, (*path, i), MAX_TAG)
            if text is not None and text.strip():
                out.setdefault(text.strip())
        return tuple(out)

    def aliases(self, value: Any, path: Path) -> tuple[str, ...]:
        apath = (*path, "aliases")
        if isinstance(value, str):
            value = [value]
        if value is INVALID:
            return ()
        if not isinstance(value, list):
            self.error(
                apath,
                f"aliases must be a list of slugs, got {_kind(value)}",
                "aliases: [sale, promo]",
            )
            return ()
        out = []
        for i, alias in enumerate(value):
            if alias is INVALID:
                continue
            if self.slug(alias, (*apath, i), what="alias"):
                out.append(alias)
        return tuple(out)

    # -- whole-file rules ---------------------------------------------------

    def collisions(self, links: list[Link]) -> None:
        """Two slugs that differ only in case (or width) are one link to a person; on
        different domains they are different links."""
        # each slug's link and place (0: its slug, else alias i - 1): its position is only
        # looked up for a message
        seen: dict[object, tuple[str, Link, int]] = {}
        several = bool(self.doc_domains)
        plain = _PLAIN_KEY.fullmatch
        normal, wide = finder.normal, slugrules.collision_key
        if not several:  # one site: when no two keys are equal (the usual case), done
            keys = [
                slug.lower() if plain(slug) else normal(wide(slug))
                for link in links
                for slug in (link.slugs if link.aliases else (link.slug,))
            ]
            if len(set(keys)) == len(keys):
                return
        for link in links:
            for i, slug in enumerate(link.slugs if link.aliases else (link.slug,)):
                # as links.lock groups its lines (lock.key): case, width and trailing
                # punctuation aside, as the 404 page's finder reads a slug ('gh.' is 'gh')
                key = slug.lower() if plain(slug) else finder.normal(slugrules.collision_key(slug))
                if not several and key not in seen:  # the usual case, at once
                    seen[key] = (slug, link, i)
                    continue
                # one site: the key alone (the usual case, kept as quick as it was)
                spots = [(d, key) for d in link.domains] if several else (key,)
                for spot in spots:
                    if spot not in seen:
                        # the position, found only for a message: the path and where in it
                        seen[spot] = (slug, link, i)
                        continue
                    domain = spot[0] if several else None
                    path: Path = link.path if i == 0 else (*link.path, "aliases", i - 1)
                    at = "value" if i or (link.source and link.source[0] != "links") else "key"
                    other, other_link, other_i = seen[spot]
                    other_path, other_at = other_link.path, "key"
                    if other_i:
                        other_path, other_at = (*other_path, "aliases", other_i - 1), "value"
                    elif other_path[0] != "links":
                        other_at = "value"
                    line = self.doc.locate(other_path, other_at)[0]
                    same = other == slug
                    on = f" on {domain}" if domain and len(self.doc_domains) > 1 else ""
                    msg = (
                        f"slug {slug!r} is already used{on} on line {line}"
                        if same
                        else f"slug {slug!r} collides with {other!r}{on} (line {line})"
                    )
                    if same:
                        hint = None
                    elif slugrules.collision_key(other) == slugrules.collision_key(slug):
                        hint = (
                            "slugs that differ only in letter case or width are the same to people "
                            "and to case-insensitive hosts; pick one"
                        )
                    else:
                        hint = (
                            "slugs that differ only in trailing punctuation are one name to "
                            "links.lock, and the 404 page sends one to the other; pick one"
                        )
                    if same and on:
                        hint = (
                            f"a slug may be used once a domain: write '{slug}@<domain>' for another"
                        )
                    self.error(path, msg, hint, at=at)
                    break

    doc_domains: tuple[str, ...] = ()

    def chains(self, site: Site, links: list[Link]) -> None:
        """A target on one of our own domains costs a hop; a cycle never arrives anywhere.

        Every link has one next hop at most (the short link its url names), so where each
        chain leads is worked out once for all of them (``_Hops``): following each link's
        chain anew, step by step against a list, took 110 seconds for 1,000 links in a ring.
        """
        ours = [d.name for d in site.domains] or ([site.domain] if site.domain else [])
        if not ours:
            return
        mine = frozenset(ours)
        if len(ours) == 1:  # the common case, without parsing a URL or looping
            only = ours[0]
            pointing = [link for link in links if only in link.target.url]
        else:  # a set, not a loop over the domains for each link (there may be thousands)
            pointing = [link for link in links if abuse.host_of(link.target.url) in mine]
        # device targets too: an iPhone sent back to its own short link loops as well
        devices = [
            (link, platform, t)
            for link in links
            for platform, t in link.devices
            if (ours[0] in t.url if len(ours) == 1 else abuse.host_of(t.url) in mine)
        ]
        if not pointing and not devices:
            return
        by_slug: dict[tuple[str, str], Link] = {}
        by_key: dict[tuple[str, str], Link] = {}
        for link in links:
            for d in link.domains or (site.domain,):
                for s in link.slugs:
                    by_slug[(d, s)] = link  # type: ignore[index]
                    by_key[(d, slugrules.collision_key(s))] = link  # type: ignore[index]

        def next_hop(link: Link, url: str | None = None) -> tuple[Link | None, str, str]:
            host, path = host_and_path(url or link.target.url)
            name = unquote(path).strip("/")
            if host not in ours:
                return None, host, name
            hop = by_slug.get((host, name)) or by_key.get((host, slugrules.collision_key(name)))
            return hop, host, name

        index = {id(link): i for i, link in enumerate(links)}
        first = [next_hop(link) for link in pointing]
        after = [-1] * len(links)
        for link, (hop, _host, _name) in zip(pointing, first, strict=True):
            if hop is not None:
                after[index[id(link)]] = index[id(hop)]
        hops = _Hops(after)

        def route(start: int, count: int) -> list[str]:
            """The slugs of ``count`` links from ``start`` on, the middle of a long route
            left out (a message names at most a dozen links)."""
            shown: list[str] = []
            i = start
            for _ in range(min(count, _ROUTE_SHOWN)):
                shown.append(links[i].slug)
                i = after[i]
            if count > _ROUTE_SHOWN:
                shown.append(f"... ({count - _ROUTE_SHOWN} more)")
            return shown

        for link, (hop, host, name) in zip(pointing, first, strict=True):
            if host not in ours:
                continue
            upath: Path = link.path
            if link.campaign is not None or isinstance(
                self.doc.data["links"].get(link.path[1]), dict
            ):
                upath = (*link.path, "url") if link.campaign is None else link.path
            if hop is None:
                if name and name not in slugrules.RESERVED:
                    self.warn(
                        upath,
                        f"link {link.slug!r} points to {host}/{name}, "
                        "which is not a slug in this file",
                    )
                continue
            i = index[id(link)]
            loop = hops.loop[i]
            if loop is not None:  # it comes back to itself
                cycle = [*route(i, len(loop)), link.slug]
                self.error(upath, "redirect loop: " + " -> ".join(cycle), "point one elsewhere")
            else:
                self.warn(
                    upath,
                    f"link {link.slug!r} points to another short link ({hop.slug!r}), "
                    "which costs visitors an extra hop",
                    f"point it straight at {hop.target.display}",
                )
        for link, platform, t in devices:
            hop, host, name = next_hop(link, t.url)
            if hop is None:
                continue
            dpath: Path = (*link.path, "devices", platform)
            i, j = index[id(link)], index[id(hop)]
            if hops.reaches(j, i):  # its page sends them on by 'url', back to this link
                cycle = [f"{link.slug} ({platform})", *route(j, hops.steps(j, i)), link.slug]
                self.error(dpath, "redirect loop: " + " -> ".join(cycle), "point it elsewhere")
            else:
                self.warn(
                    dpath,
                    f"the {platform} target of {link.slug!r} is another short link "
                    f"({hop.slug!r}), which costs visitors an extra hop",
                    f"point it straight at {hop.target.display}",
                )


def _listed(names: Collection[str], most: int = 10) -> str:
    """Names for a hint, the first ``most`` of them: a message per link that listed all of
    a long site.domains made the output grow with links times domains."""
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(list(islice(names, most))) + f", ... ({len(names)} in all)"


# A redirect loop's message names this many links of it at most, then how many more.
_ROUTE_SHOWN = 10


class _Hops:
    """Where following short links leads, for links ``0..n-1`` where link ``i`` sends its
    visitors on to link ``after[i]`` (-1: out of the site).

    One next hop each makes this a functional graph: every walk ends out of the site or
    in one loop. One pass marks the loops (each link is walked once: a three-state
    colouring); the links on no loop form trees that hang off a loop or an exit, numbered
    in preorder, so that "does link u's chain pass link v" is a constant-time question.
    """

    def __init__(self, after: list[int]) -> None:
        n = len(after)
        self.after = after
        self.loop: list[list[int] | None] = [None] * n  # the loop a link is on
        self.place = [0] * n  # its index in that loop
        state = [0] * n  # 0 not seen, 1 on the walk under way, 2 done
        for start in range(n):
            walk: list[int] = []
            i = start
            while i != -1 and state[i] == 0:
                state[i] = 1
                walk.append(i)
                i = after[i]
            if i != -1 and state[i] == 1:  # back onto this very walk: a new loop
                ring = walk[walk.index(i) :]
                for k, j in enumerate(ring):
                    self.loop[j] = ring
                    self.place[j] = k
            for j in walk:
                state[j] = 2
        # the rest hang off a loop or an exit: their trees, children pointing at parents
        children: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            if after[i] != -1 and self.loop[i] is None:
                children[after[i]].append(i)
        self.root = list(range(n))  # where a link's chain meets a loop, or leaves
        self.depth = [0] * n  # hops from a link to its root
        self.first = [0] * n  # preorder number; a subtree is first[i] .. last[i]
        self.last = [0] * n
        order: list[int] = []
        for top in range(n):
            if after[top] != -1 and self.loop[top] is None:
                continue  # not a root
            stack = [top]
            while stack:
                i = stack.pop()
                self.first[i] = len(order)
                order.append(i)
                for c in children[i]:
                    self.root[c] = self.root[i]
                    self.depth[c] = self.depth[i] + 1
                    stack.append(c)
        for i in order:
            self.last[i] = self.first[i]
        for i in reversed(order):
            if self.root[i] != i:
                self.last[after[i]] = max(self.last[after[i]], self.last[i])

    def reaches(self, u: int, v: int) -> bool:
        """Whether the chain from link ``u`` (itself included) passes link ``v``."""
        ring = self.loop[v]
        if ring is not None:
            return self.loop[self.root[u]] is ring
        return self.first[v] <= self.first[u] <= self.last[v]

    def steps(self, u: int, v: int) -> int:
        """Hops from ``u`` to ``v``, when ``reaches(u, v)``."""
        ring = self.loop[v]
        if ring is None:
            return self.depth[u] - self.depth[v]
        entry = self.root[u]
        return self.depth[u] + (self.place[v] - self.place[entry]) % len(ring)


def _tracked(url: str, params: dict[str, str], values: dict[str, str]) -> str:
    """``url`` with a distributor's tracking parameters added to its query (before any
    fragment), each value percent-encoded."""
    query = "&".join(f"{k}={quote(v.format_map(values), safe='')}" for k, v in params.items())
    base, hashed, fragment = url.partition("#")
    _start, mark, old = base.partition("?")  # the query: all after the first '?'
    sep = "?" if not mark else ("" if old == "" or old.endswith("&") else "&")
    return base + sep + query + hashed + fragment


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


def validate(doc: Document) -> tuple[LinkSet | None, list[Problem]]:
    """Check a loaded document. Returns the model only when there is no error."""
    linkset, problems = validate_partial(doc)
    if linkset is None or any(p.is_error for p in problems):
        return None, problems
    return linkset, problems


def validate_partial(doc: Document) -> tuple[LinkSet | None, list[Problem]]:
    """Like ``validate``, but keeps the links that are fine beside the errors: enough to
    show a reviewer what a pull request changes while it still has a mistake in it. Never
    used to build (a build needs the whole file right)."""
    check = _Checker(doc)
    data = doc.data
    if data is None:
        check.error((), "the file is empty", "start with 'links:' and one 'slug: URL' per line")
        return None, sorted(check.positioned())
    if not isinstance(data, dict):
        check.error((), f"the file must be a mapping with 'site:' and 'links:', got {_kind(data)}")
        return None, sorted(check.positioned())
    check.unknown_keys(data, TOP_KEYS, (), "the top level")
    site = check.site(data.get("site"))
    check.doc_domains = tuple(d.name for d in site.domains)
    links = check.links(data.get("links"), site)
    made, campaigns = check.campaigns(data.get("campaigns"), site)
    links += made
    check.collisions(links)
    check.chains(site, links)
    problems = sorted(check.positioned())
    return LinkSet(site=site, links=tuple(links), campaigns=tuple(campaigns)), problems
