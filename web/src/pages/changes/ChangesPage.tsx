// Live changes: the change log, newest first, growing as changes commit.
//
// What an active catalog is for: seeing what pipelines, crawlers and people just did
// without polling. The table reads the newest entries, then streams new ones over the
// `metadataChanges` subscription (changes-feed.ts), marking each arrival briefly and
// announcing it politely; a person can pause the stream to read, see whether it is
// connected, page back through older entries and open any entry's payload. Filters
// (kind, namespace, entity prefix) live in the URL and apply to both the read and the
// stream. Datasets and columns link to their dataset page; other entities (runs,
// jobs, crawl sources) have no page and show as text.
import { useEffect, useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading, RelativeTime } from "../../components/common";
import { parseEntity } from "../../components/changes-entity";
import { useChangeFeed, type ChangeRow, type LiveStatus } from "../../components/changes-feed";
import { ChangePayload } from "../../components/changes-payload";
import { datasetPath, Link, navigate, useLocation } from "../../router";
import "./changes.css";

const ChangeNamespacesDoc = graphql(`
  query ChangeNamespaces {
    namespaces(first: 100) {
      nodes {
        name
      }
    }
  }
`);

/** Every kind the log holds (`ChangeKind::as_str` in schemas/src/change.rs). */
const KINDS: [string, string][] = [
  ["openlineage.run", "OpenLineage run"],
  ["openlineage.dataset", "OpenLineage dataset"],
  ["openlineage.job", "OpenLineage job"],
  ["catalog.edit", "Catalog edit"],
  ["tag.review", "Tag review"],
  ["lineage.retract", "Lineage retraction"],
  ["usage.queries", "Query usage"],
  ["crawl.run", "Crawl"],
  ["policy.violation", "Policy violation"],
];
const KIND_LABEL = new Map(KINDS);

function kindClass(kind: string): string {
  if (kind.startsWith("openlineage.")) return "changes-kind-ol";
  if (kind === "tag.review" || kind === "lineage.retract") return "changes-kind-review";
  if (kind === "catalog.edit") return "changes-kind-edit";
  return "changes-kind-other";
}

function Entity({ row }: { row: ChangeRow }) {
  const e = parseEntity(row.entity, row.namespace);
  if (e?.kind === "dataset" || e?.kind === "column") {
    return (
      <span className="changes-entity">
        <span className="changes-entity-type">{e.kind}</span>{" "}
        <Link to={datasetPath(e.namespace, e.name)} title={row.entity}>
          {e.name}
        </Link>
        {e.kind === "column" && <span className="mono">.{e.field}</span>}
      </span>
    );
  }
  if (e?.kind === "job") {
    return (
      <span className="changes-entity" title={row.entity}>
        <span className="changes-entity-type">job</span> <span className="mono">{e.name}</span>
      </span>
    );
  }
  if (e?.kind === "other") {
    return (
      <span className="changes-entity" title={row.entity}>
        <span className="changes-entity-type">{e.type}</span> <span className="mono changes-entity-rest">{e.rest}</span>
      </span>
    );
  }
  return <span className="mono changes-entity-rest">{row.entity}</span>;
}

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Not connected",
  failed: "Live updates failed",
};

function Filters({
  kind,
  namespace,
  prefix,
  namespaces,
  onChange,
}: {
  kind: string;
  namespace: string;
  prefix: string;
  namespaces: string[];
  onChange: (next: Record<string, string>) => void;
}) {
  const [nsText, setNsText] = useState(namespace);
  const [prefixText, setPrefixText] = useState(prefix);
  useEffect(() => setNsText(namespace), [namespace]);
  useEffect(() => setPrefixText(prefix), [prefix]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ns: nsText.trim(), prefix: prefixText.trim() });
  };
  return (
    <form className="changes-filters" role="search" aria-label="Filter changes" onSubmit={submit}>
      <div className="changes-field">
        <label htmlFor="changes-kind">Kind</label>
        <select id="changes-kind" value={kind} onChange={(e) => onChange({ kind: e.target.value })}>
          <option value="">Any kind</option>
          {KINDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label} ({value})
            </option>
          ))}
        </select>
      </div>
      <div className="changes-field">
        <label htmlFor="changes-ns">Namespace</label>
        <input
          id="changes-ns"
          type="search"
          value={nsText}
          onChange={(e) => setNsText(e.target.value)}
          list="changes-ns-options"
          placeholder="any"
          spellCheck={false}
        />
        <datalist id="changes-ns-options">
          {namespaces.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </div>
      <div className="changes-field changes-field-wide">
        <label htmlFor="changes-prefix">Entity starts with</label>
        <input
          id="changes-prefix"
          type="search"
          value={prefixText}
          onChange={(e) => setPrefixText(e.target.value)}
          placeholder="dataset:postgres://db:5432:shop."
          spellCheck={false}
        />
      </div>
      <button type="submit">Apply</button>
      {(kind || namespace || prefix) && (
        <button type="button" className="link" onClick={() => onChange({ kind: "", ns: "", prefix: "" })}>
          Clear filters
        </button>
      )}
    </form>
  );
}

