//! What people curate by hand: descriptions, owners, tiers, classification, retention,
//! dataset tags, deprecation.
//!
//! An edit is a `catalog.edit` change like any other input, so it is audited with its
//! actor and survives `weft rebuild`. Curated descriptions, owners, classification,
//! retention and deprecation live
//! in `curations`, apart from what producers state, and readers prefer them: a producer
//! re-sending yesterday's documentation facet must not undo an owner's description.
//! Tiers and dataset tags are rows of `tags` with origin `manual`, which a producer's
//! tags facet never deletes (it replaces only `declared` rows).

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use weft_schemas::change::{CatalogEdit, Edit, EditOwner};

use super::bulk::{Val, execute, in_list};
use super::{Store, StoreError};

/// Tag origin of tags added by hand to a dataset.
pub const MANUAL: &str = "manual";

/// One curated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curation {
    /// The column; empty for the dataset.
    pub column: String,
    /// `description`, `owners`, `classification`, `retention` or `deprecation`.
    pub field: String,
    /// Text for a description, classification or retention; JSON for owners and
    /// deprecation.
    pub value: String,
    /// Who curated it.
    pub actor: String,
    /// The change-log entry.
    pub seq: i64,
    /// When (µs).
    pub at: i64,
}

/// A dataset's curated values, by field, as readers overlay them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Curated {
    /// Every curated value of the dataset and its columns.
    pub items: Vec<Curation>,
}

impl Curated {
    fn get(&self, column: &str, field: &str) -> Option<&Curation> {
        self.items
            .iter()
            .find(|c| c.column == column && c.field == field)
    }

    /// The curated description of the dataset (`column` empty) or a column.
    pub fn description(&self, column: &str) -> Option<&str> {
        self.get(column, "description").map(|c| c.value.as_str())
    }

    /// The curated owners, when someone set them.
    pub fn owners(&self) -> Option<Vec<EditOwner>> {
        self.get("", "owners")
            .and_then(|c| serde_json::from_str(&c.value).ok())
    }

    /// The curated classification, when someone set it.
    pub fn classification(&self) -> Option<&str> {
        self.get("", "classification").map(|c| c.value.as_str())
    }

    /// The curated retention (`P30D`, `none`), when someone set it.
    pub fn retention(&self) -> Option<&str> {
        self.get("", "retention").map(|c| c.value.as_str())
    }

    /// The deprecation: who, when, and the note.
    pub fn deprecation(&self) -> Option<Deprecation> {
        let c = self.get("", "deprecation")?;
        let note = serde_json::from_str::<serde_json::Value>(&c.value)
            .ok()
            .and_then(|v| v.get("note").and_then(|n| n.as_str()).map(str::to_owned));
        Some(Deprecation {
            note,
            actor: c.actor.clone(),
            at: c.at,
        })
    }
}

/// A dataset marked deprecated by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// Why, and what to use instead.
    pub note: Option<String>,
    /// Who.
    pub actor: String,
    /// When (µs).
    pub at: i64,
}

