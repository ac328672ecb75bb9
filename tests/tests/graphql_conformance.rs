//! `/graphql` as a client outside Rust sees it: the reference implementation,
//! graphql-js, checks the real server (`tests/conformance/check.mjs`).
//!
//! The test seeds a small shop over the REST push API: `orders` with an `email` column
//! its producer tagged `pii.email`, a daily job computing `order_totals` (whose
//! `customer` is `orders.email` as is), and a report on top of that, all owned by
//! `user:alice`. Once search and the lineage graph show it, `check.mjs` compares the
//! introspected schema with `schemas/schema.graphql`, validates and runs the documented
//! operations in `schemas/examples/` (whose variables name this data) with their
//! expectations, and checks how invalid documents are refused.
//!
//! Environment:
//! - `WEFT_TEST_NODE`: the Node.js to run (`scripts/test.sh` sets it; else `node` on
//!   PATH), with `tests/conformance/node_modules` installed (`npm ci` there). Missing
//!   either: the test fails under `CI`, else says so and passes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, Server, enc, workspace};

const NS: &str = "postgres://db:5432";
const ORDERS: &str = "shop.public.orders";
const ORDER_TOTALS: &str = "shop.public.order_totals";
const TOP_CUSTOMERS: &str = "shop.reporting.top_customers";
const PRODUCER: &str = "https://example.test/shop-pipeline";

#[test]
fn graphql_conforms_to_graphql_js() {
    let Some(node) = test_node() else { return };
    let server = Server::start(Backend::Sqlite, &[]);
    seed(&server);

    let root = workspace();
    let started = Instant::now();
    let out = Command::new(&node)
        .arg(root.join("tests/conformance/check.mjs"))
        .arg(&server.url)
        .arg(root.join("schemas/schema.graphql"))
        .arg(root.join("schemas/examples"))
        .current_dir(root.join("tests/conformance"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", node.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    println!("check.mjs took {:?}", started.elapsed());
    assert!(
        out.status.success(),
        "check.mjs failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

// --- the shop -----------------------------------------------------------------------

fn facet(schema: &str, body: Value) -> Value {
    let mut f = json!({"_producer": PRODUCER, "_schemaURL": schema});
    f.as_object_mut()
        .expect("object")
        .extend(body.as_object().expect("object").clone());
    f
}

fn schema(fields: &[(&str, &str)]) -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        json!({"fields": fields.iter().map(|(n, t)| json!({"name": n, "type": t})).collect::<Vec<_>>()}),
    )
}

fn owned_by_alice() -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json",
        json!({"owners": [{"name": "user:alice", "type": "MAINTAINER"}]}),
    )
}

fn documentation(text: &str) -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json",
        json!({"description": text}),
    )
}

fn tags(tags: Value) -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
        json!({"tags": tags}),
    )
}

/// `column <- NS:dataset:field` with one transformation, per output column.
fn column_lineage(fields: &[(&str, &str, &str, &str)]) -> Value {
    let mut out = serde_json::Map::new();
    for (column, dataset, field, subtype) in fields {
        out.insert(
            (*column).to_owned(),
            json!({"inputFields": [{"namespace": NS, "name": dataset, "field": field,
                "transformations": [{"type": "DIRECT", "subtype": subtype}]}]}),
        );
    }
    facet(
        "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
        json!({"fields": out}),
    )
}

fn run_event(n: u32, job: &str, input: &str, output: &str, facets: Value) -> Value {
    json!({
        "eventType": "COMPLETE",
        "eventTime": format!("2024-05-01T10:{n:02}:00Z"),
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-{n:012}")},
        "job": {"namespace": "shop", "name": job},
        "inputs": [{"namespace": NS, "name": input}],
        "outputs": [{"namespace": NS, "name": output, "facets": facets}],
    })
}

/// The columns of `order_totals`: more than the 30 a dataset page shows.
fn order_totals_columns() -> Vec<(String, String)> {
    let mut cols: Vec<(String, String)> = [
        ("customer", "VARCHAR"),
        ("total", "DECIMAL(12,2)"),
        ("order_count", "BIGINT"),
        ("first_order_at", "TIMESTAMP"),
        ("last_order_at", "TIMESTAMP"),
        ("currency", "CHAR(3)"),
    ]
    .iter()
    .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
    .collect();
    for month in 1..=36 {
        cols.push((
            format!("total_month_{month:02}"),
            "DECIMAL(12,2)".to_owned(),
        ));
    }
    cols
}

