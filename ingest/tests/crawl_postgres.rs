//! The Postgres crawler against a real server: a fresh database with known objects is
//! crawled, and the snapshot and its events must say exactly what was created.

mod common;

use common::col;

use std::str::FromStr;

use serde_json::Value;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use weft_ingest::crawl::{
    CrawlError, CrawlOptions, ForeignKey, Partitioning, TableInfo, TableKind, crawl_postgres,
    dropped_event,
};

const DDL: &str = r#"
CREATE SCHEMA sales;
CREATE TABLE public.customers (
    id serial PRIMARY KEY,
    email text NOT NULL,
    name varchar(100),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.customers IS 'People who buy';
COMMENT ON COLUMN public.customers.email IS 'Login email';
CREATE TABLE sales.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL,
    amount numeric(10,2) NOT NULL DEFAULT 0,
    status text DEFAULT 'new',
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customers (id)
);
COMMENT ON TABLE sales.orders IS 'One row per order';
COMMENT ON COLUMN sales.orders.amount IS 'Gross amount';
CREATE VIEW public.customer_orders AS
    SELECT c.email AS customer_email, o.amount * 1.2 AS gross, o.id AS order_id
    FROM customers c JOIN sales.orders o ON o.customer_id = c.id
    WHERE o.status <> 'cancelled';
COMMENT ON VIEW public.customer_orders IS 'Orders with the buyer';
CREATE MATERIALIZED VIEW sales.customer_totals AS
    SELECT customer_id, sum(amount) AS total, count(*) AS orders
    FROM sales.orders GROUP BY customer_id;
CREATE TABLE sales.events (
    id bigint NOT NULL,
    happened_on date NOT NULL,
    payload jsonb
) PARTITION BY RANGE (happened_on);
CREATE TABLE sales.events_2024 PARTITION OF sales.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sales.events_2025 PARTITION OF sales.events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO public.customers (email, name) VALUES ('a@x', 'A'), ('b@x', 'B'), ('c@x', NULL);
ANALYZE public.customers;
"#;

/// A scratch database, dropped when the test ends however it ends.
struct ScratchDb {
    admin: String,
    name: String,
}

