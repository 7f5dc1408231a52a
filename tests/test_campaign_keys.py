"""The campaigns: section as the validator reads it: one tracked link a distributor, its
keys inherited, its mistakes placed on the campaign's or the distributor's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build, check
from tests.conftest import NOW, problems_of

FIFTY = "\n".join(f"      - {{code: d{i:02d}, name: Distributor {i}}}" for i in range(50))
CAMPAIGN = f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
links:
  gh: https://github.com/acme
campaigns:
  spring:
    url: https://shop.example.com/spring?lang=zh#buy
    slug: spring-{{code}}
    starts: 2026-11-01
    expires: 2027-03-31
    title: Spring collection
    tags: [spring]
    distributors:
{FIFTY}
"""


def linkset(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "links.yaml").write_text(text)
    result = check(tmp_path / "links.yaml")
    assert result.ok, [f"{p.line}:{p.column} {p.message}" for p in result.problems]
    return result.linkset


def errors(text: str) -> list[str]:
    return [f"{p.line}:{p.column} {p.message}" for p in problems_of(text) if p.is_error]


def test_a_campaign_of_fifty_makes_fifty_tracked_links(tmp_path: Path) -> None:
    links = linkset(tmp_path, CAMPAIGN).links
    made = [link for link in links if link.campaign == "spring"]
    assert len(made) == 50
    first = made[0]
    assert first.slug == "spring-d00"
    assert first.target.url == (
        "https://shop.example.com/spring?lang=zh&utm_source=d00&utm_medium=distributor"
        "&utm_campaign=spring#buy"
    )
    assert first.distributor is not None and first.distributor.name == "Distributor 0"
    assert first.title == "Spring collection" and first.tags == ("spring",)
    assert first.starts is not None and first.expires is not None
    assert first.line == 15  # the distributor's own line
    assert len({link.slug for link in made}) == 50


def test_ref_and_utm_overrides_fill_in_code_name_and_campaign(tmp_path: Path) -> None:
    text = """\
campaigns:
  launch:
    url: https://shop.example.com/p/1
    ref: partner
    utm: {medium: group, content: "{name}"}
    distributors:
      - {code: '7', name: 王伟 & co}
"""
    (link,) = linkset(tmp_path, text).links
    assert link.slug == "launch-7"
    assert link.target.url == (
        "https://shop.example.com/p/1?utm_source=7&utm_medium=group&utm_campaign=launch"
        "&utm_content=%E7%8E%8B%E4%BC%9F%20%26%20co&partner=7"
    )
    only_ref = linkset(
        tmp_path, "campaigns:\n  c:\n    url: https://a.example/\n    ref: r\n"
        "    distributors: [x1]\n"
    ).links[0]  # fmt: skip
    assert only_ref.target.url == "https://a.example/?r=x1"


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "campaigns:\n  c:\n    url: https://a.example\n    slug: c-fixed\n"
            "    distributors: [x]\n",
            "4:11 campaign 'c': the slug pattern must contain {code}, got 'c-fixed'",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n",
            "2:3 campaign 'c' needs 'distributors': a list of {code, name}",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    distributors:\n"
            "      - {code: a1}\n      - {code: A1}\n",
            "6:16 code 'A1' is already given to distributor 1 of campaign 'c'",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    distributors:\n"
            "      - {code: 'a b'}\n",
            "5:16 a distributor's code must be letters, digits, '-' or '_', got 'a b'",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example/?utm_source=x\n    distributors: [a]\n",
            "3:10 campaign 'c': the url already has 'utm_source=', which the campaign adds",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    aliases: [x]\n"
            "    distributors: [a]\n",
            "4:5 unknown key 'aliases' in campaign 'c'",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    utm: {source: '{who}'}\n"
            "    distributors: [a]\n",
            "4:19 '{who}' may only use {code}, {name} and {campaign}",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    distributors:\n"
            '      - {code: a, name: "x\\u0085y"}\n',
            "5:25 text contains a control character or a line break",
        ),
    ],
)
def test_campaign_mistakes_are_placed_and_explained(text: str, wanted: str) -> None:
    assert wanted in errors(text)


def test_a_campaign_link_colliding_with_a_link_points_at_the_distributor() -> None:
    text = (
        "links:\n  spring-a1: https://a.example\n"
        "campaigns:\n  spring:\n    url: https://b.example\n    distributors:\n"
        "      - {code: x}\n      - {code: A1}\n"
    )
    assert errors(text) == ["8:9 slug 'spring-A1' collides with 'spring-a1' (line 2)"]


