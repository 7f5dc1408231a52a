"""JSON files with a long list: one item a line.

Readable and diffable like an indented dump, but written by json's C encoder: an
indented ``json.dumps`` takes the pure-Python encoder, some 50 us an item, which is
seconds at 100,000 links.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

# one encoder for every item: json.dumps(..., ensure_ascii=False) makes a new one a call,
# a fifth of the time of a 100,000-item list; the output is the same
_ITEM = json.JSONEncoder(ensure_ascii=False).encode


def with_list(head: dict[str, Any], key: str, items: Iterable[Any]) -> Chunks:
    """``{**head, key: items}`` as JSON, the head indented, each item on its own line:
    made as it is written (``Chunks``), never whole in memory."""
    return with_texts(head, key, map(_ITEM, items))


def with_texts(head: dict[str, Any], key: str, texts: Iterable[str]) -> Chunks:
    """``with_list`` with each item already written as JSON (``texts``): for a writer
    that makes an item's text without making the item (render.py's links.json)."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    start = (text[:-2] + ",\n" if head else "{\n") + f" {json.dumps(key)}: ["

    def lines() -> Iterator[str]:
        yield start
        sep = "\n  "
        for item in texts:
            yield sep + item
            sep = ",\n  "
        yield "\n ]\n}\n"

    return Chunks(lines())


class Chunks:
    """A file's content made piece by piece as the writer takes it (write.py), for the
    files that grow with the number of links: hundreds of MB at a million links."""

    def __init__(self, parts: Iterable[str]) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        buf: list[str] = []
        size = 0
        for part in self.parts:
            buf.append(part)
            size += len(part)
            if size >= 1 << 18:
                yield "".join(buf).encode()
                buf.clear()
                size = 0
        if buf:
            yield "".join(buf).encode()

    def read(self) -> bytes:
        """The whole content (tests, ``serve``)."""
        return b"".join(self)
