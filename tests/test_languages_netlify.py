"""Netlify's ``Language=`` lines for a link with languages: which tags get one, their exact
text, and the proof that they send a visitor only where the page would
(docs/hosts.md, "Languages and countries"). netlify-cli answers them in
tests/e2e/test_conformance.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.browser_languages import CHROMIUM, FIREFOX, OFFERED, READ_AS_ANOTHER
from generator.build import build
from generator.hosts import HOSTS
from generator.hosts.redirects_file import CLOUDFLARE_PREVIEW, netlify_languages
from generator.load import load_text
from generator.pages import environment
from generator.plan import make_plan
from generator.rules import Targeted, language_rules
from generator.validate import validate
from tests.conftest import NOW
from tests.sites import render_site
from tests.test_languages_edge import PAGE, page_choice
from tests.test_properties import PROFILE


def plan_of(text: str):  # type: ignore[no-untyped-def]
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return make_plan(linkset, NOW)


def lines_of(text: str, hosts: tuple[str, ...]) -> list[str]:
    """The rule lines of _redirects (no comments, nor the previews' line)."""
    files = render_site(plan_of(text), environment(), hosts).files
    return [
        x
        for x in files["_redirects"].decode().splitlines()
        if x and not x.startswith("#") and x not in CLOUDFLARE_PREVIEW
    ]


LINKS = """\
links:
  hello:
    url: https://t.example/en?l=url
    forward_query: false
    aliases: [hi]
    languages:
      zh: https://t.example/hello?l=zh
      ja: https://t.example/hello?l=zh
      fr: "https://t.example/f%22'$x;y?l=fr&q=a%20b"
      fi: https://t.example/hello?l=fi
      en: https://t.example/hello?l=en
      en-GB: https://t.example/hello?l=gb
      zh-TW: https://t.example/hello?l=tw
      yue: https://t.example/hello?l=yue
      de: https://t.example/hello-de
  优惠:
    url: https://t.example/u?l=url
    forward_query: false
    languages: {ko: https://t.example/u?l=ko, pt: https://t.example/u?l=pt}
  passes:
    url: https://t.example/p
    languages: {zh: https://t.example/p?l=zh}
  carded:
    url: https://t.example/c?l=url
    forward_query: false
    title: A card
    languages: {zh: https://t.example/c?l=zh}
  plain: https://t.example/plain
"""


def test_netlify_gets_a_language_line_a_target_for_the_tags_it_reads_as_the_page_does() -> None:
    """``ja`` and ``zh`` share a target, and a line (``Language=zh,ja``), as countries do;
    no line for ``zh`` (``zh-TW`` beside it: a two-letter compare cannot say which),
    ``en`` (``en-GB``), ``fi`` (Filipino, ``fil``, reads as it), ``ko`` (Konkani, ``kok``),
    a tag of more than two letters, or a target Netlify would not answer exactly (``de``:
    no query of its own, Netlify would append the visitor's); none of the link's own
    target: its page answers every other visitor. The target is written as it is, a
    token without space (urls.py refuses whitespace), as every Netlify line's."""
    assert lines_of(LINKS, ("netlify",)) == [
        "/hello  https://t.example/hello?l=zh  302!  Language=ja",
        "/hello  https://t.example/f%22'$x;y?l=fr&q=a%20b  302!  Language=fr",
        "/hi  https://t.example/hello?l=zh  302!  Language=ja",
        "/hi  https://t.example/f%22'$x;y?l=fr&q=a%20b  302!  Language=fr",
        "/%E4%BC%98%E6%83%A0  https://t.example/u?l=pt  302!  Language=pt",
        "/优惠  https://t.example/u?l=pt  302!  Language=pt",
    ]


def test_tags_of_one_target_share_a_line() -> None:
    text = LINKS.replace("      zh-TW: https://t.example/hello?l=tw\n", "")
    assert lines_of(text, ("netlify",))[:2] == [
        "/hello  https://t.example/hello?l=zh  302!  Language=zh,ja",
        "/hello  https://t.example/f%22'$x;y?l=fr&q=a%20b  302!  Language=fr",
    ]


def test_cloudflare_and_gitlab_get_no_language_line() -> None:
    """Cloudflare Pages has no conditions (its parser skips a line of four fields), GitLab
    Pages neither: beside Netlify the lines are Netlify's alone, without them none."""
    both = lines_of(LINKS, ("netlify", "cloudflare"))
    assert [x for x in both if "Language=" not in x] == ["/plain  https://t.example/plain  302"]
    assert lines_of(LINKS, ("cloudflare",)) == ["/plain  https://t.example/plain  302"]
    assert lines_of(LINKS, ("gitlab",)) == []  # '/plain' passes its query on: no line there


def test_a_language_link_stays_its_page_in_netlifys_account() -> None:
    """Its lines answer only some visitors: Netlify does not count the link as ruled (the
    conformance suite expects its page for a request with no matching language)."""
    plan = plan_of(LINKS)
    ruled = {r.path for r in HOSTS["netlify"].ruled(plan, frozenset({"netlify"}))}
    assert ruled == set()  # '/plain' passes its query on: Netlify's page too


@pytest.mark.parametrize(
    ("forward", "target"),
    [
        ("true", "https://t.example/x?l=zh"),  # Netlify would drop the visitor's query
        ("false", "https://t.example/x"),  # Netlify would append it
        ("false", "https://t.example/x?l=zh#top"),  # a fragment
        ("false", "https://t.example/x?&"),  # a query Netlify reads as none
    ],
)
def test_no_line_for_a_target_netlify_would_not_answer_exactly(forward: str, target: str) -> None:
    text = (
        f"links:\n  a:\n    url: https://t.example/x?l=url\n    forward_query: {forward}\n"
        f"    languages:\n      zh: {target}\n      ja: https://t.example/x?l=ja\n"
    )
    lines = lines_of(text, ("netlify",))
    want = ["/a  https://t.example/x?l=ja  302!  Language=ja"] if forward == "false" else []
    assert lines == want


@pytest.mark.parametrize("tag", sorted(READ_AS_ANOTHER))
def test_a_tag_a_longer_offered_language_begins_with_gets_no_line(tag: str) -> None:
    rule = netlify_rule_of([tag, "ja"])
    assert [t for t, _ in netlify_languages(rule)] == ["ja"]


def test_the_tags_read_as_another_language_are_those_of_both_browsers_lists() -> None:
    """Chromium's ``fil``, ``haw``, ``kok``, ``ceb``, ``mni-Mtei``...; Firefox's ``csb``,
    ``hil``, ``trs``, ``cak``...: the ISO 639-1 code their first two letters spell."""
    assert {"fi", "ha", "ko", "ce", "mn"} <= READ_AS_ANOTHER  # Chromium's
    assert {"cs", "hi", "tr", "ca"} <= READ_AS_ANOTHER  # Firefox's
    assert not {"zh", "en", "fr", "de", "es", "ja", "pt", "ru", "ar"} & READ_AS_ANOTHER
    assert len(CHROMIUM) == 184 and len(FIREFOX) == 282  # as read from their sources


def test_the_build_says_where_netlify_answers_languages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert (
        "4 link(s) with 'languages' answered by their page (a page instead of an edge rule: "
        "it reads the visitor's navigator.languages), except on Vercel, nginx, Apache and "
        "Caddy, which match Accept-Language at the edge for 3 of them; on Netlify, Language= "
        "lines answer a visitor whose first language is one of the tags of 2 of them, and "
        "their page the others"
    ) in result.notes


# --- the proof: Netlify's lines agree with the page -------------------------------------


def netlify_rule_of(tags: list[str]) -> Targeted:
    """The rule of a link with these tags whose every target Netlify answers exactly (it
    drops the query; each target has its own), so that only the tags decide."""
    lines = "".join(f"      {tag}: https://t.example/?t={i}\n" for i, tag in enumerate(tags))
    plan = plan_of(
        "links:\n  a:\n    url: https://t.example/?t=url\n    forward_query: false\n"
        f"    languages:\n{lines}"
    )
    (rule,) = language_rules(plan)
    return rule


def cli_language(header: str | None) -> str:
    """What netlify-cli tells the redirector the visitor's language is (``x-language``:
    utils/rules-proxy.js, ``getLanguage``): the first two characters of the header's first
    item; 'en' without a header, or with an empty one. The spaces around a header's value
    are no part of it (RFC 9110, 5.5): Node's parser drops them before netlify-cli reads
    it (seen on the engine: ' zh-CN' is read as 'zh')."""
    value = (header or "").strip(" \t")
    return value.split(",")[0][:2] if value else "en"


def whole_language(header: str | None) -> str:
    """Another reading, should Netlify's edge pass the redirector the whole first language
    (its docs say only that the first one counts): that item without its quality. (A third,
    the whole header, would explain a report of 'fr,en' finding no 'Language=fr':
    francep2p/p2p.paris#29.)"""
    return (header or "").split(",")[0].split(";")[0].strip()


def redirector_matches(language: str, value: str) -> bool:
    """netlify-redirector 0.5.0 (as run with netlify-cli 27.10.2) compares ``x-language``
    with a ``Language=`` value ignoring letter case: equal, or its primary subtag equal
    with more after a '-' (``zh-TW`` matches ``zh``; ``fil`` does not match ``fi``,
    ``zh-Hant-TW`` not ``zh-Hant``; ``zh-`` nothing)."""
    x, v = language.lower(), value.lower()
    first, dash, rest = x.partition("-")
    return x == v or (bool(dash) and bool(rest) and first == v)


def netlify_choice(language: str, rule: Targeted) -> str:
    """Where Netlify's lines send a visitor whose language it reads as ``language``: the
    target of the first line whose tags match, else the page."""
    for tag, target in netlify_languages(rule):
        if redirector_matches(language, tag):
            return target
    return PAGE


TAGS = [
    *("zh", "zh-TW", "zh-Hant", "en", "en-GB", "fr", "ja", "de", "es", "es-419", "pt", "pt-BR"),
    *("fi", "fil", "ko", "ha", "haw", "mn", "cs", "hi", "tr", "ca", "yue", "ar", "ru", "nb"),
]

REGIONS = ["", "-US", "-TW", "-419", "-Hant-HK"]
CASES = [str, str.lower, str.upper]


def spoken(codes: list[str] | tuple[str, ...]) -> st.SearchStrategy[str]:
    """A language of a header as browsers write it: one of ``codes``, in any letter case,
    sometimes with a region of its own."""
    return st.tuples(st.sampled_from(codes), st.sampled_from(REGIONS), st.sampled_from(CASES)).map(
        lambda t: t[2](t[0] if "-" in t[0] else t[0] + t[1])
    )


@settings(PROFILE)
@given(
    tags=st.lists(st.sampled_from(TAGS), min_size=1, max_size=5, unique_by=str.lower),
    data=st.data(),
    spaces=st.sampled_from(["", " "]),
    absent=st.booleans(),
)
def test_netlify_sends_a_visitor_where_the_page_would_or_to_the_page(
    tags: list[str], data: st.DataObject, spaces: str, absent: bool
) -> None:
    # the languages of the browsers' lists; as often the link's own tags, and those of the
    # lists that begin with the same two letters as one (``fil`` for ``fi``), so that the
    # lines are put to the test
    alike = [c for c in OFFERED if c[:2].lower() in {t[:2].lower() for t in tags}]
    language = st.one_of(spoken(OFFERED), spoken(tags), spoken(alike or OFFERED))
    first = data.draw(language)
    quality = st.sampled_from(["", ";q=0.9", ";q=0.5", " ;q=0.1"])
    more = data.draw(st.lists(st.tuples(language, quality), max_size=3))
    header = None if absent else ",".join([first, *(spaces + t + q for t, q in more)])
    rule = netlify_rule_of(tags)
    targets = dict(rule.languages)
    page = page_choice(header or "", targets, rule.location or "")
    local = netlify_choice(cli_language(header), rule)
    if header is None:
        # the one exception, documented: netlify-cli reads no header as 'en', so a client
        # that sends none gets the 'en' target where the page would send it to url
        assert local in (PAGE, targets.get("en")), (header, tags)
    else:
        assert local in (page, PAGE), (header, tags)
    # and under the other readings of what the edge compares
    assert netlify_choice(whole_language(header), rule) in (page, PAGE), (header, tags)
    assert netlify_choice((header or "").strip(), rule) in (page, PAGE), (header, tags)


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("zh-CN,zh;q=0.9", "zh"),  # the first language's primary subtag
        ("ZH-tw", "zh"),  # letter case ignored, as by the page
        ("zh-Hant-TW,en", "zh"),
        ("en-US,zh;q=0.8", "en"),
        ("de-DE,zh;q=0.8", PAGE),  # a later language: the page decides
        ("fil-PH,fi;q=0.9", PAGE),  # no line for 'fi': Filipino would be read as Finnish
        ("fi-FI", PAGE),  # 'fi' has no line at all: its page answers the Finns too
        (" zh-CN", "zh"),  # the spaces around the value are no part of it
        ("*", PAGE),
        ("", "en"),  # netlify-cli reads 'en' for an empty header, or none
    ],
)
def test_what_netlify_cli_answers_for_a_header(header: str, want: str) -> None:
    rule = netlify_rule_of(["zh", "fi", "en"])
    targets = dict(rule.languages)
    assert netlify_choice(cli_language(header), rule) == targets.get(want, want)
