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
  /**
   * The columns computed from it, `depth` levels down; `maxChildren` caps the
   * children kept per node (the most used first; null: 100).
   */
  downstream: LineageGraph;
  /** The column's id, `datasetField:NAMESPACE:NAME:FIELD`. */
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
  /**
   * The columns it is computed from, `depth` levels up; `maxChildren` caps the
   * children kept per node (the most used first; null: 100).
   */
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
  /** The name of the column's dataset. */
  dataset: Scalars['String']['output'];
  /** The column's name. */
  field: Scalars['String']['output'];
  /** Node id. */
  id: Scalars['String']['output'];
  /** The namespace of the column's dataset. */
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

/** One lineage path between two columns. */
export type ColumnPath = {
  __typename?: 'ColumnPath';
  /** Its column edges, upstream first: the first starts at `from`, the last ends at `to`. */
  edges: Array<LineageEdge>;
};

/** The lineage paths from one column to another. */
export type ColumnPaths = {
  __typename?: 'ColumnPaths';
  /** The first `limit` of them. */
  paths: Array<ColumnPath>;
  /**
   * How many paths there are in all (paths round a cycle are not counted), at most
   * 2,147,483,647: path counts multiply quickly through shared columns.
   */
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
  /** Executions that read the column. */
  reads: Scalars['Int']['output'];
  /** Distinct users. */
  users: Scalars['Int']['output'];
  /** Executions that wrote the column. */
  writes: Scalars['Int']['output'];
};

