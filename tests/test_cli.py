"""The command line, through click's CliRunner: output, exit codes, formats."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.problems import RULES
from tests.conftest import FIXTURES, ROOT

TEN_MISTAKES = [
    (3, 13, "unknown time zone 'Asia/Shanghia'"),
    (7, 5, "unknown key 'URL' in link 'docs'"),
    (9, 10, "javascript: URLs are refused: it would run code on the short domain"),
    (12, 5, "unknown key 'expire' in link 'sale'"),
    (13, 3, "slug 'Sale' collides with 'sale' (line 10)"),
    (16, 13, "starts: '2026-02-30' is not a valid date (day is out of range for month)"),
    (19, 13, "status must be 301, 302, 307 or 308, not 303"),
    (20, 3, "duplicate key 'gh' (first on line 5)"),
    (21, 3, "slug 'bad slug' contains whitespace or a control character (SPACE) at position 4"),
    (22, 3, "slug 'index' is reserved for the site's own files"),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_ten_mistakes_give_ten_errors_exit_1_and_no_output_change(
    runner: CliRunner, workdir: Path
) -> None:
    shutil.copy(FIXTURES / "ten-mistakes.yaml", workdir / "links.yaml")
    first = runner.invoke(main, ["build", FIXTURES.joinpath("site.yaml").as_posix(), "-o", "out"])
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}

    result = runner.invoke(main, ["build", "-o", "out"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [tuple(e.split(": error: ")[0].split(":")[1:]) for e in errors] == [
        (str(line), str(col)) for line, col, _ in TEN_MISTAKES
    ]
    said = [re.fullmatch(r"(.*) \(([a-z0-9-]+)\)", e.split(": error: ")[1]) for e in errors]
    assert [m.group(1) for m in said if m] == [m for _, _, m in TEN_MISTAKES]
    assert {m.group(2) for m in said if m} <= set(RULES)
    assert "10 errors, 0 warnings" in result.stderr
    assert "nothing was written" in result.stderr
    after = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}
    assert after == before


def test_check_text_output(runner: CliRunner, workdir: Path) -> None:
    shutil.copy(FIXTURES / "ten-mistakes.yaml", workdir / "links.yaml")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "links.yaml:3:13: error: unknown time zone 'Asia/Shanghia' (time-zone)"
    assert lines[1] == "    hint: did you mean 'Asia/Shanghai'?"
    assert lines[-1] == "10 errors, 0 warnings"
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_check_github_annotations(runner: CliRunner, workdir: Path) -> None:
    shutil.copy(FIXTURES / "ten-mistakes.yaml", workdir / "links.yaml")
    result = runner.invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert lines[0] == (
        "::error file=links.yaml,line=3,col=13,title=time-zone::unknown time zone 'Asia/Shanghia'"
        "%0Adid you mean 'Asia/Shanghai'?"
    )


def test_check_picks_github_format_under_actions(
    runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "links.yaml").write_text("links:\n  a b: https://a.example\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(main, ["check"])
    assert result.stdout.startswith("::error file=links.yaml,line=2,col=3,title=slug-character::")


def test_check_json(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text("links:\n  gh: ftp://a.example\n")
    result = runner.invoke(main, ["check", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "line": 2,
            "column": 7,
            "severity": "error",
            "message": "only http and https URLs are allowed, not ftp:",
            "hint": None,
            "file": "links.yaml",
            "rule": "url-scheme",
        }
    ]


def test_check_ok(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text("links:\n  gh: https://a.example\n")
    result = runner.invoke(main, ["check"])
    assert (result.exit_code, result.stdout) == (0, "links.yaml: 1 link, no problems\n")


def test_warnings_pass_unless_strict(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text(
        "links:\n  s:\n    url: https://a.example\n    expired: https://b.example\n"
    )
    assert runner.invoke(main, ["check"]).exit_code == 0
    assert runner.invoke(main, ["check", "--strict"]).exit_code == 1
    assert runner.invoke(main, ["build", "--strict"]).exit_code == 1
    assert not (workdir / "_site").exists()
    assert runner.invoke(main, ["build"]).exit_code == 0


def test_usage_errors_exit_2(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text("links:\n  gh: https://a.example\n")
    assert runner.invoke(main, ["check", "--format", "xml"]).exit_code == 2
    bad_now = runner.invoke(main, ["build", "--now", "yesterday"])
    assert bad_now.exit_code == 2
    assert "is not an ISO 8601 date-time" in bad_now.stderr
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_missing_file_exit_1(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(main, ["check", "nope.yaml"])
    assert result.exit_code == 1
    assert "nope.yaml:1:1: error: nope.yaml does not exist" in result.stdout


def test_build_reports_counts_and_next_change(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(
        main,
        ["build", str(FIXTURES / "site.yaml"), "-o", "site", "--now", "2026-11-25T08:00:00Z"],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    written = [p for p in (workdir / "site").rglob("*") if p.is_file()]
    files = len(written) - 1  # the marker (.shortlinks) is not counted
    counts = f"{files} files for 9 links (6 active, 1 scheduled, 2 expired)"
    assert lines[0] == f"Built site/: {counts}; {files} written, 0 removed"
    assert lines[-1] == (
        "Next change: 2026-12-31T16:00:00+00:00 (31 December 2026, sale expires): rebuild then"
    )
    assert (workdir / "site" / "gh.html").is_file()
    again = runner.invoke(
        main,
        ["build", str(FIXTURES / "site.yaml"), "-o", "site", "--now", "2026-11-25T09:00:00Z"],
    )
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0].startswith(f"Up to date: site/ has {counts};")
    assert again.stdout.splitlines()[-1] == lines[-1]


def test_build_refuses_a_foreign_folder(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text("links:\n  gh: https://a.example\n")
    (workdir / "public").mkdir()
    (workdir / "public" / "keep.txt").write_text("mine")
    result = runner.invoke(main, ["build", "-o", "public"])
    assert result.exit_code == 1
    assert "public is not empty and was not created by shortlinks" in result.stderr
    assert (workdir / "public" / "keep.txt").read_text() == "mine"


def test_build_refuses_the_repository_root(runner: CliRunner, workdir: Path) -> None:
    (workdir / "links.yaml").write_text("links:\n  gh: https://a.example\n")
    result = runner.invoke(main, ["build", "-o", "."])
    assert result.exit_code == 1
    assert "it contains links.yaml" in result.stderr


def test_help_shows_examples(runner: CliRunner) -> None:
    for command in ("build", "check"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert f"shortlinks {command}" in result.stdout


def test_bundled_links_yaml_is_valid_and_shows_every_feature() -> None:
    from generator.build import check

    result = check(ROOT / "links.yaml")
    assert result.ok and result.problems == [], result.problems
    assert result.linkset is not None
    links = result.linkset.links
    assert any(link.aliases for link in links)
    assert any(not link.slug.isascii() for link in links)
    assert any(link.expired for link in links)
    assert any(link.starts for link in links) and any(link.expires for link in links)
    assert any(link.status == 301 for link in links)
    assert any(link.title for link in links)


# -- arguments that are not UTF-8 ---------------------------------------------------------

NOT_UTF8 = "x\udcff"  # the byte 0xff after 'x', as Python hands it over from argv
# a value for each required argument, so that the one under test is the only wrong one
REQUIRED = {
    "base": "links.yaml",
    "base_url": "https://go.example.com",
    "slug": "gh",
    "url": "https://x.example",
    "csv_file": "links.csv",
    "name": "spring",
}


def _text_params() -> list[object]:
    """Every argument and option of every command that takes text or a path."""
    import click

    out = []
    for name, command in sorted(main.commands.items()):
        for param in command.params:
            if isinstance(param.type, (click.types.StringParamType, click.Path)):
                out.append(pytest.param(name, param.name, id=f"{name}-{param.opts[-1]}"))
    return out


@pytest.mark.parametrize(("command", "param"), _text_params())
def test_an_argument_that_is_not_utf8_is_a_command_line_error(
    runner: CliRunner, workdir: Path, command: str, param: str
) -> None:
    """A byte that is not UTF-8 in any argument (a title typed in a terminal set to another
    encoding) reached the YAML parser, a file or a page, and ended in a traceback: now it
    is refused as a wrong command line (exit 2) naming the argument, and nothing is
    written."""
    import click

    (workdir / "links.yaml").write_text("links:\n  gh: https://github.com/acme\n")
    (workdir / "links.csv").write_text("slug,url\nnew,https://new.example\n")
    cmd = main.commands[command]
    kind = next(p.type for p in cmd.params if p.name == param)
    if isinstance(kind, click.Path) and kind.exists:  # made, so that only its name is wrong
        if kind.file_okay:
            (workdir / NOT_UTF8).write_text("slug,url\n")
        else:
            (workdir / NOT_UTF8).mkdir()
    before = _tree(workdir)
    args: list[str] = [command]
    positional = True  # until an optional argument is left out: the rest keep defaults too
    for p in cmd.params:
        if isinstance(p, click.Argument):
            if p.name == param and positional:
                args.append(NOT_UTF8)
            elif p.required:
                args.append(REQUIRED[p.name or ""])
            else:
                positional = False
        elif p.name == param:
            args += [p.opts[-1], NOT_UTF8]
    assert NOT_UTF8 in args
    result = runner.invoke(main, args)
    assert result.exit_code == 2, (args, result.output)
    assert "the byte 0xff (character 2) is not UTF-8; give every argument in UTF-8" in (
        result.output
    )
    assert _tree(workdir) == before


def _tree(folder: Path) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


@pytest.mark.slow
def test_a_title_that_is_not_utf8_from_a_real_command_line(tmp_path: Path) -> None:
    """The same, through the real argv: the title's byte 0xff arrives as U+DCFF."""
    import subprocess
    import sys

    links = tmp_path / "links.yaml"
    links.write_text("links:\n  gh: https://github.com/acme\n")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "add", "https://x.example", "--title", b"Sale\xff"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert b"Traceback" not in run.stderr
    assert b"Invalid value for '--title': the byte 0xff (character 5) is not UTF-8" in run.stderr
    assert links.read_text() == "links:\n  gh: https://github.com/acme\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.yaml"]


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["ten-mistakes.yaml", "site.yaml"])
def test_check_as_a_program_says_what_it_says_in_process(
    fixture: str, workdir: Path, runner: CliRunner
) -> None:
    """The program ends at once when its answer is out (cli._exit): every line is out
    first, the exit code is the same, into a pipe as on a terminal."""
    import subprocess
    import sys

    shutil.copy(FIXTURES / fixture, workdir / "links.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check"], capture_output=True, env=env, check=False
    )
    said = runner.invoke(main, ["check"])
    assert (run.returncode, run.stdout.decode()) == (said.exit_code, said.output)
    assert run.stdout.strip() and not run.stderr


