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

The manifest lists every file the generator wrote, so it names every slug and the link
that changes next: it is kept *beside* the output (``.<output>.manifest``), never in the
published folder. Inside the output only a marker (``.shortlinks``) says that the folder
is ours and which build it is (a number that grows by one with each build that changes
it, nothing else); the manifest is believed only when it is of that build, and only for
the files whose size, modification time and inode are still those it recorded: a file
deleted, truncated or replaced since is written again. The manifest also records what
the generator owns: it deletes only files it wrote, and refuses to write over a file it
did not write. A build holds ``.<output>.lock`` (flock) from its first look at the
output to its last change of it, so two builds never write one output at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import glob
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import parallel
from .atomic import replace_file, replacing

try:
    import fcntl
except ImportError:  # not a POSIX system: builds are not locked (docs/output.md)
    fcntl = None  # type: ignore[assignment]

MARKER = ".shortlinks"  # in the output: ours, and of which build (its generation)
MANIFEST = ".shortlinks-manifest.json"  # versions 1 and 2 kept the manifest in the output
_VERSION = 3
_RENAME_EXCHANGE = 2  # linux/fs.h
# A file's stamp as the manifest records it: size, modification time (ns), inode.
_STAMP = struct.Struct("<QqQ")
_DIGEST = 12  # bytes of a file's blake2b digest


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


# Where a build can be stopped by tests (tests/test_kill.py), in the order they come:
# SHORTLINKS_STOP_AT=<stage> kills the build there with SIGKILL, as a power cut would.
STAGES = (
    "writing",  # the first file written, the forked workers still writing theirs
    "worker",  # a forked worker, after its first file: the build fails, nothing changes
    "written",  # every file of the build written beside the output
    "state",  # the next manifest written beside the output; the output untouched
    "assembled",  # (swap) the next output assembled beside the served one
    "journal",  # (no swap) the journal written: from here on the next build finishes it
    "applying",  # (no swap) half of the journal applied to the output
    "applied",  # (no swap) all of it applied, the journal not yet removed
    "swapped",  # the new output in place, its manifest not yet the current one
    "promoted",  # its manifest the current one, the previous output not yet deleted
)
_STOP = os.environ.get("SHORTLINKS_STOP_AT")  # read once: it is looked at for every file


def _stop_at(stage: str) -> None:
    """For tests only: be killed at ``stage`` when SHORTLINKS_STOP_AT names it (the forked
    workers first, so that nothing of the build runs on)."""
    if stage == _STOP:
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Manifest:
    """What the last build wrote into an output.

    ``files`` maps each path to its digest and the stamp the manifest recorded (packed:
    12 + 24 bytes, less memory than the hex digest alone), or to ``b""`` when the file
    must be written again whatever it holds: the manifest recorded no stamp (versions 1
    and 2) or ``--force``. A file is kept only while it has its recorded stamp (not
    deleted, truncated or replaced since). Version 3: a JSON header line, then one
    ``path<TAB>digest<TAB>size<TAB>mtime_ns<TAB>inode`` line a file (slugs never hold tabs
    or line breaks)."""

    files: dict[str, bytes] = field(default_factory=dict)
    header: dict = field(default_factory=dict)
    generation: int = 0  # the marker's: 0 for versions 1 and 2
    legacy: bool = False  # version 1 or 2, whose manifest is inside the output
    unrecorded: bool = False  # our marker, but no manifest of that build beside it
    adopted: bool = False  # taken over by --force: files not built again are kept
    unmarked: bool = False  # its files are in the output, but the marker is gone


def state_path(out: Path) -> Path:
    """The manifest of ``out``: beside it, so that it is never published."""
    return out.parent / f".{out.name}.manifest"


