"""shortlinks add: the new link's lines are the only change to the file."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import main
from generator.commands import add as adder
from generator.model import LinkSet, Site
from generator.problems import Problem
from tests.conftest import ROOT

NOW = ["--now", "2026-11-25T08:00:00Z"]
NOT_ADDED = "error: the link was not added (nothing written)\n"
DATE_HINT = "    hint: write a date as 2026-12-31 or a time as 2026-12-31T18:00:00+08:00\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["add", *args, *NOW])
    return result.exit_code, result.output


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    path = tmp_path / "links.yaml"
    path.write_bytes((ROOT / "links.yaml").read_bytes())
    return path


def only_insertions(before: str, after: str) -> list[str]:
    """The inserted lines; fails if anything else changed."""
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines()).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    assert len(changed) == 1 and changed[0][0] == "insert", changed
    _, _, _, j1, j2 = changed[0]
    return after.splitlines()[j1:j2]


def test_add_to_the_bundled_file_changes_only_the_new_links_lines(bundled: Path) -> None:
    before = bundled.read_text()
    code, out = run("https://shop.example.com/winter?utm_source=wechat", str(bundled),
                    "--slug", "winter", "--expires", "2026-12-31", "--title", 'Winter "sale"',
                    "--alias", "ws", "--tag", "campaign")  # fmt: skip
    assert code == 0, out
    assert out.startswith("Added https://go.example.com/winter\n") and "█" in out
    # in the file's style: a blank line between links, its key order, URLs plain
    assert only_insertions(before, bundled.read_text()) == [
        "",
        "  winter:",
        "    url: https://shop.example.com/winter?utm_source=wechat",
        '    title: Winter "sale"',
        "    expires: 2026-12-31",
        "    aliases: [ws]",
        "    tags: [campaign]",
    ]
    linkset = check(bundled).linkset
    assert linkset is not None
    winter = next(x for x in linkset.links if x.slug == "winter")
    assert winter.title == 'Winter "sale"' and winter.aliases == ("ws",)


def test_a_generated_slug_reads_aloud_and_collides_with_nothing(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picks = iter("GH" + "gh" * 2 + "k7m2pq")  # 'gh' (taken) first, as 2-letter slugs
    monkeypatch.setattr(adder.secrets, "choice", lambda alphabet: next(picks))
    taken = {"gh"}
    assert adder.generate_slug(taken, length=2) == "k7"
    monkeypatch.undo()
    code, out = run("https://example.com/x", str(bundled))
    assert code == 0, out
    slug = out.split("https://go.example.com/", 1)[1].split()[0]
    assert len(slug) == adder.LENGTH and set(slug) <= set(adder.ALPHABET)
    for _ in range(200):
        slug = adder.generate_slug(set())
        assert len(slug) == adder.LENGTH and set(slug) <= set(adder.ALPHABET)
    assert not set("0o1li") & set(adder.ALPHABET)


def test_nothing_is_written_when_the_link_is_wrong(bundled: Path) -> None:
    before = bundled.read_bytes()
    code, out = run("https://x.example", str(bundled), "--slug", "GH")  # 'gh' in another case
    assert (code, out) == (1, "error: --slug: 'GH' is taken by link 'gh' of links.yaml (line 13) "
                              "(add-slug-taken)\n"
                              "    hint: choose another\n" + NOT_ADDED)  # fmt: skip
    # taken as it is written: said once, and the other options are still checked
    code, out = run("https://x.example", str(bundled), "--slug", "gh", "--expires", "2026-02-30")
    assert (code, out) == (1, "error: --slug: 'gh' is taken by a link of links.yaml (line 13) "
                              "(add-slug-taken)\n"
                              "    hint: choose another\n"
                              "error: --expires: '2026-02-30' is not a valid date (day is out "
                              "of range for month) (date-value)\n"
                              "    hint: write a date as 2026-12-31 or a time as "
                              "2026-12-31T18:00:00+08:00\n" + NOT_ADDED)  # fmt: skip
    code, out = run("not a url", str(bundled), "--slug", "fresh")
    assert (code, out) == (1, "error: URL: the URL contains SPACE at character 4 (url-character)\n"
                              "    hint: percent-encode a space as %20\n" + NOT_ADDED)  # fmt: skip
    code, out = run("https://x.example", str(bundled), "--expires-in", "soon")
    assert (code, out) == (1, "error: --expires-in 'soon': write a number and h, d or w, "
                              "like 7d\n")  # fmt: skip
    assert bundled.read_bytes() == before
    assert not list(bundled.parent.glob(".*tmp"))


def test_dry_run_shows_and_writes_nothing(bundled: Path) -> None:
    before = bundled.read_bytes()
    code, out = run("https://x.example/a", str(bundled), "--slug", "a", "--expires-in", "7d")
    assert code == 0
    assert bundled.read_bytes() != before  # (the real one wrote)
    bundled.write_bytes(before)
    code, out = run("https://x.example/a", str(bundled), "--slug", "a", "--expires-in", "7d",
                    "--dry-run")  # fmt: skip
    assert code == 0 and out.startswith("Would add (nothing written):")
    assert "  a:\n" in out and "expires: 2026-12-02" in out  # 7 days on, in site.timezone
    assert bundled.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    ["links:\n", "site:\n  timezone: UTC\nlinks:\n# tail\n", "# a comment\nlinks: ~\n# tail\n"],
)
def test_a_file_without_links_gets_its_first(tmp_path: Path, text: str) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(text)
    code, out = run("https://x.example", str(path), "--slug", "first")
    assert code == 0, out
    linkset = check(path).linkset
    assert linkset is not None and [x.slug for x in linkset.links] == ["first"]
    assert path.read_text().count("#") == text.count("#")  # comments kept


def test_every_mistake_is_named_by_its_option_never_by_a_line_not_written(bundled: Path) -> None:
    """The new link is checked alone first, each key where it came from: a line number
    would point past the end of the user's file (the new link is not written)."""
    before = bundled.read_bytes()
    code, out = run("https://x.example", str(bundled), "--slug", "fresh",
                    "--expires", "2026-02-30", "--starts", "next friday", "--title", "a\nb",
                    "--alias", "a b", "--alias", "sale", "--tag", "bad\x1b[31m")  # fmt: skip
    assert code == 1
    assert out == (
        "error: --alias: 'sale' is taken by link 'spring-sale' of links.yaml (line 17) "
        "(add-slug-taken)\n"
        "    hint: choose another\n"
        "error: --starts: 'next friday' is not a valid date (not an ISO 8601 date) "
        f"(date-value)\n{DATE_HINT}"
        "error: --expires: '2026-02-30' is not a valid date (day is out of range for month) "
        "(date-value)\n"
        f"{DATE_HINT}"
        "error: --title: text contains a control character or a line break (text-control)\n"
        "    hint: keep it on one line\n"
        "error: --alias: slug 'a b' contains whitespace or a control character (SPACE) at "
        "position 2 (slug-character)\n"
        "    hint: use letters, digits, '-', '_', '.', '~' and '/' between words\n"
        "error: --tag: text contains a control character or a line break (text-control)\n"
        "    hint: keep it on one line\n" + NOT_ADDED
    )
    assert bundled.read_bytes() == before
    # a date from --expires-in is named by that option
    code, out = run("https://x.example", str(bundled), "--slug", "f", "--starts", "2027-01-01",
                    "--expires-in", "1d")  # fmt: skip
    assert out == (
        "error: --starts: link 'f' starts (2027-01-01T00:00:00+08:00) at or after it expires "
        "(2026-11-27T00:00:00+08:00) (starts-after-expires)\n"
        "    hint: a bare date in 'expires' lasts through the end of that day\n" + NOT_ADDED
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--starts", "2026-01-01\n    status: 301"),
        ("--expires", "2026-12-31\n  injected: https://evil.example"),
        ("--expires", "2026-12-31 # a comment"),
    ],
)
def test_an_options_value_never_becomes_yaml_of_its_own(
    bundled: Path, option: str, value: str
) -> None:
    before = bundled.read_bytes()
    code, out = run("https://x.example", str(bundled), "--slug", "fresh", option, value)
    assert code == 1
    assert out.startswith(f"error: {option}: {value!r} is not a valid date")
    assert bundled.read_bytes() == before


