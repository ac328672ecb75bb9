//! The catalog read whole for a snapshot (`weft export`, `GET /api/v1/export`): datasets
//! as readers see them (curated values over the producer's), their current columns and
//! tags, the column edges and job I/O into them, and review decisions, page by page.
//!
//! Every page is read inside one read-only transaction, so the snapshot is of one
//! moment (the log position read first matches what follows) however long the export
//! takes, and a server writing meanwhile is neither blocked nor seen half-way. It takes
//! no claim on the store ([`crate::lease`]): it only reads, beside a running server too.
//! Pages are of datasets by id; the caller writes each page out before asking for the
//! next, so a catalog of 100,000 datasets is never held in memory.

use std::collections::HashMap;

use sqlx::Row;

use crate::bulk::{Val, fetch, in_list};
use crate::edits::{Curated, add_curations, curations_sql};
use crate::graph_state::{ColumnEdgeRecord, EDGE_SELECT, JobIo, decode, edge, job_io};
use crate::lookup::{OwnerRef, tier_of};
use crate::owners::curated_owners;
use crate::reviews::{COLUMNS, ReviewState, state_of};
use crate::{Backend, Store, StoreError};
use weft_schemas::governance::FACET_KEY;

/// A tag row of a dataset or column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Option<String>,
    /// `declared` or `manual`.
    pub origin: String,
}

/// A current column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportColumn {
    /// Name.
    pub name: String,
    /// Type.
    pub data_type: Option<String>,
    /// Description: curated, else the producer's.
    pub description: Option<String>,
    /// Tags on it.
    pub tags: Vec<ExportTag>,
}

/// A dataset as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDataset {
    /// Store id.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Description: curated, else the producer's.
    pub description: Option<String>,
    /// Tier from a dataset-level tag (one set by hand wins).
    pub tier: Option<String>,
    /// Curated classification.
    pub classification: Option<String>,
    /// Curated retention (`P30D`, `none`).
    pub retention: Option<String>,
    /// Owners: curated, else the producer's.
    pub owners: Vec<OwnerRef>,
    /// First seen (µs).
    pub created_at: i64,
    /// Someone deprecated it.
    pub deprecated: bool,
    /// The source dropped it.
    pub deleted: bool,
    /// Tags on the dataset itself.
    pub tags: Vec<ExportTag>,
    /// Current columns, in order.
    pub columns: Vec<ExportColumn>,
}

/// One page of the export: datasets and everything keyed by them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportPage {
    /// Datasets, by id.
    pub datasets: Vec<ExportDataset>,
    /// Column edges into them.
    pub edges: Vec<ColumnEdgeRecord>,
    /// Job I/O rows naming them.
    pub job_io: Vec<JobIo>,
    /// Review decisions on their columns.
    pub reviews: Vec<ReviewState>,
}

/// A read-only transaction over the whole catalog; see the module documentation.
pub struct ExportReader {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    after: i64,
}

impl std::fmt::Debug for ExportReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportReader")
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

fn ids(list: &[i64]) -> Vec<Val> {
    list.iter().map(|&d| Val::I64(d)).collect()
}

impl Store {
    /// Starts an export: one read transaction (SQLite: a deferred transaction, a
    /// snapshot in WAL mode; PostgreSQL: `REPEATABLE READ READ ONLY`).
    pub async fn export_reader(&self) -> Result<ExportReader, StoreError> {
        let begin = match self.backend() {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        Ok(ExportReader {
            tx: self.pool().begin_with(begin).await?,
            backend: self.backend(),
            after: 0,
        })
    }
}

impl ExportReader {
    /// The last change-log entry the transaction sees.
    pub async fn log_position(&mut self) -> Result<i64, StoreError> {
        let rows = fetch(
            &mut *self.tx,
            "SELECT COALESCE(MAX(seq), 0) FROM change_log".into(),
            Vec::new(),
        )
        .await?;
        match rows.first() {
            Some(r) => Ok(r.try_get(0)?),
            None => Ok(0),
        }
    }

