use super::query::parse;
use super::*;
use crate::rank::Signals;

fn ds(name: &str, signals: Signals) -> DatasetDoc {
    DatasetDoc {
        namespace: "postgres://db:5432".into(),
        name: name.into(),
        platform: Some("postgres".into()),
        signals,
        ..DatasetDoc::default()
    }
}

fn used(reads: f64, users: f64, downstream: u64, tier: Option<&str>) -> Signals {
    Signals {
        reads_30d: Some(reads),
        reads_90d: Some(reads),
        distinct_users_30d: Some(users),
        downstream,
        tier: tier.map(str::to_owned),
        ..Signals::default()
    }
}

fn catalog() -> SearchIndex {
    let mut idx = SearchIndex::in_memory().expect("index");
    let mut orders = ds("shop.public.orders", used(900.0, 25.0, 5, Some("gold")));
    orders.owners = vec!["team:sales".into()];
    orders.classification = Some("Confidential".into());
    orders.description = Some("One row per order placed in the web <shop>".into());
    orders.tags = vec!["pii.email".into(), "PII.email".into()];
    orders.columns = vec![
        ("order_id".into(), None),
        ("customer_email".into(), Some("where receipts go".into())),
    ];
    let mut customers = ds("shop.public.customers", used(500.0, 20.0, 3, None));
    customers.columns = vec![
        ("orders_count".into(), Some("lifetime orders".into())),
        ("email_address".into(), None),
    ];
    customers.tags = vec!["pii.email".into()];
    let mut legacy = ds("shop.legacy.orders", used(50.0, 2.0, 0, None));
    legacy.signals.lifecycle = Some("deprecated".into());
    let mut fct = ds(
        "analytics.marts.fct_orders",
        used(300.0, 12.0, 2, Some("silver")),
    );
    fct.namespace = "snowflake://acme".into();
    fct.platform = Some("snowflake".into());
    fct.owners = vec!["team:analytics".into(), "team:sales".into()];
    for d in [
        orders,
        customers,
        legacy,
        ds("shop.public.orders_bak_2019", used(0.0, 0.0, 0, None)),
        ds("scratch.tmp_orders_v2", used(3.0, 1.0, 0, None)),
        fct,
        ds("shop.public.order_items", used(400.0, 10.0, 1, None)),
        ds("shop.public.payments", used(100.0, 5.0, 1, None)),
    ] {
        idx.upsert(&d).expect("upsert");
    }
    idx.upsert_job(&JobDoc {
        namespace: "airflow".into(),
        name: "nightly.load_orders".into(),
        description: Some("Loads the web shop's orders".into()),
        inputs: vec!["shop.public.orders".into()],
        outputs: vec!["analytics.marts.fct_orders".into()],
        owners: vec!["team:data".into()],
        ..JobDoc::default()
    })
    .expect("job");
    idx.upsert_job(&JobDoc {
        namespace: "airflow".into(),
        name: "hourly.refresh_payments".into(),
        inputs: vec!["shop.public.payments".into()],
        ..JobDoc::default()
    })
    .expect("job");
    idx.commit().expect("commit");
    idx
}

fn names(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.name.as_str()).collect()
}

fn search(idx: &SearchIndex, q: &str) -> Results {
    idx.search(q, &Filters::default(), 20, 0).expect("search")
}

#[test]
fn an_unfinished_last_word_matches_as_a_prefix_only_when_asked() {
    let idx = catalog();
    let typing = |q: &str| {
        let opts = SearchOptions {
            facets: false,
            prefix_last: true,
        };
        idx.search_with(q, &Filters::default(), None, 20, 0, opts)
            .expect("search")
    };
    // "ord" is no word of any name, and too short for a typo match.
    assert_eq!(search(&idx, "ord").total, 0);
    let r = typing("ord");
    assert!(names(&r).contains(&"shop.public.orders"), "{:?}", names(&r));
    // A finished word (a space after it) is not a prefix.
    assert_eq!(typing("ord ").total, 0);
    // Too short to complete.
    assert_eq!(typing("or").total, 0);
    // The whole word still ranks the exact table first.
    assert_eq!(names(&typing("orders"))[0], "shop.public.orders");
}

