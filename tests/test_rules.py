"""Every rule id: one row a rule, the smallest input that breaks it and the line it prints.

``ROWS``: (rule, links.yaml, the first line ``check`` prints for it). ``CLI_ROWS``: (rule,
the files of a folder, the command run there, the line it prints), for the rules of the
lock, of import and of the file itself. ``ELSEWHERE``: the few rules whose input is too big
for a row (a build past a host's cap), and the test that triggers each. Together they cover
``RULES`` exactly, which docs/rules.md lists.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import load
from generator.build import check_text
from generator.cli import main
from generator.problems import ERROR, RULES, Problem, format_github, format_json, format_text
from tests.conftest import ROOT

S = "site:\n  domain: go.example.com\n"
D = "site:\n  domains: [go.example.com, b.example.com]\n"
L = "links:\n  a: https://example.com/\n"
Y = S + L
LOCK = "a https://example.com/\n"
CSVY = L
MOVED = Y.replace(
    L, "links:\n  a:\n    url: https://example.net/\n    repoint_from: https://example.com/\n"
)
STALE = Y.replace(
    L, "links:\n  a:\n    url: https://example.com/\n    repoint_from: https://example.org/\n"
)

# fmt: off
ROWS = [
    ("hidden-line-break", "links:\n  a: https://example.com/\u2028\n", 'links.yaml:2:26: error: the file contains the invisible line break U+2028 (LINE SEPARATOR) (hidden-line-break)'),
    ("byte-order-mark", "links:\n\ufeff  a: https://example.com/\n", 'links.yaml:2:1: error: a byte order mark (U+FEFF, invisible) starts this line (byte-order-mark)'),
    ("lone-surrogate", "links:\n  a: https://example.com/\udcff\n", 'links.yaml:2:26: error: the text contains the lone surrogate U+DCFF, which is no character (lone-surrogate)'),
    ("control-character", "links:\n  a: https://example.com/\x07\n", 'links.yaml:2:26: error: the file contains the control character U+0007 (control-character)'),
    ("yaml-syntax", "links:\n  a https://example.com/\n  b: https://example.com/\n", "links.yaml:2:3: error: YAML syntax: could not find expected ':' after the key on this line (yaml-syntax)"),
    ("duplicate-key", "links:\n  a: https://example.com/\n  a: https://example.org/\n", "links.yaml:3:3: error: duplicate key 'a' (first on line 2) (duplicate-key)"),
    ("yaml-documents", "links:\n  a: https://example.com/\n---\nlinks: {}\n", "links.yaml:3:1: error: more than one YAML document ('---') in the file (yaml-documents)"),
    ("yaml-alias", "links:\n  a: &x https://example.com/\n  b: *x\n", 'links.yaml:3:6: error: YAML alias *x is not allowed (yaml-alias)'),
    ("yaml-tag", "links:\n  a: !custom https://example.com/\n", 'links.yaml:2:6: error: YAML tag !custom is not supported (yaml-tag)'),
    ("yaml-complex-key", "links:\n  ? [a, b]\n  : https://example.com/\n", 'links.yaml:2:5: error: a key must be a plain value, not a list or mapping (yaml-complex-key)'),
    ("yaml-depth", "links:\n  a:\n    url: https://example.com/\n    tags: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", 'links.yaml:4:40: error: nesting deeper than 32 levels (yaml-depth)'),
    ("yaml-merge-key", "links:\n  a:\n    <<: {url: https://example.com/}\n", "links.yaml:3:5: error: YAML merge keys ('<<') are not supported (yaml-merge-key)"),
    ("yaml-number-too-long", "links:\n  a:\n    url: https://example.com/\n    status: " + "1" * 400 + "\n", "links.yaml:4:13: error: YAML reads '1111111111111111111111111111111111111111'... (400 characters) as a number; a number here has at most 100 characters (yaml-number-too-long)"),
    ("yaml-value", "links:\n  a:\n    url: https://example.com/\n    status: 0x_\n", "links.yaml:4:13: error: invalid int '0x_': invalid literal for int() with base 16: '' (yaml-value)"),
    ("empty-file", "# nothing yet\n", 'links.yaml:1:1: error: the file is empty (empty-file)'),
    ("top-not-mapping", "- a\n- b\n", "links.yaml:1:1: error: the file must be a mapping with 'site:' and 'links:', got a list (top-not-mapping)"),
    ("unknown-key", "links:\n  a:\n    url: https://example.com/\n    expire: 2026-12-31\n", "links.yaml:4:5: error: unknown key 'expire' in link 'a' (unknown-key)"),
    ("not-a-mapping", "site: go.example.com\n" + L, "links.yaml:1:7: error: 'site' must be a mapping of 'key: value' lines, got str (not-a-mapping)"),
    ("text-type", "links:\n  a:\n    url: https://example.com/\n    title: 42\n", 'links.yaml:4:12: error: expected text, got a number (42) (text-type)'),
    ("text-too-long", "links:\n  a:\n    url: https://example.com/\n    title: " + "x" * 301 + "\n", 'links.yaml:4:12: error: text is 301 characters long; the limit is 300 (text-too-long)'),
    ("text-control", 'links:\n  a:\n    url: https://example.com/\n    title: "a\\x07b"\n', 'links.yaml:4:12: error: text contains a control character or a line break (text-control)'),
    ("boolean-value", "links:\n  a:\n    url: https://example.com/\n    forward_query: maybe\n", "links.yaml:4:20: error: forward_query must be true or false, not 'maybe' (boolean-value)"),
    ("yaml11-boolean", "links:\n  a:\n    url: https://example.com/\n    forward_query: no\n", "links.yaml:4:20: error: forward_query must be true or false, not 'no' (yaml11-boolean)"),
    ("time-zone", "site:\n  timezone: Mars/Olympus\n" + L, "links.yaml:2:13: error: unknown time zone 'Mars/Olympus' (time-zone)"),
    ("date-value", "links:\n  a:\n    url: https://example.com/\n    expires: soon\n", "links.yaml:4:14: error: expires: 'soon' is not a valid date (not an ISO 8601 date) (date-value)"),
    ("date-range", "links:\n  a:\n    url: https://example.com/\n    expires: 9999-12-31\n", "links.yaml:4:14: error: expires: '9999-12-31' is out of range: the year must be from 1000 to 9998 (date-range)"),
    ("status-value", "site:\n  status: 200\n" + L, 'links.yaml:2:11: error: status must be 301, 302, 307 or 308, not 200 (status-value)'),
    ("domain-name", "site:\n  domain: https://go.example.com/\n" + L, "links.yaml:2:11: error: domain 'https://go.example.com/' must be a bare host name (domain-name)"),
    ("domain-and-domains", "site:\n  domain: go.example.com\n  domains: [go.example.com]\n" + L, "links.yaml:2:3: error: site has both 'domain' and 'domains' (domain-and-domains)"),
    ("site-domains", "site:\n  domains: {a: b}\n" + L, 'links.yaml:2:12: error: domains must be a list of host names, the default first (site-domains)'),
    ("duplicate-domain", "site:\n  domains: [go.example.com, go.example.com]\n" + L, 'links.yaml:2:29: error: domain go.example.com is listed twice (also item 1) (duplicate-domain)'),
    ("domain-reserved", "site:\n  domains: [go.example.com, domains.json]\n" + L, "links.yaml:2:29: error: 'domains.json' is the name of the build's list of domains (domain-reserved)"),
    ("home-no-url", "site:\n  home: {repoint_from: https://example.com/}\n" + L, "links.yaml:2:3: error: home has no 'url' (home-no-url)"),
    ("domain-list", "site:\n  allow_domains: example.com\n" + L, 'links.yaml:2:18: error: allow_domains must be a list of domains like [example.com] (domain-list)'),
    ("unknown-language", "site:\n  language: fr\n" + L, "links.yaml:2:13: error: unknown language 'fr' (unknown-language)"),
    ("hosts-list", "site:\n  hosts: {}\n" + L, 'links.yaml:2:10: error: hosts must be a list of host names (hosts-list)'),
    ("unknown-host", "site:\n  hosts: [netlfy]\n" + L, "links.yaml:2:11: error: unknown host 'netlfy' (unknown-host)"),
    ("plan-none", "site:\n  plans: {nginx: free}\n" + L, 'links.yaml:2:11: error: there is no plan to choose for nginx (plan-none)'),
    ("unknown-plan", "site:\n  plans: {cloudflare: gold}\n" + L, "links.yaml:2:23: error: unknown plan 'gold' for Cloudflare Pages (unknown-plan)"),
    ("links-json-exposed", "site:\n  hosts: [netlify, github-pages]\n  links_json: false\n" + L, 'links.yaml:3:15: error: the site does not list its links (links_json: false), but hosts netlify, github-pages would serve rule files that list them: _headers (github-pages); _redirects (github-pages) (links-json-exposed)'),
    ("qr-value", "site:\n  qr: svg\n" + L, "links.yaml:2:7: error: qr must be true, false, files or a mapping, not 'svg' (qr-value)"),
    ("qr-colour", "site:\n  qr:\n    dark: #1a237e\n" + L, "links.yaml:3:10: error: qr dark is empty (qr-colour)"),
    ("qr-contrast", "site:\n  qr: {dark: '#777', light: '#999'}\n" + L, "links.yaml:2:14: error: qr dark #777777 on light #999999 has a contrast ratio of 1.6:1, below the 4.5:1 phones need to scan it in poor light (qr-contrast)"),
    ("qr-inverted", "site:\n  qr: {dark: '#fff', light: '#000'}\n" + L, "links.yaml:2:14: error: qr dark #ffffff is not darker than light #000000: many readers cannot read an inverted code (qr-inverted)"),
    ("qr-logo-size", "site:\n  qr: {logo_size: 0.5}\n" + L, "links.yaml:2:19: error: logo_size must be a share of the code's side from 0.1 to 0.3, not 0.5 (qr-logo-size)"),
    ("qr-quiet-zone", "site:\n  qr: {quiet_zone: 1}\n" + L, "links.yaml:2:20: error: quiet_zone must be a whole number of modules from 2 to 20, not 1 (qr-quiet-zone)"),
    ("preview-value", "site:\n  preview: false\n" + L, 'links.yaml:2:12: error: preview must be true or files, not false (preview-value)'),
    ("analytics-provider", "site:\n  analytics: {provider: counter, site: x}\n" + L, "links.yaml:2:25: error: unknown analytics provider 'counter' (analytics-provider)"),
    ("analytics-site", "site:\n  analytics: {provider: plausible}\n" + L, "links.yaml:2:14: error: analytics needs 'site': the site's domain as added to Plausible (go.example.com) (analytics-site)"),
    ("analytics-url", "site:\n  analytics: {provider: plausible, site: go.example.com, url: 'https://stats.example.com/?a=1'}\n" + L, "links.yaml:2:63: error: the counter's url must be its address alone: no user, query or fragment (analytics-url)"),
    ("analytics-http", "site:\n  analytics: {provider: plausible, site: go.example.com, url: 'http://stats.example.com'}\n" + L, 'links.yaml:2:63: warning: the counter is on plain http: browsers block its beacon from an https page (analytics-http)'),
    ("not-found-short-domain", "site:\n  domain: go.example.com\n  not_found: https://go.example.com/missing\n" + L, "links.yaml:3:14: error: not_found https://go.example.com/missing is on the short domain go.example.com: an unknown slug sent there comes back to the not-found page (not-found-short-domain)"),
    ("no-links", "site:\n  domain: go.example.com\n", "links.yaml:1:1: error: the file has no 'links:' section (no-links)"),
    ("empty-links", "links:\n", "links.yaml:1:7: warning: 'links' is empty: the site will have no short links (empty-links)"),
    ("no-url", "links:\n  a:\n", "links.yaml:2:3: error: link 'a' has no URL (no-url)"),
    ("starts-after-expires", "links:\n  a:\n    url: https://example.com/\n    starts: 2026-12-31\n    expires: 2026-01-01\n", "links.yaml:4:13: error: link 'a' starts (2026-12-31T00:00:00+00:00) at or after it expires (2026-01-02T00:00:00+00:00) (starts-after-expires)"),
    ("permanent-expires", "links:\n  a:\n    url: https://example.com/\n    status: 301\n    expires: 2026-12-31\n", "links.yaml:4:13: error: link 'a' expires, so it cannot use the permanent status 301 (permanent-expires)"),
    ("expired-unused", "links:\n  a:\n    url: https://example.com/\n    expired: https://example.com/over\n", "links.yaml:4:5: warning: link 'a' has 'expired' but no 'expires', so it is never used (expired-unused)"),
    ("image-http", "links:\n  a:\n    url: https://example.com/\n    image: http://example.com/a.png\n", 'links.yaml:4:12: warning: the card image is on plain http: most chat apps will not load it (image-http)'),
    ("tags-list", "links:\n  a:\n    url: https://example.com/\n    tags: {a: b}\n", 'links.yaml:4:11: error: tags must be a list of words, got a mapping (tags-list)'),
    ("aliases-list", "links:\n  a:\n    url: https://example.com/\n    aliases: {a: b}\n", 'links.yaml:4:14: error: aliases must be a list of slugs, got a mapping (aliases-list)'),
    ("link-domains", D + "links:\n  a:\n    url: https://example.com/\n    domains: [c.example.com]\n", "links.yaml:6:15: error: 'c.example.com' is not one of site.domains (link-domains)"),
    ("slug-domain", "links:\n  a@go.example.com: https://example.com/\n", "links.yaml:2:3: error: 'a@go.example.com': '@'go.example.com'' names a domain, and site.domains lists none (slug-domain)"),
    ("unknown-platform", "links:\n  a:\n    url: https://example.com/\n    devices: {iphone: https://example.com/ios}\n", "links.yaml:4:15: error: unknown platform 'iphone' in devices (unknown-platform)"),
    ("devices-empty", "links:\n  a:\n    url: https://example.com/\n    devices: {}\n", 'links.yaml:4:14: error: devices is empty (devices-empty)'),
    ("language-tag", "links:\n  a:\n    url: https://example.com/\n    languages: {zh_TW: https://example.com/tw}\n", "links.yaml:4:17: error: 'zh_TW' in languages is no language tag (language-tag)"),
    ("duplicate-language", "links:\n  a:\n    url: https://example.com/\n    languages: {zh-TW: https://example.com/a, zh-tw: https://example.com/b}\n", "links.yaml:4:47: error: 'zh-tw' in languages names zh-TW again (duplicate-language)"),
    ("languages-empty", "links:\n  a:\n    url: https://example.com/\n    languages: {}\n", 'links.yaml:4:16: error: languages is empty (languages-empty)'),
    ("country-code", "links:\n  a:\n    url: https://example.com/\n    countries: {cn: https://example.cn/}\n", "links.yaml:4:17: error: 'cn' in countries is no country code (country-code)"),
    ("countries-empty", "links:\n  a:\n    url: https://example.com/\n    countries: {}\n", 'links.yaml:4:16: error: countries is empty (countries-empty)'),
    ("password-countries", "links:\n  a:\n    url: https://example.com/\n    password: correct-horse\n    countries: {CN: https://example.cn/}\n", "links.yaml:5:5: error: link 'a' has a password, and its country targets would let visitors there past it (password-countries)"),
    ("countries-untargeted", "site:\n  hosts: [vercel, nginx]\nlinks:\n  a:\n    url: https://example.com/\n    countries: {CN: https://example.cn/}\n", "links.yaml:6:5: warning: nginx cannot target the countries of link 'a': visitors there go where it sends everyone else (countries-untargeted)"),
    ("password-languages", "links:\n  a:\n    url: https://example.com/\n    password: correct-horse\n    languages: {zh: https://example.com/zh}\n", "links.yaml:5:5: error: link 'a' has a password, and its password page does not choose by language (password-languages)"),
    ("variants-list", "links:\n  a:\n    variants: [https://example.com/]\n", "links.yaml:3:15: error: variants must be a list of at least 2 {url, weight}, got 1 (variants-list)"),
    ("variant-weight", "links:\n  a:\n    variants: [https://example.com/, {url: https://example.org/, weight: 0}]\n", "links.yaml:3:74: error: a variant's weight must be a whole number from 1 to 1000000, got 0 (variant-weight)"),
    ("variants-conflict", "links:\n  a:\n    url: https://example.com/\n    variants: [https://example.com/, https://example.org/]\n", "links.yaml:3:5: error: link 'a' has both 'variants' and 'url' (variants-conflict)"),
    ('app-scheme', 'links:\n  a: tg://resolve?domain=x\n', 'links.yaml:2:6: error: tg: opens an app, and this site opens only tel:, mailto:, sms: (app-scheme)'),
    ('app-url', "links:\n  a: 'tel:'\n", 'links.yaml:2:6: error: the tel: URL says nothing after its scheme (app-url)'),
    ('app-conflict', 'links:\n  a:\n    url: tel:+15555550100\n    languages: {zh: https://example.com/zh}\n', "links.yaml:4:5: error: link 'a' opens an app, and its page does not choose by languages (app-conflict)"),
    ('app-schemes', 'site:\n  app_schemes: [javascript]\nlinks:\n  a: https://example.com/\n', 'links.yaml:2:17: error: javascript: can never be opened by a link: it would run code on the short domain (app-schemes)'),
    ('app-schemes-builtin', 'site:\n  app_schemes: [tel]\nlinks:\n  a: https://example.com/\n', 'links.yaml:2:17: warning: tel: is opened without being listed (app-schemes-builtin)'),
    ('fallback-missing', 'site:\n  app_schemes: [whatsapp]\nlinks:\n  a: whatsapp://send?phone=15555550100\n', "links.yaml:4:6: error: link 'a' opens whatsapp:, and has no 'fallback' for visitors without the app (and on a desktop) (fallback-missing)"),
    ('fallback-loop', 'site:\n  domain: go.example.com\nlinks:\n  a:\n    url: tel:+15555550100\n    fallback: https://go.example.com/b\n', 'links.yaml:6:15: error: fallback https://go.example.com/b is on the short domain go.example.com: a visitor without the app would be sent back to a short link (fallback-loop)'),
    ('fallback-unused', 'links:\n  a:\n    url: https://example.com/\n    fallback: https://example.org/\n', "links.yaml:4:5: error: link 'a' goes to a web page, so its 'fallback' is never used (fallback-unused)"),
    ('miniprogram-conflict', 'links:\n  a:\n    url: https://example.com/\n    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/index/index}\n    fallback: https://example.org/\n', "links.yaml:4:5: error: link 'a' has both 'url' and 'miniprogram' (miniprogram-conflict)"),
    ('miniprogram-appid', 'links:\n  a:\n    miniprogram: {appid: wx123, path: pages/index/index}\n    fallback: https://example.org/\n', "links.yaml:3:26: error: miniprogram's appid is 'wx123' (miniprogram-appid)"),
    ('miniprogram-path', 'links:\n  a:\n    miniprogram: {appid: wx4e1ba651bbe36d01, path: /pages/index/index}\n    fallback: https://example.org/\n', "links.yaml:3:52: error: miniprogram's path is '/pages/index/index' (miniprogram-path)"),
    ('miniprogram-query', "links:\n  a:\n    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/index/index, query: 'a=<b>'}\n    fallback: https://example.org/\n", "links.yaml:3:78: error: the query may hold digits, letters and !#$&'()*+,/:;=?@-._~%` only (WeChat's rule): write it as a mapping, which is encoded for you (miniprogram-query)"),
    ('miniprogram-env', 'links:\n  a:\n    miniprogram: {appid: wx4e1ba651bbe36d01, path: pages/index/index, env_version: beta}\n    fallback: https://example.org/\n', "links.yaml:3:84: error: env_version is 'beta' (miniprogram-env)"),
    ("password-not-text", "links:\n  a:\n    url: https://example.com/\n    password: 12345678\n", 'links.yaml:4:15: error: password must be text, got a number (12345678) (password-not-text)'),
    ("password-short", "links:\n  a:\n    url: https://example.com/\n    password: abc\n", 'links.yaml:4:15: warning: the password is 3 characters long: the encrypted target is published, and short passwords are guessed offline (password-short)'),
    ("password-open-in-browser", "links:\n  a:\n    url: https://example.com/\n    password: correct-horse\n    open_in_browser: true\n", "links.yaml:5:5: error: link 'a' has a password, and its open-in-browser page would show the target to anyone (password-open-in-browser)"),
    ("analytics-unused", "links:\n  a:\n    url: https://example.com/\n    analytics: false\n", "links.yaml:4:5: warning: 'analytics' has no effect: site.analytics names no counter (analytics-unused)"),
    ("slug-not-text", "links:\n  2026: https://example.com/\n", 'links.yaml:2:3: error: slug 2026 is read by YAML as a number (2026), not as text (slug-not-text)'),
    ("slug-empty", "links:\n  '': https://example.com/\n", 'links.yaml:2:3: error: a slug cannot be empty (slug-empty)'),
    ("slug-too-long", "links:\n  " + "a" * 201 + ": https://example.com/\n", 'links.yaml:2:3: error: slug is 201 characters long; the limit is 100 (slug-too-long)'),
    ("slug-character", "links:\n  'a b': https://example.com/\n", "links.yaml:2:3: error: slug 'a b' contains whitespace or a control character (SPACE) at position 2 (slug-character)"),
    ("slug-slash", "links:\n  a//b: https://example.com/\n", "links.yaml:2:3: error: slug 'a//b' contains '//' (slug-slash)"),
    ("slug-dots", "links:\n  a..b: https://example.com/\n", "links.yaml:2:3: error: slug 'a..b' contains '..' (slug-dots)"),
    ("slug-hidden", "links:\n  a/.b: https://example.com/\n", "links.yaml:2:3: error: slug 'a/.b' has a part starting with '.' (slug-hidden)"),
    ("slug-part-too-long", "links:\n  优" + "优" * 100 + ": https://example.com/\n", "links.yaml:2:3: error: slug '优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优优'... (101 characters) has a part too long for a file name (slug-part-too-long)"),
    ("slug-html", "links:\n  a.html: https://example.com/\n", "links.yaml:2:3: error: slug 'a.html' ends in .html (slug-html)"),
    ("slug-reserved", "links:\n  index: https://example.com/\n", "links.yaml:2:3: error: slug 'index' is reserved for the site's own files (slug-reserved)"),
    ("url-not-text", "links:\n  a: 42\n", 'links.yaml:2:6: error: expected a URL, got int 42 (url-not-text)'),
    ("url-empty", "links:\n  a: ''\n", 'links.yaml:2:6: error: the URL is empty (url-empty)'),
    ("url-too-long", "links:\n  a: https://example.com/" + "x" * 9000 + "\n", 'links.yaml:2:6: error: the URL is 9020 characters long; the limit is 4096 (url-too-long)'),
    ("url-character", "links:\n  a: 'https://example.com/a b'\n", 'links.yaml:2:6: error: the URL contains SPACE at character 22 (url-character)'),
    ("url-relative", "links:\n  a: /page\n", 'links.yaml:2:6: error: relative URLs are not allowed: a short link needs a full address (url-relative)'),
    ("url-scheme", "links:\n  a: example.com\n", 'links.yaml:2:6: error: the URL has no scheme (url-scheme)'),
    ("url-backslash", "links:\n  a: 'https://example.com\\\\@evil.example/'\n", 'links.yaml:2:6: error: the URL contains a backslash at character 20 (url-backslash)'),
    ("url-malformed", "links:\n  a: 'https://example.com:99999/'\n", 'links.yaml:2:6: error: the URL is malformed: Port out of range 0-65535 (url-malformed)'),
    ("url-host", "links:\n  a: 'https://exa..mple.com/'\n", "links.yaml:2:6: error: the host 'exa..mple.com' has an empty label (url-host)"),
    ("deny-domains", "site:\n  deny_domains: [example.com]\n" + L, 'links.yaml:4:6: error: targets on example.com are refused by site.deny_domains (deny-domains)'),
    ("allow-domains", "site:\n  allow_domains: [example.org]\n" + L, 'links.yaml:4:6: error: example.com is not in site.allow_domains (allow-domains)'),
    ("target-ip-address", "links:\n  a: https://192.0.2.1/\n", "links.yaml:2:6: warning: the target's host 192.0.2.1 is an IP address: no name says whose it is (target-ip-address)"),
    ("target-shortener", "links:\n  a: https://bit.ly/abc\n", 'links.yaml:2:6: warning: the target is another short link (bit.ly): where it ends can change unseen (target-shortener)'),
    ("target-punycode", "links:\n  a: https://xn--zz.example.com/\n", "links.yaml:2:6: warning: the host xn--zz.example.com has a malformed punycode label 'xn--zz' (target-punycode)"),
    ("target-lookalike", "links:\n  a: https://аррӏе.com/\n", 'links.yaml:2:6: warning: the host xn--80ak6aa92e.com is written in Cyrillic letters (аррӏе), which look like Latin ones: a look-alike of another domain? (target-lookalike)'),
    ("target-userinfo", "links:\n  a: https://example.com@evil.example/\n", "links.yaml:2:6: warning: the target has 'example.com' before '@': it goes to evil.example, not to example.com (target-userinfo)"),
    ("campaign-name", "campaigns:\n  42: {url: https://example.com/, distributors: [a01]}\n", "links.yaml:2:3: error: a campaign's name must be text, got 42 (campaign-name)"),
    ("campaign-slug", "campaigns:\n  spring: {url: https://example.com/, slug: spring, distributors: [a01]}\n", "links.yaml:2:45: error: campaign 'spring': the slug pattern must contain {code}, got 'spring' (campaign-slug)"),
    ("campaign-param", "campaigns:\n  spring: {url: 'https://example.com/?utm_source=x', distributors: [a01]}\n", "links.yaml:2:17: error: campaign 'spring': the url already has 'utm_source=', which the campaign adds (campaign-param)"),
    ("campaign-ref", "campaigns:\n  spring: {url: https://example.com/, ref: 'a b', distributors: [a01]}\n", "links.yaml:2:44: error: ref must be a query parameter name like 'ref', got 'a b' (campaign-ref)"),
    ("tracking-value", "campaigns:\n  spring: {url: https://example.com/, utm: {medium: '{who}'}, distributors: [a01]}\n", "links.yaml:2:53: error: '{who}' may only use {code}, {name} and {campaign} (tracking-value)"),
    ("utm-name", "campaigns:\n  spring: {url: https://example.com/, utm: {content: '{name}'}, distributors: [a01]}\n", "links.yaml:2:54: warning: {name} puts each distributor's name into the public target URL (the page, the rule files and links.json publish it) (utm-name)"),
    ("distributor-list", "campaigns:\n  spring: {url: https://example.com/}\n", "links.yaml:2:3: error: campaign 'spring' needs 'distributors': a list of {code, name} (distributor-list)"),
    ("distributor-code", "campaigns:\n  spring: {url: https://example.com/, distributors: [{code: 'a 1'}]}\n", "links.yaml:2:61: error: a distributor's code must be letters, digits, '-' or '_', got 'a 1' (distributor-code)"),
    ("duplicate-code", "campaigns:\n  spring: {url: https://example.com/, distributors: [a01, A01]}\n", "links.yaml:2:59: error: code 'A01' is already given to distributor 1 of campaign 'spring' (duplicate-code)"),
    ("utm-form", "links:\n  a:\n    url: https://example.com/\n    utm: [x]\n", "links.yaml:4:10: error: utm must be a template's name or a mapping of utm fields, got a list (utm-form)"),
    ("utm-key", "links:\n  a:\n    url: https://example.com/\n    utm: {sorce: x}\n", "links.yaml:4:11: error: unknown utm field 'sorce' (utm-key)"),
    ("utm-value", "links:\n  a:\n    url: https://example.com/\n    utm: {source: ''}\n", "links.yaml:4:19: error: a utm value is empty (utm-value)"),
    ("utm-template", "links:\n  a:\n    url: https://example.com/\n    utm: newsletter\n", "links.yaml:4:10: error: no utm template 'newsletter' in site.utm (utm-template)"),
    ("utm-clash", "links:\n  a:\n    url: https://example.com/?utm_source=x\n    utm: {source: y}\n", "links.yaml:4:10: error: the URL already has utm_source='x', and utm sets source to 'y' (utm-clash)"),
    ("duplicate-slug", "links:\n  a: https://example.com/\n  b:\n    url: https://example.org/\n    aliases: [a]\n", "links.yaml:5:15: error: slug 'a' is already used on line 2 (duplicate-slug)"),
    ("slug-collision", "links:\n  a: https://example.com/\n  A: https://example.org/\n", "links.yaml:3:3: error: slug 'A' collides with 'a' (line 2) (slug-collision)"),
    ("own-slug-missing", S + "links:\n  a: https://go.example.com/b\n", "links.yaml:4:6: warning: link 'a' points to go.example.com/b, which is not a slug in this file (own-slug-missing)"),
    ("redirect-chain", S + "links:\n  a: https://go.example.com/b\n  b: https://example.com/\n", "links.yaml:4:6: warning: link 'a' points to another short link ('b'), which costs visitors an extra hop (redirect-chain)"),
    ("redirect-loop", S + "links:\n  a: https://go.example.com/b\n  b: https://go.example.com/a\n", 'links.yaml:4:6: error: redirect loop: a -> b -> a (redirect-loop)'),
]
# A second way to break a rule that has its row above: (rule, links.yaml, the first line
# ``check`` prints for it, the hint it gives).
AGAIN = [
    ("variants-conflict", "links:\n  a:\n    variants: [https://example.com/, https://example.org/]\n    languages: {zh: https://example.com/zh}\n", "links.yaml:4:5: error: link 'a' has both 'variants' and 'languages' (variants-conflict)", "keep one of them: a link with variants has no 'languages'"),
]

CLI_ROWS = [
    ("add-slug-taken", {"links.yaml": CSVY}, ["add", "https://x.example", "--slug", "a"], "error: --slug: 'a' is taken by a link of links.yaml (line 2) (add-slug-taken)"),
    ("add-slug-published", {"links.yaml": Y, "links.lock": "gone https://example.org/\n"}, ["add", "https://x.example", "--slug", "gone"], "error: --slug: 'gone' was published before (links.lock) and may still be in people's hands (add-slug-published)"),
    ("file-missing", {}, ["check", "nothing.yaml"], 'nothing.yaml:1:1: error: nothing.yaml does not exist (file-missing)'),
    ("file-not-regular", {}, ["check", "/dev/null"], '/dev/null:1:1: error: /dev/null is not a regular file (file-not-regular)'),
    ("file-encoding", {"links.yaml": b"\xff\xfelinks:\n"}, ["check"], 'links.yaml:1:1: error: the file is UTF-16 (file-encoding)'),
    ("lock-line", {"links.yaml": Y, "links.lock": "a\n"}, ["check"], "links.lock:1:1: error: a lock line is 'name target', one space between (lock-line)"),
    ("lock-unreadable", {"links.yaml": Y, "links.lock/x": ""}, ["check"], 'links.lock:1:1: error: it is not a regular file (a device, a pipe, a folder, or a link to one) (lock-unreadable)'),
    ("lock-moved", {"links.yaml": Y, "links.lock": "a https://example.org/\n"}, ["check"], "links.yaml:4:6: error: 'a' was published pointing to https://example.org/ (links.lock:1); people and printed QR codes still use it (lock-moved)"),
    ("lock-not-updated", {"links.yaml": MOVED, "links.lock": LOCK}, ["check"], "links.yaml:5:5: error: 'a' moves from https://example.com/ to https://example.net/ (repoint_from), and links.lock does not record it yet (lock-not-updated)"),
    ("repointed", {"links.yaml": MOVED, "links.lock": LOCK + "a https://example.net/\n"}, ["check"], "links.yaml:5:5: warning: 'a' was moved from https://example.com/ to https://example.net/ (repoint_from) (repointed)"),
    ("repoint-from-stale", {"links.yaml": STALE, "links.lock": LOCK}, ["check"], "links.yaml:5:5: warning: 'repoint_from' of 'a' names https://example.org/, which it no longer moves from (repoint-from-stale)"),
    ("lock-domain-missing", {"links.yaml": CSVY, "links.lock": "a@go.example.com https://example.com/\n"}, ["check"], 'links.yaml:1:1: error: links.lock names the domains of its slugs (go.example.com, line 1), and links.yaml names none: its slugs cannot be held to their lines (lock-domain-missing)'),
    ("lock-domain-lookalike", {"links.yaml": "site:\n  domains: [gо.example.com, b.example.com]\n" + "links:\n  a: https://example.com/\n", "links.lock": "a@go.example.com https://example.com/\na@b.example.com https://example.com/\n"}, ["check"], 'links.yaml:2:13: error: the domain xn--g-1tb.example.com (gо.example.com) looks like go.example.com, which links.lock names (line 1), but is another domain: its slugs would all look new (lock-domain-lookalike)'),
    ("lock-base-unreadable", {"links.yaml": Y, "links.lock": LOCK, "base.lock": "a\n"}, ["check", "--base", "base.lock"], "base.lock:1:1: error: the base's lock is unreadable: a lock line is 'name target', one space between (lock-base-unreadable)"),
    ("lock-deleted", {"links.yaml": Y, "base.lock": LOCK}, ["check", "--base", "base.lock"], 'links.lock:1:1: error: links.lock was deleted, and base.lock has one: it keeps every published link where it was published (lock-deleted)'),
    ("lock-line-changed", {"links.yaml": Y, "links.lock": LOCK, "base.lock": LOCK + "b https://example.org/\n"}, ["check", "--base", "base.lock"], "links.lock:2:1: error: links.lock lost or changed the line 'b https://example.org/' of base.lock (its line 2): published slugs are never forgotten (lock-line-changed)"),
    ("lock-edited", {"links.yaml": Y.replace("https://example.com/", "https://example.net/"), "links.lock": LOCK + "a https://example.net/\n", "base.lock": LOCK}, ["check", "--base", "base.lock"], "links.yaml:4:6: error: 'a' is repointed in links.lock from https://example.com/ to https://example.net/ without 'repoint_from' (lock-edited)"),
    ("qr-logo-file", {"links.yaml": "site:\n  qr: {logo: brand/logo.png}\n" + L}, ["check"], "links.yaml:2:14: error: logo 'brand/logo.png' is not a file that can be read (qr-logo-file)"),
    ("qr-logo-type", {"links.yaml": "site:\n  qr: {logo: logo.jpg}\n" + L, "logo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF"}, ["check"], "links.yaml:2:14: error: logo 'logo.jpg': not a PNG file (qr-logo-type)"),
    ("import-empty", {"links.yaml": CSVY, "in.csv": "\n"}, ["import", "in.csv"], 'in.csv:1:1: error: the file is empty (import-empty)'),
    ("import-header", {"links.yaml": CSVY, "in.csv": "name,where\nb,https://example.org/\n"}, ["import", "in.csv"], "in.csv:1:1: error: the header row names no known format: got 'name', 'where' (import-header)"),
    ("csv-cells", {"links.yaml": CSVY, "in.csv": "slug,url\nb,https://example.org/,x\n"}, ["import", "in.csv"], 'in.csv:2:3: error: row 2 has 3 cells, and the header names 2 columns (csv-cells)'),
    ("csv-syntax", {"links.yaml": CSVY, "in.csv": 'slug,url\nb,"https://example.org/\n'}, ["import", "in.csv"], 'in.csv:2:1: error: row 2 cannot be read as CSV: a quoted cell is never closed (its closing \'"\' is missing) (csv-syntax)'),
    ("csv-unnamed-column", {"links.yaml": CSVY, "in.csv": "slug,url,\nb,https://example.org/,x\n"}, ["import", "in.csv"], 'in.csv:2:3: error: row 2, column C: a value in a column without a name (csv-unnamed-column)'),
    ("csv-duplicate-column", {"links.yaml": CSVY, "in.csv": "slug,url,url\nb,https://example.org/,https://example.org/\n"}, ["import", "in.csv"], "in.csv:1:3: error: columns B and C are both 'url' (csv-duplicate-column)"),
    ("csv-unknown-column", {"links.yaml": CSVY, "in.csv": "slug,url,colour\nb,https://example.org/,red\n"}, ["import", "in.csv"], "in.csv:1:3: error: column C 'colour' is not one import reads (csv-unknown-column)"),
    ("import-no-slug", {"links.yaml": CSVY, "in.csv": "slug,url\n,https://example.org/\n"}, ["import", "in.csv"], 'in.csv:2:1: error: row 2, column A (slug): no slug (import-no-slug)'),
    ("import-no-url", {"links.yaml": CSVY, "in.csv": "slug,url\nb,\n"}, ["import", "in.csv"], 'in.csv:2:2: error: row 2, column B (url): no URL (import-no-url)'),
    ("import-campaign", {"links.yaml": CSVY, "in.csv": "slug,url,campaign,distributor_code\nb,https://example.org/,spring,a01\n"}, ["import", "in.csv"], "in.csv:2:3: error: row 2, column C (campaign): a link of campaign 'spring', which links.yaml does not have: copy the campaign to its 'campaigns:' (campaign links are made from it, not imported) (import-campaign)"),
    ("import-distributor", {"links.yaml": CSVY, "in.csv": "slug,url,distributor_code\nb,https://example.org/,a01\n"}, ["import", "in.csv"], "in.csv:2:3: error: row 2, column C (distributor_code): a distributor is one of a campaign's, and the row names no campaign (import-distributor)"),
    ("import-slug-taken", {"links.yaml": CSVY, "in.csv": "slug,url\nA,https://example.org/\n"}, ["import", "in.csv"], "in.csv:2:1: error: row 2, column A (slug): 'A' is taken by link 'a' of links.yaml (line 2): nothing there is overwritten (import-slug-taken)"),
    ("import-duplicate-row", {"links.yaml": CSVY, "in.csv": "slug,url\nb,https://example.org/\nB,https://example.net/\n"}, ["import", "in.csv"], "in.csv:3:1: error: row 3, column A (slug): 'B' is in row 2 already (import-duplicate-row)"),
    ("import-slug-locked", {"links.yaml": Y, "links.lock": LOCK + "gone https://example.org/\n", "in.csv": "slug,url\na.,https://example.net/\n"}, ["import", "in.csv"], "in.csv:2:1: error: row 2, column A (slug): 'a.' is one name with a slug of links.yaml to links.lock and the 404 page (letter case, width and trailing punctuation aside) (import-slug-locked)"),
    ("import-slug-published", {"links.yaml": Y, "links.lock": LOCK + "gone https://example.org/\n", "in.csv": "slug,url\ngone,https://example.net/\n"}, ["import", "in.csv"], "in.csv:2:1: error: row 2, column A (slug): 'gone' was published before (links.lock) and may still be in people's hands (import-slug-published)"),
]
# fmt: on

# Rules a row cannot reach cheaply: the test that makes each happen.
ELSEWHERE = {
    "host-limit": "tests/test_limits.py::test_the_hosts_doc_example_is_what_check_prints",
    "host-limit-near": "tests/test_limits.py::test_github_pages_bytes_at_the_boundaries_of_a_real_build",
    "hosts-unchosen": "tests/test_limits.py::test_with_no_hosts_named_past_a_cap_is_a_warning_that_says_which_hosts_and_how_to_name",
    "lock-forgotten": "tests/test_lock_derived.py::test_removing_a_published_name_only_links_yaml_records_says_the_line_to_add",
    "file-too-large": "tests/test_rules.py::test_a_file_too_large_and_one_that_cannot_be_read",
    "file-unreadable": "tests/test_rules.py::test_a_file_too_large_and_one_that_cannot_be_read",
}
# Guards: an import row or a new link that passed every check of its own and still fails (a
# refused link with no message, a domain or an insertion the links file cannot take, an
# argument the command line let through that is not UTF-8) is said, never dropped; no input
# is known to reach them.
GUARDS = {"import-refused", "import-domains", "import-insert", "add-domain", "add-not-utf8"}


@pytest.mark.parametrize(("rule", "text", "line"), ROWS, ids=[r[0] for r in ROWS])
def test_a_links_file_breaking_the_rule_is_told_so_by_its_id(
    rule: str, text: str, line: str
) -> None:
    problems = check_text(text, "links.yaml").problems
    assert line in [format_text(p).split("\n")[0] for p in problems], problems


@pytest.mark.parametrize(("rule", "text", "line", "hint"), AGAIN, ids=[r[0] for r in AGAIN])
def test_a_links_file_breaking_the_rule_another_way_is_told_so_and_how(
    rule: str, text: str, line: str, hint: str
) -> None:
    problems = check_text(text, "links.yaml").problems
    told = [p for p in problems if format_text(p).split("\n")[0] == line]
    assert [(p.rule, p.hint) for p in told] == [(rule, hint)], problems


@pytest.mark.parametrize(("rule", "files", "args", "line"), CLI_ROWS, ids=[r[0] for r in CLI_ROWS])
def test_a_command_breaking_the_rule_is_told_so_by_its_id(
    rule: str,
    files: dict[str, str | bytes],
    args: list[str],
    line: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for name, content in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            Path(name).write_bytes(content)
        else:
            Path(name).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert line in result.output.splitlines(), result.output


def test_a_file_too_large_and_one_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(L, encoding="utf-8")
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 8)
    _, (big,) = load.read_text(path)
    assert (big.rule, big.message) == ("file-too-large", f"{path} is larger than 0 MiB")
    monkeypatch.undo()

    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load, "read_bytes", refuse)
    _, (shut,) = load.read_text(path)
    assert (shut.rule, shut.message) == (
        "file-unreadable",
        f"cannot read {path}: Permission denied",
    )


def test_the_rows_cover_every_rule_once() -> None:
    named = [r[0] for r in ROWS] + [r[0] for r in CLI_ROWS] + [*ELSEWHERE, *GUARDS]
    assert sorted(named) == sorted(RULES)


def test_each_test_named_for_a_rule_exists() -> None:
    for where in ELSEWHERE.values():
        file, name = where.split("::")
        assert f"\ndef {name}(" in (ROOT / file).read_text(encoding="utf-8"), where


def test_rule_ids_are_kebab_case_and_each_has_its_meaning() -> None:
    for rule, meaning in RULES.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule), rule
        assert meaning and meaning == meaning.strip() and not meaning.endswith("."), rule
    assert len(set(RULES.values())) == len(RULES)  # one meaning, one id


def test_the_rules_page_lists_exactly_the_rules_with_their_meanings() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \|", page, flags=re.M)
    assert [rule for rule, _ in listed] == list(RULES)
    assert dict(listed) == RULES


def test_a_problem_cannot_be_made_without_its_rule() -> None:
    (rule,) = [f for f in dataclasses.fields(Problem) if f.name == "rule"]
    assert rule.default is dataclasses.MISSING and rule.default_factory is dataclasses.MISSING
    with pytest.raises(TypeError):
        Problem(1, 1, ERROR, "a message")  # type: ignore[call-arg]


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def test_every_problem_the_code_makes_names_a_registered_rule() -> None:
    """Read from the source, so that a branch no test reaches is held to it too: each
    Problem, PendingProblem, UrlError and TimeError is made with ``rule=``, and every rule
    id written as a literal in the code is one of RULES."""
    literals: set[str] = set()
    for path in sorted((ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            if _name(call) in (
                "Problem",
                "PendingProblem",
                "OptionProblem",
                "UrlError",
                "TimeError",
            ):
                assert "rule" in [k.arg for k in call.keywords], f"{path.name}:{call.lineno}"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "rule"
                and isinstance(node.value, ast.Constant)
            ):
                literals.add(node.value.value)
            if isinstance(node, ast.Call) and _name(node) in (
                "error",
                "warn",
                "problem",
                "_problem",
            ):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    literals.add(first.value)
    assert literals, "no rule found in the code"
    assert literals <= set(RULES), literals - set(RULES)


def test_the_formats_carry_the_rule() -> None:
    (p,) = check_text("links:\n  a: example.com\n", "links.yaml").problems
    assert format_text(p) == (
        "links.yaml:2:6: error: the URL has no scheme (url-scheme)\n"
        "    hint: did you mean https://example.com ?"
    )
    assert format_github(p) == (
        "::error file=links.yaml,line=2,col=6,title=url-scheme"
        "::the URL has no scheme%0Adid you mean https://example.com ?"
    )
    assert json.loads(format_json([p])) == [
        {
            "line": 2,
            "column": 6,
            "severity": "error",
            "message": "the URL has no scheme",
            "hint": "did you mean https://example.com ?",
            "file": "links.yaml",
            "rule": "url-scheme",
        }
    ]


def test_every_key_of_a_site_and_a_link_has_its_checker() -> None:
    from generator.validate import LINK_KEYS, SITE_KEYS
    from generator.validate.links import KEY_CHECKS
    from generator.validate.site import SITE_CHECKS

    assert list(KEY_CHECKS) == list(LINK_KEYS)
    assert {*SITE_CHECKS, "domain", "domains"} == set(SITE_KEYS)
