//! Native lineage-graph and PII endpoints: traversal, impact, paths, a column's tags
//! with the paths that explain them, the review queue, review decisions and a
//! namespace's PII report.
//!
//! Nodes are named as Marquez names them (`dataset:NS:NAME`,
//! `datasetField:NS:NAME:FIELD`), so a client can pass the ids Marquez-shaped endpoints
//! return. The answers come from the query layer (`weft-query`), which GraphQL calls
//! too; this file parses parameters and bodies and serializes the typed answers into
//! the JSON this API has always returned.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use weft_lineage::graph::{Direction, TagKey, TagStatus};
use weft_query::impact::Impact;
use weft_query::node::{ColumnName, Edge, JobName, level_name};
use weft_query::paths::PathRequest;
use weft_query::pii::PiiColumn;
use weft_query::review::{
    Decision, DecisionStores, QueueRequest, RetractionRequest, parse_status_filter, reviewer_of,
};
use weft_query::tags::{ExplainedTag, HopInfo, PathInfo, TagInfo, status_name};
use weft_query::traverse::{NodeKind, TraverseRequest};
use weft_schemas::change::ReviewAction;
use weft_store::lookup::OwnerRef;
use weft_store::read::iso;

use super::AppState;
use super::error::ApiError;
use crate::auth::{Caller, Scope, authenticate};

type ApiResult = Result<Json<Value>, ApiError>;

/// Explanation paths returned per tag unless asked otherwise.
const DEFAULT_PATHS: usize = 5;

fn bad(path: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        message: message.into(),
        path: Some(path.into()),
    }
}

/// A query string, or a 400 that says what was wrong with it.
pub(super) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))
}

/// The stores a decision goes through.
fn decision_stores(s: &AppState) -> DecisionStores<'_> {
    DecisionStores {
        store: &s.store,
        graph: &s.graph,
        writer: &s.writer,
    }
}

fn column_json(c: &ColumnName) -> Value {
    json!({"id": c.id, "namespace": c.namespace, "dataset": c.dataset, "field": c.field})
}

fn job_json(job: &Option<JobName>) -> Value {
    match job {
        Some(j) => json!({"namespace": j.namespace, "name": j.name}),
        None => Value::Null,
    }
}

fn edge_json(e: &Edge) -> Value {
    let transformations: Vec<Value> = e
        .transformations
        .iter()
        .map(|t| {
            json!({"type": t.kind.as_str(), "subtype": t.subtype.as_str(),
                   "description": t.description, "masking": t.masking})
        })
        .collect();
    json!({
        "src": e.src,
        "dst": e.dst,
        "level": level_name(e.level),
        "origin": e.origin.as_str(),
        "job": job_json(&e.job),
        "transformations": transformations,
        "supportingEdges": e.supporting_edges,
        "firstSeen": iso(Some(e.first_seen)),
        "lastSeen": iso(Some(e.last_seen)),
        "stale": e.stale,
    })
}

fn tag_info_json(t: &TagInfo) -> Value {
    json!({
        "tag": t.tag,
        "status": status_name(t.status),
        "origin": t.origin.as_str(),
        "declared": t.declared,
        "manual": t.manual,
        "detectedBy": t.detected_by,
        "propagated": t.propagated,
    })
}

/// `base` (an object) with the tag's members added.
fn with_tag(mut base: Value, t: &TagInfo) -> Value {
    if let (Some(o), Value::Object(tag)) = (base.as_object_mut(), tag_info_json(t)) {
        o.extend(tag);
    }
    base
}

fn hop_json(h: &HopInfo) -> Value {
    json!({
        "from": h.from,
        "to": h.to,
        "origin": h.origin.as_str(),
        "job": job_json(&h.job),
        "tagIn": h.tag_in,
        "tagOut": h.tag_out,
        "rule": h.rule,
        "why": h.why,
    })
}

fn path_json(p: &PathInfo) -> Value {
    let source: Vec<Value> = p
        .source
        .iter()
        .map(|s| match &s.rule {
            Some(rule) => json!({"kind": s.kind, "rule": rule}),
            None => json!({"kind": s.kind}),
        })
        .collect();
    let hops: Vec<Value> = p.hops.iter().map(hop_json).collect();
    json!({"start": p.start, "startTag": p.start_tag, "source": source, "hops": hops})
}

fn owners_json(owners: &[OwnerRef]) -> Value {
    Value::Array(
        owners
            .iter()
            .map(|o| json!({"name": o.name, "type": o.owner_type}))
            .collect(),
    )
}

/// `?nodeId=&depth=&directOnly=&includeStale=&maxNodes=&maxChildren=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraverseParams {
    node_id: Option<String>,
    depth: Option<u32>,
    direct_only: Option<bool>,
    include_stale: Option<bool>,
    max_nodes: Option<usize>,
    max_children: Option<usize>,
}

