{#- Finds a mangled short link ('Sale', 'sale)', 'sale。', 'ｓａｌｅ', 'sale/') and goes there.
    Mirrors generator/finder.py: the path's normal form is hashed and looked up in the table,
    whose value is the slug encrypted with a key from that normal form, so the page holds no
    list of slugs. Query and fragment are kept; the current path is never a target (no loop). -#}
(function(T){var l=location,p;try{p=decodeURIComponent(l.pathname)}catch(e){return}
var E=function(s){return new TextEncoder().encode(s)},H=function(b,s){for(var i=0;i<b.length;i++){s=Math.imul((s^b[i])>>>0,16777619)>>>0}return s},X=function(x){return("0000000"+x.toString(16)).slice(-8)};
var n=p.normalize("NFKC").toLowerCase().replace(/[{{ trailing_class }}\/\s]+$/,"").replace(/^\/+|\/+$/g,"");if(!n)return;
var b=E(n),c=T[X(H(b,2166136261))+X(H(b,{{ seed2 }}))];if(!c)return;
var o=new Uint8Array(c.length/2),i,w;for(i=0;i<o.length;i++){if(i%4==0)w=H(E(n+"\u0000"+(i/4)),2166136261);o[i]=parseInt(c.substr(2*i,2),16)^(w>>>(24-8*(i%4))&255)}
var s=new TextDecoder().decode(o);if("/"+s!==p)l.replace("/"+encodeURI(s)+l.search+l.hash)})({{ table|tojson }})
