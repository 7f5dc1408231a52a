"""Values from the links file or a server in Markdown (job summaries, issues)."""

from __future__ import annotations


def md_cell(value: str) -> str:
    """Text in a Markdown table cell: no pipes, line breaks, backticks or HTML from a PR."""
    return (
        value.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("`", "'")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def code(value: str) -> str:
    """A value in a code span of a table cell: nothing in it links, mentions anyone or
    closes the cell. (Entities and backslashes are shown as they are in a code span, so
    only what would end the span or the cell is changed; a table's cells are split at
    '|' before the spans are read, so it is escaped even there.)"""
    text = value.replace("`", "'").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return f"`{text}`"
