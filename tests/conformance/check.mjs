#!/usr/bin/env node
// Checks a running Weft's /graphql with the reference GraphQL implementation
// (graphql-js), as any client outside Rust would see it:
//
//   node check.mjs URL SDL_FILE EXAMPLES_DIR
//
//   URL           the server, `http://127.0.0.1:PORT` (`/graphql` is appended unless given)
//   SDL_FILE      schemas/schema.graphql
//   EXAMPLES_DIR  schemas/examples: one operation per NAME.graphql, variables in NAME.json
//
// 1. Introspection: the standard introspection query, turned into a client schema
//    (buildClientSchema), must be a valid schema, print exactly as the SDL file does
//    (both sorted with lexicographicSortSchema; a diff is shown otherwise), and show no
//    breaking or dangerous change against it either way.
// 2. Examples: every document must validate against the served schema and its
//    variables must coerce; every query and mutation is then POSTed with its variables
//    (queries first, mutations after, each group by file name) and must answer 200 with
//    `data` and no `errors`, plus the expectations below for the known examples.
//    Subscriptions are validated only (they run over WebSocket).
// 3. Errors: a document with an unknown field gets `errors` with the `locations`
//    graphql-js itself reports and no `data`, 200 for `application/json` clients and
//    400 for `application/graphql-response+json` ones; a syntax error likewise. A field
//    error that nulls the whole result is `data: null` with a 200 for both.
//
// The examples' variables must match the data the caller seeded
// (tests/tests/graphql_conformance.rs). Exits 0 when every check passed, 1 with each
// failure listed otherwise, 2 on bad arguments.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { basename, join } from "node:path";

import {
  Kind,
  assertValidSchema,
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
  getOperationAST,
  lexicographicSortSchema,
  parse,
  printSchema,
  validate,
  valueFromASTUntyped,
  version as graphqlVersion,
} from "graphql";
import { getVariableValues } from "graphql/execution/values.js";

const [urlArg, sdlPath, examplesDir] = process.argv.slice(2);
if (!urlArg || !sdlPath || !examplesDir) {
  console.error("usage: node check.mjs URL SDL_FILE EXAMPLES_DIR");
  process.exit(2);
}
const endpoint = /\/graphql\/?$/.test(urlArg) ? urlArg : urlArg.replace(/\/$/, "") + "/graphql";
const GRAPHQL_RESPONSE = "application/graphql-response+json";
const TIMEOUT_MS = 20_000;

// --- reporting -------------------------------------------------------------------

const failures = [];
let passed = 0;

class CheckError extends Error {}

