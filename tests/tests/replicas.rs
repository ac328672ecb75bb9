//! Several `weft serve` replicas on one PostgreSQL database.
//!
//! Writes (OpenLineage events, GraphQL edits) spread over three replicas; each answers
//! with the log position of what it wrote (`Weft-Log-Position`, GraphQL
//! `extensions.logPosition`), and a read on *another* replica that asks for that
//! position (`Weft-Min-Log-Position`) sees the write: the dataset over REST and GraphQL,
//! the search index, the lineage graph and the PII tags propagated through it. PII and
//! search agree across the replicas at the same position. A replica killed with
//! SIGKILL under concurrent load loses no write it acknowledged, and the hash chain
//! still verifies. The position header itself (present, monotonic, the bounded wait,
//! malformed values) is checked on every backend.
//!
//! The replica tests need PostgreSQL (`WEFT_TEST_DATABASE_URL`); without it they skip
//! with a note, except under CI, where they fail.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use weft_tests::{Backend, GqlResponse, Server, backends, enc, eventually};

const NS: &str = "postgres://replicas:5432";

/// The answer to one request: status, the position it reflects, the JSON body and the
/// `Retry-After` header.
#[derive(Debug)]
struct Answer {
    status: u16,
    position: Option<i64>,
    body: Value,
    retry_after: Option<String>,
}

fn answer(resp: reqwest::blocking::Response) -> Answer {
    let r = GqlResponse::from(resp);
    let header = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok());
    Answer {
        status: r.status,
        position: header("weft-log-position").map(|p| p.parse().expect("a number")),
        retry_after: header("retry-after").map(str::to_owned),
        body: r.body,
    }
}

/// GET `path` on `s`, asking for at least position `min` when given.
fn get_at(s: &Server, path: &str, min: Option<&str>) -> Answer {
    let mut req = s.http.get(format!("{}{path}", s.url));
    if let Some(m) = min {
        req = req.header("Weft-Min-Log-Position", m);
    }
    answer(req.send().expect("request"))
}

/// A GET that must succeed once `s` reflects position `min`.
fn read_at(s: &Server, path: &str, min: i64) -> Value {
    let a = get_at(s, path, Some(&min.to_string()));
    assert_eq!(a.status, 200, "GET {path} at {min}: {a:?}");
    let at = a.position.expect("a position");
    assert!(at >= min, "GET {path} asked for {min}, reflects {at}");
    a.body
}

/// Posts one event; the answer.
fn push(s: &Server, event: &Value) -> Answer {
    answer(
        s.http
            .post(format!("{}/api/v1/lineage", s.url))
            .header("Content-Type", "application/json")
            .body(event.to_string())
            .send()
            .expect("request"),
    )
}

/// Runs a GraphQL operation on `s`, asking for at least position `min` when given.
fn graphql_at(s: &Server, query: &str, variables: Value, min: Option<i64>) -> Answer {
    let mut req = s
        .http
        .post(format!("{}/graphql", s.url))
        .header("Content-Type", "application/json")
        .body(json!({"query": query, "variables": variables}).to_string());
    if let Some(m) = min {
        req = req.header("Weft-Min-Log-Position", m.to_string());
    }
    answer(req.send().expect("graphql request"))
}

/// A GraphQL operation that must succeed; its data and the position it reports.
fn graphql_ok(s: &Server, query: &str, variables: Value, min: Option<i64>) -> (Value, i64) {
    let a = graphql_at(s, query, variables, min);
    assert!(
        a.status == 200 && a.body.get("errors").is_none(),
        "graphql {query}: {a:?}"
    );
    let p = a.body["extensions"]["logPosition"]
        .as_i64()
        .expect("extensions.logPosition");
    assert_eq!(a.position, Some(p), "header and extension agree");
    (a.body["data"].clone(), p)
}

