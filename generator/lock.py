"""links.lock: everywhere a published short URL sends people, so that none silently moves.

A short link lives on after its line leaves links.yaml: printed QR codes, old chat
messages and bookmarks still carry it. Sending them to a page they never asked for, by
editing a target, by reusing a removed slug, by giving a published link an ``expired:``
URL, or by pointing the short domain's root elsewhere, breaks the one promise a short link
makes. links.lock, committed beside links.yaml, records each place a published short URL
can send a visitor, now or once it expires, one ``name target`` line each:

- ``check`` refuses links.yaml when something it publishes goes elsewhere than the lock
  line of its name says (a deliberate move not yet recorded: ``shortlinks lock`` records
  it). A name with no line is new as far as the lock tells, and needs none;
- a pull request's check (``check --base REF``) reads the base branch's lock together
  with what the base's links.yaml publishes: every push to the base branch publishes it,
  so a name it publishes with no line yet is held to a line derived from it
  (``against``), as if ``shortlinks lock`` had written it there. So a new link is one
  file changed, and a published one cannot move whether its line was written or not;
  a name only a derived line records may not leave links.yaml unless the pull request
  writes its line;
- ``shortlinks lock`` records new names (allowed, never needed), and records a new target
  for a locked one only when links.yaml says so with ``repoint_from: <the locked
  target>`` (a link's, or ``home: {url: ..., repoint_from: ...}``): an explicit override,
  visible in the pull request and as a warning in its check;
- against its base, a lock that lost or rewrote a line of the base branch's (or a derived
  one), or that adds a line moving a published name without the override in links.yaml,
  is refused: the file only grows.

Names. Each reads one way only: a slug has none of '@' and ':' and never starts with
'/', a domain has no ':', and ``expired`` is no platform.

- ``slug``: a slug or alias, where it sends visitors while active (its ``url``);
- ``slug:platform`` (``app:ios``): a link's target for one device (``devices``);
- ``slug:lang:tag`` (``app:lang:zh-TW``): a link's target for one language (``languages``),
  the tag in its canonical case (compared ignoring case, as tags are);
- ``slug:country:CODE`` (``shop:country:CN``): a link's target for visitors in one
  country (``countries``), the ISO 3166-1 code in upper case;
- ``slug:vN`` (``ab:v2``): a link's Nth variant (``variants``), from the second on (the
  first is its target, the slug's own line); no platform is called so;
- ``slug:fallback``: where a link that opens an app (``tel:``, a mini-program...: its
  ``url`` is the app's URL, the slug's own line) sends visitors without the app, and what
  a computer is offered (its ``fallback``); no platform is called so;
- ``slug:expired``: where it sends visitors once it has expired (its ``expired`` URL). A
  link that expires without one answers with its expired page, which sends nobody
  anywhere, so it needs no line;
- ``/``: the site's root, where ``site.home`` (or a domain's ``home``) sends visitors;
  a site without a home shows its landing page, which needs no line either;
- ``@domain`` after the slug or ``/``, before any ``:`` (``sale@go.example.com``,
  ``sale@go.example.com:expired``, ``/@go.example.com``): the name on one domain of a
  site of several (site.domains). A site of one domain, however it says so
  (``site.domain: x`` or ``site.domains: [x]``), writes its names without it, and reads
  the lines of ``slug@x`` first, then those of ``slug``: how the site is written never
  makes a slug look new. Domains compare as host names do
  (lower case, punycode, no trailing dot), and a domain of links.yaml that merely looks
  like one the lock names (a Cyrillic 'о' for 'o') is an error.

A name with no line of its own continues the lines of the names it derives from
(``_forms``): a device's or an expired target continues its slug's, which is where its
visitors went before it had one, so giving a published link either is a move; a name on
one domain continues the name without a domain (written before site.domains), which stands
for it on every domain. ``slug@domain:variant`` reads ``slug@domain`` before
``slug:variant``: a line of its domain is more specific than one for every domain. So lock
files written before expired targets and homes were locked keep their meaning: a link
whose ``expired`` URL differs from its target is recorded once with ``repoint_from``
(docs/security.md).

Lines are grouped by name (slugs folded in case and width, as slugs collide) in sorted
order, so two pull requests adding links touch different lines. A moved name has one line
per target, oldest first; the last is where it points now. Names and normalised targets
hold no spaces, so a line is readable and can be written by hand in a web editor.

The lock is read as carefully as links.yaml (load.read_bytes): a regular file only, never
a device or a pipe, nor a link to one, and no larger than links.yaml may be.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import abuse, finder, gitfiles, load
from .load import Document
from .model import LinkSet, Site, quick_init
from .problems import ERROR, WARNING, Problem
from .slugs import collision_key
from .urls import UrlError, host_name, parse_target

HEADER = """\
# links.lock: where short links were published pointing to, one "name target" line each: a slug,
# 'slug:ios' (a device), 'slug:lang:zh', 'slug:country:CN', 'slug:v2' (a variant), 'slug:fallback'
# (an app's), 'slug:expired', '/' (the root), '@domain' with several. A new link needs no line (a
# pull request's check reads main's); a move (repoint_from) needs one per target, oldest first:
# 'shortlinks lock' writes them. Never drop or change a line; add one for a link you remove.
"""

ROOT = "/"  # the name of the site's root: no slug starts with '/'
VARIANT = "v"  # slug:v2, slug:v3...: a link's variants after its first
EXPIRED = "expired"  # the variant of a slug once it has expired: no platform is called so
FALLBACK = "fallback"  # where a link that opens an app sends visitors without it
LANG = "lang:"  # before a language tag: 'slug:lang:zh' (a platform has no ':')
COUNTRY = "country:"  # before a country code: 'slug:country:CN'


@functools.lru_cache(maxsize=1024)
def domain_key(domain: str) -> str:
    """A domain as lock names compare it, however a line spells it: lower case, punycode,
    no trailing dot (as generator/validate/ writes site.domains). Text that is no host name stays
    as written (lower case): it names no domain of the site, so it holds no slug of it."""
    if not domain or any(c in domain for c in "@/:?#[]\\"):
        return domain.lower()
    try:
        return host_name(domain)
    except (UrlError, ValueError):
        return domain.lower().rstrip(".")


# A slug of ASCII letters, digits, '-', '_' and '~' (most): folded, it is its lower case
# (NFKC and case folding change nothing else, and none of it is trailing punctuation)
_PLAIN_SLUG = re.compile(r"[A-Za-z0-9~_\-]*")


def _fold(slug: str) -> str:
    """A slug as its lines are grouped: letter case and width folded (as slugs collide),
    and trailing punctuation dropped, as the 404 page's finder does (finder.py): it would
    send '/gh' to a page 'gh.' if 'gh' were gone, so 'gh.' must not take over 'gh'."""
    if _PLAIN_SLUG.fullmatch(slug):
        return slug.lower()
    return ROOT if slug == ROOT else finder.normal(collision_key(slug))


def key(name: str) -> str:
    """The lines ``name`` stands for: ``slug``, ``slug@domain``, either with ``:variant``
    (a platform, or ``expired``), and ``/`` for the root likewise (see the module's
    docstring), folded so that every spelling of one name has one key."""
    base, colon, variant = name.partition(":")
    slug, at, domain = base.partition("@")
    return _fold(slug) + (f"@{domain_key(domain)}" if at else "") + colon + variant.lower()


def _forms(name: str, only: str | None = None) -> tuple[list[str], int]:
    """The keys whose lines say where ``name`` goes, most specific first, and how many of
    them are its own: the rest it continues while it has no line of its own. ``only``: the
    site's one domain, which a name without '@' is on (``only_domain``).

    ``slug@domain:variant`` continues two names: ``slug@domain`` and ``slug:variant``. The
    one on its domain comes first: the lines of a name on a domain are written for that
    domain, the lines without one stand for every domain, so a line without a domain added
    later (by hand) never takes over a name whose domain has a line of its own. On the site
    of one domain, ``slug@x:variant`` and ``slug:variant`` are one name, both its own."""
    base, colon, variant = name.partition(":")
    slug, at, domain = base.partition("@")
    folded = _fold(slug)
    one = domain_key(only) if only else None
    on = domain_key(domain) if at else one
    suffix = ":" + variant.lower() if colon else ""
    if on is None:
        forms = [folded + suffix, folded] if colon else [folded]
        return forms, 1
    if on == one:  # one domain: 'slug@x' and 'slug' are the same name
        if colon:
            return [f"{folded}@{on}{suffix}", folded + suffix, f"{folded}@{on}", folded], 2
        return [f"{folded}@{on}", folded], 2
    if colon:
        return [f"{folded}@{on}{suffix}", f"{folded}@{on}", folded + suffix, folded], 1
    return [f"{folded}@{on}", folded], 1


def _parts(k: str) -> tuple[str, str | None, str | None]:
    """A key's slug, domain and variant (None: it has none)."""
    base, colon, variant = k.partition(":")
    slug, at, domain = base.partition("@")
    return slug, domain if at else None, variant if colon else None


