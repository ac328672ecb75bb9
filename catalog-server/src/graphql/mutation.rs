//! The mutation root: what owners do to the catalog.
//!
//! Every mutation becomes one `MetadataChange` through the single writer, so it lands in
//! the change log with the caller as actor, survives `weft rebuild`, and reaches
//! subscribers like any other change. Each answers after the commit, with the object as
//! it now reads. Edits need the `write` scope; tag decisions on columns need `review`
//! and, with authentication on, the caller must own the dataset when it has owners.

use async_graphql::{Context, Enum, InputObject, Json, Object, Result, SimpleObject};
use serde_json::{Map, Value, json};
use weft_schemas::change::{CatalogEdit, Edit, EditOwner, MetadataChange};
use weft_schemas::openlineage::Event;

use super::types::{Column, Dataset, state};
use super::{Viewer, api_error, bad_input, load_error, store_error};
use crate::auth::{Caller, Scope};
use crate::store::writer::Outcome;

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
            api_error(crate::api::error::ApiError::not_found(format!(
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
            return Err(api_error(crate::api::error::ApiError::not_found(format!(
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

/// A decision on a tag at a column (`add`, `remove`, `confirm`, `reject`, `clear`)
/// through the REST layer's review path: the `review` scope, the owner check, and an
/// answer once the lineage graph reflects it. Returns the dataset's id.
async fn decide(
    ctx: &Context<'_>,
    action: &str,
    on: ColumnTagRef<'_>,
    reason: Option<String>,
    reviewer: Option<String>,
) -> Result<i64> {
    let caller = viewer(ctx)?.require(Scope::Review)?.clone();
    let id = dataset_id(ctx, on.namespace, on.dataset).await?;
    let mut body = as_map(
        json!({"action": action, "tag": on.tag, "namespace": on.namespace,
                                 "dataset": on.dataset, "field": on.field, "reason": reason}),
    );
    if caller == Caller::Anonymous
        && let Some(r) = reviewer
    {
        body.insert("reviewer".into(), Value::String(r));
    }
    let _decided = crate::api::graph::decide(state(ctx), caller, body)
        .await
        .map_err(api_error)?;
    super::types::loaders(ctx)?.clear();
    Ok(id)
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
        let key = tag_key(&tag)?;
        match column {
            None => edit(ctx, namespace, dataset, None, Edit::AddTag { key, value }).await,
            Some(field) => {
                let on = ColumnTagRef::new(&namespace, &dataset, &field, &key);
                Ok(Dataset {
                    id: decide(ctx, "add", on, reason, reviewer).await?,
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
                        return Err(api_error(crate::api::error::ApiError::not_found(format!(
                            "{namespace}:{dataset} has no tag {key}"
                        ))));
                    }
                    Some(t) if t.origin != crate::store::edits::MANUAL => {
                        return Err(api_error(crate::api::error::ApiError::new(
                            axum::http::StatusCode::CONFLICT,
                            format!("{key} was declared by a producer; change it at the source"),
                        )));
                    }
                    Some(_) => {}
                }
                edit(ctx, namespace, dataset, None, Edit::RemoveTag { key }).await
            }
            Some(field) => {
                let on = ColumnTagRef::new(&namespace, &dataset, &field, &key);
                Ok(Dataset {
                    id: decide(ctx, "remove", on, reason, reviewer).await?,
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
        let key = tag_key(&tag)?;
        let action = match decision {
            ReviewDecision::Confirm => "confirm",
            ReviewDecision::Reject => "reject",
            ReviewDecision::Clear => "clear",
        };
        let on = ColumnTagRef::new(&namespace, &dataset, &column, &key);
        decide(ctx, action, on, reason, reviewer).await?;
        super::query::column_named(ctx, &namespace, &dataset, &column)
            .await?
            .ok_or_else(|| {
                api_error(crate::api::error::ApiError::not_found(format!(
                    "column {column} of {namespace}:{dataset} not found"
                )))
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
        let mut change = weft_ingest::openlineage::normalize(&ev, &actor)
            .map_err(|e| bad_input("event", format!("{e} (at {})", e.path())))?;
        let s = state(ctx);
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

fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Map::new(),
    }
}