def _takes_now(command: object) -> bool:
    return any("--now" in getattr(p, "opts", ()) for p in command.params)  # type: ignore[attr-defined]


# every command with --now, and the arguments it needs besides
NOW_COMMANDS = {
    "build": [],
    "list": [],
    "verify": ["http://127.0.0.1:9"],
    "targets": [],
    "serve": [],
    "diff": ["links.yaml"],
    "add": ["https://example.com/x"],
}


def test_every_now_option_is_the_same_type() -> None:
    from generator.cli import _Now

    assert {name for name, c in main.commands.items() if _takes_now(c)} == set(NOW_COMMANDS)
    for name in NOW_COMMANDS:
        (option,) = [p for p in main.commands[name].params if "--now" in p.opts]
        assert isinstance(option.type, _Now), name


@pytest.mark.parametrize("command", sorted(NOW_COMMANDS))
@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("garbage", "'garbage' is not an ISO 8601 date-time; write it like "
         "2026-12-01T09:00:00+08:00, 2026-12-01T01:00:00Z or 2026-12-01"),
        ("0001-01-01T00:00:00+05:00", "'0001-01-01T00:00:00+05:00' is out of range: "
         "give a year 1000 to 9998"),
    ],
)  # fmt: skip
def test_now_garbage_is_a_usage_error_on_every_command(
    runner: CliRunner, workdir: Path, command: str, value: str, why: str
) -> None:
    shutil.copy(ROOT / "links.yaml", workdir / "links.yaml")
    result = runner.invoke(main, [command, *NOW_COMMANDS[command], "--now", value])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--now': {why}"


