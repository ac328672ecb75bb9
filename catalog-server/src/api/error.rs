//! One JSON error shape for every failure: `{"error": "...", "path": "run.runId"}`.
//!
//! `path` names the offending field when there is one, so a producer's developer can
//! fix the event without reading server logs. Never a stack trace, never a 500 for bad
//! input.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use weft_query::QueryError;

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

impl From<weft_views::graph::NotReady> for ApiError {
    fn from(e: weft_views::graph::NotReady) -> ApiError {
        ApiError::from(QueryError::from(e))
    }
}

/// The query layer's errors as the statuses this API has always answered with: a
/// missing node 404, a bad parameter 400 naming it, a view still loading 503, a caller
/// who does not own the dataset 403, a contradiction 409, anything else a logged 500.
impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        match e {
            QueryError::NotFound(m) => ApiError::not_found(m),
            QueryError::BadInput { field, message } => ApiError {
                status: StatusCode::BAD_REQUEST,
                message,
                path: field,
            },
            QueryError::NotReady(m) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, m),
            QueryError::NotOwner(m) => ApiError::new(StatusCode::FORBIDDEN, m),
            QueryError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, m),
            QueryError::Internal(m) => ApiError::internal(m),
            QueryError::Store(e) => ApiError::internal(e),
        }
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
