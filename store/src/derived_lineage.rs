//! Column lineage derived from jobs' SQL: the `origin = 'sql'` rows of `column_edges`
//! and `job_sql_lineage` (how each job's SQL fared). The `sql_lineage` view derives
//! them; this module holds the reads it bases that on and is the only writer of those
//! rows. The producer's own edges (origin `openlineage`) are never touched here.

use std::collections::{BTreeMap, HashSet};

use sqlx::{AnyConnection, Row};

use crate::bulk::{Insert, Val, execute, fetch, in_list};
use crate::state_reader::StateReader;
use crate::writer::COLUMN_EDGE_COLUMNS;
use crate::{Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// A job's SQL facet and job type facet (raw JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSql {
    /// The job.
    pub job: i64,
    /// The `sql` facet.
    pub sql: String,
    /// The `jobType` facet, when there is one.
    pub job_type: Option<String>,
}

/// A dataset a job reads or writes, with what name resolution needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDataset {
    /// The job.
    pub job: i64,
    /// Whether the job writes it (`out`) rather than reads it.
    pub output: bool,
    /// The dataset.
    pub id: i64,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Digest of its current fields.
    pub digest: Option<Vec<u8>>,
    /// Its `symlinks` facet (raw JSON).
    pub symlinks: Option<String>,
}

/// A catalog dataset that may answer a name the SQL used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateDataset {
    /// The dataset.
    pub id: i64,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its `symlinks` facet (raw JSON).
    pub symlinks: Option<String>,
}

/// One column edge derived from a job's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlColumnEdge {
    /// The written dataset.
    pub dst: i64,
    /// The written column.
    pub dst_column: String,
    /// The read dataset.
    pub src: i64,
    /// The read column.
    pub src_column: String,
    /// OpenLineage transformations as compact JSON.
    pub transformations: String,
}

/// One job's analysis, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSqlLineage {
    /// The job.
    pub job: i64,
    /// The log entry the analysis followed.
    pub seq: i64,
    /// Its log time: the edges' `first_seen`/`last_seen`.
    pub at: i64,
    /// The dialect the SQL was read in.
    pub dialect: String,
    /// Statements in the script.
    pub statements: i64,
    /// Edges the analysis yielded (before retractions are left out).
    pub edge_count: i64,
    /// The edges.
    pub edges: Vec<SqlColumnEdge>,
    /// Errors, as a JSON array.
    pub errors: String,
    /// Warnings, as a JSON array.
    pub warnings: String,
    /// Names that could not be placed, as a JSON array.
    pub unresolved: String,
}

