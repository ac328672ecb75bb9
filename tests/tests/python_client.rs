//! The real OpenLineage Python client talking to the real `weft` binary.
//!
//! `tests/python/emit_run.py` emits a START and a COMPLETE event through
//! `openlineage-python`'s `HttpTransport`; this test then reads the output
//! dataset, its column lineage and the run back over HTTP. It guards against
//! drift between what the reference client actually sends (facet shapes,
//! `_producer`/`_schemaURL`, UUIDv7 run ids, client tags) and what Weft accepts.
//!
//! Environment:
//! - `WEFT_TEST_PYTHON`: a Python with `tests/python/requirements.txt` installed
//!   (`scripts/test.sh` sets it). Unset: the test fails under `CI`, else says so and passes.
//! - `WEFT_TEST_DATABASE_URL`: a Postgres URL that may create databases; the
//!   Postgres variant runs in a fresh database it creates and drops. Unset: as above.
//! - `WEFT_BIN`: the `weft` binary; default is the one beside this test's
//!   target directory, built on demand.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

const NAMESPACE: &str = "postgres://db:5432";
const ORDERS: &str = "shop.public.orders";
const ORDER_TOTALS: &str = "shop.public.order_totals";

#[test]
fn python_client_run_sqlite() {
    let Some(python) = test_python() else { return };
    check_python_client_run(&python, None);
}

#[test]
fn python_client_run_postgres() {
    let Some(python) = test_python() else { return };
    let Some(admin_url) = env_or_skip("WEFT_TEST_DATABASE_URL", "the Postgres variant") else {
        return;
    };
    let db = TempDatabase::create(&admin_url);
    check_python_client_run(&python, Some(&db.url));
}

