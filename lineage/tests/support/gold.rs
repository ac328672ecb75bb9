//! Predictions for the column-lineage gold corpus (`corpus/lineage-gold` of the external
//! corpora), in the format its `score_lineage.py` reads. Shared by the `gold_predict`
//! example (which the bench script runs) and the `gold` test (which asserts the floor).
//!
//! Gold lists, per output column, every source column the expression reads, so it maps
//! onto Weft's field-level edges: DIRECT ones plus the per-field INDIRECT ones
//! (CONDITIONAL, WINDOW, …). Dataset-level edges are not in it.

use serde_json::{Value, json};
use weft_lineage::{Dialect, NoSchema, Options, SchemaProvider, SchemaSnapshot, analyze};

/// Gold's dialect labels → Weft's dialects.
pub fn dialect(label: &str) -> Dialect {
    match label {
        "ansi" | "sqlglot" | "oracle" => Dialect::Generic,
        other => other.parse().unwrap_or(Dialect::Generic),
    }
}

/// One prediction line for one gold case.
pub fn predict(case: &Value) -> Value {
    let id = case["id"].clone();
    let sql = case["sql"].as_str().unwrap_or_default();
    let options = Options {
        dialect: dialect(case["dialect"].as_str().unwrap_or("ansi")),
        default_database: case["default_db"].as_str().map(str::to_owned),
        default_schema: case["default_schema"].as_str().map(str::to_owned),
        ..Options::default()
    };
    let snapshot = match case.get("schema") {
        Some(s) if s.is_object() => SchemaSnapshot::from_json(&s.to_string()).ok(),
        _ => None,
    };
    let schema: &dyn SchemaProvider = match &snapshot {
        Some(s) => s,
        None => &NoSchema,
    };
    let script = analyze(sql, &options, schema);
    let mut lineage = Vec::new();
    for l in script.lineages() {
        for c in &l.columns {
            let target = match &c.dataset {
                Some(d) => format!("{d}.{}", c.column),
                None => c.column.clone(),
            };
            let mut sources: Vec<String> = c
                .inputs
                .iter()
                .map(|i| format!("{}.{}", i.dataset, i.column))
                .collect();
            sources.sort();
            sources.dedup();
            if !sources.is_empty() {
                lineage.push(json!({"target": target, "sources": sources}));
            }
        }
    }
    let mut out = json!({"id": id, "lineage": lineage});
    if script.lineages().next().is_none()
        && let Some(e) = script.errors().next()
    {
        out["error"] = json!(e.to_string());
    }
    out
}
