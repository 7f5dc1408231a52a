"""QR codes of the short URLs, made with segno (pure Python, no imaging library).

One SVG (for screens, vector print and the preview page) and one PNG (for office tools
and print shops) per link, under ``_qr/``: a folder starting with ``_`` cannot collide
with a slug. Error correction level M (15%) survives a crease or a smudge on a flyer while
keeping the code small; segno picks the smallest version that fits. ``site.qr`` may give
the codes other colours, another quiet zone and a logo (``QrStyle``, held by validation to
what a reader scans): every code of the site is drawn in it, and it is part of the cache's
key. Under a logo the level is H (30%), which recovers the modules the logo hides.

A code costs segno about 5 ms of CPU (SVG and PNG), most of it choosing the mask: at
100,000 links that is minutes, for images that depend on nothing but the short URL. So
builds keep them in a cache (``QrCache``, one SQLite file) and only ever make the codes
of new short URLs, on every core when there are many.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import math
import os
import sqlite3
from collections.abc import Iterable
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from . import domains
from .model import LinkSet, QrStyle
from .names import did_you_mean
from .urls import quote_path

if TYPE_CHECKING:
    import segno

FOLDER = "_qr"
SVG_SCALE = 10  # pixels a module in the SVG's nominal size
PNG_SCALE = 10  # print shops ask for 300 dpi: a 25-module code is then 3 cm wide
# the parameters a cached code was made with: a change in any of them makes new codes
# (segno's version added where a code is first looked up: ``_recipe``)
_RECIPE = f"error m; svg {SVG_SCALE}; png {PNG_SCALE}; border 4"
_PARALLEL_FROM = 400  # below this, starting worker processes costs more than it saves


def _code(url: str, level: str = "m") -> segno.QRCode:
    import segno  # here: 20 ms at start-up (it imports urllib.request) that ``check`` needs not

    return segno.make(url, error=level, boost_error=False)


def logo_plate(modules: int, size: float) -> tuple[int, int]:
    """Where a logo goes on a code of ``modules`` a side (quiet zone left out): the first
    module of the light plate under it, and the plate's side in modules. The plate is
    whole modules, ``size`` of the code's side rounded up, as odd as the code so that it
    sits exactly at the centre; the logo fits inside it half a module from its edge.
    templates/qr.js places it by the same arithmetic."""
    plate = math.ceil(size * modules - 1e-9)
    if (modules - plate) % 2:
        plate += 1
    return (modules - plate) // 2, plate


def logo_svg(style: QrStyle, modules: int, unit: float = 1.0) -> str:
    """The plate and the logo (a data: URL: the file stays self-contained) as SVG, in
    ``unit``s a module, the quiet zone included in the position."""
    assert style.logo is not None
    first, plate = logo_plate(modules, style.logo_size)
    at = (style.quiet_zone + first) * unit
    inner = at + unit / 2
    data = base64.b64encode(style.logo).decode("ascii")
    return (
        f'<rect x="{at:g}" y="{at:g}" width="{plate * unit:g}" height="{plate * unit:g}" '
        f'fill="{style.light}"/><image x="{inner:g}" y="{inner:g}" '
        f'width="{(plate - 1) * unit:g}" height="{(plate - 1) * unit:g}" '
        f'href="data:image/png;base64,{data}"/>'
    )


@functools.cache
def _recipe() -> str:
    import segno

    return f"segno {segno.__version__}; {_RECIPE}"


def svg(url: str, scale: int = 4, inline: bool = False, style: QrStyle | None = None) -> str:
    """The SVG markup (no XML declaration). Inline in a page it has a viewBox and no fixed
    size, so the page's CSS sizes it."""
    return _svg(_code(url, style.level if style else "m"), scale, inline, style)


def _svg(code: segno.QRCode, scale: int, inline: bool = False, style: QrStyle | None = None) -> str:
    out = io.BytesIO()
    if style is None:  # black on white, as the site's codes always were
        code.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgclass=None,
                  lineclass=None, dark="#000", light="#fff", omitsize=inline)  # fmt: skip
    else:
        code.save(out, kind="svg", scale=scale, border=style.quiet_zone, xmldecl=False,
                  svgclass=None, lineclass=None, dark=style.dark, light=style.light,
                  omitsize=inline)  # fmt: skip
    text = out.getvalue().decode("ascii")
    if style is not None and style.logo:
        modules = code.symbol_size(border=0)[0]
        end = text.rindex("</svg>")
        text = text[:end] + logo_svg(style, modules, scale) + text[end:]
    return text


