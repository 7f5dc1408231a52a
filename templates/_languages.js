{#- Picks a link's target for the visitor's languages (navigator.languages, most wanted
    first), when no device target was chosen (a device target wins: _devices.js sets 'k').
    Each of the visitor's tags is looked up as RFC 4647's "lookup" does (3.4): the tag
    itself, then with its last subtag dropped, down to its primary subtag ('zh-Hant-TW',
    'zh-Hant', 'zh'), case ignored; the first of the visitor's tags that finds one wins;
    nothing found, 't' stays (the link's url). Expects 'L' (lower-case tag -> URL, only
    those given). -#}
{% if devices %}if(!k){{ '{' }}{% endif %}var n=navigator.languages||[navigator.language||""],j,s,g;for(j=0;!g&&j<n.length;j++)for(s=String(n[j]||"").toLowerCase();!g&&s;s=s.slice(0,Math.max(0,s.lastIndexOf("-"))))if(Object.prototype.hasOwnProperty.call(L,s))g=L[s];if(g)t=g{% if devices %}}{% endif %};