    /// The next page of up to `limit` datasets (by id) with their edges, job I/O and
    /// reviews; empty at the end.
    pub async fn next_page(&mut self, limit: i64) -> Result<ExportPage, StoreError> {
        let rows = fetch(
            &mut *self.tx,
            self.backend.sql(
                "SELECT d.id, n.name, d.name, d.description, d.lifecycle, d.created_at \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
                 WHERE d.id > ? ORDER BY d.id LIMIT ?",
            ),
            vec![Val::I64(self.after), Val::I64(limit)],
        )
        .await?;
        let mut datasets = Vec::with_capacity(rows.len());
        for r in &rows {
            let lifecycle: Option<String> = r.try_get(4)?;
            datasets.push(ExportDataset {
                id: r.try_get(0)?,
                namespace: r.try_get(1)?,
                name: r.try_get(2)?,
                description: r.try_get(3)?,
                tier: None,
                classification: None,
                retention: None,
                owners: Vec::new(),
                created_at: r.try_get(5)?,
                deprecated: false,
                deleted: lifecycle.as_deref() == Some("DROP"),
                tags: Vec::new(),
                columns: Vec::new(),
            });
        }
        let Some(last) = datasets.last().map(|d| d.id) else {
            return Ok(ExportPage::default());
        };
        self.after = last;
        let page: Vec<i64> = datasets.iter().map(|d| d.id).collect();
        let at: HashMap<i64, usize> = page.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let list = in_list(self.backend, 0, page.len());

        let columns = fetch(
            &mut *self.tx,
            format!(
                "SELECT c.dataset_id, c.name, c.data_type, c.description FROM columns c \
                 JOIN datasets d ON d.id = c.dataset_id \
                 WHERE c.last_version = d.current_version AND c.dataset_id IN {list} \
                 ORDER BY c.dataset_id, c.ordinal"
            ),
            ids(&page),
        )
        .await?;
        for c in &columns {
            let id: i64 = c.try_get(0)?;
            if let Some(&i) = at.get(&id) {
                datasets[i].columns.push(ExportColumn {
                    name: c.try_get(1)?,
                    data_type: c.try_get(2)?,
                    description: c.try_get(3)?,
                    tags: Vec::new(),
                });
            }
        }

        let tags = fetch(
            &mut *self.tx,
            format!(
                "SELECT dataset_id, column_name, key, value, origin FROM tags \
                 WHERE dataset_id IN {list} ORDER BY dataset_id, column_name, key, origin"
            ),
            ids(&page),
        )
        .await?;
        for t in &tags {
            let id: i64 = t.try_get(0)?;
            let column: String = t.try_get(1)?;
            let tag = ExportTag {
                key: t.try_get(2)?,
                value: t.try_get(3)?,
                origin: t.try_get(4)?,
            };
            let Some(&i) = at.get(&id) else {
                continue;
            };
            let d = &mut datasets[i];
            if column.is_empty() {
                // The tier rule of `Store::dataset_tiers`: a tier set by hand wins.
                if let Some(tier) = tier_of(&tag.key, tag.value.as_deref())
                    && (d.tier.is_none() || tag.origin == crate::edits::MANUAL)
                {
                    d.tier = Some(tier);
                }
                d.tags.push(tag);
            } else if let Some(col) = d.columns.iter_mut().find(|c| c.name == column) {
                col.tags.push(tag);
            }
        }

        let owners = fetch(
            &mut *self.tx,
            format!(
                "SELECT entity_id, name, owner_type FROM owners WHERE entity_type = 'dataset' \
                 AND entity_id IN {list} ORDER BY entity_id, name"
            ),
            ids(&page),
        )
        .await?;
        for o in &owners {
            let id: i64 = o.try_get(0)?;
            if let Some(&i) = at.get(&id) {
                datasets[i].owners.push(OwnerRef {
                    name: o.try_get(1)?,
                    owner_type: o.try_get(2)?,
                });
            }
        }

        let curations = fetch(
            &mut *self.tx,
            curations_sql(self.backend, page.len()),
            ids(&page),
        )
        .await?;
        let mut curated: HashMap<i64, Curated> = HashMap::new();
        add_curations(&mut curated, &curations)?;
        // The producer's `weft_governance` facet, under the curated values.
        let facets = fetch(
            &mut *self.tx,
            format!(
                "SELECT dataset_id, value FROM dataset_facets WHERE key = '{FACET_KEY}' \
                 AND dataset_id IN {list}"
            ),
            ids(&page),
        )
        .await?;
        let mut governance: HashMap<i64, serde_json::Value> = HashMap::new();
        for r in &facets {
            let text: String = r.try_get(1)?;
            if let Ok(v) = serde_json::from_str(&text) {
                governance.insert(r.try_get(0)?, v);
            }
        }
        let none = Curated::default();
        for (i, d) in datasets.iter_mut().enumerate() {
            let c = curated.get(&page[i]).unwrap_or(&none);
            overlay(d, c, governance.get(&page[i]));
        }

        let edges = decode(
            fetch(
                &mut *self.tx,
                format!(
                    "{EDGE_SELECT} WHERE dst_dataset_id IN {list} ORDER BY dst_dataset_id, \
                     dst_column, src_dataset_id, src_column, job_id, origin"
                ),
                ids(&page),
            )
            .await?,
            edge,
        )?;
        let job_io = decode(
            fetch(
                &mut *self.tx,
                format!(
                    "SELECT job_id, dataset_id, direction, updated_at FROM job_io \
                     WHERE dataset_id IN {list} ORDER BY dataset_id, job_id, direction"
                ),
                ids(&page),
            )
            .await?,
            job_io,
        )?;
        let reviews = decode(
            fetch(
                &mut *self.tx,
                format!(
                    "SELECT {} FROM tag_reviews WHERE dataset_id IN {list} \
                     ORDER BY dataset_id, column_name, tag",
                    COLUMNS.join(", ")
                ),
                ids(&page),
            )
            .await?,
            state_of,
        )?;
        Ok(ExportPage {
            datasets,
            edges,
            job_io,
            reviews,
        })
    }

    /// Ends the read transaction.
    pub async fn finish(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// People's curated values over the producer's, as every reader lays them.
fn overlay(d: &mut ExportDataset, c: &Curated, governance_facet: Option<&serde_json::Value>) {
    if let Some(desc) = c.description("") {
        d.description = Some(desc.to_owned());
    }
    if let Some(owners) = curated_owners(c) {
        d.owners = owners;
    }
    d.deprecated = c.deprecation().is_some();
    let g = crate::governance::overlay(c, governance_facet);
    d.classification = g.classification;
    d.retention = g.retention;
    for col in &mut d.columns {
        if let Some(desc) = c.description(&col.name) {
            col.description = Some(desc.to_owned());
        }
    }
}
