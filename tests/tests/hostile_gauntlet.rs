//! One server through every hostile request the hardening work bounds, one after the
//! other, while a second thread watches its resident memory and keeps asking
//! `/healthz`: the GraphQL fragment fan-out, an alias flood of deep lineage traversals,
//! a 10 MB document, a job with 100,000 inputs, a 10 MB dataset name, an unknown
//! `eventType`, an 8 MB `sql` facet selecting a million columns (and 3 MB of it, which is
//! stored but not parsed), and a client that stalls mid-body. Each is refused or bounded; memory stays flat; `/healthz` answers
//! throughout; and SIGTERM afterwards stops the server cleanly.
//!
//! The server's CPU time for the whole run is printed (not asserted: timings belong to
//! benchmarks).

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use weft_tests::hostile::{fan_out_on, lineage_aliases, rss_kib};
use weft_tests::{Backend, Server};

const NS: &str = "gauntlet";
const MODERN: &str = "application/graphql-response+json";

/// The server's user + system CPU seconds so far, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("proc stat");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f
        .get(11..13)
        .map(|t| t.iter().filter_map(|x| x.parse::<f64>().ok()).sum())
        .unwrap_or(0.0);
    ticks / 100.0
}

fn run_event(job: &str, inputs: Value, job_facets: Value) -> Value {
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "eventType": "COMPLETE",
        "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "00000000-0000-4000-8000-000000000001"},
        "job": {"namespace": NS, "name": job, "facets": job_facets},
        "inputs": inputs,
        "outputs": [{"namespace": NS, "name": "orders"}]
    })
}

/// What the watcher saw.
struct Watch {
    peak_kib: u64,
    health_checks: usize,
    health_failures: Vec<String>,
}

fn watch(url: String, pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Watch> {
    std::thread::spawn(move || {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let mut w = Watch {
            peak_kib: 0,
            health_checks: 0,
            health_failures: Vec::new(),
        };
        while !stop.load(Ordering::Relaxed) {
            w.peak_kib = w.peak_kib.max(rss_kib(pid));
            w.health_checks += 1;
            match http.get(format!("{url}/healthz")).send() {
                Ok(r) if r.status().as_u16() == 200 => {}
                Ok(r) => w.health_failures.push(format!("status {}", r.status())),
                Err(e) => w.health_failures.push(e.to_string()),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        w
    })
}

fn refused(status: u16, body: &str, what: &str) {
    assert!(
        (400..500).contains(&status),
        "{what}: {status} {}",
        &body[..body.len().min(300)]
    );
}

#[test]
fn hostile_requests_are_bounded_while_the_server_stays_healthy() {
    let mut s = Server::start(
        Backend::Sqlite,
        &["--header-read-timeout", "2s", "--body-timeout", "2s"],
    );
    let pid = s.pid().expect("server pid");
    let (st, text) = s.post_event(
        json!({
            "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/p",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
            "dataset": {"namespace": NS, "name": "orders", "facets": {}}
        })
        .to_string(),
    );
    assert_eq!(st, 201, "{text}");
    std::thread::sleep(Duration::from_millis(500));
    let baseline = rss_kib(pid);
    let cpu_before = cpu_seconds(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch(s.url.clone(), pid, stop.clone());

    // GraphQL: 2^29 fields from 1.4 KB, 1,000 deep traversals, 10 MB of __typename.
    for (what, doc) in [
        ("fragment fan-out", fan_out_on("", "Query", 30)),
        ("alias flood", lineage_aliases(NS, 1_000)),
        (
            "10 MB document",
            format!("{{ {} }}", "__typename ".repeat(1_000_000)),
        ),
    ] {
        let body = json!({"query": doc}).to_string();
        let r = s.graphql_request(None, MODERN, "application/json", body);
        refused(r.status, &r.body.to_string(), what);
        assert!(
            r.body.get("data").is_none_or(Value::is_null),
            "{what}: {}",
            r.body
        );
    }

    // Events: a job with 100,000 inputs, a 10 MB name, an unknown eventType.
    let inputs: Vec<Value> = (0..100_000)
        .map(|i| json!({"namespace": NS, "name": format!("in{i}")}))
        .collect();
    let (st, text) = s.post_event(run_event("wide", Value::Array(inputs), json!({})).to_string());
    refused(st, &text, "100,000 inputs");
    let long = "n".repeat(10 << 20);
    let (st, text) = s.post_event(run_event(&long, json!([]), json!({})).to_string());
    refused(st, &text, "10 MB job name");
    let mut bogus = run_event("bogus", json!([]), json!({}));
    bogus["eventType"] = "BOGUS".into();
    let (st, text) = s.post_event(bogus.to_string());
    refused(st, &text, "eventType BOGUS");
    assert!(text.contains("eventType"), "{text}");

    // 8 MB of SQL selecting a million columns: over the facet size limit. 3 MB of it
    // (350,000 columns): stored, but over the size Weft parses, so never parsed.
    let sql_of = |n: usize| {
        let columns: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        format!("SELECT {} FROM src", columns.join(", "))
    };
    let facets = |sql: String| json!({"sql": {"_producer": "p", "_schemaURL": "s", "query": sql}});
    let (st, text) =
        s.post_event(run_event("huge_sql", json!([]), facets(sql_of(1_000_000))).to_string());
    refused(st, &text, "8 MB sql facet");
    let (st, text) =
        s.post_event(run_event("big_sql", json!([]), facets(sql_of(350_000))).to_string());
    assert!(st < 300, "3 MB of SQL is stored: {st} {text}");

    // A client that declares a body, sends a little of it and stalls: 408.
    let addr = s.url.trim_start_matches("http://").to_owned();
    let mut c = TcpStream::connect(&addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    c.write_all(
        b"POST /api/v1/lineage HTTP/1.1\r\nHost: weft\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"eventTime\"",
    )
    .expect("write");
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut c, &mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");

    // Whatever the views do with what was accepted, they finish: health keeps answering.
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    let w = watcher.join().expect("watcher");
    let cpu = cpu_seconds(pid) - cpu_before;
    eprintln!(
        "gauntlet: server CPU {cpu:.2} s; RSS {} MiB before, peak {} MiB; {} health checks",
        baseline / 1024,
        w.peak_kib / 1024,
        w.health_checks
    );
    assert!(
        w.health_failures.is_empty(),
        "/healthz failed: {:?}",
        w.health_failures
    );
    assert!(w.health_checks > 5, "the watcher ran");
    assert!(
        w.peak_kib < baseline + 400 * 1024,
        "RSS grew from {} to {} MiB",
        baseline / 1024,
        w.peak_kib / 1024
    );
    assert_eq!(
        s.terminate_within(Duration::from_secs(60)),
        Some(true),
        "SIGTERM stops the server cleanly"
    );
}
