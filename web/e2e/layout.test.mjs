// The lineage explorer's layout (src/pages/lineage/layout.ts) on its own, no browser or
// server: it is pure, so it is compiled here with the TypeScript the build already uses
// and checked for what a person relies on when the graph grows: nothing already placed
// moves, nothing overlaps, a node sits in its depth column next to its parent, and a
// block of siblings stays together in the order given.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ts from "typescript";

const source = readFileSync(new URL("../src/pages/lineage/layout.ts", import.meta.url), "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const { placeNodes } = await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);

const OPTS = { colWidth: 380, nodeWidth: 248, gapY: 18 };
const H = 62;

/** Places `additions` into `boxes` (mutated), as the explorer does after each answer. */
function grow(boxes, additions) {
  const before = new Map(boxes.map((b) => [b.id, { ...b }]));
  const at = placeNodes(boxes, additions, OPTS);
  assert.deepEqual([...at.keys()].sort(), additions.map((a) => a.id).sort(), "every addition placed, nothing else");
  for (const a of additions) boxes.push({ id: a.id, ...at.get(a.id), h: a.h });
  for (const [id, b] of before) assert.deepEqual(boxes.find((x) => x.id === id), b, `${id} stayed put`);
  return at;
}

/** No two boxes overlap (only pairs with one of `placed`, when given). */
function assertNoOverlap(boxes, placed) {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (placed && !placed.includes(a.id) && !placed.includes(b.id)) continue;
      const sameColumn = a.x < b.x + OPTS.nodeWidth && b.x < a.x + OPTS.nodeWidth;
      if (!sameColumn) continue;
      const apart = a.y + a.h + OPTS.gapY <= b.y + 1e-6 || b.y + b.h + OPTS.gapY <= a.y + 1e-6;
      assert.ok(apart, `${a.id} (${a.x},${a.y}) and ${b.id} (${b.x},${b.y}) overlap`);
    }
  }
}

test("the focus and one hop each way: centred, in their columns", () => {
  const boxes = [];
  grow(boxes, [{ id: "f", col: 0, h: H }]);
  assert.deepEqual(boxes[0], { id: "f", x: 0, y: -H / 2, h: H });
  grow(boxes, [
    { id: "u1", col: -1, h: H, parent: "f" },
    { id: "u2", col: -1, h: H, parent: "f" },
    { id: "d1", col: 1, h: H, parent: "f" },
  ]);
  const by = Object.fromEntries(boxes.map((b) => [b.id, b]));
  assert.equal(by.u1.x, -OPTS.colWidth);
  assert.equal(by.d1.x, OPTS.colWidth);
  assert.ok(by.u1.y < by.u2.y, "siblings in the order given");
  assert.equal(by.u2.y - by.u1.y, H + OPTS.gapY, "a block stays together");
  const mid = (by.u1.y + by.u2.y + H) / 2;
  assert.equal(mid, 0, "the block is centred on its parent");
  assert.equal(by.d1.y + H / 2, 0);
  assertNoOverlap(boxes);
});

test("growing node by node never moves or overlaps anything", () => {
  // A deterministic random graph grown the way a person expands it.
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const boxes = [];
  const cols = new Map([["n0", 0]]);
  grow(boxes, [{ id: "n0", col: 0, h: H }]);
  let next = 1;
  for (let step = 0; step < 120; step++) {
    const parent = boxes[rand(boxes.length)].id;
    const side = rand(2) === 0 ? -1 : 1;
    const kids = 1 + rand(6);
    const additions = [];
    for (let k = 0; k < kids; k++) {
      const id = `n${next++}`;
      const col = cols.get(parent) + side;
      cols.set(id, col);
      additions.push({ id, col, h: rand(3) === 0 ? H + 24 * (1 + rand(8)) : H, parent });
    }
    const at = grow(boxes, additions);
    for (const a of additions) assert.equal(at.get(a.id).x, a.col * OPTS.colWidth, "x is the depth column");
  }
  assertNoOverlap(boxes);
});

test("a dragged node keeps its place and new nodes avoid it", () => {
  const boxes = [];
  grow(boxes, [{ id: "f", col: 0, h: H }]);
  // Dragged half-way between columns 0 and 1, right where f's children would go.
  boxes.push({ id: "dragged", x: OPTS.colWidth / 2, y: -20, h: H });
  grow(boxes, [
    { id: "c1", col: 1, h: H, parent: "f" },
    { id: "c2", col: 1, h: H, parent: "f" },
  ]);
  assertNoOverlap(boxes, ["c1", "c2"]);
});

test("'N more' puts what it reveals where it was", () => {
  const boxes = [];
  grow(boxes, [{ id: "f", col: 0, h: H }]);
  grow(boxes, [
    { id: "a", col: 1, h: H, parent: "f" },
    { id: "more", col: 1, h: 34, parent: "f" },
  ]);
  const more = boxes.pop(); // replaced by what it revealed
  grow(boxes, [
    { id: "b", col: 1, h: H, parent: "f" },
    { id: "more2", col: 1, h: 34, parent: "f", anchorY: more.y },
  ]);
  const by = Object.fromEntries(boxes.map((b) => [b.id, b]));
  assert.equal(by.b.y, more.y, "the first revealed node takes the old place");
  assert.ok(by.more2.y > by.b.y, "the new 'N more' follows");
  assertNoOverlap(boxes);
});
