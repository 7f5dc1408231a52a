"""Campaigns in the commands: list --campaign, export and import, and the QR sheet to print.

The sheet's codes are read back for real: each card's path is drawn module by module
into an image and decoded with zxing-cpp, so a code that scans to another distributor's
URL (or to nothing) fails here, not at the print shop.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import main
from generator.commands import sheet

NOW = "2026-11-25T08:00:00Z"
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>&\"'"

LINKS = """\
site:
  domain: go.example.com
  timezone: Asia/Shanghai
links:
  gh: https://github.com/example
campaigns:
  spring:
    url: https://shop.example.com/spring
    expires: 2027-03-31
    title: Spring collection
    distributors:
      - {code: a01, name: Alice Wang}
      - {code: b02, name: 王伟}
      - {code: x9, name: "<script>&\\"'"}
      - c03
  summer:
    url: https://shop.example.com/summer
    ref: partner
    distributors: [s1]
"""


@pytest.fixture(autouse=True)
def links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")  # the table's width, whatever runs the tests
    path = tmp_path / "links.yaml"
    path.write_text(LINKS, encoding="utf-8")
    return path


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result.output


def many(count: int, domain: str = "go.example.com") -> str:
    """A links file with one campaign of ``count`` distributors, a Chinese name among them."""
    people = "".join(
        f"      - {{code: d{i:02d}, name: {'王伟' if i % 7 == 1 else f'Person {i}'}}}\n"
        for i in range(count)
    )
    return (
        f"site:\n  domain: {domain}\n"
        "campaigns:\n  spring:\n    url: https://shop.example.com/spring\n"
        f"    title: Spring collection\n    distributors:\n{people}"
    )


# --- list --campaign --------------------------------------------------------------------


def test_list_campaign_table_has_each_distributor_in_their_order() -> None:
    assert run("list", "--campaign", "spring", "--now", NOW).splitlines() == [
        "SLUG        STATE   LEFT      CODE  NAME         URL",
        "spring-a01  active  126 days  a01   Alice Wang   "
        "https://shop.example.com/spring?utm_source=a01&utm_medium=distributor&utm_campaign=spring",
        "spring-b02  active  126 days  b02   王伟         "
        "https://shop.example.com/spring?utm_source=b02&utm_medium=distributor&utm_campaign=spring",
        "spring-x9   active  126 days  x9    <script>&\"'  "
        "https://shop.example.com/spring?utm_source=x9&utm_medium=distributor&utm_campaign=spring",
        "spring-c03  active  126 days  c03   c03          "
        "https://shop.example.com/spring?utm_source=c03&utm_medium=distributor&utm_campaign=spring",
    ]


def test_list_campaign_json_and_csv_carry_code_and_name() -> None:
    rows = json.loads(run("list", "--campaign", "spring", "--format", "json", "--now", NOW))
    assert [
        (r["slug"], r["campaign"], r["distributor_code"], r["distributor_name"]) for r in rows
    ] == [
        ("spring-a01", "spring", "a01", "Alice Wang"),
        ("spring-b02", "spring", "b02", "王伟"),
        ("spring-x9", "spring", "x9", EVIL),
        ("spring-c03", "spring", "c03", "c03"),
    ]
    text = run("list", "--campaign", "summer", "--format", "csv", "--now", NOW)
    assert text.splitlines()[0] == (
        "slug,url,state,left,starts,expires,title,aliases,tags,"
        "campaign,distributor_code,distributor_name"
    )
    assert list(csv.DictReader(io.StringIO(text))) == [
        {
            "slug": "summer-s1",
            "url": "https://shop.example.com/summer?partner=s1",
            "state": "active",
            "left": "",
            "starts": "",
            "expires": "",
            "title": "",
            "aliases": "",
            "tags": "",
            "campaign": "summer",
            "distributor_code": "s1",
            "distributor_name": "s1",
        }
    ]


def test_plain_list_shows_the_campaign_of_each_link_and_blanks_for_the_others() -> None:
    table = run("list", "--now", NOW).splitlines()
    assert table[0].split() == ["SLUG", "STATE", "LEFT", "CAMPAIGN", "CODE", "NAME", "URL"]
    assert table[1].split()[:6] == ["spring-a01", "active", "126", "days", "spring", "a01"]
    assert table[-1].split() == ["summer-s1", "active", "summer", "s1", "s1",
                                 "https://shop.example.com/summer?partner=s1"]  # fmt: skip
    rows = {r["slug"]: r for r in json.loads(run("list", "--format", "json", "--now", NOW))}
    assert (rows["gh"]["campaign"], rows["gh"]["distributor_code"]) == (None, None)
    assert rows["spring-b02"]["distributor_name"] == "王伟"


def test_an_unknown_campaign_is_an_error_naming_the_known_ones(links: Path) -> None:
    out = run("list", "--campaign", "autumn", code=1)
    assert out == (
        "error: no campaign 'autumn' in links.yaml: its campaigns are 'spring', 'summer'\n"
    )
    links.write_text("links:\n  gh: https://github.com/example\n")
    out = run("list", "--campaign", "autumn", code=1)
    assert out == "error: no campaign 'autumn' in links.yaml: it has no 'campaigns:' section\n"


# --- export and import -------------------------------------------------------------------


def test_export_has_the_campaign_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(run("export"))))
    assert list(rows[0]) == [
        "slug", "url", "expires", "starts", "title", "description", "aliases", "tags",
        "campaign", "distributor_code", "distributor_name", "domains",
    ]  # fmt: skip
    by_slug = {r["slug"]: r for r in rows}
    assert (by_slug["gh"]["campaign"], by_slug["gh"]["distributor_name"]) == ("", "")
    x9 = by_slug["spring-x9"]
    person = (x9["campaign"], x9["distributor_code"], x9["distributor_name"])
    assert person == ("spring", "x9", EVIL)
    assert x9["url"].endswith("?utm_source=x9&utm_medium=distributor&utm_campaign=spring")


def test_import_never_turns_a_campaign_link_into_a_link_of_its_own(
    links: Path, tmp_path: Path
) -> None:
    run("export", "-o", "all.csv")
    # back into the same file: the campaign makes them already, gh is there the same
    before = links.read_text(encoding="utf-8")
    out = run("import", "all.csv")
    assert "all.csv:2: skipped gh: already in links.yaml, the same link" in out
    assert "all.csv:3: skipped spring-a01: made by campaign 'spring' already" in out
    assert out.splitlines()[-1] == "Imported 0 link(s) (shortlinks format), skipped 6"
    assert links.read_text(encoding="utf-8") == before

    # a distributor since removed from the campaign: added back there, not as a link;
    # the row is refused, so nothing is imported (the row would be lost without a word)
    fewer = tmp_path / "fewer.yaml"
    fewer.write_text(before.replace("      - c03\n", ""), encoding="utf-8")
    out = run("import", "all.csv", str(fewer), "--dry-run", code=1)
    assert (
        "all.csv:6:9: error: row 6, column I (campaign): a link of campaign 'spring': add "
        "distributor 'c03' to its distributors in fewer.yaml rather than a link of its own "
        "(import-campaign)\n"
        "    hint: campaign links are made by the campaign, not imported; or remove the row\n"
    ) in out

    # a file without the campaign: copy the campaign; --skip-bad brings the hand-written
    # link in and lists the campaign's rows as refused
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text("site:\n  domain: go.example.com\nlinks:\n  docs: https://docs.example\n")
    out = run("import", "all.csv", str(fresh), code=1)
    assert out.splitlines()[-1] == (
        "error: nothing imported: 5 row(s) refused; fix them, or import the others with --skip-bad"
    )
    out = run("import", "all.csv", str(fresh), "--skip-bad")
    assert (
        "all.csv:3:9: error: row 3, column I (campaign): a link of campaign 'spring', which "
        "fresh.yaml does not have: copy the campaign to its 'campaigns:' (campaign links are "
        "made from it, not imported)"
    ) in out
    assert out.splitlines()[-1] == "Imported 1 link(s) (shortlinks format), skipped 0, refused 5"
    linkset = check(fresh).linkset
    assert linkset is not None
    assert sorted(link.slug for link in linkset.links) == ["docs", "gh"]


# --- the sheet ---------------------------------------------------------------------------


def draw(d: str, side: int) -> object:
    """segno's path ('M4 4.5h7m1 0h5m-29 1h1...': a line a run of dark modules) drawn as
    an image, 8 pixels a module, for the decoder."""
    import PIL.Image

    image = PIL.Image.new("L", (side * 8, side * 8), 255)
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            end = float(a) if op == "H" else x + float(a)
            row = int(y)  # the line is drawn through the middle of its row of modules
            image.paste(0, (int(x) * 8, row * 8, int(end) * 8, row * 8 + 8))
            x = end
    return image


def decode(qr: ET.Element) -> str:
    import zxingcpp

    side = int(qr.get("viewBox", "").split()[2])
    path = qr.find(f"{SVG}path")
    assert path is not None
    found = zxingcpp.read_barcodes(draw(path.get("d", ""), side))
    assert len(found) == 1
    return found[0].text


def card_contents(svg_text: str) -> list[tuple[str, str, str, str]]:
    """(code, name, URL shown, URL the QR decodes to) of every card of a page, in order."""
    root = ET.fromstring(svg_text.encode())  # also: the page is well-formed XML
    out = []
    for card in root.iter(f"{SVG}g"):
        if card.get("class") != "card":
            continue
        texts = {t.get("class"): t.text or "" for t in card.iter(f"{SVG}text")}
        qr = next(s for s in card.iter(f"{SVG}svg") if s.get("class") == "qr")
        out.append((texts["code"], texts["name"], texts["url"], decode(qr)))
    return out


@pytest.mark.slow
def test_a_sheet_of_50_distributors_is_5_pages_of_12_and_every_code_scans(
    links: Path, tmp_path: Path
) -> None:
    links.write_text(many(50), encoding="utf-8")
    out = run("sheet", "spring", "-o", "spring.svg")
    names = ["spring.svg", *(f"spring-{n}.svg" for n in range(2, 6))]
    assert out == f"Wrote 50 cards on 5 page(s): {', '.join(names)}\n"
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == sorted(names)
    seen = []
    for n, name in enumerate(names, 1):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert f">Page {n} of 5</text>" in text
        assert ">Spring collection</text>" in text and ">https://shop.example.com/spring</" in text
        assert 'width="210mm" height="297mm" viewBox="0 0 210 297"' in text
        assert "href" not in text  # nothing external: the page prints as it is
        seen += card_contents(text)
    assert [len(card_contents((tmp_path / n).read_text())) for n in names] == [12, 12, 12, 12, 2]
    assert seen == [
        (f"d{i:02d}", "王伟" if i % 7 == 1 else f"Person {i}",
         f"https://go.example.com/spring-d{i:02d}", f"https://go.example.com/spring-d{i:02d}")
        for i in range(50)
    ]  # fmt: skip


def test_names_are_escaped_and_a_chinese_name_is_kept(tmp_path: Path) -> None:
    run("sheet", "spring", "-o", "s.svg")
    text = (tmp_path / "s.svg").read_text(encoding="utf-8")
    assert "<script" not in text
    assert '<text class="name"' in text and ">&lt;script&gt;&amp;&quot;&#x27;</text>" in text
    assert "'Noto Sans CJK SC'" in text and "sans-serif" in text
    assert [card[:3] for card in card_contents(text)] == [
        ("a01", "Alice Wang", "https://go.example.com/spring-a01"),
        ("b02", "王伟", "https://go.example.com/spring-b02"),
        ("x9", EVIL, "https://go.example.com/spring-x9"),
        ("c03", "c03", "https://go.example.com/spring-c03"),
    ]


def test_a_campaign_name_and_title_are_escaped_in_the_header(links: Path, tmp_path: Path) -> None:
    links.write_text(
        "site:\n  domain: go.example.com\ncampaigns:\n  'a<b>&c':\n    slug: ab-{code}\n"
        '    url: https://shop.example.com/x\n    title: "T&<\'"\n    distributors: [q1]\n'
    )
    run("sheet", "a<b>&c", "-o", "s.svg")
    root = ET.fromstring((tmp_path / "s.svg").read_bytes())
    header = [t.text for t in root.iter(f"{SVG}text")][:4]
    assert header == ["a<b>&c", "Page 1 of 1", "T&<'", "https://shop.example.com/x"]
    assert root.findtext(f"{SVG}title") == "a<b>&c (Page 1 of 1)"


def test_the_sheet_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    run("sheet", "spring", "-o", "one.svg")
    run("sheet", "spring", "-o", "two.svg")
    assert (tmp_path / "one.svg").read_bytes() == (tmp_path / "two.svg").read_bytes()


def test_a_long_name_is_made_smaller_then_cut_to_stay_on_its_card() -> None:
    assert sheet._fit("Alice Wang", 4.5, 54, 2.8) == ("Alice Wang", 4.5)
    text, size = sheet._fit("A" * 30, 4.5, 54, 2.8)
    assert (text, size) == ("A" * 30, 3.0) and sheet._width(text, size) <= 54
    text, size = sheet._fit("王" * 40, 4.5, 54, 2.8)
    assert size == 2.8 and text.endswith("…") and sheet._width(text, size) <= 54


def test_domain_chooses_the_short_domain_of_the_codes(links: Path, tmp_path: Path) -> None:
    links.write_text(
        "site:\n  domains: [go.example.com, go.example.cn]\ncampaigns:\n  spring:\n"
        "    url: https://shop.example.com/spring\n    domains: all\n    distributors: [a01]\n"
    )
    run("sheet", "spring", "-o", "com.svg")
    run("sheet", "spring", "--domain", "GO.example.CN", "-o", "cn.svg")
    assert [c[2:] for c in card_contents((tmp_path / "com.svg").read_text())] == [
        ("https://go.example.com/spring-a01", "https://go.example.com/spring-a01")
    ]
    assert [c[2:] for c in card_contents((tmp_path / "cn.svg").read_text())] == [
        ("https://go.example.cn/spring-a01", "https://go.example.cn/spring-a01")
    ]
    out = run("sheet", "spring", "--domain", "go.example.org", "-o", "x.svg", code=1)
    assert out == (
        "error: the campaign's links are not on 'go.example.org': "
        "choose one of go.example.com, go.example.cn\n"
    )


def test_a_chinese_slug_is_encoded_in_the_code_and_readable_on_the_card(links: Path) -> None:
    links.write_text(
        "site:\n  domain: go.example.com\ncampaigns:\n  春季:\n"
        "    url: https://shop.example.com/spring\n    distributors: [a01]\n"
    )
    run("sheet", "春季", "-o", "s.svg")
    assert card_contents(Path("s.svg").read_text(encoding="utf-8")) == [
        ("a01", "a01", "https://go.example.com/春季-a01",
         "https://go.example.com/%E6%98%A5%E5%AD%A3-a01")
    ]  # fmt: skip


def test_per_distributor_writes_one_card_each(tmp_path: Path) -> None:
    out = run("sheet", "spring", "--per-distributor", "cards")
    assert out == "Wrote 4 cards to cards\n"
    folder = tmp_path / "cards"
    assert sorted(p.name for p in folder.iterdir()) == ["a01.svg", "b02.svg", "c03.svg", "x9.svg"]
    text = (folder / "b02.svg").read_text(encoding="utf-8")
    assert 'width="60mm" height="60mm" viewBox="0 0 60 60"' in text
    root = ET.fromstring(text.encode())
    qr = next(s for s in root.iter(f"{SVG}svg") if s.get("class") == "qr")
    assert decode(qr) == "https://go.example.com/spring-b02"
    assert [t.text for t in root.iter(f"{SVG}text")] == [
        "王伟", "b02", "https://go.example.com/spring-b02"
    ]  # fmt: skip


def test_sheet_errors(links: Path, tmp_path: Path) -> None:
    assert "give -o OUT.svg" in run("sheet", "spring", code=2)
    assert "give -o OUT.svg" in run("sheet", "spring", "-o", "a.svg", "--per-distributor", "d",
                                    code=2)  # fmt: skip
    assert "must end in .svg" in run("sheet", "spring", "-o", "a.png", code=2)
    assert run("sheet", "autumn", "-o", "a.svg", code=1).startswith(
        "error: no campaign 'autumn' in links.yaml: its campaigns are 'spring', 'summer'"
    )
    links.write_text(LINKS.replace("  domain: go.example.com\n", ""), encoding="utf-8")
    assert run("sheet", "spring", "-o", "a.svg", code=1) == (
        "error: the site has no domain (site.domain), so there is no short URL to print\n"
    )
    assert not list(tmp_path.glob("*.svg"))


def test_a_page_left_from_a_longer_sheet_is_pointed_out(links: Path, tmp_path: Path) -> None:
    links.write_text(many(13), encoding="utf-8")
    run("sheet", "spring", "-o", "s.svg")
    links.write_text(many(12), encoding="utf-8")
    result = CliRunner().invoke(main, ["sheet", "spring", "-o", "s.svg"])
    assert result.exit_code == 0
    assert result.stdout == "Wrote 12 cards on 1 page(s): s.svg\n"
    assert result.stderr == "note: s-2.svg is left from an earlier, longer sheet\n"


def test_the_sheet_is_not_part_of_the_built_site(links: Path, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from generator.build import build

    build(links, tmp_path / "_site", datetime(2026, 11, 25, 8, tzinfo=timezone.utc))
    written = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (tmp_path / "_site").rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".svg", ".txt", "")
    )
    assert "Alice Wang" not in written and "王伟" not in written


# --- the guide and the lock --------------------------------------------------------------


def test_appending_a_distributor_moves_no_link(links: Path) -> None:
    run("lock")
    before = check(links).linkset
    links.write_text(LINKS.replace("      - c03\n", "      - c03\n      - d04\n"))
    assert run("check") == "links.yaml: 7 links, no problems\n"  # a new link: no line needed
    assert run("lock") == "links.lock: recorded 1 new slug(s)\n"  # recording it is allowed
    after = check(links).linkset
    assert before is not None and after is not None
    old = {(x.slug, x.target.url) for x in before.links}
    new = {(x.slug, x.target.url) for x in after.links}
    assert sorted(new - old) == [
        ("spring-d04", "https://shop.example.com/spring?utm_source=d04&utm_medium=distributor"
         "&utm_campaign=spring")
    ]  # fmt: skip
    assert old < new  # the others exactly as they were


def test_the_guide_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "campaigns.md").read_text(encoding="utf-8")
    Path("links.yaml").write_text(
        re.findall(r"```yaml\n(.*?)```", guide, re.S)[0], encoding="utf-8"
    )
    monkeypatch.setenv("COLUMNS", "100")  # as the guide shows the table
    printed = []
    for block in re.findall(r"```sh\n(.*?)```", guide, re.S):
        for line in block.splitlines():
            printed.append(run(*shlex.split(line)[1:]))
    shown = re.findall(r"```text\n(.*?)```", guide, re.S)
    linkset = check(Path("links.yaml")).linkset
    assert linkset is not None
    assert shown[0].splitlines() == [
        f"https://go.example.com/{x.slug} -> {x.target.url}" for x in linkset.links if x.campaign
    ]
    assert printed[0] == shown[1]  # list --campaign spring
    assert Path("spring.svg").is_file() and Path("cards", "b02.svg").is_file()


def test_the_page_number_is_in_the_site_language(links: Path, tmp_path: Path) -> None:
    links.write_text(LINKS.replace("  timezone: Asia/Shanghai\n", "  language: zh\n"))
    run("sheet", "spring", "-o", "s.svg")
    assert ">第 1 页，共 1 页</text>" in (tmp_path / "s.svg").read_text(encoding="utf-8")


def test_a_sheet_shows_the_campaign_target_unless_it_is_password_protected() -> None:
    from generator.commands import listing

    def heading(text: str) -> tuple[str, str | None]:
        linkset = check(_write(text)).linkset
        assert linkset is not None
        campaign = listing.campaign_of(linkset, "spring")
        shown, title = sheet.heading(campaign, listing.campaign_links(linkset, campaign))
        return shown.target.url, title

    assert heading(LINKS) == ("https://shop.example.com/spring", "Spring collection")
    hidden = LINKS.replace("    title: Spring", "    password: correct horse\n    title: Spring")
    assert heading(hidden) == ("", "Spring collection")


def _write(text: str) -> Path:
    path = Path("links.yaml")
    path.write_text(text, encoding="utf-8")
    return path
