// Reads a vercel.json the way Vercel's own packages do, and answers request paths with it.
//
// usage: node vercel_routes.js SITE_DIR PATH...   (paths percent-encoded, as browsers send them)
// Prints JSON: {"errors": [...], "answers": {path: {"status": N, "location": "..."} |
// {"rewrite": "/dest"} (a rewrite after the files, for a path no file answers) | null}}.
// The schema is @vercel/routing-utils' redirectsSchema/cleanUrlsSchema/trailingSlashSchema
// (what the vercel CLI validates vercel.json with); the routes are its getTransformedRoutes.
"use strict";
const fs = require("fs");
const path = require("path");
const modules = path.join(__dirname, "npm", "node_modules");
const Ajv = require(path.join(modules, "ajv"));
const routing = require(path.join(modules, "@vercel/routing-utils"));

const [site, ...paths] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(path.join(site, "vercel.json"), "utf8"));
const errors = [];

const ajv = new Ajv({ allErrors: true, strict: false }); // the schemas use a "private" keyword
const validate = ajv.compile({
  type: "object",
  additionalProperties: true,
  properties: {
    redirects: routing.redirectsSchema,
    cleanUrls: routing.cleanUrlsSchema,
    trailingSlash: routing.trailingSlashSchema,
    headers: routing.headersSchema,
    rewrites: routing.rewritesSchema,
  },
});
if (!validate(config)) errors.push("schema: " + ajv.errorsText(validate.errors));

const { routes, error } = routing.getTransformedRoutes(config);
if (error) errors.push(`routes: ${error.code}: ${error.message}`);

const answers = {};
for (const p of paths) {
  answers[p] = null;
  let files = false; // past { handle: "filesystem" }: rewrites, for paths no file answers
  for (const route of routes || []) {
    if (route.handle === "filesystem") files = true;
    if (files && route.dest && new RegExp(route.src).test(p)) {
      answers[p] = { rewrite: route.dest };
      break;
    }
    if (!route.status || !route.headers || !route.headers.Location) continue;
    if (new RegExp(route.src).test(p)) {
      answers[p] = { status: route.status, location: route.headers.Location };
      break;
    }
  }
}
process.stdout.write(JSON.stringify({ errors, answers }));