def test_odd_text_is_written_so_that_it_reads_back_the_same(bundled: Path) -> None:
    title = 'say "hi" # not a comment: {x} [y] \\ \u00a0\u00e9\u4e2d'
    code, out = run("https://x.example/a?b=1#c", str(bundled), "--slug", "2026", "--title",
                    title, "--tag", "yes", "--tag", "null", "--alias", "优惠2")  # fmt: skip
    assert code == 0, out
    linkset = check(bundled).linkset
    assert linkset is not None
    link = next(x for x in linkset.links if x.slug == "2026")
    assert (link.title, link.tags, link.aliases) == (title, ("yes", "null"), ("优惠2",))
    assert '  "2026":\n' in bundled.read_text()


def test_a_problem_of_the_whole_file_is_on_the_users_own_lines(tmp_path: Path) -> None:
    """A redirect loop through links already there: found only in the would-be file, it
    is said at the option that makes it and at the user's own lines, those after the
    insertion as they are now (never past the end of the file)."""
    path = tmp_path / "l.yaml"
    text = (
        "site:\n  domain: go.example.com\n"
        "links:\n"
        "  a: https://go.example.com/b\n"
        "campaigns:\n"
        "  spring:\n"
        "    url: https://go.example.com/c\n"
        "    distributors: [x1]\n"
    )
    path.write_text(text)
    code, out = run("https://go.example.com/spring-x1", str(path), "--slug", "c")
    assert code == 1
    assert out == (
        "error: URL: redirect loop: c -> spring-x1 -> c (redirect-loop)\n"
        "    hint: point one elsewhere\n"
        f"{path}:8:20: error: redirect loop: spring-x1 -> c -> spring-x1 (redirect-loop)\n"
        "    hint: point one elsewhere\n"
        "1 error, 0 warnings\n" + NOT_ADDED
    )
    assert len(text.splitlines()) == 8 and path.read_text() == text


