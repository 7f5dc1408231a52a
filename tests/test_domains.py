"""Several short domains in one links file (site.domains): the keys, per-domain collisions,
one complete site folder a domain, the lock of a slug on another domain, and a file of one
domain working as before."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import domains
from generator.build import build, check, check_text
from generator.cli import main
from generator.model import LinkSet
from tests.conftest import NOW, one_problem, problems_of

TWO = """\
site:
  domains:
    - go.example.com
    - domain: sale.example.cn
      home: https://shop.example.cn
  home: https://www.example.com
links:
  gh: https://github.com/acme
  sale: https://shop.example.com/sale
  sale@sale.example.cn: https://shop.example.cn/sale
  catalog:
    url: https://shop.example.com/catalog
    domains: all
  cn-only:
    url: https://shop.example.cn/only
    domains: [sale.example.cn]
"""


def errors(text: str) -> list[str]:
    return [f"{p.line}:{p.column} {p.message}" for p in problems_of(text) if p.is_error]


def test_two_domains_validate_and_each_link_knows_its_domains(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    result = check(tmp_path / "links.yaml")
    assert result.ok, result.problems
    linkset = result.linkset
    assert linkset is not None
    assert [d.name for d in linkset.site.domains] == ["go.example.com", "sale.example.cn"]
    assert linkset.site.domain == "go.example.com"  # the default
    on = {(link.slug, link.target.url): link.domains for link in linkset.links}
    assert on[("gh", "https://github.com/acme")] == ("go.example.com",)
    assert on[("sale", "https://shop.example.com/sale")] == ("go.example.com",)
    assert on[("sale", "https://shop.example.cn/sale")] == ("sale.example.cn",)
    assert on[("catalog", "https://shop.example.com/catalog")] == (
        "go.example.com",
        "sale.example.cn",
    )
    assert on[("cn-only", "https://shop.example.cn/only")] == ("sale.example.cn",)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "site:\n  domain: a.example\n  domains: [b.example]\nlinks: {}\n",
            "2:3 site has both 'domain' and 'domains'",
        ),
        (
            "site:\n  domains: [a.example]\nlinks:\n  x@c.example: https://t.example\n",
            "4:3 'c.example' (in 'x@c.example') is not one of site.domains",
        ),
        (
            "links:\n  x@c.example: https://t.example\n",
            "2:3 'x@c.example': '@'c.example'' names a domain, and site.domains lists none",
        ),
        (
            "site:\n  domains: [a.example]\nlinks:\n  x:\n    url: https://t.example\n"
            "    domains: [a.example, z.example]\n",
            "6:26 'z.example' is not one of site.domains",
        ),
        (
            "site:\n  domains: [a.example, a.example]\nlinks: {}\n",
            "2:24 domain a.example is listed twice (also item 1)",
        ),
        (
            "site:\n  domains: [https://a.example/x]\nlinks: {}\n",
            "2:13 domain 'https://a.example/x' must be a bare host name",
        ),
        (
            "site:\n  domains: [a.example, b.example]\nlinks:\n  x@b.example:\n"
            "    url: https://t.example\n    domains: [a.example]\n",
            "6:5 'x@b.example' names its domain after '@' and in 'domains'",
        ),
    ],
)
def test_domain_mistakes_are_placed_and_explained(text: str, wanted: str) -> None:
    assert wanted in errors(text)


def test_a_slug_collides_only_on_its_own_domain() -> None:
    text = (
        "site:\n  domains: [a.example, b.example]\nlinks:\n"
        "  sale: https://one.example\n"
        "  SALE@b.example: https://two.example\n"  # another domain: fine
        "  Sale:\n    url: https://three.example\n    domains: [a.example]\n"
    )
    found = one_problem(text)
    assert (found.line, found.column) == (6, 3)
    assert found.message == "slug 'Sale' collides with 'sale' on a.example (line 4)"
    same = one_problem(
        "site:\n  domains: [a.example, b.example]\nlinks:\n"
        "  x: https://one.example\n"
        "  y:\n    url: https://two.example\n    domains: all\n    aliases: [x]\n"
    )
    assert same.message == "slug 'x' is already used on a.example on line 4"
    assert "x@<domain>" in (same.hint or "")


def test_one_domain_with_domain_key_builds_as_before(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        "site:\n  domain: go.example.com\nlinks:\n  gh: https://github.com/acme\n"
    )
    result = build(tmp_path / "links.yaml", tmp_path / "out", NOW, cache_dir=None)
    assert result.written and not result.domains
    assert (tmp_path / "out" / "gh.html").is_file()
    assert not (tmp_path / "out" / "domains.json").exists()


def test_each_domain_gets_a_complete_site_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    out = tmp_path / "_site"
    result = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert result.error is None and result.written, result.problems
    assert list(result.domains) == ["go.example.com", "sale.example.cn"]
    listed = json.loads((out / "domains.json").read_text())
    assert (listed["domains"], listed["default"]) == (
        ["go.example.com", "sale.example.cn"],
        "go.example.com",
    )
    go, cn = out / "go.example.com", out / "sale.example.cn"
    for site, name in ((go, "go.example.com"), (cn, "sale.example.cn")):
        assert (site / "CNAME").read_text().strip() == name
        for own in ("index.html", "404.html", "robots.txt", "_redirects", "vercel.json"):
            assert (site / own).is_file(), (name, own)
        listed = json.loads((site / "links.json").read_text())
        assert listed["domain"] == name
        assert all(e["short_url"].startswith(f"https://{name}/") for e in listed["links"])
    # the same slug, a target each
    assert "https://shop.example.com/sale" in (go / "sale.html").read_text()
    assert "https://shop.example.cn/sale" in (cn / "sale.html").read_text()
    assert "https://shop.example.com/sale" not in (cn / "sale.html").read_text()
    # links on their domains only
    assert (go / "gh.html").is_file() and not (cn / "gh.html").exists()
    assert (cn / "cn-only.html").is_file() and not (go / "cn-only.html").exists()
    assert (go / "catalog.html").is_file() and (cn / "catalog.html").is_file()
    # each landing page: its own home, else site.home
    assert "https://shop.example.cn/" in (cn / "index.html").read_text()
    assert "https://www.example.com/" in (go / "index.html").read_text()
    # the 404 finder knows its own domain's slugs only
    assert "cn-only" not in (go / "404.html").read_text()
    # the rule files too
    assert "/gh " in (go / "_redirects").read_text()
    assert "/gh " not in (cn / "_redirects").read_text()
    # QR codes carry each domain's short URL (drawn on the preview by the shared qr.js)
    preview = (cn / "_shortlinks" / "preview.js").read_text()
    assert preview.endswith(',"https://sale.example.cn",true)\n')  # its short URLs, its codes
    assert (cn / "_shortlinks" / "qr.js").is_file() and not (cn / "_qr").exists()

    again = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert again.up_to_date and all(p.up_to_date for p in again.domains.values())
    assert again.files == result.files and again.states == result.states


@pytest.mark.slow
def test_nothing_changed_in_any_domain_means_nothing_read_or_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    out = tmp_path / "_site"
    first = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    import generator.build as building

    def no_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("the links file was checked again")

    monkeypatch.setattr(building, "check", no_check)
    again = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert again.up_to_date and list(again.domains) == list(first.domains)
    assert again.next_change == first.next_change
    monkeypatch.undo()
    # a new link on one domain: its site gets its files, the other's files stay as they are
    (tmp_path / "links.yaml").write_text(TWO + "  new@sale.example.cn: https://n.example\n")
    changed = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert not changed.up_to_date and changed.written
    assert changed.domains["sale.example.cn"].changed[0] > 0
    assert changed.domains["go.example.com"].changed == (0, 0)


@pytest.mark.slow
def test_a_domain_taken_off_the_list_loses_its_folder_and_user_files_are_safe(
    tmp_path: Path,
) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    out = tmp_path / "_site"
    assert build(tmp_path / "links.yaml", out, NOW, cache_dir=None).written
    kept = TWO.split("links:")[1].split("  sale@")[0]
    (tmp_path / "links.yaml").write_text("site:\n  domains:\n    - go.example.com\nlinks:" + kept)
    result = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert result.error is None, result.error
    assert not (out / "sale.example.cn").exists()
    assert any("sale.example.cn is no longer in site.domains" in n for n in result.notes)

    # a folder of someone else's files is never taken over
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    (tmp_path / "links.yaml").write_text(TWO)
    refused = build(tmp_path / "links.yaml", mine, NOW, cache_dir=None)
    assert refused.error is not None and "was not written by a build of site.domains" in (
        refused.error
    )
    assert (mine / "notes.txt").read_text() == "keep me"


def test_a_one_domain_output_is_not_silently_turned_into_folders(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        "site:\n  domain: go.example.com\nlinks:\n  gh: https://github.com/acme\n"
    )
    out = tmp_path / "_site"
    assert build(tmp_path / "links.yaml", out, NOW, cache_dir=None).written
    (tmp_path / "links.yaml").write_text(TWO)
    result = build(tmp_path / "links.yaml", out, NOW, cache_dir=None)
    assert result.error is not None and "one-domain site from before site.domains" in result.error
    assert (out / "gh.html").is_file()  # untouched


def test_the_cli_says_what_each_domain_got(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    run = CliRunner().invoke(
        main,
        ["build", str(tmp_path / "links.yaml"), "-o", str(tmp_path / "s"), "--no-cache",
         "--now", "2026-11-25T08:00:00Z"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    lines = [line for line in run.stdout.splitlines() if line.startswith("Built ")]
    assert len(lines) == 2
    assert "s/go.example.com/: " in lines[0] and "for 3 links" in lines[0]
    assert "s/sale.example.cn/: " in lines[1] and "for 3 links" in lines[1]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_the_lock_records_a_slug_on_another_domain_apart(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 0, run.output
    lines = [
        line
        for line in (tmp_path / "links.lock").read_text().splitlines()
        if not line.startswith("#")
    ]
    # every line names its domain, the default's too: reordering site.domains moves nothing
    assert "sale@go.example.com https://shop.example.com/sale" in lines
    assert "sale@sale.example.cn https://shop.example.cn/sale" in lines
    assert "catalog@go.example.com https://shop.example.com/catalog" in lines
    assert "catalog@sale.example.cn https://shop.example.com/catalog" in lines
    assert "cn-only@sale.example.cn https://shop.example.cn/only" in lines
    assert all("@" in line for line in lines)
    assert check(tmp_path / "links.yaml").ok

    # moving the other domain's 'sale' is caught on its own line, the default's is not hit
    text = TWO.replace(
        "sale@sale.example.cn: https://shop.example.cn/sale",
        "sale@sale.example.cn: https://evil.example/sale",
    )
    (tmp_path / "links.yaml").write_text(text)
    result = check(tmp_path / "links.yaml")
    assert not result.ok
    moved = [p for p in result.problems if p.is_error]
    assert len(moved) == 1
    assert moved[0].line == 10
    assert "'sale@sale.example.cn' was published pointing to https://shop.example.cn/sale" in (
        moved[0].message
    )


def test_add_puts_a_link_on_a_domain_and_a_slug_is_free_per_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(
        main, ["add", "https://shop.example.cn/gh", "--slug", "gh", "--domain", "sale.example.cn"]
    )
    assert run.exit_code == 0, run.output
    assert "Added https://sale.example.cn/gh" in run.output
    written = (tmp_path / "links.yaml").read_text()
    assert "  gh@sale.example.cn: https://shop.example.cn/gh" in written  # slug@domain
    linkset = check(tmp_path / "links.yaml").linkset
    assert linkset is not None
    assert [link.domains for link in linkset.links if link.slug == "gh"] == [
        ("go.example.com",),
        ("sale.example.cn",),
    ]
    taken = CliRunner().invoke(main, ["add", "https://x.example", "--slug", "GH"])
    assert taken.exit_code == 1 and "--slug: 'GH' is taken" in taken.output
    unknown = CliRunner().invoke(main, ["add", "https://x.example", "--domain", "z.example"])
    assert unknown.exit_code == 2 and "'z.example' is not one of site.domains" in unknown.output


def test_export_and_import_carry_the_domains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    monkeypatch.chdir(tmp_path)
    exported = CliRunner().invoke(main, ["export", "-o", "all.csv"])
    assert exported.exit_code == 0, exported.output
    rows = (tmp_path / "all.csv").read_text().splitlines()
    assert rows[0].endswith(",domains")
    assert any(r.startswith("catalog,") and r.endswith(",go.example.com;sale.example.cn")
               for r in rows)  # fmt: skip
    # into a fresh two-domain file: every link lands on its domains, the same slug twice
    (tmp_path / "fresh.yaml").write_text(
        TWO.split("links:")[0] + "links:\n  x: https://x.example\n"
    )
    imported = CliRunner().invoke(main, ["import", "all.csv", "fresh.yaml"])
    assert imported.exit_code == 0, imported.output
    assert "Imported 5 link(s)" in imported.output, imported.output
    again = check(tmp_path / "fresh.yaml").linkset
    assert again is not None
    mine = {(link.slug, link.target.url): link.domains for link in again.links}
    assert mine[("sale", "https://shop.example.cn/sale")] == ("sale.example.cn",)
    assert mine[("sale", "https://shop.example.com/sale")] == ("go.example.com",)
    assert mine[("catalog", "https://shop.example.com/catalog")] == (
        "go.example.com",
        "sale.example.cn",
    )
    # once more: every slug is taken on its own domain now
    twice = CliRunner().invoke(main, ["import", "all.csv", "fresh.yaml"])
    assert "Imported 0 link(s)" in twice.output


def test_list_and_qr_know_the_domains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "links.yaml").write_text(TWO)
    monkeypatch.chdir(tmp_path)
    now = ["--now", "2026-11-25T08:00:00Z"]
    table = CliRunner().invoke(main, ["list", *now]).output
    assert table.splitlines()[0].split()[:4] == ["SLUG", "STATE", "LEFT", "DOMAINS"]
    cn = CliRunner().invoke(main, ["list", "--domain", "sale.example.cn", "--format", "csv", *now])
    rows = cn.output.splitlines()
    assert rows[0].split(",")[9] == "domains"
    assert sorted(r.split(",")[0] for r in rows[1:]) == ["catalog", "cn-only", "sale"]
    assert "https://shop.example.cn/sale" in cn.output
    code = CliRunner().invoke(main, ["qr", "sale", "--domain", "sale.example.cn"])
    assert code.exit_code == 0 and code.output.rstrip().endswith("https://sale.example.cn/sale")
    default = CliRunner().invoke(main, ["qr", "gh"])
    assert default.output.rstrip().endswith("https://go.example.com/gh")
    elsewhere = CliRunner().invoke(main, ["qr", "gh", "--domain", "sale.example.cn"])
    assert elsewhere.exit_code == 1 and "no link 'gh'" in elsewhere.output
    only_cn = CliRunner().invoke(main, ["qr", "cn-only"])  # not on the default: its domain
    assert only_cn.output.rstrip().endswith("https://sale.example.cn/cn-only")


@pytest.mark.slow
def test_serve_and_verify_work_one_domain_at_a_time(tmp_path: Path) -> None:
    import http.client
    import threading
    from datetime import datetime, timezone

    from generator.commands import serve as server_mod

    (tmp_path / "links.yaml").write_text(TWO)
    said: list[str] = []
    preview = server_mod.Preview(
        tmp_path / "links.yaml",
        lambda: datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc),
        said.append,
        domain="sale.example.cn",
    )
    server, stop = server_mod.serve(preview, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/sale")
        answer = conn.getresponse()
        answer.read()
        # the rules of sale.example.cn: its own 'sale'
        assert (answer.status, answer.getheader("Location")) == (
            302,
            "https://shop.example.cn/sale",
        )
        conn.request("GET", "/gh")  # a link of the other domain only
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 404
        base = f"http://127.0.0.1:{port}"
        now = ["--now", "2026-11-25T08:00:00Z"]
        ok = CliRunner().invoke(
            main,
            ["verify", base, str(tmp_path / "links.yaml"), "--domain", "sale.example.cn", *now],
        )
        assert ok.exit_code == 0, ok.output
        assert "3 of 3 links answer as built" in ok.output
        # checked as the default domain's, the same server is wrong where they differ
        wrong = CliRunner().invoke(main, ["verify", base, str(tmp_path / "links.yaml"), *now])
        assert wrong.exit_code == 1
        assert "/sale: expected a redirect to https://shop.example.com/sale" in wrong.output
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        preview.close()


def _lock(tmp_path: Path, text: str) -> None:
    (tmp_path / "links.yaml").write_text(text)
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 0, run.output


def _locked_base(tmp_path: Path, text: str) -> Path:
    """``text`` locked, and its lock kept aside as a pull request's base branch's."""
    _lock(tmp_path, text)
    base = tmp_path / "base.lock"
    base.write_text((tmp_path / "links.lock").read_text())
    return base


def _errors(tmp_path: Path, base: Path | None = None) -> list[str]:
    from generator import lock

    base_lock = lock.read(base) if base else None
    result = check(tmp_path / "links.yaml", base_lock)
    return [p.message for p in result.problems if p.is_error]


def test_reordering_the_domains_cannot_repoint_a_published_slug(tmp_path: Path) -> None:
    base = _locked_base(tmp_path, TWO)
    cn = "    - domain: sale.example.cn\n      home: https://shop.example.cn\n"
    swapped = TWO.replace("    - go.example.com\n" + cn, cn + "    - go.example.com\n").replace(
        "  sale: https://shop.example.com/sale\n  sale@sale.example.cn: https://shop.example.cn/sale\n",
        "  sale: https://shop.example.cn/sale\n  sale@go.example.com: https://evil.example.net/p\n",
    )
    (tmp_path / "links.yaml").write_text(swapped)
    found = _errors(tmp_path, base)
    assert any("'sale@go.example.com' was published pointing to https://shop.example.com/sale"
               in m for m in found), found  # fmt: skip
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 1 and "sale@go.example.com" in run.output
    # the same reorder moving nothing: only the links naming no domain land on the new
    # default, which is new publishing there (it needs no line), and no published slug moves
    (tmp_path / "links.yaml").write_text(
        swapped.replace("sale@go.example.com: https://evil.example.net/p",
                        "sale@go.example.com: https://shop.example.com/sale")
        .replace("  sale: https://shop.example.cn/sale", "  sale@sale.example.cn: https://shop.example.cn/sale")
    )  # fmt: skip
    assert _errors(tmp_path, base) == []


def test_lines_from_before_site_domains_stand_for_every_domain(tmp_path: Path) -> None:
    one = "site:\n  domain: go.example.com\nlinks:\n  sale: https://shop.example.com/sale\n"
    base = _locked_base(tmp_path, one)
    site = "site:\n  domains: [go.example.com, sale.example.cn]\nlinks:\n"
    # the slug on both domains, its target kept: nothing to record, nothing moved
    (tmp_path / "links.yaml").write_text(
        site + "  sale:\n    url: https://shop.example.com/sale\n    domains: all\n"
    )
    assert _errors(tmp_path, base) == []
    # the new domain's 'sale' elsewhere: a move of a published slug, refused without the
    # override, and a hand-written lock line for it is caught against the base
    (tmp_path / "links.yaml").write_text(
        site + "  sale: https://shop.example.com/sale\n"
        "  sale@sale.example.cn: https://evil.example.net/p\n"
    )
    assert any("'sale@sale.example.cn' was published pointing to" in m
               for m in _errors(tmp_path, base))  # fmt: skip
    with (tmp_path / "links.lock").open("a") as f:
        f.write("sale@sale.example.cn https://evil.example.net/p\n")
    assert any("repointed in links.lock" in m for m in _errors(tmp_path, base))


def test_a_device_target_of_a_published_link_needs_the_override(tmp_path: Path) -> None:
    one = "links:\n  app: https://example.com/app\n"
    base = _locked_base(tmp_path, one)
    devices = "links:\n  app:\n    url: https://example.com/app\n    devices:\n      ios: https://evil.example.net/\n"
    (tmp_path / "links.yaml").write_text(devices)
    found = _errors(tmp_path, base)
    assert any("'app:ios' was published pointing to https://example.com/app" in m
               for m in found), found  # fmt: skip
    # with the override: recorded as a move of the iPhones' target, warned in check
    (tmp_path / "links.yaml").write_text(devices + "    repoint_from: https://example.com/app\n")
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 0, run.output
    assert "app:ios https://evil.example.net/" in (tmp_path / "links.lock").read_text()
    assert _errors(tmp_path, base) == []
    # a new link's devices are simply recorded
    _lock(tmp_path, devices.replace("app", "fresh"))
    assert "fresh:ios https://evil.example.net/" in (tmp_path / "links.lock").read_text()


# -- one site, however it names its domain; a look-alike domain --------------------------

ONE = "links:\n  gh: https://github.com/acme\n  docs: https://docs.example.com/\n"
SPELLINGS = {
    "domain": "site:\n  domain: go.example.com\n",
    "one-item domains": "site:\n  domains: [go.example.com]\n",
    "domains mapping": "site:\n  domains:\n    - domain: go.example.com\n",
    "case and dot": "site:\n  domain: GO.Example.COM.\n",
}
# lock lines as each way of writing the site had them: bare (site.domain), with the domain
# (site.domains of one, before a site of one domain wrote its lines bare), or by hand
LOCKS = {
    "bare": "gh https://github.com/acme\ndocs https://docs.example.com/\n",
    "with the domain": "gh@go.example.com https://github.com/acme\n"
    "docs@go.example.com https://docs.example.com/\n",
    "by hand": "gh@GO.Example.com. https://github.com/acme\ndocs@go.example.com https://docs.example.com/\n",
}


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
@pytest.mark.parametrize("locked", LOCKS.values(), ids=LOCKS.keys())
def test_writing_the_one_domain_another_way_keeps_every_slug_locked(
    tmp_path: Path, spelling: str, locked: str
) -> None:
    """'site.domain: x' and 'site.domains: [x]' are one site: a lock written under either
    holds the other's slugs (it used to take them all for new ones, free to point anywhere)."""
    (tmp_path / "links.lock").write_text(locked)
    (tmp_path / "links.yaml").write_text(spelling + ONE)
    assert _errors(tmp_path) == []
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 0 and "up to date (2 slugs)" in run.output, run.output
    (tmp_path / "links.yaml").write_text(
        spelling + ONE.replace("github.com/acme", "evil.example.net")
    )
    found = _errors(tmp_path)
    assert len(found) == 1 and found[0].startswith(
        "'gh' was published pointing to https://github.com/acme (links.lock:1)"
    ), found
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 1 and "links.lock was not written" in run.output
    assert (tmp_path / "links.lock").read_text() == locked


