//! `GET /api/v1/search`: Marquez's search, ranked by usage and catalog signals.
//!
//! Marquez's parameters keep their meaning (`q`, `filter` = `DATASET` or `JOB`, `limit`,
//! `namespace`) and each result keeps Marquez's fields (`type`, `name`, `namespace`,
//! `nodeId`, `updatedAt`), so existing clients work. Weft adds facet filters (`platform`,
//! `tag`, `owner`, `tier`), `offset`, and per result the `score` with its `explain`
//! breakdown. Jobs are not indexed yet: `filter=JOB` returns no results.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use weft_search::index::Filters;

use super::AppState;
use super::error::ApiError;
use crate::store::read::iso;

/// The query string.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    filter: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    namespace: Option<String>,
    platform: Option<String>,
    tag: Option<String>,
    owner: Option<String>,
    tier: Option<String>,
}

/// `GET /api/v1/search`.
pub async fn search(
    State(s): State<AppState>,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let jobs_only = match p.filter.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("DATASET") => false,
        Some("JOB") => true,
        Some(other) => {
            return Err(ApiError {
                status: StatusCode::BAD_REQUEST,
                message: format!("filter {other:?} is not DATASET or JOB"),
                path: Some("filter".into()),
            });
        }
    };
    let text = p.q.unwrap_or_default();
    let filters = Filters {
        namespace: p.namespace,
        platform: p.platform,
        tag: p.tag,
        owner: p.owner,
        tier: p.tier,
    };
    let guard = s.search.read();
    let Some(index) = guard.as_ref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is still opening; retry shortly",
        ));
    };
    if jobs_only {
        return Ok(Json(json!({"totalCount": 0, "results": []})));
    }
    let found = index
        .search(
            &text,
            &filters,
            p.limit.unwrap_or(10),
            p.offset.unwrap_or(0),
        )
        .map_err(ApiError::internal)?;
    let results: Vec<Value> = found
        .hits
        .iter()
        .map(|h| {
            json!({
                "type": "DATASET",
                "name": h.name,
                "namespace": h.namespace,
                "nodeId": format!("dataset:{}:{}", h.namespace, h.name),
                "updatedAt": iso(h.updated_at),
                "score": h.score,
                "explain": {
                    "text": h.text,
                    "usage": h.prior.usage,
                    "centrality": h.prior.centrality,
                    "tier": h.prior.tier,
                    "documentation": h.prior.documentation,
                    "penalty": h.prior.penalty,
                },
            })
        })
        .collect();
    let mut out = json!({"totalCount": found.total, "results": results});
    if found.truncated_query {
        out["notice"] = json!(format!(
            "the query was cut to its first {} characters",
            weft_search::index::MAX_QUERY_CHARS
        ));
    }
    Ok(Json(out))
}
