"""The publish workflow, run here job by job as GitHub runs it (tests/e2e/workflow_runner.py):
a team's repository, pushes and hourly runs at chosen instants, the Actions cache carried
from run to run, and recorders in place of the network (GitHub's API, npx for Netlify and
Cloudflare Pages). What each run deployed where, which jobs ran, and the job summary are
asserted exactly.

Also: the hosts are independent in the workflow itself, the publish path installs exactly
the pinned, hashed dependencies, and the repository's update and concurrency settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.e2e.workflow_runner import Run, Store, files_digest, run_workflow

WORKFLOW = ROOT / ".github/workflows/publish.yml"
HOSTS = ("github-pages", "netlify", "cloudflare")

LINKS = """\
site:
  domain: go.example.com
  timezone: UTC
links:
  gh: https://github.com/acme
  promo:
    url: https://shop.example.com/promo
    expires: 2030-06-01
  launch:
    url: https://shop.example.com/launch
    starts: 2030-07-01
"""
PUSHED = "2030-06-01T10:00:00Z"
HOUR_LATER = "2030-06-01T11:07:00Z"
PROMO_ENDED = "2030-06-02T00:07:00Z"  # promo runs through 1 June (UTC)

NETLIFY = {"NETLIFY_AUTH_TOKEN": "nf-token", "NETLIFY_SITE_ID": "nf-site"}
CLOUDFLARE = {
    "CLOUDFLARE_API_TOKEN": "cf-token",
    "CLOUDFLARE_ACCOUNT_ID": "cf-account",
    "CLOUDFLARE_PAGES_PROJECT": "cf-project",
}
PAGES_ON = (200, {"build_type": "workflow", "cname": "go.example.com"})
PAGES_OFF = (404, {"message": "Not Found"})

CURL = """\
#!/bin/bash
# stands in for curl against GitHub's REST API: the answer is the test's
cat > "$FAKE/curl.stdin"
printf '%s\\n' "$*" >> "$FAKE/curl.args"
while [ $# -gt 0 ]; do [ "$1" = --output ] && out="$2"; shift; done
cp "$FAKE/pages.json" "$out"
cat "$FAKE/pages.code"
"""
NPX = """\
#!/bin/bash
# stands in for npx: records the deploy; $FAKE/fail names a tool whose deploys fail
printf '%s\\n' "$*" >> "$FAKE/npx.log"
if [ -f "$FAKE/fail" ] && [[ "$*" == *"$(cat "$FAKE/fail")"* ]]; then exit 1; fi
"""


class Team:
    """A repository with the links above and this checkout's workflow and scripts, run by
    the runner with one Actions cache and one set of GitHub Pages deployments."""

    def __init__(self, tmp_path: Path, links: str = LINKS) -> None:
        self.tmp = tmp_path
        self.origin = tmp_path / "origin"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(self.origin)], check=True)
        for part in ("scripts", ".github", "requirements"):  # as in this working tree
            shutil.rmtree(self.origin / part, ignore_errors=True)
            shutil.copytree(ROOT / part, self.origin / part)
        (self.origin / "links.yaml").write_text(links)
        (self.origin / "links.lock").unlink(missing_ok=True)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "our links")
        self.fake = tmp_path / "fake"
        (self.fake / "bin").mkdir(parents=True)
        for name, text in (("curl", CURL), ("npx", NPX)):
            (self.fake / "bin" / name).write_text(text)
            (self.fake / "bin" / name).chmod(0o755)
        (self.fake / "npx.log").touch()
        self.store = Store()
        self.runs = 0

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.origin, check=True, capture_output=True, text=True
        ).stdout

    def run(
        self,
        event: str,
        now: str,
        secrets: dict[str, str] | None = None,
        pages: tuple[int, dict] = PAGES_ON,
        failing: str | None = None,
    ) -> Run:
        """One run of the workflow at ``now`` (the build's clock)."""
        self.runs += 1
        (self.fake / "pages.code").write_text(str(pages[0]))
        (self.fake / "pages.json").write_text(json.dumps(pages[1]))
        (self.fake / "fail").unlink(missing_ok=True)
        if failing:
            (self.fake / "fail").write_text(failing)

        def venv(space: Path) -> None:  # the installed shortlinks, on the run's clock
            (space / ".venv" / "bin").mkdir(parents=True)
            wrapper = space / ".venv" / "bin" / "shortlinks"
            wrapper.write_text(f'#!/bin/sh\nexec {ROOT}/.venv/bin/shortlinks "$@" --now "{now}"\n')
            wrapper.chmod(0o755)

        env = {
            "PATH": f"{self.fake / 'bin'}:{os.environ['PATH']}",
            "FAKE": str(self.fake),
            "SHORTLINKS_CACHE": str(self.tmp / "qr-cache"),
        }
        return run_workflow(
            WORKFLOW, self.origin, self.tmp / f"run-{self.runs}", self.store, event,
            secrets or {}, env, prepare={"build": venv}, skip_steps=("Install",),
            run_id=self.runs,
        )  # fmt: skip

    def deploys(self) -> list[str]:
        return (self.fake / "npx.log").read_text().splitlines()

    def record(self) -> dict[str, Any]:
        newest = list(self.store.cache)[-1]
        return json.loads(self.store.cache[newest])


def summary_lines(run: Run) -> list[str]:
    text = run.summary
    assert text.startswith("### Publish\n\n"), text
    return text.splitlines()[2:]


def last_deploy(team: Team, host: str) -> str:
    """How the summary names the deploy a host got last: its time and commit."""
    record = team.record()
    deploy = record["deploys"][record["hosts"][host]["digest"]]
    return f"{deploy['at']} ({deploy['commit'][:7]})"


def test_a_push_deploys_to_every_host_that_is_on(tmp_path: Path) -> None:
    team = Team(tmp_path)
    run = team.run("push", PUSHED, {**NETLIFY, **CLOUDFLARE})
    assert run.results == dict.fromkeys(["build", *HOSTS, "record"], "success"), run.log("build")
    assert summary_lines(run) == [
        "- GitHub Pages: a push to main always deploys: deploying",
        "- Netlify: a push to main always deploys: deploying",
        "- Cloudflare Pages: a push to main always deploys: deploying",
    ]
    built = files_digest(tmp_path / "run-1/build-workspace/_site")
    assert team.store.pages == [built]  # GitHub Pages got the site as built
    assert team.deploys() == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site --site nf-site",
        "--yes wrangler@4.86.0 pages deploy _site --project-name cf-project --branch main",
    ]
    record = team.record()
    assert list(team.store.cache) == ["publish-record-1-1"]
    assert set(record["hosts"]) == set(HOSTS)
    assert len(record["deploys"]) == 1
    # the token went to GitHub's API on standard input, never on a command line
    assert (team.fake / "curl.stdin").read_text() == "Authorization: Bearer the-job-token\n"
    assert "the-job-token" not in (team.fake / "curl.args").read_text()
    assert (team.fake / "curl.args").read_text().split()[-1] == (
        "https://api.github.invalid/repos/acme/links/pages"
    )


def test_a_team_with_netlify_alone_gets_netlify_and_a_green_run(tmp_path: Path) -> None:
    """GitHub Pages is off (the API answers 404): its job is skipped, not failed."""
    team = Team(tmp_path)
    run = team.run("push", PUSHED, NETLIFY, pages=PAGES_OFF)
    assert run.results == {
        "build": "success",
        "github-pages": "skipped",
        "netlify": "success",
        "cloudflare": "skipped",
        "record": "success",
    }
    assert summary_lines(run) == [
        "- GitHub Pages: off (Pages is not on with GitHub Actions as its source: docs/deploy.md)",
        "- Netlify: a push to main always deploys: deploying",
        "- Cloudflare Pages: off (its secrets are not set: docs/deploy.md)",
    ]
    assert team.store.pages == []
    assert team.deploys() == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site --site nf-site"
    ]
    assert "GitHub Pages is off in this repository: not deploying there" in run.log("build")
    assert set(team.record()["hosts"]) == {"netlify"}


