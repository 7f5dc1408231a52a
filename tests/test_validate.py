"""Every validation rule: its message, its line and column, and its severity.

Each row is (links.yaml source, line, column, severity, message). Sources are
small and complete, so a row reads as the file a user would have written.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator.load import load_text
from generator.times import EXAMPLES, TimeError, iana_names, zone
from generator.validate import validate
from tests.conftest import one_problem, problems_of

E, W = "error", "warning"


def L(body: str, site: str = "") -> str:
    """A links file: optional site lines, then 'links:' with the given lines."""
    head = f"site:\n{site}" if site else "# a test file\n"
    return head + "links:\n" + body


# fmt: off
ROWS = [
    # --- structure ---
    ("", 1, 1, E, "the file is empty"),
    ("- a\n- b\n", 1, 1, E, "the file must be a mapping with 'site:' and 'links:', got a list"),
    ("site: {}\n", 1, 1, E, "the file has no 'links:' section"),
    ("links:\n", 1, 7, W, "'links' is empty: the site will have no short links"),
    ("links: [a, b]\n", 1, 8, E, "'links' must be a mapping of 'key: value' lines, got a list"),
    ("link:\n  gh: https://a.example\nlinks: {}\n", 1, 1, E, "unknown key 'link' in the top level"),
    # --- unknown keys, with did-you-mean ---
    (
        L("  s:\n    url: https://a.example\n    expire: 2026-12-31\n"),
        5,
        5,
        E,
        "unknown key 'expire' in link 's'",
    ),
    (L("  s:\n    URL: https://a.example\n"), 4, 5, E, "unknown key 'URL' in link 's'"),
    (
        L("  s: https://a.example\n", "  domian: go.example.com\n"),
        2,
        3,
        E,
        "unknown key 'domian' in site",
    ),
    # --- slugs ---
    (
        L("  bad slug: https://a.example\n"),
        3,
        3,
        E,
        "slug 'bad slug' contains whitespace or a control character (SPACE) at position 4",
    ),
    (
        L("  a<b: https://a.example\n"),
        3,
        3,
        E,
        "slug 'a<b' contains the character '<' at position 2",
    ),
    (L("  /gh: https://a.example\n"), 3, 3, E, "slug '/gh' starts or ends with '/'"),
    (L("  gh/: https://a.example\n"), 3, 3, E, "slug 'gh/' starts or ends with '/'"),
    (L("  a..b: https://a.example\n"), 3, 3, E, "slug 'a..b' contains '..'"),
    (L("  a//b: https://a.example\n"), 3, 3, E, "slug 'a//b' contains '//'"),
    (L("  a/.git: https://a.example\n"), 3, 3, E, "slug 'a/.git' has a part starting with '.'"),
    (L("  page.html: https://a.example\n"), 3, 3, E, "slug 'page.html' ends in .html"),
    (
        L("  " + "x" * 101 + ": https://a.example\n"),
        3,
        3,
        E,
        "slug is 101 characters long; the limit is 100",
    ),
    (L("  '': https://a.example\n"), 3, 3, E, "a slug cannot be empty"),
    (L("  s: https://a.example/" + "x" * 4080 + "\n"), 3, 6, E, "the URL is 4098 characters long; the limit is 4096"),
    (L("  s: https://a!b.example/\n"), 3, 6, E, "the host 'a!b.example' is not a valid domain name"),
    (L("  s: https://a.example\n", "  timezone: 5\n"), 2, 13, E, "expected a time zone name, got 5"),
    (L("  s: https://a.example\n", "  domain: 7\n"), 2, 11, E, "domain must be a host name like go.example.com, got 7"),
    (L("  s:\n    url: https://a.example\n    status: !!int x\n"), 5, 13, E,
     "invalid int 'x': invalid literal for int() with base 10: 'x'"),
    (L("  " + "长" * 67 + ": https://a.example\n"), 3, 3, E,
     "slug '" + "长" * 67 + "' has a part too long for a file name"),
    (L("  s:\n    url: https://a.example\n    title: " + "t" * 301 + "\n"), 5, 12, E,
     "text is 301 characters long; the limit is 300"),
    (
        L("  index: https://a.example\n"),
        3,
        3,
        E,
        "slug 'index' is reserved for the site's own files",
    ),
    (
        L("  Robots.TXT: https://a.example\n"),
        3,
        3,
        E,
        "slug 'Robots.TXT' is reserved for the site's own files",
    ),
    (
        L("  _redirects: https://a.example\n"),
        3,
        3,
        E,
        "slug '_redirects' is reserved for the site's own files",
    ),
    (
        L("  assets/logo: https://a.example\n"),
        3,
        3,
        E,
        "slug 'assets/logo' is reserved for the site's own files",
    ),
    (
        L("  no: https://a.example\n"),
        3,
        3,
        E,
        "slug no is read by YAML as a boolean (false), not as text",
    ),
    (
        L("  2026: https://a.example\n"),
        3,
        3,
        E,
        "slug 2026 is read by YAML as a number (2026), not as text",
    ),
    # --- collisions ---
    (
        L("  sale: https://a.example\n  Sale: https://b.example\n"),
        4,
        3,
        E,
        "slug 'Sale' collides with 'sale' (line 3)",
    ),
    (
        L("  sale: https://a.example\n  ｓａｌｅ: https://b.example\n"),
        4,
        3,
        E,
        "slug 'ｓａｌｅ' collides with 'sale' (line 3)",
    ),
    (
        L("  sale: https://a.example\n  b:\n    url: https://b.example\n    aliases: [SALE]\n"),
        6,
        15,
        E,
        "slug 'SALE' collides with 'sale' (line 3)",
    ),
    # one name to links.lock and the 404 page: trailing punctuation aside
    (
        L("  gh: https://a.example\n  gh.: https://b.example\n"),
        4,
        3,
        E,
        "slug 'gh.' collides with 'gh' (line 3)",
    ),
    (
        L("  gh: https://a.example\n  b:\n    url: https://b.example\n    aliases: [GH.]\n"),
        6,
        15,
        E,
        "slug 'GH.' collides with 'gh' (line 3)",
    ),
    (
        L("  sale: https://a.example\n  b:\n    url: https://b.example\n    aliases: [sale]\n"),
        6,
        15,
        E,
        "slug 'sale' is already used on line 3",
    ),
    (
        L("  b:\n    url: https://b.example\n    aliases: [b c]\n"),
        5,
        15,
        E,
        "slug 'b c' contains whitespace or a control character (SPACE) at position 2",
    ),
    (
        L("  b:\n    url: https://b.example\n    aliases: 7\n"),
        5,
        14,
        E,
        "aliases must be a list of slugs, got a number (7)",
    ),
    # --- URLs ---
    (L("  gh:\n"), 3, 3, E, "link 'gh' has no URL"),
    (L("  gh:\n    title: x\n"), 3, 3, E, "link 'gh' has no 'url'"),
    (
        L("  gh: javascript:alert(1)\n"),
        3,
        7,
        E,
        "javascript: URLs are refused: it would run code on the short domain",
    ),
    (
        L("  gh: JavaScript:alert(1)\n"),
        3,
        7,
        E,
        "javascript: URLs are refused: it would run code on the short domain",
    ),
    (
        L("  gh: data:text/html,hi\n"),
        3,
        7,
        E,
        "data: URLs are refused: it can carry a whole page (a phishing classic) and browsers block it",
    ),
    (
        L("  gh: vbscript:msgbox\n"),
        3,
        7,
        E,
        "vbscript: URLs are refused: it would run code on the short domain",
    ),
    (
        L("  gh: file:///etc/passwd\n"),
        3,
        7,
        E,
        "file: URLs are refused: it points into the visitor's own computer",
    ),
    (L("  gh: ftp://a.example/x\n"), 3, 7, E, "only http and https URLs are allowed, not ftp:"),
    (
        L("  gh: /relative/path\n"),
        3,
        7,
        E,
        "relative URLs are not allowed: a short link needs a full address",
    ),
    (L("  gh: //a.example/x\n"), 3, 7, E, "a protocol-relative URL is not allowed"),
    (L("  gh: www.example.com\n"), 3, 7, E, "the URL has no scheme"),
    (L("  gh: https:///path\n"), 3, 7, E, "the URL has no host"),
    (L("  gh: 'https://a.example/a b'\n"), 3, 7, E, "the URL contains SPACE at character 20"),
    (
        L('  gh: "https://a.example/\\u200b"\n'),
        3,
        7,
        E,
        "the URL contains ZERO WIDTH SPACE at character 19",
    ),
    (L('  gh: "https://a.example/\\tx"\n'), 3, 7, E, "the URL contains U+0009 at character 19"),
    (
        L("  gh: https://a.example:99999/\n"),
        3,
        7,
        E,
        "the URL is malformed: Port out of range 0-65535",
    ),
    (L("  gh: https://exa_mple..com/\n"), 3, 7, E, "the host 'exa_mple..com' has an empty label"),
    (L("  gh: 302\n"), 3, 7, E, "expected a URL, got int 302"),
    (L("  gh: ''\n"), 3, 7, E, "the URL is empty"),
    # --- site ---
    (
        L("  s: https://a.example\n", "  timezone: Mars/Base\n"),
        2,
        13,
        E,
        "unknown time zone 'Mars/Base'",
    ),
    (
        L("  s: https://a.example\n", "  domain: https://go.example.com\n"),
        2,
        11,
        E,
        "domain 'https://go.example.com' must be a bare host name",
    ),
    (
        L("  s: https://a.example\n", "  domain: 'go example'\n"),
        2,
        11,
        E,
        "domain 'go example' is not a valid host name",
    ),
    (L("  s: https://a.example\n", "  home: example.com\n"), 2, 9, E, "the URL has no scheme"),
    (
        L("  s: https://a.example\n", "  status: 200\n"),
        2,
        11,
        E,
        "status must be 301, 302, 307 or 308, not 200",
    ),
    (
        "site: [a]\nlinks:\n  s: https://a.example\n",
        1,
        7,
        E,
        "'site' must be a mapping of 'key: value' lines, got a list",
    ),
    # --- dates and status ---
    (
        L("  s:\n    url: https://a.example\n    expires: 2026-02-30\n"),
        5,
        14,
        E,
        "expires: '2026-02-30' is not a valid date (day is out of range for month)",
    ),
    (
        L("  s:\n    url: https://a.example\n    expires: next friday\n"),
        5,
        14,
        E,
        "expires: 'next friday' is not a valid date (not an ISO 8601 date)",
    ),
    (
        L("  s:\n    url: https://a.example\n    starts: 5\n"),
        5,
        13,
        E,
        "starts: expected a date, got int 5",
    ),
    (
        L("  s:\n    url: https://a.example\n    starts: 2026-12-31\n    expires: 2026-12-01\n"),
        5,
        13,
        E,
        "link 's' starts (2026-12-31T00:00:00+00:00) at or after it expires (2026-12-02T00:00:00+00:00)",
    ),
    (
        L("  s:\n    url: https://a.example\n    status: 303\n"),
        5,
        13,
        E,
        "status must be 301, 302, 307 or 308, not 303",
    ),
    (
        L("  s:\n    url: https://a.example\n    status: '302'\n"),
        5,
        13,
        E,
        "status must be 301, 302, 307 or 308, not '302'",
    ),
    (
        L("  s:\n    url: https://a.example\n    status: 301\n    expires: 2026-12-31\n"),
        5,
        13,
        E,
        "link 's' expires, so it cannot use the permanent status 301",
    ),
    (
        L("  s:\n    url: https://a.example\n    forward_query: yes please\n"),
        5,
        20,
        E,
        "forward_query must be true or false, not 'yes please'",
    ),
    (
        L("  s:\n    url: https://a.example\n    title: [a]\n"),
        5,
        12,
        E,
        "expected text, got a list",
    ),
    (
        L('  s:\n    url: https://a.example\n    title: "a\\nb"\n'),
        5,
        12,
        E,
        "text contains a control character or a line break",
    ),
    (
        L("  s:\n    url: https://a.example\n    expired: https://b.example\n"),
        5,
        5,
        W,
        "link 's' has 'expired' but no 'expires', so it is never used",
    ),
    (
        L("  s:\n    url: https://a.example\n    expires: 2026-12-31\n    expired: mailto:x@y\n"),
        6,
        14,
        E,
        "only http and https URLs are allowed, not mailto:",
    ),
    # --- chains and loops on the site's own domain ---
    (
        L("  a: https://go.example.com/b\n  b: https://b.example\n", "  domain: go.example.com\n"),
        4,
        6,
        W,
        "link 'a' points to another short link ('b'), which costs visitors an extra hop",
    ),
    (
        L("  a: https://go.example.com/zzz\n", "  domain: go.example.com\n"),
        4,
        6,
        W,
        "link 'a' points to go.example.com/zzz, which is not a slug in this file",
    ),
    (
        L("  a: https://go.example.com/a\n", "  domain: go.example.com\n"),
        4,
        6,
        E,
        "redirect loop: a -> a",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "severity", "message"), ROWS)
def test_rule(source: str, line: int, column: int, severity: str, message: str) -> None:
    problem = one_problem(source)
    assert (problem.line, problem.column, problem.severity, problem.message) == (
        line,
        column,
        severity,
        message,
    )


def test_a_loop_is_reported_on_every_link_in_it() -> None:
    found = problems_of(
        L(
            "  a: https://go.example.com/b\n  b:\n    url: https://GO.example.com/a\n",
            "  domain: go.example.com\n",
        )
    )
    assert [(p.line, p.message) for p in found] == [
        (4, "redirect loop: a -> b -> a"),
        (6, "redirect loop: b -> a -> b"),
    ]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("expire", "did you mean 'expires'?"),
        ("URL", "did you mean 'url'?"),
        ("target", "did you mean 'url'?"),
        ("alias", "did you mean 'aliases'?"),
        ("titel", "did you mean 'title'?"),
        ("colour", None),
    ],
)
def test_unknown_key_hints(key: str, hint: str | None) -> None:
    src = L(f"  s:\n    url: https://a.example\n    {key}: x\n")
    found = [p for p in problems_of(src) if p.message.startswith("unknown key")]
    assert len(found) == 1
    if hint is None:
        assert found[0].hint is not None and found[0].hint.startswith("known keys: url, expires")
    else:
        assert found[0].hint == hint


def test_timezone_typo_gets_a_suggestion() -> None:
    p = one_problem(L("  s: https://a.example\n", "  timezone: Asia/Shanghia\n"))
    assert p.hint == "did you mean 'Asia/Shanghai'?"


MACHINE = "depends on the machine that builds the site"
NAME_IT = "name the zone the dates are meant in: " + EXAMPLES
FILE = "is a file of this machine, not an IANA zone name"
PLACE = "the place's zone, such as 'Asia/Shanghai'? A place's zone also follows its daylight-saving changes"


# Each row: what follows 'timezone: ' in links.yaml, the message after "time zone <value> "
# (or the whole message), and the hint. Every one is refused at the value (line 2, column 13):
# zoneinfo resolves several of them, each to whatever the building machine has.
# fmt: off
NOT_ZONES_ROWS = [
    # the building machine's own zone, by any name
    ("localtime", f"'localtime' {MACHINE}", NAME_IT),
    ("LocalTime", f"'LocalTime' {MACHINE}", NAME_IT),
    ("/etc/localtime", f"'/etc/localtime' {MACHINE}", NAME_IT),
    ("local", f"'local' {MACHINE}", NAME_IT),
    ("system", f"'system' {MACHINE}", NAME_IT),
    ("posixrules", f"'posixrules' {MACHINE}", NAME_IT),  # a system's default rules
    ("Factory", f"'Factory' {MACHINE}", NAME_IT),  # IANA's "no zone set"
    # files of the system's time-zone folder: the IANA name they hold is suggested
    ("posix/Asia/Shanghai", f"'posix/Asia/Shanghai' {FILE}", "did you mean 'Asia/Shanghai'?"),
    ("right/UTC", f"'right/UTC' {FILE}", "did you mean 'UTC'?"),
    ("/usr/share/zoneinfo/Europe/Berlin", f"'/usr/share/zoneinfo/Europe/Berlin' {FILE}",
     "did you mean 'Europe/Berlin'?"),
    ("/etc/timezone", f"'/etc/timezone' {FILE}", f"use {EXAMPLES}"),
    # found on a file system that ignores letter case (macOS, Windows) only
    ("asia/shanghai", "'asia/shanghai' is not written as IANA writes it",
     "did you mean 'Asia/Shanghai'?"),
    # offsets and POSIX TZ strings: no guess that could be a wrong place
    ("UTC+8", "'UTC+8' is an offset, not an IANA zone name",
     f"did you mean 'Etc/GMT-8' (IANA turns the sign around) or {PLACE}"),
    ("GMT-05:00", "'GMT-05:00' is an offset, not an IANA zone name",
     f"did you mean 'Etc/GMT+5' (IANA turns the sign around) or {PLACE}"),
    ("UTC+5:30", "'UTC+5:30' is an offset, not an IANA zone name", f"did you mean {PLACE}"),
    ("UTC+0", "'UTC+0' is an offset, not an IANA zone name", "did you mean 'UTC'?"),
    ("CST-8", "'CST-8' is a POSIX TZ string, not an IANA zone name", f"use {EXAMPLES}"),
    ("'EST5EDT,M3.2.0,M11.1.0'", "'EST5EDT,M3.2.0,M11.1.0' is a POSIX TZ string, not an IANA zone name",
     f"use {EXAMPLES}"),
    # empty
    ("''", "expected a time zone name, got ''", f"e.g. {EXAMPLES}"),
    ("' '", "expected a time zone name, got ' '", f"e.g. {EXAMPLES}"),
]
# fmt: on


@pytest.mark.parametrize(("value", "message", "hint"), NOT_ZONES_ROWS)
def test_a_timezone_that_is_not_an_iana_name_is_refused(
    value: str, message: str, hint: str
) -> None:
    p = one_problem(L("  s: https://a.example\n", f"  timezone: {value}\n"))
    expected = message if message.startswith("expected") else f"time zone {message}"
    assert (p.line, p.column, p.severity, p.message, p.hint) == (2, 13, E, expected, hint)


def test_every_iana_name_is_a_zone_and_nothing_else_zoneinfo_finds_here() -> None:
    """IANA's list (the tzdata package's) is accepted whole; every other name this
    machine's zoneinfo would resolve (its time-zone folders, walked) is refused."""
    names = iana_names()
    assert {"UTC", "Asia/Shanghai", "Europe/Berlin", "EST5EDT", "Etc/GMT-8"} <= names
    assert not names & {"localtime", "posixrules", "Factory"}
    for name in names:
        assert zone(name).key == name
    local = {"posix/Asia/Shanghai", "right/UTC", "localtime"}
    for folder in map(Path, zoneinfo.TZPATH):
        if folder.is_dir():
            local |= {f.relative_to(folder).as_posix() for f in folder.rglob("*") if f.is_file()}
    for name in sorted(local - names):
        with pytest.raises(TimeError):
            zone(name)