export type Dataset = {
  __typename?: 'Dataset';
  /**
   * The classification (`internal`, `restricted`…; the allowed set is
   * `governance.classifications`): a person's, else the producer's `weft_governance`
   * facet.
   */
  classification?: Maybe<Scalars['String']['output']>;
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
  /**
   * What is built from it, `depth` levels down; `columnLevel` traverses each column.
   * `maxChildren` caps the children kept per node (the most used first; null: 100),
   * the rest counted in `hiddenChildren`.
   */
  downstream: LineageGraph;
  /** One facet by name, as its producer sent it. */
  facet?: Maybe<Scalars['JSON']['output']>;
  /** Every facet as its producer sent it, by name (unknown facets included). */
  facets: Scalars['JSON']['output'];
  /**
   * The change-log entries about it, newest first: those about the dataset itself
   * (`dataset:NS:NAME`: producers' dataset events, people's edits and deprecations,
   * retracted edges into it), about one of its columns (`column:NS:NAME:FIELD`:
   * column edits, tag decisions with their reviewer), and every event of the runs
   * that wrote it (`run:ID`). Each edge's cursor is its sequence number; `after`
   * continues with older entries.
   */
  history: ChangeConnection;
  /** `dataset:NAMESPACE:NAME`, the node id the REST lineage endpoints take. */
  id: Scalars['ID']['output'];
  /** Everything downstream, with owners and tiers: who to tell before changing it. */
  impact: Impact;
  /**
   * The jobs that write it (`WRITES`) and read it (`READS`), as their runs and
   * events declared (`job_io`): writers first, each group by job namespace and
   * name. A job that both reads and writes it is listed once for each.
   */
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
  /**
   * The distinct `pii.*` tag keys on its current columns that are not rejected
   * (proposed or confirmed), sorted: what a list shows as a PII badge. From the
   * lineage graph, so declared, detected, added and propagated tags all count.
   */
  piiTags: Array<Scalars['String']['output']>;
  /** The platform, from the namespace's scheme (`postgres`, `s3`). */
  platform?: Maybe<Scalars['String']['output']>;
  /**
   * The policy violations standing on the dataset and its columns, deny first (at
   * most 1000).
   */
  policyViolations: Array<PolicyViolation>;
  /**
   * How long its data is kept: an ISO 8601 duration (`P30D`, `P1Y6M`) or `none`
   * (kept forever, on purpose); a person's, else the producer's.
   */
  retention?: Maybe<Scalars['String']['output']>;
  /**
   * The retention in days (a year is 365 days, a month 30); null when unset or
   * `none`.
   */
  retentionDays?: Maybe<Scalars['Int']['output']>;
  /** Tags on the dataset itself (column tags are on each column). */
  tags: Array<Tag>;
  /** The tier (`gold`), from a `tier` tag; one set by hand wins. */
  tier?: Maybe<Scalars['String']['output']>;
  /** `DB_TABLE`, `VIEW`, … */
  type: Scalars['String']['output'];
  /** Last changed in the catalog. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /**
   * What it is built from, `depth` levels up; `columnLevel` traverses each column.
   * `maxChildren` caps the children kept per node (the most used first; null: 100),
   * the rest counted in `hiddenChildren`.
   */
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

/** A job that writes or reads a dataset. */
export type DatasetJob = {
  __typename?: 'DatasetJob';
  /** The job. */
  job: Job;
  /** Whether it writes or reads the dataset. */
  role: JobRole;
};

/** A dataset version a run read or wrote. */
export type DatasetVersionRef = {
  __typename?: 'DatasetVersionRef';
  /** The dataset's name within its namespace. */
  name: Scalars['String']['output'];
  /** The dataset's namespace. */
  namespace: Scalars['String']['output'];
  /** Schema version. */
  version: Scalars['Int']['output'];
};

/** A dataset's (or column's) usage on one day, as the APIs show it (REST and GraphQL). */
export type DayUsage = {
  __typename?: 'DayUsage';
  /** The day, `YYYY-MM-DD`. */
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
  /** When it was deprecated. */
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

/** What a dataset's governed attributes may be. */
export type GovernanceSettings = {
  __typename?: 'GovernanceSettings';
  /** The allowed classifications, in the configured order. */
  classifications: Array<Scalars['String']['output']>;
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
  /** The dataset's name within its namespace. */
  name?: Maybe<Scalars['String']['output']>;
  /** The dataset's namespace. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** Who owns the dataset: those to tell before the change ships. */
  owners: Array<Owner>;
  /** The dataset's tier (`gold`…), to weigh the impact. */
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
  /** The job's description, as its producer sent it. */
  description?: Maybe<Scalars['String']['output']>;
  /** Every job facet, as sent. */
  facets: Scalars['JSON']['output'];
  /** The job's id, `job:NAMESPACE:NAME`. */
  id: Scalars['ID']['output'];
  /** Datasets it reads. */
  inputs: DatasetConnection;
  /** Its latest run. */
  latestRun?: Maybe<Run>;
  /** Source code location. */
  location?: Maybe<Scalars['String']['output']>;
  /** The job's name within its namespace. */
  name?: Maybe<Scalars['String']['output']>;
  /** The namespace the job runs in. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** Datasets it writes. */
  outputs: DatasetConnection;
  /** The job's owners, from its ownership facet. */
  owners: Array<Owner>;
  /** Its runs, newest first. */
  runs: RunConnection;
  /** Its SQL, when a producer sent it. */
  sql?: Maybe<Scalars['String']['output']>;
  /**
   * What Weft's SQL lineage made of its SQL: statements, column edges derived,
   * errors with their position, names no catalog dataset answered. Null when the job
   * has no SQL (or it has not been analysed yet).
   */
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
  /** The job's name within its namespace. */
  name: Scalars['String']['output'];
  /** The job's namespace. */
  namespace: Scalars['String']['output'];
};

/** How a job touches a dataset. */
export type JobRole =
  /** The job reads the dataset (an input of its runs). */
  | 'READS'
  /** The job writes the dataset (an output of its runs). */
  | 'WRITES';

/**
 * A message (or one item of a batch message) a Kafka consumer refused and sent to its
 * dead-letter topic, as `GET /api/v1/kafka/dead-letters` lists it.
 */
export type KafkaDeadLetter = {
  __typename?: 'KafkaDeadLetter';
  /** The dead-letter topic it was sent to. */
  deadLetterTopic: Scalars['String']['output'];
  /** Why it was refused. */
  error: Scalars['String']['output'];
  /** The refused item's index in a batch message; -1 when the whole message was refused. */
  item: Scalars['Int']['output'];
  /** The message's key, when it had one that is UTF-8 text. */
  key?: Maybe<Scalars['String']['output']>;
  /** Its offset in the partition. */
  offset: Scalars['Int']['output'];
  /** Its partition. */
  partition: Scalars['Int']['output'];
  /** The JSON path the error names, when it names one. */
  path?: Maybe<Scalars['String']['output']>;
  /** The consumer (`kafka:<group>`) that read it. */
  source: Scalars['String']['output'];
  /** When it was recorded. */
  time: Scalars['DateTime']['output'];
  /** The topic it was read from. */
  topic: Scalars['String']['output'];
};

export type KafkaDeadLetterConnection = {
  __typename?: 'KafkaDeadLetterConnection';
  /** A list of edges. */
  edges: Array<KafkaDeadLetterEdge>;
  /** A list of nodes. */
  nodes: Array<KafkaDeadLetter>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** How many items the list holds in all. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a connection. */
export type KafkaDeadLetterEdge = {
  __typename?: 'KafkaDeadLetterEdge';
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge */
  node: KafkaDeadLetter;
};

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
  /**
   * `column`, `columnToDataset` or `dataset`. A `columnToDataset` edge is a column
   * the whole downstream dataset uses (a filter, a join key, an indirect use stated
   * for every field); upstream of a column it ends at that column, since it is one
   * of the column's inputs too.
   */
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
  /** Children left out by the per-node cap (`maxChildren`), the least used ones. */
  hiddenChildren: Scalars['Int']['output'];
  /** `dataset:…` or `datasetField:…`. */
  id: Scalars['String']['output'];
  /** Dataset name. */
  name?: Maybe<Scalars['String']['output']>;
  /** The namespace of the dataset (or of the column's dataset). */
  namespace?: Maybe<Scalars['String']['output']>;
  /** `DATASET` or `DATASET_FIELD`. */
  type: Scalars['String']['output'];
  /**
   * Its usage figure, which decides which children a `maxChildren` cap keeps (the
   * highest first): for a dataset, how many jobs read it; 0 for a column.
   */
  usage: Scalars['Int']['output'];
};

/** A policy in force. */
export type LoadedPolicy = {
  __typename?: 'LoadedPolicy';
  /** Whether it comes from the built-in library. */
  builtin: Scalars['Boolean']['output'];
  /** The file it was loaded from. */
  file: Scalars['String']['output'];
  /** Its name (the last part of its package, `weft.policies.<name>`). */
  name: Scalars['String']['output'];
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
  /**
   * The same decision on many tags at columns (at most 500), each checked and
   * recorded exactly as `reviewTag` does it (owners, conflicts with the column's
   * current tags), in order, so a decision sees what the earlier ones did; the
   * targets are all checked (tag keys, columns, owners) before the first is
   * recorded. A failure stops the batch: its error names the item (`items[i]`) and
   * how many before it were recorded (extensions `item`, `recorded`). Answers once
   * the lineage graph reflects every decision, with what they changed downstream.
   */
  reviewTags: ReviewOutcome;
  /**
   * Sets the dataset's classification, one of `governance.classifications`; null
   * returns to the producer's (`weft_governance` facet).
   */
  setClassification: Dataset;
  /**
   * Sets the description of a dataset, or of one of its columns; null or empty
   * returns to the producer's.
   */
  setDescription: Dataset;
  /** Replaces the dataset's owners; an empty list returns to the producer's. */
  setOwners: Dataset;
  /**
   * Sets how long the dataset's data is kept: an ISO 8601 duration (`P30D`, `P2W`,
   * `P6M`, `P1Y6M`) or `none` (kept forever, on purpose); null returns to the
   * producer's.
   */
  setRetention: Dataset;
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


export type MutationSetClassificationArgs = {
  classification?: InputMaybe<Scalars['String']['input']>;
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
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


export type MutationSetRetentionArgs = {
  dataset: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  retention?: InputMaybe<Scalars['String']['input']>;
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
  /** The namespace's description, when one was given. */
  description?: Maybe<Scalars['String']['output']>;
  /** Events received. */
  events: Scalars['Int']['output'];
  /** Its jobs, by name. */
  jobs: JobConnection;
  /** The namespace's name (`postgres://db:5432`). */
  name: Scalars['String']['output'];
  /** Who owns the namespace, when one was given. */
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

/** The policies in force and their problems. */
export type Policies = {
  __typename?: 'Policies';
  /**
   * Files that do not load as they are now (the previous set stays in force), and
   * policies whose evaluation failed or timed out.
   */
  errors: Array<PolicyError>;
  /** The fingerprint of the set in force: changes whenever a policy or parameter does. */
  fingerprint?: Maybe<Scalars['String']['output']>;
  /** The policies in force. */
  loaded: Array<LoadedPolicy>;
  /** When the set in force was loaded. */
  loadedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A policy file that does not load, or a policy whose evaluation failed. */
export type PolicyError = {
  __typename?: 'PolicyError';
  /** 1-based column, when known. */
  column?: Maybe<Scalars['Int']['output']>;
  /** The file, when known. */
  file?: Maybe<Scalars['String']['output']>;
  /** 1-based line, when known. */
  line?: Maybe<Scalars['Int']['output']>;
  /** What went wrong. */
  message: Scalars['String']['output'];
};

/** One column on a violation's lineage path. */
export type PolicyHop = {
  __typename?: 'PolicyHop';
  /** The column. */
  column: Scalars['String']['output'];
  /** `namespace/name` of the dataset. */
  dataset: Scalars['String']['output'];
  /** The tag the column holds on this path. */
  tag: Scalars['String']['output'];
  /**
   * How the edge into the column transforms the data (`identity`, `masking`…);
   * null at the start of the path.
   */
  transformation?: Maybe<Scalars['String']['output']>;
};

/** When a violation opened. */
export type PolicySince = {
  __typename?: 'PolicySince';
  /** The change-log entry (`policy.violation`, state `open`). */
  seq: Scalars['Int']['output'];
  /** The time. */
  time: Scalars['DateTime']['output'];
};

/** A policy finding standing now on a dataset (or one of its columns). */
export type PolicyViolation = {
  __typename?: 'PolicyViolation';
  /** The column it is about, when it names one. */
  column?: Maybe<Scalars['String']['output']>;
  /** The dataset it is about. */
  dataset: Dataset;
  /** What the policy says. */
  message: Scalars['String']['output'];
  /** The dataset's owners: who must act. */
  owners: Array<Owner>;
  /**
   * The lineage path that brought the data here, upstream first (empty when the
   * finding has none).
   */
  path: Array<PolicyHop>;
  /** The policy (`pii_public`, or a user module's name). */
  policy: Scalars['String']['output'];
  /** `deny` or `warn`. */
  severity: Scalars['String']['output'];
  /** Since when it stands: the change-log entry that opened it. */
  since: PolicySince;
};

/** Which violations `policyViolations` lists; every condition given must hold. */
export type PolicyViolationFilter = {
  /** Only on datasets of this namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Only on datasets this owner owns (`user:alice`, or just `alice`). */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Only this policy's. */
  policy?: InputMaybe<Scalars['String']['input']>;
  /** Only this severity (`deny`, `warn`). */
  severity?: InputMaybe<Scalars['String']['input']>;
};

/** A page of violations and how many the filter admits in all. */
export type PolicyViolationList = {
  __typename?: 'PolicyViolationList';
  /** This page: deny before warn, then by dataset, policy and column. */
  items: Array<PolicyViolation>;
  /** How many the filter admits. */
  total: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * The change log after `since` (a sequence number; 0 for the beginning), oldest
   * first, optionally only one kind, one namespace, and entities starting with
   * `entityPrefix` (`dataset:postgres://db:5432:shop.`, compared exactly, as the
   * subscription's filter does). Each edge's cursor is its sequence number, so
   * `after` resumes a feed.
   */
  changes: ChangeConnection;
  /** One column of a dataset's current schema. */
  column?: Maybe<Column>;
  /**
   * The lineage paths from column `from` to column `to` (both
   * `datasetField:NS:NAME:FIELD`) along column edges, at most `maxDepth` hops: the
   * first `limit` of them and how many there are, as `GET /api/v1/graph/paths`.
   */
  columnPaths: ColumnPaths;
  /** One dataset by namespace and name. */
  dataset?: Maybe<Dataset>;
  /** Datasets, by namespace then name. */
  datasets: DatasetConnection;
  /**
   * What a dataset's governed attributes may be: the classifications
   * `setClassification` accepts (`[governance] classifications`).
   */
  governance: GovernanceSettings;
  /** Everything downstream of a node, with owners and tiers. */
  impact: Impact;
  /** One job. */
  job?: Maybe<Job>;
  /**
   * Messages Kafka consumers refused and sent to a dead-letter topic, newest first
   * (one per refused item of a batch message).
   */
  kafkaDeadLetters: KafkaDeadLetterConnection;
  /**
   * Lineage from any node (`dataset:NS:NAME` or `datasetField:NS:NAME:FIELD`).
   * `maxChildren` caps the children kept per node (the most used first; null: 100),
   * the rest counted in `hiddenChildren`.
   */
  lineage: LineageGraph;
  /** One namespace. */
  namespace?: Maybe<Namespace>;
  /** Every namespace, by name. */
  namespaces: NamespaceConnection;
  /**
   * Tags at columns awaiting review (or past it), filtered by the dataset's owner
   * (`owner`, or `unowned: true`), dataset name, tag prefix and status.
   */
  piiReviewQueue: ReviewItemConnection;
  /**
   * The policies in force, the files that do not load and the policies whose
   * evaluation failed.
   */
  policies: Policies;
  /**
   * Policy violations standing now: deny before warn, then by dataset, policy and
   * column. `first` is 1 to 1000 (default 100).
   */
  policyViolations: PolicyViolationList;
  /** One run, by its id (or the id its producer sent). */
  run?: Maybe<Run>;
  /**
   * Full-text search over datasets, jobs and columns, ranked by relevance times
   * real usage and lineage centrality; `explain` on each hit says how.
   */
  search: SearchHitConnection;
  /**
   * Autocomplete for a search box: datasets and jobs whose name, last segment or a
   * word of the name starts with `prefix` (`ord` finds `orders` and `fct_orders`),
   * names starting with it first, then by usage and lineage, as
   * `GET /api/v1/search/suggest` answers. `filter` narrows as for `search` (its
   * `type` to DATASET or JOB; columns are not suggested). `first`: at most 20.
   */
  suggest: Array<Suggestion>;
  /**
   * Who the caller is and what it may do. Answers any known token, even one without
   * the `read` scope (a write-only token learns just that); with authentication off,
   * no name and every scope. Without a token where one is needed, the request is
   * refused like any other (401, `UNAUTHENTICATED`).
   */
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


export type QueryKafkaDeadLettersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  dataset?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  owner?: InputMaybe<Scalars['String']['input']>;
  status?: ReviewStatus;
  tag?: InputMaybe<Scalars['String']['input']>;
  unowned?: Scalars['Boolean']['input'];
};


export type QueryPolicyViolationsArgs = {
  filter?: InputMaybe<PolicyViolationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRunArgs = {
  id: Scalars['String']['input'];
};


export type QuerySearchArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SearchFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  prefix?: Scalars['Boolean']['input'];
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
  /** When the decision was made. */
  at?: Maybe<Scalars['DateTime']['output']>;
  /** The reason the reviewer gave, if any. */
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

/**
 * What review decisions changed downstream, over the columns downstream of the decided
 * ones: for each, the tags it carries (not rejected) that derive from a decided key
 * (the key itself, a key under it such as `pii.email.work` under `pii.email`, or their
 * pseudonymised forms), before the first decision and after the last.
 */
export type ReviewEffect = {
  __typename?: 'ReviewEffect';
  /** The columns that lost or gained (the first 200). */
  changed: Array<ColumnName>;
  /** Columns that had none and have one now. */
  gained: Scalars['Int']['output'];
  /** Columns that had one and still have one (from another source, say). */
  kept: Scalars['Int']['output'];
  /** Columns that had such a tag and have none now. */
  lost: Scalars['Int']['output'];
};

export type ReviewItem = {
  __typename?: 'ReviewItem';
  /** The column, with its tags and their explanations. */
  column?: Maybe<Column>;
  /** The column's node id. */
  columnId?: Maybe<Scalars['String']['output']>;
  /** The name of the column's dataset. */
  datasetName?: Maybe<Scalars['String']['output']>;
  /** The column's name. */
  field?: Maybe<Scalars['String']['output']>;
  /** The namespace of the column's dataset. */
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

/** What a batch of review decisions did. */
export type ReviewOutcome = {
  __typename?: 'ReviewOutcome';
  /** The decided columns as they now read, each once, in the order of the items. */
  columns: Array<Column>;
  /** What the decisions changed downstream. */
  effect: ReviewEffect;
};

/** Review status filter. */
export type ReviewStatus =
  /** Any status. */
  | 'ANY'
  /** An owner confirmed the tag on the column. */
  | 'CONFIRMED'
  /** Awaiting review. */
  | 'PROPOSED'
  /** An owner rejected the tag on the column. */
  | 'REJECTED';

/** A tag at a column to decide on. */
export type ReviewTarget = {
  /** The column. */
  column: Scalars['String']['input'];
  /** The dataset. */
  dataset: Scalars['String']['input'];
  /** The dataset's namespace. */
  namespace: Scalars['String']['input'];
  /** The tag key (`pii.email`). */
  tag: Scalars['String']['input'];
};

export type Run = {
  __typename?: 'Run';
  /** First seen. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** Duration in milliseconds, once ended. */
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** When the run completed, failed or was aborted. */
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
  /** When the run started. */
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
  /** The producer's description of the field. */
  description?: Maybe<Scalars['String']['output']>;
  /** The field name (dotted for nested fields). */
  name: Scalars['String']['output'];
  /** The type as the producer names it. */
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
  /** By classification. */
  classification: Array<FacetCount>;
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
  /** Only this classification (`restricted`). */
  classification?: InputMaybe<Scalars['String']['input']>;
  /** Only this namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Only this owner's. */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Only this platform (`postgres`). */
  platform?: InputMaybe<Scalars['String']['input']>;
  /**
   * Only datasets carrying this tag, their own or a live tag of one of their columns
   * (detected, propagated or confirmed; not rejected). `pii.*` is any tag under `pii.`.
   */
  tag?: InputMaybe<Scalars['String']['input']>;
  /** Only this tier. */
  tier?: InputMaybe<Scalars['String']['input']>;
  /** Only datasets, jobs or columns. */
  type?: InputMaybe<SearchKind>;
};

export type SearchHit = {
  __typename?: 'SearchHit';
  /** The dataset, for dataset and column hits (a column hit's `name` is the column's). */
  dataset?: Maybe<Dataset>;
  /** How the score was made. */
  explain: Array<ScoreFactor>;
  /** Matched fragments. */
  highlights: Array<Highlight>;
  /** The job, for job hits. */
  job?: Maybe<Job>;
  /**
   * What a person should see before using it, from the penalties its ranking
   * applied (see `explain`'s `penalty`): `deprecated` (someone deprecated it),
   * `zombie` (no reads in 90 days and nothing downstream, once usage is known) and
   * `temporary` (a copy-like name: `_bak`, `tmp_`). Usually empty; a column hit
   * shows its dataset's.
   */
  marks: Array<Scalars['String']['output']>;
  /** Columns whose name or description matched. */
  matchedColumns: Array<Scalars['String']['output']>;
  /** Name (the column's, for a column hit). */
  name?: Maybe<Scalars['String']['output']>;
  /** The namespace of the dataset or job (of the column's dataset, for a column hit). */
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

/** A statement of a job's SQL that could not be parsed or analysed. */
export type SqlError = {
  __typename?: 'SqlError';
  /** The column in that line, from 1. */
  column?: Maybe<Scalars['Int']['output']>;
  /** The line of the SQL where it went wrong, from 1. */
  line?: Maybe<Scalars['Int']['output']>;
  /** What went wrong. */
  message: Scalars['String']['output'];
  /** Which statement of the script, from 0. */
  statement?: Maybe<Scalars['Int']['output']>;
};

/**
 * What Weft's SQL lineage made of a job's SQL (`job_sql_lineage`, written by the
 * `sql_lineage` view).
 */
export type SqlLineage = {
  __typename?: 'SqlLineage';
  /** When it was analysed. */
  analyzedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Column edges derived from it (stored with origin `sql`, beside the producer's). */
  edges: Scalars['Int']['output'];
  /** Statements that could not be parsed or analysed, with where and why. */
  errors: Array<SqlError>;
  /** Statements in the SQL. */
  statements: Scalars['Int']['output'];
  /** Table names in the SQL, as written, that no catalog dataset answered. */
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

/**
 * An autocomplete suggestion: a dataset or job whose name, or a word of it, starts
 * with what was typed.
 */
export type Suggestion = {
  __typename?: 'Suggestion';
  /** A dataset or a job. */
  kind: SearchKind;
  /** The full name of the dataset or job. */
  name: Scalars['String']['output'];
  /** The namespace of the dataset or job. */
  namespace?: Maybe<Scalars['String']['output']>;
  /** The node id (`dataset:NS:NAME` or `job:NS:NAME`). */
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
  /**
   * Distinct statements (query shapes, literals aside) that read or wrote it over
   * the period: the union of each day's statement sets, so a query run every day
   * counts once (summing `days.queries` would count it once a day).
   */
  statements: Scalars['Int']['output'];
  /** Distinct users. */
  users: Scalars['Int']['output'];
  /** Executions that wrote it. */
  writes: Scalars['Int']['output'];
};

/**
 * The caller, as the server sees its token: what a client shows (who is signed in)
 * and what it offers (edits, review decisions) before trying them.
 */
export type Viewer = {
  __typename?: 'Viewer';
  /**
   * Whether the server checks tokens (it does once any token exists). When false,
   * everyone may do everything and `name` is null.
   */
  authEnabled: Scalars['Boolean']['output'];
  /**
   * The token's name, the actor recorded on the caller's changes; null without a
   * token (authentication off, or a tokenless reader where reads are open).
   */
  name?: Maybe<Scalars['String']['output']>;
  /**
   * What the caller may do, among `read`, `write`, `review` and `admin`. `admin`
   * allows the others, so an admin token lists all four; a write-only token lists
   * only `write`.
   */
  scopes: Array<Scalars['String']['output']>;
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'Viewer', authEnabled: boolean, name?: string | null, scopes: Array<string> } };

export type ChangesProbeQueryVariables = Exact<{ [key: string]: never; }>;


export type ChangesProbeQuery = { __typename?: 'Query', changes: { __typename?: 'ChangeConnection', lastSeq: number } };

export type ChangesWindowQueryVariables = Exact<{
  since: Scalars['Int']['input'];
  first: Scalars['Int']['input'];
  kind?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  entityPrefix?: InputMaybe<Scalars['String']['input']>;
}>;


export type ChangesWindowQuery = { __typename?: 'Query', changes: { __typename?: 'ChangeConnection', nodes: Array<{ __typename?: 'Change', seq: number, at?: string | null, actor: string, kind: string, entity: string, namespace?: string | null }> } };

export type LiveChangesSubscriptionVariables = Exact<{
  since?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<ChangeFilter>;
}>;


export type LiveChangesSubscription = { __typename?: 'Subscription', metadataChanges: { __typename?: 'Change', seq: number, at?: string | null, actor: string, kind: string, entity: string, namespace?: string | null } };

export type ChangePayloadQueryVariables = Exact<{
  since: Scalars['Int']['input'];
}>;


export type ChangePayloadQuery = { __typename?: 'Query', changes: { __typename?: 'ChangeConnection', nodes: Array<{ __typename?: 'Change', seq: number, payload?: unknown | null }> } };

export type ReviewTagsMutationVariables = Exact<{
  items: Array<ReviewTarget> | ReviewTarget;
  decision: ReviewDecision;
  reason?: InputMaybe<Scalars['String']['input']>;
  reviewer?: InputMaybe<Scalars['String']['input']>;
}>;


export type ReviewTagsMutation = { __typename?: 'Mutation', reviewTags: { __typename?: 'ReviewOutcome', effect: { __typename?: 'ReviewEffect', lost: number, gained: number, kept: number, changed: Array<{ __typename?: 'ColumnName', id: string, namespace: string, dataset: string, field: string }> } } };

export type ChangeNamespacesQueryVariables = Exact<{ [key: string]: never; }>;


export type ChangeNamespacesQuery = { __typename?: 'Query', namespaces: { __typename?: 'NamespaceConnection', nodes: Array<{ __typename?: 'Namespace', name: string }> } };

export type DatasetHeaderQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type DatasetHeaderQuery = { __typename?: 'Query', governance: { __typename?: 'GovernanceSettings', classifications: Array<string> }, dataset?: { __typename?: 'Dataset', id: string, namespace: string, name: string, type: string, platform?: string | null, description?: string | null, deleted: boolean, lifecycleState?: string | null, lastModifiedAt?: string | null, currentVersion: number, tier?: string | null, classification?: string | null, retention?: string | null, piiTags: Array<string>, deprecation?: { __typename?: 'Deprecation', note?: string | null, by: string, at?: string | null } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }>, tags: Array<{ __typename?: 'Tag', key: string, value?: string | null, origin: string }> } | null };

export type DatasetVersionsQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type DatasetVersionsQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, currentVersion: number, versions: { __typename?: 'SchemaVersionConnection', totalCount: number, nodes: Array<{ __typename?: 'SchemaVersion', version: number, createdAt?: string | null, createdByRun?: string | null, fields: Array<{ __typename?: 'SchemaField', name: string, type?: string | null }> }> } } | null };

export type DatasetHistoryQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetHistoryQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, history: { __typename?: 'ChangeConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Change', seq: number, at?: string | null, actor: string, kind: string, entity: string, payload?: unknown | null }> } } | null };

export type DatasetRunFieldsFragment = { __typename?: 'Run', id?: string | null, state?: string | null, startedAt?: string | null, endedAt?: string | null, durationMs?: number | null, createdAt?: string | null };

export type DatasetJobsQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type DatasetJobsQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, jobs: Array<{ __typename?: 'DatasetJob', role: JobRole, job: { __typename?: 'Job', id: string, namespace?: string | null, name?: string | null, type?: string | null, description?: string | null, sql?: string | null, location?: string | null, latestRun?: { __typename?: 'Run', id?: string | null, state?: string | null, startedAt?: string | null, endedAt?: string | null, durationMs?: number | null, updatedAt?: string | null } | null, runs: { __typename?: 'RunConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Run', id?: string | null, state?: string | null, startedAt?: string | null, endedAt?: string | null, durationMs?: number | null, createdAt?: string | null }> }, sqlLineage?: { __typename?: 'SqlLineage', statements: number, edges: number, unresolved: Array<string>, analyzedAt?: string | null, errors: Array<{ __typename?: 'SqlError', statement?: number | null, line?: number | null, column?: number | null, message: string }> } | null } }> } | null };

export type DatasetJobRunsQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetJobRunsQuery = { __typename?: 'Query', job?: { __typename?: 'Job', id: string, runs: { __typename?: 'RunConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Run', id?: string | null, state?: string | null, startedAt?: string | null, endedAt?: string | null, durationMs?: number | null, createdAt?: string | null }> } } | null };

export type OneHopFragment = { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, depth: number, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, origin: string, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null }> };

