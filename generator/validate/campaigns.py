"""The ``campaigns:`` section: one target and its distributors, expanded to one tracked
link a distributor."""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import quote

from ..load import INVALID
from ..model import (
    Campaign,
    Distributor,
    Link,
    Site,
    Target,
)
from ..problems import Path, shown
from ..times import zone
from ..urls import UrlError, parse_target
from .checker import (
    LINK_KEYS,
    MAX_TITLE,
    _kind,
)
from .links import LinkRules

# read by no checker for a campaign (unknown keys there: said once, as such)
_NO_APPS = ("miniprogram", "fallback")
# A campaign takes a link's keys but the ones that name one slug, and its own; its links
# go to web pages (its tracking parameters are a web address's), never open an app.
CAMPAIGN_KEYS = (
    *(k for k in LINK_KEYS if k not in ("aliases", "utm", *_NO_APPS)),
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


class CampaignRules(LinkRules):
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
            self.error(
                "campaign-name",
                path,
                f"a campaign's name must be text, got {shown(name)}",
                at="key",
            )
            return None
        data = self.mapping(value, path, f"campaign {name!r}")
        if data is None:
            return None
        self.unknown_keys(data, CAMPAIGN_KEYS, path, f"campaign {name!r}")
        if "url" not in data:
            self.error(
                "no-url",
                path,
                f"campaign {name!r} has no 'url'",
                "add 'url: https://...'",
                at="key",
            )
        pattern = self.slug_pattern(data, path, name)
        params = self.tracking(data, path)
        fields = self.link_fields(name, data, path, site, tz, own=("utm", *_NO_APPS))
        people = self.distributors(data.get("distributors"), path, name)
        if fields is None or pattern is None or params is None or people is None:
            return None
        base: Target = fields.pop("target")
        if self.param_clash(base, params, path, name):
            return None
        if not fields["domains"]:
            fields["domains"] = (site.domains[0].name,) if site.domains else ()
        links = self.distributor_links(name, pattern, base, params, fields, people)
        line = self.doc.locate(path, "key")[0]
        return links, Campaign(name, base, pattern, line, tuple(link.slug for link in links))

    def slug_pattern(self, data: dict, path: Path, name: str) -> str | None:
        """The campaign's ``slug``: a pattern with {code} in it (``<name>-{code}`` unsaid)."""
        pattern = data.get("slug", f"{name}-{{code}}")
        if isinstance(pattern, str) and "{code}" in pattern:
            return pattern
        self.error(
            "campaign-slug",
            (*path, "slug") if "slug" in data else path,
            f"campaign {name!r}: the slug pattern must contain {{code}}, got {shown(pattern)}",
            "slug: spring-{code}",
        )
        return None

    def param_clash(self, base: Target, params: dict[str, str], path: Path, name: str) -> bool:
        """Whether the campaign's url has a parameter of its own that the campaign adds."""
        present = {
            k.split("=", 1)[0] for k in base.url.partition("#")[0].partition("?")[2].split("&")
        }
        for param in params:
            if param in present:
                self.error(
                    "campaign-param",
                    (*path, "url"),
                    f"campaign {name!r}: the url already has '{param}=', which the campaign adds",
                    f"remove '{param}=...' from the url (each distributor's link gets its own)",
                )
                return True
        return False

    def distributor_links(
        self,
        name: str,
        pattern: str,
        base: Target,
        params: dict[str, str],
        fields: dict[str, Any],
        people: list[tuple[Distributor, Path]],
    ) -> list[Link]:
        """One link a distributor: its slug from the pattern, its targets tracked."""
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
                languages = tuple(
                    (g, parse_target(_tracked(t.url, params, values)))
                    for g, t in fields["languages"]
                )
                countries = tuple(
                    (c, parse_target(_tracked(t.url, params, values)))
                    for c, t in fields["countries"]
                )
            except UrlError as exc:  # too long with the parameters, say
                self.error(exc.rule, where, f"{person.code}: {exc}", exc.hint)
                continue
            links.append(
                Link(
                    slug=slug,
                    line=self.doc.locate(where)[0],
                    **{
                        **fields,
                        "target": target,
                        "repoint_from": moved,
                        "devices": devices,
                        "languages": languages,
                        "countries": countries,
                    },
                    campaign=name,
                    distributor=person,
                    source=where,
                )
            )
        return links

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
                                "utm-name",
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
                        "campaign-ref",
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
            self.error(
                "tracking-value",
                path,
                f"expected text, got {_kind(value)}",
                "utm: {medium: distributor}",
            )
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
                "tracking-value",
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
                "distributor-list",
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
            read = self.distributor(item, where)
            if read is None:
                continue
            code, person = read
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                self.error(
                    "distributor-code",
                    (*where, "code") if isinstance(item, dict) and "code" in item else where,
                    f"a distributor's code must be letters, digits, '-' or '_', got {shown(code)}"
                    + (" (a number to YAML)" if isinstance(code, int | float) else ""),
                    "code: a01 (a code of digits in quotes: '007')",
                )
                continue
            if code.casefold() in codes:
                self.error(
                    "duplicate-code",
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

    def distributor(self, item: Any, where: Path) -> tuple[Any, Any] | None:
        """One item of ``distributors``: a code, or ``{code: ..., name: ...}``; its code
        and name as written (the code is checked by the caller), or None when it is
        neither."""
        if isinstance(item, str):
            return item, item
        if isinstance(item, dict):
            self.unknown_keys(item, DISTRIBUTOR_KEYS, where, "a distributor")
            code = item.get("code")  # a number is refused by the caller: '007' reads as 7
            person = item.get("name", code)
            if "name" in item:
                person = self.text(item["name"], (*where, "name"), MAX_TITLE)
            return code, person
        if isinstance(item, int | float) and not isinstance(item, bool):
            self.error(
                "distributor-code",
                where,
                "a distributor's code must be letters, digits, '-' or '_', "
                f"got {shown(item)} (a number to YAML)",
                "code: a01 (a code of digits in quotes: '007')",
            )
        elif item is not INVALID:
            said = "a distributor is '{code: a01, name: Alice Wang}'"
            self.error("distributor-list", where, said)
        return None


def _tracked(url: str, params: dict[str, str], values: dict[str, str]) -> str:
    """``url`` with a distributor's tracking parameters added to its query (before any
    fragment), each value percent-encoded."""
    query = "&".join(f"{k}={quote(v.format_map(values), safe='')}" for k, v in params.items())
    base, hashed, fragment = url.partition("#")
    _start, mark, old = base.partition("?")  # the query: all after the first '?'
    sep = "?" if not mark else ("" if old == "" or old.endswith("&") else "&")
    return base + sep + query + hashed + fragment
