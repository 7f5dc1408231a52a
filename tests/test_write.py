"""The writer: all or nothing, never over a user's files, byte-identical rebuilds."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.build import build, up_to_date
from generator.write import MARKER, OutputError, check_output, marker, state_path, write_site
from tests.conftest import FIXTURES, NOW

STATE = [".site.manifest", "site"]  # beside an output 'site': itself and its manifest


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
    assert snapshot(out) == {"c.html": b"3", MARKER: marker(2)}
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE  # no temp folders left


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
    assert sorted(p.name for p in tmp_path.iterdir()) == (STATE if first else [])


def test_stale_temp_folders_from_a_killed_build_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".site.tmp-abc123").mkdir()
    (tmp_path / ".site.tmp-abc123" / "x.html").write_bytes(b"half")
    for half in (".site.manifest.tmp", ".site.manifest.next.tmp", ".site.journal.tmp"):
        (tmp_path / half).write_text("cut off mid-wr")
    write_site(tmp_path / "site", {"a.html": b"1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


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
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


@pytest.mark.slow
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
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


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
    assert (again.written, again.removed) == (0, 0)
    assert _stamps(out) == before  # not one file touched, the marker neither
    changed = write_site(
        out, {**files, "a.html": b"one", "e.html": b"5"} | {"sub/deep/c.html": b"3"}
    )
    assert (changed.written, changed.removed) == (2, 0)
    after = _stamps(out)
    assert {k for k in before if after.get(k) != before[k]} == {"a.html", MARKER}
    smaller = write_site(out, {"a.html": b"one"})
    assert (smaller.written, smaller.removed) == (0, 4)
    assert snapshot(out) == {"a.html": b"one", MARKER: marker(3)}
    assert not (out / "sub").exists()  # emptied folders go too
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


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
    assert snapshot(out) == {"a.html": b"new", "b.html": b"new", "c.html": b"3", MARKER: marker(2)}
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE
    assert up_to_date(out, "", NOW) is None  # its manifest: the one of the new files
    assert write.read_manifest(out).generation == 2


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


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("swap", [True, False], ids=["swap", "journal"])
def test_a_file_rewritten_in_place_with_its_time_put_back_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    """Same size, same inode, the modification time set back (os.utime): only the ctime,
    which nobody can set back, tells. The build is not up to date and writes it again,
    and a build after that is up to date (the swap and the journal alike: each links or
    renames files into place before the manifest)."""
    import generator.write as write

    monkeypatch.setattr(write, "_swappable", lambda out: swap)
    links = tmp_path / "links.yaml"
    links.write_text((FIXTURES / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "site"
    build(links, out, NOW)
    for _ in range(2):  # a rebuild, swapped or journaled, is up to date as well
        (out / "gh.html").unlink()
        build(links, out, NOW)
        assert build(links, out, NOW).up_to_date
    page = out / "docs.html"
    good, st = page.read_bytes(), page.stat()
    evil = good.replace(b"https://", b"https:/x", 1)
    assert evil != good and len(evil) == len(good)
    with open(page, "r+b") as f:  # in place: the inode stays
        f.write(evil)
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        st.st_size, st.st_mtime_ns, st.st_ino
    )  # fmt: skip
    again = build(links, out, NOW)
    assert not again.up_to_date and again.written
    assert page.read_bytes() == good
    assert build(links, out, NOW).up_to_date


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
    assert {"gh.html", "_shortlinks/previews/0.json", MARKER} <= touched
    assert not any(name.startswith(("_qr/", "docs", "sale")) for name in touched), touched
    assert len(touched) == result.changed[0] + 1 < len(stamps) // 2


@pytest.mark.slow
def test_pages_written_by_forked_workers_are_those_of_one_process(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import corpus

    links = tmp_path / "links.yaml"
    links.write_text(corpus.links_yaml(6000).replace("  domain: go.example.com\n", ""))
    one = build(links, tmp_path / "one", NOW, workers=1)
    two = build(links, tmp_path / "two", NOW, workers=2)
    assert one.written and two.written and one.files == two.files > 6000
    # what the hosts' files said, made in a worker of their own, as one process says it
    assert (two.notes, two.rules, two.states) == (one.notes, one.rules, one.states)
    assert one.notes and sum(one.rules.values()) > 0
    a, b = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert a == b
    manifests = [state_path(tmp_path / name).read_text() for name in ("one", "two")]
    # the same paths and digests (the stamps are each file's own: inode, time)
    lines = [sorted(line.split("\t")[:2] for line in m.splitlines()[1:]) for m in manifests]
    assert lines[0] == lines[1] and len(lines[0]) == len(a) - 1  # not the marker
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
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE  # no journal left
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
    manifest = state_path(out)
    manifest.write_text(manifest.read_text() + f"{bad}\tffff\t0\t0\t0\n")
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
    assert sorted(p.name for p in served.parent.iterdir()) == [".site.manifest", "site"]


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
    assert snapshot(out) == {"a.html": b"new", "b.html": b"2", "c.html": b"3", MARKER: marker(2)}
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


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
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


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


def _v1(files: list[str]) -> str:
    """A manifest as version 1 wrote it in the output: json.dumps(manifest, indent=0)."""
    import json

    return json.dumps({"generator": "shortlinks", "files": files}, indent=0) + "\n"


def _v2(files: dict[str, bytes]) -> str:
    """A manifest as version 2 wrote it in the output: a header line, path<TAB>digest."""
    import json

    from generator.write import digest

    head = {"generator": "shortlinks", "version": 2, "inputs": "x", "summary": {}}
    return json.dumps(head) + "\n" + "".join(f"{k}\t{digest(v)}\n" for k, v in files.items())


@pytest.mark.parametrize("version", [1, 2])
def test_an_output_of_an_earlier_version_is_taken_over_and_its_manifest_goes(
    tmp_path: Path, version: int
) -> None:
    """Versions 1 and 2 kept the manifest in the output (published, with every slug): such
    a folder is still ours, updated, never refused. Its files are written again (it
    recorded no stamps), those it listed and this build does not write are deleted, a
    file it did not list is a user's and stays, and the manifest inside is gone."""
    from generator.write import MANIFEST

    out = tmp_path / "site"
    (out / "sub").mkdir(parents=True)
    old = {"a.html": b"old", "gone.html": b"old", "sub/b.html": b"2"}
    for rel, data in old.items():
        (out / rel).write_bytes(data)
    (out / "mine.txt").write_bytes(b"a user's")
    (out / MANIFEST).write_text(_v1(list(old)) if version == 1 else _v2(old))
    assert (out / MANIFEST).read_text().startswith("{\n" if version == 1 else '{"generator"')
    check_output(out)  # ours: not refused
    result = write_site(out, {"a.html": b"new", "sub/b.html": b"2"})
    assert (result.written, result.removed) == (2, 2)  # gone.html and the old manifest
    assert snapshot(out) == {
        "a.html": b"new",
        "sub/b.html": b"2",
        "mine.txt": b"a user's",
        MARKER: marker(1),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE
    again = write_site(out, {"a.html": b"new", "sub/b.html": b"2"})
    assert (again.written, again.removed) == (0, 0)


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
    assert sorted(p.name for p in tmp_path.iterdir()) == STATE


@pytest.mark.slow
def test_an_interrupted_cp_is_not_left_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while cp makes the tree: cp is killed, not left linking into a folder that
    is being deleted. No timer: the interrupt comes where the build waits for cp."""
    from generator import write

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "cp"
    fake.write_text("#!/bin/sh\nexec sleep 300\n")  # a cp that would go on for minutes
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "src").mkdir()
    (tmp_path / "dst").mkdir()
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    class Interrupted:
        """cp's error output, where Ctrl-C lands while the build waits on it."""

        def __init__(self, real: object) -> None:
            self.real = real

        def readline(self) -> bytes:
            raise KeyboardInterrupt

        def close(self) -> None:
            self.real.close()  # type: ignore[attr-defined]

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc)
        proc.stderr = Interrupted(proc.stderr)
        return proc

    monkeypatch.setattr(write.subprocess, "Popen", popen)
    with pytest.raises(KeyboardInterrupt):
        write._link_tree(tmp_path / "src", tmp_path / "dst", 1)
    assert len(started) == 1
    assert started[0].returncode == -9  # killed, and reaped before the interrupt went on
    with pytest.raises(ProcessLookupError):
        os.kill(started[0].pid, 0)


