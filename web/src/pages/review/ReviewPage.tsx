// The PII review queue: tags that detection rules proposed, or that lineage carried to a
// column, waiting for the dataset's owners to confirm or reject them.
//
// Shaped around the decision a reviewer makes: each item shows *why* the column carries
// the tag (the path from where it starts, hop by hop, loaded with the page in the same
// query), decisions go one by one or in bulk through one `reviewTags` request, and what a
// decision did downstream is said in words with links before the queue refreshes.
// Filters live in the URL so a queue can be shared; the page cursor does not (a refreshed
// queue moves under it). With sign-in on, the default is the viewer's own datasets:
// `owner` is the token's name, matched as the server matches owners when it checks a
// decision (`alice` is `user:alice`), so the queue shows what the viewer may decide.
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { graphql } from "../../gql";
import type { ReviewDecision, ReviewQueueQuery, ReviewStatus, ReviewTarget } from "../../gql/graphql";
import { useQuery } from "../../api/useQuery";
import { useViewer } from "../../auth/viewer";
import { ErrorMessage, Loading, Owners, TagBadge } from "../../components/common";
import { DecideForm, type DecisionDone } from "../../components/review-decide";
import { ReviewEffect } from "../../components/review-effect";
import { DottedName } from "../../components/dotted-name";
import { TagExplanation } from "../../components/review-path";
import { datasetNodeId, datasetPath, lineagePath, Link, navigate, useLocation } from "../../router";
import "./review.css";

const ReviewQueueDoc = graphql(`
  query ReviewQueue(
    $owner: String
    $unowned: Boolean!
    $tag: String
    $dataset: String
    $status: ReviewStatus!
    $first: Int
    $after: String
  ) {
    piiReviewQueue(
      owner: $owner
      unowned: $unowned
      tag: $tag
      dataset: $dataset
      status: $status
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        columnId
        namespace
        datasetName
        field
        tag
        status
        origin
        unowned
        owners {
          name
          type
        }
        column {
          tags {
            key
            explanation(paths: 3) {
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
                  rule
                  why
                  tagIn
                  tagOut
                  job {
                    namespace
                    name
                  }
                }
              }
              review {
                reviewer
                reason
                at
                seq
              }
            }
          }
        }
      }
    }
  }
`);

type Item = ReviewQueueQuery["piiReviewQueue"]["nodes"][number];
type Whose = "mine" | "all" | "unowned";

const PAGE = 25;

const STATUSES: [string, ReviewStatus, string][] = [
  ["proposed", "PROPOSED", "Awaiting review"],
  ["confirmed", "CONFIRMED", "Confirmed"],
  ["rejected", "REJECTED", "Rejected"],
  ["any", "ANY", "Any status"],
];

function keyOf(i: Item): string {
  return `${i.columnId ?? ""}\u0000${i.tag ?? ""}`;
}

function targetOf(i: Item): ReviewTarget | null {
  if (!i.namespace || !i.datasetName || !i.field || !i.tag) return null;
  return { namespace: i.namespace, dataset: i.datasetName, column: i.field, tag: i.tag };
}

/**
 * The decisions that make sense from a status: no confirming what is confirmed, and
 * clearing only where someone decided (a producer's declared tag is confirmed without one).
 */
function decisionsFor(status: string | null | undefined, reviewed: boolean): ReviewDecision[] {
  const clear: ReviewDecision[] = reviewed ? ["CLEAR"] : [];
  if (status === "confirmed") return ["REJECT", ...clear];
  if (status === "rejected") return ["CONFIRM", ...clear];
  return ["CONFIRM", "REJECT", ...clear];
}

const LABEL: Record<ReviewDecision, string> = { CONFIRM: "Confirm", REJECT: "Reject", CLEAR: "Clear decision" };

/** Whether `name` is among the owners, by the rule the server checks decisions with. */
function owns(owners: { name: string }[], name: string | null): boolean {
  if (!name) return false;
  const who = name.trim().toLowerCase();
  return owners.some((o) => {
    const n = o.name.toLowerCase();
    return n === who || n.slice(n.indexOf(":") + 1) === who;
  });
}

