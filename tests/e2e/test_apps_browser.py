"""Links that open an app, in Chromium, on every engine the suite runs: the page asks a
phone for the app's URL (seen as the request Chromium makes for it, deterministically:
no app takes it here) and, the page's clock driven past its wait, goes to the fallback;
WeChat's in-app browser, where the scheme does not open, goes to the fallback at once; a
computer is shown the short link's QR code as an <img>, which zxing-cpp reads back as
the short link, with the number or address as a link and the fallback; without
JavaScript the page refreshes to the fallback; the shared preview says what the link opens
and where visitors without the app go."""

from __future__ import annotations

import base64
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from generator.build import check_text
from generator.hosts import HOSTS
from generator.pages import environment
from generator.plan import Plan, make_plan
from generator.write import write_site
from tests.conftest import NOW, STRICT
from tests.e2e.engines import STARTERS, Engine, Missing
from tests.e2e.test_devices_passwords import AGENTS, TOUCH_POINTS
from tests.sites import render_site

LINKS = """\
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
      query: {id: 42}
    fallback: https://shop.example.com/web
  shop-hint:
    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/index/index}
    fallback: https://shop.example.com/web
    open_in_browser: true
  web: https://web.example.com/
"""
SHOP = (
    "weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index/index"
    "&query=id%3D42&env_version=release"
)
CHAT = "whatsapp://send?phone=15555550100"
FALLBACKS = "https://*.example.com/**"


@pytest.fixture(scope="module")
def app_site() -> Iterator[tuple[Path, Plan]]:
    # under /tmp with open permissions: Apache serves as www-data when run as root
    root = Path(tempfile.mkdtemp(prefix="shortlinks-apps-"))
    root.chmod(0o755)
    result = check_text(LINKS, "links.yaml")
    assert result.linkset is not None, result.problems
    plan = make_plan(result.linkset, NOW)
    write_site(root / "_site", render_site(plan, environment()).files)
    yield root / "_site", plan
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module", params=sorted(STARTERS))
def engine(request: pytest.FixtureRequest, app_site: tuple[Path, Plan]) -> Iterator[Engine]:
    work = Path(tempfile.mkdtemp(prefix=f"shortlinks-apps-{request.param}-"))
    work.chmod(0o755)
    try:
        eng = STARTERS[request.param](app_site[0], work)
    except Missing as exc:
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    yield eng
    eng.stop()
    if os.environ.get("SHORTLINKS_KEEP_LOGS") != "1":
        shutil.rmtree(work, ignore_errors=True)


def visit(browser: Any, agent: str, **options: object) -> tuple[Any, Any, list[str]]:
    """A context for ``agent`` whose clock the test drives (paused just after NOW), the fallback
    sites answered by a route, and every URL the page asks for, in order."""
    context = browser.new_context(
        user_agent=AGENTS[agent], has_touch=bool(TOUCH_POINTS.get(agent)), **options
    )
    context.clock.install(time=NOW)
    context.clock.pause_at(NOW + timedelta(seconds=1))  # from here on, only run_for moves it
    context.route(FALLBACKS, lambda route: route.fulfill(status=200, body="fallback"))
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    return context, page, asked


def test_no_host_has_a_rule_for_a_link_that_opens_an_app(app_site: tuple[Path, Plan]) -> None:
    _site, plan = app_site
    for name, host in HOSTS.items():
        ruled = {r.path for r in host.ruled(plan, frozenset(HOSTS))}
        assert not ruled & {"/call", "/mail", "/chat", "/shop", "/shop-hint"}, name


@pytest.mark.parametrize("agent", ["iphone", "android"])
@pytest.mark.parametrize(("slug", "scheme", "fallback"), [
    ("shop", SHOP, "https://shop.example.com/web"),
    ("chat", CHAT, "https://wa.example.com/15555550100"),
])  # fmt: skip
def test_a_phone_is_asked_for_the_app_then_sent_to_the_fallback(
    engine: Engine, browser: Any, agent: str, slug: str, scheme: str, fallback: str
) -> None:
    context, page, asked = visit(browser, agent)
    try:
        # the app's URL, as built, asked for at once (the page never finishes loading
        # while a navigation is pending: only until the request is waited for)
        with page.expect_request(scheme, timeout=10_000):
            page.goto(f"{engine.base}/{slug}?from=poster", wait_until="commit")
        assert fallback not in asked  # not before the wait
        page.clock.run_for(2600)
        page.wait_for_url(fallback, timeout=10_000)
        assert asked[-1] == fallback
    finally:
        context.close()


