//! Search over HTTP on both backends: Marquez's `/api/v1/search` shape, ranking of
//! look-alike tables by their place in the catalog (readers, tier, documentation,
//! copy-like names), typos, facet filters, the explain breakdown, bad parameters, and a
//! pushed dataset becoming searchable without a restart.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, enc};

const NS: &str = "postgres://shop-db:5432";

fn dataset_event(
    name: &str,
    description: Option<&str>,
    owner: Option<&str>,
    tier: Option<&str>,
) -> Value {
    let mut facets = json!({
        "schema": {"_producer": "https://example.test/crawler",
                   "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                   "fields": [{"name": "order_id", "type": "bigint"}, {"name": "customer_id", "type": "bigint", "description": "who ordered"}]},
    });
    if let Some(d) = description {
        facets["documentation"] = json!({"_producer": "https://example.test/crawler",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json",
            "description": d});
    }
    if let Some(o) = owner {
        facets["ownership"] = json!({"_producer": "https://example.test/crawler",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json",
            "owners": [{"name": o}]});
    }
    if let Some(t) = tier {
        facets["tags"] = json!({"_producer": "https://example.test/crawler",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json",
            "tags": [{"key": "tier", "value": t}]});
    }
    json!({
        "eventTime": "2024-05-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": name, "facets": facets},
    })
}

fn reader_run(n: u32, input: &str) -> Value {
    json!({
        "eventTime": "2024-05-01T09:00:00Z", "eventType": "COMPLETE",
        "producer": "https://example.test/airflow",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-{:012}", 500 + n)},
        "job": {"namespace": "reports", "name": format!("report_{n}")},
        "inputs": [{"namespace": NS, "name": input}],
        "outputs": [{"namespace": NS, "name": format!("reports.r{n}")}],
    })
}

fn search(s: &Server, query: &str) -> Value {
    s.get_ok(&format!("/api/v1/search?{query}"))
}

