//! The real OpenLineage Python client talking to the real `weft` binary.
//!
//! `tests/python/emit_run.py` emits a START and a COMPLETE event through
//! `openlineage-python`'s `HttpTransport`; this test then reads the output
//! dataset, its column lineage and the run back over HTTP. It guards against
//! drift between what the reference client actually sends (facet shapes,
//! `_producer`/`_schemaURL`, UUIDv7 run ids, client tags) and what Weft accepts.
//!
//! Environment:
//! - `WEFT_TEST_PYTHON`: a Python with `tests/python/requirements.txt` installed
//!   (`scripts/test.sh` sets it). Unset: the test fails under `CI`, else says so and passes.
//! - `WEFT_TEST_DATABASE_URL`: as for every end-to-end test (see `weft_tests::backends`).

use weft_tests::{Backend, Server, backends, enc, run_python, test_python};

const NAMESPACE: &str = "postgres://db:5432";
const ORDERS: &str = "shop.public.orders";
const ORDER_TOTALS: &str = "shop.public.order_totals";

#[test]
fn python_client_run_on_every_backend() {
    let Some(python) = test_python() else { return };
    for backend in backends() {
        check_python_client_run(&python, backend);
    }
}

/// Emits one run with the Python client, then checks what Weft serves back.
fn check_python_client_run(python: &str, backend: Backend) {
    let server = Server::start(backend, &[]);
    let run_id = emit_run(python, &server.url);

    // The schema facet became the dataset's fields.
    let dataset = server.get_ok(&format!(
        "/api/v1/namespaces/{}/datasets/{}",
        enc(NAMESPACE),
        enc(ORDER_TOTALS)
    ));
    let fields: Vec<(&str, &str)> = dataset["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields in {dataset:#}"))
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [("customer", "VARCHAR"), ("total", "DECIMAL")]);

    // The column lineage facet became `total <- DIRECT/AGGREGATION orders.amount`.
    let node_id = format!("datasetField:{NAMESPACE}:{ORDER_TOTALS}:total");
    let node = server.column_node(&node_id);
    assert!(!node.is_null(), "no node {node_id} in its column lineage");
    let inputs: Vec<String> = node["data"]["inputFields"]
        .as_array()
        .unwrap_or_else(|| panic!("no inputFields in {node:#}"))
        .iter()
        .map(|i| {
            let transformations: Vec<String> = i["transformations"]
                .as_array()
                .unwrap_or_else(|| panic!("no transformations in {i:#}"))
                .iter()
                .map(|t| format!("{}/{}", t["type"], t["subtype"]).replace('"', ""))
                .collect();
            format!(
                "{}:{}:{} {}",
                i["namespace"].as_str().unwrap(),
                i["dataset"].as_str().unwrap(),
                i["field"].as_str().unwrap(),
                transformations.join(",")
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [format!("{NAMESPACE}:{ORDERS}:amount DIRECT/AGGREGATION")]
    );

    // START then COMPLETE: one finished run.
    let runs = server.get_ok("/api/v1/namespaces/weft-e2e/jobs/python_client_job/runs");
    let run = runs["runs"]
        .as_array()
        .and_then(|runs| runs.iter().find(|r| r["id"] == run_id.as_str()))
        .unwrap_or_else(|| panic!("no run {run_id} in {runs:#}"));
    assert_eq!(run["state"], "COMPLETE", "{run:#}");
    assert!(run["startedAt"].is_string(), "{run:#}");
    assert!(run["endedAt"].is_string(), "{run:#}");
}

/// Runs `tests/python/emit_run.py` against `url`; returns the run id it printed.
fn emit_run(python: &str, url: &str) -> String {
    let printed = run_python(python, "emit_run.py", &[url]);
    printed["runId"]
        .as_str()
        .unwrap_or_else(|| panic!("no runId in {printed}"))
        .to_owned()
}
