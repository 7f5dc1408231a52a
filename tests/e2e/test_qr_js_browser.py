"""templates/qr.js in Chromium: a page that loads it as one shared file, under a policy
that allows nothing else, draws a code into each ``<img data-qr>``; zxing-cpp reads every
one back from a screenshot, exactly, and from the two downloads each image offers (the
PNG file, and the SVG file as Chromium draws it). The screenshot is kept under
tests/artifacts/screenshots/ (qr-js.png) for a person to look at."""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

from tests.conftest import ROOT, STRICT, require_tool
from tests.e2e.engines import NPM
from tests.e2e.test_http import PagesHandler, serve

OUT = ROOT / "tests" / "artifacts" / "screenshots"
SCALE = 2  # device pixels a CSS pixel
SHOWN = 300  # CSS pixels an image is wide
# The only policy the page needs: the shared script from the site, its images and
# downloads as data: URLs (what a preview page would allow).
POLICY = "default-src 'none'; script-src 'self'; img-src data:"
# (text, name of the link): short URLs as the pages carry them, Chinese ones written out
# and percent-encoded, plain Chinese text, and a long URL (version 13 at level M).
CODES = [
    ("https://go.example.com/docs", "docs"),
    ("https://go.example.com/产品/手册", "产品/手册"),
    ("https://go.example.com/%E4%BC%98%E6%83%A0", "优惠"),
    ("王伟的名片", "card"),
    ("https://go.example.com/" + "spring-sale-2026-" * 16, "long"),
]


def page_html() -> str:
    images = "".join(
        f'<img id="qr{i}" data-qr="{escape(text)}" data-qr-name="{escape(name)}"'
        f' width="{SHOWN}" height="{SHOWN}" alt="QR code {i}">'
        for i, (text, name) in enumerate(CODES)
    )
    links = "".join(
        f'<p><a id="svg{i}" data-qr-svg="qr{i}">SVG</a> <a id="png{i}" data-qr-png="qr{i}">PNG</a>'
        for i in range(len(CODES))
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        f"<title>QR codes</title></head><body>{images}{links}"
        '<script src="qr.js"></script></body></html>'
    )


# (data-qr-dark, -light, -quiet as a preview page writes them from site.qr, or a script
#  passes them; what qr.js draws): colours and quiet zones check accepts, and values it
#  never writes, which the script ignores for its defaults (a colour goes into markup)
STYLED = [
    (("#1a237e", "#fff8e1", "2"), ("#1a237e", "#fff8e1", 2)),
    (("#b71c1c", "#ffffff", "4"), ("#b71c1c", "#ffffff", 4)),
    (("#000", "#e3f2fd", "10"), ("#000000", "#e3f2fd", 10)),
    (('red"/><script>', "url(x)", "-3"), ("#000000", "#ffffff", 4)),
]
STYLED_TEXT = "https://go.example.com/%E4%BC%98%E6%83%A0"


def styled_html() -> str:
    images = "".join(
        f'<img id="s{i}" data-qr="{STYLED_TEXT}" data-qr-name="s{i}" data-qr-dark="{escape(d)}"'
        f' data-qr-light="{escape(lt)}" data-qr-quiet="{escape(q)}" alt="QR code {i}">'
        f'<a id="svg-s{i}" data-qr-svg="s{i}">SVG</a>'
        for i, ((d, lt, q), _drawn) in enumerate(STYLED)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        f"<title>Styled QR codes</title></head><body>{images}"
        '<script src="qr.js"></script></body></html>'
    )


LOGO = ROOT / "tests" / "fixtures" / "qr-logo.png"
# (text, logo, data-qr-logo-size): site.qr's logo as the preview pages name it, at each
# size check accepts, on a short and a long code; a logo that does not load leaves the
# code without it (still readable: error correction H)
LOGOS = [
    ("https://go.example.com/a", "logo.png", "0.1"),
    ("https://go.example.com/%E4%BC%98%E6%83%A0", "logo.png", "0.2"),
    ("https://go.example.com/" + "spring-sale-2026-" * 8, "logo.png", "0.3"),
    ("https://go.example.com/a", "missing.png", "0.3"),
]


