"""The docs' examples run: YAML examples validate, shown output is what the CLI prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import ROOT, by_parser, problems_of

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


YAML_EXAMPLES = [
    pytest.param(block, id=f"{path.name}-{i}")
    for path in DOCS
    for i, block in enumerate(blocks(path, "yaml"))
]


@pytest.mark.parametrize("block", YAML_EXAMPLES)
def test_yaml_examples_are_valid(block: str) -> None:
    if block.startswith("  "):  # lines to paste under 'links:' (docs/web-editor.md, README)
        text = "links:\n" + block
    elif "links:" in block:
        text = block
    else:
        text = block + "links:\n  example: https://example.com\n"
    errors = [p for p in problems_of(text) if p.is_error]
    assert errors == []


def test_every_key_of_the_format_is_documented_with_an_example() -> None:
    from generator.validate import LINK_KEYS, SITE_KEYS

    doc = (ROOT / "docs" / "links-yaml.md").read_text(encoding="utf-8")
    examples = "".join(blocks(ROOT / "docs" / "links-yaml.md", "yaml"))
    for key in (*SITE_KEYS, *LINK_KEYS):
        assert f"### `{key}`" in doc, key
        assert re.search(rf"^\s+{key}:", examples, re.M), key


def test_readme_error_example_is_what_check_prints() -> None:
    shown = blocks(ROOT / "README.md", "text")[0].strip().splitlines()
    found = problems_of(
        "links:\n" + "\n" * 8 + "  sale:\n    url: https://a.example\n    expire: 2026-12-31\n"
    )
    assert len(found) == 1
    p = found[0]
    assert shown == [
        f"links.yaml:{p.line}:{p.column}: error: {p.message} ({p.rule})",
        f"    hint: {p.hint}",
    ]


WALKTHROUGHS = [ROOT / "docs" / "web-editor.md", ROOT / "docs" / "web-editor.zh.md"]


@pytest.mark.parametrize("doc", WALKTHROUGHS, ids=lambda p: p.name)
def test_walkthrough_error_example_is_what_check_prints(doc: Path) -> None:
    """The walkthrough's example: its own link, pasted 43 lines into a file, with a date
    written the way people often write one."""
    shown = blocks(doc, "text")[0].strip().splitlines()
    link = blocks(doc, "yaml")[0].replace("2026-12-31", "31/12/2026")
    found = problems_of("links:\n" + "\n" * 43 + link)
    assert len(found) == 1
    p = found[0]
    assert shown == [
        f"links.yaml:{p.line}:{p.column}: error: {p.message} ({p.rule})",
        f"    hint: {p.hint}",
    ]


# What the walkthroughs' table of usual messages quotes, and a mistake that makes each.
USUAL_MISTAKES = {
    "is not a valid date": "  a:\n    url: https://a.example\n    expires: 31/12/2026\n",
    "the URL has no scheme": "  a: shop.example.com\n",
    "unknown key 'expire'": "  a:\n    url: https://a.example\n    expire: 2026-12-31\n",
    "did you mean 'expires'?": "  a:\n    url: https://a.example\n    expire: 2026-12-31\n",
    "could not find expected ':' after the key on this line": (
        "  gh: https://github.com/example\n  a：https://a.example\n"
    ),
    "the URL contains SPACE": "  a:\n    url： https://a.example\n",
    "indent with spaces, not tabs": "  a:\n\turl: https://a.example\n",
    "did not find expected key": "  a: https://a.example\n b: https://b.example\n",
    "is already used on line": "  a: https://a.example\n  b:\n    url: https://b.example\n"
    "    aliases: [a]\n",
}


@pytest.mark.parametrize("words", list(USUAL_MISTAKES))
def test_walkthrough_messages_are_what_check_says(words: str) -> None:
    found = problems_of("links:\n" + USUAL_MISTAKES[words])
    # PyYAML's pure-Python parser words that one otherwise; the check on GitHub has libyaml
    said = by_parser(words, "expected <block end>") if "expected key" in words else words
    assert any(said in f"{p.message} {p.hint}" for p in found), found
    for doc in WALKTHROUGHS:
        assert f"`{words}`" in doc.read_text(encoding="utf-8"), (doc.name, words)


def test_links_yaml_doc_timezone_example_is_what_check_prints() -> None:
    doc = ROOT / "docs" / "links-yaml.md"
    shown = blocks(doc, "text")[0].strip().splitlines()
    found = problems_of("site:\n  domain: go.example.com\n  timezone: localtime\nlinks: {}\n")
    p = next(p for p in found if p.is_error)
    assert shown == [
        f"links.yaml:{p.line}:{p.column}: error: {p.message} ({p.rule})",
        f"    hint: {p.hint}",
    ]


def test_codeowners_has_the_rules_security_md_shows_for_what_the_checker_trusts() -> None:
    """The rules wait commented out for real owners (an unknown team would be an error on
    GitHub); once uncommented they are the doc's, and cover what the check runs."""
    doc = ROOT / "docs" / "security.md"
    block = next(b for b in blocks(doc, "text") if "@your-org/" in b)
    shown = [line.strip() for line in block.splitlines() if line.strip()]  # in a list item
    lines = (ROOT / ".github" / "CODEOWNERS").read_text().splitlines()
    assert all(line.startswith("#") or not line.strip() for line in lines)
    rules = [line[2:] for line in lines if line.startswith("# /")]
    assert rules == shown
    paths = [rule.split()[0] for rule in rules]
    assert paths == ["/generator/", "/templates/", "/schema/", "/scripts/", "/.github/",
                     "/pyproject.toml", "/action.yml", "/.pre-commit-hooks.yaml"]  # fmt: skip
    for path in paths:
        assert (ROOT / path.strip("/")).exists(), path


