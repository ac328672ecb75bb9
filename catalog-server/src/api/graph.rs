//! Native lineage-graph and PII endpoints: traversal, impact, paths, a column's tags
//! with the paths that explain them, the review queue, review decisions and a
//! namespace's PII report.
//!
//! Nodes are named as Marquez names them (`dataset:NS:NAME`,
//! `datasetField:NS:NAME:FIELD`), so a client can pass the ids Marquez-shaped endpoints
//! return. Every answer comes from the in-memory graph (see `views/graph.rs`); a
//! decision is written through the change log like any other input, and the response
//! waits until the graph reflects it, so a client reads its own write.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use weft_lineage::Transformation;
use weft_lineage::graph::{
    ColumnRef, ColumnTag, Direction, EdgeLevel, ExplanationPath, GraphEdge, GraphError, NodeRef,
    Rule, TagKey, TagSource, TagStatus, TraversalOptions,
};
use weft_schemas::change::{ReviewAction, TagReview};

use super::AppState;
use super::error::ApiError;
use crate::auth::{Caller, Scope, authenticate};
use weft_store::lookup::{OwnerRef, is_owner};
use weft_store::read::{NodeId, iso};
use weft_store::reviews::ReviewState;
use weft_store::writer::Outcome;
use weft_views::graph::{GraphCatalog, NotReady};

type ApiResult = Result<Json<Value>, ApiError>;

/// How long a decision's response waits for the graph to reflect it.
const READ_YOUR_WRITE: Duration = Duration::from_secs(10);

/// Explanation paths returned per tag unless asked otherwise.
const DEFAULT_PATHS: usize = 5;
const MAX_PATHS: usize = 100;

impl From<NotReady> for ApiError {
    fn from(_: NotReady) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the lineage graph is still loading; retry shortly",
        )
    }
}

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

/// Resolves a Marquez node id to a graph node.
fn resolve(cat: &GraphCatalog, param: &str, raw: Option<&str>) -> Result<NodeRef, ApiError> {
    let raw = raw.ok_or_else(|| bad(param, format!("{param} is required")))?;
    match NodeId::parse(raw) {
        Some(NodeId::Dataset { namespace, name }) => cat
            .dataset_id(&namespace, &name)
            .map(NodeRef::Dataset)
            .ok_or_else(|| ApiError::not_found(format!("dataset {namespace}:{name} not found"))),
        Some(NodeId::DatasetField {
            namespace,
            name,
            field,
        }) => {
            let d = cat.dataset_id(&namespace, &name).ok_or_else(|| {
                ApiError::not_found(format!("dataset {namespace}:{name} not found"))
            })?;
            if !cat.knows_column(d, &field) {
                return Err(ApiError::not_found(format!(
                    "column {field} of {namespace}:{name} not found"
                )));
            }
            Ok(NodeRef::Column(ColumnRef::new(d, &field)))
        }
        _ => Err(bad(
            param,
            format!("{param} {raw:?} is not dataset:NS:NAME or datasetField:NS:NAME:FIELD"),
        )),
    }
}

fn column_of(cat: &GraphCatalog, param: &str, raw: Option<&str>) -> Result<ColumnRef, ApiError> {
    match resolve(cat, param, raw)? {
        NodeRef::Column(c) => Ok(c),
        NodeRef::Dataset(_) => Err(bad(
            param,
            format!("{param} must name a column (datasetField:NS:NAME:FIELD)"),
        )),
    }
}

fn graph_error(e: GraphError) -> ApiError {
    match e {
        GraphError::UnknownColumn(_) | GraphError::UnknownDataset(_) => {
            ApiError::not_found(e.to_string())
        }
        other => ApiError::new(StatusCode::BAD_REQUEST, other.to_string()),
    }
}

/// Names of nodes, for JSON.
fn node_id(cat: &GraphCatalog, n: &NodeRef) -> String {
    match n {
        NodeRef::Dataset(d) => match cat.dataset_name(*d) {
            Some(x) => format!("dataset:{}:{}", x.namespace, x.name),
            None => format!("dataset:#{d}"),
        },
        NodeRef::Column(c) => column_id(cat, c),
    }
}

fn column_id(cat: &GraphCatalog, c: &ColumnRef) -> String {
    match cat.dataset_name(c.dataset) {
        Some(x) => format!("datasetField:{}:{}:{}", x.namespace, x.name, c.column),
        None => format!("datasetField:#{}:{}", c.dataset, c.column),
    }
}

