"""Files shaped to stall a check: each at a size that took minutes before, with its messages.

bench/hostile.py makes these shapes at any size and times them at n and 2n (linear growth
shows as a ratio of 2). Here each runs once at a size where the quadratic or cubic code it
replaced took minutes (noted with each test), and the test asserts what the check says:
that it finishes is the proof of speed, and no assertion depends on the machine's.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from generator import finder, lock
from generator.load import load_text
from generator.problems import Problem
from generator.validate import validate, validate_partial

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402


def checked(text: str) -> tuple[object, list[Problem]]:
    doc, problems = load_text(text)
    if doc is None:
        return None, problems
    linkset, more = validate(doc)
    return linkset, problems + more


def said(problems: list[Problem]) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.severity, p.message) for p in problems]


def loop(names: list[str], device: str | None = None) -> str:
    """A redirect loop's words: at most ten links of it (after the device's target that
    starts it, if one does), then how many more, then the link it comes back to."""
    *route, last = names
    shown = route[:10] + ([f"... ({len(route) - 10} more)"] if len(route) > 10 else [])
    return "redirect loop: " + " -> ".join([*([device] if device else []), *shown, last])


def test_a_ring_of_1000_links_is_one_loop_said_at_each_link() -> None:
    """Before: each link followed the ring anew, checking each step against a list of the
    links seen (cubic): 110 s for these 1,000 links."""
    n = 1000
    _, problems = checked(hostile.ring(n))
    names = [f"s{i}" for i in range(n)]
    assert said(problems) == [
        (4 + i, 5 + len(names[i]), "error", loop([*names[i:], *names[:i], names[i]]))
        for i in range(n)
    ]
    assert problems[0].message == (
        "redirect loop: s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> "
        "... (990 more) -> s0"
    )


def test_devices_looping_back_through_a_chain_of_1000_links() -> None:
    """Each link's iPhone target is the chain's first link, whose 'url' chain passes every
    link: 1,000 device loops, each 'i' links long. Before: each device and each link
    walked the chain against a list (cubic, minutes)."""
    n = 1000
    _, problems = checked(hostile.chain_with_devices(n))
    expected = []
    for i in range(n):
        if i + 1 < n:  # the url of every link but the last is the next short link
            expected.append(
                (5 + 4 * i, 10, "warning",
                 f"link 's{i}' points to another short link ('s{i + 1}'), which costs "
                 "visitors an extra hop")
            )  # fmt: skip
        route = [*(f"s{k}" for k in range(i)), f"s{i}"]
        expected.append((7 + 4 * i, 12, "error", loop(route, device=f"s{i} (ios)")))
    assert said(problems) == expected
    assert problems[1].message == "redirect loop: s0 (ios) -> s0"
    assert problems[-1].message == (
        "redirect loop: s999 (ios) -> s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> "
        "s9 -> ... (989 more) -> s999"
    )


def test_40000_tags_each_written_twice_are_kept_once_in_order() -> None:
    """Before: each tag was looked up in the list of those kept: 33 s for 40,000."""
    n = 40_000
    linkset, problems = checked(hostile.tags(n))
    assert problems == []
    assert linkset.links[0].tags == tuple(f"t{i}" for i in range(n))  # type: ignore[attr-defined]


def test_a_tag_with_spaces_around_it_is_the_same_tag() -> None:
    text = "links:\n  a:\n    url: https://shop.example.com\n    tags: [sale, ' sale', 'new ']\n"
    linkset, problems = checked(text)
    assert problems == []
    assert linkset.links[0].tags == ("sale", "new")  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_base_60_number_of_400000_parts_is_refused_unbuilt() -> None:
    """PyYAML builds '59:59:...' (an int to YAML 1.1) in quadratic time, minutes at this
    size, and the int it makes has too many digits to be printed."""
    text = hostile.sexagesimal(400_000)
    _, problems = checked(text)
    assert said(problems) == [
        (2, 6, "error",
         "YAML reads '59:59:59:59:59:59:59:59:59:59:59:59:59:5'... (1199999 characters) as a "
         "number (base 60: YAML 1.1 reads '1:30' as 90); a number here has at most 100 "
         "characters")
    ]  # fmt: skip
    assert problems[0].hint == "put it in quotes if it is text"


# each of these ended in a traceback: an int of more than 4,300 digits cannot be turned
# into text (sys.set_int_max_str_digits), and messages quote the value; (line, column,
# the value's start)
NUMBERS = {
    "hex": ("    status: 0x" + "f" * 4000, 4, 13, "0xfff"),
    "bin": ("    status: 0b" + "1" * 20000, 4, 13, "0b111"),
    "dec": ("    status: " + "9" * 5000, 4, 13, "999"),
    "oct": ("    status: 0" + "7" * 9000, 4, 13, "0777"),
    "float": ("    title: " + "1" * 300 + ".5", 4, 12, "111"),
    "tag": ("    tags: [x, 0x" + "f" * 4000 + "]", 4, 15, "0xfff"),
    "key": ("    0x" + "f" * 500 + ": x", 4, 5, "0xfff"),
    "tagged": ("    status: !!int 0x" + "f" * 200, 4, 13, "0xfff"),
}


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_of_thousands_of_digits_is_a_problem_not_a_traceback(name: str) -> None:
    value, line, col, start = NUMBERS[name]
    text = "links:\n  a:\n    url: https://shop.example.com\n" + value + "\n"
    _, problems = checked(text)
    assert [(p.line, p.column) for p in problems] == [(line, col)]
    assert problems[0].message.startswith(f"YAML reads '{start}")
    assert problems[0].message.endswith("as a number; a number here has at most 100 characters")


def test_a_number_of_100_characters_is_still_read() -> None:
    text = "links:\n  a: 1" + "0" * 99 + "\n"
    _, problems = checked(text)
    assert said(problems) == [(2, 6, "error", f"expected a URL, got int {10**99}")]


@pytest.mark.slow
def test_20000_links_against_a_deny_list_of_20000_domains() -> None:
    """Before: every link was compared with every domain of the list (4e8 comparisons);
    now each link's host and its parent domains are looked up in a set."""
    n = 20_000
    text = hostile.deny_list(n)
    _, problems = checked(text)
    assert problems == []
    denied = text.replace("https://shop7.example.com/x", "https://www.bad19999.example/x")
    _, problems = checked(denied)
    assert said(problems) == [
        (11, 7, "error", "targets on www.bad19999.example are refused by site.deny_domains")
    ]


