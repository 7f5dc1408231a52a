"""The caps of a deployment: declared once per host with their source, counted as each
host counts (the very paths a build writes), and said at their boundaries: nothing below
80% of a cap, a warning from 80% to the cap itself, an error one past it."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import limits
from generator.build import build, check
from generator.cli import main
from generator.hosts import HOSTS
from generator.hosts.base import Cap
from generator.limits import Tally, readings, size_text
from generator.pages import environment
from generator.problems import Problem, format_text
from generator.render import page_folders, site_paths
from generator.rules import Kind, Rule, fit
from generator.write import MARKER
from tests.conftest import NOW, ROOT, problems_of
from tests.test_hosts import plan_of

# What each host's docs say (the module of each host names the page): written out here
# once more on purpose, so that a changed number is a changed test.
DOCUMENTED = {
    "netlify": {"folder_files": (("", 54_000),)},
    "cloudflare": {
        "site_files": (("free", 20_000), ("paid", 100_000)),
        "asset_bytes": (("", 25 * 1024 * 1024),),
    },
    "gitlab": {"site_files": (("", 200_000),), "site_bytes": (("", 1024**3),)},
    "github-pages": {"site_bytes": (("", 1024**3),)},
    "firebase": {"asset_bytes": (("", 2_000_000_000),)},
    "azure": {"site_bytes": (("free", 250 * 1024 * 1024), ("standard", 500 * 1024 * 1024))},
    "vercel": {},
    "s3": {},
    "nginx": {},
    "apache": {},
    "caddy": {},
}


def test_each_host_declares_the_documented_caps() -> None:
    declared = {
        name: {kind: cap.by_plan for kind, cap in host.limits.caps.items()}
        for name, host in HOSTS.items()
    }
    assert declared == DOCUMENTED


@pytest.mark.parametrize("name", list(HOSTS))
def test_every_cap_has_its_source_and_one_set_of_plans(name: str) -> None:
    host = HOSTS[name]
    for cap in host.limits.caps.values():
        assert cap.source.startswith("https://"), cap
        if len(cap.by_plan) > 1:
            assert cap.plans == host.limits.plans  # every cap of a host names the same plans
        else:
            assert cap.plans == ("",)
    assert host.limits.uncounted <= set(host.files)  # only files the host itself reads


def test_the_docs_table_is_what_the_hosts_declare() -> None:
    doc = (ROOT / "docs" / "hosts.md").read_text(encoding="utf-8")
    assert limits.table() in doc


def test_the_schema_offers_the_plans_the_hosts_declare() -> None:
    schema = json.loads((ROOT / "schema" / "links.schema.json").read_text())
    plans = schema["properties"]["site"]["properties"]["plans"]
    assert plans["additionalProperties"] is False
    assert {name: p["enum"] for name, p in plans["properties"].items()} == {
        name: list(host.limits.plans) for name, host in HOSTS.items() if host.limits.plans
    }
    for name, described in plans["properties"].items():  # the caps as the hosts declare
        for kind, cap in HOSTS[name].limits.caps.items():
            for plan, value in cap.by_plan if len(cap.by_plan) > 1 else ():
                text = f"{value:,} files" if kind == "site_files" else size_text(value, cap=True)
                assert f"{plan} ({text} a site" in described["description"], (name, plan)


# -- the count is the build's: every path it writes, no second formula -----------------

SITES = {
    "every kind of link": """\
site:
  domain: go.example.com
  home: https://www.example.com
links:
  gh: https://github.com/acme
  team/docs: https://docs.example.com
  sale:
    url: https://shop.example.com/sale
    expires: 2099-01-01
    aliases: [s, 特卖]
    open_in_browser: true
  old:
    url: https://a.example/old
    expires: 2020-01-01
  later:
    url: https://a.example/later
    starts: 2099-01-01
""",
    "no QR codes, no links.json": """\
site:
  qr: false
  links_json: false
links:
  gh: https://github.com/acme
  x:
    url: https://a.example/x
    expires: 2099-01-01
""",
    "GitLab alone (ruled pages left out)": """\
site:
  hosts: [gitlab]
links:
  gh:
    url: https://github.com/acme
    forward_query: false
  q: https://a.example/q
""",
}


def files_in(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` and its size, as a host receives the folder."""
    out = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            out[path.relative_to(folder).as_posix()] = path.stat().st_size
    return out


