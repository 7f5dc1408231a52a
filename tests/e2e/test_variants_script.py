"""A link's variants picked by its page's own script, run in node (tests/e2e/run_page_script.js)
with an injected random source and localStorage: the weights decide, the choice is stored and
kept, a stored choice no longer listed is picked again, blocked storage still redirects, and
the beacon names the variant. The same page in Chromium: tests/e2e/test_browser.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import NOW, require_tool

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
A, B, C = (
    "https://a.example.com/",
    "https://b.example.com/?x=%3C/script%3E",
    "https://c.example.com/",
)
KEY = "shortlinks:v:ab"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variants")
    (root / "links.yaml").write_text(
        """\
site:
  domain: go.example.com
  analytics: {provider: plausible, site: go.example.com}
links:
  ab:
    variants:
      - url: https://a.example.com/
        weight: 2
      - https://b.example.com/?x=</script>
      - url: https://c.example.com/
        weight: 3
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return root / "_site"


def visit(site: Path, random: int, storage: str) -> tuple[str, dict, dict]:
    """Where the page goes, what its storage holds after, and the beacon's body."""
    proc = subprocess.run(
        [require_tool("node"), str(HERE / "run_page_script.js"), str(site / "ab.html"),
         "https://go.example.com/ab?s=1"],
        capture_output=True, text=True, timeout=30, check=False,
        env={**os.environ, "PAGE_RANDOM": str(random), "PAGE_STORAGE": storage},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    went, stored, beacon = proc.stdout.split("\n")
    assert stored.startswith("storage ") and beacon.startswith("beacon ")
    return went, json.loads(stored[8:]), json.loads(beacon[7:])


# (the random number, where the page goes, the variant the beacon names): weights 2, 1, 3 of 6
PICKS = [
    (0, A, "1"),
    (1, A, "1"),
    (2, B, "2"),
    (3, C, "3"),
    (5, C, "3"),
    (6, A, "1"),  # modulo the total weight
    (2**32 - 1, C, "3"),  # 4294967295 % 6 == 3
]


@pytest.mark.parametrize(("random", "target", "variant"), PICKS)
def test_the_weights_decide_and_the_choice_is_stored(
    site: Path, random: int, target: str, variant: str
) -> None:
    went, stored, beacon = visit(site, random, "{}")
    assert went == target + ("&" if "?" in target else "?") + "s=1"
    assert stored == {KEY: target}
    assert beacon["p"] == {"variant": variant}


def test_a_returning_visitor_keeps_the_stored_choice(site: Path) -> None:
    went, stored, beacon = visit(site, 0, json.dumps({KEY: C}))
    assert (went, stored, beacon["p"]) == (C + "?s=1", {KEY: C}, {"variant": "3"})


def test_a_stored_choice_no_longer_listed_is_picked_again(site: Path) -> None:
    went, stored, _ = visit(site, 2, json.dumps({KEY: "https://gone.example.com/"}))
    assert (went, stored) == (B + "&s=1", {KEY: B})


def test_blocked_storage_still_redirects(site: Path) -> None:
    went, stored, beacon = visit(site, 3, "blocked")
    assert (went, stored, beacon["p"]) == (C + "?s=1", {}, {"variant": "3"})
