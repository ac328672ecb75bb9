//! Writes the inputs of `bench/check.sh`: a snapshot of the benchmarks' synthetic
//! catalog (`bench/loadgen/src/synth.rs`, 100,000 datasets of 20 columns by default)
//! with column lineage between them, and a dbt manifest of 500 models that rewrite
//! datasets of that catalog (one in ten drops a column its consumers read; one in five
//! reads the model before it, so the check derives chains).
//!
//! `cargo run --release -p weft-check --example check_bench -- OUT_DIR [DATASETS] [MODELS]`
//! writes `OUT_DIR/snapshot.jsonl.gz` and `OUT_DIR/manifest.json`.

#[allow(dead_code)]
#[path = "../../bench/loadgen/src/synth.rs"]
mod synth;

use std::io::BufWriter;
use std::path::PathBuf;

use serde_json::{Value, json};
use weft_check::snapshot::{
    ColumnEdgeRecord, ColumnRecord, DatasetRecord, Header, JobIoRecord, Owner, Record,
    SnapshotWriter, TagRecord,
};

const SEED: u64 = 7;
const EDGES_PER_DATASET: usize = 5;
const IDENTITY: &str = r#"[{"type":"DIRECT","subtype":"IDENTITY"}]"#;

fn parent(i: u64) -> u64 {
    synth::mix(i ^ 0xC0FFEE) % i
}

fn quoted(name: &str) -> String {
    name.split('.')
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(".")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: check_bench OUT_DIR [DATASETS] [MODELS]")?,
    );
    let datasets: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let models: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(500);
    std::fs::create_dir_all(&out)?;

    let file = BufWriter::new(std::fs::File::create(out.join("snapshot.jsonl.gz"))?);
    let mut w = SnapshotWriter::new(
        file,
        &Header::new("2026-12-01T00:00:00Z".into(), datasets as i64),
    )?;
    let mut chosen: Vec<u64> = Vec::new();
    for i in 0..datasets {
        let d = synth::dataset(SEED, i);
        w.write(&Record::Dataset(DatasetRecord {
            id: i as i64 + 1,
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            tier: d.tier.map(str::to_owned),
            classification: None,
            retention: None,
            owners: d
                .owners
                .iter()
                .map(|o| Owner {
                    name: o.clone(),
                    owner_type: None,
                })
                .collect(),
            created_at: Some("2026-01-01T00:00:00Z".into()),
            deprecated: d.lifecycle.is_some(),
            deleted: false,
            tags: d
                .tags
                .iter()
                .map(|t| TagRecord {
                    key: (*t).to_owned(),
                    value: None,
                    origin: "declared".into(),
                })
                .collect(),
            columns: d
                .columns
                .iter()
                .map(|(c, desc)| ColumnRecord {
                    name: c.clone(),
                    data_type: Some("text".into()),
                    description: desc.clone(),
                    tags: Vec::new(),
                })
                .collect(),
        }))?;
        if i == 0 {
            continue;
        }
        let p = synth::dataset(SEED, parent(i));
        for k in 0..EDGES_PER_DATASET {
            w.write(&Record::ColumnEdge(ColumnEdgeRecord {
                dst_dataset: i as i64 + 1,
                dst_column: d.columns[k].0.clone(),
                src_dataset: parent(i) as i64 + 1,
                src_column: p.columns[k].0.clone(),
                job: i as i64,
                origin: "openlineage".into(),
                transformations: IDENTITY.into(),
                first_seen: 1,
                last_seen: 1,
            }))?;
        }
        for (dataset, direction) in [(parent(i) + 1, "in"), (i + 1, "out")] {
            w.write(&Record::JobIo(JobIoRecord {
                job: i as i64,
                dataset: dataset as i64,
                direction: direction.into(),
                updated_at: 1,
            }))?;
        }
        if chosen.len() < models && d.namespace.starts_with("postgres://") && i % 31 == 0 {
            chosen.push(i);
        }
    }
    w.finish()?;

    let mut nodes = serde_json::Map::new();
    let mut previous: Option<(String, String, Vec<String>)> = None;
    for (m, &i) in chosen.iter().enumerate() {
        let d = synth::dataset(SEED, i);
        let (source, source_id, source_cols) = match &previous {
            Some(prev) if m % 5 != 0 => prev.clone(),
            _ => {
                let p = synth::dataset(SEED, parent(i));
                (
                    p.name.clone(),
                    String::new(),
                    p.columns.iter().map(|c| c.0.clone()).collect(),
                )
            }
        };
        let keep = if m % 10 == 0 {
            EDGES_PER_DATASET - 1
        } else {
            EDGES_PER_DATASET
        }
        .min(source_cols.len());
        let select: Vec<String> = (0..keep)
            .map(|k| format!("    {} as {}", source_cols[k], d.columns[k].0))
            .collect();
        let sql = format!("select\n{}\nfrom {}", select.join(",\n"), quoted(&source));
        let parts: Vec<&str> = d.name.split('.').collect();
        let uid = format!("model.bench.m{m}");
        let name = format!("m{m}");
        let depends: Vec<Value> = if source_id.is_empty() {
            Vec::new()
        } else {
            vec![json!(source_id)]
        };
        nodes.insert(
            uid.clone(),
            json!({
                "resource_type": "model", "name": name, "unique_id": uid,
                "database": parts[0], "schema": parts[1], "alias": parts[2],
                "original_file_path": format!("models/{name}.sql"),
                "checksum": {"name": "sha256", "checksum": format!("c{m}")},
                "config": {"materialized": "view", "meta": {"owner": "team:bench", "retention": "P1Y"}},
                "columns": {}, "meta": {}, "depends_on": {"nodes": depends},
                "raw_code": sql, "compiled_code": sql,
            }),
        );
        let cols = d.columns[..keep].iter().map(|c| c.0.clone()).collect();
        previous = Some((d.name.clone(), uid, cols));
    }
    let manifest = json!({
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
                     "adapter_type": "postgres", "project_name": "bench"},
        "nodes": nodes, "sources": {},
    });
    serde_json::to_writer(
        BufWriter::new(std::fs::File::create(out.join("manifest.json"))?),
        &manifest,
    )?;
    eprintln!(
        "wrote {} ({datasets} datasets) and {} ({} models)",
        out.join("snapshot.jsonl.gz").display(),
        out.join("manifest.json").display(),
        chosen.len()
    );
    Ok(())
}
