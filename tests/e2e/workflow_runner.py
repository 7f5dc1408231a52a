"""A small runner for a workflow's jobs, as GitHub runs them, on this machine.

The `run:` steps run for real (bash, as GitHub's `bash -eo pipefail`), each job in a fresh
clone of the repository, with the `${{ }}` expressions of the workflow evaluated: job and
step conditions, `needs` and step outputs, secrets. The actions (`uses:`) are stood in for
by what they do to the files: checkout (the clone), the cache (an in-memory store with
GitHub's key matching), artifacts (folders), GitHub Pages' upload and deploy (recorded).
Programs that would reach the network are replaced by the test with recorders on PATH.

What it does not know it refuses (an action, an expression): a workflow that changes shape
must change this too, never pass by accident.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Actions the runner stands in for, by name (the pin is the workflow's business).
KNOWN = {
    "actions/checkout",
    "actions/setup-python",
    "actions/cache/restore",
    "actions/cache/save",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
}


@dataclass
class Store:
    """What outlives a run: the Actions cache (key -> bytes, oldest first) and the
    GitHub Pages deployments (each a {path: sha256} of the files deployed)."""

    cache: dict[str, bytes] = field(default_factory=dict)
    pages: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Run:
    results: dict[str, str]  # job -> success, failure, skipped
    logs: dict[str, dict[str, subprocess.CompletedProcess[str]]]  # job -> step -> process
    summary: str
    outputs: dict[str, dict[str, str]]  # job -> its outputs

    def log(self, job: str) -> str:
        return "".join(p.stdout + p.stderr for p in self.logs.get(job, {}).values())


def files_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _Expr:
    """GitHub's expression language, the part the workflows use: contexts and their
    properties, 'strings', == and !=, !, && and || (which return an operand), parentheses,
    and the status functions."""

    TOKEN = re.compile(r"\s*(?:(\|\||&&|==|!=|!|\(|\)|,)|'((?:[^']|'')*)'|([A-Za-z_][\w.-]*))")

    def __init__(self, text: str, contexts: dict[str, Any], status: dict[str, bool]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos, text = 0, text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise AssertionError(f"the runner does not know the expression {text!r}")
            op, string, name = m.groups()
            if op:
                self.tokens.append(("op", op))
            elif string is not None:
                self.tokens.append(("str", string.replace("''", "'")))
            else:
                self.tokens.append(("name", name))
            pos = m.end()
        self.contexts, self.status, self.i = contexts, status, 0
        self.used_status = False

    def value(self) -> Any:
        result = self._or()
        if self.i != len(self.tokens):
            raise AssertionError(f"cannot read the expression at {self.tokens[self.i :]}")
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == ("op", "||"):
            self.i += 1
            right = self._and()
            left = left if _truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._cmp()
        while self._peek() == ("op", "&&"):
            self.i += 1
            right = self._cmp()
            left = right if _truthy(left) else left
        return left

    def _cmp(self) -> Any:
        left = self._unary()
        while self._peek() in (("op", "=="), ("op", "!=")):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self._unary()
            same = _loose(left) == _loose(right)
            left = same if op == "==" else not same
        return left

    def _unary(self) -> Any:
        token = self._peek()
        if token == ("op", "!"):
            self.i += 1
            return not _truthy(self._unary())
        if token == ("op", "("):
            self.i += 1
            inner = self._or()
            assert self._peek() == ("op", ")"), "unbalanced parentheses"
            self.i += 1
            return inner
        if token is None:
            raise AssertionError("the expression ends too soon")
        kind, text = token
        self.i += 1
        if kind == "str":
            return text
        if text in ("true", "false"):
            return text == "true"
        if self._peek() == ("op", "("):  # a status function
            assert self.tokens[self.i + 1] == ("op", ")"), f"{text}() takes nothing here"
            self.i += 2
            if text not in self.status:
                raise AssertionError(f"the runner does not know the function {text}()")
            self.used_status = True
            return self.status[text]
        value: Any = self.contexts
        for part in text.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def _loose(value: Any) -> Any:
    """== compares strings ignoring case; null, booleans and strings as GitHub coerces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def evaluate(text: str, contexts: dict[str, Any], status: dict[str, bool]) -> Any:
    expr = _Expr(text, contexts, status)
    return expr.value(), expr.used_status


