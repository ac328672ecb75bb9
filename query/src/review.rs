//! The review queue, review decisions on tags at columns, retractions of edges, and
//! what a batch of decisions changes downstream.
//!
//! A decision is written through the change log like any other input, and the answer
//! waits (bounded) until the graph reflects it, so a caller reads its own write.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

use weft_lineage::graph::{ColumnRef, NodeRef, TagKey, TagStatus};
use weft_schemas::change::{EdgeRetraction, FieldName, MetadataChange, ReviewAction, TagReview};
use weft_store::Store;
use weft_store::group_commit::WriterHandle;
use weft_store::lookup::{OwnerRef, is_owner};
use weft_store::writer::Outcome;
use weft_views::graph::GraphHandle;

use crate::error::{QueryError, Result};
use crate::node::{ColumnName, column_of};
use crate::tags::{TagInfo, tags_on};

/// How long a decision's answer waits for the graph to reflect it.
const READ_YOUR_WRITE: Duration = Duration::from_secs(10);

/// Queue entries listed by default, and at most.
const DEFAULT_QUEUE_PAGE: usize = 100;
const MAX_QUEUE_PAGE: usize = 1000;

/// The statuses the queue filters by: a status, or `any`.
pub fn parse_status_filter(raw: Option<&str>) -> Result<Option<TagStatus>> {
    match raw {
        None => Ok(Some(TagStatus::Proposed)),
        Some("any") => Ok(None),
        Some("proposed") => Ok(Some(TagStatus::Proposed)),
        Some("confirmed") => Ok(Some(TagStatus::Confirmed)),
        Some("rejected") => Ok(Some(TagStatus::Rejected)),
        Some(x) => Err(QueryError::bad(
            "status",
            format!("status {x:?} is not proposed, confirmed, rejected or any"),
        )),
    }
}

/// Which queue entries: by the dataset's owner, its name, the tag and its status.
#[derive(Debug, Clone)]
pub struct QueueRequest {
    /// Only datasets this owner owns (`user:alice`, or just `alice`).
    pub owner: Option<String>,
    /// Only datasets nobody owns.
    pub unowned: bool,
    /// Only this tag and the tags under it.
    pub tag: Option<String>,
    /// Only datasets whose `namespace:name` contains this text, case-insensitively.
    pub dataset: Option<String>,
    /// Only this status; none for any.
    pub status: Option<TagStatus>,
    /// Entries listed (default 100, at most 1,000).
    pub limit: Option<usize>,
    /// Entries skipped.
    pub offset: Option<usize>,
}

/// A tag at a column awaiting (or past) review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// The column.
    pub column: ColumnName,
    /// The tag.
    pub tag: TagInfo,
    /// The dataset's owners, who decide.
    pub owners: Vec<OwnerRef>,
    /// Nobody owns the dataset.
    pub unowned: bool,
}

/// One page of the review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    /// Entries in all.
    pub total: usize,
    /// This page's.
    pub items: Vec<QueueItem>,
}

/// The review queue.
pub async fn queue(store: &Store, graph: &GraphHandle, p: &QueueRequest) -> Result<Queue> {
    let prefix = p.tag.as_deref().map(str::to_lowercase);
    let needle = p
        .dataset
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_lowercase);
    let items: Vec<(ColumnRef, weft_lineage::graph::ColumnTag)> = {
        let cat = graph.read()?;
        let mut items = Vec::new();
        // One decision per dataset, not per tagged column.
        let mut named: HashMap<i64, bool> = HashMap::new();
        for c in cat.graph.tagged_columns() {
            if let Some(needle) = &needle {
                let hit = *named.entry(c.dataset).or_insert_with(|| {
                    cat.dataset_name(c.dataset).is_some_and(|n| {
                        format!("{}:{}", n.namespace, n.name)
                            .to_lowercase()
                            .contains(needle.as_str())
                    })
                });
                if !hit {
                    continue;
                }
            }
            for t in cat.graph.tags_of(&c).unwrap_or_default() {
                if p.status.is_some_and(|st| st != t.status) {
                    continue;
                }
                if let Some(pre) = &prefix
                    && !(t.tag.as_ref() == pre || t.tag.starts_with(&format!("{pre}.")))
                {
                    continue;
                }
                items.push((c.clone(), t));
            }
        }
        items
    };
    let datasets: Vec<i64> = items
        .iter()
        .map(|(c, _)| c.dataset)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let owners = store.dataset_owners(&datasets).await?;
    let wanted = |d: i64| -> bool {
        let own = owners.get(&d).map(Vec::as_slice).unwrap_or_default();
        if p.unowned && !own.is_empty() {
            return false;
        }
        match &p.owner {
            Some(who) => is_owner(own, who),
            None => true,
        }
    };
    let cat = graph.read()?;
    let filtered: Vec<&(ColumnRef, weft_lineage::graph::ColumnTag)> =
        items.iter().filter(|(c, _)| wanted(c.dataset)).collect();
    let total = filtered.len();
    let limit = p.limit.unwrap_or(DEFAULT_QUEUE_PAGE).min(MAX_QUEUE_PAGE);
    let items = filtered
        .into_iter()
        .skip(p.offset.unwrap_or(0))
        .take(limit)
        .map(|(c, t)| {
            let own = owners.get(&c.dataset).cloned().unwrap_or_default();
            QueueItem {
                column: ColumnName::of(&cat, c),
                tag: TagInfo::of(t),
                unowned: own.is_empty(),
                owners: own,
            }
        })
        .collect();
    Ok(Queue { total, items })
}