impl ScratchDb {
    async fn create(admin: &str) -> ScratchDb {
        let name = common::unique_name("weft_crawl");
        let mut conn = PgConnectOptions::from_str(admin)
            .expect("admin URL")
            .connect()
            .await
            .unwrap_or_else(|e| panic!("Postgres at {admin} (WEFT_TEST_DATABASE_URL): {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .expect("create database");
        conn.close().await.ok();
        ScratchDb {
            admin: admin.to_owned(),
            name,
        }
    }

    fn url(&self) -> String {
        common::with_database(&self.admin, &self.name)
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; the cleanup gets a runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = PgConnectOptions::from_str(&admin)
                    .expect("admin URL")
                    .connect()
                    .await
                    .expect("connect for cleanup");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await
                .expect("drop database");
            });
        });
        let _ = cleanup.join();
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn table<'a>(tables: &'a [TableInfo], name: &str) -> &'a TableInfo {
    tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} not crawled"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_finds_exactly_what_was_created() {
    let admin = common::pg_admin_url();
    let scratch = ScratchDb::create(&admin).await;
    let url = scratch.url();
    let db = scratch.name.clone();
    {
        let mut conn = PgConnectOptions::from_str(&url)
            .expect("url")
            .connect()
            .await
            .expect("connect scratch database");
        sqlx::raw_sql(DDL).execute(&mut conn).await.expect("DDL");
        conn.close().await.ok();
    }

    let snapshot = crawl_postgres(&url, &CrawlOptions::default())
        .await
        .expect("crawl");
    let parsed = url::Url::parse(&url).expect("url");
    assert_eq!(
        snapshot.namespace,
        format!(
            "postgres://{}:{}",
            parsed.host_str().expect("host"),
            parsed.port().unwrap_or(5432)
        )
    );
    assert_eq!(snapshot.databases, std::slice::from_ref(&db));
    let names: Vec<&str> = snapshot.tables.iter().map(|t| t.name.as_str()).collect();
    let n = |s: &str| format!("{db}.{s}");
    assert_eq!(
        names,
        [
            n("public.customer_orders"),
            n("public.customers"),
            n("sales.customer_totals"),
            n("sales.events"),
            n("sales.events_2024"),
            n("sales.events_2025"),
            n("sales.orders"),
        ]
    );

    let customers = table(&snapshot.tables, &n("public.customers"));
    assert_eq!(
        customers,
        &TableInfo {
            name: n("public.customers"),
            database: db.clone(),
            schema: Some("public".into()),
            table: "customers".into(),
            kind: TableKind::Table,
            comment: Some("People who buy".into()),
            columns: vec![
                col(
                    "id",
                    "integer",
                    false,
                    Some("nextval('public.customers_id_seq'::regclass)"),
                    None,
                    1
                ),
                col("email", "text", false, None, Some("Login email"), 2),
                col("name", "character varying(100)", true, None, None, 3),
                col(
                    "created_at",
                    "timestamp with time zone",
                    false,
                    Some("now()"),
                    None,
                    4
                ),
            ],
            primary_key: strings(&["id"]),
            foreign_keys: vec![],
            row_estimate: Some(3),
            partitioning: None,
            view_definition: None,
        }
    );

    let orders = table(&snapshot.tables, &n("sales.orders"));
    assert_eq!(
        orders,
        &TableInfo {
            name: n("sales.orders"),
            database: db.clone(),
            schema: Some("sales".into()),
            table: "orders".into(),
            kind: TableKind::Table,
            comment: Some("One row per order".into()),
            columns: vec![
                col(
                    "id",
                    "bigint",
                    false,
                    Some("GENERATED ALWAYS AS IDENTITY"),
                    None,
                    1
                ),
                col("customer_id", "integer", false, None, None, 2),
                col(
                    "amount",
                    "numeric(10,2)",
                    false,
                    Some("0"),
                    Some("Gross amount"),
                    3
                ),
                col("status", "text", true, Some("'new'::text"), None, 4),
            ],
            primary_key: strings(&["id"]),
            foreign_keys: vec![ForeignKey {
                name: "orders_customer_fk".into(),
                columns: strings(&["customer_id"]),
                references: n("public.customers"),
                referenced_columns: strings(&["id"]),
            }],
            // Never analysed: Postgres does not know.
            row_estimate: None,
            partitioning: None,
            view_definition: None,
        }
    );

    let view = table(&snapshot.tables, &n("public.customer_orders"));
    assert_eq!(view.kind, TableKind::View);
    assert_eq!(view.comment.as_deref(), Some("Orders with the buyer"));
    assert_eq!(
        view.columns,
        [
            col("customer_email", "text", true, None, None, 1),
            col("gross", "numeric", true, None, None, 2),
            col("order_id", "bigint", true, None, None, 3),
        ]
    );
    let def = view.view_definition.as_deref().expect("view definition");
    assert!(
        def.contains("public.customers") && def.contains("sales.orders"),
        "names are schema-qualified whatever the search_path: {def}"
    );
    assert_eq!(view.row_estimate, None);

    let totals = table(&snapshot.tables, &n("sales.customer_totals"));
    assert_eq!(totals.kind, TableKind::MaterializedView);
    assert_eq!(
        totals.columns,
        [
            col("customer_id", "integer", true, None, None, 1),
            col("total", "numeric", true, None, None, 2),
            col("orders", "bigint", true, None, None, 3),
        ]
    );
    assert!(totals.view_definition.is_some());

    let events = table(&snapshot.tables, &n("sales.events"));
    assert_eq!(events.kind, TableKind::PartitionedTable);
    assert_eq!(
        events.columns,
        [
            col("id", "bigint", false, None, None, 1),
            col("happened_on", "date", false, None, None, 2),
            col("payload", "jsonb", true, None, None, 3),
        ]
    );
    assert_eq!(
        events.partitioning,
        Some(Partitioning {
            strategy: "range".into(),
            key: "happened_on".into(),
            parent: None,
            bound: None,
            partitions: vec![n("sales.events_2024"), n("sales.events_2025")],
        })
    );
    let p2024 = table(&snapshot.tables, &n("sales.events_2024"));
    assert_eq!(p2024.kind, TableKind::Table);
    assert_eq!(p2024.columns, events.columns);
    assert_eq!(
        p2024.partitioning,
        Some(Partitioning {
            strategy: "range".into(),
            key: "happened_on".into(),
            parent: Some(n("sales.events")),
            bound: Some("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".into()),
            partitions: vec![],
        })
    );

    // Include / exclude lists.
    let only_sales = crawl_postgres(
        &url,
        &CrawlOptions {
            include_schemas: strings(&["sales"]),
            exclude_schemas: strings(&["nothing"]),
            ..CrawlOptions::default()
        },
    )
    .await
    .expect("crawl sales");
    assert!(
        only_sales
            .tables
            .iter()
            .all(|t| t.schema.as_deref() == Some("sales"))
    );
    assert_eq!(only_sales.tables.len(), 5);

    // Events: valid, decodable, and views carry column lineage.
    let producer = "https://github.com/weft-catalog/weft/tree/main/ingest/crawl";
    let converted = snapshot.to_events(producer, "2025-06-01T12:00:00Z");
    assert_eq!(converted.events.len(), snapshot.tables.len());
    assert_eq!(converted.views, 2);
    assert_eq!(converted.view_errors, []);
    assert_eq!(converted.views_parsed, 2);
    let updates = common::check_events(&converted.events);
    let update = |name: &str| {
        updates
            .iter()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("no event for {name}"))
    };
    let v = update(&n("public.customer_orders"));
    let t = common::edge(v, "customer_email", &n("public.customers"), "email");
    assert_eq!(
        (t[0]["type"].as_str(), t[0]["subtype"].as_str()),
        (Some("DIRECT"), Some("IDENTITY"))
    );
    let t = common::edge(v, "gross", &n("sales.orders"), "amount");
    assert_eq!(t[0]["subtype"], "TRANSFORMATION");
    let t = common::edge(v, "order_id", &n("sales.orders"), "id");
    assert_eq!(t[0]["subtype"], "IDENTITY");
    let t = common::edge(v, "", &n("sales.orders"), "status");
    assert_eq!(t[0]["subtype"], "FILTER");
    let t = common::edge(v, "", &n("sales.orders"), "customer_id");
    assert_eq!(t[0]["subtype"], "JOIN");
    let column_edges = v.edges.iter().filter(|e| !e.dst_field.is_empty()).count();
    assert_eq!(column_edges, 3, "{:#?}", v.edges);

    let m = update(&n("sales.customer_totals"));
    let t = common::edge(m, "total", &n("sales.orders"), "amount");
    assert_eq!(
        (t[0]["type"].as_str(), t[0]["subtype"].as_str()),
        (Some("DIRECT"), Some("AGGREGATION"))
    );
    let t = common::edge(m, "customer_id", &n("sales.orders"), "customer_id");
    assert_eq!(t[0]["subtype"], "IDENTITY");
    let t = common::edge(m, "", &n("sales.orders"), "customer_id");
    assert_eq!(t[0]["subtype"], "GROUP_BY");
    assert!(
        !m.edges.iter().any(|e| e.dst_field == "orders"),
        "count(*) reads no column"
    );

    // Schema, documentation, type and catalog facets of a table.
    let c = update(&n("public.customers"));
    let fields = c.fields.as_ref().expect("schema facet");
    let names: Vec<&str> = fields.list.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["id", "email", "name", "created_at"]);
    let raw: Value = converted
        .events
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).expect("json"))
        .find(|e| e["dataset"]["name"] == n("public.customers").as_str())
        .expect("customers event");
    let facets = &raw["dataset"]["facets"];
    assert_eq!(facets["documentation"]["description"], "People who buy");
    assert_eq!(facets["datasetType"]["datasetType"], "TABLE");
    assert_eq!(facets["schema"]["fields"][1]["description"], "Login email");
    let cat = &facets["weft_catalog"];
    assert_eq!(cat["kind"], "table");
    assert_eq!(cat["primaryKey"], serde_json::json!(["id"]));
    assert_eq!(cat["rowEstimate"], 3);
    assert_eq!(cat["columns"][1]["nullable"], false);
    assert_eq!(cat["columns"][3]["default"], "now()");
    assert!(cat["_producer"].is_string() && cat["_schemaURL"].is_string());

    // Soft delete: a table absent from a later crawl of the same database.
    let mut later = snapshot.clone();
    later.tables.retain(|t| t.table != "orders");
    let gone: Vec<&str> = later
        .dropped_since(&snapshot)
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(gone, [n("sales.orders")]);
    let dropped = dropped_event(
        &snapshot.namespace,
        &n("sales.orders"),
        producer,
        "2025-06-02T00:00:00Z",
    );
    common::check_events(std::slice::from_ref(&dropped));
    assert!(
        dropped.contains("\"lifecycleStateChange\":\"DROP\""),
        "{dropped}"
    );
}

