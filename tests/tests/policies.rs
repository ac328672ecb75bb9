//! Policies evaluated continuously over the catalog, end to end on both backends.
//!
//! A small shop is seeded with OpenLineage events (a raw customer table whose `email`
//! the producer tags `pii.email`, marts built from it by a job with column lineage)
//! and GraphQL edits. The built-in policies must find what is wrong, with the lineage
//! path for personal data, list it over REST and GraphQL with filters, log each
//! violation as it opens and clears (`policy.violation` in the change feed), and stop
//! finding it once a reviewer, an owner or a producer fixes the cause. Policy files
//! change under a running server; a restart writes no transition.

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, enc, eventually};

const NS: &str = "postgres://shop:5432";
const RAW: &str = "raw.customers";
const MART: &str = "mart.customers";
const CONTACTS: &str = "mart.contacts";
const ORDERS: &str = "mart.orders";

fn facet(schema_url: &str, body: Value) -> Value {
    let mut f = json!({
        "_producer": "https://example.test/dbt",
        "_schemaURL": schema_url,
    });
    if let (Some(f), Some(b)) = (f.as_object_mut(), body.as_object()) {
        f.extend(b.clone());
    }
    f
}

fn schema(cols: &[&str]) -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        json!({"fields": cols.iter().map(|c| json!({"name": c, "type": "string"})).collect::<Vec<_>>()}),
    )
}

fn ownership(owner: &str) -> Value {
    facet(
        "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json",
        json!({"owners": [{"name": owner, "type": "MAINTAINER"}]}),
    )
}

/// The producer's governance facet (`weft_governance`).
fn governance(body: Value) -> Value {
    facet(
        "https://weft.example/facets/GovernanceDatasetFacet.json",
        body,
    )
}

/// The raw table: `email` tagged `pii.email` by its producer, classified and kept 30 days.
fn raw_customers() -> String {
    json!({
        "eventTime": "2026-11-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": RAW, "facets": {
            "schema": schema(&["id", "email"]),
            "ownership": ownership("team:ingest"),
            "weft_governance": governance(json!({"classification": "internal", "retention": "P30D"})),
            "tags": facet(
                "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
                json!({"tags": [{"key": "pii", "value": "email", "field": "email", "source": "CATALOG"}]}),
            ),
        }},
    })
    .to_string()
}

