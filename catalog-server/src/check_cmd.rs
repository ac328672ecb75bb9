//! `weft check`: flags, the snapshot (a file or a server's `GET /api/v1/export`), the
//! policies, then `weft_check::check`, the outputs and the exit code: 0 when nothing
//! denies, 1 when something does, 2 when the check could not run.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow};
use weft_check::{Catalog, CheckOptions, CheckReport};
use weft_policy::{PolicyOptions, PolicySet};

/// `weft check` arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The pull request's dbt `target/manifest.json` (after `dbt compile` or `dbt build`).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// The base branch's manifest: models whose checksum differs are the changed ones.
    #[arg(long, requires = "manifest")]
    base_manifest: Option<PathBuf>,
    /// The changed models by name (e.g. from `dbt ls -s state:modified`); without this or
    /// --base-manifest every model is checked.
    #[arg(long, num_args = 1.., requires = "manifest")]
    select: Vec<String>,
    /// Changed SQL files (CREATE VIEW, CREATE TABLE AS, INSERT … SELECT, MERGE).
    #[arg(long, num_args = 1..)]
    sql: Vec<PathBuf>,
    /// SQL dialect of --sql files (and of models, instead of the manifest's adapter).
    #[arg(long)]
    dialect: Option<String>,
    /// A snapshot written by `weft export`.
    #[arg(long, conflicts_with = "server", required_unless_present = "server")]
    snapshot: Option<PathBuf>,
    /// A running server to take the snapshot from (`GET /api/v1/export`).
    #[arg(long)]
    server: Option<String>,
    /// Bearer token for --server (read scope).
    #[arg(long, env = "WEFT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The catalog namespace of the warehouse (default: datasets matched by name suffix).
    #[arg(long)]
    namespace: Option<String>,
    /// A directory of Rego policies (as `[policy] dir`).
    #[arg(long)]
    policy_dir: Option<PathBuf>,
    /// Leave the built-in policies out.
    #[arg(long)]
    no_builtin_policies: bool,
    /// A policy parameter, KEY=VALUE (VALUE read as JSON when it is JSON); repeatable.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// What to print on stdout.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "sarif", "json"])]
    format: String,
    /// Also write the Markdown report here.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Also write the SARIF 2.1.0 report here.
    #[arg(long)]
    sarif: Option<PathBuf>,
    /// Also write the JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Most items listed per section (the report says when it cut).
    #[arg(long, default_value_t = 50)]
    max_items: usize,
}

/// Runs the command; `Err` is an exit code 2 with the message.
pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let policies = load_policies(args)?;
    let catalog = match (&args.snapshot, &args.server) {
        (Some(path), _) => Catalog::load(path)?,
        (None, Some(url)) => fetch(url, args.token.as_deref())?,
        (None, None) => return Err(anyhow!("give --snapshot FILE or --server URL")),
    };
    let dialect = args
        .dialect
        .as_deref()
        .map(|d| d.parse().map_err(|e| anyhow!("--dialect: {e}")))
        .transpose()?;
    let options = CheckOptions {
        manifest: args.manifest.clone(),
        base_manifest: args.base_manifest.clone(),
        select: args.select.clone(),
        sql: args.sql.clone(),
        dialect,
        namespace: args.namespace.clone(),
        max_items: args.max_items.max(1),
        ..CheckOptions::default()
    };
    let report = weft_check::check(&catalog, &policies, &options)?;
    write_outputs(args, &report)?;
    Ok(if report.blocked() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn load_policies(args: &CheckArgs) -> anyhow::Result<PolicySet> {
    let mut params = serde_json::Map::new();
    for p in &args.params {
        let (key, value) = p
            .split_once('=')
            .ok_or_else(|| anyhow!("--param {p:?}: expected KEY=VALUE"))?;
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        params.insert(key.trim().to_owned(), value);
    }
    let options = PolicyOptions {
        builtin: !args.no_builtin_policies,
        params: if params.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::Object(params)
        },
        ..PolicyOptions::default()
    };
    PolicySet::load(args.policy_dir.as_deref(), &options).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow!("policies do not compile:\n  {}", lines.join("\n  "))
    })
}

/// The snapshot of a running server.
fn fetch(url: &str, token: Option<&str>) -> anyhow::Result<Catalog> {
    let endpoint = format!("{}/api/v1/export", url.trim_end_matches('/'));
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(None)
        .build()
        .context("building the HTTP client")?;
    let mut req = client.get(&endpoint);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req
        .send()
        .with_context(|| format!("{endpoint}: server unreachable"))?;
    let status = resp.status();
    if !status.is_success() {
        let body = resp.text().unwrap_or_default();
        return Err(anyhow!("{endpoint}: {status}: {}", body.trim()));
    }
    Ok(Catalog::read(std::path::Path::new(&endpoint), resp)?)
}

fn write_outputs(args: &CheckArgs, report: &CheckReport) -> anyhow::Result<()> {
    let markdown = || weft_check::markdown::render(report);
    let sarif = || weft_check::sarif::render(report);
    let json = || report.to_json();
    for (path, text) in [
        (&args.markdown, args.markdown.as_ref().map(|_| markdown())),
        (&args.sarif, args.sarif.as_ref().map(|_| sarif())),
        (&args.json, args.json.as_ref().map(|_| json())),
    ] {
        if let (Some(path), Some(text)) = (path, text) {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    let out = match args.format.as_str() {
        "sarif" => sarif(),
        "json" => json(),
        _ => markdown(),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`weft check … | head`) does not change the verdict.
    let _ = writeln!(stdout, "{out}");
    Ok(())
}
