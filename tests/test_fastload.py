"""The fast reader gives exactly what PyYAML's event stream gives, or steps aside.

``fast_load`` may only ever answer ``None`` (the slow path reads the file) or the same
values and positions as ``load_text_slowly`` on a file without problems. Checked on the
repository's own files, tricky snippets, and thousands of mutated files.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest

from generator.fastload import fast_load
from generator.load import load_text, load_text_slowly
from tests.conftest import yaml_loaders

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

BASES = {
    "links.yaml": (ROOT / "links.yaml").read_text(encoding="utf-8"),
    **{
        f"fixtures/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "tests" / "fixtures").glob("*.yaml"))
    },
    "corpus": corpus.links_yaml(300),
}

SNIPPETS = [
    "links:\n  a: https://x.example\n",
    "links:\n  a:\n    url: https://x.example\n    aliases:\n    - b\n    - c\n    tags: [x]\n",
    "links:\n  a:\n    url: https://x.example\n    aliases:\n      - b\n",
    "links:\n  a:\n  b: https://x.example\n",
    "links:\n  a: 'it''s'\n  b: \"q\"  # c\n  c: x # c\n  d: x#y\n",
    "site:\n  home: true\n  n: 010\n  f: 1.5e3\n  d: 2026-02-30\n  t: 2026-03-01 10:00\n  z: ~\n",
    "links:\n  2024: https://x.example\n  True: https://y.example\n  null: x\n",
    "links:\n  a: [ ]\n  b: []\n  c: [x,y ,  z]\n  d: [x,]\n  e: [x, [y]]\n",
    "links:\n  a: x\n  a: y\n",
    "site:\n  home: yes\n  qr: Off\nlinks:\n  yes: https://y.example\n  a: [on, NO]\n",
    "links:\n  a: x: y\n",
    "links:\n  a: x\n   b: y\n",
    "links:\n  a:\n    b: c\n   d: e\n",
    "links:\n  a: x\n    continued\n",
    "links:\n- a\n- b\n",
    "- a\n",
    "just text\n",
    "",
    "# only a comment\n",
    "---\nlinks: {}\n",
    "links:\n  a: &x y\n  b: *x\n",
    "links:\n  a: !!str 1\n",
    "links:\n  a: |\n    x\n",
    "links:\n  <<: x\n",
    "links:\n  a: =\n",
    "links:\n  'a: b': x\n  \"c\": y\n  'd':x\n",
    'links:\n  a: "x\\ty"\n',
    "links:\n  a: 'x\n    y'\n",
    "links:\n\ta: x\n",
    "links:\r\n  a: x\r\n",
    "links:\n  a: x\u2028y\n",
    "links:\n  a: -x\n  b: - x\n  c: -\n",
    "links:\n  a:    \n  b:   # nothing\n",
    "links:\n  a:#x\n",
    "links:\n  -a: x\n  ?b: y\n",
    "links:\n  a: x\n...\n",
    "links:\n  a: x\n---\n",
    "links:\n  a: [b, 'c']\n",
    "links:\n  a: .inf\n  b: .nan\n  c: 0x1f\n  d: 1_000\n  e: 12:30:00\n",
    "links:\n  a: [x: y]\n",
    # '?' in a flow list: libyaml ends a plain scalar at ':' before it, the pure-Python
    # parser at any '?' (a key there): errors to one or both, never values to this reader
    "links:\n  a: [x:?]\n",
    "links:\n  a: [x:?y]\n",
    "links:\n  a: [a?b]\n",
    "links:\n  a: [x ?]\n",
    "links:\n  a: [x, ?]\n",
    "links:\n  a: [x?]\n",
    "links:\n  a: x?\n  b: x:?\n  c?: y\n  d: a?b\n",
    # a key of 1024 characters is a key to both parsers; of 1025, to neither
    "links:\n" + "k" * 1024 + ": x\n",
    "links:\n  " + "k" * 1022 + ": x\n",
    "links:\n  " + "k" * 1023 + ": x\n",
    "links:\n  '" + "k" * 1021 + "': x\n",
    "links:\n  '" + "k" * 1022 + "': x\n",
    # numbers: read alike up to 100 characters, left to load.py (which refuses them) past it
    "links:\n  a: " + "9" * 100 + "\n  b: 0x" + "f" * 98 + "\n  c: [1" + "0" * 99 + "]\n",
    "links:\n  a: " + "9" * 101 + "\n",
    "links:\n  a: " + ":".join(["59"] * 40) + "\n",
    "links:\n  a: [" + ":".join(["59"] * 60) + "]\n",
    'links:\n  "": x\n',
    "links:\n  a\n",
    "links:\n" + "  " * 40 + "a: b\n",
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)),
    *(  # a flow list one level deeper than its mapping, at the depth limit
        "k0:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, n)) + "  " * n + "leaf: [x]\n"
        for n in (30, 31, 32)
    ),
]


LOADERS = yaml_loaders()


def _same(text: str) -> bool:
    """True when the fast reader answered (and was right); False when it stepped aside.

    Right means: both PyYAML parsers (libyaml's and the pure-Python one, whichever a user
    has) read the file without a problem, and give its values and positions."""
    fast = fast_load(text)
    if fast is None:
        return False
    for name, cls in LOADERS.items():
        doc, problems = load_text_slowly(text, cls=cls)
        assert doc is not None and not problems, (name, text, problems)
        assert _equal(fast[0], doc.data), (name, text, fast[0], doc.data)
        kept = {p: v for p, v in doc.positions.items() if len(p) <= 2}
        assert fast[1] == kept, (name, text, fast[1], kept)
    return True


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", sorted(BASES))
def test_the_repositorys_own_files_take_the_fast_path(name: str) -> None:
    fast = _same(BASES[name])
    if "mistakes" in name:  # a duplicate key among them: only the slow path names both lines
        assert not fast
    else:
        assert fast, f"{name} fell back to the slow path"


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_are_read_alike_or_left_to_pyyaml(text: str) -> None:
    _same(text)


def test_the_common_forms_take_the_fast_path() -> None:
    for text in SNIPPETS[:7]:
        assert _same(text), text


def test_a_question_mark_in_a_flow_list_is_left_to_pyyaml() -> None:
    """'[a?b]' is a list of one text to libyaml and a syntax error to the pure-Python
    parser; '[x:?]' is an error to both. The reader accepted both (found by fuzzing)."""
    for text in ("links:\n  a: [a?b]\n", "links:\n  a: [x:?]\n", "links:\n  a: [?]\n"):
        assert fast_load(text) is None, text


_FLOW = "ab9 :?-,#'\"[]{}!&*|>%@`.~"


@pytest.mark.slow
def test_random_flow_lists_and_values_are_read_alike_by_all_three() -> None:
    """Short random items of YAML's indicators and letters, in a flow list, as a value and
    as a key: the fast reader answers as both parsers do, or steps aside."""
    rng = random.Random(11)
    answered = 0
    for _ in range(4000):
        item = "".join(rng.choice(_FLOW) for _ in range(rng.randrange(1, 7)))
        for text in (
            f"links:\n  a: [{item}]\n",
            f"links:\n  a: [x, {item}, y]\n",
            f"links:\n  a: {item}\n",
            f"links:\n  {item}: x\n",
        ):
            answered += _same(text)
    assert answered > 2000  # many are plain: the comparison had work


_NOISE = [" ", "  ", "\n", "#", " #", ":", ": ", "-", "- ", "'", '"', "[", "]", ",", "{", "&a ",
          "*a", "!", "|", ">", "?", "%", "@", "\t", "\r", "yes", "~", "0", "1.5", "2026-01-01",
          "\\", "\u00a0", "é", "优", "\ufeff", "...", "---", "<<"]  # fmt: skip


def _mutate(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    kind = rng.randrange(6)
    i = rng.randrange(len(lines))
    if kind == 0 and len(lines) > 1:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 2:
        lines[i] = " " * rng.randrange(5) + lines[i].lstrip(" ")
    else:
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        if kind == 3:
            line = line[:at] + rng.choice(_NOISE) + line[at:]
        elif kind == 4:
            line = line[:at] + line[at + 1 :]
        else:
            line = line[:at] + rng.choice(_NOISE) + line[at + rng.randrange(4) :]
        lines[i] = line
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BASES))
def test_mutated_files_are_read_alike_or_left_to_pyyaml(name: str) -> None:
    rng = random.Random(name)
    base = BASES[name]
    fast = 0
    for _ in range(600):
        text = base
        for _ in range(rng.randrange(1, 4)):
            text = _mutate(rng, text)
        fast += _same(text)
    if "mistakes" not in name:  # most small edits keep a file plain: the comparison had work
        assert fast > 100


SUITE = json.loads((ROOT / "tests/fixtures/yaml-test-suite/in-yaml.json").read_text("utf-8"))


def _placed(case: dict[str, object]) -> list[str]:
    """A case's input as a whole, under a link, and each of its lines in a links file's
    places (a value, a flow list's items, a key, a list item), where this reader looks."""
    text = str(case["yaml"])
    texts = [text, "links:\n  a:\n" + "".join(f"    {line}\n" for line in text.split("\n"))]
    for line in {line.strip(" ") for line in text.split("\n")} - {""}:
        texts += [
            f"links:\n  a: {line}\n",
            f"links:\n  a: [{line}]\n",
            f"links:\n  a: [x, {line}]\n",
            f"links:\n  {line}: x\n",
            f"links:\n  a:\n  - {line}\n",
        ]
    return texts


@pytest.mark.parametrize("case", SUITE, ids=[str(c["id"]) for c in SUITE])
def test_the_yaml_test_suite_is_read_alike_by_all_three(case: dict[str, object]) -> None:
    """Every input of the official YAML test suite (tests/fixtures/yaml-test-suite), and
    its lines placed where links files have values: the fast reader steps aside, or gives
    what both PyYAML parsers give (and both accept the file)."""
    for text in _placed(case):
        _same(text)


@pytest.mark.slow
def test_the_yaml_test_suite_gave_the_fast_reader_work() -> None:
    answered = sum(_same(text) for case in SUITE for text in _placed(case))
    whole = [str(c["id"]) for c in SUITE if _same(str(c["yaml"]))]
    assert answered > 1000, answered
    assert len(whole) > 10, whole  # plain files of the suite itself (spec examples 2.x...)


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off",
                                  "Off", "OFF"])  # fmt: skip
