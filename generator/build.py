"""The two jobs, as recipes of named steps: check a links file, and build a site.

load -> validate -> plan -> render -> write. Each step is one module; this one
only strings them together and says what happened.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from . import qr
from .hosts import HOSTS
from .load import Document, load_file, load_text
from .model import LinkSet, State
from .pages import environment
from .plan import Change, make_plan
from .problems import ERROR, Problem
from .render import render_site
from .validate import validate
from .write import check_output, write_site


@dataclass
class CheckResult:
    linkset: LinkSet | None
    problems: list[Problem]

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
            gc.enable()


def check(path: Path) -> CheckResult:
    with _no_gc_pauses():
        doc, problems = load_file(path)
        return _checked(doc, problems)


def check_text(text: str, name: str) -> CheckResult:
    """``check`` of text not (yet) on disk: what ``add`` and ``import`` would write."""
    doc, problems = load_text(text, name)
    return _checked(doc, problems)


def _checked(doc: Document | None, problems: list[Problem]) -> CheckResult:
    if doc is None:
        return CheckResult(None, problems)
    linkset, more = validate(doc)
    return CheckResult(linkset, sorted(problems + more))


def build(
    path: Path,
    out: Path,
    now: datetime,
    templates: Path | None = None,
    hosts: tuple[str, ...] | None = None,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
) -> BuildResult:
    """``progress(done, total)``: told of each slug rendered, for a progress bar.
    ``cache_dir``: where QR codes made by earlier builds are kept (the CLI's default is
    ``qr.default_cache_dir()``); None makes every code anew."""
    checked = check(path)
    result = BuildResult(problems=checked.problems)
    if not checked.ok or (strict and checked.problems):
        return result
    assert checked.linkset is not None
    try:
        check_output(out, path)
    except Exception as exc:  # OutputError: said to the user, nothing written
        result.error = str(exc)
        return result

    plan = make_plan(checked.linkset, now)
    try:
        step = None
        if progress is not None:
            total, done = len(plan.entries), [0]

            def step(n: int) -> None:
                done[0] += n
                progress(done[0], total)

        cache = qr.QrCache(cache_dir)
        try:
            site = render_site(
                plan, environment(templates), hosts, step, lambda urls: qr.codes(urls, cache)
            )
        finally:
            cache.close()
    except jinja2.TemplateSyntaxError as exc:
        result.error = f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}"
        return result
    except jinja2.TemplateError as exc:
        result.error = f"template error: {exc}"
        return result

    write_site(out, site.files)
    result.written = True
    result.files = len(site.files)
    result.states = Counter(plan.state_of(link).value for link in plan.links)
    result.timezone = plan.site.timezone
    result.notes = site.notes
    result.rules = {
        name: len(HOSTS[name].ruled(plan, frozenset(site.hosts))) for name in site.hosts
    }
    result.next_change = plan.next_change
    return result


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


__all__ = ["BuildResult", "CheckResult", "State", "build", "check"]
