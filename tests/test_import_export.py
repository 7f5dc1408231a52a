"""shortlinks import / export: CSV in and out, other services' exports, nothing overwritten,
nothing dropped without a word.

Every cell is checked by links.yaml's own rules; a row with a mistake is refused with its
file, row, column and reason, and then nothing is written (unless --skip-bad). The round
trip over generated links is tests/test_properties_csv.py.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import main
from generator.commands import importer
from tests.conftest import ROOT

NOT_IMPORTED = (
    "error: nothing imported: 1 row(s) refused; fix them, or import the others with --skip-bad"
)
DATE_HINT = "    hint: write a date as 2026-12-31 or a time as 2026-12-31T18:00:00+08:00\n"


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "links.yaml"
    path.write_bytes((ROOT / "links.yaml").read_bytes())
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def only_insertions(before: str, after: str) -> list[str]:
    """The inserted lines; fails if anything else changed."""
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines()).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    assert len(changed) == 1 and changed[0][0] == "insert", changed
    _, _, _, j1, j2 = changed[0]
    return after.splitlines()[j1:j2]


def refused(csv_text: str, links: Path, *args: str) -> str:
    """The output of an import that must refuse and write nothing."""
    Path("in.csv").write_text(csv_text, encoding="utf-8")
    before = links.read_bytes()
    code, out = run("import", "in.csv", links.name, *args)
    assert code == 1, out
    assert links.read_bytes() == before
    assert not list(links.parent.glob(".*tmp"))
    return out


# --- the round trip --------------------------------------------------------------------


def test_export_then_import_into_an_empty_file_gives_the_same_links(
    bundled: Path, tmp_path: Path
) -> None:
    code, _ = run("export", "-o", "out.csv")
    assert code == 0
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text("site:\n  domain: go.example.com\n  timezone: Asia/Shanghai\nlinks:\n")
    code, out = run("import", "out.csv", str(fresh))
    assert code == 0, out
    before, after = check(bundled).linkset, check(fresh).linkset
    assert before is not None and after is not None
    assert [importer.carried(x) for x in before.links] == [importer.carried(x) for x in after.links]
    assert [x.target for x in before.links] == [x.target for x in after.links]
    # the dates come back as people wrote them: 'expires: 2027-03-31' is exported as the
    # instant it ends, 2027-04-01T00:00:00+08:00, and written back as the day
    assert "    starts: 2026-03-01\n    expires: 2027-03-31\n" in fresh.read_text()
    # and once more: the same CSV, byte for byte
    code, _ = run("export", str(fresh), "-o", "again.csv")
    assert Path("again.csv").read_text() == Path("out.csv").read_text()


def test_export_names_the_keys_it_has_no_column_for(bundled: Path) -> None:
    code, out = run("export", "-o", "out.csv")
    assert code == 0
    assert out == (
        "Wrote 7 links to out.csv\n"
        "note: the CSV has no column for expired (1 link), status (1 link), forward_query "
        "(1 link): links.yaml keeps them\n"
    )


def test_import_then_again_skips_what_is_there_and_refuses_what_differs(bundled: Path) -> None:
    run("export", "-o", "out.csv")
    code, out = run("import", "out.csv")
    assert code == 0, out
    assert out.splitlines()[0] == "out.csv:2: skipped gh: already in links.yaml, the same link"
    assert out.splitlines()[-1] == "Imported 0 link(s) (shortlinks format), skipped 7"
    text = Path("out.csv").read_text().replace("https://github.com/example", "https://evil.example")
    out = refused(text, bundled)
    assert out.splitlines()[0] == "in.csv:3: skipped docs: already in links.yaml, the same link"
    assert out.endswith(
        "in.csv:2:1: error: row 2, column A (slug): 'gh' is taken by a link of links.yaml "
        "(line 13): nothing there is overwritten (import-slug-taken)\n"
        "    hint: give the row another slug, or change the link in links.yaml\n"
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


# --- every cell checked, every mistake refused -----------------------------------------


@pytest.mark.parametrize("column", ["expires", "starts"])
@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("2026-02-30", "'2026-02-30' is not a valid date (day is out of range for month)"),
        ("next friday", "'next friday' is not a valid date (not an ISO 8601 date)"),
        ("31/12/2026", "'31/12/2026' is not a valid date (not an ISO 8601 date)"),
        ("2026-12-31 6pm", "'2026-12-31 6pm' is not a valid date (not an ISO 8601 date)"),
    ],
)
def test_a_date_that_is_not_one_refuses_the_import(
    bundled: Path, column: str, cell: str, why: str
) -> None:
    out = refused(
        f"slug,url,{column}\nfine,https://fine.example,\nwrong,https://x.example,{cell}\n",
        bundled,
    )
    assert out == (
        f"in.csv:3:3: error: row 3, column C ({column}): {why} (date-value)\n{DATE_HINT}"
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


def test_a_year_out_of_range_says_how_to_write_never(bundled: Path) -> None:
    out = refused("slug,url,expires\nx,https://x.example,9999-12-31\n", bundled)
    assert out == (
        "in.csv:2:3: error: row 2, column C (expires): '9999-12-31' is out of range: the year "
        "must be from 1000 to 9998 (date-range)\n"
        "    hint: write a real date; for a link that never expires, leave 'expires' out\n"
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


LONG = "x" * 301
# column header, cell (as written in the CSV), the column's letter, message, hint
MISTAKES = [
    ("url", "not a url", "B", "the URL contains SPACE at character 4 (url-character)",
     "percent-encode a space as %20"),
    ("url", "javascript:alert(1)", "B",
     "javascript: URLs are refused: it would run code on the short domain (url-scheme)", None),
    ("url", "example.com/x", "B", "the URL has no scheme (url-scheme)", "did you mean https://example.com/x ?"),
    ("title", '"two\nlines"', "C", "text contains a control character or a line break (text-control)",
     "keep it on one line"),
    ("title", LONG, "C", "text is 301 characters long; the limit is 300 (text-too-long)", None),
    ("description", "x" * 1001, "C", "text is 1001 characters long; the limit is 1000 (text-too-long)", None),
    ("description", "bell\x07", "C", "text contains a control character or a line break (text-control)",
     "keep it on one line"),
    ("tags", "fine;bad\x1b[31m", "C", "text contains a control character or a line break (text-control)",
     "keep it on one line"),
    ("aliases", "ok;a b", "C",
     "slug 'a b' contains whitespace or a control character (SPACE) at position 2 "
     "(slug-character)",
     "use letters, digits, '-', '_', '.', '~' and '/' between words"),
    ("domains", "go.example.com", "C",
     None, None),  # a file of one site: left out, and said so (below)
]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "cell", "letter", "message", "hint"),
    [m for m in MISTAKES if m[3] is not None],
    ids=[f"{m[0]}-{m[1][:12]!r}" for m in MISTAKES if m[3] is not None],
)
def test_every_column_is_checked_as_links_yaml_checks_the_same_key(
    bundled: Path, column: str, cell: str, letter: str, message: str, hint: str | None
) -> None:
    header = "slug,url,tags" if column == "url" else f"slug,url,{column}"
    out = refused(f"{header}\nfine,https://fine.example,\n" + (
        f"wrong,{cell},\n" if column == "url" else f"wrong,https://x.example,{cell}\n"
    ), bundled)  # fmt: skip
    head = f"in.csv:3:{ord(letter) - 64}: error: row 3, column {letter} ({column}): {message}\n"
    assert out == head + (f"    hint: {hint}\n" if hint else "") + (
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


def test_the_files_own_site_rules_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row is checked under the file's site: its deny list, its zone, its domains."""
    monkeypatch.chdir(tmp_path)
    links = tmp_path / "links.yaml"
    links.write_text(
        "site:\n  domain: go.example.com\n  deny_domains: [evil.example]\nlinks:\n"
        "  gh: https://github.com/example\n"
    )
    out = refused("slug,url\nfree,https://www.evil.example/login\n", links)
    assert out == (
        "in.csv:2:2: error: row 2, column B (url): targets on www.evil.example are refused by "
        "site.deny_domains (deny-domains)\n"
        "    hint: link somewhere else, or take the domain off the list\n"
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


def test_every_mistake_of_every_row_at_once_then_skip_bad(bundled: Path) -> None:
    text = (
        "slug,url,expires,starts,title,tags,description\n"
        'new-one,https://new.example.com,2026-12-31,,New,winter;shop,"two\nlines"\n'
        "GH,https://evil.example.com,,,,,\n"  # 'gh' exists: never overwritten
        "bad,not a url,2026-02-30,,,,\n"  # two mistakes in one row
        "new-one,https://again.example.com,,,,,\n"  # the same slug twice in the file
        "late,https://late.example,2026-01-01,2026-06-01,,,\n"
        "优惠2,https://shop.example.com/u,,,,,\n"
    )
    out = refused(text, bundled)
    assert out == (
        "in.csv:4:1: error: row 3, column A (slug): 'GH' is taken by link 'gh' of links.yaml "
        "(line 13): nothing there is overwritten (import-slug-taken)\n"
        "    hint: give the row another slug, or change the link in links.yaml\n"
        "in.csv:5:2: error: row 4, column B (url): the URL contains SPACE at character 4 "
        "(url-character)\n"
        "    hint: percent-encode a space as %20\n"
        "in.csv:5:3: error: row 4, column C (expires): '2026-02-30' is not a valid date (day "
        f"is out of range for month) (date-value)\n{DATE_HINT}"
        "in.csv:6:1: error: row 5, column A (slug): 'new-one' is in row 2 already "
        "(import-duplicate-row)\n"
        "    hint: one row a link (slugs differing only in letter case are the same)\n"
        "in.csv:7:4: error: row 6, column D (starts): link 'late' starts "
        "(2026-06-01T00:00:00+08:00) at or after it expires (2026-01-02T00:00:00+08:00) "
        "(starts-after-expires)\n"
        "    hint: a bare date in 'expires' lasts through the end of that day\n"
        "5 errors, 0 warnings\n"
        "error: nothing imported: 4 row(s) refused; fix them, or import the others with "
        "--skip-bad\n"
    )
    before = bundled.read_text()
    code, out = run("import", "in.csv", "--skip-bad")
    assert code == 0, out
    assert out.endswith("5 errors, 0 warnings\nImported 2 link(s) (shortlinks format), "
                        "skipped 0, refused 4\n")  # fmt: skip
    assert only_insertions(before, bundled.read_text()) == [
        "  new-one:",
        '    url: "https://new.example.com"',
        "    expires: 2026-12-31",
        '    title: "New"',
        '    description: "two\\nlines"',
        "    tags: [winter, shop]",
        '  优惠2: "https://shop.example.com/u"',
    ]
    linkset = check(bundled).linkset
    assert linkset is not None
    new = next(x for x in linkset.links if x.slug == "new-one")
    assert (new.tags, new.title, new.description) == (("winter", "shop"), "New", "two\nlines")
    gh = next(x for x in linkset.links if x.slug == "gh")
    assert gh.target.url == "https://github.com/example"


def test_a_problem_only_the_whole_file_shows_is_placed_on_the_row_and_the_files_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redirect loop through a link of the file: found in the would-be file, said at
    the row's cell and at the file's own line (never a line of the would-be file)."""
    monkeypatch.chdir(tmp_path)
    links = tmp_path / "l.yaml"
    links.write_text(
        "site:\n  domain: go.example.com\nlinks:\n  a: https://go.example.com/b\n# the end\n"
    )
    text = "slug,url\nb,https://go.example.com/a\nc,https://c.example\n"
    out = refused(text, links)
    assert out == (
        "in.csv:2:2: error: row 2, column B (url): redirect loop: b -> a -> b (redirect-loop)\n"
        "    hint: point one elsewhere\n"
        "l.yaml:4:6: error: redirect loop: a -> b -> a (redirect-loop)\n"
        "    hint: point one elsewhere\n"
        "2 errors, 0 warnings\n"
        f"{NOT_IMPORTED}\n"
    )
    code, out = run("import", "in.csv", "l.yaml", "--skip-bad")
    assert code == 0 and out.endswith("Imported 1 link(s) (shortlinks format), skipped 0, "
                                      "refused 1\n")  # fmt: skip
    assert links.read_text().endswith('  c: "https://c.example"\n# the end\n')


def test_a_quoted_line_break_moves_the_line_on_and_the_row_stays(bundled: Path) -> None:
    text = (
        'slug,url,description\na,https://a.example,"one\ntwo\nthree"\nb,https://b.example,\n'
        "c,https://c.example,\x01\n"
    )
    out = refused(text, bundled)
    assert out.startswith(
        "in.csv:6:3: error: row 4, column C (description): text contains a control character "
        "or a line break (text-control)\n"
    )


# --- the file as a whole ---------------------------------------------------------------

HEADER_CASES = [
    ("slug,url,expiry\nx,https://x.example,2026-12-31\n",
     "in.csv:1:3: error: column C 'expiry' is not one import reads (csv-unknown-column)\n"
     "    hint: did you mean 'expires'?\n"),
    ("slug,url,status\nx,https://x.example,301\n",
     "in.csv:1:3: error: column C 'status' is not one import reads (csv-unknown-column)\n"
     "    hint: import does not set 'status': remove the column, and set it in links.yaml "
     "after importing\n"),
    ("slug,url,notes\nx,https://x.example,hello\n",
     "in.csv:1:3: error: column C 'notes' is not one import reads (csv-unknown-column)\n"
     "    hint: the columns are slug, url, expires, starts, title, description, aliases, tags, "
     "campaign, distributor_code, distributor_name, domains: remove the others\n"),
    ("slug,url,Title,title\nx,https://x.example,A,B\n",
     "in.csv:1:4: error: columns C and D are both 'title' (csv-duplicate-column)\n"
     "    hint: keep one of them: which one is meant cannot be told\n"),
    ("slug,title\nx,X\n",
     "in.csv:1:1: error: the header row has no 'url' column (import-header)\n"
     "    hint: add it: where each link goes\n"),
    ("url,title\nhttps://x.example,X\n",
     "in.csv:1:1: error: the header row has no 'slug' column (import-header)\n"
     "    hint: add it: the short path of each link\n"),
    ("foo,bar\n1,2\n",
     "in.csv:1:1: error: the header row names no known format: got 'foo', 'bar' (import-header)\n"
     "    hint: the first row names the columns: slug and url at least (this tool's export: "
     "slug,url,expires,starts,title,description,aliases,tags,campaign,distributor_code,"
     "distributor_name,domains); or the columns of shlink, yourls, kutt, bitly\n"),
    ("slug,url,state,left\nx,https://x.example,active,\n",
     "in.csv:1:3: error: column C 'state' is not one import reads (csv-unknown-column)\n"
     "    hint: this looks like 'shortlinks list --format csv' (dates in words); "
     "'shortlinks export' writes what import reads\n"
     "in.csv:1:4: error: column D 'left' is not one import reads (csv-unknown-column)\n"
     "    hint: this looks like 'shortlinks list --format csv' (dates in words); "
     "'shortlinks export' writes what import reads\n"),
    ("", "in.csv:1:1: error: the file is empty (import-empty)\n"
     "    hint: its first row names the columns: slug,url\n"),
    ('slug,url\n"x,https://x.example\n',
     "in.csv:2:1: error: row 2 cannot be read as CSV: a quoted cell is never closed (its "
     "closing '\"' is missing) (csv-syntax)\n"
     "    hint: a cell with a comma, a quote or a line break in it is written in double "
     'quotes, a quote inside it doubled: "say ""hi"""\n'),
    ('slug,url\nx,https://x.example\n"y"z,https://y.example\n',
     "in.csv:3:1: error: row 3 cannot be read as CSV: text follows the '\"' that closes a "
     "quoted cell (csv-syntax)\n"
     "    hint: a cell with a comma, a quote or a line break in it is written in double "
     'quotes, a quote inside it doubled: "say ""hi"""\n'),
    ("slug,url\nx,https://x.example,surplus\n",
     "in.csv:2:3: error: row 2 has 3 cells, and the header names 2 columns (csv-cells)\n"
     '    hint: a cell with a comma or a line break in it is written in double quotes ("a, '
     'b"); a quote inside it is doubled ("say ""hi""")\n'),
    ("slug,url,\nx,https://x.example,lost?\n",
     "in.csv:2:3: error: row 2, column C: a value in a column without a name (csv-unnamed-column)\n"
     "    hint: name the column in the first row, or empty it\n"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "said"), HEADER_CASES)
