// The lineage explorer's GraphQL documents. The graph grows one request at a time: the
// first view asks both directions around the focus in one round trip, an expansion asks
// one hop from one node, and column detail for the datasets on screen is asked in
// batches (one request per batch, never one per column).
import { graphql } from "../../gql";
import { TypedDocumentString, type LineageDatasetColumnsFragment } from "../../gql/graphql";

graphql(`
  fragment LineageEdgeFields on LineageEdge {
    src
    dst
    level
    origin
    job {
      namespace
      name
    }
    transformations {
      type
      subtype
      description
      masking
    }
    supportingEdges
    stale
  }
`);

graphql(`
  fragment LineageGraphFields on LineageGraph {
    truncated
    nodes {
      id
      type
      namespace
      name
      field
      depth
      usage
      hasColumnLineage
      hiddenChildren
    }
    edges {
      ...LineageEdgeFields
    }
  }
`);

/** Both directions around a node at once: the first view, and a column's full paths. */
export const NeighbourhoodDoc = graphql(`
  query LineageNeighbourhood($nodeId: String!, $depth: Int!, $maxChildren: Int) {
    up: lineage(nodeId: $nodeId, direction: UPSTREAM, depth: $depth, maxChildren: $maxChildren) {
      ...LineageGraphFields
    }
    down: lineage(nodeId: $nodeId, direction: DOWNSTREAM, depth: $depth, maxChildren: $maxChildren) {
      ...LineageGraphFields
    }
  }
`);

/** One more hop from one node, one way: an expansion, or "N more" with a larger cap. */
export const HopDoc = graphql(`
  query LineageHop($nodeId: String!, $direction: LineageDirection!, $maxChildren: Int!) {
    lineage(nodeId: $nodeId, direction: $direction, depth: 1, maxChildren: $maxChildren) {
      ...LineageGraphFields
    }
  }
`);

export const PathsDoc = graphql(`
  query LineagePaths($from: String!, $to: String!) {
    columnPaths(from: $from, to: $to, limit: 10, maxDepth: 20) {
      total
      paths {
        edges {
          ...LineageEdgeFields
        }
      }
    }
  }
`);

export const DetailsDoc = graphql(`
  query LineageDatasetDetails($namespace: String!, $name: String!) {
    dataset(namespace: $namespace, name: $name) {
      id
      namespace
      name
      type
      platform
      description
      tier
      deleted
      lastModifiedAt
      deprecation {
        note
      }
      owners {
        name
        type
      }
      columns(first: 100) {
        totalCount
        nodes {
          name
          tags {
            key
            status
          }
        }
      }
    }
  }
`);

/**
 * What column level needs of one dataset: its columns with their tags, and the column
 * edges leaving it (every edge between two datasets on screen leaves one of them).
 */
const DatasetColumnsFragment = graphql(`
  fragment LineageDatasetColumns on Dataset {
    id
    columns(first: 100) {
      totalCount
      nodes {
        name
        type
        tags {
          key
          status
        }
      }
    }
    downstream(columnLevel: true) {
      edges {
        ...LineageEdgeFields
      }
    }
  }
`);

/**
 * Datasets per column request: each costs about 520 against the server's complexity
 * limit of 20,000 (100 columns with their tags).
 */
export const COLUMN_BATCH = 25;

export type DatasetColumns = LineageDatasetColumnsFragment;

/**
 * One request for many datasets' columns: `d0: dataset(…) { ...LineageDatasetColumns }`
 * per dataset. The selection is the typed fragment above (checked against the schema at
 * build time); only the aliased list around it is built here, as no fixed document can
 * name a varying number of datasets.
 */
export function columnsBatchDoc(count: number) {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    vars.push(`$ns${i}: String!, $n${i}: String!`);
    fields.push(`d${i}: dataset(namespace: $ns${i}, name: $n${i}) { ...LineageDatasetColumns }`);
  }
  const text = `query LineageColumns(${vars.join(", ")}) {\n  ${fields.join("\n  ")}\n}\n${DatasetColumnsFragment.toString()}`;
  return new TypedDocumentString<Record<string, DatasetColumns | null>, Record<string, string>>(text);
}
