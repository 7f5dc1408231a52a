"""Does the site fit the hosts it is built for?

Each host declares what one deployment may hold, with the source of each number
(``Limits`` in its module under hosts/: files a site, bytes a site, bytes a file, files
a folder, per plan). A host is given the whole output folder, so everything the build
writes counts, the other hosts' rule files too, except the files a host reads as its
own configuration (Cloudflare does not count ``_redirects`` and ``_headers``). This
module counts what a build writes as each host counts it and says how close it comes:
a warning from 80% of a cap, an error past it, placed at ``site.hosts`` (else at
``site:``, else at the top of the file) with what to do about it.

Past a cap is an error only for a host the user chose (``site.hosts`` or ``--host``):
with neither, a build is for every host, and a cap of one the site is not published
on must not stop it; there the caps passed are one warning that names those hosts and
says how to name the ones the site is published on.

``check`` does not make the build: it counts the pages from the plan
(``render.page_folders``, which follows ``iter_pages``), makes the site's own files and
the hosts' rule files for a share of the links and scales their sizes (all of them only
near a cap on files, where one file decides), and, where a host caps bytes, estimates
the pages' bytes from a sample of links made for real (the messages say so). ``build``
counts exactly what it wrote (write.py's listing), before the new output is put in
place.
"""

from __future__ import annotations

import heapq
import posixpath
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import compress
from operator import attrgetter

import jinja2

from . import jsonout, previews, qr
from .hosts import HOSTS, host_files
from .hosts.base import Cap
from .model import QrStyle
from .pages import PREVIEW_SHARDS, Pages
from .plan import Plan
from .problems import ERROR, WARNING, Problem
from .render import (
    UNMADE,
    UNMADE_PAGES,
    Rendered,
    edge_of,
    iter_pages,
    iter_site_files,
    page_folders,
    pages_left_out,
    preview_shards,
    selected_hosts,
    shared_pages,
)
from .write import MARKER, marker

WARN_FROM = (4, 5)  # of a cap: a warning from 80% of it
# links whose pages a check makes to estimate the bytes of all, and of them those whose
# QR codes it makes too (15 ms a link: more than all the rest of the sample)
SAMPLE = 25
CODES = 5


def _top(path: str) -> str:
    """The top folder of ``path`` ('' for a file at the top)."""
    return path.split("/", 1)[0] if "/" in path else ""


