"""Put a rendered site on disk: all of it or none of it.

The site is written into a fresh folder beside the output and swapped in, so a
host or a person never sees half a build, and a build that dies (even by
SIGKILL) leaves the previous output as it was. A manifest records what we wrote:
the generator only ever replaces a folder that it created itself and that holds
nothing else, so it cannot destroy a user's files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
from pathlib import Path

MANIFEST = ".shortlinks-manifest.json"
_RENAME_EXCHANGE = 2  # linux/fs.h


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


def _owned_files(out: Path) -> set[str] | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return set(data["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
    owned = _owned_files(target)
    if owned is None:
        raise OutputError(
            f"{out} is not empty and was not created by shortlinks; "
            "empty it, remove it, or choose another -o"
        )
    foreign = sorted(_present_files(target) - owned)
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


def _clean_stale(out: Path) -> None:
    """Remove temporary folders left by builds that were killed."""
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.old-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def write_site(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` as the complete content of ``out``, replacing it atomically."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; web servers must read it
        for rel in sorted(files):
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
        manifest = {"generator": "shortlinks", "files": sorted(files)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=0) + "\n", encoding="utf-8")
        if not out.exists():
            os.rename(tmp, out)
            return
        if _exchange(tmp, out):
            shutil.rmtree(tmp)  # now holds the previous build
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
