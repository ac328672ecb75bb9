//! Batched reads of datasets and what hangs off them, for a page at a time.
//!
//! A GraphQL page of 50 datasets asks each for its columns, owners and tags; read one
//! by one that is 150 statements. Each function here answers a whole list of dataset
//! ids with one `IN (…)` statement per [`CHUNK`] ids, so a page costs the same handful
//! of statements whatever its size. Ids with nothing to show get an empty answer, so a
//! caller's cache can keep that too.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::bulk::{Val, in_list};
use crate::owners::owned_by;
use crate::read::{Facets, stored_facet};
use crate::{Backend, Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// Name pairs per lookup of dataset ids by name.
const NAME_CHUNK: usize = 200;

/// A dataset's own row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetRow {
    /// Store id.
    pub id: i64,
    /// The dataset's namespace.
    pub namespace: String,
    /// The dataset's name within its namespace.
    pub name: String,
    /// `DB_TABLE`, `VIEW`…
    pub kind: String,
    /// The producer's description.
    pub description: Option<String>,
    /// `CREATE`, `DROP`… from the lifecycle facet.
    pub lifecycle: Option<String>,
    /// Current schema version.
    pub version: i64,
    /// µs.
    pub created_at: i64,
    /// µs.
    pub updated_at: i64,
}

/// A column as [`Store::columns_of`] packs it: name, type, description, ordinal.
type PackedColumn = (String, Option<String>, Option<String>, i64);

/// One current column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRow {
    /// Store id of its dataset.
    pub dataset_id: i64,
    /// Name (dotted for nested fields).
    pub name: String,
    /// Type as the producer names it.
    pub data_type: Option<String>,
    /// The producer's description.
    pub description: Option<String>,
    /// Position in the schema, from 0.
    pub ordinal: i64,
}

/// One row of `tags` (declared by a producer, or added by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// Column; empty for the dataset.
    pub column: String,
    /// The tag key (`pii.email`).
    pub key: String,
    /// The tag's value, if it has one.
    pub value: Option<String>,
    /// Who assigned it.
    pub source: Option<String>,
    /// `declared` or `manual`.
    pub origin: String,
}

/// A job that reads or writes a dataset, from `job_io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobIoRow {
    /// Store id of the job.
    pub job_id: i64,
    /// Whether the job writes the dataset (else it reads it).
    pub writes: bool,
}

/// Which datasets a filtered list holds; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetFilter {
    /// In this namespace.
    pub namespace: Option<String>,
    /// With this tag key on the dataset itself.
    pub tag: Option<String>,
    /// Owned by this owner (curated owners when set, else the producer's).
    pub owner: Option<String>,
    /// Whose name contains this text, case-insensitively.
    pub name_contains: Option<String>,
    /// Also those the source dropped.
    pub include_deleted: bool,
}