fn column_json(cat: &GraphCatalog, c: &ColumnRef) -> Value {
    let (ns, name) = cat
        .dataset_name(c.dataset)
        .map(|x| (x.namespace.as_str(), x.name.as_str()))
        .unwrap_or_default();
    json!({"id": column_id(cat, c), "namespace": ns, "dataset": name, "field": &*c.column})
}

fn transformations_json(ts: &[Transformation]) -> Value {
    Value::Array(
        ts.iter()
            .map(|t| {
                json!({"type": t.kind.as_str(), "subtype": t.subtype.as_str(),
                       "description": t.description, "masking": t.masking})
            })
            .collect(),
    )
}

fn level_str(l: EdgeLevel) -> &'static str {
    match l {
        EdgeLevel::Column => "column",
        EdgeLevel::ColumnToDataset => "columnToDataset",
        EdgeLevel::Dataset => "dataset",
    }
}

fn edge_json(cat: &GraphCatalog, e: &GraphEdge, jobs: &HashMap<i64, (String, String)>) -> Value {
    json!({
        "src": node_id(cat, &e.src),
        "dst": node_id(cat, &e.dst),
        "level": level_str(e.level),
        "origin": e.origin.as_str(),
        "job": job_json(e.job, jobs),
        "transformations": transformations_json(&e.transformations),
        "supportingEdges": e.supporting_edges,
        "firstSeen": iso(Some(e.first_seen)),
        "lastSeen": iso(Some(e.last_seen)),
        "stale": e.stale,
    })
}

fn job_json(job: Option<i64>, jobs: &HashMap<i64, (String, String)>) -> Value {
    match job.and_then(|j| jobs.get(&j)) {
        Some((ns, name)) => json!({"namespace": ns, "name": name}),
        None => Value::Null,
    }
}

fn rule_code(r: &Rule) -> &'static str {
    match r {
        Rule::Identity => "identity",
        Rule::Transformation => "transformation",
        Rule::Masking { .. } => "masking",
        Rule::ValuePreservingAggregate { .. } => "value_preserving_aggregate",
        Rule::UnknownAggregate { .. } => "unknown_aggregate",
        Rule::NoInformation => "no_information",
        Rule::CountingAggregate { .. } => "counting_aggregate",
        Rule::Aggregate { .. } => "aggregate",
        Rule::Indirect => "indirect",
    }
}

fn status_str(s: TagStatus) -> &'static str {
    match s {
        TagStatus::Proposed => "proposed",
        TagStatus::Confirmed => "confirmed",
        TagStatus::Rejected => "rejected",
    }
}

fn parse_status(s: &str) -> Option<TagStatus> {
    match s {
        "proposed" => Some(TagStatus::Proposed),
        "confirmed" => Some(TagStatus::Confirmed),
        "rejected" => Some(TagStatus::Rejected),
        _ => None,
    }
}

/// Where a tag on a column comes from, most specific first.
fn origin_of(t: &ColumnTag) -> &'static str {
    if t.declared {
        "declared"
    } else if t.manual {
        "manual"
    } else if t.detected_by.is_some() {
        "detected"
    } else if t.propagated {
        "propagated"
    } else {
        "reviewed"
    }
}

pub(crate) fn tag_json(t: &ColumnTag) -> Value {
    json!({
        "tag": &*t.tag,
        "status": status_str(t.status),
        "origin": origin_of(t),
        "declared": t.declared,
        "manual": t.manual,
        "detectedBy": t.detected_by.as_deref(),
        "propagated": t.propagated,
    })
}

fn path_json(
    cat: &GraphCatalog,
    p: &ExplanationPath,
    jobs: &HashMap<i64, (String, String)>,
) -> Value {
    let source: Vec<Value> = p
        .source
        .iter()
        .map(|s| match s {
            TagSource::Declared => json!({"kind": "declared"}),
            TagSource::Manual => json!({"kind": "manual"}),
            TagSource::Detected(rule) => json!({"kind": "detected", "rule": &**rule}),
            TagSource::Confirmed => json!({"kind": "confirmed"}),
        })
        .collect();
    let hops: Vec<Value> = p
        .hops
        .iter()
        .map(|h| {
            json!({
                "from": column_id(cat, &h.from),
                "to": column_id(cat, &h.to),
                "origin": h.origin.as_str(),
                "job": job_json(h.job, jobs),
                "tagIn": &*h.tag_in,
                "tagOut": &*h.tag_out,
                "rule": rule_code(&h.rule),
                "why": h.rule.to_string(),
            })
        })
        .collect();
    json!({"start": column_id(cat, &p.start), "startTag": &*p.start_tag, "source": source, "hops": hops})
}

