//! What log entries name, resolved to ids: entries carry names (a job, a dataset, a
//! run), the views work on ids. Each function runs one statement; callers chunk their
//! id lists as they always have, so batching and round-trips are theirs to see.

use sqlx::Row;

use crate::StoreError;
use crate::bulk::{Val, fetch, in_list};
use crate::state_reader::StateReader;

/// A catalog table whose rows have a namespace and a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `jobs`.
    Jobs,
    /// `datasets`.
    Datasets,
}

impl Named {
    /// The table's name.
    pub(crate) fn table(self) -> &'static str {
        match self {
            Named::Jobs => "jobs",
            Named::Datasets => "datasets",
        }
    }
}

/// Decodes the first column of every row as an id.
pub(crate) fn first_ids(rows: &[sqlx::any::AnyRow]) -> Result<Vec<i64>, StoreError> {
    rows.iter()
        .map(|r| r.try_get(0).map_err(Into::into))
        .collect()
}

impl StateReader {
    /// Ids of the job or dataset named `name` in namespace `ns`.
    pub async fn ids_named(
        &mut self,
        table: Named,
        ns: &str,
        name: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let table = table.table();
        let sql = self.backend.sql(&format!(
            "SELECT t.id FROM {table} t JOIN namespaces n ON n.id = t.namespace_id \
             WHERE n.name = ? AND t.name = ?"
        ));
        let rows = fetch(&mut self.conn, sql, vec![ns.into(), name.into()]).await?;
        first_ids(&rows)
    }

    /// The first id of the job named `name` in namespace `ns`, if any.
    pub async fn job_named(&mut self, ns: &str, name: &str) -> Result<Option<i64>, StoreError> {
        let rows = fetch(
            &mut self.conn,
            self.backend.sql(
                "SELECT j.id FROM jobs j JOIN namespaces n ON n.id = j.namespace_id \
                 WHERE n.name = ? AND j.name = ?",
            ),
            vec![ns.into(), name.into()],
        )
        .await?;
        Ok(first_ids(&rows)?.into_iter().next())
    }

    /// The distinct jobs of `runs` (run ids).
    pub async fn jobs_of_runs(&mut self, runs: &[&str]) -> Result<Vec<i64>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT job_id FROM runs WHERE id IN {}",
            in_list(self.backend, 0, runs.len())
        );
        let rows = fetch(
            &mut self.conn,
            sql,
            runs.iter().map(|&id| Val::from(id)).collect(),
        )
        .await?;
        first_ids(&rows)
    }

    /// Each of `runs` that exists, with its job: (run id, job id).
    pub async fn run_jobs(&mut self, runs: &[&str]) -> Result<Vec<(String, i64)>, StoreError> {
        let sql = format!(
            "SELECT id, job_id FROM runs WHERE id IN {}",
            in_list(self.backend, 0, runs.len())
        );
        let binds = runs.iter().map(|&id| Val::from(id)).collect();
        fetch(&mut self.conn, sql, binds)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The distinct datasets `jobs` read or write.
    pub async fn datasets_of_jobs(&mut self, jobs: &[i64]) -> Result<Vec<i64>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT dataset_id FROM job_io WHERE job_id IN {}",
            in_list(self.backend, 0, jobs.len())
        );
        let rows = fetch(
            &mut self.conn,
            sql,
            jobs.iter().map(|&j| Val::I64(j)).collect(),
        )
        .await?;
        first_ids(&rows)
    }
}
