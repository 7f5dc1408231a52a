"""``shortlinks list``: every link with its state and the time it has left.

Sorted the way a person scans them: links expiring soonest first, then active ones
without an end, then those not started yet (soonest start first), then expired ones
(most recent first); by slug within each group. ``--campaign`` shows one campaign's
links in the order its distributors are written (they share their dates, so their
states too).

With site.domains every row says the domains its link lives on (``domains``), and
``--domain`` lists one domain's links.

Links made by a campaign carry three more fields (campaign, distributor_code,
distributor_name) in the table and CSV, for every row, whenever the file has a campaign; a
file without one lists exactly as before. JSON is for tools: every key on every row, with
machine values (``record``).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..model import Campaign, Link, LinkSet, State
from ..names import did_you_mean
from ..plan import Plan
from ..times import describe, zone
from .markdown import code, md_cell

SOON = timedelta(days=7)
STATES = ("active", "scheduled", "expired", "expiring")
BASE = ["slug", "url", "state", "left", "starts", "expires", "title", "aliases", "tags"]
CAMPAIGN = ["campaign", "distributor_code", "distributor_name"]
HEADS = {"distributor_code": "CODE", "distributor_name": "NAME"}  # the table's, short
NAME_CELLS = 24  # a distributor's name in the table: enough for most, never the whole line


class UnknownCampaign(LookupError):
    """``--campaign`` names no campaign of the file."""


@dataclass(frozen=True)
class Row:
    link: Link
    state: str  # active, scheduled, expired, or expiring (active, ending within ``soon``)
    left: str  # "3 days", "in 2 hours", "" (no end), "ended 4 days ago"
    sort: tuple[object, ...]


def human(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"


def rows(plan: Plan, now: datetime, soon: timedelta = SOON) -> list[Row]:
    """Every link's row; an active link that ends within ``soon`` is 'expiring'."""
    out = []
    for link in plan.links:
        state = plan.state_of(link)
        if state is State.active:
            if link.expires is not None:
                left = link.expires - now
                name = "expiring" if left <= soon else "active"
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


def campaign_of(linkset: LinkSet, name: str, where: str = "links.yaml") -> Campaign:
    """The campaign called ``name``; the error names the ones there are."""
    for campaign in linkset.campaigns:
        if campaign.name == name:
            return campaign
    known = ", ".join(repr(c.name) for c in linkset.campaigns)
    close = did_you_mean(name, [c.name for c in linkset.campaigns])
    raise UnknownCampaign(
        f"no campaign {name!r} in {where}{close}: "
        + (f"its campaigns are {known}" if known else "it has no 'campaigns:' section")
    )


class UnknownTag(LookupError):
    """No link of the file has the tag asked for."""


def check_tag(linkset: LinkSet, tag: str, where: str = "links.yaml") -> None:
    """Nothing when a link has ``tag``; else the error names the close tags there are
    (a typo must not pass for an empty list)."""
    known = {t for link in linkset.links for t in link.tags}
    if tag not in known:
        raise UnknownTag(f"no link with the tag {tag!r} in {where}{did_you_mean(tag, known)}")


def campaign_links(linkset: LinkSet, campaign: Campaign) -> list[Link]:
    """The links a campaign made, in the order of its distributors."""
    by_slug = {link.slug: link for link in linkset.links if link.campaign == campaign.name}
    return [by_slug[slug] for slug in campaign.slugs if slug in by_slug]


def select(
    all_rows: list[Row], state: str | None, tag: str | None, campaign: Campaign | None = None
) -> list[Row]:
    picked = all_rows
    if campaign is not None:
        order = {slug: i for i, slug in enumerate(campaign.slugs)}
        picked = [r for r in picked if r.link.campaign == campaign.name]
        picked.sort(key=lambda r: order.get(r.link.slug, len(order)))
    if state == "active":  # expiring links are active too
        picked = [r for r in picked if r.state in ("active", "expiring")]
    elif state:
        picked = [r for r in picked if r.state == state]
    if tag:
        picked = [r for r in picked if tag in r.link.tags]
    return picked


def has_campaigns(plan: Plan) -> bool:
    """Whether the listing carries the campaign fields: the file has a campaign."""
    return any(link.campaign is not None for link in plan.links)