/// `?nodeId=&depth=&directOnly=&includeStale=&maxNodes=&maxChildren=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraverseParams {
    pub(crate) node_id: Option<String>,
    pub(crate) depth: Option<u32>,
    pub(crate) direct_only: Option<bool>,
    pub(crate) include_stale: Option<bool>,
    pub(crate) max_nodes: Option<usize>,
    pub(crate) max_children: Option<usize>,
}

const MAX_TRAVERSAL_DEPTH: u32 = 50;
const MAX_NODES: usize = 100_000;

/// A traversal as JSON: nodes, edges, and whether caps cut it.
pub(crate) async fn traverse(s: AppState, p: TraverseParams, direction: Direction) -> ApiResult {
    let defaults = TraversalOptions::default();
    let options = TraversalOptions {
        depth: p.depth.unwrap_or(defaults.depth).min(MAX_TRAVERSAL_DEPTH),
        direct_only: p.direct_only.unwrap_or(defaults.direct_only),
        include_stale: p.include_stale.unwrap_or(defaults.include_stale),
        max_nodes: p
            .max_nodes
            .unwrap_or(defaults.max_nodes)
            .clamp(1, MAX_NODES),
        max_children: p.max_children.unwrap_or(defaults.max_children).max(1),
    };
    let (sub, job_ids) = {
        let cat = s.graph.read()?;
        let start = resolve(&cat, "nodeId", p.node_id.as_deref())?;
        let sub = cat
            .graph
            .traverse(&start, direction, &options)
            .map_err(graph_error)?;
        let jobs: Vec<i64> = sub.edges.iter().filter_map(|e| e.job).collect();
        (sub, jobs)
    };
    let jobs = s.store.job_names(&job_ids).await?;
    let cat = s.graph.read()?;
    let nodes: Vec<Value> = sub
        .nodes
        .iter()
        .map(|n| {
            let mut v = match &n.node {
                NodeRef::Dataset(d) => {
                    let name = cat.dataset_name(*d);
                    json!({"type": "DATASET",
                           "namespace": name.map(|x| x.namespace.as_str()),
                           "name": name.map(|x| x.name.as_str())})
                }
                NodeRef::Column(c) => {
                    let mut v = column_json(&cat, c);
                    v["type"] = "DATASET_FIELD".into();
                    v
                }
            };
            v["id"] = node_id(&cat, &n.node).into();
            v["depth"] = n.depth.into();
            v["usage"] = n.usage.into();
            v["hasColumnLineage"] = n.has_column_lineage.into();
            v["hiddenChildren"] = n.hidden_children.into();
            v
        })
        .collect();
    let edges: Vec<Value> = sub
        .edges
        .iter()
        .map(|e| edge_json(&cat, e, &jobs))
        .collect();
    Ok(Json(json!({
        "direction": if direction == Direction::Upstream { "upstream" } else { "downstream" },
        "nodes": nodes,
        "edges": edges,
        "truncated": sub.truncated,
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
    impact_of(&s, p.node_id.as_deref()).await
}

/// Everything downstream of `node_id` (a Marquez node id), as JSON.
pub(crate) async fn impact_of(s: &AppState, node_id_raw: Option<&str>) -> ApiResult {
    let (impact, start) = {
        let cat = s.graph.read()?;
        let start = resolve(&cat, "nodeId", node_id_raw)?;
        let impact = cat.graph.impact(&start).map_err(graph_error)?;
        (impact, node_id(&cat, &start))
    };
    let owners = s.store.dataset_owners(&impact.datasets).await?;
    let tiers = s.store.dataset_tiers(&impact.datasets).await?;
    let cat = s.graph.read()?;
    let datasets: Vec<Value> = impact
        .datasets
        .iter()
        .map(|d| {
            let name = cat.dataset_name(*d);
            json!({
                "id": node_id(&cat, &NodeRef::Dataset(*d)),
                "namespace": name.map(|x| x.namespace.as_str()),
                "name": name.map(|x| x.name.as_str()),
                "owners": owners_json(owners.get(d)),
                "tier": tiers.get(d),
            })
        })
        .collect();
    let columns: Vec<Value> = impact
        .columns
        .iter()
        .map(|c| column_json(&cat, c))
        .collect();
    Ok(Json(
        json!({"node": start, "datasets": datasets, "columns": columns}),
    ))
}

fn owners_json(owners: Option<&Vec<OwnerRef>>) -> Value {
    Value::Array(
        owners
            .into_iter()
            .flatten()
            .map(|o| json!({"name": o.name, "type": o.owner_type}))
            .collect(),
    )
}

/// `?from=&to=&directOnly=&maxDepth=&limit=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathParams {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) direct_only: Option<bool>,
    pub(crate) max_depth: Option<u32>,
    pub(crate) limit: Option<usize>,
}

/// `GET /api/v1/graph/paths`: the paths from one column to another, with the count.
pub async fn paths(
    State(s): State<AppState>,
    q: Result<Query<PathParams>, QueryRejection>,
) -> ApiResult {
    paths_of(&s, query(q)?).await
}

/// The paths from one column to another (each a list of edges, upstream first) and how
/// many there are, as JSON: `{paths, total}`.
pub(crate) async fn paths_of(s: &AppState, p: PathParams) -> ApiResult {
    let (found, jobs) = {
        let cat = s.graph.read()?;
        let from = column_of(&cat, "from", p.from.as_deref())?;
        let to = column_of(&cat, "to", p.to.as_deref())?;
        let found = cat
            .graph
            .column_paths(
                &from,
                &to,
                p.direct_only.unwrap_or(false),
                p.max_depth.unwrap_or(20).min(MAX_TRAVERSAL_DEPTH),
                p.limit.unwrap_or(10).min(MAX_PATHS),
            )
            .map_err(graph_error)?;
        let jobs: Vec<i64> = found.paths.iter().flatten().filter_map(|e| e.job).collect();
        (found, jobs)
    };
    let jobs = s.store.job_names(&jobs).await?;
    let cat = s.graph.read()?;
    let paths: Vec<Value> = found
        .paths
        .iter()
        .map(|path| Value::Array(path.iter().map(|e| edge_json(&cat, e, &jobs)).collect()))
        .collect();
    Ok(Json(json!({"paths": paths, "total": found.total})))
}

/// `GET /api/v1/tags?nodeId=datasetField:…&paths=N`: a column's tags, each with its
/// status, origin, latest review and up to N explanation paths with their total.
pub async fn column_tags(
    State(s): State<AppState>,
    q: Result<Query<NodeParams>, QueryRejection>,
) -> ApiResult {
    let p = query(q)?;
    tags_explained(&s, p.node_id.as_deref(), p.paths.unwrap_or(DEFAULT_PATHS)).await
}

/// A column's tags with status, origin, latest review and up to `paths` explanation
/// paths each, as JSON.
pub(crate) async fn tags_explained(
    s: &AppState,
    node_id_raw: Option<&str>,
    paths: usize,
) -> ApiResult {
    let max_paths = paths.min(MAX_PATHS);
    let (column, tags, explanations, job_ids) = {
        let cat = s.graph.read()?;
        let column = column_of(&cat, "nodeId", node_id_raw)?;
        let tags = cat.graph.tags_of(&column).map_err(graph_error)?;
        let mut explanations = Vec::with_capacity(tags.len());
        let mut jobs = Vec::new();
        for t in &tags {
            let key = TagKey::parse(&t.tag).map_err(graph_error)?;
            let e = cat
                .graph
                .explain(&column, &key, max_paths)
                .map_err(graph_error)?;
            jobs.extend(
                e.paths
                    .iter()
                    .flat_map(|p| p.hops.iter().filter_map(|h| h.job)),
            );
            explanations.push(e);
        }
        (column, tags, explanations, jobs)
    };
    let jobs = s.store.job_names(&job_ids).await?;
    let reviews: Vec<ReviewState> = s
        .store
        .reviews(Some(column.dataset))
        .await?
        .into_iter()
        .filter(|r| r.column == *column.column)
        .collect();
    let cat = s.graph.read()?;
    let list: Vec<Value> = tags
        .iter()
        .zip(&explanations)
        .map(|(t, e)| {
            let mut v = tag_json(t);
            v["totalPaths"] = e.total.into();
            v["paths"] = Value::Array(e.paths.iter().map(|p| path_json(&cat, p, &jobs)).collect());
            v["review"] = reviews
                .iter()
                .find(|r| r.tag == *t.tag)
                .map(|r| json!({"reviewer": r.reviewer, "reason": r.reason, "at": iso(Some(r.at)), "seq": r.seq}))
                .unwrap_or(Value::Null);
            v
        })
        .collect();
    let mut out = column_json(&cat, &column);
    out["tags"] = Value::Array(list);
    Ok(Json(out))
}

/// `?owner=&unowned=&tag=&status=&limit=&offset=` for the review queue.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueParams {
    pub(crate) owner: Option<String>,
    pub(crate) unowned: Option<bool>,
    pub(crate) tag: Option<String>,
    /// Only datasets whose `namespace:name` contains this text, case-insensitively.
    pub(crate) dataset: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) limit: Option<usize>,
    pub(crate) offset: Option<usize>,
}

/// `GET /api/v1/reviews`: tags awaiting (or past) review, filtered by the dataset's
/// owner (or `unowned=true` for datasets nobody owns), dataset name (`dataset=`, a
/// case-insensitive part of `namespace:name`), tag prefix and status (default
/// `proposed`).
pub async fn review_queue(
    State(s): State<AppState>,
    q: Result<Query<QueueParams>, QueryRejection>,
) -> ApiResult {
    review_items(&s, query(q)?).await
}

/// The review queue as JSON: `{totalCount, items}`.
pub(crate) async fn review_items(s: &AppState, p: QueueParams) -> ApiResult {
    let status = match p.status.as_deref() {
        None => Some(TagStatus::Proposed),
        Some("any") => None,
        Some(x) => Some(parse_status(x).ok_or_else(|| {
            bad(
                "status",
                format!("status {x:?} is not proposed, confirmed, rejected or any"),
            )
        })?),
    };
    let prefix = p.tag.as_deref().map(str::to_lowercase);
    let needle = p
        .dataset
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_lowercase);
    let items: Vec<(ColumnRef, ColumnTag)> = {
        let cat = s.graph.read()?;
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
                if status.is_some_and(|st| st != t.status) {
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
    let owners = s.store.dataset_owners(&datasets).await?;
    let wanted = |d: i64| -> bool {
        let own = owners.get(&d).map(Vec::as_slice).unwrap_or_default();
        if p.unowned == Some(true) && !own.is_empty() {
            return false;
        }
        match &p.owner {
            Some(who) => is_owner(own, who),
            None => true,
        }
    };
    let cat = s.graph.read()?;
    let filtered: Vec<&(ColumnRef, ColumnTag)> =
        items.iter().filter(|(c, _)| wanted(c.dataset)).collect();
    let total = filtered.len();
    let limit = p.limit.unwrap_or(100).min(1000);
    let list: Vec<Value> = filtered
        .into_iter()
        .skip(p.offset.unwrap_or(0))
        .take(limit)
        .map(|(c, t)| {
            let mut v = column_json(&cat, c);
            let own = owners.get(&c.dataset);
            v["column"] = v["id"].take();
            if let Some(o) = v.as_object_mut() {
                o.remove("id");
            }
            for (k, x) in tag_json(t).as_object().into_iter().flatten() {
                v[k] = x.clone();
            }
            v["owners"] = owners_json(own);
            v["unowned"] = own.is_none_or(|o| o.is_empty()).into();
            v
        })
        .collect();
    Ok(Json(json!({"totalCount": total, "items": list})))
}

/// A person's decision as posted: who is calling and the JSON object they sent.
struct Decision {
    caller: Caller,
    body: Map<String, Value>,
}

impl Decision {
    /// Authenticates the caller and reads the body as a JSON object.
    fn read(s: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Decision, ApiError> {
        let caller = authenticate(&s.tokens, headers, Scope::Review).ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token")
        })?;
        let v: Value = serde_json::from_slice(body).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, format!("body is not JSON: {e}"))
        })?;
        match v {
            Value::Object(body) => Ok(Decision { caller, body }),
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

    /// Who decides: the token's name, or (authentication off) the `reviewer` member.
    fn reviewer(&self) -> Result<String, ApiError> {
        match &self.caller {
            Caller::Token(name) => Ok(name.clone()),
            Caller::Anonymous => self
                .text("reviewer")?
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .ok_or_else(|| bad("reviewer", "reviewer is required (who makes this decision)")),
        }
    }

    /// With authentication on, the caller must own the dataset when it has owners.
    async fn check_owner(&self, s: &AppState, dataset: i64, name: &str) -> Result<(), ApiError> {
        check_owner(s, &self.caller, dataset, name).await
    }
}

