{#- The address a link sends a visitor to: the visitor's query appended to the target's
    ('forward_query'), and the target's fragment or else the visitor's. Shared by redirect.js
    and locked.js, which must agree to the byte. Expects 't' (the target) and 'l' (location). -#}
var q={% if forward_query %}l.search.slice(1){% else %}""{% endif %},i=t.indexOf("#"),f=i<0?l.hash:t.slice(i);if(i>=0)t=t.slice(0,i);if(q)t+=(t.indexOf("?")<0?"?":/[?&]$/.test(t)?"":"&")+q;t+=f;
