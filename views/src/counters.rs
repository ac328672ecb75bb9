//! The namespace counters view: events and run events per namespace, and when the last
//! one arrived. Small on purpose — it is the first consumer of the change log and the
//! example for the views that follow. Its state and cursor commit together, so every
//! entry is counted exactly once.

use std::collections::BTreeMap;

use weft_store::bulk::{Insert, Val};
use weft_store::log::LogEntry;
use weft_store::{Store, StoreError};

use super::DerivedView;

/// Counts log entries per namespace into `namespace_stats`.
#[derive(Debug, Default)]
pub struct NamespaceCounters;

impl DerivedView for NamespaceCounters {
    fn name(&self) -> &'static str {
        "namespace_counters"
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), StoreError> {
        let mut per_ns: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
        for e in entries {
            let Some(ns) = e.namespace.as_deref() else {
                continue;
            };
            let c = per_ns.entry(ns).or_default();
            c.0 += 1;
            if e.kind == "openlineage.run" {
                c.1 += 1;
            }
            c.2 = c.2.max(e.at);
        }
        let rows = per_ns
            .into_iter()
            .map(|(ns, (events, runs, at))| {
                vec![
                    Val::from(ns),
                    Val::I64(events),
                    Val::I64(runs),
                    Val::I64(at),
                ]
            })
            .collect();
        let mut tx = store.begin_write().await?;
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
        .run(&mut tx, store.backend(), rows)
        .await?;
        if let Some(last) = entries.last() {
            store
                .set_view_cursor(&mut tx, self.name(), last.seq)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn reset(&mut self, store: &Store) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM namespace_stats")
            .execute(store.pool())
            .await?;
        Ok(())
    }
}