fn schema(fields: &[&str]) -> Value {
    json!({
        "_producer": "https://example.test/replicas",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        "fields": fields.iter().map(|n| json!({"name": n, "type": "string"})).collect::<Vec<_>>(),
    })
}

/// The source table of write `n`, with a producer's `pii.email` tag on `email`.
fn source(n: usize) -> String {
    format!("raw.contacts{n}")
}

/// The table job `n` writes: `email` copied from the source, so the tag flows to it.
fn target(n: usize) -> String {
    format!("mart.mailing{n}")
}

/// A run of job `n`: reads the tagged source, writes the target with column lineage.
fn run_event(n: usize) -> Value {
    let src = source(n);
    json!({
        "eventTime": "2026-05-01T08:00:00Z",
        "eventType": "COMPLETE",
        "producer": "https://example.test/replicas",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-{n:012}")},
        "job": {"namespace": "replicas", "name": format!("build_mailing{n}")},
        "inputs": [{"namespace": NS, "name": src, "facets": {
            "schema": schema(&["id", "email"]),
            "tags": {
                "_producer": "https://example.test/replicas",
                "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
                "tags": [{"key": "pii", "value": "email", "field": "email", "source": "CATALOG"}],
            },
        }}],
        "outputs": [{"namespace": NS, "name": target(n), "facets": {
            "schema": schema(&["id", "email"]),
            "columnLineage": {
                "_producer": "https://example.test/replicas",
                "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                "fields": {
                    "id": {"inputFields": [{"namespace": NS, "name": src, "field": "id",
                        "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]},
                    "email": {"inputFields": [{"namespace": NS, "name": src, "field": "email",
                        "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]},
                },
            },
        }}],
    })
}

/// Whether `v` (a search answer) names `dataset`.
fn found(v: &Value, dataset: &str) -> bool {
    v["results"]
        .as_array()
        .is_some_and(|r| r.iter().any(|h| h["name"] == dataset))
}

/// The tags of a column, as `/api/v1/tags` lists them.
fn column_tags(v: &Value) -> BTreeSet<String> {
    v["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["tag"].as_str().map(str::to_owned))
        .collect()
}

/// The (dataset, field, tag) of every PII column in the namespace's report.
fn pii_columns(v: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for status in ["confirmed", "proposed"] {
        for c in v["columns"][status].as_array().into_iter().flatten() {
            out.insert((
                c["dataset"].as_str().unwrap_or_default().to_owned(),
                c["field"].as_str().unwrap_or_default().to_owned(),
                c["tag"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out
}

/// Three replicas on one fresh database, or `None` (with the note printed) when no
/// PostgreSQL is configured.
fn three_replicas(extra: &[&str]) -> Option<(Server, Server, Server)> {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("note: replica tests skipped: they need PostgreSQL");
        return None;
    }
    let a = Server::start(Backend::Postgres, extra);
    let b = a.replica(extra);
    let c = a.replica(extra);
    Some((a, b, c))
}

const DATASET_Q: &str = "query($ns: String!, $name: String!) { dataset(namespace: $ns, name: $name) { tier description owners { name } } }";

#[test]
fn a_write_on_one_replica_is_read_on_another_at_its_position() {
    // "Nothing was written after the last edit" below: without the built-in policies,
    // whose leader would log the violations the edits open (tests/tests/policies.rs).
    let Some((a, b, c)) =
        three_replicas(&["--max-position-wait", "60s", "--policy-builtin", "false"])
    else {
        return;
    };
    let replicas = [&a, &b, &c];
    let mut last = 0;
    for n in 0..6 {
        let writer = replicas[n % 3];
        let reader = replicas[(n + 1) % 3];
        let w = push(writer, &run_event(n));
        assert!((200..300).contains(&w.status), "push {n}: {w:?}");
        let p = w.position.expect("a write says its position");
        assert!(p > last, "write {n} at {p}, after {last}");

        // The dataset, over REST.
        let ds = read_at(
            reader,
            &format!(
                "/api/v1/namespaces/{}/datasets/{}",
                enc(NS),
                enc(&target(n))
            ),
            p,
        );
        let fields: Vec<&str> = ds["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert_eq!(fields, ["id", "email"], "{ds}");
        // Lineage: the job that wrote it.
        let lineage = read_at(
            reader,
            &format!(
                "/api/v1/lineage?nodeId={}",
                enc(&format!("dataset:{NS}:{}", target(n)))
            ),
            p,
        );
        let job = format!("job:replicas:build_mailing{n}");
        assert!(
            lineage["graph"]
                .as_array()
                .is_some_and(|g| g.iter().any(|node| node["id"] == job.as_str())),
            "{job} in {lineage}"
        );
        // The graph: the producer's tag propagated to the copy.
        let tags = read_at(
            reader,
            &format!(
                "/api/v1/tags?nodeId={}",
                enc(&format!("datasetField:{NS}:{}:email", target(n)))
            ),
            p,
        );
        assert!(
            column_tags(&tags).iter().any(|t| t.ends_with("pii.email")),
            "{tags}"
        );
        // Search.
        let hits = read_at(
            reader,
            &format!("/api/v1/search?q={}&limit=50", enc(&target(n))),
            p,
        );
        assert!(found(&hits, &target(n)), "{} in {hits}", target(n));

        // A person's edit through GraphQL on the reader, read back on the third replica.
        let third = replicas[(n + 2) % 3];
        let vars = json!({"ns": NS, "name": target(n)});
        let edit = match n % 3 {
            0 => {
                r#"mutation($ns: String!, $name: String!) { setTier(namespace: $ns, dataset: $name, tier: "gold") { tier } }"#
            }
            1 => {
                r#"mutation($ns: String!, $name: String!) { setOwners(namespace: $ns, dataset: $name, owners: [{name: "team:mail"}]) { name } }"#
            }
            _ => {
                r#"mutation($ns: String!, $name: String!) { setDescription(namespace: $ns, dataset: $name, description: "Who gets the newsletter.") { name } }"#
            }
        };
        let (_, q) = graphql_ok(reader, edit, vars.clone(), None);
        assert!(q > p, "the edit at {q}, after the push at {p}");
        last = q;
        let (d, at) = graphql_ok(third, DATASET_Q, vars, Some(q));
        assert!(at >= q, "asked for {q}, reflects {at}");
        match n % 3 {
            0 => assert_eq!(d["dataset"]["tier"], "gold", "{d}"),
            1 => assert_eq!(
                d["dataset"]["owners"],
                json!([{"name": "team:mail"}]),
                "{d}"
            ),
            _ => assert_eq!(
                d["dataset"]["description"], "Who gets the newsletter.",
                "{d}"
            ),
        }
    }

    // At the last write's position the three replicas agree on PII and on search.
    let mut reports = Vec::new();
    let mut searches = Vec::new();
    for r in replicas {
        let a = get_at(
            r,
            &format!("/api/v1/namespaces/{}/pii", enc(NS)),
            Some(&last.to_string()),
        );
        assert_eq!(a.status, 200, "{a:?}");
        assert_eq!(a.position, Some(last), "nothing was written after {last}");
        reports.push(pii_columns(&a.body));
        let s = get_at(
            r,
            "/api/v1/search?q=mailing&limit=50",
            Some(&last.to_string()),
        );
        assert_eq!(s.status, 200, "{s:?}");
        assert_eq!(s.position, Some(last));
        let names: BTreeSet<String> = s.body["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|h| h["name"].as_str().map(str::to_owned))
            .collect();
        searches.push(names);
    }
    let expected: BTreeSet<(String, String, String)> = (0..6)
        .flat_map(|n| [source(n), target(n)])
        .map(|d| (d, "email".to_owned(), "pii.email".to_owned()))
        .collect();
    let got: BTreeSet<(String, String, String)> = reports[0]
        .iter()
        .filter(|(_, _, t)| t.ends_with("pii.email"))
        .map(|(d, f, _)| (d.clone(), f.clone(), "pii.email".to_owned()))
        .collect();
    assert_eq!(got, expected, "every copy of the email is PII");
    assert_eq!(reports[0], reports[1], "replicas a and b agree on PII");
    assert_eq!(reports[0], reports[2], "replicas a and c agree on PII");
    let mailing: BTreeSet<String> = (0..6).map(target).collect();
    assert!(searches[0].is_superset(&mailing), "{:?}", searches[0]);
    assert_eq!(searches[0], searches[1], "replicas a and b find the same");
    assert_eq!(searches[0], searches[2], "replicas a and c find the same");

    // Every replica heard the others' commits, and the namespace counters counted each
    // entry once although three replicas run the view.
    for r in replicas {
        assert!(r.metric("weft_log_notifications_total") > 0.0);
    }
    let changes = a.get_ok(&format!("/api/v1/changes?namespace={}&limit=1000", enc(NS)));
    let logged = changes["changes"].as_array().expect("changes").len();
    assert!(logged > 0, "{changes}");
    for r in replicas {
        let ns = read_at(r, &format!("/api/v1/namespaces/{}", enc(NS)), last);
        assert_eq!(
            ns["stats"]["events"].as_u64(),
            Some(logged as u64),
            "each entry counted once: {ns}"
        );
    }
}

#[test]
fn a_replica_killed_under_load_loses_no_acknowledged_write() {
    let Some((a, b, mut c)) = three_replicas(&["--max-position-wait", "60s"]) else {
        return;
    };
    let urls = [a.url.clone(), b.url.clone(), c.url.clone()];
    let acked: Mutex<Vec<(usize, i64)>> = Mutex::new(Vec::new());
    let sent = AtomicUsize::new(0);
    const CLIENTS: usize = 4;
    const PER_CLIENT: usize = 30;
    std::thread::scope(|scope| {
        for t in 0..CLIENTS {
            let urls = &urls;
            let acked = &acked;
            let sent = &sent;
            scope.spawn(move || {
                let http = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .expect("client");
                for i in 0..PER_CLIENT {
                    let n = 100 + t * PER_CLIENT + i;
                    let url = &urls[(t + i) % 3];
                    let resp = http
                        .post(format!("{url}/api/v1/lineage"))
                        .header("Content-Type", "application/json")
                        .body(run_event(n).to_string())
                        .send();
                    sent.fetch_add(1, Ordering::SeqCst);
                    // A refused connection or a cut one is not an acknowledgement.
                    if let Ok(r) = resp {
                        let a = answer(r);
                        if (200..300).contains(&a.status) {
                            acked
                                .lock()
                                .expect("lock")
                                .push((n, a.position.expect("a position")));
                        }
                    }
                    if i % 5 == 0 {
                        // An edit through GraphQL now and then, on the same replicas.
                        let _ = http
                            .post(format!("{url}/graphql"))
                            .header("Content-Type", "application/json")
                            .body(
                                json!({"query": "mutation($ns: String!) { setDescription(namespace: $ns, dataset: \"raw.contacts100\", description: \"Contacts.\") { name } }",
                                       "variables": {"ns": NS}})
                                .to_string(),
                            )
                            .send();
                    }
                }
            });
        }
        eventually(
            "a third of the load sent",
            || sent.load(Ordering::SeqCst),
            |n| *n >= CLIENTS * PER_CLIENT / 3,
        );
        c.kill9();
    });
    let acked = acked.into_inner().expect("lock");
    assert!(
        acked.len() >= CLIENTS * PER_CLIENT / 2,
        "the two live replicas acknowledged most writes: {}",
        acked.len()
    );
    let highest = acked.iter().map(|(_, p)| *p).max().expect("writes");
    for (n, p) in &acked {
        assert!(*p <= highest);
        let ds = read_at(
            &b,
            &format!(
                "/api/v1/namespaces/{}/datasets/{}",
                enc(NS),
                enc(&target(*n))
            ),
            highest,
        );
        assert_eq!(ds["name"], target(*n).as_str(), "{ds}");
    }
    let out = a.weft(&["verify"]);
    assert!(
        out.status.success(),
        "verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_listener_reconnects_and_catches_up() {
    let Some((a, b, _c)) = three_replicas(&[]) else {
        return;
    };
    let url = a.store_args().last().cloned().expect("the database URL");
    let db = url.rsplit('/').next().expect("a database name").to_owned();
    // Cut every replica's listening session, as a network failure or a database
    // restart would.
    weft_tests::psql(
        &url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{db}' AND query LIKE 'LISTEN%'"
        ),
    );
    eventually(
        "the listener reconnected",
        || b.metric("weft_log_listener_reconnects_total"),
        |n| *n >= 1.0,
    );
    let heard = b.metric("weft_log_notifications_total");
    let w = push(&a, &run_event(1));
    assert!((200..300).contains(&w.status), "{w:?}");
    eventually(
        "replica b hears a's commit again",
        || b.metric("weft_log_notifications_total"),
        |n| *n > heard,
    );
    let p = w.position.expect("a position");
    read_at(
        &b,
        &format!(
            "/api/v1/namespaces/{}/datasets/{}",
            enc(NS),
            enc(&target(1))
        ),
        p,
    );
}

#[test]
fn every_response_says_its_position_and_waits_are_bounded() {
    for backend in backends() {
        let s = Server::start(backend, &["--max-position-wait", "1s"]);
        let mut seen = 0;
        for n in 0..3 {
            let w = push(&s, &run_event(n));
            assert!((200..300).contains(&w.status), "{backend:?}: {w:?}");
            let p = w.position.expect("a write says its position");
            assert!(p > seen, "{backend:?}: {p} after {seen}");
            // A retried delivery says where the log is, at least as far as the write.
            let again = push(&s, &run_event(n));
            assert!(again.position.is_some_and(|q| q >= p), "{again:?}");
            let r = eventually(
                "the replica reaches its own write",
                || get_at(&s, "/api/v1/namespaces", None),
                |a| a.position.is_some_and(|q| q >= p),
            );
            assert_eq!(r.status, 200);
            seen = r.position.expect("position");
            // Reads never go back.
            for path in [
                "/api/v1/namespaces",
                "/api/v1/search?q=mailing",
                "/api/v1/nothing",
            ] {
                let a = get_at(&s, path, None);
                let q = a.position.unwrap_or_else(|| panic!("{path}: {a:?}"));
                assert!(q >= seen, "{backend:?} {path}: {q} after {seen}");
                seen = q;
            }
            let (_, q) = graphql_ok(&s, "{ __typename }", json!({}), Some(seen));
            assert!(q >= seen);
        }
        // Far ahead of the log: a bounded wait, then 503 in the API's error shape.
        let a = get_at(&s, "/api/v1/namespaces", Some("1000000000"));
        assert_eq!(a.status, 503, "{a:?}");
        assert_eq!(a.retry_after.as_deref(), Some("1"));
        let msg = a.body["error"].as_str().expect("error");
        assert!(msg.contains("position 1000000000 not reached"), "{msg}");
        assert_eq!(a.body["path"], "Weft-Min-Log-Position");
        let g = graphql_at(&s, "{ __typename }", json!({}), Some(1_000_000_000));
        assert_eq!(g.status, 503, "{g:?}");
        // GraphQL also takes the position in the body's extensions.
        let body = |min: Value| {
            answer(
                s.http
                    .post(format!("{}/graphql", s.url))
                    .header("Content-Type", "application/json")
                    .body(
                        json!({"query": "{ __typename }", "extensions": {"minLogPosition": min}})
                            .to_string(),
                    )
                    .send()
                    .expect("graphql request"),
            )
        };
        let ok = body(json!(seen));
        assert_eq!(ok.status, 200, "{ok:?}");
        assert!(ok.body["extensions"]["logPosition"].as_i64() >= Some(seen));
        let far = body(json!(1_000_000_000));
        assert_eq!(far.status, 503, "{far:?}");
        assert_eq!(far.body["path"], "extensions.minLogPosition");
        assert_eq!(far.retry_after.as_deref(), Some("1"));
        let bad = body(json!("soon"));
        assert_eq!(bad.status, 400, "{bad:?}");
        // Not a position: 400, naming the header.
        for bad in ["soon", "-3", "1e3"] {
            let a = get_at(&s, "/api/v1/namespaces", Some(bad));
            assert_eq!(a.status, 400, "{bad}: {a:?}");
            assert_eq!(a.body["path"], "Weft-Min-Log-Position", "{a:?}");
        }
        // Health and metrics are not the API: no position.
        assert!(get_at(&s, "/healthz", None).position.is_none());
    }
    // A refusal by the token guard is an API response too.
    let s = Server::start(Backend::Sqlite, &["--token", "alice=0123456789abcdef"]);
    let a = get_at(&s, "/api/v1/namespaces", None);
    assert_eq!(a.status, 401, "{a:?}");
    assert!(a.position.is_some(), "{a:?}");
}

/// The next text message on a graphql-transport-ws socket, answering pings.
fn ws_recv(ws: &mut tungstenite::WebSocket<std::net::TcpStream>) -> Value {
    loop {
        match ws.read().expect("a message within the read timeout") {
            tungstenite::Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).expect("json message");
                if v["type"] == "ping" {
                    ws.send(tungstenite::Message::Text(
                        json!({"type": "pong"}).to_string().into(),
                    ))
                    .expect("pong");
                    continue;
                }
                return v;
            }
            tungstenite::Message::Close(f) => panic!("closed: {f:?}"),
            _ => continue,
        }
    }
}

#[test]
fn a_subscription_on_one_replica_sees_another_replicas_commits() {
    let Some((a, b, _c)) = three_replicas(&[]) else {
        return;
    };
    // Far longer than the views' poll: only the commit signal ends the wait in time.
    let mut ws = b.graphql_ws(Duration::from_secs(20));
    let send = |ws: &mut tungstenite::WebSocket<std::net::TcpStream>, v: Value| {
        ws.send(tungstenite::Message::Text(v.to_string().into()))
            .expect("send")
    };
    send(&mut ws, json!({"type": "connection_init", "payload": {}}));
    assert_eq!(ws_recv(&mut ws)["type"], "connection_ack");
    // Replica b writes nothing itself: what it streams comes from replica a. The first
    // change is in the log before the subscription starts; the second commits while it
    // waits, and only the commit signal (which now includes other replicas' commits)
    // wakes it: the subscription has no poll.
    let first = push(&a, &run_event(6));
    assert!((200..300).contains(&first.status), "{first:?}");
    let p1 = first.position.expect("a position");
    send(
        &mut ws,
        json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { metadataChanges(since: 0) { seq kind entity } }"}}),
    );
    let mut seen = Vec::new();
    let mut next = |ws: &mut tungstenite::WebSocket<std::net::TcpStream>, until: i64| {
        while !seen.contains(&until) {
            let m = ws_recv(ws);
            assert_eq!(m["type"], "next", "{m}");
            seen.push(
                m["payload"]["data"]["metadataChanges"]["seq"]
                    .as_i64()
                    .expect("seq"),
            );
        }
        seen.clone()
    };
    next(&mut ws, p1);
    let second = push(&a, &run_event(7));
    assert!((200..300).contains(&second.status), "{second:?}");
    let p2 = second.position.expect("a position");
    let seen = next(&mut ws, p2);
    assert_eq!(
        seen,
        (1..=p2).collect::<Vec<_>>(),
        "every change once, in order"
    );
}
