{#- The preview of a short link at '/<slug>+', drawn in the browser from shared files: the
    script of the shared preview page (preview_shared.html, which hosts with a pattern rule
    answer every '/<slug>+' with) and of the 404 page (which other hosts answer it with:
    404.js loads this file for a path ending in '+'). Published as '/_shortlinks/preview.js'.

    It reads the slug from the address, fetches the one shard file that can hold its record
    and opens the record (generator/previews.py: the key is SHA-256 of a label and the path;
    a record is the JSON object itself where the site publishes links.json, else a string:
    XORed with SHA-256 in counter mode, from the path, in base64); a path that is no slug
    is looked up again by its normal form (case, width, trailing punctuation: as 404.js).
    SHA-256 is written out here, synchronous, so plain http pages (no WebCrypto) work too.
    The record's state is the visitor's clock's: not yet started, expired (then its
    'expired' URL, if any, is where it goes) or active, as the link's own page decides.
    Every value is set as text or as an attribute, never as markup; a target is a link
    only if it is http(s), tel:, mailto: or sms: (an app's other URLs are shown as text:
    "It opens", then the fallback, F, of a link that opens an app). The QR code is drawn by the shared qr.js, loaded here.
    Values: words (generator/i18n.py), shards (how many), base (the short domain's
    'https://host', or null), qr (draw the code: true, or site.qr's style as {dark, light,
    quiet, logo, logoSize} when it has one, which qr_style says), trailing_class (finder.TRAILING). -#}
