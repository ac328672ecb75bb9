//! GraphQL documents whose cost nothing else bounds, refused before async-graphql
//! parses or validates them (bytes, tokens, the size fragments expand to, aliases) or,
//! for traversals, by the complexity limit before they run; and mutations that check
//! the caller's scope before they look at their target.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::Message;
use weft_tests::hostile::fan_out_on;
use weft_tests::{Backend, Server, workspace};

const NS: &str = "postgres://db:5432";
const MODERN: &str = "application/graphql-response+json";

fn post(s: &Server, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
    let body = json!({"query": query, "variables": variables}).to_string();
    let r = s.graphql_request(token, MODERN, "application/json", body);
    (r.status, r.body)
}

fn code(v: &Value) -> String {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

fn dataset_event(name: &str) -> Value {
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": {
            "schema": {"_producer": "p", "_schemaURL": "s", "fields": [{"name": "email", "type": "text"}]}}}
    })
}

fn fan_out(n: usize) -> String {
    fan_out_on("", "Query", n)
}

fn lineage_aliases(n: usize) -> String {
    weft_tests::hostile::lineage_aliases(NS, n)
}

#[test]
fn unbounded_documents_are_refused_before_they_run() {
    let s = Server::start(Backend::Sqlite, &[]);
    let (st, _) = s.post_event(dataset_event("orders").to_string());
    assert!(st < 300, "push -> {st}");

    // Thirty fragments each spreading the next twice: 2^30 fields from 1.4 KB.
    let doc = fan_out(30);
    assert!(doc.len() < 2_000);
    let (st, v) = post(&s, None, &doc, json!({}));
    assert_eq!(st, 400, "{v}");
    assert_eq!(code(&v), "TOO_COMPLEX", "{v}");
    assert!(v.get("data").is_none(), "{v}");
    assert_eq!(s.get("/healthz").0, 200);
    // A plain JSON client: 200 with the same error.
    let (st, v) = s.graphql(None, &doc, json!({}));
    assert_eq!((st, code(&v).as_str()), (200, "TOO_COMPLEX"), "{v}");
    // The same through GET.
    let (st, v) = s.get(&format!("/graphql?query={}", weft_tests::enc(&doc)));
    assert_eq!((st, code(&v).as_str()), (200, "TOO_COMPLEX"), "{v}");

    // A fragment cycle.
    let (st, v) = post(
        &s,
        None,
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        json!({}),
    );
    assert_eq!((st, code(&v).as_str()), (400, "TOO_COMPLEX"), "{v}");

    // 1,000 aliases of a deep traversal: refused before any statement runs.
    let (st, v) = post(&s, None, &lineage_aliases(1_000), json!({}));
    assert!(
        matches!(
            (st, code(&v).as_str()),
            (400, "TOO_COMPLEX") | (413, "DOCUMENT_TOO_LARGE")
        ),
        "{v}"
    );
    assert_eq!(v["extensions"]["sqlStatements"], 0, "{v}");
    // 250 aliases (a small document): over the alias limit.
    let (st, v) = post(&s, None, &lineage_aliases(250), json!({}));
    assert_eq!((st, code(&v).as_str()), (400, "TOO_COMPLEX"), "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("aliases")),
        "{v}"
    );
    assert_eq!(v["extensions"]["sqlStatements"], 0, "{v}");

    // Under the alias limit, the traversals' cost is what refuses them.
    let (st, v) = post(&s, None, &lineage_aliases(150), json!({}));
    assert_eq!(st, 400, "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("complex")),
        "{v}"
    );
    assert_eq!(v["extensions"]["sqlStatements"], 0, "{v}");
    // One deep traversal is accepted and runs (any error is the field's own, with a
    // path).
    let (st, v) = post(&s, None, &lineage_aliases(1), json!({}));
    assert_eq!(st, 200, "{v}");
    assert!(
        v["errors"]
            .as_array()
            .is_none_or(|e| e.iter().all(|e| e.get("path").is_some())),
        "{v}"
    );

    // A 10 MB document: refused quickly, before parsing.
    let big = format!("{{ {} }}", "__typename ".repeat(1_000_000));
    let body = json!({"query": big}).to_string();
    let r = s.graphql_request(None, MODERN, "application/json", body);
    assert!(r.status == 413 || r.status == 400, "{}", r.status);
    assert_eq!(s.get("/healthz").0, 200);

    // A normal page query still runs.
    let page = std::fs::read_to_string(workspace().join("schemas/examples/dataset_page.graphql"))
        .expect("dataset_page.graphql");
    // (The lineage graph takes in the pushed dataset a moment after the store.)
    let start = Instant::now();
    let (st, v) = loop {
        let (st, v) = post(&s, None, &page, json!({"namespace": NS, "name": "orders"}));
        if v.get("errors").is_none() || start.elapsed() > Duration::from_secs(10) {
            break (st, v);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(st, 200, "{v}");
    assert!(v.get("errors").is_none(), "{v}");
    assert_eq!(v["data"]["dataset"]["name"], "orders", "{v}");
}

#[test]
fn mutations_check_the_scope_before_the_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("weft.toml");
    std::fs::write(
        &config,
        r#"
[[tokens]]
name = "alice"
secret = "s3cret"

[[tokens]]
name = "dashboard"
secret = "read-only"
scopes = ["read"]
"#,
    )
    .expect("config");
    let config = config.display().to_string();
    let s = Server::start(Backend::Sqlite, &["--config", &config]);
    let r = s
        .http
        .post(format!("{}/api/v1/lineage", s.url))
        .header("Authorization", "Bearer s3cret")
        .header("Content-Type", "application/json")
        .body(dataset_event("orders").to_string())
        .send()
        .expect("push");
    assert!(r.status().is_success(), "{}", r.status());
    let (st, v) = post(
        &s,
        Some("s3cret"),
        r#"mutation($ns: String!) { addTag(namespace: $ns, dataset: "orders", tag: "quarterly") { name } }"#,
        json!({"ns": NS}),
    );
    assert_eq!(st, 200, "{v}");
    assert!(v.get("errors").is_none(), "{v}");

    let mutations = [
        r#"mutation($ns: String!, $ds: String!) { setDescription(namespace: $ns, dataset: $ds, description: "x") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { setDescription(namespace: $ns, dataset: $ds, column: "email", description: "x") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { setOwners(namespace: $ns, dataset: $ds, owners: [{name: " "}]) { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { setTier(namespace: $ns, dataset: $ds, tier: "not a tier!") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { addTag(namespace: $ns, dataset: $ds, tag: "quarterly") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { addTag(namespace: $ns, dataset: $ds, column: "email", tag: "pii.email") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { removeTag(namespace: $ns, dataset: $ds, tag: "quarterly") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { removeTag(namespace: $ns, dataset: $ds, tag: "never.added") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { removeTag(namespace: $ns, dataset: $ds, tag: "Not A Key!") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { removeTag(namespace: $ns, dataset: $ds, column: "email", tag: "pii.email") { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { reviewTag(namespace: $ns, dataset: $ds, column: "email", tag: "pii.email", decision: CONFIRM) { name } }"#,
        r#"mutation($ns: String!, $ds: String!) { reviewTags(items: [{namespace: $ns, dataset: $ds, column: "email", tag: "pii.email"}], decision: REJECT) { columns { name } } }"#,
        r#"mutation($ns: String!, $ds: String!) { deprecateDataset(namespace: $ns, dataset: $ds) { name } }"#,
    ];
    for m in mutations {
        for ds in ["orders", "no.such.dataset"] {
            let (st, v) = post(&s, Some("read-only"), m, json!({"ns": NS, "ds": ds}));
            assert_eq!(
                (st, code(&v).as_str()),
                (403, "FORBIDDEN"),
                "{m} on {ds}: {v}"
            );
        }
    }
    for event in [dataset_event("orders"), json!({"not": "an event"})] {
        let (st, v) = post(
            &s,
            Some("read-only"),
            "mutation($e: JSON!) { ingestOpenLineage(event: $e) { status } }",
            json!({"e": event}),
        );
        assert_eq!((st, code(&v).as_str()), (403, "FORBIDDEN"), "{v}");
    }
    // Nothing changed: the tag is still there.
    let (st, v) = post(
        &s,
        Some("read-only"),
        r#"query($ns: String!) { dataset(namespace: $ns, name: "orders") { tags { key } } }"#,
        json!({"ns": NS}),
    );
    assert_eq!(st, 200, "{v}");
    assert!(v.to_string().contains("quarterly"), "{v}");
}

#[test]
fn the_websocket_path_refuses_the_same_documents() {
    let s = Server::start(Backend::Sqlite, &[]);
    let mut ws = s.graphql_ws(Duration::from_secs(10));
    let send = |ws: &mut tungstenite::WebSocket<TcpStream>, v: Value| {
        ws.send(Message::Text(v.to_string().into())).expect("send");
    };
    let recv = |ws: &mut tungstenite::WebSocket<TcpStream>| -> Value {
        loop {
            match ws.read().expect("read") {
                Message::Text(t) => {
                    let v: Value = serde_json::from_str(&t).expect("json");
                    if v["type"] != "ping" {
                        return v;
                    }
                }
                _ => continue,
            }
        }
    };
    send(&mut ws, json!({"type": "connection_init", "payload": {}}));
    assert_eq!(recv(&mut ws)["type"], "connection_ack");
    let doc = fan_out_on("subscription", "Subscription", 30);
    send(
        &mut ws,
        json!({"id": "1", "type": "subscribe", "payload": {"query": doc}}),
    );
    let m = recv(&mut ws);
    // graphql-transport-ws: an `error` message, or (as async-graphql sends errors
    // before execution) a `next` whose payload has only errors.
    let error = match m["type"].as_str() {
        Some("error") => &m["payload"][0],
        Some("next") => &m["payload"]["errors"][0],
        _ => panic!("{m}"),
    };
    assert_eq!(error["extensions"]["code"], "TOO_COMPLEX", "{m}");
    assert_eq!(s.get("/healthz").0, 200);

    // Each subscription reads the log after every commit: one socket holds at most 32.
    let feed = "subscription { metadataChanges { seq } }";
    for id in 0..32 {
        send(
            &mut ws,
            json!({"id": format!("s{id}"), "type": "subscribe", "payload": {"query": feed}}),
        );
    }
    send(
        &mut ws,
        json!({"id": "over", "type": "subscribe", "payload": {"query": feed}}),
    );
    // Exactly one of the 33 is refused (the server starts them concurrently, so not
    // necessarily the last one sent). The refused fan-out above ends with a `complete`
    // of its own, skipped here.
    let m = loop {
        let m = recv(&mut ws);
        if m["id"] != "1" {
            break m;
        }
    };
    let error = match m["type"].as_str() {
        Some("error") => &m["payload"][0],
        Some("next") => &m["payload"]["errors"][0],
        _ => panic!("{m}"),
    };
    assert_eq!(error["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS", "{m}");
    let refused = m["id"].as_str().expect("id").to_owned();
    // Completing an accepted one frees its place.
    let accepted = if refused == "s0" { "s1" } else { "s0" };
    send(&mut ws, json!({"id": accepted, "type": "complete"}));
    std::thread::sleep(Duration::from_millis(200));
    send(
        &mut ws,
        json!({"id": "again", "type": "subscribe", "payload": {"query": feed}}),
    );
    std::thread::sleep(Duration::from_millis(200));
    let (st, text) = s.post_event(dataset_event("after_the_cap").to_string());
    assert!(st < 300, "{st} {text}");
    let mut seen = std::collections::HashSet::new();
    while seen.len() < 32 {
        let m = recv(&mut ws);
        if m["type"] == "complete" {
            continue; // the refused one's, and the one completed above
        }
        assert_eq!(m["type"], "next", "{m}");
        assert!(
            m["payload"]["data"]["metadataChanges"]["seq"].is_i64(),
            "{m}"
        );
        seen.insert(m["id"].as_str().unwrap_or_default().to_owned());
    }
    assert!(
        seen.contains("again"),
        "the freed place was taken: {seen:?}"
    );
    assert!(!seen.contains(accepted), "completed: {seen:?}");
    let _ = ws.close(None);
}
