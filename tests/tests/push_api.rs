//! The push endpoint's contract, over HTTP against the real server: bad input gets a 4xx
//! naming the field, what real producers send is accepted, batches report per event,
//! retries are idempotent, run state follows eventTime, and a `kill -9` after a 2xx loses
//! nothing.

use std::io::Write;

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, enc};

fn event(run_id: &str, event_type: &str, time: &str) -> Value {
    json!({
        "eventTime": time,
        "producer": "https://example.com/weft-tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "eventType": event_type,
        "run": {"runId": run_id},
        "job": {"namespace": "tests", "name": "push_api_job"},
        "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}],
        "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.totals", "facets": {
            "schema": {"_producer": "p", "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                       "fields": [{"name": "total", "type": "DECIMAL"}]}
        }}]
    })
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn expect_error(server: &Server, body: &str, status: u16, path: &str) {
    let (got, text) = server.post_event(body.to_owned());
    assert_eq!(got, status, "{body} -> {text}");
    let err: Value = serde_json::from_str(&text).expect("JSON error");
    assert_eq!(err["path"], path, "{body} -> {err}");
    assert!(err["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let server = Server::start(Backend::Sqlite, &["--max-body-bytes", "4096"]);
    expect_error(&server, "{not json", 400, "$");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e.as_object_mut().expect("obj").remove("eventTime");
    expect_error(&server, &e.to_string(), 400, "eventTime");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e.as_object_mut().expect("obj").remove("producer");
    expect_error(&server, &e.to_string(), 400, "producer");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e["run"]["runId"] = json!(5);
    expect_error(&server, &e.to_string(), 400, "run.runId");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e["job"].as_object_mut().expect("job").remove("name");
    expect_error(&server, &e.to_string(), 400, "job.name");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e["outputs"][0].as_object_mut().expect("out").remove("name");
    expect_error(&server, &e.to_string(), 400, "outputs[0].name");
    let mut e = event(&uuid(1), "START", "2024-01-01T00:00:00Z");
    e["eventTime"] = json!("yesterday");
    expect_error(&server, &e.to_string(), 400, "eventTime");

    let ok = event(&uuid(1), "START", "2024-01-01T00:00:00Z").to_string();
    let (s, _) = server.post("/api/v1/lineage", ok.clone(), "text/plain");
    assert_eq!(s, 415);
    let big = json!({"padding": "x".repeat(5000)}).to_string();
    let (s, text) = server.post_event(big);
    assert_eq!(s, 413, "{text}");
    // Nothing of the refused requests was written.
    assert_eq!(server.metric("weft_change_log_seq"), 0.0);
    let (s, _) = server.post("/api/v1/lineage", ok, "application/json; charset=UTF-8");
    assert_eq!(s, 201);
    assert_eq!(server.metric("weft_change_log_seq"), 1.0);
}

#[test]
fn gzip_batches_ndjson_and_retries() {
    for backend in backends() {
        let server = Server::start(backend, &[]);
        // gzip
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(
            event(&uuid(10), "START", "2024-01-01T00:00:00Z")
                .to_string()
                .as_bytes(),
        )
        .expect("gzip");
        let resp = server
            .http
            .post(format!("{}/api/v1/lineage", server.url))
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .body(gz.finish().expect("gzip"))
            .send()
            .expect("post");
        assert_eq!(resp.status().as_u16(), 201);

        // A batch with one bad event stores the good ones and names the bad one.
        let mut bad = event(&uuid(12), "START", "2024-01-01T00:00:00Z");
        bad["run"].as_object_mut().expect("run").remove("runId");
        let batch = json!([
            event(&uuid(11), "START", "2024-01-01T00:00:01Z"),
            bad,
            event(&uuid(13), "START", "2024-01-01T00:00:02Z")
        ]);
        let (s, text) = server.post_event(batch.to_string());
        assert_eq!(s, 200, "{text}");
        let body: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["accepted"], 2);
        assert_eq!(body["rejected"][0]["index"], 1);
        assert_eq!(body["rejected"][0]["path"], "run.runId");
        assert_eq!(server.get(&format!("/api/v1/runs/{}", uuid(11))).0, 200);
        assert_eq!(server.get(&format!("/api/v1/runs/{}", uuid(13))).0, 200);

        // NDJSON, all good: 201.
        let nd = format!(
            "{}\n{}\n",
            event(&uuid(14), "START", "2024-01-01T00:00:03Z"),
            event(&uuid(15), "START", "2024-01-01T00:00:04Z")
        );
        let (s, text) = server.post("/api/v1/lineage", nd.clone(), "application/x-ndjson");
        assert_eq!(s, 201, "{text}");

        // Retries change nothing.
        let seq = server.metric("weft_change_log_seq");
        let (s, _) = server.post("/api/v1/lineage", nd, "application/x-ndjson");
        assert_eq!(s, 201);
        assert_eq!(server.metric("weft_change_log_seq"), seq);
        assert!(server.metric("weft_events_duplicate_total") >= 2.0);
    }
}

#[test]
fn run_state_follows_event_time_not_arrival() {
    for backend in backends() {
        let server = Server::start(backend, &[]);
        let id = uuid(20);
        // COMPLETE arrives first, then the (earlier) START; then a RUNNING older than both.
        assert_eq!(
            server
                .post_event(event(&id, "COMPLETE", "2024-03-01T10:05:00.5Z").to_string())
                .0,
            201
        );
        assert_eq!(
            server
                .post_event(event(&id, "START", "2024-03-01T10:00:00Z").to_string())
                .0,
            201
        );
        assert_eq!(
            server
                .post_event(event(&id, "RUNNING", "2024-03-01T10:01:00Z").to_string())
                .0,
            201
        );
        let run = server.get_ok(&format!("/api/v1/runs/{id}"));
        assert_eq!(run["state"], "COMPLETE", "{run}");
        assert_eq!(run["startedAt"], "2024-03-01T10:00:00.000000Z");
        assert_eq!(run["endedAt"], "2024-03-01T10:05:00.500000Z");
        assert_eq!(run["durationMs"], 300_500);
        // Non-UUID run ids and timestamps without an offset (read as UTC) are accepted.
        let mut odd = event(
            "manual__2024-03-01",
            "START",
            "2024-03-01T10:00:00.123456789123",
        );
        odd.as_object_mut().expect("obj").remove("eventType");
        assert_eq!(server.post_event(odd.to_string()).0, 201);
        let run = server.get_ok("/api/v1/runs/manual__2024-03-01");
        assert_eq!(run["externalId"], "manual__2024-03-01");
        let runs = server.get_ok("/api/v1/namespaces/tests/jobs/push_api_job/runs");
        assert_eq!(runs["totalCount"], 2);
    }
}

#[test]
fn schema_versions_only_when_fields_change_and_deleted_facets_go() {
    for backend in backends() {
        let server = Server::start(backend, &[]);
        for (i, t) in ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                server
                    .post_event(event(&uuid(30 + i as u32), "COMPLETE", t).to_string())
                    .0,
                201
            );
        }
        let path = format!(
            "/api/v1/namespaces/{}/datasets/shop.public.totals",
            enc("postgres://db:5432")
        );
        let versions = server.get_ok(&format!("{path}/versions"));
        assert_eq!(
            versions["totalCount"], 1,
            "unchanged schema, one version: {versions}"
        );
        let mut changed = event(&uuid(32), "COMPLETE", "2024-01-03T00:00:00Z");
        changed["outputs"][0]["facets"]["schema"]["fields"] =
            json!([{"name": "total", "type": "DECIMAL"}, {"name": "n", "type": "INT"}]);
        assert_eq!(server.post_event(changed.to_string()).0, 201);
        assert_eq!(server.get_ok(&format!("{path}/versions"))["totalCount"], 2);
        let d = server.get_ok(&path);
        assert_eq!(d["fields"].as_array().expect("fields").len(), 2);
        assert!(d["facets"]["schema"].is_object());
        let mut del = event(&uuid(33), "COMPLETE", "2024-01-04T00:00:00Z");
        del["outputs"][0]["facets"] =
            json!({"schema": {"_producer": "p", "_schemaURL": "s", "_deleted": true}});
        assert_eq!(server.post_event(del.to_string()).0, 201);
        let d = server.get_ok(&path);
        assert!(
            d["facets"].get("schema").is_none(),
            "deleted facet gone: {}",
            d["facets"]
        );
    }
}

