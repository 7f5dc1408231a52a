"""The plan -> every file of the site, as a stream of ``(relative path, bytes)``.

Pure: no clock and no disk. The same plan always gives the same bytes, which is
what makes builds reproducible and the golden tests possible. ``render`` gives the
files one after another (a million-link site is never in memory) and, once they have
all come, a ``RenderReport``: the notes for the user and each host's output.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from json.encoder import encode_basestring as _json_text  # type: ignore[attr-defined]
from typing import cast

from . import jsonout, previews, qr
from .hosts import HOSTS, UNLISTED_DEFAULT, HostOutput
from .model import Link, State, Target
from .pages import (
    PREVIEW_PAGE,
    PREVIEW_SCRIPT,
    PREVIEW_SHARDS,
    QR_LOGO,
    QR_SCRIPT,
    STYLE,
    VIEWS,
    Pages,
)
from .plan import Entry, Plan
from .rules import Kind, Rule, edge_rules
from .times import zone
from .urls import quote_path

ROBOTS = """\
# Short links: every page here only forwards to its target. Crawlers are welcome:
# chat apps draw link previews from these pages, and search engines follow the
# canonical link to the target (see docs/output.md, "Search engines").
User-agent: *
Allow: /
"""


@dataclass(frozen=True)
class Edge:
    """What a build answers at the edge, made once (``edge_of``) and passed to every step
    that reads it: the hosts it is for, the links' pages left out so that a host's rule
    applies (``pages_left_out``), and the plan's edge rules when they were made for that;
    else (None) ``iter_site_files`` makes them once, for every host, after the pages: the
    memory of a million rules is then what the pages' rendering has freed."""

    hosts: tuple[str, ...]
    left_out: frozenset[str]
    rules: tuple[Rule, ...] | None = None


def edge_of(plan: Plan, hosts: tuple[str, ...] | None = None) -> Edge:
    """The ``Edge`` of a build of ``plan`` for ``hosts`` (--host; None: ``selected_hosts``)."""
    names = selected_hosts(plan, hosts)
    if not (len(names) == 1 and HOSTS[names[0]].behaviour.files_override_rules):
        return Edge(names, frozenset())  # no page left out: no rule needed yet
    rules = edge_rules(plan)
    return Edge(names, frozenset(pages_left_out(plan, names, rules)), rules)


@dataclass(frozen=True)
class RenderReport:
    """What rendering the site's files found: notes for the user, each host's output
    (its files named, their contents kept only when asked), and how many rules each
    host answers at the edge."""

    notes: tuple[str, ...]
    hosts: dict[str, HostOutput]
    rules: dict[str, int]


Files = Generator[tuple[str, bytes], None, RenderReport]


