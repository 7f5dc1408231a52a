{#- Sends the browser to the target with location.replace (so Back skips the short link).
    The visitor's query string is appended to the target's (as hosts do for a rule);
    a fragment in the target wins, otherwise the visitor's fragment is kept, as for an
    HTTP redirect (RFC 9110, 10.2.2). An expiring link checks the visitor's clock first:
    from its 'expires' instant on, it goes to the 'expired' URL, or shows that the link
    has expired, even before the site is rebuilt. Values come in through tojson, which
    escapes '<', '>', '&' and quotes, so no URL or text can close the script. -#}
{% if expires_ms -%}
(function(t,e,x,m){var l=location,d=document;if(Date.now()>=e){if(!x){d.title=m[0];d.addEventListener("DOMContentLoaded",function(){var b=d.body,h=d.createElement("h1"),p=d.createElement("p");h.textContent=m[0];p.textContent=m[1];b.textContent="";b.append(h,p)});return}t=x}
{%- else -%}
(function(t){var l=location;
{%- endif -%}
var q={% if forward_query %}l.search.slice(1){% else %}""{% endif %},i=t.indexOf("#"),f=i<0?l.hash:t.slice(i);if(i>=0)t=t.slice(0,i);if(q)t+=(t.indexOf("?")<0?"?":/[?&]$/.test(t)?"":"&")+q;l.replace(t+f)})({{ target.url|tojson }}{% if expires_ms %},{{ expires_ms|tojson }},{{ expired_url|tojson }},{{ expired_text|tojson }}{% endif %})
