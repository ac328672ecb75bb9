// The lineage explorer, as someone tracing where a customer's email goes would use it:
// open it on stg_customers (what feeds it on the left, what reads it on the right), grow
// the graph node by node without anything already on screen moving, switch to column
// level and choose `email` (its path lit, the rest dimmed, its PII tag shown), find the
// path between two columns (and be told plainly when there is none), and on raw.orders,
// whose 121 readers exceed the per-node cap, see the cap and page past it. Read-only.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, openPage, screenshot, warehouse } from "./harness.mjs";

after(closeBrowser);

const { NS, CUSTOMERS, ORDERS, STG_CUSTOMERS, STG_ORDERS, CUSTOMER_ORDERS, DAILY_REVENUE, REPORTS } = warehouse;
const id = (name) => `dataset:${NS}:${name}`;
const explorer = (name, extra = "") => `/lineage?node=${encodeURIComponent(id(name))}${extra}`;
/** React Flow's wrapper of a dataset node (it carries the position). */
const node = (p, name) => p.locator(`.react-flow__node[data-id="${id(name)}"]`);
const column = (p, dataset, field) => p.locator(`[data-dataset="${dataset}"] li:has([data-column="${field}"])`);

async function ready(p) {
  const canvas = p.getByTestId("lineage-canvas");
  await p.locator('[data-testid="lineage-canvas"][data-ready="true"]').waitFor();
  return canvas;
}
const count = async (canvas) => Number(await canvas.getAttribute("data-node-count"));
/** Every rendered dataset node's transform, by id. */
const positions = (p) =>
  p.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll(".react-flow__node-dataset")].map((n) => [n.dataset.id, n.style.transform])),
  );
function assertUnmoved(before, after, what) {
  for (const [k, v] of Object.entries(before)) {
    if (k in after) assert.equal(after[k], v, `${k} moved when ${what}`);
  }
}

test("stg_customers: one hop each way, and growing it moves nothing", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(explorer(STG_CUSTOMERS));
  const canvas = await ready(p);
  assert.match(await p.title(), /stg_customers/);
  await node(p, STG_CUSTOMERS).waitFor();
  await node(p, CUSTOMERS).waitFor();
  await node(p, CUSTOMER_ORDERS).waitFor();
  const box = async (name) => (await node(p, name).boundingBox()) ?? assert.fail(`${name} has no box`);
  const [up, focus, down] = [await box(CUSTOMERS), await box(STG_CUSTOMERS), await box(CUSTOMER_ORDERS)];
  assert.ok(up.x < focus.x && focus.x < down.x, "upstream left of the focus, downstream right");
  await screenshot(p, "lineage");

  // customer_orders is also built from stg_orders: show it.
  let before = await positions(p);
  let n0 = await count(canvas);
  await node(p, CUSTOMER_ORDERS).getByRole("button", { name: "Show what customer_orders is built from" }).click();
  await node(p, STG_ORDERS).waitFor();
  assert.ok((await count(canvas)) > n0, "the count grows");
  assertUnmoved(before, await positions(p), "customer_orders was expanded upstream");
  assert.ok((await box(STG_ORDERS)).x < (await box(CUSTOMER_ORDERS)).x, "a parent lands left of its child");

  // stg_orders feeds daily_revenue too: one hop downstream from it.
  before = await positions(p);
  n0 = await count(canvas);
  await node(p, STG_ORDERS).getByRole("button", { name: "Show what is built from stg_orders" }).click();
  await node(p, DAILY_REVENUE).waitFor();
  assert.ok((await count(canvas)) > n0);
  assertUnmoved(before, await positions(p), "stg_orders was expanded downstream");
  assert.ok((await box(DAILY_REVENUE)).x > (await box(STG_ORDERS)).x);
});

test("column level: choosing email lights its path and shows pii.email", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(explorer(STG_CUSTOMERS));
  await ready(p);
  await p.getByRole("group", { name: "Level" }).getByRole("button", { name: "Columns" }).click();
  await p.waitForURL(/columns=1/);
  const email = column(p, STG_CUSTOMERS, "email");
  await email.waitFor();
  await email.locator(".lx-pii", { hasText: "pii.email" }).waitFor();
  await email.getByRole("button").click();
  await p.waitForURL(/focus=datasetField/);
  assert.equal(await email.getAttribute("data-state"), "selected");
  assert.equal(await email.getByRole("button").getAttribute("aria-pressed"), "true");
  // Where it comes from and where it goes: lit. A column off its path: dimmed.
  await p.locator(`[data-dataset="${CUSTOMERS}"] li[data-state="path"]:has([data-column="email"])`).waitFor();
  await p.locator(`[data-dataset="${CUSTOMER_ORDERS}"] li[data-state="path"]:has([data-column="email"])`).waitFor();
  assert.equal(await column(p, STG_CUSTOMERS, "country").getAttribute("data-state"), "dim");
  assert.equal(await column(p, CUSTOMERS, "phone").getAttribute("data-state"), "dim");
  await screenshot(p, "lineage-columns");

  // The URL holds the choice: a reload comes back to it.
  await p.reload();
  await ready(p);
  await p.locator(`[data-dataset="${STG_CUSTOMERS}"] li[data-state="selected"]:has([data-column="email"])`).waitFor();
});

