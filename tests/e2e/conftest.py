"""Fixtures shared by the end-to-end tests."""

from collections.abc import Iterator

import pytest

from tests.e2e.browser import browser  # noqa: F401 - a fixture, found by pytest here
from tests.e2e.test_http import TargetHandler, serve


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    """A server of target pages that records each path it is asked for
    (``TargetHandler.seen``), one for each test module that asks for it."""
    yield from serve(TargetHandler)
