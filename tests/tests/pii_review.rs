//! PII propagation and owner review, end to end over HTTP on both backends.
//!
//! OpenLineage events whose SQL facets build a three-layer warehouse over TPC-DS-shaped
//! tables (raw → staging → marts, plus a mart on a mart) are posted to a real server;
//! the raw `customer.c_email_address` is tagged `pii.email` by the producer. The exact
//! set of columns holding the email (raw or pseudonymised) downstream is asserted with
//! the rule at every hop of its explanation; then a reviewer rejects one propagated
//! tag, and what it alone reached disappears, across a restart and a `weft rebuild`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, enc};

const NS: &str = "postgres://warehouse:5432";

/// Column types of the raw tables, in the shape of TPC-DS's `customer` and `store_sales`
/// (the columns the models read, plus some they leave alone). Written here rather than
/// read from the external TPC-DS corpus so that the test runs on any checkout.
fn raw_fields(table: &str) -> Vec<(String, String)> {
    let cols: &[(&str, &str)] = match table {
        "customer" => &[
            ("c_customer_sk", "bigint"),
            ("c_customer_id", "string"),
            ("c_first_name", "string"),
            ("c_last_name", "string"),
            ("c_birth_country", "string"),
            ("c_login", "string"),
            ("c_email_address", "string"),
        ],
        "store_sales" => &[
            ("ss_sold_date_sk", "bigint"),
            ("ss_item_sk", "bigint"),
            ("ss_customer_sk", "bigint"),
            ("ss_ticket_number", "bigint"),
            ("ss_quantity", "bigint"),
            ("ss_net_paid", "double"),
        ],
        other => panic!("no raw table {other}"),
    };
    typed(cols)
}

fn schema(fields: &[(String, String)]) -> Value {
    json!({
        "_producer": "https://example.test/dbt",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
        "fields": fields.iter().map(|(n, t)| json!({"name": n, "type": t})).collect::<Vec<_>>(),
    })
}

fn typed(cols: &[(&str, &str)]) -> Vec<(String, String)> {
    cols.iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect()
}

fn ownership(owner: &str) -> Value {
    json!({
        "_producer": "https://example.test/dbt",
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json",
        "owners": [{"name": owner, "type": "MAINTAINER"}],
    })
}

/// The raw customer table, as a crawler would announce it, with the producer's tag.
fn raw_customer() -> Value {
    json!({
        "eventTime": "2024-05-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": "tpcds.raw.customer", "facets": {
            "schema": schema(&raw_fields("customer")),
            "ownership": ownership("team:ingest"),
            "tags": {
                "_producer": "https://example.test/crawler",
                "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
                "tags": [{"key": "pii", "value": "email", "field": "c_email_address", "source": "CATALOG"}],
            },
        }},
    })
}

fn raw_sales() -> Value {
    json!({
        "eventTime": "2024-05-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": "tpcds.raw.store_sales", "facets": {
            "schema": schema(&raw_fields("store_sales")),
        }},
    })
}

/// A dbt-style run: the model's SQL, its inputs by name, its output with a schema.
fn model_run(
    n: u32,
    job: &str,
    sql: &str,
    inputs: &[&str],
    output: &str,
    cols: &[(&str, &str)],
    owner: Option<&str>,
) -> Value {
    let mut out_facets = json!({"schema": schema(&typed(cols))});
    if let Some(o) = owner {
        out_facets["ownership"] = ownership(o);
    }
    json!({
        "eventTime": format!("2024-05-01T09:{n:02}:00Z"),
        "eventType": "COMPLETE",
        "producer": "https://example.test/dbt",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-{n:012}")},
        "job": {"namespace": "warehouse", "name": job, "facets": {"sql": {
            "_producer": "https://example.test/dbt",
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json",
            "query": sql}}},
        "inputs": inputs.iter().map(|i| json!({"namespace": NS, "name": i})).collect::<Vec<_>>(),
        "outputs": [{"namespace": NS, "name": output, "facets": out_facets}],
    })
}