function assert(cond, message) {
  if (!cond) throw new CheckError(typeof message === "function" ? message() : message);
}

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok    ${name}`);
  } catch (e) {
    const message = e instanceof CheckError ? e.message : (e && e.stack) || String(e);
    failures.push({ name, message });
    console.log(`FAIL  ${name}\n${indent(message)}`);
  }
}

function indent(text, by = "      ") {
  return String(text)
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

const show = (v) => {
  const s = JSON.stringify(v, null, 2);
  return s && s.length > 4000 ? s.slice(0, 4000) + "\n…(cut)" : s;
};

// A unified-style diff of two texts (longest common subsequence of lines), with
// `context` lines around each change; enough to see where two schemas part.
function diffLines(a, b, context = 3) {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      ops.push([" ", x[i], i + 1]);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      ops.push(["+", y[j], i + 1]);
      j++;
    } else {
      ops.push(["-", x[i], i + 1]);
      i++;
    }
  }
  const keep = new Array(ops.length).fill(false);
  ops.forEach((op, k) => {
    if (op[0] !== " ") {
      for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = true;
    }
  });
  const out = [];
  let gap = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      if (gap) out.push(`@@ near line ${op[2]} of the first @@`);
      gap = false;
      out.push(op[0] + " " + op[1]);
    } else {
      gap = true;
    }
  });
  return out.join("\n");
}

// --- HTTP ------------------------------------------------------------------------

async function post(body, { accept = `${GRAPHQL_RESPONSE}, application/json;q=0.9` } = {}) {
  let resp;
  try {
    resp = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: accept },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new CheckError(`POST ${endpoint} failed: ${e.cause?.message || e.message}`);
  }
  const text = await resp.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckError(`POST ${endpoint}: ${resp.status}, body is not JSON: ${text.slice(0, 500)}`);
  }
  return { status: resp.status, contentType: resp.headers.get("content-type") || "", json };
}

// An operation that must succeed: 200, non-null `data`, no `errors`.
async function run(query, variables, operationName) {
  const { status, contentType, json } = await post({ query, variables, operationName });
  assert(
    status === 200 && !json.errors && json.data != null,
    () => `expected 200 with data and no errors, got ${status}:\n${show(json)}`,
  );
  assert(
    contentType.startsWith(GRAPHQL_RESPONSE),
    `Content-Type is ${contentType}, expected ${GRAPHQL_RESPONSE} (the client asked for it first)`,
  );
  assert(
    typeof json.extensions?.sqlStatements === "number",
    () => `no numeric extensions.sqlStatements in the response: ${show(json.extensions)}`,
  );
  return json.data;
}

// --- per-example expectations ------------------------------------------------------

const ORDERS_EMAIL = "datasetField:postgres://db:5432:shop.public.orders:email";
const hasAlice = (owners) => (owners || []).some((o) => o.name === "user:alice");

// What the known examples must show on the seeded data, beyond "no errors". `after`
// runs once every mutation has run.
const expectations = {
  find_dataset(data) {
    const hits = data.search.edges.map((e) => e.node);
    const hit = hits.find((h) => h.name === "shop.public.order_totals");
    assert(hit, () => `search for "order totals" does not find shop.public.order_totals:\n${show(data)}`);
    assert(hits[0] === hit, () => `shop.public.order_totals is not the first hit:\n${show(hits.map((h) => h.name))}`);
    assert(data.search.totalCount >= hits.length, `totalCount ${data.search.totalCount} < ${hits.length} edges`);
    assert(hit.namespace === "postgres://db:5432", `namespace ${hit.namespace}`);
    assert(hit.score > 0, `score ${hit.score}`);
    assert(
      hit.explain.length > 0 && hit.explain.every((f) => typeof f.factor === "string" && Number.isFinite(f.value)),
      () => `explain: ${show(hit.explain)}`,
    );
    const d = hit.dataset;
    assert(d, "the hit has no dataset");
    assert(hasAlice(d.owners), () => `owners lack user:alice: ${show(d.owners)}`);
    assert(d.tier === "gold", `tier ${d.tier}`);
    assert(typeof d.description === "string" && d.description.length > 0, `description ${d.description}`);
    assert(d.lastModifiedAt && !Number.isNaN(Date.parse(d.lastModifiedAt)), `lastModifiedAt ${d.lastModifiedAt}`);
    const pii = d.columns.nodes.filter((c) => c.tags.some((t) => t.key.startsWith("pii.")));
    assert(
      pii.some((c) => c.name === "customer" && c.tags.some((t) => t.key === "pii.email")),
      () => `no pii.email on order_totals.customer: ${show(d.columns.nodes)}`,
    );
  },

  pii_origin(data, vars) {
    const c = data.column;
    assert(c, `no column ${vars.dataset}.${vars.column}`);
    assert(c.name === vars.column, `name ${c.name}`);
    const tag = c.tags.find((t) => t.key === "pii.email");
    assert(tag, () => `no pii.email tag: ${show(c.tags)}`);
    assert(tag.origin === "propagated", `origin ${tag.origin}, expected propagated`);
    const ex = tag.explanation;
    assert(ex.totalPaths >= 1 && ex.paths.length >= 1, () => `no paths: ${show(ex)}`);
    assert(ex.paths.length <= 3, `${ex.paths.length} paths listed, asked for at most 3`);
    const path = ex.paths.find((p) => p.hops.some((h) => h.from === ORDERS_EMAIL));
    assert(path, () => `no hop from ${ORDERS_EMAIL}: ${show(ex.paths)}`);
    assert(path.start === ORDERS_EMAIL, `the path starts at ${path.start}`);
    assert(path.startTag === "pii.email", `startTag ${path.startTag}`);
    assert(path.source.some((s) => s.kind === "declared"), () => `source ${show(path.source)}`);
    const hop = path.hops.find((h) => h.from === ORDERS_EMAIL);
    assert(hop.to === c.id, `the hop goes to ${hop.to}, not ${c.id}`);
    assert(hop.rule && hop.why, () => `hop without rule or why: ${show(hop)}`);
    assert(
      hop.job && hop.job.namespace === "shop" && hop.job.name === "daily_order_totals",
      () => `hop job ${show(hop.job)}`,
    );
  },

  review_queue(data, vars) {
    const q = data.piiReviewQueue;
    assert(q.totalCount > 0 && q.edges.length > 0, () => `the queue of ${vars.owner} is empty: ${show(q)}`);
    assert(q.edges.length <= 20, `${q.edges.length} edges for first: 20`);
    assert(q.totalCount >= q.edges.length, `totalCount ${q.totalCount} < ${q.edges.length} edges`);
    assert(q.pageInfo.hasNextPage === q.totalCount > q.edges.length, () => `pageInfo ${show(q.pageInfo)}`);
    assert(
      q.pageInfo.endCursor === q.edges[q.edges.length - 1].cursor,
      () => `endCursor ${q.pageInfo.endCursor} is not the last edge's cursor`,
    );
    for (const { node } of q.edges) {
      assert(node.status === "proposed", () => `status ${node.status}: ${show(node)}`);
      assert(hasAlice(node.owners), () => `an item not owned by ${vars.owner}: ${show(node)}`);
      assert(node.column, () => `an item without its column: ${show(node)}`);
      assert(
        node.column.tags.some((t) => t.key === node.tag),
        () => `the column does not carry the queued tag ${node.tag}: ${show(node)}`,
      );
    }
    const item = q.edges
      .map((e) => e.node)
      .find((n) => n.datasetName === "shop.public.order_totals" && n.field === "customer" && n.tag === "pii.email");
    assert(item, () => `order_totals.customer pii.email is not queued: ${show(q.edges)}`);
    const hops = item.column.tags.find((t) => t.key === "pii.email").explanation.paths.flatMap((p) => p.hops);
    assert(
      hops.some((h) => h.from === ORDERS_EMAIL),
      () => `its explanation has no hop from ${ORDERS_EMAIL}: ${show(hops)}`,
    );
  },

  review_decision(data, vars) {
    const tag = data.reviewTag.tags.find((t) => t.key === vars.tag);
    assert(tag, () => `the column lost ${vars.tag}: ${show(data.reviewTag)}`);
    assert(tag.status === "confirmed", `status ${tag.status} after CONFIRM`);
    const review = tag.explanation.review;
    assert(
      review && review.reviewer === vars.reviewer && review.reason === vars.reason,
      () => `review ${show(review)}, expected reviewer ${vars.reviewer} and the reason sent`,
    );
  },

  dataset_page(data, vars) {
    const d = data.dataset;
    assert(d, `no dataset ${vars.namespace} ${vars.name}`);
    assert(d.id === `dataset:${vars.namespace}:${vars.name}`, `id ${d.id}`);
    assert(d.platform === "postgres", `platform ${d.platform}`);
    assert(d.tier === "gold", `tier ${d.tier}`);
    assert(hasAlice(d.owners), () => `owners ${show(d.owners)}`);
    const cols = d.columns;
    assert(cols.nodes.length === 30, `${cols.nodes.length} columns listed, expected 30`);
    assert(cols.totalCount > 30 && cols.pageInfo.hasNextPage, () => `columns ${show(cols.pageInfo)} of ${cols.totalCount}`);
    assert(
      cols.nodes[0].name === "customer" && cols.nodes[0].tags.some((t) => t.key === "pii.email"),
      () => `the first column is not customer with pii.email: ${show(cols.nodes[0])}`,
    );
    const names = (g) => g.nodes.map((n) => n.name);
    assert(names(d.upstream).includes("shop.public.orders"), () => `upstream ${show(d.upstream)}`);
    assert(names(d.downstream).includes("shop.reporting.top_customers"), () => `downstream ${show(d.downstream)}`);
    assert(
      d.upstream.edges.some((e) => e.job?.name === "daily_order_totals"),
      () => `no upstream edge made by daily_order_totals: ${show(d.upstream.edges)}`,
    );
  },

  changes_feed(data, vars) {
    const c = data.changes;
    assert(c.edges.length > 0, () => `no changes in ${vars.namespace}: ${show(c)}`);
    let last = vars.since;
    for (const { cursor, node } of c.edges) {
      assert(node.seq > last, `seq ${node.seq} after ${last}: not in order`);
      assert(cursor === String(node.seq), `cursor ${cursor} for seq ${node.seq}`);
      assert(node.namespace === vars.namespace, `a change in ${node.namespace}`);
      last = node.seq;
    }
    const orders = `dataset:${vars.namespace}:shop.public.orders`;
    assert(
      c.edges.some((e) => e.node.kind === "openlineage.dataset" && e.node.entity === orders),
      () => `no openlineage.dataset change on ${orders}: ${show(c.edges)}`,
    );
  },
};

