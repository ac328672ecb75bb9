//! What a change does to one dataset's columns, and who reads what it changes.
//!
//! Compared per column, before against after: a column gone is *removed*, unless a new
//! column reads the same inputs the same way (then it is *renamed*); a known type that
//! differs is a *type change*; an input read directly before and only through an
//! aggregate after, or masked before and not after, is an *edge change*; an input not
//! read before is a *new input*.
//!
//! Consumers of a changed column come from the catalog's column edges: every dataset
//! reading the column (one hop, any edge: a join key breaks as surely as a copied
//! value), then onwards through DIRECT edges only (a value computed from the column
//! changes with it; a filter downstream of that does not), up to [`MAX_DEPTH`] hops.
//! A consumer that is itself a model of the new manifest whose new SQL no longer reads
//! the column is left out: the pull request already moved it off.

use std::collections::{HashSet, VecDeque};

use weft_lineage::{Subtype, Transformation, TransformationType};
use weft_policy::input::{ChangeInput, ColumnChange, ConsumerInput, EdgeChange, OwnerInput};

use crate::catalog::Catalog;
use crate::derive::stored_transformations;
use crate::model::{ColumnState, DatasetKey, InputState, ModelState};
use crate::snapshot::DatasetRecord;

/// How far consumers are followed through DIRECT edges.
pub const MAX_DEPTH: usize = 5;

/// Whether a consumer model still reads a column after the change: `Some(false)` drops
/// the consumer, `None` means the consumer is not a model of the new manifest.
pub type StillReads<'a> = dyn FnMut(i64, &DatasetKey, &str) -> Option<bool> + 'a;

/// The change between `before` (`None`: new) and `after`, without PII flows (see
/// [`crate::pii`]).
pub fn diff(
    catalog: &Catalog,
    key: &DatasetKey,
    before: Option<&ModelState>,
    after: &ModelState,
    still_reads: &mut StillReads<'_>,
) -> ChangeInput {
    let Some(before) = before else {
        let mut new_inputs: Vec<String> = after
            .columns
            .iter()
            .flat_map(|c| c.inputs.iter().map(InputState::label))
            .collect();
        new_inputs.sort();
        new_inputs.dedup();
        return ChangeInput {
            status: "added".to_owned(),
            new_inputs,
            ..ChangeInput::default()
        };
    };
    let mut change = ChangeInput {
        status: "modified".to_owned(),
        ..ChangeInput::default()
    };
    let added: Vec<&ColumnState> = after
        .columns
        .iter()
        .filter(|c| before.column(&c.name).is_none())
        .collect();
    let mut used = HashSet::new();
    for old in &before.columns {
        match after.column(&old.name) {
            Some(new) => {
                if let (Some(a), Some(b)) = (&old.data_type, &new.data_type)
                    && !same_type(a, b)
                {
                    change.type_changes.push(ColumnChange {
                        column: old.name.clone(),
                        old_type: Some(a.clone()),
                        new_type: Some(b.clone()),
                        consumers: consumers(catalog, key, &old.name, still_reads),
                        ..ColumnChange::default()
                    });
                }
                edge_changes(old, new, &mut change.edge_changes);
            }
            None => {
                let renamed = added
                    .iter()
                    .find(|a| !used.contains(&a.name) && same_reading(old, a));
                let consumers = consumers(catalog, key, &old.name, still_reads);
                match renamed {
                    Some(a) => {
                        used.insert(a.name.clone());
                        change.renamed_columns.push(ColumnChange {
                            column: old.name.clone(),
                            new_name: Some(a.name.clone()),
                            old_type: old.data_type.clone(),
                            new_type: a.data_type.clone(),
                            consumers,
                        });
                    }
                    None => change.removed_columns.push(ColumnChange {
                        column: old.name.clone(),
                        old_type: old.data_type.clone(),
                        consumers,
                        ..ColumnChange::default()
                    }),
                }
            }
        }
    }
    let read_before: Vec<&InputState> = before.columns.iter().flat_map(|c| &c.inputs).collect();
    let mut new_inputs: Vec<String> = after
        .columns
        .iter()
        .flat_map(|c| &c.inputs)
        .filter(|i| !read_before.iter().any(|b| b.same_column(i)))
        .map(InputState::label)
        .collect();
    new_inputs.sort();
    new_inputs.dedup();
    change.new_inputs = new_inputs;
    change
}