#[test]
fn the_used_table_beats_its_copies() {
    let idx = catalog();
    let r = search(&idx, "orders");
    let n = names(&r);
    assert_eq!(n[0], "shop.public.orders", "{n:?}");
    assert_eq!(n[1], "analytics.marts.fct_orders", "{n:?}");
    let pos = |x: &str| n.iter().position(|y| *y == x).expect(x);
    // A deprecated table keeps its exact-name match but falls below the live ones;
    // copies fall below merely related tables.
    assert!(pos("shop.legacy.orders") > 1, "{n:?}");
    for copy in ["shop.public.orders_bak_2019", "scratch.tmp_orders_v2"] {
        assert!(pos(copy) > pos("shop.public.order_items"), "{copy}: {n:?}");
    }
    assert!(!n.contains(&"shop.public.payments"));
    // The explanation multiplies out to the score and names every factor.
    let h = &r.hits[0];
    assert!((h.text * h.prior.value() - h.score).abs() < 1e-6, "{h:?}");
    assert!(h.prior.tier > 1.0 && h.prior.usage > 1.0);
    let e = h.explain();
    let keys: Vec<&str> = e.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "text",
            "usage",
            "centrality",
            "tier",
            "documentation",
            "freshness",
            "penalty",
            "score"
        ]
    );
    let product: f64 = e[..7].iter().map(|(_, v)| v).product();
    assert!((product - h.score).abs() < 1e-6);
    let bak = &r.hits[pos("shop.public.orders_bak_2019")];
    assert!((bak.prior.penalty - 0.6 * 0.7).abs() < 1e-9, "{bak:?}");
    // The marks say which penalties those are; a live table has none.
    assert_eq!(bak.marks, ["zombie", "temporary"], "{bak:?}");
    assert_eq!(r.hits[pos("shop.legacy.orders")].marks, ["deprecated"]);
    assert!(h.marks.is_empty(), "{h:?}");
}

#[test]
fn typos_partial_matches_and_operators_are_fine() {
    let idx = catalog();
    let typo = search(&idx, "ordres");
    assert!(
        names(&typo).contains(&"shop.public.orders"),
        "{:?}",
        names(&typo)
    );
    let two = search(&idx, "customer orders");
    assert!(names(&two).contains(&"shop.public.customers"));
    assert!(names(&two).contains(&"shop.public.orders"));
    // Not every word must match: "zebra" matches nothing, the rest still counts.
    let partial = search(&idx, "zebra payments");
    assert_eq!(names(&partial)[0], "shop.public.payments");
    for junk in [
        "\"orders AND (",
        "orders OR -payments",
        "name:orders",
        "orders^3 ~2 *",
        "[orders TO",
    ] {
        let r = search(&idx, junk);
        assert!(names(&r).contains(&"shop.public.orders"), "{junk}");
    }
    for nothing in ["", "   ", "\"\"", "&&||", "ç∂ƒ©", "🦀"] {
        let r = search(&idx, nothing);
        assert_eq!(r.total, 0, "{nothing}");
        assert!(!r.truncated_query);
    }
    let long = "orders ".repeat(100);
    let r = search(&idx, &long);
    assert!(r.truncated_query);
    assert_eq!(names(&r)[0], "shop.public.orders");
    assert!(!search(&idx, "orders").truncated_query);
}

#[test]
fn stop_words_are_dropped_unless_nothing_else_remains() {
    assert_eq!(
        parse("orders by region for the team").words,
        ["orders", "region", "team"]
    );
    assert_eq!(parse("the").words, ["the"]);
}

