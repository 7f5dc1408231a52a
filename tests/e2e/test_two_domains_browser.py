"""The two-domain site (tests/e2e/two_domains.py) in headless Chromium: each domain's folder
served as GitHub Pages serves a site (the pages are the redirects), and every link of each
domain followed to where it must land: plain and campaign links to their targets with the
visitor's query, the device link by user agent, the password link once unlocked, the
expired link to its expired page, '/' to the domain's own home."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.model import LinkSet, State
from generator.plan import make_plan
from tests.conftest import NOW
from tests.e2e.test_browser import new_context
from tests.e2e.test_http import PagesHandler, TargetHandler, serve
from tests.e2e.two_domains import DOMAINS, PASSWORD, build_sites

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, target: str) -> tuple[Path, dict[str, LinkSet]]:
    return build_sites(tmp_path_factory.mktemp("two-domains-browser"), target)


@pytest.fixture(scope="module", params=DOMAINS)
def domain(request: pytest.FixtureRequest, sites: tuple[Path, dict[str, LinkSet]]) -> Iterator:
    out, linksets = sites
    name = request.param
    for base in serve(PagesHandler, out / name):
        yield name, base, linksets[name]


def _follow(browser: object, url: str, target: str, *, password: str | None = None,
            **options: object) -> str:  # fmt: skip
    """Where the browser lands from ``url`` (typing ``password`` when the page asks)."""
    context = new_context(browser, **options)
    page = context.new_page()
    try:
        page.goto(url)
        if password is not None:
            page.fill("#password", password)
            page.click("#unlock button")
        page.wait_for_url(target + "/**", timeout=10_000)
        return page.url
    finally:
        context.close()


def test_every_link_of_the_domain_lands_where_it_must(
    browser: object, domain: tuple[str, str, LinkSet], target: str
) -> None:
    name, base, linkset = domain
    plan = make_plan(linkset, NOW)
    checked = 0
    wrong: list[str] = []
    for entry in plan.entries:
        link = entry.link
        short = base + "/" + urllib.parse.quote(entry.slug) + "?via=qr"
        if entry.state is not State.active:
            continue  # the expired one: below
        if link.password is not None:
            landed = _follow(browser, short, target, password=PASSWORD)
        else:
            landed = _follow(browser, short, target)
        want = dict(link.devices).get("desktop", link.target).url  # headless Chromium: desktop
        if link.forward_query:  # the visitor's query passed on
            want += ("&" if "?" in want else "?") + "via=qr"
        if landed != want:
            wrong.append(f"/{entry.slug}: landed on {landed}, not {want}")
        checked += 1
    assert not wrong, "\n".join(wrong)
    campaign = [e for e in plan.entries if e.link.campaign == "spring"]
    assert len(campaign) == 50 and checked >= 55, (name, checked)


def test_the_device_link_and_the_password_link_on_each_domain(
    browser: object, domain: tuple[str, str, LinkSet], target: str
) -> None:
    _name, base, _linkset = domain
    assert _follow(browser, base + "/app", target, user_agent=IPHONE) == target + "/app/ios"
    # the wrong password never reaches the target; the right one does, with the device choice
    context = new_context(browser, user_agent=IPHONE)
    page = context.new_page()
    try:
        before = len(TargetHandler.seen)
        page.goto(base + "/vip")
        page.fill("#password", "not it")
        page.click("#unlock button")
        page.wait_for_selector("#wrong", state="visible")
        assert target not in page.content()
        assert len(TargetHandler.seen) == before
    finally:
        context.close()
    unlocked = _follow(browser, base + "/vip?a=1", target, password=PASSWORD)
    assert unlocked == target + "/vip/offer?k=1&a=1"


def test_home_and_the_expired_link_on_each_domain(
    browser: object, domain: tuple[str, str, LinkSet], target: str
) -> None:
    name, base, linkset = domain
    home = "/home" if name == DOMAINS[0] else "/cn-home"
    assert _follow(browser, base + "/", target) == target + home
    if any(link.slug == "gone" for link in linkset.links):
        context = new_context(browser)
        page = context.new_page()
        try:
            page.goto(base + "/gone")
            page.wait_for_load_state("load")
            assert page.url == base + "/gone"  # the expired page answers; no redirect
            assert "expired" in page.content().lower()
        finally:
            context.close()


def test_the_same_slug_lands_on_each_domains_own_target(
    browser: object, sites: tuple[Path, dict[str, LinkSet]], target: str
) -> None:
    out, _ = sites
    for name, landing in ((DOMAINS[0], "/sale"), (DOMAINS[1], "/cn/sale")):
        for base in serve(PagesHandler, out / name):
            assert _follow(browser, base + "/sale", target) == target + landing
