"""A new link is one file changed; what the base branch publishes stays where it is.

Every push to the base branch publishes its links.yaml, so a pull request's check
(``check --base REF``) reads the base's links.lock together with what the base's
links.yaml publishes that the lock has no line for (lock.against). Here the base branch
published links of every kind after its lock was last written: a slug, an alias, an
expired URL, a device target, a campaign's link, the site's home, and names on one of
several domains. A pull request that only adds links passes with the lock untouched; one
that moves any of the unrecorded names without ``repoint_from`` is refused exactly as if
the lock had its line, also when it writes the line by hand; one that drops such a name
from links.yaml is refused with the line that keeps its record.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

LOCKED = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/example
"""
# what the base branch publishes now: links added after its lock was written, none locked
PUBLISHED = """\
site:
  domain: go.example.com
  home: https://www.example.com
links:
  gh: https://github.com/example
  blog:
    url: https://blog.example.com/
    aliases: [news]
  app:
    url: https://app.example.com/
    devices:
      ios: https://apps.apple.com/app/id1
  sale:
    url: https://shop.example.com/sale
    expires: 2027-03-31
    expired: https://shop.example.com/
campaigns:
  spring:
    url: https://shop.example.com/spring
    distributors: [a01]
"""

# (what a pull request edits, into what): each unrecorded published name moved elsewhere
MOVES = {
    "slug": (
        "    url: https://blog.example.com/\n",
        "    url: https://evil.example.net/\n",
        "'blog' was published pointing to https://blog.example.com/",
    ),
    "alias": (
        "    aliases: [news]\n",
        "  news: https://evil.example.net/\n",
        "'news' was published pointing to https://blog.example.com/",
    ),
    "device": (
        "      ios: https://apps.apple.com/app/id1\n",
        "      ios: https://evil.example.net/\n",
        "'app:ios' was published pointing to https://apps.apple.com/app/id1",
    ),
    "expired URL": (
        "    expired: https://shop.example.com/\n",
        "    expired: https://evil.example.net/\n",
        "once it expires, 'sale' would send its visitors to https://evil.example.net/; it was "
        "published pointing to https://shop.example.com/",
    ),
    "campaign": (
        "    url: https://shop.example.com/spring\n",
        "    url: https://evil.example.net/\n",
        "'spring-a01' was published pointing to https://shop.example.com/spring",
    ),
    "home": (
        "  home: https://www.example.com\n",
        "  home: https://evil.example.net\n",
        "the short domain's root '/' was published pointing to https://www.example.com/",
    ),
    "a removed slug reused": (
        "  blog:\n    url: https://blog.example.com/\n    aliases: [news]\n",
        "  BLOG: https://evil.example.net/\n",
        "'BLOG' was published pointing to https://blog.example.com/",
    ),
}


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _edit(old: str, new: str, file: str = "links.yaml") -> None:
    path = Path(file)
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commit(message: str) -> None:
    _git("add", "-A")
    _git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", message)


