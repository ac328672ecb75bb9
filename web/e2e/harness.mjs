// Helpers for the browser tests: one Chromium per test file (Debian's, driven by
// playwright-core), a fresh context per page, the token put in before the app loads,
// uncaught page exceptions and requests leaving the machine failing the test.
//
// See README.md beside this file for the environment, the seeded warehouse and examples.

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));

/** The server with authentication off (required). */
export const WEFT_URL = (process.env.WEFT_URL ?? "").replace(/\/+$/, "");
/** The server with authentication on; empty when not provided (auth journeys skip). */
export const WEFT_AUTH_URL = (process.env.WEFT_AUTH_URL ?? "").replace(/\/+$/, "");
/** Tokens on the auth server: `owner` is alice (read, review, write), `reader` reads. */
export const TOKENS = {
  owner: process.env.WEFT_TOKEN_OWNER ?? "",
  reader: process.env.WEFT_TOKEN_READER ?? "",
};
/** When the fixture was generated; event times are relative to it. */
export const SEED_NOW = process.env.WEFT_SEED_NOW ? new Date(process.env.WEFT_SEED_NOW) : null;
export const CHROMIUM = process.env.WEFT_CHROMIUM || "/usr/bin/chromium";
export const SCREENSHOTS = join(here, "screenshots");
/** sessionStorage key the app reads its token from (src/auth/token.ts). */
export const TOKEN_KEY = "weft.token";

/** Skip reason for `test(name, { skip: needsAuth() }, fn)`: false when an auth server exists. */
export function needsAuth() {
  return WEFT_AUTH_URL && TOKENS.owner && TOKENS.reader ? false : "WEFT_AUTH_URL / WEFT_TOKEN_OWNER / WEFT_TOKEN_READER unset";
}

/** The launch flags: no sandbox (containers, root), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-default-apps",
  "--disable-extensions",
  "--metrics-recording-only",
  "--password-store=basic",
];

let browserPromise = null;

/**
 * The file's browser, launched on first use. Playwright gives it a fresh temporary
 * profile (user-data-dir) that is deleted when it closes.
 */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.WEFT_E2E_HEADFUL,
    slowMo: Number(process.env.WEFT_E2E_SLOWMO ?? 0) || undefined,
    args: CHROMIUM_ARGS,
    env: { ...process.env, TZ: "UTC" },
  });
  return browserPromise;
}

/** Closes the browser (register with `after(closeBrowser)` in each test file). */
export async function closeBrowser() {
  const p = browserPromise;
  browserPromise = null;
  if (p) await (await p).close().catch(() => {});
}

function isLocal(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return true;
  }
  if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") return true;
  return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(u.hostname);
}

/**
 * A fresh browser context and page on the server.
 *
 * `t` is the node:test context: the page is closed when the test ends, and the test
 * fails then if the page threw an uncaught exception or tried to reach anything but
 * localhost (aborted by the route, or refused by the page's CSP). Pass `null` to manage
 * it yourself with the returned `close()` (which throws on the same conditions).
 *
 * Options:
 * - `auth`: use WEFT_AUTH_URL instead of WEFT_URL (throws when unset; guard the test
 *   with `{ skip: needsAuth() }`).
 * - `token`: `"owner"`, `"reader"` or a literal; put into sessionStorage[`weft.token`]
 *   before the app's first script runs (once per context: signing out sticks).
 * - `viewport`: default `{ width: 1280, height: 800 }`.
 * - `allowExternal`: do not fail on requests leaving the machine (they are still aborted).
 * - `failOnConsoleError`: also fail on `console.error` messages (default false).
 * - `route`: false to skip request interception entirely (benchmarks).
 *
 * Returns `{ page, context, baseURL, errors, consoleErrors, external, close }`.
 * `page.goto("/path")` is relative to the server.
 */
