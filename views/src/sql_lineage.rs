//! The `sql_lineage` view: column edges derived from the SQL jobs ran.
//!
//! A job's `sql` facet says more than most producers' column lineage: Airflow and dbt
//! send the query and no columnLineage at all. This view reads it *after* the event was
//! accepted (parsing never delays or fails a push), maps the SQL onto catalog datasets
//! with [`weft_ingest::sql`], and stores the result in `column_edges` with origin `sql`,
//! beside the producer's own edges (origin `openlineage`), which it never touches. How
//! each job's SQL fared — statements, parse errors with line and column, names it could
//! not place — goes to `job_sql_lineage`, so a failure is recorded, never silent.
//!
//! The view follows the log but derives from current state: an entry only says *which
//! job* ran; the job's SQL, the datasets it reads and writes (`job_io`, all its events
//! together) and their current columns come from the store. A job is analysed again
//! when its SQL or datasets change, when their columns change (at most every 30 s, so a
//! schema that churns on every run is not re-parsed per run), or after the refresh
//! interval (to advance `last_seen`), so
//! a stream of runs repeating the same SQL costs two queries per page, not a parse per
//! event. State and cursor commit together.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use weft_ingest::sql::{Derived, KnownDataset, Role, SqlProblem, derive, infer_dialect};
use weft_lineage::{Dialect, Options};

use super::DerivedView;
use weft_store::derived_lineage::{JobSqlLineage, SqlColumnEdge};
use weft_store::log::LogEntry;
use weft_store::state_reader::StateReader;
use weft_store::{Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// Jobs remembered as analysed; forgetting only costs a re-analysis.
const REMEMBERED_JOBS: usize = 100_000;

/// Problems kept per job in `job_sql_lineage` (a generated script can have thousands).
const MAX_PROBLEMS: usize = 50;

/// Where names in SQL land when the job's own datasets do not say: the
/// `sql_default_*` settings.
#[derive(Debug, Clone, Default)]
pub struct SqlDefaults {
    /// Namespace searched for tables the job's datasets do not answer.
    pub namespace: Option<String>,
    /// Database of tables written without one.
    pub database: Option<String>,
    /// Schema of tables written without one.
    pub schema: Option<String>,
    /// Dialect when neither the facet, the job type nor the namespace names one.
    pub dialect: Dialect,
}

/// Derives column edges from jobs' SQL facets.
#[derive(Debug)]
pub struct SqlLineage {
    defaults: SqlDefaults,
    refresh: i64,
    /// Job id → what its last analysis saw.
    analysed: HashMap<i64, Seen>,
}

impl SqlLineage {
    /// A view resolving names with `defaults`, re-analysing an unchanged job at most
    /// once per `refresh_micros` of log time.
    pub fn new(defaults: SqlDefaults, refresh_micros: i64) -> SqlLineage {
        SqlLineage {
            defaults,
            refresh: refresh_micros,
            analysed: HashMap::new(),
        }
    }
}

/// What a job's last analysis was based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    /// Hash of the SQL facet, job type and which datasets the job reads and writes.
    text: u64,
    /// Hash of those datasets' schema digests.
    columns: u64,
    /// Log time of the entry that triggered it.
    at: i64,
}

/// How long a job whose SQL is unchanged keeps its analysis when only its datasets'
/// columns changed: 30 s of log time.
const SCHEMA_SETTLE_MICROS: i64 = 30 * 1_000_000;

/// A dataset of a job, as the store has it.
#[derive(Debug, Clone)]
struct Io {
    id: i64,
    namespace: String,
    name: String,
    role: Role,
    digest: Option<Vec<u8>>,
    symlinks: Option<String>,
}

/// One job's analysis, ready to write.
struct Outcome {
    job: i64,
    seq: i64,
    at: i64,
    dialect: Dialect,
    derived: Derived,
    ids: Vec<i64>,
}

impl DerivedView for SqlLineage {
    type Error = StoreError;

