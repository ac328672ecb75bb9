//! `weft crawl` end to end, through the real binary: a PostgreSQL catalog (tables,
//! views with their column lineage, comments, keys, soft deletion, namespace aliases,
//! failures that write nothing), a MariaDB catalog, a query log (usage counted per day
//! and user, literals gone from what is stored, a second crawl of the same export
//! counting nothing twice, write statements becoming lineage), and scheduled crawls in
//! `weft serve` with a failing source reported, not fatal.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weft_tests::{Backend, PgCluster, Server, TestDb, backends, enc, psql};

/// Waits until `ready` holds (derived views follow the log within a second or two).
fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn dataset(s: &Server, ns: &str, name: &str) -> Value {
    s.get_ok(&format!(
        "/api/v1/namespaces/{}/datasets/{}",
        enc(ns),
        enc(name)
    ))
}

fn field<'a>(d: &'a Value, name: &str) -> &'a Value {
    d["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == name))
        .unwrap_or_else(|| panic!("no field {name} in {d}"))
}

/// A column's own inputs: what its expression reads.
fn inputs_of(s: &Server, ns: &str, dataset: &str, column: &str) -> Vec<(String, String)> {
    inputs_at(s, ns, dataset, column, false)
}

/// The inputs a column has because its whole dataset uses them (join keys, grouping),
/// listed with each column and marked `datasetLevel`.
fn dataset_level_inputs_of(
    s: &Server,
    ns: &str,
    dataset: &str,
    column: &str,
) -> Vec<(String, String)> {
    inputs_at(s, ns, dataset, column, true)
}

