"""A local HTTP proxy for the tests of the commands that go out to the network (verify,
targets): they must go through HTTP_PROXY when the environment names one, so a made-up
host answers only through it. One proxy for both, and the environment cleared of any
proxy the machine running the tests has."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from typing import ClassVar

import pytest

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")


def clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy of the machine's (in either case) reaches a test."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class Proxy(http.server.BaseHTTPRequestHandler):
    """An HTTP proxy for http:// targets (no CONNECT): it takes the absolute URL a client
    sends a proxy and asks the one real server there is (``upstream``), whatever host the
    URL names. Each request is recorded in ``asked``: its URL, after its method when
    ``with_method``."""

    upstream: ClassVar[int] = 0
    asked: ClassVar[list[str]] = []
    with_method: ClassVar[bool] = False

    def do_HEAD(self) -> None:
        self.relay()

    def do_GET(self) -> None:
        self.relay()

    def relay(self) -> None:
        self.asked.append(f"{self.command} {self.path}" if self.with_method else self.path)
        url = urllib.parse.urlsplit(self.path)
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=5)
        conn.request(self.command, url.path, headers={"Host": url.netloc})
        answer = conn.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for name in ("Location", "Content-Type"):
            if answer.getheader(name):
                self.send_header(name, answer.getheader(name) or "")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)
        conn.close()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def proxy_to(upstream: int, with_method: bool = False) -> Iterator[tuple[str, list[str]]]:
    """A running proxy to the server on port ``upstream``: its address, and what it was
    asked."""
    asked: list[str] = []
    attrs = {"upstream": upstream, "asked": asked, "with_method": with_method}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("P", (Proxy,), attrs))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
