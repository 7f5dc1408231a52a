"""HTML pages, rendered through Jinja with autoescaping on.

Templates live in the top-level ``templates/`` folder (inside the package once
installed); ``--templates DIR`` puts a user's folder first, so a user overrides
one template without copying the rest.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring as _json_text  # type: ignore[attr-defined]
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import analytics, apps, finder, i18n, secret
from .model import Link, State, Target
from .plan import Entry, Plan
from .skeleton import Skeletons
from .times import zone
from .urls import quote_path

_PACKAGE = Path(__file__).resolve().parent


def builtin_templates() -> Path:
    """The bundled templates: inside the installed package, or at the repo's top level."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "redirect.html").is_file():
            return candidate
    raise FileNotFoundError("the bundled templates are missing: reinstall shortlinks")


def environment(user_templates: Path | None = None) -> jinja2.Environment:
    paths = [str(user_templates)] if user_templates else []
    paths.append(str(builtin_templates()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=True,  # every template, whatever its extension: .js is included in HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # tojson keeps non-ASCII text as it is (a Chinese character is 3 bytes, not a 6-byte
    # \uXXXX escape): pages stay small. It still escapes '<', '>', '&' and "'".
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    # The bundled templates render through skeletons (skeleton.py), proved equal to Jinja;
    # a user's templates always through Jinja, which knows what they do with each value.
    env.policies["shortlinks.skeletons"] = user_templates is None
    return env


# The site's shared files (the views a page shows in its own place, their style): a '_'
# folder cannot collide with a slug (slugs.py reserves it).
SHARED_FOLDER = "_shortlinks"
# The views of templates/views.js, loaded by a page only when it shows one (_view.js).
VIEWS = f"{SHARED_FOLDER}/views.js"
# style.css as a file, for the pages that carry no style of their own (the redirect page).
STYLE = f"{SHARED_FOLDER}/style.css"
# The QR encoder that draws a link's code on its preview page (templates/qr.js, as it is).
QR_SCRIPT = f"{SHARED_FOLDER}/qr.js"
# site.qr's logo, which qr.js draws into each preview's code (as it is: a PNG check read)
QR_LOGO = f"{SHARED_FOLDER}/qr-logo.png"
# The shared preview (the default, unless site.preview is 'files'): one page that hosts with
# a pattern rule answer '/<slug>+' with, its script (which the 404 page loads too), and the
# shards of the previews' records (generator/previews.py).
PREVIEW_PAGE = f"{SHARED_FOLDER}/preview.html"
PREVIEW_SCRIPT = f"{SHARED_FOLDER}/preview.js"
PREVIEW_SHARDS = f"{SHARED_FOLDER}/previews"


def _ms(at: datetime | None) -> int | None:
    """An instant as the visitor's clock counts it (Date.now(): ms since 1970 UTC)."""
    return None if at is None else int(at.timestamp() * 1000)


def _source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# the style and the fixed scripts: the same on every page
sha256_source = functools.lru_cache(maxsize=256)(_source)
sha256_source.__doc__ = """A CSP source for one inline script or style (its exact text, UTF-8)."""


def policy(
    scripts: list[str], styles: list[str], connect: str | None = None, shared: bool = False
) -> str:
    """The page's Content-Security-Policy: nothing but its own inline code, by hash, so an
    injected script could not run even if escaping failed somewhere. ``connect``: the one
    origin a click-count beacon may go to (site.analytics). ``shared``: the page may load
    the site's shared script (views.js) and, having no style of its own, the shared style:
    'self', files of the site itself, which only the build writes."""
    parts = ["default-src 'none'"]
    self_ = ["'self'"] if shared else []
    if scripts or shared:
        parts.append("script-src " + " ".join([*(sha256_source(s) for s in scripts), *self_]))
    if styles or shared:
        parts.append("style-src " + " ".join([sha256_source(s) for s in styles] or self_))
    if connect:
        parts.append(f"connect-src {connect}")
    # images from the site itself (a logo in an overridden template) and data: URLs
    parts += ["img-src 'self' data:", "base-uri 'none'", "form-action 'none'"]
    return "; ".join(parts)


# makes a plain redirect page: target, slug, expires, expired (Pages._plain_maker)
_Plain = Callable[[Target, str, datetime | None, Target | None], bytes]


def _one_script(page_fill: Callable[[list[object]], str], script: Markup, csp: Markup) -> _Plain:
    """The plain pages of a shape whose script is the same on every page (``script``, which
    ``csp`` allows: made once): only each page's own values filled in (Pages._plain_maker)."""

    def plain(target: Target, slug: str, expires: datetime | None, expired: Target | None) -> bytes:
        html = page_fill([target.url, target.display, script, csp])
        return (html.rstrip("\n") + "\n").encode("utf-8")

    return plain


class Pages:
    """Renders every page of one plan; pure (no clock, no disk writes)."""

    def __init__(self, plan: Plan, env: jinja2.Environment) -> None:
        self.plan = plan
        self.env = env
        self.tz = zone(plan.site.timezone)
        site = plan.site
        self.language = site.language
        self.t = i18n.messages(site.language)
        self.common = {
            "lang": i18n.HTML_LANG[site.language],
            "t": self.t,
            "domain": site.domain,
            "home_url": site.home.url if site.home else "/",
        }
        # the counter of site.analytics: the same on every page, so a fixed value too
        counter = site.analytics
        self.common["analytics"] = (
            {"provider": counter.provider, "endpoint": counter.endpoint, "site": counter.site}
            if counter
            else None
        )
        self._counter = analytics.origin(counter.endpoint) if counter else None
        # the same on every page, so one of the fixed values (skeleton.py)
        self._style = Markup(env.get_template("style.css").render(**self.common).strip())
        self.common["style"] = self._style
        self._skeletons = (
            Skeletons(env, self.common) if env.policies.get("shortlinks.skeletons", False) else None
        )
        # each kind of page's policy around its script's hash, the same on every page of it
        self._policies: dict[tuple, tuple[str, str]] = {}
        self._said: dict[tuple[datetime, bool], str] = {}  # _when, once an instant
        self._counted: dict[datetime, int] = {}  # _ms, once an instant
        # the plain redirect pages' makers, one a shape (None: the usual way: _plain_key)
        self._plain: dict[tuple[bool, bool, bool], _Plain | None] = {}
        # redirect.js may read the target from the page's canonical link only in the
        # bundled redirect.html, which writes it before the script: an overridden page may
        # name another URL there, or none
        redirect_page = env.get_template("redirect.html").filename
        self._bundled_redirect = (
            redirect_page is not None
            and Path(redirect_page).resolve().parent == builtin_templates().resolve()
        )

    def _policy(
        self, script: Markup | None, styled: bool, connect: str | None, shared: bool
    ) -> str:
        """``policy`` for one page: the text around the script's hash made once a kind of
        page, the hash of a script made for one page not kept (``sha256_source`` keeps
        the fixed ones)."""
        key = (script is None, styled, connect, shared)
        around = self._policies.get(key)
        if around is None:
            text = policy(
                [script] if script else [], [self._style] if styled else [], connect, shared
            )
            if script is None:
                around = (text, "")
            else:
                before, hashed, after = text.partition(_source(script))
                assert hashed and _source(script) not in after
                around = (before, after)
            self._policies[key] = around
        if script is None:
            return around[0]
        return around[0] + _source(script) + around[1]

    def _template(self, name: str, values: dict[str, object]) -> str:
        if self._skeletons is not None:
            return self._skeletons.render(name, values)
        return self.env.get_template(name).render(**self.common, **values)

    def _inline(self, name: str, **values: object) -> Markup:
        """A script or style rendered on its own, to be inlined and hashed into the CSP."""
        return Markup(self._template(name, values).strip())

    def _render(
        self,
        name: str,
        script: Markup | None = None,
        styled: bool = True,
        counted: bool = False,
        shared: bool = False,
        connect_self: bool = False,
        **values: object,
    ) -> bytes:
        """``counted``: the page's script sends a beacon, which its policy must allow;
        ``shared``: it may load the site's shared scripts (``policy``); ``connect_self``:
        it fetches the site's own files (the shared preview's shards)."""
        connect = self._counter if counted else None
        if connect_self:  # the site itself first, then the counter (the 404 page: both)
            connect = f"'self' {connect}" if connect else "'self'"
        values["script"] = script
        # hashes, fixed words and a validated origin: nothing in it needs escaping
        values["csp"] = Markup(self._policy(script or None, styled, connect, shared))
        html = self._template(name, values)
        return (html.rstrip("\n") + "\n").encode("utf-8")

    def _when(self, at: datetime, end: bool = False) -> str:
        key = (at, end)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = i18n.describe(at, self.tz, self.language, end=end)
        return said

    def _ms(self, at: datetime) -> int:
        """``_ms``, once an instant (an aware datetime's timestamp is slow to make)."""
        ms = self._counted.get(at)
        if ms is None:
            ms = self._counted[at] = int(at.timestamp() * 1000)
        return ms

    def redirect(
        self,
        target: Target,
        title: str | None,
        forward_query: bool,
        expires: datetime | None = None,
        expired: Target | None = None,
        link: Link | None = None,
        slug: str | None = None,
        counted: bool = False,
    ) -> bytes:
        """A page that redirects; with ``expires``, one that checks the visitor's clock first;
        with ``link``, one that carries its preview card, in-app-browser hint and device
        targets (chosen by the visitor's user agent; 'target' for every other visitor);
        ``counted``, one that sends a click-count beacon first (site.analytics)."""
        counted = counted and self._counter is not None
        plain = self._plain_key(target, counted, expires, expired, link)
        if plain is not None and plain in self._plain:
            fast = self._plain[plain]
            if fast is not None:
                return fast(target, link.slug, expires, expired)  # type: ignore[union-attr]
            plain = None  # a shape that keeps the usual way
        # a link that opens an app (its target an app's URL, not a web page's: apps.py)
        opens = link is not None and link.opens_app
        # the expired page it shows in place once expired, unless it has somewhere to go
        expired_at = self._when(expires, end=True) if expires and expired is None else None
        card = self._card(link, slug) if link is not None and link.has_card else None
        fallback = link.fallback if link is not None and opens else None
        # the page's canonical link is the target (redirect.html): the script reads it there
        canonical = self._bundled_redirect and not (card and card["url"]) and fallback is None
        values = self._script_values(
            target,
            title,
            forward_query,
            expires,
            expired,
            link,
            slug,
            counted,
            opens,
            expired_at,
            canonical,
        )
        script = self._inline("redirect.js", **values)
        shared = expired_at is not None or opens or (link is not None and link.open_in_browser)
        page = {
            "target": target,
            "title": title,
            "card": card,
            "fallback": fallback,
            "opens_app": opens and link is not None and target is link.target,
        }
        made = self._render(
            "redirect.html", script=script, styled=False, counted=counted, shared=shared, **page
        )
        if plain is not None:
            assert link is not None
            first = (target, link.slug, expires, expired, made)
            self._plain[plain] = self._plain_maker(values, page, shared, first)
        return made

    def _script_values(
        self,
        target: Target,
        title: str | None,
        forward_query: bool,
        expires: datetime | None,
        expired: Target | None,
        link: Link | None,
        slug: str | None,
        counted: bool,
        opens: bool,
        expired_at: str | None,
        canonical: bool,
    ) -> dict[str, object]:
        """What redirect.js is rendered with (``redirect``'s arguments; ``opens``: the link
        opens an app; ``expired_at``: the text of its expiry, when its page shows that in
        place; ``canonical``: the page's canonical link is the target, which the script
        reads there), in the order its skeleton reads them."""
        return {
            "beacon": counted,
            "target": target,
            "canonical": canonical,
            "devices": {p: t.url for p, t in link.devices}
            if link is not None and link.devices
            else None,
            # matched in lower case (tags ignore case: RFC 5646, 2.1.1)
            "languages": {g.lower(): t.url for g, t in link.languages}
            if link is not None and link.languages
            else None,
            "variants": [[t.url, w] for t, w in link.variants]
            if link is not None and link.variants
            else None,
            "variants_key": link.slug if link is not None else None,
            "forward_query": forward_query,
            "expires_ms": None if expires is None else self._ms(expires),
            "expired_url": expired.url if expired else None,
            "title": title,
            "expired_at": expired_at,
            # in-app browsers (WeChat, QQ, Instagram...): the open-in-your-browser view, in place
            "hint": link is not None and link.open_in_browser,
            "app": self._app(link, slug) if opens else None,
        }

    def _plain_key(
        self,
        target: Target,
        counted: bool,
        expires: datetime | None,
        expired: Target | None,
        link: Link | None,
    ) -> tuple[bool, bool, bool] | None:
        """The shape of a plain redirect page (a link's own, with no card, choice, view,
        beacon or app: most links): (forward_query, expires, expired); None for any other
        page, which renders through ``Skeletons.render``. The values that would change the
        shape besides (an empty text, an instant at 0 ms) are left to ``render`` too."""
        if (
            link is None
            or counted
            or self._skeletons is None
            or target is not link.target
            or link.needs_page
            or link.title is not None
            or not target.display
            or (expires is not None and not self._ms(expires))
        ):
            return None
        return (link.forward_query, expires is not None, expired is not None)

    def _plain_maker(
        self,
        values: dict[str, object],
        page: dict[str, object],
        shared: bool,
        first: tuple[Target, str, datetime | None, Target | None, bytes],
    ) -> _Plain | None:
        """The plain pages of one shape (``_plain_key``) filled straight into the two
        skeletons that ``values`` (the script's) and ``page`` have, without reading each
        page's shape again: a third of the time of a redirect page at 100,000 links. A
        script that reads none of a page's own values (the target from the canonical link,
        no expiry) is the same on every page of the shape: it and its CSP are made once.
        The first page of the shape (``first``: its arguments, then the page made the
        usual way) is made this way too and must come out the same, else None: the shape
        keeps the usual way."""
        skeletons = self._skeletons
        assert skeletons is not None
        script_fill = skeletons.fill_of("redirect.js", values)
        page_fill = skeletons.fill_of(
            "redirect.html", {**page, "script": Markup("x"), "csp": Markup("x")}
        )
        if script_fill is None or page_fill is None:
            return None
        policy, when, ms = self._policy, self._when, self._ms

        def own(
            target: Target, slug: str, expires: datetime | None, expired: Target | None
        ) -> list[object]:
            """The script's values of one page, in the order Skeletons.render reads them
            (fill_of)."""
            found: list[object] = [target.url, target.display, slug]
            if expires is not None:
                found.append(ms(expires))
                found.append(expired.url if expired is not None else when(expires, end=True))
            return found

        def each(
            target: Target, slug: str, expires: datetime | None, expired: Target | None
        ) -> bytes:
            script = Markup(script_fill(own(target, slug, expires, expired)).strip())
            csp = Markup(policy(script, False, None, shared))
            html = page_fill([target.url, target.display, script, csp])
            return (html.rstrip("\n") + "\n").encode("utf-8")

        make: _Plain = each
        found = own(*first[:4])
        # the script made of other values than the first page's is the same: it reads none
        if script_fill(found) == script_fill([f"{v}!" for v in found]):
            script = Markup(script_fill(found).strip())
            make = _one_script(page_fill, script, Markup(policy(script, False, None, shared)))
        return make if make(*first[:4]) == first[4] else None

    def _card(self, link: Link, slug: str | None) -> dict[str, str | None]:
        """The preview card of a link's page (Open Graph and Twitter tags)."""
        base = self.plan.site.base_url
        return {
            "description": link.description,
            "image": link.image.url if link.image else None,
            "url": f"{base}/{quote_path(slug or link.slug)}" if base else None,
        }

    def _app(self, link: Link, slug: str | None) -> list[object]:
        """What _app.js reads of a link that opens an app: [fallback, short URL (None: the
        page's own address), title, whether every phone has its app]."""
        base = self.plan.site.base_url
        short = f"{base}/{quote_path(slug or link.slug)}" if base else None
        builtin = link.target.url.partition(":")[0] in apps.BUILTIN
        return [link.fallback.url if link.fallback else None, short, link.title, builtin]

    def entry(self, entry: Entry) -> bytes:
        """The page at ``/<slug>``: a redirect, or a page saying why there is none."""
        link = entry.link
        dest = entry.destination
        if entry.state is State.active and link.password is not None:
            return self.locked(entry)
        if entry.state is State.active:
            return self.redirect(
                link.target,
                link.title,
                link.forward_query,
                link.expires,
                link.expired,
                link=link,
                slug=entry.slug,
                counted=link.counted,
            )
        if dest is not None:  # expired, with an 'expired:' URL
            return self.redirect(dest, link.title, link.forward_query, counted=link.counted)
        if entry.state is State.expired:
            return self.expired(entry)
        assert link.starts is not None
        return self._render(
            "scheduled.html",
            script=self._inline(
                "scheduled.js", starts_ms=_ms(link.starts), soon=self.t["scheduled_soon"]
            ),
            slug=entry.slug,
            title=link.title,
            starts_at=self._when(link.starts),
        )

    def expired(self, entry: Entry) -> bytes:
        """The expired page, at the slug once the build finds the link expired (before that,
        its redirect page shows the same words in place: views.js)."""
        link = entry.link
        assert link.expires is not None
        return self._render(
            "expired.html",
            slug=entry.slug,
            title=link.title,
            expired_at=self._when(link.expires, end=True),
        )

    def locked(self, entry: Entry) -> bytes:
        """The page of a link with a password: it asks for the password, and holds the
        target and the device targets only encrypted (secret.py), never in the clear: no
        canonical link, no meta refresh. The expired URL is public: it stays as it is."""
        link = entry.link
        assert link.password is not None
        sealed = secret.seal(
            link.password,
            # the link's own slug: its aliases' pages share its key, derived once
            secret.salt(self.plan.site.domain, link.slug),
            secret.payload(link.target.url, ((p, t.url) for p, t in link.devices)),
        )
        counted = link.counted and self._counter is not None
        expired_at = (
            self._when(link.expires, end=True) if link.expires and link.expired is None else None
        )
        script = self._inline(
            "locked.js",
            beacon=counted,
            salt=base64.b64encode(sealed.salt).decode(),
            iv=base64.b64encode(sealed.iv).decode(),
            data=base64.b64encode(sealed.ciphertext).decode(),
            iterations=secret.ITERATIONS,
            forward_query=link.forward_query,
            expires_ms=_ms(link.expires),
            expired_url=link.expired.url if link.expired else None,
            # as redirect(): its expired page in place, unless it has somewhere to go
            title=link.title,
            expired_at=expired_at,
        )
        return self._render(
            "locked.html",
            script=script,
            counted=counted,
            shared=expired_at is not None,
            title=link.title,
        )

    def preview(self, entry: Entry) -> bytes:
        """The page at ``/<slug>+``: the target, title, state and QR code, without redirecting."""
        link = entry.link
        base = self.plan.site.base_url
        short_url = f"{base}/{quote_path(entry.slug)}" if base else None
        devices: dict[str, Target] | None = None
        languages: tuple[tuple[str, Target], ...] | None = None
        countries: tuple[tuple[str, Target], ...] | None = None
        variants: tuple[tuple[Target, int], ...] = ()
        locked = in_app = False
        if entry.state is State.scheduled:
            target, state_text = None, self.t["preview_starts"]
            state_text = state_text.format(when=self._when(link.starts))  # type: ignore[arg-type]
        elif entry.state is State.expired:
            # where it goes now; with no 'expired:' URL it goes nowhere: no target shown
            target = link.expired
            state_text = self.t["preview_expired"].format(when=self._when(link.expires, end=True))  # type: ignore[arg-type]
        else:
            # behind a password: said so, and never where it goes
            locked = link.password is not None
            target = None if locked else link.target
            devices = dict(link.devices) if link.devices and not locked else None
            languages = link.languages or None  # never with a password (validation)
            countries = link.countries or None  # never with a password (validation)
            variants = link.variants if not locked else ()
            in_app = link.open_in_browser and not locked  # never both (validation)
            state_text = (
                self.t["preview_expires"].format(when=self._when(link.expires, end=True))
                if link.expires
                else ""
            )
        shows_qr = bool(self.plan.site.qr and short_url)
        return self._render(
            "preview.html",
            script=self._inline("preview.js") if short_url else None,
            shared=shows_qr,  # the shared qr.js
            slug=entry.slug,
            short_url=short_url,
            target=target,
            devices=devices,
            languages=languages,
            countries=countries,
            variants=variants,
            in_app=in_app,
            locked=locked,
            fallback=link.fallback if target is link.target else None,
            opens_app=target is link.target and link.opens_app,
            title=link.title,
            description=link.description,
            state_text=state_text,
            qr=shows_qr,
            qr_style=self.plan.site.qr_style,
            qr_logo=f"/{QR_LOGO}",
        )

    def views(self) -> bytes:
        """The shared script of the views a page shows in its own place (_view.js)."""
        t = self.t
        words = {
            "expired_title": t["expired_title"],
            "expired_heading": t["expired_heading"],
            "expired_named": t["expired_named"],
            "expired_plain": t["expired_plain"],
            "go_to": t["go_to"].format(place=self.plan.site.domain or t["the_home_page"]),
            "home": self.common["home_url"],
            "hint_heading": t["hint_heading"],
            "hint_text": t["hint_text"],
            "hint_app": t["hint_app"],
            "hint_steps": t["hint_steps"],
            "hint_apps": i18n.hint_apps(self.language),
            "copy": t["preview_copy"],
            "copied": t["preview_copied"],
            "app_heading": t["app_heading"],
            "app_scan": t["app_scan"],
            "app_direct": t["app_direct"],
            "app_fallback": t["app_fallback"],
        }
        return (self._template("views.js", {"words": words}).strip() + "\n").encode()

    def qr_script(self) -> bytes:
        """templates/qr.js as it is (a user's copy first): plain JavaScript, not a Jinja
        template, so it is read, never rendered."""
        source, _name, _uptodate = self.env.loader.get_source(self.env, "qr.js")  # type: ignore[union-attr]
        return source.encode("utf-8")

    def style(self) -> bytes:
        """style.css as a file, for the views of pages without a style of their own."""
        return (str(self._style) + "\n").encode()

    def preview_record(self, entry: Entry) -> dict[str, object]:
        """What the shared preview shows of one slug (templates/preview_shared.js reads it):
        the slug ``s``, title ``t``, description ``d``; the target ``u``, device targets
        ``D``, the fallback of a link that opens an app ``F``, language targets ``G`` and
        variants ``V`` ([URL, display, weight]) only while the link is active at build time
        and has no password (``l``); the start and expiry instants (``a``, ``e``: the
        visitor's clock picks the state) with their text (``A``, ``E``), the public
        ``expired`` URL ``x``, and ``o``: 1 when in-app browsers are asked to open it in the
        browser (open_in_browser; while active, as ``u``). Targets as [URL, display]. What
        the per-link preview page (``preview``) keeps unpublished stays so."""
        link = entry.link
        record: dict[str, object] = {"s": entry.slug}
        if link.title:
            record["t"] = link.title
        if link.description:
            record["d"] = link.description
        if link.password is not None:
            record["l"] = 1
        elif entry.state is State.active:
            record["u"] = [link.target.url, link.target.display]
            if link.countries:
                record["C"] = [[c, t.url, t.display] for c, t in link.countries]
            if link.devices:
                record["D"] = [[p, t.url, t.display] for p, t in link.devices]
            if link.fallback is not None:
                record["F"] = [link.fallback.url, link.fallback.display]
            if link.languages:
                record["G"] = [[g, t.url, t.display] for g, t in link.languages]
            if link.variants:
                record["V"] = [[t.url, t.display, w] for t, w in link.variants]
            if link.open_in_browser:
                record["o"] = 1
        if link.starts is not None:
            record["a"], record["A"] = _ms(link.starts), self._when(link.starts)
        if link.expires is not None:
            record["e"], record["E"] = _ms(link.expires), self._when(link.expires, end=True)
        if link.expired is not None:
            record["x"] = [link.expired.url, link.expired.display]
        return record

    def preview_data(self, entry: Entry) -> bytes:
        """``previews.encode(self.preview_record(entry))``, the same bytes, written directly:
        the keys in their sorted order (capitals first), the text through json's string
        encoder. One record a link, made one after another by the main process."""
        link = entry.link
        text = _json_text
        when = self._when
        out: list[str] = []  # the members, in the order of their keys
        starts, expires, expired = link.starts, link.expires, link.expired
        if starts is not None:
            out.append(f'"A":{text(when(starts))}')
        active = link.password is None and entry.state is State.active
        if active and link.countries:
            codes = ",".join(
                f"[{text(c)},{text(t.url)},{text(t.display)}]" for c, t in link.countries
            )
            out.append(f'"C":[{codes}]')
        if active and link.devices:
            devices = ",".join(
                f"[{text(p)},{text(t.url)},{text(t.display)}]" for p, t in link.devices
            )
            out.append(f'"D":[{devices}]')
        if expires is not None:
            out.append(f'"E":{text(when(expires, end=True))}')
        if active and link.fallback is not None:
            out.append(f'"F":[{text(link.fallback.url)},{text(link.fallback.display)}]')
        if active and link.languages:
            langs = ",".join(
                f"[{text(g)},{text(t.url)},{text(t.display)}]" for g, t in link.languages
            )
            out.append(f'"G":[{langs}]')
        if active and link.variants:
            variants = ",".join(f"[{text(t.url)},{text(t.display)},{w}]" for t, w in link.variants)
            out.append(f'"V":[{variants}]')
        if starts is not None:
            out.append(f'"a":{self._ms(starts)}')
        if link.description:
            out.append(f'"d":{text(link.description)}')
        if expires is not None:
            out.append(f'"e":{self._ms(expires)}')
        if link.password is not None:
            out.append('"l":1')
        if active and link.open_in_browser:
            out.append('"o":1')
        out.append(f'"s":{text(entry.slug)}')
        if link.title:
            out.append(f'"t":{text(link.title)}')
        if active:
            out.append(f'"u":[{text(link.target.url)},{text(link.target.display)}]')
        if expired is not None:
            out.append(f'"x":[{text(expired.url)},{text(expired.display)}]')
        return ("{" + ",".join(out) + "}").encode()

    def preview_page(self) -> bytes:
        """The shared preview page: its script is the shared preview.js, which fetches one
        shard (connect-src 'self') and loads qr.js."""
        return self._render("preview_shared.html", shared=True, connect_self=True)

    def preview_script(self, shards: int) -> bytes:
        """The shared preview script (preview_shared.js), with the words and the number of
        shards; the same for every link."""
        t = self.t
        words = {
            "title": t["preview_title"],
            "goes_to": t["preview_goes_to"],
            "copy": t["preview_copy"],
            "copied": t["preview_copied"],
            "qr": t["preview_qr"],
            "expires": t["preview_expires"],
            "expired": t["preview_expired"],
            "starts": t["preview_starts"],
            "devices": t["preview_devices"],
            "app_fallback": t["preview_app_fallback"],
            "opens": t["preview_opens"],
            "languages": t["preview_languages"],
            "countries": t["preview_countries"],
            "variants": t["preview_variants"],
            "weight": t["preview_weight"],
            "in_app": t["preview_in_app"],
            "locked": t["preview_locked"],
            "not_found_title": t["not_found_title"],
            "not_found_heading": t["not_found_heading"],
            "not_found_hint": t["not_found_hint"],
            "go_to": t["go_to"].format(place=self.plan.site.domain or t["the_home_page"]),
            "home": self.common["home_url"],
            **{f"device_{p}": t[f"device_{p}"] for p in ("wechat", "ios", "android", "desktop")},
        }
        base = self.plan.site.base_url
        style = self.plan.site.qr_style
        qr: bool | dict[str, object] = bool(self.plan.site.qr and base)
        if qr and style is not None:
            qr = {"dark": style.dark, "light": style.light, "quiet": style.quiet_zone}
            if style.logo:
                qr.update(logo=f"/{QR_LOGO}", logoSize=style.logo_size)
        text = self._template(
            "preview_shared.js",
            {
                "words": words,
                "shards": shards,
                "base": base,
                "qr": qr,
                "qr_style": style is not None,
                "trailing_class": "".join(f"\\u{ord(c):04x}" for c in finder.TRAILING),
            },
        )
        return (text.strip() + "\n").encode()

    def index(self) -> bytes:
        home = self.plan.site.home
        if home is not None:
            return self.redirect(home, None, forward_query=True)
        return self._render("index.html")

    def not_found(self) -> bytes:
        """404.html, with the table that finds mangled links (generator/finder.py)."""
        found = finder.table(e.slug for e in self.plan.entries)
        shared = self.plan.site.preview is True  # '/slug+' drawn here by the shared script
        not_found = self.plan.site.not_found  # where a path found nothing for goes
        counted = self.plan.site.analytics is not None  # an orphan visit: an unknown slug's
        script = None
        if found or shared or not_found or counted:
            script = self._inline(
                "404.js",
                table=found,
                seed2=finder.SEED2,
                # \uXXXX escapes: plain ASCII in the script, whatever the characters
                trailing_class="".join(f"\\u{ord(c):04x}" for c in finder.TRAILING),
                shared_preview=shared,
                not_found=not_found.url if not_found else None,
                beacon=counted,
                orphan=True,
            )
        return self._render(
            "404.html",
            script=script,
            counted=counted,
            shared=shared,
            connect_self=shared,
            not_found=not_found,
        )