export async function openPage(t, options = {}) {
  const { auth = false, token, viewport = { width: 1280, height: 800 } } = options;
  const baseURL = auth ? WEFT_AUTH_URL : WEFT_URL;
  if (!baseURL) throw new Error(auth ? "WEFT_AUTH_URL is unset (guard the test with { skip: needsAuth() })" : "WEFT_URL is unset");
  const secret = token ? (TOKENS[token] ?? token) : null;
  if (token && !secret) throw new Error(`no token for ${token}: set WEFT_TOKEN_${String(token).toUpperCase()}`);

  const b = await browser();
  const context = await b.newContext({
    baseURL,
    viewport,
    locale: "en-US",
    timezoneId: "UTC",
    reducedMotion: "reduce",
    serviceWorkers: "block",
  });
  context.setDefaultTimeout(Number(process.env.WEFT_E2E_TIMEOUT_MS ?? 15_000));
  if (secret) {
    await context.addInitScript(
      ([key, value, origin]) => {
        try {
          if (window.location.origin === origin && !window.sessionStorage.getItem("weft.e2e.token-set")) {
            window.sessionStorage.setItem(key, value);
            window.sessionStorage.setItem("weft.e2e.token-set", "1");
          }
        } catch {
          // about:blank and friends have no storage
        }
      },
      [TOKEN_KEY, secret, new URL(baseURL).origin],
    );
  }

  const errors = []; // uncaught exceptions
  const consoleErrors = [];
  const external = []; // URLs of requests that tried to leave the machine
  if (options.route !== false) {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      external.push(url);
      return route.abort("blockedbyclient");
    });
  }
  // A request the page's Content-Security-Policy refuses never reaches the network (nor
  // the route above), but it was still attempted: report those too.
  await context.exposeBinding("__weftE2eBlocked", (_source, uri, directive) => {
    if (isLocal(uri) || !/^[a-z][a-z0-9+.-]*:/i.test(uri)) consoleErrors.push(`CSP (${directive}) refused ${uri}`);
    else external.push(`${uri} (refused by the page's CSP: ${directive})`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__weftE2eBlocked?.(e.blockedURI, e.violatedDirective);
    });
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e?.stack || String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("websocket", (ws) => {
    if (!isLocal(ws.url())) external.push(ws.url());
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => {});
    const problems = [];
    if (errors.length) problems.push(`uncaught exception(s) in the page:\n${errors.join("\n---\n")}`);
    if (external.length && !options.allowExternal) problems.push(`requests left 127.0.0.1:\n${[...new Set(external)].join("\n")}`);
    if (options.failOnConsoleError && consoleErrors.length) problems.push(`console errors:\n${consoleErrors.join("\n")}`);
    if (problems.length) throw new Error(problems.join("\n\n"));
  };
  if (t) t.after(close);
  return { page, context, baseURL, errors, consoleErrors, external, close };
}

/** Saves a PNG to web/e2e/screenshots/<name>.png (git-ignored); returns its path. */
export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled", ...options });
  return path;
}

/**
 * A GraphQL call from Node (no browser), for arranging state or checking what the UI
 * did. `auth`/`token` as in openPage. Throws on HTTP or GraphQL errors; returns `data`.
 */
export async function gql(query, variables = {}, { auth = false, token } = {}) {
  const baseURL = auth ? WEFT_AUTH_URL : WEFT_URL;
  if (!baseURL) throw new Error(auth ? "WEFT_AUTH_URL is unset" : "WEFT_URL is unset");
  const secret = token ? (TOKENS[token] ?? token) : null;
  const resp = await fetch(`${baseURL}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(secret ? { Authorization: `Bearer ${secret}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await resp.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`/graphql answered ${resp.status}: ${text.slice(0, 300)}`);
  }
  if (!resp.ok || body.errors) throw new Error(`/graphql answered ${resp.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** Polls `probe` (sync or async) until it returns something truthy; returns that. */
export async function eventually(what, probe, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last?.stack ?? JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// The fixture's names, for tests (see tests/fixtures/warehouse/warehouse.mjs).
export * as warehouse from "../../tests/fixtures/warehouse/warehouse.mjs";
