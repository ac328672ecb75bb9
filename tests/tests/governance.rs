//! Classification and retention, end to end through the real binary, on both backends:
//!
//! - a producer states them in the `weft_governance` dataset facet; a facet that does
//!   not fit is flagged in the change log, never refused, and states nothing; a
//!   well-formed classification outside the configured set is refused naming its field;
//! - `setClassification` / `setRetention` set them by hand (values outside the allowed
//!   set or not a duration are refused naming the field), and a producer re-sending its
//!   facet afterwards does not undo them;
//! - `POST /api/v1/governance` and `weft govern apply` set them (with tier and owners) in
//!   bulk from CSV or JSON lines: unchanged rows write nothing, one bad line applies
//!   nothing and names its line and field;
//! - REST and GraphQL show them, search filters and counts by classification, every edit
//!   is in the change log with its actor, and all of it survives `weft rebuild`.

use serde_json::{Value, json};
use weft_tests::{Server, backends, enc, eventually};

const NS: &str = "postgres://gov-db:5432";
const ORDERS: &str = "shop.public.orders";
const USERS: &str = "shop.public.users";
const EVENTS: &str = "shop.public.events";
const ALICE: &str = "s3cret";

fn dataset_event(name: &str, governance: Option<Value>) -> String {
    dataset_event_at(name, governance, "2026-05-01T10:00:00Z")
}

fn dataset_event_at(name: &str, governance: Option<Value>, at: &str) -> String {
    let mut facets = json!({
        "schema": {
            "_producer": "https://example.test/p",
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
            "fields": [{"name": "id", "type": "INT"}]
        }
    });
    if let Some(mut g) = governance {
        g["_producer"] = json!("https://example.test/p");
        g["_schemaURL"] = json!("https://example.test/weft_governance.json");
        facets["weft_governance"] = g;
    }
    json!({
        "eventTime": at,
        "producer": "https://example.test/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": facets}
    })
    .to_string()
}

fn push(s: &Server, body: String) {
    let resp = s
        .http
        .post(format!("{}/api/v1/lineage", s.url))
        .bearer_auth(ALICE)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .expect("push");
    assert_eq!(resp.status().as_u16(), 201, "{:?}", resp.text());
}

const READ: &str = r#"query($ns: String!, $name: String!) {
  dataset(namespace: $ns, name: $name) { classification retention retentionDays tier owners { name } }
}"#;

fn read(s: &Server, name: &str) -> Value {
    s.graphql_data(Some(ALICE), READ, json!({"ns": NS, "name": name}))["dataset"].clone()
}

fn mutate(s: &Server, query: &str) -> (u16, Value) {
    s.graphql(Some(ALICE), query, json!({"ns": NS}))
}

fn post_governance(s: &Server, token: &str, body: &str) -> (u16, Value) {
    let resp = s
        .http
        .post(format!("{}/api/v1/governance", s.url))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(body.to_owned())
        .send()
        .expect("post");
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Every `catalog.edit` in the log: (actor, entity, edit payload).
fn edits(s: &Server) -> Vec<(String, String, Value)> {
    let v = s.get_ok("/api/v1/changes?since=0&kind=catalog.edit&payloads=true&limit=1000");
    v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["actor"].as_str().unwrap_or_default().to_owned(),
                c["entity"].as_str().unwrap_or_default().to_owned(),
                c["payload"]["edit"].clone(),
            )
        })
        .collect()
}

fn search_names(s: &Server, classification: &str) -> (Vec<String>, Value) {
    // 503 while the index opens after a restart: no names yet, so `eventually` retries.
    let (_, v) = s.get(&format!(
        "/api/v1/search?q=&filter=DATASET&facets=true&classification={classification}"
    ));
    let mut names: Vec<String> = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    (names, v["facets"]["classification"].clone())
}

/// `weft govern apply FILE --actor ops` on the server's store.
fn govern_apply(s: &Server, file: &std::path::Path) -> std::process::Output {
    s.weft(&[
        "govern",
        "apply",
        &file.display().to_string(),
        "--actor",
        "ops",
    ])
}

