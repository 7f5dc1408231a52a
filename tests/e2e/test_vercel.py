"""Vercel: no engine of Vercel's edge runs offline, so ``vercel.json`` is read by
Vercel's own routing package (npm ``@vercel/routing-utils``, the schema the vercel
CLI validates with, and ``getTransformedRoutes``, which turns the file into the
routes the edge runs). Every path of the conformance fixture is answered from those
routes and compared, byte for byte, with what the host module promises. The bulk
redirects file has no published schema: it is checked against the documented rules.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.build import check
from generator.hosts import HOSTS
from generator.hosts.vercel import BULK
from generator.pages import environment
from generator.plan import Plan, make_plan
from generator.write import write_site
from tests.conftest import FIXTURES, NOW, STRICT, require_tool
from tests.sites import render_site

HERE = Path(__file__).resolve().parent
COUNTRY = "x-vercel-ip-country"
ROUTING = HERE / "npm" / "node_modules" / "@vercel" / "routing-utils"


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Path, Plan]]:
    root = Path(tempfile.mkdtemp(prefix="shortlinks-vercel-"))
    result = check(FIXTURES / "conformance.yaml")
    assert result.linkset is not None, result.problems
    plan = make_plan(result.linkset, NOW)
    write_site(root / "_site", render_site(plan, environment()).files)
    yield root / "_site", plan
    shutil.rmtree(root, ignore_errors=True)


def answers(site: Path, paths: list[str]) -> dict[str, dict | None]:
    node = require_tool("node")
    if not ROUTING.is_dir():
        message = "npm @vercel/routing-utils is not installed (the README's test command does)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run(
        [node, str(HERE / "vercel_routes.js"), str(site), *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(run.stdout)
    assert out["errors"] == []
    return out["answers"]


def encoded(path: str) -> str:
    return quote(path, safe="/-_.~")


def test_vercel_json_routes_answer_every_path_as_promised(site: tuple[Path, Plan]) -> None:
    folder, plan = site
    config_rules = {r.path: r for r in HOSTS["vercel"].ruled(plan, frozenset(HOSTS))}
    bulk = {e["source"] for e in json.loads((folder / BULK).read_text())}
    paths = ["/", *("/" + e.slug for e in plan.entries), "/no-such-link"]
    got = answers(folder, [encoded(p) for p in paths])
    failures = []
    for path in paths:
        rule = config_rules.get(path)
        answer = got[encoded(path)]
        if rule is not None and encoded(path) not in bulk:
            want = {"status": rule.status, "location": rule.location}
        else:
            want = None  # the bulk file or the page (cleanUrls) answers
        if answer != want:
            failures.append(f"{path}: want {want}, got {answer}")
    assert not failures, "\n".join(failures)


def test_a_country_redirect_answers_only_its_countrys_visitors(site: tuple[Path, Plan]) -> None:
    """``geo-q``'s country redirect (``has`` on x-vercel-ip-country) answers a visitor
    from CN, before the link's own; any other country, or none, gets the link's own;
    ``geo`` drops the query, so vercel.json has neither it nor its countries (Vercel's
    edge sets the header: https://vercel.com/docs/headers/request-headers)."""
    folder, _plan = site
    asked = {
        "/geo-q": "https://t.example/geoq",
        "/geo-q\tx-vercel-ip-country: CN": "https://t.example/geoq-cn",
        "/geo-q\tx-vercel-ip-country: US": "https://t.example/geoq",
        "/geo-q\tx-vercel-ip-country: XCN": "https://t.example/geoq",  # the whole value
        "/geo-q\tx-country: CN": "https://t.example/geoq",  # Netlify's header: not Vercel's
        "/geo\tx-vercel-ip-country: CN": None,  # in the bulk file, which has no conditions
    }
    got = answers(folder, list(asked))
    assert {k: (v or {}).get("location") for k, v in got.items()} == asked
    config = json.loads((folder / "vercel.json").read_text())
    by_country = [r for r in config["redirects"] if r.get("has", [{}])[0].get("key") == COUNTRY]
    assert [r["source"] for r in by_country] == ["/geo-q"]


def test_a_language_link_goes_by_accept_language_as_on_the_other_edges(
    site: tuple[Path, Plan],
) -> None:
    """``hello``'s redirects in vercel.json, read by Vercel's routing package and matched as
    Vercel's ``has``/``missing`` read a header (whole value): the first language decides, a
    later one leaves it to the page (no redirect: cleanUrls serves it), none or no header
    gets the link's own target: the answers of nginx, Apache and Caddy
    (tests/e2e/test_conformance.py's ACCEPT_LANGUAGES)."""
    from tests.e2e.test_conformance import ACCEPT_LANGUAGES

    folder, _plan = site
    asked = {f"/hello\taccept-language: {h}": t for h, t in ACCEPT_LANGUAGES if h.strip()}
    asked["/hello"] = "https://t.example/hello-en"
    got = answers(folder, list(asked))
    assert {k: v and v["location"] for k, v in got.items()} == asked


def test_case_and_trailing_slash_as_documented(site: tuple[Path, Plan]) -> None:
    folder, _plan = site
    got = answers(folder, ["/TEMP", "/temp/"])
    assert got["/TEMP"] is None  # case-sensitive as written
    assert got["/temp/"] == {"status": 308, "location": "/$1"}  # trailingSlash: false


def test_bulk_redirects_file_follows_the_documented_rules(site: tuple[Path, Plan]) -> None:
    folder, _plan = site
    config = json.loads((folder / "vercel.json").read_text())
    assert config["bulkRedirectsPath"] == BULK
    entries = json.loads((folder / BULK).read_text())
    fields = {"source", "destination", "statusCode", "caseSensitive", "preserveQueryParams"}
    sources = [e["source"] for e in entries]
    assert len(sources) == len(set(sources)) <= 1_000_000
    in_config = {r["source"] for r in config["redirects"]}
    for entry in entries:
        assert set(entry) == fields, entry
        assert entry["source"].startswith("/") and entry["source"] not in in_config
        assert entry["source"].isascii() and "?" not in entry["source"]
        assert len(entry["source"]) <= 2048 and len(entry["destination"]) <= 2048
        assert entry["statusCode"] in (301, 302, 303, 307, 308)
        assert isinstance(entry["caseSensitive"], bool)
        assert isinstance(entry["preserveQueryParams"], bool)
    # the fixture's links that drop the visitor's query (vercel.json always passes it on)
    assert set(sources) == {"/fixed", "/geo", "/noq", "/permfixed"}


def test_every_preview_path_is_rewritten_to_the_shared_preview_page(
    site: tuple[Path, Plan],
) -> None:
    """One rewrite, after the files, for any path ending in '+' (spelt as browsers send it);
    no other path. Its destination is extensionless: cleanUrls serves preview.html."""
    folder, _plan = site
    assert (folder / "_shortlinks" / "preview.html").is_file()
    previews = ["/temp+", "/team/docs+", "/%E4%BC%98%E6%83%A0%E5%88%B8+", "/nothing-here+"]
    others = ["/temp", "/+", "/temp%2B", "/a+/b"]
    got = answers(folder, previews + others)
    assert [got[p] for p in previews] == [{"rewrite": "/_shortlinks/preview"}] * len(previews)
    assert [got[p] for p in others if got[p] and "rewrite" in got[p]] == []
