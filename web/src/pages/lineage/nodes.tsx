// What the canvas draws for a dataset and for "N more".
//
// Nodes are memoised and receive only what changes with them (the dataset, its columns,
// whether a request for it is running), so growing a 500-node graph re-renders the new
// nodes, not all of them. What every node reads but changes only on a person's action
// (the level, the highlighted paths, the handlers) comes through context.
//
// Every control is a real button with words for a screen reader; a click on one does not
// also select the node (which opens the details panel).
import { createContext, memo, useContext, type MouseEvent } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { CHILD_PAGE, columnIdOf, shortName, touches, type ColumnSet, type DatasetNode, type Highlight, type Side } from "./model";
import type { Mode } from "./useLineage";

interface ExplorerActions {
  expand: (id: string, side: Side, more?: boolean) => void;
  chooseColumn: (colId: string) => void;
}

export interface ExplorerView {
  mode: Mode;
  focus: string;
  highlight: Highlight | null;
  selectedColumn: string | null;
  /** Path mode: the next column click fills "from" or "to". */
  picking: "from" | "to" | null;
  actions: ExplorerActions;
}

export const ExplorerContext = createContext<ExplorerView | null>(null);

function useView(): ExplorerView {
  const v = useContext(ExplorerContext);
  if (!v) throw new Error("lineage node outside the explorer");
  return v;
}

type DatasetFlowNode = Node<{ node: DatasetNode; columns?: ColumnSet; busy: Side | null }, "dataset">;
type MoreFlowNode = Node<{ parent: DatasetNode; side: Side; busy: boolean }, "more">;

const stop = (f: () => void) => (e: MouseEvent) => {
  e.stopPropagation();
  f();
};

function sideWords(side: Side): string {
  return side === "up" ? "upstream" : "downstream";
}

function ExpandButton({ node, side, busy }: { node: DatasetNode; side: Side; busy: boolean }) {
  const { actions } = useView();
  const last = shortName(node.name).last;
  const label = side === "up" ? `Show what ${last} is built from` : `Show what is built from ${last}`;
  return (
    <button
      type="button"
      className={`lx-expand lx-expand-${side} nodrag nopan`}
      aria-label={label}
      title={`${label} (one hop ${sideWords(side)})`}
      aria-busy={busy || undefined}
      disabled={busy}
      onClick={stop(() => actions.expand(node.id, side))}
      data-testid={`expand-${side}`}
    >
      <span aria-hidden="true">{busy ? "…" : side === "up" ? "‹" : "›"}</span>
    </button>
  );
}

/**
 * On the node itself, how many children the cap left out on that side: the "N more"
 * node sits at the end of its siblings, often off screen, and the cap must not be.
 */
function MoreBadge({ node, side, busy }: { node: DatasetNode; side: Side; busy: boolean }) {
  const { actions } = useView();
  const count = node.hidden[side];
  const last = shortName(node.name).last;
  return (
    <button
      type="button"
      className={`lx-more-badge lx-expand-${side} nodrag nopan`}
      aria-label={`${count} more ${sideWords(side)} datasets of ${last} are not shown: show ${Math.min(count, CHILD_PAGE)} more`}
      title={`${count} more ${sideWords(side)} not shown`}
      aria-busy={busy || undefined}
      disabled={busy}
      onClick={stop(() => actions.expand(node.id, side, true))}
      data-testid="more-badge"
    >
      {busy ? "…" : `+${count}`}
    </button>
  );
}

