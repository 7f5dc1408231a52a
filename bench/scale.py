"""Build time and memory at scale, beside the floor, PyYAML, Hugo and MkDocs.

For each size N it generates a realistic links.yaml (bench/corpus.py) and measures whole
processes (start-up included), each case several times, reporting the median wall time
and the peak resident memory of the process:

- floor: bench/floor.py writes the very files of the build (their paths are taken from
  the build's manifest) from one fixed template, with no parsing or validation;
- first build: ``shortlinks build`` as the publish workflow runs it, with empty caches:
  an empty output folder and an empty QR cache (every code is made), with the
  recommended settings (``RECOMMENDED``: ``site.hosts`` naming the one host the site is
  published on, so other hosts' rule files are left out);
- first build, every host: the same with the default settings (no ``site.hosts``: the
  rule files of every host);
- full build: every host, into an empty folder, the QR codes in the cache (any build
  after the first on the same machine);
- no change: the same command again;
- comment: a comment added to links.yaml: everything is read, checked and rendered
  again, and no file is written;
- one link: one link's target changed; the number of files written is reported;
- check: ``shortlinks check`` alone;
- CSafeLoader: PyYAML's C loader parsing the same links.yaml and nothing else (what a
  tool that reads the file with PyYAML pays before it checks anything);
- Hugo (Debian's ``hugo``): one content page with N aliases, one redirect page each;
- MkDocs with mkdocs-redirects: one page and N redirects (N up to 100,000).

Not a test: nothing asserts a time. The figures to quote are the ratios, measured in one
run (these machines are shared). Run on tmpfs (the default) to measure the CPU's cost;
``--dir`` on a disk folder adds the disk's. Hugo, MkDocs and CSafeLoader are skipped when
they are not installed (their rows say so).

    .venv/bin/python bench/scale.py                        # 1k, 10k, 100k, 1M; writes nothing
    .venv/bin/python bench/scale.py --write docs/performance.md
    .venv/bin/python bench/scale.py --sizes 1000,10000 --runs 5
    .venv/bin/python bench/scale.py --sizes 100000 --runs 1 \
        --cases "first build;first build, every host;no change;one link;Hugo"

``--cases`` (names separated by ``;``) runs only those cases; the two first builds always
run (the cases after them start from their output).

Sizes of a million links and more are built with ``site.qr: false`` (two million QR codes
would take half an hour to make once, and 4 GB of cache), and skip PyYAML, Hugo and MkDocs.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

PYTHON = sys.executable
SHORTLINKS = [PYTHON, "-m", "generator"]
NOW = "2026-11-25T12:00:00Z"
HUGE = 1_000_000  # from here: no QR codes, no PyYAML, Hugo or MkDocs
OTHERS_UP_TO = 100_000
# The settings the README recommends for a site published on one host: that host's files
# only (site.hosts). The publish workflow's first host is GitHub Pages.
RECOMMENDED = "  hosts: [github-pages]\n"
# A million links' pages are about 2 GiB, past the 1 GiB GitHub Pages takes (the build
# refuses it: limits.py): such a site is published on a server of its own, nginx here.
HUGE_RECOMMENDED = "  hosts: [nginx]\n"
PARSE = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"


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
    links: int = 0  # links of its links.yaml (files a link)

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
    """'...; 12 written, 0 removed' in the build's 'Built' line (after any warning)."""
    for line in output.splitlines():
        if line.startswith("Built ") and "written" in line:
            return int(line.rsplit(";", 1)[1].split()[0])
    return 0


