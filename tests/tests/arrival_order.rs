//! The same events leave the same catalog whatever order they arrive in.
//!
//! Producers retry, the composite transport sends twice and Kafka partitions interleave,
//! so current state must follow each event's `eventTime`, not its arrival. This posts
//! the project's own events (schemas that evolve, a drop and a re-create, a facet removed
//! and an older copy arriving late, run states, column lineage whose transformations
//! change, equal-time ties) and, when found, the shared real-world events, in file
//! order, reversed and in seeded shuffles, on SQLite and PostgreSQL, and compares the
//! whole current state read back over the API: namespaces, datasets (schema, facets,
//! lifecycle, tags, owners), their column lineage, jobs, and every run. Only what records
//! arrival is left out: wall-clock `createdAt`/`updatedAt` and version numbers, which
//! count versions in the order Weft learned of them.

use std::path::PathBuf;

use serde_json::{Value, json};
use weft_tests::{Server, backends, corpora, enc, eventually};

const NS: &str = "arrival";

fn t(hour: u32, min: u32) -> String {
    format!("2024-06-01T{hour:02}:{min:02}:00Z")
}

fn schema(fields: &[&str]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| json!({"name": f, "type": "STRING"}))
        .collect();
    json!({"_producer": "p", "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", "fields": fields})
}

fn facet(body: Value) -> Value {
    let mut v = json!({"_producer": "p", "_schemaURL": "https://example.com/facet.json"});
    if let (Some(o), Some(b)) = (v.as_object_mut(), body.as_object()) {
        o.extend(b.clone());
    }
    v
}

fn dataset_event(time: &str, name: &str, facets: Value) -> Value {
    json!({
        "eventTime": time,
        "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": facets}
    })
}

fn run_event(
    time: &str,
    kind: &str,
    run: &str,
    job_facets: Value,
    run_facets: Value,
    outputs: Value,
) -> Value {
    json!({
        "eventTime": time,
        "eventType": kind,
        "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run, "facets": run_facets},
        "job": {"namespace": NS, "name": "load_orders", "facets": job_facets},
        "inputs": [{"namespace": NS, "name": "src", "facets": {"schema": schema(&["id", "amount", "email"])}}],
        "outputs": outputs
    })
}

