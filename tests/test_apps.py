"""Links that open an app: tel:, mailto:, sms:, the schemes of site.app_schemes, and WeChat
mini-programs through WeChat's plain-text URL scheme (generator/apps.py). Read with every
mistake said at once, with its line and column; served by the link's own page on every host
(never an edge rule); recorded by the lock (``slug:fallback``), shown by diff, list,
links.json and the previews; every value from the file escaped where it lands. The pages
themselves run in Chromium: tests/e2e/test_apps_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import apps
from generator.cli import main
from generator.hosts import HOSTS
from generator.load import load_text
from generator.model import Link
from generator.pages import environment
from generator.plan import make_plan
from generator.urls import UrlError
from generator.validate import validate
from tests.conftest import NOW, problems_of
from tests.sites import render_site

SITE = """\
site:
  domain: go.example.com
  app_schemes: [whatsapp]
links:
  call: tel:+1-555-555-0100
  mail:
    url: mailto:help@example.com?subject=Hello
    title: Write to us
  chat:
    url: whatsapp://send?phone=15555550100
    fallback: https://wa.example.com/15555550100
  shop:
    miniprogram:
      appid: wx4e1ba651bbe36d01
      path: pages/index/index
      query: {id: 42, from: sms}
    fallback: https://shop.example.com/web
  web: https://web.example.com/
"""
SHOP = (
    "weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index/index"
    "&query=id%3D42%26from%3Dsms&env_version=release"
)
APP_SLUGS = ("call", "mail", "chat", "shop")


def links_of(text: str) -> dict[str, Link]:
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return {link.slug: link for link in linkset.links}


def said(text: str) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.severity, p.rule) for p in problems_of(text)]


# -- reading links.yaml -------------------------------------------------------------------


def test_each_kind_of_app_link_is_read_with_its_target_and_fallback() -> None:
    links = links_of(SITE)
    assert {s: (link.target.url, link.fallback.url if link.fallback else None)
            for s, link in links.items()} == {
        "call": ("tel:+1-555-555-0100", None),
        "mail": ("mailto:help@example.com?subject=Hello", None),
        "chat": ("whatsapp://send?phone=15555550100", "https://wa.example.com/15555550100"),
        "shop": (SHOP, "https://shop.example.com/web"),
        "web": ("https://web.example.com/", None),
    }  # fmt: skip
    assert [s for s, link in links.items() if link.opens_app] == list(APP_SLUGS)
    assert all(link.needs_page for s, link in links.items() if s != "web")
    assert not links["web"].needs_page


def test_every_mistake_of_app_links_is_said_at_once_with_its_line_and_column() -> None:
    text = """\
site:
  domain: go.example.com
  app_schemes: [whatsapp, javascript, https, 'bad scheme', tel, intent]