def test_a_file_that_cannot_be_read_as_links_is_refused_whole(
    bundled: Path, text: str, said: str
) -> None:
    out = refused(text, bundled, "--skip-bad")  # (no row can be trusted: nothing at all)
    errors = said.count(": error: ")
    assert out == said + f"{errors} error{'s' * (errors > 1)}, 0 warnings\n" + (
        "error: nothing imported from in.csv\n"
    )


def test_a_file_that_is_not_utf8_is_refused_where_the_byte_is(bundled: Path) -> None:
    Path("in.csv").write_bytes(b"slug,url,title\nx,https://x.example,Caf\xe9\n")
    code, out = run("import", "in.csv")
    assert code == 1
    assert out == (
        "in.csv:2:24: error: the file is not UTF-8 text (byte 0xe9 cannot be read) "
        "(file-encoding)\n"
        "    hint: save it as UTF-8 text (Excel: File > Save As > 'CSV UTF-8')\n"
        "1 error, 0 warnings\nerror: nothing imported from in.csv\n"
    )


@pytest.mark.parametrize(
    "raw",
    [
        # Excel's "CSV UTF-8": a byte order mark, CRLF rows, a line break inside a cell
        "\ufeffslug,url,title,description\r\nx,\"https://x.example/a?b=1,c\",Café,\"one\r\ntwo\"\r\n"
        .encode(),
        # Excel where the comma is the decimal mark: semicolons
        "\ufeffslug;url;title;description\r\nx;https://x.example/a?b=1,c;Café;\"one\ntwo\"\r\n"
        .encode(),
        # ... with the line Excel writes to name the separator
        "sep=;\nslug;url;title;description\nx;https://x.example/a?b=1,c;Café;\"one\ntwo\"\n"
        .encode(),
        # Excel's "Unicode text": UTF-16 with its byte order mark, tabs
        "slug\turl\ttitle\tdescription\r\nx\thttps://x.example/a?b=1,c\tCafé\t\"one\ntwo\"\r\n"
        .encode("utf-16"),
    ],
    ids=["csv-utf8-bom-crlf", "semicolons", "sep-line", "utf16-tabs"],
)  # fmt: skip
def test_what_excel_writes_comes_in(bundled: Path, raw: bytes) -> None:
    Path("in.csv").write_bytes(raw)
    code, out = run("import", "in.csv")
    assert code == 0, out
    linkset = check(bundled).linkset
    assert linkset is not None
    x = next(link for link in linkset.links if link.slug == "x")
    assert (x.target.url, x.title, x.description) == ("https://x.example/a?b=1,c", "Café",
                                                      "one\ntwo")  # fmt: skip