#[test]
fn limits_and_offsets_are_capped() {
    let idx = catalog();
    let r = idx
        .search("orders", &Filters::default(), usize::MAX, 0)
        .expect("huge limit");
    assert_eq!(r.hits.len(), r.total);
    let r = idx
        .search("orders", &Filters::default(), 0, 0)
        .expect("zero limit");
    assert_eq!(r.hits.len(), 1);
    let r = idx
        .search("orders", &Filters::default(), 10, usize::MAX)
        .expect("huge offset");
    assert!(r.hits.is_empty());
    assert!(r.total > 0);
}

#[test]
fn filters_pages_and_replacement() {
    let mut idx = catalog();
    let gold = Filters {
        tier: Some("GOLD".into()),
        ..Filters::default()
    };
    assert_eq!(
        names(&idx.search("orders", &gold, 10, 0).expect("s")),
        ["shop.public.orders"]
    );
    let owned = Filters {
        owner: Some("team:sales".into()),
        ..Filters::default()
    };
    let r = idx.search("", &owned, 10, 0).expect("s");
    assert_eq!(r.total, 2, "{:?}", names(&r));
    let snow = Filters {
        platform: Some("Snowflake".into()),
        ..Filters::default()
    };
    assert_eq!(
        names(&idx.search("orders", &snow, 10, 0).expect("s")),
        ["analytics.marts.fct_orders"]
    );
    let tagged = Filters {
        tag: Some("pii.email".into()),
        namespace: Some("postgres://db:5432".into()),
        ..Filters::default()
    };
    assert_eq!(idx.search("", &tagged, 10, 0).expect("s").total, 2);
    let confidential = Filters {
        classification: Some("CONFIDENTIAL".into()),
        ..Filters::default()
    };
    assert_eq!(
        names(&idx.search("", &confidential, 10, 0).expect("s")),
        ["shop.public.orders"]
    );
    // A trailing `.*` matches every tag under the prefix, and only those.
    let under = |tag: &str| Filters {
        tag: Some(tag.into()),
        ..Filters::default()
    };
    assert_eq!(idx.search("", &under("PII.*"), 10, 0).expect("s").total, 2);
    assert_eq!(idx.search("", &under("pi.*"), 10, 0).expect("s").total, 0);
    let all = idx.search("orders", &Filters::default(), 2, 0).expect("s");
    let next = idx.search("orders", &Filters::default(), 2, 2).expect("s");
    assert_eq!(all.total, next.total);
    assert!(names(&next).iter().all(|n| !names(&all).contains(n)));
    let before = idx.len();
    // Replacing a dataset replaces its column documents too (2 → 0 columns), and
    // deleting one removes it with its columns.
    idx.upsert(&ds("shop.public.orders", used(1.0, 1.0, 0, None)))
        .expect("upsert");
    idx.delete("postgres://db:5432", "shop.public.payments");
    idx.delete_job("airflow", "hourly.refresh_payments");
    idx.commit().expect("commit");
    assert_eq!(idx.len(), before - 2 - 1 - 1);
    let r = search(&idx, "shop.public.orders");
    assert_eq!(
        r.hits
            .iter()
            .filter(|h| h.name == "shop.public.orders")
            .count(),
        1
    );
    assert!(search(&idx, "payments").hits.is_empty());
}

#[test]
fn facets_count_every_match_not_just_the_page() {
    let idx = catalog();
    let r = idx.search("orders", &Filters::default(), 1, 0).expect("s");
    // orders, customers (column orders_count), legacy, bak, tmp, fct, order_items
    // (fuzzy "order"), and the job nightly.load_orders.
    assert_eq!(r.total, 8, "{:?}", search(&idx, "orders").hits);
    assert_eq!(r.hits.len(), 1);
    assert_eq!(
        r.facets.platform,
        [("postgres".to_string(), 6), ("snowflake".to_string(), 1)]
    );
    assert_eq!(
        r.facets.namespace,
        [
            ("postgres://db:5432".to_string(), 6),
            ("airflow".to_string(), 1),
            ("snowflake://acme".to_string(), 1)
        ]
    );
    // The duplicate tag (case) on orders counts once.
    assert_eq!(r.facets.tag, [("pii.email".to_string(), 2)]);
    assert_eq!(
        r.facets.owner,
        [
            ("team:sales".to_string(), 2),
            ("team:analytics".to_string(), 1),
            ("team:data".to_string(), 1)
        ]
    );
    assert_eq!(
        r.facets.tier,
        [("gold".to_string(), 1), ("silver".to_string(), 1)]
    );
    assert_eq!(r.facets.classification, [("confidential".to_string(), 1)]);
}