@pytest.mark.slow
@pytest.mark.parametrize("hosts", [None, ("cloudflare",), ("netlify", "cloudflare")])
@pytest.mark.parametrize("name", list(SITES))
def test_site_paths_are_the_files_a_build_writes(
    tmp_path: Path, name: str, hosts: tuple[str, ...] | None
) -> None:
    source = tmp_path / "links.yaml"
    source.write_text(SITES[name], encoding="utf-8")
    result = build(source, tmp_path / "out", NOW, hosts=hosts)
    assert result.written, result.problems
    on_disk = files_in(tmp_path / "out")
    plan = plan_of(SITES[name])
    counted = [path for path, _ in site_paths(plan, hosts)]
    assert Counter(counted) == Counter(set(on_disk) - {MARKER})  # each path once
    assert result.files == len(counted)
    # check counts the pages from the plan alone: as many in each folder
    site_files = {path for path, _ in site_paths(replace(plan, links=(), entries=()), hosts)}
    pages = Counter(os.path.dirname(path) for path in counted if path not in site_files)
    assert page_folders(plan, hosts) == pages


def cloudflare_count(text: str) -> int:
    """The files Cloudflare counts in a build of ``text`` (what check counts)."""
    tally = Tally()
    for path, _data in site_paths(plan_of(text)):
        tally.add(path, None)
    tally.add(MARKER, None)
    (reading,) = [r for r in readings(tally, "cloudflare", None) if r.cap == "site_files"]
    return reading.value


def site_counting(files: int, plans: str = "") -> str:
    """A links file whose build Cloudflare counts exactly ``files`` files of: plain links
    (as many files each, whatever a link costs), and links.json on or off for the odd one."""

    def text(links: int, links_json: bool) -> str:
        # a preview page a link keeps the count linear (the shared preview's data files
        # double in number at powers of two: test_shared_previews_are_counted_in_full)
        head = "site:\n  hosts: [cloudflare]\n  qr: false\n  preview: files\n"
        head += f"  links_json: {str(links_json).lower()}\n{plans}"
        lines = "".join(f"  l{i:05d}: https://t.example/{i}\n" for i in range(links))
        return head + "links:\n" + lines

    for links_json in (False, True):
        one, two = cloudflare_count(text(1, links_json)), cloudflare_count(text(2, links_json))
        each, fixed = two - one, one - (two - one)
        assert each in (1, 2), f"{each} files a link: pick another way to reach {files}"
        if (files - fixed) % each == 0:
            made = text((files - fixed) // each, links_json)
            return made
    raise AssertionError(f"no links file counts {files} files")


HINT = (
    "if the site is on the paid plan, say so under site: 'plans: {cloudflare: paid}' "
    "(100,000 files); or publish on a host that takes more (docs/hosts.md, "
    "'Limits of a deployment')"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (15_999, None),
        (16_000, ("warning", "16,000 files for Cloudflare Pages, 80% of the 20,000")),
        (20_000, ("warning", "20,000 files for Cloudflare Pages, 100% of the 20,000")),
        (20_001, ("error", "20,001 files for Cloudflare Pages, more than the 20,000")),
    ],
)
def test_cloudflare_free_at_its_boundaries_end_to_end(
    tmp_path: Path, files: int, expected: tuple[str, str] | None
) -> None:
    source = tmp_path / "links.yaml"
    source.write_text(site_counting(files), encoding="utf-8")
    assert cloudflare_count(source.read_text()) == files
    found = check(source, fits_at=NOW).problems
    if expected is None:
        assert found == []
        return
    severity, written = expected
    message = f"a build writes {written} files a site may have on the free plan"
    previews = len(re.findall(r"\n  l\d", source.read_text()))  # 'preview: files': a page each
    paid, rest = HINT.split("; ", 1)
    hint = (
        f"{paid}; 'preview: true' under site (the default) leaves out the preview pages "
        f"({previews:,} files): one shared page shows them all; {rest}"
    )
    assert [(p.line, p.column, p.severity, p.message, p.hint) for p in found] == [
        (2, 3, severity, message, hint)  # at site.hosts
    ]


@pytest.mark.slow
def test_the_paid_plan_takes_what_the_free_one_does_not(tmp_path: Path) -> None:
    source = tmp_path / "links.yaml"
    source.write_text(site_counting(20_001, "  plans: {cloudflare: paid}\n"), encoding="utf-8")
    assert check(source, fits_at=NOW).problems == []