# A site that does not list its links: slugs chosen so that no other text holds them.
UNLISTED = """\
site:
  domain: go.example.com
  links_json: false
links:
  zqxopen: https://github.com/acme
  zqxlater:
    url: https://shop.example.com/later
    starts: 2027-01-01
    aliases: [zqxsoon]
  zqxending:
    url: https://shop.example.com/ending
    title: Sale
    expires: 2027-03-01
"""
UNLISTED_SLUGS = ("zqxopen", "zqxlater", "zqxsoon", "zqxending")
# the next change (zqxlater starts), as a date and as a Unix time in seconds (and ms)
NEXT_CHANGE = ("2027-01-01", "1798761600")


def _own_files(slug: str) -> set[str]:
    """The files of one link, which only someone who knows the slug can ask for (its
    preview page and QR code files only with 'preview: files' and 'qr: files')."""
    return {f"{slug}.html", f"{slug}+.html", f"_qr/{slug}.svg", f"_qr/{slug}.png"}


def _assert_lists_no_link(site: Path, hosts: tuple[str, ...] | None) -> None:
    """No byte of any file of ``site`` names a slug but the link's own files, and no
    file but the scheduled link's own says when it starts. Left out: the rule files of
    the hosts built for (none by default), which those hosts keep to themselves
    (tests/test_unlisted.py)."""
    from generator.hosts import HOSTS, UNLISTED_DEFAULT

    rule_files = {
        f
        for name in (hosts or UNLISTED_DEFAULT)  # the default of an unlisted site
        for f in HOSTS[name].files
        if f not in ("CNAME", ".nojekyll")  # GitHub Pages' files hold no rule
    }
    files = snapshot(site)
    assert MARKER in files and len(files) > 10
    for rel, data in files.items():
        if rel in rule_files:
            continue
        for slug in UNLISTED_SLUGS:
            if rel not in _own_files(slug) | _own_files("zqxlater"):  # an alias's page too
                assert slug.encode() not in data, f"{rel} names {slug}"
        if rel not in _own_files("zqxlater") | _own_files("zqxsoon"):
            for when in NEXT_CHANGE:
                assert when.encode() not in data, f"{rel} says when zqxlater starts"


