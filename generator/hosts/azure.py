"""Azure Static Web Apps: ``staticwebapp.config.json`` ``routes``.

A route may redirect (``statusCode`` 301 or 302) or rewrite to a file with another
status, which gives gone links a real 410 with their page
(https://learn.microsoft.com/azure/static-web-apps/configuration). Redirects drop
the visitor's query string, so only links with ``forward_query: false`` get a
redirect route. Static Web Apps does not serve ``/slug`` from ``slug.html`` by
itself, so every other slug needs a rewrite route to its page, and so does every
preview (``/slug+`` to the shared preview page, or with ``site.preview: files`` to
``slug+.html``). A route names one path or ends in a wildcard (``/path/*``,
``/*.{png,jpg}``; https://learn.microsoft.com/azure/static-web-apps/configuration#wildcards):
there is no pattern for "any path ending in '+'" (``/*+`` matched nothing on the swa CLI
2.0), so a preview costs a route of its own. A folder (``/team`` for the slug ``team/docs``,
``/_qr``) would get a 301 to ``/team/`` and then the 404 page; a route rewrites it
to the 404 page with status 404, the answer of the other hosts.

The whole file may be at most 20 KB
(https://learn.microsoft.com/azure/static-web-apps/configuration#restrictions):
routes are kept in this order, links first (those that never expire first), then
folders, then previews, and the build warns about the rest. A link without its
route gets the 404 page, whose script sends it on to ``/slug.html``; a preview gets the
404 page, whose script draws it (or, with ``site.preview: files``, sends it on to
``/slug%2B.html``); a folder gets its 301 and then the 404 page. Routes
are written percent-encoded, ``+`` as it is: the form the local emulator matches.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote, unquote

from .. import qr
from ..pages import PREVIEW_PAGE, SHARED_FOLDER
from ..plan import Plan
from ..rules import Kind, Rule, given, in_priority
from .base import Behaviour, Cap, Hides, HostOutput, Limits

FILE = "staticwebapp.config.json"
MIB = 1024 * 1024
# What the module keeps within: its declared limits, read wherever they are enforced.
LIMITS = Limits(
    file_bytes=20 * 1024,  # the whole staticwebapp.config.json: 20 KB
    source="20 KB for the whole file "
    "([docs](https://learn.microsoft.com/azure/static-web-apps/configuration#restrictions))",
    # "App size": 250 MB on the Free plan, 500 MB on Standard. The service's refusal
    # names "524288000 bytes" for Standard (dapr/docs#4792): MB are MiB there.
    site_bytes=Cap(
        (("free", 250 * MIB), ("standard", 500 * MIB)),
        "https://learn.microsoft.com/azure/static-web-apps/quotas",
    ),
)


def expressible(rule: Rule) -> bool:
    if rule.kind is Kind.gone:
        return True
    return rule.status in (301, 302) and not rule.forward_query


def _enc(path: str) -> str:
    """A path as browsers send it and the emulator matches it: percent-encoded, but a '+'
    (previews) as it is."""
    return quote(path, safe="/-_.~+")


@dataclass(frozen=True)
class Route:
    """One entry of ``routes``; ``rule`` is the edge rule it answers, if any."""

    what: str  # "link", "folder" or "preview"
    entry: dict[str, object]
    rule: Rule | None = None


def link_route(rule: Rule) -> Route:
    """A redirect, a 410 with the page, or a plain rewrite to the page."""
    where = _enc(rule.path)
    if rule.kind is Kind.gone:
        entry = {"route": where, "rewrite": _enc("/" + rule.page), "statusCode": 410}
        return Route("link", entry, rule)
    if expressible(rule):
        entry = {"route": where, "redirect": rule.location, "statusCode": rule.status}
        return Route("link", entry, rule)
    return Route("link", {"route": where, "rewrite": _enc("/" + rule.page)})


def folders(plan: Plan) -> list[str]:
    """Every folder a build may write (the slugs' own, and the same under the folder of QR
    codes; the shared files' folder), but those that are a slug's path too: '/team' for
    'team/docs' and 'team' is the link."""
    slug_folders: dict[str, None] = {}
    for entry in plan.entries:
        if "/" in entry.slug:  # most slugs are in no folder
            parts = entry.slug.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                slug_folders["/" + "/".join(parts[:i])] = None
    mine = {"/" + e.slug for e in plan.entries} if slug_folders else set()
    out = [f for f in slug_folders if f not in mine]
    for top in (qr.FOLDER,):
        out += [f"/{top}", *(f"/{top}{f}" for f in slug_folders)]
    return [*out, f"/{SHARED_FOLDER}"]


def folder_route(path: str) -> Route:
    return Route("folder", {"route": _enc(path), "rewrite": "/404.html", "statusCode": 404})


def preview_route(slug: str, shared: bool = True) -> Route:
    """'/slug+' rewritten to the shared preview page, or (site.preview: files) its own."""
    page = f"/{PREVIEW_PAGE}" if shared else f"/{slug}+.html"
    return Route("preview", {"route": _enc(f"/{slug}+"), "rewrite": _enc(page)})


Wanted = tuple[str, int, Callable[[], Iterable[tuple[str, Callable[[], Route]]]]]


def wanted(plan: Plan, edge: Sequence[Rule]) -> list[Wanted]:
    """Every route the site could use, most wanted first, in three groups (kind, how many,
    its routes as (path, maker)): the links' (all rules, plus the pages of links not active
    yet), by priority; folders; previews, by priority. Each group is ordered and made only
    when asked for, one route at a time: at 100,000 links the file is full within the first
    few hundred links, and the rest are only counted."""
    rules = [r for r in edge if r.path != "/" or expressible(r)]
    ruled = {r.path for r in rules} | {"/"}
    for entry in plan.entries:
        path = "/" + entry.slug
        if path not in ruled:  # not active yet: the page, via a rewrite
            rules.append(Rule(path, Kind.redirect, 200, f"{entry.slug}.html", None, False))
    shared = plan.site.preview is True
    found = folders(plan)

    def links() -> Iterator[tuple[str, Callable[[], Route]]]:
        return ((rule.path, partial(link_route, rule)) for rule in in_priority(rules))

    def previews() -> Iterator[tuple[str, Callable[[], Route]]]:
        # in the order of in_priority: links that never expire first, then by path
        entries = plan.entries
        heap = [(e.link.expires is not None, "/" + e.slug, i) for i, e in enumerate(entries)]
        heapq.heapify(heap)  # (as in_priority: the file is full long before the last)
        while heap:
            slug = entries[heapq.heappop(heap)[2]].slug
            yield f"/{slug}+", partial(preview_route, slug, shared)

    return [
        ("link", len(rules), links),
        ("folder", len(found), lambda: ((f, partial(folder_route, f)) for f in found)),
        ("preview", len(plan.entries), previews),
    ]


# one route's members as ``document`` indents them (entries of ``routes`` are flat: strings
# and numbers), by json's C encoder: an indented dump is json's pure-Python one
_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(",\n   ", ": ")).encode


def route_size(entry: dict[str, object]) -> int:
    """The bytes one more route adds to ``document``: its lines, indented twice, and the
    ",\n" before the next (what ``document([entry])`` adds to ``document([])``, plus 2)."""
    return len(_FLAT(entry).encode()) + 14


# No route of a path costs less than this and the path's UTF-8 bytes: its "route" is the
# path, percent-encoded (at least a byte a byte), and a "rewrite" or "redirect" of 1 or more
_LEAST = route_size({"route": "", "rewrite": "/"})


def document(routes: list[dict[str, object]]) -> str:
    config = {
        "routes": routes,
        "responseOverrides": {"404": {"rewrite": "/404.html", "statusCode": 404}},
        "globalHeaders": {"Cache-Control": "public, max-age=300, must-revalidate"},
    }
    return json.dumps(config, ensure_ascii=False, indent=1) + "\n"


class Azure:
    name = "azure"
    title = "Azure Static Web Apps"
    files = (FILE,)
    hides = Hides.nothing
    statuses = frozenset({301, 302, 410})
    limits = LIMITS

    @property
    def _max_bytes(self) -> int:
        return self.limits.file_bytes or 0

    @property
    def _size(self) -> str:
        """The cap on the file as its docs give it: '20 KB' (of 1,024 bytes)."""
        return f"{self._max_bytes // 1024} KB"

    behaviour = Behaviour(
        query="dropped by redirects: only links with `forward_query: false` get one; the rest "
        "rewrite to their page",
        case="sensitive in the emulator; Azure documents routes as case-insensitive",
        trailing_slash="`/gh/` is a 404",
        unicode="percent-encoded",
        files="routes win; `/slug` needs a rewrite route to `slug.html`, `/slug+` one to the shared"
        " preview page (`slug+.html` with `site.preview: files`), and a folder one to the 404"
        " page (else a 301 to `folder/`): routes go links first, then folders, then previews;"
        " those past 20 KB get the 404 page, whose script sends a link on to its file and "
        "draws a preview (the build warns)",
        statuses_note=" (rewrite with the expired page)",
        verified_by="swa CLI 2.0.6 (`@azure/static-web-apps-cli`)",
    )

    def _fit(self, plan: Plan, rules: Sequence[Rule]) -> tuple[list[Route], Counter[str]]:
        """(kept, left): routes in the order of ``wanted`` while the file stays within 20 KB,
        and how many of each kind are left; ``kept`` in the order they are written (links
        in file order, folders, previews in file order)."""
        empty = len(document([]).encode())
        budget = self._max_bytes - empty
        kept: list[Route] = []
        left: Counter[str] = Counter()
        used = 0
        for what, count, routes in wanted(plan, rules):
            seen = 0
            # no route is smaller than _LEAST and a path of one character ("/")
            if budget - used >= _LEAST + 1:
                for path, make in routes():
                    seen += 1
                    # a route that cannot fit what is left is not made
                    if budget - used < _LEAST + len(path) and budget - used < _LEAST + len(
                        path.encode()
                    ):
                        left[what] += 1
                    else:
                        route = make()
                        # one more route in the file: its lines, indented once more, and ",\n"
                        size = route_size(route.entry)
                        if used + size <= budget:
                            kept.append(route)
                            used += size
                        else:
                            left[what] += 1
                    if budget - used < _LEAST + 1:  # full: the rest are only counted
                        break
            left[what] += count - seen

        def path_of(route: Route) -> str:  # '/slug+' is placed where '/slug' is
            path = unquote(str(route.entry["route"]))
            return path.removesuffix("+") if route.what == "preview" else path

        wanted_paths = {path_of(r) for r in kept}  # a few hundred: only they are looked up
        order = {p: i for i, e in enumerate(plan.entries) if (p := "/" + e.slug) in wanted_paths}

        def place(route: Route) -> int:  # '/' first, then in file order
            return order.get(path_of(route), -1)

        links, previews = (sorted((r for r in kept if r.what == w), key=place)
                           for w in ("link", "preview"))  # fmt: skip
        return links + [r for r in kept if r.what == "folder"] + previews, left

    def ruled(
        self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule] | None = None
    ) -> list[Rule]:
        return [r.rule for r in self._fit(plan, given(plan, rules))[0] if r.rule is not None]

    def render(self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule]) -> HostOutput:
        kept, left = self._fit(plan, rules)
        ruled = sum(1 for r in kept if r.rule is not None)
        body = document([r.entry for r in kept])
        assert len(body.encode()) <= self._max_bytes
        notes = []
        if left["link"]:
            total = left["link"] + sum(1 for r in kept if r.what == "link")
            notes.append(
                f"Azure Static Web Apps: {left['link']} of {total} routes do not fit "
                f"its {self._size} config file; there the 404 page's script sends them to "
                "their page"
            )
        if left["preview"] or left["folder"]:
            notes.append(
                f"Azure Static Web Apps: {left['preview']} preview(s) and {left['folder']} "
                f"folder(s) have no route within its {self._size} config file; a preview answers "
                "with the 404 page, whose script goes on to it, a folder with a 301 to "
                "'folder/' and then the 404 page"
            )
        return HostOutput(
            files={FILE: body.encode()},
            rules=len(kept),
            left_to_pages=len(rules) - ruled,
            notes=notes,
            ruled={self.name: ruled},
        )
