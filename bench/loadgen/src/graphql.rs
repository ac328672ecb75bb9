//! The GraphQL benchmark's client half: the dataset-page query against `POST /graphql`,
//! and the catalog it reads, as OpenLineage events to load the server with.
//!
//! The catalog ([`write_catalog`]) is the search benchmark's synthetic datasets
//! (`synth.rs`: names over six platforms, descriptions, owners, dataset tags,
//! tiers) widened to [`COLUMNS`] columns, with `pii` tags declared on some of the
//! personal-data columns, and a job graph over them: job *j* writes dataset *j* and reads
//! one to three others (source tables, or an earlier job's output), with a
//! `columnLineage` facet mapping every output column to an input column. Each job runs
//! `--runs-per-job` times (a START and a COMPLETE each), so datasets have a freshness
//! and a run history. A dataset page then has owners, tags, 30 columns with their tags
//! (declared, detected, propagated along lineage), and lineage one level up and down.
//!
//! The queries ([`bodies`]) ask for one dataset page each, over the datasets in a
//! shuffled order, so consecutive requests read different pages. A response is
//! answered when its status is 2xx and it has no `errors`; its
//! `extensions.sqlStatements` is recorded.

use std::io::Write as _;

use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;

use crate::generate::{mix, push_uuid};
use crate::search::{PRODUCER, SEED, dataset_event, schema_facet};
use crate::synth;

/// Columns per dataset of the GraphQL catalog.
pub const COLUMNS: usize = 30;

/// Namespace of the catalog's jobs (a scheduler).
const JOB_NAMESPACE: &str = "airflow://bench-scheduler";

/// The dataset page the benchmark asks for: the dataset, 30 columns with their tags,
/// owners, and one level of lineage each way.
pub const DATASET_PAGE: &str = "query DatasetPage($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id name description lastModifiedAt tier
    owners { name type }
    tags { key }
    columns(first: 30) { totalCount edges { node { name type description tags { key status origin } } } }
    upstream(depth: 1) { nodes { id type } edges { src dst level job { namespace name } } }
    downstream(depth: 1) { nodes { id type } edges { src dst level } }
  }
}";

/// Personal-data columns of the synthetic vocabulary and the `pii` value a producer
/// would declare on them.
const PII: [(&str, &str); 6] = [
    ("email_address", "email"),
    ("phone_number", "phone"),
    ("first_name", "name"),
    ("last_name", "name"),
    ("street_address", "address"),
    ("ip_address", "ip"),
];

/// Dataset `i` of the catalog: the synthetic dataset with its columns extended to
/// [`COLUMNS`] (further distinct names of the vocabulary, some described).
pub fn dataset(i: u64) -> synth::SynthDataset {
    let mut d = synth::dataset(SEED, i);
    let n = synth::COLUMNS.len() as u64;
    let h = mix(SEED ^ mix(i ^ 0x6772_6170_6871_6c00));
    // The vocabulary size is prime, so any step in 1..n visits every name.
    let (start, step) = (h % n, 1 + (h >> 16) % (n - 1));
    let mut k = 0;
    while d.columns.len() < COLUMNS && k < n {
        let c = synth::COLUMNS[((start + k * step) % n) as usize];
        k += 1;
        if d.columns.iter().any(|(name, _)| name == c) {
            continue;
        }
        let described = mix(h ^ k).is_multiple_of(3);
        let desc = described.then(|| format!("The {} of the record", c.replace('_', " ")));
        d.columns.push((c.to_string(), desc));
    }
    d
}

/// The `pii` tags a producer declares on dataset `i`'s columns: half of its
/// personal-data columns (the other half is left to detection and propagation).
fn column_tags(i: u64, d: &synth::SynthDataset) -> Vec<(&'static str, &'static str, &'static str)> {
    PII.iter()
        .filter(|(column, _)| d.columns.iter().any(|(c, _)| c == column))
        .filter(|(column, _)| mix(i ^ mix(column.len() as u64)).is_multiple_of(2))
        .map(|&(column, value)| (column, "pii", value))
        .collect()
}

