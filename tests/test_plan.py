"""States at the edges of starts and expires, and the next change."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import datetime, timedelta, timezone

import pytest

from generator.model import Link, LinkSet, Site, State, Target
from generator.plan import Entry, make_plan, state_at
from generator.times import describe, zone

UTC = timezone.utc
T = Target("https://a.example/", "https://a.example/")
START = datetime(2026, 12, 1, tzinfo=UTC)
END = datetime(2026, 12, 31, tzinfo=UTC)
LINK = Link("s", T, 1, starts=START, expires=END)
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (START - TICK, State.scheduled),
        (START, State.active),
        (END - TICK, State.active),
        (END, State.expired),
        (END + timedelta(days=400), State.expired),
    ],
)
def test_state_at_both_sides_of_each_instant(now: datetime, state: State) -> None:
    assert state_at(LINK, now) is state


def test_next_change_is_the_first_future_instant() -> None:
    other = Link("o", T, 2, expires=datetime(2026, 12, 15, tzinfo=UTC))
    plan = make_plan(LinkSet(Site(), (LINK, other)), START)
    assert plan.next_change is not None
    assert (plan.next_change.slug, plan.next_change.what) == ("o", "expires")
    later = make_plan(LinkSet(Site(), (LINK, other)), END)
    assert later.next_change is None


def test_next_change_at_a_shared_instant_is_the_first_link_s_its_start_first() -> None:
    """Links changing at the same instant (written in other zones, too): the first in the
    file, and of one link its start before its expiry; the instant as that link has it."""
    east = timezone(timedelta(hours=8))
    at = datetime(2026, 12, 15, tzinfo=UTC)
    first = Link("a", T, 1, expires=at.astimezone(east))
    second = Link("b", T, 2, starts=at, expires=at + TICK)
    both = Link("c", T, 3, starts=at, expires=at)
    for links, change in [
        ((first, second), ("a", "expires", east)),
        ((second, first), ("b", "starts", UTC)),
        ((both, first), ("c", "starts", UTC)),
        ((Link("d", T, 4, starts=START - TICK),), None),  # started before now: no change
    ]:
        got = make_plan(LinkSet(Site(), links), START).next_change
        assert (got and (got.slug, got.what, got.at.tzinfo)) == change


def test_aliases_become_entries_with_the_link_state() -> None:
    link = Link("s", T, 1, aliases=("a", "b"), expires=END)
    plan = make_plan(LinkSet(Site(), (link,)), END)
    assert [(e.slug, e.slug in e.link.aliases, e.state) for e in plan.entries] == [
        ("s", False, State.expired),
        ("a", True, State.expired),
        ("b", True, State.expired),
    ]
    assert all(e.destination is None for e in plan.entries)


def test_expired_link_with_expired_url_redirects_there() -> None:
    fallback = Target("https://shop.example/", "https://shop.example/")
    link = Link("s", T, 1, expires=END, expired=fallback)
    plan = make_plan(LinkSet(Site(), (link,)), END)
    assert plan.entries[0].destination is fallback


def test_describe_shows_the_last_valid_day_for_a_bare_expiry_date() -> None:
    tz = zone("Asia/Shanghai")
    midnight_after = datetime(2027, 1, 1, tzinfo=tz)
    assert describe(midnight_after, tz, end=True) == "31 December 2026"
    assert describe(midnight_after, tz) == "1 January 2027"
    assert describe(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tz) == (
        "1 December 2026, 18:00 (UTC+08:00)"
    )


@pytest.mark.parametrize("cls", [Target, Link, Entry])
def test_quick_init_is_the_dataclass_init(cls: type) -> None:
    """model.quick_init's __init__ takes the same arguments as the dataclass's own and sets
    every field as it does: each field by position and by keyword, and each default."""
    own = dataclasses.make_dataclass(
        cls.__name__,
        [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)],
        frozen=True,
        slots=True,
    )
    assert inspect.signature(cls) == inspect.signature(own)
    names = [f.name for f in dataclasses.fields(cls)]
    values = [object() for _ in names]
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    by_name = dict(zip(names, values, strict=True))
    for made, theirs in [
        (cls(*values), own(*values)),
        (cls(**by_name), own(**by_name)),
        (cls(*values[: len(required)]), own(*values[: len(required)])),
    ]:
        assert [getattr(made, n) for n in names] == [getattr(theirs, n) for n in names]
        assert type(made) is cls  # (Link is made as its twin, then turned back)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cls(*values).__setattr__(names[0], 1)
    with pytest.raises(TypeError):
        cls(*values, object())


def test_the_plan_counts_each_link_once_in_its_state() -> None:
    at = datetime(2026, 6, 1, tzinfo=timezone.utc)
    day = timedelta(days=1)
    t = Target("https://a.example/", "https://a.example/")
    links = (
        Link("plain", t, 1, aliases=("p1", "p2")),
        Link("soon", t, 2, starts=at + day),
        Link("gone", t, 3, expires=at - day, aliases=("g1",)),
        Link("now", t, 4, starts=at - day, expires=at + day),
        Link("edge", t, 5, expires=at),  # expired from that instant on
    )
    plan = make_plan(LinkSet(Site(), links), at)
    counted = {state: sum(state_at(link, at) is state for link in links) for state in State}
    assert plan.states == counted == {State.active: 2, State.scheduled: 1, State.expired: 2}
