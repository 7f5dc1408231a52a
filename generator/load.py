"""Read links.yaml into plain Python values plus the positions of every key and value.

This is the only module that knows YAML. It hands validation two things:
``Document.data`` (dicts, lists and scalars, with exactly PyYAML's scalar
semantics) and ``Document.locate(path)``, which turns a path such as
``("links", "sale", "expires")`` into a line and column. Validation never sees a
YAML node, so a faster parser can replace this one later as long as it can
still answer ``locate`` (for example by re-parsing only when there is an error).

Why not ``yaml.safe_load``: it silently keeps the last of two duplicate keys (a
lost link), expands aliases (a few hundred bytes can become gigabytes) and
forgets positions. Building the values from the parser's event stream fixes all
three in one pass.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, NamedTuple

import yaml

from .fastload import MAX_NUMBER, fast_load
from .problems import ERROR, Path, Problem, shown

# libyaml's C parser when PyYAML was built with it: the same events, several times faster.
# Users without libyaml get PyYAML's pure-Python parser, whose words and even verdicts
# differ in places ('[a?b]' is a syntax error to it); SHORTLINKS_PURE_YAML=1 forces it, so
# that the tests run both (scripts/test.sh).
_C_LOADER: type | None = getattr(yaml, "CSafeLoader", None)
PURE_YAML_ENV = "SHORTLINKS_PURE_YAML"


def yaml_loader() -> type:
    """The PyYAML loader class this process parses with (see ``PURE_YAML_ENV``)."""
    if _C_LOADER is None or os.environ.get(PURE_YAML_ENV) == "1":
        return yaml.SafeLoader
    return _C_LOADER


# Deeper than this is never a links file; refusing it bounds memory and time.
MAX_DEPTH = 32

_STANDARD_SCALAR_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary")
}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_STANDARD_MAP_TAGS = {None, "tag:yaml.org,2002:map"}
# The spellings of true and false that YAML 1.2, which editors speak (the YAML language
# server of VS Code and others), reads as booleans too. PyYAML speaks YAML 1.1, which also
# reads yes/no/on/off (in three letter cases) as booleans, where YAML 1.2 reads text.
YAML12_BOOLEANS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_STANDARD_SEQ_TAGS = {None, "tag:yaml.org,2002:seq"}


class Position(NamedTuple):
    """Where a mapping entry or sequence item starts (1-based). A plain tuple of the same
    five fields is as good: that is what the fast reader (fastload.py) records."""

    key_line: int
    key_col: int
    value_line: int
    value_col: int
    key_text: str | None = None  # the key as written, for messages about YAML typing


@dataclass
class Document:
    """Plain values plus a way back to the source for messages."""

    data: Any
    filename: str
    positions: dict[Path, tuple] = field(default_factory=dict)
    # the text (or how to read it again), while ``positions`` holds only some paths (the
    # fast reader's): the rest are found by reading it the slow way, the first time one is
    # asked for. A file is read again rather than kept: 230 MB of text at a million links.
    text: str | Callable[[], str | None] | None = None
    # booleans written as YAML 1.1 alone reads them (``no``, ``On``), by path, as written:
    # validation refuses them where it wants true or false, since an editor (YAML 1.2) reads
    # the same word as text. The fast reader leaves every such file to the slow one.
    yaml11_booleans: dict[Path, str] = field(default_factory=dict)

    def _complete(self, path: Path) -> None:
        if self.text is not None and tuple(path) not in self.positions:
            text = self.text() if callable(self.text) else self.text
            self.text = None
            slow, _ = load_text_slowly(text, self.filename) if text is not None else (None, [])
            if slow is not None:
                self.positions = slow.positions

    def locate(self, path: Path, at: str = "value") -> tuple[int, int]:
        """Line and column of ``path``; falls back to the nearest known parent."""
        pos = self.positions.get(path) if path.__class__ is tuple else None
        if pos is not None:  # a link's own line, asked for every link: at once
            return (pos[0], pos[1]) if at == "key" else (pos[2], pos[3])
        self._complete(path)
        p = tuple(path)
        while p:
            pos = self.positions.get(p)
            if pos is not None:
                if at == "key":
                    return pos[0], pos[1]
                return pos[2], pos[3]
            p = p[:-1]
        return 1, 1

    def yaml11_boolean(self, path: Path) -> str | None:
        """How the boolean at ``path`` is written, when YAML 1.2 would read it as text."""
        return self.yaml11_booleans.get(tuple(path))

    def key_text(self, path: Path) -> str | None:
        self._complete(path)
        pos = self.positions.get(tuple(path))
        return pos[4] if pos else None


class Invalid:
    """A value the loader already reported (an alias, an unknown tag).

    Validation skips it silently, so one mistake gives one message.
    """

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = Invalid()


class _TooDeep(Exception):
    """Nesting past MAX_DEPTH: reading stops there (``_compose``)."""


class _Discard:
    """Marks a value that is parsed (to keep the event stream in step) but dropped."""


_DISCARD = _Discard()


@dataclass
class _Frame:
    container: dict | list
    path: Path
    depth: int
    pending_key: Any = None
    has_key: bool = False
    discard: bool = False


def _problem(rule: str, filename: str, mark: Any, message: str, hint: str | None = None) -> Problem:
    return Problem(mark.line + 1, mark.column + 1, ERROR, message, hint, filename, rule=rule)


# Far past any links file (a million links is about 230 MB): more is not read at all.
MAX_FILE_BYTES = 1 << 30


class NotAFile(OSError):
    """Not a regular file (nor, where one is welcome, a pipe): a device, a folder, a FIFO."""


class TooLarge(OSError):
    """More than ``MAX_FILE_BYTES``."""


def read_bytes(path: FsPath, pipes: bool = True) -> bytes:
    """The file's bytes, read only from a regular file or (``pipes``) a pipe, and at most
    ``MAX_FILE_BYTES`` of them. links.lock is read through here too, without pipes.

    ``path.read_bytes()`` on ``/dev/zero`` (or a links.yaml committed as a symlink to it)
    never ends: it grows until a MemoryError. A device is refused
    before it is opened (opening some has effects); a file is read up to the cap, and a
    pipe (``<(...)``, ``/dev/stdin``) in pieces up to it, so that a short one costs no big
    buffer. Without ``pipes`` a FIFO is refused before it is opened too (opening one waits
    for a writer, for ever), and the file is opened without waiting and looked at again
    once open: a FIFO swapped in after the first look cannot block it either."""
    info = path.stat()
    if not (stat.S_ISREG(info.st_mode) or (pipes and stat.S_ISFIFO(info.st_mode))):
        raise NotAFile
    if info.st_size > MAX_FILE_BYTES:
        raise TooLarge
    fd = os.open(path, os.O_RDONLY | (0 if pipes else os.O_NONBLOCK))
    with open(fd, "rb") as f:
        if not pipes:  # what was opened, which may not be what was looked at
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NotAFile
            if info.st_size > MAX_FILE_BYTES:
                raise TooLarge
        if stat.S_ISREG(info.st_mode):
            raw = f.read()  # in one piece, as before: its size was checked above
            if len(raw) > MAX_FILE_BYTES:
                raise TooLarge
            return raw
        chunks: list[bytes] = []
        total = 0
        while chunk := f.read(1 << 20):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise TooLarge
            chunks.append(chunk)
    return b"".join(chunks)


def read_text(path: FsPath) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8, reporting undecodable bytes with their position."""
    raw, problems = _read_raw(path)
    if raw is None:
        return None, problems
    return decode(raw, str(path))


