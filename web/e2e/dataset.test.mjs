// The dataset page, as a data scientist deciding whether to use
// analytics.marts.customer_orders would go through it: the header (owner, tier), the
// schema with its PII tag and the explanation of where that tag came from, lineage one
// hop each way, real usage, the jobs with their SQL (and a broken job's parse error on
// its line), and the history. Then the edges: a wide table under the 300-column budget,
// a live change from elsewhere showing up, a narrow window, and a missing dataset.
// Mutations touch only what the fixture allows (README: raw.payments, analytics.scratch.*).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, eventually, gql, openPage, screenshot, warehouse, WEFT_URL } from "./harness.mjs";

after(closeBrowser);

const { NS, CUSTOMER_ORDERS, CUSTOMERS, PAYMENTS, PAYMENTS_BY_METHOD, STG_CUSTOMERS } = warehouse;
const page = (name, tab) => `/datasets/${encodeURIComponent(NS)}/${encodeURIComponent(name)}${tab ? `/${tab}` : ""}`;
const tabLink = (p, label) => p.getByRole("navigation", { name: "Dataset sections" }).getByRole("link", { name: label });

test("customer_orders: header, schema and where its PII comes from", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page(CUSTOMER_ORDERS));
  await p.getByTestId("dataset-name").getByText(CUSTOMER_ORDERS).waitFor();
  assert.match(await p.getByTestId("owners").innerText(), /alice/);
  assert.match(await p.locator(".ds-title").innerText(), /gold/);
  assert.equal(await tabLink(p, "Schema").getAttribute("aria-current"), "page");

  const email = p.locator('[data-testid="schema-table"] tr[data-column="email"]');
  const tag = email.getByRole("button", { name: /pii\.email/ });
  await tag.waitFor();
  assert.match(await tag.innerText(), /pii\.email/);
  assert.match((await tag.getAttribute("title")) ?? "", /proposed|confirmed/, "the tag says its status");
  await screenshot(p, "dataset-schema");

  await tag.click();
  const dialog = p.getByRole("dialog", { name: /Why email carries pii\.email/ });
  await dialog.waitFor();
  const hop = dialog.getByTestId("explanation-hop").filter({ hasText: `${STG_CUSTOMERS}.email` }).first();
  await hop.waitFor();
  assert.match(await hop.innerText(), /identity/, "the hop names its rule");
  assert.match(await hop.innerText(), /by job .*customer_orders/, "and the job behind it");
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "focus moved into the dialog");
  await screenshot(p, "dataset-explanation");
  await p.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.ok(await tag.evaluate((b) => b === document.activeElement), "focus returns to the tag");
});

test("lineage tab lists one hop each way and links to the explorer", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page(CUSTOMER_ORDERS));
  await tabLink(p, "Lineage").click();
  await p.waitForURL(/\/lineage$/);
  const up = p.getByTestId("lineage-up");
  await up.getByRole("link", { name: STG_CUSTOMERS }).waitFor();
  await up.getByRole("link", { name: warehouse.STG_ORDERS }).waitFor();
  const explorer = p.getByTestId("open-lineage-explorer");
  assert.match((await explorer.getAttribute("href")) ?? "", /^\/lineage\?node=dataset%3Apostgres/);
  await screenshot(p, "dataset-lineage");
});

test("usage tab draws reads per day", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page(CUSTOMER_ORDERS, "usage"));
  const chart = p.getByTestId("usage-chart");
  await chart.waitFor();
  const bars = await chart.locator("rect.ds-chart-bar").evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-reads"))));
  assert.ok(bars.length >= 28, `a bar per day (${bars.length})`);
  assert.ok(bars.filter((n) => n > 0).length >= 14, "reads on each of the last 14 days");
  assert.ok(Number((await p.getByTestId("usage-reads").innerText()).replace(/\D/g, "")) > 0);
  assert.match((await chart.getAttribute("aria-labelledby")) ?? "", /ds-chart-title/);
  await p.getByTestId("usage-columns").getByText("email").waitFor();
  await screenshot(p, "dataset-usage");
});

test("jobs tab shows SQL, and a broken job's parse error on its line", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page(CUSTOMER_ORDERS, "jobs"));
  const job = p.locator('details.ds-job[data-job="dbt.customer_orders"]');
  await job.waitFor();
  assert.match(await job.locator(":scope > summary").innerText(), /writes this/);
  assert.match(await job.locator("pre.sql-view").innerText(), /from analytics\.staging\.stg_customers c/);
  await job.getByText(/Runs/).first().click();
  assert.ok((await job.locator(".ds-runs-table tbody tr").count()) >= 3, "its runs are listed");
  await screenshot(p, "dataset-jobs");

  await p.goto(page(PAYMENTS_BY_METHOD, "jobs"));
  const errors = p.getByTestId("sql-errors");
  await errors.waitFor();
  const text = await errors.innerText();
  const m = /line (\d+), column (\d+)/.exec(text);
  assert.ok(m, `the error names line and column: ${text}`);
  const marked = await p.locator(".sql-line-error").getAttribute("data-line");
  assert.equal(marked, m[1], "the error line is highlighted in the SQL");
  await screenshot(p, "dataset-jobs-error");
});

