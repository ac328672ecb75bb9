//! Search hits, facets and score explanations.

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

    /// Name (the dataset's, for a column hit).
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

    /// The dataset, for dataset and column hits.
    async fn dataset(&self, ctx: &Context<'_>) -> Result<Option<Dataset>> {
        if self.kind == SearchKind::Job {
            return Ok(None);
        }
        let (Some(ns), Some(name)) = (text(&self.v, "namespace"), text(&self.v, "name")) else {
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
            .map(|v| Job { v }))
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