/// Applies one logged edit to current state. An edit naming a dataset that no longer
/// exists changes nothing (the API refuses such edits; this only happens when a
/// rebuild replays a log whose dataset was later erased).
pub async fn apply_edit(
    conn: &mut AnyConnection,
    store: &Store,
    seq: i64,
    e: &CatalogEdit,
    at: i64,
) -> Result<(), StoreError> {
    let backend = store.backend();
    let Some(id) = super::reviews::dataset_id_in(conn, store, &e.namespace, &e.dataset).await?
    else {
        tracing::warn!(seq, dataset = %e.dataset, "edit of an unknown dataset ignored");
        return Ok(());
    };
    let column = e.column.clone().unwrap_or_default();
    let curate = |field: &'static str, value: Option<String>| Curate {
        id,
        column: column.clone(),
        field,
        value,
        actor: e.actor.clone(),
        seq,
        at,
    };
    match &e.edit {
        Edit::SetDescription { description } => {
            let value = description.clone().filter(|d| !d.trim().is_empty());
            curate("description", value).run(conn, store).await
        }
        Edit::SetOwners { owners } => {
            let value =
                (!owners.is_empty()).then(|| serde_json::to_string(owners).unwrap_or_default());
            curate("owners", value).run(conn, store).await
        }
        Edit::Deprecate { deprecated, note } => {
            let value = deprecated.then(|| serde_json::json!({ "note": note }).to_string());
            curate("deprecation", value).run(conn, store).await
        }
        Edit::SetClassification { classification } => {
            curate("classification", classification.clone())
                .run(conn, store)
                .await
        }
        Edit::SetRetention { retention } => {
            curate("retention", retention.clone())
                .run(conn, store)
                .await
        }
        Edit::SetTier { tier } => {
            execute(
                conn,
                backend.sql(
                    "DELETE FROM tags WHERE dataset_id = ? AND column_name = '' AND origin = ? \
                     AND (LOWER(key) = 'tier' OR LOWER(key) LIKE 'tier.%')",
                ),
                vec![id.into(), MANUAL.into()],
            )
            .await?;
            match tier {
                Some(t) => add_tag(conn, store, id, "tier", Some(t.clone()), &e.actor, at).await,
                None => Ok(()),
            }
        }
        Edit::AddTag { key, value } => {
            add_tag(conn, store, id, key, value.clone(), &e.actor, at).await
        }
        Edit::RemoveTag { key } => {
            execute(
                conn,
                backend.sql(
                    "DELETE FROM tags WHERE dataset_id = ? AND column_name = '' AND key = ? AND origin = ?",
                ),
                vec![id.into(), key.as_str().into(), MANUAL.into()],
            )
            .await?;
            Ok(())
        }
    }
}

async fn add_tag(
    conn: &mut AnyConnection,
    store: &Store,
    id: i64,
    key: &str,
    value: Option<String>,
    actor: &str,
    at: i64,
) -> Result<(), StoreError> {
    execute(
        conn,
        store.backend().sql(
            "INSERT INTO tags (dataset_id, column_name, key, value, source, origin, created_at) \
             VALUES (?, '', ?, ?, ?, ?, ?) ON CONFLICT (dataset_id, column_name, key) DO UPDATE SET \
             value = excluded.value, source = excluded.source, origin = excluded.origin",
        ),
        vec![
            id.into(),
            key.into(),
            Val::OptText(value),
            actor.into(),
            MANUAL.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// One curated value to set (`Some`) or clear (`None`).
struct Curate {
    id: i64,
    column: String,
    field: &'static str,
    value: Option<String>,
    actor: String,
    seq: i64,
    at: i64,
}

impl Curate {
    async fn run(self, conn: &mut AnyConnection, store: &Store) -> Result<(), StoreError> {
        let backend = store.backend();
        match self.value {
            Some(v) => execute(
                conn,
                backend.sql(
                    "INSERT INTO curations (dataset_id, column_name, field, value, actor, seq, at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dataset_id, column_name, field) DO UPDATE SET \
                     value = excluded.value, actor = excluded.actor, seq = excluded.seq, at = excluded.at",
                ),
                vec![
                    self.id.into(),
                    self.column.into(),
                    self.field.into(),
                    v.into(),
                    self.actor.into(),
                    self.seq.into(),
                    self.at.into(),
                ],
            )
            .await?,
            None => execute(
                conn,
                backend.sql(
                    "DELETE FROM curations WHERE dataset_id = ? AND column_name = ? AND field = ?",
                ),
                vec![self.id.into(), self.column.into(), self.field.into()],
            )
            .await?,
        };
        Ok(())
    }
}

impl Store {
    /// The curated values of each dataset in `ids` that has any.
    pub async fn curations(&self, ids: &[i64]) -> Result<HashMap<i64, Curated>, StoreError> {
        let mut out: HashMap<i64, Curated> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT dataset_id, column_name, field, value, actor, seq, at FROM curations \
                 WHERE dataset_id IN {} ORDER BY dataset_id, column_name, field",
                in_list(self.backend(), 0, chunk.len())
            );
            for r in self
                .rows(&sql, chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?
            {
                out.entry(r.try_get(0)?).or_default().items.push(Curation {
                    column: r.try_get(1)?,
                    field: r.try_get(2)?,
                    value: r.try_get(3)?,
                    actor: r.try_get(4)?,
                    seq: r.try_get(5)?,
                    at: r.try_get(6)?,
                });
            }
        }
        Ok(out)
    }
}
