"""shortlinks import / export: CSV in and out, other services' exports, nothing overwritten."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import main
from tests.conftest import ROOT


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "links.yaml"
    path.write_bytes((ROOT / "links.yaml").read_bytes())
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_export_then_import_into_an_empty_file_gives_the_same_links(
    bundled: Path, tmp_path: Path
) -> None:
    code, _ = run("export", "-o", "out.csv")
    assert code == 0
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text("site:\n  domain: go.example.com\n  timezone: Asia/Shanghai\nlinks:\n")
    code, out = run("import", "out.csv", str(fresh))
    assert code == 0, out
    before, after = check(bundled).linkset, check(fresh).linkset
    assert before is not None and after is not None

    def key(x):  # type: ignore[no-untyped-def]
        return (x.slug, x.target.url, x.expires, x.starts, x.title, x.aliases, x.tags)

    assert sorted(map(key, before.links)) == sorted(map(key, after.links))


def test_import_skips_taken_and_wrong_rows_and_keeps_every_other_line(bundled: Path) -> None:
    Path("in.csv").write_text(
        "slug,url,expires,title,tags\n"
        "new-one,https://new.example.com,2026-12-31,New,winter;shop\n"
        "GH,https://evil.example.com,,,\n"  # 'gh' exists: never overwritten
        "bad,not a url,,,\n"
        "new-one,https://again.example.com,,,\n"  # a duplicate in the file itself
        "优惠2,https://shop.example.com/u,,,\n"
    )
    before = bundled.read_text()
    code, out = run("import", "in.csv")
    assert code == 0, out
    assert "in.csv:3: skipped GH: the slug is taken already (never overwritten)" in out
    assert "in.csv:4: skipped bad: url:" in out
    assert "in.csv:5: skipped new-one: the slug is taken already" in out
    assert out.strip().splitlines()[-1] == "Imported 2 link(s) (shortlinks format), skipped 3"
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=bundled.read_text().splitlines())
    assert [op[0] for op in ops.get_opcodes() if op[0] != "equal"] == ["insert"]
    linkset = check(bundled).linkset
    assert linkset is not None
    gh = next(x for x in linkset.links if x.slug == "gh")
    assert gh.target.url == "https://github.com/example"
    new = next(x for x in linkset.links if x.slug == "new-one")
    assert new.tags == ("winter", "shop") and new.title == "New"


@pytest.mark.parametrize(
    ("header", "row", "fmt"),
    [
        ("createdAt,domain,shortCode,shortUrl,longUrl,title,tags,visits",
         "2026-01-01,s.example,abc,https://s.example/abc,https://a.example,A,x|y,3", "shlink"),
        ("Long URL,Short code,Title", "https://a.example,abc,A", "shlink"),
        ("keyword,url,title,timestamp,ip,clicks", "abc,https://a.example,A,2020-01-01,1.2.3.4,5",
         "yourls"),
        ("address,target,description", "abc,https://a.example,A", "kutt"),
        ("link,long_url,title,tags", "https://bit.ly/abc,https://a.example,A,x", "bitly"),
        ("Link,Custom Link,Destination URL", "bit.ly/q1w2,bit.ly/abc,https://a.example", "bitly"),
    ],
)  # fmt: skip
def test_other_services_exports_are_recognised(
    bundled: Path, header: str, row: str, fmt: str
) -> None:
    Path("in.csv").write_text(f"{header}\n{row}\n")
    code, out = run("import", "in.csv", "--dry-run")
    assert code == 0, out
    assert out.strip() == f"Would import 1 link(s) ({fmt} format), skipped 0"
    assert "abc" not in bundled.read_text()  # a dry run writes nothing


def test_an_unknown_header_is_an_error(bundled: Path) -> None:
    Path("in.csv").write_text("foo,bar\n1,2\n")
    code, out = run("import", "in.csv")
    assert code == 1 and "no known format" in out