@pytest.mark.slow
def test_the_hosts_doc_example_is_what_check_prints(tmp_path: Path) -> None:
    source = tmp_path / "links.yaml"
    source.write_text(site_counting(20_001), encoding="utf-8")
    (problem,) = check(source, fits_at=NOW).problems
    doc = (ROOT / "docs" / "hosts.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Limits of a deployment") :]
    shown = section[section.index("```text\n") + 8 : section.index("```\n\n")]
    assert shown == format_text(dataclasses.replace(problem, file="links.yaml")) + "\n"


# -- bytes, exactly as built: a cap injected at the boundaries of a real build ----------


@pytest.fixture()
def github_pages_cap(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Sets GitHub Pages' bytes cap for one test (its real one is 1 GiB)."""
    host = HOSTS["github-pages"]

    def set_cap(limit: int) -> None:
        caps = dataclasses.replace(host.limits, site_bytes=Cap.only(limit, "https://test"))
        monkeypatch.setattr(host, "limits", caps, raising=False)

    return set_cap


@pytest.mark.slow
def test_github_pages_bytes_at_the_boundaries_of_a_real_build(
    tmp_path: Path, github_pages_cap: Callable[[int], None]
) -> None:
    source = tmp_path / "links.yaml"
    text = SITES["every kind of link"].replace("site:\n", "site:\n  hosts: [github-pages]\n", 1)
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert build(source, out, NOW).written
    on_disk = files_in(out)
    total = sum(on_disk.values())
    qr_bytes = sum(size for path, size in on_disk.items() if path.startswith("_qr/"))
    hint = "or publish on a host that takes more (docs/hosts.md, 'Limits of a deployment')"
    if qr_bytes:  # QR code files of their own
        hint = (
            f"'qr: true' under site (the default) leaves out the QR code files "
            f"({size_text(qr_bytes)}): the preview draws each code in the browser; {hint}"
        )
    at_80 = total * 5 // 4  # the greatest cap of which the build is 80%
    cases = [
        (at_80 + 1, None),
        (at_80, ("warning", f"{size_text(total)} for GitHub Pages, 80% of the {size_text(at_80)}")),
        (total, ("warning", f"{total:,} bytes for GitHub Pages, 100% of the {total:,} bytes")),
        (
            total - 1,
            ("error", f"{total:,} bytes for GitHub Pages, more than the {total - 1:,} bytes"),
        ),
    ]
    for limit, expected in cases:
        github_pages_cap(limit)
        before = {path: (out / path).read_bytes() for path in on_disk}
        result = build(source, out, NOW, force=True)
        if expected is None:
            assert result.written and result.problems == []
            continue
        severity, written = expected
        assert [(p.line, p.column, p.severity, p.message, p.hint) for p in result.problems] == [
            (2, 3, severity, f"a build writes {written} a site may have", hint)
        ]
        assert result.written == (severity == "warning")
        if severity == "error":  # nothing of the build is in place: the output as it was
            assert {path: (out / path).read_bytes() for path in files_in(out)} == before


# -- how each host counts --------------------------------------------------------------


def test_each_host_counts_as_it_does() -> None:
    """Cloudflare leaves out its own _redirects and _headers (the biggest file here, too),
    GitLab counts every folder as an entry, Netlify counts a folder's own files."""
    tally = Tally()
    sizes = {
        "a.html": 10,
        "a+.html": 20,
        "team/docs.html": 30,
        "team/x/y.html": 50,
        "_qr/a.svg": 40,
        "_redirects": 100,
        "_headers": 5,
        MARKER: 1,
    }
    for path, size in sizes.items():
        tally.add(path, size)

    def read(name: str) -> dict[str, tuple[int, str]]:
        return {r.cap: (r.value, r.what) for r in readings(tally, name, None)}

    assert read("cloudflare") == {"site_files": (6, ""), "asset_bytes": (50, "team/x/y.html")}
    assert read("gitlab") == {"site_files": (8 + 3, ""), "site_bytes": (256, "")}
    assert read("netlify") == {"folder_files": (5, "")}  # a.html a+.html _redirects _headers marker
    assert read("github-pages") == {"site_bytes": (256, "")}
    assert read("azure") == {"site_bytes": (256, "")}


SetCap = Callable[[str, str, tuple[tuple[str, int], ...]], None]


@pytest.fixture()
def cap(monkeypatch: pytest.MonkeyPatch) -> SetCap:
    """Sets one cap of one host for one test (``cap("cloudflare", "site_files", (("free",
    5), ("paid", 50)))``): the real ones need sites of thousands of links."""

    def set_cap(name: str, kind: str, by_plan: tuple[tuple[str, int], ...]) -> None:
        host = HOSTS[name]
        limits_ = dataclasses.replace(host.limits, **{kind: Cap(by_plan, "https://test")})
        monkeypatch.setattr(host, "limits", limits_, raising=False)

    return set_cap


def write_links(tmp_path: Path, text: str) -> Path:
    source = tmp_path / "links.yaml"
    source.write_text(text, encoding="utf-8")
    return source


def shown(problems: list[Problem]) -> list[tuple[int, int, str, str, str | None]]:
    return [(p.line, p.column, p.severity, p.message, p.hint) for p in problems]


THREE = "  a: https://a.example/a\n  b: https://a.example/b\n  c: https://a.example/c\n"


def test_with_no_hosts_named_past_a_cap_is_a_warning_that_says_which_hosts_and_how_to_name(
    tmp_path: Path, cap: SetCap
) -> None:
    source = write_links(tmp_path, f"links:\n{THREE}site:\n  qr: false\n")  # site: on line 5
    files = cloudflare_count(source.read_text())
    cap("cloudflare", "site_files", (("free", files - 1), ("paid", files)))
    cap("netlify", "folder_files", (("", 3),))
    top = sum(1 for path, _ in site_paths(plan_of(source.read_text())) if "/" not in path) + 1
    taking = ", ".join(name for name in HOSTS if name not in ("netlify", "cloudflare"))
    assert shown(check(source, fits_at=NOW).problems) == [
        (
            5,
            1,
            "warning",
            "site.hosts names no host, so a build is for every host, and 2 of 11 could not "
            f"take it: Netlify ({top} files into the top folder, more than the 3 files a "
            f"folder may have); Cloudflare Pages ({files} files, more than the {files - 1} "
            "files a site may have on the free plan)",
            "'hosts: [NAME, ...]' under site: names the hosts you publish on (or 'shortlinks "
            f"build --host NAME', for one build); these take this build as it is: {taking}. "
            "Past a cap of a named host is an error that says what to do, and the other "
            "hosts' files are left out (docs/hosts.md, 'Limits of a deployment')",
        )
    ]
    # named: an error, at site.hosts, with what to do
    source.write_text(f"links:\n{THREE}site:\n  qr: false\n  hosts: [cloudflare]\n")
    chosen = cloudflare_count(source.read_text())
    cap("cloudflare", "site_files", (("free", chosen - 1), ("paid", chosen)))
    assert shown(check(source, fits_at=NOW).problems) == [
        (
            7,
            3,
            "error",
            f"a build writes {chosen} files for Cloudflare Pages, more than the {chosen - 1} "
            "files a site may have on the free plan",
            "if the site is on the paid plan, say so under site: 'plans: {cloudflare: paid}' "
            f"({chosen} files); or publish on a host that takes more (docs/hosts.md, "
            "'Limits of a deployment')",
        )
    ]


def test_a_site_that_lists_no_links_is_built_for_github_pages_alone_and_says_so(
    tmp_path: Path, github_pages_cap: Callable[[int], None]
) -> None:
    source = write_links(tmp_path, f"site:\n  links_json: false\nlinks:\n{THREE}")
    github_pages_cap(100)
    ((*_, severity, message, hint),) = shown(check(source, fits_at=NOW).problems)
    assert severity == "warning"
    assert message.startswith(
        "site.hosts names no host, so a build is for GitHub Pages alone, and 1 of 1 could "
        "not take it: GitHub Pages ("
    )
    assert "none takes this build as it is" in hint


def test_with_no_site_section_the_problem_is_at_the_top(tmp_path: Path, cap: SetCap) -> None:
    source = write_links(tmp_path, f"links:\n{THREE}")
    cap("netlify", "folder_files", (("", 2),))
    found = [p for p in check(source, fits_at=NOW).problems if "Netlify" in p.message]
    assert [(p.line, p.column, p.severity) for p in found] == [(1, 1, "warning")]


def test_netlify_counts_the_files_of_a_folder(tmp_path: Path, cap: SetCap) -> None:
    text = f"site:\n  hosts: [netlify]\n  qr: false\nlinks:\n{THREE}"
    source = write_links(tmp_path, text)
    assert build(source, tmp_path / "out", NOW).written
    top = [path for path in files_in(tmp_path / "out") if "/" not in path]
    cap("netlify", "folder_files", (("", len(top) - 1),))
    assert shown(check(source, fits_at=NOW).problems) == [
        (
            2,
            3,
            "error",
            f"a build writes {len(top)} files into the top folder for Netlify, more than the "
            f"{len(top) - 1} files a folder may have",
            "or publish on a host that takes more (docs/hosts.md, 'Limits of a deployment')",
        )
    ]


@pytest.mark.slow
def test_a_file_too_big_for_cloudflare_is_named(tmp_path: Path, cap: SetCap) -> None:
    links = "".join(f"  l{i:03d}: https://a.example/{i}\n" for i in range(60))
    source = write_links(tmp_path, f"site:\n  hosts: [cloudflare]\n  qr: false\nlinks:\n{links}")
    assert build(source, tmp_path / "out", NOW).written
    on_disk = files_in(tmp_path / "out")
    biggest = max((size, path) for path, size in on_disk.items() if path not in {"_redirects"})
    assert biggest[1] == "links.json"
    size = biggest[0]
    cap("cloudflare", "asset_bytes", (("", size - 1),))
    assert shown(check(source, fits_at=NOW).problems) == [
        (
            2,
            3,
            "error",
            f"a build writes 'links.json' of {size:,} bytes for Cloudflare Pages, more than the "
            f"{size - 1:,} bytes a file may have",
            "'links_json: false' under site: leaves out links.json; or publish on a host that "
            "takes more (docs/hosts.md, 'Limits of a deployment')",
        )
    ]


@pytest.mark.slow
def test_check_estimates_the_bytes_of_the_pages_and_says_so(
    tmp_path: Path, github_pages_cap: Callable[[int], None]
) -> None:
    links = "".join(f"  l{i:03d}: https://a.example/{i}\n" for i in range(80))
    source = write_links(tmp_path, f"site:\n  hosts: [github-pages]\nlinks:\n{links}")
    assert build(source, tmp_path / "out", NOW).written
    total = sum(files_in(tmp_path / "out").values())
    github_pages_cap(total // 2)
    ((line, column, severity, message, _hint),) = shown(check(source, fits_at=NOW).problems)
    assert (line, column, severity) == (2, 3, "error")
    found = re.fullmatch(
        r"a build writes about ([\d.]+) KiB for GitHub Pages, more than the [\d.]+ KiB a site "
        r"may have \(estimated from the files of some of the links; a build counts them all\)",
        message,
    )
    assert found, message
    estimate = float(found.group(1)) * 1024
    assert abs(estimate - total) < total * 0.05  # 25 of 80 links made: near the real bytes


@pytest.mark.slow
def test_each_domain_is_a_deployment_of_its_own(tmp_path: Path, cap: SetCap) -> None:
    text = (
        "site:\n  hosts: [cloudflare]\n  qr: false\n  domains: [a.example, b.example]\n"
        "links:\n  w: https://t.example/w\n  x: https://t.example/x\n  y@b.example: https://t.example/y\n"
        "  z:\n    url: https://t.example/z\n    domains: [a.example, b.example]\n"
    )
    source = write_links(tmp_path, text)
    out = tmp_path / "out"
    assert build(source, out, NOW).written
    counted = {
        domain: len(set(files_in(out / domain)) - {"_redirects", "_headers"})
        for domain in ("a.example", "b.example")
    }
    assert counted["a.example"] != counted["b.example"]
    cap("cloudflare", "site_files", (("free", 1), ("paid", 2)))
    hint = (
        "if the site is on the paid plan, say so under site: 'plans: {cloudflare: paid}' "
        "(2 files); or publish on a host that takes more (docs/hosts.md, 'Limits of a deployment')"
    )
    expected = [
        (
            2,
            3,
            "error",
            f"{domain}: a build writes {n} files for Cloudflare Pages, more than the 1 files a "
            "site may have on the free plan",
            hint,
        )
        for domain, n in counted.items()
    ]
    assert sorted(shown(check(source, fits_at=NOW).problems)) == sorted(expected)
    before = {path: (out / "a.example" / path).read_bytes() for path in files_in(out / "a.example")}
    result = build(source, out, NOW, force=True)  # stops at the first domain: as it was
    assert shown(result.problems) == expected[:1]
    assert (
        result.error
        == f"a.example: nothing was written to {out / 'a.example'}; see the problems above"
    )
    after = {path: (out / "a.example" / path).read_bytes() for path in files_in(out / "a.example")}
    assert after == before


@pytest.mark.slow
def test_a_strict_build_refuses_a_warning_and_leaves_the_output(
    tmp_path: Path, cap: SetCap
) -> None:
    source = write_links(tmp_path, f"site:\n  hosts: [cloudflare]\n  qr: false\nlinks:\n{THREE}")
    out = tmp_path / "out"
    assert build(source, out, NOW).written
    files = cloudflare_count(source.read_text())
    cap("cloudflare", "site_files", (("free", files), ("paid", files * 2)))  # 100%: a warning
    before = {path: (out / path).read_bytes() for path in files_in(out)}
    strict = build(source, out, NOW, strict=True, force=True)
    assert [p.severity for p in strict.problems] == ["warning"] and not strict.written
    assert {path: (out / path).read_bytes() for path in files_in(out)} == before
    relaxed = build(source, out, NOW, force=True)
    assert [p.severity for p in relaxed.problems] == ["warning"] and relaxed.written


def test_the_check_command_exits_1_past_a_cap_and_0_below_it(tmp_path: Path, cap: SetCap) -> None:
    source = write_links(tmp_path, f"site:\n  hosts: [cloudflare]\n  qr: false\nlinks:\n{THREE}")
    files = cloudflare_count(source.read_text())
    runner = CliRunner()
    cap("cloudflare", "site_files", (("free", files - 1), ("paid", files)))
    failed = runner.invoke(main, ["check", str(source), "--format", "text"])
    assert failed.exit_code == 1 and "error: a build writes" in failed.stdout
    source.write_text(
        source.read_text().replace("  qr: false\n", "  qr: false\n  plans: {cloudflare: paid}\n")
    )
    passed = runner.invoke(main, ["check", str(source), "--format", "text"])
    assert passed.exit_code == 0 and "warning: a build writes" in passed.stdout  # 100% of paid


# -- site.plans ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        ("{cloudflare: paid, azure: standard}", []),
        ("{cloudfare: paid}", [(3, 11, "unknown host 'cloudfare'", "did you mean 'cloudflare'?")]),
        (
            "{nginx: paid}",
            [
                (
                    3,
                    11,
                    "there is no plan to choose for nginx",
                    "its limits are the same on every plan; hosts with plans: cloudflare "
                    "(free or paid), azure (free or standard)",
                )
            ],
        ),
        (
            "{cloudflare: pro}",
            [
                (
                    3,
                    23,
                    "unknown plan 'pro' for Cloudflare Pages",
                    "cloudflare: free or paid (the first is the default)",
                )
            ],
        ),
        (
            "[cloudflare]",
            [(3, 10, "'plans' must be a mapping of 'key: value' lines, got a list", None)],
        ),
    ],
)
def test_site_plans_are_checked(plans: str, expected: list[tuple[object, ...]]) -> None:
    found = problems_of(f"site:\n  hosts: [cloudflare]\n  plans: {plans}\nlinks: {{}}\n")
    assert [(p.line, p.column, p.message, p.hint) for p in found] == expected


