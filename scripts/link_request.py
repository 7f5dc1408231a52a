#!/usr/bin/env python3
"""Turns a "Request a short link" issue into a pull request that adds the link, or into a
comment that says what to fix. The request-link workflow (.github/workflows/request-link.yml)
runs its three steps in order, and tests/e2e/test_request_link.py runs the same steps here:

  apply     read the form's answers from the issue (GITHUB_EVENT_PATH), run `shortlinks add`
            with them on the branch link-request/<issue number>, check the result and commit
  publish   push that branch and open (or update) the pull request: needs GH_TOKEN
  answer    comment on the issue with the pull request or the exact errors: needs GH_TOKEN

Everything in the issue is untrusted: anyone who may open an issue writes it, and can edit
it after the form is sent. So the workflow never puts it into an expression (`${{ }}`) or a
shell; this script reads it from the event file, checks each answer (one line, no control
or invisible characters, a length cap), and hands it to `shortlinks add` as one argument
(`--slug=VALUE`, and the URL after `--`), which checks it as `check` would and writes
every value quoted. Comments and the pull request's text show what came from the issue
only inside code blocks whose fence is longer than any run of backticks in it, so it
cannot close the block or mention anyone. The branch name is made of the issue's number.

Standard library only, with the `shortlinks` of the checkout's .venv as a command and its
look-alike rules (generator.abuse) for a wanted slug; the steps pass what they found to
each other in $RUNNER_TEMP/link-request.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# The form's labels (.github/ISSUE_TEMPLATE/request-link.yml), as GitHub writes them into
# the issue: "### <label>", an empty line, the answer ("_No response_" when left empty).
FIELDS = {
    "Target URL": "url",
    "Wanted slug": "slug",
    "Expires": "expires",
    "Title": "title",
    "Permission": "rights",
}
REQUIRED = ("url", "rights")
RIGHTS = "I own the target page, or have the right to link to it."
NO_RESPONSE = "_No response_"
# Longer answers are refused before anything reads them (a URL, a slug and a title have
# lower limits still, which `shortlinks add` says in its own words).
MAX_CHARS = {"url": 4096, "slug": 200, "expires": 40, "title": 300, "rights": 200}
MAX_BODY = 20_000
# Who may have a request turned into a pull request: the issue's author_association,
# which GitHub sets. Others get a comment that says so (docs/requesting-links.md).
DEFAULT_ASSOCIATIONS = "OWNER MEMBER COLLABORATOR"
# Letters drawn like Latin ones: a slug mixing them with Latin letters is refused.
LOOKALIKE_SCRIPTS = {"CYRILLIC", "GREEK", "ARMENIAN"}
LINKS_FILE = "links.yaml"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
MAX_COMMENT = 60_000  # GitHub takes 65,536 characters


@dataclass
class Request:
    """The form's answers, each checked on its own; ``errors`` says what is wrong."""

    url: str | None = None
    slug: str | None = None
    expires: str | None = None
    title: str | None = None
    rights: bool = False
    errors: list[str] = field(default_factory=list)


def _invisible(text: str) -> str | None:
    """The first character a person cannot see or that breaks a line, named; else None."""
    for i, ch in enumerate(text):
        if not ch.isprintable() or ch in "\u2028\u2029":
            name = unicodedata.name(ch, "a control character")
            return f"U+{ord(ch):04X} ({name}) at position {i + 1}"
    return None


def parse(body: str | None) -> Request:
    """The answers of the form in an issue's text, or what is wrong with them."""
    req = Request()
    if not body or not body.strip():
        req.errors.append("the issue has no text: open it with the 'Request a short link' form")
        return req
    if len(body) > MAX_BODY:
        req.errors.append(
            f"the issue's text is {len(body)} characters long; the form makes at most "
            f"{MAX_BODY}: open a new request with the form"
        )
        return req
    text = body.replace("\r\n", "\n")
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.split("\n"):
        heading = re.fullmatch(r"### (.*)", line)
        if heading:
            label = heading.group(1).strip()
            if label not in FIELDS:
                req.errors.append(
                    f"the issue has a section '### {_cut(label)}' that the form does not "
                    "have: keep the form's headings as they are"
                )
                current = None
                continue
            if label in sections:
                req.errors.append(f"the issue has the section '### {label}' twice: keep one")
                current = None
                continue
            sections[label] = []
            current = label
        elif current is not None:
            sections[current].append(line)
    for label, name in FIELDS.items():
        if label not in sections:
            if name in REQUIRED:
                req.errors.append(f"the issue has no '### {label}' section: use the form")
            continue
        lines = [line.strip() for line in sections[label] if line.strip()]
        if name == "rights":
            req.rights = any(
                re.fullmatch(r"- \[[xX]\] (.*)", line) and line[6:].strip() == RIGHTS
                for line in lines
            )
            continue
        _answer(req, label, name, lines)
    if not req.errors:
        if req.url is None:
            req.errors.append("Target URL: the form needs the address the link goes to")
        if not req.rights:
            req.errors.append(f"Permission: tick '{RIGHTS}'")
    return req


