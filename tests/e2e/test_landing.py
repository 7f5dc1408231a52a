"""Without ``site.home``, '/' is the landing page on every engine (index.html, 200)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import NOW, STRICT
from tests.e2e.engines import STARTERS, Missing
from tests.e2e.test_conformance import get


@pytest.mark.parametrize("name", sorted(STARTERS))
def test_root_is_the_landing_page_without_home(name: str) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"shortlinks-landing-{name}-"))
    root.chmod(0o755)
    try:
        (root / "links.yaml").write_text("links:\n  gh: https://github.com/acme\n")
        result = build(root / "links.yaml", root / "_site", NOW)
        assert result.written, result.problems
        work = root / "work"
        work.mkdir()
        try:
            engine = STARTERS[name](root / "_site", work)
        except Missing as exc:
            if STRICT:
                pytest.fail(f"{exc} is not installed")
            pytest.skip(f"{exc} is not installed")
        try:
            status, _location, body = get(engine.base, "/")
            assert (status, body) == (200, (root / "_site" / "index.html").read_bytes())
        finally:
            engine.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
