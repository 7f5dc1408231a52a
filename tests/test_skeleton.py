"""Pages filled into skeletons are byte for byte the pages Jinja renders."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

import generator.pages
from generator.load import load_text
from generator.model import Target
from generator.pages import Pages, environment
from generator.plan import make_plan
from generator.skeleton import Skeletons
from generator.validate import validate
from tests.sites import render_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


def _no_qr(urls: list[str]) -> dict[str, tuple[bytes, bytes]]:
    return {u: (b"svg", b"png") for u in urls}


def _site(text: str, skeletons: bool) -> tuple[dict[str, bytes], Pages | None]:
    doc, problems = load_text(text)
    assert doc is not None and not problems
    linkset, more = validate(doc)
    assert not [p for p in more if p.is_error]
    env = environment()
    env.policies["shortlinks.skeletons"] = skeletons
    plan = make_plan(linkset, NOW)
    return render_site(plan, env, qr_codes=_no_qr).files, None


@pytest.mark.slow
def test_a_whole_site_is_the_same_through_skeletons_and_through_jinja() -> None:
    text = corpus.links_yaml(1500).replace(
        "links:\n",
        "links:\n  x1:\n    url: https://a.example/?q=<script>&x='\"\n"
        '    title: "Tom & Jerry </script><b>"\n    description: a\n    open_in_browser: true\n'
        "  x2:\n    url: https://a.example/#frag\n    image: https://a.example/i.png\n"
        "    expires: 2027-01-01\n"
        # plain links (Pages' plain pages, filled without reading their shape): odd text
        "  x3: https://a.example/?q=</script><b>&x='\"\n"
        "  x4:\n    url: https://a.example/p?%E2%80%A8=1&b=</script>\n    expires: 2027-01-01\n"
        "    expired: https://b.example/?a=</script>\n"
        "  x5:\n    url: https://a.example/优惠\n    expires: 2027-02-01\n"
        "    forward_query: false\n",
        1,
    )
    fast, _ = _site(text, skeletons=True)
    slow, _ = _site(text, skeletons=False)
    assert fast.keys() == slow.keys()
    different = [name for name in fast if fast[name] != slow[name]]
    assert not different, different[:5]
    assert b"</script><b>" not in fast["x3.html"]


def test_plain_pages_are_filled_without_reading_their_shape() -> None:
    """Most links' pages (no card, choice, beacon or view) take Pages' plain way: each of
    their shapes proved once, against the page made the usual way."""
    doc, _ = load_text(corpus.links_yaml(400))
    assert doc is not None
    linkset, _ = validate(doc)
    pages = Pages(make_plan(linkset, NOW), environment())
    for entry in pages.plan.entries:
        pages.entry(entry)
    made = {shape for shape, maker in pages._plain.items() if maker is not None}
    # (forward_query, expires, expired): passing the query on, with and without expiry
    assert {(True, False, False), (True, True, False)} <= made
    assert all(maker is not None for maker in pages._plain.values())


def test_a_plain_pages_script_and_its_hash_are_made_once_a_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plain page without an expiry reads its target from its canonical link: its script
    is the same on every page, and its hash (the CSP's) is made once for the shape, not once
    a page. An expiring page's script holds its own instant: one hash a page."""
    text = "links:\n"
    text += "".join(f"  p{i}: https://a.example/{i}?x=&y='{i}'\n" for i in range(20))
    text += "".join(
        f"  e{i}:\n    url: https://a.example/e\n    expires: 2027-01-{i + 1:02}\n"
        for i in range(5)
    )
    doc, _ = load_text(text)
    assert doc is not None
    linkset, _ = validate(doc)
    pages = Pages(make_plan(linkset, NOW), environment())
    made = {entry.slug: pages.entry(entry) for entry in pages.plan.entries}
    assert {shape for shape, maker in pages._plain.items() if maker is not None} == {
        (True, False, False),
        (True, True, False),
    }
    hashed: list[str] = []
    source = generator.pages._source
    monkeypatch.setattr(
        generator.pages, "_source", lambda text: hashed.append(text) or source(text)
    )
    again = {entry.slug: pages.entry(entry) for entry in pages.plan.entries}
    assert again == made
    assert len(hashed) == 5 and len(set(hashed)) == 5  # the expiring pages' only
    scripts = {page.partition(b"<script>")[2].partition(b"</script>")[0] for page in made.values()}
    assert len(scripts) == 1 + 5


