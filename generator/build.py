"""The two jobs, as recipes of named steps: check a links file, and build a site.

load -> validate -> plan -> render -> write. Each step is one module; this one
only strings them together and says what happened.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path

import jinja2

from . import __version__, halves, jsonout, limits, lock, parallel, qr
from .atomic import replace_file
from .hosts import HOSTS, exposed_problem
from .hosts.redirects_file import netlify_languages
from .load import Document, load_text, read_bytes
from .model import Link, LinkSet, State
from .pages import Pages, builtin_templates, environment
from .plan import Change, Entry, Plan, make_plan
from .problems import ERROR, Problem
from .render import (
    Edge,
    RenderReport,
    edge_of,
    iter_pages,
    merge_reports,
    own_files,
    render,
    site_parts,
)
from .rules import language_rule
from .validate import validate
from .write import (
    OutputError,
    WriteResult,
    check_location,
    check_output,
    intact,
    last_header,
    lock_path,
    output_lock,
    read_manifest,
    retire,
    settle,
    write_site,
)


@dataclass
class CheckResult:
    linkset: LinkSet | None
    problems: list[Problem]
    # where problems about the site as a whole go: site.hosts, else site:, else line 1
    where: limits.Where = field(default_factory=limits.Where)

    @property
    def ok(self) -> bool:
        return self.linkset is not None and not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


@dataclass
class BuildResult:
    problems: list[Problem]
    written: bool = False
    files: int = 0
    states: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    next_change: Change | None = None
    timezone: str = "UTC"
    rules: dict[str, int] = field(default_factory=dict)  # host -> rules it answers at the edge
    error: str | None = None  # a failure that is not about the links file
    up_to_date: bool = False  # nothing to do: the last build's output is this build's
    changed: tuple[int, int] = (0, 0)  # files written (new or different), files removed
    # site.domains: each domain's own result, in site.domains order (empty: one site)
    domains: dict[str, BuildResult] = field(default_factory=dict)
    # the plan this site's files were rendered from (None: not rendered, or up to date);
    # serve answers with its edge rules, so that it answers as what was written
    plan: Plan | None = None


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Load and validation make millions of small objects and no cycles: CPython's collector
    would walk them all again and again (a third of the time at 100,000 links)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # what was made is kept (the model, the document): moved to the oldest
            # generation at once (freeze, then unfreeze), else the collector's next pass
            # walks every one of those objects (0.1 s at 100,000 links, a second at 1M)
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def check(
    path: Path,
    base_lock: lock.Lock | None = None,
    hosts: tuple[str, ...] | None = None,
    fits_at: datetime | None = None,
) -> CheckResult:
    """``path`` checked, and against the links.lock beside it when there is one (its slugs
    must keep their published targets: lock.py); ``base_lock``, a pull request's base
    branch's lock, which this one must only have grown from, and what its links.yaml
    publishes must keep its target too; ``hosts``, the build's
    --host, which a site that does not list its links must not be built with when one of
    them would serve another's rule file (site.hosts is checked with the file).
    ``fits_at``: also whether what a build at that instant writes fits each of its hosts
    (limits.py)."""
    with _no_gc_pauses():
        doc, linkset, problems = halves.checked(path)  # on two cores when it is big
        result = CheckResult(linkset, problems, _where(doc) if doc is not None else limits.Where())
    site = result.linkset.site if result.linkset is not None else None
    if hosts and site is not None and doc is not None and not site.links_json:
        said = exposed_problem(tuple(name for name in HOSTS if name in hosts))
        if said:
            line, col = doc.locate(("site", "links_json"))
            result.problems = sorted(
                [
                    *result.problems,
                    Problem(line, col, ERROR, *said, doc.filename, rule="links-json-exposed"),
                ]
            )
            result.linkset = None
    locked = lock.read(lock.lock_path(path))
    if locked is None and base_lock is not None and base_lock.exists:
        locked = lock.Lock(str(lock.lock_path(path)), exists=False)  # removed: as if emptied
    if locked is not None and result.linkset is not None and doc is not None:
        if base_lock is not None:  # and what the base's links.yaml publishes (lock.against)
            found = lock.against(base_lock, locked, result.linkset, doc.locate, str(path))
        else:
            found = lock.check(result.linkset, locked, doc.locate, str(path))
        result.problems = sorted(result.problems + found)
        if any(p.is_error for p in found):
            result.linkset = None  # a build needs the whole file right, its lock too
    if fits_at is not None and result.ok and result.linkset is not None:
        with _no_gc_pauses():
            fits = _fits(result.linkset, result.where, fits_at)
        result.problems = sorted(result.problems + fits)
    return result


def _fits(linkset: LinkSet, where: limits.Where, now: datetime) -> list[Problem]:
    """What a build at ``now`` would write for each host, against the hosts' caps: each
    domain's site on its own (site.domains), as each is published."""
    if not any(HOSTS[name].limits.caps for name in linkset.site.hosts or HOSTS):
        return []  # hosts with no caps (nginx, say): nothing to count
    env = environment(None)
    if not linkset.site.several:
        return limits.check_fit(make_plan(linkset, now), env, where)
    found = []
    for domain in linkset.site.domains:
        plan = make_plan(linkset.on(domain), now)
        found += limits.check_fit(plan, env, replace(where, domain=domain.name))
    return found


