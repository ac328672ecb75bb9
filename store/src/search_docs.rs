//! Current state as the search index reads it to build documents: pages of ids for
//! the passes over everything, and per page of datasets or jobs their names,
//! descriptions, columns, tags, owners and ranking signals. One statement each; the
//! caller chunks and assembles the documents.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::bulk::{Val, fetch, in_list};
use crate::log_subjects::{Named, first_ids};
use crate::state_reader::StateReader;

/// A job's name and description, for its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobHead {
    /// The job.
    pub id: i64,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// When it last changed (microseconds).
    pub updated_at: Option<i64>,
}

/// A dataset's name, description and lifecycle as search shows them (curations win).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetDocHead {
    /// The dataset.
    pub id: i64,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The curated description, else the producer's.
    pub description: Option<String>,
    /// `DEPRECATED` when curated so (unless dropped), else the producer's lifecycle.
    pub lifecycle: Option<String>,
    /// When it last changed (microseconds).
    pub updated_at: Option<i64>,
}

/// A dataset a job reads or writes, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDatasetName {
    /// The job.
    pub job: i64,
    /// Whether the job writes it.
    pub output: bool,
    /// The dataset's name.
    pub name: String,
}

/// A (dataset or job id, text, optional text) triple: a column with its description,
/// a tag with its value.
pub type Described = (i64, String, Option<String>);

fn ids(list: &[i64]) -> Vec<Val> {
    list.iter().map(|&d| Val::I64(d)).collect()
}

