// What the search page shows before anything is typed: how ranking works in one
// paragraph, the gold datasets (an empty query under a filter lists by rank, so this is
// "the most used, best documented gold tables"), and the namespaces to browse. An empty
// catalog says how to fill it instead of showing nothing.
import { useQuery } from "../../api/useQuery";
import { ErrorMessage, Loading } from "../../components/common";
import { SearchHitItem } from "../../components/search-hit";
import { Link } from "../../router";
import { SearchStart as SearchStartQuery } from "./queries";

export function SearchStart() {
  const { data, error, loading, refetch } = useQuery(SearchStartQuery, {});
  const namespaces = data?.namespaces.nodes ?? [];
  const gold = data?.gold;
  return (
    <div className="search-start">
      <p className="search-intro">
        Matches are ranked by text relevance <em>times</em> what the catalog knows: how much a dataset is read, how
        much depends on it in the lineage graph, its tier, its documentation and how recently it was written — so the
        table everyone relies on comes before its stale copy. Typos are forgiven; column names and descriptions are
        searched too.
      </p>
      {error !== undefined && <ErrorMessage error={error} onRetry={refetch} />}
      {loading && !data && <Loading what="the catalog" />}
      {data && namespaces.length === 0 && (
        <div className="search-empty">
          <p>
            <strong>The catalog is empty.</strong> Point an OpenLineage producer (Airflow, dbt, Spark…) at this server —
            for the Python client, <code>OPENLINEAGE_URL={window.location.origin}</code> — or post an event to{" "}
            <code>/api/v1/lineage</code>; datasets appear here within a second.
          </p>
        </div>
      )}
      {gold && gold.edges.length > 0 && (
        <section aria-labelledby="start-gold">
          <h2 id="start-gold">Gold datasets, most relied on first</h2>
          <ol className="hits hits-compact">
            {gold.edges.map((e, i) => (
              <SearchHitItem key={e.node.nodeId ?? i} hit={e.node} compact />
            ))}
          </ol>
          {gold.totalCount > gold.edges.length && (
            <p>
              <Link to="/?type=dataset&tier=gold">All {gold.totalCount.toLocaleString()} gold datasets</Link>
            </p>
          )}
        </section>
      )}
      {namespaces.length > 0 && (
        <section aria-labelledby="start-namespaces">
          <h2 id="start-namespaces">Browse by namespace</h2>
          <ul className="start-namespaces">
            {namespaces.map((n) => (
              <li key={n.name}>
                <Link to={`/?namespace=${encodeURIComponent(n.name)}`} className="mono" title={n.description ?? undefined}>
                  {n.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