// After the mutations: the decision shows in the explanation pii_origin reads.
const after = {
  pii_origin(data) {
    const d = JSON.parse(readFileSync(join(examplesDir, "review_decision.json"), "utf8"));
    const tag = data.column.tags.find((t) => t.key === d.tag);
    const review = tag?.explanation.review;
    assert(tag?.status === "confirmed", `status ${tag?.status} after the decision`);
    assert(review?.reviewer === d.reviewer && review?.reason === d.reason, () => `review ${show(review)}`);
  },
  // The decision is in the feed, and the subscription example's filter lets it through.
  changes_feed(data) {
    const reviews = data.changes.edges.map((e) => e.node).filter((n) => n.kind === "tag.review");
    assert(reviews.length === 1, () => `${reviews.length} tag.review changes: ${show(data.changes.edges)}`);
    const sub = examples.find((ex) => ex.name === "metadata_changes");
    if (!sub) return;
    const field = getOperationAST(parse(sub.source)).selectionSet.selections[0];
    const arg = field.arguments.find((a) => a.name.value === "filter");
    const filter = arg ? valueFromASTUntyped(arg.value, sub.variables) : {};
    const passes = (c) =>
      (!filter.kinds || filter.kinds.includes(c.kind)) &&
      (!filter.namespace || filter.namespace === c.namespace) &&
      (!filter.entityPrefix || c.entity.startsWith(filter.entityPrefix));
    assert(
      passes(reviews[0]),
      () => `metadata_changes.graphql's filter ${show(filter)} would not deliver the decision ${show(reviews[0])}`,
    );
  },
};

