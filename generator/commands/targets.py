"""Do the links' targets still answer? ``shortlinks targets`` asks each one.

A short link outlives its target: a printed QR code keeps pointing at a page long after the
page is gone, moved or its domain sold. This asks every place the links file sends
visitors (``places``): each link's target while it is active or not started yet, its device
targets, its ``expired`` URL once it has ended, and each site's home; campaigns' links are
links like any other. Each URL is asked once, however many links share it.

Every answer is put in one of four groups (``Verdict``):

- dead: 404 or 410, a server error (5xx) that stays after retries, a host name that does
  not resolve, a TLS error, a refused connection, no answer within the timeout, a redirect
  loop;
- suspicious: a redirect to a login page (a path segment with login, signin or sso in it,
  or a host like accounts.*) or to a known domain-parking service, or an answer that
  refuses (401, 403, 429 after retries, another 4xx): it answers, perhaps not with the page
  meant;
- moved: permanent redirects (301, 308) that end at a page that answers: use that address;
- ok: everything else (temporary redirects, 302, 303 and 307, are the target's own
  business).

How it asks, through ``verify``'s plumbing (its opener honours HTTP_PROXY, HTTPS_PROXY and
NO_PROXY): a few at a time (a thread pool), at most ``per_host`` at once on one host; HEAD
first, and GET again when HEAD gets an error answer (some servers refuse HEAD, with 405 or
501, or answer it wrongly); redirects followed here, one hop at a time, to judge each; 429
and 5xx retried after the Retry-After the server asks for (capped) or a backoff. When not
one target answers at all the machine is offline, and that is said once (``Unreachable``).

Where a link may send visitors is ``places``'s business alone: a new kind of target is one
more ``Place`` there, and the test that compares it with links.lock's names
(tests/test_targets.py) says when one is missing.
"""

from __future__ import annotations

import email.utils
import http
import json
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum

from ..model import PERMANENT, Link, LinkSet, State
from ..plan import state_at
from . import verify
from .markdown import code, md_cell

AGENT = "shortlinks-targets (a check that the links' targets answer)"
ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"
RETRY = frozenset({429, 500, 502, 503, 504})
MAX_HOPS = 10
# Where parked domains and domains for sale send their visitors (the services' own hosts)
PARKING = (
    "sedoparking.com", "sedo.com", "parkingcrew.net", "bodis.com", "above.com", "dan.com",
    "afternic.com", "hugedomains.com", "buydomains.com", "undeveloped.com", "parklogic.com",
    "domainmarket.com", "uniregistry.com", "domainnamesales.com", "sav.com",
)  # fmt: skip
_LOGIN_WORDS = ("login", "log-in", "signin", "sign-in", "sign_in", "logon")
_LOGIN_SEGMENT = re.compile(r"(?i)^(?:auth|oauth2?|sso|saml2?|cas|authorize)(?:$|[._\-\d])")
_LOGIN_HOST = frozenset({"accounts", "account", "login", "signin", "auth", "sso", "idp"})
# the characters of a URL kept as they are (RFC 3986); anything else from a server's
# Location header is percent-encoded before it is followed or shown
_URL_SAFE = "-._~!$&'()*+,;=:@/?#%[]"
_MAX_URL = 500


class Verdict(str, Enum):
    dead = "dead"
    suspicious = "suspicious"
    moved = "moved"
    ok = "ok"


# --fail-on: the verdicts at or above each choice, worst first
SEVERITY = (Verdict.dead, Verdict.suspicious, Verdict.moved)
FAIL_ON = ("dead", "suspicious", "moved", "never")


@dataclass(frozen=True)
class Place:
    """One place the links file sends visitors: ``name`` as links.lock names it (``slug``,
    ``slug:ios``, ``slug:expired``, ``/``; ``@domain`` when a name is on one of several)."""

    name: str
    url: str


