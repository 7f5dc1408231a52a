"""Vercel: ``vercel.json`` ``redirects``, and a bulk redirects file for the rest.

``redirects`` in ``vercel.json`` take ``statusCode`` (301/302/303/307/308) or
``permanent`` (308/307), at most 2,048 entries, ``source`` and ``destination`` up
to 4,096 characters (https://vercel.com/docs/routing/redirects/configuration-redirects,
"Limits"; the same numbers are in ``redirectsSchema`` of npm
``@vercel/routing-utils``). Every redirect, header and ``cleanUrls`` counts against
the 2,048 routes a deployment may have (https://vercel.com/docs/limits), and users
report trouble from about 1,024 (vercel/vercel#5908), so at most 1,024 links get
a ``vercel.json`` redirect, links that never expire first.

Vercel passes the visitor's query on to the destination, merged with its own
query (https://vercel.com/guides/how-do-i-perform-vercel-redirects-based-on-query-strings),
which is what ``forward_query: true`` promises; a destination with a fragment
would get the query after the ``#``, so those links, and links with
``forward_query: false``, are answered by their pages.

The rest go to a bulk redirects file, ``vercel-redirects.json``, named by
``bulkRedirectsPath`` (https://vercel.com/docs/routing/redirects/bulk-redirects):
exact paths, up to 1,000,000 a project, ``source``/``destination`` up to 2,048
characters, ``statusCode`` 301/302/303/307/308, ``caseSensitive``, and
``preserveQueryParams`` (the visitor's query appended, or dropped). Bulk
redirects are a paid-plan feature (Pro includes 1,000): a link that overflows both
still has its page, served at ``/slug`` by ``cleanUrls``.

``source`` is a path-to-regexp pattern: ``: ( ) * ? + { }`` are escaped with a
backslash, and paths are written percent-encoded, as browsers send them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ..languages import whole_any_pattern, whole_first_pattern
from ..plan import Plan
from ..rules import Kind, Rule, Targeted, fit, given, language_rules
from ..urls import quote_path
from .base import Behaviour, HostOutput, Limits, overflow_note

FILE = "vercel.json"
BULK = "vercel-redirects.json"
# What the module keeps within: its declared limits, read wherever they are enforced.
LIMITS = Limits(
    rules=1024,  # of the 2,048 documented: users report trouble from about 1,024
    line_chars=4096,  # characters of a source or destination
    source="`vercel.json`: 2,048 redirects, 4,096 characters "
    "([docs](https://vercel.com/docs/routing/redirects/configuration-redirects)); users hit "
    "trouble near 1,024 (vercel/vercel#5908), so 1,024 are kept there; bulk: 1,000,000, 2,048"
    " characters, a paid-plan feature "
    "([docs](https://vercel.com/docs/routing/redirects/bulk-redirects))",
    # no count or size of static files a deployment is documented
    # (https://vercel.com/docs/limits): no caps declared
)
# The bulk redirects file: redirects a project may have, characters of a source or
# destination.
BULK_LIMITS = Limits(
    rules=1_000_000,
    line_chars=2048,
    source="https://vercel.com/docs/routing/redirects/bulk-redirects",
)
CACHE = "public, max-age=300, must-revalidate"

_SPECIAL = re.compile(r"([:()*?+{}\\])")
# Every '/<slug>+' answered by the shared preview page: a rewrite runs after the files, and
# its path-to-regexp source may end in an escaped '+' (@vercel/routing-utils compiles it
# to '^(?:/(.+))\\+$': tests/e2e/test_vercel.py); the destination extensionless, as
# cleanUrls serves it (https://vercel.com/docs/project-configuration#rewrites).
PREVIEW_REWRITE = {"source": "/(.+)\\+", "destination": "/_shortlinks/preview"}


def source(path: str) -> str:
    """A literal path as a path-to-regexp pattern (percent-encoded, specials escaped)."""
    return _SPECIAL.sub(r"\\\1", quote_path(path))


def in_config(rule: Rule) -> bool:
    """Can a ``vercel.json`` redirect answer exactly what the link promises?"""
    if rule.kind is not Kind.redirect or rule.location is None:
        return False
    if "#" in rule.location or not rule.forward_query:
        return False
    if "$" in rule.location or ":" in rule.location.split("://", 1)[-1]:
        return False  # '$1' and ':name' in a destination are filled from the source
    longest = LIMITS.line_chars or 0
    if len(rule.location) > longest:
        return False
    # a character of the path is at most 12 once percent-encoded ('\+' 2): a short one
    # fits, and its pattern is not made twice (nearly every rule)
    return 12 * len(rule.path) <= longest or len(source(rule.path)) <= longest


def in_bulk(rule: Rule) -> bool:
    """Bulk redirects append the query (``preserveQueryParams``) or drop it."""
    if rule.kind is not Kind.redirect or rule.location is None or rule.path == "/":
        return False
    if rule.forward_query and (rule.has_query or "#" in rule.location):
        return False
    if "$" in rule.location:  # as in vercel.json, in case bulk destinations are templates
        return False
    longest = BULK_LIMITS.line_chars or 0
    if len(rule.location) > longest:
        return False
    return 12 * len(rule.path) <= longest or len(quote_path(rule.path)) <= longest


# The visitor's country, as Vercel's edge sets it: an ISO 3166-1 alpha-2 code
# (https://vercel.com/docs/headers/request-headers#x-vercel-ip-country), matched by a
# redirect's ``has`` (https://vercel.com/docs/routing/redirects/configuration-redirects)
COUNTRY_HEADER = "x-vercel-ip-country"


def vercel_targets_countries(rule: Rule) -> bool:
    """Does ``vercel.json`` answer each of the rule's countries (``Targeted``) with its
    target? Only beside the rule's own redirect there, each target as ``in_config`` takes
    it (bulk redirects have no conditions)."""
    return (
        isinstance(rule, Targeted)
        and in_config(rule)
        and all(in_config(rule.to_target(location)) for _, location in rule.countries)
        and (not rule.languages or vercel_targets_languages(rule))
    )


def country_redirects(rule: Rule) -> list[dict[str, object]]:
    """The redirects of the rule's countries, each before the rule's own (the first that
    matches wins), on the exact value of the country header (``has`` reads ``value`` as a
    pattern: a code is two capital letters, nothing in it to escape)."""
    if not vercel_targets_countries(rule):
        return []
    out = []
    for code, location in rule.countries:
        redirect = config_redirect(rule.to_target(location))
        redirect["has"] = [{"type": "header", "key": COUNTRY_HEADER, "value": code}]
        out.append(redirect)
    return out


LANGUAGE_HEADER = "accept-language"


def vercel_targets_languages(rule: Targeted) -> bool:
    """Can ``vercel.json`` answer the rule of a language link (rules.language_rules): its
    own target and each language's as ``in_config`` takes them?"""
    return in_config(rule) and all(in_config(rule.to_target(u)) for _, u in rule.languages)


