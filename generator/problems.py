"""Problems found in a links file, and the ways of printing them.

A problem is data, not an exception: every stage collects them so that the
user sees all of them at once, and only the CLI decides how to print them and
which exit code they earn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum

ERROR = "error"
WARNING = "warning"

# A path into the document: mapping keys and sequence indices, e.g.
# ("links", "spring-sale", "expires"). Positions are looked up from it late,
# so a loader that does not track positions can still place problems.
Path = tuple[object, ...]


def shown(value: object, limit: int = 100) -> str:
    """``repr`` of a value for a message, cut short past ``limit`` characters to its start
    and its length: a message never repeats megabytes of a mistaken or hostile file back
    at the user, several times over (tests/test_bad_input.py feeds it 50 MB values)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:40]!r}... ({len(value)} characters)"
    return repr(value)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in the input, with where it is."""

    line: int
    column: int
    severity: str = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    file: str = field(default="links.yaml", compare=False)
    # which rule found it (a key of RULES): required, so that no problem goes unnamed
    rule: str = field(kw_only=True, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class PendingProblem:
    """A problem found by validation, still to be given a position.

    ``at`` says whether the key or the value of ``path`` is the better place
    to point at: an unknown key is the key, a bad date is the value.
    """

    path: Path
    severity: str
    message: str
    hint: str | None = None
    at: str = "value"
    rule: str = field(kw_only=True)


class Format(str, Enum):
    text = "text"
    github = "github"
    json = "json"


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(problems: Sequence[Problem]) -> str:
    errors, warnings = count(problems)
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    return ", ".join(parts)


def format_text(p: Problem, *, color: bool = False) -> str:
    """``links.yaml:12:5: error: message (rule-id)`` then an indented hint line."""
    sev = p.severity
    if color:
        code = "31" if p.is_error else "33"
        sev = f"\x1b[1;{code}m{sev}\x1b[0m"
    out = f"{p.file}:{p.line}:{p.column}: {sev}: {p.message} ({p.rule})"
    if p.hint:
        out += f"\n    hint: {p.hint}"
    return out


def _gh_escape_data(text: str) -> str:
    # Workflow-command escaping, as done by @actions/core (escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(text: str) -> str:
    # Properties additionally escape ':' and ',' (escapeProperty in @actions/core).
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(p: Problem) -> str:
    """A GitHub Actions annotation, shown on the offending line of a PR."""
    message = p.message if not p.hint else f"{p.message}\n{p.hint}"
    return (
        f"::{p.severity} file={_gh_escape_property(p.file)},line={p.line},col={p.column},"
        f"title={_gh_escape_property(p.rule)}"
        f"::{_gh_escape_data(message)}"
    )


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