/// A traversal as JSON: nodes, edges, and whether caps cut it.
async fn traverse(s: AppState, p: TraverseParams, direction: Direction) -> ApiResult {
    let request = TraverseRequest {
        node_id: p.node_id,
        depth: p.depth,
        direct_only: p.direct_only,
        include_stale: p.include_stale,
        max_nodes: p.max_nodes,
        max_children: p.max_children,
    };
    let t = weft_query::traverse::traverse(&s.store, &s.graph, &request, direction).await?;
    let nodes: Vec<Value> = t
        .nodes
        .iter()
        .map(|n| {
            let mut v = match n.kind {
                NodeKind::Dataset => json!({"type": "DATASET",
                       "namespace": n.namespace, "name": n.dataset}),
                NodeKind::DatasetField => json!({"type": "DATASET_FIELD",
                       "namespace": n.namespace, "dataset": n.dataset, "field": n.field}),
            };
            v["id"] = n.id.clone().into();
            v["depth"] = n.depth.into();
            v["usage"] = n.usage.into();
            v["hasColumnLineage"] = n.has_column_lineage.into();
            v["hiddenChildren"] = n.hidden_children.into();
            v
        })
        .collect();
    let edges: Vec<Value> = t.edges.iter().map(edge_json).collect();
    Ok(Json(json!({
        "direction": if direction == Direction::Upstream { "upstream" } else { "downstream" },
        "nodes": nodes,
        "edges": edges,
        "truncated": t.truncated,
    })))
}

/// `GET /api/v1/graph/upstream`.
pub async fn upstream(
    State(s): State<AppState>,
    q: Result<Query<TraverseParams>, QueryRejection>,
) -> ApiResult {
    traverse(s, query(q)?, Direction::Upstream).await
}

/// `GET /api/v1/graph/downstream`.
pub async fn downstream(
    State(s): State<AppState>,
    q: Result<Query<TraverseParams>, QueryRejection>,
) -> ApiResult {
    traverse(s, query(q)?, Direction::Downstream).await
}

/// `?nodeId=`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeParams {
    node_id: Option<String>,
    paths: Option<usize>,
}

/// `GET /api/v1/graph/impact`: every downstream dataset (with owners and tier) and
/// column of a node.
pub async fn impact(
    State(s): State<AppState>,
    q: Result<Query<NodeParams>, QueryRejection>,
) -> ApiResult {
    let p = query(q)?;
    let i: Impact = weft_query::impact::impact(&s.store, &s.graph, p.node_id.as_deref()).await?;
    let datasets: Vec<Value> = i
        .datasets
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "namespace": d.namespace,
                "name": d.name,
                "owners": owners_json(&d.owners),
                "tier": d.tier,
            })
        })
        .collect();
    let columns: Vec<Value> = i.columns.iter().map(column_json).collect();
    Ok(Json(
        json!({"node": i.node, "datasets": datasets, "columns": columns}),
    ))
}

/// `?from=&to=&directOnly=&maxDepth=&limit=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathParams {
    from: Option<String>,
    to: Option<String>,
    direct_only: Option<bool>,
    max_depth: Option<u32>,
    limit: Option<usize>,
}

/// `GET /api/v1/graph/paths`: the paths from one column to another (each a list of
/// edges, upstream first), with the count: `{paths, total}`.
pub async fn paths(
    State(s): State<AppState>,
    q: Result<Query<PathParams>, QueryRejection>,
) -> ApiResult {
    let p = query(q)?;
    let request = PathRequest {
        from: p.from,
        to: p.to,
        direct_only: p.direct_only,
        max_depth: p.max_depth,
        limit: p.limit,
    };
    let found = weft_query::paths::paths(&s.store, &s.graph, &request).await?;
    let paths: Vec<Value> = found
        .paths
        .iter()
        .map(|path| Value::Array(path.iter().map(edge_json).collect()))
        .collect();
    Ok(Json(json!({"paths": paths, "total": found.total})))
}

fn explained_json(e: &ExplainedTag) -> Value {
    let mut v = tag_info_json(&e.tag);
    v["totalPaths"] = e.total_paths.into();
    v["paths"] = Value::Array(e.paths.iter().map(path_json).collect());
    v["review"] = e
        .review
        .as_ref()
        .map(|r| json!({"reviewer": r.reviewer, "reason": r.reason, "at": iso(Some(r.at)), "seq": r.seq}))
        .unwrap_or(Value::Null);
    v
}

