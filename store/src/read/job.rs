//! Jobs: what they read and write, their latest run, and what SQL lineage made of
//! their SQL.

use serde::Deserialize;
use serde_json::Value;
use sqlx::Row;

use super::{EntityKind, EntityName, Facets, Listing, Page, RunRecord, stored_json};
use crate::lookup::OwnerRef;
use crate::{Store, StoreError};

/// A job as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Store id.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name within the namespace (dotted for a task of a parent job).
    pub name: String,
    /// `BATCH` unless the producer said otherwise (`STREAMING`…).
    pub kind: String,
    /// Description.
    pub description: Option<String>,
    /// Its SQL, when a producer sent it.
    pub sql: Option<String>,
    /// First seen (µs).
    pub created_at: i64,
    /// Last changed (µs).
    pub updated_at: i64,
    /// Datasets it reads, by namespace and name.
    pub inputs: Vec<EntityName>,
    /// Datasets it writes, by namespace and name.
    pub outputs: Vec<EntityName>,
    /// Owners the producer named, by name.
    pub owners: Vec<OwnerRef>,
    /// Its latest run.
    pub latest_run: Option<Box<RunRecord>>,
    /// Every facet, by name.
    pub facets: Facets,
    /// What the `sql_lineage` view made of its SQL; `None` before it ran (or for a job
    /// without SQL).
    pub sql_lineage: Option<SqlLineageRecord>,
}

impl JobRecord {
    /// The source code location: the `sourceCodeLocation` facet's `url`.
    pub fn location(&self) -> Option<&Value> {
        self.facets.get("sourceCodeLocation")?.get("url")
    }

    /// The last part of a dotted name (`etl.daily` → `daily`).
    pub fn simple_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The name of the parent job a dotted name implies (`etl.daily` → `etl`).
    pub fn parent_name(&self) -> Option<&str> {
        self.name.rsplit_once('.').map(|(p, _)| p)
    }
}

/// What the `sql_lineage` view made of a job's SQL (`job_sql_lineage`).
#[derive(Debug, Clone, PartialEq)]
pub struct SqlLineageRecord {
    /// The dialect it was parsed as.
    pub dialect: String,
    /// Statements in the SQL.
    pub statements: i64,
    /// Column edges derived from it.
    pub edges: i64,
    /// Statements that could not be parsed or analysed: a list of [`SqlProblem`].
    pub errors: Value,
    /// What was analysed with reservations: a list of [`SqlProblem`].
    pub warnings: Value,
    /// Table names in the SQL that no catalog dataset answered: a list of strings.
    pub unresolved: Value,
    /// The change-log entry it was analysed at.
    pub change_seq: i64,
    /// When it was analysed (µs).
    pub analyzed_at: i64,
}

/// A statement of a job's SQL that could not be parsed or analysed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SqlProblem {
    /// Which statement of the script, from 0.
    pub statement: Option<i64>,
    /// The line of the SQL where it went wrong, from 1.
    pub line: Option<i64>,
    /// The column in that line, from 1.
    pub column: Option<i64>,
    /// What went wrong.
    pub message: String,
}

impl SqlLineageRecord {
    /// The errors, typed; an error when what is stored is not such a list.
    pub fn error_list(&self) -> Result<Vec<SqlProblem>, StoreError> {
        Vec::<SqlProblem>::deserialize(&self.errors)
            .map_err(|e| StoreError::Corrupt(format!("SQL lineage errors: {e}")))
    }

    /// The unresolved names, typed; an error when what is stored is not such a list.
    pub fn unresolved_names(&self) -> Result<Vec<String>, StoreError> {
        Vec::<String>::deserialize(&self.unresolved)
            .map_err(|e| StoreError::Corrupt(format!("SQL lineage unresolved names: {e}")))
    }
}

impl Store {
    /// A page of a namespace's jobs, by name; `None` for an unknown namespace.
    pub async fn list_jobs(
        &self,
        ns: &str,
        page: Page,
    ) -> Result<Option<Listing<JobRecord>>, StoreError> {
        self.list_in_namespace(EntityKind::Job, ns, page, |id| self.job_by_id(id))
            .await
    }

