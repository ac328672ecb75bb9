//! Every input a producer declared for a field is in that field's column lineage over
//! REST, even when Weft stores it once at the dataset level: older Spark repeats its
//! INDIRECT uses (filters, joins, groupings) on every field, and Weft lifts those to the
//! dataset. A field's answer lists them, marked `datasetLevel`, with the
//! transformations that say what each is, and deeper traversal stays bounded.

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, corpora, enc, eventually};

const NS: &str = "file";
const SRC1: &str = "/data/orders_src";
const SRC2: &str = "/data/customers_src";
const OUT: &str = "/data/order_report";
const NEXT: &str = "/data/order_report_copy";

fn input(name: &str, field: &str, ts: &[(&str, &str)]) -> Value {
    json!({"namespace": NS, "name": name, "field": field,
           "transformations": ts.iter().map(|(t, s)| json!({"type": t, "subtype": s})).collect::<Vec<_>>()})
}

fn run_event(run: &str, job: &str, inputs: &[&str], output: &str, fields: Value) -> String {
    json!({
        "eventType": "COMPLETE", "eventTime": "2026-10-01T10:00:00Z",
        "producer": "https://example.com/spark-like",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": "spark", "name": job},
        "inputs": inputs.iter().map(|n| json!({"namespace": NS, "name": n})).collect::<Vec<_>>(),
        "outputs": [{"namespace": NS, "name": output, "facets": {"columnLineage": {
            "_producer": "https://example.com/spark-like",
            "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
            "fields": fields}}}]
    })
    .to_string()
}

/// Spark's older shape: the filter on orders.status and the join on customers.id are
/// repeated on every output field.
fn spark_like_events() -> Vec<String> {
    let filter = ("INDIRECT", "FILTER");
    let join = ("INDIRECT", "JOIN");
    let report = run_event(
        "0190c7c0-0000-7000-8000-00000000e001",
        "order_report",
        &[SRC1, SRC2],
        OUT,
        json!({
            "order_id": {"inputFields": [
                input(SRC1, "id", &[("DIRECT", "IDENTITY")]),
                input(SRC1, "status", &[filter]),
                input(SRC2, "id", &[join]),
            ]},
            "total": {"inputFields": [
                input(SRC1, "amount", &[("DIRECT", "AGGREGATION")]),
                input(SRC1, "status", &[filter]),
                input(SRC2, "id", &[join]),
            ]},
            "customer": {"inputFields": [
                input(SRC2, "name", &[("DIRECT", "IDENTITY")]),
                input(SRC2, "id", &[("DIRECT", "IDENTITY"), join]),
                input(SRC1, "status", &[filter]),
            ]},
        }),
    );
    let copy = run_event(
        "0190c7c0-0000-7000-8000-00000000e002",
        "order_report_copy",
        &[OUT],
        NEXT,
        json!({"order_id": {"inputFields": [input(OUT, "order_id", &[("DIRECT", "IDENTITY")])]}}),
    );
    vec![report, copy]
}

fn lineage(s: &Server, dataset: &str, field: &str, depth: u32) -> Value {
    let id = format!("datasetField:{NS}:{dataset}:{field}");
    s.get_ok(&format!(
        "/api/v1/column-lineage?nodeId={}&depth={depth}",
        enc(&id)
    ))
}

fn node<'a>(g: &'a Value, id: &str) -> &'a Value {
    g["graph"]
        .as_array()
        .and_then(|a| a.iter().find(|n| n["id"] == id))
        .unwrap_or_else(|| panic!("no node {id} in {g}"))
}