def test_dates_in_every_form_export_writes_mean_the_same_instant(bundled: Path) -> None:
    """Midnight in the site's zone comes back as the day people wrote; any other instant
    is written as given (quoted, so YAML reads the same text)."""
    before = bundled.read_text()
    Path("in.csv").write_text(
        "slug,url,starts,expires\n"
        "a,https://a.example,2026-03-01T00:00:00+08:00,2027-04-01T00:00:00+08:00\n"
        "b,https://b.example,2026-03-01T09:30:00.250000+08:00,2027-03-31T16:00:00Z\n"
        "c,https://c.example,2026-03-01T09:30:00,2027-03-31\n"
        "d,https://d.example,2026-02-28T16:00:00+00:00,2027-03-31T12:00:00-05:00\n"
    )
    code, out = run("import", "in.csv")
    assert code == 0, out
    assert only_insertions(before, bundled.read_text()) == [
        "  a:", '    url: "https://a.example"',
        "    starts: 2026-03-01", "    expires: 2027-03-31",
        "  b:", '    url: "https://b.example"',
        '    starts: "2026-03-01T09:30:00.250000+08:00"', "    expires: 2027-03-31",
        "  c:", '    url: "https://c.example"',
        '    starts: "2026-03-01T09:30:00"', "    expires: 2027-03-31",
        "  d:", '    url: "https://d.example"',
        "    starts: 2026-03-01", '    expires: "2027-03-31T12:00:00-05:00"',
    ]  # fmt: skip


