// The search journey on the warehouse fixture (read-only): a typo still ranks the
// right table first and opens it; facets filter with counts and survive a reload; a
// suggestion opens from the keyboard alone; "Why this rank" draws one bar per factor;
// paging, the empty state, and the narrow layout. Results are awaited through
// `ol[data-testid=search-results][data-query=…]`, the same handle the latency benchmark
// uses, so a test never reads rows that belong to an older query.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, openPage, screenshot, warehouse as W } from "./harness.mjs";

after(closeBrowser);

const datasetUrl = (ns, name) => `/datasets/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

/** The results list once it shows the answer for `q`. */
async function resultsFor(page, q) {
  const list = page.locator(`ol[data-testid="search-results"][data-query="${q.replace(/"/g, '\\"')}"]`);
  await list.waitFor({ state: "attached" }); // an empty answer is an empty list
  return list;
}

const hitNames = (list) => list.locator(":scope > li .hit-name").allInnerTexts();
const searchBox = (page) => page.getByRole("combobox", { name: "Search datasets, jobs and columns" });

test("a typo still ranks customer_orders first, with what decides its use, and it opens", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/");
  const box = searchBox(page);
  await box.waitFor();
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, "the box has focus on arrival");
  await box.pressSequentially("custmer ordrs", { delay: 20 });
  const list = await resultsFor(page, "custmer ordrs");
  await box.press("Tab"); // leave the box: any suggestion list closes

  const first = list.locator(":scope > li").first();
  assert.equal((await first.locator(".hit-name").innerText()).trim(), W.CUSTOMER_ORDERS);
  // What decides whether to use it, on the row itself.
  await first.locator(".badge.tier", { hasText: "gold" }).waitFor();
  await first.locator(".badge-pii", { hasText: "email" }).waitFor();
  await first.locator(".owners", { hasText: "alice" }).waitFor();
  await first.getByText(/^written /).waitFor();
  assert.match(await first.locator(".hit-namespace").innerText(), /postgres:\/\/warehouse:5432/);
  assert.match(await page.getByTestId("search-summary").innerText(), /^\d+ results? for \W?custmer ordrs\W?$/);
  // The typo is marked where it matched, as text, not as markup from the server.
  assert.ok((await first.locator(".hit-name mark").count()) > 0, "matched words are highlighted");
  assert.equal(new URL(page.url()).searchParams.get("q"), "custmer ordrs");

  // The deprecated copy says so, with its note.
  const v1 = list.locator(":scope > li", { has: page.locator(".hit-name", { hasText: W.CUSTOMER_ORDERS_V1 }) });
  await v1.locator(".badge", { hasText: "Deprecated" }).waitFor();
  await v1.getByText("Replaced by analytics.marts.customer_orders").waitFor();
  await screenshot(page, "search");

  await first.locator(".hit-name a").click();
  await page.waitForURL((u) => u.pathname === datasetUrl(W.NS, W.CUSTOMER_ORDERS));
  await page.locator("h1", { hasText: W.CUSTOMER_ORDERS }).waitFor();

  // Back returns to the same search, text and results.
  await page.goBack();
  await resultsFor(page, "custmer ordrs");
  assert.equal(await searchBox(page).inputValue(), "custmer ordrs");
});

test("facets filter with counts, show as chips, and the URL keeps them across a reload", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/?q=customer");
  let list = await resultsFor(page, "customer");
  assert.ok((await list.locator(":scope > li").count()) > 1);

  const gold = page.locator('[data-facet="tier"] button', { hasText: "gold" });
  const count = Number((await gold.locator(".facet-count").innerText()).replace(/\D/g, ""));
  assert.ok(count >= 1, "the gold tier has a count");
  assert.equal(await gold.getAttribute("aria-pressed"), "false");
  await gold.click();
  await page.waitForURL((u) => u.searchParams.get("tier") === "gold" && u.searchParams.get("q") === "customer");
  await page.locator('[data-facet="tier"] button[aria-pressed="true"]', { hasText: "gold" }).waitFor();
  // The rows are the filtered answer once the summary says so (data-query names the text only).
  await page.getByTestId("search-summary").getByText(new RegExp(`^${count} results? for`)).waitFor();
  list = await resultsFor(page, "customer");
  const rows = list.locator(":scope > li");
  assert.equal(await rows.count(), Math.min(count, 20));
  for (const row of await rows.all()) await row.locator(".badge.tier", { hasText: "gold" }).waitFor();
  await page.getByRole("button", { name: "Remove filter Tier: gold" }).waitFor();

  // Type filter too; then reload: the text, the filters and the results come back.
  await page.getByRole("radio", { name: "Datasets" }).check();
  await page.waitForURL((u) => u.searchParams.get("type") === "dataset");
  await page.reload();
  list = await resultsFor(page, "customer");
  assert.equal(await searchBox(page).inputValue(), "customer");
  assert.equal(await page.getByRole("radio", { name: "Datasets" }).isChecked(), true);
  await page.getByRole("button", { name: "Remove filter Tier: gold" }).waitFor();
  assert.equal(await list.locator(":scope > li").count(), Math.min(count, 20));
  for (const kind of await list.locator(".hit-kind").allInnerTexts()) assert.match(kind, /dataset/i);

  // Removing the chip lifts the filter; Back brings it back.
  await page.getByRole("button", { name: "Remove filter Tier: gold" }).click();
  await page.waitForURL((u) => !u.searchParams.has("tier"));
  await page.goBack();
  await page.waitForURL((u) => u.searchParams.get("tier") === "gold");
  await page.getByRole("button", { name: "Remove filter Tier: gold" }).waitFor();
});

