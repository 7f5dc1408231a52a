"""Does the live site answer every link the way the build says it should?

After a deploy, ``shortlinks verify BASE_URL`` asks the live site for every slug of
the links file (as of now) without following redirects, and compares each answer
with what the build promises for it:

- an active link: an HTTP redirect to its target (an edge rule), or its page
  (200) naming that target (hosts without a rule for it);
- an expired link: 410, a redirect to its ``expired`` URL, or its expired page;
- a link not started yet: its "not active yet" page, never a redirect;
- a link with a password: its page, which must not hold the target in the clear.

With several short domains (site.domains), the domain of BASE_URL is checked (or the one
``--domain`` names): its links only.

Requests run a few at a time (bounded), each with a timeout, and are retried on a
connection error or a 5xx; what still differs is reported, one line a slug. They go
through the proxy of HTTP_PROXY / HTTPS_PROXY unless NO_PROXY exempts the host
(``opener``). The first link is asked alone: when it has no answer at all, nothing will
(offline, or a proxy needed), and that is said once (``Unreachable``), not once a link.
``shortlinks targets`` (targets.py) asks the links' targets with the same plumbing (``ask``).
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape

from ..model import State
from ..plan import Entry, Plan

REDIRECTS = (301, 302, 303, 307, 308)
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)"')


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None
    body: str
    retry_after: str | None = None  # the Retry-After header of a 429 or 503, as sent


@dataclass(frozen=True)
class Finding:
    slug: str
    expected: str
    got: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer to judge, never followed: urllib raises it as an
    HTTPError, which ``fetch`` reads like any other answer."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def opener() -> urllib.request.OpenerDirector:
    """urllib's opener, which takes HTTP_PROXY, HTTPS_PROXY and NO_PROXY (any case) from
    the environment as curl does: a plain GET through the proxy for http://, a CONNECT
    tunnel for https://. urllib rather than a client from PyPI (requests, httpx): it is all
    a GET without redirects needs, proxies included, and adds no dependency to install
    (or pin in requirements/publish.txt) for one command."""
    return urllib.request.build_opener(urllib.request.ProxyHandler(), _NoRedirects())


def fetch(
    base: str, path: str, timeout: float, via: urllib.request.OpenerDirector | None = None
) -> Answer:
    """GET without following redirects; raises OSError on a connection problem."""
    parts = urllib.parse.urlsplit(base)
    target = parts.path.rstrip("/") + urllib.parse.quote(path, safe="/-_.~")
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, target, "", ""))
    return ask(url, timeout, via, agent="shortlinks-verify", accept="text/html")


def ask(
    url: str,
    timeout: float,
    via: urllib.request.OpenerDirector | None = None,
    *,
    method: str = "GET",
    agent: str = "shortlinks",
    accept: str = "text/html",
    limit: int = 64 * 1024,
) -> Answer:
    """One request for ``url`` without following redirects (its first ``limit`` bytes
    read); raises OSError on a connection problem: refused, unknown host, TLS, timeout."""
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": agent, "Accept": accept}
    )
    try:
        resp = (via or opener()).open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx: an answer
        resp = exc
    except urllib.error.URLError as exc:  # refused, unknown host, timed out
        reason = exc.reason
        raise reason if isinstance(reason, OSError) else OSError(str(reason)) from exc
    except http.client.HTTPException as exc:  # a reply that is no HTTP
        raise OSError(f"{exc.__class__.__name__}: {exc}") from exc
    with resp:
        try:
            body = resp.read(limit).decode("utf-8", "replace") if method != "HEAD" else ""
        except http.client.HTTPException as exc:  # cut short
            raise OSError(f"{exc.__class__.__name__}: {exc}") from exc
        headers = resp.headers
        return Answer(resp.status, headers.get("Location"), body, headers.get("Retry-After"))


class Unreachable(OSError):
    """Nothing answered at all: the machine is offline, or needs a proxy it was not given."""

    def __init__(self, base: str, last: str) -> None:
        super().__init__(f"nothing answered at {base}: {last}")
        self.base = base
        self.last = last


def proxy_for(base: str) -> str | None:
    """The proxy the environment sets for ``base`` (None when NO_PROXY exempts it)."""
    parts = urllib.parse.urlsplit(base)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def _page_target(body: str) -> str | None:
    """Where a redirect page sends the visitor (its meta refresh, else its canonical link)."""
    for pattern in (_REFRESH, _CANONICAL):
        m = pattern.search(body)
        if m:
            return unescape(m.group(1))
    return None


def _goes_to(answer: Answer, want: str) -> bool:
    """An edge redirect to ``want``, or a page that sends the visitor there."""
    if answer.status in REDIRECTS:
        return answer.location == want
    return answer.status == 200 and _page_target(answer.body) == want


def judge(entry: Entry, answer: Answer) -> str | None:
    """None when the answer is what the build promises; else what was expected."""
    link = entry.link
    if entry.state is State.active and link.password is not None:
        # its page asks for the password: the target must be nowhere in the answer
        if answer.status == 200 and link.target.url not in answer.body:
            return None
        return "its password page (200), without the target"
    if entry.state is State.active:
        want = link.target.url
        if link.opens_app:  # its page opens the app; its refresh and canonical: the fallback
            want = (link.fallback or link.target).url
        return None if _goes_to(answer, want) else f"a redirect to {want} (or its page)"
    if entry.state is State.expired:
        if link.expired is not None:
            want = link.expired.url
            return None if _goes_to(answer, want) else f"a redirect to {want} (expired)"
        if answer.status == 410 or (answer.status == 200 and not _page_target(answer.body)):
            return None
        return "410 or the expired page"
    if answer.status == 200 and not _page_target(answer.body):
        return None
    return "the 'not active yet' page (200)"


def describe_answer(answer: Answer) -> str:
    if answer.status in REDIRECTS:
        return f"{answer.status} to {answer.location}"
    target = _page_target(answer.body) if answer.status == 200 else None
    return f"{answer.status}" + (f" (a page to {target})" if target else "")


def verify(
    plan: Plan,
    base: str,
    *,
    concurrency: int = 8,
    timeout: float = 10.0,
    retries: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[Finding]:
    """Check every entry; the findings, in the file's order. Raises ``Unreachable``, once,
    when not one request had an answer: being offline is one problem, not one a link."""
    via = opener()
    answered = False
    reason = "no answer"

    def one(entry: Entry) -> Finding | None:
        nonlocal answered, reason
        path = "/" + entry.slug
        last = "no answer"
        for attempt in range(retries + 1):
            try:
                answer = fetch(base, path, timeout, via)
            except OSError as exc:  # refused, reset, timed out: try again
                reason = f"{exc.__class__.__name__}: {exc}"
                last = f"no answer ({reason})"
            else:
                answered = True
                if answer.status < 500 or attempt == retries:
                    wanted = judge(entry, answer)
                    if wanted is None:
                        return None
                    return Finding(entry.slug, wanted, describe_answer(answer))
                last = f"{answer.status}"
            time.sleep(min(0.2 * 2**attempt, 2.0))
        return Finding(entry.slug, "an answer", last)

    entries: Iterable[Entry] = plan.entries
    # the first link alone: offline, it is the only one tried (and said once)
    first, *rest = plan.entries or [None]
    findings: list[Finding | None] = []
    if first is not None:
        findings.append(one(first))
        if not answered:
            raise Unreachable(base, f"/{first.slug}: {reason}")
        if progress:
            progress(1)
    entries = rest
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for result in pool.map(one, entries):
            findings.append(result)
            if progress:
                progress(1)
    return [f for f in findings if f is not None]
