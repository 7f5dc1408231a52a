"""The shared previews (generator/previews.py): records sealed in a few shard files, and
the shared script that opens and draws them (templates/preview_shared.js), run in Node
with a stand-in document (tests/run_preview_js.js) against a built site."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator import previews
from generator.load import load_text
from generator.pages import environment
from generator.plan import make_plan
from generator.validate import validate
from generator.write import write_site
from tests import unseal
from tests.conftest import NOW, ROOT, require_tool
from tests.sites import render_site

RUNNER = ROOT / "tests" / "run_preview_js.js"
LONG = "长" * 60 + "-slug"  # 185 bytes: SHA-256 over several blocks in the script

SITE = f"""\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
links:
  gh: https://github.com/acme
  sale:
    url: https://shop.example.com/sale?a=1&b=<2>
    title: Spring <b>sale</b> $& {{when}}
    description: "Line one\\nline two"
    expires: 2026-12-31
    aliases: [promo, 特卖]
  moved:
    url: https://shop.example.com/old
    expires: 2026-12-31
    expired: https://shop.example.com/new
  later:
    url: https://shop.example.com/later
    starts: 2027-01-01
  Team/Docs:
    url: https://docs.example.com/
    devices:
      ios: https://apps.apple.com/app/id1
      android: https://play.google.com/store/apps/details?id=x
  secret:
    url: https://vault-q7.example/hidden
    password: correct horse battery
  {LONG}: https://long.example/
"""
BEFORE = int(datetime(2026, 12, 1, tzinfo=timezone.utc).timestamp() * 1000)
# 2026-12-31 in Asia/Shanghai ends at 16:00 UTC; 2027-01-01 starts then
EDGE = int(datetime(2026, 12, 31, 16, tzinfo=timezone.utc).timestamp() * 1000)


def built(text: str = SITE) -> dict[str, bytes]:
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    return render_site(make_plan(linkset, NOW), environment()).files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("previews") / "_site"
    write_site(out, built())
    return out


def draw(site: Path, path: str, now: int = BEFORE, shell: bool = True) -> dict:
    node = require_tool("node")
    run = subprocess.run(
        [node, str(RUNNER), str(site), "https://go.example.com" + path, str(now)],
        capture_output=True,
        text=True,
        check=True,
        env={"PREVIEW_SHELL": "1" if shell else "0"},
        timeout=30,
    )
    return json.loads(run.stdout)


def text_of(node: object) -> str:
    if isinstance(node, str):
        return node
    assert isinstance(node, list)
    return "".join(text_of(c) for c in node[2:])


def record_of(files: dict[str, bytes], path: str) -> dict | None:
    """The record filed under ``path`` in a built site's shards, opened; None if none."""
    count = sum(1 for f in files if f.startswith("_shortlinks/previews/"))
    key = previews.key_of(path)
    shard = json.loads(files[f"_shortlinks/previews/{previews.shard_of(key, count)}.json"])
    if key not in shard:
        return None
    found = shard[key]
    # sealed (a string) where the site keeps its slugs unlisted; else the record itself
    return json.loads(unseal.preview(found, path)) if isinstance(found, str) else found


def records(files: dict[str, bytes]) -> dict[str, dict]:
    paths = ["gh", "sale", "promo", "特卖", "moved", "later", "Team/Docs", "team/docs", "secret"]
    return {path: found for path in paths if (found := record_of(files, path)) is not None}


def test_a_record_opens_only_with_its_path() -> None:
    data = b"{'t': 'x'}" * 20
    sealed = previews.seal(data, "spring-sale")
    assert unseal.preview(sealed, "spring-sale") == data
    assert unseal.preview(sealed, "spring-salf") != data
    assert previews.key_of("spring-sale") == previews.key_of("spring-sale")
    assert len(previews.key_of("spring-sale")) == 16 and previews.key_of("a") != previews.key_of(
        "b"
    )


@pytest.mark.parametrize(
    ("paths", "count"), [(0, 1), (1, 1), (256, 1), (257, 2), (20_000, 128), (10**7, 4096)]
)
def test_the_number_of_shards_grows_with_the_site_up_to_a_cap(paths: int, count: int) -> None:
    assert previews.shard_count(paths) == count


def test_records_are_sealed_only_where_links_json_does_not_list_the_slugs() -> None:
    listed, unlisted = built(), built(SITE.replace("site:\n", "site:\n  links_json: false\n"))
    for files, sealed in ((listed, False), (unlisted, True)):
        kinds = {
            type(value)
            for name, data in files.items()
            if name.startswith("_shortlinks/previews/")
            for value in json.loads(data).values()
        }
        assert kinds == ({str} if sealed else {dict})
    assert records(listed) == records(unlisted)  # the same records either way
    listing = json.loads(listed["links.json"])
    # a listed site's records show nothing links.json keeps back (a locked or later target)
    for link in listing["links"]:
        if link["url"] is None:
            found = record_of(listed, link["slug"])
            assert found is not None and "u" not in found and "D" not in found


