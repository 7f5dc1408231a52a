"""``shortlinks add``: a new link written into links.yaml, and nothing else touched.

The file is people's: its comments, order and formatting stay exactly as they are.
So the new link is not dumped by a YAML writer (which re-flows what it does not
understand) but inserted as text after the last link of the ``links:`` block, in the
file's own style (``Style``: indentation, quoting, short or long form, key order, blank
lines; CRLF kept). Text is written plain or single-quoted, as the file does, only when
YAML reads it back as that very text (checked on the would-be file too: ``reads_back``),
else as a YAML double-quoted string (JSON's escapes, which YAML accepts); a bare
``YYYY-MM-DD`` date is written plain. A value given on the command line therefore never
becomes YAML of its own: ``--starts "2026-01-01\\n    status: 301"`` is a wrong date,
not a new key.

The new link is checked twice, by the same rules as links.yaml (generator/validate/), before
anything is written: first alone, its keys placed at what the user gave (an option of
``add``, a cell of ``import``'s CSV: ``check_entry``), so a mistake is reported
where it was made; then the whole would-be file, for what only the whole file shows
(a redirect loop through an existing link). A problem of that second check is placed
back on the user's own file or on the new link's option (``place``): never on a line
of the would-be file, which does not exist yet.

Generated slugs use an alphabet that reads aloud and types without doubt: lowercase
letters and digits minus ``0 o 1 l i`` (31 characters), 6 long: about 887 million
slugs, tried at random until one collides with no slug or alias in any letter case.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from .. import slugs as slugrules
from ..atomic import replace_file
from ..build import check_text
from ..load import Document, load_text
from ..lock import reserved_keys
from ..model import Link, LinkSet, Site
from ..problems import Problem
from ..validate import validate_partial

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 6

# The link's keys ``add`` and ``import`` write, in the order they are written, and the
# option of ``add`` that gives each ('slug': the key itself; a description comes from
# import only).
OPTIONS = {
    "slug": "--slug",
    "url": "URL",
    "starts": "--starts",
    "expires": "--expires",
    "title": "--title",
    "description": "description",
    "aliases": "--alias",
    "tags": "--tag",
    "domains": "--domain",
    "utm": "--utm",
    "fallback": "--fallback",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN = re.compile(r"[^\W_][\w.~/@-]*")  # a letter or digit of any script first
_RESOLVER = yaml.resolver.Resolver()
# Characters a YAML reader refuses or reads as a line break even inside double quotes
# (PyYAML's NON_PRINTABLE and its line breaks): written as JSON/YAML \\u escapes.
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class AddError(Exception):
    """The link cannot be added as asked; the message says what to do."""


@dataclass
class NewLink:
    url: str
    slug: str | None = None
    expires: str | None = None
    starts: str | None = None
    title: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # of site.domains; empty: the default one
    description: str | None = None
    # the utm key: ("template", name) and (field, value) pairs, as --utm and --utm-<field>
    # give them
    utm: tuple[tuple[str, str], ...] = ()
    fallback: str | None = None  # where a link that opens an app goes without it (apps.py)


@dataclass(frozen=True)
class OptionProblem:
    """A mistake in what the command line gave, named by its option (``--expires``)."""

    option: str
    message: str
    hint: str | None = None
    rule: str = field(kw_only=True)  # as Problem's (problems.RULES)


@dataclass(frozen=True)
class Line:
    """One written line of a new link: which link (its index among those written) and
    which keys it holds, by the 1-based column each starts at (a short link's one line
    holds its slug and its url)."""

    text: str
    entry: int
    keys: tuple[tuple[int, str], ...]

    def key_at(self, column: int) -> str:
        found = self.keys[0][1]
        for start, name in self.keys:
            if start <= column:
                found = name
        return found


@dataclass(frozen=True)
class Insertion:
    """A file with new links in it: the new text, where the added lines are (0-based
    index of the first; how many, a new ``links:`` line included) and the new links'
    own lines, the last ``len(lines)`` of them."""

    text: str
    start: int
    count: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Placed:
    """A problem of a would-be file, put back where the user can find it: on their own
    file (``problem`` at its line there), or on a new link's key (``entry``, ``key``)."""

    problem: Problem
    entry: int | None = None
    key: str | None = None


