"""site.qr as a mapping: the codes' colours and quiet zone, everywhere a code is drawn.

Every styled code here is read back by zxing-cpp (the files of a build, ``shortlinks qr``
and a campaign sheet), and its pixels are the colours asked for: a style that does not
scan is refused by ``check`` (tests/test_rules.py has each rule's line), and one that is
accepted must scan.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import qr
from generator.cli import main
from generator.model import QrStyle
from generator.problems import format_text
from generator.validate.site import contrast_ratio
from tests.conftest import problems_of

SVG = "{http://www.w3.org/2000/svg}"
LINKS = "links:\n  a: https://example.com/\n  优惠: https://example.com/coupons\n"
# (style as written, the QrStyle it gives): the edges of what check accepts among them
STYLES = [
    ("{dark: '#1a237e', light: '#fff8e1'}", QrStyle("#1a237e", "#fff8e1", 4)),
    ("{dark: '#B71C1C', quiet_zone: 2}", QrStyle("#b71c1c", "#ffffff", 2)),
    ("{dark: '#000', light: '#ccc', quiet_zone: 10}", QrStyle("#000000", "#cccccc", 10)),
    ("{light: '#e3f2fd', files: true}", QrStyle("#000000", "#e3f2fd", 4)),
    # 4.6:1, just above the least contrast accepted
    ("{dark: '#757575'}", QrStyle("#757575", "#ffffff", 4)),
]


def site(style: str) -> str:
    return f"site:\n  domain: go.example.com\n  qr: {style}\n" + LINKS


def linkset_of(text: str):  # type: ignore[no-untyped-def]
    from generator.build import check_text

    result = check_text(text, "links.yaml")
    assert [p for p in result.problems if p.is_error] == []
    assert result.linkset is not None
    return result.linkset


def full(colour: str) -> str:
    """'#rrggbb' of a colour as segno writes it ('#fff' when it can)."""
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def read_png(data: bytes) -> list[str]:
    import PIL.Image
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(data)))]


def assert_drawn_in(png: bytes, style: QrStyle, modules: int) -> None:
    """The PNG is dark and light modules in the style's colours, with its quiet zone."""
    import PIL.Image

    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    side = (modules + 2 * style.quiet_zone) * qr.PNG_SCALE
    assert image.size == (side, side)
    assert {c for _n, c in image.getcolors()} == {rgb(style.dark), rgb(style.light)}
    edge = style.quiet_zone * qr.PNG_SCALE
    margin = [image.getpixel((x, y)) for x in range(side) for y in range(edge)]
    assert set(margin) == {rgb(style.light)}  # the quiet zone, all light
    assert image.getpixel((edge, edge)) == rgb(style.dark)  # the finder's corner


# --- what check takes ----------------------------------------------------------------------


@pytest.mark.parametrize(("written", "style"), STYLES)
def test_a_style_check_accepts_is_the_sites(written: str, style: QrStyle) -> None:
    linkset = linkset_of(site(written))
    assert linkset.site.qr_style == style
    assert linkset.site.qr == ("files" if "files: true" in written else True)


@pytest.mark.parametrize("written", ["{}", "{files: false}", "{dark: '#000', light: '#FFF'}"])
def test_black_on_white_with_4_modules_is_no_style(written: str) -> None:
    """The default written out is the default: the build and its cache as without it."""
    assert linkset_of(site(written)).site.qr_style is None


def test_files_true_in_the_mapping_is_qr_files() -> None:
    site_ = linkset_of(site("{files: true}")).site
    assert (site_.qr, site_.qr_style) == ("files", None)


