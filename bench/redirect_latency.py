"""How long a click on a short link takes to reach the target, in headless Chromium.

Measures, on loopback, the time from the start of the navigation to the browser's
request for the target, for:

- ``server-301``: a plain HTTP 301 from a tiny server: the floor any edge rule gives;
- ``page-js``: the link's HTML page (what GitHub Pages, or any host without a rule,
  serves), whose script calls location.replace;
- ``page-no-js``: the same page with JavaScript off: the meta refresh;
- ``page-counted``: the page of a counted link (site.analytics), whose script first sends
  a click-count beacon to a local counter that takes a second to answer: the redirect
  must not wait for it (docs/analytics.md).

Reports medians of ``--runs`` navigations each, and each as a ratio to the floor
measured in the same run (the machines are shared and noisy: compare ratios, not
milliseconds). Not a test: nothing asserts a time.

    .venv/bin/python bench/redirect_latency.py [--runs 40]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402
from tests.conftest import NOW  # noqa: E402
from tests.e2e.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.e2e.test_http import PagesHandler  # noqa: E402


class Target(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>t</title>target"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the browser had what it came for
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(handler: type, directory: Path | None = None) -> str:
    def factory(*args, **kwargs):  # type: ignore[no-untyped-def]
        if directory is not None:
            kwargs["directory"] = str(directory)
        return handler(*args, **kwargs)

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page left mid-answer
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    server = Quiet(("127.0.0.1", 0), factory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    target = serve(Target)

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(301)
            # no-store: Chromium would otherwise cache the 301 and never ask again
            self.send_header("Cache-Control", "no-store")
            self.send_header("Location", target + "/dest")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    redirect = serve(Redirect)

    class SlowCounter(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(1.0)  # a slow counter: the redirect must not wait for it
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    counter = serve(SlowCounter)
    work = Path(tempfile.mkdtemp(prefix="bench-redirect-"))
    (work / "links.yaml").write_text(f"links:\n  go: {target}/dest\n")
    result = build(work / "links.yaml", work / "_site", NOW)
    assert result.written, result.problems

    class NoStorePages(PagesHandler):
        def end_headers(self) -> None:  # each navigation fetches the page, as a first visit
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

    pages = serve(NoStorePages, work / "_site")
    counted = work / "counted"
    counted.mkdir()
    (counted / "links.yaml").write_text(
        "site:\n  analytics: {provider: plausible, site: go.example.com, "
        f"url: '{counter}'}}\nlinks:\n  go: {target}/dest\n"
    )
    result = build(counted / "links.yaml", counted / "_site", NOW)
    assert result.written, result.problems
    counted_pages = serve(NoStorePages, counted / "_site")

    from playwright.sync_api import sync_playwright

    cases = {
        "server-301": (redirect + "/go", True),
        "page-js": (pages + "/go", True),
        "page-no-js": (pages + "/go", False),
        "page-counted": (counted_pages + "/go", True),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        contexts = {js: browser.new_context(java_script_enabled=js) for js in (True, False)}
        for _ in range(args.runs):
            for name, (url, js) in cases.items():  # interleaved: noise hits every case alike
                page = contexts[js].new_page()
                seen: list[float] = []
                page.on(
                    "request",
                    lambda r, seen=seen: (
                        seen.append(time.perf_counter()) if r.url.startswith(target) else None
                    ),
                )
                start = time.perf_counter()
                page.goto(url, wait_until="commit")
                page.wait_for_url(target + "/**")
                times[name].append((seen[0] - start) * 1000)
                page.close()
        browser.close()

    floor = statistics.median(times["server-301"])
    print(
        f"Chromium, loopback, {args.runs} runs each (median ms from navigation to target request)"
    )
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:12s} {med:7.2f} ms   {med / floor:5.2f}x the server 301")


if __name__ == "__main__":
    main()
