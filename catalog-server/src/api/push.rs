//! `POST /api/v1/lineage`: the OpenLineage push endpoint, compatible with Marquez.
//!
//! Producers point at Weft instead of Marquez without changing a line, so this accepts
//! what they send: `application/json` with or without a charset, gzip bodies, events
//! without `schemaURL` or `eventType`, non-UUID run ids. It answers 201 with an empty body
//! once the event is committed — a crash after that cannot lose it.
//!
//! Beyond Marquez: a batch form (a JSON array, or `application/x-ndjson`) answers 201
//! when every event landed, else 200 with the index, message and field path of each
//! refused event; the good events of a batch are stored either way.

use std::io::Read;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use weft_ingest::lineage_body::{BodyShape, decode_body};
use weft_schemas::change::MetadataChange;

use super::AppState;
use super::error::ApiError;
use crate::auth::{Scope, authenticate};
use weft_store::group_commit::SubmitError;
use weft_store::writer::Outcome;

/// A refused event of a batch.
struct Refusal {
    index: usize,
    error: String,
    path: String,
}

/// The handler.
pub async fn post_lineage(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let status = rejection.status();
            let reason = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "too_large"
            } else {
                "invalid"
            };
            state.metrics.rejected(reason);
            return ApiError::new(status, rejection.body_text()).into_response();
        }
    };
    match handle(&state, &headers, body).await {
        Ok(resp) => resp,
        Err((reason, err)) => {
            state.metrics.rejected(reason);
            err.into_response()
        }
    }
}

async fn handle(
    state: &AppState,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, (&'static str, ApiError)> {
    let Some(caller) = authenticate(&state.tokens, headers, Scope::Write) else {
        return Err((
            "unauthorized",
            ApiError::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token"),
        ));
    };
    let ndjson = match media_type(headers).as_deref() {
        Some("application/json") => false,
        Some("application/x-ndjson" | "application/jsonl" | "application/jsonlines") => true,
        other => {
            return Err((
                "unsupported_media_type",
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "Content-Type must be application/json or application/x-ndjson, got {}",
                        other.unwrap_or("none")
                    ),
                ),
            ));
        }
    };
    let body = decompress(headers, body, state.max_body_bytes)?;
    let actor = caller.actor().to_owned();

    let shape = if ndjson {
        BodyShape::Ndjson
    } else {
        BodyShape::Json
    };
    let decoded = decode_body(&body, shape, &actor, &state.aliases, &state.classifications)
        .map_err(|r| {
            (
                "invalid",
                ApiError {
                    status: StatusCode::BAD_REQUEST,
                    message: r.message,
                    path: Some(r.path),
                },
            )
        })?;
    if !decoded.batch {
        let mut items = decoded.items;
        let change = match items.pop() {
            Some(Ok(c)) => c,
            Some(Err(r)) => {
                return Err((
                    "invalid",
                    ApiError {
                        status: StatusCode::BAD_REQUEST,
                        message: r.message,
                        path: Some(r.path),
                    },
                ));
            }
            None => {
                return Err((
                    "invalid",
                    ApiError::new(StatusCode::BAD_REQUEST, "the body holds no event"),
                ));
            }
        };
        let outcomes = submit(state, vec![change]).await?;
        count(state, &outcomes);
        return Ok(StatusCode::CREATED.into_response());
    }

    // Batch: each element was decoded on its own, so one bad event does not sink the rest.
    let mut changes = Vec::new();
    let mut refused = Vec::new();
    for (index, item) in decoded.items.into_iter().enumerate() {
        match item {
            Ok(c) => changes.push(c),
            Err(r) => refused.push(Refusal {
                index,
                error: r.message,
                path: r.path,
            }),
        }
    }
    for _ in &refused {
        state.metrics.rejected("invalid");
    }
    let accepted = changes.len();
    if !changes.is_empty() {
        let outcomes = submit(state, changes).await?;
        count(state, &outcomes);
    }
    let rejected: Vec<Value> = refused
        .into_iter()
        .map(|r| json!({"index": r.index, "error": r.error, "path": r.path}))
        .collect();
    let status = if rejected.is_empty() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({"accepted": accepted, "rejected": rejected})),
    )
        .into_response())
}

async fn submit(
    state: &AppState,
    changes: Vec<MetadataChange>,
) -> Result<Vec<Outcome>, (&'static str, ApiError)> {
    state.writer.submit(changes).await.map_err(|e| match e {
        SubmitError::Stopped => (
            "unavailable",
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down; retry",
            ),
        ),
        SubmitError::Store(msg) => ("store", ApiError::internal(msg)),
    })
}

fn count(state: &AppState, outcomes: &[Outcome]) {
    let dups = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Duplicate))
        .count() as u64;
    state.metrics.accepted(outcomes.len() as u64, dups);
}

/// The media type without parameters, lower-cased (`application/json; charset=UTF-8`
/// → `application/json`).
fn media_type(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Undoes `Content-Encoding: gzip`, enforcing the size limit on the decompressed body.
fn decompress(
    headers: &HeaderMap,
    body: Bytes,
    limit: usize,
) -> Result<Bytes, (&'static str, ApiError)> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") | Some("") => Ok(body),
        Some("gzip" | "x-gzip") => {
            let mut out = Vec::new();
            let mut reader = flate2::read::MultiGzDecoder::new(&body[..]).take(limit as u64 + 1);
            reader.read_to_end(&mut out).map_err(|e| {
                (
                    "invalid",
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!("body is not valid gzip: {e}"),
                    ),
                )
            })?;
            if out.len() > limit {
                return Err((
                    "too_large",
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("decompressed body exceeds {limit} bytes"),
                    ),
                ));
            }
            Ok(Bytes::from(out))
        }
        Some(other) => Err((
            "unsupported_media_type",
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported Content-Encoding {other}"),
            ),
        )),
    }
}
