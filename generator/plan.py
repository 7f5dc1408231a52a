"""The decisions for one build: what each slug does at ``now``.

Time enters the build here and only here. Everything after planning (pages,
rule files) reads the plan, so the same plan always renders the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from .model import Link, LinkSet, Site, State, Target, quick_init


@quick_init
@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Entry:
    """One served path: a link's slug or one of its aliases."""

    slug: str
    link: Link
    state: State

    @property
    def destination(self) -> Target | None:
        """Where a visitor is sent now; None when a page answers instead."""
        if self.state is State.active:
            return self.link.target
        if self.state is State.expired:
            return self.link.expired
        return None

    @property
    def path(self) -> str:
        """The URL path, without the leading '/' (not percent-encoded)."""
        return self.slug


@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Change:
    at: datetime
    slug: str
    what: str  # "starts" or "expires"


@dataclass(frozen=True)
class Plan:
    site: Site
    now: datetime
    links: tuple[Link, ...]
    entries: tuple[Entry, ...]
    next_change: Change | None
    # how many links are in each state (a link, not its aliases), counted as planned
    states: dict[State, int] = field(default_factory=dict)

    def state_of(self, link: Link) -> State:
        return state_at(link, self.now)

    @cached_property
    def by_language(self) -> tuple[Entry, ...]:
        """The entries of links with ``languages``, found once, when a host that matches
        Accept-Language asks (rules.language_rules)."""
        return tuple(e for e in self.entries if e.link.languages)


def state_at(link: Link, now: datetime) -> State:
    if link.starts is not None and now < link.starts:
        return State.scheduled
    if link.expires is not None and now >= link.expires:
        return State.expired
    return State.active


def next_change(links: tuple[Link, ...], now: datetime) -> Change | None:
    """The first future instant at which some link changes state."""
    best: Change | None = None
    for link in links:
        at = link.starts
        if at is not None and at > now and (best is None or at < best.at):
            best = Change(at, link.slug, "starts")
        at = link.expires
        if at is not None and at > now and (best is None or at < best.at):
            best = Change(at, link.slug, "expires")
    return best


def make_plan(linkset: LinkSet, now: datetime) -> Plan:
    entries = []
    add = entries.append
    active = State.active
    dated = []  # the links with a date, in order: only they change (next_change)
    states = dict.fromkeys(State, 0)
    for link in linkset.links:
        # a link with neither date (most) is active: state_at's answer, without its call
        if link.starts is None and link.expires is None:
            state = active
        else:
            state = state_at(link, now)
            dated.append(link)
            states[state] += 1
        add(Entry(link.slug, link, state))
        if link.aliases:
            for alias in link.aliases:
                add(Entry(alias, link, state))
    return Plan(
        site=linkset.site,
        now=now,
        links=linkset.links,
        entries=tuple(entries),
        next_change=next_change(tuple(dated), now),
        states={**states, active: states[active] + len(linkset.links) - len(dated)},
    )
