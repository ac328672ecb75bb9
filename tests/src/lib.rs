//! Harness for end-to-end tests: start the real `weft` binary on a free port, against a
//! temp SQLite directory or a fresh PostgreSQL database, and talk to it over HTTP.
//!
//! Every test that matters runs on both backends through [`backends`]: SQLite always,
//! PostgreSQL when `WEFT_TEST_DATABASE_URL` names a server (the test script sets it). In CI
//! (`CI` set) a missing PostgreSQL is a failure, never a silent skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

pub mod corpora;
pub mod dbt;
pub mod hostile;
pub mod warehouse;

/// Which store a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// A fresh database on the test PostgreSQL server.
    Postgres,
}

/// The backends to run on: SQLite, plus PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if std::env::var("WEFT_TEST_DATABASE_URL").is_ok() {
        out.push(Backend::Postgres);
    } else if std::env::var("CI").is_ok() {
        panic!(
            "CI is set but WEFT_TEST_DATABASE_URL is not: run the tests through scripts/test.sh"
        );
    } else {
        eprintln!(
            "note: WEFT_TEST_DATABASE_URL unset; PostgreSQL variants skipped (scripts/test.sh sets it)"
        );
    }
    out
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The `weft` binary, built on first use when missing.
///
/// Cargo puts test executables in `<target>/<profile>/deps/` and binaries in
/// `<target>/<profile>/`, so the binary is found beside the running test wherever the
/// target directory is (`CARGO_TARGET_DIR` included).
pub fn weft_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("WEFT_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in <target>/<profile>/deps");
    let bin = profile_dir.join(format!("weft{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "weft-catalog-server", "--bin", "weft"])
            .current_dir(workspace())
            .status()
            .expect("cargo build runs");
        assert!(status.success(), "building weft failed");
    }
    assert!(bin.exists(), "weft not found at {}", bin.display());
    bin
}

static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A PostgreSQL database created for one test and dropped after it.
pub struct TestDb {
    admin_url: String,
    name: String,
    /// URL of the new database.
    pub url: String,
}

impl TestDb {
    /// Creates `weft_test_<pid>_<n>` on the server named by `WEFT_TEST_DATABASE_URL`.
    pub fn create() -> TestDb {
        let admin_url = std::env::var("WEFT_TEST_DATABASE_URL").expect("WEFT_TEST_DATABASE_URL");
        let name = format!(
            "weft_test_{}_{}",
            std::process::id(),
            DB_COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        psql(&admin_url, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(&admin_url, &format!("CREATE DATABASE {name}"));
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        TestDb {
            admin_url,
            name,
            url,
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// Runs SQL through `psql` against `url`; panics with psql's error when it fails.
pub fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running `weft serve`, killed when dropped.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The data directory (kept across restarts).
    pub data_dir: tempfile::TempDir,
    db: Option<TestDb>,
    /// The database of the server this one is a replica of (see [`Server::replica`]).
    shared_url: Option<String>,
    extra: Vec<String>,
    /// Shared HTTP client.
    pub http: reqwest::blocking::Client,
}

impl Server {
    /// Starts a server on `backend` with extra `serve` arguments.
    pub fn start(backend: Backend, extra: &[&str]) -> Server {
        let db = (backend == Backend::Postgres).then(TestDb::create);
        let mut s = Server {
            child: None,
            url: String::new(),
            data_dir: tempfile::tempdir().expect("tempdir"),
            db,
            shared_url: None,
            extra: extra.iter().map(|s| s.to_string()).collect(),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
        };
        s.spawn();
        s
    }

    /// The global arguments selecting this server's store (for other `weft` commands).
    pub fn store_args(&self) -> Vec<String> {
        let mut args = vec![
            "--data-dir".to_owned(),
            self.data_dir.path().display().to_string(),
        ];
        if let Some(url) = self
            .db
            .as_ref()
            .map(|db| &db.url)
            .or(self.shared_url.as_ref())
        {
            args.push("--database-url".into());
            args.push(url.clone());
        }
        args
    }

    /// Starts another `weft serve` on this server's PostgreSQL database, with its own
    /// data directory (its own search index): a replica. The database stays this
    /// server's, dropped with it.
    pub fn replica(&self, extra: &[&str]) -> Server {
        let url = self
            .db
            .as_ref()
            .map(|db| db.url.clone())
            .or(self.shared_url.clone())
            .expect("replicas share a PostgreSQL database");
        let mut s = Server {
            child: None,
            url: String::new(),
            data_dir: tempfile::tempdir().expect("tempdir"),
            db: None,
            shared_url: Some(url),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            http: self.http.clone(),
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(weft_bin());
        cmd.args(self.store_args())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&self.extra)
            .env_remove("WEFT_DATABASE_URL")
            .env_remove("WEFT_CONFIG")
            .env_remove("WEFT_TOKENS")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("weft serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("reads the banner");
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("unexpected banner {line:?}"))
            .to_owned();
        self.url = url;
        self.child = Some(child);
    }

    /// The server's peak resident set size so far (`VmHWM` in `/proc/<pid>/status`), in
    /// KiB; `None` when it is not running or the platform has no `/proc`.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Kills the process with SIGKILL (no chance to flush anything) and waits for it.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status success.
    pub fn terminate(&mut self) -> bool {
        match self.child.take() {
            Some(mut c) => {
                let _ = Command::new("kill")
                    .args(["-TERM", &c.id().to_string()])
                    .status();
                c.wait().map(|s| s.success()).unwrap_or(false)
            }
            None => true,
        }
    }

    /// The server process's id (`None` once stopped).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends SIGTERM and waits at most `wait` for the process to exit: `Some(success)`
    /// when it did, `None` (after killing it) when it was still running.
    pub fn terminate_within(&mut self, wait: Duration) -> Option<bool> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + wait;
        loop {
            match c.try_wait() {
                Ok(Some(status)) => return Some(status.success()),
                Ok(None) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    let _ = c.kill();
                    let _ = c.wait();
                    return None;
                }
            }
        }
    }

    /// Replaces the extra `serve` arguments used by the next [`Server::restart`].
    pub fn set_extra(&mut self, extra: &[&str]) {
        self.extra = extra.iter().map(|s| s.to_string()).collect();
    }

    /// Starts the server again on the same store.
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    /// POSTs a JSON body to a path; returns status and body text.
    pub fn post(
        &self,
        path: &str,
        body: impl Into<reqwest::blocking::Body>,
        content_type: &str,
    ) -> (u16, String) {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .expect("request");
        (resp.status().as_u16(), resp.text().unwrap_or_default())
    }

    /// POSTs one OpenLineage event.
    pub fn post_event(&self, body: impl Into<reqwest::blocking::Body>) -> (u16, String) {
        self.post("/api/v1/lineage", body, "application/json")
    }

    /// GETs a path; returns status and parsed JSON (Null when not JSON).
    pub fn get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GETs a path that must answer 200 with JSON.
    pub fn get_ok(&self, path: &str) -> Value {
        let (status, v) = self.get(path);
        assert_eq!(status, 200, "GET {path} -> {status}: {v}");
        v
    }

    /// A metric's value from `/metrics` (first sample with that exact name prefix).
    pub fn metric(&self, name: &str) -> f64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .and_then(|r| r.text())
            .expect("metrics");
        text.lines()
            .find(|l| l.starts_with(name) && !l.starts_with('#'))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("metric {name} not found"))
    }

