"""A build killed at any moment (SIGKILL: no clean-up runs) leaves the output exactly as
it was or exactly the new site, never a mixture, and the next build finishes the job.

The real CLI runs in a subprocess and is killed at seeded random instants spread over a
whole build, so the kills land in every step: reading, rendering, the forked workers'
writing, assembling the next output, the swap and the clean-up.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.write import MANIFEST
from tests.conftest import ROOT

NOW = "2026-11-25T12:00:00Z"
KILLS = 12  # instants, seeded: the same ones on every run
N = 2000  # links: a build of a few seconds, with its forked workers


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


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a digest of its bytes (the manifest's too)."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def _build(links: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SHORTLINKS_WORKERS": "2"}  # the forked writers are killed too
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(links), "-o", str(out), "--now", NOW],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # the whole group is killed: workers included
    )


def _finish(proc: subprocess.Popen[bytes]) -> None:
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, dict, float]:
    """The two links files, the trees their complete builds give, and how long one takes."""
    work = tmp_path_factory.mktemp("kill")
    a, b = work / "a.yaml", work / "b.yaml"
    a.write_text(_links(N, "a"), encoding="utf-8")
    b.write_text(_links(N, "b"), encoding="utf-8")
    _finish(_build(a, work / "tree-a"))
    tree_a = _tree(work / "tree-a")
    started = time.monotonic()
    _finish(_build(b, work / "tree-a"))  # the incremental build that the kills interrupt
    took = time.monotonic() - started
    _finish(_build(b, work / "tree-b"))
    return a, b, tree_a, _tree(work / "tree-b"), took


def _manifestless(tree: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tree.items() if k != MANIFEST}


@pytest.mark.parametrize("fresh", [False, True], ids=["rebuild", "first-build"])
def test_a_build_killed_at_any_moment_leaves_the_old_output_or_the_new(
    tmp_path: Path, sites: tuple[Path, Path, dict, dict, float], fresh: bool
) -> None:
    a, b, tree_a, tree_b, took = sites
    expected_b = _tree_of_b_after_a(tmp_path, a, b) if not fresh else tree_b
    rng = random.Random(8)
    outcomes = {"old": 0, "new": 0}
    for k in range(KILLS):
        out = tmp_path / f"site-{k}"
        if not fresh:
            _finish(_build(a, out))
            assert _tree(out) == tree_a
        proc = _build(b, out)
        time.sleep(rng.uniform(0.0, took * 1.1))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)  # reaped, its pipe closed
        # the moment of the kill: the output is one whole site or the other
        if fresh:
            now = _tree(out) if out.exists() else None
            assert now in (None, expected_b), f"kill {k}: a partial first build"
            outcomes["old" if now is None else "new"] += 1
        else:
            now = _tree(out)
            assert now in (tree_a, expected_b), (
                f"kill {k}: {len(set(now.items()) ^ set(tree_a.items()))} files differ "
                f"from the old site and {len(set(now.items()) ^ set(expected_b.items()))} "
                "from the new"
            )
            outcomes["old" if now == tree_a else "new"] += 1
        # the next build finishes the job and leaves nothing behind beside the output
        _finish(_build(b, out))
        assert _manifestless(_tree(out)) == _manifestless(expected_b)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}.")] == []
    # the seeded instants hit both sides of the swap (else the test proves little)
    assert outcomes["old"] and outcomes["new"], outcomes


def _tree_of_b_after_a(tmp_path: Path, a: Path, b: Path) -> dict[str, str]:
    """What the incremental build gives (its manifest's header says what it replaced)."""
    out = tmp_path / "reference"
    _finish(_build(a, out))
    _finish(_build(b, out))
    return _tree(out)