function Row({ row, open, onToggle }: { row: ChangeRow; open: boolean; onToggle: () => void }) {
  const payloadId = `changes-payload-${row.seq}`;
  return (
    <>
      <tr className={row.live ? "changes-row changes-new" : "changes-row"} data-testid="change-row" data-seq={row.seq}>
        <td data-label="Seq" className="changes-seq">
          #{row.seq}
        </td>
        <td data-label="When" className="changes-time">
          <RelativeTime at={row.at} empty="unknown" />
        </td>
        <td data-label="Actor" className="changes-actor">
          {row.actor}
        </td>
        <td data-label="Kind">
          <span className={`changes-kind ${kindClass(row.kind)}`} title={KIND_LABEL.get(row.kind) ?? row.kind}>
            {row.kind}
          </span>
        </td>
        <td data-label="Entity" className="changes-entity-cell">
          <Entity row={row} />
          {row.namespace && <div className="changes-ns muted">{row.namespace}</div>}
        </td>
        <td className="changes-open">
          <button type="button" className="link" aria-expanded={open} aria-controls={payloadId} onClick={onToggle}>
            {open ? "Hide payload" : "Payload"}
            <span className="changes-sr"> of change {row.seq}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr className="changes-payload-row" id={payloadId}>
          <td colSpan={6}>
            <ChangePayload seq={row.seq} />
          </td>
        </tr>
      )}
    </>
  );
}

export default function ChangesPage() {
  const loc = useLocation();
  const kind = loc.search.get("kind") ?? "";
  const namespace = loc.search.get("ns") ?? "";
  const prefix = loc.search.get("prefix") ?? "";
  const [paused, setPaused] = useState(false);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [, setTick] = useState(0);
  const feed = useChangeFeed({ kind, namespace, entityPrefix: prefix }, paused);
  const namespaces = useQuery(ChangeNamespacesDoc, {});

  // Keep "2 minutes ago" true while the page stays open.
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), 30_000);
    return () => window.clearInterval(t);
  }, []);

  const setFilters = (next: Record<string, string>) => {
    const params = new URLSearchParams(loc.search);
    for (const [k, v] of Object.entries(next)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    const s = params.toString();
    setOpen(new Set());
    navigate(`/changes${s ? `?${s}` : ""}`, { replace: true });
  };

  const toggle = (seq: number) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      return n;
    });

  const shownStatus: LiveStatus | "paused" = paused && feed.status === "live" ? "paused" : feed.status;
  const filtered = Boolean(kind || namespace || prefix);

  let body;
  if (feed.loading) {
    body = <Loading what="the newest changes" />;
  } else if (feed.rows.length === 0) {
    body = feed.error ? null : (
      <p className="changes-empty">
        {filtered
          ? "No change matches these filters yet; matching changes will appear here as they commit."
          : "The change log is empty. Push an OpenLineage event to /api/v1/lineage and it appears here."}
      </p>
    );
  } else {
    body = (
      <table className="changes-table">
        <caption className="changes-sr">Changes, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Kind</th>
            <th scope="col">Entity</th>
            <th scope="col">
              <span className="changes-sr">Payload</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {feed.rows.map((r) => (
            <Row key={r.seq} row={r} open={open.has(r.seq)} onToggle={() => toggle(r.seq)} />
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <section className="changes" aria-labelledby="changes-title">
      <div className="changes-head">
        <h1 id="changes-title">Changes</h1>
        <div className="changes-live">
          <span className={`changes-status changes-status-${shownStatus}`} data-testid="live-status">
            <span className="changes-dot" aria-hidden="true" />
            {shownStatus === "paused" ? "Paused" : STATUS_TEXT[shownStatus]}
          </span>
          <button type="button" onClick={() => setPaused((p) => !p)}>
            {paused ? `Resume${feed.pending > 0 ? ` (${feed.pending} new)` : ""}` : "Pause"}
          </button>
        </div>
      </div>
      <p className="muted changes-intro">
        Everything recorded in the change log: pushed OpenLineage events, crawls, query usage, people’s edits and
        review decisions. New entries appear at the top as they commit.
      </p>
      <Filters
        kind={kind}
        namespace={namespace}
        prefix={prefix}
        namespaces={namespaces.data?.namespaces.nodes.map((n) => n.name) ?? []}
        onChange={setFilters}
      />
      <p className="changes-sr" aria-live="polite" aria-atomic="true">
        {feed.announcement}
      </p>
      {feed.liveError && (
        <p className="error" role="alert">
          Live updates stopped: {feed.liveError}.{" "}
          <button type="button" className="link" onClick={feed.reload}>
            Reconnect
          </button>
        </p>
      )}
      {paused && feed.pending > 0 && (
        <p className="notice changes-pending">
          {feed.pending} new change{feed.pending === 1 ? "" : "s"} arrived while paused.{" "}
          <button type="button" className="link" onClick={() => setPaused(false)}>
            Show them
          </button>
        </p>
      )}
      {feed.error ? <ErrorMessage error={feed.error} onRetry={feed.reload} /> : null}
      {body}
      {!feed.loading && feed.older && (
        <div className="changes-older">
          {feed.older.done ? (
            <p className="muted">That is the beginning of the log.</p>
          ) : (
            <>
              {filtered && (
                <p className="muted">
                  Searched back to #{feed.older.before}.
                </p>
              )}
              <button type="button" onClick={feed.loadOlder} disabled={feed.loadingOlder}>
                {feed.loadingOlder ? "Loading…" : "Load older"}
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}