#[test]
fn jobs_are_found_and_kinds_filter() {
    let idx = catalog();
    let r = search(&idx, "load orders");
    let job = r
        .hits
        .iter()
        .find(|h| h.name == "nightly.load_orders")
        .expect("job found");
    assert_eq!(job.kind, DocKind::Job);
    assert_eq!(job.namespace, "airflow");
    // A job is found by the datasets it touches, below the datasets themselves.
    let r = search(&idx, "payments");
    assert_eq!(
        names(&r),
        ["shop.public.payments", "hourly.refresh_payments"]
    );
    let jobs = idx
        .search_kind("orders", &Filters::default(), Some(DocKind::Job), 10, 0)
        .expect("s");
    assert_eq!(names(&jobs), ["nightly.load_orders"]);
    assert!(jobs.hits.iter().all(|h| h.kind == DocKind::Job));
    let datasets = idx
        .search_kind("orders", &Filters::default(), Some(DocKind::Dataset), 10, 0)
        .expect("s");
    assert_eq!(datasets.total, 7);
    assert!(datasets.hits.iter().all(|h| h.kind == DocKind::Dataset));
    assert_eq!(DocKind::parse("JOB"), Some(DocKind::Job));
    assert_eq!(DocKind::parse("table"), None);
}

#[test]
fn column_hits_return_the_dataset_with_its_matching_columns() {
    let idx = catalog();
    let r = search(&idx, "email");
    assert_eq!(r.total, 2, "{:?}", names(&r));
    for h in &r.hits {
        assert_eq!(h.kind, DocKind::Dataset);
        let expected = match h.name.as_str() {
            "shop.public.orders" => vec!["customer_email"],
            "shop.public.customers" => vec!["email_address"],
            other => panic!("unexpected {other}"),
        };
        assert_eq!(h.matched_columns, expected, "{h:?}");
    }
    // Column documents searched directly: one hit per column, named by the column
    // and carrying its dataset.
    let cols = idx
        .search_kind("email", &Filters::default(), Some(DocKind::Column), 10, 0)
        .expect("s");
    assert_eq!(cols.total, 2);
    let mut got: Vec<(String, Option<String>, Vec<String>)> = cols
        .hits
        .iter()
        .map(|h| (h.name.clone(), h.dataset.clone(), h.matched_columns.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "customer_email".to_string(),
                Some("shop.public.orders".to_string()),
                vec!["customer_email".to_string()]
            ),
            (
                "email_address".to_string(),
                Some("shop.public.customers".to_string()),
                vec!["email_address".to_string()]
            ),
        ]
    );
    assert!(cols.hits.iter().all(|h| h.kind == DocKind::Column));
    // A name match reports no column unless one matches too.
    let r = search(&idx, "payments");
    assert!(r.hits[0].matched_columns.is_empty());
}

#[test]
fn highlights_mark_the_matched_words() {
    let idx = catalog();
    let r = search(&idx, "order email");
    let orders = r
        .hits
        .iter()
        .find(|h| h.name == "shop.public.orders")
        .expect("orders");
    let get = |field: &str| {
        orders
            .highlights
            .iter()
            .find(|h| h.field == field)
            .map(|h| h.fragment.clone())
    };
    assert_eq!(get("name").as_deref(), Some("shop.public.<b>orders</b>"));
    assert_eq!(
        get("columns").as_deref(),
        Some("<b>order</b>_id, customer_<b>email</b>")
    );
    let desc = get("description").expect("description highlighted");
    assert!(desc.contains("<b>order</b>"), "{desc}");
    assert!(
        desc.contains("&lt;shop") && !desc.contains("<shop"),
        "escaped: {desc}"
    );
    // An exact name is marked whole; a typo marks the word it hit.
    let r = search(&idx, "fct_orders");
    assert_eq!(
        r.hits[0].highlights[0].fragment,
        "analytics.marts.<b>fct_orders</b>"
    );
    let r = search(&idx, "paymnets");
    assert_eq!(
        r.hits[0].highlights[0].fragment,
        "shop.public.<b>payments</b>"
    );
}