def test_the_least_contrast_accepted_is_wcags_4_5() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#757575", "#ffffff") > 4.5 > contrast_ratio("#787878", "#ffffff")
    said = [format_text(p) for p in problems_of(site("{dark: '#787878'}")) if p.is_error]
    assert said == [
        "links.yaml:3:14: error: qr dark #787878 on light #ffffff has a contrast ratio of "
        "4.4:1, below the 4.5:1 phones need to scan it in poor light (qr-contrast)\n"
        "    hint: a darker dark or a lighter light (black on white is 21:1)"
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "{color: '#1a237e'}",
            "links.yaml:3:8: error: unknown key 'color' in qr (unknown-key)\n"
            "    hint: did you mean 'dark'? (dark: the colour of the code's dark modules, "
            "light: of its background)",
        ),
        (
            "{background: '#fff'}",
            "links.yaml:3:8: error: unknown key 'background' in qr (unknown-key)\n"
            "    hint: did you mean 'light'? (dark: the colour of the code's dark modules, "
            "light: of its background)",
        ),
        (
            "{dark: 'rgb(0,0,0)'}",
            "links.yaml:3:14: error: qr dark must be a colour like '#1a237e', not "
            "'rgb(0,0,0)' (qr-colour)\n    hint: write it as '#rrggbb' in quotes: dark: '#000000'",
        ),
        (
            "{light: '#ffffff80'}",
            "links.yaml:3:15: error: qr light must be a colour like '#1a237e', not "
            "'#ffffff80' (qr-colour)\n    hint: write it as '#rrggbb' in quotes: light: '#ffffff'",
        ),
        (
            "{quiet_zone: 2.5}",
            "links.yaml:3:20: error: quiet_zone must be a whole number of modules from 2 to "
            "20, not 2.5 (qr-quiet-zone)\n    hint: 4 is what the QR standard asks; below 2 "
            "readers cannot find the code's edge",
        ),
        (
            "{quiet_zone: true}",
            "links.yaml:3:20: error: quiet_zone must be a whole number of modules from 2 to "
            "20, not True (qr-quiet-zone)\n    hint: 4 is what the QR standard asks; below 2 "
            "readers cannot find the code's edge",
        ),
        (
            "{light: '#222'}",
            "links.yaml:3:15: error: qr dark #000000 on light #222222 has a contrast ratio of "
            "1.3:1, below the 4.5:1 phones need to scan it in poor light (qr-contrast)\n"
            "    hint: a darker dark or a lighter light (black on white is 21:1)",
        ),
        (
            "{dark: '#ffffff', light: '#1a237e'}",
            "links.yaml:3:14: error: qr dark #ffffff is not darker than light #1a237e: many "
            "readers cannot read an inverted code (qr-inverted)\n"
            "    hint: swap them: the modules dark, the background light",
        ),
    ],
)
def test_a_style_that_would_not_scan_is_refused_where_it_is_written(
    written: str, expected: str
) -> None:
    said = [p for p in problems_of(site(written)) if p.is_error]
    assert "\n".join(format_text(p) for p in said) == expected


def test_an_unquoted_colour_is_a_yaml_comment_and_said_so() -> None:
    text = "site:\n  domain: go.example.com\n  qr:\n    dark: #1a237e\n" + LINKS
    (problem,) = [p for p in problems_of(text) if p.is_error]
    assert format_text(problem) == (
        "links.yaml:4:10: error: qr dark is empty (qr-colour)\n"
        "    hint: quote the colour: dark: '#1a237e' (after a space, '#' starts a comment)"
    )


# --- the codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("_written", "style"), STYLES)
def test_each_styled_code_reads_back_in_its_colours(_written: str, style: QrStyle) -> None:
    url = "https://go.example.com/%E4%BC%98%E6%83%A0"
    svg, png = qr.make(url, style)
    assert read_png(png) == [url]
    modules = qr._code(url).symbol_size(border=0)[0]
    assert_drawn_in(png, style, modules)
    light, dark = re.findall(r'(?:fill|stroke)="(#[0-9a-f]+)"', svg.decode())
    assert (full(light), full(dark)) == (style.light, style.dark)


def test_no_style_makes_the_codes_they_always_were() -> None:
    url = "https://go.example.com/a"
    assert qr.make(url) == qr.make(url, None)
    svg, png = qr.make(url)
    assert b'fill="#fff"' in svg and b'stroke="#000"' in svg
    import PIL.Image

    assert PIL.Image.open(io.BytesIO(png)).size == (330, 330)  # 25 modules and 4 on each side


