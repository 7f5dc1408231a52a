"""The pictures in the docs (docs/images/): what visitors see, as Chromium draws it at a
phone's width, in English and Chinese, from a fixed links.yaml at a fixed time.

A normal run renders every picture and checks it is a real rendering (ink on paper, the
page's words in its DOM, the QR codes scanning from the picture itself), and that every
picture the docs show is in docs/images/, without writing there. With
SHORTLINKS_WRITE_DOC_IMAGES=1 (``bash scripts/docs-images.sh``) it also writes them; a
picture whose pixels did not change is left as it is, so the folder changes only when a
page does.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.commands import sheet
from generator.i18n import hint, messages
from tests.conftest import NOW, ROOT, STRICT
from tests.e2e.test_http import PagesHandler, serve

IMAGES = ROOT / "docs" / "images"
WRITE = os.environ.get("SHORTLINKS_WRITE_DOC_IMAGES") == "1"
LANGUAGES = ("en", "zh")
WIDTH, HEIGHT, SCALE = 390, 844, 2  # a phone, at its device pixels (sharp on any screen)
COLORS = 32  # the pages are text on white: 32 colours keep the anti-aliasing, and the bytes low
MAX_BYTES = 60_000  # a picture in the repository, each
PAD = 24  # CSS pixels kept around a page's content
PX = 96 / 25.4  # CSS pixels a millimetre (the QR sheet is drawn in millimetres)
SHORT = "https://go.example.com/winter-sale"
TARGET = "https://shop.example.com/winter?utm_source=wechat"

# name -> the path that shows it; the QR sheet is a file of its own (`shortlinks sheet`)
PAGES = {
    "preview": "/winter-sale+",
    "expired": "/summer",
    # a mistyped link that no link is near: the 404 page; 'Winter-Sale。' would go on to the link
    "not-found": "/wintersale",
    # what WeChat and QQ visitors see for an open_in_browser link, in the link's own place
    # (their query kept)
    "open-in-browser": "/winter-sale?from=group",
}
# the pages seen inside an app: WeChat's in-app browser on a phone
IN_APP = {"open-in-browser"}
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI"
)
NAMES = (*PAGES, "qr-sheet")
PICTURES = [f"{name}.{language}.png" for name in NAMES for language in LANGUAGES]

WORDS = {
    "en": {
        "title": "Winter sale",
        "description": "Everything 20% off until the end of the year.",
        "summer": "Summer sale",
        "campaign": "Spring collection",
        "people": ["Alice Wang", "Ben Li", "Chen Jing", "David Zhou", "Emma Liu", "Frank Wu"],
    },
    "zh": {
        "title": "冬季特卖",
        "description": "全场八折，截至年底。",
        "summer": "夏季特卖",
        "campaign": "春季新品",
        "people": ["王伟", "李娜", "张静", "刘洋", "陈杰", "杨敏"],
    },
}


def links_yaml(language: str) -> str:
    words = WORDS[language]
    people = "".join(
        f"      - {{code: {chr(97 + i)}{i + 1:02d}, name: {name}}}\n"
        for i, name in enumerate(words["people"])
    )
    return f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
  language: {language}
links:
  winter-sale:
    url: {TARGET}
    title: {words["title"]}
    description: {words["description"]}
    expires: 2026-12-31
    open_in_browser: true
  summer:
    url: https://shop.example.com/summer
    title: {words["summer"]}
    expires: 2026-08-31
campaigns:
  spring:
    url: https://shop.example.com/spring
    title: {words["campaign"]}
    distributors:
{people}"""


