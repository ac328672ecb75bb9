//! The GraphQL API at `/graphql`, end to end through the real binary.
//!
//! - Every type read back from a seeded catalog (a job reading `orders`, whose `email`
//!   the producer tags `pii.email`, and writing `order_totals` with column lineage; a
//!   second job exporting the email to an unowned dataset; a DatasetEvent in another
//!   namespace), with Relay paging, on both backends.
//! - Every mutation lands in the change log with the token's name as actor, reads back,
//!   and survives `weft rebuild`, on both backends.
//! - `metadataChanges` over graphql-transport-ws: live, resumed, filtered, counted in
//!   the metrics until the client goes, and refused without a token.
//! - DataLoaders: a page of 50 datasets with columns, owners and tags costs a bounded
//!   number of SQL statements, the same as a page of 5.
//! - Auth failures, limits and malformed requests with the right status and code.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};
use weft_tests::{Backend, Server, backends, enc, eventually};

const NS: &str = "postgres://shop-db:5432";
const LAKE: &str = "s3://lake";
const ETL: &str = "etl";
const ORDERS: &str = "shop.public.orders";
const TOTALS: &str = "shop.public.order_totals";
const EXPORT: &str = "shop.analytics.email_list";
const COPY: &str = "exports.orders_copy";
const RUN1: &str = "0190c7c0-0000-7000-8000-000000000001";
const RUN2: &str = "0190c7c0-0000-7000-8000-000000000002";
const RUN3: &str = "0190c7c0-0000-7000-8000-000000000003";
const ALICE: &str = "s3cret";

// ---------------------------------------------------------------------------------------
// The seeded catalog
// ---------------------------------------------------------------------------------------

fn facet(spec: &str, body: Value) -> Value {
    let mut f = json!({
        "_producer": "https://example.test/dbt",
        "_schemaURL": format!("https://openlineage.io/spec/facets/1-0-1/{spec}.json"),
    });
    for (k, v) in body.as_object().expect("object").clone() {
        f[k] = v;
    }
    f
}

fn schema(fields: &[(&str, &str, Option<&str>)]) -> Value {
    facet(
        "SchemaDatasetFacet",
        json!({"fields": fields.iter().map(|(n, t, d)| {
            let mut f = json!({"name": n, "type": t});
            if let Some(d) = d {
                f["description"] = json!(d);
            }
            f
        }).collect::<Vec<_>>()}),
    )
}

fn documentation(text: &str) -> Value {
    facet("DocumentationDatasetFacet", json!({"description": text}))
}

fn ownership(owner: &str) -> Value {
    facet(
        "OwnershipDatasetFacet",
        json!({"owners": [{"name": owner, "type": "MAINTAINER"}]}),
    )
}

/// `orders` as a crawler announces it: three columns, a description, an owner, the
/// producer's `pii.email` on `email`, a `tier` of gold and a `finance` dataset tag.
fn orders_event(description: &str) -> Value {
    orders_event_at(description, "2026-05-01T08:00:00Z")
}

/// The orders dataset as stated at `time`: a restatement must be newer to replace what
/// was stated before (state follows event time, not arrival).
fn orders_event_at(description: &str, time: &str) -> Value {
    json!({
        "eventTime": time,
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": ORDERS, "facets": {
            "schema": schema(&[
                ("order_id", "bigint", Some("the order")),
                ("email", "varchar", Some("who ordered")),
                ("amount", "decimal", None),
            ]),
            "documentation": documentation(description),
            "ownership": ownership("user:alice"),
            "tags": facet("TagsDatasetFacet", json!({"tags": [
                {"key": "pii", "value": "email", "field": "email", "source": "CATALOG"},
                {"key": "tier", "value": "gold"},
                {"key": "finance", "value": "ledger"},
            ]})),
            "x-custom": {"_producer": "https://example.test/crawler", "_schemaURL": "https://example.test/x", "answer": 42},
        }},
    })
}

fn lineage_field(field: &str, subtype: &str) -> Value {
    json!({"inputFields": [{"namespace": NS, "name": ORDERS, "field": field,
        "transformations": [{"type": "DIRECT", "subtype": subtype}]}]})
}

fn run_event(
    run: &str,
    event_type: &str,
    time: &str,
    job: &str,
    output: &str,
    output_facets: Value,
) -> Value {
    json!({
        "eventTime": time,
        "eventType": event_type,
        "producer": "https://example.test/airflow",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": ETL, "name": job, "facets": {
            "documentation": facet("DocumentationJobFacet", json!({"description": format!("the {job} job")})),
        }},
        "inputs": [{"namespace": NS, "name": ORDERS}],
        "outputs": [{"namespace": NS, "name": output, "facets": output_facets}],
    })
}

fn totals_facets() -> Value {
    json!({
        "schema": schema(&[("buyer", "varchar", None), ("total", "decimal", None)]),
        "ownership": ownership("user:bob"),
        "columnLineage": facet("ColumnLineageDatasetFacet", json!({"fields": {
            "buyer": lineage_field("email", "IDENTITY"),
            "total": lineage_field("amount", "AGGREGATION"),
        }})),
    })
}

fn seed_events() -> Vec<Value> {
    vec![
        orders_event("All orders, one row per order"),
        run_event(
            RUN1,
            "START",
            "2026-05-01T09:00:00Z",
            "order_totals_job",
            TOTALS,
            totals_facets(),
        ),
        run_event(
            RUN1,
            "COMPLETE",
            "2026-05-01T09:05:00Z",
            "order_totals_job",
            TOTALS,
            totals_facets(),
        ),
        run_event(
            RUN2,
            "FAIL",
            "2026-05-02T09:01:00Z",
            "order_totals_job",
            TOTALS,
            json!({}),
        ),
        run_event(
            RUN3,
            "COMPLETE",
            "2026-05-01T10:00:00Z",
            "email_export",
            EXPORT,
            json!({
                "schema": schema(&[("recipient", "varchar", None)]),
                "columnLineage": facet("ColumnLineageDatasetFacet", json!({"fields": {
                    "recipient": lineage_field("email", "IDENTITY"),
                }})),
            }),
        ),
        json!({
            "eventTime": "2026-05-01T11:00:00Z",
            "producer": "https://example.test/crawler",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
            "dataset": {"namespace": LAKE, "name": COPY, "facets": {
                "schema": schema(&[("order_id", "bigint", None)]),
            }},
        }),
    ]
}

fn push(s: &Server, token: Option<&str>, event: &Value) {
    let mut req = s
        .http
        .post(format!("{}/api/v1/lineage", s.url))
        .header("Content-Type", "application/json")
        .body(event.to_string());
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let resp = req.send().expect("push");
    let status = resp.status().as_u16();
    assert_eq!(status, 201, "{}", resp.text().unwrap_or_default());
}

const COLUMN_TAGS: &str = "query($ns: String!, $ds: String!, $c: String!) {
  column(namespace: $ns, dataset: $ds, name: $c) { tags { key status origin } } }";

