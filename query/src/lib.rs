//! The query layer: what the catalog answers about lineage, tags, reviews, PII and
//! search, as typed values.
//!
//! Both APIs call it: the REST handlers serialize its answers into their JSON shapes,
//! the GraphQL resolvers wrap them in object types. Keeping the logic here, below both,
//! means the two can never disagree about a traversal or a review queue, and neither
//! has to decode the other's output: a value that does not fit is a compile error, not
//! an empty default at run time.
//!
//! Functions take typed parameters and the parts of the server's state they need (the
//! store, the lineage graph, the search index, the writer for decisions); they know
//! nothing of HTTP or GraphQL. Failures are [`QueryError`]s, which each API maps to its
//! own status codes and error codes.
//!
//! - `node.rs`: resolving Marquez node ids and naming graph nodes;
//! - `traverse.rs`, `impact.rs`, `paths.rs`: walks of the lineage graph;
//! - `tags.rs`: a column's tags and the paths that explain them;
//! - `review.rs`: the review queue, review decisions, edge retractions and what a batch
//!   of decisions changes downstream;
//! - `pii.rs`: a namespace's PII report and the tags of a dataset's fields;
//! - `search.rs`: search hits with the datasets they name, and suggestions;
//! - `usage.rs`: a dataset's usage from query logs;
//! - `governance.rs`: classification, retention, tier and owners set in bulk from a file.

#![deny(missing_docs)]

pub mod error;
pub mod governance;
pub mod impact;
pub mod node;
pub mod paths;
pub mod pii;
pub mod policy;
pub mod review;
pub mod search;
pub mod tags;
pub mod traverse;
pub mod usage;

pub use error::{QueryError, Result};

#[cfg(test)]
mod tests;
