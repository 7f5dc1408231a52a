"""``shortlinks import`` and ``export``: links to and from CSV.

Export writes one row a link with this tool's own columns (``COLUMNS``). Import reads
that CSV, and the exports of other short-link services, by their column names
(``FORMATS``; the format is recognised from the header row, whose cells may be
separated by commas, or by semicolons or tabs as Excel writes them in many languages).

Every cell is checked as strictly as the same key in links.yaml, by the same code: a
row becomes the mapping links.yaml would hold for it and goes through generator/validate/ with
the file's own ``site:`` (``add.check_entry``), its problems placed at the row's
cells. Nothing is dropped quietly: a date that is not one, a title with a line break,
an unknown column, a slug that is taken by another link, all refuse their row, and a
refused row is reported with the CSV file, its row (and line, when quoted line breaks
make them differ), its column and what to do. By default one refused row stops the
import: every problem of every row is listed and nothing is written, so that no link is
left behind unnoticed. ``skip_bad`` (``--skip-bad``) imports the other rows and lists
the refused ones.

Rows that would add nothing are skipped, not refused, and reported: a row that is the
same link as one of the file's already (the file's own export imported again), and a
link a campaign of the file makes already.

The links that pass are written after the last link of links.yaml, every other line
kept (as ``shortlinks add`` does), and the whole would-be file is checked once more
before anything is written; a problem it finds is placed back on the row it came from.

With site.domains, the ``domains`` column says where each link lives (empty: the default
domain), and a slug is taken or free on each domain apart; a file of one site ignores the
column (and says so).

A link made by a campaign (a row with a ``campaign``) is never imported as a link of its
own: it is the campaign's, made from its pattern and its distributors, and a
hand-written copy would outlive or contradict them. When the file's campaign makes it
already, the row is skipped; otherwise it is refused with what to do instead (add the
distributor back, or copy the campaign).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import lock
from .. import slugs as slugrules
from ..build import check_text
from ..model import Link, LinkSet
from ..problems import ERROR, WARNING, Problem
from ..times import instant, zone
from ..validate import LINK_KEYS, did_you_mean
from . import add as adder

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
LISTS = ("aliases", "tags", "domains")

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
        "distributor_name": ("distributorname",),
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
# The columns of ``shortlinks list --format csv`` that export has not: a sign that the
# file is a listing (dates in words, lists by spaces), which import does not read.
LISTING_ONLY = ("state", "left")
# What Excel separates cells with: a comma, or a semicolon where the comma is the decimal
# mark (most of Europe), or a tab ("Unicode text"). Excel also reads and writes a first
# line "sep=;" that names it.
DELIMITERS = (",", ";", "\t")
# What Python's csv module says, in the words of someone who made the file.
CSV_ERRORS = {
    "unexpected end of data": "a quoted cell is never closed (its closing '\"' is missing)",
    "expected after": "text follows the '\"' that closes a quoted cell",
    "NUL": "the file holds a NUL character: is it a spreadsheet's own file, not CSV?",
}
SAVE_AS_UTF8 = "save it as UTF-8 text (Excel: File > Save As > 'CSV UTF-8')"


def _norm(column: str) -> str:
    return column.strip().lower().replace(" ", "").replace("_", "")


class ImportError_(Exception):
    """The file cannot be read as a CSV of links at all: every reason, as problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Report:
    format: str
    imported: list[str] = field(default_factory=list)  # the keys written, in row order
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, slug, why)
    # the refused rows' mistakes (and the new links' warnings), at the CSV's cells
    problems: list[Problem] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)  # rows, as a spreadsheet numbers them
    notes: list[str] = field(default_factory=list)  # columns read by no one, and why


@dataclass
class Table:
    """A CSV file read: its format, which column (0-based) fills each field, its rows."""

    name: str
    format: str
    header: list[str]
    columns: dict[str, int]
    rows: list[Row]
    ignored: list[str]  # other services' columns this tool has no field for


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    line: int  # the first line of the row in the file (quoted line breaks move it on)
    cells: list[str]


