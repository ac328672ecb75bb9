//! Lineage subgraphs, impact and paths between columns: the query layer's walks,
//! wrapped as object types.

use weft_query::paths::PathRequest;
use weft_query::traverse::{NodeKind, TraverseRequest};

use super::*;

/// A lineage subgraph.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct LineageGraph {
    /// `upstream` or `downstream`.
    pub direction: String,
    /// Datasets and columns reached, with their depth.
    pub nodes: Vec<LineageNode>,
    /// Edges between them.
    pub edges: Vec<LineageEdge>,
    /// Whether a node or child cap cut the traversal.
    pub truncated: bool,
}

impl LineageGraph {
    pub(crate) fn merge(&mut self, other: LineageGraph) {
        let mut seen: std::collections::HashSet<String> =
            self.nodes.iter().map(|n| n.id.clone()).collect();
        for n in other.nodes {
            if seen.insert(n.id.clone()) {
                self.nodes.push(n);
            }
        }
        let mut edges: std::collections::HashSet<(String, String, String)> = self
            .edges
            .iter()
            .map(|e| (e.src.clone(), e.dst.clone(), e.origin.clone()))
            .collect();
        for e in other.edges {
            if edges.insert((e.src.clone(), e.dst.clone(), e.origin.clone())) {
                self.edges.push(e);
            }
        }
        self.truncated |= other.truncated;
    }
}

/// A node of a lineage subgraph.
#[derive(SimpleObject, Debug, Clone)]
pub struct LineageNode {
    /// `dataset:…` or `datasetField:…`.
    pub id: String,
    /// `DATASET` or `DATASET_FIELD`.
    #[graphql(name = "type")]
    pub kind: String,
    /// The namespace of the dataset (or of the column's dataset).
    pub namespace: Option<String>,
    /// Dataset name.
    pub name: Option<String>,
    /// Column, for a column node.
    pub field: Option<String>,
    /// Hops from the start.
    pub depth: i64,
    /// Its usage figure, which decides which children a `maxChildren` cap keeps (the
    /// highest first): for a dataset, how many jobs read it; 0 for a column.
    pub usage: i64,
    /// For a dataset node, whether any column lineage reaches it; null for a column node.
    pub has_column_lineage: Option<bool>,
    /// Children left out by the per-node cap (`maxChildren`), the least used ones.
    pub hidden_children: i64,
}

/// An edge of a lineage subgraph.
#[derive(SimpleObject, Debug, Clone)]
pub struct LineageEdge {
    /// Upstream node id.
    pub src: String,
    /// Downstream node id.
    pub dst: String,
    /// `column`, `columnToDataset` or `dataset`. A `columnToDataset` edge is a column
    /// the whole downstream dataset uses (a filter, a join key, an indirect use stated
    /// for every field); upstream of a column it ends at that column, since it is one
    /// of the column's inputs too.
    pub level: String,
    /// `openlineage`, `sql`, `manual`…
    pub origin: String,
    /// The job that makes it.
    pub job: Option<JobRef>,
    /// OpenLineage transformations.
    pub transformations: Vec<Transformation>,
    /// Column edges behind a dataset edge.
    pub supporting_edges: i64,
    /// Whether no producer stated it lately.
    pub stale: bool,
}

/// An OpenLineage column transformation.
#[derive(SimpleObject, Debug, Clone)]
pub struct Transformation {
    /// `DIRECT` or `INDIRECT`.
    #[graphql(name = "type")]
    pub kind: String,
    /// `IDENTITY`, `AGGREGATION`, `FILTER`, …
    pub subtype: String,
    /// Free text.
    pub description: Option<String>,
    /// Whether it masks the value.
    pub masking: bool,
}

/// Everything downstream of a node, as computed.
#[derive(Debug, Clone)]
pub struct Impact {
    node: String,
    datasets: Vec<ImpactedDataset>,
    columns: Vec<ColumnName>,
}

/// Everything downstream of a node: who to tell before changing it.
#[Object]
impl Impact {
    /// The start.
    async fn node(&self) -> &str {
        &self.node
    }

    /// Downstream datasets with owners and tier.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<ImpactedDataset>> {
        page_slice(ctx, &self.datasets, first, after)
    }

    /// Downstream columns.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn columns(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<ColumnName>> {
        page_slice(ctx, &self.columns, first, after)
    }
}

/// One page of a list already in memory.
fn page_slice<T: OutputType + Clone>(
    ctx: &Context<'_>,
    all: &[T],
    first: Option<i32>,
    after: Option<String>,
) -> Result<Page<T>> {
    let (offset, limit) = page_args(ctx, first, after)?;
    let items = all.iter().skip(offset).take(limit).cloned().collect();
    Ok(page_of(items, offset, all.len() as i64))
}

/// A downstream dataset.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImpactedDataset {
    /// Node id.
    pub id: String,
    /// The dataset's namespace.
    pub namespace: Option<String>,
    /// The dataset's name within its namespace.
    pub name: Option<String>,
    /// Who owns the dataset: those to tell before the change ships.
    pub owners: Vec<Owner>,
    /// The dataset's tier (`gold`…), to weigh the impact.
    pub tier: Option<String>,
}

/// A column by name.
#[derive(SimpleObject, Debug, Clone)]
pub struct ColumnName {
    /// Node id.
    pub id: String,
    /// The namespace of the column's dataset.
    pub namespace: String,
    /// The name of the column's dataset.
    pub dataset: String,
    /// The column's name.
    pub field: String,
}

/// Largest `maxChildren` accepted (the node cap bounds a traversal anyway).
const MAX_CHILDREN: i32 = 10_000;

