"""Every example of docs/cli.md, run in order in a git repository with the bundled file."""

from __future__ import annotations

import shlex
import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import ROOT

DOC = ROOT / "docs" / "cli.md"
# The bundled file has no campaign; `list --campaign` and `sheet` need one (docs/campaigns.md).
CAMPAIGN = """
campaigns:
  spring:
    url: https://shop.example.com/spring
    title: Spring collection
    distributors:
      - {code: a01, name: Alice Wang}
      - {code: b02, name: 王伟}
"""


def examples() -> list[str]:
    out, inside = [], False
    for line in DOC.read_text().splitlines():
        if line.startswith("```"):
            inside = line == "```sh"
            continue
        if inside and line.startswith("shortlinks "):
            out.append(line)
    return out


def test_every_command_has_an_example() -> None:
    commands = {shlex.split(x)[1] for x in examples()}
    assert commands == set(main.commands), set(main.commands) ^ commands


@pytest.mark.slow
def test_the_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.commands import serve as server_mod

    monkeypatch.chdir(tmp_path)
    (tmp_path / "links.yaml").write_bytes((ROOT / "links.yaml").read_bytes() + CAMPAIGN.encode())
    for args in (["init", "-q"], ["add", "links.yaml"], ["-c", "user.email=t@example.com",
                 "-c", "user.name=t", "commit", "-q", "-m", "links"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=tmp_path, check=True)
    runner = CliRunner()
    servers = []
    try:
        for line in examples():
            args = shlex.split(line)[1:]
            if args[0] == "serve":  # runs until Ctrl-C: start the same server in a thread
                preview = server_mod.Preview(
                    tmp_path / "links.yaml",
                    lambda: datetime(2026, 11, 25, 8, tzinfo=timezone.utc),
                    lambda _msg: None,
                )
                server, stop = server_mod.serve(preview, "127.0.0.1", 0)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                servers.append((server, stop, preview))
                continue
            if args[0] == "targets":  # every target answers 200 (no network here)
                from generator.commands import verify

                with monkeypatch.context() as m:
                    m.setattr(verify, "ask", lambda *a, **k: verify.Answer(200, None, ""))
                    result = runner.invoke(main, args)
                assert result.exit_code == 0, f"{line}\n{result.output}"
                continue
            if args[0] == "verify":
                port = servers[0][0].server_address[1]
                args = [a.replace(":8000", f":{port}") for a in args]
                args += ["--now", "2026-11-25T08:00:00Z"]
            result = runner.invoke(main, args)
            assert result.exit_code == 0, f"{line}\n{result.output}"
    finally:
        for server, stop, preview in servers:
            stop.set()
            server.shutdown()
            server.server_close()
            preview.close()
    assert (tmp_path / "_site" / "index.html").is_file()
    assert (tmp_path / "public" / "CNAME").is_file()
    assert (tmp_path / "winter.svg").is_file() and (tmp_path / "winter.png").is_file()
    assert "winter:" in (tmp_path / "links.yaml").read_text()
    assert (tmp_path / "spring.svg").is_file() and (tmp_path / "cards" / "b02.svg").is_file()
