// Why a column carries a tag, loaded when asked (explanations walk the lineage graph,
// so the schema table never asks for them up front). Shown in a native modal <dialog>:
// focus moves in, Escape closes, the rest of the page is inert meanwhile. Each path
// reads top to bottom from where the tag started (and how: declared, detected by a
// rule, added by hand, confirmed) through every hop: the columns, the rule that carried
// or changed the tag and why in words, and the job behind the edge.
import { useEffect, useRef } from "react";
import { graphql } from "../../gql";
import type { DatasetTagExplanationQuery } from "../../gql/graphql";
import { useQuery } from "../../api/useQuery";
import { useViewer } from "../../auth/viewer";
import { ErrorMessage, Loading, RelativeTime, TagBadge } from "../../components/common";
import { datasetNodeId, datasetPath, Link, lineagePath } from "../../router";
import { useDataset, useRefetchOnRefresh } from "./context";
import { DottedName } from "../../components/dotted-name";
import { RemoveColumnTag } from "./edit";
import { jobAnchor, parseColumnId } from "./format";

const DatasetTagExplanationQuery = graphql(`
  query DatasetTagExplanation($namespace: String!, $dataset: String!, $column: String!) {
    column(namespace: $namespace, dataset: $dataset, name: $column) {
      id
      name
      tags {
        key
        status
        origin
        declared
        manual
        detectedBy
        propagated
        explanation(paths: 5) {
          totalPaths
          paths {
            start
            startTag
            source {
              kind
              rule
            }
            hops {
              from
              to
              origin
              job {
                namespace
                name
              }
              tagIn
              tagOut
              rule
              why
            }
          }
          review {
            reviewer
            reason
            at
          }
        }
      }
    }
  }
`);

type Tag = NonNullable<DatasetTagExplanationQuery["column"]>["tags"][number];
type Path = Tag["explanation"]["paths"][number];
type Hop = Path["hops"][number];
/** A path with the origins of each hop merged: the producer and the job's SQL often
 * state the same edge, which the graph keeps as two paths through the same columns. */
type Route = Omit<Path, "hops"> & { hops: (Hop & { origins: string[] })[] };

function routes(paths: Path[]): Route[] {
  const byKey = new Map<string, Route>();
  for (const p of paths) {
    const key = [p.start, p.startTag, ...p.hops.map((h) => `${h.from}>${h.to}:${h.rule}:${h.tagOut}:${h.job?.namespace}.${h.job?.name}`)].join("|");
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...p, hops: p.hops.map((h) => ({ ...h, origins: [h.origin] })) });
      continue;
    }
    p.hops.forEach((h, i) => {
      if (!seen.hops[i].origins.includes(h.origin)) seen.hops[i].origins.push(h.origin);
    });
  }
  return [...byKey.values()];
}

function originWordsOf(origins: string[]): string {
  const words = origins.map((o) => (o === "sql" ? "derived from the job’s SQL" : o === "openlineage" ? "stated by the producer" : `from ${o}`));
  return `edge ${words.join(" and ")}`;
}

const STATUS_WORDS: Record<string, string> = {
  proposed: "Proposed: waiting for one of the dataset’s owners to confirm or reject it.",
  confirmed: "Confirmed: a reviewer or the producer says the column holds it.",
  rejected: "Rejected: a reviewer decided the column does not hold it; it no longer flows on from here.",
};

function originWords(t: Tag): string {
  switch (t.origin) {
    case "declared":
      return "declared by the producer";
    case "manual":
      return "added by hand";
    case "detected":
      return t.detectedBy ? `detected by the rule “${t.detectedBy}”` : "detected from the column’s name and type";
    case "propagated":
      return "reached along the lineage from another column";
    case "reviewed":
      return "set by a review";
    default:
      return t.origin;
  }
}

function sourceWords(s: Path["source"][number]): string {
  switch (s.kind) {
    case "declared":
      return "declared by a producer";
    case "detected":
      return s.rule ? `detected (rule “${s.rule}”)` : "detected";
    case "manual":
      return "added by hand";
    case "confirmed":
      return "confirmed by a reviewer";
    default:
      return s.kind;
  }
}

/** `dataset.column`, the dataset a link to its page unless it is this one. */
function ColumnRef({ id }: { id: string }) {
  const { namespace, name } = useDataset();
  const c = parseColumnId(id);
  if (!c) return <code>{id}</code>;
  const here = c.namespace === namespace && c.dataset === name;
  return (
    <span className="ds-colref">
      {here ? (
        <span className="muted">
          <DottedName name={c.dataset} />
        </span>
      ) : (
        <Link to={datasetPath(c.namespace, c.dataset)} title={`${c.namespace} ${c.dataset}`}>
          <DottedName name={c.dataset} />
        </Link>
      )}
      .<code>{c.field}</code>
    </span>
  );
}

