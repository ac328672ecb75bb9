//! The MySQL/MariaDB crawler against a real server (`WEFT_TEST_MYSQL_URL`, default the
//! local MariaDB; `skip` skips these tests).

mod common;

use common::col;

use std::str::FromStr;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, MySqlConnection};
use weft_ingest::crawl::{
    CrawlError, CrawlOptions, ForeignKey, Partitioning, TableInfo, TableKind, crawl_mysql,
};

/// A scratch database (and role), dropped when the test ends however it ends.
struct Scratch {
    url: String,
    db: String,
    user: Option<String>,
}

async fn admin(url: &str) -> MySqlConnection {
    MySqlConnectOptions::from_str(url)
        .expect("mysql URL")
        .connect()
        .await
        .unwrap_or_else(|e| panic!("MySQL at {url} (WEFT_TEST_MYSQL_URL; `skip` to skip): {e}"))
}

async fn exec(conn: &mut MySqlConnection, sql: String) {
    sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let url = self.url.clone();
        let db = self.db.clone();
        let user = self.user.clone();
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = admin(&url).await;
                exec(&mut conn, format!("DROP DATABASE IF EXISTS `{db}`")).await;
                if let Some(u) = user {
                    exec(&mut conn, format!("DROP USER IF EXISTS '{u}'@'%'")).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_finds_exactly_what_was_created() {
    let Some(url) = common::mysql_url() else {
        eprintln!("WEFT_TEST_MYSQL_URL=skip: MySQL tests skipped");
        return;
    };
    let db = common::unique_name("weft_crawl");
    let mut conn = admin(&url).await;
    exec(&mut conn, format!("CREATE DATABASE `{db}`")).await;
    let scratch = Scratch {
        url: url.clone(),
        db: db.clone(),
        user: None,
    };
    for sql in [
        format!(
            "CREATE TABLE `{db}`.customers (
                id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                email VARCHAR(200) NOT NULL COMMENT 'Login email',
                name VARCHAR(100) NULL,
                tier VARCHAR(10) NOT NULL DEFAULT 'basic'
            ) ENGINE=InnoDB COMMENT='People who buy'"
        ),
        format!(
            "CREATE TABLE `{db}`.orders (
                id BIGINT NOT NULL,
                customer_id INT NOT NULL,
                amount DECIMAL(10,2) NOT NULL DEFAULT 0.00 COMMENT 'Gross amount',
                PRIMARY KEY (id),
                CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES `{db}`.customers (id)
            ) ENGINE=InnoDB COMMENT='One row per order'"
        ),
        format!(
            "CREATE VIEW `{db}`.customer_orders AS
                SELECT c.email AS customer_email, o.amount * 1.2 AS gross, o.id AS order_id
                FROM `{db}`.customers c JOIN `{db}`.orders o ON o.customer_id = c.id"
        ),
        format!(
            "CREATE VIEW `{db}`.customer_totals AS
                SELECT customer_id, SUM(amount) AS total FROM `{db}`.orders GROUP BY customer_id"
        ),
        format!(
            "CREATE TABLE `{db}`.events (id BIGINT NOT NULL, y INT NOT NULL)
                PARTITION BY RANGE (y) (
                    PARTITION p2024 VALUES LESS THAN (2025),
                    PARTITION p2025 VALUES LESS THAN (2026))"
        ),
    ] {
        exec(&mut conn, sql).await;
    }

    let snapshot = crawl_mysql(&common::with_database(&url, &db), &CrawlOptions::default())
        .await
        .expect("crawl");
    let parsed = url::Url::parse(&url).expect("url");
    assert_eq!(
        snapshot.namespace,
        format!(
            "mysql://{}:{}",
            parsed.host_str().expect("host"),
            parsed.port().unwrap_or(3306)
        )
    );
    assert_eq!(snapshot.databases, std::slice::from_ref(&db));
    let n = |t: &str| format!("{db}.{t}");
    let names: Vec<&str> = snapshot.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            n("customer_orders"),
            n("customer_totals"),
            n("customers"),
            n("events"),
            n("orders")
        ]
    );
    let table = |name: &str| -> &TableInfo { snapshot.table(&n(name)).expect("crawled") };

    let customers = table("customers");
    assert_eq!(
        customers,
        &TableInfo {
            name: n("customers"),
            database: db.clone(),
            schema: None,
            table: "customers".into(),
            kind: TableKind::Table,
            comment: Some("People who buy".into()),
            columns: vec![
                col("id", "int(11)", false, Some("AUTO_INCREMENT"), None, 1),
                col("email", "varchar(200)", false, None, Some("Login email"), 2),
                col("name", "varchar(100)", true, None, None, 3),
                // MariaDB quotes literal defaults; MySQL 8 does not.
                col(
                    "tier",
                    "varchar(10)",
                    false,
                    Some(
                        if customers.columns[3].default.as_deref() == Some("basic") {
                            "basic"
                        } else {
                            "'basic'"
                        }
                    ),
                    None,
                    4
                ),
            ],
            primary_key: vec!["id".into()],
            foreign_keys: vec![],
            row_estimate: Some(0),
            partitioning: None,
            view_definition: None,
        }
    );
    let orders = table("orders");
    assert_eq!(orders.comment.as_deref(), Some("One row per order"));
    assert_eq!(orders.primary_key, ["id"]);
    assert_eq!(
        orders.foreign_keys,
        [ForeignKey {
            name: "orders_customer_fk".into(),
            columns: vec!["customer_id".into()],
            references: n("customers"),
            referenced_columns: vec!["id".into()],
        }]
    );
    assert_eq!(
        orders.columns[2],
        col(
            "amount",
            "decimal(10,2)",
            false,
            Some("0.00"),
            Some("Gross amount"),
            3
        )
    );

    let view = table("customer_orders");
    assert_eq!(view.kind, TableKind::View);
    assert_eq!(view.comment, None);
    assert_eq!(view.row_estimate, None);
    let names: Vec<&str> = view.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["customer_email", "gross", "order_id"]);
    assert!(
        view.view_definition
            .as_deref()
            .is_some_and(|d| d.contains('`'))
    );

    let events = table("events");
    assert_eq!(events.kind, TableKind::PartitionedTable);
    assert_eq!(
        events.partitioning,
        Some(Partitioning {
            strategy: "range".into(),
            key: "y".into(),
            parent: None,
            bound: None,
            partitions: vec!["p2024".into(), "p2025".into()],
        })
    );

    let converted = snapshot.to_events("https://example.com/weft-test", "2025-06-01T12:00:00Z");
    assert_eq!(
        (converted.views, converted.views_parsed),
        (2, 2),
        "{:?}",
        converted.view_errors
    );
    let updates = common::check_events(&converted.events);
    let update = |name: &str| updates.iter().find(|u| u.name == n(name)).expect("event");
    let v = update("customer_orders");
    let t = common::edge(v, "customer_email", &n("customers"), "email");
    assert_eq!(t[0]["subtype"], "IDENTITY");
    let t = common::edge(v, "gross", &n("orders"), "amount");
    assert_eq!(t[0]["subtype"], "TRANSFORMATION");
    common::edge(v, "order_id", &n("orders"), "id");
    let t = common::edge(v, "", &n("orders"), "customer_id");
    assert_eq!(t[0]["subtype"], "JOIN");
    let t = common::edge(update("customer_totals"), "total", &n("orders"), "amount");
    assert_eq!(t[0]["subtype"], "AGGREGATION");

    // Without a database in the URL, every non-system database is crawled.
    let all = crawl_mysql(&url, &CrawlOptions::default())
        .await
        .expect("crawl all");
    assert!(all.databases.contains(&db), "{:?}", all.databases);
    for system in ["mysql", "information_schema", "performance_schema", "sys"] {
        assert!(
            !all.databases.iter().any(|d| d == system),
            "{:?}",
            all.databases
        );
    }
    assert!(all.table(&n("orders")).is_some());
    drop(scratch);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_authentication_error_that_hides_it() {
    let Some(url) = common::mysql_url() else {
        eprintln!("WEFT_TEST_MYSQL_URL=skip: MySQL tests skipped");
        return;
    };
    let user = common::unique_name("weft_u");
    let user = &user[..user.len().min(32)];
    let db = common::unique_name("weft_crawl");
    let mut conn = admin(&url).await;
    exec(&mut conn, format!("CREATE DATABASE `{db}`")).await;
    let _scratch = Scratch {
        url: url.clone(),
        db: db.clone(),
        user: Some(user.to_owned()),
    };
    exec(
        &mut conn,
        format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'right-pw'"),
    )
    .await;
    let mut wrong = url::Url::parse(&common::with_database(&url, &db)).expect("url");
    wrong.set_username(user).expect("user");
    wrong.set_password(Some("wrong-pw-42")).expect("password");
    let e = crawl_mysql(wrong.as_str(), &CrawlOptions::default())
        .await
        .expect_err("wrong password");
    let msg = e.to_string();
    assert!(matches!(e, CrawlError::Authentication { .. }), "{e:?}");
    assert!(!msg.contains("wrong-pw-42"), "{msg}");
    assert!(msg.contains(user), "names the source: {msg}");

    // The right password, but no grant on the database.
    wrong.set_password(Some("right-pw")).expect("password");
    let e = crawl_mysql(wrong.as_str(), &CrawlOptions::default())
        .await
        .expect_err("no grant");
    assert!(matches!(e, CrawlError::Permission { .. }), "{e:?}");
    assert!(!e.to_string().contains("right-pw"), "{e}");

    let e = crawl_mysql("mysql://root:pw@127.0.0.1:1", &CrawlOptions::default())
        .await
        .expect_err("unreachable");
    assert!(matches!(e, CrawlError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().starts_with("mysql://root@127.0.0.1:1"), "{e}");
}
