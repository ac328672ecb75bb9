// The UI is served by the binary and works offline: `/` is the app, `/graphql` in a
// browser is the bundled GraphiQL, and no request leaves 127.0.0.1 (openPage aborts and
// records any that tries; the test fails on one).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, eventually, needsAuth, openPage, screenshot } from "./harness.mjs";

after(closeBrowser);

test("/ loads the app", async (t) => {
  const { page, external } = await openPage(t);
  const resp = await page.goto("/");
  assert.equal(resp?.status(), 200);
  assert.match(resp?.headers()["content-type"] ?? "", /text\/html/);
  assert.match(await resp.text(), /<title>Weft<\/title>/);
  await page.waitForFunction(() => document.getElementById("root")?.childElementCount > 0);
  assert.match(await page.title(), /\bWeft$/, "pages title themselves `… · Weft`");
  await page.getByRole("link", { name: "Weft home" }).waitFor();
  await screenshot(page, "smoke-home");
  assert.deepEqual(external, []);
});

test("a deep link is the app too, and unknown API paths are not", async (t) => {
  const { page } = await openPage(t);
  const resp = await page.goto("/datasets/postgres%3A%2F%2Fwarehouse%3A5432/analytics.raw.customers");
  assert.equal(resp?.status(), 200);
  await page.getByRole("link", { name: "Weft home" }).waitFor();
  const api = await page.request.get("/api/v1/no-such-thing");
  assert.equal(api.status(), 404);
  assert.match(api.headers()["content-type"] ?? "", /json/);
});

test("GraphiQL at /graphql renders and runs a query offline", async (t) => {
  const { page, external } = await openPage(t);
  const resp = await page.goto("/graphql");
  assert.equal(resp?.status(), 200);
  await page.locator(".graphiql-container").waitFor();
  assert.match(await page.title(), /GraphiQL/);
  // Run the default query (namespaces) and see the answer. A click before the editor
  // has its query does nothing, so click again until the answer shows.
  const answer = page.locator(".result-window").getByText("postgres://warehouse:5432").first();
  await eventually("GraphiQL's answer", async () => {
    await page.locator(".graphiql-execute-button").click();
    return answer.waitFor({ timeout: 3000 }).then(() => true, () => false);
  }, { timeout: 30_000 });
  await screenshot(page, "smoke-graphiql");
  assert.deepEqual(external, [], "GraphiQL must load nothing from the internet");
});

test("with authentication on, the app asks for a token and a reader gets in", { skip: needsAuth() }, async (t) => {
  const anonymous = await openPage(t, { auth: true });
  const resp = await anonymous.page.goto("/");
  assert.equal(resp?.status(), 200, "the UI itself needs no token");
  await anonymous.page.getByRole("heading", { name: "Sign in to Weft" }).waitFor();
  await anonymous.page.getByLabel("API token").waitFor();

  const reader = await openPage(t, { auth: true, token: "reader" });
  await reader.page.goto("/");
  await reader.page.getByTestId("whoami").getByText("reader").waitFor();
});