(function(W,N,B,Q){var d=document,l=location,p;try{p=decodeURIComponent(l.pathname)}catch(e){return}
if(!/[^\/]\+$/.test(p))return;p=p.replace(/^\/+/,"").slice(0,-1);
function U(s){return Array.prototype.slice.call(new TextEncoder().encode(s))}
var K=[],I=[],n=2,c=0,j;function F32(x){return (x-Math.floor(x))*4294967296|0}
for(;c<64;n++){for(j=2;j*j<=n&&n%j;j++);if(j*j>n){if(c<8)I[c]=F32(Math.sqrt(n));K[c++]=F32(Math.pow(n,1/3))}}
function R(x,k){return x>>>k|x<<32-k}
function H(b){var h=I.slice(0),L=b.length,m=b.concat([128]),w=[],i,t,a,e,f,g,o,q,r,s,u,v,x;
while(m.length%64!=56)m.push(0);for(i=7;i>=0;i--)m.push(i>3?0:L*8/Math.pow(2,8*i)&255);
for(i=0;i<m.length;i+=64){for(t=0;t<64;t++){if(t<16)w[t]=m[i+4*t]<<24|m[i+4*t+1]<<16|m[i+4*t+2]<<8|m[i+4*t+3];else{x=w[t-15];v=w[t-2];w[t]=(R(x,7)^R(x,18)^x>>>3)+w[t-16]+(R(v,17)^R(v,19)^v>>>10)+w[t-7]|0}}
a=h[0];e=h[1];f=h[2];g=h[3];o=h[4];q=h[5];r=h[6];s=h[7];
for(t=0;t<64;t++){u=s+(R(o,6)^R(o,11)^R(o,25))+(o&q^~o&r)+K[t]+w[t]|0;v=(R(a,2)^R(a,13)^R(a,22))+(a&e^a&f^e&f)|0;s=r;r=q;q=o;o=g+u|0;g=f;f=e;e=a;a=u+v|0}
h[0]=h[0]+a|0;h[1]=h[1]+e|0;h[2]=h[2]+f|0;h[3]=h[3]+g|0;h[4]=h[4]+o|0;h[5]=h[5]+q|0;h[6]=h[6]+r|0;h[7]=h[7]+s|0}
for(u=[],i=0;i<32;i++)u.push(h[i>>2]>>>24-8*(i%4)&255);return u}
function X(b){for(var s="",i=0;i<b.length;i++)s+=(b[i]<16?"0":"")+b[i].toString(16);return s}
function O(c,s){var b=atob(c),k=H(U("shortlinks preview seal\u0000"+s)),o=new Uint8Array(b.length),i,z;
for(i=0;i<b.length;i++){if(i%32==0)z=H(k.concat([i>>>29&255,i>>>21&255,i>>>13&255,i>>>5&255]));o[i]=b.charCodeAt(i)^z[i%32]}return JSON.parse(new TextDecoder().decode(o))}
function G(s,f){var k=X(H(U("shortlinks preview key\u0000"+s))).slice(0,16),x=new XMLHttpRequest();
x.open("GET","/_shortlinks/previews/"+parseInt(k.slice(0,8),16)%N+".json");x.onload=function(){var r=null;try{if(x.status==200){r=JSON.parse(x.responseText)[k];r=r?typeof r=="string"?O(r,s):r:null}}catch(e){r=null}f(r)};x.onerror=function(){f(null)};x.send()}
function E(m,t,x,k){var e=m.appendChild(d.createElement(t));if(x!=null)e.textContent=x;if(k)e.className=k;return e}
function A(m,t){var a=E(m,"a",t[1]);if(/^(https?|tel|mailto|sms):/i.test(t[0]))a.href=t[0];a.rel="nofollow noopener";return a}
function T(s,w){return s.replace("{when}",function(){return w})}
function C(b,v,s){b.addEventListener("click",function(){function done(){b.textContent=W.copied}function other(){var r=d.createRange(),g=getSelection();r.selectNodeContents(s);g.removeAllRanges();g.addRange(r);if(d.execCommand("copy"))done()}if(navigator.clipboard)navigator.clipboard.writeText(v).then(done,other);else other()})}
function J(f){if(window.ShortlinksQR)return f();var s=d.createElement("script");s.src="/_shortlinks/qr.js";s.onload=f;d.head.appendChild(s)}
function show(r){var m=d.querySelector("main"),s=r.s,u=B?B+"/"+encodeURI(s):null,now=Date.now(),t=null,st="",o=r.e&&now>=r.e,i,y,b,g,img,v,z;
m.innerHTML="";d.title=(r.t||u||s)+" · "+W.title;E(m,"h1",r.t||s);if(r.d)E(m,"p",r.d,"description");
if(r.a&&now<r.a)st=T(W.starts,r.A);else if(o){t=r.x||null;st=T(W.expired,r.E)}else{t=r.u||null;st=r.e?T(W.expires,r.E):!t&&r.a&&!r.l?T(W.starts,r.A):""}
if(t){E(m,"p",/^https?:/i.test(t[0])?W.goes_to:W.opens);A(E(m,"p",null,"target"),t);if(r.F&&!o){E(m,"p",W.app_fallback);A(E(m,"p",null,"target"),r.F)}if(r.D&&!o){E(m,"p",W.devices);y=E(m,"ul");for(i=0;i<r.D.length;i++){v=E(y,"li",W["device_"+r.D[i][0]]+": ");A(v,[r.D[i][1],r.D[i][2]]).className="target"}}if(r.G&&!o){E(m,"p",W.languages);y=E(m,"ul");for(i=0;i<r.G.length;i++){v=E(y,"li",r.G[i][0]+": ");v.lang=r.G[i][0];A(v,[r.G[i][1],r.G[i][2]]).className="target"}}if(r.C&&!o){E(m,"p",W.countries);y=E(m,"ul");for(i=0;i<r.C.length;i++){v=E(y,"li",r.C[i][0]+": ");A(v,[r.C[i][1],r.C[i][2]]).className="target"}}
if(r.V&&!o){E(m,"p",W.variants);y=E(m,"ul");for(i=0;i<r.V.length;i++){v=E(y,"li");A(v,r.V[i]).className="target";v.appendChild(d.createTextNode(" · "+W.weight+" "+r.V[i][2]))}}if(r.o&&!o)E(m,"p",W.in_app)}
if(r.l&&!o)E(m,"p",W.locked);if(st)E(m,"p",st,"muted");
if(u){y=E(m,"p",null,"short");v=E(y,"span",u);v.id="short";y.appendChild(d.createTextNode(" "));b=E(y,"button",W.copy);b.type="button";b.id="copy";C(b,u,v);
if(Q){g=E(m,"figure",null,"qr");img=E(g,"img");img.id="qr";img.alt=W.qr+": "+u;img.width=img.height=240;z=E(g,"figcaption",W.qr+": ");i=E(z,"a","SVG");z.appendChild(d.createTextNode(" · "));v=E(z,"a","PNG");
J(function(){window.ShortlinksQR.show(img,u,{svgLink:i,pngLink:v,name:s{% if qr_style %},dark:Q.dark,light:Q.light,quiet:Q.quiet,logo:Q.logo,logoSize:Q.logoSize{% endif %}})})}}}
function none(){var m=d.querySelector("main"),e=d.getElementById("loading");if(!e)return;m.innerHTML="";d.title=W.not_found_title;E(m,"h1",W.not_found_heading);E(m,"p",W.not_found_hint);E(E(m,"p"),"a",W.go_to).href=W.home}
function norm(s){return s.normalize("NFKC").toLowerCase().replace(/[{{ trailing_class }}\/\s]+$/,"").replace(/^\/+|\/+$/g,"")}
G(p,function(r){if(r)return show(r);var q=norm(p);if(q&&q!=p)G(q,function(r){r?show(r):none()});else none()})
})({{ words|tojson }},{{ shards|tojson }},{{ base|tojson }},{{ qr|tojson }})
