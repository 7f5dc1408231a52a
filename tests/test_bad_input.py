"""Hostile and broken links files, each through the real command line in a subprocess.

Every case runs ``python -m generator check FILE`` and ``build FILE -o OUT --now ...``
(into a folder that does not exist yet and, for a refused file, into a copy of a previous
good build), side by side, each bounded to 2 GiB of address space and 120 seconds: safety
bounds, not performance claims. Whatever the input:

- no Python traceback, the exit code the docs promise, and an output of reasonable size;
- a refused file: ``links.yaml:LINE:COL: error: <the expected words>`` from ``check`` and
  from ``build``, no new output folder, and a previous build byte for byte as it was;
- an accepted file: a site whose pages carry the hostile text only escaped (no tag, event
  handler or broken attribute from the input), and the notes the docs promise.

One row of ``CASES`` is one case: ``refused(name, source, line, col, words)`` or
``accepted(name, source)``. A source is text, bytes, or a factory (big inputs are made in
the test's own folder). tests/test_fastload.py's promise is held here too: on every small
case the fast reader answers as the slow one, or steps aside.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.fastload import fast_load
from generator.load import decode, load_text_slowly
from tests.conftest import PURE, ROOT, by_parser

NOW = "2026-11-25T12:00:00Z"
TIMEOUT = 120  # seconds a command may take: a guard against hangs, not a benchmark
MEMORY = 2 << 30  # RLIMIT_AS of each command: a guard against runaway memory
MAX_OUTPUT = 100_000  # characters a command may print about one file: a message, not the file
MB50 = 50_000_000

L = "links:\n"
U = "https://a.example"
A = L + "  a:\n    url: https://a.example\n"  # a long-form link, for its keys below
S = "site:\n"
GOOD = (
    "site:\n  domain: go.example.com\nlinks:\n  gh: https://github.com/acme\n"
    "  sale:\n    url: https://shop.example.com/sale\n    expires: 2026-12-31\n"
)

Source = str | bytes | Callable[[Path], "str | bytes | None"]


@dataclass(frozen=True)
class Case:
    source: Source
    refused: bool
    line: int = 0
    col: int = 0
    words: str = ""  # a distinctive part of the message at line:col
    hint: str | None = None
    commands: tuple[str, ...] = ("check", "build")
    notes: tuple[str, ...] = ()  # accepted: what check or build must print
    title: str | None = None  # accepted: the exact title every page must carry
    also: tuple[tuple[int, int, str], ...] = ()  # refused: more messages of the same file
    expect: Callable[[Path], None] | None = None  # accepted: more checks of the site


Marks = pytest.MarkDecorator | tuple[pytest.MarkDecorator, ...]


def refused(
    name: str,
    source: Source,
    line: int,
    col: int,
    words: str,
    *,
    hint: str | None = None,
    also: list[tuple[int, int, str]] | None = None,
    commands: tuple[str, ...] = ("check", "build"),
    marks: Marks = (),
) -> object:
    """A file check and build must refuse, with ``words`` in the message at line:col."""
    case = Case(source, True, line, col, words, hint, commands, also=tuple(also or ()))
    return pytest.param(case, id=name, marks=marks)


def accepted(
    name: str,
    source: Source,
    *,
    notes: tuple[str, ...] = (),
    title: str | None = None,
    expect: Callable[[Path], None] | None = None,
) -> object:
    """A file the docs accept: it builds, and its pages hold its text only escaped."""
    return pytest.param(Case(source, False, notes=notes, title=title, expect=expect), id=name)


# -- factories: big or special inputs, made where the test runs --------------------------


def alias_bomb(_: Path) -> str:
    """The "billion laughs": nine levels, each ten aliases of the one before."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nlinks:\n  gh: https://a.example\n"


def deep_block_mappings(_: Path) -> str:
    """10,000 nested block mappings, one space deeper each: 50 MB of indentation."""
    return "".join(" " * i + f"k{i}:\n" for i in range(10_000)) + " " * 10_000 + "x: y\n"


def huge_comment(_: Path) -> str:
    return L + "  gh: https://a.example\n# " + "x" * MB50 + "\n"


