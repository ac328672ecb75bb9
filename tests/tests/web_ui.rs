//! The web UI in a real browser: the `weft` binary serves the bundle it embeds, and the
//! journeys in `web/e2e/*.test.mjs` (node:test + playwright-core driving Chromium) run
//! against two servers seeded with the warehouse fixture (`tests/fixtures/warehouse/`):
//! one with authentication off (`WEFT_URL`), one with it on and two tokens
//! (`WEFT_AUTH_URL`, `WEFT_TOKEN_OWNER` for alice with read, review and write,
//! `WEFT_TOKEN_READER` for a reader). See `web/e2e/README.md`.
//!
//! Environment:
//! - `WEFT_TEST_NODE`: the Node.js to run (`scripts/test.sh` sets it; else `node` on
//!   PATH), with `web/node_modules` installed (`npm ci` in `web/`);
//! - `WEFT_CHROMIUM`: the browser (else `/usr/bin/chromium`);
//! - `WEFT_E2E_FILTER`: run only the files whose name contains it (`search`);
//! - `WEFT_E2E_GREP`: passed to `node --test-name-pattern`.
//!
//! Missing Node, the packages or Chromium: the test fails under `CI`, else says what it
//! skipped and passes.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use weft_tests::{Backend, Server, warehouse, workspace};

/// How long the whole browser run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

struct Tools {
    node: PathBuf,
    chromium: PathBuf,
}

/// Node.js, web/node_modules and Chromium, or `None` (after a note) outside CI.
fn tools() -> Option<Tools> {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let mut missing = Vec::new();
    let node = warehouse::node();
    match &node {
        None => missing.push("Node.js (WEFT_TEST_NODE, else node on PATH)".to_owned()),
        Some(n) => {
            // Vite and playwright-core need ^20.19 or >= 22.12.
            let recent = Command::new(n)
                .args([
                    "-e",
                    "const [a, b] = process.versions.node.split('.').map(Number); \
                     process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1)",
                ])
                .status()
                .is_ok_and(|s| s.success());
            if !recent {
                missing.push(format!(
                    "Node.js ^20.19 or >= 22.12 ({} is older)",
                    n.display()
                ));
            }
        }
    }
    let playwright = workspace().join("web/node_modules/playwright-core/package.json");
    if !playwright.is_file() {
        missing.push("web/node_modules (npm ci in web/)".to_owned());
    }
    let chromium = std::env::var_os("WEFT_CHROMIUM")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium at {} (apt-get install chromium, or set WEFT_CHROMIUM)",
            chromium.display()
        ));
    }
    if missing.is_empty() {
        return Some(Tools {
            node: node.expect("checked"),
            chromium,
        });
    }
    let what = missing.join(", ");
    assert!(
        !ci,
        "the browser tests need {what} (CI is set): run scripts/test.sh"
    );
    eprintln!("note: no {what}; skipping the browser tests (scripts/test.sh sets them up)");
    None
}

/// The `web/e2e/*.test.mjs` files to run, sorted.
fn test_files() -> Vec<PathBuf> {
    let filter = std::env::var("WEFT_E2E_FILTER").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(workspace().join("web/e2e"))
        .expect("web/e2e")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs") && n.contains(filter.as_str()))
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no web/e2e/*.test.mjs matching {filter:?}"
    );
    files
}

/// The server answers `/` with the app's HTML, not the "UI not built" page or a 404.
fn assert_serves_the_app(s: &Server) {
    let resp = s.http.get(format!("{}/", s.url)).send().expect("GET /");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp.text().unwrap_or_default();
    assert!(
        status == 200
            && ctype.starts_with("text/html")
            && body.contains("id=\"root\"")
            && body.contains("/assets/"),
        "the weft binary does not serve the UI at / ({status}, {ctype}): {}\n\
         (run `npm run build` in web/ and rebuild weft)",
        &body[..body.len().min(400)]
    );
}

#[test]
fn browser_journeys() {
    let Some(tools) = tools() else { return };
    let files = test_files();

    let open = Server::start(Backend::Sqlite, &[]);
    let config = warehouse::auth_config().display().to_string();
    let auth = Server::start(Backend::Sqlite, &["--config", &config]);
    assert_serves_the_app(&open);

    let started = Instant::now();
    let (seeded, _) = std::thread::scope(|scope| {
        let a = scope.spawn(|| warehouse::seed_with(&tools.node, &open, None));
        let b =
            scope.spawn(|| warehouse::seed_with(&tools.node, &auth, Some(warehouse::OWNER_TOKEN)));
        (
            a.join().expect("seeding the open server"),
            b.join().expect("seeding the auth server"),
        )
    });
    println!("seeded both servers in {:.1?}", started.elapsed());

    let web = workspace().join("web");
    let mut cmd = Command::new(&tools.node);
    cmd.args(["--test", "--test-concurrency=1", "--test-reporter=spec"]);
    if let Ok(grep) = std::env::var("WEFT_E2E_GREP") {
        cmd.arg(format!("--test-name-pattern={grep}"));
    }
    let out_dir = tempfile::tempdir().expect("tempdir");
    let log = out_dir.path().join("e2e.log");
    let log_file = std::fs::File::create(&log).expect("log file");
    let mut child = cmd
        .args(&files)
        .current_dir(&web)
        .env("WEFT_URL", &open.url)
        .env("WEFT_AUTH_URL", &auth.url)
        .env("WEFT_TOKEN_OWNER", warehouse::OWNER_TOKEN)
        .env("WEFT_TOKEN_READER", warehouse::READER_TOKEN)
        .env("WEFT_SEED_NOW", &seeded.now)
        .env("WEFT_CHROMIUM", &tools.chromium)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log file"))
        .stderr(log_file)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tools.node.display()));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits for node") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    println!("{output}");
    println!(
        "node --test over {} file(s) took {:.1?}",
        files.len(),
        started.elapsed()
    );
    match status {
        None => panic!("the browser tests did not finish in {TIMEOUT:?}:\n{output}"),
        Some(s) => assert!(s.success(), "the browser tests failed ({s}):\n{output}"),
    }
}
