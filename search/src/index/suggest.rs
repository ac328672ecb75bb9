//! Autocomplete: names by prefix, ranked by prior.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::{Field, TantivyDocument, Value};

use super::documents::*;
use super::query::*;
use super::results::*;
use super::{MAX_SUGGESTIONS, SearchError, SearchIndex};

impl SearchIndex {
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
}
