"""Host modules: what each declares, and limits handled rather than hit.

The engines themselves are exercised in tests/e2e/test_conformance.py; here the
rule files are checked for sizes and counts past each host's documented limits.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from generator.hosts import HOSTS
from generator.load import load_text
from generator.pages import environment
from generator.plan import Plan, make_plan
from generator.validate import validate
from tests.conftest import NOW
from tests.sites import Site, render_site


def plan_of(text: str) -> Plan:
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return make_plan(linkset, NOW)


def many(n: int, *, extra: str = "", expiring_every: int = 0, width: int = 0) -> str:
    """links.yaml text with ``n`` links; every ``expiring_every``-th one expires."""
    lines = ["links:"]
    for i in range(n):
        url = f"https://t.example/{i}" + ("x" * width)
        if expiring_every and i % expiring_every == 0:
            lines.append(f"  l{i:05d}:\n    url: {url}\n    expires: 2099-01-01{extra}")
        else:
            lines.append(f"  l{i:05d}:\n    url: {url}{extra}")
    return "\n".join(lines) + "\n"


def build(text: str, hosts: tuple[str, ...] | None = None) -> Site:
    return render_site(plan_of(text), environment(), hosts)


def rule_lines(site: Site) -> list[str]:
    """The links' lines of _redirects (not comments, nor the one line of the previews)."""
    from generator.hosts.redirects_file import CLOUDFLARE_PREVIEW

    return [
        x
        for x in site.files["_redirects"].decode().splitlines()
        if x and not x.startswith("#") and x not in CLOUDFLARE_PREVIEW
    ]


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_every_host_declares_what_it_writes_and_where_its_limits_come_from(name: str) -> None:
    host = HOSTS[name]
    assert host.name == name and host.title
    assert "http" in host.limits.source  # where the limits (or their absence) are documented
    b = host.behaviour
    assert all((b.query, b.case, b.trailing_slash, b.unicode, b.files, b.verified_by))
    assert {file for file, _ in b.file_notes} <= set(host.files)
    site = build("links:\n  gh: https://github.com/acme\n", (name,))
    out = site.hosts[name]
    for written in out.files:
        assert written in host.files, f"{name} writes {written} without declaring it"
    # a host that has no status codes (GitHub Pages) never answers with a rule
    for rule in host.ruled(plan_of("links:\n  gh: https://github.com/acme\n"), frozenset(HOSTS)):
        assert rule.status in host.statuses


@pytest.mark.slow
def test_cloudflare_keeps_2000_lines_links_without_expiry_first() -> None:
    site = build(many(2100, expiring_every=3), ("cloudflare",))
    lines = rule_lines(site)
    assert len(lines) == 2000
    kept = {x.split()[0] for x in lines}
    # 700 links expire (every third); all 1,400 that never expire are kept first
    never = {f"/l{i:05d}" for i in range(2100) if i % 3}
    assert never <= kept
    assert len(kept) == 2000
    assert any("100 of 2100 rules do not fit" in n for n in site.notes), site.notes
    # the links left out still have their pages
    assert all(f"l{i:05d}.html" in site.files for i in range(2100))


@pytest.mark.slow
def test_netlify_and_cloudflare_share_the_2000_lines() -> None:
    # links that drop the visitor's query, to a target with its own: both hosts rule them
    text = "links:\n" + "".join(
        f"  l{i:05d}:\n    url: https://t.example/{i}?x=1\n    forward_query: false\n"
        for i in range(1500)
    )
    site = build(text, ("netlify", "cloudflare"))
    lines = rule_lines(site)
    assert len(lines) == 2000  # 1,000 links, a forced and a plain line each
    assert lines[:2] == [
        "/l00000  https://t.example/0?x=1  302!",
        "/l00000  https://t.example/0?x=1  302",
    ]
    assert any("500 of 1500 rules do not fit" in n for n in site.notes), site.notes