/// `(key, status, origin)` of a column's tags.
fn column_tags(
    s: &Server,
    token: Option<&str>,
    ds: &str,
    col: &str,
) -> Vec<(String, String, String)> {
    let (status, v) = s.graphql(token, COLUMN_TAGS, json!({"ns": NS, "ds": ds, "c": col}));
    if status != 200 || v.get("errors").is_some() || v["data"]["column"].is_null() {
        return Vec::new();
    }
    let mut out: Vec<_> = v["data"]["column"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap_or_default().to_owned(),
                t["status"].as_str().unwrap_or_default().to_owned(),
                t["origin"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn has_tag(tags: &[(String, String, String)], key: &str, status: &str) -> bool {
    tags.iter().any(|(k, s, _)| k == key && s == status)
}

/// Pushes the seed events and waits for the graph to have carried the email downstream.
fn seed(s: &Server, token: Option<&str>) {
    for e in seed_events() {
        push(s, token, &e);
    }
    wait_for_graph(s, token);
}

fn wait_for_graph(s: &Server, token: Option<&str>) {
    eventually(
        "pii.email reaches order_totals.buyer and email_list.recipient",
        || {
            (
                column_tags(s, token, TOTALS, "buyer"),
                column_tags(s, token, EXPORT, "recipient"),
            )
        },
        |(a, b)| has_tag(a, "pii.email", "proposed") && has_tag(b, "pii.email", "proposed"),
    );
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| {
            x[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} in {x}"))
                .to_owned()
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn col_id(ds: &str, c: &str) -> String {
    format!("datasetField:{NS}:{ds}:{c}")
}

fn ds_id(ds: &str) -> String {
    format!("dataset:{NS}:{ds}")
}

// ---------------------------------------------------------------------------------------
// 1. Queries for every type
// ---------------------------------------------------------------------------------------

const DATASET_QUERY: &str = r#"
query($ns: String!, $name: String!) {
  dataset(namespace: $ns, name: $name) {
    id namespace name type platform description deleted lifecycleState
    createdAt updatedAt lastModifiedAt currentVersion
    deprecation { note by at }
    owners { name type }
    tier
    tags { key value source origin }
    columns(first: 2) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name type description ordinal dataset { name } } }
    }
    email: column(name: "email") { name }
    missing: column(name: "nope") { name }
    versions { totalCount nodes { version createdAt fields { name type description } } }
    facets
    documentation: facet(name: "documentation")
    custom: facet(name: "x-custom")
    noFacet: facet(name: "nope")
    usage(days: 7) { since reads writes users decayedReads lastRead days { day } columns { name } }
    down: downstream(depth: 2) {
      direction truncated
      nodes { id type namespace name depth hasColumnLineage hiddenChildren }
      edges { src dst level origin job { namespace name } }
    }
    downColumns: downstream(columnLevel: true) {
      direction
      nodes { id type field depth hasColumnLineage }
      edges { src dst level transformations { type subtype masking } }
    }
    up: upstream { nodes { id depth } }
    impact { node datasets { totalCount nodes { id name owners { name } tier } } columns(first: 100) { nodes { id dataset field } } }
  }
}"#;

fn queries(s: &Server, t: Option<&str>) {
    // Dataset: every field.
    let d = s.graphql_data(t, DATASET_QUERY, json!({"ns": NS, "name": ORDERS}))["dataset"].clone();
    assert_eq!(d["id"], ds_id(ORDERS));
    assert_eq!(d["namespace"], NS);
    assert_eq!(d["name"], ORDERS);
    assert_eq!(d["platform"], "postgres");
    assert!(d["type"].as_str().is_some_and(|x| !x.is_empty()), "{d}");
    assert_eq!(d["description"], "All orders, one row per order");
    assert_eq!(d["deleted"], false);
    assert!(d["deprecation"].is_null(), "{d}");
    assert!(d["createdAt"].as_str().is_some() && d["updatedAt"].as_str().is_some());
    assert!(
        d["lastModifiedAt"].is_null(),
        "no run wrote orders: {}",
        d["lastModifiedAt"]
    );
    assert_eq!(d["currentVersion"], 1);
    assert_eq!(
        d["owners"],
        json!([{"name": "user:alice", "type": "MAINTAINER"}])
    );
    assert_eq!(d["tier"], "gold");
    let tags = sorted(strs(&d["tags"], "key"));
    assert_eq!(
        tags,
        ["finance", "tier"],
        "dataset tags only: {}",
        d["tags"]
    );
    assert!(
        d["tags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["origin"] == "declared"),
        "{}",
        d["tags"]
    );
    let cols = &d["columns"];
    assert_eq!(cols["totalCount"], 3);
    assert_eq!(cols["pageInfo"]["hasNextPage"], true);
    assert_eq!(cols["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(strs(&cols["edges"], "cursor").len(), 2);
    let names: Vec<_> = cols["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].clone())
        .collect();
    assert_eq!(names, [json!("order_id"), json!("email")]);
    let email = &cols["edges"][1]["node"];
    assert_eq!(email["id"], col_id(ORDERS, "email"));
    assert_eq!(email["type"], "varchar");
    assert_eq!(email["description"], "who ordered");
    assert_eq!(email["ordinal"], 1);
    assert_eq!(email["dataset"]["name"], ORDERS);
    assert_eq!(cols["pageInfo"]["endCursor"], cols["edges"][1]["cursor"]);
    assert_eq!(d["email"]["name"], "email");
    assert!(d["missing"].is_null());
    assert_eq!(d["versions"]["totalCount"], 1);
    assert_eq!(d["versions"]["nodes"][0]["version"], 1);
    assert_eq!(
        strs(&d["versions"]["nodes"][0]["fields"], "name"),
        ["order_id", "email", "amount"]
    );
    assert_eq!(
        d["documentation"]["description"],
        "All orders, one row per order"
    );
    assert_eq!(
        d["custom"]["answer"], 42,
        "unknown facets kept: {}",
        d["custom"]
    );
    assert!(d["noFacet"].is_null());
    for f in ["schema", "documentation", "ownership", "tags", "x-custom"] {
        assert!(d["facets"].get(f).is_some(), "facet {f} in {}", d["facets"]);
    }
    assert_eq!(d["usage"]["reads"], 0);
    assert_eq!(d["usage"]["writes"], 0);
    assert!(d["usage"]["since"].as_str().is_some_and(|x| x.len() == 10));
    // Downstream at the dataset level: both outputs at depth 1, through their jobs.
    let down = &d["down"];
    assert_eq!(down["direction"], "downstream");
    assert_eq!(down["truncated"], false);
    let depth_of = |g: &Value, id: &str| {
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .map(|n| n["depth"].clone())
    };
    assert_eq!(depth_of(down, &ds_id(ORDERS)), Some(json!(0)), "{down}");
    assert_eq!(depth_of(down, &ds_id(TOTALS)), Some(json!(1)), "{down}");
    assert_eq!(depth_of(down, &ds_id(EXPORT)), Some(json!(1)), "{down}");
    let node = |g: &Value, id: &str| {
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {g}"))
    };
    assert_eq!(
        node(down, &ds_id(TOTALS))["hasColumnLineage"],
        true,
        "{down}"
    );
    assert_eq!(node(down, &ds_id(TOTALS))["hiddenChildren"], 0);
    let to_totals = down["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["src"] == ds_id(ORDERS) && e["dst"] == ds_id(TOTALS))
        .unwrap_or_else(|| panic!("orders -> order_totals: {down}"));
    assert_eq!(
        to_totals["job"],
        json!({"namespace": ETL, "name": "order_totals_job"})
    );
    // Column level: every column's own edges.
    let dc = &d["downColumns"];
    let edge = |g: &Value, src: &str, dst: &str| {
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["src"] == src && e["dst"] == dst)
            .cloned()
    };
    let cn = node(dc, &col_id(TOTALS, "buyer"));
    assert_eq!(
        (
            &cn["type"],
            &cn["field"],
            &cn["depth"],
            &cn["hasColumnLineage"]
        ),
        (
            &json!("DATASET_FIELD"),
            &json!("buyer"),
            &json!(1),
            &Value::Null
        ),
        "{dc}"
    );
    let e = edge(dc, &col_id(ORDERS, "email"), &col_id(TOTALS, "buyer"))
        .unwrap_or_else(|| panic!("email -> buyer: {dc}"));
    assert_eq!(e["level"], "column");
    assert_eq!(e["transformations"][0]["subtype"], "IDENTITY");
    let e = edge(dc, &col_id(ORDERS, "amount"), &col_id(TOTALS, "total"))
        .unwrap_or_else(|| panic!("amount -> total: {dc}"));
    assert_eq!(e["transformations"][0]["subtype"], "AGGREGATION");
    assert!(edge(dc, &col_id(ORDERS, "email"), &col_id(EXPORT, "recipient")).is_some());
    assert!(
        edge(dc, &col_id(ORDERS, "order_id"), &col_id(TOTALS, "total")).is_none(),
        "order_id feeds nothing: {dc}"
    );
    assert_eq!(
        d["up"]["nodes"],
        json!([{"id": ds_id(ORDERS), "depth": 0}]),
        "orders is a source"
    );
    let impact = &d["impact"];
    assert_eq!(impact["node"], ds_id(ORDERS));
    assert_eq!(impact["datasets"]["totalCount"], 2, "{impact}");
    assert_eq!(
        sorted(strs(&impact["datasets"]["nodes"], "name")),
        [EXPORT, TOTALS],
        "{impact}"
    );
    let totals_impact = impact["datasets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == TOTALS)
        .unwrap();
    assert_eq!(totals_impact["owners"], json!([{"name": "user:bob"}]));
    assert!(
        strs(&impact["columns"]["nodes"], "id").contains(&col_id(TOTALS, "buyer")),
        "{impact}"
    );

    // Columns page through with their cursors.
    let page2 = s.graphql_data(
        t,
        "query($ns: String!, $name: String!, $after: String) { dataset(namespace: $ns, name: $name) {
           columns(first: 2, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage }
             nodes { name } } } }",
        json!({"ns": NS, "name": ORDERS, "after": cols["pageInfo"]["endCursor"]}),
    );
    let c2 = &page2["dataset"]["columns"];
    assert_eq!(strs(&c2["nodes"], "name"), ["amount"]);
    assert_eq!(c2["pageInfo"]["hasNextPage"], false);
    assert_eq!(c2["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(c2["totalCount"], 3);

    // order_totals: freshness from the completed run, the producer's owner.
    let t2 = s.graphql_data(
        t,
        "query($ns: String!) { dataset(namespace: $ns, name: \"shop.public.order_totals\") {
           lastModifiedAt owners { name } tier versions { totalCount } } }",
        json!({"ns": NS}),
    )["dataset"]
        .clone();
    assert_eq!(t2["lastModifiedAt"], "2026-05-01T09:05:00+00:00", "{t2}");
    assert_eq!(t2["owners"], json!([{"name": "user:bob"}]));
    assert!(t2["tier"].is_null());
    assert_eq!(t2["versions"]["totalCount"], 1);

    // Column: tags with status and origin, the path from orders.email, lineage both ways.
    let c = s.graphql_data(
        t,
        r#"query($ns: String!) {
          src: column(namespace: $ns, dataset: "shop.public.orders", name: "email") {
            id tags { key status origin declared manual propagated detectedBy }
            downstream { nodes { id depth } }
            impact { columns { nodes { id } } }
            usage { name reads }
          }
          dst: column(namespace: $ns, dataset: "shop.public.order_totals", name: "buyer") {
            id name type ordinal dataset { name }
            tags { key status origin declared manual propagated
              explanation { totalPaths review { reviewer }
                paths { start startTag source { kind rule }
                  hops { from to origin job { namespace name } tagIn tagOut rule why } } } }
            upstream(depth: 2) { direction nodes { id depth } edges { src dst } }
          }
          none: column(namespace: $ns, dataset: "shop.public.orders", name: "nope") { name }
        }"#,
        json!({"ns": NS}),
    );
    let src = &c["src"];
    let pii = src["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "pii.email")
        .unwrap_or_else(|| panic!("pii.email on orders.email: {src}"));
    assert_eq!(pii["status"], "confirmed", "{pii}");
    assert_eq!(pii["origin"], "declared");
    assert_eq!(pii["declared"], true);
    assert_eq!(pii["propagated"], false);
    let down_ids = strs(&src["downstream"]["nodes"], "id");
    assert!(down_ids.contains(&col_id(TOTALS, "buyer")), "{src}");
    assert!(down_ids.contains(&col_id(EXPORT, "recipient")), "{src}");
    assert!(
        !down_ids.contains(&col_id(TOTALS, "total")),
        "email does not feed total: {src}"
    );
    assert_eq!(
        sorted(strs(&src["impact"]["columns"]["nodes"], "id")),
        [col_id(EXPORT, "recipient"), col_id(TOTALS, "buyer")]
    );
    assert_eq!(src["usage"], json!({"name": "email", "reads": 0}));
    let dst = &c["dst"];
    assert_eq!(dst["id"], col_id(TOTALS, "buyer"));
    assert_eq!(dst["ordinal"], 0);
    let tag = dst["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "pii.email")
        .unwrap_or_else(|| panic!("pii.email on buyer: {dst}"));
    assert_eq!(
        (
            &tag["status"],
            &tag["origin"],
            &tag["propagated"],
            &tag["declared"]
        ),
        (
            &json!("proposed"),
            &json!("propagated"),
            &json!(true),
            &json!(false)
        ),
        "{tag}"
    );
    let ex = &tag["explanation"];
    assert_eq!(ex["totalPaths"], 1, "{ex}");
    assert!(ex["review"].is_null());
    let path = &ex["paths"][0];
    assert_eq!(path["start"], col_id(ORDERS, "email"));
    assert_eq!(path["startTag"], "pii.email");
    assert_eq!(path["source"][0]["kind"], "declared", "{path}");
    let hop = &path["hops"][0];
    assert_eq!(hop["from"], col_id(ORDERS, "email"));
    assert_eq!(hop["to"], col_id(TOTALS, "buyer"));
    assert_eq!(hop["origin"], "openlineage");
    assert_eq!(
        hop["job"],
        json!({"namespace": ETL, "name": "order_totals_job"})
    );
    assert_eq!(
        (&hop["tagIn"], &hop["tagOut"]),
        (&json!("pii.email"), &json!("pii.email"))
    );
    assert_eq!(hop["rule"], "identity", "{hop}");
    assert!(hop["why"].as_str().is_some_and(|w| !w.is_empty()));
    assert_eq!(path["hops"].as_array().unwrap().len(), 1);
    assert_eq!(dst["upstream"]["direction"], "upstream");
    assert_eq!(
        depth_of(&dst["upstream"], &col_id(ORDERS, "email")),
        Some(json!(1))
    );
    assert!(c["none"].is_null());

    // Job, its runs (newest first, paged) and a run.
    let j = s.graphql_data(
        t,
        r#"query { job(namespace: "etl", name: "order_totals_job") {
            id namespace name description createdAt updatedAt facets
            inputs { totalCount nodes { name } } outputs(first: 1) { nodes { name } }
            latestRun { id state }
            runs(first: 1) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
              edges { cursor node { id state } } }
          }
          nojob: job(namespace: "etl", name: "nope") { id } }"#,
        json!({}),
    );
    let job = &j["job"];
    assert_eq!(job["id"], "job:etl:order_totals_job");
    assert_eq!(job["description"], "the order_totals_job job");
    assert!(job["facets"].get("documentation").is_some(), "{job}");
    assert_eq!(job["inputs"]["totalCount"], 1);
    assert_eq!(strs(&job["inputs"]["nodes"], "name"), [ORDERS]);
    assert_eq!(strs(&job["outputs"]["nodes"], "name"), [TOTALS]);
    assert_eq!(job["latestRun"], json!({"id": RUN2, "state": "FAIL"}));
    let runs = &job["runs"];
    assert_eq!(runs["totalCount"], 2);
    assert_eq!(runs["pageInfo"]["hasNextPage"], true);
    assert_eq!(runs["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(runs["edges"][0]["node"]["id"], RUN2, "newest first: {runs}");
    assert!(j["nojob"].is_null());
    let more = s.graphql_data(
        t,
        r#"query($after: String) { job(namespace: "etl", name: "order_totals_job") {
            runs(first: 1, after: $after) { pageInfo { hasNextPage hasPreviousPage } nodes { id state } } } }"#,
        json!({"after": runs["pageInfo"]["endCursor"]}),
    );
    let r2 = &more["job"]["runs"];
    assert_eq!(r2["nodes"], json!([{"id": RUN1, "state": "COMPLETE"}]));
    assert_eq!(r2["pageInfo"]["hasNextPage"], false);
    assert_eq!(r2["pageInfo"]["hasPreviousPage"], true);

    let r = s.graphql_data(
        t,
        "query($id: String!) { run(id: $id) { id state startedAt endedAt durationMs facets
           inputs { namespace name version } outputs { namespace name version } job { name } } }",
        json!({"id": RUN1}),
    )["run"]
        .clone();
    assert_eq!(r["id"], RUN1);
    assert_eq!(r["state"], "COMPLETE");
    assert_eq!(r["startedAt"], "2026-05-01T09:00:00+00:00", "{r}");
    assert_eq!(r["endedAt"], "2026-05-01T09:05:00+00:00");
    assert_eq!(r["durationMs"], 300_000);
    assert_eq!(r["job"]["name"], "order_totals_job");
    assert_eq!(
        r["inputs"],
        json!([{"namespace": NS, "name": ORDERS, "version": 1}])
    );
    assert_eq!(
        r["outputs"],
        json!([{"namespace": NS, "name": TOTALS, "version": 1}])
    );
    let none = s.graphql_data(
        t,
        "{ run(id: \"0190c7c0-0000-7000-8000-00000000ffff\") { id } }",
        json!({}),
    );
    assert!(none["run"].is_null());

    // Namespaces, with their datasets and jobs paged.
    let n = s.graphql_data(
        t,
        r#"query($ns: String!) {
          shop: namespace(name: $ns) { name events runEvents createdAt
            datasets(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
              edges { cursor node { name } } }
            jobs { totalCount } }
          etl: namespace(name: "etl") { jobs { totalCount nodes { name } } }
          nope: namespace(name: "nope") { name }
          namespaces { totalCount pageInfo { hasNextPage } nodes { name } }
          firstNs: namespaces(first: 1) { pageInfo { hasNextPage endCursor } nodes { name } }
        }"#,
        json!({"ns": NS}),
    );
    let shop = &n["shop"];
    assert_eq!(shop["name"], NS);
    let ds = &shop["datasets"];
    assert_eq!(ds["totalCount"], 3);
    assert_eq!(
        ds["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [EXPORT, TOTALS],
        "by name: {ds}"
    );
    assert_eq!(ds["pageInfo"]["hasNextPage"], true);
    assert_eq!(shop["jobs"]["totalCount"], 0, "jobs live under etl");
    assert_eq!(
        strs(&n["etl"]["jobs"]["nodes"], "name"),
        ["email_export", "order_totals_job"]
    );
    assert_eq!(n["etl"]["jobs"]["totalCount"], 2);
    assert!(n["nope"].is_null());
    assert_eq!(
        strs(&n["namespaces"]["nodes"], "name"),
        [ETL, NS, LAKE],
        "by name"
    );
    assert_eq!(n["namespaces"]["totalCount"], 3);
    assert_eq!(n["namespaces"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(strs(&n["firstNs"]["nodes"], "name"), [ETL]);
    assert_eq!(n["firstNs"]["pageInfo"]["hasNextPage"], true);
    let rest = s.graphql_data(
        t,
        "query($after: String) { namespaces(first: 5, after: $after) { pageInfo { hasPreviousPage hasNextPage } nodes { name } } }",
        json!({"after": n["firstNs"]["pageInfo"]["endCursor"]}),
    );
    assert_eq!(strs(&rest["namespaces"]["nodes"], "name"), [NS, LAKE]);
    assert_eq!(rest["namespaces"]["pageInfo"]["hasPreviousPage"], true);
    let shop2 = s.graphql_data(
        t,
        "query($ns: String!, $after: String) { namespace(name: $ns) { datasets(first: 2, after: $after) {
           pageInfo { hasNextPage hasPreviousPage } nodes { name } } } }",
        json!({"ns": NS, "after": ds["pageInfo"]["endCursor"]}),
    );
    assert_eq!(
        strs(&shop2["namespace"]["datasets"]["nodes"], "name"),
        [ORDERS]
    );
    assert_eq!(
        shop2["namespace"]["datasets"]["pageInfo"]["hasNextPage"],
        false
    );

    // datasets with each filter.
    let list = |filter: Value| {
        let v = s.graphql_data(
            t,
            "query($f: DatasetFilter) { datasets(filter: $f, first: 10) { totalCount nodes { namespace name } } }",
            json!({"f": filter}),
        );
        let names = strs(&v["datasets"]["nodes"], "name");
        assert_eq!(
            v["datasets"]["totalCount"].as_u64(),
            Some(names.len() as u64),
            "{v}"
        );
        names
    };
    assert_eq!(
        list(Value::Null),
        [EXPORT, TOTALS, ORDERS, COPY],
        "by namespace, then name"
    );
    assert_eq!(list(json!({"namespace": LAKE})), [COPY]);
    assert_eq!(list(json!({"namespace": NS})), [EXPORT, TOTALS, ORDERS]);
    assert_eq!(list(json!({"tag": "finance"})), [ORDERS]);
    assert!(
        list(json!({"tag": "pii.email"})).is_empty(),
        "column tags are not dataset tags"
    );
    assert_eq!(list(json!({"owner": "alice"})), [ORDERS]);
    assert_eq!(list(json!({"owner": "user:bob"})), [TOTALS]);
    assert!(list(json!({"owner": "carol"})).is_empty());
    assert_eq!(list(json!({"nameContains": "TOTAL"})), [TOTALS]);
    assert_eq!(
        list(json!({"nameContains": "order", "namespace": NS})),
        [TOTALS, ORDERS]
    );
    let paged = s.graphql_data(
        t,
        "{ a: datasets(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { name } } }",
        json!({}),
    );
    assert_eq!(paged["a"]["totalCount"], 4);
    assert_eq!(paged["a"]["pageInfo"]["hasNextPage"], true);
    let after = s.graphql_data(
        t,
        "query($c: String) { datasets(first: 3, after: $c) { pageInfo { hasNextPage hasPreviousPage } nodes { name } } }",
        json!({"c": paged["a"]["pageInfo"]["endCursor"]}),
    );
    assert_eq!(strs(&after["datasets"]["nodes"], "name"), [COPY]);
    assert_eq!(after["datasets"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(after["datasets"]["pageInfo"]["hasNextPage"], false);

    // lineage and impact from any node.
    let l = s.graphql_data(
        t,
        r#"query($c: String!, $d: String!) {
          up: lineage(nodeId: $c, direction: UPSTREAM, depth: 1) { direction nodes { id type field depth } edges { src dst level } }
          down: lineage(nodeId: $d, direction: DOWNSTREAM) { nodes { id depth } }
          impact(nodeId: $d) { node datasets { nodes { name tier owners { name } } } columns { nodes { field } } }
        }"#,
        json!({"c": col_id(TOTALS, "total"), "d": ds_id(ORDERS)}),
    );
    assert_eq!(l["up"]["direction"], "upstream");
    let amount = l["up"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == col_id(ORDERS, "amount"))
        .unwrap_or_else(|| panic!("amount upstream of total: {l}"));
    assert_eq!(amount["type"], "DATASET_FIELD");
    assert_eq!(amount["field"], "amount");
    assert_eq!(amount["depth"], 1);
    assert_eq!(
        sorted(strs(&l["down"]["nodes"], "id")),
        [ds_id(EXPORT), ds_id(TOTALS), ds_id(ORDERS)]
    );
    assert_eq!(
        sorted(strs(&l["impact"]["datasets"]["nodes"], "name")),
        [EXPORT, TOTALS]
    );
    let (status, bad) = s.graphql(
        t,
        "{ lineage(nodeId: \"dataset:nope:nope\", direction: UPSTREAM) { nodes { id } } }",
        json!({}),
    );
    assert_eq!(status, 200);
    assert_eq!(bad["errors"][0]["extensions"]["code"], "NOT_FOUND", "{bad}");

    // The PII review queue by owner, unowned and status.
    let q = s.graphql_data(
        t,
        r#"{
          bob: piiReviewQueue(owner: "user:bob") { totalCount nodes { columnId namespace datasetName field tag status origin owners { name } unowned
            column { name tags { key } } } }
          unowned: piiReviewQueue(unowned: true) { totalCount nodes { columnId tag unowned owners { name } } }
          confirmed: piiReviewQueue(status: CONFIRMED) { totalCount nodes { columnId tag status origin } }
          any: piiReviewQueue(status: ANY, first: 1) { totalCount pageInfo { hasNextPage } nodes { columnId } }
          byName: piiReviewQueue(status: ANY, dataset: "ORDER_TOTALS") { totalCount nodes { columnId } }
          noName: piiReviewQueue(status: ANY, dataset: "no_such_dataset") { totalCount }
        }"#,
        json!({}),
    );
    let bob = &q["bob"];
    assert_eq!(bob["totalCount"], 1, "{bob}");
    let item = &bob["nodes"][0];
    assert_eq!(item["columnId"], col_id(TOTALS, "buyer"));
    assert_eq!(
        (
            &item["datasetName"],
            &item["field"],
            &item["tag"],
            &item["status"],
            &item["origin"]
        ),
        (
            &json!(TOTALS),
            &json!("buyer"),
            &json!("pii.email"),
            &json!("proposed"),
            &json!("propagated")
        )
    );
    assert_eq!(item["owners"], json!([{"name": "user:bob"}]));
    assert_eq!(item["unowned"], false);
    assert_eq!(item["column"]["name"], "buyer");
    assert_eq!(q["unowned"]["totalCount"], 1, "{}", q["unowned"]);
    assert_eq!(
        q["unowned"]["nodes"][0]["columnId"],
        col_id(EXPORT, "recipient")
    );
    assert_eq!(q["unowned"]["nodes"][0]["unowned"], true);
    assert_eq!(q["unowned"]["nodes"][0]["owners"], json!([]));
    assert_eq!(q["confirmed"]["totalCount"], 1, "{}", q["confirmed"]);
    assert_eq!(
        q["confirmed"]["nodes"][0],
        json!({"columnId": col_id(ORDERS, "email"), "tag": "pii.email", "status": "confirmed", "origin": "declared"})
    );
    assert_eq!(q["any"]["totalCount"], 3, "{}", q["any"]);
    assert_eq!(q["any"]["pageInfo"]["hasNextPage"], true);
    // A part of the dataset's name, in any case.
    assert_eq!(
        q["byName"],
        json!({"totalCount": 1, "nodes": [{"columnId": col_id(TOTALS, "buyer")}]})
    );
    assert_eq!(q["noName"]["totalCount"], 0);

    // The change log: every pushed event, oldest first, paged by its cursors.
    let all = s.graphql_data(
        t,
        "{ changes(first: 100) { lastSeq pageInfo { hasNextPage hasPreviousPage } edges { cursor node { seq kind entity actor namespace at } } } }",
        json!({}),
    )["changes"]
        .clone();
    let edges = all["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), seed_events().len(), "{all}");
    assert_eq!(all["pageInfo"]["hasNextPage"], false);
    assert_eq!(all["pageInfo"]["hasPreviousPage"], false);
    let seqs: Vec<i64> = edges
        .iter()
        .map(|e| e["node"]["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first: {all}");
    assert_eq!(
        all["lastSeq"],
        json!(seqs[seqs.len() - 1]),
        "lastSeq ends the log"
    );
    for e in &edges {
        assert_eq!(e["cursor"], e["node"]["seq"].to_string());
        assert!(e["node"]["at"].as_str().is_some());
    }
    assert_eq!(edges[0]["node"]["kind"], "openlineage.dataset");
    assert_eq!(edges[0]["node"]["entity"], ds_id(ORDERS));
    assert_eq!(edges[0]["node"]["namespace"], NS);
    assert_eq!(edges[1]["node"]["kind"], "openlineage.run");
    assert_eq!(edges[1]["node"]["entity"], format!("run:{RUN1}"));
    let p1 = s.graphql_data(
        t,
        "{ changes(first: 2) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { seq } } }",
        json!({}),
    );
    assert_eq!(p1["changes"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["changes"]["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(strs_i(&p1["changes"]["nodes"]), &seqs[..2]);
    let p2 = s.graphql_data(
        t,
        "query($c: String) { changes(first: 3, after: $c) { pageInfo { hasNextPage hasPreviousPage } nodes { seq payload } } }",
        json!({"c": p1["changes"]["pageInfo"]["endCursor"]}),
    );
    assert_eq!(strs_i(&p2["changes"]["nodes"]), &seqs[2..5]);
    assert_eq!(p2["changes"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(p2["changes"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        p2["changes"]["nodes"][1]["payload"]["run"]["runId"], RUN2,
        "the recorded input: {p2}"
    );
    // Payloads come with the page: two statements (the page, the log's end) for five.
    let (status, with_payloads) = s.graphql(
        t,
        "{ changes(first: 5) { lastSeq nodes { seq payload } } }",
        json!({}),
    );
    assert_eq!(status, 200, "{with_payloads}");
    assert_eq!(
        with_payloads["data"]["changes"]["nodes"]
            .as_array()
            .map(|n| n.iter().filter(|x| x["payload"].is_object()).count()),
        Some(5),
        "{with_payloads}"
    );
    assert_eq!(
        with_payloads["extensions"]["sqlStatements"], 2,
        "{with_payloads}"
    );
    let runs_only = s.graphql_data(
        t,
        "{ changes(kind: \"openlineage.run\") { nodes { kind } } lake: changes(namespace: \"s3://lake\") { nodes { entity } } }",
        json!({}),
    );
    assert_eq!(strs(&runs_only["changes"]["nodes"], "kind").len(), 4);
    assert_eq!(
        strs(&runs_only["lake"]["nodes"], "entity"),
        [format!("dataset:{LAKE}:{COPY}")]
    );

    // Search: the index follows the log, so poll; facets and the score's explanation.
    let hits = eventually(
        "orders is searchable",
        || {
            let (status, v) = s.graphql(
                t,
                r#"{ search(query: "orders", filter: {type: DATASET}, first: 10) {
                      totalCount facets { namespace { value count } owner { value count } tier { value count } }
                      edges { cursor node { type namespace name nodeId score explain { factor value } matchedColumns
                        highlights { field fragment } dataset { name owners { name } } job { name } } } } }"#,
                json!({}),
            );
            if status == 200 && v.get("errors").is_none() {
                v["data"]["search"].clone()
            } else {
                Value::Null
            }
        },
        |v| {
            v["edges"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["node"]["name"] == ORDERS))
        },
    );
    let orders_hit = hits["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["name"] == ORDERS)
        .unwrap()["node"]
        .clone();
    assert_eq!(orders_hit["type"], "DATASET");
    assert_eq!(orders_hit["nodeId"], ds_id(ORDERS));
    assert_eq!(
        orders_hit["dataset"]["owners"],
        json!([{"name": "user:alice"}])
    );
    assert!(orders_hit["job"].is_null());
    assert!(orders_hit["score"].as_f64().is_some_and(|x| x > 0.0));
    let factors = strs(&orders_hit["explain"], "factor");
    assert!(factors.contains(&"text".to_owned()), "{orders_hit}");
    assert!(
        hits["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["type"] == "DATASET"),
        "type filter: {hits}"
    );
    let total = hits["totalCount"].as_i64().unwrap();
    assert_eq!(total as usize, hits["edges"].as_array().unwrap().len());
    let ns_facet: i64 = hits["facets"]["namespace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_i64().unwrap())
        .sum();
    assert_eq!(ns_facet, total, "facet counts cover every match: {hits}");
    assert!(
        hits["facets"]["owner"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"].as_str().is_some_and(|v| v.contains("alice")) && f["count"] == 1),
        "{hits}"
    );
    // Jobs are indexed apart from datasets: poll for them too.
    let jobs = eventually(
        "the job is searchable",
        || {
            s.graphql_data(
                t,
                r#"{ search(query: "order_totals_job", filter: {type: JOB}) { nodes { type name job { id } dataset { name } } } }"#,
                json!({}),
            )
        },
        |v| {
            v["search"]["nodes"]
                .as_array()
                .is_some_and(|n| !n.is_empty())
        },
    );
    let jn = &jobs["search"]["nodes"];
    assert_eq!(jn[0]["type"], "JOB", "{jobs}");
    assert_eq!(jn[0]["job"]["id"], "job:etl:order_totals_job");
    assert!(jn[0]["dataset"].is_null());
    let lake = eventually(
        "the lake's copy is searchable",
        || {
            s.graphql_data(
                t,
                r#"{ search(query: "orders", filter: {namespace: "s3://lake"}) { totalCount nodes { name } } }"#,
                json!({}),
            )
        },
        |v| {
            v["search"]["nodes"]
                .as_array()
                .is_some_and(|n| !n.is_empty())
        },
    );
    assert_eq!(
        strs(&lake["search"]["nodes"], "name"),
        [COPY],
        "only the lake's namespace: {lake}"
    );
}

fn strs_i(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["seq"].as_i64().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// 2. Mutations: the change log, the effect, and `weft rebuild`
// ---------------------------------------------------------------------------------------

/// A REST read with alice's token (reads are closed on that server).
fn rest_get(s: &Server, path: &str) -> Value {
    let resp = s
        .http
        .get(format!("{}{path}", s.url))
        .header("Authorization", format!("Bearer {ALICE}"))
        .send()
        .expect("get");
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.json().expect("json")
}

fn mutate(s: &Server, query: &str, vars: Value) -> Value {
    s.graphql_data(Some(ALICE), query, vars)
}

/// The GraphQL error of a refused operation: its code and message.
fn refused(s: &Server, token: Option<&str>, query: &str, vars: Value) -> (u16, String, String) {
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
    )
}

fn last_change(s: &Server) -> Value {
    let v = s.graphql_data(
        Some(ALICE),
        "{ changes(first: 100) { edges { node { seq kind actor entity payload } } } }",
        json!({}),
    );
    v["changes"]["edges"]
        .as_array()
        .unwrap()
        .last()
        .expect("a change")["node"]
        .clone()
}

/// The latest change is `kind` on `entity` by alice.
fn logged(s: &Server, kind: &str, entity: &str) -> i64 {
    let c = last_change(s);
    assert_eq!(
        (&c["kind"], &c["actor"], &c["entity"]),
        (&json!(kind), &json!("alice"), &json!(entity)),
        "{c}"
    );
    c["seq"].as_i64().unwrap()
}

const READBACK: &str = r#"query($ns: String!) {
  orders: dataset(namespace: $ns, name: "shop.public.orders") {
    description owners { name type } tier tags { key origin }
    email: column(name: "email") { description tags { key status origin } }
  }
  totals: dataset(namespace: $ns, name: "shop.public.order_totals") {
    owners { name type } deprecation { note by }
    buyer: column(name: "buyer") { tags { key status propagated explanation { review { reviewer reason } } } }
  }
  export: column(namespace: $ns, dataset: "shop.analytics.email_list", name: "recipient") { tags { key status } }
}"#;

fn readback(s: &Server) -> Value {
    s.graphql_data(Some(ALICE), READBACK, json!({"ns": NS}))
}

fn tag_of<'a>(tags: &'a Value, key: &str) -> Option<&'a Value> {
    tags.as_array()?.iter().find(|t| t["key"] == key)
}

/// Asserts what the mutations left, before and after a rebuild.
fn assert_edits(v: &Value) {
    let o = &v["orders"];
    assert_eq!(o["description"], "Curated: every order ever placed", "{o}");
    assert_eq!(o["email"]["description"], "the buyer's address");
    assert_eq!(o["tier"], "silver", "a tier set by hand wins: {o}");
    assert!(tag_of(&o["tags"], "finance").is_some(), "{o}");
    assert!(tag_of(&o["tags"], "quarterly").is_none(), "removed: {o}");
    assert_eq!(
        tag_of(&o["tags"], "audited").map(|t| &t["origin"]),
        Some(&json!("manual")),
        "{o}"
    );
    let manual = tag_of(&o["email"]["tags"], "pii.contact")
        .unwrap_or_else(|| panic!("manual column tag: {o}"));
    assert_eq!(manual["origin"], "manual", "{manual}");
    let t = &v["totals"];
    assert_eq!(
        t["owners"],
        json!([{"name": "user:alice", "type": "MAINTAINER"}, {"name": "team:finance", "type": null}]),
        "owners replaced: {t}"
    );
    assert_eq!(
        t["deprecation"],
        json!({"note": "use order_totals_v2", "by": "alice"})
    );
    let prop = tag_of(&t["buyer"]["tags"], "pii.contact")
        .unwrap_or_else(|| panic!("the manual tag propagates downstream: {t}"));
    assert_eq!(
        (&prop["propagated"], &prop["status"]),
        (&json!(true), &json!("proposed"))
    );
    let ce = tag_of(&t["buyer"]["tags"], "pii.email").expect("pii.email");
    assert_eq!(ce["status"], "confirmed", "{ce}");
    assert_eq!(
        ce["explanation"]["review"],
        json!({"reviewer": "alice", "reason": "it is the customer's email"})
    );
    let ex = tag_of(&v["export"]["tags"], "pii.email").expect("rejected tags stay listed");
    assert_eq!(ex["status"], "rejected", "{}", v["export"]);
}

fn mutations(s: &mut Server) {
    let ns = json!({"ns": NS});
    // setDescription: dataset and column; the curated one wins over a later producer event.
    let d = mutate(
        s,
        r#"mutation($ns: String!) { setDescription(namespace: $ns, dataset: "shop.public.orders", description: "Curated: every order ever placed") { name description } }"#,
        ns.clone(),
    );
    assert_eq!(
        d["setDescription"]["description"],
        "Curated: every order ever placed"
    );
    logged(s, "catalog.edit", &ds_id(ORDERS));
    let d = mutate(
        s,
        r#"mutation($ns: String!) { setDescription(namespace: $ns, dataset: "shop.public.orders", column: "email", description: "the buyer's address") { column(name: "email") { description } } }"#,
        ns.clone(),
    );
    assert_eq!(
        d["setDescription"]["column"]["description"],
        "the buyer's address"
    );
    logged(s, "catalog.edit", &format!("column:{NS}:{ORDERS}:email"));
    push(
        s,
        Some(ALICE),
        &orders_event_at("The producer's newer text", "2026-05-01T09:00:00Z"),
    );
    let newer = eventually(
        "the producer's documentation is recorded",
        || {
            s.graphql_data(
                Some(ALICE),
                "query($ns: String!) { dataset(namespace: $ns, name: \"shop.public.orders\") { description facet(name: \"documentation\") } }",
                ns.clone(),
            )["dataset"]
                .clone()
        },
        |d| d["facet"]["description"] == "The producer's newer text",
    );
    assert_eq!(
        newer["description"], "Curated: every order ever placed",
        "the owner's description wins over a later producer event"
    );
    logged(s, "openlineage.dataset", &ds_id(ORDERS));

    // setOwners replaces the producer's owners.
    let d = mutate(
        s,
        r#"mutation($ns: String!) { setOwners(namespace: $ns, dataset: "shop.public.order_totals",
             owners: [{name: "user:alice", type: "MAINTAINER"}, {name: "team:finance"}]) { owners { name type } } }"#,
        ns.clone(),
    );
    assert_eq!(
        d["setOwners"]["owners"],
        json!([{"name": "user:alice", "type": "MAINTAINER"}, {"name": "team:finance", "type": null}])
    );
    logged(s, "catalog.edit", &ds_id(TOTALS));
    let (_, code, msg) = refused(
        s,
        Some(ALICE),
        r#"mutation($ns: String!) { setOwners(namespace: $ns, dataset: "shop.public.order_totals", owners: [{name: "  "}]) { name } }"#,
        ns.clone(),
    );
    assert_eq!(code, "BAD_USER_INPUT", "{msg}");

    // setTier: a tier set by hand wins over the producer's.
    let d = mutate(
        s,
        r#"mutation($ns: String!) { setTier(namespace: $ns, dataset: "shop.public.orders", tier: "Silver") { tier } }"#,
        ns.clone(),
    );
    assert_eq!(d["setTier"]["tier"], "silver");
    logged(s, "catalog.edit", &ds_id(ORDERS));

    // Dataset tags: add, remove what was added by hand, refuse removing a producer's.
    let d = mutate(
        s,
        r#"mutation($ns: String!) {
             a: addTag(namespace: $ns, dataset: "shop.public.orders", tag: "quarterly") { tags { key origin } }
             b: addTag(namespace: $ns, dataset: "shop.public.orders", tag: "audited", value: "2026") { tags { key value origin } } }"#,
        ns.clone(),
    );
    assert_eq!(
        tag_of(&d["a"]["tags"], "quarterly"),
        Some(&json!({"key": "quarterly", "origin": "manual"})),
        "{d}"
    );
    assert_eq!(
        tag_of(&d["b"]["tags"], "audited"),
        Some(&json!({"key": "audited", "value": "2026", "origin": "manual"}))
    );
    logged(s, "catalog.edit", &ds_id(ORDERS));
    let d = mutate(
        s,
        r#"mutation($ns: String!) { removeTag(namespace: $ns, dataset: "shop.public.orders", tag: "quarterly") { tags { key } } }"#,
        ns.clone(),
    );
    assert_eq!(
        sorted(strs(&d["removeTag"]["tags"], "key")),
        ["audited", "finance", "tier"]
    );
    logged(s, "catalog.edit", &ds_id(ORDERS));
    let before = last_change(s)["seq"].clone();
    let (status, code, msg) = refused(
        s,
        Some(ALICE),
        r#"mutation($ns: String!) { removeTag(namespace: $ns, dataset: "shop.public.orders", tag: "finance") { name } }"#,
        ns.clone(),
    );
    assert_eq!((status, code.as_str()), (200, "CONFLICT"), "{msg}");
    assert!(msg.contains("finance"), "{msg}");
    let (_, code, _) = refused(
        s,
        Some(ALICE),
        r#"mutation($ns: String!) { removeTag(namespace: $ns, dataset: "shop.public.orders", tag: "never_there") { name } }"#,
        ns.clone(),
    );
    assert_eq!(code, "NOT_FOUND");
    let (_, code, _) = refused(
        s,
        Some(ALICE),
        r#"mutation($ns: String!) { setTier(namespace: $ns, dataset: "shop.public.nope", tier: "gold") { name } }"#,
        ns.clone(),
    );
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(
        last_change(s)["seq"],
        before,
        "refused mutations log nothing"
    );

    // A column tag added by hand propagates downstream.
    mutate(
        s,
        r#"mutation($ns: String!) { addTag(namespace: $ns, dataset: "shop.public.orders", column: "email",
             tag: "pii.contact", reason: "people answer to it") { name } }"#,
        ns.clone(),
    );
    logged(s, "tag.review", &format!("column:{NS}:{ORDERS}:email"));
    eventually(
        "pii.contact reaches order_totals.buyer and email_list.recipient",
        || {
            (
                column_tags(s, Some(ALICE), TOTALS, "buyer"),
                column_tags(s, Some(ALICE), EXPORT, "recipient"),
            )
        },
        |(a, b)| has_tag(a, "pii.contact", "proposed") && has_tag(b, "pii.contact", "proposed"),
    );

    // Review decisions: confirm on a dataset alice now owns, reject on an unowned one.
    let d = mutate(
        s,
        r#"mutation($ns: String!) { reviewTag(namespace: $ns, dataset: "shop.public.order_totals", column: "buyer",
             tag: "pii.email", decision: CONFIRM, reason: "it is the customer's email") { name tags { key status } } }"#,
        ns.clone(),
    );
    assert_eq!(
        tag_of(&d["reviewTag"]["tags"], "pii.email").map(|t| &t["status"]),
        Some(&json!("confirmed")),
        "{d}"
    );
    logged(s, "tag.review", &format!("column:{NS}:{TOTALS}:buyer"));
    let d = mutate(
        s,
        r#"mutation($ns: String!) { reviewTag(namespace: $ns, dataset: "shop.analytics.email_list", column: "recipient",
             tag: "pii.email", decision: REJECT, reason: "hashed upstream") { tags { key status } } }"#,
        ns.clone(),
    );
    assert_eq!(
        tag_of(&d["reviewTag"]["tags"], "pii.email").map(|t| &t["status"]),
        Some(&json!("rejected")),
        "{d}"
    );
    logged(s, "tag.review", &format!("column:{NS}:{EXPORT}:recipient"));

    // Deprecation, also on the REST projection.
    let d = mutate(
        s,
        r#"mutation($ns: String!) { deprecateDataset(namespace: $ns, dataset: "shop.public.order_totals", note: "use order_totals_v2") { deprecation { note by at } } }"#,
        ns.clone(),
    );
    let dep = &d["deprecateDataset"]["deprecation"];
    assert_eq!(
        (&dep["note"], &dep["by"]),
        (&json!("use order_totals_v2"), &json!("alice"))
    );
    assert!(dep["at"].as_str().is_some());
    logged(s, "catalog.edit", &ds_id(TOTALS));
    let rest = rest_get(
        s,
        &format!("/api/v1/namespaces/{}/datasets/{TOTALS}", enc(NS)),
    );
    assert!(
        rest["deprecated"].is_object(),
        "REST shows the deprecation: {rest}"
    );
    assert_eq!(rest["deprecated"]["note"], "use order_totals_v2", "{rest}");

    // ingestOpenLineage: applied, then a duplicate; a malformed event named.
    let event = json!({
        "eventTime": "2026-05-03T08:00:00Z",
        "producer": "https://example.test/notebook",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": "shop.public.returns", "facets": {
            "schema": schema(&[("order_id", "bigint", None)])}},
    });
    let ingest = "mutation($e: JSON!) { ingestOpenLineage(event: $e) { status seq entity } }";
    let first = mutate(s, ingest, json!({"e": event}))["ingestOpenLineage"].clone();
    assert_eq!(first["status"], "APPLIED");
    assert_eq!(first["entity"], ds_id("shop.public.returns"));
    let seq = logged(s, "openlineage.dataset", &ds_id("shop.public.returns"));
    assert_eq!(first["seq"], seq);
    let again = mutate(s, ingest, json!({"e": event}))["ingestOpenLineage"].clone();
    assert_eq!(
        again,
        json!({"status": "DUPLICATE", "seq": null, "entity": ds_id("shop.public.returns")})
    );
    assert_eq!(last_change(s)["seq"], seq, "a duplicate writes nothing");
    let mut bad = event.clone();
    bad.as_object_mut().unwrap().remove("eventTime");
    let (status, code, msg) = refused(s, Some(ALICE), ingest, json!({"e": bad}));
    assert_eq!((status, code.as_str()), (200, "BAD_USER_INPUT"));
    assert!(
        msg.contains("eventTime"),
        "the message names the problem: {msg}"
    );
    let (_, code, msg) = refused(s, Some(ALICE), ingest, json!({"e": [1, 2]}));
    assert_eq!(code, "BAD_USER_INPUT", "{msg}");
    eventually(
        "the ingested dataset is readable",
        || {
            s.graphql_data(
                Some(ALICE),
                "{ dataset(namespace: \"postgres://shop-db:5432\", name: \"shop.public.returns\") { name } }",
                json!({}),
            )
        },
        |d| d["dataset"]["name"] == "shop.public.returns",
    );

    // The log over GraphQL and REST: kinds, and alice as actor of every entry.
    let log = s.graphql_data(
        Some(ALICE),
        "{ edits: changes(kind: \"catalog.edit\", first: 100) { nodes { actor entity } }
           reviews: changes(kind: \"tag.review\", first: 100) { nodes { actor entity } } }",
        json!({}),
    );
    let edits = log["edits"]["nodes"].as_array().unwrap();
    assert_eq!(edits.len(), 8, "{log}");
    assert!(edits.iter().all(|c| c["actor"] == "alice"), "{log}");
    assert_eq!(
        log["reviews"]["nodes"].as_array().unwrap().len(),
        3,
        "{log}"
    );
    let rest = rest_get(s, "/api/v1/changes?since=0&limit=1000");
    let entries = rest["changes"].as_array().expect("changes");
    let kinds = |k: &str| entries.iter().filter(|c| c["kind"] == k).count();
    assert_eq!(kinds("catalog.edit"), 8, "{rest}");
    assert_eq!(kinds("tag.review"), 3);
    assert_eq!(kinds("openlineage.run"), 4);
    assert_eq!(kinds("openlineage.dataset"), 4);
    assert!(
        entries.iter().all(|c| c["actor"] == "alice"),
        "every change was made with alice's token: {rest}"
    );

    let v = eventually(
        "the edits read back",
        || readback(s),
        |v| tag_of(&v["totals"]["buyer"]["tags"], "pii.contact").is_some(),
    );
    assert_edits(&v);

    // Edits survive a rebuild of every view from the log.
    s.rebuild();
    wait_for_reviewed_graph(s);
    let v = eventually(
        "the edits read back after a rebuild",
        || readback(s),
        |v| tag_of(&v["totals"]["buyer"]["tags"], "pii.contact").is_some(),
    );
    assert_edits(&v);
}

