//! The lineage paths from one column to another.

use weft_store::Store;
use weft_views::graph::GraphHandle;

use crate::error::{QueryError, Result};
use crate::node::{Edge, column_of};
use crate::traverse::MAX_TRAVERSAL_DEPTH;

/// Most paths listed.
const MAX_PATHS: usize = 100;

/// Which paths: between two columns (`datasetField:NS:NAME:FIELD`, both required).
#[derive(Debug, Clone, Default)]
pub struct PathRequest {
    /// The upstream column.
    pub from: Option<String>,
    /// The downstream column.
    pub to: Option<String>,
    /// Only direct (value-carrying) edges; default false.
    pub direct_only: Option<bool>,
    /// Most hops (default 20, at most 50).
    pub max_depth: Option<u32>,
    /// Paths listed (default 10, at most 100).
    pub limit: Option<usize>,
}

/// The paths found and how many there are.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPaths {
    /// The first `limit` paths, each its edges upstream first.
    pub paths: Vec<Vec<Edge>>,
    /// Paths in all.
    pub total: u64,
}

/// The paths from `p.from` to `p.to`.
pub async fn paths(store: &Store, graph: &GraphHandle, p: &PathRequest) -> Result<ColumnPaths> {
    let (found, jobs) = {
        let cat = graph.read()?;
        let from = column_of(&cat, "from", p.from.as_deref())?;
        let to = column_of(&cat, "to", p.to.as_deref())?;
        let found = cat
            .graph
            .column_paths(
                &from,
                &to,
                p.direct_only.unwrap_or(false),
                p.max_depth.unwrap_or(20).min(MAX_TRAVERSAL_DEPTH),
                p.limit.unwrap_or(10).min(MAX_PATHS),
            )
            .map_err(QueryError::graph)?;
        let jobs: Vec<i64> = found.paths.iter().flatten().filter_map(|e| e.job).collect();
        (found, jobs)
    };
    let jobs = store.job_names(&jobs).await?;
    let cat = graph.read()?;
    Ok(ColumnPaths {
        paths: found
            .paths
            .iter()
            .map(|path| path.iter().map(|e| Edge::of(&cat, e, &jobs)).collect())
            .collect(),
        total: found.total,
    })
}
