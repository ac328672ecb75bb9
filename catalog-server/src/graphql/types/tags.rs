//! Tags on columns with their explanation paths, and the PII review queue.

use weft_query::review::QueueItem;
use weft_query::tags::{PathInfo, TagInfo, status_name};

use super::*;

/// A tag on a column as the lineage graph holds it.
#[derive(Debug, Clone)]
pub struct ColumnTagData {
    tag: String,
    status: String,
    origin: String,
    declared: bool,
    manual: bool,
    detected_by: Option<String>,
    propagated: bool,
}

impl From<TagInfo> for ColumnTagData {
    fn from(t: TagInfo) -> ColumnTagData {
        ColumnTagData {
            status: status_name(t.status).to_owned(),
            origin: t.origin.as_str().to_owned(),
            tag: t.tag,
            declared: t.declared,
            manual: t.manual,
            detected_by: t.detected_by,
            propagated: t.propagated,
        }
    }
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
        let s = state(ctx);
        let explained =
            weft_query::tags::explained(&s.store, &s.graph, Some(&node), paths.max(0) as usize)
                .await
                .map_err(query_error)?;
        // A tag the graph no longer holds here (a decision since it was read) has no
        // explanation.
        let Some(entry) = explained
            .tags
            .into_iter()
            .find(|t| t.tag.tag == self.data.tag)
        else {
            return Ok(TagExplanation {
                total_paths: 0,
                paths: Vec::new(),
                review: None,
            });
        };
        Ok(TagExplanation {
            total_paths: i64::try_from(entry.total_paths).unwrap_or(i64::MAX),
            paths: entry.paths.into_iter().map(ExplanationPath::from).collect(),
            review: entry.review.map(|r| Review {
                reviewer: r.reviewer,
                reason: r.reason,
                at: time(r.at),
                seq: r.seq,
            }),
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
#[derive(SimpleObject, Debug, Clone)]
pub struct Review {
    /// Who decided.
    pub reviewer: String,
    /// The reason the reviewer gave, if any.
    pub reason: Option<String>,
    /// When the decision was made.
    pub at: Option<DateTime<Utc>>,
    /// Its change-log entry.
    pub seq: i64,
}

/// One path a tag took.
#[derive(SimpleObject, Debug, Clone)]
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
#[derive(SimpleObject, Debug, Clone)]
pub struct TagSourceInfo {
    /// `declared`, `manual`, `detected`, `confirmed`.
    pub kind: String,
    /// The detection rule, for `detected`.
    pub rule: Option<String>,
}

/// One hop of a tag path.
#[derive(SimpleObject, Debug, Clone)]
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

impl From<PathInfo> for ExplanationPath {
    fn from(p: PathInfo) -> ExplanationPath {
        ExplanationPath {
            start: p.start,
            start_tag: p.start_tag,
            source: p
                .source
                .into_iter()
                .map(|s| TagSourceInfo {
                    kind: s.kind.to_owned(),
                    rule: s.rule,
                })
                .collect(),
            hops: p
                .hops
                .into_iter()
                .map(|h| Hop {
                    from: h.from,
                    to: h.to,
                    origin: h.origin.as_str().to_owned(),
                    job: h.job.map(JobRef::from),
                    tag_in: h.tag_in,
                    tag_out: h.tag_out,
                    rule: h.rule.to_owned(),
                    why: h.why,
                })
                .collect(),
        }
    }
}

/// A PII review queue entry: a tag at a column awaiting (or past) review.
pub struct ReviewItem {
    /// The query layer's entry.
    pub item: QueueItem,
}

#[Object]
impl ReviewItem {
    /// The column's node id.
    async fn column_id(&self) -> Option<&str> {
        Some(&self.item.column.id)
    }

    /// The namespace of the column's dataset.
    async fn namespace(&self) -> Option<&str> {
        Some(&self.item.column.namespace)
    }

    /// The name of the column's dataset.
    async fn dataset_name(&self) -> Option<&str> {
        Some(&self.item.column.dataset)
    }

    /// The column's name.
    async fn field(&self) -> Option<&str> {
        Some(&self.item.column.field)
    }

    /// The tag.
    async fn tag(&self) -> Option<&str> {
        Some(&self.item.tag.tag)
    }

    /// `proposed`, `confirmed`, `rejected`.
    async fn status(&self) -> Option<&str> {
        Some(status_name(self.item.tag.status))
    }

    /// `declared`, `manual`, `detected`, `propagated`, `reviewed`.
    async fn origin(&self) -> Option<&str> {
        Some(self.item.tag.origin.as_str())
    }

    /// The dataset's owners, who decide.
    async fn owners(&self) -> Vec<Owner> {
        self.item.owners.iter().cloned().map(Owner::from).collect()
    }

    /// Nobody owns the dataset.
    async fn unowned(&self) -> bool {
        self.item.unowned
    }

    /// The column, with its tags and their explanations.
    async fn column(&self, ctx: &Context<'_>) -> Result<Option<Column>> {
        let c = &self.item.column;
        crate::graphql::query::column_named(ctx, &c.namespace, &c.dataset, &c.field).await
    }
}
