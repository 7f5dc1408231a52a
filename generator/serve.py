"""``shortlinks serve``: the built site on 127.0.0.1, answering as a host with rules does.

Every edge rule of the build (the same ``Rule`` list every host module reads)
answers with its status and the Location the link promises, the visitor's query
merged as promised; a gone link answers 410 with its expired page; any other path
is served from the folder (``/slug`` from ``slug.html``), unknown ones with
``404.html`` and 404. A watcher rebuilds when the links file changes; a file with
mistakes keeps the last good site up and prints what is wrong.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import build, check
from .pages import PREVIEW_PAGE
from .plan import make_plan
from .rules import Kind, Rule, edge_rules, expected_location


class Preview:
    """Builds ``file`` into a temporary folder and keeps it current."""

    def __init__(
        self,
        file: Path,
        now: Callable[[], datetime],
        report: Callable[[str], None],
        domain: str | None = None,
    ) -> None:
        """``domain``: with site.domains, the one served (default: the first)."""
        self.file = file
        self.domain = domain
        self.now = now
        self.report = report
        self.root = Path(tempfile.mkdtemp(prefix="shortlinks-serve-"))
        self.site = self.root / "_site"
        self.folder = self.site  # what is served: the site, or one domain's folder of it
        self.rules: dict[str, Rule] = {}
        self.lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self.rebuild()

    def stamp(self) -> tuple[float, int] | None:
        try:
            st = self.file.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime, st.st_size)

    def rebuild(self) -> bool:
        self._stamp = self.stamp()
        now = self.now()
        result = build(  # no fork beside the server's threads
            self.file,
            self.site,
            now,
            workers=1,
            blocked=lambda pid: self.report(f"another build is writing {self.site}; waiting..."),
        )
        if not result.written:
            for p in result.problems:
                if p.is_error:
                    self.report(f"{p.file}:{p.line}:{p.column}: error: {p.message}")
            if result.error:
                self.report(f"error: {result.error}")
            self.report("not rebuilt: the last good site is still served")
            return False
        checked = check(self.file)
        assert checked.linkset is not None
        linkset, folder = checked.linkset, self.site
        if linkset.site.several:  # one domain's site, as its host serves it
            names = [d.name for d in linkset.site.domains]
            name = self.domain if self.domain in names else names[0]
            if self.domain is not None and self.domain not in names:
                self.report(f"{self.domain} is not one of site.domains: serving {name}")
            linkset = linkset.on(linkset.site.domains[names.index(name)])
            folder = self.site / name
        rules = {r.path: r for r in edge_rules(make_plan(linkset, now))}
        with self.lock:
            self.rules = rules
            self.folder = folder
        self.report(f"built {result.files} files for {len(linkset.links)} links")
        return True

    def watch(self, stop: threading.Event, interval: float = 0.3) -> None:
        while not stop.wait(interval):
            if self.stamp() != self._stamp:
                time.sleep(0.1)  # let an editor finish writing
                self.rebuild()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def handler(preview: Preview) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(preview.folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

        def send_head(self):  # type: ignore[no-untyped-def]
            parts = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(parts.path)
            with preview.lock:
                rule = preview.rules.get(path)
                site = preview.folder
            if rule is not None and rule.kind is Kind.redirect:
                self.send_response(rule.status)
                self.send_header("Location", expected_location(rule, parts.query))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if rule is not None:  # gone: 410 with the link's expired page
                return self._file(site / rule.page, 410)
            if path != "/" and not (site / path.lstrip("/")).is_file():
                page = site / (path.lstrip("/") + ".html")
                if page.is_file():
                    return self._file(page, 200)
                shared = site / PREVIEW_PAGE  # '/slug+': the shared preview, as by a rule
                if path.endswith("+") and len(path) > 2 and shared.is_file():
                    return self._file(shared, 200)
                return self._file(site / "404.html", 404)
            return super().send_head()

        def _file(self, file: Path, status: int):  # type: ignore[no-untyped-def]
            import io

            body = file.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return io.BytesIO(body)

    return Handler


def serve(preview: Preview, host: str, port: int) -> tuple[ThreadingHTTPServer, threading.Event]:
    """Start the server and the watcher; the caller runs ``serve_forever``."""
    server = ThreadingHTTPServer((host, port), handler(preview))
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    return server, stop
