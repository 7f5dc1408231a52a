{#- The page of a link with a password. It holds the target (and the device targets) only
    encrypted (generator/secret.py): the key is derived from the password the visitor types
    (PBKDF2-HMAC-SHA256, the iterations given) and the target decrypted with AES-256-GCM,
    all by WebCrypto; then the visitor goes there as from a redirect page: device choice
    (_devices.js), query and fragment merged (_merge.js), location.replace. A wrong password
    fails GCM's check: the page says so and knows nothing more. WebCrypto only exists in a
    secure context (https, or this computer), so elsewhere, as without JavaScript, the form
    stays hidden and the page's text says what the link needs. An expiring link checks the
    visitor's clock first, on arrival and again once unlocked, as redirect.js does: its
    'expired' URL (public) or its expired page in place, without asking for the password. A counted
    link (site.analytics) sends its click-count beacon as the page opens (_beacon.js). -#}
(function(S,V,C,N{% if expires_ms %},e,x{% endif %}){var l=location,d=document,c=window.crypto&&crypto.subtle,B=function(s){return Uint8Array.from(atob(s),function(h){return h.charCodeAt(0)})};
{%- if beacon %}{% include "_beacon.js" %}{% endif %}
{% if expired_at %}{% include "_view.js" %}{% endif %}
function go(t,D){{ '{' }}{% include "_devices.js" %}{% include "_merge.js" %}l.replace(t)}
function over(){{ '{' }}{% if expires_ms %}if(Date.now()>=e){{ '{' }}{% if expired_at %}if(!x){Z("expired",{{ title|tojson }},{{ expired_at|tojson }});return 1}{% endif %}go(x,{});return 1}{% endif %}return 0}
if(over()||!c)return;var f=d.getElementById("unlock"),p=d.getElementById("password"),w=d.getElementById("wrong"),b=f.querySelector("button");d.getElementById("needs").hidden=true;f.hidden=false;p.focus();
f.addEventListener("submit",function(v){v.preventDefault();w.hidden=true;b.disabled=true;c.importKey("raw",new TextEncoder().encode(p.value),"PBKDF2",false,["deriveKey"]).then(function(m){return c.deriveKey({name:"PBKDF2",salt:B(S),iterations:N,hash:"SHA-256"},m,{name:"AES-GCM",length:256},false,["decrypt"])}).then(function(k){return c.decrypt({name:"AES-GCM",iv:B(V)},k,B(C))}).then(function(r){var o=JSON.parse(new TextDecoder().decode(r));if(!over())go(o.t,o.d)},function(){b.disabled=false;w.hidden=false;p.select()})})})({{ salt|tojson }},{{ iv|tojson }},{{ data|tojson }},{{ iterations|tojson }}{% if expires_ms %},{{ expires_ms|tojson }},{{ expired_url|tojson }}{% endif %})
