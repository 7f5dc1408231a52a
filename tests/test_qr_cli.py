"""shortlinks qr: a link's QR code in the terminal or as a file for print."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main


@pytest.fixture
def links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "links.yaml").write_text(
        "site:\n  domain: go.example.com\nlinks:\n  gh:\n    url: https://github.com/acme\n"
        "    aliases: [优惠]\n"
    )
    return tmp_path


def read(path: Path) -> list[str]:
    import PIL.Image
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(PIL.Image.open(path))]


def test_terminal_drawing_and_url(links: Path) -> None:
    result = CliRunner().invoke(main, ["qr", "gh"])
    assert result.exit_code == 0, result.output
    assert "█" in result.output and result.output.strip().endswith("https://go.example.com/gh")


@pytest.mark.parametrize("slug", ["gh", "优惠"])
def test_png_for_print_reads_back(links: Path, slug: str) -> None:
    result = CliRunner().invoke(main, ["qr", slug, "-o", "code.png", "--scale", "12"])
    assert result.exit_code == 0, result.output
    from urllib.parse import quote

    assert read(links / "code.png") == [f"https://go.example.com/{quote(slug)}"]


def test_svg_for_print(links: Path) -> None:
    result = CliRunner().invoke(main, ["qr", "gh", "-o", "code.svg"])
    assert result.exit_code == 0, result.output
    svg = (links / "code.svg").read_text()
    assert svg.startswith("<svg") and "<script" not in svg
    assert not list(links.glob(".*.tmp"))  # written atomically, nothing left behind


def test_errors(links: Path) -> None:
    assert CliRunner().invoke(main, ["qr", "nope"]).exit_code == 1
    assert CliRunner().invoke(main, ["qr", "gh", "-o", "code.gif"]).exit_code == 2
    (links / "links.yaml").write_text("links:\n  gh: https://github.com/acme\n")
    result = CliRunner().invoke(main, ["qr", "gh"])
    assert result.exit_code == 1 and "site.domain" in result.output


@pytest.mark.parametrize(
    ("slug", "said"),
    [
        ("GH", "error: no link 'GH' in links.yaml (did you mean 'gh'?)"),
        ("g", "error: no link 'g' in links.yaml (did you mean 'gh'?)"),
        ("zzz", "error: no link 'zzz' in links.yaml"),
    ],
)
def test_an_unknown_slug_names_the_close_ones(links: Path, slug: str, said: str) -> None:
    result = CliRunner().invoke(main, ["qr", slug])
    assert (result.exit_code, result.output) == (1, said + "\n")
