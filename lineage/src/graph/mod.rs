//! The lineage graph and transform-aware tag propagation, in memory.
//!
//! [`LineageGraph`] holds datasets and columns as nodes (named by the store's dataset
//! ids and column names) and three kinds of edges: column → column (with OpenLineage
//! transformations, origin, job, first/last seen), column → dataset (a filter or join
//! key used by a whole dataset) and dataset → dataset (a run's inputs and outputs, and
//! one derived per (datasets, origin, job) from the column-level edges, which counts
//! them). Parallel edges of different origins or jobs stay distinct.
//!
//! It does no I/O and knows nothing of the store or HTTP: the server loads it (see
//! [`LineageGraph::set_deferred`]), then applies each change-log entry with the
//! incremental methods, replays review decisions, and serves the plain result structs.
//!
//! - Mutation: [`LineageGraph::upsert_stored`] / [`LineageGraph::retract_stored`] (a
//!   `column_edges` row as is), [`LineageGraph::upsert_column_edge`], [`LineageGraph::upsert_dataset_edge`],
//!   [`LineageGraph::retract_column_edge`], [`LineageGraph::retract_dataset_edge`],
//!   [`LineageGraph::mark_stale`], [`LineageGraph::add_column`],
//!   [`LineageGraph::set_usage`].
//! - Traversal: [`LineageGraph::traverse`] (depth, direct-only, node cap, child cap by
//!   usage), [`LineageGraph::impact`], [`LineageGraph::column_paths`].
//! - Tags: [`TagKey`] (validation, OpenLineage mapping), [`DetectionRules`];
//!   [`LineageGraph::detect`], [`LineageGraph::add_detected`], [`LineageGraph::add_declared`],
//!   [`LineageGraph::add_manual`], [`LineageGraph::confirm`], [`LineageGraph::reject`],
//!   [`LineageGraph::tags_of`], [`LineageGraph::explain`].
//!
//! ```
//! use weft_lineage::graph::{ColumnRef, DetectionRules, LineageGraph, StoredEdge, TagKey, TagStatus};
//!
//! let mut g = LineageGraph::default();
//! g.set_deferred(true); // initial load: propagate once at the end
//! let row = |dst: &'static str, src: &'static str, ts: &'static str| StoredEdge {
//!     dst_dataset: 2, dst_column: dst, src_dataset: 1, src_column: src, job: 9,
//!     origin: "sql", transformations: ts, first_seen: 0, last_seen: 0,
//! };
//! g.upsert_stored(&row("email_hash", "email",
//!     r#"[{"type":"DIRECT","subtype":"TRANSFORMATION","description":"sha256","masking":true}]"#))?;
//! g.upsert_stored(&row("n", "email", r#"[{"type":"DIRECT","subtype":"AGGREGATION","description":"count","masking":true}]"#))?;
//! g.detect(&DetectionRules::default(), &ColumnRef::new(1, "email"), Some("varchar"));
//! g.set_deferred(false);
//!
//! let hash = g.tags_of(&ColumnRef::new(2, "email_hash"))?;
//! assert_eq!(&*hash[0].tag, "pseudonymised.pii.email");
//! assert_eq!(hash[0].status, TagStatus::Proposed);
//! assert!(g.tags_of(&ColumnRef::new(2, "n"))?.is_empty());
//!
//! // A reviewer rejects the detection: everything it alone reached goes too.
//! g.reject(&ColumnRef::new(1, "email"), &TagKey::parse("pii.email")?)?;
//! assert!(g.tags_of(&ColumnRef::new(2, "email_hash"))?.is_empty());
//! # Ok::<(), weft_lineage::graph::GraphError>(())
//! ```
//!
//! # Propagation
//!
//! Only tags under the configured prefixes (default `pii`) propagate, along column
//! edges, by [`PropagationRules`]:
//!
//! | edge | effect on `pii.X` |
//! |---|---|
//! | DIRECT/IDENTITY, DIRECT/TRANSFORMATION | carried |
//! | masking (flag, or a masking function in the description) | becomes `pseudonymised.pii.X`, which propagates on |
//! | AGGREGATION by a value-preserving aggregate (`min`, `max`, `array_agg`…) | carried (pseudonymised if masked: `max(sha256(email))`) |
//! | AGGREGATION by a counting aggregate (`count`…) | stopped |
//! | AGGREGATION by another known aggregate (`sum`, `avg`…) | stopped |
//! | AGGREGATION naming no known aggregate (often an empty description) | carried as proposed, reason [`Rule::UnknownAggregate`] |
//! | INDIRECT (filter, join, group by, sort, window, conditional) | stopped |
//! | no transformation information (`[]`) | carried, reason [`Rule::NoInformation`] |
//!
//! An edge with several transformations carries the union of what each carries.
//! Stale edges still carry tags (the safe side); only a retraction removes an edge.
//!
//! # Review states
//!
//! A tag on a column is in one of these states; each move is one method call, so the
//! server replays stored decisions by calling the same methods at start.
//!
//! | state | how it arises | propagates on | status reported |
//! |---|---|---|---|
//! | proposed | detected ([`LineageGraph::add_detected`]) or propagated | yes, as proposed | `Proposed` |
//! | confirmed | [`LineageGraph::confirm`] (pins it: stays when its support goes), [`LineageGraph::add_manual`], or declared by a producer | yes | `Confirmed` |
//! | rejected | [`LineageGraph::reject`] | no: it and its pseudonymised form leave the column and what only it reached | `Rejected` |
//!
//! | from | move | to |
//! |---|---|---|
//! | proposed | `confirm` | confirmed (pinned) |
//! | proposed | `reject` | rejected (kept across recomputation and new edges) |
//! | confirmed | `reject` | rejected |
//! | rejected | `confirm` or `add_manual` | confirmed |
//! | confirmed or rejected | [`LineageGraph::clear_decision`] | whatever sources and edges give (proposed or absent) |
//! | (none) | `add_manual` | confirmed source |
//!
//! Cycles never loop: propagation visits each (column, tag) pair once, withdrawals
//! remove a whole cycle before re-deriving, and path counting skips back edges.

mod core;
mod hash;
mod intern;
mod journal;
mod model;
mod paths;
mod propagate;
mod row;
mod rules;
mod tags;
mod traverse;

#[cfg(test)]
mod tests;

pub use self::core::LineageGraph;
pub use journal::JournalPosition;
pub use model::{
    ColumnEdge, ColumnEdgeKey, ColumnRef, DatasetEdge, DatasetEdgeKey, DatasetId, GraphError,
    JobId, Micros, NodeRef, Origin, Upsert, parse_transformations,
};
pub use propagate::{
    ColumnTag, Explanation, ExplanationPath, Hop, SourceKind, TagSource, TagStatus,
};
pub use row::{StoredEdge, StoredKey};
pub use rules::{PropagationRules, Rule};
pub use tags::{Detection, DetectionRule, DetectionRules, TagKey};
pub use traverse::{
    Direction, EdgeLevel, GraphEdge, GraphNode, Impact, Paths, Subgraph, TraversalOptions,
};