links:
  tg: tg://resolve?domain=acme
  nofb: whatsapp://send?phone=1
  js: javascript:alert(1)
  loop:
    url: tel:+15555550100
    fallback: https://go.example.com/other
  both:
    url: https://a.example/
    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/a}
    fallback: https://b.example/
  web:
    url: https://a.example/
    fallback: https://b.example/
  mp:
    miniprogram: {appid: wx123, path: /pages/x, env_version: beta, query: [1]}
    fallback: https://b.example/
  nomp:
    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/a}
  mixed:
    url: tel:+15555550100
    devices: {ios: https://a.example/ios}
    fallback: ftp://a.example/
"""
    assert said(text) == [
        (3, 27, "error", "app-schemes"),
        (3, 39, "error", "app-schemes"),
        (3, 46, "error", "app-schemes"),
        (3, 60, "warning", "app-schemes-builtin"),
        (3, 65, "error", "app-schemes"),
        (5, 7, "error", "app-scheme"),
        (6, 9, "error", "fallback-missing"),
        (7, 7, "error", "url-scheme"),
        (10, 15, "error", "fallback-loop"),
        (13, 5, "error", "miniprogram-conflict"),
        (14, 5, "error", "fallback-unused"),
        (17, 5, "error", "fallback-unused"),
        (19, 26, "error", "miniprogram-appid"),
        (19, 39, "error", "miniprogram-path"),
        (19, 62, "error", "miniprogram-env"),
        (19, 75, "error", "miniprogram-query"),
        (22, 18, "error", "fallback-missing"),
        (25, 5, "error", "app-conflict"),
        (26, 15, "error", "url-scheme"),
    ]


def test_a_scheme_not_listed_names_the_fix() -> None:
    [problem] = problems_of("links:\n  tg: tg://resolve?domain=acme\n")
    assert problem.message == "tg: opens an app, and this site opens only tel:, mailto:, sms:"
    assert problem.hint == (
        "add tg to site.app_schemes (app_schemes: [tg]), and give the link a 'fallback' "
        "for visitors without the app"
    )


@pytest.mark.parametrize("scheme", sorted(apps.NEVER))
def test_a_scheme_that_can_never_be_opened_cannot_be_listed(scheme: str) -> None:
    text = f"site:\n  app_schemes: [{scheme}]\nlinks:\n  a: https://a.example/\n"
    assert said(text) == [(2, 17, "error", "app-schemes")]
    assert f"{scheme}: can never be opened by a link" in problems_of(text)[0].message


@pytest.mark.parametrize("scheme", ["javascript", "JavaScript", "vbscript", "data", "file",
                                    "blob", "about", "view-source", "intent"])  # fmt: skip
def test_a_dangerous_url_is_refused_whatever_the_site_lists(scheme: str) -> None:
    text = f"site:\n  app_schemes: [whatsapp]\nlinks:\n  a: '{scheme}:alert(1)'\n"
    assert [p.rule for p in problems_of(text)] == ["url-scheme"]


# -- the URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "env", "url"), [
    (None, "release", "appid=wx4e1ba651bbe36d01&path=pages/a/b&env_version=release"),
    ({"id": 42}, "trial",
     "appid=wx4e1ba651bbe36d01&path=pages/a/b&query=id%3D42&env_version=trial"),
    ("a=1&b=x", "develop",
     "appid=wx4e1ba651bbe36d01&path=pages/a/b&query=a%3D1%26b%3Dx&env_version=develop"),
    # a value outside WeChat's characters is percent-encoded first, then the whole query
    ({"from": "短信", "q": "a b&c"}, "release",
     "appid=wx4e1ba651bbe36d01&path=pages/a/b"
     "&query=from%3D%25E7%259F%25AD%25E4%25BF%25A1%26q%3Da%2520b%2526c&env_version=release"),
])  # fmt: skip
def test_the_mini_program_url_is_wechats_plain_text_scheme(
    query: object, env: str, url: str
) -> None:
    text, problem = apps.miniprogram_query(query) if query is not None else ("", None)
    assert problem is None
    assert apps.miniprogram_url("wx4e1ba651bbe36d01", "pages/a/b", text or "", env) == (
        "weixin://dl/business/?" + url
    )


def test_a_query_longer_than_wechat_takes_is_refused() -> None:
    assert apps.miniprogram_query("a=" + "x" * 510)[0] is not None
    text, problem = apps.miniprogram_query("a=" + "x" * 511)
    assert text is None and problem == "the query is 513 characters long; WeChat takes 512"


@pytest.mark.parametrize(("written", "url"), [
    ("tel:+1-555-555-0100", "tel:+1-555-555-0100"),
    ("TEL:+15555550100", "tel:+15555550100"),
    ("mailto:王@example.com?subject=你好",
     "mailto:%E7%8E%8B@example.com?subject=%E4%BD%A0%E5%A5%BD"),
    ("sms:+15555550100?body=<b>\"x\"", "sms:+15555550100?body=%3Cb%3E%22x%22"),
    ("whatsapp://send?text=100%#top", "whatsapp://send?text=100%25#top"),
])  # fmt: skip
def test_an_apps_url_keeps_its_form_with_what_uri_syntax_refuses_encoded(
    written: str, url: str
) -> None:
    scheme = written.partition(":")[0].lower()
    target = apps.parse_app_target(written, scheme, ("whatsapp",))
    assert (target.url, target.display) == (url, written)


def test_an_apps_url_with_nothing_after_its_scheme_is_refused() -> None:
    with pytest.raises(UrlError, match="says nothing after its scheme"):
        apps.parse_app_target("tel:", "tel", ())


# -- the site: pages, no rules, records ---------------------------------------------------


@pytest.fixture(scope="module")
def site() -> object:
    doc, _ = load_text(SITE)
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return render_site(make_plan(linkset, NOW), environment())


def test_no_host_writes_a_rule_for_a_link_that_opens_an_app(site: object) -> None:
    """Every host's files: no rule answers an app's link (azure's routes rewrite it to its
    page, which is the page answering), and neither an app's URL nor a fallback is in any."""
    doc, _ = load_text(SITE)
    plan = make_plan(validate(doc)[0], NOW)  # type: ignore[arg-type]
    assert set(site.hosts) == set(HOSTS)  # type: ignore[attr-defined]
    for name, output in site.hosts.items():  # type: ignore[attr-defined]
        ruled = {rule.path for rule in HOSTS[name].ruled(plan, frozenset(HOSTS))}
        assert not ruled & {f"/{slug}" for slug in APP_SLUGS}, name
        for path, data in output.files.items():
            assert not re.search(
                r"tel:|mailto:|whatsapp:|weixin:|wa\.example|shop\.example", data.decode()
            ), (name, path)


def test_the_build_says_that_app_links_cost_a_page(site: object) -> None:
    assert (
        "4 link(s) that open an app are answered by their page on every host, never by an "
        "edge rule (only the page can open the app, fall back or show its QR code): a page "
        "instead of a rule"
    ) in site.notes  # type: ignore[attr-defined]


def page_of(site: object, slug: str) -> str:
    return site.files[f"{slug}.html"].decode()  # type: ignore[attr-defined]


def script_of(html: str) -> str:
    [script] = re.findall(r"<script>(.*?)</script>", html, re.S)
    return script


def test_an_app_links_page_refreshes_to_its_fallback_never_into_the_app(site: object) -> None:
    shop = page_of(site, "shop")
    assert '<meta http-equiv="refresh" content="0; url=https://shop.example.com/web">' in shop
    assert '<link rel="canonical" href="https://shop.example.com/web">' in shop
    assert "weixin:" not in shop.split("<script>")[0]  # nothing in the head opens the app
    call = page_of(site, "call")
    assert 'http-equiv="refresh"' not in call  # no fallback: the script, or the link
    assert '<p>Opening <a href="tel:+1-555-555-0100">tel:+1-555-555-0100</a></p>' in call
    script = script_of(shop)
    assert script.endswith(
        json.dumps(SHOP).replace("&", "\\u0026")
        + ',["https://shop.example.com/web", "https://go.example.com/shop", null, false])'
    )
    assert script_of(call).endswith(',[null, "https://go.example.com/call", null, true])')
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}' 'self'" in shop  # and the shared views.js, qr.js