fn described(rows: Vec<AnyRow>) -> Result<Vec<Described>, StoreError> {
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

impl StateReader {
    /// The next 2,000 ids of `table` after `after`, in order.
    pub async fn id_page(&mut self, table: Named, after: i64) -> Result<Vec<i64>, StoreError> {
        let table = table.table();
        let rows = fetch(
            &mut self.conn,
            self.backend.sql(&format!(
                "SELECT id FROM {table} WHERE id > ? ORDER BY id LIMIT 2000"
            )),
            vec![Val::I64(after)],
        )
        .await?;
        first_ids(&rows)
    }

    /// Names and descriptions of `jobs`.
    pub async fn job_heads(&mut self, jobs: &[i64]) -> Result<Vec<JobHead>, StoreError> {
        let list = in_list(self.backend, 0, jobs.len());
        fetch(
            &mut self.conn,
            format!(
                "SELECT j.id, n.name, j.name, j.description, j.updated_at \
                 FROM jobs j JOIN namespaces n ON n.id = j.namespace_id WHERE j.id IN {list}"
            ),
            ids(jobs),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(JobHead {
                id: r.try_get(0)?,
                namespace: r.try_get(1)?,
                name: r.try_get(2)?,
                description: r.try_get(3)?,
                updated_at: r.try_get(4)?,
            })
        })
        .collect()
    }

    /// The names of the datasets `jobs` read and write.
    pub async fn job_dataset_names(
        &mut self,
        jobs: &[i64],
    ) -> Result<Vec<JobDatasetName>, StoreError> {
        let list = in_list(self.backend, 0, jobs.len());
        fetch(
            &mut self.conn,
            format!(
                "SELECT io.job_id, io.direction, d.name FROM job_io io \
                 JOIN datasets d ON d.id = io.dataset_id WHERE io.job_id IN {list}"
            ),
            ids(jobs),
        )
        .await?
        .iter()
        .map(|r| {
            let direction: String = r.try_get(1)?;
            Ok(JobDatasetName {
                job: r.try_get(0)?,
                output: direction == "out",
                name: r.try_get(2)?,
            })
        })
        .collect()
    }

    /// The owners of `jobs`: (job, owner name).
    pub async fn job_owner_names(
        &mut self,
        jobs: &[i64],
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let list = in_list(self.backend, 0, jobs.len());
        fetch(
            &mut self.conn,
            format!("SELECT entity_id, name FROM owners WHERE entity_type = 'job' AND entity_id IN {list}"),
            ids(jobs),
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    /// Names, descriptions and lifecycles of `datasets`, curations applied.
    pub async fn dataset_doc_heads(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<DatasetDocHead>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        fetch(
            &mut self.conn,
            format!(
                // What people curated wins: their description, and their deprecation
                // unless the dataset is gone.
                "SELECT d.id, n.name, d.name, \
                 COALESCE((SELECT c.value FROM curations c WHERE c.dataset_id = d.id \
                   AND c.column_name = '' AND c.field = 'description'), d.description), \
                 CASE WHEN (d.lifecycle IS NULL OR d.lifecycle <> 'DROP') AND EXISTS (SELECT 1 FROM curations c \
                   WHERE c.dataset_id = d.id AND c.column_name = '' AND c.field = 'deprecation') \
                   THEN 'DEPRECATED' ELSE d.lifecycle END, d.updated_at \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id IN {list}"
            ),
            ids(datasets),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(DatasetDocHead {
                id: r.try_get(0)?,
                namespace: r.try_get(1)?,
                name: r.try_get(2)?,
                description: r.try_get(3)?,
                lifecycle: r.try_get(4)?,
                updated_at: r.try_get(5)?,
            })
        })
        .collect()
    }

    /// Current columns of `datasets` with their descriptions, by dataset and ordinal.
    pub async fn column_descriptions(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<Described>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        let rows = fetch(
            &mut self.conn,
            format!(
                "SELECT c.dataset_id, c.name, c.description FROM columns c \
                 JOIN datasets d ON d.id = c.dataset_id \
                 WHERE c.last_version = d.current_version AND c.dataset_id IN {list} \
                 ORDER BY c.dataset_id, c.ordinal"
            ),
            ids(datasets),
        )
        .await?;
        described(rows)
    }

    /// Every tag of `datasets` and their columns: (dataset, key, value).
    pub async fn dataset_tags(&mut self, datasets: &[i64]) -> Result<Vec<Described>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        let rows = fetch(
            &mut self.conn,
            format!("SELECT dataset_id, key, value FROM tags WHERE dataset_id IN {list}"),
            ids(datasets),
        )
        .await?;
        described(rows)
    }

    /// How many distinct jobs read each of `datasets` (those read at all).
    pub async fn reader_counts(&mut self, datasets: &[i64]) -> Result<Vec<(i64, i64)>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        fetch(
            &mut self.conn,
            format!(
                "SELECT dataset_id, COUNT(DISTINCT job_id) FROM job_io \
                 WHERE direction = 'in' AND dataset_id IN {list} GROUP BY dataset_id"
            ),
            ids(datasets),
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    /// When a run last wrote each of `datasets` (those written at all).
    pub async fn last_writes(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        fetch(
            &mut self.conn,
            format!(
                "SELECT io.dataset_id, MAX(COALESCE(r.ended_at, r.started_at, r.updated_at)) \
                 FROM run_io io JOIN runs r ON r.id = io.run_id \
                 WHERE io.direction = 'out' AND io.dataset_id IN {list} GROUP BY io.dataset_id"
            ),
            ids(datasets),
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    /// Whether any usage has been recorded at all.
    pub async fn usage_known(&mut self) -> Result<bool, StoreError> {
        let rows = fetch(
            &mut self.conn,
            self.backend.sql("SELECT 1 FROM usage_daily LIMIT 1"),
            vec![],
        )
        .await?;
        Ok(!rows.is_empty())
    }

    /// Every job's inputs and outputs in job order: (job, dataset, whether written).
    pub async fn job_io_in_job_order(&mut self) -> Result<Vec<(i64, i64, bool)>, StoreError> {
        fetch(
            &mut self.conn,
            "SELECT job_id, dataset_id, direction FROM job_io ORDER BY job_id".to_owned(),
            vec![],
        )
        .await?
        .iter()
        .map(|r| {
            let direction: String = r.try_get(2)?;
            Ok((r.try_get(0)?, r.try_get(1)?, direction == "out"))
        })
        .collect()
    }
}
