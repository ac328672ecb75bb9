//! What policies see of a dataset, read in batches: the continuous evaluation builds
//! each dataset's policy input from these records (plus the lineage graph's tags and
//! neighbours, which live in memory, not here).
//!
//! Every field follows the same overlay rules as the other reads: curated descriptions,
//! owners, classification and retention win over what producers state
//! (`store/src/owners.rs`, `store/src/edits.rs`), a tier set by hand over a producer's.
//! One call answers a list of datasets with a handful of `IN (…)` statements per 500
//! ids, so a full evaluation of 100,000 datasets costs a few thousand statements.

use std::collections::HashMap;

use crate::lookup::OwnerRef;
use crate::{Store, StoreError};

/// A dataset as policies see it, before the lineage graph adds tags and neighbours.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySubject {
    /// Store id.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Description (curated, else the producer's).
    pub description: Option<String>,
    /// Tier (`gold`).
    pub tier: Option<String>,
    /// Classification (curated, else the producer's `weft_governance` facet:
    /// `store/src/governance.rs`).
    pub classification: Option<String>,
    /// Retention as stored (`P30D`, `none`).
    pub retention: Option<String>,
    /// Owners (curated, else the producer's).
    pub owners: Vec<OwnerRef>,
    /// When the catalog first saw it (µs).
    pub created_at: i64,
    /// Marked deprecated by a person.
    pub deprecated: bool,
    /// The source dropped it (lifecycle `DROP`).
    pub dropped: bool,
    /// Current columns, in schema order.
    pub columns: Vec<SubjectColumn>,
    /// Reads in the last 30 days.
    pub queries_30d: u64,
    /// Distinct users in the last 30 days.
    pub users_30d: u64,
    /// The last day (`YYYY-MM-DD`) with a read in the last 30 days.
    pub last_read: Option<String>,
}

/// A current column as policies see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectColumn {
    /// Name (dotted for nested fields).
    pub name: String,
    /// Type as the producer names it.
    pub data_type: Option<String>,
    /// Description (curated, else the producer's).
    pub description: Option<String>,
}

/// The neighbour of a dataset as policies see it: who and how governed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourSubject {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Option<String>,
    /// Classification.
    pub classification: Option<String>,
    /// Owners.
    pub owners: Vec<OwnerRef>,
}

impl Store {
    /// The policy subjects of the datasets found among `ids`, with usage counted up to
    /// `today`.
    pub async fn policy_subjects(
        &self,
        ids: &[i64],
        today: chrono::NaiveDate,
    ) -> Result<HashMap<i64, PolicySubject>, StoreError> {
        let datasets = self.datasets_by_ids(ids).await?;
        let ids: Vec<i64> = datasets.keys().copied().collect();
        let mut columns = self.columns_of(&ids).await?;
        let curated = self.curations(&ids).await?;
        let mut owners = self.dataset_owners(&ids).await?;
        let mut tiers = self.dataset_tiers(&ids).await?;
        let mut governance = self.dataset_governance(&ids).await?;
        let since = (today - chrono::Duration::days(29))
            .format("%Y-%m-%d")
            .to_string();
        let mut usage = self.usage_totals(&ids, &since, today, 14.0).await?;
        let mut out = HashMap::with_capacity(datasets.len());
        for (id, d) in datasets {
            let c = curated.get(&id);
            let description = c
                .and_then(|c| c.description(""))
                .map(str::to_owned)
                .or(d.description);
            let columns = columns
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|col| SubjectColumn {
                    description: c
                        .and_then(|c| c.description(&col.name))
                        .map(str::to_owned)
                        .or(col.description),
                    name: col.name,
                    data_type: col.data_type,
                })
                .collect();
            let g = governance.remove(&id).unwrap_or_default();
            let u = usage.remove(&id).unwrap_or_default();
            out.insert(
                id,
                PolicySubject {
                    id,
                    namespace: d.namespace,
                    name: d.name,
                    description,
                    tier: tiers.remove(&id),
                    classification: g.classification,
                    retention: g.retention,
                    owners: owners.remove(&id).unwrap_or_default(),
                    created_at: d.created_at,
                    deprecated: c.is_some_and(|c| c.deprecation().is_some()),
                    dropped: d.lifecycle.as_deref() == Some("DROP"),
                    columns,
                    queries_30d: u64::try_from(u.reads).unwrap_or(0),
                    users_30d: u64::try_from(u.users).unwrap_or(0),
                    last_read: u.last_read,
                },
            );
        }
        Ok(out)
    }

    /// The neighbour records of the datasets found among `ids`.
    pub async fn policy_neighbours(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, NeighbourSubject>, StoreError> {
        let datasets = self.datasets_by_ids(ids).await?;
        let ids: Vec<i64> = datasets.keys().copied().collect();
        let mut owners = self.dataset_owners(&ids).await?;
        let mut tiers = self.dataset_tiers(&ids).await?;
        let mut governance = self.dataset_governance(&ids).await?;
        Ok(datasets
            .into_iter()
            .map(|(id, d)| {
                let g = governance.remove(&id).unwrap_or_default();
                (
                    id,
                    NeighbourSubject {
                        namespace: d.namespace,
                        name: d.name,
                        tier: tiers.remove(&id),
                        classification: g.classification,
                        owners: owners.remove(&id).unwrap_or_default(),
                    },
                )
            })
            .collect())
    }
}
