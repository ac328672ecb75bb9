//! The policy violations standing now (`policy_violations`): applied from the
//! `policy.violation` changes the continuous evaluation writes, read by the APIs and by
//! the evaluator itself, which compares what the policies find with what stands.
//!
//! The table is current state like any other: an `open` transition upserts the row, a
//! `cleared` one deletes it, and `weft rebuild` replays both from the log. A violation's
//! identity within its dataset is (policy, column, message); its severity, path and the
//! policy set's fingerprint are what it says.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use weft_schemas::change::{PolicyViolation, ViolationHop, ViolationState};

use crate::bulk::{Val, execute, in_list};
use crate::owners::owned_by;
use crate::{Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// The identity of a violation within its dataset: hex SHA-256 of policy, column and
/// message (NUL-separated, so no two triples share a key).
pub fn violation_key(policy: &str, column: Option<&str>, message: &str) -> String {
    let mut h = Sha256::new();
    h.update(policy.as_bytes());
    h.update([0]);
    h.update(column.unwrap_or_default().as_bytes());
    h.update([0]);
    h.update(message.as_bytes());
    crate::log::hex(&h.finalize())
}

/// Applies a run of logged transitions, in log order, with a handful of statements:
/// the datasets are resolved with one query per [`CHUNK`] names, and since each
/// transition fixes its row entirely (an `open` writes every column its identity does
/// not, a `cleared` deletes it), only the last transition of each violation in the run
/// is written. A full evaluation opens 180,000 violations at the benchmark scale; two
/// statements for each was most of its writing time. A transition naming a dataset
/// that no longer exists changes nothing (a rebuild replaying a log whose dataset was
/// later erased).
pub async fn apply_violations(
    conn: &mut AnyConnection,
    store: &Store,
    items: &[(i64, i64, &PolicyViolation)],
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let backend = store.backend();
    let mut names: Vec<&str> = items.iter().map(|(_, _, v)| v.dataset.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut ids: HashMap<(String, String), i64> = HashMap::new();
    for chunk in names.chunks(CHUNK) {
        let sql = backend.sql(&format!(
            "SELECT d.id, n.name, d.name FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
             WHERE d.name IN {}",
            in_list(backend, 0, chunk.len())
        ));
        let binds = chunk.iter().map(|n| Val::from(*n)).collect();
        for row in crate::bulk::fetch(conn, sql, binds).await? {
            ids.insert((row.try_get(1)?, row.try_get(2)?), row.try_get(0)?);
        }
    }
    // The last transition of each (dataset, violation), in log order.
    let mut last: HashMap<(i64, String), usize> = HashMap::new();
    let mut order: Vec<(i64, String)> = Vec::new();
    for (i, (seq, _, v)) in items.iter().enumerate() {
        let Some(&id) = ids.get(&(v.namespace.clone(), v.dataset.clone())) else {
            tracing::warn!(seq, dataset = %v.dataset, "policy violation of an unknown dataset ignored");
            continue;
        };
        let key = (
            id,
            violation_key(&v.policy, v.column.as_deref(), &v.message),
        );
        if last.insert(key.clone(), i).is_none() {
            order.push(key);
        }
    }
    let mut open = Vec::new();
    let mut cleared = Vec::new();
    for key in order {
        let Some(&i) = last.get(&key) else { continue };
        let (seq, at, v) = items[i];
        let (id, vkey) = key;
        match v.state {
            ViolationState::Open => {
                let path = serde_json::to_string(&v.path).unwrap_or_else(|_| "[]".to_owned());
                open.push(vec![
                    id.into(),
                    vkey.into(),
                    v.policy.as_str().into(),
                    v.column.clone().unwrap_or_default().into(),
                    v.severity.as_str().into(),
                    v.message.as_str().into(),
                    path.into(),
                    v.fingerprint.as_str().into(),
                    seq.into(),
                    at.into(),
                ]);
            }
            ViolationState::Cleared => cleared.push((id, vkey)),
        }
    }
    for (id, vkey) in cleared {
        execute(
            conn,
            backend.sql("DELETE FROM policy_violations WHERE dataset_id = ? AND vkey = ?"),
            vec![id.into(), vkey.into()],
        )
        .await?;
    }
    crate::bulk::Insert {
        table: "policy_violations",
        columns: &[
            "dataset_id",
            "vkey",
            "policy",
            "column_name",
            "severity",
            "message",
            "path",
            "fingerprint",
            "seq",
            "at",
        ],
        conflict: &[0, 1],
        update: Some(
            "severity = excluded.severity, path = excluded.path, \
             fingerprint = excluded.fingerprint, seq = excluded.seq, at = excluded.at",
        ),
        returning: None,
    }
    .run(conn, backend, open)
    .await?;
    Ok(())
}

/// A violation standing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationRecord {
    /// Store id of the dataset.
    pub dataset_id: i64,
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The policy.
    pub policy: String,
    /// The column, when the finding names one.
    pub column: Option<String>,
    /// `deny` or `warn`.
    pub severity: String,
    /// The policy's message.
    pub message: String,
    /// The lineage path behind it, upstream first.
    pub path: Vec<ViolationHop>,
    /// The fingerprint of the policy set that last wrote it.
    pub fingerprint: String,
    /// The change-log entry that last opened it.
    pub seq: i64,
    /// When it opened (µs): the time of its change-log entry.
    pub at: i64,
}

impl ViolationRecord {
    /// Its identity within its dataset (see [`violation_key`]).
    pub fn key(&self) -> String {
        violation_key(&self.policy, self.column.as_deref(), &self.message)
    }
}

/// Which violations a list holds; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViolationFilter {
    /// Of this policy.
    pub policy: Option<String>,
    /// Of this severity (`deny`, `warn`).
    pub severity: Option<String>,
    /// On datasets this owner owns (the owners rule of `store/src/owners.rs`).
    pub owner: Option<String>,
    /// On datasets of this namespace.
    pub namespace: Option<String>,
    /// On the dataset of this name.
    pub dataset: Option<String>,
    /// On the dataset of this id.
    pub dataset_id: Option<i64>,
}

