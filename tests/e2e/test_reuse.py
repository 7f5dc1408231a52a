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


def test_composite_action_checks_and_builds(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = action["runs"]["steps"][0]
    assert action["runs"]["using"] == "composite"
    assert "${{" not in step["run"], "inputs reach the script as environment variables only"
    (tmp_path / "go.yaml").write_text("links:\n  gh: https://github.com/acme\n")
    env = {
        **os.environ,
        "GITHUB_ACTION_PATH": str(ROOT),
        "SHORTLINKS_FILE": "go.yaml",
        "SHORTLINKS_OUTPUT": "public",
        "SHORTLINKS_HOSTS": "netlify github-pages",
        "SHORTLINKS_PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "public" / "gh.html").is_file()
    assert (tmp_path / "public" / "_redirects").is_file()
    assert not (tmp_path / "public" / "vercel.json").exists()  # only the hosts asked for
