"""What an editor user sees: the YAML language server that VS Code's YAML extension
(redhat.vscode-yaml), github.dev and other editors run, started here over stdio (npm
package yaml-language-server, pinned in tests/e2e/npm/package-lock.json).

Each mistake file of tests/fixtures/editor/ names the schema in its first line, as
links.yaml does. Every problem `check` reports in it must be underlined by the server at
the same line and column, with the schema's message for it and nothing else; that message
holds check's own words (tests/test_schema.py, tests/schema_messages.py). The bundled
links.yaml must show nothing, and hovering a key must show the schema's description.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.load import load_text_slowly
from tests.conftest import ROOT, STRICT
from tests.e2e.lsp import Missing, Server
from tests.schema_messages import EDITOR_FIXTURES, SCHEMA_FILE, mistakes, schema_node

ERROR = 1  # LSP DiagnosticSeverity.Error


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    try:
        running = Server(ROOT, tmp_path_factory.mktemp("yaml-language-server") / "server.log")
    except Missing as exc:
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    yield running
    running.close()


def _shown(diagnostics: list[dict]) -> list[tuple[int, int, int, str]]:
    """(line, column, severity, message), 1-based as check counts, in order."""
    return sorted(
        (
            d["range"]["start"]["line"] + 1,
            d["range"]["start"]["character"] + 1,
            d.get("severity", ERROR),
            d["message"],
        )
        for d in diagnostics
    )


@pytest.mark.parametrize("fixture", EDITOR_FIXTURES, ids=lambda p: p.name)
def test_each_mistake_check_reports_is_underlined_with_the_schemas_words(
    server: Server, fixture: Path
) -> None:
    expected = sorted((m.line, m.column, ERROR, m.schema_message) for m in mistakes(fixture))
    assert expected, fixture  # the file has mistakes to compare
    assert _shown(server.open(fixture)) == expected


def test_the_bundled_links_file_shows_nothing(server: Server) -> None:
    assert _shown(server.open(ROOT / "links.yaml")) == []


@pytest.mark.parametrize("name", ["site.yaml", "conformance.yaml"])
def test_the_valid_fixtures_show_nothing(server: Server, tmp_path: Path, name: str) -> None:
    """They pass check; with the schema's line added they pass the editor too."""
    copy = tmp_path / name
    head = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
    copy.write_text(head + (ROOT / "tests" / "fixtures" / name).read_text(encoding="utf-8"))
    assert _shown(server.open(copy)) == []


def test_hovering_a_key_shows_its_description(server: Server) -> None:
    """Every key of the bundled links.yaml that the schema defines explains itself."""
    path = ROOT / "links.yaml"
    doc, _ = load_text_slowly(path.read_text(encoding="utf-8"), str(path))
    assert doc is not None
    server.open(path)
    seen = 0
    for where, pos in doc.positions.items():
        if not where or isinstance(where[-1], int) or where[0] not in ("site", "links"):
            continue
        parent, _ = schema_node(doc.data, where[:-1])
        node = parent.get("properties", {}).get(where[-1])
        if node is None:  # a slug: a name of the file's, not a key of the format
            continue
        # of a key that takes one of several forms, the form written explains itself
        branch, _ = schema_node(doc.data, where)
        said = branch.get("description") or node["description"]
        hover = server.hover(path, pos[0] - 1, pos[1] - 1)
        assert hover is not None, where
        assert said in hover["contents"]["value"], (where, hover)
        seen += 1
    assert seen > 20
