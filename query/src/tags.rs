//! A column's tags, where each comes from, and the lineage paths that explain it.

use weft_lineage::graph::{ColumnRef, ColumnTag, Origin, TagKey, TagSource, TagStatus};
use weft_store::Store;
use weft_store::reviews::ReviewState;
use weft_views::graph::{GraphCatalog, GraphHandle};

use crate::error::{QueryError, Result};
use crate::node::{ColumnName, JobName, JobNames, column_of, job_of};

/// Explanation paths listed per tag at most.
const MAX_PATHS: usize = 100;

/// Where a tag on a column comes from, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrigin {
    /// A producer declared it.
    Declared,
    /// A person added it by hand.
    Manual,
    /// A detection rule proposed it.
    Detected,
    /// It flowed along lineage from another column.
    Propagated,
    /// Only a review decision keeps it.
    Reviewed,
}

impl TagOrigin {
    /// How the APIs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            TagOrigin::Declared => "declared",
            TagOrigin::Manual => "manual",
            TagOrigin::Detected => "detected",
            TagOrigin::Propagated => "propagated",
            TagOrigin::Reviewed => "reviewed",
        }
    }
}

/// How the APIs spell a tag's status.
pub fn status_name(s: TagStatus) -> &'static str {
    match s {
        TagStatus::Proposed => "proposed",
        TagStatus::Confirmed => "confirmed",
        TagStatus::Rejected => "rejected",
    }
}

/// A tag on a column as the lineage graph holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    /// The key (`pii.email`).
    pub tag: String,
    /// Proposed, confirmed or rejected.
    pub status: TagStatus,
    /// Where it comes from.
    pub origin: TagOrigin,
    /// Declared by a producer.
    pub declared: bool,
    /// Added by hand.
    pub manual: bool,
    /// The detection rule that proposed it.
    pub detected_by: Option<String>,
    /// Reached along lineage.
    pub propagated: bool,
}

impl TagInfo {
    /// The graph's tag `t`.
    pub fn of(t: &ColumnTag) -> TagInfo {
        let origin = if t.declared {
            TagOrigin::Declared
        } else if t.manual {
            TagOrigin::Manual
        } else if t.detected_by.is_some() {
            TagOrigin::Detected
        } else if t.propagated {
            TagOrigin::Propagated
        } else {
            TagOrigin::Reviewed
        };
        TagInfo {
            tag: t.tag.to_string(),
            status: t.status,
            origin,
            declared: t.declared,
            manual: t.manual,
            detected_by: t.detected_by.as_deref().map(str::to_owned),
            propagated: t.propagated,
        }
    }
}

/// The tags the graph holds on `column` (rejected ones included); none for a column
/// it does not know.
pub(crate) fn tags_on(cat: &GraphCatalog, column: &ColumnRef) -> Vec<TagInfo> {
    cat.graph
        .tags_of(column)
        .unwrap_or_default()
        .iter()
        .map(TagInfo::of)
        .collect()
}

/// The tags on column `column` of dataset `dataset` (rejected ones included, marked
/// so); none for a column the graph does not know.
pub fn column_tags(graph: &GraphHandle, dataset: i64, column: &str) -> Result<Vec<TagInfo>> {
    let cat = graph.read()?;
    Ok(tags_on(&cat, &ColumnRef::new(dataset, column)))
}

/// Where an explanation path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// `declared`, `manual`, `detected` or `confirmed`.
    pub kind: &'static str,
    /// The detection rule, for `detected`.
    pub rule: Option<String>,
}

/// One hop of an explanation path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopInfo {
    /// Upstream column id.
    pub from: String,
    /// Downstream column id.
    pub to: String,
    /// Who stated the edge.
    pub origin: Origin,
    /// The job behind the edge.
    pub job: Option<JobName>,
    /// The tag upstream.
    pub tag_in: String,
    /// The tag downstream.
    pub tag_out: String,
    /// The rule that carried it, as a code (`identity`, `masking`, …).
    pub rule: &'static str,
    /// The rule in words.
    pub why: String,
}

/// One path a tag took to a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    /// The column where it starts.
    pub start: String,
    /// The tag there.
    pub start_tag: String,
    /// How the tag got there.
    pub source: Vec<SourceInfo>,
    /// The hops, upstream first.
    pub hops: Vec<HopInfo>,
}

