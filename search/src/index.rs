//! The Tantivy index of datasets, jobs and columns, and the queries over it.
//!
//! Every document has a kind ([`DocKind`]):
//!
//! - **dataset**: names indexed three ways — the whole name and its last segment as exact
//!   terms (a query that *is* the table's name wins), and its words
//!   ([`crate::tokens::name_words`]) as text — plus its column words and descriptions,
//!   description, tags, owners, platform, tier and lifecycle.
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

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, InvertedIndexRangeQuery, Occur,
    Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

use crate::facets::{FACET_FIELDS, FacetCollector, top};
use crate::rank::{Prior, Signals, Weights, now_us};
use crate::tokens::{last_segment, looks_temporary, name_words, within_one_edit, word_spans};

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

/// What a document is: results say which, and a search can be limited to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DocKind {
    /// A dataset (table, file, topic).
    #[default]
    Dataset,
    /// A job (pipeline step).
    Job,
    /// A column of a dataset.
    Column,
}

impl DocKind {
    /// The indexed spelling: `dataset`, `job`, `column`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Dataset => "dataset",
            DocKind::Job => "job",
            DocKind::Column => "column",
        }
    }

    /// Parses [`DocKind::as_str`]'s spelling, case-insensitively (Marquez's `DATASET`
    /// and `JOB` included).
    pub fn parse(s: &str) -> Option<DocKind> {
        match s.to_ascii_lowercase().as_str() {
            "dataset" => Some(DocKind::Dataset),
            "job" => Some(DocKind::Job),
            "column" => Some(DocKind::Column),
            _ => None,
        }
    }
}

/// A dataset as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetDoc {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name.
    pub name: String,
    /// `postgres`, `snowflake`, … (the namespace's scheme when not known better).
    pub platform: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Columns: (name, description). Each also becomes a column document.
    pub columns: Vec<(String, Option<String>)>,
    /// Tag keys on the dataset or its columns.
    pub tags: Vec<String>,
    /// Owner names.
    pub owners: Vec<String>,
    /// Last change (µs since the epoch), reported with each hit.
    pub updated_at: Option<i64>,
    /// Everything that is not text.
    pub signals: Signals,
}

/// A job as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobDoc {
    /// OpenLineage namespace.
    pub namespace: String,
    /// OpenLineage name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Names of the datasets it reads.
    pub inputs: Vec<String>,
    /// Names of the datasets it writes.
    pub outputs: Vec<String>,
    /// Owner names.
    pub owners: Vec<String>,
    /// Last change (µs since the epoch), reported with each hit.
    pub updated_at: Option<i64>,
    /// Ranking signals (usage of its outputs, lineage, lifecycle…).
    pub signals: Signals,
}

/// Filters that must hold (facets). They apply to datasets and jobs; a search of kind
/// [`DocKind::Column`] ignores them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only this platform.
    pub platform: Option<String>,
    /// Only datasets with this tag (their own or one of their columns'); `pii.*` means
    /// any tag under `pii.`.
    pub tag: Option<String>,
    /// Only datasets with this owner.
    pub owner: Option<String>,
    /// Only this tier.
    pub tier: Option<String>,
}

/// How to run a search, beyond its text and filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Count facets: on a broad query the counts visit every match and cost most of the
    /// query's time, and a search box that shows no facet panel should not pay for them.
    pub facets: bool,
    /// The text is still being typed: its last word (when the text does not end with a
    /// space) also matches as the start of a word, so `custom` finds `customers` before
    /// the word is finished. Whole-word matches still score higher.
    pub prefix_last: bool,
}

/// A highlighted fragment of a hit: why it matched, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// `name`, `description` or `columns`.
    pub field: String,
    /// HTML: matched words in `<b>…</b>`, everything else escaped.
    pub fragment: String,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Dataset, job, or (for a column search) column.
    pub kind: DocKind,
    /// Namespace.
    pub namespace: String,
    /// Name (of the column, for a column hit).
    pub name: String,
    /// The dataset a column hit belongs to (`None` for datasets and jobs): a column's
    /// name alone says nothing about where it lives.
    pub dataset: Option<String>,
    /// Final score: `text × prior`.
    pub score: f64,
    /// Text relevance (BM25 with field boosts).
    pub text: f64,
    /// The prior's factors.
    pub prior: Prior,
    /// Last change (µs), as indexed.
    pub updated_at: Option<i64>,
    /// Columns of a dataset hit that match the query (best first, at most
    /// [`MAX_MATCHED_COLUMNS`]); the column itself for a column hit.
    pub matched_columns: Vec<String>,
    /// Highlighted fragments of the name, description and matched columns.
    pub highlights: Vec<Highlight>,
    /// The penalties a person should see before using it (`deprecated`, `zombie`,
    /// `temporary`; see [`Signals::marks`]), as computed with its prior at indexing.
    pub marks: Vec<String>,
}

impl Hit {
    /// The score's breakdown: `text`, every factor of the prior, and the final `score`
    /// (`text × product of the factors`).
    pub fn explain(&self) -> Vec<(&'static str, f64)> {
        let mut v = vec![("text", self.text)];
        v.extend(self.prior.explain());
        v.push(("score", self.score));
        v
    }
}

/// Facet counts over all matching documents, highest count first, at most
/// [`MAX_FACET_VALUES`] values each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// By platform.
    pub platform: Vec<(String, u64)>,
    /// By namespace.
    pub namespace: Vec<(String, u64)>,
    /// By tag.
    pub tag: Vec<(String, u64)>,
    /// By owner.
    pub owner: Vec<(String, u64)>,
    /// By tier.
    pub tier: Vec<(String, u64)>,
}

/// A page of results and how many matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Matching documents in all.
    pub total: usize,
    /// Set when the query was cut to [`MAX_QUERY_CHARS`].
    pub truncated_query: bool,
    /// Counts per facet value over all matches.
    pub facets: Facets,
}