@dataclass(frozen=True)
class Health:
    """What one target URL answered, and the names that send visitors there."""

    url: str
    names: tuple[str, ...]
    verdict: Verdict
    detail: str  # in our words: "404 Not Found", "redirects to a login page"
    at: str | None = None  # the URL that gave the answer, when redirects led there
    use: str | None = None  # moved: the address to use instead


@dataclass(frozen=True)
class Report:
    results: tuple[Health, ...]  # in the order the file names them

    def of(self, verdict: Verdict) -> list[Health]:
        return [h for h in self.results if h.verdict is verdict]

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        worst = SEVERITY[: SEVERITY.index(Verdict(fail_on)) + 1]
        return any(h.verdict in worst for h in self.results)


@dataclass
class Settings:
    concurrency: int = 8
    per_host: int = 2  # requests at once on one host
    timeout: float = 10.0
    retries: int = 2  # after a 429, a 5xx or a dropped connection
    max_wait: float = 30.0  # the longest Retry-After honoured; longer ones wait this long
    sleep: Callable[[float], None] = field(default=time.sleep)  # tests record the waits


def places(linkset: LinkSet, now: datetime) -> list[Place]:
    """Every place the file sends visitors at ``now`` or later, in the file's order: a
    link's target and its device, language, country and variant targets unless it has
    ended (docs/health.md names them), its ``expired`` URL when it
    expires, the home of each domain, and site.not_found. A new kind of target belongs
    here."""
    several = len(linkset.site.domains) > 1
    out: list[Place] = []
    for link in linkset.links:
        out += _link_places(link, now)
    for domain in linkset.site.domains or (None,):  # type: ignore[arg-type]
        home = (domain.home if domain is not None else None) or linkset.site.home
        if home is not None:
            on = f"@{domain.name}" if several and domain is not None else ""
            out.append(Place(f"/{on}", home.url))
    if linkset.site.not_found is not None:  # where unknown slugs go (not in links.lock)
        out.append(Place("site.not_found", linkset.site.not_found.url))
    return out


def _link_places(link: Link, now: datetime) -> Iterator[Place]:
    name = link.name
    if state_at(link, now) is not State.expired:
        if link.fallback is not None:  # an app's URL is no page to ask: its fallback is
            yield Place(f"{name}:fallback", link.fallback.url)
        if not link.opens_app:
            yield Place(name, link.target.url)
        for platform, target in link.devices:
            yield Place(f"{name}:{platform}", target.url)
        for tag, target in link.languages:
            yield Place(f"{name}:lang:{tag}", target.url)
        for code, target in link.countries:
            yield Place(f"{name}:country:{code}", target.url)
        # the first variant is the link's target (above), as in links.lock
        for n, (target, _weight) in enumerate(link.variants[1:], 2):
            yield Place(f"{name}:v{n}", target.url)
    if link.expires is not None and link.expired is not None:
        yield Place(f"{name}:expired", link.expired.url)


def check(found: list[Place], settings: Settings | None = None,
          progress: Callable[[int], None] | None = None) -> Report:  # fmt: skip
    """Ask every URL of ``found`` once; raises ``verify.Unreachable`` when not one answered."""
    settings = settings or Settings()
    names: dict[str, list[str]] = {}
    for place in found:
        names.setdefault(place.url, [])
        if place.name not in names[place.url]:
            names[place.url].append(place.name)
    asker = _Asker(settings)

    def one(url: str) -> Health:
        verdict, detail, at, use = asker.judge(url)
        return Health(url, tuple(names[url]), verdict, detail, at, use)

    results = []
    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        for health in pool.map(one, names):
            results.append(health)
            if progress:
                progress(1)
    if results and not asker.answered:
        raise verify.Unreachable("any target", asker.last)
    return Report(tuple(results))