/// What every step leaves, checked again after a rebuild.
fn assert_final(s: &Server) {
    let o = read(s, ORDERS);
    assert_eq!(
        (&o["classification"], &o["retention"], &o["retentionDays"]),
        (&json!("restricted"), &json!("P1Y6M"), &json!(545)),
        "{o}"
    );
    let u = read(s, USERS);
    assert_eq!(
        (
            &u["classification"],
            &u["retention"],
            &u["retentionDays"],
            &u["tier"]
        ),
        (
            &json!("confidential"),
            &json!("P2W"),
            &json!(14),
            &json!("gold")
        ),
        "{u}"
    );
    assert_eq!(
        u["owners"],
        json!([{"name": "user:bob"}, {"name": "team:data"}])
    );
    let e = read(s, EVENTS);
    assert_eq!(
        (&e["classification"], &e["retention"], &e["retentionDays"]),
        (&json!("public"), &json!("none"), &Value::Null),
        "`none` is a value, kept forever: {e}"
    );
    let rest = s.get_ok(&format!(
        "/api/v1/namespaces/{}/datasets/{}",
        enc(NS),
        enc(ORDERS)
    ));
    assert_eq!(
        (
            &rest["classification"],
            &rest["retention"],
            &rest["retentionDays"]
        ),
        (&json!("restricted"), &json!("P1Y6M"), &json!(545)),
        "{rest}"
    );
    let (names, counts) = eventually(
        "search knows the classifications",
        || search_names(s, "confidential"),
        |(names, _)| names == &[USERS.to_owned()],
    );
    assert_eq!(names, [USERS]);
    assert_eq!(counts, json!([{"value": "confidential", "count": 1}]));
    let g = s.graphql_data(
        Some(ALICE),
        r#"{ search(query: "", filter: {type: DATASET, classification: "RESTRICTED"}) { edges { node { name } } } }"#,
        json!({}),
    );
    let found: Vec<&str> = g["search"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["name"].as_str())
        .collect();
    assert_eq!(found, [ORDERS], "{g}");
}

