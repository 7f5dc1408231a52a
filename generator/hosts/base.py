"""The small interface every host format implements, and what each host declares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..plan import Plan
from ..rules import Rule


@dataclass(frozen=True)
class Limits:
    """A host's documented limits; ``source`` names where they are documented."""

    rules: int | None = None
    file_bytes: int | None = None
    line_chars: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Behaviour:
    """How the host's engine treats requests, as seen on the engine (docs/hosts.md)."""

    query: str
    case: str
    trailing_slash: str
    unicode: str
    files: str  # what happens when a file exists at a rule's path
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


@dataclass
class HostOutput:
    """What a host adds to the site: files, how many rules it wrote, notes to print."""

    files: dict[str, bytes] = field(default_factory=dict)
    rules: int = 0
    left_to_pages: int = 0
    notes: list[str] = field(default_factory=list)


class Host(Protocol):
    """A static host's rule format.

    ``render`` is pure: it reads the plan and returns file contents. Pages for
    every slug exist whatever the host does, so a host leaves any rule it cannot
    express exactly to its page (the page redirects too, one HTML hop slower).
    ``selected`` is every host of this build, for hosts that share one file.
    """

    name: str
    title: str
    files: tuple[str, ...]
    statuses: frozenset[int]
    limits: Limits
    behaviour: Behaviour

    def ruled(self, plan: Plan, selected: frozenset[str]) -> list[Rule]:
        """The rules this host answers at the edge; every other path gets its page."""
        ...

    def render(self, plan: Plan, selected: frozenset[str]) -> HostOutput: ...


def overflow_note(host: str, kept: int, left: int, why: str) -> str:
    return (
        f"{host}: {left} of {kept + left} rules do not fit ({why}); "
        "their pages answer instead (links that never expire were kept first)"
    )
