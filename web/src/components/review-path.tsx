// Why a column carries a tag, the way a reviewer needs to read it: where the tag starts
// (declared by a producer, added by hand, detected by a named rule) and each hop that
// carried it, upstream first, with the rule in words and the job that moved the data.
// An ordered list, because the order is the story; columns link to their dataset.
import { DottedName } from "./dotted-name";
import { datasetPath, Link } from "../router";
import { RelativeTime } from "./common";
import { parseEntity } from "./changes-entity";

export interface PathHop {
  from: string;
  to: string;
  origin: string;
  rule: string;
  why: string;
  tagIn: string;
  tagOut: string;
  job?: { namespace: string; name: string } | null;
}

export interface TagPath {
  start: string;
  startTag: string;
  source: { kind: string; rule?: string | null }[];
  hops: PathHop[];
}

export interface TagExplanationData {
  totalPaths: number;
  paths: TagPath[];
  review?: { reviewer: string; reason?: string | null; at?: string | null; seq: number } | null;
}

/** A column id as `dataset.field`, linked to the dataset; the namespace shows when it differs. */
export function ColumnRef({ id, home }: { id: string; home?: string | null }) {
  const e = parseEntity(id, home);
  if (!e || e.kind !== "column") return <code>{id}</code>;
  return (
    <span className="review-colref">
      {e.namespace !== home && <span className="muted">{e.namespace} · </span>}
      <Link to={datasetPath(e.namespace, e.name)} title={id}>
        <DottedName name={e.name} />
      </Link>
      <span className="review-colref-field">.{e.field}</span>
    </span>
  );
}

function sourceText(source: TagPath["source"]): string {
  if (source.length === 0) return "a source";
  return source
    .map((s) => {
      switch (s.kind) {
        case "declared":
          return "declared by its producer";
        case "manual":
          return "added by hand";
        case "detected":
          return s.rule ? `detected by the rule “${s.rule}”` : "detected by name";
        case "confirmed":
          return "confirmed by a reviewer";
        default:
          return s.kind;
      }
    })
    .join(" and ");
}

function OnePath({ path, home }: { path: TagPath; home: string }) {
  return (
    <div className="review-path">
      <p className="review-path-start">
        {path.hops.length === 0 ? "On this column: " : "Starts at "}
        {path.hops.length > 0 && (
          <>
            <ColumnRef id={path.start} home={home} />,{" "}
          </>
        )}
        <span className="tag tag-pii">{path.startTag}</span> {sourceText(path.source)}.
      </p>
      {path.hops.length > 0 && (
        <ol className="review-hops">
          {path.hops.map((h, i) => (
            <li key={`${h.from}>${h.to}:${i}`}>
              <span className="review-hop-arrow" aria-hidden="true">
                ↓
              </span>{" "}
              <ColumnRef id={h.to} home={home} />{" "}
              <span className="review-rule" title={`edge origin: ${h.origin}`}>
                {h.rule}
              </span>{" "}
              <span className="review-why">{h.why}</span>
              {h.tagIn !== h.tagOut && (
                <span className="review-retag">
                  {" "}
                  ({h.tagIn} → {h.tagOut})
                </span>
              )}
              {h.job && (
                <span className="muted" title={`job ${h.job.namespace} · ${h.job.name}`}>
                  {" "}
                  · job <code>{h.job.name}</code>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The explanation of one tag at one column; `home` is the column's namespace. */
export function TagExplanation({ explanation, home }: { explanation: TagExplanationData; home: string }) {
  const { paths, totalPaths, review } = explanation;
  return (
    <div className="review-explanation">
      {paths.length === 0 ? (
        <p className="muted">No lineage path carries this tag here any more.</p>
      ) : (
        paths.map((p, i) => <OnePath key={i} path={p} home={home} />)
      )}
      {totalPaths > paths.length && (
        <p className="muted">
          and {totalPaths - paths.length} more path{totalPaths - paths.length === 1 ? "" : "s"} not shown.
        </p>
      )}
      {review && (
        <p className="review-last">
          Last decision by <strong>{review.reviewer}</strong> <RelativeTime at={review.at} empty="at an unknown time" />
          {review.reason ? <>: “{review.reason}”</> : null}
        </p>
      )}
    </div>
  );
}
