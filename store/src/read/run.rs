//! Runs and the dataset versions they read and wrote.

use sqlx::Row;

use super::{EntityKind, EntityName, Facets, Listing, Page, stored_facet};
use crate::{Store, StoreError};

/// One run of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The run id (a UUID).
    pub id: String,
    /// The id as the producer sent it.
    pub external_id: String,
    /// `START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`, `OTHER`; `NEW` before any.
    pub state: String,
    /// First seen (µs).
    pub created_at: i64,
    /// Last changed (µs).
    pub updated_at: i64,
    /// Scheduled window start (µs).
    pub nominal_start: Option<i64>,
    /// Scheduled window end (µs).
    pub nominal_end: Option<i64>,
    /// Started (µs).
    pub started_at: Option<i64>,
    /// Ended (µs).
    pub ended_at: Option<i64>,
    /// The parent run, from the parent facet.
    pub parent_run_id: Option<String>,
    /// Its job.
    pub job: EntityName,
    /// Dataset versions read, by namespace and name.
    pub inputs: Vec<DatasetVersionId>,
    /// Dataset versions written, by namespace and name.
    pub outputs: Vec<DatasetVersionId>,
    /// Every run facet, by name.
    pub facets: Facets,
}

impl RunRecord {
    /// How long it ran, in milliseconds, once it started and ended.
    pub fn duration_ms(&self) -> Option<i64> {
        match (self.started_at, self.ended_at) {
            (Some(s), Some(e)) => Some((e - s) / 1000),
            _ => None,
        }
    }
}

/// A dataset version a run read or wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetVersionId {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Schema version.
    pub version: i64,
}

impl Store {
    /// A page of the runs of job `ns`:`job`, newest first; `None` for an unknown job.
    pub async fn list_runs(
        &self,
        ns: &str,
        job: &str,
        page: Page,
    ) -> Result<Option<Listing<RunRecord>>, StoreError> {
        let Some(job_id) = self.entity_key(EntityKind::Job, ns, job).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT id FROM runs WHERE job_id = ? ORDER BY COALESCE(started_at, ended_at, created_at) DESC, id DESC LIMIT ? OFFSET ?",
                vec![job_id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(run) = self.get_run(&r.try_get::<String, _>(0)?).await? {
                items.push(run);
            }
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM runs WHERE job_id = ?",
                vec![job_id.into()],
            )
            .await?;
        Ok(Some(Listing { total, items }))
    }

    /// A run by its UUID or by the id as the producer sent it.
    pub async fn get_run(&self, id: &str) -> Result<Option<RunRecord>, StoreError> {
        let rows = self
            .rows(
                "SELECT r.id, r.external_id, r.state, r.started_at, r.ended_at, r.nominal_start, r.nominal_end, \
                 r.parent_run_id, r.created_at, r.updated_at, n.name, j.name \
                 FROM runs r JOIN jobs j ON j.id = r.job_id JOIN namespaces n ON n.id = j.namespace_id \
                 WHERE r.id = ? OR r.external_id = ? LIMIT 1",
                vec![id.to_ascii_lowercase().into(), id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let run_id: String = r.try_get(0)?;
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for io in self
            .rows(
                "SELECT n.name, d.name, io.direction, io.dataset_version FROM run_io io JOIN datasets d ON d.id = io.dataset_id \
                 JOIN namespaces n ON n.id = d.namespace_id WHERE io.run_id = ? ORDER BY n.name, d.name",
                vec![run_id.clone().into()],
            )
            .await?
        {
            let v = DatasetVersionId {
                namespace: io.try_get(0)?,
                name: io.try_get(1)?,
                version: io.try_get(3)?,
            };
            if io.try_get::<String, _>(2)? == "out" {
                outputs.push(v);
            } else {
                inputs.push(v);
            }
        }
        let mut facets = Facets::new();
        for f in self
            .rows(
                "SELECT key, value FROM run_facets WHERE run_id = ?",
                vec![run_id.clone().into()],
            )
            .await?
        {
            let key: String = f.try_get(0)?;
            let text: String = f.try_get(1)?;
            let v = stored_facet(&key, &text);
            facets.insert(key, v);
        }
        Ok(Some(RunRecord {
            id: run_id,
            external_id: r.try_get(1)?,
            state: r
                .try_get::<Option<String>, _>(2)?
                .unwrap_or_else(|| "NEW".into()),
            created_at: r.try_get(8)?,
            updated_at: r.try_get(9)?,
            nominal_start: r.try_get(5)?,
            nominal_end: r.try_get(6)?,
            started_at: r.try_get(3)?,
            ended_at: r.try_get(4)?,
            parent_run_id: r.try_get(7)?,
            job: EntityName {
                namespace: r.try_get(10)?,
                name: r.try_get(11)?,
            },
            inputs,
            outputs,
            facets,
        }))
    }
}
