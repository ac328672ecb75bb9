// The edges, drawn in one SVG layer under the nodes rather than as React Flow edges.
//
// React Flow gives every edge its own <svg>, wrapper and store subscriptions: right for
// editing a diagram, too heavy for a lineage neighbourhood of a thousand edges that a
// person only reads. Here each edge is one memoised <path> (plus a label where it says
// something), its ends taken from the node positions and the handles useLineage declares,
// so the layer follows drags and growth without measuring anything. The layer sits in
// React Flow's viewport, so panning and zooming move it for free.
//
// How an edge shows the transformation: colour is never the only signal. Each kind has
// its own dash pattern (lineage.css) and, except a plain identity, a word on the edge;
// masking adds a lock and "masked"; a stale edge is faded and says "stale". The whole
// story (ends, transformations, job, origin, column edges behind a dataset edge) is the
// edge's hover title; the table under the canvas has it for everyone.
import { memo } from "react";
import { getBezierPath, Position, ViewportPortal } from "@xyflow/react";
import type { EdgeKind, EdgeLook } from "./model";

type DrawnKind = EdgeKind | "more";

/** Stroke colours per kind; lineage.css draws the dash patterns. */
export const EDGE_COLOURS: Record<DrawnKind, string> = {
  identity: "#334155",
  transformation: "#7c3aed",
  aggregation: "#0f766e",
  indirect: "#b45309",
  unknown: "#6b7280",
  dataset: "#64748b",
  more: "#94a3b8",
};

export interface DrawnEdge {
  id: string;
  kind: DrawnKind;
  /** Null for the dotted line to a "N more" node. */
  look: EdgeLook | null;
  /** `is-on` / `is-dim` while paths are highlighted. */
  state: "" | "is-on" | "is-dim";
  sx: number;
  sy: number;
  tx: number;
  ty: number;
}

function Lock() {
  // A padlock, 8×9, drawn left of the word.
  return (
    <g className="lx-lock" aria-hidden="true">
      <path d="M-2.5 -1 v-2 a2.5 2.5 0 0 1 5 0 v2" fill="none" strokeWidth="1.3" />
      <rect x="-4" y="-1" width="8" height="6" rx="1" />
    </g>
  );
}

const EdgePath = memo(function EdgePath({ kind, look, state, sx, sy, tx, ty }: Omit<DrawnEdge, "id">) {
  const [path, lx, ly] = getBezierPath({
    sourceX: sx,
    sourceY: sy,
    targetX: tx,
    targetY: ty,
    sourcePosition: Position.Right,
    targetPosition: Position.Left,
  });
  const words = look ? [look.masked ? "masked" : "", look.label, look.stale ? "stale" : ""].filter(Boolean).join(" · ") : "";
  const lockW = look?.masked ? 12 : 0;
  const w = Math.ceil(words.length * 6.4) + 10 + lockW;
  return (
    <g className={`lx-e lx-k-${kind}${look?.stale ? " is-stale" : ""} ${state}`}>
      {look && <title>{look.title}</title>}
      <path d={path} className="lx-e-path" markerEnd={kind === "more" ? undefined : `url(#lx-arrow-${kind})`} />
      {words && (
        <g className="lx-edge-label" transform={`translate(${lx} ${ly})`}>
          <rect x={-w / 2} y={-8} width={w} height={16} rx={4} />
          {look?.masked && (
            <g transform={`translate(${-w / 2 + 9} -2)`}>
              <Lock />
            </g>
          )}
          <text x={lockW / 2} dy="0.35em" textAnchor="middle">
            {words}
          </text>
        </g>
      )}
    </g>
  );
});

const KINDS = Object.keys(EDGE_COLOURS) as DrawnKind[];

export const EdgeLayer = memo(function EdgeLayer({ edges }: { edges: DrawnEdge[] }) {
  return (
    <ViewportPortal>
      <svg className="lx-edges" width="1" height="1" aria-hidden="true">
        <defs>
          {KINDS.map((k) => (
            <marker
              key={k}
              id={`lx-arrow-${k}`}
              viewBox="-10 -10 20 20"
              markerWidth="14"
              markerHeight="14"
              markerUnits="userSpaceOnUse"
              orient="auto-start-reverse"
              refX="0"
              refY="0"
            >
              <polyline points="-5,-4 0,0 -5,4 -5,-4" fill={EDGE_COLOURS[k]} stroke={EDGE_COLOURS[k]} strokeLinejoin="round" />
            </marker>
          ))}
        </defs>
        {edges.map(({ id, ...e }) => (
          <EdgePath key={id} {...e} />
        ))}
      </svg>
    </ViewportPortal>
  );
});