def _next_state(out: Path) -> Path:
    return out.parent / f".{out.name}.manifest.next"


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _generation_of(out: Path) -> int | None:
    """The generation named by ``out``'s marker; None: no marker of ours."""
    try:
        with open(out / MARKER, encoding="utf-8") as f:
            data = json.loads(f.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != "shortlinks":
        return None
    generation = data.get("generation")
    if type(generation) is not int or generation < 1:
        return None
    return generation


def marker(generation: int) -> bytes:
    """What ``MARKER`` holds in the output of build number ``generation``."""
    return (json.dumps({"generator": "shortlinks", "generation": generation}) + "\n").encode()


def _state_head(line: str) -> dict | None:
    try:
        head = json.loads(line)
    except ValueError:
        return None
    if (
        not isinstance(head, dict)
        or head.get("generator") != "shortlinks"
        or head.get("version") != _VERSION
        or type(head.get("generation")) is not int
    ):
        return None
    return head


def _state_generation(path: Path) -> int | None:
    try:
        with open(path, encoding="utf-8") as f:
            head = _state_head(f.readline())
    except OSError:
        return None
    return head["generation"] if head is not None else None


def read_manifest(out: Path, header_only: bool = False) -> Manifest | None:
    """The manifest of ``out``, or None when the folder is not ours (no marker, no
    manifest of an earlier version inside). Our marker without a manifest of its build
    beside it gives an ``unrecorded`` one: the folder is ours, its files unknown."""
    generation = _generation_of(out)
    if generation is None:
        return _read_legacy(out, header_only) or _read_unmarked(out)
    try:
        with open(state_path(out), encoding="utf-8") as f:
            head = _state_head(f.readline())
            if head is None or head["generation"] != generation:
                return Manifest(generation=generation, unrecorded=True)
            header = {
                k: v for k, v in head.items() if k not in ("generator", "version", "generation")
            }
            if header_only:
                return Manifest({}, header, generation)
            return Manifest(_recorded_files(f), header, generation)
    except (OSError, ValueError):
        return Manifest(generation=generation, unrecorded=True)


def _read_unmarked(out: Path) -> Manifest | None:
    """Our manifest beside a folder whose marker is gone (deleted by hand, or left out by
    a tool that skips dotfiles): the folder is the one it describes when a file it lists
    still has the stamp it recorded (the same inode, time and size: the very file
    written). The next build writes the marker again."""
    try:
        with open(state_path(out), encoding="utf-8") as f:
            head = _state_head(f.readline())
            if head is None:
                return None
            files = _recorded_files(f)
    except (OSError, ValueError):
        return None
    root = os.fspath(out)
    sealed = _sealed(state_path(out)) or -1
    for rel, recorded in files.items():
        try:
            st = os.stat(os.path.join(root, rel), follow_symlinks=False)
        except (OSError, ValueError):
            continue
        if st.st_ctime_ns > sealed:
            continue
        if _STAMP.pack(st.st_size, st.st_mtime_ns, st.st_ino) == recorded[_DIGEST:]:
            break
    else:
        return None
    header = {k: v for k, v in head.items() if k not in ("generator", "version", "generation")}
    return Manifest(files, header, head["generation"], unmarked=True)


def _read_legacy(out: Path, header_only: bool) -> Manifest | None:
    """A manifest of version 1 or 2, inside the output: its files are ours (they are all
    written again: it recorded no stamps), and the manifest itself goes."""
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
            if header_only:
                return Manifest(legacy=True)
            if head.get("version") == 2:  # a JSON header line, then path<TAB>digest lines
                files = {line.partition("\t")[0]: b"" for line in f if line.strip()}
                return Manifest(files, legacy=True)
            data = whole if whole is not None else json.loads(first + f.read())
            return Manifest({str(p): b"" for p in data["files"]}, legacy=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stamp_text(st: os.stat_result) -> str:
    return f"{st.st_size}\t{st.st_mtime_ns}\t{st.st_ino}"


def _recorded_files(lines: Iterable[str]) -> dict[str, bytes]:
    """The manifest's lines: each path with its digest and recorded stamp. Whether a file
    still has that stamp is looked at where it matters, when a build would keep the file
    (``_Sink.take``, in every worker), not in a pass of its own."""
    pack = _STAMP.pack
    files: dict[str, bytes] = {}
    for line in lines:
        path, digest_hex, size, mtime, inode = line.rstrip("\n").split("\t")
        files[path] = bytes.fromhex(digest_hex) + pack(int(size), int(mtime), int(inode))
    return files


_SHARE = 1 << 20  # bytes of manifest lines at least for each process that looks at files


def _intact(out: Path, manifest: Path, first: int, workers: int) -> bool:
    """Whether every file the manifest lists from byte ``first`` on is there with the
    stamp it recorded. ``workers`` > 1: that many processes (forked) look at a share of
    the lines each, as a build's workers write a share of the pages."""
    end = manifest.stat().st_size
    workers = max(1, min(workers, (end - first) // _SHARE or 1))
    bounds = [first + (end - first) * i // workers for i in range(workers + 1)]
    checks = [
        partial(_intact_share, out, manifest, first, bounds[i], bounds[i + 1])
        for i in range(workers)
    ]
    return parallel.all_true(checks, setup=_in_worker)


def _intact_share(out: Path, manifest: Path, first: int, lo: int, hi: int) -> bool:
    """``_intact`` for the lines that start between bytes ``lo`` and ``hi``."""
    try:
        root = os.open(out, os.O_RDONLY | os.O_DIRECTORY)  # paths from here: shorter walks
    except OSError:
        return False
    try:
        return _intact_lines(root, manifest, first, lo, hi)
    finally:
        os.close(root)


def _intact_lines(root: int, manifest: Path, first: int, lo: int, hi: int) -> bool:
    stat = os.stat
    sealed = _sealed(manifest)
    if sealed is None:
        return False
    with open(manifest, "rb") as f:
        f.seek(lo - 1 if lo > first else first)
        if lo > first:
            f.readline()  # to the start of the first line that starts at lo or after
        at = f.tell()
        while at < hi:
            lines = f.readlines(1 << 20)
            if not lines:
                break
            for line in lines:
                if at >= hi:
                    return True
                at += len(line)
                path, _, rest = line.partition(b"\t")
                try:
                    st = stat(path, dir_fd=root, follow_symlinks=False)
                except (OSError, ValueError):
                    return False
                if st.st_ctime_ns > sealed or rest[2 * _DIGEST + 1 : -1] != b"%d\t%d\t%d" % (
                    st.st_size,
                    st.st_mtime_ns,
                    st.st_ino,
                ):
                    return False
    return True


def _sealed(manifest: Path) -> int | None:
    """When the manifest took its place (its ctime, in ns), or None without one.

    A file's size, mtime and inode can all be put back after its bytes were rewritten in
    place (os.utime), but not its ctime: the kernel sets it to now on any change, and no
    call sets it back. Every file of a build is in its place (written, linked, renamed:
    each bumps its ctime) before the manifest is renamed over the old one, last, which
    bumps the manifest's ctime; so a file whose ctime is later than the manifest's was
    changed after the build. Comparing with the manifest's ctime rather than recording
    each file's own keeps the manifest as it was, and costs nothing: the files are
    stat-ed anyway."""
    try:
        return os.stat(manifest).st_ctime_ns
    except OSError:
        return None


def _seal(manifest: Path) -> None:
    """Bump the manifest's ctime to now (a chmod to its own mode), after something that
    bumps the ctime of files it lists without changing them: removing the other links of
    their inodes (the previous tree of a swap, by the build or, killed before, by the next
    one's ``settle``). A file changed in place between a killed build and the next is
    therefore not seen by that next build; ``--force`` writes every file."""
    with contextlib.suppress(OSError):
        os.chmod(manifest, os.stat(manifest).st_mode & 0o7777)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=_DIGEST).hexdigest()


def _present_files(out: Path) -> set[str]:
    """Every file under ``out`` but our marker and manifest; a link to a folder counts as
    a file (it is not gone through)."""
    found = set()
    for root, dirs, names in os.walk(out):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in [*names, *links]:
            rel = os.path.relpath(os.path.join(root, name), out)
            found.add(rel.replace(os.sep, "/"))
    found.discard(MANIFEST)
    found.discard(MARKER)
    return found


def check_location(out: Path, links_file: Path | None = None) -> None:
    """Refuse an output that no build may replace, whatever it holds: ``/``, the home
    folder, the folder of the links file, a git repository, something not a folder."""
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
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out} exists and is not a folder: remove it or choose another -o")


def check_output(out: Path, links_file: Path | None = None) -> None:
    """Refuse any output folder whose replacement could lose a user's files."""
    check_location(out, links_file)
    target = out.resolve()
    if not target.exists() or not any(target.iterdir()):
        return
    # the header alone: a million links' manifest is 2.3 million lines (360 MB in memory)
    if read_manifest(target, header_only=True) is None:
        raise OutputError(_not_ours(out))


def _not_ours(out: Path) -> str:
    return (
        f"{out} is not empty and was not created by shortlinks; "
        "empty it, remove it, or choose another -o"
    )


def _unrecorded(out: Path) -> str:
    return (
        f"{out} was written by shortlinks, but the list of the files it wrote there "
        f"({state_path(out)}) is missing or of another build: it cannot tell its files from "
        f"yours. Build with --force to take the folder over (files this build writes are "
        f"replaced, every other file is kept), or remove {out} and build again"
    )


_LOCKS: list[int] = []  # the lock files this process holds: forked workers close theirs


@contextlib.contextmanager
def output_lock(out: Path, blocked: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold the build lock of ``out`` (``.<name>.lock`` beside it, never in the published
    folder): another build of the same output waits until this one is done. ``blocked``
    is told once, with the process id of the build holding it, before waiting. The lock
    is the kernel's (flock): a build killed at any moment releases it. The file stays,
    empty between builds (removing it would let two builds lock two different files)."""
    out = out.absolute()
    if out.is_symlink():
        out = out.resolve()
    if fcntl is None:
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(out), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if blocked is not None:
                blocked(_holder(fd))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _LOCKS.append(fd)
        try:
            yield
        finally:
            _LOCKS.remove(fd)
            os.ftruncate(fd, 0)  # no build holds it: no process id to name
    finally:
        os.close(fd)  # the lock goes with it


def _holder(fd: int) -> int | None:
    """The process id the build holding the lock wrote into it (None: not yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _in_worker() -> None:
    """A forked worker does not hold its parent's lock: were the parent killed, the lock
    is free at once, whatever the workers do."""
    for fd in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCKS.clear()


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
    _promote(out)
    journal.unlink()
    shutil.rmtree(stage, ignore_errors=True)
    return True


def _promote(out: Path) -> None:
    """Make the next manifest the current one when the output is now of its build (its
    marker says so); else it is of a build that never got its output in: gone."""
    nxt = _next_state(out)
    if not nxt.exists():
        return
    generation = _generation_of(out)
    if generation is not None and _state_generation(nxt) == generation:
        os.replace(nxt, state_path(out))
    else:
        nxt.unlink()


def settle(out: Path) -> None:
    """Bring ``out`` to where a build can start, after one that was killed: finish its
    journal, keep its manifest if its output got in (else drop it), and remove the
    temporary folders it left (a stage, the next output, the previous one after a swap).
    Only under the output's lock (``output_lock``): they may be another build's."""
    recover(out)
    _promote(out)
    for half in (state_path(out), _next_state(out), _journal(out)):  # cut off mid-write
        with contextlib.suppress(FileNotFoundError):
            half.with_name(half.name + ".tmp").unlink()  # the name of earlier versions
        for stale in half.parent.glob(f".{glob.escape(half.name)}.*.tmp"):  # atomic.py's
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
    name = glob.escape(out.name)  # '-o site[1]' must not match '.site1.tmp-*'
    removed = False
    for pattern in (f".{name}.tmp-*", f".{name}.old-*", f".{name}.stage-*"):
        for stale in out.parent.glob(pattern):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
                removed = True
    if removed:  # the previous tree of a swap killed before removing it shares inodes
        _seal(state_path(out))


def retire(out: Path) -> list[str]:
    """Remove the output ``out`` of a build that is no more (a domain taken off
    site.domains): the files the manifest lists and its marker, the folders they leave
    empty, the manifest beside it. Anything else is a user's and stays: those are
    returned (when there are any, the folder stays too)."""
    manifest = read_manifest(out)
    if manifest is None:
        return sorted(_present_files(out))
    ours = [rel for rel in manifest.files if _safe_rel(rel)]
    _apply(out, out, [], [*ours, MARKER, MANIFEST])
    kept = sorted(_present_files(out))
    if not kept:
        shutil.rmtree(out, ignore_errors=True)  # empty folders only, by now
    for path in (state_path(out), _next_state(out)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return kept


Header = dict | Callable[[], dict]
Content = bytes | Iterable[bytes]  # jsonout.Chunks: a big file made as it is written
Pairs = Iterable[tuple[str, Content]]
# what each process makes of the files it wrote and their sizes (write_site's ``lister``)
Lister = Callable[[Iterator[tuple[str, int]]], object]
# the sinks of one output: the files written here and by the workers (``_take_all``)
_Take = Callable[[Path, Path, "dict[str, bytes] | None", Pairs], "list[_Sink]"]
_PART = ".shortlinks-part-"  # a sink's manifest lines, inside the folder it writes
Written = tuple[bytes, str]  # a file's digest, and its stamp as the manifest records it


class _Folder:
    """Writes files under one root, making each folder once. Files are opened relative
    to the root's descriptor: the kernel then walks only their own path, not the root's
    every time (a tenth of the writer's time at 100,000 files)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.made: set[str] = {""}
        self.fd: int | None = None  # the root's, opened at the first write

    def __enter__(self) -> _Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def write(self, rel: str, data: Content) -> Written:
        """Write one file: its digest and stamp. ``data``: bytes, or chunks of them as
        they are made."""
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            os.makedirs(os.path.join(self.root, parent), exist_ok=True)
            self.made.add(parent)
        if self.fd is None:
            self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        fd = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666, dir_fd=self.fd)
        try:
            if isinstance(data, bytes):
                done = os.write(fd, data)  # a page: all of it at once
                if done < len(data):
                    _write_all(fd, data[done:])
                made = hashlib.blake2b(data, digest_size=_DIGEST).digest()
            else:
                h = hashlib.blake2b(digest_size=_DIGEST)
                for chunk in data:
                    h.update(chunk)
                    _write_all(fd, chunk)
                made = h.digest()
            # moved and hard-linked from here on, never written: the stamp stays
            return made, _stamp_text(os.fstat(fd))
        finally:
            os.close(fd)

    def remove(self, rel: str) -> None:
        os.unlink(os.path.join(self.root, rel))


def _write_marker(root: Path, generation: int) -> None:
    with _Folder(root) as folder:
        folder.write(MARKER, marker(generation))


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


def _foreign(out: Path, rel: str, before: Mapping[str, bytes]) -> bool:
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
    kept: list[str] = field(default_factory=list)  # --force over an unrecorded output


def last_header(out: Path) -> dict | None:
    """The header the last build of ``out`` gave ``write_site``, when that build's output
    is the one in place (its marker, its manifest beside it, no journal to finish);
    else None."""
    if _journal(out).exists():
        return None
    generation = _generation_of(out)
    if generation is None:
        return None
    try:
        with open(state_path(out), "rb") as f:
            head = _state_head(f.readline().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if head is None or head["generation"] != generation:
        return None
    return {k: v for k, v in head.items() if k not in ("generator", "version", "generation")}


def intact(out: Path, workers: int = 1) -> bool:
    """Whether every file the last build wrote into ``out`` is still there as it wrote it
    (the stamp its manifest recorded: a ``stat`` a file, no file read, in ``workers``
    processes)."""
    manifest = state_path(out)
    try:
        with open(manifest, "rb") as f:
            f.readline()
            first = f.tell()
        return _intact(out, manifest, first, workers)
    except (OSError, ValueError):
        return False


class _Sink:
    """Writes a stream of files under ``root``: all of them, or with ``before`` (the last
    manifest) only those that differ, refusing any that would land on a file we did not
    write. Its manifest lines go to a file, not to memory: 4.5 million at a million links."""

    def __init__(self, root: Path, out: Path, before: dict[str, bytes] | None, n: int):
        self.folder = _Folder(root)
        self.out = out
        self.before = before
        self.n = n
        self.sealed: int | None = None  # the old manifest's ctime (_sealed), once needed
        self.part = root / f"{_PART}{n}"
        self.changed: list[str] = []
        self.clashes: list[str] = []
        self.report: object = None  # a worker's stream's own report, if it has one
        self.listed: object = None  # what ``lister`` made of its files (write_site)

    def take(self, pairs: Pairs, lister: Lister | None = None) -> _Sink:
        before, folder, out = self.before, self.folder, self.out
        kept = self.kept
        lines: list[str] = []
        first = True
        with open(self.part, "w", encoding="utf-8") as part, folder:
            for rel, data in pairs:
                if before is None:
                    d, stamp = folder.write(rel, data)
                else:
                    old = before.get(rel, b"")
                    if isinstance(data, bytes):
                        d = hashlib.blake2b(data, digest_size=_DIGEST).digest()
                        if old[:_DIGEST] == d and (stamp := kept(rel, old)):
                            pass  # the same bytes, and the file as it was written
                        elif _foreign(out, rel, before):
                            self.clashes.append(rel)
                            stamp = "0\t0\t0"
                        else:
                            d, stamp = folder.write(rel, data)
                            self.changed.append(rel)
                    else:  # made as it is written: staged, then kept only if it differs
                        d, stamp = folder.write(rel, data)
                        if old[:_DIGEST] == d and (same := kept(rel, old)):
                            folder.remove(rel)
                            stamp = same
                        elif _foreign(out, rel, before):
                            folder.remove(rel)
                            self.clashes.append(rel)
                        else:
                            self.changed.append(rel)
                lines.append(f"{rel}\t{d.hex()}\t{stamp}\n")
                if first:
                    first = False
                    _stop_at("writing" if self.n == 0 else "worker")
                if len(lines) >= 4096:
                    part.writelines(lines)
                    lines.clear()
            part.writelines(lines)
        if lister is not None:  # its own files counted here, beside the other processes
            self.listed = lister(_part_listing(self.part))
        return self

    def kept(self, rel: str, old: bytes) -> str:
        """The recorded stamp of ``rel`` when the file in the output still has it (then
        it can be kept: the digest says its bytes are this build's); else "" (deleted,
        truncated, edited or replaced since: written again)."""
        try:
            st = os.stat(os.path.join(self.out, rel), follow_symlinks=False)
        except (OSError, ValueError):
            return ""
        size, mtime, inode = _STAMP.unpack(old[_DIGEST:])
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (size, mtime, inode):
            return ""
        if self.sealed is None:
            self.sealed = _sealed(state_path(self.out)) or -1
        if st.st_ctime_ns > self.sealed:  # rewritten in place, its mtime put back
            return ""
        return f"{size}\t{mtime}\t{inode}"


def _take_all(
    root: Path,
    out: Path,
    before: dict[str, bytes] | None,
    files: Pairs,
    shards: list[Callable[[], Pairs]],
    waiting: Callable[[], None] | None,
    lister: Lister | None,
) -> list[_Sink]:
    """``files`` written here while each of ``shards`` is written by a forked worker
    (parallel.py)."""
    there = [
        partial(_take_shard, root, out, before, n, make, lister) for n, make in enumerate(shards, 1)
    ]
    mine, theirs = parallel.side_by_side(
        lambda: _Sink(root, out, before, 0).take(files, lister), there, waiting, setup=_in_worker
    )
    sinks = [mine]
    for n, (changed, clashes, report, listed) in enumerate(theirs, 1):
        sink = _Sink.__new__(_Sink)
        sink.part, sink.changed, sink.clashes = root / f"{_PART}{n}", changed, clashes
        sink.report, sink.listed = report, listed
        sinks.append(sink)
    return sinks


def _take_shard(
    root: Path,
    out: Path,
    before: dict[str, bytes] | None,
    n: int,
    make: Callable[[], Pairs],
    lister: Lister | None,
) -> tuple[list[str], list[str], object, object]:
    """In a worker: its share written, and what the parent needs of its sink (its lines
    are in its part file), with the stream's ``report`` once it has all come, if it has
    one (render.py's ``Rendered``), and what ``lister`` made of its files."""
    stream = make()
    sink = _Sink(root, out, before, n).take(stream, lister)
    return sink.changed, sink.clashes, getattr(stream, "report", None), sink.listed


def _write_state(path: Path, sinks: list[_Sink], header: dict, generation: int) -> int:
    """Join the sinks' lines under the header into the manifest ``path`` (whole, or not
    there at all: written aside and renamed); count the files."""
    count = 0
    with replacing(path) as f:
        head = {"generator": "shortlinks", "version": _VERSION, "generation": generation}
        first = json.dumps({**head, **header}, ensure_ascii=False, sort_keys=True) + "\n"
        f.write(first.encode("utf-8"))
        for sink in sinks:
            with open(sink.part, "rb") as part:  # whole lines: copied a megabyte at a time
                for chunk in iter(lambda p=part: p.read(1 << 20), b""):
                    f.write(chunk)
                    count += chunk.count(b"\n")
    return count


def _count_lines(sinks: list[_Sink]) -> int:
    total = 0
    for sink in sinks:
        with open(sink.part, "rb") as part:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda p=part: p.read(1 << 20), b""))
    return total


def _part_listing(path: Path) -> Iterator[tuple[str, int]]:
    """Each file a sink wrote or kept and its size (from the stamp of its manifest line)."""
    with open(path, encoding="utf-8") as part:
        for line in part:
            rel, _digest, size, _rest = line.split("\t", 3)
            yield rel, int(size)


def _drop_parts(sinks: list[_Sink]) -> None:
    for sink in sinks:
        with contextlib.suppress(FileNotFoundError):
            sink.part.unlink()


def _next_generation(out: Path) -> int:
    """One more than any build of ``out`` has had: the marker's, the manifest's."""
    return 1 + max(
        _generation_of(out) or 0,
        _state_generation(state_path(out)) or 0,
        _state_generation(_next_state(out)) or 0,
    )


def write_site(
    out: Path,
    files: Mapping[str, bytes] | Pairs,
    header: Header | None = None,
    counted: Callable[[int], None] | None = None,
    shards: Sequence[Callable[[], Pairs]] = (),
    waiting: Callable[[], None] | None = None,
    every: bool = False,
    lister: Lister | None = None,
    listed: Callable[[list[object]], None] | None = None,
    reports: Callable[[list[object]], None] | None = None,
) -> WriteResult:
    """Make ``out`` hold exactly ``files``, writing only what differs from the last build.

    ``header`` is kept in the manifest (the inputs' digest, until when the site is valid,
    a summary) for ``up_to_date``; a function is called once every file has come, so it
    can say what rendering them found. ``counted`` is told how many files there are.
    ``shards``: more streams of files, each written by a forked worker process while this
    one writes ``files`` (a build's pages, on every core); ``waiting`` is called now and
    then meanwhile (the progress bar). ``every``: write every file, whatever the manifest
    says (``build --force``), and take over an output of ours whose manifest is lost.
    ``lister`` is given, in each process, the files it wrote or kept and their sizes
    (here, the marker's too), and ``listed`` what it made of each, once all are written
    and before any is in place: it may still stop the build by raising (nothing
    changes then; generator/limits.py does when a host cannot take them).
    ``reports`` is given, before ``header`` is asked for, the ``report`` of each of
    ``shards``' streams (None for a stream without one). The caller holds the output's
    lock (``output_lock``)."""
    out = out.absolute()
    if out.is_symlink():  # the folder it points to is the output: swap that one, not the link
        out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    settle(out)
    pairs = sorted(files.items()) if isinstance(files, Mapping) else files
    old = _last_build(out, every)
    generation = _next_generation(out)

    def head(sinks: list[_Sink]) -> dict:
        if reports is not None:
            reports([sink.report for sink in sinks[1:]])
        if counted is not None:
            counted(_count_lines(sinks))
        if listed is not None and lister is not None:
            marked = lister(iter([(MARKER, len(marker(generation)))]))
            listed([*(sink.listed for sink in sinks), marked])
        return (header() if callable(header) else header) or {}

    take = partial(_take_all, shards=list(shards), waiting=waiting, lister=lister)
    if old is None:
        return _write_fresh(out, pairs, take, head, generation)
    if every:  # what is on disk may differ from what the manifest says: compare nothing
        old.files = dict.fromkeys(old.files, b"")
    return _write_changes(out, old, pairs, take, head, generation)


def _last_build(out: Path, every: bool) -> Manifest | None:
    """The manifest of the build in ``out`` (None: nothing there); OutputError when
    ``out`` is not ours, or its manifest is lost and not ``every``."""
    if not (out.is_dir() and any(out.iterdir())):
        return None
    old = read_manifest(out)
    if old is None:
        raise OutputError(_not_ours(out))
    if old.unrecorded:
        if not every:
            raise OutputError(_unrecorded(out))
        present = _present_files(out)  # ours to replace where this build writes
        old = Manifest(dict.fromkeys(present, b""), {}, old.generation, adopted=True)
    return old


def _write_fresh(
    out: Path,
    pairs: Pairs,
    take: _Take,
    head: Callable[[list[_Sink]], dict],
    generation: int,
) -> WriteResult:
    """Everything into a new folder, swapped in at once."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    nxt = _next_state(out)
    result = WriteResult()
    swapped = False
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; web servers must read it
        sinks = take(tmp, out, None, pairs)
        _write_marker(tmp, generation)
        _stop_at("written")
        result.written = _write_state(nxt, sinks, head(sinks), generation)
        _drop_parts(sinks)
        _stop_at("state")
        if not out.exists():
            os.rename(tmp, out)
            swapped = True
            _stop_at("swapped")
            os.replace(nxt, state_path(out))
            _stop_at("promoted")
            return result
        if _exchange(tmp, out):
            swapped = True
            _stop_at("swapped")
            os.replace(nxt, state_path(out))
            _stop_at("promoted")
            shutil.rmtree(tmp)  # now holds the previous build
            return result
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
        os.rename(tmp, out)
        swapped = True
        _stop_at("swapped")
        os.replace(nxt, state_path(out))
        _stop_at("promoted")
        shutil.rmtree(old, ignore_errors=True)
        return result
    except BaseException:
        if not swapped:
            shutil.rmtree(tmp, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                nxt.unlink()
        raise


def _write_changes(
    out: Path,
    old: Manifest,
    pairs: Pairs,
    take: _Take,
    head: Callable[[list[_Sink]], dict],
    generation: int,
) -> WriteResult:
    """Only the files that differ, staged, then swapped in (or applied under a journal)."""
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))
    nxt = _next_state(out)
    result = WriteResult()
    committed = False  # the output has (or the journal will give it) the new files
    journaled = False  # the journal names the stage: it stays until the journal is done
    try:
        sinks = take(stage, out, old.files, pairs)
        _stop_at("written")
        _refuse_clashes(out, sinks)
        changed = [rel for sink in sinks for rel in sink.changed]
        header = head(sinks)
        removed = _removed(out, old, sinks, result)
        result.written, result.removed = len(changed), len(removed)
        if not changed and not removed and not old.adopted and not old.unmarked:
            if old.header != header:  # the manifest alone: one rename is atomic
                _write_state(nxt, sinks, header, old.generation)
                os.replace(nxt, state_path(out))
            return result
        _write_marker(stage, generation)
        replace = [*changed, MARKER]  # the marker last: a journal applied in part is old
        total = _write_state(nxt, sinks, header, generation)
        _drop_parts(sinks)
        _stop_at("state")
        previous = _swapped_in(out, stage, replace, removed, total + len(removed))
        if previous is not None:
            committed = True
            _stop_at("swapped")
            os.replace(nxt, state_path(out))
            _stop_at("promoted")
            shutil.rmtree(previous, ignore_errors=True)
            _seal(state_path(out))  # unlinking the previous tree's links bumped ctimes
            return result
        journal = _journal(out)
        replace_file(  # the point of no return: from here on, it is finished
            journal, json.dumps({"stage": stage.name, "replace": replace, "remove": removed})
        )
        committed = journaled = True
        _stop_at("journal")
        _apply(out, stage, replace, removed, halfway="applying")
        _stop_at("applied")
        _promote(out)
        journal.unlink()
        journaled = False
        return result
    finally:
        if not journaled:  # else the stage is what the journal finishes from
            shutil.rmtree(stage, ignore_errors=True)
        if not committed:
            with contextlib.suppress(FileNotFoundError):
                nxt.unlink()


def _refuse_clashes(out: Path, sinks: list[_Sink]) -> None:
    """OutputError when this build would write over files of ``out`` that are not ours."""
    clashes = [rel for sink in sinks for rel in sink.clashes]
    if clashes:
        shown = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
        raise OutputError(
            f"{out} holds {len(clashes)} file(s) that shortlinks did not write and would "
            f"now write ({shown}); move them away or choose another -o"
        )


def _removed(out: Path, old: Manifest, sinks: list[_Sink], result: WriteResult) -> list[str]:
    """The files of the last build (``old``) that this one no longer writes, to be removed,
    sorted; those of an adopted output are kept instead (``result.kept``)."""
    remaining = old.files  # what is left in it once this build's files are taken out
    for sink in sinks:
        with open(sink.part, encoding="utf-8") as part:
            for line in part:
                remaining.pop(line.partition("\t")[0], None)
    if old.adopted:  # not known to be ours: kept, and no longer listed
        result.kept = sorted(remaining)
        remaining = {}
    removed = sorted(remaining)
    unsafe = [rel for rel in removed if not _safe_rel(rel)]
    if unsafe:  # a manifest edited, or restored from elsewhere: never delete outside
        raise OutputError(
            f"the manifest of {out} lists {len(unsafe)} path(s) outside it "
            f"({', '.join(repr(u) for u in unsafe[:3])}): it was not written by "
            "shortlinks; remove the folder and build again"
        )
    if old.legacy:  # the manifest of an earlier version, inside the output: gone
        removed.append(MANIFEST)
    return removed


def _swapped_in(
    out: Path, stage: Path, replace: list[str], remove: list[str], files: int
) -> Path | None:
    """``_swap_in`` where the output can be swapped whole and a second tree fits; None:
    apply the changes under a journal instead."""
    if not _swappable(out):
        return None
    try:
        return _swap_in(out, stage, replace, remove, files)
    except _NoTree:
        return None  # no room for a second tree (tmpfs counts each hard link): the journal


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


def _swap_in(out: Path, stage: Path, replace: list[str], remove: list[str], files: int) -> Path:
    """The next output assembled beside ``out`` and swapped in at once: every file of
    ``out`` (ours and a user's alike) hard-linked into it, then the removed ones unlinked
    and the staged files moved in over theirs (a rename: the served inode is untouched).
    Until the swap, ``out`` is untouched; after it, ``out`` is the whole new site. Returns
    the folder now holding the previous output, for the caller to delete last (a kill
    before that leaves it for ``settle``)."""
    nxt = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        os.chmod(nxt, os.stat(out).st_mode & 0o7777)
        try:
            _link_tree(out, nxt, files)
        except OSError as exc:  # nothing staged was moved yet: the caller can still journal
            raise _NoTree(str(exc)) from exc
        _apply(nxt, stage, replace, remove)
        _stop_at("assembled")
        if not _exchange(nxt, out):
            raise OSError(f"could not swap {nxt} into {out}")
    except BaseException:
        shutil.rmtree(nxt, ignore_errors=True)
        raise
    return nxt


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


def _apply(
    out: Path, stage: Path, replace: list[str], remove: list[str], halfway: str | None = None
) -> None:
    """Delete the files no longer built, then move the staged files into place (in that
    order: a file of the last build may stand where a folder of this one goes, or the other
    way round). Repeatable: a second run after a kill finds the deleted files gone and the
    moved ones gone from the stage, and skips them. ``halfway``: the stage a test may stop
    at once half of it is done (``_stop_at``)."""
    middle = (len(remove) + len(replace)) // 2 if halfway else -1
    folders = set()
    for i, rel in enumerate(remove):
        if i == middle:
            _stop_at(halfway or "")
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
    for i, rel in enumerate(replace, len(remove)):
        if i == middle:
            _stop_at(halfway or "")
        src = stage / rel
        if not src.exists():
            continue
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(out / parent, exist_ok=True)
            made.add(parent)
        os.replace(src, out / rel)
