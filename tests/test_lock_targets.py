"""links.lock holds every place a published short URL can send a visitor, now or later.

One table, one row a kind of target: a slug, an alias, a password link, a device target, a
campaign's distributor link, the site's root (``site.home``), and a link's ``expired`` URL
(added to a link that had none, to one that answered with its expired page, changed, or on
a campaign). Each row is a pull request against a main branch whose lock records it:

1. links.yaml moved, the lock left alone: ``check --base main`` refuses it, on its line,
   saying where it was published pointing to; ``shortlinks lock`` will not record it;
2. the override (``repoint_from``, or ``home: {url, repoint_from}``): ``shortlinks lock``
   records the move, ``check --base main`` passes and warns;
3. the override taken out again, the lock keeping the move's line (a lock edited by hand):
   ``check --base main`` refuses the line.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import ROOT

BASE = """\
site:
  domain: go.example.com
  home: https://www.example.com
links:
  gh: https://github.com/example
  shop:
    url: https://shop.example.com/
    aliases: [store]
  promo:
    url: https://shop.example.com/promo
    expires: 2020-01-01
  sale:
    url: https://shop.example.com/sale
    expires: 2020-01-01
    expired: https://shop.example.com/
  app:
    url: https://example.com/app
    devices:
      ios: https://apps.apple.com/app/id1
  secret:
    url: https://example.com/secret
    password: correct horse battery staple
campaigns:
  spring:
    url: https://shop.example.com/spring
    distributors: [a01]
