//! `MetadataChange`: the one shape every input takes before it touches the store.
//!
//! A pushed OpenLineage event, a crawler's findings and a user's edit all become a
//! [`MetadataChange`]. The store has a single write path that appends the change to the
//! change log and applies its [`ChangeBody`] to current state, so every source of metadata
//! is audited the same way and current state can always be rebuilt from the log.

use std::collections::BTreeMap;

use serde_json::Value;

pub use crate::violation::{PolicyViolation, ViolationHop, ViolationState};

/// One unit of metadata to record: an entry for the change log plus what it does to
/// current state.
///
/// The `payload` is what is kept forever (verbatim input, canonical JSON); the `body` is
/// derived from it by `weft-ingest` and can be recomputed from the payload at any time,
/// which is what `weft rebuild` does.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataChange {
    /// Who caused the change: a token's name, `anonymous`, or a crawler's name.
    pub actor: String,
    /// What kind of input this was; decides how the payload is re-derived on rebuild.
    pub kind: ChangeKind,
    /// The main entity the change is about (`run:<uuid>`, `dataset:<ns>:<name>`), so the
    /// log can be filtered without decoding payloads.
    pub entity: String,
    /// The namespace the change belongs to (the job's, or the dataset's), so feeds and
    /// counters can be kept per namespace without decoding payloads.
    pub namespace: Option<String>,
    /// The input, verbatim, as canonical JSON text.
    pub payload: String,
    /// Identifies a repeated delivery of the same input (clients retry): a change whose
    /// key is already in the log is acknowledged but not applied again.
    pub dedupe_key: Option<Vec<u8>>,
    /// What the change does to current state.
    pub body: ChangeBody,
}

/// The kinds of input that become changes; stored as text in the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// An OpenLineage RunEvent.
    OpenLineageRun,
    /// An OpenLineage DatasetEvent.
    OpenLineageDataset,
    /// An OpenLineage JobEvent.
    OpenLineageJob,
    /// A reviewer's decision on a column's tag, or a tag added or removed by hand.
    TagReview,
    /// A person retracting a column-lineage edge.
    EdgeRetraction,
    /// Usage counted from a query log or `pg_stat_statements` by a crawler.
    Usage,
    /// One crawl of one source: when, what it found, what failed.
    Crawl,
    /// A person's edit to a dataset or column: description, owners, tier, tags,
    /// deprecation.
    Edit,
    /// A policy violation that opened or cleared, written by the continuous evaluation.
    PolicyViolation,
}

impl ChangeKind {
    /// The stable text stored in `change_log.kind`; never change a published value.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::OpenLineageRun => "openlineage.run",
            ChangeKind::OpenLineageDataset => "openlineage.dataset",
            ChangeKind::OpenLineageJob => "openlineage.job",
            ChangeKind::TagReview => "tag.review",
            ChangeKind::EdgeRetraction => "lineage.retract",
            ChangeKind::Usage => "usage.queries",
            ChangeKind::Crawl => "crawl.run",
            ChangeKind::Edit => "catalog.edit",
            ChangeKind::PolicyViolation => "policy.violation",
        }
    }

    /// Reads back a stored kind; `None` for kinds written by a newer Weft.
    pub fn parse(s: &str) -> Option<ChangeKind> {
        match s {
            "openlineage.run" => Some(ChangeKind::OpenLineageRun),
            "openlineage.dataset" => Some(ChangeKind::OpenLineageDataset),
            "openlineage.job" => Some(ChangeKind::OpenLineageJob),
            "tag.review" => Some(ChangeKind::TagReview),
            "lineage.retract" => Some(ChangeKind::EdgeRetraction),
            "usage.queries" => Some(ChangeKind::Usage),
            "crawl.run" => Some(ChangeKind::Crawl),
            "catalog.edit" => Some(ChangeKind::Edit),
            "policy.violation" => Some(ChangeKind::PolicyViolation),
            _ => None,
        }
    }
}

/// What a change does to current state.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeBody {
    /// Runs, jobs and datasets observed by a lineage producer.
    Lineage(LineageUpdate),
    /// A person's decision on a tag at a column.
    TagReview(TagReview),
    /// A person's retraction of a column edge.
    EdgeRetraction(EdgeRetraction),
    /// Reads and writes counted from queries a crawler saw.
    Usage(UsageBatch),
    /// The record of one crawl.
    Crawl(CrawlRecord),
    /// A person's edit.
    Edit(CatalogEdit),
    /// A policy violation that opened or cleared.
    PolicyViolation(PolicyViolation),
}

