//! The namespace counters view: events and run events per namespace, and when the last
//! one arrived. Small on purpose — it is the first consumer of the change log and the
//! example for the views that follow. Its state and cursor commit together, so every
//! entry is counted exactly once.

use std::collections::BTreeMap;

use weft_store::log::LogEntry;
use weft_store::namespace_stats::NamespaceCount;
use weft_store::{Store, StoreError};

use super::DerivedView;

/// Counts log entries per namespace into `namespace_stats`.
#[derive(Debug, Default)]
pub struct NamespaceCounters;

impl DerivedView for NamespaceCounters {
    type Error = StoreError;

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
        let counts = per_ns
            .into_iter()
            .map(|(ns, (events, run_events, at))| NamespaceCount {
                namespace: ns.to_owned(),
                events,
                run_events,
                last_event_at: at,
            })
            .collect();
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(());
        };
        // `false`: another replica counted these entries first; the runner reads the
        // cursor again and goes on from where that one stopped.
        store
            .add_namespace_counts(counts, self.name(), (first.seq, last.seq))
            .await?;
        Ok(())
    }

    async fn reset(&mut self, store: &Store) -> Result<(), StoreError> {
        store.reset_namespace_stats().await?;
        store.reset_view_cursor(self.name()).await
    }
}
