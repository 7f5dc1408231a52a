"""Put a rendered site on disk: only what changed, never half of it, never a user's file.

The first build writes everything into a fresh folder beside the output and renames
it into place. Later builds compare each file with the manifest of the last one (a
digest per file) and touch only what differs: a rebuild with nothing new writes no
file at all, a one-link change writes that link's files and the rule files it is in.
Changed files are first written to a stage folder beside the output. The next output is
then assembled beside it, every unchanged file a hard link to the one being served
(same inode, same time stamp: nothing is copied or rewritten), and swapped in with one
atomic ``renameat2(RENAME_EXCHANGE)``: a build killed at any moment leaves the output
exactly as it was, or exactly the new one, never a mixture. Where the swap is not
possible (another system, an output folder that is a mount point), a journal
(``.<output>.journal``) lists the renames and deletions before they are applied in
place, and a build killed after it has its journal finished by the next one.
Files are streamed: a million-link site is never in memory.

The manifest (``.shortlinks-manifest.json``) also records what the generator owns:
it deletes only files it wrote, and refuses to write over a file it did not write.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MANIFEST = ".shortlinks-manifest.json"
_VERSION = 2
_RENAME_EXCHANGE = 2  # linux/fs.h


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


@dataclass
class Manifest:
    """What the last build wrote. Version 2: a JSON header line, then one
    ``path<TAB>digest`` line a file (slugs never hold tabs or line breaks)."""

    files: dict[str, str | None] = field(default_factory=dict)  # None: an old manifest
    header: dict = field(default_factory=dict)
    digests: bool = True  # False: version 1, which lists the files without their digests


def read_manifest(out: Path, header_only: bool = False) -> Manifest | None:
    """The manifest of ``out``, or None when there is none (or it is not ours)."""
    try:
        with open(out / MANIFEST, encoding="utf-8") as f:
            first = f.readline()
            try:
                head = json.loads(first)
                whole = None
            except ValueError:  # version 1 was one JSON object over many lines (indent=0)
                head = whole = json.loads(first + f.read())
            if not isinstance(head, dict) or head.get("generator") != "shortlinks":
                return None
            if head.get("version") != _VERSION:  # version 1: the files, with no digests
                data = whole if whole is not None else json.loads(first + f.read())
                return Manifest({str(p): None for p in data["files"]}, {}, digests=False)
            header = {k: v for k, v in head.items() if k not in ("generator", "version")}
            if header_only:
                return Manifest({}, header)
            files: dict[str, str | None] = {}
            for line in f:
                path, _, digest = line.rstrip("\n").partition("\t")
                files[path] = digest
            return Manifest(files, header)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _present_files(out: Path) -> set[str]:
    found = set()
    for root, _dirs, names in os.walk(out):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), out)
            found.add(rel.replace(os.sep, "/"))
    found.discard(MANIFEST)
    return found


def check_output(out: Path, links_file: Path | None = None) -> None:
    """Refuse any output folder whose replacement could lose a user's files."""
    target = out.resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise OutputError(f"refusing to write the site into {target}: choose a folder like _site")
    if links_file is not None:
        source = links_file.resolve()
        if target == source.parent or target in source.parents:
            raise OutputError(
                f"refusing to write the site into {out}: it contains {links_file.name}",
            )
    if (target / ".git").exists():
        raise OutputError(f"refusing to write the site into {out}: it is a git repository")
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"{out} exists and is not a folder: remove it or choose another -o")
    if not any(target.iterdir()):
        return
    # the header alone: a million links' manifest is 2.3 million lines (360 MB in memory)
    manifest = read_manifest(target, header_only=True)
    if manifest is None:
        raise OutputError(
            f"{out} is not empty and was not created by shortlinks; "
            "empty it, remove it, or choose another -o"
        )
    if manifest.digests:
        return  # updated file by file: others' files are left alone, and never written over
    foreign = sorted(_present_files(target) - set(manifest.files))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise OutputError(
            f"{out} holds {len(foreign)} file(s) that shortlinks did not write ({shown}); "
            "move them away or choose another -o"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _journal(out: Path) -> Path:
    return out.parent / f".{out.name}.journal"


def recover(out: Path) -> bool:
    """Finish the update of a build that was killed after its journal was written."""
    journal = _journal(out)
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    stage = out.parent / plan["stage"]
    paths = [*plan["replace"], *plan["remove"]]
    if (
        not str(plan["stage"]).startswith(f".{out.name}.stage-")
        or "/" in plan["stage"]
        or not all(isinstance(p, str) and _safe_rel(p) for p in paths)
    ):  # not a journal of ours: touch nothing it names
        raise OutputError(f"{journal} is not a journal shortlinks wrote: remove it")
    _apply(out, stage, plan["replace"], plan["remove"])
    journal.unlink()
    shutil.rmtree(stage, ignore_errors=True)
    return True


def clean_stale(out: Path) -> None:
    """Finish a killed build's journal and remove the temporary folders left by builds
    that were killed (a stage, the next output, the previous one after a swap)."""
    recover(out)
    name = glob.escape(out.name)  # '-o site[1]' must not match '.site1.tmp-*'
    for pattern in (f".{name}.tmp-*", f".{name}.old-*", f".{name}.stage-*"):
        for stale in out.parent.glob(pattern):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)


