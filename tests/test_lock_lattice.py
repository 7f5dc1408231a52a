"""No line a pull request adds to links.lock moves a published name without the override.

A lock line names one key, but a name reads several keys, most specific first
(``lock._forms``): ``gh@go.example.com:expired`` reads its own line, then
``gh@go.example.com``'s, then ``gh:expired``'s, then ``gh``'s. So a line added for one
key can move every name that reads it first. The table below takes base locks of each
shape (a site of several domains, of one, of none; lines with and without a domain or a
variant; the root), adds every line a pull request could add over the lattice of names
(``slug``, ``slug@domain``, ``slug:variant``, ``slug@domain:variant``, ``/``,
``/@domain``; in any spelling the lock folds), alone and two at once, and checks against
every name of the lattice: either ``check --base`` refuses the pull request, or every name
the base resolves still resolves to the same target. links.yaml declares no
``repoint_from``, so no move is lawful.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import lock
from generator.build import check_text
from generator.cli import main

EVIL = "https://evil.example/"
SEVERAL = "site:\n  domains: [go.example.com, b.example.org]\n"
ONE = "site:\n  domain: go.example.com\n"
NONE = ""
LINKS = "links:\n  gh: https://github.com/example\n"

# (site, base lock): each shape a published lock can have
BASES = {
    "several, a line on one domain": (SEVERAL, "gh@go.example.com https://github.com/example\n"),
    "several, lines from before the domains": (
        SEVERAL,
        "gh https://github.com/example\ngh:expired https://example.com/old\n",
    ),
    "several, a device on one domain": (
        SEVERAL,
        "gh@go.example.com https://github.com/example\n"
        "gh@b.example.org https://github.com/example\n"
        "gh@go.example.com:ios https://apps.apple.com/app/id1\n",
    ),
    "several, a bare slug and a device on a domain": (
        SEVERAL,
        "gh https://github.com/example\ngh@go.example.com:desktop https://example.com/d\n",
    ),
    "several, roots": (
        SEVERAL,
        "/ https://www.example.com/\n/@go.example.com https://go.example/\n",
    ),
    "one, a line with the domain and a bare device": (
        ONE,
        "gh@go.example.com https://github.com/example\ngh:ios https://apps.apple.com/app/id1\n",
    ),
    "one, a bare slug and an expiry with the domain": (
        ONE,
        "gh https://github.com/example\ngh@go.example.com:expired https://example.com/old\n",
    ),
    "none, a slug and a device": (
        NONE,
        "gh https://github.com/example\ngh:ios https://apps.apple.com/app/id1\n/ https://w.example/\n",
    ),
}

SLUGS = ("gh", "GH.", "/")  # 'GH.' folds to the key of 'gh'
DOMAINS = (None, "go.example.com", "GO.Example.COM.", "b.example.org", "c.example.net")
VARIANTS = (None, "expired", "ios", "desktop")


def _name(slug: str, domain: str | None, variant: str | None) -> str:
    return slug + (f"@{domain}" if domain else "") + (f":{variant}" if variant else "")


# every line a pull request could add: each name of the lattice, sent to EVIL
ADDED = [
    f"{_name(s, d, v)} {EVIL}\n"
    for s, d, v in itertools.product(SLUGS, DOMAINS, VARIANTS)
    if not (s == "/" and v)  # a root has no variants
]
# the names whose targets must not move: the lattice, folded spellings left out
NAMES = [_name(s, d, v) for s, d, v in itertools.product(("gh", "/"), DOMAINS[::2], VARIANTS)]


def _targets(entries: dict[str, list[lock.Entry]], only: str | None) -> dict[str, str]:
    """Where each name of the lattice goes by these lines (a name none decides: absent)."""
    found = {}
    for name in NAMES:
        resolved = lock._resolve(entries, lock._forms(name, only)[0])
        if resolved is not None:
            found[name] = resolved[2][-1].target
    return found


def _refused(site: str, base_text: str, added: tuple[str, ...]) -> bool:
    result = check_text(site + LINKS, "links.yaml")
    linkset = result.linkset
    assert linkset is not None, result.problems
    base = lock.parse(base_text, "main")
    head = lock.parse(base_text + "".join(added), "links.lock")
    found = lock.since(base, head, linkset, lambda path: (1, 1), "links.yaml")
    return any(p.is_error for p in found)


@pytest.mark.slow
@pytest.mark.parametrize(("site", "base_text"), BASES.values(), ids=BASES.keys())
def test_no_added_line_moves_a_published_name_unseen(site: str, base_text: str) -> None:
    linkset = check_text(site + LINKS, "links.yaml").linkset
    assert linkset is not None
    only = lock.only_domain(linkset.site)
    base = _targets(lock.parse(base_text, "main").entries, only)
    assert base  # the base publishes something for the lines to move
    unseen = []
    for added in itertools.chain(((line,) for line in ADDED), itertools.combinations(ADDED, 2)):
        head = _targets(lock.parse(base_text + "".join(added), "links.lock").entries, only)
        moved = {n: (t, head.get(n)) for n, t in base.items() if head.get(n) != t}
        if moved and not _refused(site, base_text, added):
            unseen.append((added, moved))
    assert unseen == []


def test_every_added_line_that_moves_nothing_published_is_let_through() -> None:
    """The other side: the property is not bought by refusing everything. A line for a
    name on another domain the base does not hold, or one that repeats what the name it
    continues already says, passes."""
    site, base_text = BASES["several, a line on one domain"]
    assert not _refused(site, base_text, ("gh@b.example.org https://x.example/\n",))
    assert not _refused(
        site, base_text, ("gh@go.example.com:expired https://github.com/example\n",)
    )
    assert _refused(site, base_text, (f"gh@go.example.com:expired {EVIL}\n",))


# -- the review's reproduction, through the command line ---------------------------------

PUBLISHED = (
    SEVERAL + "links:\n  gh:\n    url: https://github.com/example\n    domains: [go.example.com]\n"
)


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("    expires: 2020-01-01\n    expired: https://evil.example/\n", "gh:expired"),
        ("    devices:\n      desktop: https://evil.example/\n", "gh:desktop"),
        ("    devices:\n      ios: https://evil.example/\n", "gh:ios"),
    ],
    ids=["expired", "desktop", "ios"],
)
def test_a_hand_added_line_without_a_domain_moves_no_target_of_a_published_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, line: str
) -> None:
    """main locks 'gh@go.example.com'; the pull request gives the link an expired URL or a
    device target elsewhere and adds a line for it without the domain: refused, by the
    lock alone and against main."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "links.yaml").write_text(PUBLISHED)
    (tmp_path / "links.lock").write_text("gh@go.example.com https://github.com/example\n")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    (tmp_path / "links.yaml").write_text(PUBLISHED + extra)
    with (tmp_path / "links.lock").open("a") as f:
        f.write(f"{line} https://evil.example/\n")
    name = line.replace("gh", "gh@go.example.com")
    run = CliRunner().invoke(main, ["check", "--base", "main"])
    assert run.exit_code == 1, run.output
    assert f"'{name}' was published pointing to https://github.com/example" in run.output or (
        f"once it expires, 'gh@go.example.com' would send its visitors to {EVIL}; it was "
        "published pointing to https://github.com/example" in run.output
    ), run.output
    # the lock alone says so too: the domain's own line is read before the bare one
    run = CliRunner().invoke(main, ["check"])
    assert run.exit_code == 1, run.output
    run = CliRunner().invoke(main, ["build", "--output", str(tmp_path / "site")])
    assert run.exit_code == 1, run.output
