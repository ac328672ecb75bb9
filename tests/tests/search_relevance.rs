//! Search relevance, end to end: a warehouse of 60 look-alike datasets (the table
//! everyone uses, its well-documented but unused archive copy, a backup, a scratch copy
//! and a gold mart built from it), usage from a real query-log crawl, lineage from the
//! log's INSERT … SELECT statements, tiers from tags. Fifteen judged queries must reach
//! nDCG@5 ≥ 0.9, and the same catalog ranked with the usage weights set to zero must
//! score measurably lower, so the usage signal is shown to do the work.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use weft_tests::{Backend, Server, enc};

const NS: &str = "postgres://wh.example.com:5432";

const CONCEPTS: [&str; 12] = [
    "orders",
    "customers",
    "payments",
    "products",
    "invoices",
    "shipments",
    "sessions",
    "refunds",
    "inventory",
    "suppliers",
    "employees",
    "campaigns",
];

fn columns(concept: &str) -> Vec<&'static str> {
    match concept {
        "orders" => vec!["order_id", "customer_id", "amount", "ordered_at"],
        "customers" => vec!["customer_id", "email", "full_name", "created_at"],
        _ => vec!["id", "name", "status", "updated_at"],
    }
}

fn dataset_event(
    name: &str,
    fields: &[&str],
    description: Option<&str>,
    tier: Option<&str>,
    owner: Option<&str>,
) -> Value {
    let mut facets = json!({
        "schema": {"_producer": "p", "_schemaURL": "s",
            "fields": fields.iter().map(|f| json!({"name": f, "type": "text"})).collect::<Vec<_>>()}
    });
    if let Some(d) = description {
        facets["documentation"] = json!({"_producer": "p", "_schemaURL": "s", "description": d});
    }
    if let Some(t) = tier {
        facets["tags"] =
            json!({"_producer": "p", "_schemaURL": "s", "tags": [{"key": "tier", "value": t}]});
    }
    if let Some(o) = owner {
        facets["ownership"] = json!({"_producer": "p", "_schemaURL": "s", "owners": [{"name": o}]});
    }
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": facets}
    })
}

/// The catalog: per concept, five datasets whose names all match the concept.
fn catalog() -> Vec<Value> {
    let mut out = Vec::new();
    for c in CONCEPTS {
        let cols = columns(c);
        // The one everyone queries: terse, undocumented, as real hot tables often are.
        out.push(dataset_event(
            &format!("warehouse.core.{c}"),
            &cols,
            None,
            None,
            None,
        ));
        // Its archive: same name, carefully documented and owned, and read by nobody.
        let doc = format!("Archived {c}: the full history of {c}, kept for audits");
        out.push(dataset_event(
            &format!("warehouse.archive.{c}"),
            &cols,
            Some(&doc),
            None,
            Some("team:records"),
        ));
        out.push(dataset_event(
            &format!("warehouse.core.{c}_bak_2019"),
            &cols,
            None,
            None,
            None,
        ));
        out.push(dataset_event(
            &format!("warehouse.scratch.tmp_{c}_v2"),
            &cols,
            None,
            None,
            None,
        ));
        let mart_doc = format!("Daily {c} facts for dashboards");
        out.push(dataset_event(
            &format!("warehouse.marts.fct_{c}"),
            &cols,
            Some(&mart_doc),
            Some("gold"),
            Some("team:analytics"),
        ));
    }
    out
}

/// A query log of the last two weeks: the core tables read by many analysts, the marts
/// by a few dashboards, half of them rebuilt from the core tables.
fn query_log() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut lines = Vec::new();
    let mut t = now - 14 * 86400;
    for (i, c) in CONCEPTS.iter().enumerate() {
        let col = columns(c)[1];
        for k in 0..30 {
            t += 60;
            lines.push(json!({
                "query": format!("SELECT {col}, count(*) FROM warehouse.core.{c} WHERE {col} = '{k}-{i}' GROUP BY 1"),
                "user": format!("analyst{}", (k + i) % 12),
                "start_time": t,
            }));
        }
        for k in 0..6 {
            t += 60;
            lines.push(json!({
                "query": format!("SELECT * FROM warehouse.marts.fct_{c} WHERE {col} = '{k}'"),
                "user": format!("dashboard{}", k % 2),
                "start_time": t,
            }));
        }
        // Half of the marts are rebuilt by a logged job (lineage); the others by a tool
        // whose queries the log does not hold, as happens: there only usage tells the
        // hot table from its archive.
        if i % 2 == 0 {
            t += 60;
            lines.push(json!({
                "query": format!("INSERT INTO warehouse.marts.fct_{c} SELECT * FROM warehouse.core.{c}"),
                "user": "etl",
                "start_time": t,
            }));
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// (query, graded relevance of each dataset name; unlisted names are 0).
fn judgments() -> Vec<(String, Vec<(String, f64)>)> {
    let grades = |c: &str| {
        vec![
            (format!("warehouse.core.{c}"), 3.0),
            (format!("warehouse.marts.fct_{c}"), 2.0),
            (format!("warehouse.archive.{c}"), 1.0),
        ]
    };
    let mut out: Vec<(String, Vec<(String, f64)>)> = CONCEPTS
        .iter()
        .map(|c| (c.to_string(), grades(c)))
        .collect();
    // Typos and two-word queries.
    out.push(("ordrs".into(), grades("orders")));
    out.push(("custmers".into(), grades("customers")));
    out.push(("core payments".into(), grades("payments")));
    out.push(("shipments history".into(), grades("shipments")));
    out
}

fn ndcg_at_5(ranked: &[String], grades: &[(String, f64)]) -> f64 {
    let gain = |name: &str| {
        grades
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, g)| *g)
            .unwrap_or(0.0)
    };
    let dcg: f64 = ranked
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, n)| gain(n) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<f64> = grades.iter().map(|(_, g)| *g).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, g)| g / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

