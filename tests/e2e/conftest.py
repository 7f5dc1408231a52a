"""Fixtures shared by the end-to-end tests."""

from tests.e2e.browser import browser  # noqa: F401 - a fixture, found by pytest here