def test_all_errors_come_at_once_sorted_by_position() -> None:
    found = problems_of(
        L("  a b: https://a.example\n  ok: https://a.example\n  c: javascript:x\n  d: nope\n")
    )
    assert [p.line for p in found] == [3, 5, 6]


def _model(src: str):  # type: ignore[no-untyped-def]
    doc, problems = load_text(src)
    assert doc is not None and problems == []
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return linkset


def test_bare_dates_cover_whole_days_in_the_site_zone() -> None:
    ls = _model(
        L(
            "  s:\n    url: https://a.example\n    starts: 2026-12-01\n    expires: 2026-12-31\n",
            "  timezone: Asia/Shanghai\n",
        )
    )
    link = ls.links[0]
    assert link.starts == datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
    assert link.expires == datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)


def test_datetimes_with_and_without_offsets() -> None:
    ls = _model(
        L(
            "  s:\n    url: https://a.example\n    starts: 2026-12-01T09:30:00\n"
            "    expires: '2026-12-31T18:00:00Z'\n",
            "  timezone: Europe/Berlin\n",
        )
    )
    link = ls.links[0]
    assert link.starts == datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)
    assert link.expires == datetime(2026, 12, 31, 18, 0, tzinfo=timezone.utc)


def test_urls_are_normalised_to_ascii_and_keep_what_was_written() -> None:
    ls = _model(L("  a: https://bücher.example/straße?q=中文#frag\n  b: https://A.Example/%41\n"))
    a, b = ls.links
    assert a.target.url == "https://xn--bcher-kva.example/stra%C3%9Fe?q=%E4%B8%AD%E6%96%87#frag"
    assert a.target.display == "https://bücher.example/straße?q=中文#frag"
    assert b.target.url == "https://a.example/%41"


