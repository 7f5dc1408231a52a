"""The two-domain site (tests/e2e/two_domains.py) in every real engine: each domain's
folder served on its own, as its host would, and every path of that domain checked: a
rule the host module wrote answers with its status and the promised Location; every
other path with its page, byte for byte; the password link's target is in no answer.
Then in Chromium, on every engine and domain, what the pages promise with the site's
shared files (_shortlinks/): a campaign link and the device link land on their targets,
the password link once unlocked, the open-in-browser view and the expired view drawn in
the link's own place by the visitor's clock, and the shared preview (its state from the
visitor's clock, the QR code read back from a screenshot, no target of a password link)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.hosts import HOSTS
from generator.model import LinkSet
from generator.plan import make_plan
from generator.rules import Kind, expected_location
from tests.conftest import NOW, STRICT
from tests.e2e.engines import STARTERS, Missing
from tests.e2e.test_browser import DRAWN, watch_csp
from tests.e2e.test_conformance import get
from tests.e2e.two_domains import DOMAINS, build_sites

TARGET = "https://t.example"  # never followed: the engines answer, nothing is fetched
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI"
)


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Path, dict[str, LinkSet]]]:
    root = Path(tempfile.mkdtemp(prefix="shortlinks-two-domains-"))
    root.chmod(0o755)  # Apache serves as www-data when run as root
    yield build_sites(root, TARGET)
    shutil.rmtree(root, ignore_errors=True)


def _start(name: str, folder: Path):  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(prefix=f"shortlinks-{name}-two-"))
    work.chmod(0o755)
    try:
        return STARTERS[name](folder, work), work
    except Missing as exc:
        shutil.rmtree(work, ignore_errors=True)
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("name", sorted(STARTERS))
def test_every_link_of_each_domain_answers_as_promised(
    name: str, domain: str, sites: tuple[Path, dict[str, LinkSet]]
) -> None:
    out, linksets = sites
    folder = out / domain
    plan = make_plan(linksets[domain], NOW)
    host = HOSTS[name]
    ruled = {r.path: r for r in host.ruled(plan, frozenset(HOSTS))}
    engine, work = _start(name, folder)
    failures: list[str] = []
    secret = next(link for link in plan.links if link.password).target.url
    try:
        paths = ["/", *("/" + e.slug for e in plan.entries)]
        assert len(paths) > 50  # the campaign's links are there, on both domains
        for path in paths:
            for query in ("", "a=1"):
                status, location, body = get(engine.base, path, query)
                if secret in (location or "") or secret.encode() in body:
                    failures.append(f"{path}: the password link's target is in the answer")
                rule = ruled.get(path)
                if rule is not None and rule.kind is Kind.redirect:
                    want: tuple = (rule.status, expected_location(rule, query))
                    got: tuple = (status, location)
                elif rule is not None:  # gone
                    want, got = (410, (folder / rule.page).read_bytes()), (status, body)
                else:
                    page = "index.html" if path == "/" else path.lstrip("/") + ".html"
                    want, got = (200, (folder / page).read_bytes()), (status, body)
                if got != want:
                    failures.append(f"{path}?{query}: want {want!r:.160}, got {got!r:.160}")
        # a link of the other domain is not here
        other = "/cn-only-nothing" if domain == DOMAINS[0] else "/plain"
        status, _l, body = get(engine.base, other)
        assert (status, body) == (404, (folder / "404.html").read_bytes())
    finally:
        engine.stop()
        if os.environ.get("SHORTLINKS_KEEP_LOGS") != "1":
            shutil.rmtree(work, ignore_errors=True)
    assert not failures, f"{name} on {domain}:\n" + "\n".join(failures[:40])
    if name in ("nginx", "caddy"):  # the plain links really are rules there
        assert "/plain" in ruled or domain != DOMAINS[0]
        assert "/spring-d07" in ruled


def test_the_same_slug_answers_its_own_target_on_each_domain(
    sites: tuple[Path, dict[str, LinkSet]],
) -> None:
    out, _ = sites
    assert f"{TARGET}/sale" in (out / DOMAINS[0] / "_redirects").read_text()
    assert f"{TARGET}/cn/sale" in (out / DOMAINS[1] / "_redirects").read_text()
    assert f"{TARGET}/cn/sale" not in (out / DOMAINS[0] / "_redirects").read_text()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("name", sorted(STARTERS))
def test_the_pages_promises_hold_in_chromium_on_every_engine(
    name: str, domain: str, sites: tuple[Path, dict[str, LinkSet]], browser: object
) -> None:
    import io
    import re
    from datetime import datetime, timezone

    import PIL.Image
    import zxingcpp
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    from tests.e2e.two_domains import PASSWORD

    out, _linksets = sites
    engine, work = _start(name, out / domain)
    failures: list[str] = []
    short = f"https://{domain}"
    after_expiry = datetime(2027, 4, 1, tzinfo=timezone.utc)  # wx and the campaign expire

    def page_at(at: datetime = NOW, **options: object) -> object:
        context = browser.new_context(**options)  # type: ignore[attr-defined]
        context.clock.set_fixed_time(at)
        # the targets are answered here: nothing leaves the machine
        context.route(
            re.compile(r"^https://t\.example/"),
            lambda route: route.fulfill(status=200, content_type="text/plain", body="target"),
        )
        page = context.new_page()
        page.violations = watch_csp(page)  # type: ignore[attr-defined]
        return page

    def lands(page: object, path: str, want: str) -> None:
        """The browser goes from ``path`` to ``want``: by the page's script (a navigation the
        context's route answers), or by the engine's redirect, which Chromium follows
        itself past any route (t.example resolves nowhere: the navigation fails there)."""
        asked: list[str] = []
        page.on(  # type: ignore[attr-defined]
            "request", lambda r: asked.append(r.url) if r.is_navigation_request() else None
        )
        try:
            page.goto(engine.base + path)  # type: ignore[attr-defined]
            page.wait_for_url(want, timeout=15_000)  # type: ignore[attr-defined]
        except PlaywrightError:  # said here, with where it went instead
            pass
        if asked[-1:] != [want]:
            failures.append(f"{path}: went to {asked}, not {want}")

    def done(page: object) -> None:
        failures.extend(f"{page.url}: {v}" for v in page.violations)  # type: ignore[attr-defined]
        page.context.close()  # type: ignore[attr-defined]

    try:
        # a campaign's link, with the visitor's query
        page = page_at()
        lands(
            page,
            "/spring-d07?via=qr",
            f"{TARGET}/spring?lang=zh&utm_source=d07&utm_medium=distributor&utm_campaign=spring"
            "&via=qr",
        )
        done(page)
        # the device link by user agent: a phone, and WeChat (its own target, no hint)
        for agent, want in ((IPHONE, "/app/ios"), (WECHAT, "/app/wechat")):
            page = page_at(user_agent=agent)
            lands(page, "/app", TARGET + want)
            done(page)
        # the password link, once unlocked, with the visitor's query
        page = page_at()
        page.goto(engine.base + "/vip?a=1")
        page.fill("#password", PASSWORD)
        page.click("#unlock button")
        try:
            page.wait_for_url(f"{TARGET}/vip/offer?k=1&a=1", timeout=15_000)
        except PlaywrightTimeout:
            failures.append(f"/vip: unlocked to {page.url}")
        done(page)
        # open_in_browser inside WeChat: the view in the link's own place, query merged in
        page = page_at(user_agent=WECHAT)
        page.goto(engine.base + "/wx?from=group")
        expect(page).to_have_title("Open this link in your browser")
        expect(page.locator("#short")).to_have_text(f"{TARGET}/wx?from=group")
        if page.evaluate("document.documentElement.hidden") or "/wx" not in page.url:
            failures.append(f"/wx in WeChat: hidden, or went on to {page.url}")
        done(page)
        # past its expiry by the visitor's clock (the site not rebuilt): the expired view
        page = page_at(after_expiry)
        page.goto(engine.base + "/wx")
        expect(page).to_have_title("Link expired")
        if "Winter sale" not in page.inner_text("main") or "/wx" not in page.url:
            failures.append(f"/wx expired: {page.url} {page.inner_text('main')!r:.120}")
        done(page)
        # the shared preview: target, state by the visitor's clock, QR code read back
        for at, state, target in (
            (NOW, "Valid until 31 March 2027", f"{TARGET}/wx"),
            (after_expiry, "Expired: it was valid until 31 March 2027", None),
        ):
            page = page_at(at, device_scale_factor=2)
            page.goto(engine.base + "/wx+")
            expect(page.locator("#short")).to_have_text(f"{short}/wx")
            expect(page.locator("#qr")).to_have_attribute("src", DRAWN)
            text = page.inner_text("main")
            hrefs = page.eval_on_selector_all(".target a", "e => e.map(a => a.href)")
            if state not in text or hrefs != ([target] if target else []):
                failures.append(f"/wx+ at {at:%Y-%m-%d}: {hrefs} {text!r:.200}")
            shot = page.locator("#qr").screenshot()
            read = [r.text for r in zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(shot)))]
            if read != [f"{short}/wx"]:
                failures.append(f"/wx+: QR code read as {read}")
            done(page)
        # a link that starts later: its preview says when, and shows no target
        page = page_at()
        page.goto(engine.base + "/soon+")
        expect(page.locator("#short")).to_have_text(f"{short}/soon")
        if (
            "Opens on 1 January 2027" not in page.inner_text("main")
            or page.locator(".target a").count()
        ):
            failures.append(f"/soon+: {page.inner_text('main')!r:.200}")
        done(page)
        # the password link's preview: that it is protected, never where it goes
        page = page_at()
        page.goto(engine.base + "/vip+")
        expect(page.locator("#short")).to_have_text(f"{short}/vip")
        if "protected by a password" not in page.inner_text("main") or "vip/offer" in (
            page.content()
        ):
            failures.append(f"/vip+: {page.inner_text('main')!r:.200}")
        done(page)
    finally:
        engine.stop()
        if os.environ.get("SHORTLINKS_KEEP_LOGS") != "1":
            shutil.rmtree(work, ignore_errors=True)
    assert not failures, f"{name} on {domain}:\n" + "\n".join(failures)
