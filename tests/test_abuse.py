"""Targets that look like abuse of a short link: a warning each, on its line, for a
reviewer; the site's allow and deny lists refuse domains outright."""

from __future__ import annotations

import pytest

from generator import abuse
from tests.conftest import one_problem, problems_of


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://192.168.1.10/admin", "host 192.168.1.10 is an IP address"),
        ("http://3232235777/", "host 3232235777 is an IP address"),  # one number: an address
        ("http://0x7f.1/", "host 0x7f.1 is an IP address"),
        ("http://[2001:db8::1]/x", "host 2001:db8::1 is an IP address"),
        ("https://аpple.com/login", "(аpple) mixes Cyrillic and Latin letters in one name"),
        ("https://раураӏ.com/", "is written in Cyrillic letters (раураӏ)"),
        ("https://αβγ.com/", "is written in Greek letters (αβγ)"),
        ("https://bit.ly/3xYz", "another short link (bit.ly)"),
        ("https://t.cn/A6x", "another short link (t.cn)"),
        ("https://www.tinyurl.com/abc", "another short link (www.tinyurl.com)"),
        (
            "https://paypal.com@phish.example/login",
            "'paypal.com' before '@': it goes to phish.example, not to paypal.com",
        ),
    ],
)
def test_a_suspicious_target_is_a_warning_on_its_line(url: str, words: str) -> None:
    p = one_problem(f"links:\n  x: {url}\n")
    assert (p.severity, p.line, p.column) == ("warning", 2, 6)
    assert words in p.message, p.message
    assert p.hint


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/sale",
        "https://例子.中国/",  # Chinese domains are not look-alikes of Latin ones
        "https://bücher.de/",  # Latin with an umlaut: one script
        "https://www.bitly.com.example.org/",  # a shortener's name inside another domain
        "https://example.com/path@user",  # '@' after the host is only a path
        "https://お名前.com/",  # Japanese: han and kana are one writing system
        "https://ヤフー.jp/",
        "https://0xfeed.com/",  # a name that starts like a hex number
    ],
)
def test_an_ordinary_target_has_no_warning(url: str) -> None:
    assert problems_of(f"links:\n  x: {url}\n") == []


def test_the_expired_target_is_looked_at_too() -> None:
    p = one_problem(
        "links:\n  x:\n    url: https://shop.example.com/\n    expires: 2027-01-01\n"
        "    expired: http://10.0.0.1/\n"
    )
    assert p.line == 5 and "IP address" in p.message


def test_deny_domains_refuses_a_domain_and_its_subdomains() -> None:
    text = (
        "site:\n  deny_domains: [Evil.example, bit.ly]\nlinks:\n"
        "  a: https://evil.example/\n  b: https://www.EVIL.example/x\n"
        "  c: https://notevil.example/\n  d: https://bit.ly/x\n"
    )
    found = problems_of(text)
    assert [(p.line, p.severity) for p in found] == [(4, "error"), (5, "error"), (7, "error")]
    assert "targets on www.evil.example are refused by site.deny_domains" in found[1].message


def test_allow_domains_refuses_every_other_domain_and_spares_its_own_warnings() -> None:
    text = (
        "site:\n  allow_domains: [example.com, '10.0.0.1']\nlinks:\n"
        "  a: https://shop.example.com/\n  b: http://10.0.0.1/intranet\n"
        "  c: https://example.org/\n"
    )
    p = one_problem(text)
    assert (p.line, p.severity) == (6, "error")
    assert p.message == "example.org is not in site.allow_domains"


def test_a_list_entry_that_is_not_a_domain_is_an_error() -> None:
    p = one_problem(
        "site:\n  deny_domains: [https://evil.example/x]\nlinks:\n  a: https://a.example\n"
    )
    assert (p.line, p.severity) == (2, "error") and "is not a domain like example.com" in p.message


@pytest.mark.parametrize(
    "url",
    [
        "https://Shop.Example.com/a@b?c=d#e",
        "https://user:pw@host.example:8443/x",
        "https://a@b@host.example/",
        "http://[2001:DB8::1]:8080/x",
        "http://[::1]/",
        "https://xn--pple-43d.com",
        "https://host.example?q=/x",
        "https://host.example#frag/x",
        "http://3232235777/",
    ],
)
def test_the_quick_host_is_urlsplits(url: str) -> None:
    from urllib.parse import urlsplit

    from generator.abuse import host_of

    assert host_of(url) == (urlsplit(url).hostname or "").lower()


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("https://Shop.Example.com/a@b?c=d#e", "https://Shop.Example.com/"),
        ("https://shop.example.com/p/1?x=1", "https://shop.example.com/"),
        ("https://user:pw@host.example:8443/x", None),
        ("https://a@b@host.example/", None),
        ("http://[::1]/", None),
        ("https://xn--pple-43d.com", None),
        ("https://host.example?q=/x", None),
        ("https://host.example#frag/x", None),
    ],
)
def test_urls_that_start_as_one_does_have_its_host(url: str, start: str | None) -> None:
    """What lets policy skip host_of for the links after the first to a host."""
    from generator.abuse import host_of, host_start

    assert host_start(url) == start
    if start is not None:
        for rest in ("", "x", "x@y.example/", ":8080/", "[::1]/", "?a#b", "/..//a"):
            assert host_of(start + rest) == host_of(url)


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("xn--g-1tb.example.com", "go.example.com", True),  # Cyrillic о
        ("xn--g-smb.example.com", "go.example.com", True),  # Greek ο
        ("xn--pple-43d.com", "apple.com", True),  # Cyrillic а
        ("xn--80ak6aa92e.com", "apple.com", True),  # all Cyrillic: аррӏе (ӏ drawn as l)
        ("xn--80ak6aa92e.com", "xn--80ak6aa92e.com", False),
        ("go.exarnple.com", "go.example.com", True),  # rn for m (UTS #39 data)
        ("go.examp1e.com", "go.example.com", True),  # 1 for l
        ("go.example.com", "go.example.com", False),  # the same domain is not a look-alike
        ("go2.example.com", "go.example.com", False),
        ("xn--bcher-kva.example", "bucher.example", True),  # ü read as u in an address bar
        ("xn--bcher-kva.example", "xn--bcher-kva.example", False),
        ("xn--fiqs8s.example", "go.example", False),  # 中国: looks like nothing Latin
    ],
)
def test_a_look_alike_domain_is_one_a_person_cannot_tell_apart(
    one: str, other: str, alike: bool
) -> None:
    assert abuse.looks_alike(one, other) is alike
    assert abuse.looks_alike(other, one) is alike
