"""Replacing a user's file (generator/atomic.py), and every command that does it.

A symlink planted at a temporary name that an earlier version used (a pull request can
commit one) is never written through; the file keeps its permission bits; a failure
leaves it as it was, with no temporary file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import atomic
from generator.cli import main

NOW = ("--now", "2026-11-25T08:00:00Z")

LINKS = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/example
"""
SECRET = "the victim's own content\n"


def test_a_file_is_replaced_whole_keeping_its_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "links.lock"
    path.write_text("old\n")
    path.chmod(0o640)
    atomic.replace_file(path, "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_mode & 0o7777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.lock"]


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic.replace_file(tmp_path / "new.csv", b"a,b\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.csv").stat().st_mode & 0o7777 == 0o640  # 0666 less the umask


def test_a_failure_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), atomic.replacing(path) as f:
        f.write(b"half of the new")
        raise RuntimeError("disk full")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.yaml"]


def test_a_failed_rename_leaves_the_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text("old\n")

    def refuse(src: object, dst: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OSError, match="read-only"):
        atomic.replace_file(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.yaml"]


def _plant(folder: Path, names: list[str]) -> Path:
    """A victim outside the folder, and a symlink to it at each of ``names``."""
    victim = folder.parent / f"{folder.name}-victim.txt"
    victim.write_text(SECRET)
    for name in names:
        (folder / name).symlink_to(victim)
    return victim


def _invoke(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


# Each command that replaces a user's file: its arguments, the file it writes, and the
# fixed temporary names earlier versions wrote through.
COMMANDS = [
    (["lock"], "links.lock", [".links.lock.tmp"]),
    (
        ["add", "https://example.com/x", "--slug", "x", *NOW],
        "links.yaml",
        [".links.yaml.add-tmp", ".links.yaml.tmp"],
    ),
    (["export", "-o", "out.csv"], "out.csv", [".out.csv.tmp"]),
    (["qr", "gh", "-o", "gh.svg"], "gh.svg", [".gh.svg.tmp"]),
]


@pytest.mark.parametrize(("args", "written", "planted"), COMMANDS)
def test_no_command_writes_through_a_symlink_at_a_temporary_name(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    written: str,
    planted: list[str],
) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "links.yaml").write_text(LINKS)
    if written == "links.yaml":
        _invoke(folder, monkeypatch, "lock")
    victim = _plant(folder, planted)
    if (folder / written).exists():
        (folder / written).chmod(0o664)
    _invoke(folder, monkeypatch, *args)
    assert victim.read_text() == SECRET
    for name in planted:
        assert (folder / name).is_symlink()  # left alone
    assert (folder / written).is_file() and not (folder / written).is_symlink()
    if written == "links.yaml":
        assert '  x: "https://example.com/x"\n' in (folder / written).read_text()
        assert (folder / written).stat().st_mode & 0o7777 == 0o664
    assert not [
        p.name for p in folder.iterdir() if p.name.endswith(".tmp") and p.name not in planted
    ]


def test_a_build_does_not_write_through_a_symlink_at_a_temporary_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's own bookkeeping (domains.json, the manifest) uses the same helper."""
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "links.yaml").write_text(
        LINKS.replace("  domain: go.example.com", "  domains: [go.example.com, b.example.org]")
    )
    (folder / "_site").mkdir()
    victim = _plant(folder / "_site", [".domains.json.tmp"])
    _invoke(folder, monkeypatch, "build", "-o", "_site", "--no-cache", *NOW)
    assert victim.read_text() == SECRET
    assert (folder / "_site/domains.json").is_file()
