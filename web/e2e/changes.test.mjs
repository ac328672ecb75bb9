// Live changes: the page shows the newest entries of the change log and, without a
// reload, what another client commits while it is open (over the `metadataChanges`
// subscription), marked as new and announced; an entry's payload opens on demand, older
// entries page in, and a kind filter in the URL applies to the list.
// It writes only DatasetEvents for `analytics.scratch.live_*` (the fixture's area for it).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, eventually, openPage, screenshot, WEFT_URL, warehouse } from "./harness.mjs";

after(closeBrowser);

const PRODUCER = "https://github.com/weft-catalog/weft/web/e2e/changes.test.mjs";

async function postDataset(name) {
  const resp = await fetch(`${WEFT_URL}/api/v1/lineage`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      eventTime: new Date().toISOString(),
      producer: PRODUCER,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: {
        namespace: warehouse.NS,
        name,
        facets: {
          schema: {
            _producer: PRODUCER,
            _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
            fields: [{ name: "id", type: "BIGINT" }],
          },
        },
      },
    }),
  });
  assert.equal(resp.status, 201, await resp.text());
}

test("a change committed by another client appears without a reload", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/changes");
  await page.getByTestId("change-row").first().waitFor();
  await page.getByTestId("live-status").getByText("Live", { exact: true }).waitFor();
  const newestBefore = Number(await page.getByTestId("change-row").first().getAttribute("data-seq"));

  const name = `analytics.scratch.live_${Date.now()}`;
  await postDataset(name);

  // Within a few seconds, without a reload.
  const row = page.getByTestId("change-row").filter({ has: page.getByRole("link", { name }) });
  await row.waitFor({ timeout: 5_000 });
  const seq = Number(await row.getAttribute("data-seq"));
  assert.ok(seq > newestBefore, `new entry #${seq} after #${newestBefore}`);
  assert.equal(await page.getByTestId("change-row").first().getAttribute("data-seq"), String(seq), "newest first");
  assert.match((await row.getAttribute("class")) ?? "", /changes-new/);
  assert.match(await row.textContent(), /openlineage\.dataset/);
  await page.getByText(/^\d+ new changes?$/).waitFor();
  await screenshot(page, "changes", { fullPage: false });

  // The dataset entity links to its page; the payload opens on demand.
  assert.equal(
    await row.getByRole("link", { name }).getAttribute("href"),
    `/datasets/${encodeURIComponent(warehouse.NS)}/${encodeURIComponent(name)}`,
  );
  await row.getByRole("button", { name: /Payload/ }).click();
  await page.locator(".changes-payload pre").getByText(`"name": "${name}"`).waitFor();
});

test("pausing holds new changes back until resumed", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/changes");
  await page.getByTestId("live-status").getByText("Live", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByTestId("live-status").getByText("Paused", { exact: true }).waitFor();

  const name = `analytics.scratch.live_paused_${Date.now()}`;
  await postDataset(name);
  await page.getByRole("button", { name: /Resume \(\d+ new\)/ }).waitFor();
  assert.equal(await page.getByRole("link", { name }).count(), 0);
  await page.getByRole("button", { name: /Resume/ }).click();
  await page.getByRole("link", { name }).waitFor();
});

test("older entries page in, and a kind filter applies", async (t) => {
  const { page } = await openPage(t);
  await page.goto("/changes");
  await page.getByTestId("change-row").first().waitFor();
  const shown = await page.getByTestId("change-row").count();
  await page.getByRole("button", { name: "Load older" }).click();
  await eventually("older rows", async () => (await page.getByTestId("change-row").count()) > shown);

  await page.goto("/changes?kind=openlineage.run");
  await page.getByTestId("change-row").first().waitFor();
  assert.equal(await page.getByLabel("Kind").inputValue(), "openlineage.run");
  const kinds = await page.getByTestId("change-row").locator("td[data-label=Kind]").allTextContents();
  assert.ok(kinds.length > 0);
  assert.deepEqual([...new Set(kinds)], ["openlineage.run"]);
});

