"""The check workflow's steps, run here in order as GitHub would run them for a pull
request that adds one link, changes one and breaks one: exactly one annotation, on
the broken line, and a job summary listing exactly those changes. Then for pull
requests that move a published slug: blocked without 'repoint_from' (also when the
lock is edited by hand, and when the pull request edits the generator's lock check to
accept everything: the base branch's generator checks it), built and warned with it.
And for the first pull request, whose base has no generator yet.

Steps that use an action (checkout, upload) and the install step are left out: the
test runs in a clone of this repository with this checkout's .venv, which the README's
test command has installed already. The base branch's generator is installed by the
check step itself, as in CI (scripts/check-links.sh), from the clone's base commit.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

BASE = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/acme
  docs: https://docs.example.com
  shop: https://shop.example.com
"""
PR = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/acme-corp
  docs: https://docs.example.com
  shop: htps://shop.example.com
  new: https://new.example.com
"""


def condition(expr: str | None, failed: bool, event: str) -> bool:
    """The few `if:` expressions the workflows use, evaluated as GitHub does."""
    if expr is None:
        return not failed  # success()
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    result = True
    saw_status = False
    for part in (p.strip() for p in expr.split("&&")):
        if part in ("always()", "!cancelled()"):
            saw_status = True
        elif part == "success()":
            saw_status, result = True, result and not failed
        elif part == "failure()":
            saw_status, result = True, result and failed
        elif m := re.fullmatch(r"github\.event_name == '(\w+)'", part):
            result = result and event == m.group(1)
        else:
            raise AssertionError(f"the test does not know the condition {part!r}")
    return result and (saw_status or not failed)


Edit = Callable[[Path, Callable[..., None]], None]


def _run_check_job(
    tmp_path: Path,
    pr_links: str,
    relock: bool = False,
    pr_lock: str | None = None,
    base_edit: Edit | None = None,
    pr_edit: Edit | None = None,
    base_ref: str = "main",
    event: str = "pull_request",
) -> tuple[dict[str, subprocess.CompletedProcess[str]], str]:
    """The check job's steps for a pull request from BASE (locked on main) to ``pr_links``;
    ``relock``: the author ran 'shortlinks lock'; ``pr_lock``: or edited the lock by hand;
    ``base_edit``, ``pr_edit``: more changes to the base commit or the pull request, called
    with the clone and its ``git``; ``base_ref``: the base branch GitHub names; ``event``:
    or a push of the pull request's branch. The logs of the steps that ran (the links job's,
    then the site job's if the first passed), and the job summary."""
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=clone, check=True, capture_output=True)

    def shortlinks(*args: str) -> None:
        subprocess.run(  # as the steps run it
            [str(ROOT / ".venv/bin/shortlinks"), *args], cwd=clone, check=True, capture_output=True
        )

    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("checkout", "-q", "-b", "pr-base")
    (clone / "links.yaml").write_text(BASE)
    (clone / "links.lock").unlink(missing_ok=True)
    shortlinks("lock")
    if base_edit:
        base_edit(clone, git)
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")  # what checkout's fetch gives
    git("checkout", "-q", "-b", "pr")
    (clone / "links.yaml").write_text(pr_links)
    if relock:
        shortlinks("lock")
    if pr_lock is not None:
        (clone / "links.lock").write_text(pr_lock)
    if pr_edit:
        pr_edit(clone, git)
    git("add", "-A")
    git("commit", "-q", "-m", "the pull request")
    (clone / ".venv").symlink_to(ROOT / ".venv")

    summary, output = tmp_path / "summary.md", tmp_path / "output"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    summary.touch()
    output.touch()
    outside = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env = {
        **outside,
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(clone),
        "RUNNER_TEMP": str(runner_temp),
    }
    if event == "pull_request":
        env |= {"GITHUB_BASE_REF": base_ref, "GITHUB_HEAD_REF": "pr"}
    workflow = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())
    assert workflow["jobs"]["site"]["needs"] == "links"
    failed = False
    logs: dict[str, subprocess.CompletedProcess[str]] = {}
    for job in ("links", "site"):
        if failed:  # the site job needs the links job
            break
        for step in workflow["jobs"][job]["steps"]:
            if "run" not in step or step.get("name") == "Install":
                continue
            if not condition(step.get("if"), failed, event):
                continue
            run = subprocess.run(
                ["bash", "-e", "-c", step["run"]],
                cwd=clone, env=env, capture_output=True, text=True,
            )  # fmt: skip
            logs[step["name"]] = run
            failed = failed or run.returncode != 0
    return logs, summary.read_text()