@pytest.mark.parametrize(
    "value", ["2026-11-25T16:00:00+08:00", "2026-11-25T08:00:00Z", "2026-11-25T08:00:00"]
)
def test_now_takes_the_same_forms_everywhere(runner: CliRunner, workdir: Path, value: str) -> None:
    shutil.copy(ROOT / "links.yaml", workdir / "links.yaml")
    listed = runner.invoke(main, ["list", "--format", "json", "--now", value])
    assert listed.exit_code == 0, listed.output
    same = runner.invoke(main, ["list", "--format", "json", "--now", "2026-11-25T08:00:00Z"])
    assert listed.output == same.output
    diffed = runner.invoke(main, ["diff", "links.yaml", "links.yaml", "--now", value])
    assert diffed.exit_code == 0, diffed.output


CAMPAIGNS = """\
links:
  sale: {url: https://a.example/sale, tags: [winter, shop]}
  sales: https://a.example/sales
campaigns:
  spring:
    url: https://a.example/spring
    distributors: [{code: a01, name: Alice}]
"""


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["list", "--campaign", "sprng"],
         "error: no campaign 'sprng' in links.yaml (did you mean 'spring'?): "
         "its campaigns are 'spring'"),
        (["sheet", "Spring", "-o", "s.svg"],
         "error: no campaign 'Spring' in links.yaml (did you mean 'spring'?): "
         "its campaigns are 'spring'"),
        (["list", "--tag", "wintr"],
         "error: no link with the tag 'wintr' in links.yaml (did you mean 'winter'?)"),
        (["qr", "sal"], "error: no link 'sal' in links.yaml (did you mean 'sale' or 'sales'?)"),
    ],
)  # fmt: skip
def test_unknown_names_say_did_you_mean(
    runner: CliRunner, workdir: Path, args: list[str], said: str
) -> None:
    (workdir / "links.yaml").write_text(CAMPAIGNS, encoding="utf-8")
    result = runner.invoke(main, args)
    assert (result.exit_code, result.stderr) == (1, said + "\n")