function ColumnRows({ dataset, columns }: { dataset: string; columns: ColumnSet }) {
  const view = useView();
  const h = view.highlight;
  return (
    <ul className="lx-cols">
      {columns.columns.length === 0 && <li className="lx-col lx-col-none">No columns known</li>}
      {columns.columns.map((c) => {
        const id = columnIdOf(dataset, c.name);
        const state = view.selectedColumn === id ? "selected" : h?.columns.has(id) ? "path" : h ? "dim" : "none";
        const tags = c.pii.map((t) => `${t.key}${t.status === "proposed" ? " (proposed)" : ""}`).join(", ");
        return (
          <li key={c.name} className={`lx-col is-${state}`} data-state={state}>
            <Handle type="target" position={Position.Left} id={`in:${c.name}`} isConnectable={false} className="lx-handle" />
            <button
              type="button"
              className={`lx-col-btn nodrag nopan${view.picking ? " is-picking" : ""}`}
              aria-pressed={state === "selected"}
              title={[
                `${c.name}${c.type ? ` (${c.type})` : ""}`,
                tags,
                view.picking ? `Click to use as the path's "${view.picking}" column` : "Click to highlight where it comes from and goes",
              ]
                .filter(Boolean)
                .join(" · ")}
              onClick={stop(() => view.actions.chooseColumn(id))}
              data-testid="column"
              data-column={c.name}
            >
              <span className="lx-col-name">{c.name}</span>
              {c.pii.map((t) => (
                <span key={t.key} className={`lx-pii tag-pii tag-${t.status}`}>
                  {t.key}
                  {t.status === "proposed" && <span className="lx-sr"> (proposed)</span>}
                </span>
              ))}
              {c.type && <span className="lx-col-type">{c.type}</span>}
            </button>
            <Handle type="source" position={Position.Right} id={`out:${c.name}`} isConnectable={false} className="lx-handle" />
          </li>
        );
      })}
      {columns.total > columns.columns.length && (
        <li className="lx-col lx-col-none">+{columns.total - columns.columns.length} more columns (see the dataset page)</li>
      )}
    </ul>
  );
}

const DatasetNodeView = memo(function DatasetNodeView({ id, data, selected }: NodeProps<DatasetFlowNode>) {
  const view = useView();
  const { node, columns, busy } = data;
  const { prefix, last } = shortName(node.name);
  const isFocus = id === view.focus;
  const dim = view.highlight !== null && !touches(view.highlight, id);
  const showColumns = view.mode === "columns" && columns !== undefined;
  return (
    <div
      className={`lx-node${isFocus ? " is-focus" : ""}${dim ? " is-dim" : ""}${selected ? " is-selected" : ""}${showColumns ? " with-cols" : ""}`}
      data-testid="dataset-node"
      data-dataset={node.name}
    >
      <Handle type="target" position={Position.Left} id="in" isConnectable={false} className="lx-handle lx-handle-ds" />
      <div className="lx-head" title={`${node.name}\n${node.namespace}`}>
        <div className="lx-name">{last}</div>
        <div className="lx-sub">
          {isFocus && <span className="lx-focus-tag">focus</span>}
          <span className="lx-ns">
            {prefix ? `${prefix.slice(0, -1)} · ` : ""}
            {node.namespace}
          </span>
        </div>
      </div>
      {showColumns && <ColumnRows dataset={id} columns={columns} />}
      {(["up", "down"] as const).map((side) =>
        !node.expanded[side] ? (
          <ExpandButton key={side} node={node} side={side} busy={busy === side} />
        ) : node.hidden[side] > 0 ? (
          <MoreBadge key={side} node={node} side={side} busy={busy === side} />
        ) : null,
      )}
      <Handle type="source" position={Position.Right} id="out" isConnectable={false} className="lx-handle lx-handle-ds" />
    </div>
  );
});

const MoreNodeView = memo(function MoreNodeView({ data }: NodeProps<MoreFlowNode>) {
  const { actions } = useView();
  const { parent, side, busy } = data;
  const count = parent.hidden[side];
  const next = Math.min(count, CHILD_PAGE);
  const last = shortName(parent.name).last;
  return (
    <div className="lx-more" data-testid="more-node" data-count={count}>
      <Handle type="target" position={Position.Left} id="in" isConnectable={false} className="lx-handle" />
      <button
        type="button"
        className="nodrag nopan"
        disabled={busy}
        aria-busy={busy || undefined}
        aria-label={`${count} more ${sideWords(side)} datasets of ${last} are not shown: show ${next} more`}
        title={`Show ${next} more (by usage)`}
        onClick={stop(() => actions.expand(parent.id, side, true))}
      >
        {busy ? "Loading…" : `+${count} more`}
      </button>
      <Handle type="source" position={Position.Right} id="out" isConnectable={false} className="lx-handle" />
    </div>
  );
});

export const nodeTypes = { dataset: DatasetNodeView, more: MoreNodeView };
