"""The health workflow, run here as GitHub runs it (tests/e2e/workflow_runner.py), day after
day against a fake GitHub API (a local server that keeps issues as GitHub would) and a
local server standing in for the links' targets: its two issues are opened when there is
something to report, edited when the list changes, left alone when it does not, and closed
when nothing is left; the expiry window is the run's input; a check that cannot run leaves
its issue alone; other issues, with the label or without, are never touched.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from tests.conftest import ROOT
from tests.e2e.workflow_runner import Run, Store, run_workflow
from tests.relay import PROXY_VARS

WORKFLOW = ROOT / ".github/workflows/health.yml"
TOKEN = "the-job-token"
TARGETS_MARK = "<!-- shortlinks-health: targets -->"
EXPIRING_MARK = "<!-- shortlinks-health: expiring -->"


class FakeGitHub(http.server.BaseHTTPRequestHandler):
    """The issues of acme/links, as GitHub's REST API answers for them: list (with the
    state and labels filters), create, edit, comment; labels. Every call is recorded with
    its token; every write is checked to carry the job's token."""

    issues: ClassVar[dict[int, dict[str, Any]]] = {}
    labels: ClassVar[set[str]] = set()
    calls: ClassVar[list[tuple[str, str, Any]]] = []
    tokens: ClassVar[set[str]] = set()

    def _reply(self, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _data(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else None

    def _handle(self) -> None:
        self.tokens.add(self.headers.get("Authorization", ""))
        url = urllib.parse.urlsplit(self.path)
        data = self._data()
        self.calls.append((self.command, url.path, data))
        base = "/repos/acme/links"
        path = url.path.removeprefix(base)
        if not url.path.startswith(base):
            return self._reply(404, {"message": "Not Found"})
        if self.command == "GET" and path == "/issues":
            query = dict(urllib.parse.parse_qsl(url.query))
            wanted = set(filter(None, query.get("labels", "").split(",")))
            found = [
                i for i in self.issues.values()
                if i["state"] == query.get("state", "open")
                and wanted <= {label["name"] for label in i["labels"]}
            ]  # fmt: skip
            return self._reply(200, sorted(found, key=lambda i: -i["number"]))
        if self.command == "POST" and path == "/labels":
            if data["name"] in self.labels:
                return self._reply(422, {"message": "Validation Failed"})
            self.labels.add(data["name"])
            return self._reply(201, data)
        if self.command == "POST" and path == "/issues":
            number = max(self.issues, default=0) + 1
            labels = [{"name": n} for n in data.get("labels", []) if n in self.labels]
            self.issues[number] = {
                "number": number, "title": data["title"], "body": data["body"],
                "state": "open", "labels": labels, "comments": [],
            }  # fmt: skip
            return self._reply(201, self.issues[number])
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] == "issues" and int(parts[2]) in self.issues:
            issue = self.issues[int(parts[2])]
            if self.command == "PATCH" and len(parts) == 3:
                issue.update({k: v for k, v in data.items() if k != "state_reason"})
                return self._reply(200, issue)
            if self.command == "POST" and parts[3:] == ["comments"]:
                issue["comments"].append(data["body"])
                return self._reply(201, {"id": 1})
        return self._reply(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = _handle

    def log_message(self, *args: object) -> None:
        pass


class Target(http.server.BaseHTTPRequestHandler):
    """The links' targets: /ok and /new answer 200, /old moved to /new, the rest is 404."""

    def do_HEAD(self) -> None:
        if self.path in ("/ok", "/new"):
            self.send_response(200)
        elif self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/new")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.HTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Repo:
    """A repository with this checkout's workflow and scripts, its links file as each test
    writes it, run on chosen days against one fake GitHub."""

    def __init__(self, tmp_path: Path, api: http.server.HTTPServer, base: str) -> None:
        self.tmp, self.api, self.base = tmp_path, api, base
        self.handler: type[FakeGitHub] = api.RequestHandlerClass  # type: ignore[assignment]
        self.origin = tmp_path / "origin"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(self.origin)], check=True)
        for part in ("scripts", ".github"):  # as in this working tree
            shutil.rmtree(self.origin / part, ignore_errors=True)
            shutil.copytree(ROOT / part, self.origin / part)
        self.runs = 0

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.origin, check=True, capture_output=True)

    def links(self, text: str) -> None:
        (self.origin / "links.yaml").write_text(text.replace("{base}", self.base))
        (self.origin / "links.lock").unlink(missing_ok=True)
        self.git("add", "-A")
        self.git("-c", "user.email=t@example.com", "-c", "user.name=t",
                 "commit", "-q", "--allow-empty", "-m", "links")  # fmt: skip

    def run(self, now: str, event: str = "schedule", inputs: dict[str, str] | None = None) -> Run:
        self.runs += 1
        self.handler.calls.clear()

        def venv(space: Path) -> None:  # the installed shortlinks, on the run's clock
            (space / ".venv" / "bin").mkdir(parents=True)
            wrapper = space / ".venv" / "bin" / "shortlinks"
            wrapper.write_text(f'#!/bin/sh\nexec {ROOT}/.venv/bin/shortlinks "$@" --now "{now}"\n')
            wrapper.chmod(0o755)

        env = {name: "" for name in PROXY_VARS} | {n.lower(): "" for n in PROXY_VARS}
        port = self.api.server_address[1]
        return run_workflow(
            WORKFLOW, self.origin, self.tmp / f"run-{self.runs}", Store(), event, {}, env,
            prepare={"health": venv}, skip_steps=("Install",), run_id=self.runs,
            inputs=inputs, api_url=f"http://127.0.0.1:{port}",
        )  # fmt: skip

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p.removeprefix("/repos/acme/links")) for m, p, _ in self.handler.calls
                if m != "GET"]  # fmt: skip

    def issue(self, number: int) -> dict[str, Any]:
        return self.handler.issues[number]


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    handler = type("G", (FakeGitHub,), {"issues": {}, "labels": set(), "calls": [],
                                        "tokens": set()})  # fmt: skip
    api, targets = _serve(handler), _serve(Target)
    try:
        yield Repo(tmp_path, api, f"http://127.0.0.1:{targets.server_address[1]}")
    finally:
        for server in (api, targets):
            server.shutdown()
            server.server_close()


