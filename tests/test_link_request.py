"""scripts/link_request.py reads a "Request a short link" issue as GitHub writes the form
into it, and refuses anything else with what to fix. The issue's text is untrusted: each
hostile answer below is refused with words for the requester, or kept as one plain value
(what `shortlinks add` then does with it: tests/e2e/test_request_link.py).
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
import yaml

from tests.conftest import ROOT

_SPEC = importlib.util.spec_from_file_location("link_request", ROOT / "scripts" / "link_request.py")
assert _SPEC is not None and _SPEC.loader is not None
lr = importlib.util.module_from_spec(_SPEC)
sys.modules["link_request"] = lr
_SPEC.loader.exec_module(lr)

FORM = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "request-link.yml").read_text())


def body(
    url: str | None = "https://shop.example.com/sale",
    slug: str | None = None,
    expires: str | None = None,
    title: str | None = None,
    rights: bool = True,
) -> str:
    """An issue's text as GitHub writes a submitted form: each label as a heading, the
    answer below it, '_No response_' for an empty one, '- [X]' for a ticked box."""
    parts = [
        f"### {label}\n\n{value if value else '_No response_'}"
        for label, value in (
            ("Target URL", url),
            ("Wanted slug", slug),
            ("Expires", expires),
            ("Title", title),
        )
    ]
    parts.append(f"### Permission\n\n- [{'X' if rights else ' '}] {lr.RIGHTS}")
    return "\n\n".join(parts)


def test_the_script_reads_the_forms_labels() -> None:
    """The form and the script name the same fields, so neither can drift alone."""
    fields = [item for item in FORM["body"] if item["type"] != "markdown"]
    assert {f["attributes"]["label"]: f["id"] for f in fields} == lr.FIELDS
    required = {f["id"] for f in fields if f.get("validations", {}).get("required")}
    rights = next(f for f in fields if f["id"] == "rights")
    assert [o["label"] for o in rights["attributes"]["options"]] == [lr.RIGHTS]
    assert rights["attributes"]["options"][0]["required"] is True
    assert required | {"rights"} == set(lr.REQUIRED)
    assert FORM["labels"] == ["link request"]


def test_the_workflow_acts_on_the_forms_label_only() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "request-link.yml").read_text())
    job = workflow["jobs"]["request"]
    assert job["if"] == (
        "contains(github.event.issue.labels.*.name, 'link request') "
        "&& github.event.issue.state == 'open'"
    )
    assert workflow[True] == {"issues": {"types": ["opened", "edited"]}}  # YAML 1.1 'on'
    assert workflow["permissions"] == {}
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }


def test_the_workflow_never_puts_the_issue_into_an_expression() -> None:
    """Only these expressions appear, none of them the issue's title or text."""
    text = (ROOT / ".github" / "workflows" / "request-link.yml").read_text()
    found = sorted(set(re.findall(r"\$\{\{(.*?)\}\}", text)))
    assert [e.strip() for e in found] == [
        "github.event.issue.number",
        "github.token",
        "secrets.LINK_REQUEST_TOKEN != ''",
        "secrets.LINK_REQUEST_TOKEN || github.token",
    ]


def test_a_filled_form_is_read() -> None:
    req = lr.parse(body(slug="spring", expires="2026-12-31", title="Spring sale 春季"))
    assert (req.url, req.slug, req.expires, req.title, req.rights, req.errors) == (
        "https://shop.example.com/sale",
        "spring",
        "2026-12-31",
        "Spring sale 春季",
        True,
        [],
    )


def test_empty_answers_are_none_and_windows_line_ends_are_read() -> None:
    req = lr.parse(body().replace("\n", "\r\n"))
    assert (req.url, req.slug, req.expires, req.title, req.errors) == (
        "https://shop.example.com/sale",
        None,
        None,
        None,
        [],
    )