def letter(index: int) -> str:
    """A spreadsheet's name of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def decode(raw: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (Excel's "CSV UTF-8" starts with a byte order mark),
    or UTF-16 with its mark (Excel's "Unicode text"). Another encoding is refused, not
    guessed: read as the wrong one, every accented or Chinese letter would come in wrong."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", raw
    else:
        encoding, body = "utf-8", raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = body[exc.start : exc.start + 1].hex()
        raise ImportError_(
            [
                Problem(
                    line,
                    column,
                    ERROR,
                    f"the file is not {encoding.upper()} text (byte 0x{bad} cannot be read)",
                    SAVE_AS_UTF8,
                    name,
                    rule="file-encoding",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def detect(header: list[str]) -> tuple[str, dict[str, int]]:
    """The format and, for each field, the index of the column that fills it."""
    names: dict[str, int] = {}
    for i, c in enumerate(header):
        names.setdefault(_norm(c), i)
    for fmt, fields in FORMATS.items():
        found = {f: next((names[c] for c in cols if c in names), -1) for f, cols in fields.items()}
        if found["url"] >= 0 and found["slug"] >= 0:
            return fmt, {f: i for f, i in found.items() if i >= 0}
    raise ValueError(", ".join(repr(c) for c in header) or "nothing")


def read_table(text: str, name: str) -> Table:
    """The rows of a CSV file, or every reason it cannot be read (``ImportError_``)."""
    first, sep_line = text.split("\n", 1)[0], 0
    delimiters: Sequence[str] = DELIMITERS
    if first.lower().startswith("sep=") and len(first) == 5:  # Excel's own hint
        delimiters, sep_line = (first[4],), 1
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if not text.strip():
        hint = "its first row names the columns: slug,url"
        raise ImportError_(
            [Problem(1, 1, ERROR, "the file is empty", hint, name, rule="import-empty")]
        )
    best: list[str] = []
    for delimiter in delimiters:
        try:
            header = next(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration):
            continue
        try:
            fmt, columns = detect(header)
        except ValueError:
            best = max(best, header, key=len)
            continue
        return _rows(text, name, delimiter, header, fmt, columns, sep_line)
    raise ImportError_(
        [Problem(1 + sep_line, 1, ERROR, *_unknown_header(best), name, rule="import-header")]
    )


def _unknown_header(header: list[str]) -> tuple[str, str]:
    """Why no format reads this header row (a column missing, or no format at all)."""
    names = {_norm(c) for c in header}
    mine = {_norm(c) for cols in FORMATS["shortlinks"].values() for c in cols}
    if names & mine:
        missing = next(c for c in ("slug", "url") if c not in names)
        need = "the short path of each link" if missing == "slug" else "where each link goes"
        return f"the header row has no {missing!r} column", f"add it: {need}"
    got = ", ".join(repr(c) for c in header) if any(header) else "nothing"
    return (
        f"the header row names no known format: got {got}",
        f"the first row names the columns: slug and url at least (this tool's export: "
        f"{','.join(COLUMNS)}); or the columns of {', '.join(list(FORMATS)[1:])}",
    )


def _rows(
    text: str,
    name: str,
    delimiter: str,
    header: list[str],
    fmt: str,
    columns: dict[str, int],
    sep_line: int,
) -> Table:
    problems = _header_problems(name, header, fmt, columns, sep_line)
    rows = _read_rows(text, name, delimiter, header, sep_line, problems)
    if problems:
        raise ImportError_(sorted(problems))
    problems = _unnamed_column_problems(name, header, columns, rows)
    if problems:
        raise ImportError_(problems)
    known = {i for i in columns.values()}
    ignored = [h for i, h in enumerate(header) if h.strip() and i not in known]
    return Table(name, fmt, header, columns, rows, ignored)


def _read_rows(
    text: str,
    name: str,
    delimiter: str,
    header: list[str],
    sep_line: int,
    problems: list[Problem],
) -> list[Row]:
    """The rows under the header that hold a cell; a row longer than the header, or text
    that is not CSV, adds to ``problems``."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    number, line = 1, 1 + sep_line
    try:
        next(reader)
        line = reader.line_num + 1 + sep_line
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells[len(header) :]):
                problems.append(
                    Problem(
                        line,
                        len(header) + 1,
                        ERROR,
                        f"row {number} has {len(cells)} cells, and the header names "
                        f"{len(header)} columns",
                        "a cell with a comma or a line break in it is written in double "
                        'quotes ("a, b"); a quote inside it is doubled ("say ""hi""")',
                        name,
                        rule="csv-cells",
                    )
                )
            elif any(c.strip() for c in cells):  # (a row of empty cells is no row)
                rows.append(Row(number, line, cells))
            line = reader.line_num + 1 + sep_line
    except csv.Error as exc:
        why = str(exc)
        for words, meaning in CSV_ERRORS.items():
            why = meaning if words in why else why
        problems.append(
            Problem(
                line,
                1,
                ERROR,
                f"row {number + 1} cannot be read as CSV: {why}",
                "a cell with a comma, a quote or a line break in it is written in double "
                'quotes, a quote inside it doubled: "say ""hi"""',
                name,
                rule="csv-syntax",
            )
        )
    return rows