fn identity(field: &str) -> Value {
    json!({"inputFields": [{"namespace": NS, "name": RAW, "field": field,
        "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]})
}

/// A job run copying `id` and `email` of the raw table into `output`, with the
/// output's extra facets, at `time` (a later run states newer facets).
fn copy_run(run: &str, time: &str, output: &str, facets: Value) -> String {
    let mut f = json!({
        "schema": schema(&["id", "email"]),
        "columnLineage": facet(
            "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
            json!({"fields": {"id": identity("id"), "email": identity("email")}}),
        ),
    });
    if let (Some(f), Some(extra)) = (f.as_object_mut(), facets.as_object()) {
        f.extend(extra.clone());
    }
    json!({
        "eventType": "COMPLETE", "eventTime": time,
        "producer": "https://example.test/dbt",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": "dbt", "name": format!("build_{output}")},
        "inputs": [{"namespace": NS, "name": RAW}],
        "outputs": [{"namespace": NS, "name": output, "facets": f}],
    })
    .to_string()
}

/// A dataset with no owner, description or governance, announced by a crawler.
fn bare_dataset(name: &str) -> String {
    json!({
        "eventTime": "2026-11-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": {"schema": schema(&["id", "amount"])}},
    })
    .to_string()
}

fn post(s: &Server, body: String) {
    let (status, text) = s.post_event(body);
    assert!(status == 200 || status == 201, "push -> {status}: {text}");
}

/// The shop: the raw table and two public marts that copy its email.
fn seed(s: &Server) {
    post(s, raw_customers());
    post(
        s,
        copy_run(
            "0190c7c0-0000-7000-8000-0000000000a1",
            "2026-11-01T09:00:00Z",
            MART,
            json!({
                "ownership": ownership("team:mart"),
                "weft_governance": governance(json!({"classification": "public"})),
            }),
        ),
    );
    post(
        s,
        copy_run(
            "0190c7c0-0000-7000-8000-0000000000a2",
            "2026-11-01T09:00:00Z",
            CONTACTS,
            json!({
                "ownership": ownership("team:crm"),
                "weft_governance": governance(json!({"classification": "public", "retention": "none"})),
            }),
        ),
    );
}

/// `GET /api/v1/policy-violations` with a query string.
fn violations(s: &Server, query: &str) -> Value {
    s.get_ok(&format!("/api/v1/policy-violations?{query}"))
}

fn items(v: &Value) -> Vec<Value> {
    v["violations"].as_array().cloned().unwrap_or_default()
}

/// The violations of `policy` on `dataset`, as REST lists them.
fn of(s: &Server, policy: &str, dataset: &str) -> Vec<Value> {
    items(&violations(
        s,
        &format!(
            "policy={policy}&dataset={}&namespace={}",
            enc(dataset),
            enc(NS)
        ),
    ))
}

/// Waits until `policy` finds something on `dataset`; the violations.
fn wait_open(s: &Server, policy: &str, dataset: &str) -> Vec<Value> {
    eventually(
        &format!("{policy} opens on {dataset}"),
        || of(s, policy, dataset),
        |v| !v.is_empty(),
    )
}

/// Waits until `policy` finds nothing on `dataset`.
fn wait_cleared(s: &Server, policy: &str, dataset: &str) {
    eventually(
        &format!("{policy} clears on {dataset}"),
        || of(s, policy, dataset),
        |v| v.is_empty(),
    );
}

/// Every `policy.violation` entry of the change log, with payloads.
fn transitions(s: &Server) -> Vec<Value> {
    let v = s.get_ok("/api/v1/changes?kind=policy.violation&payloads=true&limit=1000");
    v["changes"].as_array().cloned().unwrap_or_default()
}

/// The transitions of `policy` on `dataset` in state `state`.
fn logged(s: &Server, policy: &str, dataset: &str, state: &str) -> Vec<Value> {
    transitions(s)
        .into_iter()
        .filter(|c| {
            c["payload"]["policy"] == policy
                && c["payload"]["dataset"] == dataset
                && c["payload"]["state"] == state
        })
        .collect()
}

fn gql(s: &Server, query: &str) -> Value {
    s.graphql_data(None, query, json!({"ns": NS}))
}

fn pii_public_journey(b: Backend) {
    let s = Server::start(b, &[]);
    seed(&s);
    let found = wait_open(&s, "pii_public", MART);
    assert_eq!(found.len(), 1, "{found:?}");
    let v = &found[0];
    assert_eq!(v["severity"], "deny", "{v}");
    assert_eq!(v["column"], "email", "{v}");
    assert_eq!(v["dataset"], json!({"namespace": NS, "name": MART}));
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("pii.email")),
        "{v}"
    );
    assert_eq!(
        v["owners"],
        json!([{"name": "team:mart", "type": "MAINTAINER"}])
    );
    assert_eq!(
        v["path"],
        json!([
            {"dataset": format!("{NS}/{RAW}"), "column": "email", "tag": "pii.email"},
            {"dataset": format!("{NS}/{MART}"), "column": "email", "tag": "pii.email", "transformation": "identity"},
        ]),
        "{v}"
    );
    let since = v["since"]["seq"].as_i64().expect("since.seq");
    assert!(v["since"]["time"].is_string(), "{v}");
    // The raw table is internal: no personal data reaches a public dataset there.
    assert!(of(&s, "pii_public", RAW).is_empty());

    // Filters.
    let by_owner = violations(&s, "policy=pii_public&owner=team:mart");
    assert_eq!(by_owner["total"], 1, "{by_owner}");
    assert_eq!(violations(&s, "policy=pii_public&owner=nobody")["total"], 0);
    assert_eq!(
        violations(&s, "policy=pii_public&severity=warn")["total"],
        0
    );
    assert_eq!(
        violations(
            &s,
            &format!("policy=pii_public&namespace={}", enc("other://ns"))
        )["total"],
        0
    );
    let all_pii = violations(&s, "policy=pii_public&severity=deny");
    assert_eq!(all_pii["total"], 2, "the two public marts: {all_pii}");
    let (status, bad) = s.get("/api/v1/policy-violations?severity=fatal");
    assert_eq!(status, 400, "{bad}");
    assert_eq!(bad["path"], "severity", "{bad}");
    let (status, bad) = s.get("/api/v1/policy-violations?limit=0");
    assert_eq!((status, &bad["path"]), (400, &json!("limit")), "{bad}");

    // GraphQL: the same, filtered, and per dataset.
    let d = gql(
        &s,
        r#"query($ns: String!) {
            policyViolations(filter: {policy: "pii_public", namespace: $ns, owner: "team:mart"}, first: 10) {
                total items { policy severity column dataset { namespace name } path { dataset column tag transformation }
                              owners { name } since { seq } } }
            dataset(namespace: $ns, name: "mart.customers") { policyViolations { policy column } } }"#,
    );
    let list = &d["policyViolations"];
    assert_eq!(list["total"], 1, "{d}");
    let item = &list["items"][0];
    assert_eq!(
        item["dataset"],
        json!({"namespace": NS, "name": MART}),
        "{d}"
    );
    assert_eq!(item["path"][1]["transformation"], "identity", "{d}");
    assert_eq!(item["since"]["seq"], since, "{d}");
    assert!(
        d["dataset"]["policyViolations"]
            .as_array()
            .is_some_and(|l| l.contains(&json!({"policy": "pii_public", "column": "email"}))),
        "{d}"
    );

    // Opening is in the change feed, by the policy actor, with the set's fingerprint.
    let opened = logged(&s, "pii_public", MART, "open");
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["actor"], "weft:policy");
    assert_eq!(opened[0]["seq"], since);
    assert_eq!(opened[0]["entity"], format!("dataset:{NS}:{MART}"));
    let fingerprint = gql(&s, "{ policies { fingerprint } }")["policies"]["fingerprint"].clone();
    assert!(fingerprint.is_string(), "{fingerprint}");
    assert_eq!(opened[0]["payload"]["fingerprint"], fingerprint);

    // A reviewer rejects the propagated tag: the violation clears, and that is logged.
    gql(
        &s,
        r#"mutation($ns: String!) { reviewTag(namespace: $ns, dataset: "mart.customers", column: "email",
             tag: "pii.email", decision: REJECT, reviewer: "dana", reason: "hashed upstream") { name } }"#,
    );
    wait_cleared(&s, "pii_public", MART);
    let cleared = logged(&s, "pii_public", MART, "cleared");
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    assert_eq!(cleared[0]["payload"]["column"], "email");

    // An owner classifies the other mart confidential: its violation clears too.
    gql(
        &s,
        r#"mutation($ns: String!) { setClassification(namespace: $ns, dataset: "mart.contacts",
             classification: "confidential") { name } }"#,
    );
    wait_cleared(&s, "pii_public", CONTACTS);
    assert_eq!(logged(&s, "pii_public", CONTACTS, "cleared").len(), 1);
    assert_eq!(violations(&s, "policy=pii_public")["total"], 0);
}

