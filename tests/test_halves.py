"""A links file checked on two cores gives exactly the one-process answer.

generator/halves.py cuts a big file's ``links:`` in two and checks the second part in a
forked child. Whatever the file (the repository's own, the fixtures, generated ones, and
hundreds of mutated ones with mistakes in either part, across the cut, or in its line),
the model and every problem (message, line, column, order) must be those of
``load_file`` and ``validate`` in one process, cut at many places.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from pathlib import Path

import pytest

from generator import halves, parallel
from generator.build import check
from generator.load import load_file
from generator.validate import validate
from tests.test_fastload import BASES, _mutate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

SHARES = (0.05, 0.3, 0.54, 0.8, 0.99)


def _one_process(path: Path) -> tuple[object, list[object]]:
    doc, problems = load_file(path)
    if doc is None:
        return None, problems
    linkset, found = validate(doc)
    return linkset, sorted(problems + found)


class _Count:
    """How many checks were really cut (the child's answer used)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cut = 0
        real = halves._in_two

        def counted(*args: object) -> object:
            answer = real(*args)  # type: ignore[arg-type]
            self.cut += answer is not None
            return answer

        monkeypatch.setattr(halves, "_in_two", counted)


def _same(path: Path, text: str, share: float) -> bool:
    path.write_text(text, encoding="utf-8")
    _doc, linkset, problems = halves.checked(path, split_from=0, share=share)
    expected_set, expected_problems = _one_process(path)
    assert problems == expected_problems
    assert linkset == expected_set
    return bool(expected_problems)


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_file_of_the_repository_is_answered_alike_cut_anywhere(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = _Count(monkeypatch)
    for share in SHARES:
        _same(tmp_path / "links.yaml", BASES[name], share)
    if name in ("links.yaml", "corpus"):  # plain files with many links: really cut
        cuts = [s for s in SHARES if halves.cut_of(BASES[name], s) is not None]
        assert count.cut == len(cuts) >= 3


def test_a_generated_file_is_cut_at_every_link_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = corpus.links_yaml(40)
    count = _Count(monkeypatch)
    cuts = set()
    for i in range(1, 100):
        where = halves.cut_of(text, i / 100)
        if where is not None:
            cuts.add(where.cut)
        _same(tmp_path / "links.yaml", text, i / 100)
    assert len(cuts) > 30 and count.cut > 90


# mistakes the child finds, the parent finds, or only the whole can see (a slug, an alias
# or a key in both parts; a chain of links across the cut)
_URL = "    url: https://b.example/\n"
_ACROSS = [
    ("  spare-a: https://a.example/1\n", "  spare-a: https://a.example/2\n"),  # duplicate key
    ("  spare-b: https://a.example/1\n", f"  spare-c:\n{_URL}    aliases: [spare-b]\n"),
    ("  spare-d: https://a.example/1\n", "  SPARE-D: https://b.example/\n"),  # case collision
    ("  spare-e: https://go.example.com/spare-f\n", "  spare-f: https://go.example.com/spare-e\n"),
    ("  spare-g: not a url\n", f"  spare-h:\n{_URL}    expires: 2026-02-30\n"),
    ("", f"  spare-i:\n{_URL}    titel: typo\n"),
    ("  spare-j: https://a.example/\n", "  spare-k: https://go.example.com/nowhere\n"),
]


@pytest.mark.parametrize("first,second", _ACROSS)
def test_mistakes_in_either_part_and_across_the_cut_are_said_alike(
    first: str, second: str, tmp_path: Path
) -> None:
    site = "site:\n  domain: go.example.com\n  home: https://www.example.com\n"
    body = "".join(f"  l{i}: https://x.example/{i}\n" for i in range(60))
    text = f"{site}links:\n{first}{body}{second}campaigns:\n  spring:\n    url: https://c.example/\n    distributors: [amy]\n    slug: 'c-{{code}}'\n"  # noqa: E501
    for share in (0.2, 0.5, 0.9):
        _same(tmp_path / "links.yaml", text, share)
    assert _one_process(tmp_path / "links.yaml")[1]  # there was something to say


def test_the_site_after_the_links_and_comments_at_the_margin_are_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "".join(
        f"  l{i}: https://x.example/{i}\n# a comment at the margin\n\n" for i in range(50)
    )
    text = f"links:  # ours\n{body}site:\n  domain: go.example.com\n  timezone: Asia/Shanghai\n"
    count = _Count(monkeypatch)
    for share in SHARES:
        _same(tmp_path / "links.yaml", text, share)
    assert count.cut == len([s for s in SHARES if halves.cut_of(text, s) is not None]) >= 4


@pytest.mark.parametrize(
    "text",
    [
        "links:\n- a\n- b\n",
        "site:\n  home: https://a.example\n",
        "links:\n  a: https://a.example\nlinks:\n  b: https://b.example\n",
        "links: {}\n",
        "links:\n  a: https://a.example\n",
    ],
)
def test_a_file_without_two_parts_to_cut_is_not_cut(text: str) -> None:
    assert halves.cut_of(text, 0.5) is None


def test_each_part_keeps_every_line_where_it_was() -> None:
    text = corpus.links_yaml(50)
    where = halves.cut_of(text, 0.5)
    assert where is not None
    mine, theirs = where.mine(text), where.theirs(text)
    lines, own, other = text.split("\n"), mine.split("\n"), theirs.split("\n")
    assert len(own) == len(other) == len(lines)
    child = where.lines(text)
    for n, line in enumerate(lines, 1):
        in_links = n > text[: where.first].count("\n")
        assert own[n - 1] == ("" if n in child else line)
        assert other[n - 1] == ("" if in_links and n < child.start else line)
    assert lines[child.start - 1].startswith("  ") and lines[child.start - 1][2] != " "


def test_a_child_that_dies_leaves_the_whole_file_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(_doc: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)  # in the child: as the kernel's OOM killer would
        raise AssertionError("not reached")

    monkeypatch.setattr(halves, "validate_share", killed)
    count = _Count(monkeypatch)
    _same(tmp_path / "links.yaml", corpus.links_yaml(200), 0.5)
    assert count.cut == 0


def test_a_position_of_the_childs_part_is_found_as_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    text = corpus.links_yaml(200)
    path.write_text(text, encoding="utf-8")
    doc, linkset, _ = halves.checked(path, split_from=0, share=0.5)
    one, _ = load_file(path)
    assert doc is not None and one is not None and linkset is not None
    last = linkset.links[-1]
    for p in [("links", last.slug), ("links", last.slug, "url"), ("site", "domain")]:
        assert doc.locate(p) == one.locate(p)
        assert doc.locate(p, at="key") == one.locate(p, at="key")


def test_a_build_checks_a_big_file_in_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(corpus.links_yaml(6000), encoding="utf-8")
    assert path.stat().st_size >= halves.SPLIT_FROM
    count = _Count(monkeypatch)
    result = check(path)
    assert count.cut == 1 and result.ok
    assert result.linkset == _one_process(path)[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BASES))
def test_mutated_files_are_answered_alike(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(f"halves {name}")
    count = _Count(monkeypatch)
    said = 0
    for _ in range(150):
        text = BASES[name]
        for _ in range(rng.randrange(1, 4)):
            text = _mutate(rng, text)
        said += _same(tmp_path / "links.yaml", text, rng.choice(SHARES[1:4]))
    assert said > 10  # mistakes were compared
    if name in ("links.yaml", "corpus"):  # and many of them were really cut
        assert count.cut > 30


@pytest.mark.parametrize("refused", ["fork", "temporary file"])
def test_no_process_or_temporary_file_to_spare_leaves_the_whole_file_to_this_process(
    refused: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*_args: object) -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    if refused == "fork":
        monkeypatch.setattr(parallel.os, "fork", fails)
    else:
        monkeypatch.setattr(parallel.tempfile, "TemporaryFile", fails)
    count = _Count(monkeypatch)
    _same(tmp_path / "links.yaml", corpus.links_yaml(200), 0.5)
    assert count.cut == 0


def test_a_file_changed_before_the_whole_is_checked_again_is_read_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(corpus.links_yaml(200), encoding="utf-8")
    now = corpus.links_yaml(120)

    def lost(*_args: object) -> None:  # the child's share did not come; meanwhile, an edit
        path.write_text(now, encoding="utf-8")

    monkeypatch.setattr(halves, "_in_two", lost)
    _doc, linkset, problems = halves.checked(path, split_from=0, share=0.5)
    assert (linkset, problems) == _one_process(path)
    assert linkset is not None and len(linkset.links) == 120