impl StateReader {
    /// The SQL and job type facets of `jobs` that have a SQL facet.
    pub async fn job_sql(&mut self, jobs: &[i64]) -> Result<Vec<JobSql>, StoreError> {
        let sql = format!(
            "SELECT s.job_id, s.value, t.value FROM job_facets s \
             LEFT JOIN job_facets t ON t.job_id = s.job_id AND t.key = 'jobType' \
             WHERE s.key = 'sql' AND s.job_id IN {}",
            in_list(self.backend, 0, jobs.len())
        );
        let binds = jobs.iter().map(|&j| Val::I64(j)).collect();
        fetch(&mut self.conn, sql, binds)
            .await?
            .iter()
            .map(|r| {
                Ok(JobSql {
                    job: r.try_get(0)?,
                    sql: r.try_get(1)?,
                    job_type: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The datasets `jobs` read and write, by job, direction and dataset.
    pub async fn job_datasets(&mut self, jobs: &[i64]) -> Result<Vec<JobDataset>, StoreError> {
        let sql = format!(
            "SELECT io.job_id, io.direction, d.id, n.name, d.name, d.fields_digest, l.value \
             FROM job_io io JOIN datasets d ON d.id = io.dataset_id \
             JOIN namespaces n ON n.id = d.namespace_id \
             LEFT JOIN dataset_facets l ON l.dataset_id = d.id AND l.key = 'symlinks' \
             WHERE io.job_id IN {} ORDER BY io.job_id, io.direction, d.id",
            in_list(self.backend, 0, jobs.len())
        );
        let binds = jobs.iter().map(|&j| Val::I64(j)).collect();
        fetch(&mut self.conn, sql, binds)
            .await?
            .iter()
            .map(|r| {
                let direction: String = r.try_get(1)?;
                Ok(JobDataset {
                    job: r.try_get(0)?,
                    output: direction == "out",
                    id: r.try_get(2)?,
                    namespace: r.try_get(3)?,
                    name: r.try_get(4)?,
                    digest: r.try_get(5)?,
                    symlinks: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// Those of `jobs` that have a `job_sql_lineage` row.
    pub async fn jobs_with_sql_lineage(&mut self, jobs: &[i64]) -> Result<Vec<i64>, StoreError> {
        let sql = format!(
            "SELECT job_id FROM job_sql_lineage WHERE job_id IN {}",
            in_list(self.backend, 0, jobs.len())
        );
        let binds = jobs.iter().map(|&j| Val::I64(j)).collect();
        let rows = fetch(&mut self.conn, sql, binds).await?;
        crate::log_subjects::first_ids(&rows)
    }

    /// Current column names of `datasets`, in order: (dataset, column).
    pub async fn current_column_names(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let sql = format!(
            "SELECT c.dataset_id, c.name FROM columns c JOIN datasets d ON d.id = c.dataset_id \
             WHERE c.last_version = d.current_version AND c.dataset_id IN {} \
             ORDER BY c.dataset_id, c.ordinal",
            in_list(self.backend, 0, datasets.len())
        );
        let binds = datasets.iter().map(|&d| Val::I64(d)).collect();
        fetch(&mut self.conn, sql, binds)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Up to 50 datasets in `namespaces` whose lowercased name is `LIKE pattern`, by id.
    pub async fn datasets_named_like(
        &mut self,
        namespaces: &[&str],
        pattern: String,
    ) -> Result<Vec<CandidateDataset>, StoreError> {
        let mut like = String::new();
        self.backend.placeholder(namespaces.len() + 1, &mut like);
        let sql = format!(
            "SELECT d.id, n.name, d.name, l.value FROM datasets d \
             JOIN namespaces n ON n.id = d.namespace_id \
             LEFT JOIN dataset_facets l ON l.dataset_id = d.id AND l.key = 'symlinks' \
             WHERE n.name IN {} AND LOWER(d.name) LIKE {} ORDER BY d.id LIMIT 50",
            in_list(self.backend, 0, namespaces.len()),
            like,
        );
        let mut binds: Vec<Val> = namespaces.iter().map(|&n| Val::from(n)).collect();
        binds.push(Val::from(pattern));
        fetch(&mut self.conn, sql, binds)
            .await?
            .iter()
            .map(|r| {
                Ok(CandidateDataset {
                    id: r.try_get(0)?,
                    namespace: r.try_get(1)?,
                    name: r.try_get(2)?,
                    symlinks: r.try_get(3)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Writes one page of the `sql_lineage` view in one transaction: forgets what was
    /// derived for `gone` (jobs whose SQL facet went away), stores `outcomes` (edges a
    /// person retracted are left out), and moves the view's cursor to the last of the
    /// entries `span` = (first, last) it was derived from. State and cursor commit
    /// together, so each entry is applied exactly once; when another replica's view
    /// applied any of them first, nothing is written and the answer is `false`.
    pub async fn write_sql_lineage(
        &self,
        gone: &[i64],
        outcomes: &[JobSqlLineage],
        view: &str,
        span: (i64, i64),
    ) -> Result<bool, StoreError> {
        let backend = self.backend();
        let mut tx = self.begin_write().await?;
        if !self
            .claim_view_cursor(&mut tx, view, span.0, span.1)
            .await?
        {
            return Ok(false);
        }
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
        write_outcomes(&mut tx, self, outcomes).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Forgets everything derived from SQL, for a rebuild of the view.
    pub async fn reset_sql_lineage(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM column_edges WHERE origin = 'sql'")
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM job_sql_lineage")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// Edges a person retracted (for the SQL origin or every origin) into the outcomes'
/// targets: the analysis must not bring them back.
async fn retractions(
    conn: &mut AnyConnection,
    store: &Store,
    outcomes: &[JobSqlLineage],
) -> Result<HashSet<(i64, String, i64, String)>, StoreError> {
    let targets: Vec<i64> = outcomes
        .iter()
        .flat_map(|o| o.edges.iter().map(|e| e.dst))
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
async fn write_outcomes(
    conn: &mut AnyConnection,
    store: &Store,
    outcomes: &[JobSqlLineage],
) -> Result<(), StoreError> {
    let backend = store.backend();
    let retracted = retractions(conn, store, outcomes).await?;
    let mut edge_rows: BTreeMap<(i64, String, i64, String, i64), Vec<Val>> = BTreeMap::new();
    let mut status_rows = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        for e in &o.edges {
            let (dst, src) = (e.dst, e.src);
            if retracted.contains(&(dst, e.dst_column.clone(), src, e.src_column.clone())) {
                continue;
            }
            edge_rows.insert(
                (dst, e.dst_column.clone(), src, e.src_column.clone(), o.job),
                vec![
                    Val::I64(dst),
                    e.dst_column.clone().into(),
                    Val::I64(src),
                    e.src_column.clone().into(),
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
            o.dialect.clone().into(),
            Val::I64(o.statements),
            Val::I64(o.edge_count),
            o.errors.clone().into(),
            o.warnings.clone().into(),
            o.unresolved.clone().into(),
            Val::I64(crate::now_micros()),
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
