//! One JSON error shape for every failure: `{"error": "...", "path": "run.runId"}`.
//!
//! `path` names the offending field when there is one, so a producer's developer can
//! fix the event without reading server logs. Never a stack trace, never a 500 for bad
//! input.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API error: a status and what to tell the client.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Human-readable message.
    pub message: String,
    /// JSON path of the offending field, if any.
    pub path: Option<String>,
}

impl ApiError {
    /// An error with no field path.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            path: None,
        }
    }

    /// 404 for a missing resource.
    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, what)
    }

    /// 500 for a store failure; the detail is logged, the client gets a generic text.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; see the server log",
        )
    }
}

impl From<weft_store::StoreError> for ApiError {
    fn from(e: weft_store::StoreError) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.path {
            Some(p) => json!({"error": self.message, "path": p}),
            None => json!({"error": self.message}),
        };
        (self.status, Json(body)).into_response()
    }
}