fn warehouse() -> Vec<Value> {
    vec![
        raw_customer(),
        raw_sales(),
        model_run(
            1,
            "stg_customers",
            "INSERT INTO tpcds.staging.stg_customers \
             SELECT c_customer_sk AS customer_sk, \
                    c_first_name || ' ' || c_last_name AS full_name, \
                    lower(c_email_address) AS email, \
                    sha256(c_email_address) AS email_hash, \
                    c_birth_country AS birth_country \
             FROM tpcds.raw.customer WHERE c_email_address IS NOT NULL",
            &["tpcds.raw.customer"],
            "tpcds.staging.stg_customers",
            &[
                ("customer_sk", "bigint"),
                ("full_name", "varchar"),
                ("email", "varchar"),
                ("email_hash", "varchar"),
                ("birth_country", "varchar"),
            ],
            Some("team:crm"),
        ),
        model_run(
            2,
            "stg_sales",
            "INSERT INTO tpcds.staging.stg_sales \
             SELECT ss_customer_sk AS customer_sk, ss_ticket_number AS ticket, ss_net_paid AS net_paid \
             FROM tpcds.raw.store_sales",
            &["tpcds.raw.store_sales"],
            "tpcds.staging.stg_sales",
            &[
                ("customer_sk", "bigint"),
                ("ticket", "bigint"),
                ("net_paid", "decimal"),
            ],
            None,
        ),
        model_run(
            3,
            "customer_value",
            "INSERT INTO tpcds.marts.customer_value \
             SELECT c.customer_sk, c.email, max(c.email_hash) AS email_hash, \
                    count(s.ticket) AS orders, sum(s.net_paid) AS revenue \
             FROM tpcds.staging.stg_customers c \
             JOIN tpcds.staging.stg_sales s ON s.customer_sk = c.customer_sk \
             GROUP BY c.customer_sk, c.email",
            &["tpcds.staging.stg_customers", "tpcds.staging.stg_sales"],
            "tpcds.marts.customer_value",
            &[
                ("customer_sk", "bigint"),
                ("email", "varchar"),
                ("email_hash", "varchar"),
                ("orders", "bigint"),
                ("revenue", "decimal"),
            ],
            Some("team:analytics"),
        ),
        model_run(
            4,
            "email_domains",
            "INSERT INTO tpcds.marts.email_domains \
             SELECT substr(email, strpos(email, '@') + 1) AS domain, \
                    count(DISTINCT email) AS customers \
             FROM tpcds.staging.stg_customers GROUP BY 1",
            &["tpcds.staging.stg_customers"],
            "tpcds.marts.email_domains",
            &[("domain", "varchar"), ("customers", "bigint")],
            None,
        ),
        model_run(
            5,
            "vip_customers",
            "INSERT INTO tpcds.marts.vip_customers \
             SELECT customer_sk, revenue FROM tpcds.marts.customer_value \
             WHERE email LIKE '%@example.com' AND revenue > 1000",
            &["tpcds.marts.customer_value"],
            "tpcds.marts.vip_customers",
            &[("customer_sk", "bigint"), ("revenue", "decimal")],
            Some("team:analytics"),
        ),
    ]
}

/// The warehouse with `customer_value` marked gold (a dataset-level tag).
fn warehouse_with_tier() -> Vec<Value> {
    let mut events = warehouse();
    for e in &mut events {
        if e["outputs"][0]["name"] == "tpcds.marts.customer_value" {
            e["outputs"][0]["facets"]["tags"] = json!({
                "_producer": "https://example.test/dbt",
                "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
                "tags": [{"key": "tier", "value": "gold"}],
            });
        }
    }
    events
}

fn field(dataset: &str, column: &str) -> String {
    format!("datasetField:{NS}:tpcds.{dataset}:{column}")
}