def _read_raw(path: FsPath) -> tuple[bytes | None, list[Problem]]:
    """``read_bytes``, with what stops it said as a Problem."""
    name = str(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        return None, [
            Problem(
                1,
                1,
                ERROR,
                f"{path} does not exist",
                "create it, or pass the path",
                name,
                rule="file-missing",
            )
        ]
    except NotAFile:
        return None, [
            Problem(
                1,
                1,
                ERROR,
                f"{path} is not a regular file",
                "pass the links file",
                name,
                rule="file-not-regular",
            )
        ]
    except TooLarge:
        return None, [
            Problem(
                1,
                1,
                ERROR,
                f"{path} is larger than {MAX_FILE_BYTES >> 20} MiB",
                "a links file of a million links is about 230 MB: is this the right file?",
                name,
                rule="file-too-large",
            )
        ]
    except OSError as exc:
        return None, [
            Problem(
                1,
                1,
                ERROR,
                f"cannot read {path}: {exc.strerror}",
                None,
                name,
                rule="file-unreadable",
            )
        ]
    return raw, []


def decode(raw: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [
            Problem(
                1,
                1,
                ERROR,
                "the file is UTF-16",
                "save it as UTF-8 instead",
                filename,
                rule="file-encoding",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, [
            Problem(
                line,
                col,
                ERROR,
                f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
                "save the file as UTF-8",
                filename,
                rule="file-encoding",
            )
        ]
    return text.removeprefix("\ufeff"), []


def load_file(path: FsPath) -> tuple[Document | None, list[Problem]]:
    text, again, problems = read_file(path)
    if text is None:
        return None, problems
    doc, problems = load_text(text, str(path))
    if doc is not None and isinstance(doc.text, str):
        doc.text = again
    return doc, problems


def read_file(path: FsPath) -> tuple[str | None, Callable[[], str | None], list[Problem]]:
    """The file's text (None: what stops it said), and how to read it again when a
    message needs a position that was not kept (``Document.text``): None then if the
    file changed meanwhile (each link's own line is still right)."""
    raw, problems = _read_raw(path)
    if raw is None:
        return None, lambda: None, problems
    text, problems = decode(raw, str(path))
    if text is None:
        return None, lambda: None, problems
    digest = _digest(raw)

    def again() -> str | None:
        now, _ = _read_raw(path)
        if now is None or _digest(now) != digest:
            return None
        return decode(now, str(path))[0]

    return text, again, problems


def _digest(raw: bytes) -> bytes:
    """What tells the text ``decode`` makes of ``raw`` from another's: its bytes, less the
    byte order mark it drops (hashed as read, rather than the text encoded again: 7 MB at
    100,000 links)."""
    return hashlib.blake2b(raw.removeprefix(codecs.BOM_UTF8), digest_size=16).digest()


def load_text(text: str, filename: str = "links.yaml") -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document. Returns ``(None, problems)`` on a syntax error.

    Plain files take the fast reader; anything it does not recognise, every mistake
    included, takes PyYAML's event stream below, which has the words for it."""
    fast = fast_load(text)
    if fast is not None:
        return Document(data=fast[0], filename=filename, positions=fast[1], text=text), []
    return load_text_slowly(text, filename)


# Characters YAML 1.1 (PyYAML) reads as line breaks but editors, git and GitHub do not.
_HIDDEN_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")


def load_text_slowly(
    text: str, filename: str = "links.yaml", cls: type | None = None
) -> tuple[Document | None, list[Problem]]:
    """``load_text`` through PyYAML's event stream, whatever the file holds.

    A raw U+0085, U+2028 or U+2029 is refused before parsing: PyYAML reads each as a line
    break where a reviewer's editor and GitHub's diff show none, so a key could hide on
    what looks like one line (``title: Sale<U+2028>url: https://elsewhere``), and every
    position after it would name the wrong line and column. Written as an escape in a
    double-quoted string (``"\\u2028"``) it is data, which validation judges. So is a
    byte order mark at the start of a line but the first: the two PyYAML parsers read
    different files from it.

    ``cls`` is the PyYAML loader class to parse with (default: ``yaml_loader()``); the
    tests compare the fast reader with both."""
    refused = _invisible_line_break(text, filename)
    if refused is not None:
        return None, [refused]
    cls = cls or yaml_loader()
    doc = Document(data=None, filename=filename)
    problems: list[Problem] = []
    if not _read_events(text, cls, doc, problems):
        return None, sorted(problems)
    if doc.data is INVALID:  # the whole document is a refused alias or tag: nothing to check
        return None, sorted(problems)
    return doc, sorted(problems)


def _invisible_line_break(text: str, filename: str) -> Problem | None:
    """A line break PyYAML reads that editors do not show (``load_text_slowly``), if any."""
    hidden = _HIDDEN_BREAK.search(text)
    if hidden is not None:
        line, col = _position_of(text, hidden.start())
        char = hidden.group()
        what = f"U+{ord(char):04X} ({_HIDDEN_BREAKS[char]})"
        return Problem(
            line,
            col,
            ERROR,
            f"the file contains the invisible line break {what}",
            "remove it: YAML reads a new line there, which editors and GitHub do not show",
            filename,
            rule="hidden-line-break",
        )
    bom = text.find("\n\ufeff")
    if bom >= 0:  # libyaml skips it there, PyYAML's pure-Python parser reads it as text
        line, col = _position_of(text, bom + 1)
        return Problem(
            line,
            col,
            ERROR,
            "a byte order mark (U+FEFF, invisible) starts this line",
            "remove it: it is left over from joining two files",
            filename,
            rule="byte-order-mark",
        )
    return None


def _read_events(text: str, cls: type, doc: Document, problems: list[Problem]) -> bool:
    """Compose ``text`` into ``doc`` with the loader class ``cls``; False when reading
    stopped (a syntax error or a refused character, now in ``problems``, or nesting too
    deep)."""
    filename = doc.filename
    loader = None
    try:
        # inside the try: the pure-Python reader refuses a control character right here
        loader = cls(text)
        _compose(loader, doc, problems)
    except _TooDeep:
        return False
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, text, filename, cls))
        return False
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problems.append(_bad_character(text, text.find(char), filename))
        return False
    except UnicodeEncodeError as exc:  # a lone surrogate, which libyaml cannot even take:
        # no file holds one (decode), a string made in Python can ('add' from a command line)
        problems.append(_bad_character(text, exc.start, filename))
        return False
    except yaml.YAMLError as exc:  # pragma: no cover - every error PyYAML raises is above
        problems.append(
            Problem(
                1, 1, ERROR, f"YAML: {shown(str(exc), 300)}", None, filename, rule="yaml-syntax"
            )
        )
        return False
    finally:
        if loader is not None:
            loader.dispose()
    return True


def _bad_character(text: str, index: int, filename: str) -> Problem:
    line, col = _position_of(text, index)
    char = text[index] if 0 <= index < len(text) else "\x00"
    if "\ud800" <= char <= "\udfff":
        return Problem(
            line,
            col,
            ERROR,
            f"the text contains the lone surrogate U+{ord(char):04X}, which is no character",
            "it comes from bytes that are not UTF-8: write the text as UTF-8",
            filename,
            rule="lone-surrogate",
        )
    return Problem(
        line,
        col,
        ERROR,
        f"the file contains the control character U+{ord(char):04X}",
        "remove it (it often comes from copying text out of a chat or a PDF)",
        filename,
        rule="control-character",
    )


def _position_of(text: str, index: int) -> tuple[int, int]:
    if index < 0:
        return 1, 1
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, filename: str, cls: type) -> Problem:
    """PyYAML's words for a syntax error, placed where the mistake is.

    A key written without its ':' (``  gh https://example.com``) is where PyYAML notices
    nothing yet: it reads on, and complains on a following line (the next key's ':', the
    end of the file, the next key). The mistake is that key's line, so the message is put
    at the key: PyYAML's own context mark ("while scanning a simple key") when it gives
    one, else the plain text it read from the start of an earlier line (``_keyless``)."""
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context:
        message = f"{message} ({exc.context})"
    hint = _syntax_hint(message, text, mark)
    start = None
    if exc.problem == "could not find expected ':'" and exc.context_mark is not None:
        start = exc.context_mark  # "while scanning a simple key": where that key starts
    elif mark is not None and exc.problem and exc.problem.startswith(_KEYLESS_SIGNS):
        start = _keyless(text, mark, cls)
    if start is not None:
        mark = start
        message = "could not find expected ':' after the key on this line"
        hint = "a key needs ':' and a space after it: 'slug: https://...'"
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(line, col, ERROR, f"YAML syntax: {message}", hint, filename, rule="yaml-syntax")


# What PyYAML (either parser) says on the line after a key that lacks its ':'.
_KEYLESS_SIGNS = (
    "mapping values are not allowed",
    "did not find expected key",
    "expected <block end>",
)


def _keyless(text: str, mark: Any, cls: type) -> Any:
    """The start of a plain scalar before ``mark`` that stands where a key would (first on
    its line, an earlier line than ``mark``) and is no key (no ':' follows it), or None.

    The tokens are read again up to ``mark``, keeping the last two (a scalar and what
    follows it); a scalar the pure-Python scanner still holds in its queue when it stopped
    counts too. Only on a syntax error, and never further than the error."""
    before: list[Any] = []  # the last two tokens that start before the mark
    after: list[Any] = []  # the first one that does not

    def see(token: Any) -> None:
        if token.start_mark.index < mark.index:
            before[:] = [*before[-1:], token]
        elif not after:
            after.append(token)

    try:
        scanner = cls(text)
    except yaml.YAMLError:  # pragma: no cover - the file parsed as far as the error
        return None
    try:
        while not after and scanner.check_token():
            see(scanner.get_token())
    except yaml.YAMLError:
        for token in getattr(scanner, "tokens", ()):  # pure Python: what it had queued
            see(token)
    finally:
        scanner.dispose()
    if not before or not isinstance(before[-1], yaml.ScalarToken):
        return None
    token = before[-1]
    if not token.plain or token.start_mark.line >= mark.line:
        return None
    if isinstance((after or [None])[0], yaml.ValueToken):
        return None  # a key after all
    start = token.start_mark.index
    if text[text.rfind("\n", 0, start) + 1 : start].strip(" "):
        return None  # after a '- ' or a key's ':' on its line: a value, not a key
    return token.start_mark


def _syntax_hint(message: str, text: str, mark: Any) -> str | None:
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if "tab" in message or at == "\t":
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in message and mark is not None:
        start = text.rfind("\n", 0, mark.index) + 1
        if mark.index - start > 1024:  # YAML's limit on a key ('could not find' below too)
            return "YAML reads a key of at most 1024 characters (a slug has at most 100)"
    if "mapping values are not allowed" in message:
        return "a value containing ': ' must be quoted"
    if "could not find expected ':'" in message:
        return "every entry needs 'key: value'; check the indentation of the lines above"
    return None


def _compose(loader: Any, doc: Document, problems: list[Problem]) -> None:
    """Build plain values from parser events, recording positions on the way."""
    _Composer(doc, problems).run(loader)


class _Composer:
    """The state of ``_compose``: the containers open, the key waiting for its value, and
    how deep into a refused subtree (complex key, unsupported tag) the events are."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.fname = doc.filename
        self.stack: list[_Frame] = []
        self.documents = 0
        self.skip_depth = 0  # > 0 while skipping a refused subtree (complex key, too deep)

    def run(self, loader: Any) -> None:
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(ev, yaml.DocumentStartEvent):
                self.document_start(ev)
            elif self.skip_depth:
                if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    self.skip_depth += 1
                elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    self.skip_depth -= 1
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.stack.pop()
            elif isinstance(ev, yaml.AliasEvent):
                self.refuse(
                    "yaml-alias",
                    ev,
                    f"YAML alias *{ev.anchor} is not allowed",
                    "write the value out in full: aliases are refused so that a small file "
                    "cannot expand into a huge one",
                )
            elif isinstance(ev, yaml.ScalarEvent):
                self.scalar(loader, ev)
            else:
                self.collection_start(ev)

    def document_start(self, ev: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            self.problems.append(
                _problem(
                    "yaml-documents",
                    self.fname,
                    ev.start_mark,
                    "more than one YAML document ('---') in the file",
                    "keep everything in one document; remove the extra '---'",
                )
            )
            # Keep parsing for syntax errors, but drop what follows.
            self.stack.clear()
            self.stack.append(_Frame(container=[], path=("<extra>",), depth=0, discard=True))

    def refuse(self, rule: str, ev: Any, message: str, hint: str) -> None:
        """One problem, and the node in its place (a key or a value) kept as invalid."""
        self.problems.append(_problem(rule, self.fname, ev.start_mark, message, hint))
        if self.expecting_key():
            self.take_key(_DISCARD, ev)
        else:
            self.attach(INVALID, ev.start_mark)

    def scalar(self, loader: Any, ev: Any) -> None:
        value = _construct_scalar(loader, ev, self.fname, self.problems)
        if self.expecting_key():
            if isinstance(value, (list, dict)):  # pragma: no cover - scalars only
                value = _DISCARD
            self.take_key(value, ev)
        else:
            path, kept = self.attach(value, ev.start_mark)
            if kept and value.__class__ is bool and ev.value not in YAML12_BOOLEANS:
                self.doc.yaml11_booleans[path] = ev.value

    def collection_start(self, ev: Any) -> None:
        is_map = isinstance(ev, yaml.MappingStartEvent)
        allowed = _STANDARD_MAP_TAGS if is_map else _STANDARD_SEQ_TAGS
        if ev.tag not in allowed and not ev.implicit:
            # ``!!python/object/apply:os.system [...]`` and the like: one message, and the
            # list or mapping under the tag is skipped, not kept as if untagged (which
            # gave a second message about the same value, such as "expected a URL").
            self.refuse("yaml-tag", ev, f"YAML tag {ev.tag} is not supported", "remove the tag")
            self.skip_depth = 1
            return
        depth = (self.stack[-1].depth + 1) if self.stack else 1
        if self.expecting_key():
            self.refuse(
                "yaml-complex-key",
                ev,
                "a key must be a plain value, not a list or mapping",
                "check for a stray '?' or '[' before the key",
            )
            self.skip_depth = 1
            return
        if depth > MAX_DEPTH:
            self.problems.append(
                _problem(
                    "yaml-depth",
                    self.fname,
                    ev.start_mark,
                    f"nesting deeper than {MAX_DEPTH} levels",
                    "links.yaml needs at most four levels; check the indentation",
                )
            )
            # and no further: no links file is this deep, and the rest of such a file
            # (50 MB of indentation, 10,000 '[') costs the pure-Python parser a minute
            # to read and could only add a parser's own limit (libyaml's, at 1,000)
            raise _TooDeep
        container: dict | list = {} if is_map else []
        path, kept = self.attach(container, ev.start_mark)
        self.stack.append(_Frame(container=container, path=path, depth=depth, discard=not kept))

    def attach(self, value: Any, start: Any) -> tuple[Path, bool]:
        """Put ``value`` in the current container; returns its path and whether it is kept."""
        stack, doc = self.stack, self.doc
        if not stack:
            doc.data = value
            return (), True
        top = stack[-1]
        if isinstance(top.container, list):
            path = (*top.path, len(top.container))
            if not top.discard:
                top.container.append(value)
                doc.positions[path] = Position(
                    start.line + 1, start.column + 1, start.line + 1, start.column + 1
                )
            return path, not top.discard
        # mapping: this node is the value of the pending key
        key = top.pending_key
        top.has_key = False
        top.pending_key = None
        if key is _DISCARD or top.discard:
            return (*top.path, "<discarded>"), False
        path = (*top.path, key)
        top.container[key] = value
        doc.positions[path] = doc.positions[path]._replace(
            value_line=start.line + 1, value_col=start.column + 1
        )
        return path, True

    def expecting_key(self) -> bool:
        stack = self.stack
        return bool(stack) and isinstance(stack[-1].container, dict) and not stack[-1].has_key

    def take_key(self, key: Any, ev: Any) -> None:
        top = self.stack[-1]
        top.has_key = True
        if top.discard or key is _DISCARD or key is INVALID:
            top.pending_key = _DISCARD
            return
        path = (*top.path, key)
        positions = self.doc.positions
        if key in top.container or path in positions:
            first = positions[path]
            self.problems.append(
                _problem(
                    "duplicate-key",
                    self.fname,
                    ev.start_mark,
                    f"duplicate key {_show(key)} (first on line {first[0]})",
                    "YAML would silently keep only the last one: remove or rename one of them",
                )
            )
            top.pending_key = _DISCARD
            return
        top.pending_key = key
        positions[path] = Position(
            ev.start_mark.line + 1,
            ev.start_mark.column + 1,
            ev.start_mark.line + 1,
            ev.start_mark.column + 1,
            ev.value if isinstance(ev, yaml.ScalarEvent) else None,
        )


def _construct_scalar(loader: Any, ev: Any, fname: str, problems: list[Problem]) -> Any:
    """Give a scalar exactly the type PyYAML's safe loader would give it."""
    tag = ev.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
    if tag == "tag:yaml.org,2002:value":  # a lone '=' (YAML 1.1); plain text to us
        return ev.value
    if tag == "tag:yaml.org,2002:merge" or tag not in _STANDARD_SCALAR_TAGS:
        problems.append(_unsupported_tag(tag, ev, fname))
        return INVALID
    if tag in _NUMBER_TAGS and len(ev.value) > MAX_NUMBER:
        # refused before PyYAML builds it: see fastload.MAX_NUMBER for what that would cost
        problems.append(_number_too_long(ev, fname))
        return INVALID
    if tag.endswith(":timestamp"):
        # Left to validation, which knows the site's time zone and says which field is
        # wrong; PyYAML would raise on an impossible date such as 2026-02-30.
        try:
            return loader.construct_object(
                yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark)
            )
        except (ValueError, OverflowError):
            return ev.value
        except _UNRESOLVED:
            return _untyped(ev, tag, fname, problems)
    node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
        # the value cut short and PyYAML's words without its own position lines: this
        # message has a position already, and the value may be megabytes long
        what = tag.rsplit(":", 1)[-1]
        why = getattr(exc, "problem", None) or str(exc)
        problems.append(
            _problem("yaml-value", fname, ev.start_mark, f"invalid {what} {shown(ev.value)}: {why}")
        )
        return INVALID
    except _UNRESOLVED:
        return _untyped(ev, tag, fname, problems)


