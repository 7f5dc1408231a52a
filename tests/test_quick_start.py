"""The README's Quick start works exactly as written: its lines added to the bundled
links.yaml, its `check` and `build` commands run as the README writes them, by a shell, in a
copy of the repository's files. Only the install (`git clone`, `scripts/build-site.sh`) is
this checkout's own: `.venv/bin/shortlinks` there runs this checkout's shortlinks.

And the same edit, as a pull request, passes the check the pull request runs (`check --base`)
with links.lock untouched: a new link is one file changed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUICK_START = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quick start")[1]
QUICK_START = QUICK_START.split("\n## ")[0]


def _section_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", QUICK_START, re.S)


def _checkout(tmp_path: Path) -> Path:
    """The repository's links files in a folder, and a `.venv/bin/shortlinks` that runs this
    checkout's shortlinks (what `bash scripts/build-site.sh` installs)."""
    work = tmp_path / "shortlinks"
    work.mkdir()
    for name in ("links.yaml", "links.lock"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "schema", work / "schema")
    command = work / ".venv" / "bin" / "shortlinks"
    command.parent.mkdir(parents=True)
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n')
    command.chmod(command.stat().st_mode | stat.S_IXUSR)
    return work


def _sh(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["PYTHONPATH"] = str(ROOT)  # `-m generator`: this checkout's, from anywhere
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_quick_start_is_three_blocks_install_edit_and_commands() -> None:
    install, commands = _section_blocks("sh")
    assert "bash scripts/build-site.sh" in install
    assert [line.split("#")[0].strip() for line in commands.splitlines()] == [
        ".venv/bin/shortlinks check",
        ".venv/bin/shortlinks build",
    ]


@pytest.mark.slow
def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    work = _checkout(tmp_path)
    install, commands = _section_blocks("sh")
    (added,) = _section_blocks("yaml")
    # the install: this checkout's shortlinks builds the bundled links.yaml, as
    # scripts/build-site.sh does after installing; then the README's 'ls _site'
    built = _sh(".venv/bin/shortlinks build links.yaml", work)
    assert built.returncode == 0, built.stdout + built.stderr
    listing = next(line for line in install.splitlines() if line.startswith("ls _site"))
    shown = _sh(listing.split("#")[0], work)
    assert shown.returncode == 0
    promised = listing.split("#")[1].replace("...", "").replace(",", " ").split()
    assert set(promised) <= set(shown.stdout.split()), (promised, shown.stdout)

    lock_before = (work / "links.lock").read_bytes()
    with open(work / "links.yaml", "a", encoding="utf-8") as f:  # 'at the end of links.yaml'
        f.write(added)
    run = _sh(commands, work)  # exactly the README's lines, comments and all
    assert run.returncode == 0, run.stdout + run.stderr
    assert "links.yaml: 9 links, no problems" in run.stdout
    for slug in ("blog", "launch", "new"):
        assert (work / "_site" / f"{slug}.html").is_file(), slug
    assert (work / "links.lock").read_bytes() == lock_before


@pytest.mark.slow
def test_the_quick_start_edit_as_a_pull_request_passes_its_check(tmp_path: Path) -> None:
    work = _checkout(tmp_path)
    (added,) = _section_blocks("yaml")
    git = "git -c user.name=t -c user.email=t@e"
    ready = _sh(f"git init -q -b main && {git} add -A && {git} commit -qm base", work)
    assert ready.returncode == 0, ready.stderr
    with open(work / "links.yaml", "a", encoding="utf-8") as f:
        f.write(added)
    run = _sh(".venv/bin/shortlinks check --base main", work)
    assert run.returncode == 0, run.stdout + run.stderr
    changed = _sh("git status --porcelain", work).stdout.split()
    assert changed == ["M", "links.yaml"]
