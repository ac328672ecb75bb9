//! Search hits with the datasets and jobs they name, and autocomplete suggestions.

use weft_search::index::{DocKind, Facets, Filters, Hit, MAX_QUERY_CHARS, SearchOptions};
use weft_views::search::SearchHandle;

use crate::error::SEARCH_OPENING;
use crate::error::{QueryError, Result};

/// A search: text, filters, one kind or all, a page, and what to compute.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The text.
    pub text: String,
    /// Facet filters.
    pub filters: Filters,
    /// Only datasets, jobs or columns.
    pub kind: Option<DocKind>,
    /// Hits listed.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
    /// Count facet values over every match.
    pub facets: bool,
    /// The text is being typed: its last word also matches as a prefix.
    pub prefix_last: bool,
}

/// A page of hits.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// Matches in all.
    pub total: usize,
    /// This page's hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts over every match, when asked for.
    pub facets: Option<Facets>,
    /// Set when the query was cut.
    pub notice: Option<String>,
}

/// Runs a search.
pub fn search(index: &SearchHandle, r: &SearchRequest) -> Result<SearchPage> {
    let guard = index.read();
    let index = guard.as_ref().ok_or(QueryError::NotReady(SEARCH_OPENING))?;
    let found = index
        .search_with(
            &r.text,
            &r.filters,
            r.kind,
            r.limit,
            r.offset,
            SearchOptions {
                facets: r.facets,
                prefix_last: r.prefix_last,
            },
        )
        .map_err(|e| QueryError::Internal(e.to_string()))?;
    Ok(SearchPage {
        total: found.total,
        hits: found.hits,
        facets: r.facets.then_some(found.facets),
        notice: found
            .truncated_query
            .then(|| format!("the query was cut to its first {MAX_QUERY_CHARS} characters")),
    })
}

/// A hit's Marquez node id: `dataset:…`, `job:…` or `datasetField:…`.
pub fn hit_node_id(h: &Hit) -> String {
    match h.kind {
        DocKind::Job => format!("job:{}:{}", h.namespace, h.name),
        DocKind::Dataset => format!("dataset:{}:{}", h.namespace, h.name),
        DocKind::Column => format!(
            "datasetField:{}:{}:{}",
            h.namespace,
            h.dataset.as_deref().unwrap_or_default(),
            h.name
        ),
    }
}

/// The dataset a hit names, (namespace, name): the hit itself, or a column hit's
/// dataset; none for a job.
pub fn hit_dataset(h: &Hit) -> Option<(&str, &str)> {
    match h.kind {
        DocKind::Job => None,
        DocKind::Dataset => Some((&h.namespace, &h.name)),
        DocKind::Column => h.dataset.as_deref().map(|d| (h.namespace.as_str(), d)),
    }
}

/// The job a hit names, (namespace, name); none for a dataset or column.
pub fn hit_job(h: &Hit) -> Option<(&str, &str)> {
    (h.kind == DocKind::Job).then_some((h.namespace.as_str(), h.name.as_str()))
}

/// An autocomplete suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// A dataset or a job.
    pub kind: DocKind,
    /// The namespace of the dataset or job.
    pub namespace: String,
    /// The full name of the dataset or job.
    pub name: String,
    /// `dataset:NS:NAME` or `job:NS:NAME`.
    pub node_id: String,
    /// How well it matches: what suggestions are ordered by.
    pub score: f64,
}

/// Datasets and jobs (or only those of `kind`) whose name, or a word of it, starts with
/// `prefix`, the most used first, at most `limit`.
pub fn suggestions(
    index: &SearchHandle,
    prefix: &str,
    filters: &Filters,
    kind: Option<DocKind>,
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let guard = index.read();
    let index = guard.as_ref().ok_or(QueryError::NotReady(SEARCH_OPENING))?;
    let found = index
        .suggest_kind(prefix, filters, kind, limit)
        .map_err(|e| QueryError::Internal(e.to_string()))?;
    Ok(found
        .into_iter()
        .map(|x| {
            // Suggestions are datasets and jobs; anything else reads as a dataset.
            let (kind, node) = match x.kind {
                DocKind::Job => (DocKind::Job, format!("job:{}:{}", x.namespace, x.name)),
                _ => (
                    DocKind::Dataset,
                    format!("dataset:{}:{}", x.namespace, x.name),
                ),
            };
            Suggestion {
                kind,
                namespace: x.namespace,
                name: x.name,
                node_id: node,
                score: x.score,
            }
        })
        .collect())
}