class _Asker:
    """Asks and judges URLs, from several threads: at most ``per_host`` at once a host."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.via = verify.opener()
        self.lock = threading.Lock()
        self.hosts: dict[str, threading.BoundedSemaphore] = {}
        self.answered = False  # some request had an HTTP answer
        self.last = "no answer"

    def gate(self, url: str) -> threading.BoundedSemaphore:
        host = urllib.parse.urlsplit(url).netloc.lower()
        with self.lock:
            if host not in self.hosts:
                self.hosts[host] = threading.BoundedSemaphore(self.settings.per_host)
            return self.hosts[host]

    def judge(self, url: str) -> tuple[Verdict, str, str | None, str | None]:
        """(verdict, detail, the URL that answered when redirects led there, the URL to use)."""
        current, seen, permanent, use, moved_by = url, [url], True, None, 0
        meant_login = _login(url) is not None  # a link to a login page means it
        for _hop in range(MAX_HOPS + 1):
            at = current if current != url else None
            try:
                answer, tries = self.ask(current)
            except OSError as exc:
                return Verdict.dead, _failure(exc, self.settings.timeout), at, None
            status = answer.status
            if status in verify.REDIRECTS and answer.location:
                nxt = _clean(urllib.parse.urljoin(current, answer.location.strip()))
                if urllib.parse.urlsplit(nxt).scheme not in ("http", "https"):
                    return Verdict.ok, f"redirects out of the web ({status})", nxt, None
                if nxt in seen:
                    return Verdict.dead, "redirects in a loop", nxt, None
                why = _parked(nxt) or (None if meant_login else _login(nxt))
                if why:
                    return Verdict.suspicious, f"redirects to {why}", nxt, None
                if status in PERMANENT and permanent:
                    use, moved_by = nxt, moved_by or status
                else:
                    permanent = False
                seen.append(nxt)
                current = nxt
                continue
            said = _status(status)
            if status in (404, 410):
                return Verdict.dead, said, at, None
            if status >= 500:
                return Verdict.dead, f"{said} ({tries} tries)" if tries > 1 else said, at, None
            if status == 429:
                return Verdict.suspicious, f"{said} ({tries} tries): not checked", at, None
            if status >= 400:
                return Verdict.suspicious, f"{said} (perhaps to robots only)", at, None
            if use is not None:
                return Verdict.moved, f"moved permanently ({moved_by})", None, use
            return Verdict.ok, said, at, None
        return Verdict.dead, f"more than {MAX_HOPS} redirects", current, None

    def ask(self, url: str) -> tuple[verify.Answer, int]:
        """HEAD, then GET when HEAD gets an error answer; 429, 5xx and dropped connections
        asked again after a wait. The answer, and how many times it was asked."""
        settings, method, tries = self.settings, "HEAD", 0
        while True:
            tries += 1
            try:
                with self.gate(url):
                    answer = verify.ask(
                        url, settings.timeout, self.via,
                        method=method, agent=AGENT, accept=ACCEPT, limit=0,
                    )  # fmt: skip
            except (ConnectionResetError, ConnectionAbortedError) as exc:
                if tries > settings.retries:
                    raise
                self.last = f"{exc.__class__.__name__}: {exc}"
                settings.sleep(min(2.0 ** (tries - 1), settings.max_wait))
                continue
            except OSError as exc:
                self.last = f"{url}: {_failure(exc, settings.timeout)}"
                raise
            self.answered = True
            if answer.status in RETRY and tries <= settings.retries:
                settings.sleep(_wait(answer.retry_after, tries, settings.max_wait))
                continue
            if method == "HEAD" and answer.status >= 400:
                method = "GET"  # asked again at once: HEAD's answer may be the server's quirk
                continue
            return answer, tries


def _wait(retry_after: str | None, tries: int, cap: float) -> float:
    """Seconds to wait before asking again: the server's Retry-After (seconds or a date),
    else 1, 2, 4 ... seconds; never more than ``cap``."""
    wait = 2.0 ** (tries - 1)
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            wait = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                pass
            else:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=timezone.utc)
                wait = max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    return min(wait, cap)


def _status(code: int) -> str:
    """A status in our words (a server's own reason phrase is never shown)."""
    try:
        return f"{code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _failure(exc: OSError, timeout: float) -> str:
    """What went wrong with a request that had no answer, for people."""
    if isinstance(exc, socket.gaierror):
        return "its host name does not resolve (DNS)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS: its certificate is not valid ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError)):
        return "connection closed without an answer"
    return f"no answer ({exc.__class__.__name__}: {exc})"


def _clean(url: str) -> str:
    """A URL from a server's Location header, safe to follow and to show: anything outside
    the URI syntax percent-encoded, cut to a length a person reads."""
    text = urllib.parse.quote(url, safe=_URL_SAFE)
    return text if len(text) <= _MAX_URL else text[: _MAX_URL - 1] + "…"


def _parked(url: str) -> str | None:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if any(host == p or host.endswith("." + p) for p in PARKING):
        return "a parked-domain page"
    return None


def _login(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.split(".")[0] in _LOGIN_HOST and host.count(".") >= 2:
        return "a login page"
    for segment in urllib.parse.unquote(parts.path).lower().split("/"):
        if any(w in segment for w in _LOGIN_WORDS) or _LOGIN_SEGMENT.match(segment):
            return "a login page"
    return None


# -- reports ---------------------------------------------------------------------------

HEADINGS = {
    Verdict.dead: "Dead",
    Verdict.suspicious: "Suspicious",
    Verdict.moved: "Moved",
}
ADVICE = {
    Verdict.dead: "Visitors get an error, or nothing: point these links somewhere that "
    "answers, or give them an end (`expires`). A printed QR code keeps pointing here.",
    Verdict.suspicious: "They answer, but perhaps not with the page meant: a login page, a "
    "parked domain, or a refusal (perhaps of robots only). Open each in a browser.",
    Verdict.moved: "The target redirects permanently: point the link at the new address "
    "(`repoint_from:` records the move, docs/security.md).",
}


def counts(report: Report) -> str:
    n = len(report.results)
    parts = [f"{len(report.of(Verdict.ok))} fine"]
    parts += [f"{len(report.of(v))} {v.value}" for v in SEVERITY]
    return f"{n} target{'s' * (n != 1)}: " + ", ".join(parts)


def _said(h: Health) -> str:
    if h.use is not None:
        return f"{h.detail}; use {h.use}"
    return f"{h.detail} at {h.at}" if h.at else h.detail


def text(report: Report) -> str:
    lines = []
    for verdict in SEVERITY:
        found = report.of(verdict)
        if found:
            lines.append(f"{verdict.value} ({len(found)}):")
            lines += [f"  {', '.join(h.names)}: {h.url}: {_said(h)}" for h in found]
    lines.append(counts(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    data = {
        "targets": len(report.results),
        "counts": {v.value: len(report.of(v)) for v in Verdict},
        "results": [
            {
                "url": h.url,
                "names": list(h.names),
                "verdict": h.verdict.value,
                "detail": h.detail,
                "at": h.at,
                "use": h.use,
            }
            for h in report.results
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def markdown(report: Report) -> str:
    """The body of the health issue: a table a group, worst first; stable for the same
    answers (no time in it), so an unchanged list leaves the issue as it is."""
    bad = [v for v in SEVERITY if report.of(v)]
    if not bad:
        return f"Every target answers ({counts(report)}).\n"
    lines = [f"**{counts(report)}**", ""]
    for verdict in bad:
        found = report.of(verdict)
        last = "use instead" if verdict is Verdict.moved else "answer"
        lines += [f"### {HEADINGS[verdict]} ({len(found)})", "", ADVICE[verdict], ""]
        lines += [f"| link | target | {last} |", "|---|---|---|"]
        for h in found:
            links = ", ".join(code(n) for n in h.names)
            if h.use is not None:
                said = f"{code(h.use)} ({md_cell(h.detail)})"
            else:
                said = md_cell(h.detail) + (f" at {code(h.at)}" if h.at else "")
            lines.append(f"| {links} | {code(h.url)} | {said} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
