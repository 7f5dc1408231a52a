"""Language targets at the edge: the rules nginx, Apache and Caddy write for a link whose page
is needed for its languages alone, and the proof that the edge never sends a visitor
elsewhere than the page would (docs/hosts.md, "Languages and countries"). The engines
answer them in tests/e2e/test_conformance.py."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.languages import (
    any_pattern,
    first_pattern,
    whole_any_pattern,
    whole_first_pattern,
)
from generator.load import load_text
from generator.pages import environment
from generator.plan import make_plan
from generator.rules import Targeted, edge_rules, language_rules
from generator.validate import validate
from tests.conftest import NOW
from tests.sites import render_site
from tests.test_properties import PROFILE

PAGE = "(the page)"


def page_choice(header: str, targets: dict[str, str], url: str) -> str:
    """What the page's script (templates/_languages.js) picks when navigator.languages is
    the header's list: each language by RFC 4647 lookup, case ignored, in order."""
    wanted = {tag.lower(): target for tag, target in targets.items()}
    for language in header.split(","):
        tag = language.split(";", 1)[0].strip().lower()
        while tag:
            if tag in wanted:
                return wanted[tag]
            tag = tag[: max(0, tag.rfind("-"))]
    return url


def edge_choice(header: str, rule: Targeted) -> str:
    """What the edge answers, as nginx, Apache and Caddy are written to: the first tag whose
    pattern finds the first language, else the page when any language would find one, else
    the link's own target."""
    for tag, target in rule.languages:
        if re.search(first_pattern(tag), header):
            return target
    if re.search(any_pattern([tag for tag, _ in rule.languages]), header):
        return PAGE
    return rule.location or ""


def rule_of(languages: dict[str, str]) -> Targeted:
    lines = "".join(f"      {tag}: https://t.example/{i}\n" for i, tag in enumerate(languages))
    doc, problems = load_text(
        f"links:\n  a:\n    url: https://t.example/url\n    languages:\n{lines}"
    )
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    (rule,) = language_rules(make_plan(linkset, NOW))
    return rule


TAGS = ["zh", "zh-TW", "zh-Hant", "zh-Hant-TW", "en", "en-GB", "pt-BR", "yue", "es-419"]
SPOKEN = [*TAGS, "zh-CN", "ZH-tw", "zh-hant-hk", "en-US", "fr", "zhx", "*", "pt", "es"]


@settings(PROFILE)
@given(
    tags=st.lists(st.sampled_from(TAGS), min_size=1, max_size=4, unique_by=str.lower),
    spoken=st.lists(
        st.tuples(
            st.sampled_from(SPOKEN),
            st.sampled_from(["", ";q=0.9", " ;q=0.5", ";q=1.0 "]),
            st.sampled_from(["", " "]),
        ),
        max_size=4,
    ),
)
def test_the_edge_sends_a_visitor_where_the_page_would_or_to_the_page(
    tags: list[str], spoken: list[tuple[str, str, str]]
) -> None:
    header = ",".join(space + tag + q for tag, q, space in spoken)
    rule = rule_of(dict.fromkeys(tags, ""))
    targets = {tag: target for tag, target in rule.languages}
    page = page_choice(header, targets, rule.location or "")
    edge = edge_choice(header, rule)
    assert edge in (page, PAGE), (header, tags)
    # Vercel's patterns, anchored at both ends, find the same headers searched or whole
    for tag in tags:
        found = bool(re.search(first_pattern(tag), header))
        assert bool(re.search(whole_first_pattern(tag), header)) == found
        assert bool(re.fullmatch(whole_first_pattern(tag), header)) == found
    found = bool(re.search(any_pattern(tags), header))
    assert bool(re.search(whole_any_pattern(tags), header)) == found
    assert bool(re.fullmatch(whole_any_pattern(tags), header)) == found
    # the page is asked only when the first language finds none and a later one does
    first = header.split(",")[0]
    if edge == PAGE:
        assert page_choice(first, targets, "none") == "none" and page != rule.location


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("zh-TW", "https://t.example/1"),
        ("zh-Hant-TW", "https://t.example/2"),  # zh-Hant-TW, then zh-Hant: the longer first
        ("zh-Hant-HK", "https://t.example/2"),
        ("zh-CN", "https://t.example/0"),
        ("en-US,zh;q=0.5", PAGE),
        ("en-US", "https://t.example/url"),
        ("", "https://t.example/url"),
    ],
)
def test_the_most_specific_tag_is_tried_first(header: str, want: str) -> None:
    rule = rule_of({"zh": "", "zh-TW": "", "zh-Hant": ""})
    assert [tag for tag, _ in rule.languages] == ["zh-TW", "zh-Hant", "zh"]
    assert edge_choice(header, rule) == want