def measure(
    n: int, work: Path, runs: int, others: bool, only: set[str] | None = None
) -> dict[str, Case]:
    print(f"== {n:,} links", flush=True)
    links = work / "links.yaml"
    text = corpus.links_yaml(n)
    if n >= HUGE:
        text = text.replace("  home:", "  qr: false\n  home:", 1)
    links.write_text(text, encoding="utf-8")
    recommended = work / "links-recommended.yaml"
    chosen = HUGE_RECOMMENDED if n >= HUGE else RECOMMENDED
    recommended.write_text(text.replace("  home:", chosen + "  home:", 1), encoding="utf-8")
    cache = work / "cache"
    env = {"SHORTLINKS_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out = work / "_site"
    build = [*SHORTLINKS, "build", "links.yaml", "-o", str(out), "--now", NOW]
    cases: dict[str, Case] = {}

    def wanted(name: str) -> bool:
        return only is None or name in only or name in BUILDS[:2]

    def case(name: str, times: int, prepare: object = None, cmd: list[str] = build) -> Case:
        c = cases.setdefault(name, Case())
        for _ in range(times if wanted(name) else 0):
            if callable(prepare):
                prepare()
            c.runs.append(run(cmd, work, env))
            print(f"   {name}: {c.runs[-1].seconds:.2f} s", flush=True)
        return c

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    def empty_caches() -> None:  # as the publish workflow starts: no output, no QR code
        clean()
        shutil.rmtree(cache, ignore_errors=True)

    def files_of(folder: Path) -> int:  # the build's own count: its manifest's lines
        manifest = folder.parent / f".{folder.name}.manifest"
        return len(manifest.read_text(encoding="utf-8").splitlines()) - 1

    # the recommended settings first, then every host: each with empty caches
    rec_out = work / "_site_recommended"
    rec_build = [*SHORTLINKS, "build", recommended.name, "-o", str(rec_out), "--now", NOW]
    # each first build as many times as the other cases (the median, as theirs), but at a
    # million links, where one is a minute and QR codes are off
    firsts = runs if n < HUGE else 1
    first = case(
        "first build", firsts, lambda: shutil.rmtree(rec_out, ignore_errors=True), rec_build
    )
    first.files, first.links = files_of(rec_out), n
    shutil.rmtree(rec_out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    every = case("first build, every host", firsts, empty_caches)
    every.files, every.links = files_of(out), n
    full = case("full build", runs, clean)  # the QR codes made by the case before
    full.files, full.links = files_of(out), n
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
    one.note = f"{max((written(r.output) for r in one.runs), default=0)} site files written"
    case("check", runs, cmd=[*SHORTLINKS, "check", "links.yaml"])
    if n < HUGE and _has_libyaml():
        case("CSafeLoader", runs, cmd=[PYTHON, "-c", PARSE, "links.yaml"])

    # the floor: the same files, from a fixed template
    clean_floor = measure_floor if wanted("floor") else lambda *_: clean()
    clean_floor(work, runs, case, clean, n)
    others_ = others and n <= OTHERS_UP_TO
    if others_ and wanted("Hugo") and shutil.which("hugo"):
        hugo = shutil.which("hugo") or "hugo"
        site = work / "hugo"
        make_hugo_site(site, n)
        public = site / "public"
        cases["Hugo"] = Case()
        case("Hugo", runs, lambda: shutil.rmtree(public, ignore_errors=True),
             [hugo, "--quiet", "-s", str(site), "-d", str(public)])  # fmt: skip
        cases["Hugo"].files, cases["Hugo"].links = count_files(public), n
        cases["Hugo"].note = run([hugo, "version"], work).output.split()[1]
        shutil.rmtree(site, ignore_errors=True)
    mkdocs = shutil.which("mkdocs") or os.environ.get("MKDOCS")
    if others_ and wanted("MkDocs") and mkdocs:
        site = work / "mkdocs"
        make_mkdocs_site(site, n)
        case("MkDocs", runs, lambda: shutil.rmtree(site / "site", ignore_errors=True),
             [mkdocs, "build", "-q", "-f", str(site / "mkdocs.yml")])  # fmt: skip
        cases["MkDocs"].files, cases["MkDocs"].links = count_files(site / "site"), n
        shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return {name: c for name, c in cases.items() if c.runs}


def measure_floor(work: Path, runs: int, case: Callable[..., Case], clean: Callable[[], None],
                  n: int) -> None:  # fmt: skip
    """The floor: bench/floor.py writes the files of the build just measured."""
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
    floor.files, floor.links = len(manifest), n
    shutil.rmtree(floor_out, ignore_errors=True)


def _has_libyaml() -> bool:
    """PyYAML with its C loader, in the interpreter the cases run with."""
    probe = "import yaml; yaml.CSafeLoader"
    return subprocess.run([PYTHON, "-c", probe], capture_output=True, check=False).returncode == 0


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


BUILDS = ("first build", "first build, every host", "full build")


def table(results: dict[int, dict[str, Case]], where: str) -> str:
    sizes = list(results)
    head = "| case | " + " | ".join(f"{n:,} links" for n in sizes) + " |"
    rows = [head, "|---|" + "---|" * len(sizes)]
    names = ["floor", *BUILDS, "no change", "comment", "one link", "check", "CSafeLoader",
             "Hugo", "MkDocs"]  # fmt: skip
    for name in names:
        cells = []
        for n in sizes:
            c = results[n].get(name)
            if c is None or not c.runs:
                cells.append("-")
                continue
            floor_case = results[n].get("floor")
            full = results[n].get("full build") or results[n]["first build, every host"]
            text = f"{c.seconds:.2f} s"
            hugo = results[n].get("Hugo")
            if name in BUILDS:
                ratios = [f"**{c.seconds / floor_case.seconds:.2f}x** floor"] if floor_case else []
                if hugo is not None:
                    ratios.append(f"{c.seconds / hugo.seconds:.2f}x Hugo")
                text += f" ({', '.join(ratios)})" if ratios else ""
            elif name in ("Hugo", "MkDocs") and floor_case:  # their own file count
                per_file = (c.seconds / c.files) / (floor_case.seconds / floor_case.files)
                text += f" for {c.files:,} files ({per_file:.2f}x the floor's cost a file)"
            elif name in ("no change", "comment", "one link"):
                what = "full" if "full build" in results[n] else "the first build, every host"
                text += f" ({100 * c.seconds / full.seconds:.0f}% of {what})"
            elif name == "check" and results[n].get("CSafeLoader"):
                parse = results[n]["CSafeLoader"].seconds
                text += f" (**{c.seconds / parse:.2f}x** CSafeLoader's parse)"
            text += f", {c.rss_mb:.0f} MB"
            if c.files and c.links and name in ("Hugo", "MkDocs"):
                text += f", {c.files / c.links:.2f} files a link"
            elif c.files and c.links:
                text += f"; {c.files:,} files, {c.files / c.links:.2f} a link"
                if name in ("floor", "full build"):
                    text += f", {1e6 * c.seconds / c.files:.1f} us a file"
            if c.note:
                text += f"; {c.note}"
            cells.append(text)
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    text = (
        f"Measured on {machine()}, files on {where}; median of the runs, peak RSS of the "
        f"process. First builds: empty output folder and empty QR cache, as the publish "
        f"workflow runs; `first build` with the recommended settings (`site.hosts: "
        f"[github-pages]`; at a million links, past the 1 GiB GitHub Pages takes, "
        f"`[nginx]`), `first build, every host` with none.\n\n" + "\n".join(rows) + "\n"
    )
    for n in sizes:
        if results[n].get("Hugo") and results[n]["Hugo"].runs:
            text += "\n" + beside_hugo(n, results[n])
    return text


def beside_hugo(n: int, cases: dict[str, Case]) -> str:
    """The builds of ``n`` links beside Hugo's: time, and the files each writes a link."""
    hugo = cases["Hugo"]
    rows = [
        f"At {n:,} links, beside Hugo (one redirect page a link):",
        "",
        "| case | wall time | to Hugo's | files | files a link | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for name in (*BUILDS, "Hugo", "MkDocs", "floor"):
        c = cases.get(name)
        if c is None or not c.runs:
            continue
        rows.append(
            f"| {name} | {c.seconds:.2f} s | {c.seconds / hugo.seconds:.2f}x | {c.files:,} | "
            f"{c.files / c.links:.2f} | {c.rss_mb:.0f} MB |"
        )
    return "\n".join(rows) + "\n"


def load_results(path: Path) -> dict[int, dict[str, Case]]:
    """Results as this benchmark prints them (its last line), read back."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        int(n): {
            name: Case(
                runs=[Run(s, m) for s, m in zip(c["seconds"], c["rss_mb"], strict=True)],
                note=c["note"], files=c["files"], links=c["links"],
            )
            for name, c in cases.items()
        }
        for n, cases in raw.items()
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
    parser.add_argument("--no-others", action="store_true", help="skip Hugo and MkDocs")
    parser.add_argument("--write", type=Path, help="put the table in this Markdown file")
    parser.add_argument("--cases", help="only these cases, separated by ';' (see above)")
    parser.add_argument(
        "--from", dest="saved", type=Path, action="append",
        help="measure nothing: the tables of these saved results (the JSON this prints), "
        "their sizes side by side (a million links is best run on its own)",
    )  # fmt: skip
    args = parser.parse_args()
    only = {c.strip() for c in args.cases.split(";")} if args.cases else None
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Case]] = {}
    if args.saved:
        for saved in args.saved:
            results.update(load_results(saved))
        results = dict(sorted(results.items()))
    else:
        with tempfile.TemporaryDirectory(prefix="shortlinks-bench-", dir=args.dir) as tmp:
            for n in sizes:
                work = Path(tmp) / str(n)
                work.mkdir()
                runs = args.runs if n < HUGE else 1
                results[n] = measure(n, work, runs, not args.no_others, only)
                shutil.rmtree(work, ignore_errors=True)
    where = "tmpfs" if args.dir and args.dir.startswith("/dev/shm") else f"the disk ({args.dir})"
    text = table(results, where)
    print(text)
    raw = {
        n: {name: {"seconds": [r.seconds for r in c.runs], "rss_mb": [r.rss_mb for r in c.runs],
                   "files": c.files, "links": c.links, "note": c.note} for name, c in cases.items()}
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
