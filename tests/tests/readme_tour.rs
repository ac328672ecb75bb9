//! README's "A short tour", run as written against a fresh server.
//!
//! The tour's fenced `sh` blocks are read from README.md (nothing is copied here), the
//! base URL `http://127.0.0.1:5000` is replaced by the test server's, and each block
//! runs with bash. Each step's output is checked against what the tour's text claims:
//! the event is committed (201), `pii.email` is detected on `orders.email` and
//! propagated to `order_totals.customer` with its path, owners are set, the owner's
//! queue lists both proposals and a confirm applies, and search finds the datasets
//! holding personal data by tag. Read-only steps are retried for a while, since the
//! graph and search follow the log a few seconds behind (as the tour says); steps that
//! write run once. Editing the tour's commands without keeping them working fails here.

use std::time::{Duration, Instant};

use serde_json::Value;
use weft_tests::{Backend, Server, enc, workspace};

const README_URL: &str = "http://127.0.0.1:5000";
const NS: &str = "postgres://db:5432";

/// The `sh` blocks of README's "A short tour" section, in order.
fn tour_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## A short tour\n")
        .expect("README has \"## A short tour\"");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed sh block in the tour");
    blocks
}

/// Runs one block with bash against `url`; its stdout, split into the JSON documents
/// it printed (a bare status code is a number).
fn run(block: &str, url: &str) -> (String, Vec<Value>) {
    let script = block.replace(README_URL, url);
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "tour block failed ({}):\n{script}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .map(|d| d.unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}")))
        .collect();
    (stdout, docs)
}

/// Runs a read-only block until `check` accepts its output (30 s at most).
fn run_until(block: &str, url: &str, what: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (stdout, docs) = run(block, url);
        if check(&docs) {
            return docs;
        }
        assert!(Instant::now() < deadline, "{what}: {stdout}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Today's UTC date as the tour's `date -u` gives it (`YYYY-MM-DD`).
fn utc_day() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn field(dataset: &str, column: &str) -> String {
    format!("datasetField:{NS}:{dataset}:{column}")
}

/// The `pii.email` entry of a `/api/v1/tags` answer.
fn email_tag(doc: &Value) -> Option<&Value> {
    doc["tags"]
        .as_array()?
        .iter()
        .find(|t| t["tag"] == "pii.email")
}

#[test]
fn the_readme_tour_runs_as_written() {
    let blocks = tour_blocks();
    assert_eq!(
        blocks.len(),
        6,
        "the tour's steps changed; keep this test's checks in step with them"
    );
    for b in &blocks {
        assert!(
            !b.contains("127.0.0.1:") || b.contains(README_URL),
            "every URL in the tour is {README_URL}: {b}"
        );
    }
    let s = Server::start(Backend::Sqlite, &[]);
    let url = s.url.as_str();
    let day_before = utc_day();

    // 1. The event is committed, stamped now (so its edges are not stale).
    let (stdout, _) = run(&blocks[0], url);
    assert_eq!(stdout.trim(), "201", "the event is accepted");

    // 2. The dataset and its column lineage read back.
    let docs = run_until(&blocks[1], url, "dataset and lineage", |d| d.len() == 3);
    assert_eq!(docs[0]["name"], "shop.public.order_totals", "{}", docs[0]);
    assert!(
        docs[1]
            .to_string()
            .contains(&field("shop.public.orders", "amount")),
        "column lineage of total reaches orders.amount: {}",
        docs[1]
    );

    // 3. Detected on orders.email, propagated to order_totals.customer with its path.
    let docs = run_until(&blocks[2], url, "pii.email detected and propagated", |d| {
        d.len() == 2 && email_tag(&d[0]).is_some() && email_tag(&d[1]).is_some()
    });
    let detected = email_tag(&docs[0]).expect("tag");
    assert_eq!(detected["status"], "proposed", "{detected}");
    assert!(detected["detectedBy"].is_string(), "{detected}");
    assert_eq!(detected["propagated"], false, "{detected}");
    let propagated = email_tag(&docs[1]).expect("tag");
    assert_eq!(propagated["propagated"], true, "{propagated}");
    assert_eq!(propagated["status"], "proposed", "{propagated}");
    let hop = &propagated["paths"][0]["hops"][0];
    assert_eq!(
        hop["from"],
        field("shop.public.orders", "email"),
        "{propagated}"
    );
    assert_eq!(
        hop["to"],
        field("shop.public.order_totals", "customer"),
        "{propagated}"
    );
    assert_eq!(hop["job"]["name"], "daily_totals", "{propagated}");

    // The event time is the time the tour ran, so the edge was seen just now.
    let up = s.get_ok(&format!(
        "/api/v1/graph/upstream?nodeId={}&depth=1",
        enc(&field("shop.public.order_totals", "customer"))
    ));
    let edge = up["edges"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["src"] == field("shop.public.orders", "email"))
        })
        .unwrap_or_else(|| panic!("edge from orders.email: {up}"));
    assert_eq!(edge["stale"], false, "{edge}");
    let last_seen = edge["lastSeen"].as_str().unwrap_or_default();
    assert!(
        [&day_before, &utc_day()]
            .iter()
            .any(|d| last_seen.starts_with(d.as_str())),
        "the event is stamped with today's date ({day_before}): {edge}"
    );

    // 4. Owners set with GraphQL.
    let (_, docs) = run(&blocks[3], url);
    assert!(docs[0].get("errors").is_none(), "{}", docs[0]);
    assert_eq!(docs[0]["data"]["a"]["name"], "shop.public.orders");
    assert_eq!(docs[0]["data"]["b"]["name"], "shop.public.order_totals");

    // 5. The owner's queue holds both proposals; the confirm applies.
    let (stdout, docs) = run(&blocks[4], url);
    assert_eq!(docs.len(), 2, "{stdout}");
    let queued: Vec<(&str, &str)> = docs[0]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("queue items: {stdout}"))
        .iter()
        .map(|i| {
            assert_eq!(i["owners"][0]["name"], "user:alice", "{i}");
            (
                i["column"].as_str().unwrap_or_default(),
                i["tag"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let mut queued = queued;
    queued.sort();
    assert_eq!(
        queued,
        [
            (
                field("shop.public.order_totals", "customer").as_str(),
                "pii.email"
            ),
            (field("shop.public.orders", "email").as_str(), "pii.email"),
        ],
        "{stdout}"
    );
    assert_eq!(docs[1]["applied"], true, "{}", docs[1]);
    let confirmed = email_tag(&docs[1]).unwrap_or_else(|| panic!("{}", docs[1]));
    assert_eq!(confirmed["status"], "confirmed", "{}", docs[1]);

    // 6. Search finds both datasets holding personal data, and counts them.
    let docs = run_until(&blocks[5], url, "datasets with personal data", |d| {
        let mut names: Vec<&str> = d[0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["name"].as_str())
            .collect();
        names.sort();
        names == ["shop.public.order_totals", "shop.public.orders"]
    });
    assert_eq!(
        docs[0]["facets"]["tag"],
        serde_json::json!([{"value": "pii.email", "count": 2}]),
        "{}",
        docs[0]
    );
}