def test_an_hourly_run_with_nothing_changed_deploys_nothing(tmp_path: Path) -> None:
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert run.results == {
        "build": "success",
        "github-pages": "skipped",
        "netlify": "skipped",
        "cloudflare": "skipped",
        "record": "skipped",
    }
    pages, netlify = last_deploy(team, "github-pages"), last_deploy(team, "netlify")
    assert summary_lines(run) == [
        f"- GitHub Pages: nothing changed since the last deploy at {pages};"
        " next change at 2030-06-02T00:00:00+00:00 (promo expires)",
        f"- Netlify: nothing changed since the last deploy at {netlify};"
        " next change at 2030-06-02T00:00:00+00:00 (promo expires)",
        "- Cloudflare Pages: off (its secrets are not set: docs/deploy.md)",
    ]
    assert len(team.store.pages) == 1 and len(team.deploys()) == 1  # the push's only
    assert list(team.store.cache) == ["publish-record-1-1"]  # nothing new to keep
    assert not (tmp_path / "run-2/artifacts/site").exists()  # nor any artifact stored


def test_a_link_that_expires_between_runs_is_deployed(tmp_path: Path) -> None:
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    team.run("schedule", HOUR_LATER, NETLIFY)
    before = last_deploy(team, "netlify").split(" (")[0]
    run = team.run("schedule", PROMO_ENDED, NETLIFY)
    assert run.results == dict.fromkeys(["build", *HOSTS, "record"], "success") | {
        "cloudflare": "skipped"
    }
    assert summary_lines(run) == [
        f"- GitHub Pages: 1 link changed (promo expired) since the deploy of {before}: deploying",
        f"- Netlify: 1 link changed (promo expired) since the deploy of {before}: deploying",
        "- Cloudflare Pages: off (its secrets are not set: docs/deploy.md)",
    ]
    assert len(team.store.pages) == 2
    changed = {
        p for p in team.store.pages[1] if team.store.pages[0].get(p) != team.store.pages[1][p]
    }
    assert {"promo.html", "links.json"} <= changed
    assert len(team.deploys()) == 2
    assert list(team.store.cache) == ["publish-record-1-1", "publish-record-3-1"]

    # and the hour after, nothing again, until launch starts
    run = team.run("schedule", "2030-06-02T01:07:00Z", NETLIFY)
    assert run.results["netlify"] == run.results["github-pages"] == "skipped"
    assert summary_lines(run)[0].endswith(
        "next change at 2030-07-01T00:00:00+00:00 (launch starts)"
    )
    # launch starts: said as started
    run = team.run("schedule", "2030-07-01T00:07:00Z", NETLIFY)
    assert summary_lines(run)[1].startswith("- Netlify: 1 link changed (launch started) since")