// --- 1. the schema ------------------------------------------------------------------

console.log(`graphql-js ${graphqlVersion} against ${endpoint}`);

let served; // the introspected schema
let fromSdl;

await check("introspection answers and builds a client schema", async () => {
  const data = await run(getIntrospectionQuery({ descriptions: true }), {}, "IntrospectionQuery");
  served = buildClientSchema(data);
});

await check("the full introspection query (specifiedByURL, isRepeatable, input deprecation, schema description) answers", async () => {
  const data = await run(
    getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    }),
    {},
    "IntrospectionQuery",
  );
  buildClientSchema(data);
});

await check("the introspected schema is valid", () => {
  assert(served, "no introspected schema");
  assertValidSchema(served);
});

await check(`${basename(sdlPath)} builds and is valid`, () => {
  fromSdl = buildSchema(readFileSync(sdlPath, "utf8"));
  assertValidSchema(fromSdl);
});

await check(`the introspected schema prints as ${basename(sdlPath)} does`, () => {
  assert(served && fromSdl, "a schema is missing");
  const a = printSchema(lexicographicSortSchema(fromSdl));
  const b = printSchema(lexicographicSortSchema(served));
  assert(a === b, () => `they differ (- ${basename(sdlPath)}, + introspection):\n${diffLines(a, b)}`);
});

// The built-in directives (@skip, @include, @deprecated, @specifiedBy, @oneOf) are not
// in the SDL file: buildSchema adds graphql-js's own, introspection gives the server's.
// graphql-js 16.15 also allows @deprecated on DIRECTIVE_DEFINITION, from a proposal the
// released spec does not have yet (nor async-graphql): that one difference is expected
// (and reported), as long as the server's built-ins are the spec's (checked below).
const EXPECTED_CHANGES = new Set([
  "SDL → served DIRECTIVE_LOCATION_REMOVED: DIRECTIVE_DEFINITION was removed from deprecated.",
]);

