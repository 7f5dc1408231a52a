"""Target URLs: what is accepted, and the one safe form every output uses.

A target ends up in HTML attributes, inside a script, in HTTP Location headers
and in half a dozen rule-file formats. Rather than trusting every renderer to
cope with odd characters, validation refuses what must never be a target and
normalises the rest to plain ASCII (RFC 3986): IDN hosts become punycode and
characters outside the URI syntax are percent-encoded.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote, urlsplit

from .model import Target

MAX_URL_LENGTH = 4096  # Vercel's documented cap for a destination; browsers take far more

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DANGEROUS = {
    "javascript": "it would run code on the short domain",
    "vbscript": "it would run code on the short domain",
    "data": "it can carry a whole page (a phishing classic) and browsers block it",
    "file": "it points into the visitor's own computer",
}
# RFC 3986 characters allowed as-is in the path, query and fragment. '%' is
# kept when it starts a valid escape; a stray one is encoded below.
_SAFE = "-._~!$&'()*+,;=:@/?%"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SIMPLE_START = re.compile(r"https?://([A-Za-z0-9.\-]+)(?=[/?#]|$)")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?$")


class UrlError(ValueError):
    """A URL that cannot be a target; carries a hint for the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _bad_char(value: str) -> tuple[int, str] | None:
    if value.isascii() and value.isprintable() and " " not in value:
        return None  # the common case, at C speed: printable ASCII but the space is fine
    for i, ch in enumerate(value):
        if ch.isspace() or unicodedata.category(ch)[0] == "C":
            return i, ch
    return None


# A part made only of characters _SAFE keeps (no '%'): nothing to encode, the usual case.
_PLAIN_PART = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*")


def _encode(part: str) -> str:
    if _PLAIN_PART.fullmatch(part):
        return part
    return _STRAY_PERCENT.sub("%25", quote(part, safe=_SAFE))


@functools.lru_cache(maxsize=4096)  # a links file names few hosts, many times each
def _ascii_host(host: str) -> str:
    if host.startswith("["):  # IPv6 literal, validated by urlsplit
        return host
    labels = host.rstrip(".").split(".")
    out = []
    for label in labels:
        if not label:
            raise UrlError(f"the host {host!r} has an empty label", "check for a doubled '.'")
        if label.isascii():
            ascii_label = label.lower()
        else:
            try:
                ascii_label = label.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise UrlError(f"the host {host!r} is not a valid domain name: {exc}") from None
        if not _HOST_LABEL.match(ascii_label) or len(ascii_label) > 63:
            raise UrlError(
                f"the host {host!r} is not a valid domain name",
                "a host has letters, digits, '-' and '.' only",
            )
        out.append(ascii_label)
    return ".".join(out)


def parse_target(value: object) -> Target:
    """Validate ``value`` as an absolute http(s) URL and return its safe form."""
    if not isinstance(value, str):
        raise UrlError(
            f"expected a URL, got {type(value).__name__} {value!r}",
            "write the URL as text, e.g. https://example.com/page",
        )
    if not value:
        raise UrlError("the URL is empty", "write an absolute URL, e.g. https://example.com/page")
    if len(value) > MAX_URL_LENGTH:
        raise UrlError(f"the URL is {len(value)} characters long; the limit is {MAX_URL_LENGTH}")
    bad = _bad_char(value)
    if bad is not None:
        i, ch = bad
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        hint = (
            "percent-encode a space as %20"
            if ch == " "
            else "remove it (it often comes from copying text out of a chat or a PDF)"
        )
        raise UrlError(f"the URL contains {name} at character {i + 1}", hint)
    m = _SCHEME.match(value)
    if not m:
        if value.startswith("//"):
            raise UrlError("a protocol-relative URL is not allowed", "start it with https:")
        if value.startswith(("/", ".", "?", "#")):
            raise UrlError(
                "relative URLs are not allowed: a short link needs a full address",
                "write an absolute URL, e.g. https://example.com" + value,
            )
        raise UrlError("the URL has no scheme", f"did you mean https://{value} ?")
    scheme = m.group(1).lower()
    if scheme in _DANGEROUS:
        raise UrlError(f"{scheme}: URLs are refused: {_DANGEROUS[scheme]}", None)
    if scheme not in ("http", "https"):
        raise UrlError(f"only http and https URLs are allowed, not {scheme}:", None)
    fast = _SIMPLE_START.match(value)
    if fast:  # no user, port or IPv6 literal: split as urlsplit would, without its cost
        rest = value[fast.end() :]
        fragment = None
        if "#" in rest:
            rest, fragment = rest.split("#", 1)
        query = ""
        if "?" in rest:
            rest, query = rest.split("?", 1)
        url = f"{scheme}://{_ascii_host(fast.group(1))}{_encode(rest)}"
        if query:
            url += "?" + _encode(query)
        if fragment is not None:
            url += "#" + _encode(fragment)
        return Target(url=url, display=value)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"the URL is malformed: {exc}") from None
    if not value[len(scheme) + 1 :].startswith("//") or not parts.hostname:
        raise UrlError("the URL has no host", "write it as https://host/path")
    netloc = parts.netloc
    userinfo = ""
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        userinfo = _encode(userinfo) + "@"
    hostport = netloc
    host = hostport
    if port is not None or hostport.endswith(":"):
        host = hostport[: hostport.rfind(":")]
    ascii_host = _ascii_host(host)
    port_part = f":{port}" if port is not None else ""
    url = f"{scheme}://{userinfo}{ascii_host}{port_part}{_encode(parts.path)}"
    if parts.query:  # an empty '?' means no query: hosts would treat it as one
        url += "?" + _encode(parts.query)
    if parts.fragment or "#" in value:
        url += "#" + _encode(parts.fragment)
    return Target(url=url, display=value)


_UNRESERVED_PATH = re.compile(r"[A-Za-z0-9\-_.~/]*")


def quote_path(path: str) -> str:
    """A slug or path percent-encoded for a URL, as ``quote(path, safe="/-_.~")`` does;
    most slugs need nothing, and are returned as they are without quote's cost."""
    if _UNRESERVED_PATH.fullmatch(path):
        return path
    return quote(path, safe="/-_.~")


def host_and_path(url: str) -> tuple[str, str]:
    """The lowercase host and the path of an already normalised URL."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path