def test_a_one_site_file_leaves_the_domains_column_out_and_says_so(bundled: Path) -> None:
    Path("in.csv").write_text("slug,url,domains\nx,https://x.example,sale.example.cn\n")
    code, out = run("import", "in.csv", "--dry-run")
    assert code == 0
    assert out == (
        "note: the domains column is left out: links.yaml has no site.domains\n"
        "Would import 1 link(s) (shortlinks format), skipped 0\n"
    )


def test_a_slug_yaml_would_read_as_a_number_is_quoted(bundled: Path) -> None:
    before = bundled.read_text()
    Path("in.csv").write_text("slug,url,tags\n2026,https://x.example,yes;2027;ok\n")
    code, out = run("import", "in.csv")
    assert code == 0, out
    assert only_insertions(before, bundled.read_text()) == [
        '  "2026":', '    url: "https://x.example"', '    tags: ["yes", "2027", ok]',
    ]  # fmt: skip
    linkset = check(bundled).linkset
    assert linkset is not None
    assert next(x for x in linkset.links if x.slug == "2026").tags == ("yes", "2027", "ok")


# --- other services ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "row", "fmt", "note"),
    [
        ("createdAt,domain,shortCode,shortUrl,longUrl,title,tags,visits",
         "2026-01-01,s.example,abc,https://s.example/abc,https://a.example,A,x|y,3", "shlink",
         "createdAt, domain, shortUrl, visits"),
        ("Long URL,Short code,Title", "https://a.example,abc,A", "shlink", ""),
        ("keyword,url,title,timestamp,ip,clicks", "abc,https://a.example,A,2020-01-01,1.2.3.4,5",
         "yourls", "timestamp, ip, clicks"),
        ("address,target,description", "abc,https://a.example,A", "kutt", ""),
        ("link,long_url,title,tags", "https://bit.ly/abc,https://a.example,A,x", "bitly", ""),
        ("Link,Custom Link,Destination URL", "bit.ly/q1w2,bit.ly/abc,https://a.example", "bitly",
         "Link"),
    ],
)  # fmt: skip
def test_other_services_exports_are_recognised(
    bundled: Path, header: str, row: str, fmt: str, note: str
) -> None:
    Path("in.csv").write_text(f"{header}\n{row}\n")
    code, out = run("import", "in.csv", "--dry-run")
    assert code == 0, out
    said = f"note: columns left out (this tool has no place for them): {note}\n" if note else ""
    assert out == said + f"Would import 1 link(s) ({fmt} format), skipped 0\n"
    assert "abc" not in bundled.read_text()  # a dry run writes nothing


