{#- Picks a link's target for the visitor's device, in model.PLATFORMS order: WeChat's
    in-app browser (MicroMessenger; it also says iPhone or Android), then iPhone, iPad and
    iPod, and iPadOS, whose Safari says 'Macintosh' but has a touch screen (no Mac has one),
    then Android, then any other system that is not a phone or a tablet ('desktop'). The
    first platform that matches and has a target wins; any other visitor keeps 't'.
    Expects 't' (the link's own target) and 'D' (platform -> URL, only those given); sets
    'k' to the platform chosen ("" for none). Shared by redirect.js and locked.js. -#}
var u=navigator.userAgent,o=/iPhone|iPad|iPod/.test(u)||/Macintosh/.test(u)&&navigator.maxTouchPoints>1,a=/Android/.test(u),k=/MicroMessenger/i.test(u)&&D.wechat?"wechat":o&&D.ios?"ios":a&&D.android?"android":D.desktop&&!o&&!a&&!/Mobi|Tablet|Silk|Kindle|PlayBook|BlackBerry|BB10|Opera Mini|KAIOS|webOS/i.test(u)?"desktop":"";if(k)t=D[k];