@dataclass
class Entry:
    """A new link as links.yaml would hold it, and where each of its keys came from.

    ``values``: the link's keys as YAML would read them (text, and lists of text);
    ``at``: for the slug ('') and each key, the line and column to report a problem at,
    in the user's terms (a CSV cell); each place distinct, so a problem's place says
    which key it is about."""

    key: str
    values: dict[str, Any]
    at: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Style:
    """How a links file writes its links, so that a new one looks like its neighbours:
    the indent of a link's keys and of its own keys, how text is quoted (``"``, ``'`` or
    plain ``""``), whether a link with nothing but a URL is written ``slug: url``
    (``short``), the order of a link's keys, and a blank line between links."""

    indent: str = "  "
    step: str = "  "
    quote: str = '"'
    short: bool = True
    order: tuple[str, ...] = tuple(OPTIONS)
    blank: bool = False


def generate_slug(taken: set[str], length: int = LENGTH) -> str:
    """A random slug from ALPHABET that is not taken (compared by collision key)."""
    for _ in range(1000):
        slug = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if slugrules.collision_key(slug) not in taken and not slugrules.slug_problems(slug):
            return slug
    raise AddError("could not find a free slug: give one with --slug")


def expires_in(text: str, now: datetime, tz: object) -> str:
    """``7d``, ``2w``, ``12h``: days and weeks give the last day (a date), hours an instant."""
    m = re.fullmatch(r"(\d+)\s*([hdw])", text.strip().lower())
    if not m:
        raise AddError(f"--expires-in {text!r}: write a number and h, d or w, like 7d")
    n, unit = int(m.group(1)), m.group(2)
    local = now.astimezone(tz)  # type: ignore[arg-type]
    try:
        if unit == "h":
            return (local + timedelta(hours=n)).replace(microsecond=0).isoformat()
        days = n * (7 if unit == "w" else 1)
        return (local + timedelta(days=days)).date().isoformat()
    except OverflowError:
        raise AddError(
            f"--expires-in {text!r} is too far away: write a date with --expires"
        ) from None