#[test]
fn tokens_are_enforced_once_configured() {
    let server = Server::start(Backend::Sqlite, &["--token", "ci-bot=s3cret"]);
    let body = event(&uuid(40), "START", "2024-01-01T00:00:00Z").to_string();
    let (s, _) = server.post_event(body.clone());
    assert_eq!(s, 401);
    let resp = server
        .http
        .post(format!("{}/api/v1/lineage", server.url))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer wrong")
        .body(body.clone())
        .send()
        .expect("post");
    assert_eq!(resp.status().as_u16(), 401);
    let resp = server
        .http
        .post(format!("{}/api/v1/lineage", server.url))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer s3cret")
        .body(body)
        .send()
        .expect("post");
    assert_eq!(resp.status().as_u16(), 201);
}

#[test]
fn acknowledged_events_survive_kill_9() {
    for backend in backends() {
        let mut server = Server::start(backend, &[]);
        let ids: Vec<String> = (0..200).map(|i| uuid(1000 + i)).collect();
        // Concurrent posters, so acknowledgements come from group commits.
        std::thread::scope(|s| {
            for chunk in ids.chunks(50) {
                let server = &server;
                s.spawn(move || {
                    for id in chunk {
                        let (st, text) = server
                            .post_event(event(id, "COMPLETE", "2024-05-01T00:00:00Z").to_string());
                        assert_eq!(st, 201, "{text}");
                    }
                });
            }
        });
        server.kill9();
        server.restart();
        for id in &ids {
            let (s, run) = server.get(&format!("/api/v1/runs/{id}"));
            assert_eq!(s, 200, "run {id} lost after kill -9");
            assert_eq!(run["state"], "COMPLETE");
        }
        let out = server.weft(&["verify"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(server.terminate(), "SIGTERM exits cleanly");
    }
}

#[test]
fn operations_endpoints() {
    let server = Server::start(Backend::Sqlite, &[]);
    assert_eq!(server.get("/healthz").0, 200);
    assert_eq!(server.get("/readyz").0, 200);
    assert_eq!(
        server
            .post_event(event(&uuid(50), "START", "2024-01-01T00:00:00Z").to_string())
            .0,
        201
    );
    assert_eq!(server.metric("weft_events_accepted_total"), 1.0);
    assert!(server.metric("weft_http_request_duration_seconds_count") >= 1.0);
    let ns = server.get_ok("/api/v1/namespaces/tests");
    // The counters view follows the log asynchronously.
    let mut events = ns["stats"]["events"].as_i64().unwrap_or(0);
    for _ in 0..50 {
        if events == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        events = server.get_ok("/api/v1/namespaces/tests")["stats"]["events"]
            .as_i64()
            .unwrap_or(0);
    }
    assert_eq!(events, 1);
    let (s, _) = server.get("/api/v1/lineage?nodeId=nonsense");
    assert_eq!(s, 400);
    let (s, _) = server.get("/api/v1/namespaces/nope/datasets/nothing");
    assert_eq!(s, 404);
}