"""

EVIL = "https://evil.example.net/"
TRACKED = "?utm_source=a01&utm_medium=distributor&utm_campaign=spring"


@dataclass(frozen=True)
class Move:
    """``old`` in BASE becomes ``new`` (the move), or ``override`` (the move, declared)."""

    old: str
    new: str
    override: str
    refused: str  # check's error, after 'links.yaml:LINE:COL: error: '
    at: tuple[int, int]  # its line and column in the moved links.yaml
    warned: str  # check's warning once the override is recorded
    forged: str  # the lock line the override records, hand-written without it


MOVES = {
    "slug": Move(
        "  gh: https://github.com/example\n",
        f"  gh: {EVIL}\n",
        f"  gh:\n    url: {EVIL}\n    repoint_from: https://github.com/example\n",
        "'gh' was published pointing to https://github.com/example (links.lock:9); people "
        "and printed QR codes still use it",
        (5, 7),
        f"'gh' was moved from https://github.com/example to {EVIL} (repoint_from)",
        f"'gh' is repointed in links.lock from https://github.com/example to {EVIL} "
        "without 'repoint_from'",
    ),
    "alias": Move(
        "    url: https://shop.example.com/\n    aliases: [store]\n",
        f"    url: {EVIL}\n    aliases: [store]\n",
        f"    url: {EVIL}\n    aliases: [store]\n    repoint_from: https://shop.example.com/\n",
        "'store' was published pointing to https://shop.example.com/ (links.lock:16)",
        (8, 15),
        f"'store' was moved from https://shop.example.com/ to {EVIL} (repoint_from)",
        f"'store' is repointed in links.lock from https://shop.example.com/ to {EVIL}",
    ),
    "password link": Move(
        "    url: https://example.com/secret\n",
        f"    url: {EVIL}\n",
        f"    url: {EVIL}\n    repoint_from: https://example.com/secret\n",
        "'secret' was published pointing to https://example.com/secret (links.lock:13)",
        (21, 5),
        f"'secret' was moved from https://example.com/secret to {EVIL} (repoint_from)",
        f"'secret' is repointed in links.lock from https://example.com/secret to {EVIL}",
    ),
    "device target": Move(
        "      ios: https://apps.apple.com/app/id1\n",
        f"      ios: {EVIL}\n",
        f"      ios: {EVIL}\n    repoint_from: https://apps.apple.com/app/id1\n",
        "'app:ios' was published pointing to https://apps.apple.com/app/id1 (links.lock:8)",
        (19, 12),
        f"'app:ios' was moved from https://apps.apple.com/app/id1 to {EVIL} (repoint_from)",
        f"'app:ios' is repointed in links.lock from https://apps.apple.com/app/id1 to {EVIL}",
    ),
    "campaign link": Move(
        "    url: https://shop.example.com/spring\n",
        "    url: https://evil.example.net/spring\n",
        "    url: https://evil.example.net/spring\n"
        "    repoint_from: https://shop.example.com/spring\n",
        f"'spring-a01' was published pointing to https://shop.example.com/spring{TRACKED} "
        "(links.lock:15)",
        (26, 20),
        f"'spring-a01' was moved from https://shop.example.com/spring{TRACKED} to "
        f"https://evil.example.net/spring{TRACKED} (repoint_from)",
        f"'spring-a01' is repointed in links.lock from https://shop.example.com/spring{TRACKED}",
    ),
    "site.home": Move(
        "  home: https://www.example.com\n",
        f"  home: {EVIL}\n",
        f"  home:\n    url: {EVIL}\n    repoint_from: https://www.example.com\n",
        "the short domain's root '/' was published pointing to https://www.example.com/ "
        "(links.lock:6); people who type the short domain still go there",
        (3, 9),
        f"'/' was moved from https://www.example.com/ to {EVIL} (repoint_from)",
        f"'/' is repointed in links.lock from https://www.example.com/ to {EVIL} without "
        "'repoint_from'",
    ),
    # the example: a published link given an expiry in the past and an expired URL
    "expiry added": Move(
        "  gh: https://github.com/example\n",
        f"  gh:\n    url: https://github.com/example\n    expires: 2020-01-01\n"
        f"    expired: {EVIL}\n",
        f"  gh:\n    url: https://github.com/example\n    expires: 2020-01-01\n"
        f"    expired: {EVIL}\n    repoint_from: https://github.com/example\n",
        f"once it expires, 'gh' would send its visitors to {EVIL}; it was published "
        "pointing to https://github.com/example (links.lock:9)",
        (8, 14),
        f"'gh:expired' was moved from https://github.com/example to {EVIL} (repoint_from)",
        f"'gh:expired' is repointed in links.lock from https://github.com/example to {EVIL}",
    ),
    # its visitors get the expired page: now they would be sent somewhere
    "expired page": Move(
        "    url: https://shop.example.com/promo\n    expires: 2020-01-01\n",
        f"    url: https://shop.example.com/promo\n    expires: 2020-01-01\n    expired: {EVIL}\n",
        f"    url: https://shop.example.com/promo\n    expires: 2020-01-01\n    expired: {EVIL}\n"
        "    repoint_from: https://shop.example.com/promo\n",
        f"once it expires, 'promo' would send its visitors to {EVIL}; it was published "
        "pointing to https://shop.example.com/promo (links.lock:10)",
        (12, 14),
        f"'promo:expired' was moved from https://shop.example.com/promo to {EVIL}",
        f"'promo:expired' is repointed in links.lock from https://shop.example.com/promo to {EVIL}",
    ),
    "expired url": Move(
        "    expired: https://shop.example.com/\n",
        f"    expired: {EVIL}\n",
        f"    expired: {EVIL}\n    repoint_from: https://shop.example.com/\n",
        f"once it expires, 'sale' would send its visitors to {EVIL}; it was published "
        "pointing to https://shop.example.com/ (links.lock:12)",
        (15, 14),
        f"'sale:expired' was moved from https://shop.example.com/ to {EVIL} (repoint_from)",
        f"'sale:expired' is repointed in links.lock from https://shop.example.com/ to {EVIL}",
    ),
    "campaign expiry": Move(
        "    distributors: [a01]\n",
        f"    distributors: [a01]\n    expires: 2020-01-01\n    expired: {EVIL}\n",
        f"    distributors: [a01]\n    expires: 2020-01-01\n    expired: {EVIL}\n"
        "    repoint_from: https://shop.example.com/spring\n",
        f"once it expires, 'spring-a01' would send its visitors to {EVIL}; it was published "
        f"pointing to https://shop.example.com/spring{TRACKED} (links.lock:15)",
        (28, 14),
        f"'spring-a01:expired' was moved from https://shop.example.com/spring{TRACKED} to {EVIL}",
        f"'spring-a01:expired' is repointed in links.lock from "
        f"https://shop.example.com/spring{TRACKED} to {EVIL}",
    ),
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def main_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose main branch has BASE and its lock; the work tree is the PR."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "links.yaml").write_text(BASE, encoding="utf-8")
    code, out = _run("lock")
    assert code == 0 and "recorded 11 new slug(s)" in out, out
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def test_the_base_lock_names_every_kind_of_target(main_branch: Path) -> None:
    lines = [
        line
        for line in (main_branch / "links.lock").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert lines == [
        "/ https://www.example.com/",
        "app https://example.com/app",
        "app:ios https://apps.apple.com/app/id1",
        "gh https://github.com/example",
        "promo https://shop.example.com/promo",  # expired, no 'expired': its page, no line
        "sale https://shop.example.com/sale",
        "sale:expired https://shop.example.com/",
        "secret https://example.com/secret",
        "shop https://shop.example.com/",
        f"spring-a01 https://shop.example.com/spring{TRACKED}",
        "store https://shop.example.com/",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
def test_a_pull_request_moves_nothing_published_without_the_override(
    main_branch: Path, move: Move
) -> None:
    links = main_branch / "links.yaml"
    lock = main_branch / "links.lock"
    assert BASE.count(move.old) == 1
    locked = lock.read_bytes()

    # 1. moved, the lock left alone (or refused to record it)
    links.write_text(BASE.replace(move.old, move.new), encoding="utf-8")
    code, out = _run("check", "--base", "main")
    assert code == 1, out
    line, column = move.at
    assert f"links.yaml:{line}:{column}: error: {move.refused}" in out, out
    code, out = _run("lock")
    assert code == 1 and "links.lock was not written" in out, out
    assert lock.read_bytes() == locked

    # 2. the override: recorded, passed, said
    links.write_text(BASE.replace(move.old, move.override), encoding="utf-8")
    code, out = _run("lock")
    assert code == 0 and " moved (" in out, out
    code, out = _run("check", "--base", "main")
    assert code == 0, out
    assert f": warning: {move.warned}" in out, out

    # 3. the lock keeps the move's line, links.yaml drops the override: a forged lock
    links.write_text(BASE.replace(move.old, move.new), encoding="utf-8")
    code, out = _run("check", "--base", "main")
    assert code == 1, out
    assert f"links.yaml:{line}:{column}: error: {move.forged}" in out, out


def test_an_expired_url_that_sends_visitors_to_the_published_target_moves_nothing(
    main_branch: Path,
) -> None:
    """The expired page of 'promo' made a redirect to the target it was published with:
    where its visitors were sent before it expired, which the lock holds already."""
    links = main_branch / "links.yaml"
    old = "    expires: 2020-01-01\n"
    links.write_text(
        BASE.replace(old, old + "    expired: https://shop.example.com/promo\n", 1),
        encoding="utf-8",
    )
    assert _run("check", "--base", "main") == (0, "links.yaml: 7 links, no problems\n")
    assert _run("lock")[1] == "links.lock: up to date (11 slugs)\n"


def test_taking_a_redirect_away_is_not_a_move(main_branch: Path) -> None:
    """An expired URL, a device target or the home removed: those visitors get the expired
    page, the link's own target or the landing page; nobody is sent anywhere new."""
    links = main_branch / "links.yaml"
    text = (
        BASE.replace("    expired: https://shop.example.com/\n", "")
        .replace("    devices:\n      ios: https://apps.apple.com/app/id1\n", "")
        .replace("  home: https://www.example.com\n", "")
    )
    links.write_text(text, encoding="utf-8")
    code, out = _run("check", "--base", "main")
    assert (code, out) == (0, "links.yaml: 7 links, no problems\n")


