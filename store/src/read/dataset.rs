//! Datasets: the dataset as it stands (curated values over the producer's), and its
//! schema versions.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use sqlx::Row;

use super::{EntityKind, Facets, Listing, Page, stored_facet};
use crate::edits::Deprecation;
use crate::governance::{Governance, overlay};
use crate::lookup::OwnerRef;
use crate::owners::curated_owners;
use crate::{Store, StoreError};

/// A dataset as it stands: the producer's statements with people's curated values
/// laid over them.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRecord {
    /// Store id.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name within the namespace.
    pub name: String,
    /// `DB_TABLE`, `VIEW`…
    pub kind: String,
    /// The source the producer named, if it did.
    pub source_name: Option<String>,
    /// The curated description, else the producer's.
    pub description: Option<String>,
    /// The last lifecycle change a producer reported (`CREATE`, `DROP`…).
    pub lifecycle: Option<String>,
    /// Current schema version.
    pub current_version: i64,
    /// First seen (µs).
    pub created_at: i64,
    /// Last changed in the catalog (µs).
    pub updated_at: i64,
    /// The current schema's fields, in order.
    pub fields: Vec<FieldRecord>,
    /// Tag keys on the dataset itself, by key.
    pub tags: Vec<String>,
    /// Owners: those set by hand, else the producer's.
    pub owners: Vec<OwnerRef>,
    /// Classification and retention: those set by hand, else the producer's
    /// (`weft_governance` facet), field by field.
    pub governance: Governance,
    /// When a completed run last wrote it (µs).
    pub last_modified_at: Option<i64>,
    /// Set when someone deprecated it.
    pub deprecation: Option<Deprecation>,
    /// Every facet, by name.
    pub facets: Facets,
}

impl DatasetRecord {
    /// Whether the source dropped it (its history stays).
    pub fn deleted(&self) -> bool {
        self.lifecycle.as_deref() == Some("DROP")
    }
}

/// A field of a dataset's current schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRecord {
    /// Name (dotted for nested fields).
    pub name: String,
    /// Type as the producer names it.
    pub data_type: Option<String>,
    /// Tag keys on the field, by key.
    pub tags: Vec<String>,
    /// The curated description, else the producer's.
    pub description: Option<String>,
}

/// One schema version of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetVersionRecord {
    /// 1, 2, …
    pub version: i64,
    /// When it was first seen (µs).
    pub created_at: i64,
    /// Its fields, as stored with the version (a list of `{name, type, description}`).
    pub fields: Value,
    /// The run that produced it, if a run did.
    pub created_by_run: Option<String>,
}

/// A field of a schema version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VersionField {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub data_type: Option<String>,
    /// Description.
    pub description: Option<String>,
}

impl DatasetVersionRecord {
    /// The version's fields, typed; an error when what is stored is not such a list
    /// (an answer must not quietly show a schema as empty).
    pub fn schema_fields(&self) -> Result<Vec<VersionField>, StoreError> {
        Vec::<VersionField>::deserialize(&self.fields).map_err(|e| {
            StoreError::Corrupt(format!("fields of schema version {}: {e}", self.version))
        })
    }
}

impl Store {
    /// A page of a namespace's datasets, by name; `None` for an unknown namespace.
    pub async fn list_datasets(
        &self,
        ns: &str,
        page: Page,
    ) -> Result<Option<Listing<DatasetRecord>>, StoreError> {
        self.list_in_namespace(EntityKind::Dataset, ns, page, |id| self.dataset_by_id(id))
            .await
    }