/// `GET /api/v1/tags?nodeId=datasetField:…&paths=N`: a column's tags, each with its
/// status, origin, latest review and up to N explanation paths with their total.
pub async fn column_tags(
    State(s): State<AppState>,
    q: Result<Query<NodeParams>, QueryRejection>,
) -> ApiResult {
    let p = query(q)?;
    let t = weft_query::tags::explained(
        &s.store,
        &s.graph,
        p.node_id.as_deref(),
        p.paths.unwrap_or(DEFAULT_PATHS),
    )
    .await?;
    let mut out = column_json(&t.column);
    out["tags"] = Value::Array(t.tags.iter().map(explained_json).collect());
    Ok(Json(out))
}

/// `?owner=&unowned=&tag=&status=&limit=&offset=` for the review queue.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueParams {
    owner: Option<String>,
    unowned: Option<bool>,
    tag: Option<String>,
    /// Only datasets whose `namespace:name` contains this text, case-insensitively.
    dataset: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /api/v1/reviews`: tags awaiting (or past) review, filtered by the dataset's
/// owner (or `unowned=true` for datasets nobody owns), dataset name (`dataset=`, a
/// case-insensitive part of `namespace:name`), tag prefix and status (default
/// `proposed`): `{totalCount, items}`.
pub async fn review_queue(
    State(s): State<AppState>,
    q: Result<Query<QueueParams>, QueryRejection>,
) -> ApiResult {
    let p = query(q)?;
    let request = QueueRequest {
        status: parse_status_filter(p.status.as_deref())?,
        owner: p.owner,
        unowned: p.unowned == Some(true),
        tag: p.tag,
        dataset: p.dataset,
        limit: p.limit,
        offset: p.offset,
    };
    let found = weft_query::review::queue(&s.store, &s.graph, &request).await?;
    let items: Vec<Value> = found
        .items
        .iter()
        .map(|item| {
            let c = &item.column;
            let mut v = with_tag(
                json!({"column": c.id, "namespace": c.namespace, "dataset": c.dataset,
                       "field": c.field}),
                &item.tag,
            );
            v["owners"] = owners_json(&item.owners);
            v["unowned"] = item.unowned.into();
            v
        })
        .collect();
    Ok(Json(json!({"totalCount": found.total, "items": items})))
}

/// A person's decision as posted: who is calling and the JSON object they sent.
struct Posted {
    caller: Caller,
    body: Map<String, Value>,
}

impl Posted {
    /// Authenticates the caller and reads the body as a JSON object.
    fn read(s: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Posted, ApiError> {
        let caller = authenticate(&s.tokens, headers, Scope::Review).ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token")
        })?;
        let v: Value = serde_json::from_slice(body).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, format!("body is not JSON: {e}"))
        })?;
        match v {
            Value::Object(body) => Ok(Posted { caller, body }),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "body must be a JSON object",
            )),
        }
    }

    /// A string member, if present.
    fn text(&self, k: &str) -> Result<Option<String>, ApiError> {
        match self.body.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(x)) => Ok(Some(x.clone())),
            Some(_) => Err(bad(k, format!("{k} must be a string"))),
        }
    }

    /// The caller's token name, with authentication on.
    fn token(&self) -> Option<&str> {
        match &self.caller {
            Caller::Token(name) => Some(name),
            Caller::Anonymous => None,
        }
    }

    /// Who decides: the token's name, or (authentication off) the `reviewer` member.
    fn reviewer(&self) -> Result<String, ApiError> {
        let named = match self.token() {
            Some(_) => None,
            None => self.text("reviewer")?,
        };
        Ok(reviewer_of(self.token(), named.as_deref())?)
    }
}

/// `POST /api/v1/reviews`: a decision on a tag at a column; answers with the column's
/// tags once the graph reflects it.
pub async fn post_review(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    let d = Posted::read(&s, &headers, &body)?;
    let text = |k: &str| d.text(k);
    let action = match text("action")?.as_deref() {
        Some("confirm") => ReviewAction::Confirm,
        Some("reject") => ReviewAction::Reject,
        Some("clear") => ReviewAction::Clear,
        Some("add") => ReviewAction::Add,
        Some("remove") => ReviewAction::Remove,
        Some(x) => {
            return Err(bad(
                "action",
                format!("action {x:?} is not confirm, reject, clear, add or remove"),
            ));
        }
        None => return Err(bad("action", "action is required")),
    };
    let raw_tag = text("tag")?.ok_or_else(|| bad("tag", "tag is required"))?;
    let tag = TagKey::parse(&raw_tag).map_err(|e| bad("tag", e.to_string()))?;
    let reason = text("reason")?;
    let node = match text("nodeId")? {
        Some(n) => n,
        None => {
            let (Some(ns), Some(ds), Some(f)) =
                (text("namespace")?, text("dataset")?, text("field")?)
            else {
                return Err(bad(
                    "nodeId",
                    "nodeId (datasetField:NS:NAME:FIELD) or namespace, dataset and field are required",
                ));
            };
            format!("datasetField:{ns}:{ds}:{f}")
        }
    };
    let decision = Decision {
        action,
        tag,
        node,
        reviewer: d.reviewer()?,
        reason,
    };
    let done = weft_query::review::decide(decision_stores(&s), d.token(), decision).await?;
    let mut out = column_json(&done.column);
    out["seq"] = done.seq.into();
    out["applied"] = done.applied.into();
    out["tags"] = Value::Array(done.tags.iter().map(tag_info_json).collect());
    Ok(Json(out))
}

/// `POST /api/v1/lineage/retractions`: removes a column edge (`src` → `dst`, of one
/// `origin` or all), typically one marked stale. Recorded in the change log; an edge
/// stated again later (by a producer, or a job's SQL) comes back.
pub async fn post_retraction(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    let d = Posted::read(&s, &headers, &body)?;
    let text = |k: &str| d.text(k);
    let origin = text("origin")?;
    if let Some(o) = &origin {
        weft_lineage::graph::Origin::parse(o).map_err(|e| bad("origin", e.to_string()))?;
    }
    let reviewer = d.reviewer()?;
    let request = RetractionRequest {
        src: text("src")?,
        dst: text("dst")?,
        origin,
    };
    let checked =
        weft_query::review::check_retraction(&s.store, &s.graph, d.token(), request).await?;
    let (seq, applied) =
        weft_query::review::retract(decision_stores(&s), checked, reviewer, text("reason")?)
            .await?;
    Ok(Json(json!({"seq": seq, "applied": applied})))
}

fn pii_column_json(p: &PiiColumn) -> Value {
    let mut v = with_tag(column_json(&p.column), &p.tag);
    v["current"] = p.current.into();
    v
}

/// `GET /api/v1/namespaces/{ns}/pii`: every column of the namespace's datasets holding
/// personal data (a propagating tag or its pseudonymised form), grouped by status.
pub async fn pii_report(State(s): State<AppState>, Path(ns): Path<String>) -> ApiResult {
    let r = weft_query::pii::report(&s.store, &s.graph, &ns).await?;
    let list = |l: &[PiiColumn]| Value::Array(l.iter().map(pii_column_json).collect());
    Ok(Json(json!({
        "namespace": r.namespace,
        "columnsWithPii": r.columns_with_pii,
        "counts": {
            "confirmed": r.confirmed.len(),
            "proposed": r.proposed.len(),
            "rejected": r.rejected.len(),
        },
        "columns": {
            "confirmed": list(&r.confirmed),
            "proposed": list(&r.proposed),
            "rejected": list(&r.rejected),
        },
    })))
}

/// Adds the graph's tags (detected and propagated ones included, rejected ones left
/// out) to a Marquez-shaped dataset's fields: `tags` stays a list of keys, as Marquez
/// clients expect, and `tagDetails` adds status and origin.
pub fn enrich_dataset(s: &AppState, dataset: &mut Value) {
    let (Some(ns), Some(name)) = (
        dataset["namespace"].as_str().map(str::to_owned),
        dataset["name"].as_str().map(str::to_owned),
    ) else {
        return;
    };
    let Some(fields) = dataset.get_mut("fields").and_then(Value::as_array_mut) else {
        return;
    };
    // Only fields with a name are enriched; the others are left as they are.
    let named: Vec<(usize, String)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f["name"].as_str().map(|n| (i, n.to_owned())))
        .collect();
    let names: Vec<&str> = named.iter().map(|(_, n)| n.as_str()).collect();
    let Some(tags) = weft_query::pii::field_tags(&s.graph, &ns, &name, &names) else {
        return;
    };
    for ((i, _), tags) in named.iter().zip(tags) {
        let f = &mut fields[*i];
        let mut keys: Vec<Value> = f["tags"].as_array().cloned().unwrap_or_default();
        let rejected: Vec<&str> = tags
            .iter()
            .filter(|t| t.status == TagStatus::Rejected)
            .map(|t| t.tag.as_str())
            .collect();
        keys.retain(|k| {
            k.as_str()
                .is_none_or(|k| !rejected.contains(&k.to_lowercase().as_str()))
        });
        for t in tags.iter().filter(|t| t.status != TagStatus::Rejected) {
            if !keys
                .iter()
                .any(|k| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(&t.tag)))
            {
                keys.push(Value::String(t.tag.clone()));
            }
        }
        f["tags"] = Value::Array(keys);
        f["tagDetails"] = Value::Array(tags.iter().map(tag_info_json).collect());
    }
}
