// The explorer's graph as the client knows it, and the pure functions that grow it.
//
// Everything the server sent is kept: dataset nodes with the depth column they sit in
// and which sides have been listed (and how many children the per-node cap left out
// there), dataset edges, column edges, and the columns of datasets shown at column
// level. Each answer is merged in, never replaces what is there, so the graph only
// grows and a node, once placed, stays. Rendering filters (an edge whose far end is not
// loaded is kept but not drawn) rather than dropping data that a later expansion would
// need.
import type { LineageEdgeFieldsFragment, LineageGraphFieldsFragment } from "../../gql/graphql";
import type { DatasetColumns } from "./queries";

export type Side = "up" | "down";
type Traversal = LineageGraphFieldsFragment;
export type EdgeFields = LineageEdgeFieldsFragment;

/** Children asked per node and side; "N more" asks this many more each time. */
export const CHILD_PAGE = 25;

export interface DatasetNode {
  id: string;
  namespace: string;
  name: string;
  /** Signed depth column: 0 for the focus, negative upstream, positive downstream. */
  col: number;
  usage: number;
  hasColumnLineage: boolean | null;
  /** The node it was first reached from: the layout places it next to that one. */
  parent?: string;
  /** Sides whose children have been listed. */
  expanded: Record<Side, boolean>;
  /** Children the per-node cap left out on that side, as of the last listing. */
  hidden: Record<Side, number>;
  /** The per-node cap that listing used. */
  cap: Record<Side, number>;
}

export interface Edge extends EdgeFields {
  id: string;
}

/** `pii.email`, and tags derived from one (`pseudonymised.pii.email`). */
export function isPiiTag(key: string): boolean {
  return key.startsWith("pii.") || key.includes(".pii.");
}

interface ColumnDetail {
  name: string;
  type: string | null;
  /** PII tags not rejected, with their status. */
  pii: { key: string; status: string }[];
}

export interface ColumnSet {
  columns: ColumnDetail[];
  /** All columns the dataset has (more than shown when over a page). */
  total: number;
}

export interface Graph {
  focus: string;
  /** In the order they appeared: the layout replays this order. */
  nodes: Map<string, DatasetNode>;
  /** Dataset-level edges. */
  edges: Map<string, Edge>;
  /** Column edges and column-to-dataset edges (filters, join keys). */
  colEdges: Map<string, Edge>;
  /** Columns of datasets seen at column level. */
  columns: Map<string, ColumnSet>;
  /** A traversal's node cap cut it somewhere: said on screen, never silent. */
  truncated: boolean;
}

export function emptyGraph(focus: string): Graph {
  return { focus, nodes: new Map(), edges: new Map(), colEdges: new Map(), columns: new Map(), truncated: false };
}

// --- node ids ------------------------------------------------------------------------
// `dataset:NS:NAME` and `datasetField:NS:NAME:FIELD`, where NS may hold colons: as the
// server reads them, the last colon (two for a field) separates the name.

export function parseDatasetId(id: string): { namespace: string; name: string } | null {
  if (!id.startsWith("dataset:")) return null;
  const rest = id.slice("dataset:".length);
  const at = rest.lastIndexOf(":");
  if (at <= 0 || at === rest.length - 1) return null;
  return { namespace: rest.slice(0, at), name: rest.slice(at + 1) };
}

export function parseColumnId(id: string): { dataset: string; field: string } | null {
  if (!id.startsWith("datasetField:")) return null;
  const rest = id.slice("datasetField:".length);
  const at = rest.lastIndexOf(":");
  if (at <= 0 || at === rest.length - 1) return null;
  const dataset = `dataset:${rest.slice(0, at)}`;
  return parseDatasetId(dataset) ? { dataset, field: rest.slice(at + 1) } : null;
}

export function columnIdOf(datasetId: string, field: string): string {
  return `datasetField:${datasetId.slice("dataset:".length)}:${field}`;
}

/** The dataset a node id belongs to (itself for a dataset). */
export function datasetOf(nodeId: string): string {
  return parseColumnId(nodeId)?.dataset ?? nodeId;
}

