//! Read queries, answered as typed records.
//!
//! Each read returns what the store holds about a namespace, dataset, job or run as a
//! record; the REST layer renders the records in Marquez's JSON shapes and GraphQL
//! resolves its fields from them, so neither decodes the other's JSON. Everything is
//! read from current-state tables; raw events are never parsed at query time (Marquez's
//! facet-reading regret). Facets stay open JSON inside the records: they are whatever
//! their producers sent.
//!
//! - `namespace.rs`: namespaces with the counters view's figures;
//! - `dataset.rs`: datasets, their current fields and schema versions;
//! - `job.rs`: jobs, their inputs and outputs, what SQL lineage made of their SQL;
//! - `run.rs`: runs and the dataset versions they read and wrote;
//! - `lineage.rs`: lineage answers (datasets and jobs around a node, column lineage).

mod dataset;
mod job;
mod lineage;
mod namespace;
mod run;

pub use dataset::{DatasetRecord, DatasetVersionRecord, FieldRecord, VersionField};
pub use job::{JobRecord, SqlLineageRecord, SqlProblem};
pub use lineage::{
    ColumnInput, ColumnLineageNode, ColumnName, LINEAGE_MAX_NODES, LineageAnswer,
    LineageDisagreement, LineageEntity, LineageNode, NodeId,
};
pub use namespace::NamespaceRecord;
pub use run::{DatasetVersionId, RunRecord};

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use serde_json::{Map, Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::bulk::Val;
use super::lookup::OwnerRef;
use super::{Store, StoreError};

/// Renders stored microseconds as RFC 3339 (what Marquez emits).
pub fn iso(micros: Option<i64>) -> Value {
    match micros.and_then(|m| Utc.timestamp_micros(m).single()) {
        Some(t) => Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        None => Value::Null,
    }
}

/// A page request.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Rows at most.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// One page of a list, with the length of the whole list (what a client pages by).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    /// Items in the whole list.
    pub total: i64,
    /// This page's items.
    pub items: Vec<T>,
}

impl<T> Default for Listing<T> {
    /// An empty list.
    fn default() -> Listing<T> {
        Listing {
            total: 0,
            items: Vec::new(),
        }
    }
}

/// A dataset or job named within its namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntityName {
    /// Namespace.
    pub namespace: String,
    /// Name within it.
    pub name: String,
}

/// Facets by name, as their producers sent them.
pub type Facets = Map<String, Value>;

/// What a read is about when datasets and jobs are read the same way: they are both
/// named within a namespace and both carry facets and owners, in tables that differ
/// only by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityKind {
    /// `datasets`.
    Dataset,
    /// `jobs`.
    Job,
}

impl EntityKind {
    /// The table of its rows.
    fn table(self) -> &'static str {
        match self {
            EntityKind::Dataset => "datasets",
            EntityKind::Job => "jobs",
        }
    }

    /// The alias its table goes by in a join.
    fn alias(self) -> &'static str {
        match self {
            EntityKind::Dataset => "d",
            EntityKind::Job => "j",
        }
    }

    /// Its name in `owners.entity_type`.
    fn owner_type(self) -> &'static str {
        match self {
            EntityKind::Dataset => "dataset",
            EntityKind::Job => "job",
        }
    }

    /// The statement reading its facets by id.
    fn facets_sql(self) -> &'static str {
        match self {
            EntityKind::Dataset => "SELECT key, value FROM dataset_facets WHERE dataset_id = ?",
            EntityKind::Job => "SELECT key, value FROM job_facets WHERE job_id = ?",
        }
    }
}

/// A stored facet as a JSON value for a read. Older versions accepted facets that
/// serde_json cannot read back (a number such as `1e999`, nesting past its recursion
/// limit); such a facet is replaced by `{"_error": "unreadable facet: …"}`, with a
/// warning, so one bad facet never fails the dataset, job, run or list around it.
pub(crate) fn stored_facet(key: &str, text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(facet = key, error = %e, "unreadable stored facet replaced");
            json!({ "_error": format!("unreadable facet: {e}") })
        }
    }
}

