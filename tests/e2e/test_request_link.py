"""The request-link workflow's steps, run here in order as GitHub would run them for an
issue made with the "Request a short link" form: in a git repository with an origin of
its own (a bare repository here), with a recorder in place of `gh` that answers as GitHub
would and keeps every call, and an event file holding the issue.

A filled form becomes a branch with the link (links.yaml alone), a pull request and a
comment naming it. Hostile answers (a shell command substitution, backticks, an
expression, a slug or title over several lines, YAML in a title, a javascript: URL, a
10,000-character answer, look-alike letters) are refused with the exact error on the
issue and nothing pushed, or written as one quoted value; a command in them never runs.
The checkout and install steps are left out: the repository here has the checkout's
links file and script, and this checkout's .venv.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.load import load_text
from generator.validate import validate
from tests.conftest import ROOT

WORKFLOW = yaml.safe_load((ROOT / ".github/workflows/request-link.yml").read_text())
RIGHTS = "I own the target page, or have the right to link to it."
BASE = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/acme
  sale: https://shop.example.com/sale
"""
TOKEN = "ghs_workflow_token"
PR_URL = "https://github.com/acme/links/pull/7"
# What the recorder answers for each gh command, and keeps as one JSON line a call.
GH = """\
#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
body = None
if "--body-file" in args:
    with open(args[args.index("--body-file") + 1], encoding="utf-8") as f:
        body = f.read()
with open(os.environ["GH_RECORD"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"args": args, "body": body, "token": os.environ.get("GH_TOKEN")}) + "\\n")
if args[:2] == ["pr", "list"]:
    print(open(os.environ["GH_OPEN_PRS"], encoding="utf-8").read())
elif args[:2] == ["pr", "create"]:
    print("https://github.com/acme/links/pull/7")
elif args[:2] == ["issue", "comment"]:
    print("https://github.com/acme/links/issues/42#issuecomment-1")
"""


def form(
    url: str = "https://shop.example.com/spring",
    slug: str | None = None,
    expires: str | None = None,
    title: str | None = None,
) -> str:
    """The issue's text GitHub writes for a submitted form."""
    parts = [
        f"### {label}\n\n{value if value else '_No response_'}"
        for label, value in (
            ("Target URL", url),
            ("Wanted slug", slug),
            ("Expires", expires),
            ("Title", title),
        )
    ]
    return "\n\n".join([*parts, f"### Permission\n\n- [X] {RIGHTS}"])


@dataclass
class Run:
    steps: dict[str, subprocess.CompletedProcess[str]]
    calls: list[dict]  # every gh command, in order
    origin: Path
    tmp: Path

    @property
    def comment(self) -> str:
        (only,) = [c["body"] for c in self.calls if c["args"][:2] == ["issue", "comment"]]
        return only

    def branch_file(self, name: str) -> str | None:
        """A file of the pushed request branch, or None when nothing was pushed."""
        show = subprocess.run(
            ["git", "--git-dir", str(self.origin), "show", f"link-request/42:{name}"],
            capture_output=True,
            text=True,
        )
        return show.stdout if show.returncode == 0 else None


def evaluate(expr: object, event: dict, outputs: dict[str, dict[str, str]], failed: bool) -> str:
    """The expressions the workflow uses, as GitHub evaluates them (with no secret set)."""
    text = str(expr).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    labels = [label["name"] for label in event["issue"]["labels"]]
    known = {
        "contains(github.event.issue.labels.*.name, 'link request') "
        "&& github.event.issue.state == 'open'": str(
            "link request" in labels and event["issue"]["state"] == "open"
        ).lower(),
        "github.event.issue.number": str(event["issue"]["number"]),
        "secrets.LINK_REQUEST_TOKEN != ''": "false",
        "secrets.LINK_REQUEST_TOKEN || github.token": TOKEN,
        "github.token": TOKEN,
        "always() # with the errors, or with why nothing happened": "true",
        "always()": "true",
        "steps.request.outputs.ready == 'true'": str(
            not failed and outputs.get("request", {}).get("ready") == "true"
        ).lower(),
    }
    if text not in known:
        raise AssertionError(f"the test does not know the expression {text!r}")
    return known[text]