/// The inputs of job `j` (dataset indices), of `jobs` jobs over `datasets` datasets:
/// a source table (`>= jobs`), then either another source or an earlier job's output,
/// and for a quarter of the jobs a third source.
fn inputs(j: u64, jobs: u64, datasets: u64) -> Vec<u64> {
    let sources = datasets - jobs;
    let h = mix(SEED ^ mix(j ^ 0x6a6f_6273));
    let first = jobs + h % sources;
    let other_source =
        |salt: u64| jobs + (first - jobs + 1 + (h >> salt) % (sources - 1)) % sources;
    let second = if j > 0 && !(h >> 8).is_multiple_of(3) {
        j - 1 - (h >> 12) % j.min(200)
    } else {
        other_source(20)
    };
    let mut out = vec![first, second];
    if (h >> 40).is_multiple_of(4) {
        let third = other_source(44);
        if !out.contains(&third) {
            out.push(third);
        }
    }
    out
}

/// The `columnLineage` facet of job `j`'s output: each output column from one input
/// column; mostly identity copies, some computed, aggregated or masked.
fn column_lineage(
    j: u64,
    out: &synth::SynthDataset,
    ins: &[synth::SynthDataset],
) -> serde_json::Value {
    let mut fields = serde_json::Map::new();
    for (k, (column, _)) in out.columns.iter().enumerate() {
        let h = mix(mix(j) ^ k as u64);
        let input = &ins[(h % ins.len() as u64) as usize];
        let (source, _) = &input.columns[((h >> 8) % input.columns.len() as u64) as usize];
        let transformation = match (h >> 20) % 100 {
            0..=79 => json!({"type": "DIRECT", "subtype": "IDENTITY"}),
            80..=91 => json!({"type": "DIRECT", "subtype": "TRANSFORMATION"}),
            92..=96 => json!({"type": "DIRECT", "subtype": "AGGREGATION", "description": "max"}),
            _ => json!({"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "sha256",
                        "masking": true}),
        };
        fields.insert(
            column.clone(),
            json!({"inputFields": [{"namespace": input.namespace, "name": input.name,
                                     "field": source, "transformations": [transformation]}]}),
        );
    }
    json!({
        "_producer": PRODUCER,
        "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
        "fields": fields,
    })
}