def _fields(
    row: Row, plan: Plan, campaigns: bool = False, fallbacks: bool = False
) -> dict[str, str]:
    """``fallbacks``: the file has links that open an app (``_has_fallbacks``, asked once)."""
    tz = zone(plan.site.timezone)
    link = row.link
    fields = {
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
    if plan.site.several:  # which of site.domains: the same slug may be on two
        fields["domains"] = " ".join(link.domains)
    if fallbacks:  # links that open an app: where visitors without it go
        fields["fallback"] = link.fallback.url if link.fallback else ""
    if campaigns:
        person = link.distributor
        fields["campaign"] = link.campaign or ""
        fields["distributor_code"] = person.code if person else ""
        fields["distributor_name"] = person.name if person else ""
    return fields


def _has_fallbacks(plan: Plan) -> bool:
    """Whether a link of the file opens an app with a fallback: then the table, CSV and
    Markdown have a 'fallback' column; a file without one lists exactly as before."""
    return any(link.fallback is not None for link in plan.links)


def cells(text: str) -> int:
    """Terminal columns: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - cells(text))


def clip(text: str, width: int) -> str:
    """At most ``width`` terminal columns, cut with '…'."""
    if cells(text) <= width:
        return text
    while cells(text) > width - 1:
        text = text[:-1]
    return text + "…"


def table(picked: list[Row], plan: Plan, width: int = 100, campaign: bool = False) -> str:
    """``campaign``: the rows are one campaign's, so its name is left out of every row."""
    if not picked:
        return "No links.\n"
    extra = has_campaigns(plan)
    fallbacks = _has_fallbacks(plan)
    data = [_fields(r, plan, extra, fallbacks) for r in picked]
    cols = ["slug", "state", "left"]
    if plan.site.several:
        cols.append("domains")
    if extra:
        cols += CAMPAIGN[1:] if campaign else CAMPAIGN
        for d in data:
            d["distributor_name"] = clip(d["distributor_name"], NAME_CELLS)
    if fallbacks:
        cols.append("fallback")
    cols.append("url")
    heads = {c: HEADS.get(c, c.upper()) for c in cols}
    widths = {c: max(len(heads[c]), *(cells(d[c]) for d in data)) for c in cols[:-1]}
    head = "  ".join(pad(heads[c], widths[c]) for c in cols[:-1]) + "  URL"
    lines = [head]
    for d in data:
        left = "  ".join(pad(d[c], widths[c]) for c in cols[:-1])
        room = max(20, width - cells(left) - 2)
        url = d["url"] if len(d["url"]) <= room else d["url"][: room - 1] + "…"
        lines.append(f"{left}  {url}")
    return "\n".join(lines) + "\n"


def record(row: Row, plan: Plan) -> dict[str, Any]:
    """One row of ``list --format json``: machine values, every key on every row (the
    schema is in docs/cli.md). Instants are ISO 8601 in site.timezone with their offset
    (``expires`` is the first instant the link is expired, as ``export`` writes it), lists
    are arrays, flags booleans, the status a number; a value the link has not is null."""
    tz = zone(plan.site.timezone)
    link = row.link
    person = link.distributor

    def instant(at: datetime | None) -> str | None:
        return at.astimezone(tz).isoformat() if at is not None else None

    return {
        "slug": link.slug,
        "url": link.target.url,
        "state": row.state,
        "left": row.left or None,
        "starts": instant(link.starts),
        "expires": instant(link.expires),
        "title": link.title,
        "description": link.description,
        "status": link.status,
        "aliases": list(link.aliases),
        "tags": list(link.tags),
        "domains": list(link.domains),
        "devices": [{"platform": name, "url": t.url} for name, t in link.devices],
        "languages": [{"language": tag, "url": t.url} for tag, t in link.languages],
        "countries": [{"country": code, "url": t.url} for code, t in link.countries],
        "variants": [{"url": t.url, "weight": w} for t, w in link.variants],
        "expired": link.expired.url if link.expired is not None else None,
        "fallback": link.fallback.url if link.fallback is not None else None,
        "password": link.password is not None,
        "forward_query": link.forward_query,
        "open_in_browser": link.open_in_browser,
        "campaign": link.campaign,
        "distributor_code": person.code if person else None,
        "distributor_name": person.name if person else None,
    }


def as_json(picked: list[Row], plan: Plan) -> str:
    return json.dumps([record(r, plan) for r in picked], ensure_ascii=False, indent=2) + "\n"


def as_csv(picked: list[Row], plan: Plan) -> str:
    out = io.StringIO()
    extra = has_campaigns(plan)
    fallbacks = _has_fallbacks(plan)
    fields = (
        BASE
        + (["domains"] if plan.site.several else [])
        + (["fallback"] if fallbacks else [])
        + (CAMPAIGN if extra else [])
    )
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in picked:
        writer.writerow(_fields(r, plan, extra, fallbacks))
    return out.getvalue()


def as_markdown(picked: list[Row], plan: Plan) -> str:
    """A Markdown table (the expiry reminder issue's, docs/health.md): every value from the
    file in a code span or escaped, so none links, mentions anyone or breaks the table.
    Without the time left, which changes every minute: the same links, the same table."""
    if not picked:
        return "No links.\n"
    extra = has_campaigns(plan)
    fallbacks = _has_fallbacks(plan)
    data = [_fields(r, plan, extra, fallbacks) for r in picked]
    cols = ["slug", "state", "expires"]
    if plan.site.several:
        cols.append("domains")
    if extra:
        cols += CAMPAIGN
    cols += ["title", "url"]
    if fallbacks:
        cols.append("fallback")
    as_code = {"slug", "url", "fallback", "domains", "distributor_code"}

    def cell(col: str, value: str) -> str:
        if not value:
            return ""
        return code(value) if col in as_code else md_cell(value)

    lines = ["| " + " | ".join(HEADS.get(c, c).replace("_", " ") for c in cols) + " |"]
    lines.append("|" + "---|" * len(cols))
    lines += ["| " + " | ".join(cell(c, d[c]) for c in cols) + " |" for d in data]
    return "\n".join(lines) + "\n"