test("history tab shows schema versions, a diff and change entries", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page(CUSTOMERS, "history"));
  await p.getByTestId("versions").locator("li").nth(1).waitFor();
  const diff = p.getByTestId("version-diff");
  await diff.locator('tr[data-change="added"]').filter({ hasText: "phone" }).waitFor();
  assert.match(await diff.innerText(), /\+\s*added/, "the change is marked in text, not colour alone");
  const changes = p.getByTestId("history-changes").locator("tbody tr");
  await changes.first().waitFor();
  assert.ok((await changes.count()) > 0);
  await screenshot(p, "dataset-history");
});

test("a 300-column table shows every column, by URL and by navigation", async (t) => {
  const name = "analytics.scratch.dataset_wide_300";
  const fields = Array.from({ length: 300 }, (_, i) => ({ name: `col_${String(i).padStart(3, "0")}`, type: i % 3 ? "VARCHAR" : "BIGINT" }));
  fields[42] = { name: "contact_email", type: "VARCHAR" };
  const resp = await fetch(`${WEFT_URL}/api/v1/lineage`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      eventTime: new Date().toISOString(),
      producer: warehouse.PRODUCER,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: {
        namespace: NS,
        name,
        facets: { schema: { _producer: warehouse.PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", fields } },
      },
    }),
  });
  assert.equal(resp.status, 201);

  // Its speed is measured by bench/web_ui.mjs, never asserted here.
  const { page: p } = await openPage(t, { route: false });
  const rows = () => document.querySelectorAll('[data-testid="schema-table"] tbody tr').length === 300;
  await p.goto(page(name));
  await p.waitForFunction(rows, null, { polling: "raf" });
  assert.equal(await p.locator('tr[data-column="col_299"]').count(), 1, "the last page of columns is there");
  // Moving to it inside the app, as from a search result, renders the same rows.
  await p.goto(page(CUSTOMER_ORDERS));
  await p.locator('tr[data-column="email"]').waitFor();
  await p.evaluate((target) => {
    history.pushState(null, "", target);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, page(name));
  await p.waitForFunction(rows, null, { polling: "raf" });
  assert.equal(await p.locator('tr[data-column="contact_email"]').count(), 1);
});

test("a change made elsewhere shows up live", async (t) => {
  const { page: p } = await openPage(t);
  // The subscription follows the log from "now": let it be asked for before the change.
  const subscribed = new Promise((done) =>
    p.on("websocket", (ws) => ws.on("framesent", (f) => String(f.payload).includes('"subscribe"') && done())),
  );
  await p.goto(page(PAYMENTS));
  await p.getByTestId("dataset-description").waitFor();
  const text = `Live check ${Date.now()}`;
  await subscribed;
  await p.waitForTimeout(300);
  await gql(`mutation ($ns: String!, $ds: String!, $d: String) { setDescription(namespace: $ns, dataset: $ds, description: $d) { id } }`, {
    ns: NS,
    ds: PAYMENTS,
    d: text,
  });
  try {
    await p.getByTestId("dataset-description").getByText(text).waitFor();
    await p.getByText("Updated just now").waitFor();
  } finally {
    await gql(`mutation ($ns: String!, $ds: String!) { setDescription(namespace: $ns, dataset: $ds, description: null) { id } }`, { ns: NS, ds: PAYMENTS });
  }
});

test("a narrow window stacks the schema into cards", async (t) => {
  const { page: p } = await openPage(t, { viewport: { width: 400, height: 800 } });
  await p.goto(page(CUSTOMER_ORDERS));
  await p.locator('tr[data-column="email"]').waitFor();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling at 400px (${overflow}px too wide)`);
  await screenshot(p, "dataset-narrow");
});

test("an unknown dataset says so and links to search", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(page("analytics.marts.no_such_table"));
  const missing = p.getByTestId("dataset-missing");
  await missing.waitFor();
  assert.match(await missing.innerText(), /No dataset named analytics\.marts\.no_such_table in postgres:\/\/warehouse:5432/);
  assert.equal(await missing.getByRole("link").getAttribute("href"), "/?q=no_such_table");
  await eventually("the page stays up", async () => (await p.locator("main").count()) === 1);
});