def _complete(cwd: Path, words: str) -> list[str]:
    """What bash completion offers for the last of ``words``, asked as bash asks the
    installed command (docs/cli.md)."""
    import os
    import subprocess
    import sys

    command = Path(sys.executable).with_name("shortlinks")
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {**os.environ, "_SHORTLINKS_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(cword)}  # fmt: skip
    done = subprocess.run([command], cwd=cwd, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


@pytest.mark.slow
def test_shell_completion_offers_the_files_slugs_and_campaigns(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(CAMPAIGNS, encoding="utf-8")
    assert _complete(tmp_path, "shortlinks q") == ["qr"]
    assert _complete(tmp_path, "shortlinks qr sa") == ["sale", "sales"]
    assert _complete(tmp_path, "shortlinks qr ") == ["sale", "sales", "spring-a01"]
    assert _complete(tmp_path, "shortlinks sheet s") == ["spring"]
    assert _complete(tmp_path, "shortlinks list --campaign ") == ["spring"]
    (tmp_path / "links.yaml").write_text("links: [", encoding="utf-8")  # broken: nothing
    assert _complete(tmp_path, "shortlinks qr ") == []


@pytest.mark.slow
def test_the_completion_scripts_of_the_docs_are_made(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    command = Path(sys.executable).with_name("shortlinks")
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "_SHORTLINKS_COMPLETE": f"{shell}_source"}
        done = subprocess.run([command], env=env, capture_output=True, text=True, check=True)
        assert "_SHORTLINKS_COMPLETE" in done.stdout, shell
        assert (
            f"_SHORTLINKS_COMPLETE={shell}_source shortlinks"
            in (ROOT / "docs" / "cli.md").read_text()
        )