/// A person's edit to a dataset or one of its columns: the payload of a `catalog.edit`
/// change.
///
/// Curated values are kept apart from what producers and crawlers say (a producer's next
/// event must not undo an owner's description), and read in preference to them. The
/// dataset is named, not numbered, so the payload means the same after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogEdit {
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The column, for a column edit; absent for the dataset itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What changes.
    pub edit: Edit,
    /// Who made the edit (the token's name when authentication is on).
    pub actor: String,
}

/// One edit; see [`CatalogEdit`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Edit {
    /// Set the curated description; `None` returns to the producer's.
    SetDescription {
        /// The new text.
        description: Option<String>,
    },
    /// Replace the curated owners; an empty list returns to the producer's.
    SetOwners {
        /// The owners (`user:alice`, `team:data-eng`), with optional types.
        owners: Vec<EditOwner>,
    },
    /// Set the dataset's tier (`gold`); `None` removes it.
    SetTier {
        /// The tier.
        tier: Option<String>,
    },
    /// Set the dataset's classification (one of `[governance] classifications`); `None`
    /// returns to the producer's (`weft_governance` facet).
    SetClassification {
        /// The classification, lower case.
        classification: Option<String>,
    },
    /// Set how long the dataset's data is kept: an ISO 8601 duration (`P30D`) or `none`
    /// (kept forever, on purpose); `None` returns to the producer's.
    SetRetention {
        /// The retention, in its canonical spelling.
        retention: Option<String>,
    },
    /// Add a tag by hand to a dataset (a column tag is a review action instead, so it
    /// propagates).
    AddTag {
        /// The tag key.
        key: String,
        /// Its value, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// Remove a dataset tag added by hand.
    RemoveTag {
        /// The tag key.
        key: String,
    },
    /// Mark the dataset deprecated, or lift the mark (`deprecated: false`).
    Deprecate {
        /// Whether it is deprecated after this edit.
        deprecated: bool,
        /// Why, and what to use instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// An owner as an edit names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditOwner {
    /// `user:alice`, `team:data-eng`.
    pub name: String,
    /// `MAINTAINER`, `DATA_STEWARD`… when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<String>,
}

impl CatalogEdit {
    /// The change that records this edit: the column (or dataset) as entity, no dedupe
    /// key (the same edit made twice is two audit entries).
    pub fn into_change(self) -> MetadataChange {
        let payload = serde_json::to_string(&self).unwrap_or_default();
        let entity = match &self.column {
            Some(c) => format!("column:{}:{}:{}", self.namespace, self.dataset, c),
            None => format!("dataset:{}:{}", self.namespace, self.dataset),
        };
        MetadataChange {
            actor: self.actor.clone(),
            kind: ChangeKind::Edit,
            entity,
            namespace: Some(self.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::Edit(self),
        }
    }
}

/// A column named by its dataset's namespace and name, as payloads store it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldName {
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// Column.
    pub field: String,
}

/// A column edge someone says is wrong or gone: the payload of a `lineage.retract`
/// change. It removes the edge as stored now; a producer or a job's SQL that states the
/// edge again later brings it back, as new evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EdgeRetraction {
    /// The upstream column.
    pub src: FieldName,
    /// The downstream column.
    pub dst: FieldName,
    /// Only edges of this origin (`openlineage`, `sql`, …); all origins when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Who retracted it.
    pub reviewer: String,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl EdgeRetraction {
    /// The change that records this retraction; its entity is the target dataset, so
    /// views that follow datasets see it.
    pub fn into_change(self) -> MetadataChange {
        let payload = serde_json::to_string(&self).unwrap_or_default();
        MetadataChange {
            actor: self.reviewer.clone(),
            kind: ChangeKind::EdgeRetraction,
            entity: format!("dataset:{}:{}", self.dst.namespace, self.dst.dataset),
            namespace: Some(self.dst.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::EdgeRetraction(self),
        }
    }
}

/// What a reviewer does to a tag on a column.
///
/// Each action is one move of the review state machine documented in
/// `weft_lineage::graph`; the store keeps the resulting state per (column, tag), and the
/// change log keeps every decision with its reviewer and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewAction {
    /// Pin the tag: it stays even when what carried it goes, and propagates on.
    Confirm,
    /// Remove the tag and everything it reached only through this column; remembered
    /// across recomputation.
    Reject,
    /// Forget an earlier confirmation or rejection.
    Clear,
    /// Add the tag by hand, as a source that propagates like a declared one.
    Add,
    /// Withdraw a tag added by hand.
    Remove,
}

impl ReviewAction {
    /// The stable text used in payloads and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Confirm => "confirm",
            ReviewAction::Reject => "reject",
            ReviewAction::Clear => "clear",
            ReviewAction::Add => "add",
            ReviewAction::Remove => "remove",
        }
    }
}

