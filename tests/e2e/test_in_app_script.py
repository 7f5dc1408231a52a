"""What an ``open_in_browser`` link's page does in each in-app browser, run in node with the
user agents those apps send (tests/e2e/run_page_script.js): the page's own script, which
recognises the app, then the shared views.js, which builds the app's way out, one row an app
and a phone system. The same pages in Chromium: tests/e2e/test_browser.py (in_app)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import NOW, require_tool

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent

IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.53 Mobile Safari/537.36"

# (app, system, the user agent the app sends, what the page does)
#   hint: shows the open-in-your-browser view in place and goes nowhere
#   intent: the same view, and hands the address to the default browser (an intent: URL)
#   line: the view's script goes on, with LINE's openExternalBrowser=1 added (LINE opens
#     that in the default browser)
#   go: goes on at once, as in any browser
# The user agents are those the apps send (the version numbers aside), as published with the
# apps' own tokens: Instagram "Instagram", Facebook "FBAN"/"FBAV"/"FB_IAB", TikTok "musical_ly"
# and "BytedanceWebview", Douyin "aweme", LINE "Line/", Weibo "Weibo"/"__weibo__", Alipay
# "AlipayClient", WeChat "MicroMessenger", QQ "QQ/".
UA = [
    ("instagram", "ios", f"{IOS} Mobile/21C62 Instagram 312.0.0.32.112 (iPhone15,2; iOS 17_2; en_US; en; scale=3.00; 1179x2556; 548339486)", "hint"),
    ("instagram", "android", f"{ANDROID} Instagram 312.0.0.32.112 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_US; 548323757)", "intent"),
    ("facebook", "ios", f"{IOS} Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.38.105;FBBV/534233208;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]", "hint"),
    ("facebook", "android", f"{ANDROID} [FB_IAB/FB4A;FBAV/440.0.0.31.105;]", "intent"),
    ("tiktok", "ios", f"{IOS} Mobile/15E148 musical_ly_34.0.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US", "hint"),
    ("tiktok", "android", f"{ANDROID} trill_340002 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/34.0.2 ByteLocale/en ByteFullLocale/en Region/US BytedanceWebview/d8a21c6", "intent"),
    ("douyin", "ios", f"{IOS} Mobile/15E148 aweme_23.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/zh Region/CN AppTheme/light", "hint"),
    ("douyin", "android", f"{ANDROID} aweme_230400 JsSdk/1.0 NetType/WIFI Channel/douyin_tengxun_wzl AppName/aweme app_version/23.4.0 ByteLocale/zh-CN Region/CN AppSkin/white AppTheme/light BytedanceWebview/d8a21c6", "intent"),
    ("line", "ios", f"{IOS} Mobile/15E148 Safari Line/13.20.0", "line"),
    ("line", "android", f"{ANDROID} Line/13.20.1/IAB", "line"),
    ("weibo", "ios", f"{IOS} Mobile/15E148 Weibo (iPhone15,2__weibo__13.10.0__iphone__os17.2)", "hint"),
    ("weibo", "android", f"{ANDROID} Weibo (Xiaomi-2211133C__weibo__13.10.1__android__android14)", "intent"),
    ("alipay", "ios", f"{IOS} Mobile/21C62 ChannelId(17) Ariver/1.1.0 AliApp(AP/10.5.36.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0) AlipayClient/10.5.36.6000 Language/zh-Hans Region/CN NebulaX/1.0.0", "hint"),
    ("alipay", "android", f"{ANDROID} UWS/3.22.2.59 UCBS/3.22.2.59_230213152242 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:393|0|2.75,ac:sp) AliApp(AP/10.3.90.8000) AlipayClient/10.3.90.8000 Language/zh-Hans useStatusBar/true isConcaveScreen/false Region/CN Ariver/1.0.0", "intent"),
    ("wechat", "ios", f"{IOS} Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN", "hint"),
    ("wechat", "android", f"{ANDROID} XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", "hint"),
    ("qq", "ios", f"{IOS} Mobile/15E148 QQ/9.0.20.612 V1_IPH_SQ_9.0.20_1_APP_A Pixel/1179 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 CurrentFontScale/1.000000 QQTheme/1000 AppId/537200218 Core/WKWebView Device/Apple(iPhone 14 Pro) NetType/WIFI QBWebViewType/1 WKType/1", "hint"),
    ("qq", "android", "Mozilla/5.0 (Linux; Android 13; V2049A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/6.2 TBS/046805 Mobile Safari/537.36 V1_AND_SQ_8.9.80_4614_YYB_D QQ/8.9.80.12440 NetType/WIFI", "hint"),
    ("safari", "ios", f"{IOS} Version/17.2 Mobile/15E148 Safari/604.1", "go"),
    ("chrome", "android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", "go"),
    ("samsung", "android", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", "go"),
    ("qq-browser", "android", "Mozilla/5.0 (Linux; U; Android 13; zh-cn; V2049A Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.2 Mobile Safari/537.36 COVC/046805", "go"),
    ("firefox", "desktop", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "go"),
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("in_app")
    (root / "links.yaml").write_text(
        """\