def _base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locked: str, published: str) -> str:
    """A main branch whose lock was written for ``locked`` and which publishes
    ``published`` (later pull requests added links, lock untouched); the lock's text."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    _git("init", "-q", "-b", "main")
    Path("links.yaml").write_text(locked, encoding="utf-8")
    assert _run("lock")[0] == 0
    _commit("the lock")
    Path("links.yaml").write_text(published, encoding="utf-8")
    _commit("links added, one file changed")
    return Path("links.lock").read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return _base(tmp_path, monkeypatch, LOCKED, PUBLISHED)


def test_the_base_publishes_names_its_lock_has_no_line_for(repo: str) -> None:
    assert repo.splitlines()[-1] == "gh https://github.com/example"
    assert _run("check", "--base", "main") == (0, "links.yaml: 5 links, no problems\n")


ADDED = {
    "slug": ("links:\n", "links:\n  new: https://new.example.com/\n"),
    "alias": ("    aliases: [news]\n", "    aliases: [news, posts]\n"),
    "link with devices and an expired URL": (
        "links:\n",
        "links:\n  launch:\n    url: https://launch.example.com/\n"
        "    expires: 2027-06-30\n    expired: https://www.example.com/\n"
        "    devices:\n      android: https://play.google.com/store/apps/details?id=x\n",
    ),
    "distributor": ("    distributors: [a01]\n", "    distributors: [a01, b02]\n"),
    "campaign": (
        "campaigns:\n",
        "campaigns:\n  summer:\n    url: https://shop.example.com/summer\n    distributors: [s1]\n",
    ),
}


@pytest.mark.parametrize(("old", "new"), ADDED.values(), ids=ADDED.keys())
def test_a_pull_request_adding_only_links_passes_with_the_lock_untouched(
    repo: str, old: str, new: str
) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit(old, new)
    code, out = _run("check", "--base", "main")
    assert code == 0, out
    assert "error" not in out and "warning" not in out
    assert Path("links.lock").read_text(encoding="utf-8") == repo


@pytest.mark.parametrize(("old", "new", "said"), MOVES.values(), ids=MOVES.keys())
def test_moving_a_published_name_the_lock_never_recorded_is_refused(
    repo: str, old: str, new: str, said: str
) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit(old, new)
    assert _run("check")[0] == 0  # the lock alone cannot tell: it has no line for it
    code, out = _run("check", "--base", "main")
    assert code == 1, out
    assert said in out
    assert "repoint_from: " in out  # the way out


def test_a_hand_written_lock_line_cannot_move_it_either(repo: str) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit("    url: https://blog.example.com/\n", "    url: https://evil.example.net/\n")
    with open("links.lock", "a", encoding="utf-8") as f:
        f.write("blog https://evil.example.net/\n")
    assert _run("check")[0] == 0  # consistent in itself...
    code, out = _run("check", "--base", "main")  # ...but a move of what main publishes
    assert code == 1
    assert (
        "links.yaml:7:5: error: 'blog' is repointed in links.lock from "
        "https://blog.example.com/ to https://evil.example.net/ without 'repoint_from'" in out
    )


@pytest.mark.slow
def test_repoint_from_moves_it_once_recorded(repo: str) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit(
        "    url: https://blog.example.com/\n",
        "    url: https://blog.example.org/\n    repoint_from: https://blog.example.com/\n",
    )
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert (
        "'blog' moves from https://blog.example.com/ to https://blog.example.org/ "
        "(repoint_from), and links.lock does not record it yet" in out
    )
    assert _run("lock")[0] == 0  # records the new target (and the new names beside it)
    code, out = _run("check", "--base", "main")
    assert code == 0, out
    assert "warning: 'blog' was moved from https://blog.example.com/ to" in out
    assert "warning: 'news' was moved from https://blog.example.com/ to" in out
    # the lock keeps where it was published pointing to, so once merged the record stays
    lock = Path("links.lock").read_text()
    assert "blog https://blog.example.com/\nblog https://blog.example.org/\n" in lock
    _git("commit", "-qam", "move blog")
    _git("checkout", "-q", "main")
    _git("merge", "-q", "--ff-only", "pr")
    _git("checkout", "-q", "-b", "after")
    _edit("    repoint_from: https://blog.example.com/\n", "")
    code, out = _run("check", "--base", "main")
    assert code == 0, out
    _edit(  # and back, silently: refused, as for any recorded name
        "    url: https://blog.example.org/\n", "    url: https://blog.example.com/\n"
    )
    assert _run("check", "--base", "main")[0] == 1


def test_removing_a_published_name_only_links_yaml_records_says_the_line_to_add(
    repo: str,
) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit("  blog:\n    url: https://blog.example.com/\n    aliases: [news]\n", "")
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert out.splitlines() == [
        "links.yaml:5:3: error: 'blog' leaves links.yaml, where main publishes it pointing "
        "to https://blog.example.com/, and links.lock has no line for it: once merged, "
        "nothing would remember where it was published pointing to (lock-forgotten)",
        "    hint: keep its record: add the line 'blog https://blog.example.com/' to links.lock",
        "links.yaml:5:3: error: 'news' leaves links.yaml, where main publishes it pointing "
        "to https://blog.example.com/, and links.lock has no line for it: once merged, "
        "nothing would remember where it was published pointing to (lock-forgotten)",
        "    hint: keep its record: add the line 'news https://blog.example.com/' to links.lock",
        "2 errors, 0 warnings",
    ]
    with open("links.lock", "a", encoding="utf-8") as f:
        f.write("blog https://blog.example.com/\nnews https://blog.example.com/\n")
    assert _run("check", "--base", "main") == (0, "links.yaml: 4 links, no problems\n")
    # once merged, the name is held to its line as any recorded one
    _commit("blog removed")
    _git("checkout", "-q", "main")
    _git("merge", "-q", "pr")
    _git("checkout", "-q", "-b", "pr2")
    _edit("links:\n", "links:\n  blog: https://evil.example.net/\n")
    code, out = _run("check", "--base", "main")
    assert code == 1 and "'blog' was published pointing to https://blog.example.com/" in out


@pytest.mark.parametrize(
    ("old", "name", "line"),
    [
        (
            "    devices:\n      ios: https://apps.apple.com/app/id1\n",
            "app:ios",
            "https://apps.apple.com/app/id1",
        ),
        ("    expired: https://shop.example.com/\n", "sale:expired", "https://shop.example.com/"),
        (
            "    distributors: [a01]\n",
            "spring-a01",
            "https://shop.example.com/spring?utm_source=a01&utm_medium=distributor"
            "&utm_campaign=spring",
        ),
        ("  home: https://www.example.com\n", "/", "https://www.example.com/"),
    ],
    ids=["device", "expired URL", "campaign", "home"],
)
def test_removing_any_other_unrecorded_name_is_refused_too(
    repo: str, old: str, name: str, line: str
) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit(old, "    distributors: [b02]\n" if name == "spring-a01" else "")
    code, out = _run("check", "--base", "main")
    assert code == 1, out
    assert f"hint: keep its record: add the line '{name} {line}' to links.lock" in out


def test_removing_a_recorded_name_is_allowed_as_before(repo: str) -> None:
    _git("checkout", "-q", "-b", "pr")
    _edit("  gh: https://github.com/example\n", "")
    assert _run("check", "--base", "main") == (0, "links.yaml: 4 links, no problems\n")


def test_the_lock_file_cannot_be_deleted_even_when_it_has_no_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _base(tmp_path, monkeypatch, "links: {}\n", PUBLISHED)
    assert "gh" not in Path("links.lock").read_text(encoding="utf-8")
    _git("checkout", "-q", "-b", "pr")
    Path("links.lock").unlink()
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert "links.lock:1:1: error: links.lock was deleted, and main has one" in out


SEVERAL = """\
site:
  domains:
    - go.example.com
    - domain: b.example.org
      home: https://b.example.org/home
links:
  gh:
    url: https://github.com/example
    domains: all
"""


def test_on_several_domains_new_links_pass_and_a_move_on_one_domain_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = _base(tmp_path, monkeypatch, "links: {}\n", SEVERAL)
    _git("checkout", "-q", "-b", "pr")
    _edit("    domains: all\n", "    domains: all\n  new:\n    url: https://new.example.com/\n"
          "    domains: [b.example.org]\n")  # fmt: skip
    assert _run("check", "--base", "main")[0] == 0
    assert Path("links.lock").read_text(encoding="utf-8") == lock
    _edit("    url: https://github.com/example\n    domains: all\n",
          "    url: https://github.com/example\n    domains: [go.example.com]\n"
          "  gh@b.example.org: https://evil.example.net/\n")  # fmt: skip
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert "'gh@b.example.org' was published pointing to https://github.com/example" in out
    _edit("  gh@b.example.org: https://evil.example.net/\n", "")  # and gone from one domain
    code, out = _run("check", "--base", "main")
    assert code == 1
    assert "add the line 'gh@b.example.org https://github.com/example' to links.lock" in out
