{#- Sends the browser to the target with location.replace (so Back skips the short link).
    The visitor's query string is appended to the target's (as hosts do for a rule);
    a fragment in the target wins, otherwise the visitor's fragment is kept, as for an
    HTTP redirect (RFC 9110, 10.2.2). The target comes in through tojson, which escapes
    '<', '>', '&' and quotes, so no URL can close the script. -#}
(function(t){var l=location,q={% if forward_query %}l.search.slice(1){% else %}""{% endif %},i=t.indexOf("#"),f=i<0?l.hash:t.slice(i);if(i>=0)t=t.slice(0,i);if(q)t+=(t.indexOf("?")<0?"?":/[?&]$/.test(t)?"":"&")+q;l.replace(t+f)})({{ target.url|tojson }})
