"""Device targets and passwords: the sealed target (secret.py), and a built site that
never holds a password link's target in the clear, in any file."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import urllib.parse
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from generator import i18n, secret
from generator.build import build
from generator.load import load_text
from generator.pages import Pages, environment
from generator.plan import make_plan
from generator.validate import validate
from generator.write import write_site
from tests import unseal
from tests.conftest import NOW
from tests.sites import render_site
from tests.test_previews import draw, record_of, text_of
from tests.test_properties import (
    check_every_rule,
    csp_matches_inline_code,
    elements,
    no_qr,
    parse_html,
    redirect_page,
    script_args,
)

PASSWORD = "correct horse battery"
# Hosts found nowhere else, so that any form of these targets is found by its host name.
HIDDEN = "https://vault-q7.example/privé-offer/Über?x=1&y=zwei+Wörter#teil"
HIDDEN_IOS = "https://ios-vault-q7.example/app/id123"
HIDDEN_ANDROID = "https://android-vault-q7.example/details?id=com.example"
HIDDEN_HOSTS = ("vault-q7.example", "ios-vault-q7.example", "android-vault-q7.example")

LINKS = f"""\
site:
  domain: go.example.com
links:
  app:
    url: https://example.com/app
    devices:
      ios: https://apps.apple.com/app/id123
      android: https://play.google.com/store/apps/details?id=com.example
      wechat: https://example.com/app-wechat
      desktop: https://example.com/app-desktop
  secret:
    url: {HIDDEN}
    password: {PASSWORD}
    title: Members' offer
    aliases: [offer]
    expires: 2026-12-31
  both:
    url: https://vault-q7.example/both
    password: {PASSWORD}
    devices:
      ios: {HIDDEN_IOS}
      android: {HIDDEN_ANDROID}
  over:
    url: https://vault-q7.example/over
    password: {PASSWORD}
    expires: 2026-01-01
    expired: https://example.com/after
"""


# the same links, a preview page each (site.preview: files)
FILES_MODE = LINKS.replace("site:\n", "site:\n  preview: files\n", 1)


def plan_of(text: str):  # type: ignore[no-untyped-def]
    doc, problems = load_text(text)
    assert doc is not None, problems
    linkset, problems = validate(doc)
    assert linkset is not None and not [p for p in problems if p.is_error], problems
    return make_plan(linkset, NOW)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every file of the built site (the manifest too), by its path."""
    root = tmp_path_factory.mktemp("devices-passwords")
    (root / "links.yaml").write_text(LINKS, encoding="utf-8")
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return {
        p.relative_to(root / "_site").as_posix(): p.read_bytes()
        for p in sorted((root / "_site").rglob("*"))
        if p.is_file()
    }


def opened(page: bytes, password: str) -> dict[str, object]:
    """What a password page's script decrypts, decrypted here the way WebCrypto does it:
    the values the page holds, PBKDF2 and AES-GCM of the cryptography package (not the
    code that sealed it)."""
    root = parse_html(page, "page")
    (script,) = root.iter("script")
    salt, iv, data, iterations, *_ = script_args(script.text or "")
    assert iterations == 600_000  # OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA256
    kdf = PBKDF2HMAC(hashes.SHA256(), 32, base64.b64decode(salt), iterations)
    key = kdf.derive(password.encode())
    plain = AESGCM(key).decrypt(base64.b64decode(iv), base64.b64decode(data), None)
    assert len(plain) % secret.BLOCK == 0
    return json.loads(plain)


# -- secret.py -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_sealed_target_opens_with_its_password_and_with_no_other() -> None:
    salt = secret.salt("go.example.com", "secret")
    plain = secret.payload(HIDDEN, [("ios", HIDDEN_IOS)])
    sealed = secret.seal(PASSWORD, salt, plain)
    assert unseal.target(PASSWORD, sealed) == plain
    assert json.loads(plain) == {"d": {"ios": HIDDEN_IOS}, "t": HIDDEN}
    for wrong in ("correct horse batterY", "", PASSWORD + " "):
        with pytest.raises(InvalidTag):
            unseal.target(wrong, sealed)


def test_the_salt_comes_from_the_domain_and_slug_only() -> None:
    # never from the password or the target: anyone could test guessed targets against it
    assert (
        secret.salt("go.example.com", "secret")
        == hashlib.sha256(b"shortlinks password salt v1\x00go.example.com\x00secret").digest()[:16]
    )
    assert secret.salt(None, "secret") == secret.salt("", "secret")
    salts = {
        secret.salt(domain, slug)
        for domain in (None, "go.example.com", "sale.example.cn")
        for slug in ("secret", "offer", "a/b", "特卖")
    }
    assert len(salts) == 12 and all(len(s) == 16 for s in salts)