def _unnamed_column_problems(
    name: str, header: list[str], columns: dict[str, int], rows: list[Row]
) -> list[Problem]:
    """A value in a column without a name (and no format's column), the first of each."""
    problems: list[Problem] = []
    for i, head in enumerate(header):
        if not head.strip() and i not in columns.values():
            used = next((r for r in rows if i < len(r.cells) and r.cells[i].strip()), None)
            if used is not None:
                problems.append(
                    Problem(
                        used.line,
                        i + 1,
                        ERROR,
                        f"row {used.number}, column {letter(i)}: a value in a column "
                        "without a name",
                        "name the column in the first row, or empty it",
                        name,
                        rule="csv-unnamed-column",
                    )
                )
    return problems


def _header_problems(
    name: str, header: list[str], fmt: str, columns: dict[str, int], sep_line: int
) -> list[Problem]:
    """Columns named twice, and (this tool's format) columns it does not know."""
    line = 1 + sep_line
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, head in enumerate(header):
        key = _norm(head)
        if not key:
            continue
        if key in seen:
            out.append(
                Problem(
                    line,
                    i + 1,
                    ERROR,
                    f"columns {letter(seen[key])} and {letter(i)} are both {head.strip()!r}",
                    "keep one of them: which one is meant cannot be told",
                    name,
                    rule="csv-duplicate-column",
                )
            )
        else:
            seen[key] = i
    if fmt != "shortlinks":
        return out
    return out + _unknown_columns(name, header, line)


def _unknown_columns(name: str, header: list[str], line: int) -> list[Problem]:
    """The columns of a file in this tool's format that import does not read."""
    out: list[Problem] = []
    known = {_norm(c) for cols in FORMATS["shortlinks"].values() for c in cols}
    for i, head in enumerate(header):
        key = _norm(head)
        if not key or key in known:
            continue
        if key in LISTING_ONLY:
            hint = (
                "this looks like 'shortlinks list --format csv' (dates in words); "
                "'shortlinks export' writes what import reads"
            )
        elif head.strip().lower() in LINK_KEYS:
            hint = (
                f"import does not set {head.strip().lower()!r}: remove the column, and set it "
                "in links.yaml after importing"
            )
        else:
            guess = did_you_mean(head.strip().lower().replace(" ", "_"), COLUMNS)
            hint = (
                f"did you mean {guess!r}?"
                if guess
                else f"the columns are {', '.join(COLUMNS)}: remove the others"
            )
        out.append(
            Problem(
                line,
                i + 1,
                ERROR,
                f"column {letter(i)} {head.strip()!r} is not one import reads",
                hint,
                name,
                rule="csv-unknown-column",
            )
        )
    return out


def slug_of(value: str) -> str:
    """A short URL's path ('https://bit.ly/abc' -> 'abc'), or the value itself."""
    value = value.strip()
    if "://" in value:
        return urlsplit(value).path.strip("/")
    if "/" in value and "." in value.split("/", 1)[0]:  # 'bit.ly/abc'
        return value.split("/", 1)[1].strip("/")
    return value.strip("/")


def parse_list(value: str) -> list[str]:
    """A list cell: a JSON list of text (what export writes when an item holds a
    separator), or items separated by ';' (export's), '|' (Shlink's) or ','."""
    value = value.strip()
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(x, str) for x in items):
            return items
    for sep in (";", "|", ","):
        if sep in value:
            return [x.strip() for x in value.split(sep) if x.strip()]
    return [value] if value else []