def fail_or_skip(message: str) -> None:
    if STRICT or WRITE:  # pictures are never written without what they need
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module", params=LANGUAGES)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    """(language, base URL of the served site, folder of links.yaml), one per language."""
    language = request.param
    if language == "zh":
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if not fonts.strip():
            fail_or_skip("no CJK font (scripts/install.sh --test installs fonts-wqy-zenhei)")
    root = tmp_path_factory.mktemp(f"doc-images-{language}")
    (root / "links.yaml").write_text(links_yaml(language), encoding="utf-8")
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    for base in serve(PagesHandler, root / "_site"):
        yield language, base, root


def new_context(browser: object, user_agent: str | None = None) -> object:
    ctx = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=SCALE,
        color_scheme="light",
        **({"user_agent": user_agent} if user_agent else {}),
    )
    ctx.clock.set_fixed_time(NOW)
    # nothing leaves the machine: the targets (shop.example.com) are answered here
    ctx.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
        lambda route: route.fulfill(status=200, content_type="text/plain", body="target"),
    )
    return ctx


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    ctx = new_context(browser)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def in_app(browser: object) -> Iterator[object]:
    ctx = new_context(browser, WECHAT)
    try:
        yield ctx
    finally:
        ctx.close()


def optimised(png: bytes, box: tuple[float, float, float, float], scale: float) -> object:
    """The screenshot cut to ``box`` (CSS pixels), in COLORS colours, with a grey frame so
    the white page stands out from a white README."""
    import PIL.Image
    import PIL.ImageOps

    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    left, top, right, bottom = (round(v * scale) for v in box)
    image = image.crop(
        (max(left, 0), max(top, 0), min(right, image.width), min(bottom, image.height))
    )
    image = PIL.ImageOps.expand(image, border=1, fill=(208, 215, 222))
    return image.quantize(
        colors=COLORS, method=PIL.Image.Quantize.MEDIANCUT, dither=PIL.Image.Dither.NONE
    )


def encoded(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # type: ignore[attr-defined]
    return out.getvalue()


def check_and_keep(image: object, name: str, tmp_path: Path) -> bytes:
    """Checks the picture is ink on paper and small; writes it under WRITE unless the
    committed one has the same pixels. Returns its bytes."""
    import PIL.Image

    data = encoded(image)
    assert len(data) < MAX_BYTES, (name, len(data))
    gray = image.convert("L")  # type: ignore[attr-defined]
    histogram = gray.histogram()
    dark = sum(histogram[:128]) / (gray.width * gray.height)
    assert 0.005 < dark < 0.5, (name, dark)  # not blank, not a black box
    (tmp_path / name).write_bytes(data)  # for a person to look at after a failure
    if WRITE:
        path = IMAGES / name
        if path.is_file():
            old = PIL.Image.open(path).convert("RGB")
            new = PIL.Image.open(io.BytesIO(data)).convert("RGB")
            if old.size == new.size and old.tobytes() == new.tobytes():
                return data
        IMAGES.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data


def scan(data: bytes) -> list[str]:
    import PIL.Image
    import zxingcpp

    return sorted(code.text for code in zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(data))))


@pytest.mark.parametrize("name", list(PAGES))
def test_picture_of_each_page(
    context: object, in_app: object, site: tuple[str, str, Path], name: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    language, base, _root = site
    t = messages(language)
    words = WORDS[language]
    page = (in_app if name in IN_APP else context).new_page()  # type: ignore[attr-defined]
    page.goto(base + PAGES[name])
    page.wait_for_load_state("load")
    assert page.url == base + PAGES[name]  # the page itself, not where a script went on to
    if name in IN_APP:  # the view the page shows in its own place, once it is shown
        page.wait_for_selector("#short")
        page.wait_for_function("!document.documentElement.hidden")
    if name == "preview":  # drawn by the shared script (here, on the 404 page), its code too
        page.wait_for_selector("#short")
        expect(page.locator("#qr")).to_have_attribute("src", re.compile("^data:image/png;"))
    heading = page.get_by_role("heading").first.inner_text()
    text = page.locator("main").inner_text()
    if name == "preview":
        assert heading == words["title"]
        for expected in (words["description"], t["preview_goes_to"], TARGET, SHORT):
            assert expected in text, expected
        assert page.evaluate("document.querySelector('.qr img').naturalWidth") > 0
    elif name == "expired":
        assert heading == t["expired_heading"]
        assert words["summer"] in text
    elif name == "not-found":
        assert heading == t["not_found_heading"]
        assert t["not_found_hint"] in text
    else:
        assert heading == t["hint_heading"]
        assert page.locator("#steps").inner_text() == hint(language, "wechat")  # in WeChat
        assert page.locator("#short").inner_text() == TARGET + "&from=group"
    box = page.evaluate(
        "(() => { const r = document.querySelector('main').getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })()"
    )
    png = page.screenshot(full_page=True)
    image = optimised(png, (0, box[1] - PAD, WIDTH, box[3] + PAD), SCALE)
    data = check_and_keep(image, f"{name}.{language}.png", tmp_path)
    # the picture's QR code scans, to the short URL (and no other page has one)
    assert scan(data) == ([SHORT] if name == "preview" else [])


def test_the_404_page_the_picture_shows_sends_a_mangled_link_on(
    context: object, site: tuple[str, str, Path]
) -> None:
    """What the not-found picture's caption promises: capitals and a trailing full stop
    (here the Chinese one) still reach the link; '/wintersale' is no link's normal form."""
    _language, base, _root = site
    page = context.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/Winter-Sale%E3%80%82")
    page.wait_for_url(TARGET)


