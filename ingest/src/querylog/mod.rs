//! Query logs → usage and lineage.
//!
//! Warehouses keep a log of every statement they ran (Snowflake `QUERY_HISTORY`,
//! BigQuery `INFORMATION_SCHEMA.JOBS`, Redshift `SYS_QUERY_HISTORY`). Exported, those logs
//! say which tables and columns are actually used, by whom, and which statements move
//! data from one table to another. This module reads such exports ([`read_log`]),
//! reduces each statement to its shape ([`normalize`]), analyses every shape once with
//! [`weft_lineage`] and counts usage per dataset, column and day ([`Processor`]).
//!
//! It is pure: no I/O beyond the reader it is handed, no store. The server's crawl
//! command feeds it and applies what [`Output`] holds (usage batches, job events).
//!
//! ```
//! use weft_ingest::querylog::{read_log, Format, Naming, Processor, ProcessorOptions};
//!
//! let log = r#"{"query": "SELECT id FROM orders WHERE email = 'ann@example.com'", "user": "ann", "database": "shop", "schema": "public", "start_time": "2024-05-01T10:00:00Z"}
//! {"query": "SELECT id FROM orders WHERE email = 'bob@example.com'", "user": "bob", "database": "shop", "schema": "public", "start_time": "2024-05-01T11:00:00Z"}"#;
//! let mut p = Processor::new(ProcessorOptions {
//!     source: "pg-main".into(),
//!     namespace: "postgres://db:5432".into(),
//!     naming: Naming::postgres(),
//!     dialect: "postgres".into(),
//!     keep_raw: false,
//!     default_database: None,
//!     default_schema: None,
//! });
//! for rec in read_log(Format::Jsonl, log.as_bytes()) {
//!     p.add(&rec.unwrap());
//! }
//! let out = p.finish();
//! assert_eq!(out.summary.shapes, 1);
//! let orders = out.batches[0].usage.iter()
//!     .find(|u| u.name == "shop.public.orders" && u.column.is_empty()).unwrap();
//! assert_eq!((orders.reads, orders.users.len()), (2, 2));
//! ```

mod normalize;
mod process;
mod read;

pub use normalize::{
    NormalizeOptions, Normalized, Placeholder, fingerprint, normalize, normalize_with,
};
pub use process::{
    Case, KnownTable, MAX_KEYS_PER_BATCH, Naming, Output, Processor, ProcessorOptions, Summary,
};
pub use read::{Format, RecordError, UnknownFormat, parse_time, read_log};

use sha2::{Digest, Sha256};

/// One logged execution of a statement, whatever the log's format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryRecord {
    /// The vendor's id of the execution (query id, job id), when the log has one.
    pub id: Option<String>,
    /// The statement as logged.
    pub query: String,
    /// Who ran it.
    pub user: Option<String>,
    /// When it started, microseconds since the epoch (UTC).
    pub start_time: Option<i64>,
    /// The session's current database (BigQuery: the project).
    pub database: Option<String>,
    /// The session's current schema (BigQuery: the default dataset).
    pub schema: Option<String>,
    /// The SQL dialect, when the log says; the processor's default otherwise.
    pub dialect: Option<String>,
    /// Executions this record stands for: 1 for a log line, more for aggregated sources
    /// such as `pg_stat_statements`.
    pub calls: u64,
    /// The log says the execution failed: counted in the summary, never as usage.
    pub failed: bool,
    /// Tables the vendor itself says the execution read (Snowflake `ACCESS_HISTORY`,
    /// BigQuery `referenced_tables`). Counted in addition to what the parse finds,
    /// because the vendor sees through views and `SELECT *` that the parse cannot.
    pub reads: Vec<TableAccess>,
    /// Tables the vendor says the execution wrote (`OBJECTS_MODIFIED`,
    /// `destination_table`).
    pub writes: Vec<TableAccess>,
}

/// A table (and some of its columns) a log's own access records name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableAccess {
    /// The name as the vendor writes it, usually fully qualified (`DB.SCHEMA.TABLE`,
    /// `project.dataset.table`).
    pub name: String,
    /// Columns, when the vendor lists them.
    pub columns: Vec<String>,
}

impl QueryRecord {
    /// A record of one successful execution of `query`, for callers that build records
    /// themselves.
    pub fn new(query: impl Into<String>) -> Self {
        QueryRecord {
            query: query.into(),
            calls: 1,
            ..QueryRecord::default()
        }
    }

    /// A stable key (32 hex digits) of this execution within `source`: from the vendor's
    /// id when there is one, else from the start time, user and text. Overlapping
    /// exports give the same key for the same execution, so it is counted once.
    ///
    /// Without an id or a start time, two runs of the same text by the same user share
    /// a key: such logs cannot tell them apart.
    pub fn key(&self, source: &str) -> String {
        normalize::hex(&self.key_bytes(source))
    }

    pub(crate) fn key_bytes(&self, source: &str) -> [u8; 16] {
        let mut h = Sha256::new();
        h.update(source.as_bytes());
        h.update([0x1f]);
        match &self.id {
            Some(id) if !id.is_empty() => {
                h.update(b"id\x1f");
                h.update(id.as_bytes());
            }
            _ => {
                h.update(b"run\x1f");
                h.update(self.start_time.unwrap_or(i64::MIN).to_le_bytes());
                h.update([0x1f]);
                h.update(self.user.as_deref().unwrap_or("").as_bytes());
                h.update([0x1f]);
                h.update(self.query.as_bytes());
            }
        }
        let digest = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_vendor_id_else_the_run() {
        let mut a = QueryRecord::new("SELECT 1");
        a.id = Some("01b2".into());
        let mut b = a.clone();
        b.query = "SELECT 2".into();
        assert_eq!(a.key("s"), b.key("s"));
        assert_ne!(a.key("s"), a.key("t"));
        let mut c = QueryRecord::new("SELECT 1");
        c.start_time = Some(1);
        let mut d = c.clone();
        assert_eq!(c.key("s"), d.key("s"));
        d.start_time = Some(2);
        assert_ne!(c.key("s"), d.key("s"));
        assert_eq!(c.key("s").len(), 32);
    }
}
