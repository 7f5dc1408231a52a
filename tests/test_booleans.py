"""A true/false key means the same to `check` and to an editor, or `check` refuses it.

PyYAML (and so `check`) speaks YAML 1.1, which reads ``yes``, ``no``, ``on`` and ``off`` (in
three letter cases) as booleans; editors' YAML language servers speak YAML 1.2, which reads
them as text and so flags ``forward_query: no`` as "not a boolean". Where the two disagree,
`check` refuses the word with what to write instead, at the value's line and column. The
spellings both read alike (``true``, ``True``, ``TRUE`` and the same for false) pass.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, problems_of

SCHEMA = json.loads((ROOT / "schema" / "links.schema.json").read_text())

SITE = "site:\n  domain: go.example.com\n  analytics: {provider: goatcounter, site: acme}\n"
LINK = "links:\n  a:\n    url: https://a.example.com\n"
C = CAMPAIGN = "campaigns:\n  spring:\n    url: https://shop.example.com\n    distributors: [a01]\n"

# (the schema's path to the key, a file whose last line is that key with the value {v},
#  the value's line and column)
# fmt: off
KEYS = [
    (("site", "links_json"), SITE + "  links_json: {v}\n" + LINK, 4, 15),
    (("site", "qr"), SITE + "  qr: {v}\n" + LINK, 4, 7),
    (("site", "files"), SITE + "  qr:\n    files: {v}\n" + LINK, 5, 12),
    (("site", "preview"), SITE + "  preview: {v}\n" + LINK, 4, 12),
    (("links", "open_in_browser"), SITE + LINK + "    open_in_browser: {v}\n", 7, 22),
    (("links", "forward_query"), SITE + LINK + "    forward_query: {v}\n", 7, 20),
    (("links", "analytics"), SITE + LINK + "    analytics: {v}\n", 7, 16),
    (("campaigns", "open_in_browser"), SITE + LINK + C + "    open_in_browser: {v}\n", 11, 22),
    (("campaigns", "forward_query"), SITE + LINK + C + "    forward_query: {v}\n", 11, 20),
    (("campaigns", "analytics"), SITE + LINK + C + "    analytics: {v}\n", 11, 16),
]
# fmt: on
# what a key takes, where it is more than true or false; site.preview takes no false, so
# YAML 1.1's no and off are refused as false is, with what it takes
EXPECTED = {"qr": "true, false, files or a mapping", "preview": "true or files"}
PREVIEW_HINT = (
    "true answers every '/<slug>+' with one shared page; files writes <slug>+.html for every link"
)
YAML11_ONLY = [w for word in ("yes", "no", "on", "off") for w in (word, word.title(), word.upper())]
BOTH = ["true", "True", "TRUE", "false", "False", "FALSE"]


def _boolean_keys(schema: dict, path: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(section, key) of every boolean property in the schema, wherever it sits, and of
    every property that takes true or a word (site.qr, site.preview)."""
    found: set[tuple[str, str]] = set()
    for key, sub in schema.get("properties", {}).items():
        takes_true = any(v is True for v in sub.get("enum", []))
        if sub.get("type") == "boolean" or takes_true or _boolean_branch(sub):
            found.add((path[0] if path else key, key))
        found |= _boolean_keys(sub, (*path, key))
    for word in ("additionalProperties", "items"):
        if isinstance(schema.get(word), dict):
            found |= _boolean_keys(schema[word], path)
    for word in ("oneOf", "anyOf"):
        for sub in schema.get(word, []):
            found |= _boolean_keys(sub, path)
    return found


def _boolean_branch(schema: dict) -> bool:
    """A property written as one of several shapes, true or false among them (site.qr)."""
    return any(True in sub.get("enum", []) for sub in schema.get("oneOf", []))


def test_the_table_has_every_boolean_key_of_the_schema() -> None:
    assert {(p[0], p[1]) for p, *_ in KEYS} == _boolean_keys(SCHEMA)


@pytest.mark.parametrize("word", YAML11_ONLY)
@pytest.mark.parametrize(("path", "source", "line", "column"), KEYS, ids=lambda v: str(v))
def test_a_yaml_1_1_only_boolean_is_refused_with_the_fix(
    path: tuple[str, str], source: str, line: int, column: int, word: str
) -> None:
    found = problems_of(source.replace("{v}", word))
    fix = "true" if word.lower() in ("yes", "on") else "false"
    hint = f"write {fix}: this check (YAML 1.1) reads {word} as {fix}, editors (YAML 1.2) as text"
    if path[1] == "preview" and fix == "false":
        hint = PREVIEW_HINT
    assert [(p.line, p.column, p.severity, p.message, p.hint) for p in found] == [
        (
            line,
            column,
            "error",
            f"{path[1]} must be {EXPECTED.get(path[1], 'true or false')}, not '{word}'",
            hint,
        )
    ]


@pytest.mark.parametrize("word", BOTH)
@pytest.mark.parametrize(("path", "source", "line", "column"), KEYS, ids=lambda v: str(v))
def test_a_boolean_both_read_alike_passes(
    path: tuple[str, str], source: str, line: int, column: int, word: str
) -> None:
    if path[1] == "preview" and word.lower() == "false":  # it takes true or files
        (p,) = problems_of(source.replace("{v}", word))
        assert (p.line, p.column, p.message) == (
            line,
            column,
            "preview must be true or files, not false",
        )
        return
    assert problems_of(source.replace("{v}", word)) == []


@pytest.mark.parametrize("word", ["'no'", '"yes"', "1", "y"])
def test_text_or_a_number_for_a_boolean_says_what_to_write(word: str) -> None:
    found = problems_of(SITE + LINK + f"    forward_query: {word}\n")
    value = word.strip("'\"")
    shown = repr(int(value)) if value.isdigit() else repr(value)
    assert [(p.line, p.column, p.message, p.hint) for p in found] == [
        (7, 20, f"forward_query must be true or false, not {shown}", "write true or false")
    ]


def test_a_boolean_from_the_fast_reader_and_the_slow_one_is_judged_alike() -> None:
    """The fast reader leaves a file with 'no' to the slow one; one with 'false' it reads
    itself: the same file but for that word gives exactly one error, the same each time."""
    text = SITE + LINK + "    forward_query: {v}\n  b: https://b.example.com\n"
    assert problems_of(text.replace("{v}", "false")) == []
    assert len(problems_of(text.replace("{v}", "no"))) == 1


def test_the_docs_example_is_what_check_prints() -> None:
    from tests.test_docs import blocks

    doc = ROOT / "docs" / "links-yaml.md"
    shown = next(b for b in blocks(doc, "text") if "must be true or false" in b)
    (p,) = problems_of(SITE + LINK + "    forward_query: no\n")
    assert shown.strip().splitlines() == [
        f"links.yaml:{p.line}:{p.column}: error: {p.message} ({p.rule})",
        f"    hint: {p.hint}",
    ]
