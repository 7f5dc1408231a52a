"""shortlinks verify: the live site asked over real sockets, through a proxy when the
environment names one, and one message when nothing answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.commands import serve as server_mod
from tests.relay import clear_proxies, proxy_to

# every test asks a live server over real sockets, most through a proxy
pytestmark = pytest.mark.slow

LINKS = """\
site:
  timezone: Asia/Shanghai
links:
  gh: https://github.com/example
  gone:
    url: https://a.example/gone
    expires: 2026-10-01
"""
NOW = ["--now", "2026-11-25T08:00:00Z", "--retries", "0", "--timeout", "5"]


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """The links file, and the port of its preview (which answers as a host would)."""
    links = tmp_path / "links.yaml"
    links.write_text(LINKS, encoding="utf-8")
    preview = server_mod.Preview(
        links, lambda: datetime(2026, 11, 25, 8, tzinfo=timezone.utc), lambda _msg: None
    )
    server, stop = server_mod.serve(preview, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield links, server.server_address[1]
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        preview.close()


@pytest.fixture
def proxy(site: tuple[Path, int]) -> Iterator[tuple[str, list[str]]]:
    with proxy_to(site[1]) as running:
        yield running


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", *args, *NOW])
    return result.exit_code, result.output


def test_every_link_answers_as_built(site: tuple[Path, int]) -> None:
    links, port = site
    assert verify(f"http://127.0.0.1:{port}", str(links)) == (
        0,
        "2 of 2 links answer as built\n",
    )


def test_requests_go_through_the_proxy_of_http_proxy(
    site: tuple[Path, int], proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, asked = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    # no such host: only the proxy can answer for it
    code, out = verify("http://go.example.invalid", str(site[0]))
    assert (code, out) == (0, "2 of 2 links answer as built\n")
    assert sorted(asked) == ["http://go.example.invalid/gh", "http://go.example.invalid/gone"]


def test_no_proxy_exempts_a_host(site: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    links, port = site
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")  # would fail
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert verify(f"http://127.0.0.1:{port}", str(links))[0] == 0


def test_nothing_answering_is_said_once(site: tuple[Path, int]) -> None:
    port = closed_port()
    code, out = verify(f"http://127.0.0.1:{port}", str(site[0]))
    assert code == 1
    assert out == (
        f"error: nothing answered at http://127.0.0.1:{port} (/gh: ConnectionRefusedError: "
        "[Errno 111] Connection refused)\n"
        "    hint: are you offline or behind a proxy? Behind one, set HTTPS_PROXY (HTTP_PROXY "
        "for http://) to its address: verify goes through it\n"
    )


def test_a_proxy_that_does_not_answer_is_named(
    site: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    code, out = verify("http://go.example.invalid", str(site[0]))
    assert code == 1
    assert out.splitlines() == [
        "error: nothing answered at http://go.example.invalid (/gh: ConnectionRefusedError: "
        "[Errno 111] Connection refused)",
        f"    hint: is the proxy {proxy} (from the environment) running?",
    ]


def test_a_wrong_answer_is_one_line_a_slug(site: tuple[Path, int]) -> None:
    links, port = site
    other = links.with_name("other.yaml")  # what verify expects; the preview serves LINKS
    other.write_text(LINKS.replace("github.com/example", "github.com/other"), encoding="utf-8")
    assert verify(f"http://127.0.0.1:{port}", str(other)) == (
        1,
        "/gh: expected a redirect to https://github.com/other (or its page), got 302 to "
        "https://github.com/example\n"
        "1 of 2 links answer as built\n",
    )