def test_the_shards_name_no_slug_and_no_target() -> None:
    files = built(SITE.replace("site:\n", "site:\n  links_json: false\n"))
    shards = b"".join(v for k, v in files.items() if k.startswith("_shortlinks/previews/"))
    assert shards
    for text in ("gh", "sale", "spring", "Spring", "github", "shop.example", "特卖", "vault"):
        assert text.encode() not in shards, text
    shared = b"".join(v for k, v in files.items() if k.startswith("_shortlinks/"))
    assert b"github.com" not in shared and b"vault-q7" not in shared


def test_each_path_has_its_record_and_a_password_keeps_its_target_unpublished() -> None:
    found = records(built())
    assert found["gh"] == {"s": "gh", "u": ["https://github.com/acme", "https://github.com/acme"]}
    assert found["promo"]["s"] == "promo" and found["sale"]["t"] == "Spring <b>sale</b> $& {when}"
    assert found["sale"]["E"] == "31 December 2026" and found["sale"]["e"] == EDGE
    assert "u" not in found["later"] and found["later"]["A"] == "1 January 2027"
    assert found["secret"] == {"s": "secret", "l": 1}
    # filed under its normal form too: '/team/docs+' finds 'Team/Docs'
    assert found["team/docs"] == found["Team/Docs"]
    assert found["Team/Docs"]["D"] == [
        ["ios", "https://apps.apple.com/app/id1", "https://apps.apple.com/app/id1"],
        [
            "android",
            "https://play.google.com/store/apps/details?id=x",
            "https://play.google.com/store/apps/details?id=x",
        ],
    ]


@pytest.mark.parametrize("year", [2026, 2027])  # before the links expire and after
def test_a_record_written_directly_is_the_records_json(year: int) -> None:
    from generator.pages import Pages

    locked = (
        "  locked-late:\n    url: https://x.example/\n    password: pw pw pw pw\n"
        "    expires: 2027-03-01\n    expired: https://x.example/gone\n"
        """    title: 'Q"uote \\ <''&> 优'\n    description: '\\u2028'\n"""
    )
    doc, problems = load_text(SITE.replace("  secret:\n", locked + "  secret:\n"))
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    plan = make_plan(linkset, datetime(year, 2, 1, tzinfo=timezone.utc))
    pages = Pages(plan, environment())
    assert len({e.state for e in plan.entries}) >= 2
    for entry in plan.entries:
        assert pages.preview_data(entry) == previews.encode(pages.preview_record(entry))


def test_two_paths_with_one_key_are_both_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(previews, "key_of", lambda path: "0" * 16 if path in "ab" else path)
    shards = previews.shards([("a", b"1"), ("b", b"2"), ("c", b"3")], 1)
    assert list(shards[0]) == ["c"]


def test_a_normal_form_two_slugs_share_is_filed_under_neither() -> None:
    shards = previews.shards([("Sale", b"1"), ("sale.", b"2")], 1)
    assert sorted(shards[0]) == sorted([previews.key_of("Sale"), previews.key_of("sale.")])


# -- the shared script, in Node ------------------------------------------------------------


@pytest.mark.slow
def test_the_script_draws_a_preview_as_the_preview_page_did(site: Path) -> None:
    got = draw(site, "/sale+")
    assert got["title"] == "Spring <b>sale</b> $& {when} · Link preview"
    main = got["main"]
    assert main[2:] == [
        ["h1", {}, "Spring <b>sale</b> $& {when}"],
        ["p", {"className": "description"}, "Line one\nline two"],
        ["p", {}, "This short link goes to:"],
        [
            "p",
            {"className": "target"},
            [
                "a",
                {
                    "href": "https://shop.example.com/sale?a=1&b=%3C2%3E",
                    "rel": "nofollow noopener",
                },
                "https://shop.example.com/sale?a=1&b=<2>",  # its display form, as text
            ],
        ],
        ["p", {"className": "muted"}, "Valid until 31 December 2026."],
        [
            "p",
            {"className": "short"},
            ["span", {"id": "short"}, "https://go.example.com/sale"],
            " ",
            ["button", {"type": "button", "id": "copy"}, "Copy"],
        ],
        [
            "figure",
            {"className": "qr"},
            [
                "img",
                {"id": "qr", "alt": "QR code: https://go.example.com/sale", "width": "240",
                 "height": "240"},
            ],
            ["figcaption", {}, "QR code: ", ["a", {}, "SVG"], " · ", ["a", {}, "PNG"]],
        ],
    ]  # fmt: skip
    assert got["drawn"] == [
        {"image": "qr", "text": "https://go.example.com/sale", "name": "sale", "svg": True,
         "png": True}
    ]  # fmt: skip
    assert len(got["fetched"]) == 1 and got["fetched"][0].startswith("/_shortlinks/previews/")