def _unsupported_tag(tag: str, ev: Any, fname: str) -> Problem:
    """The problem of a merge key ('<<') or of a tag other than YAML's standard ones."""
    if tag == "tag:yaml.org,2002:merge":
        return _problem(
            "yaml-merge-key",
            fname,
            ev.start_mark,
            "YAML merge keys ('<<') are not supported",
            "write the keys out in each link",
        )
    return _problem(
        "yaml-tag",
        fname,
        ev.start_mark,
        f"YAML tag {tag} is not supported",
        "remove the tag",
    )


def _number_too_long(ev: Any, fname: str) -> Problem:
    """The problem of a scalar YAML reads as a number longer than ``MAX_NUMBER``."""
    base60 = " (base 60: YAML 1.1 reads '1:30' as 90)" if ":" in ev.value else ""
    return _problem(
        "yaml-number-too-long",
        fname,
        ev.start_mark,
        f"YAML reads {shown(ev.value)} as a number{base60}; a number here has "
        f"at most {MAX_NUMBER} characters",
        "put it in quotes if it is text",
    )


# What PyYAML's constructors raise when given a value its resolver would not have given
# them, which only an explicit tag does ('!!timestamp x', '!!bool x', '!!int' of nothing):
# they take the resolver's match for granted. Found by fuzzing: each was a traceback.
_UNRESOLVED = (AttributeError, KeyError, IndexError, TypeError)


def _untyped(ev: Any, tag: str, fname: str, problems: list[Problem]) -> Invalid:
    what = tag.rsplit(":", 1)[-1]
    problems.append(
        _problem(
            "yaml-tag",
            fname,
            ev.start_mark,
            f"{shown(ev.value)} is not a {what}, which its YAML tag !!{what} says it is",
            "remove the tag",
        )
    )
    return INVALID


def _show(key: Any) -> str:
    return repr(key) if isinstance(key, str) else str(key)
