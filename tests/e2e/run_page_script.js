// Runs the inline script of a redirect page (or of 404.html) the way a browser would, with
// a stand-in `location`, and prints the URL the page asks the browser to load.
// Usage: node run_page_script.js PAGE.html 'https://go.example.com/slug?x=1#frag'
// The visitor's user agent is PAGE_UA when given ("node" otherwise). A page that shows one of
// the shared views in place (_view.js) prints "view " and the view's values as JSON; with
// PAGE_VIEWS (the site's _shortlinks/views.js), that script runs next, up to the point where
// it would draw the view, and any URL it asks for follows on a line of its own.
// The page's random source (crypto.getRandomValues) gives PAGE_RANDOM (a 32-bit number) when
// given; its localStorage starts as PAGE_STORAGE (JSON of key -> value), or throws on every
// access when PAGE_STORAGE is "blocked"; with PAGE_STORAGE, what it holds afterwards and the
// beacon's body or URL (navigator.sendBeacon) follow the URL on lines of their own, as
// "storage {...}" and "beacon ...".
"use strict";
const fs = require("fs");
const vm = require("vm");

const [page, visited] = process.argv.slice(2);
const html = fs.readFileSync(page, "utf8");
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (scripts.length !== 1) {
  console.error(`expected one inline script, found ${scripts.length}`);
  process.exit(2);
}
const url = new URL(visited);
let replaced = null;
const location = {
  href: url.href,
  pathname: url.pathname,
  search: url.search,
  hash: url.hash,
  replace(to) {
    replaced = to;
  },
  assign() {
    throw new Error("pages must use location.replace (keeps Back working)");
  },
};
// The visitor's clock: PAGE_NOW (ms since 1970) when given, so tests do not depend on the day
// they run; a page that finds its link expired changes the document instead of redirecting.
const now = process.env.PAGE_NOW ? Number(process.env.PAGE_NOW) : Date.now();
class FixedDate extends Date {
  static now() {
    return now;
  }
}
// A page may load one of the site's shared scripts instead (the 404 page, for a preview's
// path): printed as "load SRC".
let loaded = null;
// A redirect page's script may read its target from the page's canonical link (redirect.js):
// its href as a browser's HTML parser decodes it. The pages write it as Jinja escapes an
// attribute (&amp; &lt; &gt; &#34; &#39;); any other '&' would be a reference this stand-in
// does not know, so it stops there rather than guess.
const ESCAPES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": '"', "&#39;": "'" };
function canonical() {
  const found = [...html.matchAll(/<link rel="canonical" href="([^"]*)">/g)];
  if (found.length !== 1) throw new Error(`expected one canonical link, found ${found.length}`);
  return found[0][1].replace(/&[^;]*;?/g, (ref) => {
    if (!(ref in ESCAPES)) throw new Error(`unexpected reference ${ref} in the canonical link`);
    return ESCAPES[ref];
  });
}
const document = {
  title: "",
  addEventListener() {},
  createElement: () => ({}),
  documentElement: {},
  head: {
    appendChild(element) {
      loaded = element.src;
    },
  },
  querySelector(selector) {
    if (selector !== "link[rel=canonical]") throw new Error(`unexpected selector ${selector}`);
    const href = canonical();
    return { getAttribute: (name) => (name === "href" ? href : null) };
  },
};
let beacon = null;
const navigator = {
  userAgent: process.env.PAGE_UA || "node",
  sendBeacon(to, body) {
    beacon = body === undefined ? to : body.text;
    return true;
  },
};
const window = {};
const crypto = {
  getRandomValues(array) {
    if (process.env.PAGE_RANDOM === undefined) return require("crypto").getRandomValues(array);
    array.fill(Number(process.env.PAGE_RANDOM));
    return array;
  },
};
const blocked = process.env.PAGE_STORAGE === "blocked";
const stored = blocked || !process.env.PAGE_STORAGE ? {} : JSON.parse(process.env.PAGE_STORAGE);
const localStorage = {
  getItem(key) {
    if (blocked) throw new Error("SecurityError");
    return key in stored ? stored[key] : null;
  },
  setItem(key, value) {
    if (blocked) throw new Error("SecurityError");
    stored[key] = String(value);
  },
};
class TextBlob {
  constructor(parts) {
    this.text = parts.join("");
  }
}
process.on("exit", () => {
  if (process.env.PAGE_STORAGE) {
    process.stdout.write("\nstorage " + JSON.stringify(stored));
    if (beacon !== null) process.stdout.write("\nbeacon " + beacon);
  }
});
vm.runInNewContext(scripts[0], {
  location,
  document,
  navigator,
  window,
  crypto,
  localStorage,
  Blob: TextBlob,
  Uint32Array,
  Date: FixedDate,
  TextEncoder,
  TextDecoder,
});
if (window.shortlinksView) {
  process.stdout.write("view " + JSON.stringify([...window.shortlinksView]));
  if (process.env.PAGE_VIEWS) {
    document.readyState = "loading"; // the view is drawn once the document is read: not here
    const views = fs.readFileSync(process.env.PAGE_VIEWS, "utf8");
    vm.runInNewContext(views, { location, document, navigator, window });
  }
  if (replaced !== null) process.stdout.write("\n" + replaced);
  process.exit(0);
}
if (replaced === null && loaded !== null) {
  process.stdout.write("load " + loaded);
  process.exit(0);
}
if (replaced === null) {
  console.error("the script did not redirect");
  process.exit(3);
}
process.stdout.write(replaced);
