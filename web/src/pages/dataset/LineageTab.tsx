// One hop each way, as lists: what this dataset is built from, what is built from it,
// by which jobs, and how far a change would reach (impact, with owners to tell). The
// graph itself is the lineage explorer's job; this tab links there prominently rather
// than drawing a second, smaller graph.
import { useState } from "react";
import { graphql } from "../../gql";
import type { DatasetLineageQuery } from "../../gql/graphql";
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading, Owners, TierBadge } from "../../components/common";
import { datasetNodeId, datasetPath, Link, lineagePath } from "../../router";
import { useDataset, useRefetchOnRefresh } from "./context";
import { jobAnchor } from "./format";

/** One hop of lineage as the tab lists it, the same upstream and downstream. */
graphql(`
  fragment OneHop on LineageGraph {
    truncated
    nodes {
      id
      type
      namespace
      name
      depth
      hiddenChildren
    }
    edges {
      src
      dst
      origin
      stale
      job {
        namespace
        name
      }
    }
  }
`);

const DatasetLineageQuery = graphql(`
  query DatasetLineage($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      id
      upstream(depth: 1, maxChildren: 100) {
        ...OneHop
      }
      downstream(depth: 1, maxChildren: 100) {
        ...OneHop
      }
      impact {
        datasets(first: 10) {
          totalCount
          nodes {
            id
            namespace
            name
            tier
            owners {
              name
            }
          }
        }
        columns(first: 1) {
          totalCount
        }
      }
    }
  }
`);

type Graph = NonNullable<DatasetLineageQuery["dataset"]>["upstream"];

interface Neighbour {
  id: string;
  namespace: string;
  name: string;
  jobs: { namespace: string; name: string }[];
  origins: Set<string>;
  stale: boolean;
}

/** The datasets one hop away, each with the jobs and edge origins that link it. */
function neighbours(g: Graph, self: string, dir: "up" | "down"): { list: Neighbour[]; hidden: number } {
  const byId = new Map<string, Neighbour>();
  for (const n of g.nodes) {
    if (n.id === self || n.type !== "DATASET" || n.depth !== 1) continue;
    byId.set(n.id, { id: n.id, namespace: n.namespace ?? "", name: n.name ?? n.id, jobs: [], origins: new Set(), stale: true });
  }
  for (const e of g.edges) {
    const other = dir === "up" ? e.src : e.dst;
    const n = byId.get(other);
    if (!n) continue;
    n.origins.add(e.origin);
    n.stale = n.stale && e.stale;
    if (e.job && !n.jobs.some((j) => j.namespace === e.job!.namespace && j.name === e.job!.name)) n.jobs.push(e.job);
  }
  const list = [...byId.values()];
  for (const n of list) if (n.origins.size === 0) n.stale = false;
  list.sort((a, b) => a.name.localeCompare(b.name));
  const hidden = g.nodes.find((n) => n.id === self)?.hiddenChildren ?? 0;
  return { list, hidden };
}

/** Neighbours listed before "Show all": a hub's hundred readers would bury the page. */
const FIRST = 15;

