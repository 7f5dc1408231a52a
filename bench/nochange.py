"""What a rebuild with nothing to do costs beside a full build, at one size.

A no-change rebuild checks every file of the last build against the stamp its manifest
recorded (one ``stat`` a file) before it says ``Up to date``; this measures that, a repair
(files deleted after the build) and a rebuild that renders everything and writes nothing
(a comment added: each file kept is looked at), as shares of a full build, timed
alternately in one run so that the machine's load weighs on each case alike. Not a test:
nothing asserts a time.

    .venv/bin/python bench/nochange.py                      # 100,000 links on /dev/shm
    .venv/bin/python bench/nochange.py --links 10000 --runs 5
    .venv/bin/python bench/nochange.py --cache /dev/shm/qr  # keep the QR codes between runs

The first build makes the QR codes (minutes at 100,000 links) and is not counted; the full
builds after it find them in the cache, as any build after the first does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

NOW = "2026-11-25T12:00:00Z"


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
    parser.add_argument("--cache", help="QR code cache (default: one in the work folder)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shortlinks-nochange-", dir=args.dir))
    try:
        links = work / "links.yaml"
        links.write_text(corpus.links_yaml(args.links), encoding="utf-8")
        cache = args.cache or str(work / "cache")
        env = {**os.environ, "SHORTLINKS_CACHE": cache, "PYTHONPATH": str(ROOT)}
        out = work / "_site"
        build = [sys.executable, "-m", "generator", "build", "links.yaml", "-o", str(out)]
        build += ["--now", NOW]
        timed(build, work, env)  # the QR codes into the cache
        files = sum(len(names) for _root, _dirs, names in os.walk(out))
        full, nochange, repair, comment = [], [], [], []
        for run in range(args.runs):
            shutil.rmtree(out)
            full.append(timed(build, work, env)[0])
            took, said = timed(build, work, env)
            assert said.startswith("Up to date"), said
            nochange.append(took)
            for name in ("404.html", "index.html", "robots.txt"):
                (out / name).unlink()
            took, said = timed(build, work, env)
            assert "; 3 written, 0 removed" in said.splitlines()[0], said
            repair.append(took)
            with links.open("a", encoding="utf-8") as f:
                f.write(f"# a comment {run}\n")  # read, checked, rendered; nothing written
            took, said = timed(build, work, env)
            assert "; 0 written, 0 removed" in said.splitlines()[0], said
            comment.append(took)
        f, n, r, c = (statistics.median(x) for x in (full, nochange, repair, comment))
        print(f"{args.links:,} links, {files:,} files, medians of {args.runs} runs:")
        print(f"  full build         {f:7.2f} s  {[round(x, 2) for x in full]}")
        print(f"  no change          {n:7.2f} s  {n / f:6.1%} of the full build")
        print(f"  3 files repaired   {r:7.2f} s  {r / f:6.1%} of the full build")
        print(f"  a comment added    {c:7.2f} s  {c / f:6.1%} of the full build")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