/// The latest review decision on a tag at a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNote {
    /// Who decided.
    pub reviewer: String,
    /// The reason the reviewer gave, if any.
    pub reason: Option<String>,
    /// When (µs).
    pub at: i64,
    /// Its change-log entry.
    pub seq: i64,
}

/// A tag on a column with the paths that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainedTag {
    /// The tag.
    pub tag: TagInfo,
    /// Paths in all.
    pub total_paths: u64,
    /// The first few paths.
    pub paths: Vec<PathInfo>,
    /// The latest review decision on it here.
    pub review: Option<ReviewNote>,
}

/// A column's tags, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnTags {
    /// The column.
    pub column: ColumnName,
    /// Its tags.
    pub tags: Vec<ExplainedTag>,
}

fn path_info(
    cat: &GraphCatalog,
    p: &weft_lineage::graph::ExplanationPath,
    jobs: &JobNames,
) -> PathInfo {
    let source = p
        .source
        .iter()
        .map(|s| match s {
            TagSource::Declared => SourceInfo {
                kind: "declared",
                rule: None,
            },
            TagSource::Manual => SourceInfo {
                kind: "manual",
                rule: None,
            },
            TagSource::Detected(rule) => SourceInfo {
                kind: "detected",
                rule: Some(rule.to_string()),
            },
            TagSource::Confirmed => SourceInfo {
                kind: "confirmed",
                rule: None,
            },
        })
        .collect();
    let hops = p
        .hops
        .iter()
        .map(|h| HopInfo {
            from: ColumnName::of(cat, &h.from).id,
            to: ColumnName::of(cat, &h.to).id,
            origin: h.origin,
            job: job_of(h.job, jobs),
            tag_in: h.tag_in.to_string(),
            tag_out: h.tag_out.to_string(),
            rule: h.rule.code(),
            why: h.rule.to_string(),
        })
        .collect();
    PathInfo {
        start: ColumnName::of(cat, &p.start).id,
        start_tag: p.start_tag.to_string(),
        source,
        hops,
    }
}

/// The tags of column `node_id` (`datasetField:NS:NAME:FIELD`; required), each with up
/// to `paths` explanation paths (at most 100), their total and the latest review.
pub async fn explained(
    store: &Store,
    graph: &GraphHandle,
    node_id_raw: Option<&str>,
    paths: usize,
) -> Result<ColumnTags> {
    let max_paths = paths.min(MAX_PATHS);
    let (column, tags, explanations, job_ids) = {
        let cat = graph.read()?;
        let column = column_of(&cat, "nodeId", node_id_raw)?;
        let tags = cat.graph.tags_of(&column).map_err(QueryError::graph)?;
        let mut explanations = Vec::with_capacity(tags.len());
        let mut jobs = Vec::new();
        for t in &tags {
            let key = TagKey::parse(&t.tag).map_err(QueryError::graph)?;
            let e = cat
                .graph
                .explain(&column, &key, max_paths)
                .map_err(QueryError::graph)?;
            jobs.extend(
                e.paths
                    .iter()
                    .flat_map(|p| p.hops.iter().filter_map(|h| h.job)),
            );
            explanations.push(e);
        }
        (column, tags, explanations, jobs)
    };
    let jobs = store.job_names(&job_ids).await?;
    let reviews: Vec<ReviewState> = store
        .reviews(Some(column.dataset))
        .await?
        .into_iter()
        .filter(|r| r.column == *column.column)
        .collect();
    let cat = graph.read()?;
    let tags = tags
        .iter()
        .zip(&explanations)
        .map(|(t, e)| ExplainedTag {
            tag: TagInfo::of(t),
            total_paths: e.total,
            paths: e.paths.iter().map(|p| path_info(&cat, p, &jobs)).collect(),
            review: reviews
                .iter()
                .find(|r| r.tag == *t.tag)
                .map(|r| ReviewNote {
                    reviewer: r.reviewer.clone(),
                    reason: r.reason.clone(),
                    at: r.at,
                    seq: r.seq,
                }),
        })
        .collect();
    Ok(ColumnTags {
        column: ColumnName::of(&cat, &column),
        tags,
    })
}
