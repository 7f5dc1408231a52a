// Asks netlify-cli's own redirect matcher which Language= values find a visitor's language.
//
// usage: node netlify_language.mjs VALUE,VALUE,... LANGUAGE...
// Writes a _redirects of one forced line a value ('/vN  https://t.example/N  302!
// Language=VALUE'), reads it with netlify-cli's parseRedirects (as `netlify serve` does),
// and asks netlify-redirector, as netlify-cli's rules-proxy.js does, for each language as
// the 'x-language' it passes: prints JSON {language: [the values that match]}.
import fs from "fs";
import os from "os";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "npm", "node_modules");
const { parseRedirects } = await import(path.join(modules, "netlify-cli/dist/utils/redirects.js"));
const redirector = (await import(path.join(modules, "netlify-redirector/index.js"))).default;

const [values, ...languages] = process.argv.slice(2);
const listed = values.split(",");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netlify-language-"));
const file = path.join(dir, "_redirects");
fs.writeFileSync(
  file,
  listed.map((v, i) => `/v${i}  https://t.example/${i}  302!  Language=${v}\n`).join(""),
);
const rules = await parseRedirects({ config: {}, configPath: undefined, redirectsFiles: [file] });
fs.rmSync(dir, { recursive: true });
const matcher = await redirector.parseJSON(JSON.stringify(rules), {});
const out = {};
for (const language of languages) {
  const headers = { "x-language": language };
  out[language] = listed.filter((_, i) => {
    const request = {
      scheme: "http",
      host: "127.0.0.1",
      path: `/v${i}`,
      query: "",
      headers,
      cookieValues: {},
      getHeader: (name) => headers[name.toLowerCase()] || "",
      getCookie: () => "",
    };
    return matcher.match(request) !== null;
  });
}
process.stdout.write(JSON.stringify(out));
