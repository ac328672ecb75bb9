// When nothing matches. Full-text search matches words (one typo forgiven; the last word
// from three letters also as a prefix), so a word typed too short or misspelt twice finds
// nothing while names starting with it may exist: those are offered first, from the
// same `suggest` the box uses. Then the ways out — drop the
// filters, fewer words, column names — instead of a bare "0 results".
import { useQuery } from "../../api/useQuery";
import type { SearchFilter } from "../../gql/graphql";
import { datasetPath, Link } from "../../router";
import { Suggest } from "./queries";

function searchHref(q: string, type?: string): string {
  const p = new URLSearchParams({ q });
  if (type) p.set("type", type);
  return `/?${p.toString()}`;
}

export function SearchNoResults({
  query,
  filter,
  filtered,
  onClear,
}: {
  query: string;
  filter: SearchFilter;
  filtered: boolean;
  onClear: () => void;
}) {
  // Suggestions are a bonus here: if they fail, the advice below still stands.
  const { data } = useQuery(Suggest, { prefix: query, filter }, { skip: !query });
  const names = data?.suggest ?? [];
  return (
    <div className="search-empty" data-testid="search-empty">
      <p>
        <strong>
          Nothing matches{query ? <> <q>{query}</q></> : null}
          {filtered ? " with these filters" : ""}.
        </strong>
      </p>
      {names.length > 0 && (
        <>
          <p>Names starting with <q>{query}</q>:</p>
          <ul className="empty-names">
            {names.map((s) => (
              <li key={s.nodeId}>
                <span className="suggestion-kind">{s.kind === "JOB" ? "Job" : "Dataset"}</span>{" "}
                <Link
                  className="mono"
                  to={s.kind === "DATASET" && s.namespace ? datasetPath(s.namespace, s.name) : searchHref(s.name, "job")}
                >
                  {s.name}
                </Link>{" "}
                {s.namespace && <span className="muted">{s.namespace}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <ul>
        {filtered && (
          <li>
            <button type="button" className="link" onClick={onClear}>
              Search without filters
            </button>
          </li>
        )}
        <li>Search matches words: finish the word, or use fewer words — each should match a name, a column or the description.</li>
        <li>One typo per word is forgiven already; check for two.</li>
        <li>
          Column names are searched too — try the field you need, such as <q>email</q> or <q>revenue</q>.
        </li>
        <li>A dataset appears once a producer has reported it: check its pipeline emits OpenLineage events.</li>
      </ul>
    </div>
  );
}