def test_netlify_gets_no_rule_for_a_link_that_passes_the_query_on() -> None:
    """Netlify re-encodes a forwarded query ('%20' becomes '+'): the visitor would land on
    other bytes than on every other host, so the page answers there; Cloudflare appends
    the visitor's bytes as they came and keeps the rule."""
    text = (
        "links:\n"
        "  plain: https://t.example/p\n"
        "  fixed:\n    url: https://t.example/f?lang=en\n    forward_query: false\n"
        "  amp:\n    url: https://t.example/a?&\n    forward_query: false\n"
    )
    site = build(text, ("netlify", "cloudflare"))
    assert rule_lines(site) == [
        "/plain  https://t.example/p  302",
        "/fixed  https://t.example/f?lang=en  302!",
        "/fixed  https://t.example/f?lang=en  302",
        "/amp  https://t.example/a?&  302",  # Netlify would read '?&' as no query
    ]
    plan = plan_of(text)
    netlify = HOSTS["netlify"].ruled(plan, frozenset({"netlify", "cloudflare"}))
    assert [r.path for r in netlify] == ["/fixed"]
    assert any("Netlify: 2 path(s) are answered by their page" in n for n in site.notes)


def test_a_line_over_1000_characters_is_left_to_its_page() -> None:
    site = build(many(2, width=990), ("cloudflare",))
    assert rule_lines(site) == []
    assert all(f"l{i:05d}.html" in site.files for i in range(2))


def test_gitlab_alone_gets_rules_and_their_pages_are_left_out() -> None:
    text = (
        "links:\n"
        "  fixed:\n    url: https://t.example/f\n    forward_query: false\n"
        "  perm:\n    url: https://t.example/p\n    status: 301\n    forward_query: false\n"
        "  t307:\n    url: https://t.example/t\n    status: 307\n    forward_query: false\n"
        "  plain: https://t.example/plain\n"
    )
    site = build(text, ("gitlab",))
    assert rule_lines(site) == [
        "/fixed  https://t.example/f  302",
        "/perm  https://t.example/p  301",
    ]
    # files override redirects on GitLab: a page at /fixed would hide the rule
    assert "fixed.html" not in site.files and "perm.html" not in site.files
    assert "t307.html" in site.files and "plain.html" in site.files
    links = json.loads(site.files["links.json"])
    assert {x["slug"] for x in links["links"]} == {"fixed", "perm", "t307", "plain"}


def test_gitlab_beside_other_hosts_keeps_every_page() -> None:
    text = "links:\n  fixed:\n    url: https://t.example/f\n    forward_query: false\n"
    site = build(text, ("gitlab", "netlify"))
    assert "fixed.html" in site.files
    assert HOSTS["gitlab"].ruled(plan_of(text), frozenset({"gitlab", "netlify"})) == []
    assert any("GitLab Pages: every link is answered by its page" in n for n in site.notes)


def test_gitlab_never_gets_more_than_1000_rules_and_the_rest_keep_their_pages() -> None:
    site = build(many(1200, extra="\n    forward_query: false"), ("gitlab",))
    lines = rule_lines(site)
    assert len(lines) == 1000
    assert len(site.files["_redirects"]) <= 64 * 1024
    ruled = {x.split()[0].lstrip("/") for x in lines}
    for i in range(1200):
        slug = f"l{i:05d}"
        assert (slug in ruled) != (f"{slug}.html" in site.files), slug
    assert any("200 of 1200 rules do not fit" in n for n in site.notes), site.notes


def test_gitlab_file_stays_under_64_kib() -> None:
    site = build(many(900, extra="\n    forward_query: false", width=60), ("gitlab",))
    body = site.files["_redirects"]
    assert len(body) <= 64 * 1024
    lines = rule_lines(site)
    assert 0 < len(lines) < 900
    assert len(body) + len(lines[-1]) + 1 > 64 * 1024 - 200  # filled close to the cap


def test_azure_config_stays_under_20_kb() -> None:
    site = build(many(400, extra="\n    forward_query: false"), ("azure",))
    body = site.files["staticwebapp.config.json"]
    assert len(body) <= 20 * 1024
    config = json.loads(body)
    assert 0 < len(config["routes"]) < 400
    assert any("Azure Static Web Apps:" in n and "do not fit" in n for n in site.notes)