test("raw.orders: more readers than the cap, shown and paged", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(explorer(ORDERS));
  const canvas = await ready(p);
  const n0 = await count(canvas);
  const hidden0 = REPORTS + 1 - (n0 - 1); // stg_orders and the reports, less those shown
  assert.ok(hidden0 > 0, `the cap cut raw.orders' ${REPORTS + 1} readers (${n0} nodes shown)`);
  // The cap is said on the node itself and in the toolbar...
  assert.equal(await node(p, ORDERS).getByTestId("more-badge").innerText(), `+${hidden0}`);
  assert.match(await p.locator(".lx-count").innerText(), new RegExp(`${hidden0} more not shown`));
  // ...and by the "N more" node after the readers shown.
  await p.getByRole("button", { name: "Fit View" }).click();
  const more = p.getByTestId("more-node");
  await more.waitFor();
  assert.match(await more.innerText(), new RegExp(`\\+${hidden0} more`));
  await more.getByRole("button").click();
  await p.waitForFunction((n) => Number(document.querySelector('[data-testid="lineage-canvas"]').dataset.nodeCount) > n, n0);
  const n1 = await count(canvas);
  const hidden1 = REPORTS + 1 - (n1 - 1);
  const badge = node(p, ORDERS).getByTestId("more-badge");
  if (hidden1 > 0) {
    assert.ok(hidden1 < hidden0);
    assert.equal(await badge.innerText(), `+${hidden1}`);
  } else {
    assert.equal(await badge.count(), 0);
  }
});

test("path between two columns, and no path the other way", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(explorer(STG_CUSTOMERS, "&columns=1"));
  await ready(p);
  await p.getByRole("button", { name: "Find a path" }).click();
  const form = p.getByTestId("path-form");
  await form.getByLabel("From (upstream)").fill(`${CUSTOMERS}.email`);
  await form.getByLabel("To (downstream)").fill(`${CUSTOMER_ORDERS}.email`);
  await form.getByRole("button", { name: "Find paths" }).click();
  const result = p.getByTestId("path-result");
  await result.getByText("One path").waitFor();
  const hops = result.locator(".lx-hops li");
  assert.equal(await hops.count(), 2);
  assert.match(await hops.nth(0).innerText(), /customers\.email → stg_customers\.email .*identity/);
  assert.match(await hops.nth(1).innerText(), /stg_customers\.email → customer_orders\.email .*identity/);
  await p.locator(`[data-dataset="${CUSTOMER_ORDERS}"] li[data-state="path"]:has([data-column="email"])`).waitFor();
  assert.equal(await column(p, STG_CUSTOMERS, "email_hash").getAttribute("data-state"), "dim");
  await screenshot(p, "lineage-path");

  await form.getByRole("button", { name: "Swap" }).click();
  await form.getByRole("button", { name: "Find paths" }).click();
  await result.getByText("No path").waitFor();
});

test("keyboard: a node's details, and focusing the explorer there", async (t) => {
  const { page: p } = await openPage(t);
  await p.goto(explorer(STG_CUSTOMERS));
  await ready(p);
  await node(p, CUSTOMERS).focus();
  await p.keyboard.press("Enter");
  const details = p.getByTestId("node-details");
  await details.getByRole("heading", { name: "customers" }).waitFor();
  await details.getByRole("link", { name: "Open the dataset page" }).waitFor();
  await details.getByTestId("focus-here").click();
  await p.waitForURL((u) => u.searchParams.get("node") === id(CUSTOMERS));
  await ready(p);
  await node(p, STG_CUSTOMERS).waitFor();

  // The same graph as text.
  await p.getByText("Nodes and edges as a table").click();
  await p.locator(".lx-tables table").first().getByRole("link", { name: STG_CUSTOMERS }).waitFor();
});

test("a narrow window puts the panel under the canvas", async (t) => {
  const { page: p } = await openPage(t, { viewport: { width: 400, height: 800 } });
  await p.goto(explorer(STG_CUSTOMERS));
  await ready(p);
  const canvas = await p.getByTestId("lineage-canvas").boundingBox();
  const side = await p.getByRole("complementary", { name: "Details and tools" }).boundingBox();
  assert.ok(canvas && side && side.y >= canvas.y + canvas.height - 1, "the side panel is below the canvas");
  assert.ok(canvas.width <= 400);
  await screenshot(p, "lineage-narrow");
});
