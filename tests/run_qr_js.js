// Runs templates/qr.js in node, without a document (the module matrix and the SVG need
// none), for the tests that compare it with segno. One request a line on stdin, as JSON:
// {"text": ..., "level": "M", "scale": 10 (only for an SVG)}; one answer a line on stdout:
// {"version", "mask", "size", "rows": ["0110..."], "svg" (when a scale is given)}, or
// {"error": message}.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const vm = require("vm");

const file = path.join(__dirname, "..", "templates", "qr.js");
const sandbox = {};
vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
const QR = sandbox.ShortlinksQR;

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const ask = JSON.parse(line);
  let answer;
  try {
    const m = QR.matrix(ask.text, ask.level);
    answer = {
      version: m.version,
      mask: m.mask,
      size: m.size,
      rows: m.modules.map((row) => row.map((dark) => (dark ? "1" : "0")).join("")),
    };
    if (ask.scale) answer.svg = QR.svg(ask.text, ask.scale, ask.level);
  } catch (e) {
    answer = { error: String(e.message) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
