"""Plain values -> the model, or every problem at once.

The rules live by section: ``site.py``, ``links.py``, ``campaigns.py`` and ``cross.py``
(rules across links), over what they share in ``checker.py``. Every problem names its rule
(generator/problems.py, ``RULES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..load import Document
from ..model import Link, LinkSet
from ..problems import Problem
from .campaigns import CampaignRules
from .checker import (
    HOME_KEYS,
    LINK_KEYS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    SITE_KEYS,
    TOP_KEYS,
    _kind,
    _noncharacter,
    did_you_mean,
)
from .cross import CrossRules
from .site import SiteRules


class _Checker(SiteRules, CampaignRules, CrossRules):
    """Every section's rules, over one document."""


@dataclass
class Share:
    """Links checked elsewhere (a forked child: generator/halves.py), which come after
    the document's own in the file, and what was found about them."""

    links: list[Link]
    named: tuple[Link, ...]  # ``_Checker.named``: refused links' names too
    problems: list[Problem]


def validate(
    doc: Document, rest: Callable[[], Share] | None = None
) -> tuple[LinkSet | None, list[Problem]]:
    """Check a loaded document. Returns the model only when there is no error.

    ``rest``: the links that follow the document's own, checked elsewhere (``Share``),
    asked for once the document's own links are checked; rules across links (collisions,
    chains) and campaigns are checked here, over all of them."""
    linkset, problems = validate_partial(doc, rest)
    if linkset is None or any(p.is_error for p in problems):
        return None, problems
    return linkset, problems


def validate_partial(
    doc: Document, rest: Callable[[], Share] | None = None
) -> tuple[LinkSet | None, list[Problem]]:
    """Like ``validate``, but keeps the links that are fine beside the errors: enough to
    show a reviewer what a pull request changes while it still has a mistake in it. Never
    used to build (a build needs the whole file right)."""
    check = _Checker(doc)
    data = doc.data
    if data is None:
        check.error(
            "empty-file",
            (),
            "the file is empty",
            "start with 'links:' and one 'slug: URL' per line",
        )
        return None, sorted(check.positioned())
    if not isinstance(data, dict):
        check.error(
            "top-not-mapping",
            (),
            f"the file must be a mapping with 'site:' and 'links:', got {_kind(data)}",
        )
        return None, sorted(check.positioned())
    check.unknown_keys(data, TOP_KEYS, (), "the top level")
    site = check.site(data.get("site"))
    check.doc_domains = tuple(d.name for d in site.domains)
    links = check.links(data.get("links"), site)
    named, found = check.named, []
    if rest is not None:
        share = rest()
        links += share.links
        named += share.named
        found = share.problems
    made, campaigns = check.campaigns(data.get("campaigns"), site)
    links += made
    check.collisions([*named, *made])  # refused links' names too: every mistake at once
    check.chains(site, links)
    check.countries_targeted(site, links)
    problems = sorted([*check.positioned(), *found])
    return LinkSet(site=site, links=tuple(links), campaigns=tuple(campaigns)), problems


def validate_share(doc: Document) -> Share:
    """The links of ``doc`` checked against its site, alone: what a forked child does
    with its share of a links file (generator/halves.py). Campaigns and the rules across
    links are left to the whole (``validate``'s ``rest``); every problem is returned,
    those about the site too, which the caller drops (the whole finds them as well)."""
    check = _Checker(doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    site = check.site(data.get("site"))
    check.doc_domains = tuple(d.name for d in site.domains)
    links = check.links(data.get("links"), site)
    return Share(links, check.named, check.positioned())


__all__ = [
    "HOME_KEYS",
    "LINK_KEYS",
    "MAX_DESCRIPTION",
    "MAX_TITLE",
    "SITE_KEYS",
    "TOP_KEYS",
    "Share",
    "_noncharacter",
    "did_you_mean",
    "validate",
    "validate_partial",
    "validate_share",
]
