"""Rendered output: golden files for the whole site, escaping, templates, determinism."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from generator.build import build
from generator.load import load_text
from generator.pages import environment
from generator.plan import make_plan
from generator.validate import validate
from tests.conftest import FIXTURES, NOW, ROOT
from tests.sites import render_site

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
# every page of the golden site: redirects, previews, expired, scheduled, landing, 404
ALL_PAGES = sorted(p.name for p in GOLDEN.glob("*.html"))


def render_text(text: str, templates: Path | None = None) -> dict[str, bytes]:
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return render_site(make_plan(linkset, NOW), environment(templates)).files


@pytest.mark.slow
def test_golden_site(tmp_path: Path) -> None:
    """Every file of the fixture site, byte for byte. Regenerate with `make golden`."""
    out = tmp_path / "site"
    result = build(FIXTURES / "site.yaml", out, NOW)
    assert result.written, result.problems
    # every file, the marker too (the manifest, with a digest of the generator's own code,
    # is beside the output: test_write.py)
    produced = {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }
    if UPDATE:
        import shutil

        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in produced.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(produced) == sorted(expected)
    for rel in expected:
        if rel.endswith(".png"):  # binary: compared as bytes
            assert produced[rel] == expected[rel], rel
        else:
            assert produced[rel].decode() == expected[rel].decode(), rel


def test_redirect_page_has_every_part_and_stays_small() -> None:
    files = render_text("links:\n  gh: https://github.com/acme\n")
    page = files["gh.html"].decode()
    assert len(files["gh.html"]) < 1024
    assert '<link rel="canonical" href="https://github.com/acme">' in page
    assert (
        '<noscript><meta http-equiv="refresh" content="0; url=https://github.com/acme">'
        "</noscript>" in page
    )
    # the script reads the target from the canonical link above it: the same on every page
    assert (
        'l.replace(t)})(document.querySelector("link[rel=canonical]").getAttribute("href"))' in page
    )
    assert '<a href="https://github.com/acme">https://github.com/acme</a>' in page
    assert "noindex" not in page
    assert not re.search(r"(src|href)=\"//|<img|<link rel=\"stylesheet", page)


READS_CANONICAL = b'})(document.querySelector("link[rel=canonical]").getAttribute("href")'


def test_the_script_reads_its_target_from_the_canonical_link_only_where_that_is_it(
    tmp_path: Path,
) -> None:
    files = render_text(
        "site:\n  domain: go.example.com\n  home: https://www.example.com\nlinks:\n"
        "  gh: https://a.example/?q=1&x='2'\n"  # read there: the script is every such page's
        "  ios:\n    url: https://a.example/app\n    devices:\n      ios: https://a.example/i\n"
        "  card:\n    url: https://a.example/c\n    title: A card\n"  # canonical: short URL
    )
    assert READS_CANONICAL + b")</script>" in files["gh.html"]
    assert READS_CANONICAL + b")</script>" in files["index.html"]  # the home redirect
    assert READS_CANONICAL + b',{"ios": "https://a.example/i"})' in files["ios.html"]
    assert b'<link rel="canonical" href="https://go.example.com/card">' in files["card.html"]
    assert b'l.replace(t)})("https://a.example/c")</script>' in files["card.html"]
    # an overridden redirect page may name another URL as canonical, or none: the script
    # carries the target, whatever the copy says
    (tmp_path / "redirect.html").write_text((ROOT / "templates" / "redirect.html").read_text())
    files = render_text("links:\n  gh: https://a.example/\n", tmp_path)
    assert b'l.replace(t)})("https://a.example/")</script>' in files["gh.html"]
    # a folder that overrides another page leaves the bundled redirect page its way
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "404.html").write_text("<!DOCTYPE html><title>Nope</title>")
    files = render_text("links:\n  gh: https://a.example/\n", tmp_path / "other")
    assert READS_CANONICAL + b")</script>" in files["gh.html"]


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "hr"}

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag not in self.VOID:
            self.stack.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


HOSTILE_TITLE = "\"><script>alert(1)</script><b x='"
HOSTILE_URL = 'https://evil.example/"><script>alert(2)</script>?q=</script><script>x'


def test_hostile_title_and_url_are_escaped_everywhere() -> None:
    title = HOSTILE_TITLE.replace("'", "''")  # YAML single-quote escaping
    files = render_text(
        "links:\n"
        f"  x:\n    url: '{HOSTILE_URL}'\n    title: '{title}'\n"
        f"  y:\n    url: https://a.example/y\n    starts: 2027-01-01\n    title: '{title}'\n"
        f"  z:\n    url: https://a.example/z\n    expires: 2026-01-01\n    title: '{title}'\n"
    )
    for name, data in files.items():
        text = data.decode()
        if name == "links.json":
            # JSON carries the title verbatim (it is data, not markup) and the safe URL
            doc = json.loads(text)
            assert doc["links"][0]["title"] == HOSTILE_TITLE
            assert "<" not in doc["links"][0]["url"]
            continue
        if name.startswith("_shortlinks/previews/"):
            # the shared previews' records: data as well (unsealed where links.json is
            # published), each title in a JSON string, set as text by the preview script
            titles = [r.get("t") for r in json.loads(text).values()]
            assert titles and all(t == HOSTILE_TITLE for t in titles), name
            continue
        assert "<script>alert" not in text, name
        assert "</script><script>" not in text, name
        if name.endswith(".html"):
            checker = _Checker()
            checker.feed(text)
            checker.close()
            assert checker.stack == [], (name, checker.stack)
            assert len(checker.scripts) <= 1, name
    page = files["x.html"].decode()
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b x=&#39;" in page
    assert "https://evil.example/%22%3E%3Cscript%3Ealert(2)%3C/script%3E" in page


def test_template_folder_overrides_one_template(tmp_path: Path) -> None:
    (tmp_path / "404.html").write_text("<!DOCTYPE html><title>Nope</title><p>custom {{ domain }}")
    files = render_text(
        "site:\n  domain: go.example.com\nlinks:\n  gh: https://a.example\n", tmp_path
    )
    assert files["404.html"] == b"<!DOCTYPE html><title>Nope</title><p>custom go.example.com\n"
    assert b"location" in files["gh.html"]  # the others still come from the bundle


def test_home_makes_the_index_a_redirect() -> None:
    files = render_text("site:\n  home: https://www.example.com\nlinks:\n  gh: https://a.example\n")
    # (the normal form: an empty path is '/', as browsers and the hosts write it; urls.py)
    assert b'href="https://www.example.com/"' in files["index.html"]
    assert b"q=l.search.slice(1)" in files["index.html"]  # ?utm=... reaches home, as with the rule
    rules = files["_redirects"].decode().splitlines()
    # Cloudflare's rule; Netlify would re-encode the visitor's query, so its page answers
    assert rules[2:3] == ["/  https://www.example.com/  302"]
    assert "/  https://www.example.com/  302!" not in rules


def test_no_domain_means_no_cname() -> None:
    files = render_text("links:\n  gh: https://a.example\n")
    assert "CNAME" not in files
    assert files[".nojekyll"] == b""


def test_redirects_rules_only_where_the_host_keeps_the_promise() -> None:
    files = render_text(
        "links:\n"
        "  plain: https://a.example/p\n"  # host appends the query: rule
        "  withq: https://a.example/p?x=1\n"  # host would drop the visitor's query: page
        "  frag: https://a.example/p#top\n"  # fragments: page
        "  noq:\n    url: https://a.example/p?x=1\n    forward_query: false\n"  # rule
        "  noq2:\n    url: https://a.example/p\n    forward_query: false\n"  # page
        "  perm:\n    url: https://a.example/perm\n    status: 308\n"
    )
    rules = [line for line in files["_redirects"].decode().splitlines() if not line.startswith("#")]
    assert rules[-1] == "/*+  /_shortlinks/preview  200"  # the previews: one rule, last
    assert rules[:-1] == [  # Netlify ('302!') only where the visitor's query is not passed on
        "/plain  https://a.example/p  302",
        "/noq  https://a.example/p?x=1  302!",
        "/noq  https://a.example/p?x=1  302",
        "/perm  https://a.example/perm  308",
    ]


@pytest.mark.parametrize("name", ["gh.html", "index.html", "404.html"])
def test_pages_declare_language_and_viewport(name: str) -> None:
    files = render_text("links:\n  gh: https://a.example\n")
    page = files[name].decode()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert 'name="viewport"' in page


@pytest.mark.parametrize("name", ALL_PAGES)
def test_csp_allows_exactly_the_pages_own_inline_code(name: str) -> None:
    import base64
    import hashlib

    html = (GOLDEN / name).read_text()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp is not None, name
    policy = dict(
        ([*part.split(" ", 1), ""])[:2] for part in csp.group(1).split("; ")
    )  # directive -> sources
    assert policy["default-src"] == "'none'" and "unsafe-inline" not in csp.group(1)

    def sources(tag: str) -> set[str]:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        return {
            "'sha256-" + base64.b64encode(hashlib.sha256(x.encode()).digest()).decode() + "'"
            for x in found
        }

    # 'self': the shared views.js (and, for a page without a style, style.css), only on
    # a page whose script may show one of its views in place (templates/_view.js)
    # or a page that loads the shared qr.js or preview.js
    shared = any(
        name in html
        for name in ("/_shortlinks/views.js", "/_shortlinks/qr.js", "/_shortlinks/preview.js")
    )
    own = {"'self'"} if shared else set()
    assert sources("script") | own == set(policy.get("script-src", "").split()) - {""}
    assert (sources("style") or own) == set(policy.get("style-src", "").split()) - {""}
    assert '<meta name="referrer" content="strict-origin-when-cross-origin">' in html


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_is_valid_html(name: str) -> None:
    """Parsed by html5lib in strict mode: any parse error of the HTML standard fails."""
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse((GOLDEN / name).read_bytes())
    assert doc.find("head/meta[@charset='utf-8']") is not None
    assert doc.get("lang")
    assert doc.find("head/meta[@name='viewport']") is not None


def test_chinese_pages_use_chinese_words_and_dates() -> None:
    files = render_text(
        "site:\n  language: zh\n  timezone: Asia/Shanghai\nlinks:\n"
        "  sale:\n    url: https://a.example/s\n    title: 年终大促\n    expires: 2026-01-01\n"
        "  later:\n    url: https://a.example/l\n    starts: 2099-01-01\n"
        "  soon:\n    url: https://a.example/n\n    expires: 2099-12-31\n"
    )
    gone = files["sale.html"].decode()
    assert '<html lang="zh-CN">' in gone
    assert "这个链接已过期" in gone and "“年终大促”的有效期至2026年1月1日。" in gone
    assert "这个链接尚未开放" in files["later.html"].decode()
    assert "2099年1月1日" in files["later.html"].decode()
    assert "这个短链接不存在" in files["404.html"].decode()
    # shown in place once it expires: the words in the shared views, the date in the page
    assert "这个链接已过期" in files["_shortlinks/views.js"].decode()
    assert '"2099年12月31日"' in files["soon.html"].decode()
    assert "正在跳转到" in files["soon.html"].decode()


def test_unknown_language_is_an_error_with_a_suggestion() -> None:
    from tests.conftest import one_problem

    p = one_problem("site:\n  language: zh-CN\nlinks:\n  a: https://a.example\n")
    assert (p.line, p.column) == (2, 13)
    assert "unknown language 'zh-CN'" in p.message and p.hint == "did you mean 'zh'?"


def test_qr_codes_read_back_as_the_short_urls() -> None:
    import io

    import PIL.Image
    import zxingcpp

    files = render_text(
        "site:\n  domain: go.example.com\n  qr: files\n  preview: files\nlinks:\n"
        "  gh: https://github.com/a\n  优惠券: https://shop.example.com/c\n"
    )
    assert sorted(name for name in files if name.startswith("_qr/")) == [
        "_qr/gh.png", "_qr/gh.svg", "_qr/优惠券.png", "_qr/优惠券.svg",
    ]  # fmt: skip
    coupons = "https://go.example.com/%E4%BC%98%E6%83%A0%E5%88%B8"
    for slug, url in [("gh", "https://go.example.com/gh"), ("优惠券", coupons)]:
        png = files[f"_qr/{slug}.png"]
        found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))
        assert [(r.text, r.format) for r in found] == [(url, zxingcpp.BarcodeFormat.QRCode)]
        svg = files[f"_qr/{slug}.svg"].decode()
        assert svg.startswith("<svg") and "<script" not in svg
        # the preview draws the same code in the browser, as with 'qr: true'
        assert f'data-qr="{url}"'.encode() in files[f"{slug}+.html"]


def test_a_link_with_a_card_carries_open_graph_and_twitter_tags() -> None:
    files = render_text(
        "site:\n  domain: go.example.com\nlinks:\n"
        '  sale:\n    url: https://shop.example/s\n    title: Winter "sale" <b>\n'
        "    description: All 20% off & more\n    image: https://shop.example/card.png\n"
        "  plain: https://shop.example/p\n"
    )
    html = files["sale.html"].decode()
    assert '<meta property="og:title" content="Winter &#34;sale&#34; &lt;b&gt;">' in html
    assert '<meta property="og:description" content="All 20% off &amp; more">' in html
    assert '<meta property="og:url" content="https://go.example.com/sale">' in html
    assert '<meta property="og:image" content="https://shop.example/card.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "og:" not in files["plain.html"].decode()
    assert len(files["sale.html"]) < 2048 and len(files["plain.html"]) < 2048


def test_a_redirect_page_with_every_feature_in_chinese_stays_under_2_kb() -> None:
    files = render_text(
        "site:\n  domain: go.example.com\n  language: zh\nlinks:\n"
        "  sale:\n    url: https://shop.example.com/sale?utm_source=wechat&utm_medium=group\n"
        "    title: 年终大促：全场八折\n"
        "    description: 十二月三十一日前，所有门店和网店全场八折，会员再享九五折。\n"
        "    image: https://shop.example.com/img/sale-card.png\n"
        "    expires: 2099-12-31\n    open_in_browser: true\n"
    )
    assert len(files["sale.html"]) < 2048, len(files["sale.html"])


def test_links_json_can_be_left_out_so_no_list_of_slugs_is_published() -> None:
    files = render_text(
        "site:\n  links_json: false\n  hosts: [github-pages]\nlinks:\n  gh: https://a.example\n"
    )
    assert "links.json" not in files
    listing = [name for name, body in files.items() if b"/gh" in body or b'"gh"' in body]
    assert listing == [], listing  # no file but the link's own pages names the slug


def test_qr_false_leaves_out_the_qr_files_and_the_preview_figure() -> None:
    text = "site:\n  domain: go.example.com\n  qr: false\nlinks:\n  gh: https://github.com/a\n"
    files = render_text(text)
    assert not any(name.startswith("_qr/") for name in files)
    assert "_shortlinks/qr.js" not in files
    # the shared preview draws no code: its last value, Q, is false
    assert files["_shortlinks/preview.js"].endswith(b',"https://go.example.com",false)\n')
    files = render_text(text.replace("links:", "  preview: files\nlinks:"))
    assert b'class="qr"' not in files["gh+.html"] and b"go.example.com/gh" in files["gh+.html"]
    assert b"'self'" not in files["gh+.html"].split(b"img-src")[0]  # no script but its own


def test_by_default_the_preview_draws_its_qr_code_from_one_shared_script() -> None:
    files = render_text("site:\n  domain: go.example.com\nlinks:\n  team/docs: https://a.example\n")
    assert not any(name.startswith("_qr/") for name in files)  # no file a link
    assert files["_shortlinks/qr.js"] == (ROOT / "templates" / "qr.js").read_bytes()
    assert files["_shortlinks/preview.js"].endswith(b',"https://go.example.com",true)\n')
    # a preview page a link ('preview: files') draws it from the same script
    files = render_text(
        "site:\n  domain: go.example.com\n  preview: files\nlinks:\n  team/docs: https://a.example\n"
    )
    page = files["team/docs+.html"].decode()
    assert (
        '<img id="qr" data-qr="https://go.example.com/team/docs" data-qr-name="team/docs"'
        ' alt="QR code: https://go.example.com/team/docs" width="240" height="240">'
    ) in page
    assert '<a data-qr-svg="qr">SVG</a> · <a data-qr-png="qr">PNG</a>' in page
    assert '<script src="/_shortlinks/qr.js"></script>' in page
    # without site.domain there is no short URL to encode: no code, no script
    files = render_text("links:\n  gh: https://a.example\n")
    assert "_shortlinks/qr.js" not in files
    assert files["_shortlinks/preview.js"].endswith(b",null,false)\n")


def test_a_copy_of_qr_js_in_the_templates_folder_is_published_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "qr.js").write_text("var ShortlinksQR = {{ not jinja }};\n")
    files = render_text("site:\n  domain: go.example.com\nlinks:\n  gh: https://a\n", tmp_path)
    assert files["_shortlinks/qr.js"] == b"var ShortlinksQR = {{ not jinja }};\n"


def test_site_expired_builds_the_site_a_links_own_expired_builds() -> None:
    """site.expired takes the path of a link's own 'expired' exactly: every file of every
    host (pages, previews, rule files, links.json) is the same byte for byte."""
    links = (
        "links:\n  gone:\n    url: https://a.example/gone\n    expires: 2026-01-01\n{own}"
        "  later:\n    url: https://a.example/later\n    expires: 2099-01-01\n{own}"
        "  plain: https://a.example/plain\n"
    )
    own = "    expired: https://a.example/offers\n"
    site_wide = render_text(
        "site:\n  domain: go.example.com\n  expired: https://a.example/offers\n"
        + links.format(own="")
    )
    per_link = render_text("site:\n  domain: go.example.com\n" + links.format(own=own))
    assert site_wide == per_link
    assert b"https://a.example/offers" in per_link["gone.html"]
