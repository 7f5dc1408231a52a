"""links.json's records are written as text, without making a dict a link (render.py's
``_record_texts``: 0.4 of the time at 100,000 links). Each must be the very JSON that
``json``'s encoder writes of ``link_record``, the documented shape, for every kind of
value: hostile text, every state, devices, passwords, campaigns, no domain."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings

from generator.build import check_text
from generator.plan import make_plan
from generator.render import _record_texts, link_record, links_json
from tests.conftest import NOW
from tests.test_properties import links_files

ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # what jsonout.with_list writes


def texts_and_records(yaml_text: str, now: datetime = NOW) -> list[tuple[str, str]]:
    checked = check_text(yaml_text, "links.yaml")
    assert checked.linkset is not None, checked.problems
    plan = make_plan(checked.linkset, now)
    texts = list(_record_texts(plan))
    assert len(texts) == len(plan.links)
    return [
        (text, ENCODE(link_record(plan, link)))
        for text, link in zip(texts, plan.links, strict=True)
    ]


EVERY_KIND = """\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
campaigns:
  spring:
    url: https://shop.example.com/spring
    slug: s-{code}
    distributors:
      - {code: ann, name: Ann "A" <b>}
links:
  plain: https://example.com/a
  full:
    url: https://example.com/b?q="x"&y=</script>
    title: 'Sale "50%" <b>now</b> \\ ☃ é'
    description: "line one\\nline two\\ttab"
    image: https://img.example.com/c.png
    open_in_browser: true
    aliases: [f2, 特卖]
    tags: [spring, "a \\"quoted\\" tag"]
    forward_query: false
    status: 307
    starts: 2020-01-01
    expires: 2030-01-01 12:30
    expired: https://example.com/after
  later:
    url: https://example.com/later
    starts: 2099-01-01
  gone:
    url: https://example.com/gone
    expires: 2001-01-01
  phone:
    url: https://example.com/desk
    devices: {ios: https://apps.apple.com/app/id1, android: https://play.example.com/x}
  secret:
    url: https://example.com/secret
    password: open sesame
  ab:
    variants: [https://example.com/va, {url: https://example.com/vb, weight: 3}]
  hello:
    url: https://example.com/en
    languages: {zh: https://example.com/zh, zh-TW: https://example.com/tw}
    countries: {CN: https://example.com/cn}
  soon:
    url: https://example.com/soon
    starts: 2099-01-01
    languages: {ja: https://example.com/ja}
    countries: {JP: https://example.com/jp}
"""


def test_every_kind_of_record_is_written_as_the_encoder_writes_its_dict() -> None:
    pairs = texts_and_records(EVERY_KIND)
    assert len(pairs) == 10
    for text, expected in pairs:
        assert text == expected
    by_slug = {json.loads(text)["slug"]: json.loads(text) for text, _ in pairs}
    assert by_slug["later"]["url"] is None  # not published before it starts
    assert by_slug["secret"]["url"] is None and by_slug["secret"]["password"] is True
    assert by_slug["s-ann"]["distributor"] == "ann"
    assert by_slug["full"]["title"].startswith('Sale "50%" <b>')
    assert by_slug["hello"]["languages"] == {
        "zh": "https://example.com/zh",
        "zh-TW": "https://example.com/tw",
    }
    assert by_slug["hello"]["countries"] == {"CN": "https://example.com/cn"}
    assert by_slug["ab"]["variants"] == [
        {"url": "https://example.com/va", "weight": 1},
        {"url": "https://example.com/vb", "weight": 3},
    ]
    # not started yet: none of its targets is published
    assert by_slug["soon"]["languages"] == by_slug["soon"]["countries"] == {}


def test_a_site_without_a_domain_has_no_short_urls() -> None:
    pairs = texts_and_records("links:\n  a: https://example.com/a\n")
    assert pairs[0][0] == pairs[0][1]
    assert json.loads(pairs[0][0])["short_url"] is None


def test_the_file_is_one_json_document_with_a_record_a_line() -> None:
    checked = check_text(EVERY_KIND, "links.yaml")
    assert checked.linkset is not None
    plan = make_plan(checked.linkset, datetime(2026, 6, 1, tzinfo=timezone.utc))
    data = links_json(plan).read().decode()
    whole = json.loads(data)
    assert [r["slug"] for r in whole["links"]] == [link.slug for link in plan.links]
    assert whole["links"] == [link_record(plan, link) for link in plan.links]


@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(links_files(hostile=True))
def test_any_file_check_accepts_gives_the_same_records(text: str) -> None:
    checked = check_text(text, "links.yaml")
    if checked.linkset is None:
        return  # refused: nothing is written, so no record either
    for mine, expected in texts_and_records(text):
        assert mine == expected