impl Store {
    /// The rows of `sql(list)` for every chunk of `ids`, `list` being the chunk's
    /// `IN (…)` placeholders.
    async fn by_ids(
        &self,
        ids: &[i64],
        sql: impl Fn(&str) -> String,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let list = in_list(self.backend(), 0, chunk.len());
            out.extend(
                self.rows(&sql(&list), chunk.iter().map(|&i| Val::I64(i)).collect())
                    .await?,
            );
        }
        Ok(out)
    }

    /// The rows of the datasets found among `ids`.
    pub async fn datasets_by_ids(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, DatasetRow>, StoreError> {
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT d.id, n.name, d.name, d.type, d.description, d.lifecycle, d.current_version, \
                     d.created_at, d.updated_at FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
                     WHERE d.id IN {list}"
                )
            })
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get(0)?;
            out.insert(
                id,
                DatasetRow {
                    id,
                    namespace: r.try_get(1)?,
                    name: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    description: r.try_get(4)?,
                    lifecycle: r.try_get(5)?,
                    version: r.try_get(6)?,
                    created_at: r.try_get(7)?,
                    updated_at: r.try_get(8)?,
                },
            );
        }
        Ok(out)
    }

    /// The current columns of each of `ids`, in schema order.
    pub async fn columns_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ColumnRow>>, StoreError> {
        // One row per dataset, its columns packed as JSON by the database: a full policy
        // evaluation reads 3,000,000 columns, and decoding them one driver row each
        // cost three times what the database spent finding them.
        let pack = match self.backend() {
            Backend::Sqlite => {
                "json_group_array(json_array(c.name, c.data_type, c.description, c.ordinal))"
            }
            Backend::Postgres => {
                "json_agg(json_build_array(c.name, c.data_type, c.description, c.ordinal))::text"
            }
        };
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT c.dataset_id, {pack} FROM columns c \
                     JOIN datasets d ON d.id = c.dataset_id \
                     WHERE c.last_version = d.current_version AND c.dataset_id IN {list} \
                     GROUP BY c.dataset_id"
                )
            })
            .await?;
        let mut out: HashMap<i64, Vec<ColumnRow>> = ids.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let dataset_id: i64 = r.try_get(0)?;
            let packed: String = r.try_get(1)?;
            let list: Vec<PackedColumn> = serde_json::from_str(&packed)
                .map_err(|e| StoreError::Corrupt(format!("packed columns of {dataset_id}: {e}")))?;
            let mut columns: Vec<ColumnRow> = list
                .into_iter()
                .map(|(name, data_type, description, ordinal)| ColumnRow {
                    dataset_id,
                    name,
                    data_type,
                    description,
                    ordinal,
                })
                .collect();
            columns.sort_by_key(|c| c.ordinal);
            out.insert(dataset_id, columns);
        }
        Ok(out)
    }

    /// The stored tags of each of `ids` and its columns, by column then key.
    pub async fn tags_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<TagRow>>, StoreError> {
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT dataset_id, column_name, key, value, source, origin FROM tags \
                     WHERE dataset_id IN {list} ORDER BY dataset_id, column_name, key"
                )
            })
            .await?;
        let mut out: HashMap<i64, Vec<TagRow>> = ids.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let id: i64 = r.try_get(0)?;
            out.entry(id).or_default().push(TagRow {
                column: r.try_get(1)?,
                key: r.try_get(2)?,
                value: r.try_get(3)?,
                source: r.try_get(4)?,
                origin: r.try_get(5)?,
            });
        }
        Ok(out)
    }

    /// When a completed run last wrote each of `ids` (µs); `None` for a dataset no
    /// completed run wrote.
    pub async fn last_writes(&self, ids: &[i64]) -> Result<HashMap<i64, Option<i64>>, StoreError> {
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT io.dataset_id, MAX(r.ended_at) FROM run_io io JOIN runs r ON r.id = io.run_id \
                     WHERE io.direction = 'out' AND r.state = 'COMPLETE' AND io.dataset_id IN {list} \
                     GROUP BY io.dataset_id"
                )
            })
            .await?;
        let mut out: HashMap<i64, Option<i64>> = ids.iter().map(|&k| (k, None)).collect();
        for r in rows {
            let at: Option<i64> = r.try_get(1)?;
            out.insert(r.try_get(0)?, at);
        }
        Ok(out)
    }

    /// Every facet of each of `ids`, as sent, by name.
    pub async fn dataset_facets(&self, ids: &[i64]) -> Result<HashMap<i64, Facets>, StoreError> {
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT dataset_id, key, value FROM dataset_facets WHERE dataset_id IN {list} \
                     ORDER BY dataset_id, key"
                )
            })
            .await?;
        let mut out: HashMap<i64, Facets> = ids.iter().map(|&k| (k, Facets::new())).collect();
        for r in rows {
            let key: String = r.try_get(1)?;
            let text: String = r.try_get(2)?;
            // One unreadable facet (stored before the door refused it) never hides the rest.
            let value = stored_facet(&key, &text);
            out.entry(r.try_get(0)?).or_default().insert(key, value);
        }
        Ok(out)
    }

    /// The jobs reading and writing each of `ids`: writers first, then by job
    /// namespace and name.
    pub async fn job_io_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<JobIoRow>>, StoreError> {
        let rows = self
            .by_ids(ids, |list| {
                format!(
                    "SELECT io.dataset_id, io.job_id, io.direction FROM job_io io \
                     JOIN jobs j ON j.id = io.job_id JOIN namespaces n ON n.id = j.namespace_id \
                     WHERE io.dataset_id IN {list} ORDER BY io.dataset_id, io.direction DESC, n.name, j.name"
                )
            })
            .await?;
        let mut out: HashMap<i64, Vec<JobIoRow>> = ids.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let direction: String = r.try_get(2)?;
            out.entry(r.try_get(0)?).or_default().push(JobIoRow {
                job_id: r.try_get(1)?,
                writes: direction == "out",
            });
        }
        Ok(out)
    }

    /// The ids of the datasets found among `names` (namespace, name).
    pub async fn dataset_ids_named(
        &self,
        names: &[(String, String)],
    ) -> Result<HashMap<(String, String), i64>, StoreError> {
        let mut out = HashMap::new();
        // `IN` lists of namespaces and of names, not an `OR` of pairs: SQLite cannot
        // use the `(namespace_id, name)` index for an `OR` across the join and scanned
        // every dataset (45 ms for a page of search hits at 100,000 datasets). The rows
        // come from the cross product of the two lists; only the asked pairs are kept.
        for chunk in names.chunks(NAME_CHUNK) {
            let mut namespaces: Vec<&str> = chunk.iter().map(|(ns, _)| ns.as_str()).collect();
            namespaces.sort_unstable();
            namespaces.dedup();
            let mut names: Vec<&str> = chunk.iter().map(|(_, name)| name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let marks = |n: usize| vec!["?"; n].join(", ");
            let sql = format!(
                "SELECT n.name, d.name, d.id FROM namespaces n JOIN datasets d ON d.namespace_id = n.id \
                 WHERE n.name IN ({}) AND d.name IN ({})",
                marks(namespaces.len()),
                marks(names.len())
            );
            let binds = namespaces
                .iter()
                .chain(&names)
                .map(|v| Val::from(*v))
                .collect();
            for r in self.rows(&sql, binds).await? {
                let key: (String, String) = (r.try_get(0)?, r.try_get(1)?);
                if chunk.contains(&key) {
                    out.insert(key, r.try_get(2)?);
                }
            }
        }
        Ok(out)
    }

    /// One page (`offset`, `limit`) of the ids of the datasets `filter` admits, by
    /// namespace then name, and how many it admits in all.
    pub async fn filter_datasets(
        &self,
        filter: &DatasetFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<i64>, i64), StoreError> {
        let mut sql = String::from("1 = 1");
        let mut binds: Vec<Val> = Vec::new();
        if let Some(ns) = &filter.namespace {
            sql.push_str(" AND n.name = ?");
            binds.push(ns.as_str().into());
        }
        if let Some(tag) = &filter.tag {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM tags t WHERE t.dataset_id = d.id AND t.column_name = '' AND t.key = ?)",
            );
            binds.push(tag.as_str().into());
        }
        if let Some(owner) = &filter.owner {
            let (owned, owner_binds) = owned_by(owner);
            sql.push_str(owned);
            binds.extend(owner_binds);
        }
        if let Some(text) = &filter.name_contains {
            sql.push_str(" AND LOWER(d.name) LIKE ?");
            binds.push(format!("%{}%", text.to_lowercase()).into());
        }
        if !filter.include_deleted {
            sql.push_str(" AND (d.lifecycle IS NULL OR d.lifecycle <> 'DROP')");
        }
        let mut page_binds = binds.clone();
        page_binds.push(limit.into());
        page_binds.push(offset.into());
        self.ids_and_count(
            &format!(
                "SELECT d.id FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
                 WHERE {sql} ORDER BY n.name, d.name LIMIT ? OFFSET ?"
            ),
            page_binds,
            &format!(
                "SELECT COUNT(*) FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE {sql}"
            ),
            binds,
        )
        .await
    }
}