Header = dict | Callable[[], dict]
Content = bytes | Iterable[bytes]  # jsonout.Chunks: a big file made as it is written
Pairs = Iterable[tuple[str, Content]]
_PART = ".shortlinks-part-"  # a sink's manifest lines, inside the folder it writes


class _Folder:
    """Writes files under one root, making each folder once."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.made: set[str] = {""}

    def write(self, rel: str, data: Content) -> str:
        """Write one file; its digest. ``data``: bytes, or chunks of them as they are made."""
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            os.makedirs(os.path.join(self.root, parent), exist_ok=True)
            self.made.add(parent)
        fd = os.open(os.path.join(self.root, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            if isinstance(data, bytes):
                _write_all(fd, data)
                return digest(data)
            h = hashlib.blake2b(digest_size=12)
            for chunk in data:
                h.update(chunk)
                _write_all(fd, chunk)
            return h.hexdigest()
        finally:
            os.close(fd)

    def remove(self, rel: str) -> None:
        os.unlink(os.path.join(self.root, rel))


def _safe_rel(rel: str) -> bool:
    """A path the writer may touch: relative, below the folder, no '.' or '..' step."""
    return (
        bool(rel)
        and not rel.startswith("/")
        and "\\" not in rel
        and "\0" not in rel
        and all(part not in ("", ".", "..") for part in rel.split("/"))
    )


def _through_link(root: Path, rel: str) -> bool:
    """Whether a folder on the way to ``rel`` is a symbolic link (a user's): writing or
    deleting there would land outside the output folder."""
    path = str(root)
    for part in rel.split("/")[:-1]:
        path = os.path.join(path, part)
        if os.path.islink(path):
            return True
        if not os.path.isdir(path):
            return False
    return False


def _foreign(out: Path, rel: str, before: dict[str, str | None]) -> bool:
    """Whether writing ``rel`` would land on something not ours: a file we did not write,
    or a folder holding any file we did not write (a folder of only ours, left by a slug
    'a/b' when 'a' now has a page file, is emptied first by ``_apply``)."""
    if _through_link(out, rel):
        return True  # it would go through a user's link to elsewhere
    path = out / rel
    if not os.path.lexists(path):
        return False
    if path.is_symlink() or not path.is_dir():
        return rel not in before
    for root, _dirs, names in os.walk(path):
        for name in names:
            inner = os.path.relpath(os.path.join(root, name), out).replace(os.sep, "/")
            if inner not in before:
                return True
    return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@dataclass
class WriteResult:
    written: int = 0  # files created or replaced
    removed: int = 0
    unchanged: int = 0


def up_to_date(out: Path, inputs: str, now: datetime) -> dict | None:
    """The last build's header when it was made from exactly these inputs and no link has
    changed state between its instant and ``now`` (``built_at`` <= now < ``valid_until``):
    then there is nothing to do."""
    if _journal(out).exists():
        return None
    manifest = read_manifest(out, header_only=True)
    if manifest is None or manifest.header.get("inputs") != inputs:
        return None
    until = manifest.header.get("valid_until")
    if until is not None and now >= datetime.fromisoformat(until):
        return None
    built = manifest.header.get("built_at")  # a build 'as of' an earlier instant (--now)
    if built is None or now < datetime.fromisoformat(built):
        return None
    return manifest.header


class _Sink:
    """Writes a stream of files under ``root``: all of them, or with ``before`` (the last
    manifest) only those that differ, refusing any that would land on a file we did not
    write. Its manifest lines go to a file, not to memory: 4.5 million at a million links."""

    def __init__(self, root: Path, out: Path, before: dict[str, str | None] | None, n: int):
        self.folder = _Folder(root)
        self.out = out
        self.before = before
        self.part = root / f"{_PART}{n}"
        self.changed: list[str] = []
        self.clashes: list[str] = []

    def take(self, pairs: Pairs) -> _Sink:
        before, folder, out = self.before, self.folder, self.out
        lines: list[str] = []
        with open(self.part, "w", encoding="utf-8") as part:
            for rel, data in pairs:
                if before is None:
                    d = folder.write(rel, data)
                elif isinstance(data, bytes):
                    d = digest(data)
                    if before.get(rel) != d:
                        if _foreign(out, rel, before):
                            self.clashes.append(rel)
                        else:
                            folder.write(rel, data)
                            self.changed.append(rel)
                else:  # made as it is written: staged, then kept only if it differs
                    d = folder.write(rel, data)
                    if before.get(rel) == d:
                        folder.remove(rel)
                    elif _foreign(out, rel, before):
                        folder.remove(rel)
                        self.clashes.append(rel)
                    else:
                        self.changed.append(rel)
                lines.append(f"{rel}\t{d}\n")
                if len(lines) >= 4096:
                    part.writelines(lines)
                    lines.clear()
            part.writelines(lines)
        return self


# What forked workers run: set just before they start, so they inherit it with the plan.
_SHARDS: list[tuple[Callable[[], Pairs], Path, Path, dict | None]] = []


def _run_shard(i: int) -> tuple[list[str], list[str]]:
    make, root, out, before = _SHARDS[i]
    sink = _Sink(root, out, before, i + 1).take(make())
    return sink.changed, sink.clashes


def _take_all(
    root: Path,
    out: Path,
    before: dict | None,
    files: Pairs,
    shards: list[Callable[[], Pairs]],
    waiting: Callable[[], None] | None,
) -> list[_Sink]:
    """``files`` written here while each of ``shards`` is written by a forked worker."""
    if not shards:
        return [_Sink(root, out, before, 0).take(files)]
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    _SHARDS[:] = [(make, root, out, before) for make in shards]
    try:
        with ProcessPoolExecutor(len(shards), mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_run_shard, i) for i in range(len(shards))]
            sinks = [_Sink(root, out, before, 0).take(files)]
            pending = set(futures)
            while pending:
                _done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if waiting is not None:
                    waiting()
            for i, future in enumerate(futures):
                changed, clashes = future.result()  # a worker's error is raised here
                sink = _Sink.__new__(_Sink)
                sink.part, sink.changed, sink.clashes = root / f"{_PART}{i + 1}", changed, clashes
                sinks.append(sink)
            return sinks
    finally:
        _SHARDS.clear()


def _manifest(root: Path, sinks: list[_Sink], header: dict) -> int:
    """Join the sinks' lines under the header into ``root``'s manifest; count the files."""
    count = 0
    with open(root / MANIFEST, "w", encoding="utf-8") as f:
        head = {"generator": "shortlinks", "version": _VERSION, **header}
        f.write(json.dumps(head, ensure_ascii=False, sort_keys=True) + "\n")
        for sink in sinks:
            with open(sink.part, encoding="utf-8") as part:
                for line in part:
                    f.write(line)
                    count += 1
            sink.part.unlink()
    return count


def _count_lines(sinks: list[_Sink]) -> int:
    total = 0
    for sink in sinks:
        with open(sink.part, "rb") as part:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda p=part: p.read(1 << 20), b""))
    return total


def write_site(
    out: Path,
    files: Mapping[str, bytes] | Pairs,
    header: Header | None = None,
    counted: Callable[[int], None] | None = None,
    shards: Sequence[Callable[[], Pairs]] = (),
    waiting: Callable[[], None] | None = None,
    every: bool = False,
) -> WriteResult:
    """Make ``out`` hold exactly ``files``, writing only what differs from the last build.

    ``header`` is kept in the manifest (the inputs' digest, until when the site is valid,
    a summary) for ``up_to_date``; a function is called once every file has come, so it
    can say what rendering them found. ``counted`` is told how many files there are.
    ``shards``: more streams of files, each written by a forked worker process while this
    one writes ``files`` (a build's pages, on every core); ``waiting`` is called now and
    then meanwhile (the progress bar). ``every``: write every file, whatever the manifest
    says (repairs an output changed by hand: ``build --force``)."""
    out = out.absolute()
    if out.is_symlink():  # the folder it points to is the output: swap that one, not the link
        out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    pairs = sorted(files.items()) if isinstance(files, Mapping) else files
    old = read_manifest(out) if out.is_dir() and any(out.iterdir()) else None

    def head(sinks: list[_Sink]) -> dict:
        if counted is not None:
            counted(_count_lines(sinks))
        return (header() if callable(header) else header) or {}

    if old is None or (old.files and next(iter(old.files.values())) is None):
        return _write_fresh(out, pairs, list(shards), waiting, head)
    if every:  # what is on disk may differ from what the manifest says: compare nothing
        old = Manifest(dict.fromkeys(old.files, ""), old.header)
    return _write_changes(out, old, pairs, list(shards), waiting, head)


def _write_fresh(
    out: Path,
    pairs: Pairs,
    shards: list[Callable[[], Pairs]],
    waiting: Callable[[], None] | None,
    head: Callable[[list[_Sink]], dict],
) -> WriteResult:
    """Everything into a new folder, swapped in at once."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    result = WriteResult()
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; web servers must read it
        sinks = _take_all(tmp, out, None, pairs, shards, waiting)
        result.written = _manifest(tmp, sinks, head(sinks))
        if not out.exists():
            os.rename(tmp, out)
            return result
        if _exchange(tmp, out):
            shutil.rmtree(tmp)  # now holds the previous build
            return result
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_changes(
    out: Path,
    old: Manifest,
    pairs: Pairs,
    shards: list[Callable[[], Pairs]],
    waiting: Callable[[], None] | None,
    head: Callable[[list[_Sink]], dict],
) -> WriteResult:
    """Only the files that differ, staged, then applied under a journal."""
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))
    result = WriteResult()
    committed = False
    try:
        sinks = _take_all(stage, out, old.files, pairs, shards, waiting)
        clashes = [rel for sink in sinks for rel in sink.clashes]
        if clashes:
            shown = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
            raise OutputError(
                f"{out} holds {len(clashes)} file(s) that shortlinks did not write and would "
                f"now write ({shown}); move them away or choose another -o"
            )
        changed = [rel for sink in sinks for rel in sink.changed]
        header = head(sinks)
        remaining = old.files  # what is left in it once this build's files are taken out
        for sink in sinks:
            with open(sink.part, encoding="utf-8") as part:
                for line in part:
                    remaining.pop(line.partition("\t")[0], None)
        removed = sorted(remaining)
        unsafe = [rel for rel in removed if not _safe_rel(rel)]
        if unsafe:  # a manifest edited, or restored from elsewhere: never delete outside
            raise OutputError(
                f"the manifest of {out} lists {len(unsafe)} path(s) outside it "
                f"({', '.join(repr(u) for u in unsafe[:3])}): it was not written by "
                "shortlinks; remove the folder and build again"
            )
        total = _manifest(stage, sinks, header)
        result.written, result.removed = len(changed), len(removed)
        result.unchanged = total - len(changed)
        if not changed and not removed and old.header == header:
            return result  # not even the manifest is new
        if not changed and not removed:  # the manifest alone: one rename is atomic
            os.replace(stage / MANIFEST, out / MANIFEST)
            return result
        if _swappable(out):
            try:
                _swap_in(out, stage, [*changed, MANIFEST], removed, total + len(removed))
                return result
            except _NoTree:
                pass  # no room for a second tree (tmpfs counts each hard link): the journal
        journal = _journal(out)
        tmp = journal.with_name(journal.name + ".tmp")
        tmp.write_text(
            json.dumps({"stage": stage.name, "replace": [*changed, MANIFEST], "remove": removed}),
            encoding="utf-8",
        )
        os.replace(tmp, journal)  # the point of no return: from here on, it is finished
        committed = True
        _apply(out, stage, [*changed, MANIFEST], removed)
        journal.unlink()
        committed = False
        return result
    finally:
        if not committed:  # else the stage is what the journal finishes from
            shutil.rmtree(stage, ignore_errors=True)