/// Who decides: the token's name when the caller has one, else the reviewer the caller
/// named (required, trimmed).
pub fn reviewer_of(token: Option<&str>, named: Option<&str>) -> Result<String> {
    match token {
        Some(name) => Ok(name.to_owned()),
        None => named
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .ok_or_else(|| {
                QueryError::bad("reviewer", "reviewer is required (who makes this decision)")
            }),
    }
}

/// With authentication on (`token` is the caller's name), the caller must own dataset
/// `dataset` (named `name` in the refusal) when it has owners.
pub async fn check_owner(
    store: &Store,
    token: Option<&str>,
    dataset: i64,
    name: &str,
) -> Result<()> {
    let Some(who) = token else {
        return Ok(());
    };
    let owners = store.dataset_owners(&[dataset]).await?;
    let owners = owners.get(&dataset).cloned().unwrap_or_default();
    if owners.is_empty() || is_owner(&owners, who) {
        return Ok(());
    }
    let names: Vec<&str> = owners.iter().map(|o| o.name.as_str()).collect();
    Err(QueryError::NotOwner(format!(
        "{who} does not own {name}; its owners are {}",
        names.join(", ")
    )))
}

/// The checks of [`decide`] that no other decision can change, for columns
/// (`datasetField:NS:NAME:FIELD`) decided together, so a batch can be refused before
/// any of it is recorded: each names a known column, and the caller (`token`, with
/// authentication on) may decide on each dataset (checked once per dataset). A failure
/// comes with the index of its node.
pub async fn check_reviewable(
    store: &Store,
    graph: &GraphHandle,
    token: Option<&str>,
    nodes: &[String],
) -> Result<Vec<ColumnRef>, (usize, QueryError)> {
    let resolved = {
        let cat = graph.read().map_err(|e| (0, e.into()))?;
        let mut out = Vec::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let column = column_of(&cat, "nodeId", Some(n)).map_err(|e| (i, e))?;
            let name = cat
                .dataset_name(column.dataset)
                .map(|x| format!("{}:{}", x.namespace, x.name))
                .ok_or_else(|| (i, QueryError::NotFound("dataset not found".into())))?;
            out.push((column, name));
        }
        out
    };
    let mut checked: HashSet<i64> = HashSet::new();
    for (i, (column, name)) in resolved.iter().enumerate() {
        if checked.insert(column.dataset) {
            check_owner(store, token, column.dataset, name)
                .await
                .map_err(|e| (i, e))?;
        }
    }
    Ok(resolved.into_iter().map(|(c, _)| c).collect())
}

/// The tags derived from decided keys on the columns downstream of decided ones.
pub type Derived = BTreeMap<ColumnRef, BTreeSet<String>>;

