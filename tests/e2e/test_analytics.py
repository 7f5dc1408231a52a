"""Click counts in Chromium: a counted link's page sends one beacon to the counter of
site.analytics, which the browser asks before the target; the redirect
does not wait for the counter (the collector takes seconds to answer, the target is
reached long before); no cookie, no CSP violation; a link with 'analytics: false' sends
nothing. One run for each provider's format."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import NOW
from tests.e2e.test_browser import fixed_random, new_context
from tests.e2e.test_http import PagesHandler, TargetHandler, serve

SLOW_COUNTER = 3.0  # seconds the collector takes to answer each beacon
PASSWORD = "open sesame 42"


class Log:
    """What the collector and the target server saw, in the order they saw it."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str, str, dict]] = []
        self.lock = threading.Condition()

    def add(self, who: str, path: str, info: dict) -> None:
        with self.lock:
            self.events.append((time.monotonic(), who, path, info))
            self.lock.notify_all()

    def beacons(self, at_least: int = 1) -> list[tuple[float, str, str, dict]]:
        """The counter's beacons, once it has ``at_least`` of them (or after 10 seconds):
        a beacon is queued by the browser and may reach the counter after the target has
        loaded, so it is waited for, never looked for at once."""
        with self.lock:
            self.lock.wait_for(lambda: len(self.of("counter")) >= at_least, timeout=10)
            return self.of("counter")

    def of(self, who: str) -> list[tuple[float, str, str, dict]]:
        with self.lock:
            return [e for e in self.events if e[1] == who]

    def clear(self) -> None:
        with self.lock:
            self.events.clear()


LOG = Log()


class Collector(BaseHTTPRequestHandler):
    """A counter that answers slowly: the redirect must not wait for it."""

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        LOG.add(
            "counter",
            self.path,
            {
                "method": self.command,
                "body": body,
                "type": self.headers.get("Content-Type"),
                "cookie": self.headers.get("Cookie"),
            },
        )
        time.sleep(SLOW_COUNTER)
        self.send_response(202)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = _record
    do_GET = _record

    def log_message(self, *args: object) -> None:
        pass


class Target(TargetHandler):
    """The 'outside world' of test_http.py, each visit also logged with its time."""

    def do_GET(self) -> None:
        if self.path != "/favicon.ico":  # asked by the browser once a page has loaded
            LOG.add("target", self.path, {})
        super().do_GET()


@pytest.fixture(scope="module")
def counter() -> Iterator[str]:
    yield from serve(Collector)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    yield from serve(Target)


SITES = {
    "goatcounter": "example",
    "plausible": "go.example.com",
    "umami": "4fb7fa4c-5b46-438d-94b3-3a8fb9bc2e8b",
}