/// A review decision as logged: the payload of a `tag.review` change, verbatim.
///
/// The dataset is named, not numbered, so the payload means the same after a rebuild
/// renumbers datasets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagReview {
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The column.
    pub column: String,
    /// The tag key, already validated and lower-cased.
    pub tag: String,
    /// What the reviewer did.
    pub action: ReviewAction,
    /// Who decided (the token's name when authentication is on).
    pub reviewer: String,
    /// Why, in the reviewer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl TagReview {
    /// The change that records this decision: the canonical JSON payload, the column as
    /// entity, no dedupe key (the same decision made twice is two audit entries).
    pub fn into_change(self) -> MetadataChange {
        let payload = serde_json::to_string(&self).unwrap_or_default();
        MetadataChange {
            actor: self.reviewer.clone(),
            kind: ChangeKind::TagReview,
            entity: format!("column:{}:{}:{}", self.namespace, self.dataset, self.column),
            namespace: Some(self.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::TagReview(self),
        }
    }
}

/// Usage counted from queries, as one crawl reports it: the payload of a `usage.queries`
/// change.
///
/// Counts are already aggregated per dataset, column and day, so a log of a million
/// queries becomes a few thousand rows; the query keys travel with them so that the
/// store can refuse to count a query it has counted before (logs overlap between
/// crawls). Datasets are named, not numbered, so a rebuild replays the same meaning.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageBatch {
    /// The crawl source that saw the queries (its name in `weft.toml`, or the log's
    /// namespace for a one-off crawl); keys are unique per source.
    pub source: String,
    /// Stable keys (hex) of the individual queries counted here.
    #[serde(default)]
    pub query_keys: Vec<String>,
    /// Cumulative counters a source reports instead of single runs (pg_stat_statements'
    /// calls per statement and user), by key, as read in this crawl: the store keeps the
    /// latest so the next crawl counts only the difference.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counters: BTreeMap<String, u64>,
    /// Counts per dataset (and column) per day.
    #[serde(default)]
    pub usage: Vec<DatasetUsage>,
    /// The normalised statements behind the counts, with parse errors.
    #[serde(default)]
    pub shapes: Vec<QueryShape>,
}

/// How one dataset, or one of its columns, was used on one day.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatasetUsage {
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub name: String,
    /// The column, or empty for the dataset as a whole.
    #[serde(default)]
    pub column: String,
    /// UTC day, `YYYY-MM-DD`.
    pub day: String,
    /// Queries (executions) that read it.
    pub reads: u64,
    /// Queries (executions) that wrote it.
    pub writes: u64,
    /// Users who ran those queries, so distinct counts stay exact across batches.
    #[serde(default)]
    pub users: Vec<String>,
    /// Fingerprints of the statements that touched it.
    #[serde(default)]
    pub fingerprints: Vec<String>,
}

/// A normalised statement: its text with literals replaced by placeholders, so a log
/// full of emails and ids in `WHERE` clauses does not turn the catalog into a copy of
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryShape {
    /// Hex fingerprint of the normalised text; the same for every run of the statement.
    pub fingerprint: String,
    /// The SQL dialect it was parsed with.
    pub dialect: String,
    /// The normalised text.
    pub text: String,
    /// The verbatim text of one run, only when the source is configured to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Runs counted in this batch.
    pub calls: u64,
    /// Earliest run in this batch (microseconds since the epoch), when the log says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<i64>,
    /// Latest run in this batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    /// Why it could not be analysed, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ShapeError>,
}