def test_an_hourly_run_without_a_record_deploys(tmp_path: Path) -> None:
    """The first hourly run, or one whose record the cache dropped: unsure, so it deploys."""
    team = Team(tmp_path)
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert run.results["github-pages"] == run.results["netlify"] == "success"
    assert summary_lines(run)[:2] == [
        "- GitHub Pages: no record of an earlier deploy: deploying",
        "- Netlify: no record of an earlier deploy: deploying",
    ]
    # an unreadable record counts as none
    team.store.cache["publish-record-9-1"] = b"{not json"
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert summary_lines(run)[0].startswith(
        "- GitHub Pages: the record of the last deploy is unreadable ("
    )
    assert summary_lines(run)[0].endswith("): deploying")
    assert run.results["github-pages"] == "success"
    # and so does one of another shape
    team.store.cache["publish-record-99-1"] = json.dumps({"version": 1, "hosts": []}).encode()
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert summary_lines(run)[0] == (
        "- GitHub Pages: the record of the last deploy is unreadable (not the shape it should"
        " be): deploying"
    )
    assert run.results["github-pages"] == "success"


def test_a_run_by_hand_deploys_even_when_nothing_changed(tmp_path: Path) -> None:
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    run = team.run("workflow_dispatch", HOUR_LATER, NETLIFY)
    assert run.results["github-pages"] == run.results["netlify"] == "success"
    assert summary_lines(run)[:2] == [
        "- GitHub Pages: a run by hand always deploys: deploying",
        "- Netlify: a run by hand always deploys: deploying",
    ]
    assert len(team.store.pages) == 2 and len(team.deploys()) == 2


