//! Searching: query parsing, the text, column and filter clauses, collection by prior,
//! matched columns and highlights.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, InvertedIndexRangeQuery, Occur,
    Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, Term};

use super::documents::*;
use super::results::*;
use super::{
    MAX_FACET_VALUES, MAX_LIMIT, MAX_MATCHED_COLUMNS, MAX_OFFSET, MAX_QUERY_CHARS, MAX_WORDS,
    SearchError, SearchIndex,
};
use crate::facets::{FacetCollector, top};
use crate::rank::Prior;
use crate::tokens::{last_segment, name_words, within_one_edit, word_spans};

/// Field boosts: exact name ≫ name words ≫ columns ≫ description.
pub(super) const BOOST_EXACT: f32 = 10.0;
pub(super) const BOOST_WORDS: f32 = 4.0;
pub(super) const BOOST_FUZZY: f32 = 1.5;
/// An unfinished last word matching the start of a name word: below a whole word.
pub(super) const BOOST_PREFIX: f32 = 2.0;
/// Shortest unfinished word matched as a prefix.
pub(super) const MIN_PREFIX_CHARS: usize = 3;
pub(super) const BOOST_COLUMNS: f32 = 1.5;
pub(super) const BOOST_DESCRIPTION: f32 = 1.0;
pub(super) const BOOST_IO: f32 = 0.5;

/// Every document's prior, per segment, as a plain array. Scoring multiplies the prior
/// into every match, and decoding it from the fast-field column for each one was a
/// quarter of a broad query's time; segments are immutable, so each is decoded once
/// (a few milliseconds per million documents) and dropped when merged away.
#[derive(Default)]
pub(super) struct PriorCache(std::sync::Mutex<HashMap<tantivy::index::SegmentId, Arc<Vec<f32>>>>);

pub(super) type Priors = Arc<HashMap<tantivy::index::SegmentId, Arc<Vec<f32>>>>;

impl PriorCache {
    /// The priors of the searcher's segments, decoding the new ones.
    pub(super) fn for_searcher(&self, searcher: &Searcher) -> Priors {
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

/// The parsed query: what every search and highlight needs.
pub(super) struct Parsed {
    pub(super) whole: String,
    pub(super) words: Vec<String>,
    pub(super) truncated: bool,
    /// The last word as typed, to match as a prefix ([`SearchOptions::prefix_last`]).
    pub(super) prefix: Option<String>,
}

/// Words that carry no meaning in a catalog query ("orders by region for the sales
/// team"): dropped when other words remain, since each matches most descriptions and
/// would make a phrase score nearly every document.
pub(super) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "or", "per", "the", "to",
    "with",
];

pub(super) fn parse(text: &str) -> Parsed {
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
pub(super) fn unfinished_word(text: &str) -> Option<String> {
    if text.ends_with(char::is_whitespace) {
        return None;
    }
    let last = name_words(text.split_whitespace().last()?).pop()?;
    (last.chars().count() >= MIN_PREFIX_CHARS).then_some(last)
}

impl SearchIndex {
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
            classification: next(),
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
    pub(super) fn text_clauses(&self, q: &Parsed) -> Option<Box<dyn Query>> {
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
    pub(super) fn column_clauses(&self, words: &[String]) -> Option<Box<dyn Query>> {
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

    pub(super) fn filter_clauses(&self, filters: &Filters) -> Vec<Box<dyn Query>> {
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
            (
                f.classification,
                filters.classification.as_deref().map(str::to_lowercase),
            ),
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

    pub(super) fn kind_clause(&self, kind: Option<DocKind>) -> Box<dyn Query> {
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
    pub(super) fn hit(
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
    pub(super) fn column_hits(
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
    pub(super) fn lookup(
        &self,
        searcher: &Searcher,
        id: &str,
    ) -> Result<Option<DocAddress>, SearchError> {
        let q = TermQuery::new(
            Term::from_field_text(self.f.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        Ok(found.first().map(|&(_, a)| a))
    }

    /// Fills `matched_columns` of the dataset hits from the column documents: one query
    /// over the columns of these datasets only.
    pub(super) fn add_matched_columns(
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

    pub(super) fn highlight(
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
}

/// Reads `parent` and `column` of column documents from their fast fields, opening each
/// segment's columns once.
#[derive(Default)]
pub(super) struct ColumnCache {
    segments: HashMap<
        u32,
        (
            Option<tantivy::columnar::StrColumn>,
            Option<tantivy::columnar::StrColumn>,
        ),
    >,
}

impl ColumnCache {
    pub(super) fn read(
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
pub(super) fn by_prior(
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

pub(super) fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

pub(super) fn fuzzy(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(FuzzyTermQuery::new(
        Term::from_field_text(field, word),
        1,
        true,
    ))
}

/// Terms of `field` starting with `prefix`.
pub(super) fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let upper = format!("{prefix}\u{10FFFF}");
    Box::new(InvertedIndexRangeQuery::new(
        Bound::Included(Term::from_field_text(field, prefix)),
        Bound::Included(Term::from_field_text(field, &upper)),
    ))
}

pub(super) fn boosted(q: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(q, boost)))
}

/// A clause that must match but adds nothing to the score.
pub(super) fn unscored(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// `name` as HTML with the words matching the query in `<b>…</b>`: equal, or one edit
/// away for words of four letters or more (the query's typo tolerance). A name equal to
/// the whole query is marked entirely.
pub(super) fn mark_words(name: &str, words: &[String], whole: &str) -> String {
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

pub(super) fn escape(s: &str) -> String {
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