def _env_value(value: object, event: dict) -> str:
    """An env value with its expressions filled in."""
    return re.sub(r"\$\{\{.*?\}\}", lambda m: evaluate(m.group(0), event, {}, False), str(value))


def run_request(
    tmp_path: Path,
    text: str,
    *,
    association: str = "MEMBER",
    labels: tuple[str, ...] = ("link request",),
    open_prs: str = "[]",
    action: str = "opened",
    state: str = "open",
) -> Run:
    """The workflow's job for issue #42 with ``text``; what each step printed, every gh call."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    origin = tmp_path / "origin.git"
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True, capture_output=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=work, check=True, capture_output=True)

    git("checkout", "-q", "-b", "main")
    (work / "links.yaml").write_text(BASE)
    (work / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "link_request.py", work / "scripts")
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / ".git" / "info" / "exclude").write_text(".venv\n")
    subprocess.run(
        [str(ROOT / ".venv/bin/shortlinks"), "lock"], cwd=work, check=True, capture_output=True
    )
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    git("push", "-q", "origin", "main")

    event = {
        "action": action,
        "issue": {
            "number": 42,
            "title": "Link request",
            "body": text,
            "author_association": association,
            "state": state,
            "labels": [{"name": name} for name in labels],
        },
        "repository": {"full_name": "acme/links", "default_branch": "main"},
    }
    (tmp_path / "event.json").write_text(json.dumps(event))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH.replace("#!/usr/bin/env python3", f"#!{sys.executable}"))
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "open-prs.json").write_text(open_prs)
    record = tmp_path / "gh.jsonl"
    record.touch()
    output = tmp_path / "output"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()

    job = WORKFLOW["jobs"]["request"]
    steps: dict[str, subprocess.CompletedProcess[str]] = {}
    if evaluate(job["if"], event, {}, False) != "true":
        return Run(steps, [], origin, tmp_path)
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    env = {
        **outside,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_REPOSITORY": "acme/links",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "99",
        "RUNNER_TEMP": str(runner_temp),
        "GH_RECORD": str(record),
        "GH_OPEN_PRS": str(tmp_path / "open-prs.json"),
        **{k: _env_value(v, event) for k, v in job["env"].items()},
    }
    outputs: dict[str, dict[str, str]] = {}
    failed = False
    for step in job["steps"]:
        if "run" not in step or step.get("name") == "Install":
            continue
        if evaluate(step.get("if", "success()") if "if" in step else "always()", event,
                    outputs, failed) != "true" or ("if" not in step and failed):  # fmt: skip
            continue
        output.write_text("")
        step_env = {**env, **{k: _env_value(v, event) for k, v in step.get("env", {}).items()}}
        ran = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=work, env=step_env, capture_output=True,
            text=True,
        )  # fmt: skip
        steps[step["name"]] = ran
        failed = failed or ran.returncode != 0
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    return Run(steps, calls, origin, tmp_path)


def _no_command_ran(tmp_path: Path) -> None:
    assert sorted(p.name for p in tmp_path.rglob("pwned*")) == []


def _link(run: Run, slug: str) -> object:
    """The link as the pushed branch's links.yaml has it, after a check of the whole file."""
    text = run.branch_file("links.yaml")
    assert text is not None, "nothing was pushed"
    doc, problems = load_text(text)
    assert doc is not None and problems == []
    linkset, problems = validate(doc)
    assert linkset is not None and [p for p in problems if p.is_error] == []
    return doc.data["links"][slug]


