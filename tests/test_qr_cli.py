"""shortlinks qr: a link's QR code in the terminal or as a file for print."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import domains, qr
from generator.build import check_text
from generator.cli import main
from generator.model import LinkSet


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


def _linkset(text: str) -> LinkSet:
    linkset = check_text(text, "links.yaml").linkset
    assert linkset is not None
    return linkset


def test_the_code_carries_the_url_the_link_answers_at() -> None:
    two = _linkset(
        "site:\n  domains: [go.example.com, sale.example.cn]\nlinks:\n"
        "  gh: https://github.com/acme\n"
        "  cn:\n    url: https://shop.example.cn/\n    domains: [sale.example.cn]\n"
    )
    assert qr.short_url(two, "gh", None, "links.yaml") == "https://go.example.com/gh"
    # not on the default domain: the first the link is on, unless one is asked for
    assert qr.short_url(two, "cn", None, "links.yaml") == "https://sale.example.cn/cn"
    assert qr.short_url(two, "cn", "sale.example.cn", "f") == "https://sale.example.cn/cn"
    with pytest.raises(qr.NoShortUrl, match=r"^no link 'cn' in f\.yaml$"):
        qr.short_url(two, "cn", "go.example.com", "f.yaml")
    one = _linkset("site:\n  domain: go.example.com\nlinks:\n  优惠: https://x.example/\n")
    assert qr.short_url(one, "优惠", None, "f") == "https://go.example.com/%E4%BC%98%E6%83%A0"
    with pytest.raises(domains.UnknownDomain, match=r"^f has no site\.domains$"):
        qr.short_url(one, "优惠", "go.example.com", "f")
    none = _linkset("links:\n  gh: https://github.com/acme\n")
    with pytest.raises(qr.NoShortUrl, match=r"has no site\.domain, so there is no short URL"):
        qr.short_url(none, "gh", None, "f")


def test_builds_keep_codes_in_the_cache_asked_for_or_the_default_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORTLINKS_CACHE", str(tmp_path / "env"))
    assert qr.cache_folder(None) == tmp_path / "env"
    assert qr.cache_folder(tmp_path / "mine") == tmp_path / "mine"
    assert qr.cache_folder(tmp_path / "mine", off=True) is None
