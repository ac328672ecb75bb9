// The owner's PII review, end to end on the server with authentication on: alice signs
// in by pasting her token, sees who she is and her scopes, opens the review queue,
// finds a tag that detection proposed and lineage carried on, rejects it with a reason,
// is told what the rejection did downstream, and sees the downstream column lose the tag.
//
// The warehouse's own proposals are all backed downstream by detection too (a column
// named `email` is detected wherever it is), so rejecting one removes nothing below it.
// The test therefore arranges its own pair under `analytics.scratch.*` (the fixture's
// area for tests that write): `review_src.email` (detected `pii.email`, owned by alice)
// copied by identity into `review_copy.contact`, a name no rule detects, which carries
// the tag only through the source. It clears its decision afterwards, so a rerun finds
// the same proposal.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, eventually, gql, needsAuth, openPage, screenshot, TOKENS, WEFT_AUTH_URL, warehouse } from "./harness.mjs";

after(closeBrowser);

const NS = warehouse.NS;
const SRC = "analytics.scratch.review_src";
const COPY = "analytics.scratch.review_copy";
const PRODUCER = "https://github.com/weft-catalog/weft/web/e2e/review.test.mjs";

function facet(spec, body) {
  return { _producer: PRODUCER, _schemaURL: spec, ...body };
}

function scratchEvents() {
  const now = new Date().toISOString();
  const schema = (cols) =>
    facet("https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", {
      fields: cols.map(([name, type]) => ({ name, type })),
    });
  return [
    {
      eventTime: now,
      producer: PRODUCER,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: {
        namespace: NS,
        name: SRC,
        facets: {
          schema: schema([
            ["id", "BIGINT"],
            ["email", "VARCHAR"],
          ]),
          ownership: facet("https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json", {
            owners: [{ name: "user:alice", type: "MAINTAINER" }],
          }),
        },
      },
    },
    {
      eventType: "COMPLETE",
      eventTime: now,
      producer: PRODUCER,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      run: { runId: crypto.randomUUID() },
      job: { namespace: warehouse.JOB_NS, name: "scratch.review_copy" },
      inputs: [{ namespace: NS, name: SRC }],
      outputs: [
        {
          namespace: NS,
          name: COPY,
          facets: {
            schema: schema([
              ["id", "BIGINT"],
              ["contact", "VARCHAR"],
            ]),
            columnLineage: facet("https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json", {
              fields: {
                id: { inputFields: [{ namespace: NS, name: SRC, field: "id", transformations: [{ type: "DIRECT", subtype: "IDENTITY" }] }] },
                contact: {
                  inputFields: [{ namespace: NS, name: SRC, field: "email", transformations: [{ type: "DIRECT", subtype: "IDENTITY" }] }],
                },
              },
            }),
          },
        },
      ],
    },
  ];
}

const TAGS = `query ReviewJourneyTags($ns: String!, $ds: String!, $col: String!) {
  column(namespace: $ns, dataset: $ds, name: $col) { tags { key status origin } }
}`;

async function tagsOf(dataset, column) {
  const data = await gql(TAGS, { ns: NS, ds: dataset, col: column }, { auth: true, token: "owner" });
  return data.column?.tags ?? [];
}

async function clearDecision() {
  await gql(
    `mutation ReviewJourneyClear($items: [ReviewTarget!]!) {
      reviewTags(items: $items, decision: CLEAR, reason: "review.test.mjs puts the proposal back") { effect { lost gained } }
    }`,
    { items: [{ namespace: NS, dataset: SRC, column: "email", tag: "pii.email" }] },
    { auth: true, token: "owner" },
  ).catch(() => {
    // Nothing to clear (a first run): the proposal stands as detected.
  });
}

