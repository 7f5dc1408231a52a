"""shortlinks verify, over real sockets on 127.0.0.1: a site served as built passes, one
whose rules or pages drifted from the file fails with a line for each drifted link."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from tests.conftest import NOW
from tests.e2e.test_http import PagesHandler, RulesHandler, serve

LINKS = """\
site:
  domain: go.example.com
links:
  gh: https://github.com/acme
  docs:
    url: https://docs.example.com/start?lang=en
  card:
    url: https://shop.example.com
    title: A card (its page answers)
  old:
    url: https://old.example.com
    expires: 2026-01-01
  moved:
    url: https://old.example.com/x
    expires: 2026-01-01
    expired: https://new.example.com
  later:
    url: https://later.example.com
    starts: 2099-01-01
  优惠券: https://shop.example.com/coupons
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert result.written, result.problems
    return tmp_path


def run_verify(base: str, site: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["verify", base, str(site / "links.yaml"), "--now", "2026-11-25T08:00:00Z",
         "--timeout", "5", "--retries", "1", *extra],
    )  # fmt: skip
    return result.exit_code, result.output


@pytest.mark.parametrize("handler", [PagesHandler, RulesHandler], ids=["pages", "rules"])
def test_a_site_served_as_built_passes(site: Path, handler: type) -> None:
    for base in serve(handler, site / "_site"):
        code, out = run_verify(base, site)
        assert code == 0, out
        assert out.strip().splitlines()[-1] == "7 of 7 links answer as built"


def test_drift_is_reported_link_by_link_and_exits_1(site: Path) -> None:
    out_dir = site / "_site"
    (out_dir / "gh.html").write_text(  # a stale page: the old target
        '<meta http-equiv="refresh" content="0; url=https://github.com/old">'
    )
    (out_dir / "later.html").unlink()  # a page that did not make it
    for base in serve(PagesHandler, out_dir):
        code, out = run_verify(base, site, "--concurrency", "2")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[-1] == "5 of 7 links answer as built"
    assert (
        "/gh: expected a redirect to https://github.com/acme (or its page), "
        "got 200 (a page to https://github.com/old)"
    ) in lines
    assert "/later: expected the 'not active yet' page (200), got 404" in lines


def test_an_unreachable_site_is_reported(site: Path) -> None:
    code, out = run_verify("http://127.0.0.1:9", site, "--retries", "0", "--timeout", "1")
    assert code == 1
    # nothing answers at all: said once, with what to check, not once a link
    assert out.startswith("error: nothing answered at http://127.0.0.1:9 (/")
    assert "Connection refused" in out
    assert "HTTPS_PROXY" in out
    assert out.count("error:") == 1
