//! Who may use a store at once: one server per SQLite file, any number of servers on one
//! PostgreSQL database with exactly one leader running the scheduled crawls, and no
//! rebuild or reindex under a running server.

use serde_json::Value;
use weft_tests::{Backend, Server, backends, eventually, leaders};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `weft <args>` on the server's store and returns its error, asserting it failed.
fn refused(s: &Server, args: &[&str]) -> String {
    let out = s.weft(args);
    assert!(
        !out.status.success(),
        "`weft {}` ran beside a server: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout)
    );
    stderr(&out)
}

#[test]
fn a_second_server_on_one_sqlite_file_is_refused() {
    let mut s = Server::start(Backend::Sqlite, &[]);
    let pid = s.pid().expect("running");
    let err = refused(&s, &["serve", "--listen", "127.0.0.1:0"]);
    assert!(err.contains("one-process store"), "{err}");
    assert!(
        err.contains(&format!("pid {pid}")),
        "names the holder: {err}"
    );
    assert!(err.contains("PostgreSQL"), "says what to do instead: {err}");
    // The first server is unharmed.
    assert_eq!(s.get("/readyz").0, 200);
    // Once it stops, the file is free again.
    assert!(s.terminate());
    s.restart();
    assert_eq!(s.get("/readyz").0, 200);
}

#[test]
fn rebuild_and_reindex_refuse_a_store_a_server_is_using() {
    for b in backends() {
        let mut s = Server::start(b, &[]);
        let pid = s.pid().expect("running");
        let err = refused(&s, &["rebuild"]);
        assert!(err.contains("in use by"), "{b:?}: {err}");
        match b {
            Backend::Sqlite => assert!(err.contains(&format!("pid {pid}")), "{err}"),
            Backend::Postgres => assert!(err.contains("1 running server"), "{err}"),
        }
        let err = refused(&s, &["reindex"]);
        assert!(err.contains("data directory"), "{b:?}: {err}");
        assert!(err.contains(&format!("pid {pid}")), "{b:?}: {err}");
        // The server still serves, and with it stopped both run.
        assert_eq!(s.get("/readyz").0, 200);
        assert!(s.terminate());
        for cmd in ["rebuild", "reindex"] {
            let out = s.weft(&[cmd]);
            assert!(out.status.success(), "{b:?} {cmd}: {}", stderr(&out));
        }
    }
}

/// A query-log source crawled every `interval` by each server given the config.
fn crawl_config(dir: &std::path::Path, interval: &str) -> String {
    let log = dir.join("q.jsonl");
    std::fs::write(
        &log,
        "{\"query\": \"SELECT id FROM customers\", \"user\": \"ana\", \"start_time\": \"2026-11-20T09:00:00Z\"}\n",
    )
    .expect("writes the log");
    let conf = dir.join("weft.toml");
    std::fs::write(
        &conf,
        format!(
            "[[crawl]]\nname = \"log\"\nquery_log = \"{}\"\nformat = \"jsonl\"\ndialect = \"postgres\"\n\
             namespace = \"postgres://db:5432\"\ndatabase = \"shop\"\nschema = \"public\"\ninterval = \"{interval}\"\n",
            log.display()
        ),
    )
    .expect("writes weft.toml");
    conf.display().to_string()
}

/// The crawl history's start times, oldest first.
fn crawl_starts(s: &Server) -> Vec<chrono::DateTime<chrono::Utc>> {
    let h = s.get_ok("/api/v1/crawls?source=log&limit=100");
    let mut starts: Vec<_> = h["crawls"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| {
                    let t = c["startedAt"].as_str().unwrap_or_default();
                    chrono::DateTime::parse_from_rfc3339(t)
                        .unwrap_or_else(|e| panic!("startedAt {t:?}: {e}"))
                        .with_timezone(&chrono::Utc)
                })
                .collect()
        })
        .unwrap_or_default();
    starts.sort();
    starts
}

/// Consecutive crawls started at least an interval apart: one crawl per interval across
/// every server, never one per server.
fn assert_spaced(starts: &[chrono::DateTime<chrono::Utc>], interval: chrono::Duration) {
    for w in starts.windows(2) {
        assert!(
            w[1] - w[0] >= interval,
            "two crawls within one interval: {} then {} (all: {starts:?})",
            w[0],
            w[1]
        );
    }
}

#[test]
fn three_replicas_crawl_once_per_interval_and_the_lease_moves_when_the_leader_dies() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = crawl_config(dir.path(), "2s");
    let first = Server::start(Backend::Postgres, &["--config", &conf]);
    let mut servers: Vec<Server> = (0..2)
        .map(|_| first.replica(&["--config", &conf]))
        .collect();
    servers.insert(0, first);
    let interval = chrono::Duration::seconds(2);

    let leader = eventually(
        "exactly one leader",
        || leaders(&servers),
        |l: &Vec<usize>| l.len() == 1,
    )[0];
    eventually(
        "three crawls",
        || crawl_starts(&servers[0]).len(),
        |n: &usize| *n >= 3,
    );
    assert_spaced(&crawl_starts(&servers[0]), interval);
    assert_eq!(leaders(&servers), vec![leader], "the lease stays put");

    // The leader dies without a word: its session closes, the lease is free, and
    // another server takes it and goes on crawling, still once per interval.
    let before = crawl_starts(&servers[0]).len();
    servers[leader].kill9();
    let alive = if leader == 0 { 1 } else { 0 };
    let next = eventually(
        "a new leader",
        || leaders(&servers),
        |l: &Vec<usize>| l.len() == 1 && l[0] != leader,
    )[0];
    assert_ne!(next, leader);
    eventually(
        "crawls go on under the new leader",
        || crawl_starts(&servers[alive]).len(),
        |n: &usize| *n >= before + 2,
    );
    assert_spaced(&crawl_starts(&servers[alive]), interval);
    let sources: Value = servers[alive].get_ok("/api/v1/crawls/sources");
    assert_eq!(
        sources["sources"][0]["lastCrawl"]["status"], "ok",
        "{sources}"
    );
}
