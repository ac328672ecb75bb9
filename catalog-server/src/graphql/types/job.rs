//! Jobs and their runs, and what SQL lineage made of a job's SQL.

use super::*;
use weft_store::read::{
    DatasetVersionId, EntityName, JobRecord, RunRecord, SqlLineageRecord, SqlProblem,
};

/// A job: what runs and what it reads and writes.
pub struct Job {
    /// The job as the store reads it.
    record: JobRecord,
}

impl From<JobRecord> for Job {
    fn from(record: JobRecord) -> Job {
        Job { record }
    }
}

#[Object]
impl Job {
    /// The job's id, `job:NAMESPACE:NAME`.
    async fn id(&self) -> ID {
        ID(format!(
            "job:{}:{}",
            self.record.namespace, self.record.name
        ))
    }

    /// The namespace the job runs in.
    async fn namespace(&self) -> Option<String> {
        Some(self.record.namespace.clone())
    }

    /// The job's name within its namespace.
    async fn name(&self) -> Option<String> {
        Some(self.record.name.clone())
    }

    /// `BATCH`, `STREAMING`…
    #[graphql(name = "type")]
    async fn kind(&self) -> Option<String> {
        Some(self.record.kind.clone())
    }

    /// The job's description, as its producer sent it.
    async fn description(&self) -> Option<String> {
        self.record.description.clone()
    }

    /// Its SQL, when a producer sent it.
    async fn sql(&self) -> Option<String> {
        self.record.sql.clone()
    }

    /// Source code location.
    async fn location(&self) -> Option<String> {
        self.record
            .location()
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// What Weft's SQL lineage made of its SQL: statements, column edges derived,
    /// errors with their position, names no catalog dataset answered. Null when the job
    /// has no SQL (or it has not been analysed yet).
    async fn sql_lineage(&self) -> Result<Option<SqlLineage>> {
        self.record
            .sql_lineage
            .as_ref()
            .map(SqlLineage::try_from)
            .transpose()
            .map_err(store_error)
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        time(self.record.created_at)
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        time(self.record.updated_at)
    }

    /// The job's owners, from its ownership facet.
    async fn owners(&self) -> Vec<Owner> {
        self.record
            .owners
            .iter()
            .cloned()
            .map(Owner::from)
            .collect()
    }

    /// Every job facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(Value::Object(self.record.facets.clone()))
    }

    /// Datasets it reads.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn inputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.record.inputs, first, after).await
    }

    /// Datasets it writes.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn outputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.record.outputs, first, after).await
    }

    /// Its latest run.
    async fn latest_run(&self) -> Option<Run> {
        self.record
            .latest_run
            .as_deref()
            .map(|r| Run::from(r.clone()))
    }

    /// Its runs, newest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Run>> {
        let (offset, limit) = page_args(ctx, first, after)?;
        let runs = state(ctx)
            .store
            .list_runs(
                &self.record.namespace,
                &self.record.name,
                store_page(offset, limit),
            )
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        Ok(page_of_listing(runs, offset, Run::from))
    }
}

/// What Weft's SQL lineage made of a job's SQL (`job_sql_lineage`, written by the
/// `sql_lineage` view).
#[derive(SimpleObject, Debug, Clone)]
pub struct SqlLineage {
    /// Statements in the SQL.
    pub statements: i64,
    /// Column edges derived from it (stored with origin `sql`, beside the producer's).
    pub edges: i64,
    /// Statements that could not be parsed or analysed, with where and why.
    pub errors: Vec<SqlError>,
    /// Table names in the SQL, as written, that no catalog dataset answered.
    pub unresolved: Vec<String>,
    /// When it was analysed.
    pub analyzed_at: Option<DateTime<Utc>>,
}

impl TryFrom<&SqlLineageRecord> for SqlLineage {
    type Error = weft_store::StoreError;

    /// Fails when the stored lists are not what the `sql_lineage` view writes.
    fn try_from(r: &SqlLineageRecord) -> Result<SqlLineage, weft_store::StoreError> {
        Ok(SqlLineage {
            statements: r.statements,
            edges: r.edges,
            errors: r.error_list()?.into_iter().map(SqlError::from).collect(),
            unresolved: r.unresolved_names()?,
            analyzed_at: time(r.analyzed_at),
        })
    }
}