def logo_html() -> str:
    images = "".join(
        f'<img id="l{i}" data-qr="{escape(text)}" data-qr-name="l{i}" data-qr-dark="#263238"'
        f' data-qr-logo="{logo}" data-qr-logo-size="{size}" alt="QR code {i}">'
        f'<a id="svg-l{i}" data-qr-svg="l{i}">SVG</a>'
        for i, (text, logo, size) in enumerate(LOGOS)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'self'; img-src 'self' data:\">"
        f"<title>QR codes with a logo</title></head><body>{images}"
        '<script src="qr.js"></script></body></html>'
    )


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("qr-js")
    shutil.copy(ROOT / "templates" / "qr.js", root / "qr.js")
    (root / "codes.html").write_text(page_html(), encoding="utf-8")
    (root / "styled.html").write_text(styled_html(), encoding="utf-8")
    shutil.copy(LOGO, root / "logo.png")
    (root / "404.html").write_text("not found", encoding="utf-8")
    (root / "logo.html").write_text(logo_html(), encoding="utf-8")
    yield from serve(PagesHandler, root)


def read(image: object) -> list[object]:
    import zxingcpp

    return list(zxingcpp.read_barcodes(image))  # type: ignore[arg-type]


def png_of(data_url: str) -> object:
    import PIL.Image

    head, data = data_url.split(",", 1)
    assert head == "data:image/png;base64"
    return PIL.Image.open(io.BytesIO(base64.b64decode(data)))


def test_each_code_reads_back_from_the_page_and_from_both_downloads(
    browser: object, host: str, tmp_path: Path
) -> None:
    import PIL.Image

    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": len(CODES) * (SHOWN + 10), "height": 700},
        device_scale_factor=SCALE,
        accept_downloads=True,
    )
    messages: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(f"error: {e}"))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation',"
            " e => console.log('Content Security Policy violation: ' + e.violatedDirective))"
        )
        page.goto(host + "/codes.html")
        page.wait_for_function(
            "() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)"
        )
        drawn = page.evaluate(
            """() => Array.from(document.images, (img, i) => {
                const r = img.getBoundingClientRect();
                const svg = document.getElementById('svg' + i);
                const png = document.getElementById('png' + i);
                const m = ShortlinksQR.matrix(img.getAttribute('data-qr'));
                return {src: img.src, natural: img.naturalWidth, x: r.x, y: r.y,
                        width: r.width, height: r.height, rows: m.modules.map(
                            (row) => row.map((dark) => dark ? '1' : '0').join('')),
                        svg: svg.href, svgName: svg.getAttribute('download'),
                        png: png.href, pngName: png.getAttribute('download')};
            })"""
        )
        OUT.mkdir(parents=True, exist_ok=True)
        shot = OUT / "qr-js.png"
        page.screenshot(path=str(shot))

        # the downloads as a visitor gets them: a click saves the file under its name
        saved = []
        for i in range(len(CODES)):
            for kind in ("svg", "png"):
                with page.expect_download() as info:
                    page.click(f"#{kind}{i}")
                download = info.value
                path = tmp_path / f"{kind}{i}"
                download.save_as(path)
                saved.append((download.suggested_filename, path.read_bytes()))

        # each SVG file as Chromium draws it, on a page of its own
        svg_found = []
        for i, item in enumerate(drawn):
            svg_page = context.new_page()
            side = (len(item["rows"]) + 8) * 10  # its natural size, all in view
            svg_page.set_viewport_size({"width": side, "height": side})
            svg_page.set_content(
                f'<body style="margin:0;background:#fff"><img src="{escape(item["svg"])}"></body>'
            )
            svg_page.wait_for_function("() => document.images[0].complete")
            svg_found.append(
                [r.text for r in read(PIL.Image.open(io.BytesIO(svg_page.screenshot())))]
            )
            svg_page.close()
            assert svg_found[i] == [CODES[i][0]]
    finally:
        context.close()

    assert messages == []  # no policy violation, no script error

    # every image, from the screenshot, is the code of its own text
    found = read(PIL.Image.open(shot))
    assert sorted(r.text for r in found) == sorted(text for text, _name in CODES)
    for code in found:
        corners = (code.position.top_left, code.position.bottom_right)
        cx = sum(p.x for p in corners) / 2 / SCALE
        cy = sum(p.y for p in corners) / 2 / SCALE
        (i,) = [
            i
            for i, b in enumerate(drawn)
            if b["x"] < cx < b["x"] + b["width"] and b["y"] < cy < b["y"] + b["height"]
        ]
        assert code.text == CODES[i][0]

    for i, ((text, name), item) in enumerate(zip(CODES, drawn, strict=True)):
        file_name = name.replace("/", "-")
        side = len(item["rows"]) + 8
        # the image is the PNG download: ten pixels a module, every module exact
        assert item["src"] == item["png"]
        assert item["natural"] == side * 10
        image = png_of(item["png"]).convert("L")
        assert image.size == (side * 10, side * 10)
        for r in range(side):
            for c in range(side):
                inside = 4 <= r < side - 4 and 4 <= c < side - 4
                dark = inside and item["rows"][r - 4][c - 4] == "1"
                block = image.crop((c * 10, r * 10, c * 10 + 10, r * 10 + 10))
                assert block.getextrema() == ((0, 0) if dark else (255, 255)), (i, r, c)
        assert [x.text for x in read(image)] == [text]

        # the SVG download: the encoder's own markup, named after the link
        head, data = item["svg"].split(",", 1)
        assert head == "data:image/svg+xml;charset=utf-8"
        svg_text = urllib.parse.unquote(data)
        assert svg_text.startswith(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * 10}" height="{side * 10}"'
        )
        assert (item["svgName"], item["pngName"]) == (f"{file_name}-qr.svg", f"{file_name}-qr.png")
        assert saved[2 * i] == (f"{file_name}-qr.svg", svg_text.encode())
        assert saved[2 * i + 1] == (
            f"{file_name}-qr.png",
            base64.b64decode(item["png"].split(",")[1]),
        )