def _name(slug: str, domain: str | None, variant: str | None) -> str:
    return (
        slug
        + (f"@{domain}" if domain is not None else "")
        + (f":{variant}" if variant is not None else "")
    )


@quick_init
@dataclass(frozen=True, slots=True)  # one a line: 100,000 of them at 100,000 links
class Entry:
    slug: str  # the name, as the line writes it
    target: str
    line: int


def _resolve(
    entries: dict[str, list[Entry]], forms: list[str]
) -> tuple[int, str, list[Entry]] | None:
    """The first of ``forms`` with lines: its index, key and lines."""
    for i, k in enumerate(forms):
        found = entries.get(k)
        if found:
            return i, k, found
    return None


@dataclass
class Lock:
    name: str  # the file, as messages name it
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # key -> history
    problems: list[Problem] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)  # each domain a line names -> line
    # the base branch's links.yaml, for a base read from git (``read_base``): what it
    # published where its lock has no line yet (the root of a lock from before homes)
    published: Callable[[], LinkSet | None] | None = None
    readable: bool = True  # False: the file could not be read at all (its problem says why)
    exists: bool = True  # False: there is no such file (a base without one, a head that lost it)


def _previous(
    entries: dict[str, list[Entry]], forms: list[str], found: tuple[int, str, list[Entry]]
) -> Entry | None:
    """Where a name pointed before its current target (``found`` among ``forms``): its
    line before the last, or what it continued before its first line."""
    i, _k, history = found
    if len(history) > 1:
        return history[-2]
    before = _resolve(entries, forms[i + 1 :])
    return before[2][-1] if before else None


