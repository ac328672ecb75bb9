//! The store: one database (SQLite file by default, PostgreSQL at scale) holding the
//! change log and the current state derived from it.
//!
//! Both backends run the same SQL through sqlx's `Any` driver; where their dialects
//! differ (placeholders, transaction start, locking) [`Backend`] says how.
//!
//! # Who writes which table
//!
//! Only this crate runs SQL against Weft's database: the connection pool is private to
//! it, and the rest of Weft sees typed functions that return records, not rows. Current
//! state is written by the [`writer`] (and, for `weft rebuild`, wiped by
//! [`rebuild`]); each derived view's tables are written only by the store call made for
//! that view, which records the view's cursor in the same transaction:
//! [`namespace_stats`] for the namespace counters, [`derived_lineage`] for the column
//! edges derived from SQL and `job_sql_lineage`. The views' reads of current state are
//! in [`log_subjects`], [`graph_state`], [`search_docs`] and [`derived_lineage`], over a
//! [`state_reader::StateReader`]. `tests/tests/invariants.rs` checks that no other crate
//! depends on sqlx or holds SQL that writes.

#![deny(missing_docs)]

pub mod batch;
pub mod bulk;
pub mod cursors;
pub mod derived_lineage;
pub mod edits;
pub mod export;
pub mod governance;
pub mod graph_state;
pub mod group_commit;
pub mod lease;
pub mod log;
pub mod log_subjects;
pub mod lookup;
pub mod namespace_stats;
pub mod notify;
mod owners;
pub mod policy_inputs;
pub mod policy_violations;
pub mod read;
pub mod rebuild;
pub mod reviews;
pub mod search_docs;
pub mod signing;
pub mod source_positions;
pub mod sqlite_alloc;
pub mod state_reader;
pub mod tokens;
pub mod usage;
pub mod writer;

/// How stale a lineage edge's `last_seen` (and a job's input/output `updated_at`) may
/// get before an unchanged edge is written again: one minute. Lower means more writes
/// for the same events; staleness marking (a later issue) works in hours or days.
pub const EDGE_REFRESH_MICROS: i64 = 60 * 1_000_000;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

/// Errors from the store; they carry sqlx's error, never a half-written state (every
/// write is one transaction).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Running migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data did not decode (a bug or a newer Weft's data).
    #[error("stored data: {0}")]
    Corrupt(String),
    /// The data directory could not be created.
    #[error("data dir: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Whether the database aborted the transaction to resolve a conflict with another
    /// one (PostgreSQL's deadlock `40P01` or serialization failure `40001`), so running
    /// it again may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