/// With authentication on (a token calls), `caller` must own dataset `dataset` (named
/// `name` in the refusal) when it has owners.
async fn check_owner(
    s: &AppState,
    caller: &Caller,
    dataset: i64,
    name: &str,
) -> Result<(), ApiError> {
    let Caller::Token(who) = caller else {
        return Ok(());
    };
    let owners = s.store.dataset_owners(&[dataset]).await?;
    let owners = owners.get(&dataset).cloned().unwrap_or_default();
    if owners.is_empty() || is_owner(&owners, who) {
        return Ok(());
    }
    let names: Vec<&str> = owners.iter().map(|o| o.name.as_str()).collect();
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "{who} does not own {name}; its owners are {}",
            names.join(", ")
        ),
    ))
}

/// The checks of [`decide`] that no other decision can change, for columns
/// (`datasetField:NS:NAME:FIELD`) decided together, so a batch can be refused before
/// any of it is recorded: each names a known column (404, 400), and `caller` may decide
/// on each dataset (403, checked once per dataset). A failure comes with the index of
/// its node.
pub(crate) async fn check_reviewable(
    s: &AppState,
    caller: &Caller,
    nodes: &[String],
) -> Result<Vec<ColumnRef>, (usize, ApiError)> {
    let resolved = {
        let cat = s.graph.read().map_err(|e| (0, e.into()))?;
        let mut out = Vec::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let column = column_of(&cat, "nodeId", Some(n)).map_err(|e| (i, e))?;
            let name = cat
                .dataset_name(column.dataset)
                .map(|x| format!("{}:{}", x.namespace, x.name))
                .ok_or_else(|| (i, ApiError::not_found("dataset not found")))?;
            out.push((column, name));
        }
        out
    };
    let mut checked: HashSet<i64> = HashSet::new();
    for (i, (column, name)) in resolved.iter().enumerate() {
        if checked.insert(column.dataset) {
            check_owner(s, caller, column.dataset, name)
                .await
                .map_err(|e| (i, e))?;
        }
    }
    Ok(resolved.into_iter().map(|(c, _)| c).collect())
}

