"""Host formats, by name. A new host is one module here plus one entry below, its row in
docs/hosts.md (made from the module: ``python -m generator.hosts.table``) and one engine in
the conformance suite. What the module declares is all there is: its limits are read where
they are enforced, its files are reserved slugs (slugs.py) and kept from the other hosts."""

from __future__ import annotations

from .apache import Apache
from .azure import Azure
from .base import Behaviour, Hides, Host, HostOutput, Limits
from .caddy import Caddy
from .firebase import Firebase
from .github_pages import GitHubPages
from .nginx import Nginx
from .redirects_file import CLOUDFLARE, GITLAB, NETLIFY, netlify_targets_countries
from .s3 import S3
from .vercel import Vercel, vercel_targets_countries

HOSTS: dict[str, Host] = {
    h.name: h
    for h in (
        NETLIFY,
        CLOUDFLARE,
        GITLAB,
        GitHubPages(),
        Firebase(),
        Azure(),
        Vercel(),
        S3(),
        Nginx(),
        Apache(),
        Caddy(),
    )
}


# The hosts that can answer a link's ``countries:`` at the edge, and whether they do for
# one link's rule (a ``Targeted``): no other host knows the visitor's country (no GeoIP
# offline on nginx, Apache and Caddy; none in the rules of the platforms), and a page
# cannot know it. docs/hosts.md, "Languages and countries".
TARGETS_COUNTRIES = {
    "netlify": netlify_targets_countries,
    "vercel": vercel_targets_countries,
}


def host_files() -> frozenset[str]:
    """Every file any host declares it writes (``Host.files``): no slug may take one of
    their names (slugs.RESERVED), and a host's rule files are kept from the others."""
    return frozenset(f for host in HOSTS.values() for f in host.files)


def private_files() -> list[str]:
    """Every rule file any host writes, and the build's manifest: a web server that
    serves the folder answers these with 404 rather than show how links are routed."""
    from ..write import MANIFEST

    return sorted(host_files() | {MANIFEST})


# Hosts whose files name no slug (a domain, an empty marker): the only ones a site that
# does not list its links ('links_json: false') builds for unless told otherwise.
UNLISTED_DEFAULT = ("github-pages",)


def kept_private(host: str) -> frozenset[str]:
    """The files of the folder that ``host`` reads and never serves, as it declares them
    (``Host.hides``); every other file in it is served to whoever asks for it by name.

    Netlify and Cloudflare Pages: "This file will not itself be served as a static asset,
    but will instead be parsed by Cloudflare Pages"
    (developers.cloudflare.com/pages/configuration/redirects/); Netlify reads the same
    two files at deploy (docs.netlify.com/routing/redirects/)."""
    hides = HOSTS[host].hides
    if hides is Hides.private:
        return frozenset(private_files())
    if hides is Hides.host_files:
        return host_files()
    if hides is Hides.nothing:
        return frozenset()
    return frozenset(hides)


def private_hosts() -> list[str]:
    """The hosts that serve none of their own rule files (``kept_private``)."""
    return [name for name, host in HOSTS.items() if set(host.files) <= kept_private(name)]


def exposed(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file, host) for each slug-listing file one of ``names`` writes that one of them
    would serve to anyone: what a site with 'links_json: false' may not be built with."""
    return [
        (file, server)
        for writer in names
        if writer not in UNLISTED_DEFAULT
        for file in HOSTS[writer].files
        for server in names
        if file not in kept_private(server)
    ]


def exposed_problem(names: tuple[str, ...]) -> tuple[str, str] | None:
    """The message and hint of an error at 'links_json: false' when ``names`` expose a
    slug-listing file (``exposed``), else None."""
    pairs = exposed(names)
    if not pairs:
        return None
    said = "; ".join(
        f"{file} ({', '.join(sorted({s for f, s in pairs if f == file}))})"
        for file in sorted({f for f, _ in pairs})
    )
    return (
        "the site does not list its links (links_json: false), but hosts "
        f"{', '.join(names)} would serve rule files that list them: {said}",
        "build each host on its own (--host NAME, or site.hosts: [NAME]) with a host that "
        f"keeps its rule files private ({', '.join(private_hosts())}), "
        "or leave hosts unset for GitHub Pages alone",
    )


__all__ = [
    "HOSTS",
    "UNLISTED_DEFAULT",
    "Behaviour",
    "Host",
    "HostOutput",
    "Limits",
    "exposed",
    "exposed_problem",
    "host_files",
    "kept_private",
    "private_files",
    "private_hosts",
]