function NeighbourList({ title, items, hidden, dir, empty }: { title: string; items: Neighbour[]; hidden: number; dir: "up" | "down"; empty: string }) {
  const { namespace, name } = useDataset();
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, FIRST);
  return (
    <section className="ds-lineage-col" aria-labelledby={`ds-lineage-${dir}`}>
      <h2 id={`ds-lineage-${dir}`}>
        {title} <span className="muted">({items.length + hidden})</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="ds-neighbours" data-testid={`lineage-${dir}`}>
          {shown.map((n) => (
            <li key={n.id}>
              <Link to={datasetPath(n.namespace, n.name, "lineage")} className="ds-neighbour-name">
                {n.name}
              </Link>
              {n.namespace !== namespace && <span className="muted ds-neighbour-ns"> in {n.namespace}</span>}
              <div className="ds-neighbour-meta">
                {n.jobs.length > 0 ? (
                  <>
                    by{" "}
                    {n.jobs.map((j, i) => {
                      // A job that writes this dataset is listed on this dataset's Jobs tab;
                      // one that reads it, on the downstream dataset's.
                      const where = dir === "up" ? datasetPath(namespace, name, "jobs") : datasetPath(n.namespace, n.name, "jobs");
                      return (
                        <span key={`${j.namespace}:${j.name}`}>
                          {i > 0 && ", "}
                          <Link to={`${where}#${jobAnchor(j.namespace, j.name)}`}>{j.name}</Link>
                        </span>
                      );
                    })}
                  </>
                ) : (
                  <span className="muted">no job recorded</span>
                )}
                {[...n.origins].map((o) => (
                  <span key={o} className="badge ds-origin" title={o === "sql" ? "Derived from the job’s SQL" : o === "openlineage" ? "Declared by the producer (OpenLineage)" : `From ${o}`}>
                    {o === "sql" ? "from SQL" : o === "openlineage" ? "declared" : o}
                  </span>
                ))}
                {n.stale && (
                  <span className="badge badge-warn" title="No producer stated this edge lately">
                    stale
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {items.length > FIRST && (
        <button type="button" className="link" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? `Show the first ${FIRST}` : `Show all ${items.length}`}
        </button>
      )}
      {hidden > 0 && (
        <p className="muted">
          {hidden} more not listed: <Link to={lineagePath(datasetNodeId(namespace, name))}>see them in the explorer</Link>.
        </p>
      )}
    </section>
  );
}

export function LineageTab() {
  const { namespace, name } = useDataset();
  const q = useQuery(DatasetLineageQuery, { namespace, name });
  useRefetchOnRefresh(q.refetch);
  const self = datasetNodeId(namespace, name);

  const explorer = (
    <p className="ds-explorer-link">
      <Link to={lineagePath(self)} className="button primary" data-testid="open-lineage-explorer">
        Open in lineage explorer
      </Link>
      <Link to={lineagePath(self, { columnLevel: true })} className="ds-explorer-columns">
        Column-level view
      </Link>
    </p>
  );

  if (q.error && !q.data) return <ErrorMessage error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading what="lineage" />;
  const d = q.data.dataset;
  if (!d) return null;
  const up = neighbours(d.upstream, self, "up");
  const down = neighbours(d.downstream, self, "down");
  const impact = d.impact;

  return (
    <div className="ds-lineage">
      {explorer}
      <div className="ds-lineage-grid">
        <NeighbourList title="Built from" items={up.list} hidden={up.hidden} dir="up" empty="Nothing upstream is known: no job that writes it said what it reads." />
        <div className="ds-lineage-self" aria-hidden="true">
          <span>→</span>
          <strong>{name.split(".").pop()}</strong>
          <span>→</span>
        </div>
        <NeighbourList title="Used by" items={down.list} hidden={down.hidden} dir="down" empty="Nothing downstream is known to read it." />
      </div>
      <section className="ds-impact" aria-labelledby="ds-impact-title">
        <h2 id="ds-impact-title">Who a change would reach</h2>
        {impact.datasets.totalCount === 0 ? (
          <p className="muted">No dataset depends on this one.</p>
        ) : (
          <>
            <p>
              {impact.datasets.totalCount} dataset{impact.datasets.totalCount === 1 ? "" : "s"} and {impact.columns.totalCount} column
              {impact.columns.totalCount === 1 ? "" : "s"} downstream, at any depth. Tell their owners before changing this one.
            </p>
            <table className="ds-impact-table">
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Tier</th>
                  <th scope="col">Owners</th>
                </tr>
              </thead>
              <tbody>
                {impact.datasets.nodes.map((n) => (
                  <tr key={n.id}>
                    <td>{n.namespace && n.name ? <Link to={datasetPath(n.namespace, n.name)}>{n.name}</Link> : <code>{n.id}</code>}</td>
                    <td>{n.tier ? <TierBadge tier={n.tier} /> : <span className="muted">—</span>}</td>
                    <td>
                      <Owners owners={n.owners} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {impact.datasets.totalCount > impact.datasets.nodes.length && (
              <p className="muted">
                The {impact.datasets.totalCount - impact.datasets.nodes.length} others are in the <Link to={lineagePath(self)}>lineage explorer</Link>.
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