def test_a_one_domain_lock_line_written_by_hand_is_held_against_the_base(tmp_path: Path) -> None:
    """main's lock names 'gh@go.example.com'; the pull request writes the site as
    'site.domain' and adds a bare 'gh' line for a new target: refused."""
    base = tmp_path / "base.lock"
    base.write_text(LOCKS["with the domain"])
    (tmp_path / "links.lock").write_text(
        LOCKS["with the domain"] + "gh https://evil.example.net/\n"
    )
    (tmp_path / "links.yaml").write_text(
        SPELLINGS["domain"] + ONE.replace("github.com/acme", "evil.example.net")
    )
    found = _errors(tmp_path, base)
    assert any(
        m.startswith("'gh' is repointed in links.lock from https://github.com/acme to "
                     "https://evil.example.net/ without 'repoint_from'")
        for m in found
    ), found  # fmt: skip


def test_domains_compare_as_host_names_in_lock_lines(tmp_path: Path) -> None:
    """A lock line may spell a domain in Unicode, in capitals or with the root's dot."""
    site = (
        "site:\n  domains: [bücher.example, b.example]\n"
        "links:\n  gh:\n    url: https://github.com/acme\n    domains: all\n"
    )
    (tmp_path / "links.lock").write_text(
        "gh@BÜCHER.example. https://github.com/acme\ngh@other.example https://x.example/\n"
        "gh@B.EXAMPLE https://github.com/acme\n"
    )
    (tmp_path / "links.yaml").write_text(site)
    assert _errors(tmp_path) == []
    (tmp_path / "links.yaml").write_text(site.replace("github.com/acme", "evil.example.net"))
    assert sorted(m.split(" (")[0] for m in _errors(tmp_path)) == [
        "'gh@b.example' was published pointing to https://github.com/acme",
        "'gh@xn--bcher-kva.example' was published pointing to https://github.com/acme",
    ]


