// The explorer's side panel and the words around the canvas: a dataset's details, the
// path finder, the legend, and the graph as tables for anyone not using the canvas.
import { useState, type FormEvent } from "react";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading, Owners, RelativeTime, TierBadge } from "../../components/common";
import { datasetPath, lineagePath, Link } from "../../router";
import {
  columnIdOf,
  columnLabel,
  datasetOf,
  describeEdge,
  isPiiTag,
  jobText,
  parseColumnId,
  shortName,
  transformationText,
  type DatasetNode,
  type EdgeFields,
  type Graph,
  type Side,
} from "./model";
import { DetailsDoc } from "./queries";
import { EDGE_COLOURS } from "./edges";
import type { Mode, PathResult } from "./useLineage";

// --- details ---------------------------------------------------------------------------

function sideSummary(g: Graph, node: DatasetNode, side: Side): string {
  const far = new Set<string>();
  for (const e of g.edges.values()) {
    const [a, b] = side === "up" ? [e.dst, e.src] : [e.src, e.dst];
    if (a === node.id && b !== node.id && g.nodes.has(b)) far.add(b);
  }
  const shown = far.size;
  if (!node.expanded[side]) return shown > 0 ? `${shown} shown, maybe more` : "not loaded yet";
  const hidden = node.hidden[side];
  if (shown === 0 && hidden === 0) return side === "up" ? "none (a source)" : "none";
  return hidden > 0 ? `${shown} shown, ${hidden} more` : `${shown}`;
}

