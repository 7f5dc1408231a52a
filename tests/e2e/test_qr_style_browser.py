"""site.qr's colours, quiet zone and logo in the SVG files made with segno, as Chromium draws
them: a build's ``_qr/<slug>.svg`` and a campaign sheet, each code read back by zxing-cpp
from a screenshot (the logo is an <image> of a data: URL inside the SVG, which only a
browser draws). The branded sheet is kept under tests/artifacts/screenshots/
(campaign-sheet-branded.png) for a person to look at."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.commands import sheet
from tests.conftest import FIXTURES, ROOT

OUT = ROOT / "tests" / "artifacts" / "screenshots"
PX = 96 / 25.4  # CSS pixels a millimetre
STYLE = (
    "  qr:\n    files: true\n    dark: '#1a237e'\n    light: '#fff8e1'\n    quiet_zone: 2\n"
    "    logo: logo.png\n    logo_size: 0.3\n"
)
SLUGS = {
    "a": "https://go.example.com/a",
    "优惠": "https://go.example.com/%E4%BC%98%E6%83%A0",
    "long": "https://go.example.com/long",
}


def read(png: bytes) -> list[str]:
    import PIL.Image
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))]


def test_the_svg_files_of_a_build_read_back_with_the_logo(browser: object, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())
    links = "".join(f"  {slug}: https://example.com/{i}\n" for i, slug in enumerate(SLUGS))
    (tmp_path / "links.yaml").write_text(
        f"site:\n  domain: go.example.com\n{STYLE}links:\n{links}", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "links.yaml"), "-o", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        for slug, url in SLUGS.items():
            path = out / "_qr" / f"{slug}.svg"
            text = path.read_text(encoding="ascii")
            assert text.count("<image ") == 1 and 'href="data:image/png;base64,' in text
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert read(page.screenshot()) == [url], slug
    finally:
        context.close()


def test_a_branded_sheet_renders_with_every_code_scanning(browser: object, tmp_path: Path) -> None:
    import PIL.Image
    import zxingcpp

    (tmp_path / "logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())
    people = "".join(f"      - {{code: d{i:02d}, name: Person {i}}}\n" for i in range(12))
    (tmp_path / "links.yaml").write_text(
        f"site:\n  domain: go.example.com\n{STYLE}campaigns:\n  spring:\n"
        f"    url: https://shop.example.com/spring\n    distributors:\n{people}",
        encoding="utf-8",
    )
    out = tmp_path / "spring.svg"
    result = CliRunner().invoke(
        main, ["sheet", "spring", str(tmp_path / "links.yaml"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": round(210 * PX), "height": round(297 * PX)}, device_scale_factor=2
    )
    OUT.mkdir(parents=True, exist_ok=True)
    shot = OUT / "campaign-sheet-branded.png"
    try:
        page = context.new_page()
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(shot))
    finally:
        context.close()
    image = PIL.Image.open(shot).convert("RGB")
    found = sorted(r.text for r in zxingcpp.read_barcodes(image))
    assert found == [f"https://go.example.com/spring-d{i:02d}" for i in range(sheet.PER_PAGE)]
    colours = {c for _n, c in image.getcolors(1 << 20)}
    assert {(0x1A, 0x23, 0x7E), (0xFF, 0xF8, 0xE1)} <= colours  # the codes in the style
