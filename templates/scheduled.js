{#- The 'not active yet' page reloads itself at the start instant, when the rebuilt site
    (due then: 'Next change' of the build) answers with the link. It never reveals the
    target before then. Long waits are capped at 24 days (setTimeout's limit). -#}
(function(s){var w=s-Date.now();if(w>0)setTimeout(function(){location.reload()},Math.min(w+1000,2147483647))})({{ starts_ms|tojson }})
