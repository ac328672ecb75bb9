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
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use sqlx::Row;
use weft_ingest::sql::{Derived, KnownDataset, Role, SqlProblem, derive, infer_dialect};
use weft_lineage::{Dialect, Options};

use super::DerivedView;
use weft_store::bulk::{Insert, Val, execute, fetch, in_list};
use weft_store::log::LogEntry;
use weft_store::writer::COLUMN_EDGE_COLUMNS;
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
    fn name(&self) -> &'static str {
        "sql_lineage"
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), StoreError> {
        let mut conn = store.pool().acquire().await?;
        let backend = store.backend();
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
                    if let (Some(ns), Some(name)) = (e.namespace.as_deref(), name) {
                        let rows = fetch(
                            &mut conn,
                            backend.sql(
                                "SELECT j.id FROM jobs j JOIN namespaces n ON n.id = j.namespace_id \
                                 WHERE n.name = ? AND j.name = ?",
                            ),
                            vec![ns.into(), name.into()],
                        )
                        .await?;
                        if let Some(r) = rows.first() {
                            touched.insert(r.try_get(0)?, (e.seq, e.at));
                        }
                    }
                }
                _ => {}
            }
        }
        let run_ids: Vec<&str> = runs.keys().copied().collect();
        for chunk in run_ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id, job_id FROM runs WHERE id IN {}",
                in_list(backend, 0, chunk.len())
            );
            let binds = chunk.iter().map(|&id| Val::from(id)).collect();
            for r in fetch(&mut conn, sql, binds).await? {
                let run: String = r.try_get(0)?;
                let job: i64 = r.try_get(1)?;
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
            let ids: Vec<Val> = chunk.iter().map(|&j| Val::I64(j)).collect();
            let sql = format!(
                "SELECT s.job_id, s.value, t.value FROM job_facets s \
                 LEFT JOIN job_facets t ON t.job_id = s.job_id AND t.key = 'jobType' \
                 WHERE s.key = 'sql' AND s.job_id IN {}",
                in_list(backend, 0, chunk.len())
            );
            for r in fetch(&mut conn, sql, ids.clone()).await? {
                facets.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
            }
            let sql = format!(
                "SELECT io.job_id, io.direction, d.id, n.name, d.name, d.fields_digest, l.value \
                 FROM job_io io JOIN datasets d ON d.id = io.dataset_id \
                 JOIN namespaces n ON n.id = d.namespace_id \
                 LEFT JOIN dataset_facets l ON l.dataset_id = d.id AND l.key = 'symlinks' \
                 WHERE io.job_id IN {} ORDER BY io.job_id, io.direction, d.id",
                in_list(backend, 0, chunk.len())
            );
            for r in fetch(&mut conn, sql, ids).await? {
                let direction: String = r.try_get(1)?;
                io.entry(r.try_get(0)?).or_default().push(Io {
                    role: if direction == "out" {
                        Role::Output
                    } else {
                        Role::Input
                    },
                    id: r.try_get(2)?,
                    namespace: r.try_get(3)?,
                    name: r.try_get(4)?,
                    digest: r.try_get(5)?,
                    symlinks: r.try_get(6)?,
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
            let sql = format!(
                "SELECT job_id FROM job_sql_lineage WHERE job_id IN {}",
                in_list(backend, 0, chunk.len())
            );
            let binds = chunk.iter().map(|&j| Val::I64(j)).collect();
            for r in fetch(&mut conn, sql, binds).await? {
                gone.push(r.try_get(0)?);
            }
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
            let mut columns = current_columns(&mut conn, store, &dataset_ids).await?;
            for &(job, _) in &due {
                let (facet, job_type) = &facets[&job];
                let (seq, at) = touched[&job];
                let own = io.get(&job).cloned().unwrap_or_default();
                let outcome = self
                    .analyse(
                        &mut conn,
                        store,
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

        let mut tx = store.begin_write().await?;
        for chunk in gone.chunks(CHUNK) {
            let list = in_list(backend, 0, chunk.len());
            let ids: Vec<Val> = chunk.iter().map(|&j| Val::I64(j)).collect();
            execute(
                &mut tx,
                format!("DELETE FROM column_edges WHERE origin = 'sql' AND job_id IN {list}"),
                ids.clone(),
            )
            .await?;
            execute(
                &mut tx,
                format!("DELETE FROM job_sql_lineage WHERE job_id IN {list}"),
                ids,
            )
            .await?;
        }
        write(&mut tx, store, &outcomes).await?;
        if let Some(last) = entries.last() {
            store
                .set_view_cursor(&mut tx, self.name(), last.seq)
                .await?;
        }
        tx.commit().await?;
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
        sqlx::query("DELETE FROM column_edges WHERE origin = 'sql'")
            .execute(store.pool())
            .await?;
        sqlx::query("DELETE FROM job_sql_lineage")
            .execute(store.pool())
            .await?;
        Ok(())
    }
}

impl SqlLineage {
    /// Analyses one job: its own datasets first, then a second pass with the catalog
    /// datasets that answer the names the first pass missed.
    #[allow(clippy::too_many_arguments)]
    async fn analyse(
        &self,
        conn: &mut sqlx::AnyConnection,
        store: &Store,
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
            let found = catalog_candidates(conn, store, &namespaces, &derived.misses, &ids).await?;
            if !found.is_empty() {
                let missing: Vec<i64> = found
                    .iter()
                    .map(|d| d.id)
                    .filter(|id| !columns.contains_key(id))
                    .collect();
                columns.extend(current_columns(conn, store, &missing).await?);
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
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    datasets: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in datasets.chunks(CHUNK) {
        let sql = format!(
            "SELECT c.dataset_id, c.name FROM columns c JOIN datasets d ON d.id = c.dataset_id \
             WHERE c.last_version = d.current_version AND c.dataset_id IN {} \
             ORDER BY c.dataset_id, c.ordinal",
            in_list(store.backend(), 0, chunk.len())
        );
        let binds = chunk.iter().map(|&d| Val::I64(d)).collect();
        for r in fetch(conn, sql, binds).await? {
            out.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
        }
    }
    Ok(out)
}

/// Catalog datasets in `namespaces` whose name ends like one of `names` (the resolver
/// then decides which really match).
async fn catalog_candidates(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
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
        let sql = format!(
            "SELECT d.id, n.name, d.name, l.value FROM datasets d \
             JOIN namespaces n ON n.id = d.namespace_id \
             LEFT JOIN dataset_facets l ON l.dataset_id = d.id AND l.key = 'symlinks' \
             WHERE n.name IN {} AND LOWER(d.name) LIKE {} ORDER BY d.id LIMIT 50",
            in_list(store.backend(), 0, namespaces.len()),
            placeholder(store, namespaces.len() + 1),
        );
        let mut binds: Vec<Val> = namespaces.iter().map(|&n| Val::from(n)).collect();
        binds.push(Val::from(pattern));
        for r in fetch(conn, sql, binds).await? {
            let id: i64 = r.try_get(0)?;
            if exclude.contains(&id) || out.iter().any(|d| d.id == id) {
                continue;
            }
            out.push(Io {
                id,
                namespace: r.try_get(1)?,
                name: r.try_get(2)?,
                role: Role::Catalog,
                digest: None,
                symlinks: r.try_get(3)?,
            });
        }
    }
    Ok(out)
}

fn placeholder(store: &Store, n: usize) -> String {
    let mut s = String::new();
    store.backend().placeholder(n, &mut s);
    s
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

/// Edges a person retracted (for the SQL origin or every origin) into the outcomes'
/// targets: the analysis must not bring them back.
async fn retractions(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    outcomes: &[Outcome],
) -> Result<HashSet<(i64, String, i64, String)>, StoreError> {
    let targets: Vec<i64> = outcomes
        .iter()
        .flat_map(|o| o.derived.edges.iter().map(|e| o.ids[e.dst]))
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let mut out = HashSet::new();
    for chunk in targets.chunks(CHUNK) {
        let sql = format!(
            "SELECT dst_dataset_id, dst_column, src_dataset_id, src_column FROM edge_retractions \
             WHERE origin IN ('', 'sql') AND dst_dataset_id IN {}",
            in_list(store.backend(), 0, chunk.len())
        );
        for r in fetch(conn, sql, chunk.iter().map(|&d| Val::I64(d)).collect()).await? {
            out.insert((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
    }
    Ok(out)
}

/// Upserts each job's edges, drops its edges the new analysis no longer yields, and
/// records the outcome.
async fn write(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    outcomes: &[Outcome],
) -> Result<(), StoreError> {
    let backend = store.backend();
    let retracted = retractions(conn, store, outcomes).await?;
    let mut edge_rows: BTreeMap<(i64, String, i64, String, i64), Vec<Val>> = BTreeMap::new();
    let mut status_rows = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        for e in &o.derived.edges {
            let (dst, src) = (o.ids[e.dst], o.ids[e.src]);
            if retracted.contains(&(dst, e.dst_field.clone(), src, e.src_field.clone())) {
                continue;
            }
            edge_rows.insert(
                (dst, e.dst_field.clone(), src, e.src_field.clone(), o.job),
                vec![
                    Val::I64(dst),
                    e.dst_field.clone().into(),
                    Val::I64(src),
                    e.src_field.clone().into(),
                    Val::I64(o.job),
                    "sql".into(),
                    e.transformations.clone().into(),
                    Val::OptText(None),
                    Val::I64(o.at),
                    Val::I64(o.at),
                ],
            );
        }
        status_rows.push(vec![
            Val::I64(o.job),
            Val::I64(o.seq),
            o.dialect.to_string().into(),
            Val::I64(o.derived.statements as i64),
            Val::I64(o.derived.edges.len() as i64),
            problems(&o.derived.errors).into(),
            problems(&o.derived.warnings).into(),
            Value::from(o.derived.unresolved.clone()).to_string().into(),
            Val::I64(weft_store::now_micros()),
        ]);
    }
    Insert {
        table: "column_edges",
        columns: &COLUMN_EDGE_COLUMNS,
        conflict: &[0, 1, 2, 3, 4, 5],
        update: Some(
            "transformations = excluded.transformations, \
             last_seen = CASE WHEN excluded.last_seen > column_edges.last_seen THEN excluded.last_seen ELSE column_edges.last_seen END",
        ),
        returning: None,
    }
    .run(conn, backend, edge_rows.into_values().collect())
    .await?;
    for o in outcomes {
        execute(
            conn,
            backend.sql(
                "DELETE FROM column_edges WHERE job_id = ? AND origin = 'sql' AND last_seen < ?",
            ),
            vec![Val::I64(o.job), Val::I64(o.at)],
        )
        .await?;
    }
    Insert {
        table: "job_sql_lineage",
        columns: &[
            "job_id",
            "seq",
            "dialect",
            "statements",
            "edges",
            "errors",
            "warnings",
            "unresolved",
            "updated_at",
        ],
        conflict: &[0],
        update: Some(
            "seq = excluded.seq, dialect = excluded.dialect, statements = excluded.statements, \
             edges = excluded.edges, errors = excluded.errors, warnings = excluded.warnings, \
             unresolved = excluded.unresolved, updated_at = excluded.updated_at",
        ),
        returning: None,
    }
    .run(conn, backend, status_rows)
    .await?;
    Ok(())
}
