//! The policy input of a dataset as the pull request would leave it: the snapshot's
//! record, a model's `meta` over it, columns from the derived SQL, and tags from the
//! changed lineage graph.
//!
//! A snapshot carries no usage, so `usage` is zero; neighbours are the datasets one
//! column edge away (the derived inputs for a changed model).

use std::collections::BTreeSet;

use weft_lineage::graph::{ColumnRef, TagStatus};
use weft_policy::input::{
    ColumnInput, DatasetInput, NeighbourInput, OwnerInput, TagInput, UsageInput,
};

use crate::catalog::Catalog;
use crate::diff::owners_of;
use crate::model::{DatasetKey, Subject};
use crate::pii::{PiiGraph, is_pii, is_pseudonymised};

/// Days of an ISO 8601 duration (`P30D`, `P2W`, `P6M`, `P1Y`, `P1Y6M`): years are 365
/// days, months 30. `None` for `none` (kept forever) and for anything unreadable.
pub fn retention_days(retention: &str) -> Option<u64> {
    let rest = retention.trim().strip_prefix(['P', 'p'])?;
    if rest.is_empty() {
        return None;
    }
    let mut days = 0u64;
    let mut number = String::new();
    for ch in rest.chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        days += n * match ch.to_ascii_uppercase() {
            'D' => 1,
            'W' => 7,
            'M' => 30,
            'Y' => 365,
            _ => return None,
        };
    }
    number.is_empty().then_some(days)
}

/// The column tags the changed graph gives a column, rejected ones left out.
pub fn column_tags(pii: &PiiGraph, catalog: &Catalog, dataset: i64, column: &str) -> Vec<TagInput> {
    let column_ref = ColumnRef::new(dataset, column);
    let Ok(tags) = pii.graph.tags_of(&column_ref) else {
        return Vec::new();
    };
    tags.into_iter()
        .filter(|t| t.status != TagStatus::Rejected)
        .map(|t| TagInput {
            key: t.tag.to_string(),
            status: match t.status {
                TagStatus::Confirmed => "confirmed",
                _ => "proposed",
            }
            .to_owned(),
            pii: is_pii(pii.rules(), &t.tag),
            pseudonymised: is_pseudonymised(pii.rules(), &t.tag),
            propagated: t.propagated,
            declared: t.declared,
            manual: t.manual,
            detected_by: t.detected_by.as_deref().map(str::to_owned),
            path: if t.propagated {
                pii.path(catalog, &column_ref, &t.tag)
            } else {
                Vec::new()
            },
        })
        .collect()
}

fn neighbour(catalog: &Catalog, pii: &PiiGraph, id: i64) -> NeighbourInput {
    match catalog.dataset(id) {
        Some(d) => NeighbourInput {
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            tier: d.tier.clone(),
            classification: d.classification.clone(),
            owners: owners_of(d),
        },
        None => {
            let name = pii.name_of(catalog, id);
            let (namespace, name) = name.split_once('/').unwrap_or(("", &name));
            NeighbourInput {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                ..NeighbourInput::default()
            }
        }
    }
}

/// The policy input's dataset part for `key`, with `subject`'s model and SQL when it is
/// a changed one.
pub fn dataset_input(
    catalog: &Catalog,
    pii: &PiiGraph,
    key: &DatasetKey,
    subject: Option<&Subject>,
) -> DatasetInput {
    let record = catalog.dataset(key.id);
    let meta = subject.map(|s| &s.meta);
    let owners: Vec<OwnerInput> = match meta.and_then(|m| m.owners.as_ref()) {
        Some(names) => names
            .iter()
            .map(|n| OwnerInput {
                name: n.clone(),
                r#type: None,
            })
            .collect(),
        None => record.map(owners_of).unwrap_or_default(),
    };
    let retention = meta
        .and_then(|m| m.retention.clone())
        .or_else(|| record.and_then(|r| r.retention.clone()));
    let mut columns = Vec::new();
    match subject.and_then(|s| s.after.as_ref()) {
        Some(after) => {
            for c in &after.columns {
                let description = subject
                    .and_then(|s| s.descriptions.get(&c.name.to_lowercase()).cloned())
                    .or_else(|| {
                        record.and_then(|r| {
                            r.columns
                                .iter()
                                .find(|rc| rc.name.eq_ignore_ascii_case(&c.name))
                                .and_then(|rc| rc.description.clone())
                        })
                    });
                columns.push(ColumnInput {
                    name: c.name.clone(),
                    r#type: c.data_type.clone(),
                    description,
                    tags: column_tags(pii, catalog, key.id, &c.name),
                });
            }
        }
        None => {
            for c in record.map(|r| r.columns.as_slice()).unwrap_or_default() {
                columns.push(ColumnInput {
                    name: c.name.clone(),
                    r#type: c.data_type.clone(),
                    description: c.description.clone(),
                    tags: column_tags(pii, catalog, key.id, &c.name),
                });
            }
        }
    }
    let mut upstream: BTreeSet<i64> = BTreeSet::new();
    match subject.and_then(|s| s.after.as_ref()) {
        Some(after) => {
            for i in after.columns.iter().flat_map(|c| &c.inputs) {
                upstream.insert(i.dataset.id);
            }
        }
        None => {
            for e in catalog.edges_into(key.id) {
                upstream.insert(e.src_dataset);
            }
        }
    }
    let mut downstream: BTreeSet<i64> = BTreeSet::new();
    for e in catalog.edges_from(key.id) {
        downstream.insert(e.dst_dataset);
    }
    upstream.remove(&key.id);
    downstream.remove(&key.id);
    DatasetInput {
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        description: record.and_then(|r| r.description.clone()),
        tier: meta
            .and_then(|m| m.tier.clone())
            .or_else(|| record.and_then(|r| r.tier.clone())),
        classification: meta
            .and_then(|m| m.classification.clone())
            .or_else(|| record.and_then(|r| r.classification.clone())),
        retention_days: retention.as_deref().and_then(retention_days),
        retention,
        owners,
        created_at: record.and_then(|r| r.created_at.clone()),
        deprecated: record.is_some_and(|r| r.deprecated),
        columns,
        usage: UsageInput::default(),
        upstream: upstream
            .iter()
            .map(|&id| neighbour(catalog, pii, id))
            .collect(),
        downstream: downstream
            .iter()
            .map(|&id| neighbour(catalog, pii, id))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::retention_days;

    #[test]
    fn retention_durations() {
        assert_eq!(retention_days("P30D"), Some(30));
        assert_eq!(retention_days("P2W"), Some(14));
        assert_eq!(retention_days("P6M"), Some(180));
        assert_eq!(retention_days("P1Y"), Some(365));
        assert_eq!(retention_days("P1Y6M"), Some(545));
        assert_eq!(retention_days("none"), None);
        assert_eq!(retention_days("P"), None);
        assert_eq!(retention_days("P3X"), None);
        assert_eq!(retention_days("P3"), None);
    }
}
