// Reads a vercel.json the way Vercel's own packages do, and answers request paths with it.
//
// usage: node vercel_routes.js SITE_DIR PATH...   (paths percent-encoded, as browsers send them;
// a path may carry request headers after a tab each: "/shop\tx-vercel-ip-country: CN")
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

// A route's `has` conditions on headers, as Vercel's proxy reads them (Next.js's matchHas,
// which Vercel's docs point to): the header must be sent, and match `value` as a whole
// regular expression when there is one. Any other kind of condition never matches here.
// `missing` is the other way round: the route applies only if no such header matches.
function headerMatches(item, headers) {
  if (item.type !== "header" || !(item.key in headers)) return false;
  return item.value === undefined || new RegExp(`^${item.value}$`).test(headers[item.key]);
}

function conditionsHold(route, headers) {
  return (
    (route.has || []).every((item) => headerMatches(item, headers)) &&
    !(route.missing || []).some((item) => headerMatches(item, headers))
  );
}

const answers = {};
for (const arg of paths) {
  const [p, ...sent] = arg.split("\t");
  const headers = {};
  for (const h of sent) {
    const at = h.indexOf(":");
    headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
  }
  answers[arg] = null;
  let files = false; // past { handle: "filesystem" }: rewrites, for paths no file answers
  for (const route of routes || []) {
    if (route.handle === "filesystem") files = true;
    if (files && route.dest && new RegExp(route.src).test(p)) {
      answers[arg] = { rewrite: route.dest };
      break;
    }
    if (!route.status || !route.headers || !route.headers.Location) continue;
    if (new RegExp(route.src).test(p) && conditionsHold(route, headers)) {
      answers[arg] = { status: route.status, location: route.headers.Location };
      break;
    }
  }
}
process.stdout.write(JSON.stringify({ errors, answers }));