def _swappable(out: Path) -> bool:
    """Whether ``out`` can be swapped whole: Linux, and not a mount point (a bind-mounted
    folder cannot be renamed). Tried on two empty folders beside it, the only sure test."""
    if os.path.ismount(out):
        return False
    a = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    b = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        return _exchange(a, b)
    finally:
        os.rmdir(a)
        os.rmdir(b)


def _swap_in(out: Path, stage: Path, replace: list[str], remove: list[str], files: int) -> None:
    """The next output assembled beside ``out`` and swapped in at once: every file of
    ``out`` (ours and a user's alike) hard-linked into it, then the removed ones unlinked
    and the staged files moved in over theirs (a rename: the served inode is untouched).
    Until the swap, ``out`` is untouched; after it, ``out`` is the whole new site; the
    leftover folder is the old one, deleted last (a kill before that leaves it for
    ``clean_stale``)."""
    nxt = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        os.chmod(nxt, os.stat(out).st_mode & 0o7777)
        try:
            _link_tree(out, nxt, files)
        except OSError as exc:  # nothing staged was moved yet: the caller can still journal
            raise _NoTree(str(exc)) from exc
        _apply(nxt, stage, replace, remove)
        if not _exchange(nxt, out):
            raise OSError(f"could not swap {nxt} into {out}")
    except BaseException:
        shutil.rmtree(nxt, ignore_errors=True)
        raise
    shutil.rmtree(nxt, ignore_errors=True)  # now the previous output
    shutil.rmtree(stage, ignore_errors=True)


