//! The mutation root: what owners do to the catalog.
//!
//! Every mutation becomes one `MetadataChange` through the single writer, so it lands in
//! the change log with the caller as actor, survives `weft rebuild`, and reaches
//! subscribers like any other change. Each answers after the commit, with the object as
//! it now reads. Edits need the `write` scope; tag decisions on columns need `review`
//! and, with authentication on, the caller must own the dataset when it has owners.
//! `reviewTag` and `reviewTags` are one path: a single decision is a batch of one.

use std::time::Duration;

use async_graphql::{Context, Enum, InputObject, Json, Object, Result, SimpleObject};
use serde_json::Value;
use weft_lineage::graph::TagKey;
use weft_query::QueryError;
use weft_query::review::{
    Decided, Decision, DecisionStores, check_reviewable, derived_change, derived_downstream,
    reviewer_of,
};
use weft_schemas::change::{CatalogEdit, Edit, EditOwner, MetadataChange, ReviewAction};
use weft_schemas::governance::{Retention, check_classification};
use weft_schemas::openlineage::Event;

use super::types::{Column, ColumnName, Dataset, state};
use super::{Viewer, api_error, bad_input, load_error, query_error, store_error};
use crate::auth::{Caller, Scope};
use weft_store::writer::Outcome;

/// Items `reviewTags` takes per call.
const MAX_REVIEW_ITEMS: usize = 500;
/// Columns `ReviewEffect.changed` lists.
const MAX_CHANGED_LISTED: usize = 200;
/// How long a batch of decisions waits, after its last one, for the graph to reflect it.
const GRAPH_WAIT: Duration = Duration::from_secs(10);

/// An owner to set.
#[derive(InputObject, Debug, Clone)]
pub struct OwnerInput {
    /// `user:alice`, `team:data-eng`.
    pub name: String,
    /// `MAINTAINER`, `DATA_STEWARD`…
    #[graphql(name = "type")]
    pub owner_type: Option<String>,
}

/// A decision on a tag at a column.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReviewDecision {
    /// The tag is right: pin it.
    Confirm,
    /// The tag is wrong here: remove it and what it reached only through here.
    Reject,
    /// Forget an earlier decision.
    Clear,
}

/// A tag at a column to decide on.
#[derive(InputObject, Debug, Clone)]
pub struct ReviewTarget {
    /// The dataset's namespace.
    pub namespace: String,
    /// The dataset.
    pub dataset: String,
    /// The column.
    pub column: String,
    /// The tag key (`pii.email`).
    pub tag: String,
}

/// What a batch of review decisions did.
#[derive(SimpleObject)]
pub struct ReviewOutcome {
    /// The decided columns as they now read, each once, in the order of the items.
    pub columns: Vec<Column>,
    /// What the decisions changed downstream.
    pub effect: ReviewEffect,
}

/// What review decisions changed downstream, over the columns downstream of the decided
/// ones: for each, the tags it carries (not rejected) that derive from a decided key
/// (the key itself, a key under it such as `pii.email.work` under `pii.email`, or their
/// pseudonymised forms), before the first decision and after the last.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct ReviewEffect {
    /// Columns that had such a tag and have none now.
    pub lost: i64,
    /// Columns that had none and have one now.
    pub gained: i64,
    /// Columns that had one and still have one (from another source, say).
    pub kept: i64,
    /// The columns that lost or gained (the first 200).
    pub changed: Vec<ColumnName>,
}

/// What an ingested event did.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IngestStatus {
    /// Appended to the change log and applied.
    Applied,
    /// Already in the log (a retried delivery): nothing written.
    Duplicate,
}

/// The outcome of `ingestOpenLineage`.
#[derive(SimpleObject, Debug, Clone)]
pub struct IngestResult {
    /// Applied or duplicate.
    pub status: IngestStatus,
    /// The change-log entry, when applied.
    pub seq: Option<i64>,
    /// What the event is about (`run:UUID`, `dataset:NS:NAME`).
    pub entity: String,
}

/// The mutation root.
pub struct MutationRoot;

fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer> {
    ctx.data::<Viewer>()
}

/// The scope check every mutation makes first, before it looks at its arguments or its
/// target, so a caller without the scope learns nothing (not whether a tag exists).
fn need(ctx: &Context<'_>, scope: Scope) -> Result<()> {
    viewer(ctx)?.require(scope).map(|_| ())
}

