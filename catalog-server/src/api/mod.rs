//! The HTTP surface: the OpenLineage push endpoint, Marquez-shaped reads, operations.
//!
//! Built as a plain `axum::Router` over [`AppState`] so tests can drive it without a
//! socket, and `server.rs` can serve it with graceful shutdown.

pub mod crawl;
pub mod error;
pub mod export;
pub mod governance;
pub mod graph;
pub mod kafka;
pub mod marquez;
pub mod ops;
pub mod policy;
pub mod position;
pub mod push;
pub mod read;
pub mod search;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::metrics::Metrics;
use weft_store::Store;
use weft_store::group_commit::WriterHandle;
use weft_views::graph::GraphHandle;
use weft_views::search::SearchHandle;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store, for reads.
    pub store: Store,
    /// The writer task, for writes.
    pub writer: WriterHandle,
    /// The lineage graph with PII propagation.
    pub graph: GraphHandle,
    /// The search index.
    pub search: SearchHandle,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The API tokens; none means authentication is off.
    pub tokens: Arc<crate::auth::TokenSet>,
    /// Largest body accepted (after decompression).
    pub max_body_bytes: usize,
    /// The sources `weft serve` crawls on a schedule.
    pub crawl_sources: Arc<Vec<crate::crawl::CrawlSpec>>,
    /// Namespace aliases applied to everything pushed.
    pub aliases: Arc<weft_ingest::aliases::Aliases>,
    /// The GraphQL endpoint's limits.
    pub graphql: crate::graphql::GraphqlConfig,
    /// Turns true when the server starts stopping: long-lived responses (GraphQL
    /// subscriptions) end, so graceful shutdown does not wait on them.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Signs the log head the API reports, when configured.
    pub log_key: Option<weft_store::signing::HeadKey>,
    /// The last committed sequence number this replica knows of: its own writer's
    /// commits and, on PostgreSQL, every replica's (what the views wake on).
    pub commits: tokio::sync::watch::Receiver<i64>,
    /// How far the derived views have applied the log: the position reads reflect.
    pub positions: weft_views::Positions,
    /// Longest a request waits for the position it asks for (`[replica] max_wait`).
    pub max_position_wait: std::time::Duration,
    /// What each Kafka consumer reports (`/readyz`, `/metrics`).
    pub kafka: Arc<Vec<weft_kafka::ConsumerStatus>>,
    /// The lineage graph's PII rules, which a snapshot carries (`GET /api/v1/export`).
    pub graph_settings: Arc<weft_views::graph::GraphSettings>,
    /// The policies in force and their problems.
    pub policies: weft_views::policy::PolicyHandle,
    /// The classifications a dataset may have (`[governance] classifications`).
    pub classifications: Arc<Vec<String>>,
}