/// Emits one run with the Python client, then checks what Weft serves back.
fn check_python_client_run(python: &str, database_url: Option<&str>) {
    let server = Server::start(database_url);
    let run_id = emit_run(python, &server.url);
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // The schema facet became the dataset's fields.
    let dataset = get_json(
        &http,
        &format!(
            "{}/api/v1/namespaces/{}/datasets/{}",
            server.url,
            encode(NAMESPACE),
            encode(ORDER_TOTALS)
        ),
    );
    let fields: Vec<(&str, &str)> = dataset["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields in {dataset:#}"))
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [("customer", "VARCHAR"), ("total", "DECIMAL")]);

    // The column lineage facet became `total <- DIRECT/AGGREGATION orders.amount`.
    let node_id = format!("datasetField:{NAMESPACE}:{ORDER_TOTALS}:total");
    let lineage = get_json(
        &http,
        &format!(
            "{}/api/v1/column-lineage?nodeId={}",
            server.url,
            encode(&node_id)
        ),
    );
    let node = lineage["graph"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| n["id"] == node_id.as_str()))
        .unwrap_or_else(|| panic!("no node {node_id} in {lineage:#}"));
    let inputs: Vec<String> = node["data"]["inputFields"]
        .as_array()
        .unwrap_or_else(|| panic!("no inputFields in {node:#}"))
        .iter()
        .map(|i| {
            let transformations: Vec<String> = i["transformations"]
                .as_array()
                .unwrap_or_else(|| panic!("no transformations in {i:#}"))
                .iter()
                .map(|t| format!("{}/{}", t["type"], t["subtype"]).replace('"', ""))
                .collect();
            format!(
                "{}:{}:{} {}",
                i["namespace"].as_str().unwrap(),
                i["dataset"].as_str().unwrap(),
                i["field"].as_str().unwrap(),
                transformations.join(",")
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [format!("{NAMESPACE}:{ORDERS}:amount DIRECT/AGGREGATION")]
    );

    // START then COMPLETE: one finished run.
    let runs = get_json(
        &http,
        &format!(
            "{}/api/v1/namespaces/weft-e2e/jobs/python_client_job/runs",
            server.url
        ),
    );
    let run = runs["runs"]
        .as_array()
        .and_then(|runs| runs.iter().find(|r| r["id"] == run_id.as_str()))
        .unwrap_or_else(|| panic!("no run {run_id} in {runs:#}"));
    assert_eq!(run["state"], "COMPLETE", "{run:#}");
    assert!(run["startedAt"].is_string(), "{run:#}");
    assert!(run["endedAt"].is_string(), "{run:#}");
}

/// Runs `tests/python/emit_run.py` against `url`; returns the run id it printed.
fn emit_run(python: &str, url: &str) -> String {
    let root = workspace_root();
    let out = Command::new(python)
        .arg(root.join("tests/python/emit_run.py"))
        .arg(url)
        .current_dir(&root)
        // An explicit transport wins over these, except the kill switch.
        .env_remove("OPENLINEAGE_DISABLED")
        .env_remove("OPENLINEAGE_CONFIG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "emit_run.py failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let printed: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("emit_run.py printed {stdout:?}: {e}"));
    printed["runId"]
        .as_str()
        .unwrap_or_else(|| panic!("no runId in {printed}"))
        .to_owned()
}

fn get_json(http: &reqwest::blocking::Client, url: &str) -> Value {
    let resp = http
        .get(url)
        .send()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status();
    let body = resp.text().unwrap();
    assert!(status.is_success(), "GET {url}: {status}\n{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {url}: {e}\n{body}"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `weft serve` child on a free port; killed on drop, also when a test panics.
struct Server {
    url: String,
    child: Child,
    _stdout: Option<BufReader<ChildStdout>>,
    log: PathBuf,
    _data_dir: tempfile::TempDir,
}

impl Server {
    fn start(database_url: Option<&str>) -> Server {
        let data_dir = tempfile::tempdir().unwrap();
        let log = data_dir.path().join("weft.log");
        let mut cmd = Command::new(weft_bin());
        cmd.arg("--data-dir").arg(data_dir.path());
        if let Some(url) = database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("WEFT_DATABASE_URL")
            .env_remove("WEFT_CONFIG")
            .env_remove("WEFT_TOKENS")
            // The log goes to a file, printed if the test fails.
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        // The guard exists before anything can panic, so the child is always killed.
        let mut server = Server {
            url: String::new(),
            child: cmd.spawn().expect("cannot start weft"),
            _stdout: None,
            log,
            _data_dir: data_dir,
        };
        let mut stdout = BufReader::new(server.child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        server.url = line
            .trim()
            .strip_prefix("Weft is serving ")
            .unwrap_or_else(|| panic!("unexpected first line from weft serve: {line:?}"))
            .to_owned();
        // Kept open: weft may still write to stdout.
        server._stdout = Some(stdout);
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let url = format!("{}/readyz", self.url);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if reqwest::blocking::get(&url).is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(Instant::now() < deadline, "{url} not ready after 30s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let mut log = String::new();
            let _ = std::fs::File::open(&self.log).and_then(|mut f| f.read_to_string(&mut log));
            eprintln!("--- weft serve log ---\n{log}--- end of weft serve log ---");
        }
    }
}

/// A database created for one test through `WEFT_TEST_DATABASE_URL`, dropped at the end.
struct TempDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TempDatabase {
    fn create(admin_url: &str) -> TempDatabase {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("weft_test_{}_{nanos}", std::process::id());
        psql(admin_url, &format!("create database {name}"));
        TempDatabase {
            url: with_database(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
        }
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        // `with (force)`: a server killed mid-test may leave connections behind.
        psql(
            &self.admin_url,
            &format!("drop database if exists {} with (force)", self.name),
        );
    }
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql (needed for WEFT_TEST_DATABASE_URL): {e}"));
    assert!(
        out.status.success(),
        "psql {sql:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `postgres://u@h:5432/postgres?x=y` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..authority_end])
}

fn test_python() -> Option<String> {
    env_or_skip("WEFT_TEST_PYTHON", "the OpenLineage Python client test")
}

/// The variable's value; when unset, fails under `CI` and otherwise notes the skip.
fn env_or_skip(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
            assert!(!ci, "{var} is not set (CI is set): cannot run {what}");
            eprintln!("note: {var} is not set, skipping {what}; scripts/test.sh sets it");
            None
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `WEFT_BIN`, else `weft` in this test binary's target directory, built if missing.
fn weft_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("WEFT_BIN") {
        return bin.into();
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            // This test runs as target/<profile>/deps/python_client-<hash>.
            let exe = std::env::current_exe().unwrap();
            let bin = exe
                .parent()
                .and_then(Path::parent)
                .unwrap()
                .join(format!("weft{}", std::env::consts::EXE_SUFFIX));
            if !bin.exists() {
                let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
                let status = Command::new(cargo)
                    .args(["build", "-p", "weft-catalog-server", "--bin", "weft"])
                    .current_dir(workspace_root())
                    .status()
                    .expect("cannot run cargo build");
                assert!(status.success(), "cargo build of weft failed");
                assert!(bin.exists(), "{} missing after cargo build", bin.display());
            }
            bin
        })
        .clone()
}