fn names(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

/// The response to a query, or `None` while the index is not ready (503).
fn try_search(s: &Server, query: &str) -> Option<Value> {
    let (status, v) = s.get(&format!("/api/v1/search?{query}"));
    (status == 200).then_some(v)
}

/// Names found for a query, or `None` while the index is not ready (503).
fn try_names(s: &Server, query: &str) -> Option<Vec<String>> {
    try_search(s, query).map(|v| names(&v))
}

fn eventually(what: &str, check: impl FnMut() -> bool) {
    eventually_within(what, Duration::from_secs(30), check);
}

fn eventually_within(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn search_on(backend: Backend) {
    let s = Server::start(backend, &[]);
    let events = [
        dataset_event(
            "shop.public.orders",
            Some("One row per order placed in the shop"),
            Some("team:sales"),
            Some("gold"),
        ),
        dataset_event("shop.public.orders_bak_2019", None, None, None),
        dataset_event("scratch.tmp_orders_v2", None, None, None),
        dataset_event(
            "analytics.fct_orders",
            Some("Orders fact table"),
            Some("team:analytics"),
            Some("silver"),
        ),
        dataset_event(
            "shop.public.customers",
            Some("Customers and their orders count"),
            None,
            None,
        ),
        dataset_event("shop.public.payments", None, None, None),
    ];
    for e in &events {
        assert_eq!(s.post_event(e.to_string()).0, 201);
    }
    for n in 0..3 {
        assert_eq!(
            s.post_event(reader_run(n, "shop.public.orders").to_string())
                .0,
            201
        );
    }
    // The readers' runs re-index `orders` within the view's 5 s re-index interval. The
    // index commits what it has applied every 500 ms, so `orders` can already count its
    // first reader while the later runs are not searchable yet: wait for the last write
    // (report_2's job) too, since the view applies the log in order and commits
    // atomically, everything before it is then searchable.
    eventually("all datasets indexed, readers counted", || {
        let last_write_indexed = try_search(&s, "q=report_2&filter=JOB")
            .is_some_and(|v| names(&v).iter().any(|n| n == "report_2"));
        let (st, v) = s.get("/api/v1/search?q=orders&limit=50");
        last_write_indexed
            && st == 200
            && names(&v).len() >= 5
            && v["results"][0]["name"] == "shop.public.orders"
            && v["results"][0]["explain"]["centrality"]
                .as_f64()
                .is_some_and(|c| c > 1.0)
    });
    let v = search(&s, "q=orders&limit=50");
    let n = names(&v);
    assert_eq!(n[0], "shop.public.orders", "{n:?}");
    assert_eq!(n[1], "analytics.fct_orders", "{n:?}");
    let pos = |x: &str| {
        n.iter()
            .position(|y| y == x)
            .unwrap_or_else(|| panic!("{x} in {n:?}"))
    };
    // Copies rank below both real order tables.
    assert!(pos("shop.public.orders_bak_2019") > 1, "{n:?}");
    assert!(pos("scratch.tmp_orders_v2") > 1, "{n:?}");
    assert!(
        n.iter().any(|x| x == "shop.public.customers"),
        "description match: {n:?}"
    );
    assert!(!n.iter().any(|x| x == "shop.public.payments"));
    // Marquez's fields, and the explanation.
    let top = &v["results"][0];
    assert_eq!(top["type"], "DATASET");
    assert_eq!(top["namespace"], NS);
    assert_eq!(top["nodeId"], format!("dataset:{NS}:shop.public.orders"));
    assert!(top["updatedAt"].is_string(), "{top}");
    let e = &top["explain"];
    assert!(e["tier"].as_f64().is_some_and(|t| t > 1.0), "{top}");
    assert!(e["centrality"].as_f64().is_some_and(|c| c > 1.0), "{top}");
    let product: f64 = [
        "text",
        "usage",
        "centrality",
        "tier",
        "documentation",
        "penalty",
    ]
    .iter()
    .map(|k| e[*k].as_f64().unwrap_or(0.0))
    .product();
    assert!(
        (product - top["score"].as_f64().unwrap_or(0.0)).abs() < 1e-6,
        "{top}"
    );
    assert!(v["totalCount"].as_u64().is_some_and(|t| t >= 5));

    // Typos, a column's name, facet filters, jobs, bad parameters.
    assert!(names(&search(&s, "q=ordrs")).contains(&"shop.public.orders".to_owned()));
    assert!(names(&search(&s, "q=customer_id")).contains(&"shop.public.orders".to_owned()));
    assert_eq!(
        names(&search(&s, "q=orders&tier=gold")),
        ["shop.public.orders"]
    );
    assert_eq!(
        names(&search(
            &s,
            &format!("q=orders&owner={}", enc("team:analytics"))
        )),
        ["analytics.fct_orders"]
    );
    // Jobs are documents too, found by the datasets they read.
    let jobs = search(&s, "q=orders&filter=JOB");
    let mut job_names = names(&jobs);
    job_names.sort();
    assert_eq!(job_names, ["report_0", "report_1", "report_2"], "{jobs}");
    assert!(
        jobs["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|j| j["type"] == "JOB"
                && j["nodeId"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("job:reports:report_")))),
        "{jobs}"
    );
    // A column-name hit says which columns matched, the best first (`order_id` shares
    // the word `id`).
    let by_column = search(&s, "q=customer_id&filter=DATASET");
    let orders = by_column["results"]
        .as_array()
        .and_then(|r| r.iter().find(|h| h["name"] == "shop.public.orders"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(orders["matchedColumns"][0], "customer_id", "{by_column}");
    // Facet counts over every match, on request; highlights on the name.
    let faceted = search(&s, "q=orders&facets=true&filter=DATASET");
    let gold = faceted["facets"]["tier"]
        .as_array()
        .and_then(|t| t.iter().find(|v| v["value"] == "gold"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(gold["count"], 1, "{faceted}");
    assert!(search(&s, "q=orders")["facets"].is_null());
    let first = &faceted["results"][0];
    assert!(
        first["highlights"]
            .as_array()
            .is_some_and(|h| h.iter().any(|x| x["fragment"]
                .as_str()
                .is_some_and(|f| f.contains("<b>orders</b>")))),
        "{first}"
    );
    assert!(first["explain"]["freshness"].is_number(), "{first}");
    // Prefix autocomplete.
    let suggested = s.get_ok("/api/v1/search/suggest?q=ord&limit=5");
    assert!(
        names(&suggested).contains(&"shop.public.orders".to_owned()),
        "{suggested}"
    );
    assert_eq!(
        search(&s, &format!("q={}", enc("\"orders AND (")))
            .get("results")
            .map(|r| r.is_array()),
        Some(true)
    );
    let long = search(&s, &format!("q={}", "orders+".repeat(100)));
    assert!(long["notice"].is_string(), "{long}");
    let (status, bad) = s.get("/api/v1/search?q=orders&filter=TABLE");
    assert!(
        bad["error"].as_str().is_some_and(|e| e.contains("COLUMN")),
        "{bad}"
    );
    assert_eq!(status, 400, "{bad}");
    assert_eq!(bad["path"], "filter");
    assert_eq!(s.get("/api/v1/search?q=orders&limit=many").0, 400);

    // A pushed dataset becomes searchable; a changed description is re-indexed.
    assert_eq!(
        s.post_event(
            dataset_event("shop.public.refunds", Some("money returned"), None, None).to_string()
        )
        .0,
        201
    );
    eventually("new dataset searchable", || {
        try_names(&s, "q=refunds").is_some_and(|n| n.contains(&"shop.public.refunds".to_owned()))
    });
    assert_eq!(
        s.post_event(
            dataset_event("shop.public.payments", Some("card settlements"), None, None).to_string()
        )
        .0,
        201
    );
    eventually("new description searchable", || {
        try_names(&s, "q=settlements").is_some_and(|n| n == ["shop.public.payments"])
    });
}

#[test]
fn search_on_every_backend() {
    for b in backends() {
        search_on(b);
    }
}

/// A corrupt index is rebuilt from the log at start instead of stopping the server.
#[test]
fn a_broken_index_is_rebuilt() {
    let mut s = Server::start(Backend::Sqlite, &[]);
    assert_eq!(
        s.post_event(dataset_event("shop.public.orders", None, None, None).to_string())
            .0,
        201
    );
    eventually("indexed", || {
        try_names(&s, "q=orders").is_some_and(|n| n == ["shop.public.orders"])
    });
    s.kill9();
    let index = s.data_dir.path().join("search").join("index");
    for entry in std::fs::read_dir(&index).expect("index dir") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n == "meta.json") {
            std::fs::write(&path, b"{ not json").expect("corrupt");
        }
    }
    s.restart();
    eventually("rebuilt", || {
        let (st, v) = s.get("/api/v1/search?q=orders");
        st == 200 && names(&v) == ["shop.public.orders"]
    });
}

/// Priors are fixed when a document is indexed; the scheduled refresh re-indexes every
/// document with PageRank recomputed, so lineage that arrived after the last PageRank
/// moves the ranking. The same history on a server with the default (6 h) refresh
/// keeps the consumer-count centrality it indexed.
#[test]
fn priors_follow_lineage_after_the_scheduled_refresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("weft.toml");
    std::fs::write(&conf, "[search]\nrefresh_every = \"2s\"\n").expect("writes weft.toml");
    let conf = conf.display().to_string();
    let centrality = |s: &Server| {
        try_search(s, "q=shop.public.hub&filter=DATASET")
            .and_then(|r| r["results"][0]["explain"]["centrality"].as_f64())
    };
    let history = |s: &Server| {
        for name in ["shop.public.hub", "shop.public.spoke"] {
            assert_eq!(
                s.post_event(dataset_event(name, None, None, None).to_string())
                    .0,
                201
            );
        }
        eventually("the hub indexed", || centrality(s) == Some(1.0));
        // A job now reads the hub, after the hub's first PageRank.
        assert_eq!(
            s.post_event(reader_run(1, "shop.public.hub").to_string()).0,
            201
        );
        eventually("a consumer counted", || {
            centrality(s).is_some_and(|c| c > 1.0)
        });
    };
    let control = Server::start(Backend::Sqlite, &[]);
    history(&control);
    let by_consumers = centrality(&control).expect("indexed");
    let refreshed = Server::start(Backend::Sqlite, &["--config", &conf]);
    history(&refreshed);
    eventually("PageRank in the prior after the refresh", || {
        centrality(&refreshed).is_some_and(|c| c > by_consumers + 0.05)
    });
    // Without a refresh, nothing moved.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(centrality(&control), Some(by_consumers));
}

/// A run reading `orders` (with an `email` column a detection rule tags `pii.email`) and
/// writing `order_totals`, whose `customer` is `orders.email` as is; and an untagged
/// `products` read by nobody.
fn shop_with_email() -> Vec<Value> {
    let schema = |fields: &[&str]| {
        json!({"_producer": "https://example.test/dbt",
               "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
               "fields": fields.iter().map(|f| json!({"name": f, "type": "VARCHAR"})).collect::<Vec<_>>()})
    };
    let run = json!({
        "eventTime": "2024-05-01T09:00:00Z", "eventType": "COMPLETE",
        "producer": "https://example.test/airflow",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "0190c7c0-0000-7000-8000-000000000900"},
        "job": {"namespace": "shop", "name": "daily_totals"},
        "inputs": [{"namespace": NS, "name": "shop.public.orders",
                    "facets": {"schema": schema(&["order_id", "email"])}}],
        "outputs": [{"namespace": NS, "name": "shop.public.order_totals", "facets": {
            "schema": schema(&["customer", "total"]),
            "columnLineage": {"_producer": "https://example.test/dbt",
                "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                "fields": {"customer": {"inputFields": [{"namespace": NS, "name": "shop.public.orders",
                    "field": "email", "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}}}}}],
    });
    let products = json!({
        "eventTime": "2024-05-01T08:00:00Z",
        "producer": "https://example.test/crawler",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": NS, "name": "shop.public.products",
                    "facets": {"schema": schema(&["product_id", "label"])}},
    });
    vec![run, products]
}

/// Sorted dataset names for a query, once the index answers.
fn sorted_names(s: &Server, query: &str) -> Option<Vec<String>> {
    try_names(s, query).map(|mut n| {
        n.sort();
        n
    })
}

/// The `tag` facet's counts for a query.
fn tag_facet(s: &Server, query: &str) -> Option<Vec<(String, u64)>> {
    let v = try_search(s, &format!("{query}&facets=true"))?;
    Some(
        v["facets"]["tag"]
            .as_array()?
            .iter()
            .map(|t| {
                (
                    t["value"].as_str().unwrap_or_default().to_owned(),
                    t["count"].as_u64().unwrap_or(0),
                )
            })
            .collect(),
    )
}

fn reject(s: &Server, dataset: &str, column: &str) {
    let body = json!({"nodeId": format!("datasetField:{NS}:{dataset}:{column}"),
                      "tag": "pii.email", "action": "reject", "reviewer": "user:alice"});
    // After a restart the search index answers from disk before the lineage graph has
    // loaded; reviews are refused with 503 ("retry shortly") until it has.
    let mut answer = (0, String::new());
    eventually("the graph loaded for reviews", || {
        answer = s.post("/api/v1/reviews", body.to_string(), "application/json");
        answer.0 != 503
    });
    assert_eq!(answer.0, 200, "{}", answer.1);
}

/// Search's `tag` filter and facet see column tags: a detected tag makes its dataset
/// findable, a propagated one its downstream dataset, and a rejected one stops counting.
fn column_tags_on(backend: Backend) {
    let s = Server::start(backend, &[]);
    for e in shop_with_email() {
        assert_eq!(s.post_event(e.to_string()).0, 201);
    }
    let both = vec![
        "shop.public.order_totals".to_string(),
        "shop.public.orders".to_string(),
    ];
    eventually("detected and propagated pii.email found by tag", || {
        sorted_names(&s, "tag=pii.email").as_ref() == Some(&both)
    });
    assert_eq!(sorted_names(&s, "tag=pii.*"), Some(both.clone()));
    assert_eq!(sorted_names(&s, "tag=pii.phone"), Some(vec![]));
    assert_eq!(
        tag_facet(&s, "q=shop"),
        Some(vec![("pii.email".to_string(), 2)])
    );
    // Found by text too, with the tag filter narrowing it.
    assert_eq!(
        sorted_names(&s, "q=orders&tag=pii.email&filter=DATASET"),
        Some(both.clone())
    );

    reject(&s, "shop.public.order_totals", "customer");
    eventually("a rejected tag stops matching", || {
        sorted_names(&s, "tag=pii.email") == Some(vec!["shop.public.orders".to_string()])
    });
    assert_eq!(
        tag_facet(&s, "q=shop"),
        Some(vec![("pii.email".to_string(), 1)])
    );
    reject(&s, "shop.public.orders", "email");
    eventually("no dataset holds pii.email once both are rejected", || {
        sorted_names(&s, "tag=pii.*") == Some(vec![])
    });
}

#[test]
fn column_tags_count_for_their_datasets_on_every_backend() {
    for b in backends() {
        column_tags_on(b);
    }
}

/// A `filter=COLUMN` hit is named by its column and says which dataset it belongs to,
/// over REST and GraphQL.
#[test]
fn column_hits_are_named_by_the_column() {
    let s = Server::start(Backend::Sqlite, &[]);
    for e in shop_with_email() {
        assert_eq!(s.post_event(e.to_string()).0, 201);
    }
    let mut found = Value::Null;
    eventually("column indexed", || {
        found = try_search(&s, "q=email&filter=COLUMN").unwrap_or_default();
        found["totalCount"] == 1
    });
    let hit = &found["results"][0];
    assert_eq!(hit["type"], "COLUMN", "{found}");
    assert_eq!(hit["name"], "email", "{found}");
    assert_eq!(hit["dataset"], "shop.public.orders", "{found}");
    assert_eq!(hit["namespace"], NS, "{found}");
    assert_eq!(
        hit["nodeId"],
        format!("datasetField:{NS}:shop.public.orders:email"),
        "{found}"
    );
    let data = s.graphql_data(
        None,
        "{ search(query: \"email\", filter: {type: COLUMN}) { nodes { type name namespace nodeId dataset { name } } } }",
        json!({}),
    );
    assert_eq!(
        data["search"]["nodes"],
        json!([{"type": "COLUMN", "name": "email", "namespace": NS,
                "nodeId": format!("datasetField:{NS}:shop.public.orders:email"),
                "dataset": {"name": "shop.public.orders"}}]),
        "{data}"
    );
}

/// The column tags the index was built with are kept beside it, so a restart re-indexes
/// only what differs: across restarts (clean, killed, with that file unreadable) the tag
/// filter answers what the graph says, and a rejection made after a restart lands.
#[test]
fn column_tags_hold_across_restarts() {
    let mut s = Server::start(Backend::Sqlite, &[]);
    for e in shop_with_email() {
        assert_eq!(s.post_event(e.to_string()).0, 201);
    }
    let both = vec![
        "shop.public.order_totals".to_string(),
        "shop.public.orders".to_string(),
    ];
    eventually("pii.email found by tag", || {
        sorted_names(&s, "tag=pii.email").as_ref() == Some(&both)
    });
    let baseline = s.data_dir.path().join("search").join("column-tags");
    // The file is rewritten at most every 30 s (it holds every tagged dataset's tags),
    // counted from the one the start's rebuild wrote: allow that interval and a margin.
    eventually_within(
        "the column-tag baseline written",
        Duration::from_secs(60),
        || baseline.exists(),
    );
    let kept: Value =
        serde_json::from_slice(&std::fs::read(&baseline).expect("baseline")).expect("json");
    assert_eq!(kept.as_object().map(|o| o.len()), Some(2), "{kept}");

    s.restart();
    eventually("found by tag after a restart", || {
        sorted_names(&s, "tag=pii.email").as_ref() == Some(&both)
    });
    reject(&s, "shop.public.order_totals", "customer");
    let one = vec!["shop.public.orders".to_string()];
    eventually("a rejection after the restart stops matching", || {
        sorted_names(&s, "tag=pii.email").as_ref() == Some(&one)
    });

    s.kill9();
    s.restart();
    eventually("the rejection holds after a kill", || {
        sorted_names(&s, "tag=pii.email").as_ref() == Some(&one)
    });

    s.kill9();
    std::fs::write(&baseline, b"{ not json").expect("corrupt");
    s.restart();
    eventually(
        "an unreadable baseline costs a comparison, not an answer",
        || {
            sorted_names(&s, "tag=pii.email").as_ref() == Some(&one)
                && tag_facet(&s, "q=shop") == Some(vec![("pii.email".to_string(), 1)])
        },
    );
}