def language_redirects(rule: Targeted) -> list[dict[str, object]]:
    """A redirect a language, ``has`` its pattern on Accept-Language, before the link's
    own, which is ``missing`` any language that finds a tag: a visitor whose later language
    finds one gets no redirect, and ``cleanUrls`` serves the page. The patterns are
    anchored at both ends (``whole_first_pattern``), so they find the same headers whether
    Vercel matches the whole value or searches it."""
    out = []
    for tag, location in rule.languages:
        redirect = config_redirect(rule.to_target(location))
        redirect["has"] = [
            {"type": "header", "key": LANGUAGE_HEADER, "value": whole_first_pattern(tag)}
        ]
        out.append(redirect)
    own = config_redirect(rule)
    found = whole_any_pattern([tag for tag, _ in rule.languages])
    own["missing"] = [{"type": "header", "key": LANGUAGE_HEADER, "value": found}]
    return [*out, own]


def config_redirects(rule: Rule) -> list[dict[str, object]]:
    """The rule's redirects in ``vercel.json``: its countries' first, then its languages'
    (a language link's), then its own."""
    if rule.languages:
        return [*country_redirects(rule), *language_redirects(rule)]  # type: ignore[arg-type]
    if rule.countries:
        return [*country_redirects(rule), config_redirect(rule)]
    return [config_redirect(rule)]


def config_redirect(rule: Rule) -> dict[str, object]:
    out: dict[str, object] = {"source": source(rule.path), "destination": rule.location}
    if rule.status in (307, 308):
        out["permanent"] = rule.status == 308
    else:
        out["statusCode"] = rule.status
    return out


def bulk_redirect(rule: Rule) -> dict[str, object]:
    return {
        "source": quote_path(rule.path),
        "destination": rule.location,
        "statusCode": rule.status,
        "caseSensitive": True,
        "preserveQueryParams": rule.forward_query,
    }


