//! Search hits, suggestions, facets and score explanations.

use weft_query::search::{hit_dataset, hit_job, hit_node_id};
use weft_search::index::{DocKind, Facets, Hit};

use super::*;

/// What a search hit is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// A dataset.
    Dataset,
    /// A job.
    Job,
    /// A column.
    Column,
}

impl From<DocKind> for SearchKind {
    fn from(k: DocKind) -> SearchKind {
        match k {
            DocKind::Job => SearchKind::Job,
            DocKind::Dataset => SearchKind::Dataset,
            DocKind::Column => SearchKind::Column,
        }
    }
}

/// One search hit.
pub struct SearchHit {
    /// The index's hit.
    pub hit: Hit,
}

/// A number as JSON carries it: one that is not finite reads as 0.
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// One factor of a hit's score.
#[derive(SimpleObject, Debug, Clone)]
pub struct ScoreFactor {
    /// `text`, `usage`, `centrality`, `tier`, `documentation`, `freshness`, `penalty`,
    /// `score`.
    pub factor: String,
    /// Its value.
    pub value: f64,
}

/// A matched fragment.
#[derive(SimpleObject, Debug, Clone)]
pub struct Highlight {
    /// The field.
    pub field: String,
    /// HTML-escaped text with `<b>` around matches.
    pub fragment: String,
}

#[Object]
impl SearchHit {
    /// What it is.
    #[graphql(name = "type")]
    async fn kind(&self) -> SearchKind {
        self.hit.kind.into()
    }

    /// The namespace of the dataset or job (of the column's dataset, for a column hit).
    async fn namespace(&self) -> Option<&str> {
        Some(&self.hit.namespace)
    }

    /// Name (the column's, for a column hit).
    async fn name(&self) -> Option<&str> {
        Some(&self.hit.name)
    }

    /// The node id (`dataset:…`, `job:…`, `datasetField:…`).
    async fn node_id(&self) -> Option<String> {
        Some(hit_node_id(&self.hit))
    }

    /// The score: text relevance times the usage prior.
    async fn score(&self) -> f64 {
        finite(self.hit.score)
    }

    /// How the score was made.
    async fn explain(&self) -> Vec<ScoreFactor> {
        let mut factors: Vec<ScoreFactor> = self
            .hit
            .explain()
            .into_iter()
            .map(|(k, v)| ScoreFactor {
                factor: k.to_owned(),
                value: finite(v),
            })
            .collect();
        // By name, as this field has always listed them.
        factors.sort_by(|a, b| a.factor.cmp(&b.factor));
        factors
    }

    /// Columns whose name or description matched.
    async fn matched_columns(&self) -> &[String] {
        &self.hit.matched_columns
    }

    /// Matched fragments.
    async fn highlights(&self) -> Vec<Highlight> {
        self.hit
            .highlights
            .iter()
            .map(|h| Highlight {
                field: h.field.clone(),
                fragment: h.fragment.clone(),
            })
            .collect()
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.hit.updated_at.and_then(time)
    }

    /// What a person should see before using it, from the penalties its ranking
    /// applied (see `explain`'s `penalty`): `deprecated` (someone deprecated it),
    /// `zombie` (no reads in 90 days and nothing downstream, once usage is known) and
    /// `temporary` (a copy-like name: `_bak`, `tmp_`). Usually empty; a column hit
    /// shows its dataset's.
    async fn marks(&self) -> &[String] {
        &self.hit.marks
    }

    /// The dataset, for dataset and column hits (a column hit's `name` is the column's).
    async fn dataset(&self, ctx: &Context<'_>) -> Result<Option<Dataset>> {
        let Some((ns, name)) = hit_dataset(&self.hit) else {
            return Ok(None);
        };
        Ok(dataset_id(ctx, ns, name).await?.map(|id| Dataset { id }))
    }

    /// The job, for job hits.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let Some((ns, name)) = hit_job(&self.hit) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .get_job(ns, name)
            .await
            .map_err(store_error)?
            .map(Job::from))
    }
}

/// An autocomplete suggestion: a dataset or job whose name, or a word of it, starts
/// with what was typed.
#[derive(SimpleObject, Debug, Clone)]
pub struct Suggestion {
    /// A dataset or a job.
    pub kind: SearchKind,
    /// The namespace of the dataset or job.
    pub namespace: Option<String>,
    /// The full name of the dataset or job.
    pub name: String,
    /// The node id (`dataset:NS:NAME` or `job:NS:NAME`).
    pub node_id: String,
}

impl From<weft_query::search::Suggestion> for Suggestion {
    fn from(s: weft_query::search::Suggestion) -> Suggestion {
        Suggestion {
            kind: s.kind.into(),
            namespace: Some(s.namespace),
            name: s.name,
            node_id: s.node_id,
        }
    }
}

/// Counts of one facet's values.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching documents with it.
    pub count: i64,
}

/// Facet counts over every match.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SearchFacets {
    /// By platform.
    pub platform: Vec<FacetCount>,
    /// By namespace.
    pub namespace: Vec<FacetCount>,
    /// By tag.
    pub tag: Vec<FacetCount>,
    /// By owner.
    pub owner: Vec<FacetCount>,
    /// By tier.
    pub tier: Vec<FacetCount>,
    /// By classification.
    pub classification: Vec<FacetCount>,
}

impl From<&Facets> for SearchFacets {
    fn from(f: &Facets) -> SearchFacets {
        let list = |v: &Vec<(String, u64)>| {
            v.iter()
                .map(|(value, count)| FacetCount {
                    value: value.clone(),
                    count: i64::try_from(*count).unwrap_or(i64::MAX),
                })
                .collect()
        };
        SearchFacets {
            platform: list(&f.platform),
            namespace: list(&f.namespace),
            tag: list(&f.tag),
            owner: list(&f.owner),
            tier: list(&f.tier),
            classification: list(&f.classification),
        }
    }
}

/// A page of search hits.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SearchInfo {
    /// Matches in all.
    pub total_count: i64,
    /// Facet counts over every match (computed only when selected).
    pub facets: Option<SearchFacets>,
    /// Set when the query was cut.
    pub notice: Option<String>,
}