def test_links_json_the_previews_and_the_preview_page_carry_the_fallback(site: object) -> None:
    files = site.files  # type: ignore[attr-defined]
    records = {r["slug"]: r for r in json.loads(files["links.json"])["links"]}
    assert records["shop"]["url"] == SHOP
    assert records["shop"]["fallback"] == "https://shop.example.com/web"
    assert records["call"]["url"] == "tel:+1-555-555-0100"
    assert "fallback" not in records["call"] and "fallback" not in records["web"]
    shards = b"".join(data for path, data in files.items() if "/previews/" in path).decode()
    assert '"F":["https://wa.example.com/15555550100","https://wa.example.com/15555550100"]' in (
        shards
    )
    assert (
        "Without the app (and on a computer) it goes to:"
        in files["_shortlinks/preview.js"].decode()
    )


def test_the_per_link_preview_says_where_visitors_without_the_app_go(tmp_path: Path) -> None:
    files = render_site(
        make_plan(
            validate(load_text(SITE.replace("  domain:", "  preview: files\n  domain:"))[0])[0], NOW
        ),  # type: ignore[arg-type]
        environment(),
    ).files
    page = files["chat+.html"].decode()
    assert "<p>It opens:</p>" in page
    assert "Without the app (and on a computer) it goes to:" in page
    assert 'href="https://wa.example.com/15555550100"' in page