/** `stg_customers` out of `analytics.staging.stg_customers`; the prefix is shown muted. */
export function shortName(name: string): { prefix: string; last: string } {
  const at = Math.max(name.lastIndexOf("."), name.lastIndexOf("/"));
  return at > 0 && at < name.length - 1 ? { prefix: name.slice(0, at + 1), last: name.slice(at + 1) } : { prefix: "", last: name };
}

/** How a column id reads to a person: `stg_customers.email`. */
export function columnLabel(colId: string): string {
  const c = parseColumnId(colId);
  if (!c) return colId;
  const ds = parseDatasetId(c.dataset);
  return `${ds ? shortName(ds.name).last : c.dataset}.${c.field}`;
}

function edgeKey(e: EdgeFields): string {
  return `${e.src} -> ${e.dst} (${e.origin})`;
}

// --- merging answers ---------------------------------------------------------------------

function putEdges(g: Graph, edges: EdgeFields[]): void {
  for (const e of edges) {
    const id = edgeKey(e);
    const into = e.level === "dataset" ? g.edges : g.colEdges;
    if (!into.has(id)) into.set(id, { ...e, id });
  }
}

function copy(g: Graph): Graph {
  return { ...g, nodes: new Map(g.nodes), edges: new Map(g.edges), colEdges: new Map(g.colEdges), columns: new Map(g.columns) };
}

/**
 * Merges a dataset traversal from `startId` (`depth` hops, per-node cap `cap`). Nodes
 * closer than `depth` had their children listed on that side, unless the node cap cut
 * the walk (then only the start is known to be complete). New nodes sit `depth`
 * columns from the start and remember the node they were reached through.
 */
export function mergeTraversal(
  g0: Graph,
  startId: string,
  side: Side,
  r: Traversal,
  cap: number,
  depth: number,
): { graph: Graph; added: string[] } {
  const g = copy(g0);
  const startCol = g.nodes.get(startId)?.col ?? 0;
  const sign = side === "down" ? 1 : -1;
  const depthOf = new Map(r.nodes.map((n) => [n.id, n.depth]));
  const parentOf = new Map<string, string>();
  for (const e of r.edges) {
    const [p, c] = side === "down" ? [e.src, e.dst] : [e.dst, e.src];
    if (!parentOf.has(c) && depthOf.get(p) === (depthOf.get(c) ?? -2) - 1) parentOf.set(c, p);
  }
  const added: string[] = [];
  // Breadth first, and among one depth the most used first: siblings are placed in this
  // order, top to bottom (the server orders them so too; this does not rely on it).
  const ordered = [...r.nodes].sort((a, b) => a.depth - b.depth || b.usage - a.usage);
  for (const n of ordered) {
    if (n.type !== "DATASET") continue;
    const listed = n.depth < depth && (n.id === startId || !r.truncated);
    const prev = g.nodes.get(n.id);
    if (prev) {
      if (listed) {
        g.nodes.set(n.id, {
          ...prev,
          usage: n.usage,
          expanded: { ...prev.expanded, [side]: true },
          hidden: { ...prev.hidden, [side]: n.hiddenChildren },
          cap: { ...prev.cap, [side]: cap },
        });
      }
      continue;
    }
    const parsed = parseDatasetId(n.id);
    g.nodes.set(n.id, {
      id: n.id,
      namespace: n.namespace ?? parsed?.namespace ?? "",
      name: n.name ?? parsed?.name ?? n.id,
      col: startCol + sign * n.depth,
      usage: n.usage,
      hasColumnLineage: n.hasColumnLineage ?? null,
      parent: parentOf.get(n.id),
      expanded: { up: false, down: false, [side]: listed },
      hidden: { up: 0, down: 0, [side]: listed ? n.hiddenChildren : 0 },
      cap: { up: 0, down: 0, [side]: listed ? cap : 0 },
    });
    added.push(n.id);
  }
  putEdges(g, r.edges);
  g.truncated ||= r.truncated;
  return { graph: g, added };
}

/**
 * Datasets that `edges` (column paths, a column's traversal) would add: those reached
 * from a dataset already in the graph, one column further along the edge's direction.
 */
