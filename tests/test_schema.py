"""schema/links.schema.json (for editors) says what the validator says."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from generator.hosts import HOSTS
from generator.i18n import LANGUAGES
from generator.model import ALLOWED_STATUS
from generator.slugs import MAX_SLUG_CHARS
from generator.times import iana_names
from generator.validate import LINK_KEYS, MAX_DESCRIPTION, MAX_TITLE, SITE_KEYS, TOP_KEYS
from tests.conftest import FIXTURES, ROOT, problems_of

SCHEMA = json.loads((ROOT / "schema" / "links.schema.json").read_text())


def link_schema() -> dict:
    return SCHEMA["properties"]["links"]["additionalProperties"]["oneOf"][1]


def test_schema_has_the_validators_keys_and_limits() -> None:
    site = SCHEMA["properties"]["site"]["properties"]
    assert set(SCHEMA["properties"]) == set(TOP_KEYS)
    assert set(site) == set(SITE_KEYS)
    assert set(link_schema()["properties"]) == set(LINK_KEYS)
    assert site["status"]["enum"] == sorted(ALLOWED_STATUS)
    assert link_schema()["properties"]["status"]["enum"] == sorted(ALLOWED_STATUS)
    assert site["hosts"]["oneOf"][0]["enum"] == list(HOSTS)
    assert site["language"]["enum"] == list(LANGUAGES)
    assert link_schema()["properties"]["title"]["maxLength"] == MAX_TITLE
    assert link_schema()["properties"]["description"]["maxLength"] == MAX_DESCRIPTION
    # a slug, or "slug@domain": "@" and a host name of up to 253 characters
    assert SCHEMA["properties"]["links"]["propertyNames"]["maxLength"] == MAX_SLUG_CHARS + 254


def as_json(value: object) -> object:
    """What an editor's YAML server sees: dates as the text they were written as."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    "path", [ROOT / "links.yaml", FIXTURES / "site.yaml", FIXTURES / "conformance.yaml"]
)
def test_valid_files_pass_the_schema(path) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    text = path.read_text()
    assert [p for p in problems_of(text) if p.is_error] == []
    jsonschema.validate(as_json(yaml.safe_load(text)), SCHEMA)


@pytest.mark.parametrize(
    "text",
    [
        "links:\n  a:\n    url: https://a.example\n    expire: 2026-01-01\n",
        "site:\n  colour: red\nlinks: {}\n",
        "links:\n  a:\n    url: https://a.example\n    status: 303\n",
        "site:\n  hosts: [geocities]\nlinks: {}\n",
        "links:\n  a:\n    title: no url\n",
        "site:\n  timezone: localtime\nlinks: {}\n",
        "site:\n  timezone: /etc/localtime\nlinks: {}\n",
        "site:\n  timezone: posix/Asia/Shanghai\nlinks: {}\n",
        "site:\n  timezone: right/UTC\nlinks: {}\n",
        "site:\n  timezone: Factory\nlinks: {}\n",
        "site:\n  timezone: posixrules\nlinks: {}\n",
        "site:\n  timezone: ''\nlinks: {}\n",
        "site:\n  qr: file\nlinks: {}\n",
    ],
)
def test_what_the_validator_refuses_the_schema_flags(text: str) -> None:
    import jsonschema

    assert any(p.is_error for p in problems_of(text))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(yaml.safe_load(text)), SCHEMA)


def test_the_schema_takes_every_iana_zone_name() -> None:
    """The timezone pattern only keeps out names of the building machine's own files."""
    import re

    pattern = re.compile(SCHEMA["properties"]["site"]["properties"]["timezone"]["pattern"])
    assert [n for n in sorted(iana_names()) if not pattern.search(n)] == []


def test_a_home_moved_deliberately_passes_both() -> None:
    """``home: {url, repoint_from}``, on the site and on a domain (links.lock moves it)."""
    import jsonschema

    from generator.validate import HOME_KEYS

    site = SCHEMA["properties"]["site"]["properties"]
    assert set(site["home"]["oneOf"][1]["properties"]) == set(HOME_KEYS)
    text = (
        "site:\n  home:\n    url: https://www.example.com/new\n"
        "    repoint_from: https://www.example.com\n"
        "  domains:\n    - a.example\n    - domain: b.example\n      home:\n"
        "        url: https://b.example.org/\n        repoint_from: https://b.example.net/\n"
        "links:\n  x: https://x.example\n"
    )
    assert [p for p in problems_of(text) if p.is_error] == []
    jsonschema.validate(as_json(yaml.safe_load(text)), SCHEMA)
    wrong = text.replace("repoint_from: https://www.example.com", "from: https://www.example.com")
    assert any(p.is_error for p in problems_of(wrong))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(yaml.safe_load(wrong)), SCHEMA)
