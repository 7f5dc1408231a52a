"""variants: rotation and A/B. Read as a list of targets with weights, the first being the
link's target; never an edge rule; each variant after the first locked as ``slug:vN``; the
page's script picks by weight and keeps the visitor on the choice (run in node:
tests/e2e/test_variants_script.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_text
from generator.model import Link
from generator.plan import make_plan
from generator.rules import edge_rules
from generator.validate import validate
from tests.conftest import NOW, problems_of
from tests.test_render import render_text

AB = """\
links:
  ab:
    variants:
      - url: https://a.example.com/
        weight: 3
      - https://b.example.com/
"""


def links_of(text: str) -> dict[str, Link]:
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return {link.slug: link for link in linkset.links}


def test_variants_are_read_with_their_weights_and_the_first_is_the_target() -> None:
    link = links_of(AB)["ab"]
    assert [(t.url, w) for t, w in link.variants] == [
        ("https://a.example.com/", 3),
        ("https://b.example.com/", 1),
    ]
    assert link.target.url == "https://a.example.com/"
    assert link.needs_page


def test_utm_applies_to_every_variant() -> None:
    link = links_of(AB + "    utm: {source: poster}\n")["ab"]
    assert [t.url for t, _ in link.variants] == [
        "https://a.example.com/?utm_source=poster",
        "https://b.example.com/?utm_source=poster",
    ]
    assert link.target.url == "https://a.example.com/?utm_source=poster"


# fmt: off
# (the link under 'links:  x:', what check says of it)
WRONG = [
    ("    variants: https://a.example.com/\n", "variants must be a list of at least 2 {url, weight}, got one URL"),
    ("    variants: [{url: https://a.example.com/, weight: 1.5}, https://b.example.com/]\n", "a variant's weight must be a whole number from 1 to 1000000, got 1.5"),
    ("    variants: [{url: https://a.example.com/, weight: true}, https://b.example.com/]\n", "a variant's weight must be a whole number from 1 to 1000000, got True"),
    ("    variants: [{weight: 2}, https://b.example.com/]\n", "a variant has no 'url'"),
    ("    variants: [[https://a.example.com/], https://b.example.com/]\n", "a variant must be a URL or {url, weight}, got a list"),
    ("    variants: [https://a.example.com/, b.example.com]\n", "the URL has no scheme"),
    ("    variants: [https://a.example.com/, https://b.example.com/]\n    password: long enough secret\n", "link 'x' has both 'variants' and 'password'"),
    ("    variants: [https://a.example.com/, https://b.example.com/]\n    devices: {ios: https://c.example.com/}\n", "link 'x' has both 'variants' and 'devices'"),
]
# fmt: on


@pytest.mark.parametrize(("body", "message"), WRONG)
def test_wrong_variants_are_errors_and_the_link_is_not_published(body: str, message: str) -> None:
    problems = [p for p in problems_of("links:\n  x:\n" + body) if p.is_error]
    assert any(message in p.message for p in problems), problems
    assert not any(p.rule == "no-url" for p in problems)


def test_a_denied_domain_in_a_variant_is_refused() -> None:
    problems = problems_of("site:\n  deny_domains: [b.example.com]\n" + AB)
    assert [(p.line, p.rule) for p in problems if p.is_error] == [(8, "deny-domains")]


def test_a_link_with_variants_has_no_edge_rule_and_the_build_says_why() -> None:
    doc, _ = load_text(AB + "  gh: https://github.com/\n")
    assert doc is not None
    linkset, _ = validate(doc)
    assert linkset is not None
    assert [rule.path for rule in edge_rules(make_plan(linkset, NOW))] == ["/gh"]


def test_the_page_embeds_the_variants_as_json_and_its_policy_hashes_its_script() -> None:
    files = render_text(
        "links:\n  ab:\n    variants:\n      - https://a.example.com/\n"
        "      - {url: 'https://b.example.com/?q=</script><b>', weight: 2}\n"
    )
    page = files["ab.html"].decode()
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(script) == 1
    assert (
        '[["https://a.example.com/", 1], ["https://b.example.com/?q=%3C/script%3E%3Cb%3E", 2]]'
        in script[0]
    )
    digest = base64.b64encode(hashlib.sha256(script[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    # without JavaScript: the first variant
    assert '<meta http-equiv="refresh" content="0; url=https://a.example.com/">' in page


def test_the_beacon_reports_the_variant_for_each_counter() -> None:
    for provider, site, said in (
        ("plausible", "go.example.com", "p:{variant:String(j)}"),
        ("umami", "94db1cb1-74f4-4a40-ad6c-962362670409", "data:{variant:j}"),
        ("goatcounter", "example", '+"?variant="+j'),
    ):
        files = render_text(
            f"site:\n  domain: go.example.com\n  analytics: {{provider: {provider}, site: {site}}}\n"
            + AB
        )
        assert said in files["ab.html"].decode(), provider
        assert "variant" not in files["404.html"].decode(), provider


def test_lock_records_each_variant_and_refuses_a_silent_replacement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    links = tmp_path / "links.yaml"
    links.write_text(AB)
    run = CliRunner().invoke(main, ["lock"])
    assert run.exit_code == 0, run.output
    lines = (tmp_path / "links.lock").read_text().splitlines()
    assert lines[-2:] == ["ab https://a.example.com/", "ab:v2 https://b.example.com/"]
    # a weight changed: nobody is sent anywhere new
    links.write_text(AB.replace("weight: 3", "weight: 5"))
    assert CliRunner().invoke(main, ["check"]).exit_code == 0
    # a variant replaced, or added, silently: refused like moving a target
    for changed in (
        AB.replace("https://b.example.com/", "https://evil.example.net/"),
        AB + "      - https://c.example.com/\n",
        AB.replace("https://a.example.com/", "https://evil.example.net/"),
    ):
        links.write_text(changed)
        run = CliRunner().invoke(main, ["check"])
        assert run.exit_code == 1, changed
        assert "(lock-moved)" in run.output
    # deliberately, with repoint_from naming the locked URL: recorded
    links.write_text(
        AB.replace("https://b.example.com/", "https://c.example.com/")
        + "    repoint_from: https://b.example.com/\n"
    )
    run = CliRunner().invoke(main, ["lock"])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "links.lock").read_text().splitlines()[-2:] == [
        "ab:v2 https://b.example.com/",
        "ab:v2 https://c.example.com/",
    ]


def test_list_and_diff_show_every_variant_with_its_weight(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(AB)
    (tmp_path / "head.yaml").write_text(AB.replace("weight: 3", "weight: 4"))
    run = CliRunner().invoke(main, ["list", str(tmp_path / "base.yaml"), "--format", "json"])
    assert run.exit_code == 0, run.output
    (row,) = json.loads(run.output)
    assert (row["url"], row["variants"]) == (
        "https://a.example.com/",
        [
            {"url": "https://a.example.com/", "weight": 3},
            {"url": "https://b.example.com/", "weight": 1},
        ],
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
        "~ ab  variants: https://a.example.com/ (weight 3), https://b.example.com/ (weight 1)"
        " -> https://a.example.com/ (weight 4), https://b.example.com/ (weight 1)"
    ) in run.output.splitlines()


def test_the_preview_shows_every_variant_with_its_weight() -> None:
    from generator import previews
    from generator.pages import Pages, environment

    doc, _ = load_text(
        "site:\n  domain: go.example.com\n  preview: files\n"
        + AB.replace("https://b.example.com/", "'https://b.example.com/<b>'")
        + "    expires: 2026-12-31\n"
    )
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    plan = make_plan(linkset, NOW)
    pages = Pages(plan, environment())
    (entry,) = plan.entries
    record = pages.preview_record(entry)
    assert record["V"] == [
        ["https://a.example.com/", "https://a.example.com/", 3],
        ["https://b.example.com/%3Cb%3E", "https://b.example.com/<b>", 1],
    ]
    assert pages.preview_data(entry) == previews.encode(record)
    page = pages.preview(entry).decode()
    assert (
        '<li><a class="target" href="https://b.example.com/%3Cb%3E" rel="nofollow noopener">'
        "https://b.example.com/&lt;b&gt;</a> · weight 1</li>"
    ) in page
    assert "by weight, and the same one on later visits" in page