_SPARE_INODES = 1024  # the tree's folders, and room left for anything else on the disk
# File systems that count every hard link against their inodes (Linux's shmem.c reserves
# an inode a link); on the others a link costs no inode, and the free ones say nothing.
_INODE_PER_LINK = frozenset({"tmpfs"})


def _links_use_inodes(path: Path, mounts: str | None = None) -> bool:
    """Whether ``path`` is on a file system that counts each hard link as an inode, read
    off the longest mount point above it in ``/proc/self/mounts``; False when unknown."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    where = os.path.realpath(path)
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # spaces, tabs and backslashes in a mount point are written in octal: '\040'
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind in _INODE_PER_LINK


class _NoTree(Exception):
    """The hard-link tree of the output could not be made (a full file system: tmpfs
    counts every hard link against its inodes, and 2.3 million files need as many again)."""


def _link_tree(src: Path, dst: Path, files: int) -> None:
    """``dst`` (empty) made a copy of ``src`` in hard links: folders made with their modes,
    files and symbolic links linked, nothing read or written. GNU cp does it in C, twice as
    fast as Python's walk (measured: 1.5 s against 3.0 s for 452,000 files on tmpfs);
    the walk is for systems without it. ``files``: about how many there are.

    A file system that counts each link against its inodes (tmpfs) and has fewer free than
    ``files`` is not even tried: at a million links the attempt made and deleted 740,000
    links for nothing. Past the first error cp is stopped: it would go on and print an error
    a file (1.3 GB of messages held in memory at a million links)."""
    if _links_use_inodes(src):
        fs = os.statvfs(src)
        if fs.f_files and fs.f_favail < files + _SPARE_INODES:
            raise OSError(
                errno.ENOSPC, f"{fs.f_favail} free inodes for a tree of about {files} files"
            )
    cp = shutil.which("cp")
    if cp is not None:
        with subprocess.Popen(
            [cp, "-al", "--", f"{src}/.", f"{dst}/"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ) as proc:
            try:
                assert proc.stderr is not None
                first = proc.stderr.readline()  # nothing until it fails, or ends well
                if first:
                    proc.kill()
                proc.stderr.close()
                code = proc.wait()
            except BaseException:  # interrupted: no cp left linking into a deleted tree
                proc.kill()
                raise
        if code == 0 and not first:
            return
        said = first.decode(errors="replace").strip()
        raise OSError(said or f"cp -al failed ({code})")

    def unreadable(exc: OSError) -> None:
        raise exc  # a folder the walk cannot read would be swapped in empty: never

    root = str(src)
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        rel = os.path.relpath(folder, root)
        target = os.path.join(dst, rel) if rel != "." else str(dst)
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):  # a link to a folder: kept as a link
                os.symlink(os.readlink(path), os.path.join(target, name))
            else:
                os.mkdir(os.path.join(target, name), os.stat(path).st_mode & 0o7777)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in names:
            os.link(os.path.join(folder, name), os.path.join(target, name), follow_symlinks=False)


def _apply(out: Path, stage: Path, replace: list[str], remove: list[str]) -> None:
    """Delete the files no longer built, then move the staged files into place (in that
    order: a file of the last build may stand where a folder of this one goes, or the other
    way round). Repeatable: a second run after a kill finds the deleted files gone and the
    moved ones gone from the stage, and skips them."""
    folders = set()
    for rel in remove:
        if _through_link(out, rel):
            continue  # a user's link to a folder now stands there: not ours to go through
        with contextlib.suppress(FileNotFoundError):
            os.unlink(out / rel)
        parent = rel.rpartition("/")[0]
        while parent:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    for folder in sorted(folders, key=lambda f: -f.count("/")):
        with contextlib.suppress(OSError):  # only when empty: it may hold another of ours
            os.rmdir(out / folder)
    made: set[str] = {""}
    for rel in replace:
        src = stage / rel
        if not src.exists():
            continue
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(out / parent, exist_ok=True)
            made.add(parent)
        os.replace(src, out / rel)