export function NodeDetails({
  node,
  graph,
  mode,
  isFocus,
  onExpand,
  onClose,
}: {
  node: DatasetNode;
  graph: Graph;
  mode: Mode;
  isFocus: boolean;
  onExpand: (side: Side, more: boolean) => void;
  onClose: () => void;
}) {
  const q = useQuery(DetailsDoc, { namespace: node.namespace, name: node.name });
  const d = q.data?.dataset;
  const pii = d?.columns.nodes
    .map((c) => ({ name: c.name, tags: c.tags.filter((t) => isPiiTag(t.key) && t.status !== "rejected") }))
    .filter((c) => c.tags.length > 0);
  return (
    <section className="lx-panel lx-details" aria-labelledby="lx-details-title" data-testid="node-details">
      <div className="lx-panel-head">
        <h2 id="lx-details-title">{shortName(node.name).last}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close the details">
          Close
        </button>
      </div>
      <p className="lx-fullname mono">{node.name}</p>
      <p className="muted lx-ns-line">{node.namespace}</p>
      <p className="lx-links">
        <Link to={datasetPath(node.namespace, node.name)}>Open the dataset page</Link>
        {!isFocus && (
          <>
            {" · "}
            <Link to={lineagePath(node.id, { columnLevel: mode === "columns" })} data-testid="focus-here">
              Focus the lineage here
            </Link>
          </>
        )}
      </p>
      {q.error ? <ErrorMessage error={q.error} onRetry={q.refetch} /> : null}
      {q.loading && !d && <Loading what="details" />}
      {q.data && !d && <p className="notice">This dataset is not in the catalog any more.</p>}
      {d && (
        <>
          {d.deprecation && <p className="notice">Deprecated{d.deprecation.note ? `: ${d.deprecation.note}` : "."}</p>}
          {d.deleted && <p className="notice">Dropped at the source; its history stays.</p>}
          {d.description && <p className="lx-desc">{d.description}</p>}
          <dl className="lx-facts">
            <dt>Type</dt>
            <dd>
              {d.type}
              {d.platform ? ` · ${d.platform}` : ""}
            </dd>
            <dt>Owners</dt>
            <dd>
              <Owners owners={d.owners} />
            </dd>
            {d.tier && (
              <>
                <dt>Tier</dt>
                <dd>
                  <TierBadge tier={d.tier} />
                </dd>
              </>
            )}
            <dt>Last written</dt>
            <dd>
              <RelativeTime at={d.lastModifiedAt} />
            </dd>
            <dt>Columns</dt>
            <dd>{d.columns.totalCount}</dd>
            {pii && pii.length > 0 && (
              <>
                <dt>Personal data</dt>
                <dd>
                  {pii.map((c) => (
                    <span key={c.name} className="lx-pii-line">
                      <code>{c.name}</code>{" "}
                      {c.tags.map((t) => (
                        <span key={t.key} className={`lx-pii tag-pii tag-${t.status}`} title={t.status}>
                          {t.key}
                          {t.status === "proposed" ? " (proposed)" : ""}
                        </span>
                      ))}
                    </span>
                  ))}
                </dd>
              </>
            )}
          </dl>
        </>
      )}
      <h3>In this view</h3>
      <dl className="lx-facts">
        {(["up", "down"] as const).map((side) => (
          <div key={side} className="lx-fact-row">
            <dt>{side === "up" ? "Built from" : "Read by"}</dt>
            <dd>
              {sideSummary(graph, node, side)}{" "}
              {!node.expanded[side] ? (
                <button type="button" className="link" onClick={() => onExpand(side, false)}>
                  Show
                </button>
              ) : node.hidden[side] > 0 ? (
                <button type="button" className="link" onClick={() => onExpand(side, true)}>
                  Show more
                </button>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

// --- paths -------------------------------------------------------------------------------

export interface ColumnOption {
  id: string;
  /** `analytics.staging.stg_customers.email` */
  label: string;
}

/**
 * A typed column: an id; a full label from the list; `dataset.column` for any dataset on
 * the canvas (its columns need not be loaded); or a short `stg_customers.email` that is
 * unambiguous.
 */
function resolveColumn(text: string, options: ColumnOption[], datasets: DatasetNode[]): string | null {
  const t = text.trim();
  if (parseColumnId(t)) return t;
  const exact = options.find((o) => o.label === t);
  if (exact) return exact.id;
  const owner = datasets
    .filter((d) => t.startsWith(`${d.name}.`) && t.length > d.name.length + 1)
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (owner) return columnIdOf(owner.id, t.slice(owner.name.length + 1));
  const short = options.filter((o) => columnLabel(o.id) === t);
  return short.length === 1 ? short[0].id : null;
}

function Hop({ e }: { e: EdgeFields }) {
  const look = describeEdge(e);
  const job = jobText(e);
  return (
    <li>
      <code>{columnLabel(e.src)}</code> → <code>{e.dst.startsWith("datasetField:") ? columnLabel(e.dst) : shortName(datasetOf(e.dst)).last}</code>{" "}
      <span className={`lx-kind-chip lx-k-${look.kind}`}>
        {look.masked ? "masked · " : ""}
        {transformationText(e)}
      </span>
      {job && <span className="muted"> · job {job}</span>}
      {e.stale && <span className="muted"> · stale</span>}
    </li>
  );
}

export function PathFinder({
  options,
  datasets,
  from,
  to,
  setFrom,
  setTo,
  picking,
  setPicking,
  onFind,
  result,
  active,
  setActive,
  onClose,
}: {
  options: ColumnOption[];
  datasets: DatasetNode[];
  from: string;
  to: string;
  setFrom: (v: string) => void;
  setTo: (v: string) => void;
  picking: "from" | "to" | null;
  setPicking: (p: "from" | "to" | null) => void;
  onFind: (from: string, to: string) => Promise<void>;
  result: PathResult | null;
  active: number | null;
  setActive: (i: number | null) => void;
  onClose: () => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const a = resolveColumn(from, options, datasets);
    const b = resolveColumn(to, options, datasets);
    if (!a || !b) {
      setError(
        new Error(
          `Pick ${!a ? "the “from”" : "the “to”"} column on the graph, choose one from the list, or paste its id (datasetField:NAMESPACE:DATASET:COLUMN).`,
        ),
      );
      return;
    }
    setError(null);
    setRunning(true);
    try {
      await onFind(a, b);
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };
  const swap = () => {
    setFrom(to);
    setTo(from);
  };
  return (
    <section className="lx-panel lx-paths" aria-labelledby="lx-paths-title">
      <div className="lx-panel-head">
        <h2 id="lx-paths-title">Path between two columns</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close the path finder">
          Close
        </button>
      </div>
      <form onSubmit={submit} className="lx-path-form" data-testid="path-form">
        <datalist id="lx-column-options">
          {options.map((o) => (
            <option key={o.id} value={o.label} />
          ))}
        </datalist>
        {(["from", "to"] as const).map((which) => (
          <div key={which} className="lx-path-field">
            <label htmlFor={`lx-path-${which}`}>{which === "from" ? "From (upstream)" : "To (downstream)"}</label>
            <div className="lx-path-input">
              <input
                id={`lx-path-${which}`}
                list="lx-column-options"
                value={which === "from" ? from : to}
                onChange={(e) => (which === "from" ? setFrom : setTo)(e.target.value)}
                placeholder="dataset.column"
                autoComplete="off"
                spellCheck={false}
              />
              <button
                type="button"
                aria-pressed={picking === which}
                onClick={() => setPicking(picking === which ? null : which)}
                title="Then click a column on the graph"
              >
                {picking === which ? "Click a column…" : "Pick"}
              </button>
            </div>
          </div>
        ))}
        <div className="lx-path-actions">
          <button type="submit" className="primary" disabled={running}>
            {running ? "Searching…" : "Find paths"}
          </button>
          <button type="button" onClick={swap}>
            Swap
          </button>
        </div>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      {result && (
        <div className="lx-path-result" role="status" data-testid="path-result">
          {result.paths.length === 0 ? (
            <p className="lx-no-path">
              <strong>No path</strong> leads from <code>{columnLabel(result.from)}</code> to <code>{columnLabel(result.to)}</code>{" "}
              (searched 20 hops downstream). Lineage runs one way: try <button type="button" className="link" onClick={swap}>swapping them</button>.
            </p>
          ) : (
            <>
              <p>
                {result.total === 1 ? "One path" : `${result.total.toLocaleString()} paths`}
                {result.total > result.paths.length ? `; the first ${result.paths.length} are shown` : ""}. Select one to
                highlight it alone.
              </p>
              <ol className="lx-path-list">
                {result.paths.map((p, i) => (
                  <li key={i}>
                    <button type="button" className="link" aria-pressed={active === i} onClick={() => setActive(active === i ? null : i)}>
                      Path {i + 1}: {p.length} hop{p.length === 1 ? "" : "s"}
                    </button>
                    <ol className="lx-hops">
                      {p.map((e, j) => (
                        <Hop key={j} e={e} />
                      ))}
                    </ol>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}

// --- legend --------------------------------------------------------------------------------

const LEGEND: { kind: keyof typeof EDGE_COLOURS; words: string; dash?: string; width?: number; label?: string }[] = [
  { kind: "identity", words: "Direct identity: the value as is", label: "" },
  { kind: "transformation", words: "Direct transformation: computed from it", width: 2, label: "transform" },
  { kind: "aggregation", words: "Direct aggregation: summed, counted…", dash: "10 3 2 3", width: 2, label: "aggregate" },
  { kind: "indirect", words: "Indirect: filter, join, group by, sort", dash: "6 4", label: "join" },
  { kind: "unknown", words: "Transformation not stated", dash: "2 4", label: "?" },
  { kind: "dataset", words: "Dataset level: hover for the job and how many column edges" },
];

export function Legend({ mode }: { mode: Mode }) {
  return (
    <details className="lx-panel lx-legend" open>
      <summary>
        <h2>Legend</h2>
      </summary>
      <ul>
        {LEGEND.filter((l) => (mode === "columns" ? true : l.kind === "dataset")).map((l) => (
          <li key={l.kind}>
            <svg width="64" height="16" aria-hidden="true">
              <line
                x1="2"
                y1="8"
                x2="62"
                y2="8"
                stroke={EDGE_COLOURS[l.kind]}
                strokeWidth={l.width ?? 1.5}
                strokeDasharray={l.dash}
              />
            </svg>
            <span>
              {l.words}
              {l.label ? (
                <>
                  {" "}
                  <span className="lx-legend-word">{l.label}</span>
                </>
              ) : l.label === "" ? (
                <span className="muted"> (no label)</span>
              ) : null}
            </span>
          </li>
        ))}
        <li>
          <svg width="64" height="16" aria-hidden="true">
            <line x1="2" y1="8" x2="62" y2="8" stroke={EDGE_COLOURS.identity} strokeWidth="1.5" opacity="0.4" />
          </svg>
          <span>
            Stale: no producer stated it lately (faded) <span className="lx-legend-word">stale</span>
          </span>
        </li>
        {mode === "columns" && (
          <li>
            <span className="lx-legend-swatch" aria-hidden="true" />
            <span>
              Masking: the value is hidden on the way <span className="lx-legend-word">masked</span> with a lock
            </span>
          </li>
        )}
      </ul>
      <p className="muted lx-hint">
        {mode === "columns"
          ? "Choose a column to highlight where it comes from and where it goes. Hover an edge for its job."
          : "Hover an edge for its job. ‹ and › on a dataset show one more hop that way."}
      </p>
    </details>
  );
}

// --- the graph as tables ---------------------------------------------------------------------

function where(col: number): string {
  if (col === 0) return "focus";
  return `${Math.abs(col)} ${col < 0 ? "upstream" : "downstream"}`;
}

export function GraphTables({ graph, mode }: { graph: Graph; mode: Mode }) {
  const [open, setOpen] = useState(false);
  const nodes = [...graph.nodes.values()].sort((a, b) => a.col - b.col || a.name.localeCompare(b.name));
  const edges: EdgeFields[] = [];
  if (open) {
    for (const e of graph.edges.values()) if (graph.nodes.has(e.src) && graph.nodes.has(e.dst)) edges.push(e);
    if (mode === "columns") {
      for (const e of graph.colEdges.values()) {
        if (graph.nodes.has(datasetOf(e.src)) && graph.nodes.has(datasetOf(e.dst))) edges.push(e);
      }
    }
  }
  const end = (id: string) => (id.startsWith("datasetField:") ? columnLabel(id) : graph.nodes.get(id)?.name ?? id);
  return (
    <details className="lx-tables" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Nodes and edges as a table</summary>
      {open && (
        <>
          <table>
            <caption>{nodes.length} datasets</caption>
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Namespace</th>
                <th scope="col">Hops</th>
                <th scope="col">Not shown</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Link to={datasetPath(n.namespace, n.name)}>{n.name}</Link>
                  </td>
                  <td className="muted">{n.namespace}</td>
                  <td>{where(n.col)}</td>
                  <td>
                    {[
                      n.hidden.up > 0 ? `${n.hidden.up} upstream` : "",
                      n.hidden.down > 0 ? `${n.hidden.down} downstream` : "",
                      !n.expanded.up ? "upstream not loaded" : "",
                      !n.expanded.down ? "downstream not loaded" : "",
                    ]
                      .filter(Boolean)
                      .join(", ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>{edges.length} edges</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Transformation</th>
                <th scope="col">Job</th>
              </tr>
            </thead>
            <tbody>
              {edges.map((e) => (
                <tr key={`${e.src} ${e.dst} ${e.origin}`}>
                  <td>{end(e.src)}</td>
                  <td>{end(e.dst)}</td>
                  <td>
                    {transformationText(e)}
                    {e.stale ? " · stale" : ""}
                  </td>
                  <td>{jobText(e) ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </details>
  );
}