/// The tags, not rejected, that derive from `keys` (a key itself, a key under it such
/// as `pii.email.work` under `pii.email`, and their pseudonymised forms) on every column
/// downstream of `columns` (their impact, the columns themselves left out unless one is
/// downstream of another): what a batch of review decisions changes.
pub fn derived_downstream(
    graph: &GraphHandle,
    columns: &[ColumnRef],
    keys: &[TagKey],
) -> Result<Derived> {
    let cat = graph.read()?;
    let pseudo = cat.rules.pseudonymised_prefix.as_str();
    let derives = |tag: &str| {
        keys.iter().any(|k| {
            let k = k.as_str();
            let under =
                |t: &str| t == k || t.strip_prefix(k).is_some_and(|rest| rest.starts_with('.'));
            under(tag)
                || tag
                    .strip_prefix(pseudo)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(under)
        })
    };
    let mut out = Derived::new();
    for c in columns {
        let impact = cat
            .graph
            .impact(&NodeRef::Column(c.clone()))
            .map_err(QueryError::graph)?;
        for d in impact.columns {
            if out.contains_key(&d) {
                continue;
            }
            let tags: BTreeSet<String> = cat
                .graph
                .tags_of(&d)
                .unwrap_or_default()
                .iter()
                .filter(|t| t.status != TagStatus::Rejected && derives(&t.tag))
                .map(|t| t.tag.to_string())
                .collect();
            out.insert(d, tags);
        }
    }
    Ok(out)
}

/// What review decisions changed downstream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewEffect {
    /// Columns that had a derived tag and have none now.
    pub lost: u64,
    /// Columns that had none and have one now.
    pub gained: u64,
    /// Columns that had one and still have one.
    pub kept: u64,
    /// The first columns that lost or gained.
    pub changed: Vec<ColumnName>,
}

/// What changed between two [`derived_downstream`] snapshots, listing at most `listed`
/// of the columns that lost or gained.
pub fn derived_change(
    graph: &GraphHandle,
    before: &Derived,
    after: &Derived,
    listed: usize,
) -> Result<ReviewEffect> {
    let cat = graph.read()?;
    let mut effect = ReviewEffect::default();
    let columns: BTreeSet<&ColumnRef> = before.keys().chain(after.keys()).collect();
    for c in columns {
        let had = before.get(c).is_some_and(|t| !t.is_empty());
        let has = after.get(c).is_some_and(|t| !t.is_empty());
        match (had, has) {
            (true, false) => effect.lost += 1,
            (false, true) => effect.gained += 1,
            (true, true) => effect.kept += 1,
            (false, false) => continue,
        }
        if had != has && effect.changed.len() < listed {
            effect.changed.push(ColumnName::of(&cat, c));
        }
    }
    Ok(effect)
}

/// The stores a decision goes through: reads, the graph it changes, the writer.
#[derive(Clone, Copy)]
pub struct DecisionStores<'a> {
    /// For owners.
    pub store: &'a Store,
    /// For the column and its tags, and to wait for the decision.
    pub graph: &'a GraphHandle,
    /// Records the decision.
    pub writer: &'a WriterHandle,
}

/// Records a change and waits (bounded) until the graph reflects it: (seq, applied).
async fn submit_and_wait(at: DecisionStores<'_>, change: MetadataChange) -> Result<(i64, bool)> {
    let outcomes = at
        .writer
        .submit(vec![change])
        .await
        .map_err(|e| QueryError::Internal(e.to_string()))?;
    let Some(&Outcome::Applied(seq)) = outcomes.first() else {
        return Err(QueryError::Internal("the decision was not recorded".into()));
    };
    Ok((seq, at.graph.wait_for(seq, READ_YOUR_WRITE).await))
}

/// A decision on a tag at a column.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Confirm, reject, clear, add or remove.
    pub action: ReviewAction,
    /// The tag.
    pub tag: TagKey,
    /// The column, `datasetField:NS:NAME:FIELD`.
    pub node: String,
    /// Who decides (see [`reviewer_of`]).
    pub reviewer: String,
    /// The reason the reviewer gave, if any.
    pub reason: Option<String>,
}

/// A recorded decision: the column's tags once the graph reflects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The column.
    pub column: ColumnName,
    /// The decision's change-log entry.
    pub seq: i64,
    /// Whether the graph reflected it within the wait.
    pub applied: bool,
    /// The column's tags afterwards.
    pub tags: Vec<TagInfo>,
}

