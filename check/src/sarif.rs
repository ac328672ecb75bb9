//! The report as SARIF 2.1.0, for code-scanning uploads: one run, tool `weft` with one
//! rule per policy, each finding a result located in the changed model's SQL file (at
//! the line of the column's expression when known, else line 1).

use serde_json::{Value, json};
use weft_policy::Severity;

use crate::report::CheckReport;

/// The SARIF schema this output follows.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the report.
pub fn render(report: &CheckReport) -> String {
    let mut rules: Vec<(String, String)> = report.policies.clone();
    for f in &report.findings {
        if !rules.iter().any(|(name, _)| *name == f.policy) {
            rules.push((f.policy.clone(), String::new()));
        }
    }
    let index = |policy: &str| rules.iter().position(|(name, _)| name == policy);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut text = format!("{} ({})", f.message, f.dataset);
            if let Some(c) = &f.column {
                text = format!("{}: column {c} ({})", f.message, f.dataset);
            }
            let mut result = json!({
                "ruleId": f.policy,
                "level": match f.severity { Severity::Deny => "error", Severity::Warn => "warning" },
                "message": {"text": text},
            });
            if let Some(i) = index(&f.policy) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(file) = &f.file {
                let mut region = json!({"startLine": f.line.unwrap_or(1).max(1)});
                if let Some(c) = f.column_number {
                    region["startColumn"] = json!(c.max(1));
                }
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file},
                        "region": region,
                    }
                }]);
            }
            result
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|(name, file)| {
            let mut r = json!({
                "id": name,
                "name": name,
                "shortDescription": {"text": description(name)},
            });
            if !file.is_empty() {
                r["properties"] = json!({"file": file});
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "weft",
                "informationUri": "https://github.com/weft-catalog/weft",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn description(policy: &str) -> String {
    match policy {
        "sql_parse" => "SQL that does not parse: the change cannot be verified".to_owned(),
        other => format!("weft policy {other}"),
    }
}