def list_cell(items: Sequence[str]) -> str:
    """A list for a cell: joined by ';', or as a JSON list when an item would be read
    back as more than one (it holds ';', '|' or ',', or starts the cell with '[')."""
    if any(set(x) & set(";|,") or x[:1] == "[" or x != x.strip() for x in items):
        return json.dumps(list(items), ensure_ascii=False)
    return ";".join(items)


def _campaign_row(
    campaign: str, code: str, slug: str, linkset: LinkSet, by_slug: dict[str, Link], where: str
) -> tuple[bool, str, str | None]:
    """Whether a campaign's row adds nothing (skipped) or is refused, why, and the hint."""
    mine = by_slug.get(slug)
    if mine is not None and mine.campaign == campaign:
        return True, f"made by campaign {campaign!r} already", None
    who = f"distributor {code!r}" if code else "its distributor"
    if any(c.name == campaign for c in linkset.campaigns):
        return (
            False,
            f"a link of campaign {campaign!r}: add {who} to its distributors in {where} "
            "rather than a link of its own",
            "campaign links are made by the campaign, not imported; or remove the row",
        )
    return (
        False,
        f"a link of campaign {campaign!r}, which {where} does not have: copy the campaign "
        "to its 'campaigns:' (campaign links are made from it, not imported)",
        "or remove the row",
    )


@dataclass
class _Row:
    """A row on its way in: its cells by field, and what it will be written as."""

    row: Row
    values: dict[str, str]
    slug: str = ""
    link: Link | None = None
    key: str = ""