/// An autocomplete suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Dataset or job.
    pub kind: DocKind,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Rank: match quality (2 for a name starting with the prefix, plus 1 for a word
    /// starting with it) times the prior.
    pub score: f64,
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

/// Field boosts: exact name ≫ name words ≫ columns ≫ description.
const BOOST_EXACT: f32 = 10.0;
const BOOST_WORDS: f32 = 4.0;
const BOOST_FUZZY: f32 = 1.5;
/// An unfinished last word matching the start of a name word: below a whole word.
const BOOST_PREFIX: f32 = 2.0;
/// Shortest unfinished word matched as a prefix.
const MIN_PREFIX_CHARS: usize = 3;
const BOOST_COLUMNS: f32 = 1.5;
const BOOST_DESCRIPTION: f32 = 1.0;
const BOOST_IO: f32 = 0.5;

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

/// Every document's prior, per segment, as a plain array. Scoring multiplies the prior
/// into every match, and decoding it from the fast-field column for each one was a
/// quarter of a broad query's time; segments are immutable, so each is decoded once
/// (a few milliseconds per million documents) and dropped when merged away.
#[derive(Default)]
struct PriorCache(std::sync::Mutex<HashMap<tantivy::index::SegmentId, Arc<Vec<f32>>>>);

type Priors = Arc<HashMap<tantivy::index::SegmentId, Arc<Vec<f32>>>>;

impl PriorCache {
    /// The priors of the searcher's segments, decoding the new ones.
    fn for_searcher(&self, searcher: &Searcher) -> Priors {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let live: std::collections::HashSet<tantivy::index::SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        cache.retain(|id, _| live.contains(id));
        for segment in searcher.segment_readers() {
            cache.entry(segment.segment_id()).or_insert_with(|| {
                let column = segment.fast_fields().f64("prior").ok();
                let values: Vec<f32> = (0..segment.max_doc())
                    .map(|d| column.as_ref().and_then(|c| c.first(d)).unwrap_or(1.0) as f32)
                    .collect();
                Arc::new(values)
            });
        }
        Arc::new(cache.clone())
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Text without positions: queries are bags of words, never phrases.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let f = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        parent: b.add_text_field("parent", STRING | FAST),
        namespace: b.add_text_field("namespace", STRING | STORED | FAST),
        name: b.add_text_field("name", STRING | STORED),
        column: b.add_text_field("column", FAST),
        exact: b.add_text_field("exact", STRING),
        words: b.add_text_field("words", text.clone()),
        columns: b.add_text_field("columns", text.clone()),
        col: b.add_text_field("col", text.clone()),
        description: b.add_text_field("description", text.clone() | STORED),
        io: b.add_text_field("io", text),
        tags: b.add_text_field(FACET_FIELDS[2], STRING | FAST),
        owners: b.add_text_field(FACET_FIELDS[3], STRING | FAST),
        platform: b.add_text_field(FACET_FIELDS[0], STRING | FAST),
        tier: b.add_text_field(FACET_FIELDS[4], STRING | FAST),
        lifecycle: b.add_text_field("lifecycle", STRING),
        prior: b.add_f64_field("prior", FAST),
        signals: b.add_text_field("signals", STORED),
        updated: b.add_i64_field("updated", STORED),
    };
    (b.build(), f)
}

fn dataset_id(namespace: &str, name: &str) -> String {
    format!("{namespace}\u{1f}{name}")
}

fn job_id(namespace: &str, name: &str) -> String {
    format!("job\u{1f}{namespace}\u{1f}{name}")
}

/// The parsed query: what every search and highlight needs.
struct Parsed {
    whole: String,
    words: Vec<String>,
    truncated: bool,
    /// The last word as typed, to match as a prefix ([`SearchOptions::prefix_last`]).
    prefix: Option<String>,
}

/// Words that carry no meaning in a catalog query ("orders by region for the sales
/// team"): dropped when other words remain, since each matches most descriptions and
/// would make a phrase score nearly every document.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "or", "per", "the", "to",
    "with",
];

fn parse(text: &str) -> Parsed {
    let truncated = text.chars().count() > MAX_QUERY_CHARS;
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut words = name_words(&text);
    let mut seen = HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    if words.iter().any(|w| !STOP_WORDS.contains(&w.as_str())) {
        words.retain(|w| !STOP_WORDS.contains(&w.as_str()));
    }
    words.truncate(MAX_WORDS);
    Parsed {
        whole: text.trim().to_lowercase(),
        words,
        truncated,
        prefix: None,
    }
}

