//! Read positions on every API response, and read-your-writes across replicas.
//!
//! A replica's *position* is the highest change-log sequence number every read it serves
//! reflects ([`weft_views::Positions`]: the minimum over its derived views). Every
//! response under `/api/` and from `/graphql` says which position it reflects
//! ([`POSITION`]; GraphQL also in `extensions.logPosition`); a write answers with the
//! position of what it wrote. A client that wrote through one replica sends that
//! position as [`MIN_POSITION`] to the next: the replica waits, woken by its views'
//! progress, until it has reached it, or answers 503 once `[replica] max_wait` has
//! passed. The wait runs inside the request deadlines, and a client that disconnects
//! drops it like any handler.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use weft_store::group_commit::{WRITTEN, Written};

/// Response header: the log position the response reflects.
pub const POSITION: &str = "weft-log-position";

/// Request header: the least log position the request must reflect.
pub const MIN_POSITION: &str = "weft-min-log-position";

/// The header's name as documented, for error messages.
const MIN_POSITION_NAME: &str = "Weft-Min-Log-Position";

tokio::task_local! {
    /// The position the request being served reflects, read once it may start.
    static READ_AT: i64;
}

/// Whether a path carries positions: the API and GraphQL, not health, metrics or the UI.
fn positioned(path: &str) -> bool {
    path.starts_with("/api/") || path == "/graphql"
}

/// The least position a request asks for, from its header: `None` without one, a 400
/// naming the header when it is not a non-negative integer.
fn min_position(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(MIN_POSITION) else {
        return Ok(None);
    };
    let bad = || ApiError {
        status: StatusCode::BAD_REQUEST,
        message: format!(
            "{MIN_POSITION_NAME} must be a change-log sequence number (a non-negative integer)"
        ),
        path: Some(MIN_POSITION_NAME.into()),
    };
    let n: i64 = v
        .to_str()
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(bad)?;
    if n < 0 {
        return Err(bad());
    }
    Ok(Some(n))
}

/// Waits until this replica's position is at least `min` (bounded by `[replica]
/// max_wait`); the position reached, or the 503 to answer.
pub async fn reach(state: &AppState, min: i64, field: &str) -> Result<i64, ApiError> {
    let wait = state.max_position_wait;
    state.positions.wait_for(min, wait).await.map_err(|at| {
        state.metrics.rejected("position_not_reached");
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!(
                "log position {min} not reached (at {at}) within {wait:?}; retry, or ask another replica"
            ),
            path: Some(field.into()),
        }
    })
}

/// The middleware: waits for the asked position, serves the request, and says which
/// position the response reflects.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !positioned(req.uri().path()) {
        return next.run(req).await;
    }
    let at = match min_position(req.headers()) {
        Ok(None) => state.positions.position(),
        Ok(Some(min)) => match reach(&state, min, MIN_POSITION_NAME).await {
            Ok(at) => at,
            Err(e) => return unavailable(e),
        },
        Err(e) => return e.into_response(),
    };
    let written = Arc::new(Written::default());
    let mut resp = WRITTEN
        .scope(written.clone(), READ_AT.scope(at, next.run(req)))
        .await;
    if !resp.headers().contains_key(POSITION) {
        let position = response_position(&state, &written, at).await;
        resp.headers_mut()
            .insert(POSITION, HeaderValue::from(position));
    }
    resp
}

/// Adds the replica's current position to a response of a positioned path that was
/// answered before [`track`] ran (the token guard's refusals).
pub fn stamp(state: &AppState, path: &str, resp: &mut Response) {
    if positioned(path) && !resp.headers().contains_key(POSITION) {
        resp.headers_mut()
            .insert(POSITION, HeaderValue::from(state.positions.position()));
    }
}

/// A 503 for a position not reached, with a `Retry-After`.
fn unavailable(e: ApiError) -> Response {
    let mut resp = e.into_response();
    resp.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        HeaderValue::from_static("1"),
    );
    resp
}

/// The position a response reflects: what it wrote when it wrote something (a change
/// already in the log is somewhere before the log's end: the end, then), else the
/// replica's position when the request started.
pub async fn response_position(state: &AppState, written: &Written, at: i64) -> i64 {
    let last = written.last_applied();
    if last > 0 {
        return last;
    }
    if written.saw_duplicate() {
        return match state.store.last_seq().await {
            Ok(end) => end.max(at),
            Err(e) => {
                tracing::warn!(error = %e, "reading the log's end failed");
                at
            }
        };
    }
    at
}

/// The position the current request started at (see [`track`]), and what it wrote; for
/// GraphQL, which reports both in `extensions`.
pub fn current() -> Option<(i64, Arc<Written>)> {
    let at = READ_AT.try_with(|a| *a).ok()?;
    let written = WRITTEN.try_with(|w| w.clone()).ok()?;
    Some((at, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_min_position_is_a_non_negative_integer() {
        let mut h = HeaderMap::new();
        assert!(matches!(min_position(&h), Ok(None)));
        h.insert(MIN_POSITION, HeaderValue::from_static("42"));
        assert!(matches!(min_position(&h), Ok(Some(42))));
        for bad in ["-1", "x", "1.5", ""] {
            h.insert(MIN_POSITION, HeaderValue::from_static(bad));
            let e = min_position(&h).err().map(|e| (e.status, e.path));
            assert_eq!(
                e,
                Some((StatusCode::BAD_REQUEST, Some(MIN_POSITION_NAME.into()))),
                "{bad:?}"
            );
        }
    }
}
