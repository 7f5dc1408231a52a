"""links.lock: every slug ever published, and where it pointed, so none silently moves.

A short link lives on after its line leaves links.yaml: printed QR codes, old chat
messages and bookmarks still carry it. Pointing such a slug somewhere else, by editing
its target or by reusing it for a new link after it was removed, would send all of them
to a page they never asked for. links.lock, committed beside links.yaml, records each
slug (and alias) with the target it was published with, one ``slug target`` line each:

- ``check`` refuses links.yaml when a slug's target is not the one its lock line says
  (a new slug or a deliberate move not yet recorded: ``shortlinks lock`` records it);
- ``shortlinks lock`` records new slugs, and records a new target for a locked slug only
  when the link says so in links.yaml with ``repoint_from: <the locked target>``: an
  explicit override, visible in the pull request and as a warning in its check;
- a pull request's check (``check --base REF``) refuses a lock that lost or rewrote a
  line of the base branch's: the file only grows.

With site.domains a line names the slug's domain (``sale@go.example.com``), and a link's
device target that differs from its own is locked as ``app:ios`` (``parent``: a name with
no line of its own continues the lines of the one it derives from).

Lines are grouped by slug (case and width folded, as slugs collide) in sorted order, so
two pull requests adding links touch different lines. A moved slug has one line per
target, oldest first; the last is where it points now. Slugs and normalised targets hold
no spaces, so a line is readable and can be written by hand in a web editor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import finder, gitfiles
from .model import LinkSet
from .problems import ERROR, WARNING, Problem
from .slugs import collision_key
from .urls import UrlError, parse_target

HEADER = """\
# links.lock: every slug ever published from links.yaml, with the target it was published
# with ("slug target", one line each). A slug moved on deliberately (repoint_from) has a
# line for each target, oldest first: the last is where it points now. Written by
# 'shortlinks lock'; commit it with links.yaml. Never remove or change a line: see
# docs/security.md, "Published links never silently change".
"""


def key(name: str) -> str:
    """The slugs one lock line stands for: letter case and width folded (as slugs collide),
    and trailing punctuation dropped, as the 404 page's finder does (finder.py): it would
    send '/gh' to a page 'gh.' if 'gh' were gone, so 'gh.' must not take over 'gh'.

    A name is ``slug``, ``slug@domain`` (a slug of one of site.domains) and either with
    ``:platform`` (a link's target for one device: ``app:ios``); a slug has none of '@'
    and ':', a domain no ':', so a name reads one way only."""
    base, colon, platform = name.partition(":")
    slug, at, domain = base.partition("@")
    return finder.normal(collision_key(slug)) + at + domain.lower() + colon + platform


def parent(name: str) -> str | None:
    """The name whose lines a name without lines of its own continues. A device's target
    continues its link's (before 'devices', every visitor went to the link's target); a
    slug on one domain continues the slug's lines without a domain, written before
    site.domains, which stand for the slug on every domain."""
    base, colon, _platform = name.partition(":")
    if colon:
        return base
    slug, at, _domain = name.partition("@")
    return slug if at else None


@dataclass(frozen=True)
class Entry:
    slug: str
    target: str
    line: int


@dataclass
class Lock:
    name: str  # the file, as messages name it
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # collision key -> history
    problems: list[Problem] = field(default_factory=list)

    def history(self, name: str) -> list[Entry]:
        """The lines of ``name``, oldest first: its own, or those of the name it continues
        (``parent``) while it has none of its own."""
        at: str | None = name
        while at is not None:
            found = self.entries.get(key(at))
            if found:
                return found
            at = parent(at)
        return []

    def current(self, name: str) -> Entry | None:
        history = self.history(name)
        return history[-1] if history else None


def lock_path(links_file: Path) -> Path:
    """``links.yaml`` -> ``links.lock``, in the same folder."""
    return links_file.with_suffix(".lock")


def parse(text: str, name: str) -> Lock:
    lock = Lock(name)
    # '\n' alone ends a line, as in a diff; any other control or line-separator character
    # (U+2028, U+0085...) is refused: two lines must never look like one in a review
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" ")
        odd = not line.isprintable() or "\u2028" in line or "\u2029" in line
        if len(parts) != 2 or not all(parts) or odd:
            lock.problems.append(
                Problem(
                    number,
                    1,
                    ERROR,
                    "a lock line is 'slug target', one space between",
                    "restore the line from the base branch: git checkout origin/main -- "
                    f"{Path(name).name}",
                    file=name,
                )
            )
            continue
        slug, target = parts
        lock.entries.setdefault(key(slug), []).append(Entry(slug, target, number))
    return lock


def read(path: Path) -> Lock | None:
    """The lock beside a links file, or None when there is none (the check is off)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        lock = Lock(str(path))
        lock.problems.append(Problem(1, 1, ERROR, f"cannot read it: {exc}", file=str(path)))
        return lock
    return parse(text, str(path))


class BaseError(Exception):
    """The base's lock could not be read (no such ref)."""


