"""The pages in a real browser: headless Chromium (Debian) driven by Playwright.

A target server on 127.0.0.1 records what the browser asks for; the site is served
the way GitHub Pages serves it (no rules: the pages are the redirects), so every
check here is the pages' own doing.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator import i18n
from generator.build import build
from tests.conftest import NOW
from tests.e2e.test_http import PagesHandler, TargetHandler, serve
from tests.e2e.test_in_app_script import UA, intent


def new_context(browser: object, at: datetime = NOW, **options: object) -> object:
    """A fresh browser context whose clock reads ``at``: the pages check the visitor's
    clock, so tests must not depend on the day they run."""
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    context.clock.set_fixed_time(at)
    return context


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, target: str) -> Path:
    root = tmp_path_factory.mktemp("browser")
    (root / "links.yaml").write_text(
        f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
  qr: files  # the per-link files as well: the preview draws its code either way
  utm:
    newsletter: {{source: newsletter, medium: email}}
links:
  plain: {target}/plain
  withquery: {target}/q?utm_source=chat
  news:
    url: {target}/news?lang=en
    utm: {{template: newsletter, campaign: spring, content: a b}}
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
  promo2:
    url: {target}/promo2
    expires: 2026-12-31
    expired: {target}/after
  later:
    url: {target}/later
    starts: 2027-01-01
  shop:
    url: {target}/shop-front?x=1
    open_in_browser: true
  team/docs:
    url: {target}/team
    title: Team docs
    description: Where the team keeps its notes.
  wx-old:
    url: {target}/wx-old
    expires: 2026-12-31
    expired: {target}/wx-after
    open_in_browser: true
  wx-gone:
    url: {target}/wx-gone
    expires: 2026-12-31
    open_in_browser: true
  winter:
    url: {target}/winter
    title: Winter <b>sale</b> $& {{when}}
    expires: 2026-12-31
  hello:
    url: {target}/hello-en
    devices: {{ios: {target}/hello-ios}}
    languages: {{zh: {target}/hello-zh, zh-tw: {target}/hello-tw}}
  ab:
    variants:
      - {target}/va
      - url: {target}/vb?x=1
        weight: 3
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return root / "_site"


@pytest.fixture(scope="module")
def host(site: Path) -> Iterator[str]:
    yield from serve(PagesHandler, site)


# (short path + what the visitor adds, where the browser must land)
CASES = [
    ("/plain", "/plain"),
    ("/plain?a=1&b=x%20y", "/plain?a=1&b=x%20y"),
    ("/plain#top", "/plain#top"),
    ("/withquery?a=1", "/q?utm_source=chat&a=1"),
    # utm merged into the target at build, the visitor's query after it
    (
        "/news?a=1&b=x%20y",
        "/news?lang=en&utm_source=newsletter&utm_medium=email&utm_campaign=spring"
        "&utm_content=a%20b&a=1&b=x%20y",
    ),
    ("/frag?a=1#mine", "/doc?a=1#install"),  # the target's fragment wins
    ("/fixed?a=1", "/fixed?lang=en"),  # forward_query: false
    ("/promo?x=2", "/sale?x=2"),  # an alias
    ("/%E7%89%B9%E5%8D%96", "/sale"),  # a Unicode alias
    ("/%E4%BC%98%E6%83%A0%E5%88%B8?k=%E4%B8%AD", "/coupons/%E4%B8%AD?k=%E4%B8%AD"),
    ("/old?a=1", "/shop?a=1"),  # expired, with an 'expired:' URL
    ("/Plain).", "/plain"),  # mangled: the 404 page finds it
    ("/%EF%BD%90%EF%BD%8C%EF%BD%81%EF%BD%89%EF%BD%8E?a=1", "/plain?a=1"),  # full-width
    ("/team/docs?a=1", "/team?a=1"),  # a nested slug, with a preview card (page-served)
]


@pytest.mark.parametrize(("short", "landing"), CASES)
def test_the_browser_lands_on_the_exact_target(
    browser: object, host: str, target: str, short: str, landing: str
) -> None:
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(host + short)
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing
    finally:
        context.close()


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


# (the browser's locale, which sets navigator.languages and Accept-Language; its user
# agent, None for Chromium's own; where it must land)
LANGUAGE_CASES = [
    ("zh-TW", None, "/hello-tw?a=1"),  # the exact tag
    ("zh-CN", None, "/hello-zh?a=1"),  # its primary subtag
    ("en-US", None, "/hello-en?a=1"),  # none: the link's url
    ("zh-TW", IPHONE, "/hello-ios?a=1"),  # a device target comes first
]


@pytest.mark.parametrize(("locale", "agent", "landing"), LANGUAGE_CASES)
def test_a_language_link_sends_each_visitor_by_their_browsers_languages(
    browser: object, host: str, target: str, locale: str, agent: str | None, landing: str
) -> None:
    options: dict[str, object] = {"locale": locale}
    if agent is not None:
        options["user_agent"] = agent
    context = new_context(browser, **options)
    page = context.new_page()
    try:
        assert page.evaluate("navigator.languages")[0] == locale
        page.goto(host + "/hello?a=1")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing
    finally:
        context.close()


def test_back_returns_to_the_page_before_the_short_link(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(target + "/before")
        page.goto(host + "/plain?a=1")
        page.wait_for_url(target + "/plain?a=1")
        page.go_back()
        assert page.url == target + "/before"  # the short link is not in the history
    finally:
        context.close()


@pytest.mark.parametrize(
    ("short", "landing"),
    [("/plain?a=1", "/plain"), ("/frag", "/doc#install"), ("/fixed", "/fixed?lang=en")],
)
def test_without_javascript_the_meta_refresh_goes_to_the_target(
    browser: object, host: str, target: str, short: str, landing: str
) -> None:
    # The meta refresh carries the target as written: no visitor query (docs/output.md).
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(host + short)
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing
    finally:
        context.close()


def test_pages_run_under_their_csp_without_violations(
    browser: object, host: str, target: str
) -> None:
    """Every kind of page, its script run to the end, and not one CSP violation: each
    page's policy lists exactly the hashes of its own inline code."""
    context = new_context(browser, user_agent=IN_APP["wechat"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=host)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    try:
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation',"
            " e => console.log('Content Security Policy violation: ' + e.violatedDirective))"
        )
        for path in ("/", "/nothing-here", "/Plain).", "/later", "/old+", "/shop", "/plain"):
            page.goto(host + path)
            page.wait_for_load_state("load")
        page.goto(host + "/sale+")
        page.click("#copy")
        page.goto(host + "/shop")  # WeChat: the open-in-browser view, and its copy button
        page.wait_for_selector("#copy")
        page.click("#copy")
        page.wait_for_timeout(200)
        assert not [m for m in messages if "Content Security Policy" in m], messages
    finally:
        context.close()