LOOKALIKES = {
    "Cyrillic о": ("gо.example.com", "xn--g-1tb.example.com (gо.example.com)"),
    "its punycode": ("xn--g-1tb.example.com", "xn--g-1tb.example.com (gо.example.com)"),
    "Greek ο": ("gο.example.com", "xn--g-smb.example.com (gο.example.com)"),
    "mixed scripts": ("gо.exаmple.com", "xn--g-1tb.xn--exmple-4nf.com (gо.exаmple.com)"),
    # Unicode's confusables data (UTS #39), not a table of our own picking
    "o with dot below": ("gọ.example.com", "xn--g-kxm.example.com (gọ.example.com)"),
    "Coptic o": ("gⲟ.example.com", "xn--g-qps.example.com (gⲟ.example.com)"),
    "Lisu O": ("gꓳ.example.com", "xn--g-yz2e.example.com (gꓳ.example.com)"),
    "digit one for l": ("go.examp1e.com", "go.examp1e.com"),
    "rn for m": ("go.exarnple.com", "go.exarnple.com"),
    "digit zero for o": ("g0.example.com", "g0.example.com"),
    # a letter with a mark, read in an address bar, is that letter
    "o with dot above": ("gȯ.example.com", "xn--g-xya.example.com (gȯ.example.com)"),
    "o with diaeresis": ("gö.example.com", "xn--g-1ga.example.com (gö.example.com)"),
}