#[test]
fn classification_and_retention_from_producers_people_and_files() {
    for backend in backends() {
        let mut s = Server::start(
            backend,
            &["--token", &format!("alice={ALICE}"), "--open-reads"],
        );
        let settings = s.graphql_data(Some(ALICE), "{ governance { classifications } }", json!({}));
        assert_eq!(
            settings["governance"]["classifications"],
            json!(["public", "internal", "confidential", "restricted"])
        );

        // From producers: the facet is read while nobody curated; a misfit is flagged.
        push(
            &s,
            dataset_event(
                ORDERS,
                Some(json!({"classification": "Internal", "retention": "p30d"})),
            ),
        );
        push(&s, dataset_event(USERS, None));
        push(
            &s,
            dataset_event(
                EVENTS,
                Some(json!({"classification": "internal", "retention": "soon"})),
            ),
        );
        let o = read(&s, ORDERS);
        assert_eq!(
            (&o["classification"], &o["retention"], &o["retentionDays"]),
            (&json!("internal"), &json!("P30D"), &json!(30)),
            "{o}"
        );
        let e = read(&s, EVENTS);
        assert_eq!(
            (&e["classification"], &e["retention"]),
            (&Value::Null, &Value::Null),
            "a facet that does not fit states nothing: {e}"
        );
        let log = s.get_ok("/api/v1/changes?since=0");
        let flagged = log["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["entity"] == format!("dataset:{NS}:{EVENTS}"))
            .expect("the event is stored")["warnings"]
            .clone();
        assert!(
            flagged.to_string().contains("weft_governance")
                && flagged.to_string().contains("retention"),
            "{flagged}"
        );

        // A classification the catalog does not have is refused at its field, and the
        // event does not land (a typo must not stand as a classification no policy knows).
        let resp = s
            .http
            .post(format!("{}/api/v1/lineage", s.url))
            .bearer_auth(ALICE)
            .header("Content-Type", "application/json")
            .body(dataset_event(
                USERS,
                Some(json!({"classification": "publc", "retention": "P7D"})),
            ))
            .send()
            .expect("push");
        assert_eq!(resp.status().as_u16(), 400);
        let body: Value = resp.json().expect("json error");
        assert_eq!(
            body["path"], "dataset.facets.weft_governance.classification",
            "{body}"
        );
        assert!(
            body.to_string()
                .contains("`publc` is not one of public, internal"),
            "{body}"
        );
        assert_eq!(read(&s, USERS)["retention"], Value::Null);

        // By hand: checked, and winning over a later re-send of the facet.
        let (_, v) = mutate(
            &s,
            r#"mutation($ns: String!) { setClassification(namespace: $ns, dataset: "shop.public.orders", classification: "secret") { name } }"#,
        );
        let err = v["errors"][0].clone();
        assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{v}");
        assert!(
            err["message"]
                .as_str()
                .unwrap_or_default()
                .contains("public, internal, confidential, restricted"),
            "{err}"
        );
        let (_, v) = mutate(
            &s,
            r#"mutation($ns: String!) { setRetention(namespace: $ns, dataset: "shop.public.orders", retention: "forever") { name } }"#,
        );
        assert_eq!(v["errors"][0]["extensions"]["argument"], "retention", "{v}");
        let (status, v) = mutate(
            &s,
            r#"mutation($ns: String!) {
                 a: setClassification(namespace: $ns, dataset: "shop.public.orders", classification: "Restricted") { classification }
                 b: setRetention(namespace: $ns, dataset: "shop.public.orders", retention: "p1y6m") { retention retentionDays } }"#,
        );
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["data"]["a"]["classification"], "restricted", "{v}");
        assert_eq!(
            v["data"]["b"],
            json!({"retention": "P1Y6M", "retentionDays": 545})
        );
        push(
            &s,
            dataset_event_at(
                ORDERS,
                Some(json!({"classification": "public", "retention": "P7D"})),
                "2026-05-02T10:00:00Z",
            ),
        );
        eventually(
            "the re-sent facet is stored",
            || {
                s.get_ok(&format!(
                    "/api/v1/namespaces/{}/datasets/{}",
                    enc(NS),
                    enc(ORDERS)
                ))
            },
            |d| d["facets"]["weft_governance"]["classification"] == "public",
        );
        let o = read(&s, ORDERS);
        assert_eq!(
            (&o["classification"], &o["retention"]),
            (&json!("restricted"), &json!("P1Y6M")),
            "an edit wins over a later facet: {o}"
        );

        // In bulk over REST: a bad file applies nothing and names line and field.
        let before = edits(&s).len();
        let bad = "namespace,name,classification,retention\n\
                   postgres://gov-db:5432,shop.public.users,internal,P9D\n\
                   postgres://gov-db:5432,shop.public.orders,secret,P1D\n";
        let (status, v) = post_governance(&s, ALICE, bad);
        assert_eq!(status, 400, "{v}");
        let msg = v["error"].as_str().unwrap_or_default();
        assert!(
            msg.contains("line 3") && msg.contains("classification"),
            "{v}"
        );
        let missing = "namespace,name,retention\npostgres://gov-db:5432,shop.public.nope,P1D\n";
        let (status, v) = post_governance(&s, ALICE, missing);
        assert_eq!(status, 400, "{v}");
        assert!(
            v["error"].as_str().unwrap_or_default().contains("line 2"),
            "{v}"
        );
        assert_eq!(edits(&s).len(), before, "nothing applied");
        assert_eq!(read(&s, USERS)["classification"], Value::Null);

        let good = "namespace,name,classification,retention,tier,owners\n\
                    postgres://gov-db:5432,shop.public.users,Confidential,P2W,gold,\"user:bob;team:data\"\n\
                    postgres://gov-db:5432,shop.public.orders,restricted,,,\n";
        let (status, v) = post_governance(&s, ALICE, good);
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            (&v["rows"], &v["unchanged"], &v["edits"]),
            (&json!(2), &json!(1), &json!(4)),
            "{v}"
        );
        let (status, v) = post_governance(&s, ALICE, good);
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            (&v["unchanged"], &v["edits"]),
            (&json!(2), &json!(0)),
            "applied twice writes nothing: {v}"
        );

        // Every edit is in the log, with its actor.
        let log = edits(&s);
        let users = format!("dataset:{NS}:{USERS}");
        let orders = format!("dataset:{NS}:{ORDERS}");
        for (entity, op, field, value) in [
            (&orders, "setClassification", "classification", "restricted"),
            (&orders, "setRetention", "retention", "P1Y6M"),
            (
                &users,
                "setClassification",
                "classification",
                "confidential",
            ),
            (&users, "setRetention", "retention", "P2W"),
            (&users, "setTier", "tier", "gold"),
        ] {
            assert!(
                log.iter().any(|(actor, e, edit)| actor == "alice"
                    && e == entity
                    && edit["op"] == op
                    && edit[field] == value),
                "{op} {value} by alice on {entity} in {log:?}"
            );
        }

        // Offline, from a JSON lines file: the same checks, the given actor.
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("governance.jsonl");
        std::fs::write(
            &file,
            format!(
                "{}\n{}\n",
                json!({"namespace": NS, "name": EVENTS, "classification": "public", "retention": "none"}),
                json!({"namespace": NS, "name": USERS, "tier": "silver", "retention": "P1D T"}),
            ),
        )
        .expect("write");
        s.kill9();
        // `weft ingest` holds producers' files to the same set as the server.
        let events = dir.path().join("events.ndjson");
        std::fs::write(
            &events,
            format!(
                "{}\n",
                dataset_event(USERS, Some(json!({"classification": "Secret"})))
            ),
        )
        .expect("write");
        let out = s.weft(&["ingest", &events.display().to_string()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{stdout}");
        assert!(
            stdout.contains("0 events stored, 0 already present, 1 refused")
                && stdout.contains(
                    "#0: dataset.facets.weft_governance.classification: `secret` is not one of"
                ),
            "{stdout}"
        );
        let out = govern_apply(&s, &file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("line 2") && stderr.contains("retention"),
            "{stderr}"
        );
        std::fs::write(
            &file,
            format!(
                "{}\n",
                json!({"namespace": NS, "name": EVENTS, "classification": "public", "retention": "none"})
            ),
        )
        .expect("write");
        let out = govern_apply(&s, &file);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 rows: 2 edits recorded"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        s.restart();
        assert_eq!(
            read(&s, USERS)["tier"],
            "gold",
            "the bad file applied nothing"
        );
        let by_ops = edits(&s)
            .into_iter()
            .filter(|(actor, e, _)| actor == "ops" && e == &format!("dataset:{NS}:{EVENTS}"))
            .count();
        assert_eq!(by_ops, 2);

        assert_final(&s);
        s.rebuild();
        assert_final(&s);
    }
}