HOSTILE = """\
site:
  domain: go.example.com
  app_schemes: [my-app]
links:
  x:
    url: "sms:+1?body=</script><b/onload=alert(1)>'\\"&"
    title: "</script><script>alert(1)</script>"
    fallback: "https://e.example/?q=</script><b>'\\"&x=1"
  y:
    url: "my-app://open?next=javascript:alert(1)&q=</script>"
    fallback: https://e.example/y
  mp:
    miniprogram:
      appid: wx4e1ba651bbe36d01
      path: pages/a
      query: {"</script>": "<b>'\\"&=", "x": "\\u2028"}
    fallback: https://e.example/mp
"""


def test_hostile_text_in_app_links_is_escaped_wherever_it_lands() -> None:
    links = links_of(HOSTILE)
    for link in links.values():  # the one safe form: nothing a page or a lock line can read
        assert not re.search(r"[<>\"\s\u2028]", link.target.url), link.target.url
    assert links["mp"].target.url == (
        "weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a"
        "&query=%253C%252Fscript%253E%3D%253Cb%253E%2527%2522%2526%253D%26x%3D%25E2%2580%25A8"
        "&env_version=release"
    )
    doc, _ = load_text(HOSTILE)
    site = render_site(make_plan(validate(doc)[0], NOW), environment())  # type: ignore[arg-type]
    for path, data in site.files.items():
        text = data.decode(errors="replace")
        if path.endswith(".json"):  # data: the pages set it as text (textContent)
            json.loads(text)
            continue
        assert "<b/" not in text and "<b>" not in text, path
        assert "<script>alert" not in text and "</script><" not in text, path
        assert "\u2028" not in text, path
    page = site.files["x.html"].decode()
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1


# -- lock, diff, list ---------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "links.yaml").write_text(SITE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_the_lock_records_the_app_url_and_the_fallback_and_holds_both(folder: Path) -> None:
    assert cli("lock")[0] == 0
    lines = (folder / "links.lock").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "call tel:+1-555-555-0100",
        "chat whatsapp://send?phone=15555550100",
        "chat:fallback https://wa.example.com/15555550100",
        "mail mailto:help@example.com?subject=Hello",
        f"shop {SHOP}",
        "shop:fallback https://shop.example.com/web",
        "web https://web.example.com/",
    ]
    text = SITE.replace("wa.example.com/15555550100", "wa.example.com/other").replace(
        "id: 42", "id: 43"
    )
    (folder / "links.yaml").write_text(text, encoding="utf-8")
    code, out = cli("check", "links.yaml")
    assert code == 1
    assert [line.split(": error: ")[1].split(" was published")[0]
            for line in out.splitlines() if ": error: " in line] == [
        "'chat:fallback'",
        "'shop'",
    ]  # fmt: skip
    # moved deliberately: repoint_from names what each was published with
    text = text.replace(
        "    fallback: https://wa.example.com/other\n",
        "    fallback: https://wa.example.com/other\n"
        "    repoint_from: https://wa.example.com/15555550100\n",
    ).replace(
        "    fallback: https://shop.example.com/web\n",
        f"    fallback: https://shop.example.com/web\n    repoint_from: '{SHOP}'\n",
    )
    (folder / "links.yaml").write_text(text, encoding="utf-8")
    code, out = cli("check", "links.yaml")
    assert code == 1 and out.count("(lock-not-updated)") == 2, out
    assert cli("lock")[0] == 0  # the moves recorded, each a line after the first
    lines = (folder / "links.lock").read_text().splitlines()
    assert "chat:fallback https://wa.example.com/other" in lines
    assert f"shop {SHOP.replace('id%3D42', 'id%3D43')}" in lines
    code, out = cli("check", "links.yaml")
    assert code == 0, out


