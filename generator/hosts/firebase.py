"""Firebase Hosting: ``firebase.json`` with ``cleanUrls`` and headers, no redirects.

Firebase Hosting runs superstatic (its maintainer, firebase/superstatic#232: "Firebase
Hosting runs Superstatic under the hood"), and superstatic cannot answer any link as
it promises: a redirect always appends the visitor's query (so ``forward_query:
false`` is out), merges it after a target's own query with a stray ``&`` when the
visitor sent none, and passes the query through ``decodeURI``/``encodeURI`` on the
way: ``%2B`` answers ``%252B``, ``%26`` ``%2526``, ``%7e`` ``~``, ``?q=a?b`` loses
``?b``, and a lone ``%`` stops the server (lib/middleware/redirects.js; seen on
superstatic 10). The visitor's query would not reach the target byte for byte, so
every link is answered by its page, which keeps it (templates/_merge.js).
``cleanUrls`` serves ``/slug`` from ``slug.html``. There is no 410
(https://firebase.google.com/docs/hosting/full-config#redirects: 301 or 302 only).

The file goes in the site folder with ``"public": "."``: run ``firebase deploy``
from that folder (docs/hosts.md, "Firebase").
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..plan import Plan
from ..rules import Rule
from .base import Behaviour, Cap, Hides, HostOutput, Limits

FILE = "firebase.json"
# Every '/<slug>+' answered by the shared preview page: a rewrite applies where no file
# does, and its 'source' is a glob (https://firebase.google.com/docs/hosting/full-config#rewrites;
# superstatic matches it with minimatch: '**/*+' takes '/gh+' and '/team/docs+').
PREVIEW_REWRITE = {"source": "**/*+", "destination": "/_shortlinks/preview.html"}


class Firebase:
    name = "firebase"
    title = "Firebase Hosting"
    files = (FILE,)
    hides = Hides.nothing
    statuses = frozenset({301, 302})
    limits = Limits(
        source="no number ([docs](https://firebase.google.com/docs/hosting/full-config#redirects))",
        # Hosting's API takes files under 2 GB each; its storage quota (10 GB without
        # billing) is the project's, every release kept included: not a cap of one build.
        asset_bytes=Cap.only(
            2 * 10**9,
            "https://firebase.google.com/docs/hosting/reference/rest/v1beta1/sites.versions/populateFiles",
        ),
    )
    behaviour = Behaviour(
        query="a redirect always appends it and re-encodes it (`%2B` becomes `%252B`, `%26` "
        "`%2526`, `?q=a?b` loses `?b`; superstatic's `decodeURI`/`encodeURI`), and Firebase "
        "Hosting runs superstatic "
        "([firebase/superstatic#232](https://github.com/firebase/superstatic/issues/232)): no"
        " redirects, every link is its page, which passes the query on byte for byte",
        case="sensitive",
        trailing_slash="`/gh/` gets a 301 to `/gh` (`trailingSlash: false`)",
        unicode="literal UTF-8",
        files="no redirects: `cleanUrls` serves `/gh` from `gh.html`",
        slash_status=301,
        html_status=301,  # cleanUrls: '/gh.html' gets a 301 to '/gh'
        serves_own_config=True,
        statuses_note=" (no 410); none used: the pages answer",
        verified_by="superstatic 10.0.0 (Firebase's own server); it serves `firebase.json` itself, "
        "which `firebase deploy` leaves out (`ignore`)",
    )

    def ruled(
        self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule] | None = None
    ) -> list[Rule]:
        return []

    def render(self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule]) -> HostOutput:
        config = {
            "hosting": {
                "public": ".",
                "cleanUrls": True,
                "trailingSlash": False,
                "ignore": ["firebase.json", "**/.*"],
                "headers": [
                    {
                        "source": "**/*.html",
                        "headers": [
                            {
                                "key": "Cache-Control",
                                "value": "public, max-age=300, must-revalidate",
                            }
                        ],
                    }
                ],
            }
        }
        if plan.site.preview is True:
            config["hosting"]["rewrites"] = [PREVIEW_REWRITE]  # type: ignore[index]
        body = json.dumps(config, ensure_ascii=False, indent=2) + "\n"
        left = len(rules)
        notes = (
            [
                f"Firebase Hosting: {left} path(s) are answered by their page (its redirects "
                "would re-encode the visitor's query string)"
            ]
            if left
            else []
        )
        return HostOutput(files={FILE: body.encode()}, left_to_pages=left, notes=notes)