for (const [label, from, to] of [
  ["SDL → served", () => fromSdl, () => served],
  ["served → SDL", () => served, () => fromSdl],
]) {
  await check(`no breaking or dangerous changes ${label}`, () => {
    assert(served && fromSdl, "a schema is missing");
    const changes = [...findBreakingChanges(from(), to()), ...findDangerousChanges(from(), to())].map(
      (c) => `${c.type}: ${c.description}`,
    );
    for (const c of changes.filter((c) => EXPECTED_CHANGES.has(`${label} ${c}`))) {
      console.log(`note  expected (a built-in directive, graphql-js ${graphqlVersion} vs the spec): ${c}`);
    }
    const unexpected = changes.filter((c) => !EXPECTED_CHANGES.has(`${label} ${c}`));
    assert(unexpected.length === 0, () => unexpected.join("\n"));
  });
}

// The built-in directives as the GraphQL spec (October 2021, plus @oneOf) defines them.
const SPEC_DIRECTIVES = {
  skip: { locations: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"], args: { if: "Boolean!" } },
  include: { locations: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"], args: { if: "Boolean!" } },
  deprecated: {
    locations: ["FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"],
    args: { reason: "String" },
  },
  specifiedBy: { locations: ["SCALAR"], args: { url: "String!" } },
};

await check("the served built-in directives are the spec's", () => {
  assert(served, "no introspected schema");
  const problems = [];
  for (const [name, want] of Object.entries(SPEC_DIRECTIVES)) {
    const d = served.getDirective(name);
    if (!d) {
      problems.push(`@${name} is missing`);
      continue;
    }
    const locations = [...d.locations].sort();
    if (JSON.stringify(locations) !== JSON.stringify([...want.locations].sort())) {
      problems.push(`@${name} on ${locations.join(" | ")}, the spec says ${want.locations.join(" | ")}`);
    }
    const args = Object.fromEntries(d.args.map((a) => [a.name, String(a.type)]));
    if (JSON.stringify(args) !== JSON.stringify(want.args)) {
      problems.push(`@${name}(${show(args)}), the spec says (${show(want.args)})`);
    }
  }
  assert(problems.length === 0, problems.join("\n"));
});

// --- 2. the examples ------------------------------------------------------------------

const schema = served || fromSdl;
const examples = [];

await check(`examples in ${examplesDir}`, () => {
  assert(existsSync(examplesDir), `${examplesDir} does not exist`);
  const files = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".graphql"))
    .sort();
  assert(files.length > 0, `no .graphql files in ${examplesDir}`);
  for (const f of files) {
    const name = f.replace(/\.graphql$/, "");
    const varsFile = join(examplesDir, `${name}.json`);
    examples.push({
      name,
      source: readFileSync(join(examplesDir, f), "utf8"),
      variables: existsSync(varsFile) ? JSON.parse(readFileSync(varsFile, "utf8")) : {},
    });
  }
  const orphans = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .filter((f) => !files.includes(f.replace(/\.json$/, ".graphql")));
  assert(orphans.length === 0, `variables without an operation: ${orphans.join(", ")}`);
  for (const required of Object.keys(expectations)) {
    assert(files.includes(`${required}.graphql`), `${required}.graphql is missing`);
  }
});

for (const ex of examples) {
  await check(`${ex.name}: validates, variables coerce`, () => {
    assert(schema, "no schema to validate against");
    const doc = parse(ex.source);
    const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    assert(ops.length === 1, `${ops.length} operations; an example holds exactly one`);
    const op = getOperationAST(doc);
    ex.operation = op.operation;
    assert(op.name, "the operation has no name");
    ex.operationName = op.name.value;
    const errors = validate(schema, doc);
    assert(errors.length === 0, () => errors.map((e) => e.toString()).join("\n"));
    const declared = new Set(op.variableDefinitions.map((v) => v.variable.name.value));
    const unknown = Object.keys(ex.variables).filter((k) => !declared.has(k));
    assert(unknown.length === 0, `variables the operation does not declare: ${unknown.join(", ")}`);
    const coerced = getVariableValues(schema, op.variableDefinitions, ex.variables);
    assert(!coerced.errors, () => coerced.errors.map((e) => e.message).join("\n"));
    ex.valid = true;
  });
}

const order = { query: 0, mutation: 1 };
const runnable = examples
  .filter((ex) => ex.operation in order)
  .sort((a, b) => order[a.operation] - order[b.operation] || a.name.localeCompare(b.name));