/// The tags, not rejected, that derive from `keys` (a key itself, a key under it such
/// as `pii.email.work` under `pii.email`, and their pseudonymised forms) on every column
/// downstream of `columns` (their impact, the columns themselves left out unless one is
/// downstream of another): what a batch of review decisions changes.
pub(crate) fn derived_downstream(
    s: &AppState,
    columns: &[ColumnRef],
    keys: &[TagKey],
) -> Result<BTreeMap<ColumnRef, BTreeSet<String>>, ApiError> {
    let cat = s.graph.read()?;
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
    let mut out: BTreeMap<ColumnRef, BTreeSet<String>> = BTreeMap::new();
    for c in columns {
        let impact = cat
            .graph
            .impact(&NodeRef::Column(c.clone()))
            .map_err(graph_error)?;
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

/// What changed between two [`derived_downstream`] snapshots, as JSON `{lost, gained,
/// kept, changed}`: columns that had a derived tag and have none now (lost), the
/// reverse (gained), that had one and still have one (kept), and the first `listed`
/// columns that lost or gained, each `{id, namespace, dataset, field}`.
pub(crate) fn derived_change(
    s: &AppState,
    before: &BTreeMap<ColumnRef, BTreeSet<String>>,
    after: &BTreeMap<ColumnRef, BTreeSet<String>>,
    listed: usize,
) -> Result<Value, ApiError> {
    let cat = s.graph.read()?;
    let (mut lost, mut gained, mut kept) = (0u64, 0u64, 0u64);
    let mut changed = Vec::new();
    let columns: BTreeSet<&ColumnRef> = before.keys().chain(after.keys()).collect();
    for c in columns {
        let had = before.get(c).is_some_and(|t| !t.is_empty());
        let has = after.get(c).is_some_and(|t| !t.is_empty());
        match (had, has) {
            (true, false) => lost += 1,
            (false, true) => gained += 1,
            (true, true) => kept += 1,
            (false, false) => continue,
        }
        if had != has && changed.len() < listed {
            changed.push(column_json(&cat, c));
        }
    }
    Ok(json!({"lost": lost, "gained": gained, "kept": kept, "changed": changed}))
}

/// Records a change and waits (bounded) until the graph reflects it: (seq, applied).
async fn submit_and_wait(
    s: &AppState,
    change: weft_schemas::change::MetadataChange,
) -> Result<(i64, bool), ApiError> {
    let outcomes = s
        .writer
        .submit(vec![change])
        .await
        .map_err(ApiError::internal)?;
    let Some(&Outcome::Applied(seq)) = outcomes.first() else {
        return Err(ApiError::internal("the decision was not recorded"));
    };
    Ok((seq, s.graph.wait_for(seq, READ_YOUR_WRITE).await))
}

/// `POST /api/v1/reviews`: a decision on a tag at a column.
pub async fn post_review(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    let d = Decision::read(&s, &headers, &body)?;
    decide(&s, d.caller, d.body).await
}

/// Records `caller`'s decision on a tag at a column (`body` as `POST /api/v1/reviews`
/// takes it) and answers with the column's tags once the graph reflects it.
pub(crate) async fn decide(s: &AppState, caller: Caller, body: Map<String, Value>) -> ApiResult {
    let d = Decision { caller, body };
    let s = s.clone();
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
    let reviewer = d.reviewer()?;
    let (column, name, current) = {
        let cat = s.graph.read()?;
        let column = column_of(&cat, "nodeId", Some(&node))?;
        let name = cat
            .dataset_name(column.dataset)
            .cloned()
            .ok_or_else(|| ApiError::not_found("dataset not found"))?;
        let current = cat
            .graph
            .tags_of(&column)
            .unwrap_or_default()
            .into_iter()
            .find(|t| *t.tag == *tag.as_str());
        (column, name, current)
    };
    d.check_owner(
        &s,
        column.dataset,
        &format!("{}:{}", name.namespace, name.name),
    )
    .await?;
    let conflict = |m: String| ApiError::new(StatusCode::CONFLICT, m);
    match (action, &current) {
        (ReviewAction::Confirm | ReviewAction::Reject | ReviewAction::Clear, None) => {
            return Err(conflict(format!(
                "{} is not on column {}; use action add to tag it by hand",
                tag.as_str(),
                column.column
            )));
        }
        (ReviewAction::Remove, c) if !c.as_ref().is_some_and(|t| t.manual) => {
            return Err(conflict(format!(
                "{} was not added by hand on column {}; reject it instead",
                tag.as_str(),
                column.column
            )));
        }
        _ => {}
    }
    let review = TagReview {
        namespace: name.namespace.clone(),
        dataset: name.name.clone(),
        column: column.column.to_string(),
        tag: tag.as_str().to_owned(),
        action,
        reviewer,
        reason,
    };
    let (seq, caught_up) = submit_and_wait(&s, review.into_change()).await?;
    let cat = s.graph.read()?;
    let tags: Vec<Value> = cat
        .graph
        .tags_of(&column)
        .unwrap_or_default()
        .iter()
        .map(tag_json)
        .collect();
    let mut out = column_json(&cat, &column);
    out["seq"] = seq.into();
    out["applied"] = caught_up.into();
    out["tags"] = Value::Array(tags);
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
    let d = Decision::read(&s, &headers, &body)?;
    let text = |k: &str| d.text(k);
    let origin = text("origin")?;
    if let Some(o) = &origin {
        weft_lineage::graph::Origin::parse(o).map_err(|e| bad("origin", e.to_string()))?;
    }
    let reviewer = d.reviewer()?;
    let (src_raw, dst_raw) = (text("src")?, text("dst")?);
    let (src, dst, names, exists) = {
        let cat = s.graph.read()?;
        let src = column_of(&cat, "src", src_raw.as_deref())?;
        let dst = column_of(&cat, "dst", dst_raw.as_deref())?;
        let paths = cat
            .graph
            .column_paths(&src, &dst, false, 1, 16)
            .map_err(graph_error)?;
        let exists = paths
            .paths
            .iter()
            .flatten()
            .any(|e| origin.as_deref().is_none_or(|o| e.origin.as_str() == o));
        let name = |c: &ColumnRef| {
            cat.dataset_name(c.dataset)
                .map(|n| weft_schemas::change::FieldName {
                    namespace: n.namespace.clone(),
                    dataset: n.name.clone(),
                    field: c.column.to_string(),
                })
        };
        (src.clone(), dst.clone(), name(&src).zip(name(&dst)), exists)
    };
    let Some((src_name, dst_name)) = names else {
        return Err(ApiError::not_found("dataset not found"));
    };
    if !exists {
        return Err(ApiError::not_found(format!(
            "no edge from {} to {}{}",
            src.column,
            dst.column,
            origin
                .as_deref()
                .map(|o| format!(" with origin {o}"))
                .unwrap_or_default()
        )));
    }
    d.check_owner(
        &s,
        dst.dataset,
        &format!("{}:{}", dst_name.namespace, dst_name.dataset),
    )
    .await?;
    let change = weft_schemas::change::EdgeRetraction {
        src: src_name,
        dst: dst_name,
        origin,
        reviewer,
        reason: text("reason")?,
    }
    .into_change();
    let (seq, caught_up) = submit_and_wait(&s, change).await?;
    Ok(Json(json!({"seq": seq, "applied": caught_up})))
}

/// `GET /api/v1/namespaces/{ns}/pii`: every column of the namespace's datasets holding
/// personal data (a propagating tag or its pseudonymised form), grouped by status.
pub async fn pii_report(State(s): State<AppState>, Path(ns): Path<String>) -> ApiResult {
    if s.store.get_namespace(&ns).await?.is_none() {
        return Err(ApiError::not_found(format!("namespace {ns} not found")));
    }
    let cat = s.graph.read()?;
    let datasets = cat.datasets_in(&ns);
    let mut by_status: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    for st in ["confirmed", "proposed", "rejected"] {
        by_status.insert(st, Vec::new());
    }
    let mut columns_with_pii: HashSet<(i64, String)> = HashSet::new();
    for d in datasets {
        let current: HashSet<&str> = cat
            .current_columns(d)
            .iter()
            .map(|(c, _)| c.as_str())
            .collect();
        for col in cat.graph.columns_of(d) {
            let c = ColumnRef::new(d, &col);
            for t in cat.graph.tags_of(&c).unwrap_or_default() {
                if !cat.is_pii(&t.tag) {
                    continue;
                }
                if t.status != TagStatus::Rejected {
                    columns_with_pii.insert((d, col.to_string()));
                }
                let mut v = column_json(&cat, &c);
                for (k, x) in tag_json(&t).as_object().into_iter().flatten() {
                    v[k] = x.clone();
                }
                v["current"] = current.contains(&*col).into();
                if let Some(list) = by_status.get_mut(status_str(t.status)) {
                    list.push(v);
                }
            }
        }
    }
    let counts: Map<String, Value> = by_status
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.len().into()))
        .collect();
    Ok(Json(json!({
        "namespace": ns,
        "columnsWithPii": columns_with_pii.len(),
        "counts": counts,
        "columns": by_status,
    })))
}

