// Incremental layered layout for the lineage explorer. A person expands the graph node
// by node and keeps their bearings only if what they already looked at stays where it
// was, so this never moves a placed node: x is the node's signed depth column (upstream
// left of the focus, downstream right), and y is chosen once, when the node first
// appears, as near its parent's y as the free space in that column allows. New nodes
// arrive in blocks (one parent's new children on one side), kept together in the order
// given and pushed, as a block, into the nearest gap between nodes already placed.
//
// Pure and dependency-free on purpose: web/e2e/layout.test.mjs loads this file directly
// and checks the invariants (no overlap, placed nodes untouched).

export interface LayoutOptions {
  /** Horizontal distance between two depth columns (node width plus the gap). */
  colWidth: number;
  /** Width of a node, to tell which columns a dragged node now covers. */
  nodeWidth: number;
  /** Vertical space kept between two nodes in a column. */
  gapY: number;
}

/** A node already on the canvas: top-left corner and height. */
export interface PlacedBox {
  id: string;
  x: number;
  y: number;
  h: number;
}

/** A node to place: its depth column, height, and the node it was reached from. */
export interface Addition {
  id: string;
  col: number;
  h: number;
  /** Its parent (already placed, or earlier in this list); none: centred on y = 0. */
  parent?: string;
  /**
   * Where the block's top would ideally go, instead of centred on the parent: "N more"
   * puts the children it reveals where the "N more" node was.
   */
  anchorY?: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Sorted, non-overlapping occupied [top, bottom] spans of one column. */
type Spans = [number, number][];

function insertSpan(spans: Spans, top: number, bottom: number): void {
  let i = 0;
  while (i < spans.length && spans[i][0] < top) i++;
  spans.splice(i, 0, [top, bottom]);
  // Merge neighbours that now touch or overlap (dragged nodes may overlap anything).
  let j = Math.max(0, i - 1);
  while (j < spans.length - 1) {
    if (spans[j + 1][0] <= spans[j][1]) {
      spans[j][1] = Math.max(spans[j][1], spans[j + 1][1]);
      spans.splice(j + 1, 1);
    } else if (j >= i) {
      break;
    } else {
      j++;
    }
  }
}

/**
 * The top closest to `desired` where a block of `height` fits in `spans` with `gap`
 * clear above and below it.
 */
function nearestFree(spans: Spans, desired: number, height: number, gap: number): number {
  if (spans.length === 0) return desired;
  let best = desired;
  let bestDist = Infinity;
  const consider = (lo: number, hi: number) => {
    // The block's top may range over [lo, hi - height].
    if (hi - lo < height) return;
    const top = Math.min(Math.max(desired, lo), hi - height);
    const d = Math.abs(top - desired);
    if (d < bestDist) {
      bestDist = d;
      best = top;
    }
  };
  consider(-Infinity, spans[0][0] - gap);
  for (let i = 0; i + 1 < spans.length; i++) consider(spans[i][1] + gap, spans[i + 1][0] - gap);
  consider(spans[spans.length - 1][1] + gap, Infinity);
  return best;
}

/**
 * Positions for `additions`, given the nodes already placed (which keep theirs). Blocks
 * are formed by (parent, column) in order of first appearance.
 */
export function placeNodes(existing: PlacedBox[], additions: Addition[], opts: LayoutOptions): Map<string, Point> {
  const columns = new Map<number, Spans>();
  const spansOf = (col: number): Spans => {
    let s = columns.get(col);
    if (!s) {
      s = [];
      columns.set(col, s);
    }
    return s;
  };
  const centreY = new Map<string, number>();
  for (const b of existing) {
    centreY.set(b.id, b.y + b.h / 2);
    // A node covers every column its x-range overlaps (a dragged one may cover two).
    const first = Math.floor((b.x - opts.nodeWidth) / opts.colWidth);
    const last = Math.ceil((b.x + opts.nodeWidth) / opts.colWidth);
    for (let c = first; c <= last; c++) {
      const left = c * opts.colWidth;
      if (b.x < left + opts.nodeWidth && b.x + opts.nodeWidth > left) insertSpan(spansOf(c), b.y, b.y + b.h);
    }
  }

  const blocks = new Map<string, Addition[]>();
  for (const a of additions) {
    const key = `${a.col}\u0000${a.parent ?? ""}`;
    const block = blocks.get(key);
    if (block) block.push(a);
    else blocks.set(key, [a]);
  }

  const out = new Map<string, Point>();
  for (const block of blocks.values()) {
    const { col, parent } = block[0];
    const height = block.reduce((sum, a) => sum + a.h, 0) + opts.gapY * (block.length - 1);
    const anchor = block.find((a) => a.anchorY !== undefined)?.anchorY;
    const parentCentre = parent !== undefined ? centreY.get(parent) : undefined;
    const desired = anchor ?? (parentCentre ?? 0) - height / 2;
    const spans = spansOf(col);
    let top = nearestFree(spans, desired, height, opts.gapY);
    const x = col * opts.colWidth;
    for (const a of block) {
      out.set(a.id, { x, y: top });
      centreY.set(a.id, top + a.h / 2);
      insertSpan(spans, top, top + a.h);
      top += a.h + opts.gapY;
    }
  }
  return out;
}
