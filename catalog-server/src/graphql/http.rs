//! `/graphql` over HTTP and WebSocket.
//!
//! - `POST /graphql` (and `GET /graphql?query=` for queries): GraphQL over HTTP. A
//!   request that cannot run (malformed, unknown field, wrong argument type, too deep
//!   or too complex) gets its errors with locations, and no `data`, with status 400
//!   when the client accepts `application/graphql-response+json`, 200 for plain
//!   `application/json` clients, as the GraphQL-over-HTTP spec says. A field error
//!   that nulls the whole result (`data: null`, errors with a `path`) is a 200 either
//!   way. A mutation refused for want of a token answers 401, for want of a scope 403.
//!   Every response carries `extensions.sqlStatements`: what the request cost the store.
//!   A document over the `[graphql]` document limits (`bounds`) is refused before it is
//!   parsed: 413 `DOCUMENT_TOO_LARGE` for bytes, else `TOO_COMPLEX` (400 or 200 as above).
//! - `GET /graphql` with `Upgrade: websocket`: subscriptions over graphql-transport-ws
//!   (and the older graphql-ws). The token comes from the `connection_init` payload
//!   (`{"Authorization": "Bearer …"}`), since browsers cannot set headers on a
//!   WebSocket, or from the upgrade request's headers.
//! - `GET /graphql` from a browser (no `query` in the URL): GraphiQL, the web bundle's
//!   `graphiql.html` compiled into the binary (`crate::web`), so it needs no internet.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Data, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::loaders::Loaders;
use super::{Viewer, WeftSchema};
use crate::api::AppState;
use crate::auth::Refusal;
use weft_store::STATEMENTS;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// `POST /graphql`.
pub async fn post(
    State(s): State<AppState>,
    Extension(schema): Extension<WeftSchema>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let modern = accepts_graphql_response(&headers);
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let req: async_graphql::Request = match media.as_deref() {
        Some("application/json") | None => match serde_json::from_slice::<serde_json::Value>(&body)
            .and_then(|v| {
                // async-graphql takes a missing `query` for an empty one, which would
                // pass for a syntax error of the client's instead of a bad request.
                if v.get("query").is_some_and(serde_json::Value::is_string) {
                    serde_json::from_value(v)
                } else {
                    Err(serde::de::Error::custom("no `query` string"))
                }
            }) {
            Ok(r) => r,
            Err(e) => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    &format!("the body is not a GraphQL request (JSON with a `query` string): {e}"),
                    modern,
                );
            }
        },
        Some("application/graphql") => {
            async_graphql::Request::new(String::from_utf8_lossy(&body).into_owned())
        }
        Some(other) => {
            return request_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("Content-Type must be application/json, got {other}"),
                modern,
            );
        }
    };
    execute(&s, &schema, &headers, req, false).await
}

/// `GET /graphql`: a WebSocket upgrade, a query in the URL, or GraphiQL.
pub async fn get(
    State(s): State<AppState>,
    Extension(schema): Extension<WeftSchema>,
    req: Request,
) -> Response {
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if upgrade {
        return websocket(s, schema, req).await;
    }
    let params: HashMap<String, String> = req.uri().query().map(url_pairs).unwrap_or_default();
    let Some(query) = params.get("query") else {
        return crate::web::graphiql(req.headers());
    };
    let modern = accepts_graphql_response(req.headers());
    let mut gql = async_graphql::Request::new(query.clone());
    if let Some(name) = params.get("operationName") {
        gql = gql.operation_name(name.clone());
    }
    if let Some(vars) = params.get("variables") {
        match serde_json::from_str::<serde_json::Value>(vars) {
            Ok(v) => gql = gql.variables(async_graphql::Variables::from_json(v)),
            Err(e) => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    &format!("variables is not JSON: {e}"),
                    modern,
                );
            }
        }
    }
    let headers = req.headers().clone();
    execute(&s, &schema, &headers, gql, true).await
}

/// `a=1&b=2` decoded (percent-escapes and `+`).
fn url_pairs(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(GRAPHQL_RESPONSE))
}

fn content_type(modern: bool) -> HeaderValue {
    HeaderValue::from_static(if modern {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json"
    })
}

/// A request that never reached execution, as a GraphQL error response.
fn request_error(status: StatusCode, message: &str, modern: bool) -> Response {
    let body = serde_json::json!({"errors": [{"message": message}]});
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, content_type(modern));
    resp
}

