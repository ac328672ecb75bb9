// The search page (`/` and `/search`), the first thing people see, so it is in the
// initial bundle and stays light: no graph code, and per settled query one request for
// the rows and one beside it for the facet counts.
//
// The URL is the state (`/?q=orders&platform=postgres&tier=gold&type=dataset`): a search
// can be shared, reloaded, and walked with Back/Forward. The box keeps its own text so
// typing is instant; each keystroke writes the URL by `replace`, except the first
// keystroke of a new search, which pushes one entry for it — so Back returns to the
// previous search, not to every prefix typed. Submitting settles that entry; a filter
// change pushes a new one. The results list carries `data-query` = the query its rows
// are for, which the keystroke-to-results benchmark waits on.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ErrorMessage, Loading } from "../../components/common";
import { SearchBox, type Suggestion } from "../../components/search-box";
import {
  FACETS,
  SearchChips,
  SearchFacetList,
  SearchTypeFilter,
  type FacetKey,
  type FacetSelection,
  type KindFilter,
} from "../../components/search-facets";
import { SearchHitItem } from "../../components/search-hit";
import type { SearchFilter } from "../../gql/graphql";
import { datasetPath, navigate, useLocation } from "../../router";
import { SearchNoResults } from "./SearchNoResults";
import { SearchStart } from "./SearchStart";
import { useSearch } from "./useSearch";
import "./search.css";

/** Keystrokes closer together than this are one burst, searched when it ends. */
const DEBOUNCE_MS = 100;

interface UrlState {
  q: string;
  kind: KindFilter;
  facets: FacetSelection;
}

function readUrl(search: URLSearchParams): UrlState {
  const t = search.get("type");
  const facets: FacetSelection = {};
  for (const f of FACETS) {
    const v = search.get(f.key);
    if (v) facets[f.key] = v;
  }
  return { q: search.get("q") ?? "", kind: t === "dataset" || t === "job" ? t : "all", facets };
}

function hrefOf(pathname: string, s: UrlState): string {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.kind !== "all") p.set("type", s.kind);
  for (const f of FACETS) {
    const v = s.facets[f.key];
    if (v) p.set(f.key, v);
  }
  const qs = p.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

/**
 * The query to search for, following the text typed: a keystroke after a pause is
 * searched at once; keystrokes in quick succession wait until the typing pauses, so a
 * burst costs one request, not one per letter.
 */
function useSettledQuery(initial: string): [string, (text: string, now?: boolean) => void] {
  const [query, setQuery] = useState(initial);
  const timer = useRef<number | undefined>(undefined);
  const last = useRef(0);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const follow = useCallback((text: string, now = false) => {
    const t = performance.now();
    const quiet = t - last.current >= DEBOUNCE_MS;
    last.current = t;
    window.clearTimeout(timer.current);
    if (now || quiet) setQuery(text);
    else timer.current = window.setTimeout(() => setQuery(text), DEBOUNCE_MS);
  }, []);
  return [query, follow];
}

