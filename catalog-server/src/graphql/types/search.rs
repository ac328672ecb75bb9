//! Search hits, suggestions, facets and score explanations.

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

/// One search hit.
pub struct SearchHit {
    /// What it is.
    pub kind: SearchKind,
    /// The REST layer's projection of the hit.
    pub v: Value,
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
#[derive(SimpleObject, Debug, Clone, Deserialize)]
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
        self.kind
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Name (the column's, for a column hit).
    async fn name(&self) -> Option<String> {
        text(&self.v, "name")
    }

    /// The node id (`dataset:…`, `job:…`, `datasetField:…`).
    async fn node_id(&self) -> Option<String> {
        text(&self.v, "nodeId")
    }

    /// The score: text relevance times the usage prior.
    async fn score(&self) -> f64 {
        self.v["score"].as_f64().unwrap_or(0.0)
    }

    /// How the score was made.
    async fn explain(&self) -> Vec<ScoreFactor> {
        self.v["explain"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| ScoreFactor {
                factor: k.clone(),
                value: v.as_f64().unwrap_or(0.0),
            })
            .collect()
    }

    /// Columns whose name or description matched.
    async fn matched_columns(&self) -> Vec<String> {
        serde_json::from_value(self.v["matchedColumns"].clone()).unwrap_or_default()
    }

    /// Matched fragments.
    async fn highlights(&self) -> Vec<Highlight> {
        serde_json::from_value(self.v["highlights"].clone()).unwrap_or_default()
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.v["updatedAt"])
    }

    /// What a person should see before using it, from the penalties its ranking
    /// applied (see `explain`'s `penalty`): `deprecated` (someone deprecated it),
    /// `zombie` (no reads in 90 days and nothing downstream, once usage is known) and
    /// `temporary` (a copy-like name: `_bak`, `tmp_`). Usually empty; a column hit
    /// shows its dataset's.
    async fn marks(&self) -> Vec<String> {
        serde_json::from_value(self.v["marks"].clone()).unwrap_or_default()
    }

    /// The dataset, for dataset and column hits (a column hit's `name` is the column's).
    async fn dataset(&self, ctx: &Context<'_>) -> Result<Option<Dataset>> {
        let key = match self.kind {
            SearchKind::Job => return Ok(None),
            SearchKind::Dataset => "name",
            SearchKind::Column => "dataset",
        };
        let (Some(ns), Some(name)) = (text(&self.v, "namespace"), text(&self.v, key)) else {
            return Ok(None);
        };
        Ok(dataset_id(ctx, &ns, &name).await?.map(|id| Dataset { id }))
    }

    /// The job, for job hits.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        if self.kind != SearchKind::Job {
            return Ok(None);
        }
        let (Some(ns), Some(name)) = (text(&self.v, "namespace"), text(&self.v, "name")) else {
            return Ok(None);
        };
        Ok(state(ctx)
            .store
            .get_job(&ns, &name)
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
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// The node id (`dataset:NS:NAME` or `job:NS:NAME`).
    pub node_id: String,
}

impl Suggestion {
    /// From the REST layer's suggestion (`{type, name, namespace, nodeId}`).
    pub(crate) fn from_json(v: &Value) -> Suggestion {
        Suggestion {
            kind: if v["type"] == "JOB" {
                SearchKind::Job
            } else {
                SearchKind::Dataset
            },
            namespace: text(v, "namespace"),
            name: text(v, "name").unwrap_or_default(),
            node_id: text(v, "nodeId").unwrap_or_default(),
        }
    }
}

/// Counts of one facet's values.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching documents with it.
    pub count: i64,
}

/// Facet counts over every match.
#[derive(SimpleObject, Debug, Clone, Default, Deserialize)]
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