fn lineage(transformation: &str) -> Value {
    facet(json!({"fields": {
        "amount": {"inputFields": [{"namespace": NS, "name": "src", "field": "amount",
            "transformations": [{"type": "DIRECT", "subtype": transformation}]}]},
        "id": {"inputFields": [{"namespace": NS, "name": "src", "field": "id",
            "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}
    }}))
}

/// The project's own events: each pair states something twice at different times (or
/// at the same time, differently), so that the order they arrive in would show.
fn own_events() -> Vec<String> {
    let run1 = "00000000-0000-4000-8000-000000000001";
    let run2 = "00000000-0000-4000-8000-000000000002";
    let out = |fields: &[&str], transformation: &str, extra: Value| {
        let mut facets =
            json!({"schema": schema(fields), "columnLineage": lineage(transformation)});
        if let (Some(o), Some(e)) = (facets.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        json!([{"namespace": NS, "name": "orders", "facets": facets}])
    };
    let sql = |q: &str| json!({"sql": facet(json!({"query": q}))});
    let events = vec![
        // A run of the first version of the job, then one of the second.
        run_event(
            &t(10, 0),
            "START",
            run1,
            sql("SELECT id, amount FROM src"),
            json!({"attempt": facet(json!({"n": 1}))}),
            out(
                &["id", "amount"],
                "IDENTITY",
                json!({"documentation": facet(json!({"description": "first"}))}),
            ),
        ),
        run_event(
            &t(10, 5),
            "COMPLETE",
            run1,
            sql("SELECT id, amount FROM src"),
            json!({"attempt": facet(json!({"n": 2}))}),
            out(&["id", "amount"], "IDENTITY", json!({})),
        ),
        run_event(
            &t(11, 0),
            "START",
            run2,
            sql("SELECT id, amount * 100 AS amount FROM src"),
            json!({}),
            out(
                &["id", "amount", "email"],
                "TRANSFORMATION",
                json!({
                    "documentation": facet(json!({"description": "second"})),
                    "ownership": facet(json!({"owners": [{"name": "team:sales"}]})),
                }),
            ),
        ),
        run_event(
            &t(11, 10),
            "FAIL",
            run2,
            sql("SELECT id, amount * 100 AS amount FROM src"),
            json!({"errorMessage": facet(json!({"message": "disk full", "programmingLanguage": "SQL"}))}),
            out(&["id", "amount", "email"], "TRANSFORMATION", json!({})),
        ),
        // The table is dropped, then created again with another schema.
        dataset_event(
            &t(12, 0),
            "orders",
            json!({"lifecycleStateChange": facet(json!({"lifecycleStateChange": "DROP"})), "schema": schema(&[])}),
        ),
        dataset_event(
            &t(12, 30),
            "orders",
            json!({"lifecycleStateChange": facet(json!({"lifecycleStateChange": "CREATE"})), "schema": schema(&["id", "total"])}),
        ),
        // A facet set, removed, and an older copy that arrives whenever it arrives.
        dataset_event(
            &t(9, 0),
            "audit",
            json!({"quality": facet(json!({"score": 1}))}),
        ),
        dataset_event(
            &t(10, 0),
            "audit",
            json!({"quality": facet(json!({"score": 2})), "schema": schema(&["a"])}),
        ),
        dataset_event(
            &t(11, 0),
            "audit",
            json!({"quality": {"_producer": "p", "_schemaURL": "https://example.com/facet.json", "_deleted": true}}),
        ),
        // The same value stated again later: an older, different value must not win.
        dataset_event(
            &t(8, 0),
            "restated",
            json!({"documentation": facet(json!({"description": "A"}))}),
        ),
        dataset_event(
            &t(9, 0),
            "restated",
            json!({"documentation": facet(json!({"description": "B"}))}),
        ),
        dataset_event(
            &t(10, 0),
            "restated",
            json!({"documentation": facet(json!({"description": "A"}))}),
        ),
        // Two statements at the very same time: settled by what they say, not arrival.
        dataset_event(
            &t(14, 0),
            "tie",
            json!({"documentation": facet(json!({"description": "left"})), "schema": schema(&["l"])}),
        ),
        dataset_event(
            &t(14, 0),
            "tie",
            json!({"documentation": facet(json!({"description": "right"})), "schema": schema(&["r"])}),
        ),
        // Tags and owners that change; one tag lacks its value.
        dataset_event(
            &t(10, 0),
            "tagged",
            json!({
                "tags": facet(json!({"tags": [{"key": "pii", "value": "email", "source": "MANUAL", "field": "email"}, {"key": "tier"}]})),
                "ownership": facet(json!({"owners": [{"name": "user:alice"}]})),
            }),
        ),
        dataset_event(
            &t(11, 0),
            "tagged",
            json!({
                "tags": facet(json!({"tags": [{"key": "domain", "value": "sales", "source": "MANUAL"}]})),
            }),
        ),
    ];
    events.iter().map(Value::to_string).collect()
}

/// The real-world events of the external corpus (`weft_tests::corpora`),
/// when they are there.
fn shared_events() -> Vec<String> {
    let Some(dir) = corpora::find(
        "openlineage-events",
        "arrival_order: the real-world events in every order",
    ) else {
        return Vec::new();
    };
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "INDEX.json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable event"))
        .collect()
}

/// A small deterministic shuffle (no randomness crate for one test): the seed is in the
/// failure message, so a failing order can be replayed.
fn shuffled(events: &[String], seed: u64) -> Vec<String> {
    let mut out = events.to_vec();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..out.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = (x % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

/// Removes what records arrival rather than content.
fn strip(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for key in [
                "createdAt",
                "updatedAt",
                "analyzedAt",
                "changeSeq",
                "version",
                "currentVersion",
            ] {
                o.remove(key);
            }
            o.values_mut().for_each(strip);
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The whole current state, read back over the API.
fn state(server: &Server) -> Value {
    // Lineage parsed from job SQL is written by a view, and tags come from the graph
    // view, which re-reads a busy dataset at most every few seconds: wait until both
    // have applied the whole log and nothing waits.
    for view in ["sql_lineage", "graph"] {
        eventually(
            &format!("{view} view caught up"),
            || {
                (
                    server.metric("weft_change_log_seq"),
                    server.metric(&format!("weft_view_seq{{view=\"{view}\"}}")),
                )
            },
            |(log, seen)| seen >= log,
        );
    }
    eventually(
        "graph view has nothing deferred",
        || server.metric("weft_view_pending{view=\"graph\"}"),
        |n| *n == 0.0,
    );
    let mut out = serde_json::Map::new();
    let namespaces = server.get_ok("/api/v1/namespaces");
    for ns in namespaces["namespaces"].as_array().expect("namespaces") {
        let ns = ns["name"].as_str().expect("name");
        let mut datasets = serde_json::Map::new();
        let list = server.get_ok(&format!(
            "/api/v1/namespaces/{}/datasets?limit=1000",
            enc(ns)
        ));
        for d in list["datasets"].as_array().expect("datasets") {
            let name = d["name"].as_str().expect("name");
            let mut ds = server.get_ok(&format!(
                "/api/v1/namespaces/{}/datasets/{}",
                enc(ns),
                enc(name)
            ));
            let node = format!("dataset:{ns}:{name}");
            let (status, lineage) =
                server.get(&format!("/api/v1/column-lineage?nodeId={}", enc(&node)));
            ds["columnLineage"] = json!({"status": status, "body": lineage});
            datasets.insert(name.to_owned(), ds);
        }
        let mut jobs = serde_json::Map::new();
        let list = server.get_ok(&format!("/api/v1/namespaces/{}/jobs?limit=1000", enc(ns)));
        for j in list["jobs"].as_array().expect("jobs") {
            let name = j["name"].as_str().expect("name");
            let mut job = server.get_ok(&format!(
                "/api/v1/namespaces/{}/jobs/{}",
                enc(ns),
                enc(name)
            ));
            job["runs"] = server.get_ok(&format!(
                "/api/v1/namespaces/{}/jobs/{}/runs?limit=1000",
                enc(ns),
                enc(name)
            ))["runs"]
                .clone();
            jobs.insert(name.to_owned(), job);
        }
        out.insert(ns.to_owned(), json!({"datasets": datasets, "jobs": jobs}));
    }
    let mut v = Value::Object(out);
    strip(&mut v);
    v
}

/// The first path where two states differ, for a failure message that can be read.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if let Some(k) = y.keys().find(|k| !x.contains_key(*k)) {
                return Some(format!("{path}.{k}: missing vs {}", y[k]));
            }
            x.iter().find_map(|(k, va)| match y.get(k) {
                Some(vb) => first_difference(va, vb, &format!("{path}.{k}")),
                None => Some(format!("{path}.{k}: {va} vs missing")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (va, vb))| first_difference(va, vb, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

fn post_all(server: &Server, events: &[String]) {
    for e in events {
        let (status, text) = server.post_event(e.clone());
        assert!(status < 500, "{status} {text}");
    }
}

#[test]
fn current_state_does_not_depend_on_arrival_order() {
    let mut events = shared_events();
    events.extend(own_events());
    for backend in backends() {
        let reference = {
            let server = Server::start(backend, &[]);
            post_all(&server, &events);
            state(&server)
        };
        // What the own events must leave, whatever the order: checked once on the
        // reference, so that "all orders agree" cannot mean "all equally wrong".
        let own = &reference[NS]["datasets"];
        let fields: Vec<&str> = own["orders"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert_eq!(fields, ["id", "total"], "{}", own["orders"]);
        assert_eq!(
            own["orders"]["facets"]["lifecycleStateChange"]["lifecycleStateChange"],
            "CREATE"
        );
        assert_eq!(own["orders"]["description"], "second", "{}", own["orders"]);
        assert!(
            own["audit"]["facets"].get("quality").is_none(),
            "{}",
            own["audit"]
        );
        assert_eq!(own["restated"]["description"], "A", "{}", own["restated"]);
        assert_eq!(
            own["tie"]["description"],
            own["tie"]["facets"]["documentation"]["description"]
        );
        let job = &reference[NS]["jobs"]["load_orders"];
        assert_eq!(
            job["facets"]["sql"]["query"], "SELECT id, amount * 100 AS amount FROM src",
            "{job}"
        );
        let runs = job["runs"].as_array().expect("runs");
        let states: Vec<&str> = runs.iter().filter_map(|r| r["state"].as_str()).collect();
        assert_eq!(states, ["FAIL", "COMPLETE"], "{job}");
        assert_eq!(runs[1]["facets"]["attempt"]["n"], 2, "{job}");

        let reversed: Vec<String> = events.iter().rev().cloned().collect();
        let orders = [("reversed".to_owned(), reversed)]
            .into_iter()
            .chain((1..=3).map(|seed| (format!("shuffle seed {seed}"), shuffled(&events, seed))));
        for (label, order) in orders {
            let server = Server::start(backend, &[]);
            post_all(&server, &order);
            let got = state(&server);
            if let Some(d) = first_difference(&reference, &got, "") {
                panic!("{backend:?}, {label}: state differs from file order at {d}");
            }
        }
    }
}