def lock_path(links_file: Path) -> Path:
    """``links.yaml`` -> ``links.lock``, in the same folder."""
    return links_file.with_suffix(".lock")


def parse(text: str, name: str) -> Lock:
    lock = Lock(name)
    # '\n' alone ends a line, as in a diff; any other control or line-separator character
    # (U+2028, U+0085...) is refused: two lines must never look like one in a review
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" ")
        odd = not line.isprintable() or "\u2028" in line or "\u2029" in line
        if len(parts) != 2 or not all(parts) or odd:
            lock.problems.append(
                Problem(
                    number,
                    1,
                    ERROR,
                    "a lock line is 'name target', one space between",
                    "restore the line from the base branch: git checkout origin/main -- "
                    f"{Path(name).name}",
                    file=name,
                    rule="lock-line",
                )
            )
            continue
        slug, target = parts
        k = key(slug)
        lock.entries.setdefault(k, []).append(Entry(slug, target, number))
        if "@" in slug:
            lock.domains.setdefault(k.partition(":")[0].partition("@")[2], number)
    return lock


def read(path: Path) -> Lock | None:
    """The lock beside a links file, or None when there is none (the check is off). Read
    as links.yaml is (load.read_bytes), but a pipe is refused too: a lock is a file in
    the repository, and one committed as a link to a FIFO would wait for ever."""
    name = str(path)
    said: tuple[str, str | None] | None = None
    try:
        raw = load.read_bytes(path, pipes=False)
    except FileNotFoundError:
        if not os.path.lexists(path):
            return None
        said = ("it is a link to nothing", "restore it: git checkout origin/main -- links.lock")
    except load.NotAFile:
        said = (
            "it is not a regular file (a device, a pipe, a folder, or a link to one)",
            f"links.lock is a text file: restore it (git checkout origin/main -- {path.name})",
        )
    except load.TooLarge:
        said = (
            f"it is larger than {load.MAX_FILE_BYTES >> 20} MiB",
            "a lock of a million slugs is about 60 MB: is this the right file?",
        )
    except OSError as exc:
        said = (f"cannot read it: {exc.strerror or exc}", None)
    if said is not None:
        return Lock(
            name,
            problems=[Problem(1, 1, ERROR, *said, file=name, rule="lock-unreadable")],
            readable=False,
        )
    text, problems = load.decode(raw, name)
    if text is None:
        return Lock(name, problems=problems, readable=False)
    return parse(text, name)


class BaseError(Exception):
    """The base's lock could not be read (no such ref)."""


def read_base(spec: str, links_file: Path) -> Lock:
    """The lock of a pull request's base: a file, or a git ref (``origin/main``) whose
    lock beside ``links_file`` is read. No lock there: an empty one (nothing to keep).
    From a git ref, the base's links.yaml is at hand too (``Lock.published``)."""
    if not gitfiles.is_commit(spec) and Path(spec).is_file():  # a ref first (gitfiles.py)
        return read(Path(spec)) or Lock(spec)
    rel = os.path.relpath(lock_path(links_file))
    try:
        text = gitfiles.show(spec, f"./{rel}")
    except gitfiles.GitError as exc:
        raise BaseError(f"{spec!r} is neither a file nor a git ref: {exc}") from None
    lock = Lock(spec, exists=False) if text is None else parse(text, spec)
    lock.published = functools.partial(_linkset_at, spec, os.path.relpath(links_file))
    return lock


def _linkset_at(ref: str, rel: str) -> LinkSet | None:
    """links.yaml as ``ref`` has it, validated as far as it goes (None: none, or unread)."""
    from .load import load_text
    from .validate import validate_partial

    try:
        text = gitfiles.show(ref, f"./{rel}")
    except gitfiles.GitError:
        return None
    doc = load_text(text, rel)[0] if text is not None else None
    return validate_partial(doc)[0] if doc is not None else None


def same(locked: str, target: str | None) -> bool:
    """Whether a lock line's target is ``target``: as written, or once in the normal form
    of urls.py, so that a line written by hand, or by a generator that normalised a URL
    differently ('https://a.example' for 'https://a.example/'), does not take an
    unchanged link for a moved one."""
    if locked == target:
        return True
    if target is None:
        return False
    try:
        return parse_target(locked).url == target
    except UrlError:
        return False


def only_domain(site: Site) -> str | None:
    """The site's one short domain (``site.domain``, or a ``site.domains`` of one); None
    for a site of several, or of none."""
    if len(site.domains) == 1:
        return site.domains[0].name
    return None if site.domains else site.domain


Locate = Callable[[tuple[object, ...]], tuple[int, int]]
Published = tuple[str, str, str | None, tuple[object, ...]]


