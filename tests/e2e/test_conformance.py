"""Conformance: one fixture site, served by each real engine, every slug checked.

For every path of tests/fixtures/conformance.yaml the engine must give exactly what
the host module promises: a rule it wrote answers with its status and a Location
equal byte for byte to the promised one (query passed on where promised); every
other path answers with its page, unchanged; unknown paths get 404.html with 404.
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import check
from generator.hosts import HOSTS
from generator.pages import environment
from generator.plan import Plan, make_plan
from generator.render import render_site
from generator.rules import Kind, Rule, expected_location
from generator.write import write_site
from tests.conftest import FIXTURES, NOW, STRICT
from tests.e2e.engines import STARTERS, Engine, Missing

pytestmark = pytest.mark.e2e

QUERIES = ("", "a=1&b=x%20y")


def get(base: str, path: str, query: str = "") -> tuple[int, str | None, bytes]:
    """GET exactly this path (percent-encoded here) without following redirects."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    # as a browser sends it: non-ASCII percent-encoded, "+" and escapes kept as they are
    target = urllib.parse.quote(path, safe="/-_.~+%") + (f"?{query}" if query else "")
    conn.request("GET", target, headers={"Accept": "text/html"})
    resp = conn.getresponse()
    body = resp.read()
    location = resp.getheader("Location")
    conn.close()
    return resp.status, location, body


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


@pytest.fixture(scope="module", params=sorted(STARTERS))
def engine(request: pytest.FixtureRequest, fixture_site: tuple[Path, Plan]) -> Iterator[Engine]:
    name = request.param
    site, _plan = fixture_site
    work = Path(tempfile.mkdtemp(prefix=f"shortlinks-{name}-"))
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


def form_view(location: str | None) -> tuple[str, list[tuple[str, str]], str] | None:
    """A Location as (base, decoded query pairs, fragment): for an engine that
    re-serialises the query, the same parameters in the same order must arrive."""
    if location is None:
        return None
    parts = urllib.parse.urlsplit(location)
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return base, urllib.parse.parse_qsl(parts.query, keep_blank_values=True), parts.fragment


def paths_of(plan: Plan) -> list[str]:
    return ["/", *("/" + e.slug for e in plan.entries)]


def test_every_path_behaves_as_the_host_module_promises(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    site, plan = fixture_site
    all_hosts = frozenset(HOSTS)
    ruled: dict[str, Rule] = {r.path: r for r in HOSTS[engine.name].ruled(plan, all_hosts)}
    failures = []
    for path in paths_of(plan):
        for query in QUERIES:
            status, location, body = get(engine.base, path, query)
            rule = ruled.get(path)
            if rule is not None and rule.kind is Kind.redirect:
                want = (rule.status, expected_location(rule, query))
                got = (status, location)
                if HOSTS[engine.name].behaviour.query_form_encoded:
                    want = (want[0], form_view(want[1]))
                    got = (got[0], form_view(got[1]))
            elif rule is not None:  # gone
                want = (410, (site / rule.page).read_bytes())
                got = (status, body)
            else:
                page = "index.html" if path == "/" else path.lstrip("/") + ".html"
                want = (200, (site / page).read_bytes())
                got = (status, body)
            if got != want:
                failures.append(f"{path}?{query}: want {want!r:.200}, got {got!r:.200}")
    assert not failures, f"{engine.name} {engine.version}:\n" + "\n".join(failures)


def test_the_engine_answers_by_rule_where_it_can(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    """The rules really are used: the plainest link, and 410s where the host has them."""
    _site, plan = fixture_site
    host = HOSTS[engine.name]
    ruled = {r.path for r in host.ruled(plan, frozenset(HOSTS))}
    plain = "/noq" if host.behaviour.query.startswith("dropped") else "/temp"
    assert plain in ruled
    assert ("/gone" in ruled) == (410 in host.statuses)
    status, _location, _body = get(engine.base, plain)
    assert status == 302


def test_unknown_path_gets_the_404_page(engine: Engine, fixture_site: tuple[Path, Plan]) -> None:
    site, _ = fixture_site
    status, _loc, body = get(engine.base, "/no-such-link")
    assert (status, body) == (404, (site / "404.html").read_bytes())


def test_case_and_trailing_slash_behave_as_documented(engine: Engine) -> None:
    behaviour = HOSTS[engine.name].behaviour
    status_upper, _l, _b = get(engine.base, "/TEMP")
    assert status_upper == (302 if behaviour.case_insensitive else 404), behaviour.case
    status_slash, _l, _b = get(engine.base, "/temp/")
    assert status_slash == behaviour.slash_status, behaviour.trailing_slash


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
    "/", "/temp", "/perm", "/p308", "/t307", "/withq", "/frag", "/fixed", "/noq", "/permfixed",
    "/sale", "/promo", "/特卖", "/优惠券", "/moved", "/dollar", "/team/docs", "/long", "/huge",
}  # fmt: skip
_GONE = {"/gone", "/过期"}
_REDIRECTS_FILE = {
    "/",
    "/dollar",
    "/fixed",
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
    "netlify": _REDIRECTS_FILE | _GONE,
    "cloudflare": _REDIRECTS_FILE,
    "gitlab": set(),  # beside other hosts, every link is its page there
    "github-pages": set(),
    # no query in the target, no '%', no fragment, 301/302 only
    "firebase": {"/", "/dollar", "/long", "/moved", "/perm", "/promo", "/sale", "/team/docs",
                 "/temp", "/特卖"},
    # redirects drop the query: only forward_query: false; 410 by rewrite
    "azure": {"/fixed", "/noq", "/permfixed"} | _GONE,
    # no fragment, no '$', under 4,096 characters; forward_query: false in the bulk file
    "vercel": _EVERY_REDIRECT - {"/frag", "/dollar", "/huge"},
    "s3": {"/permfixed"},  # 301 and forward_query: false only
    "nginx": (_EVERY_REDIRECT - {"/dollar", "/huge"}) | _GONE,
    "apache": (_EVERY_REDIRECT - {"/huge"}) | _GONE,
    "caddy": _EVERY_REDIRECT | _GONE,
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


# Hosts that do not serve '/x' from 'x.html' by themselves (Azure needs a route per path):
# there '/slug+' gets the 404 page, whose script goes on to '/slug+.html'.
PREVIEW_VIA_404 = {"azure"}


def test_preview_pages_and_qr_codes_are_served(
    engine: Engine, fixture_site: tuple[Path, Plan]
) -> None:
    site, _plan = fixture_site
    for slug in ("temp", "优惠券", "team/docs", "later"):
        status, _l, body = get(engine.base, f"/{slug}+")
        if engine.name in PREVIEW_VIA_404:
            assert (status, body) == (404, (site / "404.html").read_bytes()), slug
            status, _l, body = get(engine.base, f"/{slug}%2B.html")  # where 404.js goes
        assert (status, body) == (200, (site / f"{slug}+.html").read_bytes()), slug
        for kind in ("svg", "png"):
            status, _l, body = get(engine.base, f"/_qr/{slug}.{kind}")
            assert (status, body) == (200, (site / "_qr" / f"{slug}.{kind}").read_bytes())
