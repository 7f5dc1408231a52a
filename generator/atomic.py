"""Replace one file in one step, the only way the generator replaces a user's file.

Why a module of its own: every command that rewrites a file (links.yaml, links.lock, an
export, a QR code, the build's own bookkeeping) needs the same four guarantees, and each
copy of them drifted. A fixed temporary name such as ``.links.lock.tmp`` opened with
``write_text`` follows a symlink planted at that name (a pull request can commit one), so
a maintainer running ``shortlinks lock`` would overwrite whatever the link points at.

- The temporary file is new: ``tempfile.mkstemp`` creates it with ``O_CREAT | O_EXCL``
  (and ``O_NOFOLLOW`` where the platform has it) under a random name in the target's own
  folder, so nothing already there, a symlink least of all, is ever written through, and
  the rename stays on one file system.
- It is whole before it takes the target's name: written, flushed and ``fsync``-ed, then
  ``os.replace``-d over the target (atomic on POSIX), and the folder is synced after.
- The target keeps its permission bits; a new file gets those ``open()`` would give it
  (0666 less the umask), not mkstemp's 0600.
- Any failure removes the temporary file and leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into; on leaving the block without an
    error it becomes ``path`` in one step. ``durable``: fsync the file and its folder (off
    only for scratch files that a crash may lose)."""
    path = Path(path)
    folder = path.parent
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            fd = -1  # the file object owns it now
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if durable:
        _sync_folder(folder)


def replace_file(path: Path, data: bytes | str, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step."""
    with replacing(path, durable) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a platform or file system that cannot open or sync
    a folder keeps the file anyway."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
