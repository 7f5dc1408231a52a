"""Country targets (``countries:``): the codes check accepts, what links.lock records, the
edge rules of the hosts that know the visitor's country (Netlify's ``Country=`` lines,
Vercel's ``has`` on x-vercel-ip-country), and the warning naming the hosts that do not.
The engines answer them in tests/e2e/test_conformance.py (netlify-cli) and
tests/e2e/test_vercel.py (Vercel's routing package)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import countries
from generator.build import build
from generator.cli import main
from generator.hosts.redirects_file import CLOUDFLARE_PREVIEW
from generator.load import load_text
from generator.lock import _published
from generator.pages import environment
from generator.plan import make_plan
from generator.rules import Targeted, edge_rules
from generator.validate import validate
from tests.conftest import NOW
from tests.sites import render_site

LINKS = """\
site:
  domain: go.example.com
links:
  shop:
    url: https://example.com/shop
    countries:
      CN: https://example.cn/shop
      HK: https://example.cn/shop
      TW: https://example.com/tw/shop
  fixed:
    url: https://example.com/fixed?a=1
    forward_query: false
    countries:
      CN: https://example.cn/fixed?b=2
      TW: https://example.com/tw?c=3
  plain: https://example.com/plain
"""


def linkset_of(text: str):  # type: ignore[no-untyped-def]
    doc, problems = load_text(text)
    assert doc is not None, problems
    return validate(doc)


def files_of(text: str, hosts: tuple[str, ...] | None = None) -> dict[str, bytes]:
    linkset, problems = linkset_of(text)
    assert linkset is not None, problems
    return render_site(make_plan(linkset, NOW), environment(), hosts).files


def rule_lines(files: dict[str, bytes]) -> list[str]:
    return [
        x
        for x in files["_redirects"].decode().splitlines()
        if x and not x.startswith("#") and x not in CLOUDFLARE_PREVIEW
    ]


@pytest.mark.parametrize(
    ("written", "code", "meant"),
    [
        ("CN", "CN", None),
        ("GB", "GB", None),
        ("cn", None, "CN"),  # letter case is no detail: the hosts send upper case
        ("Cn", None, "CN"),
        ("China", None, "CN"),
        ("UK", None, "GB"),  # not assigned: Great Britain is GB
        ("united states", None, "US"),
        ("ja", None, "JP"),  # a language taken for its country
        ("XX", None, None),
        ("CHN", None, None),  # alpha-3 is not read
        ("", None, None),
        (12, None, None),
    ],
)
def test_a_code_is_read_as_written_or_refused_with_the_code_meant(
    written: object, code: str | None, meant: str | None
) -> None:
    assert countries.canonical(written) == code
    if code is None:
        assert countries.guess(written) == meant


def test_there_are_249_codes() -> None:
    assert len(countries.ISO_3166_1) == 249
    assert all(len(c) == 2 and c.isupper() for c in countries.ISO_3166_1)


def test_check_places_each_wrong_code_at_its_key_with_a_hint() -> None:
    _, problems = linkset_of(
        "links:\n  a:\n    url: https://e.example/\n    countries:\n"
        "      cn: https://e.example/cn\n      Zz: https://e.example/zz\n"
    )
    said = [(p.line, p.column, p.rule, p.message, p.hint) for p in problems]
    assert said == [
        (5, 7, "country-code", "'cn' in countries is no country code", "did you mean 'CN'?"),
        (
            6,
            7,
            "country-code",
            "'Zz' in countries is no country code",
            "write an ISO 3166-1 alpha-2 code in upper case ('CN', 'GB', 'US')",
        ),
    ]


def test_the_targets_keep_their_order_and_take_the_utm() -> None:
    linkset, _ = linkset_of(
        "links:\n  a:\n    url: https://e.example/\n    utm: {source: short}\n"
        "    countries: {TW: https://e.example/tw, CN: https://e.example/cn}\n"
    )
    (link,) = linkset.links
    assert [(c, t.url) for c, t in link.countries] == [
        ("TW", "https://e.example/tw?utm_source=short"),
        ("CN", "https://e.example/cn?utm_source=short"),
    ]
    assert not link.needs_page  # countries cost no page: the edge decides, or nobody


def test_a_campaigns_country_targets_carry_each_distributors_parameters() -> None:
    linkset, problems = linkset_of(
        "links: {}\ncampaigns:\n  c:\n    url: https://example.com/c\n"
        "    countries: {CN: https://example.cn/c}\n    distributors: [a01]\n"
    )
    assert [p.rule for p in problems if p.is_error] == []
    (link,) = [link for link in linkset.links if link.campaign == "c"]
    assert [(c, t.url) for c, t in link.countries] == [
        ("CN", "https://example.cn/c?utm_source=a01&utm_medium=distributor&utm_campaign=c")
    ]


def test_a_country_target_back_to_its_own_link_is_a_loop() -> None:
    _, problems = linkset_of(
        "site:\n  domain: go.example.com\nlinks:\n  app:\n    url: https://example.com/app\n"
        "    countries:\n      CN: https://go.example.com/app\n"
    )
    assert [(p.line, p.rule) for p in problems if p.is_error] == [(7, "redirect-loop")]


# -- the warning ----------------------------------------------------------------------


def warnings_of(text: str) -> list[tuple[int, int, str, str]]:
    _, problems = linkset_of(text)
    return [(p.line, p.column, p.message, p.hint or "") for p in problems if not p.is_error]


def test_check_names_the_hosts_of_the_build_that_cannot_target_countries() -> None:
    text = "site:\n  hosts: [netlify, vercel, cloudflare, nginx]\n" + LINKS.split("\n", 2)[2]
    said = [(line, message) for line, _col, message, _hint in warnings_of(text)]
    assert said == [
        # it passes the query on: Netlify's rules would re-encode it, Vercel's keep it
        (
            6,
            "Netlify, Cloudflare Pages, nginx cannot target the countries of link 'shop': "
            "visitors there go where it sends everyone else",
        ),
        # it drops the query and its targets have their own: Netlify's lines, no vercel.json
        (
            13,
            "Cloudflare Pages, Vercel, nginx cannot target the countries of link 'fixed': "
            "visitors there go where it sends everyone else",
        ),
    ]


def test_no_warning_when_every_host_of_the_build_targets_the_countries() -> None:
    text = "site:\n  hosts: [vercel]\n" + LINKS.split("\n", 2)[2].split("  fixed:")[0]
    assert warnings_of(text) == []


def test_a_link_its_page_answers_targets_countries_nowhere() -> None:
    text = (
        "site:\n  hosts: [vercel]\nlinks:\n  a:\n    url: https://e.example/\n"
        "    title: A card\n    countries: {CN: https://e.example/cn}\n"
    )
    ((line, col, message, hint),) = warnings_of(text)
    assert (line, col) == (7, 5)
    assert message == (
        "Vercel cannot target the countries of link 'a': visitors there go where it sends "
        "everyone else"
    )
    assert hint.startswith("its page answers it on every host")
    files = files_of(text)
    assert all("has" not in r for r in json.loads(files["vercel.json"])["redirects"])


def test_check_refuses_a_password_with_countries() -> None:
    _, problems = linkset_of(
        "links:\n  a:\n    url: https://e.example/\n    password: correct-horse\n"
        "    countries: {CN: https://e.example/cn}\n"
    )
    assert [p.rule for p in problems] == ["password-countries"]


# -- the lock ------------------------------------------------------------------------


def test_links_lock_records_each_country_target_as_a_published_name() -> None:
    linkset, _ = linkset_of(LINKS)
    names = {name: url for name, url, _, _ in _published(linkset)}
    assert names["shop:country:CN"] == "https://example.cn/shop"
    assert names["shop:country:TW"] == "https://example.com/tw/shop"
    assert names["fixed:country:CN"] == "https://example.cn/fixed?b=2"
    assert not any(name.startswith("plain:") for name in names)


def test_a_country_target_added_to_a_published_link_is_a_move(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    head = "site:\n  domain: go.example.com\nlinks:\n"
    links.write_text(head + "  app: https://example.com/app\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["lock", str(links)]).exit_code == 0
    moved = "  app:\n    url: https://example.com/app\n    countries:\n      CN: https://evil.example.net/\n"
    links.write_text(head + moved, encoding="utf-8")
    result = runner.invoke(main, ["check", str(links)])
    assert result.exit_code == 1
    assert (
        "links.yaml:7:11: error: 'app:country:CN' was published pointing to "
        "https://example.com/app" in result.output
    )
    links.write_text(head + moved + "    repoint_from: https://example.com/app\n", encoding="utf-8")
    assert runner.invoke(main, ["lock", str(links)]).exit_code == 0
    assert "app:country:CN https://evil.example.net/\n" in (tmp_path / "links.lock").read_text()


# -- the hosts' rules ----------------------------------------------------------------


def test_edge_rules_carry_the_countries_of_a_link_only() -> None:
    linkset, _ = linkset_of(LINKS)
    rules = {r.path: r for r in edge_rules(make_plan(linkset, NOW))}
    assert isinstance(rules["/shop"], Targeted)
    assert rules["/shop"].countries == (
        ("CN", "https://example.cn/shop"),
        ("HK", "https://example.cn/shop"),
        ("TW", "https://example.com/tw/shop"),
    )
    assert type(rules["/plain"]) is not Targeted and rules["/plain"].countries == ()


def test_netlify_gets_a_country_line_a_target_before_the_links_own() -> None:
    files = files_of(LINKS, ("netlify", "cloudflare"))
    assert rule_lines(files) == [
        "/shop  https://example.com/shop  302",  # Cloudflare's; Netlify: its page
        "/fixed  https://example.cn/fixed?b=2  302!  Country=cn",
        "/fixed  https://example.com/tw?c=3  302!  Country=tw",
        "/fixed  https://example.com/fixed?a=1  302!",
        "/fixed  https://example.com/fixed?a=1  302",
        "/plain  https://example.com/plain  302",
    ]


def test_countries_with_one_target_share_a_line_and_cloudflare_skips_it() -> None:
    text = LINKS.replace("https://example.com/tw?c=3", "https://example.cn/fixed?b=2")
    lines = rule_lines(files_of(text, ("netlify", "cloudflare")))
    assert "/fixed  https://example.cn/fixed?b=2  302!  Country=cn,tw" in lines
    # Cloudflare's parser (workers-shared parseRedirects) skips a line of other than 2 or 3
    # fields before it counts it, so it answers every visitor with the link's own line
    assert [x for x in lines if len(x.split()) not in (2, 3)] == [
        "/fixed  https://example.cn/fixed?b=2  302!  Country=cn,tw"
    ]


def test_a_unicode_slug_gets_its_country_lines_encoded_and_raw() -> None:
    text = LINKS.replace("  fixed:", "  优惠:")
    lines = [x for x in rule_lines(files_of(text, ("netlify",))) if "Country=" in x]
    assert lines == [
        "/%E4%BC%98%E6%83%A0  https://example.cn/fixed?b=2  302!  Country=cn",
        "/优惠  https://example.cn/fixed?b=2  302!  Country=cn",
        "/%E4%BC%98%E6%83%A0  https://example.com/tw?c=3  302!  Country=tw",
        "/优惠  https://example.com/tw?c=3  302!  Country=tw",
    ]


@pytest.mark.parametrize(
    "target",
    [
        "https://example.cn/fixed",  # no query of its own: Netlify would append the visitor's
        "https://example.cn/fixed?b=2#top",  # a fragment
        "https://example.cn/fixed?&",  # a query Netlify reads as none
    ],
)
def test_netlify_writes_no_country_line_it_would_not_answer_exactly(target: str) -> None:
    text = LINKS.replace("https://example.cn/fixed?b=2", target)
    lines = rule_lines(files_of(text, ("netlify",)))
    assert not any("Country=" in x for x in lines)
    assert "/fixed  https://example.com/fixed?a=1  302!" in lines  # its own line stays
    said = [
        m
        for _l, _c, m, _h in warnings_of(
            "site:\n  hosts: [netlify]\n" + text[text.index("links:") :]
        )
    ]
    assert said == [
        f"Netlify cannot target the countries of link '{slug}': visitors there go where it "
        "sends everyone else"
        for slug in ("shop", "fixed")
    ]


def test_a_gitlab_only_build_has_no_country_line() -> None:
    lines = rule_lines(files_of(LINKS, ("gitlab",)))
    assert lines == ["/fixed  https://example.com/fixed?a=1  302"]


def test_vercel_gets_a_redirect_a_country_before_the_links_own() -> None:
    config = json.loads(files_of(LINKS, ("vercel",))["vercel.json"])
    shop = [r for r in config["redirects"] if r["source"] == "/shop"]
    assert shop == [
        {
            "source": "/shop",
            "destination": "https://example.cn/shop",
            "statusCode": 302,
            "has": [{"type": "header", "key": "x-vercel-ip-country", "value": "CN"}],
        },
        {
            "source": "/shop",
            "destination": "https://example.cn/shop",
            "statusCode": 302,
            "has": [{"type": "header", "key": "x-vercel-ip-country", "value": "HK"}],
        },
        {
            "source": "/shop",
            "destination": "https://example.com/tw/shop",
            "statusCode": 302,
            "has": [{"type": "header", "key": "x-vercel-ip-country", "value": "TW"}],
        },
        {"source": "/shop", "destination": "https://example.com/shop", "statusCode": 302},
    ]
    assert all("has" not in r for r in config["redirects"] if r["source"] != "/shop")


@pytest.mark.parametrize(
    "target",
    [
        "https://example.cn/:name",  # a path-to-regexp parameter, filled from the source
        "https://example.cn/$1",  # a group reference
        "https://example.cn/#top",  # a fragment: the query would land after it
    ],
)
def test_vercel_writes_no_country_redirect_it_would_not_answer_exactly(target: str) -> None:
    text = LINKS.replace("https://example.com/tw/shop", target)
    config = json.loads(files_of(text, ("vercel",))["vercel.json"])
    assert all("has" not in r for r in config["redirects"])
    assert {"source": "/shop", "destination": "https://example.com/shop", "statusCode": 302} in (
        config["redirects"]
    )


def test_a_links_country_redirects_count_against_vercel_json() -> None:
    body = "".join(f"  l{i:04d}: https://t.example/{i}\n" for i in range(1022))
    text = (
        "links:\n  geo:\n    url: https://t.example/geo\n"
        "    countries: {CN: https://t.example/cn, TW: https://t.example/tw}\n" + body
    )
    files = files_of(text, ("vercel",))
    config = json.loads(files["vercel.json"])
    assert len(config["redirects"]) == 1024  # geo's 3, then 1,021 of the others
    bulk = json.loads(files["vercel-redirects.json"])
    assert [b["source"] for b in bulk] == ["/l1021"]


def test_links_without_countries_get_the_same_rules_as_before() -> None:
    text = (
        "links:\n  a: https://e.example/a\n  b:\n    url: https://e.example/b?x=1\n"
        "    forward_query: false\n"
    )
    files = files_of(text, ("netlify", "vercel"))
    assert rule_lines(files) == ["/b  https://e.example/b?x=1  302!"]
    assert json.loads(files["vercel.json"])["redirects"] == [
        {"source": "/a", "destination": "https://e.example/a", "statusCode": 302}
    ]


# -- what the commands show ------------------------------------------------------------


def test_the_build_says_which_hosts_target_countries(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert (
        "2 link(s) with 'countries': only Netlify's and Vercel's edge rules target a country "
        "(a page cannot know it); on the other hosts visitors there get the link's own "
        "target ('check' names them)"
    ) in result.notes


def test_diff_shows_a_country_target_added(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("links:\n  app: https://example.com/app\n")
    (tmp_path / "b.yaml").write_text(
        "links:\n  app:\n    url: https://example.com/app\n"
        "    countries: {CN: https://example.cn/app}\n"
    )
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])
    assert result.output.splitlines()[0] == "~ app  countries: (none) -> CN: https://example.cn/app"


def test_targets_asks_each_country_target() -> None:
    from generator.commands.targets import places

    linkset, _ = linkset_of(LINKS)
    found = [(p.name, p.url) for p in places(linkset, NOW)]
    assert ("shop:country:TW", "https://example.com/tw/shop") in found
    assert ("fixed:country:CN", "https://example.cn/fixed?b=2") in found


def test_the_previews_list_every_country_target() -> None:
    from tests.test_properties import csp_matches_inline_code, parse_html

    linkset, _ = linkset_of(LINKS.replace("site:\n", "site:\n  preview: files\n", 1))
    files = render_site(make_plan(linkset, NOW), environment()).files
    root = parse_html(files["shop+.html"], "shop+.html")
    items = ["".join(li.itertext()) for li in root.iter("li")]
    assert items == [
        "CN: https://example.cn/shop",
        "HK: https://example.cn/shop",
        "TW: https://example.com/tw/shop",
    ]
    csp_matches_inline_code(root, "shop+.html")
    from tests.test_previews import record_of

    linkset, _ = linkset_of(LINKS)
    built = render_site(make_plan(linkset, NOW), environment()).files
    assert record_of(built, "shop")["C"] == [  # type: ignore[index]
        ["CN", "https://example.cn/shop", "https://example.cn/shop"],
        ["HK", "https://example.cn/shop", "https://example.cn/shop"],
        ["TW", "https://example.com/tw/shop", "https://example.com/tw/shop"],
    ]
    assert "C" not in record_of(built, "plain")  # type: ignore[operator]


def test_the_shared_preview_draws_every_country_target(tmp_path: Path) -> None:
    """The default preview: preview.js draws the record's ``C`` under its heading, a code
    and a link a target, in the file's order; a link without countries gets no list."""
    from generator.write import write_site
    from tests.test_previews import draw, text_of

    write_site(tmp_path / "_site", files_of(LINKS))
    main = draw(tmp_path / "_site", "/fixed+")["main"]
    shown = [(node[0], text_of(node)) for node in main[2:]]
    heading = (
        "p",
        "Visitors in these countries go elsewhere, on hosts that know the country (Netlify, "
        "Vercel):",
    )
    assert heading in shown
    (listed,) = [node for node in main[2:] if node[0] == "ul"]
    assert shown.index(heading) + 1 == main[2:].index(listed)  # the list under its heading
    assert [text_of(li) for li in listed[2:]] == [
        "CN: https://example.cn/fixed?b=2",
        "TW: https://example.com/tw?c=3",
    ]
    links = [li[3] for li in listed[2:]]  # each target a link of class 'target'
    assert [(a[0], a[1].get("href"), a[1].get("className")) for a in links] == [
        ("a", "https://example.cn/fixed?b=2", "target"),
        ("a", "https://example.com/tw?c=3", "target"),
    ]
    plain = draw(tmp_path / "_site", "/plain+")["main"]
    assert not [node for node in plain[2:] if node[0] == "ul"]
    assert heading[1] not in text_of(plain)


