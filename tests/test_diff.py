"""shortlinks diff: what a pull request changes, from git refs or files."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

BASE = """\
site:
  timezone: Asia/Shanghai
links:
  gh: https://github.com/acme
  sale:
    url: https://shop.example.com/sale
    expires: 2026-11-30
  old: https://old.example.com
  same:
    url: https://same.example.com
    title: Same
"""
HEAD = """\
site:
  timezone: Asia/Shanghai
links:
  # reformatted and reordered: no change for these
  same: {url: "https://same.example.com", title: Same}
  gh:
    url: https://github.com/acme-corp
    title: "Pipes | and <b>tags</b>"
  sale:
    url: https://shop.example.com/sale
    expires: 2026-11-30
  new: https://new.example.com
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (tmp_path / "links.yaml").write_text(BASE)
    git("add", "links.yaml")
    git("commit", "-q", "-m", "base")
    (tmp_path / "links.yaml").write_text(HEAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args, "--now", "2026-11-25T08:00:00Z"])
    return result.exit_code, result.output


def test_text_lists_exactly_what_changed(repo: Path) -> None:
    code, out = run("main", "links.yaml")
    assert code == 0
    assert out.splitlines() == [
        "+ new  https://new.example.com/",  # the normal form: an empty path is '/' (urls.py)
        "~ gh  target: https://github.com/acme -> https://github.com/acme-corp",
        "~ gh  title: (none) -> Pipes | and <b>tags</b>",
        "- old  https://old.example.com/",
        "! sale  expires 30 November 2026",
        "1 added, 1 changed, 1 removed, 1 expiring within 7 days",
    ]


