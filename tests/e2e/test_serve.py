"""shortlinks serve, over real sockets: rules answer as on a host, edits rebuild."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT
from tests.e2e.engines import free_port, wait_for_port


def get(port: int, path: str) -> tuple[int, str | None, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Location"), body


HANG = 300  # seconds: only a hung server takes this long, however loaded the machine


def until(happened: Callable[[], bool], log: Path) -> None:
    """Wait for what the watcher does (it looks every 0.3 s): no window to land in, only a
    guard against a server that hangs."""
    deadline = time.monotonic() + HANG
    while not happened():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def test_serve_answers_like_a_host_and_rebuilds_on_edit(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text(
        "links:\n  gh: https://github.com/acme\n"
        "  docs:\n    url: https://docs.example.com/a?lang=en\n    forward_query: false\n"
        "  gone:\n    url: https://x.example\n    expires: 2020-01-01\n"
    )
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", str(links), "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, proc, log, timeout=HANG)
        assert get(port, "/gh?a=1")[:2] == (302, "https://github.com/acme?a=1")
        assert get(port, "/docs?a=1")[:2] == (302, "https://docs.example.com/a?lang=en")
        status, _, body = get(port, "/gone")
        assert status == 410 and b"This link has expired" in body
        status, _, body = get(port, "/nope")
        assert status == 404 and b"This short link does not exist" in body
        assert get(port, "/gh+")[0] == 200  # the shared preview page, as by a host's rule

        links.write_text("links:\n  gh: https://github.com/acme-corp\n")
        until(lambda: get(port, "/gh")[1] == "https://github.com/acme-corp", log)
        assert get(port, "/docs")[0] == 404

        links.write_text("links:\n  gh: not a url\n")  # a mistake: the last good site stays
        until(lambda: "not rebuilt" in log.read_text(), log)
        assert get(port, "/gh")[1] == "https://github.com/acme-corp"
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=10)