def test_a_yaml_1_1_boolean_is_left_to_the_slow_path_which_notes_its_spelling(word: str) -> None:
    """YAML 1.2 (editors) reads these words as text: validation needs to know how the value
    was written (tests/test_validate.py), and only the slow path records it."""
    text = f"links:\n  a:\n    url: https://x.example\n    forward_query: {word}\n"
    assert fast_load(text) is None
    doc, _ = load_text(text)
    assert doc is not None
    assert doc.data["links"]["a"]["forward_query"] is (word.lower() in ("yes", "on"))
    assert doc.yaml11_boolean(("links", "a", "forward_query")) == word
    assert doc.yaml11_boolean(("links", "a", "url")) is None


@pytest.mark.parametrize("word", ["true", "True", "TRUE", "false", "False", "FALSE", "'no'"])
def test_a_boolean_both_yaml_versions_read_alike_stays_fast(word: str) -> None:
    text = f"links:\n  a:\n    url: https://x.example\n    forward_query: {word}\n"
    assert _same(text)
    doc, _ = load_text_slowly(text)
    assert doc is not None and doc.yaml11_booleans == {}


def test_deeper_positions_are_found_by_reading_again() -> None:
    text = "links:\n  a:\n    url: https://x.example\n    aliases: [b,  c]\n"
    doc, _ = load_text(text)
    assert doc is not None and ("links", "a", "url") not in doc.positions
    assert doc.locate(("links", "a", "aliases", 1)) == (4, 19)
    assert doc.locate(("links", "a", "url"), "key") == (3, 5)
    slow, _ = load_text_slowly(text)
    assert slow is not None and doc.positions == slow.positions


