// The explorer's state and the requests that grow it.
//
// One state object holds the graph (what the server said) and React Flow's own nodes
// (where each one sits, its size, whether it is selected), so that a merge and the
// placement of what it added happen in the same update. Existing nodes keep their
// objects, which keeps React Flow from re-rendering them, and keeps their positions:
// only what a merge added is placed (layout.ts). Switching between dataset and column
// level changes every node's height, so that, and only that, lays everything out again.
//
// At column level a node's height depends on its columns, so an expansion fetches the
// new datasets' columns before the nodes are placed (one request per batch of
// datasets), and they land already the right size.
import { useCallback, useEffect, useRef, useState } from "react";
import { applyNodeChanges, Position, type Node, type NodeChange, type NodeHandle } from "@xyflow/react";
import { ApiError, request } from "../../api/client";
import {
  CHILD_PAGE,
  datasetsReached,
  emptyGraph,
  mergeColumns,
  mergeEdges,
  mergeTraversal,
  parseDatasetId,
  type ColumnSet,
  type EdgeFields,
  type Graph,
  type Side,
} from "./model";
import { placeNodes, type Addition, type PlacedBox } from "./layout";
import { COLUMN_BATCH, columnsBatchDoc, HopDoc, NeighbourhoodDoc, PathsDoc, type DatasetColumns } from "./queries";

export type Mode = "datasets" | "columns";

// --- geometry (lineage.css draws nodes at exactly these sizes) ------------------------------
const NODE_W = 248;
const COL_W = NODE_W + 132;
const GAP_Y = 18;
const DATASET_H = 62;
const HEADER_H = 54;
const ROW_H = 24;
const MORE_W = 150;
const MORE_H = 34;

/** Column traversals that reach more new datasets than this ask before adding them. */
const AUTO_ADD_LIMIT = 30;

function heightOf(mode: Mode, cols: ColumnSet | undefined): number {
  if (mode === "datasets" || !cols) return DATASET_H;
  const rows = Math.max(1, cols.columns.length) + (cols.total > cols.columns.length ? 1 : 0);
  return HEADER_H + rows * ROW_H + 6;
}

/**
 * Where a node's handles are, declared up front. React Flow otherwise renders every new
 * node once just to measure its handles, which for hundreds of nodes costs seconds and
 * defeats rendering only the visible ones. lineage.css puts the drawn handles here too.
 */
function handlesFor(type: "dataset" | "more", mode: Mode, cols: ColumnSet | undefined, h: number): NodeHandle[] {
  const w = type === "more" ? MORE_W : NODE_W;
  const pair = (id: string, y: number): NodeHandle[] => [
    { id: `in${id}`, type: "target", position: Position.Left, x: 0, y: y - 0.5, width: 1, height: 1 },
    { id: `out${id}`, type: "source", position: Position.Right, x: w - 1, y: y - 0.5, width: 1, height: 1 },
  ];
  if (type === "more" || mode === "datasets" || !cols) return pair("", h / 2);
  // Below the header and the list's top border: one row per shown column.
  const top = HEADER_H + 2;
  return [...pair("", HEADER_H / 2), ...cols.columns.flatMap((c, i) => pair(`:${c.name}`, top + i * ROW_H + ROW_H / 2))];
}

const moreId = (parent: string, side: Side) => `more:${side}:${parent}`;

interface St {
  graph: Graph;
  /** React Flow's nodes: dataset nodes and "N more" nodes, without display data. */
  nodes: Node[];
  /** The level the positions were computed for. */
  layoutMode: Mode;
}

/** The "N more" nodes the graph calls for: a listed side with children left out. */
function wantedMore(g: Graph): { id: string; parent: string; side: Side; col: number }[] {
  const out = [];
  for (const n of g.nodes.values()) {
    for (const side of ["up", "down"] as const) {
      if (n.expanded[side] && n.hidden[side] > 0) {
        out.push({ id: moreId(n.id, side), parent: n.id, side, col: n.col + (side === "down" ? 1 : -1) });
      }
    }
  }
  return out;
}

function flowNode(id: string, type: "dataset" | "more", x: number, y: number, h: number, handles: NodeHandle[], label: string): Node {
  return {
    id,
    type,
    position: { x, y },
    data: {},
    width: type === "more" ? MORE_W : NODE_W,
    height: h,
    // Known, not measured: fit view and culling count nodes never rendered yet too.
    measured: { width: type === "more" ? MORE_W : NODE_W, height: h },
    handles,
    ariaLabel: label,
    selectable: type === "dataset",
  };
}

