// Runs the shared preview script (_shortlinks/preview.js of a built site) the way a browser
// would on a page at the given address, with a small stand-in document, and prints what it
// drew: {"title": ..., "main": [tag, {attributes}, ...children]} (text as strings), the
// files it fetched, and the QR code it asked qr.js to draw.
// Usage: node run_preview_js.js SITE_DIR 'https://go.example.com/slug+' [PAGE_NOW_MS]
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [site, visited, nowText] = process.argv.slice(2);
const url = new URL(visited);
const now = nowText ? Number(nowText) : Date.now();

class Node {
  constructor(tag) {
    this.tag = tag;
    this.children = [];
    this.attrs = {};
    this.listeners = {};
  }
  appendChild(child) {
    this.children.push(child);
    return child;
  }
  set textContent(text) {
    this.children = [String(text)];
  }
  get textContent() {
    return this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  set innerHTML(html) {
    if (html !== "") throw new Error("the script set markup: " + html);
    this.children = [];
  }
  addEventListener(kind, f) {
    this.listeners[kind] = f;
  }
  tree() {
    return [this.tag, this.attrs, ...this.children.map((c) => (typeof c === "string" ? c : c.tree()))];
  }
}
for (const name of ["id", "className", "href", "rel", "alt", "type", "src", "width", "height"]) {
  Object.defineProperty(Node.prototype, name, {
    set(value) {
      this.attrs[name] = String(value);
    },
    get() {
      return this.attrs[name];
    },
  });
}

const head = new Node("head");
const main = new Node("main");
const loading = new Node("p");
loading.attrs.id = "loading";
if (process.env.PREVIEW_SHELL !== "0") main.appendChild(loading); // the shared page's body
function find(node, id) {
  if (typeof node === "string") return null;
  if (node.attrs.id === id) return node;
  for (const c of node.children) {
    const found = find(c, id);
    if (found) return found;
  }
  return null;
}
const document = {
  title: "",
  head,
  createElement: (tag) => new Node(tag),
  createTextNode: (text) => text,
  querySelector: (what) => {
    if (what !== "main") throw new Error("unexpected selector " + what);
    return main;
  },
  getElementById: (id) => find(main, id),
};
const fetched = [];
class XMLHttpRequest {
  open(method, where) {
    this.where = where;
  }
  send() {
    fetched.push(this.where);
    const file = path.join(site, decodeURIComponent(this.where));
    if (fs.existsSync(file)) {
      this.status = 200;
      this.responseText = fs.readFileSync(file, "utf8");
    } else {
      this.status = 404;
      this.responseText = "";
    }
    this.onload();
  }
}
const drawn = [];
const window = {
  ShortlinksQR: {
    show(img, text, options) {
      drawn.push({ image: img.id, text, name: options.name, svg: !!options.svgLink, png: !!options.pngLink });
    },
  },
};
class FixedDate extends Date {
  static now() {
    return now;
  }
}
const location = { pathname: url.pathname, search: url.search, hash: url.hash, href: url.href };
const code = fs.readFileSync(path.join(site, "_shortlinks", "preview.js"), "utf8");
vm.runInNewContext(code, {
  document,
  location,
  window,
  navigator: {},
  XMLHttpRequest,
  Date: FixedDate,
  TextEncoder,
  TextDecoder,
  atob,
  encodeURI,
  decodeURIComponent,
  JSON,
  Array,
  Math,
  Uint8Array,
  parseInt,
});
process.stdout.write(JSON.stringify({ title: document.title, main: main.tree(), fetched, drawn }));