/// Writes the catalog as NDJSON for `weft ingest`: a `DatasetEvent` per dataset, then
/// `runs_per_job` runs (START, COMPLETE) of each of `jobs` jobs, a day apart, ending
/// now.
pub fn write_catalog(
    path: &std::path::Path,
    datasets: u64,
    jobs: u64,
    runs_per_job: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    if datasets < jobs + 4 || jobs == 0 {
        return Err(format!(
            "--datasets ({datasets}) must exceed --jobs ({jobs}) by at least 4, and --jobs be at least 1"
        )
        .into());
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let now = crate::clock::now_ms();
    let day = 86_400_000;
    let stamp = |ms: u64| {
        let mut s = String::new();
        crate::clock::push_rfc3339(&mut s, ms);
        s
    };
    let created = stamp(now - (runs_per_job + 1) * day);
    let all: Vec<synth::SynthDataset> = (0..datasets).map(dataset).collect();
    for (i, d) in all.iter().enumerate() {
        let tags = column_tags(i as u64, d);
        serde_json::to_writer(&mut out, &dataset_event(d, &tags, &created))?;
        out.write_all(b"\n")?;
    }
    for r in 0..runs_per_job {
        for j in 0..jobs {
            let ins: Vec<synth::SynthDataset> = inputs(j, jobs, datasets)
                .into_iter()
                .map(|i| all[i as usize].clone())
                .collect();
            let output = &all[j as usize];
            let started = now - (runs_per_job - r) * day + j * 10_000;
            let mut run_id = String::new();
            push_uuid(&mut run_id, mix(j ^ mix(r)), mix(r ^ mix(j ^ 0x7275_6e73)));
            let job = json!({"namespace": JOB_NAMESPACE,
                             "name": format!("dag_{:03}.load_{}", j / 20, output.name)});
            let input_refs: Vec<_> = ins
                .iter()
                .map(|d| json!({"namespace": d.namespace, "name": d.name}))
                .collect();
            let start = json!({
                "eventType": "START", "eventTime": stamp(started), "producer": PRODUCER,
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run": {"runId": run_id}, "job": job,
                "inputs": input_refs,
                "outputs": [{"namespace": output.namespace, "name": output.name}],
            });
            let complete = json!({
                "eventType": "COMPLETE", "eventTime": stamp(started + 60_000 + j % 600_000),
                "producer": PRODUCER,
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run": {"runId": run_id}, "job": job,
                "inputs": input_refs,
                "outputs": [{"namespace": output.namespace, "name": output.name, "facets": {
                    "schema": schema_facet(output),
                    "columnLineage": column_lineage(j, output, &ins),
                }}],
            });
            for event in [start, complete] {
                serde_json::to_writer(&mut out, &event)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `(namespace, name)` of the catalog's first `n` datasets.
pub fn catalog_names(n: u64) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let d = synth::dataset(SEED, i);
            (d.namespace, d.name)
        })
        .collect()
}

/// `(namespace, name)` pairs from a file of `namespace<TAB>name` lines.
pub fn read_names(
    path: &std::path::Path,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (ns, name) = line
            .split_once('\t')
            .ok_or_else(|| format!("{}: not `namespace<TAB>name`: {line:?}", path.display()))?;
        out.push((ns.to_owned(), name.to_owned()));
    }
    Ok(out)
}

/// One request body per dataset (`{query, variables}`), in a shuffled order.
pub fn bodies(query: &str, names: &[(String, String)]) -> Vec<String> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    for i in (1..order.len()).rev() {
        let j = (mix(SEED ^ i as u64) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
        .into_iter()
        .map(|i| {
            let (namespace, name) = &names[i];
            json!({"query": query, "operationName": "DatasetPage",
                   "variables": {"namespace": namespace, "name": name}})
            .to_string()
        })
        .collect()
}

/// The parts of a GraphQL response the benchmark looks at.
#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow, default)]
    errors: Option<&'a RawValue>,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
    #[serde(rename = "sqlStatements", default)]
    sql_statements: u64,
}

/// A 2xx without `errors`; reports `extensions.sqlStatements`.
pub fn check(status: reqwest::StatusCode, body: &[u8]) -> Result<u64, (String, String)> {
    if !status.is_success() {
        return Err((
            status.as_u16().to_string(),
            crate::drive::http_detail(status, body),
        ));
    }
    match serde_json::from_slice::<Answer>(body) {
        Ok(Answer {
            errors: Some(e), ..
        }) => Err((
            "graphql-errors".into(),
            format!("errors: {}", &e.get()[..e.get().len().min(300)]),
        )),
        Ok(a) => Ok(a.extensions.map_or(0, |x| x.sql_statements)),
        Err(e) => Err((
            "not-graphql".into(),
            format!("{e}: {}", crate::drive::http_detail(status, body)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_have_thirty_distinct_columns() {
        for i in [0u64, 1, 77, 4999] {
            let d = dataset(i);
            assert_eq!(d.columns.len(), COLUMNS);
            let names: std::collections::HashSet<_> = d.columns.iter().map(|c| &c.0).collect();
            assert_eq!(names.len(), COLUMNS, "{d:?}");
        }
    }

    #[test]
    fn jobs_read_other_datasets_and_earlier_outputs() {
        let (jobs, datasets) = (3000, 5000);
        let mut upstream_jobs = 0;
        for j in 0..jobs {
            let ins = inputs(j, jobs, datasets);
            assert!(ins.len() >= 2 && ins.iter().all(|&i| i < datasets && i != j));
            assert!(
                ins.iter().all(|&i| i >= jobs || i < j),
                "cycle at {j}: {ins:?}"
            );
            let distinct: std::collections::HashSet<_> = ins.iter().collect();
            assert_eq!(distinct.len(), ins.len());
            upstream_jobs += u64::from(ins.iter().any(|&i| i < jobs));
        }
        assert!(upstream_jobs > jobs / 2, "{upstream_jobs}");
    }

    #[test]
    fn some_pii_columns_are_declared() {
        let declared: usize = (0..500).map(|i| column_tags(i, &dataset(i)).len()).sum();
        assert!(declared > 100, "{declared}");
    }

    #[test]
    fn check_counts_errors_as_failures() {
        let ok = br#"{"data":{"dataset":null},"extensions":{"sqlStatements":7}}"#;
        assert_eq!(check(reqwest::StatusCode::OK, ok), Ok(7));
        let bad =
            br#"{"data":null,"errors":[{"message":"boom"}],"extensions":{"sqlStatements":1}}"#;
        assert!(
            matches!(check(reqwest::StatusCode::OK, bad), Err((k, _)) if k == "graphql-errors")
        );
        assert!(check(reqwest::StatusCode::INTERNAL_SERVER_ERROR, b"x").is_err());
    }

    #[test]
    fn bodies_are_graphql_requests_over_every_dataset() {
        let names = catalog_names(50);
        let b = bodies(DATASET_PAGE, &names);
        assert_eq!(b.len(), 50);
        let mut seen = std::collections::HashSet::new();
        for body in &b {
            let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(v["query"], DATASET_PAGE);
            seen.insert(
                v["variables"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        assert_eq!(seen.len(), 50);
    }
}