/// The operation a request would run, when its document parses: its type and its
/// top selection set.
fn operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(OperationType, &'a SelectionSet)> {
    let ops: Vec<_> = doc.operations.iter().collect();
    let op = match name {
        Some(name) => ops
            .into_iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?,
        None if ops.len() == 1 => ops.into_iter().next()?,
        None => return None,
    };
    Some((op.1.node.ty, &op.1.node.selection_set.node))
}

/// Whether any operation selects `__schema` or `__type` at its root (directly or
/// through fragments).
fn asks_introspection(doc: &ExecutableDocument) -> bool {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        depth < 32
            && set.items.iter().any(|sel| match &sel.node {
                Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type"),
                Selection::InlineFragment(f) => walk(doc, &f.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(f) => doc
                    .fragments
                    .get(&f.node.fragment_name.node)
                    .is_some_and(|d| walk(doc, &d.node.selection_set.node, depth + 1)),
            })
    }
    doc.operations
        .iter()
        .any(|(_, op)| walk(doc, &op.node.selection_set.node, 0))
}

async fn execute(
    s: &AppState,
    schema: &WeftSchema,
    headers: &HeaderMap,
    req: async_graphql::Request,
    via_get: bool,
) -> Response {
    let modern = accepts_graphql_response(headers);
    let (caller, scopes) = match s.tokens.identify(headers) {
        Ok(x) => x,
        Err(_) => return unauthenticated(modern),
    };
    // Before anything parses or validates it: validation is not bounded in time or
    // memory by the depth and complexity limits (see `bounds`).
    if let Err(refused) = super::bounds::check(&req.query, &s.graphql.bounds()) {
        let status = if refused.code == "DOCUMENT_TOO_LARGE" {
            StatusCode::PAYLOAD_TOO_LARGE
        } else if modern {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let body = serde_json::json!({
            "errors": [{"message": refused.message, "extensions": {"code": refused.code}}],
            "extensions": {"sqlStatements": 0},
        });
        let mut resp = (status, axum::Json(body)).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, content_type(modern));
        return resp;
    }
    let doc = async_graphql::parser::parse_query(&req.query).ok();
    let operation_name = req.operation_name.clone();
    let op = doc
        .as_ref()
        .and_then(|d| operation(d, req.operation_name.as_deref()))
        .map(|(ty, _)| ty);
    if via_get && op == Some(OperationType::Mutation) {
        let mut resp = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
            modern,
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    if op == Some(OperationType::Subscription) {
        return request_error(
            StatusCode::BAD_REQUEST,
            "subscriptions run over WebSocket (graphql-transport-ws) at this same URL",
            modern,
        );
    }
    let cfg = s.graphql;
    // async-graphql answers `__schema` with a silent null when introspection is off;
    // a tool deserves to be told.
    if !cfg.introspection && doc.as_ref().is_some_and(asks_introspection) {
        return request_error(
            if modern {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            },
            "introspection is disabled on this server",
            modern,
        );
    }
    // Read-your-writes: `extensions.minLogPosition` in the body, like the header the
    // API's middleware has already waited for.
    let mut read_at = crate::api::position::current();
    if let Some(min) = req.extensions.0.get("minLogPosition") {
        let min = match min {
            async_graphql::Value::Number(n) => n.as_i64().filter(|n| *n >= 0),
            _ => None,
        };
        let Some(min) = min else {
            return request_error(
                StatusCode::BAD_REQUEST,
                "extensions.minLogPosition must be a change-log sequence number (a non-negative integer)",
                modern,
            );
        };
        match crate::api::position::reach(s, min, "extensions.minLogPosition").await {
            Ok(at) => {
                if let Some((a, _)) = &mut read_at {
                    *a = (*a).max(at);
                }
            }
            Err(e) => {
                let mut resp = e.into_response();
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return resp;
            }
        }
    }
    let counter = Arc::new(AtomicU64::new(0));
    let req = req
        .data(Viewer { caller, scopes })
        .data(Loaders::new(&s.store, counter.clone()));
    let run = STATEMENTS.scope(counter.clone(), schema.execute(req));
    let mut resp = match tokio::time::timeout(cfg.timeout, run).await {
        Ok(r) => r,
        Err(_) => {
            let mut e = ServerError::new(
                format!(
                    "the request ran longer than {:?} and was stopped",
                    cfg.timeout
                ),
                None,
            );
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", "TIMEOUT");
            e.extensions = Some(ext);
            async_graphql::Response::from_errors(vec![e])
        }
    };
    // Errors raised before execution (parse, validation, variables, limits, the timeout)
    // carry no path; a field error does, even when it nulls the whole result.
    let before_execution = resp.data == async_graphql::Value::Null
        && resp.is_err()
        && resp.errors.iter().all(|e| e.path.is_empty());
    if let Some(d) = &doc
        && let Some((ty, set)) = operation(d, operation_name.as_deref())
        && !before_execution
    {
        let root = match ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        let paths: Vec<&[async_graphql::PathSegment]> =
            resp.errors.iter().map(|e| e.path.as_slice()).collect();
        let types = super::response::field_types();
        super::response::null_errors(&mut resp.data, d, set, root, &paths, types);
        super::response::reorder(&mut resp.data, d, set);
    }
    resp.extensions.insert(
        "sqlStatements".into(),
        async_graphql::Value::from(counter.load(Ordering::Relaxed)),
    );
    // The position the response reflects: what the mutation wrote, or what the replica
    // had applied when the request started.
    let position = match &read_at {
        Some((at, written)) => {
            let p = crate::api::position::response_position(s, written, *at).await;
            resp.extensions
                .insert("logPosition".into(), async_graphql::Value::from(p));
            Some(p)
        }
        None => None,
    };
    let code_of = |c: &str| {
        resp.errors.iter().any(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(|v| *v == async_graphql::Value::from(c))
        })
    };
    let status = if code_of("UNAUTHENTICATED") {
        StatusCode::UNAUTHORIZED
    } else if code_of("FORBIDDEN") {
        StatusCode::FORBIDDEN
    } else if before_execution && modern {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // A request that never ran has no `data` entry at all (the GraphQL spec, "Response");
    // `data: null` says a field error nulled the result, which is a 200.
    let serialised = if before_execution {
        serde_json::to_value(&resp).and_then(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("data");
            }
            serde_json::to_vec(&v)
        })
    } else {
        serde_json::to_vec(&resp)
    };
    let body = match serialised {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "graphql response not serialisable");
            return request_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", modern);
        }
    };
    let mut out = (status, body).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, content_type(modern));
    if let Some(p) = position {
        out.headers_mut()
            .insert(crate::api::position::POSITION, HeaderValue::from(p));
    }
    if status == StatusCode::UNAUTHORIZED {
        out.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    out
}