def test_without_javascript_an_expired_link_follows_its_meta_refresh_until_the_rebuild(
    browser: object, host: str, target: str
) -> None:
    # Documented (docs/output.md): the meta refresh cannot check a clock.
    context = new_context(browser, EDGE + timedelta(hours=1), java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(host + "/sale")
        page.wait_for_url(target + "/**")
        assert page.url == target + "/sale"
    finally:
        context.close()


def test_the_qr_code_files_read_back_in_the_browser(browser: object, host: str) -> None:
    import io

    import PIL.Image
    import zxingcpp

    context = new_context(browser)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 600, "height": 600})
        page.goto(host + "/_qr/team/docs.svg")
        found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(page.screenshot())))
        assert [r.text for r in found] == ["https://go.example.com/team/docs"]
    finally:
        context.close()


def test_unknown_link_shows_the_not_found_page(browser: object, host: str) -> None:
    context = new_context(browser)
    page = context.new_page()
    try:
        response = page.goto(host + "/no-such-link")
        assert response is not None and response.status == 404
        page.wait_for_timeout(300)  # the finder script has run and found nothing
        assert urllib.parse.urlsplit(page.url).path == "/no-such-link"
        assert page.get_by_role("heading").inner_text() == "This short link does not exist"
    finally:
        context.close()


# 2026-12-31 in Asia/Shanghai ends at 2026-12-31T16:00:00Z; 2027-01-01 starts then too.
EDGE = datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)


# The QR code's <img> once the shared qr.js has drawn it
DRAWN = re.compile(r"^data:image/png;base64,")


def watch_csp(page: object) -> list[str]:
    """The Content-Security-Policy violations the page reports, as they happen."""
    messages: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(  # type: ignore[attr-defined]
        "document.addEventListener('securitypolicyviolation',"
        " e => console.log('Content Security Policy violation: ' + e.violatedDirective))"
    )
    return messages


def open_in_place(page: object) -> None:
    """Waits for the page to show its open-in-your-browser view and to be shown (by its
    selector: a polled string predicate would need the eval the page's CSP forbids)."""
    page.wait_for_selector("#copy", state="visible")  # type: ignore[attr-defined]
    assert page.title() == "Open this link in your browser"  # type: ignore[attr-defined]


