"""Screenshots of the pages people read, at phone and desktop widths, light and dark,
in English and Chinese: saved under tests/artifacts/screenshots/ for a person to look at
(CI keeps the folder as an artifact). Each is also checked to be a real rendering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.build import build
from tests.conftest import NOW, ROOT, STRICT
from tests.e2e.test_http import PagesHandler, serve

pytestmark = pytest.mark.e2e

OUT = ROOT / "tests" / "artifacts" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
PAGES = {
    "landing": "/",
    "expired": "/gone",
    "scheduled": "/later",
    "not-found": "/no-such",
    "preview": "/soon+",
    "open-in-browser": "/_open/soon.html?from=group",  # what WeChat and QQ visitors see
    "expired-ahead": "/_expired/soon.html",  # what the page's own clock check shows
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
    language, base = host
    width, height = SIZES[size]
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": height}, color_scheme=scheme, device_scale_factor=1
    )
    context.clock.set_fixed_time(NOW)
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            heading = page.get_by_role("heading").first
            assert heading.is_visible()
            box = heading.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(13, 17, 23)") == (scheme == "dark"), background
            shot = OUT / f"{name}-{language}-{size}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 2000
    finally:
        context.close()
