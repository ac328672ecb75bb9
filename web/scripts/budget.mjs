#!/usr/bin/env node
// The bundle size budget: the JavaScript a first visit to `/` must load before the app
// runs — index.html's entry script, the chunks it modulepreloads, and anything those
// import statically — gzipped, at most the budget (default 250 kB = 250,000 bytes).
//
//   node web/scripts/budget.mjs [DIST] [--max-kb 250] [--json]
//
// Lazily loaded pages (dynamic import()) and GraphiQL are not counted. Exit status 1
// when over budget, 2 when index.html is missing or names a file that is not there.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let dist = resolve(here, "../dist");
let maxKb = 250;
let json = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--max-kb") maxKb = Number(args[++i]);
  else if (args[i] === "--json") json = true;
  else dist = resolve(args[i]);
}

function fail(msg, code) {
  console.error(`budget: ${msg}`);
  process.exit(code);
}

const indexPath = join(dist, "index.html");
if (!existsSync(indexPath)) fail(`${indexPath} not found (npm run build in web/)`, 2);
const html = readFileSync(indexPath, "utf8");

/** `/assets/x.js` (as the page asks for it) → its path in dist. */
const file = (url) => join(dist, url.replace(/^\//, ""));

const attr = (tag, name) => tag.match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`))?.[1];
const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]);
const entries = tags.filter((t) => t.startsWith("<script") && /type\s*=\s*["']module["']/.test(t) && attr(t, "src")).map((t) => attr(t, "src"));
const preloads = tags.filter((t) => t.startsWith("<link") && /rel\s*=\s*["']modulepreload["']/.test(t)).map((t) => attr(t, "href"));
if (!entries.length) fail(`no module script in ${indexPath}`, 2);

// Static imports (`import…from"./x.js"`, `import"./x.js"`, `export…from"./x.js"`), not import().
const STATIC = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
const seen = new Map(); // url -> { raw, gzip, via }
const queue = [...entries.map((u) => [u, "entry"]), ...preloads.map((u) => [u, "modulepreload"])];
while (queue.length) {
  const [url, via] = queue.shift();
  if (seen.has(url)) continue;
  const path = file(url);
  if (!existsSync(path)) fail(`index.html loads ${url}, which is not in ${dist}`, 2);
  const bytes = readFileSync(path);
  seen.set(url, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, via });
  for (const m of bytes.toString("utf8").matchAll(STATIC)) {
    queue.push([posix.join(posix.dirname(url), m[1]), `import from ${url}`]);
  }
}

const total = [...seen.values()].reduce((s, f) => s + f.gzip, 0);
const raw = [...seen.values()].reduce((s, f) => s + f.raw, 0);
const limit = maxKb * 1000;
const kb = (n) => (n / 1000).toFixed(1);
if (json) {
  console.log(JSON.stringify({ initialJsGzipBytes: total, initialJsBytes: raw, limitBytes: limit, files: Object.fromEntries(seen) }));
} else {
  for (const [url, f] of [...seen].sort((a, b) => b[1].gzip - a[1].gzip)) {
    console.log(`  ${kb(f.gzip).padStart(7)} kB gz  ${kb(f.raw).padStart(7)} kB  ${url}  (${f.via})`);
  }
  console.log(`initial JavaScript: ${kb(total)} kB gzipped (${kb(raw)} kB raw, ${seen.size} files); budget ${maxKb} kB`);
}
if (total > limit) {
  fail(`initial JavaScript is ${kb(total)} kB gzipped, over the ${maxKb} kB budget by ${kb(total - limit)} kB: move code behind a lazy import()`, 1);
}