def test_vercel_keeps_1024_redirects_in_vercel_json_and_the_rest_in_bulk() -> None:
    site = build(many(1100, expiring_every=4), ("vercel",))
    config = json.loads(site.files["vercel.json"])
    assert len(config["redirects"]) == 1024
    bulk = json.loads(site.files["vercel-redirects.json"])
    assert len(bulk) == 76
    in_config = {r["source"] for r in config["redirects"]}
    # the 825 links that never expire are all in vercel.json, ahead of expiring ones
    assert {f"/l{i:05d}" for i in range(1100) if i % 4} <= in_config
    assert in_config.isdisjoint(b["source"] for b in bulk)
    assert any("76 of 1100 redirects do not fit vercel.json" in n for n in site.notes), site.notes
    assert all(f"l{i:05d}.html" in site.files for i in range(1100))


def gitlab_rule_problem(line: str) -> str | None:
    """What gitlab-pages' validator (internal/redirects/validations.go) says of a rule line,
    in a GitLab release with domain-level redirects (17.4 and later)."""
    parts = line.split()
    if len(parts) != 3:
        return "a rule is 'from to status'"
    src, dest, status = parts
    if not src.startswith("/"):
        return "url path must start with forward slash /"
    if status.endswith("!"):
        return "force! not supported"
    if status not in ("200", "301", "302"):
        return "status not supported"
    if "*" in src or re.search(r"(?i)/:[a-z]+", src):
        return "splats and placeholders are not wanted here"
    if re.search(r"(?i)\*|:[a-z]+", dest.split("://", 1)[-1]):
        return "'*' or ':name' in the target would be filled in from the request"
    if "%" in src:
        return "gitlab-pages matches the decoded path: a percent-encoded rule never matches"
    if not urlsplit(dest).path.startswith("/"):
        return "url path must start with forward slash /"
    for path in (src, urlsplit(dest).path):
        if path.count("/") > 25:
            return "url path cannot contain more than 25 forward slashes"
    return None


def test_gitlab_lines_pass_the_gitlab_pages_validator() -> None:
    deep = "/".join(["d"] * 26)
    text = (
        "links:\n"
        "  fixed:\n    url: https://t.example/f?x=1\n    forward_query: false\n"
        "  perm:\n    url: https://t.example/p\n    status: 301\n    forward_query: false\n"
        "  优惠券:\n    url: https://t.example/u\n    forward_query: false\n"
        f"  deep:\n    url: https://t.example/{deep}\n    forward_query: false\n"
        "  colon:\n    url: https://t.example/a?t=x:abc\n    forward_query: false\n"
        "  star:\n    url: https://t.example/a*b\n    forward_query: false\n"
    )
    site = build(text, ("gitlab",))
    lines = rule_lines(site)
    # 'deep' has 27 slashes in its target; 'colon' and 'star' would be templated: pages
    assert len(lines) == 3
    assert {"deep.html", "colon.html", "star.html"} <= set(site.files)
    assert "/优惠券  https://t.example/u  302" in lines
    assert "_headers" not in site.files
    for line in lines:
        assert gitlab_rule_problem(line) is None, line


def test_an_empty_query_is_no_query() -> None:
    site = build("links:\n  x:\n    url: https://t.example/x?\n    forward_query: false\n")
    assert json.loads(site.files["links.json"])["links"][0]["url"] == "https://t.example/x"


def test_no_slug_can_take_a_host_files_name() -> None:
    from generator.hosts import host_files, private_files
    from generator.slugs import RESERVED

    assert {name.casefold() for name in host_files()} <= RESERVED  # by construction
    for name in private_files():
        assert name.lower() in RESERVED or name.startswith(("_", ".")), name


