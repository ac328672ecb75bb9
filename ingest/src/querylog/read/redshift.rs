//! Redshift `SYS_QUERY_HISTORY`.

use super::calls;
use super::fields::*;
use super::framing::*;
use crate::querylog::QueryRecord;

pub(super) fn record(row: &Row) -> Result<QueryRecord, String> {
    let status = text(row, &["status"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    Ok(QueryRecord {
        id: text(row, &["query_id"]),
        query: query(row, &["query_text"])?,
        user: text(row, &["usename", "user_name", "user_id"]),
        start_time: time(row, &["start_time", "end_time"])?,
        database: text(row, &["database_name"]),
        // SYS_QUERY_HISTORY has no schema: the default search path starts at `public`.
        schema: text(row, &["schema_name"]).or_else(|| Some("public".into())),
        dialect: Some("redshift".into()),
        calls: calls(row)?,
        failed: status.starts_with("fail") || status.contains("cancel") || status.contains("abort"),
        reads: Vec::new(),
        writes: Vec::new(),
    })
}
