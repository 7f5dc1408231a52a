"""The small interface every host format implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..plan import Plan


@dataclass
class HostOutput:
    """What a host adds to the site: files, plus notes the build prints."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Host(Protocol):
    """A static host's rule format.

    ``render`` is pure: it reads the plan and returns file contents. Pages for
    every slug exist whatever the host does, so a host may leave any entry to
    its page (the page redirects too, one HTML hop slower).
    """

    name: str
    files: tuple[str, ...]

    def render(self, plan: Plan) -> HostOutput: ...