class Rendered:
    """A stream of files as they are rendered, to be gone through once, and what
    rendering them found (``report``), once they have all come."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self._report: RenderReport | None = None

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        self._report = yield from self._files

    @property
    def report(self) -> RenderReport:
        if self._report is None:
            raise RuntimeError("the report is known once every file has been rendered")
        return self._report


def page_path(slug: str) -> str:
    """``slug.html``: GitHub Pages answers ``/slug`` from it directly, with no
    extra round trip (a folder would cost a 301 to ``/slug/`` first)."""
    return f"{slug}.html"


def link_record(plan: Plan, link: Link) -> dict[str, object]:
    """One link as links.json lists it (docs/output.md): the reference for ``_record_text``,
    which writes the same JSON without making the dict."""
    tz = zone(plan.site.timezone)
    base = plan.site.base_url

    def iso(at: datetime | None) -> str | None:
        return at.astimezone(tz).isoformat() if at is not None else None

    # not published before it starts (the pages keep it secret until then too), nor behind
    # a password (its page holds it encrypted only)
    state = plan.state_of(link)
    secret = state is State.scheduled or link.password is not None
    record = {
        "slug": link.slug,
        "url": None if secret else link.target.url,
        "short_url": f"{base}/{link.slug}" if base else None,
        "status": link.status,
        "state": state.value,
        "starts": iso(link.starts),
        "expires": iso(link.expires),
        "expired_url": link.expired.url if link.expired else None,
        "title": link.title,
        "description": link.description,
        "image": link.image.url if link.image else None,
        "open_in_browser": link.open_in_browser,
        "aliases": list(link.aliases),
        "tags": list(link.tags),
        "forward_query": link.forward_query,
        "devices": {} if secret else {p: t.url for p, t in link.devices},
        "languages": {} if secret else {g: t.url for g, t in link.languages},
        "countries": {} if secret else {c: t.url for c, t in link.countries},
        "variants": [] if secret else [{"url": t.url, "weight": w} for t, w in link.variants],
        "password": link.password is not None,
        "counted": link.counted,
        "campaign": link.campaign,
        # the code only: the names of the people are the team's, not the web's
        "distributor": link.distributor.code if link.distributor else None,
    }
    if link.fallback is not None:  # a link that opens an app: where visitors without it go
        record["fallback"] = None if secret else link.fallback.url
    return record


def _json_opt(value: str | None) -> str:
    return "null" if value is None else _json_text(value)


def _json_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(map(_json_text, values)) + "]" if values else "[]"


def _json_mapping(pairs: tuple[tuple[str, Target], ...], secret: bool) -> str:
    """``{key: url}`` of ``pairs``, as json writes it; ``{}`` for a secret link's."""
    if not pairs or secret:
        return "{}"
    return "{" + ", ".join(f"{_json_text(k)}: {_json_text(t.url)}" for k, t in pairs) + "}"


def _fallback(link: Link, secret: bool) -> str:
    """The member ``link_record`` adds for a link that opens an app (its fallback)."""
    fallback = link.fallback
    return f', "fallback": {"null" if secret or fallback is None else _json_text(fallback.url)}'


def _record_texts(plan: Plan) -> Iterator[str]:
    """Each link's ``link_record`` as json's encoder writes it (``jsonout.with_list``: no
    ASCII escapes, ``", "`` and ``": "``), made without the dict: the same bytes (tests
    compare them on every kind of value), in 0.4 of the time at 100,000 links."""
    tz = zone(plan.site.timezone)
    base = plan.site.base_url
    text = _json_text
    state_of = plan.state_of
    scheduled = State.scheduled
    isos: dict[datetime, str] = {}  # an instant's text, once (links share dates)

    def iso(at: datetime | None) -> str:
        if at is None:
            return "null"
        said = isos.get(at)
        if said is None:
            said = isos[at] = text(at.astimezone(tz).isoformat())
        return said

    for link in plan.links:
        state = state_of(link)
        locked = link.password is not None
        secret = state is scheduled or locked
        slug = text(link.slug)
        devices = _json_mapping(link.devices, secret)
        languages = _json_mapping(link.languages, secret)
        countries = _json_mapping(link.countries, secret)
        variants = (
            "["
            + ", ".join(f'{{"url": {text(t.url)}, "weight": {int(w)}}}' for t, w in link.variants)
            + "]"
            if link.variants and not secret
            else "[]"
        )
        expired, image, who = link.expired, link.image, link.distributor
        yield (
            f'{{"slug": {slug}, "url": {"null" if secret else text(link.target.url)}, '
            f'"short_url": {text(f"{base}/{link.slug}") if base else "null"}, '
            f'"status": {int(link.status)}, "state": "{state.value}", '
            f'"starts": {iso(link.starts)}, "expires": {iso(link.expires)}, '
            f'"expired_url": {"null" if expired is None else text(expired.url)}, '
            f'"title": {_json_opt(link.title)}, "description": {_json_opt(link.description)}, '
            f'"image": {"null" if image is None else text(image.url)}, '
            f'"open_in_browser": {"true" if link.open_in_browser else "false"}, '
            f'"aliases": {_json_list(link.aliases)}, "tags": {_json_list(link.tags)}, '
            f'"forward_query": {"true" if link.forward_query else "false"}, '
            f'"devices": {devices}, "languages": {languages}, "countries": {countries}, '
            f'"variants": {variants}, "password": {"true" if locked else "false"}, '
            f'"counted": {"true" if link.counted else "false"}, '
            f'"campaign": {_json_opt(link.campaign)}, '
            f'"distributor": {"null" if who is None else text(who.code)}'
            + (_fallback(link, secret) if link.fallback is not None else "")
            + "}"
        )


