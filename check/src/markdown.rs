//! The report as Markdown, for a pull-request comment: a summary line, the findings
//! (deny first), then per changed model its column changes with their consumers and
//! its new PII flows with their paths.

use std::fmt::Write;

use weft_policy::Severity;
use weft_policy::input::{ColumnChange, ConsumerInput, HopInput, OwnerInput};

use crate::report::CheckReport;

/// Escapes text for a table cell or a line of Markdown.
fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn owners(list: &[OwnerInput]) -> String {
    if list.is_empty() {
        return "no owner".to_owned();
    }
    list.iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn consumer(c: &ConsumerInput) -> String {
    let column = if c.column.is_empty() {
        "(whole dataset: filter or join)".to_owned()
    } else {
        format!("`{}`", esc(&c.column))
    };
    format!(
        "`{}` {column}, tier {}, owners: {}",
        esc(&c.dataset),
        c.tier.as_deref().unwrap_or("none"),
        esc(&owners(&c.owners))
    )
}

/// A path as `ns/a.col (tag) → ns/b.col (tag, rule)`.
pub fn path(hops: &[HopInput]) -> String {
    hops.iter()
        .map(|h| match &h.transformation {
            Some(t) => format!(
                "`{}.{}` ({}; {})",
                esc(&h.dataset),
                esc(&h.column),
                esc(&h.tag),
                esc(t)
            ),
            None => format!("`{}.{}` ({})", esc(&h.dataset), esc(&h.column), esc(&h.tag)),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn columns(out: &mut String, title: &str, list: &[ColumnChange]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**{title}**\n");
    for c in list {
        let mut head = format!("- `{}`", esc(&c.column));
        if let Some(n) = &c.new_name {
            let _ = write!(head, " → `{}`", esc(n));
        }
        match (&c.old_type, &c.new_type) {
            (Some(a), Some(b)) if c.new_name.is_none() => {
                let _ = write!(head, ": `{}` → `{}`", esc(a), esc(b));
            }
            (Some(a), None) => {
                let _ = write!(head, " (`{}`)", esc(a));
            }
            _ => {}
        }
        if c.consumers.is_empty() {
            head.push_str(": no consumer in the catalog");
        } else {
            let _ = write!(head, ": read by {} consumer(s)", c.consumers.len());
        }
        let _ = writeln!(out, "{head}");
        for k in &c.consumers {
            let _ = writeln!(out, "  - {}", consumer(k));
        }
    }
}

/// Renders the report.
pub fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    let s = report.summary;
    let verdict = if s.deny > 0 { "blocked" } else { "passed" };
    let _ = writeln!(
        out,
        "## weft check: {verdict} ({} deny, {} warn, {} model(s) checked)\n",
        s.deny,
        s.warn,
        report.models.len()
    );
    if let Some(at) = &report.catalog.exported_at {
        let _ = writeln!(
            out,
            "Against the catalog snapshot exported at {at} (log position {}, {} datasets).\n",
            report.catalog.log_position.unwrap_or(0),
            report.catalog.datasets
        );
    }
    if !report.findings.is_empty() {
        let _ = writeln!(
            out,
            "| severity | policy | dataset | column | message | location |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for f in &report.findings {
            let severity = match f.severity {
                Severity::Deny => "**deny**",
                Severity::Warn => "warn",
            };
            let location = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("`{}:{line}`", esc(file)),
                (Some(file), None) => format!("`{}`", esc(file)),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "| {severity} | {} | `{}` | {} | {} | {location} |",
                esc(&f.policy),
                esc(&f.dataset),
                f.column
                    .as_deref()
                    .map(|c| format!("`{}`", esc(c)))
                    .unwrap_or_default(),
                esc(&f.message)
            );
        }
    }
    for m in &report.models {
        let file = m
            .file
            .as_deref()
            .map(|f| format!(" — `{}`", esc(f)))
            .unwrap_or_default();
        let _ = writeln!(out, "\n### `{}` ({}){file}\n", esc(&m.name), m.status);
        let _ = writeln!(out, "Writes `{}`.", esc(&m.dataset));
        let c = &m.changes;
        columns(&mut out, "Removed columns", &c.removed_columns);
        columns(&mut out, "Renamed columns", &c.renamed_columns);
        columns(&mut out, "Type changes", &c.type_changes);
        if !c.edge_changes.is_empty() {
            let _ = writeln!(out, "\n**Lineage changes**\n");
            for e in &c.edge_changes {
                let _ = writeln!(
                    out,
                    "- `{}` from `{}`: {} → {}",
                    esc(&e.column),
                    esc(&e.input),
                    esc(&e.before),
                    esc(&e.after)
                );
            }
        }
        if !c.new_inputs.is_empty() {
            let _ = writeln!(out, "\n**New inputs**\n");
            for i in &c.new_inputs {
                let _ = writeln!(out, "- `{}`", esc(i));
            }
        }
        if !c.new_pii_flows.is_empty() {
            let _ = writeln!(out, "\n**New PII flows**\n");
            for f in &c.new_pii_flows {
                let _ = writeln!(
                    out,
                    "- `{}` gets `{}`: {}",
                    esc(&f.column),
                    esc(&f.tag),
                    path(&f.path)
                );
            }
        }
    }
    if !report.truncated.is_empty() {
        let _ = writeln!(
            out,
            "\n**Lists cut short** (raise `--max-items` to see more):\n"
        );
        for t in &report.truncated {
            let _ = writeln!(
                out,
                "- {}: {} of {} shown",
                esc(&t.section),
                t.shown,
                t.total
            );
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} note(s) from the analysis</summary>\n",
            report.notes.len()
        );
        for n in &report.notes {
            let _ = writeln!(out, "- {}", esc(n));
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}
