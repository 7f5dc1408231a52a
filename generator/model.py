"""The validated model of a links file: plain frozen values, no behaviour.

Everything downstream of validation (planning, rendering, writing) works on
these, so it never has to ask whether a value was present, of the right type or
in the right time zone.
"""

from __future__ import annotations

import hashlib
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import datetime
from enum import Enum
from typing import Literal, TypeVar

T = TypeVar("T", bound=type)

PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 307})
ALLOWED_STATUS = PERMANENT | TEMPORARY
DEFAULT_STATUS = 302


def quick_init(cls: T) -> T:
    """``cls`` (a frozen, slotted dataclass) with an ``__init__`` of the same signature that
    sets each slot through its own descriptor, where the dataclass's goes through
    ``object.__setattr__`` by name: half the cost, for classes made a million times at a
    million links (tests/test_plan.py compares both on every field).

    A class of many fields (Link) is quicker still made as its mutable twin (the same
    slots, no __setattr__ of its own), whose slots Python sets at once, then turned into
    itself: at 24 fields, 0.45 us against 1.1 us."""
    names, params, setters = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: a default factory is not supported")
        names.append(f.name)
        params.append(f.name if f.default is MISSING else f"{f.name}=_d_{f.name}")
        setters[f"_d_{f.name}"] = f.default
        setters[f"_s_{f.name}"] = cls.__dict__[f.name].__set__
    # the setters are the closure's cells (quicker to reach than globals)
    body = "".join(f"        _s_{name}(self, {name})\n" for name in names)
    if len(names) >= _TWIN_FROM:
        setters["_cls"] = cls
        setters["_twin"] = type(f"_{cls.__name__}Twin", (), {"__slots__": tuple(names)})
        setters["_set"] = object.__setattr__
        sets = "".join(f"            self.{name} = {name}\n" for name in names)
        body = (
            "        if self.__class__ is _cls:  # (a subclass may have more slots)\n"
            "            _set(self, '__class__', _twin)\n"
            f"{sets}"
            "            self.__class__ = _cls\n"
            "            return\n"
            f"{body}"
        )
    source = (
        f"def make({', '.join(setters)}):\n"
        f"    def __init__(self, {', '.join(params)}):\n{body}"
        "    return __init__\n"
    )
    namespace: dict = {}
    exec(source, {}, namespace)  # as dataclasses makes its __init__
    init = namespace["make"](**setters)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[misc]
    return cls


_TWIN_FROM = 8  # fields: with fewer, turning an object into its twin and back costs more


class State(str, Enum):
    """Where a link stands at the build's ``now``."""

    active = "active"
    scheduled = "scheduled"  # before ``starts``
    expired = "expired"  # at or after ``expires``


@quick_init
@dataclass(frozen=True, slots=True)  # a million of them at a million links
class Target:
    """A validated destination URL.

    ``url`` is the form every output uses: ASCII only (IDN host in punycode,
    other characters percent-encoded), so it is safe in an HTTP Location header
    and in every rule file. ``display`` is what the user wrote, for people.
    """

    url: str
    display: str

    @property
    def opens_app(self) -> bool:
        """An app's URL (tel:, an app's scheme, a mini-program: apps.py), not a web page's:
        every web target is http(s)."""
        return self.url[:4] != "http"


# The platforms a link may name a target for, in the order a page tests the user agent:
# WeChat first (its in-app browser also says iPhone or Android), then the systems.
PLATFORMS = ("wechat", "ios", "android", "desktop")


@dataclass(frozen=True, slots=True)
class Distributor:
    """One person a campaign hands its own tracked link to."""

    code: str  # in the slug and the tracking parameter
    name: str  # for people: the QR sheet, ``list --campaign``