def test_quotes_and_angle_brackets_are_percent_encoded() -> None:
    ls = _model(L("  a: 'https://a.example/\"><script>alert(1)</script>'\n"))
    assert ls.links[0].target.url == "https://a.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"


def test_site_permanent_status_becomes_temporary_for_expiring_links() -> None:
    ls = _model(
        L(
            "  a: https://a.example\n  b:\n    url: https://b.example\n    expires: 2027-01-01\n",
            "  status: 308\n",
        )
    )
    assert [link.status for link in ls.links] == [308, 307]


def test_defaults() -> None:
    ls = _model(L("  a: https://a.example\n"))
    link = ls.links[0]
    assert (link.status, link.forward_query, link.aliases, ls.site.timezone) == (
        302,
        True,
        (),
        "UTC",
    )


def test_chinese_slugs_and_aliases_are_welcome() -> None:
    ls = _model(L("  优惠券:\n    url: https://a.example\n    aliases: [特卖, 'sale-2026']\n"))
    assert ls.links[0].slugs == ("优惠券", "特卖", "sale-2026")


@pytest.mark.slow
def test_every_character_text_refuses_is_unprintable() -> None:
    """The text check passes printable text at C speed: that is right only if no character
    it refuses is printable (checked over every code point)."""
    import sys

    from generator.validate import _noncharacter

    refused = (
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" or _noncharacter(c)
    )
    assert [c for c in refused if c.isprintable()] == []


