// The explorer around one focus dataset: the canvas, its toolbar and the side panel.
//
// React Flow gets two derived lists. Nodes: the positioned nodes from useLineage with
// their display data attached, the same object as last time unless that node's data
// changed (so a 500-node graph that grows by ten re-renders ten). Edges are drawn by
// edges.tsx, not React Flow: the graph's edges between loaded datasets, at dataset level
// or, at column level, between column handles (a dataset pair with no column edge keeps
// its dataset edge, so nothing looks unconnected). The camera is set once, on first
// load; expansions never move it.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useStore,
  type Node,
  getViewportForBounds,
  type OnSelectionChangeParams,
  type Viewport,
} from "@xyflow/react";
import { describeError } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { datasetPath, Link } from "../../router";
import {
  columnClosure,
  columnIdOf,
  columnLabel,
  datasetOf,
  describeEdge,
  parseColumnId,
  pathHighlight,
  type Edge,
  type EdgeLook,
  type Highlight,
  type Side,
} from "./model";
import { EdgeLayer, type DrawnEdge } from "./edges";
import { ExplorerContext, nodeTypes, type ExplorerView } from "./nodes";
import { GraphTables, Legend, NodeDetails, PathFinder, type ColumnOption } from "./panels";
import { useLineage, type Mode, type PathResult } from "./useLineage";

/** Marks `data-ready` once React Flow has the first layout and a frame has drawn it. */
function ReadyProbe({ onReady }: { onReady: () => void }) {
  const count = useStore((s) => s.nodes.length);
  useEffect(() => {
    if (count === 0) return;
    const frame = requestAnimationFrame(onReady);
    return () => cancelAnimationFrame(frame);
  }, [count, onReady]);
  return null;
}

