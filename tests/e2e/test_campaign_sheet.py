"""The campaign QR sheet as Chromium renders it: each A4 page of a 50-distributor campaign
(a Chinese name among them) is saved under tests/artifacts/screenshots/ for a person to
look at (campaign-sheet-1.png ...), checked to be a real rendering, with every code drawn
where its card is and scanning, from the screenshot, to that distributor's short URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.commands import sheet
from tests.conftest import ROOT

OUT = ROOT / "tests" / "artifacts" / "screenshots"
PX = 96 / 25.4  # CSS pixels a millimetre
SCALE = 2  # device pixels a CSS pixel: 8 a module, plenty for the decoder
COUNT = 50


def name_of(i: int) -> str:
    return "王伟" if i % 7 == 1 else f"Person {i}"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("sheet")
    people = "".join(f"      - {{code: d{i:02d}, name: {name_of(i)}}}\n" for i in range(COUNT))
    (root / "links.yaml").write_text(
        "site:\n  domain: go.example.com\ncampaigns:\n  spring:\n"
        "    url: https://shop.example.com/spring\n    title: Spring collection\n"
        f"    distributors:\n{people}",
        encoding="utf-8",
    )
    out = root / "spring.svg"
    result = CliRunner().invoke(main, ["sheet", "spring", str(root / "links.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paths = sheet.page_paths(out, 5)  # 50 cards, 12 a page
    assert result.output.startswith(f"Wrote {COUNT} cards on 5 page(s)")
    assert all(p.is_file() for p in paths)
    return paths


def dark_share(image: object) -> float:
    gray = image.convert("L")  # type: ignore[attr-defined]
    histogram = gray.histogram()
    return sum(histogram[:128]) / (gray.width * gray.height)


@pytest.mark.parametrize("number", range(1, 6))
def test_each_page_renders_with_every_code_on_its_card(
    browser: object, pages: list[Path], number: int
) -> None:
    import PIL.Image
    import zxingcpp

    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": round(210 * PX), "height": round(297 * PX)}, device_scale_factor=SCALE
    )
    OUT.mkdir(parents=True, exist_ok=True)
    first = (number - 1) * sheet.PER_PAGE
    expected = list(range(first, min(first + sheet.PER_PAGE, COUNT)))
    try:
        page = context.new_page()
        page.goto(pages[number - 1].as_uri())
        page.wait_for_load_state("load")
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('svg.qr'), (e) => {
                const r = e.getBoundingClientRect();
                return {id: e.id, x: r.x, y: r.y, width: r.width, height: r.height};
            })"""
        )
        name_box = page.evaluate(
            """() => {
                const e = Array.from(document.querySelectorAll('text.name'))
                    .find((t) => t.textContent === '王伟');
                if (!e) return null;
                const r = e.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height};
            }"""
        )
        shot = OUT / f"campaign-sheet-{number}.png"
        # the viewport is the page (full_page= never returns on an SVG document)
        page.screenshot(path=str(shot))
    finally:
        context.close()

    # a real rendering: a file of substance, white paper with black codes on it
    assert shot.stat().st_size > 2000
    image = PIL.Image.open(shot)
    assert image.size == (round(210 * PX) * SCALE, round(297 * PX) * SCALE)
    assert 0.01 < dark_share(image) < 0.5

    # the codes are drawn at the cards' places, 40 mm wide, in order
    assert [b["id"] for b in boxes] == [f"qr-d{i:02d}" for i in expected]
    for i, box in zip(expected, boxes, strict=True):
        x, y = sheet.card_position(i)
        want = ((x + (sheet.CARD - sheet.CODE) / 2) * PX, (y + sheet.CODE_TOP) * PX)
        assert box["x"] == pytest.approx(want[0], abs=1)
        assert box["y"] == pytest.approx(want[1], abs=1)
        assert box["width"] == pytest.approx(sheet.CODE * PX, abs=1)
        assert box["height"] == pytest.approx(sheet.CODE * PX, abs=1)

    # each code scans, from the screenshot, to the URL of the card it sits on
    found = zxingcpp.read_barcodes(image)
    assert len(found) == len(expected)
    for code in found:
        corners = (code.position.top_left, code.position.bottom_right)
        cx = sum(p.x for p in corners) / 2 / SCALE
        cy = sum(p.y for p in corners) / 2 / SCALE
        box = next(
            b
            for b in boxes
            if b["x"] < cx < b["x"] + b["width"] and b["y"] < cy < b["y"] + b["height"]
        )
        assert code.text == f"https://go.example.com/spring-{box['id'][3:]}"

    # the Chinese name is drawn (ink where its text is), on every page that has it
    if any(i % 7 == 1 for i in expected):
        assert name_box is not None and name_box["width"] > 10
        crop = image.crop(
            tuple(
                round(v * SCALE)
                for v in (
                    name_box["x"],
                    name_box["y"],
                    name_box["x"] + name_box["width"],
                    name_box["y"] + name_box["height"],
                )
            )
        )
        assert dark_share(crop) > 0.05
