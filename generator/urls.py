"""Target URLs: what is accepted, and the one safe form every output uses.

A target ends up in HTML attributes, inside a script, in HTTP Location headers
and in half a dozen rule-file formats. Rather than trusting every renderer to
cope with odd characters, validation refuses what must never be a target and
normalises the rest to plain ASCII (RFC 3986): IDN hosts become punycode and
characters outside the URI syntax are percent-encoded.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from encodings.idna import nameprep
from urllib.parse import quote, urlsplit

from .model import Target

MAX_URL_LENGTH = 4096  # Vercel's documented cap for a destination; browsers take far more

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DANGEROUS = {
    "javascript": "it would run code on the short domain",
    "vbscript": "it would run code on the short domain",
    "data": "it can carry a whole page (a phishing classic) and browsers block it",
    "file": "it points into the visitor's own computer",
    "blob": "it names data that lives in one browser tab only",
    "about": "it names the browser's own pages",
    "filesystem": "it points into the browser's own storage",
    "view-source": "it shows a page's source, not the page",
}
# RFC 3986 characters allowed as-is in the path, query and fragment. '%' is
# kept when it starts a valid escape; a stray one is encoded below.
_SAFE = "-._~!$&'()*+,;=:@/?%"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SIMPLE_START = re.compile(r"https?://([A-Za-z0-9.\-]+)(?=[/?#]|$)")
# A target already in the form parse_target makes of it (a lowercase http(s) scheme and
# host, a path with no '.', '%' or "'", a query with no '%' or "'", no fragment): most of
# a file's targets. Its host still goes through _ascii_host, which must give it back.
_NORMAL = re.compile(
    r"https?://([a-z0-9.\-]+)/[A-Za-z0-9\-_~!$&()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?]+)?"
)
_HOST_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?$")
# IDNA 2003 (Python's "idna" codec) maps these to other letters ('straße' -> 'strasse');
# browsers keep them (https://url.spec.whatwg.org/#idna: UTS #46, nontransitional).
_DEVIATIONS = re.compile("([ßς])")


class UrlError(ValueError):
    """A URL that cannot be a target; carries a hint for the user."""

    def __init__(
        self, message: str, hint: str | None = None, *, rule: str, scheme: str | None = None
    ) -> None:
        super().__init__(message)
        self.hint = hint
        self.rule = rule
        # an app's scheme (neither http(s) nor dangerous): a link's url may open it (apps.py)
        self.scheme = scheme


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


def _ipv6(host: str) -> str:
    """A bracketed host as browsers write it (https://url.spec.whatwg.org/#concept-ipv6-serializer:
    lowercase, the longest run of zero groups as '::'), or an error. urlsplit also lets
    through '[v1.anything]' (RFC 3986's IPvFuture, which no browser takes), so without
    this '<', '"' and non-ASCII letters would reach every output raw, and
    'https://[v1.x]/' would go nowhere. Zone IDs ('%25eth0') are refused too:
    browsers do not take them either."""
    inner = host[1:-1] if host.endswith("]") else ""
    try:
        groups = [int(g, 16) for g in ipaddress.IPv6Address(inner).exploded.split(":")]
    except ValueError:
        raise UrlError(
            f"the host {host!r} is not an IPv6 address",
            "write a domain name, or an IPv6 address in brackets such as [2001:db8::1]",
            rule="url-host",
        ) from None
    best, at = 1, -1  # the longest run of two or more zero groups (the first of equals)
    i = 0
    while i < 8:
        j = i
        while j < 8 and groups[j] == 0:
            j += 1
        if j - i > best:
            best, at = j - i, i
        i = j + 1
    text = [f"{g:x}" for g in groups]
    if at < 0:
        return "[" + ":".join(text) + "]"
    return "[" + ":".join(text[:at]) + "::" + ":".join(text[at + best :]) + "]"


@functools.lru_cache(maxsize=4096)  # a links file names few hosts, many times each
def _ascii_host(host: str) -> str:
    if host.startswith("["):  # IPv6 literal
        return _ipv6(host)
    labels = host.rstrip(".").split(".")
    out = []
    for label in labels:
        if not label:
            raise UrlError(
                f"the host {host!r} has an empty label", "check for a doubled '.'", rule="url-host"
            )
        if label.isascii():
            ascii_label = label.lower()
        else:
            try:
                ascii_label = _idna_label(label)
            except UnicodeError as exc:
                raise UrlError(
                    f"the host {host!r} is not a valid domain name: {exc}", rule="url-host"
                ) from None
        if not _HOST_LABEL.match(ascii_label) or len(ascii_label) > 63:
            raise UrlError(
                f"the host {host!r} is not a valid domain name",
                "a host has letters, digits, '-' and '.' only",
                rule="url-host",
            )
        out.append(ascii_label)
    return ".".join(out)


def _idna_label(label: str) -> str:
    """A non-ASCII label in ASCII, as browsers write it.

    Python's codec is IDNA 2003, which maps 'ß' to 'ss' and 'ς' to 'σ': 'straße.example'
    would become 'strasse.example', another domain than the 'xn--strae-oqa.example' a
    browser goes to from the URL as written. Labels with those letters keep them, as
    UTS #46 nontransitional processing does; the rest of the label is mapped as IDNA 2003
    maps it (case, width). Other labels are the same either way."""
    if not _DEVIATIONS.search(label):
        return label.encode("idna").decode("ascii")
    mapped = "".join(
        part if _DEVIATIONS.fullmatch(part) else nameprep(part)
        for part in _DEVIATIONS.split(label)
        if part
    )
    mapped = unicodedata.normalize("NFC", mapped)
    return "xn--" + mapped.encode("punycode").decode("ascii")


_DOT = {".", "%2e"}
_DOT_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


def _path(path: str) -> str:
    """The (encoded) path as a browser requests it: '/' for an empty one, and '.' and '..'
    segments resolved (https://url.spec.whatwg.org/#path-state; '%2e' is a dot there).

    Netlify, Cloudflare Pages and Azure's emulator answer a rule with the target in that
    form ('https://a.example' as 'https://a.example/', '/a/../b' as '/b'), and Cloudflare
    reads a target without a path badly ('https://a.example?x=1' answers
    'https://a.example/?x=1/'). So every output uses the form browsers go to anyway."""
    if not path:
        return "/"
    if "." not in path and "%2" not in path:
        return path
    segments = path[1:].split("/")
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        low = segment.lower()
        if low in _DOT_DOT:
            if out:
                out.pop()
            if last:
                out.append("")
        elif low in _DOT:
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def _query(query: str) -> str:
    """The encoded query as a browser sends it: "'" is '%27' in the query of an http(s)
    URL (https://url.spec.whatwg.org/#special-query-percent-encode-set), and that is how
    Cloudflare Pages and Azure's emulator answer a rule with a "'" in its target's query."""
    encoded = _encode(query)
    return encoded.replace("'", "%27") if "'" in encoded else encoded


def _backslash_before_query(value: str) -> int:
    """Where a '\\' stands before the query or fragment, or -1."""
    end = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    return value.find("\\", 0, end)


def parse_target(value: object) -> Target:
    """Validate ``value`` as an absolute http(s) URL and return its safe form."""
    if not isinstance(value, str):
        raise UrlError(
            f"expected a URL, got {type(value).__name__} {value!r}",
            "write the URL as text, e.g. https://example.com/page",
            rule="url-not-text",
        )
    if len(value) <= MAX_URL_LENGTH:  # most targets: already in the form this returns
        normal = _NORMAL.fullmatch(value)
        if normal is not None and _ascii_host(normal.group(1)) == normal.group(1):
            return Target(url=value, display=value)
    scheme = _checked_scheme(value)
    fast = _SIMPLE_START.match(value)
    if fast:  # no user, port or IPv6 literal: split as urlsplit would, without its cost
        rest = value[fast.end() :]
        fragment = None
        if "#" in rest:
            rest, fragment = rest.split("#", 1)
        query = ""
        if "?" in rest:
            rest, query = rest.split("?", 1)
        path = _encode(rest)
        if not path or "." in path or "%2" in path:  # (the usual path needs nothing more)
            path = _path(path)
        url = f"{scheme}://{_ascii_host(fast.group(1))}{path}"
        if query:
            query = _encode(query)
            url += "?" + (query.replace("'", "%27") if "'" in query else query)  # as _query
        if fragment is not None:
            url += "#" + _encode(fragment)
        # most targets are written in their normal form already: one string for both
        # (a million links kept a second copy of each, 116 MB)
        return Target(url=value if url == value else url, display=value)
    return _split_target(value, scheme)


def _checked_scheme(value: str) -> str:
    """The lowercase scheme (http or https) of a URL a link may send to; UrlError when it is
    empty, too long, holds a character that has no place in it, is relative, has another
    scheme, or has a backslash before its query."""
    if not value:
        raise UrlError(
            "the URL is empty",
            "write an absolute URL, e.g. https://example.com/page",
            rule="url-empty",
        )
    if len(value) > MAX_URL_LENGTH:
        raise UrlError(
            f"the URL is {len(value)} characters long; the limit is {MAX_URL_LENGTH}",
            rule="url-too-long",
        )
    bad = _bad_char(value)
    if bad is not None:
        i, ch = bad
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        hint = (
            "percent-encode a space as %20"
            if ch == " "
            else "remove it (it often comes from copying text out of a chat or a PDF)"
        )
        raise UrlError(f"the URL contains {name} at character {i + 1}", hint, rule="url-character")
    m = _SCHEME.match(value)
    if not m:
        if value.startswith("//"):
            raise UrlError(
                "a protocol-relative URL is not allowed",
                "start it with https:",
                rule="url-relative",
            )
        if value.startswith(("/", ".", "?", "#")):
            raise UrlError(
                "relative URLs are not allowed: a short link needs a full address",
                "write an absolute URL, e.g. https://example.com" + value,
                rule="url-relative",
            )
        raise UrlError(
            "the URL has no scheme", f"did you mean https://{value} ?", rule="url-scheme"
        )
    scheme = m.group(1).lower()
    if scheme in _DANGEROUS:
        raise UrlError(f"{scheme}: URLs are refused: {_DANGEROUS[scheme]}", None, rule="url-scheme")
    slash = _backslash_before_query(value) if "\\" in value else -1
    if scheme not in ("http", "https"):
        _not_web(scheme, slash)
    if slash >= 0:
        # Browsers read '\\' as '/' in an http(s) URL: 'https://a.example\\@evil.example/'
        # goes to a.example there, yet urlsplit reads evil.example as its host, and
        # '/a\\b' is '/a/b' to a browser but '/a%5Cb' here (tests/test_properties.py).
        raise UrlError(
            f"the URL contains a backslash at character {slash + 1}",
            "browsers read it as '/': write '/' (or %5C for a backslash in the path)",
            rule="url-backslash",
        )
    return scheme


def _not_web(scheme: str, slash: int) -> None:
    """Raise the UrlError of a URL with a scheme other than http(s) and the dangerous ones:
    an app's, which a link's url may open (apps.py); never one with a backslash, which an
    app would read its own way."""
    if slash >= 0:
        raise UrlError(
            f"the URL contains a backslash at character {slash + 1}", rule="url-backslash"
        )
    raise UrlError(
        f"only http and https URLs are allowed, not {scheme}:",
        None,
        rule="url-scheme",
        scheme=scheme,
    )


def _split_target(value: str, scheme: str) -> Target:
    """``parse_target`` of a URL with a user, a port or an IPv6 literal: through urlsplit."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"the URL is malformed: {exc}", rule="url-malformed") from None
    if not value[len(scheme) + 1 :].startswith("//") or not parts.hostname:
        raise UrlError("the URL has no host", "write it as https://host/path", rule="url-host")
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
    url = f"{scheme}://{userinfo}{ascii_host}{port_part}{_path(_encode(parts.path))}"
    if parts.query:  # an empty '?' means no query: hosts would treat it as one
        url += "?" + _query(parts.query)
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


def host_name(name: str) -> str:
    """A bare host name as URLs carry it (lowercase, IDN as punycode), so that a domain
    written in site.domains, a link's 'domains' or '--domain' compares with targets' hosts.
    UrlError when it is not a host name."""
    return host_and_path(parse_target(f"https://{name}").url)[0]


def host_and_path(url: str) -> tuple[str, str]:
    """The lowercase host and the path of an already normalised URL."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path