export type DatasetLineageQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type DatasetLineageQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, upstream: { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, depth: number, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, origin: string, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null }> }, downstream: { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, depth: number, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, origin: string, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null }> }, impact: { __typename?: 'Impact', datasets: { __typename?: 'ImpactedDatasetConnection', totalCount: number, nodes: Array<{ __typename?: 'ImpactedDataset', id: string, namespace?: string | null, name?: string | null, tier?: string | null, owners: Array<{ __typename?: 'Owner', name: string }> }> }, columns: { __typename?: 'ColumnNameConnection', totalCount: number } } } | null };

export type DatasetColumnsQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetColumnsQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, columns: { __typename?: 'ColumnConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Column', name: string, type?: string | null, description?: string | null, ordinal: number, tags: Array<{ __typename?: 'ColumnTag', key: string, status: string, origin: string }> }> } } | null };

export type DatasetTagExplanationQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  column: Scalars['String']['input'];
}>;


export type DatasetTagExplanationQuery = { __typename?: 'Query', column?: { __typename?: 'Column', id: string, name: string, tags: Array<{ __typename?: 'ColumnTag', key: string, status: string, origin: string, declared: boolean, manual: boolean, detectedBy?: string | null, propagated: boolean, explanation: { __typename?: 'TagExplanation', totalPaths: number, paths: Array<{ __typename?: 'ExplanationPath', start: string, startTag: string, source: Array<{ __typename?: 'TagSourceInfo', kind: string, rule?: string | null }>, hops: Array<{ __typename?: 'Hop', from: string, to: string, origin: string, tagIn: string, tagOut: string, rule: string, why: string, job?: { __typename?: 'JobRef', namespace: string, name: string } | null }> }>, review?: { __typename?: 'Review', reviewer: string, reason?: string | null, at?: string | null } | null } }> } | null };