SHADOW_SITE = (
    "site:\n  domain: go.example.com\n  home: https://example.com\n  qr: files\nlinks:\n"
    "  gh: https://github.com/acme\n"
    "  team/docs: https://t.example/d\n"
    "  old:\n    url: https://t.example/o\n    expires: 2020-01-01\n"
)


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_no_slug_can_shadow_a_file_the_build_writes_at_the_top(name: str, tmp_path) -> None:
    """Every name a build for one host writes at the top of its folder, but the links' own
    pages, is refused as a slug: as the file's name, and as a page's ('x' of 'x.html',
    which serves '/x'). A new host's rule file is reserved without a list to update."""
    from generator.build import build as build_into
    from generator.slugs import slug_problems

    links = tmp_path / "links.yaml"
    links.write_text(SHADOW_SITE)
    out = tmp_path / "site"
    result = build_into(links, out, NOW, hosts=(name,))
    assert result.error is None and result.written, (result.error, result.problems)
    slugs = {"gh", "team", "old"}
    own = {s + suffix for s in slugs for suffix in ("", ".html", "+.html")}
    written = {path.name for path in out.iterdir()} - own
    assert {"index.html", "404.html", "robots.txt", "_shortlinks", "_qr"} <= written
    assert set(HOSTS[name].files) & written, f"{name} wrote none of its files"
    for file in sorted(written):
        for slug in {file, file.lower(), file.removesuffix(".html")}:
            # refused: reserved, a '.' first, or an '.html' of its own
            assert slug_problems(slug), f"the slug {slug!r} would shadow {file} ({name})"


def test_links_with_a_card_or_a_hint_are_answered_by_their_pages_on_every_host() -> None:
    text = (
        "site:\n  domain: go.example.com\nlinks:\n"
        "  plain: https://t.example/p\n"
        "  titled:\n    url: https://t.example/t\n    title: Winter sale\n"
        "  described:\n    url: https://t.example/d\n    description: All 20% off\n"
        "  pictured:\n    url: https://t.example/i\n    image: https://t.example/card.png\n"
        "  hinted:\n    url: https://t.example/h\n    open_in_browser: true\n"
    )
    plan = plan_of(text)
    for name, host in HOSTS.items():
        ruled = {r.path for r in host.ruled(plan, frozenset(HOSTS))}
        assert not ruled & {"/titled", "/described", "/pictured", "/hinted"}, name
    assert "/plain" in {r.path for r in HOSTS["nginx"].ruled(plan, frozenset(HOSTS))}


def test_the_build_says_what_variants_and_open_in_browser_cost() -> None:
    """docs/hosts.md: both take a link's edge rule away on every host; the summary says so
    once, with the number of links, and says nothing when no link has them."""
    text = (
        "site:\n  domain: go.example.com\nlinks:\n"
        "  plain: https://t.example/p\n"
        "  hinted:\n    url: https://t.example/h\n    open_in_browser: true\n"
        "  hinted2:\n    url: https://t.example/h2\n    open_in_browser: true\n"
        "  ab:\n    variants:\n"
        "      - https://t.example/a1\n      - https://t.example/a2\n"
    )
    notes = build(text).notes
    assert [n for n in notes if "link(s) with" in n] == [
        "1 link(s) with variants are answered by their page on every host, never by an edge "
        "rule (only the page can pick a variant): one HTML hop slower",
        "2 link(s) with open_in_browser are answered by their page on every host, never by "
        "an edge rule (only the page can tell an in-app browser by its user agent): one HTML "
        "hop slower",
    ]
    plain = "site:\n  domain: go.example.com\nlinks:\n  plain: https://t.example/p\n"
    assert not [n for n in build(plain).notes if "link(s) with" in n]


def htaccess_rules(site: Site) -> list[str]:
    """The .htaccess lines of the links: between the private files' rule and the footer."""
    from generator.hosts import apache

    body = site.files[".htaccess"].decode()
    assert body.endswith(apache.FOOTER)
    lines = body[: -len(apache.FOOTER)].splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("RewriteRule ^(?:"))
    preview = apache.PREVIEW.splitlines()  # the previews' rule comes first
    assert lines[start + 1 : start + 1 + len(preview)] == preview
    return lines[start + 1 + len(preview) :]


