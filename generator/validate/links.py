"""The ``links:`` section: each slug and what it holds."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .. import slugs as slugrules
from ..load import INVALID
from ..model import (
    PERMANENT,
    PLATFORMS,
    Link,
    Site,
    Target,
)
from ..problems import Path, shown
from ..times import zone
from ..urls import UrlError, host_name
from .checker import (
    _PLATFORM_WORDS,
    LINK_KEYS,
    MAX_DESCRIPTION,
    MAX_PASSWORD,
    MAX_TAG,
    MAX_TITLE,
    MIN_PASSWORD,
    Checker,
    _kind,
    _listed,
    did_you_mean,
)


class LinkRules(Checker):
    def links(self, raw: Any, site: Site) -> list[Link]:
        if raw is None:
            if "links" not in (self.doc.data or {}) and "campaigns" not in (self.doc.data or {}):
                self.error(
                    "no-links",
                    (),
                    "the file has no 'links:' section",
                    "add 'links:' with one slug per line",
                )
            elif not (self.doc.data or {}).get("campaigns"):
                self.warn(
                    "empty-links", ("links",), "'links' is empty: the site will have no short links"
                )
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
                "slug-not-text",
                path,
                f"{what} {shown} is read by YAML as {_kind(slug)}, not as text",
                f"quote it: '{shown}'",
                at="key" if what == "slug" else "value",
            )
            return False
        ok = True
        for rule, message, hint in slugrules.slug_problems(slug):
            self.error(rule, path, message, hint, at="key" if what == "slug" else "value")
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
                "slug-domain",
                path,
                f"{shown(key)}: '@{shown(name)}' names a domain, and site.domains lists none",
                "list the short domains under site.domains, or drop the '@' part",
                at="key",
            )
            return slug, None
        found = self.known_domain(name, names)
        if found is None:
            self.error(
                "slug-domain",
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
                "link-domains",
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
            self.error("link-domains", path, "domains must be a list of site.domains, or 'all'")
            return ()
        out: dict[str, None] = {}
        for i, name in enumerate(value):
            found = self.known_domain(name, names)
            if found is None:
                if name is not INVALID:
                    self.error(
                        "link-domains",
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
                    "unknown-platform",
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
            self.error(
                "devices-empty",
                path,
                "devices is empty",
                "name a platform and its URL, or remove it",
            )
        return tuple((p, found[p]) for p in PLATFORMS if p in found)

    def password(self, value: Any, path: Path) -> str | None:
        if value is INVALID:
            return None
        if not isinstance(value, str) or not value:
            # 'password: 01234567' is read by YAML as a number (octal, here): never guessed at
            self.error(
                "password-not-text",
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
                "password-short",
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
            self.error(
                "no-url", path, f"link {slug!r} has no URL", "write 'slug: https://...'", at="key"
            )
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
                    "link-domains",
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
            self.error(
                "no-url", path, f"link {slug!r} has no 'url'", "add 'url: https://...'", at="key"
            )

        starts = self.when(value, "starts", path, tz, end_of_day=False)
        expires = self.when(value, "expires", path, tz, end_of_day=True)
        if starts and expires and starts >= expires:
            self.error(
                "starts-after-expires",
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
                    "permanent-expires",
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
                "image-http",
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
                    "expired-unused",
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
                    "password-open-in-browser",
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
                    "analytics-unused",
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

    def tags(self, value: Any, path: Path) -> tuple[str, ...]:
        """Labels for people and tools (``shortlinks list --tag``); never part of a URL."""
        if isinstance(value, str):
            value = [value]
        if value is INVALID:
            return ()
        if not isinstance(value, list):
            self.error(
                "tags-list",
                path,
                f"tags must be a list of words, got {_kind(value)}",
                "tags: [sale]",
            )
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
                "aliases-list",
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
