//! Current state as the in-memory lineage graph reads it: dataset names and schema
//! digests, current columns with types, column edges of every origin, jobs' inputs and
//! outputs, declared column tags. Each `all_*` read loads everything once at start;
//! the others read the datasets or jobs a page of the log touched (one statement each,
//! the caller chunks).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::bulk::{Val, fetch, in_list};
use crate::state_reader::StateReader;

/// A dataset's name and the digest of its current fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetHead {
    /// The dataset.
    pub id: i64,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Digest of its current fields.
    pub fields_digest: Option<Vec<u8>>,
}

/// A current column with its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnType {
    /// The dataset.
    pub dataset: i64,
    /// The column.
    pub name: String,
    /// Its type, when known.
    pub data_type: Option<String>,
}

/// A `column_edges` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnEdgeRecord {
    /// The written dataset.
    pub dst_dataset: i64,
    /// The written column.
    pub dst_column: String,
    /// The read dataset.
    pub src_dataset: i64,
    /// The read column.
    pub src_column: String,
    /// The job.
    pub job: i64,
    /// Who said so (`openlineage`, `sql`, …).
    pub origin: String,
    /// Transformations as JSON.
    pub transformations: String,
    /// First time seen (microseconds).
    pub first_seen: i64,
    /// Last time seen (microseconds).
    pub last_seen: i64,
}

/// A `job_io` row: a dataset a job reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobIo {
    /// The job.
    pub job: i64,
    /// The dataset.
    pub dataset: i64,
    /// Whether the job writes it (`out`) rather than reads it.
    pub output: bool,
    /// When the row was last written (microseconds).
    pub updated_at: i64,
}

/// A tag declared on a column (a `tags` row with a column name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnTag {
    /// The dataset.
    pub dataset: i64,
    /// The column.
    pub column: String,
    /// The tag key.
    pub key: String,
    /// The tag value.
    pub value: Option<String>,
}

/// What a dataset's incoming column edges look like in aggregate: when it differs
/// from what the graph saw, the edges are read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeSignature {
    /// The target dataset.
    pub dataset: i64,
    /// Rows.
    pub rows: i64,
    /// Latest `first_seen`.
    pub first_seen: i64,
    /// Latest `last_seen`.
    pub last_seen: i64,
    /// Total length of the transformations text.
    pub transformations_len: i64,
}

pub(crate) const EDGE_SELECT: &str = "SELECT dst_dataset_id, dst_column, src_dataset_id, src_column, job_id, \
     origin, transformations, first_seen, last_seen FROM column_edges";

fn ids(list: &[i64]) -> Vec<Val> {
    list.iter().map(|&d| Val::I64(d)).collect()
}

fn head(r: &AnyRow) -> Result<DatasetHead, StoreError> {
    Ok(DatasetHead {
        id: r.try_get(0)?,
        namespace: r.try_get(1)?,
        name: r.try_get(2)?,
        fields_digest: r.try_get(3)?,
    })
}

fn column_type(r: &AnyRow) -> Result<ColumnType, StoreError> {
    Ok(ColumnType {
        dataset: r.try_get(0)?,
        name: r.try_get(1)?,
        data_type: r.try_get(2)?,
    })
}

pub(crate) fn edge(r: &AnyRow) -> Result<ColumnEdgeRecord, StoreError> {
    Ok(ColumnEdgeRecord {
        dst_dataset: r.try_get(0)?,
        dst_column: r.try_get(1)?,
        src_dataset: r.try_get(2)?,
        src_column: r.try_get(3)?,
        job: r.try_get(4)?,
        origin: r.try_get(5)?,
        transformations: r.try_get(6)?,
        first_seen: r.try_get(7)?,
        last_seen: r.try_get(8)?,
    })
}

pub(crate) fn job_io(r: &AnyRow) -> Result<JobIo, StoreError> {
    let direction: String = r.try_get(2)?;
    Ok(JobIo {
        job: r.try_get(0)?,
        dataset: r.try_get(1)?,
        output: direction == "out",
        updated_at: r.try_get(3)?,
    })
}

pub(crate) fn column_tag(r: &AnyRow) -> Result<ColumnTag, StoreError> {
    Ok(ColumnTag {
        dataset: r.try_get(0)?,
        column: r.try_get(1)?,
        key: r.try_get(2)?,
        value: r.try_get(3)?,
    })
}

pub(crate) fn decode<T>(
    rows: Vec<AnyRow>,
    f: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(f).collect()
}

impl StateReader {
    /// Every dataset's name and fields digest.
    pub async fn all_dataset_heads(&mut self) -> Result<Vec<DatasetHead>, StoreError> {
        let rows = fetch(
            &mut self.conn,
            "SELECT d.id, n.name, d.name, d.fields_digest FROM datasets d \
             JOIN namespaces n ON n.id = d.namespace_id"
                .into(),
            Vec::new(),
        )
        .await?;
        decode(rows, head)
    }

