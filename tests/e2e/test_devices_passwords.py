"""Device targets and passwords in a real browser: headless Chromium (Debian) driven by
Playwright, each user agent as its browser sends it, the site served the way GitHub Pages
serves it, a target server recording what it is asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from tests.conftest import NOW
from tests.e2e.test_browser import EDGE, IN_APP, new_context
from tests.e2e.test_http import PagesHandler, TargetHandler, serve

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, target: str) -> Path:
    root = tmp_path_factory.mktemp("devices-passwords")
    (root / "links.yaml").write_text(
        f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
links:
  app:
    url: {target}/app?src=short
    devices:
      ios: {target}/ios
      android: {target}/android?store=play
      wechat: {target}/wechat
      desktop: {target}/desktop#download
  ios-only:
    url: {target}/web
    devices:
      ios: {target}/ios-only
  wx:
    url: {target}/wx-default
    open_in_browser: true
    devices:
      wechat: {target}/wx-wechat
  apps-hint:
    url: {target}/apps-web
    open_in_browser: true
    devices:
      ios: {target}/apps-ios
      android: {target}/apps-android
  secret:
    url: {target}/secret-offer?k=1
    password: {PASSWORD}
  secret-devices:
    url: {target}/secret-default
    password: {PASSWORD}
    devices:
      ios: {target}/secret-ios
      android: {target}/secret-android
  secret-ending:
    url: {target}/secret-ending
    password: {PASSWORD}
    expires: 2026-12-31
    expired: {target}/secret-after
  secret-gone:
    url: {target}/secret-gone
    title: Members' night
    password: {PASSWORD}
    expires: 2026-12-31
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return root / "_site"


@pytest.fixture(scope="module")
def host(site: Path) -> Iterator[str]:
    yield from serve(PagesHandler, site)


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# iPadOS Safari asks for desktop pages: it says 'Macintosh', as a Mac does, but has a touch
# screen (navigator.maxTouchPoints is 5 on an iPad; no Mac has one)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
AGENTS = {
    "iphone": IPHONE,
    "ipad": MAC_SAFARI,
    "mac": MAC_SAFARI,
    "android": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "wechat-android": "Mozilla/5.0 (Linux; Android 13; V2049A Build/TP1A.220624.014; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 "
    "XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
    "wechat-ios": IN_APP["wechat"],
    "qq": IN_APP["qq"],
    "desktop-chrome": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/124.0.0.0 Safari/537.36",
    # says nothing of a phone or a tablet: a desktop, as far as the page can tell
    "unknown": "SomeBrowser/1.0",
    # a phone that is neither iOS nor Android: the link's own target
    "kaios": "Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
}
TOUCH_POINTS = {"ipad": 5, "iphone": 5, "android": 5, "wechat-android": 5, "wechat-ios": 5}


@contextmanager
def device_page(browser: object, agent: str, **options: object) -> Iterator[Any]:
    """A page for ``agent``, with as many touch points as its device has (Playwright's
    has_touch gives one: set the number through DevTools, as on the device); its context
    is closed after."""
    points = TOUCH_POINTS.get(agent, 0)
    context = new_context(browser, user_agent=AGENTS[agent], has_touch=bool(points), **options)
    try:
        page = context.new_page()
        if points:
            cdp = context.new_cdp_session(page)
            cdp.send(
                "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": points}
            )
        yield page
    finally:
        context.close()


def asked() -> list[str]:
    """What the target server was asked for (not the favicon the browser asks for by itself)."""
    return [path for path in TargetHandler.seen if path != "/favicon.ico"]


# (user agent, short path + what the visitor adds, where the browser must land)
DEVICES = [
    ("iphone", "/app?a=1", "/ios?a=1"),
    ("ipad", "/app?a=1", "/ios?a=1"),
    ("mac", "/app?a=1", "/desktop?a=1#download"),
    ("android", "/app?a=1#x", "/android?store=play&a=1#x"),
    ("wechat-android", "/app?a=1", "/wechat?a=1"),
    ("wechat-ios", "/app?a=1", "/wechat?a=1"),
    ("desktop-chrome", "/app?a=1", "/desktop?a=1#download"),
    ("unknown", "/app?a=1", "/desktop?a=1#download"),
    ("kaios", "/app?a=1", "/app?src=short&a=1"),
    # a link with only some platforms: every other visitor gets its own target
    ("iphone", "/ios-only?a=1", "/ios-only?a=1"),
    ("wechat-ios", "/ios-only", "/ios-only"),  # no wechat target: WeChat on an iPhone
    ("android", "/ios-only?a=1", "/web?a=1"),
    ("desktop-chrome", "/ios-only", "/web"),
    ("ipad", "/ios-only", "/ios-only"),
    ("mac", "/ios-only", "/web"),
    # open_in_browser with a wechat target: WeChat goes to it, not to the hint page
    ("wechat-ios", "/wx?a=1", "/wx-wechat?a=1"),
    ("desktop-chrome", "/wx?a=1", "/wx-default?a=1"),
]


@pytest.mark.parametrize(("agent", "short", "landing"), DEVICES)
def test_each_device_lands_on_its_target(
    browser: object, host: str, target: str, agent: str, short: str, landing: str
) -> None:
    with device_page(browser, agent) as page:
        TargetHandler.seen.clear()
        page.goto(host + short)
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing
        assert asked() == [landing.split("#")[0]]
        touch = page.evaluate("navigator.maxTouchPoints")
        assert touch == TOUCH_POINTS.get(agent, 0)


def test_qq_still_gets_the_open_in_browser_hint_of_a_link_with_a_wechat_target(
    browser: object, host: str, target: str
) -> None:
    from tests.e2e.test_browser import open_in_place

    with device_page(browser, "qq") as page:
        page.goto(host + "/wx?a=1")
        open_in_place(page)
        assert page.text_content("#short") == target + "/wx-default?a=1"


@pytest.mark.parametrize(
    ("agent", "shown"), [("wechat-ios", "/apps-ios"), ("wechat-android", "/apps-android")]
)
def test_the_open_in_browser_page_shows_the_target_for_the_visitors_phone(
    browser: object, host: str, target: str, agent: str, shown: str
) -> None:
    """WeChat on a phone, for a link with no wechat target: the page asking to open it in
    the browser shows the address for that phone's system, which a browser would get."""
    from tests.e2e.test_browser import open_in_place

    with device_page(browser, agent) as page:
        TargetHandler.seen.clear()
        page.goto(host + "/apps-hint?a=1")
        open_in_place(page)
        assert page.url == host + "/apps-hint?a=1"
        assert page.text_content("#short") == target + shown + "?a=1"
        assert asked() == []