def test_a_moved_link_keeps_its_expired_and_device_targets_where_they_were(
    main_branch: Path,
) -> None:
    """'app' moves with the override; its iPhone target, which continued nothing of it,
    stays; and a link whose expired URL was its own target keeps that expired URL on a
    line of its own once the target moves on."""
    links = main_branch / "links.yaml"
    text = BASE.replace(
        "    url: https://example.com/app\n",
        "    url: https://example.com/app2\n    repoint_from: https://example.com/app\n"
        "    expires: 2099-01-01\n    expired: https://example.com/app\n",
    )
    links.write_text(text, encoding="utf-8")
    code, out = _run("lock")
    assert code == 0 and "1 moved (app)" in out, out
    lines = (main_branch / "links.lock").read_text(encoding="utf-8")
    assert (
        "app https://example.com/app\napp https://example.com/app2\n"
        "app:expired https://example.com/app\napp:ios https://apps.apple.com/app/id1\n"
    ) in lines
    code, out = _run("check", "--base", "main")
    assert code == 0, out
    assert "'app' was moved from https://example.com/app to https://example.com/app2" in out


def test_a_moving_link_names_only_itself_before_the_lock_records_it(main_branch: Path) -> None:
    """Before 'shortlinks lock' runs, the move is an error of the link's; its iPhone
    target, with a line of its own and the same target, is not said to have moved from
    the link's old target too."""
    links = main_branch / "links.yaml"
    links.write_text(
        BASE.replace(
            "    url: https://example.com/app\n",
            "    url: https://example.com/app2\n    repoint_from: https://example.com/app\n",
        ),
        encoding="utf-8",
    )
    code, out = _run("check")
    assert code == 1, out
    assert "'app' moves from https://example.com/app to https://example.com/app2" in out
    assert "app:ios" not in out and "0 warnings" in out, out