def png(url: str, scale: int = PNG_SCALE, style: QrStyle | None = None) -> bytes:
    return _png(_code(url, style.level if style else "m"), scale, style)


def _png(code: segno.QRCode, scale: int, style: QrStyle | None = None) -> bytes:
    if style is not None and style.logo:
        return _png_with_logo(code, scale, style)
    out = io.BytesIO()
    if style is None:
        code.save(out, kind="png", scale=scale, border=4)
    else:
        code.save(out, kind="png", scale=scale, border=style.quiet_zone, dark=style.dark,
                  light=style.light)  # fmt: skip
    return out.getvalue()


def _png_with_logo(code: segno.QRCode, scale: int, style: QrStyle) -> bytes:
    """The code drawn row by row (segno draws no logo), the plate and logo put over it."""
    from . import pngimage

    dark = pngimage.rgb(style.dark) * scale
    light = pngimage.rgb(style.light) * scale
    rows = []
    for row in code.matrix_iter(scale=1, border=style.quiet_zone):
        line = b"".join(dark if on else light for on in row)
        rows.extend([line] * scale)
    modules = code.symbol_size(border=0)[0]
    first, plate = logo_plate(modules, style.logo_size)
    at = (style.quiet_zone + first) * scale
    for i, part in enumerate(_plate(style, plate * scale, scale)):
        line = rows[at + i]
        rows[at + i] = line[: at * 3] + part + line[(at + plate * scale) * 3 :]
    return pngimage.write(rows, len(rows))


@functools.lru_cache(maxsize=16)
def _plate(style: QrStyle, side: int, scale: int) -> list[bytes]:
    """The rows of the light plate, ``side`` pixels, with the logo fitted inside it half a
    module from its edge; the same for every code of a version, so made once."""
    from . import pngimage

    assert style.logo is not None
    light = pngimage.rgb(style.light)
    margin = scale // 2
    inner = side - 2 * margin
    logo = pngimage.fitted(pngimage.read(style.logo), inner, light)
    edge = light * margin
    blank = light * side
    return [blank] * margin + [edge + row + edge for row in logo] + [blank] * margin


def make(url: str, style: QrStyle | None = None) -> tuple[bytes, bytes]:
    """The SVG and PNG files of one URL, from a single encoding."""
    code = _code(url, style.level if style else "m")
    return _svg(code, SVG_SCALE, style=style).encode("ascii"), _png(code, PNG_SCALE, style)


def _make_many(urls: list[str], style: QrStyle | None = None) -> list[tuple[bytes, bytes]]:
    return [make(url, style) for url in urls]


def paths(slug: str) -> tuple[str, str]:
    return f"{FOLDER}/{slug}.svg", f"{FOLDER}/{slug}.png"


def files(slug: str, url: str, style: QrStyle | None = None) -> dict[str, bytes]:
    svg_path, png_path = paths(slug)
    svg_bytes, png_bytes = make(url, style)
    return {svg_path: svg_bytes, png_path: png_bytes}


def terminal(url: str) -> str:
    """The code drawn with block characters, two modules a character row."""
    out = io.StringIO()
    _code(url).terminal(out=out, compact=True, border=2)
    return out.getvalue()


class NoShortUrl(ValueError):
    """The link has no short URL to encode: no such slug, or no site.domain."""