/// A statement's parse or analysis error, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShapeError {
    /// A short class for summaries (`parse`, `unsupported`, `unresolved`).
    pub class: String,
    /// The message.
    pub message: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

impl UsageBatch {
    /// The change that records this batch; its entity is the source, so a source's
    /// history can be read from the log.
    pub fn into_change(self, actor: &str) -> MetadataChange {
        let payload = serde_json::to_string(&self).unwrap_or_default();
        MetadataChange {
            actor: actor.to_owned(),
            kind: ChangeKind::Usage,
            entity: format!("source:{}", self.source),
            namespace: self.usage.first().map(|u| u.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::Usage(self),
        }
    }
}

/// One crawl of one source, as its history shows it: the payload of a `crawl.run`
/// change.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CrawlRecord {
    /// The source's name.
    pub source: String,
    /// `postgres`, `mysql`, `query-log`, `pg_stat_statements`.
    pub kind: String,
    /// What was crawled, with any credentials removed.
    pub target: String,
    /// The namespace its datasets belong to.
    pub namespace: String,
    /// Start, microseconds since the epoch.
    pub started_at: i64,
    /// End.
    pub ended_at: i64,
    /// `ok`, `partial` (some items failed) or `failed` (nothing written).
    pub status: String,
    /// What it found and did: `datasets`, `columns`, `views`, `queries`, `queriesFailed`…
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    /// Errors by class, most frequent first.
    #[serde(default)]
    pub errors: Vec<ErrorClass>,
    /// For incremental sources, how far this crawl read (microseconds), so the next one
    /// starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<i64>,
}

/// A class of failures in one crawl.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorClass {
    /// The class (`parse`, `unresolved`, `connect`…).
    pub class: String,
    /// How many.
    pub count: u64,
    /// One example message.
    pub example: String,
}

impl CrawlRecord {
    /// The change that records this crawl.
    pub fn into_change(self, actor: &str) -> MetadataChange {
        let payload = serde_json::to_string(&self).unwrap_or_default();
        MetadataChange {
            actor: actor.to_owned(),
            kind: ChangeKind::Crawl,
            entity: format!("source:{}", self.source),
            namespace: Some(self.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::Crawl(self),
        }
    }
}

/// A facet's new value, or its removal (`_deleted: true` in OpenLineage).
pub type FacetChanges = BTreeMap<String, Option<FacetValue>>;

/// A facet value as the store keeps it: its JSON text and a digest of that text.
///
/// Both are computed once, where the event is decoded (on the request's own task), so the
/// single writer only compares digests to find the facets that changed: on a stream of
/// runs that repeat yesterday's metadata that is almost all of them, and serializing
/// them there would make the serial part of ingestion pay for every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// The facet as compact JSON, verbatim apart from whitespace.
    pub json: String,
    /// SHA-256 of `json`.
    pub digest: Vec<u8>,
}

impl FacetValue {
    /// The facet parsed back into a JSON value, for the few facets a catalog projects
    /// into columns; `Null` if the text is not JSON (it always is when built by ingest).
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.json).unwrap_or(Value::Null)
    }
}

/// Everything one OpenLineage event says about current state, already validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineageUpdate {
    /// The event's own time (microseconds since the Unix epoch, UTC), used to order run
    /// states, because clients send bursts and the network reorders them.
    pub event_time: i64,
    /// The job the event is about, if any.
    pub job: Option<JobUpdate>,
    /// The run the event is about (RunEvents only).
    pub run: Option<RunUpdate>,
    /// Every dataset the event names: inputs, outputs, or a DatasetEvent's subject.
    pub datasets: Vec<DatasetUpdate>,
    /// Facets that failed their typed model: kept verbatim, flagged here.
    pub warnings: Vec<ChangeWarning>,
}

/// A problem found in otherwise accepted input, recorded against its change.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeWarning {
    /// Where in the input (`outputs[0].facets.ownership`).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// A job as seen by one event.
#[derive(Debug, Clone, PartialEq)]
pub struct JobUpdate {
    /// OpenLineage job namespace.
    pub namespace: String,
    /// OpenLineage job name.
    pub name: String,
    /// Job facets in this event; merged key by key into the job's current facets.
    pub facets: FacetChanges,
}