for (const ex of runnable) {
  await check(`${ex.name}: ${ex.operation} ${ex.operationName} runs`, async () => {
    assert(ex.valid, "not run: the document or its variables are invalid (above)");
    const data = await run(ex.source, ex.variables, ex.operationName);
    expectations[ex.name]?.(data, ex.variables);
  });
}
for (const ex of runnable.filter((ex) => after[ex.name])) {
  await check(`${ex.name}: shows what the mutations did`, async () => {
    assert(ex.valid, "not run: the document or its variables are invalid (above)");
    after[ex.name](await run(ex.source, ex.variables, ex.operationName), ex.variables);
  });
}

// --- 3. refused documents ---------------------------------------------------------------

const invalid = [
  {
    what: "an unknown field",
    query: 'query Broken {\n  dataset(namespace: "postgres://db:5432", name: "shop.public.orders") {\n    name\n    noSuchField\n  }\n}\n',
  },
  { what: "a syntax error", query: "query Broken {\n  dataset(namespace: \n}\n" },
];

for (const { what, query } of invalid) {
  // The locations graphql-js reports for the same document.
  let expected;
  try {
    expected = validate(schema, parse(query)).map((e) => e.locations);
  } catch (e) {
    expected = [e.locations];
  }

  await check(`${what}: errors with locations, 200 for application/json`, async () => {
    const { status, json } = await post({ query }, { accept: "application/json" });
    assert(status === 200, () => `status ${status}, expected 200:\n${show(json)}`);
    assert(Array.isArray(json.errors) && json.errors.length > 0, () => `no errors: ${show(json)}`);
    assert(!("data" in json), () => `a data entry in the answer to a request that never ran: ${show(json)}`);
    for (const e of json.errors) {
      assert(typeof e.message === "string" && e.message.length > 0, () => `an error without a message: ${show(e)}`);
      assert(
        Array.isArray(e.locations) &&
          e.locations.length > 0 &&
          e.locations.every((l) => Number.isInteger(l.line) && Number.isInteger(l.column) && l.line > 0 && l.column > 0),
        () => `an error without locations: ${show(e)}`,
      );
    }
    const at = (locations) => locations.flat().map((l) => `${l.line}:${l.column}`);
    const got = json.errors.map((e) => e.locations);
    assert(
      JSON.stringify(at(expected)) === JSON.stringify(at(got)),
      () => `locations ${at(got)}, graphql-js reports ${at(expected)}`,
    );
  });

  await check(`${what}: 400 for application/graphql-response+json`, async () => {
    const { status, contentType, json } = await post({ query }, { accept: GRAPHQL_RESPONSE });
    assert(status === 400, () => `status ${status}, expected 400:\n${show(json)}`);
    assert(contentType.startsWith(GRAPHQL_RESPONSE), `Content-Type ${contentType}`);
    assert(Array.isArray(json.errors) && json.errors.every((e) => e.locations), () => show(json));
    assert(!("data" in json), () => `a data entry in the answer to a request that never ran: ${show(json)}`);
  });
}

// A field error that nulls the whole result is not a request error: the request ran,
// `data` is null, the error has a path, and the status is 200 whatever the client accepts
// (GraphQL over HTTP: 4xx for `data: null` is not recommended, clients take it for a
// request error).
const missing = `mutation Typo {
  reviewTag(namespace: "postgres://db:5432", dataset: "shop.public.order_totalz", column: "customer", tag: "pii.email", decision: CONFIRM) {
    id
  }
}
`;
for (const accept of ["application/json", GRAPHQL_RESPONSE]) {
  await check(`a field error nulling the result: 200, data null, an error with a path (${accept})`, async () => {
    const { status, json } = await post({ query: missing }, { accept });
    assert(status === 200, () => `status ${status}, expected 200:\n${show(json)}`);
    assert("data" in json && json.data === null, () => `expected data: null: ${show(json)}`);
    const e = json.errors?.[0];
    assert(
      e && JSON.stringify(e.path) === '["reviewTag"]' && e.locations?.length === 1,
      () => `expected one error at path ["reviewTag"] with its location: ${show(json.errors)}`,
    );
  });
}

// --- summary ------------------------------------------------------------------------

if (failures.length > 0) {
  console.log(`\n${failures.length} of ${failures.length + passed} checks FAILED:`);
  for (const f of failures) console.log(`- ${f.name}`);
  process.exit(1);
}
console.log(`\nall ${passed} checks passed`);