test("keyboard only: ArrowDown and Enter on a suggestion open its dataset; Escape closes the list", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/");
  const box = searchBox(page);
  await box.pressSequentially("customer_or", { delay: 20 });
  const listbox = page.getByRole("listbox", { name: "Suggestions" });
  await listbox.waitFor();
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  const options = listbox.getByRole("option");
  assert.ok((await options.count()) >= 2, "customer_orders and customer_orders_v1 are suggested");
  // Kind, name and namespace on each suggestion.
  await options.first().getByText("Dataset").waitFor();
  await options.first().getByText(W.NS).waitFor();

  await page.keyboard.press("Escape");
  await listbox.waitFor({ state: "hidden" });
  assert.equal(await box.inputValue(), "customer_or", "Escape closes the list and keeps the text");

  await page.keyboard.press("ArrowDown");
  await listbox.waitFor();
  const active = await box.getAttribute("aria-activedescendant");
  assert.ok(active, "the active option is announced");
  const chosen = page.locator(`[id="${active}"]`);
  assert.equal(await chosen.getAttribute("aria-selected"), "true");
  assert.equal((await chosen.locator(".suggestion-name").innerText()).trim(), W.CUSTOMER_ORDERS);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname === datasetUrl(W.NS, W.CUSTOMER_ORDERS));
  await page.locator("h1", { hasText: W.CUSTOMER_ORDERS }).waitFor();
});

test("why this rank: one bar per factor of the score, opened and closed by a button", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/?q=customer%20orders");
  const list = await resultsFor(page, "customer orders");
  const first = list.locator(":scope > li").first();
  assert.equal((await first.locator(".hit-name").innerText()).trim(), W.CUSTOMER_ORDERS);
  const why = first.getByRole("button", { name: "Why this rank" });
  assert.equal(await why.getAttribute("aria-expanded"), "false");
  await why.focus();
  await page.keyboard.press("Enter");
  assert.equal(await why.getAttribute("aria-expanded"), "true");
  const panel = first.getByTestId("search-explain");
  await panel.waitFor();
  assert.equal(await why.getAttribute("aria-controls"), await panel.getAttribute("id"));

  const factors = await panel.locator("[data-factor]").evaluateAll((els) => els.map((e) => e.getAttribute("data-factor")));
  assert.deepEqual(factors, ["usage", "centrality", "tier", "documentation", "freshness", "penalty"]);
  for (const f of factors) {
    const row = panel.locator(`[data-factor="${f}"]`);
    assert.match(await row.locator(".explain-value").innerText(), /^×\d+(\.\d+)?$/, `${f} prints its value`);
    assert.equal(await row.locator(".explain-track").count(), 1, `${f} has a bar`);
  }
  // Gold is ×1.5 under the default weights; the query log makes it the most used.
  assert.equal(await panel.locator('[data-factor="tier"] .explain-value').innerText(), "×1.50");
  assert.ok(await panel.locator('[data-factor="usage"]').evaluate((e) => e.classList.contains("explain-up")));
  assert.match(await panel.locator(".explain-formula").innerText(), /Score [\d.]+ = text match [\d.]+ × catalog signals ×[\d.]+/);
  await screenshot(page, "search-explain");

  await why.click();
  assert.equal(await why.getAttribute("aria-expanded"), "false");
  assert.equal(await first.getByTestId("search-explain").count(), 0);
});

test("a copy-like name is marked on its row", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/?q=customers%20bak");
  const list = await resultsFor(page, "customers bak");
  const bak = list.locator(":scope > li", { has: page.locator(".hit-name", { hasText: W.CUSTOMERS_BAK }) });
  await bak.locator(".badge", { hasText: "Temporary?" }).waitFor();
});

test("show more pages by cursor without repeating a row", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/?q=report&type=dataset");
  const list = await resultsFor(page, "report");
  assert.match(await page.getByTestId("search-summary").innerText(), /^1\d\d results/);
  assert.equal(await list.locator(":scope > li").count(), 20);
  await page.getByTestId("search-more").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-results"] > li').length === 40);
  const names = await hitNames(list);
  assert.equal(new Set(names).size, names.length, "no row appears twice");
});

test("an unfinished word already finds what it starts", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/?q=custo");
  const list = await resultsFor(page, "custo");
  assert.ok((await hitNames(list)).includes(W.CUSTOMER_ORDERS));
});

test("nothing matching says why and offers names that start with the text", async (t) => {
  const { page } = await openPage(t);
  // Two letters: too short to complete as a word, and no word of any name.
  await page.goto("/?q=cu");
  await resultsFor(page, "cu");
  const empty = page.getByTestId("search-empty");
  await empty.getByText("Nothing matches").waitFor();
  await empty.getByRole("link", { name: W.CUSTOMER_ORDERS }).first().waitFor();
});

test("the empty page lists the gold datasets; at 400px nothing scrolls sideways", async (t) => {
  const { page } = await openPage(t, { viewport: { width: 400, height: 800 } });
  await page.goto("/");
  await page.getByRole("heading", { name: /Gold datasets/ }).waitFor();
  await page.getByRole("link", { name: W.CUSTOMER_ORDERS }).first().waitFor();
  await searchBox(page).fill("customer orders");
  await resultsFor(page, "customer orders");
  await searchBox(page).press("Tab");
  await page.getByRole("button", { name: "Why this rank" }).first().click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
  // Facets fold behind a button on a phone.
  const toggle = page.getByRole("button", { name: /^Filters/ });
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await toggle.click();
  await page.locator('[data-facet="tier"]').waitFor();
  await screenshot(page, "search-narrow");
});
