// The data scientist's journey in one go, the way a person clicks through it: a search
// with a typo finds customer_orders first; its page; its lineage tab; the explorer at
// column level, where choosing `email` lights the path it came along; back on the
// schema, the column's pii.email tag explains itself hop by hop (the hop from
// stg_customers.email, by the job that builds it).
// Each page has its own detailed tests; this one checks that the pages hand over to
// each other (links, URLs, the same names). Read-only.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, openPage, screenshot, warehouse as W } from "./harness.mjs";

after(closeBrowser);

test("search with a typo -> dataset -> lineage -> a column's PII path", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto("/");
  const box = p.getByRole("combobox", { name: "Search datasets, jobs and columns" });
  await box.pressSequentially("custmer ordrs", { delay: 15 });
  const list = p.locator('ol[data-testid="search-results"][data-query="custmer ordrs"]');
  await list.waitFor();
  await box.press("Tab");
  const first = list.locator(":scope > li").first();
  assert.equal((await first.locator(".hit-name").innerText()).trim(), W.CUSTOMER_ORDERS);

  // The dataset page, by clicking the hit.
  await first.locator(".hit-name a").click();
  await p.getByTestId("dataset-name").getByText(W.CUSTOMER_ORDERS).waitFor();

  // Its lineage tab names what it is built from and opens the explorer.
  await p.getByRole("navigation", { name: "Dataset sections" }).getByRole("link", { name: "Lineage" }).click();
  await p.getByTestId("lineage-up").getByRole("link", { name: W.STG_CUSTOMERS }).waitFor();
  await p.getByTestId("open-lineage-explorer").click();
  await p.waitForURL((u) => u.pathname === "/lineage" && u.searchParams.get("node") === `dataset:${W.NS}:${W.CUSTOMER_ORDERS}`);
  await p.locator('[data-testid="lineage-canvas"][data-ready="true"]').waitFor();

  // Column level: choose customer_orders.email; its upstream email columns light up.
  await p.getByRole("group", { name: "Level" }).getByRole("button", { name: "Columns" }).click();
  const email = p.locator(`[data-dataset="${W.CUSTOMER_ORDERS}"] li:has([data-column="email"])`);
  await email.locator(".lx-pii", { hasText: "pii.email" }).waitFor();
  await email.getByRole("button").click();
  await p.locator(`[data-dataset="${W.STG_CUSTOMERS}"] li[data-state="path"]:has([data-column="email"])`).waitFor();
  await screenshot(p, "journey-lineage");

  // Back to the dataset page by the explorer's own link: the tag's explanation walks
  // the same path.
  await p.getByRole("link", { name: "Dataset page", exact: true }).first().click();
  await p.getByTestId("dataset-name").getByText(W.CUSTOMER_ORDERS).waitFor();
  const tag = p.locator('[data-testid="schema-table"] tr[data-column="email"]').getByRole("button", { name: /pii\.email/ });
  await tag.click();
  const dialog = p.getByRole("dialog", { name: /Why email carries pii\.email/ });
  await dialog.getByTestId("explanation-hop").filter({ hasText: `${W.STG_CUSTOMERS}.email` }).first().waitFor();
  await screenshot(p, "journey-explanation");
});
