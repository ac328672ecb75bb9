//! Read endpoints in Marquez's shapes: the store's records, rendered by `marquez.rs`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use super::AppState;
use super::error::ApiError;
use super::marquez;
use weft_store::read::{NodeId, Page};

/// Largest page a client may ask for.
const MAX_LIMIT: i64 = 1000;

/// `?limit=&offset=` as Marquez takes them (default 100).
#[derive(Debug, Deserialize)]
pub struct PageParams {
    limit: Option<i64>,
    offset: Option<i64>,
}

impl PageParams {
    fn page(&self) -> Result<Page, ApiError> {
        let limit = self.limit.unwrap_or(100);
        let offset = self.offset.unwrap_or(0);
        if limit < 0 || offset < 0 {
            return Err(ApiError {
                status: StatusCode::BAD_REQUEST,
                message: "limit and offset must not be negative".into(),
                path: Some(if limit < 0 { "limit" } else { "offset" }.into()),
            });
        }
        Ok(Page {
            limit: limit.min(MAX_LIMIT),
            offset,
        })
    }
}

type ApiResult = Result<Json<Value>, ApiError>;

fn found(v: Option<Value>, what: String) -> ApiResult {
    v.map(Json).ok_or_else(|| ApiError::not_found(what))
}

/// `GET /api/v1/namespaces`.
pub async fn namespaces(State(s): State<AppState>, Query(p): Query<PageParams>) -> ApiResult {
    Ok(Json(marquez::namespaces(
        &s.store.list_namespaces(p.page()?).await?,
    )))
}

/// `GET /api/v1/namespaces/{ns}`.
pub async fn namespace(State(s): State<AppState>, Path(ns): Path<String>) -> ApiResult {
    found(
        s.store
            .get_namespace(&ns)
            .await?
            .as_ref()
            .map(marquez::namespace),
        format!("namespace {ns} not found"),
    )
}

/// `GET /api/v1/namespaces/{ns}/datasets`.
pub async fn datasets(
    State(s): State<AppState>,
    Path(ns): Path<String>,
    Query(p): Query<PageParams>,
) -> ApiResult {
    found(
        s.store
            .list_datasets(&ns, p.page()?)
            .await?
            .as_ref()
            .map(marquez::datasets),
        format!("namespace {ns} not found"),
    )
}

/// `GET /api/v1/namespaces/{ns}/datasets/{name}`.
pub async fn dataset(
    State(s): State<AppState>,
    Path((ns, name)): Path<(String, String)>,
) -> ApiResult {
    let mut v = s
        .store
        .get_dataset(&ns, &name)
        .await?
        .as_ref()
        .map(marquez::dataset);
    if let Some(d) = v.as_mut() {
        super::graph::enrich_dataset(&s, d);
    }
    found(v, format!("dataset {ns}:{name} not found"))
}

/// `GET /api/v1/namespaces/{ns}/datasets/{name}/versions`.
pub async fn dataset_versions(
    State(s): State<AppState>,
    Path((ns, name)): Path<(String, String)>,
    Query(p): Query<PageParams>,
) -> ApiResult {
    found(
        s.store
            .dataset_versions(&ns, &name, p.page()?)
            .await?
            .map(|l| marquez::dataset_versions(&ns, &name, &l)),
        format!("dataset {ns}:{name} not found"),
    )
}

/// `GET /api/v1/namespaces/{ns}/jobs`.
pub async fn jobs(
    State(s): State<AppState>,
    Path(ns): Path<String>,
    Query(p): Query<PageParams>,
) -> ApiResult {
    found(
        s.store
            .list_jobs(&ns, p.page()?)
            .await?
            .as_ref()
            .map(marquez::jobs),
        format!("namespace {ns} not found"),
    )
}

/// `GET /api/v1/namespaces/{ns}/jobs/{name}`.
pub async fn job(State(s): State<AppState>, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    found(
        s.store
            .get_job(&ns, &name)
            .await?
            .as_ref()
            .map(marquez::job),
        format!("job {ns}:{name} not found"),
    )
}

/// `GET /api/v1/namespaces/{ns}/jobs/{name}/runs`.
pub async fn runs(
    State(s): State<AppState>,
    Path((ns, name)): Path<(String, String)>,
    Query(p): Query<PageParams>,
) -> ApiResult {
    found(
        s.store
            .list_runs(&ns, &name, p.page()?)
            .await?
            .as_ref()
            .map(marquez::runs),
        format!("job {ns}:{name} not found"),
    )
}

/// `GET /api/v1/runs/{id}`.
pub async fn run(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    found(
        s.store.get_run(&id).await?.as_ref().map(marquez::run),
        format!("run {id} not found"),
    )
}

/// `?nodeId=&depth=&withDownstream=` for the lineage endpoints.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineageParams {
    node_id: Option<String>,
    depth: Option<u32>,
    with_downstream: Option<bool>,
}

impl LineageParams {
    fn node(&self) -> Result<NodeId, ApiError> {
        let raw = self.node_id.as_deref().ok_or_else(|| ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "nodeId is required".into(),
            path: Some("nodeId".into()),
        })?;
        NodeId::parse(raw).ok_or_else(|| ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!(
                "nodeId {raw:?} is not dataset:NS:NAME, job:NS:NAME or datasetField:NS:NAME:FIELD"
            ),
            path: Some("nodeId".into()),
        })
    }
}

/// Marquez's default lineage depth.
const DEFAULT_DEPTH: u32 = 20;
const MAX_DEPTH: u32 = 100;

/// `GET /api/v1/lineage`.
pub async fn lineage(State(s): State<AppState>, Query(p): Query<LineageParams>) -> ApiResult {
    let node = p.node()?;
    let depth = p.depth.unwrap_or(DEFAULT_DEPTH).min(MAX_DEPTH);
    found(
        s.store
            .lineage(&node, depth)
            .await?
            .as_ref()
            .map(marquez::lineage),
        format!("node {:?} not found", p.node_id),
    )
}

/// `GET /api/v1/column-lineage`.
pub async fn column_lineage(
    State(s): State<AppState>,
    Query(p): Query<LineageParams>,
) -> ApiResult {
    let node = p.node()?;
    let depth = p.depth.unwrap_or(DEFAULT_DEPTH).min(MAX_DEPTH);
    found(
        s.store
            .column_lineage(&node, depth, p.with_downstream.unwrap_or(false))
            .await?
            .as_deref()
            .map(marquez::column_lineage),
        format!("node {:?} not found", p.node_id),
    )
}
