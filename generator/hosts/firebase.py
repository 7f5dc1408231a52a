"""Firebase Hosting: ``firebase.json`` with ``hosting.redirects``.

Firebase applies redirects before it serves files (priority: reserved ``/__/*``,
then redirects, then static content; https://firebase.google.com/docs/hosting/full-config#hosting-priority-order)
and takes ``type`` 301 or 302 only. Its local server (npm ``superstatic``) appends
the visitor's query to a target without one, but for a target with its own query
it merges them and leaves a stray ``&`` when the visitor sent none, so only links
whose target has no query (and no fragment) get a rule; the rest are answered by
their pages. It also re-encodes a ``%`` in the target (``%E4`` becomes ``%25E4``),
so targets with percent-escapes are left to pages too. ``cleanUrls`` serves ``/slug``
from ``slug.html``. There is no 410.

The file goes in the site folder with ``"public": "."``: run ``firebase deploy``
from that folder (docs/hosts.md, "Firebase").
"""

from __future__ import annotations

import json
import re

from ..plan import Plan
from ..rules import Kind, Rule, edge_rules
from .base import Behaviour, HostOutput, Limits

FILE = "firebase.json"


def expressible(rule: Rule) -> bool:
    if rule.kind is not Kind.redirect or rule.status not in (301, 302):
        return False
    assert rule.location is not None
    if re.search(r"(^|/):", rule.location.split("://", 1)[-1]):
        return False  # superstatic reads '/:name' in a destination as a parameter
    if "#" in rule.location or rule.has_query or "%" in rule.location:
        # superstatic re-encodes '%' ('%E4' -> '%25E4'), breaking escaped targets
        return False
    if "[" in rule.location:
        # and the brackets of an IPv6 host ('https://%5B2001:db8::1%5D/'; seen on
        # superstatic 10, found by tests/test_properties.py); a normalised target has a
        # raw '[' nowhere else
        return False
    return rule.forward_query


class Firebase:
    name = "firebase"
    title = "Firebase Hosting"
    files = (FILE,)
    statuses = frozenset({301, 302})
    limits = Limits(
        source="https://firebase.google.com/docs/hosting/full-config#redirects (no number)"
    )
    behaviour = Behaviour(
        query="appended to a target without one; merged with a stray '&' otherwise (pages)",
        case="case-sensitive",
        trailing_slash="'/gh/' matches '/gh'",
        unicode="literal UTF-8 sources match",
        files="redirects win over files",
        slash_status=302,
        serves_own_config=True,
    )

    def ruled(self, plan: Plan, selected: frozenset[str]) -> list[Rule]:
        return [r for r in edge_rules(plan) if expressible(r)]

    def render(self, plan: Plan, selected: frozenset[str]) -> HostOutput:
        rules = edge_rules(plan)
        kept = self.ruled(plan, selected)
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
                "redirects": [
                    {"source": r.path, "destination": r.location, "type": r.status} for r in kept
                ],
            }
        }
        body = json.dumps(config, ensure_ascii=False, indent=2) + "\n"
        return HostOutput(
            files={FILE: body.encode()}, rules=len(kept), left_to_pages=len(rules) - len(kept)
        )