@pytest.mark.parametrize("hosts", [("github-pages",), None], ids=["github-pages", "default"])
def test_a_site_that_does_not_list_its_links_publishes_no_slug(
    tmp_path: Path, hosts: tuple[str, ...] | None
) -> None:
    """With links_json: false nothing published lists the links: the build's manifest
    (every path, so every slug, and the link that changes next) is kept beside the
    output, never in it; a first build, a rebuild and a repair alike."""
    links = tmp_path / "links.yaml"
    links.write_text(UNLISTED)
    out = tmp_path / "site"
    first = build(links, out, NOW, hosts=hosts)
    assert first.written and first.next_change is not None
    assert first.next_change.slug == "zqxlater"
    _assert_lists_no_link(out, hosts)
    links.write_text(UNLISTED.replace("/acme", "/acme-corp"))
    (out / "404.html").unlink()
    assert build(links, out, NOW, hosts=hosts).changed[0] > 1
    _assert_lists_no_link(out, hosts)
    # the manifest is beside it, with what it must know; nothing else is
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".site.lock",
        ".site.manifest",
        "links.yaml",
        "site",
    ]
    manifest = state_path(out).read_text()
    assert "zqxlater.html\t" in manifest and '"zqxlater"' in manifest


def test_a_site_of_several_domains_that_does_not_list_its_links_publishes_no_slug(
    tmp_path: Path,
) -> None:
    """site.domains: each domain's folder is published; their manifests are beside them
    (in the build's folder, which no workflow publishes: scripts/site-folders.sh)."""
    import json

    links = tmp_path / "links.yaml"
    links.write_text(
        UNLISTED.replace(
            "  domain: go.example.com\n",
            "  domains:\n    - go.example.com\n    - sale.example.cn\n",
        ).replace("  zqxending:\n", "  zqxending:\n    domains: all\n")
    )
    out = tmp_path / "_site"
    result = build(links, out, NOW)
    assert result.error is None and result.written, result.problems
    for name in ("go.example.com", "sale.example.cn"):
        _assert_lists_no_link(out / name, None)
    assert json.loads((out / "domains.json").read_text())["domains"] == [
        "go.example.com",
        "sale.example.cn",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        ".go.example.com.manifest",
        ".sale.example.cn.manifest",
        "domains.json",
        "go.example.com",
        "sale.example.cn",
    ]