fn inputs_at(
    s: &Server,
    ns: &str,
    dataset: &str,
    column: &str,
    dataset_level: bool,
) -> Vec<(String, String)> {
    let node = s.column_node(&format!("datasetField:{ns}:{dataset}:{column}"));
    let mut v: Vec<(String, String)> = node["data"]["inputFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["datasetLevel"].as_bool() == Some(dataset_level))
        .map(|i| {
            (
                i["dataset"].as_str().unwrap_or_default().to_owned(),
                i["field"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

const SOURCE_DDL: &str = "
CREATE SCHEMA sales;
CREATE TABLE sales.customers (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    full_name text,
    created_at timestamptz DEFAULT now()
);
COMMENT ON TABLE sales.customers IS 'One row per customer';
COMMENT ON COLUMN sales.customers.email IS 'Login email';
CREATE TABLE sales.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES sales.customers(id),
    amount numeric(10,2),
    status text DEFAULT 'new'
);
CREATE TABLE sales.legacy_orders (id int);
CREATE VIEW sales.customer_totals AS
    SELECT c.email AS customer_email, sum(o.amount) AS total
    FROM sales.customers c JOIN sales.orders o ON o.customer_id = c.id
    GROUP BY c.email;
";

/// Aliases the crawler's address of the local server to the name producers use.
fn alias_config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("weft.toml");
    std::fs::write(
        &path,
        "[namespace_aliases]\n\"postgres://127.0.0.1:5432\" = \"postgres://db.example.com:5432\"\n",
    )
    .expect("writes weft.toml");
    path
}

const NS: &str = "postgres://db.example.com:5432";

fn postgres_catalog(backend: Backend) {
    let src = TestDb::create();
    psql(&src.url, SOURCE_DDL);
    let conf_dir = tempfile::tempdir().expect("tempdir");
    let conf = alias_config(conf_dir.path());
    let conf = conf.display().to_string();
    let s = Server::start(backend, &[]);
    let db = src.name().to_owned();
    // The source URL carries a password the history and errors must never show.
    let url = src.url.replacen("postgres@", "postgres:hunter2secret@", 1);
    let out = s.weft(&["--config", &conf, "crawl", &url]);
    assert!(
        out.status.success(),
        "crawl: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let summary = stdout(&out);
    assert!(
        summary.contains("datasets: 4 (11 columns), views: 1 (1 parsed)"),
        "{summary}"
    );
    assert!(!summary.contains("hunter2secret") && !stderr(&out).contains("hunter2secret"));

    // The catalog, as created, under the producers' namespace.
    let customers = dataset(&s, NS, &format!("{db}.sales.customers"));
    assert_eq!(
        customers["description"], "One row per customer",
        "{customers}"
    );
    assert_eq!(field(&customers, "email")["type"], "text");
    assert_eq!(field(&customers, "email")["description"], "Login email");
    assert_eq!(
        field(&customers, "created_at")["type"],
        "timestamp with time zone"
    );
    let catalog = &customers["facets"]["weft_catalog"];
    assert_eq!(catalog["primaryKey"], json!(["id"]), "{catalog}");
    let orders = dataset(&s, NS, &format!("{db}.sales.orders"));
    let fks = orders["facets"]["weft_catalog"]["foreignKeys"].to_string();
    assert!(fks.contains(&format!("{db}.sales.customers")), "{fks}");
    assert_eq!(field(&orders, "amount")["type"], "numeric(10,2)");

    // The view's definition became column lineage.
    let view = format!("{db}.sales.customer_totals");
    assert_eq!(
        inputs_of(&s, NS, &view, "customer_email"),
        [(format!("{db}.sales.customers"), "email".to_owned())]
    );
    assert_eq!(
        inputs_of(&s, NS, &view, "total"),
        [(format!("{db}.sales.orders"), "amount".to_owned())]
    );
    // The join keys and the grouping are inputs of every column of the view; the
    // grouping key is customer_email's own input already, so it is not repeated there.
    let keys = |cols: &[(&str, &str)]| -> Vec<(String, String)> {
        cols.iter()
            .map(|(t, c)| (format!("{db}.sales.{t}"), (*c).to_owned()))
            .collect()
    };
    assert_eq!(
        dataset_level_inputs_of(&s, NS, &view, "customer_email"),
        keys(&[("customers", "id"), ("orders", "customer_id")])
    );
    assert_eq!(
        dataset_level_inputs_of(&s, NS, &view, "total"),
        keys(&[
            ("customers", "email"),
            ("customers", "id"),
            ("orders", "customer_id")
        ])
    );

    // A producer pushing the same table under its own name meets the crawled dataset.
    let (code, body) = s.post_event(
        json!({
            "eventType": "COMPLETE", "eventTime": "2026-11-20T10:00:00Z",
            "producer": "https://example.com/etl", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": "0190c7c0-0000-7000-8000-0000000000aa"},
            "job": {"namespace": "etl", "name": "load_orders"},
            "outputs": [{"namespace": "postgres://127.0.0.1:5432", "name": format!("{db}.sales.orders")}]
        })
        .to_string(),
    );
    assert!(code < 300, "{code} {body}");

    // A second crawl of an unchanged database changes nothing but the history.
    let out = s.weft(&["--config", &conf, "crawl", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("changed: 0, deleted: 0"),
        "{}",
        stdout(&out)
    );

    // A dropped table is soft-deleted: still readable, marked deleted; back when it returns.
    psql(&src.url, "DROP TABLE sales.legacy_orders");
    let out = s.weft(&["--config", &conf, "crawl", &url]);
    assert!(stdout(&out).contains("deleted: 1"), "{}", stdout(&out));
    let legacy = format!("{db}.sales.legacy_orders");
    assert_eq!(dataset(&s, NS, &legacy)["deleted"], true);
    psql(&src.url, "CREATE TABLE sales.legacy_orders (id int)");
    let out = s.weft(&["--config", &conf, "crawl", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dataset(&s, NS, &legacy)["deleted"], false);

    // The history, newest first, with the password gone.
    let h = s.get_ok("/api/v1/crawls");
    let crawls = h["crawls"].as_array().expect("crawls");
    assert_eq!(crawls.len(), 4, "{h}");
    assert!(crawls.iter().all(|c| c["status"] == "ok"), "{h}");
    assert_eq!(crawls[3]["counts"]["datasets"], 4);
    assert_eq!(crawls[3]["namespace"], NS);
    assert!(!h.to_string().contains("hunter2secret"), "{h}");

    // Failures name the source, write nothing but their history entry, and hide secrets.
    let before = s.get_ok("/api/v1/namespaces")["namespaces"].clone();
    let missing = url.replace(&db, "no_such_database_here");
    let out = s.weft(&["--config", &conf, "crawl", &missing]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("no_such_database_here"), "{err}");
    assert!(!err.contains("hunter2secret"), "{err}");
    let unreachable = "postgres://u:hunter2secret@127.0.0.1:1/x";
    let started = Instant::now();
    let out = s.weft(&["crawl", unreachable]);
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(20));
    let err = stderr(&out);
    assert!(
        err.contains("127.0.0.1:1") && !err.contains("hunter2secret"),
        "{err}"
    );
    assert_eq!(s.get_ok("/api/v1/namespaces")["namespaces"], before);
    let h = s.get_ok(&format!(
        "/api/v1/crawls?source={}",
        enc("postgres://u@127.0.0.1:1/x")
    ));
    let failed = &h["crawls"][0];
    assert_eq!(failed["status"], "failed", "{h}");
    assert!(!h.to_string().contains("hunter2secret"));
}

#[test]
fn postgres_catalog_crawl_with_views_deletes_aliases_and_history() {
    if std::env::var("WEFT_TEST_DATABASE_URL").is_err() {
        eprintln!("note: no PostgreSQL to crawl; skipped (scripts/test.sh provides one)");
        return;
    }
    for b in backends() {
        postgres_catalog(b);
    }
}

/// A JSONL query log: two days, two users, an email literal, a failed execution, a
/// statement that does not parse, an INSERT … SELECT, and a repeated query.
fn query_log() -> String {
    let lines = [
        json!({"query": "SELECT id, email FROM customers WHERE email = 'alice@example.com'",
               "user": "ana", "start_time": "2026-11-20T09:00:00Z"}),
        json!({"query": "select id, email from customers where email = 'bob@example.com'",
               "user": "ben", "start_time": "2026-11-20T10:00:00Z"}),
        json!({"query": "SELECT c.email, sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id IN (1, 2, 3) GROUP BY 1",
               "user": "ana", "start_time": "2026-11-21T08:00:00Z"}),
        json!({"query": "INSERT INTO customer_totals SELECT c.email, sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.email",
               "user": "etl", "start_time": "2026-11-21T09:00:00Z"}),
        json!({"query": "SELEC broken FROM", "user": "ana", "start_time": "2026-11-21T10:00:00Z"}),
    ];
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.push_str("{not json\n");
    text
}

fn usage(s: &Server, name: &str) -> Value {
    s.get_ok(&format!(
        "/api/v1/namespaces/{}/datasets/{}/usage?days=3650",
        enc(NS),
        enc(name)
    ))
}

fn query_log_usage(backend: Backend) {
    let s = Server::start(backend, &[]);
    // The catalog the log's names resolve against.
    for (name, fields) in [
        ("shop.public.customers", vec!["id", "email"]),
        ("shop.public.orders", vec!["id", "customer_id", "amount"]),
        ("shop.public.customer_totals", vec!["email", "total"]),
    ] {
        let (code, body) = s.post_event(
            json!({
                "eventTime": "2026-11-19T00:00:00Z", "producer": "https://example.com/p",
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
                "dataset": {"namespace": NS, "name": name, "facets": {"schema": {
                    "_producer": "p", "_schemaURL": "s",
                    "fields": fields.iter().map(|f| json!({"name": f, "type": "text"})).collect::<Vec<_>>()
                }}}
            })
            .to_string(),
        );
        assert!(code < 300, "{code} {body}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("queries.jsonl");
    std::fs::File::create(&log)
        .and_then(|mut f| f.write_all(query_log().as_bytes()))
        .expect("writes the log");
    let log = log.display().to_string();
    let args = [
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
        "warehouse-log",
    ];
    let out = s.weft(&args);
    let summary = stdout(&out);
    // Partial: the bad line and the unparseable statement are errors, the rest landed.
    assert_eq!(out.status.code(), Some(3), "{summary}{}", stderr(&out));
    assert!(summary.contains("queries: 5 counted"), "{summary}");
    assert!(summary.contains("1 unreadable lines"), "{summary}");
    assert!(summary.contains("1 failed"), "{summary}");

    let customers = usage(&s, "shop.public.customers");
    let days = customers["days"].as_array().expect("days");
    assert_eq!(days.len(), 2, "{customers}");
    assert_eq!(
        (
            &days[0]["day"],
            &days[0]["reads"],
            &days[0]["users"],
            &days[0]["queries"]
        ),
        (&json!("2026-11-20"), &json!(2), &json!(2), &json!(1)),
        "the two lookups differ only by literal and case: one statement, two users: {customers}"
    );
    assert_eq!(
        (&days[1]["reads"], &days[1]["users"]),
        (&json!(2), &json!(2)),
        "{customers}"
    );
    assert_eq!(customers["total"]["reads"], 4);
    let email_col = customers["columns"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "email"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(email_col["reads"], 4, "{customers}");
    let totals = usage(&s, "shop.public.customer_totals");
    assert_eq!(totals["total"]["writes"], 1, "{totals}");

    // What is stored holds no literal from the log.
    let statements = s.get_ok("/api/v1/crawls/statements?source=warehouse-log");
    let text = statements.to_string();
    assert!(
        !text.contains("alice@example.com") && !text.contains("bob@example.com"),
        "{text}"
    );
    let list = statements["statements"].as_array().expect("statements");
    assert_eq!(list.len(), 4, "{statements}");
    let broken = list
        .iter()
        .find(|q| q["error"].is_object())
        .expect("the broken one");
    assert!(
        broken["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );

    // The INSERT … SELECT became a job whose SQL the lineage view turns into edges.
    eventually("lineage from the logged INSERT", || {
        inputs_of(&s, NS, "shop.public.customer_totals", "total")
            .contains(&("shop.public.orders".to_owned(), "amount".to_owned()))
    });

    // The same export again counts nothing twice.
    let out = s.weft(&args);
    assert!(
        stdout(&out).contains("0 counted, 5 already counted"),
        "{}",
        stdout(&out)
    );
    assert_eq!(usage(&s, "shop.public.customers")["total"]["reads"], 4);
    let h = s.get_ok("/api/v1/crawls?source=warehouse-log");
    assert_eq!(h["crawls"].as_array().map(Vec::len), Some(2));
    assert_eq!(h["crawls"][1]["status"], "partial");
    assert_eq!(h["crawls"][1]["counts"]["queries"], 5);

    // Usage survives a rebuild from the log.
    let mut s = s;
    s.rebuild();
    assert_eq!(usage(&s, "shop.public.customers")["total"]["reads"], 4);
    assert_eq!(usage(&s, "shop.public.customers")["days"][0]["users"], 2);
}

#[test]
fn query_log_usage_is_counted_once_without_literals() {
    for b in backends() {
        query_log_usage(b);
    }
}

#[test]
fn scheduled_crawls_run_and_a_failing_source_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("q.jsonl");
    std::fs::write(&log, query_log()).expect("writes the log");
    let conf = dir.path().join("weft.toml");
    std::fs::write(
        &conf,
        format!(
            "[[crawl]]\nname = \"broken-db\"\nurl = \"postgres://u:hunter2secret@127.0.0.1:1/x\"\ninterval = \"1h\"\n\n\
             [[crawl]]\nname = \"log\"\nquery_log = \"{}\"\nformat = \"jsonl\"\ndialect = \"postgres\"\n\
             namespace = \"{NS}\"\ndatabase = \"shop\"\nschema = \"public\"\ninterval = \"1h\"\n",
            log.display()
        ),
    )
    .expect("writes weft.toml");
    let conf = conf.display().to_string();
    let s = Server::start(Backend::Sqlite, &["--config", &conf]);
    eventually("both sources crawled once", || {
        s.get_ok("/api/v1/crawls")["crawls"]
            .as_array()
            .is_some_and(|c| c.len() >= 2)
    });
    let sources = s.get_ok("/api/v1/crawls/sources");
    let by_name = |n: &str| {
        sources["sources"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == n))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        by_name("broken-db")["lastCrawl"]["status"],
        "failed",
        "{sources}"
    );
    assert_eq!(
        by_name("log")["lastCrawl"]["status"],
        "partial",
        "{sources}"
    );
    assert!(!sources.to_string().contains("hunter2secret"));
    eventually("the failure in /metrics", || {
        s.metric("weft_crawl_consecutive_failures{source=\"broken-db\"}") >= 1.0
    });
    // The server is still serving.
    assert!(usage(&s, "shop.public.customers")["total"]["reads"].as_i64() >= Some(4));
}

/// MariaDB on this machine, or `WEFT_TEST_MYSQL_URL`; `skip` skips.
fn mysql_url() -> Option<String> {
    let url = std::env::var("WEFT_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    (url != "skip").then_some(url)
}

/// Runs SQL with the `mariadb` client against `url` (`mysql://user@host:port`).
fn mariadb(url: &str, sql: &str) {
    let rest = url.trim_start_matches("mysql://");
    let (user, addr) = rest.split_once('@').unwrap_or(("root", rest));
    let addr = addr.split('/').next().unwrap_or(addr);
    let (host, port) = addr.split_once(':').unwrap_or((addr, "3306"));
    let out = Command::new("mariadb")
        .args(["-h", host, "-P", port, "-u", user, "-e", sql])
        .output()
        .expect("the mariadb client runs");
    assert!(out.status.success(), "mariadb: {}", stderr(&out));
}

#[test]
fn mariadb_catalog_crawl() {
    let Some(base) = mysql_url() else {
        eprintln!("note: WEFT_TEST_MYSQL_URL=skip; MariaDB crawl skipped");
        return;
    };
    let db = format!("weft_crawl_e2e_{}", std::process::id());
    mariadb(
        &base,
        &format!(
        "DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db};
         CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL COMMENT 'Login email') COMMENT 'Customers';
         CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount DECIMAL(10,2),
            FOREIGN KEY (customer_id) REFERENCES customers(id));
         CREATE VIEW big_spenders AS SELECT c.email AS email, SUM(o.amount) AS spent
            FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.email;"
        ),
    );
    let s = Server::start(Backend::Sqlite, &[]);
    let out = s.weft(&["crawl", &format!("{base}/{db}")]);
    mariadb(&base, &format!("DROP DATABASE IF EXISTS {db}"));
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let host_port = base
        .trim_start_matches("mysql://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let ns = format!("mysql://{host_port}");
    let ns = ns.as_str();
    let customers = dataset(&s, ns, &format!("{db}.customers"));
    assert_eq!(customers["description"], "Customers", "{customers}");
    assert_eq!(field(&customers, "email")["description"], "Login email");
    assert_eq!(field(&customers, "email")["type"], "varchar(200)");
    assert_eq!(
        inputs_of(&s, ns, &format!("{db}.big_spenders"), "spent"),
        [(format!("{db}.orders"), "amount".to_owned())]
    );
}

fn statement<'a>(list: &'a Value, text: &str) -> &'a Value {
    list["statements"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["text"] == text))
        .unwrap_or_else(|| panic!("no `{text}` in {list}"))
}

#[test]
fn pg_stat_statements_usage_counts_each_call_once_across_crawls() {
    // The machine's server does not preload the module: a cluster of our own does.
    let cluster = PgCluster::start(&["shared_preload_libraries=pg_stat_statements"]);
    let url = cluster.url();
    psql(
        &url,
        "CREATE TABLE t (id int, v text); CREATE TABLE u (id int, v text);
         INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;",
    );
    let s = Server::start(Backend::Sqlite, &[]);
    let source = "pgss";
    let crawl = || {
        let out = s.weft(&["crawl", &url, "--name", source]);
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        stdout(&out)
    };
    // Not installed yet: the catalog is crawled, no statement counted.
    let first = crawl();
    assert!(!first.contains("queries:"), "{first}");
    psql(
        &url,
        "CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset();",
    );
    for id in 1..=5 {
        psql(&url, &format!("SELECT v FROM t WHERE id = {id}"));
    }
    for _ in 0..2 {
        psql(&url, "INSERT INTO u SELECT id, v FROM t WHERE id > 7");
    }
    crawl();
    let ns = format!("postgres://127.0.0.1:{}", cluster.port);
    let reads = |name: &str| {
        s.get_ok(&format!(
            "/api/v1/namespaces/{}/datasets/{}/usage",
            enc(&ns),
            enc(name)
        ))["total"]["reads"]
            .clone()
    };
    assert_eq!(
        reads("postgres.public.t"),
        7,
        "five selects and two inserts read t"
    );
    let list = s.get_ok(&format!("/api/v1/crawls/statements?source={source}"));
    assert_eq!(
        statement(&list, "SELECT v FROM t WHERE id = $1")["calls"],
        5
    );
    assert_eq!(
        statement(&list, "INSERT INTO u SELECT id, v FROM t WHERE id > $1")["calls"],
        2
    );
    // The counters are cumulative; a second crawl counts only what ran since.
    for id in 1..=3 {
        psql(&url, &format!("SELECT v FROM t WHERE id = {id}"));
    }
    crawl();
    assert_eq!(reads("postgres.public.t"), 10);
    let list = s.get_ok(&format!("/api/v1/crawls/statements?source={source}"));
    assert_eq!(
        statement(&list, "SELECT v FROM t WHERE id = $1")["calls"],
        8
    );
    // The INSERT … SELECT became lineage.
    eventually("lineage from the INSERT statement", || {
        inputs_of(&s, &ns, "postgres.public.u", "v")
            .contains(&("postgres.public.t".to_owned(), "v".to_owned()))
    });
}

#[test]
fn a_pushed_dataset_that_names_the_crawled_table_in_its_symlinks_receives_the_crawl() {
    if std::env::var("WEFT_TEST_DATABASE_URL").is_err() {
        eprintln!("note: no PostgreSQL to crawl; skipped (scripts/test.sh provides one)");
        return;
    }
    let src = TestDb::create();
    psql(
        &src.url,
        "CREATE TABLE accounts (id bigint PRIMARY KEY, owner_email text);
         COMMENT ON TABLE accounts IS 'Customer accounts';",
    );
    let db = src.name().to_owned();
    let crawled_ns = "postgres://127.0.0.1:5432";
    let crawled_name = format!("{db}.public.accounts");
    let s = Server::start(Backend::Sqlite, &[]);
    // A lake job knows the table by its export path and says which table it is.
    let (code, body) = s.post_event(
        json!({
            "eventTime": "2026-11-20T00:00:00Z", "producer": "https://example.com/spark",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
            "dataset": {"namespace": "s3://lake", "name": "exports/accounts", "facets": {
                "symlinks": {"_producer": "p", "_schemaURL": "s", "identifiers": [
                    {"namespace": crawled_ns, "name": crawled_name, "type": "TABLE"}]}}}
        })
        .to_string(),
    );
    assert!(code < 300, "{code} {body}");
    let out = s.weft(&["crawl", &src.url, "--name", "accounts-db"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let merged = dataset(&s, "s3://lake", "exports/accounts");
    assert_eq!(merged["description"], "Customer accounts", "{merged}");
    assert_eq!(field(&merged, "owner_email")["type"], "text");
    let (status, _) = s.get(&format!(
        "/api/v1/namespaces/{}/datasets/{}",
        enc(crawled_ns),
        enc(&crawled_name)
    ));
    assert_eq!(status, 404, "one dataset, not two");
}