def interpolate(text: Any, contexts: dict[str, Any], status: dict[str, bool]) -> str:
    """A value with ${{ }} in it, as the runner hands it to a step."""

    def one(m: re.Match[str]) -> str:
        value, _ = evaluate(m.group(1), contexts, status)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def condition(expr: Any, contexts: dict[str, Any], status: dict[str, bool]) -> bool:
    """An `if:`; without a status function GitHub adds success()."""
    if expr is None:
        return status["success"]
    text = str(expr).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    value, used_status = evaluate(text, contexts, status)
    return _truthy(value) and (used_status or status["success"])


def run_workflow(
    workflow_path: Path,
    origin: Path,
    work: Path,
    store: Store,
    event: str,
    secrets: dict[str, str],
    env: dict[str, str],
    prepare: dict[str, Any] | None = None,
    skip_steps: tuple[str, ...] = (),
    run_id: int = 1,
    inputs: dict[str, str] | None = None,
    api_url: str = "https://api.github.invalid",
) -> Run:
    """Runs every job of the workflow for ``event``: each in a fresh clone of ``origin`` under
    ``work``; ``prepare[job](workspace)`` sets a job's clone up (a venv, say); steps whose
    name starts with one of ``skip_steps`` are left out (the test runs them apart);
    ``inputs``: a run by hand's; ``api_url``: where GitHub's API is (a fake one's address)."""
    workflow = yaml.safe_load(workflow_path.read_text(encoding="utf-8"))
    work.mkdir(parents=True, exist_ok=True)
    artifacts = work / "artifacts"
    artifacts.mkdir(exist_ok=True)
    summary = work / "summary.md"
    summary.write_text("")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=origin, capture_output=True, text=True, check=True
    ).stdout.strip()
    github = {
        "event_name": event,
        "token": "the-job-token",
        "run_id": str(run_id),
        "run_attempt": "1",
        "sha": sha,
        "repository": "acme/links",
    }
    results: dict[str, str] = {}
    outputs: dict[str, dict[str, str]] = {}
    logs: dict[str, dict[str, subprocess.CompletedProcess[str]]] = {}
    for name, job in workflow["jobs"].items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        contexts: dict[str, Any] = {
            "github": github,
            "secrets": secrets,
            "vars": {},
            "inputs": inputs or {},
            "needs": {n: {"result": results[n], "outputs": outputs[n]} for n in needs},
        }
        status = {
            "success": all(results[n] == "success" for n in needs),
            "failure": any(results[n] == "failure" for n in needs),
            "always": True,
            "cancelled": False,
        }
        if not condition(job.get("if"), contexts, status):
            results[name], outputs[name] = "skipped", {}
            continue
        space = work / f"{name}-workspace"
        subprocess.run(["git", "clone", "-q", str(origin), str(space)], check=True)
        if prepare and name in prepare:
            prepare[name](space)
        steps: dict[str, dict[str, Any]] = {}
        contexts["steps"] = steps
        logs[name] = {}
        failed = False
        for index, step in enumerate(job["steps"]):
            label = step.get("name") or step.get("uses") or f"step {index}"
            if any(label.startswith(s) for s in skip_steps):
                continue
            step_status = {"success": not failed, "failure": failed, "always": True}
            step_status["cancelled"] = False
            if not condition(step.get("if"), contexts, step_status):
                continue
            step_env = {
                k: interpolate(v, contexts, step_status) for k, v in step.get("env", {}).items()
            }
            out_file = work / f"{name}-{index}.output"
            out_file.write_text("")
            base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
            full_env = {
                **base,
                **env,
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": event,
                "GITHUB_OUTPUT": str(out_file),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_REPOSITORY": github["repository"],
                "GITHUB_SHA": sha,
                "GITHUB_RUN_ID": github["run_id"],
                "GITHUB_API_URL": api_url,
                "GITHUB_SERVER_URL": "https://github.invalid",
                "GITHUB_WORKSPACE": str(space),
                "RUNNER_TEMP": str(work),
                **step_env,
            }
            if "run" in step:
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                    cwd=space, env=full_env, capture_output=True, text=True, timeout=600,
                )  # fmt: skip
            else:
                with_ = {
                    k: interpolate(v, contexts, step_status)
                    for k, v in step.get("with", {}).items()
                }
                proc = _action(step["uses"], with_, space, artifacts, store, out_file)
            logs[name][label] = proc
            step_outputs = _read_outputs(out_file)
            if "id" in step:
                steps[step["id"]] = {"outputs": step_outputs}
            if proc.returncode != 0:
                failed = True
        results[name] = "failure" if failed else "success"
        final = {"success": not failed, "failure": failed, "always": True, "cancelled": False}
        outputs[name] = {
            k: interpolate(v, contexts, final) for k, v in job.get("outputs", {}).items()
        }
    return Run(results, logs, summary.read_text(), outputs)


