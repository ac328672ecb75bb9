// The jobs that write and read this dataset: for each, how its latest run went, its
// runs (expandable), its SQL with line numbers, and what Weft made of that SQL — how
// many statements and column edges, and every parse error on its line and column, so a
// broken lineage is something a person can see and fix rather than a silent gap.
// Writers come first and start open; a link from elsewhere (`#job-…`) opens its job.
import { useEffect, useMemo, useRef, useState } from "react";
import { graphql } from "../../gql";
import type { DatasetJobsQuery } from "../../gql/graphql";
import { request } from "../../api/client";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading, RelativeTime } from "../../components/common";
import { showSqlLine, SqlView } from "../../components/dataset-sql";
import { useLocation } from "../../router";
import { useDataset, useRefetchOnRefresh } from "./context";
import { dateTime, duration, jobAnchor, runState } from "./format";

// The run fields both queries below select (codegen appends the fragment to each).
graphql(`
  fragment DatasetRunFields on Run {
    id
    state
    startedAt
    endedAt
    durationMs
    createdAt
  }
`);

const DatasetJobsQuery = graphql(`
  query DatasetJobs($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      id
      jobs {
        role
        job {
          id
          namespace
          name
          type
          description
          sql
          location
          latestRun {
            id
            state
            startedAt
            endedAt
            durationMs
            updatedAt
          }
          runs(first: 10) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              ...DatasetRunFields
            }
          }
          sqlLineage {
            statements
            edges
            errors {
              statement
              line
              column
              message
            }
            unresolved
            analyzedAt
          }
        }
      }
    }
  }
`);

const DatasetJobRunsQuery = graphql(`
  query DatasetJobRuns($namespace: String!, $name: String!, $after: String) {
    job(namespace: $namespace, name: $name) {
      id
      runs(first: 25, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...DatasetRunFields
        }
      }
    }
  }
`);

type Entry = NonNullable<DatasetJobsQuery["dataset"]>["jobs"][number];
type Job = Entry["job"];
type Run = Job["runs"]["nodes"][number];

function RunBadge({ state }: { state: string | null | undefined }) {
  const s = runState(state);
  return <span className={`badge ds-run ${s.cls}`}>{s.label}</span>;
}

