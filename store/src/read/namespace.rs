//! Namespaces, with the counters view's figures.

use sqlx::Row;

use super::{Listing, Page};
use crate::{Store, StoreError};

/// A namespace: a source (`postgres://db:5432`) or a scheduler's group of jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceRecord {
    /// Name.
    pub name: String,
    /// First seen (µs).
    pub created_at: i64,
    /// Its last event (µs); when it first appeared if the counters have not seen one.
    pub updated_at: i64,
    /// Description.
    pub description: Option<String>,
    /// Owner; `anonymous` when no producer named one (as Marquez says).
    pub owner_name: String,
    /// Events received.
    pub events: i64,
    /// Run events received.
    pub run_events: i64,
}

impl Store {
    /// A page of namespaces by name, with the counters view's figures.
    pub async fn list_namespaces(
        &self,
        page: Page,
    ) -> Result<Listing<NamespaceRecord>, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, n.created_at, n.description, n.owner_name, s.events, s.run_events, s.last_event_at \
                 FROM namespaces n LEFT JOIN namespace_stats s ON s.namespace = n.name \
                 ORDER BY n.name LIMIT ? OFFSET ?",
                vec![page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let created_at: i64 = r.try_get(1)?;
            items.push(NamespaceRecord {
                name: r.try_get(0)?,
                created_at,
                updated_at: r.try_get::<Option<i64>, _>(6)?.unwrap_or(created_at),
                description: r.try_get(2)?,
                owner_name: r
                    .try_get::<Option<String>, _>(3)?
                    .unwrap_or_else(|| "anonymous".into()),
                events: r.try_get::<Option<i64>, _>(4)?.unwrap_or(0),
                run_events: r.try_get::<Option<i64>, _>(5)?.unwrap_or(0),
            });
        }
        let total = self
            .count("SELECT COUNT(*) FROM namespaces", vec![])
            .await?;
        Ok(Listing { total, items })
    }

    /// One namespace by name.
    pub async fn get_namespace(&self, ns: &str) -> Result<Option<NamespaceRecord>, StoreError> {
        let page = self
            .list_namespaces(Page {
                limit: i64::MAX / 2,
                offset: 0,
            })
            .await?;
        Ok(page.items.into_iter().find(|n| n.name == ns))
    }
}
