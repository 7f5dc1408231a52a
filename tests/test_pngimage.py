"""generator/pngimage.py, the logo's reader and the writer of codes with a logo, against
Pillow: every colour type, with and without transparency and each row filter Pillow picks,
gives Pillow's pixels; what it does not read is refused with why."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest

from generator import pngimage


def picture(mode: str, **save: object) -> bytes:
    import PIL.Image

    rng = random.Random(7)
    image = PIL.Image.new("RGBA", (37, 23))
    image.putdata(
        [
            (rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.choice((0, 99, 255)))
            for _ in range(37 * 23)
        ]
    )
    out = io.BytesIO()
    image.convert(mode).save(out, "PNG", **save)
    return out.getvalue()


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "L", "LA", "P"])
@pytest.mark.parametrize("optimize", [False, True])
def test_every_colour_type_reads_as_pillow_reads_it(mode: str, optimize: bool) -> None:
    import PIL.Image

    data = picture(mode, optimize=optimize)
    image = pngimage.read(data)
    want = PIL.Image.open(io.BytesIO(data)).convert("RGBA")
    assert (image.width, image.height, image.rgba) == (37, 23, want.tobytes())


def test_a_clear_colour_of_rgb_and_grey_is_transparent() -> None:
    import PIL.Image

    for mode, clear in (("RGB", (10, 20, 30)), ("L", 10)):
        image = PIL.Image.new(mode, (2, 1), clear)
        image.putpixel((1, 0), (1, 2, 3) if mode == "RGB" else 1)
        out = io.BytesIO()
        image.save(out, "PNG", transparency=clear)
        rgba = pngimage.read(out.getvalue()).rgba
        assert rgba[3] == 0 and rgba[7] == 255, mode


def raw_png(width: int, height: int, depth: int, colour: int, interlace: int = 0) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    head = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    body = zlib.compress(b"\0" + b"\0" * width * 4)
    return pngimage.SIGNATURE + chunk(b"IHDR", head) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xff\xd8\xff\xe0 JFIF", "not a PNG file"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PNG file"),
        (raw_png(1, 1, 16, 6), "the PNG has 16 bits a sample; this reads 8"),
        (raw_png(1, 1, 8, 6, interlace=1), "the PNG is interlaced"),
        (raw_png(2000, 1, 8, 6), "the PNG is 2000 x 1 pixels, more than 1024 a side"),
        (raw_png(1, 1, 8, 3), "the PNG has no palette"),
        (raw_png(1, 1, 8, 6)[:-30], "the PNG's image data is damaged"),
        (raw_png(1, 1, 8, 6)[:-20], "the PNG file is cut short"),
        (raw_png(4, 4, 8, 6), "the PNG's image data is cut short"),
    ],
)
def test_what_it_does_not_read_is_refused_with_why(data: bytes, said: str) -> None:
    with pytest.raises(pngimage.PngError) as caught:
        pngimage.read(data)
    assert str(caught.value) == said


def test_written_rows_are_a_png_pillow_reads() -> None:
    import PIL.Image

    rows = [b"".join(bytes([x * 20, y * 30, 7]) for x in range(5)) for y in range(3)]
    image = PIL.Image.open(io.BytesIO(pngimage.write(rows, 5))).convert("RGB")
    assert image.size == (5, 3) and image.getpixel((4, 2)) == (80, 60, 7)
