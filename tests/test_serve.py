"""``shortlinks serve`` run as a user runs it, in its own process: it serves what ``build``
writes, builds again when any input changes (links.yaml, links.lock, a template), says
truthfully what each build did, and leaves nothing behind however it is stopped.

Nothing here waits for a length of time: each step waits for the line serve prints about
it (``until``), with one generous deadline only as a guard against a server that hangs.
"""

from __future__ import annotations

import filecmp
import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

HANG = 300  # seconds: only a hung server takes this long, however loaded the machine
VERDICT = re.compile(r"^(built \d+ files|rebuilt: |unchanged: |not rebuilt: |not built: )")

GH = "links:\n  gh: https://github.com/acme\n"


class Serve:
    """A running ``shortlinks serve``: its standard error read line by line."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {**os.environ, "SHORTLINKS_CACHE": str(cwd / ".qr-cache")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", *args, "--port", "0"],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.said: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.deadline = time.monotonic() + HANG
        serving = self.until(lambda line: line.startswith("Serving "))
        found = re.search(r"http://127\.0\.0\.1:(\d+)/ from (\S+) ", serving)
        assert found, serving
        self.port, self.root = int(found.group(1)), Path(found.group(2))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with self.proc.stderr:
            for line in self.proc.stderr:
                self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, wanted: object) -> str:
        """The next line that ``wanted`` (a test on a line) accepts; the lines before it
        are kept in ``said``."""
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, self.deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("serve said nothing more:\n" + "\n".join(self.said))
            if line is None:
                pytest.fail(f"serve ended ({self.proc.wait()}):\n" + "\n".join(self.said))
            self.said.append(line)
            if wanted(line):  # type: ignore[operator]
                return line

    def rest(self) -> list[str]:
        """Every line said until serve's standard error closed."""
        while line := self.lines.get(timeout=max(0.0, self.deadline - time.monotonic())):
            self.said.append(line)
        return self.said

    def verdict(self) -> str:
        """What the next build did (each build says it in one line)."""
        return self.until(VERDICT.match)

    def get(self, path: str) -> tuple[int, str | None, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG)
        conn.request("GET", path)
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
        return answer.status, answer.getheader("Location"), body

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=HANG)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.reader.join(timeout=HANG)


def replace(path: Path, text: str) -> None:
    """Save as most editors (and ``shortlinks lock``) do: a new file renamed over the old."""
    new = path.with_name(path.name + ".new")
    new.write_text(text)
    os.replace(new, path)


