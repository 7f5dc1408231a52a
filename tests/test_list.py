"""shortlinks list: every link with its state and the time left, sorted, filtered."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

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


def test_a_file_without_campaigns_lists_no_campaign_fields() -> None:
    fields = ["slug", "url", "state", "left", "starts", "expires", "title", "aliases", "tags"]
    assert [list(r) for r in json.loads(run("--format", "json"))] == [fields] * 6
    assert run("--format", "csv").splitlines()[0] == ",".join(fields)