def test_a_phone_is_asked_for_the_number_of_a_tel_link(engine: Engine, browser: Any) -> None:
    context, page, _asked = visit(browser, "android")
    try:
        with page.expect_request("tel:+1-555-555-0100", timeout=10_000):
            page.goto(engine.base + "/call", wait_until="commit")
        page.clock.run_for(2600)  # still here (no app took it): the number, as a link
        page.wait_for_selector("a#direct", timeout=10_000)
        assert page.get_attribute("a#direct", "href") == "tel:+1-555-555-0100"
        assert page.inner_text("a#direct") == "+1-555-555-0100"
    finally:
        context.close()


def test_wechat_goes_to_the_fallback_without_asking_for_the_scheme(
    engine: Engine, browser: Any
) -> None:
    context, page, asked = visit(browser, "wechat-android")
    try:
        page.goto(engine.base + "/shop")
        page.wait_for_url("https://shop.example.com/web", timeout=10_000)
        assert SHOP not in asked
    finally:
        context.close()


def test_with_open_in_browser_wechat_is_asked_to_open_the_short_link_in_a_browser(
    engine: Engine, browser: Any
) -> None:
    """There the scheme would open: the browser's page asks for the app (the view of
    open_in_browser, with the short link to copy)."""
    context, page, asked = visit(browser, "wechat-android")
    try:
        page.goto(engine.base + "/shop-hint")
        page.wait_for_selector("#short", timeout=10_000)
        assert page.inner_text("#short") == "https://go.example.com/shop-hint"
        assert not [u for u in asked if u.startswith(("weixin:", "https://shop."))]
    finally:
        context.close()


def qr_text(data_url: str) -> str:
    import PIL.Image
    import zxingcpp

    head, data = data_url.split(",", 1)
    assert head == "data:image/png;base64"
    found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(base64.b64decode(data))))
    assert len(found) == 1
    return found[0].text


@pytest.mark.parametrize(("slug", "direct", "shown", "fallback"), [
    ("call", "tel:+1-555-555-0100", "+1-555-555-0100", None),
    ("mail", "mailto:help@example.com?subject=Hello", "help@example.com", None),
    ("shop", None, None, "https://shop.example.com/web"),
])  # fmt: skip
def test_a_computer_is_shown_the_qr_code_of_the_short_link(
    engine: Engine,
    browser: Any,
    slug: str,
    direct: str | None,
    shown: str | None,
    fallback: str | None,
) -> None:
    context, page, asked = visit(browser, "desktop-chrome")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    try:
        page.goto(f"{engine.base}/{slug}")
        page.wait_for_selector("img#qr[src^='data:image/png']", timeout=10_000)
        assert qr_text(page.get_attribute("img#qr", "src")) == f"https://go.example.com/{slug}"
        assert not [u for u in asked if not u.startswith(("http://", "data:"))]  # no app
        if direct is None:
            assert page.query_selector("a#direct") is None
        else:
            assert page.get_attribute("a#direct", "href") == direct
            assert page.inner_text("a#direct") == shown
            page.click("a#direct")  # a link the visitor can follow: Chromium asks for it
            page.wait_for_function("1")
            assert direct in asked
        if fallback is None:
            assert page.query_selector("a#fallback") is None
        else:
            assert page.get_attribute("a#fallback", "href") == fallback
        assert errors == []
    finally:
        context.close()


def test_without_javascript_the_page_refreshes_to_the_fallback(
    engine: Engine, browser: Any
) -> None:
    context, page, asked = visit(browser, "iphone", java_script_enabled=False)
    try:
        page.goto(engine.base + "/shop")
        page.wait_for_url("https://shop.example.com/web", timeout=10_000)
        assert SHOP not in asked
    finally:
        context.close()


def test_the_preview_says_what_it_opens_and_where_visitors_without_the_app_go(
    engine: Engine, browser: Any
) -> None:
    context, page, _asked = visit(browser, "desktop-chrome")
    try:
        page.goto(engine.base + "/call+")
        page.wait_for_selector("text=It opens:", timeout=10_000)
        assert page.get_attribute("a[href^='tel:']", "href") == "tel:+1-555-555-0100"
        page.goto(engine.base + "/shop+")
        page.wait_for_selector("text=Without the app (and on a computer) it goes to:")
        assert page.get_attribute("p.target >> nth=1 >> a", "href") == (
            "https://shop.example.com/web"
        )
        assert SHOP in page.inner_text("main")  # the app's URL, as text
    finally:
        context.close()