before(async () => {
  if (needsAuth()) return;
  for (const event of scratchEvents()) {
    const resp = await fetch(`${WEFT_AUTH_URL}/api/v1/lineage`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKENS.owner}` },
      body: JSON.stringify(event),
    });
    assert.equal(resp.status, 201, await resp.text());
  }
  await clearDecision();
  await eventually(
    "the copy carries pii.email from the source",
    async () => (await tagsOf(COPY, "contact")).some((t) => t.key === "pii.email" && t.status === "proposed"),
    { timeout: 20_000 },
  );
});

after(async () => {
  if (!needsAuth()) await clearDecision();
});

test("the owner signs in, rejects a proposed tag and sees it leave the downstream column", { skip: needsAuth() }, async (t) => {
  const { page } = await openPage(t, { auth: true });

  // Sign in by pasting the token.
  await page.goto("/review");
  await page.getByRole("heading", { name: "Sign in to Weft" }).waitFor();
  await screenshot(page, "signin");
  await page.getByLabel("API token").fill(TOKENS.owner);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("whoami").getByText("alice").waitFor();

  // Who she is, and what her token may do.
  await page.getByTestId("whoami").click();
  await page.getByRole("heading", { name: "Signed in" }).waitFor();
  assert.equal(await page.getByTestId("viewer-name").textContent(), "alice");
  const scopes = (await page.getByTestId("viewer-scopes").textContent()).split(/,\s*/).sort();
  assert.deepEqual(scopes, ["read", "review", "write"]);

  // Her queue (her datasets by default), narrowed to the scratch source.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "PII review" }).click();
  await page.getByRole("heading", { name: "PII review", level: 1 }).waitFor();
  assert.equal(await page.getByRole("radio", { name: "My datasets" }).isChecked(), true);
  await page.getByLabel("Dataset", { exact: true }).fill("review_src");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/dataset=review_src/);
  const item = page.getByTestId("review-item").filter({ hasText: `${SRC}.email` });
  await item.waitFor();
  // The server filtered by dataset: once the filtered page has replaced the unfiltered
  // one (which may also hold this item), every item on it is in a matching dataset.
  await eventually("only review_src items are listed", async () =>
    (await page.getByTestId("review-item").allTextContents()).every((text) => /review_src/.test(text)),
  );
  assert.match(await item.textContent(), /pii\.email · proposed · detected/);
  assert.match(await item.textContent(), /detected by the rule “email”/);
  await screenshot(page, "review");

  // Reject it: a reason is required.
  await item.getByRole("button", { name: `Reject pii.email on ${SRC}.email` }).click();
  const reason = item.getByLabel(/Reason/);
  await reason.waitFor();
  await item.getByTestId("decide-reject").click();
  await item.getByRole("alert").getByText(/Say why you reject it/).waitFor();
  await reason.fill("scratch test data: synthetic addresses, not personal data");
  await item.getByTestId("decide-reject").click();

  // What it did downstream, in words, with the changed column linked.
  const effect = page.getByTestId("review-effect");
  await effect.waitFor();
  const sentence = await effect.textContent();
  assert.match(sentence, new RegExp(`Rejecting pii\\.email on ${SRC.replace(/\./g, "\\.")}\\.email removed the tag from \\d+ downstream column`));
  const lost = Number(/removed the tag from (\d+) downstream/.exec(sentence)?.[1]);
  assert.ok(lost >= 1, `lost ${lost}`);
  await effect.getByRole("link", { name: COPY }).waitFor();
  await screenshot(page, "review-effect");

  // The queue refreshed: the source's proposal is gone from "awaiting review"…
  await eventually("the proposal leaves the queue", async () => (await item.count()) === 0);

  // …and, with any status, the source shows rejected while the copy carries nothing.
  await page.goto("/review?whose=all&status=any&dataset=analytics.scratch.review");
  await page.getByTestId("review-item").filter({ hasText: `${SRC}.email` }).getByText("pii.email · rejected").waitFor();
  assert.equal(await page.getByTestId("review-item").filter({ hasText: `${COPY}.contact` }).count(), 0);
  assert.equal((await tagsOf(COPY, "contact")).some((t) => t.key === "pii.email" && t.status !== "rejected"), false);
});