def read_base(spec: str, links_file: Path) -> Lock:
    """The lock of a pull request's base: a file, or a git ref (``origin/main``) whose
    lock beside ``links_file`` is read. No lock there: an empty one (nothing to keep)."""
    if not gitfiles.is_commit(spec) and Path(spec).is_file():  # a ref first (gitfiles.py)
        return read(Path(spec)) or Lock(spec)
    rel = os.path.relpath(lock_path(links_file))
    try:
        text = gitfiles.show(spec, f"./{rel}")
    except gitfiles.GitError as exc:
        raise BaseError(f"{spec!r} is neither a file nor a git ref: {exc}") from None
    return Lock(spec) if text is None else parse(text, spec)


def same(locked: str, target: str) -> bool:
    """Whether a lock line's target is ``target``: as written, or once put in today's normal
    form (urls.py), so that a newer generator normalising a URL differently (an empty path
    is '/' since 29 November 2026) does not take an unchanged link for a moved one."""
    if locked == target:
        return True
    try:
        return parse_target(locked).url == target
    except UrlError:
        return False


Locate = Callable[[tuple[object, ...]], tuple[int, int]]


def _published(linkset: LinkSet) -> Iterator[tuple[str, str, str | None, tuple[object, ...]]]:
    """(name, target, repoint_from, its path in links.yaml) of every slug and alias, and of
    each of their device targets (``slug:ios``). With site.domains every name says its
    domain (``slug@domain``), the default's too: reordering the list moves nothing."""
    several = linkset.site.several
    for link in linkset.links:
        moved = link.repoint_from.url if link.repoint_from else None
        for domain in link.domains if several else (None,):
            on = f"@{domain}" if domain else ""
            for i, slug in enumerate(link.slugs):
                # each alias at its own item (an alias in '[a, b]' was placed at the '[')
                path = link.path if i == 0 else (*link.path, "aliases", i - 1)
                yield slug + on, link.target.url, moved, path
                for platform, target in link.devices:
                    where = (*link.path, "devices", platform)
                    yield f"{slug}{on}:{platform}", target.url, moved, where


def _moved_silently(slug: str, locked: str, where: str | None = None) -> tuple[str, str]:
    """Message and hint for a published slug given another target without the override."""
    at = f" ({where})" if where else ""
    return (
        f"{slug!r} was published pointing to {locked}{at}; people and printed QR codes "
        "still use it",
        f"keep its target, choose a new slug, or move it deliberately: add "
        f"'repoint_from: {locked}' to the link",
    )


def check(linkset: LinkSet, lock: Lock, locate: Locate, file: str) -> list[Problem]:
    """Every slug of links.yaml recorded in the lock with its target, else an error each."""
    problems = list(lock.problems)
    lock_name = Path(lock.name).name
    for slug, target, moved, path in _published(linkset):
        entry = lock.current(slug)
        if entry is not None and same(entry.target, target) and moved is None:
            continue  # the usual case: found without reading positions
        device = ":" in slug  # a device's target: said once for the link, not again
        if device and (entry is None or same(entry.target, target)):
            continue  # its link has the message (not locked; moved), if any
        line, column = locate(path)  # only for a message: a deep one reads the file again
        if entry is None:
            said = (
                ERROR,
                f"{slug!r} is not in {lock_name} yet",
                f"run 'shortlinks lock' and commit {lock_name} (or add the line "
                f"'{slug} {target}' to it)",
            )
        elif not same(entry.target, target):
            if moved is not None and same(entry.target, moved):
                said = (
                    ERROR,
                    f"{slug!r} moves from {entry.target} to {target} (repoint_from), "
                    f"and {lock_name} does not record it yet",
                    f"run 'shortlinks lock' and commit {lock_name}",
                )
            else:
                said = (ERROR, *_moved_silently(slug, entry.target, f"{lock_name}:{entry.line}"))
        elif len(history := lock.history(slug)) > 1 and same(history[-2].target, moved):
            said = (
                WARNING,
                f"{slug!r} was moved from {moved} to {target} (repoint_from)",
                "people who kept the old link now land on the new target; remove "
                "'repoint_from' once this is merged",
            )
        else:
            said = (
                WARNING,
                f"'repoint_from' of {slug!r} names {moved}, which it no longer moves from",
                "remove 'repoint_from'",
            )
        problems.append(Problem(line, column, *said, file=file))
    return problems


