//! `GET /api/v1/export` (read scope): the catalog snapshot `weft export` writes, streamed
//! as it is read (`application/gzip`, gzip-compressed JSON lines; see
//! `weft_check::snapshot`). The bytes are the snapshot itself, not a compressed
//! transfer of it, so a client saves them as they come.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::AppState;

/// Streams a snapshot; a failure mid-way aborts the body, so a client never mistakes a
/// cut snapshot for a whole one (the gzip stream is then incomplete).
pub async fn export(State(state): State<AppState>) -> Response {
    let (tx, rx) = mpsc::channel::<crate::export::Chunk>(4);
    let store = state.store.clone();
    let settings = state.graph_settings.clone();
    tokio::spawn(async move {
        if let Err(e) = crate::export::export(&store, &settings, &tx).await {
            tracing::warn!(error = %e, "export stopped");
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/gzip"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"weft-snapshot.jsonl.gz\""),
    );
    resp
}
