"""The ``site:`` section: where the site is, how it answers, which hosts it is built for."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path as PathOnDisk
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import urlsplit

from .. import analytics, apps, pngimage
from ..hosts import HOSTS, exposed_problem
from ..i18n import LANGUAGES
from ..load import INVALID
from ..model import (
    ANALYTICS,
    DEFAULT_STATUS,
    Analytics,
    Domain,
    QrStyle,
    Site,
    Target,
)
from ..problems import Path, shown
from ..times import TimeError, zone
from ..urls import UrlError, host_and_path, host_name
from .checker import (
    ANALYTICS_KEYS,
    DOMAIN_KEYS,
    HOME_KEYS,
    SITE_KEYS,
    _kind,
    did_you_mean,
)
from .utm import UtmRules


class SiteRules(UtmRules):
    def site(self, raw: Any) -> Site:
        if raw is None:
            return Site()
        data = self.mapping(raw, ("site",), "'site'")
        if data is None:
            return Site()
        self.unknown_keys(data, SITE_KEYS, ("site",), "site")
        domain, domains = self.site_domains(data)
        fields: dict[str, Any] = {"domain": domain, "domains": domains}
        for key, check in SITE_CHECKS.items():  # each key present, in the table's order
            if key in data:
                fields.update(check(self, data))
        hosts = fields.get("hosts", ())
        if not fields.get("links_json", True) and (said := exposed_problem(hosts)):
            self.error("links-json-exposed", ("site", "links_json"), *said)
        site = Site(**fields)
        for target, where in self.homes:  # a visitor is sent there like to any link's target
            self.policy(target, where, site)
        if site.not_found is not None:
            self.not_found_loop(site)
        return site

    def fallback(self, value: Any, path: Path) -> Target | None:
        """site.expired and site.not_found: a URL, held by the site's policy like a home."""
        target = self.target(value, path)
        if target is not None:
            self.homes.append((target, path))
        return target

    def not_found_loop(self, site: Site) -> None:
        """An unknown path sent back to the short domain comes back to the 404 page: only
        the root of a short domain (its home or landing page) is somewhere to go."""
        url = site.not_found.url  # type: ignore[union-attr]
        host, path = host_and_path(url)
        ours = {d.name for d in site.domains} | ({site.domain} if site.domain else set())
        if host in ours and path not in ("", "/"):
            self.error(
                "not-found-short-domain",
                ("site", "not_found"),
                f"not_found {url} is on the short domain {host}: an unknown slug sent there "
                "comes back to the not-found page",
                f"point it at a page of another site, or at https://{host}/ (the root)",
            )

    def site_domains(self, data: dict) -> tuple[str | None, tuple[Domain, ...]]:
        """site.domain, or site.domains (whose first is the default): never both."""
        domain = data.get("domain")
        if domain is not None:
            domain = self.domain(domain)
        domains = self.short_domains(data) if "domains" in data else ()
        if domains and "domain" in data:
            self.error(
                "domain-and-domains",
                ("site", "domain"),
                "site has both 'domain' and 'domains'",
                "list every short domain under 'domains' (the first is the default) and "
                "remove 'domain'",
                at="key",
            )
        if domains:
            domain = domains[0].name
        return domain, domains

    def timezone(self, value: Any) -> str:
        """site.timezone: an IANA zone name (times.zone), UTC when it is not one."""
        try:
            zone(value)
            return value
        except TimeError as exc:
            self.error(exc.rule, ("site", "timezone"), str(exc), exc.hint)
            return "UTC"

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
            self.error(
                "home-no-url", path, "home has no 'url'", "home: {url: https://...}", at="key"
            )
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
            self.error("domain-list", path, f"{key} must be a list of domains like [example.com]")
            return ()
        out = []
        for i, name in enumerate(value):
            bare = name.strip().lstrip(".") if isinstance(name, str) else ""
            try:
                if not bare or "/" in bare or "@" in bare:
                    raise UrlError("not a bare domain", rule="domain-list")
                out.append(host_name(bare))
            except UrlError:
                self.error(
                    "domain-list",
                    (*path, i),
                    f"{shown(name)} in {key} is not a domain like example.com",
                )
        return tuple(out)

    def app_schemes(self, value: Any) -> tuple[str, ...]:
        """site.app_schemes: the apps links may open besides tel:, mailto: and sms:, by
        their URL scheme ('whatsapp', 'tg'); never one that runs code or reads files."""
        path = ("site", "app_schemes")
        if value is INVALID:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(
                "app-schemes",
                path,
                f"app_schemes must be a list of URL schemes, got {_kind(value)}",
                "app_schemes: [whatsapp, tg]",
            )
            return ()
        out: dict[str, None] = {}
        for i, name in enumerate(value):
            if name is INVALID:
                continue
            word = name.strip().rstrip(":/").lower() if isinstance(name, str) else ""
            problem = apps.scheme_problem(word) if word else f"{shown(name)} is no URL scheme"
            if problem is not None:
                self.error("app-schemes", (*path, i), problem, "app_schemes: [whatsapp, tg]")
            elif word in apps.BUILTIN:
                self.warn(
                    "app-schemes-builtin",
                    (*path, i),
                    f"{word}: is opened without being listed",
                    f"remove {word} from app_schemes",
                )
            else:
                out.setdefault(word)
        return tuple(out)

    def language(self, value: Any) -> str:
        if value is INVALID:
            return "en"
        if value in LANGUAGES:
            return value
        guess = did_you_mean(value, LANGUAGES) if isinstance(value, str) else None
        if isinstance(value, str) and value.lower().startswith("zh"):
            guess = "zh"
        self.error(
            "unknown-language",
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
                "hosts-list",
                path,
                "hosts must be a list of host names",
                f"known hosts: {', '.join(HOSTS)}",
            )
            return ()
        out = []
        for i, name in enumerate(value):
            if name in HOSTS:
                out.append(name)
                continue
            guess = did_you_mean(name, tuple(HOSTS)) if isinstance(name, str) else None
            self.error(
                "unknown-host",
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
                self.error(
                    "unknown-host", (*path, name), f"unknown host {shown(name)}", hint, at="key"
                )
            elif name not in choices:
                self.error(
                    "plan-none",
                    (*path, name),
                    f"there is no plan to choose for {HOSTS[name].title}",
                    f"its limits are the same on every plan; hosts with plans: {known}",
                    at="key",
                )
            elif plan not in choices[name]:
                self.error(
                    "unknown-plan",
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
                "site-domains",
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
                    self.error("site-domains", where, "this domain has no 'domain: <host name>'")
                    continue
                name = self.domain(item["domain"], (*where, "domain"))
            elif item is INVALID:
                continue
            else:
                name = self.domain(item, where)
            if name is None:
                continue
            if name in seen:
                self.error(
                    "duplicate-domain",
                    where,
                    f"domain {name} is listed twice (also item {seen[name] + 1})",
                )
                continue
            if name == "domains.json":  # the build's own list, beside the domains' folders
                self.error(
                    "domain-reserved",
                    where,
                    "'domains.json' is the name of the build's list of domains",
                )
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
                    "analytics-provider",
                    (*path, "provider"),
                    f"unknown analytics provider {shown(provider)}",
                    f"did you mean '{guess}'?" if guess else f"providers: {', '.join(ANALYTICS)}",
                )
            elif "provider" not in data:
                self.error(
                    "analytics-provider",
                    path,
                    "analytics has no 'provider'",
                    f"one of {', '.join(ANALYTICS)}",
                )
            return None
        code = data.get("site")
        if code is INVALID:
            return None
        if not isinstance(code, str) or not code.strip() or not code.isprintable():
            self.error(
                "analytics-site",
                (*path, "site") if "site" in data else path,
                f"analytics needs 'site': {analytics.SITE_HELP[provider]}",
            )
            return None
        base = None
        if "url" in data:
            base = self.counter_url(data["url"], (*path, "url"))
            if base is None:
                return None
        try:
            endpoint = analytics.endpoint(provider, code.strip(), base.url if base else None)
        except ValueError as exc:
            self.error("analytics-site", (*path, "site"), str(exc))
            return None
        return Analytics(provider, code.strip(), endpoint)

    def counter_url(self, value: Any, path: Path) -> Target | None:
        """site.analytics.url, a self-hosted counter's address: nothing but the address."""
        base = self.target(value, path)
        if base is None:
            return None
        parts = urlsplit(base.url)
        if "@" in parts.netloc or parts.query or parts.fragment or "?" in base.url:
            self.error(
                "analytics-url",
                path,
                "the counter's url must be its address alone: no user, query or fragment",
                "url: https://stats.example.com (every page would publish the rest)",
            )
            return None
        if base.url.startswith("http://"):
            self.warn(
                "analytics-http",
                path,
                "the counter is on plain http: browsers block its beacon from an https page",
                "use its https:// address",
            )
        return base

    def domain(self, value: Any, path: Path = ("site", "domain")) -> str | None:
        if not isinstance(value, str) or not value:
            self.error(
                "domain-name",
                path,
                f"domain must be a host name like go.example.com, got {shown(value)}",
            )
            return None
        if any(mark in value for mark in ("://", "/", "@", ":", "?", "#")):  # no user or port
            bare = value.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[2]
            bare = bare.partition(":")[0].partition("?")[0].partition("#")[0]
            self.error(
                "domain-name",
                path,
                f"domain {shown(value)} must be a bare host name",
                f"write {shown(bare)}",
            )
            return None
        try:
            return host_name(value)
        except UrlError as exc:
            self.error(
                "domain-name", path, f"domain {shown(value)} is not a valid host name", exc.hint
            )
            return None

    def qr(self, data: dict) -> dict[str, Any]:
        """``site.qr``: true (drawn on the preview page), "files" (per-link files as well),
        false (no code), or a mapping: ``files`` and how the codes look (``qr_style``)."""
        value = data.get("qr", True)
        if isinstance(value, dict):
            return self.qr_mapping(value)
        if isinstance(value, bool):  # and not written yes/no/on/off (flag says so)
            expected = "true, false, files or a mapping"
            flag = self.flag(data, "qr", ("site",), default=True, expected=expected)
            return {"qr": flag}
        if value == "files":
            return {"qr": value}
        if value is not INVALID:
            self.error(
                "qr-value",
                ("site", "qr"),
                f"qr must be true, false, files or a mapping, not {shown(value)}",
                "true draws each link's code on its preview page; files also writes "
                "_qr/<slug>.svg and .png for every link; false shows none; "
                "{dark: '#1a237e', light: '#ffffff', quiet_zone: 4} styles them",
            )
        return {"qr": True}

    def qr_mapping(self, data: dict) -> dict[str, Any]:
        """``qr: {files, dark, light, quiet_zone, logo, logo_size}``: how the codes look,
        each held to what a phone's reader still scans (a code that does not scan is an
        error)."""
        path: Path = ("site", "qr")
        for key in [k for k in data if k in QR_SYNONYMS]:
            self.error(
                "unknown-key",
                (*path, key),
                f"unknown key {key!r} in qr",
                f"did you mean '{QR_SYNONYMS[key]}'? (dark: the colour of the code's dark "
                "modules, light: of its background)",
                at="key",
            )
        self.unknown_keys({k: v for k, v in data.items() if k not in QR_SYNONYMS},
                          QR_KEYS, path, "qr")  # fmt: skip
        files = self.flag(data, "files", path, default=False)
        default = QrStyle()
        dark = self.qr_colour(data, "dark", default.dark)
        light = self.qr_colour(data, "light", default.light)
        quiet = self.quiet_zone(data, default.quiet_zone)
        if dark is not None and light is not None:
            self.qr_contrast(data, dark, light)
        logo = self.qr_logo(data["logo"]) if "logo" in data else None
        size = self.logo_size(data, default.logo_size)
        style = QrStyle(dark or default.dark, light or default.light, quiet, logo, size)
        return {"qr": "files" if files else True, "qr_style": None if style == default else style}

    def qr_logo(self, value: Any) -> bytes | None:
        """``logo``: a PNG file, its path from the links file's folder, read here so that
        rendering never reads the disk. Only PNG: what every design tool exports, and what
        the codes' PNG files can be drawn with in pure Python; an SVG can carry scripts and
        links, and is never put into a page (export it as PNG)."""
        path: Path = ("site", "qr", "logo")
        if value is INVALID:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(
                "qr-logo-file",
                path,
                f"logo must be the path of a PNG file, not {shown(value)}",
                "logo: brand/logo.png (from the links file's folder)",
            )
            return None
        folder = PurePath(self.doc.filename).parent
        file = PathOnDisk(folder, value.strip())
        try:
            if not file.is_file():
                raise FileNotFoundError
            if file.stat().st_size > LOGO_MAX_BYTES:
                self.error(
                    "qr-logo-file",
                    path,
                    f"logo {shown(value)} is {file.stat().st_size:,} bytes, more than "
                    f"{LOGO_MAX_BYTES // 1024} KB",
                    "a logo of 512 x 512 pixels is plenty: every code of the site carries it",
                )
                return None
            data = file.read_bytes()
        except OSError:
            self.error(
                "qr-logo-file",
                path,
                f"logo {shown(value)} is not a file that can be read",
                f"the path is from the links file's folder ({folder}/)",
            )
            return None
        try:
            pngimage.check(data)
        except pngimage.PngError as exc:
            self.error(
                "qr-logo-type",
                path,
                f"logo {shown(value)}: {exc}",
                _logo_hint(data),
            )
            return None
        return data

    def logo_size(self, data: dict, default: float) -> float:
        """``logo_size``: the logo's side as a share of the code's; error correction H
        recovers 30% of the codewords, and a logo of at most 0.3 hides about a tenth of the
        modules, leaving two thirds of that for creases, smudges and glare."""
        if "logo_size" not in data:
            return default
        value = data["logo_size"]
        path: Path = ("site", "qr", "logo_size")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and LOGO_SIZE_MIN <= value <= LOGO_SIZE_MAX:
            if "logo" not in data:
                self.error(
                    "qr-logo-size",
                    path,
                    "logo_size without a logo",
                    "add logo: brand/logo.png, or remove logo_size",
                    at="key",
                )
            return float(value)
        if value is not INVALID:
            self.error(
                "qr-logo-size",
                path,
                f"logo_size must be a share of the code's side from {LOGO_SIZE_MIN} to "
                f"{LOGO_SIZE_MAX}, not {shown(value)}",
                f"a larger logo hides more than error correction recovers; {default} is the "
                "default",
            )
        return default

    def qr_colour(self, data: dict, key: str, default: str) -> str | None:
        """A colour of the codes: '#rgb' or '#rrggbb' (no names, no transparency: what is
        behind a transparent code is not known), lowercase and 6 digits; None when wrong."""
        if key not in data:
            return default
        value = data[key]
        if value is INVALID:
            return None
        if isinstance(value, str) and HEX_COLOUR.fullmatch(value.strip()):
            digits = value.strip()[1:].lower()
            return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))
        message = f"qr {key} must be a colour like '#1a237e', not {shown(value)}"
        hint = f"write it as '#rrggbb' in quotes: {key}: '{default}'"
        if value is None:  # `dark: #1a237e` unquoted: YAML reads a comment, and nothing
            message = f"qr {key} is empty"
            hint = f"quote the colour: {key}: '#1a237e' (after a space, '#' starts a comment)"
        self.error("qr-colour", ("site", "qr", key), message, hint)
        return None

    def quiet_zone(self, data: dict, default: int) -> int:
        """The light margin around a code, in modules: ISO/IEC 18004 asks for 4; phone
        readers find a code with 2 when what surrounds it is light as well, and not below."""
        value = data.get("quiet_zone", default)
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and QUIET_ZONE_MIN <= value <= QUIET_ZONE_MAX:
            return value
        if value is not INVALID:
            self.error(
                "qr-quiet-zone",
                ("site", "qr", "quiet_zone"),
                f"quiet_zone must be a whole number of modules from {QUIET_ZONE_MIN} to "
                f"{QUIET_ZONE_MAX}, not {shown(value)}",
                f"4 is what the QR standard asks; below {QUIET_ZONE_MIN} readers cannot find "
                "the code's edge",
            )
        return default

    def qr_contrast(self, data: dict, dark: str, light: str) -> None:
        """The dark modules darker than the light ones, by a contrast ratio of at least
        QR_CONTRAST_MIN: many readers do not read an inverted code at all."""
        where: Path = ("site", "qr", "dark" if "dark" in data else "light")
        ratio = contrast_ratio(dark, light)
        if luminance(dark) >= luminance(light):
            self.error(
                "qr-inverted",
                where,
                f"qr dark {dark} is not darker than light {light}: many readers cannot "
                "read an inverted code",
                "swap them: the modules dark, the background light",
            )
        elif ratio < QR_CONTRAST_MIN:
            self.error(
                "qr-contrast",
                where,
                f"qr dark {dark} on light {light} has a contrast ratio of {ratio:.1f}:1, "
                f"below the {QR_CONTRAST_MIN}:1 phones need to scan it in poor light",
                "a darker dark or a lighter light (black on white is 21:1)",
            )

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
                "preview-value",
                ("site", "preview"),
                f"preview must be true or files, not {said}",
                "true answers every '/<slug>+' with one shared page; files writes "
                "<slug>+.html for every link",
            )
        return True


