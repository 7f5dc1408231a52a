{#- The views a link's own page shows in its place, shared by every page (one file,
    '/_shortlinks/views.js', loaded by _view.js only when a view is due):
      ["expired", title, when]: the expired page, once the visitor's clock is past the
        link's 'expires' and it has no 'expired' URL (the rebuilt site answers with
        expired.html; until then, and on a site that is not rebuilt, this is it);
      ["open", title, address]: for a link with 'open_in_browser', inside an app's
        in-app browser (redirect.js names the apps; they block or warn on many sites, or
        hide the address): first the app's own way out where there is one, from its user
        agent again:
          LINE ('Line/'): the address with 'openExternalBrowser=1' added to its query, which
            LINE opens in the default browser, on iOS and Android alike;
          on Android, but for WeChat and QQ (which refuse to hand pages to other apps): an
            intent: URL for the address, which hands it to the default browser (its
            S.browser_fallback_url, the address itself, when no app takes it); the view
            below stays for an app that ignores it;
        then, but for LINE, it asks to open the link in a browser, in the words for that
        app (W.hint_apps, generator/i18n.py hint(): the app named, and what to tap in it,
        on Android its own where it differs; else hint_app, hint_steps), with the address it
        would have gone to (the visitor's query merged in, the device's target) and a copy
        button, with a fallback for in-app browsers without the clipboard API;
      ["app", title, short URL, target, fallback]: for a link that opens an app (_app.js),
        on a computer (or a phone that did not open it, without a fallback): the QR code of
        the short link, drawn into an <img> by the shared qr.js, to scan with a phone; for a
        tel:, mailto: or sms: target the number or address as a link; the fallback as a
        link.
        Sources: docs/links-yaml.md, "open_in_browser". The intent's data is the address
        after its scheme (Android's Intent.parseUri splits at the last '#', which is ours),
        its fallback the address percent-encoded whole, so no address can end the intent
        early or add to it; every target it is given is http or https (an app's
        link gives its short URL).
    Every value is set as text (textContent), never as markup; the words (generator/i18n.py)
    come in through tojson. A placeholder is filled by a function, so a '$' in a title is
    itself. The page is hidden while the view is built; a page without its own style gets
    the shared one ('/_shortlinks/style.css', style.css) and shows once it has loaded. -#}
(function(a,W){if(!a)return;var d=document,h=d.documentElement,u=navigator.userAgent,t=a[2],i,b;
if(a[0]=="open"){var P={wechat:/MicroMessenger/,qq:/ QQ\//,instagram:/Instagram/,facebook:/FBAV/,douyin:/aweme/,tiktok:/musical_ly|Bytedance/,weibo:/Weibo/,alipay:/Alipay/},k,n=W.hint_app,x=W.hint_steps;for(k in P)if(P[k].test(u)){k=W.hint_apps[k];n=k[0];x=/Android/.test(u)&&k[2]||k[1]||x;break}i=t.indexOf("#");if(i<0)i=t.length;b=t.slice(0,i);
if(/Line\//.test(u)){h.hidden=false;location.replace(b+(b.indexOf("?")<0?"?":/[?&]$/.test(b)?"":"&")+"openExternalBrowser=1"+t.slice(i));return}
i=t.indexOf(":");if(/Android/.test(u)&&!/MicroMessenger| QQ\//.test(u))location.replace("intent"+t.slice(i)+"#Intent;scheme="+t.slice(0,i)+";S.browser_fallback_url="+encodeURIComponent(t)+";end")}
function E(p,n,x){var e=p.appendChild(d.createElement(n));if(x!=null)e.textContent=x;return e}
function F(s,v){return s.replace(/\{(\w+)\}/g,function(m,k){return k in v?v[k]:m})}
function show(){var b=d.body,m,g;b.innerHTML="";m=E(b,"main");
if(a[0]=="expired"){d.title=W.expired_title;E(m,"h1",W.expired_heading);E(m,"p",F(a[1]?W.expired_named:W.expired_plain,{title:a[1],when:a[2]}));E(E(m,"p"),"a",W.go_to).href=W.home}
if(a[0]=="open"){d.title=W.hint_heading;E(m,"h1",W.hint_heading);if(a[1])E(m,"p",a[1]);E(m,"p",F(W.hint_text,{app:n,steps:x})).id="steps";var s=E(E(m,"p"),"span",a[2]),c=E(E(m,"p"),"button",W.copy);s.parentNode.className="target";s.id="short";c.type="button";c.id="copy";
c.addEventListener("click",function(){function done(){c.textContent=W.copied}function other(){var r=d.createRange(),g=getSelection();r.selectNodeContents(s);g.removeAllRanges();g.addRange(r);if(d.execCommand("copy"))done()}if(navigator.clipboard)navigator.clipboard.writeText(a[2]).then(done,other);else other()})}
if(a[0]=="app"){d.title=W.app_heading;E(m,"h1",W.app_heading);if(a[1])E(m,"p",a[1]);g=E(m,"figure");g.className="qr";var q=E(g,"img"),o,k;q.id="qr";q.alt=a[2];q.width=q.height=240;q.setAttribute("data-qr",a[2]);E(g,"figcaption",W.app_scan);o=d.createElement("script");o.src="/_shortlinks/qr.js";d.head.appendChild(o);
if(/^(tel|mailto|sms):/.test(a[3])){o=E(m,"p",W.app_direct+" ");k=a[3].slice(a[3].indexOf(":")+1).split("?")[0];try{k=decodeURIComponent(k)}catch(e){}o=E(o,"a",k);o.href=a[3];o.id="direct"}
if(a[4]){o=E(E(m,"p",W.app_fallback+" "),"a",a[4]);o.href=a[4];o.id="fallback"}}
if(d.querySelector("style")){h.hidden=false;return}g=E(d.head,"link");g.rel="stylesheet";g.href="/_shortlinks/style.css";g.onload=g.onerror=function(){h.hidden=false}}
if(d.readyState=="loading")d.addEventListener("DOMContentLoaded",show);else show()})(window.shortlinksView,{{ words|tojson }})