DAY1 = "2030-06-01T06:23:00Z"
DAY2 = "2030-06-02T06:23:00Z"
DAY3 = "2030-06-03T06:23:00Z"

BROKEN = """\
site:
  timezone: UTC
  home: {base}/ok
links:
  fine: {base}/ok
  gone: {base}/gone
  promo:
    url: {base}/ok
    expires: 2030-06-04
"""
DOCS = "https://github.invalid/acme/links/blob/HEAD/docs/health.md"


def test_issues_open_stay_when_unchanged_update_and_close(repo: Repo) -> None:
    repo.links(BROKEN)
    run = repo.run(DAY1)
    assert run.results == {"health": "success"}, run.log("health")
    assert repo.writes() == [("POST", "/labels"), ("POST", "/issues"), ("POST", "/issues")]
    targets, expiring = repo.issue(1), repo.issue(2)
    assert targets["title"] == "Link targets that need a look"
    assert targets["labels"] == [{"name": "link health"}]
    base = repo.base
    assert targets["body"] == (
        f"{TARGETS_MARK}\nThe health workflow asks every target of the links file each day "
        f"(`shortlinks targets`, [docs/health.md]({DOCS})). These did not answer as they "
        "should. This issue is kept up to date, and closed once every target answers.\n\n"
        "**2 targets: 1 fine, 1 dead, 0 suspicious, 0 moved**\n\n"
        "### Dead (1)\n\n"
        "Visitors get an error, or nothing: point these links somewhere that answers, or "
        "give them an end (`expires`). A printed QR code keeps pointing here.\n\n"
        "| link | target | answer |\n|---|---|---|\n"
        f"| `gone` | `{base}/gone` | 404 Not Found |\n"
    )
    assert expiring["title"] == "Links that expire within 7 days"
    assert expiring["body"] == (
        f"{EXPIRING_MARK}\nThese links end within 7 days (`shortlinks list --state expiring "
        f"--within 7d`, [docs/health.md]({DOCS})). Give one a later `expires`, an `expired:` "
        "URL to send its visitors on to, or let it end. This issue is kept up to date each "
        "day, and closed when no link is left to end that soon.\n\n"
        "| slug | state | expires | title | url |\n|---|---|---|---|---|\n"
        f"| `promo` | expiring | 4 June 2030 |  | `{base}/ok` |\n"
    )
    assert repo.handler.tokens == {f"Bearer {TOKEN}"}
    assert "targets: opened #1" in run.log("health")

    # the next day, nothing changed: nothing written
    run = repo.run(DAY2)
    assert run.results == {"health": "success"}, run.log("health")
    assert repo.writes() == []
    assert "targets: #1 is up to date: left as it is" in run.log("health")

    # a target moves: its issue is edited; the expiring list is the same
    repo.links(BROKEN.replace("fine: {base}/ok", "fine: {base}/old"))
    run = repo.run(DAY2)
    assert repo.writes() == [("PATCH", "/issues/1")]
    assert "### Moved (1)" in repo.issue(1)["body"]
    assert "### Dead (1)" in repo.issue(1)["body"]

    # all fixed, and promo has ended: both closed, with a comment
    repo.links(BROKEN.replace("gone: {base}/gone", "gone: {base}/ok"))
    run = repo.run("2030-06-05T06:23:00Z")
    assert run.results == {"health": "success"}, run.log("health")
    assert repo.writes() == [
        ("POST", "/issues/1/comments"), ("PATCH", "/issues/1"),
        ("POST", "/issues/2/comments"), ("PATCH", "/issues/2"),
    ]  # fmt: skip
    assert [repo.issue(n)["state"] for n in (1, 2)] == ["closed", "closed"]
    assert repo.issue(1)["comments"] == ["Every target answers now: closing."]
    assert repo.issue(2)["comments"] == ["No link expires within 7 days now: closing."]

    # broken again: a new issue, the closed one stays closed
    repo.links(BROKEN.replace("  promo:\n    url: {base}/ok\n    expires: 2030-06-04\n", ""))
    repo.run(DAY3)
    assert repo.writes() == [("POST", "/labels"), ("POST", "/issues")]
    assert repo.issue(3)["state"] == "open" and repo.issue(1)["state"] == "closed"