export type DatasetUsageQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type DatasetUsageQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, usage: { __typename?: 'Usage', since: string, reads: number, writes: number, users: number, statements: number, lastRead?: string | null, days: Array<{ __typename?: 'DayUsage', day: string, reads: number, writes: number, users: number, queries: number }>, columns: Array<{ __typename?: 'ColumnUsage', name: string, reads: number, writes: number, users: number }> } } | null };

export type DatasetSetDescriptionMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  column?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetSetDescriptionMutation = { __typename?: 'Mutation', setDescription: { __typename?: 'Dataset', id: string } };

export type DatasetSetOwnersMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  owners: Array<OwnerInput> | OwnerInput;
}>;


export type DatasetSetOwnersMutation = { __typename?: 'Mutation', setOwners: { __typename?: 'Dataset', id: string } };

export type DatasetSetTierMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  tier?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetSetTierMutation = { __typename?: 'Mutation', setTier: { __typename?: 'Dataset', id: string } };

export type DatasetSetClassificationMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  classification?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetSetClassificationMutation = { __typename?: 'Mutation', setClassification: { __typename?: 'Dataset', id: string } };

export type DatasetSetRetentionMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  retention?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetSetRetentionMutation = { __typename?: 'Mutation', setRetention: { __typename?: 'Dataset', id: string } };