/// After a rebuild: the graph is back, with the confirmed decision, once this holds.
fn wait_for_reviewed_graph(s: &Server) {
    eventually(
        "the graph reloads",
        || column_tags(s, Some(ALICE), TOTALS, "buyer"),
        |t| has_tag(t, "pii.email", "confirmed"),
    );
}

fn core(backend: Backend) {
    // The journey reads the change log entry by entry: without the built-in policies,
    // whose violations (`weft:policy`) would be entries too (tests/tests/policies.rs).
    let mut s = Server::start(
        backend,
        &[
            "--token",
            &format!("alice={ALICE}"),
            "--policy-builtin",
            "false",
        ],
    );
    seed(&s, Some(ALICE));
    queries(&s, Some(ALICE));
    mutations(&mut s);
}

#[test]
fn queries_and_mutations_on_every_backend() {
    for b in backends() {
        core(b);
    }
}

// ---------------------------------------------------------------------------------------
// 3. Subscriptions over graphql-transport-ws
// ---------------------------------------------------------------------------------------

struct Ws {
    socket: WebSocket<TcpStream>,
}

impl Ws {
    /// Opens `/graphql` with the graphql-transport-ws subprotocol and sends
    /// `connection_init` with `payload`.
    fn open(s: &Server, payload: Value) -> Ws {
        let socket = s.graphql_ws(Duration::from_secs(10));
        let mut ws = Ws { socket };
        ws.send(json!({"type": "connection_init", "payload": payload}));
        ws
    }

    fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string().into()))
            .expect("send");
    }

    /// The next JSON message; `Err` with the close frame's text when the server closes.
    fn recv(&mut self) -> Result<Value, String> {
        loop {
            match self.socket.read() {
                Ok(Message::Text(t)) => {
                    let v: Value = serde_json::from_str(&t).expect("json message");
                    if v["type"] == "ping" {
                        self.send(json!({"type": "pong"}));
                        continue;
                    }
                    return Ok(v);
                }
                Ok(Message::Close(frame)) => {
                    return Err(format!("closed: {frame:?}"));
                }
                Ok(_) => continue,
                Err(e) => return Err(format!("error: {e}")),
            }
        }
    }

    fn ack(&mut self) {
        let m = self.recv().expect("connection_ack");
        assert_eq!(m["type"], "connection_ack", "{m}");
    }

    fn subscribe(&mut self, id: &str, query: &str, vars: Value) {
        self.send(
            json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": vars}}),
        );
    }

    /// The next `next` payload's change for subscription `id` (skipping the server's
    /// `complete` for subscriptions the client completed).
    fn next_change(&mut self, id: &str) -> Value {
        let mut m = self.recv().expect("next");
        while m["type"] == "complete" && m["id"] != id {
            m = self.recv().expect("next");
        }
        assert_eq!((&m["type"], &m["id"]), (&json!("next"), &json!(id)), "{m}");
        assert!(m["payload"].get("errors").is_none(), "{m}");
        m["payload"]["data"]["metadataChanges"].clone()
    }

    fn close(mut self) {
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
        // Drain until the server answers the close.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.socket.read().is_err() {
                break;
            }
        }
    }
}

