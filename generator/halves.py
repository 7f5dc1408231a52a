"""A big links file loaded and checked on two cores: the second part of its ``links:``
in a forked child, beside this process's first part.

Before a build can render a page, the whole file must be read and checked: about a
second at 100,000 links, on one core while the others wait (docs/performance.md). Each
link is checked on its own against the site (validate/links.py keeps no state from one
link to the next but caches), so the links are cut in two at a link's first line: this
process reads and checks the file with the second part's lines left blank, a forked
child the file with the first part's left blank (so every line keeps its number), and
the child sends back its links, by field (``_pack``: 0.13 s for 46,000 links, sent and
made again; pickle's own way with slotted dataclasses took 0.18 s, and 0.92 s without a
dispatch table), and what it found about its own lines. Campaigns and the rules across
links (collisions, chains, countries) are checked here over all of them (``validate``'s
``rest``).

The answer is the one-process answer, problems and model alike (tests/test_halves.py
compares both on every file of the test suite, cut at every link of some): where that
cannot be sure, nothing is cut. A file is cut only when the fast reader (fastload.py)
reads both parts, and those parts have no slug in common (a duplicate key, which the
whole file's reader refuses); anything else, and a child that fails or is killed, and
the whole file is read and checked here as it always was.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import partial
from itertools import repeat

from . import parallel
from .fastload import fast_load
from .load import Document, load_text, read_file
from .model import Link, LinkSet, Target
from .problems import Problem
from .validate import Share, validate, validate_share

# From about 5,000 links (bench/corpus.py's are 112 bytes each): below, a fork and the
# links sent back cost more than the half of the check they save.
SPLIT_FROM = 512 * 1024
# Where the cut is, in the ``links:`` block's bytes: the child also sends its links back
# (a quarter of the time it took to check them, and their reading here a tenth), so it
# takes a little less than half.
SHARE = 0.54

# (each searched with str.find, or a pattern that starts with a line break: a pattern
# anchored with ^ and MULTILINE takes four times as long over 11 MB)
_LINKS_LINE = re.compile(r"links:[ \t]*(?:#[^\n]*)?(?:\n|$)")
_TOP = re.compile(r"\n[^ \t\n#]")  # a line at the top level: the ``links:`` block's end
_LEAD = re.compile(r"^( +)([^ \n#])", re.MULTILINE)  # a line with content, and its indent


@dataclass(frozen=True)
class Cut:
    """Where a links file is cut: offsets into its text."""

    first: int  # the first line after ``links:``
    cut: int  # the first line of the child's part (a link's key, at the links' indent)
    end: int  # the first line after the ``links:`` block (or the text's end)

    def mine(self, text: str) -> str:
        """This process's text: the whole file with the child's lines left blank, every
        line where it was."""
        return text[: self.cut] + "\n" * text.count("\n", self.cut, self.end) + text[self.end :]

    def theirs(self, text: str) -> str:
        """The child's text: the whole file with this process's links left blank."""
        first, cut = self.first, self.cut
        return text[:first] + "\n" * text.count("\n", first, cut) + text[cut:]

    def lines(self, text: str) -> range:
        """The child's lines, numbered from 1."""
        start = text.count("\n", 0, self.cut) + 1
        return range(start, start + text.count("\n", self.cut, self.end))


def cut_of(text: str, share: float = SHARE) -> Cut | None:
    """Where to cut ``text``: at the first link key past ``share`` of its ``links:``
    block, or None (no one ``links:`` mapping, or no link after that point)."""
    start = 0 if text.startswith("links:") else text.find("\nlinks:") + 1
    if start == 0 and not text.startswith("links:"):
        return None
    if text.find("\nlinks:", start) >= 0:
        return None  # twice: the whole file's reader says what is wrong
    opened = _LINKS_LINE.match(text, start)
    if opened is None or opened.end() == len(text):
        return None
    first = opened.end()
    closing = _TOP.search(text, first - 1)
    end = closing.start() + 1 if closing is not None else len(text)
    # the links' indent: that of the block's first line that is not blank or a comment
    lead = _LEAD.search(text, first, end)
    if lead is None or lead.group(2) == "-":
        return None  # empty, or a list: nothing to cut
    indent = len(lead.group(1))
    key = re.compile(rf"\n {{{indent}}}[^ \n#\-]")
    at = key.search(text, first + int((end - first) * share), end)
    if at is None or at.start() + 1 <= lead.start():
        return None
    return Cut(first, at.start() + 1, end)


