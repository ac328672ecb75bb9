//! Column lineage derived from a job's SQL facet, end to end over HTTP on both backends:
//! names in the SQL resolve against the event's datasets and then the catalog, derived
//! edges sit beside the producer's (never over them), disagreements are flagged, a
//! statement that does not parse is recorded with its position while the others still
//! give lineage, a changed query replaces the job's derived edges, and a rebuild
//! derives them again from the log.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends};

const NS: &str = "postgres://db:5432";

fn schema(fields: &[&str]) -> Value {
    json!({
        "_producer": "https://example.test/producer",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        "fields": fields.iter().map(|f| json!({"name": f, "type": "text"})).collect::<Vec<_>>(),
    })
}

fn customers_event() -> Value {
    json!({
        "eventTime": "2024-05-01T09:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": "shop.public.customers",
                    "facets": {"schema": schema(&["id", "email"])}},
    })
}

fn run_event(run: u32, time: &str, query: &str) -> Value {
    let edge = |field: &str, ty: &str, sub: &str| {
        json!({"namespace": NS, "name": "shop.public.orders", "field": field,
               "transformations": [{"type": ty, "subtype": sub, "masking": false}]})
    };
    json!({
        "eventTime": time,
        "eventType": "COMPLETE",
        "producer": "https://example.test/scheduler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-{run:012}")},
        "job": {"namespace": "etl", "name": "daily_totals", "facets": {"sql": {
            "_producer": "https://example.test/scheduler",
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json",
            "query": query}}},
        "inputs": [{"namespace": NS, "name": "shop.public.orders",
                    "facets": {"schema": schema(&["id", "customer_id", "amount", "status"])}}],
        "outputs": [{"namespace": NS, "name": "shop.public.order_totals", "facets": {
            "schema": schema(&["customer_id", "total", "email_hash"]),
            "columnLineage": {
                "_producer": "https://example.test/scheduler",
                "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                "fields": {
                    "total": {"inputFields": [edge("amount", "DIRECT", "AGGREGATION")]},
                    // The producer is wrong here: the SQL reads customer_id.
                    "customer_id": {"inputFields": [edge("id", "DIRECT", "IDENTITY")]},
                }}}}],
    })
}

const QUERY: &str = "SELEC broken FROM;\n\
    INSERT INTO public.order_totals\n\
    SELECT o.customer_id, sum(o.amount) AS total, max(md5(c.email)) AS email_hash\n\
    FROM public.orders o JOIN customers c ON c.id = o.customer_id\n\
    WHERE o.status = 'paid' GROUP BY o.customer_id";

const NEW_QUERY: &str = "INSERT INTO public.order_totals \
    SELECT customer_id, sum(amount) AS total, NULL AS email_hash FROM public.orders \
    GROUP BY customer_id";

fn node(field: &str) -> Value {
    // Returned as a JSON value so callers can compare it with graph ids.
    Value::from(format!(
        "datasetField:{NS}:shop.public.order_totals:{field}"
    ))
}

/// The column's own node in its column lineage.
fn column(server: &Server, field: &str) -> Value {
    server.column_node(node(field).as_str().unwrap_or_default())
}

fn input<'a>(col: &'a Value, dataset: &str, field: &str) -> Option<&'a Value> {
    col["data"]["inputFields"]
        .as_array()?
        .iter()
        .find(|i| i["dataset"] == dataset && i["field"] == field)
}

fn origins(i: &Value) -> Vec<&str> {
    i["edgeOrigins"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Waits (the view runs after the push is acknowledged) until `ready` holds.
fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn check_derived(server: &Server) {
    eventually("the SQL-derived email_hash edge", || {
        input(
            &column(server, "email_hash"),
            "shop.public.customers",
            "email",
        )
        .is_some()
    });
    let email = column(server, "email_hash");
    let from_email = input(&email, "shop.public.customers", "email").expect("edge");
    assert_eq!(origins(from_email), ["sql"]);
    assert_eq!(from_email["namespace"], NS);
    let t = &from_email["transformations"][0];
    assert_eq!(
        (
            t["type"].as_str(),
            t["subtype"].as_str(),
            t["masking"].as_bool()
        ),
        (Some("DIRECT"), Some("AGGREGATION"), Some(true)),
        "{from_email}"
    );

    // Both sides agree on total: one input, the producer's transformations, two origins.
    let total = column(server, "total");
    let amount = input(&total, "shop.public.orders", "amount").expect("total ← amount");
    assert_eq!(origins(amount), ["openlineage", "sql"]);
    assert_eq!(total["data"]["lineageDisagreement"], Value::Null);

    // They disagree on customer_id: the producer's edge stays as declared, the derived
    // one sits beside it, and the column says so.
    let cid = column(server, "customer_id");
    let declared = input(&cid, "shop.public.orders", "id").expect("declared edge kept");
    assert_eq!(origins(declared), ["openlineage"]);
    assert_eq!(declared["transformations"][0]["subtype"], "IDENTITY");
    let derived = input(&cid, "shop.public.orders", "customer_id").expect("derived edge");
    assert_eq!(origins(derived), ["sql"]);
    assert_eq!(
        cid["data"]["lineageDisagreement"],
        json!({
            "declaredOnly": [format!("datasetField:{NS}:shop.public.orders:id")],
            "sqlOnly": [format!("datasetField:{NS}:shop.public.orders:customer_id")],
        })
    );

    // The bad first statement is recorded with its position; the second still counted.
    let job = server.get_ok("/api/v1/namespaces/etl/jobs/daily_totals");
    let status = &job["sqlLineage"];
    assert_eq!(status["statements"], 2, "{status}");
    assert_eq!(status["dialect"], "postgres", "{status}");
    let errors = status["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{status}");
    assert_eq!(
        (errors[0]["statement"].as_u64(), errors[0]["line"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(
        errors[0]["column"].as_u64().is_some_and(|c| c >= 1),
        "{status}"
    );
    assert!(status["edges"].as_u64().is_some_and(|n| n >= 3), "{status}");
    assert_eq!(status["unresolved"], json!([]), "{status}");
}

fn run(backend: Backend) {
    let mut server = Server::start(backend, &[]);
    let (status, body) = server.post_event(customers_event().to_string());
    assert_eq!(status, 201, "{body}");
    let (status, body) = server.post_event(run_event(1, "2024-05-01T10:00:00Z", QUERY).to_string());
    assert_eq!(status, 201, "{body}");
    check_derived(&server);

    // A rebuild (offline, like every rebuild) derives the same edges again from the log.
    server.rebuild();
    check_derived(&server);

    // A new query replaces what the old one implied; the producer's edges stay.
    let (status, body) =
        server.post_event(run_event(2, "2024-05-02T10:00:00Z", NEW_QUERY).to_string());
    assert_eq!(status, 201, "{body}");
    eventually("the old query's edges to go", || {
        input(
            &column(&server, "email_hash"),
            "shop.public.customers",
            "email",
        )
        .is_none()
    });
    let cid = column(&server, "customer_id");
    assert!(
        input(&cid, "shop.public.orders", "id").is_some(),
        "declared edge kept: {cid}"
    );
    assert!(
        input(&cid, "shop.public.orders", "customer_id").is_some(),
        "{cid}"
    );
    let job = server.get_ok("/api/v1/namespaces/etl/jobs/daily_totals");
    assert_eq!(job["sqlLineage"]["errors"], json!([]), "{job}");
    assert_eq!(job["sqlLineage"]["statements"], 1);
}

#[test]
fn sql_facets_become_column_lineage_beside_declared_edges() {
    for backend in backends() {
        run(backend);
    }
}