def huge_url(_: Path) -> str:
    return L + "  gh: https://a.example/" + "x" * 5_000_000 + "\n"


def huge_alias(_: Path) -> str:
    return A + "    aliases: [" + "b" * 5_000_000 + "]\n"


def huge_hosts(_: Path) -> str:
    return S + "  hosts: " + "b" * MB50 + "\n" + A


def dev_zero(path: Path) -> None:
    """A links.yaml committed as a symlink to an endless device."""
    path.symlink_to("/dev/zero")


def python_tag(flow: str) -> Callable[[Path], str]:
    """A tag that PyYAML's unsafe loader would run: it must create no file."""

    def make(path: Path) -> str:
        return flow.replace("CMD", f"['touch {path.parent / 'PWNED'}']")

    return make


def _line_over_cloudflare(out: Path) -> None:
    rules = (out / "_redirects").read_text().splitlines()
    assert max(len(line) for line in rules) <= 1000
    assert not any(line.startswith("/long ") for line in rules)
    assert (out / "long.html").is_file()  # the page answers instead


def _percent_kept(out: Path) -> None:
    page = (out / "a.html").read_text()
    assert "https://a.example/x%0aSet-Cookie:%20y=1%00" in page
    for name in ("_redirects", "shortlinks.nginx.conf", ".htaccess", "shortlinks.caddy"):
        assert "\r" not in (out / name).read_text()


XSS_TITLE = "<script>alert('t')</script> \"><img src=x onerror=alert(3)> 优惠 </title>"
XSS = (
    "site:\n  domain: go.example.com\n"
    '  home: "https://www.example.com/?q=\\"><script>alert(0)</script>"\n'
    "links:\n  xss:\n"
    '    url: "https://a.example/p?q=\\"><img/src=x/onerror=alert(1)></script>&x=\'y\'#\\"f"\n'
    f"    title: {json.dumps(XSS_TITLE, ensure_ascii=False)}\n"
    '    description: "</script><script>alert(4)</script>\\n\\"><svg onload=alert(5)> & \'"\n'
    '    image: "https://img.example/a.png?\\"><script>alert(6)</script>"\n'
    '    tags: ["<script>alert(7)</script>", "\\"><b>"]\n'
    "    aliases: [xss2]\n    expires: 2026-12-31\n    open_in_browser: true\n"
    '    expired: "https://b.example/?\\"><script>alert(8)</script>"\n'
)

