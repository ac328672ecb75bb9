//! The store's `column_edges` row, read straight into the graph: the server loads and
//! follows the table with these two calls and never decides itself whether a row is a
//! column edge or a dataset-level one.

use std::sync::Arc;

use super::core::LineageGraph;
use super::model::{
    ColumnEdge, ColumnEdgeKey, ColumnRef, DatasetEdge, DatasetEdgeKey, DatasetId, GraphError,
    JobId, Micros, Origin, Upsert, parse_transformations,
};
use super::tags::{Detection, DetectionRules};

/// One `column_edges` row as the store holds it. A row whose `dst_column` is `''` is a
/// dataset-level dependency (from `src_column`, or from the whole dataset when that is
/// `''` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredEdge<'a> {
    /// `dst_dataset_id`.
    pub dst_dataset: DatasetId,
    /// `dst_column`; `''` for a dataset-level dependency.
    pub dst_column: &'a str,
    /// `src_dataset_id`.
    pub src_dataset: DatasetId,
    /// `src_column`.
    pub src_column: &'a str,
    /// `job_id`.
    pub job: JobId,
    /// `origin` (`openlineage`, `sql`, `view`, `query_log`).
    pub origin: &'a str,
    /// `transformations`, the JSON array.
    pub transformations: &'a str,
    /// `first_seen` (µs).
    pub first_seen: Micros,
    /// `last_seen` (µs).
    pub last_seen: Micros,
}

/// The graph key a stored row maps to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StoredKey {
    /// A column → column edge.
    Column(ColumnEdgeKey),
    /// A dataset-level dependency.
    Dataset(DatasetEdgeKey),
}

impl StoredEdge<'_> {
    /// Which graph edge this row is.
    pub fn key(&self) -> Result<StoredKey, GraphError> {
        let origin = Origin::parse(self.origin)?;
        Ok(if self.dst_column.is_empty() {
            StoredKey::Dataset(DatasetEdgeKey {
                src: self.src_dataset,
                src_column: (!self.src_column.is_empty()).then(|| Arc::from(self.src_column)),
                dst: self.dst_dataset,
                origin,
                job: Some(self.job),
            })
        } else {
            StoredKey::Column(ColumnEdgeKey {
                src: ColumnRef::new(self.src_dataset, self.src_column),
                dst: ColumnRef::new(self.dst_dataset, self.dst_column),
                origin,
                job: Some(self.job),
            })
        })
    }
}

impl LineageGraph {
    /// Adds or refreshes the edge a stored row describes (see [`StoredEdge`]).
    pub fn upsert_stored(&mut self, row: &StoredEdge<'_>) -> Result<Upsert, GraphError> {
        let transformations = parse_transformations(row.transformations)?;
        Ok(match row.key()? {
            StoredKey::Column(key) => self.upsert_column_edge(&ColumnEdge {
                key,
                transformations,
                first_seen: row.first_seen,
                last_seen: row.last_seen,
            }),
            StoredKey::Dataset(key) => self.upsert_dataset_edge(&DatasetEdge {
                key,
                transformations,
                first_seen: row.first_seen,
                last_seen: row.last_seen,
            }),
        })
    }

    /// Retracts the edge a stored row describes (its transformations are not read).
    /// Returns whether it existed.
    pub fn retract_stored(&mut self, row: &StoredEdge<'_>) -> Result<bool, GraphError> {
        Ok(match row.key()? {
            StoredKey::Column(key) => self.retract_column_edge(&key),
            StoredKey::Dataset(key) => self.retract_dataset_edge(&key),
        })
    }

    /// Runs detection on a column (creating it if new) and records each detection as a
    /// proposed source; returns them so the caller can persist or log them.
    pub fn detect(
        &mut self,
        rules: &DetectionRules,
        column: &ColumnRef,
        data_type: Option<&str>,
    ) -> Vec<Detection> {
        let found = rules.detect(&column.column, data_type);
        for d in &found {
            self.add_detected(column, &d.tag, &d.rule);
        }
        found
    }
}
