//! Everything downstream of a node: who to tell before changing it.

use weft_lineage::graph::NodeRef;
use weft_store::Store;
use weft_store::lookup::OwnerRef;
use weft_views::graph::GraphHandle;

use crate::error::{QueryError, Result};
use crate::node::{ColumnName, node_id, resolve};

/// A downstream dataset, with who owns it and its tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactedDataset {
    /// Its Marquez id.
    pub id: String,
    /// Namespace (none when the catalog cannot name it).
    pub namespace: Option<String>,
    /// Name (none when the catalog cannot name it).
    pub name: Option<String>,
    /// Its owners.
    pub owners: Vec<OwnerRef>,
    /// Its tier.
    pub tier: Option<String>,
}

/// Everything downstream of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// The start's Marquez id.
    pub node: String,
    /// Downstream datasets.
    pub datasets: Vec<ImpactedDataset>,
    /// Downstream columns.
    pub columns: Vec<ColumnName>,
}

/// Everything downstream of `node_id` (a Marquez node id; required).
pub async fn impact(
    store: &Store,
    graph: &GraphHandle,
    node_id_raw: Option<&str>,
) -> Result<Impact> {
    let (impact, start) = {
        let cat = graph.read()?;
        let start = resolve(&cat, "nodeId", node_id_raw)?;
        let impact = cat.graph.impact(&start).map_err(QueryError::graph)?;
        (impact, node_id(&cat, &start))
    };
    let owners = store.dataset_owners(&impact.datasets).await?;
    let tiers = store.dataset_tiers(&impact.datasets).await?;
    let cat = graph.read()?;
    let datasets = impact
        .datasets
        .iter()
        .map(|d| {
            let name = cat.dataset_name(*d);
            ImpactedDataset {
                id: node_id(&cat, &NodeRef::Dataset(*d)),
                namespace: name.map(|x| x.namespace.clone()),
                name: name.map(|x| x.name.clone()),
                owners: owners.get(d).cloned().unwrap_or_default(),
                tier: tiers.get(d).cloned(),
            }
        })
        .collect();
    let columns = impact
        .columns
        .iter()
        .map(|c| ColumnName::of(&cat, c))
        .collect();
    Ok(Impact {
        node: start,
        datasets,
        columns,
    })
}