def _published(linkset: LinkSet) -> Iterator[Published]:
    """(name, target, repoint_from, its path in links.yaml) of every slug and alias, of
    each of their device targets (``slug:ios``), language targets (``slug:lang:zh``),
    country targets (``slug:country:CN``) and
    expired targets (``slug:expired``), and of the site's root (``/``). With several
    domains every name says its domain (``slug@domain``), the default's too: reordering
    the list moves nothing."""
    several = len(linkset.site.domains) > 1
    for link in linkset.links:
        moved = link.repoint_from.url if link.repoint_from else None
        ends = None  # where it sends visitors once expired (none: its expired page)
        if link.expires is not None and link.expired is not None:
            ends = link.expired.url
            ends_at = ("campaigns", link.campaign) if link.campaign else link.path
        for domain in link.domains if several else (None,):
            on = f"@{domain}" if domain else ""
            for i, slug in enumerate(link.slugs):
                # each alias at its own item (an alias in '[a, b]' was placed at the '[')
                path = link.path if i == 0 else (*link.path, "aliases", i - 1)
                yield slug + on, link.target.url, moved, path
                for platform, target in link.devices:
                    where = (*link.path, "devices", platform)
                    yield f"{slug}{on}:{platform}", target.url, moved, where
                for tag, target in link.languages:
                    # at 'languages': its key may be spelt in another case than the tag
                    where = (*link.path, "languages")
                    yield f"{slug}{on}:{LANG}{tag}", target.url, moved, where
                for code, target in link.countries:
                    where = (*link.path, "countries", code)
                    yield f"{slug}{on}:{COUNTRY}{code}", target.url, moved, where
                # the first variant is the link's target (the slug's own line)
                for n, (target, _weight) in enumerate(link.variants[1:], 2):
                    where = (*link.path, "variants", n - 1)
                    yield f"{slug}{on}:{VARIANT}{n}", target.url, moved, where
                if link.fallback is not None:
                    where = (*link.path, "fallback")
                    yield f"{slug}{on}:{FALLBACK}", link.fallback.url, moved, where
                if ends is not None:
                    yield f"{slug}{on}:{EXPIRED}", ends, moved, (*ends_at, "expired")
    yield from _roots(linkset.site)


def _roots(site: Site) -> Iterator[Published]:
    """The site's root on each domain: where its home sends visitors (none: its landing
    page, which sends nobody anywhere)."""
    several = len(site.domains) > 1
    for i, domain in enumerate(site.domains or (None,)):  # type: ignore[arg-type]
        if domain is not None and domain.home is not None:
            home, moved, path = domain.home, domain.home_repoint_from, ("site", "domains", i)
            path = (*path, "home", "url")
        else:
            home, moved, path = site.home, site.home_repoint_from, ("site", "home", "url")
        if home is not None:
            name = f"{ROOT}@{domain.name}" if several and domain is not None else ROOT
            yield name, home.url, moved.url if moved else None, path


def _kind(name: str) -> str:
    """'slug', 'root', 'expired', 'variant' or 'device': what a name stands for, for
    messages."""
    base, colon, variant = name.partition(":")
    if base.startswith(ROOT):
        return "root"
    if not colon:
        return "slug"
    if re.fullmatch(rf"{VARIANT}[0-9]+", variant, re.I):
        return "variant"
    return "expired" if variant.lower() == EXPIRED else "device"


def _moved_silently(
    name: str, locked: str, target: str, where: str | None = None
) -> tuple[str, str]:
    """Message and hint for a published name given another target without the override."""
    at = f" ({where})" if where else ""
    kind = _kind(name)
    if kind == "expired":
        slug = name.rpartition(":")[0]
        return (
            f"once it expires, {slug!r} would send its visitors to {target}; it was "
            f"published pointing to {locked}{at}, and people and printed QR codes still "
            "use it",
            f"remove 'expired' (or site.expired: its expired page answers instead), set it to "
            f"{locked}, or "
            f"move it deliberately: add 'repoint_from: {locked}' to the link",
        )
    if kind == "root":
        return (
            f"the short domain's root {name!r} was published pointing to {locked}{at}; "
            "people who type the short domain still go there",
            f"keep it, or move it deliberately: 'home: {{url: {target}, repoint_from: {locked}}}'",
        )
    return (
        f"{name!r} was published pointing to {locked}{at}; people and printed QR codes "
        "still use it",
        f"keep its target, choose a new slug, or move it deliberately: add "
        f"'repoint_from: {locked}' to the link",
    )


def _override(name: str, locked: str) -> str:
    """Where links.yaml says a move of ``name`` from ``locked``."""
    if _kind(name) == "root":
        return f"write the home as 'home: {{url: ..., repoint_from: {locked}}}' in links.yaml"
    return f"add 'repoint_from: {locked}' to the link in links.yaml"


def _domain_problems(linkset: LinkSet, lock: Lock, locate: Locate, file: str) -> list[Problem]:
    """The site's domains against those the lock names: a domain that only looks like one
    of them would make every slug of it look new, and a site that names no domain could
    not tell which of the lock's lines are its own."""
    if not lock.domains:
        return []
    site = linkset.site
    lock_name = Path(lock.name).name
    if not site.domain:
        domain, line = next(iter(lock.domains.items()))
        return [
            Problem(
                *locate(("site",)),
                ERROR,
                f"{lock_name} names the domains of its slugs ({domain}, line {line}), and "
                "links.yaml names none: its slugs cannot be held to their lines",
                f"name the short domain: 'domain: {domain}' under site (or site.domains)",
                file=file,
                rule="lock-domain-missing",
            )
        ]
    named: list[tuple[str, tuple[object, ...]]] = [
        (d.name, ("site", "domains", i, "domain")) for i, d in enumerate(site.domains)
    ] or [(site.domain, ("site", "domain"))]
    problems = []
    for domain, path in named:
        for locked, line in lock.domains.items():
            if abuse.looks_alike(domain, locked):
                problems.append(
                    Problem(
                        *locate(path),
                        ERROR,
                        f"the domain {abuse.readable(domain)} looks like "
                        f"{abuse.readable(locked)}, which {lock_name} names (line {line}), "
                        "but is another domain: its slugs would all look new",
                        f"write the domain exactly as {lock_name} does ({locked}); a "
                        "look-alike of a published domain is refused",
                        file=file,
                        rule="lock-domain-lookalike",
                    )
                )
    return problems


