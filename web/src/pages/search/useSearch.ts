// Search as you type: one request for the rows per settled query (the caller
// debounces), the previous one aborted, and the last answer kept on screen until the next arrives — so the list
// never flashes empty between keystrokes. Every answer remembers which query it is for,
// which is what `data-query` on the results list reports. Facet counts come in their own
// request beside it, so the rows never wait for a count over every match. "Show more"
// appends the next page by cursor and is dropped if the query changed meanwhile.
import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "../../api/client";
import type { SearchFilter } from "../../gql/graphql";
import { SearchFacetCounts, SearchMore, SearchResults, type SearchFacets, type SearchHit } from "./queries";

const PAGE_SIZE = 20;

export interface SearchAnswer {
  /** The query text and filters these results are for. */
  key: string;
  query: string;
  hits: SearchHit[];
  totalCount: number;
  notice?: string | null;
  endCursor?: string | null;
  hasNextPage: boolean;
}

export interface SearchState {
  answer?: SearchAnswer;
  /** Facet counts, for `facetsKey`'s query and filters (they may lag the answer). */
  facets?: SearchFacets;
  facetsKey?: string;
  error?: unknown;
  /** A request for the current query is in flight (the answer shown may be older). */
  loading: boolean;
  loadingMore: boolean;
  moreError?: unknown;
  loadMore: () => void;
  retry: () => void;
}

export function useSearch(query: string, filter: SearchFilter, skip: boolean): SearchState {
  const key = JSON.stringify([query, filter]);
  const [answer, setAnswer] = useState<SearchAnswer>();
  const [facets, setFacets] = useState<{ key: string; facets?: SearchFacets }>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const [nonce, setNonce] = useState(0);
  const more = useRef<AbortController | null>(null);

  useEffect(() => {
    more.current?.abort();
    setLoadingMore(false);
    setMoreError(undefined);
    if (skip) {
      setAnswer(undefined);
      setError(undefined);
      setLoading(false);
      return;
    }
    const [q, f] = JSON.parse(key) as [string, SearchFilter];
    const ctl = new AbortController();
    setLoading(true);
    request(SearchResults, { query: q, filter: f, first: PAGE_SIZE }, ctl.signal).then(
      (data) => {
        const s = data.search;
        setAnswer({
          key,
          query: q,
          hits: s.edges.map((e) => e.node),
          totalCount: s.totalCount,
          notice: s.notice,
          endCursor: s.pageInfo.endCursor,
          hasNextPage: s.pageInfo.hasNextPage,
        });
        setError(undefined);
        setLoading(false);
      },
      (e) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    // Sent second: the rows are what the person waits for.
    request(SearchFacetCounts, { query: q, filter: f }, ctl.signal).then(
      (data) => setFacets({ key, facets: data.search.facets ?? undefined }),
      // Without counts the facet column stays as it was; the rows report errors.
      (e) => {
        if (!ctl.signal.aborted) console.warn("facet counts failed", e);
      },
    );
    return () => ctl.abort();
  }, [key, skip, nonce]);

  const loadMore = useCallback(() => {
    const a = answer;
    if (!a?.hasNextPage || !a.endCursor || loadingMore) return;
    const [q, f] = JSON.parse(a.key) as [string, SearchFilter];
    const ctl = new AbortController();
    more.current = ctl;
    setLoadingMore(true);
    setMoreError(undefined);
    request(SearchMore, { query: q, filter: f, first: PAGE_SIZE, after: a.endCursor }, ctl.signal).then(
      (data) => {
        const s = data.search;
        setAnswer((cur) =>
          cur && cur.key === a.key
            ? {
                ...cur,
                hits: [...cur.hits, ...s.edges.map((e) => e.node)],
                endCursor: s.pageInfo.endCursor,
                hasNextPage: s.pageInfo.hasNextPage,
              }
            : cur,
        );
        setLoadingMore(false);
      },
      (e) => {
        if (ctl.signal.aborted) return;
        setMoreError(e);
        setLoadingMore(false);
      },
    );
  }, [answer, loadingMore]);

  useEffect(() => () => more.current?.abort(), []);

  const retry = useCallback(() => setNonce((n) => n + 1), []);
  return {
    answer: skip ? undefined : answer,
    facets: skip ? undefined : facets?.facets,
    facetsKey: facets?.key,
    error,
    loading,
    loadingMore,
    moreError,
    loadMore,
    retry,
  };
}
