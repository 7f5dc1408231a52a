"""Property test of export and import: a links file's export, imported into a file of the
same site, gives back the same links, and exports to the same CSV byte for byte.

Why: import used to drop what it could not read (a date that was no date, every
description) and say "skipped 0". This generates links with what people put in a
spreadsheet (commas, semicolons, quotes, '#', line breaks and tabs in descriptions,
Chinese and other scripts, IDN hosts, dates and instants in any offset, list items that
hold a separator) and saves the CSV the ways Excel does (byte order mark, CRLF, semicolons,
tabs in UTF-16), then holds the round trip to every column export writes.

Budget: a fixed number of examples, generated from the test's own source (``derandomize``:
the same examples on every run, no database), as tests/test_properties.py does;
``SHORTLINKS_PROPERTIES=deep`` runs many more, randomly.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import check_text
from generator.commands import importer
from generator.commands.add import _q, when_text
from generator.lock import key as lock_key
from generator.slugs import slug_problems
from generator.urls import UrlError, parse_target

# a property test of many examples, each a whole export and import
pytestmark = pytest.mark.slow

DEEP = os.environ.get("SHORTLINKS_PROPERTIES") == "deep"
BUDGET = settings(
    derandomize=not DEEP,
    database=None,
    max_examples=2000 if DEEP else 120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
ZONES = ("Asia/Shanghai", "UTC", "America/New_York", "Pacific/Chatham", "Europe/Berlin")
DOMAINS = ("go.example.com", "sale.example.cn")

# What people type into a cell beside letters: every CSV and YAML special character.
SPECIAL = [*",;|\"'#:[]{}&*!%@`\\<>/?=~-_ ", "\u00a0", "\u200b", "\ufeff", "é", "中", "🙂"]
TEXT = st.sampled_from(SPECIAL) | st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9\-._~]{0,8}", fullmatch=True) | st.sampled_from(
    ["优惠", "特卖", "Ünï", "docs/v2", "Привет", "a.b"]
)


@st.composite
def urls(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(["shop.example.com", "例え.jp", "www.bücher.de", "x.example"]))
    path = draw(st.text(TEXT, max_size=12))
    query = draw(st.sampled_from(["", "?a=1,2;b=3", "?q=中文&x=%20", '?k="v"\'']))
    url = f"https://{host}/{path}{query}"
    try:
        parse_target(url)
    except UrlError:
        return f"https://{host}/plain"
    return url


@st.composite
def instants(draw: st.DrawFn) -> tuple[str, datetime | date]:
    """A date or an instant as links.yaml may hold it: a bare date, or a time with any
    offset (minutes and microseconds too), or without one (the site's zone)."""
    day = draw(st.dates(date(2001, 1, 1), date(2090, 12, 31)))
    kind = draw(st.sampled_from(["date", "aware", "naive", "utc"]))
    if kind == "date":
        return day.isoformat(), day
    at = datetime(day.year, day.month, day.day) + timedelta(
        seconds=draw(st.integers(0, 86399)), microseconds=draw(st.sampled_from([0, 250000, 7]))
    )
    if kind == "naive":
        return at.isoformat(), at
    if kind == "utc":
        return at.isoformat() + "Z", at.replace(tzinfo=timezone.utc)
    offset = timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60)))
    aware = at.replace(tzinfo=timezone(offset))
    return aware.isoformat(), aware