    fn name(&self) -> &'static str {
        "sql_lineage"
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), StoreError> {
        let mut reader = store.state_reader().await?;
        // Which jobs the entries touched, with the latest entry (seq, time) of each.
        let mut touched: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut runs: HashMap<&str, (i64, i64)> = HashMap::new();
        for e in entries {
            match e.kind.as_str() {
                "openlineage.run" => {
                    if let Some(id) = e.entity.strip_prefix("run:") {
                        runs.insert(id, (e.seq, e.at));
                    }
                }
                "openlineage.job" => {
                    let name = e.namespace.as_deref().and_then(|ns| {
                        e.entity
                            .strip_prefix("job:")?
                            .strip_prefix(ns)?
                            .strip_prefix(':')
                    });
                    if let (Some(ns), Some(name)) = (e.namespace.as_deref(), name)
                        && let Some(job) = reader.job_named(ns, name).await?
                    {
                        touched.insert(job, (e.seq, e.at));
                    }
                }
                _ => {}
            }
        }
        let run_ids: Vec<&str> = runs.keys().copied().collect();
        for chunk in run_ids.chunks(CHUNK) {
            for (run, job) in reader.run_jobs(chunk).await? {
                if let Some(&(seq, at)) = runs.get(run.as_str()) {
                    let t = touched.entry(job).or_insert((seq, at));
                    if seq > t.0 {
                        *t = (seq, at);
                    }
                }
            }
        }
        let jobs: Vec<i64> = touched.keys().copied().collect();

        // Their SQL and job type, and the datasets they read and write.
        let mut facets: HashMap<i64, (String, Option<String>)> = HashMap::new();
        let mut io: HashMap<i64, Vec<Io>> = HashMap::new();
        for chunk in jobs.chunks(CHUNK) {
            for f in reader.job_sql(chunk).await? {
                facets.insert(f.job, (f.sql, f.job_type));
            }
            for d in reader.job_datasets(chunk).await? {
                io.entry(d.job).or_default().push(Io {
                    role: if d.output { Role::Output } else { Role::Input },
                    id: d.id,
                    namespace: d.namespace,
                    name: d.name,
                    digest: d.digest,
                    symlinks: d.symlinks,
                });
            }
        }

        // Jobs whose SQL facet went away lose what was derived from it.
        let without: Vec<i64> = jobs
            .iter()
            .copied()
            .filter(|j| !facets.contains_key(j))
            .collect();
        let mut gone: Vec<i64> = Vec::new();
        for chunk in without.chunks(CHUNK) {
            gone.extend(reader.jobs_with_sql_lineage(chunk).await?);
        }
        for j in &gone {
            self.analysed.remove(j);
        }

        // Which jobs need a (re-)analysis.
        let mut due: Vec<(i64, Seen)> = Vec::new();
        for (&job, (sql, job_type)) in &facets {
            let mut text = DefaultHasher::new();
            sql.hash(&mut text);
            job_type.hash(&mut text);
            let own = io.get(&job).map(Vec::as_slice).unwrap_or_default();
            for d in own {
                (d.id, d.role == Role::Output, &d.symlinks).hash(&mut text);
            }
            let mut columns = DefaultHasher::new();
            for d in own {
                d.digest.hash(&mut columns);
            }
            let (_, at) = touched[&job];
            let now = Seen {
                text: text.finish(),
                columns: columns.finish(),
                at,
            };
            let fresh = self.analysed.get(&job).is_some_and(|seen| {
                let age = at - seen.at;
                seen.text == now.text
                    && age >= 0
                    && if seen.columns == now.columns {
                        age < self.refresh
                    } else {
                        // A schema that changes on every run must not cost a parse per
                        // run: column changes alone wait out the settle time.
                        age < SCHEMA_SETTLE_MICROS
                    }
            });
            if !fresh {
                due.push((job, now));
            }
        }
        due.sort_unstable();

        let mut outcomes = Vec::with_capacity(due.len());
        if !due.is_empty() {
            let dataset_ids: Vec<i64> = due
                .iter()
                .flat_map(|(j, _)| io.get(j).into_iter().flatten().map(|d| d.id))
                .collect::<HashSet<i64>>()
                .into_iter()
                .collect();
            let mut columns = current_columns(&mut reader, &dataset_ids).await?;
            for &(job, _) in &due {
                let (facet, job_type) = &facets[&job];
                let (seq, at) = touched[&job];
                let own = io.get(&job).cloned().unwrap_or_default();
                let outcome = self
                    .analyse(
                        &mut reader,
                        job,
                        seq,
                        at,
                        facet,
                        job_type,
                        own,
                        &mut columns,
                    )
                    .await?;
                outcomes.push(outcome);
            }
        }

        let records: Vec<JobSqlLineage> = outcomes.iter().map(Outcome::record).collect();
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(());
        };
        let claimed = store
            .write_sql_lineage(&gone, &records, self.name(), (first.seq, last.seq))
            .await?;
        if !claimed {
            // Another replica applied these entries first; what was analysed here was
            // not written, so it is not remembered either.
            tracing::debug!(view = self.name(), "entries applied by another replica");
            return Ok(());
        }
        if self.analysed.len() + due.len() > REMEMBERED_JOBS {
            self.analysed.clear();
        }
        for (job, seen) in due {
            self.analysed.insert(job, seen);
        }
        Ok(())
    }

    async fn reset(&mut self, store: &Store) -> Result<(), StoreError> {
        self.analysed.clear();
        store.reset_sql_lineage().await?;
        store.reset_view_cursor(self.name()).await
    }
}

