// The schema: every column with type, description and tags. Wide tables are common
// (300+ columns must show in under 500 ms), so columns come in pages of 100 (the API's
// limit) asked for in parallel once the first page answers, a first visit starts asking
// before React mounts the page (prefetchColumns), the table renders once, and a row is
// plain markup: no per-row query, no per-row state. The one editor or explanation open
// at a time lives in this component, not in the rows.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { graphql } from "../../gql";
import type { DatasetColumnsQuery } from "../../gql/graphql";
import { request } from "../../api/client";
import { useViewer } from "../../auth/viewer";
import { ErrorMessage, Loading, TagBadge } from "../../components/common";
import { datasetNodeId, Link, lineagePath } from "../../router";
import { useDataset } from "./context";
import { ColumnTagForm, DescriptionForm } from "./edit";
import { TagExplanationDialog } from "./TagExplanation";

const DatasetColumnsQuery = graphql(`
  query DatasetColumns($namespace: String!, $name: String!, $after: String) {
    dataset(namespace: $namespace, name: $name) {
      id
      columns(first: 100, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          name
          type
          description
          ordinal
          tags {
            key
            status
            origin
          }
        }
      }
    }
  }
`);

type Col = NonNullable<DatasetColumnsQuery["dataset"]>["columns"]["nodes"][number];

/** The API's largest page. */
const PAGE = 100;
/** More pages than this (10,000 columns) are not fetched; the table says so. */
const MAX_PAGES = 100;

interface ColumnsState {
  columns?: Col[];
  total?: number;
  missing?: boolean;
  error?: unknown;
  loading: boolean;
}

type Loaded = { columns: Col[]; total: number } | null;

/** Every current column of a dataset (null: no such dataset). The server's cursors are
 * positions ("99" ends the first hundred); when the first page shows that, the other
 * pages are asked for at once, otherwise one after another. */
async function loadColumns(namespace: string, name: string, signal?: AbortSignal): Promise<Loaded> {
  const page = async (after: string | null) => {
    const data: DatasetColumnsQuery = await request(DatasetColumnsQuery, { namespace, name, after }, signal);
    return data.dataset?.columns ?? null;
  };
  const first = await page(null);
  if (!first) return null;
  const out = [...first.nodes];
  let last = first;
  if (first.pageInfo.hasNextPage && first.pageInfo.endCursor === String(first.nodes.length - 1)) {
    const cursors: string[] = [];
    for (let at = first.nodes.length; at < first.totalCount && cursors.length < MAX_PAGES - 1; at += PAGE) cursors.push(String(at - 1));
    const pages = await Promise.all(cursors.map(page));
    for (const p of pages) if (p) out.push(...p.nodes);
    last = pages[pages.length - 1] ?? first;
  }
  for (let n = Math.ceil(out.length / PAGE); last.pageInfo.hasNextPage && last.pageInfo.endCursor && n < MAX_PAGES; n++) {
    const next = await page(last.pageInfo.endCursor);
    if (!next) break;
    out.push(...next.nodes);
    last = next;
  }
  // A schema that changed between pages could repeat a column: keep the first.
  const seen = new Set<string>();
  return { columns: out.filter((c) => !seen.has(c.name) && seen.add(c.name)), total: first.totalCount };
}

/**
 * Render-as-you-fetch for the page a browser opens on: DatasetPage calls this when its
 * chunk is evaluated, which is well before React shows the page (a lazy page is revealed
 * after Suspense's fallback throttle), and the table's first load takes the answer.
 */
let early: { key: string; at: number; promise: Promise<Loaded> } | null = null;
const EARLY_MS = 10_000;

export function prefetchColumns(namespace: string, name: string): void {
  const promise = loadColumns(namespace, name);
  promise.catch(() => {}); // its taker reports failures; an untaken one is dropped
  early = { key: JSON.stringify([namespace, name]), at: Date.now(), promise };
}

function takeEarly(namespace: string, name: string): Promise<Loaded> | null {
  const e = early;
  early = null;
  return e && e.key === JSON.stringify([namespace, name]) && Date.now() - e.at < EARLY_MS ? e.promise : null;
}