def short_url(linkset: LinkSet, slug: str, domain: str | None, where: str) -> str:
    """The short URL of ``slug`` a code carries (``shortlinks qr``). With site.domains, on
    ``domain``, else on the default one, else on the first the link lives on when that is
    not the default: the link must answer at the URL printed. ``where``: the file."""
    if linkset.site.several:
        chosen = domains.named(linkset, domain)
        if domain is None:
            on = next((x.domains for x in linkset.links if slug in x.slugs), ())
            if on and chosen.name not in on:
                chosen = next(d for d in linkset.site.domains if d.name in on)
        linkset = linkset.on(chosen)
    elif domain is not None:
        raise domains.UnknownDomain(f"{where} has no site.domains")
    slugs = {s for link in linkset.links for s in link.slugs}
    if slug not in slugs:
        raise NoShortUrl(f"no link {slug!r} in {where}{did_you_mean(slug, slugs)}")
    if not linkset.site.base_url:
        raise NoShortUrl(f"{where} has no site.domain, so there is no short URL to encode")
    return f"{linkset.site.base_url}/{quote_path(slug)}"


def cache_folder(given: Path | None, off: bool = False) -> Path | None:
    """Where builds keep the codes they made: ``--cache``, else ``default_cache_dir``;
    None with ``--no-cache`` (every code made anew)."""
    return None if off else (given or default_cache_dir())


def default_cache_dir() -> Path:
    """``$SHORTLINKS_CACHE``, else the XDG cache folder (``~/.cache/shortlinks``)."""
    if os.environ.get("SHORTLINKS_CACHE"):
        return Path(os.environ["SHORTLINKS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shortlinks"


class QrCache:
    """The codes already made, by URL, in ``<folder>/qr.sqlite3``.

    Only ever a cache: a missing, unreadable or read-only one makes the codes anew, and
    deleting it loses nothing. SQLite keeps two builds that share it consistent.
    """

    def __init__(self, folder: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(folder / "qr.sqlite3", timeout=30)
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS codes (key BLOB PRIMARY KEY, svg BLOB, png BLOB)"
            )
        except (OSError, sqlite3.Error):
            self.db = None

    @staticmethod
    def _key(url: str, style: QrStyle | None = None) -> bytes:
        # black on white keeps the key it always had: the codes of existing caches stay
        recipe = _recipe() if style is None else f"{_recipe()}; {style.recipe}"
        return hashlib.sha256(f"{recipe}\n{url}".encode()).digest()

    def get(self, urls: list[str], style: QrStyle | None = None) -> dict[str, tuple[bytes, bytes]]:
        if self.db is None or not urls:
            return {}
        keys = {self._key(u, style): u for u in urls}
        found: dict[str, tuple[bytes, bytes]] = {}
        chunk = list(keys)
        try:
            for i in range(0, len(chunk), 900):  # SQLite's limit on '?' in one statement
                part = chunk[i : i + 900]
                rows = self.db.execute(
                    f"SELECT key, svg, png FROM codes WHERE key IN ({','.join('?' * len(part))})",
                    part,
                )
                for key, svg_bytes, png_bytes in rows:
                    found[keys[key]] = (svg_bytes, png_bytes)
        except sqlite3.Error:
            return {}
        return found

    def put(self, made: dict[str, tuple[bytes, bytes]], style: QrStyle | None = None) -> None:
        if self.db is None or not made:
            return
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO codes VALUES (?, ?, ?)",
                    ((self._key(u, style), s, p) for u, (s, p) in made.items()),
                )
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs time next build

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def codes(
    urls: Iterable[str], cache: QrCache | None = None, style: QrStyle | None = None
) -> dict[str, tuple[bytes, bytes]]:
    """The SVG and PNG of every URL in ``style``: from the cache, else made (in parallel
    when many)."""
    wanted = list(dict.fromkeys(urls))
    found = cache.get(wanted, style) if cache is not None else {}
    missing = [u for u in wanted if u not in found]
    made: dict[str, tuple[bytes, bytes]] = {}
    workers = os.cpu_count() or 1
    if len(missing) >= _PARALLEL_FROM and workers > 1:
        size = max(50, len(missing) // (workers * 8))
        chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
        from concurrent.futures import ProcessPoolExecutor  # (not at every start)

        # 'spawn': a fresh interpreter, safe even when the caller runs threads (serve)
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            each = functools.partial(_make_many, style=style)
            for chunk, results in zip(chunks, pool.map(each, chunks), strict=True):
                made.update(zip(chunk, results, strict=True))
    else:
        made = {u: make(u, style) for u in missing}
    if cache is not None:
        cache.put(made, style)
    return {**found, **made}
