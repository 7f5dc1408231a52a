{#- Picks one of a link's variants (variants:) by weight and keeps the visitor on it.
    Expects 't' (the link's target: the first variant, where visitors without JavaScript go)
    and 'V' ([url, weight] each, in links.yaml's order); sets 'j' to the chosen variant's
    number (1 for the first), which the click's beacon reports (_beacon.js). A choice stored
    for this link (localStorage, the key "shortlinks:v:" and its slug) is kept while its URL
    is still one of the variants; otherwise a weighted pick from crypto.getRandomValues (a
    32-bit number modulo the total weight: at most 1,000,000 a variant, the bias is
    negligible), then stored. A browser that blocks storage (private modes, some in-app
    browsers) throws on access: it gets a fresh pick each visit. -#}
var j=0,c,s,i,K="shortlinks:v:"+{{ variants_key|tojson }};try{s=localStorage.getItem(K)}catch(_){}
for(i=0;i<V.length;i++)if(V[i][0]===s)j=i+1;
if(!j){for(c=i=0;i<V.length;i++)c+=V[i][1];s=new Uint32Array(1);crypto.getRandomValues(s);c=s[0]%c;for(i=0;c>=V[i][1];i++)c-=V[i][1];j=i+1;try{localStorage.setItem(K,V[i][0])}catch(_){}}t=V[j-1][0];