/// Which database the store runs on; decides the few dialect differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file in WAL mode.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The `n`th (1-based) bind placeholder.
    pub fn placeholder(self, n: usize, out: &mut String) {
        match self {
            Backend::Sqlite => out.push('?'),
            Backend::Postgres => {
                out.push('$');
                out.push_str(&n.to_string());
            }
        }
    }

    /// Rewrites a statement written with `?` placeholders for this backend.
    pub fn sql(self, q: &str) -> String {
        match self {
            Backend::Sqlite => q.to_owned(),
            Backend::Postgres => {
                let mut out = String::with_capacity(q.len() + 8);
                let mut n = 0;
                let mut in_str = false;
                for c in q.chars() {
                    if c == '\'' {
                        in_str = !in_str;
                    }
                    if c == '?' && !in_str {
                        n += 1;
                        self.placeholder(n, &mut out);
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// Largest number of bind parameters one statement may carry.
    pub fn max_params(self) -> usize {
        match self {
            Backend::Sqlite => 32_000,
            Backend::Postgres => 65_000,
        }
    }
}

/// The size the SQLite WAL file is cut back to when the WAL restarts
/// (`journal_size_limit`, bytes).
pub const JOURNAL_SIZE_LIMIT: u64 = 32 * 1024 * 1024;

/// How much of an SQLite database each connection maps into memory (SQLite caps it at
/// its compile-time maximum, 2 GB by default); see `Store::open`.
const MMAP_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// A SQLite WAL checkpoint mode (see [`Store::checkpoint_wal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// Copy what can be copied without waiting.
    Passive,
    /// Wait for readers, copy everything, so the next commit restarts the WAL.
    Restart,
    /// As `Restart`, and truncate the WAL file to zero bytes.
    Truncate,
}

/// A handle on the store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

/// How the store should open its database.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// `postgres://…` for PostgreSQL; `None` for the embedded SQLite file.
    pub database_url: Option<String>,
    /// Where the SQLite file lives.
    pub data_dir: std::path::PathBuf,
    /// SQLite `synchronous`: `FULL` also survives power loss; `NORMAL` survives process
    /// crashes (a `kill -9`) and is faster.
    pub sqlite_synchronous: String,
    /// Connections in the pool (at least one).
    pub max_connections: u32,
    /// Whether commits on these connections may checkpoint the SQLite WAL. The server's
    /// dedicated writer turns this off, so a checkpoint (copying the WAL into the
    /// database and syncing it) never stalls ingestion; [`Store::checkpoint`] then runs
    /// from a background task instead.
    pub auto_checkpoint: bool,
}

impl Store {
    /// Opens (creating if needed) the database and runs migrations.
    pub async fn open(cfg: &StoreConfig) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match &cfg.database_url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                (u.clone(), Backend::Postgres)
            }
            Some(u) if u.starts_with("sqlite:") => (u.clone(), Backend::Sqlite),
            Some(u) => {
                return Err(StoreError::Corrupt(format!(
                    "unsupported database URL {u:?}: use postgres://… or sqlite:…"
                )));
            }
            None => {
                std::fs::create_dir_all(&cfg.data_dir)?;
                let file = cfg.data_dir.join("weft.db");
                (sqlite_url(&file), Backend::Sqlite)
            }
        };
        let opts = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = match backend {
            Backend::Sqlite => {
                let sync = match cfg.sqlite_synchronous.to_ascii_uppercase().as_str() {
                    "NORMAL" => "NORMAL",
                    "OFF" => "OFF",
                    _ => "FULL",
                };
                // WAL lets readers run beside the single writer; the pragma is persistent.
                let first = AnyPoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts.clone())
                    .await?;
                first.execute("PRAGMA journal_mode=WAL").await?;
                first.close().await;
                let checkpoint = if cfg.auto_checkpoint { 1000 } else { 0 };
                // The writer's single connection gets a large page cache; a pool of
                // readers gets a smaller one each (the OS page cache backs them all),
                // so eight busy readers do not add 256 MB to the server's footprint.
                let cache_kib = if cfg.max_connections <= 1 {
                    32_000
                } else {
                    8_000
                };
                // Reads map the database file instead of copying each page through a
                // `pread`: a full policy evaluation's random lookups over a 2 GB catalog
                // spent a quarter of its CPU in that system call. Mapped pages are the OS
                // page cache itself, so this adds no private memory.
                let setup = format!(
                    "PRAGMA synchronous={sync}; PRAGMA busy_timeout=10000; PRAGMA cache_size=-{cache_kib}; \
                     PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint={checkpoint}; \
                     PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}; PRAGMA mmap_size={MMAP_BYTES}"
                );
                AnyPoolOptions::new()
                    .max_connections(cfg.max_connections.max(1))
                    .after_connect(move |conn, _| {
                        let setup = setup.clone();
                        Box::pin(async move {
                            conn.execute(sqlx::AssertSqlSafe(setup)).await?;
                            Ok(())
                        })
                    })
                    .connect_with(opts)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(cfg.max_connections.max(1))
                    .connect_with(opts)
                    .await?
            }
        };
        let store = Store { pool, backend, url };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Copies what the SQLite WAL holds into the database file, without waiting for
    /// readers or blocking the writer (`PASSIVE`); a no-op on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.checkpoint_wal(Checkpoint::Passive).await.map(|_| ())
    }

    /// Runs a WAL checkpoint of the given mode and reports the WAL's size in bytes
    /// before it (frames in the WAL times the page size); 0 on PostgreSQL.
    ///
    /// `PASSIVE` alone does not bound the WAL: SQLite starts writing the WAL from its
    /// beginning again only after a checkpoint copied *every* frame while no reader
    /// still used one, which a busy writer with derived views reading behind it rarely
    /// allows, and the file never shrinks below its high-water mark by itself.
    /// `RESTART` waits (busy timeout) for readers to move to the newest snapshot so the
    /// next commit restarts the WAL, which `journal_size_limit` then truncates;
    /// `TRUNCATE` also empties the file.
    pub async fn checkpoint_wal(&self, mode: Checkpoint) -> Result<u64, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        let sql = match mode {
            Checkpoint::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
            Checkpoint::Restart => "PRAGMA wal_checkpoint(RESTART)",
            Checkpoint::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
        };
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
        let frames: i64 = sqlx::Row::try_get(&row, 1)?;
        let page: i64 = sqlx::Row::try_get(
            &sqlx::query("PRAGMA page_size")
                .fetch_one(&mut *conn)
                .await?,
            0,
        )?;
        Ok(u64::try_from(frames.max(0) * page.max(0)).unwrap_or(0))
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so it waits its turn behind the writer (busy timeout) instead
    /// of failing with "database is locked" when a read transaction tries to upgrade.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// The connection pool, for modules of the store: no other crate runs SQL on it.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database URL, with any password removed, for logs.
    pub fn describe(&self) -> String {
        match self.backend {
            Backend::Sqlite => self.url.clone(),
            Backend::Postgres => redact_password(&self.url),
        }
    }

    /// Answers whether the database takes a trivial query (readiness).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

fn redact_password(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

tokio::task_local! {
    /// The statement counter of the request being served, if any: the GraphQL API
    /// reports it per response, so a test can hold its DataLoaders to a bounded number
    /// of statements.
    pub static STATEMENTS: std::sync::Arc<std::sync::atomic::AtomicU64>;
}

/// Counts one statement against the current request (nothing outside one).
pub fn count_statement() {
    let _ = STATEMENTS.try_with(|c| c.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
}

/// Microseconds since the Unix epoch, now.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// A fresh SQLite store in a temporary directory, for unit tests (the directory lives
/// as long as the returned guard).
#[cfg(test)]
pub(crate) async fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&StoreConfig {
        database_url: None,
        data_dir: dir.path().to_owned(),
        sqlite_synchronous: "NORMAL".into(),
        max_connections: 1,
        auto_checkpoint: true,
    })
    .await
    .expect("open");
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_translate_outside_strings() {
        assert_eq!(
            Backend::Postgres.sql("SELECT '?' , ? WHERE a = ?"),
            "SELECT '?' , $1 WHERE a = $2"
        );
        assert_eq!(Backend::Sqlite.sql("a = ?"), "a = ?");
    }

    #[test]
    fn password_is_redacted() {
        assert_eq!(
            redact_password("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
    }
}