# -- rules.fit: several budgets at once ------------------------------------------------


def test_fit_keeps_a_rule_only_when_each_of_its_costs_fits() -> None:
    rules = [
        Rule(f"/r{i}", Kind.redirect, 302, f"r{i}.html", f"https://t.example/{i}") for i in range(5)
    ]
    cost = {"/r0": (1, 50), "/r1": (2, 10), "/r2": (1, 60), "/r3": (1, 10), "/r4": (1, 10)}
    kept, left = fit(rules, lambda r: cost[r.path], (4, 80))
    # r0 (1, 50); r1 (3, 60); r2 would be 70 bytes over... (4, 120): left; r3 (4, 70); r4: 5 lines
    assert [r.path for r in kept] == ["/r0", "/r1", "/r3"]
    assert [r.path for r in left] == ["/r2", "/r4"]
    kept, left = fit(rules, lambda r: cost[r.path], (None, 70))  # no cap on lines
    assert [r.path for r in kept] == ["/r0", "/r1", "/r3"] and [r.path for r in left] == [
        "/r2",
        "/r4",
    ]
    assert fit(rules, lambda r: cost[r.path], (None, None)) == (rules, [])


def test_size_text() -> None:
    assert [size_text(n) for n in (300, 65_536, 26_214_400, 1 << 30, 1_288_490_189)] == [
        "300 bytes",
        "64 KiB",
        "25 MiB",
        "1 GiB",
        "1.2 GiB",
    ]
    assert size_text(2_000_000_000, cap=True) == "2 GB"  # as documented
    assert size_text(2_000_000_000) == "1.9 GiB"