/// Submits one change and waits for its commit; the sequence number, or `None` for a
/// duplicate.
async fn submit(ctx: &Context<'_>, change: MetadataChange) -> Result<Option<i64>> {
    let outcomes = state(ctx).writer.submit(vec![change]).await.map_err(|e| {
        api_error(crate::api::error::ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("the change was not recorded: {e}"),
        ))
    })?;
    // What this request loaded before the write is stale now.
    super::types::loaders(ctx)?.clear();
    Ok(match outcomes.first() {
        Some(Outcome::Applied(seq)) => Some(*seq),
        _ => None,
    })
}

/// The dataset's id, or NOT_FOUND naming it.
async fn dataset_id(ctx: &Context<'_>, namespace: &str, dataset: &str) -> Result<i64> {
    state(ctx)
        .store
        .dataset_id_named(namespace, dataset)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            query_error(QueryError::NotFound(format!(
                "dataset {namespace}:{dataset} not found"
            )))
        })
}

/// Records an edit by the caller (the `write` scope) and answers with the dataset.
async fn edit(
    ctx: &Context<'_>,
    namespace: String,
    dataset: String,
    column: Option<String>,
    edit: Edit,
) -> Result<Dataset> {
    let actor = viewer(ctx)?.require(Scope::Write)?.actor().to_owned();
    let id = dataset_id(ctx, &namespace, &dataset).await?;
    if let Some(c) = &column {
        let known = super::query::column_named(ctx, &namespace, &dataset, c)
            .await?
            .is_some();
        if !known {
            return Err(query_error(QueryError::NotFound(format!(
                "column {c} of {namespace}:{dataset} not found"
            ))));
        }
    }
    let change = CatalogEdit {
        namespace,
        dataset,
        column,
        edit,
        actor,
    }
    .into_change();
    submit(ctx, change).await?;
    Ok(Dataset { id })
}

fn tag_key(raw: &str) -> Result<String> {
    weft_lineage::graph::TagKey::parse(raw)
        .map(|k| k.as_str().to_owned())
        .map_err(|e| bad_input("tag", e.to_string()))
}

/// A tag at a column, as a decision names it.
struct ColumnTagRef<'a> {
    namespace: &'a str,
    dataset: &'a str,
    field: &'a str,
    tag: &'a str,
}

impl<'a> ColumnTagRef<'a> {
    fn new(namespace: &'a str, dataset: &'a str, field: &'a str, tag: &'a str) -> Self {
        ColumnTagRef {
            namespace,
            dataset,
            field,
            tag,
        }
    }
}

/// A decision on a tag at a column (`add`, `remove`): the `review` scope, then
/// [`record`]. Returns the dataset's id.
async fn decide(
    ctx: &Context<'_>,
    action: ReviewAction,
    on: ColumnTagRef<'_>,
    reason: Option<String>,
    reviewer: Option<String>,
) -> Result<i64> {
    let caller = viewer(ctx)?.require(Scope::Review)?.clone();
    let id = dataset_id(ctx, on.namespace, on.dataset).await?;
    record(ctx, &caller, action, on, reason, reviewer).await?;
    Ok(id)
}

/// Records `caller`'s decision on a tag at a column (`add`, `remove`, `confirm`,
/// `reject`, `clear`) through the query layer's review path, which `POST
/// /api/v1/reviews` takes too: the reviewer, the owner check, conflicts with the
/// column's current tags, the change-log entry, and an answer once the lineage graph
/// reflects it.
async fn record(
    ctx: &Context<'_>,
    caller: &Caller,
    action: ReviewAction,
    on: ColumnTagRef<'_>,
    reason: Option<String>,
    reviewer: Option<String>,
) -> Result<Decided> {
    let token = match caller {
        Caller::Token(name) => Some(name.as_str()),
        Caller::Anonymous => None,
    };
    let decided = async {
        let decision = Decision {
            action,
            tag: TagKey::parse(on.tag).map_err(|e| QueryError::BadInput {
                field: Some("tag".into()),
                message: e.to_string(),
            })?,
            node: format!("datasetField:{}:{}:{}", on.namespace, on.dataset, on.field),
            reviewer: reviewer_of(token, reviewer.as_deref())?,
            reason,
        };
        let s = state(ctx);
        let stores = DecisionStores {
            store: &s.store,
            graph: &s.graph,
            writer: &s.writer,
        };
        weft_query::review::decide(stores, token, decision).await
    }
    .await;
    // Whatever happened, what this request loaded may be stale now.
    super::types::loaders(ctx)?.clear();
    decided.map_err(query_error)
}

