"""UTM on any link: site.utm templates and a link's utm, merged into its targets at
validation, so the lock, list, diff, the pages and the rule files all see the merged URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_text
from generator.validate import validate
from tests.conftest import problems_of

SITE = """\
site:
  utm:
    newsletter: {source: newsletter, medium: email}
links:
"""


def targets(text: str) -> dict[str, str]:
    doc, problems = load_text(SITE + text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return {link.slug: link.target.url for link in linkset.links}


# fmt: off
# (the link under 'links:', the target it gets)
MERGED = [
    ("  a:\n    url: https://shop.example.com/\n    utm: newsletter\n",
     "https://shop.example.com/?utm_source=newsletter&utm_medium=email"),
    # the link's own fields over the template's, in UTM order whatever the written order
    ("  a:\n    url: https://shop.example.com/\n"
     "    utm: {campaign: spring, template: newsletter, medium: sms}\n",
     "https://shop.example.com/?utm_source=newsletter&utm_medium=sms&utm_campaign=spring"),
    # after the target's own query, before its fragment
    ("  a:\n    url: https://shop.example.com/p?lang=en#top\n    utm: {source: poster}\n",
     "https://shop.example.com/p?lang=en&utm_source=poster#top"),
    # a parameter the URL has with the same value is not added twice
    ("  a:\n    url: https://shop.example.com/?utm_source=newsletter\n    utm: newsletter\n",
     "https://shop.example.com/?utm_source=newsletter&utm_medium=email"),
    # values percent-encoded: space, '&', '=', '#', '<', non-ASCII; a number as written
    ("  a:\n    url: https://shop.example.com/\n    utm: {campaign: 'a&b=c #1 <x> 春', id: 2027}\n",
     "https://shop.example.com/?utm_campaign=a%26b%3Dc%20%231%20%3Cx%3E%20%E6%98%A5&utm_id=2027"),
]
# fmt: on


@pytest.mark.parametrize(("link", "target"), MERGED)
def test_utm_is_merged_into_the_target(link: str, target: str) -> None:
    assert targets(link)["a"] == target


def test_device_targets_get_the_parameters_and_expired_does_not() -> None:
    doc, _ = load_text(
        SITE + "  a:\n    url: https://example.com/app\n    utm: newsletter\n"
        "    expires: 2027-01-01\n    expired: https://example.com/over\n"
        "    devices: {ios: 'https://apps.apple.com/app/id1?mt=8'}\n"
    )
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    (link,) = linkset.links
    assert link.devices == (("ios", link.devices[0][1]),) and link.devices[0][1].url == (
        "https://apps.apple.com/app/id1?mt=8&utm_source=newsletter&utm_medium=email"
    )
    assert link.expired is not None and link.expired.url == "https://example.com/over"


def test_a_clash_is_an_error_at_the_utm_key() -> None:
    (p,) = problems_of(
        SITE + "  a:\n    url: https://example.com/?utm_medium=sms\n    utm: newsletter\n"
    )
    assert (p.line, p.column, p.rule) == (7, 10, "utm-clash")
    assert p.message == (
        "the URL already has utm_medium='sms', and utm sets medium to 'email' (utm-clash)"
    ).removesuffix(" (utm-clash)")


def test_a_misspelt_template_or_field_gets_a_did_you_mean() -> None:
    found = problems_of(
        SITE + "  a:\n    url: https://e.example/\n    utm: {template: newsleter, utm_source: x}\n"
    )
    assert [(p.rule, p.hint) for p in found] == [
        ("utm-template", "did you mean 'newsletter'?"),
        ("utm-key", "did you mean 'source'?"),
    ]


def test_site_templates_are_checked_too() -> None:
    found = problems_of(
        "site:\n  utm:\n    'a b': {source: x}\n    ok: {sorce: x, medium: [1]}\nlinks:\n  a: https://e.example/\n"
    )
    assert [(p.line, p.rule) for p in found] == [
        (3, "utm-template"),
        (4, "utm-key"),
        (4, "utm-value"),
    ]


def test_a_campaigns_utm_stays_its_own() -> None:
    doc, _ = load_text(
        SITE.replace("links:\n", "") + "campaigns:\n  spring:\n    url: https://shop.example.com/\n"
        "    utm: {medium: poster}\n    distributors: [a01]\n"
    )
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    assert linkset.links[0].target.url == (
        "https://shop.example.com/?utm_source=a01&utm_medium=poster&utm_campaign=spring"
    )


def test_list_shows_the_merged_target_and_adding_utm_to_a_published_link_is_a_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    links = tmp_path / "links.yaml"
    links.write_text(SITE + "  a:\n    url: https://shop.example.com/\n")
    run = CliRunner().invoke(main, ["lock"])
    assert run.exit_code == 0, run.output
    links.write_text(SITE + "  a:\n    url: https://shop.example.com/\n    utm: newsletter\n")
    run = CliRunner().invoke(main, ["check"])
    assert run.exit_code == 1
    assert "add 'repoint_from: https://shop.example.com/' to the link" in run.output
    links.write_text(
        SITE + "  a:\n    url: https://shop.example.com/\n    utm: newsletter\n"
        "    repoint_from: https://shop.example.com/\n"
    )
    run = CliRunner().invoke(main, ["lock"])
    assert run.exit_code == 0, run.output
    merged = "https://shop.example.com/?utm_source=newsletter&utm_medium=email"
    assert f"a {merged}" in (tmp_path / "links.lock").read_text()
    run = CliRunner().invoke(main, ["list", "--format", "json"])
    assert run.exit_code == 0, run.output
    assert [item["url"] for item in json.loads(run.output)] == [merged]


def test_diff_shows_the_merged_target(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(SITE + "  a:\n    url: https://shop.example.com/\n")
    (tmp_path / "head.yaml").write_text(
        SITE + "  a:\n    url: https://shop.example.com/\n    utm: {source: poster}\n"
    )
    run = CliRunner().invoke(
        main,
        [
            "diff",
            str(tmp_path / "base.yaml"),
            str(tmp_path / "head.yaml"),
            "--now",
            "2026-11-25T08:00:00Z",
        ],
    )
    assert run.exit_code == 0, run.output
    assert (
        "~ a  target: https://shop.example.com/ -> https://shop.example.com/?utm_source=poster"
        in run.output.splitlines()
    )


def test_add_writes_the_utm_key_and_refuses_a_clash_by_its_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "links.yaml").write_text(SITE + "  a: https://e.example/\n")
    run = CliRunner().invoke(
        main,
        [
            *("add", "https://shop.example.com/", "--slug", "sp", "--utm", "newsletter"),
            *("--utm-campaign", "spring sale", "--utm-content", "a, {b}", "--dry-run"),
        ],
    )
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[1:4] == [
        "  sp:",
        "    url: https://shop.example.com/",
        '    utm: {template: newsletter, campaign: "spring sale", content: "a, {b}"}',
    ]
    run = CliRunner().invoke(
        main, ["add", "https://shop.example.com/?utm_source=x", "--utm-source", "y"]
    )
    assert run.exit_code == 1
    assert run.output.splitlines()[0] == (
        "error: --utm: the URL already has utm_source='x', and utm sets source to 'y' (utm-clash)"
    )
    run = CliRunner().invoke(main, ["add", "https://shop.example.com/", "--utm", "newsletter"])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "links.yaml").read_text().endswith("    utm: newsletter\n")


def test_export_writes_the_merged_url_and_import_takes_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "links.yaml").write_text(
        SITE
        + "  a:\n    url: https://shop.example.com/\n    utm: {template: newsletter, term: 春}\n"
    )
    run = CliRunner().invoke(main, ["export"])
    assert run.exit_code == 0, run.output
    merged = "https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_term=%E6%98%A5"
    assert run.stdout.splitlines()[1].startswith(f"a,{merged},")
    (tmp_path / "links.csv").write_text(run.stdout.replace("a,", "b,", 1))
    run = CliRunner().invoke(main, ["import", "links.csv"])
    assert run.exit_code == 0, run.output
    assert targets((tmp_path / "links.yaml").read_text().removeprefix(SITE)) == {
        "a": merged,
        "b": merged,
    }


def test_the_rule_files_and_the_preview_page_carry_the_merged_target() -> None:
    from generator.pages import environment
    from generator.plan import make_plan
    from tests.conftest import NOW
    from tests.sites import render_site
    from tests.test_previews import record_of

    doc, _ = load_text(
        SITE.replace("site:\n", "site:\n  domain: go.example.com\n")
        + "  a:\n    url: https://shop.example.com/\n    utm: {source: '\"><script>x</script>'}\n"
    )
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    files = render_site(make_plan(linkset, NOW), environment()).files
    merged = "https://shop.example.com/?utm_source=%22%3E%3Cscript%3Ex%3C%2Fscript%3E"
    for name in ("a.html", "links.json", "vercel.json", "shortlinks.nginx.conf"):
        assert merged.split("?")[1].encode() in files[name], name
    assert record_of(files, "a")["u"] == [merged, merged]
    assert not any(b"<script>x" in body for body in files.values())


def test_a_device_target_that_clashes_is_named() -> None:
    (p,) = problems_of(
        SITE + "  a:\n    url: https://example.com/\n    utm: newsletter\n"
        "    devices: {ios: 'https://apps.apple.com/x?utm_source=app'}\n"
    )
    assert (p.rule, p.message) == (
        "utm-clash",
        "the ios target already has utm_source='app', and utm sets source to 'newsletter'",
    )


def test_a_target_too_long_with_its_parameters_is_said_at_utm() -> None:
    url = "https://example.com/" + "x" * 4070
    (p,) = problems_of(SITE + f"  a:\n    url: {url}\n    utm: newsletter\n")
    assert (p.line, p.rule) == (7, "url-too-long")
    assert p.message.startswith("the URL, with its utm parameters added: the URL is 4129 ")
