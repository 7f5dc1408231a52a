"""Files as committed at a git ref: the base side of a pull request (diff, check --base).

A ref is tried before a file of the same name: a pull request could add a file named
like its base ('origin/main') holding whatever it likes.
"""

from __future__ import annotations

import subprocess


class GitError(Exception):
    """No such ref, or git could not read it; the message is git's."""


def is_commit(ref: str) -> bool:
    run = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return run.returncode == 0


def show(ref: str, path: str) -> str | None:
    """The text of ``path`` at ``ref``; None when the ref has no such file (yet)."""
    run = subprocess.run(
        ["git", "show", f"{ref}:{path}"], capture_output=True, text=True, check=False
    )
    if run.returncode == 0:
        return run.stdout
    if "exists on disk, but not in" in run.stderr or "does not exist in" in run.stderr:
        return None
    raise GitError(run.stderr.strip())
