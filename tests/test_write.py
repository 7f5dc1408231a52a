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


@pytest.mark.parametrize("first", [None, {"a.html": b"old"}], ids=["fresh", "update"])
def test_a_failing_write_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: dict | None
) -> None:
    out = tmp_path / "site"
    if first:
        write_site(out, first)
    before = snapshot(out) if out.exists() else None
    real = os.write
    calls = {"n": 0}

    def flaky(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", flaky)
    with pytest.raises(OSError):
        write_site(out, {f"{i}.html": b"new" for i in range(5)})
    assert (snapshot(out) if out.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["site"] if first else [])


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


def test_a_user_file_in_the_output_is_kept_and_never_written_over(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})
    (out / "notes.txt").write_text("precious")
    check_output(out)
    write_site(out, {"b.html": b"2"})  # a.html was ours: removed; notes.txt is not
    assert (out / "notes.txt").read_text() == "precious" and not (out / "a.html").exists()
    with pytest.raises(OutputError, match=r"holds 1 file\(s\) that shortlinks did not write"):
        write_site(out, {"b.html": b"2", "notes.txt": b"a link's page"})
    assert (out / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("cp", [True, False], ids=["gnu-cp", "python"])
def test_a_rebuild_swaps_in_a_whole_new_tree_carrying_over_what_it_does_not_touch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cp: bool
) -> None:
    """The next output is assembled beside the served one and swapped in at once: a
    user's files, folders and links come along untouched, as do our unchanged files (the
    very same inodes: hard links, nothing rewritten). With GNU cp, and without."""
    if not cp:
        import shutil

        monkeypatch.setattr(shutil, "which", lambda name: None)
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1", "sub/b.html": b"2", "gone/c.html": b"3"})
    (out / "mine").mkdir()
    (out / "mine" / "notes.txt").write_text("precious")
    (out / "logo.svg").symlink_to("mine/notes.txt")
    (out / "docs").symlink_to("mine", target_is_directory=True)
    (out / "empty").mkdir()
    inode = (out / "sub" / "b.html").stat().st_ino
    served = out.stat().st_ino
    result = write_site(out, {"a.html": b"new", "sub/b.html": b"2", "d.html": b"4"})
    assert (result.written, result.removed) == (2, 1)
    assert out.stat().st_ino != served  # a new folder, swapped in
    assert (out / "sub" / "b.html").stat().st_ino == inode
    assert (out / "a.html").read_bytes() == b"new" and (out / "d.html").read_bytes() == b"4"
    assert not (out / "gone").exists()  # emptied of ours: gone
    assert (out / "mine" / "notes.txt").read_text() == "precious"
    assert os.readlink(out / "logo.svg") == "mine/notes.txt"
    assert os.readlink(out / "docs") == "mine" and (out / "empty").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_rebuild_writes_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = {"a.html": b"1", "sub/b.html": b"2", "sub/deep/c.html": b"3", "d.html": b"4"}
    assert write_site(out, files).written == 4
    before = _stamps(out)
    again = write_site(out, files)
    assert (again.written, again.removed, again.unchanged) == (0, 0, 4)
    assert _stamps(out) == before  # not one file touched, the manifest neither
    changed = write_site(
        out, {**files, "a.html": b"one", "e.html": b"5"} | {"sub/deep/c.html": b"3"}
    )
    assert (changed.written, changed.removed) == (2, 0)
    after = _stamps(out)
    assert {k for k in before if after.get(k) != before[k]} == {"a.html", MANIFEST}
    smaller = write_site(out, {"a.html": b"one"})
    assert (smaller.written, smaller.removed) == (0, 4)
    assert snapshot(out) == {"a.html": b"one", MANIFEST: snapshot(out)[MANIFEST]}
    assert not (out / "sub").exists()  # emptied folders go too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_where_no_swap_a_build_killed_after_its_journal_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The point of no return is the journal: before it the old output stands, after it
    the next write (or build) completes the new one before doing anything else."""
    from generator import write

    out = tmp_path / "site"
    write_site(out, {"a.html": b"1", "b.html": b"2"})
    monkeypatch.setattr(write, "_swappable", lambda out: False)  # a mount point, say
    real = os.replace
    moved = {"n": 0}

    def dies_midway(src: object, dst: object) -> None:
        real(src, dst)
        if str(dst).startswith(str(out)):
            moved["n"] += 1
            if moved["n"] == 1:
                raise KeyboardInterrupt  # as good as a kill: nothing after it runs

    monkeypatch.setattr(os, "replace", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        write_site(out, {"a.html": b"new", "b.html": b"new", "c.html": b"3"})
    monkeypatch.setattr(os, "replace", real)
    assert write._journal(out).exists()
    assert write.recover(out)
    assert snapshot(out) == {
        "a.html": b"new",
        "b.html": b"new",
        "c.html": b"3",
        MANIFEST: snapshot(out)[MANIFEST],
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


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


def test_a_build_with_nothing_new_is_up_to_date_until_a_link_changes_state(
    tmp_path: Path,
) -> None:
    links = tmp_path / "links.yaml"
    links.write_text((FIXTURES / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "site"
    first = build(links, out, NOW)
    assert first.written and not first.up_to_date and first.next_change is not None
    stamps = _stamps(out)
    again = build(links, out, NOW)
    assert again.up_to_date and not again.written
    assert (again.files, again.states, again.rules) == (first.files, first.states, first.rules)
    assert _stamps(out) == stamps
    (out / "gh.html").unlink()  # an output changed by hand: --force writes every file
    (out / "docs.html").write_text("edited")
    forced = build(links, out, NOW, force=True)
    assert forced.written and forced.changed == (forced.files, 0)
    assert (out / "gh.html").exists() and b"edited" not in (out / "docs.html").read_bytes()
    stamps = _stamps(out)
    later = build(links, out, first.next_change.at)  # a link starts or ends: build again
    assert later.written and not later.up_to_date and later.changed[0] > 0
    earlier = build(links, out, NOW)  # as of an earlier instant: that site, not this one
    assert earlier.written and not earlier.up_to_date and earlier.changed[0] > 0
    assert _stamps(out).keys() == stamps.keys()


def test_changing_one_link_writes_only_the_files_that_depend_on_it(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    text = (FIXTURES / "site.yaml").read_text(encoding="utf-8")
    links.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(links, out, NOW)
    stamps = _stamps(out)
    links.write_text(text.replace("https://github.com/acme", "https://github.com/acme-corp"))
    result = build(links, out, NOW)
    assert result.written and result.changed[1] == 0
    touched = {k for k, v in _stamps(out).items() if stamps.get(k) != v}
    # its page, and the one shard of the shared previews that holds its record
    assert {"gh.html", "_shortlinks/previews/0.json", MANIFEST} <= touched
    assert not any(name.startswith(("_qr/", "docs", "sale")) for name in touched), touched
    assert len(touched) == result.changed[0] + 1 < len(stamps) // 2


def test_pages_written_by_forked_workers_are_those_of_one_process(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import corpus

    links = tmp_path / "links.yaml"
    links.write_text(corpus.links_yaml(6000).replace("  domain: go.example.com\n", ""))
    one = build(links, tmp_path / "one", NOW, workers=1)
    two = build(links, tmp_path / "two", NOW, workers=2)
    assert one.written and two.written and one.files == two.files > 6000
    a, b = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    manifests = a.pop(MANIFEST), b.pop(MANIFEST)
    assert a == b
    lines = [sorted(m.decode().splitlines()[1:]) for m in manifests]
    assert lines[0] == lines[1] and len(lines[0]) == len(a)
    with links.open("a") as f:
        f.write("# read and rendered again, nothing to write\n")
    again = build(links, tmp_path / "two", NOW, workers=2)
    assert again.written and again.changed == (0, 0)


def test_a_file_of_the_last_build_may_become_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a": b"file"})
    write_site(out, {"a/b.html": b"in a folder"})
    assert (out / "a" / "b.html").read_bytes() == b"in a folder"
    write_site(out, {"a": b"file again"})
    assert (out / "a").read_bytes() == b"file again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no journal left
    (out / "a").unlink()
    (out / "a").mkdir()
    (out / "a" / "mine.txt").write_text("not ours")
    with pytest.raises(OutputError, match="did not write"):
        write_site(out, {"a": b"file"}, every=True)
    assert (out / "a" / "mine.txt").read_text() == "not ours"


@pytest.mark.parametrize("bad", ["../outside.txt", "/etc/hostname", "a/../../outside.txt"])
def test_a_manifest_naming_paths_outside_the_output_deletes_nothing(
    tmp_path: Path, bad: str
) -> None:
    """A manifest edited by hand, or restored from a cache, must not steer the deletions."""
    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})
    victim = tmp_path / "outside.txt"
    victim.write_text("precious")
    manifest = out / MANIFEST
    manifest.write_text(manifest.read_text() + f"{bad}\tffff\n")
    with pytest.raises(OutputError, match="outside it"):
        write_site(out, {"b.html": b"2"})
    assert victim.read_text() == "precious"
    assert (out / "a.html").read_bytes() == b"1"  # and the output is as it was


def test_a_users_link_in_place_of_our_folder_is_never_gone_through(tmp_path: Path) -> None:
    """A folder of ours replaced by a link to elsewhere: the files behind it are not ours
    to delete, and nothing is written through it."""
    out = tmp_path / "site"
    write_site(out, {"sub/a.html": b"1", "b.html": b"2"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.html").write_text("precious")
    for p in (out / "sub").iterdir():
        p.unlink()
    (out / "sub").rmdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    write_site(out, {"b.html": b"3"})  # sub/a.html is no longer built: it would be deleted
    assert (elsewhere / "a.html").read_text() == "precious"
    with pytest.raises(OutputError, match="did not write"):
        write_site(out, {"b.html": b"3", "sub/a.html": b"new"})  # nor written through
    assert (elsewhere / "a.html").read_text() == "precious"


def test_an_output_that_is_a_link_to_a_folder_updates_that_folder(tmp_path: Path) -> None:
    """'-o _site' may be a link to the folder a web server serves: the folder behind it
    is what gets swapped, and the link stays."""
    served = tmp_path / "www" / "site"
    served.mkdir(parents=True)
    link = tmp_path / "_site"
    link.symlink_to(served, target_is_directory=True)
    write_site(link, {"a.html": b"1"})
    write_site(link, {"a.html": b"2", "b.html": b"3"})
    assert link.is_symlink() and (served / "a.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "www"]


def test_leftovers_of_another_output_with_a_similar_name_are_left_alone(tmp_path: Path) -> None:
    other = tmp_path / ".site1.tmp-abc"
    other.mkdir()
    write_site(tmp_path / "site[1]", {"a.html": b"1"})
    assert other.is_dir()  # '[1]' is no glob class here


def test_with_no_room_for_a_second_tree_a_rebuild_falls_back_to_its_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tmpfs counts every hard link against its inodes: a million-link site may leave no
    room for the hard-link tree. The rebuild then applies its changes under the journal."""
    from generator import write

    out = tmp_path / "site"
    write_site(out, {"a.html": b"1", "b.html": b"2"})

    def full(src: Path, dst: Path, files: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_link_tree", full)
    result = write_site(out, {"a.html": b"new", "b.html": b"2", "c.html": b"3"})
    assert (result.written, result.removed) == (2, 0)
    assert snapshot(out) == {
        "a.html": b"new",
        "b.html": b"2",
        "c.html": b"3",
        MANIFEST: snapshot(out)[MANIFEST],
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_write_that_fails_is_said_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import write

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_take_all", full)
    result = build(FIXTURES / "site.yaml", tmp_path / "site", NOW)
    assert not result.written
    assert result.error is not None and "No space left on device" in result.error
    assert not (tmp_path / "site").exists()


def test_a_file_system_with_too_few_inodes_is_not_even_tried_for_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tmpfs counts each hard link against its inodes: with fewer free than the site has
    files, no link is made (at a million links cp made 740,000 and failed), and the
    rebuild is applied under the journal."""
    from generator import write

    out = tmp_path / "site"
    write_site(out, {"a.html": b"1", "b.html": b"2"})
    real = os.statvfs(out)

    class Full:
        f_files, f_favail = real.f_files or 1000, 10

    real_popen = write.subprocess.Popen

    def no_cp(cmd: list[str], *args: object, **kwargs: object) -> object:
        assert not str(cmd[0]).endswith("cp"), "cp was run"
        return real_popen(cmd, *args, **kwargs)

    def no_link(*args: object, **kwargs: object) -> None:
        raise AssertionError("a hard link was made")

    monkeypatch.setattr(write, "_links_use_inodes", lambda path: True)
    monkeypatch.setattr(write.os, "statvfs", lambda path: Full)
    monkeypatch.setattr(write.subprocess, "Popen", no_cp)
    monkeypatch.setattr(write.os, "link", no_link)
    result = write_site(out, {"a.html": b"new", "b.html": b"2"})
    assert (result.written, result.removed) == (1, 0)
    assert snapshot(out)["a.html"] == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_cp_is_stopped_at_its_first_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cp -al goes on after an error and prints one a file: it is stopped at the first,
    and that line is what is said (a cp that never ends would hang this test)."""
    from generator import write

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "cp"
    fake.write_text(
        "#!/bin/sh\n"
        "while :; do echo \"cp: cannot create hard link 'x': No space left on device\" >&2; done\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "src").mkdir()
    (tmp_path / "dst").mkdir()
    with pytest.raises(OSError, match="No space left on device"):
        write._link_tree(tmp_path / "src", tmp_path / "dst", 1)


def test_an_output_of_the_first_manifest_version_is_checked_for_foreign_files(
    tmp_path: Path,
) -> None:
    """A version-1 manifest lists the files without digests: a file it does not list is a
    user's, and the output is refused; one that lists them all is rebuilt whole."""
    import json

    out = tmp_path / "site"
    out.mkdir()
    (out / "a.html").write_bytes(b"old")
    # as version 1 wrote it: json.dumps(manifest, indent=0), over many lines
    v1 = json.dumps({"generator": "shortlinks", "files": ["a.html"]}, indent=0) + "\n"
    assert v1.startswith("{\n")
    (out / MANIFEST).write_text(v1)
    check_output(out)  # every file is listed
    write_site(out, {"a.html": b"new"})
    assert snapshot(out)["a.html"] == b"new"

    (out / MANIFEST).write_text(v1)
    (out / "mine.txt").write_bytes(b"a user's")
    with pytest.raises(OutputError, match="1 file\\(s\\) that shortlinks did not write"):
        check_output(out)


def test_only_file_systems_that_count_links_as_inodes_are_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On ext4 or xfs a hard link costs no inode: few free inodes there say nothing, and
    the tree is tried (the atomic swap), not skipped for the journal."""
    from generator import write

    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})

    class Full:
        f_files, f_favail = 1000, 10

    tried: list[int] = []
    real_tree = write._link_tree

    def spy(src: Path, dst: Path, files: int) -> None:
        tried.append(files)
        real_tree(src, dst, files)

    monkeypatch.setattr(write, "_links_use_inodes", lambda path: False)
    monkeypatch.setattr(write.os, "statvfs", lambda path: Full)
    monkeypatch.setattr(write, "_link_tree", spy)
    write_site(out, {"a.html": b"2"})
    assert tried and snapshot(out)["a.html"] == b"2"


def test_which_file_system_a_folder_is_on_is_read_off_the_longest_mount_point() -> None:
    from generator.write import _links_use_inodes

    mounts = (
        "overlay / overlay rw 0 0\n"
        "tmpfs /dev/shm tmpfs rw,nosuid 0 0\n"
        "/dev/vda /dev/shm/disk ext4 rw 0 0\n"
        "tmpfs /srv/my\\040site tmpfs rw 0 0\n"
    )
    assert _links_use_inodes(Path("/dev/shm/_site"), mounts)
    assert _links_use_inodes(Path("/dev/shm"), mounts)
    assert not _links_use_inodes(Path("/dev/shm/disk/_site"), mounts)
    assert not _links_use_inodes(Path("/dev/shmx/_site"), mounts)  # not under /dev/shm
    assert not _links_use_inodes(Path("/home/me/_site"), mounts)
    assert _links_use_inodes(Path("/srv/my site/_site"), mounts)  # '\\040' is a space
    assert not _links_use_inodes(Path("/srv/x"), "garbage")


def test_a_folder_the_walk_cannot_read_is_never_swapped_in_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without GNU cp the tree is made by a walk, which would skip a folder it cannot read
    and so swap it in empty: the walk fails instead, and the journal applies the rebuild
    in place, leaving the folder as it is."""
    from generator import write

    out = tmp_path / "site"
    write_site(out, {"a.html": b"1"})
    (out / "private").mkdir()
    (out / "private" / "mine.txt").write_bytes(b"a user's")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(write.shutil, "which", lambda name: None)
    monkeypatch.setattr(os, "scandir", scandir)
    result = write_site(out, {"a.html": b"2"})
    monkeypatch.undo()
    assert result.written == 1
    assert snapshot(out)["a.html"] == b"2"
    assert snapshot(out)["private/mine.txt"] == b"a user's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_interrupted_cp_is_not_left_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while cp makes the tree: cp is killed, not left linking into a folder that
    is being deleted."""
    import signal
    import time

    from generator import write

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "cp.pid"
    fake = bin_dir / "cp"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "src").mkdir()
    (tmp_path / "dst").mkdir()

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            write._link_tree(tmp_path / "src", tmp_path / "dst", 1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    pid = int(pid_file.read_text())
    for _ in range(50):  # killed and reaped: the pid is gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("cp was left running")