def test_apache_writes_every_location_whole_so_mod_rewrite_adds_nothing() -> None:
    """mod_rewrite appended a '?' for a visitor's bare '?', put the query after a fragment
    and dropped a final '&' when merging (QSA): each Location is now the substitution as
    written, the final '?' telling mod_rewrite to leave the query alone."""
    text = (
        "links:\n"
        "  plain: https://t.example/p\n"
        "  withq: https://t.example/q?x=1\n"
        "  frag: https://t.example/d#top\n"
        "  fixed:\n    url: https://t.example/f?lang=en\n    forward_query: false\n"
        "  perm:\n    url: https://t.example/perm\n    status: 301\n    forward_query: false\n"
        "  cost: https://t.example/100%25$1\n"
    )
    assert htaccess_rules(build(text, ("apache",))) == [
        "RewriteCond %{QUERY_STRING} .",
        "RewriteRule ^plain$ https://t.example/p?%{QUERY_STRING}? [R=302,L,NE]",
        "RewriteRule ^plain$ https://t.example/p? [R=302,L,NE]",
        "RewriteCond %{QUERY_STRING} .",
        "RewriteRule ^withq$ https://t.example/q?x=1&%{QUERY_STRING}? [R=302,L,NE]",
        "RewriteRule ^withq$ https://t.example/q?x=1? [R=302,L,NE]",
        "RewriteCond %{QUERY_STRING} .",
        "RewriteRule ^frag$ https://t.example/d?%{QUERY_STRING}#top? [R=302,L,NE]",
        "RewriteRule ^frag$ https://t.example/d#top? [R=302,L,NE]",
        "RewriteRule ^fixed$ https://t.example/f?lang=en? [R=302,L,NE]",
        "RewriteRule ^perm$ https://t.example/perm? [R=301,L,NE]",
        "RewriteCond %{QUERY_STRING} .",
        "RewriteRule ^cost$ https://t.example/100\\%25\\$1?%{QUERY_STRING}? [R=302,L,NE]",
        "RewriteRule ^cost$ https://t.example/100\\%25\\$1? [R=302,L,NE]",
    ]


def test_apache_serves_pages_by_whole_paths_and_folders_with_the_404_page() -> None:
    """'/gh/more' was rewritten to '/gh/more.html' over and over (a 500): the page rule
    needs an empty PATH_INFO and ends with END. A folder gets the 404 page, a page whose
    slug is also a folder a 302 to its file (mod_dir's 301 cannot be turned off from
    .htaccess with the documented AllowOverride); the page rule comes first."""
    from generator.hosts import apache

    footer = [x for x in apache.FOOTER.splitlines() if not x.startswith("#")]
    assert footer == [
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME} !-d",
        "RewriteCond %{PATH_INFO} ^$",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule ^(.*[^/])$ $1.html [END]",
        "RewriteCond %{REQUEST_FILENAME} -d",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule [^/]$ %{REQUEST_URI}.html [R=302,L]",
        "RewriteCond %{REQUEST_FILENAME} -d",
        "RewriteRule ^. - [R=404,L]",
    ]
    assert HOSTS["apache"].behaviour.folder_slug_status == 302


def azure_routes(site: Site) -> list[dict[str, object]]:
    return json.loads(site.files["staticwebapp.config.json"])["routes"]


