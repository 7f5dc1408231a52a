"""UTM parameters on any link: named templates in ``site.utm``, and a link's ``utm:`` (a
template's name, or a mapping with an optional ``template`` and the fields it sets),
merged into the link's target and its device targets at validation. What every later
stage sees (the lock, ``list``, ``diff``, the pages and rule files) is the merged target.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote_plus

from ..load import INVALID
from ..model import Site, Target
from ..problems import Path, shown
from ..urls import UrlError, parse_target
from .checker import Checker, _kind, did_you_mean

# The fields, in the order they are added to a target (utm_id: Google Analytics 4's
# campaign id).
UTM_FIELDS = ("source", "medium", "campaign", "term", "content", "id")
MAX_UTM_VALUE = 200
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_\-]{1,50}")
Params = tuple[tuple[str, str], ...]


class UtmRules(Checker):
    def utm_templates(self, value: Any) -> tuple[tuple[str, Params], ...]:
        """``site.utm``: ``{name: {source: ..., medium: ...}}``, each a set of fields a
        link may name."""
        path: Path = ("site", "utm")
        data = self.mapping(value, path, "site.utm")
        if data is None:
            return ()
        out: list[tuple[str, Params]] = []
        for name, fields in data.items():
            where = (*path, name)
            if not isinstance(name, str) or not _TEMPLATE_NAME.fullmatch(name):
                self.error(
                    "utm-template",
                    where,
                    f"a utm template's name must be letters, digits, '-' or '_', got {shown(name)}",
                    "site: {utm: {newsletter: {source: newsletter, medium: email}}}",
                    at="key",
                )
                continue
            given = self.mapping(fields, where, f"utm template {name!r}")
            if given is None:
                continue
            out.append((name, self.utm_fields(given, where, allow_template=False)))
        return tuple(out)

    def utm_fields(self, given: dict, path: Path, *, allow_template: bool) -> Params:
        """The UTM fields of a mapping, in UTM_FIELDS order; a wrong key or value said."""
        known = (*UTM_FIELDS, "template") if allow_template else UTM_FIELDS
        found: dict[str, str] = {}
        for key, value in given.items():
            if key not in known:
                low = key.lower().removeprefix("utm_") if isinstance(key, str) else key
                guess = low if low in known else did_you_mean(low, known)
                self.error(
                    "utm-key",
                    (*path, key),
                    f"unknown utm field {shown(key)}",
                    f"did you mean '{guess}'?" if guess else f"fields: {', '.join(known)}",
                    at="key",
                )
                continue
            if key == "template":
                continue
            text = self.utm_value(value, (*path, key))
            if text is not None:
                found[key] = text
        return tuple((k, found[k]) for k in UTM_FIELDS if k in found)

    def utm_value(self, value: Any, path: Path) -> str | None:
        if value is INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            # (a float is refused: YAML reads 'content: 1.50' as 1.5)
            self.error(
                "utm-value",
                path,
                f"a utm value must be text, got {_kind(value)}",
                "put it in quotes: utm: {content: '1.50'}",
            )
            return None
        if not isinstance(value, str):
            value = str(value)  # 'campaign: 2027' is read by YAML as a number, as written
        text = self.text(value, path, MAX_UTM_VALUE)
        if text is None:
            return None
        if not text.strip():
            self.error("utm-value", path, "a utm value is empty", "write a value or remove it")
            return None
        return text

    def link_utm(self, value: Any, path: Path, site: Site) -> Params:
        """A link's ``utm``: a template's name, or a mapping; the fields it adds, the
        link's own over its template's."""
        templates = dict(site.utm)
        name: Any = None
        own: Params = ()
        if value is INVALID:
            return ()
        if isinstance(value, str):
            name, where = value, path
        elif isinstance(value, dict):
            own = self.utm_fields(value, path, allow_template=True)
            name, where = value.get("template"), (*path, "template")
            if "template" in value and not isinstance(name, str):
                name = "" if name is None else name
        else:
            self.error(
                "utm-form",
                path,
                f"utm must be a template's name or a mapping of utm fields, got {_kind(value)}",
                "utm: {source: newsletter, medium: email, campaign: spring}",
            )
            return ()
        merged: dict[str, str] = {}
        if name is not None and name is not INVALID:
            if name not in templates:
                guess = did_you_mean(name, tuple(templates)) if templates else None
                if guess:
                    hint = f"did you mean '{guess}'?"
                elif templates:
                    hint = f"templates: {', '.join(templates)}"
                else:
                    hint = "define it under site.utm, e.g. site: {utm: {newsletter: {source: ...}}}"
                said = f"no utm template {shown(name)} in site.utm"
                self.error("utm-template", where, said, hint)
                return ()
            merged.update(templates[name])
        merged.update(own)
        if not merged and isinstance(value, dict) and not value:
            self.error("utm-form", path, "utm is empty", "name a template or the fields to add")
        return tuple((k, merged[k]) for k in UTM_FIELDS if k in merged)

    def with_utm(
        self, target: Target, params: Params, path: Path, what: str = "the URL"
    ) -> Target | None:
        """``target`` with the utm parameters added to its query (before any fragment),
        each value percent-encoded; one it already has with the same value is left as it
        is, one with another value is a clash (an error, None)."""
        query = target.url.partition("#")[0].partition("?")[2]
        present: dict[str, str] = {}
        for pair in query.split("&") if query else ():
            k, _eq, v = pair.partition("=")
            present.setdefault(unquote_plus(k), unquote_plus(v))
        added = []
        for key, value in params:
            name = f"utm_{key}"
            if name in present:
                if present[name] != value:
                    self.error(
                        "utm-clash",
                        path,
                        f"{what} already has {name}={shown(present[name])}, and utm sets "
                        f"{key} to {shown(value)}",
                        f"remove {name} from the URL, or '{key}' from utm (or make them equal)",
                    )
                    return None
                continue
            added.append(f"{name}={quote(value, safe='')}")
        if not added:
            return target
        try:
            merged = parse_target(_added(target.url, added))
        except UrlError as exc:  # too long with the parameters
            self.error(exc.rule, path, f"{what}, with its utm parameters added: {exc}", exc.hint)
            return None
        return Target(url=merged.url, display=_added(target.display, added))


def _added(url: str, pairs: list[str]) -> str:
    """``url`` with ``pairs`` ('k=v', encoded) at the end of its query."""
    base, hashed, fragment = url.partition("#")
    _start, mark, query = base.partition("?")
    sep = "?" if not mark else ("" if query == "" or query.endswith("&") else "&")
    return base + sep + "&".join(pairs) + hashed + fragment
