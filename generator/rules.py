"""Edge rules: what a host should answer at each path, before any host format is involved.

Every host module reads the same list of ``Rule``s and writes what its format can
express. A rule it cannot express exactly (a query merge its engine cannot do, a
status it does not support, a rule past its limits) is simply left out: the page
at the same path gives the visitor the same result, one HTML hop slower. That is
the one mechanism behind overflow, unsupported features and host quirks.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from .model import Link, State
from .plan import Plan


class Kind(str, Enum):
    redirect = "redirect"
    gone = "gone"  # an expired link without an 'expired' URL: 410 with the expired page


@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Rule:
    path: str  # URL path as people read it: "/gh", "/优惠券", "/" for the home redirect
    kind: Kind
    status: int  # 301/302/307/308, or 410
    page: str  # the file that answers without the rule (and the body of a 410)
    location: str | None = None  # ASCII target URL for redirects
    forward_query: bool = True
    expires: bool = False  # rules that never expire are kept first when space is short
    # (ISO 3166-1 code, target URL) a host that targets countries answers first: only the
    # rules of links with ``countries`` have any (``Targeted``)
    countries: ClassVar[tuple[tuple[str, str], ...]] = ()
    # (language tag, target URL), the most specific tag first: only the rules of
    # ``language_rules``, which a host that matches Accept-Language asks for
    languages: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def base(self) -> str:
        """The location without its fragment."""
        assert self.location is not None
        return self.location.split("#", 1)[0]

    @property
    def fragment(self) -> str:
        """``#...`` of the location, or ''."""
        assert self.location is not None
        return "#" + self.location.split("#", 1)[1] if "#" in self.location else ""

    @property
    def has_query(self) -> bool:
        return "?" in self.base


@dataclass(frozen=True, slots=True)
class Targeted(Rule):
    """The rule of a link with ``countries``: the countries' targets, each answered by
    the hosts that target countries before the rule's own ``location`` (the others answer
    every visitor with that)."""

    countries: tuple[tuple[str, str], ...] = ()  # type: ignore[misc]
    languages: tuple[tuple[str, str], ...] = ()  # type: ignore[misc]

    def to_target(self, location: str) -> Rule:
        """This rule to ``location``: what the visitors of one of its countries or languages get."""
        return Rule(
            self.path,
            self.kind,
            self.status,
            self.page,
            location,
            self.forward_query,
            self.expires,
        )


def query_separator(base: str) -> str:
    """What goes between a target (without its fragment) and a visitor's query appended to
    it: '?' when the target has no query, nothing after a query ending in '?' or '&', '&'
    otherwise; as the pages' script does (templates/_merge.js). A '&' that ends the *path*
    (``https://a.example/&``) is part of the path, not a separator: the query still needs
    its '?'."""
    if "?" not in base:
        return "?"
    return "" if base.endswith(("?", "&")) else "&"


def expected_location(rule: Rule, visitor_query: str) -> str:
    """The Location a visitor must get for ``?visitor_query`` (without '?').

    The promise of ``forward_query``: the visitor's query is appended to the
    target's own (with '&'), before the target's fragment.
    """
    if not rule.forward_query or not visitor_query:
        return rule.location or ""
    base = rule.base
    return base + query_separator(base) + visitor_query + rule.fragment


def edge_rules(plan: Plan) -> tuple[Rule, ...]:
    """Every rule of the site: the home redirect first, then each slug in file order.

    Every host reads them, some twice: a build makes them once (render.py's ``edge``) and
    passes them to each host; ``given`` makes them for a caller that has none."""
    return tuple(_edge_rules(plan))


def given(plan: Plan, rules: Sequence[Rule] | None) -> Sequence[Rule]:
    """``rules``, the plan's edge rules made once by the caller, or made now (None)."""
    return edge_rules(plan) if rules is None else rules