def test_azure_routes_every_preview_and_every_folder() -> None:
    """The emulator served no '/slug+' (the 404 page, then a second request) and answered a
    folder with a 301 to 'folder/': a rewrite route for each preview, and one to the 404
    page with 404 for each folder the build may write, but a folder that is a slug too."""
    text = (
        "site:\n  domain: go.example.com\nlinks:\n"
        "  gh: https://t.example/gh\n"
        "  team/docs: https://t.example/docs\n"
        "  team/wiki/home: https://t.example/wiki\n"
        "  优惠券: https://t.example/c\n"
        "  later:\n    url: https://t.example/later\n    starts: 2099-01-01\n"
        "  later/notes: https://t.example/n\n"
    )
    routes = azure_routes(build(text, ("azure",)))
    previews = [r for r in routes if str(r["route"]).endswith("+")]
    assert previews == [  # no pattern takes 'any path ending in +' there: a route each
        {"route": "/gh+", "rewrite": "/_shortlinks/preview.html"},
        {"route": "/team/docs+", "rewrite": "/_shortlinks/preview.html"},
        {"route": "/team/wiki/home+", "rewrite": "/_shortlinks/preview.html"},
        {"route": "/%E4%BC%98%E6%83%A0%E5%88%B8+", "rewrite": "/_shortlinks/preview.html"},
        {"route": "/later+", "rewrite": "/_shortlinks/preview.html"},
        {"route": "/later/notes+", "rewrite": "/_shortlinks/preview.html"},
    ]
    files = azure_routes(build(text.replace("site:\n", "site:\n  preview: files\n"), ("azure",)))
    assert [r for r in files if str(r["route"]).endswith("+")] == [
        {"route": "/gh+", "rewrite": "/gh+.html"},
        {"route": "/team/docs+", "rewrite": "/team/docs+.html"},
        {"route": "/team/wiki/home+", "rewrite": "/team/wiki/home+.html"},
        {"route": "/%E4%BC%98%E6%83%A0%E5%88%B8+", "rewrite": "/%E4%BC%98%E6%83%A0%E5%88%B8+.html"},
        {"route": "/later+", "rewrite": "/later+.html"},
        {"route": "/later/notes+", "rewrite": "/later/notes+.html"},
    ]
    folders = [r["route"] for r in routes if r.get("statusCode") == 404]
    assert all(r["rewrite"] == "/404.html" for r in routes if r.get("statusCode") == 404)
    # '/later' is the link's page, not a folder
    assert folders == [
        "/team", "/team/wiki",
        "/_qr", "/_qr/team", "/_qr/team/wiki", "/_qr/later",
        "/_shortlinks",
    ]  # fmt: skip
    assert {"route": "/later", "rewrite": "/later.html"} in routes
    # links first (a route is matched in order; none of them overlap, but links matter most)
    order = ["link", "folder", "preview"]

    def kind(route: dict[str, object]) -> str:
        if str(route["route"]).endswith("+"):
            return "preview"
        return "folder" if route.get("statusCode") == 404 else "link"

    kinds = [kind(r) for r in routes]
    assert kinds == sorted(kinds, key=order.index)


def test_azure_previews_and_folders_give_way_to_links_within_20_kb() -> None:
    site = build(many(150, extra="\n    forward_query: false"), ("azure",))
    body = site.files["staticwebapp.config.json"]
    assert len(body) <= 20 * 1024
    routes = azure_routes(site)
    links = [r for r in routes if "redirect" in r]
    previews = [r for r in routes if str(r["route"]).endswith("+")]
    assert len(links) == 150  # every link's route, then as many previews as fit
    assert 0 < len(previews) < 150
    assert [r["route"] for r in previews] == [f"/l{i:05d}+" for i in range(len(previews))]
    assert not any("routes do not fit" in n for n in site.notes)
    note = f"Azure Static Web Apps: {150 - len(previews)} preview(s) and 0 folder(s)"
    assert any(n.startswith(note) for n in site.notes), site.notes


def test_firebase_has_no_redirects_and_says_so() -> None:
    """superstatic re-encodes a redirect's query ('%2B' answered '%252B') and always
    appends it: every link is answered by its page there."""
    text = "links:\n  gh: https://t.example/gh\n  x:\n    url: https://t.example/x?a=1\n"
    site = build(text + "    forward_query: false\n", ("firebase",))
    hosting = json.loads(site.files["firebase.json"])["hosting"]
    assert "redirects" not in hosting and hosting["cleanUrls"] is True
    assert HOSTS["firebase"].ruled(plan_of(text), frozenset(HOSTS)) == []
    assert any(
        n.startswith("Firebase Hosting: 2 path(s) are answered by their page") for n in site.notes
    )


