//! Who may use the store, and for what: servers beside each other, one leader among
//! them, and maintenance (`weft rebuild`) alone.
//!
//! Three claims, each held for as long as its value lives:
//!
//! - [`ServerClaim`] ([`Store::claim_for_server`]): a `weft serve` process using the store.
//!   On PostgreSQL any number of servers hold it together (replicas), each through a
//!   shared advisory lock on a connection of its own; on SQLite exactly one process holds
//!   it, through an exclusive lock on a file beside the database (SQLite is a one-process
//!   store: a second server would keep a second graph and search index that never hear
//!   of the first one's writes).
//! - [`MaintenanceClaim`] ([`Store::claim_for_maintenance`]): the store alone, for a
//!   rebuild, which wipes current state under any running server's caches. It is refused
//!   while a server holds its claim, and a server cannot start while it is held.
//! - [`LeaderLease`] ([`Store::try_lead`]): one server among the replicas, for the work
//!   that must happen once however many replicas run (scheduled crawls). On PostgreSQL an
//!   exclusive session advisory lock: when the holder dies its connection closes, the
//!   lock is released, and the next replica that tries takes it. On SQLite the one
//!   server is always the leader.
//!
//! Advisory locks belong to a PostgreSQL *session*, so each claim keeps a connection of
//! its own, detached from the pool (a pooled connection would carry the lock back into
//! the pool and hand it to whoever borrowed it next).

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use sqlx::{AnyConnection, Connection, Row};

use crate::{Backend, Store, StoreError};

/// The advisory lock a running server holds shared and maintenance holds exclusive.
const USE_LOCK_KEY: i64 = 0x5745_4654_0001;

/// The advisory lock the leader holds.
const LEADER_LOCK_KEY: i64 = 0x5745_4654_0002;

/// Why a claim was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// Someone else uses the store in a way that excludes this claim; the message says
    /// who and what to do.
    #[error("{0}")]
    InUse(String),
    /// The database or the lock file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ClaimError {
    fn from(e: sqlx::Error) -> Self {
        ClaimError::Store(StoreError::Db(e))
    }
}

impl From<std::io::Error> for ClaimError {
    fn from(e: std::io::Error) -> Self {
        ClaimError::Store(StoreError::Io(e))
    }
}

/// A server's claim on the store; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct ServerClaim {
    _held: Held,
}

/// The store held alone for maintenance; released when dropped.
#[derive(Debug)]
pub struct MaintenanceClaim {
    _held: Held,
}

/// What keeps a claim: a locked file or a database session holding an advisory lock.
#[derive(Debug)]
enum Held {
    File {
        _file: File,
    },
    Session {
        _conn: AnyConnection,
    },
    /// An in-memory SQLite database: no other process can reach it.
    Nothing,
}

/// A process's claim on a data directory (the search index a server keeps there);
/// released when dropped.
#[derive(Debug)]
pub struct DataDirClaim {
    _file: File,
}

/// Claims the data directory `dir` for this process: refused while another process
/// (a running server) holds it, naming its pid. Each server keeps its own search index
/// in its data directory, so two processes must never share one, whatever the store.
pub fn claim_data_dir(dir: &Path) -> Result<DataDirClaim, ClaimError> {
    std::fs::create_dir_all(dir)?;
    let file = lock_file(&dir.join("weft.lock")).map_err(|holder| {
        ClaimError::InUse(format!(
            "the data directory {} is in use by another process{}: each server keeps its \
             own search index there. Stop that process, or give this one its own --data-dir",
            dir.display(),
            holder.map(|h| format!(" ({h})")).unwrap_or_default(),
        ))
    })?;
    Ok(DataDirClaim { _file: file })
}

/// The leadership among replicas: held while this value lives and its session is up.
#[derive(Debug)]
pub struct LeaderLease {
    session: Option<AnyConnection>,
}

impl LeaderLease {
    /// Whether the lease still holds: its session answers. A lease whose connection
    /// broke has lost its lock on the server side, whatever this process believes.
    pub async fn holds(&mut self) -> bool {
        match &mut self.session {
            None => true,
            Some(conn) => sqlx::query("SELECT 1").execute(&mut *conn).await.is_ok(),
        }
    }
}

/// Why the store's use lock was not taken.
enum Refused {
    /// Another process holds the SQLite file's lock; what its lock file says of it.
    File { db: PathBuf, holder: Option<String> },
    /// The advisory lock is held in the other mode; the session that asked.
    Session(AnyConnection),
}

impl Refused {
    fn holder(holder: &Option<String>) -> String {
        holder
            .as_ref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    }
}

impl Store {
    /// Claims the store for a running server.
    ///
    /// SQLite: refused while another process holds the database file's lock (the
    /// message names its pid). PostgreSQL: shared with other servers, refused while a
    /// rebuild holds the store.
    pub async fn claim_for_server(&self) -> Result<ServerClaim, ClaimError> {
        match self.use_lock(true).await? {
            Ok(held) => Ok(ServerClaim { _held: held }),
            Err(Refused::File { db, holder }) => Err(ClaimError::InUse(format!(
                "the SQLite store {} is in use by another process{}: SQLite is a one-process \
                 store. Stop that process, or run several servers on PostgreSQL \
                 (--database-url)",
                db.display(),
                Refused::holder(&holder),
            ))),
            Err(Refused::Session(_)) => Err(ClaimError::InUse(format!(
                "{} is held for maintenance (a `weft rebuild` is running); start the server \
                 once it has finished",
                self.describe()
            ))),
        }
    }

