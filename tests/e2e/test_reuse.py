"""What other repositories use: the pre-commit hook and the composite action."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT


def test_pre_commit_hook_runs_shortlinks_check(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["shortlinks-check"]
    hook = hooks[0]
    assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
    import re

    assert re.search(hook["files"], "links.yaml") and re.search(hook["files"], "go/links.yml")
    # the entry is the console script: run it as pre-commit would, in a repository
    entry = shlex.split(hook["entry"])
    exe = Path(sys.executable).parent / entry[0]
    (tmp_path / "links.yaml").write_text("links:\n  gh: https://github.com/acme\n")
    ok = subprocess.run([str(exe), *entry[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "links.yaml").write_text("links:\n  gh: not a url\n")
    bad = subprocess.run([str(exe), *entry[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 1 and "links.yaml:2:" in bad.stdout + bad.stderr


def _run_action(
    workspace: Path, file: str = "links.yaml", **more: str
) -> subprocess.CompletedProcess[str]:
    """The action's step, as a calling workflow runs it in ``workspace`` (its checkout);
    ``more``: environment, such as GITHUB_BASE_REF on a pull request."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = action["runs"]["steps"][0]
    assert action["runs"]["using"] == "composite"
    assert "${{" not in step["run"], "inputs reach the script as environment variables only"
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "SHORTLINKS_"))}
    env = {
        **outside,
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "SHORTLINKS_FILE": file,
        "SHORTLINKS_OUTPUT": "public",
        "SHORTLINKS_HOSTS": "netlify github-pages",
        "SHORTLINKS_PYTHON": sys.executable,
        **more,
    }
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True
    )


def test_composite_action_checks_and_builds(tmp_path: Path) -> None:
    (tmp_path / "go.yaml").write_text("links:\n  gh: https://github.com/acme\n")
    run = _run_action(tmp_path, "go.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "public" / "gh.html").is_file()
    assert (tmp_path / "public" / "_redirects").is_file()
    assert not (tmp_path / "public" / "vercel.json").exists()  # only the hosts asked for


def test_the_action_never_runs_a_generator_of_the_repository_it_checks(tmp_path: Path) -> None:
    """A generator/ folder in the checked repository (a pull request could add one) is not
    what runs: `python -m generator` alone would import it from the current folder."""
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "__init__.py").write_text("")
    (tmp_path / "generator" / "__main__.py").write_text("print('all fine')\n")
    (tmp_path / "links.yaml").write_text("links:\n  gh: not a url\n")
    plain = subprocess.run(
        [sys.executable, "-m", "generator"], cwd=tmp_path, capture_output=True, text=True
    )
    assert plain.stdout == "all fine\n"  # the folder would take over a plain -m
    run = _run_action(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("::error file=links.yaml,line=2,col=7,title=url-character::"), (
        run.stdout
    )
    assert "all fine" not in run.stdout


BASE = "links:\n  gh: https://github.com/acme\n"


def _pull_request(tmp_path: Path, links: str, lock: str) -> Path:
    """A repository whose main has BASE and its lock, checked out at a pull request that
    writes ``links`` and ``lock``; origin/main is there as with fetch-depth: 0."""
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (repo / "links.yaml").write_text(BASE)
    (repo / "links.lock").write_text("gh https://github.com/acme\n")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    git("checkout", "-q", "-b", "pr")
    (repo / "links.yaml").write_text(links)
    (repo / "links.lock").write_text(lock)
    git("commit", "-q", "--allow-empty", "-am", "the pull request")
    return repo


def test_the_action_checks_a_pull_request_against_the_base_branchs_lock(tmp_path: Path) -> None:
    """'gh' moved and the lock edited by hand to match: without the base the two agree."""
    moved = "links:\n  gh: https://github.com/acme-corp\n"
    repo = _pull_request(tmp_path, moved, "gh https://github.com/acme-corp\n")
    run = _run_action(repo, GITHUB_BASE_REF="main")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("::error file=links.lock,"), run.stdout
    assert "lost or changed the line 'gh https://github.com/acme'" in run.stdout
    assert not (repo / "public").exists()

    on_push = _run_action(repo)  # a push checks the branch as it is (the lock agrees)
    assert on_push.returncode == 0, on_push.stdout + on_push.stderr


def test_the_action_fails_on_a_pull_request_whose_base_is_not_fetched(tmp_path: Path) -> None:
    repo = _pull_request(tmp_path, BASE, "gh https://github.com/acme\n")
    run = _run_action(repo, GITHUB_BASE_REF="release")
    assert run.returncode == 1
    assert run.stdout == (
        "::error::the base branch origin/release is not in this checkout, so links.lock cannot"
        " be checked against it: give actions/checkout 'fetch-depth: 0'\n"
    )