export function datasetsReached(g: Graph, edges: EdgeFields[]): DatasetNode[] {
  const known = new Map<string, number>();
  for (const [id, n] of g.nodes) known.set(id, n.col);
  const out: DatasetNode[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of edges) {
      const a = datasetOf(e.src);
      const b = datasetOf(e.dst);
      if (a === b) continue;
      const ca = known.get(a);
      const cb = known.get(b);
      const [id, col, parent] =
        ca !== undefined && cb === undefined ? [b, ca + 1, a] : cb !== undefined && ca === undefined ? [a, cb - 1, b] : [null, 0, ""];
      if (!id) continue;
      const parsed = parseDatasetId(id);
      if (!parsed) continue;
      known.set(id, col);
      progress = true;
      out.push({
        id,
        ...parsed,
        col,
        usage: 0,
        hasColumnLineage: true,
        parent,
        expanded: { up: false, down: false },
        hidden: { up: 0, down: 0 },
        cap: { up: 0, down: 0 },
      });
    }
  }
  return out;
}

/** Adds the edges, and (unless `withDatasets` is false) the datasets they reach. */
export function mergeEdges(g0: Graph, edges: EdgeFields[], truncated = false, withDatasets = true): Graph {
  const g = copy(g0);
  if (withDatasets) for (const n of datasetsReached(g0, edges)) g.nodes.set(n.id, n);
  putEdges(g, edges);
  g.truncated ||= truncated;
  return g;
}

/** Adds datasets' columns (with their PII tags) and the column edges leaving them. */
export function mergeColumns(g0: Graph, batch: Map<string, DatasetColumns | null>): Graph {
  if (batch.size === 0) return g0;
  const g = copy(g0);
  for (const [id, d] of batch) {
    if (!d) {
      g.columns.set(id, { columns: [], total: 0 });
      continue;
    }
    g.columns.set(id, {
      total: d.columns.totalCount,
      columns: d.columns.nodes.map((c) => ({
        name: c.name,
        type: c.type ?? null,
        pii: c.tags.filter((t) => isPiiTag(t.key) && t.status !== "rejected"),
      })),
    });
    putEdges(g, d.downstream.edges);
  }
  return g;
}

// --- how an edge looks ----------------------------------------------------------------

export type EdgeKind = "identity" | "transformation" | "aggregation" | "indirect" | "unknown" | "dataset";

export interface EdgeLook {
  kind: EdgeKind;
  /** Short text drawn on the edge ("" for a plain identity). */
  label: string;
  masked: boolean;
  stale: boolean;
  /** The full story, on hover and in the table. */
  title: string;
}

const SUBTYPE_WORDS: Record<string, string> = {
  IDENTITY: "identity",
  TRANSFORMATION: "transformation",
  AGGREGATION: "aggregation",
  FILTER: "filter",
  JOIN: "join",
  GROUP_BY: "group by",
  SORT: "sort",
  WINDOW: "window",
  CONDITIONAL: "conditional",
};

function subtypeWords(subtype: string): string {
  return SUBTYPE_WORDS[subtype] ?? subtype.toLowerCase().replace(/_/g, " ");
}

export function transformationText(e: EdgeFields): string {
  if (e.level === "dataset") return e.supportingEdges > 0 ? `${e.supportingEdges} column edge${e.supportingEdges === 1 ? "" : "s"}` : "dataset";
  if (e.transformations.length === 0) return "unknown transformation";
  return e.transformations
    .map((t) => `${t.type.toLowerCase()} ${subtypeWords(t.subtype)}${t.masking ? " (masked)" : ""}${t.description ? `: ${t.description}` : ""}`)
    .join("; ");
}

export function jobText(e: EdgeFields): string | null {
  return e.job ? `${e.job.namespace}.${e.job.name}` : null;
}

function endLabel(id: string): string {
  if (id.startsWith("datasetField:")) return columnLabel(id);
  const d = parseDatasetId(id);
  return d ? shortName(d.name).last : id;
}

