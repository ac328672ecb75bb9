//! What goes into the index: the document kinds and the documents the server feeds in,
//! and the ids they are stored under.

use crate::rank::Signals;

/// What a document is: results say which, and a search can be limited to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DocKind {
    /// A dataset (table, file, topic).
    #[default]
    Dataset,
    /// A job (pipeline step).
    Job,
    /// A column of a dataset.
    Column,
}

impl DocKind {
    /// The indexed spelling: `dataset`, `job`, `column`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Dataset => "dataset",
            DocKind::Job => "job",
            DocKind::Column => "column",
        }
    }

    /// Parses [`DocKind::as_str`]'s spelling, case-insensitively (Marquez's `DATASET`
    /// and `JOB` included).
    pub fn parse(s: &str) -> Option<DocKind> {
        match s.to_ascii_lowercase().as_str() {
            "dataset" => Some(DocKind::Dataset),
            "job" => Some(DocKind::Job),
            "column" => Some(DocKind::Column),
            _ => None,
        }
    }
}

/// A dataset as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetDoc {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name.
    pub name: String,
    /// `postgres`, `snowflake`, … (the namespace's scheme when not known better).
    pub platform: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Columns: (name, description). Each also becomes a column document.
    pub columns: Vec<(String, Option<String>)>,
    /// Tag keys on the dataset or its columns.
    pub tags: Vec<String>,
    /// Owner names.
    pub owners: Vec<String>,
    /// Classification (`internal`, `restricted`…): curated, else the producer's.
    pub classification: Option<String>,
    /// Last change (µs since the epoch), reported with each hit.
    pub updated_at: Option<i64>,
    /// Everything that is not text.
    pub signals: Signals,
}

/// A job as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobDoc {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Names of the datasets it reads.
    pub inputs: Vec<String>,
    /// Names of the datasets it writes.
    pub outputs: Vec<String>,
    /// Owner names.
    pub owners: Vec<String>,
    /// Last change (µs since the epoch), reported with each hit.
    pub updated_at: Option<i64>,
    /// Ranking signals (usage of its outputs, lineage, lifecycle…).
    pub signals: Signals,
}

pub(super) fn dataset_id(namespace: &str, name: &str) -> String {
    format!("{namespace}\u{1f}{name}")
}

pub(super) fn job_id(namespace: &str, name: &str) -> String {
    format!("job\u{1f}{namespace}\u{1f}{name}")
}
