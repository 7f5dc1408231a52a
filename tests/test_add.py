"""shortlinks add: the new link's lines are the only change to the file."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import add as adder
from generator.build import check
from generator.cli import main
from tests.conftest import ROOT

NOW = ["--now", "2026-11-25T08:00:00Z"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["add", *args, *NOW])
    return result.exit_code, result.output


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    path = tmp_path / "links.yaml"
    path.write_bytes((ROOT / "links.yaml").read_bytes())
    return path


def only_insertions(before: str, after: str) -> list[str]:
    """The inserted lines; fails if anything else changed."""
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines()).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    assert len(changed) == 1 and changed[0][0] == "insert", changed
    _, _, _, j1, j2 = changed[0]
    return after.splitlines()[j1:j2]


def test_add_to_the_bundled_file_changes_only_the_new_links_lines(bundled: Path) -> None:
    before = bundled.read_text()
    code, out = run("https://shop.example.com/winter?utm_source=wechat", str(bundled),
                    "--slug", "winter", "--expires", "2026-12-31", "--title", 'Winter "sale"',
                    "--alias", "ws", "--tag", "campaign")  # fmt: skip
    assert code == 0, out
    assert out.startswith("Added https://go.example.com/winter\n") and "█" in out
    assert only_insertions(before, bundled.read_text()) == [
        "  winter:",
        '    url: "https://shop.example.com/winter?utm_source=wechat"',
        "    expires: 2026-12-31",
        '    title: "Winter \\"sale\\""',
        '    aliases: ["ws"]',
        '    tags: ["campaign"]',
    ]
    linkset = check(bundled).linkset
    assert linkset is not None
    winter = next(x for x in linkset.links if x.slug == "winter")
    assert winter.title == 'Winter "sale"' and winter.aliases == ("ws",)


def test_a_generated_slug_reads_aloud_and_collides_with_nothing(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picks = iter("GH" + "gh" * 2 + "k7m2pq")  # 'gh' (taken) first, as 2-letter slugs
    monkeypatch.setattr(adder.secrets, "choice", lambda alphabet: next(picks))
    taken = {"gh"}
    assert adder.generate_slug(taken, length=2) == "k7"
    monkeypatch.undo()
    code, out = run("https://example.com/x", str(bundled))
    assert code == 0, out
    slug = out.split("https://go.example.com/", 1)[1].split()[0]
    assert len(slug) == adder.LENGTH and set(slug) <= set(adder.ALPHABET)
    for _ in range(200):
        slug = adder.generate_slug(set())
        assert len(slug) == adder.LENGTH and set(slug) <= set(adder.ALPHABET)
    assert not set("0o1li") & set(adder.ALPHABET)


def test_nothing_is_written_when_the_link_is_wrong(bundled: Path) -> None:
    before = bundled.read_bytes()
    code, out = run("https://x.example", str(bundled), "--slug", "GH")  # 'gh' in another case
    assert code == 1 and "taken" in out
    code, out = run("not a url", str(bundled), "--slug", "fresh")
    assert code == 1 and "not added" in out
    code, out = run("https://x.example", str(bundled), "--expires-in", "soon")
    assert code == 1 and "7d" in out
    assert bundled.read_bytes() == before
    assert not list(bundled.parent.glob(".*tmp"))


def test_dry_run_shows_and_writes_nothing(bundled: Path) -> None:
    before = bundled.read_bytes()
    code, out = run("https://x.example/a", str(bundled), "--slug", "a", "--expires-in", "7d")
    assert code == 0
    assert bundled.read_bytes() != before  # (the real one wrote)
    bundled.write_bytes(before)
    code, out = run("https://x.example/a", str(bundled), "--slug", "a", "--expires-in", "7d",
                    "--dry-run")  # fmt: skip
    assert code == 0 and out.startswith("Would add (nothing written):")
    assert "  a:\n" in out and "expires: 2026-12-02" in out  # 7 days on, in site.timezone
    assert bundled.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    ["links:\n", "site:\n  timezone: UTC\nlinks:\n# tail\n", "# a comment\nlinks: ~\n# tail\n"],
)
def test_a_file_without_links_gets_its_first(tmp_path: Path, text: str) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(text)
    code, out = run("https://x.example", str(path), "--slug", "first")
    assert code == 0, out
    linkset = check(path).linkset
    assert linkset is not None and [x.slug for x in linkset.links] == ["first"]
    assert path.read_text().count("#") == text.count("#")  # comments kept