@pytest.mark.parametrize("agent", ["iphone", "android", "wechat-ios", "desktop-chrome"])
def test_without_javascript_every_device_gets_the_links_own_target(
    browser: object, host: str, target: str, agent: str
) -> None:
    with device_page(browser, agent, java_script_enabled=False) as page:
        page.goto(host + "/app?a=1")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/app?src=short"


# -- passwords -------------------------------------------------------------------------


def watched(page: Any, host: str) -> tuple[list[str], list[str]]:
    """Every address the page asks for, and every CSP violation it reports."""
    requested: list[str] = []
    messages: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: messages.append(m.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.log('Content Security Policy violation: ' + e.violatedDirective))"
    )
    return requested, messages


def test_a_wrong_password_says_so_and_reveals_nothing(
    browser: object, host: str, target: str
) -> None:
    with device_page(browser, "desktop-chrome") as page:
        requested, messages = watched(page, host)
        TargetHandler.seen.clear()
        page.goto(host + "/secret?a=1")
        assert page.get_by_role("heading").inner_text() == "This link is protected by a password"
        assert not page.is_visible("#needs")
        for attempt in ("correct horse", "Correct horse battery"):
            page.fill("#password", attempt)
            page.click("button[type=submit]")
            page.wait_for_selector("#wrong", state="visible")
            assert page.inner_text("#wrong") == "Wrong password. Please try again."
        page.wait_for_timeout(300)
        assert page.url == host + "/secret?a=1"
        assert "secret-offer" not in page.content()
        assert asked() == []
        assert [u for u in requested if not u.startswith(host + "/")] == []
        assert not [m for m in messages if "Content Security Policy" in m], messages


