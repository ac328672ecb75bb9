//! What a crawl reports, through the real binary and HTTP: a crawled view's column
//! edges say they came from its SQL (origin `view`, not a producer's declaration), the
//! crawl history's times are RFC 3339 UTC like the rest of the API, and a failed crawl
//! is one sentence — which source, why — on the CLI and in the history, without the URL
//! twice, the password, or the database server's source-code line.

use serde_json::{Value, json};
use std::process::Command;
use weft_tests::{Backend, Server, TestDb, backends, enc, eventually, psql};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn pg_available() -> bool {
    let ok = std::env::var("WEFT_TEST_DATABASE_URL").is_ok();
    if !ok {
        eprintln!("note: no PostgreSQL to crawl; skipped (scripts/test.sh provides one)");
    }
    ok
}

const VIEW_DDL: &str = "
CREATE TABLE public.orders (id bigint PRIMARY KEY, amount numeric(10,2), status text);
CREATE VIEW public.paid_totals AS
    SELECT id AS order_id, amount * 2 AS doubled FROM public.orders WHERE status = 'paid';
";

/// `edgeOrigins` of the one-hop REST input `dataset.field` of `node`.
fn rest_origins(node: &Value, dataset: &str, field: &str) -> Vec<String> {
    let input = node["data"]["inputFields"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["dataset"] == dataset && i["field"] == field)
        })
        .unwrap_or_else(|| panic!("no input {dataset}.{field} in {node}"));
    input["edgeOrigins"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o.as_str().map(str::to_owned))
        .collect()
}

fn view_origins(s: &Server, ns: &str, db: &str) {
    let view = format!("{db}.public.paid_totals");
    let orders = format!("{db}.public.orders");
    let node = s.column_node(&format!("datasetField:{ns}:{view}:doubled"));
    assert_eq!(rest_origins(&node, &orders, "amount"), ["view"], "{node}");
    let node = s.column_node(&format!("datasetField:{ns}:{view}:order_id"));
    assert_eq!(rest_origins(&node, &orders, "id"), ["view"], "{node}");

    let query = "query($ns: String!, $ds: String!) {
        column(namespace: $ns, dataset: $ds, name: \"doubled\") {
          upstream { edges { src dst origin } } } }";
    let vars = json!({"ns": ns, "ds": view});
    // The lineage graph follows the log a moment after the crawl's write.
    eventually(
        "the view in the lineage graph",
        || s.graphql(None, query, vars.clone()).1,
        |v| v.get("errors").is_none(),
    );
    let d = s.graphql_data(None, query, vars);
    let edges = d["column"]["upstream"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!edges.is_empty(), "{d}");
    assert!(edges.iter().all(|e| e["origin"] == "view"), "{d}");
}

fn crawled_view(backend: Backend) {
    let src = TestDb::create();
    psql(&src.url, VIEW_DDL);
    let mut s = Server::start(backend, &[]);
    let out = s.weft(&["crawl", &src.url]);
    assert!(out.status.success(), "crawl: {}", stderr(&out));
    let ns = "postgres://127.0.0.1:5432";
    view_origins(&s, ns, src.name());
    // The origin is decided from the logged event, so a rebuild reaches the same answer.
    s.rebuild();
    view_origins(&s, ns, src.name());
}

#[test]
fn a_crawled_views_column_edges_say_they_came_from_its_sql() {
    if !pg_available() {
        return;
    }
    for b in backends() {
        crawled_view(b);
    }
}

/// An RFC 3339 UTC time not far from now.
fn assert_recent_utc(v: &Value, what: &str) -> chrono::DateTime<chrono::Utc> {
    let text = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(text.ends_with('Z'), "{what} not UTC: {text}");
    let t = chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{what} {text:?}: {e}"))
        .with_timezone(&chrono::Utc);
    let age = chrono::Utc::now() - t;
    assert!(
        age > chrono::Duration::zero() && age < chrono::Duration::hours(1),
        "{what} {text} is not the crawl's time"
    );
    t
}

fn assert_times(crawl: &Value) {
    let started = assert_recent_utc(&crawl["startedAt"], "startedAt");
    let ended = assert_recent_utc(&crawl["endedAt"], "endedAt");
    assert!(started <= ended, "{crawl}");
}