def _fixture_site(tmp_path: Path) -> tuple[Path, Path]:
    links = tmp_path / "links.yaml"
    links.write_text((FIXTURES / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return links, tmp_path / "site"


def test_up_to_date_is_never_believed_over_a_damaged_output(tmp_path: Path) -> None:
    """A file deleted, truncated, edited in place or replaced after a build: the next
    build is not 'up to date'; it writes exactly those files again, and nothing else."""
    links, out = _fixture_site(tmp_path)
    first = build(links, out, NOW)
    assert first.written
    good = snapshot(out)
    (out / "404.html").unlink()
    (out / "CNAME").unlink()
    with open(out / "gh.html", "r+b") as f:
        f.truncate(10)
    with open(out / "docs.html", "r+b") as f:  # the same size, written in place
        f.write(b"X")
    replaced = out / "sale.html"
    replaced.unlink()
    replaced.write_bytes(good["sale.html"])  # the same bytes, another file
    stamps = _stamps(out)
    again = build(links, out, NOW)
    assert not again.up_to_date and again.written
    assert again.changed == (5, 0)
    assert snapshot(out) == {**good, MARKER: marker(2)}
    touched = {k for k, v in _stamps(out).items() if stamps.get(k) != v}
    assert touched == {"404.html", "CNAME", "gh.html", "docs.html", "sale.html", MARKER}
    assert build(links, out, NOW).up_to_date


def test_a_damaged_output_is_repaired_by_any_rebuild_not_only_a_no_change_one(
    tmp_path: Path,
) -> None:
    """A change to the links file and a damaged file at once: both are written."""
    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    good = snapshot(out)
    (out / "404.html").unlink()
    links.write_text(links.read_text().replace("https://github.com/acme", "https://gh.example"))
    result = build(links, out, NOW)
    assert result.written and (out / "404.html").read_bytes() == good["404.html"]
    assert b"https://gh.example" in (out / "gh.html").read_bytes()


def test_an_output_whose_manifest_is_lost_is_refused_until_forced(tmp_path: Path) -> None:
    """The folder is ours (its marker), but which files are ours is lost with the
    manifest beside it (the folder copied or restored alone): the build says so and
    writes nothing; --force takes the folder over, replacing only the files it writes
    and keeping every other one."""
    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    (out / "mine.txt").write_text("a user's")
    state_path(out).unlink()
    before = snapshot(out)
    refused = build(links, out, NOW)
    assert not refused.written and refused.error is not None
    assert "is missing or of another build" in refused.error and "--force" in refused.error
    assert snapshot(out) == before
    forced = build(links, out, NOW, force=True)
    assert forced.written and forced.error is None
    assert (out / "mine.txt").read_text() == "a user's"
    assert any(
        "1 file(s) this build does not write were kept (mine.txt)" in n for n in forced.notes
    )
    assert build(links, out, NOW).up_to_date


def test_a_manifest_of_another_build_is_not_believed(tmp_path: Path) -> None:
    """The manifest beside the output must be of the build in it (the marker's number):
    one left from another build (a folder restored from a backup) is not used."""
    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    saved = state_path(out).read_bytes()
    build(links, out, NOW, force=True)  # the next build: marker 2
    state_path(out).write_bytes(saved)  # the manifest of build 1
    refused = build(links, out, NOW)
    assert refused.error is not None and "is missing or of another build" in refused.error


def _hold_lock(out: Path) -> int:
    """Take ``out``'s build lock as a build would, writing this process's id into it."""
    import fcntl

    from generator.write import lock_path

    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(out), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


NOW_ARGS = ("--now", "2026-11-25T08:00:00Z", "--no-cache")  # NOW, on the command line


def _cli_build(links: Path, out: Path) -> subprocess.Popen[str]:
    import sys

    from tests.conftest import ROOT

    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(links), "-o", str(out), *NOW_ARGS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_second_build_of_the_same_output_waits_for_the_first(tmp_path: Path) -> None:
    """The lock is held here, as by a build: a build of the same output says once whom
    it waits for and touches nothing until the lock is free; then it builds. No timing:
    its message comes before it waits, and it cannot go on while the lock is held."""
    links, out = _fixture_site(tmp_path)
    fd = _hold_lock(out)
    try:
        proc = _cli_build(links, out)
        assert proc.stderr is not None
        said = proc.stderr.readline()
        assert said == f"another build is writing {out} (pid {os.getpid()}); waiting...\n"
        assert proc.poll() is None  # still waiting
        assert not out.exists()  # and nothing written, nothing cleaned beside it
        assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "links.yaml"]
    finally:
        os.close(fd)  # the lock goes with it
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert stdout.startswith(f"Built {out}/: ") and stderr == ""
    assert (out / "404.html").is_file() and (out / "CNAME").is_file()


@pytest.mark.slow
def test_two_builds_started_at_once_leave_one_whole_site(tmp_path: Path) -> None:
    """Two builds of one output started together (the lock held until both wait): one
    builds, the other waits and then finds the site up to date; the output is complete."""
    links, out = _fixture_site(tmp_path)
    reference = tmp_path / "reference"
    build(links, reference, NOW)
    fd = _hold_lock(out)
    try:
        procs = [_cli_build(links, out) for _ in range(2)]
        for proc in procs:
            assert proc.stderr is not None
            assert proc.stderr.readline().endswith("; waiting...\n")
    finally:
        os.close(fd)
    said = sorted(proc.communicate(timeout=300)[0].split(":")[0] for proc in procs)
    assert [proc.returncode for proc in procs] == [0, 0]
    assert said == [f"Built {out}/", "Up to date"]
    assert snapshot(out) == snapshot(reference)


def test_a_build_refused_for_its_place_makes_no_lock_file(tmp_path: Path) -> None:
    """An output no build may use (the folder of links.yaml, here) is refused before
    anything is made beside it."""
    links = tmp_path / "links.yaml"
    links.write_text("links:\n  gh: https://github.com/acme\n")
    result = build(links, tmp_path, NOW)
    assert result.error is not None and "it contains links.yaml" in result.error
    assert sorted(p.name for p in tmp_path.parent.iterdir() if tmp_path.name in p.name) == [
        tmp_path.name
    ]


def test_serve_builds_under_the_lock_and_rebuilds(tmp_path: Path) -> None:
    """serve builds into a folder of its own, under the same lock: the first build and
    a rebuild after the links file changed both happen, and say so."""
    from generator.commands.serve import Preview

    links, _out = _fixture_site(tmp_path)
    said: list[str] = []
    preview = Preview(links, lambda: NOW, said.append)
    try:
        assert (preview.root / "._site.lock").is_file()
        assert (preview.root / "._site.manifest").is_file()
        links.write_text(links.read_text().replace("https://github.com/acme", "https://gh.x"))
        assert preview.rebuild()
        assert b"https://gh.x" in (preview.folder / "gh.html").read_bytes()
        assert said[0].split(" for ")[0] == "built 34 files"
        assert said[1].startswith("rebuilt: 8 files changed (8 written, 0 removed; 34 files")
        assert len(said) == 2
    finally:
        preview.close()


@pytest.mark.slow
def test_a_domain_taken_off_the_list_keeps_the_users_files_in_its_folder(
    tmp_path: Path,
) -> None:
    """Only the files the build wrote go with the domain; a file of the user's in that
    folder stays, and so does the folder."""
    from tests.test_domains import TWO

    links = tmp_path / "links.yaml"
    links.write_text(TWO)
    out = tmp_path / "_site"
    assert build(links, out, NOW, cache_dir=None).written
    (out / "sale.example.cn" / "mine.txt").write_text("a user's")
    kept = TWO.split("links:")[1].split("  sale@")[0]
    links.write_text("site:\n  domains:\n    - go.example.com\nlinks:" + kept)
    result = build(links, out, NOW, cache_dir=None)
    assert result.error is None, result.error
    assert snapshot(out / "sale.example.cn") == {"mine.txt": b"a user's"}
    assert not (out / ".sale.example.cn.manifest").exists()
    assert any("kept 1 of yours" in n for n in result.notes), result.notes


def test_a_journal_beside_the_output_that_is_not_ours_is_said_not_raised(tmp_path: Path) -> None:
    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    journal = tmp_path / ".site.journal"
    journal.write_text('{"stage": "../elsewhere", "replace": ["../x"], "remove": []}')
    result = build(links, out, NOW)
    assert (
        not result.written
        and result.error == f"{journal} is not a journal shortlinks wrote: remove it"
    )
    journal.unlink()
    assert build(links, out, NOW).up_to_date


@pytest.mark.slow
@pytest.mark.parametrize("damaged", [None, 0, 1, 18, 19], ids=lambda d: f"file-{d}")
def test_the_files_are_looked_at_in_shares_by_several_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged: int | None
) -> None:
    """A big manifest's lines are shared out to forked processes (here, with a share of a
    few bytes, to three): a file changed in any share, first or last line of it, is seen."""
    from generator import write

    monkeypatch.setattr(write, "_SHARE", 1)
    out = tmp_path / "site"
    files = {f"p{i:02d}.html": b"x" * i for i in range(20)}
    write_site(out, files, header={"inputs": "i", "built_at": NOW.isoformat()})
    if damaged is not None:
        (out / f"p{damaged:02d}.html").write_bytes(b"y" * damaged + b"!")
    looked = up_to_date(out, "i", NOW, workers=3)
    assert (looked is None) == (damaged is not None)
    assert up_to_date(out, "i", NOW, workers=1) == looked


