//! `GET /api/v1/changes`: the change log as a feed a tool can follow by polling with
//! the last sequence number it saw, on both backends.

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends};

fn dataset_event(name: &str) -> Value {
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/feed-test",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "postgres://db:5432", "name": name}
    })
}

fn job_event(name: &str) -> Value {
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/feed-test",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
        "job": {"namespace": "etl", "name": name}
    })
}

fn seqs(v: &Value) -> Vec<i64> {
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["seq"].as_i64())
        .collect()
}

fn feed(backend: Backend) {
    let s = Server::start(backend, &["--token", "ci-bot=s3cret", "--open-reads"]);
    let post = |body: Value| {
        let resp = s
            .http
            .post(format!("{}/api/v1/lineage", s.url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer s3cret")
            .body(body.to_string())
            .send()
            .expect("post");
        assert_eq!(resp.status().as_u16(), 201);
    };
    post(dataset_event("shop.public.a"));
    post(job_event("nightly"));
    post(dataset_event("shop.public.b"));

    let all = s.get_ok("/api/v1/changes?since=0");
    let got = seqs(&all);
    assert_eq!(got.len(), 3, "{all}");
    assert!(got.windows(2).all(|w| w[0] < w[1]), "oldest first: {all}");
    assert_eq!(all["next"], got[2]);
    let first = &all["changes"][0];
    assert_eq!(
        first["actor"], "ci-bot",
        "the token's name is the actor: {first}"
    );
    assert_eq!(first["kind"], "openlineage.dataset");
    assert_eq!(first["entity"], "dataset:postgres://db:5432:shop.public.a");
    assert!(first.get("payload").is_none(), "payloads only on request");

    // Following: from the last seen position, nothing new; one page at a time.
    let rest = s.get_ok(&format!("/api/v1/changes?since={}", got[2]));
    assert!(seqs(&rest).is_empty(), "{rest}");
    assert_eq!(rest["next"], got[2]);
    let page = s.get_ok("/api/v1/changes?since=0&limit=1");
    assert_eq!(seqs(&page), [got[0]]);
    let page2 = s.get_ok(&format!("/api/v1/changes?since={}&limit=1", page["next"]));
    assert_eq!(seqs(&page2), [got[1]]);

    // Filters and payloads.
    let jobs = s.get_ok("/api/v1/changes?since=0&kind=openlineage.job&payloads=true");
    assert_eq!(seqs(&jobs), [got[1]], "{jobs}");
    assert_eq!(jobs["changes"][0]["payload"]["job"]["name"], "nightly");
    let ns = s.get_ok("/api/v1/changes?since=0&namespace=postgres%3A%2F%2Fdb%3A5432");
    assert_eq!(seqs(&ns), [got[0], got[2]]);

    // Bad input names the parameter.
    let (status, bad) = s.get("/api/v1/changes?since=-1");
    assert_eq!(status, 400);
    assert_eq!(bad["path"], "since");
    assert_eq!(s.get("/api/v1/changes?since=abc").0, 400);
}

#[test]
fn the_change_log_can_be_followed_by_sequence_number() {
    for b in backends() {
        feed(b);
    }
}