def test_json_and_two_files(repo: Path) -> None:
    (repo / "base.yaml").write_text(BASE)
    code, out = run("base.yaml", "links.yaml", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["added"] == ["new"] and doc["removed"] == ["old"]
    assert [c["slug"] for c in doc["changed"]] == ["gh"] and doc["expiring"] == ["sale"]


def test_markdown_summary_escapes_what_a_pull_request_wrote(repo: Path) -> None:
    code, out = run("main", "links.yaml", "--format", "markdown")
    assert code == 0
    assert "1 added, 1 changed, 1 removed" in out
    assert "| `gh` | title |  | Pipes \\| and &lt;b&gt;tags&lt;/b&gt; |" in out
    assert "<b>" not in out
    assert "#### Expiring within 7 days" in out and "| `sale` | 30 November 2026 |" in out


@pytest.mark.slow
def test_a_ref_without_the_file_counts_every_link_as_added(repo: Path) -> None:
    subprocess.run(["git", "rm", "-q", "--cached", "links.yaml"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "gone"], cwd=repo, check=True)
    code, out = run("HEAD", "links.yaml")
    assert code == 0
    assert out.splitlines()[-1] == "4 added, 0 changed, 0 removed, 1 expiring within 7 days"


def test_unknown_ref_and_broken_head_are_errors(repo: Path) -> None:
    code, out = run("no-such-ref", "links.yaml")
    assert code == 1 and "neither a file nor a git ref" in out
    (repo / "links.yaml").write_text("links:\n  gh: [\n")
    code, out = run("main", "links.yaml")
    assert code == 1 and "shortlinks check" in out


def test_links_of_several_domains_are_told_apart_and_secrets_are_not_shown(
    tmp_path: Path,
) -> None:
    site = "site:\n  domains: [go.example.com, sale.example.cn]\nlinks:\n"
    (tmp_path / "base.yaml").write_text(
        site + "  sale: https://a.example/sale\n"
        "  sale@sale.example.cn: https://a.example/cn\n"
        "  vip:\n    url: https://a.example/vip\n    password: first secret\n"
    )
    (tmp_path / "head.yaml").write_text(
        site + "  sale: https://a.example/sale\n"
        "  sale@sale.example.cn: https://a.example/cn2\n"
        "  vip:\n    url: https://a.example/vip\n    password: second secret\n"
        "    devices: {ios: 'https://apps.apple.com/app/id1'}\n"
        "  both:\n    url: https://a.example/both\n    domains: all\n"
    )
    run = CliRunner().invoke(
        main, ["diff", str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"),
               "--now", "2026-11-25T08:00:00Z"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert "+ both  https://a.example/both (on go.example.com, sale.example.cn)" in lines
    assert "~ sale@sale.example.cn  target: https://a.example/cn -> https://a.example/cn2" in lines
    assert not any(line.startswith("~ sale ") for line in lines)  # the default's is unchanged
    assert "~ vip  devices: (none) -> ios: https://apps.apple.com/app/id1" in lines
    changed = [line for line in lines if line.startswith("~ vip  password")]
    assert len(changed) == 1 and "secret" not in run.output


def test_the_sites_fallbacks_are_shown_and_site_expired_on_each_link_it_reaches(
    tmp_path: Path,
) -> None:
    links = "links:\n  sale:\n    url: https://shop.example.com/sale\n    expires: 2026-12-31\n"
    (tmp_path / "base.yaml").write_text(links)
    (tmp_path / "head.yaml").write_text(
        "site:\n  not_found: https://www.example.com/\n"
        "  expired: https://shop.example.com/offers\n" + links
    )
    code, out = run(str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"))
    assert code == 0
    assert out.splitlines() == [
        "~ site.not_found: (none) -> https://www.example.com/",
        "~ site.expired: (none) -> https://shop.example.com/offers",
        "~ sale  expired: (none) -> https://shop.example.com/offers",
        "0 added, 1 changed, 0 removed, 0 expiring within 7 days",
    ]
    code, out = run(str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"), "--format", "json")
    assert json.loads(out)["site"][0] == {
        "field": "site.not_found",
        "before": "",
        "after": "https://www.example.com/",
    }
    code, out = run(
        str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"), "--format", "markdown"
    )
    assert "#### Site" in out and "| site.not_found |  | https://www.example.com/ |" in out


QR_SITE = "site:\n  domain: go.example.com\n  qr:\n    dark: '{dark}'\n{more}links:\n  gh: https://github.com/acme\n"


@pytest.mark.parametrize(
    ("before", "after", "text", "row"),
    [
        # (site.qr's style in BASE, in HEAD, the text line, the markdown row)
        (
            "",
            "",
            "~ site.qr: dark #1a237e -> #000000",
            "| site.qr.dark | #1a237e | #000000 |",
        ),
        (
            "",
            "    quiet_zone: 6\n",
            "~ site.qr: quiet_zone 4 -> 6",
            "| site.qr.quiet_zone | 4 | 6 |",
        ),
        (
            "    light: '#fff8e1'\n",
            "",
            "~ site.qr: light #fff8e1 -> #ffffff",
            "| site.qr.light | #fff8e1 | #ffffff |",
        ),
    ],
)
def test_a_change_of_the_qr_codes_style_is_shown_in_every_format(
    tmp_path: Path, before: str, after: str, text: str, row: str
) -> None:
    (tmp_path / "base.yaml").write_text(QR_SITE.format(dark="#1a237e", more=before))
    dark = "#000000" if "dark" in text else "#1a237e"
    (tmp_path / "head.yaml").write_text(QR_SITE.format(dark=dark, more=after))
    files = (str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"))
    code, out = run(*files)
    assert code == 0
    assert out.splitlines() == [text, "0 added, 0 changed, 0 removed, 0 expiring within 7 days"]
    code, out = run(*files, "--format", "markdown")
    assert "#### Site" in out and row in out
    code, out = run(*files, "--format", "json")
    key, before_cell, after_cell = (cell.strip() for cell in row.split("|")[1:4])
    assert json.loads(out)["site"] == [{"field": key, "before": before_cell, "after": after_cell}]


def test_qr_codes_turned_off_or_into_files_and_a_logo_are_shown(tmp_path: Path) -> None:
    logo = Path(__file__).parent.parent / "docs" / "brand" / "logo.png"
    (tmp_path / "logo.png").write_bytes(logo.read_bytes())
    digest = hashlib.sha256(logo.read_bytes()).hexdigest()[:6]
    links = "links:\n  gh: https://github.com/acme\n"
    (tmp_path / "base.yaml").write_text("site:\n  domain: go.example.com\n" + links)
    (tmp_path / "files.yaml").write_text(
        "site:\n  domain: go.example.com\n  qr:\n    files: true\n    logo: logo.png\n"
        "    logo_size: 0.25\n" + links
    )
    (tmp_path / "off.yaml").write_text("site:\n  domain: go.example.com\n  qr: false\n" + links)
    code, out = run(str(tmp_path / "base.yaml"), str(tmp_path / "files.yaml"))
    assert code == 0
    assert out.splitlines() == [
        "~ site.qr: true -> files",
        f"~ site.qr: logo (none) -> (set, {digest})",
        "~ site.qr: logo_size 0.2 -> 0.25",
        "0 added, 0 changed, 0 removed, 0 expiring within 7 days",
    ]
    # codes turned off: their style no longer matters, and is not listed key by key
    code, out = run(str(tmp_path / "files.yaml"), str(tmp_path / "off.yaml"))
    assert out.splitlines() == [
        "~ site.qr: files -> false",
        "0 added, 0 changed, 0 removed, 0 expiring within 7 days",
    ]


def test_the_default_qr_style_written_out_is_no_change(tmp_path: Path) -> None:
    links = "links:\n  gh: https://github.com/acme\n"
    (tmp_path / "base.yaml").write_text(links)
    (tmp_path / "head.yaml").write_text(
        "site:\n  qr:\n    dark: '#000'\n    light: '#ffffff'\n    quiet_zone: 4\n" + links
    )
    code, out = run(str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml"))
    assert code == 0 and out.splitlines() == [
        "0 added, 0 changed, 0 removed, 0 expiring within 7 days"
    ]
