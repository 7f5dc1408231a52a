"""Long work shows a progress bar on a terminal, and nothing of it in a pipe or a log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def links_file(path: Path, n: int) -> None:
    body = "".join(f"  l{i:05d}: https://t.example/{i}\n" for i in range(n))
    path.write_text("links:\n" + body)


def run_in_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run with standard error (and output) on a pseudo-terminal; return exit code and text."""
    main, side = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, stdin=side, stdout=side, stderr=side, env={
        **os.environ, "COLUMNS": "100", "TERM": "xterm"})  # fmt: skip
    os.close(side)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_a_build_of_10000_links_shows_a_bar_on_a_terminal_only(tmp_path: Path) -> None:
    links_file(tmp_path / "links.yaml", 10_000)
    cmd = [sys.executable, "-m", "generator", "build", "-o", "out", "--host", "github-pages",
           "--now", "2026-11-25T08:00:00Z"]  # fmt: skip
    code, shown = run_in_terminal(cmd, tmp_path)
    assert code == 0, shown
    assert "Building" in shown and "100%" in shown
    piped = subprocess.run(
        [*cmd[:5], "out2", *cmd[6:]], cwd=tmp_path, capture_output=True, text=True, env=os.environ
    )
    assert piped.returncode == 0
    assert "Building" not in piped.stderr + piped.stdout and "%" not in piped.stderr


def test_a_small_build_shows_no_bar_even_on_a_terminal(tmp_path: Path) -> None:
    links_file(tmp_path / "links.yaml", 50)
    code, shown = run_in_terminal(
        [sys.executable, "-m", "generator", "build", "-o", "out"], tmp_path
    )
    assert code == 0 and "Building" not in shown
    assert ROOT.exists()
