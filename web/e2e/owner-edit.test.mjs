// Who may edit what, on the server with authentication on: a read-only token sees a
// dataset page without any edit control (hidden, not disabled), the owner's token sees
// them and changes the description in place, and the change is stored (it survives a
// reload). Edits only on analytics.raw.payments (web/e2e/README.md), undone at the end.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, gql, needsAuth, openPage, screenshot, warehouse } from "./harness.mjs";

after(closeBrowser);

const { NS, PAYMENTS } = warehouse;
const url = `/datasets/${encodeURIComponent(NS)}/${encodeURIComponent(PAYMENTS)}`;

test("a read-only token sees no edit controls on the dataset page", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "reader" });
  await page.goto(url);
  await page.getByTestId("dataset-name").getByText(PAYMENTS).waitFor();
  await page.locator('[data-testid="schema-table"] tbody tr').first().waitFor();
  assert.equal(await page.getByTestId("edit-description").count(), 0);
  assert.equal(await page.getByTestId("tier-select").count(), 0);
  assert.equal(await page.getByTestId("classification-select").count(), 0);
  assert.equal(await page.getByTestId("retention-input").count(), 0);
  assert.equal(await page.getByRole("button", { name: /^Add owner$|^Add tag$/ }).count(), 0);
  assert.equal(await page.getByRole("button", { name: /^Edit description of |^Add a tag to |^Remove owner / }).count(), 0);
  await screenshot(page, "owner-edit-reader");
});

test("the owner edits the description in place and it persists", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "owner" });
  await page.goto(url);
  await page.getByTestId("dataset-name").getByText(PAYMENTS).waitFor();
  await page.getByTestId("tier-select").waitFor();
  await page.getByRole("button", { name: "Add owner" }).waitFor();
  assert.ok((await page.getByRole("button", { name: /^Edit description of / }).count()) > 0, "column descriptions are editable");

  const text = `Payments as the processor reports them (edited ${Date.now()})`;
  try {
    await page.getByTestId("edit-description").click();
    const box = page.getByRole("textbox", { name: "Description of the dataset" });
    assert.ok(await box.evaluate((el) => el === document.activeElement), "the editor takes focus");
    await box.fill(text);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("dataset-description").getByText(text).waitFor();
    await screenshot(page, "owner-edit-saved");
    await page.reload();
    await page.getByTestId("dataset-description").getByText(text).waitFor();

    const stored = await gql(`query ($ns: String!, $n: String!) { dataset(namespace: $ns, name: $n) { description } }`, { ns: NS, n: PAYMENTS }, { auth: true, token: "owner" });
    assert.equal(stored.dataset.description, text);
  } finally {
    await gql(`mutation ($ns: String!, $ds: String!) { setDescription(namespace: $ns, dataset: $ds, description: null) { id } }`, { ns: NS, ds: PAYMENTS }, { auth: true, token: "owner" });
  }
});

test("the owner sets classification and retention next to the tier", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "owner" });
  const read = async () =>
    (await gql(`query ($ns: String!, $n: String!) { dataset(namespace: $ns, name: $n) { classification retention } }`, { ns: NS, n: PAYMENTS }, { auth: true, token: "owner" })).dataset;
  const before = await read();
  await page.goto(url);
  await page.getByTestId("dataset-name").getByText(PAYMENTS).waitFor();
  const select = page.getByTestId("classification-select");
  await select.waitFor();
  try {
    await select.selectOption("restricted");
    await page.getByRole("button", { name: "Set classification" }).click();
    await page.getByRole("button", { name: "Set classification" }).waitFor({ state: "detached" });
    const retention = page.getByTestId("retention-input");
    await retention.fill("soon");
    await page.getByRole("button", { name: "Set retention" }).click();
    await page.getByRole("alert").getByText(/Could not set the retention: .*retention/).waitFor();
    await retention.fill("P1Y");
    await page.getByRole("button", { name: "Set retention" }).click();
    await page.getByRole("button", { name: "Set retention" }).waitFor({ state: "detached" });
    await screenshot(page, "owner-edit-governance");
    await page.reload();
    await page.getByTestId("classification-select").waitFor();
    assert.equal(await page.getByTestId("classification-select").inputValue(), "restricted");
    assert.equal(await page.getByTestId("retention-input").inputValue(), "P1Y");
    assert.deepEqual(await read(), { classification: "restricted", retention: "P1Y" });
  } finally {
    await gql(
      `mutation ($ns: String!, $ds: String!, $c: String, $r: String) { setClassification(namespace: $ns, dataset: $ds, classification: $c) { id } setRetention(namespace: $ns, dataset: $ds, retention: $r) { id } }`,
      { ns: NS, ds: PAYMENTS, c: before.classification, r: before.retention },
      { auth: true, token: "owner" },
    );
  }
});
