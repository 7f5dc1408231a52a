"""The writer: all or nothing, never over a user's files, byte-identical rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import build
from generator.write import MANIFEST, OutputError, check_output, write_site
from tests.conftest import FIXTURES, NOW


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_with_the_same_now_are_byte_identical(tmp_path: Path) -> None:
    build(FIXTURES / "site.yaml", tmp_path / "a", NOW)
    build(FIXTURES / "site.yaml", tmp_path / "b", NOW)
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert a == b and len(a) > 10


def test_rebuild_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1", "sub/b.html": b"2"})
    write_site(out, {"c.html": b"3"})
    assert snapshot(out) == {"c.html": b"3", MANIFEST: snapshot(out)[MANIFEST]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temp folders left


def test_site_folder_is_readable_by_a_web_server(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})
    assert out.stat().st_mode & 0o055 == 0o055 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failing_write_leaves_the_previous_output(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    write_site(out, {"a.html": b"old"})
    before = snapshot(out)
    real = Path.write_bytes
    calls = {"n": 0}

    def flaky(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError):
        write_site(out, {f"{i}.html": b"new" for i in range(5)})
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_stale_temp_folders_from_a_killed_build_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".site.tmp-abc123").mkdir()
    (tmp_path / ".site.tmp-abc123" / "x.html").write_bytes(b"half")
    write_site(tmp_path / "site", {"a.html": b"1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda d: (d / "site").mkdir() or (d / "site" / "mine.txt").write_text("x"),
            "is not empty and was not created by shortlinks",
        ),
        (lambda d: (d / "site").write_text("x"), "exists and is not a folder"),
        (lambda d: (d / "site" / ".git").mkdir(parents=True), "it is a git repository"),
    ],
    ids=["foreign-folder", "a-file", "git-repo"],
)
def test_refuses_output_it_did_not_create(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    setup(tmp_path)
    with pytest.raises(OutputError, match=message):
        check_output(tmp_path / "site")


def test_refuses_when_a_user_file_was_added_to_the_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})
    (out / "notes.txt").write_text("precious")
    with pytest.raises(OutputError, match=r"holds 1 file\(s\) that shortlinks did not write"):
        check_output(out)


def test_refuses_the_folder_holding_links_yaml(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text("links: {}\n")
    with pytest.raises(OutputError, match=r"it contains links\.yaml"):
        check_output(tmp_path, links)
    with pytest.raises(OutputError, match="choose a folder like _site"):
        check_output(Path("/"), links)


def test_build_into_a_refused_folder_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("my own site")
    result = build(FIXTURES / "site.yaml", out, NOW)
    assert not result.written
    assert result.error is not None and "was not created by shortlinks" in result.error
    assert snapshot(out) == {"index.html": b"my own site"}