def test_the_style_is_part_of_the_cache_key(tmp_path: Path) -> None:
    """A colour changed makes new codes; black on white keeps the key it always had."""
    url = "https://go.example.com/a"
    old_key = hashlib.sha256(f"{qr._recipe()}\n{url}".encode()).digest()
    assert qr.QrCache._key(url) == old_key
    navy, red = STYLES[0][1], STYLES[1][1]
    assert len({qr.QrCache._key(url), qr.QrCache._key(url, navy), qr.QrCache._key(url, red)}) == 3

    cache = qr.QrCache(tmp_path)
    plain = qr.codes([url], cache)
    styled = qr.codes([url], cache, navy)
    assert plain[url] != styled[url]
    assert qr.codes([url], cache) == plain  # from the cache: each under its own key
    assert qr.codes([url], cache, navy) == styled
    assert read_png(styled[url][1]) == [url]
    cache.close()


def test_a_build_writes_the_files_in_the_sites_style(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        site("{files: true, dark: '#1a237e', light: '#fff8e1', quiet_zone: 2}"), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "links.yaml"), "-o", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    style = QrStyle("#1a237e", "#fff8e1", 2)
    for slug, url in (
        ("a", "https://go.example.com/a"),
        ("优惠", "https://go.example.com/%E4%BC%98%E6%83%A0"),
    ):
        png = (out / "_qr" / f"{slug}.png").read_bytes()
        assert read_png(png) == [url]
        assert_drawn_in(png, style, qr._code(url).symbol_size(border=0)[0])
    # the shared preview draws it so too: qr.js is told the style
    script = (out / "_shortlinks" / "preview.js").read_text(encoding="utf-8")
    assert script.endswith(',{"dark": "#1a237e", "light": "#fff8e1", "quiet": 2})\n')
    assert (
        "name:s,dark:Q.dark,light:Q.light,quiet:Q.quiet,logo:Q.logo,logoSize:Q.logoSize}" in script
    )


def test_a_preview_page_of_its_own_carries_the_style_for_qr_js(tmp_path: Path) -> None:
    text = site("{dark: '#1a237e', quiet_zone: 3}").replace("  qr:", "  preview: files\n  qr:")
    (tmp_path / "links.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "links.yaml"), "-o", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    page = (out / "a+.html").read_text(encoding="utf-8")
    assert (
        '<img id="qr" data-qr="https://go.example.com/a" data-qr-name="a" '
        'data-qr-dark="#1a237e" data-qr-light="#ffffff" data-qr-quiet="3" alt='
    ) in page
    assert not (out / "_qr").exists()  # files: false


def test_shortlinks_qr_draws_in_the_sites_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("links.yaml").write_text(site("{dark: '#B71C1C', quiet_zone: 2}"), encoding="utf-8")
    for name in ("a.png", "a.svg"):
        result = CliRunner().invoke(main, ["qr", "a", "-o", name])
        assert result.exit_code == 0, result.output
    style = QrStyle("#b71c1c", "#ffffff", 2)
    png = Path("a.png").read_bytes()
    assert read_png(png) == ["https://go.example.com/a"]
    assert_drawn_in(png, style, 25)
    svg = Path("a.svg").read_text()
    assert 'stroke="#b71c1c"' in svg and 'width="290" height="290"' in svg  # 25 + 2 x 2


def sheet_codes(svg_text: str) -> list[tuple[str, str, str]]:
    """(dark, light, the text zxing-cpp reads) of every code on a sheet, each drawn in the
    colours the SVG gives it, 8 pixels a module."""
    import PIL.Image
    import zxingcpp

    out = []
    for code in ET.fromstring(svg_text.encode()).iter(f"{SVG}svg"):
        if code.get("class") != "qr":
            continue
        side = int(code.get("viewBox", "").split()[2])
        rect, path = code.find(f"{SVG}rect"), code.find(f"{SVG}path")
        assert rect is not None and path is not None
        light, dark = rect.get("fill", ""), path.get("stroke", "")
        image = PIL.Image.new("RGB", (side * 8, side * 8), rgb(light))
        x = y = 0.0
        for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d", "")):
            if op == "M":
                x, y = float(a), float(b)
            elif op == "m":
                x, y = x + float(a), y + float(b)
            else:
                end = float(a) if op == "H" else x + float(a)
                image.paste(rgb(dark), (int(x) * 8, int(y) * 8, int(end) * 8, int(y) * 8 + 8))
                x = end
        found = [r.text for r in zxingcpp.read_barcodes(image)]
        assert len(found) == 1, found
        out.append((dark, light, found[0]))
    return out


def test_a_campaign_sheet_draws_every_code_in_the_sites_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("links.yaml").write_text(
        "site:\n  domain: go.example.com\n  qr: {dark: '#1a237e', light: '#fff8e1', "
        "quiet_zone: 2}\ncampaigns:\n  spring:\n    url: https://shop.example.com/spring\n"
        "    distributors: [a01, {code: b02, name: 王伟}]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sheet", "spring", "-o", "spring.svg"])
    assert result.exit_code == 0, result.output
    assert sheet_codes(Path("spring.svg").read_text(encoding="utf-8")) == [
        ("#1a237e", "#fff8e1", "https://go.example.com/spring-a01"),
        ("#1a237e", "#fff8e1", "https://go.example.com/spring-b02"),
    ]
    result = CliRunner().invoke(main, ["sheet", "spring", "--per-distributor", "cards"])
    assert result.exit_code == 0, result.output
    assert sheet_codes(Path("cards/b02.svg").read_text(encoding="utf-8")) == [
        ("#1a237e", "#fff8e1", "https://go.example.com/spring-b02"),
    ]


