"""links.lock: a published slug never silently points somewhere else.

Every way of moving a slug is tried (editing its target, removing it and reusing it, a
letter-case or full-width twin, an alias, hand-editing the lock in the pull request,
deleting the lock), each refused with a position and a way out; and the one explicit
override, ``repoint_from``, is shown to work and to stay visible.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from tests.conftest import NOW, ROOT

LINKS = """\
site:
  domain: go.example.com

links:
  gh: https://github.com/example
  shop:
    url: https://shop.example.com/
    aliases: [store]
  docs: https://docs.example.com/
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with links.yaml and its freshly written links.lock."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = CliRunner().invoke(main, ["lock"])
    assert result.exit_code == 0, result.output
    assert "recorded 4 new slug(s)" in result.output
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _edit(repo: Path, old: str, new: str) -> None:
    path = repo / "links.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow
def test_the_bundled_lock_records_every_slug_of_the_bundled_links() -> None:
    run = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "generator", "lock", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "up to date" in run.stdout


def test_the_lock_is_grouped_by_slug_one_readable_line_each(repo: Path) -> None:
    lines = [
        line
        for line in (repo / "links.lock").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert lines == [
        "docs https://docs.example.com/",
        "gh https://github.com/example",
        "shop https://shop.example.com/",
        "store https://shop.example.com/",
    ]


def test_a_new_target_for_a_published_slug_is_refused_with_its_way_out(repo: Path) -> None:
    _edit(repo, "gh: https://github.com/example", "gh: https://evil.example.net/")
    lock_before = (repo / "links.lock").read_bytes()
    code, out = _run("check")
    assert code == 1
    assert (
        "links.yaml:5:7: error: 'gh' was published pointing to https://github.com/example "
        "(links.lock:7)" in out
    )
    assert "add 'repoint_from: https://github.com/example' to the link" in out
    code, out = _run("lock")  # the lock will not record it either
    assert code == 1 and "links.lock was not written" in out
    assert (repo / "links.lock").read_bytes() == lock_before
    code, out = _run("build", "-o", "_site")  # nor will a build publish it
    assert code == 1 and not (repo / "_site").exists()


def test_an_alias_is_locked_like_a_slug(repo: Path) -> None:
    _edit(repo, "url: https://shop.example.com/", "url: https://shop.example.com/new")
    code, out = _run("check")
    assert code == 1
    assert "'shop' was published pointing to https://shop.example.com/" in out
    assert "'store' was published pointing to https://shop.example.com/" in out


@pytest.mark.parametrize("twin", ["GH", "ｇｈ"], ids=["letter-case", "full-width"])
def test_a_removed_slug_cannot_come_back_elsewhere_even_as_its_twin(repo: Path, twin: str) -> None:
    """The 404 page's finder sends '/GH' and '/ｇｈ' to 'gh': a twin is the same slug."""
    _edit(repo, "  gh: https://github.com/example\n", f"  {twin}: https://evil.example.net/\n")
    code, out = _run("check")
    assert code == 1
    assert f"{twin!r} was published pointing to https://github.com/example" in out


def test_a_removed_slug_may_come_back_to_its_own_target(repo: Path) -> None:
    _edit(repo, "  gh: https://github.com/example\n", "")
    assert _run("check")[0] == 0  # removing a link keeps its lock line: it stays reserved
    assert "gh https://github.com/example" in (repo / "links.lock").read_text(encoding="utf-8")
    _edit(repo, "  docs:", "  gh: https://github.com/example\n  docs:")
    assert _run("check")[0] == 0


def test_repoint_from_moves_a_slug_deliberately_and_visibly(repo: Path) -> None:
    _edit(
        repo,
        "gh: https://github.com/example",
        "gh:\n    url: https://github.com/example-org\n"
        "    repoint_from: https://github.com/example",
    )
    code, out = _run("check")  # not recorded yet: the PR must carry the lock's new line
    assert code == 1 and "and links.lock does not record it yet" in out
    code, out = _run("lock")
    assert code == 0 and "1 moved (gh)" in out
    text = (repo / "links.lock").read_text(encoding="utf-8")
    assert "gh https://github.com/example\ngh https://github.com/example-org\n" in text
    code, out = _run("check")  # fine, and said out loud
    assert code == 0
    assert (
        "warning: 'gh' was moved from https://github.com/example to "
        "https://github.com/example-org (repoint_from)" in out
    )
    # the override moves it once: a further move needs a new one
    _edit(repo, "url: https://github.com/example-org", "url: https://evil.example.net/")
    code, out = _run("check")
    assert code == 1 and "was published pointing to https://github.com/example-org" in out


def test_a_new_slug_needs_no_lock_line_and_may_still_be_recorded(repo: Path) -> None:
    """A new link is one file changed: nothing has published it, and once the base branch
    does, a pull request's check holds it there (tests/test_lock_derived.py)."""
    lock_before = (repo / "links.lock").read_bytes()
    _edit(repo, "  docs:", "  new: https://new.example.com/\n  docs:")
    assert _run("check") == (0, "links.yaml: 4 links, no problems\n")
    code, out = _run("lock", "--check")  # nothing wrong: it writes nothing and says so
    assert (code, out) == (
        0,
        "links.lock: no move to record (1 new slug(s) not recorded, which none needs)\n",
    )
    assert (repo / "links.lock").read_bytes() == lock_before
    assert _run("build", "-o", "_site")[0] == 0 and (repo / "_site" / "new.html").is_file()
    assert _run("lock") == (0, "links.lock: recorded 1 new slug(s)\n")  # as before: allowed
    assert _run("check")[0] == 0


def test_a_malformed_lock_line_is_placed_in_the_lock(repo: Path) -> None:
    with open(repo / "links.lock", "a", encoding="utf-8") as f:
        f.write("broken line with spaces\n")
    code, out = _run("check")
    assert code == 1 and "links.lock:10:1: error: a lock line is 'name target'" in out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def pr(repo: Path) -> Path:
    """A git repository whose main branch has the lock; the work tree is the PR."""
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    return repo


def test_a_pr_that_rewrites_the_lock_by_hand_is_refused_against_its_base(pr: Path) -> None:
    """Editing links.lock along with links.yaml would get past 'check' alone: against the
    base branch, a lock only grows, and a new target needs 'repoint_from'."""
    _edit(pr, "gh: https://github.com/example", "gh: https://evil.example.net/")
    lock = pr / "links.lock"
    lock.write_text(
        lock.read_text(encoding="utf-8").replace(
            "gh https://github.com/example\n",
            "gh https://github.com/example\ngh https://evil.example.net/\n",
        ),
        encoding="utf-8",
    )
    assert _run("check")[0] == 0  # consistent in itself...
    code, out = _run("check", "--base", "main")  # ...but not a lawful change of main's
    assert code == 1
    assert (
        "links.yaml:5:7: error: 'gh' is repointed in links.lock from https://github.com/example "
        "to https://evil.example.net/ without 'repoint_from'" in out
    )


def test_a_pr_that_drops_lock_lines_or_the_lock_is_refused(pr: Path) -> None:
    lock = pr / "links.lock"
    _edit(pr, "  gh: https://github.com/example\n", "  gh: https://evil.example.net/\n")
    lock.write_text(
        lock.read_text(encoding="utf-8").replace(
            "gh https://github.com/example\n", "gh https://evil.example.net/\n"
        ),
        encoding="utf-8",
    )
    code, out = _run("check", "--base", "main")
    assert code == 1 and "lost or changed the line 'gh https://github.com/example'" in out
    lock.unlink()
    code, out = _run("check", "--base", "main")
    assert code == 1 and "lost or changed the line 'gh https://github.com/example'" in out


def test_a_pr_with_the_override_passes_against_its_base(pr: Path) -> None:
    _edit(
        pr,
        "gh: https://github.com/example",
        "gh:\n    url: https://github.com/example-org\n"
        "    repoint_from: https://github.com/example",
    )
    assert _run("lock")[0] == 0
    code, out = _run("check", "--base", "main")
    assert code == 0 and "warning: 'gh' was moved" in out
    code, out = _run("check", "--base", "no-such-ref")
    assert code == 2 and "neither a file nor a git ref" in out


def test_add_never_reuses_a_published_slug_and_changes_only_links_yaml(repo: Path) -> None:
    _edit(repo, "  docs: https://docs.example.com/\n", "")
    lock_before = (repo / "links.lock").read_bytes()
    code, out = _run("add", "https://other.example.com/", "--slug", "DOCS")
    assert code == 1 and "was published before (links.lock)" in out
    code, out = _run("add", "https://other.example.com/", "--slug", "fresh")
    assert code == 0, out
    assert (repo / "links.lock").read_bytes() == lock_before  # a new link needs no line
    assert _run("check")[0] == 0


def test_import_refuses_published_slugs(repo: Path) -> None:
    _edit(repo, "  docs: https://docs.example.com/\n", "")
    (repo / "in.csv").write_text(
        "slug,url\ndocs,https://elsewhere.example.com/\nnew,https://new.example.com/\n",
        encoding="utf-8",
    )
    code, out = _run("import", "in.csv")
    assert code == 1, out
    assert (
        "in.csv:2:1: error: row 2, column A (slug): 'docs' was published before (links.lock) "
        "and may still be in people's hands (import-slug-published)\n"
    ) in out
    lock_before = (repo / "links.lock").read_bytes()
    code, out = _run("import", "in.csv", "--skip-bad")
    assert code == 0, out
    assert (repo / "links.lock").read_bytes() == lock_before  # a new link needs no line
    assert _run("check")[0] == 0


def test_without_a_lock_nothing_is_enforced(tmp_path: Path) -> None:
    """A links file with no lock beside it builds as before (the lock is opt-in by its
    file: 'shortlinks lock' writes it, and the template repository ships one)."""
    shutil.copy(ROOT / "links.yaml", tmp_path / "links.yaml")
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert result.written and not [p for p in result.problems if "lock" in p.message]


def test_a_lock_line_in_an_older_normal_form_is_the_same_target(repo: Path) -> None:
    """A newer generator may write a URL's normal form differently (an empty path became
    '/'): an unchanged link is not a moved one."""
    lock = repo / "links.lock"
    text = lock.read_text(encoding="utf-8").replace(
        "shop https://shop.example.com/\n", "shop https://shop.example.com\n"
    )
    lock.write_text(text, encoding="utf-8")
    code, out = _run("check")
    assert code == 0, out
    assert _run("lock")[0] == 0 and lock.read_text(encoding="utf-8") == text  # nothing to add


def test_a_slug_the_404_finder_would_confuse_with_a_published_one_is_refused(
    repo: Path,
) -> None:
    """With 'gh' gone, the 404 page sends '/gh' to 'gh.' (trailing punctuation dropped, as
    chat apps add it): 'gh.' must not take over what 'gh' was published as."""
    _edit(repo, "  gh: https://github.com/example\n", "  gh.: https://evil.example.net/\n")
    code, out = _run("check")
    assert code == 1 and "'gh.' was published pointing to https://github.com/example" in out
    code, out = _run("lock")
    assert code == 1 and "links.lock was not written" in out


def test_a_lock_line_hiding_a_second_one_behind_a_line_separator_is_refused(
    repo: Path,
) -> None:
    lock = repo / "links.lock"
    lock.write_text(
        lock.read_text(encoding="utf-8") + "x https://a.example/\u2028x https://b.example/\n",
        encoding="utf-8",
    )
    code, out = _run("check")
    assert code == 1 and "a lock line is 'name target'" in out


def test_a_file_named_like_the_base_branch_does_not_stand_in_for_it(pr: Path) -> None:
    """A pull request could add a file 'main' (or 'origin/main') with a lock of its own:
    the git ref is read first."""
    _edit(pr, "gh: https://github.com/example", "gh: https://evil.example.net/")
    lock = pr / "links.lock"
    lock.write_text(
        lock.read_text(encoding="utf-8").replace(
            "gh https://github.com/example\n", "gh https://evil.example.net/\n"
        ),
        encoding="utf-8",
    )
    (pr / "main").write_text("# nothing locked here\n", encoding="utf-8")
    code, out = _run("check", "--base", "main")
    assert code == 1 and "lost or changed the line 'gh https://github.com/example'" in out


def test_one_move_a_pull_request_to_where_links_yaml_says(pr: Path) -> None:
    """A lock given two new lines for one slug (a fake history) is refused even with the
    override: one move, to the target links.yaml declares."""
    _edit(
        pr,
        "gh: https://github.com/example",
        "gh:\n    url: https://github.com/example-org\n"
        "    repoint_from: https://github.com/example",
    )
    lock = pr / "links.lock"
    lock.write_text(
        lock.read_text(encoding="utf-8").replace(
            "gh https://github.com/example\n",
            "gh https://github.com/example\ngh https://evil.example.net/\n"
            "gh https://github.com/example-org\n",
        ),
        encoding="utf-8",
    )
    code, out = _run("check", "--base", "main")
    assert code == 1 and "'gh' gets 2 new line(s) in links.lock" in out


# -- a lock that is not a text file: read as carefully as links.yaml ----------------------

TIMEOUT = 120  # seconds a command may take: a guard against one that waits for ever
MEMORY = 2 << 30  # RLIMIT_AS of each command: a guard against one that reads for ever


def _guard() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _command(repo: Path, *args: str) -> tuple[int, str]:
    """``python -m generator ARGS`` in ``repo``, bounded, as a user runs it."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(NO_COLOR="1", PYTHONPATH=str(ROOT))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_guard,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} ran past {TIMEOUT} s: it waited on the lock")
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
    return run.returncode, run.stdout + run.stderr


def _fifo(lock: Path) -> None:
    import os

    os.mkfifo(lock)


def _link_to_fifo(lock: Path) -> None:
    import os

    os.mkfifo(lock.parent / "pipe")
    lock.symlink_to(lock.parent / "pipe")


def _too_large(lock: Path) -> None:
    from generator.load import MAX_FILE_BYTES

    with open(lock, "wb") as f:  # sparse: a gigabyte that takes no room, and is never read
        f.truncate(MAX_FILE_BYTES + 1)


NOT_A_FILE = "it is not a regular file (a device, a pipe, a folder, or a link to one)"
HOSTILE_LOCKS = {
    "a FIFO": (_fifo, NOT_A_FILE),
    "a link to a FIFO": (_link_to_fifo, NOT_A_FILE),
    "a link to a device": (lambda lock: lock.symlink_to("/dev/zero"), NOT_A_FILE),
    "a folder": (lambda lock: lock.mkdir(), NOT_A_FILE),
    "over the size limit": (_too_large, "it is larger than 1024 MiB"),
    "a link to nothing": (
        lambda lock: lock.symlink_to(lock.parent / "gone"),
        "it is a link to nothing",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(("make", "said"), HOSTILE_LOCKS.values(), ids=HOSTILE_LOCKS.keys())
def test_a_lock_that_is_not_a_text_file_is_refused_and_never_waited_on(
    tmp_path: Path, make: object, said: str
) -> None:
    """Committed as a link to a device or a FIFO, or too large to read, links.lock gives
    an error and exit 1 from every command, at once, and is left as it was."""
    import os

    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    lock = tmp_path / "links.lock"
    make(lock)  # type: ignore[operator]
    before = os.lstat(lock)
    (tmp_path / "base.lock").write_text("gh https://github.com/example\n", encoding="utf-8")
    for args in (("check",), ("check", "--base", "base.lock"), ("lock",)):
        code, out = _command(tmp_path, *args)
        assert code == 1, out
        assert f"links.lock:1:1: error: {said}" in out, out
        assert out.count(": error: ") == 1, out  # its own, not one a slug for lines unread
    code, out = _command(tmp_path, "build", "-o", "_site", "--now", "2026-11-25T12:00:00Z")
    assert code == 1 and f"links.lock:1:1: error: {said}" in out, out
    assert not (tmp_path / "_site").exists()
    after = os.lstat(lock)
    assert (after.st_mode, after.st_ino, after.st_size) == (
        before.st_mode,
        before.st_ino,
        before.st_size,
    )


def test_a_lock_with_invalid_utf8_is_placed_and_never_rewritten(repo: Path) -> None:
    lock = repo / "links.lock"
    broken = lock.read_bytes() + b"new https://n.example/\xff\n"
    lock.write_bytes(broken)
    code, out = _run("check")
    assert code == 1 and "links.lock:10:23: error: invalid UTF-8 byte 0xff" in out, out
    code, out = _run("add", "https://other.example.com/", "--slug", "fresh")
    assert code == 1 and "invalid UTF-8 byte 0xff" in out, out
    assert lock.read_bytes() == broken  # neither 'lock' nor 'add' wrote over what it cannot read


@pytest.mark.slow
def test_a_fifo_put_in_place_of_the_lock_after_it_was_looked_at_is_refused(
    tmp_path: Path,
) -> None:
    """Between the first look (a regular file) and the opening, the lock becomes a FIFO:
    it is opened without waiting, looked at again, and refused."""
    import os
    import sys

    program = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from generator import load\n"
        "pipe, regular = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "looked = Path.stat\n"
        "Path.stat = lambda p, **k: looked(regular) if p == pipe else looked(p, **k)\n"
        "try:\n"
        "    load.read_bytes(pipe, pipes=False)\n"
        "except load.NotAFile:\n"
        "    print('refused')\n"
    )
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "regular").write_text("gh https://github.com/example\n")
    try:
        run = subprocess.run(
            [sys.executable, "-c", program, str(tmp_path / "pipe"), str(tmp_path / "regular")],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("opening the FIFO waited for a writer")
    assert (run.returncode, run.stdout) == (0, "refused\n"), run.stderr


@pytest.mark.parametrize(
    ("aliases", "at"),
    [
        ("aliases: [store,  outlet]", [(8, 15), (8, 23)]),
        ("aliases:\n      - store\n      - outlet", [(9, 9), (10, 9)]),
    ],
    ids=["flow-list", "block-list"],
)
def test_a_moved_alias_is_placed_at_the_alias_itself(
    repo: Path, aliases: str, at: list[tuple[int, int]]
) -> None:
    """Each alias at its own item: an alias in a flow list was placed at its '['."""
    _edit(repo, "aliases: [store]", aliases)
    assert _run("lock")[0] == 0
    _edit(repo, "url: https://shop.example.com/", "url: https://shop.example.com/new")
    code, out = _run("check")
    assert code == 1
    for (line, col), alias in zip(at, ["store", "outlet"], strict=True):
        assert f"links.yaml:{line}:{col}: error: {alias!r} was published pointing" in out


def test_a_moved_device_target_is_placed_at_its_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "links.yaml").write_text(
        LINKS.replace(
            "aliases: [store]", "aliases: [store]\n    devices: {ios: https://a.example/1}"
        )
    )
    assert _run("lock")[0] == 0
    _edit(tmp_path, "https://a.example/1", "https://a.example/2")
    code, out = _run("check")
    assert code == 1
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[0] for e in errors] == ["links.yaml:9:20", "links.yaml:9:20"]
    assert "'shop:ios' was published pointing to https://a.example/1" in errors[0]
    assert "'store:ios' was published pointing to https://a.example/1" in errors[1]


def test_a_lost_or_changed_lock_line_is_placed_where_it_was(pr: Path) -> None:
    """Not at links.lock:1:1: a changed line at the head's line that took its place, a
    lost one at the line it had, which the message names as the base's."""
    lock = pr / "links.lock"
    text = lock.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("gh https://github.com/example") + 1
    moved = text.replace("gh https://github.com/example\n", "gh https://evil.example/\n")
    lock.write_text("# a comment moves the lines down one\n" + moved)
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert (
        f"links.lock:{at + 1}:1: error: links.lock lost or changed the line 'gh "
        f"https://github.com/example' of main (its line {at})" in out
    ), out
    lock.write_text(text.replace("gh https://github.com/example\n", ""))
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert (
        f"links.lock:{at}:1: error: links.lock lost or changed the line 'gh "
        f"https://github.com/example' of main (its line {at})" in out
    ), out


def test_import_refuses_a_slug_the_lock_reads_as_one_of_the_files(repo: Path) -> None:
    """'gh.' has another collision key than 'gh' of links.yaml, but links.lock (and the
    404 page's finder) read it as 'gh': import refuses it, rather than leave it to check."""
    (repo / "in.csv").write_text("slug,url\ngh.,https://elsewhere.example.com/\n", "utf-8")
    before = (repo / "links.yaml").read_text(encoding="utf-8")
    code, out = _run("import", "in.csv")
    assert code == 1, out
    assert (
        "in.csv:2:1: error: row 2, column A (slug): 'gh.' is one name with a slug of "
        "links.yaml to links.lock and the 404 page (letter case, width and trailing "
        "punctuation aside) (import-slug-locked)\n"
    ) in out, out
    assert (repo / "links.yaml").read_text(encoding="utf-8") == before


def test_relock_records_new_slugs_then_is_up_to_date(repo: Path) -> None:
    from generator import lock as locks

    path = repo / "links.lock"
    path.unlink()
    first = locks.relock(repo / "links.yaml")
    assert (first.error, first.problems) == (None, [])
    assert first.said == f"{path}: recorded 4 new slug(s)"
    assert first.text is not None and "gh https://github.com/example\n" in first.text
    path.write_text(first.text, encoding="utf-8")
    again = locks.relock(repo / "links.yaml")
    assert (again.text, again.said) == (None, f"{path}: up to date (4 slugs)")


def test_relock_verify_fails_only_on_an_unrecorded_move(repo: Path) -> None:
    from generator import lock as locks

    file = repo / "links.yaml"
    file.write_text(LINKS + "  new: https://new.example.com/\n", encoding="utf-8")
    new = locks.relock(file, verify=True)
    assert (new.error, new.text) == (None, None)
    lock_file = repo / "links.lock"
    assert new.said == (
        f"{lock_file}: no move to record (1 new slug(s) not recorded, which none needs)"
    )
    moved = LINKS.replace(
        "gh: https://github.com/example",
        "gh:\n    url: https://github.com/other\n    repoint_from: https://github.com/example",
    )
    file.write_text(moved, encoding="utf-8")
    behind = locks.relock(file, verify=True)
    assert behind.error == (
        f"{lock_file} is behind {file}: 0 new slug(s), 1 moved (gh); run 'shortlinks lock'"
    )


def test_relock_writes_nothing_over_a_broken_file_or_a_silent_move(repo: Path) -> None:
    from generator import lock as locks

    file = repo / "links.yaml"
    file.write_text(LINKS.replace("gh: https://github.com/example", "gh: https://gh.example/"))
    silent = locks.relock(file)
    assert (silent.error, silent.text) == ("links.lock was not written", None)
    assert [p.line for p in silent.problems] == [5]
    file.write_text("links: [\n", encoding="utf-8")
    broken = locks.relock(file)
    assert broken.error == f"fix {file} first; links.lock was not written"
    assert broken.problems and broken.text is None


def test_reserved_are_the_keys_of_every_locked_line(repo: Path) -> None:
    from generator import lock as locks

    assert locks.reserved(repo / "links.yaml") == {"gh", "shop", "store", "docs"}
    (repo / "links.lock").unlink()
    assert locks.reserved(repo / "links.yaml") == set()
