"""schema/links.schema.json (for editors) says what the validator says."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from generator.build import check
from generator.hosts import HOSTS
from generator.i18n import LANGUAGES
from generator.model import ALLOWED_STATUS
from generator.slugs import MAX_SLUG_CHARS
from generator.times import iana_names
from generator.validate import LINK_KEYS, MAX_DESCRIPTION, MAX_TITLE, SITE_KEYS, TOP_KEYS
from tests.conftest import FIXTURES, ROOT, problems_of
from tests.schema_messages import (
    EDITOR_FIXTURES,
    SCHEMA_FILE,
    Mistake,
    essential,
    in_order,
    message_nodes,
    mistakes,
)

SCHEMA = json.loads(SCHEMA_FILE.read_text())


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
    assert [p for p in check(path).problems if p.is_error] == []  # (its logo: beside it)
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


# -- what editors show: the schema's own words ---------------------------------------------

SCHEMA_ID = "https://shortlinks.invalid/schema/links.schema.json"


def test_the_schema_is_a_draft_07_schema_with_a_stable_id() -> None:
    """``$id`` names the schema wherever a copy of it lives (the .invalid domain never
    resolves: nothing fetches it); links.yaml finds the file by its relative path."""
    import jsonschema

    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == SCHEMA_ID
    assert SCHEMA_ID in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("path", [ROOT / "links.yaml", *EDITOR_FIXTURES], ids=lambda p: p.name)
def test_the_first_line_names_the_schema_file_for_the_yaml_language_server(path) -> None:  # type: ignore[no-untyped-def]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    assert (path.parent / first.removeprefix(prefix)).resolve() == SCHEMA_FILE


def _properties(node: object, pointer: str = "") -> dict[str, dict]:
    """Every property the schema defines (a key a user writes), by JSON pointer."""
    found: dict[str, dict] = {}
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            found[f"{pointer}/properties/{key}"] = sub
        for key, sub in node.items():
            found |= _properties(sub, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found |= _properties(sub, f"{pointer}/{i}")
    return found


def test_every_property_has_a_description() -> None:
    """An editor shows it on hover and beside each completion."""
    properties = _properties(SCHEMA)
    assert len(properties) > 70  # the walk found them all, not none
    missing = [p for p, sub in properties.items() if not str(sub.get("description", "")).strip()]
    assert missing == []


def test_every_pattern_and_boolean_has_a_message_for_people() -> None:
    """Without one, an editor shows the raw regular expression ('String does not match the
    pattern of "^https?://"') or 'Incorrect type. Expected "boolean"'."""
    nodes = message_nodes()
    patterns = [p for p, n in nodes.items() if "pattern" in n]
    assert len(patterns) > 30
    assert [p for p in patterns if not nodes[p].get("patternErrorMessage")] == []
    booleans = [p for p, n in _properties(SCHEMA).items() if n.get("type") == "boolean"]
    assert [p for p in booleans if not _properties(SCHEMA)[p].get("errorMessage")] == []
    for node in nodes.values():
        text = node.get("patternErrorMessage") or node["errorMessage"]
        assert "^" not in text and "\\" not in text, text  # no regular expression in it


def test_every_message_of_the_schema_is_met_by_a_bundled_mistake() -> None:
    """Each node with a pattern or a message has a mistake in tests/fixtures/editor/ that
    check reports and the schema judges at that node: the comparison below covers them all."""
    met = {m.pointer for fixture in EDITOR_FIXTURES for m in mistakes(fixture)}
    assert set(message_nodes()) - met == set()


EDITOR_MISTAKES = [
    pytest.param(m, id=f"{fixture.name}:{m.line}")
    for fixture in EDITOR_FIXTURES
    for m in mistakes(fixture)
]


@pytest.mark.parametrize("mistake", EDITOR_MISTAKES)
def test_the_schema_says_what_check_says(mistake: Mistake) -> None:
    """The schema's message holds check's essential text (tests/schema_messages.py)."""
    assert mistake.schema_message is not None, mistake.pointer
    assert mistake.essential, mistake  # check's message is not all taken from the file
    assert in_order(mistake.essential, mistake.schema_message), (
        mistake.essential,
        mistake.schema_message,
    )


def test_essential_text_is_check_words_without_the_files() -> None:
    assert essential(
        "campaign 'spring': the slug pattern must contain {code}, got 'spring-code'",
        "slug: spring-{code}",
        ["spring-code", "spring"],
    ) == ("campaign", "the slug pattern must contain {code}")
    assert essential(
        "status must be 301, 302, 307 or 308, not 303", "302 (the default) keeps it", [303]
    ) == ("status must be 301, 302, 307 or 308", "302 (the default) keeps it")
    assert in_order(("a", "c"), "a b c") and not in_order(("c", "a"), "a b c")


@pytest.mark.parametrize(
    "url", ["HTTPS://Shop.Example.com/sale", "Http://shop.example.com", "https://shop.example.com"]
)
def test_a_scheme_in_capitals_passes_check_and_the_schema(url: str) -> None:
    import jsonschema

    text = f"links:\n  a: {url}\n  b:\n    url: {url}\n"
    assert [p for p in problems_of(text) if p.is_error] == []
    jsonschema.validate(as_json(yaml.safe_load(text)), SCHEMA)


def test_the_readmes_editor_messages_are_the_schemas() -> None:
    from tests.test_docs import blocks

    block = next(b for b in blocks(ROOT / "README.md", "text") if "has no scheme" in b)
    said = {n.get("patternErrorMessage") or n["errorMessage"] for n in message_nodes().values()}
    assert [line for line in block.strip().splitlines() if line not in said] == []


def test_vs_code_recommends_the_yaml_extension() -> None:
    """VS Code and github.dev offer the extensions a repository recommends."""
    recommended = json.loads((ROOT / ".vscode" / "extensions.json").read_text())
    assert recommended == {"recommendations": ["redhat.vscode-yaml"]}
