"""``shortlinks serve``: the built site on 127.0.0.1, answering as a host with rules does.

What is served is what ``shortlinks build`` writes for the same arguments: the preview
calls ``build`` (the same checks, hosts, templates and time) into a temporary folder,
and answers with the edge rules of the very plan that build rendered (the same ``Rule``
list every host module reads): each with its status and the Location the link promises,
the visitor's query merged as promised; a gone link answers 410 with its expired page;
any other path is served from the folder (``/slug`` from ``slug.html``), unknown ones
with ``404.html`` and 404.

A watcher looks at every input of the build (the links file, the links.lock beside it,
each file of ``--templates``, site.qr's logo) and builds again when one changes, and when the clock
reaches the next link's start or end. Each build says what it did: rebuilt (how many
files changed), unchanged, or not rebuilt (build's errors, the last good site kept).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import tempfile
import threading
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType

from ..build import build, logo_files
from ..load import read_bytes
from ..lock import lock_path
from ..pages import PREVIEW_PAGE
from ..plan import Change
from ..problems import format_text
from ..rules import Kind, Rule, edge_rules, expected_location

# What a file is, as far as a look at it without reading it tells: inode, size, and
# modification and change times in ns. An edit in place changes the times (and mostly the
# size); a file replaced by rename, as editors and ``shortlinks lock`` save, changes the
# inode or the change time; a file deleted reads None until it is back.
Stamp = tuple[int, int, int, int] | None

POLL = 0.3  # seconds between two looks at the inputs


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:  # gone (or not reachable): build says what is wrong
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Preview:
    """Builds ``file`` into a temporary folder and keeps it current."""

    def __init__(
        self,
        file: Path,
        now: Callable[[], datetime],
        report: Callable[[str], None],
        domain: str | None = None,
        templates: Path | None = None,
        hosts: tuple[str, ...] | None = None,
        strict: bool = False,
        cache_dir: Path | None = None,
    ) -> None:
        """``now``: the build's time, asked at each build (a fixed ``--now`` or the clock);
        ``domain``: with site.domains, the one served (default: the first); ``templates``,
        ``hosts``, ``strict``, ``cache_dir``: as ``build`` takes them."""
        self.file = file
        self.domain = domain
        self.now = now
        self.report = report
        self.templates = templates
        self.hosts = hosts
        self.strict = strict
        self.cache_dir = cache_dir
        self._logos: tuple[Stamp, list[Path]] | None = None
        self.root = Path(tempfile.mkdtemp(prefix="shortlinks-serve-"))
        self.site = self.root / "_site"
        self.folder = self.site  # what is served: the site, or one domain's folder of it
        self.rules: dict[str, Rule] = {}
        self.built = False  # whether there is a good site to serve yet
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._stamps: dict[Path, Stamp] = {}
        self._due: Change | None = None  # the next link to start or end, on the clock
        try:
            self.rebuild()
        except BaseException:  # Ctrl-C during the first build: nothing left behind
            self.close()
            raise

    def inputs(self) -> list[Path]:
        """Every file the build reads but the generator's own: the links file, its lock,
        and each file of the templates folder (one added or removed is a change too)."""
        files = [self.file, lock_path(self.file), *self.logos()]
        if self.templates is not None:
            files.append(self.templates)
            for dirpath, dirnames, filenames in os.walk(self.templates):
                dirnames.sort()
                files += [Path(dirpath, name) for name in (*dirnames, *sorted(filenames))]
        return files

    def logos(self) -> list[Path]:
        """site.qr's logo file, looked for again only when the links file changed."""
        now = stamp(self.file)
        if self._logos is None or self._logos[0] != now:
            try:
                found = logo_files(self.file, read_bytes(self.file, pipes=False))
            except OSError:
                found = []
            self._logos = (now, found)
        return self._logos[1]

    def stamps(self) -> dict[Path, Stamp]:
        return {path: stamp(path) for path in self.inputs()}

    def rebuild(self) -> bool:
        """Build once; say what happened. True when the site served is this build's."""
        self._stamps = self.stamps()  # before reading: an edit during the build is seen
        now = self.now()
        result = build(  # no fork beside the server's threads
            self.file,
            self.site,
            now,
            self.templates,
            self.hosts,
            self.strict,
            cache_dir=self.cache_dir,
            workers=1,
            blocked=lambda pid: self.report(f"another build is writing {self.site}; waiting..."),
        )
        for p in result.problems:
            self.report(format_text(p))
        failed = bool(result.error) or not (result.written or result.up_to_date)
        if failed:
            if result.error:
                self.report(f"error: {result.error}")
            elif self.strict and not any(p.is_error for p in result.problems):
                self.report("error: --strict refuses a build with warnings")
            if self.built:
                self.report("not rebuilt: the last good site is still served")
            else:
                self.report(f"not built: nothing to serve until {self.file} builds")
            return False
        part, folder = result, self.site
        if result.domains:  # site.domains: one domain's site, as its host serves it
            names = list(result.domains)
            name = self.domain if self.domain in names else names[0]
            if self.domain is not None and self.domain not in names:
                self.report(f"{self.domain} is not one of site.domains: serving {name}")
            part, folder = result.domains[name], self.site / name
        self._due = result.next_change
        with self.lock:
            if part.plan is not None:  # else up to date: the rules already served are its
                self.rules = {r.path: r for r in edge_rules(part.plan)}
            self.folder = folder
            first, self.built = not self.built, True
        links = sum(part.states.values())
        if first:
            self.report(f"built {part.files} files for {links} links")
        elif result.up_to_date or result.changed == (0, 0):
            self.report("unchanged: the site is the same")
        else:
            written, removed = result.changed
            self.report(
                f"rebuilt: {written + removed} files changed ({written} written, "
                f"{removed} removed; {part.files} files for {links} links)"
            )
        return True

    def changed(self) -> bool:
        """Whether an input changed since the last build, or a link starts or ends."""
        due = self._due
        return self.stamps() != self._stamps or (due is not None and self.now() >= due.at)

    def watch(self, interval: float = POLL) -> None:
        """Build again whenever ``changed``, once the inputs have held still for one look
        (an editor writing a file in several steps is seen once, done)."""
        while not self.stop.wait(interval):
            if not self.changed():
                continue
            seen = self.stamps()
            while not self.stop.wait(interval) and (now := self.stamps()) != seen:
                seen = now
            if not self.stop.is_set():
                self.rebuild()

    def start(self) -> None:
        """Watch in a thread, until ``close``."""
        self._watcher = threading.Thread(target=self.watch, name="shortlinks-watch", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Stop watching (a build under way finishes first) and remove the folder."""
        self.stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join()
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
                built = preview.built
            if not built:  # the links file has never built: its errors are in the terminal
                return self._text(503, f"{preview.file} has errors: see the terminal\n")
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
            return self._body(status, file.read_bytes(), "text/html; charset=utf-8")

        def _text(self, status: int, text: str):  # type: ignore[no-untyped-def]
            return self._body(status, text.encode(), "text/plain; charset=utf-8")

        def _body(self, status: int, body: bytes, kind: str):  # type: ignore[no-untyped-def]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return io.BytesIO(body)

    return Handler


def serve(preview: Preview, host: str, port: int) -> tuple[ThreadingHTTPServer, threading.Event]:
    """Make the server and start the watcher (``preview.close`` stops it; so does setting
    the event returned); the caller runs ``serve_forever``."""
    server = ThreadingHTTPServer((host, port), handler(preview))
    preview.start()
    return server, preview.stop


# Ctrl-C, a service manager's SIGTERM and a closed terminal's SIGHUP (not on Windows) all
# stop serve the same way
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM) + (
    (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
)


class Stop(BaseException):
    """A stop signal before there is a server to shut down (during the first build).
    A BaseException, as KeyboardInterrupt is: no ``except Exception`` on its way
    (socketserver has one round each request) may take it for an error and go on."""


class StopSignals:
    """While in effect, each of ``STOP_SIGNALS`` stops serve cleanly.

    Once ``server`` is set, a signal asks it to shut down (from a thread of its own, as
    ``shutdown`` waits for ``serve_forever`` to return) rather than raising: an exception
    raised wherever the main thread happens to be could land inside socketserver's
    handling of a request, which reports it and serves on (the server then never stops).
    Before that, it raises ``Stop``, which ends the first build."""

    def __init__(self) -> None:
        self.server: ThreadingHTTPServer | None = None
        self._saved: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        self._saved = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on)
        return self

    def _on(self, signum: int, frame: FrameType | None) -> None:
        server = self.server
        if server is None:
            raise Stop(signum)
        self.server = None  # a second signal while shutting down asks nothing more
        threading.Thread(target=server.shutdown, name="shortlinks-stop", daemon=True).start()

    def ignore(self) -> None:
        """From now on a signal is ignored: the clean-up (a build under way ends first,
        then the folder is removed) is not cut short."""
        self.server = None
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