def full(colour: str) -> str:
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_a_styled_code_is_drawn_in_its_colours_and_quiet_zone_and_reads_back(
    browser: object, host: str
) -> None:
    """site.qr's colours and quiet zone, as the preview pages hand them to qr.js: every
    module of each PNG is the colour asked for, the quiet zone as wide as asked, and zxing-cpp
    reads each code from a screenshot of the page and from its SVG download as drawn."""
    import PIL.Image

    context = browser.new_context(device_scale_factor=1)  # type: ignore[attr-defined]
    messages: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(f"error: {e}"))
        page.goto(host + "/styled.html")
        page.wait_for_function(
            "() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)"
        )
        drawn = page.evaluate(
            """() => Array.from(document.images, (img, i) => ({
                src: img.src, svg: document.getElementById('svg-s' + i).href,
                size: ShortlinksQR.matrix(img.getAttribute('data-qr')).size,
                rows: ShortlinksQR.matrix(img.getAttribute('data-qr')).modules.map(
                    (row) => row.map((dark) => dark ? '1' : '0').join(''))}))"""
        )
        shots = [PIL.Image.open(io.BytesIO(page.locator(f"#s{i}").screenshot())) for i in
                 range(len(STYLED))]  # fmt: skip
        svg_reads = []
        for item in drawn:
            svg_page = context.new_page()
            svg_page.set_content(
                f'<body style="margin:0;background:#fff"><img src="{escape(item["svg"])}"></body>'
            )
            svg_page.wait_for_function("() => document.images[0].complete")
            svg_reads.append(
                [r.text for r in read(PIL.Image.open(io.BytesIO(svg_page.screenshot())))]
            )
            svg_page.close()
    finally:
        context.close()
    assert messages == []  # no policy violation, no script error

    for i, ((_given, (dark, light, quiet)), item, shot) in enumerate(
        zip(STYLED, drawn, shots, strict=True)
    ):
        assert [r.text for r in read(shot)] == [STYLED_TEXT], i
        assert svg_reads[i] == [STYLED_TEXT], i
        side = item["size"] + 2 * quiet
        image = png_of(item["src"]).convert("RGB")
        assert image.size == (side * 10, side * 10), i
        for r in range(side):
            for c in range(side):
                inside = quiet <= r < side - quiet and quiet <= c < side - quiet
                on = inside and item["rows"][r - quiet][c - quiet] == "1"
                block = image.crop((c * 10, r * 10, c * 10 + 10, r * 10 + 10))
                assert {x for _n, x in block.getcolors()} == {rgb(dark if on else light)}, (i, r, c)
        svg_text = urllib.parse.unquote(item["svg"].split(",", 1)[1])
        fills = re.findall(r'<(?:rect|path)[^>]* fill="(#[0-9a-f]+)"', svg_text)
        assert [rgb(full(x)) for x in fills] == [rgb(light), rgb(dark)], i
        assert f'viewBox="0 0 {side} {side}"' in svg_text and "<script" not in svg_text