function shallowSame(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export interface ExplorerProps {
  focus: string;
  depth: number;
  mode: Mode;
  /** The column chosen in the URL (`focus=`), highlighted once loaded. */
  focusColumn: string | null;
  setMode: (mode: Mode) => void;
  setFocusColumn: (colId: string | null) => void;
}

export function Explorer({ focus, depth, mode, focusColumn, setMode, setFocusColumn }: ExplorerProps) {
  const L = useLineage(focus, depth, mode);
  const { graph, expand, traceColumn, findPaths, onNodesChange } = L;
  const [ready, setReady] = useState(false);
  const markReady = useCallback(() => setReady(true), []);
  const [details, setDetails] = useState<string | null>(null);
  const [selectedColumn, setSelectedColumn] = useState<string | null>(focusColumn);
  const [pathOpen, setPathOpen] = useState(false);
  const [picking, setPicking] = useState<"from" | "to" | null>(null);
  const [pathFrom, setPathFrom] = useState("");
  const [pathTo, setPathTo] = useState("");
  const [pathResult, setPathResult] = useState<PathResult | null>(null);
  const [activePath, setActivePath] = useState<number | null>(null);

  // The chosen column from the URL, traced once the graph is there.
  const traced = useRef(false);
  useEffect(() => {
    if (L.loaded && focusColumn && !traced.current) {
      traced.current = true;
      void traceColumn(focusColumn);
    }
  }, [L.loaded, focusColumn, traceColumn]);

  const highlight = useMemo<Highlight | null>(() => {
    if (mode !== "columns") return null;
    if (pathResult && pathResult.paths.length > 0) {
      return pathHighlight(activePath === null ? pathResult.paths : [pathResult.paths[activePath]]);
    }
    return selectedColumn ? columnClosure(selectedColumn, graph) : null;
  }, [mode, pathResult, activePath, selectedColumn, graph]);

  const columnOptions = useMemo<ColumnOption[]>(() => {
    const out: ColumnOption[] = [];
    for (const [id, cols] of graph.columns) {
      const n = graph.nodes.get(id);
      if (!n) continue;
      for (const c of cols.columns) out.push({ id: columnIdOf(id, c.name), label: `${n.name}.${c.name}` });
    }
    return out;
  }, [graph]);
  // What a column click does reads the latest state through refs, so the handler (and
  // with it the context every node reads) stays the same object as the graph grows.
  const latest = useRef({ picking, selectedColumn, pathTo, columnOptions });
  latest.current = { picking, selectedColumn, pathTo, columnOptions };
  const chooseColumn = useCallback(
    (colId: string) => {
      const now = latest.current;
      const label = now.columnOptions.find((o) => o.id === colId)?.label ?? colId;
      if (now.picking === "from") {
        setPathFrom(label);
        setPicking(now.pathTo ? null : "to");
        return;
      }
      if (now.picking === "to") {
        setPathTo(label);
        setPicking(null);
        return;
      }
      setPathResult(null);
      const next = now.selectedColumn === colId ? null : colId;
      setSelectedColumn(next);
      setFocusColumn(next);
      if (next) void traceColumn(next);
    },
    [setFocusColumn, traceColumn],
  );

  const onFind = useCallback(
    async (from: string, to: string) => {
      if (mode !== "columns") setMode("columns");
      const r = await findPaths(from, to);
      setActivePath(null);
      setSelectedColumn(null);
      setFocusColumn(null);
      setPathResult(r);
    },
    [findPaths, mode, setMode, setFocusColumn],
  );

  const changeMode = (m: Mode) => {
    if (m === "datasets") {
      setSelectedColumn(null);
      setPathResult(null);
      setPicking(null);
      setFocusColumn(null);
    }
    setMode(m);
  };

  const actions = useMemo(
    () => ({ expand: (id: string, side: Side, more?: boolean) => void expand(id, side, more), chooseColumn }),
    [expand, chooseColumn],
  );
  const view = useMemo<ExplorerView>(
    () => ({
      mode: L.layoutMode,
      focus,
      highlight,
      selectedColumn,
      picking,
      actions,
    }),
    [L.layoutMode, focus, highlight, selectedColumn, picking, actions],
  );

  // --- nodes with their display data -----------------------------------------------------
  const nodeCache = useRef(new Map<string, { base: Node; data: Record<string, unknown>; out: Node }>());
  const flowNodes = useMemo(() => {
    const cache = nodeCache.current;
    const out: Node[] = [];
    for (const base of L.nodes) {
      let data: Record<string, unknown>;
      if (base.type === "more") {
        const [, side, ...rest] = base.id.split(":");
        const parent = graph.nodes.get(rest.join(":"));
        if (!parent) continue;
        data = { parent, side, busy: L.busy.get(parent.id) === side };
      } else {
        const node = graph.nodes.get(base.id);
        if (!node) continue;
        data = { node, columns: L.layoutMode === "columns" ? graph.columns.get(base.id) : undefined, busy: L.busy.get(base.id) ?? null };
      }
      const hit = cache.get(base.id);
      if (hit && hit.base === base && shallowSame(hit.data, data)) {
        out.push(hit.out);
        continue;
      }
      const node = { ...base, data };
      cache.set(base.id, { base, data, out: node });
      out.push(node);
    }
    return out;
  }, [L.nodes, L.busy, L.layoutMode, graph]);

  // --- edges -----------------------------------------------------------------------------
  // Only edges with an end near the visible area are drawn: the view plus a margin, in
  // coarse steps, so panning re-renders only when it reaches new ground.
  const area = useStore((s) => {
    const [tx, ty, k] = s.transform;
    if (!s.width || !s.height) return "";
    const step = 250;
    const margin = 160 / k;
    const x0 = Math.floor((-tx / k - margin) / step) * step;
    const y0 = Math.floor((-ty / k - margin) / step) * step;
    const x1 = Math.ceil(((s.width - tx) / k + margin) / step) * step;
    const y1 = Math.ceil(((s.height - ty) / k + margin) / step) * step;
    return `${x0} ${y0} ${x1} ${y1}`;
  });

  const looks = useRef(new WeakMap<Edge, EdgeLook>());
  const drawnEdges = useMemo(() => {
    const out: DrawnEdge[] = [];
    const byId = new Map<string, Node>();
    for (const n of L.nodes) byId.set(n.id, n);
    const [x0, y0, x1, y1] = area ? area.split(" ").map(Number) : [-Infinity, -Infinity, Infinity, Infinity];
    const near = (n: Node) => {
      const { x, y } = n.position;
      return x + (n.width ?? 0) >= x0 && x <= x1 && y + (n.height ?? 0) >= y0 && y <= y1;
    };
    /**
     * Where an edge meets a node: the column's handle (`out:email`), else the dataset's
     * (`out`) when that column is not drawn (columns still loading, or past the first 100).
     */
    const point = (n: Node, handle: string): [number, number] => {
      const h = n.handles?.find((x) => x.id === handle) ?? n.handles?.find((x) => x.id === handle.split(":")[0]);
      const out = handle.startsWith("out");
      if (!h) return [n.position.x + (out ? n.width ?? 0 : 0), n.position.y + (n.height ?? 0) / 2];
      return [n.position.x + h.x + (out ? h.width ?? 0 : 0), n.position.y + h.y + (h.height ?? 0) / 2];
    };
    const columnHandle = (colId: string, dir: "in" | "out") => {
      const c = parseColumnId(colId);
      return c ? `${dir}:${c.field}` : dir;
    };
    const columnsMode = L.layoutMode === "columns";
    const pairs = new Set<string>();
    const draw = (e: Edge, source: string, target: string, sourceHandle: () => string, targetHandle: () => string) => {
      const a = byId.get(source);
      const b = byId.get(target);
      if (!a || !b || (!near(a) && !near(b))) return;
      let look = looks.current.get(e);
      if (!look) {
        look = describeEdge(e);
        looks.current.set(e, look);
      }
      const [sx, sy] = point(a, sourceHandle());
      const [tx, ty] = point(b, targetHandle());
      const state = highlight ? (highlight.edges.has(e.id) ? "is-on" : "is-dim") : "";
      out.push({ id: e.id, kind: look.kind, look, state, sx, sy, tx, ty });
    };
    if (columnsMode) {
      for (const e of graph.colEdges.values()) {
        const a = datasetOf(e.src);
        const b = datasetOf(e.dst);
        if (a === b || !graph.nodes.has(a) || !graph.nodes.has(b)) continue;
        const pair = `${e.src}\u0000${e.dst}`;
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        pairs.add(`${a}\u0000${b}`);
        draw(
          e,
          a,
          b,
          () => columnHandle(e.src, "out"),
          () => (e.level === "column" ? columnHandle(e.dst, "in") : "in"),
        );
      }
    }
    for (const e of graph.edges.values()) {
      if (e.src === e.dst) continue;
      const pair = `${e.src}\u0000${e.dst}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      draw(e, e.src, e.dst, () => "out", () => "in");
    }
    for (const n of L.nodes) {
      if (n.type !== "more") continue;
      const [, side, ...rest] = n.id.split(":");
      const parent = byId.get(rest.join(":"));
      if (!parent || (!near(parent) && !near(n))) continue;
      const [from, to] = side === "down" ? [parent, n] : [n, parent];
      const [sx, sy] = point(from, "out");
      const [tx, ty] = point(to, "in");
      out.push({ id: `${n.id}:edge`, kind: "more", look: null, state: highlight ? "is-dim" : "", sx, sy, tx, ty });
    }
    // Highlighted edges last, so they are drawn over the rest.
    return highlight ? [...out.filter((e) => e.state !== "is-on"), ...out.filter((e) => e.state === "is-on")] : out;
  }, [graph, L.nodes, L.layoutMode, highlight, area]);

  const onSelectionChange = useCallback(({ nodes }: OnSelectionChangeParams) => {
    if (nodes.length === 1 && nodes[0].type === "dataset") setDetails(nodes[0].id);
  }, []);
  const closeDetails = useCallback(() => {
    if (details) onNodesChange([{ type: "select", id: details, selected: false }]);
    setDetails(null);
  }, [details, onNodesChange]);

  // The canvas fills the window below its own top edge.
  const canvasRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const fit = () => el.style.setProperty("--lx-top", `${Math.round(el.getBoundingClientRect().top + window.scrollY)}px`);
    fit();
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [L.loaded, L.errors.length, L.reach, graph.truncated]);

  // The first view frames the focus and its direct neighbours (not the whole graph, which
  // at hundreds of nodes would be unreadably small), computed here rather than by React
  // Flow's fitView so that the first render is already the final one.
  const [viewport, setViewport] = useState<Viewport | null>(null);
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (!L.loaded || viewport || !el || L.nodes.length === 0) return;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of L.nodes) {
      const near = n.id === focus || graph.nodes.get(n.id)?.parent === focus || (n.type === "more" && n.id.endsWith(`:${focus}`));
      if (!near) continue;
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + (n.width ?? 0));
      y1 = Math.max(y1, n.position.y + (n.height ?? 0));
    }
    const { width, height } = el.getBoundingClientRect();
    setViewport(getViewportForBounds({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, width, height, 0.5, 1, 0.12));
  }, [L.loaded, L.nodes, viewport, focus, graph]);

  const datasetList = useMemo(() => [...graph.nodes.values()], [graph.nodes]);
  const focusNode = graph.nodes.get(focus);
  let notShown = 0;
  for (const n of graph.nodes.values()) notShown += (n.expanded.up ? n.hidden.up : 0) + (n.expanded.down ? n.hidden.down : 0);
  const detailsNode = details ? graph.nodes.get(details) : undefined;

  if (L.loadError) {
    return <ErrorMessage error={L.loadError} onRetry={L.retryLoad} />;
  }

  return (
    <ExplorerContext.Provider value={view}>
      <div className="lx-toolbar" role="toolbar" aria-label="Lineage view">
        <div className="lx-seg" role="group" aria-label="Level">
          <button type="button" aria-pressed={mode === "datasets"} onClick={() => changeMode("datasets")}>
            Datasets
          </button>
          <button type="button" aria-pressed={mode === "columns"} onClick={() => changeMode("columns")}>
            Columns
          </button>
        </div>
        <button type="button" aria-pressed={pathOpen} onClick={() => setPathOpen((o) => !o)}>
          Find a path
        </button>
        {selectedColumn && (
          <button type="button" onClick={() => chooseColumn(selectedColumn)}>
            Clear highlight
          </button>
        )}
        <span className="lx-count muted" aria-live="polite">
          {L.loaded ? `${graph.nodes.size.toLocaleString()} dataset${graph.nodes.size === 1 ? "" : "s"}` : ""}
          {notShown > 0 ? ` · ${notShown.toLocaleString()} more not shown (+N on a dataset shows them)` : ""}
          {L.columnsLoading ? " · loading columns…" : ""}
        </span>
      </div>
      {graph.truncated && (
        <p className="notice lx-notice">
          The server stopped at its limit of nodes per request, so some branches end early here. Use ‹ and › on a dataset
          to continue from it.
        </p>
      )}
      {L.reach && (
        <p className="notice lx-notice" role="status">
          The lineage of <code>{columnLabel(L.reach.colId)}</code> reaches {L.reach.pending.toLocaleString()} more datasets
          that are not on the canvas; its paths are highlighted as far as the canvas goes.{" "}
          <button type="button" onClick={() => void L.addReach()}>
            Add them
          </button>{" "}
          <button type="button" className="link" onClick={L.dismissReach}>
            Dismiss
          </button>
        </p>
      )}
      {L.errors.map((e) => (
        <div key={e.key} role="alert" className="error lx-notice">
          <strong>{e.what}.</strong> {describeError(e.error)}{" "}
          <button type="button" className="link" onClick={e.retry}>
            Try again
          </button>
          <button type="button" className="link" onClick={() => L.clearError(e.key)}>
            Dismiss
          </button>
        </div>
      ))}
      <div className="lx-body">
        <div
          ref={canvasRef}
          className={`lx-canvas${picking ? " is-picking" : ""}`}
          data-testid="lineage-canvas"
          data-ready={ready ? "true" : "false"}
          data-node-count={graph.nodes.size}
        >
          {!L.loaded || !viewport ? (
            <Loading what="lineage" />
          ) : (
            <ReactFlow
              nodes={flowNodes}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onSelectionChange={onSelectionChange}
              onPaneClick={closeDetails}
              onlyRenderVisibleElements
              defaultViewport={viewport}
              minZoom={0.05}
              maxZoom={2}
              nodesConnectable={false}
              selectNodesOnDrag={false}
              deleteKeyCode={null}
              attributionPosition="top-right"
              aria-label={`Lineage graph of ${focusNode?.name ?? focus}`}
            >
              <Background gap={24} size={1} />
              <Controls showInteractive={false} />
              {ready && (
                // After the first frame: an overview of hundreds of nodes need not delay it.
                <MiniMap
                  pannable
                  zoomable
                  ariaLabel="Overview of the lineage graph"
                  nodeColor={(n) => (n.id === focus ? "#1d4ed8" : "#cbd5e1")}
                />
              )}
              <EdgeLayer edges={drawnEdges} />
              <ReadyProbe onReady={markReady} />
            </ReactFlow>
          )}
          {L.loaded && graph.nodes.size === 1 && (
            <p className="lx-empty" role="status">
              No lineage is recorded for this dataset yet: nothing it is built from, nothing built from it.
            </p>
          )}
        </div>
        <aside className="lx-side" aria-label="Details and tools">
          {pathOpen && (
            <PathFinder
              options={columnOptions}
              datasets={datasetList}
              from={pathFrom}
              to={pathTo}
              setFrom={setPathFrom}
              setTo={setPathTo}
              picking={picking}
              setPicking={(p) => {
                if (p && mode !== "columns") setMode("columns");
                setPicking(p);
              }}
              onFind={onFind}
              result={pathResult}
              active={activePath}
              setActive={setActivePath}
              onClose={() => {
                setPathOpen(false);
                setPicking(null);
                setPathResult(null);
              }}
            />
          )}
          {detailsNode && (
            <NodeDetails
              key={detailsNode.id}
              node={detailsNode}
              graph={graph}
              mode={mode}
              isFocus={detailsNode.id === focus}
              onExpand={(side, more) => void expand(detailsNode.id, side, more)}
              onClose={closeDetails}
            />
          )}
          <Legend mode={mode} />
          {focusNode && (
            <p className="lx-side-foot">
              <Link to={datasetPath(focusNode.namespace, focusNode.name)}>Back to {focusNode.name}</Link>
            </p>
          )}
        </aside>
      </div>
      <GraphTables graph={graph} mode={mode} />
    </ExplorerContext.Provider>
  );
}