def test_diff_shows_a_changed_fallback_and_mini_program(folder: Path) -> None:
    (folder / "new.yaml").write_text(
        SITE.replace("wa.example.com/15555550100", "wa.example.com/other")
        .replace("env_version", "x")
        .replace("from: sms}", "from: sms}\n      env_version: trial"),
        encoding="utf-8",
    )
    code, out = cli("diff", "links.yaml", "new.yaml")
    assert code == 0, out
    assert out.splitlines() == [
        "~ chat  fallback: https://wa.example.com/15555550100 -> https://wa.example.com/other",
        f"~ shop  target: {SHOP} -> {SHOP.replace('release', 'trial')}",
        "0 added, 2 changed, 0 removed, 0 expiring within 7 days",
    ]


def test_list_shows_the_target_and_the_fallback(folder: Path) -> None:
    code, out = cli("list", "links.yaml", "--now", "2026-11-25T08:00:00Z")
    assert code == 0, out
    wide = " " * 44
    assert out.splitlines() == [
        "SLUG  STATE   LEFT  FALLBACK                            URL",
        "call  active" + wide + "tel:+1-555-555-0100",
        "chat  active        https://wa.example.com/15555550100  whatsapp://send?phone=15555550100",
        "mail  active" + wide + "mailto:help@example.com?subject=Hello",
        "shop  active        https://shop.example.com/web        "
        "weixin://dl/business/?appid=wx4e1ba651bbe36…",
        "web   active" + wide + "https://web.example.com/",
    ]  # fmt: skip
    rows = json.loads(cli("list", "links.yaml", "--format", "json")[1])
    assert {r["slug"]: (r["url"], r["fallback"]) for r in rows}["shop"] == (
        SHOP,
        "https://shop.example.com/web",
    )
    csv = cli("list", "links.yaml", "--format", "csv")[1].splitlines()
    assert csv[0] == "slug,url,state,left,starts,expires,title,aliases,tags,fallback"


# -- with the other keys ------------------------------------------------------------------


def test_utm_goes_on_the_fallback_and_leaves_the_apps_url_alone() -> None:
    written = "    utm: {source: sms}\n    fallback: https://shop"
    link = links_of(SITE.replace("    fallback: https://shop", written))["shop"]
    assert link.target.url == SHOP
    assert link.fallback is not None
    assert link.fallback.url == "https://shop.example.com/web?utm_source=sms"


def test_a_campaign_cannot_open_an_app() -> None:
    text = (
        "campaigns:\n  c:\n    url: https://a.example/\n    fallback: https://b.example/\n"
        "    distributors: [a01]\n"
    )
    assert [(p.line, p.column, p.rule) for p in problems_of(text)] == [(4, 5, "unknown-key")]


def test_an_expiring_app_link_goes_to_its_expired_url_like_any_link() -> None:
    text = SITE.replace(
        "  call: tel:+1-555-555-0100\n",
        "  call:\n    url: tel:+1-555-555-0100\n    expires: 2026-12-31\n"
        "    expired: https://www.example.com/over\n",
    )
    link = links_of(text)["call"]
    assert link.expired is not None and link.opens_app
    doc, _ = load_text(text)
    page = render_site(make_plan(validate(doc)[0], NOW), environment()).files["call.html"]  # type: ignore[arg-type]
    script = script_of(page.decode())
    # the expiry check first, then the app only while the target is still the app's
    assert script.index("Date.now()>=e") < script.index('if(t.slice(0,4)!="http")')
