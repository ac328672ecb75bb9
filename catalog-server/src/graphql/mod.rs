//! The GraphQL API at `/graphql`: one schema for tooling (notebooks, IDE plugins, CI
//! bots, a web UI) over everything the catalog knows, the edits owners make, and a live
//! feed of changes.
//!
//! It is a second face on the same core as the REST API: reads go to the store and the
//! in-memory graph, every mutation is a `MetadataChange` through the single writer (so
//! it lands in the change log with the caller as actor), and the subscription follows
//! the change log. `schemas/schema.graphql` is the schema as an artifact; a test fails
//! when it and the code disagree (`WEFT_UPDATE_SCHEMA=1` rewrites it).
//!
//! - `query.rs`: the query root; `types.rs`: the object types; `loaders.rs`: the
//!   DataLoaders that batch per-dataset reads, so a page of 50 datasets with columns and
//!   owners costs a fixed number of SQL statements.
//! - `mutation.rs`: edits and review decisions; `subscription.rs`: `metadataChanges`.
//! - `http.rs`: the GraphQL-over-HTTP handler (status codes, auth, timeouts, statement
//!   counts), GraphiQL and the graphql-transport-ws endpoint.
//! - `bounds.rs`: the document limits (bytes, tokens, the size fragment spreads expand
//!   to, aliases) checked before async-graphql parses and validates a document, whose
//!   cost the depth and complexity limits do not bound.

pub mod bounds;
pub mod http;
pub mod loaders;
pub mod mutation;
pub mod query;
mod response;
pub mod subscription;
pub mod types;

use std::time::Duration;

use async_graphql::{ErrorExtensions, Schema};

use crate::api::AppState;
use crate::api::error::ApiError;
use crate::auth::{Caller, Scope, Scopes};

/// The schema type.
pub type WeftSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// Limits that keep one request from taking the server: refused before execution
/// (depth, complexity) or cut off during it (timeout, page size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphqlConfig {
    /// Deepest selection nesting accepted.
    pub max_depth: usize,
    /// Highest complexity accepted: each field costs 1, a list field's selection costs
    /// its page size (`first`) times.
    pub max_complexity: usize,
    /// Largest `first` on any connection.
    pub max_page_size: usize,
    /// Longest a query or mutation may run.
    pub timeout: Duration,
    /// Whether `__schema` and `__type` are answered. Tools such as GraphiQL need it.
    pub introspection: bool,
    /// Largest document accepted, in bytes (checked before parsing; see `bounds`).
    pub max_document_bytes: usize,
    /// Most tokens in a document.
    pub max_tokens: usize,
    /// Most fields a document may expand to with its fragment spreads inlined.
    pub max_expanded_fields: u64,
    /// Most aliased fields in a document.
    pub max_aliases: usize,
}

impl GraphqlConfig {
    /// The document bounds checked before parsing.
    pub fn bounds(&self) -> bounds::Limits {
        bounds::Limits {
            max_document_bytes: self.max_document_bytes,
            max_tokens: self.max_tokens,
            max_expanded_fields: self.max_expanded_fields,
            max_aliases: self.max_aliases,
        }
    }
}

impl Default for GraphqlConfig {
    fn default() -> GraphqlConfig {
        GraphqlConfig {
            max_depth: 15,
            max_complexity: 20_000,
            max_page_size: 100,
            timeout: Duration::from_secs(30),
            introspection: true,
            max_document_bytes: 64 * 1024,
            max_tokens: 15_000,
            max_expanded_fields: 10_000,
            max_aliases: 200,
        }
    }
}

/// Builds the schema over the server's state.
pub fn schema(state: AppState, cfg: GraphqlConfig) -> WeftSchema {
    let mut b = Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .data(state)
    .data(cfg)
    .extension(bounds::Bounds(cfg.bounds()))
    .limit_depth(cfg.max_depth)
    .limit_complexity(cfg.max_complexity);
    if !cfg.introspection {
        b = b.disable_introspection();
    }
    b.finish()
}

/// The schema's SDL, as `schemas/schema.graphql` holds it.
pub fn sdl() -> String {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// Who is asking, per request (or per WebSocket connection).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The caller; the actor of its changes.
    pub caller: Caller,
    /// What it may do.
    pub scopes: Scopes,
}

impl Viewer {
    /// The caller, when allowed `scope`; else an UNAUTHENTICATED (no token) or
    /// FORBIDDEN error, which the HTTP handler turns into 401 or 403.
    pub fn require(&self, scope: Scope) -> async_graphql::Result<&Caller> {
        if self.scopes.allows(scope) {
            return Ok(&self.caller);
        }
        Err(match self.caller {
            Caller::Anonymous => async_graphql::Error::new(format!(
                "this operation needs a bearer token with the {} scope",
                scope.as_str()
            ))
            .extend_with(|_, e| e.set("code", "UNAUTHENTICATED")),
            Caller::Token(_) => {
                async_graphql::Error::new(format!("this token lacks the {} scope", scope.as_str()))
                    .extend_with(|_, e| e.set("code", "FORBIDDEN"))
            }
        })
    }
}

/// The REST layer's errors as GraphQL errors, with a machine-readable code.
pub fn api_error(e: ApiError) -> async_graphql::Error {
    let code = match e.status.as_u16() {
        400 => "BAD_USER_INPUT",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    };
    let path = e.path.clone();
    async_graphql::Error::new(e.message).extend_with(move |_, ext| {
        ext.set("code", code);
        if let Some(p) = &path {
            ext.set("argument", p.as_str());
        }
    })
}

/// The query layer's errors as GraphQL errors: the same message and code the REST API
/// maps them to.
pub fn query_error(e: weft_query::QueryError) -> async_graphql::Error {
    api_error(ApiError::from(e))
}

/// A store failure: logged, the client gets a generic message.
pub fn store_error(e: weft_store::StoreError) -> async_graphql::Error {
    api_error(ApiError::from(e))
}

/// A failure with no message fit for clients (a loader's store error, a projection that
/// did not decode): logged, the client gets a generic message.
pub fn load_error<E: std::fmt::Display>(e: E) -> async_graphql::Error {
    tracing::error!(error = %e, "graphql resolution failed");
    async_graphql::Error::new("internal error; see the server log")
}

/// A bad argument, named.
pub fn bad_input(argument: &str, message: impl Into<String>) -> async_graphql::Error {
    let argument = argument.to_owned();
    async_graphql::Error::new(message.into()).extend_with(move |_, e| {
        e.set("code", "BAD_USER_INPUT");
        e.set("argument", argument.as_str());
    })
}

#[cfg(test)]
mod tests {
    /// `schemas/schema.graphql` is the schema tools build against: it must be what the
    /// code serves. `WEFT_UPDATE_SCHEMA=1 cargo test -p weft-catalog-server sdl` rewrites it.
    #[test]
    fn sdl_file_matches_the_code() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/schema.graphql");
        let code = super::sdl();
        if std::env::var_os("WEFT_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &code).expect("write schema.graphql");
        }
        let file = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            file == code,
            "schemas/schema.graphql differs from the schema the code serves; \
             rerun with WEFT_UPDATE_SCHEMA=1 to rewrite it and review the diff"
        );
    }
}
