// One search result: everything that decides "is this the table I should use?" on a
// glance — what and where it is, who owns it, how trusted (tier), whether it holds
// personal data, how fresh, whether it is deprecated or looks abandoned — plus why it
// ranks where it does, one click away. Memoised: typing re-renders the list often, and a
// hit whose data did not change should cost nothing.
import { memo, useState } from "react";
import { datasetPath, Link } from "../router";
import { Owners, PiiBadge, RelativeTime, TierBadge } from "./common";
import { SearchExplain } from "./search-explain";
import { fragmentText, Highlighted } from "./search-highlight";
import type { SearchHit } from "../pages/search/queries";

const KIND: Record<string, string> = { DATASET: "Dataset", JOB: "Job", COLUMN: "Column" };

const MARKS: Record<string, { label: string; title: string; cls: string }> = {
  deprecated: { label: "Deprecated", title: "Marked deprecated: search ranks it lower", cls: "badge-deprecated" },
  zombie: {
    label: "Unused",
    title: "No reads in 90 days and nothing downstream: possibly abandoned",
    cls: "badge-warn",
  },
  temporary: {
    label: "Temporary?",
    title: "The name looks like a copy or a temporary table (_bak, tmp_…)",
    cls: "badge-warn",
  },
};

function Marks({ marks, deprecationNote }: { marks: string[]; deprecationNote?: string | null }) {
  return (
    <>
      {marks.map((m) => {
        const d = MARKS[m] ?? { label: m, title: m, cls: "badge-warn" };
        const title = m === "deprecated" && deprecationNote ? `${d.title}. ${deprecationNote}` : d.title;
        return (
          <span key={m} className={`badge ${d.cls}`} title={title}>
            {d.label}
          </span>
        );
      })}
    </>
  );
}

function MatchedColumns({ columns, fragment }: { columns: string[]; fragment?: string }) {
  if (columns.length === 0) return null;
  // The server's `columns` highlight lists the marked names joined by ", ".
  const marked = new Map((fragment ? fragment.split(", ") : []).map((f) => [fragmentText(f), f]));
  const shown = columns.slice(0, 8);
  return (
    <p className="hit-columns">
      <span className="muted">{columns.length === 1 ? "Column" : "Columns"}:</span>{" "}
      {shown.map((c, i) => {
        const f = marked.get(c);
        return (
          <span key={c}>
            {i > 0 && ", "}
            <code>{f ? <Highlighted fragment={f} /> : c}</code>
          </span>
        );
      })}
      {columns.length > shown.length && <span className="muted"> and {columns.length - shown.length} more</span>}
    </p>
  );
}

function HitImpl({ hit, compact = false }: { hit: SearchHit; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  const name = hit.name ?? "";
  const namespace = hit.namespace ?? "";
  const hl = (field: string) => hit.highlights.find((h) => h.field === field)?.fragment;
  const nameFragment = hl("name");
  const descFragment = hl("description");
  const ds = hit.dataset;
  const description = ds?.description ?? hit.job?.description;
  const owners = ds?.owners ?? hit.job?.owners ?? [];
  // A deprecation set by hand shows even before the index has re-ranked the dataset.
  const marks = ds?.deprecation && !hit.marks.includes("deprecated") ? ["deprecated", ...hit.marks] : hit.marks;
  const explainId = `explain-${hit.nodeId ?? `${hit.type}:${namespace}:${name}`}`;
  const title = nameFragment ? <Highlighted fragment={nameFragment} /> : name;

  return (
    <li className={`hit hit-${hit.type.toLowerCase()}${marks.length > 0 ? " hit-marked" : ""}`}>
      <div className="hit-head">
        <span className="hit-kind">{KIND[hit.type] ?? hit.type}</span>
        <h3 className="hit-name">
          {hit.type === "JOB" ? (
            <span className="mono">{title}</span>
          ) : (
            <Link to={datasetPath(namespace, name)} className="mono">
              {title}
            </Link>
          )}
        </h3>
        <TierBadge tier={ds?.tier} />
        <PiiBadge tags={ds?.piiTags ?? []} />
        <Marks marks={marks} deprecationNote={ds?.deprecation?.note} />
      </div>
      <p className="hit-meta">
        {ds?.platform && <span className="hit-platform">{ds.platform}</span>}
        <span className="hit-namespace mono" title={namespace}>
          {namespace}
        </span>
        <Owners owners={owners} />
        {ds ? (
          <span>
            {ds.lastModifiedAt ? (
              <>
                written <RelativeTime at={ds.lastModifiedAt} />
              </>
            ) : (
              <span className="muted">no run has written it</span>
            )}
          </span>
        ) : (
          hit.updatedAt && (
            <span>
              updated <RelativeTime at={hit.updatedAt} />
            </span>
          )
        )}
      </p>
      {ds?.deprecation?.note && (
        <p className="hit-deprecation">
          <strong>Deprecated:</strong> {ds.deprecation.note}
        </p>
      )}
      {(descFragment || description) && (
        <p className="hit-description" title={description ?? undefined}>
          {descFragment ? <Highlighted fragment={descFragment} /> : description}
        </p>
      )}
      {!compact && <MatchedColumns columns={hit.matchedColumns} fragment={hl("columns")} />}
      {!compact && hit.explain.length > 0 && (
        <>
          <button
            type="button"
            className="link hit-why"
            aria-expanded={open}
            aria-controls={open ? explainId : undefined}
            onClick={() => setOpen((o) => !o)}
          >
            Why this rank
          </button>
          {open && <SearchExplain id={explainId} factors={hit.explain} marks={marks} />}
        </>
      )}
    </li>
  );
}

export const SearchHitItem = memo(HitImpl);