    /// Claims the store alone, for maintenance that rewrites what servers cache.
    /// Refused while any server holds its claim; the message says how many and where.
    pub async fn claim_for_maintenance(&self) -> Result<MaintenanceClaim, ClaimError> {
        match self.use_lock(false).await? {
            Ok(held) => Ok(MaintenanceClaim { _held: held }),
            Err(Refused::File { db, holder }) => Err(ClaimError::InUse(format!(
                "the SQLite store {} is in use by a running server{}; stop it first",
                db.display(),
                Refused::holder(&holder),
            ))),
            Err(Refused::Session(mut conn)) => {
                let holders = lock_holders(&mut conn, USE_LOCK_KEY).await?;
                Err(ClaimError::InUse(format!(
                    "{} is in use by {} running server(s){}; stop them first",
                    self.describe(),
                    holders.len().max(1),
                    if holders.is_empty() {
                        String::new()
                    } else {
                        format!(" (connected from {})", holders.join(", "))
                    }
                )))
            }
        }
    }

    /// Takes the store's use lock, `shared` among servers or alone. SQLite has only the
    /// exclusive form: one process at a time, whatever it does.
    async fn use_lock(&self, shared: bool) -> Result<Result<Held, Refused>, ClaimError> {
        match self.backend {
            Backend::Sqlite => Ok(match self.sqlite_files() {
                Some((db, lock)) => match lock_file(&lock) {
                    Ok(file) => Ok(Held::File { _file: file }),
                    Err(holder) => Err(Refused::File { db, holder }),
                },
                None => Ok(Held::Nothing),
            }),
            Backend::Postgres => {
                let mut conn = self.session().await?;
                let sql = if shared {
                    "SELECT pg_try_advisory_lock_shared($1)"
                } else {
                    "SELECT pg_try_advisory_lock($1)"
                };
                let got: bool = sqlx::query(sql)
                    .bind(USE_LOCK_KEY)
                    .fetch_one(&mut conn)
                    .await?
                    .try_get(0)?;
                Ok(if got {
                    Ok(Held::Session { _conn: conn })
                } else {
                    Err(Refused::Session(conn))
                })
            }
        }
    }

    /// Tries to become the leader among the servers on this store: `None` while another
    /// holds the lease. On SQLite the lease is always granted (one process).
    pub async fn try_lead(&self) -> Result<Option<LeaderLease>, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(Some(LeaderLease { session: None })),
            Backend::Postgres => {
                let mut conn = self.session().await?;
                let got: bool = sqlx::query("SELECT pg_try_advisory_lock($1)")
                    .bind(LEADER_LOCK_KEY)
                    .fetch_one(&mut conn)
                    .await?
                    .try_get(0)?;
                Ok(got.then_some(LeaderLease {
                    session: Some(conn),
                }))
            }
        }
    }

    /// A connection of its own for a session-level lock, outside the pool.
    async fn session(&self) -> Result<AnyConnection, sqlx::Error> {
        AnyConnection::connect(&self.url).await
    }

    /// The SQLite database file and the lock file beside it; `None` for an in-memory
    /// database.
    fn sqlite_files(&self) -> Option<(PathBuf, PathBuf)> {
        let rest = self
            .url
            .strip_prefix("sqlite://")
            .or_else(|| self.url.strip_prefix("sqlite:"))?;
        let file = rest.split('?').next().unwrap_or(rest);
        if file.is_empty() || file == ":memory:" {
            return None;
        }
        let mut lock = Path::new(file).as_os_str().to_owned();
        lock.push(".lock");
        Some((PathBuf::from(file), PathBuf::from(lock)))
    }
}

/// Locks `path` exclusively (created if needed) and writes this process's id into it;
/// on refusal, what the file says about the holder.
fn lock_file(path: &Path) -> Result<File, Option<String>> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Some(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for the message the next process gets; best effort.
            let _ = file
                .set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| write!(file, "pid {}", std::process::id()))
                .and_then(|()| file.flush());
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            Err((!holder.is_empty()).then(|| holder.to_owned()))
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Some(format!("cannot lock {}: {e}", path.display())))
        }
    }
}

/// Where the sessions holding advisory lock `key` in this database connect from
/// (`pg_locks` lists every database's locks).
async fn lock_holders(conn: &mut AnyConnection, key: i64) -> Result<Vec<String>, sqlx::Error> {
    // A bigint key is split into `classid` (high half) and `objid` (low half).
    let rows = sqlx::query(
        "SELECT COALESCE(host(a.client_addr), 'local socket') || ' pid ' || a.pid::text \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           AND l.classid::bigint = $1 AND l.objid::bigint = $2 ORDER BY a.pid",
    )
    .bind(key >> 32)
    .bind(key & 0xffff_ffff)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| r.try_get::<String, _>(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_file_is_refused_with_the_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weft.db.lock");
        let first = lock_file(&path).expect("first lock");
        let refused = lock_file(&path).expect_err("second lock refused");
        assert_eq!(refused, Some(format!("pid {}", std::process::id())));
        drop(first);
        assert!(lock_file(&path).is_ok(), "free again once dropped");
    }
}