def test_the_campaign_guides_style_example_makes_its_sheet_in_those_colours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/campaigns.md: its links file with the style its "QR sheet" section shows."""
    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "campaigns.md").read_text(encoding="utf-8")
    links, *examples = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    (style,) = [e for e in examples if "qr:" in e]
    qr_line = next(line for line in style.splitlines() if line.startswith("  qr:"))
    monkeypatch.chdir(tmp_path)
    Path("links.yaml").write_text(
        links.replace("  timezone: Asia/Shanghai\n", f"  timezone: Asia/Shanghai\n{qr_line}\n"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sheet", "spring", "-o", "spring.svg"])
    assert result.exit_code == 0, result.output
    assert sheet_codes(Path("spring.svg").read_text(encoding="utf-8")) == [
        ("#1a237e", "#fff8e1", f"https://go.example.com/spring-{code}")
        for code in ("a01", "b02", "c03")
    ]


# --- a logo ---------------------------------------------------------------------------------

LOGO = Path(__file__).parent / "fixtures" / "qr-logo.png"
NAVY = (26, 35, 126)  # the fixture logo's own colour, at its centre's left


def logo_site(folder: Path, style: str) -> Path:
    (folder / "brand").mkdir(exist_ok=True)
    (folder / "brand" / "logo.png").write_bytes(LOGO.read_bytes())
    path = folder / "links.yaml"
    path.write_text(site(style), encoding="utf-8")
    return path


def test_a_logo_is_read_by_check_and_raises_error_correction_to_h(tmp_path: Path) -> None:
    from generator.build import check

    path = logo_site(tmp_path, "{logo: brand/logo.png, logo_size: 0.3}")
    linkset = check(path).linkset
    assert linkset is not None and linkset.site.qr_style is not None
    style = linkset.site.qr_style
    assert (style.logo, style.logo_size, style.level) == (LOGO.read_bytes(), 0.3, "h")
    assert QrStyle().level == "m"


@pytest.mark.parametrize("size", [0.1, 0.2, 0.3])
@pytest.mark.parametrize(
    "url",
    [
        "https://go.example.com/a",
        "https://go.example.com/%E4%BC%98%E6%83%A0",
        "https://go.example.com/"
        + "spring-sale-2026-" * 8,  # version 10 at H: alignment in the middle
    ],
)
def test_each_code_with_a_logo_reads_back_and_shows_the_logo(size: float, url: str) -> None:
    style = QrStyle("#1a237e", "#fff8e1", 4, LOGO.read_bytes(), size)
    svg, png = qr.make(url, style)
    assert read_png(png) == [url]
    import PIL.Image

    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    modules = qr._code(url, "h").symbol_size(border=0)[0]
    first, plate = qr.logo_plate(modules, size)
    assert plate >= size * modules and (modules - plate) % 2 == 0
    at = (4 + first) * qr.PNG_SCALE
    assert image.getpixel((at, at)) == rgb("#fff8e1")  # the plate's corner
    assert image.getpixel((at - 1, at - 1)) in (rgb("#1a237e"), rgb("#fff8e1"))
    middle = image.size[0] // 2
    assert image.getpixel((middle, middle - plate * 3)) == NAVY  # the logo, in its colours
    text = svg.decode()
    assert text.count("<image ") == 1
    assert f'href="data:image/png;base64,{base64.b64encode(LOGO.read_bytes()).decode()}"' in text


def test_the_logo_and_its_size_are_part_of_the_cache_key() -> None:
    url = "https://go.example.com/a"
    plain = QrStyle("#1a237e")
    logo = QrStyle("#1a237e", logo=LOGO.read_bytes())
    larger = QrStyle("#1a237e", logo=LOGO.read_bytes(), logo_size=0.3)
    other = QrStyle("#1a237e", logo=LOGO.read_bytes() + b"\0")
    keys = {qr.QrCache._key(url, s) for s in (plain, logo, larger, other)}
    assert len(keys) == 4


def test_a_build_with_a_logo_shares_it_once_and_says_so(tmp_path: Path) -> None:
    path = logo_site(tmp_path, "{files: true, logo: brand/logo.png, logo_size: 0.25}")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (out / "_shortlinks" / "qr-logo.png").read_bytes() == LOGO.read_bytes()
    assert (
        "note: site.qr's logo is one more shared file, /_shortlinks/qr-logo.png (768 bytes), "
        "which each preview loads to draw it into the code"
    ) in result.output.splitlines()
    for slug, url in (
        ("a", "https://go.example.com/a"),
        ("优惠", "https://go.example.com/%E4%BC%98%E6%83%A0"),
    ):
        assert read_png((out / "_qr" / f"{slug}.png").read_bytes()) == [url]
    script = (out / "_shortlinks" / "preview.js").read_text(encoding="utf-8")
    assert script.endswith(
        ',{"dark": "#000000", "light": "#ffffff", "logo": "/_shortlinks/qr-logo.png", '
        '"logoSize": 0.25, "quiet": 4})\n'
    )


def test_without_a_logo_there_is_no_logo_file(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(site("{dark: '#1a237e'}"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "links.yaml"), "-o", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert not (out / "_shortlinks" / "qr-logo.png").exists()
    assert "site.qr's logo" not in result.output


def test_a_preview_page_of_its_own_names_the_logo_for_qr_js(tmp_path: Path) -> None:
    path = logo_site(tmp_path, "{logo: brand/logo.png}")
    path.write_text(path.read_text().replace("  qr:", "  preview: files\n  qr:"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (
        'data-qr-quiet="4" data-qr-logo="/_shortlinks/qr-logo.png" data-qr-logo-size="0.2" alt='
    ) in (out / "a+.html").read_text(encoding="utf-8")


def test_shortlinks_qr_draws_the_logo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logo_site(tmp_path, "{logo: brand/logo.png}")
    monkeypatch.chdir(tmp_path)
    for name in ("a.png", "a.svg"):
        result = CliRunner().invoke(main, ["qr", "a", "-o", name])
        assert result.exit_code == 0, result.output
    assert read_png(Path("a.png").read_bytes()) == ["https://go.example.com/a"]
    assert '<image x="' in Path("a.svg").read_text()


def test_a_campaign_sheet_draws_the_logo_on_every_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each card's code with the logo put over it as the SVG says, read back."""
    import PIL.Image
    import zxingcpp

    logo_site(tmp_path, "{logo: brand/logo.png, logo_size: 0.3}")
    monkeypatch.chdir(tmp_path)
    Path("links.yaml").write_text(
        Path("links.yaml").read_text().split("links:")[0]
        + "campaigns:\n  spring:\n    url: https://shop.example.com/spring\n"
        "    distributors: [a01, b02]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sheet", "spring", "-o", "spring.svg"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(Path("spring.svg").read_bytes())
    found = []
    for code in root.iter(f"{SVG}svg"):
        if code.get("class") != "qr":
            continue
        side = int(code.get("viewBox", "").split()[2])
        path = code.find(f"{SVG}path")
        assert path is not None
        image = PIL.Image.new("RGB", (side * 8, side * 8), (255, 255, 255))
        x = y = 0.0
        for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d", "")):
            if op == "M":
                x, y = float(a), float(b)
            elif op == "m":
                x, y = x + float(a), y + float(b)
            else:
                end = float(a) if op == "H" else x + float(a)
                image.paste((0, 0, 0), (int(x) * 8, int(y) * 8, int(end) * 8, int(y) * 8 + 8))
                x = end
        rects = [r for r in code.iter(f"{SVG}rect")][1:]  # the first: the background
        (plate,), (logo,) = rects, list(code.iter(f"{SVG}image"))
        box = [round(float(plate.get(k, "")) * 8) for k in ("x", "y", "width", "height")]
        image.paste((255, 255, 255), (box[0], box[1], box[0] + box[2], box[1] + box[3]))
        href = logo.get("href", "")
        assert href == "data:image/png;base64," + base64.b64encode(LOGO.read_bytes()).decode()
        inner = [round(float(logo.get(k, "")) * 8) for k in ("x", "y", "width", "height")]
        picture = PIL.Image.open(LOGO).resize((inner[2], inner[3]))
        image.paste(picture, (inner[0], inner[1]), picture)
        found += [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == ["https://go.example.com/spring-a01", "https://go.example.com/spring-b02"]


def test_a_changed_logo_file_is_no_up_to_date_build(tmp_path: Path) -> None:
    """The logo is an input of the build like the links file: the same links file with
    another logo makes the site again, the new logo in it."""
    import PIL.Image

    path = logo_site(tmp_path, "{files: true, logo: brand/logo.png}")
    out = tmp_path / "out"

    def build() -> str:
        result = CliRunner().invoke(main, ["build", str(path), "-o", str(out), "--no-cache"])
        assert result.exit_code == 0, result.output
        return result.output

    assert build().startswith("Built ")
    assert build().startswith("Up to date: ")
    other = io.BytesIO()
    PIL.Image.new("RGB", (64, 64), (200, 0, 0)).save(other, "PNG")
    (tmp_path / "brand" / "logo.png").write_bytes(other.getvalue())
    assert build().startswith("Built ")
    assert (out / "_shortlinks" / "qr-logo.png").read_bytes() == other.getvalue()
    image = PIL.Image.open(out / "_qr" / "a.png").convert("RGB")
    assert image.getpixel((image.size[0] // 2, image.size[1] // 2)) == (200, 0, 0)


def test_the_logo_files_a_build_depends_on_are_found_in_block_and_flow_style() -> None:
    from pathlib import Path

    from generator.build import logo_files

    text = (
        b"site:\n  qr:\n    logo: 'brand/a.png'\n"
        b"  other: {xlogo: no.png, logo: brand/b.png}\n"
        b"  mylogo: no2.png\n"
        b"links:\n  x: https://example.com/logo.png\n"
        b'  y: {url: https://example.com/, title: "logo: no3"}\n'
    )
    found = logo_files(Path("/repo/links.yaml"), text)
    # a line that only looks like a logo's costs a file read (never a wrong 'up to date'):
    # "logo: no3" is one; 'xlogo' and 'mylogo' are other keys
    assert [p.as_posix() for p in found] == ["/repo/brand/a.png", "/repo/brand/b.png", "/repo/no3"]
    assert all(p.parent.as_posix().startswith("/repo") for p in found)
