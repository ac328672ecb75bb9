//! Pull crawls: a database catalog or a query log read by `weft-ingest`, turned into
//! changes and written through the same writer as pushed events.
//!
//! The same code runs for `weft crawl` (writing to the store directly, like
//! `weft ingest`) and for the sources `weft serve` crawls on a schedule (submitting to
//! the server's writer task). What a crawl does, in order:
//!
//! 1. read the source completely (catalog queries, or the whole log file) — a source
//!    that cannot be reached or refuses the credentials fails here, before anything is
//!    written, and only the failed crawl's record lands in the history;
//! 2. turn what it read into changes: one OpenLineage DatasetEvent per table or view
//!    (views carry their column lineage), a `DROP` lifecycle event for each table a
//!    previous crawl found and this one did not (soft delete: the history stays), usage
//!    batches, and a JobEvent per statement shape that writes (the `sql_lineage` view
//!    derives its column edges);
//! 3. write them, then the `crawl.run` record.
//!
//! A table whose description did not change since the last crawl produces an event the
//! log already holds (the dedupe key covers the content, not the crawl time), so a crawl
//!
//! Files: `sink.rs` (where changes go), `database.rs` and `query_log.rs` (the two kinds of
//! source), `redirects.rs` (symlinked names), `schedule.rs` (`weft serve`'s schedule).
//! Namespace aliases, which pushes and rebuilds apply too, live in `weft-ingest`.

mod database;
mod query_log;
mod redirects;
mod schedule;
mod sink;

pub use schedule::schedule;
pub use sink::Sink;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::ProgressBar;
use weft_ingest::crawl::{self as dbcrawl};
use weft_ingest::querylog::Format;
use weft_schemas::change::{CrawlRecord, ErrorClass};

use database::crawl_database;
use query_log::crawl_log;
use weft_ingest::aliases::Aliases;
use weft_store::{Store, StoreError, now_micros};

/// The producer URI crawler events carry.
const PRODUCER: &str = dbcrawl::CRAWLER_PRODUCER;

/// Changes written per transaction.
const WRITE_BATCH: usize = 500;

/// One source to crawl.
#[derive(Debug, Clone)]
pub struct CrawlSpec {
    /// The source's name: its crawl history and query keys are kept under it.
    pub name: String,
    /// What to read.
    pub kind: SourceKind,
    /// How often `weft serve` crawls it; `None` for one-off crawls.
    pub interval: Option<Duration>,
}

/// What a source is.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// A PostgreSQL or MySQL/MariaDB server, by URL.
    Database {
        /// `postgres://user:pass@host:port/db` or `mysql://…`.
        url: String,
        /// Only these schemas (PostgreSQL); all when empty.
        schemas: Vec<String>,
        /// Read `pg_stat_statements` too, when installed.
        statements: bool,
    },
    /// An exported query log.
    QueryLog {
        /// The file.
        path: PathBuf,
        /// Its format.
        format: Format,
        /// Dialect of queries that do not name one.
        dialect: String,
        /// The namespace the log's tables belong to.
        namespace: String,
        /// Database of queries that do not say.
        database: Option<String>,
        /// Schema of queries that do not say.
        schema: Option<String>,
        /// Keep one verbatim text per statement (off: only normalised text is stored).
        keep_raw: bool,
    },
}

impl CrawlSpec {
    /// What the history shows as the crawl's target: the URL without its password, or
    /// the file.
    pub fn target(&self) -> String {
        match &self.kind {
            SourceKind::Database { url, .. } => dbcrawl::redact_url(url),
            SourceKind::QueryLog { path, .. } => path.display().to_string(),
        }
    }

    pub(super) fn kind_name(&self) -> &'static str {
        match &self.kind {
            SourceKind::Database { url, .. } if url.starts_with("mysql") => "mysql",
            SourceKind::Database { url, .. } if url.starts_with("mariadb") => "mysql",
            SourceKind::Database { .. } => "postgres",
            SourceKind::QueryLog { .. } => "query-log",
        }
    }
}
/// Why a crawl failed.
#[derive(Debug, thiserror::Error)]
pub enum CrawlFailure {
    /// The source could not be read (unreachable, credentials, permissions); nothing
    /// but the failed crawl's record was written. The text says why, not which source:
    /// the history entry and the CLI name the source beside it.
    #[error("{0}")]
    Source(String),
    /// The store refused a read or a write.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The server's writer refused.
    #[error("writing: {0}")]
    Write(String),
}

/// A failed crawl in one sentence, as the CLI prints it: which source (its name, and its
/// password-free target when the name is not that already), then why.
pub fn failure_sentence(spec: &CrawlSpec, e: &CrawlFailure) -> String {
    let target = spec.target();
    if spec.name == target {
        format!("crawl of {target} failed: {e}")
    } else {
        format!("crawl of {} ({target}) failed: {e}", spec.name)
    }
}

/// Runs one crawl to the end and records it. On failure the record (status `failed`,
/// the error as its only error class) is still written, so the history shows it.
pub async fn run(
    store: &Store,
    sink: &mut Sink,
    spec: &CrawlSpec,
    aliases: &Aliases,
    bar: &ProgressBar,
) -> Result<CrawlRecord, CrawlFailure> {
    let started_at = now_micros();
    let mut record = CrawlRecord {
        source: spec.name.clone(),
        kind: spec.kind_name().into(),
        target: spec.target(),
        namespace: String::new(),
        started_at,
        ended_at: started_at,
        status: "ok".into(),
        counts: BTreeMap::new(),
        errors: Vec::new(),
        watermark: None,
    };
    let result = match &spec.kind {
        SourceKind::Database {
            url,
            schemas,
            statements,
        } => {
            crawl_database(
                store,
                sink,
                spec,
                url,
                schemas,
                *statements,
                aliases,
                bar,
                &mut record,
            )
            .await
        }
        SourceKind::QueryLog { .. } => {
            crawl_log(store, sink, spec, aliases, bar, &mut record).await
        }
    };
    record.ended_at = now_micros();
    if let Err(e) = &result {
        record.status = "failed".into();
        let class = match e {
            CrawlFailure::Source(_) => "source",
            CrawlFailure::Store(_) | CrawlFailure::Write(_) => "store",
        };
        record.errors.insert(
            0,
            ErrorClass {
                class: class.into(),
                count: 1,
                example: e.to_string(),
            },
        );
    } else if !record.errors.is_empty() {
        record.status = "partial".into();
    }
    let actor = actor(spec);
    // A failed write is reported as the crawl's error; the record may fail too.
    if let Err(e) = sink.write(vec![record.clone().into_change(&actor)]).await {
        tracing::warn!(source = %spec.name, error = %e, "crawl record not written");
    }
    result.map(|()| record)
}

pub(super) fn actor(spec: &CrawlSpec) -> String {
    format!("crawler:{}", spec.name)
}