    /// Sends a GraphQL request body to `POST /graphql` with an optional bearer token and
    /// the given `Accept`; the whole answer.
    pub fn graphql_request(
        &self,
        token: Option<&str>,
        accept: &str,
        content_type: &str,
        body: impl Into<reqwest::blocking::Body>,
    ) -> GqlResponse {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.url))
            .header("Content-Type", content_type)
            .header("Accept", accept)
            .body(body);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        GqlResponse::from(req.send().expect("graphql request"))
    }

    /// Runs a GraphQL operation as a plain `application/json` client; status and body.
    pub fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let body = serde_json::json!({"query": query, "variables": variables});
        let r = self.graphql_request(
            token,
            "application/json",
            "application/json",
            body.to_string(),
        );
        (r.status, r.body)
    }

    /// Runs a GraphQL operation that must succeed (200, no errors); its `data`.
    pub fn graphql_data(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, v) = self.graphql(token, query, variables);
        assert!(
            status == 200 && v.get("errors").is_none() && v["data"].is_object(),
            "graphql -> {status}: {v}\nquery: {query}"
        );
        v["data"].clone()
    }

    /// The node `id` (`datasetField:ns:name:field`) from its own one-hop column lineage;
    /// `Null` when the graph does not hold it.
    pub fn column_node(&self, id: &str) -> Value {
        let g = self.get_ok(&format!(
            "/api/v1/column-lineage?nodeId={}&depth=1",
            enc(id)
        ));
        g["graph"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Stops the server, runs `weft rebuild` on its store (rebuilds are offline), and
    /// starts it again.
    pub fn rebuild(&mut self) {
        self.kill9();
        let out = self.weft(&["rebuild"]);
        assert!(
            out.status.success(),
            "rebuild: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.restart();
    }

    /// Opens `/graphql` as a WebSocket speaking graphql-transport-ws (the server must
    /// agree to the subprotocol); reads time out after `read_timeout`.
    pub fn graphql_ws(
        &self,
        read_timeout: Duration,
    ) -> tungstenite::WebSocket<std::net::TcpStream> {
        use tungstenite::client::IntoClientRequest;
        let host = self.url.trim_start_matches("http://");
        let stream = std::net::TcpStream::connect(host).expect("connect");
        stream
            .set_read_timeout(Some(read_timeout))
            .expect("read timeout");
        let mut req = format!("ws://{host}/graphql")
            .into_client_request()
            .expect("request");
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header value"),
        );
        let (socket, resp) = tungstenite::client(req, stream).expect("websocket handshake");
        assert_eq!(
            resp.headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some("graphql-transport-ws")
        );
        socket
    }

    /// Runs another `weft` command against this server's store.
    pub fn weft(&self, args: &[&str]) -> std::process::Output {
        Command::new(weft_bin())
            .args(self.store_args())
            .args(args)
            .env_remove("WEFT_DATABASE_URL")
            .output()
            .expect("weft runs")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A GraphQL-over-HTTP answer.
#[derive(Debug)]
pub struct GqlResponse {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
    /// The body as text.
    pub text: String,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The `WWW-Authenticate` header, when sent.
    pub www_authenticate: Option<String>,
    /// Every header.
    pub headers: reqwest::header::HeaderMap,
}

impl From<reqwest::blocking::Response> for GqlResponse {
    fn from(resp: reqwest::blocking::Response) -> GqlResponse {
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = resp.status().as_u16();
        let content_type = header("content-type").unwrap_or_default();
        let www_authenticate = header("www-authenticate");
        let headers = resp.headers().clone();
        let text = resp.text().unwrap_or_default();
        GqlResponse {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
            content_type,
            www_authenticate,
            headers,
        }
    }
}

/// Waits until `check` holds for what `probe` returns (views follow the change log
/// asynchronously) and returns it; panics with the last value after 30 s.
pub fn eventually<T: std::fmt::Debug>(
    what: &str,
    mut probe: impl FnMut() -> T,
    check: impl Fn(&T) -> bool,
) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let v = probe();
        if check(&v) {
            return v;
        }
        if std::time::Instant::now() > deadline {
            panic!("{what}: still {v:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A throwaway PostgreSQL cluster of its own (initdb + pg_ctl in a temp dir, a free
/// port, trust auth), for tests that need server settings the machine's server does not
/// have, such as `shared_preload_libraries`. Stopped and deleted when dropped.
pub struct PgCluster {
    bin: PathBuf,
    data: PathBuf,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    dir: tempfile::TempDir,
}

/// The newest PostgreSQL server binaries under `/usr/lib/postgresql/*/bin`.
fn pg_server_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| {
        panic!("initdb not found under /usr/lib/postgresql/*/bin: install the PostgreSQL server package")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args` as the `postgres` OS user when running as root (initdb refuses root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl PgCluster {
    /// Starts a cluster with extra `-c name=value` server settings.
    pub fn start(settings: &[&str]) -> PgCluster {
        let bin = pg_server_bin();
        let dir = tempfile::Builder::new()
            .prefix("weft-pgcluster-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success(), "chown of the cluster directory failed");
        }
        let data = dir.path().join("data");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("runs");
            assert!(
                out.status.success(),
                "{cmd:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(as_postgres(&bin.join("initdb")).arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        let mut opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.path().display()
        );
        for s in settings {
            opts.push_str(&format!(" -c {s}"));
        }
        let cluster = PgCluster {
            bin,
            data,
            port,
            dir,
        };
        run(as_postgres(&cluster.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&cluster.data)
            .arg("-l")
            .arg(cluster.dir.path().join("server.log"))
            .args(["-w", "-o", &opts, "start"]));
        cluster
    }

    /// URL of its `postgres` database as user `postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Best effort: the directory goes away with the TempDir either way.
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// The Python with `tests/python/requirements.txt` installed (`WEFT_TEST_PYTHON`, which
/// `scripts/test.sh` sets); `None`, after saying so, when it is unset, except under CI,
/// where a missing Python fails the test.
pub fn test_python() -> Option<String> {
    match std::env::var("WEFT_TEST_PYTHON") {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
            assert!(
                !ci,
                "WEFT_TEST_PYTHON is not set (CI is set): run scripts/test.sh"
            );
            eprintln!(
                "note: WEFT_TEST_PYTHON is not set, skipping a Python client test; scripts/test.sh sets it"
            );
            None
        }
    }
}

/// Runs `tests/python/<script>` with `args` and returns the JSON it printed on stdout;
/// panics with its stderr when it fails.
pub fn run_python(python: &str, script: &str, args: &[&str]) -> Value {
    let root = workspace();
    let out = Command::new(python)
        .arg(root.join("tests/python").join(script))
        .args(args)
        .current_dir(&root)
        // An explicit transport wins over these, except the kill switch.
        .env_remove("OPENLINEAGE_DISABLED")
        .env_remove("OPENLINEAGE_CONFIG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed {stdout:?}: {e}"))
}

/// Which of `servers` (replicas on one store) hold the leader lease now: `weft_leader`
/// in each running one's `/metrics`.
pub fn leaders(servers: &[Server]) -> Vec<usize> {
    (0..servers.len())
        .filter(|&i| servers[i].pid().is_some() && servers[i].metric("weft_leader") == 1.0)
        .collect()
}