/// An error about one item of `reviewTags`: its message starts `items[i]: `, and its
/// extensions name the item (and, when earlier items were recorded, how many).
fn item_error(
    i: usize,
    mut e: async_graphql::Error,
    recorded: Option<usize>,
) -> async_graphql::Error {
    e.message = format!("items[{i}]: {}", e.message);
    if let Some(n) = recorded.filter(|n| *n > 0) {
        e.message
            .push_str(&format!("; the {n} items before it were recorded"));
    }
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("argument", "items");
    ext.set("item", i64::try_from(i).unwrap_or(i64::MAX));
    if let Some(n) = recorded {
        ext.set("recorded", i64::try_from(n).unwrap_or(i64::MAX));
    }
    e
}

/// What [`review`] did: the decided columns, and for a batch the effect downstream.
struct Reviewed {
    columns: Vec<Column>,
    effect: Option<ReviewEffect>,
}

/// The review path of `reviewTag` (one target, errors named by its arguments) and
/// `reviewTags` (`bulk`: errors name the item): the `review` scope; before anything is
/// recorded, every target's tag key, column and owner check, and with authentication
/// off the reviewer; then each decision in order through [`record`], so each is checked
/// against the tags the earlier ones left. A failure stops the batch; the decisions
/// before it stay recorded, and the error says how many. The answer waits until the
/// graph reflects the last decision; with `bulk` it measures the effect downstream.
async fn review(
    ctx: &Context<'_>,
    targets: Vec<ReviewTarget>,
    decision: ReviewDecision,
    reason: Option<String>,
    reviewer: Option<String>,
    bulk: bool,
) -> Result<Reviewed> {
    let caller = viewer(ctx)?.require(Scope::Review)?.clone();
    if targets.len() > MAX_REVIEW_ITEMS {
        return Err(bad_input(
            "items",
            format!(
                "reviewTags takes at most {MAX_REVIEW_ITEMS} items per call, got {}; send them in several calls",
                targets.len()
            ),
        ));
    }
    let name = |i: usize, e: async_graphql::Error| if bulk { item_error(i, e, None) } else { e };
    let mut keys = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        let key = TagKey::parse(&t.tag).map_err(|e| name(i, bad_input("tag", e.to_string())))?;
        keys.push(key);
    }
    if caller == Caller::Anonymous && reviewer.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(bad_input(
            "reviewer",
            "reviewer is required (who makes this decision)",
        ));
    }
    let s = state(ctx);
    // A graph still loading is no item's fault.
    drop(s.graph.read().map_err(|e| query_error(e.into()))?);
    let nodes: Vec<String> = targets
        .iter()
        .map(|t| format!("datasetField:{}:{}:{}", t.namespace, t.dataset, t.column))
        .collect();
    let token = match &caller {
        Caller::Token(name) => Some(name.as_str()),
        Caller::Anonymous => None,
    };
    let columns = check_reviewable(&s.store, &s.graph, token, &nodes)
        .await
        .map_err(|(i, e)| name(i, query_error(e)))?;
    let before = if bulk {
        Some(derived_downstream(&s.graph, &columns, &keys).map_err(query_error)?)
    } else {
        None
    };
    let action = match decision {
        ReviewDecision::Confirm => ReviewAction::Confirm,
        ReviewDecision::Reject => ReviewAction::Reject,
        ReviewDecision::Clear => ReviewAction::Clear,
    };
    let mut last = None;
    for (i, (t, key)) in targets.iter().zip(&keys).enumerate() {
        let on = ColumnTagRef::new(&t.namespace, &t.dataset, &t.column, key.as_str());
        match record(ctx, &caller, action, on, reason.clone(), reviewer.clone()).await {
            Ok(done) => last = Some(done.seq),
            Err(e) if bulk => return Err(item_error(i, e, Some(i))),
            Err(e) => return Err(e),
        }
    }
    if let Some(seq) = last {
        s.graph.wait_for(seq, GRAPH_WAIT).await;
    }
    let effect = match before {
        Some(before) => {
            let after = derived_downstream(&s.graph, &columns, &keys).map_err(query_error)?;
            let e = derived_change(&s.graph, &before, &after, MAX_CHANGED_LISTED)
                .map_err(query_error)?;
            Some(ReviewEffect {
                lost: i64::try_from(e.lost).unwrap_or(i64::MAX),
                gained: i64::try_from(e.gained).unwrap_or(i64::MAX),
                kept: i64::try_from(e.kept).unwrap_or(i64::MAX),
                changed: e.changed.into_iter().map(ColumnName::from).collect(),
            })
        }
        None => None,
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for t in &targets {
        if !seen.insert((&t.namespace, &t.dataset, &t.column)) {
            continue;
        }
        match super::query::column_named(ctx, &t.namespace, &t.dataset, &t.column).await? {
            Some(c) => out.push(c),
            // Decided on a column the dataset's current schema no longer has.
            None if bulk => {}
            None => {
                return Err(query_error(QueryError::NotFound(format!(
                    "column {} of {}:{} not found",
                    t.column, t.namespace, t.dataset
                ))));
            }
        }
    }
    Ok(Reviewed {
        columns: out,
        effect,
    })
}

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Sets the description of a dataset, or of one of its columns; null or empty
    /// returns to the producer's.
    async fn set_description(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        column: Option<String>,
        description: Option<String>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        edit(
            ctx,
            namespace,
            dataset,
            column,
            Edit::SetDescription { description },
        )
        .await
    }

    /// Replaces the dataset's owners; an empty list returns to the producer's.
    async fn set_owners(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        owners: Vec<OwnerInput>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        let owners = owners
            .into_iter()
            .map(|o| {
                let name = o.name.trim().to_owned();
                if name.is_empty() {
                    return Err(bad_input("owners", "an owner's name must not be empty"));
                }
                Ok(EditOwner {
                    name,
                    owner_type: o.owner_type,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        edit(ctx, namespace, dataset, None, Edit::SetOwners { owners }).await
    }

    /// Sets the dataset's tier (`gold`, `silver`, `bronze`…); null removes it.
    async fn set_tier(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        tier: Option<String>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        let tier = tier
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        if let Some(t) = &tier
            && !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(bad_input(
                "tier",
                "a tier is one word (letters, digits, _ and -)",
            ));
        }
        edit(ctx, namespace, dataset, None, Edit::SetTier { tier }).await
    }

    /// Sets the dataset's classification, one of `governance.classifications`; null
    /// returns to the producer's (`weft_governance` facet).
    async fn set_classification(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        classification: Option<String>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        let classification = match classification.filter(|c| !c.trim().is_empty()) {
            Some(c) => Some(
                check_classification(&c, &state(ctx).classifications)
                    .map_err(|e| bad_input("classification", e.to_string()))?,
            ),
            None => None,
        };
        edit(
            ctx,
            namespace,
            dataset,
            None,
            Edit::SetClassification { classification },
        )
        .await
    }

    /// Sets how long the dataset's data is kept: an ISO 8601 duration (`P30D`, `P2W`,
    /// `P6M`, `P1Y6M`) or `none` (kept forever, on purpose); null returns to the
    /// producer's.
    async fn set_retention(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        retention: Option<String>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        let retention = match retention.filter(|r| !r.trim().is_empty()) {
            Some(r) => Some(
                Retention::parse(&r)
                    .map_err(|e| bad_input("retention", e.to_string()))?
                    .canonical(),
            ),
            None => None,
        };
        edit(
            ctx,
            namespace,
            dataset,
            None,
            Edit::SetRetention { retention },
        )
        .await
    }

    /// Adds a tag by hand: to the dataset, or (with `column`) to a column, where it is
    /// a source like a declared tag and flows downstream when its kind propagates
    /// (`pii.*` by default; see `propagation` in the PII rules). A column tag needs the
    /// `review` scope.
    #[allow(clippy::too_many_arguments)]
    async fn add_tag(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        column: Option<String>,
        tag: String,
        value: Option<String>,
        reason: Option<String>,
        reviewer: Option<String>,
    ) -> Result<Dataset> {
        need(
            ctx,
            if column.is_some() {
                Scope::Review
            } else {
                Scope::Write
            },
        )?;
        let key = tag_key(&tag)?;
        match column {
            None => edit(ctx, namespace, dataset, None, Edit::AddTag { key, value }).await,
            Some(field) => {
                let on = ColumnTagRef::new(&namespace, &dataset, &field, &key);
                Ok(Dataset {
                    id: decide(ctx, ReviewAction::Add, on, reason, reviewer).await?,
                })
            }
        }
    }

    /// Removes a tag added by hand (a producer's tag is changed at the producer; on a
    /// column, reject it instead).
    #[allow(clippy::too_many_arguments)]
    async fn remove_tag(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        column: Option<String>,
        tag: String,
        reason: Option<String>,
        reviewer: Option<String>,
    ) -> Result<Dataset> {
        need(
            ctx,
            if column.is_some() {
                Scope::Review
            } else {
                Scope::Write
            },
        )?;
        let key = tag_key(&tag)?;
        match column {
            None => {
                let id = dataset_id(ctx, &namespace, &dataset).await?;
                let tags = super::types::loaders(ctx)?
                    .tags
                    .load_one(id)
                    .await
                    .map_err(load_error)?
                    .unwrap_or_default();
                match tags.iter().find(|t| t.column.is_empty() && t.key == key) {
                    None => {
                        return Err(query_error(QueryError::NotFound(format!(
                            "{namespace}:{dataset} has no tag {key}"
                        ))));
                    }
                    Some(t) if t.origin != weft_store::edits::MANUAL => {
                        return Err(query_error(QueryError::Conflict(format!(
                            "{key} was declared by a producer; change it at the source"
                        ))));
                    }
                    Some(_) => {}
                }
                edit(ctx, namespace, dataset, None, Edit::RemoveTag { key }).await
            }
            Some(field) => {
                let on = ColumnTagRef::new(&namespace, &dataset, &field, &key);
                Ok(Dataset {
                    id: decide(ctx, ReviewAction::Remove, on, reason, reviewer).await?,
                })
            }
        }
    }

    /// Decides on a tag at a column: confirm, reject or clear. With authentication on,
    /// only the dataset's owners may decide (when it has owners); the token's name is
    /// the reviewer. With it off, `reviewer` names who decides.
    #[allow(clippy::too_many_arguments)]
    async fn review_tag(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        column: String,
        tag: String,
        decision: ReviewDecision,
        reason: Option<String>,
        reviewer: Option<String>,
    ) -> Result<Column> {
        need(ctx, Scope::Review)?;
        let target = ReviewTarget {
            namespace,
            dataset,
            column,
            tag,
        };
        let done = review(ctx, vec![target], decision, reason, reviewer, false).await?;
        done.columns
            .into_iter()
            .next()
            .ok_or_else(|| query_error(QueryError::NotFound("column not found".into())))
    }

    /// The same decision on many tags at columns (at most 500), each checked and
    /// recorded exactly as `reviewTag` does it (owners, conflicts with the column's
    /// current tags), in order, so a decision sees what the earlier ones did; the
    /// targets are all checked (tag keys, columns, owners) before the first is
    /// recorded. A failure stops the batch: its error names the item (`items[i]`) and
    /// how many before it were recorded (extensions `item`, `recorded`). Answers once
    /// the lineage graph reflects every decision, with what they changed downstream.
    async fn review_tags(
        &self,
        ctx: &Context<'_>,
        items: Vec<ReviewTarget>,
        decision: ReviewDecision,
        reason: Option<String>,
        reviewer: Option<String>,
    ) -> Result<ReviewOutcome> {
        need(ctx, Scope::Review)?;
        let done = review(ctx, items, decision, reason, reviewer, true).await?;
        Ok(ReviewOutcome {
            columns: done.columns,
            effect: done.effect.unwrap_or_default(),
        })
    }

    /// Marks a dataset deprecated (or, with `deprecated: false`, lifts the mark). Search
    /// ranks deprecated datasets lower.
    async fn deprecate_dataset(
        &self,
        ctx: &Context<'_>,
        namespace: String,
        dataset: String,
        #[graphql(default = true)] deprecated: bool,
        note: Option<String>,
    ) -> Result<Dataset> {
        need(ctx, Scope::Write)?;
        edit(
            ctx,
            namespace,
            dataset,
            None,
            Edit::Deprecate { deprecated, note },
        )
        .await
    }

    /// Records one OpenLineage event (RunEvent, DatasetEvent or JobEvent), exactly as
    /// `POST /api/v1/lineage` would.
    async fn ingest_open_lineage(
        &self,
        ctx: &Context<'_>,
        event: Json<Value>,
    ) -> Result<IngestResult> {
        let actor = viewer(ctx)?.require(Scope::Write)?.actor().to_owned();
        let text = serde_json::to_vec(&event.0).map_err(|e| bad_input("event", e.to_string()))?;
        let ev = Event::from_slice(&text).map_err(|e| {
            bad_input(
                "event",
                format!(
                    "{}{}",
                    e.message,
                    if e.path.is_empty() {
                        String::new()
                    } else {
                        format!(" (at {})", e.path)
                    }
                ),
            )
        })?;
        let s = state(ctx);
        let mut change = weft_ingest::openlineage::check_classifications(&ev, &s.classifications)
            .and_then(|()| weft_ingest::openlineage::normalize(&ev, &actor))
            .map_err(|e| bad_input("event", format!("{} (at {})", e.message(), e.path())))?;
        s.aliases.apply(&mut change);
        let entity = change.entity.clone();
        let seq = submit(ctx, change).await?;
        s.metrics.accepted(1, u64::from(seq.is_none()));
        Ok(IngestResult {
            status: if seq.is_some() {
                IngestStatus::Applied
            } else {
                IngestStatus::Duplicate
            },
            seq,
            entity,
        })
    }
}
