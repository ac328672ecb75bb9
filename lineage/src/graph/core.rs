//! The graph itself: nodes, edges, and the incremental mutations the server drives from
//! the store and its change log.
//!
//! Layout, chosen for a million columns: one petgraph `StableGraph` (indices stay valid
//! when an edge is retracted) whose node weight is 24 bytes (dataset id, interned name,
//! usage score) and whose edge weight is 40 bytes (interned transformation set, origin,
//! job, times, flags). Column names and transformation sets are interned; lookups from
//! store ids go through three integer-keyed maps. No node owns a map.

use std::sync::Arc;

use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::transform::{FunctionRules, Transformation, TransformationType};

use super::hash::FxHashMap;
use super::intern::Interner;
use super::model::{
    ColumnEdge, ColumnEdgeKey, ColumnRef, DatasetEdge, DatasetEdgeKey, DatasetId, GraphError,
    JobId, Micros, NodeRef, Origin, Upsert,
};
use super::propagate::TagState;
use super::rules::{EdgeClass, PropagationRules};

pub(crate) type Graph = StableDiGraph<NodeData, EdgeData, u32>;

/// The name id a dataset node carries (datasets have no column name).
pub(crate) const NO_NAME: u32 = u32::MAX;
const NO_JOB: i64 = i64::MIN;

/// A node: a dataset (`name == NO_NAME`) or a column of `dataset`.
#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    pub dataset: DatasetId,
    pub name: u32,
    pub usage: u64,
}

/// Which level an edge lives at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EdgeKind {
    /// Column to column: carries tags.
    Column = 0,
    /// A column to a whole dataset (filter or join key used by a job writing it).
    ColumnToDataset = 1,
    /// Dataset to dataset: declared (run I/O) and/or derived from the edges above.
    Dataset = 2,
}

pub(crate) const STALE: u8 = 1;
pub(crate) const DECLARED: u8 = 2;

/// An edge. For dataset edges `support` counts the column-level edges that imply it and
/// `direct_support` those among them with a DIRECT transformation.
#[derive(Debug, Clone)]
pub(crate) struct EdgeData {
    pub job: i64,
    pub first: Micros,
    pub last: Micros,
    pub tset: u32,
    pub support: u32,
    pub direct_support: u32,
    pub kind: EdgeKind,
    pub origin: u8,
    pub flags: u8,
}

impl EdgeData {
    pub fn job(&self) -> Option<JobId> {
        (self.job != NO_JOB).then_some(self.job)
    }
    pub fn stale(&self) -> bool {
        self.flags & STALE != 0
    }
}

/// A distinct transformation list, with what the rules make of it.
#[derive(Debug, Clone)]
pub(crate) struct Tset {
    pub transformations: Arc<[Transformation]>,
    pub class: EdgeClass,
    pub bits: u8,
    /// Has a DIRECT transformation, or no information (which may be direct).
    pub direct: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DatasetEntry {
    pub node: NodeIndex,
    pub columns: Vec<NodeIndex>,
}

type EdgeMapKey = (EdgeKind, u32, u32, u8, i64);

/// The lineage graph of datasets and columns, with tag propagation kept current.
///
/// The server builds one from the store at start (ideally between
/// [`LineageGraph::set_deferred`]`(true)` and `(false)`, which propagates once at the
/// end) and then applies each change-log entry with the `upsert_*`, `retract_*` and tag
/// methods, each of which updates only what it reaches.
#[derive(Debug, Clone)]
pub struct LineageGraph {
    pub(crate) g: Graph,
    pub(crate) names: Interner,
    pub(crate) datasets: FxHashMap<DatasetId, DatasetEntry>,
    pub(crate) columns: FxHashMap<(DatasetId, u32), NodeIndex>,
    edges: FxHashMap<EdgeMapKey, EdgeIndex>,
    pub(crate) tsets: Vec<Tset>,
    tset_ids: FxHashMap<Arc<[Transformation]>, u32>,
    functions: FunctionRules,
    pub(crate) rules: PropagationRules,
    pub(crate) tags: TagState,
}

// The server shares one graph between request handlers (behind a lock): keep it
// `Send + Sync`, checked at compile time.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<LineageGraph>();
};

impl Default for LineageGraph {
    fn default() -> Self {
        LineageGraph::new(PropagationRules::default(), FunctionRules::default())
    }
}