QR_KEYS = ("files", "dark", "light", "quiet_zone", "logo", "logo_size")
# what people write for 'dark' and 'light' (the names the QR standard gives the modules,
# which say what a reader needs of them, and have one spelling)
QR_SYNONYMS = {
    "colour": "dark",
    "color": "dark",
    "foreground": "dark",
    "fg": "dark",
    "background": "light",
    "bg": "light",
}
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
QUIET_ZONE_MIN, QUIET_ZONE_MAX = 2, 20
# WCAG's contrast ratio for text; on white it leaves the dark modules under 18% luminance,
# a symbol contrast above ISO/IEC 15415's 70% for its best grade
QR_CONTRAST_MIN = 4.5


def luminance(colour: str) -> float:
    """The relative luminance of '#rrggbb' (WCAG 2: sRGB made linear, weighted)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    a, b = sorted((luminance(one), luminance(other)))
    return (b + 0.05) / (a + 0.05)


LOGO_SIZE_MIN, LOGO_SIZE_MAX = 0.1, 0.3
LOGO_MAX_BYTES = 256 * 1024


def _logo_hint(data: bytes) -> str:
    """What to do with a logo file that is no PNG this reads, by what it is."""
    start = data[:512].lstrip().lower()
    if data.startswith(b"\xff\xd8\xff"):
        return "it is a JPEG: save it as PNG (8 bits a channel, not interlaced)"
    if start.startswith((b"<svg", b"<?xml")) or b"<svg" in start:
        return (
            "it is an SVG: export it as PNG (an SVG can carry scripts and links, and is "
            "never put into the pages)"
        )
    return "save it as PNG, 8 bits a channel, not interlaced (any design tool exports one)"


# Each key of site: and its checker, which gives Site's fields for it (the cfgv style);
# 'domain' and 'domains' are read together first (SiteRules.site_domains).
SITE_CHECKS: dict[str, Callable[[SiteRules, dict], dict[str, Any]]] = {
    "analytics": lambda c, d: {"analytics": c.analytics(d["analytics"])},
    "timezone": lambda c, d: {"timezone": c.timezone(d["timezone"])},
    "home": lambda c, d: dict(
        zip(("home", "home_repoint_from"), c.home(d["home"], ("site", "home")), strict=True)
    ),
    "status": lambda c, d: {"status": c.status(d["status"], ("site", "status")) or DEFAULT_STATUS},
    "hosts": lambda c, d: {"hosts": c.hosts(d["hosts"])},
    "plans": lambda c, d: {"plans": c.plans(d["plans"])},
    "language": lambda c, d: {"language": c.language(d["language"])},
    "links_json": lambda c, d: {"links_json": c.flag(d, "links_json", ("site",), default=True)},
    "qr": lambda c, d: c.qr(d),
    "preview": lambda c, d: {"preview": c.preview(d)},
    "allow_domains": lambda c, d: {"allow_domains": c.domains(d, "allow_domains")},
    "deny_domains": lambda c, d: {"deny_domains": c.domains(d, "deny_domains")},
    "expired": lambda c, d: {"expired": c.fallback(d["expired"], ("site", "expired"))},
    "not_found": lambda c, d: {"not_found": c.fallback(d["not_found"], ("site", "not_found"))},
    "utm": lambda c, d: {"utm": c.utm_templates(d["utm"])},
    "app_schemes": lambda c, d: {"app_schemes": c.app_schemes(d["app_schemes"])},
}
