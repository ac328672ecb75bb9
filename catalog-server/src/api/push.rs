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
use serde_json::value::RawValue;
use serde_json::{Value, json};
use weft_ingest::openlineage::normalize;
use weft_schemas::change::MetadataChange;
use weft_schemas::openlineage::{DecodeError, Event};

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
    let body = decode_body(headers, body, state.max_body_bytes)?;
    let actor = caller.actor().to_owned();

    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if !ndjson && first != Some(b'[') {
        let event = Event::from_slice(&body).map_err(|e| ("invalid", decode_error(e)))?;
        let mut change = normalize(&event, &actor).map_err(|e| {
            (
                "invalid",
                ApiError {
                    status: StatusCode::BAD_REQUEST,
                    message: e.message(),
                    path: Some(e.path().into()),
                },
            )
        })?;
        state.aliases.apply(&mut change);
        let outcomes = submit(state, vec![change]).await?;
        count(state, &outcomes);
        return Ok(StatusCode::CREATED.into_response());
    }

    // Batch: decode each element on its own so one bad event does not sink the rest.
    let mut changes = Vec::new();
    let mut refused = Vec::new();
    let mut decode = |index: usize, r: Result<Event, DecodeError>| match r
        .map_err(|e| (e.message, e.path))
        .and_then(|ev| normalize(&ev, &actor).map_err(|e| (e.message(), e.path().to_owned())))
    {
        Ok(mut c) => {
            state.aliases.apply(&mut c);
            changes.push(c)
        }
        Err((error, path)) => refused.push(Refusal { index, error, path }),
    };
    if ndjson {
        let lines = body
            .split(|b| *b == b'\n')
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
        for (i, line) in lines.enumerate() {
            decode(i, Event::from_slice(line));
        }
    } else {
        let items: Vec<&RawValue> = serde_json::from_slice(&body).map_err(|e| {
            (
                "invalid",
                ApiError {
                    status: StatusCode::BAD_REQUEST,
                    message: format!("body is not a JSON array of events: {e}"),
                    path: Some(String::new()),
                },
            )
        })?;
        for (i, item) in items.into_iter().enumerate() {
            decode(i, Event::from_slice(item.get().as_bytes()));
        }
    }
    if changes.is_empty() && refused.is_empty() {
        return Err((
            "invalid",
            ApiError::new(StatusCode::BAD_REQUEST, "the batch holds no events"),
        ));
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

fn decode_error(e: DecodeError) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        message: e.message,
        path: Some(e.path),
    }
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
fn decode_body(
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
