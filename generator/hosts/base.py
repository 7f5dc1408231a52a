"""The small interface every host format implements, and what each host declares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from ..plan import Plan
from ..rules import Rule


@dataclass(frozen=True)
class Cap:
    """A documented cap on one deployment of the site, by the host's plan: ``by_plan`` is
    ``(plan, limit)`` pairs, the default plan (the free tier) first; one pair with the plan
    ``""`` when every plan has the same cap. ``source``: where the number is documented."""

    by_plan: tuple[tuple[str, int], ...]
    source: str

    @classmethod
    def only(cls, limit: int, source: str) -> Cap:
        """The same cap on every plan."""
        return cls((("", limit),), source)

    @property
    def plans(self) -> tuple[str, ...]:
        return tuple(plan for plan, _ in self.by_plan)

    def on(self, plan: str | None) -> int:
        """The cap on ``plan`` (None, or a plan this cap does not name: the default)."""
        return dict(self.by_plan).get(plan or "", self.by_plan[0][1])


@dataclass(frozen=True)
class Limits:
    """A host's documented limits. ``rules``, ``file_bytes`` and ``line_chars`` are those of
    its rule file (the host module keeps within them, reading them from here); ``source``
    says them with where they are documented, in Markdown: the host's "Limits (source)"
    cell of the table in docs/hosts.md. The caps below are of a whole deployment, which is
    the whole output folder: a build checks them (generator/limits.py) and says how far it
    is from each."""

    rules: int | None = None
    file_bytes: int | None = None
    line_chars: int | None = None
    source: str = ""
    site_files: Cap | None = None  # files a deployment may hold
    site_bytes: Cap | None = None  # bytes of all its files together
    asset_bytes: Cap | None = None  # bytes of any one file
    folder_files: Cap | None = None  # files directly in any one folder
    # files the host reads as its own configuration and does not count as the site's
    uncounted: frozenset[str] = frozenset()
    counts_folders: bool = False  # every folder is an entry of ``site_files`` too

    @property
    def caps(self) -> dict[str, Cap]:
        """The caps this host declares, by name: what generator/limits.py checks."""
        named = {
            "site_files": self.site_files,
            "site_bytes": self.site_bytes,
            "asset_bytes": self.asset_bytes,
            "folder_files": self.folder_files,
        }
        return {name: cap for name, cap in named.items() if cap is not None}

    @property
    def plans(self) -> tuple[str, ...]:
        """The plans ``site.plans`` may name for this host, the default first; () when its
        caps are the same on every plan."""
        for cap in self.caps.values():
            if len(cap.by_plan) > 1:
                return cap.plans
        return ()


@dataclass(frozen=True)
class Behaviour:
    """How the host's engine treats requests, as seen on the engine. The text is the host's
    row of the table in docs/hosts.md, in Markdown: ``table.py`` makes the table from these
    (tests/test_hosts.py holds the doc to it), and the numbers below are what the
    conformance suite asserts on the engine (tests/e2e/test_conformance.py)."""

    query: str  # what becomes of the visitor's query string
    case: str
    trailing_slash: str
    unicode: str
    files: str  # what happens when a file exists at a rule's path
    statuses_note: str  # said after the statuses the host declares ('(no 410)')
    verified_by: str  # the engine of the conformance suite, or what stands in for one
    # said after one of the host's files in the table: (file, note)
    file_notes: tuple[tuple[str, str], ...] = ()
    case_insensitive: bool = False  # '/GH' finds the rule of '/gh'
    slash_status: int = 404  # what '/gh/' gets on the engine (302: the rule; 301/308: to '/gh')
    serves_own_config: bool = False  # the local engine serves the rule file itself
    # what '/gh.html' gets: the page (200), or a redirect to '/gh' (Firebase's cleanUrls
    # 301, Cloudflare's 308)
    html_status: int = 200
    # a link's page whose slug is a folder too ('team' beside 'team/docs'): 200 the page,
    # or 302 to '/team.html' (Apache: mod_dir's 301 cannot be turned off from .htaccess)
    folder_slug_status: int = 200
    # an existing file wins over a rule at its path, with no way to force the rule:
    # a build for this host alone leaves out the pages of the links it rules
    files_override_rules: bool = False


class Hides(Enum):
    """Which files of the folder a host reads and never serves, as a kind (a host that hides
    only some files of its own names them instead: ``Host.hides``). Every other file in the
    folder is served to whoever asks for it by name; unproven means served."""

    nothing = "nothing"  # the folder as it is: every file, its own included
    private = "private"  # its rules answer every host's rule file and the manifest with 404
    host_files = "host files"  # the folder is uploaded without any host's files


@dataclass
class HostOutput:
    """What a host adds to the site: files, how many rules it wrote, notes to print, and
    how many rules each host answers at the edge from them (``ruled``: its own; a file
    that several hosts read says it for each of them)."""

    files: dict[str, bytes] = field(default_factory=dict)
    rules: int = 0
    left_to_pages: int = 0
    notes: list[str] = field(default_factory=list)
    ruled: dict[str, int] = field(default_factory=dict)


class Host(Protocol):
    """A static host's rule format.

    ``render`` is pure: it reads the plan and returns file contents. Pages for
    every slug exist whatever the host does, so a host leaves any rule it cannot
    express exactly to its page (the page redirects too, one HTML hop slower).
    ``selected`` is every host of this build, for hosts that share one file.
    ``rules`` are the plan's edge rules (``rules.edge_rules``), made once by the build and
    passed to every host; ``ruled`` makes them itself when given none.
    """

    name: str
    title: str
    files: tuple[str, ...]
    hides: Hides | frozenset[str]  # what it never serves: a kind, or its own files by name
    statuses: frozenset[int]
    limits: Limits
    behaviour: Behaviour

    def ruled(
        self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule] | None = None
    ) -> list[Rule]:
        """The rules this host answers at the edge; every other path gets its page."""
        ...

    def render(self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule]) -> HostOutput: ...


def overflow_note(host: str, kept: int, left: int, why: str) -> str:
    return (
        f"{host}: {left} of {kept + left} rules do not fit ({why}); "
        "their pages answer instead (links that never expire were kept first)"
    )