CHECK = "Check links.yaml (problems are annotated on their lines)"


def _annotations(logs: dict[str, subprocess.CompletedProcess[str]]) -> list[str]:
    """The problems annotated (not the log's groups)."""
    found = logs[CHECK].stdout.splitlines()
    return [line for line in found if line.startswith(("::error", "::warning", "::notice"))]


def test_a_pull_request_gets_one_annotation_and_an_exact_summary(tmp_path: Path) -> None:
    logs, text = _run_check_job(tmp_path, PR)
    annotations = _annotations(logs)
    assert len(annotations) == 1, logs[CHECK].stdout
    assert annotations[0].startswith("::error file=links.yaml,line=6,"), annotations[0]
    assert "Build the site" not in logs  # a broken pull request is not built

    assert "1 added, 1 changed, 0 removed, 1 with a mistake" in text
    assert "| `new` | https://new.example.com/ |" in text  # the normal form (urls.py)
    assert "| `gh` | target | https://github.com/acme | https://github.com/acme-corp |" in text
    assert "- line 6:" in text  # the mistake, named in the summary too
    assert "#### With a mistake (not built until fixed)\n\n- `shop`" in text
    assert "`docs`" not in text and "#### Removed" not in text  # unchanged; nothing removed


MOVED = PR.replace("htps://shop", "https://shop")


def test_a_pull_request_that_repoints_a_published_slug_is_blocked(tmp_path: Path) -> None:
    """'gh' is moved and 'new' added, the lock left alone: the move annotated (the new
    link needs no line), nothing built."""
    logs, _text = _run_check_job(tmp_path, MOVED)
    annotations = _annotations(logs)
    assert len(annotations) == 1, logs[CHECK].stdout
    assert annotations[0].startswith("::error file=links.yaml,line=4,"), annotations
    assert "was published pointing to https://github.com/acme" in annotations[0]
    assert "Build the site" not in logs


def _published_unlocked(clone: Path, _git: Callable[..., None]) -> None:
    """The base publishes 'blog', added after its lock was written (one file changed)."""
    (clone / "links.yaml").write_text(BASE + "  blog: https://blog.example.com/\n")


def test_a_pull_request_that_only_adds_links_passes_with_the_lock_untouched(
    tmp_path: Path,
) -> None:
    """As a fork's pull request runs: the check job has a read-only token and no secret,
    and the pull request changes links.yaml alone."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["links"]
    assert "secrets." not in (ROOT / ".github/workflows/check.yml").read_text()
    added = BASE + "  blog: https://blog.example.com/\n  new: https://new.example.com/\n"
    lock_changed: list[str] = []

    def unchanged(clone: Path, git: Callable[..., None]) -> None:
        run = subprocess.run(["git", "diff", "--name-only", "pr-base"], cwd=clone,
                             capture_output=True, text=True, check=True)  # fmt: skip
        lock_changed.extend(run.stdout.split())

    logs, text = _run_check_job(tmp_path, added, base_edit=_published_unlocked, pr_edit=unchanged)
    assert lock_changed == ["links.yaml"]
    assert logs[CHECK].returncode == 0, logs[CHECK].stdout + logs[CHECK].stderr
    assert _annotations(logs) == []
    assert logs["Build the site"].returncode == 0
    assert "| `new` | https://new.example.com/ |" in text


def test_a_pull_request_moving_a_published_link_the_lock_never_recorded_is_blocked(
    tmp_path: Path,
) -> None:
    moved = BASE + "  blog: https://evil.example.net/\n"
    logs, _text = _run_check_job(tmp_path, moved, base_edit=_published_unlocked)
    annotations = _annotations(logs)
    assert len(annotations) == 1, logs[CHECK].stdout
    assert annotations[0].startswith("::error file=links.yaml,line=7,"), annotations
    assert "'blog' was published pointing to https://blog.example.com/" in annotations[0]
    assert "Build the site" not in logs


def test_a_hand_edited_lock_does_not_get_a_repoint_past_the_check(tmp_path: Path) -> None:
    """The lock rewritten along with the target: against main's lock it is refused."""
    forged = "gh https://github.com/acme-corp\nnew https://new.example.com/\n"
    forged += "docs https://docs.example.com/\nshop https://shop.example.com/\n"
    logs, _text = _run_check_job(tmp_path, MOVED, pr_lock=forged)
    annotations = _annotations(logs)
    assert len(annotations) == 1, logs[CHECK].stdout
    assert "lost or changed the line 'gh https://github.com/acme'" in annotations[0]
    assert "Build the site" not in logs


