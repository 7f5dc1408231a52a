"""Targets that open an app: which schemes a link may name, their one safe form, and the
URL of a WeChat mini-program.

A web target goes through urls.parse_target; an app's URL is no web address (no host, no
path to resolve), so it is kept nearly as written: the scheme in lower case, characters
outside the URI syntax percent-encoded (RFC 3986), nothing else touched: its app reads
the rest its own way. Some schemes can never be a target, whatever a site allows: they run
code on the short domain, show the visitor's own files or hand the URL to any app.

WeChat's plain-text URL scheme (明文 URL Scheme) is documented at
https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/url-scheme.html
and in its notice of 19 December 2023,
https://developers.weixin.qq.com/community/develop/doc/00024e32cbc36055c0c0a34b066401:
``weixin://dl/business/?appid=APPID&path=PATH&query=QUERY&env_version=ENV_VERSION``, the
path a page of the published mini-program without a query, the query at most 512
characters of digits, letters and ``!#$&'()*+,/:;=?@-._~%``` , URL-encoded, env_version
``release`` (the default), ``trial`` or ``develop``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from urllib.parse import quote

from .model import Target
from .urls import _DANGEROUS, UrlError, _encode

# Opened without being listed: the phone, mail and messages apps every phone has
# (RFC 3966 tel:, RFC 6068 mailto:, RFC 5724 sms:); a desktop has a mail app too.
BUILTIN = ("tel", "mailto", "sms")
# Schemes no site may list in site.app_schemes, and why (urls._DANGEROUS's too).
NEVER = {
    **_DANGEROUS,
    "http": "web addresses need no listing: write them as a link's url",
    "https": "web addresses need no listing: write them as a link's url",
    "intent": "an Android intent can start any app's component: list the app's own scheme",
    # no app's: browsers dropped them, or they are no page's to open
    **dict.fromkeys(("ftp", "ftps", "sftp", "ws", "wss", "gopher"), "it opens no app"),
}
# RFC 3986, 3.1: a letter, then letters, digits, '+', '-' and '.'
SCHEME_NAME = re.compile(r"[a-z][a-z0-9+.\-]*")
MINIPROGRAM_KEYS = ("appid", "path", "query", "env_version")
ENV_VERSIONS = ("release", "trial", "develop")
APPID = re.compile(r"wx[0-9a-f]{16}")  # as the mini-program's admin console shows it
# a page path as app.json names it: 'pages/index/index' (no leading '/', no query)
PAGE_PATH = re.compile(r"[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-.]+)*")
MAX_QUERY = 512
_QUERY_CHARS = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%`]*")
MINIPROGRAM_START = "weixin://dl/business/?"


def scheme_problem(name: str) -> str | None:
    """Why ``name`` (lowercase) cannot be listed in site.app_schemes, or None."""
    if name in NEVER:
        return f"{name}: can never be opened by a link: {NEVER[name]}"
    if not SCHEME_NAME.fullmatch(name):
        return f"{name!r} is not a URL scheme (a letter, then letters, digits, '+', '-', '.')"
    return None


def parse_app_target(value: str, scheme: str, allowed: Collection[str]) -> Target:
    """``value``, an absolute URL whose scheme urls._checked_scheme has found to be neither
    http(s) nor dangerous (and the URL free of spaces and control characters), as a
    target when ``scheme`` is built in or in ``allowed``."""
    if scheme in NEVER:
        raise UrlError(f"only http and https URLs are allowed, not {scheme}:", rule="url-scheme")
    if scheme not in BUILTIN and scheme not in allowed:
        raise UrlError(
            f"{scheme}: opens an app, and this site opens only tel:, mailto:, sms:"
            + "".join(f", {s}:" for s in allowed),
            f"add {scheme} to site.app_schemes (app_schemes: [{scheme}]), and give the link "
            "a 'fallback' for visitors without the app",
            rule="app-scheme",
        )
    rest = value[len(scheme) + 1 :]
    if not rest.strip("/"):
        raise UrlError(
            f"the {scheme}: URL says nothing after its scheme",
            "e.g. tel:+15555550100, mailto:help@example.com, sms:+15555550100",
            rule="app-url",
        )
    body, hash_, fragment = rest.partition("#")
    url = f"{scheme}:{_encode(body)}" + (f"#{_encode(fragment)}" if hash_ else "")
    return Target(url=url, display=value)


def miniprogram_url(appid: str, path: str, query: str, env_version: str) -> str:
    """The plain-text scheme of one page: ``query`` as the page reads it ('a=1&b=2'),
    URL-encoded whole into the scheme's query parameter, as WeChat documents."""
    out = f"{MINIPROGRAM_START}appid={appid}&path={quote(path, safe='/')}"
    if query:
        out += f"&query={quote(query, safe='')}"
    return out + f"&env_version={env_version}"


def miniprogram_query(value: object) -> tuple[str | None, str | None]:
    """(the page's query text, None) of a mapping or a text, or (None, what is wrong)."""
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, (str, int)) or isinstance(v, bool):
                return None, f"query values must be text or numbers, got {k!r}: {v!r}"
            parts.append(f"{quote(k, safe='')}={quote(str(v), safe='')}")
        text = "&".join(parts)
    elif isinstance(value, str):
        text = value
        if not _QUERY_CHARS.fullmatch(text):
            return None, (
                "the query may hold digits, letters and !#$&'()*+,/:;=?@-._~%` only "
                "(WeChat's rule): write it as a mapping, which is encoded for you"
            )
    else:
        return None, "query must be a mapping (id: 42) or text ('id=42')"
    if len(text) > MAX_QUERY:
        return None, f"the query is {len(text)} characters long; WeChat takes {MAX_QUERY}"
    return text, None
