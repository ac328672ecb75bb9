//! Small batched lookups the graph endpoints use to dress node ids in names: job
//! names, dataset owners and tiers. The graph itself holds only ids; these read the
//! store once per response, for every id in it.

use std::collections::HashMap;

use sqlx::Row;

use super::bulk::{Val, in_list};
use super::{Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// A dataset's owner, as the ownership facet named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRef {
    /// `team:data-eng`, `user:alice`.
    pub name: String,
    /// `MAINTAINER`, … when given.
    pub owner_type: Option<String>,
}

impl Store {
    /// `(namespace, name)` of each job id found.
    pub async fn job_names(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, (String, String)>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT j.id, n.name, j.name FROM jobs j JOIN namespaces n ON n.id = j.namespace_id \
                 WHERE j.id IN {}",
                in_list(self.backend(), 0, chunk.len())
            );
            for r in self
                .rows(&sql, chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?
            {
                out.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
            }
        }
        Ok(out)
    }

    /// Owners of each dataset id that has any.
    pub async fn dataset_owners(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<OwnerRef>>, StoreError> {
        let mut out: HashMap<i64, Vec<OwnerRef>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT entity_id, name, owner_type FROM owners WHERE entity_type = 'dataset' \
                 AND entity_id IN {} ORDER BY entity_id, name",
                in_list(self.backend(), 0, chunk.len())
            );
            for r in self
                .rows(&sql, chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?
            {
                out.entry(r.try_get(0)?).or_default().push(OwnerRef {
                    name: r.try_get(1)?,
                    owner_type: r.try_get(2)?,
                });
            }
        }
        // Owners set by hand replace what producers say.
        for (id, c) in self.curations(ids).await? {
            if let Some(owners) = super::owners::curated_owners(&c) {
                out.insert(id, owners);
            }
        }
        Ok(out)
    }

    /// Each dataset's tier, from a dataset-level tag: `tier` with a value (`gold`) or a
    /// key under `tier.` (`tier.gold`). A tier set by hand wins over a producer's.
    pub async fn dataset_tiers(&self, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT dataset_id, key, value FROM tags WHERE column_name = '' \
                 AND (LOWER(key) = 'tier' OR LOWER(key) LIKE 'tier.%') AND dataset_id IN {} \
                 ORDER BY CASE WHEN origin = 'manual' THEN 1 ELSE 0 END",
                in_list(self.backend(), 0, chunk.len())
            );
            for r in self
                .rows(&sql, chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?
            {
                let key: String = r.try_get(1)?;
                let value: Option<String> = r.try_get(2)?;
                if let Some(tier) = tier_of(&key, value.as_deref()) {
                    out.insert(r.try_get(0)?, tier);
                }
            }
        }
        Ok(out)
    }
}

/// The tier a dataset-level tag states: `tier` with a value (`gold`) or a key under
/// `tier.` (`tier.gold`); `None` for any other tag.
pub(crate) fn tier_of(key: &str, value: Option<&str>) -> Option<String> {
    let key = key.to_lowercase();
    let tier = match key.strip_prefix("tier.") {
        Some(rest) => rest.to_owned(),
        None if key == "tier" => value.unwrap_or_default().to_lowercase(),
        None => return None,
    };
    (!tier.is_empty()).then_some(tier)
}

/// Whether `who` is one of `owners`: equal to an owner's name, or to its part after the
/// `type:` prefix (`alice` owns as `user:alice`). Case-insensitive, as owner names come
/// from many producers.
pub fn is_owner(owners: &[OwnerRef], who: &str) -> bool {
    let who = who.trim().to_lowercase();
    owners.iter().any(|o| {
        let name = o.name.to_lowercase();
        name == who || name.split_once(':').is_some_and(|(_, rest)| rest == who)
    })
}
