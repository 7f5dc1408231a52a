"""shortlinks list: every link with its state and the time left, sorted, filtered."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import main
from generator.commands import listing

LINKS = """\
site:
  timezone: Asia/Shanghai
links:
  forever: https://a.example/forever
  soon:
    url: https://a.example/soon
    expires: 2026-11-28
    tags: [winter]
  later-end:
    url: https://a.example/later-end
    expires: 2027-06-30
    tags: [winter, shop]
  next:
    url: https://a.example/next
    starts: 2026-12-01
  gone:
    url: https://a.example/gone
    expires: 2026-10-01
  优惠券: https://a.example/coupons
"""


@pytest.fixture(autouse=True)
def links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "links.yaml").write_text(LINKS, encoding="utf-8")


def run(*args: str) -> str:
    result = CliRunner().invoke(main, ["list", *args, "--now", "2026-11-25T08:00:00Z"])
    assert result.exit_code == 0, result.output
    return result.output


def test_sorted_soonest_end_first_with_time_left() -> None:
    rows = json.loads(run("--format", "json"))
    assert [(r["slug"], r["state"]) for r in rows] == [
        ("soon", "expiring"),
        ("later-end", "active"),
        ("forever", "active"),
        ("优惠券", "active"),
        ("next", "scheduled"),
        ("gone", "expired"),
    ]
    assert rows[0]["left"] == "3 days"  # to the end of 28 November in Shanghai
    assert rows[4]["left"] == "starts in 5 days"
    assert rows[5]["left"] == "ended 54 days ago"  # since the end of 1 October there


def test_filters_by_state_and_tag() -> None:
    assert [r["slug"] for r in json.loads(run("--state", "expiring", "--format", "json"))] == [
        "soon"
    ]
    active = json.loads(run("--state", "active", "--format", "json"))
    assert [r["slug"] for r in active] == ["soon", "later-end", "forever", "优惠券"]
    assert [r["slug"] for r in json.loads(run("--tag", "shop", "--format", "json"))] == [
        "later-end"
    ]


def test_csv_and_table() -> None:
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--tag", "winter"))))
    assert [(r["slug"], r["tags"]) for r in rows] == [
        ("soon", "winter"),
        ("later-end", "winter shop"),
    ]
    table = run().splitlines()
    assert table[0].split() == ["SLUG", "STATE", "LEFT", "URL"]
    coupons = next(line for line in table if line.startswith("优惠券"))
    soon = next(line for line in table if line.startswith("soon"))
    # a wide slug is padded by terminal columns, so the columns line up
    assert coupons.index("active") + 3 == soon.index("expiring")


def test_a_file_without_campaigns_lists_no_campaign_fields_in_csv() -> None:
    fields = ["slug", "url", "state", "left", "starts", "expires", "title", "aliases", "tags"]
    assert run("--format", "csv").splitlines()[0] == ",".join(fields)


# Every key of a row of `list --format json`, in order, as docs/cli.md lists them.
JSON_KEYS = [
    "slug", "url", "state", "left", "starts", "expires", "title", "description", "status",
    "aliases", "tags", "domains", "devices", "languages", "countries", "variants", "expired",
    "fallback", "password",
    "forward_query",
    "open_in_browser", "campaign", "distributor_code", "distributor_name",
]  # fmt: skip


def test_json_gives_machine_values_every_key_on_every_row() -> None:
    rows = {r["slug"]: r for r in json.loads(run("--format", "json"))}
    assert all(list(r) == JSON_KEYS for r in rows.values())
    assert rows["soon"] | {"url": ""} == {
        "slug": "soon",
        "url": "",
        "state": "expiring",
        "left": "3 days",
        "starts": None,
        "expires": "2026-11-29T00:00:00+08:00",  # the first instant it is expired
        "title": None,
        "description": None,
        "status": 302,
        "aliases": [],
        "tags": ["winter"],
        "domains": [],
        "devices": [],
        "languages": [],
        "countries": [],
        "variants": [],
        "expired": None,
        "fallback": None,
        "password": False,
        "forward_query": True,
        "open_in_browser": False,
        "campaign": None,
        "distributor_code": None,
        "distributor_name": None,
    }
    assert rows["next"]["starts"] == "2026-12-01T00:00:00+08:00"
    assert rows["forever"]["left"] is None
    assert rows["later-end"]["tags"] == ["winter", "shop"]


def test_json_of_a_link_with_every_key(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        """\
site:
  timezone: Europe/Berlin
links:
  app:
    url: https://a.example/app
    title: The app
    description: Get it
    status: 307
    starts: 2026-01-01T09:30:00Z
    expires: 2026-12-31T23:59:59+08:00
    expired: https://a.example/over
    aliases: [application, app2]
    tags: [mobile]
    devices:
      ios: https://apps.apple.com/app/id1
      android: https://play.google.com/store/apps/details?id=a
    languages:
      zh-tw: https://a.example/tw
    countries:
      CN: https://a.example/cn
    forward_query: false
    open_in_browser: true
  secret:
    url: https://a.example/secret
    password: open sesame
""",
        encoding="utf-8",
    )
    rows = {r["slug"]: r for r in json.loads(run("--format", "json"))}
    app = rows["app"]
    assert (app["starts"], app["expires"]) == (
        "2026-01-01T10:30:00+01:00",  # in site.timezone, with its offset
        "2026-12-31T16:59:59+01:00",
    )
    assert (app["title"], app["description"], app["status"], app["expired"]) == (
        "The app", "Get it", 307, "https://a.example/over"
    )  # fmt: skip
    assert (app["aliases"], app["tags"]) == (["application", "app2"], ["mobile"])
    assert app["devices"] == [
        {"platform": "ios", "url": "https://apps.apple.com/app/id1"},
        {"platform": "android", "url": "https://play.google.com/store/apps/details?id=a"},
    ]
    assert app["languages"] == [{"language": "zh-TW", "url": "https://a.example/tw"}]
    assert app["countries"] == [{"country": "CN", "url": "https://a.example/cn"}]
    assert (app["forward_query"], app["open_in_browser"], app["password"]) == (False, True, False)
    assert rows["secret"]["password"] is True
    assert "open sesame" not in json.dumps(rows)


def test_an_unknown_tag_is_an_error_with_the_close_ones() -> None:
    linkset = check(Path("links.yaml")).linkset
    assert linkset is not None
    listing.check_tag(linkset, "winter")
    with pytest.raises(listing.UnknownTag) as caught:
        listing.check_tag(linkset, "wintre", "f.yaml")
    assert str(caught.value) == "no link with the tag 'wintre' in f.yaml (did you mean 'winter'?)"


def test_every_state_of_the_listing_is_a_choice_of_list() -> None:
    assert listing.STATES == ("active", "scheduled", "expired", "expiring")
    assert "[active|scheduled|expired|expiring]" in run("list", "--help")


def test_json_shows_the_effective_expired_url_site_expired_too(tmp_path: Path) -> None:
    text = LINKS.replace("site:\n", "site:\n  expired: https://a.example/offers\n", 1)
    text += "  own:\n    url: https://a.example/own\n    expires: 2026-10-01\n"
    text += "    expired: https://a.example/mine\n"
    (tmp_path / "links.yaml").write_text(text, encoding="utf-8")
    rows = {r["slug"]: r["expired"] for r in json.loads(run("--format", "json"))}
    assert rows == {
        "forever": None,
        "soon": "https://a.example/offers",
        "later-end": "https://a.example/offers",
        "next": None,
        "gone": "https://a.example/offers",
        "优惠券": None,
        "own": "https://a.example/mine",
    }
