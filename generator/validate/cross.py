"""Rules of the whole file, across links: slugs that are one name to people, and short
links that lead to other short links of the site (or round in a loop)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from .. import abuse, finder
from .. import slugs as slugrules
from ..hosts import HOSTS, TARGETS_COUNTRIES
from ..model import (
    Link,
    Site,
    Target,
)
from ..problems import Path
from ..rules import Kind, Targeted
from ..urls import host_and_path
from .checker import (
    Checker,
)

# A slug of ASCII letters, digits, '-', '_' and '~': its collision key is its lower case
# (NFKC and case folding change nothing else, and none of it is trailing punctuation)
_PLAIN_KEY = re.compile(r"[A-Za-z0-9~_\-]*")


class CrossRules(Checker):
    def collisions(self, links: list[Link]) -> None:
        """Two slugs that differ only in case (or width) are one link to a person; on
        different domains they are different links."""
        seen: dict[object, tuple[str, Path, str]] = {}  # its line is only looked up when needed
        several = bool(self.doc_domains)
        plain = _PLAIN_KEY.fullmatch
        if not several:  # one site: when no two keys are equal (the usual case), done
            normal, wide = finder.normal, slugrules.collision_key
            slugs = [link.slug for link in links]
            slugs += [alias for link in links if link.aliases for alias in link.aliases]
            keys = {slug.lower() if plain(slug) else normal(wide(slug)) for slug in slugs}
            if len(keys) == len(slugs):
                return
        for link in links:
            for i, slug in enumerate(link.slugs if link.aliases else (link.slug,)):
                # as links.lock groups its lines (lock.key): case, width and trailing
                # punctuation aside, as the 404 page's finder reads a slug ('gh.' is 'gh')
                key = slug.lower() if plain(slug) else finder.normal(slugrules.collision_key(slug))
                # one site: the key alone (the usual case, kept as quick as it was)
                spots = [(d, key) for d in link.domains] if several else (key,)
                for spot in spots:
                    if spot not in seen:
                        # the position, found only for a message: the path and where in it
                        seen[spot] = (slug, link.path, "key" if i == 0 else i - 1)  # type: ignore[assignment]
                        continue
                    domain = spot[0] if several else None
                    self._collided(link, i, slug, domain, seen[spot])
                    break

    def _collided(
        self, link: Link, i: int, slug: str, domain: str | None, first: tuple[str, Path, str]
    ) -> None:
        """The error of ``slug`` (``link``'s ``i``-th: 0 its slug, then its aliases), whose
        key is that of ``first``, seen before it (its slug, path and where in it)."""
        path: Path = link.path if i == 0 else (*link.path, "aliases", i - 1)
        at = "value" if i or (link.source and link.source[0] != "links") else "key"
        other, other_path, other_at = first
        if other_at != "key":
            other_path, other_at = (*other_path, "aliases", other_at), "value"
        elif other_path[0] != "links":
            other_at = "value"
        line = self.doc.locate(other_path, other_at)[0]
        same = other == slug
        on = f" on {domain}" if domain and len(self.doc_domains) > 1 else ""
        msg = (
            f"slug {slug!r} is already used{on} on line {line}"
            if same
            else f"slug {slug!r} collides with {other!r}{on} (line {line})"
        )
        if same:
            hint = None
        elif slugrules.collision_key(other) == slugrules.collision_key(slug):
            hint = (
                "slugs that differ only in letter case or width are the same to people "
                "and to case-insensitive hosts; pick one"
            )
        else:
            hint = (
                "slugs that differ only in trailing punctuation are one name to "
                "links.lock, and the 404 page sends one to the other; pick one"
            )
        if same and on:
            hint = f"a slug may be used once a domain: write '{slug}@<domain>' for another"
        rule = "duplicate-slug" if same else "slug-collision"
        self.error(rule, path, msg, hint, at=at)

    doc_domains: tuple[str, ...] = ()

    def chains(self, site: Site, links: list[Link]) -> None:
        """A target on one of our own domains costs a hop; a cycle never arrives anywhere.

        Every link has one next hop at most (the short link its url names), so where each
        chain leads is worked out once for all of them (``_Hops``): following each link's
        chain anew, step by step against a list, took 110 seconds for 1,000 links in a ring.
        """
        ours = [d.name for d in site.domains] or ([site.domain] if site.domain else [])
        if not ours:
            return
        mine = frozenset(ours)
        if len(ours) == 1:  # the common case, without parsing a URL or looping
            only = ours[0]
            pointing = [link for link in links if only in link.target.url]
        else:  # a set, not a loop over the domains for each link (there may be thousands)
            pointing = [link for link in links if abuse.host_of(link.target.url) in mine]
        # device targets too: an iPhone sent back to its own short link loops as well
        # and language targets alike (named by their 'languages' key)
        devices = [
            (link, key, name, t)
            for link in links
            if link.devices or link.languages or link.countries  # (most links have none)
            for key, named in (
                ("devices", link.devices),
                ("languages", link.languages),
                ("countries", link.countries),
            )
            for name, t in named
            if (ours[0] in t.url if len(ours) == 1 else abuse.host_of(t.url) in mine)
        ]
        if not pointing and not devices:
            return
        routes = _Routes(site, ours, links, pointing)
        self.url_hops(routes, pointing)
        self.device_hops(routes, devices)

    def countries_targeted(self, site: Site, links: list[Link]) -> None:
        """A warning for each link with countries, naming the hosts of the build that do
        not target them (site.hosts, else every host): visitors in those countries get the
        link's own target there. A link its page answers has no edge rule to target them
        on any host (a page cannot know the country)."""
        hosts = [name for name in HOSTS if not site.hosts or name in site.hosts]
        for link in links:
            if not link.countries or link.password is not None:
                continue  # with a password: an error of its own (password-countries)
            rule = Targeted(
                "/" + link.slug,
                Kind.redirect,
                link.status,
                link.slug + ".html",
                link.target.url,
                link.forward_query,
                False,
                tuple((code, t.url) for code, t in link.countries),
                # a language link's edge rule (rules.language_rules): Netlify's and
                # Vercel's hold its countries too, before its languages
                tuple((tag, t.url) for tag, t in link.languages),
            )
            edge = not link.needs_page or link.by_language_only
            can = TARGETS_COUNTRIES if edge else {}
            untargeted = [h for h in hosts if h not in can or not can[h](rule)]
            if not untargeted:
                continue
            names = ", ".join(HOSTS[h].title for h in untargeted)
            if link.needs_page and not link.by_language_only:
                why = (
                    "its page answers it on every host (a card, devices, variants, "
                    "counting or open_in_browser), and a page cannot know the visitor's "
                    "country"
                )
            else:
                why = (
                    "only Netlify (for 'forward_query: false' and targets with their own "
                    "query) and Vercel (in vercel.json: links that pass the query on, "
                    "targets without a fragment) have country rules; docs/hosts.md"
                )
            self.warn(
                "countries-untargeted",
                (*link.path, "countries"),
                f"{names} cannot target the countries of link {link.slug!r}: visitors "
                "there go where it sends everyone else",
                why,
                at="key",
            )

    def url_hops(self, routes: _Routes, pointing: list[Link]) -> None:
        """Each link whose url is one of our own short links: a loop, an extra hop, or a
        path that is no slug of the file."""
        for link, (hop, host, name) in zip(pointing, routes.first, strict=True):
            if host not in routes.ours:
                continue
            upath: Path = link.path
            if link.campaign is not None or isinstance(
                self.doc.data["links"].get(link.path[1]), dict
            ):
                upath = (*link.path, "url") if link.campaign is None else link.path
            if hop is None:
                if name and name not in slugrules.RESERVED:
                    self.warn(
                        "own-slug-missing",
                        upath,
                        f"link {link.slug!r} points to {host}/{name}, "
                        "which is not a slug in this file",
                    )
                continue
            i = routes.index[id(link)]
            loop = routes.hops.loop[i]
            if loop is not None:  # it comes back to itself
                cycle = [*routes.route(i, len(loop)), link.slug]
                self.error(
                    "redirect-loop",
                    upath,
                    "redirect loop: " + " -> ".join(cycle),
                    "point one elsewhere",
                )
            else:
                self.warn(
                    "redirect-chain",
                    upath,
                    f"link {link.slug!r} points to another short link ({hop.slug!r}), "
                    "which costs visitors an extra hop",
                    f"point it straight at {hop.target.display}",
                )

    def device_hops(self, routes: _Routes, devices: list[tuple[Link, str, str, Target]]) -> None:
        """Each device or language target that is one of our own short links: a loop (its
        page sends the visitor on by 'url', back to this link), or an extra hop."""
        for link, key, platform, t in devices:
            hop, _host, _name = routes.next_hop(link, t.url)
            if hop is None:
                continue
            written = _written(self.doc.data, link, key, platform)
            dpath: Path = (*link.path, key, written)
            i, j = routes.index[id(link)], routes.index[id(hop)]
            if routes.hops.reaches(j, i):
                cycle = [f"{link.slug} ({platform})", *routes.route(j, routes.hops.steps(j, i))]
                cycle.append(link.slug)
                self.error(
                    "redirect-loop",
                    dpath,
                    "redirect loop: " + " -> ".join(cycle),
                    "point it elsewhere",
                )
            else:
                self.warn(
                    "redirect-chain",
                    dpath,
                    f"the {platform} target of {link.slug!r} is another short link "
                    f"({hop.slug!r}), which costs visitors an extra hop",
                    f"point it straight at {hop.target.display}",
                )


def _written(data: object, link: Link, key: str, name: str) -> str:
    """The key a device or language target is written under in links.yaml: a language tag
    may be spelt in another case than its canonical one (``zh-tw`` for ``zh-TW``)."""
    if key != "languages":
        return name
    node: object = data
    for step in (*link.path, key):
        node = node.get(step) if isinstance(node, dict) else None
    if isinstance(node, dict):
        for written in node:
            if isinstance(written, str) and written.lower() == name.lower():
                return written
    return name


class _Routes:
    """Where the links that point at the site's own domains lead: each one's next hop
    (looked up by slug, then as people read a slug), and the chains they make (``_Hops``)."""

    def __init__(self, site: Site, ours: list[str], links: list[Link], pointing: list[Link]):
        self.ours = ours
        self.links = links
        self.by_slug: dict[tuple[str, str], Link] = {}
        self.by_key: dict[tuple[str, str], Link] = {}
        for link in links:
            for d in link.domains or (site.domain,):
                for s in link.slugs:
                    self.by_slug[(d, s)] = link  # type: ignore[index]
                    self.by_key[(d, slugrules.collision_key(s))] = link  # type: ignore[index]
        self.index = {id(link): i for i, link in enumerate(links)}
        self.first = [self.next_hop(link) for link in pointing]
        self.after = [-1] * len(links)
        for link, (hop, _host, _name) in zip(pointing, self.first, strict=True):
            if hop is not None:
                self.after[self.index[id(link)]] = self.index[id(hop)]
        self.hops = _Hops(self.after)

    def next_hop(self, link: Link, url: str | None = None) -> tuple[Link | None, str, str]:
        url = url or link.target.url
        if url[:4] != "http":  # an app's URL (apps.py): no short link of the site
            return None, "", ""
        host, path = host_and_path(url)
        name = unquote(path).strip("/")
        if host not in self.ours:
            return None, host, name
        hop = self.by_slug.get((host, name)) or self.by_key.get(
            (host, slugrules.collision_key(name))
        )
        return hop, host, name

    def route(self, start: int, count: int) -> list[str]:
        """The slugs of ``count`` links from ``start`` on, the middle of a long route
        left out (a message names at most a dozen links)."""
        shown: list[str] = []
        i = start
        for _ in range(min(count, _ROUTE_SHOWN)):
            shown.append(self.links[i].slug)
            i = self.after[i]
        if count > _ROUTE_SHOWN:
            shown.append(f"... ({count - _ROUTE_SHOWN} more)")
        return shown


# A redirect loop's message names this many links of it at most, then how many more.
_ROUTE_SHOWN = 10


class _Hops:
    """Where following short links leads, for links ``0..n-1`` where link ``i`` sends its
    visitors on to link ``after[i]`` (-1: out of the site).

    One next hop each makes this a functional graph: every walk ends out of the site or
    in one loop. One pass marks the loops (each link is walked once: a three-state
    colouring); the links on no loop form trees that hang off a loop or an exit, numbered
    in preorder, so that "does link u's chain pass link v" is a constant-time question.
    """

    def __init__(self, after: list[int]) -> None:
        n = len(after)
        self.after = after
        self.loop: list[list[int] | None] = [None] * n  # the loop a link is on
        self.place = [0] * n  # its index in that loop
        state = [0] * n  # 0 not seen, 1 on the walk under way, 2 done
        for start in range(n):
            walk: list[int] = []
            i = start
            while i != -1 and state[i] == 0:
                state[i] = 1
                walk.append(i)
                i = after[i]
            if i != -1 and state[i] == 1:  # back onto this very walk: a new loop
                ring = walk[walk.index(i) :]
                for k, j in enumerate(ring):
                    self.loop[j] = ring
                    self.place[j] = k
            for j in walk:
                state[j] = 2
        # the rest hang off a loop or an exit: their trees, children pointing at parents
        children: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            if after[i] != -1 and self.loop[i] is None:
                children[after[i]].append(i)
        self.root = list(range(n))  # where a link's chain meets a loop, or leaves
        self.depth = [0] * n  # hops from a link to its root
        self.first = [0] * n  # preorder number; a subtree is first[i] .. last[i]
        self.last = [0] * n
        order: list[int] = []
        for top in range(n):
            if after[top] != -1 and self.loop[top] is None:
                continue  # not a root
            stack = [top]
            while stack:
                i = stack.pop()
                self.first[i] = len(order)
                order.append(i)
                for c in children[i]:
                    self.root[c] = self.root[i]
                    self.depth[c] = self.depth[i] + 1
                    stack.append(c)
        for i in order:
            self.last[i] = self.first[i]
        for i in reversed(order):
            if self.root[i] != i:
                self.last[after[i]] = max(self.last[after[i]], self.last[i])

    def reaches(self, u: int, v: int) -> bool:
        """Whether the chain from link ``u`` (itself included) passes link ``v``."""
        ring = self.loop[v]
        if ring is not None:
            return self.loop[self.root[u]] is ring
        return self.first[v] <= self.first[u] <= self.last[v]

    def steps(self, u: int, v: int) -> int:
        """Hops from ``u`` to ``v``, when ``reaches(u, v)``."""
        ring = self.loop[v]
        if ring is None:
            return self.depth[u] - self.depth[v]
        entry = self.root[u]
        return self.depth[u] + (self.place[v] - self.place[entry]) % len(ring)
