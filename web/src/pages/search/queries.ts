// The search page's GraphQL documents. Each asks only for what a result row shows:
// the page is timed from keystroke to rendered results, so every field costs. Facet
// counts (a pass over every match) are a separate request sent alongside the first page,
// so the rows never wait for them; "Show more" pages ask for hits alone. The box searches
// as the person types, so the last word also matches as a prefix (`prefix: true`).
import { graphql } from "../../gql";
import type { SearchFacetCountsQuery, SearchHitFieldsFragment } from "../../gql/graphql";

export const SearchResults = graphql(`
  query SearchResults($query: String!, $filter: SearchFilter, $first: Int!) {
    search(query: $query, filter: $filter, first: $first, prefix: true) {
      totalCount
      notice
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
  }
`);

/** Facet counts, asked beside the results so counting every match never delays them. */
export const SearchFacetCounts = graphql(`
  query SearchFacetCounts($query: String!, $filter: SearchFilter) {
    search(query: $query, filter: $filter, first: 1, prefix: true) {
      facets {
        platform {
          value
          count
        }
        namespace {
          value
          count
        }
        tag {
          value
          count
        }
        owner {
          value
          count
        }
        tier {
          value
          count
        }
      }
    }
  }
`);

export const SearchMore = graphql(`
  query SearchMore($query: String!, $filter: SearchFilter, $first: Int!, $after: String!) {
    search(query: $query, filter: $filter, first: $first, after: $after, prefix: true) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
  }
`);

graphql(`
  fragment SearchHitFields on SearchHit {
    type
    name
    namespace
    nodeId
    marks
    updatedAt
    explain {
      factor
      value
    }
    matchedColumns
    highlights {
      field
      fragment
    }
    dataset {
      platform
      description
      tier
      lastModifiedAt
      piiTags
      deprecation {
        note
        by
      }
      owners {
        name
        type
      }
    }
    job {
      description
      owners {
        name
        type
      }
    }
  }
`);

export const Suggest = graphql(`
  query Suggest($prefix: String!, $filter: SearchFilter) {
    suggest(prefix: $prefix, filter: $filter, first: 8) {
      kind
      namespace
      name
      nodeId
    }
  }
`);

/** The empty page: the gold datasets, most used first, and where else to look. */
export const SearchStart = graphql(`
  query SearchStart {
    gold: search(query: "", filter: { tier: "gold", type: DATASET }, first: 8) {
      totalCount
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
    namespaces(first: 50) {
      nodes {
        name
        description
      }
    }
  }
`);

export type SearchHit = SearchHitFieldsFragment;
export type SearchFacets = NonNullable<SearchFacetCountsQuery["search"]["facets"]>;
