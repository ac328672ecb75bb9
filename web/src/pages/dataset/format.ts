// Words for what the API speaks in codes (column node ids, dataset types, run states,
// durations, timestamps), so every tab names things the same way.

/** A column node id `datasetField:NS:NAME:FIELD`, split the way the server splits it:
 * the namespace may contain `:`, so the dataset and field are taken from the right. */
export function parseColumnId(id: string): { namespace: string; dataset: string; field: string } | null {
  const rest = id.startsWith("datasetField:") ? id.slice("datasetField:".length) : null;
  if (rest === null) return null;
  const f = rest.lastIndexOf(":");
  if (f < 0) return null;
  const d = rest.lastIndexOf(":", f - 1);
  if (d < 0) return null;
  return { namespace: rest.slice(0, d), dataset: rest.slice(d + 1, f), field: rest.slice(f + 1) };
}

/** `DB_TABLE` → "Table". */
export function datasetType(type: string): string {
  const known: Record<string, string> = {
    DB_TABLE: "Table",
    TABLE: "Table",
    VIEW: "View",
    MATERIALIZED_VIEW: "Materialized view",
    STREAM: "Stream",
    FILE: "File",
    MODEL: "Model",
  };
  return known[type.toUpperCase()] ?? type;
}

/** 83_000 ms → "1 min 23 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** `2024-05-01T10:00:00Z` → a short local date and time. */
export function dateTime(at: string | null | undefined): string {
  if (!at) return "—";
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** A stable, URL-safe anchor for a job on the Jobs tab (`#job-dbt-customer_orders`). */
export function jobAnchor(namespace: string, name: string): string {
  return `job-${`${namespace}-${name}`.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
}

/** The run state as a person reads it, and the badge class that colours it. */
export function runState(state: string | null | undefined): { label: string; cls: string } {
  switch ((state ?? "").toUpperCase()) {
    case "COMPLETE":
      return { label: "Completed", cls: "run-ok" };
    case "FAIL":
      return { label: "Failed", cls: "run-fail" };
    case "ABORT":
      return { label: "Aborted", cls: "run-abort" };
    case "START":
    case "RUNNING":
      return { label: "Running", cls: "run-running" };
    case "":
      return { label: "Unknown", cls: "run-other" };
    default:
      return { label: state!.charAt(0) + state!.slice(1).toLowerCase(), cls: "run-other" };
  }
}