@pytest.mark.parametrize(
    ("written", "model"), [("true", True), ("false", False), ("files", "files")]
)
def test_site_qr_takes_true_false_or_files(written: str, model: object) -> None:
    doc, problems = load_text(f"site:\n  qr: {written}\nlinks:\n  a: https://a.example\n")
    assert doc is not None and problems == []
    linkset, problems = validate(doc)
    assert [p for p in problems if p.is_error] == []
    assert linkset is not None and linkset.site.qr == model


@pytest.mark.parametrize("written", ["file", "svg", "1", "[files]", "'true'"])
def test_site_qr_refuses_anything_else_where_it_is(written: str) -> None:
    p = one_problem(f"site:\n  qr: {written}\nlinks:\n  a: https://a.example\n")
    assert (p.line, p.column) == (2, 7)
    assert p.message.startswith("qr must be true, false, files or a mapping, not ")
    assert p.hint is not None and "_qr/<slug>.svg" in p.hint


@pytest.mark.parametrize(("written", "model"), [("true", True), ("files", "files")])
def test_site_preview_takes_true_or_files(written: str, model: object) -> None:
    doc, problems = load_text(f"site:\n  preview: {written}\nlinks:\n  a: https://a.example\n")
    assert doc is not None and problems == []
    linkset, problems = validate(doc)
    assert [p for p in problems if p.is_error] == []
    assert linkset is not None and linkset.site.preview == model


