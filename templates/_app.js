{#- A link that opens an app (its target a tel:, mailto:, sms:, site.app_schemes or WeChat
    mini-program URL: docs/links-yaml.md, "Apps"), the block of redirect.js that sends the
    visitor on. P: [fallback or null, the short URL or null (then this page's own address),
    the title or null, whether it is tel:, mailto: or sms:, which every phone opens]. A
    phone or a tablet: what its user agent says, and iPadOS, whose Safari says 'Macintosh'
    but has a touch screen (as _devices.js tells it).
    In an in-app browser (the same apps as redirect.js names) an app's scheme does not open
    (WeChat documents its plain-text scheme for pages outside WeChat: SMS, mail, browsers):
    the link's open-in-browser page with 'open_in_browser', else the fallback, else this
    page's own view with the address as a link. On a phone it asks for the app once the page
    is read (location.href, as WeChat's documentation does for Android; asked for before,
    Chromium stops reading the page, which stays blank) and, should the page still
    be in sight after 2.5 s (the app did not open: the system shows nothing and the page
    stays), goes to the fallback, or shows the view; leaving the page (the app opened)
    cancels that. On a computer, the view ["app", title, short URL, target, fallback]
    (views.js): the QR code of the short link to scan with a phone, the address as a link
    for tel:, mailto: and sms:, and the fallback. -#}
{var d=document,u=navigator.userAgent,F=P[0],S=P[1]||l.origin+l.pathname,w,v=function(){F?l.replace(F):Z("app",P[2],S,t,F)};
if(/MicroMessenger| QQ\/|Instagram|FBAV|musical_ly|Bytedance|aweme|Line\/|Weibo|Alipay/.test(u)&&!P[3]){% if hint %}{Z("open",P[2],S);return}{% else %}{v();return}{% endif %}
if(/Android|iPhone|iPad|iPod|Mobile/.test(u)||/Macintosh/.test(u)&&navigator.maxTouchPoints>1){w=function(){l.href=t;w=setTimeout(function(){if(!d.hidden)v()},2500)};d.readyState=="loading"?d.addEventListener("DOMContentLoaded",w):w();d.addEventListener("visibilitychange",function(){if(d.hidden)clearTimeout(w)});addEventListener("pagehide",function(){clearTimeout(w)});return}
Z("app",P[2],S,t,F);return}