function PathView({ path, n, total }: { path: Route; n: number; total: number }) {
  return (
    <section className="ds-path" aria-label={`Path ${n} of ${total}`}>
      {total > 1 && <h3>Path {n}</h3>}
      <ol>
        <li className="ds-path-start">
          <span className="ds-path-dot" aria-hidden="true" />
          <div>
            <strong>Starts at</strong> <ColumnRef id={path.start} /> as <TagBadge tag={path.startTag} />
            <div className="muted">How it started: {path.source.length ? path.source.map(sourceWords).join(", ") : "unknown"}</div>
          </div>
        </li>
        {path.hops.map((h, i) => {
          const to = parseColumnId(h.to);
          return (
            <li key={i} className="ds-hop" data-testid="explanation-hop">
              <span className="ds-path-dot" aria-hidden="true" />
              <div>
                <div className="ds-hop-cols">
                  <ColumnRef id={h.from} /> <span aria-label="to">→</span> <ColumnRef id={h.to} />
                </div>
                <div>
                  <span className={`ds-rule ds-rule-${h.rule}`}>{h.rule}</span> {h.why}
                </div>
                <div className="ds-hop-meta">
                  {h.tagIn === h.tagOut ? (
                    <>
                      carries <code>{h.tagOut}</code>
                    </>
                  ) : (
                    <>
                      <code>{h.tagIn}</code> becomes <code>{h.tagOut}</code>
                    </>
                  )}
                  {h.job && to && (
                    <>
                      {" · by job "}
                      <Link to={`${datasetPath(to.namespace, to.dataset, "jobs")}#${jobAnchor(h.job.namespace, h.job.name)}`}>
                        {h.job.namespace}.{h.job.name}
                      </Link>
                    </>
                  )}
                  {" · "}
                  <span className="muted">{originWordsOf(h.origins)}</span>
                </div>
              </div>
            </li>
          );
        })}
        {path.hops.length === 0 && (
          <li className="ds-hop">
            <span className="ds-path-dot" aria-hidden="true" />
            <div className="muted">No hops: the tag starts at this column.</div>
          </li>
        )}
      </ol>
    </section>
  );
}

export function TagExplanationDialog({ column, tag, onClose }: { column: string; tag: string; onClose: () => void }) {
  const { namespace, name } = useDataset();
  const canReview = useViewer().can("review");
  const ref = useRef<HTMLDialogElement>(null);
  const q = useQuery(DatasetTagExplanationQuery, { namespace, dataset: name, column });
  useRefetchOnRefresh(q.refetch);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const t = q.data?.column?.tags.find((x) => x.key === tag);
  const ex = t?.explanation;
  const shown = ex ? routes(ex.paths) : [];
  return (
    <dialog
      ref={ref}
      className="ds-dialog"
      aria-labelledby="ds-explain-title"
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) ref.current?.close();
      }}
      data-testid="tag-explanation"
    >
      <div className="ds-dialog-body">
        <header className="ds-dialog-head">
          <h2 id="ds-explain-title">
            Why <code>{column}</code> carries <code>{tag}</code>
          </h2>
          <button type="button" onClick={() => ref.current?.close()} aria-label="Close" autoFocus>
            ×
          </button>
        </header>
        {q.error ? (
          <ErrorMessage error={q.error} onRetry={q.refetch} />
        ) : !q.data ? (
          <Loading what="the explanation" />
        ) : !t || !ex ? (
          <p>The column no longer carries this tag.</p>
        ) : (
          <>
            <p className="ds-explain-status">
              <TagBadge tag={t.key} status={t.status} origin={t.origin} /> {STATUS_WORDS[t.status] ?? t.status}
            </p>
            <p>
              Here it was {originWords(t)}
              {t.declared && t.origin !== "declared" ? "; a producer declares it too" : ""}
              {t.manual && t.origin !== "manual" ? "; someone also added it by hand" : ""}.
            </p>
            <p className="ds-review" data-testid="explanation-review">
              {ex.review ? (
                <>
                  Latest review by <strong>{ex.review.reviewer}</strong> <RelativeTime at={ex.review.at} empty="at an unknown time" />
                  {ex.review.reason ? <>: “{ex.review.reason}”</> : " (no reason given)"}.
                </>
              ) : (
                <>
                  Not reviewed yet.
                  {t.status === "proposed" && (
                    <>
                      {" "}
                      The dataset’s owners decide in the <Link to="/review">PII review queue</Link>.
                    </>
                  )}
                </>
              )}
            </p>
            <h3 className="ds-paths-title">
              {shown.length === 0 ? "No lineage path" : shown.length === 1 ? "How it got here" : `How it got here: ${shown.length} paths`}
            </h3>
            {shown.map((p, i) => (
              <PathView key={i} path={p} n={i + 1} total={shown.length} />
            ))}
            {ex.paths.length < ex.totalPaths && (
              <p className="muted">
                More paths exist ({ex.totalPaths} counting each edge separately); the column’s lineage shows them all.
              </p>
            )}
          </>
        )}
        <footer className="ds-dialog-foot">
          <Link to={lineagePath(datasetNodeId(namespace, name), { column, columnLevel: true })}>Open the column’s lineage</Link>
          {t?.manual && canReview && <RemoveColumnTag column={column} tag={tag} onDone={() => ref.current?.close()} />}
          <button type="button" onClick={() => ref.current?.close()}>
            Close
          </button>
        </footer>
      </div>
    </dialog>
  );
}
