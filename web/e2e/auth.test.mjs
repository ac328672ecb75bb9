// What a token may not do, it is not offered; when the server refuses anyway, the page
// says why in words. On the server with authentication on:
// - a read-only token sees the review queue without any decision control;
// - a missing or invalid token (answered 401) brings up the sign-in page;
// - a token without the `review` scope that tries to decide (a stale page: the token in
//   the session changed after the controls were drawn) is told which scope it lacks;
// - an owner deciding on someone else's dataset gets the server's refusal in words.
// Nothing here changes state: every decision attempted is refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, eventually, gql, needsAuth, openPage, screenshot, TOKEN_KEY, TOKENS, WEFT_AUTH_URL, warehouse } from "./harness.mjs";

after(closeBrowser);

const NS = warehouse.NS;
/** A scratch dataset owned by bob with a detected `pii.email`: alice may not decide on it. */
const BOBS = "analytics.scratch.bobs_signups";
const PRODUCER = "https://github.com/weft-catalog/weft/web/e2e/auth.test.mjs";

before(async () => {
  if (needsAuth()) return;
  const event = {
    eventTime: new Date().toISOString(),
    producer: PRODUCER,
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
    dataset: {
      namespace: NS,
      name: BOBS,
      facets: {
        schema: {
          _producer: PRODUCER,
          _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
          fields: [
            { name: "id", type: "BIGINT" },
            { name: "email", type: "VARCHAR" },
          ],
        },
        ownership: {
          _producer: PRODUCER,
          _schemaURL: "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json",
          owners: [{ name: "user:bob", type: "MAINTAINER" }],
        },
      },
    },
  };
  const resp = await fetch(`${WEFT_AUTH_URL}/api/v1/lineage`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKENS.owner}` },
    body: JSON.stringify(event),
  });
  assert.equal(resp.status, 201, await resp.text());
  await eventually(
    "bob's scratch email is proposed",
    async () => {
      const data = await gql(
        `query AuthJourneyQueue { piiReviewQueue(owner: "bob", tag: "pii.email", first: 100) { nodes { datasetName field } } }`,
        {},
        { auth: true, token: "owner" },
      );
      return data.piiReviewQueue.nodes.some((n) => n.datasetName === BOBS && n.field === "email");
    },
    { timeout: 20_000 },
  );
});

test("a read-only token sees the queue but no decision controls", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "reader" });
  await page.goto("/review?whose=all");
  await page.getByTestId("review-item").first().waitFor();
  await page.getByTestId("review-readonly").getByText("review").waitFor();
  assert.equal(await page.getByRole("checkbox").count(), 0);
  assert.equal(await page.getByRole("button", { name: /^(Confirm|Reject|Clear)/ }).count(), 0);
  assert.equal(await page.getByRole("group", { name: "Decide on several tags" }).count(), 0);
  await screenshot(page, "auth-reader-review");
});

test("no token, or one the server does not know, brings up the sign-in page", { skip: needsAuth() }, async (t) => {
  const anonymous = await openPage(t, { auth: true });
  await anonymous.page.goto("/review");
  await anonymous.page.getByRole("heading", { name: "Sign in to Weft" }).waitFor();

  const stranger = await openPage(t, { auth: true, token: "weft-e2e-not-a-token" });
  await stranger.page.goto("/changes");
  await stranger.page.getByRole("heading", { name: "Sign in to Weft" }).waitFor();
  await stranger.page.getByRole("alert").getByText(/not valid/).waitFor();
  assert.equal(await stranger.page.getByRole("heading", { name: "Changes" }).count(), 0);
});

test("a token without the review scope is told which scope it lacks", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "owner" });
  await page.goto(`/review?whose=all&dataset=${encodeURIComponent(warehouse.CUSTOMERS_BAK)}`);
  const item = page.getByTestId("review-item").filter({ hasText: `${warehouse.CUSTOMERS_BAK}.email` });
  await item.waitFor();
  await item.getByRole("button", { name: /^Reject pii\.email/ }).click();
  await item.getByLabel(/Reason/).fill("refused before it is recorded");
  // The page was drawn for alice; the session now holds a read-only token.
  await page.evaluate(([key, value]) => window.sessionStorage.setItem(key, value), [TOKEN_KEY, TOKENS.reader]);
  await item.getByTestId("decide-reject").click();
  await item.getByRole("alert").getByText("Your token lacks the “review” scope needed for this.", { exact: false }).waitFor();
  await screenshot(page, "auth-missing-scope");
});

test("an owner deciding on someone else's dataset gets the server's refusal in words", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true, token: "owner" });
  await page.goto(`/review?whose=all&dataset=${encodeURIComponent(BOBS)}`);
  const item = page.getByTestId("review-item").filter({ hasText: `${BOBS}.email` });
  await item.waitFor();
  await item.getByText("not you: only they can decide").waitFor();
  await item.getByRole("button", { name: /^Confirm pii\.email/ }).click();
  await item.getByTestId("decide-confirm").click();
  const alert = item.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Not recorded\. .*alice does not own .*bob/);
});