def check(linkset: LinkSet, lock: Lock, locate: Locate, file: str) -> list[Problem]:
    """Everything ``linkset`` publishes recorded in the lock with its target, else an
    error each."""
    problems = list(lock.problems)
    if not lock.readable:
        return problems  # its one problem, not one a slug for lines it could not read
    problems += _domain_problems(linkset, lock, locate, file)
    lock_name = Path(lock.name).name
    only = only_domain(linkset.site)
    slug_target = ""  # the target of the last slug (its device, expired... names follow it)
    for name, target, moved, path in _published(linkset):
        if ":" not in name:
            slug_target = target
        forms, own = _forms(name, only)
        found = _resolve(lock.entries, forms)
        entry = found[2][-1] if found else None
        if entry is not None and same(entry.target, target) and moved is None:
            continue  # the usual case: found without reading positions
        said = _judged(name, target, moved, lock.entries, forms, own, found, lock_name, slug_target)
        if said is not None:
            line, column = locate(path)  # only for a message: a deep one reads the file again
            problems.append(Problem(line, column, *said[1:], file=file, rule=said[0]))
    return problems


def _judged(
    name: str,
    target: str,
    moved: str | None,
    entries: dict[str, list[Entry]],
    forms: list[str],
    own: int,
    found: tuple[int, str, list[Entry]] | None,
    lock_name: str,
    slug_target: str = "",
) -> tuple[str, str, str, str] | None:
    """What ``check`` says of one published name other than the usual case (recorded with
    its target, no 'repoint_from'): rule id, severity, message and hint, or None.
    ``slug_target``: for a device's, expired... name, its slug's target now."""
    entry = found[2][-1] if found else None
    child = ":" in name  # a device's or expired target: it continues its slug's lines
    if child and (entry is None or same(entry.target, target)):
        # its slug has the message (not locked; moved), if any; its own move, from
        # the line it has of its own, is said here
        if found is None or found[0] >= own:
            return None
        if len(found[2]) == 1 and moved is not None and not same(slug_target, moved):
            # its one line is its own, and 'repoint_from' moves its slug, not it: what it
            # continued before that line is no move of its
            return None
        before = _previous(entries, forms, found)
        if before is None or not same(before.target, moved) or same(before.target, target):
            return None
    elif entry is not None and same(entry.target, target) and same(target, moved):
        return None  # 'repoint_from' naming its own target moves its devices or expiry
    if entry is None:
        # new, as far as this lock tells: a pull request's check adds to it what its
        # base branch publishes (``against``), so a published name is never new there
        return None
    if not same(entry.target, target):
        if moved is not None and same(entry.target, moved):
            return (
                "lock-not-updated",
                ERROR,
                f"{name!r} moves from {entry.target} to {target} (repoint_from), "
                f"and {lock_name} does not record it yet",
                f"run 'shortlinks lock' and commit {lock_name}",
            )
        where = f"{lock_name}:{entry.line}" if entry.line else None
        return ("lock-moved", ERROR, *_moved_silently(name, entry.target, target, where))
    if found and (before := _previous(entries, forms, found)) and same(before.target, moved):
        return (
            "repointed",
            WARNING,
            f"{name!r} was moved from {moved} to {target} (repoint_from)",
            "people who kept the old link now land on the new target; remove "
            "'repoint_from' once this is merged",
        )
    return (
        "repoint-from-stale",
        WARNING,
        f"'repoint_from' of {name!r} names {moved}, which it no longer moves from",
        "remove 'repoint_from'",
    )


def since(
    base: Lock, head: Lock, linkset: LinkSet | None, locate: Locate, file: str
) -> list[Problem]:
    """A pull request's lock against its base branch's: every base line kept as it was,
    and a new target for a name of the base only with the override in links.yaml. A name
    with no line in the base that continues one that has (``_forms``: a slug now on a
    domain, a device or the expiry of a link) may copy its target, or move it with the
    override. ``against`` gives it the base's lines with those of what the base's
    links.yaml publishes beside them.

    A line names one key, but every name that reads that key first is moved by it: a
    line ``gh:expired`` is read by ``gh@d:expired`` on each domain, a line ``gh@d`` by
    ``gh@d:ios``. Each name of the base that a new line now decides is held to it
    (``_shadowed``): it follows the line's own name (which is checked), or it moves on
    its own and needs its own override."""
    problems: list[Problem] = [
        Problem(p.line, p.column, ERROR, f"the base's lock is unreadable: {p.message}",
                file=base.name, rule="lock-base-unreadable")
        for p in base.problems
    ]  # fmt: skip
    if not base.readable or not head.readable:
        return problems  # the head's own problem is said by check()
    only = only_domain(linkset.site) if linkset is not None else None
    moves: dict[str, tuple[str | None, str, tuple[object, ...]]] = {}
    if linkset is not None:
        for name, target, moved, path in _published(linkset):
            forms, own = _forms(name, only)
            for k in forms[:own]:
                moves.setdefault(k, (moved, target, path))
    changed: list[str] = []  # keys with lines the base has not
    for k, before in base.entries.items():
        after = head.entries.get(k, [])
        lost = _lost(before, after, base, head)
        if lost is not None:
            problems.append(lost)
            continue
        if len(after) > len(before):
            changed.append(k)
            found = _unlawful(before, after[len(before) :], moves.get(k), locate, file, head)
            if found is not None:
                problems.append(found)
    for k, after in head.entries.items():
        if k in base.entries:
            continue
        changed.append(k)
        forms = _forms(after[0].slug, only)[0]
        was = _resolve(base.entries, forms)
        if was is None:
            continue  # new: check() holds it to links.yaml
        before = was[2]
        moved = [e for e in after if not same(e.target, before[-1].target)]
        found = _unlawful(before, moved, moves.get(k), locate, file, head)
        if found is not None:
            problems.append(found)
    problems += _shadowed(base, head, changed, only, moves, locate, file)
    return problems