def test_the_expiry_window_is_the_runs_input(repo: Repo) -> None:
    repo.links("links:\n  later:\n    url: {base}/ok\n    expires: 2030-06-12\n")
    repo.run(DAY1)
    assert repo.writes() == []  # 11 days away: not within 7
    run = repo.run(DAY1, event="workflow_dispatch", inputs={"expiring-within": "14d"})
    assert run.results == {"health": "success"}, run.log("health")
    assert repo.writes() == [("POST", "/labels"), ("POST", "/issues")]
    assert repo.issue(1)["title"] == "Links that expire within 14 days"
    assert "`later`" in repo.issue(1)["body"]
    # the next scheduled run's window is 7 days again: the issue is closed
    repo.run(DAY1)
    assert repo.writes() == [("POST", "/issues/1/comments"), ("PATCH", "/issues/1")]


def test_a_wrong_window_fails_the_run_and_touches_nothing(repo: Repo) -> None:
    repo.links(BROKEN)
    run = repo.run(DAY1, event="workflow_dispatch", inputs={"expiring-within": "$(id) soon"})
    assert run.results == {"health": "failure"}
    log = run.log("health")
    assert "::error::expiring: the check could not run, its issue is left as it is" in log
    assert "is not a length of time" in log
    assert repo.writes() == [("POST", "/labels"), ("POST", "/issues")]  # targets' alone


def test_offline_leaves_the_issue_as_it_is(repo: Repo) -> None:
    repo.links(BROKEN)
    repo.run(DAY1)
    repo.links("links:\n  a: http://a.example.invalid/\n  b: http://b.example.invalid/\n")
    run = repo.run(DAY2)
    assert run.results == {"health": "failure"}
    assert "error: not one target answered" in run.log("health")
    # targets: left open as it was; expiring: nothing expires now, so it is closed
    assert repo.writes() == [("POST", "/issues/2/comments"), ("PATCH", "/issues/2")]
    assert repo.issue(1)["state"] == "open"


def test_other_issues_are_never_touched(repo: Repo) -> None:
    """An issue with the label but not the marker (a person's), or with the marker but not
    the label (anyone can write the marker; only triagers can set the label)."""
    repo.handler.labels.add("link health")
    repo.handler.issues.update({
        1: {"number": 1, "title": "Our link health plan", "body": "ideas", "state": "open",
            "labels": [{"name": "link health"}], "comments": []},
        2: {"number": 2, "title": "fake", "body": f"{TARGETS_MARK}\nhi", "state": "open",
            "labels": [], "comments": []},
    })  # fmt: skip
    repo.links(BROKEN)
    repo.run(DAY1)
    assert repo.writes() == [("POST", "/labels"), ("POST", "/issues"), ("POST", "/issues")]
    assert repo.issue(1)["body"] == "ideas" and repo.issue(2)["body"] == f"{TARGETS_MARK}\nhi"
    repo.links("links:\n  fine: {base}/ok\n")
    repo.run(DAY2)
    assert [repo.issue(n)["state"] for n in (1, 2, 3, 4)] == ["open", "open", "closed", "closed"]


def test_the_job_may_write_issues_and_nothing_else() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    triggers = workflow[True]
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    for step in job["steps"]:  # nothing but the job's own values in an expression
        for value in [step.get("run", ""), *step.get("env", {}).values()]:
            for expr in re.findall(r"\$\{\{(.*?)\}\}", str(value)):
                assert expr.strip() in ("github.token", "inputs.expiring-within || '7d'")
