"""Host formats, by name. A new host is one module here plus one entry below,
one row in docs/hosts.md and one engine in the conformance suite."""

from __future__ import annotations

from .apache import Apache
from .azure import Azure
from .base import Behaviour, Host, HostOutput, Limits
from .caddy import Caddy
from .firebase import Firebase
from .github_pages import GitHubPages
from .nginx import Nginx
from .redirects_file import CLOUDFLARE, GITLAB, NETLIFY
from .s3 import S3
from .vercel import Vercel

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


def private_files() -> list[str]:
    """Every rule file any host writes, and the build's manifest: a web server that
    serves the folder answers these with 404 rather than show how links are routed."""
    from ..write import MANIFEST

    return sorted({f for host in HOSTS.values() for f in host.files} | {MANIFEST})


__all__ = ["HOSTS", "Behaviour", "Host", "HostOutput", "Limits", "private_files"]
