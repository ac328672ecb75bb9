//! What a check found, as one value, and its JSON form (version 1):
//! `{"version":1,"summary":{"deny","warn"},"models":[{"name","file","status","dataset","changes"}],
//! "findings":[{"policy","severity","message","dataset","column","file","line","column_number","path"}],
//! "truncated":[{"section","shown","total"}],"notes":[…]}`.
//!
//! The Markdown and SARIF forms ([`crate::markdown`], [`crate::sarif`]) render the same
//! value, so the three never disagree. Lists are capped at `max_items` per section when
//! the report is built, and every cap is stated in `truncated`.

use serde::Serialize;
use weft_policy::Severity;
use weft_policy::input::{ChangeInput, HopInput};

/// The JSON report's version.
pub const REPORT_VERSION: u32 = 1;

/// The result of `weft check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// Counts of findings (all of them, also those not listed).
    pub summary: Summary,
    /// Each changed model (or SQL target) with its changes.
    pub models: Vec<ModelReport>,
    /// Findings, deny first.
    pub findings: Vec<FindingReport>,
    /// Sections cut at `max_items`.
    pub truncated: Vec<Truncation>,
    /// What the check could not resolve (unknown tables, ambiguous names), for a person.
    pub notes: Vec<String>,
    /// Where the catalog came from: the snapshot's export time and log position.
    pub catalog: CatalogInfo,
    /// The policies evaluated (name → whether built in), for SARIF's rules.
    #[serde(skip)]
    pub policies: Vec<(String, String)>,
}

/// The snapshot a check ran against.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogInfo {
    /// When it was exported.
    pub exported_at: Option<String>,
    /// The log position it reflects.
    pub log_position: Option<i64>,
    /// Datasets in it.
    pub datasets: usize,
}

/// Finding counts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Blocking findings.
    pub deny: usize,
    /// Warnings.
    pub warn: usize,
}

/// One changed model.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// Model name (or dataset name for SQL files).
    pub name: String,
    /// Its source file.
    pub file: Option<String>,
    /// `added`, `modified`, or `unverified` when its SQL could not be analysed.
    pub status: String,
    /// The catalog dataset it writes (`namespace/name`).
    pub dataset: String,
    /// The change, in the policy input's shape.
    pub changes: ChangeInput,
}

/// One finding, located.
#[derive(Debug, Clone, Serialize)]
pub struct FindingReport {
    /// The policy (`sql_parse` for SQL that does not parse).
    pub policy: String,
    /// `deny` or `warn`.
    pub severity: Severity,
    /// What the policy said.
    pub message: String,
    /// The dataset (`namespace/name`).
    pub dataset: String,
    /// The column, when the finding is about one.
    pub column: Option<String>,
    /// The file to fix.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<u64>,
    /// 1-based column in `file`.
    pub column_number: Option<u64>,
    /// The lineage path concerned, upstream first.
    pub path: Vec<HopInput>,
}

/// A section cut short.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Truncation {
    /// Which list (`findings`, `models`, `<model>.removed_columns.<column>.consumers`…).
    pub section: String,
    /// Items listed.
    pub shown: usize,
    /// Items there were.
    pub total: usize,
}

impl CheckReport {
    /// Whether any finding blocks the change (exit code 1).
    pub fn blocked(&self) -> bool {
        self.summary.deny > 0
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"report not serialisable: {e}\"}}"))
    }
}

/// Cuts `items` to `max`, stating the cut in `truncated`.
pub fn cap<T>(items: &mut Vec<T>, max: usize, section: String, truncated: &mut Vec<Truncation>) {
    if items.len() > max {
        truncated.push(Truncation {
            section,
            shown: max,
            total: items.len(),
        });
        items.truncate(max);
    }
}

/// Caps every list of a change (consumers per column, flows, inputs).
pub fn cap_change(
    change: &mut ChangeInput,
    model: &str,
    max: usize,
    truncated: &mut Vec<Truncation>,
) {
    for (kind, list) in [
        ("removed_columns", &mut change.removed_columns),
        ("renamed_columns", &mut change.renamed_columns),
        ("type_changes", &mut change.type_changes),
    ] {
        for c in list.iter_mut() {
            cap(
                &mut c.consumers,
                max,
                format!("{model}.{kind}.{}.consumers", c.column),
                truncated,
            );
        }
        cap(list, max, format!("{model}.{kind}"), truncated);
    }
    cap(
        &mut change.edge_changes,
        max,
        format!("{model}.edge_changes"),
        truncated,
    );
    cap(
        &mut change.new_inputs,
        max,
        format!("{model}.new_inputs"),
        truncated,
    );
    cap(
        &mut change.new_pii_flows,
        max,
        format!("{model}.new_pii_flows"),
        truncated,
    );
}