fn unauthenticated(modern: bool) -> Response {
    refusal(
        StatusCode::UNAUTHORIZED,
        "missing or invalid bearer token",
        modern,
    )
}

fn refusal(status: StatusCode, message: &str, modern: bool) -> Response {
    let code = if status == StatusCode::UNAUTHORIZED {
        "UNAUTHENTICATED"
    } else {
        "FORBIDDEN"
    };
    let body = serde_json::json!({"errors": [{
        "message": message,
        "extensions": {"code": code},
    }]});
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, content_type(modern));
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}

/// Largest WebSocket message (and frame) accepted.
const WS_MAX_MESSAGE: usize = 1 << 20;

async fn websocket(s: AppState, schema: WeftSchema, req: Request) -> Response {
    let (mut parts, _body) = req.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let from_headers = s.tokens.identify(&parts.headers);
    // A message holds one document (64 KiB at most) and its variables: 1 MiB is ample,
    // where the default would let one message buffer 64 MiB.
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(WS_MAX_MESSAGE)
        .max_frame_size(WS_MAX_MESSAGE)
        .on_upgrade(move |socket| {
            let tokens = s.tokens.clone();
            let store = s.store.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload: serde_json::Value| async move {
                    let identity = match bearer_in(&payload) {
                        Some(value) => {
                            let mut h = HeaderMap::new();
                            match HeaderValue::from_str(&value) {
                                Ok(v) => {
                                    h.insert(header::AUTHORIZATION, v);
                                    tokens.identify(&h)
                                }
                                Err(_) => Err(Refusal::Unauthenticated),
                            }
                        }
                        None => from_headers,
                    };
                    let Ok((caller, scopes)) = identity else {
                        return Err(async_graphql::Error::new("missing or invalid bearer token"));
                    };
                    let mut data = Data::default();
                    data.insert(Viewer { caller, scopes });
                    data.insert(Loaders::uncached(&store, Arc::new(AtomicU64::new(0))));
                    data.insert(super::subscription::ConnectionSubscriptions::default());
                    Ok(data)
                })
                .serve()
        })
        .into_response()
}

/// `Bearer …` from a `connection_init` payload: `Authorization`/`authorization`
/// (with or without the scheme), or `token`.
fn bearer_in(payload: &serde_json::Value) -> Option<String> {
    let raw = ["Authorization", "authorization", "token"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))?;
    let raw = raw.trim();
    if raw
        .split_once(' ')
        .is_some_and(|(s, _)| s.eq_ignore_ascii_case("bearer"))
    {
        Some(raw.to_owned())
    } else {
        Some(format!("Bearer {raw}"))
    }
}