def shortlinks(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.slow
def test_serve_serves_the_files_build_writes(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        GH + "  soon:\n    url: https://x.example\n    starts: 2027-01-01\n"
    )
    args = ["--now", "2026-11-25T08:00:00Z", "--host", "netlify", "--host", "nginx"]
    built = shortlinks(tmp_path, "build", "-o", "out", *args)
    assert built.returncode == 0, built.stderr
    server = Serve(tmp_path, *args)
    try:
        site = server.root / "_site"
        same = filecmp.dircmp(tmp_path / "out", site)
        assert same.left_only == same.right_only == same.diff_files == [], same.report()
        assert sorted(p.relative_to(site) for p in site.rglob("*")) == sorted(
            p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*")
        )
        for file in site.rglob("*"):
            if file.is_file():
                assert file.read_bytes() == (tmp_path / "out" / file.relative_to(site)).read_bytes()
        assert server.get("/soon")[0] == 200  # scheduled at --now: its page, no redirect
    finally:
        assert server.stop() == 0


@pytest.mark.slow
def test_a_new_link_is_served_without_running_lock(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text(GH)
    assert shortlinks(tmp_path, "lock").returncode == 0
    server = Serve(tmp_path)
    try:
        assert server.said[0] == "built 22 files for 1 links"
        replace(links, GH + "  new: https://new.example/\n")
        assert server.verdict().startswith("rebuilt: ")
        assert server.get("/new")[:2] == (302, "https://new.example/")
    finally:
        server.stop()


@pytest.mark.slow
def test_serve_rebuilds_on_every_input_and_says_what_it_did(tmp_path: Path) -> None:
    links, lock = tmp_path / "links.yaml", tmp_path / "links.lock"
    links.write_text(GH)
    assert shortlinks(tmp_path, "lock").returncode == 0
    good_lock = lock.read_text()
    server = Serve(tmp_path)
    try:
        assert server.said == ["built 22 files for 1 links", server.said[-1]]
        assert server.get("/gh")[:2] == (302, "https://github.com/acme")

        # the same bytes saved again (in place): nothing to publish, and said so
        links.write_text(GH)
        assert server.verdict() == "unchanged: the site is the same"

        # a link's target changed, in the lock as well: a site that differs
        replace(links, "links:\n  gh: https://github.com/acme-corp\n")
        assert server.verdict().startswith("not rebuilt: ")  # the lock disagrees
        assert any("links.yaml:2:7: error:" in line for line in server.said), server.said
        replace(lock, good_lock.replace("https://github.com/acme", "https://github.com/acme-corp"))
        assert re.match(r"rebuilt: \d+ files changed", server.verdict())
        assert server.get("/gh")[:2] == (302, "https://github.com/acme-corp")

        # links.lock deleted, then written again by another program: each is seen
        lock.unlink()
        assert server.verdict() == "unchanged: the site is the same"
        lock.write_text(good_lock)  # says gh goes to the old target: build refuses
        assert server.verdict() == "not rebuilt: the last good site is still served"
        assert server.get("/gh")[:2] == (302, "https://github.com/acme-corp")
        replace(lock, good_lock.replace("https://github.com/acme", "https://github.com/acme-corp"))
        assert server.verdict() == "unchanged: the site is the same"

        # a mistake: its place and what is wrong, and the last good site still answers
        mark = len(server.said)
        links.write_text("links:\n  gh: https://github.com/acme-corp\n  bad: nowhere\n")
        assert server.verdict() == "not rebuilt: the last good site is still served"
        assert server.said[mark] == "links.yaml:3:8: error: the URL has no scheme (url-scheme)"
        assert server.get("/gh")[:2] == (302, "https://github.com/acme-corp")
        assert server.get("/bad")[0] == 404
        assert server.proc.poll() is None
    finally:
        assert server.stop() == 0
    assert not server.root.exists()


@pytest.mark.slow
def test_a_template_edit_rebuilds(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(GH)
    templates = tmp_path / "templates"
    templates.mkdir()
    server = Serve(tmp_path, "--templates", "templates")
    try:
        assert b"Nothing here, sorry" not in server.get("/nope")[2]
        page = (ROOT / "templates" / "404.html").read_text()
        (templates / "404.html").write_text(page.replace("<h1>", "<h1>Nothing here, sorry "))
        assert re.match(r"rebuilt: \d+ files changed", server.verdict())
        status, _, body = server.get("/nope")
        assert status == 404 and b"Nothing here, sorry" in body
    finally:
        assert server.stop() == 0


@pytest.mark.slow
def test_a_file_that_never_built_is_not_called_the_last_good_site(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text("links:\n  gh: nowhere\n")
    server = Serve(tmp_path)
    try:
        assert server.said[0] == "links.yaml:2:7: error: the URL has no scheme (url-scheme)"
        assert server.said[-2] == "not built: nothing to serve until links.yaml builds"
        assert server.get("/gh")[0] == 503
        replace(links, GH)
        assert server.verdict() == "built 22 files for 1 links"
        assert server.get("/gh")[:2] == (302, "https://github.com/acme")
    finally:
        assert server.stop() == 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_serve_and_removes_its_folder(tmp_path: Path, sig: int) -> None:
    (tmp_path / "links.yaml").write_text(GH)
    server = Serve(tmp_path)
    assert (server.root / "_site" / "index.html").is_file()
    assert server.stop(sig) == 0
    assert not server.root.exists()
    assert not any("Traceback" in line for line in server.rest()), server.said


def test_an_address_given_as_host_is_pointed_to_bind() -> None:
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "'0.0.0.0' is not one of 'apache'" in result.output
    assert result.output.rstrip().endswith("(the address to listen on is '--bind 0.0.0.0')")


def test_a_stop_signal_while_a_request_is_answered_still_stops_the_server() -> None:
    """A signal lands wherever the main thread is: here, each time, while it hands a
    request to its thread (the request itself sends it). Raised as an exception there,
    socketserver reported it as the request's error and served on, never stopping."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from generator.commands.serve import StopSignals

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            signal.raise_signal(signal.SIGTERM)  # to this process: its main thread acts
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    before = signal.getsignal(signal.SIGTERM)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    errors: list[object] = []
    server.handle_error = lambda request, address: errors.append(sys.exc_info()[1])  # type: ignore[method-assign]

    def ask() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=HANG)
        conn.request("GET", "/")
        conn.getresponse().read()
        conn.close()

    client = threading.Thread(target=ask, daemon=True)
    with StopSignals() as signals:
        signals.server = server
        client.start()
        server.serve_forever()  # returns: the signal shut it down
        server.server_close()
    client.join(timeout=HANG)
    assert errors == []
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.slow
def test_a_new_logo_rebuilds(tmp_path: Path) -> None:
    """site.qr's logo is an input like the links file: another logo is served at once."""
    from tests.conftest import FIXTURES

    (tmp_path / "logo.png").write_bytes((FIXTURES / "qr-logo.png").read_bytes())
    (tmp_path / "links.yaml").write_text(
        "site:\n  domain: go.example.com\n  qr: {logo: logo.png}\n" + GH
    )
    server = Serve(tmp_path)
    try:
        assert server.get("/_shortlinks/qr-logo.png")[2] == (FIXTURES / "qr-logo.png").read_bytes()
        import io

        import PIL.Image

        made = io.BytesIO()
        PIL.Image.new("RGB", (64, 64), (200, 0, 0)).save(made, "PNG")
        other = made.getvalue()
        (tmp_path / "logo.png").write_bytes(other)
        assert re.match(r"rebuilt: \d+ files changed", server.verdict())
        assert server.get("/_shortlinks/qr-logo.png")[2] == other
    finally:
        assert server.stop() == 0