def links_json(plan: Plan) -> jsonout.Chunks:
    """links.json: the site's head, then each link's record on a line of its own."""
    tz = zone(plan.site.timezone)
    at = plan.next_change.at if plan.next_change else None
    head = {
        "domain": plan.site.domain,
        "timezone": plan.site.timezone,
        "next_change": at.astimezone(tz).isoformat() if at is not None else None,
    }
    return jsonout.with_texts(head, "links", _record_texts(plan))


QR_CHUNK = 2000  # short URLs whose codes are fetched (or made) at once


def render(
    plan: Plan,
    pages: Pages,
    edge: Edge,
    entries: Iterable[Entry],
    progress: Callable[[int], None] | None = None,
    qr_codes: Callable[[list[str]], dict[str, tuple[bytes, bytes]]] | None = None,
    keep: bool = False,
) -> Rendered:
    """The files of ``entries`` (all of the plan's, or this process's share of them:
    ``iter_pages``), then those of the site as a whole (``iter_site_files``), one after
    another, so that a million-link site is never in memory at once; then the report.
    ``progress`` is told of each slug rendered (the progress bar). ``qr_codes`` gives the
    SVG and PNG of each short URL (build.py passes a cached one). ``keep``: keep each
    host's file contents in the report (not only their names)."""

    def files() -> Files:
        yield from iter_pages(plan, pages, edge.left_out, entries, progress, qr_codes)
        return (yield from iter_site_files(plan, pages, edge, keep))

    return Rendered(files())


