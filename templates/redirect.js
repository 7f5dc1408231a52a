{#- Sends the browser to the target with location.replace (so Back skips the short link).
    The visitor's query string is appended to the target's (as hosts do for a rule);
    a fragment in the target wins, otherwise the visitor's fragment is kept, as for an
    HTTP redirect (RFC 9110, 10.2.2).
    A counted link (site.analytics) sends its click-count beacon first (_beacon.js),
    which the redirect does not wait for.
    A link with 'devices' picks its target by the visitor's user agent first (_devices.js);
    one with 'languages', by the visitor's languages when no device target was picked
    (_languages.js); one with 'variants' picks a variant by weight, before the beacon, which
    reports it (_variants.js). A link has 'variants' or those two, never both (validation:
    'variants-conflict'), so no choice overrides another.
    An expiring link checks the visitor's clock first: from its 'expires' instant on, it
    goes to the 'expired' URL, or shows its expired page in place (_view.js, views.js), even
    before the site is rebuilt. A link with 'open_in_browser' sends the in-app browsers
    of chat and social apps (which block or warn on many targets, or hide the address) no
    further: it shows in its place a page asking to open it in a browser, with the address
    to copy (_view.js), and the shared views.js tries the app's own way out first (LINE's
    parameter, an Android intent); not WeChat's when the link names a 'wechat' target of
    its own (made for WeChat). Each app is recognised by the token it puts in its user
    agent: WeChat 'MicroMessenger', QQ ' QQ/', Instagram, Facebook 'FBAV' (beside its
    'FBAN' and 'FB_IAB'), TikTok 'musical_ly' (iOS) and 'Bytedance' (Android, with Douyin),
    Douyin 'aweme', LINE 'Line/', Weibo, Alipay ('AlipayClient'). Kept short: every
    visitor's page carries it (docs/links-yaml.md, "open_in_browser", names the sources).
    The target is read from the page's canonical link ('canonical') whenever that link
    names it: no card with a short URL, no app's fallback, and the bundled redirect.html,
    which writes the link before the script (an overridden page may name another URL
    there, or none: its script carries the target). getAttribute gives the href as the
    HTML parser decoded it, the target's URL exactly; in the page it is escaped as any
    attribute is. So a plain page's script (no expiry, choice, view, beacon or app) is the
    same text on every page, and its CSP hash is made once (pages.py), not once a page.
    Every page whose canonical link is the target reads it there, not only the plain ones:
    one rule, the one redirect.html's canonical link states.
    Every other value (and the target of the other pages) comes in through tojson, which
    escapes '<', '>', '&' and quotes, so no URL can close the script.
    A link that opens an app (app: [fallback, short URL, title, tel/mailto/sms]) has its
    page open the app, fall back or show the QR code to scan with a phone (_app.js); once
    expired it goes to its 'expired' URL like any web link. -#}
{%- set choose %}{% if devices %}{% include "_devices.js" %}{% endif %}{% if languages %}{% include "_languages.js" %}{% endif %}{% endset -%}
(function(t{% if devices %},D{% endif %}{% if languages %},L{% endif %}{% if variants %},V{% endif %}{% if expires_ms %},e,x{% endif %}{% if app %},P{% endif %}){var l=location;
{%- if variants %}{% include "_variants.js" %}{% endif -%}
{%- if beacon %}{% include "_beacon.js" %}{% endif -%}
{%- if expired_at or hint or app %}{% include "_view.js" %}{% endif -%}
{%- if expires_ms %}if(Date.now()>=e){{ '{' }}{% if expired_at %}if(!x){Z("expired",{{ title|tojson }},{{ expired_at|tojson }});return}{% endif %}t=x}{% if choose %}else{{ '{' }}{{ choose }}}{% endif %}{% elif choose %}{{ choose }}{% endif -%}
{%- if app %}if(t.slice(0,4)!="http"){% include "_app.js" %}{% endif -%}
{% include "_merge.js" %}
{%- if hint %}if({% if devices %}k!="wechat"&&{% endif %}/MicroMessenger| QQ\/|Instagram|FBAV|musical_ly|Bytedance|aweme|Line\/|Weibo|Alipay/.test(navigator.userAgent)){Z("open",{{ title|tojson }},t);return}{% endif -%}
l.replace(t)})({% if canonical %}document.querySelector("link[rel=canonical]").getAttribute("href"){% else %}{{ target.url|tojson }}{% endif %}{% if devices %},{{ devices|tojson }}{% endif %}{% if languages %},{{ languages|tojson }}{% endif %}{% if variants %},{{ variants|tojson }}{% endif %}{% if expires_ms %},{{ expires_ms|tojson }},{{ expired_url|tojson }}{% endif %}{% if app %},{{ app|tojson }}{% endif %})