LINKS = """\
links:
  hello:
    url: https://t.example/en
    aliases: [hi]
    languages:
      zh: https://t.example/zh
      zh-TW: https://t.example/tw
  kept:
    url: https://t.example/k?a=1
    forward_query: false
    languages: {ja: https://t.example/ja$1}
  carded:
    url: https://t.example/c
    title: A card
    languages: {ja: https://t.example/ja}
  braces:
    url: https://t.example/b
    languages: {ja: "https://t.example/%7B%7D{x}"}
  later:
    url: https://t.example/l
    starts: 2099-01-01
    languages: {ja: https://t.example/ja}
  优惠:
    url: https://t.example/u
    languages: {zh: https://t.example/u-zh}
  plain: https://t.example/p
"""


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    doc, problems = load_text(LINKS)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return render_site(make_plan(linkset, NOW), environment()).files


def test_only_links_whose_page_is_needed_for_their_languages_alone_get_rules() -> None:
    doc, _ = load_text(LINKS)
    linkset, _ = validate(doc)  # type: ignore[arg-type]
    plan = make_plan(linkset, NOW)  # type: ignore[arg-type]
    assert [r.path for r in language_rules(plan)] == ["/hello", "/hi", "/kept", "/braces", "/优惠"]
    # the rules every host reads have none of them: their page answers there, as before
    assert {r.path for r in edge_rules(plan)} == {"/plain"}


def test_nginx_matches_accept_language_in_the_links_location(files: dict[str, bytes]) -> None:
    conf = files["shortlinks.nginx.conf"].decode()
    tw, zh = (first_pattern(t).replace("\\", "\\\\") for t in ("zh-TW", "zh"))
    found = any_pattern(["zh-TW", "zh"]).replace("\\", "\\\\")
    assert (
        'location = "/hi" {\n'
        f'    if ($http_accept_language ~ "{tw}") {{ return 302 '
        '"https://t.example/tw$is_args$args"; }\n'
        f'    if ($http_accept_language ~ "{zh}") {{ return 302 '
        '"https://t.example/zh$is_args$args"; }\n'
        f'    if ($http_accept_language ~ "{found}") {{ rewrite ^ "/hi.html" last; }}\n'
        '    return 302 "https://t.example/en$is_args$args";\n'
        "}\n"
    ) in conf
    # nginx has no escape for '$': that link is left to its page, as is a slug that is not
    # ASCII (what 'rewrite' would make of it is not proved); a card needs its page anyway
    assert 'location = "/kept"' not in conf and 'location = "/优惠"' not in conf
    assert 'location = "/carded"' not in conf and 'location = "/later"' not in conf


def test_nginx_leaves_a_target_that_needs_two_returns_to_its_page() -> None:
    doc, _ = load_text(LINKS.replace("https://t.example/tw", "https://t.example/tw?x=1"))
    linkset, _ = validate(doc)  # type: ignore[arg-type]
    conf = render_site(make_plan(linkset, NOW), environment(), ("nginx",)).files  # type: ignore[arg-type]
    text = conf["shortlinks.nginx.conf"].decode()
    assert 'location = "/hello"' not in text and 'location = "/braces"' in text


def test_apache_writes_a_condition_before_each_rule_of_a_language(
    files: dict[str, bytes],
) -> None:
    lines = files[".htaccess"].decode()
    tw, zh = first_pattern("zh-TW"), first_pattern("zh")
    found = any_pattern(["zh-TW", "zh"])
    assert (
        "RewriteCond %{QUERY_STRING} .\n"
        f"RewriteCond %{{HTTP:Accept-Language}} {tw}\n"
        "RewriteRule ^hi$ https://t.example/tw?%{QUERY_STRING}? [R=302,L,NE]\n"
        f"RewriteCond %{{HTTP:Accept-Language}} {tw}\n"
        "RewriteRule ^hi$ https://t.example/tw? [R=302,L,NE]\n"
        "RewriteCond %{QUERY_STRING} .\n"
        f"RewriteCond %{{HTTP:Accept-Language}} {zh}\n"
        "RewriteRule ^hi$ https://t.example/zh?%{QUERY_STRING}? [R=302,L,NE]\n"
        f"RewriteCond %{{HTTP:Accept-Language}} {zh}\n"
        "RewriteRule ^hi$ https://t.example/zh? [R=302,L,NE]\n"
        f"RewriteCond %{{HTTP:Accept-Language}} {found}\n"
        "RewriteRule ^hi$ hi.html [END]\n"
        "RewriteCond %{QUERY_STRING} .\n"
        "RewriteRule ^hi$ https://t.example/en?%{QUERY_STRING}? [R=302,L,NE]\n"
        "RewriteRule ^hi$ https://t.example/en? [R=302,L,NE]\n"
    ) in lines
    # '$' and '%' of a target escaped, as in every rule of Apache's
    assert "RewriteRule ^kept$ https://t.example/ja\\$1? [R=302,L,NE]\n" in lines
    assert "RewriteRule ^braces$ https://t.example/\\%7B\\%7D\\%7Bx\\%7D? [R=302,L,NE]\n" in lines
    assert "RewriteRule ^优惠$ 优惠.html [END]\n" in lines
    assert "^carded$" not in lines and "^later$" not in lines