/// The last word of `text` when it may be unfinished: no space after it, and long enough
/// (`MIN_PREFIX_CHARS`) that its completions are a useful set rather than half the
/// dictionary.
fn unfinished_word(text: &str) -> Option<String> {
    if text.ends_with(char::is_whitespace) {
        return None;
    }
    let last = name_words(text.split_whitespace().last()?).pop()?;
    (last.chars().count() >= MIN_PREFIX_CHARS).then_some(last)
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

    fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        self.writer.as_mut().ok_or(SearchError::NoWriter)
    }

    /// Replaces the writer by one with `threads` indexing threads sharing
    /// `memory_bytes` (at least 15 MB per thread), for a full rebuild: fewer, larger
    /// segments and parallel indexing. Commits pending changes first. Call
    /// [`SearchIndex::end_bulk`] afterwards to return to the frugal writer.
    pub fn begin_bulk(&mut self, threads: usize, memory_bytes: usize) -> Result<(), SearchError> {
        let threads = threads.max(1);
        let memory = memory_bytes.max(threads * WRITER_HEAP);
        self.replace_writer(threads, memory, false)
    }

    /// Commits, waits for the bulk writer's merges, and returns to the server's frugal
    /// writer (one thread, 15 MB).
    pub fn end_bulk(&mut self) -> Result<(), SearchError> {
        self.replace_writer(WRITER_THREADS, WRITER_HEAP, true)
    }

    fn replace_writer(
        &mut self,
        threads: usize,
        memory: usize,
        wait_merges: bool,
    ) -> Result<(), SearchError> {
        self.commit()?;
        if let Some(old) = self.writer.take() {
            if wait_merges {
                old.wait_merging_threads()?;
            } else {
                drop(old);
            }
        }
        self.writer = Some(self.index.writer_with_num_threads(threads, memory)?);
        self.reader.reload()?;
        Ok(())
    }

    /// Ranks with `weights` instead of the defaults (affects documents indexed after).
    pub fn set_weights(&mut self, weights: Weights) {
        self.weights = weights;
    }

    /// Adds or replaces a dataset and its columns; visible after
    /// [`SearchIndex::commit`]. The prior is computed now (freshness included): re-index
    /// a dataset when its signals change.
    pub fn upsert(&mut self, d: &DatasetDoc) -> Result<(), SearchError> {
        let id = dataset_id(&d.namespace, &d.name);
        let mut signals = d.signals.clone();
        signals.temporary_name |= looks_temporary(&d.name);
        let prior = Prior::at(&signals, &self.weights, now_us());
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, DocKind::Dataset.as_str());
        doc.add_text(f.id, &id);
        self.names(
            &mut doc,
            &d.namespace,
            &d.name,
            d.description.as_deref(),
            &prior,
            &signals.marks(),
        );
        for (c, desc) in &d.columns {
            doc.add_text(f.columns, name_words(c).join(" "));
            if let Some(t) = desc {
                doc.add_text(f.columns, t);
            }
        }
        let mut tags: Vec<String> = d.tags.iter().map(|t| t.to_lowercase()).collect();
        tags.sort();
        tags.dedup();
        for t in &tags {
            doc.add_text(f.tags, t);
        }
        self.owners(&mut doc, &d.owners);
        if let Some(p) = &d.platform {
            doc.add_text(f.platform, p.to_lowercase());
        }
        if let Some(t) = &signals.tier {
            doc.add_text(f.tier, t.to_lowercase());
        }
        if let Some(l) = &signals.lifecycle {
            doc.add_text(f.lifecycle, l.to_lowercase());
        }
        if let Some(t) = d.updated_at {
            doc.add_i64(f.updated, t);
        }
        let mut columns = Vec::with_capacity(d.columns.len());
        for (c, desc) in &d.columns {
            let mut cd = TantivyDocument::default();
            cd.add_text(f.kind, DocKind::Column.as_str());
            cd.add_text(f.parent, &id);
            cd.add_text(f.column, c);
            cd.add_text(f.col, name_words(c).join(" "));
            if let Some(t) = desc {
                cd.add_text(f.col, t);
            }
            cd.add_f64(f.prior, prior.value());
            columns.push(cd);
        }
        let (id_field, parent_field) = (f.id, f.parent);
        let w = self.writer()?;
        w.delete_term(Term::from_field_text(id_field, &id));
        w.delete_term(Term::from_field_text(parent_field, &id));
        w.add_document(doc)?;
        for cd in columns {
            w.add_document(cd)?;
        }
        Ok(())
    }

    /// Adds or replaces a job; visible after [`SearchIndex::commit`].
    pub fn upsert_job(&mut self, j: &JobDoc) -> Result<(), SearchError> {
        let id = job_id(&j.namespace, &j.name);
        let prior = Prior::at(&j.signals, &self.weights, now_us());
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, DocKind::Job.as_str());
        doc.add_text(f.id, &id);
        self.names(
            &mut doc,
            &j.namespace,
            &j.name,
            j.description.as_deref(),
            &prior,
            &j.signals.marks(),
        );
        for d in j.inputs.iter().chain(&j.outputs) {
            doc.add_text(f.io, name_words(last_segment(d)).join(" "));
        }
        self.owners(&mut doc, &j.owners);
        if let Some(l) = &j.signals.lifecycle {
            doc.add_text(f.lifecycle, l.to_lowercase());
        }
        if let Some(t) = j.updated_at {
            doc.add_i64(f.updated, t);
        }
        let id_field = f.id;
        let w = self.writer()?;
        w.delete_term(Term::from_field_text(id_field, &id));
        w.add_document(doc)?;
        Ok(())
    }

    /// The fields datasets and jobs share: names, description, prior, and the prior's
    /// factors with the marks behind its penalty (stored, for `explain` and `marks`).
    fn names(
        &self,
        doc: &mut TantivyDocument,
        namespace: &str,
        name: &str,
        description: Option<&str>,
        prior: &Prior,
        marks: &[&str],
    ) {
        let f = &self.f;
        doc.add_text(f.namespace, namespace);
        doc.add_text(f.name, name);
        doc.add_text(f.exact, name.to_lowercase());
        doc.add_text(f.exact, last_segment(name).to_lowercase());
        doc.add_text(f.words, name_words(last_segment(name)).join(" "));
        doc.add_text(f.words, name_words(name).join(" "));
        if let Some(t) = description {
            doc.add_text(f.description, t);
        }
        doc.add_f64(f.prior, prior.value());
        // Six factors, then the marks as one comma-separated word when there are any
        // (documents indexed before marks existed have only the factors).
        let mut stored = format!(
            "{} {} {} {} {} {}",
            prior.usage,
            prior.centrality,
            prior.tier,
            prior.documentation,
            prior.freshness,
            prior.penalty
        );
        if !marks.is_empty() {
            stored.push(' ');
            stored.push_str(&marks.join(","));
        }
        doc.add_text(f.signals, stored);
    }

    fn owners(&self, doc: &mut TantivyDocument, owners: &[String]) {
        let mut o: Vec<String> = owners.iter().map(|o| o.to_lowercase()).collect();
        o.sort();
        o.dedup();
        for o in o {
            doc.add_text(self.f.owners, o);
        }
    }

    /// Removes a dataset and its columns; effective after [`SearchIndex::commit`].
    pub fn delete(&mut self, namespace: &str, name: &str) {
        let id = dataset_id(namespace, name);
        let (id_field, parent_field) = (self.f.id, self.f.parent);
        if let Some(w) = self.writer.as_mut() {
            w.delete_term(Term::from_field_text(id_field, &id));
            w.delete_term(Term::from_field_text(parent_field, &id));
        }
    }

    /// Removes a job; effective after [`SearchIndex::commit`].
    pub fn delete_job(&mut self, namespace: &str, name: &str) {
        let id = job_id(namespace, name);
        let id_field = self.f.id;
        if let Some(w) = self.writer.as_mut() {
            w.delete_term(Term::from_field_text(id_field, &id));
        }
    }

    /// Makes every change so far durable and searchable.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer()?.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Searches datasets and jobs: [`SearchIndex::search_kind`] with no kind.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<Results, SearchError> {
        self.search_kind(text, filters, None, limit, offset)
    }

    /// Searches documents of `kind` (`None`: datasets and jobs). Not every word must
    /// match (more matching words score higher), words of four letters or more also
    /// match one typo away, and user input is never parsed as query syntax, so quotes
    /// and operators are plain text. `limit` is clamped to `1..=MAX_LIMIT` and
    /// `offset` to [`MAX_OFFSET`]. An empty query with no filter matches nothing.
    pub fn search_kind(
        &self,
        text: &str,
        filters: &Filters,
        kind: Option<DocKind>,
        limit: usize,
        offset: usize,
    ) -> Result<Results, SearchError> {
        let opts = SearchOptions {
            facets: true,
            prefix_last: false,
        };
        self.search_with(text, filters, kind, limit, offset, opts)
    }

    /// Like [`SearchIndex::search_kind`], with [`SearchOptions`]: facets only when
    /// asked, and the last word as a prefix while someone types.
    pub fn search_with(
        &self,
        text: &str,
        filters: &Filters,
        kind: Option<DocKind>,
        limit: usize,
        offset: usize,
        opts: SearchOptions,
    ) -> Result<Results, SearchError> {
        let facets = opts.facets;
        let mut q = parse(text);
        if opts.prefix_last {
            q.prefix = unfinished_word(&text.chars().take(MAX_QUERY_CHARS).collect::<String>());
        }
        let limit = limit.clamp(1, MAX_LIMIT);
        let offset = offset.min(MAX_OFFSET);
        let empty = |truncated_query| Results {
            hits: Vec::new(),
            total: 0,
            truncated_query,
            facets: Facets::default(),
        };
        let columns_only = kind == Some(DocKind::Column);
        let text_query = if columns_only {
            self.column_clauses(&q.words)
        } else {
            self.text_clauses(&q)
        };
        let filter_clauses = if columns_only {
            Vec::new()
        } else {
            self.filter_clauses(filters)
        };
        if text_query.is_none() && filter_clauses.is_empty() {
            return Ok(empty(q.truncated));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(t) = text_query {
            clauses.push((Occur::Must, t));
        }
        clauses.push((Occur::Must, self.kind_clause(kind)));
        clauses.extend(filter_clauses.into_iter().map(|c| (Occur::Must, c)));
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let collector = TopDocs::with_limit(limit)
            .and_offset(offset)
            .tweak_score(by_prior(self.priors.for_searcher(&searcher)));
        let (found, total, counts) = if facets {
            searcher.search(&query, &(collector, Count, FacetCollector))?
        } else {
            let (found, total) = searcher.search(&query, &(collector, Count))?;
            (found, total, Vec::new())
        };
        let mut counts = counts.into_iter();
        let mut next = || top(counts.next().unwrap_or_default(), MAX_FACET_VALUES);
        let facets = Facets {
            platform: next(),
            namespace: next(),
            tag: next(),
            owner: next(),
            tier: next(),
        };
        let (mut hits, descriptions) = if columns_only {
            let hits = self.column_hits(&searcher, &found)?;
            let none = vec![None; hits.len()];
            (hits, none)
        } else {
            let mut hits = Vec::with_capacity(found.len());
            let mut descriptions = Vec::with_capacity(found.len());
            for &(score, addr) in &found {
                let (hit, description) = self.hit(&searcher, addr, score)?;
                hits.push(hit);
                descriptions.push(description);
            }
            self.add_matched_columns(&searcher, &q, &mut hits)?;
            (hits, descriptions)
        };
        self.highlight(&searcher, &query, &q, &mut hits, &descriptions)?;
        Ok(Results {
            hits,
            total,
            truncated_query: q.truncated,
            facets,
        })
    }

    /// The text part of a dataset/job query, `None` for no words.
    fn text_clauses(&self, q: &Parsed) -> Option<Box<dyn Query>> {
        let f = &self.f;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !q.whole.is_empty() {
            should.push(boosted(term(f.exact, &q.whole), BOOST_EXACT));
        }
        for w in &q.words {
            should.push(boosted(term(f.words, w), BOOST_WORDS));
            should.push(boosted(term(f.columns, w), BOOST_COLUMNS));
            should.push(boosted(term(f.description, w), BOOST_DESCRIPTION));
            should.push(boosted(term(f.io, w), BOOST_IO));
            if w.chars().count() >= 4 {
                should.push(boosted(fuzzy(f.words, w), BOOST_FUZZY));
            }
        }
        if let Some(p) = &q.prefix {
            should.push(boosted(prefix_query(f.words, p), BOOST_PREFIX));
        }
        if q.words.is_empty() {
            // Only punctuation: nothing a name or text could contain as a word.
            return None;
        }
        Some(Box::new(BooleanQuery::new(should)))
    }

    /// The words as a query on column documents, `None` for no words.
    fn column_clauses(&self, words: &[String]) -> Option<Box<dyn Query>> {
        let f = &self.f;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in words {
            should.push(boosted(term(f.col, w), 1.0));
            if w.chars().count() >= 4 {
                should.push(boosted(fuzzy(f.col, w), 0.4));
            }
        }
        (!should.is_empty()).then(|| Box::new(BooleanQuery::new(should)) as Box<dyn Query>)
    }

    fn filter_clauses(&self, filters: &Filters) -> Vec<Box<dyn Query>> {
        let f = &self.f;
        let mut out = Vec::new();
        for (field, value) in [
            (f.namespace, filters.namespace.clone()),
            (
                f.platform,
                filters.platform.as_deref().map(str::to_lowercase),
            ),
            (f.tags, filters.tag.as_deref().map(str::to_lowercase)),
            (f.owners, filters.owner.as_deref().map(str::to_lowercase)),
            (f.tier, filters.tier.as_deref().map(str::to_lowercase)),
        ] {
            match value {
                // `tag=pii.*`: every tag under `pii.` ("which datasets hold personal
                // data"), not the literal `pii.*`.
                Some(v) if field == f.tags && v.ends_with(".*") => {
                    out.push(unscored(prefix_query(field, &v[..v.len() - 1])));
                }
                Some(v) => out.push(unscored(term(field, &v))),
                None => {}
            }
        }
        out
    }

    fn kind_clause(&self, kind: Option<DocKind>) -> Box<dyn Query> {
        let kinds = match kind {
            Some(k) => vec![k],
            None => vec![DocKind::Dataset, DocKind::Job],
        };
        // Term queries walk postings and skip; a term-set query would build a bitset
        // over every document (two million column documents) on each search.
        let should: Vec<(Occur, Box<dyn Query>)> = kinds
            .into_iter()
            .map(|k| (Occur::Should, term(self.f.kind, k.as_str())))
            .collect();
        unscored(Box::new(BooleanQuery::new(should)))
    }

    /// The hit at `addr`, and its description (for the highlight).
    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f64,
    ) -> Result<(Hit, Option<String>), SearchError> {
        let f = &self.f;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let stored = text(f.signals);
        let words: Vec<&str> = stored.split(' ').collect();
        let factor = |i: usize| {
            words
                .get(i)
                .and_then(|x| x.parse::<f64>().ok())
                .unwrap_or(1.0)
        };
        let marks: Vec<String> = words
            .get(6)
            .into_iter()
            .flat_map(|m| m.split(','))
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect();
        let prior = Prior {
            usage: factor(0),
            centrality: factor(1),
            tier: factor(2),
            documentation: factor(3),
            freshness: factor(4),
            penalty: factor(5),
        };
        let p = prior.value();
        let description = doc
            .get_first(f.description)
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let hit = Hit {
            kind: DocKind::parse(&text(f.kind)).unwrap_or_default(),
            namespace: text(f.namespace),
            name: text(f.name),
            dataset: None,
            score,
            text: if p > 0.0 { score / p } else { 0.0 },
            prior,
            updated_at: doc.get_first(f.updated).and_then(|v| v.as_i64()),
            matched_columns: Vec::new(),
            highlights: Vec::new(),
            marks,
        };
        Ok((hit, description))
    }

    /// Hits of a column search: each column document reported with its dataset.
    fn column_hits(
        &self,
        searcher: &Searcher,
        found: &[(f64, DocAddress)],
    ) -> Result<Vec<Hit>, SearchError> {
        let mut cache = ColumnCache::default();
        let mut hits = Vec::with_capacity(found.len());
        for &(score, addr) in found {
            let (parent, column) = cache.read(searcher, addr)?;
            let Some(addr) = self.lookup(searcher, &parent)? else {
                continue;
            };
            let (mut hit, _) = self.hit(searcher, addr, score)?;
            hit.kind = DocKind::Column;
            hit.dataset = Some(std::mem::replace(&mut hit.name, column.clone()));
            hit.text = if hit.prior.value() > 0.0 {
                score / hit.prior.value()
            } else {
                0.0
            };
            hit.matched_columns = vec![column];
            hits.push(hit);
        }
        Ok(hits)
    }

    /// The document with this id.
    fn lookup(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.f.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        Ok(found.first().map(|&(_, a)| a))
    }

    /// Fills `matched_columns` of the dataset hits from the column documents: one query
    /// over the columns of these datasets only.
    fn add_matched_columns(
        &self,
        searcher: &Searcher,
        q: &Parsed,
        hits: &mut [Hit],
    ) -> Result<(), SearchError> {
        let ids: Vec<String> = hits
            .iter()
            .filter(|h| h.kind == DocKind::Dataset)
            .map(|h| dataset_id(&h.namespace, &h.name))
            .collect();
        let Some(words) = self.column_clauses(&q.words) else {
            return Ok(());
        };
        if ids.is_empty() {
            return Ok(());
        }
        let parents: Vec<(Occur, Box<dyn Query>)> = ids
            .iter()
            .map(|i| (Occur::Should, term(self.f.parent, i)))
            .collect();
        let query = BooleanQuery::new(vec![
            (Occur::Must, unscored(Box::new(BooleanQuery::new(parents)))),
            (Occur::Must, words),
        ]);
        let cap = (ids.len() * 20).clamp(100, 2000);
        let found = searcher.search(&query, &TopDocs::with_limit(cap).order_by_score())?;
        let mut cache = ColumnCache::default();
        let mut by_parent: HashMap<String, Vec<String>> = HashMap::new();
        for (_, addr) in found {
            let (parent, column) = cache.read(searcher, addr)?;
            let list = by_parent.entry(parent).or_default();
            if list.len() < MAX_MATCHED_COLUMNS && !list.contains(&column) {
                list.push(column);
            }
        }
        for h in hits.iter_mut().filter(|h| h.kind == DocKind::Dataset) {
            if let Some(c) = by_parent.remove(&dataset_id(&h.namespace, &h.name)) {
                h.matched_columns = c;
            }
        }
        Ok(())
    }

    fn highlight(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        q: &Parsed,
        hits: &mut [Hit],
        descriptions: &[Option<String>],
    ) -> Result<(), SearchError> {
        if hits.is_empty() || q.words.is_empty() {
            return Ok(());
        }
        let mut snippets = SnippetGenerator::create(searcher, query, self.f.description)?;
        snippets.set_max_num_chars(160);
        for (h, description) in hits.iter_mut().zip(descriptions) {
            let name = mark_words(&h.name, &q.words, &q.whole);
            if name.contains("<b>") {
                h.highlights.push(Highlight {
                    field: "name".into(),
                    fragment: name,
                });
            }
            if let Some(desc) = description {
                let s = snippets.snippet(desc);
                if !s.highlighted().is_empty() {
                    h.highlights.push(Highlight {
                        field: "description".into(),
                        fragment: s.to_html(),
                    });
                }
            }
            let cols: Vec<String> = h
                .matched_columns
                .iter()
                .map(|c| mark_words(c, &q.words, ""))
                .filter(|c| c.contains("<b>"))
                .collect();
            if !cols.is_empty() {
                h.highlights.push(Highlight {
                    field: "columns".into(),
                    fragment: cols.join(", "),
                });
            }
        }
        Ok(())
    }

    /// Autocomplete: datasets and jobs whose name, last segment or a name word starts
    /// with `prefix` (`ord` → `orders`, `fct_orders`; `fct_or` → `fct_orders`; earlier
    /// words of a multi-word prefix must match whole). Ranked by the prior, names that
    /// start with the prefix first. At most `limit` (capped at [`MAX_SUGGESTIONS`]).
    pub fn suggest(
        &self,
        prefix: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        self.suggest_kind(prefix, filters, None, limit)
    }

    /// [`SearchIndex::suggest`] limited to documents of `kind` (`None`: datasets and
    /// jobs; columns are never suggested, so [`DocKind::Column`] finds nothing).
    pub fn suggest_kind(
        &self,
        prefix: &str,
        filters: &Filters,
        kind: Option<DocKind>,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        if kind == Some(DocKind::Column) {
            return Ok(Vec::new());
        }
        let f = &self.f;
        let q = parse(prefix);
        let Some((last, rest)) = q.words.split_last() else {
            return Ok(Vec::new());
        };
        let mut word_query: Vec<(Occur, Box<dyn Query>)> = rest
            .iter()
            .map(|w| (Occur::Must, term(f.words, w)))
            .collect();
        word_query.push((Occur::Must, prefix_query(f.words, last)));
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(word_query)),
                1.0,
            )),
        )];
        // A whole-name prefix of one or two letters would expand to most names.
        if q.whole.chars().count() >= 3 {
            alternatives.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(prefix_query(f.exact, &q.whole), 2.0)),
            ));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(alternatives))),
            (Occur::Must, self.kind_clause(kind)),
        ];
        clauses.extend(
            self.filter_clauses(filters)
                .into_iter()
                .map(|c| (Occur::Must, c)),
        );
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(limit.clamp(1, MAX_SUGGESTIONS))
            .tweak_score(by_prior(self.priors.for_searcher(&searcher)));
        let found = searcher.search(&query, &top)?;
        let mut out = Vec::with_capacity(found.len());
        for (score, addr) in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            out.push(Suggestion {
                kind: DocKind::parse(&text(f.kind)).unwrap_or_default(),
                namespace: text(f.namespace),
                name: text(f.name),
                score,
            });
        }
        Ok(out)
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