fn mean_ndcg(s: &Server) -> (f64, Vec<(String, f64, Vec<String>)>) {
    let mut per_query = Vec::new();
    for (q, grades) in judgments() {
        let r = s.get_ok(&format!(
            "/api/v1/search?q={}&limit=5&filter=DATASET",
            enc(&q)
        ));
        let ranked: Vec<String> = r["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["name"].as_str().map(str::to_owned))
            .collect();
        per_query.push((q, ndcg_at_5(&ranked, &grades), ranked));
    }
    let mean = per_query.iter().map(|(_, n, _)| n).sum::<f64>() / per_query.len() as f64;
    (mean, per_query)
}

/// Waits until the search index reflects usage: the core table outranks its archive.
fn wait_for_index(s: &Server, expect_usage: bool) {
    let start = Instant::now();
    loop {
        let r = s.get("/api/v1/search?q=inventory&limit=5");
        if r.0 == 200 {
            let hits = r.1["results"].as_array().cloned().unwrap_or_default();
            let usage_seen = hits
                .iter()
                .any(|h| h["explain"]["usage"].as_f64().is_some_and(|u| u > 1.0));
            if hits.len() >= 5 && usage_seen == expect_usage {
                return;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "search index never settled: {:?}",
            r
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn usage_ranked_search_reaches_ndcg_0_9_and_usage_does_the_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = Server::start(Backend::Sqlite, &[]);
    let events: String = catalog().iter().map(|e| format!("{e}\n")).collect();
    let (code, body) = s.post("/api/v1/lineage", events, "application/x-ndjson");
    assert!(code < 300, "{code} {body}");
    let log = dir.path().join("log.jsonl");
    std::fs::write(&log, query_log()).expect("writes the log");
    let log = log.display().to_string();
    let out = s.weft(&[
        "crawl",
        "--query-log",
        &log,
        "--format",
        "jsonl",
        "--dialect",
        "postgres",
        "--namespace",
        NS,
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The crawl wrote behind the server's back; the index picks it up from the log.
    wait_for_index(&s, true);
    // The lineage from the logged INSERTs has reached the index too.
    let start = Instant::now();
    while s.get_ok("/api/v1/search?q=warehouse.core.orders&limit=1")["results"][0]["explain"]["centrality"]
        .as_f64()
        .is_none_or(|c| c <= 1.0)
    {
        assert!(start.elapsed() < Duration::from_secs(60), "no lineage signal");
        std::thread::sleep(Duration::from_millis(250));
    }
    let (with_usage, detail) = mean_ndcg(&s);
    assert!(
        with_usage >= 0.9,
        "nDCG@5 {with_usage:.3} < 0.9: {detail:#?}"
    );

    // The same catalog, ranked with the usage weights at zero (a config change rebuilds
    // the index at start).
    let conf = dir.path().join("weft.toml");
    std::fs::write(
        &conf,
        "[search.weights]\nreads = 0.0\nusers = 0.0\nzombie = 1.0\n",
    )
    .expect("writes weft.toml");
    s.kill9();
    let mut s2 = s;
    s2.set_extra(&["--config", &conf.display().to_string()]);
    s2.restart();
    wait_for_index(&s2, false);
    let (without_usage, detail) = mean_ndcg(&s2);
    assert!(
        without_usage < with_usage - 0.05,
        "without usage {without_usage:.3} vs with {with_usage:.3}: {detail:#?}"
    );
    eprintln!("nDCG@5: {with_usage:.3} with usage, {without_usage:.3} without");
}