def _redirects_of(rule: Rule) -> int:
    """The redirects ``vercel.json`` spends on ``rule``."""
    if not rule.countries and not rule.languages:
        return 1
    countries = len(rule.countries) if vercel_targets_countries(rule) else 0
    return 1 + countries + len(rule.languages)


class Vercel:
    name = "vercel"
    title = "Vercel"
    files = (FILE, BULK)
    hides = frozenset({FILE})  # the project's configuration, read at deploy
    statuses = frozenset({301, 302, 303, 307, 308})
    limits = LIMITS
    bulk = BULK_LIMITS
    behaviour = Behaviour(
        query="`vercel.json`: passed on and merged with the target's (Vercel's docs; the routing "
        "package does not apply queries, so neither this nor whether the bytes arrive "
        "unchanged is checked here); bulk: appended (`preserveQueryParams`) or dropped",
        case="sensitive",
        trailing_slash="`/gh/` gets a 308 to `/gh` (`trailingSlash: false`)",
        unicode="percent-encoded",
        files="redirects win",
        slash_status=308,
        statuses_note=" (no 410)",
        verified_by="no engine offline: `vercel.json` read by Vercel's own "
        "`@vercel/routing-utils` 6.6.0 (its schema and `getTransformedRoutes`), every path "
        "answered from the routes it makes; the bulk file against the documented rules "
        "(`tests/e2e/test_vercel.py`)",
        file_notes=(("vercel-redirects.json", "bulk"),),
    )

    def _split(
        self, rules: Sequence[Rule], plan: Plan | None = None
    ) -> tuple[list[Rule], list[Rule], list[Rule], int]:
        """(in vercel.json, in the bulk file, left to pages, how many of those vercel.json
        would take did not fit it)."""
        # a rule with countries or languages costs a redirect more for each
        # (config_redirects); a language link's rule is only ever in vercel.json, as the
        # bulk file has no conditions: its page answers it past the cap
        wanted: list[Rule] = [r for r in rules if in_config(r)]
        if plan is not None and plan.by_language:
            wanted += [r for r in language_rules(plan) if vercel_targets_languages(r)]
        config, rest = fit(wanted, _redirects_of, self.limits.rules, 1)
        taken = {id(r) for r in config}
        candidates = [r for r in rules if id(r) not in taken and in_bulk(r)]
        bulk, _over = fit(candidates, lambda r: 1, self.bulk.rules, 1)
        placed = taken | {id(r) for r in bulk}
        return config, bulk, [r for r in rules if id(r) not in placed], len(rest)

    def ruled(
        self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule] | None = None
    ) -> list[Rule]:
        config, bulk, _left, _over = self._split(given(plan, rules), plan)
        return config + bulk

    def render(self, plan: Plan, selected: frozenset[str], rules: Sequence[Rule]) -> HostOutput:
        config, bulk, left, over = self._split(rules, plan)
        doc: dict[str, object] = {
            "$schema": "https://openapi.vercel.sh/vercel.json",
            "cleanUrls": True,
            "trailingSlash": False,
            "headers": [{"source": "/(.*)", "headers": [{"key": "Cache-Control", "value": CACHE}]}],
            "redirects": [x for r in config for x in config_redirects(r)],
        }
        if plan.site.preview is True:
            doc["rewrites"] = [PREVIEW_REWRITE]
        files = {}
        notes = []
        if bulk:
            doc["bulkRedirectsPath"] = BULK
            body = json.dumps([bulk_redirect(r) for r in bulk], ensure_ascii=False, indent=1)
            files[BULK] = (body + "\n").encode()
            notes.append(
                f"Vercel: {len(bulk)} link(s) are in bulk redirects ({BULK}), a paid-plan "
                "feature (Pro includes 1,000); without it their pages answer"
            )
        files[FILE] = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
        taken = {r.path for r in config}
        wanted = sum(1 for r in rules if in_bulk(r) and r.path not in taken)
        if wanted > len(bulk):
            notes.append(
                overflow_note(
                    "Vercel bulk redirects", len(bulk), wanted - len(bulk), f"{self.bulk.rules:,}"
                )
            )
        if over:
            notes.append(
                f"Vercel: {over} of {over + len(config)} redirects do "
                f"not fit vercel.json ({self.limits.rules:,}); they are in the bulk "
                "redirects file (links that never expire were kept in vercel.json first)"
            )
        return HostOutput(
            files=files,
            rules=len(config) + len(bulk),
            left_to_pages=len(left),
            notes=notes,
            ruled={self.name: len(config) + len(bulk)},
        )
