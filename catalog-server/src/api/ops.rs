//! Health, readiness and metrics endpoints for operators and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;
use super::error::ApiError;

/// Liveness: the process answers.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// Readiness: the database answers. Kafka consumers are reported (`kafka`: state and
/// assigned partitions) but do not decide it: a server whose store answers serves
/// reads and pushes even while a consumer is still connecting or paused.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (status, mut body) = if state.store.ping().await {
        (StatusCode::OK, json!({"status": "ready"}))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "database unavailable"}),
        )
    };
    if let Some(k) = super::kafka::readiness(&state.kafka) {
        body["kafka"] = k;
    }
    (status, Json(body))
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // The graph view reports its progress through its handle, not the metrics it has no
    // access to: read it when scraped.
    state.metrics.set_view_seq("graph", state.graph.seq());
    state
        .metrics
        .set_view_pending("graph", state.graph.pending());
    // Open violations are the store's table, shared by every replica: counted when
    // scraped. A failed count leaves the gauge out rather than failing the scrape.
    let open = match state.store.violation_counts().await {
        Ok(open) => open,
        Err(e) => {
            tracing::warn!(error = %e, "counting policy violations for /metrics failed");
            Vec::new()
        }
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render()
            + &super::kafka::metrics(&state.kafka)
            + &state.metrics.render_policy(&open),
    )
}

/// JSON 404 for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// The change feed's query string.
#[derive(Debug, serde::Deserialize)]
pub struct ChangesParams {
    since: Option<i64>,
    limit: Option<i64>,
    kind: Option<String>,
    namespace: Option<String>,
    payloads: Option<bool>,
}

/// `GET /api/v1/changes?since=SEQ`: change-log entries after `since`, oldest first, so
/// a tool can follow the catalog by polling with the last `seq` it saw (`next`).
/// `kind` and `namespace` filter; `payloads=true` includes each entry's input as it
/// was recorded (null when redacted).
pub async fn changes(
    State(state): State<AppState>,
    q: Result<axum::extract::Query<ChangesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = q
        .map(|axum::extract::Query(p)| p)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let since = p.since.unwrap_or(0);
    if since < 0 {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "since must be 0 or a sequence number".into(),
            path: Some("since".into()),
        });
    }
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let payloads = p.payloads.unwrap_or(false);
    let entries = state
        .store
        .changes(
            since,
            limit,
            p.kind.as_deref(),
            p.namespace.as_deref(),
            payloads,
        )
        .await?;
    let next = entries.last().map(|e| e.seq).unwrap_or(since);
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    let mut warnings = state.store.change_warnings(&seqs).await?;
    let list: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| {
            let mut v = json!({
                "seq": e.seq,
                "at": weft_store::read::iso(Some(e.at)),
                "actor": e.actor,
                "kind": e.kind,
                "entity": e.entity,
                "namespace": e.namespace,
            });
            // What was accepted but flagged (a facet that does not fit its model, SQL
            // too long to parse), so a producer can see it without database access.
            if let Some(w) = warnings.remove(&e.seq) {
                v["warnings"] = json!(
                    w.into_iter()
                        .map(|(path, message)| json!({"path": path, "message": message}))
                        .collect::<Vec<_>>()
                );
            }
            if payloads {
                v["payload"] = e
                    .payload
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(serde_json::Value::Null);
            }
            v
        })
        .collect();
    Ok(Json(json!({ "changes": list, "next": next })))
}

/// `GET /api/v1/log/head`: the change log's head `{seq, hash, at}` (hash in hex; `seq`
/// 0 and `hash` null for an empty log), for an operator to keep outside the store and
/// give to `weft verify --anchor SEQ:HASH`.
pub async fn log_head(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let head = state.store.log_head().await?;
    Ok(Json(match (head, &state.log_key) {
        (Some(h), Some(k)) => k.sign(&h),
        (Some(h), None) => h.to_json(),
        (None, _) => json!({"seq": 0, "hash": null, "at": null}),
    }))
}
