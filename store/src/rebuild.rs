//! The start of `weft rebuild`: current state wiped, inside the transaction that then
//! replays the change log, so a failed rebuild leaves the store as it was.

use weft_schemas::change::ChangeBody;

use crate::writer::Writer;
use crate::{Store, StoreError};

/// Tables that hold current state (everything but the log and its warnings).
const STATE_TABLES: [&str; 24] = [
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
    "policy_violations",
];

/// The rebuild's transaction: state wiped, changes replayed into it, then committed.
/// It holds the connection, so the replay needs no raw access to the database.
pub struct Rebuild {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl std::fmt::Debug for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rebuild")
    }
}

impl Store {
    /// Begins the rebuild's transaction with every state table and every view cursor
    /// emptied, except the cursors of publishers ([`crate::cursors::PUBLISHER_PREFIX`]):
    /// they say what left for the outside world, which a rebuild does not change.
    pub async fn begin_rebuild(&self) -> Result<Rebuild, StoreError> {
        let mut tx = self.pool().begin().await?;
        for t in STATE_TABLES {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {t}")))
                .execute(&mut *tx)
                .await?;
        }
        let sql = self
            .backend()
            .sql("DELETE FROM view_cursors WHERE name NOT LIKE ?");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(format!("{}%", crate::cursors::PUBLISHER_PREFIX))
            .execute(&mut *tx)
            .await?;
        Ok(Rebuild { tx })
    }
}

impl Rebuild {
    /// Replays already-logged changes, each `(seq, logged at, body)`, into the wiped
    /// state (see [`Writer::apply_bodies`]).
    pub async fn apply(
        &mut self,
        writer: &mut Writer,
        items: &[(i64, i64, &ChangeBody)],
    ) -> Result<(), StoreError> {
        writer.apply_bodies(&mut self.tx, items).await
    }

    /// Commits the rebuilt state.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}