def test_caddy_matches_the_path_and_the_header_in_one_matcher(files: dict[str, bytes]) -> None:
    caddy = files["shortlinks.caddy"].decode()
    start = caddy.index('        path "/hi"\n') - len("    @slNNl0q {\n")
    n = re.search(r"@sl(\d+)l0q \{", caddy[start - 5 :])[1]  # type: ignore[index]
    zh, found = first_pattern("zh"), any_pattern(["zh-TW", "zh"])
    assert (
        f"    @sl{n}l1q {{\n"
        '        path "/hi"\n'
        f"        header_regexp Accept-Language `{zh}`\n"
        '        expression {query} != ""\n'
        "    }\n"
        f'    redir @sl{n}l1q "https://t.example/zh?{{query}}" 302\n'
        f"    @sl{n}l1 {{\n"
        '        path "/hi"\n'
        f"        header_regexp Accept-Language `{zh}`\n"
        "    }\n"
        f'    redir @sl{n}l1 "https://t.example/zh" 302\n'
        f"    @sl{n}p {{\n"
        '        path "/hi"\n'
        f"        header_regexp Accept-Language `{found}`\n"
        "    }\n"
        f'    rewrite @sl{n}p "/hi.html"\n'
        f"    @sl{n}q {{\n"
    ) in caddy
    assert '"/kept"' in caddy and '"/优惠"' in caddy
    assert '"/carded"' not in caddy and '"/later"' not in caddy


def test_no_other_host_answers_a_language_link(files: dict[str, bytes]) -> None:
    assert b"/hello" not in files["_redirects"]  # Netlify, Cloudflare: its page
    azure = json.loads(files["staticwebapp.config.json"])["routes"]
    assert [r for r in azure if r["route"] == "/hello"] == [
        {"route": "/hello", "rewrite": "/hello.html"}  # its page, as for any page of a link
    ]


def test_vercel_has_a_redirect_a_language_and_the_links_own_missing_them(
    files: dict[str, bytes],
) -> None:
    config = json.loads(files["vercel.json"])
    hello = [r for r in config["redirects"] if r["source"] == "/hello"]
    header = "accept-language"
    assert hello == [
        {
            "source": "/hello",
            "destination": "https://t.example/tw",
            "statusCode": 302,
            "has": [{"type": "header", "key": header, "value": whole_first_pattern("zh-TW")}],
        },
        {
            "source": "/hello",
            "destination": "https://t.example/zh",
            "statusCode": 302,
            "has": [{"type": "header", "key": header, "value": whole_first_pattern("zh")}],
        },
        {
            "source": "/hello",
            "destination": "https://t.example/en",
            "statusCode": 302,
            "missing": [
                {"type": "header", "key": header, "value": whole_any_pattern(["zh-TW", "zh"])}
            ],
        },
    ]
    # '$1' would be filled from the source, and a link that drops the query is not taken
    # by vercel.json: their pages answer (never the bulk file, which has no conditions)
    sources = {r["source"] for r in config["redirects"]}
    assert "/kept" not in sources and "/carded" not in sources
    bulk = json.loads(files.get("vercel-redirects.json", b"[]"))
    assert not any(b["source"] in ("/hello", "/kept") for b in bulk)


def test_a_language_link_past_vercel_jsons_cap_keeps_its_page() -> None:
    body = "".join(f"  l{i:04d}: https://t.example/{i}\n" for i in range(1023))
    text = (
        "links:\n  hello:\n    url: https://t.example/en\n    expires: 2099-01-01\n"
        "    languages: {zh: https://t.example/zh}\n" + body
    )
    doc, _ = load_text(text)
    linkset, problems = validate(doc)  # type: ignore[arg-type]
    assert linkset is not None, problems
    files = render_site(make_plan(linkset, NOW), environment(), ("vercel",)).files
    config = json.loads(files["vercel.json"])
    assert len(config["redirects"]) == 1023  # the links that never expire first
    assert all(r["source"] != "/hello" for r in config["redirects"])
    assert "vercel-redirects.json" not in files  # nothing for the bulk file: no conditions