    /// Every current column with its type, by dataset and ordinal.
    pub async fn all_column_types(&mut self) -> Result<Vec<ColumnType>, StoreError> {
        let rows = fetch(
            &mut self.conn,
            "SELECT c.dataset_id, c.name, c.data_type FROM columns c \
             JOIN datasets d ON d.id = c.dataset_id \
             WHERE c.last_version = d.current_version ORDER BY c.dataset_id, c.ordinal"
                .into(),
            Vec::new(),
        )
        .await?;
        decode(rows, column_type)
    }

    /// Every column edge, of every origin.
    pub async fn all_column_edges(&mut self) -> Result<Vec<ColumnEdgeRecord>, StoreError> {
        let rows = fetch(&mut self.conn, EDGE_SELECT.into(), Vec::new()).await?;
        decode(rows, edge)
    }

    /// Every job's inputs and outputs.
    pub async fn all_job_io(&mut self) -> Result<Vec<JobIo>, StoreError> {
        let rows = fetch(
            &mut self.conn,
            "SELECT io.job_id, io.dataset_id, io.direction, io.updated_at FROM job_io io".into(),
            Vec::new(),
        )
        .await?;
        decode(rows, job_io)
    }

    /// Every tag declared on a column.
    pub async fn all_column_tags(&mut self) -> Result<Vec<ColumnTag>, StoreError> {
        let rows = fetch(
            &mut self.conn,
            self.backend.sql(
                "SELECT dataset_id, column_name, key, value FROM tags WHERE column_name <> ''",
            ),
            Vec::new(),
        )
        .await?;
        decode(rows, column_tag)
    }

    /// The inputs and outputs of `jobs`.
    pub async fn job_io(&mut self, jobs: &[i64]) -> Result<Vec<JobIo>, StoreError> {
        let sql = format!(
            "SELECT job_id, dataset_id, direction, updated_at FROM job_io WHERE job_id IN {}",
            in_list(self.backend, 0, jobs.len())
        );
        let rows = fetch(&mut self.conn, sql, ids(jobs)).await?;
        decode(rows, job_io)
    }

    /// The names and fields digests of `datasets`.
    pub async fn dataset_heads(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<DatasetHead>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        let rows = fetch(
            &mut self.conn,
            format!(
                "SELECT d.id, n.name, d.name, d.fields_digest FROM datasets d \
                 JOIN namespaces n ON n.id = d.namespace_id WHERE d.id IN {list}"
            ),
            ids(datasets),
        )
        .await?;
        decode(rows, head)
    }

    /// The edge signatures of those of `datasets` with incoming column edges.
    pub async fn edge_signatures(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<EdgeSignature>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        let rows = fetch(
            &mut self.conn,
            format!(
                "SELECT dst_dataset_id, COUNT(*), MAX(first_seen), MAX(last_seen), \
                 SUM(LENGTH(transformations)) FROM column_edges \
                 WHERE dst_dataset_id IN {list} GROUP BY dst_dataset_id"
            ),
            ids(datasets),
        )
        .await?;
        decode(rows, |r| {
            Ok(EdgeSignature {
                dataset: r.try_get(0)?,
                rows: r.try_get(1)?,
                first_seen: r.try_get(2)?,
                last_seen: r.try_get(3)?,
                transformations_len: r.try_get(4)?,
            })
        })
    }

    /// The current columns of `datasets` with their types, by dataset and ordinal.
    pub async fn column_types(&mut self, datasets: &[i64]) -> Result<Vec<ColumnType>, StoreError> {
        let sql = format!(
            "SELECT c.dataset_id, c.name, c.data_type FROM columns c \
             JOIN datasets d ON d.id = c.dataset_id \
             WHERE c.last_version = d.current_version AND c.dataset_id IN {} \
             ORDER BY c.dataset_id, c.ordinal",
            in_list(self.backend, 0, datasets.len())
        );
        let rows = fetch(&mut self.conn, sql, ids(datasets)).await?;
        decode(rows, column_type)
    }

    /// The column edges into `datasets`.
    pub async fn column_edges_into(
        &mut self,
        datasets: &[i64],
    ) -> Result<Vec<ColumnEdgeRecord>, StoreError> {
        let sql = format!(
            "{EDGE_SELECT} WHERE dst_dataset_id IN {}",
            in_list(self.backend, 0, datasets.len())
        );
        let rows = fetch(&mut self.conn, sql, ids(datasets)).await?;
        decode(rows, edge)
    }

    /// The tags declared on columns of `datasets`.
    pub async fn column_tags(&mut self, datasets: &[i64]) -> Result<Vec<ColumnTag>, StoreError> {
        let list = in_list(self.backend, 0, datasets.len());
        let rows = fetch(
            &mut self.conn,
            format!(
                "SELECT dataset_id, column_name, key, value FROM tags \
                 WHERE column_name <> '' AND dataset_id IN {list}"
            ),
            ids(datasets),
        )
        .await?;
        decode(rows, column_tag)
    }
}
