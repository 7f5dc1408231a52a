"""What a change to links.yaml does: links added, changed, removed, and expiring soon.

Reviewers of a pull request see this in the job summary (``shortlinks diff BASE HEAD``),
so a one-character change to a printed link cannot slip through unnoticed. Each side
is a file or a git ref (the file at that ref); links are compared by slug, field by
field, after validation, so a reformatted file with the same links shows no change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .. import gitfiles
from ..load import load_text
from ..model import Link, LinkSet, QrStyle, Site
from ..problems import Problem
from ..times import describe, zone
from ..validate import validate_partial
from .markdown import md_cell

SOON = timedelta(days=7)

# The fields people set, in the order a reviewer reads them.
FIELDS = (
    "target",
    "status",
    "starts",
    "expires",
    "expired",
    "title",
    "description",
    "image",
    "aliases",
    "tags",
    "forward_query",
    "open_in_browser",
    "domains",
    "devices",
    "languages",
    "countries",
    "variants",
    "password",
    "fallback",
    "counted",
)

# The site's keys that decide where visitors go and no link shows: where unknown slugs go.
# (site.expired shows on each link it reaches, as its effective 'expired'; shown here too.)
SITE_FIELDS = ("not_found", "expired")

# How the site's QR codes look: no link shows it, and a printed code in another colour is
# a change a reviewer should see (QrStyle's keys, as written under site.qr).
QR_KEYS = ("dark", "light", "quiet_zone", "logo", "logo_size")


class SourceError(Exception):
    """A side of the diff could not be read (no such file, no such ref)."""


@dataclass
class Side:
    name: str  # as the user gave it
    linkset: LinkSet | None  # None: no file there (no problems), or one that does not load
    problems: list[Problem] = field(default_factory=list)
    slugs: frozenset[str] = frozenset()  # every slug written, the ones with mistakes too


def read_side(spec: str, file: str = "links.yaml") -> Side:
    """``spec`` is a path to a file, or a git ref whose ``file`` is read (``REF:path`` too)."""
    path = Path(spec)
    if not gitfiles.is_commit(spec.partition(":")[0]) and path.is_file():
        text, name = path.read_text(encoding="utf-8"), spec
    else:
        ref, _, inner = spec.partition(":")
        target = inner or file
        try:
            shown = gitfiles.show(ref, target)
        except gitfiles.GitError as exc:
            raise SourceError(
                f"{spec!r} is neither a file nor a git ref with {target}: {exc}"
            ) from None
        if shown is None:
            return Side(spec, None)  # no file there yet: every link is new
        text, name = shown, f"{ref}:{target}"
    doc, problems = load_text(text, name)
    if doc is None:
        return Side(spec, None, problems)
    linkset, more = validate_partial(doc)  # the links that are fine, beside any mistake
    links = doc.data.get("links") if isinstance(doc.data, dict) else None
    slugs = frozenset(k for k in links if isinstance(k, str)) if isinstance(links, dict) else ()
    return Side(spec, linkset, sorted(problems + more), frozenset(slugs))


@dataclass
class Change:
    slug: str
    fields: list[tuple[str, str, str]]  # (field, before, after)


@dataclass
class Diff:
    added: list[Link] = field(default_factory=list)
    removed: list[Link] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    expiring: list[Link] = field(default_factory=list)  # in HEAD, within SOON of now
    broken: list[str] = field(default_factory=list)  # written in HEAD, but with a mistake
    # site.<SITE_FIELDS>, site.qr and site.qr.<QR_KEYS>
    site: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.broken or self.site)


def _key(link: Link) -> str:
    """What a link is compared and shown by: its key in links.yaml; a campaign's link by
    its campaign and slug (it may share its slug with a link on another domain)."""
    return link.name if link.campaign is None else f"{link.campaign}:{link.slug}"


def _goes(link: Link) -> str:
    """Where a link goes, as the summary shows it: its target, and the domains it lives on
    when it names some other than the one its key says."""
    on = f" (on {', '.join(link.domains)})" if len(link.domains) > 1 else ""
    return link.target.url + on


def _value(link: Link, name: str, tz: object) -> str:
    value = getattr(link, name)
    if name in ("devices", "languages", "countries"):
        return ", ".join(f"{p}: {t.url}" for p, t in value)
    if name == "variants":
        return ", ".join(f"{t.url} (weight {w})" for t, w in value)
    if name == "password":  # the file holds it in the clear; the summary does not repeat it
        return f"(set, {hashlib.sha256(value.encode()).hexdigest()[:6]})" if value else ""
    if name == "counted":
        return "" if value else "false"
    if value is None or value == () or (value is False and name == "open_in_browser"):
        return ""
    if isinstance(value, datetime):  # an expiry shows its last valid day, as people wrote it
        return describe(value, tz, end=name == "expires")  # type: ignore[arg-type]
    if hasattr(value, "url"):
        return value.url
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compare(
    base: LinkSet | None, head: LinkSet, now: datetime, head_slugs: frozenset[str] = frozenset()
) -> Diff:
    """``head_slugs``: every slug written in HEAD; those missing from ``head`` have a mistake
    and are reported as broken, not as removed."""
    tz = zone(head.site.timezone)
    before = {_key(link): link for link in (base.links if base else ())}
    after = {_key(link): link for link in head.links}
    out = Diff()
    out.added = [after[s] for s in after if s not in before]
    out.removed = [before[s] for s in before if s not in after and s not in head_slugs]
    out.broken = sorted(s for s in head_slugs if s not in after)
    for slug in after:
        if slug not in before:
            continue
        fields = []
        for name in FIELDS:
            a, b = _value(before[slug], name, tz), _value(after[slug], name, tz)
            if a != b:
                fields.append((name, a, b))
        if fields:
            out.changed.append(Change(slug, fields))
    out.expiring = [
        link for link in head.links if link.expires and now < link.expires <= now + SOON
    ]
    for name in SITE_FIELDS:
        a = getattr(base.site, name) if base else None
        b = getattr(head.site, name)
        if (a and a.url) != (b and b.url):
            out.site.append((f"site.{name}", a.url if a else "", b.url if b else ""))
    before_qr, after_qr = _qr(base.site if base else Site()), _qr(head.site)
    out.site += [(k, before_qr[k], v) for k, v in after_qr.items() if before_qr.get(k, v) != v]
    return out


def _qr(site: Site) -> dict[str, str]:
    """``site.qr`` (true, false or files) and, while codes are drawn, each key of their
    style as ``site.qr.<key>``, defaults filled in: a style written out or left to its
    defaults is the same codes, and shows no change. Codes turned off have no style to
    compare: the change is ``site.qr: true -> false`` alone."""
    out = {"site.qr": "files" if site.qr == "files" else "true" if site.qr else "false"}
    if not site.qr:
        return out
    style = site.qr_style or QrStyle()
    for key in QR_KEYS:
        value = getattr(style, key)
        if key == "logo":  # a PNG: shown by its digest, as a password is
            value = f"(set, {hashlib.sha256(value).hexdigest()[:6]})" if value else None
        out[f"site.qr.{key}"] = "" if value is None else str(value)
    return out


def markdown(
    diff: Diff, head: LinkSet, base_name: str, head_name: str, problems: list[Problem] = ()
) -> str:
    """The job summary: tables a reviewer reads on the pull request's checks page."""
    tz = zone(head.site.timezone)
    esc = md_cell
    lines = [f"### Links: `{esc(base_name)}` → `{esc(head_name)}`", ""]
    errors = [p for p in problems if p.is_error]
    if errors:
        lines += [f"**{len(errors)} problem(s) to fix** (annotated on their lines):", ""]
        lines += [f"- line {p.line}: {esc(p.message)}" for p in errors]
        lines.append("")
    if diff.empty:
        lines.append("No link added, changed or removed.")
    counts = f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed"
    if diff.broken:
        counts += f", {len(diff.broken)} with a mistake"
    lines += [counts, ""]
    if diff.added:
        lines += ["#### Added", "", "| slug | goes to | expires |", "|---|---|---|"]
        lines += [
            f"| `{esc(_key(link))}` | {esc(_goes(link))} | "
            f"{esc(describe(link.expires, tz, end=True)) if link.expires else ''} |"
            for link in diff.added
        ]
        lines.append("")
    if diff.site:
        lines += ["#### Site", "", "| key | before | after |", "|---|---|---|"]
        lines += [f"| {name} | {esc(a)} | {esc(b)} |" for name, a, b in diff.site]
        lines.append("")
    if diff.changed:
        lines += ["#### Changed", "", "| slug | field | before | after |", "|---|---|---|---|"]
        for change in diff.changed:
            for name, a, b in change.fields:
                lines.append(f"| `{esc(change.slug)}` | {name} | {esc(a)} | {esc(b)} |")
        lines.append("")
    if diff.broken:
        lines += ["#### With a mistake (not built until fixed)", ""]
        lines += [f"- `{esc(slug)}`" for slug in diff.broken]
        lines.append("")
    if diff.removed:
        lines += ["#### Removed", "", "| slug | went to |", "|---|---|"]
        lines += [f"| `{esc(_key(link))}` | {esc(_goes(link))} |" for link in diff.removed]
        lines.append("")
    if diff.expiring:
        lines += ["#### Expiring within 7 days", "", "| slug | expires |", "|---|---|"]
        lines += [
            f"| `{esc(_key(link))}` | {esc(describe(link.expires, tz, end=True))} |"  # type: ignore[arg-type]
            for link in diff.expiring
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def text(diff: Diff, head: LinkSet) -> str:
    tz = zone(head.site.timezone)
    lines = [_site_line(name, a, b) for name, a, b in diff.site]
    lines += [f"+ {_key(link)}  {_goes(link)}" for link in diff.added]
    for change in diff.changed:
        for name, a, b in change.fields:
            lines.append(f"~ {change.slug}  {name}: {a or '(none)'} -> {b or '(none)'}")
    lines += [f"- {_key(link)}  {_goes(link)}" for link in diff.removed]
    lines += [f"x {slug}  has a mistake (shortlinks check)" for slug in diff.broken]
    lines += [
        f"! {_key(link)}  expires {describe(link.expires, tz, end=True)}"  # type: ignore[arg-type]
        for link in diff.expiring
    ]
    lines.append(
        f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed, "
        f"{len(diff.expiring)} expiring within 7 days"
    )
    return "\n".join(lines) + "\n"


def _site_line(name: str, a: str, b: str) -> str:
    """``~ site.not_found: A -> B``; a key of the QR style under site.qr, by its name:
    ``~ site.qr: dark #1a237e -> #000000``."""
    head, _, key = name.partition("site.qr.")
    if not head and key:
        return f"~ site.qr: {key} {a or '(none)'} -> {b or '(none)'}"
    return f"~ {name}: {a or '(none)'} -> {b or '(none)'}"


def as_json(diff: Diff) -> str:
    doc = {
        "added": [_key(link) for link in diff.added],
        "changed": [
            {
                "slug": c.slug,
                "fields": [{"field": f, "before": a, "after": b} for f, a, b in c.fields],
            }
            for c in diff.changed
        ],
        "removed": [_key(link) for link in diff.removed],
        "expiring": [_key(link) for link in diff.expiring],
        "broken": diff.broken,
        "site": [{"field": f, "before": a, "after": b} for f, a, b in diff.site],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