@pytest.mark.parametrize("written", ["false", "file", "pages", "1", "'true'"])
def test_site_preview_refuses_anything_else_where_it_is(written: str) -> None:
    p = one_problem(f"site:\n  preview: {written}\nlinks:\n  a: https://a.example\n")
    assert (p.line, p.column) == (2, 12)
    assert p.message.startswith("preview must be true or files, not ")
    assert p.hint is not None and "<slug>+.html" in p.hint


@pytest.mark.parametrize(
    ("key", "expected"),
    [("qr", "true, false, files or a mapping"), ("preview", "true or files")],
)
def test_site_qr_and_preview_refuse_yaml_1_1_booleans_as_the_schema_does(
    key: str, expected: str
) -> None:
    p = one_problem(f"site:\n  {key}: on\nlinks:\n  a: https://a.example\n")
    assert p.message == f"{key} must be {expected}, not 'on'"
    assert p.hint is not None and p.hint.startswith("write true: this check (YAML 1.1)")


def test_slugs_one_to_the_lock_collide_with_a_hint_that_says_why() -> None:
    found = one_problem(L("  gh: https://a.example\n  gh.: https://b.example\n"))
    assert (found.line, found.column, found.message) == (
        4,
        3,
        "slug 'gh.' collides with 'gh' (line 3)",
    )
    assert found.hint == (
        "slugs that differ only in trailing punctuation are one name to links.lock, and the "
        "404 page sends one to the other; pick one"
    )