@pytest.mark.slow
def test_the_iv_is_the_hmac_of_the_plaintext_so_one_iv_never_seals_two_plaintexts() -> None:
    salt = secret.salt("go.example.com", "secret")
    one = secret.seal(PASSWORD, salt, secret.payload("https://a.example/1"))
    again = secret.seal(PASSWORD, salt, secret.payload("https://a.example/1"))
    other = secret.seal(PASSWORD, salt, secret.payload("https://a.example/2"))
    key = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt, 600_000)
    assert one == again  # the same bytes on every build
    assert one.iv == hmac.new(key, secret.payload("https://a.example/1"), "sha256").digest()[:12]
    assert other.iv != one.iv
    elsewhere = secret.seal(PASSWORD, secret.salt("sale.example.cn", "secret"), b"x" * 64)
    assert elsewhere.salt != one.salt


def test_the_plaintext_is_padded_so_the_page_shows_its_length_only_roughly() -> None:
    assert len(secret.payload("https://a.example/")) == secret.BLOCK
    assert len(secret.payload("https://a.example/" + "x" * 20)) == secret.BLOCK
    assert len(secret.payload("https://a.example/" + "x" * 40)) == 2 * secret.BLOCK


# -- the built site --------------------------------------------------------------------


def forms(text: str) -> set[bytes]:
    """``text`` as any file might hold it: as written, percent-encoded (the URL's own form,
    and as a query value), HTML-escaped, as a JSON string (slashes escaped or not), and in
    base64 at each of its three alignments (the middle, whose bytes do not depend on the
    neighbours)."""
    out = {
        text,
        html.escape(text),
        urllib.parse.quote(text, safe=""),
        urllib.parse.quote_plus(text),
    }
    out |= {json.dumps(text)[1:-1], json.dumps(text)[1:-1].replace("/", "\\/")}
    out |= {urllib.parse.quote(text, safe=":/?&=#")}
    found = {s.encode() for s in out}
    for skip in range(3):
        encoded = base64.b64encode(b"\x00" * skip + text.encode())[4:-4]
        found.add(encoded)
    return found


@pytest.mark.slow
def test_no_file_of_the_site_holds_a_password_links_target_or_its_password(
    built: dict[str, bytes],
) -> None:
    plan = plan_of(LINKS)
    secrets = {PASSWORD, *HIDDEN_HOSTS}
    for link in plan.links:
        if link.password is not None:  # each target as written, and in its normal form
            for target in (link.target, *(t for _, t in link.devices)):
                secrets |= {target.url, target.display}
    assert HIDDEN in secrets and len(secrets) == 10  # displays equal to URLs count once
    for text in sorted(secrets):
        for form in forms(text):
            holding = [name for name, data in built.items() if form in data]
            assert holding == [], (text, form, holding)


@pytest.mark.slow
def test_the_password_pages_decrypt_to_their_targets(built: dict[str, bytes]) -> None:
    plan = plan_of(LINKS)
    link = next(x for x in plan.links if x.slug == "secret")
    assert link.target.url.startswith("https://vault-q7.example/priv%C3%A9-offer/%C3%9Cber?")
    assert opened(built["secret.html"], PASSWORD) == {"d": {}, "t": link.target.url}
    assert opened(built["offer.html"], PASSWORD) == {"d": {}, "t": link.target.url}
    both = next(x for x in plan.links if x.slug == "both")
    assert opened(built["both.html"], PASSWORD) == {
        "d": {p: t.url for p, t in both.devices},
        "t": "https://vault-q7.example/both",
    }
    with pytest.raises(InvalidTag):
        opened(built["secret.html"], "Tr0ub4dor&3")


def test_a_password_page_is_valid_html_under_its_csp_with_no_way_around_the_form(
    built: dict[str, bytes],
) -> None:
    for name in ("secret.html", "offer.html", "both.html"):
        root = parse_html(built[name], name)
        csp_matches_inline_code(root, name)
        assert elements(root, "meta", http_equiv="refresh") == []
        assert elements(root, "link", rel="canonical") == []
        assert not [e for e in root.iter("meta") if e.get("property")]  # no og: tags
        (form,) = elements(root, "form", id="unlock")
        assert form.get("hidden") == ""  # shown by the script, where WebCrypto runs
        assert elements(root, "input", type="password", id="password")
        needs = "".join(elements(root, "p", id="needs")[0].itertext())
        assert "JavaScript" in needs and "https" in needs
        title = root.find("head/title")
        assert title is not None
        assert title.text == ("Password required" if name == "both.html" else "Members' offer")
    # the clock check of an expiring one: its expired page in place, as for redirects
    (script,) = parse_html(built["secret.html"], "secret.html").iter("script")
    assert 'Z("expired","Members\\u0027 offer",' in (script.text or "")
    assert not [name for name in built if name.startswith("_expired/")]