# The one rule, or none, that answers every '/<slug>+' with the shared preview page: each
# seen on its engine (tests/e2e/test_conformance.py) or, for Vercel, its routing package.
PREVIEW_RULES = {
    "cloudflare": ("_redirects", "/*+  /_shortlinks/preview  200"),
    "nginx": (
        "shortlinks.nginx.conf",
        'location ~ "[^/]\\+$" {\n    try_files /_shortlinks/preview.html =404;\n}',
    ),
    "apache": (".htaccess", "RewriteRule [^/]\\+$ _shortlinks/preview.html [END]"),
    "caddy": (
        "shortlinks.caddy",
        "    @shortlinks_preview path_regexp [^/]\\+$\n"
        "    rewrite @shortlinks_preview /_shortlinks/preview.html",
    ),
    "firebase": (
        "firebase.json",
        '"source": "**/*+",\n        "destination": "/_shortlinks/preview.html"',
    ),
    "vercel": (
        "vercel.json",
        '"source": "/(.+)\\\\+",\n      "destination": "/_shortlinks/preview"',
    ),
}


@pytest.mark.parametrize("name", sorted(PREVIEW_RULES))
def test_one_rule_answers_every_preview_with_the_shared_page(name: str) -> None:
    text = "site:\n  domain: go.example.com\nlinks:\n  gh: https://t.example/gh\n"
    file, rule = PREVIEW_RULES[name]
    shared = build(text, (name,)).files
    assert rule in shared[file].decode()
    assert "_shortlinks/preview.html" in shared and not any(f.endswith("+.html") for f in shared)
    files = build(text.replace("site:\n", "site:\n  preview: files\n"), (name,)).files
    assert "_shortlinks/preview" not in files[file].decode()  # its own page answers each
    assert "gh+.html" in files and "_shortlinks/preview.html" not in files


@pytest.mark.parametrize("name", ["netlify", "gitlab", "github-pages", "s3"])
def test_hosts_without_a_pattern_for_previews_leave_them_to_the_404_page(name: str) -> None:
    """Netlify's and GitLab's splats and placeholders are whole segments ('/*+' matched
    nothing on netlify-cli); GitHub Pages and S3 have no rules: the 404 page draws it."""
    text = "site:\n  domain: go.example.com\nlinks:\n  gh: https://t.example/gh\n"
    site = build(text, (name,)).files
    assert not any(
        "_shortlinks/preview" in site[f].decode() for f in HOSTS[name].files if f in site
    )
    assert b'src="/_shortlinks/preview.js"' in site["404.html"]


def test_the_reserved_names_in_the_docs_are_those_of_the_code() -> None:
    """docs/links-yaml.md lists the site's own names; the hosts' are in docs/hosts.md."""
    from pathlib import Path

    from generator.slugs import SITE_NAMES

    text = (Path(__file__).parent.parent / "docs" / "links-yaml.md").read_text()
    section = text.split("#### Reserved slugs", 1)[1].split("; so does", 1)[0]
    section = section.split("belong to the site:", 1)[1]
    listed = set(re.findall(r"`([^`]+)`", section))
    assert listed == {name for name in SITE_NAMES if not name.startswith("_")}


def test_the_hosts_table_in_the_docs_is_made_from_the_host_modules() -> None:
    """docs/hosts.md's table is each host's declaration (python -m generator.hosts.table
    makes it anew after a host changes)."""
    from pathlib import Path

    from generator.hosts.table import table

    doc = (Path(__file__).parent.parent / "docs" / "hosts.md").read_text()
    assert table() in doc, "run: python -m generator.hosts.table"


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_what_the_docs_say_of_a_host_agrees_with_what_the_suite_asserts(name: str) -> None:
    """The words of a host's row against the numbers the conformance suite asserts on its
    engine (tests/e2e/test_conformance.py): case, trailing slash, files at a rule's path."""
    b = HOSTS[name].behaviour
    assert b.case.startswith("**insensitive**") == b.case_insensitive, b.case
    if b.trailing_slash != "not verified":
        said = {
            404: "404",
            302: "gets the rule of `/gh`",
            301: "a 301 to `/gh`",
            308: "a 308 to `/gh`",
        }[b.slash_status]
        assert said in b.trailing_slash, (b.slash_status, b.trailing_slash)
    assert ("override" in b.files) == b.files_override_rules, b.files
    if b.html_status != 200:
        assert f"{b.html_status} to `/gh`" in b.trailing_slash
    if b.folder_slug_status != 200:
        assert f"a {b.folder_slug_status} to `/team.html`" in b.files


