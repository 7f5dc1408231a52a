#!/usr/bin/env python3
"""Keeps two issues of the repository up to date: one listing the links' targets that are
dead, moved or suspicious (`shortlinks targets`), one listing the links that expire soon
(`shortlinks list --state expiring`). The health workflow (.github/workflows/health.yml)
runs it every day, and tests/e2e/test_health_workflow.py runs it here against a fake
GitHub API. docs/health.md says what it checks and how to turn it on.

For each of the two lists:
- something to report and no open issue: open one (with the label "link health", created
  when missing);
- an open issue whose text is not the list of now: edit it; the same: leave it alone (the
  lists hold no time of their own, so an unchanged list is an unchanged issue);
- nothing to report and an open issue: say so in a comment and close it.
An issue is the workflow's when it is open, has the label (which only people with triage
access can set) and the list's marker (an HTML comment at the top of its text); any other
issue is never touched. When a check cannot run (the links file has problems, no target
answers at all: offline), its issue is left as it is and the step fails.

Usage: scripts/health_issues.py [FILE]   (default links.yaml)
Environment: GH_TOKEN (the job's token: issues: write), GITHUB_REPOSITORY, GITHUB_API_URL,
GITHUB_SERVER_URL; SHORTLINKS_EXPIRING_WITHIN (7d by default: 48h, 14d, 2w; a bare number
is days); SHORTLINKS (the command, .venv/bin/shortlinks by default). Standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

LABEL = "link health"
LABEL_COLOR = "d93f0b"
MAX_BODY = 60_000  # GitHub takes 65,536 characters
TIMEOUT = 30


@dataclass(frozen=True)
class Found:
    """What one check found: ``body`` (Markdown) when there is something to report, None
    when all is well. ``error`` when the check could not run."""

    body: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Kind:
    marker: str
    title: str
    closing: str  # the comment that closes its issue


def _shortlinks(*args: str) -> subprocess.CompletedProcess[str]:
    command = os.environ.get("SHORTLINKS") or ".venv/bin/shortlinks"
    return subprocess.run([command, *args], capture_output=True, text=True, check=False)


def _docs() -> str:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    return f"{server}/{os.environ['GITHUB_REPOSITORY']}/blob/HEAD/docs/health.md"


def check_targets(file: str) -> Found:
    """`shortlinks targets`: exit 0, every target answers; 1 with its report, some do not;
    anything else, or 1 without a report (the file has problems, offline), cannot tell."""
    run = _shortlinks("targets", file, "--format", "markdown", "--fail-on", "moved")
    if run.returncode == 0:
        return Found()
    if run.returncode == 1 and run.stdout.strip():
        intro = (
            "The health workflow asks every target of the links file each day "
            f"(`shortlinks targets`, [docs/health.md]({_docs()})). These did not answer as "
            "they should. This issue is kept up to date, and closed once every target answers."
        )
        return Found(f"{intro}\n\n{run.stdout}")
    return Found(error=(run.stderr or run.stdout).strip() or f"exit code {run.returncode}")


def check_expiring(file: str, within: str) -> Found:
    """`shortlinks list --state expiring --within W`: the links that end within W."""
    args = ("list", file, "--state", "expiring", "--within", within)
    listed = _shortlinks(*args, "--format", "json")
    if listed.returncode != 0:
        return Found(error=(listed.stderr or listed.stdout).strip())
    if not json.loads(listed.stdout):
        return Found()
    table = _shortlinks(*args, "--format", "markdown")
    if table.returncode != 0:
        return Found(error=(table.stderr or table.stdout).strip())
    intro = (
        f"These links end within {_words(within)} (`shortlinks list --state expiring --within "
        f"{within}`, [docs/health.md]({_docs()})). Give one a later `expires`, an `expired:` "
        "URL to send its visitors on to, or let it end. This issue is kept up to date each "
        "day, and closed when no link is left to end that soon."
    )
    return Found(f"{intro}\n\n{table.stdout}")


class GitHub:
    """The few REST calls an issue needs, with the job's token."""

    def __init__(self) -> None:
        api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
        self.base = f"{api}/repos/{os.environ['GITHUB_REPOSITORY']}"
        self.token = os.environ["GH_TOKEN"]
        self.has_label = False  # made (or found made) in this run

    def label(self) -> None:
        """The label, made when missing (422: it is there already)."""
        if not self.has_label:
            self.call("POST", "/labels", {"name": LABEL, "color": LABEL_COLOR,
                      "description": "Kept up to date by the health workflow"})  # fmt: skip
            self.has_label = True

    def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, object]:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(data).encode() if data is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
                "User-Agent": "shortlinks-health",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 422 and path == "/labels":  # it exists already
                return exc.code, None
            raise RuntimeError(f"{method} {path}: HTTP {exc.code}: {text}") from None

    def open_issue(self, marker: str) -> dict | None:
        """The open issue with the label and ``marker``, if any."""
        query = urllib.parse.urlencode({"state": "open", "labels": LABEL, "per_page": 100})
        _, issues = self.call("GET", f"/issues?{query}")
        for issue in issues if isinstance(issues, list) else []:
            body = issue.get("body") or ""
            if "pull_request" not in issue and body.startswith(marker):
                return issue
        return None