class _Importer:
    def __init__(
        self, table: Table, path: Path, source: str, linkset: LinkSet, reserved: Collection[str]
    ) -> None:
        self.table = table
        self.path = path
        self.source = source
        self.linkset = linkset
        self.report = Report(table.format)
        self.site_raw = adder.site_of(source, str(path))
        self.names = [d.name for d in linkset.site.domains]
        self.tz = zone(linkset.site.timezone)
        # the file's links by (domain, collision key) of each of their slugs (one site: None)
        self.taken: dict[tuple[str | None, str], Link] = {}
        for x in linkset.links:
            for d in x.domains or (None,):
                for s in x.slugs:
                    self.taken.setdefault((d, slugrules.collision_key(s)), x)
        published = {
            k
            for x in linkset.links
            for s in x.slugs
            for k in lock.own_keys(s, x.domains, linkset.site)
        }
        # the lock's keys of the file's own slugs are published too: a row whose slug the
        # lock reads as one of them ('gh.' for 'gh': lock.key drops trailing punctuation)
        # is refused, though its collision key differs from the file's slug's
        self.reserved = set(reserved)
        self.published = published
        self.by_slug = {x.slug: x for x in linkset.links}
        self.mine: dict[tuple[str | None, str], int] = {}  # the rows' slugs, to their rows
        self.bad: dict[int, list[Problem]] = {}

    def error(self, rule: str, row: Row, name: str, message: str, hint: str | None = None) -> None:
        self.problem(rule, row, name, message, hint, ERROR)

    def problem(
        self, rule: str, row: Row, name: str, message: str, hint: str | None, severity: str
    ) -> None:
        index = self.table.columns.get(name, 0)
        head = self.table.header[index].strip() or name
        where = f"row {row.number}, column {letter(index)} ({head})"
        p = Problem(
            row.line, index + 1, severity, f"{where}: {message}", hint, self.table.name, rule=rule
        )
        if severity == ERROR:
            self.bad.setdefault(row.number, []).append(p)
        else:
            self.report.problems.append(p)

    def values(self, row: Row) -> dict[str, str]:
        out = {}
        for name, index in self.table.columns.items():
            cell = row.cells[index] if index < len(row.cells) else ""
            # titles and descriptions as written (a space may be meant); the rest trimmed
            out[name] = cell if name in ("title", "description") else cell.strip()
        return out

    def take(self, row: Row) -> _Row | None:
        """The row checked alone and against the file; None when it adds nothing."""
        values = self.values(row)
        item = _Row(row, values)
        slug = values.get("slug", "")
        item.slug = slug if self.table.format == "shortlinks" else slug_of(slug)
        if values.get("campaign"):
            added_nothing, why, hint = _campaign_row(
                values["campaign"],
                values.get("distributor_code", ""),
                item.slug,
                self.linkset,
                self.by_slug,
                self.path.name,
            )
            if added_nothing:
                self.report.skipped.append((row.line, item.slug, why))
                return None
            self.error("import-campaign", row, "campaign", why, hint)
            return item
        for name in ("distributor_code", "distributor_name"):
            if values.get(name, "").strip():
                self.error(
                    "import-distributor",
                    row,
                    name,
                    "a distributor is one of a campaign's, and the row names no campaign",
                    "fill in its campaign, or empty the cell",
                )
        if not item.slug:
            self.error(
                "import-no-slug", row, "slug", "no slug", "write the short path, e.g. spring-sale"
            )
        if not values["url"]:
            self.error(
                "import-no-url", row, "url", "no URL", "write where the link goes: https://..."
            )
        if not item.slug or not values["url"]:
            return item
        entry = self.entry(row, item)
        link, found = adder.check_entry(self.site_raw, entry, self.table.name)
        for name, p in found:
            if p.is_error:
                self.error(p.rule, row, name, adder.without_key(p.message, name), p.hint)
        if row.number in self.bad:
            return item
        if link is None:  # (every refusal has a message: never dropped without one)
            self.error("import-refused", row, "slug", "cannot be made into a link")
            return item
        item.link = link
        if self.same_as_the_files(item):
            return None
        self.against_the_file(item)
        return item

    def entry(self, row: Row, item: _Row) -> adder.Entry:
        values: dict[str, Any] = {}
        for name, text in item.values.items():
            if name in ("slug", "campaign", "distributor_code", "distributor_name") or not text:
                continue
            if name == "domains" and not self.names:
                note = f"the domains column is left out: {self.path.name} has no site.domains"
                if note not in self.report.notes:
                    self.report.notes.append(note)
                continue
            if name in LISTS and not (name == "domains" and text == "all"):  # (as in YAML)
                values[name] = parse_list(text)
            else:
                values[name] = text
        at = {"": (row.line, self.table.columns["slug"] + 1)}
        at.update({name: (row.line, self.table.columns[name] + 1) for name in values})
        return adder.Entry(item.slug, values, at)

    def spots(self, link: Link) -> tuple[str | None, ...]:
        return (link.domains or (None,)) if self.names else (None,)

    def same_as_the_files(self, item: _Row) -> bool:
        """Whether the row is a link of the file already, exactly as the CSV can say."""
        link = item.link
        assert link is not None
        spots = self.spots(link)
        theirs = {
            self.taken.get((d, slugrules.collision_key(s))) for d in spots for s in link.slugs
        }
        if len(theirs) != 1 or None in theirs:
            return False
        other = theirs.pop()
        assert other is not None
        if carried(other) != carried(link) or other.campaign is not None:
            return False
        self.report.skipped.append(
            (item.row.line, item.slug, f"already in {self.path.name}, the same link")
        )
        return True

    def against_the_file(self, item: _Row) -> None:
        """Slugs taken by the file's links or by an earlier row, or published before."""
        link = item.link
        assert link is not None
        row = item.row
        for i, s in enumerate(link.slugs):
            name = "slug" if i == 0 else "aliases"
            for d in self.spots(link):
                on = f" on {d}" if d and len(self.names) > 1 else ""
                key = (d, slugrules.collision_key(s))
                other = self.taken.get(key)
                if other is not None:
                    what = f"link {other.slug!r}" if other.slug != s else "a link"
                    self.error(
                        "import-slug-taken",
                        row,
                        name,
                        f"{s!r} is taken{on} by {what} of {self.path.name} (line "
                        f"{other.line}): nothing there is overwritten",
                        f"give the row another slug, or change the link in {self.path.name}",
                    )
                    break
                if key in self.mine and self.mine[key] != row.number:
                    self.error(
                        "import-duplicate-row",
                        row,
                        name,
                        f"{s!r} is in row {self.mine[key]} already{on}",
                        "one row a link (slugs differing only in letter case are the same)",
                    )
                    break
            else:
                domains = link.domains if self.names else ()
                keys = set(adder.published_keys(s, domains, self.linkset))
                if set(lock.own_keys(s, domains, self.linkset.site)) & self.published:
                    self.error(
                        "import-slug-locked",
                        row,
                        name,
                        f"{s!r} is one name with a slug of {self.path.name} to links.lock "
                        "and the 404 page (letter case, width and trailing punctuation "
                        "aside)",
                        "give the row another slug",
                    )
                elif keys & self.reserved:
                    self.error(
                        "import-slug-published",
                        row,
                        name,
                        f"{s!r} was published before (links.lock) and may still be in "
                        "people's hands",
                        "choose another slug",
                    )
        for d in self.spots(link):
            for s in link.slugs:
                self.mine.setdefault((d, slugrules.collision_key(s)), row.number)

    def written(self, item: _Row, keys: set[str]) -> tuple[adder.NewLink, str]:
        """What a row is written as: its text as given, its lists as checked; under a key
        that is not in ``keys`` (those of the file and of the rows before)."""
        link = item.link
        assert link is not None
        values = item.values
        domains = link.domains if self.names else ()
        new = adder.NewLink(
            url=values["url"],
            slug=item.slug,
            starts=self.when(values.get("starts", ""), link.starts, end=False),
            expires=self.when(values.get("expires", ""), link.expires, end=True),
            title=values.get("title") or None,
            description=values.get("description") or None,
            aliases=link.aliases,
            tags=link.tags,
            domains=domains,
        )
        return adder.keyed(new, item.slug, self.linkset, keys)

    def when(self, text: str, at: Any, *, end: bool) -> str | None:
        """A date as given, or a bare date when it is one exactly in the site's zone
        (export writes '2027-01-01T00:00:00+08:00' for 'expires: 2026-12-31')."""
        if not text or at is None or len(text) == 10:
            return text or None
        local = at.astimezone(self.tz)
        if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
            return text
        day: date = local.date() - timedelta(days=1) if end else local.date()
        try:
            same = instant(day, self.tz, end_of_day=end) == at
        except (ValueError, OverflowError):
            return text
        return day.isoformat() if same else text


