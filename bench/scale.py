"""Build time and memory at scale, beside the floor and beside Hugo and MkDocs.

For each size N it generates a realistic links.yaml (bench/corpus.py) and measures whole
processes (start-up included), each case several times, reporting the median wall time
and the peak resident memory of the process:

- floor: bench/floor.py writes the very files of the build (their paths are taken from
  the build's manifest) from one fixed template, with no parsing or validation;
- first build: into an empty folder with an empty QR cache (the codes are made);
- full build: into an empty folder, the QR codes in the cache (the usual case: CI keeps
  the cache between runs, and a code depends only on its short URL);
- no change: the same command again;
- comment: a comment added to links.yaml: everything is read, checked and rendered
  again, and no file is written;
- one link: one link's target changed; the number of files written is reported;
- check: ``shortlinks check`` alone;
- Hugo (Debian's ``hugo``): one content page with N aliases, one redirect page each;
- MkDocs with mkdocs-redirects: one page and N redirects (N up to 100,000).

Not a test: nothing asserts a time. The figures to quote are the ratios, measured in one
run (these machines are shared). Run on tmpfs (the default) to measure the CPU's cost;
``--dir`` on a disk folder adds the disk's.

    .venv/bin/python bench/scale.py                        # 1k, 10k, 100k, 1M; writes nothing
    .venv/bin/python bench/scale.py --write docs/performance.md
    .venv/bin/python bench/scale.py --sizes 1000,10000 --runs 5

Sizes of a million links and more are built with ``site.qr: false`` (two million QR codes
would take half an hour to make once, and 4 GB of cache), and skip Hugo and MkDocs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

PYTHON = sys.executable
SHORTLINKS = [PYTHON, "-m", "generator"]
NOW = "2026-11-25T12:00:00Z"
HUGE = 1_000_000  # from here: no QR codes, no Hugo or MkDocs
OTHERS_UP_TO = 100_000


@dataclass
class Run:
    seconds: float
    rss_mb: float
    output: str = ""


@dataclass
class Case:
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    files: int = 0  # files the case writes (for the cost a file)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_mb for r in self.runs)


# The kernel's peak RSS of a process (wait4's ru_maxrss) starts from its parent's at the
# fork: this benchmark holds the corpus and the stamps of every file (gigabytes at a million
# links), which made the cases after the first builds report the benchmark's own memory
# (a no-change rebuild "948 MB"). So a small launcher starts each case and reports its wall
# time and peak; the launcher's own interpreter (about 10 MB) is the floor of that figure.
_LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    f.write(f"{seconds} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One whole process, started by the launcher: wall time and peak RSS, output kept."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as said:
        proc = subprocess.run(
            [PYTHON, "-c", _LAUNCHER, said.name, *cmd],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        out = proc.stdout.decode(errors="replace")
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{out[-2000:]}")
        seconds, maxrss_kb = said.read().split()
    return Run(float(seconds), int(maxrss_kb) / 1024, out)


def count_files(folder: Path) -> int:
    return sum(len(names) for _root, _dirs, names in os.walk(folder))


def stamps(folder: Path) -> dict[str, int]:
    """Each site file's modification time, but the marker's (a build number, written by
    every build that writes anything; the manifest is beside the folder)."""
    return {
        os.path.join(root, name): os.stat(os.path.join(root, name)).st_mtime_ns
        for root, _dirs, names in os.walk(folder)
        for name in names
        if not (root == str(folder) and name == ".shortlinks")
    }


def written(output: str) -> int:
    """'...; 12 written, 0 removed' in the build's first line."""
    first = output.splitlines()[0]
    return int(first.rsplit(";", 1)[1].split()[0]) if "written" in first else 0