function Filters({
  whose,
  canMine,
  tag,
  dataset,
  status,
  onChange,
}: {
  whose: Whose;
  canMine: boolean;
  tag: string;
  dataset: string;
  status: string;
  onChange: (next: Record<string, string>) => void;
}) {
  const [tagText, setTagText] = useState(tag);
  const [datasetText, setDatasetText] = useState(dataset);
  useEffect(() => setTagText(tag), [tag]);
  useEffect(() => setDatasetText(dataset), [dataset]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ tag: tagText.trim(), dataset: datasetText.trim() });
  };
  const options: [Whose, string][] = [
    ...(canMine ? [["mine", "My datasets"] as [Whose, string]] : []),
    ["all", "All datasets"],
    ["unowned", "Unowned datasets"],
  ];
  return (
    <form className="review-filters" role="search" aria-label="Filter the review queue" onSubmit={submit}>
      <fieldset className="review-whose">
        <legend>Show</legend>
        {options.map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="whose"
              value={value}
              checked={whose === value}
              onChange={() => onChange({ whose: value })}
            />{" "}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="review-field">
        <label htmlFor="review-status">Status</label>
        <select id="review-status" value={status} onChange={(e) => onChange({ status: e.target.value })}>
          {STATUSES.map(([value, , label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="review-field">
        <label htmlFor="review-tag">Tag</label>
        <input
          id="review-tag"
          type="search"
          value={tagText}
          onChange={(e) => setTagText(e.target.value)}
          placeholder="pii or pii.email"
          list="review-tag-options"
          spellCheck={false}
        />
        <datalist id="review-tag-options">
          {["pii", "pii.email", "pii.phone", "pii.name", "pii.address", "pii.dob", "pii.ssn", "pii.ip", "pii.card"].map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      <div className="review-field">
        <label htmlFor="review-dataset">Dataset</label>
        <input
          id="review-dataset"
          type="search"
          value={datasetText}
          onChange={(e) => setDatasetText(e.target.value)}
          placeholder="name contains…"
          spellCheck={false}
        />
      </div>
      <button type="submit">Apply</button>
      {(tag || dataset || status !== "proposed") && (
        <button type="button" className="link" onClick={() => onChange({ tag: "", dataset: "", status: "" })}>
          Clear filters
        </button>
      )}
    </form>
  );
}

function ReviewItemView({
  item,
  selected,
  onSelect,
  canDecide,
  viewerName,
  onDone,
}: {
  item: Item;
  selected: boolean;
  onSelect: (on: boolean) => void;
  canDecide: boolean;
  viewerName: string | null;
  onDone: (d: DecisionDone) => void;
}) {
  const [deciding, setDeciding] = useState<ReviewDecision | null>(null);
  const actionsRef = useRef<HTMLDivElement>(null);
  const returnTo = useRef<ReviewDecision | null>(null);
  // Cancelling gives the focus back to the button that opened the form.
  useEffect(() => {
    if (deciding || !returnTo.current) return;
    actionsRef.current?.querySelector<HTMLButtonElement>(`button[data-decision="${returnTo.current}"]`)?.focus();
    returnTo.current = null;
  }, [deciding]);
  const target = targetOf(item);
  const ns = item.namespace ?? "";
  const ds = item.datasetName ?? "";
  const explanation = item.column?.tags.find((t) => t.key === item.tag)?.explanation;
  const what = `${item.tag} on ${ds}.${item.field}`;
  const titleId = `review-item-${keyOf(item).replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const notOwner = viewerName !== null && !item.unowned && !owns(item.owners, viewerName);

  return (
    <li className={`review-item${selected ? " review-item-selected" : ""}`} aria-labelledby={titleId} data-testid="review-item">
      {canDecide && target && (
        <input
          type="checkbox"
          className="review-check"
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
          aria-label={`Select ${what}`}
        />
      )}
      <div className="review-item-body">
        <h3 id={titleId} className="review-item-title">
          <Link to={datasetPath(ns, ds)}>
            <DottedName name={ds} />
          </Link>
          <span className="review-colref-field">.{item.field}</span>{" "}
          <TagBadge tag={item.tag ?? "?"} status={item.status} origin={item.origin} />
        </h3>
        <p className="review-meta">
          <span className="muted">{ns}</span>
          <span>
            <span className="muted">Owners </span>
            <Owners owners={item.owners} />
            {notOwner && <span className="muted"> (not you: only they can decide)</span>}
          </span>
          <Link
            to={lineagePath(datasetNodeId(ns, ds), { column: item.field ?? undefined, columnLevel: true })}
            aria-label={`Lineage of ${ds}.${item.field}`}
          >
            Lineage
          </Link>
        </p>
        {explanation ? (
          <TagExplanation explanation={explanation} home={ns} />
        ) : (
          <p className="muted">The column no longer carries this tag.</p>
        )}
        {canDecide && target && (
          <div className="review-actions" ref={actionsRef}>
            {deciding ? (
              <DecideForm
                targets={[target]}
                decisions={[deciding]}
                what={what}
                autoFocus
                onCancel={() => {
                  returnTo.current = deciding;
                  setDeciding(null);
                }}
                onDone={(d) => {
                  setDeciding(null);
                  onDone(d);
                }}
              />
            ) : (
              decisionsFor(item.status, !!explanation?.review).map((d) => (
                <button
                  key={d}
                  type="button"
                  className={d === "REJECT" ? "danger" : undefined}
                  data-decision={d}
                  onClick={() => setDeciding(d)}
                  aria-label={`${LABEL[d]} ${what}`}
                >
                  {LABEL[d]}…
                </button>
              ))
            )}
          </div>
        )}
      </div>
    </li>
  );
}

export default function ReviewPage() {
  const viewer = useViewer();
  const loc = useLocation();
  const canMine = viewer.authEnabled && !!viewer.name;
  const canDecide = viewer.can("review");

  const q = loc.search;
  const whoseParam = q.get("whose");
  const whose: Whose =
    whoseParam === "all" || whoseParam === "unowned" || (whoseParam === "mine" && canMine)
      ? (whoseParam as Whose)
      : canMine
        ? "mine"
        : "all";
  const tag = q.get("tag") ?? "";
  const datasetFilter = q.get("dataset") ?? "";
  const statusParam = STATUSES.find(([v]) => v === q.get("status")) ?? STATUSES[0];
  const [statusValue, status] = statusParam;

  const filterKey = `${whose}|${tag}|${datasetFilter}|${statusValue}`;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<DecisionDone | null>(null);
  const effectRef = useRef<HTMLDivElement>(null);
  const [lastKey, setLastKey] = useState(filterKey);
  if (lastKey !== filterKey) {
    setLastKey(filterKey);
    setCursors([null]);
    setSelected(new Set());
  }
  const after = cursors[cursors.length - 1];

  const { data, error, loading, refetch } = useQuery(ReviewQueueDoc, {
    owner: whose === "mine" ? viewer.name : null,
    unowned: whose === "unowned",
    tag: tag || null,
    dataset: datasetFilter || null,
    status,
    first: PAGE,
    after,
  });

  const conn = data?.piiReviewQueue;
  const items = useMemo(() => conn?.nodes ?? [], [conn]);
  const decidable = items.filter((i) => targetOf(i) !== null);
  const chosen = decidable.filter((i) => selected.has(keyOf(i)));

  useEffect(() => {
    if (done) effectRef.current?.focus();
  }, [done]);

  const setFilters = (next: Record<string, string>) => {
    const params = new URLSearchParams(loc.search);
    for (const [k, v] of Object.entries(next)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    const s = params.toString();
    navigate(`/review${s ? `?${s}` : ""}`, { replace: true });
  };

  const onDone = (d: DecisionDone) => {
    setDone(d);
    setSelected(new Set());
    refetch();
  };

  const toggle = (i: Item, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(keyOf(i));
      else n.delete(keyOf(i));
      return n;
    });
  const allOn = decidable.length > 0 && chosen.length === decidable.length;
  const someOn = chosen.length > 0 && !allOn;

  const statusWord = statusValue === "any" ? "" : `${statusValue} `;
  const scopeWords = whose === "mine" ? " on datasets you own" : whose === "unowned" ? " on datasets nobody owns" : "";
  const start = (cursors.length - 1) * PAGE;

  let empty: ReactNode = "Nothing here matches these filters.";
  if (conn?.totalCount === 0) {
    empty =
      whose === "mine" ? (
        <>
          Nothing on your datasets matches.{" "}
          <button type="button" className="link" onClick={() => setFilters({ whose: "all" })}>
            Show all datasets
          </button>
        </>
      ) : (
        "Nothing here matches these filters."
      );
  }

  return (
    <section className="review" aria-labelledby="review-title">
      <h1 id="review-title">PII review</h1>
      <p className="muted review-intro">
        Tags that detection rules proposed or that lineage carried to a column. The dataset’s owners confirm them
        (the tag is pinned and keeps flowing downstream) or reject them (it is removed here and wherever it
        reached only through here).
      </p>
      <Filters
        whose={whose}
        canMine={canMine}
        tag={tag}
        dataset={datasetFilter}
        status={statusValue}
        onChange={setFilters}
      />
      {!canDecide && (
        <p className="notice" data-testid="review-readonly">
          You can read this queue; deciding needs a token with the <strong>review</strong> scope.
        </p>
      )}
      {done && <ReviewEffect ref={effectRef} done={done} onDismiss={() => setDone(null)} />}
      {error ? <ErrorMessage error={error} onRetry={refetch} /> : null}
      {!conn && loading && <Loading what="the review queue" />}
      {conn && (
        <>
          <div className="review-summary" aria-live="polite">
            <p>
              <strong>{conn.totalCount}</strong> {statusWord}tag{conn.totalCount === 1 ? "" : "s"}
              {tag ? (
                <>
                  {" "}
                  under <code>{tag}</code>
                </>
              ) : null}
              {scopeWords}
              {datasetFilter ? (
                <>
                  {" "}
                  in datasets matching <q>{datasetFilter}</q>
                </>
              ) : null}
              {conn.totalCount > 0 && (
                <span className="muted">
                  {" "}
                  · showing {start + 1}–{start + conn.nodes.length}
                </span>
              )}
              {loading && <span className="muted"> · refreshing…</span>}
            </p>
          </div>
          {items.length === 0 ? (
            <p className="review-empty">{empty}</p>
          ) : (
            <>
              {canDecide && decidable.length > 0 && (
                <div className="review-bulk" aria-label="Decide on several tags" role="group">
                  <label className="review-selectall">
                    <input
                      type="checkbox"
                      checked={allOn}
                      ref={(el) => {
                        if (el) el.indeterminate = someOn;
                      }}
                      onChange={(e) => setSelected(e.target.checked ? new Set(decidable.map(keyOf)) : new Set())}
                    />{" "}
                    Select all {decidable.length} on this page
                  </label>
                  {chosen.length > 0 && (
                    <div className="review-bulk-form">
                      <p className="review-bulk-count">
                        <strong>{chosen.length}</strong> selected
                      </p>
                      <DecideForm
                        targets={chosen.map(targetOf).filter((t): t is ReviewTarget => t !== null)}
                        decisions={
                          statusValue === "proposed" ? ["CONFIRM", "REJECT"] : ["CONFIRM", "REJECT", "CLEAR"]
                        }
                        what={`${chosen.length} selected tags`}
                        onCancel={() => setSelected(new Set())}
                        onDone={onDone}
                      />
                    </div>
                  )}
                </div>
              )}
              <ul className="review-list">
                {items.map((i) => (
                  <ReviewItemView
                    key={keyOf(i)}
                    item={i}
                    selected={selected.has(keyOf(i))}
                    onSelect={(on) => toggle(i, on)}
                    canDecide={canDecide}
                    viewerName={viewer.authEnabled && canDecide ? viewer.name : null}
                    onDone={onDone}
                  />
                ))}
              </ul>
            </>
          )}
          {(cursors.length > 1 || conn.pageInfo.hasNextPage) && (
            <nav className="review-pager" aria-label="Review queue pages">
              <button
                type="button"
                disabled={cursors.length <= 1}
                onClick={() => {
                  setCursors((c) => c.slice(0, -1));
                  setSelected(new Set());
                }}
              >
                ← Previous
              </button>
              <button
                type="button"
                disabled={!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor}
                onClick={() => {
                  setCursors((c) => [...c, conn.pageInfo.endCursor ?? null]);
                  setSelected(new Set());
                }}
              >
                Next →
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