@st.composite
def links_files(draw: st.DrawFn) -> str:
    several = draw(st.booleans())
    zone = draw(st.sampled_from(ZONES))
    site = f"site:\n  timezone: {zone}\n"
    site += f"  domains: [{', '.join(DOMAINS)}]\n" if several else "  domain: go.example.com\n"
    used: set[str] = set()

    def fresh(slug: str) -> bool:
        if slug_problems(slug) or lock_key(slug) in used:
            return False
        used.add(lock_key(slug))
        return True

    out: list[str] = []
    alone: list[str] = []  # slugs on the default domain only (no aliases)
    for _ in range(draw(st.integers(1, 5))):
        slug = draw(SLUG)
        if not fresh(slug):
            continue
        lines = [f"  {_q(slug)}:", f"    url: {_q(draw(urls()))}"]
        dates = draw(st.lists(instants(), max_size=2))
        if len(dates) == 2:  # starts before expires, as the file must have it
            (a, a_at), (b, b_at) = sorted(dates, key=lambda d: str(d[1])[:10])
            if str(a_at)[:10] < str(b_at)[:10]:
                lines += [f"    starts: {when_text(a)}", f"    expires: {when_text(b)}"]
        elif dates:
            key = draw(st.sampled_from(["starts", "expires"]))
            lines.append(f"    {key}: {when_text(dates[0][0])}")
        title = draw(st.text(TEXT, min_size=1, max_size=30))
        if draw(st.booleans()):
            lines.append(f"    title: {_q(title)}")
        if draw(st.booleans()):
            parts = draw(st.lists(st.text(TEXT, max_size=10), min_size=1, max_size=4))
            text = draw(st.sampled_from(["\n", "\t", "\n\n", " "])).join(parts) or "x"
            lines.append(f"    description: {_q(text)}")
        aliases = [a for a in draw(st.lists(SLUG, max_size=2)) if fresh(a)]
        if aliases:
            lines.append(f"    aliases: [{', '.join(_q(a) for a in aliases)}]")
        tags = draw(st.lists(st.text(TEXT, min_size=1, max_size=12), max_size=3))
        tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
        if tags:
            lines.append(f"    tags: [{', '.join(_q(t) for t in tags)}]")
        on: tuple[str, ...] = ()
        if several:
            on = draw(st.sampled_from([(), DOMAINS[:1], DOMAINS[1:], DOMAINS]))
            if on:
                lines.append(f"    domains: [{', '.join(on)}]")
        if on in ((), DOMAINS[:1]) and not aliases:
            alone.append(slug)
        out += lines
    if several and alone and draw(st.booleans()):  # a slug again, on the other domain
        out += [f"  {_q(alone[0] + '@' + DOMAINS[1])}:", "    url: https://twin.example/"]
    return site + "links:\n" + "".join(x + "\n" for x in out)


@st.composite
def excel(draw: st.DrawFn) -> tuple[str, str, str]:
    """How the CSV is saved again: separator, line end, encoding."""
    return draw(
        st.sampled_from(
            [
                (",", "\n", "utf-8"),
                (",", "\r\n", "utf-8-sig"),
                (";", "\r\n", "utf-8-sig"),
                ("\t", "\r\n", "utf-16"),
            ]
        )
    )


def resaved(text: str, delimiter: str, end: str, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=end)
    writer.writerows(csv.reader(io.StringIO(text)))
    return out.getvalue().encode(encoding)


@BUDGET
@given(links_files(), excel())
def test_export_then_import_gives_back_every_column(
    source: str, dialect: tuple[str, str, str]
) -> None:
    first = check_text(source, "links.yaml")
    assert first.ok and first.linkset is not None, [p.message for p in first.problems]
    exported = importer.export_csv(first.linkset)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "links.yaml"
        path.write_text(source.split("links:\n")[0] + "links:\n", encoding="utf-8")
        empty = check_text(path.read_text(encoding="utf-8"), str(path)).linkset
        assert empty is not None
        text = importer.decode(resaved(exported, *dialect), "in.csv")
        result, report = importer.import_csv(text, "in.csv", path, empty)
    assert not report.refused and not [p for p in report.problems if p.is_error], [
        p.message for p in report.problems
    ]
    if not first.linkset.links:  # (every drawn slug was taken or refused) nothing to write
        assert result is None and report.imported == []
        return
    assert result is not None
    again = check_text(result, "links.yaml")
    assert again.ok and again.linkset is not None, [p.message for p in again.problems]
    before, after = first.linkset.links, again.linkset.links
    assert [importer.carried(x) for x in after] == [importer.carried(x) for x in before]
    assert [x.target for x in after] == [x.target for x in before]  # as written, too
    assert importer.export_csv(again.linkset) == exported
