//! Snowflake `QUERY_HISTORY`, optionally joined with `ACCESS_HISTORY`.

use serde_json::Value;

use super::calls;
use super::fields::*;
use super::framing::*;
use crate::querylog::{QueryRecord, TableAccess};

pub(super) fn record(row: &Row) -> Result<QueryRecord, String> {
    let status = text(row, &["execution_status"])
        .unwrap_or_default()
        .to_ascii_uppercase();
    let error = text(row, &["error_code"]).is_some();
    Ok(QueryRecord {
        id: text(row, &["query_id"]),
        query: query(row, &["query_text"])?,
        user: text(row, &["user_name"]),
        start_time: time(row, &["start_time", "end_time"])?,
        database: text(row, &["database_name"]),
        schema: text(row, &["schema_name"]),
        dialect: Some("snowflake".into()),
        calls: calls(row)?,
        failed: error
            || status.starts_with("FAIL")
            || status == "INCIDENT"
            || status.contains("CANCEL")
            || status.contains("ABORT"),
        reads: snowflake_objects(row, "direct_objects_accessed"),
        writes: snowflake_objects(row, "objects_modified"),
    })
}

/// `ACCESS_HISTORY` object lists: `[{objectName, objectDomain, columns: [{columnName}]}]`.
/// Stages, functions and the like are not datasets and are left out.
pub(super) fn snowflake_objects(row: &Row, key: &str) -> Vec<TableAccess> {
    let Some(Value::Array(items)) = json(row, key) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|o| {
            let name = o.get("objectName")?.as_str()?;
            let domain = o
                .get("objectDomain")
                .and_then(Value::as_str)
                .unwrap_or("Table")
                .to_ascii_lowercase();
            if !(domain.contains("table") || domain.contains("view") || domain == "stream") {
                return None;
            }
            let columns = o
                .get("columns")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| c.get("columnName")?.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            Some(TableAccess {
                name: name.to_owned(),
                columns,
            })
        })
        .collect()
}