def test_a_failed_deploy_is_tried_again_the_next_hour(tmp_path: Path) -> None:
    """Netlify fails on the push; GitHub Pages does not: only Pages' deploy is recorded."""
    team = Team(tmp_path)
    run = team.run("push", PUSHED, NETLIFY, failing="netlify-cli")
    assert run.results["netlify"] == "failure"
    assert run.results["github-pages"] == run.results["record"] == "success"
    assert set(team.record()["hosts"]) == {"github-pages"}
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert run.results["github-pages"] == "skipped"
    assert run.results["netlify"] == "success"
    assert summary_lines(run)[1] == "- Netlify: no record of a deploy there: deploying"
    assert set(team.record()["hosts"]) == {"github-pages", "netlify"}


def test_a_host_whose_sites_changed_gets_the_site(tmp_path: Path) -> None:
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    run = team.run("schedule", HOUR_LATER, {**NETLIFY, "NETLIFY_SITE_ID": "new-site"})
    assert run.results["github-pages"] == "skipped"
    assert run.results["netlify"] == "success"
    assert summary_lines(run)[1] == (
        "- Netlify: its sites changed since the last deploy: deploying"
    )
    assert team.deploys()[-1].endswith("--site new-site")


def test_a_host_turned_off_and_on_again_gets_the_site(tmp_path: Path) -> None:
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    run = team.run("schedule", HOUR_LATER, {})  # the secrets removed: its entry goes
    assert run.results["netlify"] == "skipped"
    assert run.results["record"] == "success"
    assert set(team.record()["hosts"]) == {"github-pages"}
    run = team.run("schedule", HOUR_LATER, NETLIFY)  # back: it gets the site again
    assert run.results["netlify"] == "success"
    assert run.results["github-pages"] == "skipped"
    run = team.run("schedule", HOUR_LATER, NETLIFY)  # and the run after has nothing to do
    assert run.results["record"] == "skipped"


def test_a_changed_commit_is_deployed_by_its_push(tmp_path: Path) -> None:
    """A template or settings change moves no link: said as such on an hourly run (here
    the push's deploy failed everywhere, so the hourly run is the first to deploy it)."""
    team = Team(tmp_path)
    team.run("push", PUSHED, NETLIFY)
    (team.origin / "links.yaml").write_text(
        LINKS.replace("timezone: UTC", "timezone: UTC\n  qr: false")
    )
    team.git("commit", "-q", "-am", "no QR codes")
    run = team.run("schedule", HOUR_LATER, NETLIFY)
    assert summary_lines(run)[1] == (
        "- Netlify: the site's files changed (no link started, expired or changed): deploying"
    )