def test_the_bundled_templates_take_the_skeletons_and_none_is_refused() -> None:
    doc, _ = load_text(corpus.links_yaml(400))
    assert doc is not None
    linkset, _ = validate(doc)
    env = environment()
    pages = Pages(make_plan(linkset, NOW), env)
    for entry in pages.plan.entries:
        pages.entry(entry)
        pages.preview(entry)
    assert pages._skeletons is not None
    assert pages._skeletons.fast > 600
    assert pages._skeletons.refused == []


def test_a_template_that_changes_a_value_falls_back_to_jinja() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"t.html": "<b>{{ title|upper }}</b> {{ target.url|tojson }}"}),
        autoescape=True,
    )
    skeletons = Skeletons(env)
    for title in ("one", "two <&>", "three"):
        values = {"title": title, "target": Target(url="https://a.example/?a=<b>", display="x")}
        assert skeletons.render("t.html", values) == env.get_template("t.html").render(**values)
    assert skeletons.refused == ["t.html"]


def test_values_are_escaped_as_jinja_escapes_them() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "t.html": "<a href='{{ u }}'>{{ u }}</a><script>{{ u|tojson }} {{ n|tojson }}"
                "</script>{{ raw }}{% if flag %}!{% endif %}"
            }
        ),
        autoescape=True,
    )
    skeletons = Skeletons(env)
    for u, n, flag in (("a", 1, True), ("</script>'\"&", 2, False), ("优惠", 3, True)):
        values = {"u": u, "n": n, "raw": Markup("<i>ok</i>"), "flag": flag}
        expected = env.get_template("t.html").render(**values)
        assert skeletons.render("t.html", values) == expected
    assert skeletons.fast == 1  # the first of each shape is Jinja's, compared


@pytest.mark.slow
def test_the_escapes_are_markupsafes_and_jinjas() -> None:
    import random

    from jinja2.utils import htmlsafe_json_dumps
    from markupsafe import escape

    from generator.skeleton import html_escape

    env = environment()
    skeletons = Skeletons(env)
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice("ab&<>'\"\\/ 优\u2028\n") for _ in range(rng.randrange(12)))
        assert html_escape(text) == str(escape(text))
        expected = str(htmlsafe_json_dumps(text, **env.policies["json.dumps_kwargs"]))
        assert skeletons._fill([(0, 1)], [text]) == expected
        # the compiled fill of a skeleton: the same escapes, between the same texts
        parts = ["<p a='", (0, 0), "'>{x}\\", (1, 1), (2, 2), ""]
        assert skeletons._compile(parts)([text, text, Markup(text)]) == skeletons._fill(
            parts, [text, text, Markup(text)]
        )
    assert html_escape(5) == "5" and html_escape(Markup("<b>")) == "<b>"


def test_false_zero_and_empty_are_different_shapes() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "{{ v|tojson }}"}), autoescape=True)
    skeletons = Skeletons(env, {"lang": "en"})
    for v in (False, 0, 0.0, "", None, False, 0, 1, True):
        assert skeletons.render("t", {"v": v}) == env.get_template("t").render(v=v), v
    shown = jinja2.Environment(
        loader=jinja2.DictLoader({"l": "{{ lang }}"}), autoescape=True
    ).get_template("l")
    overriding = Skeletons(shown.environment, {"lang": "en"})
    assert overriding.render("l", {"lang": "zh"}) == "zh"  # a page's value wins, via Jinja