@dataclass
class Tally:
    """What a build writes into one folder (one site), as the hosts count it."""

    files: int = 0
    made_bytes: int = 0  # of the files whose size is known
    in_folder: Counter[str] = field(default_factory=Counter)  # files directly in each folder
    folders: set[str] = field(default_factory=set)  # every folder, at any depth
    top_files: Counter[str] = field(default_factory=Counter)  # files under each top folder
    top_bytes: Counter[str] = field(default_factory=Counter)  # their known bytes
    unmade: Counter[str] = field(default_factory=Counter)  # files not made, by top folder
    largest: list[tuple[int, str]] = field(default_factory=list)  # a few biggest, as a heap
    named: dict[str, int | None] = field(default_factory=dict)  # size of each host file
    # estimates of the files not made (check): average bytes by top folder, and overall
    average: dict[str, float] = field(default_factory=dict)
    biggest_unmade: int = 0
    sampled: int = 0  # links rendered for the estimate; 0: every size is known
    scaled: set[str] = field(default_factory=set)  # files whose size is scaled from a share

    def take_folders(self, counts: Counter[str]) -> None:
        """Files not made, by folder ('' the top one): ``render.page_folders``."""
        for folder, n in counts.items():
            top = folder.split("/", 1)[0]
            self.files += n
            self.in_folder[folder] += n
            self.top_files[top] += n
            self.unmade[top] += n
            parent = folder
            while parent and parent not in self.folders:
                self.folders.add(parent)
                parent = posixpath.dirname(parent)

    def add(self, path: str, size: int | None) -> None:
        """One file written (``size`` None: counted, not made)."""
        self.take(((path, size),))

    def take(self, listing: Iterable[tuple[str, int | None]]) -> None:
        """Files written and their sizes (None: counted, not made): write.py's listing of
        an output, or ``render.site_paths``. Millions at a million links: one tight loop."""
        folders, in_folder, top_files = self.folders, self.in_folder, self.top_files
        top_bytes, unmade, largest, named = self.top_bytes, self.unmade, self.largest, self.named
        files = made = 0
        for path, size in listing:
            files += 1
            cut = path.rfind("/")
            if cut < 0:
                folder = top = ""
            else:
                folder, top = path[:cut], path[: path.find("/")]
                parent = folder
                while parent and parent not in folders:
                    folders.add(parent)
                    parent = posixpath.dirname(parent)
            in_folder[folder] += 1
            top_files[top] += 1
            if path in _HOST_FILES:
                named[path] = size
            if size is None:
                unmade[top] += 1
                continue
            made += size
            top_bytes[top] += size
            if len(largest) < _KEEP:
                heapq.heappush(largest, (size, path))
            elif size >= largest[0][0]:
                heapq.heappushpop(largest, (size, path))
        self.files += files
        self.made_bytes += made

    @classmethod
    def of(cls, listing: Iterable[tuple[str, int | None]]) -> Tally:
        """The tally of ``listing`` alone: what one process of a build wrote (write.py
        has each count its own files, beside the others, and this one add them up)."""
        tally = cls()
        tally.take(listing)
        return tally

    def add_up(self, tallies: Iterable[Tally]) -> None:
        """``tallies`` (each ``of`` part of the files) added to this one: the same as
        ``take`` of all their files (tests/test_limits.py)."""
        for other in tallies:
            self.files += other.files
            self.made_bytes += other.made_bytes
            self.in_folder.update(other.in_folder)
            self.folders |= other.folders
            self.top_files.update(other.top_files)
            self.top_bytes.update(other.top_bytes)
            self.unmade.update(other.unmade)
            self.named.update(other.named)
            for size, path in other.largest:
                if len(self.largest) < _KEEP:
                    heapq.heappush(self.largest, (size, path))
                elif size >= self.largest[0][0]:
                    heapq.heappushpop(self.largest, (size, path))

    def estimate(self, sample: Iterable[tuple[str, int]], links: int) -> None:
        """The sizes of the files not made, from ``sample``: files of ``links`` links made
        as a build makes them."""
        sizes: dict[str, list[int]] = {}
        for path, size in sample:
            sizes.setdefault(_top(path), []).append(size)
            self.biggest_unmade = max(self.biggest_unmade, size)
        every = [s for group in sizes.values() for s in group]
        overall = sum(every) / len(every) if every else 0.0
        self.average = {top: sum(g) / len(g) for top, g in sizes.items()}
        self.average[""] = self.average.get("", overall)
        self.average["*"] = overall
        self.sampled = links

    def unmade_bytes(self, top: str) -> int:
        avg = self.average.get(top, self.average.get("*", 0.0))
        return round(self.unmade[top] * avg)

    @property
    def bytes(self) -> int:
        return self.made_bytes + sum(self.unmade_bytes(top) for top in self.unmade)

    def bytes_under(self, top: str) -> int:
        return self.top_bytes[top] + self.unmade_bytes(top)


_HOST_FILES = host_files() | {MARKER}
_KEEP = 8  # biggest files kept: more than any host leaves uncounted
_UNMADE_FILE = "a link's file"  # the biggest file of a check's sample


class DoesNotFit(Exception):
    """A build stopped before its output is put in place: a host cannot take it."""


@dataclass(frozen=True)
class Where:
    """Where the problems of a links file go, and how they name the site."""

    file: str = "links.yaml"
    at: tuple[int, int] = (1, 1)  # site.hosts, else site:, else the top of the file
    domain: str | None = None  # site.domains: whose folder


