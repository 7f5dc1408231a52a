"""Language targets (``languages:``): the tags check accepts, what links.lock records, and
where the link's page sends a visitor by navigator.languages (run in node, the page's own
script; tests/e2e/test_browser.py runs it in Chromium)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator import languages as tags
from generator.build import build
from generator.load import load_text
from generator.lock import _published
from generator.validate import validate
from tests.conftest import NOW, require_tool
from tests.test_properties import csp_matches_inline_code, elements, parse_html, redirect_page

LINKS = """\
site:
  domain: go.example.com
links:
  app:
    url: https://example.com/app
    devices: {ios: https://example.com/ios}
    languages:
      zh: https://example.com/zh
      zh-tw: https://example.com/tw
      zh-Hant: https://example.com/hant
  docs:
    url: https://example.com/docs
    languages: {ja: https://example.com/ja, fil: https://example.com/fil}
    utm: {source: short}
"""

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def linkset_of(text: str):  # type: ignore[no-untyped-def]
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    return linkset, problems


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ("zh", "zh"),
        ("ZH-tw", "zh-TW"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("yue", "yue"),
        ("xx", None),  # no ISO 639-1 code
        ("zh_TW", None),
        ("chinese", None),
        ("zh-TWN", None),
        ("", None),
        (12, None),
    ],
)
def test_a_tag_is_read_in_its_canonical_case_or_refused(written: object, tag: str | None) -> None:
    assert tags.canonical(written) == tag


@pytest.mark.parametrize(
    ("written", "meant"),
    [("zh_TW", "zh-TW"), ("Chinese", "zh"), ("cn", "zh"), ("jp", "ja"), ("xx", None)],
)
def test_check_says_which_tag_was_meant(written: str, meant: str | None) -> None:
    _, problems = linkset_of(
        f"links:\n  a:\n    url: https://e.example/\n    languages:\n      {written}: https://e.example/x\n"
    )
    (problem,) = problems
    assert (problem.line, problem.column, problem.rule) == (5, 7, "language-tag")
    assert problem.message == f"'{written}' in languages is no language tag"
    assert (problem.hint == f"did you mean '{meant}'?") == (meant is not None)


def test_the_targets_keep_their_order_in_canonical_case_and_take_the_utm() -> None:
    linkset, problems = linkset_of(LINKS)
    assert problems == []
    app, docs = linkset.links
    assert [(g, t.url) for g, t in app.languages] == [
        ("zh", "https://example.com/zh"),
        ("zh-TW", "https://example.com/tw"),
        ("zh-Hant", "https://example.com/hant"),
    ]
    assert [t.url for _, t in docs.languages] == [
        "https://example.com/ja?utm_source=short",
        "https://example.com/fil?utm_source=short",
    ]
    assert app.needs_page and docs.needs_page


def test_links_lock_records_each_language_target_as_a_published_name() -> None:
    linkset, _ = linkset_of(LINKS)
    names = {name: url for name, url, _, _ in _published(linkset)}
    assert names["app:lang:zh"] == "https://example.com/zh"
    assert names["app:lang:zh-TW"] == "https://example.com/tw"
    assert names["app:ios"] == "https://example.com/ios"
    assert names["docs:lang:ja"] == "https://example.com/ja?utm_source=short"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("languages")
    (root / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    site = root / "_site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_page_carries_the_targets_in_lower_case_under_its_csp(
    built: dict[str, bytes],
) -> None:
    page = redirect_page(built["app.html"], "app.html")
    assert page["refresh"] == page["canonical"] == "https://example.com/app"  # no script
    assert page["script"] == [
        "https://example.com/app",
        {"ios": "https://example.com/ios"},
        {
            "zh": "https://example.com/zh",
            "zh-tw": "https://example.com/tw",
            "zh-hant": "https://example.com/hant",
        },
    ]
    for name in ("app.html", "docs.html"):
        csp_matches_inline_code(parse_html(built[name], name), name)


def visit(page: bytes, languages: list[str], agent: str = CHROME, search: str = "") -> str:
    """Where the page's script sends a visitor (node, with the browser's globals stubbed;
    the canonical link, which the script may read its target from, as html5lib parsed it)."""
    root = parse_html(page, "page")
    (script,) = root.iter("script")
    (canonical,) = elements(root, "link", rel="canonical")
    harness = (
        f"var navigator={{languages:{json.dumps(languages)},userAgent:{json.dumps(agent)},"
        "maxTouchPoints:0};"
        f"var location={{search:{json.dumps(search)},hash:'',replace:function(u){{"
        "process.stdout.write(u)}};"
        f"var href={json.dumps(canonical.get('href'))};"
        "var document={querySelector:function(s){if(s!='link[rel=canonical]')throw s;"
        "return {getAttribute:function(a){return a=='href'?href:null}}}};" + (script.text or "")
    )
    node = require_tool("node")
    return subprocess.run(
        [node, "-e", harness], capture_output=True, text=True, check=True, timeout=30
    ).stdout


@pytest.mark.parametrize(
    ("wanted", "goes"),
    [
        (["zh-TW"], "https://example.com/tw"),  # the exact tag
        (["zh-tw", "en"], "https://example.com/tw"),  # case ignored
        (["zh-CN"], "https://example.com/zh"),  # its primary subtag
        (["zh-Hant-HK"], "https://example.com/hant"),  # the tag less its last subtag first
        (["en-US", "zh-CN"], "https://example.com/zh"),  # the first of the visitor's that has one
        (["en-US", "fr"], "https://example.com/app"),  # none: the link's url
        ([], "https://example.com/app"),
    ],
)
def test_the_page_goes_to_the_first_wanted_language_it_has(
    built: dict[str, bytes], wanted: list[str], goes: str
) -> None:
    assert visit(built["app.html"], wanted) == goes


def test_a_device_target_wins_over_a_language_target(built: dict[str, bytes]) -> None:
    assert visit(built["app.html"], ["zh-TW"], IPHONE) == "https://example.com/ios"


def test_a_three_letter_tag_is_no_two_letter_one_cut_short(built: dict[str, bytes]) -> None:
    # 'fil' (Filipino) must not be read as 'fi' (Finnish), nor 'fi' as 'fil'
    page = built["docs.html"]
    assert visit(page, ["fil-PH"], search="?x=1") == "https://example.com/fil?utm_source=short&x=1"
    assert visit(page, ["fi"]) == "https://example.com/docs?utm_source=short"


def test_check_refuses_a_password_with_languages(tmp_path: Path) -> None:
    _, problems = linkset_of(
        "links:\n  a:\n    url: https://e.example/\n    password: correct-horse\n"
        "    languages: {zh: https://e.example/zh}\n"
    )
    assert [p.rule for p in problems] == ["password-languages"]


def test_a_language_target_added_to_a_published_link_is_a_move(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    links = tmp_path / "links.yaml"
    head = "site:\n  domain: go.example.com\nlinks:\n"
    links.write_text(head + "  app: https://example.com/app\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["lock", str(links)]).exit_code == 0
    moved = "  app:\n    url: https://example.com/app\n    languages:\n      ZH: https://evil.example.net/\n"
    links.write_text(head + moved, encoding="utf-8")
    result = runner.invoke(main, ["check", str(links)])
    assert result.exit_code == 1
    assert (
        "links.yaml:7:7: error: 'app:lang:zh' was published pointing to https://example.com/app"
        in result.output
    )
    links.write_text(head + moved + "    repoint_from: https://example.com/app\n", encoding="utf-8")
    assert runner.invoke(main, ["lock", str(links)]).exit_code == 0
    assert "app:lang:zh https://evil.example.net/\n" in (tmp_path / "links.lock").read_text()
    result = runner.invoke(main, ["check", str(links)])
    assert result.exit_code == 0 and "warning: 'app:lang:zh' was moved" in result.output


def test_diff_shows_a_language_target_added(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    (tmp_path / "a.yaml").write_text("links:\n  app: https://example.com/app\n")
    (tmp_path / "b.yaml").write_text(
        "links:\n  app:\n    url: https://example.com/app\n"
        "    languages: {zh-tw: https://example.com/tw}\n"
    )
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])
    assert result.output.splitlines()[0] == (
        "~ app  languages: (none) -> zh-TW: https://example.com/tw"
    )


LANGUAGE_ITEMS = [
    "zh: https://example.com/zh",
    "zh-TW: https://example.com/tw",
    "zh-Hant: https://example.com/hant",
]


def test_the_preview_lists_every_language_target(built: dict[str, bytes], tmp_path: Path) -> None:
    from generator.pages import environment
    from generator.plan import make_plan
    from generator.write import write_site
    from tests.sites import render_site
    from tests.test_previews import draw, record_of, text_of
    from tests.test_properties import no_qr

    assert record_of(built, "app")["G"] == [  # type: ignore[index]
        ["zh", "https://example.com/zh", "https://example.com/zh"],
        ["zh-TW", "https://example.com/tw", "https://example.com/tw"],
        ["zh-Hant", "https://example.com/hant", "https://example.com/hant"],
    ]
    site = tmp_path / "_site"
    write_site(site, {k: v for k, v in built.items() if not k.startswith(".")})
    main = draw(site, "/app+")["main"]
    lists = [node for node in main[2:] if node[0] == "ul"]
    assert [text_of(li) for li in lists[1][2:]] == LANGUAGE_ITEMS
    linkset, _ = linkset_of(LINKS.replace("site:\n", "site:\n  preview: files\n", 1))
    files = render_site(make_plan(linkset, NOW), environment(), qr_codes=no_qr).files
    root = parse_html(files["app+.html"], "app+.html")  # a preview page a link
    items = ["".join(li.itertext()) for li in root.iter("li")]
    assert items[1:] == LANGUAGE_ITEMS
    csp_matches_inline_code(root, "app+.html")


def test_the_build_says_what_languages_cost(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert (
        "2 link(s) with 'languages' answered by their page (a page instead of an edge rule: "
        "it reads the visitor's navigator.languages), except on Vercel, nginx, Apache and "
        "Caddy, which match Accept-Language at the edge for 1 of them"
    ) in result.notes


def test_targets_asks_each_language_target() -> None:
    from generator.commands.targets import places

    linkset, _ = linkset_of(LINKS)
    found = [(p.name, p.url) for p in places(linkset, NOW)]
    assert ("app:lang:zh-TW", "https://example.com/tw") in found
    assert ("docs:lang:fil", "https://example.com/fil?utm_source=short") in found


def test_a_campaigns_language_targets_carry_each_distributors_parameters() -> None:
    linkset, problems = linkset_of(
        "links: {}\ncampaigns:\n  c:\n    url: https://example.com/c\n"
        "    languages: {zh: https://example.com/c-zh}\n    distributors: [a01]\n"
    )
    assert [p.rule for p in problems if p.is_error] == []
    (link,) = [link for link in linkset.links if link.campaign == "c"]
    assert [(g, t.url) for g, t in link.languages] == [
        ("zh", "https://example.com/c-zh?utm_source=a01&utm_medium=distributor&utm_campaign=c")
    ]


def test_a_language_target_back_to_its_own_link_is_a_loop() -> None:
    _, problems = linkset_of(
        "site:\n  domain: go.example.com\nlinks:\n  app:\n    url: https://example.com/app\n"
        "    languages:\n      zh-tw: https://go.example.com/app\n"
        "      ja: https://go.example.com/docs\n  docs: https://example.com/docs\n"
    )
    said = [(p.line, p.column, p.rule, p.message) for p in problems]
    assert said == [
        (7, 14, "redirect-loop", "redirect loop: app (zh-TW) -> app"),
        (
            8,
            11,
            "redirect-chain",
            "the ja target of 'app' is another short link ('docs'), which costs visitors an "
            "extra hop",
        ),
    ]