def carried(link: Link) -> tuple[object, ...]:
    """A link as far as a CSV row says it (what export writes)."""
    return (
        link.slug,
        link.target.url,
        link.expires,
        link.starts,
        link.title,
        link.description,
        link.aliases,
        link.tags,
        link.domains,
    )


def import_csv(
    text: str,
    name: str,
    path: Path,
    linkset: LinkSet,
    progress: Callable[[int, int], None] | None = None,
    reserved: Collection[str] = (),
    *,
    skip_bad: bool = False,
) -> tuple[str | None, Report]:
    """The new links file text (None when nothing is to be written) and the report.

    ``text``: the CSV (``decode``d), ``name`` what to call it in messages; ``progress(done,
    total)`` is told of each row; ``reserved``: keys of slugs published before
    (``lock.key``), which no row may take. A row with a mistake refuses the whole import
    (None) unless ``skip_bad``. Raises ImportError_ when the file is no CSV of links."""
    table = read_table(text, name)
    source = path.read_text(encoding="utf-8")
    work = _Importer(table, path, source, linkset, reserved)
    report = work.report
    if table.ignored:
        report.notes.append(
            "columns left out (this tool has no place for them): "
            + ", ".join(h.strip() for h in table.ignored)
        )
    items: list[_Row] = []
    for done, row in enumerate(table.rows, 1):
        if progress:
            progress(done, len(table.rows))
        item = work.take(row)
        if item is not None:
            items.append(item)
    good = [x for x in items if x.row.number not in work.bad and x.link is not None]
    result = None
    while good and (skip_bad or not work.bad):
        result, in_file = _whole_file(work, good)
        if result is not None:
            break
        if not skip_bad or not any(x.row.number in work.bad for x in good):
            # the file's own lines: the new rows broke something there (a redirect loop
            # through one of its links); said at those lines, beside the rows' own
            report.problems.extend(in_file)
            break
        good = [x for x in good if x.row.number not in work.bad]  # again without them
    for number in sorted(work.bad):
        report.refused.append(number)
        report.problems.extend(work.bad[number])
    report.problems.sort(key=lambda p: (p.file != work.table.name, p))
    if (work.bad and not skip_bad) or result is None:
        return None, report
    report.imported = [x.key for x in good]
    return result, report