/// Tags of a column, by key: (status, origin).
fn tags(s: &Server, dataset: &str, column: &str) -> BTreeMap<String, (String, String)> {
    let v = s.get_ok(&format!(
        "/api/v1/tags?nodeId={}",
        enc(&field(dataset, column))
    ));
    v["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["tag"].as_str().unwrap_or_default().to_owned(),
                (
                    t["status"].as_str().unwrap_or_default().to_owned(),
                    t["origin"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect()
}

/// Every (dataset.column, tag) of the email family that is not rejected, from the PII
/// report.
fn email_columns(s: &Server) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    // While the graph loads the report is a 503; the caller polls until it holds.
    let (status, report) = s.get(&format!("/api/v1/namespaces/{}/pii", enc(NS)));
    if status != 200 {
        return out;
    }
    for status in ["confirmed", "proposed"] {
        for c in report["columns"][status].as_array().expect("list") {
            let tag = c["tag"].as_str().unwrap_or_default();
            if tag.ends_with("pii.email") {
                let ds = c["dataset"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("tpcds.");
                out.insert((
                    format!("{ds}.{}", c["field"].as_str().unwrap_or_default()),
                    tag.to_owned(),
                ));
            }
        }
    }
    out
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(c, t)| ((*c).to_owned(), (*t).to_owned()))
        .collect()
}

/// Waits until `check` holds (the SQL view and the graph follow the log
/// asynchronously), then returns; panics with the last value after 30 s.
fn eventually<T: std::fmt::Debug>(
    what: &str,
    mut probe: impl FnMut() -> T,
    check: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = probe();
        if check(&v) {
            return v;
        }
        if Instant::now() > deadline {
            panic!("{what}: still {v:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the graph has loaded after a start (503 until then).
fn wait_ready(s: &Server) {
    let probe = format!(
        "/api/v1/tags?nodeId={}",
        enc(&field("raw.customer", "c_email_address"))
    );
    eventually("graph loads", || s.get(&probe).0, |st| *st == 200);
}

fn post_review(s: &Server, body: Value) -> (u16, Value) {
    let (status, text) = s.post("/api/v1/reviews", body.to_string(), "application/json");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn hop_rules(s: &Server, dataset: &str, column: &str, tag: &str) -> Vec<Vec<String>> {
    let v = s.get_ok(&format!(
        "/api/v1/tags?nodeId={}&paths=10",
        enc(&field(dataset, column))
    ));
    let t = v["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .find(|t| t["tag"] == tag)
        .unwrap_or_else(|| panic!("{tag} on {dataset}.{column}: {v}"))
        .clone();
    let mut out: Vec<Vec<String>> = t["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| {
            let mut hops = vec![
                p["start"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ];
            hops.extend(p["hops"].as_array().expect("hops").iter().map(|h| {
                format!(
                    "{}>{}",
                    h["rule"].as_str().unwrap_or_default(),
                    h["to"]
                        .as_str()
                        .unwrap_or_default()
                        .rsplit(':')
                        .next()
                        .unwrap_or_default()
                )
            }));
            hops
        })
        .collect();
    assert_eq!(t["totalPaths"].as_u64(), Some(out.len() as u64), "{t}");
    out.sort();
    out
}

fn warehouse_on(backend: Backend) {
    let mut s = Server::start(backend, &[]);
    for e in warehouse_with_tier() {
        let (status, body) = s.post_event(e.to_string());
        assert_eq!(status, 201, "{body}");
    }
    let expected = set(&[
        ("raw.customer.c_email_address", "pii.email"),
        ("staging.stg_customers.email", "pii.email"),
        (
            "staging.stg_customers.email_hash",
            "pseudonymised.pii.email",
        ),
        ("marts.customer_value.email", "pii.email"),
        ("marts.customer_value.email_hash", "pseudonymised.pii.email"),
        ("marts.email_domains.domain", "pii.email"),
    ]);
    let found = eventually(
        "the email reaches the marts",
        || email_columns(&s),
        |f| f == &expected,
    );
    assert_eq!(found, expected);

    // Statuses and origins: the producer's tag is confirmed, the rest proposed.
    assert_eq!(
        tags(&s, "raw.customer", "c_email_address")
            .get("pii.email")
            .map(|(st, _)| st.as_str()),
        Some("confirmed")
    );
    let email = s.get_ok(&format!(
        "/api/v1/tags?nodeId={}",
        enc(&field("staging.stg_customers", "email"))
    ));
    let t = &email["tags"][0];
    assert_eq!(
        (&t["tag"], &t["status"], &t["propagated"], &t["detectedBy"]),
        (
            &json!("pii.email"),
            &json!("proposed"),
            &json!(true),
            &json!("email")
        ),
        "{email}"
    );
    // Counting, summing and filtering stop it. The email reaching the other marts says
    // nothing of when the graph learns `vip_customers`, written by a later event: wait
    // for each column to be known before asking what it carries.
    for (ds, col) in [
        ("marts.customer_value", "orders"),
        ("marts.customer_value", "revenue"),
        ("marts.email_domains", "customers"),
        ("marts.vip_customers", "customer_sk"),
        ("marts.vip_customers", "revenue"),
    ] {
        let probe = format!("/api/v1/tags?nodeId={}", enc(&field(ds, col)));
        eventually(
            &format!("the graph knows {ds}.{col}"),
            || s.get(&probe).0,
            |st| *st == 200,
        );
        assert!(
            tags(&s, ds, col).keys().all(|t| !t.ends_with("pii.email")),
            "{ds}.{col}: {:?}",
            tags(&s, ds, col)
        );
    }
    // Each tag explains itself, hop by hop.
    // Each tag explains itself, hop by hop, from its nearest source.
    assert_eq!(
        hop_rules(
            &s,
            "marts.customer_value",
            "email_hash",
            "pseudonymised.pii.email"
        ),
        vec![vec![
            "c_email_address".to_owned(),
            "masking>email_hash".to_owned(),
            "value_preserving_aggregate>email_hash".to_owned()
        ]]
    );
    assert_eq!(
        hop_rules(&s, "staging.stg_customers", "email", "pii.email"),
        vec![
            vec![
                "c_email_address".to_owned(),
                "transformation>email".to_owned()
            ],
            vec!["email".to_owned()],
        ]
    );

    // The review queue: by owner and tag, and the unowned queue.
    let queue = |q: &str| -> BTreeSet<(String, String)> {
        let v = s.get_ok(&format!("/api/v1/reviews?{q}"));
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                let ds = i["dataset"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("tpcds.");
                (
                    format!("{ds}.{}", i["field"].as_str().unwrap_or_default()),
                    i["tag"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        queue(&format!("owner={}&tag=pii", enc("team:crm"))),
        set(&[
            ("staging.stg_customers.email", "pii.email"),
            ("staging.stg_customers.full_name", "pii.name"),
        ])
    );
    assert_eq!(
        queue("unowned=true&tag=pseudonymised"),
        BTreeSet::new(),
        "no unowned dataset holds a hash"
    );
    assert_eq!(
        queue("unowned=true"),
        set(&[("marts.email_domains.domain", "pii.email")])
    );

    // Impact of the raw table: every downstream dataset with owners and tier.
    let impact = s.get_ok(&format!(
        "/api/v1/graph/impact?nodeId={}",
        enc(&format!("dataset:{NS}:tpcds.raw.customer"))
    ));
    let impacted: BTreeMap<String, (Value, Value)> = impact["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .map(|d| {
            let owners: Vec<&str> = d["owners"]
                .as_array()
                .expect("owners")
                .iter()
                .filter_map(|o| o["name"].as_str())
                .collect();
            (
                d["name"].as_str().unwrap_or_default().to_owned(),
                (json!(owners), d["tier"].clone()),
            )
        })
        .collect();
    let mut expected_impact = BTreeMap::new();
    expected_impact.insert(
        "tpcds.staging.stg_customers".to_owned(),
        (json!(["team:crm"]), Value::Null),
    );
    expected_impact.insert(
        "tpcds.marts.customer_value".to_owned(),
        (json!(["team:analytics"]), json!("gold")),
    );
    expected_impact.insert(
        "tpcds.marts.email_domains".to_owned(),
        (json!([]), Value::Null),
    );
    expected_impact.insert(
        "tpcds.marts.vip_customers".to_owned(),
        (json!(["team:analytics"]), Value::Null),
    );
    assert_eq!(impacted, expected_impact);

    // Downstream of the email column, three hops; and a node cap that truncates.
    let down = s.get_ok(&format!(
        "/api/v1/graph/downstream?nodeId={}&depth=3",
        enc(&field("raw.customer", "c_email_address"))
    ));
    assert_eq!(down["truncated"], false);
    let ids: BTreeSet<&str> = down["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    for f in [
        field("staging.stg_customers", "email"),
        field("staging.stg_customers", "email_hash"),
        field("marts.customer_value", "email_hash"),
        field("marts.email_domains", "customers"),
    ] {
        assert!(ids.contains(f.as_str()), "{f} in {ids:?}");
    }
    let capped = s.get_ok(&format!(
        "/api/v1/graph/downstream?nodeId={}&depth=3&maxNodes=2",
        enc(&field("raw.customer", "c_email_address"))
    ));
    assert_eq!(capped["truncated"], true);
    assert_eq!(capped["nodes"].as_array().map(Vec::len), Some(2));

    // Children beyond the cap are counted, the most used kept (customer_value has a
    // reader, email_domains none); each dataset says whether it has column lineage.
    let children = s.get_ok(&format!(
        "/api/v1/graph/downstream?nodeId={}&maxChildren=1",
        enc(&format!("dataset:{NS}:tpcds.staging.stg_customers"))
    ));
    let nodes = children["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2, "{children}");
    assert_eq!(nodes[0]["hiddenChildren"], 1, "{children}");
    assert_eq!(nodes[1]["name"], "tpcds.marts.customer_value", "{children}");
    assert_eq!(nodes[1]["hasColumnLineage"], true, "{children}");

    // Bad reviews: a clear 4xx naming the field, and nothing changes.
    let stg_email = field("staging.stg_customers", "email");
    let review = |tag: &str, action: &str| json!({"nodeId": stg_email, "tag": tag, "action": action, "reviewer": "carol"});
    for (body, status, path) in [
        (
            json!({"nodeId": field("staging.stg_customers", "nope"), "tag": "pii.email", "action": "reject", "reviewer": "carol"}),
            404,
            None,
        ),
        (review("pii..email", "reject"), 400, Some("tag")),
        (review("PII Email", "reject"), 400, Some("tag")),
        (review("pii.email", "approve"), 400, Some("action")),
        (
            json!({"nodeId": stg_email, "tag": "pii.email", "action": "reject"}),
            400,
            Some("reviewer"),
        ),
        (
            json!({"nodeId": format!("dataset:{NS}:tpcds.staging.stg_customers"), "tag": "pii.email", "action": "reject", "reviewer": "carol"}),
            400,
            Some("nodeId"),
        ),
        (review("pii.ssn", "confirm"), 409, None),
        (review("pii.email", "remove"), 409, None),
    ] {
        let (got, v) = post_review(&s, body.clone());
        assert_eq!(got, status, "{body} -> {v}");
        if let Some(p) = path {
            assert_eq!(v["path"], p, "{v}");
        }
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    }
    assert_eq!(email_columns(&s), expected);

    // Reject the propagated email at staging: what only it reached goes with it.
    let (status, v) = post_review(
        &s,
        json!({"nodeId": stg_email, "tag": "pii.email", "action": "reject",
               "reviewer": "carol", "reason": "lower-cased test addresses only"}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["applied"], true, "{v}");
    let after_reject = set(&[
        ("raw.customer.c_email_address", "pii.email"),
        (
            "staging.stg_customers.email_hash",
            "pseudonymised.pii.email",
        ),
        // Its own name still proposes it there, no longer as propagated.
        ("marts.customer_value.email", "pii.email"),
        ("marts.customer_value.email_hash", "pseudonymised.pii.email"),
    ]);
    assert_eq!(email_columns(&s), after_reject);
    let cv_email = s.get_ok(&format!(
        "/api/v1/tags?nodeId={}",
        enc(&field("marts.customer_value", "email"))
    ));
    assert_eq!(
        (
            &cv_email["tags"][0]["propagated"],
            &cv_email["tags"][0]["detectedBy"]
        ),
        (&json!(false), &json!("email")),
        "{cv_email}"
    );
    let rejected = s.get_ok(&format!("/api/v1/tags?nodeId={}", enc(&stg_email)));
    assert_eq!(rejected["tags"][0]["status"], "rejected", "{rejected}");
    assert_eq!(
        rejected["tags"][0]["review"]["reviewer"], "carol",
        "{rejected}"
    );
    assert_eq!(
        rejected["tags"][0]["review"]["reason"],
        "lower-cased test addresses only"
    );
    let report = s.get_ok(&format!("/api/v1/namespaces/{}/pii", enc(NS)));
    assert_eq!(report["counts"]["rejected"], 1, "{report}");
    assert_eq!(report["columns"]["rejected"][0]["id"], stg_email.as_str());

    // Marquez-shaped reads list the graph's tags; the rejected one is gone there.
    let marquez_tags = |ds: &str, col: &str| -> Vec<String> {
        let d = s.get_ok(&format!(
            "/api/v1/namespaces/{}/datasets/tpcds.{ds}",
            enc(NS)
        ));
        d["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == col)
            .map(|f| {
                f["tags"]
                    .as_array()
                    .expect("tags")
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        marquez_tags("marts.customer_value", "email_hash"),
        vec!["pseudonymised.pii.email"]
    );
    assert!(marquez_tags("staging.stg_customers", "email").is_empty());
    assert_eq!(
        marquez_tags("raw.customer", "c_email_address"),
        vec!["pii", "pii.email"]
    );

    // An owner's own tag propagates like a declared one; a confirmation pins a tag.
    let (status, v) = post_review(
        &s,
        json!({"nodeId": field("staging.stg_customers", "customer_sk"), "tag": "pii.customer_id",
               "action": "add", "reviewer": "carol"}),
    );
    assert_eq!(status, 200, "{v}");
    for (ds, col) in [
        ("marts.customer_value", "customer_sk"),
        ("marts.vip_customers", "customer_sk"),
    ] {
        assert_eq!(
            tags(&s, ds, col)
                .get("pii.customer_id")
                .map(|(st, o)| (st.as_str(), o.as_str())),
            Some(("proposed", "propagated")),
            "{ds}.{col}"
        );
    }
    let hash = field("marts.customer_value", "email_hash");
    let (status, v) = post_review(
        &s,
        json!({"nodeId": hash, "tag": "pseudonymised.pii.email", "action": "confirm", "reviewer": "dave"}),
    );
    assert_eq!(status, 200, "{v}");

    // Retract the edge into the confirmed hash: the confirmation pins the tag there,
    // and the edge stays gone (the job's SQL is not allowed to bring it back).
    let retract = |body: Value| -> (u16, Value) {
        let (status, text) = s.post(
            "/api/v1/lineage/retractions",
            body.to_string(),
            "application/json",
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    };
    let stg_hash = field("staging.stg_customers", "email_hash");
    assert_eq!(
        retract(json!({"src": stg_hash, "dst": hash, "origin": "bogus", "reviewer": "dave"})).0,
        400
    );
    assert_eq!(
        retract(json!({"src": stg_email, "dst": hash, "reviewer": "dave"})).0,
        404
    );
    assert_eq!(
        retract(json!({"src": stg_hash, "dst": hash, "origin": "sql"})).0,
        400
    );
    let (status, v) = retract(
        json!({"src": stg_hash, "dst": hash, "origin": "sql", "reviewer": "dave", "reason": "model rewritten"}),
    );
    assert_eq!(status, 200, "{v}");
    let upstream_of_hash = |s: &Server| -> Vec<String> {
        let up = s.get_ok(&format!("/api/v1/graph/upstream?nodeId={}", enc(&hash)));
        up["edges"]
            .as_array()
            .expect("edges")
            .iter()
            // The mart's filters and join keys are inputs of every column it has and
            // stay listed (level columnToDataset); the retracted one was a column edge.
            .filter(|e| e["level"] == "column")
            .filter_map(|e| e["src"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        upstream_of_hash(&s).is_empty(),
        "{:?}",
        upstream_of_hash(&s)
    );
    let pinned = tags(&s, "marts.customer_value", "email_hash");
    assert_eq!(
        pinned
            .get("pseudonymised.pii.email")
            .map(|(st, _)| st.as_str()),
        Some("confirmed"),
        "{pinned:?}"
    );

    // Decisions survive a restart (the graph is rebuilt from the store) and a rebuild
    // of the store from the log.
    let snapshot = |s: &Server| {
        (
            email_columns(s),
            tags(s, "staging.stg_customers", "email"),
            tags(s, "marts.customer_value", "email_hash"),
            tags(s, "marts.vip_customers", "customer_sk"),
            upstream_of_hash(s),
        )
    };
    let before = snapshot(&s);
    assert_eq!(
        before
            .2
            .get("pseudonymised.pii.email")
            .map(|(st, _)| st.as_str()),
        Some("confirmed")
    );
    s.restart();
    wait_ready(&s);
    assert_eq!(snapshot(&s), before);
    s.rebuild();
    wait_ready(&s);
    let rebuilt = eventually("rebuilt store", || snapshot(&s), |v| v == &before);
    assert_eq!(rebuilt, before);
}

#[test]
fn warehouse_pii_on_every_backend() {
    for b in backends() {
        warehouse_on(b);
    }
}

/// With authentication on, the reviewer is the token's name, and only an owner of the
/// dataset (when it has owners) may decide.
#[test]
fn only_owners_review_when_tokens_are_on() {
    let s = Server::start(
        Backend::Sqlite,
        // Reads stay open: this test is about who may decide, not who may look.
        &[
            "--token",
            "alice=s3cret-a",
            "--token",
            "bob=s3cret-b",
            "--open-reads",
        ],
    );
    let send = |path: &str, token: Option<&str>, body: &Value| -> (u16, Value) {
        let mut req = s
            .http
            .post(format!("{}{path}", s.url))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().expect("request");
        let status = resp.status().as_u16();
        (
            status,
            serde_json::from_str(&resp.text().unwrap_or_default()).unwrap_or(Value::Null),
        )
    };
    let mut event = raw_customer();
    event["dataset"]["facets"]["ownership"] = ownership("user:alice");
    assert_eq!(send("/api/v1/lineage", Some("s3cret-a"), &event).0, 201);
    let col = field("raw.customer", "c_first_name");
    let probe = format!("/api/v1/tags?nodeId={}", enc(&col));
    eventually(
        "detection",
        || s.get(&probe),
        |(st, v)| *st == 200 && v["tags"][0]["tag"] == "pii.name",
    );
    let decision = json!({"nodeId": col, "tag": "pii.name", "action": "reject", "reviewer": "mallory", "reason": "a label, not a name"});
    assert_eq!(send("/api/v1/reviews", None, &decision).0, 401);
    let (status, v) = send("/api/v1/reviews", Some("s3cret-b"), &decision);
    assert_eq!(status, 403, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("bob") && e.contains("user:alice")),
        "{v}"
    );
    assert_eq!(s.get_ok(&probe)["tags"][0]["status"], "proposed");
    let (status, v) = send("/api/v1/reviews", Some("s3cret-a"), &decision);
    assert_eq!(status, 200, "{v}");
    let after = s.get_ok(&probe);
    assert_eq!(after["tags"][0]["status"], "rejected", "{after}");
    // The token's name is recorded, not the name in the body.
    assert_eq!(after["tags"][0]["review"]["reviewer"], "alice", "{after}");
}

/// A lineage cycle (two jobs feeding each other) neither loops nor hides the tag, and
/// malformed graph queries get a 4xx naming the parameter.
#[test]
fn cycles_terminate_and_bad_queries_are_refused() {
    let s = Server::start(Backend::Sqlite, &[]);
    let edge = |from: &str, field: &str| {
        json!({"inputFields": [{"namespace": NS, "name": from, "field": field,
               "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]})
    };
    let run = |n: u32, job: &str, from: &str, to: &str, tags: Option<Value>| {
        let mut out = json!({"namespace": NS, "name": to, "facets": {
            "schema": schema(&typed(&[("contact", "varchar")])),
            "columnLineage": {
                "_producer": "https://example.test/spark",
                "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                "fields": {"contact": edge(from, "contact")}},
        }});
        if let Some(t) = tags {
            out["facets"]["tags"] = t;
        }
        json!({
            "eventTime": format!("2024-05-02T10:{n:02}:00Z"), "eventType": "COMPLETE",
            "producer": "https://example.test/spark",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": format!("0190c7c0-0000-7000-8000-{:012}", 100 + n)},
            "job": {"namespace": "loop", "name": job},
            "inputs": [{"namespace": NS, "name": from, "facets": {"schema": schema(&typed(&[("contact", "varchar")]))}}],
            "outputs": [out],
        })
    };
    let tag = json!({"_producer": "https://example.test/spark",
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
        "tags": [{"key": "pii.phone", "value": "true", "field": "contact"}]});
    assert_eq!(
        s.post_event(run(1, "a_to_b", "loop.a", "loop.b", None).to_string())
            .0,
        201
    );
    assert_eq!(
        s.post_event(run(2, "b_to_a", "loop.b", "loop.a", Some(tag)).to_string())
            .0,
        201
    );
    let b = format!("datasetField:{NS}:loop.b:contact");
    let probe = format!("/api/v1/tags?nodeId={}", enc(&b));
    let v = eventually(
        "the tag goes round",
        || s.get(&probe),
        |(st, v)| *st == 200 && v["tags"][0]["tag"] == "pii.phone",
    );
    assert_eq!(v.1["tags"][0]["totalPaths"], 1, "{}", v.1);
    // The two jobs' edges are re-read on their own schedules (at most every 5 s each),
    // so the loop can close a moment after the tag has gone round.
    let node_ids = |down: &Value| -> BTreeSet<String> {
        down["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect()
    };
    let (_, down) = eventually(
        "the loop closed downstream of b",
        || {
            s.get(&format!(
                "/api/v1/graph/downstream?nodeId={}&depth=50",
                enc(&b)
            ))
        },
        |(st, v)| *st == 200 && node_ids(v).len() == 2,
    );
    assert_eq!(node_ids(&down).len(), 2, "{down}");
    assert_eq!(down["truncated"], false);

    for (path, param) in [
        (
            format!("/api/v1/graph/downstream?nodeId={}&depth=abc", enc(&b)),
            None,
        ),
        ("/api/v1/graph/downstream".to_owned(), Some("nodeId")),
        (
            "/api/v1/graph/downstream?nodeId=table:x".to_owned(),
            Some("nodeId"),
        ),
        (format!("/api/v1/graph/paths?from={}", enc(&b)), Some("to")),
        (
            format!(
                "/api/v1/tags?nodeId={}",
                enc(&format!("dataset:{NS}:loop.b"))
            ),
            Some("nodeId"),
        ),
        ("/api/v1/reviews?status=maybe".to_owned(), Some("status")),
    ] {
        let (status, v) = s.get(&path);
        assert_eq!(status, 400, "{path} -> {v}");
        if let Some(p) = param {
            assert_eq!(v["path"], p, "{path} -> {v}");
        }
    }
    assert_eq!(
        s.get(&format!(
            "/api/v1/graph/impact?nodeId={}",
            enc(&format!("dataset:{NS}:loop.zzz"))
        ))
        .0,
        404
    );
    assert_eq!(
        s.get(&format!("/api/v1/namespaces/{}/pii", enc("nowhere://x")))
            .0,
        404
    );
}
