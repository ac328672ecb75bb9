//! Weft's generic JSON lines (`jsonl`).

use serde_json::Value;

use super::calls;
use super::fields::*;
use super::framing::*;
use crate::querylog::QueryRecord;

pub(super) fn record(row: &Row) -> Result<QueryRecord, String> {
    let failed = match row.get("failed") {
        Some(Value::Bool(b)) => *b,
        _ => text(row, &["status"]).is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.starts_with("fail") || s == "error"
        }),
    };
    Ok(QueryRecord {
        id: text(row, &["id", "query_id"]),
        query: query(row, &["query"])?,
        user: text(row, &["user"]),
        start_time: time(row, &["start_time"])?,
        database: text(row, &["database"]),
        schema: text(row, &["schema"]),
        dialect: text(row, &["dialect"]),
        calls: calls(row)?,
        failed,
        reads: Vec::new(),
        writes: Vec::new(),
    })
}