#[test]
fn pii_reaching_a_public_dataset_is_found_with_its_path_and_clears() {
    for b in backends() {
        pii_public_journey(b);
    }
}

fn governance_journey(b: Backend) {
    let s = Server::start(b, &["--policy-param", "unowned_days=0"]);
    seed(&s);
    post(&s, bare_dataset(ORDERS));
    // Personal data without a retention: the mart holds the raw table's email.
    let r = wait_open(&s, "pii_retention", MART);
    assert_eq!(r.len(), 1, "{r:?}");
    // The raw table keeps 30 days, the contacts mart decided "none": both satisfy it.
    assert!(of(&s, "pii_retention", RAW).is_empty());
    assert!(of(&s, "pii_retention", CONTACTS).is_empty());
    // No owner, with unowned_days = 0.
    let u = wait_open(&s, "unowned", ORDERS);
    assert_eq!(u[0]["severity"], "warn", "{u:?}");
    assert!(of(&s, "unowned", MART).is_empty());
    // Gold without owner or description.
    assert!(of(&s, "gold_documented", ORDERS).is_empty());
    gql(
        &s,
        r#"mutation($ns: String!) { setTier(namespace: $ns, dataset: "mart.orders", tier: "gold") { tier } }"#,
    );
    let gold = wait_open(&s, "gold_documented", ORDERS);
    // One finding per missing piece: the owner and the description.
    assert_eq!(gold.len(), 2, "{gold:?}");
    gql(
        &s,
        r#"mutation($ns: String!) { setDescription(namespace: $ns, dataset: "mart.orders", description: "Every order") { name } }"#,
    );
    gql(
        &s,
        r#"mutation($ns: String!) { setOwners(namespace: $ns, dataset: "mart.orders", owners: [{name: "team:sales"}]) { name } }"#,
    );
    wait_cleared(&s, "gold_documented", ORDERS);
    wait_cleared(&s, "unowned", ORDERS);
    // The producer states a retention: the mart is compliant.
    post(
        &s,
        copy_run(
            "0190c7c0-0000-7000-8000-0000000000b1",
            "2026-11-02T09:00:00Z",
            MART,
            json!({"weft_governance": governance(json!({"classification": "public", "retention": "P90D"}))}),
        ),
    );
    wait_cleared(&s, "pii_retention", MART);
    for (policy, dataset, findings) in [
        ("pii_retention", MART, 1),
        ("unowned", ORDERS, 1),
        ("gold_documented", ORDERS, 2),
    ] {
        let opened = logged(&s, policy, dataset, "open").len();
        let cleared = logged(&s, policy, dataset, "cleared").len();
        assert_eq!(
            (opened, cleared),
            (findings, findings),
            "{policy} {dataset}"
        );
    }
    assert!(
        s.metric("weft_policy_violations_open{policy=\"pii_public\",severity=\"deny\"}") >= 1.0
    );
}