@quick_init
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
    open_in_browser: bool = False  # inside an app's in-app browser, leave it for the browser
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # labels for people and tools (shortlinks list --tag)
    forward_query: bool = True
    expired: Target | None = None  # where to go once expired
    # the target it was published with, when it is moved on deliberately (lock.py)
    repoint_from: Target | None = None
    # the short domains it is served on (site.domains); empty when the site names none
    domains: tuple[str, ...] = ()
    # per-platform targets, chosen on its page by user agent: (platform, target), in
    # PLATFORMS order; the link's own target serves every other visitor
    devices: tuple[tuple[str, Target], ...] = ()
    # per-language targets, chosen on its page by navigator.languages: (BCP 47 tag, as
    # written in its canonical case, target), in the order written; a device target wins
    languages: tuple[tuple[str, Target], ...] = ()
    # per-country targets, chosen by an edge rule on the hosts that have one (a page cannot
    # know the country): (ISO 3166-1 alpha-2 code, target), in the order written
    countries: tuple[tuple[str, Target], ...] = ()
    # rotation and A/B (variants:): (target, weight) each, weights positive; the page picks
    # one by weight and keeps a visitor on it; ``target`` is the first (the no-JS fallback);
    # never with languages, devices or a password (validation)
    variants: tuple[tuple[Target, int], ...] = ()
    password: str | None = None  # its page asks for it; the target is only stored encrypted
    # a link that opens an app (its target a tel:, mailto:, sms: or site.app_schemes URL, or
    # a WeChat mini-program's weixin:// one): where a visitor goes when the app does not open,
    # and what a desktop is offered beside the QR code (docs/links-yaml.md, "Apps")
    fallback: Target | None = None
    counted: bool = False  # its page sends one analytics beacon (site.analytics)
    campaign: str | None = None  # the campaign that made it (campaigns:), and for whom
    distributor: Distributor | None = None
    # where it is written in links.yaml, for messages of later stages (lock.py);
    # empty: ("links", slug)
    source: tuple[object, ...] = ()

    @property
    def slugs(self) -> tuple[str, ...]:
        return (self.slug, *self.aliases)

    @property
    def has_card(self) -> bool:
        """Chat apps and social sites draw a preview card from the page's tags."""
        return bool(self.title or self.description or self.image)

    @property
    def opens_app(self) -> bool:
        """Its target is an app's URL, not a web page's (every web target is http(s))."""
        return self.target.opens_app

    @property
    def needs_page(self) -> bool:
        """Served by its page, never by an edge rule, while active: crawlers read a card
        only from a page (they follow an HTTP redirect to the target and read the
        target's tags); the in-app-browser hint and the device choice need the visitor's
        user agent, and the language choice its languages (Vercel, nginx, Apache and Caddy
        also choose by language at the edge, Netlify for some first languages:
        ``by_language_only``);
        a password is asked by the page (no rule may hold the target); and a counted click
        is counted by the page's beacon; variants are picked by the page; an app is opened
        by the page, which falls back or shows a QR code (no rule can know it opened)."""
        return (
            self.has_card
            or self.opens_app
            or self.open_in_browser
            or bool(self.devices)
            or bool(self.languages)
            or bool(self.variants)
            or self.password is not None
            or self.counted
        )

    @property
    def by_language_only(self) -> bool:
        """Its page is needed for its languages alone: a host that matches the visitor's
        Accept-Language can answer it with edge rules (rules.language_rules)."""
        return bool(self.languages) and not (
            self.has_card
            or self.opens_app
            or self.open_in_browser
            or self.devices
            or self.variants
            or self.password is not None
            or self.counted
        )

    @property
    def name(self) -> str:
        """How links.yaml names it: its key (``slug``, or ``slug@domain``); a campaign's
        link, by its slug. What ``diff`` compares links by."""
        key = self.source[1] if self.source and self.source[0] == "links" else None
        return key if isinstance(key, str) else self.slug

    @property
    def path(self) -> tuple[object, ...]:
        """Where the link is written in links.yaml (a campaign's links: its distributor)."""
        return self.source or ("links", self.slug)


@dataclass(frozen=True)
class Domain:
    """One short domain of the site: its own folder, CNAME, rule files, 404 and landing."""

    name: str  # lowercase, punycode
    home: Target | None = None  # where its '/' goes (default: site.home)
    # where its '/' went when it is moved on deliberately (links.lock: lock.py)
    home_repoint_from: Target | None = None


ANALYTICS = ("goatcounter", "plausible", "umami")


@dataclass(frozen=True)
class Analytics:
    """Click counts: one beacon a redirect, to a privacy-friendly counter (analytics.py)."""

    provider: str  # one of ANALYTICS
    site: str  # GoatCounter's code, Plausible's site domain, Umami's website id
    endpoint: str  # the URL the beacon is sent to


