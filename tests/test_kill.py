"""A build killed at any stage (SIGKILL: no clean-up runs) leaves the output exactly as it
was or exactly the new site, never a mixture, and the next build finishes the job.

No kill is timed: ``SHORTLINKS_STOP_AT=<stage>`` makes the real CLI kill itself at that
stage of the writer (``generator.write.STAGES``), so every stage is hit on every run, on
a fast machine or a loaded one. Each row below says what the output must be at the
instant of the kill: the old site, the new one, or (the journal, where no swap is
possible, halfway through) the mixture its journal lets the next build finish.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import build
from generator.write import STAGES, state_path
from tests.conftest import ROOT

NOW = "2026-11-25T12:00:00Z"
SMALL = 40  # links: a build of a fraction of a second
BIG = 2600  # links: the new version has 2,130, enough for two forked workers
# The CLI with the atomic swap ruled out (as on a mount point): the journal's stages.
NO_SWAP = (
    "import sys; from generator import write; write._swappable = lambda out: False; "
    "from generator.cli import main; sys.argv[0] = 'shortlinks'; main()"
)


def _links(n: int, version: str) -> str:
    """``n`` links; ``version`` changes every target and drops or adds a tail of links, so
    the second build both writes, keeps and removes files."""
    lines = ["site:", "  domain: go.example.com", "  qr: false", "", "links:"]
    count = n if version == "a" else n - n // 5 + 50
    for i in range(count):
        if i % 3 == 0:  # a third keep their page: the swap must carry them over
            target = f"https://shop.example.com/p/{i}"
        else:
            target = f"https://shop.example.com/{version}/{i}"
        extra = f"\n    expires: 2027-0{1 + i % 9}-01" if i % 4 == 0 else ""
        lines.append(f"  item-{version if i >= n - n // 5 else ''}{i}:")
        lines.append(f"    url: {target}{extra}")
    return "\n".join(lines) + "\n"


def _tree(folder: Path) -> dict[str, str] | None:
    """Every file under ``folder`` and a digest of its bytes (None: no folder)."""
    if not folder.exists():
        return None
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def _at(now: str) -> datetime:
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


def _build(links: Path, out: Path) -> None:
    result = build(links, out, _at(NOW), workers=2)
    assert result.written and result.error is None, (result.error, result.problems)


class Sites:
    """Per size: the two links files, and the trees the complete builds give."""

    def __init__(self, work: Path, n: int) -> None:
        self.a, self.b = work / f"a-{n}.yaml", work / f"b-{n}.yaml"
        self.a.write_text(_links(n, "a"), encoding="utf-8")
        self.b.write_text(_links(n, "b"), encoding="utf-8")
        _build(self.a, work / f"old-{n}" / "site")
        self.old = _tree(work / f"old-{n}" / "site")
        _build(self.a, work / f"rebuilt-{n}" / "site")
        _build(self.b, work / f"rebuilt-{n}" / "site")
        self.rebuilt = _tree(work / f"rebuilt-{n}" / "site")  # b over a: the marker says 2
        _build(self.b, work / f"fresh-{n}" / "site")
        self.fresh = _tree(work / f"fresh-{n}" / "site")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Sites]:
    work = tmp_path_factory.mktemp("kill")
    return {n: Sites(work, n) for n in (SMALL, BIG)}


def _killed(stage: str, links: Path, out: Path, swap: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHORTLINKS_STOP_AT": stage, "SHORTLINKS_WORKERS": "2"}
    args = ["build", str(links), "-o", str(out), "--now", NOW, "--no-cache"]
    launch = ["-m", "generator"] if swap else ["-c", NO_SWAP]
    return subprocess.run(
        [sys.executable, *launch, *args], cwd=ROOT, env=env, capture_output=True, timeout=600
    )


# (stage, links, what the output is at the kill: "old", "new", or "journal": part applied,
#  and whether the build got past its point of no return: the next one has nothing to do)
SWAP = [
    ("writing", BIG, "old", False),  # the forked workers still writing
    ("worker", BIG, "old", False),  # a worker killed: the build fails, exit 1
    ("written", SMALL, "old", False),
    ("state", SMALL, "old", False),
    ("assembled", SMALL, "old", False),
    ("swapped", SMALL, "new", True),
    ("promoted", SMALL, "new", True),
]
JOURNAL = [
    ("written", SMALL, "old", False),
    ("state", SMALL, "old", False),
    ("journal", SMALL, "old", True),  # nothing applied yet, but the journal says what to do
    ("applying", SMALL, "journal", True),
    ("applied", SMALL, "new", True),
]
FRESH = [
    ("writing", BIG, "old", False),
    ("worker", BIG, "old", False),
    ("written", SMALL, "old", False),
    ("state", SMALL, "old", False),
    ("swapped", SMALL, "new", True),
    ("promoted", SMALL, "new", True),
]


def test_every_stage_of_the_writer_is_killed_at() -> None:
    hit = {row[0] for rows in (SWAP, JOURNAL, FRESH) for row in rows}
    assert hit == set(STAGES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("way", "stage", "n", "then", "committed"),
    [("swap", *row) for row in SWAP]
    + [("journal", *row) for row in JOURNAL]
    + [("first-build", *row) for row in FRESH],
    ids=lambda v: str(v),
)
def test_a_build_killed_at_any_stage_leaves_the_old_output_or_the_new(
    tmp_path: Path,
    sites: dict[int, Sites],
    way: str,
    stage: str,
    n: int,
    then: str,
    committed: bool,
) -> None:
    site = sites[n]
    out = tmp_path / "site"
    fresh = way == "first-build"
    if not fresh:
        _build(site.a, out)
        assert _tree(out) == site.old
    old, new = (None, site.fresh) if fresh else (site.old, site.rebuilt)

    killed = _killed(stage, site.b, out, swap=way != "journal")
    if stage == "worker":  # the worker is killed, not the build: it fails and says so
        assert killed.returncode == 1, killed.stderr.decode()
        assert b"worker process" in killed.stderr and b"Traceback" not in killed.stderr
    else:
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()

    now = _tree(out)
    if then == "journal":  # in place, under its journal: part of it applied
        assert now not in (old, new)
        assert (tmp_path / ".site.journal").is_file()
    else:
        assert now == (old if then == "old" else new), f"killed at {stage}: a mixture"

    # the next build finishes the job (past the point of no return it only completes the
    # journal or keeps the new manifest: the site is up to date) and leaves nothing beside
    # the output but its manifest and lock; the one after it has nothing to do
    finish = build(site.b, out, _at(NOW), workers=2)
    assert finish.error is None and finish.up_to_date == committed, finish
    assert finish.written == (not committed)
    assert _tree(out) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", ".site.manifest", "site"]
    again = build(site.b, out, _at(NOW))
    assert again.up_to_date and not again.written
    # its manifest: a header line, then a line a file (every file but the marker)
    assert state_path(out).read_text().count("\n") == 1 + len(new) - 1
