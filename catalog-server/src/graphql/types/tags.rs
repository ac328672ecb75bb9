//! Tags on columns with their explanation paths, and the PII review queue.

use super::*;

/// A tag on a column as the lineage graph holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnTagData {
    tag: String,
    status: String,
    origin: String,
    declared: bool,
    manual: bool,
    detected_by: Option<String>,
    propagated: bool,
}

/// A tag on a column, with where it comes from and why.
pub struct ColumnTag {
    pub(crate) data: ColumnTagData,
    pub(crate) column: ColumnRow,
}

#[Object]
impl ColumnTag {
    /// The key (`pii.email`).
    async fn key(&self) -> &str {
        &self.data.tag
    }

    /// `proposed`, `confirmed` or `rejected`.
    async fn status(&self) -> &str {
        &self.data.status
    }

    /// `declared`, `manual`, `detected`, `propagated` or `reviewed`.
    async fn origin(&self) -> &str {
        &self.data.origin
    }

    /// Declared by a producer.
    async fn declared(&self) -> bool {
        self.data.declared
    }

    /// Added by hand.
    async fn manual(&self) -> bool {
        self.data.manual
    }

    /// The detection rule that proposed it.
    async fn detected_by(&self) -> Option<&str> {
        self.data.detected_by.as_deref()
    }

    /// Reached along lineage from another column.
    async fn propagated(&self) -> bool {
        self.data.propagated
    }

    /// Why the column carries the tag: up to `paths` lineage paths from where it
    /// starts, each hop with the rule that carried it, and the latest review.
    async fn explanation(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] paths: i32,
    ) -> Result<TagExplanation> {
        let d = Dataset {
            id: self.column.dataset_id,
        }
        .row(ctx)
        .await?;
        let node = format!(
            "datasetField:{}:{}:{}",
            d.namespace, d.name, self.column.name
        );
        let v = crate::api::graph::tags_explained(state(ctx), Some(&node), paths.max(0) as usize)
            .await
            .map_err(api_error)?
            .0;
        let entry = v["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["tag"] == self.data.tag.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        Ok(TagExplanation {
            total_paths: entry["totalPaths"].as_i64().unwrap_or(0),
            paths: serde_json::from_value(entry["paths"].clone()).unwrap_or_default(),
            review: serde_json::from_value(entry["review"].clone()).ok(),
        })
    }
}

/// Why a column carries a tag.
#[derive(SimpleObject, Debug, Clone)]
pub struct TagExplanation {
    /// Paths in all (only the first few are listed).
    pub total_paths: i64,
    /// Paths from the tag's source to this column.
    pub paths: Vec<ExplanationPath>,
    /// The latest review decision on the tag here.
    pub review: Option<Review>,
}

/// A review decision.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct Review {
    /// Who decided.
    pub reviewer: String,
    /// Why.
    pub reason: Option<String>,
    /// When.
    pub at: Option<DateTime<Utc>>,
    /// Its change-log entry.
    pub seq: i64,
}

/// One path a tag took.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplanationPath {
    /// The column where the path starts.
    pub start: String,
    /// The tag there.
    pub start_tag: String,
    /// How it got there: declared, manual, detected (with the rule), confirmed.
    pub source: Vec<TagSourceInfo>,
    /// The hops, upstream first.
    pub hops: Vec<Hop>,
}

/// Where a tag path starts.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
pub struct TagSourceInfo {
    /// `declared`, `manual`, `detected`, `confirmed`.
    pub kind: String,
    /// The detection rule, for `detected`.
    pub rule: Option<String>,
}

/// One hop of a tag path.
#[derive(SimpleObject, Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// Upstream column id.
    pub from: String,
    /// Downstream column id.
    pub to: String,
    /// `openlineage`, `sql`, …
    pub origin: String,
    /// The job behind the edge.
    pub job: Option<JobRef>,
    /// The tag upstream.
    pub tag_in: String,
    /// The tag downstream (a hash of an email is `pii.email.hashed`).
    pub tag_out: String,
    /// The rule that carried it (`identity`, `masking`, …).
    pub rule: String,
    /// The rule in words.
    pub why: String,
}

/// A PII review queue entry: a tag at a column awaiting (or past) review.
pub struct ReviewItem {
    /// The REST layer's projection.
    pub v: Value,
}

#[Object]
impl ReviewItem {
    /// The column's node id.
    async fn column_id(&self) -> Option<String> {
        text(&self.v, "column")
    }

    /// Namespace.
    async fn namespace(&self) -> Option<String> {
        text(&self.v, "namespace")
    }

    /// Dataset.
    async fn dataset_name(&self) -> Option<String> {
        text(&self.v, "dataset")
    }

    /// Column.
    async fn field(&self) -> Option<String> {
        text(&self.v, "field")
    }

    /// The tag.
    async fn tag(&self) -> Option<String> {
        text(&self.v, "tag")
    }

    /// `proposed`, `confirmed`, `rejected`.
    async fn status(&self) -> Option<String> {
        text(&self.v, "status")
    }

    /// `declared`, `manual`, `detected`, `propagated`, `reviewed`.
    async fn origin(&self) -> Option<String> {
        text(&self.v, "origin")
    }

    /// The dataset's owners, who decide.
    async fn owners(&self) -> Vec<Owner> {
        serde_json::from_value(self.v["owners"].clone()).unwrap_or_default()
    }

    /// Nobody owns the dataset.
    async fn unowned(&self) -> bool {
        self.v["unowned"].as_bool().unwrap_or(false)
    }

    /// The column, with its tags and their explanations.
    async fn column(&self, ctx: &Context<'_>) -> Result<Option<Column>> {
        let (Some(ns), Some(ds), Some(field)) = (
            text(&self.v, "namespace"),
            text(&self.v, "dataset"),
            text(&self.v, "field"),
        ) else {
            return Ok(None);
        };
        crate::graphql::query::column_named(ctx, &ns, &ds, &field).await
    }
}
