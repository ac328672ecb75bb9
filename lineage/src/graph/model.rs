//! The graph's plain values: how the server names nodes and edges (store ids and column
//! names), what it hands in for an edge, and what traversals hand back.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use crate::transform::{Subtype, Transformation, TransformationType};

/// A dataset's id in the store (`datasets.id`).
pub type DatasetId = i64;
/// A job's id in the store (`jobs.id`).
pub type JobId = i64;
/// Microseconds since the Unix epoch, as the store keeps `first_seen`/`last_seen`.
pub type Micros = i64;

/// A column: its dataset's store id and its (flattened) field name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnRef {
    /// The dataset's store id.
    pub dataset: DatasetId,
    /// The field name, shared with the graph's interned copy.
    pub column: Arc<str>,
}

impl ColumnRef {
    /// A column of `dataset` named `column`.
    pub fn new(dataset: DatasetId, column: &str) -> ColumnRef {
        ColumnRef {
            dataset,
            column: Arc::from(column),
        }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.dataset, self.column)
    }
}

/// A node of the lineage graph: a dataset or one of its columns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    /// A dataset.
    Dataset(DatasetId),
    /// A column.
    Column(ColumnRef),
}

impl NodeRef {
    /// The dataset the node is or belongs to.
    pub fn dataset(&self) -> DatasetId {
        match self {
            NodeRef::Dataset(d) => *d,
            NodeRef::Column(c) => c.dataset,
        }
    }
}

/// Where an edge was learnt. Edges that differ only by origin are kept apart, so a
/// producer's declaration and Weft's own SQL analysis can be compared and retracted
/// independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// Declared by an OpenLineage producer (`openlineage` in `column_edges.origin`).
    OpenLineage,
    /// Derived from a job's SQL (`sql`).
    Sql,
    /// Derived from a view definition (`view`).
    View,
    /// Derived from a query-log entry (`query_log`).
    QueryLog,
}

impl Origin {
    /// The spelling stored in `column_edges.origin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::OpenLineage => "openlineage",
            Origin::Sql => "sql",
            Origin::View => "view",
            Origin::QueryLog => "query_log",
        }
    }

    /// Reads the stored spelling back.
    pub fn parse(s: &str) -> Result<Origin, GraphError> {
        match s {
            "openlineage" => Ok(Origin::OpenLineage),
            "sql" => Ok(Origin::Sql),
            "view" => Ok(Origin::View),
            "query_log" => Ok(Origin::QueryLog),
            other => Err(GraphError::UnknownOrigin(other.to_owned())),
        }
    }

    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_code(code: u8) -> Origin {
        match code {
            0 => Origin::OpenLineage,
            1 => Origin::Sql,
            2 => Origin::View,
            _ => Origin::QueryLog,
        }
    }
}

/// Identifies one column-to-column edge: its endpoints, origin and producing job. Two
/// edges between the same columns with another origin or job are different edges.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnEdgeKey {
    /// The source column.
    pub src: ColumnRef,
    /// The target column.
    pub dst: ColumnRef,
    /// Where the edge was learnt.
    pub origin: Origin,
    /// The job that writes `dst`, when known.
    pub job: Option<JobId>,
}

/// A column edge as the store holds it (a `column_edges` row with a target column).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnEdge {
    /// Which edge.
    pub key: ColumnEdgeKey,
    /// Its OpenLineage transformations; empty means "no information".
    pub transformations: Vec<Transformation>,
    /// When it was first seen (µs).
    pub first_seen: Micros,
    /// When it was last seen (µs).
    pub last_seen: Micros,
}

/// Identifies one dataset-level dependency: from a whole dataset (a run's input) or from
/// one of its columns (a filter or join key, a `column_edges` row whose target column is
/// `''`) to a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatasetEdgeKey {
    /// The source dataset.
    pub src: DatasetId,
    /// The source column, when the dependency is on one column.
    pub src_column: Option<Arc<str>>,
    /// The target dataset.
    pub dst: DatasetId,
    /// Where the edge was learnt.
    pub origin: Origin,
    /// The job, when known.
    pub job: Option<JobId>,
}

