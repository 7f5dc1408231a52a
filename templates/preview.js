{#- The copy button: puts the short URL on the clipboard and says so. -#}
(function(){var b=document.getElementById("copy"),s=document.getElementById("short");if(!b||!s||!navigator.clipboard)return;b.addEventListener("click",function(){navigator.clipboard.writeText(s.textContent).then(function(){b.textContent=b.getAttribute("data-done")})})})()
