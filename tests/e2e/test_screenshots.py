"""Screenshots of the pages people read, at phone and desktop widths, light and dark,
in English and Chinese: saved under tests/artifacts/screenshots/ for a person to look at
(CI keeps the folder as an artifact). Each is also checked to be a real rendering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from generator.build import build
from tests.conftest import NOW, ROOT, STRICT
from tests.e2e.test_browser import DRAWN, IN_APP
from tests.e2e.test_http import PagesHandler, serve

OUT = ROOT / "tests" / "artifacts" / "screenshots"
AFTER = datetime(2027, 1, 1, tzinfo=timezone.utc)  # 'soon' has expired by then
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
PAGES = {
    "landing": "/",
    "expired": "/gone",
    "scheduled": "/later",
    "not-found": "/no-such",
    "preview": "/soon+",
    "open-in-browser": "/soon?from=group",  # what WeChat and QQ visitors see
    # what the page's own clock check shows once it expires, before the site is rebuilt
    "expired-ahead": "/soon",
    "password": "/vip",  # a link with a password: its page asks for it
    "password-preview": "/vip+",  # its preview: protected, no target shown
}


@pytest.fixture(scope="module", params=["en", "zh"])
def host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    language = request.param
    root = tmp_path_factory.mktemp(f"shots-{language}")
    (root / "links.yaml").write_text(
        f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
  language: {language}
links:
  gone:
    url: https://example.com/summer
    title: Summer sale
    expires: 2026-09-30
  later:
    url: https://example.com/launch
    title: Product launch
    starts: 2027-03-01
  soon:
    url: https://shop.example.com/winter-sale?utm_source=wechat&utm_campaign=winter-2026
    title: Winter sale
    description: Everything 20% off until the end of the year, in every store and online.
    expires: 2026-12-31
    open_in_browser: true
  vip:
    url: https://shop.example.com/vip-offer
    title: VIP offer
    password: spring-vip-2027
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    for base in serve(PagesHandler, root / "_site"):
        yield language, base


def test_a_cjk_font_is_installed_for_the_chinese_screenshots() -> None:
    import subprocess

    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip():
        message = "no CJK font (the README's test command installs fonts-wqy-zenhei)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_screenshots_of_every_page(
    browser: object, host: tuple[str, str], size: str, scheme: str
) -> None:
    from playwright.sync_api import expect

    language, base = host
    width, height = SIZES[size]
    options = {"viewport": {"width": width, "height": height}, "color_scheme": scheme}
    context = browser.new_context(device_scale_factor=1, **options)  # type: ignore[attr-defined]
    # WeChat's in-app browser, for the page that shows what its visitors see
    wechat = browser.new_context(  # type: ignore[attr-defined]
        device_scale_factor=1, user_agent=IN_APP["wechat"], **options
    )
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in PAGES.items():
            page = (wechat if name == "open-in-browser" else context).new_page()
            # the visitor's clock: past the expiry of 'soon' for the page that shows it so
            page.clock.set_fixed_time(AFTER if name == "expired-ahead" else NOW)
            page.goto(base + path)
            page.wait_for_load_state("load")
            if "preview" in name:  # drawn by the shared preview script, its code by qr.js
                page.wait_for_selector("#short")
                expect(page.locator("#qr")).to_have_attribute("src", DRAWN)
            if name in ("expired-ahead", "open-in-browser"):  # drawn in place by views.js
                page.wait_for_function(
                    "!document.documentElement.hidden && document.querySelector('main h1')"
                )
                page.wait_for_load_state("networkidle")
            heading = page.get_by_role("heading").first
            assert heading.is_visible()
            box = heading.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(13, 17, 23)") == (scheme == "dark"), background
            shot = OUT / f"{name}-{language}-{size}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 2000
            page.close()
    finally:
        context.close()
        wechat.close()