def checked(
    path: os.PathLike[str] | str, split_from: int = SPLIT_FROM, share: float = SHARE
) -> tuple[Document | None, LinkSet | None, list[Problem]]:
    """``path`` loaded and checked: the document, the model (None: an error) and every
    problem, in order. On two cores when the file is big enough (``split_from`` bytes)
    and can be cut (``cut_of``); else here, as ``load_file`` and ``validate`` do."""
    text, again, problems = read_file(path)
    if text is None:
        return None, None, problems
    name = str(path)
    where = cut_of(text, share) if len(text) >= split_from and parallel.forks() else None
    if where is not None:
        # at most two copies of the text at a time (220 MB each at a million links), and
        # none kept: a message that needs a position not kept reads the file again
        lines = where.lines(text)
        with parallel.Child(partial(_share_of, text, where, name), _TABLE) as child:
            mine = [where.mine(text)]
            del text
            split = _in_two(mine, name, lines, child, again)
        if split is not None:
            return split
        text = again()
        if text is None:  # changed since: read as it is now
            text, again, problems = read_file(path)
            if text is None:
                return None, None, problems
    doc, problems = load_text(text, name)
    if doc is None:
        return None, None, problems
    if isinstance(doc.text, str):
        doc.text = again
    linkset, found = validate(doc)
    return doc, linkset, sorted(problems + found)


class _Lost(Exception):
    """The child's share did not come: the whole file is checked here."""


# what the child sends: its part's keys, its links (count, then ``_pack``ed), its refused
# links' names when it has any (``Share.named``: None, the links), its problems
_Answer = tuple[list[object], int, list[object], "tuple[Link, ...] | None", list[Problem]]


def _share_of(whole: str, where: Cut, name: str) -> _Answer | None:
    """In the child: its part of the file read and checked (None: the fast reader leaves
    it to PyYAML, and the whole file is checked in one process)."""
    text = where.theirs(whole)  # made here: the parent goes on with its own meanwhile
    fast = fast_load(text)
    if fast is None:
        return None
    doc = Document(data=fast[0], filename=name, positions=fast[1], text=text)
    mapping = fast[0].get("links") if isinstance(fast[0], dict) else None
    keys = list(mapping) if isinstance(mapping, dict) else []
    share = validate_share(doc)
    links = share.links
    named = None if len(share.named) == len(links) else share.named
    return keys, len(links), _pack(links), named, share.problems


def _in_two(
    mine: list[str],
    name: str,
    lines: range,
    child: parallel.Child[_Answer | None],
    again: Callable[[], str | None],
) -> tuple[Document, LinkSet | None, list[Problem]] | None:
    """This process's part (``mine``: its text, taken out) and the child's share,
    checked as one; None when the whole must be checked here."""
    fast = fast_load(mine.pop())
    if fast is None:
        return None
    data, positions = fast
    doc = Document(data=data, filename=name, positions=positions, text=again)
    ours = data.get("links") if isinstance(data, dict) else None

    def rest() -> Share:
        answer = child.answer()
        if answer is None or not isinstance(ours, dict):
            raise _Lost
        keys, n, columns, named, problems = answer
        if not ours.keys().isdisjoint(keys):
            raise _Lost  # a key in both parts: the whole file's reader has the words
        links = _unpack(columns, n)
        return Share(
            links,
            tuple(links) if named is None else named,
            [p for p in problems if p.line in lines],  # the site's: said here too
        )

    try:
        linkset, found = validate(doc, rest)
    except _Lost:
        return None
    return doc, linkset, found


# The child's links are sent by field, a column of values each (pickle copies a list of
# strings or numbers in one loop of C), and made again here by ``map(Link, *columns)``,
# which runs Link's quick __init__ (model.quick_init): 0.13 s to send and make 46,000
# again where pickling the objects (as ``_TABLE`` says) took 0.18 s. A column where every
# link has the field's default is sent as nothing. Targets elsewhere than a link's own (a
# device's, an image...) and anything else are pickled as the calls that make them.
_NAMES = tuple(f.name for f in fields(Link))
_DEFAULTS = tuple(f.default for f in fields(Link))
_TARGET = _NAMES.index("target")
_ALL_DEFAULT = "default"  # a column every link leaves at its default
_FIELDS = operator.attrgetter(*_NAMES)
_TABLE = {
    Link: lambda link: (Link, _FIELDS(link)),
    Target: lambda target: (Target, (target.url, target.display)),
}


def _pack(links: list[Link]) -> list[object]:
    """``links`` as columns, the way they are sent (``_unpack`` makes them again)."""
    columns: list[object] = list(zip(*map(_FIELDS, links), strict=True)) if links else []
    n = len(links)
    for i, column in enumerate(columns):
        if i != _TARGET and column.count(_DEFAULTS[i]) == n:  # type: ignore[attr-defined]
            columns[i] = _ALL_DEFAULT
    if columns:
        targets = columns[_TARGET]
        urls = [t.url for t in targets]  # type: ignore[attr-defined]
        shown = [None if t.display == t.url else t.display for t in targets]  # type: ignore[attr-defined]
        columns[_TARGET] = (urls, shown)
    return columns


def _unpack(columns: list[object], n: int) -> list[Link]:
    if not n:
        return []
    urls, shown = columns[_TARGET]  # type: ignore[misc]
    made = list(columns)
    made[_TARGET] = [
        Target(url, url if display is None else display)
        for url, display in zip(urls, shown, strict=True)
    ]
    for i, column in enumerate(made):
        if column == _ALL_DEFAULT:
            made[i] = repeat(_DEFAULTS[i], n)
    return list(map(Link, *made))