@pytest.fixture(scope="module", params=sorted(SITES))
def site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    counter: str,
    target: str,
) -> Iterator[tuple[str, str]]:
    provider = request.param
    root = tmp_path_factory.mktemp(f"analytics-{provider}")
    (root / "links.yaml").write_text(
        f"""\
site:
  domain: go.example.com
  analytics:
    provider: {provider}
    site: {SITES[provider]}
    url: {counter}
links:
  sale: {target}/sale?utm_source=chat
  app:
    url: {target}/app
    devices:
      android: {target}/app-android
  vip:
    url: {target}/vip
    password: {PASSWORD}
  quiet:
    url: {target}/quiet
    analytics: false
  ab:
    variants:
      - {target}/va
      - url: {target}/vb?x=1
        weight: 3
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW, cache_dir=None)
    assert result.written, result.problems
    pages = serve(PagesHandler, root / "_site")
    yield provider, next(pages)
    pages.close()


REQUESTS: list[str] = []  # the requests the browser made, in the order it made them


def _visit(
    browser: object, url: str, wait_for: str, random: int | None = None, **options: object
) -> list[str]:
    """Open ``url`` and wait for the target to load; the CSP violations the page reported.
    ``random``: what the page's random source gives (a variant's pick is then known)."""
    context = new_context(browser, **options)
    page = context.new_page()
    if random is not None:
        fixed_random(page, random)
    REQUESTS.clear()
    context.on("request", lambda r: REQUESTS.append(r.url))
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "CSP" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.log('CSP violation: ' + e.violatedDirective))"
    )
    try:
        page.goto(url)
        if wait_for == "password":
            page.fill("#password", PASSWORD)
            page.click("#unlock button")
            wait_for = "/vip"
        page.wait_for_url(f"**{wait_for}**", timeout=10_000)
        page.wait_for_load_state("load")
        assert context.cookies() == []  # nothing set, by the page or the counter
    finally:
        context.close()
    return violations


def _beacon_of(provider: str, site_id: str, event: tuple, orphan: bool = False) -> dict:
    """The beacon's fields, in a form common to the three formats (``orphan``: the 404
    page's, which Plausible is sent as the event "404"); ``variant``, as text, when the
    beacon names one (docs/analytics.md: each provider has its own place for it)."""
    _at, _who, path, info = event
    assert info["cookie"] is None
    assert info["method"] == "POST"  # sendBeacon always POSTs
    if provider == "goatcounter":
        parts = urllib.parse.urlsplit(path)
        assert parts.path == "/count"
        q = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        assert set(q) == {"p", "t", "r", "q", "rnd"}
        page, _, variant = q["p"].partition("?variant=")  # a path of its own for each
        return {"path": page, "query": q["q"]} | ({"variant": variant} if variant else {})
    assert info["type"].startswith("text/plain")  # no CORS preflight
    data = json.loads(info["body"])
    if provider == "plausible":
        assert path == "/api/event"
        assert data["n"] == ("404" if orphan else "pageview") and data["d"] == site_id
        url = urllib.parse.urlsplit(data["u"])
        found = data.get("p", {})  # custom properties: strings
        assert set(found) <= {"variant"} and all(isinstance(v, str) for v in found.values())
    else:
        assert path == "/api/send"
        assert data["type"] == "event" and data["payload"]["website"] == site_id
        url = urllib.parse.urlsplit(data["payload"]["url"])
        found = {k: str(v) for k, v in data["payload"].get("data", {}).items()}
    return {"path": url.path, "query": "?" + url.query if url.query else ""} | found


def test_the_beacon_is_sent_before_the_page_goes_and_is_not_waited_for(
    browser: object, site: tuple[str, str], target: str, counter: str
) -> None:
    provider, host = site
    LOG.clear()
    violations = _visit(browser, host + "/sale?ref=anna", "/sale")
    beacons, landed = LOG.beacons(), LOG.of("target")
    assert len(beacons) == 1, beacons
    assert len(landed) == 1 and landed[0][2] == "/sale?utm_source=chat&ref=anna"
    # the page sends the beacon, then goes: the browser asks the counter first (when each
    # server reads its request is the network's business, not the page's)
    asked = [u for u in REQUESTS if not u.startswith(host)]
    assert asked[0].startswith(counter) and asked[1].startswith(target), asked
    # the counter answers only SLOW_COUNTER seconds after it got the beacon: the target
    # was reached long before, so the redirect did not wait for it
    assert landed[0][0] - beacons[0][0] < SLOW_COUNTER / 2
    assert _beacon_of(provider, SITES[provider], beacons[0]) == {
        "path": "/sale",
        "query": "?ref=anna",
    }
    assert violations == []


def test_device_and_password_links_are_counted_too(
    browser: object, site: tuple[str, str], target: str
) -> None:
    provider, host = site
    android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile"
    LOG.clear()
    assert _visit(browser, host + "/app", "/app-android", user_agent=android) == []
    assert [_beacon_of(provider, SITES[provider], b)["path"] for b in LOG.beacons()] == ["/app"]
    LOG.clear()
    assert _visit(browser, host + "/vip", "password") == []
    beacons = LOG.beacons()
    assert [_beacon_of(provider, SITES[provider], b)["path"] for b in beacons] == ["/vip"]
    assert target not in json.dumps([b[2:] for b in beacons])  # the target is never sent


def test_a_link_with_analytics_false_sends_nothing(
    browser: object, site: tuple[str, str], target: str
) -> None:
    _provider, host = site
    LOG.clear()
    assert _visit(browser, host + "/quiet", "/quiet") == []
    time.sleep(0.3)  # a beacon, if any, would have arrived by now
    assert LOG.of("counter") == []


def test_an_unknown_slug_is_counted_as_an_orphan_visit(
    browser: object, site: tuple[str, str], target: str
) -> None:
    """The 404 page counts a path it finds no link for (Shlink's 'orphan visit'), escaped
    as a link page's path is; a mangled link it sends on is counted once, by its page."""
    provider, host = site
    LOG.clear()
    context = new_context(browser)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "CSP" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.log('CSP violation: ' + e.violatedDirective))"
    )
    try:
        response = page.goto(host + "/no-such-link%22%3C?ref=%3Cb%3E")
        assert response is not None and response.status == 404
        page.wait_for_load_state("load")
        deadline = time.monotonic() + 10
        while not LOG.of("counter") and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert page.url.startswith(host + "/no-such-link")  # no site.not_found: it stays
    finally:
        context.close()
    beacons = LOG.of("counter")
    assert len(beacons) == 1, beacons
    assert _beacon_of(provider, SITES[provider], beacons[0], orphan=True) == {
        "path": "/no-such-link%22%3C",
        "query": "?ref=%3Cb%3E",
    }
    assert violations == []
    LOG.clear()
    assert _visit(browser, host + "/SALE", "utm_source=chat") == []
    assert [_beacon_of(provider, SITES[provider], b)["path"] for b in LOG.beacons()] == ["/sale"]


