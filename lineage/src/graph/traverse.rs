//! Traversals: upstream/downstream neighbourhoods with depth, edge-type filter, node cap
//! and per-node child cap; impact analysis; paths between two columns.
//!
//! A dataset walks dataset-level edges; a column walks column edges and, downstream, the
//! column-to-dataset edges of filters and join keys (from which the walk continues at
//! dataset level); upstream, a column also lists the columns its whole dataset uses,
//! each edge ending at the column and marked with the column-to-dataset level. Every walk marks nodes visited, so cycles end.

use std::collections::VecDeque;
use std::sync::Arc;

use petgraph::Direction as PgDir;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, NodeIndexable, VisitMap, Visitable};

use crate::transform::Transformation;

use super::core::{EdgeData, EdgeKind, LineageGraph, NO_NAME};
use super::hash::{FxHashMap, FxHashSet};
use super::model::{ColumnRef, DatasetId, GraphError, JobId, Micros, NodeRef, Origin};
use super::paths::{count_paths, first_paths};

/// Which way a traversal goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards sources.
    Upstream,
    /// Towards consumers.
    Downstream,
}

/// How far and how wide a traversal goes. Defaults: depth 1, indirect edges included,
/// stale edges included, 1,000 nodes, 100 children per node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraversalOptions {
    /// Hops from the start (default 1).
    pub depth: u32,
    /// Follow only edges with a DIRECT transformation (or no information, which may be
    /// direct).
    pub direct_only: bool,
    /// Follow stale edges too.
    pub include_stale: bool,
    /// Stop adding nodes at this many (the start included); the result says truncated.
    pub max_nodes: usize,
    /// Keep at most this many children per node, the highest usage first; the node
    /// reports how many were hidden.
    pub max_children: usize,
}

impl Default for TraversalOptions {
    fn default() -> Self {
        TraversalOptions {
            depth: 1,
            direct_only: false,
            include_stale: true,
            max_nodes: 1_000,
            max_children: 100,
        }
    }
}

/// A node in a traversal result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// Which node.
    pub node: NodeRef,
    /// Hops from the start.
    pub depth: u32,
    /// Its usage score.
    pub usage: u64,
    /// For a dataset: whether it has column-level lineage.
    pub has_column_lineage: Option<bool>,
    /// Children left out by the per-node cap.
    pub hidden_children: u32,
}

/// The level an edge lives at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeLevel {
    /// Column to column.
    Column,
    /// A column used by a whole dataset (filter, join key).
    ColumnToDataset,
    /// Dataset to dataset.
    Dataset,
}

/// An edge in a traversal or path result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    /// Upstream end.
    pub src: NodeRef,
    /// Downstream end.
    pub dst: NodeRef,
    /// Its level.
    pub level: EdgeLevel,
    /// Where it was learnt.
    pub origin: Origin,
    /// The job, when known.
    pub job: Option<JobId>,
    /// Its transformations (empty for derived dataset edges and run I/O).
    pub transformations: Arc<[Transformation]>,
    /// For a derived dataset edge: how many column-level edges imply it.
    pub supporting_edges: u32,
    /// First seen (µs).
    pub first_seen: Micros,
    /// Last seen (µs).
    pub last_seen: Micros,
    /// Not seen within the staleness window.
    pub stale: bool,
}

/// A traversal's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subgraph {
    /// Nodes, the start first, in breadth-first order.
    pub nodes: Vec<GraphNode>,
    /// Edges between them.
    pub edges: Vec<GraphEdge>,
    /// Whether the node cap cut the result short.
    pub truncated: bool,
}

/// Everything downstream of a column or dataset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Impact {
    /// Downstream datasets (those of downstream columns included), sorted.
    pub datasets: Vec<DatasetId>,
    /// Downstream columns, sorted.
    pub columns: Vec<ColumnRef>,
}

/// Paths between two columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Up to the number asked for, each upstream first.
    pub paths: Vec<Vec<GraphEdge>>,
    /// How many there are (saturating; paths round a cycle are not counted).
    pub total: u64,
}

fn level(kind: EdgeKind) -> EdgeLevel {
    match kind {
        EdgeKind::Column => EdgeLevel::Column,
        EdgeKind::ColumnToDataset => EdgeLevel::ColumnToDataset,
        EdgeKind::Dataset => EdgeLevel::Dataset,
    }
}

impl LineageGraph {
    fn is_dataset_node(&self, n: NodeIndex) -> bool {
        self.g.node_weight(n).is_some_and(|w| w.name == NO_NAME)
    }

    /// Whether a walk with these filters follows edge `w` at all.
    fn follows(&self, w: &EdgeData, direct_only: bool, include_stale: bool) -> bool {
        (include_stale || !w.stale()) && (!direct_only || self.edge_is_direct(w))
    }

