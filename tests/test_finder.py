"""The 404 page's table (generator/finder.py); its script is run against it in
tests/e2e/test_http.py."""

from __future__ import annotations

import pytest

from generator import finder


@pytest.mark.parametrize(
    ("typed", "norm"),
    [
        ("Sale", "sale"),
        ("sale)", "sale"),
        ("sale.", "sale"),
        ("sale,", "sale"),
        ("sale。", "sale"),
        ("sale）", "sale"),
        ("sale/", "sale"),
        ("ｓａｌｅ", "sale"),  # full-width
        ("Team/Docs).", "team/docs"),
        ("优惠券！", "优惠券"),
        ("v1.2", "v1.2"),  # a dot inside stays
    ],
)
def test_mangled_spellings_share_the_slugs_normal_form(typed: str, norm: str) -> None:
    assert finder.normal(typed) == norm


def test_table_holds_no_slug_in_clear_and_unseals_only_with_the_normal_form() -> None:
    table = finder.table(["spring-sale", "gh", "优惠券"])
    assert table is not None and len(table) == 3
    text = repr(table)
    for slug in ("spring-sale", "gh", "优惠券"):
        assert slug not in text
    key = finder.key_of("spring-sale")
    sealed = bytes.fromhex(table[key])
    stream = finder._stream("spring-sale", len(sealed))
    assert bytes(a ^ b for a, b in zip(sealed, stream, strict=True)).decode() == "spring-sale"


def test_two_slugs_with_one_normal_form_are_left_out() -> None:
    table = finder.table(["sale", "sale.", "gh"])
    assert table is not None
    assert finder.key_of("sale") not in table
    assert finder.key_of("gh") in table


def test_past_the_cap_there_is_no_table() -> None:
    assert finder.table(f"s{i}" for i in range(finder.MAX_SLUGS + 1)) is None


def test_fnv1a_matches_the_published_test_vectors() -> None:
    # FNV-1a 32-bit: "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968
    assert finder.fnv1a(b"", finder.SEED1) == 0x811C9DC5
    assert finder.fnv1a(b"a", finder.SEED1) == 0xE40C292C
    assert finder.fnv1a(b"foobar", finder.SEED1) == 0xBF9CF968