def test_allow_and_deny_lists_match_the_domain_and_its_subdomains_only() -> None:
    text = (
        "site:\n  deny_domains: [evil.example]\n  allow_domains: [ok.example, evil.example]\n"
        "links:\n  a: https://evil.example/\n  b: https://www.evil.example/\n"
        "  c: https://notevil.example/\n  d: https://a.b.ok.example/\n"
    )
    _, problems = checked(text)
    assert said(problems) == [
        (5, 6, "error", "targets on evil.example are refused by site.deny_domains"),
        (6, 6, "error", "targets on www.evil.example are refused by site.deny_domains"),
        (7, 6, "error", "notevil.example is not in site.allow_domains"),
    ]


@pytest.mark.slow
def test_20000_short_domains_and_40000_links_naming_them() -> None:
    """Before: each link naming a domain made a list of every domain and searched it (and
    sorted its domains by their index in it): minutes at this size."""
    n = 20_000
    text = hostile.many_domains(n)
    linkset, problems = checked(text)
    assert problems == []
    links = {link.slug: link for link in linkset.links}  # type: ignore[attr-defined]
    assert links["s7"].domains == ("d7.example",)
    assert links["t7"].domains == ("d7.example", "d8.example")
    assert links[f"t{n - 1}"].domains == ("d0.example", f"d{n - 1}.example")  # site order