    /// The edges a walk follows from `n` in `dir`.
    fn steps<'a>(
        &'a self,
        n: NodeIndex,
        dir: PgDir,
        direct_only: bool,
        include_stale: bool,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, &'a EdgeData)> + 'a {
        let dataset = self.is_dataset_node(n);
        self.g
            .edges_directed(n, dir)
            .filter(move |e| {
                let w = e.weight();
                let kind_ok = match w.kind {
                    EdgeKind::Dataset => dataset,
                    EdgeKind::Column => !dataset,
                    // Walked downstream from the column only; upstream of a dataset the
                    // derived dataset edge already stands for it.
                    EdgeKind::ColumnToDataset => !dataset && dir == PgDir::Outgoing,
                };
                kind_ok && self.follows(w, direct_only, include_stale)
            })
            .map(move |e| {
                let other = if dir == PgDir::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                (e.id(), other, e.weight())
            })
    }

    /// Upstream of a column, the columns its whole dataset uses (filters, join keys,
    /// and the INDIRECT uses a producer repeated on every field, which ingest stores
    /// once at the dataset level): they are inputs of every column of that dataset, so
    /// a column's upstream lists them instead of losing what the producer declared.
    fn dataset_level_inputs<'a>(
        &'a self,
        n: NodeIndex,
        dir: PgDir,
        opts: &TraversalOptions,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, &'a EdgeData)> + 'a {
        let dataset_node = match self.g.node_weight(n) {
            Some(w) if dir == PgDir::Incoming && w.name != NO_NAME => {
                self.datasets.get(&w.dataset).map(|d| d.node)
            }
            _ => None,
        };
        let (direct_only, include_stale) = (opts.direct_only, opts.include_stale);
        dataset_node.into_iter().flat_map(move |d| {
            self.g
                .edges_directed(d, PgDir::Incoming)
                .filter(move |e| {
                    let w = e.weight();
                    w.kind == EdgeKind::ColumnToDataset
                        && self.follows(w, direct_only, include_stale)
                })
                .map(|e| (e.id(), e.source(), e.weight()))
        })
    }

    pub(crate) fn edge_view(&self, e: EdgeIndex) -> Option<GraphEdge> {
        let (a, b) = self.g.edge_endpoints(e)?;
        let w = self.g.edge_weight(e)?;
        Some(GraphEdge {
            src: self.node_ref(a),
            dst: self.node_ref(b),
            level: level(w.kind),
            origin: Origin::from_code(w.origin),
            job: w.job(),
            transformations: self.edge_transformations(w),
            supporting_edges: w.support,
            first_seen: w.first,
            last_seen: w.last,
            stale: w.stale(),
        })
    }

    fn graph_node(&self, n: NodeIndex, depth: u32) -> GraphNode {
        let node = self.node_ref(n);
        let has_column_lineage = match &node {
            NodeRef::Dataset(d) => Some(self.has_column_lineage(*d)),
            NodeRef::Column(_) => None,
        };
        GraphNode {
            usage: self.g.node_weight(n).map_or(0, |w| w.usage),
            node,
            depth,
            has_column_lineage,
            hidden_children: 0,
        }
    }

