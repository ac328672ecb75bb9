// Facet filters for the search page. The API filters on one value per facet, so each
// facet is a list of toggle buttons (aria-pressed) where choosing a value replaces the
// previous one and choosing it again lifts it; the counts are the server's, over every
// match of the current query and filters. Active filters are repeated above the results
// as removable chips, so they stay visible when the facet column is folded on a phone.
import { useState } from "react";
import type { SearchFacets } from "../pages/search/queries";

export type FacetKey = "platform" | "tier" | "owner" | "namespace" | "tag";
export type FacetSelection = Partial<Record<FacetKey, string>>;

export const FACETS: { key: FacetKey; label: string }[] = [
  { key: "platform", label: "Platform" },
  { key: "tier", label: "Tier" },
  { key: "owner", label: "Owner" },
  { key: "namespace", label: "Namespace" },
  { key: "tag", label: "Tag" },
];

const SHOWN = 6;

/** Owners read as people and teams (`alice`, team) rather than ids (`user:alice`). */
function FacetName({ facet, value }: { facet: FacetKey; value: string }) {
  const owner = facet === "owner" ? /^(user|team|group):(.+)$/.exec(value) : null;
  return (
    <span className="facet-name">
      {owner ? (
        <>
          {owner[2]} <span className="muted">{owner[1]}</span>
        </>
      ) : (
        value
      )}
    </span>
  );
}

function FacetGroup({
  facet,
  label,
  values,
  selected,
  onChoose,
}: {
  facet: FacetKey;
  label: string;
  values: { value: string; count: number }[];
  selected?: string;
  onChoose: (facet: FacetKey, value: string | undefined) => void;
}) {
  const [all, setAll] = useState(false);
  // A chosen value the counts no longer list (a shared link, a value with no matches
  // left) still shows, so it can be lifted where it was chosen.
  const list = selected && !values.some((v) => v.value === selected) ? [{ value: selected, count: 0 }, ...values] : values;
  if (list.length === 0) return null;
  const shown = all ? list : list.slice(0, SHOWN);
  const headingId = `facet-${facet}`;
  return (
    <section className="facet" aria-labelledby={headingId} data-facet={facet}>
      <h3 id={headingId}>{label}</h3>
      <ul>
        {shown.map((v) => {
          const on = v.value === selected;
          return (
            <li key={v.value}>
              <button
                type="button"
                className="facet-value"
                aria-pressed={on}
                title={v.value}
                onClick={() => onChoose(facet, on ? undefined : v.value)}
              >
                <FacetName facet={facet} value={v.value} />
                <span className="facet-count">
                  {v.count.toLocaleString()}
                  <span className="search-sr-only"> {v.count === 1 ? "match" : "matches"}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {list.length > SHOWN && (
        <button type="button" className="link facet-more" aria-expanded={all} onClick={() => setAll((a) => !a)}>
          {all ? "Show fewer" : `Show all ${list.length}`}
        </button>
      )}
    </section>
  );
}

export function SearchFacetList({
  facets,
  selected,
  onChoose,
  stale,
}: {
  facets?: SearchFacets;
  selected: FacetSelection;
  onChoose: (facet: FacetKey, value: string | undefined) => void;
  /** The counts are for an older query than the results shown. */
  stale: boolean;
}) {
  const groups = FACETS.map((f) => (
    <FacetGroup
      key={f.key}
      facet={f.key}
      label={f.label}
      values={facets?.[f.key] ?? []}
      selected={selected[f.key]}
      onChoose={onChoose}
    />
  ));
  return <div className={`facets${stale ? " stale" : ""}`}>{groups}</div>;
}

export function SearchChips({
  selected,
  onChoose,
  onClear,
}: {
  selected: FacetSelection;
  onChoose: (facet: FacetKey, value: string | undefined) => void;
  onClear: () => void;
}) {
  const active = FACETS.filter((f) => selected[f.key]);
  if (active.length === 0) return null;
  return (
    <ul className="search-chips" aria-label="Active filters" data-testid="search-chips">
      {active.map((f) => (
        <li key={f.key}>
          <button
            type="button"
            className="chip"
            aria-label={`Remove filter ${f.label}: ${selected[f.key]}`}
            onClick={() => onChoose(f.key, undefined)}
          >
            <span className="muted">{f.label}:</span> {selected[f.key]} <span aria-hidden="true">✕</span>
          </button>
        </li>
      ))}
      {active.length > 1 && (
        <li>
          <button type="button" className="link" onClick={onClear}>
            Clear all filters
          </button>
        </li>
      )}
    </ul>
  );
}

export type KindFilter = "all" | "dataset" | "job";

export function SearchTypeFilter({ value, onChange }: { value: KindFilter; onChange: (v: KindFilter) => void }) {
  const options: [KindFilter, string][] = [
    ["all", "All"],
    ["dataset", "Datasets"],
    ["job", "Jobs"],
  ];
  return (
    <fieldset className="search-type">
      <legend>Show</legend>
      {options.map(([v, label]) => (
        <label key={v} className={v === value ? "on" : undefined}>
          <input type="radio" name="search-type" value={v} checked={v === value} onChange={() => onChange(v)} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