def test_a_logo_is_drawn_into_each_code_which_still_reads_back(browser: object, host: str) -> None:
    """site.qr's logo, a shared file of the site (img-src 'self'), at the centre of each
    code, at level H: zxing-cpp reads every code from a screenshot, from its PNG and from
    its SVG download as Chromium draws it (the logo inside it as a data: URL); a logo that
    does not load leaves a code without one."""
    import PIL.Image

    context = browser.new_context(device_scale_factor=1)  # type: ignore[attr-defined]
    messages: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(f"error: {e}"))
        page.goto(host + "/logo.html")
        page.wait_for_function(
            "() => Array.from(document.images).every((i) => i.src.startsWith('data:'))"
        )
        drawn = page.evaluate(
            """() => Array.from(document.images, (img, i) => ({
                src: img.src, svg: document.getElementById('svg-l' + i).href,
                size: ShortlinksQR.matrix(img.getAttribute('data-qr'), 'H').size}))"""
        )
        shots = [PIL.Image.open(io.BytesIO(page.locator(f"#l{i}").screenshot())) for i in
                 range(len(LOGOS))]  # fmt: skip
        svg_reads = []
        for item in drawn:
            svg_page = context.new_page()
            side = (item["size"] + 8) * 10  # its natural size, all in view
            svg_page.set_viewport_size({"width": side, "height": side})
            svg_page.set_content(
                f'<body style="margin:0;background:#fff"><img src="{escape(item["svg"])}"></body>'
            )
            svg_page.wait_for_function("() => document.images[0].complete")
            svg_reads.append(
                [r.text for r in read(PIL.Image.open(io.BytesIO(svg_page.screenshot())))]
            )
            svg_page.close()
    finally:
        context.close()
    # the one missing logo: Chromium says so, nothing else
    assert [m for m in messages if "missing.png" not in m and "404" not in m] == []

    for i, ((text, logo, size), item, shot) in enumerate(zip(LOGOS, drawn, shots, strict=True)):
        assert [r.text for r in read(shot)] == [text], i
        assert svg_reads[i] == [text], i
        image = png_of(item["src"]).convert("RGB")
        assert [r.text for r in read(image)] == [text], i
        side = item["size"] + 8
        assert image.size == (side * 10, side * 10), i
        plate = math.ceil(float(size) * item["size"] - 1e-9)
        plate += (item["size"] - plate) % 2
        middle = image.size[0] // 2
        svg_text = urllib.parse.unquote(item["svg"].split(",", 1)[1])
        if logo == "logo.png":
            # the plate, and the fixture's navy inside it
            box = image.crop(
                (middle - plate * 5, middle - plate * 5, middle + plate * 5, middle + plate * 5)
            )
            colours = {c for _n, c in box.getcolors(1 << 16)}
            assert {(26, 35, 126), (255, 255, 255)} <= colours, i
            assert (26, 35, 126) not in {c for _n, c in image.getcolors(1 << 16)} - colours
            assert '<image x="' in svg_text and 'href="data:image/png;base64,' in svg_text
        else:
            assert "<image" not in svg_text


def test_a_text_too_long_for_any_code_leaves_the_image_and_draws_the_others(
    browser: object, host: str
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(host + "/codes.html")
        result = page.evaluate(
            """() => {
                const big = document.createElement('img');
                big.setAttribute('data-qr', 'x'.repeat(2332));
                big.alt = 'too long';
                const small = document.createElement('img');
                small.setAttribute('data-qr', 'https://go.example.com/a');
                const box = document.createElement('div');
                box.append(big, small);
                ShortlinksQR.init(box);
                return [big.getAttribute('src'), small.src.slice(0, 22)];
            }"""
        )
    finally:
        context.close()
    assert result == [None, "data:image/png;base64,"]


def test_the_script_is_es5_for_old_in_app_browsers() -> None:
    """No syntax newer than ES5 (2009): the in-app browsers of WeChat, QQ and older Android
    WebViews run it as it is. acorn, the parser, comes with the npm packages of the tests."""
    node = require_tool("node")
    acorn = NPM / "acorn"
    if not (acorn / "package.json").is_file():
        message = "npm package acorn is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    check = (
        "const acorn = require(process.argv[1]);"
        "const src = require('fs').readFileSync(process.argv[2], 'utf8');"
        "acorn.parse(src, {ecmaVersion: 5, sourceType: 'script'});"
        "process.stdout.write('es5');"
    )
    result = subprocess.run(
        [node, "-e", check, str(acorn), str(ROOT / "templates" / "qr.js")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "es5"), result.stderr