def test_an_expired_password_link_goes_to_its_public_expired_url(built: dict[str, bytes]) -> None:
    page = redirect_page(built["over.html"], "over.html")
    assert page["refresh"] == page["canonical"] == "https://example.com/after"
    over = record_of(built, "over")  # its preview's record: the public URL, nothing else
    assert over is not None and "vault-q7" not in json.dumps(over)
    assert over["x"] == ["https://example.com/after", "https://example.com/after"]


@pytest.mark.slow
def test_the_preview_of_a_password_link_says_so_and_names_no_target(
    built: dict[str, bytes], tmp_path: Path
) -> None:
    for slug in ("secret", "offer", "both"):  # the shared preview's records
        record = record_of(built, slug)
        assert record is not None and record["l"] == 1 and "u" not in record and "D" not in record
    site = tmp_path / "_site"
    write_site(site, {k: v for k, v in built.items() if not k.startswith(".")})
    for slug in ("secret", "offer", "both"):  # as the shared script draws them
        main = draw(site, f"/{slug}+")["main"]
        assert "protected by a password" in text_of(main)
        assert "goes to:" not in text_of(main) and "vault-q7" not in json.dumps(main)
    files = render_site(plan_of(FILES_MODE), environment(), qr_codes=no_qr).files
    for name in ("secret+.html", "offer+.html", "both+.html"):  # a preview page a link
        root = parse_html(files[name], name)
        csp_matches_inline_code(root, name)
        text = "".join(root.find("body").itertext())  # type: ignore[union-attr]
        assert "protected by a password" in text
        assert "goes to:" not in text
        assert [a.get("href") for a in root.iter("a") if "target" in (a.get("class") or "")] == []


DEVICE_ITEMS = [
    "In WeChat: https://example.com/app-wechat",
    "iPhone and iPad: https://apps.apple.com/app/id123",
    "Android: https://play.google.com/store/apps/details?id=com.example",
    "Computers: https://example.com/app-desktop",
]


@pytest.mark.slow
def test_the_preview_of_a_device_link_lists_every_device_target(
    built: dict[str, bytes], tmp_path: Path
) -> None:
    site = tmp_path / "_site"
    write_site(site, {k: v for k, v in built.items() if not k.startswith(".")})
    main = draw(site, "/app+")["main"]
    (items,) = [node for node in main[2:] if node[0] == "ul"]
    assert [text_of(li) for li in items[2:]] == DEVICE_ITEMS
    files = render_site(plan_of(FILES_MODE), environment(), qr_codes=no_qr).files
    root = parse_html(files["app+.html"], "app+.html")  # a preview page a link
    assert ["".join(li.itertext()) for li in root.iter("li")] == DEVICE_ITEMS


def test_a_device_links_page_keeps_the_default_target_for_clients_without_javascript(
    built: dict[str, bytes],
) -> None:
    page = redirect_page(built["app.html"], "app.html")
    assert page["refresh"] == page["canonical"] == page["href"] == "https://example.com/app"
    assert page["script"] == [
        "https://example.com/app",
        {
            "android": "https://play.google.com/store/apps/details?id=com.example",
            "desktop": "https://example.com/app-desktop",
            "ios": "https://apps.apple.com/app/id123",
            "wechat": "https://example.com/app-wechat",
        },
    ]
    csp_matches_inline_code(parse_html(built["app.html"], "app.html"), "app.html")
    assert len(built["app.html"]) < 2048  # on the critical path of every click


def test_no_rule_file_answers_for_a_device_or_password_link() -> None:
    plan = plan_of(LINKS)
    site = render_site(plan, environment(), qr_codes=no_qr)
    found = check_every_rule(site, plan)
    paged = {"/app", "/secret", "/offer", "/both"}
    assert found and not [f for f in found if f.path in paged]
    assert ("/over", 302) in {(f.path, f.status) for f in found}  # expired: its public URL
    rule_files = [name for name in site.files if not name.endswith((".html", ".svg", ".png"))]
    for name in rule_files:
        for url in ("https://example.com/app", "https://apps.apple.com/app/id123"):
            # links.json lists it, and the shared previews' records with it (unsealed where
            # links.json is published: previews.py); no rule file holds it
            listed = name == "links.json" or name.startswith("_shortlinks/previews/")
            assert url.encode() not in site.files[name] or listed, name


