//! The `weft` binary: the HTTP API, GraphQL, the embedded web UI, crawls and the CLI,
//! wired over the store and the derived views.
//!
//! This crate is glue and I/O. What an event *means* is decided in `weft-ingest`; what
//! SQL means, in `weft-lineage`; how it is stored, in `weft-store`; what is derived from
//! the change log, in `weft-views`. Here: [`api`] (axum routes), [`graphql`] (the
//! GraphQL schema and its endpoint), [`web`] (the embedded web UI and GraphiQL),
//! [`server`] (start and graceful stop), and the offline commands [`offline`]
//! (`weft ingest`, `weft rebuild`) and [`export`] (`weft export` and `GET /api/v1/export`).

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod config;
pub mod crawl;
pub mod export;
pub mod graphql;
pub mod metrics;
pub mod offline;
pub mod policy_config;
pub mod server;
pub mod web;

pub use weft_store::EDGE_REFRESH_MICROS;

/// The store settings a [`config::Config`] implies.
pub fn store_config(cfg: &config::Config) -> weft_store::StoreConfig {
    weft_store::StoreConfig {
        database_url: cfg.database_url.clone(),
        data_dir: cfg.data_dir.clone(),
        sqlite_synchronous: cfg.sqlite_synchronous.clone(),
        max_connections: 8,
        auto_checkpoint: true,
    }
}