def expired_in_place(page: object) -> None:
    """Waits for the page to show its expired view (the shared views.js) and to be shown."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.title === 'Link expired' && !document.documentElement.hidden"
    )


@pytest.mark.parametrize("visitor_zone", ["Asia/Shanghai", "America/Los_Angeles"])
def test_an_expiring_link_stops_on_time_by_the_visitors_clock(
    browser: object, host: str, target: str, visitor_zone: str
) -> None:
    # The site was built at NOW, long before: only the page's own check can stop the link.
    before = new_context(browser, EDGE - timedelta(seconds=1), timezone_id=visitor_zone)
    after = new_context(browser, EDGE, timezone_id=visitor_zone)
    try:
        page = before.new_page()
        page.goto(host + "/sale?a=1")
        page.wait_for_url(target + "/sale?a=1")

        page = after.new_page()
        messages = watch_csp(page)
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(host + "/sale?a=1")
        expired_in_place(page)  # its own page shows it: no file a link, no navigation
        assert page.url == host + "/sale?a=1"
        assert page.title() == "Link expired"
        assert page.get_by_role("heading").inner_text() == "This link has expired"
        assert page.inner_text("main") == (
            "This link has expired\n\n"
            "This short link was available until 31 December 2026.\n\nGo to go.example.com"
        )
        assert page.get_by_role("link").get_attribute("href") == "/"  # the way home
        assert target + "/sale?a=1" not in requested
        # drawn in the shared style, as the rebuilt site's expired page is
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == (
            "512px"
        )
        assert [u.removeprefix(host) for u in requested] == [
            "/sale?a=1",
            "/_shortlinks/views.js",
            "/_shortlinks/style.css",
        ]
        assert messages == []

        page = after.new_page()
        page.goto(host + "/promo2?a=1#x")  # an 'expired:' URL: go there instead
        page.wait_for_url(target + "/**")
        assert page.url == target + "/after?a=1#x"
    finally:
        before.close()
        after.close()


def test_the_expired_text_shows_a_hostile_title_as_text(browser: object, host: str) -> None:
    context = new_context(browser, EDGE + timedelta(days=1))
    try:
        page = context.new_page()
        page.goto(host + "/winter")
        expired_in_place(page)
        assert page.get_by_role("heading").inner_text() == "This link has expired"
        text = page.inner_text("body")
        # '$&' and '{when}' in the title are text too, not replacement patterns
        assert "“Winter <b>sale</b> $& {when}” was available until 31 December 2026." in text
        assert page.locator("b").count() == 0  # text, never markup
    finally:
        context.close()


def test_a_scheduled_page_reloads_at_the_start_and_then_follows_the_rebuilt_site(
    browser: object, host: str, target: str, site: Path
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    context.clock.install(time=EDGE - timedelta(seconds=5))
    page = context.new_page()
    try:
        page.goto(host + "/later")
        assert page.get_by_role("heading").inner_text() == "This link is not active yet"
        # The publish workflow rebuilds at the start ('Next change'): do it here.
        result = build(site.parent / "links.yaml", site, EDGE + timedelta(seconds=1))
        assert result.written, result.problems
        page.clock.run_for(7000)  # past the start: the page reloads itself
        page.wait_for_url(target + "/later", timeout=10_000)
    finally:
        context.close()
        build(site.parent / "links.yaml", site, NOW)  # the other tests expect the NOW site


def test_preview_page_shows_the_link_and_copies_the_short_url(
    browser: object, host: str, target: str
) -> None:
    import io

    import PIL.Image
    import zxingcpp
    from playwright.sync_api import expect

    context = new_context(browser, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=host)
    try:
        page = context.new_page()
        page.goto(host + "/sale+")
        assert urllib.parse.urlsplit(page.url).path == "/sale+"  # no redirect
        assert page.locator(".target a").get_attribute("href") == target + "/sale"
        assert "31 December 2026" in page.inner_text("body")
        page.click("#copy")
        page.wait_for_function("document.getElementById('copy').textContent === 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == "https://go.example.com/sale"
        # drawn by the shared qr.js into the <img> as a PNG (what WeChat's long press reads)
        expect(page.locator("#qr")).to_have_attribute("src", DRAWN)
        shot = page.locator(".qr img").screenshot()
        found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(shot)))
        assert [r.text for r in found] == ["https://go.example.com/sale"]
        # the two downloads: the PNG as it is, the SVG as Chromium draws it
        for kind in ("png", "svg"):
            link = page.locator(".qr figcaption a", has_text=kind.upper())
            assert link.get_attribute("download") == f"sale-qr.{kind}"
            with page.expect_download() as caught:
                link.click()
            data = Path(caught.value.path()).read_bytes()
            if kind == "svg":
                viewer = context.new_page()
                viewer.set_content(f'<img src="data:image/svg+xml;base64,{b64(data)}">')
                data = viewer.locator("img").screenshot()
                viewer.close()
            found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(data)))
            assert [r.text for r in found] == ["https://go.example.com/sale"], kind
    finally:
        context.close()


def b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def test_a_preview_follows_the_visitors_clock(browser: object, host: str, target: str) -> None:
    """The shared preview draws the state the visitor's clock gives, as the link's page
    does: past the expiry, no target (or the 'expired' URL), before the start, none."""
    context = new_context(browser, EDGE)
    try:
        page = context.new_page()
        page.goto(host + "/sale+")
        page.wait_for_selector("#short")
        text = page.inner_text("main")
        assert "Expired: it was valid until 31 December 2026." in text
        assert page.locator(".target a").count() == 0 and target not in page.content()
        page.goto(host + "/promo2+")  # its 'expired' URL is where it goes now
        page.wait_for_selector("#short")
        assert page.locator(".target a").get_attribute("href") == target + "/after"
    finally:
        context.close()
    context = new_context(browser, EDGE - timedelta(seconds=1))
    try:
        page = context.new_page()
        page.goto(host + "/sale+")
        page.wait_for_selector("#short")
        assert page.locator(".target a").get_attribute("href") == target + "/sale"
        assert "Valid until 31 December 2026." in page.inner_text("main")
    finally:
        context.close()


def test_preview_of_a_link_not_started_yet_keeps_its_target_unpublished(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(host + "/later+")
        page.wait_for_selector("#short")
        assert target not in page.content()
        assert "Opens on 1 January 2027." in page.inner_text("body")
    finally:
        context.close()


IN_APP = {
    "wechat": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
    "Language/zh_CN",
    "qq": "Mozilla/5.0 (Linux; Android 13; V2049A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/109.0.5414.86 MQQBrowser/6.2 TBS/046805 Mobile Safari/537.36 "
    "V1_AND_SQ_8.9.80_4614_YYB_D QQ/8.9.80.12440 NetType/WIFI",
    "weibo": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Weibo (iPhone15,2__weibo__13.10.0__iphone__os17.0)",
    "facebook": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.38.105;FBBV/534233208]",
    "instagram": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36 Instagram 312.0.0.32.112",
    "line": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Safari Line/13.20.0",
}


@pytest.mark.parametrize(("app", "system", "ua", "does"), UA, ids=[f"{a}-{s}" for a, s, _, _ in UA])
def test_in_app_browsers_get_their_way_out_and_other_links_go_at_once(
    browser: object, host: str, target: str, app: str, system: str, ua: str, does: str
) -> None:
    """The table of tests/e2e/test_in_app_script.py, in Chromium: the user agent each app
    sends, and what the page of an open_in_browser link does there (every other link of
    theirs redirects at once)."""
    context = new_context(browser, user_agent=ua)
    try:
        page = context.new_page()
        page.goto(host + "/withquery?a=1")
        page.wait_for_url(target + "/**")
        assert page.url == target + "/q?utm_source=chat&a=1"
        page = context.new_page()
        # what the page asks the browser to open, intent: URLs included (Chromium here has
        # no app to hand them to, so they go nowhere and the page stays)
        asked: list[str] = []
        cdp = context.new_cdp_session(page)  # type: ignore[attr-defined]
        cdp.send("Page.enable")
        cdp.on("Page.frameRequestedNavigation", lambda e: asked.append(e["url"]))
        TargetHandler.seen.clear()
        # not waiting for its load event: an intent asked for while the page loads ends it
        page.goto(host + "/shop?a=1", wait_until="commit")
        address = target + "/shop-front?x=1&a=1"  # the visitor's query merged in
        if does in ("go", "line"):
            page.wait_for_url(target + "/**")
            assert page.url == address + ("&openExternalBrowser=1" if does == "line" else "")
            return
        open_in_place(page)  # in the link's own page: no file a link, no navigation
        assert page.url == host + "/shop?a=1"
        assert page.get_by_role("heading").inner_text() == "Open this link in your browser"
        # the address it would have gone to, the visitor's query merged in
        assert page.inner_text("#short") == address
        box = page.locator("#short").bounding_box()
        assert box is not None and box["x"] + box["width"] <= page.viewport_size["width"]
        assert page.evaluate("getComputedStyle(document.querySelector('.target')).fontWeight")
        # it went nowhere (the page before it may still ask the target for its icon)
        assert [p for p in TargetHandler.seen if p != "/favicon.ico"] == []
        if does == "intent":  # on Android: handed to the default browser first
            page.evaluate("document.title")  # a round trip: the intent was asked before the view
            assert [u for u in asked if u.startswith("intent:")] == [intent(address)]
        else:
            assert [u for u in asked if u.startswith("intent:")] == []
    finally:
        context.close()


# Each app's view, as the visitor reads it: the app named, and what to tap in that app (the
# English words of generator/i18n.py; the Chinese ones: tests/test_i18n.py).
STEPS = {
    "wechat": "WeChat may block the page. Tap ··· at the top right, then “Open in Browser”",
    "qq": "QQ may block the page. Tap ··· at the top right, then “Open in Browser”",
    "instagram": "Instagram may block the page. Tap ··· at the top right, then “Open in "
    "external browser” (or “Open in Safari”)",
    "instagram-android": "Instagram may block the page. Tap ⋮ at the top right, then “Open in "
    "Chrome”",
    "facebook": "Facebook may block the page. Tap ··· at the top right, then “Open in external "
    "browser” (or “Open in Safari”)",
    "facebook-android": "Facebook may block the page. Tap ⋮ at the top right, then “Open in "
    "Chrome”",
    "tiktok": "TikTok may block the page. Tap ··· at the top right, then “Open in Browser”",
    "douyin": "Douyin may block the page. Tap ··· at the top right, then “Open in Browser”",
    "weibo": "Weibo may block the page. Tap ··· at the top right, then “Open in Browser”",
    "alipay": "Alipay may block the page. Tap ··· at the top right, then “Open in Browser”",
}
HELD = [row for row in UA if row[3] in ("hint", "intent")]  # LINE leaves; browsers go on


@pytest.mark.parametrize(
    ("app", "system", "ua", "does"), HELD, ids=[f"{a}-{s}" for a, s, _, _ in HELD]
)
def test_each_in_app_browser_is_told_what_to_tap_in_that_app(
    browser: object, host: str, app: str, system: str, ua: str, does: str
) -> None:
    context = new_context(browser, user_agent=ua)
    try:
        page = context.new_page()
        page.goto(host + "/shop", wait_until="commit")  # an intent asked for may end the load
        open_in_place(page)
        assert page.get_by_role("heading").inner_text() == "Open this link in your browser"
        steps = STEPS.get(f"{app}-{system}", STEPS[app])
        assert page.inner_text("#steps") == steps + ", or copy the address below into your browser:"
        assert page.inner_text("#steps") == i18n.hint("en", app, android=system == "android")
    finally:
        context.close()


def test_an_in_app_browser_not_told_apart_gets_the_generic_steps(
    browser: object, host: str
) -> None:
    """The view as the shared views.js shows it to an app it does not know (an app the
    page held back but views.js cannot name: the generic words, no app named)."""
    snapchat = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Snapchat/12.65.0.36 (like Safari/8614.4.6.1.6, panda)"
    )
    context = new_context(browser, user_agent=snapchat)
    try:
        page = context.new_page()
        # what _view.js's Z() does in a link's page: the view's values, then the shared script
        body = (
            "<!doctype html><meta charset=utf-8><title>x</title><script>"
            'window.shortlinksView=["open","","https://t.example/x"]</script>'
            '<script src="/_shortlinks/views.js"></script>'
        )
        page.route(host + "/held", lambda route: route.fulfill(body=body, content_type="text/html"))
        page.goto(host + "/held")
        open_in_place(page)
        assert page.inner_text("#steps") == (
            "This app may block the page. Tap ··· at the top right, then “Open in Browser”, "
            "or copy the address below into your browser:"
        )
        assert page.inner_text("#short") == "https://t.example/x"
    finally:
        context.close()


def test_the_pages_people_read_load_nothing_from_elsewhere(browser: object, host: str) -> None:
    context = new_context(browser)
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url))
        for path in ("/", "/no-such-link", "/old+", "/sale+", "/later", "/winter+"):
            page.goto(host + path)
            page.wait_for_load_state("networkidle")
        others = [u for u in requested if not u.startswith(host + "/")]
        assert others == [], others
    finally:
        context.close()


def test_in_wechat_an_expired_link_shows_where_it_goes_now(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser, EDGE, user_agent=IN_APP["wechat"])
    try:
        page = context.new_page()
        page.goto(host + "/wx-old?a=1")  # expired, with an 'expired:' URL: hint for that
        open_in_place(page)
        assert page.get_by_role("heading").inner_text() == "Open this link in your browser"
        assert page.inner_text("#short") == target + "/wx-after?a=1"
        page = context.new_page()
        page.goto(host + "/wx-gone")  # expired, nowhere to go: its expired page, in place
        expired_in_place(page)
        assert page.url == host + "/wx-gone"
        assert page.get_by_role("heading").inner_text() == "This link has expired"
    finally:
        context.close()


def test_a_scheduled_page_keeps_trying_when_the_rebuild_is_late(browser: object, host: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context()  # type: ignore[attr-defined]
    context.clock.install(time=EDGE - timedelta(seconds=5))
    page = context.new_page()
    try:
        page.goto(host + "/later")
        with page.expect_navigation():  # the start passes: it reloads (not rebuilt yet)
            page.clock.run_for(7000)
        expect(page.locator("main p").first).to_contain_text("any minute")
        with page.expect_navigation():  # and tries again a minute later
            page.clock.run_for(61_000)
        expect(page.locator("main p").first).to_contain_text("any minute")
    finally:
        context.close()


def test_the_home_redirect_passes_the_query_on(
    browser: object, target: str, tmp_path: Path
) -> None:
    (tmp_path / "links.yaml").write_text(
        f"site:\n  home: {target}/home?ref=short\nlinks:\n  gh: {target}/gh\n"
    )
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert result.written, result.problems
    for base in serve(PagesHandler, tmp_path / "_site"):
        context = new_context(browser)
        try:
            page = context.new_page()
            page.goto(base + "/?a=1")
            page.wait_for_url(target + "/**")
            assert page.url == target + "/home?ref=short&a=1"
        finally:
            context.close()


def fixed_random(page: object, value: int) -> None:
    """The page's random source made to give ``value`` (the pick is then known)."""
    page.add_init_script(  # type: ignore[attr-defined]
        f"crypto.getRandomValues = a => {{ a.fill({value}); return a }};"
    )


