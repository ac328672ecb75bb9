//! The object types: datasets, columns and their tags, jobs, runs, namespaces, lineage,
//! usage, changes, search hits; and what they share (connections, paging, times).
//!
//! Datasets and columns resolve field by field through the request's DataLoaders (a
//! page of datasets costs one statement per kind of field, not per dataset). Graph
//! answers (lineage, impact, paths, tag explanations, the review queue, search hits)
//! are the query layer's typed values (`weft-query`), which the REST API serves too, so
//! both APIs say the same thing.
//!
//! - `dataset.rs`: datasets and columns, schema versions, usage;
//! - `tags.rs`: tags on columns, why they are there, the review queue;
//! - `lineage.rs`: lineage subgraphs, impact and paths between columns;
//! - `job.rs`: jobs, runs, what SQL lineage made of a job's SQL; `namespace.rs`;
//!   `feed.rs`: change-log entries;
//! - `search.rs`: search hits, suggestions, facets and score explanations;
//! - `policy.rs`: policy violations and the policies in force;
//! - `viewer.rs`: who is calling.

mod dataset;
mod feed;
mod job;
mod kafka;
mod lineage;
mod namespace;
mod policy;
mod search;
mod tags;
mod viewer;

pub use dataset::*;
pub use feed::*;
pub use job::*;
pub use kafka::*;
pub use lineage::*;
pub use namespace::*;
pub use policy::*;
pub use search::*;
pub use tags::*;
pub use viewer::*;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{
    ComplexObject, Context, Enum, ID, Json, Object, OutputType, Result, SimpleObject,
};
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::Value;
use weft_lineage::graph::{ColumnRef, Direction, TagStatus};

use super::loaders::{ColumnRow, DatasetRow, Loaders};
use super::{GraphqlConfig, api_error, bad_input, load_error, query_error, store_error};
use crate::api::AppState;
// Still how `dataset.rs` builds a column's tags; `ColumnTag::of` is the typed way.
use weft_store::edits::Curated;

/// Page size when `first` is not given.
const DEFAULT_PAGE: usize = 20;

/// The server's state, always in the schema's data.
pub(crate) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// The id of dataset `namespace`:`name`, batched with the request's other lookups.
pub(crate) async fn dataset_id(
    ctx: &Context<'_>,
    namespace: &str,
    name: &str,
) -> Result<Option<i64>> {
    loaders(ctx)?
        .ids
        .load_one((namespace.to_owned(), name.to_owned()))
        .await
        .map_err(load_error)
}

/// Microseconds as a `DateTime`.
pub(crate) fn time(micros: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_micros(micros).single()
}

/// The complexity of a connection field: its page size times its selection.
pub(crate) fn page_cost(first: Option<i32>, child: usize) -> usize {
    let n = first.map_or(DEFAULT_PAGE, |f| f.max(0) as usize);
    n.saturating_mul(child).saturating_add(1)
}

/// The complexity of a lineage traversal (`lineage`, `upstream`, `downstream`,
/// `columnPaths`): [`TRAVERSAL_COST`] per level of `depth`, plus its selection, so a
/// document of many deep traversals is refused before it runs.
pub(crate) fn traversal_cost(depth: i32, child: usize) -> usize {
    TRAVERSAL_COST
        .saturating_mul(depth.max(1) as usize)
        .saturating_add(child)
}

/// The complexity of one level of a lineage traversal.
pub(crate) const TRAVERSAL_COST: usize = 50;

/// The complexity of `impact`: a traversal to the end of everything downstream.
pub(crate) fn impact_cost(child: usize) -> usize {
    IMPACT_COST.saturating_add(child)
}

/// What `impact` costs, whatever it selects.
pub(crate) const IMPACT_COST: usize = 500;

/// Decodes `first`/`after` into (offset, limit), refusing pages larger than allowed.
pub(crate) fn page_args(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<(usize, usize)> {
    let max = ctx
        .data::<GraphqlConfig>()
        .map(|c| c.max_page_size)
        .unwrap_or(100);
    let limit = match first {
        None => DEFAULT_PAGE.min(max),
        Some(f) if f < 0 => return Err(bad_input("first", "first must not be negative")),
        Some(f) if f as usize > max => {
            return Err(bad_input("first", format!("first must be at most {max}")));
        }
        Some(f) => f as usize,
    };
    let offset = match after {
        None => 0,
        Some(c) => {
            c.parse::<usize>()
                .map_err(|_| bad_input("after", "after is not a cursor this API returned"))?
                + 1
        }
    };
    Ok((offset, limit))
}

/// The total of a list, beside its page.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ListInfo {
    /// How many items the list holds in all.
    pub total_count: i64,
}

/// A Relay connection over an offset-paged list.
pub type Page<T> = Connection<String, T, ListInfo, EmptyFields>;

/// The store's page for an (offset, limit) pair.
pub(crate) fn store_page(offset: usize, limit: usize) -> weft_store::read::Page {
    weft_store::read::Page {
        limit: limit as i64,
        offset: offset as i64,
    }
}

/// A page of a store listing as a page of a connection.
pub(crate) fn page_of_listing<T, U: OutputType>(
    list: weft_store::read::Listing<T>,
    offset: usize,
    item: impl Fn(T) -> U,
) -> Page<U> {
    let items = list.items.into_iter().map(item).collect();
    page_of(items, offset, list.total)
}

/// Builds a connection from one page of items.
pub(crate) fn page_of<T: OutputType>(items: Vec<T>, offset: usize, total: i64) -> Page<T> {
    let more = (offset + items.len()) < total.max(0) as usize;
    let mut c =
        Connection::with_additional_fields(offset > 0, more, ListInfo { total_count: total });
    c.edges.extend(
        items
            .into_iter()
            .enumerate()
            .map(|(i, n)| Edge::new((offset + i).to_string(), n)),
    );
    c
}

/// A person or team responsible for a dataset.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Owner {
    /// `user:alice`, `team:data-eng`.
    pub name: String,
    /// `MAINTAINER`, `DATA_STEWARD`… when given.
    #[serde(rename = "type")]
    #[graphql(name = "type")]
    pub owner_type: Option<String>,
}

impl From<weft_store::lookup::OwnerRef> for Owner {
    fn from(o: weft_store::lookup::OwnerRef) -> Owner {
        Owner {
            name: o.name,
            owner_type: o.owner_type,
        }
    }
}

/// A tag stored on a dataset or column: declared by a producer or added by hand.
#[derive(SimpleObject, Debug, Clone)]
pub struct Tag {
    /// The key (`pii.email`, `tier`).
    pub key: String,
    /// Its value, if any.
    pub value: Option<String>,
    /// Who assigned it.
    pub source: Option<String>,
    /// `declared` (a producer) or `manual` (a person).
    pub origin: String,
}

/// A job by name.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct JobRef {
    /// The job's namespace.
    pub namespace: String,
    /// The job's name within its namespace.
    pub name: String,
}

impl From<weft_query::node::JobName> for JobRef {
    fn from(j: weft_query::node::JobName) -> JobRef {
        JobRef {
            namespace: j.namespace,
            name: j.name,
        }
    }
}