/// A listing's `limit` (1 to 1000, 50 by default) and `offset` (negative is 0).
pub(crate) fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), error::ApiError> {
    let limit = limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(error::ApiError {
            status: axum::http::StatusCode::BAD_REQUEST,
            message: "limit must be between 1 and 1000".into(),
            path: Some("limit".into()),
        });
    }
    Ok((limit, offset.unwrap_or(0).max(0)))
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    let schema = crate::graphql::schema(state.clone(), state.graphql);
    Router::new()
        .route(
            "/graphql",
            get(crate::graphql::http::get).post(crate::graphql::http::post),
        )
        .layer(axum::Extension(schema))
        .route(
            "/api/v1/lineage",
            post(push::post_lineage).get(read::lineage),
        )
        .route("/api/v1/column-lineage", get(read::column_lineage))
        .route("/api/v1/namespaces", get(read::namespaces))
        .route("/api/v1/namespaces/{ns}", get(read::namespace))
        .route("/api/v1/namespaces/{ns}/datasets", get(read::datasets))
        .route(
            "/api/v1/namespaces/{ns}/datasets/{name}",
            get(read::dataset),
        )
        .route(
            "/api/v1/namespaces/{ns}/datasets/{name}/versions",
            get(read::dataset_versions),
        )
        .route("/api/v1/namespaces/{ns}/jobs", get(read::jobs))
        .route("/api/v1/namespaces/{ns}/jobs/{name}", get(read::job))
        .route("/api/v1/namespaces/{ns}/jobs/{name}/runs", get(read::runs))
        .route("/api/v1/runs/{id}", get(read::run))
        .route("/api/v1/graph/upstream", get(graph::upstream))
        .route("/api/v1/graph/downstream", get(graph::downstream))
        .route("/api/v1/graph/impact", get(graph::impact))
        .route("/api/v1/graph/paths", get(graph::paths))
        .route("/api/v1/tags", get(graph::column_tags))
        .route(
            "/api/v1/reviews",
            get(graph::review_queue).post(graph::post_review),
        )
        .route("/api/v1/namespaces/{ns}/pii", get(graph::pii_report))
        .route("/api/v1/lineage/retractions", post(graph::post_retraction))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/search/suggest", get(search::suggest))
        .route("/api/v1/crawls", get(crawl::history))
        .route("/api/v1/crawls/sources", get(crawl::sources))
        .route("/api/v1/crawls/statements", get(crawl::statements))
        .route(
            "/api/v1/namespaces/{ns}/datasets/{name}/usage",
            get(crawl::usage),
        )
        .route("/api/v1/jobs/runs/{id}", get(read::run))
        .route(
            "/api/v1/governance",
            get(governance::settings).post(governance::apply),
        )
        .route("/api/v1/changes", get(ops::changes))
        .route("/api/v1/policy-violations", get(policy::violations))
        .route("/api/v1/policies", get(policy::policies))
        .route("/api/v1/kafka/dead-letters", get(kafka::dead_letters))
        .route("/api/v1/log/head", get(ops::log_head))
        .route("/api/v1/export", get(export::export))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        // The web UI: API paths no route matched still get the JSON 404.
        .fallback(crate::web::fallback)
        // Inside the guard: an unauthenticated request waits for nothing.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            position::track,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        // The limit applies to the body as sent; push.rs applies it again after gzip.
        // It counts bytes as they arrive: `server::deadline` (layered over this router by
        // `weft serve`) refuses a larger declared Content-Length before any is read.
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// The scope a request needs: none for health and metrics, `read` for reads, `review`
/// for review decisions and retractions, `write` for every other change.
///
/// None either for the web UI's files and routes: a GET or HEAD that no route matched
/// (`routed` false) outside the API's paths. The app is public code and shows its own
/// sign-in page; its data comes through the API, still guarded. Both conditions, so
/// that no spelling of a path that reaches an API handler can pass for the UI.
fn required_scope(
    method: &axum::http::Method,
    path: &str,
    routed: bool,
) -> Option<crate::auth::Scope> {
    use crate::auth::Scope;
    if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        return None;
    }
    let read = method == axum::http::Method::GET || method == axum::http::Method::HEAD;
    if read && !routed && !crate::web::is_api_path(path) {
        return None;
    }
    if path == "/graphql" {
        // The handler authenticates: queries need `read`, each mutation its own scope (a
        // write-only CI token may ingest), and a WebSocket's token may come in its first
        // message.
        return None;
    }
    if read {
        return Some(Scope::Read);
    }
    Some(match path {
        "/api/v1/reviews" | "/api/v1/lineage/retractions" => Scope::Review,
        _ => Scope::Write,
    })
}

/// Refuses a request whose token is missing or unknown (401) or lacks the scope (403),
/// before any handler runs.
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use crate::auth::Refusal;
    use axum::response::IntoResponse;
    // Layers run after routing: a matched route has its `MatchedPath`, the fallback none.
    let routed = req.extensions().get::<MatchedPath>().is_some();
    let Some(scope) = required_scope(req.method(), req.uri().path(), routed) else {
        return next.run(req).await;
    };
    let mut refused = match state.tokens.authorize(req.headers(), scope) {
        Ok(_) => return next.run(req).await,
        Err(Refusal::Unauthenticated) => {
            state.metrics.rejected("unauthorized");
            let mut resp = error::ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "missing or invalid bearer token",
            )
            .into_response();
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            resp
        }
        Err(Refusal::Forbidden) => {
            state.metrics.rejected("forbidden");
            error::ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                format!("this token lacks the {} scope", scope.as_str()),
            )
            .into_response()
        }
    };
    // A refusal is an API response too: it says where the replica stands.
    position::stamp(&state, req.uri().path(), &mut refused);
    refused
}

async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = Instant::now();
    let resp = next.run(req).await;
    state.metrics.observe_request(&route, started.elapsed());
    resp
}
