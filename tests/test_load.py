"""The loader: YAML syntax, duplicate keys, aliases, encodings, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import MAX_DEPTH, decode, load_file, load_text
from tests.conftest import one_problem, problems_of

# (source, line, column, message): the loader's own problems.
CASES = [
    pytest.param(
        "links:\n  gh: https://a.example\n  gh: https://b.example\n",
        3,
        3,
        "duplicate key 'gh' (first on line 2)",
        id="duplicate-slug",
    ),
    pytest.param(
        "links:\n  sale:\n    url: https://a.example\n    url: https://b.example\n",
        4,
        5,
        "duplicate key 'url' (first on line 3)",
        id="duplicate-nested-key",
    ),
    pytest.param(
        "site:\n  domain: a.example\nsite:\n  domain: b.example\nlinks: {}\n",
        3,
        1,
        "duplicate key 'site' (first on line 1)",
        id="duplicate-top-level",
    ),
    pytest.param(
        "links:\n  gh: &b https://a.example\n  gh2: *b\n",
        3,
        8,
        "YAML alias *b is not allowed",
        id="alias",
    ),
    pytest.param(
        "links:\n  gh: https://a.example: x\n",
        2,
        24,
        "YAML syntax: mapping values are not allowed in this context",
        id="colon-in-value",
    ),
    pytest.param(
        "links:\n\tgh: https://a.example\n",
        2,
        1,
        "YAML syntax: found character that cannot start any token "
        "(while scanning for the next token)",
        id="tab-indent",
    ),
    pytest.param(
        'links:\n  gh: "https://a.example\n',
        3,
        1,
        "YAML syntax: found unexpected end of stream (while scanning a quoted scalar)",
        id="unclosed-quote",
    ),
    pytest.param(
        "links:\n  gh: !custom https://a.example\n",
        2,
        7,
        "YAML tag !custom is not supported",
        id="custom-tag",
    ),
    pytest.param(
        "links:\n  a: https://a.example\n  b:\n    <<: {title: x}\n    url: https://b.example\n",
        4,
        5,
        "YAML merge keys ('<<') are not supported",
        id="merge-key",
    ),
    pytest.param(
        "links:\n  gh: https://a.example\n---\nlinks: {}\n",
        3,
        1,
        "more than one YAML document ('---') in the file",
        id="two-documents",
    ),
    pytest.param(
        "links:\n  ? [a, b]\n  : https://a.example\n",
        2,
        5,
        "a key must be a plain value, not a list or mapping",
        id="complex-key",
    ),
    pytest.param(
        "links:\n  gh: https://a.example\x00\n",
        2,
        24,
        "the file contains the control character U+0000",
        id="nul-byte",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), CASES)
def test_loader_problem_has_message_and_position(
    source: str, line: int, column: int, message: str
) -> None:
    problem = one_problem(source)
    assert (problem.line, problem.column, problem.message) == (line, column, message)
    assert problem.severity == "error"


def test_alias_bomb_is_refused_quickly_without_expanding() -> None:
    # The "billion laughs": each level repeats the previous one ten times.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("links:\n  gh: https://a.example")
    found = problems_of("\n".join(lines) + "\n")
    aliases = [p for p in found if "alias" in p.message]
    assert len(aliases) == 90
    assert (aliases[0].line, aliases[0].column) == (2, 10)


def test_deep_nesting_is_refused() -> None:
    text = "links: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    found = [(p.line, p.column, p.message) for p in problems_of(text)]
    # the root mapping is level 1, so the 32nd bracket is the first refused
    assert (1, 8 + MAX_DEPTH - 1, f"nesting deeper than {MAX_DEPTH} levels") in found


def test_scalars_keep_pyyaml_types() -> None:
    doc, problems = load_text(
        "a: 302\nb: true\nc: 2026-12-31\nd: '2026-12-31'\ne: 2026-12-31T10:00:00+08:00\nf: ~\n"
    )
    assert problems == []
    assert doc is not None
    assert [type(v).__name__ for v in doc.data.values()] == [
        "int",
        "bool",
        "date",
        "str",
        "datetime",
        "NoneType",
    ]


def test_positions_point_at_keys_and_values() -> None:
    doc, _ = load_text("links:\n  sale:\n    url:   https://a.example\n")
    assert doc is not None
    assert doc.locate(("links", "sale", "url"), "key") == (3, 5)
    assert doc.locate(("links", "sale", "url"), "value") == (3, 12)
    # an unknown path falls back to its nearest known parent
    assert doc.locate(("links", "sale", "title")) == (3, 5)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    f = tmp_path / "links.yaml"
    f.write_bytes(b"\xef\xbb\xbflinks:\r\n  gh: https://a.example\r\n")
    doc, problems = load_file(f)
    assert problems == []
    assert doc is not None and doc.data == {"links": {"gh": "https://a.example"}}


def test_invalid_utf8_names_line_and_column() -> None:
    text, problems = decode(b"links:\n  gh: https://a.example/\xff\n", "links.yaml")
    assert text is None
    assert [(p.line, p.column, p.message) for p in problems] == [(2, 25, "invalid UTF-8 byte 0xff")]


def test_utf16_is_refused_with_a_hint() -> None:
    _text, problems = decode("links: {}\n".encode("utf-16"), "links.yaml")
    assert problems[0].message == "the file is UTF-16"
    assert problems[0].hint == "save it as UTF-8 instead"


def test_missing_file(tmp_path: Path) -> None:
    doc, problems = load_file(tmp_path / "nope.yaml")
    assert doc is None
    assert problems[0].message.endswith("nope.yaml does not exist")
