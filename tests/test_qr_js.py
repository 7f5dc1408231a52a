"""templates/qr.js, the QR encoder of the pages, against segno, the encoder of ``shortlinks
qr`` and ``shortlinks sheet``: for the same text both must make the same modules, version
and mask included. The script runs in node (tests/run_qr_js.js), without a document.

segno is asked for what qr.js makes: byte mode, the text as UTF-8, no Micro QR, no boosted
error level. And it is corrected in one step: after the terminator, segno adds eight zero
bits when the stream already ends on a codeword boundary, which byte mode always does
unless the symbol is full, so its pad codewords start one codeword late. The standard adds
none there (ISO/IEC 18004:2015, 7.4.10); segno's issues #123 and #148 report it, and a
reader that checks the padding (BoofCV) refuses such codes. qr.js pads as the standard
says, and a symbol filled to the last codeword has no padding at all: there qr.js equals
segno as the build runs it, uncorrected (test_full_symbols_equal_the_builds_own_codes).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from unittest import mock

import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from segno import consts, encoder

from generator import qr as build_qr
from generator.pages import environment
from tests.conftest import ROOT, require_tool

# every test asks the script in a node process, many over hundreds of texts
pytestmark = pytest.mark.slow

SCRIPT = ROOT / "templates" / "qr.js"
RUNNER = ROOT / "tests" / "run_qr_js.js"
BASE = "https://go.example.com/"
SLUG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_"


class QrJs:
    """templates/qr.js in one node process for the whole module: a request a line."""

    def __init__(self, node: str) -> None:
        self.proc = subprocess.Popen(
            [node, str(RUNNER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def __call__(self, text: str, level: str = "M", scale: int = 0) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"text": text, "level": level, "scale": scale}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "node stopped answering"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()  # node ends when its input does
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def qrjs() -> Iterator[QrJs]:
    runner = QrJs(require_tool("node"))
    yield runner
    runner.close()


def _standard_padding(buff: encoder.Buffer, version: int, length: int) -> None:
    """segno's step, as the standard has it: zero bits up to the next codeword boundary,
    none when the stream ends on one."""
    buff.extend([0] * (-length % 8))


def segno_code(text: str, level: str = "M", mask: int | None = None) -> segno.QRCode:
    """segno's code of the text; with ``mask`` given, that mask rather than the best one
    (segno then skips scoring the eight, most of its time)."""
    with mock.patch.object(encoder, "write_padding_bits", _standard_padding):
        return segno.make(text, error=level, boost_error=False, micro=False, mode="byte",
                          encoding="utf-8", mask=mask)  # fmt: skip


def rows_of(code: segno.QRCode) -> list[str]:
    return ["".join(str(bit) for bit in row) for row in code.matrix]


def compare(
    qrjs: QrJs, texts: list[str], level: str = "M", same_mask: bool = False
) -> tuple[list[int], list[tuple[int, ...]]]:
    """The version of each text's code, and every text whose code from qr.js is not
    segno's: (bytes, qr.js's version and mask, segno's version and mask). ``same_mask``:
    segno is given the mask qr.js chose, so all but the choice of the mask is compared."""
    versions, found = [], []
    for text in texts:
        made = qrjs(text, level)
        mask = made["mask"] if same_mask else None
        code = segno_code(text, level, mask)  # type: ignore[arg-type]
        versions.append(code.version)
        ours = (made["version"], made["mask"], made["rows"])
        theirs = (code.version, code.mask, rows_of(code))
        if ours != theirs:
            found.append((len(text.encode()), *ours[:2], *theirs[:2]))  # type: ignore[arg-type]
    return versions, found


def capacity(version: int, level: str) -> int:
    """The most bytes of a version and level, from segno's tables (not from qr.js's)."""
    bits = consts.SYMBOL_CAPACITY[version][encoder.normalize_errorlevel(level)]
    count = consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][encoder.version_range(version)]
    return (bits - 4 - count) // 8


def url_of_length(n: int) -> str:
    """A short URL of n bytes (its start for n below the base's length), a different slug
    for each length."""
    if n <= len(BASE):
        return BASE[:n]
    pick = random.Random(n)
    return BASE + "".join(pick.choice(SLUG_CHARS) for _ in range(n - len(BASE)))


def test_every_length_from_1_to_300_bytes_makes_segnos_code(qrjs: QrJs) -> None:
    """Versions 1 to 13 at level M, every boundary between them, and the character count
    growing from 8 to 16 bits at version 10."""
    versions, found = compare(qrjs, [url_of_length(n) for n in range(1, 301)])
    assert found == []
    assert sorted(set(versions)) == list(range(1, 14))


def test_every_version_at_its_capacity_makes_segnos_code(qrjs: QrJs) -> None:
    """A text of exactly each version's capacity at level M is that version, with the
    modules and the mask of segno's: every version's block table, alignment patterns,
    version information, and the masks scored alike."""
    texts = [url_of_length(capacity(version, "M")) for version in range(1, 41)]
    assert compare(qrjs, texts) == (list(range(1, 41)), [])


@pytest.mark.parametrize("level", ["L", "Q", "H"])
def test_every_version_at_its_capacity_at_the_other_levels(qrjs: QrJs, level: str) -> None:
    """The block tables of levels L, Q and H, every version. (Choosing the mask is the same
    code at every level, proved at M above: here segno is given qr.js's mask.)"""
    texts = [url_of_length(capacity(version, level)) for version in range(1, 41)]
    assert compare(qrjs, texts, level, same_mask=True) == (list(range(1, 41)), [])


def test_one_byte_past_a_versions_capacity_is_the_next_version(qrjs: QrJs) -> None:
    texts = [url_of_length(capacity(version, "M") + 1) for version in range(1, 40)]
    assert compare(qrjs, texts, same_mask=True) == (list(range(2, 41)), [])


def test_full_symbols_equal_the_builds_own_codes(qrjs: QrJs) -> None:
    """Filled to the last codeword, a symbol has no padding: qr.js then makes what
    generator/qr.py makes, segno as the build calls it, uncorrected."""
    for version in (1, 2, 6, 7, 9, 10, 20, 27, 32, 40):
        text = url_of_length(capacity(version, "M"))
        code = build_qr._code(text)
        made = qrjs(text)
        assert (made["version"], made["mask"]) == (code.version, code.mask)
        assert made["rows"] == rows_of(code)


CHINESE = [
    "王伟",
    "王伟的名片",
    "https://go.example.com/产品/手册",
    "https://go.example.com/优惠?来源=微信&活动=春季",
    "https://例子.中国/链接",
    "Grüße, café, naïve: ÄÖÜ ß",
    "emoji 🙂🚀 and 𠀋 (astral: four bytes each)",
]


@pytest.mark.parametrize("text", CHINESE)
def test_utf8_text_makes_segnos_code(qrjs: QrJs, text: str) -> None:
    assert compare(qrjs, [text])[1] == []


@pytest.mark.parametrize("version", [1, 2, 5, 9, 10, 11, 26, 27, 40])
def test_chinese_text_filling_a_version_makes_segnos_code(qrjs: QrJs, version: int) -> None:
    room = capacity(version, "M")
    text = "产" * (room // 3) + "x" * (room % 3)
    assert len(text.encode()) == room
    assert compare(qrjs, [text]) == ([version], [])


def test_the_largest_code_at_level_m_and_one_byte_more(qrjs: QrJs) -> None:
    """2331 bytes fill version 40 at level M; one more fits in no QR code, and qr.js says
    so (segno too)."""
    assert capacity(40, "M") == 2331
    texts = [url_of_length(2331), url_of_length(2330), "王" * 777]
    assert compare(qrjs, texts) == ([40, 40, 40], [])
    assert qrjs(url_of_length(2332)) == {
        "error": "QR code: 2332 bytes do not fit (at most 2331 at this error correction level)"
    }
    assert qrjs("王" * 777 + "x") == {
        "error": "QR code: 2332 bytes do not fit (at most 2331 at this error correction level)"
    }
    with pytest.raises(segno.DataOverflowError):
        segno_code(url_of_length(2332))


def test_the_empty_text_makes_segnos_code(qrjs: QrJs) -> None:
    assert compare(qrjs, [""]) == ([1], [])


def test_a_lone_surrogate_is_encoded_as_the_replacement_character(qrjs: QrJs) -> None:
    """A JavaScript string may hold half a surrogate pair, which UTF-8 cannot: qr.js
    writes U+FFFD for it, as the browsers' TextEncoder does."""
    lone = qrjs("a\ud800b")
    assert lone == qrjs("a\ufffdb")
    assert lone["rows"] == rows_of(segno_code("a\ufffdb"))


def test_levels_are_letters_in_either_case_and_m_by_default(qrjs: QrJs) -> None:
    assert qrjs("https://go.example.com/x", "q") == qrjs("https://go.example.com/x", "Q")
    assert qrjs("https://go.example.com/x", "") == qrjs("https://go.example.com/x", "M")
    assert qrjs("https://go.example.com/x", "X") == {
        "error": "QR code: no error correction level X"
    }


SVG_NS = "{http://www.w3.org/2000/svg}"
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")


@pytest.mark.parametrize(
    ("text", "scale"),
    [("https://go.example.com/docs", 10), ("王伟的名片", 3), (url_of_length(400), 1)],
)
def test_the_svg_draws_exactly_the_modules_in_a_quiet_zone_of_four(
    qrjs: QrJs, text: str, scale: int
) -> None:
    made = qrjs(text, "M", scale)
    side = made["size"] + 8
    svg = ET.fromstring(made["svg"])
    assert svg.tag == SVG_NS + "svg"
    assert svg.attrib == {
        "width": str(side * scale),
        "height": str(side * scale),
        "viewBox": f"0 0 {side} {side}",
        "shape-rendering": "crispEdges",
    }
    background, path = list(svg)
    assert (background.tag, background.attrib) == (
        SVG_NS + "rect",
        {"width": str(side), "height": str(side), "fill": "#fff"},
    )
    assert path.tag == SVG_NS + "path" and path.attrib["fill"] == "#000"
    d = path.attrib["d"]
    assert "".join(m.group(0) for m in RUN.finditer(d)) == d  # nothing but runs
    grid = [["0"] * side for _ in range(side)]
    for m in RUN.finditer(d):
        x, y, width, back = map(int, m.groups())
        assert width == back
        for col in range(x, x + width):
            assert grid[y][col] == "0"  # runs never overlap
            grid[y][col] = "1"
    quiet = "0" * side
    inner = ["0000" + row + "0000" for row in made["rows"]]
    assert ["".join(row) for row in grid] == [quiet] * 4 + inner + [quiet] * 4


def test_the_script_reads_the_same_through_the_template_engine() -> None:
    """The build may publish it as a file or through Jinja: it holds no Jinja syntax, so
    both give the same text."""
    source = SCRIPT.read_text(encoding="utf-8")
    assert environment().get_template("qr.js").render() + "\n" == source
    assert source.startswith("/*! shortlinks QR encoder 1.1.0 ")
    assert 'var VERSION = "1.1.0";' in source


def image_of(rows: list[str], scale: int = 3) -> object:
    """The code as a picture, quiet zone included, for zxing-cpp to read."""
    import PIL.Image

    side = len(rows) + 8
    img = PIL.Image.new("L", (side, side), 255)
    pixels = img.load()
    for r, row in enumerate(rows):
        for c, bit in enumerate(row):
            if bit == "1":
                pixels[c + 4, r + 4] = 0
    return img.resize((side * scale, side * scale), PIL.Image.NEAREST)


PROFILE = os.environ.get("SHORTLINKS_PROPERTIES", "ci")


@settings(
    derandomize=PROFILE != "deep",  # the same examples on every run, unless hunting
    database=None,
    max_examples=1000 if PROFILE == "deep" else 80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
    level=st.sampled_from("LMQH"),
)
def test_any_text_makes_segnos_code_and_reads_back(qrjs: QrJs, text: str, level: str) -> None:
    """Any text a page may hold, at any level: segno's modules, and zxing-cpp reads the
    text back from them (a check that owes nothing to segno)."""
    import zxingcpp

    made = qrjs(text, level)  # at most 1200 bytes: fits every level
    code = segno_code(text, level)
    assert (made["version"], made["mask"], made["rows"]) == (
        code.version,
        code.mask,
        rows_of(code),
    )
    found = zxingcpp.read_barcodes(image_of(made["rows"]))  # type: ignore[arg-type]
    assert [r.bytes for r in found] == [text.encode()]