site:
  domain: go.example.com
links:
  shop:
    url: https://shop.example.com/front?x=1
    title: Shop
    open_in_browser: true
  odd:
    url: "https://t.example/a;b%23c?q=1&r=%23x;end#sec"
    open_in_browser: true
  wx:
    url: https://t.example/all
    open_in_browser: true
    devices:
      wechat: https://t.example/wx
  plain: https://t.example/plain
""",
        encoding="utf-8",
    )
    result = build(root / "links.yaml", root / "_site", NOW)
    assert result.written, result.problems
    return root / "_site"


def visit(site: Path, slug: str, ua: str, extra: str = "") -> list[str]:
    """The lines run_page_script.js prints for a visit to /slug with user agent ``ua``."""
    proc = subprocess.run(
        [require_tool("node"), str(HERE / "run_page_script.js"), str(site / f"{slug}.html"),
         f"https://go.example.com/{slug}{extra}"],
        capture_output=True, text=True, timeout=30, check=False,
        env={**os.environ, "PAGE_NOW": str(int(NOW.timestamp() * 1000)), "PAGE_UA": ua,
             "PAGE_VIEWS": str(site / "_shortlinks" / "views.js")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split("\n")


def intent(address: str) -> str:
    scheme, rest = address.split("://", 1)
    fallback = urllib.parse.quote(address, safe="-_.!~*'()")  # as encodeURIComponent
    return f"intent://{rest}#Intent;scheme={scheme};S.browser_fallback_url={fallback};end"


@pytest.mark.parametrize(("app", "system", "ua", "does"), UA, ids=[f"{a}-{s}" for a, s, _, _ in UA])
def test_each_in_app_browser_gets_its_way_out(
    site: Path, app: str, system: str, ua: str, does: str
) -> None:
    address = "https://shop.example.com/front?x=1&a=1"  # the visitor's query merged in
    seen = visit(site, "shop", ua, "?a=1")
    view = "view " + json.dumps(["open", "Shop", address], separators=(",", ":"))
    expected = {
        "hint": [view],
        "intent": [view, intent(address)],
        "line": [view, address + "&openExternalBrowser=1"],
        "go": [address],
    }[does]
    assert seen == expected
    # a link without open_in_browser is never held back
    assert visit(site, "plain", ua) == ["https://t.example/plain"]


@pytest.mark.parametrize(
    ("ua", "expected"),
    [
        (UA[1][2], intent("https://t.example/a;b%23c?q=1&r=%23x;end&k=%3B%23#sec")),
        (UA[8][2], "https://t.example/a;b%23c?q=1&r=%23x;end&k=%3B%23&openExternalBrowser=1#sec"),
    ],
)
def test_an_address_with_fragment_and_semicolons_stays_whole_in_what_the_page_builds(
    site: Path, ua: str, expected: str
) -> None:
    # the intent's data keeps the address as it is (Android splits at the last '#', the
    # page's own), its fallback is the address percent-encoded whole; LINE's parameter
    # goes before the fragment
    assert visit(site, "odd", ua, "?k=%3B%23")[-1] == expected


def test_wechat_goes_to_a_links_own_wechat_target_and_qq_still_gets_the_hint(site: Path) -> None:
    assert visit(site, "wx", UA[14][2]) == ["https://t.example/wx"]
    assert visit(site, "wx", UA[17][2])[0].startswith("view ")
    assert visit(site, "wx", UA[1][2])[-1].startswith("intent://t.example/all#Intent;")
