"""``shortlinks import`` and ``export``: links to and from CSV.

Export writes one row a link with this tool's own columns. Import reads that CSV, and
the exports of other short-link services, by their column names (``FORMATS``; the
format is recognised from the header row). Every row becomes a link only if it is
right on its own and takes no slug already used (in any letter case): nothing is
ever overwritten. The links that pass are written after the last link of
links.yaml, every other line kept (as ``shortlinks add`` does); the report says
what was imported and what was skipped, and why.

With site.domains, the ``domains`` column says where each link lives (empty: the default
domain), and a slug is taken or free on each domain apart; a file of one site ignores it.

A link made by a campaign (a row with a ``campaign`` column) is never imported: it is
the campaign's, made from its pattern and its distributors, and a hand-written copy
would outlive or contradict them. Such a row is skipped and reported with what to do
instead (it is already there, add the distributor back, or copy the campaign).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from . import add as adder
from . import slugs as slugrules
from .build import check_text
from .model import Link, LinkSet
from .times import zone
from .urls import UrlError, parse_target

COLUMNS = (
    "slug",
    "url",
    "expires",
    "starts",
    "title",
    "description",
    "aliases",
    "tags",
    "campaign",
    "distributor_code",
    "distributor_name",
    "domains",
)

# Column names of each format, by the field they fill, compared as Shlink's importer does:
# lower case, without spaces or underscores ("Long URL" = "longUrl" = "long_url"). The first
# format whose 'slug' and 'url' columns are both in the header row is used. Sources:
# shlink: shlinkio/shlink-web-component ExportShortUrlsBtn.tsx (its CSV export: createdAt,
#   domain, shortCode, shortUrl, longUrl, title, tags with '|', visits) and
#   shlinkio/shlink-importer CsvImporter.php (longUrl, shortCode, domain, title, tags);
# yourls: the yourls_url table (keyword, url, title, timestamp, ip, clicks), which export
#   plugins and database dumps carry (YOURLS has no CSV export of its own);
# kutt: the API v2 link object (address, target, description, expire_in; no CSV export);
# bitly: the API v4 Bitlink (link, long_url, title, tags) and the dashboard export's
#   "Link" / "Destination URL" columns.
FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "shortlinks": {
        "slug": ("slug",),
        "url": ("url",),
        "expires": ("expires",),
        "starts": ("starts",),
        "title": ("title",),
        "description": ("description",),
        "aliases": ("aliases",),
        "tags": ("tags",),
        "campaign": ("campaign",),
        "distributor_code": ("distributorcode",),
        "domains": ("domains",),
    },
    "shlink": {"slug": ("shortcode",), "url": ("longurl",), "title": ("title",), "tags": ("tags",)},
    "yourls": {"slug": ("keyword",), "url": ("url",), "title": ("title",)},
    "kutt": {
        "slug": ("address",),
        "url": ("target",),
        "description": ("description",),
        "expires": ("expirein",),
    },
    "bitly": {
        "slug": ("customlink", "link", "bitlink", "id"),
        "url": ("longurl", "destinationurl"),
        "title": ("title",),
        "tags": ("tags",),
    },
}


def _norm(column: str) -> str:
    return column.strip().lower().replace(" ", "").replace("_", "")


class ImportError_(Exception):
    """The file cannot be read as any known format."""


@dataclass
class Report:
    format: str
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row line, slug, why)


def detect(header: list[str]) -> tuple[str, dict[str, str]]:
    """The format and, for each field, the column (as written) that fills it."""
    names = {_norm(c): c for c in header}
    for fmt, fields in FORMATS.items():
        found = {f: next((names[c] for c in cols if c in names), "") for f, cols in fields.items()}
        if found.get("url") and found.get("slug"):
            return fmt, {f: c for f, c in found.items() if c}
    raise ImportError_(
        "the header row names no known format: expected e.g. 'slug,url' "
        f"(formats: {', '.join(FORMATS)}), got {', '.join(header) or 'nothing'}"
    )


def _slug_of(value: str) -> str:
    """A short URL's path ('https://bit.ly/abc' -> 'abc'), or the value itself."""
    value = value.strip()
    if "://" in value:
        return urlsplit(value).path.strip("/")
    if "/" in value and "." in value.split("/", 1)[0]:  # 'bit.ly/abc'
        return value.split("/", 1)[1].strip("/")
    return value.strip("/")


def _list(value: str) -> tuple[str, ...]:
    for sep in (";", "|", ","):
        if sep in value:
            return tuple(x.strip() for x in value.split(sep) if x.strip())
    return (value.strip(),) if value.strip() else ()


