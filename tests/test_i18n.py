"""The words of the open-in-your-browser view (generator/i18n.py hint(), hint_apps()): each
app named, with what to tap in that app, in each language, and how the shared views.js gets
them. The same words in Chromium, app by app: tests/e2e/test_browser.py (hint)."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from generator import i18n
from generator.build import build
from tests.conftest import NOW

# (app, on Android, site language, what the view says)
HINTS = [
    ("wechat", False, "en", "WeChat may block the page. Tap ··· at the top right, then “Open in Browser”, or copy the address below into your browser:"),
    ("wechat", True, "zh", "微信可能会拦截此页面。请点击右上角 ···，选择“在浏览器打开”，或将下面的地址复制到浏览器："),
    ("qq", True, "zh", "QQ可能会拦截此页面。请点击右上角 ···，选择“在浏览器打开”，或将下面的地址复制到浏览器："),
    ("instagram", False, "en", "Instagram may block the page. Tap ··· at the top right, then “Open in external browser” (or “Open in Safari”), or copy the address below into your browser:"),
    ("instagram", True, "en", "Instagram may block the page. Tap ⋮ at the top right, then “Open in Chrome”, or copy the address below into your browser:"),
    ("facebook", False, "zh", "Facebook可能会拦截此页面。请点击右上角 ···，选择在外部浏览器（或 Safari）中打开，或将下面的地址复制到浏览器："),
    ("facebook", True, "zh", "Facebook可能会拦截此页面。请点击右上角 ⋮，选择在 Chrome 中打开，或将下面的地址复制到浏览器："),
    # apps whose own wording could not be confirmed: named, with the generic steps
    ("tiktok", False, "en", "TikTok may block the page. Tap ··· at the top right, then “Open in Browser”, or copy the address below into your browser:"),
    ("douyin", True, "zh", "抖音可能会拦截此页面。请点击右上角 ··· 选择“在浏览器中打开”，或将下面的地址复制到浏览器："),
    ("weibo", False, "zh", "微博可能会拦截此页面。请点击右上角 ··· 选择“在浏览器中打开”，或将下面的地址复制到浏览器："),
    ("alipay", True, "en", "Alipay may block the page. Tap ··· at the top right, then “Open in Browser”, or copy the address below into your browser:"),
    # an in-app browser not told apart
    (None, False, "en", "This app may block the page. Tap ··· at the top right, then “Open in Browser”, or copy the address below into your browser:"),
    (None, True, "zh", "当前应用可能会拦截此页面。请点击右上角 ··· 选择“在浏览器中打开”，或将下面的地址复制到浏览器："),
]  # fmt: skip


@pytest.mark.parametrize(("app", "android", "language", "expected"), HINTS)
def test_the_hint_names_the_app_and_what_to_tap_in_it(
    app: str | None, android: bool, language: str, expected: str
) -> None:
    assert i18n.hint(language, app, android=android) == expected


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_app_has_its_name_and_only_known_placeholders(language: str) -> None:
    words = i18n.messages(language)
    for app in i18n.HINT_APPS:
        assert words[f"hint_app_{app}"]
    fields = {f for _, f, _, _ in string.Formatter().parse(words["hint_text"]) if f}
    assert fields == {"app", "steps"}
    # every hint_ key belongs to a known app (a typo would silently fall back)
    apps = {*i18n.HINT_APPS}
    for key in words:
        match = re.fullmatch(r"hint_(?:app|steps)_(\w+?)(?:_android)?", key)
        if match:
            assert match[1] in apps, key


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_views_js_gets_each_apps_words_once_and_puts_them_together_like_hint(
    language: str,
) -> None:
    apps = i18n.hint_apps(language)
    assert list(apps) == list(i18n.HINT_APPS)
    for app, words in apps.items():
        name, steps, android = [*words, "", ""][:3]
        # as views.js does: the app's steps, else the generic ones; on Android its own
        generic = i18n.messages(language)["hint_steps"]
        for on_android, chosen in ((False, steps or generic), (True, android or steps or generic)):
            text = i18n.messages(language)["hint_text"].format(app=name, steps=chosen)
            assert text == i18n.hint(language, app, android=on_android)
    # apps without words of their own carry only their name
    assert apps["tiktok"] == [i18n.messages(language)["hint_app_tiktok"]]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_shared_views_js_tells_the_apps_apart_in_the_order_of_hint_apps(
    tmp_path: Path, language: str
) -> None:
    (tmp_path / "links.yaml").write_text(
        f"site:\n  language: {language}\nlinks:\n  shop:\n    url: https://shop.example.com\n"
        "    open_in_browser: true\n",
        encoding="utf-8",
    )
    result = build(tmp_path / "links.yaml", tmp_path / "_site", NOW)
    assert result.written, result.problems
    views = (tmp_path / "_site" / "_shortlinks" / "views.js").read_text(encoding="utf-8")
    table = re.search(r"var P=\{(.*?)\}", views)
    assert table is not None
    assert re.findall(r"(\w+):/", table[1]) == list(i18n.HINT_APPS)
    assert json.dumps(i18n.hint_apps(language), ensure_ascii=False, sort_keys=True) in views
    # the words live in the shared file, never in a link's own page
    page = (tmp_path / "_site" / "shop.html").read_text(encoding="utf-8")
    words = i18n.messages(language)
    for key in ("hint_text", "hint_steps", "hint_app_wechat", "hint_steps_facebook_android"):
        assert words[key] not in page, key


def test_every_token_that_shows_the_hint_picks_an_app_or_lines_own_way_out() -> None:
    """redirect.js decides that a visitor is in an app (on every link's page, kept short);
    views.js then names the app: each token of the first must be one of the second's,
    LINE's excepted (its page leaves for the browser by itself: views.js)."""
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    page = (templates / "redirect.js").read_text(encoding="utf-8")
    shared = (templates / "views.js").read_text(encoding="utf-8")
    found = re.search(r"/(MicroMessenger\|[^\n]*?)/\.test\(navigator\.userAgent\)", page)
    assert found, "the hint's test in redirect.js"
    tokens = set(found.group(1).split("|"))
    named = re.search(r"var P=\{([^}]*)\}", shared)
    assert named, "the apps of views.js"
    apps = {
        t for part in re.findall(r":/((?:\\/|[^/])*)/", named.group(1)) for t in part.split("|")
    }
    assert tokens - apps == {r"Line\/"}, tokens - apps
    assert apps <= tokens, apps - tokens