def test_a_language_link_that_passes_the_query_on_has_its_countries_on_vercel_alone() -> None:
    text = (
        "site:\n  hosts: [vercel, nginx, netlify]\nlinks:\n  a:\n    url: https://e.example/\n"
        "    languages: {zh: https://e.example/zh}\n    countries: {CN: https://e.example/cn}\n"
    )
    ((_line, _col, message, hint),) = warnings_of(text)
    assert message.startswith("Netlify, nginx cannot target the countries of link 'a'")
    assert hint.startswith("only Netlify (for 'forward_query: false' and targets with their own")
    config = json.loads(files_of(text)["vercel.json"])
    assert [
        (r["destination"], (r.get("has") or r.get("missing"))[0]["key"])
        for r in config["redirects"]
    ] == [
        ("https://e.example/cn", "x-vercel-ip-country"),
        ("https://e.example/zh", "accept-language"),
        ("https://e.example/", "accept-language"),
    ]
    conf = files_of(text)["shortlinks.nginx.conf"].decode()
    assert "e.example/cn" not in conf and "e.example/zh" in conf  # languages, no country


def test_netlify_writes_a_language_links_country_lines_before_its_language_lines() -> None:
    """As Vercel orders its redirects: a visitor in one of the countries gets its target
    whatever the language; no line of the link's own target (its page answers the rest)."""
    text = (
        "site:\n  hosts: [vercel, nginx, netlify]\nlinks:\n  a:\n"
        "    url: https://e.example/?l=url\n    forward_query: false\n"
        "    languages: {zh: https://e.example/?l=zh}\n"
        "    countries: {CN: https://e.example/?c=cn, HK: https://e.example/?c=cn}\n"
    )
    ((_line, _col, message, _hint),) = warnings_of(text)
    # it drops the query: vercel.json does not take it, Netlify does
    assert message.startswith("Vercel, nginx cannot target the countries of link 'a'")
    assert rule_lines(files_of(text, ("netlify", "cloudflare"))) == [
        "/a  https://e.example/?c=cn  302!  Country=cn,hk",
        "/a  https://e.example/?l=zh  302!  Language=zh",
    ]