@pytest.mark.parametrize(
    ("value", "landing"), [(0, "/va?s=1"), (1, "/vb?x=1&s=1"), (3, "/vb?x=1&s=1"), (4, "/va?s=1")]
)
def test_variants_are_picked_by_weight_and_the_visitor_is_kept_on_one(
    browser: object, host: str, target: str, value: int, landing: str
) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()  # type: ignore[attr-defined]
        violations = watch_csp(page)
        fixed_random(page, value)
        page.goto(host + "/ab?s=1")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing
        # back again, with a random source that would pick the other one: kept
        again = context.new_page()  # type: ignore[attr-defined]
        fixed_random(again, 0 if landing.startswith("/vb") else 1)
        again.goto(host + "/ab?s=1")
        again.wait_for_url(target + "/**", timeout=10_000)
        assert again.url == target + landing
        assert violations == []
    finally:
        context.close()  # type: ignore[attr-defined]


def test_variants_still_redirect_when_storage_is_blocked(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()  # type: ignore[attr-defined]
        page.add_init_script(
            "Object.defineProperty(window, 'localStorage', {get() {"
            " throw new DOMException('blocked', 'SecurityError') }});"
        )
        fixed_random(page, 2)
        page.goto(host + "/ab")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/vb?x=1"
    finally:
        context.close()  # type: ignore[attr-defined]


def test_without_javascript_variants_go_to_the_first(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()  # type: ignore[attr-defined]
        page.goto(host + "/ab")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/va"
    finally:
        context.close()  # type: ignore[attr-defined]


def test_the_preview_of_a_link_with_variants_lists_each_with_its_weight(
    browser: object, host: str, target: str
) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()  # type: ignore[attr-defined]
        violations = watch_csp(page)
        page.goto(host + "/ab+")
        page.wait_for_selector("li .target")
        items = page.locator("li")
        assert [items.nth(i).inner_text() for i in range(items.count())] == [
            f"{target}/va · weight 1",
            f"{target}/vb?x=1 · weight 3",
        ]
        assert page.locator("li .target").nth(1).get_attribute("href") == target + "/vb?x=1"
        assert violations == []
    finally:
        context.close()  # type: ignore[attr-defined]
