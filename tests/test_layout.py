"""The package's layout keeps the pipeline readable (docs/architecture.md): the commands sit
on top of the steps, never under them, and the modules every step shares depend on none."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "generator"
BASE = {"model", "problems", "names"}  # shared by every step: import nothing of ours


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module of the generator that ``path`` imports, at the top or inside a function."""
    here = _module(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]  # the package the module is in
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("generator")}
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            if name.startswith("generator"):
                found.add(name)
                found |= {f"{name}.{a.name}" for a in node.names}  # 'from . import lock'
    return found


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_only_the_cli_and_the_commands_import_the_commands() -> None:
    wrong = {
        _module(path): sorted(i for i in _imports(path) if i.startswith("generator.commands."))
        for path in _sources()
        if path.name != "cli.py" and "commands" not in path.relative_to(PACKAGE).parts
    }
    assert {m: i for m, i in wrong.items() if i} == {}


def test_the_shared_modules_import_nothing_of_the_generator() -> None:
    for name in BASE:
        own = {i for i in _imports(PACKAGE / f"{name}.py") if i in _known()}
        assert own == set(), (name, own)


def test_every_command_module_is_a_command_of_the_cli() -> None:
    """Each module of commands/ is reached from cli.py (no orphan left behind a move)."""
    cli = _imports(PACKAGE / "cli.py")
    commands = {_module(p) for p in (PACKAGE / "commands").glob("*.py") if p.stem != "__init__"}
    reached = {m for m in commands if m in cli}
    for path in (PACKAGE / "commands").glob("*.py"):  # helpers of a command: reached through it
        if _module(path) in reached:
            reached |= {i for i in _imports(path) if i in commands}
    assert reached == commands


def _known() -> set[str]:
    return {_module(p) for p in _sources()}


LONGEST = 60  # lines of a function, its signature and docstring included
# Functions allowed to be longer, each with the reason it is one function.
LONG_ALLOWED = {
    # the fast path's hot loop: a call costs 4% of a line's reading, so what most
    # lines run stays inline; only rare lines call out (see its docstring)
    "generator.fastload._parse",
}


def _functions(path: Path) -> dict[str, int]:
    """Every function of ``path`` (methods and nested ones too), by dotted name: its lines."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                visit(child, name)

    visit(ast.parse(path.read_text(encoding="utf-8")), _module(path))
    return found


def test_no_function_is_longer_than_a_screen() -> None:
    """A long function is split where it has a seam (a step with a name, a rare case):
    only the allowed ones are longer, and each of those still is."""
    lengths = {name: n for path in _sources() for name, n in _functions(path).items()}
    long = {name: n for name, n in lengths.items() if n > LONGEST}
    assert {name: n for name, n in long.items() if name not in LONG_ALLOWED} == {}
    assert set(long) >= LONG_ALLOWED  # an entry no longer needed is taken off the list
