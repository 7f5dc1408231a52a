"""Plain values -> the model, or every problem at once.

Each rule lives here next to its message. Problems are collected with a path
into the document and positioned at the end, which keeps this module free of
YAML and lets the loader be swapped.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from . import abuse
from . import slugs as slugrules
from .hosts import HOSTS
from .i18n import LANGUAGES
from .load import INVALID, Document
from .model import (
    ALLOWED_STATUS,
    DEFAULT_STATUS,
    PERMANENT,
    Link,
    LinkSet,
    Site,
    Target,
)
from .problems import ERROR, WARNING, Path, PendingProblem, Problem, shown
from .times import TimeError, instant, zone
from .urls import UrlError, host_and_path, parse_target

TOP_KEYS = ("site", "links")
SITE_KEYS = (
    "domain",
    "timezone",
    "home",
    "status",
    "hosts",
    "language",
    "links_json",
    "qr",
    "allow_domains",
    "deny_domains",
)
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
)
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
        tzname = "UTC"
        if "timezone" in data:
            try:
                zone(data["timezone"])
                tzname = data["timezone"]
            except TimeError as exc:
                self.error(("site", "timezone"), str(exc), exc.hint)
        home = self.target(data["home"], ("site", "home")) if "home" in data else None
        status = DEFAULT_STATUS
        if "status" in data:
            status = self.status(data["status"], ("site", "status")) or DEFAULT_STATUS
        hosts = self.hosts(data["hosts"]) if "hosts" in data else ()
        language = self.language(data["language"]) if "language" in data else "en"
        links_json = self.flag(data, "links_json", ("site",), default=True)
        qr = self.flag(data, "qr", ("site",), default=True)
        allow = self.domains(data, "allow_domains")
        deny = self.domains(data, "deny_domains")
        return Site(
            allow_domains=allow,
            deny_domains=deny,
            domain=domain,
            timezone=tzname,
            home=home,
            status=status,
            hosts=hosts,
            language=language,
            links_json=links_json,
            qr=qr,
        )

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
                out.append(host_and_path(parse_target(f"https://{bare}").url)[0])
            except UrlError:
                self.error((*path, i), f"{shown(name)} in {key} is not a domain like example.com")
        return tuple(out)

    def policy(self, target: Target, path: Path, site: Site) -> None:
        """The site's allow and deny lists, then the abuse heuristics (abuse.py)."""
        host = abuse.host_of(target.url)
        if site.deny_domains and abuse.matches(host, site.deny_domains):
            self.error(
                path,
                f"targets on {host} are refused by site.deny_domains",
                "link somewhere else, or take the domain off the list",
            )
        elif site.allow_domains and not abuse.matches(host, site.allow_domains):
            self.error(
                path,
                f"{host} is not in site.allow_domains",
                "add the domain to site.allow_domains if links may go there",
            )
        else:
            for message, hint in abuse.url_warnings(target.url, host, site.allow_domains):
                self.warn(path, message, hint)

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

    def domain(self, value: Any) -> str | None:
        path = ("site", "domain")
        if not isinstance(value, str) or not value:
            self.error(path, f"domain must be a host name like go.example.com, got {shown(value)}")
            return None
        if any(mark in value for mark in ("://", "/", "@", ":")):  # a user or port is no host
            bare = value.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[2]
            bare = bare.partition(":")[0]
            self.error(
                path, f"domain {shown(value)} must be a bare host name", f"write {shown(bare)}"
            )
            return None
        try:
            return host_and_path(parse_target(f"https://{value}").url)[0]
        except UrlError as exc:
            self.error(path, f"domain {shown(value)} is not a valid host name", exc.hint)
            return None

    def links(self, raw: Any, site: Site) -> list[Link]:
        if raw is None:
            if "links" not in (self.doc.data or {}):
                self.error(
                    (), "the file has no 'links:' section", "add 'links:' with one slug per line"
                )
            else:
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

    def link(self, slug: Any, value: Any, site: Site, tz: Any) -> Link | None:
        path: Path = ("links", slug)
        slug_ok = self.slug(slug, path)
        line = self.doc.locate(path, "key")[0]
        if value is INVALID:
            return None
        if isinstance(value, str) or value is None or not isinstance(value, dict):
            if value is None:
                self.error(path, f"link {slug!r} has no URL", "write 'slug: https://...'", at="key")
                return None
            target = self.target(value, path)
            if target:
                self.policy(target, path, site)
            if not (slug_ok and target):
                return None
            return Link(slug=slug, target=target, line=line, status=site.status)

        self.unknown_keys(value, LINK_KEYS, path, f"link {slug!r}")
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
        if not (slug_ok and target):
            return None
        return Link(
            slug=slug,
            target=target,
            line=line,
            status=status,
            starts=starts,
            expires=expires,
            title=title,
            description=description,
            image=image,
            open_in_browser=open_in_browser,
            aliases=aliases,
            tags=tags,
            forward_query=forward_query,
            expired=expired,
            repoint_from=repoint_from,
        )

    def when(
        self, value: dict, key: str, path: Path, tz: Any, *, end_of_day: bool
    ) -> datetime | None:
        if key not in value or value[key] is INVALID:
            return None
        try:
            return instant(value[key], tz, end_of_day=end_of_day)
        except TimeError as exc:
            self.error((*path, key), f"{key}: {exc}", exc.hint)
            return None

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

    def flag(self, data: dict, key: str, path: Path, *, default: bool) -> bool:
        """A true/false key of ``data``; ``default`` when absent or wrong (and said so)."""
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool):
            return value
        if value is not INVALID:
            self.error((*path, key), f"{key} must be true or false, not {shown(value)}")
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
        out: list[str] = []
        for i, tag in enumerate(value):
            if tag is INVALID:
                continue
            text = self.text(tag, (*path, i), MAX_TAG)
            if text is not None and text.strip() and text not in out:
                out.append(text.strip())
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
        """Two slugs that differ only in case (or width) are one link to a person."""
        seen: dict[str, tuple[str, Path, str]] = {}  # its line is only looked up when needed
        for link in links:
            for i, slug in enumerate(link.slugs):
                key = slugrules.collision_key(slug)
                path: Path = (
                    ("links", link.slug) if i == 0 else ("links", link.slug, "aliases", i - 1)
                )
                if key in seen:
                    other, other_path, other_at = seen[key]
                    line = self.doc.locate(other_path, other_at)[0]
                    same = other == slug
                    msg = (
                        f"slug {slug!r} is already used on line {line}"
                        if same
                        else f"slug {slug!r} collides with {other!r} (line {line})"
                    )
                    hint = (
                        None
                        if same
                        else (
                            "slugs that differ only in letter case or width are the same to people "
                            "and to case-insensitive hosts; pick one"
                        )
                    )
                    self.error(path, msg, hint, at="key" if i == 0 else "value")
                else:
                    seen[key] = (slug, path, "key" if i == 0 else "value")

    def chains(self, site: Site, links: list[Link]) -> None:
        """A target on our own domain costs a hop; a cycle never arrives anywhere."""
        if not site.domain:
            return
        by_slug = {s: link for link in links for s in link.slugs}
        by_key = {slugrules.collision_key(s): link for link in links for s in link.slugs}

        def next_hop(link: Link) -> Link | None:
            host, path = host_and_path(link.target.url)
            if host != site.domain:
                return None
            name = unquote(path).strip("/")
            return by_slug.get(name) or by_key.get(slugrules.collision_key(name))

        for link in links:
            if site.domain not in link.target.url:  # the common case, without parsing it
                continue
            host, path = host_and_path(link.target.url)
            if host != site.domain:
                continue
            upath: Path = ("links", link.slug, "url")
            if not isinstance(self.doc.data["links"][link.slug], dict):
                upath = ("links", link.slug)
            hop = next_hop(link)
            if hop is None:
                name = unquote(path).strip("/")
                if name and name not in slugrules.RESERVED:
                    self.warn(
                        upath,
                        f"link {link.slug!r} points to {site.domain}/{name}, "
                        "which is not a slug in this file",
                    )
                continue
            # Follow the chain to see whether it comes back.
            route = [link.slug]
            cur: Link | None = hop
            while cur is not None and cur.slug not in route:
                route.append(cur.slug)
                cur = next_hop(cur)
            if cur is not None and cur.slug == link.slug:
                cycle = [*route, link.slug]
                self.error(upath, "redirect loop: " + " -> ".join(cycle), "point one elsewhere")
            else:
                self.warn(
                    upath,
                    f"link {link.slug!r} points to another short link ({hop.slug!r}), "
                    "which costs visitors an extra hop",
                    f"point it straight at {hop.target.display}",
                )


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
    links = check.links(data.get("links"), site)
    check.collisions(links)
    check.chains(site, links)
    problems = sorted(check.positioned())
    return LinkSet(site=site, links=tuple(links)), problems
