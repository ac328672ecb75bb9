//! What the web UI asks of `/graphql`, end to end through the real binary.
//!
//! - `viewer`: authentication off (every scope), a token with every scope, a write-only
//!   token (which may not read, yet learns what it is), open reads, and the 401 without
//!   a token.
//! - On both backends, a small shop seeded over the REST push API: `orders` (its
//!   `email` tagged `pii.email` by the producer) read by three jobs, `customers`, and
//!   reports on top, so lineage fans out with different usage; a job whose SQL has a
//!   bad first statement; a query-log crawl for usage. Then `suggest`, `columnPaths`,
//!   `maxChildren` with `hiddenChildren` and `usage` ordering, `piiTags`, `jobs` with
//!   roles, `sqlLineage`, `usage.statements`, `history` (runs, an edit, reviews, with
//!   actors, newest first, paged), `changes(entityPrefix:)`, search `marks`
//!   (deprecated, temporary, zombie), and `reviewTags` (effects downstream, in-order
//!   conflicts, the owner check, the item limit) with `reviewTag` on the same path.
//! - `piiTags` on a list of 20 datasets costs the same few statements as on 3.

use std::io::Write;

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, eventually};

const NS: &str = "postgres://ui-db:5432";
const ETL: &str = "etl";
const ORDERS: &str = "shop.public.orders";
const CUSTOMERS: &str = "shop.public.customers";
const TOTALS: &str = "shop.public.order_totals";
const TOTALS_V2: &str = "shop.public.order_totals_v2";
const EXPORT: &str = "shop.analytics.email_list";
const MAILING: &str = "shop.analytics.mailing";
const REPORT_A: &str = "shop.reporting.a";
const REPORT_B: &str = "shop.reporting.b";
const REPORT_C: &str = "shop.reporting.c";
const SQL_OUT: &str = "shop.public.sql_out";
const RUN_TOTALS: &str = "0190c7c0-0000-7000-8000-0000000000a1";
const ALICE: &str = "s3cret";
const CAROL: &str = "c4rol";

// ---------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------

fn facet(spec: &str, body: Value) -> Value {
    let mut f = json!({
        "_producer": "https://example.test/ui-seed",
        "_schemaURL": format!("https://openlineage.io/spec/facets/1-0-1/{spec}.json"),
    });
    for (k, v) in body.as_object().expect("object").clone() {
        f[k] = v;
    }
    f
}

fn schema(fields: &[&str]) -> Value {
    facet(
        "SchemaDatasetFacet",
        json!({"fields": fields.iter().map(|n| json!({"name": n, "type": "varchar"})).collect::<Vec<_>>()}),
    )
}

fn owned_by(owner: &str) -> Value {
    facet(
        "OwnershipDatasetFacet",
        json!({"owners": [{"name": owner, "type": "MAINTAINER"}]}),
    )
}

/// A producer's `pii.KIND` tag on a column.
fn pii(field: &str, kind: &str) -> Value {
    json!({"key": "pii", "value": kind, "field": field, "source": "CATALOG"})
}

fn dataset_event(name: &str, fields: &[&str], mut facets: Value) -> Value {
    facets["schema"] = schema(fields);
    json!({
        "eventTime": "2026-11-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": facets},
    })
}

/// `(output column, [(input dataset, input column)])`, all DIRECT/IDENTITY.
type Lineage<'a> = &'a [(&'a str, &'a [(&'a str, &'a str)])];