/// Reads `parent` and `column` of column documents from their fast fields, opening each
/// segment's columns once.
#[derive(Default)]
struct ColumnCache {
    segments: HashMap<
        u32,
        (
            Option<tantivy::columnar::StrColumn>,
            Option<tantivy::columnar::StrColumn>,
        ),
    >,
}

impl ColumnCache {
    fn read(
        &mut self,
        searcher: &Searcher,
        addr: DocAddress,
    ) -> Result<(String, String), SearchError> {
        let entry = match self.segments.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                v.insert((ff.str("parent")?, ff.str("column")?))
            }
        };
        let get = |c: &Option<tantivy::columnar::StrColumn>| -> Result<String, SearchError> {
            let mut s = String::new();
            if let Some(c) = c
                && let Some(ord) = c.term_ords(addr.doc_id).next()
            {
                c.ord_to_str(ord, &mut s)?;
            }
            Ok(s)
        };
        Ok((get(&entry.0)?, get(&entry.1)?))
    }
}

/// Multiplies the text score by the document's prior (fast field).
/// Scores by text relevance times the document's prior, read from `priors`.
fn by_prior(
    priors: Priors,
) -> impl Fn(&tantivy::SegmentReader) -> Box<dyn Fn(tantivy::DocId, tantivy::Score) -> f64 + Send + Sync>
+ Clone
+ Send
+ Sync
+ 'static {
    move |segment: &tantivy::SegmentReader| {
        let values = priors.get(&segment.segment_id()).cloned();
        Box::new(move |doc: tantivy::DocId, score: tantivy::Score| {
            let p = values
                .as_ref()
                .and_then(|v| v.get(doc as usize))
                .copied()
                .unwrap_or(1.0);
            f64::from(score) * f64::from(p)
        })
    }
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn fuzzy(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(FuzzyTermQuery::new(
        Term::from_field_text(field, word),
        1,
        true,
    ))
}