def test_a_domain_not_in_a_long_site_domains_names_ten_of_them() -> None:
    """A hint per link that listed all of a long site.domains grew with links x domains."""
    names = [f"d{i}.example" for i in range(50)]
    text = (
        f"site:\n  domains: [{', '.join(names)}]\nlinks:\n"
        "  a@nowhere.example: https://shop.example.com\n"
        "  b:\n    url: https://shop.example.com\n    domains: [nowhere.example]\n"
    )
    doc, _ = load_text(text)
    _, problems = validate_partial(doc)  # type: ignore[arg-type]
    hint = f"domains: {', '.join(names[:10])}, ... (50 in all)"
    assert [(p.line, p.column, p.message, p.hint) for p in problems] == [
        (4, 3, "'nowhere.example' (in 'a@nowhere.example') is not one of site.domains", hint),
        (7, 15, "'nowhere.example' is not one of site.domains", hint),
    ]


def test_a_lock_line_with_200000_dots_is_read_in_one_pass() -> None:
    """The 404 finder's normal form keys links.lock; it cut the end with '[...]+$', which
    the regex engine tried again from every dot of the run: minutes at 200,000."""
    n = 200_000
    read = lock.parse(hostile.lock_line(n), "links.lock")
    assert list(read.entries) == ["a" + "." * n + "b"]
    assert finder.normal("Sale" + "." * n) == "sale"
    assert finder.normal("a" + ".)。 /" * n + "b/。") == "a" + ".)。 /" * n + "b"


@pytest.mark.slow
def test_what_the_chain_check_says_is_what_following_each_chain_says() -> None:
    """Random small sites, loops and chains and device targets among them: the one-pass
    check (validate._Hops) says exactly what walking each link's chain says."""
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randrange(1, 14)
        targets = [rng.choice([*range(n), None]) for _ in range(n)]
        devices = [rng.choice([*range(n), None, None]) for _ in range(n)]
        lines = ["site:\n  domain: go.example.com\nlinks:\n"]
        for i in range(n):
            url = (
                "https://elsewhere.example/"
                if targets[i] is None
                else f"{hostile.SHORT}/s{targets[i]}"
            )
            lines.append(f"  s{i}:\n    url: {url}\n")
            if devices[i] is not None:
                lines.append(f"    devices:\n      ios: {hostile.SHORT}/s{devices[i]}\n")
        _, problems = checked("".join(lines))
        got = sorted((p.severity, p.message) for p in problems)
        assert got == sorted(_walked(targets, devices)), (targets, devices)


def _walked(targets: list[int | None], devices: list[int | None]) -> list[tuple[str, str]]:
    """The chain check as it was written first: follow each chain until it repeats."""
    out = []

    def walk(first: int, start: int) -> int | None:
        route = [first]
        cur: int | None = start
        while cur is not None and cur not in route:
            route.append(cur)
            cur = targets[cur]
        return route if cur == first else None  # type: ignore[return-value]

    for i, hop in enumerate(targets):
        if hop is None:
            continue
        route = walk(i, hop)
        if route is not None:
            out.append(("error", loop([*(f"s{k}" for k in route), f"s{i}"])))  # type: ignore[attr-defined]
        else:
            out.append(("warning", f"link 's{i}' points to another short link ('s{hop}'), "
                        "which costs visitors an extra hop"))  # fmt: skip
    for i, hop in enumerate(devices):
        if hop is None:
            continue
        route = walk(i, hop)
        if route is not None:
            names = [*(f"s{k}" for k in route[1:]), f"s{i}"]  # type: ignore[index]
            out.append(("error", loop(names, device=f"s{i} (ios)")))
        else:
            out.append(("warning", f"the ios target of 's{i}' is another short link ('s{hop}'), "
                        "which costs visitors an extra hop"))  # fmt: skip
    return out
