{#- Finds a mangled short link ('Sale', 'sale)', 'sale。', 'ｓａｌｅ', 'sale/') and goes there.
    Mirrors generator/finder.py: the path's normal form is hashed and looked up in the table,
    whose value is the slug encrypted with a key from that normal form, so the page holds no
    list of slugs. Query and fragment are kept. A link's exact path that still got here (a host
    whose rules ran out, such as Azure's 20 KB) goes to its page file, '/slug.html', whose own
    path normalises to no slug: no loop. A preview path, '/slug+' (or '/slug%2B'), that
    reaches this page: with the shared previews (the default), the page loads the shared
    preview script, which draws the preview here (hosts without a rule for it: GitHub Pages,
    GitLab, Netlify, S3, Azure past its 20 KB); with 'site.preview: files', one the host did
    not serve (Azure past its 20 KB; S3 reads '+' as a space) goes to '/slug%2B.html', which
    every host but Netlify's and Firebase's servers decode to the file 'slug+.html', and one
    spelt '/slug%2B' (which those two and Azure do not serve) goes to '/slug+'. Past
    finder.MAX_SLUGS there is no table: the page only loads the preview script. With
    site.not_found (F), a path the table has nothing for, and that is no preview, goes there:
    none of the unknown path, query or fragment goes with it. With counting on
    (site.analytics), such a path is counted first, as an orphan visit (_beacon.js: the
    path goes escaped, as a link page's does); a path the finder sends on is counted by the
    page it goes to, and a preview is not counted. -#}
(function(T,F){var l=location,p,v,G=function(){if(v)return;{% if beacon %}{% include "_beacon.js" %}{% endif %}if(F)l.replace(F)};try{p=decodeURIComponent(l.pathname)}catch(e){return G()}v=/[^\/]\+$/.test(p);
{%- if shared_preview %}if(v){var s=document.createElement("script");s.src="/_shortlinks/preview.js";document.head.appendChild(s);return}{% endif %}
{%- if table %}if(v)p=p.slice(0,-1);
var E=function(s){return new TextEncoder().encode(s)},H=function(b,s){for(var i=0;i<b.length;i++){s=Math.imul((s^b[i])>>>0,16777619)>>>0}return s},X=function(x){return("0000000"+x.toString(16)).slice(-8)};
var n=p.normalize("NFKC").toLowerCase().replace(/[{{ trailing_class }}\/\s]+$/,"").replace(/^\/+|\/+$/g,"");if(!n)return G();
var b=E(n),c=T[X(H(b,2166136261))+X(H(b,{{ seed2 }}))];if(!c)return G();
var o=new Uint8Array(c.length/2),i,w;for(i=0;i<o.length;i++){if(i%4==0)w=H(E(n+"\u0000"+(i/4)),2166136261);o[i]=parseInt(c.substr(2*i,2),16)^(w>>>(24-8*(i%4))&255)}
var s=new TextDecoder().decode(o);l.replace("/"+encodeURI(s)+(v?/%2b$/i.test(l.pathname)?"+":"%2B.html":"/"+s===p?".html":"")+l.search+l.hash)
{%- else %}G()
{%- endif %}})({{ table|tojson }},{{ not_found|tojson }})
