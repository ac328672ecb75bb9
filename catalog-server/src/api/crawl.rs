//! Crawl history and usage over REST.
//!
//! `GET /api/v1/crawls` is every crawl, newest first (`source`, `limit`, `offset`);
//! `GET /api/v1/crawls/statements?source=` the normalised statements a source saw;
//! `GET /api/v1/crawls/sources` the sources `weft serve` crawls on a schedule with how
//! each is doing, and the statements each has seen (normalised, with parse errors);
//! `GET /api/v1/namespaces/{ns}/datasets/{name}/usage` a dataset's usage per day and
//! per column, as query logs and `pg_stat_statements` counted it.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::crawl::SourceKind;
use weft_schemas::change::CrawlRecord;
use weft_store::read::iso;

/// Query string of the history.
#[derive(Debug, Deserialize)]
pub struct HistoryParams {
    source: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/crawls`.
pub async fn history(
    State(s): State<AppState>,
    q: Result<Query<HistoryParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let (limit, offset) = super::page(p.limit, p.offset)?;
    let runs = s
        .store
        .crawl_runs(p.source.as_deref(), limit, offset)
        .await?;
    let runs: Vec<Value> = runs.iter().map(record_json).collect();
    Ok(Json(json!({ "crawls": runs })))
}

/// A crawl as the API shows it. The record keeps its times as microseconds (it is also a
/// change payload, and the log must stay readable), but every time the API answers with
/// is RFC 3339 UTC, so the history's times are rendered here like the rest of the API's.
fn record_json(r: &CrawlRecord) -> Value {
    let mut out = json!({
        "source": r.source,
        "kind": r.kind,
        "target": r.target,
        "namespace": r.namespace,
        "startedAt": iso(Some(r.started_at)),
        "endedAt": iso(Some(r.ended_at)),
        "status": r.status,
        "counts": r.counts,
        "errors": r.errors,
    });
    if let (Some(w), Some(o)) = (r.watermark, out.as_object_mut()) {
        o.insert("watermark".into(), iso(Some(w)));
    }
    out
}

/// Query string of the sources listing.
#[derive(Debug, Deserialize)]
pub struct SourcesParams {
    statements: Option<i64>,
}

/// `GET /api/v1/crawls/sources`.
pub async fn sources(
    State(s): State<AppState>,
    q: Result<Query<SourcesParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let status = s.metrics.crawl_status();
    let mut out = Vec::new();
    for spec in s.crawl_sources.iter() {
        let st = status.get(&spec.name).cloned().unwrap_or_default();
        let last = s.store.crawl_runs(Some(&spec.name), 1, 0).await?;
        let kind = match &spec.kind {
            SourceKind::Database { .. } => "database",
            SourceKind::QueryLog { .. } => "query-log",
        };
        let statements = match p.statements {
            Some(n) if n > 0 => json!(s.store.query_shapes(&spec.name, n.min(1000)).await?),
            _ => Value::Null,
        };
        out.push(json!({
            "name": spec.name,
            "kind": kind,
            "target": spec.target(),
            "intervalSeconds": spec.interval.map(|d| d.as_secs()),
            "crawls": st.ok + st.failed,
            "failed": st.failed,
            "consecutiveFailures": st.consecutive_failures,
            "lastCrawl": last.first().map(record_json),
            "statements": statements,
        }));
    }
    Ok(Json(json!({ "sources": out })))
}

/// Query string of the statements listing.
#[derive(Debug, Deserialize)]
pub struct StatementsParams {
    source: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/crawls/statements?source=`: the normalised statements a source saw, most
/// run first, with parse errors and their positions.
pub async fn statements(
    State(s): State<AppState>,
    q: Result<Query<StatementsParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let Some(source) = p.source else {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            message: "source is required".into(),
            path: Some("source".into()),
        });
    };
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let list = s.store.query_shapes(&source, limit).await?;
    Ok(Json(json!({ "source": source, "statements": list })))
}

/// Query string of the usage read.
#[derive(Debug, Deserialize)]
pub struct UsageParams {
    days: Option<i64>,
}

/// `GET /api/v1/namespaces/{ns}/datasets/{name}/usage`.
pub async fn usage(
    State(s): State<AppState>,
    Path((ns, name)): Path<(String, String)>,
    q: Result<Query<UsageParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let u = weft_query::usage::usage_named(&s.store, &ns, &name, p.days.unwrap_or(30)).await?;
    Ok(Json(json!({
        "namespace": ns,
        "name": name,
        "since": u.since,
        "total": u.total,
        "days": u.days,
        "columns": u.columns.iter().map(|c| json!({
            "name": c.name, "reads": c.reads, "writes": c.writes, "users": c.users,
        })).collect::<Vec<_>>(),
    })))
}