/// The columns of a [`ViolationRecord`]. Its time is the opening entry's in the log:
/// the row's own `at` is when it was applied, which a rebuild moves.
const COLUMNS: &str = "v.dataset_id, n.name, d.name, v.policy, v.column_name, v.severity, \
     v.message, v.path, v.fingerprint, v.seq, \
     COALESCE((SELECT c.at FROM change_log c WHERE c.seq = v.seq), v.at) \
     FROM policy_violations v \
     JOIN datasets d ON d.id = v.dataset_id JOIN namespaces n ON n.id = d.namespace_id";

fn record(r: &sqlx::any::AnyRow) -> Result<ViolationRecord, StoreError> {
    let column: String = r.try_get(4)?;
    let path: String = r.try_get(7)?;
    Ok(ViolationRecord {
        dataset_id: r.try_get(0)?,
        namespace: r.try_get(1)?,
        dataset: r.try_get(2)?,
        policy: r.try_get(3)?,
        column: (!column.is_empty()).then_some(column),
        severity: r.try_get(5)?,
        message: r.try_get(6)?,
        // Written by `apply_violations` from typed hops; a row that does not read back
        // is corrupt, and saying so beats showing it without its path.
        path: serde_json::from_str(&path).map_err(|e| {
            StoreError::Corrupt(format!("policy_violations.path is not a list of hops: {e}"))
        })?,
        fingerprint: r.try_get(8)?,
        seq: r.try_get(9)?,
        at: r.try_get(10)?,
    })
}

impl Store {
    /// The violations standing on each of `ids` (every id present, most with none).
    pub async fn violations_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ViolationRecord>>, StoreError> {
        let mut out: HashMap<i64, Vec<ViolationRecord>> =
            ids.iter().map(|&id| (id, Vec::new())).collect();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT {COLUMNS} WHERE v.dataset_id IN {} ORDER BY v.dataset_id, v.policy, \
                 v.column_name, v.message",
                in_list(self.backend(), 0, chunk.len())
            );
            for r in self
                .rows(&sql, chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?
            {
                let v = record(&r)?;
                out.entry(v.dataset_id).or_default().push(v);
            }
        }
        Ok(out)
    }

    /// The ids of every dataset with a standing violation: what a full evaluation
    /// must look at besides the datasets it pages through (one erased since).
    pub async fn datasets_with_violations(&self) -> Result<Vec<i64>, StoreError> {
        let rows = self
            .rows(
                "SELECT DISTINCT dataset_id FROM policy_violations ORDER BY dataset_id",
                Vec::new(),
            )
            .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(Into::into))
            .collect()
    }

    /// One page (`offset`, `limit`) of the violations `filter` admits, deny before
    /// warn, then by namespace, dataset, policy, column and message, and how many it
    /// admits in all.
    pub async fn violation_page(
        &self,
        filter: &ViolationFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ViolationRecord>, i64), StoreError> {
        let mut sql = String::from("1 = 1");
        let mut binds: Vec<Val> = Vec::new();
        let mut eq = |column: &str, value: Option<&str>| {
            if let Some(v) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                binds.push(v.into());
            }
        };
        eq("v.policy", filter.policy.as_deref());
        eq("v.severity", filter.severity.as_deref());
        eq("n.name", filter.namespace.as_deref());
        eq("d.name", filter.dataset.as_deref());
        if let Some(id) = filter.dataset_id {
            sql.push_str(" AND v.dataset_id = ?");
            binds.push(id.into());
        }
        if let Some(owner) = &filter.owner {
            let (owned, owner_binds) = owned_by(owner);
            sql.push_str(owned);
            binds.extend(owner_binds);
        }
        let count_sql = format!(
            "SELECT COUNT(*) FROM policy_violations v JOIN datasets d ON d.id = v.dataset_id \
             JOIN namespaces n ON n.id = d.namespace_id WHERE {sql}"
        );
        let total: i64 = match self.rows(&count_sql, binds.clone()).await?.first() {
            Some(r) => r.try_get(0)?,
            None => 0,
        };
        let mut page_binds = binds;
        page_binds.push(limit.into());
        page_binds.push(offset.into());
        let page_sql = format!(
            "SELECT {COLUMNS} WHERE {sql} ORDER BY CASE WHEN v.severity = 'deny' THEN 0 ELSE 1 END, \
             n.name, d.name, v.policy, v.column_name, v.message LIMIT ? OFFSET ?"
        );
        let rows = self.rows(&page_sql, page_binds).await?;
        let page = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
        Ok((page, total))
    }

    /// Open violations per (policy, severity), for `/metrics`.
    pub async fn violation_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = self
            .rows(
                "SELECT policy, severity, COUNT(*) FROM policy_violations \
                 GROUP BY policy, severity ORDER BY policy, severity",
                Vec::new(),
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }
}
