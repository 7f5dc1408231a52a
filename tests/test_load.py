"""The loader: YAML syntax, duplicate keys, aliases, encodings, positions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import (
    MAX_DEPTH,
    PURE_YAML_ENV,
    decode,
    load_file,
    load_text,
    load_text_slowly,
    yaml_loader,
)
from generator.validate import validate_partial
from tests.conftest import FIXTURES, ROOT, by_parser, one_problem, problems_of, yaml_loaders

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
        by_parser(
            "YAML syntax: mapping values are not allowed in this context",
            "YAML syntax: mapping values are not allowed here",
        ),
        id="colon-in-value",
    ),
    pytest.param(
        "links:\n\tgh: https://a.example\n",
        2,
        1,
        by_parser(
            "YAML syntax: found character that cannot start any token "
            "(while scanning for the next token)",
            "YAML syntax: found character '\\t' that cannot start any token "
            "(while scanning for the next token)",
        ),
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


# -- both PyYAML parsers: libyaml's and the pure-Python one users without libyaml get ----

LOADERS = yaml_loaders()
BOTH = pytest.mark.parametrize("parser", sorted(LOADERS))


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        pytest.param(
            "links:\n  gh https://x.example\n  b: https://b.example\n",
            2, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="slug-url-then-a-key",
        ),
        pytest.param(
            "links:\n  gh\n    url: https://x.example\n",
            2, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="slug-then-its-keys",
        ),
        pytest.param(
            "links:\n  gh https://x.example\n\n  # a comment\n\n  b: https://b.example\n",
            2, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="blank-lines-and-a-comment-between",
        ),
        pytest.param(
            "links:\n  gh https://x.example # see\n  b: https://b.example\n",
            2, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="a-comment-after-it",
        ),
        pytest.param(
            "links:\n  a: https://a.example\n  gh https://x.example\n  b: https://b.example\n",
            3, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="between-two-links",
        ),
        pytest.param(
            "links:\n  a: https://a.example\n  gh https://x.example\n",
            3, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="last-line",
        ),
        pytest.param(
            "links:\n  a:\n    url: https://a.example\n    title Sale\n    tags: [x]\n",
            4, 5, "YAML syntax: could not find expected ':' after the key on this line",
            id="a-links-key",
        ),
        pytest.param(
            "site:\n  domain go.example.com\n  timezone: UTC\nlinks:\n  a: https://a.example\n",
            2, 3, "YAML syntax: could not find expected ':' after the key on this line",
            id="a-site-key",
        ),
    ],
)  # fmt: skip
@BOTH
def test_a_key_without_its_colon_is_reported_on_its_own_line(
    parser: str, source: str, line: int, column: int, message: str
) -> None:
    """PyYAML notices the missing ':' only on a later line (the next key's ':', the end,
    the next key); the message is put at the key that lacks it, with either parser."""
    doc, problems = load_text_slowly(source, cls=LOADERS[parser])
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [(line, column, message)]
    assert problems[0].hint == "a key needs ':' and a space after it: 'slug: https://...'"


@BOTH
def test_a_colon_in_a_value_is_still_reported_where_it_is(parser: str) -> None:
    _, problems = load_text_slowly(
        "links:\n  gh: https://a.example: x\n  b:\n    - x\n    - y z\n", cls=LOADERS[parser]
    )
    assert [(p.line, p.column) for p in problems] == [(2, 24)]
    assert problems[0].hint == "a value containing ': ' must be quoted"


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x80", "\x9f"]
)
@BOTH
def test_a_control_character_is_a_problem_with_either_parser(parser: str, char: str) -> None:
    """The pure-Python parser refuses it before it reads anything (when the loader is
    made), libyaml when it gets there: a traceback from the first, before."""
    text = f"links:\n  gh: https://a.example\n  b: x{char}y\n"
    doc, problems = load_text_slowly(text, cls=LOADERS[parser])
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 7, f"the file contains the control character U+{ord(char):04X}")
    ]


@BOTH
def test_a_lone_surrogate_is_a_problem_with_either_parser(parser: str) -> None:
    """No file holds one (decoding refuses the bytes first), but text made in Python can:
    'add' once wrote a title from a command-line byte that was not UTF-8 into the file's
    text, and libyaml could not even be given it."""
    doc, problems = load_text_slowly("links:\n  a: x\udcffy\n", cls=LOADERS[parser])
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 7, "the text contains the lone surrogate U+DCFF, which is no character")
    ]


@BOTH
def test_a_byte_order_mark_starting_a_later_line_is_refused(parser: str) -> None:
    """libyaml skips it there and misreads the indentation; the pure-Python parser reads it
    as the start of a key: two different files. Both get the same message."""
    text = "links:\n  a: https://a.example\n\ufeff  b: https://b.example\n"
    doc, problems = load_text_slowly(text, cls=LOADERS[parser])
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 1, "a byte order mark (U+FEFF, invisible) starts this line")
    ]
    doc, problems = load_text_slowly("links:\n  a: x\ufeffy\n", cls=LOADERS[parser])
    assert problems == [] and doc is not None and doc.data == {"links": {"a": "x\ufeffy"}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!timestamp x", "'x' is not a timestamp, which its YAML tag !!timestamp says it is"),
        ("!!bool maybe", "'maybe' is not a bool, which its YAML tag !!bool says it is"),
        ("!!int", "'' is not a int, which its YAML tag !!int says it is"),
        ("!!float", "'' is not a float, which its YAML tag !!float says it is"),
        ("!!int x", "invalid int 'x': invalid literal for int() with base 10: 'x'"),
    ],
)  # fmt: skip
@BOTH
def test_an_explicit_tag_on_a_value_it_does_not_fit_is_a_problem(
    parser: str, value: str, message: str
) -> None:
    """PyYAML's constructors take the value to be what its resolver matched: given another
    by an explicit tag they raised AttributeError, KeyError or IndexError (found by fuzzing)."""
    _, problems = load_text_slowly(f"links:\n  a: {value}\n", cls=LOADERS[parser])
    assert [(p.line, p.column, p.message) for p in problems] == [(2, 6, message)]


@BOTH
def test_explicit_tags_that_fit_keep_pyyaml_types(parser: str) -> None:
    text = "a: !!float 1\nb: !!int 0x1f\nc: !!bool yes\nd: !!null x\ne: !!timestamp 2026-01-02\n"
    doc, problems = load_text_slowly(text, cls=LOADERS[parser])
    assert problems == [] and doc is not None
    assert doc.data == yaml.load(text, Loader=LOADERS[parser])


@BOTH
def test_nesting_too_deep_stops_reading_there(parser: str) -> None:
    """No links file is 33 levels deep; the rest of such a file (50 MB of indentation) is
    not read: it cost the pure-Python parser a minute and could add nothing useful."""
    text = "".join(" " * i + f"k{i}:\n" for i in range(40)) + "links: [\n"
    doc, problems = load_text_slowly(text, cls=LOADERS[parser])
    assert doc is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (33, 33, f"nesting deeper than {MAX_DEPTH} levels")
    ]


def test_the_pure_python_parser_is_forced_by_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PURE_YAML_ENV, "1")
    assert yaml_loader() is yaml.SafeLoader
    monkeypatch.setenv(PURE_YAML_ENV, "0")
    assert yaml_loader() is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    monkeypatch.delenv(PURE_YAML_ENV)
    assert yaml_loader() is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# -- a small fuzz: any edit of a links file gives problems with positions, never a traceback

_BASES = [
    (ROOT / "links.yaml").read_text(encoding="utf-8"),
    *(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.yaml"))),
    "site:\n  domains: [a.example, b.example]\n  deny_domains: [bad.example]\nlinks:\n"
    "  a@b.example: https://a.example/b\n  b:\n    url: https://b.example\n"
    "    aliases: [c, d]\n    tags: [x, y]\n    devices: {ios: https://a.example/a}\n"
    "campaigns:\n  spring:\n    url: https://shop.example.com\n"
    "    distributors: [{code: a01, name: Ann}, b02]\n",
]
_NOISE = [" ", "  ", "\n", "#", ":", ": ", "- ", "'", '"', "[", "]", ",", "{", "}", "&a ", "*a",
          "!", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!null ", "|",
          ">", "?", "? ", "%", "@", "\t", "\r", "yes", "~", "0", "1.5", "2026-02-30", "1:2:3",
          "0x1f", ".inf", "\\", "\u00a0", "é", "\ufeff", "...", "---", "<<", "=", "\x85",
          "\x00", "\x1b", "\ufffe", "9" * 120, "https://go.example.com/a", "aliases", "devices",
          "url", "tags", "domains", "status", "expires", "campaigns", "distributors",
          "@"]  # fmt: skip


@pytest.mark.slow
@settings(
    derandomize=True,  # the same examples on every run
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    base=st.sampled_from(_BASES),
    edits=st.lists(
        st.tuples(st.integers(0, 1 << 20), st.sampled_from(_NOISE), st.integers(0, 3)),
        min_size=1,
        max_size=6,
    ),
)
def test_any_edit_of_a_links_file_gives_positioned_problems_with_either_parser(
    base: str, edits: list[tuple[int, str, int]]
) -> None:
    text = base
    for at, noise, cut in edits:
        at %= len(text) + 1
        text = text[:at] + noise + text[at + cut :]
    lines = text.count("\n") + 1
    for parser, cls in LOADERS.items():
        doc, problems = load_text_slowly(text, cls=cls)
        if doc is not None:
            problems += validate_partial(doc)[1]
        else:
            assert problems, (parser, text)
        for p in problems:
            assert 1 <= p.line <= lines and p.column >= 1 and p.message, (parser, p, text)
