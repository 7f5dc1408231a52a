"""A deliberate fast path beside load.py; differential tests: tests/test_fastload.py.

A fast reader for the plain YAML that links files are made of, or ``None``.

PyYAML's event stream (``load.py``) costs about 25 us a link: at 100,000 links that is
seconds before anything is checked. Nearly every links.yaml uses a small part of YAML:
block mappings, block and one-line flow lists, plain and simply quoted scalars and
comments. This module reads exactly that part, line by line, and gives the same values
(typed by PyYAML's own resolver and constructors: ``true`` is True, ``2026-03-01`` a date)
and the same positions as ``load.py``. Anything else (anchors, tags, block scalars,
multi-line scalars, escapes, tabs, CR line ends, duplicate keys, odd indentation, a
boolean spelt ``yes``/``no``/``on``/``off``, any syntax error) makes it return ``None``,
and ``load.py`` parses the text the slow way, which also gives the exact error message.
So this module never decides that a file is wrong: it only recognises files that are
plainly right.

tests/test_fastload.py holds it to that: on every file of the test suite, the bad-input
cases, generated, mutated and random files and every input of the official YAML test suite,
its answer is ``None`` or exactly what both PyYAML parsers give (libyaml's and the
pure-Python one, which users without libyaml get, and which differ in places).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.resolver import Resolver

from .problems import Path

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
# load.YAML12_BOOLEANS (not imported: load.py imports this module)
_YAML12_BOOLEANS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
# PyYAML's implicit resolvers by first character, as PyYAML's Resolver.resolve reads them
_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TYPES = {
    "tag:yaml.org,2002:" + t: _CONSTRUCTOR.yaml_constructors["tag:yaml.org,2002:" + t]
    for t in ("bool", "null", "int", "float", "timestamp")
}
# Characters the YAML reader refuses, and characters it reads as line breaks or tabs: the
# slow path knows what to say about each. Every character but '\n', ' '-'~', U+00A0-U+2027,
# U+202A-U+D7FF, U+E000-U+FEFE, U+FF00-U+FFFD and past U+FFFF, written as what is left (the
# same set, tested on every code point: compiled in a tenth of the time, 3 ms at each start).
_SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# A plain scalar cannot start with these (YAML 1.1 indicators); '-' only before a space.
_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`")


# Positions are kept for the site's keys and each link (a link's line is in every message
# about it); deeper ones only matter for a message, and Document.locate finds them by
# reading the file again the slow way, which only happens when there is something to say.
# At a million links that saves a gigabyte of position tuples.
_KEPT = 2
_MAX_DEPTH = 32  # load.MAX_DEPTH (not imported: load.py imports this module)
# YAML's limit on an implicit key: its ':' at most 1024 characters after the key's start.
# Past it PyYAML (libyaml) stops reading the key as a key, a syntax error; this reader used
# to accept a key of any length, which broke its promise to answer as the slow path does
# (a 10,000-character slug was "too long" here, a syntax error there).
_MAX_KEY = 1024
# A number longer than this is refused by load.py before PyYAML builds it (and so is
# never read here): no number in a links file comes near it, and PyYAML builds a
# sexagesimal one ('1:2:3:...', base 60) in quadratic time, a 5,000-digit one not at all
# (Python's int limit), and an int of more than 4,300 digits cannot even be printed.
MAX_NUMBER = 100
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _NotPlain(Exception):
    """The text leaves the plain part of YAML: the slow path takes it."""


# Values already read, by their text, up to _TYPED_MAX of them: a links file repeats its
# keys, dates, booleans and numbers (at 100,000 links, 40,000 dates of a thousand days),
# and each is tried against PyYAML's resolvers. Values are immutable.
_TYPED: dict[str, Any] = {}
_TYPED_MAX = 4096


def _scalar(text: str) -> Any:
    """A plain scalar's value, typed as PyYAML would type it."""
    resolvers = _RESOLVERS.get(text[0] if text else "")
    if resolvers is None:
        return text
    typed = _TYPED.get(text, _TYPED)
    if typed is not _TYPED:
        return typed
    for tag, regexp in resolvers:  # noqa: B007 - the tag that matched is used below
        if regexp.match(text):
            break
    else:
        if len(_TYPED) < _TYPED_MAX:  # keys such as 'title' and 'tags' are tried often
            _TYPED[text] = text
        return text
    make = _TYPES.get(tag)
    if make is None:  # merge keys, '=', '!', '&', '*': the slow path has words for these
        raise _NotPlain
    if len(text) > MAX_NUMBER and tag in _NUMBERS:
        raise _NotPlain  # load.py refuses it, with words
    if tag == _BOOL and text not in _YAML12_BOOLEANS:
        raise _NotPlain  # yes/no/on/off: the slow path notes how it was written (load.py)
    try:
        typed = make(_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except (ValueError, OverflowError):
        if tag.endswith("timestamp"):  # like load.py: validation says which date is wrong
            return text
        raise _NotPlain from None
    if len(_TYPED) < _TYPED_MAX:
        _TYPED[text] = typed
    return typed


def _plain(text: str) -> str:
    """Check that ``text`` (comment already removed) is one plain scalar; return it."""
    if not text:
        return text
    first = text[0]
    if first in _INDICATORS or (first == "-" and (len(text) == 1 or text[1] == " ")):
        raise _NotPlain
    if ": " in text or text.endswith(":") or " #" in text:
        raise _NotPlain
    return text


def _quoted(text: str, col: int) -> tuple[str, int]:
    """A quoted scalar at the start of ``text``: its value and the index after it."""
    quote = text[0]
    if quote == "'":
        i = 1
        parts = []
        while True:
            j = text.find("'", i)
            if j < 0:
                raise _NotPlain  # continues on the next line
            parts.append(text[i:j])
            if text.startswith("''", j):
                parts.append("'")
                i = j + 2
                continue
            return "".join(parts), j + 1
    j = text.find('"', 1)
    if j < 0 or "\\" in text[1:j]:
        raise _NotPlain  # escapes or several lines: the slow path decodes them
    return text[1:j], j + 1


def _rest_is_comment(rest: str) -> None:
    stripped = rest.lstrip(" ")
    if stripped and (not stripped.startswith("#") or stripped == rest):
        raise _NotPlain


def _split_value(raw: str) -> str:
    """A plain value with its trailing comment removed."""
    cut = raw.find(" #")
    if cut >= 0:
        raw = raw[:cut]
    return raw.rstrip(" ")


def _flow_list(text: str, line: int, col: int, positions: dict, path: Path) -> list:
    """``[a, b]`` on one line, with plain items only.

    No '?' anywhere in it: PyYAML's pure-Python scanner ends a plain scalar at any '?' in
    a flow list (a key indicator there), libyaml at a ':' before one, so ``[a?b]`` and
    ``[x:?]`` are syntax errors to one parser or both, and only the slow path knows which
    (tests/test_fastload.py compares this reader with both)."""
    end = text.find("]")
    if end < 0 or any(c in text[1:end] for c in "[]{}'\"#?"):
        raise _NotPlain
    keep = len(path) < _KEPT
    _rest_is_comment(text[end + 1 :])
    inner = text[1:end]
    out: list[Any] = []
    if not inner.strip(" "):
        return out
    offset = 1
    for i, item in enumerate(inner.split(",")):
        stripped = item.strip(" ")
        if not stripped:
            raise _NotPlain
        if stripped[0] in _INDICATORS or stripped.endswith(":") or ": " in stripped:
            raise _NotPlain
        if stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " "):
            raise _NotPlain
        at = col + offset + (len(item) - len(item.lstrip(" ")))
        out.append(_scalar(stripped))
        if keep:
            positions[(*path, i)] = (line, at, line, at, None)
        offset += len(item) + 1
    return out