/// `(dataset.field, [type/subtype…], datasetLevel)` of a field's inputs, sorted.
fn inputs(n: &Value) -> Vec<(String, Vec<String>, bool)> {
    let mut out: Vec<(String, Vec<String>, bool)> = n["data"]["inputFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let ts = i["transformations"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    format!(
                        "{}/{}",
                        t["type"].as_str().unwrap_or_default(),
                        t["subtype"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            (
                format!(
                    "{}.{}",
                    i["dataset"].as_str().unwrap_or_default(),
                    i["field"].as_str().unwrap_or_default()
                ),
                ts,
                i["datasetLevel"] == true,
            )
        })
        .collect();
    out.sort();
    out
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn spark_shape(backend: Backend) {
    let s = Server::start(backend, &[]);
    for e in spark_like_events() {
        let (code, body) = s.post_event(e);
        assert!(code < 300, "{code} {body}");
    }
    let g = lineage(&s, OUT, "order_id", 1);
    let n = node(&g, &format!("datasetField:{NS}:{OUT}:order_id"));
    assert_eq!(
        inputs(n),
        [
            (format!("{SRC2}.id"), strs(&["INDIRECT/JOIN"]), true),
            (format!("{SRC1}.id"), strs(&["DIRECT/IDENTITY"]), false),
            (format!("{SRC1}.status"), strs(&["INDIRECT/FILTER"]), true),
        ],
        "{n}"
    );
    // A field whose own declaration names the join key directly keeps both uses.
    let g = lineage(&s, OUT, "customer", 1);
    let n = node(&g, &format!("datasetField:{NS}:{OUT}:customer"));
    let by_name: Vec<(String, Vec<String>, bool)> = inputs(n);
    let key = by_name
        .iter()
        .find(|(f, _, _)| *f == format!("{SRC2}.id"))
        .unwrap_or_else(|| panic!("no customers.id in {n}"));
    assert_eq!(key.1, strs(&["DIRECT/IDENTITY", "INDIRECT/JOIN"]), "{n}");
    assert_eq!(by_name.len(), 3, "{n}");
    // Filters and joins are not the column's direct sources: no disagreement is made up.
    assert_eq!(n["data"]["lineageDisagreement"], Value::Null, "{n}");

    // Two hops up from the copy reach the report's declared inputs, and stop there.
    let g = lineage(&s, NEXT, "order_id", 2);
    let report = node(&g, &format!("datasetField:{NS}:{OUT}:order_id"));
    assert_eq!(inputs(report).len(), 3, "{report}");
    let copy = node(&g, &format!("datasetField:{NS}:{NEXT}:order_id"));
    assert_eq!(
        inputs(copy),
        [(format!("{OUT}.order_id"), strs(&["DIRECT/IDENTITY"]), false)],
        "{copy}"
    );
    let ids: Vec<&str> = g["graph"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 5, "{ids:?}");

    // GraphQL's upstream of the field answers the same: the field's own input and the two
    // stated for the whole dataset, each edge ending at the field, those two marked.
    let id = |d: &str, f: &str| format!("datasetField:{NS}:{d}:{f}");
    let mut want = vec![
        (id(SRC1, "id"), "column".to_owned()),
        (id(SRC1, "status"), "columnToDataset".to_owned()),
        (id(SRC2, "id"), "columnToDataset".to_owned()),
    ];
    want.sort();
    let up = eventually(
        "GraphQL upstream of order_report.order_id",
        || {
            // Not found until the graph view has applied the events.
            let (_, d) = s.graphql(
                None,
                r#"query($id: String!) {
                  lineage(nodeId: $id, direction: UPSTREAM) {
                    edges { src dst level transformations { type subtype } } } }"#,
                json!({"id": id(OUT, "order_id")}),
            );
            d["data"]["lineage"]["edges"].clone()
        },
        |edges| {
            let mut got: Vec<(String, String)> = edges
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e["src"].as_str().unwrap_or("").to_owned(),
                        e["level"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            got.sort();
            got == want
        },
    );
    let field = id(OUT, "order_id");
    for e in up.as_array().into_iter().flatten() {
        assert_eq!(e["dst"], field.as_str(), "{up}");
        if e["level"] == "columnToDataset" {
            assert_eq!(e["transformations"][0]["type"], "INDIRECT", "{up}");
        }
    }
}

#[test]
fn inputs_lifted_to_the_dataset_level_stay_in_each_fields_answer() {
    for b in backends() {
        spark_shape(b);
    }
}

/// Every (output field → declared input) pair in the events' columnLineage facets.
fn declared_pairs(event: &Value) -> Vec<(String, String, String)> {
    let mut pairs = Vec::new();
    for o in event["outputs"].as_array().into_iter().flatten() {
        let (Some(ns), Some(name)) = (o["namespace"].as_str(), o["name"].as_str()) else {
            continue;
        };
        let fields = o["facets"]["columnLineage"]["fields"].as_object();
        for (field, spec) in fields.into_iter().flatten() {
            let id = format!("datasetField:{ns}:{name}:{field}");
            for i in spec["inputFields"].as_array().into_iter().flatten() {
                if let (Some(d), Some(f)) = (i["name"].as_str(), i["field"].as_str()) {
                    pairs.push((id.clone(), format!("{d}.{f}"), i.to_string()));
                }
            }
        }
    }
    pairs
}

/// Over every accepted corpus event with column lineage (Spark's older shape among
/// them, BigQuery's too), every input a producer declared for a field is in that
/// field's REST answer, however Weft stored it.
#[test]
fn every_input_declared_in_the_corpus_is_in_its_fields_answer() {
    let Some(dir) = corpora::find(
        "openlineage-events",
        "declared_lineage: column-lineage events from the corpus",
    ) else {
        return;
    };
    let index: Value = serde_json::from_slice(
        &std::fs::read(dir.join("INDEX.json")).expect("reads the corpus index"),
    )
    .expect("the index is JSON");
    let s = Server::start(Backend::Sqlite, &[]);
    let mut declared = Vec::new();
    for e in index.as_array().expect("an array of events") {
        let accepted = e["expected_status"].as_u64().is_some_and(|c| c < 300);
        if !accepted || e["has_columnLineage"] != true {
            continue;
        }
        let file = dir.join(e["file"].as_str().expect("a file name"));
        let body = std::fs::read(&file).expect("reads an event");
        let event: Value = serde_json::from_slice(&body).expect("an event is JSON");
        declared.extend(declared_pairs(&event));
        let (code, text) = s.post_event(body);
        assert!(code < 300, "{}: {code} {text}", file.display());
    }
    assert!(!declared.is_empty(), "no column lineage in the corpus");
    let mut missing = Vec::new();
    let mut answers: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (id, input, raw) in &declared {
        let have = answers.entry(id.clone()).or_insert_with(|| {
            let g = s.get_ok(&format!(
                "/api/v1/column-lineage?nodeId={}&depth=1",
                enc(id)
            ));
            inputs(node(&g, id))
                .into_iter()
                .map(|(f, _, _)| f)
                .collect()
        });
        if !have.contains(input) {
            missing.push(format!("{id} lacks {input} (declared {raw}); has {have:?}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