/** Every current column; refetched whole when the page refreshes. */
function useAllColumns(): ColumnsState & { retry: () => void } {
  const { namespace, name, refreshKey } = useDataset();
  const [state, setState] = useState<ColumnsState>({ loading: true });
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    (takeEarly(namespace, name) ?? loadColumns(namespace, name, ctl.signal)).then(
      (loaded) => {
        if (ctl.signal.aborted) return;
        setState(loaded ? { columns: loaded.columns, total: loaded.total, loading: false } : { missing: true, loading: false });
      },
      (error) => {
        if (!ctl.signal.aborted) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [namespace, name, refreshKey, nonce]);

  return { ...state, retry: () => setNonce((n) => n + 1) };
}

function matches(c: Col, q: string): boolean {
  return (
    c.name.toLowerCase().includes(q) ||
    (c.type ?? "").toLowerCase().includes(q) ||
    (c.description ?? "").toLowerCase().includes(q) ||
    c.tags.some((t) => t.key.includes(q))
  );
}

export function SchemaTab() {
  const { namespace, name } = useDataset();
  const viewer = useViewer();
  const canWrite = viewer.can("write");
  const canReview = viewer.can("review");
  const cols = useAllColumns();
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<{ column: string; what: "description" | "tag" } | null>(null);
  const [explain, setExplain] = useState<{ column: string; tag: string; opener: HTMLElement | null } | null>(null);
  const [pendingDesc, setPendingDesc] = useState<{ column: string; text: string; base: string | null | undefined } | null>(null);

  // A closed editor's row button is a new node: focus it once the row has re-rendered.
  const refocus = useRef<{ column: string; cls: string } | null>(null);
  useEffect(() => {
    const r = refocus.current;
    if (!r || editing) return;
    refocus.current = null;
    document.getElementById(`column-${r.column}`)?.querySelector<HTMLElement>(`.${r.cls}`)?.focus();
  });
  const onDescriptionSaved = useCallback((c: Col, text: string | null | undefined) => {
    if (text) setPendingDesc({ column: c.name, text, base: c.description });
    refocus.current = { column: c.name, cls: "ds-edit-desc" };
    setEditing(null);
  }, []);
  const onTagAdded = useCallback((c: Col) => {
    refocus.current = { column: c.name, cls: "ds-add-tag" };
    setEditing(null);
  }, []);

  const q = filter.trim().toLowerCase();
  const visible = useMemo(() => (cols.columns && q ? cols.columns.filter((c) => matches(c, q)) : cols.columns), [cols.columns, q]);

  if (cols.missing) return null; // the header says the dataset does not exist
  if (cols.error && !cols.columns) return <ErrorMessage error={cols.error} onRetry={cols.retry} />;
  if (!cols.columns) return <Loading what="columns" />;
  if (cols.columns.length === 0) {
    return <p className="muted">No schema yet: no producer or crawler has described this dataset’s columns.</p>;
  }

  const piiCount = cols.columns.filter((c) => c.tags.some((t) => t.key.startsWith("pii.") && t.status !== "rejected")).length;
  const proposed = cols.columns.filter((c) => c.tags.some((t) => t.status === "proposed")).length;

  const closeExplain = () => {
    const opener = explain?.opener;
    setExplain(null);
    requestAnimationFrame(() => opener?.focus());
  };

  return (
    <div className="ds-schema">
      <div className="ds-toolbar">
        <p className="ds-summary">
          {cols.total} column{cols.total === 1 ? "" : "s"}
          {piiCount > 0 && (
            <>
              {" · "}
              <span className="ds-pii-count">{piiCount} with personal data</span>
            </>
          )}
          {proposed > 0 && (
            <>
              {" · "}
              {proposed} with tags awaiting review
            </>
          )}
          {cols.loading && <span className="muted"> · loading…</span>}
        </p>
        <input
          type="search"
          className="ds-filter"
          aria-label="Filter columns by name, type, description or tag"
          placeholder="Filter columns"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {cols.error ? <ErrorMessage error={cols.error} onRetry={cols.retry} /> : null}
      {cols.total !== undefined && cols.total > cols.columns.length && !cols.loading && (
        <p className="notice">
          Showing the first {cols.columns.length} of {cols.total} columns.
        </p>
      )}
      <div className="ds-table-wrap">
        <table className="ds-schema-table" data-testid="schema-table">
          <caption className="sr-only">Columns of {name}</caption>
          <thead>
            <tr>
              <th scope="col" className="ds-ord">
                #
              </th>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {visible?.map((c) => {
              const desc = pendingDesc && pendingDesc.column === c.name && pendingDesc.base === c.description ? pendingDesc.text : c.description;
              const edit = editing?.column === c.name ? editing.what : null;
              return (
                <ColumnRow
                  key={c.name}
                  c={c}
                  description={desc}
                  namespace={namespace}
                  dataset={name}
                  canWrite={canWrite}
                  canReview={canReview}
                  editing={edit}
                  onEdit={setEditing}
                  onExplain={setExplain}
                  onDescriptionSaved={onDescriptionSaved}
                  onTagAdded={onTagAdded}
                />
              );
            })}
          </tbody>
        </table>
        {visible && visible.length === 0 && <p className="muted">No column matches “{filter}”.</p>}
      </div>
      {explain && <TagExplanationDialog column={explain.column} tag={explain.tag} onClose={closeExplain} />}
    </div>
  );
}

interface RowProps {
  c: Col;
  description: string | null | undefined;
  namespace: string;
  dataset: string;
  canWrite: boolean;
  canReview: boolean;
  editing: "description" | "tag" | null;
  onEdit: (e: { column: string; what: "description" | "tag" } | null) => void;
  onExplain: (e: { column: string; tag: string; opener: HTMLElement | null }) => void;
  onDescriptionSaved: (c: Col, text: string | null | undefined) => void;
  onTagAdded: (c: Col) => void;
}

/** One column; memoised so opening an editor in one row re-renders that row only. */
const ColumnRow = memo(function ColumnRow({
  c,
  description,
  namespace,
  dataset,
  canWrite,
  canReview,
  editing,
  onEdit,
  onExplain,
  onDescriptionSaved,
  onTagAdded,
}: RowProps) {
  return (
    <tr data-column={c.name} id={`column-${c.name}`}>
      <td className="ds-ord">{c.ordinal + 1}</td>
      <th scope="row" className="ds-colname">
        <code>{c.name}</code>
        <Link
          className="ds-col-lineage"
          to={lineagePath(datasetNodeId(namespace, dataset), { column: c.name, columnLevel: true })}
          aria-label={`Column lineage of ${c.name}`}
          title="Column lineage"
        >
          ⇄
        </Link>
      </th>
      <td className="ds-coltype">
        <code>{c.type ?? "—"}</code>
      </td>
      <td className="ds-coldesc">
        {editing === "description" ? (
          <DescriptionForm
            column={c.name}
            value={description}
            onDone={(saved) => onDescriptionSaved(c, saved)}
          />
        ) : (
          <>
            {description ? <span>{description}</span> : <span className="muted">—</span>}
            {canWrite && (
              <button type="button" className="ds-row-button ds-edit-desc" aria-label={`Edit description of ${c.name}`} onClick={() => onEdit({ column: c.name, what: "description" })}>
                Edit
              </button>
            )}
          </>
        )}
      </td>
      <td className="ds-coltags">
        {c.tags.map((t) => (
          <TagBadge
            key={t.key}
            tag={t.key}
            status={t.status}
            origin={t.origin}
            onClick={() => onExplain({ column: c.name, tag: t.key, opener: document.activeElement as HTMLElement | null })}
          />
        ))}
        {editing === "tag" ? (
          <ColumnTagForm column={c.name} onDone={() => onTagAdded(c)} />
        ) : (
          canReview && (
            <button type="button" className="ds-row-button ds-add-tag" aria-label={`Add a tag to ${c.name}`} onClick={() => onEdit({ column: c.name, what: "tag" })}>
              + tag
            </button>
          )
        )}
      </td>
    </tr>
  );
});
