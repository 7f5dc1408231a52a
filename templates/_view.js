{#- Shows one of the views of templates/views.js in place of this page: the page is hidden,
    the shared script '/_shortlinks/views.js' is loaded, and it finds what to show in
    window.shortlinksView (the arguments of Z(): the view's name, then its values). The
    words and the code are the same for every link, so they live in that one shared file and
    this page carries only its own values. Should the file not load, the page shows again. -#}
function Z(){var d=document,h=d.documentElement,s=d.createElement("script");window.shortlinksView=arguments;h.hidden=true;s.src="/_shortlinks/views.js";s.onerror=function(){h.hidden=false};d.head.appendChild(s)}
