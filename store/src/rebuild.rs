//! The start of `weft rebuild`: current state wiped, inside the transaction that then
//! replays the change log, so a failed rebuild leaves the store as it was.

use crate::{Store, StoreError};

/// Tables that hold current state (everything but the log and its warnings).
const STATE_TABLES: [&str; 23] = [
    "curations",
    "namespaces",
    "datasets",
    "dataset_facets",
    "dataset_versions",
    "columns",
    "jobs",
    "job_facets",
    "job_io",
    "runs",
    "run_facets",
    "run_io",
    "column_edges",
    "tags",
    "owners",
    "tag_reviews",
    "edge_retractions",
    "namespace_stats",
    "usage_daily",
    "query_seen",
    "query_shapes",
    "crawl_runs",
    "facet_tombstones",
];

impl Store {
    /// Begins the rebuild's transaction with every state table and every view cursor
    /// emptied; the caller replays the log into it and commits.
    pub async fn begin_rebuild(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let mut tx = self.pool().begin().await?;
        for t in STATE_TABLES {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {t}")))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM view_cursors")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}