def test_the_plans_doc_gives_each_plan_its_cap() -> None:
    doc = (ROOT / "docs" / "links-yaml.md").read_text(encoding="utf-8")
    section = " ".join(doc[doc.index("### `plans`") : doc.index("## `links`")].split())
    for name, host in HOSTS.items():
        for kind, cap in host.limits.caps.items():
            if len(cap.by_plan) == 1:
                continue
            assert f"`{name}`: `{cap.plans[0]}`" in section
            for plan, value in cap.by_plan:
                text = f"{value:,} files" if kind == "site_files" else size_text(value, cap=True)
                assert f"`{plan}` ({text} a site" in section, (name, plan)


@pytest.mark.slow
def test_another_hosts_file_too_big_for_cloudflare_is_left_out_by_naming_the_host(
    tmp_path: Path, cap: SetCap
) -> None:
    # long targets: Apache's two lines a link outweigh links.json's one entry
    long = "x" * 600
    links = "".join(f"  l{i:03d}: https://a.example/{i}/{long}\n" for i in range(60))
    source = write_links(
        tmp_path,
        f"site:\n  hosts: [cloudflare, apache]\n  qr: false\n  preview: files\nlinks:\n{links}",
    )  # a preview page a link: the shared preview's one data file would be the biggest
    assert build(source, tmp_path / "out", NOW).written
    on_disk = files_in(tmp_path / "out")
    biggest = max((size, path) for path, size in on_disk.items() if path != "_redirects")
    assert biggest[1] == ".htaccess"
    cap("cloudflare", "asset_bytes", (("", biggest[0] - 1),))
    ((*_, message, hint),) = shown(check(source, fits_at=NOW).problems)
    assert message.startswith("a build writes '.htaccess' of ")
    assert hint == (
        "'hosts: [cloudflare]' under site: leaves out .htaccess; or publish on a host that "
        "takes more (docs/hosts.md, 'Limits of a deployment')"
    )


