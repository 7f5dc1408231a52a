"""Azure Static Web Apps: ``staticwebapp.config.json`` ``routes``.

A route may redirect (``statusCode`` 301 or 302) or rewrite to a file with another
status, which gives gone links a real 410 with their page
(https://learn.microsoft.com/azure/static-web-apps/configuration). Redirects drop
the visitor's query string, so only links with ``forward_query: false`` get a
redirect route. Static Web Apps does not serve ``/slug`` from ``slug.html`` by
itself, so every other slug needs a rewrite route to its page.

The whole file may be at most 20 KB
(https://learn.microsoft.com/azure/static-web-apps/configuration#restrictions):
routes are kept by priority (links that never expire first) and the build warns
about the rest, which answer with the 404 page there. Routes are written
percent-encoded: that is the form the local emulator matches.
"""

from __future__ import annotations

import json

from ..plan import Plan
from ..rules import Kind, Rule, edge_rules, fit, memo
from ..urls import quote_path
from .base import Behaviour, HostOutput, Limits

FILE = "staticwebapp.config.json"
MAX_BYTES = 20 * 1024


def expressible(rule: Rule) -> bool:
    if rule.kind is Kind.gone:
        return True
    return rule.status in (301, 302) and not rule.forward_query


def _enc(path: str) -> str:
    return quote_path(path)


def route(rule: Rule) -> dict[str, object]:
    """The route for a rule: a redirect, a 410 with the page, or a plain rewrite to the page."""
    where = _enc(rule.path)
    if rule.kind is Kind.gone:
        return {"route": where, "rewrite": _enc("/" + rule.page), "statusCode": 410}
    if expressible(rule):
        return {"route": where, "redirect": rule.location, "statusCode": rule.status}
    return {"route": where, "rewrite": _enc("/" + rule.page)}


def wanted(plan: Plan) -> list[Rule]:
    """Every path that needs a route: all rules, plus scheduled links' pages."""
    out = [r for r in edge_rules(plan) if r.path != "/" or expressible(r)]
    ruled = {r.path for r in out} | {"/"}
    for entry in plan.entries:
        path = "/" + entry.slug
        if path not in ruled:  # not active yet: the page, via a rewrite
            out.append(Rule(path, Kind.redirect, 200, f"{entry.slug}.html", None, False))
    return out


def document(rules: list[Rule]) -> str:
    config = {
        "routes": [route(r) for r in rules],
        "responseOverrides": {"404": {"rewrite": "/404.html", "statusCode": 404}},
        "globalHeaders": {"Cache-Control": "public, max-age=300, must-revalidate"},
    }
    return json.dumps(config, ensure_ascii=False, indent=1) + "\n"


class Azure:
    name = "azure"
    title = "Azure Static Web Apps"
    files = (FILE,)
    statuses = frozenset({301, 302, 410})
    limits = Limits(
        file_bytes=MAX_BYTES,
        source="https://learn.microsoft.com/azure/static-web-apps/configuration#restrictions",
    )
    behaviour = Behaviour(
        query="dropped by redirects (only links that do not forward it get a rule)",
        case="case-sensitive in the emulator ('/GH' is a 404); Azure documents routes as "
        "case-insensitive",
        trailing_slash="'/gh/' is a 404",
        unicode="routes match percent-encoded",
        files="routes win over files",
    )

    def _fit(self, plan: Plan) -> tuple[list[Rule], list[Rule]]:
        return memo(plan, "azure", lambda: self._fit_now(plan))

    def _fit_now(self, plan: Plan) -> tuple[list[Rule], list[Rule]]:
        empty = len(document([]).encode())

        def size(rule: Rule) -> int:  # one more route in the file; +2 for ",\n" between routes
            return len(document([rule]).encode()) - empty + 2

        # the smallest route there is: a rewrite of '/' to '/'
        least = size(Rule("/", Kind.redirect, 200, "", None, True))
        return fit(wanted(plan), size, MAX_BYTES - empty, least)

    def ruled(self, plan: Plan, selected: frozenset[str]) -> list[Rule]:
        return [
            r for r in self._fit(plan)[0] if r.kind is Kind.gone or (r.location and expressible(r))
        ]

    def render(self, plan: Plan, selected: frozenset[str]) -> HostOutput:
        kept, left = self._fit(plan)
        body = document(kept)
        assert len(body.encode()) <= MAX_BYTES
        notes = []
        if left:
            notes.append(
                f"Azure Static Web Apps: {len(left)} of {len(kept) + len(left)} routes do not fit "
                "its 20 KB config file; there the 404 page's script sends them to their page"
            )
        return HostOutput(
            files={FILE: body.encode()},
            rules=len(kept),
            left_to_pages=len(edge_rules(plan)) - len(kept),
            notes=notes,
        )
