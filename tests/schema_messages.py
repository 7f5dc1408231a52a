"""What `check` says and what an editor says about the same mistake, side by side.

Each file of ``tests/fixtures/editor/`` is a links file with mistakes of one kind that the
schema (``schema/links.schema.json``) catches too: URLs without a scheme, dates that are
not ISO 8601, a machine-dependent time zone, campaign codes and patterns, booleans spelt
``no``, a status no redirect uses. For every problem `check` reports there, this module
finds the schema node that judges the same value (walking the schema along the value's
path in the file) and that node's message (``patternErrorMessage``, else ``errorMessage``),
which is the text an editor user reads (tests/e2e/test_editor.py asks the real YAML
language server).

The two agree when the schema's message holds check's *essential text*: check's message
and hint with everything taken from the file cut out, because a static schema cannot
repeat it. Precisely:

1. check's message is cut at each value of the file it quotes (``repr``, as check quotes
   them): the mistaken value (as written, ``no`` for a boolean) and the name of the link or
   campaign it belongs to;
2. each piece is trimmed of spaces, of ``,:;`` and of a last word ``got`` or ``not`` that
   introduced the cut value; empty pieces are dropped;
3. check's hint is one more piece, unless it repeats the mistaken value or that name (then
   it was computed from the file: "did you mean https://www.example.com ?");
4. every piece appears in the schema's message, word for word and in the same order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.load import Document, load_text_slowly
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "links.schema.json"
SCHEMA: dict = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
EDITOR_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "editor").glob("*.yaml"))


@dataclass(frozen=True)
class Mistake:
    """One problem of check's in an editor fixture, with the schema's word on it."""

    line: int
    column: int
    check_message: str
    check_hint: str | None
    pointer: str  # JSON pointer of the schema node that judges the value
    schema_message: str | None
    essential: tuple[str, ...]


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _branch(node: dict, pointer: str, value: Any) -> tuple[dict, str]:
    """The ``oneOf`` branch an editor matches ``value`` against: the one of its type."""
    if "oneOf" not in node:
        return node, pointer
    kind = _kind(value)
    for i, sub in enumerate(node["oneOf"]):
        types = sub.get("type")
        if types == kind or (isinstance(types, list) and kind in types):
            return _branch(sub, f"{pointer}/oneOf/{i}", value)
    raise AssertionError(f"{pointer}: no branch of type {kind}")


def schema_node(data: Any, path: tuple) -> tuple[dict, str]:
    """The schema node (and its JSON pointer) that judges the value at ``path``."""
    node, pointer, value = SCHEMA, "", data
    for key in path:
        node, pointer = _branch(node, pointer, value)
        if isinstance(key, int):
            node, pointer = node["items"], f"{pointer}/items"
        elif key in node.get("properties", {}):
            node, pointer = node["properties"][key], f"{pointer}/properties/{key}"
        else:
            node, pointer = node["additionalProperties"], f"{pointer}/additionalProperties"
        value = value[key]
    return _branch(node, pointer, value)


def message_nodes(node: Any = SCHEMA, pointer: str = "") -> dict[str, dict]:
    """Every schema node with a pattern or a message of its own, by JSON pointer."""
    found: dict[str, dict] = {}
    if isinstance(node, dict):
        if "pattern" in node or "errorMessage" in node:
            found[pointer] = node
        for key, sub in node.items():
            found |= message_nodes(sub, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found |= message_nodes(sub, f"{pointer}/{i}")
    return found


def essential(message: str, hint: str | None, quoted: list[object]) -> tuple[str, ...]:
    """Check's words without what it took from the file (see the module's docstring)."""
    pieces = [message]
    for value in sorted({repr(v) for v in quoted}, key=len, reverse=True):
        pieces = [part for piece in pieces for part in piece.split(value)]
    out = []
    for piece in pieces:
        piece = piece.strip(" ,:;")
        piece = re.sub(r"\s+(got|not)$", "", piece).strip(" ,:;")
        if piece:
            out.append(piece)
    if hint and not any(str(v) in hint for v in quoted):
        out.append(hint)
    return tuple(out)


def in_order(pieces: tuple[str, ...], text: str) -> bool:
    at = 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _paths_at(doc: Document) -> dict[tuple[int, int], tuple]:
    """The path of the value at each (line, column)."""
    return {(pos[2], pos[3]): path for path, pos in doc.positions.items()}


def mistakes(fixture: Path) -> list[Mistake]:
    """check's problems in ``fixture``, each with the schema node that judges its value."""
    doc, problems = load_text_slowly(fixture.read_text(encoding="utf-8"), str(fixture))
    assert doc is not None and problems == [], problems
    _linkset, problems = validate(doc)
    at = _paths_at(doc)
    out = []
    for p in sorted(problems):
        path = at.get((p.line, p.column))
        assert path is not None, f"{fixture.name}:{p.line}:{p.column}: no value there ({p})"
        value: Any = doc.data
        for key in path:
            value = value[key]
        written = doc.yaml11_boolean(path)
        quoted: list[object] = [written if written is not None else value]
        if len(path) > 1 and path[0] in ("links", "campaigns"):
            quoted.append(path[1])  # the name of the link or campaign
        node, pointer = schema_node(doc.data, path)
        text = node.get("patternErrorMessage") or node.get("errorMessage")
        out.append(
            Mistake(
                p.line,
                p.column,
                p.message,
                p.hint,
                pointer,
                text,
                essential(p.message, p.hint, quoted),
            )
        )
    return out
