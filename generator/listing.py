"""``shortlinks list``: every link with its state and the time it has left.

Sorted the way a person scans them: links expiring soonest first, then active ones
without an end, then those not started yet (soonest start first), then expired ones
(most recent first); by slug within each group.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from .model import Link, State
from .plan import Plan
from .times import describe, zone

SOON = timedelta(days=7)
STATES = ("active", "scheduled", "expired", "expiring")


@dataclass(frozen=True)
class Row:
    link: Link
    state: str  # active, scheduled, expired, or expiring (active, ending within 7 days)
    left: str  # "3 days", "in 2 hours", "" (no end), "ended 4 days ago"
    sort: tuple[object, ...]


def human(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"


def rows(plan: Plan, now: datetime) -> list[Row]:
    out = []
    for link in plan.links:
        state = plan.state_of(link)
        if state is State.active:
            if link.expires is not None:
                left = link.expires - now
                name = "expiring" if left <= SOON else "active"
                out.append(Row(link, name, human(left), (0, link.expires, link.slug)))
            else:
                out.append(Row(link, "active", "", (1, now, link.slug)))
        elif state is State.scheduled:
            assert link.starts is not None
            out.append(
                Row(
                    link,
                    "scheduled",
                    f"starts in {human(link.starts - now)}",
                    (2, link.starts, link.slug),
                )
            )
        else:
            assert link.expires is not None
            out.append(
                Row(
                    link,
                    "expired",
                    f"ended {human(now - link.expires)} ago",
                    (3, now - link.expires, link.slug),
                )
            )
    return sorted(out, key=lambda r: r.sort)


def select(all_rows: list[Row], state: str | None, tag: str | None) -> list[Row]:
    picked = all_rows
    if state == "active":  # expiring links are active too
        picked = [r for r in picked if r.state in ("active", "expiring")]
    elif state:
        picked = [r for r in picked if r.state == state]
    if tag:
        picked = [r for r in picked if tag in r.link.tags]
    return picked


def _fields(row: Row, plan: Plan) -> dict[str, str]:
    tz = zone(plan.site.timezone)
    link = row.link
    return {
        "slug": link.slug,
        "url": link.target.url,
        "state": row.state,
        "left": row.left,
        "starts": describe(link.starts, tz) if link.starts else "",
        "expires": describe(link.expires, tz, end=True) if link.expires else "",
        "title": link.title or "",
        "aliases": " ".join(link.aliases),
        "tags": " ".join(link.tags),
    }


def cells(text: str) -> int:
    """Terminal columns: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - cells(text))


def table(picked: list[Row], plan: Plan, width: int = 100) -> str:
    if not picked:
        return "No links.\n"
    data = [_fields(r, plan) for r in picked]
    cols = ["slug", "state", "left", "url"]
    widths = {c: max(len(c), *(cells(d[c]) for d in data)) for c in cols[:-1]}
    head = "  ".join(pad(c.upper(), widths[c]) for c in cols[:-1]) + "  URL"
    lines = [head]
    for d in data:
        left = "  ".join(pad(d[c], widths[c]) for c in cols[:-1])
        room = max(20, width - cells(left) - 2)
        url = d["url"] if len(d["url"]) <= room else d["url"][: room - 1] + "…"
        lines.append(f"{left}  {url}")
    return "\n".join(lines) + "\n"


def as_json(picked: list[Row], plan: Plan) -> str:
    return json.dumps([_fields(r, plan) for r in picked], ensure_ascii=False, indent=2) + "\n"


def as_csv(picked: list[Row], plan: Plan) -> str:
    out = io.StringIO()
    fields = ["slug", "url", "state", "left", "starts", "expires", "title", "aliases", "tags"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in picked:
        writer.writerow(_fields(r, plan))
    return out.getvalue()
