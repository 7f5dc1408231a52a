"""How netlify-cli's redirect matcher (netlify-redirector, run as ``netlify serve`` runs it)
compares the language it is told (``x-language``) with a ``Language=`` condition: the model
tests/test_languages_netlify.py proves Netlify's lines with, held to the real thing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.browser_languages import OFFERED
from tests.conftest import STRICT
from tests.e2e.engines import Missing, _npm_package
from tests.test_languages_netlify import cli_language, redirector_matches

HERE = Path(__file__).resolve().parent

# Language= values as a links file could give them, and odd ones
VALUES = ["zh", "ZH", "zh-TW", "zh-Hant", "fi", "fil", "en", "pt-BR", "es-419"]
# What the matcher may be told: netlify-cli's two characters of every language the browsers
# offer (and of one with spaces), and whole languages, should an edge pass one
LANGUAGES = sorted(
    {cli_language(code) for code in OFFERED}
    | {"zh", "ZH", "Zh", "zh-TW", "zh-tw", "ZH-TW", "zh-Hant", "zh-Hant-TW", "zh-", "zh-T"}
    | {"zh_TW", "zhx", "fil", "fil-PH", "fi-FI", "pt-BR", "pt", "es-419", "es", "en", "*", ""}
)


def matched(values: list[str], languages: list[str]) -> dict[str, list[str]]:
    try:
        node, _version = _npm_package("netlify-cli", "dist/utils/redirects.js")
    except Missing as exc:
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    run = subprocess.run(
        [node, str(HERE / "netlify_language.mjs"), ",".join(values), *languages],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(run.stdout)


def test_the_redirector_finds_a_language_as_the_model_says() -> None:
    """Equal ignoring letter case, or its primary subtag equal with more after the '-':
    ``zh-TW`` is found by ``zh`` and ``zh-TW``, ``zh-Hant-TW`` by ``zh`` alone, ``fil`` not
    by ``fi``."""
    got = matched(VALUES, LANGUAGES)
    want = {x: [v for v in VALUES if redirector_matches(x, v)] for x in LANGUAGES}
    assert got == want
    assert got["zh-Hant-TW"] == ["zh", "ZH"] and got["fil"] == ["fil"]