def test_load_text_uses_the_slow_path_for_mistakes() -> None:
    doc, problems = load_text("links:\n  a: x\n  a: y\n")
    assert doc is not None and problems and "duplicate key" in problems[0].message


@pytest.mark.slow
def test_the_fast_url_and_slug_checks_agree_with_the_full_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """urls.parse_target and slugs.slug_problems short-cut the common case; compare both."""
    import re

    from generator import slugs, urls

    never = re.compile("(?!)")
    rng = random.Random(3)
    letters = "abcXYZ09-._~/?#&=%:@![]' 优\u00e9"

    def both(fn: object, fast: tuple[object, str], value: str) -> tuple[object, object]:
        def run() -> object:
            try:
                return fn(value)  # type: ignore[operator]
            except urls.UrlError as exc:
                return ("error", str(exc), exc.hint)

        first = run()
        with monkeypatch.context() as m:
            m.setattr(fast[0], fast[1], never)
            return first, run()

    for _ in range(20000):
        url = "http" + rng.choice(["", "s"]) + "://"
        url += "".join(rng.choice(letters) for _ in range(rng.randrange(25)))
        a, b = both(urls.parse_target, (urls, "_SIMPLE_START"), url)
        assert a == b, url
        slug = "".join(rng.choice("aZ9-~_./优") for _ in range(rng.randrange(8)))
        if rng.random() < 0.02:
            slug = rng.choice(sorted(slugs.RESERVED))
        a, b = both(slugs.slug_problems, (slugs, "SIMPLE_SLUG"), slug)
        assert a == b, slug


def test_checking_a_plain_file_never_reads_it_the_slow_way() -> None:
    """At 100,000 links the slow path costs seconds: a valid file must not need it."""
    from generator.validate import validate

    doc, problems = load_text(corpus.links_yaml(2000))
    assert doc is not None and not problems
    linkset, more = validate(doc)
    assert linkset is not None and not more
    assert doc.text is not None  # the positions were never completed


def test_the_special_characters_are_those_outside_what_the_reader_reads_plainly() -> None:
    """fastload._SPECIAL lists what is left of these ranges: on every code point, the same."""
    import re

    from generator import fastload

    plain = re.compile(
        "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    every = "".join(map(chr, range(0x110000)))
    assert fastload._SPECIAL.findall(every) == plain.findall(every)
