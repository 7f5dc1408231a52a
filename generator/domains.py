"""Which of ``site.domains`` a command works on: the one ``--domain`` names, else the
host of the URL it was given when listed, else the default (the first)."""

from __future__ import annotations

import urllib.parse

from .model import Domain, LinkSet
from .names import did_you_mean
from .urls import UrlError, host_name


class UnknownDomain(ValueError):
    """``--domain`` names no domain of the file (or the file has no site.domains)."""


def named(linkset: LinkSet, name: str | None, base_url: str | None = None) -> Domain:
    """The domain called ``name`` (as a host name compares: case, punycode, a trailing
    dot), else the one of ``base_url``'s host when listed, else the default."""
    by_name = {d.name: d for d in linkset.site.domains}
    if name is not None:
        try:  # as site.domains has it: lowercase, punycode
            wanted = host_name(name.strip())
        except UrlError:
            wanted = name
        if wanted not in by_name:
            raise UnknownDomain(
                f"{name!r} is not one of site.domains{did_you_mean(wanted, by_name)}: "
                + ", ".join(by_name)
            )
        return by_name[wanted]
    host = urllib.parse.urlsplit(base_url).hostname if base_url else None
    return by_name.get(host or "", linkset.site.domains[0])


def given(linkset: LinkSet, name: str, where: str) -> Domain:
    """The domain ``--domain`` names; ``where`` (the file) is named when it has no
    site.domains to choose from."""
    if not linkset.site.several:
        raise UnknownDomain(f"{where} has no site.domains")
    return named(linkset, name)


def answering(linkset: LinkSet, name: str | None, base_url: str) -> tuple[LinkSet, str | None]:
    """The links a live site at ``base_url`` serves (verify): with site.domains, those of
    ``--domain``, else of ``base_url``'s host when listed, else of the default domain;
    and a note when that is a guess (the host is none of site.domains)."""
    if not linkset.site.several:
        return linkset, None
    chosen = named(linkset, name, base_url)
    host = urllib.parse.urlsplit(base_url).hostname
    note = None
    if name is None and host != chosen.name:
        note = (
            f"{host} is not one of site.domains: checking the links of {chosen.name} "
            "(--domain chooses)"
        )
    return linkset.on(chosen), note