def _answer(req: Request, label: str, name: str, lines: list[str]) -> None:
    if not lines or lines == [NO_RESPONSE]:
        return
    if len(lines) > 1:
        req.errors.append(f"{label}: write it on one line (it has {len(lines)})")
        return
    value = lines[0]
    if len(value) > MAX_CHARS[name]:
        req.errors.append(
            f"{label}: {len(value)} characters are too long; at most {MAX_CHARS[name]}"
        )
        return
    bad = _invisible(value)
    if bad is not None:
        req.errors.append(f"{label}: contains the invisible character {bad}: remove it")
        return
    setattr(req, name, value)


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(ch, "?").split(" ", 1)[0] for ch in text if ch.isalpha()}


def slug_lookalike(slug: str, existing: list[str]) -> str | None:
    """Why a wanted slug could pass for another, or None. Latin letters mixed with
    Cyrillic, Greek or Armenian ones look like one word of Latin letters; a slug whose
    letters all look like those of a slug in use would be taken for it."""
    from generator.abuse import skeleton  # the same look-alike table as the host warnings

    scripts = _scripts(slug)
    if "LATIN" in scripts and scripts & LOOKALIKE_SCRIPTS:
        mixed = " and ".join(s.title() for s in sorted(scripts))
        return f"Wanted slug: {slug!r} mixes {mixed} letters, which look alike: use one script"
    if scripts & LOOKALIKE_SCRIPTS:
        looks = skeleton(slug)
        for other in existing:
            if other != slug and skeleton(other) == looks:
                return f"Wanted slug: {slug!r} looks like the slug {other!r}, which is in use"
    return None


# -- running things ---------------------------------------------------------------------