/// A statement of a job's SQL that could not be parsed or analysed.
#[derive(SimpleObject, Debug, Clone)]
pub struct SqlError {
    /// Which statement of the script, from 0.
    pub statement: Option<i64>,
    /// The line of the SQL where it went wrong, from 1.
    pub line: Option<i64>,
    /// The column in that line, from 1.
    pub column: Option<i64>,
    /// What went wrong.
    pub message: String,
}

impl From<SqlProblem> for SqlError {
    fn from(p: SqlProblem) -> SqlError {
        SqlError {
            statement: p.statement,
            line: p.line,
            column: p.column,
            message: p.message,
        }
    }
}

/// How a job touches a dataset.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobRole {
    /// The job writes the dataset (an output of its runs).
    Writes,
    /// The job reads the dataset (an input of its runs).
    Reads,
}

/// A job that writes or reads a dataset.
#[derive(SimpleObject)]
pub struct DatasetJob {
    /// Whether it writes or reads the dataset.
    pub role: JobRole,
    /// The job.
    pub job: Job,
}

/// One page of named datasets as datasets (those the store knows).
async fn datasets_named(
    ctx: &Context<'_>,
    all: &[EntityName],
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<Dataset>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let names: Vec<(String, String)> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|d| (d.namespace.clone(), d.name.clone()))
        .collect();
    let ids = loaders(ctx)?
        .ids
        .load_many(names.iter().cloned())
        .await
        .map_err(load_error)?;
    let found: Vec<i64> = names.iter().filter_map(|n| ids.get(n).copied()).collect();
    crate::graphql::query::prime(ctx, &found, None).await?;
    let out = found.into_iter().map(|id| Dataset { id }).collect();
    Ok(page_of(out, offset, all.len() as i64))
}

/// One run of a job.
pub struct Run {
    /// The run as the store reads it.
    record: RunRecord,
}

impl From<RunRecord> for Run {
    fn from(record: RunRecord) -> Run {
        Run { record }
    }
}

/// A dataset version a run read or wrote.
#[derive(SimpleObject, Debug, Clone)]
pub struct DatasetVersionRef {
    /// The dataset's namespace.
    pub namespace: String,
    /// The dataset's name within its namespace.
    pub name: String,
    /// Schema version.
    pub version: i64,
}

impl From<&DatasetVersionId> for DatasetVersionRef {
    fn from(v: &DatasetVersionId) -> DatasetVersionRef {
        DatasetVersionRef {
            namespace: v.namespace.clone(),
            name: v.name.clone(),
            version: v.version,
        }
    }
}

#[Object]
impl Run {
    /// The run id (a UUID).
    async fn id(&self) -> Option<String> {
        Some(self.record.id.clone())
    }

    /// The id as the producer sent it.
    async fn external_id(&self) -> Option<String> {
        Some(self.record.external_id.clone())
    }

    /// `START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`, `OTHER`, `NEW`.
    async fn state(&self) -> Option<String> {
        Some(self.record.state.clone())
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        time(self.record.created_at)
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        time(self.record.updated_at)
    }

    /// When the run started.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.record.started_at.and_then(time)
    }

    /// When the run completed, failed or was aborted.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.record.ended_at.and_then(time)
    }

    /// Duration in milliseconds, once ended.
    async fn duration_ms(&self) -> Option<i64> {
        self.record.duration_ms()
    }

    /// Scheduled window start.
    async fn nominal_start_time(&self) -> Option<DateTime<Utc>> {
        self.record.nominal_start.and_then(time)
    }

    /// Scheduled window end.
    async fn nominal_end_time(&self) -> Option<DateTime<Utc>> {
        self.record.nominal_end.and_then(time)
    }

    /// The parent run, from the parent facet.
    async fn parent_run_id(&self) -> Option<String> {
        self.record.parent_run_id.clone()
    }

    /// Every run facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(Value::Object(self.record.facets.clone()))
    }

    /// Dataset versions read.
    async fn inputs(&self) -> Vec<DatasetVersionRef> {
        self.record
            .inputs
            .iter()
            .map(DatasetVersionRef::from)
            .collect()
    }

    /// Dataset versions written.
    async fn outputs(&self) -> Vec<DatasetVersionRef> {
        self.record
            .outputs
            .iter()
            .map(DatasetVersionRef::from)
            .collect()
    }

    /// The job.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let job = &self.record.job;
        Ok(state(ctx)
            .store
            .get_job(&job.namespace, &job.name)
            .await
            .map_err(store_error)?
            .map(Job::from))
    }
}