def against(base: Lock, head: Lock, linkset: LinkSet, locate: Locate, file: str) -> list[Problem]:
    """A pull request's links.yaml and lock (``head``) against its base branch's lock.

    Every push to the base branch publishes its links.yaml, so whatever it publishes is
    published, recorded in its lock or not: a new link needs no line. The base's lock is
    read with a line added for each name its links.yaml publishes that the lock has none
    for (``derive``: what 'shortlinks lock' would have written there), and those lines are
    the pull request's too (``_carry``). ``check`` and ``since`` then hold the pull request
    to them as to written lines: a published name moves only with ``repoint_from``. A name
    that only such a line records must not leave links.yaml unless the pull request writes
    its line (``_forgotten``): after the merge nothing else would remember it."""
    problems: list[Problem] = []
    if base.exists and not head.exists:
        problems.append(
            Problem(
                1,
                1,
                ERROR,
                f"{Path(head.name).name} was deleted, and {base.name} has one: it keeps "
                "every published link where it was published",
                f"restore it: git checkout {base.name} -- {Path(head.name).name}",
                file=head.name,
                rule="lock-deleted",
            )
        )
    derived: dict[str, list[Entry]] = {}  # the lines the base's links.yaml adds
    written = head  # the pull request's lock as its file writes it
    if base.exists and base.readable and head.readable and base.published is not None:
        recorded = base.entries
        base = derive(base.published(), base)
        derived = {k: v for k, v in base.entries.items() if k not in recorded}
        head = _carry(head, derived)
    problems += check(linkset, head, locate, file)
    problems += since(base, head, linkset, locate, file)
    problems += _forgotten(derived, written, linkset, locate, file, base.name)
    return problems


def derive(linkset: LinkSet | None, locked: Lock) -> Lock:
    """``locked`` with a line for each name ``linkset`` publishes that it has none for
    (nor a name it continues): what 'shortlinks lock' would add to it (``update``). The
    new lines have no line number (0)."""
    entries = {k: list(v) for k, v in locked.entries.items()}
    if linkset is not None:
        only = only_domain(linkset.site)
        for name, target, _moved, _path in _published(linkset):
            forms = _forms(name, only)[0]
            if _resolve(locked.entries, forms) is not None:
                continue
            now = _resolve(entries, forms)  # a new link's device: unless it says its link's
            if now is None or not same(now[2][-1].target, target):
                entries.setdefault(key(name), []).append(Entry(name, target, 0))
    return _with(locked, entries)


def _with(lock: Lock, entries: dict[str, list[Entry]]) -> Lock:
    """``lock`` with these lines instead of its own (and the domains they name)."""
    domains = dict(lock.domains)
    for k, lines in entries.items():
        domain = _parts(k)[1]
        if domain is not None:
            domains.setdefault(domain, lines[0].line)
    return Lock(
        lock.name, entries, lock.problems, domains, lock.published, lock.readable, lock.exists
    )


def _carry(head: Lock, derived: dict[str, list[Entry]]) -> Lock:
    """The pull request's lock with the base's derived lines before its own lines of the
    same name: a line that repeats one of them (the pull request ran 'shortlinks lock') is
    that line, any other follows it, as a move does, and ``since`` judges it as one."""
    entries = {k: list(v) for k, v in head.entries.items()}
    for k, lines in derived.items():
        own = entries.get(k, [])
        n = 0
        while n < min(len(own), len(lines)) and same(own[n].target, lines[n].target):
            n += 1
        entries[k] = [*lines, *own[n:]]
    return _with(head, entries)


def _forgotten(
    derived: dict[str, list[Entry]],
    written: Lock,
    linkset: LinkSet,
    locate: Locate,
    file: str,
    base_name: str,
) -> list[Problem]:
    """Each name that only a derived line records (the base publishes it, its lock has no
    line) and that leaves links.yaml, with no line in the pull request's lock file
    (``written``): merged, nothing would remember where it was published pointing to, and
    the name could come back pointing anywhere."""
    if not derived:
        return []
    only = only_domain(linkset.site)
    kept: set[str] = set(written.entries)
    for name, _target, _moved, _path in _published(linkset):
        forms, own = _forms(name, only)
        kept.update(forms[:own])
    lock_name = Path(written.name).name
    problems = []
    for k, lines in sorted(derived.items()):
        if k in kept:
            continue
        line, column = locate(("site",) if k.startswith(ROOT) else ("links",))
        said = " and ".join(f"'{e.slug} {e.target}'" for e in lines)
        problems.append(
            Problem(
                line,
                column,
                ERROR,
                f"{lines[-1].slug!r} leaves {Path(file).name}, where {base_name} publishes "
                f"it pointing to {lines[-1].target}, and {lock_name} has no line for it: "
                "once merged, nothing would remember where it was published pointing to",
                f"keep its record: add the line {said} to {lock_name}",
                file=file,
                rule="lock-forgotten",
            )
        )
    return problems


