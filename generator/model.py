"""The validated model of a links file: plain frozen values, no behaviour.

Everything downstream of validation (planning, rendering, writing) works on
these, so it never has to ask whether a value was present, of the right type or
in the right time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 307})
ALLOWED_STATUS = PERMANENT | TEMPORARY
DEFAULT_STATUS = 302


class State(str, Enum):
    """Where a link stands at the build's ``now``."""

    active = "active"
    scheduled = "scheduled"  # before ``starts``
    expired = "expired"  # at or after ``expires``


@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Target:
    """A validated destination URL.

    ``url`` is the form every output uses: ASCII only (IDN host in punycode,
    other characters percent-encoded), so it is safe in an HTTP Location header
    and in every rule file. ``display`` is what the user wrote, for people.
    """

    url: str
    display: str


@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Link:
    slug: str
    target: Target
    line: int  # where the link is defined, for messages from later stages
    status: int = DEFAULT_STATUS
    starts: datetime | None = None  # aware; active from this instant
    expires: datetime | None = None  # aware; expired from this instant on
    title: str | None = None
    description: str | None = None  # shown on the preview page and in link previews
    image: Target | None = None  # the picture of a link preview (Open Graph)
    open_in_browser: bool = False  # inside WeChat/QQ, ask to open in the browser instead
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # labels for people and tools (shortlinks list --tag)
    forward_query: bool = True
    expired: Target | None = None  # where to go once expired
    # the target it was published with, when it is moved on deliberately (lock.py)
    repoint_from: Target | None = None

    @property
    def slugs(self) -> tuple[str, ...]:
        return (self.slug, *self.aliases)

    @property
    def has_card(self) -> bool:
        """Chat apps and social sites draw a preview card from the page's tags."""
        return bool(self.title or self.description or self.image)

    @property
    def needs_page(self) -> bool:
        """Served by its page, never by an edge rule, while active: crawlers read a card
        only from a page (they follow an HTTP redirect to the target and read the
        target's tags), and the in-app-browser hint needs the visitor's user agent."""
        return self.has_card or self.open_in_browser


@dataclass(frozen=True)
class Site:
    domain: str | None = None
    timezone: str = "UTC"
    home: Target | None = None
    status: int = DEFAULT_STATUS
    hosts: tuple[str, ...] = ()  # empty: every host
    language: str = "en"  # the pages' words (generator/i18n.py)
    links_json: bool = True  # publish links.json (it lists every slug)
    qr: bool = True  # QR code files for every link (and on its preview page)
    # target domains refused, and (when given) the only ones accepted (abuse.py)
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()

    @property
    def base_url(self) -> str | None:
        return f"https://{self.domain}" if self.domain else None


@dataclass(frozen=True)
class LinkSet:
    """A whole validated links file."""

    site: Site
    links: tuple[Link, ...] = field(default_factory=tuple)
