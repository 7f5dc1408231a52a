"""shortlinks targets: every target asked over real sockets, each answer judged: a local
server stands in for the targets (200, 404, 410, redirects of each kind, a login page,
429 then 200, 503 forever, HEAD refused), a port that accepts and never answers for a
timeout, a .invalid host for DNS, TLS against a plain port and a self-signed certificate,
and a proxy. Waits are recorded, never slept; no verdict depends on the machine's speed."""

from __future__ import annotations

import http.client
import http.server
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from generator import lock
from generator.build import check as check_file
from generator.cli import main
from generator.commands import targets
from generator.commands.targets import Place, Settings, Verdict
from tests.conftest import require_tool
from tests.relay import clear_proxies, proxy_to

NOW = datetime(2026, 11, 25, 8, tzinfo=timezone.utc)

# path -> (status, Location) answered to GET and HEAD alike; the special ones are below
ROUTES: dict[str, tuple[int, str | None]] = {
    "/ok": (200, None),
    "/new": (200, None),
    "/gone": (404, None),
    "/removed": (410, None),
    "/old": (301, "/new"),
    "/old-308": (308, "http://{host}/new"),
    "/hop1": (302, "/hop2"),
    "/hop2": (307, "/ok"),
    "/via-moved": (301, "/hop1"),  # permanent, then temporary: use /hop1
    "/to-gone": (301, "/gone"),
    "/dash": (302, "/account/login?next=/dash"),
    "/account/login": (200, None),
    "/portal": (302, "https://accounts.example.com/o/authorize"),
    "/parked": (302, "http://www.sedoparking.com/search?domain=x"),
    "/loop1": (301, "/loop2"),
    "/loop2": (301, "/loop1"),
    "/forbidden": (403, None),
    "/down": (503, None),
    "/odd": (301, "/a b<c>`|"),  # a Location no URL may hold: encoded before use
    "/a%20b%3Cc%3E%60%7C": (200, None),
}