def _env_for_tools() -> dict[str, str]:
    """The environment for `shortlinks` and git: text messages, not annotations."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GH_TOKEN")}
    env["NO_COLOR"] = "1"
    return env


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("env", _env_for_tools())
    return subprocess.run(args, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def _git(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    run = _run(["git", *args], env=env or _env_for_tools())
    if run.returncode != 0:
        raise RuntimeError(f"git {args[0]} failed: {run.stderr.strip()}")
    return run


def _shortlinks() -> str:
    return str(Path(".venv/bin/shortlinks").resolve())


def _existing_slugs(file: str) -> list[str]:
    from generator.load import load_file
    from generator.validate import validate

    doc, _ = load_file(Path(file))
    linkset = validate(doc)[0] if doc is not None else None
    return [s for link in linkset.links for s in link.slugs] if linkset else []


OPTION_LABELS = {
    "URL": "Target URL",
    "--slug": "Wanted slug",
    "--expires": "Expires",
    "--expires-in": "Expires",
    "--title": "Title",
}


def _for_people(errors: str) -> str:
    """`shortlinks add`'s errors with the form's labels for its options."""
    out = []
    for line in errors.splitlines():
        if line == "error: the link was not added (nothing written)":
            continue  # the comment says so first
        found = re.match(r"error: (URL|--[a-z-]+): (.*)", line)
        if found and found.group(1) in OPTION_LABELS:
            line = f"{OPTION_LABELS[found.group(1)]}: {found.group(2)}"
        out.append(line)
    return "\n".join(out)


def _state_path() -> Path:
    return Path(os.environ.get("RUNNER_TEMP", ".")) / "link-request.json"


def _save(state: dict) -> None:
    _state_path().write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")


def _load() -> dict | None:
    try:
        return json.loads(_state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _event() -> dict:
    return json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))


def _output(name: str, value: str) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def apply(file: str) -> int:
    """Read the request and, if it is right, commit the link on the request's branch."""
    event = _event()
    issue = event["issue"]
    number = issue["number"]
    if not isinstance(number, int) or number <= 0:
        raise SystemExit("the event has no issue number")
    state: dict = {"issue": number, "branch": f"link-request/{number}", "status": "invalid"}
    allowed = os.environ.get("LINK_REQUEST_ASSOCIATIONS", DEFAULT_ASSOCIATIONS).split()
    association = issue.get("author_association")
    if association not in allowed:
        state |= {"status": "refused", "association": str(association)}
        _save(state)
        _output("ready", "false")
        return 0
    req = parse(issue.get("body"))
    if not req.errors and req.slug:
        why = slug_lookalike(req.slug, _existing_slugs(file))
        if why:
            req.errors.append(why)
    if req.errors:
        state["errors"] = "\n".join(req.errors)
        _save(state)
        _output("ready", "false")
        return 0
    assert req.url is not None
    args = [_shortlinks(), "add"]
    if req.slug:
        args.append(f"--slug={req.slug}")
    if req.expires:
        kind = "--expires-in" if re.fullmatch(r"\d+[hdw]", req.expires) else "--expires"
        args.append(f"{kind}={req.expires}")
    if req.title:
        args.append(f"--title={req.title}")
    args += ["--", req.url, file]
    _git("checkout", "-q", "-B", state["branch"])
    added = _run(args)
    if added.returncode != 0:
        state["errors"] = _for_people(added.stderr.strip() or added.stdout.strip())
        _save(state)
        _output("ready", "false")
        return 0
    short = added.stdout.splitlines()[0].removeprefix("Added ").strip()
    checked = _run([_shortlinks(), "check", file, "--format", "text"])
    locked = _run([_shortlinks(), "lock", file, "--check"])
    if checked.returncode != 0 or locked.returncode != 0:
        state["errors"] = (checked.stdout + checked.stderr + locked.stdout + locked.stderr).strip()
        _save(state)
        _output("ready", "false")
        return 0
    lock = str(Path(file).with_suffix(".lock"))
    _git("add", "--", file, *([lock] if Path(lock).exists() else []))
    name, email = BOT
    _git(
        "-c", f"user.name={name}", "-c", f"user.email={email}",
        "commit", "-q", "-m", f"Add the short link {short} (request #{number})",
    )  # fmt: skip
    state |= {
        "status": "ready",
        "short": short,
        "check": (checked.stdout + checked.stderr).strip(),
        "diff": _git("diff", "HEAD~1", "--", file, lock).stdout.strip(),
        "base": event.get("repository", {}).get("default_branch") or "main",
    }
    _save(state)
    _output("ready", "true")
    return 0


def publish() -> int:
    """Push the request's branch and open its pull request, or update the open one."""
    state = _load()
    if not state or state.get("status") != "ready":
        raise SystemExit("nothing to publish: the apply step did not finish")
    repo = os.environ["GITHUB_REPOSITORY"]
    branch = state["branch"]
    token = os.environ.get("GH_TOKEN", "")
    env = _env_for_tools()
    if token:  # as actions/checkout does, but for this one command: not in .git/config
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        print(f"::add-mask::{basic}")
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"http.{server}/.extraheader",
            "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
        }
    _git("push", "--force", "origin", f"HEAD:refs/heads/{branch}", env=env)
    gh_env = {**_env_for_tools(), "GH_TOKEN": token}
    title = f"Add the short link {state['short']}"
    body = Path(os.environ.get("RUNNER_TEMP", ".")) / "link-request-pr.md"
    body.write_text(_pr_body(state), encoding="utf-8")
    found = _run(
        ["gh", "pr", "list", "--repo", repo, "--head", branch, "--state", "open",
         "--json", "number,url"],
        env=gh_env,
    )  # fmt: skip
    if found.returncode != 0:
        raise SystemExit(f"gh pr list failed: {found.stderr.strip()}")
    open_prs = json.loads(found.stdout or "[]")
    if open_prs:
        pr = open_prs[0]
        edited = _run(
            ["gh", "pr", "edit", str(pr["number"]), "--repo", repo, "--title", title,
             "--body-file", str(body)],
            env=gh_env,
        )  # fmt: skip
        if edited.returncode != 0:
            raise SystemExit(f"gh pr edit failed: {edited.stderr.strip()}")
        state |= {"pr": pr["url"], "updated": True}
    else:
        made = _run(
            ["gh", "pr", "create", "--repo", repo, "--base", state["base"], "--head", branch,
             "--title", title, "--body-file", str(body)],
            env=gh_env,
        )  # fmt: skip
        if made.returncode != 0:
            raise SystemExit(f"gh pr create failed: {made.stderr.strip()}")
        state |= {"pr": made.stdout.strip().splitlines()[-1], "updated": False}
    _save(state)
    return 0