def _lost(before: list[Entry], after: list[Entry], base: Lock, head: Lock) -> Problem | None:
    """The first line of the base's ``before`` that the head's ``after`` lost or changed,
    placed at the head's line that took its place, or at the line number it had."""
    for i, entry in enumerate(before):
        now = after[i] if i < len(after) else None
        if now is not None and (now.slug, now.target) == (entry.slug, entry.target):
            continue
        head_name = Path(head.name).name
        return Problem(
            now.line if now is not None else entry.line,
            1,
            ERROR,
            f"{head_name} lost or changed the line '{entry.slug} {entry.target}' of "
            f"{base.name} (its line {entry.line}): published slugs are never forgotten",
            f"restore it (git checkout {base.name} -- {head_name}), then run 'shortlinks lock'",
            file=head.name,
            rule="lock-line-changed",
        )
    return None


def _shadowed(
    base: Lock,
    head: Lock,
    changed: list[str],
    only: str | None,
    moves: dict[str, tuple[str | None, str, tuple[object, ...]]],
    locate: Locate,
    file: str,
) -> list[Problem]:
    """Each name of the base that a line of ``changed`` now decides, moved elsewhere than
    the line's own name moved, without its own override. The names a key ``k`` can decide
    fill in what ``k`` leaves open (its domain, its variant) with those the base's lines
    of its slug name: any other domain or variant reads the base's lines as ``k``'s own
    name does, so it follows ``k``, whose own move is checked on its own."""
    domains: dict[str, set[str]] = {}
    variants: dict[str, set[str]] = {}
    for k in base.entries:
        slug, domain, variant = _parts(k)
        if domain is not None:
            domains.setdefault(slug, set()).add(domain)
        if variant is not None:
            variants.setdefault(slug, set()).add(variant)
    problems: list[Problem] = []
    for k in changed:
        slug, domain, variant = _parts(k)
        if (
            domain is None
            and not domains.get(slug)
            and (variant is not None or not variants.get(slug))
        ):
            continue  # nothing more specific in the base reads it
        own = _resolve(base.entries, _forms(k, only)[0])
        ds = [domain] if domain is not None else [None, *sorted(domains.get(slug, ()))]
        vs = [variant] if variant is not None else [None, *sorted(variants.get(slug, ()))]
        for d in ds:
            for v in vs:
                name = _name(slug, d, v)
                forms = _forms(name, only)[0]
                now = _resolve(head.entries, forms)
                if now is None or now[1] != k:
                    continue  # another line decides it: checked as that one
                was = _resolve(base.entries, forms)
                if was is None or (own is not None and was[1] == own[1]):
                    continue  # new, or it follows k's own name
                before = was[2]
                added = [e for e in now[2] if not same(e.target, before[-1].target)]
                found = _unlawful(before, added, moves.get(forms[0]), locate, file, head, name=name)
                if found is not None:
                    problems.append(found)
    return problems


def _unlawful(
    before: list[Entry],
    added: list[Entry],
    move: tuple[str | None, str, tuple[object, ...]] | None,
    locate: Locate,
    file: str,
    head: Lock,
    name: str | None = None,
) -> Problem | None:
    """What is wrong with the lines ``added`` after ``before`` in a pull request: one
    move a pull request, to where links.yaml says, from where main has it, declared.
    ``name``: the name moved, when it is not the one the lines write (a line without a
    domain or a variant read by a name with them)."""
    if not added:
        return None
    moved, target, path = move or (None, None, None)
    lawful = len(added) == 1 and target is not None and same(added[0].target, target)
    if moved is not None and same(before[-1].target, moved) and lawful:
        return None
    entry = added[0]
    lock_name = Path(head.name).name
    line, column = locate(path) if path else (entry.line, 1)
    subject = name or entry.slug
    if len(added) > 1 or (target is not None and not same(entry.target, target)):
        message = (
            f"{subject!r} gets {len(added)} new line(s) in {lock_name}, not the one "
            "move links.yaml declares"
        )
        hint = f"restore {lock_name} from the base branch, then run 'shortlinks lock'"
    elif name is not None:
        message = (
            f"the line '{entry.slug} {entry.target}' in {lock_name} repoints {name!r} "
            f"from {before[-1].target} to {entry.target} without 'repoint_from'"
        )
        hint = (
            f"take the line out, or {_override(name, before[-1].target)} and run 'shortlinks lock'"
        )
    else:
        message = (
            f"{entry.slug!r} is repointed in {lock_name} from "
            f"{before[-1].target} to {entry.target} without 'repoint_from'"
        )
        hint = f"{_override(entry.slug, before[-1].target)}, or keep its target"
    return Problem(
        line, column, ERROR, message, hint, file=file if path else head.name, rule="lock-edited"
    )


@dataclass
class Update:
    text: str
    added: list[str]
    moved: list[str]
    refused: list[Problem]


