//! Authentication and scopes across the whole server, through the real binary: off
//! until a token exists; tokens created and revoked with `weft token` while the server
//! runs; reads, writes and review decisions each need their scope (401 without a known
//! token, 403 without the scope); reads can be configured open; health and metrics
//! stay open; the token's name is the actor of what it changes.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, Server};

fn call(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", s.url);
    let mut req = match method {
        "POST" => s.http.post(url),
        _ => s.http.get(url),
    };
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().expect("request");
    let status = resp.status().as_u16();
    let www = resp.headers().get("www-authenticate").is_some();
    let mut v: Value = resp.json().unwrap_or(Value::Null);
    if www {
        v["wwwAuthenticate"] = json!(true);
    }
    (status, v)
}

fn dataset_event(name: &str) -> Value {
    json!({
        "eventTime": "2026-11-01T00:00:00Z", "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "postgres://db:5432", "name": name, "facets": {
            "schema": {"_producer": "p", "_schemaURL": "s", "fields": [{"name": "email", "type": "text"}]}}}
    })
}

/// Pushes a DatasetEvent for `name` with `token`; the status.
fn push(s: &Server, token: Option<&str>, name: &str) -> u16 {
    call(
        s,
        "POST",
        "/api/v1/lineage",
        token,
        Some(&dataset_event(name)),
    )
    .0
}

fn create_token(s: &Server, name: &str, scopes: &str) -> String {
    let out = s.weft(&["token", "create", "--name", name, "--scopes", scopes]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(secret.starts_with("weft_") && secret.len() > 40, "{secret}");
    secret
}

/// Waits until the server has read the tokens in the store (it re-reads them every
/// few seconds).
fn until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn scopes_are_enforced_once_a_token_exists() {
    let s = Server::start(Backend::Sqlite, &[]);
    // Off: anyone reads and writes, as the embedded default promises.
    let ds = format!(
        "/api/v1/namespaces/{}/datasets/shop.public.users",
        "postgres%3A%2F%2Fdb%3A5432"
    );
    assert_eq!(push(&s, None, "shop.public.users"), 201);
    assert_eq!(call(&s, "GET", &ds, None, None).0, 200);

    let reader = create_token(&s, "dashboard", "read");
    let writer = create_token(&s, "ci-bot", "write,read");
    let reviewer = create_token(&s, "alice", "review");
    until("authentication on", || {
        call(&s, "GET", &ds, None, None).0 == 401
    });
    let (_, body) = call(&s, "GET", &ds, None, None);
    assert_eq!(body["wwwAuthenticate"], true, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("token")),
        "{body}"
    );
    assert_eq!(call(&s, "GET", &ds, Some("weft_not_a_token"), None).0, 401);
    // Health and metrics stay open for orchestrators.
    assert_eq!(call(&s, "GET", "/healthz", None, None).0, 200);
    assert_eq!(call(&s, "GET", "/readyz", None, None).0, 200);

    assert_eq!(call(&s, "GET", &ds, Some(&reader), None).0, 200);
    let (status, body) = call(
        &s,
        "POST",
        "/api/v1/lineage",
        Some(&reader),
        Some(&dataset_event("shop.public.orders")),
    );
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("write")),
        "{body}"
    );
    assert_eq!(push(&s, Some(&writer), "shop.public.orders"), 201);
    // Review decisions need the review scope; the token's name is the reviewer.
    let decision = json!({
        "nodeId": "datasetField:postgres://db:5432:shop.public.users:email",
        "tag": "pii.email", "action": "add", "reason": "login"
    });
    assert_eq!(
        call(
            &s,
            "POST",
            "/api/v1/reviews",
            Some(&writer),
            Some(&decision)
        )
        .0,
        403
    );
    let (status, body) = call(
        &s,
        "POST",
        "/api/v1/reviews",
        Some(&reviewer),
        Some(&decision),
    );
    assert!(status < 300, "{status} {body}");
    let (status, tags) = call(
        &s,
        "GET",
        "/api/v1/tags?nodeId=datasetField:postgres://db:5432:shop.public.users:email",
        Some(&reader),
        None,
    );
    assert_eq!(status, 200, "{tags}");
    assert!(
        tags.to_string().contains("alice"),
        "the reviewer is the token's name: {tags}"
    );
    // The review scope alone does not read.
    assert_eq!(call(&s, "GET", &ds, Some(&reviewer), None).0, 403);

    // Listing never shows secrets; revoking takes effect on the running server.
    let out = s.weft(&["token", "list"]);
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(list.contains("dashboard\tread\tactive"), "{list}");
    assert!(!list.contains(&reader), "{list}");
    let out = s.weft(&["token", "revoke", "--name", "dashboard"]);
    assert!(out.status.success());
    until("the revoked token refused", || {
        call(&s, "GET", &ds, Some(&reader), None).0 == 401
    });
    assert_eq!(call(&s, "GET", &ds, Some(&writer), None).0, 200);
    // A name is taken once; unknown scopes are refused.
    assert!(
        !s.weft(&["token", "create", "--name", "ci-bot", "--scopes", "read"])
            .status
            .success()
    );
    assert!(
        !s.weft(&["token", "create", "--name", "x", "--scopes", "read,owner"])
            .status
            .success()
    );
}

#[test]
fn reads_can_be_open_while_writes_need_a_token() {
    let s = Server::start(
        Backend::Sqlite,
        &["--token", "ci-bot=s3cret", "--open-reads"],
    );
    assert_eq!(call(&s, "GET", "/api/v1/namespaces", None, None).0, 200);
    assert_eq!(push(&s, None, "shop.public.users"), 401);
    assert_eq!(push(&s, Some("s3cret"), "shop.public.users"), 201);
}