# What a pull request could do to its own generator: the lock's checks pass everything.
ACCEPT_EVERYTHING = """

def check(*args, **kwargs):  # every published slug may move
    return []


def since(*args, **kwargs):  # and the lock may lose any line of the base's
    return []
"""


# And what it could add at its top: Python's `-m venv` and `-m pip` look in the current
# folder first, so these would install a "checker" that passes everything.
FAKE_VENV = """\
import os, sys
for name in ("python", "shortlinks"):
    os.makedirs(os.path.join(sys.argv[-1], "bin"), exist_ok=True)
    path = os.path.join(sys.argv[-1], "bin", name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\\nexit 0\\n")
    os.chmod(path, 0o755)
"""


def _accept_everything(clone: Path, git: Callable[..., None]) -> None:
    with (clone / "generator" / "lock.py").open("a") as f:
        f.write(ACCEPT_EVERYTHING)
    for module in ("venv", "pip"):
        (clone / module).mkdir()
        (clone / module / "__init__.py").write_text("")
        (clone / module / "__main__.py").write_text(FAKE_VENV if module == "venv" else "")


def test_a_pull_request_that_disables_the_lock_check_is_refused_by_the_base(
    tmp_path: Path,
) -> None:
    """The pull request edits generator/lock.py to accept everything (and adds venv/ and
    pip/ folders that would fake the checker's install), moves 'gh' and rewrites the lock
    to match: its own generator passes it, the base's refuses it."""
    forged = "gh https://github.com/acme-corp\nnew https://new.example.com/\n"
    forged += "docs https://docs.example.com/\nshop https://shop.example.com/\n"
    logs, text = _run_check_job(tmp_path, MOVED, pr_lock=forged, pr_edit=_accept_everything)
    clone = tmp_path / "repo"
    own = subprocess.run(  # the pull request's generator (python -m imports ./generator)
        [str(ROOT / ".venv/bin/python"), "-m", "generator", "check", "--base", "origin/main"],
        cwd=clone, env={**os.environ, "PYTHONPATH": str(clone)}, capture_output=True, text=True,
    )  # fmt: skip
    assert own.returncode == 0, own.stdout + own.stderr  # the edit does switch the check off
    assert own.stdout == "links.yaml: 4 links, no problems\n"
    fake = tmp_path / "fake"  # and the folders do fake an install, for a plain `python -m`
    subprocess.run(["python3", "-m", "venv", str(fake)], cwd=clone, check=True)
    assert (fake / "bin" / "shortlinks").read_text() == "#!/bin/sh\nexit 0\n"

    assert logs[CHECK].returncode == 1, logs[CHECK].stdout + logs[CHECK].stderr
    annotations = _annotations(logs)
    assert annotations == [a for a in annotations if a.startswith("::error ")]
    assert len(annotations) == 1, logs[CHECK].stdout
    assert "lost or changed the line 'gh https://github.com/acme'" in annotations[0]
    assert "Build the site" not in logs
    # the summary is the base's too: the move is listed
    assert "| `gh` | target | https://github.com/acme | https://github.com/acme-corp |" in text


def _no_generator(clone: Path, git: Callable[..., None]) -> None:
    git("rm", "-q", "-r", "generator", "pyproject.toml")


def _no_generator_nor_lock(clone: Path, git: Callable[..., None]) -> None:
    _no_generator(clone, git)
    (clone / "links.lock").unlink()


def _add_the_generator(clone: Path, git: Callable[..., None]) -> None:
    git("checkout", "-q", "main-before", "--", "generator", "pyproject.toml")


def _add_the_generator_and_lock(clone: Path, git: Callable[..., None]) -> None:
    _add_the_generator(clone, git)
    subprocess.run(  # the author locks the links they publish
        [str(ROOT / ".venv/bin/shortlinks"), "lock"], cwd=clone, check=True, capture_output=True
    )


