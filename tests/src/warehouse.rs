//! The seeded warehouse (`tests/fixtures/warehouse/`): a small, realistic catalog for the
//! browser tests, generated with times relative to now and posted to a running server
//! by `seed.mjs` (Node.js, no packages), which also loads its query log into the
//! server's store and waits until search and the lineage graph show it. What it holds:
//! `web/e2e/README.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Server, weft_bin, workspace};

/// The datasets' namespace.
pub const NS: &str = "postgres://warehouse:5432";
/// The jobs' namespace.
pub const JOB_NS: &str = "warehouse-dbt";
/// Secret of the token named `alice` (read, review, write) in [`auth_config`].
pub const OWNER_TOKEN: &str = "weft-e2e-alice";
/// Secret of the token named `reader` (read) in [`auth_config`].
pub const READER_TOKEN: &str = "weft-e2e-reader";

/// The fixture's directory.
pub fn dir() -> PathBuf {
    workspace().join("tests").join("fixtures").join("warehouse")
}

/// A `weft.toml` turning authentication on with the two tokens above; pass it to
/// [`Server::start`] as `["--config", path]`.
pub fn auth_config() -> PathBuf {
    dir().join("weft-auth.toml")
}

/// Node.js to run the seed with: `WEFT_TEST_NODE`, else `node` on PATH; `None` when it
/// does not run.
pub fn node() -> Option<PathBuf> {
    let node = std::env::var_os("WEFT_TEST_NODE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("node"));
    let ok = Command::new(&node)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(node)
}

/// What [`seed`] reports.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The instant every event time is relative to (RFC 3339).
    pub now: String,
    /// The seed script's summary line (JSON).
    pub summary: String,
}

/// Seeds `server` with the warehouse and returns once its views show it (panics with
/// the seed's output otherwise). `token` must have the `write` scope when the server
/// has authentication on. Needs Node.js ([`node`]).
pub fn seed(server: &Server, token: Option<&str>) -> Seeded {
    let node = node()
        .expect("Node.js for tests/fixtures/warehouse/seed.mjs (WEFT_TEST_NODE or node on PATH)");
    seed_with(&node, server, token)
}

/// [`seed`] with a given Node.js.
pub fn seed_with(node: &Path, server: &Server, token: Option<&str>) -> Seeded {
    let mut cmd = Command::new(node);
    cmd.arg(dir().join("seed.mjs")).arg(&server.url);
    if let Some(t) = token {
        cmd.arg(t);
    }
    // The query log goes straight into the server's store, as `weft crawl` does.
    // (`--data-dir DIR` and, for PostgreSQL, `--database-url URL`: seed.mjs takes both.)
    let out = cmd
        .args(server.store_args())
        .arg("--weft")
        .arg(weft_bin())
        .current_dir(workspace())
        .env_remove("WEFT_DATABASE_URL")
        .env_remove("WEFT_CONFIG")
        .env_remove("WEFT_TOKEN")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", node.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "seeding {} failed ({}):\n{stdout}\n{stderr}",
        server.url,
        out.status
    );
    let summary = stdout.lines().last().unwrap_or_default().to_owned();
    let v: serde_json::Value = serde_json::from_str(&summary)
        .unwrap_or_else(|e| panic!("seed.mjs printed {summary:?}: {e}\n{stderr}"));
    Seeded {
        now: v["now"].as_str().unwrap_or_default().to_owned(),
        summary,
    }
}