/// Types compared as warehouses print them: case and spacing aside.
fn same_type(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Whether two columns read the same inputs the same way (a rename keeps both).
fn same_reading(a: &ColumnState, b: &ColumnState) -> bool {
    if a.inputs.is_empty() || a.inputs.len() != b.inputs.len() {
        return false;
    }
    a.inputs.iter().all(|x| {
        b.inputs.iter().any(|y| {
            x.same_column(y) && subtypes(&x.transformations) == subtypes(&y.transformations)
        })
    })
}

fn subtypes(ts: &[Transformation]) -> Vec<(Subtype, bool)> {
    let mut v: Vec<(Subtype, bool)> = ts.iter().map(|t| (t.subtype, t.masking)).collect();
    v.sort();
    v.dedup();
    v
}

/// `DIRECT/IDENTITY`, with ` masking` when the edge masks.
pub fn label(ts: &[Transformation]) -> String {
    if ts.is_empty() {
        return "unknown".to_owned();
    }
    let mut parts: Vec<String> = ts
        .iter()
        .map(|t| {
            let mut s = t.subtype.to_string();
            if t.masking {
                s.push_str(" masking");
            }
            s
        })
        .collect();
    parts.sort();
    parts.dedup();
    parts.join(", ")
}

fn edge_changes(old: &ColumnState, new: &ColumnState, out: &mut Vec<EdgeChange>) {
    for b in &old.inputs {
        let Some(a) = new.inputs.iter().find(|a| a.same_column(b)) else {
            continue;
        };
        let direct =
            |ts: &[Transformation]| ts.iter().any(|t| t.kind == TransformationType::Direct);
        if !direct(&b.transformations) || !direct(&a.transformations) {
            continue;
        }
        let plain = |ts: &[Transformation]| {
            ts.iter()
                .any(|t| matches!(t.subtype, Subtype::Identity | Subtype::Transformation))
        };
        let aggregated =
            |ts: &[Transformation]| ts.iter().any(|t| t.subtype == Subtype::Aggregation);
        let masked = |ts: &[Transformation]| ts.iter().any(|t| t.masking);
        let became_aggregate = plain(&b.transformations)
            && !aggregated(&b.transformations)
            && aggregated(&a.transformations)
            && !plain(&a.transformations);
        let lost_masking = masked(&b.transformations) && !masked(&a.transformations);
        if became_aggregate || lost_masking {
            out.push(EdgeChange {
                column: new.name.clone(),
                input: a.label(),
                before: label(&b.transformations),
                after: label(&a.transformations),
            });
        }
    }
}

/// Owners as the policy input spells them.
pub fn owners_of(d: &DatasetRecord) -> Vec<OwnerInput> {
    d.owners
        .iter()
        .map(|o| OwnerInput {
            name: o.name.clone(),
            r#type: o.owner_type.clone(),
        })
        .collect()
}

/// Who reads `column` of `key` in the catalog (see the module documentation).
pub fn consumers(
    catalog: &Catalog,
    key: &DatasetKey,
    column: &str,
    still_reads: &mut StillReads<'_>,
) -> Vec<ConsumerInput> {
    let mut out = Vec::new();
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    seen.insert((key.id, column.to_lowercase()));
    let mut queue: VecDeque<(i64, String, usize)> = VecDeque::new();
    queue.push_back((key.id, column.to_owned(), 0));
    while let Some((dataset, col, depth)) = queue.pop_front() {
        for e in catalog.edges_from(dataset) {
            if !e.src_column.eq_ignore_ascii_case(&col) || e.dst_dataset == key.id {
                continue;
            }
            if !seen.insert((e.dst_dataset, e.dst_column.to_lowercase())) {
                continue;
            }
            if depth == 0 && still_reads(e.dst_dataset, key, &col) == Some(false) {
                continue;
            }
            let Some(d) = catalog.dataset(e.dst_dataset) else {
                continue;
            };
            out.push(ConsumerInput {
                dataset: format!("{}/{}", d.namespace, d.name),
                column: e.dst_column.clone(),
                tier: d.tier.clone(),
                owners: owners_of(d),
            });
            // No transformation information counts as direct, as propagation treats it.
            let ts = stored_transformations(&e.transformations);
            let direct = ts.is_empty() || ts.iter().any(|t| t.kind == TransformationType::Direct);
            if direct && !e.dst_column.is_empty() && depth + 1 < MAX_DEPTH {
                queue.push_back((e.dst_dataset, e.dst_column.clone(), depth + 1));
            }
        }
    }
    out
}