impl SqlLineage {
    /// Analyses one job: its own datasets first, then a second pass with the catalog
    /// datasets that answer the names the first pass missed.
    #[allow(clippy::too_many_arguments)]
    async fn analyse(
        &self,
        reader: &mut StateReader,
        job: i64,
        seq: i64,
        at: i64,
        facet: &str,
        job_type: &Option<String>,
        own: Vec<Io>,
        columns: &mut HashMap<i64, Vec<String>>,
    ) -> Result<Outcome, StoreError> {
        let facet: Value = serde_json::from_str(facet).unwrap_or(Value::Null);
        let query = facet["query"].as_str().unwrap_or_default();
        let integration = job_type
            .as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|t| t["integration"].as_str().map(str::to_owned));
        let dialect = infer_dialect(
            facet["dialect"].as_str(),
            integration.as_deref(),
            own.iter().map(|d| d.namespace.as_str()),
            self.defaults.dialect,
        );
        let options = Options {
            dialect,
            default_database: self.defaults.database.clone(),
            default_schema: self.defaults.schema.clone(),
            ..Options::default()
        };
        let mut ids: Vec<i64> = own.iter().map(|d| d.id).collect();
        let mut datasets: Vec<KnownDataset> = own.iter().map(|d| known(d, columns)).collect();
        let mut derived = derive(query, &options, &datasets);
        if !derived.misses.is_empty() {
            let mut namespaces: Vec<&str> =
                self.defaults.namespace.iter().map(String::as_str).collect();
            for d in &own {
                if !namespaces.contains(&d.namespace.as_str()) {
                    namespaces.push(&d.namespace);
                }
            }
            let found = catalog_candidates(reader, &namespaces, &derived.misses, &ids).await?;
            if !found.is_empty() {
                let missing: Vec<i64> = found
                    .iter()
                    .map(|d| d.id)
                    .filter(|id| !columns.contains_key(id))
                    .collect();
                columns.extend(current_columns(reader, &missing).await?);
                ids.extend(found.iter().map(|d| d.id));
                datasets.extend(found.iter().map(|d| known(d, columns)));
                derived = derive(query, &options, &datasets);
            }
        }
        Ok(Outcome {
            job,
            seq,
            at,
            dialect,
            derived,
            ids,
        })
    }
}

fn known(d: &Io, columns: &HashMap<i64, Vec<String>>) -> KnownDataset {
    let aliases = d
        .symlinks
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .map(|s| {
            s["identifiers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    KnownDataset {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        aliases,
        columns: columns.get(&d.id).cloned().filter(|c| !c.is_empty()),
        role: d.role,
    }
}

/// Current columns, in order, of each dataset that has any.
async fn current_columns(
    reader: &mut StateReader,
    datasets: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in datasets.chunks(CHUNK) {
        for (dataset, column) in reader.current_column_names(chunk).await? {
            out.entry(dataset).or_default().push(column);
        }
    }
    Ok(out)
}

/// Catalog datasets in `namespaces` whose name ends like one of `names` (the resolver
/// then decides which really match).
async fn catalog_candidates(
    reader: &mut StateReader,
    namespaces: &[&str],
    names: &[String],
    exclude: &[i64],
) -> Result<Vec<Io>, StoreError> {
    let mut out: Vec<Io> = Vec::new();
    if namespaces.is_empty() {
        return Ok(out);
    }
    for name in names {
        let Some(last) = name.rsplit(['.', '/']).next().filter(|l| !l.is_empty()) else {
            continue;
        };
        // `_` and `%` in a name only widen the match; the resolver compares exactly.
        let pattern = format!("%{}", last.to_lowercase());
        for d in reader.datasets_named_like(namespaces, pattern).await? {
            if exclude.contains(&d.id) || out.iter().any(|o| o.id == d.id) {
                continue;
            }
            out.push(Io {
                id: d.id,
                namespace: d.namespace,
                name: d.name,
                role: Role::Catalog,
                digest: None,
                symlinks: d.symlinks,
            });
        }
    }
    Ok(out)
}

fn problems(list: &[SqlProblem]) -> String {
    Value::Array(
        list.iter()
            .take(MAX_PROBLEMS)
            .map(|p| {
                json!({"statement": p.statement, "line": p.line, "column": p.column, "message": p.message})
            })
            .collect(),
    )
    .to_string()
}

impl Outcome {
    /// The analysis as the store keeps it: edges between dataset ids, problems and
    /// unplaced names as JSON.
    fn record(&self) -> JobSqlLineage {
        JobSqlLineage {
            job: self.job,
            seq: self.seq,
            at: self.at,
            dialect: self.dialect.to_string(),
            statements: self.derived.statements as i64,
            edge_count: self.derived.edges.len() as i64,
            edges: self
                .derived
                .edges
                .iter()
                .map(|e| SqlColumnEdge {
                    dst: self.ids[e.dst],
                    dst_column: e.dst_field.clone(),
                    src: self.ids[e.src],
                    src_column: e.src_field.clone(),
                    transformations: e.transformations.clone(),
                })
                .collect(),
            errors: problems(&self.derived.errors),
            warnings: problems(&self.derived.warnings),
            unresolved: Value::from(self.derived.unresolved.clone()).to_string(),
        }
    }
}