# -- check of a big site: the site files made for a share of the links, and scaled ---------


@pytest.mark.slow
def test_a_share_of_the_links_estimates_the_site_files_of_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, github_pages_cap: Callable[[int], None]
) -> None:
    links = "".join(f"  l{i:03d}: https://a.example/{i}/{'x' * (i % 40)}\n" for i in range(120))
    source = write_links(tmp_path, f"site:\n  qr: false\nlinks:\n{links}")  # every host
    out = tmp_path / "out"
    assert build(source, out, NOW).written
    on_disk = files_in(out)
    plan = plan_of(source.read_text())
    names = tuple(HOSTS)
    site_files = {path for path, _ in site_paths(replace(plan, links=(), entries=()))}
    monkeypatch.setattr(limits, "SHARE", 12)  # 12 links of 120
    estimated = dict(limits._site_files(plan, environment(), None, names, True, False))
    assert set(estimated) == site_files  # the same files, each with its size scaled
    for path in ("links.json", ".htaccess", "shortlinks.nginx.conf", "s3-objects.json"):
        size = estimated[path]
        assert size is not None and abs(size - on_disk[path]) < on_disk[path] * 0.15, path
    # a rule file its host caps is held within the cap
    azure = HOSTS["azure"].limits.file_bytes
    assert azure is not None and estimated["staticwebapp.config.json"] <= azure
    # and the total, as GitHub Pages counts it, near what the build wrote
    total = sum(on_disk.values())
    github_pages_cap(total)  # 100%: a warning, 'about'
    (problem,) = check(source, fits_at=NOW).problems
    found = re.search(r"writes about ([\d.]+) KiB for GitHub Pages", problem.message)
    assert found and abs(float(found.group(1)) * 1024 - total) < total * 0.05, problem.message