/// Terms of `field` starting with `prefix`.
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let upper = format!("{prefix}\u{10FFFF}");
    Box::new(InvertedIndexRangeQuery::new(
        Bound::Included(Term::from_field_text(field, prefix)),
        Bound::Included(Term::from_field_text(field, &upper)),
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(q, boost)))
}

/// A clause that must match but adds nothing to the score.
fn unscored(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// `name` as HTML with the words matching the query in `<b>…</b>`: equal, or one edit
/// away for words of four letters or more (the query's typo tolerance). A name equal to
/// the whole query is marked entirely.
fn mark_words(name: &str, words: &[String], whole: &str) -> String {
    if !whole.is_empty()
        && (name.to_lowercase() == whole || last_segment(name).to_lowercase() == whole)
    {
        let seg = last_segment(name);
        let start = name.len() - seg.len();
        return format!(
            "{}<b>{}</b>{}",
            escape(&name[..start]),
            escape(seg),
            escape(&name[start + seg.len()..])
        );
    }
    let mut out = String::with_capacity(name.len() + 16);
    let mut at = 0;
    for (range, w) in word_spans(name) {
        let hit = words.iter().any(|q| {
            *q == w || (q.chars().count() >= 4 && w.chars().count() >= 3 && within_one_edit(q, &w))
        });
        if hit {
            out.push_str(&escape(&name[at..range.start]));
            out.push_str("<b>");
            out.push_str(&escape(&name[range.clone()]));
            out.push_str("</b>");
            at = range.end;
        }
    }
    out.push_str(&escape(&name[at..]));
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(name: &str, signals: Signals) -> DatasetDoc {
        DatasetDoc {
            namespace: "postgres://db:5432".into(),
            name: name.into(),
            platform: Some("postgres".into()),
            signals,
            ..DatasetDoc::default()
        }
    }

    fn used(reads: f64, users: f64, downstream: u64, tier: Option<&str>) -> Signals {
        Signals {
            reads_30d: Some(reads),
            reads_90d: Some(reads),
            distinct_users_30d: Some(users),
            downstream,
            tier: tier.map(str::to_owned),
            ..Signals::default()
        }
    }

    fn catalog() -> SearchIndex {
        let mut idx = SearchIndex::in_memory().expect("index");
        let mut orders = ds("shop.public.orders", used(900.0, 25.0, 5, Some("gold")));
        orders.owners = vec!["team:sales".into()];
        orders.description = Some("One row per order placed in the web <shop>".into());
        orders.tags = vec!["pii.email".into(), "PII.email".into()];
        orders.columns = vec![
            ("order_id".into(), None),
            ("customer_email".into(), Some("where receipts go".into())),
        ];
        let mut customers = ds("shop.public.customers", used(500.0, 20.0, 3, None));
        customers.columns = vec![
            ("orders_count".into(), Some("lifetime orders".into())),
            ("email_address".into(), None),
        ];
        customers.tags = vec!["pii.email".into()];
        let mut legacy = ds("shop.legacy.orders", used(50.0, 2.0, 0, None));
        legacy.signals.lifecycle = Some("deprecated".into());
        let mut fct = ds(
            "analytics.marts.fct_orders",
            used(300.0, 12.0, 2, Some("silver")),
        );
        fct.namespace = "snowflake://acme".into();
        fct.platform = Some("snowflake".into());
        fct.owners = vec!["team:analytics".into(), "team:sales".into()];
        for d in [
            orders,
            customers,
            legacy,
            ds("shop.public.orders_bak_2019", used(0.0, 0.0, 0, None)),
            ds("scratch.tmp_orders_v2", used(3.0, 1.0, 0, None)),
            fct,
            ds("shop.public.order_items", used(400.0, 10.0, 1, None)),
            ds("shop.public.payments", used(100.0, 5.0, 1, None)),
        ] {
            idx.upsert(&d).expect("upsert");
        }
        idx.upsert_job(&JobDoc {
            namespace: "airflow".into(),
            name: "nightly.load_orders".into(),
            description: Some("Loads the web shop's orders".into()),
            inputs: vec!["shop.public.orders".into()],
            outputs: vec!["analytics.marts.fct_orders".into()],
            owners: vec!["team:data".into()],
            ..JobDoc::default()
        })
        .expect("job");
        idx.upsert_job(&JobDoc {
            namespace: "airflow".into(),
            name: "hourly.refresh_payments".into(),
            inputs: vec!["shop.public.payments".into()],
            ..JobDoc::default()
        })
        .expect("job");
        idx.commit().expect("commit");
        idx
    }

    fn names(r: &Results) -> Vec<&str> {
        r.hits.iter().map(|h| h.name.as_str()).collect()
    }

    fn search(idx: &SearchIndex, q: &str) -> Results {
        idx.search(q, &Filters::default(), 20, 0).expect("search")
    }

    #[test]
    fn an_unfinished_last_word_matches_as_a_prefix_only_when_asked() {
        let idx = catalog();
        let typing = |q: &str| {
            let opts = SearchOptions {
                facets: false,
                prefix_last: true,
            };
            idx.search_with(q, &Filters::default(), None, 20, 0, opts)
                .expect("search")
        };
        // "ord" is no word of any name, and too short for a typo match.
        assert_eq!(search(&idx, "ord").total, 0);
        let r = typing("ord");
        assert!(names(&r).contains(&"shop.public.orders"), "{:?}", names(&r));
        // A finished word (a space after it) is not a prefix.
        assert_eq!(typing("ord ").total, 0);
        // Too short to complete.
        assert_eq!(typing("or").total, 0);
        // The whole word still ranks the exact table first.
        assert_eq!(names(&typing("orders"))[0], "shop.public.orders");
    }

    #[test]
    fn the_used_table_beats_its_copies() {
        let idx = catalog();
        let r = search(&idx, "orders");
        let n = names(&r);
        assert_eq!(n[0], "shop.public.orders", "{n:?}");
        assert_eq!(n[1], "analytics.marts.fct_orders", "{n:?}");
        let pos = |x: &str| n.iter().position(|y| *y == x).expect(x);
        // A deprecated table keeps its exact-name match but falls below the live ones;
        // copies fall below merely related tables.
        assert!(pos("shop.legacy.orders") > 1, "{n:?}");
        for copy in ["shop.public.orders_bak_2019", "scratch.tmp_orders_v2"] {
            assert!(pos(copy) > pos("shop.public.order_items"), "{copy}: {n:?}");
        }
        assert!(!n.contains(&"shop.public.payments"));
        // The explanation multiplies out to the score and names every factor.
        let h = &r.hits[0];
        assert!((h.text * h.prior.value() - h.score).abs() < 1e-6, "{h:?}");
        assert!(h.prior.tier > 1.0 && h.prior.usage > 1.0);
        let e = h.explain();
        let keys: Vec<&str> = e.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "text",
                "usage",
                "centrality",
                "tier",
                "documentation",
                "freshness",
                "penalty",
                "score"
            ]
        );
        let product: f64 = e[..7].iter().map(|(_, v)| v).product();
        assert!((product - h.score).abs() < 1e-6);
        let bak = &r.hits[pos("shop.public.orders_bak_2019")];
        assert!((bak.prior.penalty - 0.6 * 0.7).abs() < 1e-9, "{bak:?}");
        // The marks say which penalties those are; a live table has none.
        assert_eq!(bak.marks, ["zombie", "temporary"], "{bak:?}");
        assert_eq!(r.hits[pos("shop.legacy.orders")].marks, ["deprecated"]);
        assert!(h.marks.is_empty(), "{h:?}");
    }

    #[test]
    fn typos_partial_matches_and_operators_are_fine() {
        let idx = catalog();
        let typo = search(&idx, "ordres");
        assert!(
            names(&typo).contains(&"shop.public.orders"),
            "{:?}",
            names(&typo)
        );
        let two = search(&idx, "customer orders");
        assert!(names(&two).contains(&"shop.public.customers"));
        assert!(names(&two).contains(&"shop.public.orders"));
        // Not every word must match: "zebra" matches nothing, the rest still counts.
        let partial = search(&idx, "zebra payments");
        assert_eq!(names(&partial)[0], "shop.public.payments");
        for junk in [
            "\"orders AND (",
            "orders OR -payments",
            "name:orders",
            "orders^3 ~2 *",
            "[orders TO",
        ] {
            let r = search(&idx, junk);
            assert!(names(&r).contains(&"shop.public.orders"), "{junk}");
        }
        for nothing in ["", "   ", "\"\"", "&&||", "ç∂ƒ©", "🦀"] {
            let r = search(&idx, nothing);
            assert_eq!(r.total, 0, "{nothing}");
            assert!(!r.truncated_query);
        }
        let long = "orders ".repeat(100);
        let r = search(&idx, &long);
        assert!(r.truncated_query);
        assert_eq!(names(&r)[0], "shop.public.orders");
        assert!(!search(&idx, "orders").truncated_query);
    }

    #[test]
    fn stop_words_are_dropped_unless_nothing_else_remains() {
        assert_eq!(
            parse("orders by region for the team").words,
            ["orders", "region", "team"]
        );
        assert_eq!(parse("the").words, ["the"]);
    }

    #[test]
    fn limits_and_offsets_are_capped() {
        let idx = catalog();
        let r = idx
            .search("orders", &Filters::default(), usize::MAX, 0)
            .expect("huge limit");
        assert_eq!(r.hits.len(), r.total);
        let r = idx
            .search("orders", &Filters::default(), 0, 0)
            .expect("zero limit");
        assert_eq!(r.hits.len(), 1);
        let r = idx
            .search("orders", &Filters::default(), 10, usize::MAX)
            .expect("huge offset");
        assert!(r.hits.is_empty());
        assert!(r.total > 0);
    }

    #[test]
    fn filters_pages_and_replacement() {
        let mut idx = catalog();
        let gold = Filters {
            tier: Some("GOLD".into()),
            ..Filters::default()
        };
        assert_eq!(
            names(&idx.search("orders", &gold, 10, 0).expect("s")),
            ["shop.public.orders"]
        );
        let owned = Filters {
            owner: Some("team:sales".into()),
            ..Filters::default()
        };
        let r = idx.search("", &owned, 10, 0).expect("s");
        assert_eq!(r.total, 2, "{:?}", names(&r));
        let snow = Filters {
            platform: Some("Snowflake".into()),
            ..Filters::default()
        };
        assert_eq!(
            names(&idx.search("orders", &snow, 10, 0).expect("s")),
            ["analytics.marts.fct_orders"]
        );
        let tagged = Filters {
            tag: Some("pii.email".into()),
            namespace: Some("postgres://db:5432".into()),
            ..Filters::default()
        };
        assert_eq!(idx.search("", &tagged, 10, 0).expect("s").total, 2);
        // A trailing `.*` matches every tag under the prefix, and only those.
        let under = |tag: &str| Filters {
            tag: Some(tag.into()),
            ..Filters::default()
        };
        assert_eq!(idx.search("", &under("PII.*"), 10, 0).expect("s").total, 2);
        assert_eq!(idx.search("", &under("pi.*"), 10, 0).expect("s").total, 0);
        let all = idx.search("orders", &Filters::default(), 2, 0).expect("s");
        let next = idx.search("orders", &Filters::default(), 2, 2).expect("s");
        assert_eq!(all.total, next.total);
        assert!(names(&next).iter().all(|n| !names(&all).contains(n)));
        let before = idx.len();
        // Replacing a dataset replaces its column documents too (2 → 0 columns), and
        // deleting one removes it with its columns.
        idx.upsert(&ds("shop.public.orders", used(1.0, 1.0, 0, None)))
            .expect("upsert");
        idx.delete("postgres://db:5432", "shop.public.payments");
        idx.delete_job("airflow", "hourly.refresh_payments");
        idx.commit().expect("commit");
        assert_eq!(idx.len(), before - 2 - 1 - 1);
        let r = search(&idx, "shop.public.orders");
        assert_eq!(
            r.hits
                .iter()
                .filter(|h| h.name == "shop.public.orders")
                .count(),
            1
        );
        assert!(search(&idx, "payments").hits.is_empty());
    }

    #[test]
    fn facets_count_every_match_not_just_the_page() {
        let idx = catalog();
        let r = idx.search("orders", &Filters::default(), 1, 0).expect("s");
        // orders, customers (column orders_count), legacy, bak, tmp, fct, order_items
        // (fuzzy "order"), and the job nightly.load_orders.
        assert_eq!(r.total, 8, "{:?}", search(&idx, "orders").hits);
        assert_eq!(r.hits.len(), 1);
        assert_eq!(
            r.facets.platform,
            [("postgres".to_string(), 6), ("snowflake".to_string(), 1)]
        );
        assert_eq!(
            r.facets.namespace,
            [
                ("postgres://db:5432".to_string(), 6),
                ("airflow".to_string(), 1),
                ("snowflake://acme".to_string(), 1)
            ]
        );
        // The duplicate tag (case) on orders counts once.
        assert_eq!(r.facets.tag, [("pii.email".to_string(), 2)]);
        assert_eq!(
            r.facets.owner,
            [
                ("team:sales".to_string(), 2),
                ("team:analytics".to_string(), 1),
                ("team:data".to_string(), 1)
            ]
        );
        assert_eq!(
            r.facets.tier,
            [("gold".to_string(), 1), ("silver".to_string(), 1)]
        );
    }

    #[test]
    fn jobs_are_found_and_kinds_filter() {
        let idx = catalog();
        let r = search(&idx, "load orders");
        let job = r
            .hits
            .iter()
            .find(|h| h.name == "nightly.load_orders")
            .expect("job found");
        assert_eq!(job.kind, DocKind::Job);
        assert_eq!(job.namespace, "airflow");
        // A job is found by the datasets it touches, below the datasets themselves.
        let r = search(&idx, "payments");
        assert_eq!(
            names(&r),
            ["shop.public.payments", "hourly.refresh_payments"]
        );
        let jobs = idx
            .search_kind("orders", &Filters::default(), Some(DocKind::Job), 10, 0)
            .expect("s");
        assert_eq!(names(&jobs), ["nightly.load_orders"]);
        assert!(jobs.hits.iter().all(|h| h.kind == DocKind::Job));
        let datasets = idx
            .search_kind("orders", &Filters::default(), Some(DocKind::Dataset), 10, 0)
            .expect("s");
        assert_eq!(datasets.total, 7);
        assert!(datasets.hits.iter().all(|h| h.kind == DocKind::Dataset));
        assert_eq!(DocKind::parse("JOB"), Some(DocKind::Job));
        assert_eq!(DocKind::parse("table"), None);
    }

    #[test]
    fn column_hits_return_the_dataset_with_its_matching_columns() {
        let idx = catalog();
        let r = search(&idx, "email");
        assert_eq!(r.total, 2, "{:?}", names(&r));
        for h in &r.hits {
            assert_eq!(h.kind, DocKind::Dataset);
            let expected = match h.name.as_str() {
                "shop.public.orders" => vec!["customer_email"],
                "shop.public.customers" => vec!["email_address"],
                other => panic!("unexpected {other}"),
            };
            assert_eq!(h.matched_columns, expected, "{h:?}");
        }
        // Column documents searched directly: one hit per column, named by the column
        // and carrying its dataset.
        let cols = idx
            .search_kind("email", &Filters::default(), Some(DocKind::Column), 10, 0)
            .expect("s");
        assert_eq!(cols.total, 2);
        let mut got: Vec<(String, Option<String>, Vec<String>)> = cols
            .hits
            .iter()
            .map(|h| (h.name.clone(), h.dataset.clone(), h.matched_columns.clone()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "customer_email".to_string(),
                    Some("shop.public.orders".to_string()),
                    vec!["customer_email".to_string()]
                ),
                (
                    "email_address".to_string(),
                    Some("shop.public.customers".to_string()),
                    vec!["email_address".to_string()]
                ),
            ]
        );
        assert!(cols.hits.iter().all(|h| h.kind == DocKind::Column));
        // A name match reports no column unless one matches too.
        let r = search(&idx, "payments");
        assert!(r.hits[0].matched_columns.is_empty());
    }

    #[test]
    fn highlights_mark_the_matched_words() {
        let idx = catalog();
        let r = search(&idx, "order email");
        let orders = r
            .hits
            .iter()
            .find(|h| h.name == "shop.public.orders")
            .expect("orders");
        let get = |field: &str| {
            orders
                .highlights
                .iter()
                .find(|h| h.field == field)
                .map(|h| h.fragment.clone())
        };
        assert_eq!(get("name").as_deref(), Some("shop.public.<b>orders</b>"));
        assert_eq!(
            get("columns").as_deref(),
            Some("<b>order</b>_id, customer_<b>email</b>")
        );
        let desc = get("description").expect("description highlighted");
        assert!(desc.contains("<b>order</b>"), "{desc}");
        assert!(
            desc.contains("&lt;shop") && !desc.contains("<shop"),
            "escaped: {desc}"
        );
        // An exact name is marked whole; a typo marks the word it hit.
        let r = search(&idx, "fct_orders");
        assert_eq!(
            r.hits[0].highlights[0].fragment,
            "analytics.marts.<b>fct_orders</b>"
        );
        let r = search(&idx, "paymnets");
        assert_eq!(
            r.hits[0].highlights[0].fragment,
            "shop.public.<b>payments</b>"
        );
    }

    #[test]
    fn autocomplete_by_prefix_ranked_by_prior() {
        let idx = catalog();
        let s = idx.suggest("ord", &Filters::default(), 10).expect("s");
        let n: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        // Names starting with the prefix count double, times the prior: the used table
        // and its neighbour first, a well-used fct_ table above the penalised copies.
        assert_eq!(
            &n[..2],
            ["shop.public.orders", "shop.public.order_items"],
            "{n:?}"
        );
        let pos = |x: &str| n.iter().position(|y| *y == x).expect(x);
        assert!(pos("analytics.marts.fct_orders") < pos("shop.public.orders_bak_2019"));
        assert!(pos("shop.legacy.orders") < pos("scratch.tmp_orders_v2"));
        assert!(n.contains(&"analytics.marts.fct_orders"));
        assert!(n.contains(&"nightly.load_orders"));
        assert!(s.windows(2).all(|w| w[0].score >= w[1].score));
        let s = idx.suggest("fct_or", &Filters::default(), 10).expect("s");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "analytics.marts.fct_orders");
        let s = idx
            .suggest("shop.public.pay", &Filters::default(), 10)
            .expect("s");
        assert_eq!(s[0].name, "shop.public.payments");
        let gold = Filters {
            tier: Some("gold".into()),
            ..Filters::default()
        };
        assert_eq!(idx.suggest("or", &gold, 10).expect("s").len(), 1);
        assert_eq!(
            idx.suggest("or", &Filters::default(), 2).expect("s").len(),
            2
        );
        let jobs = idx
            .suggest_kind("ord", &Filters::default(), Some(DocKind::Job), 10)
            .expect("s");
        let n: Vec<&str> = jobs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(n, ["nightly.load_orders"]);
        let datasets = idx
            .suggest_kind("ord", &Filters::default(), Some(DocKind::Dataset), 10)
            .expect("s");
        assert!(
            datasets.iter().all(|s| s.kind == DocKind::Dataset) && datasets.len() >= 5,
            "{datasets:?}"
        );
        assert!(
            idx.suggest_kind("ord", &Filters::default(), Some(DocKind::Column), 10)
                .expect("s")
                .is_empty()
        );
        assert!(
            idx.suggest("", &Filters::default(), 10)
                .expect("s")
                .is_empty()
        );
        assert!(
            idx.suggest("\"(", &Filters::default(), 10)
                .expect("s")
                .is_empty()
        );
        assert!(
            idx.suggest("zzz", &Filters::default(), 10)
                .expect("s")
                .is_empty()
        );
    }

    #[test]
    fn an_index_on_disk_survives_reopening_and_bulk_loading() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let mut idx = SearchIndex::open(dir.path()).expect("open");
            idx.begin_bulk(2, 64_000_000).expect("bulk");
            for i in 0..500 {
                let mut d = ds(&format!("shop.public.t{i}"), Signals::default());
                d.columns = vec![("id".into(), None), ("created_at".into(), None)];
                idx.upsert(&d).expect("upsert");
            }
            idx.end_bulk().expect("end bulk");
            idx.upsert(&ds("shop.public.orders", Signals::default()))
                .expect("upsert");
            idx.commit().expect("commit");
        }
        let idx = SearchIndex::open(dir.path()).expect("reopen");
        assert_eq!(idx.len(), 500 * 3 + 1);
        assert_eq!(search(&idx, "orders").hits[0].name, "shop.public.orders");
        assert_eq!(search(&idx, "created").total, 500);
    }
}
