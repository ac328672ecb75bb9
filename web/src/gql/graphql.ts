/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * Implement the DateTime<Utc> scalar
   *
   * The input/output is a string in RFC3339 format.
   */
  DateTime: { input: string; output: string; }
  /** A scalar that can represent any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

/** One entry of the change log. */
export type Change = {
  __typename?: 'Change';
  /** Who caused it (a token's name, `anonymous`, a crawler). */
  actor: Scalars['String']['output'];
  /** When it was committed. */
  at?: Maybe<Scalars['DateTime']['output']>;
  /** What it is about: `dataset:NS:NAME`, `column:NS:NAME:FIELD`, `run:UUID`, … */
  entity: Scalars['String']['output'];
  /** `openlineage.run`, `catalog.edit`, `tag.review`, … */
  kind: Scalars['String']['output'];
  /** The namespace it belongs to. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** The input as recorded (null once redacted for erasure). */
  payload?: Maybe<Scalars['JSON']['output']>;
  /** Position in the log; resume a feed after it. */
  seq: Scalars['Int']['output'];
};

export type ChangeConnection = {
  __typename?: 'ChangeConnection';
  /** A list of edges. */
  edges: Array<ChangeEdge>;
  /**
   * The newest sequence number in the log (whatever the filters): a client that has
   * read up to here is caught up.
   */
  lastSeq: Scalars['Int']['output'];
  /** A list of nodes. */
  nodes: Array<Change>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type ChangeEdge = {
  __typename?: 'ChangeEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Change;
};

/** Which changes a subscriber wants; every given condition must hold. */
export type ChangeFilter = {
  /** Only entities starting with this (`dataset:postgres://db:5432:shop.`). */
  entityPrefix?: InputMaybe<Scalars['String']['input']>;
  /** Only these kinds (`openlineage.run`, `catalog.edit`, `tag.review`…). */
  kinds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Only this namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

export type Column = {
  __typename?: 'Column';
  /** The dataset it belongs to. */
  dataset: Dataset;
  /** The description: an owner's, else the producer's. */
  description?: Maybe<Scalars['String']['output']>;
  /** The columns computed from it, `depth` levels down. */
  downstream: LineageGraph;
  /** `datasetField:NAMESPACE:NAME:FIELD`. */
  id: Scalars['ID']['output'];
  /** Everything downstream of the column. */
  impact: Impact;
  /** The field name (dotted for nested fields: `address.city`). */
  name: Scalars['String']['output'];
  /** Position in the schema, from 0. */
  ordinal: Scalars['Int']['output'];
  /**
   * Its tags with status and origin: declared, detected, added by hand, or
   * propagated along lineage (rejected ones included, marked so).
   */
  tags: Array<ColumnTag>;
  /** The type as the producer names it. */
  type?: Maybe<Scalars['String']['output']>;
  /** The columns it is computed from, `depth` levels up. */
  upstream: LineageGraph;
  /** Reads and writes of this column counted from query logs over the last `days` days. */
  usage: ColumnUsage;
};


export type ColumnDownstreamArgs = {
  depth?: Scalars['Int']['input'];
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
};


export type ColumnUpstreamArgs = {
  depth?: Scalars['Int']['input'];
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
};


export type ColumnUsageArgs = {
  days?: Scalars['Int']['input'];
};

export type ColumnConnection = {
  __typename?: 'ColumnConnection';
  /** A list of edges. */
  edges: Array<ColumnEdge>;
  /** A list of nodes. */
  nodes: Array<Column>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type ColumnEdge = {
  __typename?: 'ColumnEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Column;
};

/** A column by name. */
export type ColumnName = {
  __typename?: 'ColumnName';
  /** Dataset. */
  dataset: Scalars['String']['output'];
  /** Column. */
  field: Scalars['String']['output'];
  /** Node id. */
  id: Scalars['String']['output'];
  /** Namespace. */
  namespace: Scalars['String']['output'];
};

export type ColumnNameConnection = {
  __typename?: 'ColumnNameConnection';
  /** A list of edges. */
  edges: Array<ColumnNameEdge>;
  /** A list of nodes. */
  nodes: Array<ColumnName>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type ColumnNameEdge = {
  __typename?: 'ColumnNameEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: ColumnName;
};

export type ColumnPath = {
  __typename?: 'ColumnPath';
  edges: Array<LineageEdge>;
};

export type ColumnPaths = {
  __typename?: 'ColumnPaths';
  paths: Array<ColumnPath>;
  total: Scalars['Int']['output'];
};

export type ColumnTag = {
  __typename?: 'ColumnTag';
  /** Declared by a producer. */
  declared: Scalars['Boolean']['output'];
  /** The detection rule that proposed it. */
  detectedBy?: Maybe<Scalars['String']['output']>;
  /**
   * Why the column carries the tag: up to `paths` lineage paths from where it
   * starts, each hop with the rule that carried it, and the latest review.
   */
  explanation: TagExplanation;
  /** The key (`pii.email`). */
  key: Scalars['String']['output'];
  /** Added by hand. */
  manual: Scalars['Boolean']['output'];
  /** `declared`, `manual`, `detected`, `propagated` or `reviewed`. */
  origin: Scalars['String']['output'];
  /** Reached along lineage from another column. */
  propagated: Scalars['Boolean']['output'];
  /** `proposed`, `confirmed` or `rejected`. */
  status: Scalars['String']['output'];
};


export type ColumnTagExplanationArgs = {
  paths?: Scalars['Int']['input'];
};

/** A column's usage. */
export type ColumnUsage = {
  __typename?: 'ColumnUsage';
  /** The column. */
  name: Scalars['String']['output'];
  /** Reads. */
  reads: Scalars['Int']['output'];
  /** Distinct users. */
  users: Scalars['Int']['output'];
  /** Writes. */
  writes: Scalars['Int']['output'];
};

export type Dataset = {
  __typename?: 'Dataset';
  /** One current column by name. */
  column?: Maybe<Column>;
  /** The current columns, in schema order. */
  columns: ColumnConnection;
  /** First seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** The current schema version (0 before any schema was seen). */
  currentVersion: Scalars['Int']['output'];
  /** Whether the source dropped it (its history stays). */
  deleted: Scalars['Boolean']['output'];
  /** Set when someone deprecated the dataset. */
  deprecation?: Maybe<Deprecation>;
  /** The description: an owner's, else the producer's. */
  description?: Maybe<Scalars['String']['output']>;
  /** What is built from it, `depth` levels down; `columnLevel` traverses each column. */
  downstream: LineageGraph;
  /** One facet by name, as its producer sent it. */
  facet?: Maybe<Scalars['JSON']['output']>;
  /** Every facet as its producer sent it, by name (unknown facets included). */
  facets: Scalars['JSON']['output'];
  history: ChangeConnection;
  /** `dataset:NAMESPACE:NAME`, the node id the REST lineage endpoints take. */
  id: Scalars['ID']['output'];
  /** Everything downstream, with owners and tiers: who to tell before changing it. */
  impact: Impact;
  jobs: Array<DatasetJob>;
  /** When a completed run last wrote it: its freshness. */
  lastModifiedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The last lifecycle change a producer reported (`CREATE`, `ALTER`, `DROP`…). */
  lifecycleState?: Maybe<Scalars['String']['output']>;
  /** The name within its namespace (`shop.public.orders`). */
  name: Scalars['String']['output'];
  /** The namespace (`postgres://db:5432`). */
  namespace: Scalars['String']['output'];
  /** Owners: those set by hand, else the producer's. */
  owners: Array<Owner>;
  piiTags: Array<Scalars['String']['output']>;
  /** The platform, from the namespace's scheme (`postgres`, `s3`). */
  platform?: Maybe<Scalars['String']['output']>;
  /** Tags on the dataset itself (column tags are on each column). */
  tags: Array<Tag>;
  /** The tier (`gold`), from a `tier` tag; one set by hand wins. */
  tier?: Maybe<Scalars['String']['output']>;
  /** `DB_TABLE`, `VIEW`, … */
  type: Scalars['String']['output'];
  /** Last changed in the catalog. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** What it is built from, `depth` levels up; `columnLevel` traverses each column. */
  upstream: LineageGraph;
  /** Reads and writes counted from query logs over the last `days` days. */
  usage: Usage;
  /** Schema versions, newest first. */
  versions: SchemaVersionConnection;
};


export type DatasetColumnArgs = {
  name: Scalars['String']['input'];
};


export type DatasetColumnsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type DatasetDownstreamArgs = {
  columnLevel?: Scalars['Boolean']['input'];
  depth?: Scalars['Int']['input'];
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
};


export type DatasetFacetArgs = {
  name: Scalars['String']['input'];
};


export type DatasetHistoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type DatasetUpstreamArgs = {
  columnLevel?: Scalars['Boolean']['input'];
  depth?: Scalars['Int']['input'];
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
};


export type DatasetUsageArgs = {
  days?: Scalars['Int']['input'];
};


export type DatasetVersionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type DatasetConnection = {
  __typename?: 'DatasetConnection';
  /** A list of edges. */
  edges: Array<DatasetEdge>;
  /** A list of nodes. */
  nodes: Array<Dataset>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type DatasetEdge = {
  __typename?: 'DatasetEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Dataset;
};

/** Which datasets `datasets` lists. */
export type DatasetFilter = {
  /** Include datasets the source dropped. */
  includeDeleted?: Scalars['Boolean']['input'];
  /** Only names containing this text (case-insensitive). */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Only this namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Only datasets this owner owns (`user:alice`, or just `alice`). */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Only datasets carrying this dataset-level tag key. */
  tag?: InputMaybe<Scalars['String']['input']>;
};

export type DatasetJob = {
  __typename?: 'DatasetJob';
  job: Job;
  role: JobRole;
};

/** A dataset version a run read or wrote. */
export type DatasetVersionRef = {
  __typename?: 'DatasetVersionRef';
  /** Name. */
  name: Scalars['String']['output'];
  /** Namespace. */
  namespace: Scalars['String']['output'];
  /** Schema version. */
  version: Scalars['Int']['output'];
};

/** A dataset's (or column's) usage on one day, as the APIs show it (REST and GraphQL). */
export type DayUsage = {
  __typename?: 'DayUsage';
  /** `YYYY-MM-DD`. */
  day: Scalars['String']['output'];
  /** Distinct statements that day. */
  queries: Scalars['Int']['output'];
  /** Executions that read it. */
  reads: Scalars['Int']['output'];
  /** Distinct users that day. */
  users: Scalars['Int']['output'];
  /** Executions that wrote it. */
  writes: Scalars['Int']['output'];
};

/** A dataset marked deprecated. */
export type Deprecation = {
  __typename?: 'Deprecation';
  /** When. */
  at?: Maybe<Scalars['DateTime']['output']>;
  /** Who deprecated it. */
  by: Scalars['String']['output'];
  /** Why, and what to use instead. */
  note?: Maybe<Scalars['String']['output']>;
};

/** One path a tag took. */
export type ExplanationPath = {
  __typename?: 'ExplanationPath';
  /** The hops, upstream first. */
  hops: Array<Hop>;
  /** How it got there: declared, manual, detected (with the rule), confirmed. */
  source: Array<TagSourceInfo>;
  /** The column where the path starts. */
  start: Scalars['String']['output'];
  /** The tag there. */
  startTag: Scalars['String']['output'];
};

/** Counts of one facet's values. */
export type FacetCount = {
  __typename?: 'FacetCount';
  /** Matching documents with it. */
  count: Scalars['Int']['output'];
  /** The value. */
  value: Scalars['String']['output'];
};

/** A matched fragment. */
export type Highlight = {
  __typename?: 'Highlight';
  /** The field. */
  field: Scalars['String']['output'];
  /** HTML-escaped text with `<b>` around matches. */
  fragment: Scalars['String']['output'];
};

/** One hop of a tag path. */
export type Hop = {
  __typename?: 'Hop';
  /** Upstream column id. */
  from: Scalars['String']['output'];
  /** The job behind the edge. */
  job?: Maybe<JobRef>;
  /** `openlineage`, `sql`, … */
  origin: Scalars['String']['output'];
  /** The rule that carried it (`identity`, `masking`, …). */
  rule: Scalars['String']['output'];
  /** The tag upstream. */
  tagIn: Scalars['String']['output'];
  /** The tag downstream (a hash of an email is `pii.email.hashed`). */
  tagOut: Scalars['String']['output'];
  /** Downstream column id. */
  to: Scalars['String']['output'];
  /** The rule in words. */
  why: Scalars['String']['output'];
};

/** Everything downstream of a node: who to tell before changing it. */
export type Impact = {
  __typename?: 'Impact';
  /** Downstream columns. */
  columns: ColumnNameConnection;
  /** Downstream datasets with owners and tier. */
  datasets: ImpactedDatasetConnection;
  /** The start. */
  node: Scalars['String']['output'];
};


/** Everything downstream of a node: who to tell before changing it. */
export type ImpactColumnsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Everything downstream of a node: who to tell before changing it. */
export type ImpactDatasetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A downstream dataset. */
export type ImpactedDataset = {
  __typename?: 'ImpactedDataset';
  /** Node id. */
  id: Scalars['String']['output'];
  /** Name. */
  name?: Maybe<Scalars['String']['output']>;
  /** Namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** Owners. */
  owners: Array<Owner>;
  /** Tier. */
  tier?: Maybe<Scalars['String']['output']>;
};

export type ImpactedDatasetConnection = {
  __typename?: 'ImpactedDatasetConnection';
  /** A list of edges. */
  edges: Array<ImpactedDatasetEdge>;
  /** A list of nodes. */
  nodes: Array<ImpactedDataset>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type ImpactedDatasetEdge = {
  __typename?: 'ImpactedDatasetEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: ImpactedDataset;
};

/** The outcome of `ingestOpenLineage`. */
export type IngestResult = {
  __typename?: 'IngestResult';
  /** What the event is about (`run:UUID`, `dataset:NS:NAME`). */
  entity: Scalars['String']['output'];
  /** The change-log entry, when applied. */
  seq?: Maybe<Scalars['Int']['output']>;
  /** Applied or duplicate. */
  status: IngestStatus;
};

/** What an ingested event did. */
export type IngestStatus =
  /** Appended to the change log and applied. */
  | 'APPLIED'
  /** Already in the log (a retried delivery): nothing written. */
  | 'DUPLICATE';

export type Job = {
  __typename?: 'Job';
  /** First seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Description. */
  description?: Maybe<Scalars['String']['output']>;
  /** Every job facet, as sent. */
  facets: Scalars['JSON']['output'];
  /** `job:NAMESPACE:NAME`. */
  id: Scalars['ID']['output'];
  /** Datasets it reads. */
  inputs: DatasetConnection;
  /** Its latest run. */
  latestRun?: Maybe<Run>;
  /** Source code location. */
  location?: Maybe<Scalars['String']['output']>;
  /** Name. */
  name?: Maybe<Scalars['String']['output']>;
  /** Namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** Datasets it writes. */
  outputs: DatasetConnection;
  /** Owners. */
  owners: Array<Owner>;
  /** Its runs, newest first. */
  runs: RunConnection;
  /** Its SQL, when a producer sent it. */
  sql?: Maybe<Scalars['String']['output']>;
  sqlLineage?: Maybe<SqlLineage>;
  /** `BATCH`, `STREAMING`… */
  type?: Maybe<Scalars['String']['output']>;
  /** Last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


export type JobInputsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type JobOutputsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type JobRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type JobConnection = {
  __typename?: 'JobConnection';
  /** A list of edges. */
  edges: Array<JobEdge>;
  /** A list of nodes. */
  nodes: Array<Job>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type JobEdge = {
  __typename?: 'JobEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Job;
};

/** A job by name. */
export type JobRef = {
  __typename?: 'JobRef';
  /** Name. */
  name: Scalars['String']['output'];
  /** Namespace. */
  namespace: Scalars['String']['output'];
};

export type JobRole =
  | 'READS'
  | 'WRITES';

/** Which way to follow lineage. */
export type LineageDirection =
  /** Towards consumers. */
  | 'DOWNSTREAM'
  /** Towards sources. */
  | 'UPSTREAM';

/** An edge of a lineage subgraph. */
export type LineageEdge = {
  __typename?: 'LineageEdge';
  /** Downstream node id. */
  dst: Scalars['String']['output'];
  /** The job that makes it. */
  job?: Maybe<JobRef>;
  /** `column`, `columnToDataset` or `dataset`. */
  level: Scalars['String']['output'];
  /** `openlineage`, `sql`, `manual`… */
  origin: Scalars['String']['output'];
  /** Upstream node id. */
  src: Scalars['String']['output'];
  /** Whether no producer stated it lately. */
  stale: Scalars['Boolean']['output'];
  /** Column edges behind a dataset edge. */
  supportingEdges: Scalars['Int']['output'];
  /** OpenLineage transformations. */
  transformations: Array<Transformation>;
};

/** A lineage subgraph. */
export type LineageGraph = {
  __typename?: 'LineageGraph';
  /** `upstream` or `downstream`. */
  direction: Scalars['String']['output'];
  /** Edges between them. */
  edges: Array<LineageEdge>;
  /** Datasets and columns reached, with their depth. */
  nodes: Array<LineageNode>;
  /** Whether a node or child cap cut the traversal. */
  truncated: Scalars['Boolean']['output'];
};

/** A node of a lineage subgraph. */
export type LineageNode = {
  __typename?: 'LineageNode';
  /** Hops from the start. */
  depth: Scalars['Int']['output'];
  /** Column, for a column node. */
  field?: Maybe<Scalars['String']['output']>;
  /** For a dataset node, whether any column lineage reaches it; null for a column node. */
  hasColumnLineage?: Maybe<Scalars['Boolean']['output']>;
  /** Children left out by the per-node cap. */
  hiddenChildren: Scalars['Int']['output'];
  /** `dataset:…` or `datasetField:…`. */
  id: Scalars['String']['output'];
  /** Dataset name. */
  name?: Maybe<Scalars['String']['output']>;
  /** Namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** `DATASET` or `DATASET_FIELD`. */
  type: Scalars['String']['output'];
  usage: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Adds a tag by hand: to the dataset, or (with `column`) to a column, where it is
   * a source like a declared tag and flows downstream when its kind propagates
   * (`pii.*` by default; see `propagation` in the PII rules). A column tag needs the
   * `review` scope.
   */
  addTag: Dataset;
  /**
   * Marks a dataset deprecated (or, with `deprecated: false`, lifts the mark). Search
   * ranks deprecated datasets lower.
   */
  deprecateDataset: Dataset;
  /**
   * Records one OpenLineage event (RunEvent, DatasetEvent or JobEvent), exactly as
   * `POST /api/v1/lineage` would.
   */
  ingestOpenLineage: IngestResult;
  /**
   * Removes a tag added by hand (a producer's tag is changed at the producer; on a
   * column, reject it instead).
   */
  removeTag: Dataset;
  /**
   * Decides on a tag at a column: confirm, reject or clear. With authentication on,
   * only the dataset's owners may decide (when it has owners); the token's name is
   * the reviewer. With it off, `reviewer` names who decides.
   */
  reviewTag: Column;
  reviewTags: ReviewOutcome;
  /**
   * Sets the description of a dataset, or of one of its columns; null or empty
   * returns to the producer's.
   */
  setDescription: Dataset;
  /** Replaces the dataset's owners; an empty list returns to the producer's. */
  setOwners: Dataset;
  /** Sets the dataset's tier (`gold`, `silver`, `bronze`…); null removes it. */
  setTier: Dataset;
};


export type MutationAddTagArgs = {
  column?: InputMaybe<Scalars['String']['input']>;
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewer?: InputMaybe<Scalars['String']['input']>;
  tag: Scalars['String']['input'];
  value?: InputMaybe<Scalars['String']['input']>;
};


export type MutationDeprecateDatasetArgs = {
  dataset: Scalars['String']['input'];
  deprecated?: Scalars['Boolean']['input'];
  namespace: Scalars['String']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationIngestOpenLineageArgs = {
  event: Scalars['JSON']['input'];
};


export type MutationRemoveTagArgs = {
  column?: InputMaybe<Scalars['String']['input']>;
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewer?: InputMaybe<Scalars['String']['input']>;
  tag: Scalars['String']['input'];
};


export type MutationReviewTagArgs = {
  column: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  decision: ReviewDecision;
  namespace: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewer?: InputMaybe<Scalars['String']['input']>;
  tag: Scalars['String']['input'];
};


export type MutationReviewTagsArgs = {
  decision: ReviewDecision;
  items: Array<ReviewTarget>;
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewer?: InputMaybe<Scalars['String']['input']>;
};


export type MutationSetDescriptionArgs = {
  column?: InputMaybe<Scalars['String']['input']>;
  dataset: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
};


export type MutationSetOwnersArgs = {
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  owners: Array<OwnerInput>;
};


export type MutationSetTierArgs = {
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  tier?: InputMaybe<Scalars['String']['input']>;
};

/** A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs. */
export type Namespace = {
  __typename?: 'Namespace';
  /** First seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Its datasets, by name. */
  datasets: DatasetConnection;
  /** Description. */
  description?: Maybe<Scalars['String']['output']>;
  /** Events received. */
  events: Scalars['Int']['output'];
  /** Its jobs, by name. */
  jobs: JobConnection;
  /** Name. */
  name: Scalars['String']['output'];
  /** Owner. */
  ownerName?: Maybe<Scalars['String']['output']>;
  /** Run events received. */
  runEvents: Scalars['Int']['output'];
  /** Last event. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs. */
export type NamespaceDatasetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs. */
export type NamespaceJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type NamespaceConnection = {
  __typename?: 'NamespaceConnection';
  /** A list of edges. */
  edges: Array<NamespaceEdge>;
  /** A list of nodes. */
  nodes: Array<Namespace>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type NamespaceEdge = {
  __typename?: 'NamespaceEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Namespace;
};

/** A person or team responsible for a dataset. */
export type Owner = {
  __typename?: 'Owner';
  /** `user:alice`, `team:data-eng`. */
  name: Scalars['String']['output'];
  /** `MAINTAINER`, `DATA_STEWARD`… when given. */
  type?: Maybe<Scalars['String']['output']>;
};

/** An owner to set. */
export type OwnerInput = {
  /** `user:alice`, `team:data-eng`. */
  name: Scalars['String']['input'];
  /** `MAINTAINER`, `DATA_STEWARD`… */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Information about pagination in a connection */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** When paginating forwards, the cursor to continue. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** When paginating forwards, are there more items? */
  hasNextPage: Scalars['Boolean']['output'];
  /** When paginating backwards, are there more items? */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** When paginating backwards, the cursor to continue. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * The change log after `since` (a sequence number; 0 for the beginning), oldest
   * first. Each edge's cursor is its sequence number, so `after` resumes a feed.
   */
  changes: ChangeConnection;
  /** One column of a dataset's current schema. */
  column?: Maybe<Column>;
  columnPaths: ColumnPaths;
  /** One dataset by namespace and name. */
  dataset?: Maybe<Dataset>;
  /** Datasets, by namespace then name. */
  datasets: DatasetConnection;
  /** Everything downstream of a node, with owners and tiers. */
  impact: Impact;
  /** One job. */
  job?: Maybe<Job>;
  /** Lineage from any node (`dataset:NS:NAME` or `datasetField:NS:NAME:FIELD`). */
  lineage: LineageGraph;
  /** One namespace. */
  namespace?: Maybe<Namespace>;
  /** Every namespace, by name. */
  namespaces: NamespaceConnection;
  /**
   * Tags at columns awaiting review (or past it), filtered by the dataset's owner
   * (`owner`, or `unowned: true`), tag prefix and status.
   */
  piiReviewQueue: ReviewItemConnection;
  /** One run, by its id (or the id its producer sent). */
  run?: Maybe<Run>;
  /**
   * Full-text search over datasets, jobs and columns, ranked by relevance times
   * real usage and lineage centrality; `explain` on each hit says how.
   */
  search: SearchHitConnection;
  suggest: Array<Suggestion>;
  viewer: Viewer;
};


export type QueryChangesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  entityPrefix?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  since?: Scalars['Int']['input'];
};


export type QueryColumnArgs = {
  dataset: Scalars['String']['input'];
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryColumnPathsArgs = {
  from: Scalars['String']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  maxDepth?: InputMaybe<Scalars['Int']['input']>;
  to: Scalars['String']['input'];
};


export type QueryDatasetArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryDatasetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<DatasetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryImpactArgs = {
  nodeId: Scalars['String']['input'];
};


export type QueryJobArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryLineageArgs = {
  depth?: Scalars['Int']['input'];
  direction: LineageDirection;
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
  nodeId: Scalars['String']['input'];
};


export type QueryNamespaceArgs = {
  name: Scalars['String']['input'];
};


export type QueryNamespacesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPiiReviewQueueArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  owner?: InputMaybe<Scalars['String']['input']>;
  status?: ReviewStatus;
  tag?: InputMaybe<Scalars['String']['input']>;
  unowned?: Scalars['Boolean']['input'];
};


export type QueryRunArgs = {
  id: Scalars['String']['input'];
};


export type QuerySearchArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SearchFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


export type QuerySuggestArgs = {
  filter?: InputMaybe<SearchFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  prefix: Scalars['String']['input'];
};

/** A review decision. */
export type Review = {
  __typename?: 'Review';
  /** When. */
  at?: Maybe<Scalars['DateTime']['output']>;
  /** Why. */
  reason?: Maybe<Scalars['String']['output']>;
  /** Who decided. */
  reviewer: Scalars['String']['output'];
  /** Its change-log entry. */
  seq: Scalars['Int']['output'];
};

/** A decision on a tag at a column. */
export type ReviewDecision =
  /** Forget an earlier decision. */
  | 'CLEAR'
  /** The tag is right: pin it. */
  | 'CONFIRM'
  /** The tag is wrong here: remove it and what it reached only through here. */
  | 'REJECT';

export type ReviewEffect = {
  __typename?: 'ReviewEffect';
  changed: Array<ColumnName>;
  gained: Scalars['Int']['output'];
  kept: Scalars['Int']['output'];
  lost: Scalars['Int']['output'];
};

export type ReviewItem = {
  __typename?: 'ReviewItem';
  /** The column, with its tags and their explanations. */
  column?: Maybe<Column>;
  /** The column's node id. */
  columnId?: Maybe<Scalars['String']['output']>;
  /** Dataset. */
  datasetName?: Maybe<Scalars['String']['output']>;
  /** Column. */
  field?: Maybe<Scalars['String']['output']>;
  /** Namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** `declared`, `manual`, `detected`, `propagated`, `reviewed`. */
  origin?: Maybe<Scalars['String']['output']>;
  /** The dataset's owners, who decide. */
  owners: Array<Owner>;
  /** `proposed`, `confirmed`, `rejected`. */
  status?: Maybe<Scalars['String']['output']>;
  /** The tag. */
  tag?: Maybe<Scalars['String']['output']>;
  /** Nobody owns the dataset. */
  unowned: Scalars['Boolean']['output'];
};

export type ReviewItemConnection = {
  __typename?: 'ReviewItemConnection';
  /** A list of edges. */
  edges: Array<ReviewItemEdge>;
  /** A list of nodes. */
  nodes: Array<ReviewItem>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type ReviewItemEdge = {
  __typename?: 'ReviewItemEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: ReviewItem;
};

export type ReviewOutcome = {
  __typename?: 'ReviewOutcome';
  columns: Array<Column>;
  effect: ReviewEffect;
};

/** Review status filter. */
export type ReviewStatus =
  /** Any status. */
  | 'ANY'
  /** Confirmed. */
  | 'CONFIRMED'
  /** Awaiting review. */
  | 'PROPOSED'
  /** Rejected. */
  | 'REJECTED';

export type ReviewTarget = {
  column: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  tag: Scalars['String']['input'];
};

export type Run = {
  __typename?: 'Run';
  /** First seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Duration in milliseconds, once ended. */
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** Ended. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The id as the producer sent it. */
  externalId?: Maybe<Scalars['String']['output']>;
  /** Every run facet, as sent. */
  facets: Scalars['JSON']['output'];
  /** The run id (a UUID). */
  id?: Maybe<Scalars['String']['output']>;
  /** Dataset versions read. */
  inputs: Array<DatasetVersionRef>;
  /** The job. */
  job?: Maybe<Job>;
  /** Scheduled window end. */
  nominalEndTime?: Maybe<Scalars['DateTime']['output']>;
  /** Scheduled window start. */
  nominalStartTime?: Maybe<Scalars['DateTime']['output']>;
  /** Dataset versions written. */
  outputs: Array<DatasetVersionRef>;
  /** The parent run, from the parent facet. */
  parentRunId?: Maybe<Scalars['String']['output']>;
  /** Started. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** `START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`, `OTHER`, `NEW`. */
  state?: Maybe<Scalars['String']['output']>;
  /** Last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type RunConnection = {
  __typename?: 'RunConnection';
  /** A list of edges. */
  edges: Array<RunEdge>;
  /** A list of nodes. */
  nodes: Array<Run>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type RunEdge = {
  __typename?: 'RunEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: Run;
};

/** A field of a schema version. */
export type SchemaField = {
  __typename?: 'SchemaField';
  /** Description. */
  description?: Maybe<Scalars['String']['output']>;
  /** Name. */
  name: Scalars['String']['output'];
  /** Type. */
  type?: Maybe<Scalars['String']['output']>;
};

/** One schema version. */
export type SchemaVersion = {
  __typename?: 'SchemaVersion';
  /** When it was first seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run that produced it, if a run did. */
  createdByRun?: Maybe<Scalars['String']['output']>;
  /** Its fields. */
  fields: Array<SchemaField>;
  /** 1, 2, … */
  version: Scalars['Int']['output'];
};

export type SchemaVersionConnection = {
  __typename?: 'SchemaVersionConnection';
  /** A list of edges. */
  edges: Array<SchemaVersionEdge>;
  /** A list of nodes. */
  nodes: Array<SchemaVersion>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type SchemaVersionEdge = {
  __typename?: 'SchemaVersionEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: SchemaVersion;
};

/** One factor of a hit's score. */
export type ScoreFactor = {
  __typename?: 'ScoreFactor';
  /**
   * `text`, `usage`, `centrality`, `tier`, `documentation`, `freshness`, `penalty`,
   * `score`.
   */
  factor: Scalars['String']['output'];
  /** Its value. */
  value: Scalars['Float']['output'];
};

/** Facet counts over every match. */
export type SearchFacets = {
  __typename?: 'SearchFacets';
  /** By namespace. */
  namespace: Array<FacetCount>;
  /** By owner. */
  owner: Array<FacetCount>;
  /** By platform. */
  platform: Array<FacetCount>;
  /** By tag. */
  tag: Array<FacetCount>;
  /** By tier. */
  tier: Array<FacetCount>;
};

/** Search filters. */
export type SearchFilter = {
  /** Only this namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Only this owner's. */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Only this platform (`postgres`). */
  platform?: InputMaybe<Scalars['String']['input']>;
  /** Only documents with this tag. */
  tag?: InputMaybe<Scalars['String']['input']>;
  /** Only this tier. */
  tier?: InputMaybe<Scalars['String']['input']>;
  /** Only datasets, jobs or columns. */
  type?: InputMaybe<SearchKind>;
};

export type SearchHit = {
  __typename?: 'SearchHit';
  /** The dataset, for dataset and column hits. */
  dataset?: Maybe<Dataset>;
  /** How the score was made. */
  explain: Array<ScoreFactor>;
  /** Matched fragments. */
  highlights: Array<Highlight>;
  /** The job, for job hits. */
  job?: Maybe<Job>;
  marks: Array<Scalars['String']['output']>;
  /** Columns whose name or description matched. */
  matchedColumns: Array<Scalars['String']['output']>;
  /** Name (the dataset's, for a column hit). */
  name?: Maybe<Scalars['String']['output']>;
  /** Namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** The node id (`dataset:…`, `job:…`, `datasetField:…`). */
  nodeId?: Maybe<Scalars['String']['output']>;
  /** The score: text relevance times the usage prior. */
  score: Scalars['Float']['output'];
  /** What it is. */
  type: SearchKind;
  /** Last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type SearchHitConnection = {
  __typename?: 'SearchHitConnection';
  /** A list of edges. */
  edges: Array<SearchHitEdge>;
  /** Facet counts over every match (computed only when selected). */
  facets?: Maybe<SearchFacets>;
  /** A list of nodes. */
  nodes: Array<SearchHit>;
  /** Set when the query was cut. */
  notice?: Maybe<Scalars['String']['output']>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** Matches in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type SearchHitEdge = {
  __typename?: 'SearchHitEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: SearchHit;
};

/** What a search hit is. */
export type SearchKind =
  /** A column. */
  | 'COLUMN'
  /** A dataset. */
  | 'DATASET'
  /** A job. */
  | 'JOB';

export type SqlError = {
  __typename?: 'SqlError';
  column?: Maybe<Scalars['Int']['output']>;
  line?: Maybe<Scalars['Int']['output']>;
  message: Scalars['String']['output'];
  statement?: Maybe<Scalars['Int']['output']>;
};

export type SqlLineage = {
  __typename?: 'SqlLineage';
  analyzedAt?: Maybe<Scalars['DateTime']['output']>;
  edges: Scalars['Int']['output'];
  errors: Array<SqlError>;
  statements: Scalars['Int']['output'];
  unresolved: Array<Scalars['String']['output']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Every change committed after `since` (default: from now on), as it commits. */
  metadataChanges: Change;
};


export type SubscriptionMetadataChangesArgs = {
  filter?: InputMaybe<ChangeFilter>;
  since?: InputMaybe<Scalars['Int']['input']>;
};

export type Suggestion = {
  __typename?: 'Suggestion';
  kind: SearchKind;
  name: Scalars['String']['output'];
  namespace?: Maybe<Scalars['String']['output']>;
  nodeId: Scalars['String']['output'];
};

/** A tag stored on a dataset or column: declared by a producer or added by hand. */
export type Tag = {
  __typename?: 'Tag';
  /** The key (`pii.email`, `tier`). */
  key: Scalars['String']['output'];
  /** `declared` (a producer) or `manual` (a person). */
  origin: Scalars['String']['output'];
  /** Who assigned it. */
  source?: Maybe<Scalars['String']['output']>;
  /** Its value, if any. */
  value?: Maybe<Scalars['String']['output']>;
};

/** Why a column carries a tag. */
export type TagExplanation = {
  __typename?: 'TagExplanation';
  /** Paths from the tag's source to this column. */
  paths: Array<ExplanationPath>;
  /** The latest review decision on the tag here. */
  review?: Maybe<Review>;
  /** Paths in all (only the first few are listed). */
  totalPaths: Scalars['Int']['output'];
};

/** Where a tag path starts. */
export type TagSourceInfo = {
  __typename?: 'TagSourceInfo';
  /** `declared`, `manual`, `detected`, `confirmed`. */
  kind: Scalars['String']['output'];
  /** The detection rule, for `detected`. */
  rule?: Maybe<Scalars['String']['output']>;
};

/** An OpenLineage column transformation. */
export type Transformation = {
  __typename?: 'Transformation';
  /** Free text. */
  description?: Maybe<Scalars['String']['output']>;
  /** Whether it masks the value. */
  masking: Scalars['Boolean']['output'];
  /** `IDENTITY`, `AGGREGATION`, `FILTER`, … */
  subtype: Scalars['String']['output'];
  /** `DIRECT` or `INDIRECT`. */
  type: Scalars['String']['output'];
};

/** Usage counted from query logs. */
export type Usage = {
  __typename?: 'Usage';
  /** Per column. */
  columns: Array<ColumnUsage>;
  /** Per day, oldest first. */
  days: Array<DayUsage>;
  /** Reads weighted by recency (half-life 14 days): what search ranks by. */
  decayedReads: Scalars['Float']['output'];
  /** The last day with a read. */
  lastRead?: Maybe<Scalars['String']['output']>;
  /** Executions that read it. */
  reads: Scalars['Int']['output'];
  /** First day counted (`YYYY-MM-DD`). */
  since: Scalars['String']['output'];
  statements: Scalars['Int']['output'];
  /** Distinct users. */
  users: Scalars['Int']['output'];
  /** Executions that wrote it. */
  writes: Scalars['Int']['output'];
};

export type Viewer = {
  __typename?: 'Viewer';
  authEnabled: Scalars['Boolean']['output'];
  name?: Maybe<Scalars['String']['output']>;
  scopes: Array<Scalars['String']['output']>;
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'Viewer', authEnabled: boolean, name?: string | null, scopes: Array<string> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    authEnabled
    name
    scopes
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;