def _q(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def when_text(value: str) -> str:
    """A date or instant as written into links.yaml: a real ``YYYY-MM-DD`` date plain, as
    people write it (YAML reads it as a date, which means what the text means); anything
    else quoted, so that validation reads exactly the text given."""
    if _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    return _q(value)


def plain(value: str) -> str:
    """A slug, a tag or a domain as YAML text: plain when YAML reads it back as this very
    text (not ``2026``, ``yes`` or ``null``, which it reads as a number, true or nothing),
    else quoted. Plain keeps the fast reader (fastload.py) on the file."""
    if _PLAIN.fullmatch(value) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == (
        "tag:yaml.org,2002:str"
    ):
        return value
    return _q(value)


def yaml_key(slug: str) -> str:
    return plain(slug)


def entry_lines(
    link: NewLink,
    slug: str,
    indent: str,
    step: str,
    entry: int = 0,
    style: Style | None = None,
) -> list[Line]:
    """The lines of a new link, each with the keys it holds, in the file's ``style``
    (default: every text double-quoted, a URL-only link on one line)."""
    style = style or Style(indent, step)
    key = yaml_key(slug)
    text = functools.partial(quoted, quote=style.quote)
    simple = not (
        link.expires
        or link.starts
        or link.title
        or link.description
        or link.aliases
        or link.tags
        or link.domains
        or link.utm
        or link.fallback
    )
    out = [Line("", entry, ((1, "slug"),))] if style.blank else []
    if simple and style.short:
        head = f"{indent}{key}: "
        out.append(Line(f"{head}{text(link.url)}", entry, ((1, "slug"), (len(head) + 1, "url"))))
        return out
    inner = indent + step
    out.append(Line(f"{indent}{key}:", entry, ((1, "slug"),)))
    values: dict[str, str] = {"url": text(link.url)}
    if link.starts:
        values["starts"] = when_text(link.starts)
    if link.expires:
        values["expires"] = when_text(link.expires)
    if link.title:
        values["title"] = text(link.title)
    if link.description:
        values["description"] = text(link.description)
    for name in ("aliases", "tags", "domains"):
        items = getattr(link, name)
        if items:
            values[name] = f"[{', '.join(plain(x) for x in items)}]"
    if link.utm:
        values["utm"] = utm_text(link.utm)
    if link.fallback:
        values["fallback"] = text(link.fallback)
    rank = {name: i for i, name in enumerate(style.order)}
    for name in sorted(values, key=lambda n: rank.get(n, len(rank))):
        out.append(Line(f"{inner}{name}: {values[name]}", entry, ((1, name),)))
    return out


def utm_text(utm: tuple[tuple[str, str], ...]) -> str:
    """The utm key's value: a template's name alone, else a flow mapping (each value
    plain when YAML reads it back as this text, else double-quoted)."""
    if len(utm) == 1 and utm[0][0] == "template":
        return plain(utm[0][1])
    return "{" + ", ".join(f"{k}: {plain(v)}" for k, v in utm) + "}"


def quoted(value: str, quote: str = '"') -> str:
    """Text as YAML in the file's own quoting (``"``, ``'`` or plain ``""``) when that
    reads back as this very text, else double-quoted (``_q``), whose escapes take
    anything: a value given on the command line never becomes YAML of its own."""
    if quote == '"' or _UNSAFE_IN_YAML.search(value) or not value.isprintable():
        return _q(value)
    text = f"'{value.replace(chr(39), chr(39) * 2)}'" if quote == "'" else value
    try:
        back = yaml.safe_load(f"k: {text}\n")
    except yaml.YAMLError:
        return _q(value)
    return text if back == {"k": value} else _q(value)


def entry_values(link: NewLink) -> dict[str, Any]:
    """The keys ``entry_lines`` writes, as YAML reads them back (what is checked)."""
    values: dict[str, Any] = {"url": link.url}
    for name in ("starts", "expires", "title", "description"):
        value = getattr(link, name)
        if value:
            values[name] = value
    for name in ("aliases", "tags", "domains"):
        if getattr(link, name):
            values[name] = list(getattr(link, name))
    if link.utm:
        given = dict(link.utm)
        values["utm"] = given["template"] if list(given) == ["template"] else given
    if link.fallback:
        values["fallback"] = link.fallback
    return values


def keyed(
    link: NewLink, slug: str, linkset: LinkSet, used: Collection[str] = ()
) -> tuple[NewLink, str]:
    """The link and its key in links.yaml: a link on one other domain than the default is
    written ``slug@domain``, so that the same slug may be a key again for another domain
    (a YAML mapping takes a key once); so is a link on the default domain alone when
    ``slug`` is a key already (``used``: of a link on other domains)."""
    default = linkset.site.domain
    if len(link.domains) == 1 and link.domains[0] != default:
        return replace(link, domains=()), f"{slug}@{link.domains[0]}"
    if link.domains in ((default,), ()) and linkset.site.several:
        link = replace(link, domains=())
        return link, (f"{slug}@{default}" if slug in used else slug)
    if slug in used:
        raise AddError(
            f"{slug!r} is a key of links.yaml already, of a link on other domains: write "
            f"this link once a domain ('{slug}@<domain>')"
        )
    return link, slug


def keys_of(linkset: LinkSet) -> set[str]:
    """The keys of links.yaml's ``links:`` (a campaign's links have none there)."""
    return {x.name for x in linkset.links if x.campaign is None}


def published_keys(slug: str, domains: Collection[str], linkset: LinkSet) -> list[str]:
    """The links.lock keys ``slug`` takes on ``domains`` (none: the default domain): its
    own, and those of the lines it continues (a line without a domain, written before
    site.domains, stands for the slug on every domain: lock.py)."""
    return reserved_keys(slug, domains, linkset.site)


def taken_on(linkset: LinkSet, domains: Collection[str]) -> dict[str, Link]:
    """The collision keys of the slugs already used on any of ``domains`` (none given: the
    default's), each with the link that has it; every slug of the file when the site has
    no site.domains."""
    if not linkset.site.several:
        return {slugrules.collision_key(s): x for x in linkset.links for s in x.slugs}
    wanted = set(domains or (linkset.site.domains[0].name,))
    return {
        slugrules.collision_key(s): x
        for x in linkset.links
        if wanted.intersection(x.domains)
        for s in x.slugs
    }


def taken_by(name: str, link: Link, where: str) -> str:
    """Whose a taken slug is, by the place a person finds it: the link's slug (when it is
    not ``name`` itself, as written) and its line in the file as it is on disk."""
    what = "a link" if link.slug == name else f"link {link.slug!r}"
    return f"by {what} of {where} (line {link.line})"


def insert_lines(text: str, lines: list[Line]) -> Insertion:
    """The file with ``lines`` after the last link of its ``links:`` block mapping."""
    root = yaml.compose(text)
    if root is None or not isinstance(root, yaml.MappingNode):
        raise AddError("the file has no top-level mapping: add 'links:' first")
    pair = next(((k, v) for k, v in root.value if k.value == "links"), None)
    source = text.splitlines(keepends=True)
    if source and not source[-1].endswith("\n"):
        source[-1] += "\n"
        return _unended(insert_lines("".join(source), lines))
    new = [line.text + "\n" for line in lines]
    if pair is None:  # no links yet: a new block at the end
        result = "".join(source) + "links:\n" + "".join(new)
        return Insertion(result, len(source), len(new) + 1, tuple(lines))
    key, links = pair
    if isinstance(links, yaml.ScalarNode) and links.value in ("", "~", "null"):
        at = key.start_mark.line  # 'links:' with nothing (or null) after it
        result = "".join(source[:at]) + "links:\n" + "".join(new) + "".join(source[at + 1 :])
        return Insertion(result, at + 1, len(new), tuple(lines))
    if not isinstance(links, yaml.MappingNode) or links.flow_style or not links.value:
        raise AddError("'links:' is not a block of 'slug: URL' lines: add this link by hand")
    last_key, last_value = links.value[-1]
    end = last_value.end_mark
    at = min(end.line if end.column == 0 else end.line + 1, len(source))
    # a nested block ends where the next key starts: step back over the blank and comment
    # lines after the last link, so they stay after the new one
    while at - 1 > last_key.start_mark.line and source[at - 1].strip()[:1] in ("", "#"):
        at -= 1
    result = "".join(source[:at]) + "".join(new) + "".join(source[at:])
    return Insertion(result, at, len(new), tuple(lines))


def _unended(insertion: Insertion) -> Insertion:
    """A file that did not end in a line break still does not: no other line changes."""
    return replace(insertion, text=insertion.text.removesuffix("\n"))


def insert(text: str, lines: list[str]) -> str:
    """The file with ``lines`` (text) after the last link of its ``links:`` block."""
    return insert_lines(text, [Line(x, 0, ((1, "slug"),)) for x in lines]).text


def place(problem: Problem, insertion: Insertion) -> Placed:
    """Where a problem of the would-be file is in the user's terms: on a new link's key
    (its own lines), else on the user's file, whose lines after the new ones are moved
    back to where they are now."""
    problem = replace(
        problem, message=_LINE_REF.sub(lambda m: _moved(m, insertion), problem.message)
    )
    index = problem.line - 1
    first_new = insertion.start + insertion.count - len(insertion.lines)
    if index >= insertion.start + insertion.count:
        return Placed(replace(problem, line=problem.line - insertion.count))
    if index >= first_new:
        line = insertion.lines[index - first_new]
        return Placed(problem, line.entry, line.key_at(problem.column))
    if index >= insertion.start:  # the 'links:' line made for them: the first new link's
        return Placed(problem, insertion.lines[0].entry, "slug")
    return Placed(problem)


# "(line 12)", "on line 12": another place a message names, by its line
_LINE_REF = re.compile(r"(\(line | on line )(\d+)")


def _moved(match: re.Match[str], insertion: Insertion) -> str:
    """A line a message of the would-be file names, as the file on disk has it: one after
    the new lines moved back; one of them, the new link (it is not written)."""
    index = int(match.group(2)) - 1
    if index >= insertion.start + insertion.count:
        return f"{match.group(1)}{index + 1 - insertion.count}"
    if index >= insertion.start:
        return _instead(match, "the new link")
    return match.group(0)


def _instead(match: re.Match[str], what: str) -> str:
    return f"({what}" if match.group(1).startswith("(") else f" by {what}"


def _by_option(message: str) -> str:
    """A message of ``check_entry``, whose lines are the options (``OPTIONS``' order):
    '(line 1)' is the new link's slug, never line 1 of the file."""

    def option(match: re.Match[str]) -> str:
        names = list(OPTIONS)
        index = int(match.group(2)) - 1
        name = OPTIONS[names[index]] if 0 <= index < len(names) else "the new link"
        return _instead(match, name)

    return _LINE_REF.sub(option, message)


def site_of(text: str, name: str) -> Any:
    """The ``site:`` mapping of a links file as YAML reads it (a checked file's)."""
    doc, _ = load_text(text, name)
    data = doc.data if doc is not None else None
    return data.get("site") if isinstance(data, dict) else None


def check_entry(
    site: Any, entry: Entry, filename: str
) -> tuple[Link | None, list[tuple[str, Problem]]]:
    """A new link checked by links.yaml's own rules (generator/validate/), with the file's own
    ``site`` (its zone, status, domains, allow and deny lists): the link when it passes,
    and each problem with the key it is about, at the place the entry gave for it."""
    positions: dict[tuple[object, ...], tuple[int, int, int, int]] = {}
    where: dict[tuple[int, int], str] = {}
    for name, (line, column) in entry.at.items():
        path = ("links", entry.key, name) if name else ("links", entry.key)
        positions[path] = (line, column, line, column)
        where[(line, column)] = name or "slug"
    data = {"site": site, "links": {entry.key: entry.values}}
    linkset, problems = validate_partial(Document(data, filename, positions))
    found = [(where.get((p.line, p.column), "slug"), p) for p in problems]
    link = linkset.links[0] if linkset is not None and linkset.links else None
    return link, found


def add(
    path: Path, link: NewLink, linkset: LinkSet, reserved: Collection[str] = ()
) -> tuple[str, str, list[Problem | OptionProblem]]:
    """The new file text, the slug used, and the errors: the link's own (by option) and
    those of the whole would-be file (at the user's own lines, or by option). Empty:
    fine. ``reserved``: keys of slugs published before (``lock.key``): never reused."""
    text = path.read_text(encoding="utf-8")
    unwritable = _not_utf8(link)
    if unwritable:
        return text, link.slug or "", unwritable
    everywhere = {slugrules.collision_key(s) for x in linkset.links for s in x.slugs}
    # a new slug is free on every domain; one asked for needs only be free on its own
    slug = link.slug or generate_slug(everywhere | set(reserved))
    own: list[Problem | OptionProblem] = list(_taken(link, linkset, reserved, path.name))
    try:
        written, key = keyed(link, slug, linkset, keys_of(linkset))
    except AddError as exc:
        if not own:
            return text, slug, [OptionProblem("--domain", str(exc), rule="add-domain")]
        # a slug taken as it is written is a key already, and said so once, as taken: the
        # other options are checked under a free key, so that every mistake is said at once
        free = generate_slug(everywhere | set(reserved))
        written, key = keyed(link, free, linkset, keys_of(linkset))
    own += _entry_problems(text, str(path), written, key, link)
    if own:
        return text, slug, own
    insertion = _inserted(text, written, key)
    return insertion.text, slug, _placed_errors(insertion, str(path), link)


def _taken(
    link: NewLink, linkset: LinkSet, reserved: Collection[str], filename: str
) -> list[OptionProblem]:
    """The slug and aliases asked for that another link has on the link's domains, or
    that links.lock says were published before (``reserved``)."""
    taken = taken_on(linkset, link.domains)
    on = f" on {', '.join(link.domains)}" if link.domains else ""
    out = []
    asked = [(link.slug, "--slug")] if link.slug else []  # (a generated one is free)
    for name, option in [*asked, *((a, "--alias") for a in link.aliases)]:
        other = taken.get(slugrules.collision_key(name))
        if other is not None:
            said = f"{name!r} is taken{on} {taken_by(name, other, filename)}"
            out.append(OptionProblem(option, said, "choose another", rule="add-slug-taken"))
        elif set(published_keys(name, link.domains, linkset)) & set(reserved):
            said = f"{name!r} was published before (links.lock) and may still be in people's hands"
            out.append(OptionProblem(option, said, "choose another", rule="add-slug-published"))
    return out


def _entry_problems(
    text: str, filename: str, written: NewLink, key: str, link: NewLink
) -> list[OptionProblem]:
    """The new link's errors, checked alone by the rules of links.yaml, each said of the
    option that gave the key (``OPTIONS``): the command line has no lines."""
    options = {name: (i + 1, 1) for i, name in enumerate(OPTIONS)}
    entry = Entry(key, entry_values(written), {"": options["slug"]})
    entry.at.update({name: options[name] for name in entry.values})
    _, found = check_entry(site_of(text, filename), entry, "the command line")
    return [
        _on_option(name, replace(p, message=_by_option(p.message)), link)
        for name, p in found
        if p.is_error
    ]


def _inserted(text: str, written: NewLink, key: str) -> Insertion:
    """``text`` with the new link's lines, in the file's style; double-quoted (JSON's
    escapes) when the file's quoting would not read back as the very text given."""
    style = style_of(text)
    insertion = insert_lines(text, entry_lines(written, key, style.indent, style.step, 0, style))
    if style.quote != '"' and not reads_back(insertion.text, key, written):
        style = replace(style, quote='"')  # read as written by every reader
        insertion = insert_lines(
            text, entry_lines(written, key, style.indent, style.step, 0, style)
        )
    return insertion


def _placed_errors(
    insertion: Insertion, filename: str, link: NewLink
) -> list[Problem | OptionProblem]:
    """The errors of the whole would-be file (a loop through an existing link), each put
    back on the user's own line or on the new link's option (``place``)."""
    errors: list[Problem | OptionProblem] = []
    for p in check_text(insertion.text, filename).problems:
        if p.is_error:
            placed = place(p, insertion)
            errors.append(placed.problem if placed.key is None else _on_option(placed.key, p, link))
    return errors


def as_given(
    problems: list[Problem | OptionProblem], expires_in: bool
) -> list[Problem | OptionProblem]:
    """The problems, with those of ``--expires`` said of ``--expires-in`` when that option
    gave the date (``expires_in``)."""
    if not expires_in:
        return problems
    return [
        replace(p, option="--expires-in")
        if isinstance(p, OptionProblem) and p.option == "--expires"
        else p
        for p in problems
    ]


def utm_given(options: dict[str, str | None]) -> tuple[tuple[str, str], ...]:
    """The ``--utm`` (a template's name) and ``--utm-<field>`` options given, as the
    ``utm`` of a NewLink: (field, value) pairs, the template first (click names them
    ``utm_template``, ``utm_source``...)."""
    order = ("template", "source", "medium", "campaign", "term", "content", "id")
    return tuple(
        (name, value) for name in order if (value := options.get(f"utm_{name}")) is not None
    )


def base_url(link: NewLink, site: Site) -> str | None:
    """Where the new link's short URL lives: its first domain, else the site's; None
    when the site names no domain (the URL is then only a path)."""
    return f"https://{link.domains[0]}" if link.domains else site.base_url


def added_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` that ``before`` lacks: what ``add --dry-run`` shows."""
    old = before.splitlines()
    return [line for line in after.splitlines() if line not in old]


def reads_back(text: str, key: str, link: NewLink) -> bool:
    """Whether the links file reads the new link's text values as given (by the reader
    ``check`` uses): what makes writing them plain or single-quoted safe."""
    doc, _ = load_text(text)
    links = doc.data.get("links") if doc is not None and isinstance(doc.data, dict) else None
    got = links.get(key) if isinstance(links, dict) else None
    got = {"url": got} if isinstance(got, str) else got
    if not isinstance(got, dict):
        return False
    return all(
        got.get(name) == getattr(link, name)
        for name in ("url", "title", "description")
        if getattr(link, name)
    )


def _on_option(name: str, problem: Problem, link: NewLink) -> OptionProblem:
    option = OPTIONS.get(name, "URL")
    if name == "slug" and not link.slug:
        option = "the new link"  # a generated slug is never the user's mistake
    if name == "domains" and not link.domains:
        option = "the new link"
    message = without_key(problem.message, name)
    return OptionProblem(option, message, problem.hint, rule=problem.rule)


def without_key(message: str, name: str) -> str:
    """The validator's message without its own 'expires: ' (the place says it)."""
    return message[len(name) + 2 :] if message.startswith(f"{name}: ") else message


def _not_utf8(link: NewLink) -> list[Problem | OptionProblem]:
    """Options that cannot be written into a UTF-8 file (bytes of another encoding on
    the command line reach Python as lone surrogates)."""
    out: list[Problem | OptionProblem] = []
    for name in OPTIONS:
        value = link.slug if name == "slug" else getattr(link, name)
        if name == "utm":
            value = tuple(v for _k, v in link.utm)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    out.append(
                        OptionProblem(
                            OPTIONS[name],
                            "is not UTF-8 text",
                            "set the terminal's encoding to UTF-8 (e.g. LANG=C.UTF-8)",
                            rule="add-not-utf8",
                        )
                    )
    return out


def indentation(text: str) -> tuple[str, str]:
    """The indent of the link keys, and one step more (for a link's own keys)."""
    root = yaml.compose(text)
    links = next((v for k, v in root.value if k.value == "links"), None) if root else None
    if isinstance(links, yaml.MappingNode) and links.value:
        col = links.value[0][0].start_mark.column
        step = "  "
        for _key, value in links.value:
            if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
                step = " " * (value.value[0][0].start_mark.column - col)
                break
        return " " * col, step
    return "  ", "  "


def style_of(text: str) -> Style:
    """The style of the links the file has (``Style``); the defaults where it shows none.
    Each choice is the one most of its links make."""
    indent, step = indentation(text)
    root = yaml.compose(text)
    links = next((v for k, v in root.value if k.value == "links"), None) if root else None
    if not isinstance(links, yaml.MappingNode) or links.flow_style or not links.value:
        return Style(indent, step)
    lines = text.splitlines()
    quotes: dict[str, int] = {}
    short = url_only = gaps = blanks = 0
    order: list[str] = []
    for i, (key, value) in enumerate(links.value):
        if i:
            gaps += 1
            above = key.start_mark.line - 1
            while above > 0 and lines[above].strip().startswith("#"):
                above -= 1  # a comment over a link belongs to it
            blanks += not lines[above].strip()
        texts = []
        if isinstance(value, yaml.ScalarNode):
            short += 1
            texts.append(value)
        elif isinstance(value, yaml.MappingNode) and not value.flow_style:
            names = [k.value for k, _ in value.value if isinstance(k, yaml.ScalarNode)]
            url_only += names == ["url"]
            _merge(order, names)
            texts += [v for k, v in value.value if k.value in ("url", "title", "description")]
        for node in texts:
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
                quotes[node.style or ""] = quotes.get(node.style or "", 0) + 1
    quote = max(quotes, key=lambda q: (quotes[q], q == '"')) if quotes else '"'
    return Style(
        indent,
        step,
        quote=quote if quote in ('"', "'", "") else '"',
        short=short >= url_only,
        order=tuple(_merge(order, list(OPTIONS))),
        blank=gaps > 0 and blanks * 2 > gaps,
    )


def _merge(order: list[str], names: list[str]) -> list[str]:
    """``order`` with the names it lacks, each put after every name before it in
    ``names`` (or first): the key order the file's links agree on, which new keys join."""
    for i, name in enumerate(names):
        if name not in order:
            after = [order.index(n) for n in names[:i] if n in order]
            order.insert(max(after) + 1 if after else 0, name)
    return order


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, keeping its permissions: never half-written, never
    through a planted symlink (generator/atomic.py). A file whose lines end in CRLF
    (written on Windows) keeps them: ``text`` was read with Python's universal newlines."""
    try:
        with path.open("rb") as f:
            first = f.readline()
    except OSError:
        first = b""
    if first.endswith(b"\r\n"):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    replace_file(path, text)