#[tokio::test]
async fn a_missing_database_and_a_dead_host_are_clear_errors_without_the_password() {
    let admin = common::pg_admin_url();
    let mut missing =
        url::Url::parse(&common::with_database(&admin, "weft_no_such_db_here")).expect("url");
    missing.set_password(Some("s3cret-pw")).expect("password");
    let e = crawl_postgres(missing.as_str(), &CrawlOptions::default())
        .await
        .expect_err("no such database");
    let msg = e.to_string();
    assert!(matches!(e, CrawlError::UnknownDatabase { .. }), "{e:?}");
    assert!(!msg.contains("s3cret-pw"), "{msg}");
    assert!(
        msg.contains("weft_no_such_db_here"),
        "names the source: {msg}"
    );

    // Nothing listens on port 1.
    let e = crawl_postgres(
        "postgres://u:s3cret-pw@127.0.0.1:1/db",
        &CrawlOptions::default(),
    )
    .await
    .expect_err("unreachable");
    assert!(matches!(e, CrawlError::Unreachable { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("postgres://u@127.0.0.1:1/db: unreachable"),
        "{msg}"
    );
    assert!(!msg.contains("s3cret"), "{msg}");

    // A blackholed address times out within the connect timeout.
    let started = std::time::Instant::now();
    let e = crawl_postgres(
        "postgres://u:pw@10.255.255.1:5432/db",
        &CrawlOptions {
            connect_timeout: std::time::Duration::from_millis(500),
            ..CrawlOptions::default()
        },
    )
    .await
    .expect_err("unreachable");
    assert!(matches!(e, CrawlError::Unreachable { .. }), "{e:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));

    let e = crawl_postgres("mysql://u:pw@h/db", &CrawlOptions::default())
        .await
        .expect_err("wrong scheme");
    assert!(matches!(e, CrawlError::InvalidUrl { .. }), "{e:?}");
    assert!(!e.to_string().contains("pw@"), "{e}");
}
