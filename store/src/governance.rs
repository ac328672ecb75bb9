//! A dataset's classification and retention: the one rule every read follows.
//!
//! Like owners ([`crate::owners`]), a value a person curated (a `catalog.edit`, kept in
//! `curations`) wins over what a producer states (the `weft_governance` dataset facet),
//! field by field: a producer re-sending last week's facet never undoes an edit, and a
//! producer's value is still shown for the field nobody curated. A facet that does not
//! fit its model (flagged when it arrived) states nothing.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::Row;
use weft_schemas::governance::{FACET_KEY, WeftGovernanceDatasetFacet, retention_days};

use crate::bulk::Val;
use crate::edits::Curated;
use crate::{Store, StoreError};

/// A dataset's governed attributes as they stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Governance {
    /// `internal`, `restricted`…: curated, else the producer's.
    pub classification: Option<String>,
    /// `P30D`, `none`…: curated, else the producer's.
    pub retention: Option<String>,
}

impl Governance {
    /// The retention in days (a year is 365 days, a month 30); `None` when unset or
    /// `none`.
    pub fn retention_days(&self) -> Option<u64> {
        retention_days(self.retention.as_deref())
    }
}

/// Lays the curated values over the producer's `weft_governance` facet (as stored).
pub fn overlay(curated: &Curated, facet: Option<&Value>) -> Governance {
    let stated = facet
        .and_then(|v| serde_json::from_value::<WeftGovernanceDatasetFacet>(v.clone()).ok())
        .unwrap_or(WeftGovernanceDatasetFacet {
            classification: None,
            retention: None,
        });
    Governance {
        classification: curated
            .classification()
            .map(str::to_owned)
            .or(stated.classification),
        retention: curated.retention().map(str::to_owned).or(stated.retention),
    }
}

impl Store {
    /// The governed attributes of each of `ids` (every id has an entry).
    pub async fn dataset_governance(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Governance>, StoreError> {
        let curated = self.curations(ids).await?;
        let mut facets: HashMap<i64, Value> = HashMap::new();
        for chunk in ids.chunks(500) {
            // The key is a constant of ours, not input.
            let sql = format!(
                "SELECT dataset_id, value FROM dataset_facets WHERE key = '{FACET_KEY}' \
                 AND dataset_id IN {}",
                crate::bulk::in_list(self.backend(), 0, chunk.len())
            );
            let binds = chunk.iter().map(|&i| Val::I64(i)).collect();
            for r in self.rows(&sql, binds).await? {
                let text: String = r.try_get(1)?;
                if let Ok(v) = serde_json::from_str(&text) {
                    facets.insert(r.try_get(0)?, v);
                }
            }
        }
        let none = Curated::default();
        Ok(ids
            .iter()
            .map(|id| {
                let c = curated.get(id).unwrap_or(&none);
                (*id, overlay(c, facets.get(id)))
            })
            .collect())
    }
}