const FEED: &str = "subscription($since: Int, $f: ChangeFilter) {
  metadataChanges(since: $since, filter: $f) { seq at actor kind entity namespace payload } }";

fn subscriptions_metric(s: &Server) -> f64 {
    s.metric("weft_graphql_subscriptions")
}

#[test]
fn subscriptions_follow_the_change_log() {
    // Every message is asserted: without the built-in policies' own entries.
    let s = Server::start(
        Backend::Sqlite,
        &[
            "--token",
            &format!("alice={ALICE}"),
            "--policy-builtin",
            "false",
        ],
    );
    push(&s, Some(ALICE), &seed_events()[0]);
    eventually(
        "orders is readable",
        || {
            s.graphql_data(
                Some(ALICE),
                "{ dataset(namespace: \"postgres://shop-db:5432\", name: \"shop.public.orders\") { name } }",
                json!({}),
            )
        },
        |d| d["dataset"]["name"] == ORDERS,
    );

    // Closed: without a token the init is refused and the socket closed.
    let mut anon = Ws::open(&s, json!({}));
    let r = anon.recv();
    assert!(r.is_err(), "init without a token is refused: {r:?}");
    let mut wrong = Ws::open(&s, json!({"Authorization": "Bearer nope"}));
    assert!(wrong.recv().is_err(), "a wrong token is refused");

    // Live: a subscriber sees another client's mutation.
    let mut ws = Ws::open(&s, json!({"Authorization": format!("Bearer {ALICE}")}));
    ws.ack();
    ws.subscribe("live", FEED, json!({}));
    eventually(
        "the subscription is counted",
        || subscriptions_metric(&s),
        |n| *n == 1.0,
    );
    let d = s.graphql_data(
        Some(ALICE),
        r#"mutation { setDescription(namespace: "postgres://shop-db:5432", dataset: "shop.public.orders", description: "live") { name } }"#,
        json!({}),
    );
    assert_eq!(d["setDescription"]["name"], ORDERS);
    let c = ws.next_change("live");
    assert_eq!(
        (&c["kind"], &c["actor"], &c["entity"], &c["namespace"]),
        (
            &json!("catalog.edit"),
            &json!("alice"),
            &json!(ds_id(ORDERS)),
            &json!(NS)
        ),
        "{c}"
    );
    assert!(c["at"].as_str().is_some());
    assert!(c["payload"].is_object(), "{c}");
    let edit_seq = c["seq"].as_i64().unwrap();
    push(&s, Some(ALICE), &seed_events()[5]);
    let c2 = ws.next_change("live");
    assert_eq!(c2["kind"], "openlineage.dataset");
    assert_eq!(c2["entity"], format!("dataset:{LAKE}:{COPY}"));
    assert_eq!(c2["seq"], edit_seq + 1);

    // A second subscription on the same socket: from seq 0, filtered by kind, in order.
    ws.subscribe(
        "edits",
        FEED,
        json!({"since": 0, "f": {"kinds": ["catalog.edit", "tag.review"]}}),
    );
    let replay = ws.next_change("edits");
    assert_eq!(
        (&replay["seq"], &replay["kind"]),
        (&json!(edit_seq), &json!("catalog.edit"))
    );
    ws.send(json!({"id": "edits", "type": "complete"}));

    // Resume after a seq: exactly what followed, in order.
    let mut resume = Ws::open(&s, json!({"Authorization": format!("Bearer {ALICE}")}));
    resume.ack();
    resume.subscribe("r", FEED, json!({"since": 1}));
    let a = resume.next_change("r");
    let b = resume.next_change("r");
    assert_eq!(
        (a["seq"].as_i64(), b["seq"].as_i64()),
        (Some(edit_seq), Some(edit_seq + 1)),
        "{a} {b}"
    );
    assert!(a["seq"].as_i64() > Some(1));
    // Filter by namespace: a change in another namespace is skipped.
    resume.subscribe(
        "ns",
        FEED,
        json!({"f": {"namespace": NS, "kinds": ["catalog.edit"]}}),
    );
    eventually(
        "three subscriptions",
        || subscriptions_metric(&s),
        |n| *n == 3.0,
    );
    push(&s, Some(ALICE), &seed_events()[5]); // a duplicate: not in the log
    s.graphql_data(
        Some(ALICE),
        r#"mutation { setTier(namespace: "postgres://shop-db:5432", dataset: "shop.public.orders", tier: "bronze") { name } }"#,
        json!({}),
    );
    // Both "r" (everything) and "ns" get the edit; order between ids is not fixed.
    let mut got = Vec::new();
    for _ in 0..2 {
        let m = resume.recv().expect("next");
        assert_eq!(m["type"], "next", "{m}");
        got.push((
            m["id"].as_str().unwrap().to_owned(),
            m["payload"]["data"]["metadataChanges"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ));
    }
    got.sort();
    assert_eq!(
        got,
        [
            ("ns".to_owned(), "catalog.edit".to_owned()),
            ("r".to_owned(), "catalog.edit".to_owned())
        ]
    );
    let live = ws.next_change("live");
    assert_eq!(live["kind"], "catalog.edit");

    // Bad arguments end that subscription with an error, not the socket.
    resume.subscribe("bad", FEED, json!({"since": -1}));
    let m = resume.recv().expect("error");
    assert_eq!(m["id"], "bad", "{m}");
    let errors = if m["type"] == "error" {
        &m["payload"]
    } else {
        &m["payload"]["errors"]
    };
    assert_eq!(errors[0]["extensions"]["argument"], "since", "{m}");
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{m}");
    if m["type"] == "next" {
        let done = resume.recv().expect("complete");
        assert_eq!(
            (&done["type"], &done["id"]),
            (&json!("complete"), &json!("bad"))
        );
    }

    // Disconnecting frees the subscriptions.
    ws.close();
    resume.close();
    eventually(
        "subscriptions end with their clients",
        || subscriptions_metric(&s),
        |n| *n == 0.0,
    );

    // A subscription sent over HTTP is refused.
    let r = s.graphql_request(
        Some(ALICE),
        "application/json",
        "application/json",
        json!({"query": "subscription { metadataChanges { seq } }"}).to_string(),
    );
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("WebSocket"))
    );
}