fn column_lineage(fields: Lineage<'_>) -> Value {
    let mut out = serde_json::Map::new();
    for (column, inputs) in fields {
        let inputs: Vec<Value> = inputs
            .iter()
            .map(|(d, f)| {
                json!({"namespace": NS, "name": d, "field": f,
                       "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]})
            })
            .collect();
        out.insert((*column).to_owned(), json!({"inputFields": inputs}));
    }
    facet("ColumnLineageDatasetFacet", json!({"fields": out}))
}

/// A COMPLETE run of `job` reading `inputs` and writing `output` with its columns and
/// column lineage (and the job's SQL, when given).
#[allow(clippy::too_many_arguments)]
fn run_event(
    run: &str,
    time: &str,
    job: &str,
    inputs: &[&str],
    output: &str,
    fields: &[&str],
    lineage: Lineage<'_>,
    sql: Option<&str>,
) -> Value {
    let mut job_facets = json!({});
    if let Some(q) = sql {
        job_facets["sql"] = facet("SQLJobFacet", json!({"query": q}));
    }
    let mut out_facets = json!({"schema": schema(fields)});
    if !lineage.is_empty() {
        out_facets["columnLineage"] = column_lineage(lineage);
    }
    json!({
        "eventTime": time,
        "eventType": "COMPLETE",
        "producer": "https://example.test/airflow",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": ETL, "name": job, "facets": job_facets},
        "inputs": inputs.iter().map(|d| json!({"namespace": NS, "name": d})).collect::<Vec<_>>(),
        "outputs": [{"namespace": NS, "name": output, "facets": out_facets}],
    })
}

fn run_id(n: u32) -> String {
    format!("0190c7c0-0000-7000-8000-{n:012}")
}

/// Its first statement does not parse; the second derives lineage.
const SQL: &str = "SELEC broken FROM;\nINSERT INTO public.sql_out SELECT c.id AS customer_id FROM public.customers c";

/// The shop. Downstream of `orders` at dataset level: `order_totals` (read by three
/// jobs), `email_list` (by one) and `mailing` (by none). `orders.email` reaches
/// `order_totals.buyer`, `email_list.recipient`, `mailing.mail_to` (which also comes
/// from `customers.email`), `reporting.a.buyer` and `reporting.c.contact` (through
/// both `buyer` and `recipient`: two paths).
fn seed_events() -> Vec<Value> {
    vec![
        dataset_event(
            ORDERS,
            &["order_id", "email", "amount"],
            json!({"ownership": owned_by("user:alice"),
                   "tags": facet("TagsDatasetFacet", json!({"tags": [pii("email", "email")]}))}),
        ),
        dataset_event(
            CUSTOMERS,
            &["id", "email", "phone"],
            json!({"ownership": owned_by("user:alice"),
                   "tags": facet("TagsDatasetFacet", json!({"tags": [pii("email", "email"), pii("phone", "phone")]}))}),
        ),
        run_event(
            RUN_TOTALS,
            "2026-11-01T09:00:00Z",
            "order_totals_job",
            &[ORDERS],
            TOTALS,
            &["buyer", "total"],
            &[
                ("buyer", &[(ORDERS, "email")]),
                ("total", &[(ORDERS, "amount")]),
            ],
            None,
        ),
        run_event(
            &run_id(2),
            "2026-11-01T09:10:00Z",
            "email_export",
            &[ORDERS],
            EXPORT,
            &["recipient"],
            &[("recipient", &[(ORDERS, "email")])],
            None,
        ),
        run_event(
            &run_id(3),
            "2026-11-01T09:20:00Z",
            "mailing_job",
            &[ORDERS, CUSTOMERS],
            MAILING,
            &["mail_to"],
            &[("mail_to", &[(ORDERS, "email"), (CUSTOMERS, "email")])],
            None,
        ),
        run_event(
            &run_id(4),
            "2026-11-01T10:00:00Z",
            "report_a",
            &[TOTALS],
            REPORT_A,
            &["buyer"],
            &[("buyer", &[(TOTALS, "buyer")])],
            None,
        ),
        run_event(
            &run_id(5),
            "2026-11-01T10:10:00Z",
            "report_b",
            &[TOTALS],
            REPORT_B,
            &["total"],
            &[("total", &[(TOTALS, "total")])],
            None,
        ),
        run_event(
            &run_id(6),
            "2026-11-01T10:20:00Z",
            "report_c",
            &[TOTALS, EXPORT],
            REPORT_C,
            &["contact"],
            &[("contact", &[(TOTALS, "buyer"), (EXPORT, "recipient")])],
            None,
        ),
        run_event(
            &run_id(7),
            "2026-11-01T10:30:00Z",
            "sql_job",
            &[CUSTOMERS],
            SQL_OUT,
            &["customer_id"],
            &[],
            Some(SQL),
        ),
        dataset_event(TOTALS_V2, &["buyer"], json!({})),
    ]
}

/// Pushes events as one batch, with a token when the server checks them.
fn push_all(s: &Server, token: Option<&str>, events: &[Value]) {
    let mut req = s
        .http
        .post(format!("{}/api/v1/lineage", s.url))
        .header("Content-Type", "application/json")
        .body(Value::Array(events.to_vec()).to_string());
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let resp = req.send().expect("push");
    let status = resp.status().as_u16();
    assert_eq!(status, 201, "{}", resp.text().unwrap_or_default());
}

/// A query or mutation that must succeed; its `data`.
fn gql(s: &Server, token: &str, query: &str, vars: Value) -> Value {
    s.graphql_data(Some(token), query, vars)
}

/// A refused operation: (HTTP status, error code, message, the error's extensions).
fn refused(
    s: &Server,
    token: Option<&str>,
    query: &str,
    vars: Value,
) -> (u16, String, String, Value) {
    let (status, v) = s.graphql(token, query, vars);
    let e = &v["errors"][0];
    assert!(e.is_object(), "expected an error: {v}");
    (
        status,
        e["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
        e["extensions"].clone(),
    )
}

fn col(ds: &str, c: &str) -> String {
    format!("datasetField:{NS}:{ds}:{c}")
}

const COLUMN_TAGS: &str = "query($ns: String!, $ds: String!, $c: String!) {
  column(namespace: $ns, dataset: $ds, name: $c) { tags { key status } } }";

/// `(key, status)` of a column's tags, sorted.
fn tags(s: &Server, ds: &str, c: &str) -> Vec<(String, String)> {
    let v = gql(s, ALICE, COLUMN_TAGS, json!({"ns": NS, "ds": ds, "c": c}));
    let mut out: Vec<(String, String)> = v["column"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["key"].as_str().unwrap_or_default().to_owned(),
                t["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn has(tags: &[(String, String)], key: &str, status: &str) -> bool {
    tags.iter().any(|(k, s)| k == key && s == status)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .unwrap_or_else(|| panic!("not a string: {x}"))
                .to_owned()
        })
        .collect()
}

fn field_of(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn seed(s: &Server) {
    push_all(s, Some(ALICE), &seed_events());
    eventually(
        "pii.email reaches reporting.c.contact",
        || tags(s, REPORT_C, "contact"),
        |t| has(t, "pii.email", "proposed"),
    );
    eventually(
        "pii.email reaches mailing.mail_to and reporting.a.buyer",
        || (tags(s, MAILING, "mail_to"), tags(s, REPORT_A, "buyer")),
        |(a, b)| has(a, "pii.email", "proposed") && has(b, "pii.email", "proposed"),
    );
}

// ---------------------------------------------------------------------------------------
// 1. viewer
// ---------------------------------------------------------------------------------------

const VIEWER: &str = "{ viewer { authEnabled name scopes } }";

#[test]
fn viewer_says_who_is_calling() {
    // Authentication off: nobody, every scope.
    let open = Server::start(Backend::Sqlite, &[]);
    let v = open.graphql_data(None, VIEWER, json!({}));
    assert_eq!(
        v["viewer"],
        json!({"authEnabled": false, "name": null, "scopes": ["read", "write", "review", "admin"]})
    );
    drop(open);

    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("weft.toml");
    std::fs::write(
        &config,
        r#"
[[tokens]]
name = "alice"
secret = "s3cret"

[[tokens]]
name = "ci-bot"
secret = "write-only"
scopes = ["write"]

[[tokens]]
name = "carol"
secret = "reviewer"
scopes = ["read", "review"]
"#,
    )
    .expect("config");
    let config = config.display().to_string();
    let mut s = Server::start(Backend::Sqlite, &["--config", &config]);
    let v = s.graphql_data(Some("s3cret"), VIEWER, json!({}));
    assert_eq!(
        v["viewer"],
        json!({"authEnabled": true, "name": "alice", "scopes": ["read", "write", "review", "admin"]})
    );
    let v = s.graphql_data(Some("reviewer"), VIEWER, json!({}));
    assert_eq!(
        v["viewer"],
        json!({"authEnabled": true, "name": "carol", "scopes": ["read", "review"]})
    );
    // A write-only token may not read the catalog, yet learns what it is.
    let (status, body) = s.graphql(Some("write-only"), "{ datasets { totalCount } }", json!({}));
    assert_eq!(status, 403, "{body}");
    let v = s.graphql_data(Some("write-only"), VIEWER, json!({}));
    assert_eq!(
        v["viewer"],
        json!({"authEnabled": true, "name": "ci-bot", "scopes": ["write"]})
    );
    // No token, or an unknown one: refused like any other request.
    for token in [None, Some("not-a-token")] {
        let r = s.graphql_request(
            token,
            "application/json",
            "application/json",
            json!({"query": VIEWER}).to_string(),
        );
        assert_eq!(r.status, 401, "{}", r.text);
        assert_eq!(r.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert_eq!(r.www_authenticate.as_deref(), Some("Bearer"));
        assert!(r.body.get("data").is_none_or(Value::is_null), "{}", r.text);
    }
    // Open reads: a tokenless caller may read, and only read.
    s.set_extra(&["--config", &config, "--open-reads"]);
    s.restart();
    let v = s.graphql_data(None, VIEWER, json!({}));
    assert_eq!(
        v["viewer"],
        json!({"authEnabled": true, "name": null, "scopes": ["read"]})
    );
}

// ---------------------------------------------------------------------------------------
// 2. The shop, on every backend
// ---------------------------------------------------------------------------------------

#[test]
fn the_ui_reads_and_reviews_on_every_backend() {
    for backend in backends() {
        // A dataset's history is asserted entry by entry: without the built-in
        // policies, whose violations are entries of the dataset too (policies.rs).
        let s = Server::start(
            backend,
            &[
                "--policy-builtin",
                "false",
                "--token",
                &format!("alice={ALICE}"),
                "--token",
                &format!("carol={CAROL}"),
            ],
        );
        seed(&s);
        suggestions(&s);
        paths(&s);
        capped_lineage(&s);
        pii_and_jobs(&s);
        sql_lineage(&s);
        usage(&s);
        history_and_prefix(&s);
        marks(&s);
        bulk_review(&s);
    }
}

fn suggestions(s: &Server) {
    const Q: &str = "query($p: String!, $f: SearchFilter, $n: Int) {
      suggest(prefix: $p, filter: $f, first: $n) { kind namespace name nodeId } }";
    let all = eventually(
        "the search index knows the shop",
        || gql(s, ALICE, Q, json!({"p": "order"}))["suggest"].clone(),
        |v| {
            let ids = field_of(v, "nodeId");
            ids.contains(&format!("dataset:{NS}:{TOTALS}"))
                && ids.contains(&"job:etl:order_totals_job".to_owned())
        },
    );
    let list = all.as_array().expect("list");
    // Every dataset of the shop starts a word with `shop`: ten of them, eight by default.
    let shop = gql(s, ALICE, Q, json!({"p": "shop"}))["suggest"].clone();
    assert_eq!(shop.as_array().map(Vec::len), Some(8), "{shop}");
    let shop = gql(s, ALICE, Q, json!({"p": "shop", "n": 20}))["suggest"].clone();
    assert_eq!(shop.as_array().map(Vec::len), Some(10), "{shop}");
    let totals = list
        .iter()
        .find(|x| x["name"] == TOTALS)
        .expect("order_totals");
    assert_eq!(
        totals,
        &json!({"kind": "DATASET", "namespace": NS, "name": TOTALS, "nodeId": format!("dataset:{NS}:{TOTALS}")})
    );
    let job = list
        .iter()
        .find(|x| x["name"] == "order_totals_job")
        .expect("the job");
    assert_eq!(job["kind"], "JOB");
    assert_eq!(job["namespace"], ETL);
    // Nothing that does not start a word with the prefix.
    assert!(
        !field_of(&all, "name")
            .iter()
            .any(|n| n == CUSTOMERS || n == EXPORT),
        "{all}"
    );

    let jobs = gql(s, ALICE, Q, json!({"p": "order", "f": {"type": "JOB"}}))["suggest"].clone();
    assert_eq!(
        field_of(&jobs, "kind")
            .iter()
            .filter(|k| *k != "JOB")
            .count(),
        0,
        "{jobs}"
    );
    assert!(
        field_of(&jobs, "name").contains(&"order_totals_job".to_owned()),
        "{jobs}"
    );
    let datasets = gql(
        s,
        ALICE,
        Q,
        json!({"p": "order", "f": {"type": "DATASET", "namespace": NS}}),
    )["suggest"]
        .clone();
    assert!(
        field_of(&datasets, "kind").iter().all(|k| k == "DATASET")
            && !datasets.as_array().unwrap().is_empty(),
        "{datasets}"
    );
    let one = gql(s, ALICE, Q, json!({"p": "order", "n": 1}))["suggest"].clone();
    assert_eq!(one.as_array().map(Vec::len), Some(1), "{one}");
    // The REST endpoint answers the same.
    let rest = s.graphql_data(Some(ALICE), Q, json!({"p": "order_t", "n": 5}))["suggest"].clone();
    let (status, body) = {
        let resp = s
            .http
            .get(format!("{}/api/v1/search/suggest?q=order_t&limit=5", s.url))
            .header("Authorization", format!("Bearer {ALICE}"))
            .send()
            .expect("suggest");
        (resp.status().as_u16(), resp.json::<Value>().expect("json"))
    };
    assert_eq!(status, 200);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let ids = sorted(field_of(&rest, "nodeId"));
    assert_eq!(ids, sorted(field_of(&body["results"], "nodeId")));
    assert_eq!(
        ids,
        [
            format!("dataset:{NS}:{TOTALS}"),
            format!("dataset:{NS}:{TOTALS_V2}"),
            "job:etl:order_totals_job".to_owned(),
        ]
    );

    let (_, code, msg, ext) = refused(s, Some(ALICE), Q, json!({"p": "order", "n": 21}));
    assert_eq!(
        (code.as_str(), &ext["argument"]),
        ("BAD_USER_INPUT", &json!("first")),
        "{msg}"
    );
    let (_, code, _, ext) = refused(
        s,
        Some(ALICE),
        Q,
        json!({"p": "order", "f": {"type": "COLUMN"}}),
    );
    assert_eq!(
        (code.as_str(), &ext["argument"]),
        ("BAD_USER_INPUT", &json!("filter"))
    );
}

fn paths(s: &Server) {
    const Q: &str = "query($from: String!, $to: String!, $limit: Int, $depth: Int) {
      columnPaths(from: $from, to: $to, limit: $limit, maxDepth: $depth) {
        total paths { edges { src dst level origin job { namespace name } } } } }";
    let from = col(ORDERS, "email");
    let to = col(REPORT_C, "contact");
    let v = gql(s, ALICE, Q, json!({"from": from, "to": to}))["columnPaths"].clone();
    assert_eq!(v["total"], 2, "{v}");
    let mut middles: Vec<String> = v["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| {
            let e = p["edges"].as_array().expect("edges");
            assert_eq!(e.len(), 2, "{p}");
            assert_eq!(e[0]["src"], json!(from));
            assert_eq!(e[1]["dst"], json!(to));
            assert_eq!(e[0]["dst"], e[1]["src"], "{p}");
            assert_eq!(e[0]["level"], "column");
            e[0]["dst"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    middles.sort();
    assert_eq!(middles, [col(EXPORT, "recipient"), col(TOTALS, "buyer")]);
    let first = &v["paths"][0]["edges"][1];
    assert_eq!(first["job"]["name"], "report_c", "{first}");

    // Fewer listed than counted; too short a reach finds none.
    let v = gql(s, ALICE, Q, json!({"from": from, "to": to, "limit": 1}))["columnPaths"].clone();
    assert_eq!(
        (v["total"].clone(), v["paths"].as_array().map(Vec::len)),
        (json!(2), Some(1))
    );
    let v = gql(s, ALICE, Q, json!({"from": from, "to": to, "depth": 1}))["columnPaths"].clone();
    assert_eq!(v, json!({"total": 0, "paths": []}));

    let (_, code, _, _) = refused(
        s,
        Some(ALICE),
        Q,
        json!({"from": format!("dataset:{NS}:{ORDERS}"), "to": to}),
    );
    assert_eq!(code, "BAD_USER_INPUT");
    let (_, code, _, _) = refused(
        s,
        Some(ALICE),
        Q,
        json!({"from": col(ORDERS, "nope"), "to": to}),
    );
    assert_eq!(code, "NOT_FOUND");
}

fn capped_lineage(s: &Server) {
    const Q: &str = "query($id: String!, $cap: Int) {
      lineage(nodeId: $id, direction: DOWNSTREAM, depth: 1, maxChildren: $cap) {
        truncated nodes { id depth usage hiddenChildren } edges { src dst } } }";
    let orders = format!("dataset:{NS}:{ORDERS}");
    let ds = |name: &str| format!("dataset:{NS}:{name}");
    let all = gql(s, ALICE, Q, json!({"id": orders}))["lineage"].clone();
    let nodes = all["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4, "{all}");
    assert_eq!(nodes[0]["id"], json!(orders));
    assert_eq!(nodes[0]["hiddenChildren"], 0);
    // Children most used first: read by three jobs, by one, by none.
    assert_eq!(
        (
            field_of(&all["nodes"], "id")[1..].to_vec(),
            nodes[1]["usage"].clone(),
            nodes[2]["usage"].clone(),
            nodes[3]["usage"].clone()
        ),
        (
            vec![ds(TOTALS), ds(EXPORT), ds(MAILING)],
            json!(3),
            json!(1),
            json!(0)
        ),
        "{all}"
    );
    // `orders` itself is read by three jobs too.
    assert_eq!(nodes[0]["usage"], 3, "{all}");

    // Capped at two: the two most used stay, the third is counted.
    let capped = gql(s, ALICE, Q, json!({"id": orders, "cap": 2}))["lineage"].clone();
    assert_eq!(
        field_of(&capped["nodes"], "id"),
        [orders.clone(), ds(TOTALS), ds(EXPORT)],
        "{capped}"
    );
    assert_eq!(capped["nodes"][0]["hiddenChildren"], 1, "{capped}");
    assert!(
        !field_of(&capped["edges"], "dst").contains(&ds(MAILING)),
        "{capped}"
    );
    let one = gql(s, ALICE, Q, json!({"id": orders, "cap": 1}))["lineage"].clone();
    assert_eq!(field_of(&one["nodes"], "id"), [orders.clone(), ds(TOTALS)]);
    assert_eq!(one["nodes"][0]["hiddenChildren"], 2);

    // The same cap on a dataset's and a column's own traversals.
    let v = gql(
        s,
        ALICE,
        "query($ns: String!) { dataset(namespace: $ns, name: \"shop.public.orders\") {
           downstream(maxChildren: 1) { nodes { id hiddenChildren } }
           column(name: \"email\") { downstream(maxChildren: 2) { nodes { id hiddenChildren } } } } }",
        json!({"ns": NS}),
    );
    let d = &v["dataset"]["downstream"]["nodes"];
    assert_eq!(field_of(d, "id"), [orders.clone(), ds(TOTALS)], "{v}");
    assert_eq!(d[0]["hiddenChildren"], 2);
    // email feeds buyer, recipient and mail_to: one of three hidden at two.
    let c = &v["dataset"]["column"]["downstream"]["nodes"];
    assert_eq!(c.as_array().map(Vec::len), Some(3), "{v}");
    assert_eq!(c[0]["hiddenChildren"], 1, "{v}");

    let (_, code, _, ext) = refused(s, Some(ALICE), Q, json!({"id": orders, "cap": 0}));
    assert_eq!(
        (code.as_str(), &ext["argument"]),
        ("BAD_USER_INPUT", &json!("maxChildren"))
    );
}

fn pii_and_jobs(s: &Server) {
    let v = gql(
        s,
        ALICE,
        "query($ns: String!) {
          orders: dataset(namespace: $ns, name: \"shop.public.orders\") { piiTags jobs { role job { namespace name } } }
          customers: dataset(namespace: $ns, name: \"shop.public.customers\") { piiTags }
          totals: dataset(namespace: $ns, name: \"shop.public.order_totals\") { piiTags jobs { role job { name outputs { nodes { name } } } } }
          b: dataset(namespace: $ns, name: \"shop.reporting.b\") { piiTags jobs { role job { name } } } }",
        json!({"ns": NS}),
    );
    assert_eq!(strings(&v["orders"]["piiTags"]), ["pii.email"]);
    assert_eq!(
        strings(&v["customers"]["piiTags"]),
        ["pii.email", "pii.phone"]
    );
    // Propagated tags count; a report of totals carries none.
    assert_eq!(strings(&v["totals"]["piiTags"]), ["pii.email"]);
    assert_eq!(strings(&v["b"]["piiTags"]), Vec::<String>::new());
    assert_eq!(
        v["orders"]["jobs"],
        json!([
            {"role": "READS", "job": {"namespace": ETL, "name": "email_export"}},
            {"role": "READS", "job": {"namespace": ETL, "name": "mailing_job"}},
            {"role": "READS", "job": {"namespace": ETL, "name": "order_totals_job"}},
        ]),
        "{v}"
    );
    let roles: Vec<(String, String)> = v["totals"]["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|j| {
            (
                j["role"].as_str().unwrap_or_default().to_owned(),
                j["job"]["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("WRITES".to_owned(), "order_totals_job".to_owned()),
            ("READS".to_owned(), "report_a".to_owned()),
            ("READS".to_owned(), "report_b".to_owned()),
            ("READS".to_owned(), "report_c".to_owned()),
        ]
    );
    assert_eq!(
        v["totals"]["jobs"][0]["job"]["outputs"]["nodes"],
        json!([{"name": TOTALS}])
    );
    assert_eq!(
        v["b"]["jobs"],
        json!([{"role": "WRITES", "job": {"name": "report_b"}}])
    );

    // A rejected tag is no badge.
    let d = gql(
        s,
        ALICE,
        "mutation($ns: String!) { reviewTag(namespace: $ns, dataset: \"shop.analytics.email_list\", column: \"recipient\",
           tag: \"pii.email\", decision: REJECT, reason: \"not an address anyone reads\") { name tags { key status } } }",
        json!({"ns": NS}),
    );
    assert_eq!(d["reviewTag"]["name"], "recipient");
    assert_eq!(
        d["reviewTag"]["tags"],
        json!([{"key": "pii.email", "status": "rejected"}])
    );
    let pii_of_export = || {
        gql(
            s,
            ALICE,
            "query($ns: String!) { dataset(namespace: $ns, name: \"shop.analytics.email_list\") { piiTags } }",
            json!({"ns": NS}),
        )["dataset"]["piiTags"]
            .clone()
    };
    assert_eq!(pii_of_export(), json!([]));
    gql(
        s,
        ALICE,
        "mutation($ns: String!) { reviewTag(namespace: $ns, dataset: \"shop.analytics.email_list\", column: \"recipient\",
           tag: \"pii.email\", decision: CLEAR) { name } }",
        json!({"ns": NS}),
    );
    assert_eq!(pii_of_export(), json!(["pii.email"]));
}

fn sql_lineage(s: &Server) {
    const Q: &str = "{ a: job(namespace: \"etl\", name: \"sql_job\") { sqlLineage { statements edges unresolved analyzedAt
         errors { statement line column message } } }
       b: job(namespace: \"etl\", name: \"order_totals_job\") { sql sqlLineage { statements } } }";
    let v = eventually(
        "the SQL lineage view analysed sql_job",
        || gql(s, ALICE, Q, json!({})),
        |v| v["a"]["sqlLineage"].is_object(),
    );
    let l = &v["a"]["sqlLineage"];
    assert_eq!(l["statements"], 2, "{l}");
    assert_eq!(l["unresolved"], json!([]), "{l}");
    assert!(l["edges"].as_i64().is_some_and(|e| e >= 1), "{l}");
    assert!(
        l["analyzedAt"]
            .as_str()
            .is_some_and(|t| t.starts_with("20")),
        "{l}"
    );
    let errors = l["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{l}");
    assert_eq!(
        (&errors[0]["statement"], &errors[0]["line"]),
        (&json!(0), &json!(1)),
        "{l}"
    );
    assert!(errors[0]["column"].as_i64().is_some_and(|c| c >= 1), "{l}");
    assert!(
        errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{l}"
    );
    // No SQL, no analysis.
    assert_eq!(v["b"], json!({"sql": null, "sqlLineage": null}));
}

/// Usage from a query log crawled into the server's store (as `tests/tests/crawl.rs`
/// does): the same lookup on two days, and a count on the second.
fn usage(s: &Server) {
    let lines = [
        json!({"query": "SELECT order_id, email FROM orders WHERE email = 'alice@example.com'",
               "user": "ana", "start_time": "2026-11-20T09:00:00Z"}),
        json!({"query": "select order_id, email from orders where email = 'bob@example.com'",
               "user": "ben", "start_time": "2026-11-21T09:00:00Z"}),
        json!({"query": "SELECT count(*) FROM orders", "user": "ana", "start_time": "2026-11-21T10:00:00Z"}),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("queries.jsonl");
    std::fs::File::create(&log)
        .and_then(|mut f| {
            f.write_all(
                lines
                    .iter()
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
                    .as_bytes(),
            )
        })
        .expect("writes the log");
    let log = log.display().to_string();
    let out = s.weft(&[
        "crawl",
        "--query-log",
        &log,
        "--format",
        "jsonl",
        "--dialect",
        "postgres",
        "--namespace",
        NS,
        "--database",
        "shop",
        "--schema",
        "public",
        "--name",
        "ui-log",
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v = gql(
        s,
        ALICE,
        "query($ns: String!) { dataset(namespace: $ns, name: \"shop.public.orders\") {
           usage(days: 3650) { reads users statements days { day queries } } } }",
        json!({"ns": NS}),
    );
    let u = &v["dataset"]["usage"];
    assert_eq!((&u["reads"], &u["users"]), (&json!(3), &json!(2)), "{u}");
    let per_day: i64 = u["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d["queries"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
        per_day, 3,
        "one statement the first day, two the second: {u}"
    );
    assert_eq!(
        u["statements"], 2,
        "the lookup counts once over the period: {u}"
    );
}

const HISTORY: &str = "query($ns: String!, $name: String!, $first: Int, $after: String) {
  dataset(namespace: $ns, name: $name) { history(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage } pageInfo2: pageInfo { endCursor }
    edges { cursor node { seq kind actor entity } } } } }";

fn history_and_prefix(s: &Server) {
    // An edit by carol (write scope), two decisions by alice (who owns the dataset), and
    // an edit on a column of a dataset whose name extends this one's.
    gql(
        s,
        CAROL,
        "mutation($ns: String!) { setDescription(namespace: $ns, dataset: \"shop.public.order_totals\", description: \"Totals per buyer\") { name } }",
        json!({"ns": NS}),
    );
    for decision in ["CONFIRM", "CLEAR"] {
        gql(
            s,
            ALICE,
            &format!(
                "mutation($ns: String!) {{ reviewTag(namespace: $ns, dataset: \"shop.public.order_totals\", column: \"buyer\",
                   tag: \"pii.email\", decision: {decision}) {{ name }} }}"
            ),
            json!({"ns": NS}),
        );
    }
    gql(
        s,
        CAROL,
        "mutation($ns: String!) { setDescription(namespace: $ns, dataset: \"shop.public.order_totals_v2\", column: \"buyer\", description: \"v2\") { name } }",
        json!({"ns": NS}),
    );
    let page = |first: i64, after: Option<&str>| {
        gql(
            s,
            ALICE,
            HISTORY,
            json!({"ns": NS, "name": TOTALS, "first": first, "after": after}),
        )["dataset"]["history"]
            .clone()
    };
    let all = page(20, None);
    let summary: Vec<(String, String, String)> = all["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let n = &e["node"];
            assert_eq!(
                e["cursor"],
                json!(n["seq"].as_i64().unwrap_or(-1).to_string())
            );
            (
                n["kind"].as_str().unwrap_or_default().to_owned(),
                n["actor"].as_str().unwrap_or_default().to_owned(),
                n["entity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let buyer = format!("column:{NS}:{TOTALS}:buyer");
    let expected: Vec<(String, String, String)> = [
        ("tag.review", "alice", buyer.as_str()),
        ("tag.review", "alice", buyer.as_str()),
        ("catalog.edit", "carol", &format!("dataset:{NS}:{TOTALS}")),
        ("openlineage.run", "alice", &format!("run:{RUN_TOTALS}")),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(summary, expected, "{all}");
    let seqs: Vec<i64> = all["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["seq"].as_i64().unwrap_or(0))
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    assert_eq!(
        all["pageInfo"],
        json!({"hasNextPage": false, "hasPreviousPage": false})
    );

    // Paged by sequence number.
    let p1 = page(3, None);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true, "{p1}");
    let cursor = p1["pageInfo2"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    assert_eq!(cursor, seqs[2].to_string());
    let p2 = page(3, Some(&cursor));
    assert_eq!(
        p2["edges"].as_array().map(|e| e
            .iter()
            .map(|e| e["node"]["seq"].clone())
            .collect::<Vec<_>>()),
        Some(vec![json!(seqs[3])]),
        "{p2}"
    );
    assert_eq!(
        p2["pageInfo"],
        json!({"hasNextPage": false, "hasPreviousPage": true})
    );
    let (_, code, _, _) = refused(
        s,
        Some(ALICE),
        HISTORY,
        json!({"ns": NS, "name": TOTALS, "after": "not-a-seq"}),
    );
    assert_eq!(code, "BAD_USER_INPUT");

    // The change feed by entity prefix, exactly (case included).
    const FEED: &str =
        "query($p: String) { changes(entityPrefix: $p, first: 100) { nodes { entity kind } } }";
    let entities = |p: &str| {
        field_of(
            &gql(s, ALICE, FEED, json!({"p": p}))["changes"]["nodes"],
            "entity",
        )
    };
    assert_eq!(
        entities(&format!("column:{NS}:{TOTALS}:")),
        [buyer.clone(), buyer.clone()]
    );
    let mut datasets = entities(&format!("dataset:{NS}:{TOTALS}"));
    datasets.sort();
    assert_eq!(
        datasets,
        [
            format!("dataset:{NS}:{TOTALS}"),
            format!("dataset:{NS}:{TOTALS_V2}")
        ],
        "the edit on order_totals and the event of order_totals_v2"
    );
    assert!(entities(&format!("DATASET:{NS}:{TOTALS}")).is_empty());
    let runs = entities("run:");
    assert_eq!(runs.len(), 7, "{runs:?}");
    let everything = entities("");
    assert!(
        everything.len() > runs.len() + datasets.len(),
        "{everything:?}"
    );
}

fn marks(s: &Server) {
    // After the query-log crawl usage is known: a new table nobody reads is a zombie,
    // a copy-like name temporary; a deprecation is marked once the dataset is indexed again.
    push_all(
        s,
        Some(ALICE),
        &[
            dataset_event("shop.public.forgotten", &["id"], json!({})),
            dataset_event("shop.scratch.tmp_orders_copy", &["order_id"], json!({})),
        ],
    );
    gql(
        s,
        ALICE,
        "mutation($ns: String!) { deprecateDataset(namespace: $ns, dataset: \"shop.analytics.mailing\", note: \"use the CRM\") { name } }",
        json!({"ns": NS}),
    );
    const Q: &str = "query($q: String!) { search(query: $q, first: 20) { nodes { name marks } } }";
    let marks_of = |q: &str, name: &str| {
        let v = gql(s, ALICE, Q, json!({"q": q}));
        v["search"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["name"] == name)
            .map(|n| strings(&n["marks"]))
    };
    let forgotten = eventually(
        "forgotten is indexed",
        || marks_of("forgotten", "shop.public.forgotten"),
        Option::is_some,
    );
    assert_eq!(forgotten, Some(vec!["zombie".to_owned()]));
    let copy = eventually(
        "the copy is indexed",
        || marks_of("tmp_orders_copy", "shop.scratch.tmp_orders_copy"),
        Option::is_some,
    );
    assert!(
        copy.as_ref()
            .is_some_and(|m| m.contains(&"temporary".to_owned())),
        "{copy:?}"
    );
    let mailing = eventually(
        "the deprecation reaches the index",
        || marks_of("mailing", MAILING),
        |m| {
            m.as_ref()
                .is_some_and(|m| m.contains(&"deprecated".to_owned()))
        },
    );
    assert_eq!(
        mailing.as_ref().and_then(|m| m.first()).map(String::as_str),
        Some("deprecated")
    );
    // A table in use carries none.
    assert_eq!(marks_of("orders", ORDERS), Some(Vec::new()));
}

const REVIEW_TAGS: &str = "mutation($items: [ReviewTarget!]!, $d: ReviewDecision!) {
  reviewTags(items: $items, decision: $d, reason: \"bulk\") {
    columns { id tags { key status } }
    effect { lost gained kept changed { id namespace dataset field } } } }";

fn target(ds: &str, c: &str) -> Value {
    json!({"namespace": NS, "dataset": ds, "column": c, "tag": "pii.email"})
}

fn effect(v: &Value) -> (i64, i64, i64, Vec<String>) {
    let e = &v["reviewTags"]["effect"];
    let mut changed = field_of(&e["changed"], "id");
    changed.sort();
    (
        e["lost"].as_i64().unwrap_or(-1),
        e["gained"].as_i64().unwrap_or(-1),
        e["kept"].as_i64().unwrap_or(-1),
        changed,
    )
}

fn last_seq(s: &Server) -> i64 {
    gql(s, ALICE, "{ changes(first: 1) { lastSeq } }", json!({}))["changes"]["lastSeq"]
        .as_i64()
        .expect("lastSeq")
}

fn bulk_review(s: &Server) {
    let orders_only: Vec<String> = {
        let mut v = vec![
            col(TOTALS, "buyer"),
            col(EXPORT, "recipient"),
            col(REPORT_A, "buyer"),
            col(REPORT_C, "contact"),
        ];
        v.sort();
        v
    };
    // Rejected at orders.email: what only it reached loses the tag; mailing.mail_to,
    // also fed by customers.email, keeps it.
    let v = gql(
        s,
        ALICE,
        REVIEW_TAGS,
        json!({"items": [target(ORDERS, "email")], "d": "REJECT"}),
    );
    assert_eq!(effect(&v), (4, 0, 1, orders_only.clone()), "{v}");
    assert_eq!(
        v["reviewTags"]["columns"],
        json!([{"id": col(ORDERS, "email"), "tags": [{"key": "pii.email", "status": "rejected"}]}])
    );
    let changed0 = &v["reviewTags"]["effect"]["changed"];
    assert!(
        changed0.as_array().is_some_and(|c| c.iter().any(|x| x
            == &json!({"id": col(TOTALS, "buyer"), "namespace": NS, "dataset": TOTALS, "field": "buyer"}))),
        "{v}"
    );
    assert!(!has(&tags(s, TOTALS, "buyer"), "pii.email", "proposed"));
    assert!(has(&tags(s, MAILING, "mail_to"), "pii.email", "proposed"));
    // And back.
    let v = gql(
        s,
        ALICE,
        REVIEW_TAGS,
        json!({"items": [target(ORDERS, "email")], "d": "CLEAR"}),
    );
    assert_eq!(effect(&v), (0, 4, 1, orders_only.clone()), "{v}");
    assert!(has(&tags(s, TOTALS, "buyer"), "pii.email", "proposed"));

    // Both sources at once: everything downstream loses it, mail_to included.
    let both = json!([target(ORDERS, "email"), target(CUSTOMERS, "email")]);
    let mut all = orders_only.clone();
    all.push(col(MAILING, "mail_to"));
    all.sort();
    let v = gql(s, ALICE, REVIEW_TAGS, json!({"items": both, "d": "REJECT"}));
    assert_eq!(effect(&v), (5, 0, 0, all.clone()), "{v}");
    assert_eq!(
        field_of(&v["reviewTags"]["columns"], "id"),
        [col(ORDERS, "email"), col(CUSTOMERS, "email")]
    );
    assert!(!has(&tags(s, MAILING, "mail_to"), "pii.email", "proposed"));
    let v = gql(s, ALICE, REVIEW_TAGS, json!({"items": both, "d": "CLEAR"}));
    assert_eq!(effect(&v), (0, 5, 0, all), "{v}");

    // In order: once orders.email is rejected, order_totals.buyer has no pii.email to
    // reject, so the second item conflicts, and says the first was recorded.
    let v = s.graphql(
        Some(ALICE),
        REVIEW_TAGS,
        json!({"items": [target(ORDERS, "email"), target(TOTALS, "buyer")], "d": "REJECT"}),
    );
    let e = &v.1["errors"][0];
    assert_eq!(e["extensions"]["code"], "CONFLICT", "{v:?}");
    assert_eq!(
        (&e["extensions"]["item"], &e["extensions"]["recorded"]),
        (&json!(1), &json!(1))
    );
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("items[1]: ")),
        "{e}"
    );
    assert!(has(&tags(s, ORDERS, "email"), "pii.email", "rejected"));
    gql(
        s,
        ALICE,
        REVIEW_TAGS,
        json!({"items": [target(ORDERS, "email")], "d": "CLEAR"}),
    );

    // Refused before anything is recorded: a dataset carol does not own, an unknown
    // column, too many items.
    let before = last_seq(s);
    let (status, code, msg, ext) = refused(
        s,
        Some(CAROL),
        REVIEW_TAGS,
        json!({"items": [target(ORDERS, "email")], "d": "REJECT"}),
    );
    assert_eq!((status, code.as_str()), (403, "FORBIDDEN"), "{msg}");
    assert_eq!(ext["item"], 0);
    let (_, code, msg, ext) = refused(
        s,
        Some(ALICE),
        REVIEW_TAGS,
        json!({"items": [target(CUSTOMERS, "email"), target(ORDERS, "nope")], "d": "CONFIRM"}),
    );
    assert_eq!(
        (code.as_str(), &ext["item"]),
        ("NOT_FOUND", &json!(1)),
        "{msg}"
    );
    let many: Vec<Value> = (0..501).map(|_| target(ORDERS, "email")).collect();
    let (_, code, msg, ext) = refused(
        s,
        Some(ALICE),
        REVIEW_TAGS,
        json!({"items": many, "d": "CONFIRM"}),
    );
    assert_eq!(
        (code.as_str(), &ext["argument"]),
        ("BAD_USER_INPUT", &json!("items"))
    );
    assert!(msg.contains("500"), "{msg}");
    assert_eq!(last_seq(s), before, "refused batches record nothing");
    assert!(has(&tags(s, REPORT_C, "contact"), "pii.email", "proposed"));
}

// ---------------------------------------------------------------------------------------
// 3. PII badges on a list cost a bounded number of statements
// ---------------------------------------------------------------------------------------

#[test]
fn pii_badges_on_a_list_cost_a_bounded_number_of_statements() {
    let s = Server::start(Backend::Sqlite, &[]);
    let events: Vec<Value> = (0..20)
        .map(|i| {
            json!({
                "eventTime": "2026-11-01T08:00:00Z",
                "producer": "https://example.test/crawler",
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
                "dataset": {"namespace": "postgres://badges:5432", "name": format!("crm.public.t{i:02}"), "facets": {
                    "schema": schema(&["id", "email", "note"]),
                    "tags": facet("TagsDatasetFacet", json!({"tags": [pii("note", if i % 2 == 0 { "name" } else { "address" })]})),
                }},
            })
        })
        .collect();
    push_all(&s, None, &events);
    const PAGE: &str =
        "query($n: Int!) { datasets(filter: {namespace: \"postgres://badges:5432\"}, first: $n) {
      nodes { name piiTags } } }";
    let page = |n: i64| {
        let (status, v) = s.graphql(None, PAGE, json!({"n": n}));
        assert!(status == 200 && v.get("errors").is_none(), "{v}");
        v
    };
    let big = eventually(
        "the graph holds the 20 datasets' tags",
        || page(20),
        |v| {
            v["data"]["datasets"]["nodes"].as_array().is_some_and(|n| {
                n.len() == 20
                    && n.iter()
                        .all(|d| d["piiTags"].as_array().is_some_and(|t| t.len() == 2))
            })
        },
    );
    let nodes = big["data"]["datasets"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes[0]["name"], "crm.public.t00");
    assert_eq!(strings(&nodes[0]["piiTags"]), ["pii.email", "pii.name"]);
    assert_eq!(strings(&nodes[1]["piiTags"]), ["pii.address", "pii.email"]);
    let statements = |v: &Value| {
        v["extensions"]["sqlStatements"]
            .as_u64()
            .unwrap_or_else(|| panic!("sqlStatements in {v}"))
    };
    let (n20, n3) = (statements(&big), statements(&page(3)));
    assert!(n20 > 0, "statements are counted");
    assert!(
        n20 <= 4,
        "20 datasets with their PII badges cost {n20} statements"
    );
    assert_eq!(n20, n3, "the cost does not grow with the list");

    // Search results show the badge too, batched the same way.
    const HITS: &str =
        "query($n: Int) { search(query: \"crm\", filter: {type: DATASET}, first: $n) {
      nodes { name dataset { piiTags } } } }";
    let hits = |n: i64| s.graphql(None, HITS, json!({"n": n})).1;
    let many = eventually(
        "the 20 datasets are searchable",
        || hits(20),
        |v| v["data"]["search"]["nodes"].as_array().map(Vec::len) == Some(20),
    );
    assert!(
        many["data"]["search"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["dataset"]["piiTags"].as_array().map(Vec::len) == Some(2)),
        "{many}"
    );
    let (h20, h3) = (statements(&many), statements(&hits(3)));
    assert!(h20 <= 4, "20 hits with their badges cost {h20} statements");
    assert_eq!(h20, h3);
}
