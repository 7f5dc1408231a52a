{#- The 'not active yet' page reloads itself at the start instant, when the site rebuilt for
    it answers with the link; the target is never in this page. The rebuild may land a little
    later (the publish workflow runs on a schedule), so past the start the page says it opens
    any minute and tries again every minute, for up to three hours. Long waits are capped at
    setTimeout's 24 days. -#}
(function(s,m){var w=s-Date.now();if(w>0){setTimeout(function(){location.reload()},Math.min(w+1000,2147483647));return}if(-w>108e5)return;document.addEventListener("DOMContentLoaded",function(){var p=document.querySelector("main p");if(p)p.textContent=m});setTimeout(function(){location.reload()},6e4)})({{ starts_ms|tojson }},{{ soon|tojson }})