export type DatasetAddTagMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  column?: InputMaybe<Scalars['String']['input']>;
  tag: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetAddTagMutation = { __typename?: 'Mutation', addTag: { __typename?: 'Dataset', id: string } };

export type DatasetRemoveTagMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  column?: InputMaybe<Scalars['String']['input']>;
  tag: Scalars['String']['input'];
}>;


export type DatasetRemoveTagMutation = { __typename?: 'Mutation', removeTag: { __typename?: 'Dataset', id: string } };

export type DatasetDeprecateMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  dataset: Scalars['String']['input'];
  deprecated: Scalars['Boolean']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
}>;


export type DatasetDeprecateMutation = { __typename?: 'Mutation', deprecateDataset: { __typename?: 'Dataset', id: string } };

export type DatasetChangesSubscriptionVariables = Exact<{
  filter?: InputMaybe<ChangeFilter>;
}>;


export type DatasetChangesSubscription = { __typename?: 'Subscription', metadataChanges: { __typename?: 'Change', seq: number, kind: string, entity: string } };

export type LineageEdgeFieldsFragment = { __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> };

export type LineageGraphFieldsFragment = { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, field?: string | null, depth: number, usage: number, hasColumnLineage?: boolean | null, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> };

export type LineageNeighbourhoodQueryVariables = Exact<{
  nodeId: Scalars['String']['input'];
  depth: Scalars['Int']['input'];
  maxChildren?: InputMaybe<Scalars['Int']['input']>;
}>;