# -- what people read -------------------------------------------------------------------


def fence(text: str, info: str = "text") -> str:
    """``text`` in a fenced code block that nothing in it can close (CommonMark: a closing
    fence is at least as long as the opening one)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text}\n{marks}"


def _own_token() -> bool:
    return os.environ.get("OWN_TOKEN") == "true"


def _pr_body(state: dict) -> str:
    parts = [
        f"Adds the short link requested in #{state['issue']}.",
        "",
        f"Closes #{state['issue']}",
        "",
        "The lines it adds (`shortlinks add`, from the request's answers):",
        "",
        fence(state["diff"], "diff"),
        "",
        "`shortlinks check` on this branch:",
        "",
        fence(state["check"]),
    ]
    if not _own_token():
        parts += [
            "",
            "This pull request was opened with the workflow's own token, so GitHub does not "
            "start the `check` workflow for it: close and reopen it to run the check, or set "
            "the `LINK_REQUEST_TOKEN` secret (docs/requesting-links.md).",
        ]
    return "\n".join(parts)[:MAX_COMMENT]


def comment_for(state: dict | None, run_url: str) -> str:
    """The comment on the issue for what the steps found."""
    if state is None:
        return f"The request could not be read. The run's log says why: {run_url}"
    status = state.get("status")
    if status == "refused":
        return (
            "Requests from this account are not turned into pull requests here (GitHub "
            f"names its role `{state.get('association')}`). A maintainer can add the link; "
            "see docs/requesting-links.md."
        )
    if status == "invalid":
        return "\n".join(
            [
                "The link was not added. What to fix:",
                "",
                fence(state.get("errors", "")),
                "",
                "Edit this issue (the '...' menu, 'Edit'): change the answer under its "
                "heading, keep the headings, and save. The request then runs again.",
            ]
        )[:MAX_COMMENT]
    if status == "ready" and state.get("pr"):
        verb = "updated" if state.get("updated") else "opened"
        lines = [
            f"Pull request {verb}: {state['pr']}",
            "",
            "It adds this short link (and records it in links.lock):",
            "",
            fence(state["short"]),
            "",
            "`shortlinks check` on it:",
            "",
            fence(state["check"]),
            "",
            "It goes live once the pull request is reviewed and merged.",
        ]
        if not _own_token():
            lines += [
                "",
                "The `check` workflow does not start by itself on a pull request this "
                "workflow opens: a maintainer closes and reopens it to run the check.",
            ]
        return "\n".join(lines)[:MAX_COMMENT]
    return (
        "The link was checked and committed, but the pull request could not be opened. "
        f"The run's log says why: {run_url}"
    )


def answer() -> int:
    """Comment on the issue with what the other steps found."""
    event = _event()
    number = event["issue"]["number"]
    repo = os.environ["GITHUB_REPOSITORY"]
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    run_url = f"{server}/{repo}/actions/runs/{os.environ.get('GITHUB_RUN_ID', '')}"
    body = Path(os.environ.get("RUNNER_TEMP", ".")) / "link-request-comment.md"
    body.write_text(comment_for(_load(), run_url), encoding="utf-8")
    run = _run(
        ["gh", "issue", "comment", str(int(number)), "--repo", repo, "--body-file", str(body)],
        env={**_env_for_tools(), "GH_TOKEN": os.environ.get("GH_TOKEN", "")},
    )
    if run.returncode != 0:
        raise SystemExit(f"gh issue comment failed: {run.stderr.strip()}")
    return 0


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("apply", "publish", "answer"))
    parser.add_argument("--file", default=LINKS_FILE)
    args = parser.parse_args(argv)
    if args.step == "apply":
        return apply(args.file)
    if args.step == "publish":
        return publish()
    return answer()


if __name__ == "__main__":
    sys.exit(main())