def test_output_doc_build_example_matches_the_bundled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = ROOT / "docs" / "output.md"
    command = blocks(doc, "sh")[0].strip()
    shown = blocks(doc, "text")[0].strip()
    args = command.split()[2:]  # after ".venv/bin/shortlinks build"
    assert command.startswith(".venv/bin/shortlinks build")
    (tmp_path / "links.yaml").write_bytes((ROOT / "links.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == shown


def test_output_doc_links_json_example_is_real() -> None:
    shown = json.loads(blocks(ROOT / "docs" / "output.md", "json")[0])
    real = json.loads((ROOT / "tests" / "golden" / "site" / "links.json").read_text())
    real["links"] = real["links"][:1]
    assert shown == real


def test_output_doc_redirect_page_is_the_real_one_but_for_the_script() -> None:
    shown = blocks(ROOT / "docs" / "output.md", "html")[0].splitlines()
    real = (ROOT / "tests" / "golden" / "site" / "gh.html").read_text().splitlines()
    assert len(shown) == len(real)
    for a, b in zip(shown, real, strict=True):
        if a.startswith("<script>"):
            assert b.startswith("<script>(function(t){") and b.endswith(a.split("...")[-1].strip())
        else:
            assert a == b


def test_readme_commands_exist() -> None:
    runner = CliRunner()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in re.findall(r"^shortlinks (\w+) (.*)$", text, re.M):
        command, usage = line
        help_text = runner.invoke(main, [command, "--help"]).stdout
        for option in re.findall(r"--[a-z-]+|-o\b", usage):
            assert option in help_text, (command, option)


def host_rows() -> dict[str, str]:
    """docs/hosts.md's table: the row of each host, by the `name` in its first cell."""
    rows = {}
    doc = (ROOT / "docs" / "hosts.md").read_text()
    section = doc[doc.index("## The table") :]
    for line in section[: section.index("\n## ")].splitlines():
        found = re.match(r"\| [^|]*\(`([a-z0-9-]+)`\) \|", line)
        if found and found.group(1) != "name":  # the header row
            rows[found.group(1)] = line
    return rows


def test_hosts_doc_has_one_row_per_host_naming_its_files() -> None:
    from generator.hosts import HOSTS

    rows = host_rows()
    assert list(rows) == list(HOSTS)
    for name, host in HOSTS.items():
        files_cell = rows[name].split("|")[2]
        for written in host.files:
            if written != "_headers" or name != "gitlab":
                assert f"`{written}`" in files_cell, (name, written)


def test_links_yaml_doc_names_every_host() -> None:
    from generator.hosts import HOSTS

    doc = (ROOT / "docs" / "links-yaml.md").read_text()
    section = doc[doc.index("### `hosts`") : doc.index("## `links`")]
    for name in HOSTS:
        assert f"`{name}`" in section, name