def test_place_moves_the_lines_after_the_new_ones_back() -> None:
    text = "links:\n  a: https://a.example\n\n# tail\nother: 1\n"
    lines = adder.entry_lines(adder.NewLink("https://b.example", title="B"), "b", "  ", "  ")
    ins = adder.insert_lines(text, lines)
    assert ins.text.splitlines()[2:5] == ["  b:", '    url: "https://b.example"', '    title: "B"']
    assert (ins.start, ins.count) == (2, 3)
    # 'other: 1' in the new text
    after = Problem(8, 1, "error", "x", file="l.yaml", rule="url-scheme")
    assert adder.place(after, ins) == adder.Placed(replace(after, line=5))
    before = Problem(2, 3, "error", "x", rule="url-scheme")
    assert adder.place(before, ins) == adder.Placed(before)
    on_title = Problem(5, 12, "error", "x", rule="url-scheme")
    assert adder.place(on_title, ins) == adder.Placed(on_title, 0, "title")
    short = adder.entry_lines(adder.NewLink("https://b.example"), "b", "  ", "  ")
    ins = adder.insert_lines(text, short)
    assert adder.place(Problem(3, 3, "error", "x", rule="url-scheme"), ins).key == "slug"
    assert adder.place(Problem(3, 6, "error", "x", rule="url-scheme"), ins).key == "url"