/// A dataset-level dependency as the store gives it (run inputs/outputs, or a
/// `column_edges` row whose target column is `''`).
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetEdge {
    /// Which edge.
    pub key: DatasetEdgeKey,
    /// Its transformations (typically INDIRECT FILTER/JOIN…); empty for a run's I/O.
    pub transformations: Vec<Transformation>,
    /// When it was first seen (µs).
    pub first_seen: Micros,
    /// When it was last seen (µs).
    pub last_seen: Micros,
}

/// What [`crate::graph::LineageGraph::upsert_column_edge`] did, so the caller can count
/// or log changes without diffing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new edge.
    Added,
    /// An existing edge whose transformations changed (tags were re-derived).
    Changed,
    /// An existing edge seen again: only its times (and stale flag) moved.
    Refreshed,
}

/// Errors of the graph API: unknown nodes, malformed input from the store, bad tags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The dataset is not in the graph.
    #[error("dataset {0} is not in the lineage graph")]
    UnknownDataset(DatasetId),
    /// The column is not in the graph.
    #[error("column {0} is not in the lineage graph")]
    UnknownColumn(ColumnRef),
    /// An origin the store should not contain.
    #[error("unknown edge origin `{0}` (expected openlineage, sql, view or query_log)")]
    UnknownOrigin(String),
    /// The stored transformations JSON does not have the expected shape.
    #[error("bad transformations JSON: {0}")]
    Transformations(String),
    /// A tag key that breaks the key grammar.
    #[error("invalid tag key `{key}`: {reason}")]
    InvalidTag {
        /// The key as given.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Rules (detection or propagation) that do not parse or are inconsistent.
    #[error("bad rules: {0}")]
    Rules(String),
}

#[derive(Deserialize)]
struct WireTransformation {
    #[serde(rename = "type")]
    kind: String,
    subtype: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    masking: bool,
}

/// Reads the `column_edges.transformations` JSON array
/// (`[{"type","subtype","description","masking"}]`) into [`Transformation`]s, so the
/// server hands the graph typed values. An empty description becomes `None`.
pub fn parse_transformations(json: &str) -> Result<Vec<Transformation>, GraphError> {
    let wire: Vec<WireTransformation> =
        serde_json::from_str(json).map_err(|e| GraphError::Transformations(e.to_string()))?;
    wire.into_iter()
        .map(|w| {
            let kind = match w.kind.to_ascii_uppercase().as_str() {
                "DIRECT" => TransformationType::Direct,
                "INDIRECT" => TransformationType::Indirect,
                other => {
                    return Err(GraphError::Transformations(format!(
                        "unknown type `{other}`"
                    )));
                }
            };
            let subtype = match w.subtype.as_deref().map(str::to_ascii_uppercase) {
                Some(s) => parse_subtype(&s)?,
                // 1-2-0 makes subtype optional; the type alone says this much.
                None if kind == TransformationType::Direct => Subtype::Transformation,
                None => Subtype::Filter,
            };
            Ok(Transformation {
                kind,
                subtype,
                description: w.description.filter(|d| !d.trim().is_empty()),
                masking: w.masking,
            })
        })
        .collect()
}

fn parse_subtype(s: &str) -> Result<Subtype, GraphError> {
    Ok(match s {
        "IDENTITY" => Subtype::Identity,
        "TRANSFORMATION" => Subtype::Transformation,
        "AGGREGATION" => Subtype::Aggregation,
        "JOIN" => Subtype::Join,
        "GROUP_BY" => Subtype::GroupBy,
        "FILTER" => Subtype::Filter,
        "SORT" => Subtype::Sort,
        "WINDOW" => Subtype::Window,
        "CONDITIONAL" => Subtype::Conditional,
        other => {
            return Err(GraphError::Transformations(format!(
                "unknown subtype `{other}`"
            )));
        }
    })
}