@pytest.mark.parametrize(("written", "shown"), LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_domain_that_looks_like_a_locked_one_is_an_error(
    tmp_path: Path, written: str, shown: str
) -> None:
    _lock(tmp_path, TWO)
    (tmp_path / "links.yaml").write_text(
        TWO.replace("    - go.example.com\n", f"    - {written}\n")
    )
    result = check(tmp_path / "links.yaml")
    lookalike = [p for p in result.problems if "looks like" in p.message]
    assert [(p.line, p.column, p.severity, p.message) for p in lookalike] == [
        (
            3,
            7,
            "error",
            f"the domain {shown} looks like go.example.com, which links.lock names (line 6), "
            "but is another domain: its slugs would all look new",
        )
    ]
    assert lookalike[0].hint == (
        "write the domain exactly as links.lock does (go.example.com); a look-alike of a "
        "published domain is refused"
    )
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 1 and "looks like go.example.com" in run.output


def test_another_domain_is_new_publishing_not_a_look_alike(tmp_path: Path) -> None:
    _lock(tmp_path, TWO)
    (tmp_path / "links.yaml").write_text(TWO.replace("go.example.com", "go2.example.com"))
    assert _errors(tmp_path) == []  # its slugs are new there: no look-alike, no line needed


def test_a_site_naming_no_domain_cannot_read_a_lock_that_names_them(tmp_path: Path) -> None:
    _lock(tmp_path, TWO)
    (tmp_path / "links.yaml").write_text("links:\n  gh: https://evil.example.net/\n")
    assert _errors(tmp_path) == [
        "links.lock names the domains of its slugs (go.example.com, line 6), and links.yaml "
        "names none: its slugs cannot be held to their lines",
    ]


def test_each_domains_home_is_locked_and_moved_only_with_the_override(tmp_path: Path) -> None:
    base = _locked_base(tmp_path, TWO)
    lines = (tmp_path / "links.lock").read_text().splitlines()
    assert "/@go.example.com https://www.example.com/" in lines
    assert "/@sale.example.cn https://shop.example.cn/" in lines
    moved = TWO.replace(
        "      home: https://shop.example.cn\n", "      home: https://evil.example.net\n"
    )
    (tmp_path / "links.yaml").write_text(moved)
    found = check(tmp_path / "links.yaml", __import__("generator.lock").lock.read(base))
    assert [(p.line, p.column, p.message) for p in found.problems if p.is_error] == [
        (
            5,
            13,
            "the short domain's root '/@sale.example.cn' was published pointing to "
            "https://shop.example.cn/ (links.lock:7); people who type the short domain still "
            "go there",
        )
    ]
    (tmp_path / "links.yaml").write_text(
        TWO.replace(
            "      home: https://shop.example.cn\n",
            "      home:\n        url: https://evil.example.net\n"
            "        repoint_from: https://shop.example.cn\n",
        )
    )
    run = CliRunner().invoke(main, ["lock", str(tmp_path / "links.yaml")])
    assert run.exit_code == 0 and "1 moved (/@sale.example.cn)" in run.output, run.output
    assert _errors(tmp_path, base) == []
    # reordering the domains moves no home
    again = tmp_path / "again"
    again.mkdir()
    base = _locked_base(again, TWO)
    cn = "    - domain: sale.example.cn\n      home: https://shop.example.cn\n"
    (again / "links.yaml").write_text(
        TWO.replace("    - go.example.com\n" + cn, cn + "    - go.example.com\n")
    )
    assert not [m for m in _errors(again, base) if "/@" in m]


def _linkset(text: str) -> LinkSet:
    linkset = check_text(text, "links.yaml").linkset
    assert linkset is not None
    return linkset


def test_a_command_works_on_the_named_domain_else_the_urls_else_the_first() -> None:
    two = _linkset(TWO)
    assert domains.named(two, "SALE.example.cn.").name == "sale.example.cn"
    assert domains.named(two, None, "https://sale.example.cn/x").name == "sale.example.cn"
    assert domains.named(two, None, "https://elsewhere.example/").name == "go.example.com"
    assert domains.named(two, None).name == "go.example.com"
    with pytest.raises(domains.UnknownDomain, match=r"'sale\.example\.com' is not one of site"):
        domains.named(two, "sale.example.com")
    with pytest.raises(domains.UnknownDomain, match=r"^links\.yaml has no site\.domains$"):
        domains.given(_linkset("site:\n  domain: go.example.com\nlinks: {}\n"), "x", "links.yaml")


def test_verify_checks_the_links_of_the_host_it_asks_and_says_when_it_guessed() -> None:
    two = _linkset(TWO)
    cn, note = domains.answering(two, None, "https://sale.example.cn")
    assert (cn.site.domain, note) == ("sale.example.cn", None)
    assert {x.slug for x in cn.links} == {"sale", "catalog", "cn-only"}
    first, note = domains.answering(two, None, "http://127.0.0.1:8000")
    assert first.site.domain == "go.example.com"
    assert note == (
        "127.0.0.1 is not one of site.domains: checking the links of go.example.com "
        "(--domain chooses)"
    )
    one = _linkset("site:\n  domain: go.example.com\nlinks: {}\n")
    assert domains.answering(one, None, "http://localhost:1") == (one, None)