def test_a_filled_form_becomes_a_pull_request_and_a_comment(tmp_path: Path) -> None:
    run = run_request(tmp_path, form(slug="spring", expires="2026-12-31", title="Spring sale 春季"))
    assert all(r.returncode == 0 for r in run.steps.values()), run.steps
    assert _link(run, "spring") == {
        "url": "https://shop.example.com/spring",
        "expires": __import__("datetime").date(2026, 12, 31),
        "title": "Spring sale 春季",
    }
    lock = run.branch_file("links.lock")  # a new link is links.yaml alone
    assert lock is not None and "spring" not in lock
    assert [c["args"][:2] for c in run.calls] == [
        ["pr", "list"],
        ["pr", "create"],
        ["issue", "comment"],
    ]
    create = run.calls[1]
    assert create["args"] == [
        "pr", "create", "--repo", "acme/links", "--base", "main", "--head", "link-request/42",
        "--title", "Add the short link https://go.example.com/spring", "--body-file",
        create["args"][-1],
    ]  # fmt: skip
    assert create["token"] == TOKEN
    assert "Closes #42" in create["body"]
    assert "+    title: Spring sale 春季" in create["body"]
    assert "close and reopen it to run the check" in create["body"]
    assert run.comment.startswith(f"Pull request opened: {PR_URL}\n")
    assert "https://go.example.com/spring" in run.comment
    log = subprocess.run(
        ["git", "--git-dir", str(run.origin), "log", "-1", "--format=%an|%s", "link-request/42"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert log == (
        "github-actions[bot]|Add the short link https://go.example.com/spring (request #42)"
    )


def test_an_empty_slug_gets_a_generated_one(tmp_path: Path) -> None:
    run = run_request(tmp_path, form())
    text = run.branch_file("links.yaml")
    assert text is not None
    (new,) = [s for s in yaml.safe_load(text)["links"] if s not in ("gh", "sale")]
    assert re.fullmatch(r"[abcdefghjkmnpqrstuvwxyz23456789]{6}", new)
    assert f"https://go.example.com/{new}" in run.comment


def test_an_edited_request_updates_the_open_pull_request(tmp_path: Path) -> None:
    run = run_request(
        tmp_path,
        form(slug="spring"),
        action="edited",
        open_prs=json.dumps([{"number": 7, "url": PR_URL}]),
    )
    assert [c["args"][:3] for c in run.calls] == [
        ["pr", "list", "--repo"],
        ["pr", "edit", "7"],
        ["issue", "comment", "42"],
    ]
    assert run.comment.startswith(f"Pull request updated: {PR_URL}\n")


# (the answers, the errors the comment shows in its code block)
# fmt: off
REFUSED = [
    (form(url="https://x.example/$(touch pwned-url)"), "Target URL: the URL contains SPACE at character 26 (url-character)\n    hint: percent-encode a space as %20"),
    (form(slug="$(touch pwned-slug)"), "Wanted slug: slug '$(touch pwned-slug)' contains the character '$' at position 1 (slug-character)\n    hint: use letters, digits, '-', '_', '.', '~' and '/' between words"),
    (form(slug="`touch pwned-tick`"), "Wanted slug: slug '`touch pwned-tick`' contains the character '`' at position 1 (slug-character)\n    hint: use letters, digits, '-', '_', '.', '~' and '/' between words"),
    (form(slug="spring\nstatus: 301"), "Wanted slug: write it on one line (it has 2)"),
    (form(title="x\n  status: 301"), "Title: write it on one line (it has 2)"),
    (form(url="javascript:alert(document.cookie)"), "Target URL: javascript: URLs are refused: it would run code on the short domain (url-scheme)"),
    (form(title="a" * 10_000), "Title: 10000 characters are too long; at most 300"),
    (form(slug="ѕale"), "Wanted slug: 'ѕale' mixes Cyrillic and Latin letters, which look alike: use one script"),
    (form(slug="\u0455\u0430\u04cf\u0435"), "Wanted slug: 'ѕаӏе' looks like the slug 'sale', which is in use"),
    (form(slug="sale"), "Wanted slug: 'sale' is taken by a link of links.yaml (line 5) (add-slug-taken)\n    hint: choose another"),
    (form(expires="31/12/2026"), "Expires: '31/12/2026' is not a valid date (not an ISO 8601 date) (date-value)\n    hint: write a date as 2026-12-31 or a time as 2026-12-31T18:00:00+08:00"),
]
# fmt: on


@pytest.mark.parametrize(("text", "errors"), REFUSED, ids=range(len(REFUSED)))
def test_a_wrong_or_hostile_request_is_answered_with_the_errors(
    tmp_path: Path, text: str, errors: str
) -> None:
    run = run_request(tmp_path, text)
    assert all(r.returncode == 0 for r in run.steps.values()), run.steps
    assert "Push the branch and open the pull request" not in run.steps
    assert run.branch_file("links.yaml") is None  # nothing pushed
    assert [c["args"][:2] for c in run.calls] == [["issue", "comment"]]
    assert run.comment.startswith("The link was not added. What to fix:\n\n")
    block = re.search(r"\n(`{3,})text\n(.*)\n\1\n", run.comment, re.S)
    assert block is not None, run.comment
    assert block.group(2) == errors
    _no_command_ran(tmp_path)


# One line each: a title is text, so each is written as it is, quoted, and runs nowhere.
KEPT = [
    "$(touch pwned-title)",
    "`touch pwned-backtick`",
    "${{ github.token }}",
    'x", status: 301, "y',
    "x' status: 301 '",
    "@everyone ``` #1 ````",
]


@pytest.mark.parametrize("title", KEPT)
def test_a_hostile_title_is_written_as_plain_text(tmp_path: Path, title: str) -> None:
    run = run_request(tmp_path, form(slug="spring", title=title))
    assert _link(run, "spring") == {"url": "https://shop.example.com/spring", "title": title}
    create = next(c for c in run.calls if c["args"][:2] == ["pr", "create"])
    assert TOKEN not in create["body"] and TOKEN not in run.comment
    # the added lines, title and all, sit in one code block that the title cannot close
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", title)), default=0))
    assert f"\n{fence}diff\n" in create["body"], create["body"]
    inside = create["body"].split(f"\n{fence}diff\n", 1)[1].split(f"\n{fence}\n", 1)[0]
    assert "+    title: " in inside and "Closes #42" not in inside
    _no_command_ran(tmp_path)


def test_a_command_in_the_url_is_part_of_the_address(tmp_path: Path) -> None:
    url = "https://shop.example.com/$(touch${IFS}pwned-url)?q=`touch${IFS}pwned-q`"
    run = run_request(tmp_path, form(url=url, slug="spring"))
    assert _link(run, "spring") == url  # written as given (short form): no shell saw it
    _no_command_ran(tmp_path)


def test_a_look_alike_target_is_added_with_the_checks_warning_for_the_reviewer(
    tmp_path: Path,
) -> None:
    run = run_request(tmp_path, form(url="https://аpple.com/x", slug="apple"))
    warning = "mixes Cyrillic and Latin letters in one name: a look-alike of another domain?"
    create = next(c for c in run.calls if c["args"][:2] == ["pr", "create"])
    assert warning in create["body"] and warning in run.comment


def test_a_request_from_outside_the_team_is_answered_not_added(tmp_path: Path) -> None:
    run = run_request(tmp_path, form(slug="spring"), association="NONE")
    assert run.branch_file("links.yaml") is None
    assert [c["args"][:2] for c in run.calls] == [["issue", "comment"]]
    assert "(GitHub names its role `NONE`)" in run.comment


def test_an_issue_without_the_forms_label_is_left_alone(tmp_path: Path) -> None:
    run = run_request(tmp_path, form(slug="spring"), labels=("bug",))
    assert run.steps == {} and run.calls == []


def test_a_closed_request_edited_later_is_left_alone(tmp_path: Path) -> None:
    """Its pull request was merged (which closed it): the slug is in use by now."""
    run = run_request(tmp_path, form(slug="spring"), action="edited", state="closed")
    assert run.steps == {} and run.calls == []


def test_the_docs_examples_are_what_the_workflow_answers(tmp_path: Path) -> None:
    from tests.test_docs import blocks

    opened, refused = blocks(ROOT / "docs" / "requesting-links.md", "text")[:2]
    run = run_request(tmp_path / "ok", form(slug="spring"))
    assert run.comment.startswith(opened.strip() + "\n")
    run = run_request(tmp_path / "refused", form(slug="sale", expires="31/12/2026"))
    said = run.comment.split("\n\nEdit this issue")[0]
    assert refused.strip() == "\n".join(x for x in said.splitlines() if not x.startswith("```"))
