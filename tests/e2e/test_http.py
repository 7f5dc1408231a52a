"""End to end over real sockets: build a site, serve it on 127.0.0.1, follow every slug.

Two servers stand in for two kinds of host: one serves files the way GitHub
Pages does (``/slug`` answers from ``slug.html``, unknown paths get ``404.html``),
the other also applies ``_redirects`` rules first. The redirect pages' script
runs in Node with the visited URL, so query and fragment handling is the
page's real code; the meta refresh is followed for browsers without JavaScript.
Every hop ends at a target server that records what it was asked for.
"""

from __future__ import annotations

import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import Message
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import NOW, require_tool

HERE = Path(__file__).resolve().parent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, Message, bytes]:
    """GET without following redirects; headers are looked up case-insensitively."""
    try:
        with OPENER.open(url, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def serve(handler: type, directory: Path | None = None) -> Iterator[str]:
    def factory(*args, **kwargs):  # type: ignore[no-untyped-def]
        if directory is not None:
            kwargs["directory"] = str(directory)
        return handler(*args, **kwargs)

    server = ThreadingHTTPServer(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class TargetHandler(SimpleHTTPRequestHandler):
    """Answers every path with 200 and records it: the 'outside world'."""

    seen: list[str] = []  # noqa: RUF012 - shared on purpose

    def do_GET(self) -> None:
        TargetHandler.seen.append(self.path)
        body = f"target {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class PagesHandler(SimpleHTTPRequestHandler):
    """Serves the folder like GitHub Pages: /x -> x.html, unknown -> 404.html (404)."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        root = Path(self.directory)
        candidate = root / path.lstrip("/")
        if path != "/" and not candidate.is_file():
            html = root / (path.lstrip("/") + ".html")
            if html.is_file():
                self.path = urllib.parse.quote(path + ".html")
            else:
                body = (root / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                import io

                return io.BytesIO(body)
        return super().send_head()


class RulesHandler(PagesHandler):
    """Applies _redirects first (status lines, forced or not; query appended when the target
    has none)."""

    def send_head(self):  # type: ignore[no-untyped-def]
        parts = urllib.parse.urlsplit(self.path)
        rules = {}
        for line in (Path(self.directory) / "_redirects").read_text().splitlines():
            fields = line.split()
            # Cloudflare's plain lines and Netlify's forced ones ('302!'): an http:// target
            # (this test's server) has only Netlify's, Cloudflare takes https:// alone
            if len(fields) == 3 and not line.startswith("#") and fields[2].rstrip("!").isdigit():
                rules.setdefault(fields[0], (fields[1], int(fields[2].rstrip("!"))))
        if parts.path in rules:
            to, status = rules[parts.path]
            if parts.query and "?" not in to:
                to += "?" + parts.query
            self.send_response(status)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return super().send_head()


class _Refresh(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refresh: str | None = None
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        a = dict(attrs)
        if tag == "meta" and a.get("http-equiv") == "refresh":
            self.refresh = a["content"].split("url=", 1)[1]
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    # its own: pytest imports this module under another name than the conftest does, so
    # the conftest's server would record into another TargetHandler class than this one's
    yield from serve(TargetHandler)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, target: str) -> Path:
    root = tmp_path_factory.mktemp("e2e")
    (root / "links.yaml").write_text(
        f"""\
site:
  timezone: Asia/Shanghai
links:
  plain: {target}/plain
  withquery: {target}/q?utm_source=chat
  frag: {target}/doc#install
  fixed:
    url: {target}/fixed?lang=en
    forward_query: false
  sale:
    url: {target}/sale
    aliases: [promo, 特卖]
    expires: 2026-12-31
  优惠券: {target}/coupons/%E4%B8%AD
  old:
    url: {target}/old
    expires: 2026-01-01
    expired: {target}/shop
  gone:
    url: {target}/gone
    expires: 2026-01-01
  later:
    url: {target}/later
    starts: 2027-01-01
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return root / "_site"


# (slug, query and fragment on the short URL, path the target must receive, fragment kept)
FOLLOW = [
    ("plain", "", "/plain", ""),
    ("plain", "?a=1&b=2", "/plain?a=1&b=2", ""),
    ("plain", "?a=1#top", "/plain?a=1", "#top"),
    ("withquery", "?a=1", "/q?utm_source=chat&a=1", ""),
    ("frag", "?a=1", "/doc?a=1", "#install"),
    ("fixed", "?a=1", "/fixed?lang=en", ""),
    ("sale", "", "/sale", ""),
    ("promo", "?x=1", "/sale?x=1", ""),
    ("特卖", "", "/sale", ""),
    ("优惠券", "", "/coupons/%E4%B8%AD", ""),
    ("old", "", "/shop", ""),
]


def run_script(page: Path, visited: str) -> str:
    node = require_tool("node")
    proc = subprocess.run(
        [node, str(HERE / "run_page_script.js"), str(page), visited],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "PAGE_NOW": str(int(NOW.timestamp() * 1000))},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def follow_page(base: str, slug: str, extra: str, site: Path) -> tuple[str, str]:
    """Visit /slug on a file host; return (URL the script loads, URL the meta refresh loads)."""
    url = f"{base}/{urllib.parse.quote(slug)}{extra}"
    status, headers, body = fetch(url)
    assert status == 200, (slug, status)
    assert headers["Content-Type"].startswith("text/html")
    page = site / f"{slug}.html"
    assert page.read_bytes() == body
    parser = _Refresh()
    parser.feed(body.decode())
    assert parser.refresh is not None and parser.canonical == parser.refresh
    return run_script(page, url), parser.refresh


@pytest.fixture(scope="module")
def pages_host(site: Path) -> Iterator[str]:
    yield from serve(PagesHandler, site)


@pytest.fixture(scope="module")
def rules_host(site: Path) -> Iterator[str]:
    yield from serve(RulesHandler, site)


@pytest.mark.parametrize(("slug", "extra", "expected", "fragment"), FOLLOW)
def test_every_slug_reaches_its_target_on_a_file_host(
    pages_host: str, target: str, site: Path, slug: str, extra: str, expected: str, fragment: str
) -> None:
    by_script, by_refresh = follow_page(pages_host, slug, extra, site)
    assert by_script == target + expected + fragment
    TargetHandler.seen.clear()
    status, _, body = fetch(by_script)
    assert (status, TargetHandler.seen) == (200, [expected.split("#")[0]])
    assert body == f"target {expected.split('#')[0]}".encode()
    # Without JavaScript the meta refresh still arrives (the query is not carried).
    status, _, _ = fetch(by_refresh.replace("&amp;", "&"))
    assert status == 200


@pytest.mark.parametrize(("slug", "extra", "expected", "fragment"), FOLLOW)
def test_every_slug_reaches_its_target_on_a_rules_host(
    rules_host: str, target: str, site: Path, slug: str, extra: str, expected: str, fragment: str
) -> None:
    url = f"{rules_host}/{urllib.parse.quote(slug)}{extra.split('#')[0]}"
    status, headers, _ = fetch(url)
    if status in (301, 302, 307, 308):
        # An edge rule answered: it must land exactly where the page would (the browser
        # carries the visitor's fragment across a redirect by itself, RFC 9110 10.2.2).
        assert headers["Location"] == target + expected
        TargetHandler.seen.clear()
        assert fetch(headers["Location"])[0] == 200
        assert TargetHandler.seen == [expected.split("#")[0]]
    else:
        by_script, _ = follow_page(rules_host, slug, extra, site)
        assert by_script == target + expected + fragment


@pytest.mark.parametrize(
    ("slug", "needle"),
    [("gone", "This link has expired"), ("later", "This link is not active yet")],
)
def test_expired_and_scheduled_pages_answer(pages_host: str, slug: str, needle: str) -> None:
    status, _, body = fetch(f"{pages_host}/{slug}")
    assert status == 200
    assert needle in body.decode()
    if slug == "later":  # it reloads itself at the start, and never names its target early
        assert b"location.reload()" in body and b"/later" not in body.split(b"<script")[1]
    else:
        assert b"<script" not in body


def test_unknown_slug_gets_the_404_page(pages_host: str, rules_host: str) -> None:
    for base in (pages_host, rules_host):
        status, _, body = fetch(f"{base}/no-such-link")
        assert status == 404
        assert "This short link does not exist" in body.decode()


def test_rules_host_uses_rules_for_the_links_that_have_one(rules_host: str) -> None:
    # the targets here are http://, so only Netlify's lines ('302!') are written: a rule
    # where the visitor's query is dropped, the page where it is passed on (Netlify would
    # re-encode it) or merged
    assert fetch(f"{rules_host}/fixed?a=1")[0] == 302
    assert fetch(f"{rules_host}/plain?a=1")[0] == 200
    assert fetch(f"{rules_host}/withquery?a=1")[0] == 200


MANGLED = [
    ("/TEMP", "/temp"),
    ("/temp)", "/temp"),
    ("/temp.", "/temp"),
    ("/temp%E3%80%82", "/temp"),  # 。
    ("/%EF%BD%94%EF%BD%85%EF%BD%8D%EF%BD%90", "/temp"),  # full-width ｔｅｍｐ
    ("/temp/", "/temp"),
    ("/Team/Docs).", "/team/docs"),
    ("/%E4%BC%98%E6%83%A0%E5%88%B8%EF%BC%89", "/%E4%BC%98%E6%83%A0%E5%88%B8"),  # 优惠券）
    ("/GONE", "/gone"),  # expired links too: their page says so
    # the exact path of a link that a host could not route (Azure past 20 KB): its page file
    ("/temp", "/temp.html"),
    ("/%E4%BC%98%E6%83%A0%E5%88%B8", "/%E4%BC%98%E6%83%A0%E5%88%B8.html"),
]
# With 'site.preview: files', a preview path that the host did not serve goes to its file,
# and one spelt '%2B' (which Netlify's, Firebase's and Azure's servers do not serve) to
# '/slug+'.
MANGLED_PREVIEW_FILES = [
    ("/temp+", "/temp%2B.html"),
    ("/Temp)+", "/temp%2B.html"),
    ("/temp%2B", "/temp+"),
    ("/Temp%2b", "/temp+"),
    ("/%E4%BC%98%E6%83%A0%E5%88%B8%2B", "/%E4%BC%98%E6%83%A0%E5%88%B8+"),
]
# By default the 404 page draws a preview itself, with the shared preview script, however
# the path is spelt (and mangled: the script finds the normal form).
PREVIEW_PATHS = ["/temp+", "/Temp)+", "/temp%2B", "/Temp%2b", "/%E4%BC%98%E6%83%A0%E5%88%B8%2B"]


@pytest.mark.parametrize(("typed", "found"), MANGLED)
def test_404_page_finds_a_mangled_link_keeping_query_and_fragment(
    tmp_path: Path, typed: str, found: str
) -> None:
    from tests.conftest import FIXTURES

    result = build(FIXTURES / "conformance.yaml", tmp_path / "_site", now=NOW)
    assert result.written, result.problems
    page = tmp_path / "_site" / "404.html"
    visited = f"https://go.example.com{typed}?utm=a%20b#top"
    assert run_script(page, visited) == f"{found}?utm=a%20b#top"


@pytest.mark.parametrize(("typed", "found"), MANGLED_PREVIEW_FILES)
def test_with_preview_files_the_404_page_sends_a_preview_to_its_file(
    tmp_path: Path, typed: str, found: str
) -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / "conformance.yaml").read_text(encoding="utf-8")
    (tmp_path / "links.yaml").write_text(text.replace("site:\n", "site:\n  preview: files\n", 1))
    (tmp_path / "qr-logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())
    result = build(tmp_path / "links.yaml", tmp_path / "_site", now=NOW)
    assert result.written, result.problems
    visited = f"https://go.example.com{typed}?utm=a%20b#top"
    assert run_script(tmp_path / "_site" / "404.html", visited) == f"{found}?utm=a%20b#top"


@pytest.mark.parametrize("typed", PREVIEW_PATHS)
def test_the_404_page_loads_the_shared_preview_script_for_a_preview(
    tmp_path: Path, typed: str
) -> None:
    from tests.conftest import FIXTURES

    result = build(FIXTURES / "conformance.yaml", tmp_path / "_site", now=NOW)
    assert result.written, result.problems
    visited = f"https://go.example.com{typed}?utm=a%20b#top"
    assert run_script(tmp_path / "_site" / "404.html", visited) == "load /_shortlinks/preview.js"


@pytest.mark.parametrize(
    "typed", ["/nothing-here", "/temp.html", "/te", "/%E0%A4%A", "/temp%2B.html", "/temp+.html"]
)
def test_404_page_stays_for_unknown_links_and_never_loops(tmp_path: Path, typed: str) -> None:
    from tests.conftest import FIXTURES

    result = build(FIXTURES / "conformance.yaml", tmp_path / "_site", now=NOW)
    assert result.written, result.problems
    node = require_tool("node")
    proc = subprocess.run(
        [
            node,
            str(HERE / "run_page_script.js"),
            str(tmp_path / "_site" / "404.html"),
            f"https://go.example.com{typed}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 3, (proc.stdout, proc.stderr)  # "the script did not redirect"


NOT_FOUND = "https://www.example.com/sorry?from=go"


@pytest.mark.parametrize(
    ("typed", "goes"),
    [
        # nothing found: site.not_found, with nothing of the unknown path, query or fragment
        ("/nothing-here?utm=a%20b#top", NOT_FOUND),
        ("/%E0%A4%A?x=<b>", NOT_FOUND),  # not even decodable
        ("/temp.html", NOT_FOUND),
        # the finder first: a mangled link still goes to its link, a preview is still drawn
        ("/Temp).?utm=a%20b#top", "/temp?utm=a%20b#top"),
        ("/temp+", "load /_shortlinks/preview.js"),
        ("/nothing-here+", "load /_shortlinks/preview.js"),
    ],
)
def test_with_not_found_the_404_page_sends_what_it_finds_nothing_for_there(
    tmp_path: Path, typed: str, goes: str
) -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / "conformance.yaml").read_text(encoding="utf-8")
    site = text.replace("site:\n", f"site:\n  not_found: '{NOT_FOUND}'\n", 1)
    (tmp_path / "links.yaml").write_text(site, encoding="utf-8")
    (tmp_path / "qr-logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())
    result = build(tmp_path / "links.yaml", tmp_path / "_site", now=NOW)
    assert result.written, result.problems
    page = tmp_path / "_site" / "404.html"
    # without JavaScript: a link there, in place of the one to the home page
    assert f'<a href="{NOT_FOUND}">Go to {NOT_FOUND}</a>' in page.read_text(encoding="utf-8")
    assert run_script(page, f"https://go.example.com{typed}") == goes
