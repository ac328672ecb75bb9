//! `/api/v1/governance`: the allowed classifications (GET), and classification,
//! retention, tier and owners set in bulk from a file (POST, the `write` scope).
//!
//! The body of a POST is the file itself, CSV or JSON lines (see
//! `weft_query::governance`): every line is checked and every dataset looked up first,
//! so a bad line is a 400 naming the line and field and nothing is written. The edits
//! are then recorded in one batch with the caller as actor.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use weft_store::writer::Outcome;

use super::AppState;
use super::error::ApiError;
use crate::auth::{Scope, authenticate};

/// `GET /api/v1/governance`: what a dataset's classification may be.
pub async fn settings(State(s): State<AppState>) -> Json<Value> {
    Json(json!({"classifications": s.classifications.as_slice()}))
}

/// `POST /api/v1/governance`: applies a governance file; answers with how many rows it
/// read, how many changed nothing, and the sequence numbers of the edits recorded.
pub async fn apply(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let caller = authenticate(&s.tokens, &headers, Scope::Write).ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token")
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("body is not UTF-8: {e}")))?;
    let rows = weft_query::governance::parse(text, &s.classifications)?;
    let planned = weft_query::governance::plan(&s.store, &rows, caller.actor()).await?;
    let edits = planned.changes.len();
    let outcomes = if planned.changes.is_empty() {
        Vec::new()
    } else {
        s.writer.submit(planned.changes).await.map_err(|e| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the edits were not recorded: {e}"),
            )
        })?
    };
    let seqs: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Applied(seq) => Some(*seq),
            Outcome::Duplicate => None,
        })
        .collect();
    Ok(Json(json!({
        "rows": planned.rows,
        "unchanged": planned.unchanged,
        "edits": edits,
        "seqs": seqs,
    })))
}