def measure(n: int, work: Path, runs: int, others: bool) -> dict[str, Case]:
    print(f"== {n:,} links", flush=True)
    links = work / "links.yaml"
    text = corpus.links_yaml(n)
    if n >= HUGE:
        text = text.replace("  home:", "  qr: false\n  home:", 1)
    links.write_text(text, encoding="utf-8")
    env = {"SHORTLINKS_CACHE": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    out = work / "_site"
    build = [*SHORTLINKS, "build", "links.yaml", "-o", str(out), "--now", NOW]
    cases: dict[str, Case] = {}

    def case(name: str, times: int, prepare: object = None, cmd: list[str] = build) -> Case:
        c = cases.setdefault(name, Case())
        for _ in range(times):
            if callable(prepare):
                prepare()
            c.runs.append(run(cmd, work, env))
            print(f"   {name}: {c.runs[-1].seconds:.2f} s", flush=True)
        return c

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    case("first build", 1, clean)
    case("full build", runs, clean)
    before = stamps(out)
    nochange = case("no change", runs)
    nochange.note = f"{sum(before[k] != v for k, v in stamps(out).items())} site files written"

    comments = iter(range(1000))

    def add_comment() -> None:
        with open(links, "a", encoding="utf-8") as f:
            f.write(f"# a comment {next(comments)}\n")

    before = stamps(out)
    comment = case("comment", runs, add_comment)
    comment.note = f"{sum(before[k] != v for k, v in stamps(out).items())} site files written"

    flips = iter(range(1000))

    def change_one() -> None:
        body = links.read_text(encoding="utf-8")
        old, new = ("/p/0?", "/p/0b?") if next(flips) % 2 == 0 else ("/p/0b?", "/p/0?")
        links.write_text(body.replace(old, new, 1), encoding="utf-8")

    one = case("one link", runs, change_one)
    one.note = f"{max(written(r.output) for r in one.runs)} site files written"
    case("check", runs, cmd=[*SHORTLINKS, "check", "links.yaml"])

    # the floor: the same files, from a fixed template
    manifest = (work / "._site.manifest").read_text(encoding="utf-8").splitlines()[1:]
    paths = work / "paths.json"
    paths.write_text(json.dumps([line.split("\t")[0] for line in manifest]), encoding="utf-8")
    floor_out = work / "floor"

    def clean_floor() -> None:
        shutil.rmtree(floor_out, ignore_errors=True)
        floor_out.mkdir()

    clean()  # the build's own output is no longer needed: room on tmpfs
    floor = case(
        "floor", runs, clean_floor, [PYTHON, str(HERE / "floor.py"), str(paths), str(floor_out)]
    )
    floor.files = cases["full build"].files = cases["first build"].files = len(manifest)
    shutil.rmtree(floor_out, ignore_errors=True)

    if others and n <= OTHERS_UP_TO:
        hugo = shutil.which("hugo")
        if hugo:
            site = work / "hugo"
            make_hugo_site(site, n)
            public = site / "public"
            cases["Hugo"] = Case()
            case("Hugo", runs, lambda: shutil.rmtree(public, ignore_errors=True),
                 [hugo, "--quiet", "-s", str(site), "-d", str(public)])  # fmt: skip
            cases["Hugo"].files = count_files(public)
            cases["Hugo"].note = run([hugo, "version"], work).output.split()[1]
            shutil.rmtree(site, ignore_errors=True)
        mkdocs = shutil.which("mkdocs") or os.environ.get("MKDOCS")
        if mkdocs:
            site = work / "mkdocs"
            make_mkdocs_site(site, n)
            case("MkDocs", runs, lambda: shutil.rmtree(site / "site", ignore_errors=True),
                 [mkdocs, "build", "-q", "-f", str(site / "mkdocs.yml")])  # fmt: skip
            cases["MkDocs"].files = count_files(site / "site")
            shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(work / "cache", ignore_errors=True)
    return cases


def make_hugo_site(site: Path, n: int) -> None:
    """One page whose front matter lists N aliases: Hugo writes an alias page for each."""
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(
        'baseURL = "https://go.example.com/"\ndisableKinds = ["taxonomy", "term", "RSS", '
        '"sitemap", "robotsTXT", "404"]\n',
        encoding="utf-8",
    )
    aliases = "\n".join(f"  - /a{i}" for i in range(n))
    (site / "content" / "target.md").write_text(
        f"---\ntitle: target\naliases:\n{aliases}\n---\ntarget\n", encoding="utf-8"
    )
    (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (site / "layouts" / "_default" / "single.html").write_text("{{ .Content }}", encoding="utf-8")


def make_mkdocs_site(site: Path, n: int) -> None:
    """One page and N redirects to it (mkdocs-redirects writes a page for each)."""
    (site / "docs").mkdir(parents=True, exist_ok=True)
    (site / "docs" / "index.md").write_text("# target\n", encoding="utf-8")
    maps = "\n".join(f"        'a{i}.md': 'index.md'" for i in range(n))
    (site / "mkdocs.yml").write_text(
        f"site_name: bench\nplugins:\n  - redirects:\n      redirect_maps:\n{maps}\n",
        encoding="utf-8",
    )


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def table(results: dict[int, dict[str, Case]], where: str) -> str:
    sizes = list(results)
    head = "| case | " + " | ".join(f"{n:,} links" for n in sizes) + " |"
    rows = [head, "|---|" + "---|" * len(sizes)]
    names = ["floor", "full build", "first build", "no change", "comment", "one link", "check",
             "Hugo", "MkDocs"]  # fmt: skip
    for name in names:
        cells = []
        for n in sizes:
            c = results[n].get(name)
            floor = results[n]["floor"].seconds
            full = results[n]["full build"].seconds
            if c is None or not c.runs:
                cells.append("-")
                continue
            text = f"{c.seconds:.2f} s"
            if name in ("full build", "first build"):
                text += f" (**{c.seconds / floor:.2f}x** floor)"
            elif name in ("Hugo", "MkDocs"):  # their own file count: compared a file
                per_file = (c.seconds / c.files) / (floor / results[n]["floor"].files)
                text += f" for {c.files:,} files ({per_file:.2f}x the floor's cost a file)"
            elif name in ("no change", "comment", "one link"):
                text += f" ({100 * c.seconds / full:.0f}% of full)"
            text += f", {c.rss_mb:.0f} MB"
            if name in ("floor", "full build") and c.files:
                text += f"; {c.files:,} files, {1e6 * c.seconds / c.files:.1f} us a file"
            if c.note:
                text += f"; {c.note}"
            cells.append(text)
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return (
        f"Measured on {machine()}, files on {where}; median of the runs, peak RSS of the "
        f"process.\n\n" + "\n".join(rows) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
    parser.add_argument("--no-others", action="store_true", help="skip Hugo and MkDocs")
    parser.add_argument("--write", type=Path, help="put the table in this Markdown file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Case]] = {}
    with tempfile.TemporaryDirectory(prefix="shortlinks-bench-", dir=args.dir) as tmp:
        for n in sizes:
            work = Path(tmp) / str(n)
            work.mkdir()
            results[n] = measure(n, work, args.runs if n < HUGE else 1, not args.no_others)
            shutil.rmtree(work, ignore_errors=True)
    where = "tmpfs" if args.dir and args.dir.startswith("/dev/shm") else f"the disk ({args.dir})"
    text = table(results, where)
    print(text)
    raw = {
        n: {name: {"seconds": [r.seconds for r in c.runs], "rss_mb": [r.rss_mb for r in c.runs],
                   "files": c.files, "note": c.note} for name, c in cases.items()}
        for n, cases in results.items()
    }  # fmt: skip
    print(json.dumps(raw))
    if args.write:
        doc = args.write.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
        before, rest = doc.split(start, 1)
        after = rest.split(end, 1)[1]
        args.write.write_text(before + start + text + end + after, encoding="utf-8")


if __name__ == "__main__":
    main()
