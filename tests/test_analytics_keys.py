"""site.analytics as the validator reads it, and what it changes in a build: counted links
are answered by their page (with a beacon its policy allows), never by an edge rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build, check
from generator.hosts import HOSTS
from generator.plan import make_plan
from tests.conftest import NOW, problems_of


def said(text: str) -> list[str]:
    return [f"{p.severity} {p.line}:{p.column} {p.message}" for p in problems_of(text)]


@pytest.mark.parametrize(
    ("provider", "site", "url", "endpoint"),
    [
        ("goatcounter", "example", None, "https://example.goatcounter.com/count"),
        ("plausible", "go.example.com", None, "https://plausible.io/api/event"),
        ("umami", "4fb7fa4c", None, "https://cloud.umami.is/api/send"),
        ("plausible", "go.example.com", "https://stats.example.com/", "https://stats.example.com/api/event"),
        ("goatcounter", "x", "https://count.example.com", "https://count.example.com/count"),
    ],
)  # fmt: skip
def test_each_counter_gets_its_documented_endpoint(
    tmp_path: Path, provider: str, site: str, url: str | None, endpoint: str
) -> None:
    extra = f"\n    url: {url}" if url else ""
    (tmp_path / "links.yaml").write_text(
        f"site:\n  analytics:\n    provider: {provider}\n    site: {site}{extra}\n"
        "links:\n  a: https://a.example\n"
    )
    result = check(tmp_path / "links.yaml")
    assert result.ok, result.problems
    assert result.linkset is not None and result.linkset.site.analytics is not None
    assert result.linkset.site.analytics.endpoint == endpoint


GOAT = "{provider: goatcounter, site: 'My Site'}"
PLAIN = "{provider: umami, site: x, url: 'http://s.example'}"


@pytest.mark.parametrize(
    ("analytics", "wanted"),
    [
        ("{provider: plausable, site: x}", "error 2:25 unknown analytics provider 'plausable'"),
        ("{site: x}", "error 2:14 analytics has no 'provider'"),
        ("{provider: umami}", "error 2:14 analytics needs 'site': the website id Umami shows"),
        (GOAT, "error 2:44 'My Site' is not a GoatCounter code"),
        (PLAIN, "warning 2:46 the counter is on plain http"),
        ("{provider: umami, site: x, key: y}", "error 2:41 unknown key 'key' in analytics"),
    ],
)
def test_analytics_mistakes_are_placed_and_explained(analytics: str, wanted: str) -> None:
    found = said(f"site:\n  analytics: {analytics}\nlinks:\n  a: https://a.example\n")
    assert any(f.startswith(wanted) for f in found), found


def test_a_link_opting_out_without_a_counter_is_warned() -> None:
    found = said("links:\n  a:\n    url: https://a.example\n    analytics: false\n")
    assert found == ["warning 4:5 'analytics' has no effect: site.analytics names no counter"]


SITE = """\
site:
  domain: go.example.com
  analytics: {provider: plausible, site: go.example.com}
links:
  counted: https://a.example/x
  gone:
    url: https://a.example/old
    expires: 2026-01-01
    expired: https://a.example/new
  quiet:
    url: https://a.example/q
    analytics: false
"""


def test_counted_links_are_pages_and_opted_out_ones_rules(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(SITE)
    result = check(tmp_path / "links.yaml")
    assert result.linkset is not None
    plan = make_plan(result.linkset, NOW)
    for name, host in HOSTS.items():
        ruled = {r.path for r in host.ruled(plan, frozenset(HOSTS))}
        assert "/counted" not in ruled and "/gone" not in ruled, name
    assert "/quiet" in {r.path for r in HOSTS["nginx"].ruled(plan, frozenset(HOSTS))}

    out = tmp_path / "out"
    assert build(tmp_path / "links.yaml", out, NOW, cache_dir=None).written
    for page in ("counted.html", "gone.html"):
        html = (out / page).read_text()
        assert "sendBeacon" in html and "connect-src https://plausible.io;" in html, page
    quiet = (out / "quiet.html").read_text()
    assert "sendBeacon" not in quiet and "connect-src" not in quiet
    for page in ("index.html", "_shortlinks/preview.html", "_shortlinks/preview.js"):
        # no beacon but on redirects and the 404 page
        assert "sendBeacon" not in (out / page).read_text(), page
    # an unknown slug is counted as an orphan visit (Plausible's event "404"); the page
    # fetches the shared preview's data from the site itself too
    html = (out / "404.html").read_text()
    assert 'sendBeacon("https://plausible.io/api/event"' in html and '{n:"404",' in html
    assert "connect-src 'self' https://plausible.io;" in html
