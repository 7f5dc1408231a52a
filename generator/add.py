"""``shortlinks add``: a new link written into links.yaml, and nothing else touched.

The file is people's: its comments, order and formatting stay exactly as they are.
So the new link is not dumped by a YAML writer (which re-flows what it does not
understand) but inserted as text after the last link of the ``links:`` block, in the
file's own indentation, with every value quoted as a YAML double-quoted string
(JSON's escapes, which YAML accepts). The whole result is validated before it is
written, and written atomically.

Generated slugs use an alphabet that reads aloud and types without doubt: lowercase
letters and digits minus ``0 o 1 l i`` (31 characters), 6 long: about 887 million
slugs, tried at random until one collides with no slug or alias in any letter case.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from . import slugs as slugrules
from .build import check_text
from .lock import reserved_keys
from .model import LinkSet
from .problems import Problem

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 6


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
    if unit == "h":
        return (local + timedelta(hours=n)).replace(microsecond=0).isoformat()
    days = n * (7 if unit == "w" else 1)
    return (local + timedelta(days=days)).date().isoformat()


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def entry_lines(link: NewLink, slug: str, indent: str, step: str) -> list[str]:
    key = slug if re.fullmatch(r"[A-Za-z0-9][\w.~/@-]*", slug) else _q(slug)
    simple = not (
        link.expires or link.starts or link.title or link.aliases or link.tags or link.domains
    )
    if simple:
        return [f"{indent}{key}: {_q(link.url)}"]
    inner = indent + step
    lines = [f"{indent}{key}:", f"{inner}url: {_q(link.url)}"]
    if link.starts:
        lines.append(f"{inner}starts: {link.starts}")
    if link.expires:
        lines.append(f"{inner}expires: {link.expires}")
    if link.title:
        lines.append(f"{inner}title: {_q(link.title)}")
    if link.aliases:
        lines.append(f"{inner}aliases: [{', '.join(_q(a) for a in link.aliases)}]")
    if link.tags:
        lines.append(f"{inner}tags: [{', '.join(_q(t) for t in link.tags)}]")
    if link.domains:
        lines.append(f"{inner}domains: [{', '.join(_q(d) for d in link.domains)}]")
    return lines


def keyed(link: NewLink, slug: str, linkset: LinkSet) -> tuple[NewLink, str]:
    """The link and its key in links.yaml: a link on one other domain than the default is
    written ``slug@domain``, so that the same slug may be a key again for another domain
    (a YAML mapping takes a key once)."""
    default = linkset.site.domain
    if len(link.domains) == 1 and link.domains[0] != default:
        return replace(link, domains=()), f"{slug}@{link.domains[0]}"
    if link.domains == (default,):
        return replace(link, domains=()), slug
    return link, slug


def published_keys(slug: str, domains: Collection[str], linkset: LinkSet) -> list[str]:
    """The links.lock keys ``slug`` takes on ``domains`` (none: the default domain): its
    own, and those of the lines it continues (a line without a domain, written before
    site.domains, stands for the slug on every domain: lock.py)."""
    return reserved_keys(slug, domains, linkset.site)


def taken_on(linkset: LinkSet, domains: Collection[str]) -> set[str]:
    """The collision keys of the slugs already used on any of ``domains`` (none given: the
    default's); every slug of the file when the site has no site.domains."""
    if not linkset.site.several:
        return {slugrules.collision_key(s) for x in linkset.links for s in x.slugs}
    wanted = set(domains or (linkset.site.domains[0].name,))
    return {
        slugrules.collision_key(s)
        for x in linkset.links
        if wanted.intersection(x.domains)
        for s in x.slugs
    }


def insert(text: str, lines: list[str]) -> str:
    """The file with ``lines`` after the last link of its ``links:`` block mapping."""
    root = yaml.compose(text)
    if root is None or not isinstance(root, yaml.MappingNode):
        raise AddError("the file has no top-level mapping: add 'links:' first")
    pair = next(((k, v) for k, v in root.value if k.value == "links"), None)
    source = text.splitlines(keepends=True)
    if source and not source[-1].endswith("\n"):
        source[-1] += "\n"
    new = [line + "\n" for line in lines]
    if pair is None:  # no links yet: a new block at the end
        return "".join(source) + "links:\n" + "".join(new)
    key, links = pair
    if isinstance(links, yaml.ScalarNode) and links.value in ("", "~", "null"):
        at = key.start_mark.line  # 'links:' with nothing (or null) after it
        return "".join(source[:at]) + "links:\n" + "".join(new) + "".join(source[at + 1 :])
    if not isinstance(links, yaml.MappingNode) or links.flow_style or not links.value:
        raise AddError("'links:' is not a block of 'slug: URL' lines: add this link by hand")
    last_key, last_value = links.value[-1]
    end = last_value.end_mark
    at = min(end.line if end.column == 0 else end.line + 1, len(source))
    # a nested block ends where the next key starts: step back over the blank and comment
    # lines after the last link, so they stay after the new one
    while at - 1 > last_key.start_mark.line and source[at - 1].strip()[:1] in ("", "#"):
        at -= 1
    return "".join(source[:at]) + "".join(new) + "".join(source[at:])


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


def add(
    path: Path, link: NewLink, linkset: LinkSet, reserved: Collection[str] = ()
) -> tuple[str, str, list[Problem]]:
    """The new file text, the slug used, and the problems of the result (empty: fine).
    ``reserved``: keys of slugs published before (``lock.key``): never reused."""
    text = path.read_text(encoding="utf-8")
    everywhere = {slugrules.collision_key(s) for x in linkset.links for s in x.slugs}
    # a new slug is free on every domain; one asked for needs only be free on its own
    slug = link.slug or generate_slug(everywhere | set(reserved))
    if link.slug and slugrules.collision_key(link.slug) in taken_on(linkset, link.domains):
        on = f" on {', '.join(link.domains)}" if link.domains else ""
        raise AddError(f"slug {link.slug!r} is taken{on} (in some letter case): choose another")
    if link.slug and set(published_keys(link.slug, link.domains, linkset)) & set(reserved):
        raise AddError(
            f"slug {link.slug!r} was published before (links.lock) and may still be in "
            "people's hands: choose another"
        )
    indent, step = indentation(text)
    written, key = keyed(link, slug, linkset)
    new_text = insert(text, entry_lines(written, key, indent, step))
    problems = check_text(new_text, str(path)).problems
    return new_text, slug, [p for p in problems if p.is_error]


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, keeping its permissions: never half-written."""
    tmp = path.with_name(f".{path.name}.add-tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