# fmt: off
CASES = [
    # -- resource bombs and sizes ---------------------------------------------------------
    refused("alias-bomb", alias_bomb, 2, 10, "YAML alias *a0 is not allowed",
            hint="a small file cannot expand into a huge one"),
    # libyaml stops at its own limit (1,000), having read ahead; PyYAML's Python at ours
    refused("nest-10000-flow-lists", "links: " + "[" * 10_000 + "]" * 10_000 + "\n", 1,
            39 if PURE else 1007,
            by_parser("YAML syntax: exceeded maximum nesting depth", "nesting deeper than 32")),
    refused("nest-10000-flow-maps", "links: " + "{a: " * 10_000 + "x" + "}" * 10_000 + "\n",
            1, 132, "nesting deeper than 32 levels"),
    refused("nest-10000-block-maps", deep_block_mappings, 33, 33, "nesting deeper than 32 levels"),
    refused("nest-10000-block-lists", "- " * 10_000 + "x\n", 1, 65, "nesting deeper than 32"),
    accepted("comment-50mb", huge_comment, notes=("1 link, no problems",)),
    refused("url-5mb", huge_url, 2, 7, "the URL is 5000018 characters long; the limit is 4096"),
    refused("alias-5mb", huge_alias, 4, 15, "slug is 5000000 characters long; the limit is 100"),
    refused("hosts-50mb", huge_hosts, 2, 10, "unknown host 'bbbbbbbbbb", commands=("check",)),
    refused("status-1mb-echoed", A + "    status: " + "b" * 1_000_000 + "\n", 4, 13,
            "status must be 301, 302, 307 or 308"),
    refused("expires-1mb", A + "    expires: " + "b" * 1_000_000 + "\n", 4, 14,
            "... (1000000 characters) is not a valid date"),
    refused("status-5000-digits", A + "    status: " + "9" * 5000 + "\n", 4, 13,
            "YAML reads '999999999"),
    refused("timezone-300-chars", S + "  timezone: " + "b" * 300 + "\n" + A, 2, 13,
            "unknown time zone 'bbbb"),
    refused("slug-10000-chars", L + "  " + "a" * 10_000 + ": " + U + "\n", 2, 10003,
            "YAML syntax: mapping values are not allowed", hint="at most 1024 characters"),
    refused("slug-1000-chars", L + "  " + "a" * 1000 + ": " + U + "\n", 2, 3,
            "slug is 1000 characters long; the limit is 100"),
    refused("dev-zero-check", dev_zero, 1, 1, "links.yaml is not a regular file",
            commands=("check",)),
    refused("dev-zero-build", dev_zero, 1, 1, "links.yaml is not a regular file",
            commands=("build",)),
    # -- encodings, bytes and whitespace ---------------------------------------------------
    accepted("utf8-bom", b"\xef\xbb\xbflinks:\n  gh: https://a.example\n"),
    accepted("crlf", b"links:\r\n  gh:\r\n    url: https://a.example\r\n    title: CRLF\r\n",
             title="CRLF"),
    refused("tab-indent", L + "\tgh: " + U + "\n", 2, 1, "cannot start any token",
            hint="indent with spaces, not tabs"),
    refused("invalid-utf8", b"links:\n  gh: https://a.example/\xff\n", 2, 25,
            "invalid UTF-8 byte 0xff"),
    refused("utf16", "links:\n  gh: https://a.example\n".encode("utf-16"), 1, 1,
            "the file is UTF-16", hint="save it as UTF-8 instead"),
    refused("nul-byte", b"links:\n  gh: https://a.example\x00\n", 2, 24,
            "the file contains the control character U+0000"),
    refused("raw-u2028-hides-a-key", A + "    title: Sale\u2028url: https://evil.example\n",
            4, 16, "invisible line break U+2028 (LINE SEPARATOR)"),
    refused("raw-u0085", L + "  gh: " + U + "\x85\n", 2, 24, "invisible line break U+0085"),
    refused("bom-mid-file", L + "  a: " + U + "\n\ufeff  b: " + U + "\n", 3, 1,
            "a byte order mark (U+FEFF, invisible) starts this line"),
    # -- duplicates ------------------------------------------------------------------------
    refused("dup-top-level", L + "  a: " + U + "\n" + L + "  b: " + U + "\n", 3, 1,
            "duplicate key 'links' (first on line 1)"),
    refused("dup-in-site-and-link",
            S + "  domain: a.example\n  domain: b.example\n" + A + "    url: https://b.example\n",
            3, 3, "duplicate key 'domain' (first on line 2)",
            also=[(7, 5, "duplicate key 'url' (first on line 6)")]),
    refused("dup-slug-case", L + "  Sale: " + U + "\n  sale: " + U + "\n  ｓａｌｅ: " + U + "\n",
            3, 3, "slug 'sale' collides with 'Sale' (line 2)",
            also=[(4, 3, "slug 'ｓａｌｅ' collides with 'Sale' (line 2)")]),
    refused("dup-alias-case", A + "    aliases: [A]\n", 4, 15,
            "slug 'A' collides with 'a' (line 2)"),
    # -- script and markup in every field --------------------------------------------------
    accepted("xss-in-every-text-field", XSS, title=XSS_TITLE),
    refused("xss-slug", L + "  '<script>': " + U + "\n  '\"><img src=x>': " + U + "\n", 2, 3,
            "slug '<script>' contains the character '<' at position 1",
            also=[(3, 3, "contains the character '\"' at position 1")]),
    refused("xss-alias-and-tag",
            A + "    aliases: ['</script>']\n    tags: ['<script>" + "x" * 50 + "']\n", 4, 15,
            "slug '</script>' contains the character '<' at position 1",
            also=[(5, 12, "text is 58 characters long; the limit is 50")]),
    refused("xss-domain", S + "  domain: '<script>.example'\n" + A, 2, 11,
            "domain '<script>.example' is not a valid host name"),
    refused("xss-url-with-space", L + "  a: https://a.example/\"><img src=x>\n", 2, 6,
            "the URL contains SPACE at character 25", hint="percent-encode a space as %20"),
    # -- javascript:, data:, vbscript: and file: -------------------------------------------
    refused("js-url", L + "  a: javascript:alert(1)\n  b: JaVaScRiPt:alert(1)\n", 2, 6,
            "javascript: URLs are refused", also=[(3, 6, "javascript: URLs are refused")]),
    refused("js-disguised",
            L + "  a: '  javascript:alert(1)'\n  b: \"java\\tscript:alert(1)\"\n"
            "  c: \"\\x01javascript:alert(1)\"\n  d: javascript：alert(1)\n",
            2, 6, "the URL contains SPACE at character 1",
            also=[(3, 6, "the URL contains U+0009 at character 5"),
                  (4, 6, "the URL contains U+0001 at character 1"),
                  (5, 6, "the URL has no scheme")]),
    refused("data-vbscript-file-urls",
            L + "  a: 'data:text/html,<script>alert(1)</script>'\n  b: VBScript:msgbox(1)\n"
            "  c: file:///etc/passwd\n", 2, 6, "data: URLs are refused",
            also=[(3, 6, "vbscript: URLs are refused"), (4, 6, "file: URLs are refused")]),
    refused("js-image-and-expired",
            A + "    image: javascript:alert(1)\n    expires: 2026-12-31\n"
            "    expired: data:text/html,x\n", 4, 12, "javascript: URLs are refused",
            also=[(6, 14, "data: URLs are refused")]),
    refused("js-home", S + "  home: jAvAsCrIpT:alert(1)\n" + A, 2, 9,
            "javascript: URLs are refused"),
    # -- slugs that are paths, controls or not text ----------------------------------------
    refused("slug-traversal",
            L + "  ../x: " + U + "\n  a/../../etc: " + U + "\n  '..': " + U + "\n  /etc/passwd: "
            + U + "\n", 2, 3, "slug '../x' contains '..'",
            also=[(3, 3, "slug 'a/../../etc' contains '..'"), (4, 3, "slug '..' contains '..'"),
                  (5, 3, "slug '/etc/passwd' starts or ends with '/'")]),
    refused("slug-backslash", L + "  'a\\b': " + U + "\n  '..\\..\\x': " + U + "\n", 2, 3,
            "the character '\\\\' at position 2", also=[(3, 3, "contains '..'")]),
    refused("slug-controls", L + '  "a\\x07b": ' + U + '\n  "a\\nb": ' + U + '\n  "a\\0b": ' + U
            + "\n", 2, 3, "contains whitespace or a control character (0x7) at position 2",
            also=[(3, 3, "a control character (0xa)"), (4, 3, "a control character (0x0)")]),
    refused("slug-u2028-u2029", L + '  "a\\u2028b": ' + U + '\n  "a\\u2029b": ' + U + "\n",
            2, 3, "(LINE SEPARATOR) at position 2", also=[(3, 3, "(PARAGRAPH SEPARATOR)")]),
    refused("slug-pct0a-pct00", L + "  a%0ab: " + U + "\n  a%00: " + U + "\n", 2, 3,
            "slug 'a%0ab' contains the character '%' at position 2",
            also=[(3, 3, "slug 'a%00' contains the character '%'")]),
    refused("slug-not-text",
            L + "  2026: " + U + "\n  no: " + U + "\n  ~: " + U + "\n  a:\n    url: " + U
            + "\n    aliases: [404]\n", 2, 3,
            "slug 2026 is read by YAML as a number", hint="quote it: '2026'",
            also=[(3, 3, "slug no is read by YAML as a boolean (false)"),
                  (4, 3, "slug ~ is read by YAML as nothing (null)"),
                  (7, 15, "alias 404 is read by YAML as a number")]),
    refused("slug-html", L + "  page.html: " + U + "\n  Page.HTM: " + U + "\n  a.html/b: " + U
            + "\n", 2, 3, "slug 'page.html' ends in .html",
            also=[(3, 3, "slug 'Page.HTM' ends in .html"), (4, 3, "has a part ending in .html")]),
    refused("slug-empty-dotfile-double-slash",
            L + "  '': " + U + "\n  .env: " + U + "\n  a//b: " + U + "\n", 2, 3,
            "a slug cannot be empty",
            also=[(3, 3, "has a part starting with '.'"), (4, 3, "slug 'a//b' contains '//'")]),
    # -- reserved slugs --------------------------------------------------------------------
    refused("reserved-_qr", L + "  _qr: " + U + "\n  _qr/x: " + U + "\n  _expired/x: " + U + "\n",
            2, 3, "slug '_qr' is reserved",
            also=[(3, 3, "slug '_qr/x' is reserved"), (4, 3, "slug '_expired/x' is reserved")]),
    refused("reserved-index-404",
            L + "  INDEX: " + U + "\n  '404': " + U + "\n  ｉｎｄｅｘ: " + U + "\n", 2, 3,
            "slug 'INDEX' is reserved",
            also=[(3, 3, "slug '404' is reserved"), (4, 3, "slug 'ｉｎｄｅｘ' is reserved")]),
    refused("reserved-host-files",
            L + "  CNAME/x: " + U + "\n  robots.txt: " + U + "\n  _redirects: " + U + "\n",
            2, 3, "slug 'CNAME/x' is reserved",
            also=[(3, 3, "slug 'robots.txt' is reserved"), (4, 3, "'_redirects' is reserved")]),
    # -- targets ---------------------------------------------------------------------------
    # look-alike and other phishing-shaped targets: built, with a warning on their line
    # for the reviewer (docs/links-yaml.md, allow_domains); a denied domain is refused
    accepted("lookalike-hosts-warned",
             L + "  a: https://аpple.com/login\n  b: https://paypal.com@phish.example/\n"
             "  c: http://3232235777/\n  d: https://bit.ly/x\n",
             notes=("links.yaml:2:6: warning: the host xn--pple-43d.com (аpple) mixes Cyrillic "
                    "and Latin letters", "links.yaml:3:6: warning: the target has 'paypal.com' "
                    "before '@'", "links.yaml:4:6: warning: the target's host 3232235777 is an "
                    "IP address", "links.yaml:5:6: warning: the target is another short link")),
    refused("denied-domain", S + "  deny_domains: [evil.example]\n" + L
            + "  a: https://login.evil.example/\n", 4, 6,
            "targets on login.evil.example are refused by site.deny_domains"),
    accepted("url-pct0a-pct00", L + "  a: https://a.example/x%0aSet-Cookie:%20y=1%00\n",
             expect=_percent_kept),
    refused("url-newline-crlf",
            L + '  a: "https://a.example/\\nLocation: https://evil.example"\n'
            '  b: "https://a.example/\\r\\nSet-Cookie: x=1"\n', 2, 6,
            "the URL contains U+000A at character 19",
            also=[(3, 6, "the URL contains U+000D at character 19")]),
    refused("url-over-4096", L + "  a: https://a.example/" + "x" * 4100 + "\n", 2, 6,
            "the URL is 4118 characters long; the limit is 4096"),
    accepted("url-line-over-cloudflare-1000",
             L + "  short: " + U + "\n  long: https://a.example/" + "x" * 1500 + "\n",
             notes=("_redirects: 1 of 2 rules do not fit (Cloudflare Pages: 2,000 rules, "
                    "1,000 characters a line); their pages answer instead",),
             expect=_line_over_cloudflare),
    refused("url-relative-or-hostless",
            L + "  a: /etc/passwd\n  b: //evil.example\n  c: https:///x\n"
            "  d: 'https:\\\\evil.example'\n", 2, 6, "relative URLs are not allowed",
            also=[(3, 6, "a protocol-relative URL is not allowed"),
                  (4, 6, "the URL has no host"), (5, 6, "backslash at character 7")]),
    # -- dates and time zones --------------------------------------------------------------
    refused("impossible-dates",
            L + "  a:\n    url: " + U + "\n    expires: 2026-02-30\n  b:\n    url: " + U
            + "\n    expires: 2026-13-01\n  c:\n    url: " + U + "\n    starts: 2026-12-01T24:61\n",
            4, 14, "'2026-02-30' is not a valid date (day is out of range for month)",
            also=[(7, 14, "'2026-13-01' is not a valid date"),
                  (10, 13, "'2026-12-01T24:61' is not a valid date")]),
    refused("years-out-of-range",
            A + "    expires: 9999-12-31\n  b:\n    url: " + U
            + "\n    starts: 0001-01-01T00:00:00+05:00\n", 4, 14,
            "expires: '9999-12-31' is out of range", hint="leave 'expires' out",
            also=[(7, 13, "starts: '0001-01-01T00:00:00+05:00' is out of range")]),
    refused("tz-mars", S + "  timezone: Mars/Olympus\n" + A, 2, 13,
            "unknown time zone 'Mars/Olympus'"),
    refused("tz-traversal", S + "  timezone: ../../../../etc/passwd\n" + A, 2, 13,
            "unknown time zone '../../../../etc/passwd'"),
    refused("expiry-before-start", A + "    starts: 2026-12-31\n    expires: 2026-12-01\n", 4, 13,
            "starts (2026-12-31T00:00:00+00:00) at or after it expires"),
    # -- the shape of the file -------------------------------------------------------------
    refused("empty-file", "", 1, 1, "the file is empty"),
    refused("only-a-list", "- a\n- b\n", 1, 1,
            "the file must be a mapping with 'site:' and 'links:', got a list"),
    refused("only-a-scalar", "hello\n", 1, 1, "the file must be a mapping"),
    refused("python-tag-scalar", python_tag(L + "  gh: !!python/object/apply:os.system CMD\n"),
            2, 7, "YAML tag tag:yaml.org,2002:python/object/apply:os.system is not supported"),
    refused("python-tag-document", python_tag("!!python/object/apply:os.system CMD\n"), 1, 1,
            "python/object/apply:os.system is not supported"),
    refused("python-tag-mapping",
            python_tag("links: !!python/object/apply:os.system\n  args: CMD\n"), 1, 8,
            "python/object/apply:os.system is not supported"),
    refused("anchor-alias-merge",
            L + "  a: &u " + U + "\n  b: *u\n  c:\n    <<: {title: x}\n    url: " + U + "\n",
            3, 6, "YAML alias *u is not allowed",
            also=[(5, 5, "YAML merge keys ('<<') are not supported")]),
    refused("links-a-list", L + "  - https://a.example\n", 2, 3,
            "'links' must be a mapping of 'key: value' lines, got a list"),
    refused("lists-that-are-mappings", A + "    aliases: {b: c}\n    tags: {d: e}\n", 4, 14,
            "aliases must be a list of slugs, got a mapping",
            also=[(5, 11, "tags must be a list of words, got a mapping")]),
    refused("no-links-section", S + "  domain: go.example.com\n", 1, 1,
            "the file has no 'links:' section"),
    refused("two-documents", L + "  a: " + U + "\n---\nlinks: {}\n", 3, 1,
            "more than one YAML document ('---') in the file"),
    refused("complex-key", L + "  ? [a, b]\n  : " + U + "\n", 2, 5,
            "a key must be a plain value, not a list or mapping"),
    refused("unknown-key-permanent-expiring",
            A + "    expire: 2026-12-31\n  b:\n    url: " + U
            + "\n    status: 301\n    expires: 2026-12-31\n", 4, 5,
            "unknown key 'expire' in link 'a'", hint="did you mean 'expires'?",
            also=[(7, 13, "link 'b' expires, so it cannot use the permanent status 301")]),
    refused("redirect-loop",
            S + "  domain: go.example.com\n" + L + "  a: https://GO.example.com/A\n", 4, 6,
            "redirect loop: a -> a"),
    # -- text fields -----------------------------------------------------------------------
    refused("text-controls-and-length",
            A + '    title: "a\\nb"\n    description: "a\\eb"\n  b:\n    url: ' + U
            + "\n    title: " + "x" * 301 + "\n", 4, 12,
            "text contains a control character or a line break",
            also=[(5, 18, "text contains a control character"),
                  (8, 12, "text is 301 characters long; the limit is 300")]),
    refused("title-u2028", A + '    title: "Sale\\u2028url: https://evil.example"\n', 4, 12,
            "a line break"),
    refused("title-c1-csi", A + '    title: "a\\x9b31mred"\n', 4, 12, "a control character"),
    refused("domain-with-userinfo", S + "  domain: user@go.example.com\n" + A, 2, 11,
            "must be a bare host name"),
]
# fmt: on


