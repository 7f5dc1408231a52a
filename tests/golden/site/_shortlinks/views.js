(function(a,W){if(!a)return;var d=document,h=d.documentElement,u=navigator.userAgent,t=a[2],i,b;
if(a[0]=="open"){i=t.indexOf("#");if(i<0)i=t.length;b=t.slice(0,i);
if(/Line\//.test(u)){h.hidden=false;location.replace(b+(b.indexOf("?")<0?"?":/[?&]$/.test(b)?"":"&")+"openExternalBrowser=1"+t.slice(i));return}
i=t.indexOf(":");if(/Android/.test(u)&&!/MicroMessenger| QQ\//.test(u))location.replace("intent"+t.slice(i)+"#Intent;scheme="+t.slice(0,i)+";S.browser_fallback_url="+encodeURIComponent(t)+";end")}
function E(p,n,x){var e=p.appendChild(d.createElement(n));if(x!=null)e.textContent=x;return e}
function F(s,v){return s.replace(/\{(\w+)\}/g,function(m,k){return k in v?v[k]:m})}
function show(){var b=d.body,m,g;b.innerHTML="";m=E(b,"main");
if(a[0]=="expired"){d.title=W.expired_title;E(m,"h1",W.expired_heading);E(m,"p",F(a[1]?W.expired_named:W.expired_plain,{title:a[1],when:a[2]}));E(E(m,"p"),"a",W.go_to).href=W.home}
if(a[0]=="open"){d.title=W.hint_heading;E(m,"h1",W.hint_heading);if(a[1])E(m,"p",a[1]);E(m,"p",W.hint_text);var s=E(E(m,"p"),"span",a[2]),c=E(E(m,"p"),"button",W.copy);s.parentNode.className="target";s.id="short";c.type="button";c.id="copy";
c.addEventListener("click",function(){function done(){c.textContent=W.copied}function other(){var r=d.createRange(),g=getSelection();r.selectNodeContents(s);g.removeAllRanges();g.addRange(r);if(d.execCommand("copy"))done()}if(navigator.clipboard)navigator.clipboard.writeText(a[2]).then(done,other);else other()})}
if(d.querySelector("style")){h.hidden=false;return}g=E(d.head,"link");g.rel="stylesheet";g.href="/_shortlinks/style.css";g.onload=g.onerror=function(){h.hidden=false}}
if(d.readyState=="loading")d.addEventListener("DOMContentLoaded",show);else show()})(window.shortlinksView,{"copied": "Copied", "copy": "Copy", "expired_heading": "This link has expired", "expired_named": "“{title}” was available until {when}.", "expired_plain": "This short link was available until {when}.", "expired_title": "Link expired", "go_to": "Go to go.example.com", "hint_heading": "Open this link in your browser", "hint_text": "This app may block the page. Tap ··· at the top right and choose “Open in Browser”, or copy the address below into your browser:", "home": "/"})