class Targets(http.server.BaseHTTPRequestHandler):
    """The targets. Each request is recorded (method, path); ``in_flight`` counts the
    requests being answered at once, ``most`` the largest count seen."""

    asked: ClassVar[list[tuple[str, str]]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()
    in_flight: ClassVar[list[int]] = [0, 0]  # now, most

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        with self.lock:
            self.asked.append((self.command, self.path))
            self.in_flight[0] += 1
            self.in_flight[1] = max(self.in_flight)
            times = sum(1 for _m, p in self.asked if p == self.path)
        if self.path.startswith("/ok?"):  # held a moment: requests at once overlap here
            time.sleep(0.05)
        # counted out before the answer is sent: a client that waits for its answer before
        # it asks again is never seen asking more often than it does, however busy the
        # machine (the pause only widens the window in which too many would be seen)
        with self.lock:
            self.in_flight[0] -= 1
        status, location, headers = self.route(times)
        self.send_response(status)
        if location:
            self.send_header("Location", location.format(host=self.headers["Host"]))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"hi")

    def route(self, times: int) -> tuple[int, str | None, dict[str, str]]:
        path = urllib.parse.urlsplit(self.path).path if "?" in self.path else self.path
        if path == "/busy":  # 429 the first time, then fine
            return (429, None, {"Retry-After": "1"}) if times == 1 else (200, None, {})
        if path == "/busy-long":  # asks for an hour, once
            return (429, None, {"Retry-After": "3600"}) if times == 1 else (200, None, {})
        if path == "/no-head":
            return (405, None, {"Allow": "GET"}) if self.command == "HEAD" else (200, None, {})
        status, location = ROUTES.get(path, (404, None))
        return status, location, {}

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def server() -> Iterator[tuple[str, type[Targets]]]:
    handler = type("T", (Targets,), {"asked": [], "lock": threading.Lock(), "in_flight": [0, 0]})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def silent() -> Iterator[str]:
    """The address of a port that takes connections and never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def run(*urls: str, **settings: object) -> tuple[dict[str, targets.Health], list[float]]:
    waits: list[float] = []
    report = targets.check(
        [Place(f"l{i}", u) for i, u in enumerate(urls)],
        Settings(sleep=waits.append, **settings),  # type: ignore[arg-type]
    )
    return {h.url: h for h in report.results}, waits


def said(h: targets.Health) -> tuple[str, str, str | None, str | None]:
    return h.verdict.value, h.detail, h.at, h.use


@pytest.mark.slow
def test_each_answer_is_judged(server: tuple[str, type[Targets]]) -> None:
    base, _ = server
    paths = ["/ok", "/gone", "/removed", "/old", "/old-308", "/hop1", "/via-moved", "/to-gone",
             "/dash", "/portal", "/parked", "/loop1", "/forbidden", "/account/login",
             "/odd"]  # fmt: skip
    found, _ = run(*(base + p for p in paths))
    assert {p: said(found[base + p]) for p in paths} == {
        "/ok": ("ok", "200 OK", None, None),
        "/gone": ("dead", "404 Not Found", None, None),
        "/removed": ("dead", "410 Gone", None, None),
        "/old": ("moved", "moved permanently (301)", None, f"{base}/new"),
        "/old-308": ("moved", "moved permanently (308)", None, f"{base}/new"),
        "/hop1": ("ok", "200 OK", f"{base}/ok", None),  # temporary redirects: its business
        "/via-moved": ("moved", "moved permanently (301)", None, f"{base}/hop1"),
        "/to-gone": ("dead", "404 Not Found", f"{base}/gone", None),
        "/dash": ("suspicious", "redirects to a login page",
                  f"{base}/account/login?next=/dash", None),
        "/portal": ("suspicious", "redirects to a login page",
                 "https://accounts.example.com/o/authorize", None),
        "/parked": ("suspicious", "redirects to a parked-domain page",
                    "http://www.sedoparking.com/search?domain=x", None),
        "/loop1": ("dead", "redirects in a loop", f"{base}/loop1", None),
        "/forbidden": ("suspicious", "403 Forbidden (perhaps to robots only)", None, None),
        "/account/login": ("ok", "200 OK", None, None),  # a link to a login page means it
        "/odd": ("moved", "moved permanently (301)", None, f"{base}/a%20b%3Cc%3E%60%7C"),
    }  # fmt: skip


@pytest.mark.slow
def test_head_first_and_get_when_head_is_refused(server: tuple[str, type[Targets]]) -> None:
    base, handler = server
    found, _ = run(base + "/ok", base + "/no-head", base + "/gone")
    assert [said(found[base + p])[0] for p in ("/ok", "/no-head", "/gone")] == [
        "ok", "ok", "dead"
    ]  # fmt: skip
    assert sorted(handler.asked) == [
        ("GET", "/gone"), ("GET", "/no-head"), ("HEAD", "/gone"), ("HEAD", "/no-head"),
        ("HEAD", "/ok"),
    ]  # fmt: skip


@pytest.mark.slow
def test_429_waits_for_its_retry_after_then_asks_again(server: tuple[str, type[Targets]]) -> None:
    base, handler = server
    found, waits = run(base + "/busy")
    assert said(found[base + "/busy"]) == ("ok", "200 OK", None, None)
    assert waits == [1.0]
    assert handler.asked == [("HEAD", "/busy"), ("HEAD", "/busy")]


@pytest.mark.slow
def test_a_long_retry_after_is_capped(server: tuple[str, type[Targets]]) -> None:
    base, _ = server
    found, waits = run(base + "/busy-long", max_wait=5.0)
    assert found[base + "/busy-long"].verdict is Verdict.ok
    assert waits == [5.0]


@pytest.mark.slow
def test_503_forever_is_dead_after_the_retries(server: tuple[str, type[Targets]]) -> None:
    base, handler = server
    found, waits = run(base + "/down", retries=2)
    assert said(found[base + "/down"]) == (
        "dead", "503 Service Unavailable (4 tries)", None, None
    )  # fmt: skip
    assert waits == [1.0, 2.0]  # backoff without a Retry-After; GET once after HEAD's
    assert handler.asked == [("HEAD", "/down")] * 3 + [("GET", "/down")]


@pytest.mark.slow
def test_no_answer_within_the_timeout_is_dead(
    server: tuple[str, type[Targets]], silent: str
) -> None:
    found, _ = run(server[0] + "/ok", silent + "/x", timeout=0.5)
    assert said(found[silent + "/x"]) == ("dead", "no answer within 0.5 s", None, None)


@pytest.mark.slow
def test_a_host_that_does_not_resolve_is_dead(server: tuple[str, type[Targets]]) -> None:
    found, _ = run(server[0] + "/ok", "http://no-such-host.invalid/x")
    assert said(found["http://no-such-host.invalid/x"]) == (
        "dead", "its host name does not resolve (DNS)", None, None
    )  # fmt: skip


@pytest.mark.slow
def test_tls_to_a_plain_port_is_dead(server: tuple[str, type[Targets]]) -> None:
    base = server[0]
    https = base.replace("http://", "https://") + "/ok"
    found, _ = run(base + "/ok", https)
    assert found[https].verdict is Verdict.dead
    assert found[https].detail.startswith("TLS error ("), found[https].detail


@pytest.mark.slow
def test_a_self_signed_certificate_is_dead(
    server: tuple[str, type[Targets]], tmp_path: Path
) -> None:
    openssl = require_tool("openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-subj", "/CN=127.0.0.1", "-days", "2", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Targets)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{httpd.server_address[1]}/ok"
    try:
        found, _ = run(server[0] + "/ok", url)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert said(found[url]) == (
        "dead", "TLS: its certificate is not valid (self-signed certificate)", None, None
    )  # fmt: skip


@pytest.mark.slow
def test_at_most_two_requests_at_once_on_one_host(server: tuple[str, type[Targets]]) -> None:
    base, handler = server
    found, _ = run(*(f"{base}/ok?{i}" for i in range(24)), concurrency=8)
    assert {h.verdict for h in found.values()} == {Verdict.ok}
    assert 1 <= handler.in_flight[1] <= 2


@pytest.fixture
def proxy(server: tuple[str, type[Targets]]) -> Iterator[tuple[str, list[str]]]:
    with proxy_to(int(server[0].rsplit(":", 1)[1]), with_method=True) as running:
        yield running


@pytest.mark.slow
def test_requests_go_through_the_proxy_of_http_proxy(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, asked = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    found, _ = run("http://shop.example.invalid/ok", "http://shop.example.invalid/old")
    assert said(found["http://shop.example.invalid/ok"]) == ("ok", "200 OK", None, None)
    assert found["http://shop.example.invalid/old"].use == "http://shop.example.invalid/new"
    assert sorted(asked) == [
        "HEAD http://shop.example.invalid/new",
        "HEAD http://shop.example.invalid/ok",
        "HEAD http://shop.example.invalid/old",
    ]


def test_nothing_answering_is_said_once() -> None:
    with pytest.raises(targets.verify.Unreachable):
        run("http://a.invalid/", "http://b.invalid/")


# -- which targets: every place the file sends visitors ----------------------------------

LINKS = """\
site:
  domains:
    - go.example.com
    - domain: go.example.cn
      home: https://www.example.cn
  home: https://www.example.com
  timezone: UTC