impl LineageGraph {
    /// An empty graph reading edges with `rules`, and with `functions` (the same
    /// aggregate and masking lists the SQL analyser uses) to recognise function names.
    pub fn new(rules: PropagationRules, functions: FunctionRules) -> LineageGraph {
        LineageGraph {
            g: Graph::default(),
            names: Interner::default(),
            datasets: FxHashMap::default(),
            columns: FxHashMap::default(),
            edges: FxHashMap::default(),
            tsets: Vec::new(),
            tset_ids: FxHashMap::default(),
            functions,
            rules,
            tags: TagState::default(),
        }
    }

    /// Pre-sizes the graph for a load of about this many nodes and edges, so the initial
    /// build does not re-allocate its arrays and maps repeatedly.
    pub fn reserve(&mut self, datasets: usize, columns: usize, edges: usize) {
        self.g.reserve_nodes(datasets + columns);
        self.g.reserve_edges(edges + edges / 8);
        self.datasets.reserve(datasets);
        self.columns.reserve(columns);
        self.edges.reserve(edges + edges / 8);
    }

    /// Number of datasets.
    pub fn dataset_count(&self) -> usize {
        self.datasets.len()
    }

    /// Number of columns.
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }

    /// Number of edges of every level (column, column-to-dataset, dataset).
    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Adds a dataset if it is new; idempotent, so replaying the store is harmless.
    pub fn add_dataset(&mut self, dataset: DatasetId) {
        self.dataset_node(dataset);
    }

    /// Adds a column (and its dataset) if new; idempotent.
    pub fn add_column(&mut self, dataset: DatasetId, column: &str) {
        self.column_node(dataset, column);
    }

    pub(crate) fn dataset_node(&mut self, dataset: DatasetId) -> NodeIndex {
        if let Some(d) = self.datasets.get(&dataset) {
            return d.node;
        }
        let node = self.g.add_node(NodeData {
            dataset,
            name: NO_NAME,
            usage: 0,
        });
        self.datasets.insert(
            dataset,
            DatasetEntry {
                node,
                columns: Vec::new(),
            },
        );
        node
    }

    pub(crate) fn column_node(&mut self, dataset: DatasetId, column: &str) -> NodeIndex {
        let name = self.names.intern(column);
        if let Some(&n) = self.columns.get(&(dataset, name)) {
            return n;
        }
        self.dataset_node(dataset);
        let node = self.g.add_node(NodeData {
            dataset,
            name,
            usage: 0,
        });
        self.columns.insert((dataset, name), node);
        if let Some(d) = self.datasets.get_mut(&dataset) {
            d.columns.push(node);
        }
        node
    }

    /// The node of a column, if it exists.
    pub(crate) fn find_column(&self, c: &ColumnRef) -> Result<NodeIndex, GraphError> {
        self.names
            .get(&c.column)
            .and_then(|name| self.columns.get(&(c.dataset, name)).copied())
            .ok_or_else(|| GraphError::UnknownColumn(c.clone()))
    }

    pub(crate) fn find_node(&self, n: &NodeRef) -> Result<NodeIndex, GraphError> {
        match n {
            NodeRef::Dataset(d) => self
                .datasets
                .get(d)
                .map(|e| e.node)
                .ok_or(GraphError::UnknownDataset(*d)),
            NodeRef::Column(c) => self.find_column(c),
        }
    }

    /// The public name of a node.
    pub(crate) fn node_ref(&self, n: NodeIndex) -> NodeRef {
        match self.g.node_weight(n) {
            Some(w) if w.name == NO_NAME => NodeRef::Dataset(w.dataset),
            Some(w) => NodeRef::Column(ColumnRef {
                dataset: w.dataset,
                column: self.names.resolve(w.name),
            }),
            None => NodeRef::Dataset(0),
        }
    }

    pub(crate) fn column_ref(&self, n: NodeIndex) -> ColumnRef {
        match self.node_ref(n) {
            NodeRef::Column(c) => c,
            NodeRef::Dataset(d) => ColumnRef {
                dataset: d,
                column: Arc::from(""),
            },
        }
    }

    /// A dataset's columns as the graph knows them (every column ever named by an edge,
    /// a tag or the schema), in the order they were first seen.
    pub fn columns_of(&self, dataset: DatasetId) -> Vec<Arc<str>> {
        self.datasets
            .get(&dataset)
            .map(|d| {
                d.columns
                    .iter()
                    .map(|&c| self.column_ref(c).column)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the graph knows a dataset.
    pub fn has_dataset(&self, dataset: DatasetId) -> bool {
        self.datasets.contains_key(&dataset)
    }

    /// Sets a node's usage score, which orders children when a traversal caps them.
    pub fn set_usage(&mut self, node: &NodeRef, usage: u64) -> Result<(), GraphError> {
        let n = self.find_node(node)?;
        if let Some(w) = self.g.node_weight_mut(n) {
            w.usage = usage;
        }
        Ok(())
    }

    /// Whether a dataset has column-level lineage: some column of it has a column edge.
    pub fn has_column_lineage(&self, dataset: DatasetId) -> bool {
        self.datasets.get(&dataset).is_some_and(|d| {
            d.columns.iter().any(|&c| {
                self.g
                    .edges_directed(c, Direction::Outgoing)
                    .chain(self.g.edges_directed(c, Direction::Incoming))
                    .any(|e| e.weight().kind == EdgeKind::Column)
            })
        })
    }

    fn tset(&mut self, ts: &[Transformation]) -> u32 {
        if let Some(&id) = self.tset_ids.get(ts) {
            return id;
        }
        let class = self.rules.classify(&self.functions, ts);
        let shared: Arc<[Transformation]> = Arc::from(ts);
        let id = u32::try_from(self.tsets.len()).unwrap_or(u32::MAX);
        self.tsets.push(Tset {
            transformations: shared.clone(),
            bits: class.bits(),
            class,
            direct: ts.is_empty() || ts.iter().any(|t| t.kind == TransformationType::Direct),
        });
        self.tset_ids.insert(shared, id);
        id
    }

    fn map_key(
        kind: EdgeKind,
        a: NodeIndex,
        b: NodeIndex,
        origin: Origin,
        job: Option<JobId>,
    ) -> EdgeMapKey {
        (
            kind,
            a.index() as u32,
            b.index() as u32,
            origin.code(),
            job.unwrap_or(NO_JOB),
        )
    }

    /// Adds the edge `mk` names (endpoints, kind, origin, job) to the graph and the map.
    fn new_edge(
        &mut self,
        mk: EdgeMapKey,
        tset: u32,
        (first, last): (Micros, Micros),
        flags: u8,
    ) -> EdgeIndex {
        let (kind, a, b, origin, job) = mk;
        let ei = self.g.add_edge(
            NodeIndex::new(a as usize),
            NodeIndex::new(b as usize),
            EdgeData {
                job,
                first,
                last,
                tset,
                support: 0,
                direct_support: 0,
                kind,
                origin,
                flags,
            },
        );
        self.edges.insert(mk, ei);
        ei
    }

    /// Adds a column edge, or refreshes it when seen again (times, stale flag) and
    /// re-derives tags when its transformations changed. Creates missing columns.
    pub fn upsert_column_edge(&mut self, edge: &ColumnEdge) -> Upsert {
        let k = &edge.key;
        let src = self.column_node(k.src.dataset, &k.src.column);
        let dst = self.column_node(k.dst.dataset, &k.dst.column);
        let tset = self.tset(&edge.transformations);
        let direct = u32::from(self.tsets[tset as usize].direct);
        let mk = Self::map_key(EdgeKind::Column, src, dst, k.origin, k.job);
        let (from_ds, to_ds) = (
            self.dataset_node(k.src.dataset),
            self.dataset_node(k.dst.dataset),
        );
        if let Some(&ei) = self.edges.get(&mk) {
            let Some(w) = self.g.edge_weight_mut(ei) else {
                return Upsert::Refreshed;
            };
            w.first = w.first.min(edge.first_seen);
            w.last = w.last.max(edge.last_seen);
            w.flags &= !STALE;
            let old = w.tset;
            w.tset = tset;
            let old_direct = u32::from(self.tsets[old as usize].direct);
            let seen = (edge.first_seen, edge.last_seen);
            self.support(
                (from_ds, to_ds, k.origin, k.job),
                (0, i64::from(direct) - i64::from(old_direct)),
                seen,
            );
            if old == tset {
                return Upsert::Refreshed;
            }
            let old_bits = self.tsets[old as usize].bits;
            let new_bits = self.tsets[tset as usize].bits;
            self.tags_edge_changed(src, dst, old_bits, new_bits);
            return Upsert::Changed;
        }
        self.new_edge(mk, tset, (edge.first_seen, edge.last_seen), 0);
        self.support(
            (from_ds, to_ds, k.origin, k.job),
            (1, i64::from(direct)),
            (edge.first_seen, edge.last_seen),
        );
        let bits = self.tsets[tset as usize].bits;
        self.tags_edge_added(src, dst, bits);
        Upsert::Added
    }

    /// Adjusts the derived dataset edge `a → b` by `delta` supporting edges, creating it
    /// on first support and removing it when nothing supports or declares it.
    fn support(
        &mut self,
        (a, b, origin, job): (NodeIndex, NodeIndex, Origin, Option<JobId>),
        (delta, direct_delta): (i64, i64),
        (first, last): (Micros, Micros),
    ) {
        if a == b {
            return;
        }
        let mk = Self::map_key(EdgeKind::Dataset, a, b, origin, job);
        let ei = match self.edges.get(&mk) {
            Some(&ei) => ei,
            None if delta > 0 => self.new_edge(mk, 0, (first, last), 0),
            None => return,
        };
        let Some(w) = self.g.edge_weight_mut(ei) else {
            return;
        };
        w.support = (i64::from(w.support) + delta).max(0) as u32;
        w.direct_support = (i64::from(w.direct_support) + direct_delta).max(0) as u32;
        if delta >= 0 {
            w.first = w.first.min(first);
            w.last = w.last.max(last);
            w.flags &= !STALE;
        }
        if w.support == 0 && w.flags & DECLARED == 0 {
            self.g.remove_edge(ei);
            self.edges.remove(&mk);
        }
    }

    /// Removes a column edge (an explicit retraction: the job no longer writes it).
    /// Tags it carried are withdrawn from whatever they reached only through it.
    /// Returns whether the edge existed.
    pub fn retract_column_edge(&mut self, key: &ColumnEdgeKey) -> bool {
        let (Ok(src), Ok(dst)) = (self.find_column(&key.src), self.find_column(&key.dst)) else {
            return false;
        };
        let mk = Self::map_key(EdgeKind::Column, src, dst, key.origin, key.job);
        let Some(ei) = self.edges.remove(&mk) else {
            return false;
        };
        let Some(w) = self.g.remove_edge(ei) else {
            return false;
        };
        let t = &self.tsets[w.tset as usize];
        let (bits, direct) = (t.bits, t.direct);
        if let (Some(a), Some(b)) = (
            self.datasets.get(&key.src.dataset),
            self.datasets.get(&key.dst.dataset),
        ) {
            let (a, b) = (a.node, b.node);
            self.support(
                (a, b, key.origin, key.job),
                (-1, -i64::from(direct)),
                (w.first, w.last),
            );
        }
        self.tags_edge_removed(src, dst, bits);
        true
    }

    /// Adds or refreshes a dataset-level dependency: a run's input → output (no source
    /// column), or a column used as a whole-dataset filter/join key (`column_edges` rows
    /// whose target column is `''`). These never carry tags.
    pub fn upsert_dataset_edge(&mut self, edge: &DatasetEdge) -> Upsert {
        let k = &edge.key;
        let b = self.dataset_node(k.dst);
        let tset = self.tset(&edge.transformations);
        let direct = i64::from(self.tsets[tset as usize].direct);
        let a_ds = self.dataset_node(k.src);
        let seen = (edge.first_seen, edge.last_seen);
        let (kind, a) = match &k.src_column {
            Some(c) => (EdgeKind::ColumnToDataset, self.column_node(k.src, c)),
            None => (EdgeKind::Dataset, a_ds),
        };
        let mk = Self::map_key(kind, a, b, k.origin, k.job);
        if let Some(&ei) = self.edges.get(&mk)
            && let Some(w) = self.g.edge_weight_mut(ei)
        {
            let was_declared = w.flags & DECLARED != 0 || kind == EdgeKind::ColumnToDataset;
            w.first = w.first.min(edge.first_seen);
            w.last = w.last.max(edge.last_seen);
            w.flags = (w.flags & !STALE) | DECLARED;
            let changed = was_declared && w.tset != tset;
            let old = std::mem::replace(&mut w.tset, tset);
            if kind == EdgeKind::ColumnToDataset {
                let old_direct = i64::from(self.tsets[old as usize].direct);
                self.support((a_ds, b, k.origin, k.job), (0, direct - old_direct), seen);
            }
            return if !was_declared {
                Upsert::Added
            } else if changed {
                Upsert::Changed
            } else {
                Upsert::Refreshed
            };
        }
        self.new_edge(mk, tset, seen, DECLARED);
        if kind == EdgeKind::ColumnToDataset {
            self.support((a_ds, b, k.origin, k.job), (1, direct), seen);
        }
        Upsert::Added
    }

    /// Removes a dataset-level dependency. A dataset edge that column edges still imply
    /// stays, as derived. Returns whether the declared edge existed.
    pub fn retract_dataset_edge(&mut self, key: &DatasetEdgeKey) -> bool {
        let (Some(a), Some(b)) = (self.datasets.get(&key.src), self.datasets.get(&key.dst)) else {
            return false;
        };
        let (a_ds, b) = (a.node, b.node);
        let (kind, a) = match &key.src_column {
            Some(c) => match self.find_column(&ColumnRef {
                dataset: key.src,
                column: c.clone(),
            }) {
                Ok(n) => (EdgeKind::ColumnToDataset, n),
                Err(_) => return false,
            },
            None => (EdgeKind::Dataset, a_ds),
        };
        let mk = Self::map_key(kind, a, b, key.origin, key.job);
        let Some(&ei) = self.edges.get(&mk) else {
            return false;
        };
        let Some(w) = self.g.edge_weight_mut(ei) else {
            return false;
        };
        if w.flags & DECLARED == 0 {
            return false;
        }
        w.flags &= !DECLARED;
        let (support, tset, first, last) = (w.support, w.tset, w.first, w.last);
        if kind == EdgeKind::ColumnToDataset || support == 0 {
            self.g.remove_edge(ei);
            self.edges.remove(&mk);
        }
        if kind == EdgeKind::ColumnToDataset {
            let direct = i64::from(self.tsets[tset as usize].direct);
            self.support((a_ds, b, key.origin, key.job), (-1, -direct), (first, last));
        }
        true
    }

    /// Marks every edge not seen since `now - window` as stale (and clears the mark on
    /// edges seen since). Stale edges stay in the graph, still carry tags (the safe side
    /// for PII) and are flagged in traversals; [`LineageGraph::stale_column_edges`] lists
    /// them for an explicit retraction. Returns how many edges became stale.
    pub fn mark_stale(&mut self, now: Micros, window: Micros) -> usize {
        let cutoff = now.saturating_sub(window);
        let mut newly = 0;
        for w in self.g.edge_weights_mut() {
            let stale = w.last < cutoff;
            if stale && w.flags & STALE == 0 {
                newly += 1;
            }
            w.flags = if stale {
                w.flags | STALE
            } else {
                w.flags & !STALE
            };
        }
        newly
    }

    /// The keys of the column edges currently marked stale.
    pub fn stale_column_edges(&self) -> Vec<ColumnEdgeKey> {
        (&self.g)
            .edge_references()
            .filter(|e| e.weight().kind == EdgeKind::Column && e.weight().stale())
            .map(|e| self.column_edge_key(e.source(), e.target(), e.weight()))
            .collect()
    }

    pub(crate) fn column_edge_key(
        &self,
        a: NodeIndex,
        b: NodeIndex,
        w: &EdgeData,
    ) -> ColumnEdgeKey {
        ColumnEdgeKey {
            src: self.column_ref(a),
            dst: self.column_ref(b),
            origin: Origin::from_code(w.origin),
            job: w.job(),
        }
    }

    /// Whether a traversal in "direct only" mode follows this edge.
    pub(crate) fn edge_is_direct(&self, w: &EdgeData) -> bool {
        let tset_direct = self.tsets.get(w.tset as usize).is_some_and(|t| t.direct);
        match w.kind {
            EdgeKind::Column | EdgeKind::ColumnToDataset => tset_direct,
            EdgeKind::Dataset => w.direct_support > 0 || (w.flags & DECLARED != 0 && tset_direct),
        }
    }

    /// The transformations of an edge (shared, not copied).
    pub(crate) fn edge_transformations(&self, w: &EdgeData) -> Arc<[Transformation]> {
        match (w.kind, w.flags & DECLARED != 0) {
            (EdgeKind::Dataset, false) => Arc::from(Vec::new()),
            _ => self
                .tsets
                .get(w.tset as usize)
                .map(|t| t.transformations.clone())
                .unwrap_or_else(|| Arc::from(Vec::new())),
        }
    }
}