# (the issue's text, the one error it gets)
# fmt: off
REFUSED = [
    ("", "the issue has no text: open it with the 'Request a short link' form"),
    (body(url=None), "Target URL: the form needs the address the link goes to"),
    (body(rights=False), f"Permission: tick '{lr.RIGHTS}'"),
    (body().replace(lr.RIGHTS, "I promise"), f"Permission: tick '{lr.RIGHTS}'"),
    (body(slug="sale\nstatus: 301"), "Wanted slug: write it on one line (it has 2)"),
    (body(title="x\n  status: 301"), "Title: write it on one line (it has 2)"),
    (body(title="a" * 10_000), "Title: 10000 characters are too long; at most 300"),
    (body(url="https://x.example/" + "a" * 9_982), "Target URL: 10000 characters are too long; at most 4096"),
    (body(slug="sale\u202egpj"), "Wanted slug: contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5: remove it"),
    (body(title="Sale\u200b"), "Title: contains the invisible character U+200B (ZERO WIDTH SPACE) at position 5: remove it"),
    (body(title="a\x1b[31mred"), "Title: contains the invisible character U+001B (a control character) at position 2: remove it"),
    (body() + "\n\n### Wanted slug\n\nother", "the issue has the section '### Wanted slug' twice: keep one"),
    (body() + "\n\n### Status\n\n301", "the issue has a section '### Status' that the form does not have: keep the form's headings as they are"),
    (f"### Title\n\nno url\n\n### Permission\n\n- [X] {lr.RIGHTS}", "the issue has no '### Target URL' section: use the form"),
    ("x" * 20_001, "the issue's text is 20001 characters long; the form makes at most 20000: open a new request with the form"),
]
# fmt: on


@pytest.mark.parametrize(("text", "error"), REFUSED, ids=range(len(REFUSED)))
def test_what_is_not_the_form_is_refused_with_what_to_do(text: str, error: str) -> None:
    assert lr.parse(text).errors == [error]


# Kept as one plain value each: `shortlinks add` then refuses or quotes it.
KEPT = [
    "$(rm -rf /)",
    "`rm -rf /`",
    "${{ github.token }}",
    'x", status: 301, "y',
    "'; DROP TABLE links; --",
    "@everyone #1 <script>alert(1)</script>",
    "ѕale",
]


@pytest.mark.parametrize("value", KEPT)
def test_a_hostile_one_line_answer_is_kept_as_it_is(value: str) -> None:
    req = lr.parse(body(slug=value, title=value))
    assert (req.slug, req.title, req.errors) == (value, value, [])


def test_a_slug_of_latin_and_cyrillic_letters_is_refused() -> None:
    why = lr.slug_lookalike("ѕale", ["gh"])  # a Cyrillic 'ѕ'
    assert (
        why
        == "Wanted slug: 'ѕale' mixes Cyrillic and Latin letters, which look alike: use one script"
    )


def test_a_slug_that_looks_like_one_in_use_is_refused() -> None:
    lookalike = "\u0455\u0430\u04cf\u0435"  # Cyrillic letters drawn as 'sale'
    assert lr.slug_lookalike(lookalike, ["gh", "sale"]) == (
        f"Wanted slug: {lookalike!r} looks like the slug 'sale', which is in use"
    )
    assert lr.slug_lookalike(lookalike, ["gh"]) is None  # nothing to be taken for


@pytest.mark.parametrize("slug", ["spring-sale", "优惠券", "скидка", "セール", "team/docs"])
def test_slugs_of_one_script_pass(slug: str) -> None:
    assert lr.slug_lookalike(slug, ["sale", "gh"]) is None


@pytest.mark.parametrize("inside", ["```", "````", "a ``` b", "`x`", "```\n@everyone\n```"])
def test_a_fence_cannot_be_closed_from_inside(inside: str) -> None:
    block = lr.fence(f"before {inside} after")
    opening = block.split("\n", 1)[0].removesuffix("text")
    assert set(opening) == {"`"} and len(opening) > max(map(len, re.findall("`+", inside)))
    assert block.endswith("\n" + opening)
    assert all(not line.startswith(opening) for line in block.split("\n")[1:-1])


def test_errors_are_answered_inside_a_code_block() -> None:
    text = lr.comment_for({"status": "invalid", "errors": "Title: ```\n@everyone"}, "run")
    assert text.startswith("The link was not added. What to fix:\n\n````text\n")
    assert "\n````text\nTitle: ```\n@everyone\n````\n" in text


def test_the_answer_for_an_author_without_a_role() -> None:
    text = lr.comment_for({"status": "refused", "association": "NONE"}, "run")
    assert "(GitHub names its role `NONE`)" in text


def test_the_answer_when_a_step_broke_names_the_run() -> None:
    assert lr.comment_for(None, "https://github.com/a/b/actions/runs/7") == (
        "The request could not be read. The run's log says why: "
        "https://github.com/a/b/actions/runs/7"
    )