def update(linkset: LinkSet, lock: Lock | None, locate: Locate, file: str) -> Update:
    """The lock with everything ``linkset`` publishes recorded: new names added, a new
    target recorded only where links.yaml says ``repoint_from: <its locked target>``."""
    before = lock.entries if lock else {}
    entries = {k: list(v) for k, v in before.items()}
    added: list[str] = []
    moved: list[str] = []
    refused = _domain_problems(linkset, lock, locate, file) if lock else []
    only = only_domain(linkset.site)
    for name, target, moved_from, path in _published(linkset):
        forms, own = _forms(name, only)
        was = _resolve(before, forms)  # what is published
        now = _resolve(entries, forms)  # and with what this update recorded so far
        if was is None:  # a new name (a new link's device: unless it says what its link does)
            if now is None or not same(now[2][-1].target, target):
                lines = entries.setdefault(key(name), [])
                if moved_from is not None and not same(moved_from, target) and not lines:
                    # published before the lock recorded it (docs/security.md: the base's
                    # links.yaml stood for its line): 'repoint_from' names where it was, and
                    # that line stays the record after the merge, oldest first
                    lines.append(Entry(name, moved_from, 0))
                lines.append(Entry(name, target, 0))
                added.append(name)
            continue
        i, k, history = was
        if same(history[-1].target, target):
            if now is not None and not same(now[2][-1].target, target):
                # the name it continues moves on in this update; it stays: said on its own
                entries.setdefault(key(name), []).append(Entry(name, target, 0))
            continue
        if moved_from is None or not same(history[-1].target, moved_from):
            line, column = locate(path)
            said = _moved_silently(name, history[-1].target, target)
            refused.append(Problem(line, column, ERROR, *said, file=file, rule="lock-moved"))
            continue
        if i < own:  # its own lines (either spelling of a one-domain site's): one more
            entries[k].append(Entry(name if k == key(name) else history[-1].slug, target, 0))
        else:  # it continued another name's lines: its first own line
            entries.setdefault(key(name), []).append(Entry(name, target, 0))
        moved.append(name)
    lines = [HEADER]
    for k in sorted(entries):
        lines.extend(f"{e.slug} {e.target}\n" for e in entries[k])
    return Update("".join(lines), added, moved, refused)


def reserved_keys(slug: str, domains: Collection[str], site: Site) -> list[str]:
    """The keys whose lines hold ``slug`` on ``domains`` (none: the default domain): a
    slug any of them names was published, and is never given to a new link (add.py)."""
    several = len(site.domains) > 1
    names = [f"{slug}@{d}" for d in (domains or (site.domains[0].name,))] if several else [slug]
    only = None if several else only_domain(site)
    return [k for name in names for k in _forms(name, only)[0]]


def own_keys(slug: str, domains: Collection[str], site: Site) -> list[str]:
    """The keys of ``slug``'s own lines on ``domains`` (none: the default domain), not
    those it continues: two slugs with one of these are one name to the lock."""
    several = len(site.domains) > 1
    names = [f"{slug}@{d}" for d in (domains or (site.domains[0].name,))] if several else [slug]
    only = None if several else only_domain(site)
    found = []
    for name in names:
        forms, own = _forms(name, only)
        found += forms[:own]
    return found


def reserved(links_file: Path) -> set[str]:
    """Keys (``key``) of the slugs published before: links.lock beside ``links_file``, its
    lines taken or not. A new link never gets one of them (add, import)."""
    locked = read(lock_path(links_file))
    return set(locked.entries) if locked is not None else set()


def loaded(links_file: Path) -> tuple[Document | None, LinkSet | None, list[Problem]]:
    """``links_file`` read and validated, its document kept (the lock's messages place
    slugs with it), without the lock's own check: ``relock`` is there to bring the lock
    up to date, so a lock that is behind must not stop it."""
    from .validate import validate

    doc, problems = load.load_file(links_file)
    linkset, more = validate(doc) if doc is not None else (None, [])
    return doc, linkset, sorted(problems + more)


@dataclass
class Relock:
    """What ``shortlinks lock`` does: ``problems`` to show; ``error``: it fails with that
    (and writes nothing); else ``text`` (None: nothing to write) and what to say."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    text: str | None = None
    said: str = ""


def relock(links_file: Path, verify: bool = False) -> Relock:
    """Bring the lock beside ``links_file`` up to date with what it publishes (``update``).
    ``verify``: write nothing, and fail only when a move is not recorded yet: a new link
    needs no line, since a pull request's check reads it from the base's links.yaml."""
    path = lock_path(links_file)
    doc, linkset, problems = loaded(links_file)
    if linkset is None or doc is None:
        return Relock(path, problems, f"fix {links_file} first; {path.name} was not written")
    locked = read(path)
    if locked is not None and locked.problems:
        return Relock(path, locked.problems, f"{path.name} was not written")
    up = update(linkset, locked, doc.locate, str(links_file))
    if up.refused:
        return Relock(path, up.refused, f"{path.name} was not written")
    if not up.added and not up.moved and locked is not None:
        return Relock(path, said=f"{path}: up to date ({len(locked.entries)} slugs)")
    said = f"{len(up.added)} new slug(s)"
    if up.moved:
        said += f", {len(up.moved)} moved ({', '.join(up.moved)})"
    if verify and up.moved:
        return Relock(path, error=f"{path} is behind {links_file}: {said}; run 'shortlinks lock'")
    if verify:
        return Relock(
            path, said=f"{path}: no move to record ({said} not recorded, which none needs)"
        )
    return Relock(path, text=up.text, said=f"{path}: recorded {said}")
