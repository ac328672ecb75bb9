//! What a search returns: hits with their explanation, facets, suggestions, and the
//! filters and options a search takes.

use super::documents::*;
use crate::rank::Prior;

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
    /// Only this classification.
    pub classification: Option<String>,
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
    /// By classification.
    pub classification: Vec<(String, u64)>,
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
