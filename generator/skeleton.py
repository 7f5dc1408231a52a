"""A deliberate fast path beside Jinja; differential tests: tests/test_skeleton.py.

Render a template for thousands of links at the cost of string joins, not Jinja calls.

A redirect page differs from the next one only in a few values (target, title, times),
yet each Jinja render costs tens of microseconds: at 100,000 links that is most of a
build. So each template is rendered once per *shape* (which values are present, and the
booleans) with a marker in place of every text value, and the result is cut at the
markers into a skeleton. A page is then the skeleton with each value dropped in, escaped
the way Jinja escaped the marker there: as HTML (autoescape), as JSON (``tojson``), or as
it is (Markup, such as the page's own script).

The shortcut is only taken where it is provably the same: the first page of every shape
is also rendered by Jinja and compared byte for byte, and a shape whose skeleton does not
match, or whose markers came out in any other form (a filter changed one), renders through
Jinja from then on. ``Pages`` uses skeletons for the bundled templates only: a user's
template may branch on a value's content, which one comparison cannot prove safe.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace

# the string encoders (in C where there is the accelerator) json's encoder itself calls
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .model import Target

_MARK = "Zq7slot"
_FOUND = re.compile(rf'"{_MARK}(\d+)\\u003c"|{_MARK}(\d+)&lt;|{_MARK}(\d+)<')
_HTML, _JSON, _RAW = 0, 1, 2
# the shapes of the fixed values, as _Slots.walk records them
_EMPTY, _NONE, _TRUE, _FALSE = ("str", ""), ("NoneType", None), ("bool", True), ("bool", False)
_TARGET = ("Target", "str", "str")  # a target with both texts


class _Slots:
    """Replaces the text values of one call by numbered markers, and records its shape."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.shape: list[Any] = []

    def walk(self, value: Any) -> None:
        """Only the values and the shape, for a shape already cut: no marked copies. The
        common kinds here, the rest through ``mark`` (which records the same)."""
        kind = type(value)
        if kind is str:
            if value:
                self.shape.append("str")
                self.values.append(value)
            else:
                self.shape.append(("str", value))
        elif kind is Target:
            self.shape.append("Target")
            self.walk(value.url)
            self.walk(value.display)
        elif value is None or kind is bool:
            self.shape.append((kind.__name__, value))
        elif kind is Markup:
            if value:
                self.shape.append("M")
                self.values.append(value)
            else:
                self.shape.append(("M", ""))
        elif kind is dict:
            self.shape.append(("dict", tuple(value)))
            for v in value.values():
                self.walk(v)
        elif kind is int or kind is float:
            if value:
                self.shape.append(kind.__name__)
                self.values.append(value)
            else:
                self.shape.append((kind.__name__, value))
        else:
            self.mark(value)

    def mark(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:  # the usual value first: the benchmark's hottest function
            self.shape.append("str" if value else ("str", value))
            return self._marker(value) if value else value
        if kind is Target:
            self.shape.append("Target")
            return Target(url=self.mark(value.url), display=self.mark(value.display))
        if value is None or isinstance(value, bool):
            self.shape.append((type(value).__name__, value))
            return value
        if isinstance(value, Markup):
            self.shape.append("M" if value else ("M", ""))
            return Markup(self._marker(value)) if value else value
        if isinstance(value, str | int | float):
            self.shape.append(type(value).__name__ if value else (type(value).__name__, value))
            return self._marker(value) if value else value
        if isinstance(value, dict):
            self.shape.append(("dict", tuple(value)))
            return {k: self.mark(v) for k, v in value.items()}
        if is_dataclass(value) and not isinstance(value, type):
            self.shape.append(type(value).__name__)
            marked = {f.name: self.mark(getattr(value, f.name)) for f in fields(value)}
            return replace(value, **marked)
        raise _Unsupported

    def _marker(self, value: Any) -> str:
        self.values.append(value)
        return f"{_MARK}{len(self.values) - 1}<"


class _Unsupported(Exception):
    """A value the skeleton cannot stand in for (a list, an object): Jinja renders it."""


class Skeletons:
    """``render(name, values)`` equal to Jinja's render of ``{**fixed, **values}``."""

    def __init__(self, env: jinja2.Environment, fixed: dict[str, Any] | None = None) -> None:
        """``fixed``: values that are the same for every page of a build (the words, the
        style), passed to the templates as they are."""
        self.env = env
        self.fixed = fixed or {}
        # as Jinja's tojson filter: its dumps and options, then jinja2.utils.htmlsafe_json_dumps
        self.dumps_kwargs = env.policies.get("json.dumps_kwargs", {})
        self._dumps = env.policies.get("json.dumps_function") or json.dumps
        self._tojson = self._json_escaper()
        self._cache: dict[tuple, list | None] = {}  # None: this shape renders through Jinja
        self._fills: dict[int, Callable[[list[Any]], str]] = {}  # id(parts) -> its fill
        self.fast = 0  # pages filled in from a skeleton, for the tests and the benchmark

    def render(self, name: str, values: dict[str, Any]) -> str:
        fixed = self.fixed
        if not fixed.keys().isdisjoint(values):  # a page's own value over a fixed one
            return self._jinja(name, {**fixed, **values})
        slots = _Slots()
        shape, found = slots.shape, slots.values
        # _Slots.walk, its most common kinds inline: two renders a link, ten values each
        try:
            for v in values.values():
                kind = v.__class__
                if kind is str:
                    if v:
                        shape.append("str")
                        found.append(v)
                    else:
                        shape.append(_EMPTY)
                elif v is None:
                    shape.append(_NONE)
                elif kind is bool:
                    shape.append(_TRUE if v else _FALSE)
                elif kind is Markup and v:
                    shape.append("M")
                    found.append(v)
                elif (
                    kind is Target
                    and v.url.__class__ is v.display.__class__ is str
                    and v.url
                    and v.display
                ):
                    shape += _TARGET
                    found.append(v.url)
                    found.append(v.display)
                else:
                    slots.walk(v)
        except _Unsupported:
            return self._jinja(name, {**fixed, **values})
        key = (name, tuple(values), tuple(shape))
        parts = self._cache.get(key, False)
        if parts is not False and parts is not None:
            self.fast += 1
            return self._fills[id(parts)](slots.values)
        values = {**fixed, **values}
        if parts is False:  # a new shape: cut its skeleton, and prove it on this page
            slots = _Slots()
            marked = {**fixed, **{k: slots.mark(v) for k, v in values.items() if k not in fixed}}
            # (no key is in both: checked above)
            parts = self._cache[key] = self._cut(name, marked, len(slots.values))
            if parts is not None:
                self._fills[id(parts)] = self._compile(parts)
                fast = self._fill(parts, slots.values)
                slow = self._jinja(name, values)
                if fast != slow or self._fills[id(parts)](slots.values) != slow:
                    self._cache[key] = None
                return slow
        if parts is None:
            return self._jinja(name, values)
        self.fast += 1
        return self._fill(parts, slots.values)

    def fill_of(self, name: str, values: dict[str, Any]) -> Callable[[list[Any]], str] | None:
        """The compiled fill of the skeleton of ``values``' shape, cut and proved first (by
        rendering ``values``) if the shape is new; None when that shape renders through
        Jinja. For a caller that makes thousands of pages of one shape (the plain redirect
        page: ``Pages.redirect``) and gives each page's values as the list ``render`` reads
        them: in the order of ``values``, a target as its url then its display, empty texts,
        zeros, booleans and None left out. Reading the shape of every page again is most
        of a render's cost."""
        if not self.fixed.keys().isdisjoint(values):
            return None
        self.render(name, values)
        slots = _Slots()
        try:
            for value in values.values():
                slots.walk(value)
        except _Unsupported:
            return None
        parts = self._cache.get((name, tuple(values), tuple(slots.shape)))
        return None if not parts else self._fills[id(parts)]

    @property
    def refused(self) -> list[str]:
        """The templates with a shape that renders through Jinja (none of the bundled ones)."""
        return sorted({key[0] for key, parts in self._cache.items() if parts is None})

    def _jinja(self, name: str, values: dict[str, Any]) -> str:
        return self.env.get_template(name).render(**values)

    def _cut(self, name: str, marked: dict[str, Any], count: int) -> list | None:
        """The template rendered with markers, as [text, (slot, form), text, ...]."""
        text = self._jinja(name, marked)
        parts: list[Any] = []
        at = 0
        for m in _FOUND.finditer(text):
            parts.append(text[at : m.start()])
            if m.group(1) is not None:
                parts.append((int(m.group(1)), _JSON))
            elif m.group(2) is not None:
                parts.append((int(m.group(2)), _HTML))
            else:
                parts.append((int(m.group(3)), _RAW))
            at = m.end()
        parts.append(text[at:])
        if any(_MARK in p for p in parts if isinstance(p, str)):
            return None  # a marker came out in a form we cannot fill (a filter changed it)
        if any(not isinstance(p, str) and p[0] >= count for p in parts):
            return None
        return parts

    def _json_escaper(self) -> Callable[[Any], str]:
        """What ``tojson`` writes for a value: Jinja's ``htmlsafe_json_dumps`` with the
        environment's dumps and options. With json.dumps itself, one encoder made once (a
        call of json.dumps with options makes a new one each time), and a text value
        through the C string encoder the JSON encoder calls for it."""
        kwargs = self.dumps_kwargs
        dumps = self._dumps
        if dumps is json.dumps and set(kwargs) <= {"ensure_ascii", "sort_keys"}:
            encode = json.JSONEncoder(**kwargs).encode
            ascii_only = kwargs.get("ensure_ascii", True)
            text = encode_basestring_ascii if ascii_only else encode_basestring

            def to_json(value: Any) -> str:
                return _safe_json(text(value) if value.__class__ is str else encode(value))

        else:

            def to_json(value: Any) -> str:
                return _safe_json(dumps(value, **kwargs))

        return to_json

    def _compile(self, parts: list) -> Callable[[list[Any]], str]:
        """``_fill`` for one skeleton as a function of its values: one expression joining
        the fixed texts and the escaped values, without a loop over the parts."""
        names: dict[str, Any] = {"h": html_escape, "j": self._tojson, "r": _raw}
        items: list[str] = []
        uses = Counter(part for part in parts if part.__class__ is not str)
        once: list[str] = []  # a value written in one form in several places: escaped once
        for i, part in enumerate(parts):
            if part.__class__ is str:
                if part:
                    names[f"T{i}"] = part
                    items.append(f"T{i}")
            else:
                slot, form = part
                made = f"{'hjr'[form]}(v[{slot}])"
                if uses[part] > 1:
                    local = f"{'hjr'[form]}{slot}"
                    if local not in once:
                        once.append(local)
                        items.append(f"({local} := {made})")
                    else:
                        items.append(local)
                else:
                    items.append(made)
        args = "".join(f", {n}={n}" for n in names)
        code = f"def fill(v{args}):\n    return ''.join(({', '.join(items)},))\n"
        scope: dict[str, Any] = {}
        exec(compile(code, "<skeleton>", "exec"), dict(names), scope)
        return scope["fill"]

    def _fill(self, parts: list, values: list[Any]) -> str:
        out: list[str] = []
        add = out.append
        to_json = self._tojson
        for part in parts:
            if part.__class__ is str:
                add(part)
                continue
            value = values[part[0]]
            form = part[1]
            if form == _HTML:
                add(html_escape(value))
            elif form == _JSON:
                add(to_json(value))
            else:
                add(str(value))
        return "".join(out)


def _safe_json(text: str) -> str:
    """As jinja2.utils.htmlsafe_json_dumps: JSON that cannot close a script or attribute."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


def _raw(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


_HTML_SPECIAL = re.compile("[&<>'\"]")


def html_escape(value: Any) -> str:
    """What Jinja's autoescape writes for a value (markupsafe.escape), without making a
    Markup object for each: text without any of & < > ' " is written as it is."""
    if value.__class__ is not str:
        return str(escape(value))
    if not _HTML_SPECIAL.search(value):
        return value
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