def test_picture_of_the_qr_sheet(
    browser: object, site: tuple[str, str, Path], tmp_path: Path
) -> None:
    language, _base, root = site
    out = tmp_path / "spring.svg"
    result = CliRunner().invoke(main, ["sheet", "spring", str(root / "links.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    people = WORDS[language]["people"]
    ctx = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": round(sheet.PAGE_W * PX), "height": round(sheet.PAGE_H * PX)},
        device_scale_factor=1,
    )
    try:
        page = ctx.new_page()
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        names = page.evaluate(
            "Array.from(document.querySelectorAll('text.name'), (e) => e.textContent)"
        )
        header = page.locator("g.header").text_content()
        # the viewport is the page (full_page= never returns on an SVG document)
        png = page.screenshot()
    finally:
        ctx.close()
    assert names == people
    assert WORDS[language]["campaign"] in header
    assert sheet.PAGE_WORDS[language].format(n=1, total=1) in header
    # the top of the page: the header and the two rows of cards
    _x, last_row = sheet.card_position(len(people) - 1)
    bottom = (last_row + sheet.CARD + sheet.MARGIN) * PX
    image = optimised(png, (0, 0, sheet.PAGE_W * PX, bottom), 1)
    data = check_and_keep(image, f"qr-sheet.{language}.png", tmp_path)
    codes = [f"{chr(97 + i)}{i + 1:02d}" for i in range(len(people))]
    assert scan(data) == sorted(f"https://go.example.com/spring-{code}" for code in codes)


def doc_pictures() -> dict[str, list[str]]:
    """Each picture under images/ that README.md or a page of docs/ shows, with who shows it."""
    shown: dict[str, list[str]] = {}
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for found in re.findall(r"""(?:\]\(|src=")(?:docs/)?images/([^)"\s]+)""", text):
            shown.setdefault(found, []).append(path.name)
    return shown


def test_every_picture_the_docs_show_is_in_docs_images_and_small() -> None:
    shown = doc_pictures()
    assert shown, "no page shows a picture"
    for name, pages in shown.items():
        path = IMAGES / name
        assert path.is_file(), f"{', '.join(pages)} show images/{name}: not in docs/images/"
        assert path.stat().st_size < MAX_BYTES, (name, path.stat().st_size)


def test_docs_images_holds_exactly_the_pictures_this_module_makes() -> None:
    """No picture left behind by a page that was renamed, none missing from the folder, and
    every one shown somewhere."""
    assert sorted(p.name for p in IMAGES.iterdir()) == sorted(PICTURES)
    assert set(PICTURES) <= set(doc_pictures())