@dataclass(frozen=True)
class QrStyle:
    """How the site's QR codes look (``site.qr`` written as a mapping): the colour of the
    dark modules, of the light ones and the quiet zone, in modules. Validation has made
    sure a reader can still tell them apart (docs/links-yaml.md, ``qr``)."""

    dark: str = "#000000"  # '#rrggbb', lowercase
    light: str = "#ffffff"
    quiet_zone: int = 4  # ISO/IEC 18004's quiet zone
    # a PNG drawn at the centre, on a plate of the light colour, its side this share of the
    # code's (quiet zone left out); error correction is then H, which recovers what it hides
    logo: bytes | None = field(default=None, repr=False)
    logo_size: float = 0.2

    @property
    def level(self) -> str:
        """segno's error correction level: H (30%) under a logo, else M (15%)."""
        return "h" if self.logo else "m"

    @property
    def recipe(self) -> str:
        """What a cached code made in this style is keyed by (qr.QrCache)."""
        out = f"dark {self.dark}; light {self.light}; border {self.quiet_zone}"
        if self.logo:
            digest = hashlib.sha256(self.logo).hexdigest()
            out += f"; logo {digest} {self.logo_size}"
        return out


@dataclass(frozen=True)
class Site:
    domain: str | None = None  # the default domain (the first of ``domains``)
    timezone: str = "UTC"
    home: Target | None = None
    status: int = DEFAULT_STATUS
    hosts: tuple[str, ...] = ()  # empty: every host
    # (host, plan) for hosts whose caps depend on the plan (site.plans); others: the default
    plans: tuple[tuple[str, str], ...] = ()
    language: str = "en"  # the pages' words (generator/i18n.py)
    links_json: bool = True  # publish links.json (it lists every slug)
    # QR codes: True, drawn on each preview page by the shared qr.js; "files", per-link
    # files in _qr/ as well (for users who link to the image); False, none
    qr: bool | Literal["files"] = True
    # the codes' colours and quiet zone when site.qr says so; None: black on white with a
    # quiet zone of 4 modules, the codes (and the files) as they always were
    qr_style: QrStyle | None = None
    # previews at '/<slug>+': True, one shared page drawing each from shared data files
    # (generator/previews.py); "files", a page a link ('<slug>+.html')
    preview: Literal[True, "files"] = True
    # target domains refused, and (when given) the only ones accepted (abuse.py)
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()
    # every short domain, the default first; empty when the site names none or one with
    # 'domain:' (one site, built straight into the output folder)
    domains: tuple[Domain, ...] = ()
    analytics: Analytics | None = None
    # where '/' went when site.home is moved on deliberately (links.lock: lock.py)
    home_repoint_from: Target | None = None
    # where a link that expires goes once expired when it names no 'expired' of its own
    # (validation gives it to such links: downstream, a link's 'expired' is the effective one)
    expired: Target | None = None
    # where an unknown slug goes once the 404 page's finder has nothing to offer
    not_found: Target | None = None
    # named utm templates (site.utm): (name, ((field, value), ...)), as written
    utm: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # the app schemes links may open besides tel:, mailto: and sms: (site.app_schemes),
    # lowercase, as written
    app_schemes: tuple[str, ...] = ()

    @property
    def base_url(self) -> str | None:
        return f"https://{self.domain}" if self.domain else None

    @property
    def several(self) -> bool:
        """Whether the build writes one folder per domain (``site.domains``)."""
        return bool(self.domains)


@dataclass(frozen=True)
class Campaign:
    """A ``campaigns:`` entry: one target, one tracked link a distributor."""

    name: str
    target: Target  # without the tracking parameters
    pattern: str  # the slug pattern, '{code}' in it
    line: int
    slugs: tuple[str, ...] = ()  # the links it made, in its distributors' order


@dataclass(frozen=True)
class LinkSet:
    """A whole validated links file."""

    site: Site
    links: tuple[Link, ...] = field(default_factory=tuple)
    campaigns: tuple[Campaign, ...] = ()

    def on(self, domain: Domain) -> LinkSet:
        """The site of one domain: its links, its name and landing page (build.py)."""
        site = replace(
            self.site, domain=domain.name, home=domain.home or self.site.home, domains=()
        )
        links = tuple(link for link in self.links if domain.name in link.domains)
        return LinkSet(site, links, self.campaigns)