def test_a_refused_link_still_collides_with_another_slug_at_once() -> None:
    """A link refused for its URL (or any other key) keeps its names in the collision
    check: its clash with another slug is said with its other mistakes, not after."""
    found = problems_of(
        L(
            "  Sale: ftp://x.example/\n  sale: https://example.com/\n"
            "  gh:\n    url: https://github.com/x\n    aliases: [Docs]\n"
            "  docs:\n    url: https://example.com/d\n    expires: 2026-02-30\n"
            "  9bad slug: ftp://y.example/\n"
        )
    )
    said = [(p.line, p.rule) for p in found]
    assert (3, "url-scheme") in said and (4, "slug-collision") in said
    assert (8, "slug-collision") in said  # 'docs', refused for its date, and gh's alias
    assert (10, "date-value") in said and (11, "url-scheme") in said
    collisions = [p.message for p in found if p.rule == "slug-collision"]
    assert collisions == [
        "slug 'sale' collides with 'Sale' (line 3)",
        "slug 'docs' collides with 'Docs' (line 7)",
    ]


def test_site_expired_is_the_expired_url_of_each_expiring_link_without_one() -> None:
    text = (
        "site:\n  expired: https://example.com/over\nlinks:\n  plain: https://example.com/a\n"
        "  ends:\n    url: https://example.com/b\n    expires: 2030-01-01\n"
        "  own:\n    url: https://example.com/c\n    expires: 2030-01-01\n"
        "    expired: https://example.com/mine\n"
    )
    doc, loaded = load_text(text)
    linkset, problems = validate(doc)
    assert loaded == problems == [] and linkset is not None
    expired = {link.slug: link.expired and link.expired.url for link in linkset.links}
    assert expired == {
        "plain": None,  # never expires
        "ends": "https://example.com/over",
        "own": "https://example.com/mine",
    }


