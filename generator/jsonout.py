"""JSON files with a long list: one item a line.

Readable and diffable like an indented dump, but written by json's C encoder: an
indented ``json.dumps`` takes the pure-Python encoder, some 50 us an item, which is
seconds at 100,000 links.
"""

from __future__ import annotations

import json
from typing import Any


def with_list(head: dict[str, Any], key: str, items: list[Any]) -> bytes:
    """``{**head, key: items}`` as JSON, the head indented, each item on its own line."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    text = text[:-2] + ",\n" if head else "{\n"
    lines = ["  " + json.dumps(item, ensure_ascii=False) for item in items]
    text += f" {json.dumps(key)}: [\n" + ",\n".join(lines) + ("\n" if lines else "") + " ]\n}\n"
    return text.encode()