@pytest.mark.parametrize(
    ("random", "landing", "variant"), [(1, "/vb?x=1&s=1", "2"), (0, "/va?s=1", "1")]
)
def test_the_beacon_says_which_variant_the_page_picked(
    browser: object, site: tuple[str, str], target: str, random: int, landing: str, variant: str
) -> None:
    """The weights are 1 and 3: the random source's 0 picks the first variant, 1 the
    second; the beacon names the one the visitor was sent to, by its place in the list."""
    provider, host = site
    LOG.clear()
    assert _visit(browser, host + "/ab?s=1", landing.partition("?")[0], random=random) == []
    assert [e[2] for e in LOG.of("target")] == [landing]
    beacons = LOG.beacons()
    assert len(beacons) == 1, beacons
    assert _beacon_of(provider, SITES[provider], beacons[0]) == {
        "path": "/ab",
        "query": "?s=1",
        "variant": variant,
    }
    assert target not in json.dumps([b[2:] for b in beacons])  # the target is never sent


@pytest.fixture(scope="module", params=sorted(SITES))
def lost_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    counter: str,
    target: str,
) -> Iterator[tuple[str, str]]:
    """A site with counting on and site.not_found: where an unknown slug's visitor goes."""
    provider = request.param
    root = tmp_path_factory.mktemp(f"analytics-lost-{provider}")
    (root / "links.yaml").write_text(
        f"""\
site:
  domain: go.example.com
  not_found: {target}/lost
  analytics:
    provider: {provider}
    site: {SITES[provider]}
    url: {counter}
links:
  sale: {target}/sale
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW, cache_dir=None)
    assert result.written, result.problems
    pages = serve(PagesHandler, root / "_site")
    yield provider, next(pages)
    pages.close()


def test_an_unknown_slug_is_counted_once_then_sent_to_not_found(
    browser: object, lost_site: tuple[str, str], target: str, counter: str
) -> None:
    """docs/analytics.md: the 404 page sends its orphan visit's beacon, then the visitor
    on to site.not_found (the URL as written: the query is the beacon's, not passed on)."""
    provider, host = lost_site
    LOG.clear()
    context = new_context(browser)
    page = context.new_page()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "CSP" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.log('CSP violation: ' + e.violatedDirective))"
    )
    try:
        response = page.goto(host + "/no-such-link?ref=%3Cb%3E")
        assert response is not None and response.status == 404
        page.wait_for_url(target + "/lost", timeout=10_000)
        page.wait_for_load_state("load")
        deadline = time.monotonic() + 10
        while not LOG.of("counter") and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert context.cookies() == []
    finally:
        context.close()
    beacons = LOG.of("counter")
    assert len(beacons) == 1, beacons
    assert _beacon_of(provider, SITES[provider], beacons[0], orphan=True) == {
        "path": "/no-such-link",
        "query": "?ref=%3Cb%3E",
    }
    assert [e[2] for e in LOG.of("target")] == ["/lost"]
    # the beacon is sent first, then the page goes: the browser asks the counter first
    asked = [u for u in requests if not u.startswith(host)]
    assert asked[0].startswith(counter) and asked[1] == target + "/lost", asked
    assert violations == []


def test_the_page_allows_the_counter_and_nothing_else(site: tuple[str, str], counter: str) -> None:
    import urllib.request

    _provider, host = site
    page = urllib.request.urlopen(host + "/sale").read().decode()
    policy = page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert f"connect-src {counter};" in policy
    assert policy.count("connect-src") == 1 and "default-src 'none'" in policy
    quiet = urllib.request.urlopen(host + "/quiet").read().decode()
    assert "connect-src" not in quiet and "sendBeacon" not in quiet


def test_without_analytics_no_page_has_a_beacon(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text("links:\n  a: https://a.example\n")
    build(tmp_path / "links.yaml", tmp_path / "out", NOW, cache_dir=None)
    for page in (tmp_path / "out").rglob("*.html"):
        text = page.read_text()
        assert "sendBeacon" not in text, page
        # the shared preview (its page, and the 404 page where no rule sends '/slug+' to
        # it) fetches its data from the site itself, and nothing else anywhere
        sources = re.findall(r"connect-src ([^;\"]*)", text)
        assert sources == (["'self'"] if page.name in ("404.html", "preview.html") else []), page