def test_a_slug_whose_key_is_taken_on_another_domain_is_written_with_its_domain(
    tmp_path: Path,
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(
        "site:\n  domains: [go.example.com, sale.example.cn, x.example.org]\nlinks:\n"
        "  only:\n    url: https://shop.example.cn/only\n    domains: [sale.example.cn]\n"
    )
    code, out = run("https://y.example", str(path), "--slug", "only",
                    "--domain", "x.example.org", "--domain", "go.example.com")  # fmt: skip
    assert (code, out) == (1, "error: --domain: 'only' is a key of links.yaml already, of a "
                              "link on other domains: write this link once a domain "
                              "('only@<domain>') (add-domain)\n" + NOT_ADDED)  # fmt: skip
    code, out = run("https://x.example", str(path), "--slug", "only", "--domain", "go.example.com")
    assert code == 0, out
    assert path.read_text().endswith("  only@go.example.com: https://x.example\n")  # as 'only'


# --- the file's own style -----------------------------------------------------------------
# Each row: a links file, and what `add` writes into it for a link with a URL only (`new`),
# then one with a title, a tag and an end (`m2`): the indentation, quoting, short or long
# form, key order and blank lines of the links already there.
STYLES = [
    pytest.param(
        "links:\n  a: https://a.example/\n  b: https://b.example/\n",
        "links:\n  a: https://a.example/\n  b: https://b.example/\n"
        "  new: https://n.example/\n"
        "  m2:\n    url: https://m.example/?a=1#x\n    expires: 2027-01-01\n"
        '    title: "It\'s: #1"\n    tags: [y]\n',
        id="plain, short, the default key order; a title that needs quotes gets them",
    ),
    pytest.param(
        'links:\n    a:\n        url: "https://a.example/"\n\n'
        '    b:\n        title: "B"\n        url: "https://b.example/"\n',
        'links:\n    a:\n        url: "https://a.example/"\n\n'
        '    b:\n        title: "B"\n        url: "https://b.example/"\n\n'
        '    new:\n        url: "https://n.example/"\n\n'
        '    m2:\n        title: "It\'s: #1"\n        url: "https://m.example/?a=1#x"\n'
        "        expires: 2027-01-01\n        tags: [y]\n",
        id="double quotes, 4 spaces, always a mapping, title first, blank lines",
    ),
    pytest.param(
        "links:\n  a: 'https://a.example/'\n\n  # b's comment\n  b: 'https://b.example/'\n",
        "links:\n  a: 'https://a.example/'\n\n  # b's comment\n  b: 'https://b.example/'\n\n"
        "  new: 'https://n.example/'\n\n"
        "  m2:\n    url: 'https://m.example/?a=1#x'\n    expires: 2027-01-01\n"
        "    title: 'It''s: #1'\n    tags: [y]\n",
        id="single quotes, a comment over a link, blank lines",
    ),
    pytest.param(
        "links:\n  a: https://a.example/\n\n# the end\n",
        "links:\n  a: https://a.example/\n  new: https://n.example/\n"
        "  m2:\n    url: https://m.example/?a=1#x\n    expires: 2027-01-01\n"
        '    title: "It\'s: #1"\n    tags: [y]\n\n# the end\n',
        id="comments and blank lines after the links stay after them",
    ),
]


@pytest.mark.parametrize(("text", "after"), STYLES)
def test_a_new_link_is_written_in_the_files_own_style(
    tmp_path: Path, text: str, after: str
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(text, encoding="utf-8")
    assert run("https://n.example/", str(path), "--slug", "new")[0] == 0
    code, out = run("https://m.example/?a=1#x", str(path), "--slug", "m2",
                    "--title", "It's: #1", "--tag", "y", "--expires", "2027-01-01")  # fmt: skip
    assert code == 0, out
    assert path.read_text(encoding="utf-8") == after
    linkset = check(path).linkset
    assert linkset is not None
    m2 = next(x for x in linkset.links if x.slug == "m2")
    assert (m2.target.url, m2.title) == ("https://m.example/?a=1#x", "It's: #1")


@pytest.mark.parametrize(
    "title", ["yes", "2026", "null", "a: b", "#hash", "- dash", " lead", "tab\there", "'q'"]
)
def test_text_yaml_would_read_otherwise_is_quoted_in_a_plain_file(
    tmp_path: Path, title: str
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text("links:\n  a:\n    url: https://a.example/\n    title: A\n")
    code, out = run("https://n.example/", str(path), "--slug", "n", "--title", title)
    assert code == 0, out
    linkset = check(path).linkset
    assert linkset is not None
    assert next(x for x in linkset.links if x.slug == "n").title == title


def test_crlf_stays_crlf_and_a_missing_last_line_break_stays_missing(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    path.write_bytes(b"links:\r\n  a: https://a.example/\r\n  # last\r\n")
    assert run("https://n.example/", str(path), "--slug", "n")[0] == 0
    assert path.read_bytes() == (
        b"links:\r\n  a: https://a.example/\r\n  n: https://n.example/\r\n  # last\r\n"
    )
    path.write_bytes(b"links:\n  a: https://a.example/")
    assert run("https://n.example/", str(path), "--slug", "n")[0] == 0
    assert path.read_bytes() == b"links:\n  a: https://a.example/\n  n: https://n.example/"


REFUSED = [
    ["--slug", "GH"],
    ["--slug", "ab", "--alias", "AB"],
    ["--slug", "ab", "--alias", "ab"],
    ["--slug", "spring-X1"],
    ["--slug", "c", "--expires", "2026-02-30"],
]


@pytest.mark.parametrize("args", REFUSED)
def test_every_line_a_refusal_names_is_a_line_of_the_file_on_disk(
    tmp_path: Path, args: list[str]
) -> None:
    import re

    path = tmp_path / "links.yaml"
    text = (
        "site:\n  domain: go.example.com\n"
        "links:\n"
        "  gh: https://go.example.com/c\n"
        "campaigns:\n"
        "  spring:\n"
        "    url: https://go.example.com/gh\n"
        "    distributors: [x1]\n"
    )
    path.write_text(text)
    code, out = run("https://go.example.com/spring-x1", str(path), *args)
    assert code == 1 and path.read_text() == text
    lines = text.splitlines()
    places = [(int(m[1]), int(m[2])) for m in re.findall(r":(\d+):(\d+): ", out)]
    places += [(int(n), 1) for n in re.findall(r"line (\d+)", out)]
    for line, column in places:
        assert 1 <= line <= len(lines) and column <= len(lines[line - 1]) + 1, (line, out)
    assert not re.search(r"\(line 1\)|on line 1\b", out), out  # options, never file lines


def _linkset_of(path: Path) -> LinkSet:
    linkset = check(path).linkset
    assert linkset is not None
    return linkset


def test_a_taken_or_once_published_slug_is_refused_by_its_option(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    path.write_text("links:\n  gh: https://github.com/acme\n", encoding="utf-8")
    new = adder.NewLink("https://x.example/", slug="GH", aliases=("old",))
    _, used, problems = adder.add(path, new, _linkset_of(path), reserved={"old"})
    assert used == "GH"
    assert problems == [
        adder.OptionProblem(
            "--slug",
            "'GH' is taken by link 'gh' of links.yaml (line 2)",
            "choose another",
            rule="add-slug-taken",
        ),
        adder.OptionProblem(
            "--alias",
            "'old' was published before (links.lock) and may still be in people's hands",
            "choose another",
            rule="add-slug-published",
        ),
    ]


def test_a_date_given_by_expires_in_is_said_of_that_option() -> None:
    wrong = [
        adder.OptionProblem("--expires", "is past", rule="date-range"),
        adder.OptionProblem("--slug", "x", rule="add-slug-taken"),
    ]
    assert adder.as_given(wrong, expires_in=False) == wrong
    assert [p.option for p in adder.as_given(wrong, expires_in=True)] == ["--expires-in", "--slug"]


def test_the_short_url_is_on_the_links_first_domain_else_the_sites() -> None:
    site = Site(domain="go.example.com")
    assert adder.base_url(adder.NewLink("u"), site) == "https://go.example.com"
    assert adder.base_url(adder.NewLink("u", domains=("b.example",)), site) == "https://b.example"
    assert adder.base_url(adder.NewLink("u"), Site()) is None


def test_a_dry_run_shows_the_lines_the_file_lacks() -> None:
    assert adder.added_lines("a\nb\n", "a\nb\nnew: x\n") == ["new: x"]


def test_an_app_link_is_added_with_its_fallback(tmp_path: Path) -> None:
    """``--fallback`` writes the key a link that opens an app needs; such a link without
    one (an app of site.app_schemes) or a web link with one is refused, nothing written."""
    path = tmp_path / "links.yaml"
    before = (
        "site:\n  domain: go.example.com\n  app_schemes: [whatsapp]\nlinks:\n"
        "  gh: https://github.com/example\n"
    )
    path.write_text(before)
    code, out = run(
        "tel:+15555550100", str(path), "--slug", "call", "--fallback", "https://example.com/c"
    )
    assert code == 0, out
    assert only_insertions(before, path.read_text()) == [
        "  call:",
        "    url: tel:+15555550100",
        "    fallback: https://example.com/c",
    ]
    linkset = check(path).linkset
    assert linkset is not None
    call = next(link for link in linkset.links if link.slug == "call")
    assert call.fallback is not None and call.fallback.url == "https://example.com/c"
    after = path.read_text()
    code, out = run("whatsapp://send?phone=1", str(path), "--slug", "wa")
    assert code == 1 and "(fallback-missing)" in out and out.endswith(NOT_ADDED)
    code, out = run("https://example.com/x", str(path), "--fallback", "https://example.com/y")
    assert code == 1 and out.startswith("error: --fallback: ") and "(fallback-unused)" in out
    assert path.read_text() == after
