"""HTML pages, rendered through Jinja with autoescaping on.

Templates live in the top-level ``templates/`` folder (inside the package once
installed); ``--templates DIR`` puts a user's folder first, so a user overrides
one template without copying the rest.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import finder
from .model import State, Target
from .plan import Entry, Plan
from .times import describe, zone

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
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=True,  # every template, whatever its extension: .js is included in HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Pages:
    """Renders every page of one plan; pure (no clock, no disk writes)."""

    def __init__(self, plan: Plan, env: jinja2.Environment, lang: str = "en") -> None:
        self.plan = plan
        self.env = env
        self.tz = zone(plan.site.timezone)
        site = plan.site
        self.common = {
            "lang": lang,
            "domain": site.domain,
            "home_url": site.home.url if site.home else "/",
        }

    def _render(self, name: str, **values: object) -> bytes:
        html = self.env.get_template(name).render(**self.common, **values)
        return (html.rstrip("\n") + "\n").encode("utf-8")

    def redirect(self, target: Target, title: str | None, forward_query: bool) -> bytes:
        return self._render(
            "redirect.html", target=target, title=title, forward_query=forward_query
        )

    def entry(self, entry: Entry) -> bytes:
        """The page at ``/<slug>``: a redirect, or a page saying why there is none."""
        link = entry.link
        dest = entry.destination
        if dest is not None:
            return self.redirect(dest, link.title, link.forward_query)
        if entry.state is State.expired:
            assert link.expires is not None
            return self._render(
                "expired.html",
                slug=entry.slug,
                title=link.title,
                expired_at=describe(link.expires, self.tz, end=True),
            )
        assert link.starts is not None
        return self._render(
            "scheduled.html",
            slug=entry.slug,
            title=link.title,
            starts_at=describe(link.starts, self.tz),
        )

    def index(self) -> bytes:
        home = self.plan.site.home
        if home is not None:
            return self.redirect(home, None, forward_query=True)
        return self._render("index.html")

    def not_found(self) -> bytes:
        """404.html, with the table that finds mangled links (generator/finder.py)."""
        found = finder.table(e.slug for e in self.plan.entries)
        return self._render(
            "404.html",
            table=found,
            seed2=finder.SEED2,
            # \uXXXX escapes: plain ASCII in the script, whatever the characters
            trailing_class="".join(f"\\u{ord(c):04x}" for c in finder.TRAILING),
        )