# -- running the command line ------------------------------------------------------------


def _guard() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str = field(repr=False)

    @property
    def both(self) -> str:
        return self.out + self.err


def _run_all(commands: list[tuple[str, ...]], cwd: Path) -> list[Run]:
    """The commands side by side (the guards apply to each), then their results."""
    env = _env()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_guard,
        )
        for args in commands
    ]
    runs = []
    for args, proc in zip(commands, procs, strict=True):
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
                p.communicate()
            pytest.fail(f"{' '.join(args)} ran past {TIMEOUT} s")
        runs.append(
            Run(args, proc.returncode, out.decode(errors="replace"), err.decode("utf-8", "replace"))
        )
    return runs


def _digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with a digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build, copied into each test as the output a refused file must not touch."""
    base = tmp_path_factory.mktemp("previous")
    (base / "links.yaml").write_text(GOOD)
    [run] = _run_all([("build", "links.yaml", "-o", "site", "--now", NOW)], base)
    assert run.code == 0, run.both
    return base / "site"


def _write_source(case: Case, path: Path) -> None:
    source = case.source(path) if callable(case.source) else case.source
    if source is None:
        return  # the factory made the file itself
    if isinstance(source, str):
        path.write_bytes(source.encode())
    else:
        path.write_bytes(source)


def _assert_sane(run: Run) -> None:
    assert "Traceback" not in run.both, run.both[-3000:]
    assert len(run.out) < MAX_OUTPUT and len(run.err) < MAX_OUTPUT, (
        f"{' '.join(run.args)} printed {len(run.out)} + {len(run.err)} characters"
    )


def _assert_refused_with(run: Run, case: Case, stream: str) -> None:
    assert run.code == 1, run.both[-3000:]
    lines = stream.splitlines()
    for n, (line, col, words) in enumerate(((case.line, case.col, case.words), *case.also)):
        where = f"links.yaml:{line}:{col}: error: "
        found = [i for i, text in enumerate(lines) if text.startswith(where) and words in text]
        assert found, f"no {where}...{words!r} in:\n{stream[-3000:]}"
        if n == 0 and case.hint is not None:
            following = lines[found[0] + 1] if found[0] + 1 < len(lines) else ""
            assert following.startswith("    hint: ") and case.hint in following, following


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: Case, tmp_path: Path, previous_build: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _write_source(case, repo / "links.yaml")
    commands: list[tuple[str, ...]] = []
    if "check" in case.commands:
        commands.append(("check", "links.yaml"))
    if "build" in case.commands:
        commands.append(("build", "links.yaml", "-o", "../fresh", "--now", NOW))
        if case.refused:
            shutil.copytree(previous_build, tmp_path / "previous", symlinks=True)
            for beside in ("manifest", "lock"):  # a build's manifest and lock, beside it
                shutil.copy2(
                    previous_build.parent / f".site.{beside}", tmp_path / f".previous.{beside}"
                )
            commands.append(("build", "links.yaml", "-o", "../previous", "--now", NOW))
    before = _digest(tmp_path / "previous") if (tmp_path / "previous").exists() else None
    listing = sorted(p.name for p in tmp_path.iterdir())

    runs = _run_all(commands, repo)

    for run in runs:
        _assert_sane(run)
    assert not (repo / "PWNED").exists(), "a YAML tag ran a command"
    if case.refused:
        for run in runs:
            _assert_refused_with(run, case, run.out if run.args[0] == "check" else run.err)
            if run.args[0] == "build":
                assert "nothing was written" in run.err
        assert not (tmp_path / "fresh").exists(), "a refused file created the output folder"
        if before is not None:
            assert _digest(tmp_path / "previous") == before, "a refused file changed a build"
        # no stage, temporary or journal folder left beside the outputs either
        assert sorted(p.name for p in tmp_path.iterdir()) == listing
        return

    for run in runs:
        assert run.code == 0, run.both[-3000:]
    printed = "\n".join(run.both for run in runs)
    assert ": error: " not in printed, printed
    if not any(": warning: " in note for note in case.notes):  # only the warnings expected
        assert ": warning: " not in printed, printed
    else:
        warned = sum(": warning: " in note for note in case.notes)
        assert printed.count(": warning: ") == warned * len(runs), printed
    for note in case.notes:
        assert note in printed, printed
    if "build" in case.commands:
        _assert_pages_escaped(tmp_path / "fresh", case.title)
        if case.expect is not None:
            case.expect(tmp_path / "fresh")


# -- what an accepted hostile file may put into the pages ---------------------------------

# The input's markup as it would read unescaped: none of it may reach a page.
RAW = ("<script>alert", "</script><script>", "<img src=x", "<img/src=x", "<svg onload",
       '"><b>', "<b>")  # fmt: skip


SITE_PAGES = ("index.html", "404.html")  # the site's own pages: no link's title


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "script":
            self.scripts.append(data)


def _assert_pages_escaped(out: Path, title: str | None) -> None:
    pages = sorted(out.rglob("*.html"))
    assert pages, "the build wrote no page"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for raw in RAW:
            assert raw not in text, f"{page.name}: raw {raw!r}"
        parsed = _Page()
        parsed.feed(text)
        parsed.close()
        for tag, attrs in parsed.tags:
            assert tag not in ("svg", "b", "iframe", "object", "embed"), (page.name, tag)
            assert not any(a.startswith("on") for a in attrs), (page.name, tag, attrs)
            if tag == "img":  # the preview's QR code, drawn into it by the shared qr.js
                assert "src" not in attrs and attrs.get("id") == "qr", attrs
                assert attrs.get("data-qr", "").startswith("https://"), attrs
            if tag == "script" and "src" in attrs:  # the site's own shared scripts only
                assert attrs in ({"src": "/_shortlinks/qr.js"}, {"src": "/_shortlinks/preview.js"})
            if tag == "meta" and attrs.get("property") == "og:title":
                assert attrs.get("content") == title, (page.name, attrs)  # no quote broke out
        inline = [t for t, a in parsed.tags if t == "script" and "src" not in a]
        assert len(inline) <= 1, page.name
        for script in parsed.scripts:
            assert "<script" not in script.lower() and "</" not in script, page.name
        if title is not None and page.parent == out and page.name not in SITE_PAGES:
            shown = "".join(parsed.title)  # a link's page, or its preview ('<title> · ...')
            assert shown.startswith(title), (page.name, shown)
    if title is not None and (out / "links.json").exists():
        listed = json.loads((out / "links.json").read_text())
        assert {link["title"] for link in listed["links"]} == {title}


# -- the fast reader's promise, on every small case ---------------------------------------


def test_fast_reader_answers_as_the_slow_one_on_every_case() -> None:
    checked = 0
    for param in CASES:
        source = param.values[0].source  # type: ignore[attr-defined]
        if callable(source):
            continue
        raw = source.encode() if isinstance(source, str) else source
        text, _ = decode(raw, "links.yaml")
        if text is None:
            continue
        fast = fast_load(text)
        if fast is None:
            continue
        doc, problems = load_text_slowly(text)
        assert doc is not None and not problems, (text[:200], problems)
        assert fast[0] == doc.data, text[:200]
        checked += 1
    assert checked > 20  # most cases are plain YAML with a wrong value: both readers agree
