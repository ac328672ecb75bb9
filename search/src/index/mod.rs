//! The Tantivy index of datasets, jobs and columns, and the queries over it.
//!
//! Every document has a kind ([`DocKind`]):
//!
//! - **dataset**: names indexed three ways — the whole name and its last segment as exact
//!   terms (a query that *is* the table's name wins), and its words
//!   ([`crate::tokens::name_words`]) as text — plus its column words and descriptions,
//!   description, tags, owners, platform, tier, classification and lifecycle.
//! - **job**: name and description like a dataset, and the names of the datasets it
//!   reads and writes as low-weight text.
//! - **column**: one per column of a dataset, with the parent's id and prior, the
//!   column's name words and description.
//!
//! A query ranks datasets and jobs. Column matches count towards their dataset through
//! the dataset's own column text, so each dataset is scored and counted once and totals,
//! facets and pagination are exact with one pass over the matches; the column documents
//! then name which columns matched (`matched_columns`) for the hits of the page only —
//! one small query restricted to those datasets. A search for kind
//! [`DocKind::Column`] returns the column documents themselves.
//!
//! The catalog signals are folded into one fast field, the prior ([`crate::rank`]), which
//! multiplies the text score at collection time, so ranking costs one lookup per match.
//! Facet fields are FAST string columns, counted over all matches ([`crate::facets`]).
//!
//! Files: `schema.rs` (the fields and how each is indexed), `documents.rs` (what the
//! server feeds in), `write.rs` (upserts, deletes, commits, the bulk writer),
//! `query.rs` (parsing, clauses, collection, matched columns, highlights),
//! `suggest.rs` (autocomplete), `results.rs` (what a search returns).

mod documents;
mod query;
mod results;
mod schema;
mod suggest;
#[cfg(test)]
mod tests;
mod write;

pub use documents::{DatasetDoc, DocKind, JobDoc};
pub use results::{Facets, Filters, Highlight, Hit, Results, SearchOptions, Suggestion};

use std::path::Path;

use tantivy::schema::Field;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::rank::Weights;
use query::PriorCache;
use schema::schema;

/// Errors from the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy failed (I/O, a corrupt segment).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The index directory could not be created.
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    /// The writer is being replaced (only seen if a previous replacement failed).
    #[error("search index writer unavailable")]
    NoWriter,
}

/// Longer queries are cut (and the result says so).
pub const MAX_QUERY_CHARS: usize = 256;
/// At most this many words of a query are used.
const MAX_WORDS: usize = 16;
/// Largest page.
pub const MAX_LIMIT: usize = 1000;
/// Deepest offset: paging further is scraping, and costs a heap of this size.
pub const MAX_OFFSET: usize = 10_000;
/// Most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 50;
/// Values per facet.
pub const MAX_FACET_VALUES: usize = 20;
/// Matched columns reported per hit.
pub const MAX_MATCHED_COLUMNS: usize = 5;

/// Writer of a running server: one thread and a small arena, since the index shares
/// two cores with ingestion and catalog documents are small.
const WRITER_THREADS: usize = 1;
const WRITER_HEAP: usize = 15_000_000;

struct Fields {
    kind: Field,
    id: Field,
    parent: Field,
    namespace: Field,
    name: Field,
    column: Field,
    exact: Field,
    words: Field,
    columns: Field,
    col: Field,
    description: Field,
    io: Field,
    tags: Field,
    owners: Field,
    platform: Field,
    tier: Field,
    classification: Field,
    lifecycle: Field,
    prior: Field,
    signals: Field,
    updated: Field,
}

/// The search index: on disk under the data directory, or in memory for tests.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    f: Fields,
    weights: Weights,
    priors: PriorCache,
}

impl SearchIndex {
    /// Opens (or creates) the index in `dir`. An index written with another schema
    /// (an older Weft) fails to open; the caller deletes and rebuilds it.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, f) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        SearchIndex::with(index, f)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, f) = schema();
        SearchIndex::with(Index::create_in_ram(schema), f)
    }

    fn with(index: Index, f: Fields) -> Result<SearchIndex, SearchError> {
        let writer = index.writer_with_num_threads(WRITER_THREADS, WRITER_HEAP)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Some(writer),
            f,
            weights: Weights::default(),
            priors: PriorCache::default(),
        })
    }

    /// Documents in the index (datasets, jobs and columns; deleted ones excluded once
    /// merged).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Tantivy index, for maintenance.
    pub fn raw(&self) -> &Index {
        &self.index
    }

    /// Removes every document (a rebuild follows).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        self.commit()
    }
}