fn events() -> Vec<Value> {
    let orders = json!({
        "eventTime": "2024-05-01T09:00:00Z",
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": ORDERS, "facets": {
            "schema": schema(&[("order_id", "BIGINT"), ("email", "VARCHAR"),
                               ("amount", "DECIMAL(12,2)"), ("created_at", "TIMESTAMP")]),
            "documentation": documentation("One row per order placed in the shop"),
            "ownership": owned_by_alice(),
            "tags": tags(json!([{"key": "pii", "value": "email", "field": "email", "source": "CATALOG"}])),
        }},
    });
    let cols = order_totals_columns();
    let fields: Vec<(&str, &str)> = cols.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let totals = run_event(
        1,
        "daily_order_totals",
        ORDERS,
        ORDER_TOTALS,
        json!({
            "schema": schema(&fields),
            "columnLineage": column_lineage(&[
                ("customer", ORDERS, "email", "IDENTITY"),
                ("total", ORDERS, "amount", "AGGREGATION"),
            ]),
            "documentation": documentation("Order totals per customer, refreshed daily"),
            "ownership": owned_by_alice(),
            "tags": tags(json!([{"key": "tier", "value": "gold"}])),
        }),
    );
    let top = run_event(
        2,
        "top_customers",
        ORDER_TOTALS,
        TOP_CUSTOMERS,
        json!({
            "schema": schema(&[("customer", "VARCHAR"), ("total", "DECIMAL(12,2)")]),
            "columnLineage": column_lineage(&[
                ("customer", ORDER_TOTALS, "customer", "IDENTITY"),
                ("total", ORDER_TOTALS, "total", "IDENTITY"),
            ]),
            "ownership": owned_by_alice(),
        }),
    );
    vec![orders, totals, top]
}

/// Posts the shop and waits until the eventually consistent views show it: the search
/// index finds `order_totals` first, and the graph has carried `pii.email` two hops
/// down to the report.
fn seed(s: &Server) {
    for e in events() {
        let (status, body) = s.post_event(e.to_string());
        assert_eq!(status, 201, "{body}\n{e:#}");
    }
    eventually("search finds order_totals first", || {
        let (status, v) = s.get("/api/v1/search?q=order%20totals&filter=DATASET");
        (status == 200 && v["results"][0]["name"] == ORDER_TOTALS).then_some(())
    });
    let report = format!("datasetField:{NS}:{TOP_CUSTOMERS}:customer");
    eventually("pii.email reaches the report", || {
        let (status, v) = s.get(&format!("/api/v1/tags?nodeId={}", enc(&report)));
        let tags = v["tags"].as_array().filter(|_| status == 200)?;
        tags.iter().any(|t| t["tag"] == "pii.email").then_some(())
    });
    eventually("the report is downstream of order_totals", || {
        let id = format!("dataset:{NS}:{ORDER_TOTALS}");
        let (status, v) = s.get(&format!("/api/v1/lineage?nodeId={}&depth=1", enc(&id)));
        let graph = v["graph"].as_array().filter(|_| status == 200)?;
        graph
            .iter()
            .any(|n| n["id"] == format!("dataset:{NS}:{TOP_CUSTOMERS}"))
            .then_some(())
    });
}

/// Polls `probe` until it gives `Some`, for at most 20 s.
fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

// --- Node ------------------------------------------------------------------------------

/// Node.js with graphql-js installed, or `None` (after a note) when either is missing
/// outside CI.
fn test_node() -> Option<PathBuf> {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let missing = |what: String| {
        assert!(!ci, "{what} (CI is set): run scripts/test.sh");
        eprintln!(
            "note: {what}; skipping the GraphQL conformance check (scripts/test.sh sets it up)"
        );
    };
    let node = match std::env::var_os("WEFT_TEST_NODE").filter(|v| !v.is_empty()) {
        Some(n) => PathBuf::from(n),
        None => PathBuf::from("node"),
    };
    match Command::new(&node).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => {
            missing(format!(
                "no Node.js at {} (WEFT_TEST_NODE, else node on PATH)",
                node.display()
            ));
            return None;
        }
    }
    let graphql = workspace().join("tests/conformance/node_modules/graphql/package.json");
    if !Path::new(&graphql).is_file() {
        missing("tests/conformance/node_modules is not installed (npm ci there)".to_owned());
        return None;
    }
    Some(node)
}

/// The operations the README shows are the checked ones: every ```graphql block of
/// README.md is, comments aside, one of `schemas/examples/`, and the three users'
/// examples the README promises are there.
#[test]
fn readme_shows_the_checked_examples() {
    let strip = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    };
    let dir = workspace().join("schemas").join("examples");
    let mut examples = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("schemas/examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let text = std::fs::read_to_string(&path).expect("example");
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            examples.insert(strip(&text), name);
        }
    }
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let mut shown = Vec::new();
    for block in readme.split("```graphql\n").skip(1) {
        let body = block.split("```").next().expect("a closed block");
        match examples.get(&strip(body)) {
            Some(name) => shown.push(name.clone()),
            None => panic!(
                "README.md shows a GraphQL operation that is not a file in schemas/examples \
                 (so nothing checks it):\n{body}"
            ),
        }
    }
    for wanted in [
        "find_dataset",
        "pii_origin",
        "review_queue",
        "review_decision",
    ] {
        assert!(
            shown.iter().any(|s| s == wanted),
            "README.md should show schemas/examples/{wanted}.graphql; it shows {shown:?}"
        );
    }
}