def check_text(text: str, name: str) -> CheckResult:
    """``check`` of text not (yet) on disk: what ``add`` and ``import`` would write."""
    doc, problems = load_text(text, name)
    return _checked(doc, problems)


def _checked(doc: Document | None, problems: list[Problem]) -> CheckResult:
    if doc is None:
        return CheckResult(None, problems)
    linkset, more = validate(doc)
    return CheckResult(linkset, sorted(problems + more), _where(doc))


def _where(doc: Document) -> limits.Where:
    """site.hosts, else site:, else the top of the file. Only a path the file has is
    looked up: any other would make the fast reader's document read the file again."""
    data = doc.data if isinstance(doc.data, dict) else {}
    site = data.get("site")
    path: tuple[str, ...] = ()
    if isinstance(site, dict) and "hosts" in site:
        path = ("site", "hosts")
    elif "site" in data:
        path = ("site",)
    return limits.Where(doc.filename, doc.locate(path, at="key") if path else (1, 1))


def inputs_digest(path: Path, templates: Path | None, hosts: tuple[str, ...] | None) -> str:
    """A digest of everything a build's output depends on, but the clock: the links file,
    the generator's own code and templates, a user's templates and the chosen hosts."""
    import importlib.metadata  # here: 20 ms at start-up that ``check`` does not need

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{sorted(hosts or ())}\0".encode())
    for package in _OUTPUT_PACKAGES:  # their versions shape the output too
        try:
            h.update(f"{package} {importlib.metadata.version(package)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{package} -\0".encode())
    roots = [Path(__file__).resolve().parent, builtin_templates()]
    if templates is not None:
        roots.append(templates)
    for root in roots:
        for file in sorted(root.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                h.update(f"\0{file.relative_to(root).as_posix()}\0".encode())
                h.update(file.read_bytes())
    links = b""
    for part, file in ((b"links", path), (b"lock", lock.lock_path(path))):
        try:  # /dev/zero, a pipe, a huge file: never read here (check says what is wrong)
            data = read_bytes(file, pipes=False)
            h.update(b"\0" + part + b"\0" + data)
            links = links or data
        except OSError:
            h.update(b"\0" + part + b" unreadable")
    for file in logo_files(path, links):  # site.qr's logo: read by check, not here
        name = file.as_posix().encode("utf-8", "replace")
        try:
            h.update(b"\0logo\0" + name + b"\0" + read_bytes(file, pipes=False))
        except OSError:
            h.update(b"\0logo\0" + name + b" unreadable")
    return h.hexdigest()


def logo_files(path: Path, links: bytes) -> list[Path]:
    """The files the links file ``path`` (its bytes: ``links``) may name as site.qr's
    logo: inputs of a build beside it (``inputs_digest``, ``serve``'s watcher)."""
    found: set[str] = set()
    at = 0
    # (the key's word boundary looked at apart: a pattern that starts with the literal
    # 'logo' is found by a quick scan, one that starts with '\b' is tried at every byte,
    # 60 ms at 100,000 links)
    while (m := _LOGO.search(links, at)) is not None:
        start = m.start()
        if start and _WORD.match(links, start - 1):  # 'xlogo:': no key of ours
            at = start + 1
            continue
        found.add(m.group(1).decode("utf-8", "replace").strip())
        at = m.end()
    return [path.parent / name for name in sorted(found)]


# Where a links file may name site.qr's logo (a file the build's output depends on), in
# block or flow style, after a character that is not a word's; a line that only looks like
# one costs a file read, never a wrong 'up to date'.
_LOGO = re.compile(rb"""logo\s*:\s*['"]?([^'",}\r\n#]+?)['"]?\s*(?:[,}#\r\n]|$)""")
_WORD = re.compile(rb"\w")


# Libraries whose version can change the bytes of a build: the page engine and its
# escaping, the QR codes, YAML's typing, and the time-zone rules (when from PyPI).
_OUTPUT_PACKAGES = ("jinja2", "markupsafe", "segno", "pyyaml", "tzdata")


def _summary(result: BuildResult) -> dict:
    change = result.next_change
    return {
        "files": result.files,
        "states": dict(result.states),
        "timezone": result.timezone,
        "notes": result.notes,
        "rules": result.rules,
        "next_change": [change.at.isoformat(), change.slug, change.what] if change else None,
    }


def _from_summary(result: BuildResult, summary: dict) -> None:
    result.files = summary["files"]
    result.states = Counter(summary["states"])
    result.timezone = summary["timezone"]
    result.notes = list(summary["notes"])
    result.rules = dict(summary["rules"])
    change = summary["next_change"]
    if change:
        result.next_change = Change(datetime.fromisoformat(change[0]), change[1], change[2])


def build(
    path: Path,
    out: Path,
    now: datetime,
    templates: Path | None = None,
    hosts: tuple[str, ...] | None = None,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    force: bool = False,
    workers: int | None = None,
    blocked: Callable[[int | None], None] | None = None,
) -> BuildResult:
    """``progress(done, total)``: told of each slug rendered, for a progress bar.
    ``cache_dir``: where QR codes made by earlier builds are kept (the CLI's default is
    ``qr.default_cache_dir()``); None makes every code anew.

    When the links file, the generator and its templates are those of the last build
    into ``out``, no link has started or ended since and every file of that build is
    still there as it was written, there is nothing to do: the result says so
    (``up_to_date``) and nothing is read further or written. ``force`` builds all the
    same. Otherwise only the files that differ (or were changed since) are written
    (write.py). ``workers``: processes that render and write pages side by side (default:
    one a core for 5,000 links or more; ``$SHORTLINKS_WORKERS`` overrides).

    The build holds the output's lock from its first look at it to its last change:
    another build of the same output waits for it (``blocked`` is told once, with the
    process id of the build it waits for)."""
    if out.is_symlink():  # '-o _site' linking to the served folder: write that folder
        out = out.resolve()
    with ExitStack() as held:

        def lock() -> None:
            try:
                held.enter_context(output_lock(out, blocked))
            except OSError as exc:  # no lock file there: a folder that cannot be written
                raise OutputError(f"could not write beside {out}: {exc}") from exc

        try:
            check_location(out, path)  # before any file is made beside it (its lock)
            # a build may be at it, or have left something: lock before the first look;
            # else before the first write (a links file with errors makes no lock file)
            locked = out.exists() or lock_path(out).exists()
            if locked:
                lock()
            return _build_locked(
                path, out, now, templates, hosts, strict, progress, cache_dir, force, workers,
                None if locked else lock,
            )  # fmt: skip
        except OutputError as exc:  # said to the user; nothing written
            return BuildResult(problems=[], error=str(exc))


def _build_locked(
    path: Path,
    out: Path,
    now: datetime,
    templates: Path | None,
    hosts: tuple[str, ...] | None,
    strict: bool,
    progress: Callable[[int, int], None] | None,
    cache_dir: Path | None,
    force: bool,
    workers: int | None,
    lock: Callable[[], None] | None,
) -> BuildResult:
    """``build``, the output's lock held, or (``lock``) to be taken before anything is
    written: there was no output to look at."""
    inputs = inputs_digest(path, templates, hosts)
    result = BuildResult(problems=[])
    if not force and lock is None:
        header = _still_right(out, inputs, now, strict, workers)
        if header is not None:
            _from_summary(result, header["summary"])
            result.up_to_date = True
            return result
        if _domains_up_to_date(out, inputs, now, strict, result, workers):
            return result
    checked = check(path, hosts=hosts)
    result.problems = checked.problems
    if not checked.ok or (strict and checked.problems):
        return result
    assert checked.linkset is not None
    if lock is not None:
        lock()
    linkset = checked.linkset
    job = _Job(
        inputs, now, templates, hosts, cache_dir, force, workers, len(checked.problems),
        strict, checked.where,
    )  # fmt: skip
    if not linkset.site.several:
        try:
            check_output(out, path)
        except Exception as exc:  # OutputError: said to the user, nothing written
            result.error = str(exc)
            return result
        return _build_site(linkset, out, job, result, progress)
    return _build_domains(linkset, out, path, job, result, progress, strict)


@dataclass(frozen=True)
class _Job:
    """What every site of one build shares."""

    inputs: str
    now: datetime
    templates: Path | None
    hosts: tuple[str, ...] | None
    cache_dir: Path | None
    force: bool
    workers: int | None
    problems: int  # warnings the links file has (a --strict build has none)
    strict: bool  # warnings refuse the build
    where: limits.Where  # where problems about the site as a whole go


DOMAINS_FILE = "domains.json"  # in a build of several domains: which folders are ours


def _build_domains(
    linkset: LinkSet,
    out: Path,
    path: Path,
    job: _Job,
    result: BuildResult,
    progress: Callable[[int, int], None] | None,
    strict: bool,
) -> BuildResult:
    """site.domains: one complete site a domain, in ``out/<domain>/``, each replaced as
    one (write.py); ``out/domains.json`` lists them for the workflows."""
    names = [d.name for d in linkset.site.domains]
    try:
        check_domains_root(out, path)
        for name in names:
            check_output(out / name, path)
    except Exception as exc:  # OutputError: said to the user, nothing written
        result.error = str(exc)
        return result
    sites = [(domain, linkset.on(domain)) for domain in linkset.site.domains]
    total = sum(len(link.slugs) for _, sub in sites for link in sub.links)
    done = 0
    for domain, sub in sites:
        part = BuildResult(problems=[])
        dest = out / domain.name
        header = None if job.force else _still_right(dest, job.inputs, job.now, strict, job.workers)
        if header is not None:
            _from_summary(part, header["summary"])
            part.up_to_date = True
        else:
            offset = done
            step = (lambda d, t, o=offset: progress(o + d, total)) if progress else None
            _build_site(sub, dest, job, part, step, domain.name)
            result.problems = sorted(result.problems + part.problems)
            if part.error:
                result.error = f"{domain.name}: {part.error}"
                return result
            if not part.written:  # its hosts cannot take it (the problems say why)
                result.error = (
                    f"{domain.name}: nothing was written to {dest}; see the problems above"
                )
                return result
        done += sum(len(link.slugs) for link in sub.links)
        result.domains[domain.name] = part
    out.mkdir(parents=True, exist_ok=True)
    listed = {"domains": names, "default": names[0], "inputs": job.inputs}
    listed = json.dumps(listed, indent=1) + "\n"
    marker = out / DOMAINS_FILE
    _retire_gone(out, names, marker, result)
    if not marker.is_file() or marker.read_text(encoding="utf-8") != listed:
        replace_file(marker, listed)
    result.written = True
    _sum_up(result)
    return result


def _retire_gone(out: Path, names: list[str], marker: Path, result: BuildResult) -> None:
    """The folders of the domains the last build listed in ``marker`` and ``names`` no
    longer has: removed, and ``result.notes`` say so."""
    for gone in _read_domains(marker)[0]:
        folder = out / gone
        # a domain taken off site.domains: its folder is ours (our marker) and would
        # otherwise linger in the output, never published again; a user's files stay
        if gone not in names and folder.is_dir() and not folder.is_symlink():
            settle(folder)
            if read_manifest(folder, header_only=True) is None:
                continue
            kept = retire(folder)
            if kept:
                result.notes.append(
                    f"{gone} is no longer in site.domains: removed the files shortlinks "
                    f"wrote in {folder}/ and kept {len(kept)} of yours there"
                )
            else:
                result.notes.append(f"{gone} is no longer in site.domains: removed {folder}/")


def _sum_up(result: BuildResult) -> None:
    """The whole build's figures from each domain's."""
    parts = list(result.domains.values())
    result.up_to_date = all(p.up_to_date for p in parts)
    result.files = sum(p.files for p in parts)
    result.states = sum((p.states for p in parts), Counter())
    result.timezone = parts[0].timezone if parts else "UTC"
    changes = [p.next_change for p in parts if p.next_change is not None]
    result.next_change = min(changes, key=lambda c: c.at) if changes else None
    result.changed = (sum(p.changed[0] for p in parts), sum(p.changed[1] for p in parts))


def _domains_up_to_date(
    out: Path,
    inputs: str,
    now: datetime,
    strict: bool,
    result: BuildResult,
    workers: int | None,
) -> bool:
    """Whether the last build into ``out`` was of several domains from these very inputs,
    and every domain's site is still right at ``now``: then, as for one site, nothing is
    read further (not even the links file) and nothing is written."""
    names, listed_inputs, complete = _read_domains(out / DOMAINS_FILE)
    if not names or not complete or listed_inputs != inputs:
        return False  # none, from other inputs, or from another version: build
    parts = {}
    for name in names:
        header = _still_right(out / name, inputs, now, strict, workers)
        if header is None:
            return False
        part = BuildResult(problems=[], up_to_date=True)
        try:
            _from_summary(part, header["summary"])
        except (KeyError, TypeError, ValueError):
            return False
        parts[name] = part
    result.domains = parts
    _sum_up(result)
    return bool(parts)


def _still_right(
    out: Path, inputs: str, now: datetime, strict: bool, workers: int | None
) -> dict | None:
    """The last build's header of ``out`` when nothing is to be done there
    (``up_to_date``, its files looked at by as many processes as would write them; under
    ``--strict`` only if it had no warnings), after finishing what a killed build left
    beside it; None: build."""
    try:
        settle(out.absolute())  # what a killed build left beside the output
        header = up_to_date(out, inputs, now, parallel.workers(10**9, workers))
    except (KeyError, TypeError, ValueError):
        return None  # a manifest from another version
    if header is None or (strict and header.get("problems")):
        return None
    return header


def up_to_date(out: Path, inputs: str, now: datetime, workers: int = 1) -> dict | None:
    """The last build's header when it was made from exactly these inputs, no link has
    changed state between its instant and ``now`` (``built_at`` <= now < ``valid_until``)
    and every file it wrote is still there as it wrote it (write.py's ``intact``, in
    ``workers`` processes): then there is nothing to do. The stamps are looked at last:
    the rest is one line of the manifest."""
    header = last_header(out)
    if header is None or header.get("inputs") != inputs:
        return None
    try:
        until = header.get("valid_until")
        if until is not None and now >= datetime.fromisoformat(until):
            return None
        built = header.get("built_at")  # a build 'as of' an earlier instant (--now)
        if built is None or now < datetime.fromisoformat(built):
            return None
    except (TypeError, ValueError):
        return None
    if not intact(out, workers):
        return None  # a file deleted, truncated or replaced: build (and repair)
    return header


def _read_domains(marker: Path) -> tuple[list[str], str | None, bool]:
    """What the last build of several domains wrote in domains.json: the domains whose
    name can be a folder of the output, the inputs it was built from, and whether every
    name listed could (([], None, False) when there is none to read)."""
    try:
        listed = json.loads(marker.read_text(encoding="utf-8"))
        domains, inputs = listed["domains"], listed.get("inputs")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [], None, False
    if not isinstance(domains, list):
        return [], None, False
    names = [
        d for d in domains if isinstance(d, str) and d and "/" not in d and not d.startswith(".")
    ]
    return names, inputs, len(names) == len(domains)


def check_domains_root(out: Path, links_file: Path) -> None:
    """The folder of a several-domain build holds the domains' folders and domains.json:
    anything else there is a user's, and the build refuses to touch the folder."""
    if not out.exists():
        check_output(out, links_file)  # the refusals of any output: root, home, a repo
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder: remove it or choose another -o")
    entries = [e for e in out.iterdir() if not e.name.startswith(".")]
    if entries and not (out / DOMAINS_FILE).is_file():
        hint = "empty it, remove it, or choose another -o"
        if (out / "index.html").exists():
            hint = (
                "it holds a one-domain site from before site.domains: remove it (the next "
                "build writes one folder a domain)"
            )
        raise OutputError(f"{out} was not written by a build of site.domains; {hint}")


def _build_site(
    linkset: LinkSet,
    out: Path,
    job: _Job,
    result: BuildResult,
    progress: Callable[[int, int], None] | None,
    domain: str | None = None,
) -> BuildResult:
    """One site (one domain) into ``out``: plan, edge rules, render, write, and what was
    written held against the caps of its hosts before it is put in place (limits.py): a
    host that could not take it refuses the build, and the output stays as it was."""
    # (imported here: multiprocessing's machinery, which ``check`` never starts)
    from concurrent.futures.process import BrokenProcessPool

    with _no_gc_pauses():  # else the collector's first full pass walks the whole model
        plan = make_plan(linkset, job.now)  # what each link does at this instant
    edge = edge_of(plan, job.hosts)  # the hosts, and the pages their rules stand for
    _planned(result, plan)
    try:
        written = _render_and_write(plan, edge, out, job, result, progress, domain)
    except limits.DoesNotFit:  # the problems say which host and what to do
        return result
    except (jinja2.TemplateError, OutputError, BrokenProcessPool, OSError) as exc:
        result.error = _failure(exc, out)
        return result
    result.written = True
    result.changed = (written.written, written.removed)
    if written.kept:
        shown = ", ".join(written.kept[:5]) + (" ..." if len(written.kept) > 5 else "")
        result.notes.append(
            f"took {out}/ over: {len(written.kept)} file(s) this build does not write were "
            f"kept ({shown}); remove those that are not yours"
        )
    return result


def _planned(result: BuildResult, plan: Plan) -> None:
    """What the result says of the plan: its states, timezone and next change."""
    result.plan = plan
    result.states = Counter({state.value: n for state, n in plan.states.items() if n})
    result.timezone = plan.site.timezone
    result.next_change = plan.next_change


def _render_and_write(
    plan: Plan,
    edge: Edge,
    out: Path,
    job: _Job,
    result: BuildResult,
    progress: Callable[[int, int], None] | None,
    domain: str | None,
) -> WriteResult:
    """The site's files rendered and written into ``out`` (write.py), the pages shared
    out among worker processes; what was written."""
    # The pages shared out among this process and forked workers, each taking them a
    # chunk at a time until none is left (parallel.Dispenser); this process then makes the
    # site's own pages, and the site's other files (preview shards, links.json, the hosts'
    # rule files) are each made by a worker of their own, which goes on to take pages
    # too. One process: all of it, one after another.
    count = parallel.workers(len(plan.entries), job.workers)
    bar = parallel.Progress(len(plan.entries), progress)
    env = environment(job.templates)
    listing = limits.Tally()  # every file of the output and its size (write.py)
    cache = qr.QrCache(job.cache_dir)
    try:
        codes = lambda urls: qr.codes(urls, cache, plan.site.qr_style)  # noqa: E731
        pages = Pages(plan, env)
        shards: list[Callable[[], Iterable[tuple[str, bytes | jsonout.Chunks]]]] = []
        reports: list[RenderReport] = []  # the hosts' parts', from their workers
        files: Iterable[tuple[str, bytes | jsonout.Chunks]]
        if count > 1:
            entries = parallel.Dispenser(plan.entries)
            files = chain(
                iter_pages(plan, pages, edge.left_out, entries.take(), bar.step, codes),
                # made after this process's pages, beside the workers, not before them
                _later(partial(own_files, plan, pages)),
            )
            more = partial(_shard, plan, env, edge, entries, bar, job.cache_dir)
            parts = site_parts(plan, pages, edge)
            # a worker for each part of the site's other files, which then takes pages,
            # and workers that only take pages to make one process a core
            shards += [partial(_Then, part, more) for part in parts]
            shards += [more] * max(0, count - 1 - len(parts))
            report = lambda: merge_reports(edge, reports)  # noqa: E731
        else:
            files = rendered = render(plan, pages, edge, plan.entries, bar.step, codes)
            report = lambda: rendered.report  # noqa: E731
        written = write_site(
            out,
            files,
            lambda: _header(plan, edge, report(), listing, job, result, domain),
            counted=lambda n: setattr(result, "files", n),
            shards=shards,
            waiting=bar.tell,
            every=job.force,
            lister=limits.Tally.of,
            listed=lambda tallies: listing.add_up(tallies),  # type: ignore[arg-type]
            reports=lambda found: reports.extend(r for r in found if r is not None),
        )
    finally:
        cache.close()
    bar.tell()  # every worker has finished: the bar shows all of it
    return written


def _later(make: Callable[[], dict[str, bytes]]) -> Iterator[tuple[str, bytes]]:
    """The files ``make`` returns, made only when the first is asked for."""
    yield from make().items()


def _failure(exc: Exception, out: Path) -> str:
    """What the user is told of a build that failed before its output was put in place."""
    # (imported here: multiprocessing's machinery, which ``check`` never starts)
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    if isinstance(exc, jinja2.TemplateError):
        return f"template error: {exc}"
    if isinstance(exc, OutputError):
        return str(exc)
    if isinstance(exc, BrokenProcessPool):  # a worker killed (the kernel's OOM killer, say)
        return (
            f"a worker process writing {out} ended before its pages were written; the "
            "previous output is as it was (build again)"
        )
    # OSError: a full disk, a folder not writable: said, never a traceback
    return (
        f"could not write {out}: {exc}; the previous output is as it was "
        "(free space or choose another -o, then build again)"
    )


def _shard(
    plan: Plan,
    env: jinja2.Environment,
    edge: Edge,
    entries: parallel.Dispenser[Entry],
    bar: parallel.Progress,
    cache_dir: Path | None,
) -> Iterator[tuple[str, bytes]]:
    """Pages, rendered in a forked worker as long as ``entries`` has any left: its own QR
    cache connection and page skeletons."""
    cache = qr.QrCache(cache_dir)
    try:
        pages = Pages(plan, env)
        codes = lambda urls: qr.codes(urls, cache, plan.site.qr_style)  # noqa: E731
        yield from iter_pages(plan, pages, edge.left_out, entries.take(), bar.add, codes)
    finally:
        bar.flush()
        cache.close()


class _Then:
    """The files of ``first()``, then those of ``then()``, keeping the ``report`` that
    the first stream has once it has all come (render.py's ``Rendered``; write.py asks
    each worker's stream for it)."""

    def __init__(
        self,
        first: Callable[[], Iterable[tuple[str, bytes | jsonout.Chunks]]],
        then: Callable[[], Iterable[tuple[str, bytes | jsonout.Chunks]]],
    ) -> None:
        self.first = first()
        self.then = then

    def __iter__(self) -> Iterator[tuple[str, bytes | jsonout.Chunks]]:
        yield from self.first
        yield from self.then()

    @property
    def report(self) -> object:
        return getattr(self.first, "report", None)


def _languages_note(languages: list[Link]) -> str:
    """Where the links with languages are answered at the edge and where by their page
    (docs/hosts.md, "Languages and countries")."""
    at_edge = [link for link in languages if link.by_language_only]
    note = (
        f"{len(languages)} link(s) with 'languages' answered by their page (a page instead "
        "of an edge rule: it reads the visitor's navigator.languages), except on Vercel, "
        f"nginx, Apache and Caddy, which match Accept-Language at the edge for {len(at_edge)} "
        "of them"
    )
    netlify = sum(1 for link in at_edge if netlify_languages(language_rule(link, link.slug)))
    if netlify:
        note += (
            f"; on Netlify, Language= lines answer a visitor whose first language is one of "
            f"the tags of {netlify} of them, and their page the others"
        )
    return note


def _header(
    plan: Plan,
    edge: Edge,
    report: RenderReport,
    listing: limits.Tally,
    job: _Job,
    result: BuildResult,
    domain: str | None,
) -> dict:
    """What the manifest keeps of this build (for ``up_to_date``), asked for once every
    file has been rendered and written beside the output. The files are first held
    against the caps of the hosts (limits.py): ``limits.DoesNotFit`` when one cannot take
    them (or, under --strict, comes near a cap), and nothing is put in place."""
    result.notes = list(report.notes)
    languages = [link for link in plan.links if link.languages]
    if languages:
        result.notes.append(_languages_note(languages))
    countries = sum(1 for link in plan.links if link.countries)
    if countries:  # docs/hosts.md: only Netlify's and Vercel's rules know the country
        result.notes.append(
            f"{countries} link(s) with 'countries': only Netlify's and Vercel's edge rules "
            "target a country (a page cannot know it); on the other hosts visitors there get "
            "the link's own target ('check' names them)"
        )
    result.rules = dict(report.rules)
    chosen = bool(job.hosts or plan.site.hosts)
    where = replace(job.where, domain=domain)
    found = limits.fit_problems(listing, plan, edge.hosts, chosen, where)
    result.problems = sorted(result.problems + found)
    if any(p.is_error for p in found) or (job.strict and found):
        raise limits.DoesNotFit
    return {
        "inputs": job.inputs,
        "built_at": job.now.isoformat(),
        "valid_until": plan.next_change.at.isoformat() if plan.next_change else None,
        "problems": job.problems + len(found),
        "summary": _summary(result),
    }


__all__ = ["BuildResult", "CheckResult", "State", "build", "check"]
