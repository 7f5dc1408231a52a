"""QR codes of the short URLs, made with segno (pure Python, no imaging library).

One SVG (for screens and vector print) and one PNG (for office tools and print
shops) per link, under ``_qr/``: a folder starting with ``_`` cannot collide with a
slug. Error correction level M (15%) survives a crease or a smudge on a flyer while
keeping the code small; segno picks the smallest version that fits.
"""

from __future__ import annotations

import io

import segno

FOLDER = "_qr"


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", boost_error=False)


def svg(url: str, scale: int = 4, inline: bool = False) -> str:
    """The SVG markup (no XML declaration). Inline in a page it has a viewBox and no fixed
    size, so the page's CSS sizes it."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgclass=None,
                    lineclass=None, dark="#000", light="#fff", omitsize=inline)  # fmt: skip
    return out.getvalue().decode("ascii")


def png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def files(slug: str, url: str) -> dict[str, bytes]:
    return {
        f"{FOLDER}/{slug}.svg": svg(url, scale=10).encode("ascii"),
        f"{FOLDER}/{slug}.png": png(url),
    }


def terminal(url: str) -> str:
    """The code drawn with block characters, two modules a character row."""
    out = io.StringIO()
    _code(url).terminal(out=out, compact=True, border=2)
    return out.getvalue()