#[test]
fn open_reads_let_a_tokenless_subscriber_in() {
    let s = Server::start(
        Backend::Sqlite,
        &["--token", &format!("alice={ALICE}"), "--open-reads"],
    );
    let mut ws = Ws::open(&s, json!({}));
    ws.ack();
    ws.subscribe("x", FEED, json!({}));
    eventually("counted", || subscriptions_metric(&s), |n| *n == 1.0);
    push(&s, Some(ALICE), &seed_events()[0]);
    let c = ws.next_change("x");
    assert_eq!(
        (&c["kind"], &c["actor"]),
        (&json!("openlineage.dataset"), &json!("alice"))
    );
    ws.close();
    eventually("released", || subscriptions_metric(&s), |n| *n == 0.0);
}

// ---------------------------------------------------------------------------------------
// 4. DataLoaders keep a page's cost bounded
// ---------------------------------------------------------------------------------------

fn wide_dataset(i: usize) -> Value {
    let fields: Vec<Value> = (0..30)
        .map(|c| json!({"name": format!("col_{c:02}"), "type": "varchar", "description": format!("column {c} of table {i}")}))
        .collect();
    json!({
        "eventTime": "2026-05-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "postgres://wide:5432", "name": format!("wide.public.t{i:02}"), "facets": {
            "schema": facet("SchemaDatasetFacet", json!({"fields": fields})),
            "documentation": documentation(&format!("table {i}")),
            "ownership": facet("OwnershipDatasetFacet", json!({"owners": [{"name": format!("user:owner{i}")}, {"name": "team:wide"}]})),
            "tags": facet("TagsDatasetFacet", json!({"tags": [{"key": "tier", "value": "silver"}, {"key": "domain", "value": format!("d{}", i % 5)}]})),
        }},
    })
}

