//! Jobs and their runs, and what SQL lineage made of a job's SQL.

use super::*;

/// A job: what runs and what it reads and writes.
pub struct Job {
    /// The REST layer's projection of the job.
    pub v: Value,
}

#[Object]
impl Job {
    /// `job:NAMESPACE:NAME`.
    async fn id(&self) -> ID {
        ID(format!(
            "job:{}:{}",
            text(&self.v, "namespace").unwrap_or_default(),
            text(&self.v, "name").unwrap_or_default()
        ))
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Name.
    async fn name(&self) -> Option<String> {
        text(&self.v, "name")
    }

    /// `BATCH`, `STREAMING`…
    #[graphql(name = "type")]
    async fn kind(&self) -> Option<String> {
        text(&self.v, "type")
    }

    /// Description.
    async fn description(&self) -> Option<String> {
        text(&self.v, "description")
    }

    /// Its SQL, when a producer sent it.
    async fn sql(&self) -> Option<String> {
        text(&self.v, "sql")
    }

    /// Source code location.
    async fn location(&self) -> Option<String> {
        text(&self.v, "location")
    }

    /// What Weft's SQL lineage made of its SQL: statements, column edges derived,
    /// errors with their position, names no catalog dataset answered. Null when the job
    /// has no SQL (or it has not been analysed yet).
    async fn sql_lineage(&self) -> Option<SqlLineage> {
        SqlLineage::from_json(&self.v["sqlLineage"])
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["createdAt"])
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// Owners.
    async fn owners(&self) -> Vec<Owner> {
        serde_json::from_value(self.v["owners"].clone()).unwrap_or_default()
    }

    /// Every job facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(self.v["facets"].clone())
    }

    /// Datasets it reads.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn inputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.v["inputs"], first, after).await
    }

    /// Datasets it writes.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn outputs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Dataset>> {
        datasets_named(ctx, &self.v["outputs"], first, after).await
    }

    /// Its latest run.
    async fn latest_run(&self) -> Option<Run> {
        let r = &self.v["latestRun"];
        (!r.is_null()).then(|| Run { v: r.clone() })
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
        let ns = text(&self.v, "namespace").unwrap_or_default();
        let name = text(&self.v, "name").unwrap_or_default();
        let v = state(ctx)
            .store
            .list_runs(&ns, &name, store_page(offset, limit))
            .await
            .map_err(store_error)?
            .unwrap_or_default();
        Ok(page_of_json(&v, "runs", offset, |r| Run { v: r.clone() }))
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

impl SqlLineage {
    /// From the REST job projection's `sqlLineage` (`None` when null).
    fn from_json(v: &Value) -> Option<SqlLineage> {
        if !v.is_object() {
            return None;
        }
        Some(SqlLineage {
            statements: v["statements"].as_i64().unwrap_or(0),
            edges: v["edges"].as_i64().unwrap_or(0),
            errors: serde_json::from_value(v["errors"].clone()).unwrap_or_default(),
            unresolved: serde_json::from_value(v["unresolved"].clone()).unwrap_or_default(),
            analyzed_at: parse_time(&v["analyzedAt"]),
        })
    }
}

/// A statement of a job's SQL that could not be parsed or analysed.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
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

/// One page of `[{namespace, name}]` as datasets (those the store knows).
async fn datasets_named(
    ctx: &Context<'_>,
    list: &Value,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<Dataset>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let all = list.as_array().map(Vec::as_slice).unwrap_or_default();
    let names: Vec<(String, String)> = all
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|d| {
            Some((
                d["namespace"].as_str()?.to_owned(),
                d["name"].as_str()?.to_owned(),
            ))
        })
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
    /// The REST layer's projection of the run.
    pub v: Value,
}

/// A dataset version a run read or wrote.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct DatasetVersionRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Schema version.
    pub version: i64,
}

#[Object]
impl Run {
    /// The run id (a UUID).
    async fn id(&self) -> Option<String> {
        text(&self.v, "id")
    }

    /// The id as the producer sent it.
    async fn external_id(&self) -> Option<String> {
        text(&self.v, "externalId")
    }

    /// `START`, `RUNNING`, `COMPLETE`, `FAIL`, `ABORT`, `OTHER`, `NEW`.
    async fn state(&self) -> Option<String> {
        text(&self.v, "state")
    }

    /// First seen.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["createdAt"])
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// Started.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["startedAt"])
    }

    /// Ended.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["endedAt"])
    }

    /// Duration in milliseconds, once ended.
    async fn duration_ms(&self) -> Option<i64> {
        self.v["durationMs"].as_i64()
    }

    /// Scheduled window start.
    async fn nominal_start_time(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["nominalStartTime"])
    }

    /// Scheduled window end.
    async fn nominal_end_time(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["nominalEndTime"])
    }

    /// The parent run, from the parent facet.
    async fn parent_run_id(&self) -> Option<String> {
        text(&self.v, "parentRunId")
    }

    /// Every run facet, as sent.
    async fn facets(&self) -> Json<Value> {
        Json(self.v["facets"].clone())
    }

    /// Dataset versions read.
    async fn inputs(&self) -> Vec<DatasetVersionRef> {
        version_refs(&self.v["inputDatasetVersions"])
    }

    /// Dataset versions written.
    async fn outputs(&self) -> Vec<DatasetVersionRef> {
        version_refs(&self.v["outputDatasetVersions"])
    }

    /// The job.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let (Some(ns), Some(name)) = (
            self.v["jobId"]["namespace"].as_str(),
            self.v["jobId"]["name"].as_str(),
        ) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .get_job(ns, name)
            .await
            .map_err(store_error)?
            .map(|v| Job { v }))
    }
}

fn version_refs(v: &Value) -> Vec<DatasetVersionRef> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| serde_json::from_value(x["datasetVersionId"].clone()).ok())
        .collect()
}
