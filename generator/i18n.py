"""The words of the pages, in each language a site may choose with ``site.language``.

Templates read them as ``t.<key>``; a user who wants other words overrides a
template (``--templates DIR``) and writes them there. Dates are written the way
each language writes them ("31 December 2026", "2026年12月31日").
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

LANGUAGES = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-CN"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "redirecting": "Redirecting…",
        "redirecting_to": "Redirecting to",
        "not_found_title": "Link not found",
        "not_found_heading": "This short link does not exist",
        "not_found_hint": (
            "Check the address for a typo: short links are exact, and a stray character at "
            "the end is enough to break one."
        ),
        "go_to": "Go to {place}",
        "the_home_page": "the home page",
        "expired_title": "Link expired",
        "expired_heading": "This link has expired",
        "expired_named": "“{title}” was available until {when}.",
        "expired_plain": "This short link was available until {when}.",
        "scheduled_title": "Not active yet",
        "scheduled_heading": "This link is not active yet",
        "scheduled_named": "“{title}” opens on {when}. Please come back then.",
        "scheduled_plain": "It opens on {when}. Please come back then.",
        "scheduled_soon": "It opens any minute now: this page tries again every minute.",
        "landing_title": "Short links",
        "landing_text": "This domain hosts short links. Each one forwards you to its full address.",
        "landing_hint": "Got a link that does not work? Check it letter by letter, or ask whoever "
        "shared it.",
        "preview_title": "Link preview",
        "preview_goes_to": "This short link goes to:",
        "preview_copy": "Copy",
        "preview_copied": "Copied",
        "preview_qr": "QR code",
        "preview_expires": "Valid until {when}.",
        "preview_expired": "Expired: it was valid until {when}.",
        "preview_starts": "Opens on {when}.",
        "preview_loading": "Looking up this short link…",
        "preview_needs": "Showing where a short link goes needs JavaScript: turn it on, or open "
        "the short link itself.",
        "hint_heading": "Open this link in your browser",
        # {app}: hint_app_<app> or, for an app not recognised, hint_app; {steps}: the app's
        # own hint_steps_<app> (its _android one on Android) or, where its wording could
        # not be confirmed, hint_steps (hint(): sources in docs/links-yaml.md)
        "hint_text": "{app} may block the page. {steps}, or copy the address below into your "
        "browser:",
        "hint_app": "This app",
        "hint_steps": "Tap ··· at the top right, then “Open in Browser”",
        "hint_app_wechat": "WeChat",
        "hint_steps_wechat": "Tap ··· at the top right, then “Open in Browser”",
        "hint_app_qq": "QQ",
        "hint_steps_qq": "Tap ··· at the top right, then “Open in Browser”",
        "hint_app_instagram": "Instagram",
        "hint_steps_instagram": "Tap ··· at the top right, then “Open in external browser” (or "
        "“Open in Safari”)",
        "hint_steps_instagram_android": "Tap ⋮ at the top right, then “Open in Chrome”",
        "hint_app_facebook": "Facebook",
        "hint_steps_facebook": "Tap ··· at the top right, then “Open in external browser” (or "
        "“Open in Safari”)",
        "hint_steps_facebook_android": "Tap ⋮ at the top right, then “Open in Chrome”",
        "hint_app_tiktok": "TikTok",
        "hint_app_douyin": "Douyin",
        "hint_app_weibo": "Weibo",
        "hint_app_alipay": "Alipay",
        "preview_devices": "On these devices it goes elsewhere:",
        "app_opens": "Opening",
        "app_heading": "Open it on your phone",
        "app_scan": "Scan this code with your phone's camera to open it there.",
        "app_direct": "Or open it here:",
        "app_fallback": "Or continue in your browser:",
        "preview_app_fallback": "Without the app (and on a computer) it goes to:",
        "preview_opens": "It opens:",
        "preview_languages": "For these languages it goes elsewhere:",
        "preview_countries": "Visitors in these countries go elsewhere, on hosts that know "
        "the country (Netlify, Vercel):",
        "preview_variants": "It sends each visitor to one of these, by weight, and the same "
        "one on later visits:",
        "preview_weight": "weight",
        "preview_in_app": "In chat and social apps (WeChat, Instagram, LINE…) it asks visitors "
        "to open it in their browser.",
        "preview_locked": "It is protected by a password: where it goes is shown only to those "
        "who open it with the password.",
        "device_wechat": "In WeChat",
        "device_ios": "iPhone and iPad",
        "device_android": "Android",
        "device_desktop": "Computers",
        "locked_title": "Password required",
        "locked_heading": "This link is protected by a password",
        "locked_needs": "Opening it needs JavaScript, in a secure (https) page: turn JavaScript "
        "on, or open the link at its https address.",
        "locked_label": "Password",
        "locked_open": "Open",
        "locked_wrong": "Wrong password. Please try again.",
    },
    "zh": {
        "redirecting": "正在跳转…",
        "redirecting_to": "正在跳转到",
        "not_found_title": "链接不存在",
        "not_found_heading": "这个短链接不存在",
        "not_found_hint": "请检查地址是否有误：短链接必须完全一致，末尾多一个字符也会失效。",
        "go_to": "前往 {place}",
        "the_home_page": "首页",
        "expired_title": "链接已过期",
        "expired_heading": "这个链接已过期",
        "expired_named": "“{title}”的有效期至{when}。",
        "expired_plain": "这个短链接的有效期至{when}。",
        "scheduled_title": "尚未开放",
        "scheduled_heading": "这个链接尚未开放",
        "scheduled_named": "“{title}”将于{when}开放，请届时再来。",
        "scheduled_plain": "将于{when}开放，请届时再来。",
        "scheduled_soon": "马上就会开放：本页每分钟自动重试。",
        "landing_title": "短链接",
        "landing_text": "此域名提供短链接服务，每个短链接都会带您前往完整地址。",
        "landing_hint": "链接打不开？请逐字核对，或询问分享链接的人。",
        "preview_title": "链接预览",
        "preview_goes_to": "这个短链接指向：",
        "preview_copy": "复制",
        "preview_copied": "已复制",
        "preview_qr": "二维码",
        "preview_expires": "有效期至{when}。",
        "preview_expired": "已过期：有效期至{when}。",
        "preview_starts": "将于{when}开放。",
        "preview_loading": "正在查找这个短链接…",
        "preview_needs": "显示短链接的去向需要启用 JavaScript：请开启 JavaScript，"
        "或直接打开这个短链接。",
        "hint_heading": "请在浏览器中打开",
        "hint_text": "{app}可能会拦截此页面。{steps}，或将下面的地址复制到浏览器：",
        "hint_app": "当前应用",
        "hint_steps": "请点击右上角 ··· 选择“在浏览器中打开”",
        "hint_app_wechat": "微信",
        "hint_steps_wechat": "请点击右上角 ···，选择“在浏览器打开”",
        "hint_app_qq": "QQ",
        "hint_steps_qq": "请点击右上角 ···，选择“在浏览器打开”",
        "hint_app_instagram": "Instagram",
        "hint_steps_instagram": "请点击右上角 ···，选择在外部浏览器（或 Safari）中打开",
        "hint_steps_instagram_android": "请点击右上角 ⋮，选择在 Chrome 中打开",
        "hint_app_facebook": "Facebook",
        "hint_steps_facebook": "请点击右上角 ···，选择在外部浏览器（或 Safari）中打开",
        "hint_steps_facebook_android": "请点击右上角 ⋮，选择在 Chrome 中打开",
        "hint_app_tiktok": "TikTok",
        "hint_app_douyin": "抖音",
        "hint_app_weibo": "微博",
        "hint_app_alipay": "支付宝",
        "preview_devices": "在以下设备上前往别处：",
        "app_opens": "正在打开",
        "app_heading": "请在手机上打开",
        "app_scan": "用手机相机扫描此二维码，在手机上打开。",
        "app_direct": "或在这里打开：",
        "app_fallback": "或在浏览器中继续：",
        "preview_app_fallback": "没有该应用时（以及在电脑上）前往：",
        "preview_opens": "它会打开：",
        "preview_languages": "以下语言的访客前往别处：",
        "preview_countries": "在能识别国家或地区的托管平台（Netlify、Vercel）上，"
        "以下国家或地区的访客前往别处：",
        "preview_variants": "按权重把每位访客送往其中之一，再次访问时仍是同一个：",
        "preview_weight": "权重",
        "preview_in_app": "在聊天和社交应用（微信、Instagram、LINE 等）中，"
        "它会请访客在浏览器中打开。",
        "preview_locked": "此链接受密码保护：只有输入密码打开它的人才能看到它指向哪里。",
        "device_wechat": "微信内",
        "device_ios": "iPhone 和 iPad",
        "device_android": "安卓",
        "device_desktop": "电脑",
        "locked_title": "需要密码",
        "locked_heading": "此链接受密码保护",
        "locked_needs": "打开它需要启用 JavaScript，并使用安全（https）页面：请开启 JavaScript，"
        "或通过 https 地址打开此链接。",
        "locked_label": "密码",
        "locked_open": "打开",
        "locked_wrong": "密码错误，请重试。",
    },
}


# The in-app browsers whose hint names them (templates/views.js tells them apart by
# user agent, in this order; LINE is not here: its page leaves for the browser itself).
HINT_APPS = ("wechat", "qq", "instagram", "facebook", "douyin", "tiktok", "weibo", "alipay")


def messages(language: str) -> dict[str, str]:
    return MESSAGES[language]


def hint(language: str, app: str | None = None, *, android: bool = False) -> str:
    """What the open-in-your-browser view asks of a visitor inside ``app``'s in-app
    browser (None: one not told apart), on Android or elsewhere."""
    t = MESSAGES[language]
    name = t.get(f"hint_app_{app}", t["hint_app"])
    steps = t.get(f"hint_steps_{app}", t["hint_steps"])
    if android:
        steps = t.get(f"hint_steps_{app}_android", steps)
    return t["hint_text"].format(app=name, steps=steps)


def hint_apps(language: str) -> dict[str, list[str]]:
    """Each app's words for views.js, which puts them together as hint() does:
    ``[name]``, ``[name, steps]`` or ``[name, steps, steps on Android]`` (the view falls
    back on hint_steps, and on Android on the app's steps, for those it lacks)."""
    t = MESSAGES[language]
    out: dict[str, list[str]] = {}
    for app in HINT_APPS:
        words = [
            t[f"hint_app_{app}"],
            t.get(f"hint_steps_{app}", ""),
            t.get(f"hint_steps_{app}_android", ""),
        ]
        while not words[-1]:
            words.pop()
        out[app] = words
    return out


def describe(at: datetime, tz: tzinfo, language: str = "en", *, end: bool = False) -> str:
    """An instant in the site's zone, for people.

    An ``expires`` instant at local midnight came from a bare date: people wrote the
    last valid day, so show that day, not the next one.
    """
    local = at.astimezone(tz)
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("+0000", "") else "UTC"
    if local.hour == local.minute == local.second == 0:
        day = (local - timedelta(days=1)) if end else local
        if language == "zh":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {day:%B %Y}"
    if language == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（{offset}）"
    return f"{local.day} {local:%B %Y}, {local:%H:%M} ({offset})"