const PAGE: &str = "query($n: Int!) { datasets(first: $n) { edges { node { name description owners { name } tier tags { key } schema: facet(name: \"schema\")
  columns(first: 30) { edges { node { name type description } } } } } } }";

#[test]
fn a_page_of_datasets_costs_a_bounded_number_of_statements() {
    let s = Server::start(Backend::Sqlite, &[]);
    let batch: Vec<Value> = (0..50).map(wide_dataset).collect();
    let (status, body) = s.post_event(Value::Array(batch).to_string());
    assert_eq!(status, 201, "{body}");
    let count = |n: i64| {
        let (status, v) = s.graphql(None, PAGE, json!({"n": n}));
        assert_eq!(status, 200, "{v}");
        assert!(v.get("errors").is_none(), "{v}");
        v
    };
    let big = eventually(
        "50 datasets with their columns",
        || count(50),
        |v| {
            v["data"]["datasets"]["edges"].as_array().is_some_and(|e| {
                e.len() == 50
                    && e.iter()
                        .all(|d| d["node"]["columns"]["edges"].as_array().map(Vec::len) == Some(30))
            })
        },
    );
    let edges = big["data"]["datasets"]["edges"].as_array().unwrap();
    let d7 = &edges[7]["node"];
    assert_eq!(d7["name"], "wide.public.t07");
    assert_eq!(d7["description"], "table 7");
    assert_eq!(d7["tier"], "silver");
    assert_eq!(
        sorted(strs(&d7["owners"], "name")),
        ["team:wide", "user:owner7"]
    );
    assert_eq!(sorted(strs(&d7["tags"], "key")), ["domain", "tier"]);
    assert_eq!(
        d7["schema"]["fields"].as_array().map(Vec::len),
        Some(30),
        "the raw schema facet: {d7}"
    );
    assert_eq!(
        d7["columns"]["edges"][29]["node"],
        json!({"name": "col_29", "type": "varchar", "description": "column 29 of table 7"})
    );
    let statements = |v: &Value| {
        v["extensions"]["sqlStatements"]
            .as_u64()
            .unwrap_or_else(|| panic!("sqlStatements in {}", v["extensions"]))
    };
    let n50 = statements(&big);
    let n5 = statements(&count(5));
    assert!(n50 > 0, "statements are counted");
    assert!(n50 <= 10, "a page of 50 costs {n50} statements");
    assert_eq!(n50, n5, "the cost does not grow with the page size");

    // Search hits name their datasets: the names are looked up together, and the
    // datasets' fields batch as on a list.
    let hits = |n: i64| {
        s.graphql(
            None,
            r#"query($n: Int) { search(query: "wide", filter: {type: DATASET}, first: $n) {
                 edges { node { name dataset { name tier owners { name } } } } } }"#,
            json!({"n": n}),
        )
        .1
    };
    let many = eventually(
        "20 datasets are searchable",
        || hits(20),
        |v| v["data"]["search"]["edges"].as_array().map(Vec::len) == Some(20),
    );
    let edges = many["data"]["search"]["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["dataset"]["name"] == e["node"]["name"]
                && e["node"]["dataset"]["tier"] == "silver"),
        "{many}"
    );
    let (h20, h3) = (statements(&many), statements(&hits(3)));
    assert!(
        h20 <= 6,
        "20 hits with their datasets cost {h20} statements"
    );
    assert_eq!(h20, h3, "the cost does not grow with the number of hits");
}

// ---------------------------------------------------------------------------------------
// 5. Auth failures
// ---------------------------------------------------------------------------------------

const READ: &str = "{ datasets { totalCount } }";
const WRITE: &str = r#"mutation { setTier(namespace: "postgres://shop-db:5432", dataset: "shop.public.orders", tier: "gold") { tier } }"#;
const REVIEW: &str = r#"mutation { reviewTag(namespace: "postgres://shop-db:5432", dataset: "shop.public.order_totals",
  column: "buyer", tag: "pii.email", decision: CONFIRM) { name } }"#;

fn req(s: &Server, token: Option<&str>, query: &str) -> weft_tests::GqlResponse {
    s.graphql_request(
        token,
        "application/json",
        "application/json",
        json!({"query": query}).to_string(),
    )
}

fn no_stack_trace(text: &str) {
    for needle in [
        "panicked",
        "RUST_BACKTRACE",
        "src/",
        ".rs:",
        "stack backtrace",
    ] {
        assert!(
            !text.contains(needle),
            "{needle} in a response body: {text}"
        );
    }
}

fn assert_code(r: &weft_tests::GqlResponse, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(
        r.body["errors"][0]["extensions"]["code"], code,
        "{}",
        r.text
    );
    no_stack_trace(&r.text);
}