def test_the_first_pull_request_is_checked_by_its_own_generator_with_a_warning(
    tmp_path: Path,
) -> None:
    """The base has no generator and no lock (nothing published): the pull request that
    brings them is checked by its own, and the log says so."""

    def base(clone: Path, git: Callable[..., None]) -> None:
        git("branch", "main-before", "HEAD")
        _no_generator_nor_lock(clone, git)

    fixed = PR.replace("htps://shop", "https://shop")
    logs, text = _run_check_job(
        tmp_path, fixed, base_edit=base, pr_edit=_add_the_generator_and_lock
    )
    run = logs[CHECK]
    assert run.returncode == 0, run.stdout + run.stderr
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning::")]
    assert warnings == [
        "::warning::origin/main has no generator yet: this pull request is checked by its own,"
        " which it could have changed. Review generator/, scripts/ and .github/ before merging."
    ]
    assert "Install shortlinks from HEAD (the checker)" in run.stdout  # its own
    assert logs["Build the site"].returncode == 0
    assert "| `new` | https://new.example.com/ |" in text


def test_a_base_with_published_links_and_no_generator_fails_closed(tmp_path: Path) -> None:
    def base(clone: Path, git: Callable[..., None]) -> None:
        git("branch", "main-before", "HEAD")
        _no_generator(clone, git)

    logs, text = _run_check_job(tmp_path, MOVED, base_edit=base, pr_edit=_add_the_generator)
    run = logs[CHECK]
    assert run.returncode == 1
    assert run.stdout == (
        "::error::origin/main has links.lock (published links) but no generator to check them"
        " with; restore generator/ and pyproject.toml on origin/main first\n"
    )
    assert "Build the site" not in logs
    assert text == ""


def test_a_base_whose_generator_does_not_install_fails_closed(tmp_path: Path) -> None:
    def base(clone: Path, git: Callable[..., None]) -> None:
        with (clone / "pyproject.toml").open("a") as f:
            f.write("[project\n")  # not TOML: pip cannot build it

    logs, text = _run_check_job(tmp_path, MOVED, base_edit=base)
    run = logs[CHECK]
    assert run.returncode == 1
    assert run.stdout.endswith(
        "::endgroup::\n::error::the shortlinks of origin/main does not install,"
        " so nothing checks links.yaml\n"
    ), run.stdout
    assert "Build the site" not in logs
    assert text == ""


def test_a_pull_request_whose_base_is_not_fetched_fails_closed(tmp_path: Path) -> None:
    logs, _text = _run_check_job(tmp_path, MOVED, base_ref="release")
    assert logs[CHECK].returncode == 1
    assert logs[CHECK].stdout == (
        "::error::the base branch origin/release is not in this checkout:"
        " actions/checkout needs fetch-depth: 0\n"
    )
    assert "Build the site" not in logs


def test_no_code_of_the_pull_request_runs_in_the_job_that_checks_it() -> None:
    """Code run before the check could move the base ref or replace a program (the job has
    sudo): the links job only checks out and runs the check, and the site is built apart."""
    jobs = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())["jobs"]
    steps = jobs["links"]["steps"]
    assert [s.get("uses", "").split("@")[0] for s in steps] == ["actions/checkout", ""]
    assert steps[0]["with"] == {"persist-credentials": False, "fetch-depth": 0}
    assert (steps[1]["name"], steps[1]["run"]) == (CHECK, "bash scripts/check-links.sh links.yaml")
    assert [s.get("name") for s in jobs["site"]["steps"][1:3]] == ["Install", "Build the site"]


def test_a_push_is_checked_by_its_own_committed_shortlinks(tmp_path: Path) -> None:
    logs, text = _run_check_job(tmp_path, MOVED, event="push")
    run = logs[CHECK]
    assert run.returncode == 1
    assert "Install shortlinks from HEAD (the checker)" in run.stdout
    annotations = _annotations(logs)
    assert len(annotations) == 1, run.stdout  # 'gh' moved ('new' needs no line): as on the PR
    assert "was published pointing to https://github.com/acme" in annotations[0]
    assert text == ""  # no summary on a push
    assert "Build the site" not in logs


