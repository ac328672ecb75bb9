// How the dataset changed: its schema versions, with a diff between any two (added,
// removed and retyped columns, marked with a sign and a word as well as a colour), and
// the change-log entries about it (runs, edits, reviews), newest first, a page at a time.
// Each entry says in words what it did, read from its payload.
import { useMemo, useState } from "react";
import { graphql } from "../../gql";
import type { DatasetHistoryQuery, DatasetVersionsQuery } from "../../gql/graphql";
import { request } from "../../api/client";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading, RelativeTime } from "../../components/common";
import { useDataset, useRefetchOnRefresh } from "./context";
import { dateTime } from "./format";

const DatasetVersionsQuery = graphql(`
  query DatasetVersions($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      id
      currentVersion
      versions(first: 100) {
        totalCount
        nodes {
          version
          createdAt
          createdByRun
          fields {
            name
            type
          }
        }
      }
    }
  }
`);

const DatasetHistoryQuery = graphql(`
  query DatasetHistory($namespace: String!, $name: String!, $after: String) {
    dataset(namespace: $namespace, name: $name) {
      id
      history(first: 25, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          seq
          at
          actor
          kind
          entity
          payload
        }
      }
    }
  }
`);

type Version = NonNullable<DatasetVersionsQuery["dataset"]>["versions"]["nodes"][number];
type Change = NonNullable<DatasetHistoryQuery["dataset"]>["history"]["nodes"][number];

type DiffRow = { name: string; kind: "added" | "removed" | "retyped" | "same"; from?: string | null; to?: string | null };

/** Columns of `b` against `a`, in `b`'s order, then what `a` had and `b` lost. */
function diff(a: Version, b: Version): DiffRow[] {
  const before = new Map(a.fields.map((f) => [f.name, f]));
  const after = new Set(b.fields.map((f) => f.name));
  const rows: DiffRow[] = b.fields.map((f) => {
    const old = before.get(f.name);
    if (!old) return { name: f.name, kind: "added", to: f.type };
    return { name: f.name, kind: (old.type ?? "") === (f.type ?? "") ? "same" : "retyped", from: old.type, to: f.type };
  });
  for (const f of a.fields) if (!after.has(f.name)) rows.push({ name: f.name, kind: "removed", from: f.type });
  return rows;
}

const MARK: Record<DiffRow["kind"], { sign: string; word: string }> = {
  added: { sign: "+", word: "added" },
  removed: { sign: "−", word: "removed" },
  retyped: { sign: "~", word: "type changed" },
  same: { sign: "", word: "unchanged" },
};

function summary(rows: DiffRow[]): string {
  const n = (k: DiffRow["kind"]) => rows.filter((r) => r.kind === k).length;
  const parts = [`${n("added")} added`, `${n("removed")} removed`, `${n("retyped")} type changed`].filter((p) => !p.startsWith("0 "));
  return parts.length ? parts.join(", ") : "no column changes";
}

