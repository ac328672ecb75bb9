//! Personal data: a namespace's PII report, and the graph's tags on a dataset's fields.

use std::collections::HashSet;

use weft_lineage::graph::{ColumnRef, TagStatus};
use weft_store::Store;
use weft_views::graph::GraphHandle;

use crate::error::{QueryError, Result};
use crate::node::ColumnName;
use crate::tags::{TagInfo, tags_on};

/// A PII tag at a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiColumn {
    /// The column.
    pub column: ColumnName,
    /// The tag.
    pub tag: TagInfo,
    /// Whether the column is in the dataset's current schema.
    pub current: bool,
}

/// Every column of a namespace's datasets holding personal data (a propagating tag or
/// its pseudonymised form), grouped by the tag's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiReport {
    /// The namespace.
    pub namespace: String,
    /// Columns with a PII tag that is not rejected.
    pub columns_with_pii: usize,
    /// Confirmed tags.
    pub confirmed: Vec<PiiColumn>,
    /// Tags awaiting review.
    pub proposed: Vec<PiiColumn>,
    /// Rejected tags.
    pub rejected: Vec<PiiColumn>,
}

/// The PII report of namespace `ns`.
pub async fn report(store: &Store, graph: &GraphHandle, ns: &str) -> Result<PiiReport> {
    if store.get_namespace(ns).await?.is_none() {
        return Err(QueryError::NotFound(format!("namespace {ns} not found")));
    }
    let cat = graph.read()?;
    let mut out = PiiReport {
        namespace: ns.to_owned(),
        columns_with_pii: 0,
        confirmed: Vec::new(),
        proposed: Vec::new(),
        rejected: Vec::new(),
    };
    let mut columns_with_pii: HashSet<(i64, String)> = HashSet::new();
    for d in cat.datasets_in(ns) {
        let current: HashSet<&str> = cat
            .current_columns(d)
            .iter()
            .map(|(c, _)| c.as_str())
            .collect();
        for col in cat.graph.columns_of(d) {
            let c = ColumnRef::new(d, &col);
            for t in tags_on(&cat, &c) {
                if !cat.is_pii(&t.tag) {
                    continue;
                }
                if t.status != TagStatus::Rejected {
                    columns_with_pii.insert((d, col.to_string()));
                }
                let list = match t.status {
                    TagStatus::Confirmed => &mut out.confirmed,
                    TagStatus::Proposed => &mut out.proposed,
                    TagStatus::Rejected => &mut out.rejected,
                };
                list.push(PiiColumn {
                    column: ColumnName::of(&cat, &c),
                    tag: t,
                    current: current.contains(&*col),
                });
            }
        }
    }
    out.columns_with_pii = columns_with_pii.len();
    Ok(out)
}

/// The graph's tags (rejected ones included) on each of `fields` of dataset
/// `namespace`:`name`, in the order given; none while the graph loads or when it does
/// not know the dataset, so a dataset read still answers with its stored tags.
pub fn field_tags(
    graph: &GraphHandle,
    namespace: &str,
    name: &str,
    fields: &[&str],
) -> Option<Vec<Vec<TagInfo>>> {
    let cat = graph.read().ok()?;
    let id = cat.dataset_id(namespace, name)?;
    Some(
        fields
            .iter()
            .map(|f| tags_on(&cat, &ColumnRef::new(id, f)))
            .collect(),
    )
}