def _empty(
    mapping: dict, key: Any, path: Path, line: int, col: int, positions: dict[Path, tuple]
) -> None:
    """``key:`` with nothing under it: None, its value's position that of its ':' end."""
    mapping[key] = None
    if len(path) <= _KEPT:
        kl, kc, _vl, _vc, kt = positions[path]
        positions[path] = (kl, kc, line, col, kt)


def _item(
    content: str,
    indent: int,
    number: int,
    top: list,
    path: Path,
    depth: int,
    positions: dict[Path, tuple],
) -> None:
    """A block list's item, ``- value`` on one line (``content``), appended to ``top``.
    Not in ``_parse``'s loop: a links file's lists are mostly flow lists (``[a, b]``)."""
    rest = content[2:] if len(content) > 1 else ""
    value_text = rest.lstrip(" ")
    col = indent + 1 + (len(content) - len(value_text))
    if not value_text or value_text[0] == "#":
        raise _NotPlain  # an item on the next lines, or an empty one
    item_path = (*path, len(top))
    if value_text[0] in "'\"":
        value, end = _quoted(value_text, col)
        _rest_is_comment(value_text[end:])
    elif value_text[0] == "[":
        if depth >= _MAX_DEPTH:
            raise _NotPlain  # the list is one level deeper still
        value = _flow_list(value_text, number, col, positions, item_path)
    else:
        value = _scalar(_plain(_split_value(value_text)))
    top.append(value)
    if len(item_path) <= _KEPT:
        positions[item_path] = (number, col, number, col, None)


