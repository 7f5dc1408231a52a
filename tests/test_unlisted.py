"""A site that does not list its links (``links_json: false``) publishes no file that lists
them: no slug is in any byte of any file a host would serve, except the files of that one
link (its own page and QR code, found only by its name). Per host: the files it keeps to
itself (generator/hosts kept_private) are left out of what it serves; everything else in
the folder is served. A selection of hosts where one would serve another's rule file is
refused at the links_json line, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.hosts import HOSTS, kept_private

NOW = ("--now", "2029-06-01T00:00:00Z")
SLUGS = ("zqalpha", "zqbeta", "zqlater")  # found in no template or other text
LINKS = """\
site:
  domain: go.example.com
  links_json: false
{hosts}links:
  zqalpha: https://github.com/acme
  zqbeta:
    url: https://shop.example.com/sale
    expires: 2030-06-01
  zqlater:
    url: https://shop.example.com/later
    starts: 2030-07-01
"""


def _build(tmp_path: Path, hosts: str = "", *args: str) -> tuple[int, str, Path]:
    (tmp_path / "links.yaml").write_text(LINKS.format(hosts=hosts))
    out = tmp_path / "_site"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "links.yaml"), "-o", str(out), "--no-cache", *NOW, *args]
    )
    return result.exit_code, result.output, out


def _listing_files(out: Path, server: str) -> dict[str, list[str]]:
    """Each file ``server`` would serve that names a slug other than its own link's."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel in kept_private(server) or rel == ".shortlinks":
            continue
        data = path.read_bytes()
        named = [s for s in SLUGS if s.encode() in data and s not in rel]
        if named:
            found[rel] = named
    return found


def test_by_default_only_github_pages_files_are_written(tmp_path: Path) -> None:
    code, output, out = _build(tmp_path)
    assert code == 0, output
    assert not (out / "links.json").exists()
    for name, host in HOSTS.items():
        if name != "github-pages":
            assert not [f for f in host.files if (out / f).exists()], name
    assert (out / "CNAME").read_text().strip() == "go.example.com"
    assert _listing_files(out, "github-pages") == {}


@pytest.mark.parametrize("host", ["netlify", "cloudflare", "nginx", "apache", "caddy", "s3"])
def test_a_host_that_keeps_its_rule_file_private_serves_no_listing(
    tmp_path: Path, host: str
) -> None:
    code, output, out = _build(tmp_path, f"  hosts: [{host}]\n")
    assert code == 0, output
    assert [f for f in HOSTS[host].files if (out / f).exists()]  # its rules are there
    assert _listing_files(out, host) == {}  # and it serves none of them


@pytest.mark.parametrize("how", ["site.hosts", "--host"])
def test_github_pages_with_another_host_is_refused_at_links_json(tmp_path: Path, how: str) -> None:
    if how == "site.hosts":
        code, output, out = _build(tmp_path, "  hosts: [github-pages, nginx]\n")
    else:
        code, output, out = _build(tmp_path, "", "--host", "github-pages", "--host", "nginx")
    assert code == 1
    assert not out.exists()
    assert (
        f"{tmp_path / 'links.yaml'}:3:15: error: the site does not list its links"
        " (links_json: false), but hosts github-pages, nginx would serve rule files that list"
        " them: shortlinks.nginx.conf (github-pages) (links-json-exposed)\n"
    ) in output


def test_two_hosts_that_serve_each_others_rule_files_are_refused(tmp_path: Path) -> None:
    code, output, out = _build(tmp_path, "  hosts: [netlify, vercel]\n")
    assert code == 1
    assert not out.exists()
    assert "_redirects (vercel)" in output and "vercel.json (netlify)" in output


def test_a_host_not_known_to_keep_its_rule_files_private_is_refused_alone(
    tmp_path: Path,
) -> None:
    """Vercel reads vercel.json at deploy, but its bulk redirect file is an ordinary file of
    the folder as far as anything here shows: unproven means served."""
    code, output, out = _build(tmp_path, "  hosts: [vercel]\n")
    assert code == 1
    assert not out.exists()
    assert "vercel-redirects.json (vercel)" in output


def test_what_a_host_keeps_private_is_what_its_module_declares() -> None:
    """A new host is one module: what it never serves is its ``hides``, read by
    kept_private, never a list of host names beside it."""
    from generator.hosts import private_files
    from generator.hosts.base import Hides

    kinds = {
        Hides.nothing: frozenset(),
        Hides.private: frozenset(private_files()),
        Hides.host_files: frozenset(f for h in HOSTS.values() for f in h.files),
    }
    for name, host in HOSTS.items():
        hides = host.hides
        expected = kinds[hides] if isinstance(hides, Hides) else hides
        assert kept_private(name) == expected, name
        if not isinstance(hides, Hides):  # its own files, by name
            assert hides <= set(host.files), name
    assert {n for n, h in HOSTS.items() if h.hides is Hides.private} == {"apache", "caddy", "nginx"}
