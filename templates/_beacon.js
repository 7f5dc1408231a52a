{#- One click-count beacon to the counter of site.analytics (docs/analytics.md), sent with
    navigator.sendBeacon: the browser queues it and sends it in the background, even as the
    page is replaced, so the redirect never waits for the counter; no cookie is read or
    set. JSON goes as text/plain, a request the browser sends without a CORS preflight.
    The formats, from each counter's documentation: GoatCounter's /count with p, t, r, q
    (goatcounter.com/help/pixel); Plausible's /api/event with n, u, d, r
    (plausible.io/docs/events-api); Umami's /api/send with type and payload (umami.is/docs).
    The counter's address and site are the same on every page (pages.py), so they are
    written in here as fixed text, through tojson. On the 404 page (``orphan``: a visit of
    a slug the site does not have, Shlink's 'orphan visit'), Plausible's event is named
    "404", as Plausible's own 404 tracking names it; the others tell it by its title. A link
    with variants reports the one its page picked ('j', 1 for the first: _variants.js):
    GoatCounter as "?variant=N" after the path, Plausible as the custom property 'variant'
    (its 'p'), Umami as event data (its 'data'). -#}
try{var n=navigator,g=encodeURIComponent,r=document.referrer;
{%- if analytics.provider == "goatcounter" -%}
n.sendBeacon({{ analytics.endpoint|tojson }}+"?p="+g(location.pathname{% if variants is defined and variants %}+"?variant="+j{% endif %})+"&t="+g(document.title)+"&r="+g(r)+"&q="+g(location.search)+"&rnd="+Math.random().toString(36).slice(2))
{%- else -%}
n.sendBeacon({{ analytics.endpoint|tojson }},new Blob([JSON.stringify(
{%- if analytics.provider == "plausible" -%}
{n:{{ ("404" if orphan is defined and orphan else "pageview")|tojson }},u:location.href,d:{{ analytics.site|tojson }},r:r||null{% if variants is defined and variants %},p:{variant:String(j)}{% endif %}}
{%- else -%}
{type:"event",payload:{website:{{ analytics.site|tojson }},hostname:location.hostname,url:location.pathname+location.search,referrer:r,title:document.title,language:n.language,screen:screen.width+"x"+screen.height{% if variants is defined and variants %},data:{variant:j}{% endif %}}}
{%- endif -%}
)],{type:"text/plain"}))
{%- endif -%}
}catch(_){}