export function SearchPage() {
  const loc = useLocation();
  const url = useMemo(() => readUrl(loc.search), [loc.search]);
  const [text, setText] = useState(url.q);
  const [query, follow] = useSettledQuery(url.q);
  // The query this page last wrote to the URL: a different one came from outside
  // (Back/Forward, a link) and replaces the text in the box.
  const written = useRef(url.q);
  // Whether the next keystroke starts a new search (pushes a history entry).
  const settled = useRef(true);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (url.q !== written.current) {
      written.current = url.q;
      settled.current = true;
      setText(url.q);
      follow(url.q, true);
    }
  }, [url.q]);

  const filter = useMemo<SearchFilter>(
    () => ({
      ...url.facets,
      ...(url.kind === "dataset" ? { type: "DATASET" } : url.kind === "job" ? { type: "JOB" } : {}),
    }),
    [url.facets, url.kind],
  );
  const anyFacet = FACETS.some((f) => url.facets[f.key]);
  // The index answers an empty query only under a filter (then it lists by rank).
  const idle = query.trim() === "" && !anyFacet;
  const search = useSearch(query, filter, idle);
  const answer = search.answer;
  // Typed but not yet answered: the shown rows (if any) are for an older query.
  const pending = search.loading || query !== text;

  useEffect(() => {
    document.title = url.q ? `${url.q} · Search · Weft` : "Search · Weft";
  }, [url.q]);

  useEffect(() => {
    if (!url.q) inputRef.current?.focus();
    // Only on arrival: focusing later would steal focus from the filters.
  }, []);

  const onType = (value: string) => {
    setText(value);
    follow(value);
    written.current = value;
    navigate(hrefOf(loc.pathname, { ...url, q: value }), { replace: !settled.current });
    settled.current = false;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    follow(text, true);
    written.current = text;
    const href = hrefOf(loc.pathname, { ...url, q: text });
    if (href !== loc.href) navigate(href, { replace: !settled.current });
    settled.current = true;
  };

  const onPick = (s: Suggestion) => {
    settled.current = true;
    if (s.kind === "DATASET" && s.namespace) {
      navigate(datasetPath(s.namespace, s.name));
    } else {
      // Jobs have no page of their own yet: search for the job by its name.
      written.current = s.name;
      setText(s.name);
      follow(s.name, true);
      navigate(hrefOf(loc.pathname, { ...url, q: s.name, kind: "job" }));
    }
  };

  const setFilters = useCallback(
    (next: Partial<UrlState>) => {
      settled.current = true;
      written.current = text;
      navigate(hrefOf(loc.pathname, { ...url, q: text, ...next }));
    },
    [loc.pathname, url, text],
  );
  const onChoose = useCallback(
    (facet: FacetKey, value: string | undefined) => setFilters({ facets: { ...url.facets, [facet]: value } }),
    [setFilters, url.facets],
  );

  const activeCount = FACETS.filter((f) => url.facets[f.key]).length;
  // The facet column keeps its place while counts are on their way (no jump when they
  // land) and folds away when there is nothing to filter by, or the search failed.
  const counts = search.facets;
  const hasFacets =
    anyFacet || (counts ? FACETS.some((f) => counts[f.key].length > 0) : search.error === undefined);

  return (
    <div className="search-page">
      <h1 className="search-sr-only">Search</h1>
      <form role="search" className="search-form" onSubmit={submit}>
        <SearchBox value={text} onChange={onType} onPick={onPick} filter={filter} inputRef={inputRef} />
      </form>

      {idle && text.trim() === "" ? (
        <SearchStart />
      ) : (
        <div className={`search-layout${hasFacets ? "" : " no-facets"}`}>
          {hasFacets && (
            <aside className={`search-filters${filtersOpen ? " open" : ""}`} aria-label="Filters">
              <button
                type="button"
                className="filters-toggle"
                aria-expanded={filtersOpen}
                onClick={() => setFiltersOpen((o) => !o)}
              >
                Filters{activeCount > 0 ? ` (${activeCount})` : ""}
              </button>
              <h2 className="filters-heading">Filter results</h2>
              <SearchFacetList
                facets={search.facets}
                selected={url.facets}
                onChoose={onChoose}
                stale={search.facetsKey !== answer?.key || pending}
              />
            </aside>
          )}

          <section className="search-results" aria-labelledby="results-heading" aria-busy={pending}>
            <div className="results-bar">
              <h2 id="results-heading" className="results-summary" aria-live="polite" data-testid="search-summary">
                {answer ? (
                  <>
                    {answer.totalCount.toLocaleString()} {answer.totalCount === 1 ? "result" : "results"}
                    {answer.query.trim() && (
                      <>
                        {" "}
                        for <q>{answer.query.trim()}</q>
                      </>
                    )}
                  </>
                ) : (
                  "Results"
                )}
              </h2>
              <SearchTypeFilter value={url.kind} onChange={(kind) => setFilters({ kind })} />
            </div>
            <SearchChips selected={url.facets} onChoose={onChoose} onClear={() => setFilters({ facets: {} })} />
            {answer?.notice && (
              <p className="notice" role="note">
                {answer.notice}
              </p>
            )}
            {search.error !== undefined && <ErrorMessage error={search.error} onRetry={search.retry} />}
            {!answer && search.error === undefined && <Loading what="results" />}
            {answer && (
              <ol
                className={`hits${pending ? " stale" : ""}`}
                data-testid="search-results"
                data-query={answer.query}
              >
                {answer.hits.map((h, i) => (
                  <SearchHitItem key={h.nodeId ?? `${h.type}:${i}`} hit={h} />
                ))}
              </ol>
            )}
            {answer && answer.hits.length === 0 && (
              <SearchNoResults
                query={answer.query.trim()}
                filter={filter}
                filtered={anyFacet || url.kind !== "all"}
                onClear={() => setFilters({ facets: {}, kind: "all" })}
              />
            )}
            {answer && answer.hasNextPage && (
              <div className="search-more">
                <button type="button" onClick={search.loadMore} disabled={search.loadingMore} data-testid="search-more">
                  {search.loadingMore ? "Loading…" : "Show more"}
                </button>
                <span className="muted">
                  Showing {answer.hits.length.toLocaleString()} of {answer.totalCount.toLocaleString()}
                </span>
              </div>
            )}
            {search.moreError !== undefined && <ErrorMessage error={search.moreError} onRetry={search.loadMore} />}
          </section>
        </div>
      )}
    </div>
  );
}