function VersionDiff({ versions }: { versions: Version[] }) {
  // Versions come newest first; by default compare the previous with the current one.
  const [fromV, setFromV] = useState(versions[1]?.version ?? versions[0].version);
  const [toV, setToV] = useState(versions[0].version);
  const [showSame, setShowSame] = useState(false);
  const a = versions.find((v) => v.version === fromV) ?? versions[versions.length - 1];
  const b = versions.find((v) => v.version === toV) ?? versions[0];
  const rows = useMemo(() => diff(a, b), [a, b]);
  const changed = rows.filter((r) => r.kind !== "same");
  const shown = showSame ? rows : changed;

  return (
    <section aria-labelledby="ds-diff-title" className="ds-diff">
      <h2 id="ds-diff-title">Compare schema versions</h2>
      <div className="ds-diff-pick">
        <label>
          From{" "}
          <select value={fromV} onChange={(e) => setFromV(Number(e.target.value))} data-testid="diff-from">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                version {v.version} ({dateTime(v.createdAt)})
              </option>
            ))}
          </select>
        </label>
        <label>
          to{" "}
          <select value={toV} onChange={(e) => setToV(Number(e.target.value))} data-testid="diff-to">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                version {v.version} ({dateTime(v.createdAt)})
              </option>
            ))}
          </select>
        </label>
        <label className="ds-check">
          <input type="checkbox" checked={showSame} onChange={(e) => setShowSame(e.target.checked)} /> show unchanged columns
        </label>
      </div>
      <p aria-live="polite">
        {a.version === b.version ? "The same version on both sides." : `Version ${a.version} → ${b.version}: ${summary(rows)}.`}
      </p>
      {shown.length > 0 && (
        <table className="ds-diff-table" data-testid="version-diff">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Column</th>
              <th scope="col">Type in v{a.version}</th>
              <th scope="col">Type in v{b.version}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={`${r.kind}:${r.name}`} className={`ds-diff-${r.kind}`} data-change={r.kind}>
                <td>
                  <span className="ds-diff-mark" aria-hidden="true">
                    {MARK[r.kind].sign}
                  </span>{" "}
                  {MARK[r.kind].word}
                </td>
                <th scope="row">
                  <code>{r.name}</code>
                </th>
                <td>{r.kind === "added" ? <span className="muted">—</span> : <code>{r.from ?? "?"}</code>}</td>
                <td>{r.kind === "removed" ? <span className="muted">—</span> : <code>{r.to ?? "?"}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function VersionList({ versions, total }: { versions: Version[]; total: number }) {
  return (
    <section aria-labelledby="ds-versions-title">
      <h2 id="ds-versions-title">
        Schema versions <span className="muted">({total})</span>
      </h2>
      <ol className="ds-versions" reversed data-testid="versions">
        {versions.map((v, i) => {
          const prev = versions[i + 1];
          const rows = prev ? diff(prev, v).filter((r) => r.kind !== "same") : [];
          return (
            <li key={v.version}>
              <strong>Version {v.version}</strong> <RelativeTime at={v.createdAt} empty="" />{" "}
              <span className="muted">
                · {v.fields.length} columns
                {prev ? ` · ${summary(rows)}` : " · first seen"}
                {v.createdByRun ? (
                  <>
                    {" · by run "}
                    <code title={v.createdByRun}>{v.createdByRun.slice(-12)}</code>
                  </>
                ) : null}
              </span>
            </li>
          );
        })}
      </ol>
      {total > versions.length && <p className="muted">The {total - versions.length} oldest versions are not shown.</p>}
    </section>
  );
}

/** What a change-log entry did, in words, from its kind and payload. */
function describe(c: Change, namespace: string, name: string): string {
  const p = (c.payload ?? null) as Record<string, unknown> | null;
  const colPrefix = `column:${namespace}:${name}:`;
  const column = c.entity.startsWith(colPrefix) ? c.entity.slice(colPrefix.length) : null;
  const on = column ? ` on column ${column}` : "";
  if (!p) return c.payload === null && c.kind !== "openlineage.run" ? `${c.kind}${on} (details redacted)` : `${c.kind}${on}`;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  switch (c.kind) {
    case "catalog.edit": {
      const e = (p.edit ?? {}) as Record<string, unknown>;
      switch (e.op) {
        case "setDescription":
          return e.description ? `Description${on} set to “${clip(str(e.description))}”` : `Description${on} returned to the producer’s`;
        case "setOwners": {
          const owners = Array.isArray(e.owners) ? e.owners.map((o) => str((o as Record<string, unknown>).name)) : [];
          return owners.length ? `Owners set to ${owners.join(", ")}` : "Owners returned to the producer’s";
        }
        case "setTier":
          return e.tier ? `Tier set to ${str(e.tier)}` : "Tier removed";
        case "addTag":
          return `Tag ${str(e.key)} added${on}`;
        case "removeTag":
          return `Tag ${str(e.key)} removed${on}`;
        case "deprecate":
          return e.deprecated ? `Deprecated${e.note ? `: “${clip(str(e.note))}”` : ""}` : "Deprecation lifted";
        default:
          return `Edited${on}`;
      }
    }
    case "tag.review": {
      const verbs: Record<string, string> = { confirm: "confirmed", reject: "rejected", clear: "decision cleared on", add: "added by hand:", remove: "withdrawn:" };
      const action = str(p.action);
      const reason = p.reason ? ` — “${clip(str(p.reason))}”` : "";
      return `${str(p.tag)} ${verbs[action] ?? action} on column ${str(p.column) || column || "?"}${reason}`;
    }
    case "openlineage.run": {
      const job = (p.job ?? {}) as Record<string, unknown>;
      const out = Array.isArray(p.outputs) ? (p.outputs as Record<string, unknown>[]).find((o) => o.name === name) : undefined;
      const verbs: Record<string, string> = { START: "started a run", RUNNING: "is running", COMPLETE: "completed a run", FAIL: "failed a run", ABORT: "aborted a run" };
      const event = str(p.eventType).toUpperCase();
      const facets = out?.facets ? Object.keys(out.facets as object) : [];
      return `Job ${str(job.name)} ${verbs[event] ?? `sent ${event || "an event"}`}${out ? `, writing this dataset${facets.length ? ` (${facets.join(", ")})` : ""}` : ""}`;
    }
    case "openlineage.dataset": {
      const ds = (p.dataset ?? {}) as Record<string, unknown>;
      const facets = ds.facets ? Object.keys(ds.facets as object) : [];
      return `A producer described the dataset${facets.length ? ` (${facets.join(", ")})` : ""}`;
    }
    case "lineage.retract":
      return "A lineage edge into this dataset was retracted";
    case "policy.violation": {
      const where = p.column ? ` on column ${str(p.column)}` : "";
      const verb = p.state === "cleared" ? "cleared" : "opened";
      return `Policy ${str(p.policy)} (${str(p.severity)}) ${verb}${where}: ${clip(str(p.message))}`;
    }
    default:
      return `${c.kind}${on}`;
  }
}

function clip(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const KIND_LABEL: Record<string, string> = {
  "catalog.edit": "edit",
  "tag.review": "review",
  "openlineage.run": "run",
  "openlineage.dataset": "dataset event",
  "openlineage.job": "job event",
  "lineage.retract": "retraction",
  "policy.violation": "policy",
};

function ChangeLog() {
  const { namespace, name } = useDataset();
  const first = useQuery(DatasetHistoryQuery, { namespace, name, after: null });
  useRefetchOnRefresh(first.refetch);
  // Later pages, keyed by the first page they follow so a refetch starts over.
  const [more, setMore] = useState<{ base: unknown; items: Change[]; cursor: string | null }>({ base: null, items: [], cursor: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (first.error && !first.data) return <ErrorMessage error={first.error} onRetry={first.refetch} />;
  if (!first.data) return <Loading what="the change log" />;
  const h = first.data.dataset?.history;
  if (!h) return null;
  const extra = more.base === first.data ? more : { items: [], cursor: null };
  const items = [...h.nodes, ...extra.items];
  const cursor = extra.items.length ? extra.cursor : h.pageInfo.hasNextPage ? (h.pageInfo.endCursor ?? null) : null;

  const loadMore = async () => {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    try {
      const data = await request(DatasetHistoryQuery, { namespace, name, after: cursor });
      const page = data.dataset?.history;
      setMore({
        base: first.data,
        items: [...extra.items, ...(page?.nodes ?? [])],
        cursor: page?.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null,
      });
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-labelledby="ds-changes-title">
      <h2 id="ds-changes-title">Change log</h2>
      {items.length === 0 ? (
        <p className="muted">No change-log entries name this dataset.</p>
      ) : (
        <div className="ds-table-wrap">
          <table className="ds-changes" data-testid="history-changes">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col" className="ds-seq">
                  Seq
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.seq} data-kind={c.kind}>
                  <td className="ds-nowrap">
                    <RelativeTime at={c.at} empty="—" />
                  </td>
                  <td>{c.actor}</td>
                  <td>
                    <span className={`badge ds-kind ds-kind-${(KIND_LABEL[c.kind] ?? "other").replace(" ", "-")}`}>{KIND_LABEL[c.kind] ?? c.kind}</span>{" "}
                    {describe(c, namespace, name)}
                  </td>
                  <td className="ds-seq">
                    <code>{c.seq}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" onClick={loadMore} disabled={loading} data-testid="history-more">
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
      {error ? <ErrorMessage error={error} onRetry={loadMore} /> : null}
    </section>
  );
}

export function HistoryTab() {
  const { namespace, name } = useDataset();
  const q = useQuery(DatasetVersionsQuery, { namespace, name });
  useRefetchOnRefresh(q.refetch);

  return (
    <div className="ds-history">
      {q.error && !q.data ? (
        <ErrorMessage error={q.error} onRetry={q.refetch} />
      ) : !q.data ? (
        <Loading what="schema versions" />
      ) : !q.data.dataset ? null : q.data.dataset.versions.nodes.length === 0 ? (
        <p className="muted">No schema seen yet.</p>
      ) : (
        <div className={q.data.dataset.versions.nodes.length > 1 ? "ds-history-versions" : undefined}>
          <VersionList versions={q.data.dataset.versions.nodes} total={q.data.dataset.versions.totalCount} />
          {q.data.dataset.versions.nodes.length > 1 && <VersionDiff versions={q.data.dataset.versions.nodes} />}
        </div>
      )}
      <ChangeLog />
    </div>
  );
}
