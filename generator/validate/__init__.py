"""Plain values -> the model, or every problem at once.

The rules live by section: ``site.py``, ``links.py``, ``campaigns.py`` and ``cross.py``
(rules across links), over what they share in ``checker.py``. Every problem names its rule
(generator/problems.py, ``RULES``).
"""

from __future__ import annotations

from ..load import Document
from ..model import LinkSet
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


def validate(doc: Document) -> tuple[LinkSet | None, list[Problem]]:
    """Check a loaded document. Returns the model only when there is no error."""
    linkset, problems = validate_partial(doc)
    if linkset is None or any(p.is_error for p in problems):
        return None, problems
    return linkset, problems


def validate_partial(doc: Document) -> tuple[LinkSet | None, list[Problem]]:
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
    made, campaigns = check.campaigns(data.get("campaigns"), site)
    links += made
    check.collisions([*check.named, *made])  # refused links' names too: every mistake at once
    check.chains(site, links)
    check.countries_targeted(site, links)
    problems = sorted(check.positioned())
    return LinkSet(site=site, links=tuple(links), campaigns=tuple(campaigns)), problems


__all__ = [
    "HOME_KEYS",
    "LINK_KEYS",
    "MAX_DESCRIPTION",
    "MAX_TITLE",
    "SITE_KEYS",
    "TOP_KEYS",
    "_noncharacter",
    "did_you_mean",
    "validate",
    "validate_partial",
]