def iter_pages(
    plan: Plan,
    pages: Pages,
    left_out: Collection[str],
    entries: Iterable[Entry],
    progress: Callable[[int], None] | None = None,
    qr_codes: Callable[[list[str]], dict[str, tuple[bytes, bytes]]] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """The files of each of ``entries`` (any share of them: builds render shares side by
    side): its page, preview, QR codes, and the pages its script may go to; no page for
    the paths ``left_out`` (``pages_left_out``)."""
    # per-link QR files only with 'qr: files' (the preview pages draw the codes otherwise)
    base = plan.site.base_url if plan.site.qr == "files" else None
    short_urls: dict[str, str] = {}

    def codes() -> Iterator[tuple[str, bytes]]:
        urls = list(short_urls.values())
        made = qr_codes(urls) if qr_codes else qr.codes(urls, style=plan.site.qr_style)
        for slug, url in short_urls.items():
            svg_path, png_path = qr.paths(slug)
            svg_bytes, png_bytes = made[url]
            yield svg_path, svg_bytes
            yield png_path, png_bytes
        short_urls.clear()

    for entry in entries:
        slug = entry.slug
        if "/" + slug not in left_out:
            yield page_path(slug), pages.entry(entry)
        if progress:
            progress(1)
        if plan.site.preview == "files":  # '/slug+': its own preview page (else: shared)
            yield f"{slug}+.html", pages.preview(entry)
        if base:
            short_urls[slug] = f"{base}/{quote_path(slug)}"
            if len(short_urls) >= QR_CHUNK:
                yield from codes()
    yield from codes()


def iter_site_files(plan: Plan, pages: Pages, edge: Edge, keep: bool = False) -> Files:
    """The files of the site as a whole: landing, 404, robots, links.json, rule files;
    then (the generator's value) the report. ``keep``: keep each host's file contents in
    the report, not only their names."""
    yield from own_files(plan, pages).items()
    yield from data_files(plan, pages)
    return (yield from host_files(plan, edge, keep))


def site_parts(
    plan: Plan, pages: Pages, edge: Edge
) -> list[Callable[[], Iterable[tuple[str, bytes | jsonout.Chunks]]]]:
    """``iter_site_files`` but its cheap pages (``own_files``, made by the caller), in
    parts that can be made side by side (a build makes each in a worker of its own): the
    preview shards and links.json (``data_files``), and last the hosts' files, a
    ``Rendered`` whose report is the whole site's (``iter_site_files``')."""
    parts: list[Callable[[], Iterable[tuple[str, bytes | jsonout.Chunks]]]] = []
    if plan.site.preview is True or plan.site.links_json:
        # one part, not two: each reads every link, and a worker that reads every link
        # copies every page of memory that holds one (copy-on-write, as it counts the
        # references): one such worker fewer is a tenth of a second less at 100,000 links
        parts.append(lambda: data_files(plan, pages))
    for group in host_groups(edge.hosts):
        parts.append(lambda group=group: Rendered(host_files(plan, edge, group=group)))
    return parts


def host_groups(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``names`` in one group, or two (in order) when many hosts answer at the edge: their
    rule files are the longest part of a build's own files, and each group makes the edge
    rules for itself, which is worth it only then."""
    ruled = [name for name in names if HOSTS[name].statuses]
    if len(ruled) < 4:
        return [names]
    cut = names.index(ruled[len(ruled) // 2])
    return [names[:cut], names[cut:]]


def merge_reports(edge: Edge, parts: Sequence[RenderReport]) -> RenderReport:
    """The report of ``host_files`` of every host, from those of its groups (in order)."""
    outputs: dict[str, HostOutput] = {}
    ruled: dict[str, int] = {}
    claimed: set[str] = set()
    for part in parts:
        for name, out in part.hosts.items():
            if set(out.files) & claimed:  # a programming error, as in host_files
                raise RuntimeError(f"host {name} writes {sorted(set(out.files) & claimed)}")
            claimed |= set(out.files)
        outputs.update(part.hosts)
        ruled.update(part.rules)
    notes = tuple(note for part in parts for note in part.notes)
    return RenderReport(notes, outputs, {name: ruled.get(name, 0) for name in edge.hosts})


def own_files(plan: Plan, pages: Pages) -> dict[str, bytes]:
    """The site's pages and robots.txt: what ``iter_site_files`` gives first."""
    own = shared_pages(plan, pages)
    own["robots.txt"] = ROBOTS.encode()
    return own


def data_files(plan: Plan, pages: Pages) -> Iterator[tuple[str, bytes | jsonout.Chunks]]:
    """The shared preview's data (its shards) and links.json: what ``iter_site_files``
    gives after ``own_files``, before the hosts' files."""
    if plan.site.preview is True:  # the data of the shared preview page of every '/slug+'
        count = previews.shard_count(len(plan.entries))
        if pages is UNMADE_PAGES:  # only the paths count (limits.py sizes them apart)
            yield from ((f"{PREVIEW_SHARDS}/{i}.json", UNMADE) for i in range(count))
        else:
            yield from preview_shards(plan, pages, count)
    if plan.site.links_json:  # it lists every slug: 'links_json: false' keeps them unlisted
        yield "links.json", links_json(plan)


# Keys that take a link's edge rule away on every host (docs/hosts.md): which links have
# one, what they are called, why only the page can answer them, and what it costs.
_PAGE_COSTS: tuple[tuple[Callable[[Link], object], str, str, str], ...] = (
    (lambda link: link.variants, "with variants", "only the page can pick a variant",
     "one HTML hop slower"),
    (lambda link: link.open_in_browser, "with open_in_browser",
     "only the page can tell an in-app browser by its user agent", "one HTML hop slower"),
    (lambda link: link.opens_app, "that open an app",
     "only the page can open the app, fall back or show its QR code", "a page instead of a rule"),
)  # fmt: skip


def page_cost_notes(plan: Plan) -> list[str]:
    """Costs the user chose, said once (docs/hosts.md): keys that take a link's edge rule
    away on every host, since only its page can do what they ask."""
    notes = []
    for has, what, why, cost in _PAGE_COSTS:
        count = sum(1 for link in plan.links if has(link))
        if count:
            notes.append(
                f"{count} link(s) {what} are answered by their page on every host, never by "
                f"an edge rule ({why}): {cost}"
            )
    return notes


def host_files(
    plan: Plan, edge: Edge, keep: bool = False, group: tuple[str, ...] | None = None
) -> Files:
    """Each host's files, then the report; none may claim a path the site's own files
    (``own_files``, ``data_files``) or another host's have. ``group``: only these hosts'
    (``host_groups``), with a report whose ``rules`` are as the hosts said them, for
    ``merge_reports``."""
    names, left_out = edge.hosts, edge.left_out
    mine = names if group is None else group
    notes: list[str] = []
    if left_out and names[0] in mine:
        notes.append(
            f"{len(left_out)} link page(s) left out: files override redirects on "
            f"{HOSTS[names[0]].title}, so those links are answered by its rules alone"
        )
    if names and names[0] in mine:
        notes += page_cost_notes(plan)
    style = plan.site.qr_style
    drawn = plan.site.qr and plan.site.base_url  # else no code, and no logo file
    if style and style.logo and drawn and names and names[0] in mine:
        notes.append(  # a cost the user chose, said once (docs/hosts.md)
            f"site.qr's logo is one more shared file, /{QR_LOGO} ({len(style.logo):,} bytes), "
            "which each preview loads to draw it into the code"
        )
    claimed = set(own_files(plan, UNMADE_PAGES)) | {p for p, _ in data_files(plan, UNMADE_PAGES)}
    # made once, for every host; not at all when none answers at the edge (GitHub Pages)
    rules = edge.rules
    if rules is None:
        rules = edge_rules(plan) if any(HOSTS[name].statuses for name in mine) else ()
    outputs: dict[str, HostOutput] = {}
    ruled: dict[str, int] = {}
    for name in mine:
        out = HOSTS[name].render(plan, frozenset(names), rules)
        clash = set(out.files) & claimed
        if clash:  # two hosts claiming one file is a programming error, not user input
            raise RuntimeError(f"host {name} writes {sorted(clash)}, already written")
        claimed |= set(out.files)
        if keep:  # contents made as they are written (jsonout.Chunks), made whole to keep
            out.files = {
                k: v if isinstance(v, bytes) else b"".join(v) for k, v in out.files.items()
            }
        yield from out.files.items()
        notes.extend(out.notes)
        ruled.update(out.ruled)  # a file several hosts read: each of theirs
        outputs[name] = out if keep else replace(out, files=dict.fromkeys(out.files, b""))
    if group is not None:
        return RenderReport(tuple(notes), outputs, ruled)
    return RenderReport(tuple(notes), outputs, {name: ruled.get(name, 0) for name in names})


def shared_pages(plan: Plan, pages: Pages) -> dict[str, bytes]:
    """The pages and scripts of the site as a whole that ``pages`` makes: the landing and
    404 pages, what the links' pages share (a view shown in their own place: expired, open
    in browser), the QR script and the shared preview page."""
    own = {
        "index.html": pages.index(),
        "404.html": pages.not_found(),
        VIEWS: pages.views(),
        STYLE: pages.style(),
    }
    if plan.site.qr and plan.site.base_url:  # a code needs the short URL: site.domain
        own[QR_SCRIPT] = pages.qr_script()
        style = plan.site.qr_style
        if style is not None and style.logo:  # drawn into each code by qr.js
            own[QR_LOGO] = style.logo
    if plan.site.preview is True:  # one shared preview page for every '/slug+'
        own[PREVIEW_PAGE] = pages.preview_page()
        own[PREVIEW_SCRIPT] = pages.preview_script(previews.shard_count(len(plan.entries)))
    return own


def preview_shards(plan: Plan, pages: Pages, count: int) -> Iterator[tuple[str, bytes]]:
    """The shared preview's data files: every entry's record (sealed with its slug where
    the site keeps its slugs unlisted), in ``count`` shards (previews.py)."""
    records = ((e.slug, pages.preview_data(e)) for e in plan.entries)
    # a few small objects a record and no cycle: the collector paused, else its passes
    # walk every record made so far again and again (a full pass among them)
    collecting = gc.isenabled()
    gc.disable()
    try:
        # sealed only where links.json does not list every slug already (previews.py)
        made = previews.shards(records, count, sealed=not plan.site.links_json)
    finally:
        if collecting:
            gc.enable()
    for i, shard in enumerate(made):
        yield f"{PREVIEW_SHARDS}/{i}.json", previews.dump(shard)


class _Unmade:
    """In place of ``Pages`` where only the paths count: any page it is asked for is
    ``UNMADE``, so the paths come from the very code that writes them, none rendered."""

    def __getattr__(self, name: str) -> Callable[..., bytes]:
        return lambda *args, **kwargs: UNMADE


class _Empty(bytes):
    """Empty bytes of their own: ``is UNMADE`` tells a page not made from an empty file."""


UNMADE = _Empty()
UNMADE_PAGES = cast(Pages, _Unmade())


def site_paths(
    plan: Plan, hosts: tuple[str, ...] | None = None
) -> Iterator[tuple[str, bytes | jsonout.Chunks | None]]:
    """Every file a build of ``plan`` writes, in the order it writes them, through the code
    that writes them (``iter_pages``, ``iter_site_files``), with the pages, previews and
    QR codes not made (``None``): what the hosts' limits are checked against (limits.py)
    at a fraction of a build's cost. The rest (hosts' files, links.json, robots.txt) comes
    as made, big ones as ``Chunks`` not yet read."""

    def no_codes(urls: list[str]) -> dict[str, tuple[bytes, bytes]]:
        return dict.fromkeys(urls, (UNMADE, UNMADE))

    made = edge_of(plan, hosts)
    files = chain(
        iter_pages(plan, UNMADE_PAGES, made.left_out, plan.entries, None, no_codes),
        iter_site_files(plan, UNMADE_PAGES, made),
    )
    for path, data in files:
        yield path, None if data is UNMADE else data


def page_folders(plan: Plan, hosts: tuple[str, ...] | None = None) -> Counter[str]:
    """How many files ``iter_pages`` writes into each folder ('' the top one) for every
    entry of ``plan``, none made: what ``check`` counts against the hosts' caps
    (limits.py). It follows ``iter_pages`` line by line (tests/test_limits.py holds the
    two together) at a tenth of the cost of going through its paths."""
    left_out = pages_left_out(plan, selected_hosts(plan, hosts))
    codes = 2 if plan.site.qr == "files" and plan.site.base_url else 0
    preview = 1 if plan.site.preview == "files" else 0  # else: the shared page
    counts: Counter[str] = Counter()
    top = plain = 0  # the files of slugs with no folder: most of them
    for entry in plan.entries:
        slug = entry.slug
        page = 0 if left_out and "/" + slug in left_out else 1
        cut = slug.rfind("/")
        if cut < 0:
            top += page + preview
            plain += 1
            continue
        folder = slug[:cut]
        counts[folder] += page + preview
        if codes:
            counts[f"{qr.FOLDER}/{folder}"] += codes
    counts[""] += top
    counts[qr.FOLDER] += codes * plain
    return +counts  # no folder of no file


def pages_left_out(
    plan: Plan, names: tuple[str, ...], rules: tuple[Rule, ...] | None = None
) -> set[str]:
    """Paths whose page must not exist so the host's redirect can apply.

    Only when the build is for one host alone on which an existing file overrides a
    rule (GitLab Pages): any other host beside it may need the page. Expired links
    (410) keep theirs: it is the text of the answer. ``rules``: the plan's edge rules,
    when made already.
    """
    if len(names) != 1 or not HOSTS[names[0]].behaviour.files_override_rules:
        return set()
    ruled = HOSTS[names[0]].ruled(plan, frozenset(names), rules)
    return {r.path for r in ruled if r.kind is Kind.redirect and r.path != "/"}


def selected_hosts(plan: Plan, override: tuple[str, ...] | None) -> tuple[str, ...]:
    """--host wins over site.hosts; neither means every host, or with 'links_json: false'
    only those whose files list no slug (GitHub Pages'). Registry order."""
    default = tuple(HOSTS) if plan.site.links_json else UNLISTED_DEFAULT
    chosen = override or plan.site.hosts or default
    return tuple(name for name in HOSTS if name in chosen)