def test_the_right_password_opens_the_link_with_the_visitors_query(
    browser: object, host: str, target: str
) -> None:
    with device_page(browser, "desktop-chrome") as page:
        _, messages = watched(page, host)
        TargetHandler.seen.clear()
        page.goto(host + "/secret?a=1#top")
        page.fill("#password", "wrong, first")
        page.press("#password", "Enter")
        page.wait_for_selector("#wrong", state="visible")
        page.fill("#password", PASSWORD)
        # the form's own submission (Enter), taken over by the script
        page.press("#password", "Enter")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/secret-offer?k=1&a=1#top"
        assert asked() == ["/secret-offer?k=1&a=1"]
        page.go_back()  # location.replace: Back skips the password page
        assert not page.url.startswith(host)
        assert not [m for m in messages if "Content Security Policy" in m], messages


@pytest.mark.parametrize(
    ("agent", "landing"),
    [
        ("iphone", "/secret-ios?a=1"),
        ("ipad", "/secret-ios?a=1"),
        ("android", "/secret-android?a=1"),
        ("desktop-chrome", "/secret-default?a=1"),
    ],
)
def test_a_password_link_with_devices_opens_the_target_of_the_visitors_device(
    browser: object, host: str, target: str, agent: str, landing: str
) -> None:
    with device_page(browser, agent) as page:
        page.goto(host + "/secret-devices?a=1")
        assert "secret-" not in page.content().replace("secret-devices", "")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + landing


def test_without_javascript_the_password_page_says_what_it_needs(
    browser: object, host: str
) -> None:
    with device_page(browser, "desktop-chrome", java_script_enabled=False) as page:
        TargetHandler.seen.clear()
        page.goto(host + "/secret")
        page.wait_for_timeout(300)
        assert page.url == host + "/secret"
        assert "needs JavaScript, in a secure (https) page" in page.inner_text("#needs")
        assert not page.is_visible("#unlock")
        assert asked() == []


def test_outside_a_secure_context_the_password_page_says_what_it_needs(
    browser: object, host: str
) -> None:
    # 127.0.0.1 is a secure context; a page on plain http elsewhere has no crypto.subtle
    with device_page(browser, "desktop-chrome") as page:
        page.add_init_script(
            "Object.defineProperty(Crypto.prototype, 'subtle', {get: () => undefined})"
        )
        page.goto(host + "/secret")
        assert page.evaluate("crypto.subtle") is None
        assert page.is_visible("#needs") and not page.is_visible("#unlock")


def test_an_expired_password_link_goes_to_its_expired_url_by_the_visitors_clock(
    browser: object, host: str, target: str
) -> None:
    # built at NOW, long before the expiry: only the page's own clock check can see it
    before = new_context(browser, EDGE - timedelta(seconds=1))
    after = new_context(browser, EDGE)
    try:
        page = before.new_page()
        page.goto(host + "/secret-ending?a=1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/secret-ending?a=1"

        page = after.new_page()
        page.goto(host + "/secret-ending?a=1")  # no password asked: the expired URL is public
        page.wait_for_url(target + "/**", timeout=10_000)
        assert page.url == target + "/secret-after?a=1"
    finally:
        before.close()
        after.close()


def test_an_expired_password_link_without_an_expired_url_shows_its_expired_page_in_place(
    browser: object, host: str
) -> None:
    from tests.e2e.test_browser import expired_in_place, watch_csp

    with device_page(browser, "desktop-chrome") as page:
        page.context.clock.set_fixed_time(EDGE - timedelta(seconds=1))
        page.goto(host + "/secret-gone")
        assert page.is_visible("#unlock")  # not expired yet: the password form
    with device_page(browser, "desktop-chrome") as page:
        page.context.clock.set_fixed_time(EDGE)
        messages = watch_csp(page)
        TargetHandler.seen.clear()
        page.goto(host + "/secret-gone")
        expired_in_place(page)
        assert page.url == host + "/secret-gone"
        assert page.inner_text("main") == (
            "This link has expired\n\n"
            "“Members' night” was available until 31 December 2026.\n\nGo to go.example.com"
        )
        assert not page.is_visible("#unlock") and page.locator("#password").count() == 0
        assert asked() == [] and messages == []