# GitHub Pages' settings, as the REST API gives them, and what the run does with them.
@pytest.mark.parametrize(
    ("answer", "output", "log"),
    [
        (
            PAGES_ON,
            "github-pages=true\nfolder={site}",
            "GitHub Pages is on (workflow): deploying {site} there\n",
        ),
        (
            (200, {"build_type": "workflow", "cname": None}),
            "github-pages=true\nfolder={site}",
            "::warning::GitHub Pages serves this site at its github.io address, not at"
            " go.example.com: with GitHub Actions, Pages ignores the CNAME file. Enter"
            " go.example.com under Settings -> Pages -> Custom domain (docs/deploy.md).\n"
            "GitHub Pages is on (workflow): deploying {site} there\n",
        ),
        (
            (200, {"build_type": "legacy", "cname": "go.example.com"}),
            "github-pages=false",
            "::warning::GitHub Pages here publishes a branch, not this workflow's site: not"
            " deploying there. To publish the links there: Settings -> Pages -> Source:"
            " GitHub Actions.\n",
        ),
        (
            PAGES_OFF,
            "github-pages=false",
            "GitHub Pages is off in this repository: not deploying there (Settings -> Pages"
            " -> Source: GitHub Actions turns it on; docs/deploy.md)\n",
        ),
        (
            (500, {}),
            "github-pages=true\nfolder={site}",
            "::warning::could not tell whether GitHub Pages is on (the API answered HTTP"
            " 500): deploying to it as if it were\n",
        ),
    ],
)
def test_pages_status(tmp_path: Path, answer: tuple[int, dict], output: str, log: str) -> None:
    team = Team(tmp_path)
    (team.fake / "pages.code").write_text(str(answer[0]))
    (team.fake / "pages.json").write_text(json.dumps(answer[1]))
    site = tmp_path / "_site"
    site.mkdir()
    (site / "CNAME").write_text("go.example.com\n")
    out = tmp_path / "output"
    env = {
        **os.environ,
        "PATH": f"{team.fake / 'bin'}:{os.environ['PATH']}",
        "FAKE": str(team.fake),
        "GH_TOKEN": "t",
        "GITHUB_REPOSITORY": "acme/links",
        "GITHUB_OUTPUT": str(out),
    }
    run = subprocess.run(
        ["bash", str(ROOT / "scripts/pages-status.sh"), str(site)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout == log.format(site=site)
    assert out.read_text() == output.format(site=site) + "\n"


@pytest.mark.parametrize(
    ("settings", "on"),
    [
        ({}, (False, False)),
        (NETLIFY, (True, False)),
        ({"NETLIFY_AUTH_TOKEN": "t"}, (False, False)),  # half set: off
        ({"NETLIFY_AUTH_TOKEN": "t", "NETLIFY_SITE_IDS": "a.example s"}, (True, False)),
        (CLOUDFLARE, (False, True)),
        ({**CLOUDFLARE, "CLOUDFLARE_ACCOUNT_ID": ""}, (False, False)),
    ],
)
def test_the_optional_hosts_are_on_only_with_their_settings(
    tmp_path: Path, settings: dict[str, str], on: tuple[bool, bool]
) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "targets")
    output = tmp_path / "output"
    output.touch()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NETLIFY", "CLOUDFLARE"))}
    env = {**clean, **{k: "" for k in step["env"]}, **settings, "GITHUB_OUTPUT": str(output)}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ROOT, env=env, check=True)

    def fingerprint(*names: str) -> str:
        text = "".join(settings.get(n, "") + "\n" for n in names)
        return hashlib.sha256(text.encode()).hexdigest()

    cloudflare = ("CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_PAGES_PROJECT", "CLOUDFLARE_PAGES_PROJECTS")
    assert output.read_text() == (
        f"netlify={str(on[0]).lower()}\ncloudflare={str(on[1]).lower()}\n"
        f"netlify-target={fingerprint('NETLIFY_SITE_ID', 'NETLIFY_SITE_IDS')}\n"
        f"cloudflare-target={fingerprint(*cloudflare)}\n"
    )