@pytest.mark.parametrize("how", ["deleted", "garbled"])
def test_an_output_whose_marker_is_lost_is_still_ours_and_gets_it_back(
    tmp_path: Path, how: str
) -> None:
    """The marker deleted by hand (or left out by a tool that skips dotfiles): the
    manifest beside the folder still describes it (its files have the stamps it
    recorded), so the folder is not refused as someone else's: the marker is written
    again and nothing else."""
    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    good = snapshot(out)
    if how == "deleted":
        (out / MARKER).unlink()
    else:
        (out / MARKER).write_text("{")
    stamps = _stamps(out)
    result = build(links, out, NOW)
    assert result.error is None and not result.up_to_date and result.changed == (0, 0)
    assert snapshot(out) == {**good, MARKER: marker(2)}
    assert {k for k, v in _stamps(out).items() if stamps.get(k) != v} == {MARKER}
    assert build(links, out, NOW).up_to_date


def test_a_manifest_beside_a_folder_that_is_not_the_one_it_describes_is_not_used(
    tmp_path: Path,
) -> None:
    """The output removed and a folder of the user's put in its place: the manifest left
    beside it lists none of its files as they are, so the folder is refused, untouched."""
    import shutil

    links, out = _fixture_site(tmp_path)
    build(links, out, NOW)
    shutil.rmtree(out)
    out.mkdir()
    (out / "index.html").write_text("my own site")
    (out / "gh.html").write_text("mine too")
    result = build(links, out, NOW)
    assert result.error is not None and "was not created by shortlinks" in result.error
    assert snapshot(out) == {"index.html": b"my own site", "gh.html": b"mine too"}