    /// The upstream or downstream neighbourhood of a dataset or column.
    pub fn traverse(
        &self,
        start: &NodeRef,
        dir: Direction,
        opts: &TraversalOptions,
    ) -> Result<Subgraph, GraphError> {
        let s = self.find_node(start)?;
        let dir = match dir {
            Direction::Upstream => PgDir::Incoming,
            Direction::Downstream => PgDir::Outgoing,
        };
        let mut visited = Visited::new(self, opts.max_nodes);
        visited.visit(s);
        let mut nodes = vec![self.graph_node(s, 0)];
        let mut edges = Vec::new();
        let mut truncated = false;
        let mut queue = VecDeque::from([(s, 0u32, 0usize)]);
        // (usage, child, edge): sorted, parallel edges to one child are adjacent.
        let mut out: Vec<(u64, NodeIndex, EdgeIndex)> = Vec::new();
        'walk: while let Some((n, depth, at)) = queue.pop_front() {
            if depth >= opts.depth {
                continue;
            }
            out.clear();
            out.extend(
                self.steps(n, dir, opts.direct_only, opts.include_stale)
                    .chain(self.dataset_level_inputs(n, dir, opts))
                    .map(|(e, other, _)| {
                        (self.g.node_weight(other).map_or(0, |w| w.usage), other, e)
                    }),
            );
            // Highest usage first, ties by node for a stable order.
            out.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let distinct =
                out.windows(2).filter(|w| w[0].1 != w[1].1).count() + usize::from(!out.is_empty());
            let hidden = distinct.saturating_sub(opts.max_children);
            nodes[at].hidden_children = u32::try_from(hidden).unwrap_or(u32::MAX);
            let mut taken = 0;
            let mut prev = None;
            for &(_, child, e) in &out {
                if prev != Some(child) {
                    prev = Some(child);
                    taken += 1;
                    if taken > opts.max_children {
                        break;
                    }
                    if !visited.is_visited(child) {
                        if nodes.len() >= opts.max_nodes {
                            truncated = true;
                            break 'walk;
                        }
                        visited.visit(child);
                        queue.push_back((child, depth + 1, nodes.len()));
                        nodes.push(self.graph_node(child, depth + 1));
                    }
                }
                edges.extend(self.edge_view(e).map(|mut v| {
                    // A dataset-level input reached from a column: the edge ends at the
                    // column walked, keeping its level to say it was stated for the
                    // whole dataset.
                    if v.level == EdgeLevel::ColumnToDataset && dir == PgDir::Incoming {
                        v.dst = self.node_ref(n);
                    }
                    v
                }));
            }
        }
        Ok(Subgraph {
            nodes,
            edges,
            truncated,
        })
    }

    /// Every dataset and column downstream of a column or dataset, at any depth and
    /// through indirect edges too (a filter change can break a consumer). The caller
    /// adds owners and tiers.
    pub fn impact(&self, start: &NodeRef) -> Result<Impact, GraphError> {
        let s = self.find_node(start)?;
        let mut seen: FxHashSet<NodeIndex> = FxHashSet::default();
        let mut stack = vec![s];
        seen.insert(s);
        if let NodeRef::Dataset(d) = start
            && let Some(entry) = self.datasets.get(d)
        {
            // A dataset's own columns are starting points, not impacted.
            for &c in &entry.columns {
                if seen.insert(c) {
                    stack.push(c);
                }
            }
        }
        let mut datasets: FxHashSet<DatasetId> = FxHashSet::default();
        let mut columns = Vec::new();
        while let Some(n) = stack.pop() {
            for (_, other, _) in self.steps(n, PgDir::Outgoing, false, true) {
                if !seen.insert(other) {
                    continue;
                }
                stack.push(other);
                if let Some(w) = self.g.node_weight(other) {
                    datasets.insert(w.dataset);
                    if w.name != NO_NAME {
                        columns.push(self.column_ref(other));
                    }
                }
            }
        }
        if let NodeRef::Dataset(d) = start {
            // Reached back through a cycle: a dataset is not its own impact.
            datasets.remove(d);
            columns.retain(|c| c.dataset != *d);
        }
        let mut datasets: Vec<DatasetId> = datasets.into_iter().collect();
        datasets.sort_unstable();
        columns.sort();
        Ok(Impact { datasets, columns })
    }

    /// The paths from column `from` to column `to` along column edges, through columns
    /// at most `max_depth` hops from `from`: up to `max_paths` of them and how many
    /// there are.
    pub fn column_paths(
        &self,
        from: &ColumnRef,
        to: &ColumnRef,
        direct_only: bool,
        max_depth: u32,
        max_paths: usize,
    ) -> Result<Paths, GraphError> {
        let a = self.find_column(from)?;
        let b = self.find_column(to)?;
        // Nodes reachable from `a` within the depth: the only ones a path can use.
        let mut reach: FxHashMap<NodeIndex, u32> = FxHashMap::default();
        reach.insert(a, 0);
        let mut queue = VecDeque::from([a]);
        while let Some(n) = queue.pop_front() {
            let d = reach.get(&n).copied().unwrap_or(0);
            if d >= max_depth {
                continue;
            }
            for (_, other, w) in self.steps(n, PgDir::Outgoing, direct_only, true) {
                if w.kind == EdgeKind::Column && !reach.contains_key(&other) {
                    reach.insert(other, d + 1);
                    queue.push_back(other);
                }
            }
        }
        if !reach.contains_key(&b) {
            return Ok(Paths {
                paths: Vec::new(),
                total: 0,
            });
        }
        let preds = |n: NodeIndex| -> Vec<(EdgeIndex, NodeIndex)> {
            self.steps(n, PgDir::Incoming, direct_only, true)
                .filter(|(_, other, _)| reach.contains_key(other))
                .map(|(e, other, _)| (e, other))
                .collect()
        };
        let is_end = |n: NodeIndex| n == a;
        let total = count_paths(b, &preds, &is_end);
        let paths = first_paths(b, &preds, &is_end, max_paths)
            .into_iter()
            .map(|p| {
                p.iter()
                    .rev()
                    .filter_map(|&(e, _)| self.edge_view(e))
                    .collect()
            })
            .collect();
        Ok(Paths { paths, total })
    }
}

/// The nodes a walk has reached. A bit per node suits a deep walk (tens of thousands of
/// nodes), but clearing a bit per node of a graph with millions of columns costs more
/// than a short walk itself: a policy evaluation walks one hop from every dataset, and
/// those memsets were 6 % of its CPU. A walk bounded far below the graph's size keeps a
/// hash set instead.
enum Visited {
    Bits(<super::core::Graph as Visitable>::Map),
    Set(FxHashSet<NodeIndex>),
}

impl Visited {
    fn new(graph: &LineageGraph, max_nodes: usize) -> Visited {
        if max_nodes.saturating_mul(64) < graph.g.node_bound() {
            Visited::Set(FxHashSet::default())
        } else {
            Visited::Bits(graph.g.visit_map())
        }
    }

    fn visit(&mut self, n: NodeIndex) {
        match self {
            Visited::Bits(bits) => {
                bits.visit(n);
            }
            Visited::Set(set) => {
                set.insert(n);
            }
        }
    }

    fn is_visited(&self, n: NodeIndex) -> bool {
        match self {
            Visited::Bits(bits) => bits.is_visited(&n),
            Visited::Set(set) => set.contains(&n),
        }
    }
}