@pytest.mark.slow
def test_the_visitors_clock_decides_the_state(site: Path) -> None:
    assert "Valid until" in text_of(draw(site, "/moved+", EDGE - 1)["main"])
    after = draw(site, "/moved+", EDGE)["main"]
    assert "Expired: it was valid until 31 December 2026." in text_of(after)
    assert "https://shop.example.com/new" in text_of(after)  # where it goes now
    assert "https://shop.example.com/old" not in json.dumps(after)
    gone = draw(site, "/sale+", EDGE)["main"]
    assert "goes to" not in text_of(gone) and "https://shop.example.com" not in json.dumps(gone)
    later = text_of(draw(site, "/later+", EDGE - 1)["main"])
    assert "Opens on 1 January 2027." in later and "shop.example.com" not in later


@pytest.mark.slow
def test_aliases_unicode_mangled_and_long_paths_find_their_records(site: Path) -> None:
    promo = draw(site, "/promo+")
    assert text_of(promo["main"]).endswith("https://go.example.com/promo CopyQR code: SVG · PNG")
    sale = draw(site, "/%E7%89%B9%E5%8D%96%2B")  # '特卖+', its '+' escaped
    assert "https://go.example.com/%E7%89%B9%E5%8D%96" in text_of(sale["main"])
    docs = draw(site, "/team/docs+")  # not the slug: filed under its normal form too
    assert len(docs["fetched"]) == 1
    assert "iPhone and iPad: https://apps.apple.com/app/id1" in text_of(docs["main"])
    assert "Android: https://play.google.com/store/apps/details?id=x" in text_of(docs["main"])
    mangled = draw(site, "/Team/Docs).+")  # no record: then its normal form's
    assert mangled["main"] == docs["main"] and len(mangled["fetched"]) == 2
    long = draw(site, "/" + LONG + "+")  # several blocks of SHA-256 in the script
    assert "https://long.example/" in text_of(long["main"])


@pytest.mark.slow
def test_a_password_link_says_so_and_names_no_target(site: Path) -> None:
    main = draw(site, "/secret+")["main"]
    assert "protected by a password" in text_of(main)
    assert "goes to" not in text_of(main) and "vault-q7" not in json.dumps(main)


@pytest.mark.slow
def test_a_path_that_is_no_link_says_so_on_the_shared_page_and_leaves_the_404_page(
    site: Path,
) -> None:
    shared = draw(site, "/nothing-here+")
    assert shared["title"] == "Link not found"
    assert text_of(shared["main"]).startswith("This short link does not exist")
    on_404 = draw(site, "/nothing-here+", shell=False)  # the 404 page: left as it is
    assert on_404["title"] == "" and on_404["main"] == ["main", {}]
    assert draw(site, "/gh")["fetched"] == []  # not a preview's path: nothing to do


IN_APP_SITE = """\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
links:
  shop:
    url: https://shop.example.com/
    open_in_browser: true
  ended:
    url: https://shop.example.com/old
    open_in_browser: true
    expires: 2026-11-01
    expired: https://shop.example.com/new
  plain: https://plain.example.com/
"""
IN_APP_LINE = (
    "In chat and social apps (WeChat, Instagram, LINE…) it asks visitors to open it in "
    "their browser."
)


def test_the_preview_says_a_link_asks_in_app_browsers_to_leave(tmp_path: Path) -> None:
    """open_in_browser, flagged ``o`` in the shared record and drawn under the target; not
    on a link without it, nor once the link has expired (it goes to its 'expired' URL)."""
    files = built(IN_APP_SITE)
    assert record_of(files, "shop")["o"] == 1  # type: ignore[index]
    assert "o" not in record_of(files, "plain")  # type: ignore[operator]
    assert "o" not in record_of(files, "ended")  # type: ignore[operator]
    write_site(tmp_path / "_site", files)
    paragraphs = [
        text_of(node) for node in draw(tmp_path / "_site", "/shop+")["main"][2:] if node[0] == "p"
    ]
    assert paragraphs[:3] == ["This short link goes to:", "https://shop.example.com/", IN_APP_LINE]
    for slug in ("plain", "ended"):
        main = draw(tmp_path / "_site", f"/{slug}+")["main"]
        assert IN_APP_LINE not in text_of(main), slug


def test_a_preview_file_says_it_too_in_the_sites_language() -> None:
    from generator.i18n import MESSAGES

    files = built(IN_APP_SITE.replace("site:\n", "site:\n  preview: files\n", 1))
    assert f"<p>{IN_APP_LINE}</p>" in files["shop+.html"].decode()
    assert IN_APP_LINE not in files["plain+.html"].decode()
    assert IN_APP_LINE not in files["ended+.html"].decode()
    zh = built(IN_APP_SITE.replace("site:\n", "site:\n  preview: files\n  language: zh\n", 1))
    assert f"<p>{MESSAGES['zh']['preview_in_app']}</p>" in zh["shop+.html"].decode()


def test_the_in_app_flag_is_written_as_previews_encode_writes_it() -> None:
    from generator.pages import Pages

    doc, _ = load_text(IN_APP_SITE)
    assert doc is not None
    linkset, problems = validate(doc)
    assert linkset is not None, problems
    plan = make_plan(linkset, NOW)
    pages = Pages(plan, environment())
    for entry in plan.entries:
        assert pages.preview_data(entry) == previews.encode(pages.preview_record(entry))