def _quoted_key(content: str, indent: int) -> tuple[str, int]:
    """A quoted key at the start of ``content``: its text and the index of its ':'."""
    key_text, end = _quoted(content, indent + 1)
    after = content[end:]
    if not after.startswith(":") or (len(after) > 1 and after[1] != " "):
        raise _NotPlain
    return key_text, end


_PIECE = 1 << 20  # characters of the text split into lines at once (_pieces)


def _pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of whole lines, each about ``_PIECE`` characters long (the line
    break between two pieces left out of both)."""
    start, end = 0, len(text)
    while start <= end:
        stop = text.find("\n", start + _PIECE)
        if stop < 0:
            stop = end
        yield text[start:stop]
        start = stop + 1


def fast_load(text: str) -> tuple[Any, dict[Path, tuple]] | None:
    """The document's values and positions, or None when the slow path must read it.

    Positions are ``(key_line, key_col, value_line, value_col, key_text)`` tuples, 1-based,
    exactly as ``load.py`` records them, for the paths of one or two keys (``_KEPT``).
    """
    if _SPECIAL.search(text):
        return None
    collecting = gc.isenabled()
    gc.disable()  # it finds no cycles in fresh dicts and tuples, only costs time at 100k links
    try:
        return _parse(text)
    except _NotPlain:
        return None
    finally:
        if collecting:
            gc.enable()


def _parse(text: str) -> tuple[Any, dict[Path, tuple]]:
    """``fast_load``'s reader: one loop over the lines, deliberately one function.

    Most lines of a links file are a key and a plain value, read in about 2.5 us each
    here; a function call costs about 0.1 us, 4% more on every line. So what runs on most
    lines (a mapping entry, its plain value, the indentation that closes mappings, a
    nested mapping opened under its key) stays inline, and only rarer lines call out:
    block list items (``_item``), quoted keys (``_quoted_key``), keys with no value
    (``_empty``). Splitting those cost nothing measurable: ``shortlinks check`` of
    bench/corpus.py's 100,000 links, CPU time, interleaved runs (tests/test_layout.py
    allows its length).
    """
    positions: dict[Path, tuple] = {}
    root: dict = {}
    # frames: [indent, container, path]; a list frame's indent is that of its '-'
    stack: list[list[Any]] = [[0, root, ()]]
    # a key whose value is on the following lines: (indent, mapping, key, path, line, col)
    pending: tuple | None = None
    seen_content = False
    number = 0
    top_indent, top, path = stack[-1]  # the innermost frame's, kept as the stack changes
    # a piece of the text at a time: a list of every line would be 5 million strings at
    # 1M links, and reading one line at a time cost a tenth of the reading
    for piece in _pieces(text):
        for number, line in enumerate(piece.split("\n"), number + 1):  # noqa: B020
            content = line.lstrip(" ")
            if not content:
                continue
            lead = content[0]  # (read once: each index costs on every line)
            if lead == "#":
                continue
            indent = len(line) - len(content)
            if not seen_content:
                if indent or content.startswith(("---", "...", "%")):
                    raise _NotPlain
                seen_content = True
            elif indent == 0 and content.startswith(("---", "...")):
                raise _NotPlain
            is_item = lead == "-" and (len(content) == 1 or content[1] == " ")

            if pending is not None:
                p_indent, p_map, p_key, p_path, p_line, p_col = pending
                pending = None
                if indent > p_indent or (is_item and indent == p_indent):
                    child: dict | list = [] if is_item else {}
                    p_map[p_key] = child
                    if len(p_path) <= _KEPT:
                        kl, kc, _vl, _vc, kt = positions[p_path]
                        positions[p_path] = (kl, kc, number, indent + 1, kt)
                    stack.append([indent, child, p_path])
                    top_indent, top, path = indent, child, p_path
                    if len(stack) > _MAX_DEPTH:
                        raise _NotPlain  # load.py refuses it, with words
                else:
                    _empty(p_map, p_key, p_path, p_line, p_col, positions)

            # close what this line's indentation ends (nothing, on most lines: the next key of
            # the same mapping)
            if indent != top_indent or top.__class__ is not dict:
                while True:
                    top_indent, top, _ = stack[-1]
                    if indent > top_indent:
                        raise _NotPlain  # deeper than its container, with no key open: continuation
                    if indent == top_indent:
                        if isinstance(top, list) and not is_item:
                            stack.pop()  # a list at its key's indentation ends at the next key
                            continue
                        break
                    stack.pop()
                    if not stack:
                        raise _NotPlain
                top_indent, top, path = stack[-1]

            if top.__class__ is list:
                if not is_item:
                    raise _NotPlain
                _item(content, indent, number, top, path, len(stack), positions)
                continue

            if is_item:
                raise _NotPlain
            # a mapping entry: key, ':', value
            if lead in "'\"":
                key_text, colon = _quoted_key(content, indent)
                key: Any = key_text
            else:
                colon = content.find(": ")
                if colon < 0:
                    if not content.rstrip(" ").endswith(":"):
                        raise _NotPlain
                    colon = len(content.rstrip(" ")) - 1
                key_text = content[:colon]
                if not key_text or key_text[-1] == " ":
                    raise _NotPlain
                if lead in _INDICATORS or lead == "-" or " #" in key_text:  # (lead: its first)
                    raise _NotPlain
                # (_scalar, without its call for a key no resolver may type or one read
                # before: nearly all of them)
                key = key_text if lead not in _RESOLVERS else _TYPED.get(key_text, _TYPED)
                if key is _TYPED:
                    key = _scalar(key_text)
            if colon > _MAX_KEY:
                raise _NotPlain  # PyYAML refuses so long a key: the slow path says where
            if key in top:
                raise _NotPlain  # a duplicate: load.py names both lines
            raw = content[colon + 1 :]
            value_text = raw.lstrip(" ")
            vcol = indent + colon + 2 + (len(raw) - len(value_text))
            first = value_text[0] if value_text else "#"
            if first == "#":
                if value_text and value_text == raw:
                    raise _NotPlain
                entry_path = (*path, key)
                if len(entry_path) <= _KEPT:
                    positions[entry_path] = (number, indent + 1, number, indent + 1, key_text)
                pending = (indent, top, key, entry_path, number, indent + colon + 2)
                continue
            if first in "'\"":
                value, end = _quoted(value_text, vcol)
                _rest_is_comment(value_text[end:])
            elif first == "[":
                if len(stack) >= _MAX_DEPTH:
                    raise _NotPlain  # the list is one level deeper still
                value = _flow_list(value_text, number, vcol, positions, (*path, key))
            else:
                # _scalar(_plain(_split_value(value_text))), inline: it runs for most lines
                cut = value_text.find(" #")
                value = (value_text[:cut] if cut >= 0 else value_text).rstrip(" ")
                # (first is value's first too: value_text starts with neither ' ' nor '#')
                if first in _INDICATORS or (first == "-" and (len(value) == 1 or value[1] == " ")):
                    raise _NotPlain
                if ": " in value or value[-1] == ":":
                    raise _NotPlain  # (no " #" is left in it: cut above)
                if first in _RESOLVERS:
                    typed = _TYPED.get(value, _TYPED)  # (_scalar's first answer, inline)
                    value = _scalar(value) if typed is _TYPED else typed
            top[key] = value
            if len(path) < _KEPT:  # (its path made only then: most entries are deeper)
                positions[(*path, key)] = (number, indent + 1, number, vcol, key_text)

    if pending is not None:
        _empty(*pending[1:], positions)
    if not seen_content:
        raise _NotPlain  # an empty file: the slow path says so
    return root, positions