#[test]
fn auth_failures_answer_with_the_right_status_and_code() {
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

[[tokens]]
name = "carol"
secret = "reviewer"
scopes = ["read", "review"]

[[tokens]]
name = "ci-bot"
secret = "write-only"
scopes = ["write"]
"#,
    )
    .expect("config");
    let config = config.display().to_string();
    let mut s = Server::start(Backend::Sqlite, &["--config", &config]);
    seed(&s, Some(ALICE));

    // Closed reads: a query without a token is 401 with a challenge.
    let r = req(&s, None, READ);
    assert_code(&r, 401, "UNAUTHENTICATED");
    assert_eq!(r.www_authenticate.as_deref(), Some("Bearer"));
    assert!(r.body.get("data").is_none_or(Value::is_null), "{}", r.text);
    let r = req(&s, Some("not-a-token"), READ);
    assert_code(&r, 401, "UNAUTHENTICATED");
    let r = req(&s, Some("read-only"), READ);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["datasets"]["totalCount"], 4);

    // A read-only token may not write: 403, and nothing changes.
    let r = req(&s, Some("read-only"), WRITE);
    assert_code(&r, 403, "FORBIDDEN");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("write"))
    );
    let tier = s.graphql_data(
        Some("read-only"),
        "{ dataset(namespace: \"postgres://shop-db:5432\", name: \"shop.public.orders\") { tier } }",
        json!({}),
    );
    assert_eq!(tier["dataset"]["tier"], "gold");
    // A reviewer who does not own the dataset may not decide on its tags.
    let r = req(&s, Some("reviewer"), REVIEW);
    assert_code(&r, 403, "FORBIDDEN");
    // Nor write.
    assert_code(&req(&s, Some("reviewer"), WRITE), 403, "FORBIDDEN");
    // A read-only token lacks the review scope altogether.
    assert_code(&req(&s, Some("read-only"), REVIEW), 403, "FORBIDDEN");
    let q = column_tags(&s, Some(ALICE), TOTALS, "buyer");
    assert!(
        has_tag(&q, "pii.email", "proposed"),
        "no decision was recorded: {q:?}"
    );
    let log = s.graphql_data(
        Some(ALICE),
        "{ changes(kind: \"tag.review\") { nodes { seq } } edits: changes(kind: \"catalog.edit\") { nodes { seq } } }",
        json!({}),
    );
    assert_eq!(log["changes"]["nodes"], json!([]), "{log}");
    assert_eq!(log["edits"]["nodes"], json!([]), "{log}");

    // A write-only token (a CI bot) may edit, though not read: the edit is its own.
    let r = req(&s, Some("write-only"), WRITE);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["setTier"]["tier"], "gold", "{}", r.text);
    assert_code(&req(&s, Some("write-only"), READ), 403, "FORBIDDEN");
    let log = s.graphql_data(
        Some(ALICE),
        "{ edits: changes(kind: \"catalog.edit\") { nodes { actor } } }",
        json!({}),
    );
    assert_eq!(log["edits"]["nodes"], json!([{"actor": "ci-bot"}]), "{log}");

    // Open reads: a tokenless query is answered, a tokenless mutation is 401.
    s.set_extra(&["--config", &config, "--open-reads"]);
    s.restart();
    let r = req(&s, None, READ);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["datasets"]["totalCount"], 4);
    let r = req(&s, None, WRITE);
    assert_code(&r, 401, "UNAUTHENTICATED");
    assert_eq!(r.www_authenticate.as_deref(), Some("Bearer"));
    let r = req(&s, None, REVIEW);
    assert_code(&r, 401, "UNAUTHENTICATED");
    let r = req(&s, Some("read-only"), WRITE);
    assert_code(&r, 403, "FORBIDDEN");
}

// ---------------------------------------------------------------------------------------
// 6. Limits and bad input
// ---------------------------------------------------------------------------------------

#[test]
fn limits_and_bad_requests_are_refused_before_execution() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("weft.toml");
    std::fs::write(
        &config,
        "[graphql]\nmax_depth = 8\nmax_complexity = 2000\nintrospection = false\n",
    )
    .expect("config");
    let s = Server::start(
        Backend::Sqlite,
        &["--config", &config.display().to_string()],
    );
    push(&s, None, &seed_events()[0]);
    eventually(
        "orders is readable",
        || s.graphql_data(None, "{ datasets { totalCount } }", json!({})),
        |d| d["datasets"]["totalCount"] == 1,
    );
    let send = |accept: &str, query: &str| {
        s.graphql_request(
            None,
            accept,
            "application/json",
            json!({"query": query}).to_string(),
        )
    };
    let modern = "application/graphql-response+json";
    let plain = "application/json";
    let refused_before_execution = |r: &weft_tests::GqlResponse, status: u16, words: &[&str]| {
        assert_eq!(r.status, status, "{}", r.text);
        assert!(r.body["data"].is_null(), "no data: {}", r.text);
        let msg = r.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        for w in words {
            assert!(msg.contains(w), "{w} in {msg}");
        }
        assert_eq!(r.body["extensions"]["sqlStatements"], 0, "{}", r.text);
        no_stack_trace(&r.text);
    };

    // Too deep (depth 10 > 8).
    let deep = r#"{ dataset(namespace: "postgres://shop-db:5432", name: "shop.public.orders") {
      columns { edges { node { dataset { columns { edges { node { dataset { name } } } } } } } } } }"#;
    refused_before_execution(&send(modern, deep), 400, &["nested too deep"]);
    refused_before_execution(&send(plain, deep), 200, &["nested too deep"]);
    // Too complex: nested connections of 100.
    let complex = "{ datasets(first: 100) { edges { node { columns(first: 100) { edges { node { name } } } } } } }";
    refused_before_execution(&send(modern, complex), 400, &["complex"]);
    // Within the limits the same shape runs.
    let ok = send(
        modern,
        "{ datasets(first: 5) { edges { node { columns(first: 5) { edges { node { name } } } } } } }",
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        ok.body["data"]["datasets"]["edges"][0]["node"]["columns"]["edges"][0]["node"]["name"],
        "order_id"
    );
    assert!(ok.content_type.starts_with(modern), "{}", ok.content_type);

    // first above the page size, named.
    let r = send(plain, "{ datasets(first: 101) { totalCount } }");
    assert_eq!(r.status, 200);
    let e = &r.body["errors"][0];
    assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT", "{}", r.text);
    assert_eq!(e["extensions"]["argument"], "first");
    assert!(e["message"].as_str().unwrap().contains("first"));
    assert!(r.body["data"].is_null(), "{}", r.text);
    let r = send(plain, "{ datasets(first: 100) { totalCount } }");
    assert_eq!(r.body["data"]["datasets"]["totalCount"], 1, "{}", r.text);
    let r = send(plain, "{ datasets(first: -1) { totalCount } }");
    assert_eq!(
        r.body["errors"][0]["extensions"]["argument"], "first",
        "{}",
        r.text
    );
    let r = send(plain, "{ datasets(after: \"garbage\") { totalCount } }");
    assert_eq!(
        r.body["errors"][0]["extensions"]["argument"], "after",
        "{}",
        r.text
    );

    // Introspection off: __schema and __type refused, ordinary queries still answered.
    for q in [
        "{ __schema { types { name } } }",
        "{ __type(name: \"Dataset\") { name } }",
    ] {
        let r = send(plain, q);
        assert!(
            r.body["errors"][0]["message"].is_string(),
            "{q}: {}",
            r.text
        );
        assert!(!r.text.contains("\"Dataset\""), "{q}: {}", r.text);
    }
    let r = send(plain, "{ datasets { nodes { name } } }");
    assert_eq!(
        r.body["data"]["datasets"]["nodes"][0]["name"], ORDERS,
        "{}",
        r.text
    );

    // Malformed: errors with locations; 400 for graphql-response+json, 200 for json.
    let broken = "{ datasets { nodes { name } ";
    for (accept, status) in [(modern, 400), (plain, 200)] {
        let r = send(accept, broken);
        assert_eq!(r.status, status, "{accept}: {}", r.text);
        let loc = &r.body["errors"][0]["locations"][0];
        assert!(
            loc["line"].as_u64().is_some() && loc["column"].as_u64().is_some(),
            "{}",
            r.text
        );
        assert!(r.body["data"].is_null());
    }
    let r = send(modern, "{ datasets { nodes { nmae } } }");
    assert_eq!(r.status, 400, "{}", r.text);
    let msg = r.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("nmae"), "unknown field named: {msg}");
    assert_eq!(r.body["errors"][0]["locations"][0]["line"], 1);
    let r = send(modern, "{ datasets(first: \"ten\") { totalCount } }");
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("first"),
        "{}",
        r.text
    );
    let r = send(plain, "{ datasets(first: \"ten\") { totalCount } }");
    assert_eq!(r.status, 200, "{}", r.text);

    // Not a GraphQL request.
    let r = s.graphql_request(None, plain, "application/json", "this is not json");
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["errors"][0]["message"].as_str().is_some());
    no_stack_trace(&r.text);
    let r = s.graphql_request(None, plain, "application/json", "{\"variables\": {}}");
    assert_eq!(r.status, 400, "a body without a query: {}", r.text);
    let r = s.graphql_request(None, plain, "text/plain", "{ datasets { totalCount } }");
    assert_eq!(r.status, 415, "{}", r.text);
    let r = s.graphql_request(
        None,
        plain,
        "application/graphql",
        "{ datasets { totalCount } }",
    );
    assert_eq!(r.body["data"]["datasets"]["totalCount"], 1, "{}", r.text);

    // GET: queries in the URL, mutations refused with 405, GraphiQL without a query.
    let get = |q: &str| {
        let resp = s
            .http
            .get(format!("{}/graphql{q}", s.url))
            .send()
            .expect("get");
        weft_tests::GqlResponse::from(resp)
    };
    let r = get(&format!("?query={}", enc("{ datasets { totalCount } }")));
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"]["datasets"]["totalCount"], 1, "{}", r.text);
    let r = get(&format!(
        "?query={}&variables={}",
        enc("query($n: String!) { namespace(name: $n) { name } }"),
        enc(&json!({"n": NS}).to_string())
    ));
    assert_eq!(r.body["data"]["namespace"]["name"], NS, "{}", r.text);
    let r = get(&format!(
        "?query={}",
        enc(
            r#"mutation { setTier(namespace: "postgres://shop-db:5432", dataset: "shop.public.orders", tier: "gold") { tier } }"#
        )
    ));
    assert_eq!(r.status, 405, "{}", r.text);
    let unchanged = s.graphql_data(None, "{ changes { nodes { kind } } }", json!({}));
    assert_eq!(
        strs(&unchanged["changes"]["nodes"], "kind"),
        ["openlineage.dataset"],
        "the GET mutation did nothing"
    );
    let r = get("");
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    assert!(
        r.text.contains("GraphiQL") && r.text.contains("graphiql"),
        "{}",
        r.text
    );
}
