"""A whole site in memory, for tests: a build streams its files to disk instead
(generator/render.py's ``render``), so this convenience is the tests' own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2

from generator.hosts import HostOutput
from generator.pages import Pages
from generator.plan import Plan
from generator.render import edge_of, render


@dataclass
class Site:
    """Every file of a site by its path, the build's notes and each host's output."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    hosts: dict[str, HostOutput] = field(default_factory=dict)


def render_site(
    plan: Plan,
    env: jinja2.Environment,
    hosts: tuple[str, ...] | None = None,
    progress: Callable[[int], None] | None = None,
    qr_codes: Callable[[list[str]], dict[str, tuple[bytes, bytes]]] | None = None,
) -> Site:
    """The whole site of ``plan`` in memory, its hosts' file contents kept."""
    made = edge_of(plan, hosts)
    files = render(plan, Pages(plan, env), made, plan.entries, progress, qr_codes, keep=True)
    site = Site({path: data if isinstance(data, bytes) else b"".join(data) for path, data in files})
    site.notes, site.hosts = list(files.report.notes), files.report.hosts
    return site