def _edge_rules(plan: Plan) -> list[Rule]:
    out: list[Rule] = []
    home = plan.site.home
    if home is not None:
        out.append(Rule("/", Kind.redirect, 302, "index.html", home.url, True))
    for entry in plan.entries:
        link = entry.link
        page = f"{entry.slug}.html"
        path = "/" + entry.slug
        if entry.state is State.active:
            if link.needs_page:
                continue  # its page answers: a card for crawlers, a hint in WeChat
            if link.countries:
                out.append(
                    Targeted(
                        path,
                        Kind.redirect,
                        link.status,
                        page,
                        link.target.url,
                        link.forward_query,
                        link.expires is not None,
                        tuple((code, t.url) for code, t in link.countries),
                    )
                )
                continue
            out.append(
                Rule(
                    path,
                    Kind.redirect,
                    link.status,
                    page,
                    link.target.url,
                    link.forward_query,
                    link.expires is not None,
                )
            )
        elif entry.state is State.expired:
            if link.expired is not None:
                if link.counted:
                    continue  # its page counts the click, then goes to the expired URL
                out.append(
                    Rule(
                        path, Kind.redirect, 302, page, link.expired.url, link.forward_query, False
                    )
                )
            else:
                out.append(Rule(path, Kind.gone, 410, page, expires=False))
        # scheduled: the page answers ("not active yet"); no rule.
    return out


def language_rules(plan: Plan) -> list[Targeted]:
    """The rules of the active links whose page is needed for their languages alone
    (``Link.by_language_only``), for the hosts that match the visitor's Accept-Language
    at the edge (Vercel, nginx, Apache, Caddy; Netlify for some first languages). Not in
    ``edge_rules``: every other host answers such a link with its page. Each rule's
    ``languages`` are ordered most specific tag first (more subtags), so that the first
    that finds the visitor's first language is the one RFC 4647's lookup finds (the page's
    own choice)."""
    return [
        language_rule(entry.link, entry.slug)
        for entry in plan.by_language
        if entry.state is State.active and entry.link.by_language_only
    ]


def language_rule(link: Link, slug: str) -> Targeted:
    """The rule of a language link at one of its slugs (``language_rules``)."""
    ordered = sorted(link.languages, key=lambda g: -g[0].count("-"))
    return Targeted(
        "/" + slug,
        Kind.redirect,
        link.status,
        f"{slug}.html",
        link.target.url,
        link.forward_query,
        link.expires is not None,
        tuple((code, t.url) for code, t in link.countries),
        tuple((tag, t.url) for tag, t in ordered),
    )


def language_rules_where(plan: Plan, expressible: Callable[[Targeted], bool]) -> list[Targeted]:
    """``language_rules`` that one host can write (``expressible``): what each host that
    matches Accept-Language answers at the edge; none made where no link has languages."""
    if not plan.by_language:
        return []
    return [rule for rule in language_rules(plan) if expressible(rule)]


def by_priority(rules: Sequence[Rule]) -> list[Rule]:
    """Which rules to keep when a host cannot take them all: the home redirect, then
    links that never expire (printed QR codes live longest), then by path."""
    return sorted(rules, key=lambda r: (r.path != "/", r.expires, r.path))


def in_priority(rules: Sequence[Rule]) -> Iterator[Rule]:
    """``by_priority``'s order, one rule at a time, each found only when asked for: a host
    whose file is full after a few hundred rules (Azure's 20 KB) does not sort them all."""
    heap = [(r.path != "/", r.expires, r.path, i) for i, r in enumerate(rules)]
    heapq.heapify(heap)
    while heap:
        yield rules[heapq.heappop(heap)[3]]


def fit(
    rules: Sequence[Rule],
    cost: Callable[[Rule], int] | Callable[[Rule], tuple[int, ...]],
    budget: int | tuple[int | None, ...] | None,
    least: int = 0,
) -> tuple[list[Rule], list[Rule]]:
    """Keep rules by priority while their cost fits the budget; return (kept, left).
    A cost of several numbers (lines and bytes, say) is held against a budget of as many,
    None where there is no cap: a rule is kept when every one of them still fits.
    ``least``: no rule costs less (of the first number), so once less of it is left the
    rest are not even measured."""
    caps = budget if isinstance(budget, tuple) else (budget,)
    if all(cap is None for cap in caps):
        return list(rules), []
    kept: list[Rule] = []
    left: list[Rule] = []
    used = [0] * len(caps)
    first = caps[0]
    for rule in by_priority(rules):
        if first is not None and first - used[0] < least:
            left.append(rule)
            continue
        c = cost(rule)
        costs = c if isinstance(c, tuple) else (c,)
        if all(cap is None or u + x <= cap for cap, u, x in zip(caps, used, costs, strict=True)):
            kept.append(rule)
            used = [u + x for u, x in zip(used, costs, strict=True)]
        else:
            left.append(rule)
    order = {id(r): i for i, r in enumerate(rules)}
    kept.sort(key=lambda r: order[id(r)])
    return kept, left
