"""GitHub Pages: no rules at all, so the pages are the redirects.

``/slug`` is answered from ``slug.html`` directly (a folder would cost a 301 to
``/slug/`` first), unknown paths get ``404.html``, a ``CNAME`` file names the custom
domain and ``.nojekyll`` makes GitHub serve the files as they are
(https://docs.github.com/en/pages/getting-started-with-github-pages/about-github-pages).
The folder a slug with a ``/`` makes (``team/`` for ``team/docs``) is the one path that
answers differently here: ``/team`` gets GitHub's 301 to ``/team/`` before the 404 page,
and no rule can change that.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..plan import Plan
from ..rules import Rule
from .base import Behaviour, Cap, Hides, HostOutput, Limits


class GitHubPages:
    name = "github-pages"
    title = "GitHub Pages"
    files = ("CNAME", ".nojekyll")
    hides = Hides.nothing
    statuses: frozenset[int] = frozenset()
    limits = Limits(
        source="no rules exist ([docs](https://docs.github.com/en/pages))",
        # "Published GitHub Pages sites may be no larger than 1 GB"; actions/deploy-pages
        # warns past 2**30 bytes of the uploaded artifact (ONE_GIGABYTE in
        # src/internal/deployment.js), a tar of the files, compressed.
        site_bytes=Cap.only(
            1 << 30,
            "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits",
        ),
    )
    behaviour = Behaviour(
        query="the page passes it on",
        case="sensitive",
        trailing_slash="`/gh/` is a 404; a folder (`/team` of `team/docs`) gets a 301 to `/team/`, "
        "then the 404 page (no rules to change it)",
        unicode="served from the UTF-8 file name",
        files="pages only",
        statuses_note=": pages answer (200), `404.html` (404), which finds mangled links",
        verified_by="a static server with GitHub Pages' lookup (`/x` from `x.html`, `404.html`) "
        "and the pages' script run in Node (`tests/e2e/test_http.py`)",
        file_notes=(("CNAME", "with `site.domain`"),),
    )

    def ruled(
        self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule] | None = None
    ) -> list[Rule]:
        return []

    def render(self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule]) -> HostOutput:
        files = {".nojekyll": b""}
        if plan.site.domain:
            files["CNAME"] = f"{plan.site.domain}\n".encode()
        return HostOutput(files=files)
