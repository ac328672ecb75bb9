//! The Tantivy index of datasets and the query that ranks them.
//!
//! One document per dataset. Names are indexed three ways: the whole name and its last
//! segment as exact terms (a query that *is* the table's name wins), and its words
//! ([`crate::tokens::name_words`]) as text. Columns, descriptions, tags and owners are
//! further text fields with lower boosts. The catalog signals are folded into one fast
//! field, the prior ([`crate::rank`]), which multiplies the text score at collection
//! time, so ranking costs one lookup per matching document.

use std::path::Path;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TEXT, TantivyDocument, Value,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Term, doc};

use crate::rank::{Prior, Signals, Weights};
use crate::tokens::{last_segment, looks_temporary, name_words};

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
    /// Columns: (name, description).
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

/// Filters that must hold (facets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only this platform.
    pub platform: Option<String>,
    /// Only datasets with this tag.
    pub tag: Option<String>,
    /// Only datasets with this owner.
    pub owner: Option<String>,
    /// Only this tier.
    pub tier: Option<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Final score: `text × prior`.
    pub score: f64,
    /// Text relevance (BM25 with field boosts).
    pub text: f64,
    /// The prior's factors.
    pub prior: Prior,
    /// Last change (µs), as indexed.
    pub updated_at: Option<i64>,
}

/// A page of results and how many matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Matching datasets in all.
    pub total: usize,
    /// Set when the query was cut to [`MAX_QUERY_CHARS`].
    pub truncated_query: bool,
}

/// Longer queries are cut (and the result says so).
pub const MAX_QUERY_CHARS: usize = 256;
/// At most this many words of a query are used.
const MAX_WORDS: usize = 16;
/// Largest page.
pub const MAX_LIMIT: usize = 1000;

struct Fields {
    id: Field,
    namespace: Field,
    name: Field,
    exact: Field,
    words: Field,
    columns: Field,
    description: Field,
    tags: Field,
    owners: Field,
    platform: Field,
    tier: Field,
    prior: Field,
    signals: Field,
    updated: Field,
}

/// The search index: on disk under the data directory, or in memory for tests.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: IndexWriter,
    f: Fields,
    weights: Weights,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        namespace: b.add_text_field("namespace", STRING | STORED),
        name: b.add_text_field("name", STRING | STORED),
        exact: b.add_text_field("exact", STRING),
        words: b.add_text_field("words", TEXT),
        columns: b.add_text_field("columns", TEXT),
        description: b.add_text_field("description", TEXT),
        tags: b.add_text_field("tags", STRING),
        owners: b.add_text_field("owners", STRING),
        platform: b.add_text_field("platform", STRING),
        tier: b.add_text_field("tier", STRING),
        prior: b.add_f64_field("prior", FAST | STORED),
        signals: b.add_text_field("signals", STORED),
        updated: b.add_i64_field("updated", STORED),
    };
    (b.build(), f)
}

