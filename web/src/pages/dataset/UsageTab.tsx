// Who really reads this dataset, from crawled query logs: reads per day over 30 days
// (a hand-drawn SVG bar chart sized to its container, with the numbers in a table for
// screen readers), the totals, and which columns are read most. Days without reads are
// drawn as zero, not skipped, so a gap looks like a gap.
import { useEffect, useRef, useState, type ReactNode, type RefObject } from "react";
import { graphql } from "../../gql";
import type { DatasetUsageQuery } from "../../gql/graphql";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading } from "../../components/common";
import { useDataset, useRefetchOnRefresh } from "./context";

const DatasetUsageQuery = graphql(`
  query DatasetUsage($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      id
      usage(days: 30) {
        since
        reads
        writes
        users
        statements
        lastRead
        days {
          day
          reads
          writes
          users
          queries
        }
        columns {
          name
          reads
          writes
          users
        }
      }
    }
  }
`);

type Usage = NonNullable<DatasetUsageQuery["dataset"]>["usage"];
type Day = { day: string; reads: number; writes: number; users: number };

const DAY_MS = 86_400_000;

/** Every day from `since` to today (UTC), zero where the log had nothing. */
function fillDays(since: string, days: Usage["days"]): Day[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const start = Date.parse(`${since}T00:00:00Z`);
  const last = days.length ? Math.max(Date.now(), Date.parse(`${days[days.length - 1].day}T00:00:00Z`)) : Date.now();
  const out: Day[] = [];
  for (let t = start; t <= last && out.length < 400; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const d = byDay.get(day);
    out.push({ day, reads: d?.reads ?? 0, writes: d?.writes ?? 0, users: d?.users ?? 0 });
  }
  return out;
}

/** A round axis maximum: 1, 2 or 5 times a power of ten. */
function niceMax(v: number): number {
  if (v <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmtDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** Tracks an element's width so the chart draws in real pixels (text never scales). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function ReadsChart({ days, name }: { days: Day[]; name: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const height = 200;
  const m = { top: 12, right: 8, bottom: 26, left: 40 };
  const w = Math.max(0, width - m.left - m.right);
  const h = height - m.top - m.bottom;
  const max = niceMax(Math.max(...days.map((d) => d.reads), 0));
  const step = days.length ? w / days.length : 0;
  const bar = Math.max(1, step * 0.72);
  const y = (v: number) => h - (v / max) * h;
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  const labelEvery = width < 500 ? 10 : 7;
  const total = days.reduce((s, d) => s + d.reads, 0);
  const peak = days.reduce((p, d) => (d.reads > p.reads ? d : p), days[0]);

  return (
    <figure className="ds-chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-labelledby="ds-chart-title ds-chart-desc" data-testid="usage-chart">
          <title id="ds-chart-title">Reads of {name} per day</title>
          <desc id="ds-chart-desc">
            {total} reads over {days.length} days from {fmtDay(days[0].day)} to {fmtDay(days[days.length - 1].day)}
            {peak && peak.reads > 0 ? `; the busiest day was ${fmtDay(peak.day)} with ${peak.reads}` : ""}.
          </desc>
          <g transform={`translate(${m.left},${m.top})`}>
            {ticks.map((t) => (
              <g key={t} transform={`translate(0,${y(t)})`} className="ds-chart-tick">
                <line x2={w} />
                <text x={-6} dy="0.32em" textAnchor="end">
                  {Number.isInteger(t) ? t : t.toFixed(1)}
                </text>
              </g>
            ))}
            {days.map((d, i) => (
              <rect
                key={d.day}
                className="ds-chart-bar"
                x={i * step + (step - bar) / 2}
                y={y(d.reads)}
                width={bar}
                height={Math.max(0, h - y(d.reads))}
                data-day={d.day}
                data-reads={d.reads}
              >
                <title>
                  {fmtDay(d.day)}: {d.reads} read{d.reads === 1 ? "" : "s"}, {d.users} user{d.users === 1 ? "" : "s"}
                </title>
              </rect>
            ))}
            {days.map((d, i) =>
              (i % labelEvery === 0 && days.length - 1 - i >= labelEvery / 2) || i === days.length - 1 ? (
                <text key={d.day} className="ds-chart-xlabel" x={i * step + step / 2} y={h + 17} textAnchor={i === days.length - 1 ? "end" : "middle"}>
                  {fmtDay(d.day)}
                </text>
              ) : null,
            )}
            <line className="ds-chart-axis" x1={0} x2={w} y1={h} y2={h} />
          </g>
        </svg>
      )}
      <figcaption className="muted">Reads per day, last {days.length} days (UTC). Hover a bar for the day’s numbers.</figcaption>
      <table className="sr-only">
        <caption>Reads per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Reads</th>
            <th scope="col">Writes</th>
            <th scope="col">Users</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.reads}</td>
              <td>{d.writes}</td>
              <td>{d.users}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="ds-stat" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function TopColumns({ columns }: { columns: Usage["columns"] }) {
  const [all, setAll] = useState(false);
  const sorted = [...columns].sort((a, b) => b.reads - a.reads || a.name.localeCompare(b.name));
  const shown = all ? sorted : sorted.slice(0, 10);
  const max = Math.max(1, ...sorted.map((c) => c.reads));
  if (sorted.length === 0) return <p className="muted">No column-level reads recorded.</p>;
  return (
    <>
      <table className="ds-topcols" data-testid="usage-columns">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Reads</th>
            <th scope="col">Users</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.name}>
              <th scope="row">
                <code>{c.name}</code>
              </th>
              <td className="ds-topcols-bar">
                <span className="ds-hbar" style={{ width: `${(c.reads / max) * 100}%` }} aria-hidden="true" />
                <span className="ds-hbar-num">{c.reads.toLocaleString()}</span>
              </td>
              <td>{c.users}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > 10 && (
        <button type="button" className="link" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? "Show the top 10" : `Show all ${sorted.length} columns`}
        </button>
      )}
    </>
  );
}

export function UsageTab() {
  const { namespace, name } = useDataset();
  const q = useQuery(DatasetUsageQuery, { namespace, name });
  useRefetchOnRefresh(q.refetch);

  if (q.error && !q.data) return <ErrorMessage error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading what="usage" />;
  const u = q.data.dataset?.usage;
  if (!u) return null;
  if (u.reads === 0 && u.writes === 0 && u.days.length === 0) {
    return (
      <div className="ds-empty" data-testid="usage-empty">
        <p>
          <strong>No usage recorded</strong> in the last 30 days: crawl a query log with <code>weft crawl --query-log …</code> (Snowflake,
          BigQuery, Redshift or JSON lines) or a PostgreSQL database with <code>pg_stat_statements</code>, and reads and writes show up here.
        </p>
      </div>
    );
  }
  const days = fillDays(u.since, u.days);
  return (
    <div className="ds-usage">
      <dl className="ds-stats">
        <Stat label="Reads (30 days)" value={u.reads.toLocaleString()} testId="usage-reads" />
        <Stat label="Writes" value={u.writes.toLocaleString()} />
        <Stat label="Distinct users" value={u.users.toLocaleString()} />
        <Stat label="Distinct statements" value={u.statements.toLocaleString()} />
        <Stat label="Last read" value={u.lastRead ? fmtDay(u.lastRead) : <span className="muted">never</span>} />
      </dl>
      <ReadsChart days={days} name={name} />
      <h2>Most-read columns</h2>
      <TopColumns columns={u.columns} />
    </div>
  );
}
