//! Upstream and downstream walks from a dataset or a column.

use weft_lineage::graph::{Direction, NodeRef, TraversalOptions};
use weft_store::Store;
use weft_views::graph::GraphHandle;

use crate::error::{QueryError, Result};
use crate::node::{ColumnName, Edge, node_id, resolve};

/// Deepest walk asked for; deeper requests are cut to it.
pub const MAX_TRAVERSAL_DEPTH: u32 = 50;
/// Most nodes a walk may be asked to reach.
const MAX_NODES: usize = 100_000;

/// What to walk: the start (a Marquez node id) and the options, each defaulting to the
/// graph's own default when absent.
#[derive(Debug, Clone, Default)]
pub struct TraverseRequest {
    /// `dataset:NS:NAME` or `datasetField:NS:NAME:FIELD`; required.
    pub node_id: Option<String>,
    /// Levels to follow (at most [`MAX_TRAVERSAL_DEPTH`]).
    pub depth: Option<u32>,
    /// Only direct (value-carrying) edges.
    pub direct_only: Option<bool>,
    /// Follow edges no producer stated lately.
    pub include_stale: Option<bool>,
    /// Node cap (1 to 100,000).
    pub max_nodes: Option<usize>,
    /// Children kept per node, the most used first (at least 1).
    pub max_children: Option<usize>,
}

/// What a node of a walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A dataset.
    Dataset,
    /// A column.
    DatasetField,
}

/// A node a walk reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageNode {
    /// Its Marquez id.
    pub id: String,
    /// Dataset or column.
    pub kind: NodeKind,
    /// Namespace (for a dataset the catalog cannot name, none).
    pub namespace: Option<String>,
    /// The dataset's name, or the column's dataset.
    pub dataset: Option<String>,
    /// The column, for a column node.
    pub field: Option<String>,
    /// Hops from the start.
    pub depth: u32,
    /// Its usage figure (how many jobs read a dataset; 0 for a column).
    pub usage: u64,
    /// For a dataset, whether column lineage reaches it; none for a column.
    pub has_column_lineage: Option<bool>,
    /// Children left out by the per-node cap.
    pub hidden_children: u32,
}

/// A walk: the nodes reached, the edges between them, and whether a cap cut it.
#[derive(Debug, Clone, PartialEq)]
pub struct Traversal {
    /// Which way it went.
    pub direction: Direction,
    /// Nodes reached, with their depth.
    pub nodes: Vec<LineageNode>,
    /// Edges between them.
    pub edges: Vec<Edge>,
    /// Whether a node or child cap cut it.
    pub truncated: bool,
}

/// The graph's options for a request: its defaults where the request says nothing,
/// and every limit applied.
fn options(p: &TraverseRequest) -> TraversalOptions {
    let defaults = TraversalOptions::default();
    TraversalOptions {
        depth: p.depth.unwrap_or(defaults.depth).min(MAX_TRAVERSAL_DEPTH),
        direct_only: p.direct_only.unwrap_or(defaults.direct_only),
        include_stale: p.include_stale.unwrap_or(defaults.include_stale),
        max_nodes: p
            .max_nodes
            .unwrap_or(defaults.max_nodes)
            .clamp(1, MAX_NODES),
        max_children: p.max_children.unwrap_or(defaults.max_children).max(1),
    }
}

/// Walks from `p.node_id` in `direction`.
pub async fn traverse(
    store: &Store,
    graph: &GraphHandle,
    p: &TraverseRequest,
    direction: Direction,
) -> Result<Traversal> {
    let options = options(p);
    let (sub, job_ids) = {
        let cat = graph.read()?;
        let start = resolve(&cat, "nodeId", p.node_id.as_deref())?;
        let sub = cat
            .graph
            .traverse(&start, direction, &options)
            .map_err(QueryError::graph)?;
        let jobs: Vec<i64> = sub.edges.iter().filter_map(|e| e.job).collect();
        (sub, jobs)
    };
    // The store is asked without the graph's lock held; names are read after.
    let jobs = store.job_names(&job_ids).await?;
    let cat = graph.read()?;
    let nodes = sub
        .nodes
        .iter()
        .map(|n| {
            let (kind, namespace, dataset, field) = match &n.node {
                NodeRef::Dataset(d) => {
                    let name = cat.dataset_name(*d);
                    (
                        NodeKind::Dataset,
                        name.map(|x| x.namespace.clone()),
                        name.map(|x| x.name.clone()),
                        None,
                    )
                }
                NodeRef::Column(c) => {
                    let c = ColumnName::of(&cat, c);
                    (
                        NodeKind::DatasetField,
                        Some(c.namespace),
                        Some(c.dataset),
                        Some(c.field),
                    )
                }
            };
            LineageNode {
                id: node_id(&cat, &n.node),
                kind,
                namespace,
                dataset,
                field,
                depth: n.depth,
                usage: n.usage,
                has_column_lineage: n.has_column_lineage,
                hidden_children: n.hidden_children,
            }
        })
        .collect();
    let edges = sub.edges.iter().map(|e| Edge::of(&cat, e, &jobs)).collect();
    Ok(Traversal {
        direction,
        nodes,
        edges,
        truncated: sub.truncated,
    })
}