def _when(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value


def _campaign_row(
    campaign: str, code: str, slug: str, linkset: LinkSet, by_slug: dict[str, Link], where: str
) -> str:
    """Why a row of a campaign's link is skipped, and what to do instead."""
    mine = by_slug.get(slug)
    if mine is not None and mine.campaign == campaign:
        return f"made by campaign {campaign!r} already"
    who = f"distributor {code!r}" if code else "its distributor"
    if any(c.name == campaign for c in linkset.campaigns):
        return (
            f"a link of campaign {campaign!r}: add {who} to its distributors in {where} "
            "rather than a link of its own"
        )
    return (
        f"a link of campaign {campaign!r}, which {where} does not have: copy the campaign "
        "to its 'campaigns:' (campaign links are made from it, not imported)"
    )


def read_rows(text: str) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fmt, cols = detect(list(reader.fieldnames or []))
    rows = []
    for row in reader:
        rows.append((reader.line_num, {f: (row.get(c) or "").strip() for f, c in cols.items()}))
    return fmt, rows


def import_csv(
    text: str,
    path: Path,
    linkset: LinkSet,
    progress: Callable[[int, int], None] | None = None,
    reserved: Collection[str] = (),
) -> tuple[str | None, Report]:
    """The new links file text (None when nothing is imported) and the report;
    ``progress(done, total)`` is told of each row. ``reserved``: keys of slugs published
    before (``lock.key``), which no imported row may take."""
    fmt, rows = read_rows(text)
    report = Report(fmt)
    site = linkset.site
    names = [d.name for d in site.domains]
    # slugs by domain (one site: None): the same slug may live on two domains
    taken = {
        (d, slugrules.collision_key(s))
        for x in linkset.links
        for d in (x.domains or (None,))
        for s in x.slugs
    }
    published = {
        k
        for x in linkset.links
        for s in x.slugs
        for k in adder.published_keys(s, x.domains, linkset)
    }
    reserved = set(reserved) - published
    source = path.read_text(encoding="utf-8")
    indent, step = adder.indentation(source)
    site_text = f"site:\n  timezone: {site.timezone}\n  status: {site.status}\n"
    if names:
        site_text += f"  domains: [{', '.join(names)}]\n"
    lines: list[str] = []
    by_slug = {x.slug: x for x in linkset.links}
    for done, (line, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        slug = _slug_of(row.get("slug", ""))
        url = row.get("url", "")
        why = None
        # its domains, when this file has several (one site: the column is not needed)
        on = tuple(d.lower() for d in _list(row.get("domains", ""))) if names else ()
        strange = [d for d in on if d not in names]
        spots = on or ((names[0],) if names else (None,))
        if strange:
            why = f"{strange[0]} is not one of site.domains of {path.name}: add it there first"
        elif row.get("campaign"):
            code = row.get("distributor_code", "")
            why = _campaign_row(row["campaign"], code, slug, linkset, by_slug, path.name)
        elif not slug:
            why = "no slug"
        elif slugrules.slug_problems(slug):
            why = slugrules.slug_problems(slug)[0][0]
        elif any((d, slugrules.collision_key(slug)) in taken for d in spots):
            why = "the slug is taken already (never overwritten)"
        elif set(adder.published_keys(slug, on, linkset)) & reserved:
            why = "the slug was published before (links.lock): choose another"
        else:
            try:
                parse_target(url)
            except UrlError as exc:
                why = f"url: {exc}"
        if why is None:
            new = adder.NewLink(
                url=url,
                slug=slug,
                expires=_when(row.get("expires", "")),
                starts=_when(row.get("starts", "")),
                title=row.get("title") or None,
                aliases=_list(row.get("aliases", "")),
                tags=_list(row.get("tags", "")),
                domains=on if on and on != (names[0],) else (),
            )
            written, key = adder.keyed(new, slug, linkset)
            candidate = adder.entry_lines(written, key, indent, step)
            # each row on its own, under the file's own site settings (zone, status)
            alone = adder.entry_lines(written, key, "  ", "  ")
            trial = site_text + "links:\n" + "".join(x + "\n" for x in alone)
            errors = check_text(trial, f"{path} (row {line})").errors
            if errors:
                why = errors[0].message
            else:
                lines.extend(candidate)
                taken.update(
                    (d, slugrules.collision_key(s)) for d in spots for s in (slug, *new.aliases)
                )
                report.imported.append(slug)
                continue
        report.skipped.append((line, slug, why))
    if not lines:
        return None, report
    result = adder.insert(source, lines)
    errors = check_text(result, str(path)).errors  # the whole file, once, before any write
    if errors:
        raise ImportError_(f"the imported file would not check: {errors[0].message}")
    return result, report


def export_csv(linkset: LinkSet) -> str:
    tz = zone(linkset.site.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for link in linkset.links:
        writer.writerow(
            [
                link.slug,
                link.target.url,
                link.expires.astimezone(tz).isoformat() if link.expires else "",
                link.starts.astimezone(tz).isoformat() if link.starts else "",
                link.title or "",
                link.description or "",
                ";".join(link.aliases),
                ";".join(link.tags),
                link.campaign or "",
                link.distributor.code if link.distributor else "",
                link.distributor.name if link.distributor else "",
                ";".join(link.domains) if linkset.site.several else "",
            ]
        )
    return out.getvalue()