/// Records a decision by the caller (`token`, with authentication on: it must own the
/// dataset when it has owners) and answers once the graph reflects it. Confirming,
/// rejecting or clearing needs the tag on the column; removing needs it added by hand.
pub async fn decide(at: DecisionStores<'_>, token: Option<&str>, d: Decision) -> Result<Decided> {
    let (column, name, current) = {
        let cat = at.graph.read()?;
        let column = column_of(&cat, "nodeId", Some(&d.node))?;
        let name = cat
            .dataset_name(column.dataset)
            .cloned()
            .ok_or_else(|| QueryError::NotFound("dataset not found".into()))?;
        let current = cat
            .graph
            .tags_of(&column)
            .unwrap_or_default()
            .into_iter()
            .find(|t| *t.tag == *d.tag.as_str());
        (column, name, current)
    };
    check_owner(
        at.store,
        token,
        column.dataset,
        &format!("{}:{}", name.namespace, name.name),
    )
    .await?;
    match (d.action, &current) {
        (ReviewAction::Confirm | ReviewAction::Reject | ReviewAction::Clear, None) => {
            return Err(QueryError::Conflict(format!(
                "{} is not on column {}; use action add to tag it by hand",
                d.tag.as_str(),
                column.column
            )));
        }
        (ReviewAction::Remove, c) if !c.as_ref().is_some_and(|t| t.manual) => {
            return Err(QueryError::Conflict(format!(
                "{} was not added by hand on column {}; reject it instead",
                d.tag.as_str(),
                column.column
            )));
        }
        _ => {}
    }
    let review = TagReview {
        namespace: name.namespace.clone(),
        dataset: name.name.clone(),
        column: column.column.to_string(),
        tag: d.tag.as_str().to_owned(),
        action: d.action,
        reviewer: d.reviewer,
        reason: d.reason,
    };
    let (seq, applied) = submit_and_wait(at, review.into_change()).await?;
    let cat = at.graph.read()?;
    Ok(Decided {
        column: ColumnName::of(&cat, &column),
        seq,
        applied,
        tags: tags_on(&cat, &column),
    })
}

/// A column edge to retract, as asked: its ends (`datasetField:NS:NAME:FIELD`, both
/// required) and optionally the one origin.
#[derive(Debug, Clone)]
pub struct RetractionRequest {
    /// The upstream column.
    pub src: Option<String>,
    /// The downstream column.
    pub dst: Option<String>,
    /// Only edges of this origin; all when none.
    pub origin: Option<String>,
}

/// A retraction checked and ready to record.
#[derive(Debug, Clone)]
pub struct Retraction {
    src: FieldName,
    dst: FieldName,
    origin: Option<String>,
}

/// Checks a retraction: a known origin, known columns, an edge between them (of that
/// origin), and that the caller (`token`) may decide on the downstream dataset.
pub async fn check_retraction(
    store: &Store,
    graph: &GraphHandle,
    token: Option<&str>,
    r: RetractionRequest,
) -> Result<Retraction> {
    let (src, dst, names, exists) = {
        let cat = graph.read()?;
        let src = column_of(&cat, "src", r.src.as_deref())?;
        let dst = column_of(&cat, "dst", r.dst.as_deref())?;
        let paths = cat
            .graph
            .column_paths(&src, &dst, false, 1, 16)
            .map_err(QueryError::graph)?;
        let exists = paths
            .paths
            .iter()
            .flatten()
            .any(|e| r.origin.as_deref().is_none_or(|o| e.origin.as_str() == o));
        let name = |c: &ColumnRef| {
            cat.dataset_name(c.dataset).map(|n| FieldName {
                namespace: n.namespace.clone(),
                dataset: n.name.clone(),
                field: c.column.to_string(),
            })
        };
        (src.clone(), dst.clone(), name(&src).zip(name(&dst)), exists)
    };
    let Some((src_name, dst_name)) = names else {
        return Err(QueryError::NotFound("dataset not found".into()));
    };
    if !exists {
        return Err(QueryError::NotFound(format!(
            "no edge from {} to {}{}",
            src.column,
            dst.column,
            r.origin
                .as_deref()
                .map(|o| format!(" with origin {o}"))
                .unwrap_or_default()
        )));
    }
    check_owner(
        store,
        token,
        dst.dataset,
        &format!("{}:{}", dst_name.namespace, dst_name.dataset),
    )
    .await?;
    Ok(Retraction {
        src: src_name,
        dst: dst_name,
        origin: r.origin,
    })
}

/// Records a checked retraction by `reviewer` and waits for the graph: (seq, applied).
pub async fn retract(
    at: DecisionStores<'_>,
    r: Retraction,
    reviewer: String,
    reason: Option<String>,
) -> Result<(i64, bool)> {
    let change = EdgeRetraction {
        src: r.src,
        dst: r.dst,
        origin: r.origin,
        reviewer,
        reason,
    }
    .into_change();
    submit_and_wait(at, change).await
}
