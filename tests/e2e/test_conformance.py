"""Conformance: one fixture site, served by each real engine, every slug checked.

For every path of tests/fixtures/conformance.yaml the engine must give exactly what
the host module promises: a rule it wrote answers with its status and a Location
equal byte for byte to the promised one (query passed on where promised); every
other path answers with its page, unchanged; unknown paths get 404.html with 404.
The visitor's query reaches the target byte for byte on every engine, by rule or
through the page (checked in Chromium), and the paths around a slug (past it, a
folder, its preview) get one answer on every engine.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import check
from generator.hosts import HOSTS
from generator.hosts.redirects_file import netlify_languages
from generator.pages import environment
from generator.plan import Plan, make_plan
from generator.rules import Kind, Rule, edge_rules, expected_location, language_rules
from generator.write import write_site
from tests.conftest import FIXTURES, NOW, STRICT
from tests.e2e.engines import STARTERS, Engine, Missing
from tests.sites import render_site

QUERIES = ("", "a=1&b=x%20y")

# What visitors add to a short link, as a browser sends it ('?' and all): every one must
# reach the target byte for byte wherever the link passes the query on.
VISITOR_QUERIES = (
    "?q=a%20b",  # a space as %20 (Netlify's rule made it '+')
    "?q=a+b",  # a space as '+'
    "?q=a%2Bb",  # a plus (superstatic made it %252B)
    "?q=a%26b&r=1",  # an escaped '&'
    "?q=%E4%B8%AD%E6%96%87",  # Unicode, as browsers escape it
    "?q=%e4%b8%ad",  # lowercase escapes
    "?a=1&a=2&b=3",  # a repeated key
    "?a=&b&c=1",  # empty values, a key without '='
    "?b=2&a=1",  # not in order
    "?next=/x?y=1",  # a '?' inside the query
    "?next=%2Fx%3Fy%3D1",  # an escaped one
    "?a=1&",  # a final '&'
    "?&",  # nothing but '&'
    "?",  # a bare '?': no query
    "?x=100%",  # a lone '%'
)


def fetch(
    base: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int, str | None, bytes]:
    """GET exactly ``target`` (path and query as they go on the wire) without following
    redirects; ``headers`` sent besides."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    conn.request("GET", target, headers={"Accept": "text/html", **(headers or {})})
    resp = conn.getresponse()
    body = resp.read()
    location = resp.getheader("Location")
    conn.close()
    return resp.status, location, body


def wire(path: str) -> str:
    """A path as a browser sends it: non-ASCII percent-encoded, '+' and escapes kept."""
    return urllib.parse.quote(path, safe="/-_.~+%")


def get(base: str, path: str, query: str = "") -> tuple[int, str | None, bytes]:
    """GET exactly this path (percent-encoded here) and query (none when empty)."""
    return fetch(base, wire(path) + (f"?{query}" if query else ""))


@pytest.fixture(scope="module")
def fixture_site() -> Iterator[tuple[Path, Plan]]:
    # Under /tmp with open permissions: Apache serves as www-data when run as root.
    root = Path(tempfile.mkdtemp(prefix="shortlinks-conformance-"))
    root.chmod(0o755)
    result = check(FIXTURES / "conformance.yaml")
    assert result.linkset is not None, result.problems
    plan = make_plan(result.linkset, NOW)
    site = render_site(plan, environment())
    write_site(root / "_site", site.files)
    yield root / "_site", plan
    shutil.rmtree(root, ignore_errors=True)


def _serving(name: str, site: Path, prefix: str) -> Iterator[Engine]:
    """Engine ``name`` serving ``site`` from a work folder of its own, stopped and removed
    after (kept with SHORTLINKS_KEEP_LOGS=1); missing, it fails under CI and skips else."""
    work = Path(tempfile.mkdtemp(prefix=f"{prefix}{name}-"))
    work.chmod(0o755)
    try:
        eng = STARTERS[name](site, work)
    except Missing as exc:
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    yield eng
    eng.stop()
    if os.environ.get("SHORTLINKS_KEEP_LOGS") != "1":
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module", params=sorted(STARTERS))
def engine(request: pytest.FixtureRequest, fixture_site: tuple[Path, Plan]) -> Iterator[Engine]:
    yield from _serving(request.param, fixture_site[0], "shortlinks-")


def paths_of(plan: Plan) -> list[str]:
    return ["/", *("/" + e.slug for e in plan.entries)]


