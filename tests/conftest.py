"""Shared helpers. Tests that need a real tool fail under CI (or SHORTLINKS_STRICT=1)
when it is missing, and skip with the reason on a developer's machine."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from generator.load import PURE_YAML_ENV, load_text
from generator.problems import Problem
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "e2e"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STRICT = os.environ.get("CI") == "true" or os.environ.get("SHORTLINKS_STRICT") == "1"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


def require_tool(name: str) -> str:
    """The path of a program the test needs: a failure under CI, a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return path


def yaml_loaders() -> dict[str, type]:
    """Both PyYAML parsers, by name: libyaml's (most users') and the pure-Python one (users
    without libyaml). libyaml missing fails under CI, and leaves the pure one elsewhere."""
    loaders: dict[str, type] = {"pure": yaml.SafeLoader}
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is not None:
        loaders["libyaml"] = c_loader
    elif STRICT:
        pytest.fail("PyYAML was built without libyaml (pip install pyyaml brings it)")
    return loaders


# scripts/test.sh runs the loader's tests a second time with PyYAML's pure-Python parser
PURE = os.environ.get(PURE_YAML_ENV) == "1"


def by_parser(libyaml: str, pure: str) -> str:
    """A syntax error's words as the parser in use says them: the two differ in places
    ('mapping values are not allowed in this context' / '... here'); positions do not."""
    return pure if PURE else libyaml


def problems_of(text: str) -> list[Problem]:
    """Every problem in a links file given as text (loader and validator)."""
    doc, problems = load_text(text, "links.yaml")
    if doc is None:
        return problems
    _linkset, more = validate(doc)
    return sorted(problems + more)


def one_problem(text: str) -> Problem:
    found = problems_of(text)
    assert len(found) == 1, "\n".join(f"{p.line}:{p.column} {p.message}" for p in found)
    return found[0]


@pytest.fixture(autouse=True, scope="session")
def _qr_cache_of_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds run by the tests keep their QR codes in a folder of the run, not in ~/.cache."""
    os.environ["SHORTLINKS_CACHE"] = str(tmp_path_factory.mktemp("shortlinks-cache"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The e2e tier is a folder: every test under tests/e2e is marked e2e, and no test
    elsewhere is, so that ``-m "not e2e"`` leaves out exactly that folder."""
    under: dict[Path, bool] = {}
    for item in items:
        if item.path not in under:
            under[item.path] = item.path.resolve().is_relative_to(E2E)
        if under[item.path]:
            item.add_marker(pytest.mark.e2e)
    astray = [
        item.nodeid
        for item in items
        if (item.get_closest_marker("e2e") is not None) != under[item.path]
    ]
    if astray:
        raise pytest.UsageError(
            "the e2e marker belongs to the tests under tests/e2e, and only to them: "
            + ", ".join(astray)
        )