def check_fit(
    plan: Plan, env: jinja2.Environment, where: Where, hosts: tuple[str, ...] | None = None
) -> list[Problem]:
    """``check``: the files a build of ``plan`` writes for each host against its caps,
    without making the build. The pages are counted from the plan (``page_folders``);
    the site's own files and the hosts' rule files are made for a share of the links
    and scaled (made for all of them only near a cap on files, where one file more or
    less decides); the bytes of the pages are estimated from a few links made for real."""
    names = selected_hosts(plan, hosts)
    caps = [HOSTS[n].limits.caps for n in names]
    if not any(caps):
        return []
    sized = any(c.keys() & {"site_bytes", "asset_bytes"} for c in caps)
    folders = page_folders(plan, hosts)
    exact = len(plan.entries) <= SHARE
    tally = _tally(folders, _site_files(plan, env, hosts, names, sized, exact), sized, exact)
    if not exact and _near_a_file_cap(tally, plan, names):
        tally = _tally(folders, _site_files(plan, env, hosts, names, sized, True), sized, True)
    if sized:
        step = max(1, len(plan.entries) // SAMPLE)
        sample = plan.entries[::step][:SAMPLE]
        left_out = pages_left_out(plan, names)
        few = partial(_few_codes, style=plan.site.qr_style)
        made = iter_pages(plan, Pages(plan, env), left_out, sample, None, few)
        sizes = ((path, _size(data)) for path, data in made if data is not UNMADE)
        tally.estimate(sizes, len(sample))
    return fit_problems(tally, plan, names, bool(hosts or plan.site.hosts), where)


def _few_codes(urls: list[str], style: QrStyle | None) -> dict[str, tuple[bytes, bytes]]:
    """The QR codes of the first few of ``urls``, the others not made: a code costs more
    than the pages of its link, and codes of a site's short URLs differ little in size."""
    made = qr.codes(urls[:CODES], style=style)
    return {url: made.get(url, (UNMADE, UNMADE)) for url in urls}


# links whose site files (links.json, the hosts' rule files) a check makes to estimate
# those of all: at 100,000 links making them all would take 4 times the rest of a check
SHARE = 500


def _tally(
    folders: Counter[str], files: list[tuple[str, int | None]], sized: bool, exact: bool
) -> Tally:
    tally = Tally()
    tally.take_folders(folders)
    tally.take(files)
    if not exact:
        tally.scaled = {path for path, size in files if size is not None}
    tally.add(MARKER, len(marker(1)) if sized else None)
    return tally


def _site_files(
    plan: Plan,
    env: jinja2.Environment,
    hosts: tuple[str, ...] | None,
    names: Sequence[str],
    sized: bool,
    exact: bool,
) -> list[tuple[str, int | None]]:
    """The site's own files and the hosts' (``iter_site_files``) and their sizes (None:
    not made, or not asked for). ``exact``: made for the whole plan; else made for a
    share of the links, and each file's size scaled from that share (less a file's fixed
    part, made for no link), within what its host caps its rule file at. The shared
    preview's data files are as many as the whole plan makes (``_previews``)."""
    if exact:
        listing = iter_site_files(plan, UNMADE_PAGES, edge_of(plan, hosts))
        out = [(path, _made_size(data, sized)) for path, data in listing]
        return _previews(out, plan, plan, env, sized)
    step = len(plan.entries) / SHARE
    picked = {id(plan.entries[int(i * step)].link) for i in range(SHARE)}.__contains__
    # (the whole plan gone through in C: a generator's steps took 20 ms at 100,000 links)
    links = tuple(compress(plan.links, map(picked, map(id, plan.links))))
    owner = map(id, map(attrgetter("link"), plan.entries))
    entries = tuple(compress(plan.entries, map(picked, owner)))
    part = replace(plan, links=links, entries=entries)
    rendered = Rendered(iter_site_files(part, UNMADE_PAGES, edge_of(part, hosts)))
    made = list(rendered)
    if not sized:
        return [(path, None) for path, _data in made]
    none = replace(plan, links=(), entries=())
    fixed = {
        path: _size(data)
        for path, data in iter_site_files(none, UNMADE_PAGES, edge_of(none, hosts))
        if data is not UNMADE
    }
    out: list[tuple[str, int | None]] = []
    for path, data in made:
        if data is UNMADE:
            out.append((path, None))
            continue
        size, base = _size(data), fixed.get(path, 0)
        whole, shown = (plan.links, links) if path == "links.json" else (plan.entries, entries)
        estimate = base + round((size - base) * len(whole) / len(shown))
        for name in names:
            host, output = HOSTS[name], rendered.report.hosts.get(name)
            if output is None or path not in output.files or path != host.files[0]:
                continue  # caps of a host's rule file are on the file it writes itself
            if host.limits.file_bytes:
                estimate = min(estimate, host.limits.file_bytes)
            if host.limits.rules and output.rules:
                each = (size - base) / output.rules
                estimate = min(estimate, base + round(each * host.limits.rules))
        out.append((path, max(estimate, size)))
    return _previews(out, plan, part, env, sized)


def _previews(
    files: list[tuple[str, int | None]],
    plan: Plan,
    part: Plan,
    env: jinja2.Environment,
    sized: bool,
) -> list[tuple[str, int | None]]:
    """``files`` with the site's own pages sized as made (``sized``), and the shared
    preview's data files as a build of ``plan`` writes them:
    as many as its entries make (a share of them makes fewer), each of the average size
    the records of ``part`` (the share, or ``plan`` itself) give, sealed as written."""
    if sized:  # the site's own pages, made: one each, some growing with the links (404)
        made_pages = {
            path: len(data) for path, data in shared_pages(plan, Pages(plan, env)).items()
        }
        files = [(path, made_pages.get(path, size)) for path, size in files]
    shards = [path for path, _size in files if path.startswith(PREVIEW_SHARDS + "/")]
    if not shards:
        return files
    count = previews.shard_count(len(plan.entries))
    size: int | None = None
    if sized:
        made = sum(len(data) for _path, data in preview_shards(part, Pages(part, env), 1))
        size = round(made * len(plan.entries) / max(1, len(part.entries)) / count)
    kept = [(path, s) for path, s in files if not path.startswith(PREVIEW_SHARDS + "/")]
    return kept + [(f"{PREVIEW_SHARDS}/{i}.json", size) for i in range(count)]


def _made_size(data: bytes | jsonout.Chunks, sized: bool) -> int | None:
    return None if data is UNMADE or not sized else _size(data)


def _near_a_file_cap(tally: Tally, plan: Plan, names: Sequence[str]) -> bool:
    """Whether the count of a share of the site files could be on the wrong side of a
    cap on files or of its 80%: as many files off as the hosts may write."""
    slack = sum(len(HOSTS[name].files) for name in names) + 1
    plans = dict(plan.site.plans)
    a, b = WARN_FROM
    for name in names:
        for reading in readings(tally, name, plans.get(name)):
            if reading.cap not in ("site_files", "folder_files"):
                continue
            for edge in (reading.limit, -(-reading.limit * a // b)):
                if abs(reading.value - edge) <= slack:
                    return True
    return False


def _size(data: bytes | jsonout.Chunks) -> int:
    return len(data) if isinstance(data, bytes) else sum(len(chunk) for chunk in data)


@dataclass(frozen=True)
class Reading:
    """One cap of one host against what a build writes."""

    host: str
    cap: str  # a name of ``Limits.caps``
    value: int
    limit: int
    plan: str  # '' when the cap is the same on every plan
    what: str = ""  # the file or folder measured (asset_bytes, folder_files)


def readings(tally: Tally, name: str, plan: str | None) -> list[Reading]:
    """Each cap of host ``name`` (on ``plan``) against ``tally``, as that host counts."""
    limits = HOSTS[name].limits
    skipped = {path: size for path, size in tally.named.items() if path in limits.uncounted}
    out = []
    for kind, cap in limits.caps.items():
        limit = cap.on(plan)
        shown = (plan or cap.plans[0]) if len(cap.by_plan) > 1 else ""  # when it depends
        if kind == "site_files":
            value = tally.files - len(skipped)
            if limits.counts_folders:
                value += len(tally.folders)
            out.append(Reading(name, kind, value, limit, shown))
        elif kind == "site_bytes":
            value = tally.bytes - sum(size or 0 for size in skipped.values())
            out.append(Reading(name, kind, value, limit, shown))
        elif kind == "asset_bytes":
            size, path = max([(s, p) for s, p in tally.largest if p not in skipped] or [(0, "")])
            if tally.biggest_unmade > size:
                size, path = tally.biggest_unmade, _UNMADE_FILE
            out.append(Reading(name, kind, size, limit, shown, path))
        elif kind == "folder_files":
            counts = Counter(tally.in_folder)
            for path in skipped:
                counts[posixpath.dirname(path)] -= 1
            folder, value = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0))
            out.append(Reading(name, kind, value, limit, shown, folder))
    return out


def fit_problems(
    tally: Tally, plan: Plan, names: Sequence[str], chosen: bool, where: Where
) -> list[Problem]:
    """A warning for each cap a build reaches 80% of, an error for each it passes. While
    the hosts are not chosen, the caps passed are one warning that names the hosts that
    could not take the build and says how to choose."""
    plans = dict(plan.site.plans)
    a, b = WARN_FROM
    out = []
    past: dict[str, list[Reading]] = {}
    for name in names:
        for reading in readings(tally, name, plans.get(name)):
            over = reading.value > reading.limit
            if not over and reading.value * b < reading.limit * a:
                continue
            if over and not chosen:
                past.setdefault(name, []).append(reading)
                continue
            severity = ERROR if over else WARNING
            message = _message(reading, tally, over)
            if where.domain:
                message = f"{where.domain}: {message}"
            hint = _hint(reading, tally, plan, names)
            rule = "host-limit" if over else "host-limit-near"
            out.append(Problem(*where.at, severity, message, hint, where.file, rule=rule))
    if past:
        message, hint = _unchosen(past, tally, names)
        if where.domain:
            message = f"{where.domain}: {message}"
        out.insert(0, Problem(*where.at, WARNING, message, hint, where.file, rule="hosts-unchosen"))
    return out


def _unchosen(
    past: dict[str, list[Reading]], tally: Tally, names: Sequence[str]
) -> tuple[str, str]:
    """The warning for caps passed while site.hosts names no host: which hosts could not
    take the build, and how to name the ones the site is published on."""
    every = tuple(names) == tuple(HOSTS)
    built_for = "every host" if every else " and ".join(HOSTS[n].title for n in names) + " alone"
    each = "; ".join(
        f"{HOSTS[name].title} ({', '.join(_passed(r, tally) for r in readings_)})"
        for name, readings_ in past.items()
    )
    message = (
        f"site.hosts names no host, so a build is for {built_for}, and "
        f"{len(past)} of {len(names)} could not take it: {each}"
    )
    taking = [name for name in names if name not in past]
    hint = (
        "'hosts: [NAME, ...]' under site: names the hosts you publish on (or "
        "'shortlinks build --host NAME', for one build); "
    )
    if taking:
        hint += f"these take this build as it is: {', '.join(taking)}. "
    else:
        hint += "none takes this build as it is. "
    hint += (
        "Past a cap of a named host is an error that says what to do, and the other "
        "hosts' files are left out (docs/hosts.md, 'Limits of a deployment')"
    )
    return message, hint


_CAP_WORDS = {
    "site_files": "files a site may have",
    "site_bytes": "a site may have",
    "asset_bytes": "a file may have",
    "folder_files": "files a folder may have",
}


def _estimated(r: Reading, tally: Tally) -> bool:
    """Whether ``check`` estimated the number (sizes from a share of the links)."""
    if r.cap == "site_bytes":
        return bool(tally.sampled or tally.scaled)
    return r.cap == "asset_bytes" and (r.what == _UNMADE_FILE or r.what in tally.scaled)


def _amounts(r: Reading, tally: Tally) -> tuple[str, str]:
    """What the build writes and the cap, as the messages say them."""
    about = "about " if _estimated(r, tally) else ""
    if r.cap == "site_files":
        unit = "entries (files and folders)" if HOSTS[r.host].limits.counts_folders else "files"
        return f"{r.value:,} {unit}", f"{r.limit:,}"
    if r.cap == "site_bytes":
        written, limit = f"{about}{size_text(r.value)}", size_text(r.limit, cap=True)
        if size_text(r.value) == limit:  # as near as that: the bytes
            written, limit = f"{about}{r.value:,} bytes", f"{r.limit:,} bytes"
        return written, limit
    if r.cap == "asset_bytes":
        name = r.what if r.what == _UNMADE_FILE else repr(r.what)
        size, limit = size_text(r.value), size_text(r.limit, cap=True)
        if size == limit:  # as near as that: the bytes
            size, limit = f"{r.value:,} bytes", f"{r.limit:,} bytes"
        return f"{name} of {about}{size}", limit
    folder = f"the folder {r.what!r}" if r.what else "the top folder"
    return f"{r.value:,} files into {folder}", f"{r.limit:,}"


def _passed(r: Reading, tally: Tally) -> str:
    """A cap passed, in a few words: '452,264 files, more than the 20,000 a site may
    have on the free plan'."""
    written, limit = _amounts(r, tally)
    on = f" on the {r.plan} plan" if r.plan else ""
    return f"{written}, more than the {limit} {_CAP_WORDS[r.cap]}{on}"


def _message(r: Reading, tally: Tally, over: bool) -> str:
    written, limit = _amounts(r, tally)
    on = f" on the {r.plan} plan" if r.plan else ""
    share = f"{100 * r.value // r.limit}%"
    measure = f"more than the {limit}" if over else f"{share} of the {limit}"
    text = f"a build writes {written} for {HOSTS[r.host].title}, {measure} {_CAP_WORDS[r.cap]}"
    text += on
    if _estimated(r, tally):
        text += " (estimated from the files of some of the links; a build counts them all)"
    return text


def _hint(r: Reading, tally: Tally, plan: Plan, names: Sequence[str]) -> str:
    """What would bring the build within the cap."""
    host = HOSTS[r.host]
    cap = host.limits.caps[r.cap]
    ways = []
    better = _better_plan(cap, r.limit)
    if better:
        ways.append(
            f"if the site is on the {better[0]} plan, say so under site: "
            f"'plans: {{{r.host}: {better[0]}}}' ({_limit_text(r.cap, better[1])})"
        )
    counted = r.cap in ("site_files", "site_bytes")
    qr_files = tally.top_files[qr.FOLDER]
    if counted and plan.site.qr == "files" and qr_files:
        saved = (
            f"{qr_files:,} files"
            if r.cap == "site_files"
            else size_text(tally.bytes_under(qr.FOLDER))
        )
        say = "'files: false' under site.qr" if plan.site.qr_style else "'qr: true' under site"
        ways.append(
            f"{say} (the default) leaves out the QR code files ({saved}): "
            "the preview draws each code in the browser"
        )
    previews_files = len(plan.entries) if plan.site.preview == "files" else 0
    if r.cap == "site_files" and previews_files:
        ways.append(
            f"'preview: true' under site (the default) leaves out the preview pages "
            f"({previews_files:,} files): one shared page shows them all"
        )
    others = _other_hosts_files(tally, r.host, names)
    if counted and others:
        n, size = len(others), sum(tally.named[p] or 0 for p in others)
        saved = f"{n} files" if r.cap == "site_files" else size_text(size)
        ways.append(f"'hosts: [{r.host}]' under site: leaves out the other hosts' files ({saved})")
    if r.cap == "asset_bytes" and r.what == "links.json" and plan.site.links_json:
        ways.append("'links_json: false' under site: leaves out links.json")
    if r.cap == "asset_bytes" and r.what in others:  # another host's rule file
        ways.append(f"'hosts: [{r.host}]' under site: leaves out {r.what}")
    ways.append("or publish on a host that takes more (docs/hosts.md, 'Limits of a deployment')")
    return "; ".join(ways)


def _better_plan(cap: Cap, limit: int) -> tuple[str, int] | None:
    """The plan with the highest cap, when it is higher than ``limit``."""
    plan, best = max(cap.by_plan, key=lambda pl: pl[1])
    return (plan, best) if best > limit else None


def _other_hosts_files(tally: Tally, name: str, names: Sequence[str]) -> list[str]:
    """The files of the other selected hosts in the output, none that ``name`` writes."""
    own = set(HOSTS[name].files)
    theirs = {f for n in names if n != name for f in HOSTS[n].files} - own
    return sorted(p for p in tally.named if p in theirs)


def _limit_text(cap: str, value: int) -> str:
    if cap in ("site_bytes", "asset_bytes"):
        return size_text(value, cap=True)
    return f"{value:,} files"


def size_text(n: int, cap: bool = False) -> str:
    """Bytes as people read them: '25 MiB', '1.2 GiB', '300 bytes'; a ``cap`` documented
    in decimal units as it is documented ('2 GB')."""
    for binary, decimal, size in (("GiB", "GB", 30), ("MiB", "MB", 20), ("KiB", "KB", 10)):
        if n >= 1 << size:
            if cap and n % (1 << size) and not n % 10 ** (size // 10 * 3):
                return f"{n // 10 ** (size // 10 * 3)} {decimal}"
            text = f"{n / (1 << size):.1f}".removesuffix(".0")
            return f"{text} {binary}"
    return f"{n} bytes"


def table() -> str:
    """The caps of every host, as docs/hosts.md shows them (tests/test_limits.py holds
    the doc to it): what each host declares, nothing written twice."""
    rows = [
        "| Host | Files a site | Bytes a site | Bytes a file | Files a folder | How it counts |",
        "|---|---|---|---|---|---|",
    ]
    for name, host in HOSTS.items():
        limits = host.limits
        cells = [f"{host.title} (`{name}`)"]
        for kind in ("site_files", "site_bytes", "asset_bytes", "folder_files"):
            cap = limits.caps.get(kind)
            if cap is None:
                cells.append("-")
                continue
            values = [
                (_limit_text(kind, value).removesuffix(" files") + (f" ({plan})" if plan else ""))
                for plan, value in cap.by_plan
            ]
            cells.append(f"[{', '.join(values)}]({cap.source})")
        how = []
        if limits.uncounted:
            how.append(", ".join(f"`{f}`" for f in sorted(limits.uncounted)) + " not counted")
        if limits.counts_folders:
            how.append("every folder is an entry too")
        if not limits.caps:
            how.append("none documented")
        cells.append("; ".join(how) or "every file")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"