#[test]
fn crawl_history_times_are_iso_8601_utc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("weft.toml");
    std::fs::write(
        &conf,
        "[[crawl]]\nname = \"dead-db\"\nurl = \"postgres://u:hunter2secret@127.0.0.1:1/x\"\ninterval = \"1h\"\n",
    )
    .expect("writes weft.toml");
    let conf = conf.display().to_string();
    let s = Server::start(Backend::Sqlite, &["--config", &conf]);
    let h = eventually(
        "the scheduled crawl in the history",
        || s.get_ok("/api/v1/crawls"),
        |h| h["crawls"].as_array().is_some_and(|c| !c.is_empty()),
    );
    assert_times(&h["crawls"][0]);
    let sources = s.get_ok("/api/v1/crawls/sources");
    assert_times(&sources["sources"][0]["lastCrawl"]);

    if pg_available() {
        let src = TestDb::create();
        psql(&src.url, VIEW_DDL);
        let out = s.weft(&["crawl", &src.url]);
        assert!(out.status.success(), "crawl: {}", stderr(&out));
        let h = s.get_ok(&format!("/api/v1/crawls?source={}", enc(&src.url)));
        let ok = h["crawls"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["status"] == "ok"))
            .unwrap_or_else(|| panic!("no successful crawl in {h}"));
        assert_times(ok);
    }
}

/// The CLI's error for a failed crawl: one line, the source named once, the reason,
/// no password, no server source position.
fn one_sentence(err: &str, target: &str, reason: &str) {
    let err = err.trim_end();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches(target).count(), 1, "{err}");
    assert!(err.contains(reason), "{err}");
    assert!(!err.contains(" at line "), "{err}");
    assert!(!err.contains("hunter2secret"), "{err}");
    assert!(!err.contains("error returned from database"), "{err}");
}

/// The history's entry for `target`: failed, its error saying why without the URL.
fn failed_entry(s: &Server, target: &str, reason: &str) {
    let h = s.get_ok(&format!("/api/v1/crawls?source={}", enc(target)));
    let c = &h["crawls"][0];
    assert_eq!(c["status"], "failed", "{h}");
    assert_eq!(c["target"], target, "{h}");
    let example = c["errors"][0]["example"].as_str().unwrap_or_default();
    assert!(example.contains(reason), "{h}");
    assert!(!example.contains(target), "{h}");
    assert!(!example.contains(" at line "), "{h}");
    assert!(!h.to_string().contains("hunter2secret"), "{h}");
}

/// `weft crawl` with `RUST_LOG=warn`, so stderr holds what a user reads.
fn crawl(s: &Server, url: &str) -> std::process::Output {
    let out = Command::new(weft_tests::weft_bin())
        .args(s.store_args())
        .args(["crawl", url])
        .env_remove("WEFT_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("weft runs");
    assert!(!out.status.success(), "{url} should fail");
    out
}

#[test]
fn a_failed_crawl_is_one_sentence_on_the_cli_and_in_the_history() {
    let s = Server::start(Backend::Sqlite, &[]);

    let target = "postgres://u@127.0.0.1:1/x";
    let out = crawl(&s, "postgres://u:hunter2secret@127.0.0.1:1/x");
    let err = stderr(&out);
    one_sentence(&err, target, "unreachable");
    assert!(
        err.starts_with(&format!("weft: crawl of {target} failed: ")),
        "{err}"
    );
    failed_entry(&s, target, "unreachable");

    if pg_available() {
        let admin = std::env::var("WEFT_TEST_DATABASE_URL").unwrap_or_default();
        let Some((server, _db)) = admin.rsplit_once('/') else {
            panic!("WEFT_TEST_DATABASE_URL has no database: {admin}");
        };
        let url = format!("{server}/no_such_database_here").replacen(
            "postgres@",
            "postgres:hunter2secret@",
            1,
        );
        let target = format!("{server}/no_such_database_here");
        let out = crawl(&s, &url);
        let err = stderr(&out);
        let why = "database \"no_such_database_here\" does not exist";
        one_sentence(&err, &target, why);
        assert!(err.contains("no such database"), "{err}");
        failed_entry(&s, &target, why);
    }

    // A password the server refuses (MariaDB checks it even for local connections).
    let mysql = std::env::var("WEFT_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    if mysql != "skip" && mysql.starts_with("mysql://root@") {
        let url = mysql.replacen("root@", "root:hunter2secret@", 1);
        let out = crawl(&s, &url);
        let err = stderr(&out);
        if err.contains("authentication failed") {
            one_sentence(&err, &mysql, "Access denied for user");
            failed_entry(&s, &mysql, "Access denied for user");
        } else {
            eprintln!("note: MariaDB unreachable or accepting any password; skipped: {err}");
        }
    }
}
