"""Click counts without a server of our own: where each counter takes its beacon.

A counted link's page sends one beacon (``navigator.sendBeacon``: queued by the browser,
never waited for, no cookies) to the counter named in ``site.analytics``, then redirects
(templates/_beacon.js). What each counter is sent, from its public documentation:

- GoatCounter: ``/count`` with the query parameters ``p`` (path), ``t`` (title), ``r``
  (referrer), ``q`` (query) and ``rnd`` (ignored) -- goatcounter.com/help/pixel;
- Plausible: ``POST /api/event`` with JSON ``{"n": "pageview", "u": url, "d": site,
  "r": referrer}`` -- plausible.io/docs/events-api;
- Umami: ``POST /api/send`` with JSON ``{"type": "event", "payload": {"website": id,
  "hostname", "url", "referrer", "title", "language", "screen"}}`` -- umami.is/docs/api
  (sending stats).

JSON bodies go as ``text/plain`` (a "simple" request: no CORS preflight to wait for).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# The hosted services, when no 'url' names a self-hosted one.
HOSTED = {
    "goatcounter": "https://{site}.goatcounter.com",
    "plausible": "https://plausible.io",
    "umami": "https://cloud.umami.is",
}
PATHS = {"goatcounter": "/count", "plausible": "/api/event", "umami": "/api/send"}
SITE_HELP = {
    "goatcounter": "your GoatCounter code (the 'mycode' of mycode.goatcounter.com)",
    "plausible": "the site's domain as added to Plausible (go.example.com)",
    "umami": "the website id Umami shows for the site (a UUID)",
}
_GOATCOUNTER_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


def endpoint(provider: str, site: str, base: str | None) -> str:
    """The URL a beacon is sent to. ``base``: a self-hosted counter's address."""
    if base is None:
        if provider == "goatcounter" and not _GOATCOUNTER_CODE.fullmatch(site):
            raise ValueError(
                f"{site!r} is not a GoatCounter code (lowercase letters, digits and '-')"
            )
        base = HOSTED[provider].format(site=site)
    return base.rstrip("/") + PATHS[provider]


def origin(url: str) -> str:
    """The origin of the counter, for the page's Content-Security-Policy (connect-src)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