/// A traversal's `maxChildren` argument: `None` keeps the default cap.
pub(crate) fn children_cap(arg: Option<i32>) -> Result<Option<usize>> {
    match arg {
        None => Ok(None),
        Some(n) if (1..=MAX_CHILDREN).contains(&n) => Ok(Some(n as usize)),
        Some(_) => Err(bad_input(
            "maxChildren",
            format!("maxChildren must be between 1 and {MAX_CHILDREN}"),
        )),
    }
}

/// The walk from `node` (`dataset:…` or `datasetField:…`), `depth` levels (0 to 50)
/// in `direction`, keeping at most `max_children` children per node.
pub(crate) async fn traverse(
    ctx: &Context<'_>,
    node: String,
    depth: i32,
    direction: Direction,
    max_children: Option<usize>,
) -> Result<LineageGraph> {
    if !(0..=50).contains(&depth) {
        return Err(bad_input("depth", "depth must be between 0 and 50"));
    }
    let request = TraverseRequest {
        node_id: Some(node),
        depth: Some(depth as u32),
        max_children,
        ..TraverseRequest::default()
    };
    let s = state(ctx);
    let t = weft_query::traverse::traverse(&s.store, &s.graph, &request, direction)
        .await
        .map_err(query_error)?;
    Ok(LineageGraph {
        direction: if t.direction == Direction::Upstream {
            "upstream"
        } else {
            "downstream"
        }
        .to_owned(),
        nodes: t.nodes.into_iter().map(LineageNode::from).collect(),
        edges: t.edges.iter().map(LineageEdge::from).collect(),
        truncated: t.truncated,
    })
}

impl From<weft_query::traverse::LineageNode> for LineageNode {
    fn from(n: weft_query::traverse::LineageNode) -> LineageNode {
        LineageNode {
            id: n.id,
            kind: match n.kind {
                NodeKind::Dataset => "DATASET",
                NodeKind::DatasetField => "DATASET_FIELD",
            }
            .to_owned(),
            namespace: n.namespace,
            name: n.dataset,
            field: n.field,
            depth: i64::from(n.depth),
            usage: i64::try_from(n.usage).unwrap_or(i64::MAX),
            has_column_lineage: n.has_column_lineage,
            hidden_children: i64::from(n.hidden_children),
        }
    }
}

impl From<&weft_query::node::Edge> for LineageEdge {
    fn from(e: &weft_query::node::Edge) -> LineageEdge {
        LineageEdge {
            src: e.src.clone(),
            dst: e.dst.clone(),
            level: weft_query::node::level_name(e.level).to_owned(),
            origin: e.origin.as_str().to_owned(),
            job: e.job.clone().map(JobRef::from),
            transformations: e
                .transformations
                .iter()
                .map(|t| Transformation {
                    kind: t.kind.as_str().to_owned(),
                    subtype: t.subtype.as_str().to_owned(),
                    description: t.description.clone(),
                    masking: t.masking,
                })
                .collect(),
            supporting_edges: i64::from(e.supporting_edges),
            stale: e.stale,
        }
    }
}

/// The lineage paths from one column to another.
#[derive(SimpleObject, Debug, Clone)]
pub struct ColumnPaths {
    /// How many paths there are in all (paths round a cycle are not counted), at most
    /// 2,147,483,647: path counts multiply quickly through shared columns.
    pub total: i64,
    /// The first `limit` of them.
    pub paths: Vec<ColumnPath>,
}

/// One lineage path between two columns.
#[derive(SimpleObject, Debug, Clone)]
pub struct ColumnPath {
    /// Its column edges, upstream first: the first starts at `from`, the last ends at `to`.
    pub edges: Vec<LineageEdge>,
}

/// The paths from column `from` to column `to` (`datasetField:NS:NAME:FIELD`), as
/// `GET /api/v1/graph/paths` finds them.
pub(crate) async fn column_paths(
    ctx: &Context<'_>,
    from: String,
    to: String,
    limit: i32,
    max_depth: i32,
) -> Result<ColumnPaths> {
    if !(0..=100).contains(&limit) {
        return Err(bad_input("limit", "limit must be between 0 and 100"));
    }
    if !(1..=50).contains(&max_depth) {
        return Err(bad_input("maxDepth", "maxDepth must be between 1 and 50"));
    }
    let request = PathRequest {
        from: Some(from),
        to: Some(to),
        max_depth: Some(max_depth as u32),
        limit: Some(limit as usize),
        ..PathRequest::default()
    };
    let s = state(ctx);
    let found = weft_query::paths::paths(&s.store, &s.graph, &request)
        .await
        .map_err(query_error)?;
    Ok(ColumnPaths {
        total: found.total.min(i32::MAX as u64) as i64,
        paths: found
            .paths
            .iter()
            .map(|p| ColumnPath {
                edges: p.iter().map(LineageEdge::from).collect(),
            })
            .collect(),
    })
}

/// Everything downstream of `node` (`dataset:…` or `datasetField:…`).
pub(crate) async fn impact_of(ctx: &Context<'_>, node: &str) -> Result<Impact> {
    let s = state(ctx);
    let i = weft_query::impact::impact(&s.store, &s.graph, Some(node))
        .await
        .map_err(query_error)?;
    Ok(Impact {
        node: i.node,
        datasets: i
            .datasets
            .into_iter()
            .map(|d| ImpactedDataset {
                id: d.id,
                namespace: d.namespace,
                name: d.name,
                owners: d.owners.into_iter().map(Owner::from).collect(),
                tier: d.tier,
            })
            .collect(),
        columns: i.columns.into_iter().map(ColumnName::from).collect(),
    })
}

impl From<weft_query::node::ColumnName> for ColumnName {
    fn from(c: weft_query::node::ColumnName) -> ColumnName {
        ColumnName {
            id: c.id,
            namespace: c.namespace,
            dataset: c.dataset,
            field: c.field,
        }
    }
}
