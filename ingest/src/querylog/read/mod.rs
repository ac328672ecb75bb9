//! Readers for exported query logs.
//!
//! Each vendor's export is read by its documented column names (Snowflake and Redshift
//! views spell them in upper case, BigQuery in lower; either case is accepted) into
//! [`QueryRecord`]s. A line that cannot be read is a [`RecordError`] with its line
//! number and the rest still reads: one bad line must not cost a whole crawl.
//!
//! CSV is read by a small RFC 4180 reader (quoted fields with `""` escapes and line
//! breaks), which keeps line numbers for errors and needs no extra dependency. JSON is
//! either one object per line or a single array; an array is parsed whole, so a syntax
//! error in it is one error for the whole array.
//!
//! One file per vendor (`snowflake.rs`, `bigquery.rs`, `redshift.rs`, `generic.rs`) maps
//! a row to a record; `framing.rs` cuts an export into rows and `fields.rs` reads cells.

mod bigquery;
mod fields;
mod framing;
mod generic;
mod redshift;
mod snowflake;
#[cfg(test)]
mod tests;

use std::io::BufRead;
use std::str::FromStr;

use crate::querylog::QueryRecord;
use fields::text;
use framing::{LogReader, Row, State};

pub use fields::parse_time;

/// The export formats [`read_log`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Snowflake `QUERY_HISTORY` (optionally joined with `ACCESS_HISTORY`), CSV or JSON.
    Snowflake,
    /// BigQuery `INFORMATION_SCHEMA.JOBS`, JSON lines or a JSON array.
    BigQuery,
    /// Redshift `SYS_QUERY_HISTORY`, CSV or JSON.
    Redshift,
    /// Weft's generic JSON lines: `{"query", "user", "start_time", "database", "schema",
    /// "dialect"}`.
    Jsonl,
}

/// A format name [`Format::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown query log format `{0}` (known: snowflake, bigquery, redshift, jsonl)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "snowflake" => Ok(Format::Snowflake),
            "bigquery" => Ok(Format::BigQuery),
            "redshift" => Ok(Format::Redshift),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

impl Format {
    /// The dialect statements of this log are written in, when the format implies one.
    pub fn dialect(self) -> Option<&'static str> {
        match self {
            Format::Snowflake => Some("snowflake"),
            Format::BigQuery => Some("bigquery"),
            Format::Redshift => Some("redshift"),
            Format::Jsonl => None,
        }
    }
}

/// A line (or record) of a log that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RecordError {
    /// 1-based line where the record starts.
    pub line: u64,
    /// What was wrong.
    pub message: String,
}

/// Reads a log export, one [`QueryRecord`] per execution.
///
/// Snowflake and Redshift exports may be CSV (with a header) or JSON; the first
/// non-space byte decides (`[` or `{` is JSON). Rows a format says to skip (BigQuery jobs
/// that are not queries, script parents) yield nothing.
pub fn read_log<R: BufRead>(
    format: Format,
    input: R,
) -> impl Iterator<Item = Result<QueryRecord, RecordError>> {
    LogReader {
        format,
        input,
        line: 0,
        state: State::Detect,
        buf: String::new(),
    }
}

pub(super) fn map_row(format: Format, row: &Row) -> Result<Option<QueryRecord>, String> {
    match format {
        Format::Snowflake => snowflake::record(row).map(Some),
        Format::BigQuery => bigquery::record(row),
        Format::Redshift => redshift::record(row).map(Some),
        Format::Jsonl => generic::record(row).map(Some),
    }
}

pub(super) fn calls(row: &Row) -> Result<u64, String> {
    match text(row, &["calls"]) {
        None => Ok(1),
        Some(c) => c.parse().map_err(|_| format!("bad calls `{c}`")),
    }
}
