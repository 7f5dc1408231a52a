"""The hosts' table of docs/hosts.md, made from what each host module declares.

Each row is one host's ``title``, ``name``, ``files``, ``limits.source``, ``statuses`` and
``behaviour``: nothing about a host is written twice. tests/test_hosts.py holds the doc to
it; after changing a host, ``python -m generator.hosts.table`` rewrites the table in place.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import HOSTS
from .base import Host

HEADER = (
    "| Host (`name`) | Files written | Limits (source) | Statuses | Query | Case "
    "| Trailing slash | Unicode paths | Files at a rule's path | Verified by |"
)
DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "hosts.md"


def statuses(host: Host) -> str:
    """'301 302, 410 (the expired page)': the redirects the host's rules may answer with,
    then 410, then what the host adds to say about them; 'none' without any."""
    codes = sorted(host.statuses)
    said = " ".join(str(code) for code in codes if code != 410)
    if 410 in codes:
        said += ", 410"
    return (said or "none") + host.behaviour.statuses_note


def row(host: Host) -> str:
    b = host.behaviour
    notes = dict(b.file_notes)
    files = ", ".join(
        f"`{name}`" + (f" ({notes[name]})" if name in notes else "") for name in host.files
    )
    cells = (
        f"{host.title} (`{host.name}`)",
        files,
        host.limits.source,
        statuses(host),
        b.query,
        b.case,
        b.trailing_slash,
        b.unicode,
        b.files,
        b.verified_by,
    )
    return "| " + " | ".join(cells) + " |"


def table() -> str:
    """The whole table, a row for each host in the order of ``HOSTS``."""
    rows = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    rows += [row(host) for host in HOSTS.values()]
    return "\n".join(rows) + "\n"


def rewrite(text: str) -> str:
    """``text`` (docs/hosts.md) with its hosts' table made anew."""
    start = text.index(HEADER)
    end = text.index("\n\n", start) + 1
    return text[:start] + table() + text[end:]


if __name__ == "__main__":
    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"{DOC}: the hosts' table made from the host modules\n")