export type LineageNeighbourhoodQuery = { __typename?: 'Query', up: { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, field?: string | null, depth: number, usage: number, hasColumnLineage?: boolean | null, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> }, down: { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, field?: string | null, depth: number, usage: number, hasColumnLineage?: boolean | null, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> } };

export type LineageHopQueryVariables = Exact<{
  nodeId: Scalars['String']['input'];
  direction: LineageDirection;
  maxChildren: Scalars['Int']['input'];
}>;


export type LineageHopQuery = { __typename?: 'Query', lineage: { __typename?: 'LineageGraph', truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, type: string, namespace?: string | null, name?: string | null, field?: string | null, depth: number, usage: number, hasColumnLineage?: boolean | null, hiddenChildren: number }>, edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> } };

export type LineagePathsQueryVariables = Exact<{
  from: Scalars['String']['input'];
  to: Scalars['String']['input'];
}>;


export type LineagePathsQuery = { __typename?: 'Query', columnPaths: { __typename?: 'ColumnPaths', total: number, paths: Array<{ __typename?: 'ColumnPath', edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> }> } };

export type LineageDatasetDetailsQueryVariables = Exact<{
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type LineageDatasetDetailsQuery = { __typename?: 'Query', dataset?: { __typename?: 'Dataset', id: string, namespace: string, name: string, type: string, platform?: string | null, description?: string | null, tier?: string | null, deleted: boolean, lastModifiedAt?: string | null, deprecation?: { __typename?: 'Deprecation', note?: string | null } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }>, columns: { __typename?: 'ColumnConnection', totalCount: number, nodes: Array<{ __typename?: 'Column', name: string, tags: Array<{ __typename?: 'ColumnTag', key: string, status: string }> }> } } | null };

export type LineageDatasetColumnsFragment = { __typename?: 'Dataset', id: string, columns: { __typename?: 'ColumnConnection', totalCount: number, nodes: Array<{ __typename?: 'Column', name: string, type?: string | null, tags: Array<{ __typename?: 'ColumnTag', key: string, status: string }> }> }, downstream: { __typename?: 'LineageGraph', edges: Array<{ __typename?: 'LineageEdge', src: string, dst: string, level: string, origin: string, supportingEdges: number, stale: boolean, job?: { __typename?: 'JobRef', namespace: string, name: string } | null, transformations: Array<{ __typename?: 'Transformation', type: string, subtype: string, description?: string | null, masking: boolean }> }> } };