@pytest.mark.parametrize("name", sorted(HOSTS))
def test_the_limits_the_docs_give_are_those_the_host_keeps_within(name: str) -> None:
    """A host's "Limits (source)" cell says each number its module enforces."""
    limits = HOSTS[name].limits
    for number in (limits.rules, limits.line_chars):
        if number is not None:
            assert f"{number:,}" in limits.source, (number, limits.source)
    if limits.file_bytes is not None:
        assert f"{limits.file_bytes // 1024} K" in limits.source, limits.source


def _azure_fit_one_by_one(plan: Plan, rules: list) -> tuple[list, dict[str, int]]:
    """Azure's routes fitted the plain way: every wanted route, each measured (what
    ``Azure._fit`` did before it stopped at a full file)."""
    from collections import Counter

    from generator.hosts import azure

    budget = azure.LIMITS.file_bytes - len(azure.document([]).encode())
    kept, left, used = [], Counter(), 0
    for what, _count, routes in azure.wanted(plan, rules):
        for _path, make in routes():
            route = make()
            size = azure.route_size(route.entry)
            if used + size <= budget:
                kept.append(route)
                used += size
            else:
                left[what] += 1
    return kept, dict(left)


@pytest.mark.parametrize(
    "text",
    [
        many(5),  # everything fits
        many(150, extra="\n    forward_query: false"),  # links fit, previews do not
        many(400, extra="\n    forward_query: false", expiring_every=3),  # links do not
        # nested slugs (folders), Unicode ones, and a long path that cannot fit the end
        "links:\n"
        + "".join(f"  team{i}/docs/p{i}: https://t.example/{i}\n" for i in range(120))
        + "".join(f"  特卖{i}: https://t.example/u{i}\n" for i in range(60))
        + f"  {'z' * 99}: https://t.example/long\n",
    ],
)
def test_azure_stops_at_a_full_file_with_the_routes_and_counts_of_measuring_each(
    text: str,
) -> None:
    from generator.hosts import azure
    from generator.rules import edge_rules

    plan = plan_of(text)
    rules = edge_rules(plan)
    kept, left = HOSTS["azure"]._fit(plan, rules)
    expected_kept, expected_left = _azure_fit_one_by_one(plan, rules)
    assert {r.entry["route"] for r in kept} == {r.entry["route"] for r in expected_kept}
    assert {k: v for k, v in left.items() if v} == expected_left
    assert len(azure.document([r.entry for r in kept]).encode()) <= azure.LIMITS.file_bytes


def test_s3_object_lines_are_the_encoded_objects() -> None:
    """s3-objects.json's items are written as text (s3.object_texts), not encoded dicts:
    each must be what json's encoder makes of ``s3.objects``' item, odd slugs included."""
    from generator import jsonout
    from generator.hosts import s3
    from generator.rules import edge_rules

    plan = plan_of(
        "site:\n  domain: go.example.com\nlinks:\n"
        "  plain: https://example.com/a\n"
        "  moved:\n    url: https://example.com/b?x=1\n    status: 301\n"
        "    forward_query: false\n"
        '  优惠:\n    url: https://example.com/%E4%BC%98?q="x"\n    status: 301\n'
        "    forward_query: false\n"
        "  a_b~c: https://example.com/c\n"
    )
    rules = edge_rules(plan)
    texts = list(s3.object_texts(plan, rules))
    assert texts == [jsonout._ITEM(item) for item in s3.objects(plan, rules)]
    assert any('"website_redirect_location": null' in t for t in texts)
    assert any('"website_redirect_location": "https://' in t for t in texts)