/** The job's runs, newest first, ten at a time; more on request. */
function Runs({ job }: { job: Job }) {
  const [extra, setExtra] = useState<Run[]>([]);
  const [cursor, setCursor] = useState(job.runs.pageInfo.hasNextPage ? job.runs.pageInfo.endCursor : null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const runs = [...job.runs.nodes, ...extra];

  const more = async () => {
    if (!cursor || !job.namespace || !job.name) return;
    setLoading(true);
    setError(null);
    try {
      const data = await request(DatasetJobRunsQuery, { namespace: job.namespace, name: job.name, after: cursor });
      const page = data.job?.runs;
      setExtra((e) => [...e, ...(page?.nodes ?? [])]);
      setCursor(page?.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  if (runs.length === 0) return <p className="muted">No runs recorded.</p>;
  return (
    <details className="ds-runs">
      <summary>
        Runs <span className="muted">({job.runs.totalCount})</span>
      </summary>
      <div className="ds-table-wrap">
        <table className="ds-runs-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col">Duration</th>
              <th scope="col">Run</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id ?? i}>
                <td>
                  <RunBadge state={r.state} />
                </td>
                <td>{dateTime(r.startedAt ?? r.createdAt)}</td>
                <td>{dateTime(r.endedAt)}</td>
                <td>{duration(r.durationMs)}</td>
                <td>
                  <code title={r.id ?? undefined}>{r.id ? r.id.slice(-12) : "—"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && (
        <button type="button" onClick={more} disabled={loading}>
          {loading ? "Loading…" : `Load more runs (${runs.length} of ${job.runs.totalCount} shown)`}
        </button>
      )}
      {error ? <ErrorMessage error={error} onRetry={more} /> : null}
    </details>
  );
}

function SqlSection({ job }: { job: Job }) {
  const box = useRef<HTMLDivElement>(null);
  const lin = job.sqlLineage;
  if (!job.sql) return <p className="muted">No SQL: the producer sent no <code>sql</code> facet for this job.</p>;
  const errors = lin?.errors ?? [];
  return (
    <div className="ds-sql" ref={box}>
      <h4>SQL and the lineage Weft derived from it</h4>
      {lin ? (
        <p className="ds-sql-outcome" data-testid="sql-outcome">
          {lin.statements} statement{lin.statements === 1 ? "" : "s"} analysed, {lin.edges} column edge{lin.edges === 1 ? "" : "s"} derived
          {errors.length > 0 ? (
            <strong className="ds-sql-errcount">
              , {errors.length} error{errors.length === 1 ? "" : "s"}
            </strong>
          ) : null}
          {lin.analyzedAt && (
            <span className="muted">
              {" "}
              · analysed <RelativeTime at={lin.analyzedAt} />
            </span>
          )}
        </p>
      ) : (
        <p className="muted">Not analysed yet.</p>
      )}
      {errors.length > 0 && (
        <ul className="ds-sql-errors" data-testid="sql-errors">
          {errors.map((e, i) => (
            <li key={i}>
              <span className="ds-sql-err-mark" aria-hidden="true">
                ✖
              </span>{" "}
              <strong>Parse error</strong>
              {e.statement !== null && e.statement !== undefined ? ` in statement ${e.statement + 1}` : ""}
              {e.line ? (
                <>
                  {" at "}
                  <button type="button" className="link" onClick={() => showSqlLine(box.current, e.line!)}>
                    line {e.line}
                    {e.column ? `, column ${e.column}` : ""}
                  </button>
                </>
              ) : null}
              : {e.message}
            </li>
          ))}
        </ul>
      )}
      {lin && lin.unresolved.length > 0 && (
        <p className="ds-sql-unresolved">
          <strong>Names it could not place:</strong>{" "}
          {lin.unresolved.map((u, i) => (
            <span key={u}>
              {i > 0 && ", "}
              <code>{u}</code>
            </span>
          ))}
          . List them among the job’s inputs and outputs, or set <code>sql_default_namespace</code>/<code>_database</code>/<code>_schema</code>.
        </p>
      )}
      <SqlView sql={job.sql} errors={errors} label={`SQL of ${job.name}`} />
    </div>
  );
}

function JobCard({ entry, defaultOpen }: { entry: Entry; defaultOpen: boolean }) {
  const job = entry.job;
  const [open, setOpen] = useState(defaultOpen);
  const anchor = jobAnchor(job.namespace ?? "", job.name ?? "");
  const latest = job.latestRun;
  const errors = job.sqlLineage?.errors.length ?? 0;
  return (
    <details className="ds-job" id={anchor} open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-job={job.name ?? undefined}>
      <summary>
        <span className="ds-job-title">
          <strong className="ds-job-name">{job.name}</strong>
          <span className="muted"> in {job.namespace}</span>
        </span>
        <span className={`badge ds-role ds-role-${entry.role.toLowerCase()}`}>{entry.role === "WRITES" ? "writes this" : "reads this"}</span>
        {latest ? (
          <span className="ds-job-latest">
            <RunBadge state={latest.state} /> <RelativeTime at={latest.endedAt ?? latest.startedAt ?? latest.updatedAt} />
          </span>
        ) : (
          <span className="muted">never ran</span>
        )}
        {errors > 0 && <span className="badge ds-badge-error">SQL error</span>}
      </summary>
      {open && (
        <div className="ds-job-body">
          {job.description && <p>{job.description}</p>}
          {job.location && (
            <p className="muted">
              Source: <code>{job.location}</code>
            </p>
          )}
          {latest && (
            <p className="ds-job-latest-line">
              Latest run: <RunBadge state={latest.state} /> started {dateTime(latest.startedAt)}
              {latest.endedAt ? `, ended ${dateTime(latest.endedAt)} (${duration(latest.durationMs)})` : ", still running"}.
            </p>
          )}
          <Runs job={job} />
          <SqlSection job={job} />
        </div>
      )}
    </details>
  );
}

/** "1 job writes it", "no job reads it". */
function count(n: number, verb: "writes" | "reads"): string {
  if (n === 0) return `no job ${verb} it`;
  return n === 1 ? `1 job ${verb} it` : `${n} jobs ${verb.slice(0, -1)} it`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Above this many jobs the tab offers a filter. */
const FILTER_FROM = 8;

export function JobsTab() {
  const { namespace, name } = useDataset();
  const q = useQuery(DatasetJobsQuery, { namespace, name });
  useRefetchOnRefresh(q.refetch);
  const [filter, setFilter] = useState("");
  useLocation(); // re-render when a link changes the #job target
  const target = decodeURIComponent(window.location.hash.slice(1));
  const loaded = Boolean(q.data);

  useEffect(() => {
    if (loaded && target.startsWith("job-")) document.getElementById(target)?.scrollIntoView({ block: "start" });
  }, [loaded, target]);

  const entries = useMemo(
    () =>
      [...(q.data?.dataset?.jobs ?? [])].sort((a, b) =>
        a.role === b.role ? (a.job.name ?? "").localeCompare(b.job.name ?? "") : a.role === "WRITES" ? -1 : 1,
      ),
    [q.data],
  );

  if (q.error && !q.data) return <ErrorMessage error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading what="jobs" />;
  if (entries.length === 0) {
    return <p className="muted">No job is known to write or read this dataset.</p>;
  }
  const q2 = filter.trim().toLowerCase();
  const shown = q2 ? entries.filter((e) => `${e.job.namespace}.${e.job.name}`.toLowerCase().includes(q2)) : entries;
  const writers = entries.filter((e) => e.role === "WRITES").length;
  const readers = entries.length - writers;
  return (
    <div className="ds-jobs">
      <div className="ds-toolbar">
        <p className="ds-summary">{capitalised(`${count(writers, "writes")}; ${count(readers, "reads")}.`)}</p>
        {entries.length > FILTER_FROM && (
          <input
            type="search"
            className="ds-filter"
            aria-label="Filter jobs by name"
            placeholder="Filter jobs"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
      </div>
      {shown.length === 0 && <p className="muted">No job matches “{filter}”.</p>}
      {shown.map((e) => {
        const anchor = jobAnchor(e.job.namespace ?? "", e.job.name ?? "");
        const open = entries.length <= 3 || e.role === "WRITES" || anchor === target;
        return <JobCard key={`${e.role}:${e.job.id}`} entry={e} defaultOpen={open} />;
      })}
    </div>
  );
}