impl SearchIndex {
    /// Opens (or creates) the index in `dir`.
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
        // One indexing thread and a small arena: the index shares two cores with ingestion,
        // and catalog documents are small.
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer,
            f,
            weights: Weights::default(),
        })
    }

    /// Ranks with `weights` instead of the defaults (affects documents indexed after).
    pub fn set_weights(&mut self, weights: Weights) {
        self.weights = weights;
    }

    /// Adds or replaces a dataset; visible after [`SearchIndex::commit`].
    pub fn upsert(&mut self, d: &DatasetDoc) -> Result<(), SearchError> {
        let f = &self.f;
        let id = format!("{}\u{1f}{}", d.namespace, d.name);
        self.writer.delete_term(Term::from_field_text(f.id, &id));
        let mut signals = d.signals.clone();
        signals.temporary_name |= looks_temporary(&d.name);
        let prior = Prior::of(&signals, &self.weights);
        let mut doc = doc!(
            f.id => id,
            f.namespace => d.namespace.clone(),
            f.name => d.name.clone(),
            f.exact => d.name.to_lowercase(),
            f.exact => last_segment(&d.name).to_lowercase(),
            f.words => name_words(last_segment(&d.name)).join(" "),
            f.words => name_words(&d.name).join(" "),
            f.prior => prior.value(),
            f.signals => format!(
                "{} {} {} {} {}",
                prior.usage, prior.centrality, prior.tier, prior.documentation, prior.penalty
            ),
        );
        for (c, desc) in &d.columns {
            doc.add_text(f.columns, name_words(c).join(" "));
            if let Some(t) = desc {
                doc.add_text(f.columns, t);
            }
        }
        if let Some(t) = &d.description {
            doc.add_text(f.description, t);
        }
        for t in &d.tags {
            doc.add_text(f.tags, t.to_lowercase());
        }
        for o in &d.owners {
            doc.add_text(f.owners, o.to_lowercase());
        }
        if let Some(p) = &d.platform {
            doc.add_text(f.platform, p.to_lowercase());
        }
        if let Some(t) = &d.signals.tier {
            doc.add_text(f.tier, t.to_lowercase());
        }
        if let Some(t) = d.updated_at {
            doc.add_i64(f.updated, t);
        }
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Removes a dataset; effective after [`SearchIndex::commit`].
    pub fn delete(&mut self, namespace: &str, name: &str) {
        let id = format!("{namespace}\u{1f}{name}");
        self.writer
            .delete_term(Term::from_field_text(self.f.id, &id));
    }

    /// Makes every change so far durable and searchable.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Searches. Not every word must match (more matching words score higher), words of
    /// four letters or more also match one typo away, and user input is never parsed as
    /// query syntax, so quotes and operators are plain text.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<Results, SearchError> {
        let f = &self.f;
        let truncated_query = text.chars().count() > MAX_QUERY_CHARS;
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let whole = text.trim().to_lowercase();
        if !whole.is_empty() {
            should.push(boosted(term(f.exact, &whole), 8.0));
        }
        let mut words = name_words(&text);
        words.dedup();
        words.truncate(MAX_WORDS);
        for w in &words {
            should.push(boosted(term(f.words, w), 3.0));
            should.push(boosted(term(f.columns, w), 1.0));
            should.push(boosted(term(f.description, w), 0.7));
            if w.chars().count() >= 4 {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.words, w), 1, true);
                should.push(boosted(Box::new(fuzzy), 1.0));
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !should.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(should))));
        }
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
            if let Some(v) = value {
                clauses.push((Occur::Must, term(field, &v)));
            }
        }
        if clauses.is_empty() {
            return Ok(Results {
                hits: Vec::new(),
                total: 0,
                truncated_query,
            });
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = limit.clamp(1, MAX_LIMIT);
        let top = TopDocs::with_limit(limit).and_offset(offset).tweak_score(
            move |segment: &tantivy::SegmentReader| {
                let prior = segment.fast_fields().f64("prior").ok();
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let p = prior.as_ref().and_then(|c| c.first(doc)).unwrap_or(1.0);
                    f64::from(score) * p
                }
            },
        );
        let (found, total) = searcher.search(&query, &(top, Count))?;
        let mut hits = Vec::with_capacity(found.len());
        for (score, addr) in found {
            hits.push(self.hit(&searcher, addr, score)?);
        }
        Ok(Results {
            hits,
            total,
            truncated_query,
        })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: f64,
    ) -> Result<Hit, SearchError> {
        let f = &self.f;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let factors: Vec<f64> = text(f.signals)
            .split(' ')
            .filter_map(|x| x.parse().ok())
            .collect();
        let factor = |i: usize| factors.get(i).copied().unwrap_or(1.0);
        let prior = Prior {
            usage: factor(0),
            centrality: factor(1),
            tier: factor(2),
            documentation: factor(3),
            penalty: factor(4),
        };
        let p = prior.value();
        Ok(Hit {
            namespace: text(f.namespace),
            name: text(f.name),
            score,
            text: if p > 0.0 { score / p } else { 0.0 },
            prior,
            updated_at: doc.get_first(f.updated).and_then(|v| v.as_i64()),
        })
    }

    /// Documents in the index (deleted ones excluded once merged).
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
        self.writer.delete_all_documents()?;
        self.commit()
    }
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(q, boost)))
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
        orders.description = Some("One row per order placed in the web shop".into());
        orders.tags = vec!["pii.email".into()];
        let mut customers = ds("shop.public.customers", used(500.0, 20.0, 3, None));
        customers.columns = vec![("orders_count".into(), Some("lifetime orders".into()))];
        let mut legacy = ds("shop.legacy.orders", used(50.0, 2.0, 0, None));
        legacy.signals.lifecycle = Some("deprecated".into());
        for d in [
            orders,
            customers,
            legacy,
            ds("shop.public.orders_bak_2019", used(0.0, 0.0, 0, None)),
            ds("scratch.tmp_orders_v2", used(3.0, 1.0, 0, None)),
            ds(
                "analytics.marts.fct_orders",
                used(300.0, 12.0, 2, Some("silver")),
            ),
            ds("shop.public.order_items", used(400.0, 10.0, 1, None)),
            ds("shop.public.payments", used(100.0, 5.0, 1, None)),
        ] {
            idx.upsert(&d).expect("upsert");
        }
        idx.commit().expect("commit");
        idx
    }

    fn names(r: &Results) -> Vec<&str> {
        r.hits.iter().map(|h| h.name.as_str()).collect()
    }

    #[test]
    fn the_used_table_beats_its_copies() {
        let idx = catalog();
        let r = idx
            .search("orders", &Filters::default(), 10, 0)
            .expect("search");
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
        // The explanation multiplies out to the score.
        let h = &r.hits[0];
        assert!((h.text * h.prior.value() - h.score).abs() < 1e-6, "{h:?}");
        assert!(h.prior.tier > 1.0 && h.prior.usage > 1.0);
    }

    #[test]
    fn typos_partial_matches_and_operators_are_fine() {
        let idx = catalog();
        let typo = idx
            .search("ordres", &Filters::default(), 5, 0)
            .expect("search");
        assert!(
            names(&typo).contains(&"shop.public.orders"),
            "{:?}",
            names(&typo)
        );
        let two = idx
            .search("customer orders", &Filters::default(), 10, 0)
            .expect("search");
        assert!(names(&two).contains(&"shop.public.customers"));
        assert!(names(&two).contains(&"shop.public.orders"));
        let junk = idx
            .search("\"orders AND (", &Filters::default(), 5, 0)
            .expect("no syntax error");
        assert!(!junk.hits.is_empty());
        let long = "orders ".repeat(100);
        assert!(
            idx.search(&long, &Filters::default(), 5, 0)
                .expect("search")
                .truncated_query
        );
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
        assert_eq!(idx.search("", &owned, 10, 0).expect("s").total, 1);
        let all = idx.search("orders", &Filters::default(), 2, 0).expect("s");
        let next = idx.search("orders", &Filters::default(), 2, 2).expect("s");
        assert_eq!(all.total, next.total);
        assert!(names(&next).iter().all(|n| !names(&all).contains(n)));
        let before = idx.len();
        idx.upsert(&ds("shop.public.orders", used(1.0, 1.0, 0, None)))
            .expect("upsert");
        idx.delete("postgres://db:5432", "shop.public.payments");
        idx.commit().expect("commit");
        assert_eq!(idx.len(), before - 1);
        let r = idx
            .search("shop.public.orders", &Filters::default(), 10, 0)
            .expect("s");
        assert_eq!(
            r.hits
                .iter()
                .filter(|h| h.name == "shop.public.orders")
                .count(),
            1
        );
    }

    #[test]
    fn an_index_on_disk_survives_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let mut idx = SearchIndex::open(dir.path()).expect("open");
            idx.upsert(&ds("shop.public.orders", Signals::default()))
                .expect("upsert");
            idx.commit().expect("commit");
        }
        let idx = SearchIndex::open(dir.path()).expect("reopen");
        assert_eq!(idx.len(), 1);
    }
}