links:
  gh: https://github.com/acme
  app:
    url: https://example.com/app
    aliases: [application]
    devices:
      ios: https://apps.apple.com/app/id1
      android: https://play.google.com/store/apps/details?id=x
    languages:
      zh: https://example.cn/app
  sale:
    url: https://shop.example.com/sale
    expires: 2026-12-31
    expired: https://shop.example.com
  summer:
    url: https://shop.example.com/summer
    expires: 2026-08-31
    expired: https://shop.example.com/autumn
  soon:
    url: https://shop.example.com/soon
    starts: 2027-01-01
  same: https://github.com/acme
  ab:
    variants: [https://example.com/a, https://example.com/b]
campaigns:
  spring:
    url: https://shop.example.com/spring
    distributors:
      - {code: a01, name: Alice}
"""


def linkset(tmp_path: Path, text: str = LINKS) -> targets.LinkSet:
    (tmp_path / "links.yaml").write_text(text, encoding="utf-8")
    checked = check_file(tmp_path / "links.yaml")
    assert checked.linkset is not None, checked.problems
    return checked.linkset


def test_places_are_every_target_device_language_variant_expired_campaign_and_home(
    tmp_path: Path,
) -> None:
    found = targets.places(linkset(tmp_path), NOW)
    spring = next(p for p in found if p.name.startswith("spring"))
    assert [(p.name, p.url) for p in found if p is not spring] == [
        ("gh", "https://github.com/acme"),
        ("app", "https://example.com/app"),
        ("app:ios", "https://apps.apple.com/app/id1"),
        ("app:android", "https://play.google.com/store/apps/details?id=x"),
        ("app:lang:zh", "https://example.cn/app"),
        ("sale", "https://shop.example.com/sale"),
        ("sale:expired", "https://shop.example.com/"),
        ("summer:expired", "https://shop.example.com/autumn"),  # ended: its target is not
        ("soon", "https://shop.example.com/soon"),  # not started yet: asked all the same
        ("same", "https://github.com/acme"),
        ("ab", "https://example.com/a"),
        ("ab:v2", "https://example.com/b"),
        ("/@go.example.com", "https://www.example.com/"),
        ("/@go.example.cn", "https://www.example.cn/"),
    ]
    assert spring.url.startswith("https://shop.example.com/spring?")


def test_places_hold_every_target_links_lock_records(tmp_path: Path) -> None:
    """links.lock records everywhere a published short URL can send visitors; the health
    check asks each of them (but an ended link's own target): a new kind of target in the
    lock fails here until places() asks it too."""
    links = linkset(tmp_path)
    ended = {x.target.url for x in links.links if x.expires is not None and x.expires <= NOW}
    locked = {target for _name, target, _moved, _path in lock._published(links)}
    assert {p.url for p in targets.places(links, NOW)} == locked - ended


def test_the_help_and_the_docs_name_every_kind_of_place(tmp_path: Path) -> None:
    """`targets --help`, docs/cli.md and docs/health.md name each target places() asks as
    the report names it: a kind of target they leave out is one a user cannot tell apart."""
    from tests.conftest import ROOT

    text = (
        "site:\n  hosts: [netlify]\nlinks:\n"
        "  app:\n    url: https://a.example/\n    devices: {ios: https://a.example/ios}\n"
        "    languages: {zh-TW: https://a.example/tw}\n"
        "    countries: {CN: https://a.example/cn}\n"
        "  ab:\n    variants: [https://a.example/1, https://a.example/2]\n"
    )
    names = [p.name for p in targets.places(linkset(tmp_path, text), NOW)]
    assert names == ["app", "app:ios", "app:lang:zh-TW", "app:country:CN", "ab", "ab:v2"]
    shapes = ["slug:ios", "slug:lang:TAG", "slug:country:CODE", "slug:v2"]
    helped = " ".join(CliRunner().invoke(main, ["targets", "--help"]).output.split())
    cli = (ROOT / "docs" / "cli.md").read_text().partition("## targets")[2]
    health = (ROOT / "docs" / "health.md").read_text()
    asks = health.partition("## What `shortlinks targets` asks")[2].partition("\n## ")[0]
    for shape in shapes:
        assert shape in helped, shape
        assert f"`{shape}`" in cli.partition("\n## ")[0], shape
        assert f"`{shape}`" in asks, shape


@pytest.mark.slow
def test_one_request_a_url_however_many_links_share_it(
    server: tuple[str, type[Targets]],
) -> None:
    base, handler = server
    report = targets.check([Place("a", base + "/ok"), Place("b", base + "/ok")], Settings())
    assert [(h.names, h.verdict) for h in report.results] == [(("a", "b"), Verdict.ok)]
    assert handler.asked == [("HEAD", "/ok")]


# -- the command --------------------------------------------------------------------------


def command_file(tmp_path: Path, base: str) -> Path:
    (tmp_path / "links.yaml").write_text(
        "site:\n  timezone: UTC\n  home: " + base + "/ok\nlinks:\n"
        f"  gone: {base}/gone\n  old: {base}/old\n  dash: {base}/dash\n"
        f"  fine: {base}/ok\n  also-gone:\n    url: {base}/removed\n"
        f"    devices:\n      ios: {base}/gone\n",
        encoding="utf-8",
    )
    return tmp_path / "links.yaml"


def targets_cmd(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["targets", *args, "--now", "2026-11-25T08:00:00Z"])
    return result.exit_code, result.output


@pytest.mark.slow
def test_the_text_report_groups_worst_first(
    server: tuple[str, type[Targets]], tmp_path: Path
) -> None:
    base, _ = server
    assert targets_cmd(str(command_file(tmp_path, base))) == (
        1,
        "dead (2):\n"
        f"  gone, also-gone:ios: {base}/gone: 404 Not Found\n"
        f"  also-gone: {base}/removed: 410 Gone\n"
        "suspicious (1):\n"
        f"  dash: {base}/dash: redirects to a login page at {base}/account/login?next=/dash\n"
        "moved (1):\n"
        f"  old: {base}/old: moved permanently (301); use {base}/new\n"
        "5 targets: 1 fine, 2 dead, 1 suspicious, 1 moved\n",
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fail_on", "code"), [("dead", 1), ("suspicious", 1), ("moved", 1), ("never", 0)]
)
def test_fail_on_chooses_the_exit_code(
    server: tuple[str, type[Targets]], tmp_path: Path, fail_on: str, code: int
) -> None:
    file = command_file(tmp_path, server[0])
    assert targets_cmd(str(file), "--fail-on", fail_on)[0] == code


@pytest.mark.slow
def test_fail_on_moved_exits_1_for_a_moved_target_alone(
    server: tuple[str, type[Targets]], tmp_path: Path
) -> None:
    base = server[0]
    (tmp_path / "links.yaml").write_text(f"links:\n  old: {base}/old\n  ok: {base}/ok\n")
    file = str(tmp_path / "links.yaml")
    assert targets_cmd(file)[0] == 0
    assert targets_cmd(file, "--fail-on", "suspicious")[0] == 0
    assert targets_cmd(file, "--fail-on", "moved")[0] == 1


@pytest.mark.slow
def test_json_and_markdown(server: tuple[str, type[Targets]], tmp_path: Path) -> None:
    base, _ = server
    file = str(command_file(tmp_path, base))
    code, out = targets_cmd(file, "--format", "json")
    data = json.loads(out)
    assert (code, data["targets"], data["counts"]) == (
        1, 5, {"dead": 2, "suspicious": 1, "moved": 1, "ok": 1}
    )  # fmt: skip
    assert data["results"][0] == {
        "url": f"{base}/gone", "names": ["gone", "also-gone:ios"], "verdict": "dead",
        "detail": "404 Not Found", "at": None, "use": None,
    }  # fmt: skip
    code, out = targets_cmd(file, "--format", "markdown", "--fail-on", "never")
    assert code == 0
    assert out == (
        "**5 targets: 1 fine, 2 dead, 1 suspicious, 1 moved**\n\n"
        f"### Dead (2)\n\n{targets.ADVICE[Verdict.dead]}\n\n"
        "| link | target | answer |\n|---|---|---|\n"
        f"| `gone`, `also-gone:ios` | `{base}/gone` | 404 Not Found |\n"
        f"| `also-gone` | `{base}/removed` | 410 Gone |\n\n"
        f"### Suspicious (1)\n\n{targets.ADVICE[Verdict.suspicious]}\n\n"
        "| link | target | answer |\n|---|---|---|\n"
        f"| `dash` | `{base}/dash` | redirects to a login page at "
        f"`{base}/account/login?next=/dash` |\n\n"
        f"### Moved (1)\n\n{targets.ADVICE[Verdict.moved]}\n\n"
        "| link | target | use instead |\n|---|---|---|\n"
        f"| `old` | `{base}/old` | `{base}/new` (moved permanently (301)) |\n"
    )


@pytest.mark.slow
def test_every_target_answering(server: tuple[str, type[Targets]], tmp_path: Path) -> None:
    base = server[0]
    (tmp_path / "links.yaml").write_text(f"links:\n  a: {base}/ok\n  b: {base}/hop1\n")
    file = str(tmp_path / "links.yaml")
    assert targets_cmd(file) == (0, "2 targets: 2 fine, 0 dead, 0 suspicious, 0 moved\n")
    assert targets_cmd(file, "--format", "markdown") == (
        0,
        "Every target answers (2 targets: 2 fine, 0 dead, 0 suspicious, 0 moved).\n",
    )


def test_offline_is_said_once(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        "links:\n  a: http://a.example.invalid/\n  b: http://b.example.invalid/\n"
    )
    code, out = targets_cmd(str(tmp_path / "links.yaml"))
    assert code == 1
    assert out.startswith("error: not one target answered (http://")
    assert out.endswith(
        "    hint: are you offline or behind a proxy? Behind one, set HTTPS_PROXY "
        "(HTTP_PROXY for http://) to its address: targets goes through it\n"
    )


def test_a_file_with_problems_asks_nothing(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text("links:\n  a: htps://x\n")
    code, out = targets_cmd(str(tmp_path / "links.yaml"))
    assert code == 1 and "links.yaml:2:" in out


# -- list --within, and its Markdown -------------------------------------------------------

EXPIRING = """\
site:
  timezone: UTC
links:
  a:
    url: https://example.com/a
    expires: 2026-11-27
  b:
    url: https://example.com/b?x=1|2
    expires: 2026-12-20
    title: "B `sale` <b>"
  c: https://example.com/c
"""


def test_list_expiring_within_a_window_as_markdown(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(EXPIRING)
    file = str(tmp_path / "links.yaml")

    def listed(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            main, ["list", file, "--state", "expiring", "--now", "2026-11-25T08:00:00Z", *args]
        )
        return result.exit_code, result.output

    assert listed("--format", "markdown") == (
        0,
        "| slug | state | expires | title | url |\n|---|---|---|---|---|\n"
        "| `a` | expiring | 27 November 2026 |  | `https://example.com/a` |\n",
    )
    assert listed("--format", "markdown", "--within", "30d")[1].splitlines()[3] == (
        "| `b` | expiring | 20 December 2026 | B 'sale' &lt;b&gt; "
        "| `https://example.com/b?x=1%7C2` |"
    )
    assert listed("--within", "1", "--format", "markdown") == (0, "No links.\n")
    assert listed("--within", "72h", "--format", "json")[1].count('"slug"') == 1
    code, out = listed("--within", "soon")
    assert code == 2 and "'soon' is not a length of time; write it like 7d, 48h or 2w" in out


def test_site_not_found_is_asked_too(tmp_path: Path) -> None:
    text = LINKS.replace("site:\n", "site:\n  not_found: https://www.example.com/sorry\n", 1)
    found = targets.places(linkset(tmp_path, text), NOW)
    assert found[-1] == targets.Place("site.not_found", "https://www.example.com/sorry")