def _whole_file(work: _Importer, good: list[_Row]) -> tuple[str | None, list[Problem]]:
    """The links file with ``good`` in it, checked whole: its text when it passes, and
    the errors the check finds on the file's own lines. An error on a new link's lines
    refuses its row; the new links' warnings are reported once they go in."""
    indent, step = adder.indentation(work.source)
    lines: list[adder.Line] = []
    keys = adder.keys_of(work.linkset)
    for i, item in enumerate(good):
        try:
            new, item.key = work.written(item, keys)
        except adder.AddError as exc:
            work.error("import-domains", item.row, "domains", str(exc))
            continue
        keys.add(item.key)
        lines.extend(adder.entry_lines(new, item.key, indent, step, entry=i))
    if any(x.row.number in work.bad for x in good):
        return None, []
    try:
        insertion = adder.insert_lines(work.source, lines)
    except adder.AddError as exc:
        raise ImportError_(
            [Problem(1, 1, ERROR, str(exc), None, str(work.path), rule="import-insert")]
        ) from None
    in_file: list[Problem] = []
    warnings = []
    for p in check_text(insertion.text, str(work.path)).problems:
        placed = adder.place(p, insertion)
        if placed.entry is None:
            if p.is_error:
                in_file.append(placed.problem)
            continue
        item = good[placed.entry]
        key = placed.key if placed.key in work.table.columns else "slug"
        message = adder.without_key(p.message, key)
        if p.is_error:
            work.error(p.rule, item.row, key, message, p.hint)
        else:
            warnings.append((p.rule, item.row, key, message, p.hint))
    if in_file or any(x.row.number in work.bad for x in good):
        return None, in_file
    for rule, row, key, message, hint in warnings:  # the new links' own, once they go in
        work.problem(rule, row, key, message, hint, WARNING)
    return insertion.text, []


def export_csv(linkset: LinkSet) -> str:
    """Every link as a row of COLUMNS: its URL as written in links.yaml, its dates as
    instants in the site's zone (exact wherever they are read), lists by ';'."""
    tz = zone(linkset.site.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for link in linkset.links:
        writer.writerow(
            [
                link.slug,
                link.target.display,
                link.expires.astimezone(tz).isoformat() if link.expires else "",
                link.starts.astimezone(tz).isoformat() if link.starts else "",
                link.title or "",
                link.description or "",
                list_cell(link.aliases),
                list_cell(link.tags),
                link.campaign or "",
                link.distributor.code if link.distributor else "",
                link.distributor.name if link.distributor else "",
                list_cell(link.domains) if linkset.site.several else "",
            ]
        )
    return out.getvalue()


# Keys of a link that no column carries: export says how many links have one (the CSV
# is no copy of them; links.yaml, in git, is).
NOT_EXPORTED = (
    "status",
    "image",
    "open_in_browser",
    "forward_query",
    "expired",
    "repoint_from",
    "devices",
    "languages",
    "countries",
    "variants",
    "password",
    "fallback",
)


def left_out(linkset: LinkSet) -> dict[str, int]:
    """How many links have each key the CSV does not carry (a campaign's are its own)."""
    site = linkset.site
    counts: dict[str, int] = {}
    for link in linkset.links:
        if link.campaign is not None:
            continue
        has = {
            "status": link.status not in (site.status, 302 if site.status == 301 else 307),
            "image": link.image is not None,
            "open_in_browser": link.open_in_browser,
            "forward_query": not link.forward_query,
            # site.expired is no key of the link's (validation gave it to the link)
            "expired": link.expired is not None and link.expired != site.expired,
            "repoint_from": link.repoint_from is not None,
            "devices": bool(link.devices),
            "languages": bool(link.languages),
            "countries": bool(link.countries),
            "variants": bool(link.variants),
            "password": link.password is not None,
            "fallback": link.fallback is not None,  # an app link's web page (apps.py)
        }
        for key, yes in has.items():
            if yes:
                counts[key] = counts.get(key, 0) + 1
    return counts
