"""``shortlinks sheet``: a campaign's QR codes on A4 pages, one card a distributor, for print.

A campaign hands each distributor a link of their own; the team prints this sheet, cuts
it along the card borders and gives each person their card. It is a print artifact for
the team, never part of the published site: the distributors' names are the team's
business, not the web's, so ``build`` does not write it.

Rendering is pure (cards in, SVG text out): the CLI chooses the links and writes the
files. Every page is a self-contained SVG (the codes are inline paths from segno, no
external references), in millimetres, the same bytes for the same input. Names come
from links.yaml and are treated as untrusted text: every string is XML-escaped.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import segno

from ..model import Campaign, Link, QrStyle, Site, Target
from ..qr import logo_svg
from ..urls import quote_path

# A4 portrait, in millimetres (the SVG's user unit). 3 x 4 cards of 60 mm fit inside 10 mm
# margins with 5 mm between them, under a header band: large enough for a phone to scan
# the code from arm's length, small enough for a wallet.
PAGE_W, PAGE_H = 210.0, 297.0
COLS, ROWS = 3, 4
PER_PAGE = COLS * ROWS
CARD = 60.0
GAP = 5.0
MARGIN = 10.0
GRID_TOP = PAGE_H - MARGIN - ROWS * CARD - (ROWS - 1) * GAP  # 32: the header is above
CODE = 40.0  # the code's side, quiet zone included
CODE_TOP = 2.5
# Printers have different fonts: name the CJK ones (names are often Chinese) before the
# generic family, so a Chinese name never falls back to boxes where a CJK font exists.
FONTS = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Zen Hei', sans-serif"
)
PAGE_WORDS = {"en": "Page {n} of {total}", "zh": "第 {n} 页，共 {total} 页"}


class SheetError(ValueError):
    """The sheet cannot be made as asked (no short domain, a domain the links are not on)."""


@dataclass(frozen=True)
class Card:
    """What one distributor's card shows."""

    code: str
    name: str
    url: str  # what the QR code carries: the slug percent-encoded
    shown: str  # the same URL as people read and type it


def domain_for(links: Sequence[Link], site: Site, wanted: str | None) -> str:
    """The short domain the codes carry: ``wanted`` if the links live on it, else the
    first of their domains, else the site's domain."""
    domains = links[0].domains if links and links[0].domains else ()
    if not domains and site.domain:
        domains = (site.domain,)
    if not domains:
        raise SheetError("the site has no domain (site.domain), so there is no short URL to print")
    if wanted is None:
        return domains[0]
    if wanted.lower().rstrip(".") in domains:
        return wanted.lower().rstrip(".")
    raise SheetError(
        f"the campaign's links are not on {wanted!r}: choose one of {', '.join(domains)}"
    )


def cards(links: Sequence[Link], domain: str) -> list[Card]:
    """One card a distributor, in the campaign's order (links without one are left out)."""
    out = []
    for link in links:
        if link.distributor is None:
            continue
        out.append(
            Card(
                code=link.distributor.code,
                name=link.distributor.name,
                url=f"https://{domain}/{quote_path(link.slug)}",
                shown=f"https://{domain}/{link.slug}",
            )
        )
    return out


def page_paths(output: Path, count: int) -> list[Path]:
    """OUT.svg for the first page, then OUT-2.svg, OUT-3.svg, ..."""
    more = [output.with_name(f"{output.stem}-{n}{output.suffix}") for n in range(2, count + 1)]
    return [output, *more]


def pages(
    campaign: Campaign,
    title: str | None,
    all_cards: Sequence[Card],
    language: str = "en",
    style: QrStyle | None = None,
) -> list[str]:
    """The SVG text of each A4 page, PER_PAGE cards a page (at least one page); the codes
    in the site's ``style`` (site.qr), black on white without one."""
    chunks = [all_cards[i : i + PER_PAGE] for i in range(0, len(all_cards), PER_PAGE)] or [[]]
    words = PAGE_WORDS.get(language, PAGE_WORDS["en"])
    out = []
    for n, chunk in enumerate(chunks, 1):
        label = words.format(n=n, total=len(chunks))
        parts = [_header(campaign, title, label)]
        for i, card in enumerate(chunk):
            x, y = card_position(i)
            parts.append(f'<g class="card" transform="translate({_n(x)} {_n(y)})">')
            parts.append(_card_body(card, style))
            parts.append("</g>")
        out.append(_document(PAGE_W, PAGE_H, f"{campaign.name} ({label})", parts))
    return out


def heading(campaign: Campaign, links: Sequence[Link]) -> tuple[Campaign, str | None]:
    """The campaign and title a sheet's header shows: the first link's title, and the
    campaign's target unless its links are password-protected, whose target is nowhere
    in the clear: a printed sheet travels further than the site."""
    title = links[0].title if links else None
    if links and links[0].password is not None:
        campaign = replace(campaign, target=Target("", "(password-protected)"))
    return campaign, title