#[test]
fn governance_policies_fire_and_clear() {
    for b in backends() {
        governance_journey(b);
    }
}

const SCRATCH_POLICY: &str = r#"# Scratch tables do not belong in the catalog.
package weft.policies.no_scratch

import rego.v1

deny contains msg if {
    contains(input.dataset.name, "scratch")
    msg := sprintf("%s is a scratch table", [input.dataset.name])
}
"#;

const BROKEN_POLICY: &str = r#"package weft.policies.no_scratch

deny contains msg if {
    msg := := "broken"
}
"#;

fn reload_journey(b: Backend) {
    let dir = tempfile::tempdir().expect("policy dir");
    let dir_arg = dir.path().display().to_string();
    let s = Server::start(b, &["--policy-dir", &dir_arg]);
    post(&s, bare_dataset("tmp.scratch_1"));
    eventually(
        "the built-in library is loaded",
        || gql(&s, "{ policies { loaded { name builtin } } }"),
        |d| {
            d["policies"]["loaded"]
                .as_array()
                .is_some_and(|l| l.contains(&json!({"name": "pii_public", "builtin": true})))
        },
    );
    assert!(of(&s, "no_scratch", "tmp.scratch_1").is_empty());
    // A user policy written into the folder: in force without a restart, over what is
    // already in the catalog.
    let file = dir.path().join("no_scratch.rego");
    std::fs::write(&file, SCRATCH_POLICY).expect("write policy");
    let v = wait_open(&s, "no_scratch", "tmp.scratch_1");
    assert_eq!(v[0]["message"], "tmp.scratch_1 is a scratch table");
    assert_eq!(v[0]["severity"], "deny");
    let loaded = s.get_ok("/api/v1/policies");
    assert!(
        loaded["loaded"].as_array().is_some_and(|l| l
            .iter()
            .any(|p| p["name"] == "no_scratch" && p["builtin"] == false)),
        "{loaded}"
    );
    assert_eq!(loaded["errors"], json!([]), "{loaded}");
    // A broken edit is reported with its file and line; the previous set stays.
    std::fs::write(&file, BROKEN_POLICY).expect("write policy");
    let errors = eventually(
        "the broken policy is reported",
        || s.get_ok("/api/v1/policies")["errors"].clone(),
        |e| e.as_array().is_some_and(|l| !l.is_empty()),
    );
    let e = &errors[0];
    assert!(
        e["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("no_scratch.rego")),
        "{errors}"
    );
    assert_eq!(e["line"], 4, "{errors}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{errors}"
    );
    let d = gql(
        &s,
        "{ policies { errors { file line message } fingerprint } }",
    );
    assert_eq!(d["policies"]["errors"][0]["line"], 4, "{d}");
    post(&s, bare_dataset("tmp.scratch_2"));
    wait_open(&s, "no_scratch", "tmp.scratch_2");
    assert!(s.metric("weft_policy_load_errors_total") >= 1.0);
    // Removing the file takes the policy away: its violations clear.
    std::fs::remove_file(&file).expect("remove policy");
    wait_cleared(&s, "no_scratch", "tmp.scratch_1");
    wait_cleared(&s, "no_scratch", "tmp.scratch_2");
    assert_eq!(s.get_ok("/api/v1/policies")["errors"], json!([]));
    assert!(s.metric("weft_policy_reloads_total") >= 2.0);
}

#[test]
fn policy_files_reload_without_a_restart() {
    for b in backends() {
        reload_journey(b);
    }
}

fn restart_journey(b: Backend) {
    let mut s = Server::start(b, &["--policy-param", "unowned_days=0"]);
    seed(&s);
    post(&s, bare_dataset(ORDERS));
    wait_open(&s, "pii_public", MART);
    wait_open(&s, "unowned", ORDERS);
    let standing = |s: &Server| {
        let mut v = items(&violations(s, "limit=1000"));
        for i in &mut v {
            i.as_object_mut().map(|o| o.remove("owners"));
        }
        v
    };
    // Settled: a full evaluation ran and nothing is written any more.
    let before = eventually(
        "transitions settle",
        || {
            let n = transitions(&s).len();
            std::thread::sleep(std::time::Duration::from_millis(1500));
            (n, transitions(&s).len())
        },
        |(a, b)| a == b,
    )
    .1;
    let violations_before = standing(&s);
    s.restart();
    eventually(
        "the restarted server evaluated everything",
        || s.metric("weft_policy_evaluation_seconds_count{kind=\"full\"}"),
        |n| *n >= 1.0,
    );
    assert_eq!(
        transitions(&s).len(),
        before,
        "a restart writes no transition"
    );
    assert_eq!(standing(&s), violations_before);
    // A rebuild replays the transitions into the same table, and writes none either.
    s.rebuild();
    eventually(
        "the rebuilt server evaluated everything",
        || s.metric("weft_policy_evaluation_seconds_count{kind=\"full\"}"),
        |n| *n >= 1.0,
    );
    assert_eq!(standing(&s), violations_before);
    assert_eq!(
        transitions(&s).len(),
        before,
        "a rebuild writes no transition"
    );
}

#[test]
fn a_restart_writes_no_transitions() {
    for b in backends() {
        restart_journey(b);
    }
}
