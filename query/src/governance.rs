//! Governed attributes set in bulk from a file: classification, retention, tier and
//! owners for many datasets at once (`POST /api/v1/governance`, `weft govern apply`).
//!
//! A file is CSV with a header line naming its columns (`namespace,name,classification,
//! retention,tier,owners`, any order, `namespace` and `name` required) or JSON lines
//! (one object per line with the same keys, `owners` a list). An empty cell, an absent
//! key or `null` leaves the attribute as it is. Owners in a CSV cell are separated by
//! `;` (`user:alice;team:data`).
//!
//! Every line is checked, and every dataset looked up, before anything is written: one
//! bad line and nothing is applied, and the error names the line and the field. Each row
//! then becomes one `catalog.edit` per attribute it changes, so a file applied twice
//! writes nothing the second time.

use std::collections::BTreeSet;

use serde_json::Value;
use weft_schemas::change::{CatalogEdit, Edit, EditOwner, MetadataChange};
use weft_schemas::governance::{GovernanceError, Retention, check_classification};
use weft_store::Store;

use crate::{QueryError, Result};

/// One line of a governance file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovernanceRow {
    /// 1-based line in the file.
    pub line: usize,
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub name: String,
    /// Classification, lower case, one of the allowed set.
    pub classification: Option<String>,
    /// Retention, canonical (`P30D`, `none`).
    pub retention: Option<String>,
    /// Tier, lower case.
    pub tier: Option<String>,
    /// Owners (replacing the current ones).
    pub owners: Option<Vec<String>>,
}

/// What applying a file did.
#[derive(Debug, Clone, Default)]
pub struct Planned {
    /// Rows read.
    pub rows: usize,
    /// Rows that change nothing (their values are what the catalog shows).
    pub unchanged: usize,
    /// The edits to record, in file order.
    pub changes: Vec<MetadataChange>,
}

const COLUMNS: [&str; 6] = [
    "namespace",
    "name",
    "classification",
    "retention",
    "tier",
    "owners",
];

/// A bad line: `field` is the column to blame, or `line` for the line as a whole.
fn at_line(line: usize, field: &str, message: impl std::fmt::Display) -> QueryError {
    let (path, message) = if field == "line" {
        (format!("line {line}"), format!("line {line}: {message}"))
    } else {
        (
            format!("line {line}.{field}"),
            format!("line {line}, {field}: {message}"),
        )
    };
    QueryError::BadInput {
        field: Some(path),
        message,
    }
}

/// A tier is one word, as `setTier` takes it.
pub fn check_tier(raw: &str) -> std::result::Result<String, String> {
    let t = raw.trim().to_lowercase();
    if !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(t)
    } else {
        Err(format!(
            "`{raw}` is not a tier: one word (letters, digits, _ and -)"
        ))
    }
}

/// Reads and checks a governance file (CSV or JSON lines, told apart by the first
/// non-blank character: `{` is JSON lines).
pub fn parse(text: &str, allowed: &[String]) -> Result<Vec<GovernanceRow>> {
    let json = text.trim_start().starts_with('{');
    let mut rows = Vec::new();
    let mut header: Option<Vec<String>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || (!json && raw.trim_start().starts_with('#')) {
            continue;
        }
        let cells: Vec<(String, Value)> = if json {
            match serde_json::from_str::<Value>(raw) {
                Ok(Value::Object(m)) => m.into_iter().collect(),
                Ok(_) => return Err(at_line(line, "line", "not a JSON object")),
                Err(e) => return Err(at_line(line, "line", format!("not JSON: {e}"))),
            }
        } else {
            let cells = split_csv(raw).map_err(|m| at_line(line, "line", m))?;
            match &header {
                None => {
                    let names: Vec<String> =
                        cells.iter().map(|c| c.trim().to_lowercase()).collect();
                    for n in &names {
                        if !COLUMNS.contains(&n.as_str()) {
                            return Err(at_line(
                                line,
                                "header",
                                format!("unknown column `{n}` (known: {})", COLUMNS.join(", ")),
                            ));
                        }
                    }
                    for needed in ["namespace", "name"] {
                        if !names.iter().any(|n| n == needed) {
                            return Err(at_line(
                                line,
                                "header",
                                format!("the `{needed}` column is missing"),
                            ));
                        }
                    }
                    header = Some(names);
                    continue;
                }
                Some(h) => {
                    if cells.len() != h.len() {
                        return Err(at_line(
                            line,
                            "line",
                            format!("{} cells where the header has {}", cells.len(), h.len()),
                        ));
                    }
                    h.iter()
                        .cloned()
                        .zip(cells.into_iter().map(Value::String))
                        .collect()
                }
            }
        };
        rows.push(row(line, cells, allowed, json)?);
    }
    Ok(rows)
}

/// One line's cells, checked.
fn row(
    line: usize,
    cells: Vec<(String, Value)>,
    allowed: &[String],
    json: bool,
) -> Result<GovernanceRow> {
    let mut r = GovernanceRow {
        line,
        namespace: String::new(),
        name: String::new(),
        classification: None,
        retention: None,
        tier: None,
        owners: None,
    };
    let governed = |e: GovernanceError| at_line(line, e.field, e.message);
    for (key, value) in cells {
        let text = match &value {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Array(_) if key == "owners" && json => Some(String::new()),
            _ => return Err(at_line(line, &key, "must be a string")),
        };
        let Some(text) = text else { continue };
        match key.as_str() {
            "namespace" => r.namespace = text,
            "name" => r.name = text,
            "classification" => {
                r.classification = Some(check_classification(&text, allowed).map_err(governed)?)
            }
            "retention" => {
                r.retention = Some(Retention::parse(&text).map_err(governed)?.canonical())
            }
            "tier" => r.tier = Some(check_tier(&text).map_err(|m| at_line(line, "tier", m))?),
            "owners" => r.owners = Some(owners(line, &value)?),
            other => {
                return Err(at_line(
                    line,
                    other,
                    format!("unknown field (known: {})", COLUMNS.join(", ")),
                ));
            }
        }
    }
    for (field, v) in [("namespace", &r.namespace), ("name", &r.name)] {
        if v.is_empty() {
            return Err(at_line(line, field, "missing"));
        }
    }
    Ok(r)
}