def test_links_json_hides_the_target_of_a_password_link(built: dict[str, bytes]) -> None:
    listed = {x["slug"]: x for x in json.loads(built["links.json"])["links"]}
    assert (listed["secret"]["url"], listed["secret"]["password"]) == (None, True)
    assert listed["both"]["devices"] == {}
    assert listed["app"]["devices"]["ios"] == "https://apps.apple.com/app/id123"


@pytest.mark.slow
def test_every_domain_has_its_own_salt(tmp_path: Path) -> None:
    (tmp_path / "links.yaml").write_text(
        "site:\n  domains: [go.example.com, sale.example.cn]\nlinks:\n"
        f"  secret:\n    url: {HIDDEN}\n    password: {PASSWORD}\n    domains: all\n",
        encoding="utf-8",
    )
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert result.written, result.problems
    pages = [(tmp_path / "_site" / d / "secret.html").read_bytes() for d in result.domains]
    target = plan_of(LINKS).links[1].target.url
    salts = set()
    for page in pages:
        (script,) = parse_html(page, "secret.html").iter("script")
        salts.add(script_args(script.text or "")[0])
        assert opened(page, PASSWORD)["t"] == target
    assert len(pages) == 2 and len(salts) == 2


@pytest.mark.slow
def test_builds_are_reproducible_and_derive_each_key_once() -> None:
    secret.key.cache_clear()
    plan = plan_of(LINKS)
    first = render_site(plan, environment(), qr_codes=no_qr).files
    derived = secret.key.cache_info().misses
    second = render_site(plan, environment(), qr_codes=no_qr).files
    assert first == second
    assert derived == 2  # 'secret' (and its alias 'offer'), 'both'; 'over' is expired
    assert secret.key.cache_info().misses == derived


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_language_has_the_words_of_the_new_pages(language: str) -> None:
    assert set(i18n.MESSAGES[language]) == set(i18n.MESSAGES["en"])
    plan = plan_of(FILES_MODE.replace("site:\n", f"site:\n  language: {language}\n", 1))
    files = render_site(plan, environment(), qr_codes=no_qr).files
    words = i18n.messages(language)
    for name, keys in {
        "secret.html": ("locked_heading", "locked_needs", "locked_label", "locked_wrong"),
        "secret+.html": ("preview_locked",),
        "app+.html": ("preview_devices", "device_ios", "device_wechat"),
    }.items():
        root = parse_html(files[name], name)
        text = "".join(root.itertext())
        for key in keys:
            assert words[key] in text, (language, name, key)


@pytest.mark.slow
def test_the_new_pages_are_the_same_through_skeletons_and_through_jinja() -> None:
    text = LINKS + "".join(
        f"  more{i}:\n    url: https://a.example/{i}?q=<&>\n    password: {PASSWORD}\n"
        f"    devices:\n      android: https://b.example/{i}\n"
        f"  dev{i}:\n    url: https://a.example/d{i}\n    expires: 2027-01-0{i + 1}\n"
        f"    devices:\n      ios: https://b.example/'{i}'\n      wechat: https://c.example/\n"
        for i in range(3)
    )
    plan = plan_of(text)
    slow_env = environment()
    slow_env.policies["shortlinks.skeletons"] = False
    fast = render_site(plan, environment(), qr_codes=no_qr).files
    slow = render_site(plan, slow_env, qr_codes=no_qr).files
    assert fast.keys() == slow.keys()
    assert [name for name in fast if fast[name] != slow[name]] == []
    pages = Pages(plan, environment())
    for entry in plan.entries:
        pages.entry(entry)
        pages.preview(entry)
    assert pages._skeletons is not None and pages._skeletons.refused == []
    assert pages._skeletons.fast >= 8


def test_a_device_target_back_to_its_own_short_link_is_a_loop() -> None:
    from tests.conftest import problems_of

    found = problems_of(
        "site:\n  domain: go.example.com\nlinks:\n  app:\n    url: https://example.com/app\n"
        "    devices: {ios: https://go.example.com/app, android: https://go.example.com/gh}\n"
        "  gh: https://github.com/x\n"
    )
    said = [(p.line, p.column, p.severity, p.message) for p in found]
    assert said == [
        (6, 20, "error", "redirect loop: app (ios) -> app"),
        (6, 57, "warning", "the android target of 'app' is another short link ('gh'), "
                           "which costs visitors an extra hop"),
    ]  # fmt: skip