    /// The job `ns`:`name`.
    pub async fn get_job(&self, ns: &str, name: &str) -> Result<Option<JobRecord>, StoreError> {
        match self.entity_key(EntityKind::Job, ns, name).await? {
            Some(id) => self.job_by_id(id).await,
            None => Ok(None),
        }
    }

    /// A job by store id, whole.
    pub async fn job_by_id(&self, id: i64) -> Result<Option<JobRecord>, StoreError> {
        self.job_with_io(id, None).await.map(|j| j.map(|(j, _)| j))
    }

    /// A job, listing at most `max_io` of its inputs and of its outputs (and of its
    /// latest run's) when given; the flag says whether any list was cut. A lineage
    /// answer shows a job among its neighbours and must not carry all 10,000 inputs of
    /// a wide one.
    pub(super) async fn job_with_io(
        &self,
        id: i64,
        max_io: Option<usize>,
    ) -> Result<Option<(JobRecord, bool)>, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, j.name, j.type, j.description, j.sql, j.created_at, j.updated_at \
                 FROM jobs j JOIN namespaces n ON n.id = j.namespace_id WHERE j.id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        let mut cut = false;
        for direction in ["in", "out"] {
            // One row past the cap tells that the list was cut.
            let limit = max_io.map_or(i64::MAX, |m| m as i64 + 1);
            let list = if direction == "out" {
                &mut outputs
            } else {
                &mut inputs
            };
            for io in self
                .rows(
                    "SELECT n.name, d.name FROM job_io io JOIN datasets d ON d.id = io.dataset_id \
                     JOIN namespaces n ON n.id = d.namespace_id WHERE io.job_id = ? AND io.direction = ? \
                     ORDER BY n.name, d.name LIMIT ?",
                    vec![id.into(), direction.into(), limit.into()],
                )
                .await?
            {
                list.push(EntityName {
                    namespace: io.try_get(0)?,
                    name: io.try_get(1)?,
                });
            }
            if let Some(m) = max_io
                && list.len() > m
            {
                list.truncate(m);
                cut = true;
            }
        }
        let latest = self
            .rows(
                "SELECT id FROM runs WHERE job_id = ? ORDER BY COALESCE(started_at, ended_at, created_at) DESC, id DESC LIMIT 1",
                vec![id.into()],
            )
            .await?;
        let mut latest_run = match latest.first() {
            Some(l) => self.get_run(&l.try_get::<String, _>(0)?).await?,
            None => None,
        };
        if let (Some(m), Some(run)) = (max_io, latest_run.as_mut()) {
            for list in [&mut run.inputs, &mut run.outputs] {
                if list.len() > m {
                    list.truncate(m);
                    cut = true;
                }
            }
        }
        let facets = self.entity_facets(EntityKind::Job, id).await?;
        let sql_lineage = self.job_sql_lineage(id).await?;
        let owners = self.declared_owners(EntityKind::Job, id).await?;
        let job = JobRecord {
            id,
            namespace: r.try_get(0)?,
            name: r.try_get(1)?,
            kind: r
                .try_get::<Option<String>, _>(2)?
                .unwrap_or_else(|| "BATCH".into()),
            description: r.try_get(3)?,
            sql: r.try_get(4)?,
            created_at: r.try_get(5)?,
            updated_at: r.try_get(6)?,
            inputs,
            outputs,
            owners,
            latest_run: latest_run.map(Box::new),
            facets,
            sql_lineage,
        };
        Ok(Some((job, cut)))
    }

    /// What the `sql_lineage` view made of a job's SQL; `None` before it ran (or for a
    /// job without SQL).
    async fn job_sql_lineage(&self, id: i64) -> Result<Option<SqlLineageRecord>, StoreError> {
        let rows = self
            .rows(
                "SELECT dialect, statements, edges, errors, warnings, unresolved, seq, updated_at \
                 FROM job_sql_lineage WHERE job_id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let list =
            |i: usize| -> Result<Value, StoreError> { stored_json(&r.try_get::<String, _>(i)?) };
        Ok(Some(SqlLineageRecord {
            dialect: r.try_get(0)?,
            statements: r.try_get(1)?,
            edges: r.try_get(2)?,
            errors: list(3)?,
            warnings: list(4)?,
            unresolved: list(5)?,
            change_seq: r.try_get(6)?,
            analyzed_at: r.try_get(7)?,
        }))
    }
}