export function describeEdge(e: EdgeFields): EdgeLook {
  const masked = e.transformations.some((t) => t.masking);
  const job = jobText(e);
  const title = [
    `${endLabel(e.src)} → ${endLabel(e.dst)}`,
    transformationText(e),
    job ? `job ${job}` : null,
    `from ${e.origin}`,
    e.stale ? "stale: no producer stated it lately" : null,
  ]
    .filter(Boolean)
    .join(" · ");
  if (e.level === "dataset") {
    // The count of column edges is in the title: drawn on every dataset edge it is noise,
    // and hundreds of labels cost more than the edges.
    return { kind: "dataset", label: "", masked, stale: e.stale, title };
  }
  const direct = e.transformations.find((t) => t.type === "DIRECT");
  let kind: EdgeKind;
  let label: string;
  if (direct) {
    kind = direct.subtype === "IDENTITY" ? "identity" : direct.subtype === "AGGREGATION" ? "aggregation" : "transformation";
    label = kind === "identity" ? "" : kind === "aggregation" ? "aggregate" : "transform";
  } else if (e.transformations.length > 0) {
    kind = "indirect";
    label = [...new Set(e.transformations.map((t) => subtypeWords(t.subtype)))].join(", ");
  } else {
    kind = "unknown";
    label = "?";
  }
  return { kind, label, masked, stale: e.stale, title };
}

// --- highlighting -----------------------------------------------------------------------

export interface Highlight {
  /** Column ids on the highlighted paths. */
  columns: Set<string>;
  /** Datasets reached as a whole (past a filter or join key, downstream). */
  datasets: Set<string>;
  /** Edge ids on the paths. */
  edges: Set<string>;
}

/**
 * Everything a column flows from and into, along the loaded edges: column edges both
 * ways; downstream also through a column-to-dataset edge (a filter or join key) to the
 * whole dataset and on along dataset edges, as the server's traversal goes.
 */
export function columnClosure(colId: string, g: Graph): Highlight {
  const out: Highlight = { columns: new Set([colId]), datasets: new Set(), edges: new Set() };
  const bySrc = new Map<string, Edge[]>();
  const byDst = new Map<string, Edge[]>();
  const index = (e: Edge) => {
    for (const [map, key] of [
      [bySrc, e.src],
      [byDst, e.dst],
    ] as const) {
      const list = map.get(key);
      if (list) list.push(e);
      else map.set(key, [e]);
    }
  };
  g.colEdges.forEach(index);
  g.edges.forEach(index);

  const up = [colId];
  while (up.length > 0) {
    const n = up.pop() as string;
    for (const e of byDst.get(n) ?? []) {
      if (e.level !== "column") continue;
      out.edges.add(e.id);
      if (!out.columns.has(e.src)) {
        out.columns.add(e.src);
        up.push(e.src);
      }
    }
  }
  const down = [colId];
  const seen = new Set(down);
  while (down.length > 0) {
    const n = down.pop() as string;
    const isDataset = !n.startsWith("datasetField:");
    for (const e of bySrc.get(n) ?? []) {
      if (isDataset !== (e.level === "dataset")) continue;
      out.edges.add(e.id);
      if (seen.has(e.dst)) continue;
      seen.add(e.dst);
      if (e.dst.startsWith("datasetField:")) out.columns.add(e.dst);
      else out.datasets.add(e.dst);
      down.push(e.dst);
    }
  }
  return out;
}

/** The columns and edges of column paths. */
export function pathHighlight(paths: EdgeFields[][]): Highlight {
  const out: Highlight = { columns: new Set(), datasets: new Set(), edges: new Set() };
  for (const p of paths) {
    for (const e of p) {
      out.edges.add(edgeKey(e));
      for (const id of [e.src, e.dst]) {
        if (id.startsWith("datasetField:")) out.columns.add(id);
        else out.datasets.add(id);
      }
    }
  }
  return out;
}

/** Whether a dataset has anything on the highlighted paths. */
export function touches(h: Highlight, datasetId: string): boolean {
  if (h.datasets.has(datasetId)) return true;
  const prefix = `datasetField:${datasetId.slice("dataset:".length)}:`;
  for (const c of h.columns) if (c.startsWith(prefix)) return true;
  return false;
}