/// A run as seen by one event.
#[derive(Debug, Clone, PartialEq)]
pub struct RunUpdate {
    /// The run's id as a UUID (non-UUID ids are mapped to a name-based UUID, as Marquez does).
    pub id: String,
    /// The id exactly as the producer sent it.
    pub external_id: String,
    /// The run's state after this event (`START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`,
    /// `OTHER`), or `None` when the event had no `eventType`.
    pub state: Option<String>,
    /// Sort key for states: the event time with a tie-break that lets a terminal state win
    /// over a non-terminal one sent in the same microsecond.
    pub state_order: i64,
    /// Nominal schedule window, from the `nominalTime` facet (microseconds).
    pub nominal_start: Option<i64>,
    /// End of the nominal schedule window.
    pub nominal_end: Option<i64>,
    /// The parent run's id (UUID form), from the `parent` facet.
    pub parent_run_id: Option<String>,
    /// Run facets in this event.
    pub facets: FacetChanges,
}

/// The part a dataset plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetRole {
    /// Read by the run or job.
    Input,
    /// Written by the run or job.
    Output,
    /// The subject of a DatasetEvent.
    Subject,
}

/// A dataset as seen by one event.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetUpdate {
    /// OpenLineage dataset namespace (`postgres://db:5432`).
    pub namespace: String,
    /// OpenLineage dataset name (`shop.public.orders`).
    pub name: String,
    /// Input, output, or subject.
    pub role: DatasetRole,
    /// Dataset facets in this event (not the per-run input/output facets).
    pub facets: FacetChanges,
    /// The schema, flattened (`address.city`), when the event carries a schema facet.
    pub fields: Option<Fields>,
    /// Column lineage into this dataset, from its columnLineage facet.
    pub edges: Vec<ColumnEdge>,
    /// Where `edges` were learnt, as `column_edges.origin` spells it: `openlineage` for
    /// what a producer declared, `view` for what Weft's crawler parsed from a view's
    /// definition. Kept apart so a client can tell a declaration from Weft's analysis.
    pub edges_origin: &'static str,
    /// Dataset and column tags, when the event carries a tags facet.
    pub tags: Option<Vec<Tag>>,
    /// Owners, when the event carries an ownership facet.
    pub owners: Option<Vec<Owner>>,
}

/// A dataset's schema as one event states it, with the text and digest that version it.
///
/// Schemas are versioned by content: the writer starts a new version only when `digest`
/// differs from the current one, so the digest is computed here, off the serial path.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    /// The fields, flattened, in order.
    pub list: Vec<Field>,
    /// `[{"name", "type", "description"}, …]` as compact JSON: what a version stores.
    pub json: String,
    /// SHA-256 of `json`.
    pub digest: Vec<u8>,
}

/// One field of a dataset schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Dotted path for nested fields (`address.city`).
    pub name: String,
    /// Type as the producer names it.
    pub data_type: Option<String>,
    /// Producer-supplied description.
    pub description: Option<String>,
    /// Position in the flattened schema, from 0.
    pub ordinal: i64,
}

/// A column-level lineage edge into the dataset that carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnEdge {
    /// Source dataset namespace.
    pub src_namespace: String,
    /// Source dataset name.
    pub src_name: String,
    /// Source column.
    pub src_field: String,
    /// Target column in the carrying dataset; empty for a dataset-level dependency
    /// (columnLineage's `dataset` list: inputs that affect every column, such as filters).
    pub dst_field: String,
    /// OpenLineage 1-2-0 transformations (`[{type, subtype, description, masking}]`) as
    /// compact JSON; the deprecated `transformationType` is mapped onto this form.
    pub transformations: String,
    /// The field-level `transformationDescription`, when given.
    pub description: Option<String>,
    /// A hash of `transformations` and `description`, so the writer can tell an unchanged
    /// edge by comparing one number.
    pub fingerprint: u64,
}

/// A tag on a dataset (`column` empty) or on one of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Column the tag is on; empty for the dataset itself.
    pub column: String,
    /// Tag key as sent.
    pub key: String,
    /// Tag value as sent.
    pub value: Option<String>,
    /// Who assigned it, per the facet's `source`.
    pub source: Option<String>,
}

/// An owner of a dataset or job, from the ownership facet.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    /// Owner name (`team:data-eng`, `user:alice`).
    pub name: String,
    /// Owner type (`MAINTAINER`, …) when given.
    pub owner_type: Option<String>,
}