export type ReviewQueueQueryVariables = Exact<{
  owner?: InputMaybe<Scalars['String']['input']>;
  unowned: Scalars['Boolean']['input'];
  tag?: InputMaybe<Scalars['String']['input']>;
  dataset?: InputMaybe<Scalars['String']['input']>;
  status: ReviewStatus;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ReviewQueueQuery = { __typename?: 'Query', piiReviewQueue: { __typename?: 'ReviewItemConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'ReviewItem', columnId?: string | null, namespace?: string | null, datasetName?: string | null, field?: string | null, tag?: string | null, status?: string | null, origin?: string | null, unowned: boolean, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }>, column?: { __typename?: 'Column', tags: Array<{ __typename?: 'ColumnTag', key: string, explanation: { __typename?: 'TagExplanation', totalPaths: number, paths: Array<{ __typename?: 'ExplanationPath', start: string, startTag: string, source: Array<{ __typename?: 'TagSourceInfo', kind: string, rule?: string | null }>, hops: Array<{ __typename?: 'Hop', from: string, to: string, origin: string, rule: string, why: string, tagIn: string, tagOut: string, job?: { __typename?: 'JobRef', namespace: string, name: string } | null }> }>, review?: { __typename?: 'Review', reviewer: string, reason?: string | null, at?: string | null, seq: number } | null } }> } | null }> } };

export type SearchResultsQueryVariables = Exact<{
  query: Scalars['String']['input'];
  filter?: InputMaybe<SearchFilter>;
  first: Scalars['Int']['input'];
}>;


export type SearchResultsQuery = { __typename?: 'Query', search: { __typename?: 'SearchHitConnection', totalCount: number, notice?: string | null, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SearchHitEdge', node: { __typename?: 'SearchHit', type: SearchKind, name?: string | null, namespace?: string | null, nodeId?: string | null, marks: Array<string>, updatedAt?: string | null, matchedColumns: Array<string>, explain: Array<{ __typename?: 'ScoreFactor', factor: string, value: number }>, highlights: Array<{ __typename?: 'Highlight', field: string, fragment: string }>, dataset?: { __typename?: 'Dataset', platform?: string | null, description?: string | null, tier?: string | null, lastModifiedAt?: string | null, piiTags: Array<string>, deprecation?: { __typename?: 'Deprecation', note?: string | null, by: string } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null, job?: { __typename?: 'Job', description?: string | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null } }> } };

export type SearchFacetCountsQueryVariables = Exact<{
  query: Scalars['String']['input'];
  filter?: InputMaybe<SearchFilter>;
}>;


export type SearchFacetCountsQuery = { __typename?: 'Query', search: { __typename?: 'SearchHitConnection', facets?: { __typename?: 'SearchFacets', platform: Array<{ __typename?: 'FacetCount', value: string, count: number }>, namespace: Array<{ __typename?: 'FacetCount', value: string, count: number }>, tag: Array<{ __typename?: 'FacetCount', value: string, count: number }>, owner: Array<{ __typename?: 'FacetCount', value: string, count: number }>, tier: Array<{ __typename?: 'FacetCount', value: string, count: number }> } | null } };

export type SearchMoreQueryVariables = Exact<{
  query: Scalars['String']['input'];
  filter?: InputMaybe<SearchFilter>;
  first: Scalars['Int']['input'];
  after: Scalars['String']['input'];
}>;


export type SearchMoreQuery = { __typename?: 'Query', search: { __typename?: 'SearchHitConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SearchHitEdge', node: { __typename?: 'SearchHit', type: SearchKind, name?: string | null, namespace?: string | null, nodeId?: string | null, marks: Array<string>, updatedAt?: string | null, matchedColumns: Array<string>, explain: Array<{ __typename?: 'ScoreFactor', factor: string, value: number }>, highlights: Array<{ __typename?: 'Highlight', field: string, fragment: string }>, dataset?: { __typename?: 'Dataset', platform?: string | null, description?: string | null, tier?: string | null, lastModifiedAt?: string | null, piiTags: Array<string>, deprecation?: { __typename?: 'Deprecation', note?: string | null, by: string } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null, job?: { __typename?: 'Job', description?: string | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null } }> } };

export type SearchHitFieldsFragment = { __typename?: 'SearchHit', type: SearchKind, name?: string | null, namespace?: string | null, nodeId?: string | null, marks: Array<string>, updatedAt?: string | null, matchedColumns: Array<string>, explain: Array<{ __typename?: 'ScoreFactor', factor: string, value: number }>, highlights: Array<{ __typename?: 'Highlight', field: string, fragment: string }>, dataset?: { __typename?: 'Dataset', platform?: string | null, description?: string | null, tier?: string | null, lastModifiedAt?: string | null, piiTags: Array<string>, deprecation?: { __typename?: 'Deprecation', note?: string | null, by: string } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null, job?: { __typename?: 'Job', description?: string | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null };

export type SuggestQueryVariables = Exact<{
  prefix: Scalars['String']['input'];
  filter?: InputMaybe<SearchFilter>;
}>;


export type SuggestQuery = { __typename?: 'Query', suggest: Array<{ __typename?: 'Suggestion', kind: SearchKind, namespace?: string | null, name: string, nodeId: string }> };

export type SearchStartQueryVariables = Exact<{ [key: string]: never; }>;


export type SearchStartQuery = { __typename?: 'Query', gold: { __typename?: 'SearchHitConnection', totalCount: number, edges: Array<{ __typename?: 'SearchHitEdge', node: { __typename?: 'SearchHit', type: SearchKind, name?: string | null, namespace?: string | null, nodeId?: string | null, marks: Array<string>, updatedAt?: string | null, matchedColumns: Array<string>, explain: Array<{ __typename?: 'ScoreFactor', factor: string, value: number }>, highlights: Array<{ __typename?: 'Highlight', field: string, fragment: string }>, dataset?: { __typename?: 'Dataset', platform?: string | null, description?: string | null, tier?: string | null, lastModifiedAt?: string | null, piiTags: Array<string>, deprecation?: { __typename?: 'Deprecation', note?: string | null, by: string } | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null, job?: { __typename?: 'Job', description?: string | null, owners: Array<{ __typename?: 'Owner', name: string, type?: string | null }> } | null } }> }, namespaces: { __typename?: 'NamespaceConnection', nodes: Array<{ __typename?: 'Namespace', name: string, description?: string | null }> } };

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
export const DatasetRunFieldsFragmentDoc = new TypedDocumentString(`
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}
    `, {"fragmentName":"DatasetRunFields"}) as unknown as TypedDocumentString<DatasetRunFieldsFragment, unknown>;
export const OneHopFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"OneHop"}) as unknown as TypedDocumentString<OneHopFragment, unknown>;
export const LineageEdgeFieldsFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"LineageEdgeFields"}) as unknown as TypedDocumentString<LineageEdgeFieldsFragment, unknown>;
export const LineageGraphFieldsFragmentDoc = new TypedDocumentString(`
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
}`, {"fragmentName":"LineageGraphFields"}) as unknown as TypedDocumentString<LineageGraphFieldsFragment, unknown>;
export const LineageDatasetColumnsFragmentDoc = new TypedDocumentString(`
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
}`, {"fragmentName":"LineageDatasetColumns"}) as unknown as TypedDocumentString<LineageDatasetColumnsFragment, unknown>;
export const SearchHitFieldsFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"SearchHitFields"}) as unknown as TypedDocumentString<SearchHitFieldsFragment, unknown>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    authEnabled
    name
    scopes
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const ChangesProbeDocument = new TypedDocumentString(`
    query ChangesProbe {
  changes(first: 0) {
    lastSeq
  }
}
    `) as unknown as TypedDocumentString<ChangesProbeQuery, ChangesProbeQueryVariables>;
export const ChangesWindowDocument = new TypedDocumentString(`
    query ChangesWindow($since: Int!, $first: Int!, $kind: String, $namespace: String, $entityPrefix: String) {
  changes(
    since: $since
    first: $first
    kind: $kind
    namespace: $namespace
    entityPrefix: $entityPrefix
  ) {
    nodes {
      seq
      at
      actor
      kind
      entity
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<ChangesWindowQuery, ChangesWindowQueryVariables>;
export const LiveChangesDocument = new TypedDocumentString(`
    subscription LiveChanges($since: Int, $filter: ChangeFilter) {
  metadataChanges(since: $since, filter: $filter) {
    seq
    at
    actor
    kind
    entity
    namespace
  }
}
    `) as unknown as TypedDocumentString<LiveChangesSubscription, LiveChangesSubscriptionVariables>;
export const ChangePayloadDocument = new TypedDocumentString(`
    query ChangePayload($since: Int!) {
  changes(since: $since, first: 1) {
    nodes {
      seq
      payload
    }
  }
}
    `) as unknown as TypedDocumentString<ChangePayloadQuery, ChangePayloadQueryVariables>;
export const ReviewTagsDocument = new TypedDocumentString(`
    mutation ReviewTags($items: [ReviewTarget!]!, $decision: ReviewDecision!, $reason: String, $reviewer: String) {
  reviewTags(
    items: $items
    decision: $decision
    reason: $reason
    reviewer: $reviewer
  ) {
    effect {
      lost
      gained
      kept
      changed {
        id
        namespace
        dataset
        field
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewTagsMutation, ReviewTagsMutationVariables>;
export const ChangeNamespacesDocument = new TypedDocumentString(`
    query ChangeNamespaces {
  namespaces(first: 100) {
    nodes {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<ChangeNamespacesQuery, ChangeNamespacesQueryVariables>;
export const DatasetHeaderDocument = new TypedDocumentString(`
    query DatasetHeader($namespace: String!, $name: String!) {
  governance {
    classifications
  }
  dataset(namespace: $namespace, name: $name) {
    id
    namespace
    name
    type
    platform
    description
    deleted
    lifecycleState
    lastModifiedAt
    currentVersion
    tier
    classification
    retention
    piiTags
    deprecation {
      note
      by
      at
    }
    owners {
      name
      type
    }
    tags {
      key
      value
      origin
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetHeaderQuery, DatasetHeaderQueryVariables>;
export const DatasetVersionsDocument = new TypedDocumentString(`
    query DatasetVersions($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    currentVersion
    versions(first: 100) {
      totalCount
      nodes {
        version
        createdAt
        createdByRun
        fields {
          name
          type
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetVersionsQuery, DatasetVersionsQueryVariables>;
export const DatasetHistoryDocument = new TypedDocumentString(`
    query DatasetHistory($namespace: String!, $name: String!, $after: String) {
  dataset(namespace: $namespace, name: $name) {
    id
    history(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        seq
        at
        actor
        kind
        entity
        payload
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetHistoryQuery, DatasetHistoryQueryVariables>;
export const DatasetJobsDocument = new TypedDocumentString(`
    query DatasetJobs($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    jobs {
      role
      job {
        id
        namespace
        name
        type
        description
        sql
        location
        latestRun {
          id
          state
          startedAt
          endedAt
          durationMs
          updatedAt
        }
        runs(first: 10) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...DatasetRunFields
          }
        }
        sqlLineage {
          statements
          edges
          errors {
            statement
            line
            column
            message
          }
          unresolved
          analyzedAt
        }
      }
    }
  }
}
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}`) as unknown as TypedDocumentString<DatasetJobsQuery, DatasetJobsQueryVariables>;
export const DatasetJobRunsDocument = new TypedDocumentString(`
    query DatasetJobRuns($namespace: String!, $name: String!, $after: String) {
  job(namespace: $namespace, name: $name) {
    id
    runs(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...DatasetRunFields
      }
    }
  }
}
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}`) as unknown as TypedDocumentString<DatasetJobRunsQuery, DatasetJobRunsQueryVariables>;
export const DatasetLineageDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<DatasetLineageQuery, DatasetLineageQueryVariables>;
export const DatasetColumnsDocument = new TypedDocumentString(`
    query DatasetColumns($namespace: String!, $name: String!, $after: String) {
  dataset(namespace: $namespace, name: $name) {
    id
    columns(first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        name
        type
        description
        ordinal
        tags {
          key
          status
          origin
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetColumnsQuery, DatasetColumnsQueryVariables>;
export const DatasetTagExplanationDocument = new TypedDocumentString(`
    query DatasetTagExplanation($namespace: String!, $dataset: String!, $column: String!) {
  column(namespace: $namespace, dataset: $dataset, name: $column) {
    id
    name
    tags {
      key
      status
      origin
      declared
      manual
      detectedBy
      propagated
      explanation(paths: 5) {
        totalPaths
        paths {
          start
          startTag
          source {
            kind
            rule
          }
          hops {
            from
            to
            origin
            job {
              namespace
              name
            }
            tagIn
            tagOut
            rule
            why
          }
        }
        review {
          reviewer
          reason
          at
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetTagExplanationQuery, DatasetTagExplanationQueryVariables>;
export const DatasetUsageDocument = new TypedDocumentString(`
    query DatasetUsage($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    usage(days: 30) {
      since
      reads
      writes
      users
      statements
      lastRead
      days {
        day
        reads
        writes
        users
        queries
      }
      columns {
        name
        reads
        writes
        users
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetUsageQuery, DatasetUsageQueryVariables>;
export const DatasetSetDescriptionDocument = new TypedDocumentString(`
    mutation DatasetSetDescription($namespace: String!, $dataset: String!, $column: String, $description: String) {
  setDescription(
    namespace: $namespace
    dataset: $dataset
    column: $column
    description: $description
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetSetDescriptionMutation, DatasetSetDescriptionMutationVariables>;
export const DatasetSetOwnersDocument = new TypedDocumentString(`
    mutation DatasetSetOwners($namespace: String!, $dataset: String!, $owners: [OwnerInput!]!) {
  setOwners(namespace: $namespace, dataset: $dataset, owners: $owners) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetSetOwnersMutation, DatasetSetOwnersMutationVariables>;
export const DatasetSetTierDocument = new TypedDocumentString(`
    mutation DatasetSetTier($namespace: String!, $dataset: String!, $tier: String) {
  setTier(namespace: $namespace, dataset: $dataset, tier: $tier) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetSetTierMutation, DatasetSetTierMutationVariables>;
export const DatasetSetClassificationDocument = new TypedDocumentString(`
    mutation DatasetSetClassification($namespace: String!, $dataset: String!, $classification: String) {
  setClassification(
    namespace: $namespace
    dataset: $dataset
    classification: $classification
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetSetClassificationMutation, DatasetSetClassificationMutationVariables>;
export const DatasetSetRetentionDocument = new TypedDocumentString(`
    mutation DatasetSetRetention($namespace: String!, $dataset: String!, $retention: String) {
  setRetention(namespace: $namespace, dataset: $dataset, retention: $retention) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetSetRetentionMutation, DatasetSetRetentionMutationVariables>;
export const DatasetAddTagDocument = new TypedDocumentString(`
    mutation DatasetAddTag($namespace: String!, $dataset: String!, $column: String, $tag: String!, $reason: String) {
  addTag(
    namespace: $namespace
    dataset: $dataset
    column: $column
    tag: $tag
    reason: $reason
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetAddTagMutation, DatasetAddTagMutationVariables>;
export const DatasetRemoveTagDocument = new TypedDocumentString(`
    mutation DatasetRemoveTag($namespace: String!, $dataset: String!, $column: String, $tag: String!) {
  removeTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetRemoveTagMutation, DatasetRemoveTagMutationVariables>;
export const DatasetDeprecateDocument = new TypedDocumentString(`
    mutation DatasetDeprecate($namespace: String!, $dataset: String!, $deprecated: Boolean!, $note: String) {
  deprecateDataset(
    namespace: $namespace
    dataset: $dataset
    deprecated: $deprecated
    note: $note
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<DatasetDeprecateMutation, DatasetDeprecateMutationVariables>;
export const DatasetChangesDocument = new TypedDocumentString(`
    subscription DatasetChanges($filter: ChangeFilter) {
  metadataChanges(filter: $filter) {
    seq
    kind
    entity
  }
}
    `) as unknown as TypedDocumentString<DatasetChangesSubscription, DatasetChangesSubscriptionVariables>;
export const LineageNeighbourhoodDocument = new TypedDocumentString(`
    query LineageNeighbourhood($nodeId: String!, $depth: Int!, $maxChildren: Int) {
  up: lineage(
    nodeId: $nodeId
    direction: UPSTREAM
    depth: $depth
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
  down: lineage(
    nodeId: $nodeId
    direction: DOWNSTREAM
    depth: $depth
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
}
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
}`) as unknown as TypedDocumentString<LineageNeighbourhoodQuery, LineageNeighbourhoodQueryVariables>;
export const LineageHopDocument = new TypedDocumentString(`
    query LineageHop($nodeId: String!, $direction: LineageDirection!, $maxChildren: Int!) {
  lineage(
    nodeId: $nodeId
    direction: $direction
    depth: 1
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
}
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
}`) as unknown as TypedDocumentString<LineageHopQuery, LineageHopQueryVariables>;
export const LineagePathsDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<LineagePathsQuery, LineagePathsQueryVariables>;
export const LineageDatasetDetailsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<LineageDatasetDetailsQuery, LineageDatasetDetailsQueryVariables>;
export const ReviewQueueDocument = new TypedDocumentString(`
    query ReviewQueue($owner: String, $unowned: Boolean!, $tag: String, $dataset: String, $status: ReviewStatus!, $first: Int, $after: String) {
  piiReviewQueue(
    owner: $owner
    unowned: $unowned
    tag: $tag
    dataset: $dataset
    status: $status
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      columnId
      namespace
      datasetName
      field
      tag
      status
      origin
      unowned
      owners {
        name
        type
      }
      column {
        tags {
          key
          explanation(paths: 3) {
            totalPaths
            paths {
              start
              startTag
              source {
                kind
                rule
              }
              hops {
                from
                to
                origin
                rule
                why
                tagIn
                tagOut
                job {
                  namespace
                  name
                }
              }
            }
            review {
              reviewer
              reason
              at
              seq
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const SearchResultsDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<SearchResultsQuery, SearchResultsQueryVariables>;
export const SearchFacetCountsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<SearchFacetCountsQuery, SearchFacetCountsQueryVariables>;
export const SearchMoreDocument = new TypedDocumentString(`
    query SearchMore($query: String!, $filter: SearchFilter, $first: Int!, $after: String!) {
  search(
    query: $query
    filter: $filter
    first: $first
    after: $after
    prefix: true
  ) {
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
}`) as unknown as TypedDocumentString<SearchMoreQuery, SearchMoreQueryVariables>;
export const SuggestDocument = new TypedDocumentString(`
    query Suggest($prefix: String!, $filter: SearchFilter) {
  suggest(prefix: $prefix, filter: $filter, first: 8) {
    kind
    namespace
    name
    nodeId
  }
}
    `) as unknown as TypedDocumentString<SuggestQuery, SuggestQueryVariables>;
export const SearchStartDocument = new TypedDocumentString(`
    query SearchStart {
  gold: search(query: "", filter: {tier: "gold", type: DATASET}, first: 8) {
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
}`) as unknown as TypedDocumentString<SearchStartQuery, SearchStartQueryVariables>;