impl Store {
    /// Raw rows of a read; only the store's own modules run SQL.
    pub(crate) async fn rows(&self, sql: &str, binds: Vec<Val>) -> Result<Vec<AnyRow>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        super::bulk::fetch(&mut conn, self.backend().sql(sql), binds).await
    }

    async fn count(&self, sql: &str, binds: Vec<Val>) -> Result<i64, StoreError> {
        let rows = self.rows(sql, binds).await?;
        match rows.first() {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(0),
        }
    }

    async fn namespace_id(&self, ns: &str) -> Result<Option<i64>, StoreError> {
        let rows = self
            .rows("SELECT id FROM namespaces WHERE name = ?", vec![ns.into()])
            .await?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Into::into)
    }

    /// The store id of the dataset or job `ns`:`name`.
    async fn entity_key(
        &self,
        kind: EntityKind,
        ns: &str,
        name: &str,
    ) -> Result<Option<i64>, StoreError> {
        let (table, a) = (kind.table(), kind.alias());
        let rows = self
            .rows(
                &format!(
                    "SELECT {a}.id FROM {table} {a} JOIN namespaces n ON n.id = {a}.namespace_id \
                     WHERE n.name = ? AND {a}.name = ?"
                ),
                vec![ns.into(), name.into()],
            )
            .await?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Into::into)
    }

    /// One page of the ids of a namespace's datasets or jobs, by name, and how many it
    /// has in all; `None` for an unknown namespace.
    async fn ids_in_namespace(
        &self,
        kind: EntityKind,
        ns: &str,
        page: Page,
    ) -> Result<Option<(Vec<i64>, i64)>, StoreError> {
        let Some(ns_id) = self.namespace_id(ns).await? else {
            return Ok(None);
        };
        let table = kind.table();
        self.ids_and_count(
            &format!(
                "SELECT id FROM {table} WHERE namespace_id = ? ORDER BY name LIMIT ? OFFSET ?"
            ),
            vec![ns_id.into(), page.limit.into(), page.offset.into()],
            &format!("SELECT COUNT(*) FROM {table} WHERE namespace_id = ?"),
            vec![ns_id.into()],
        )
        .await
        .map(Some)
    }

    /// A page of a namespace's datasets or jobs, by name, each read whole by `load`;
    /// `None` for an unknown namespace.
    async fn list_in_namespace<T, F>(
        &self,
        kind: EntityKind,
        ns: &str,
        page: Page,
        load: impl Fn(i64) -> F,
    ) -> Result<Option<Listing<T>>, StoreError>
    where
        F: std::future::Future<Output = Result<Option<T>, StoreError>>,
    {
        let Some((ids, total)) = self.ids_in_namespace(kind, ns, page).await? else {
            return Ok(None);
        };
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(item) = load(id).await? {
                items.push(item);
            }
        }
        Ok(Some(Listing { total, items }))
    }

    /// The ids a page statement (`SELECT id …`) finds and what its count statement
    /// (`SELECT COUNT(*) …`) says the whole list holds.
    pub(crate) async fn ids_and_count(
        &self,
        page_sql: &str,
        page_binds: Vec<Val>,
        count_sql: &str,
        count_binds: Vec<Val>,
    ) -> Result<(Vec<i64>, i64), StoreError> {
        let ids = self
            .rows(page_sql, page_binds)
            .await?
            .into_iter()
            .map(|r| r.try_get(0))
            .collect::<Result<Vec<i64>, _>>()?;
        let total = self.count(count_sql, count_binds).await?;
        Ok((ids, total))
    }

    /// Every facet of a dataset or job, by name.
    async fn entity_facets(&self, kind: EntityKind, id: i64) -> Result<Facets, StoreError> {
        let mut map = Map::new();
        for f in self.rows(kind.facets_sql(), vec![id.into()]).await? {
            let key: String = f.try_get(0)?;
            let text: String = f.try_get(1)?;
            let v = stored_facet(&key, &text);
            map.insert(key, v);
        }
        Ok(map)
    }

    /// The owners a producer stated for a dataset or job, by name.
    async fn declared_owners(
        &self,
        kind: EntityKind,
        id: i64,
    ) -> Result<Vec<OwnerRef>, StoreError> {
        self.rows(
            "SELECT name, owner_type FROM owners WHERE entity_type = ? AND entity_id = ? ORDER BY name",
            vec![kind.owner_type().into(), id.into()],
        )
        .await?
        .into_iter()
        .map(|o| {
            Ok(OwnerRef {
                name: o.try_get(0)?,
                owner_type: o.try_get(1)?,
            })
        })
        .collect()
    }

    /// The warnings recorded against each of `seqs`, as (path, message).
    pub async fn change_warnings(
        &self,
        seqs: &[i64],
    ) -> Result<HashMap<i64, Vec<(String, String)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        let mut conn = self.pool().acquire().await?;
        for chunk in seqs.chunks(500) {
            let sql = format!(
                "SELECT seq, path, message FROM change_warnings WHERE seq IN {}",
                super::bulk::in_list(self.backend(), 0, chunk.len())
            );
            let binds = chunk.iter().map(|&s| Val::I64(s)).collect();
            for r in super::bulk::fetch(&mut conn, sql, binds).await? {
                out.entry(r.try_get(0)?)
                    .or_default()
                    .push((r.try_get(1)?, r.try_get(2)?));
            }
        }
        Ok(out)
    }
}

/// A stored JSON document the store wrote itself (not a producer's facet): one that
/// does not read back is corrupt data, never silently empty.
fn stored_json(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod record_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_stored_facets_are_replaced_not_fatal() {
        assert_eq!(stored_facet("ok", r#"{"v":1}"#), json!({"v": 1}));
        let overflow = stored_facet("x", r#"{"x":1e999}"#);
        assert!(
            overflow["_error"]
                .as_str()
                .is_some_and(|e| e.starts_with("unreadable facet: number out of range")),
            "{overflow}"
        );
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let deep = stored_facet("deep", &deep);
        assert!(
            deep["_error"]
                .as_str()
                .is_some_and(|e| e.contains("recursion limit")),
            "{deep}"
        );
    }
}
