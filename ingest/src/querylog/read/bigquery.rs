//! BigQuery `INFORMATION_SCHEMA.JOBS`.

use serde_json::Value;

use super::fields::*;
use super::framing::*;
use crate::querylog::{QueryRecord, TableAccess};

pub(super) fn record(row: &Row) -> Result<Option<QueryRecord>, String> {
    if let Some(t) = text(row, &["job_type"])
        && !t.eq_ignore_ascii_case("QUERY")
    {
        return Ok(None);
    }
    let statement = text(row, &["statement_type"]).unwrap_or_default();
    // A script's parent job repeats the statements its child jobs log one by one.
    if statement.eq_ignore_ascii_case("SCRIPT") {
        return Ok(None);
    }
    let project = text(row, &["project_id"]);
    let id = text(row, &["job_id"]).map(|j| match &project {
        Some(p) => format!("{p}:{j}"),
        None => j,
    });
    let failed = match json(row, "error_result") {
        None => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
    };
    let (default_project, default_dataset) = match json(row, "default_dataset") {
        Some(Value::Object(m)) => (
            m.get("project_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            m.get("dataset_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
        _ => (None, text(row, &["default_dataset", "default_dataset_id"])),
    };
    let table = |v: &Value| -> Option<TableAccess> {
        let p = v.get("project_id")?.as_str()?;
        let d = v.get("dataset_id")?.as_str()?;
        let t = v.get("table_id")?.as_str()?;
        Some(TableAccess {
            name: format!("{p}.{d}.{t}"),
            columns: Vec::new(),
        })
    };
    let reads = match json(row, "referenced_tables") {
        Some(Value::Array(items)) => items.iter().filter_map(table).collect(),
        _ => Vec::new(),
    };
    // Every query has a destination; a SELECT's is an anonymous table in a hidden
    // (`_`-prefixed) dataset, which is not a write anyone cares about.
    let writes = json(row, "destination_table")
        .as_ref()
        .and_then(table)
        .filter(|t| {
            let dataset = t.name.split('.').nth(1).unwrap_or("");
            !dataset.starts_with('_') && !statement.eq_ignore_ascii_case("SELECT")
        })
        .into_iter()
        .collect();
    Ok(Some(QueryRecord {
        id,
        query: query(row, &["query"])?,
        user: text(row, &["user_email"]),
        start_time: time(row, &["start_time", "creation_time"])?,
        database: default_project.or(project),
        schema: default_dataset,
        dialect: Some("bigquery".into()),
        calls: 1,
        failed,
        reads,
        writes,
    }))
}
