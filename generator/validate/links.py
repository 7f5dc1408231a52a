"""The ``links:`` section: each slug and what it holds."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from operator import itemgetter
from typing import Any

from .. import apps
from .. import countries as countrycodes
from .. import languages as langtags
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
from ..urls import UrlError, host_and_path, host_name
from .checker import (
    LINK_KEYS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    _kind,
    _listed,
    did_you_mean,
)
from .utm import UtmRules

_simple_slug = slugrules.SIMPLE_SLUG.fullmatch
_RESERVED = slugrules.RESERVED
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
MAX_TAG = 50
MIN_VARIANTS = 2
MAX_WEIGHT = 1_000_000  # the page's pick is exact up to 2**32 in total
# a link that opens an app has its page open it (or fall back), and makes no other choice
_NOT_WITH_APPS = ("devices", "languages", "countries", "variants", "password")


# the target of a refused link's stand-in (``LinkRules.named_only``): never built
_NAMED_ONLY = Target(url="", display="")


class LinkRules(UtmRules):
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
        named: list[Link] = []  # in file order, those refused too (``named_only``)
        for slug, value in data.items():
            link = self.link(slug, value, site, tz)
            if link is not None:
                out.append(link)
                named.append(link)
            else:
                stand_in = self.named_only(slug, value, site)
                if stand_in is not None:
                    named.append(stand_in)
        self.named = tuple(named)
        return out

    # every link's names, refused links' too (``links``): for the collision check
    named: tuple[Link, ...] = ()

    def named_only(self, key: Any, value: Any, site: Site) -> Link | None:
        """A refused link (its URL, a date...) as far as its names go: its slug, its
        aliases and domains where they are right, so that a slug it shares with another
        link is said now, with its other mistakes, and not only once those are fixed (every
        mistake at once). None when its slug itself is wrong (said already)."""
        if key.__class__ is not str:
            return None
        slug, _, on = key.partition("@")
        if slugrules.slug_problems(slug):
            return None
        raw = value.get("aliases") if isinstance(value, dict) else None
        aliases = tuple(
            a for a in raw if isinstance(a, str) and not slugrules.slug_problems(a)
        ) if isinstance(raw, list) else ()  # fmt: skip
        several = bool(site.domains)
        domains = ((on.lower(),) if on else self._default_domains(site)) if several else ()
        source: Path = ("links", key) if on else ()
        return Link(slug, _NAMED_ONLY, 0, site.status, aliases=aliases, domains=domains,
                    source=source)  # fmt: skip

    def slug(self, slug: Any, path: Path, what: str = "slug") -> bool:
        if slug.__class__ is str and _simple_slug(slug) and slug.casefold() not in _RESERVED:
            return True  # (slug_problems' first answer, without its call: most slugs)
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
            target = self.allowed_target(url, (*path, name), site)
            if target is not None:
                found[name] = target
        if isinstance(value, dict) and not value:
            self.error(
                "devices-empty",
                path,
                "devices is empty",
                "name a platform and its URL, or remove it",
            )
        return tuple((p, found[p]) for p in PLATFORMS if p in found)

    def allowed_target(self, url: Any, path: Path, site: Site) -> Target | None:
        """A named target of a link (a device's, a language's): read as any target (None
        when it is no URL), then held to the site's allow and deny lists (an error said)."""
        target = self.target(url, path)
        if target is not None:
            self.policy(target, path, site)
        return target

    def languages(self, value: Any, path: Path, site: Site) -> tuple[tuple[str, Target], ...]:
        """``languages: {zh: URL, zh-TW: URL, ...}``: BCP 47 tags (languages.py)."""
        data = self.mapping(value, path, "'languages'")
        if data is None:
            return ()
        found: dict[str, Target] = {}
        for name, url in data.items():
            tag = langtags.canonical(name)
            if tag is None:
                guess = langtags.guess(name)
                self.error(
                    "language-tag",
                    (*path, name),
                    f"{shown(name)} in languages is no language tag",
                    f"did you mean '{guess}'?"
                    if guess
                    else "write a BCP 47 tag: a language (ISO 639-1, 'zh'), then at most a "
                    "script and a region ('zh-Hant', 'zh-TW')",
                    at="key",
                )
                continue
            if tag in found:
                self.error(
                    "duplicate-language",
                    (*path, name),
                    f"{shown(name)} in languages names {tag} again",
                    "tags ignore letter case: keep one of them",
                    at="key",
                )
                continue
            target = self.allowed_target(url, (*path, name), site)
            if target is not None:
                found[tag] = target
        if isinstance(value, dict) and not value:
            self.error(
                "languages-empty",
                path,
                "languages is empty",
                "name a language and its URL, or remove it",
            )
        return tuple(found.items())

    def countries(self, value: Any, path: Path, site: Site) -> tuple[tuple[str, Target], ...]:
        """``countries: {CN: URL, ...}``: ISO 3166-1 alpha-2 codes, upper case (countries.py)."""
        data = self.mapping(value, path, "'countries'")
        if data is None:
            return ()
        found: dict[str, Target] = {}
        for name, url in data.items():
            code = countrycodes.canonical(name)
            if code is None:
                guess = countrycodes.guess(name)
                self.error(
                    "country-code",
                    (*path, name),
                    f"{shown(name)} in countries is no country code",
                    f"did you mean '{guess}'?"
                    if guess
                    else "write an ISO 3166-1 alpha-2 code in upper case ('CN', 'GB', 'US')",
                    at="key",
                )
                continue
            target = self.allowed_target(url, (*path, name), site)
            if target is not None:
                found[code] = target
        if isinstance(value, dict) and not value:
            self.error(
                "countries-empty",
                path,
                "countries is empty",
                "name a country and its URL, or remove it",
            )
        return tuple(found.items())

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
        pos = self.doc.positions.get(path)  # (locate's first answer, without its call)
        line = pos[0] if pos is not None else self.doc.locate(path, "key")[0]
        if value is INVALID:
            return None
        if value.__class__ is str:  # the short form, most links: as quick as it can be
            target = self.target(value, path, site)
            if target:
                if not target.opens_app:
                    self.policy(target, path, site)
                else:  # an app's URL (apps.py): no host for the policy to judge
                    self.app_fallback(target, None, path, slug)
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
        # positionally (by keyword, its twenty names cost a link 0.6 us); after 'counted':
        # campaign and distributor (a campaign's links only), then source
        source = path if on else ()
        return Link(slug, fields["target"], line, *_STATUS_TO_COUNTED(fields), None, None, source)

    _link_defaults: tuple[Site, dict[str, Any]] | None = None  # (link_fields)

    @staticmethod
    def _default_domains(site: Site) -> tuple[str, ...]:
        """Where a link that names no domain lives: the first of site.domains."""
        return (site.domains[0].name,) if site.domains else ()

    def link_fields(
        self, slug: Any, value: dict, path: Path, site: Site, tz: Any, own: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        """The keys of a link written out in full (or of a campaign), as Link's fields but
        its slug and line; None when it has no valid target. Each key is read by its own
        checker (``KEY_CHECKS``), in the table's order; then the rules between keys.
        ``own``: keys the caller reads its own way (a campaign's ``utm``)."""
        defaults = self._link_defaults
        if defaults is None or defaults[0] is not site:
            defaults = self._link_defaults = (site, _defaults(site))
        keys = _Keys(slug, value, path, site, tz, defaults[1].copy())
        for check in _checks_for(value, own):
            check(self, keys)
        self.between_keys(keys)
        fields = keys.fields
        if fields["expires"] is not None and fields["expired"] is None:
            # site.expired: such a link goes there once expired, exactly as if it said so
            fields["expired"] = site.expired
        return fields if fields["target"] is not None else None

    def between_keys(self, k: _Keys) -> None:
        """The rules of a link that read more than one of its keys."""
        fields, value, path = k.fields, k.value, k.path
        if (
            "url" not in value
            and "variants" not in value
            and "miniprogram" not in value
            and not any(did_you_mean(x, LINK_KEYS) == "url" for x in value)
        ):
            # (a misspelt url key has its own error with a "did you mean")
            self.error(
                "no-url", path, f"link {k.slug!r} has no 'url'", "add 'url: https://...'", at="key"
            )
        starts, expires = fields["starts"], fields["expires"]
        if starts and expires and starts >= expires:
            self.error(
                "starts-after-expires",
                (*path, "starts"),
                f"link {k.slug!r} starts ({starts.isoformat()}) at or after it expires "
                f"({expires.isoformat()})",
                "a bare date in 'expires' lasts through the end of that day",
            )
        if fields["status"] in PERMANENT and expires is not None:
            # Inherited from site.status: quietly use the temporary twin.
            fields["status"] = 302 if fields["status"] == 301 else 307
        target = fields["target"]
        if (target is not None and target.opens_app) or fields["fallback"] is not None:
            self.app_rules(k)
        if fields["password"] is not None and fields["open_in_browser"]:
            self.error(
                "password-open-in-browser",
                (*path, "open_in_browser"),
                f"link {k.slug!r} has a password, and its open-in-browser page would show "
                "the target to anyone",
                "remove 'open_in_browser' (the password page works in WeChat too)",
                at="key",
            )
        if fields["password"] is not None and fields["languages"]:
            self.error(
                "password-languages",
                (*path, "languages"),
                f"link {k.slug!r} has a password, and its password page does not choose "
                "by language",
                "remove 'languages', or make a link a language without a password",
                at="key",
            )
        if fields["password"] is not None and fields["countries"]:
            self.error(
                "password-countries",
                (*path, "countries"),
                f"link {k.slug!r} has a password, and its country targets would let "
                "visitors there past it",
                "remove 'countries', or make a link a country without a password",
                at="key",
            )

    # -- one checker a key (KEY_CHECKS) -------------------------------------

    def key_url(self, k: _Keys) -> None:
        target = self.target(k.value["url"], (*k.path, "url"), k.site)
        if target and not target.opens_app:  # an app's URL names no host to judge
            self.policy(target, (*k.path, "url"), k.site)
        k.fields["target"] = target

    def key_miniprogram(self, k: _Keys) -> None:
        where = (*k.path, "miniprogram")
        if "url" in k.value:
            self.error(
                "miniprogram-conflict",
                where,
                f"link {k.slug!r} has both 'url' and 'miniprogram'",
                "keep one: the mini-program's URL is made from 'miniprogram'",
                at="key",
            )
            return
        k.fields["target"] = self.miniprogram(k.value["miniprogram"], where)

    def key_fallback(self, k: _Keys) -> None:
        where = (*k.path, "fallback")
        fallback = self.target(k.value["fallback"], where)
        if fallback is not None:
            self.policy(fallback, where, k.site)
            host = host_and_path(fallback.url)[0]
            if host == k.site.domain or host in self.domain_rank(k.site):
                self.error(
                    "fallback-loop",
                    where,
                    f"fallback {fallback.url} is on the short domain {host}: a visitor "
                    "without the app would be sent back to a short link",
                    "point it at a page of another site (the app's download page, say)",
                )
                fallback = None
        k.fields["fallback"] = fallback

    def key_starts(self, k: _Keys) -> None:
        k.fields["starts"] = self.when(k.value, "starts", k.path, k.tz, end_of_day=False)

    def key_expires(self, k: _Keys) -> None:
        k.fields["expires"] = self.when(k.value, "expires", k.path, k.tz, end_of_day=True)

    def key_status(self, k: _Keys) -> None:
        status = self.status(k.value["status"], (*k.path, "status")) or k.site.status
        if status in PERMANENT and "expires" in k.value:
            self.error(
                "permanent-expires",
                (*k.path, "status"),
                f"link {k.slug!r} expires, so it cannot use the permanent status {status}",
                "browsers cache 301/308 forever and would keep redirecting after expiry; "
                "remove 'status' (302 is the default)",
            )
        k.fields["status"] = status

    def key_title(self, k: _Keys) -> None:
        k.fields["title"] = self.text(k.value["title"], (*k.path, "title"), MAX_TITLE)

    def key_description(self, k: _Keys) -> None:
        where = (*k.path, "description")
        k.fields["description"] = self.text(
            k.value["description"], where, MAX_DESCRIPTION, multiline=True
        )

    def key_image(self, k: _Keys) -> None:
        image = self.target(k.value["image"], (*k.path, "image"))
        if image is not None and image.url.startswith("http://"):
            self.warn(
                "image-http",
                (*k.path, "image"),
                "the card image is on plain http: most chat apps will not load it",
                "use an https:// address",
            )
        k.fields["image"] = image

    def key_open_in_browser(self, k: _Keys) -> None:
        k.fields["open_in_browser"] = self.flag(k.value, "open_in_browser", k.path, default=False)

    def key_aliases(self, k: _Keys) -> None:
        k.fields["aliases"] = self.aliases(k.value.get("aliases"), k.path)

    def key_tags(self, k: _Keys) -> None:
        k.fields["tags"] = self.tags(k.value["tags"], (*k.path, "tags"))

    def key_forward_query(self, k: _Keys) -> None:
        k.fields["forward_query"] = self.flag(k.value, "forward_query", k.path, default=True)

    def key_expired(self, k: _Keys) -> None:
        expired = self.target(k.value["expired"], (*k.path, "expired"))
        if expired:
            self.policy(expired, (*k.path, "expired"), k.site)
        if "expires" not in k.value:
            self.warn(
                "expired-unused",
                (*k.path, "expired"),
                f"link {k.slug!r} has 'expired' but no 'expires', so it is never used",
                "add 'expires: YYYY-MM-DD' or remove 'expired'",
                at="key",
            )
        k.fields["expired"] = expired

    def key_repoint_from(self, k: _Keys) -> None:
        # compared with links.lock by check (lock.py)
        where = (*k.path, "repoint_from")
        k.fields["repoint_from"] = self.target(k.value["repoint_from"], where, k.site, True)

    def key_domains(self, k: _Keys) -> None:
        where = (*k.path, "domains")
        k.fields["domains"] = self.link_domains(k.value["domains"], where, k.site)

    def key_devices(self, k: _Keys) -> None:
        k.fields["devices"] = self.devices(k.value["devices"], (*k.path, "devices"), k.site)

    def key_countries(self, k: _Keys) -> None:
        where = (*k.path, "countries")
        k.fields["countries"] = self.countries(k.value["countries"], where, k.site)

    def key_languages(self, k: _Keys) -> None:
        where = (*k.path, "languages")
        k.fields["languages"] = self.languages(k.value["languages"], where, k.site)

    def key_variants(self, k: _Keys) -> None:
        where = (*k.path, "variants")
        variants = self.variants(k.value["variants"], where, k.site)
        # the page picks a variant or a target for the visitor's device or languages, never
        # both: which would win is no question a file should have to answer
        for other in ("url", "devices", "languages", "password"):
            if other in k.value:
                self.error(
                    "variants-conflict",
                    (*k.path, other),
                    f"link {k.slug!r} has both 'variants' and {other!r}",
                    "the first variant is the link's target (and where visitors without "
                    "JavaScript go): remove 'url'"
                    if other == "url"
                    else f"keep one of them: a link with variants has no {other!r}",
                    at="key",
                )
        if variants:
            k.fields["variants"] = variants
            k.fields["target"] = variants[0][0]

    def variants(self, value: Any, path: Path, site: Site) -> tuple[tuple[Target, int], ...]:
        """``variants: [{url, weight}, ...]`` (a bare URL weighs 1): at least two; None of
        them when any is wrong (a link never publishes half its rotation)."""
        if value is INVALID:
            return ()
        if not isinstance(value, list) or len(value) < MIN_VARIANTS:
            self.error(
                "variants-list",
                path,
                f"variants must be a list of at least {MIN_VARIANTS} {{url, weight}}, got "
                + (
                    f"{len(value)}"
                    if isinstance(value, list)
                    else "one URL"
                    if isinstance(value, str)
                    else _kind(value)
                ),
                "variants: [{url: https://a.example/, weight: 3}, {url: https://b.example/}]",
            )
            return ()
        out = []
        for i, item in enumerate(value):
            variant = self.variant(item, (*path, i), site)
            if variant is not None:
                out.append(variant)
        return tuple(out) if len(out) == len(value) else ()

    def variant(self, item: Any, path: Path, site: Site) -> tuple[Target, int] | None:
        if item is INVALID:
            return None
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or "url" not in item:
            self.error(
                "variants-list",
                path,
                f"a variant must be a URL or {{url, weight}}, got {_kind(item)}"
                if not isinstance(item, dict)
                else "a variant has no 'url'",
                "{url: https://a.example/, weight: 2}",
            )
            return None
        self.unknown_keys(item, ("url", "weight"), path, "a variant")
        target = self.target(item["url"], (*path, "url"))
        if target is not None:
            self.policy(target, (*path, "url"), site)
        weight = item.get("weight", 1)
        if weight is INVALID:
            return None
        if weight.__class__ is not int or not 0 < weight <= MAX_WEIGHT:
            self.error(
                "variant-weight",
                (*path, "weight"),
                f"a variant's weight must be a whole number from 1 to {MAX_WEIGHT}, "
                f"got {shown(weight) if isinstance(weight, str) else repr(weight)}",
                "weight: 3 sends three visitors there for each one of a variant of weight 1",
            )
            return None
        return (target, weight) if target is not None else None

    def key_password(self, k: _Keys) -> None:
        k.fields["password"] = self.password(k.value["password"], (*k.path, "password"))

    def key_analytics(self, k: _Keys) -> None:
        flag = self.flag(k.value, "analytics", k.path, default=True)
        if k.site.analytics is None:
            self.warn(
                "analytics-unused",
                (*k.path, "analytics"),
                "'analytics' has no effect: site.analytics names no counter",
                "configure site.analytics, or remove it from the link",
                at="key",
            )
        k.fields["counted"] = k.fields["counted"] and flag

    def key_utm(self, k: _Keys) -> None:
        # read last (LINK_KEYS): the url and the devices are known; 'expired' is left as
        # written (docs/links-yaml.md, 'utm')
        where = (*k.path, "utm")
        params = self.link_utm(k.value["utm"], where, k.site)
        target = k.fields["target"]
        if not params or target is None:
            return
        fallback = k.fields["fallback"]
        if fallback is not None:  # an app's URL is its app's to read: the web page is tracked
            k.fields["fallback"] = self.with_utm(fallback, params, where, "the fallback")
        if target.opens_app:
            return
        k.fields["target"] = self.with_utm(target, params, where)
        devices = []
        for platform, device in k.fields["devices"]:
            tracked = self.with_utm(device, params, where, f"the {platform} target")
            if tracked is not None:
                devices.append((platform, tracked))
        k.fields["devices"] = tuple(devices)
        languages = []
        for tag, lang in k.fields["languages"]:
            tracked = self.with_utm(lang, params, where, f"the {tag} target")
            if tracked is not None:
                languages.append((tag, tracked))
        k.fields["languages"] = tuple(languages)
        countries = []
        for code, country in k.fields["countries"]:
            tracked = self.with_utm(country, params, where, f"the {code} target")
            if tracked is not None:
                countries.append((code, tracked))
        k.fields["countries"] = tuple(countries)
        variants = []
        for i, (variant, weight) in enumerate(k.fields["variants"]):
            tracked = self.with_utm(variant, params, where, f"variant {i + 1}")
            if tracked is not None:
                variants.append((tracked, weight))
        k.fields["variants"] = tuple(variants)
        if variants:
            k.fields["target"] = variants[0][0]

    def app_rules(self, k: _Keys) -> None:
        """A link that opens an app: a fallback where one is needed, and none of the
        choices its page makes for web targets (which would win is no question a file
        should have to answer)."""
        target = k.fields["target"]
        if target is not None and not target.opens_app:
            self.error(
                "fallback-unused",
                (*k.path, "fallback"),
                f"link {k.slug!r} goes to a web page, so its 'fallback' is never used",
                "a fallback is for a link that opens an app (url: tel:..., miniprogram: ...)",
                at="key",
            )
            return
        if target is None:
            return
        key = "miniprogram" if "miniprogram" in k.value else "url"
        self.app_fallback(k.fields["target"], k.fields["fallback"], (*k.path, key), k.slug)
        for other in _NOT_WITH_APPS:
            if other in k.value:
                self.error(
                    "app-conflict",
                    (*k.path, other),
                    f"link {k.slug!r} opens an app, and its page does not choose by {other}",
                    f"remove {other!r}, or make it a link of its own",
                    at="key",
                )

    def app_fallback(self, target: Target, fallback: Target | None, path: Path, slug: Any) -> None:
        """An app of site.app_schemes or a mini-program needs a web page for visitors
        without it; tel:, mailto: and sms: have an app on every phone."""
        scheme = target.url.partition(":")[0]
        if fallback is None and scheme not in apps.BUILTIN:
            self.error(
                "fallback-missing",
                path,
                f"link {slug!r} opens {scheme}:, and has no 'fallback' for visitors "
                "without the app (and on a desktop)",
                "add 'fallback: https://...' (the app's web page or download page), with "
                "the target under 'url:'",
            )

    def miniprogram(self, value: Any, path: Path) -> Target | None:
        """``miniprogram: {appid, path, query, env_version}`` as WeChat's plain-text URL
        scheme (apps.py); None, each problem said, when a part is wrong."""
        data = self.mapping(value, path, "'miniprogram'")
        if data is None:
            return None
        self.unknown_keys(data, apps.MINIPROGRAM_KEYS, path, "miniprogram")
        ok = True
        appid, page = data.get("appid"), data.get("path")
        for key, value_, rule, hint in (
            (
                "appid",
                appid,
                apps.APPID,
                "an AppID is 'wx' and 16 hex digits, as the "
                "mini-program's admin console shows it (wx4e1ba651bbe36d01)",
            ),
            (
                "path",
                page,
                apps.PAGE_PATH,
                "a page of the published mini-program as app.json "
                "names it, without a leading '/' or a query: pages/index/index",
            ),
        ):
            if value_ is INVALID:
                ok = False
            elif not isinstance(value_, str) or not rule.fullmatch(value_):
                said = "is missing" if value_ is None else f"is {shown(value_)}"
                self.error(
                    f"miniprogram-{key}",
                    (*path, key) if value_ is not None else path,
                    f"miniprogram's {key} {said}",
                    hint,
                    at="value" if value_ is not None else "key",
                )
                ok = False
        query, problem = "", None
        if data.get("query") not in (None, INVALID):
            query, problem = apps.miniprogram_query(data["query"])
        if problem is not None:
            self.error("miniprogram-query", (*path, "query"), problem)
            ok = False
        env = data.get("env_version", "release")
        if env not in apps.ENV_VERSIONS:
            if env is not INVALID:
                self.error(
                    "miniprogram-env",
                    (*path, "env_version"),
                    f"env_version is {shown(env)}",
                    "release (the default), trial or develop",
                )
            ok = False
        if not ok:
            return None
        url = apps.miniprogram_url(appid, page, query or "", env)
        return Target(url=url, display=url)

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


@dataclass
class _Keys:
    """A link's mapping as its key checkers read it, and the fields they make of it."""

    slug: Any
    value: dict
    path: Path
    site: Site
    tz: Any
    fields: dict[str, Any]


def _defaults(site: Site) -> dict[str, Any]:
    """Link's fields for the keys a link leaves out."""
    return {
        "target": None,
        "status": site.status,
        "starts": None,
        "expires": None,
        "title": None,
        "description": None,
        "image": None,
        "open_in_browser": False,
        "aliases": (),
        "tags": (),
        "forward_query": True,
        "expired": None,
        "repoint_from": None,
        "domains": (),
        "devices": (),
        "languages": (),
        "countries": (),
        "variants": (),
        "password": None,
        "fallback": None,
        "counted": site.analytics is not None,
    }


# Link's fields from 'status' to 'counted', in its order: with 'target', what _defaults
# names (tests/test_validate.py holds the three together)
_LINK_FIELDS = [f.name for f in dataclass_fields(Link)]
_STATUS_TO_COUNTED = itemgetter(
    *_LINK_FIELDS[_LINK_FIELDS.index("status") : _LINK_FIELDS.index("counted") + 1]
)


# Each key of a link and its checker, in the order they are read (the cfgv style).
KEY_CHECKS: dict[str, Callable[[LinkRules, _Keys], None]] = {
    key: getattr(LinkRules, f"key_{key}") for key in LINK_KEYS
}

# The checkers each shape of link calls, by its keys as written: a file's links come in a
# few shapes (url and expires, url and title, ...), and each link trying every key of
# KEY_CHECKS cost a tenth of link_fields. Unknown keys are part of a shape, so there are
# only so many kept.
_SHAPES: dict[tuple[str, ...], dict[tuple, tuple[Callable[[LinkRules, _Keys], None], ...]]] = {}
_MAX_SHAPES = 1000


def _checks_for(
    value: dict, own: tuple[str, ...]
) -> tuple[Callable[[LinkRules, _Keys], None], ...]:
    """The checkers of ``value``'s keys but ``own``, in KEY_CHECKS order."""
    shapes = _SHAPES.get(own)
    if shapes is None:
        shapes = _SHAPES[own] = {}
    shape = tuple(value)
    checks = shapes.get(shape)
    if checks is None:
        checks = tuple(
            check for key, check in KEY_CHECKS.items() if key in value and key not in own
        )
        if len(shapes) < _MAX_SHAPES:
            shapes[shape] = checks
    return checks