def test_a_reserved_or_bad_slug_from_the_pattern_is_refused_at_its_distributor() -> None:
    text = (
        "campaigns:\n  c:\n    url: https://b.example\n    slug: '{code}'\n"
        "    distributors: [ok, index]\n"
    )
    found = errors(text)
    assert len(found) == 1 and found[0].startswith("5:24 slug 'index' is reserved")


def test_campaign_links_build_like_any_link(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(CAMPAIGN)
    out = tmp_path / "out"
    result = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert result.written, result.problems
    page = (out / "spring-d07.html").read_text()
    assert "utm_source=d07&amp;utm_medium=distributor" in page
    assert "Distributor 7" not in (out / "links.json").read_text()  # names stay in the repo
    assert '"distributor": "d07"' in (out / "links.json").read_text()
    # its title makes a preview card, so its page answers (no edge rule), as for any link
    assert "/spring-d07 " not in (out / "_redirects").read_text()
    from tests.test_previews import record_of

    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert record_of(files, "spring-d07") is not None  # and its shared preview


def test_a_locked_campaign_moves_only_with_repoint_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    text = "campaigns:\n  c:\n    url: https://old.example/p\n    distributors: [a1, b2]\n"
    (tmp_path / "links.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["lock"]).exit_code == 0
    moved = text.replace("https://old.example/p", "https://new.example/p")
    (tmp_path / "links.yaml").write_text(moved)
    refused = check(tmp_path / "links.yaml")
    assert not refused.ok
    assert sum("was published pointing to" in p.message for p in refused.problems) == 2
    override = "    repoint_from: https://old.example/p\n    distributors:"
    (tmp_path / "links.yaml").write_text(moved.replace("    distributors:", override))
    run = CliRunner().invoke(main, ["lock"])
    assert run.exit_code == 0, run.output
    result = check(tmp_path / "links.yaml")
    assert result.ok, result.problems
    warned = [p.message for p in result.problems]
    assert any("'c-a1' was moved from https://old.example/p?utm_source=a1" in m for m in warned)


def test_names_in_the_tracking_parameters_are_warned_and_no_empty_links_warning() -> None:
    found = problems_of(
        "campaigns:\n  c:\n    url: https://a.example\n    utm: {content: '{name}'}\n"
        "    distributors: [{code: a, name: Ann}]\n"
    )
    assert [p.message.split(" (")[0] for p in found] == [
        "{name} puts each distributor's name into the public target URL"
    ]
    assert problems_of("links:\ncampaigns:\n  c:\n    url: https://a.example\n"
                       "    distributors: [a]\n") == []  # fmt: skip


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "campaigns:\n  c:\n    url: https://a.example\n    utm: {term: '{code.upper}'}\n"
            "    distributors: [a]\n",
            "'{code.upper}' may only use {code}, {name} and {campaign}",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    utm: {term: '{name!r:>9}'}\n"
            "    distributors: [a]\n",
            "'{name!r:>9}' may only use {code}, {name} and {campaign}",
        ),
        (
            "campaigns:\n  c:\n    url: https://a.example\n    distributors: [007, 010]\n",
            "a distributor's code must be letters, digits, '-' or '_', got 7 (a number to YAML)",
        ),
        (
            "links:\n  a:\n    url: https://a.example\n    password: 01234567\n",
            "password must be text, got a number (342391)",
        ),
        (
            "site:\n  domains: [go.example.com, domains.json]\nlinks: {}\n",
            "'domains.json' is the name of the build's list of domains",
        ),
        (
            "site:\n  domain: go.example.com?x\nlinks: {}\n",
            "domain 'go.example.com?x' must be a bare host name",
        ),
        (
            "site:\n  analytics: {provider: umami, site: x, url: 'https://u:p@c.example'}\n"
            "links: {}\n",
            "the counter's url must be its address alone: no user, query or fragment",
        ),
    ],
)
def test_what_a_review_found_is_refused(text: str, wanted: str) -> None:
    assert any(wanted in e for e in errors(text)), errors(text)


def test_parameters_after_a_bare_question_mark_stay_parameters(tmp_path: Path) -> None:
    (link,) = linkset(
        tmp_path, "campaigns:\n  c:\n    url: 'https://a.example/??'\n    distributors: [x]\n"
    ).links
    query = link.target.url.split("?", 1)[1]
    assert "&utm_source=x&" in "&" + query + "&"