    /// The dataset `ns`:`name`.
    pub async fn get_dataset(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<Option<DatasetRecord>, StoreError> {
        match self.entity_key(EntityKind::Dataset, ns, name).await? {
            Some(id) => self.dataset_by_id(id).await,
            None => Ok(None),
        }
    }

    /// A dataset by store id.
    pub async fn dataset_by_id(&self, id: i64) -> Result<Option<DatasetRecord>, StoreError> {
        let rows = self
            .rows(
                "SELECT n.name, d.name, d.type, d.source_name, d.description, d.lifecycle, d.current_version, d.created_at, d.updated_at \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id = ?",
                vec![id.into()],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let version: i64 = r.try_get(6)?;
        let curated = self.curations(&[id]).await?.remove(&id).unwrap_or_default();
        let mut col_tags: HashMap<String, Vec<String>> = HashMap::new();
        let mut tags = Vec::new();
        for t in self
            .rows(
                "SELECT column_name, key, value, source, origin FROM tags WHERE dataset_id = ? ORDER BY column_name, key",
                vec![id.into()],
            )
            .await?
        {
            let column: String = t.try_get(0)?;
            let key: String = t.try_get(1)?;
            if column.is_empty() {
                tags.push(key);
            } else {
                col_tags.entry(column).or_default().push(key);
            }
        }
        let fields = self
            .rows(
                "SELECT name, data_type, description FROM columns WHERE dataset_id = ? AND last_version = ? ORDER BY ordinal",
                vec![id.into(), version.into()],
            )
            .await?
            .into_iter()
            .map(|c| -> Result<FieldRecord, StoreError> {
                let name: String = c.try_get(0)?;
                Ok(FieldRecord {
                    data_type: c.try_get(1)?,
                    tags: col_tags.get(&name).cloned().unwrap_or_default(),
                    description: curated
                        .description(&name)
                        .map(str::to_owned)
                        .or(c.try_get(2)?),
                    name,
                })
            })
            .collect::<Result<_, _>>()?;
        let facets = self.entity_facets(EntityKind::Dataset, id).await?;
        let owners = match curated_owners(&curated) {
            Some(list) => list,
            None => self.declared_owners(EntityKind::Dataset, id).await?,
        };
        let modified = self
            .rows(
                "SELECT MAX(r.ended_at) FROM run_io io JOIN runs r ON r.id = io.run_id \
                 WHERE io.dataset_id = ? AND io.direction = 'out' AND r.state = 'COMPLETE'",
                vec![id.into()],
            )
            .await?;
        let last_modified_at: Option<i64> = match modified.first() {
            Some(m) => m.try_get(0)?,
            None => None,
        };
        Ok(Some(DatasetRecord {
            id,
            namespace: r.try_get(0)?,
            name: r.try_get(1)?,
            kind: r.try_get(2)?,
            source_name: r.try_get(3)?,
            description: curated.description("").map(str::to_owned).or(r.try_get(4)?),
            lifecycle: r.try_get(5)?,
            current_version: version,
            created_at: r.try_get(7)?,
            updated_at: r.try_get(8)?,
            fields,
            tags,
            owners,
            governance: overlay(&curated, facets.get(weft_schemas::governance::FACET_KEY)),
            last_modified_at,
            deprecation: curated.deprecation(),
            facets,
        }))
    }

    /// A page of the schema versions of dataset `ns`:`name`, newest first; `None` for
    /// an unknown dataset.
    pub async fn dataset_versions(
        &self,
        ns: &str,
        name: &str,
        page: Page,
    ) -> Result<Option<Listing<DatasetVersionRecord>>, StoreError> {
        let Some(id) = self.entity_key(EntityKind::Dataset, ns, name).await? else {
            return Ok(None);
        };
        let rows = self
            .rows(
                "SELECT version, fields, run_id, created_at FROM dataset_versions WHERE dataset_id = ? ORDER BY created_at DESC, version DESC LIMIT ? OFFSET ?",
                vec![id.into(), page.limit.into(), page.offset.into()],
            )
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let fields: String = r.try_get(1)?;
            items.push(DatasetVersionRecord {
                version: r.try_get(0)?,
                created_at: r.try_get(3)?,
                fields: stored_facet("schema", &fields),
                created_by_run: r.try_get(2)?,
            });
        }
        let total = self
            .count(
                "SELECT COUNT(*) FROM dataset_versions WHERE dataset_id = ?",
                vec![id.into()],
            )
            .await?;
        Ok(Some(Listing { total, items }))
    }
}