def since(
    base: Lock, head: Lock, linkset: LinkSet | None, locate: Locate, file: str
) -> list[Problem]:
    """A pull request's lock against its base branch's: every base line kept as it was,
    and a new target for a slug of the base only with the override in links.yaml. A name
    with no line in the base that continues one that has (``parent``: a slug now on a
    domain, a device of a link) may copy its target, or move it with the override."""
    problems: list[Problem] = [
        Problem(p.line, p.column, ERROR, f"the base's lock is unreadable: {p.message}",
                file=base.name)
        for p in base.problems
    ]  # fmt: skip
    moves = {}
    if linkset is not None:
        moves = {key(s): (m, t, p) for s, t, m, p in _published(linkset)}
    name = Path(head.name).name
    for k, before in base.entries.items():
        after = head.entries.get(k, [])
        kept = [(e.slug, e.target) for e in after[: len(before)]]
        if kept != [(e.slug, e.target) for e in before]:
            entry = before[-1]
            problems.append(
                Problem(
                    1,
                    1,
                    ERROR,
                    f"{name} lost or changed the line '{entry.slug} "
                    f"{entry.target}' of {base.name}: published slugs are never forgotten",
                    f"restore it (git checkout {base.name}), then run 'shortlinks lock'",
                    file=head.name,
                )
            )
            continue
        found = _unlawful(before, after[len(before) :], moves.get(k), name, locate, file, head)
        if found is not None:
            problems.append(found)
    for k, after in head.entries.items():
        if k in base.entries or parent(after[0].slug) is None:
            continue
        before = base.history(parent(after[0].slug))  # type: ignore[arg-type]
        if not before:
            continue  # a new slug: check() holds it to links.yaml
        moved = [e for e in after if not same(e.target, before[-1].target)]
        found = _unlawful(before, moved, moves.get(k), name, locate, file, head)
        if found is not None:
            problems.append(found)
    return problems


def _unlawful(
    before: list[Entry],
    added: list[Entry],
    move: tuple[str | None, str, tuple[object, ...]] | None,
    name: str,
    locate: Locate,
    file: str,
    head: Lock,
) -> Problem | None:
    """What is wrong with the lines ``added`` after ``before`` in a pull request: one
    move a pull request, to where links.yaml says, from where main has it, declared."""
    if not added:
        return None
    moved, target, path = move or (None, None, None)
    lawful = len(added) == 1 and target is not None and same(added[0].target, target)
    if moved is not None and same(before[-1].target, moved) and lawful:
        return None
    entry = added[0]
    line, column = locate(path) if path else (entry.line, 1)
    if len(added) > 1 or (target is not None and not same(entry.target, target)):
        message = (
            f"{entry.slug!r} gets {len(added)} new line(s) in {name}, not the one "
            "move links.yaml declares"
        )
        hint = f"restore {name} from the base branch, then run 'shortlinks lock'"
    else:
        message = (
            f"{entry.slug!r} is repointed in {name} from "
            f"{before[-1].target} to {entry.target} without 'repoint_from'"
        )
        hint = (
            f"add 'repoint_from: {before[-1].target}' to the link in links.yaml, or keep its target"
        )
    return Problem(line, column, ERROR, message, hint, file=file if path else head.name)


@dataclass
class Update:
    text: str
    added: list[str]
    moved: list[str]
    refused: list[Problem]


def update(linkset: LinkSet, lock: Lock | None, locate: Locate, file: str) -> Update:
    """The lock with every slug of ``linkset`` recorded: new slugs added, a new target
    recorded only for a link that says ``repoint_from: <its locked target>``."""
    entries = {k: list(v) for k, v in (lock.entries if lock else {}).items()}
    added: list[str] = []
    moved: list[str] = []
    refused: list[Problem] = []
    fresh: set[str] = set()  # keys this update adds: a new link's devices follow them

    def inherited(name: str) -> tuple[str, list[Entry]] | None:
        at = parent(name)
        while at is not None:
            if entries.get(key(at)):
                return key(at), entries[key(at)]
            at = parent(at)
        return None

    for slug, target, moved_from, path in _published(linkset):
        k = key(slug)
        history = entries.get(k)
        if not history:
            above = inherited(slug)
            if above is not None and same(above[1][-1].target, target):
                continue  # the line it continues says it already (a new domain, a device)
            if above is None or above[0] in fresh:  # a new slug, or a new link's device
                entries[k] = [Entry(slug, target, 0)]
                fresh.add(k)
                added.append(slug)
                continue
            # a published slug on a new domain, or a device of a published link: a move
            history = list(above[1])
            if moved_from is not None and same(history[-1].target, moved_from):
                entries[k] = [Entry(slug, target, 0)]
                moved.append(slug)
            else:
                line, column = locate(path)
                said = _moved_silently(slug, history[-1].target)
                refused.append(Problem(line, column, ERROR, *said, file=file))
        elif not same(history[-1].target, target):
            if moved_from is not None and same(history[-1].target, moved_from):
                history.append(Entry(slug, target, 0))
                moved.append(slug)
            else:
                line, column = locate(path)
                said = _moved_silently(slug, history[-1].target)
                refused.append(Problem(line, column, ERROR, *said, file=file))
    lines = [HEADER]
    for k in sorted(entries):
        lines.extend(f"{e.slug} {e.target}\n" for e in entries[k])
    return Update("".join(lines), added, moved, refused)


def write(path: Path, text: str) -> None:
    """Replace the lock in one step: never half-written."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