def _read_outputs(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if "<<" in line.split("=", 1)[0]:
            raise AssertionError("the runner does not read multi-line outputs")
        if "=" in line:
            key, value = line.split("=", 1)
            found[key] = value
    return found


def _done(stdout: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess([], code, stdout, "")


def _action(
    uses: str, with_: dict[str, str], space: Path, artifacts: Path, store: Store, out: Path
) -> subprocess.CompletedProcess[str]:
    name = uses.split("@")[0]
    if name not in KNOWN:
        raise AssertionError(f"the runner does not know the action {uses}")
    if name in ("actions/checkout", "actions/setup-python", "actions/configure-pages"):
        return _done()  # the clone is the checkout; python3 is this machine's
    if name == "actions/cache/restore":
        target = space / with_["path"]
        prefixes = [with_["key"], *with_.get("restore-keys", "").split()]
        for prefix in prefixes:
            # an exact key first, then the newest cache whose key starts with the prefix
            hits = [k for k in store.cache if k == prefix] or [
                k for k in store.cache if k.startswith(prefix)
            ]
            if hits:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(store.cache[hits[-1]])
                out.write_text(f"cache-matched-key={hits[-1]}\n")
                return _done(f"restored {hits[-1]}\n")
        return _done("Cache not found\n")
    if name == "actions/cache/save":
        key = with_["key"]
        assert key not in store.cache, f"a cache {key} exists already: keys are immutable"
        store.cache[key] = (space / with_["path"]).read_bytes()
        return _done(f"saved {key}\n")
    if name == "actions/upload-artifact":
        source, dest = space / with_["path"], artifacts / with_["name"]
        assert not dest.exists(), f"an artifact named {with_['name']} exists already"
        if source.is_dir():
            shutil.copytree(source, dest)
        elif source.is_file():
            dest.mkdir()
            shutil.copy2(source, dest / source.name)
        else:
            return _done(f"no files at {with_['path']}\n", 1)
        return _done()
    if name == "actions/download-artifact":
        source = artifacts / with_["name"]
        if not source.is_dir():
            return _done(f"no artifact named {with_['name']}\n", 1)
        shutil.copytree(source, space / with_.get("path", "."), dirs_exist_ok=True)
        return _done()
    if name == "actions/upload-pages-artifact":
        folder = space / with_["path"]
        if not folder.is_dir():
            return _done(f"no folder {with_['path']}\n", 1)
        shutil.copytree(folder, artifacts / "github-pages")
        return _done()
    # actions/deploy-pages: what the Pages artifact holds goes live
    store.pages.append(files_digest(artifacts / "github-pages"))
    out.write_text("page_url=https://acme.github.io/links/\n")
    return _done()