function nodeLabel(g: Graph, id: string): string {
  const n = g.nodes.get(id);
  if (!n) return id;
  const where = n.col === 0 ? "focus" : `${Math.abs(n.col)} hop${Math.abs(n.col) === 1 ? "" : "s"} ${n.col < 0 ? "upstream" : "downstream"}`;
  return `Dataset ${n.name} in ${n.namespace}, ${where}`;
}

/**
 * Places what the graph has and the canvas does not: new datasets near the node they
 * were reached from, and "N more" nodes after their siblings. `anchor` is a "N more"
 * being replaced: what it revealed goes where it was.
 */
function integrate(s: St, anchor?: { parent: string; side: Side }): St {
  const g = s.graph;
  const more = wantedMore(g);
  const moreIds = new Set(more.map((m) => m.id));
  const replaced = anchor ? moreId(anchor.parent, anchor.side) : null;
  let anchorY: number | undefined;
  const kept: Node[] = [];
  for (const n of s.nodes) {
    if (n.id === replaced) {
      anchorY = n.position.y;
      continue;
    }
    if (n.type === "more" ? moreIds.has(n.id) : g.nodes.has(n.id)) {
      const cols = g.columns.get(n.id);
      const h = n.type === "more" ? MORE_H : heightOf(s.layoutMode, cols);
      kept.push(
        n.height === h
          ? n
          : { ...n, height: h, measured: { width: NODE_W, height: h }, handles: handlesFor("dataset", s.layoutMode, cols, h) },
      );
    }
  }
  const present = new Set(kept.map((n) => n.id));
  const additions: Addition[] = [];
  for (const n of g.nodes.values()) {
    if (present.has(n.id)) continue;
    additions.push({
      id: n.id,
      col: n.col,
      h: heightOf(s.layoutMode, g.columns.get(n.id)),
      parent: n.parent !== undefined && g.nodes.has(n.parent) ? n.parent : undefined,
    });
  }
  for (const m of more) {
    if (present.has(m.id)) continue;
    additions.push({ id: m.id, col: m.col, h: MORE_H, parent: m.parent, anchorY: m.id === replaced ? anchorY : undefined });
  }
  if (additions.length === 0 && kept.length === s.nodes.length && kept.every((n, i) => n === s.nodes[i])) return s;
  const existing: PlacedBox[] = kept.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, h: n.height ?? DATASET_H }));
  const at = placeNodes(existing, additions, { colWidth: COL_W, nodeWidth: NODE_W, gapY: GAP_Y });
  const added = additions.map((a) => {
    const p = at.get(a.id) ?? { x: 0, y: 0 };
    const type = a.id.startsWith("more:") ? "more" : "dataset";
    const handles = handlesFor(type, s.layoutMode, g.columns.get(a.id), a.h);
    return flowNode(a.id, type, p.x, p.y, a.h, handles, type === "more" ? "More datasets not shown" : nodeLabel(g, a.id));
  });
  return { ...s, nodes: [...kept, ...added] };
}

/** Everything laid out again, in the order it appeared (a change of level). */
function relayout(s: St): St {
  return integrate({ ...s, nodes: [] });
}

interface ActionError {
  key: string;
  what: string;
  error: unknown;
  retry: () => void;
}

interface ColumnReach {
  colId: string;
  /** Datasets its lineage reaches that are not on the canvas. */
  pending: number;
  edges: EdgeFields[];
  truncated: boolean;
}

export interface PathResult {
  from: string;
  to: string;
  total: number;
  paths: EdgeFields[][];
}

/** Both directions fail alike (an unknown dataset): say it once. */
function once(e: unknown): unknown {
  if (!(e instanceof ApiError) || e.kind !== "graphql") return e;
  return new ApiError(e.kind, [...new Set(e.message.split("; "))].join("; "), e.scope);
}