def card_svg(card: Card, style: QrStyle | None = None) -> str:
    """One card on its own (``--per-distributor``), the size it has on the sheet."""
    return _document(CARD, CARD, f"{card.name} ({card.code})", [_card_body(card, style)])


def card_position(index: int) -> tuple[float, float]:
    """The top-left corner, in mm, of the card at ``index`` on its page (row by row)."""
    row, col = divmod(index % PER_PAGE, COLS)
    return MARGIN + col * (CARD + GAP), GRID_TOP + row * (CARD + GAP)


def _document(width: float, height: float, title: str, parts: list[str]) -> str:
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}mm" '
            f'height="{_n(height)}mm" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'font-family="{FONTS}">',
            f"<title>{_esc(title)}</title>",
            f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
            *parts,
            "</svg>",
            "",
        ]
    )


def _header(campaign: Campaign, title: str | None, label: str) -> str:
    room = PAGE_W - 2 * MARGIN
    name, name_size = _fit(campaign.name, 7.0, room - 45, 4.0)
    lines = [
        '<g class="header">',
        _text(MARGIN, 17, name, name_size, weight="bold"),
        _text(PAGE_W - MARGIN, 17, label, 3.5, anchor="end", fill="#444"),
    ]
    below = [x for x in (title, campaign.target.display) if x]
    for i, line in enumerate(below):
        shown, size = _fit(line, 3.5, room, 2.5)
        lines.append(_text(MARGIN, 23 + i * 4.5, shown, size, fill="#444"))
    lines.append("</g>")
    return "\n".join(lines)


def _card_body(card: Card, style: QrStyle | None = None) -> str:
    room = CARD - 6
    name, name_size = _fit(card.name, 4.5, room, 2.8)
    url, url_size = _fit(card.shown, 2.8, room, 2.0)
    middle = CARD / 2
    return "\n".join(
        [
            # the cut line: light enough not to distract, visible enough to follow
            f'<rect class="cut" x="0.15" y="0.15" width="{_n(CARD - 0.3)}" '
            f'height="{_n(CARD - 0.3)}" rx="3" fill="none" stroke="#bbb" stroke-width="0.3"/>',
            _code(card, (CARD - CODE) / 2, CODE_TOP, style),
            _text(middle, 48, name, name_size, anchor="middle", weight="bold", cls="name"),
            _text(middle, 52.8, card.code, 3.2, anchor="middle", fill="#444", cls="code"),
            _text(middle, 57, url, url_size, anchor="middle", cls="url"),
        ]
    )


def _code(card: Card, x: float, y: float, style: QrStyle | None = None) -> str:
    """The QR code as a nested SVG: segno's path, scaled to CODE mm by the viewBox (the
    quiet zone inside it: a wider one makes the modules smaller, never the card larger)."""
    style = style or QrStyle()  # validated colours: '#rrggbb', nothing to escape
    qr = segno.make(card.url, error=style.level, boost_error=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=1, border=style.quiet_zone, xmldecl=False, svgclass=None,
            lineclass=None, omitsize=True, dark="#000", nl=False)  # fmt: skip
    found = re.search(r' d="([^"]+)"', out.getvalue().decode("ascii"))
    assert found is not None, "segno's SVG has a path"
    side = qr.symbol_size(scale=1, border=style.quiet_zone)[0]
    dark, light = ("#000", "#fff") if style == QrStyle() else (style.dark, style.light)
    return (
        f'<svg class="qr" id="qr-{_esc(card.code)}" x="{_n(x)}" y="{_n(y)}" '
        f'width="{_n(CODE)}" height="{_n(CODE)}" viewBox="0 0 {side} {side}">'
        f'<rect width="{side}" height="{side}" fill="{light}"/>'
        f'<path stroke="{dark}" d="{found.group(1)}"/>'
        f"{logo_svg(style, qr.symbol_size(border=0)[0]) if style.logo else ''}</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#000",
    cls: str = "",
) -> str:
    attrs = f' class="{cls}"' if cls else ""
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    return (
        f'<text{attrs} x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}">'
        f"{_esc(text)}</text>"
    )


def _width(text: str, size: float) -> float:
    """A generous estimate of the text's width in mm: a CJK character is about 1 em wide,
    others about 0.6 em (no font is measured, so the output never depends on the machine)."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")
    return size * (wide + 0.6 * (len(text) - wide))


def _fit(text: str, size: float, room: float, smallest: float) -> tuple[str, float]:
    """The text and a font size that fit ``room``: smaller type first, down to
    ``smallest``, then cut with '…' (a card is a fixed size; a long name must not run
    into the next card)."""
    while _width(text, size) > room and size > smallest:
        size = max(smallest, round(size - 0.1, 1))
    if _width(text, size) <= room:
        return text, size
    while text and _width(text + "…", size) > room:
        text = text[:-1]
    return text + "…", size


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _n(value: float) -> str:
    return f"{value:g}"