def keep(github: GitHub, kind: Kind, found: Found) -> str:
    """Open, edit, leave or close the issue of ``kind``; what was done, for the log."""
    issue = github.open_issue(kind.marker)
    if found.body is None:
        if issue is None:
            return "nothing to report, no issue open"
        number = issue["number"]
        github.call("POST", f"/issues/{number}/comments", {"body": kind.closing})
        github.call("PATCH", f"/issues/{number}", {"state": "closed", "state_reason": "completed"})
        return f"nothing to report: closed #{number}"
    body = f"{kind.marker}\n{found.body}"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + "\n\n(cut short: run the command for the whole list)\n"
    if issue is None:
        github.label()
        _, made = github.call(
            "POST", "/issues", {"title": kind.title, "body": body, "labels": [LABEL]}
        )
        return f"opened #{made['number']}"  # type: ignore[index]
    number = issue["number"]
    if _same(issue.get("body") or "", body) and issue.get("title") == kind.title:
        return f"#{number} is up to date: left as it is"
    github.call("PATCH", f"/issues/{number}", {"title": kind.title, "body": body})
    return f"updated #{number}"


def _same(a: str, b: str) -> bool:
    """The same text, as GitHub may keep it (its line ends, its trailing space)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _words(within: str) -> str:
    """'7d' as people say it: '7 days' (48h: '48 hours', 2w: '2 weeks'; 7: '7 days')."""
    text = within.replace(" ", "").lower()
    number, unit = text.rstrip("hdw"), text[len(text.rstrip("hdw")) :] or "d"
    name = {"h": "hour", "d": "day", "w": "week"}.get(unit, "day")
    return f"{number} {name}{'s' * (number != '1')}" if number.isdigit() else within


def main(argv: list[str]) -> int:
    file = argv[0] if argv else "links.yaml"
    within = (os.environ.get("SHORTLINKS_EXPIRING_WITHIN") or "7d").strip()
    github = GitHub()
    jobs = [
        (
            Kind(
                "<!-- shortlinks-health: targets -->",
                "Link targets that need a look",
                "Every target answers now: closing.",
            ),
            check_targets(file),
        ),
        (
            Kind(
                "<!-- shortlinks-health: expiring -->",
                f"Links that expire within {_words(within)}",
                f"No link expires within {_words(within)} now: closing.",
            ),
            check_expiring(file, within),
        ),
    ]
    failed = False
    for kind, found in jobs:
        name = kind.marker.split(": ")[1].split(" ")[0]
        if found.error is not None:
            print(f"::error::{name}: the check could not run, its issue is left as it is")
            print(found.error)
            failed = True
            continue
        try:
            print(f"{name}: {keep(github, kind, found)}")
        except (RuntimeError, OSError) as exc:
            print(f"::error::{name}: {exc}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
