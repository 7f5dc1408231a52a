"""PNG in and out, in pure Python: a logo read, and a QR code with the logo drawn in it.

The site's QR codes come from segno, which draws no logo, and the generator carries no
imaging library. A logo is a PNG (what every design tool exports), so reading one is a
small job: 8 bits a sample, not interlaced, every colour type (grey, RGB, palette, with or
without alpha). Anything else is refused with what to export instead (``PngError``).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
MAX_SIDE = 1024  # pixels: a logo larger than this is a photograph, not a logo


class PngError(ValueError):
    """Not a PNG this module reads; the message says why, for a person."""


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    rgba: bytes  # width * height * 4 bytes, row by row


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out = []
    at = len(SIGNATURE)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if len(body) != length:
            raise PngError("the PNG file is cut short")
        out.append((kind, body))
        at += 12 + length
        if kind == b"IEND":
            break
    return out


def header(data: bytes) -> tuple[int, int, int, int, int]:
    """width, height, bit depth, colour type, interlace of a PNG; PngError if it is none."""
    if not data.startswith(SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        raise PngError("not a PNG file")
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return width, height, depth, colour, interlace


def check(data: bytes) -> tuple[int, int, int, bytes, bytes, bytes]:
    """What ``read`` needs of a PNG, every way it could fail checked (at C speed, without
    decoding a pixel): width, height, colour type, the filtered rows, palette, alpha."""
    width, height, depth, colour, interlace = header(data)
    if colour not in CHANNELS:
        raise PngError(f"the PNG has an unknown colour type {colour}")
    if depth != 8:
        raise PngError(f"the PNG has {depth} bits a sample; this reads 8")
    if interlace:
        raise PngError("the PNG is interlaced")
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise PngError(f"the PNG is {width} x {height} pixels, more than {MAX_SIDE} a side")
    palette = b""
    alpha = b""
    idat = []
    for kind, body in _chunks(data):
        if kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            alpha = body
        elif kind == b"IDAT":
            idat.append(body)
    if colour == 3 and not palette:
        raise PngError("the PNG has no palette")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error:
        raise PngError("the PNG's image data is damaged") from None
    stride = width * CHANNELS[colour]
    if len(raw) < height * (stride + 1):
        raise PngError("the PNG's image data is cut short")
    if max(raw[:: stride + 1][:height]) > 4:
        raise PngError("the PNG has an unknown row filter")
    return width, height, colour, raw, palette, alpha


def read(data: bytes) -> Image:
    """The pixels of a PNG as RGBA."""
    width, height, colour, raw, palette, alpha = check(data)
    channels = CHANNELS[colour]
    rows = _unfilter(raw, height, width * channels, channels)
    return Image(width, height, _to_rgba(rows, colour, palette, alpha, width))


def _unfilter(raw: bytes, height: int, stride: int, bpp: int) -> list[bytes]:
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        at = y * (stride + 1)
        kind = raw[at]
        line = bytearray(raw[at + 1 : at + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                near = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + near) & 255
        rows.append(bytes(line))
        previous = rows[-1]
    return rows


def _to_rgba(rows: list[bytes], colour: int, palette: bytes, alpha: bytes, width: int) -> bytes:
    out = bytearray()
    if colour == 6:
        for row in rows:
            out += row
        return bytes(out)
    if colour == 3:
        table = [
            bytes(palette[i * 3 : i * 3 + 3]) + bytes([alpha[i] if i < len(alpha) else 255])
            for i in range(len(palette) // 3)
        ]
        table += [b"\x00\x00\x00\x00"] * (256 - len(table))  # an index past it: clear
        for row in rows:
            out += b"".join(table[i] for i in row)
        return bytes(out)
    if colour == 2:
        clear = alpha[1::2][:3] if len(alpha) == 6 else None  # tRNS: the one clear colour
        for row in rows:
            for x in range(width):
                rgb = row[x * 3 : x * 3 + 3]
                out += rgb + (b"\x00" if rgb == clear else b"\xff")
        return bytes(out)
    if colour == 0:
        clear_grey = alpha[1] if len(alpha) == 2 else None
        for row in rows:
            for g in row:
                out += bytes((g, g, g, 0 if g == clear_grey else 255))
        return bytes(out)
    for row in rows:  # 4: grey and alpha
        for x in range(width):
            g, a = row[x * 2], row[x * 2 + 1]
            out += bytes((g, g, g, a))
    return bytes(out)


def rgb(colour: str) -> bytes:
    """'#rrggbb' as three bytes."""
    return bytes.fromhex(colour[1:7])


def fitted(logo: Image, side: int, background: bytes) -> list[bytes]:
    """The logo scaled (nearest pixel) to fit a square of ``side`` pixels, its aspect kept,
    centred on ``background`` (RGB) and its transparency blended onto it: ``side`` rows of
    ``side`` RGB pixels."""
    scale = min(side / logo.width, side / logo.height)
    w, h = max(1, round(logo.width * scale)), max(1, round(logo.height * scale))
    left, top = (side - w) // 2, (side - h) // 2
    plain = background * side
    rows = []
    for y in range(side):
        if not top <= y < top + h:
            rows.append(plain)
            continue
        sy = min(logo.height - 1, int((y - top) / scale))
        line = bytearray(plain)
        base = sy * logo.width * 4
        for x in range(w):
            sx = min(logo.width - 1, int(x / scale))
            r, g, b, a = logo.rgba[base + sx * 4 : base + sx * 4 + 4]
            at = (left + x) * 3
            if a == 255:
                line[at : at + 3] = bytes((r, g, b))
            elif a:
                bg = background
                line[at : at + 3] = bytes(
                    (c * a + k * (255 - a)) // 255 for c, k in zip((r, g, b), bg, strict=True)
                )
        rows.append(bytes(line))
    return rows


def write(rows: list[bytes], width: int) -> bytes:
    """An RGB PNG of ``rows`` (each ``width`` * 3 bytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    head = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        SIGNATURE
        + chunk(b"IHDR", head)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