def test_each_host_deploys_on_its_own() -> None:
    """No deploy job needs another host's job; each runs only when the build says so; only
    the GitHub Pages job touches Pages, and only it may write there."""
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert set(jobs) == {"build", *HOSTS, "record"}
    for host in HOSTS:
        assert jobs[host]["needs"] == "build", host
        assert jobs[host]["if"] == f"needs.build.outputs.{host} == 'true'", host
        assert jobs["build"]["outputs"][host] == f"${{{{ steps.decide.outputs.{host} }}}}"
    uses = {
        name: [s.get("uses", "").split("@")[0] for s in job["steps"]] for name, job in jobs.items()
    }
    pages_actions = {
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    assert pages_actions <= set(uses["github-pages"])
    for name in set(jobs) - {"github-pages"}:
        assert not pages_actions & set(uses[name]), f"{name} touches GitHub Pages"
        assert "pages" not in jobs[name].get("permissions", {}) or name == "build"
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["github-pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    # the record job follows the deploys whatever they did, and deploys nothing
    assert jobs["record"]["needs"] == ["build", *HOSTS]
    assert jobs["record"]["if"] == "always() && needs.build.outputs.record == 'true'"


def _dists(python: Path) -> dict[str, str]:
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    return {d["name"].lower().replace("_", "-"): d["version"] for d in json.loads(listed)}


CLOSURE = """
import json, sys, tomllib
from importlib.metadata import distribution
from packaging.requirements import Requirement
project = tomllib.load(open(sys.argv[1], "rb"))
wanted = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
todo, seen = list(wanted), set()
while todo:
    req = Requirement(todo.pop())
    name = req.name.lower().replace("_", "-")
    if (req.marker and not req.marker.evaluate({"extra": ""})) or name in seen:
        continue
    seen.add(name)
    todo += distribution(name).requires or []
print(json.dumps({"wanted": wanted, "closure": sorted(seen)}))
"""


def test_the_build_job_installs_exactly_the_pinned_hashed_set(tmp_path: Path) -> None:
    """The build job whole, its install included, in a fresh clone: what it installs is
    requirements/publish.txt, every file checked against its hash, and that set is exactly
    what pyproject.toml's dependencies and build requirements resolve to."""
    team = Team(tmp_path)
    (team.fake / "pages.code").write_text(str(PAGES_OFF[0]))
    (team.fake / "pages.json").write_text(json.dumps(PAGES_OFF[1]))
    env = {
        "PATH": f"{team.fake / 'bin'}:{os.environ['PATH']}",
        "FAKE": str(team.fake),
        "SHORTLINKS_CACHE": str(tmp_path / "qr-cache"),
    }
    run = run_workflow(WORKFLOW, team.origin, tmp_path / "run", team.store, "push", {}, env)
    install = run.logs["build"]["Install the pinned dependencies, checked against their hashes"]
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert run.results["build"] == "success", run.log("build")[-3000:]
    space = tmp_path / "run/build-workspace"
    assert (space / "_site/index.html").is_file()

    python = space / ".venv/bin/python"
    installed = _dists(python)
    pinned = {}
    text = (ROOT / "requirements/publish.txt").read_text()
    for line in text.splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split("==")
            pinned[name.lower()] = version
    assert {k: v for k, v in installed.items() if k not in ("pip", "shortlinks")} == pinned
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    closure = subprocess.run(
        [str(python), "-c", CLOSURE, str(ROOT / "pyproject.toml")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    resolved = json.loads(closure.stdout)
    assert set(resolved["closure"]) == set(pinned)

    # every pinned line carries hashes; the .in file is pyproject's lists
    for joined in text.replace("\\\n", "").splitlines():
        if "==" in joined and not joined.startswith(("#", " ")):
            assert "--hash=sha256:" in joined, joined
    listed = [
        line for line in (ROOT / "requirements/publish.in").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert listed == resolved["wanted"]
    assert "# This file is autogenerated by pip-compile with Python 3.11" in text


def test_python_is_set_up_pinned_with_the_cache_of_the_hashed_file() -> None:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"] == {
        "python-version": "3.11",
        "cache": "pip",
        "cache-dependency-path": "requirements/publish.txt",
    }
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == "bash scripts/install-pinned.sh"
    assert runs[1] == ".venv/bin/shortlinks build links.yaml -o _site"


def test_dependabot_updates_the_actions_and_the_pinned_python() -> None:
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text())
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    # the keys GitHub documents for an entry (dependabot-options-reference)
    allowed = {
        "package-ecosystem", "directory", "directories", "schedule", "groups",
        "open-pull-requests-limit", "commit-message", "labels",
    }  # fmt: skip
    for update in config["updates"]:
        assert set(update) <= allowed, update
        assert ("directory" in update) != ("directories" in update), update
        assert update["schedule"]["interval"] == "weekly"
    assert updates["github-actions"]["directory"] == "/"
    assert sorted(updates["pip"]["directories"]) == ["/", "/requirements"]
    assert (ROOT / "pyproject.toml").is_file()
    assert (ROOT / "requirements/publish.in").is_file()  # pip-compile's input, beside its output
    assert updates["npm"]["directory"] == "/tests/e2e/npm"
    assert (ROOT / "tests/e2e/npm/package-lock.json").is_file()
    # the engines' versions are the ones docs/hosts.md names: security updates only
    assert updates["npm"]["open-pull-requests-limit"] == 0


def _concurrency(event: str, number: int | None, ref: str, sha: str) -> tuple[str, bool]:
    """check.yml's concurrency group and cancel-in-progress, evaluated for one run."""
    from tests.e2e.workflow_runner import interpolate

    block = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())["concurrency"]
    github = {
        "workflow": "check",
        "event_name": event,
        "ref": ref,
        "sha": sha,
        "event": {"pull_request": {"number": number}} if number else {},
    }
    status = {"success": True, "failure": False, "always": True, "cancelled": False}
    contexts = {"github": github}
    return (
        interpolate(block["group"], contexts, status),
        interpolate(block["cancel-in-progress"], contexts, status) == "true",
    )


def test_check_cancels_superseded_runs_of_a_pull_request_only() -> None:
    """A new push to a pull request cancels its running check; every commit on main is
    checked to the end, each in a group of its own."""
    assert _concurrency("pull_request", 12, "refs/pull/12/merge", "a1") == ("check-12", True)
    assert _concurrency("pull_request", 12, "refs/pull/12/merge", "b2") == ("check-12", True)
    assert _concurrency("pull_request", 13, "refs/pull/13/merge", "c3") == ("check-13", True)
    assert _concurrency("push", None, "refs/heads/main", "d4") == ("check-d4", False)
    assert _concurrency("push", None, "refs/heads/main", "e5") == ("check-e5", False)


# Several domains: what each host serves is the repository's setting (GitHub Pages' custom
# domain, the "domain target" secrets), never the order or the names of site.domains, which
# a pull request changes.
TWO = """\
site:
  domains: [go.example.com, b.example.org]
  timezone: UTC
links:
  gh: https://github.com/acme
"""
REORDERED = """\
site:
  domains: [b.example.org, go.example.com]
  timezone: UTC
links:
  gh@go.example.com: https://github.com/acme
  gh@b.example.org: https://evil.example.net/
"""
RENAMED = """\
site:
  domains: [go.examp1e.com, b.example.org]
  timezone: UTC
links:
  gh: https://evil.example.net/
"""
NETLIFY_BY_DOMAIN = {
    "NETLIFY_AUTH_TOKEN": "nf-token",
    "NETLIFY_SITE_ID": "go.example.com nf-go",
    "NETLIFY_SITE_IDS": "b.example.org nf-b",
}


def _push(team: Team, links: str, secrets: dict[str, str]) -> Run:
    (team.origin / "links.yaml").write_text(links)
    team.git("commit", "-q", "-am", "the list changed")
    return team.run("push", PUSHED, secrets)


def _bytes_of(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_reordered_domain_list_moves_nothing_that_is_served(tmp_path: Path) -> None:
    team = Team(tmp_path, TWO)
    run = team.run("push", PUSHED, NETLIFY_BY_DOMAIN)
    assert run.results["github-pages"] == "success", run.log("build") + run.log("github-pages")
    site = tmp_path / "run-1/build-workspace/_site"
    assert team.store.pages == [files_digest(site / "go.example.com")]
    assert team.deploys() == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/go.example.com"
        " --site nf-go",
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/b.example.org --site nf-b",
    ]

    # b.example.org first now, with an evil gh there: go.example.com still serves acme
    run = _push(team, REORDERED, NETLIFY_BY_DOMAIN)
    assert run.results["github-pages"] == "success", run.log("github-pages")
    site = tmp_path / "run-2/build-workspace/_site"
    assert team.store.pages[-1] == files_digest(site / "go.example.com")
    served = _bytes_of(site / "go.example.com")  # what Pages got, by its digest above
    assert b"https://github.com/acme" in served
    assert b"evil" not in served
    assert team.deploys()[2:] == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/b.example.org --site nf-b",
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/go.example.com"
        " --site nf-go",
    ]


def test_a_renamed_domain_is_not_published_at_the_old_one(tmp_path: Path) -> None:
    team = Team(tmp_path, TWO)
    team.run("push", PUSHED, NETLIFY_BY_DOMAIN)
    run = _push(team, RENAMED, NETLIFY_BY_DOMAIN)
    assert run.results["github-pages"] == "failure"
    assert len(team.store.pages) == 1  # the first push's site stays live
    problem = (
        "GitHub Pages serves go.example.com (Settings -> Pages -> Custom domain), which is not"
        " a domain of this build (go.examp1e.com, b.example.org): not deploying to GitHub"
        " Pages. Put go.example.com back in site.domains, or change the custom domain"
        " (docs/deploy.md, several domains)."
    )
    assert f"::error::{problem}\n" in run.log("build")
    assert f"::error::{problem}\n" in run.log("github-pages")
    # Netlify deploys only the domain it has a site for; go.examp1e.com has none
    assert team.deploys()[2:] == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/b.example.org --site nf-b",
    ]
    assert run.results["netlify"] == "success"