async function fetchColumns(
  datasets: { id: string; namespace: string; name: string }[],
  signal?: AbortSignal,
): Promise<Map<string, DatasetColumns | null>> {
  const out = new Map<string, DatasetColumns | null>();
  const batches: (typeof datasets)[] = [];
  for (let i = 0; i < datasets.length; i += COLUMN_BATCH) batches.push(datasets.slice(i, i + COLUMN_BATCH));
  await Promise.all(
    batches.map(async (batch) => {
      const vars: Record<string, string> = {};
      batch.forEach((d, i) => {
        vars[`ns${i}`] = d.namespace;
        vars[`n${i}`] = d.name;
      });
      const data = await request(columnsBatchDoc(batch.length), vars, signal);
      batch.forEach((d, i) => out.set(d.id, data[`d${i}`] ?? null));
    }),
  );
  return out;
}

export function useLineage(focus: string, depth: number, mode: Mode) {
  const [st, setSt] = useState<St>(() => ({ graph: emptyGraph(focus), nodes: [], layoutMode: mode }));
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState<ReadonlyMap<string, Side>>(new Map());
  const [columnsLoading, setColumnsLoading] = useState(false);
  const [errors, setErrors] = useState<ActionError[]>([]);
  const [reach, setReach] = useState<ColumnReach | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [columnsAttempt, setColumnsAttempt] = useState(0);

  const ref = useRef(st);
  ref.current = st;
  const modeRef = useRef(mode);
  modeRef.current = mode;

  const update = useCallback((f: (s: St) => St) => {
    setSt((s) => {
      const next = f(s);
      ref.current = next;
      return next;
    });
  }, []);

  const fail = useCallback((key: string, what: string, error: unknown, retry: () => void) => {
    setErrors((es) => [...es.filter((e) => e.key !== key), { key, what, error, retry }]);
  }, []);
  const clearError = useCallback((key: string) => setErrors((es) => es.filter((e) => e.key !== key)), []);

  /** At column level, the columns of those of `ids` the graph has none for yet. */
  const columnsFor = useCallback(async (ids: string[], signal?: AbortSignal) => {
    if (modeRef.current !== "columns") return new Map<string, DatasetColumns | null>();
    const g = ref.current.graph;
    const want = ids
      .filter((id) => !g.columns.has(id))
      .map((id) => {
        const n = g.nodes.get(id);
        const parsed = n ?? parseDatasetId(id);
        return { id, namespace: parsed?.namespace ?? "", name: parsed?.name ?? id };
      });
    return fetchColumns(want, signal);
  }, []);

  // The first view: both directions around the focus, `depth` hops each way.
  useEffect(() => {
    const ctl = new AbortController();
    setLoaded(false);
    setLoadError(null);
    const m = modeRef.current;
    (async () => {
      try {
        const r = await request(NeighbourhoodDoc, { nodeId: focus, depth, maxChildren: CHILD_PAGE }, ctl.signal);
        let g = emptyGraph(focus);
        g = mergeTraversal(g, focus, "up", r.up, CHILD_PAGE, depth).graph;
        g = mergeTraversal(g, focus, "down", r.down, CHILD_PAGE, depth).graph;
        if (m === "columns") g = mergeColumns(g, await fetchColumns([...g.nodes.values()], ctl.signal));
        update((s) => relayout({ ...s, graph: g, layoutMode: m }));
        setLoaded(true);
      } catch (e) {
        if (!ctl.signal.aborted) setLoadError(once(e));
      }
    })();
    return () => ctl.abort();
  }, [focus, depth, attempt, update]);

  // A change of level: columns for every dataset (at column level), then a new layout.
  useEffect(() => {
    if (!loaded || ref.current.layoutMode === mode) return;
    if (mode === "datasets") {
      update((s) => relayout({ ...s, layoutMode: "datasets" }));
      return;
    }
    let live = true;
    setColumnsLoading(true);
    clearError("columns");
    columnsFor([...ref.current.graph.nodes.keys()])
      .then((batch) => {
        if (live) update((s) => relayout({ ...s, graph: mergeColumns(s.graph, batch), layoutMode: "columns" }));
      })
      .catch((e) => {
        if (live) fail("columns", "Could not load the columns", e, () => setColumnsAttempt((a) => a + 1));
      })
      .finally(() => live && setColumnsLoading(false));
    return () => {
      live = false;
    };
  }, [mode, loaded, columnsAttempt, update, columnsFor, fail, clearError]);

  const setBusyFor = useCallback((id: string, side: Side | null) => {
    setBusy((b) => {
      const next = new Map(b);
      if (side) next.set(id, side);
      else next.delete(id);
      return next;
    });
  }, []);

  /** One more hop from `id` on `side`; `more` asks for CHILD_PAGE more children. */
  const expand = useCallback(
    async (id: string, side: Side, more = false) => {
      const node = ref.current.graph.nodes.get(id);
      if (!node) return;
      const key = `expand:${id}:${side}`;
      const cap = more ? node.cap[side] + CHILD_PAGE : Math.max(CHILD_PAGE, node.cap[side]);
      setBusyFor(id, side);
      clearError(key);
      try {
        const r = await request(HopDoc, {
          nodeId: id,
          direction: side === "up" ? "UPSTREAM" : "DOWNSTREAM",
          maxChildren: cap,
        });
        const fresh = r.lineage.nodes.filter((n) => n.type === "DATASET").map((n) => n.id);
        const cols = await columnsFor(fresh);
        update((s) => {
          const { graph } = mergeTraversal(s.graph, id, side, r.lineage, cap, 1);
          return integrate({ ...s, graph: mergeColumns(graph, cols) }, more ? { parent: id, side } : undefined);
        });
      } catch (e) {
        fail(key, `Could not show ${side === "up" ? "what feeds" : "what reads"} ${node.name}`, e, () => void expand(id, side, more));
      } finally {
        setBusyFor(id, null);
      }
    },
    [update, columnsFor, setBusyFor, fail, clearError],
  );

  /** Adds the datasets and edges `edges` reach (a column's lineage, a path). */
  const addEdges = useCallback(
    async (edges: EdgeFields[], truncated: boolean) => {
      const fresh = datasetsReached(ref.current.graph, edges).map((n) => n.id);
      const cols = await columnsFor(fresh);
      update((s) => integrate({ ...s, graph: mergeColumns(mergeEdges(s.graph, edges, truncated), cols) }));
    },
    [update, columnsFor],
  );

  /**
   * A chosen column's whole lineage both ways, so its paths can be highlighted beyond
   * what is loaded. A few new datasets are added at once; many wait for a click.
   */
  const traceColumn = useCallback(
    async (colId: string) => {
      const key = `column:${colId}`;
      clearError(key);
      setReach(null);
      try {
        const r = await request(NeighbourhoodDoc, { nodeId: colId, depth: 20, maxChildren: null });
        const edges = [...r.up.edges, ...r.down.edges];
        const truncated = r.up.truncated || r.down.truncated;
        const pending = datasetsReached(ref.current.graph, edges).length;
        if (pending <= AUTO_ADD_LIMIT) await addEdges(edges, truncated);
        else {
          // Highlight along what is loaded now; the rest is one click away.
          update((s) => ({ ...s, graph: mergeEdges(s.graph, edges, truncated, false) }));
          setReach({ colId, pending, edges, truncated });
        }
      } catch (e) {
        fail(key, "Could not trace that column", e, () => void traceColumn(colId));
      }
    },
    [addEdges, update, fail, clearError],
  );

  const addReach = useCallback(async () => {
    if (!reach) return;
    setReach(null);
    try {
      await addEdges(reach.edges, reach.truncated);
    } catch (e) {
      fail("reach", "Could not add those datasets", e, () => void addEdges(reach.edges, reach.truncated));
    }
  }, [reach, addEdges, fail]);

  const findPaths = useCallback(
    async (from: string, to: string): Promise<PathResult> => {
      const r = await request(PathsDoc, { from, to });
      const paths = r.columnPaths.paths.map((p) => p.edges);
      await addEdges(paths.flat(), false);
      return { from, to, total: r.columnPaths.total, paths };
    },
    [addEdges],
  );

  // Sizes are declared (width, height, measured, handles), so measurements need not come
  // back into the state: only what a person does (drag, select) does.
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const kept = changes.filter((c) => c.type !== "dimensions");
      if (kept.length > 0) update((s) => ({ ...s, nodes: applyNodeChanges(kept, s.nodes) }));
    },
    [update],
  );

  return {
    graph: st.graph,
    nodes: st.nodes,
    layoutMode: st.layoutMode,
    loaded,
    loadError,
    retryLoad: () => setAttempt((a) => a + 1),
    busy,
    columnsLoading,
    errors,
    clearError,
    reach,
    addReach,
    dismissReach: () => setReach(null),
    expand,
    traceColumn,
    findPaths,
    onNodesChange,
  };
}