def test_site_fallbacks_are_held_by_the_domain_policy() -> None:
    for key in ("expired", "not_found"):
        p = one_problem(
            f"site:\n  deny_domains: [evil.example]\n  {key}: https://evil.example/x\n"
            "links:\n  a: https://example.com/\n"
        )
        assert (p.rule, p.line, p.column) == ("deny-domains", 3, 5 + len(key))


def test_not_found_may_be_the_short_domains_root() -> None:
    text = "site:\n  domain: go.example.com\n  not_found: https://go.example.com/\n"
    assert problems_of(text + "links:\n  a: https://example.com/\n") == []


def test_a_link_written_in_full_is_made_from_every_field_its_keys_give() -> None:
    """validate/links.py makes such a Link positionally: its fields from 'status' to
    'counted' are the keys link_fields fills (with 'target'), and the last three are
    campaign, distributor and source."""
    from dataclasses import fields

    from generator.model import Link, Site
    from generator.validate import links

    names = [f.name for f in fields(Link)]
    middle = list(links._STATUS_TO_COUNTED(dict(zip(names, names, strict=True))))
    assert names == ["slug", "target", "line", *middle, "campaign", "distributor", "source"]
    assert list(links._defaults(Site(domain="go.example.com"))) == ["target", *middle]
    linkset, _ = validate(load_text(L("  a:\n    url: https://a.example\n    title: A\n"))[0])
    assert linkset is not None
    assert linkset.links[0] == Link("a", linkset.links[0].target, 3, title="A")