#[test]
fn autocomplete_by_prefix_ranked_by_prior() {
    let idx = catalog();
    let s = idx.suggest("ord", &Filters::default(), 10).expect("s");
    let n: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    // Names starting with the prefix count double, times the prior: the used table
    // and its neighbour first, a well-used fct_ table above the penalised copies.
    assert_eq!(
        &n[..2],
        ["shop.public.orders", "shop.public.order_items"],
        "{n:?}"
    );
    let pos = |x: &str| n.iter().position(|y| *y == x).expect(x);
    assert!(pos("analytics.marts.fct_orders") < pos("shop.public.orders_bak_2019"));
    assert!(pos("shop.legacy.orders") < pos("scratch.tmp_orders_v2"));
    assert!(n.contains(&"analytics.marts.fct_orders"));
    assert!(n.contains(&"nightly.load_orders"));
    assert!(s.windows(2).all(|w| w[0].score >= w[1].score));
    let s = idx.suggest("fct_or", &Filters::default(), 10).expect("s");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].name, "analytics.marts.fct_orders");
    let s = idx
        .suggest("shop.public.pay", &Filters::default(), 10)
        .expect("s");
    assert_eq!(s[0].name, "shop.public.payments");
    let gold = Filters {
        tier: Some("gold".into()),
        ..Filters::default()
    };
    assert_eq!(idx.suggest("or", &gold, 10).expect("s").len(), 1);
    assert_eq!(
        idx.suggest("or", &Filters::default(), 2).expect("s").len(),
        2
    );
    let jobs = idx
        .suggest_kind("ord", &Filters::default(), Some(DocKind::Job), 10)
        .expect("s");
    let n: Vec<&str> = jobs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(n, ["nightly.load_orders"]);
    let datasets = idx
        .suggest_kind("ord", &Filters::default(), Some(DocKind::Dataset), 10)
        .expect("s");
    assert!(
        datasets.iter().all(|s| s.kind == DocKind::Dataset) && datasets.len() >= 5,
        "{datasets:?}"
    );
    assert!(
        idx.suggest_kind("ord", &Filters::default(), Some(DocKind::Column), 10)
            .expect("s")
            .is_empty()
    );
    assert!(
        idx.suggest("", &Filters::default(), 10)
            .expect("s")
            .is_empty()
    );
    assert!(
        idx.suggest("\"(", &Filters::default(), 10)
            .expect("s")
            .is_empty()
    );
    assert!(
        idx.suggest("zzz", &Filters::default(), 10)
            .expect("s")
            .is_empty()
    );
}

#[test]
fn an_index_on_disk_survives_reopening_and_bulk_loading() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut idx = SearchIndex::open(dir.path()).expect("open");
        idx.begin_bulk(2, 64_000_000).expect("bulk");
        for i in 0..500 {
            let mut d = ds(&format!("shop.public.t{i}"), Signals::default());
            d.columns = vec![("id".into(), None), ("created_at".into(), None)];
            idx.upsert(&d).expect("upsert");
        }
        idx.end_bulk().expect("end bulk");
        idx.upsert(&ds("shop.public.orders", Signals::default()))
            .expect("upsert");
        idx.commit().expect("commit");
    }
    let idx = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(idx.len(), 500 * 3 + 1);
    assert_eq!(search(&idx, "orders").hits[0].name, "shop.public.orders");
    assert_eq!(search(&idx, "created").total, 500);
}