def test_a_home_the_base_lock_does_not_name_is_held_to_the_base_links_yaml(
    main_branch: Path,
) -> None:
    """A lock written before homes were locked has no '/' line: the pull request that adds
    one is compared with the home main's links.yaml publishes."""
    lock = main_branch / "links.lock"
    lock.write_text(
        "".join(x for x in lock.read_text(encoding="utf-8").splitlines(True) if x[0] != "/"),
        encoding="utf-8",
    )
    _git(main_branch, "commit", "-qam", "a lock from before")
    links = main_branch / "links.yaml"
    links.write_text(BASE.replace("www.example.com", "evil.example.net"), encoding="utf-8")
    assert _run("lock") == (0, "links.lock: recorded 1 new slug(s)\n")  # as new, locally
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert (
        "links.yaml:3:9: error: '/' is repointed in links.lock from https://www.example.com/ "
        "to https://evil.example.net/ without 'repoint_from'" in out
    ), out
    # the same home, recorded for the first time: fine
    links.write_text(BASE, encoding="utf-8")
    lock.write_text(
        lock.read_text(encoding="utf-8").replace("evil.example.net", "www.example.com"),
        encoding="utf-8",
    )
    assert _run("check", "--base", "main") == (0, "links.yaml: 7 links, no problems\n")


def test_site_home_is_held_to_the_allowed_and_denied_domains(tmp_path: Path) -> None:
    from tests.conftest import problems_of

    allowed = "site:\n  allow_domains: [example.com]\n  home: https://evil.example.net\nlinks: {}\n"
    found = [(p.line, p.column, p.message) for p in problems_of(allowed) if p.is_error]
    assert found == [(3, 9, "evil.example.net is not in site.allow_domains")]
    denied = (
        "site:\n  deny_domains: [evil.example.net]\n  domains:\n    - a.example\n"
        "    - domain: b.example\n      home:\n        url: https://evil.example.net/x\n"
        "links: {}\n"
    )
    found = [(p.line, p.column, p.message) for p in problems_of(denied) if p.is_error]
    assert found == [(7, 14, "targets on evil.example.net are refused by site.deny_domains")]
    nowhere = "site:\n  home:\n    repoint_from: https://www.example.com\nlinks: {}\n"
    found = [(p.line, p.column, p.message) for p in problems_of(nowhere) if p.is_error]
    assert found == [(2, 3, "home has no 'url'")]


@pytest.mark.slow
def test_the_pull_request_check_runs_as_a_command_on_a_real_repository(
    main_branch: Path,
) -> None:
    """``shortlinks check --base main`` as CI runs it: a separate process in the clone."""
    move = MOVES["expiry added"]
    (main_branch / "links.yaml").write_text(BASE.replace(move.old, move.new), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--base", "main", "--format", "github"],
        cwd=main_branch,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("::error file=links.yaml,line=8,col=14,title=lock-moved::")
    assert f"once it expires, 'gh' would send its visitors to {EVIL}" in run.stdout


def test_a_site_wide_expired_url_is_held_like_a_links_own(main_branch: Path) -> None:
    """site.expired is each expiring link's 'expired' when it has none: giving it to a
    published link whose visitors got the expired page moves them, as its own would."""
    links = main_branch / "links.yaml"
    site_wide = BASE.replace(
        "  home: https://www.example.com\n", f"  home: https://www.example.com\n  expired: {EVIL}\n"
    )
    links.write_text(site_wide, encoding="utf-8")
    code, out = _run("check", "--base", "main")
    assert code == 1, out
    assert (
        f"links.yaml:11:5: error: once it expires, 'promo' would send its visitors to {EVIL}" in out
    ), out
    assert "'sale" not in out, out  # its own 'expired' wins
    # moved deliberately, on the link
    links.write_text(
        site_wide.replace(
            "    expires: 2020-01-01\n  sale:",
            "    expires: 2020-01-01\n    repoint_from: https://shop.example.com/promo\n  sale:",
        ),
        encoding="utf-8",
    )
    code, out = _run("lock")
    assert code == 0, out
    assert f"promo:expired {EVIL}" in (main_branch / "links.lock").read_text(encoding="utf-8")
