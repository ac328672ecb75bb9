//! The `weft` server: the store, the single writer, derived views, the HTTP API and the
//! CLI commands, wired together.
//!
//! This crate is glue and I/O. What an event *means* is decided in `weft-ingest`; what
//! SQL means, in `weft-lineage`. Here: [`store`] (sqlx, SQLite or PostgreSQL, the change
//! log and current state), [`pipeline`] (the writer task with group commit), [`views`]
//! (consumers of the change log), [`api`] (axum routes), [`graphql`] (the GraphQL schema
//! and its endpoint), [`web`] (the embedded web UI and GraphiQL), [`server`] (start and
//! graceful stop), and the offline commands [`offline`] (`weft ingest`, `weft rebuild`,
//! `weft verify`).

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod config;
pub mod crawl;
pub mod graphql;
pub mod metrics;
pub mod offline;
pub mod pipeline;
pub mod server;
pub mod store;
pub mod views;
pub mod web;

/// How stale a lineage edge's `last_seen` (and a job's input/output `updated_at`) may
/// get before an unchanged edge is written again: one minute. Lower means more writes
/// for the same events; staleness marking (a later issue) works in hours or days.
pub const EDGE_REFRESH_MICROS: i64 = 60 * 1_000_000;

/// The store settings a [`config::Config`] implies.
pub fn store_config(cfg: &config::Config) -> store::StoreConfig {
    store::StoreConfig {
        database_url: cfg.database_url.clone(),
        data_dir: cfg.data_dir.clone(),
        sqlite_synchronous: cfg.sqlite_synchronous.clone(),
        max_connections: 8,
        auto_checkpoint: true,
    }
}
