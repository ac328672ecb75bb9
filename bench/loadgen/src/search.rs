//! The search benchmark's client half: queries against `GET /api/v1/search`, and the
//! synthetic catalog as OpenLineage `DatasetEvent`s to load the server with.
//!
//! Names and queries come from `synth.rs` (shared with the library benchmark): the catalog written by
//! [`write_datasets`] is the one the library benchmark indexes, and the query mix
//! (one- and two-word names, exact names, longer phrases, typos, platform/tier filters,
//! column names) is the one it measures.
//!
//! The requests are sent by [`crate::drive`] (open or closed loop).

use std::io::Write as _;

use serde_json::{Value, json};

use crate::synth;

/// Seed of the synthetic catalog and query mix (the library benchmark uses the same).
pub const SEED: u64 = 42;

/// The URLs of `n` queries of the mix, built before timing starts.
pub fn urls(base: &str, n: u64) -> Result<Vec<reqwest::Url>, Box<dyn std::error::Error>> {
    let endpoint = format!("{}/api/v1/search", base.trim_end_matches('/'));
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for i in 0..n {
        let q = synth::query(SEED, i);
        let mut params = vec![("q", q.text), ("limit", "10".to_string())];
        if let Some(p) = q.platform {
            params.push(("platform", p.to_string()));
        }
        if let Some(t) = q.tier {
            params.push(("tier", t.to_string()));
        }
        out.push(reqwest::Url::parse_with_params(&endpoint, &params)?);
    }
    Ok(out)
}

/// Writes `n` `DatasetEvent`s of the synthetic catalog as NDJSON: a `schema` facet with
/// the 20 columns (some described), and where the dataset has them `documentation`,
/// `ownership` and `tags` facets (a `tier` tag for the tier). Load with
/// `weft ingest FILE`.
pub fn write_datasets(path: &std::path::Path, n: u64) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut time = String::new();
    crate::clock::push_rfc3339(&mut time, crate::clock::now_ms());
    for i in 0..n {
        let d = synth::dataset(SEED, i);
        serde_json::to_writer(&mut out, &dataset_event(&d, &[], &time))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The `_producer` of everything the load generator writes.
pub const PRODUCER: &str = "https://github.com/weft-catalog/weft/tree/main/bench/loadgen";
/// Where the OpenLineage facet schemas live.
const FACETS: &str = "https://openlineage.io/spec/facets/";

/// The `schema` facet of `d`'s columns.
pub fn schema_facet(d: &synth::SynthDataset) -> Value {
    let fields: Vec<_> = d
        .columns
        .iter()
        .map(|(name, desc)| {
            let mut f = json!({"name": name, "type": sql_type(name)});
            if let Some(desc) = desc {
                f["description"] = json!(desc);
            }
            f
        })
        .collect();
    json!({
        "_producer": PRODUCER,
        "_schemaURL": format!("{FACETS}1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"),
        "fields": fields,
    })
}

/// A `DatasetEvent` for `d` at `time`: its `schema`, and where it has them
/// `documentation`, `ownership` and `tags` (a `tier` tag for the tier, and
/// `column_tags`: `(column, key, value)` tags on columns).
pub fn dataset_event(
    d: &synth::SynthDataset,
    column_tags: &[(&str, &str, &str)],
    time: &str,
) -> Value {
    let mut facets = json!({ "schema": schema_facet(d) });
    if let Some(desc) = &d.description {
        facets["documentation"] = json!({
            "_producer": PRODUCER,
            "_schemaURL": format!("{FACETS}1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet"),
            "description": desc,
        });
    }
    if !d.owners.is_empty() {
        let owners: Vec<_> = d
            .owners
            .iter()
            .map(|o| {
                let kind = if o.starts_with("team:") {
                    "TEAM"
                } else {
                    "MAINTAINER"
                };
                json!({"name": o, "type": kind})
            })
            .collect();
        facets["ownership"] = json!({
            "_producer": PRODUCER,
            "_schemaURL": format!("{FACETS}1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet"),
            "owners": owners,
        });
    }
    let mut tags: Vec<_> = d
        .tags
        .iter()
        .map(|t| json!({"key": t, "value": "true", "source": "CONFIG"}))
        .collect();
    if let Some(t) = d.tier {
        tags.push(json!({"key": "tier", "value": t, "source": "CONFIG"}));
    }
    for (column, key, value) in column_tags {
        tags.push(json!({"key": key, "value": value, "source": "CONFIG", "field": column}));
    }
    if !tags.is_empty() {
        facets["tags"] = json!({
            "_producer": PRODUCER,
            "_schemaURL": format!("{FACETS}1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet"),
            "tags": tags,
        });
    }
    json!({
        "eventTime": time,
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": d.namespace, "name": d.name, "facets": facets},
    })
}

/// A plausible SQL type for a column name.
fn sql_type(column: &str) -> &'static str {
    if column == "id" || column.ends_with("_id") || column == "quantity" {
        "BIGINT"
    } else if column.ends_with("_at") || column.ends_with("_date") || column.ends_with("timestamp")
    {
        "TIMESTAMP"
    } else if column.starts_with("is_") {
        "BOOLEAN"
    } else if ["amount", "price", "cost", "salary", "margin", "goods"]
        .iter()
        .any(|w| column.contains(w))
    {
        "DECIMAL(18,2)"
    } else {
        "VARCHAR"
    }
}