def test_every_path_behaves_as_the_host_module_promises(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    site, plan = fixture_site
    failures = _misbehaving(engine, site, plan)
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def _misbehaving(engine: Engine, site: Path, plan: Plan) -> list[str]:
    """Every path of the plan, with and without a query, against what the host module
    promises: a rule's redirect or 410, else the page."""
    all_hosts = frozenset(HOSTS)
    ruled: dict[str, Rule] = {r.path: r for r in HOSTS[engine.name].ruled(plan, all_hosts)}
    if engine.name == "netlify":
        ruled.update(netlify_without_a_language(plan))
    behaviour = HOSTS[engine.name].behaviour
    slugs = [e.slug for e in plan.entries]
    folders = {"/" + s for s in slugs if any(t.startswith(s + "/") for t in slugs)}
    failures = []
    for path in paths_of(plan):
        for query in QUERIES:
            status, location, body = get(engine.base, path, query)
            rule = ruled.get(path)
            if rule is not None and rule.kind is Kind.redirect:
                want = (rule.status, expected_location(rule, query))
                got = (status, location)
            elif rule is not None:  # gone
                want = (410, (site / rule.page).read_bytes())
                got = (status, body)
            elif path in folders and behaviour.folder_slug_status == 302:
                want = (302, path + ".html")  # a page's slug that is a folder too
                got = (status, urllib.parse.unquote(urllib.parse.urlsplit(location).path))
            else:
                page = "index.html" if path == "/" else path.lstrip("/") + ".html"
                want = (200, (site / page).read_bytes())
                got = (status, body)
            if got != want:
                failures.append(f"{path}?{query}: want {want!r:.200}, got {got!r:.200}")
    return failures


def netlify_without_a_language(plan: Plan) -> dict[str, Rule]:
    """The language links netlify-cli answers a request without Accept-Language by rule:
    it reads such a request's language as 'en' (utils/rules-proxy.js, ``getLanguage``), so
    a link with a ``Language=en`` line sends it to its 'en' target (docs/hosts.md)."""
    return {
        rule.path: rule.to_target(target)
        for rule in language_rules(plan)
        for tag, target in netlify_languages(rule)
        if tag == "en"
    }


def test_the_engine_answers_by_rule_where_it_can(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """The rules really are used: the plainest link, and 410s where the host has them.
    Firebase has no redirects (firebase.py): its engine answers the plainest link with
    the page."""
    site, plan = fixture_site
    host = HOSTS[engine.name]
    ruled = {r.path for r in host.ruled(plan, frozenset(HOSTS))}
    assert ("/gone" in ruled) == (410 in host.statuses)
    plain = next((p for p in ("/temp", "/fixed") if p in ruled), None)
    if engine.name == "firebase":
        assert plain is None and not ruled
        status, _location, body = get(engine.base, "/temp")
        assert (status, body) == (200, (site / "temp.html").read_bytes())
        return
    assert plain is not None, ruled
    status, _location, _body = get(engine.base, plain)
    assert status == 302


def test_unknown_path_gets_the_404_page(engine: Engine, fixture_site: tuple[Path, Plan]) -> None:
    site, _ = fixture_site
    status, _loc, body = get(engine.base, "/no-such-link")
    assert (status, body) == (404, (site / "404.html").read_bytes())


def test_case_and_trailing_slash_behave_as_documented(engine: Engine) -> None:
    """On '/fixed', which every host with rules rules (it drops the visitor's query)."""
    behaviour = HOSTS[engine.name].behaviour
    ruled = engine.name != "firebase"
    status_upper, _l, _b = get(engine.base, "/FIXED")
    assert status_upper == (302 if behaviour.case_insensitive else 404), behaviour.case
    status_slash, location, _b = get(engine.base, "/fixed/")
    assert status_slash == behaviour.slash_status, behaviour.trailing_slash
    if status_slash in (301, 308):  # to '/fixed', then its rule or page
        assert urllib.parse.urlsplit(location).path == "/fixed"
    assert ruled == (get(engine.base, "/fixed")[0] == 302)


def test_the_rule_files_themselves_are_not_served(engine: Engine) -> None:
    # superstatic serves firebase.json; Firebase's deploy leaves it out ("ignore" in it).
    served = HOSTS[engine.name].behaviour.serves_own_config
    for name in HOSTS[engine.name].files:
        status, _l, _b = get(engine.base, "/" + name)
        assert (status == 200) == served, (name, status)


def test_docs_name_the_engine_and_version_that_was_run(engine: Engine) -> None:
    from tests.test_docs import host_rows

    verified_by = host_rows()[engine.name].rstrip(" |").rsplit("|", 1)[-1]
    assert engine.version in verified_by, (engine.version, verified_by)


# Which paths of the fixture each host answers by rule: fixed here, from the reasons in
# docs/hosts.md, so that a change that quietly drops (or adds) rules fails. Every other
# path must be answered by its page, which the engine tests check.
_EVERY_REDIRECT = {
    "/", "/temp", "/perm", "/p308", "/t307", "/withq", "/frag", "/news", "/fixed", "/noq",
    "/permfixed", "/sale", "/promo", "/特卖", "/优惠券", "/moved", "/dollar", "/team/docs",
    "/long", "/huge", "/geo", "/geo-q",
}  # fmt: skip
_GONE = {"/gone", "/过期"}
_REDIRECTS_FILE = {
    "/",
    "/dollar",
    "/fixed",
    "/geo",
    "/geo-q",
    "/moved",
    "/p308",
    "/perm",
    "/promo",
    "/sale",
    "/t307",
    "/team/docs",
    "/temp",
    "/优惠券",
    "/特卖",
}  # fmt: skip  (query semantics kept; no fragment; '/long' and '/huge' over 1,000 characters)
EXPECTED_RULED = {
    # only links that drop the visitor's query: Netlify re-encodes a forwarded one
    "netlify": {"/fixed", "/geo"} | _GONE,
    "cloudflare": _REDIRECTS_FILE,
    "gitlab": set(),  # beside other hosts, every link is its page there
    "github-pages": set(),
    # no redirects: superstatic re-encodes the visitor's query and always appends it
    "firebase": set(),
    # redirects drop the query: only forward_query: false; 410 by rewrite
    "azure": {"/fixed", "/geo", "/noq", "/permfixed"} | _GONE,
    # no fragment, no '$', under 4,096 characters; forward_query: false in the bulk file
    # and the language link, in vercel.json (has/missing on Accept-Language)
    "vercel": (_EVERY_REDIRECT - {"/frag", "/dollar", "/huge"}) | {"/hello"},
    "s3": {"/permfixed"},  # 301 and forward_query: false only
    # and the language links, by Accept-Language (their page answers them everywhere else;
    # Netlify's Language= lines answer only some visitors of '/hello-fixed': not ruled)
    "nginx": (_EVERY_REDIRECT - {"/dollar", "/huge"}) | _GONE | {"/hello", "/hello-fixed"},
    "apache": (_EVERY_REDIRECT - {"/huge"}) | _GONE | {"/hello", "/hello-odd", "/hello-fixed"},
    "caddy": _EVERY_REDIRECT | _GONE | {"/hello", "/hello-odd", "/hello-fixed"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_each_host_rules_exactly_the_expected_paths(
    name: str, fixture_site: tuple[Path, Plan]
) -> None:
    _site, plan = fixture_site
    ruled = {r.path for r in HOSTS[name].ruled(plan, frozenset(HOSTS))}
    assert ruled == EXPECTED_RULED[name]


@pytest.mark.parametrize("name", ["nginx", "apache", "caddy"])
def test_web_servers_hide_every_rule_file_and_the_manifest(
    name: str, fixture_site: tuple[Path, Plan]
) -> None:
    """nginx, Apache and Caddy serve the whole folder: the rule files of every host and the
    build's manifest answer 404 there (the hosts' own platforms keep theirs private)."""
    from generator.hosts import private_files

    site, _plan = fixture_site
    work = Path(tempfile.mkdtemp(prefix=f"shortlinks-private-{name}-"))
    work.chmod(0o755)
    try:
        eng = STARTERS[name](site, work)
    except Missing as exc:
        if STRICT:
            pytest.fail(f"{exc} is not installed")
        pytest.skip(f"{exc} is not installed")
    try:
        for file in private_files():
            status, _l, _b = get(eng.base, "/" + file)
            assert status == 404, (file, status)
    finally:
        eng.stop()
        shutil.rmtree(work, ignore_errors=True)


# What '/slug+' gets, by its one rule to the shared preview page (200), or, on a host whose
# rules have no pattern for it, the 404 page (404), whose script draws the preview (the
# browser test below); Azure by a route per preview. Spelt '/slug%2B', the engines that
# match the decoded path apply the rule too; the others answer the 404 page. A path that
# is no link's gets the same answer (the shared page then says so), but on Azure: 404.
PREVIEW_STATUS = {
    "nginx": (200, 200), "apache": (200, 200), "caddy": (200, 200), "firebase": (200, 404),
    "cloudflare": (200, 404), "azure": (200, 404), "netlify": (404, 404),
}  # fmt: skip


def test_preview_pages_are_served(engine: Engine, fixture_site: tuple[Path, Plan]) -> None:
    """'/slug+' answers with the shared preview page, or with the 404 page that draws it:
    no file a link either way."""
    site, _plan = fixture_site
    pages = {
        200: (site / "_shortlinks/preview.html").read_bytes(),
        404: (site / "404.html").read_bytes(),
    }
    failures = []
    for slug in ("temp", "优惠券", "team/docs", "later", "later/notes", "sale", "nothing-here"):
        for spelt, want in zip(("+", "%2B"), PREVIEW_STATUS[engine.name], strict=True):
            if engine.name == "azure" and slug == "nothing-here":
                want = 404  # a route for each link's preview, none for other paths
            status, _l, body = fetch(engine.base, wire("/" + slug) + spelt)
            if (status, body) != (want, pages[want]):
                failures.append(f"/{slug}{spelt}: want {want}, got {status} {body[:60]!r}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# The shared files the pages load, and the media types a browser needs to use them (a
# script served as anything else is refused where 'X-Content-Type-Options: nosniff' is set).
SHARED = {
    "/_shortlinks/qr.js": ("text/javascript", "application/javascript"),
    "/_shortlinks/views.js": ("text/javascript", "application/javascript"),
    "/_shortlinks/style.css": ("text/css",),
}


def test_the_shared_scripts_and_style_are_served_as_such(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    site, _plan = fixture_site
    host, port = urllib.parse.urlsplit(engine.base).netloc.split(":")
    failures = []
    for path, types in SHARED.items():
        conn = http.client.HTTPConnection(host, int(port), timeout=15)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        kind = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
        conn.close()
        if (resp.status, body) != (200, (site / path.lstrip("/")).read_bytes()):
            failures.append(f"{path}: {resp.status} {body[:80]!r}")
        elif kind not in types:
            failures.append(f"{path}: Content-Type {kind!r}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# Paths that are not links: past a slug, a folder ('/team' holds only 'team/docs'), past a
# folder. Apache answered '/temp/more' with a 500 (a rewrite loop) and a folder with a 301
# to '/team/', as did Azure; every engine must answer the 404 page with 404.
NOT_LINKS = (
    "/temp/more", "/temp/more/x", "/temp+/x", "/fixed/more", "/gone/x", "/team", "/team/",
    "/team/docs/x", "/_qr", "/_qr/", "/_qr/team", "/_expired", "/_shortlinks", "/优惠券/x",
    "/later/notes/x", "/过期/x",
)  # fmt: skip
# Odd spellings around a slug: whatever an engine answers, never a server error.
ODD = (
    "/temp%2B", "/temp%2b", "/%E4%BC%98%E6%83%A0%E5%88%B8%2B", "/te%6Dp", "/temp;x", "/temp.",
    "/temp.html/", "/temp+/", "/temp++", "/temp%2F", "/temp%2Fmore", "/temp/./", "/temp//",
    "//temp", "/.temp", "/temp~", "/temp%20", "/temp?%", "/team%2Fdocs", "/_qr/temp.svg/",
)  # fmt: skip


def test_paths_around_a_slug_get_one_answer_on_every_engine(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    site, _plan = fixture_site
    behaviour = HOSTS[engine.name].behaviour
    not_found = (404, (site / "404.html").read_bytes())
    failures = []
    for path in NOT_LINKS:
        status, _l, body = get(engine.base, path)
        if (status, body) != not_found:
            failures.append(f"{path}: {status} {body[:80]!r}")
    for target in ODD:
        status, _l, body = fetch(engine.base, target)
        # wrangler's local server reads assets from disk and fails on 'x.html/' (ENOTDIR
        # on 'x.html/index.html'): its own error, whatever the rules say
        local = engine.name == "cloudflare" and b"[wrangler] Could not serve static asset" in body
        if status >= 500 and not (local and target.endswith((".html/", ".svg/"))):
            failures.append(f"{target}: {status}")
    # '/later' is a link's page and a folder (of 'later/notes'): the page
    status, location, body = get(engine.base, "/later")
    page = (site / "later.html").read_bytes()
    if behaviour.folder_slug_status == 200:
        if (status, body) != (200, page):
            failures.append(f"/later: {status} {location} {body[:80]!r}")
    else:
        assert behaviour.folder_slug_status == 302
        to = urllib.parse.urlsplit(location or "").path
        if (status, to) != (302, "/later.html") or get(engine.base, to)[::2] != (200, page):
            failures.append(f"/later: {status} {location}")
    # '/temp.html': the page, or a redirect to '/temp' (then its rule or page)
    status, location, body = get(engine.base, "/temp.html")
    if behaviour.html_status == 200:
        if (status, body) != (200, (site / "temp.html").read_bytes()):
            failures.append(f"/temp.html: {status} {location}")
    elif (status, urllib.parse.urlsplit(location or "").path) != (behaviour.html_status, "/temp"):
        failures.append(f"/temp.html: {status} {location}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# The forwarding links of the fixture: a target without a query, with one, with a
# fragment, with utm parameters merged in, the home redirect, a Unicode slug to an escaped
# target.
FORWARDING = ("/temp", "/withq", "/frag", "/news", "/", "/优惠券")


def test_the_visitors_query_reaches_the_target_byte_for_byte(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """A rule answers with the visitor's query in the Location exactly as it came (Netlify
    answered '%20' as '+'); where the host has no rule that can, the page answers, unchanged
    (the browser test below shows where its script lands)."""
    site, plan = fixture_site
    rules = {r.path: r for r in edge_rules(plan)}
    ruled = {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    failures = []
    for path in FORWARDING:
        rule = rules[path]
        assert rule.forward_query and rule.kind is Kind.redirect
        for query in VISITOR_QUERIES:
            status, location, body = fetch(engine.base, wire(path) + query)
            if path in ruled:
                want: tuple = (rule.status, expected_location(rule, query[1:]))
                got: tuple = (status, location)
            else:
                want, got = (200, (site / rule.page).read_bytes()), (status, body)
            if got != want:
                failures.append(f"{path}{query}: want {want!r:.160}, got {got!r:.160}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# Where the pages' script goes: the fixture's targets. Only the engines' loopback
# addresses are real; anything else is answered inside the browser.
LANDING = re.compile(r"^https://(t\.example|www\.example\.com)/")
ELSEWHERE = re.compile(r"^(?!http://127\.0\.0\.1:)")


def test_in_a_browser_the_page_lands_on_the_same_url_as_a_rule(
    engine: Engine, fixture_site: tuple[Path, Plan], browser: object
) -> None:
    """Where the engine answers a forwarding link with its page (no rule there can keep
    the visitor's query), Chromium runs the page's script: it must land on the URL a rule
    promises, byte for byte, whatever the visitor's query (a rule's Location is checked
    over HTTP above). Where the engine rules every forwarding link, nothing is left to
    check here."""
    _site, plan = fixture_site
    rules = {r.path: r for r in edge_rules(plan)}
    ruled = {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    paged = [p for p in FORWARDING if p not in ruled]
    if engine.name in ("netlify", "firebase", "azure"):  # no rule that passes a query on
        assert paged == list(FORWARDING)
    context = browser.new_context()  # type: ignore[attr-defined]
    context.clock.set_fixed_time(NOW)  # the pages check the visitor's clock
    # the script's location.replace is a navigation of its own, which routes see
    context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="target"))
    page = context.new_page()
    failures = []
    try:
        for path in paged:
            for query in VISITOR_QUERIES:
                page.goto(engine.base + wire(path) + query)
                page.wait_for_url(LANDING, timeout=15_000)
                want = expected_location(rules[path], query[1:])
                if page.url != want:
                    failures.append(f"{path}{query}: want {want}, landed on {page.url}")
    finally:
        context.close()
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def as_if_in(country: str) -> dict[str, str]:
    """The headers that tell each engine the visitor's country: netlify-cli takes it from
    ``x-country`` (or the ``nf_country`` cookie; rules-proxy.js), as Netlify's edge fills
    it in; Vercel's edge sets ``x-vercel-ip-country``. The other engines know no country."""
    return {"x-country": country, "Cookie": f"nf_country={country}", "x-vercel-ip-country": country}


# (country, path, where Netlify sends the visitor: the fixture's country links)
COUNTRY_LANDINGS = (
    ("CN", "/geo", "https://t.example/geo?c=cn"),
    ("HK", "/geo", "https://t.example/geo?c=cn"),  # one line for both: Country=cn,hk
    ("TW", "/geo?z=1", "https://t.example/geo?c=tw"),  # the query dropped, as promised
    ("US", "/geo", None),  # none of its countries: as without one
    ("cn", "/geo", "https://t.example/geo?c=cn"),  # the engine ignores the case
    ("CN", "/geo-q", None),  # it passes the query on: its page on Netlify, for everyone
)


def test_a_country_link_goes_by_the_visitors_country_where_the_host_knows_it(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """netlify-cli answers a visitor from a country of ``geo`` with the country's target
    (its Country= lines, matched by Netlify's own redirector); every other engine, told the
    country in every header any host reads, answers exactly as without it (the link's own
    rule or page): they know no country. Vercel's ``has`` is proved by
    tests/e2e/test_vercel.py against Vercel's routing package."""
    failures = []
    for country, path, netlify in COUNTRY_LANDINGS:
        plain = fetch(engine.base, path)
        got = fetch(engine.base, path, as_if_in(country))
        if engine.name == "netlify" and netlify is not None:
            want: tuple[int, str | None] = (302, netlify)
        else:
            want = plain[:2]
        if got[:2] != want or (want[0] == 200 and got[2] != plain[2]):
            failures.append(f"{country} {path}: want {want}, got {got[:2]}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# (country, what Chromium opens, where it lands on Netlify, and on every other engine:
# the link's own target, as docs/hosts.md promises where no edge rule knows the country)
BROWSER_COUNTRY_LANDINGS = (
    ("CN", "/geo", "https://t.example/geo?c=cn", "https://t.example/geo?c=world"),
    ("TW", "/geo?z=1", "https://t.example/geo?c=tw", "https://t.example/geo?c=world"),
    ("US", "/geo", "https://t.example/geo?c=world", "https://t.example/geo?c=world"),
    # it passes the query on: its page on Netlify, which cannot know the country
    ("CN", "/geo-q?a=1", "https://t.example/geoq?a=1", "https://t.example/geoq?a=1"),
)


def _landing(context: object, engine: Engine, path: str) -> tuple[str, list]:
    """Where Chromium lands from ``path``: the page it was sent to, or, for a redirect of
    the engine's, its Location (a route sees no request a redirect leads to: Playwright's
    docs, page.route), with the engine's answers."""
    from playwright.sync_api import Error as PlaywrightError

    page = context.new_page()  # type: ignore[attr-defined]
    answers: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda r: (
            answers.append((r.status, r.headers.get("location")))
            if r.url.startswith(engine.base)
            else None
        ),
    )
    try:
        page.goto(engine.base + path)
        page.wait_for_url(LANDING, timeout=15_000)
        return page.url, answers
    except PlaywrightError:  # the redirect's target, which no route answers
        return next((loc for st, loc in answers if 300 < st < 400), None) or page.url, answers


def test_in_a_browser_a_country_link_goes_by_the_country_where_the_host_knows_it(
    engine: Engine, fixture_site: tuple[Path, Plan], browser: object
) -> None:
    """Chromium, sending the country as each engine would be told it (the headers of
    ``as_if_in``, the ``nf_country`` cookie set for the engine's address), lands on the
    country's target on Netlify (netlify-cli's Country= lines), and on the link's own
    target everywhere else, by rule or through its page: no other engine knows the
    country, and a page cannot."""
    failures = []
    for country, path, netlify, others in BROWSER_COUNTRY_LANDINGS:
        context = browser.new_context()  # type: ignore[attr-defined]
        context.clock.set_fixed_time(NOW)
        context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="target"))
        headers = {k: v for k, v in as_if_in(country).items() if k != "Cookie"}
        context.set_extra_http_headers(headers)
        context.add_cookies([{"name": "nf_country", "value": country, "url": engine.base}])
        try:
            landed, answers = _landing(context, engine, path)
        finally:
            context.close()
        want = netlify if engine.name == "netlify" else others
        if landed != want:
            failures.append(f"{country} {path}: want {want}, landed on {landed} ({answers})")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# The targets of the fixture's 'hello-fixed'
_FIXED = "https://t.example/hello-fixed"
FIXED_ZH, FIXED_EN, FIXED_FI = f"{_FIXED}%22'x;y?l=zh&q=a%20b", f"{_FIXED}?l=en", f"{_FIXED}?l=fi"
FIXED_URL = f"{_FIXED}?l=url"


# (what Chromium opens, the browser's locale, which sets navigator.languages and
# Accept-Language, where the fixture's language links must send it, and whether Netlify
# answers by its Language= lines: only 'hello-fixed', for a first language of zh or en)
LANGUAGE_LANDINGS = (
    ("/hello?a=1", "zh-TW", "https://t.example/hello-tw?a=1", False),  # the exact tag
    ("/hello?a=1", "zh-CN", "https://t.example/hello-zh?a=1", False),  # its primary subtag
    ("/hello?a=1", "en-US", "https://t.example/hello-en?a=1", False),  # none: the link's url
    ("/hello-fixed?a=1", "zh-CN", FIXED_ZH, True),  # the query dropped, as the link asks
    ("/hello-fixed?a=1", "en-US", FIXED_EN, True),
    ("/hello-fixed?a=1", "fi-FI", FIXED_FI, False),  # no Language=fi line: the page
    ("/hello-fixed?a=1", "de-DE", FIXED_URL, False),  # none: the page sends it to url
)


# Accept-Language as browsers send it, and where the fixture's language link ('hello': zh,
# zh-TW, url hello-en) sends the visitor on nginx, Apache and Caddy: a target by the first
# language, None for its page (a later language decides there), or the link's own target.
ACCEPT_LANGUAGES = (
    ("zh-TW", "https://t.example/hello-tw"),
    ("zh-TW,zh;q=0.9,en;q=0.8", "https://t.example/hello-tw"),  # Chrome's list for zh-TW
    ("zh-tw", "https://t.example/hello-tw"),  # letter case ignored, as by the page
    (" zh-TW ; q=1", "https://t.example/hello-tw"),  # spaces
    ("zh-CN,zh;q=0.9", "https://t.example/hello-zh"),  # lookup: zh-CN finds zh
    ("zh-Hant-TW,en", "https://t.example/hello-zh"),  # zh-Hant-TW, zh-Hant, zh
    ("zh", "https://t.example/hello-zh"),  # zh does not find zh-TW
    ("en-US,en;q=0.9,zh-TW;q=0.8", None),  # a later language finds one: the page
    ("en-US,en;q=0.9", "https://t.example/hello-en"),  # none finds one
    ("zhx,en", "https://t.example/hello-en"),  # no tag of its
    ("*", "https://t.example/hello-en"),
    ("", "https://t.example/hello-en"),  # an empty header: none
)


def test_a_language_link_goes_by_the_accept_language_header_where_the_host_reads_it(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """nginx, Apache and Caddy answer the language link by the visitor's Accept-Language,
    as docs/hosts.md says (the first language decides; a later one leaves it to the page;
    none, the link's own target), the visitor's query after the target; every other engine
    answers with the page, whatever the header."""
    site, plan = fixture_site
    page = (site / "hello.html").read_bytes()
    at_edge = "/hello" in {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    assert at_edge == (engine.name in ("nginx", "apache", "caddy"))
    failures = []
    for header, target in ACCEPT_LANGUAGES:
        for query in ("", "?a=1&b=x%20y"):
            got = fetch(engine.base, "/hello" + query, {"Accept-Language": header})
            if at_edge and target is not None:
                ok = got[:2] == (302, target + query)
            else:
                ok = got[0] == 200 and got[2] == page
            if not ok:
                failures.append(f"{header!r} {query}: want {target}, got {got[:2]}")
    # the odd one: its targets byte for byte where the engine has its rule, else its page
    odd = "/hello-odd" in {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    page = (site / "hello-odd.html").read_bytes()
    for header, query, target in (
        ("ja-JP,en", "", "https://t.example/ja%22'$x;y?k=1"),
        ("ja", "?a=1", "https://t.example/ja%22'$x;y?k=1&a=1"),
        ("en", "?a=1", "https://t.example/odd%22'$x;y?a=1"),
    ):
        got = fetch(engine.base, "/hello-odd" + query, {"Accept-Language": header})
        ok = got[:2] == (302, target) if odd else (got[0] == 200 and got[2] == page)
        if not ok:
            failures.append(f"/hello-odd {header!r} {query}: want {target}, got {got[:2]}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# Accept-Language (None: no header), and where the fixture's 'hello-fixed' (zh, en, fi; it
# drops the query) sends the visitor: on nginx, Apache and Caddy, which take every step at
# the edge, and on Netlify, whose Language= lines answer a first language of zh or en
# (netlify-cli compares the first two characters); None: its page answers.
NETLIFY_ACCEPT_LANGUAGES: tuple[tuple[str | None, str | None, str | None], ...] = (
    ("zh-CN,zh;q=0.9", FIXED_ZH, FIXED_ZH),  # the first language: Language=zh
    ("zh", FIXED_ZH, FIXED_ZH),
    ("ZH-tw", FIXED_ZH, FIXED_ZH),  # letter case ignored
    ("en-US,zh;q=0.8", FIXED_EN, FIXED_EN),
    ("de-DE,zh;q=0.8", None, None),  # a later language: the page, on both
    ("fi-FI", FIXED_FI, None),  # no Language=fi line: Netlify's page decides
    ("fil-PH,fi;q=0.9", None, None),  # Filipino first: never read as 'fi' on Netlify
    ("fil-PH", FIXED_URL, None),
    (" zh-CN", FIXED_ZH, FIXED_ZH),  # the spaces around a header's value are no part of it
    ("*", FIXED_URL, None),
    ("", FIXED_URL, FIXED_EN),  # netlify-cli reads an empty header as 'en'
    (None, FIXED_URL, FIXED_EN),  # and no header
)


def test_netlify_answers_a_first_language_by_its_language_lines(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """netlify-cli answers a visitor whose first language has a Language= line of
    'hello-fixed' with that language's target, and every other one with the page (which
    decides from navigator.languages); nginx, Apache and Caddy answer every visitor at
    the edge; every other engine with the page, whatever the header. The visitor's query
    is dropped, as the link asks."""
    site, plan = fixture_site
    page = (site / "hello-fixed.html").read_bytes()
    full = engine.name in ("nginx", "apache", "caddy")
    ruled = {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    assert ("/hello-fixed" in ruled) == full
    failures = []
    for header, edge, netlify in NETLIFY_ACCEPT_LANGUAGES:
        want = edge if full else netlify if engine.name == "netlify" else None
        sent = {} if header is None else {"Accept-Language": header}
        for query in ("", "?a=1&b=x%20y"):
            got = fetch(engine.base, "/hello-fixed" + query, sent)
            ok = got[:2] == (302, want) if want else (got[0] == 200 and got[2] == page)
            if not ok:
                failures.append(f"{header!r} {query}: want {want or 'the page'}, got {got[:2]}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def test_in_a_browser_a_language_link_goes_by_the_visitors_languages(
    engine: Engine, fixture_site: tuple[Path, Plan], browser: object
) -> None:
    """In Chromium, with a locale a context (which sets navigator.languages and the
    Accept-Language header alike), a language link lands on the language's target, the
    visitor's query after it where the link passes it on, on every engine alike: through
    the edge's rule on nginx, Apache and Caddy, and on Netlify for a first language its
    Language= lines name, through its page's script everywhere else."""
    from playwright.sync_api import Error as PlaywrightError

    failures = []
    for path, locale, want, netlify in LANGUAGE_LANDINGS:
        by_edge = engine.name in ("nginx", "apache", "caddy") or (
            engine.name == "netlify" and netlify
        )
        context = browser.new_context(locale=locale)  # type: ignore[attr-defined]
        context.clock.set_fixed_time(NOW)
        context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="target"))
        page = context.new_page()
        # a route sees no request a redirect leads to (Playwright's docs, page.route): the
        # edge's answer is read from the response Chromium got for the link
        answers: list[tuple[int, str | None]] = []
        page.on(
            "response",
            lambda r, seen=answers: (
                seen.append((r.status, r.headers.get("location")))
                if r.url.startswith(engine.base)
                else None
            ),
        )
        try:
            try:
                page.goto(engine.base + path)
                page.wait_for_url(LANDING, timeout=15_000)
                landed = page.url
            except PlaywrightError:  # the redirect's target, which no route answers
                landed = next((loc for st, loc in answers if 300 < st < 400), None) or page.url
            # the engine's first answer: its redirect, or the page whose script went on
            first = answers[0][0] if answers else None
            if landed != want or (first == 302) != by_edge:
                failures.append(f"{path} {locale}: want {want}, landed on {landed} ({answers})")
        finally:
            context.close()
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def test_in_a_browser_variants_are_picked_by_the_page_on_every_engine(
    engine: Engine, fixture_site: tuple[Path, Plan], browser: object
) -> None:
    """A link with variants has no rule on any host (only its page can pick one): each
    engine serves its page, and Chromium, its random source fixed, lands on the variant it
    gives (even: the first, odd: the second, of equal weights), the visitor's query after
    its own."""
    _site, plan = fixture_site
    assert "/ab" not in {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    failures = []
    for value, want in ((0, "https://t.example/va?a=1"), (1, "https://t.example/vb?x=1&a=1")):
        context = browser.new_context()  # type: ignore[attr-defined]
        context.clock.set_fixed_time(NOW)
        context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="target"))
        context.add_init_script(f"crypto.getRandomValues = a => {{ a.fill({value}); return a }};")
        try:
            page = context.new_page()
            page.goto(engine.base + "/ab?a=1")
            page.wait_for_url(LANDING, timeout=15_000)
            if page.url != want:
                failures.append(f"random {value}: want {want}, landed on {page.url}")
        finally:
            context.close()
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# (app, system) of tests/e2e/test_in_app_script.py's table: one way out each
IN_APP = (("instagram", "android"), ("line", "android"), ("facebook", "ios"))


def test_in_a_browser_in_app_browsers_get_their_way_out_on_every_engine(
    engine: Engine, fixture_site: tuple[Path, Plan], browser: object
) -> None:
    """An open_in_browser link has no rule on any host (only its page can read the user
    agent): each engine serves its page, and Chromium, sending an app's user agent, gets
    what docs/links-yaml.md promises for that app: Instagram on Android the intent: URL
    of the target and the view in place, LINE the target with openExternalBrowser=1, and
    Facebook on iOS the view in place, which goes nowhere; a browser goes on at once."""
    from tests.e2e.test_browser import open_in_place
    from tests.e2e.test_in_app_script import UA, intent

    _site, plan = fixture_site
    assert "/inapp" not in {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    address = "https://t.example/inapp?x=1&a=1"  # the visitor's query merged in
    agents = {(app, system): (ua, does) for app, system, ua, does in UA}
    rows = [(app, *agents[app, system]) for app, system in IN_APP]
    assert [does for _, _, does in rows] == ["intent", "line", "hint"]
    rows.append(("chrome", *agents["chrome", "android"]))
    failures = []
    for app, ua, does in rows:
        context = browser.new_context(user_agent=ua)  # type: ignore[attr-defined]
        context.clock.set_fixed_time(NOW)
        landed: list[str] = []  # what reached the outside world (answered here)

        def outside(route: object, seen: list[str] = landed) -> None:
            seen.append(route.request.url)  # type: ignore[attr-defined]
            route.fulfill(status=200, body="target")  # type: ignore[attr-defined]

        context.route(ELSEWHERE, lambda route: outside(route))
        page = context.new_page()
        asked: list[str] = []  # what the page asked the browser to open, intent: URLs too
        cdp = context.new_cdp_session(page)
        cdp.send("Page.enable")
        cdp.on("Page.frameRequestedNavigation", lambda e, seen=asked: seen.append(e["url"]))
        try:
            # not waiting for its load event: an intent asked for while it loads ends it
            page.goto(engine.base + "/inapp?a=1", wait_until="commit")
            if does in ("line", "go"):
                page.wait_for_url(LANDING, timeout=15_000)
                want = address + ("&openExternalBrowser=1" if does == "line" else "")
                if page.url != want:
                    failures.append(f"{app}: want {want}, landed on {page.url}")
                continue
            open_in_place(page)
            page.evaluate("document.title")  # a round trip: an intent was asked before the view
            intents = [u for u in asked if u.startswith("intent:")]
            got = (page.url, page.inner_text("#short"), intents, landed)
            want_intents = [intent(address)] if does == "intent" else []
            if got != (engine.base + "/inapp?a=1", address, want_intents, []):
                failures.append(f"{app}: {got}")
        finally:
            context.close()
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def test_in_a_browser_a_preview_opens_however_its_plus_is_spelt(
    engine: Engine, browser: object
) -> None:
    """The preview is drawn however the host answered (the shared page with 200, or the 404
    page), however its '+' is spelt: its target, state and short URL, and its QR code in
    site.qr's colours with its logo, read back by zxing-cpp from a screenshot of the page,
    with no CSP violation."""
    import io

    import PIL.Image
    import zxingcpp
    from playwright.sync_api import expect

    from tests.e2e.test_browser import DRAWN, watch_csp

    context = browser.new_context(device_scale_factor=2)  # type: ignore[attr-defined]
    context.clock.set_fixed_time(NOW)
    context.route(ELSEWHERE, lambda route: route.abort())  # the preview loads nothing else
    page = context.new_page()
    violations = watch_csp(page)
    failures = []
    try:
        for spelt, short, target, state in (
            ("/temp+", "https://go.example.com/temp", "https://t.example/temp", ""),
            ("/temp%2B", "https://go.example.com/temp", "https://t.example/temp", ""),
            (
                "/%E4%BC%98%E6%83%A0%E5%88%B8%2B",
                "https://go.example.com/%E4%BC%98%E6%83%A0%E5%88%B8",
                "https://t.example/coupons/%E4%B8%AD",
                "",
            ),
            ("/sale+", "https://go.example.com/sale", "https://t.example/sale", "Valid until"),
            ("/later+", "https://go.example.com/later", None, "Opens on 1 January 2099"),
        ):
            page.goto(engine.base + spelt)
            shown = page.wait_for_selector("#short", timeout=15_000)
            if shown is None or shown.text_content() != short:
                failures.append(f"{spelt}: {page.url}")
                continue
            links = page.locator(".target a")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            if hrefs != ([target] if target else []) or state not in page.inner_text("main"):
                failures.append(f"{spelt}: targets {hrefs}, {page.inner_text('main')!r:.200}")
            # (no wait_for_function: it evaluates a string, which the page's policy forbids)
            expect(page.locator("#qr")).to_have_attribute("src", DRAWN)
            shot = page.locator("#qr").screenshot()
            image = PIL.Image.open(io.BytesIO(shot)).convert("RGB")
            read = [r.text for r in zxingcpp.read_barcodes(image)]
            if read != [short]:
                failures.append(f"{spelt}: QR code read as {read}")
            # in site.qr's colours: the two of nearly every pixel (the rest: edges smoothed)
            colours = sorted(image.getcolors(1 << 16), reverse=True)
            top = {colour for _n, colour in colours[:2]}
            if top != {(0x1A, 0x23, 0x7E), (0xFF, 0xF8, 0xE1)}:
                failures.append(f"{spelt}: QR code drawn in {colours[:4]}")
            # and the logo in it, from the site's shared file: its yellow ring
            yellow = (255, 193, 7)
            if not any(
                sum(abs(a - b) for a, b in zip(c, yellow, strict=True)) < 60 for _n, c in colours
            ):
                failures.append(f"{spelt}: no logo in the QR code")
    finally:
        context.close()
    failures += violations
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


# A second site, tests/fixtures/fallbacks.yaml: site.not_found and site.expired, on every
# engine.
NOT_FOUND = "https://www.example.com/sorry?from=go"
EXPIRED = "https://www.example.com/offers"


@pytest.fixture(scope="module")
def fallbacks_site() -> Iterator[tuple[Path, Plan]]:
    root = Path(tempfile.mkdtemp(prefix="shortlinks-fallbacks-"))
    root.chmod(0o755)
    result = check(FIXTURES / "fallbacks.yaml")
    assert result.linkset is not None, result.problems
    plan = make_plan(result.linkset, NOW)
    write_site(root / "_site", render_site(plan, environment()).files)
    yield root / "_site", plan
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module", params=sorted(STARTERS))
def fallbacks_engine(
    request: pytest.FixtureRequest, fallbacks_site: tuple[Path, Plan]
) -> Iterator[Engine]:
    yield from _serving(request.param, fallbacks_site[0], "shortlinks-fallbacks-")


def test_with_fallbacks_every_path_behaves_and_unknown_ones_get_the_404_page(
    fallbacks_engine: Engine, fallbacks_site: tuple[Path, Plan]
) -> None:
    """site.expired is the expired link's own 'expired' on every host: a redirect rule
    where the host can, else its page; an unknown path is still answered with the 404
    page (404), which sends the visitor on: no host rule could without losing the
    finder."""
    engine = fallbacks_engine
    site, plan = fallbacks_site
    failures = _misbehaving(engine, site, plan)
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)
    gone = {r.path: r for r in edge_rules(plan)}["/gone"]
    assert (gone.kind, gone.location) == (Kind.redirect, EXPIRED)
    status, _loc, body = get(engine.base, "/no-such-link")
    assert (status, body) == (404, (site / "404.html").read_bytes())


def test_in_a_browser_the_fallbacks_are_followed(
    fallbacks_engine: Engine, fallbacks_site: tuple[Path, Plan], browser: object
) -> None:
    """In Chromium on each engine: an unknown slug lands on site.not_found exactly (nothing
    of its path, query or fragment); a mangled link still goes to its link, a preview is
    still drawn; an expired link without its own 'expired' lands on site.expired, where its
    page answers (a rule's redirect is checked over HTTP above)."""
    from tests.e2e.test_browser import watch_csp

    engine = fallbacks_engine
    _site, plan = fallbacks_site
    ruled = {r.path for r in HOSTS[engine.name].ruled(plan, frozenset(HOSTS))}
    context = browser.new_context()  # type: ignore[attr-defined]
    context.clock.set_fixed_time(NOW)
    context.route(ELSEWHERE, lambda route: route.fulfill(status=200, body="target"))
    page = context.new_page()
    violations = watch_csp(page)
    failures = []
    try:
        for path, want in (
            ("/no-such-link?x=%3Cb%3E#top", NOT_FOUND),
            ("/no/such/link", NOT_FOUND),
            ("/TEMP)", "https://t.example/temp"),
            ("/gone", EXPIRED),
            ("/moved", "https://t.example/shop"),
        ):
            if path in ruled:
                continue
            page.goto(engine.base + path)
            page.wait_for_url(LANDING, timeout=15_000)
            if page.url != want:
                failures.append(f"{path}: want {want}, landed on {page.url}")
        page.goto(engine.base + "/temp+")
        shown = page.wait_for_selector("#short", timeout=15_000)
        if shown is None or shown.text_content() != "https://go.example.com/temp":
            failures.append(f"/temp+: {page.url}")
    finally:
        context.close()
    failures += violations
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)
