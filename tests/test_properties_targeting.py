"""Property tests of the keys that bring untrusted text somewhere new: device targets (into
a page's script), passwords (the target must then be nowhere in the clear), campaigns
(distributor codes into slugs and query strings, names that must never be published) and
a second domain (whose links must stay in its own folder).

Same budget and profiles as tests/test_properties.py (derandomized in CI, ``deep`` for a
local hunt), and its readers: every page parses under html5lib's strict mode and its
policy lists exactly its own inline code; a device or language target comes back exactly
from the page's script; a password link's target and its device targets are in no file of the
site; a distributor's name is in no file of the site; a campaign link's target is its
campaign's url with that distributor's parameters, decoded exactly.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import State
from generator.plan import make_plan
from tests.conftest import NOW
from tests.test_properties import (
    PROFILE,
    checked,
    csp_matches_inline_code,
    parse_html,
    render,
    script_args,
    targets,
    texts,
    yq,
)

# a property test of many examples, each a whole plan and its pages
pytestmark = pytest.mark.slow

PLATFORMS = ("wechat", "ios", "android", "desktop")


def _forms(text: str) -> set[bytes]:
    """The ways a text can be written into a file of the site."""
    forms = {
        text,
        json.dumps(text),
        json.dumps(text, ensure_ascii=False),
        urllib.parse.quote(text, safe=""),
        urllib.parse.quote(text, safe="/:?=&"),
    }
    return {f.encode() for f in forms if len(f) >= 6}


@st.composite
def targeted_files(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A two-domain links file with a device link, maybe behind a password, and a
    campaign of hostile names and odd codes; and what was put into it."""
    target = targets(refusable=False)
    url = draw(target)
    devices = {p: draw(target) for p in PLATFORMS if draw(st.booleans())} or {"ios": draw(target)}
    password = draw(st.one_of(st.none(), texts(40).filter(lambda t: len(t.strip()) >= 1)))
    codes = draw(
        st.lists(
            st.text("abcXYZ019_-", min_size=1, max_size=8), min_size=1, max_size=4,
            unique_by=str.casefold,
        )
    )  # fmt: skip
    names = [draw(texts(60)) for _ in codes]
    base = draw(target)
    ref = draw(st.sampled_from([None, "ref", "p.id"]))
    lines = [
        "site:",
        "  domains: [go.example.com, 短.example]",
        "links:",
        "  app:",
        f"    url: {yq(url)}",
        "    domains: all",
        "    devices:",
        *(f"      {p}: {yq(t)}" for p, t in devices.items()),
    ]
    if password is not None:
        lines.append(f"    password: {yq(password)}")
    lines += ["campaigns:", "  c:", f"    url: {yq(base)}", "    domains: [短.example]"]
    if ref:
        lines.append(f"    ref: {ref}")
    lines.append("    distributors:")
    lines += [
        f"      - {{code: {yq(c)}, name: {yq(n)}}}" for c, n in zip(codes, names, strict=True)
    ]
    put = {"devices": devices, "password": password, "names": names, "codes": codes, "ref": ref}
    return "\n".join(lines) + "\n", put


@settings(PROFILE, max_examples=max(60, PROFILE.max_examples // 4))  # two sites an example
@given(case=targeted_files())
def test_device_password_and_campaign_values_stay_where_they_belong(
    case: tuple[str, dict[str, Any]],
) -> None:
    text, put = case
    result = checked(text)
    if not result.ok:
        assert result.errors
        return
    linkset = result.linkset
    assert linkset is not None
    app = next(link for link in linkset.links if link.slug == "app")
    people = {link.distributor.code: link for link in linkset.links if link.distributor}
    for domain in linkset.site.domains:
        plan = make_plan(linkset.on(domain), NOW)
        site = render(plan)
        secrets: set[bytes] = set()
        if app.password is not None:
            for t in (app.target, *(t for _, t in app.devices)):
                secrets |= _forms(t.url) | _forms(t.display)
            # a secret that is part of a public target (the campaign's, drawn alike) is
            # published by that link, rightly
            public = [link.target.url.encode() for link in plan.links if link is not app]
            # and the site's own addresses, as any page may write them (a target may be the
            # short domain itself, which the shared preview script holds as JSON)
            public += [
                form
                for d in linkset.site.domains
                for own in (f"https://{d.name}", f"https://{d.name}/app+")
                for form in _forms(own)
            ]
            secrets = {x for x in secrets if not any(x in p for p in public)}
        names = set().union(*(_forms(n) for n in put["names"] if n.strip()))
        # a name that the campaign's own URL spells, up to the '&' or '?' its parameters
        # follow (drawn alike: '😀&' after 'http://example.com?😀'), is published by that
        # URL, rightly
        spelled = [f"{c.target.url}{sep}".encode() for c in linkset.campaigns for sep in "&?"]
        names = {x for x in names if not any(x in s for s in spelled)}
        for name, data in site.files.items():
            for secret in secrets:
                assert secret not in data, (name, secret)
            if not name.endswith((".png",)):
                for person in names:
                    # a name could also be a common word of the page (a one-letter name):
                    # only names longer than the page's own words are sought
                    if len(person) > 12:
                        assert person not in data, (name, person)
            if name.endswith(".html"):
                root = parse_html(data, name)
                csp_matches_inline_code(root, name)
        page = site.files["app.html"]
        if app.password is None and make_plan(linkset, NOW).state_of(app) is State.active:
            root = parse_html(page, "app.html")
            (script,) = root.iter("script")
            args = script_args(script.text or "", root)
            assert args[0] == app.target.url
            assert args[1] == {p: t.url for p, t in app.devices}
        # the campaign's links live on its domain only
        on_here = any(link.campaign for link in plan.links)
        assert on_here == (domain.name == linkset.site.domains[1].name)
    for code, link in people.items():
        query = urllib.parse.urlsplit(link.target.url).query
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        if put["ref"]:
            assert (put["ref"], code) in pairs
        else:
            assert ("utm_source", code) in pairs and ("utm_campaign", "c") in pairs
        assert link.slug == f"c-{code}"


TAGS = ("zh", "zh-TW", "zh-Hant", "en-GB", "yue", "es-419")


@st.composite
def language_files(draw: st.DrawFn) -> str:
    """A links file with a language link of untrusted targets, maybe device targets too."""
    target = targets(refusable=False)
    chosen = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=4, unique=True))
    lines = [
        "site:",
        "  domain: go.example.com",
        "links:",
        "  app:",
        f"    url: {yq(draw(target))}",
    ]
    if draw(st.booleans()):
        lines += ["    devices:", f"      ios: {yq(draw(target))}"]
    lines += ["    languages:", *(f"      {tag}: {yq(draw(target))}" for tag in chosen)]
    return "\n".join(lines) + "\n"


@settings(PROFILE, max_examples=max(60, PROFILE.max_examples // 4))
@given(text=language_files())
def test_language_targets_come_back_exactly_from_the_pages_script(text: str) -> None:
    result = checked(text)
    if not result.ok:
        assert result.errors
        return
    linkset = result.linkset
    assert linkset is not None
    (app,) = linkset.links
    site = render(make_plan(linkset, NOW))
    for name, data in site.files.items():
        if name.endswith(".html"):
            csp_matches_inline_code(parse_html(data, name), name)
    root = parse_html(site.files["app.html"], "app.html")
    (script,) = root.iter("script")
    args = script_args(script.text or "", root)
    assert args[0] == app.target.url
    assert args[-1] == {tag.lower(): t.url for tag, t in app.languages}
