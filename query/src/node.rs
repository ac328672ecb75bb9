//! Naming graph nodes as Marquez names them (`dataset:NS:NAME`,
//! `datasetField:NS:NAME:FIELD`), resolving those ids back to nodes, and the edges and
//! jobs answers refer to.

use std::collections::HashMap;
use std::sync::Arc;

use weft_lineage::Transformation;
use weft_lineage::graph::{ColumnRef, EdgeLevel, GraphEdge, NodeRef, Origin};
use weft_store::read::NodeId;
use weft_views::graph::GraphCatalog;

use crate::error::{QueryError, Result};

/// Resolves a Marquez node id (the parameter `param`, `raw`) to a graph node.
pub(crate) fn resolve(cat: &GraphCatalog, param: &str, raw: Option<&str>) -> Result<NodeRef> {
    let raw = raw.ok_or_else(|| QueryError::bad(param, format!("{param} is required")))?;
    match NodeId::parse(raw) {
        Some(NodeId::Dataset { namespace, name }) => cat
            .dataset_id(&namespace, &name)
            .map(NodeRef::Dataset)
            .ok_or_else(|| QueryError::NotFound(format!("dataset {namespace}:{name} not found"))),
        Some(NodeId::DatasetField {
            namespace,
            name,
            field,
        }) => {
            let d = cat.dataset_id(&namespace, &name).ok_or_else(|| {
                QueryError::NotFound(format!("dataset {namespace}:{name} not found"))
            })?;
            if !cat.knows_column(d, &field) {
                return Err(QueryError::NotFound(format!(
                    "column {field} of {namespace}:{name} not found"
                )));
            }
            Ok(NodeRef::Column(ColumnRef::new(d, &field)))
        }
        _ => Err(QueryError::bad(
            param,
            format!("{param} {raw:?} is not dataset:NS:NAME or datasetField:NS:NAME:FIELD"),
        )),
    }
}

/// Resolves a Marquez node id that must name a column.
pub(crate) fn column_of(cat: &GraphCatalog, param: &str, raw: Option<&str>) -> Result<ColumnRef> {
    match resolve(cat, param, raw)? {
        NodeRef::Column(c) => Ok(c),
        NodeRef::Dataset(_) => Err(QueryError::bad(
            param,
            format!("{param} must name a column (datasetField:NS:NAME:FIELD)"),
        )),
    }
}

/// A node's Marquez id; a dataset the catalog cannot name is `dataset:#ID`.
pub fn node_id(cat: &GraphCatalog, n: &NodeRef) -> String {
    match n {
        NodeRef::Dataset(d) => match cat.dataset_name(*d) {
            Some(x) => format!("dataset:{}:{}", x.namespace, x.name),
            None => format!("dataset:#{d}"),
        },
        NodeRef::Column(c) => column_id(cat, c),
    }
}

fn column_id(cat: &GraphCatalog, c: &ColumnRef) -> String {
    match cat.dataset_name(c.dataset) {
        Some(x) => format!("datasetField:{}:{}:{}", x.namespace, x.name, c.column),
        None => format!("datasetField:#{}:{}", c.dataset, c.column),
    }
}

/// A column by name: its Marquez id and the names in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    /// `datasetField:NS:NAME:FIELD`.
    pub id: String,
    /// The dataset's namespace (empty when the catalog cannot name the dataset).
    pub namespace: String,
    /// The dataset (empty when the catalog cannot name it).
    pub dataset: String,
    /// The column.
    pub field: String,
}

impl ColumnName {
    /// The names of column `c`.
    pub(crate) fn of(cat: &GraphCatalog, c: &ColumnRef) -> ColumnName {
        let (namespace, dataset) = cat
            .dataset_name(c.dataset)
            .map(|x| (x.namespace.clone(), x.name.clone()))
            .unwrap_or_default();
        ColumnName {
            id: column_id(cat, c),
            namespace,
            dataset,
            field: c.column.to_string(),
        }
    }
}

/// A job by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobName {
    /// The job's namespace.
    pub namespace: String,
    /// The job's name within its namespace.
    pub name: String,
}

/// Job names by id, as the store found them.
pub(crate) type JobNames = HashMap<i64, (String, String)>;

/// The named job `job`, when there is one and the store knows it.
pub(crate) fn job_of(job: Option<i64>, jobs: &JobNames) -> Option<JobName> {
    job.and_then(|j| jobs.get(&j)).map(|(ns, name)| JobName {
        namespace: ns.clone(),
        name: name.clone(),
    })
}

/// An edge of a traversal or a path, its ends named.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Upstream node id.
    pub src: String,
    /// Downstream node id.
    pub dst: String,
    /// Column to column, column to dataset, or dataset to dataset.
    pub level: EdgeLevel,
    /// Who stated it.
    pub origin: Origin,
    /// The job that makes it.
    pub job: Option<JobName>,
    /// Its OpenLineage transformations.
    pub transformations: Arc<[Transformation]>,
    /// Column edges behind a dataset edge.
    pub supporting_edges: u32,
    /// First stated (µs).
    pub first_seen: i64,
    /// Last stated (µs).
    pub last_seen: i64,
    /// Whether no producer stated it lately.
    pub stale: bool,
}

impl Edge {
    /// Edge `e` with its ends and job named.
    pub(crate) fn of(cat: &GraphCatalog, e: &GraphEdge, jobs: &JobNames) -> Edge {
        Edge {
            src: node_id(cat, &e.src),
            dst: node_id(cat, &e.dst),
            level: e.level,
            origin: e.origin,
            job: job_of(e.job, jobs),
            transformations: e.transformations.clone(),
            supporting_edges: e.supporting_edges,
            first_seen: e.first_seen,
            last_seen: e.last_seen,
            stale: e.stale,
        }
    }
}

/// How the APIs spell an edge's level.
pub fn level_name(l: EdgeLevel) -> &'static str {
    match l {
        EdgeLevel::Column => "column",
        EdgeLevel::ColumnToDataset => "columnToDataset",
        EdgeLevel::Dataset => "dataset",
    }
}
