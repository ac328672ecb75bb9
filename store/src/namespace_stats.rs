//! `namespace_stats`: events and run events per namespace, and when the last one
//! arrived. Derived by the namespace counters view; this module is its only writer.

use crate::bulk::{Insert, Val};
use crate::{Store, StoreError};

/// What one page of the log adds to a namespace's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceCount {
    /// The namespace.
    pub namespace: String,
    /// Entries of any kind.
    pub events: i64,
    /// Run events among them.
    pub run_events: i64,
    /// Time of the latest entry (microseconds).
    pub last_event_at: i64,
}

impl Store {
    /// Adds `counts` (what the entries `span` = (first, last) hold) to `namespace_stats`
    /// and moves view `view`'s cursor to the last in the same transaction, so every entry
    /// is counted exactly once, even with several replicas counting: when another one
    /// counted any of them first, nothing is written and the answer is `false`.
    pub async fn add_namespace_counts(
        &self,
        counts: Vec<NamespaceCount>,
        view: &str,
        span: (i64, i64),
    ) -> Result<bool, StoreError> {
        let rows = counts
            .into_iter()
            .map(|c| {
                vec![
                    Val::from(c.namespace),
                    Val::I64(c.events),
                    Val::I64(c.run_events),
                    Val::I64(c.last_event_at),
                ]
            })
            .collect();
        let mut tx = self.begin_write().await?;
        if !self
            .claim_view_cursor(&mut tx, view, span.0, span.1)
            .await?
        {
            return Ok(false);
        }
        Insert {
            table: "namespace_stats",
            columns: &["namespace", "events", "run_events", "last_event_at"],
            conflict: &[0],
            update: Some(
                "events = namespace_stats.events + excluded.events, \
                 run_events = namespace_stats.run_events + excluded.run_events, \
                 last_event_at = CASE WHEN excluded.last_event_at > namespace_stats.last_event_at \
                 THEN excluded.last_event_at ELSE namespace_stats.last_event_at END",
            ),
            returning: None,
        }
        .run(&mut tx, self.backend(), rows)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Forgets every namespace's counters, for a rebuild of the view.
    pub async fn reset_namespace_stats(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM namespace_stats")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