@pytest.mark.parametrize(
    ("cname", "code", "problem"),
    [
        (
            None,
            200,
            "GitHub Pages has no custom domain, and this site has one folder a domain"
            " (go.example.com, b.example.org): enter the domain Pages serves under Settings"
            " -> Pages -> Custom domain (docs/deploy.md, several domains). Not deploying to"
            " GitHub Pages.",
        ),
        (
            None,
            500,
            "could not read the custom domain of GitHub Pages (the API answered HTTP 500):"
            " with site.domains, Pages gets only the folder of its custom domain",
        ),
    ],
)
def test_pages_without_a_known_custom_domain_gets_no_folder(
    tmp_path: Path, cname: str | None, code: int, problem: str
) -> None:
    """Never "the first folder": the Pages job fails with the reason."""
    team = Team(tmp_path, TWO)
    run = team.run("push", PUSHED, {}, pages=(code, {"build_type": "workflow", "cname": cname}))
    assert run.results["github-pages"] == "failure"
    assert team.store.pages == []
    assert f"::error::{problem}\n" in run.log("github-pages")


def test_a_one_site_secret_with_several_domains_must_name_its_domain(tmp_path: Path) -> None:
    team = Team(tmp_path, TWO)
    run = team.run("push", PUSHED, NETLIFY)  # NETLIFY_SITE_ID: a bare site id
    assert run.results["netlify"] == "failure"
    assert team.deploys() == []
    assert (
        "::error::this build has one folder a domain, and the one-site secret (NETLIFY_SITE_ID,"
        " CLOUDFLARE_PAGES_PROJECT) does not say which domain its site serves"
    ) in run.log("netlify")
    assert run.results["github-pages"] == "success"  # each host on its own


def test_a_one_item_domain_list_deploys_as_one_site(tmp_path: Path) -> None:
    team = Team(tmp_path, TWO.replace("[go.example.com, b.example.org]", "[go.example.com]"))
    run = team.run("push", PUSHED, NETLIFY)
    assert run.results["github-pages"] == run.results["netlify"] == "success"
    site = tmp_path / "run-1/build-workspace/_site"
    assert team.store.pages == [files_digest(site / "go.example.com")]
    assert team.deploys() == [
        "--yes netlify-cli@27.10.2 deploy --prod --no-build --dir _site/go.example.com"
        " --site nf-site",
    ]