def test_another_services_date_is_checked_too(bundled: Path) -> None:
    out = refused("address,target,expire_in\nabc,https://a.example,2 hours\n", bundled)
    assert out.startswith(
        "in.csv:2:3: error: row 2, column C (expire_in): '2 hours' is not a valid date "
        "(not an ISO 8601 date) (date-value)\n"
    )


# --- the pieces -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "cell"),
    [
        ((), ""),
        (("a", "b"), "a;b"),
        (("a,b", "c"), '["a,b", "c"]'),
        (("x|y",), '["x|y"]'),
        (("[draft]",), '["[draft]"]'),
        (('引号"', "b;c"), '["引号\\"", "b;c"]'),
    ],
)
def test_a_list_cell_reads_back_as_the_same_list(items: tuple[str, ...], cell: str) -> None:
    assert importer.list_cell(items) == cell
    assert tuple(importer.parse_list(cell)) == items


def test_a_spreadsheets_column_letters() -> None:
    assert [importer.letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


TWO = """\
site:
  domains: [go.example.com, sale.example.cn]
links:
  sale: https://shop.example.com/sale
  cn-only:
    url: https://shop.example.cn/only
    domains: [sale.example.cn]
"""


def test_with_site_domains_a_slug_is_taken_on_its_own_domains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    links = tmp_path / "links.yaml"
    links.write_text(TWO)
    text = (
        "slug,url,domains\n"
        "sale,https://shop.example.cn/sale,sale.example.cn\n"  # free there
        "cn-only,https://x.example,go.example.com\n"  # free there
        "everywhere,https://x.example/all,all\n"  # as 'domains: all' in links.yaml
        "SALE,https://y.example,go.example.com;sale.example.cn\n"  # taken on the first
        "far,https://z.example,other.example\n"
    )
    out = refused(text, links)
    assert out == (
        "in.csv:5:1: error: row 5, column A (slug): 'SALE' is taken on go.example.com by link "
        "'sale' of links.yaml (line 4): nothing there is overwritten (import-slug-taken)\n"
        "    hint: give the row another slug, or change the link in links.yaml\n"
        "in.csv:6:3: error: row 6, column C (domains): 'other.example' is not one of "
        "site.domains (link-domains)\n"
        "    hint: domains: go.example.com, sale.example.cn\n"
        "2 errors, 0 warnings\n"
        "error: nothing imported: 2 row(s) refused; fix them, or import the others with "
        "--skip-bad\n"
    )
    before = links.read_text()
    code, out = run("import", "in.csv", "--skip-bad")
    assert code == 0, out
    assert only_insertions(before, links.read_text()) == [
        '  sale@sale.example.cn: "https://shop.example.cn/sale"',
        '  cn-only@go.example.com: "https://x.example"',  # 'cn-only:' is a key already
        "  everywhere:",
        '    url: "https://x.example/all"',
        "    domains: [go.example.com, sale.example.cn]",
    ]


def test_a_distributor_without_a_campaign_is_refused(bundled: Path) -> None:
    out = refused("slug,url,distributor_code\nx,https://x.example,a01\n", bundled)
    assert out == (
        "in.csv:2:3: error: row 2, column C (distributor_code): a distributor is one of a "
        "campaign's, and the row names no campaign (import-distributor)\n"
        "    hint: fill in its campaign, or empty the cell\n"
        f"1 error, 0 warnings\n{NOT_IMPORTED}\n"
    )


def test_the_refused_import_shown_in_docs_cli_is_what_import_prints(bundled: Path) -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```text\n(.*?)```", doc, re.S) if "$ cat in.csv" in b)
    _, rest = block.split("$ cat in.csv\n")
    csv_text, rest = rest.split("$ shortlinks ", 1)
    command, shown = rest.split("\n", 1)
    Path("in.csv").write_text(csv_text, encoding="utf-8")
    code, out = run(*command.split())
    assert (code, out) == (1, shown)


def test_export_names_an_app_links_fallback_it_has_no_column_for(tmp_path: Path) -> None:
    """An app link's url (tel:, an app's scheme) is exported; its fallback has no column,
    and export says so rather than drop it quietly."""
    links = tmp_path / "links.yaml"
    links.write_text(
        "site:\n  domain: go.example.com\nlinks:\n"
        "  call:\n    url: tel:+15555550100\n    fallback: https://example.com/contact\n"
        "  gh: https://github.com/example\n"
    )
    code, out = run("export", str(links), "-o", str(tmp_path / "out.csv"))
    assert code == 0, out
    assert "note: the CSV has no column for fallback (1 link)" in out
    assert "call,tel:+15555550100," in (tmp_path / "out.csv").read_text()