/// Owners from a `;`-separated cell or a JSON list of names.
fn owners(line: usize, value: &Value) -> Result<Vec<String>> {
    let names: Vec<String> = match value {
        Value::String(s) => s.split(';').map(|o| o.trim().to_owned()).collect(),
        Value::Array(items) => items
            .iter()
            .map(|o| match o {
                Value::String(s) => Ok(s.trim().to_owned()),
                _ => Err(at_line(line, "owners", "each owner must be a string")),
            })
            .collect::<Result<_>>()?,
        _ => return Err(at_line(line, "owners", "must be a list of names")),
    };
    if names.iter().any(String::is_empty) {
        return Err(at_line(line, "owners", "an owner's name must not be empty"));
    }
    Ok(names)
}

/// Splits one CSV line: cells separated by commas, a cell in double quotes may hold
/// commas and doubled quotes (`""`). Cells do not span lines.
fn split_csv(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    if quoted {
        return Err("a quoted cell is not closed".into());
    }
    cells.push(cell);
    Ok(cells)
}

/// The edits `rows` make, by `actor`: one per attribute whose value differs from what
/// the catalog shows now. Every dataset must exist; the first that does not is an error
/// naming its line, and then nothing is to be applied.
pub async fn plan(store: &Store, rows: &[GovernanceRow], actor: &str) -> Result<Planned> {
    let mut out = Planned {
        rows: rows.len(),
        ..Planned::default()
    };
    for r in rows {
        let Some(d) = store.get_dataset(&r.namespace, &r.name).await? else {
            return Err(at_line(
                r.line,
                "name",
                format!("dataset {}:{} not found", r.namespace, r.name),
            ));
        };
        let tier = store.dataset_tiers(&[d.id]).await?.remove(&d.id);
        let mut edits = Vec::new();
        if r.classification.is_some() && r.classification != d.governance.classification {
            edits.push(Edit::SetClassification {
                classification: r.classification.clone(),
            });
        }
        if r.retention.is_some() && r.retention != d.governance.retention {
            edits.push(Edit::SetRetention {
                retention: r.retention.clone(),
            });
        }
        if r.tier.is_some() && r.tier != tier {
            edits.push(Edit::SetTier {
                tier: r.tier.clone(),
            });
        }
        if let Some(list) = &r.owners {
            let now: BTreeSet<String> = d.owners.iter().map(|o| o.name.to_lowercase()).collect();
            let want: BTreeSet<String> = list.iter().map(|o| o.to_lowercase()).collect();
            if now != want {
                edits.push(Edit::SetOwners {
                    owners: list
                        .iter()
                        .map(|name| EditOwner {
                            name: name.clone(),
                            owner_type: None,
                        })
                        .collect(),
                });
            }
        }
        if edits.is_empty() {
            out.unchanged += 1;
        }
        for edit in edits {
            out.changes.push(
                CatalogEdit {
                    namespace: r.namespace.clone(),
                    dataset: r.name.clone(),
                    column: None,
                    edit,
                    actor: actor.to_owned(),
                }
                .into_change(),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        weft_schemas::governance::DEFAULT_CLASSIFICATIONS
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn csv_and_json_lines_read_the_same() {
        let csv = "namespace,name,classification,retention,tier,owners\n\
                   pg://db,shop.orders,Internal,p30d,Gold,\"user:alice;team:data\"\n\
                   pg://db,shop.users,,none,,\n";
        let jsonl = "{\"namespace\":\"pg://db\",\"name\":\"shop.orders\",\"classification\":\"Internal\",\"retention\":\"p30d\",\"tier\":\"Gold\",\"owners\":[\"user:alice\",\"team:data\"]}\n\
                     {\"namespace\":\"pg://db\",\"name\":\"shop.users\",\"retention\":\"none\"}\n";
        let a = parse(csv, &allowed()).unwrap();
        let b = parse(jsonl, &allowed()).unwrap();
        assert_eq!(a[0].classification.as_deref(), Some("internal"));
        assert_eq!(a[0].retention.as_deref(), Some("P30D"));
        assert_eq!(a[0].tier.as_deref(), Some("gold"));
        assert_eq!(
            a[0].owners.as_deref(),
            Some(&["user:alice".to_owned(), "team:data".to_owned()][..])
        );
        assert_eq!(a[1].classification, None);
        assert_eq!(a[1].retention.as_deref(), Some("none"));
        let strip = |v: Vec<GovernanceRow>| {
            v.into_iter()
                .map(|r| GovernanceRow { line: 0, ..r })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(a), strip(b));
    }

    #[test]
    fn a_bad_line_names_its_line_and_field() {
        let csv = "namespace,name,classification,retention\n\
                   pg://db,a,public,P1Y\n\
                   pg://db,b,secret,P1Y\n";
        let e = parse(csv, &allowed()).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("classification"), "{e}");
        assert!(
            e.contains("public, internal, confidential, restricted"),
            "{e}"
        );
        let e = parse(
            "{\"namespace\":\"n\",\"name\":\"a\",\"retention\":\"soon\"}",
            &allowed(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 1") && e.contains("retention"), "{e}");
        let e = parse("namespace,name\nn,a,extra\n", &allowed())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = parse("namespace,colour\n", &allowed())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("colour"), "{e}");
    }
}