def test_a_pull_request_with_the_override_is_built_and_warned(tmp_path: Path) -> None:
    moved = MOVED.replace(
        "  gh: https://github.com/acme-corp\n",
        "  gh:\n    url: https://github.com/acme-corp\n    repoint_from: https://github.com/acme\n",
    )
    logs, _text = _run_check_job(tmp_path, moved, relock=True)
    annotations = _annotations(logs)
    assert len(annotations) == 1, logs[CHECK].stdout
    assert annotations[0].startswith("::warning file=links.yaml,line=5,"), annotations
    assert (
        "'gh' was moved from https://github.com/acme to https://github.com/acme-corp"
        in (annotations[0])
    )
    assert logs["Build the site"].returncode == 0, logs["Build the site"].stderr


TWO_DOMAINS = """\
site:
  domains:
    - go.example.com
    - domain: sale.example.cn
      home: https://shop.example.cn
links:
  gh: https://github.com/acme
  sale: https://shop.example.com/sale
  sale@sale.example.cn: https://shop.example.cn/sale
"""


def _deploy_step(job: str) -> dict:
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    return next(s for s in workflow["jobs"][job]["steps"] if s.get("name", "").startswith("Deploy"))


@pytest.mark.parametrize("job", ["netlify", "cloudflare"])
@pytest.mark.parametrize("reordered", [False, True])
def test_publish_deploys_each_domain_folder_to_its_own_site(
    tmp_path: Path, job: str, reordered: bool
) -> None:
    """With site.domains the publish workflow deploys every domain's folder to the site its
    secrets name for that domain, whatever the order of the list; a domain with none is
    skipped and said; a one-site secret that names no domain deploys nothing. The deploy
    tool is replaced by a recorder."""
    links = TWO_DOMAINS
    if reordered:
        cn = "    - domain: sale.example.cn\n      home: https://shop.example.cn\n"
        links = links.replace("    - go.example.com\n" + cn, cn + "    - go.example.com\n")
        # the link that names no domain stays where it was published
        links = links.replace("  sale: https", "  sale@go.example.com: https")
        assert links.count("@go.example.com") == 1
    (tmp_path / "links.yaml").write_text(links)
    built = subprocess.run(
        [str(ROOT / ".venv/bin/shortlinks"), "build", "links.yaml", "-o", "_site", "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "_site/go.example.com/CNAME").read_text().strip() == "go.example.com"
    assert (tmp_path / "_site/sale.example.cn/CNAME").read_text().strip() == "sale.example.cn"

    step = _deploy_step(job)
    log = tmp_path / "deploys.log"
    run = step["run"].replace("scripts/", f"{ROOT}/scripts/")
    tool = "npx --yes netlify-cli@" if job == "netlify" else "npx --yes wrangler@"
    assert tool in run
    recorder = tmp_path / "bin"
    recorder.mkdir()
    (recorder / "npx").write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    (recorder / "npx").chmod(0o755)
    one, many = ("NETLIFY_SITE_ID", "NETLIFY_SITE_IDS") if job == "netlify" else (
        "PROJECT", "PROJECTS")  # fmt: skip
    env = {**os.environ, "PATH": f"{recorder}:{os.environ['PATH']}",
           one: "go.example.com main-site",
           many: "sale.example.cn cn-site\nold.example.com old-site"}  # fmt: skip

    def deploy() -> tuple[subprocess.CompletedProcess[str], list[str]]:
        log.unlink(missing_ok=True)
        done = subprocess.run(
            ["bash", "-e", "-c", run], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        return done, log.read_text().splitlines() if log.exists() else []

    done, lines = deploy()
    assert done.returncode == 0, done.stderr
    sites = {("_site/go.example.com", "main-site"), ("_site/sale.example.cn", "cn-site")}
    assert len(lines) == 2
    for folder, site in sites:
        assert sum(folder in line and site in line for line in lines) == 1, lines
    assert "deployed 2 folder(s)" in done.stdout

    # no site for the second domain: it is skipped, with a notice; the default still deploys
    env[many] = ""
    done, lines = deploy()
    assert done.returncode == 0, done.stderr
    assert len(lines) == 1 and "_site/go.example.com" in lines[0] and "main-site" in lines[0]
    assert "::notice::no deploy target for sale.example.cn" in done.stdout

    # a bare one-site secret does not say which domain it serves: nothing is deployed
    env[one], env[many] = "main-site", "sale.example.cn cn-site"
    done, lines = deploy()
    assert done.returncode == 1
    assert lines == []
    assert "does not say which domain its site serves" in done.stdout
