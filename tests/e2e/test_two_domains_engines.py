"""The two-domain site (tests/e2e/two_domains.py) in every real engine: each domain's
folder served on its own, as its host would, and every path of that domain checked: a
rule the host module wrote answers with its status and the promised Location; every
other path with its page, byte for byte; the password link's target is in no answer."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.hosts import HOSTS
from generator.model import LinkSet
from generator.plan import make_plan
from generator.rules import Kind, expected_location
from tests.conftest import NOW, STRICT
from tests.e2e.engines import STARTERS, Missing
from tests.e2e.test_conformance import get
from tests.e2e.two_domains import DOMAINS, build_sites

pytestmark = pytest.mark.e2e

TARGET = "https://t.example"  # never followed: the engines answer, nothing is fetched


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Path, dict[str, LinkSet]]]:
    root = Path(tempfile.mkdtemp(prefix="shortlinks-two-domains-"))
    root.chmod(0o755)  # Apache serves as www-data when run as root
    yield build_sites(root, TARGET)
    shutil.rmtree(root, ignore_errors=True)


def _start(name: str, folder: Path):  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(prefix=f"shortlinks-{name}-two-"))
    work.chmod(0o755)
    try:
        return STARTERS[name](folder, work), work
    except Missing as exc:
        shutil.rmtree(work, ignore_errors=True)
        message = f"{exc} is not installed (the README's test command installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("name", sorted(STARTERS))
def test_every_link_of_each_domain_answers_as_promised(
    name: str, domain: str, sites: tuple[Path, dict[str, LinkSet]]
) -> None:
    out, linksets = sites
    folder = out / domain
    plan = make_plan(linksets[domain], NOW)
    host = HOSTS[name]
    ruled = {r.path: r for r in host.ruled(plan, frozenset(HOSTS))}
    engine, work = _start(name, folder)
    failures: list[str] = []
    secret = next(link for link in plan.links if link.password).target.url
    try:
        paths = ["/", *("/" + e.slug for e in plan.entries)]
        assert len(paths) > 50  # the campaign's links are there, on both domains
        for path in paths:
            for query in ("", "a=1"):
                status, location, body = get(engine.base, path, query)
                if secret in (location or "") or secret.encode() in body:
                    failures.append(f"{path}: the password link's target is in the answer")
                rule = ruled.get(path)
                if rule is not None and rule.kind is Kind.redirect:
                    want: tuple = (rule.status, expected_location(rule, query))
                    got: tuple = (status, location)
                elif rule is not None:  # gone
                    want, got = (410, (folder / rule.page).read_bytes()), (status, body)
                else:
                    page = "index.html" if path == "/" else path.lstrip("/") + ".html"
                    want, got = (200, (folder / page).read_bytes()), (status, body)
                if got != want:
                    failures.append(f"{path}?{query}: want {want!r:.160}, got {got!r:.160}")
        # a link of the other domain is not here
        other = "/cn-only-nothing" if domain == DOMAINS[0] else "/plain"
        status, _l, body = get(engine.base, other)
        assert (status, body) == (404, (folder / "404.html").read_bytes())
    finally:
        engine.stop()
        if os.environ.get("SHORTLINKS_KEEP_LOGS") != "1":
            shutil.rmtree(work, ignore_errors=True)
    assert not failures, f"{name} on {domain}:\n" + "\n".join(failures[:40])
    if name in ("nginx", "caddy"):  # the plain links really are rules there
        assert "/plain" in ruled or domain != DOMAINS[0]
        assert "/spring-d07" in ruled


def test_the_same_slug_answers_its_own_target_on_each_domain(
    sites: tuple[Path, dict[str, LinkSet]],
) -> None:
    out, _ = sites
    assert f"{TARGET}/sale" in (out / DOMAINS[0] / "_redirects").read_text()
    assert f"{TARGET}/cn/sale" in (out / DOMAINS[1] / "_redirects").read_text()
    assert f"{TARGET}/cn/sale" not in (out / DOMAINS[0] / "_redirects").read_text()