def test_near_a_cap_on_files_a_big_site_files_are_made_for_every_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: SetCap
) -> None:
    """A share of the links could miss a file (Vercel's bulk file, say): within as many
    files of a cap or of its 80% as the hosts write, check makes them all."""
    links = "".join(f"  l{i:03d}: https://a.example/{i}\n" for i in range(40))
    source = write_links(tmp_path, f"site:\n  qr: false\n  hosts: [cloudflare]\nlinks:\n{links}")
    monkeypatch.setattr(limits, "SHARE", 8)
    calls: list[bool] = []
    real = limits._site_files

    def spy(*args: object) -> list[tuple[str, int | None]]:
        calls.append(bool(args[-1]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(limits, "_site_files", spy)
    files = cloudflare_count(source.read_text())
    cap("cloudflare", "site_files", (("free", files * 10), ("paid", files * 20)))
    assert check(source, fits_at=NOW).problems == [] and calls == [False]  # far: a share
    calls.clear()
    cap("cloudflare", "site_files", (("free", files), ("paid", files * 2)))
    ((*_, severity, message, _hint),) = shown(check(source, fits_at=NOW).problems)
    assert calls == [False, True]  # near: every link's
    assert (severity, message.split(",")[0]) == (
        "warning",
        f"a build writes {files} files for Cloudflare Pages",
    )


@pytest.mark.slow
def test_shared_previews_are_counted_in_full(tmp_path: Path) -> None:
    """The shared preview's data files double in number as the links do (previews.py): a
    check that makes the site files for a share of the links still counts, and sizes,
    as many as the whole build writes."""
    links = "".join(f"  l{i:04d}: https://a.example/{i}\n" for i in range(1100))
    text = f"site:\n  hosts: [github-pages]\n  qr: false\nlinks:\n{links}"
    source = write_links(tmp_path, text)
    out = tmp_path / "out"
    assert build(source, out, NOW).written
    on_disk = {p: s for p, s in files_in(out).items() if p.startswith("_shortlinks/previews/")}
    assert len(on_disk) == 8  # 1,100 links: more than one shard
    plan = plan_of(text)
    assert len(plan.entries) > limits.SHARE  # a share of the links is made
    estimated = dict(limits._site_files(plan, environment(), None, ("github-pages",), True, False))
    shards = {p: s for p, s in estimated.items() if p.startswith("_shortlinks/previews/")}
    assert set(shards) == set(on_disk)
    total = sum(on_disk.values())
    assert abs(sum(s or 0 for s in shards.values()) - total) < total * 0.1


@pytest.mark.slow
def test_the_hint_names_the_shared_preview_and_browser_qr_codes(
    tmp_path: Path, cap: SetCap
) -> None:
    """A site that opted into a file a link for previews and QR codes is told that the
    defaults leave them out, with how many files each saves."""
    links = "".join(f"  l{i:03d}: https://a.example/{i}\n" for i in range(30))
    text = (
        "site:\n  domain: go.example.com\n  hosts: [cloudflare]\n  qr: files\n"
        f"  preview: files\nlinks:\n{links}"
    )
    source = write_links(tmp_path, text)
    cap("cloudflare", "site_files", (("free", 50), ("paid", 60)))
    ((*_, message, hint),) = shown(check(source, fits_at=NOW).problems)
    assert "more than the 50 files" in message, message
    assert "'qr: true' under site (the default) leaves out the QR code files (60 files)" in hint
    assert (
        "'preview: true' under site (the default) leaves out the preview pages (30 files)" in hint
    )


@pytest.mark.slow
def test_with_a_qr_style_the_hint_says_files_false(tmp_path: Path, cap: SetCap) -> None:
    """site.qr written as a mapping: the way out is its 'files: false', the style kept."""
    links = "".join(f"  l{i:03d}: https://a.example/{i}\n" for i in range(30))
    text = (
        "site:\n  domain: go.example.com\n  hosts: [cloudflare]\n"
        f"  qr: {{files: true, dark: '#1a237e'}}\nlinks:\n{links}"
    )
    source = write_links(tmp_path, text)
    cap("cloudflare", "site_files", (("free", 50), ("paid", 60)))
    ((*_, message, hint),) = shown(check(source, fits_at=NOW).problems)
    assert "more than the 50 files" in message, message
    assert (
        "'files: false' under site.qr (the default) leaves out the QR code files (60 files)" in hint
    )


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_tallies_of_parts_add_up_to_the_tally_of_the_whole(parts: int) -> None:
    """A build counts each process's files in that process (write.py's ``lister``) and
    adds the tallies up: the same as counting them all in one."""
    import random

    rng = random.Random(parts)
    folders = ["", "_shortlinks", "_shortlinks/previews", "a/b/c", "a", "x/y"]
    listing = []
    for i in range(2000):
        folder = rng.choice(folders)
        name = rng.choice([f"p{i}.html", "_redirects", "vercel.json", MARKER])
        path = f"{folder}/{name}" if folder else name
        listing.append((path, rng.choice([None, rng.randrange(0, 10**7)])))
    whole = Tally()
    whole.take(listing)
    cuts = sorted(rng.sample(range(1, len(listing)), parts - 1))
    pieces = [listing[a:b] for a, b in zip([0, *cuts], [*cuts, len(listing)], strict=True)]
    added = Tally()
    added.add_up(Tally.of(piece) for piece in pieces)
    assert sorted(added.largest) == sorted(whole.largest)
    added.largest, whole.largest = [], []
    assert added == whole