/// Adds the graph's tags (detected and propagated ones included, rejected ones left
/// out) to a Marquez-shaped dataset's fields: `tags` stays a list of keys, as Marquez
/// clients expect, and `tagDetails` adds status and origin.
pub fn enrich_dataset(s: &AppState, dataset: &mut Value) {
    let Ok(cat) = s.graph.read() else {
        return;
    };
    let (Some(ns), Some(name)) = (dataset["namespace"].as_str(), dataset["name"].as_str()) else {
        return;
    };
    let Some(id) = cat.dataset_id(ns, name) else {
        return;
    };
    let Some(fields) = dataset.get_mut("fields").and_then(Value::as_array_mut) else {
        return;
    };
    for f in fields {
        let Some(field) = f["name"].as_str().map(str::to_owned) else {
            continue;
        };
        let tags = cat
            .graph
            .tags_of(&ColumnRef::new(id, &field))
            .unwrap_or_default();
        let mut keys: Vec<Value> = f["tags"].as_array().cloned().unwrap_or_default();
        let rejected: HashSet<&str> = tags
            .iter()
            .filter(|t| t.status == TagStatus::Rejected)
            .map(|t| &*t.tag)
            .collect();
        keys.retain(|k| {
            k.as_str()
                .is_none_or(|k| !rejected.contains(k.to_lowercase().as_str()))
        });
        for t in tags.iter().filter(|t| t.status != TagStatus::Rejected) {
            if !keys
                .iter()
                .any(|k| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(&t.tag)))
            {
                keys.push(Value::String(t.tag.to_string()));
            }
        }
        f["tags"] = Value::Array(keys);
        f["tagDetails"] = Value::Array(tags.iter().map(tag_json).collect());
    }
}
