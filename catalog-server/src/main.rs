//! The `weft` command line: `serve`, `ingest`, `crawl`, `reindex`, `token`, `rebuild`,
//! `verify`, `export`, `lineage`, `check`, `govern`.
//!
//! Store flags (`--data-dir`, `--database-url`, `--config`, …) are accepted before the
//! subcommand and after each subcommand that opens the store, and only there: `weft
//! lineage` and `weft check` need no store and do not offer them. Whatever is written to stdout goes
//! through [`outln!`], so a reader that goes away (`weft … | head`) ends the command
//! quietly instead of with a panic or an error.

mod check_cmd;
mod lineage_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use weft_catalog_server::config::{CommonArgs, Config, ServeArgs};
use weft_catalog_server::crawl::{self, CrawlSpec, Sink, SourceKind};
use weft_catalog_server::{EDGE_REFRESH_MICROS, offline, server, store_config};
use weft_store::Store;
use weft_store::writer::Writer;

/// mimalloc instead of the system allocator: ingestion allocates and frees many small
/// strings and vectors per event, on every worker thread at once, and profiles of the
/// server under load put a large share of its CPU in glibc's malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that returns the write's error instead of panicking on a closed stdout.
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)
    };
}

/// Weft keeps a catalog of your data: which datasets and jobs exist, and how every
/// column is derived from others (column-level lineage).
#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "Weft: a metadata catalog with column-level lineage",
    long_about = "Weft: a metadata catalog with column-level lineage.\n\n\
        It records which datasets and jobs exist and, for every column, which columns it \
        is computed from and how (copied, transformed, aggregated, masked). Producers such \
        as Airflow, dbt and Spark send OpenLineage events to `weft serve`; `weft crawl` \
        reads a database's catalog or a query log; `weft lineage` derives column lineage \
        from a SQL file without any of that. Lineage carries tags such as PII downstream, \
        and everything is searchable through the REST and GraphQL APIs and the web UI.\n\n\
        The catalog lives in a SQLite file under --data-dir (./weft-data) or in PostgreSQL \
        (--database-url); these flags go before the subcommand or after it."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start and matched right away: the size of the largest variant
// (`serve`'s many flags) costs nothing worth an indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the server: OpenLineage endpoint, REST and GraphQL APIs, web UI, metrics.
    Serve {
        #[command(flatten)]
        store: CommonArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Load OpenLineage event files (JSON, JSON arrays or NDJSON; directories recurse)
    /// into the store, without a server.
    Ingest {
        #[command(flatten)]
        store: CommonArgs,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Actor recorded in the change log.
        #[arg(long, default_value = "weft-ingest")]
        actor: String,
    },
    /// Crawl a database catalog (`postgres://…`, `mysql://…`) or a query log
    /// (`--query-log FILE`) into the store, without a server.
    Crawl(CrawlArgs),
    /// Rebuild the search index from the store (stop the server first).
    Reindex {
        #[command(flatten)]
        store: CommonArgs,
    },
    /// Create, list or revoke API tokens (authentication turns on with the first one).
    Token {
        #[command(flatten)]
        store: CommonArgs,
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Recompute current state (datasets, lineage, search) from the change log.
    Rebuild {
        #[command(flatten)]
        store: CommonArgs,
    },
    /// Verify the change log's hash chain, and that it still extends the given
    /// checkpoints (so a truncated or rewritten tail is found).
    Verify {
        #[command(flatten)]
        store: CommonArgs,
        /// A checkpoint file written by `weft serve` (`[log] checkpoint_file`): one JSON
        /// line `{"seq","hash","at"}` per checkpoint.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// A checkpoint given inline, `SEQ:HASH` (hex); repeatable.
        #[arg(long)]
        anchor: Vec<String>,
        /// The key `weft serve` signs heads with (default: `[log] signing_key_file`):
        /// every line of `--checkpoint` must then carry its valid signature.
        #[arg(long)]
        signing_key_file: Option<PathBuf>,
    },
    /// Write a snapshot of the catalog (gzip-compressed JSON lines) for `weft check`;
    /// read-only, so it runs beside a serving `weft serve`.
    Export {
        #[command(flatten)]
        store: CommonArgs,
        /// The snapshot file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the column lineage of a SQL script, statement by statement (no store needed).
    Lineage(lineage_cmd::LineageArgs),
    /// Check a pull request's dbt models or SQL files against the catalog: breaking
    /// changes and their consumers, new PII flows, policies (exit 1 on a deny, 2 when
    /// the check cannot run; no store needed).
    Check(check_cmd::CheckArgs),
    /// Set datasets' classification, retention, tier and owners in bulk.
    Govern {
        #[command(flatten)]
        store: CommonArgs,
        #[command(subcommand)]
        command: GovernCommand,
    },
}

/// `weft govern …`.
#[derive(Subcommand)]
enum GovernCommand {
    /// Apply a file of governed attributes to the store, without a server (a running
    /// server takes the same file at `POST /api/v1/governance`). CSV with a header
    /// (`namespace,name,classification,retention,tier,owners`; owners separated by `;`)
    /// or JSON lines; an empty cell leaves the attribute as it is. Every line is checked
    /// first: one bad line and nothing is applied.
    Apply {
        #[command(flatten)]
        store: CommonArgs,
        /// The file.
        file: PathBuf,
        /// Actor recorded in the change log.
        #[arg(long, default_value = "weft-govern")]
        actor: String,
        /// The classifications a dataset may have (as `weft serve --classification`)
        /// [default: `[governance] classifications`, else public, internal, confidential,
        /// restricted]
        #[arg(
            long = "classification",
            env = "WEFT_CLASSIFICATIONS",
            value_delimiter = ','
        )]
        classifications: Vec<String>,
    },
}

/// `weft token …`.
#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print its secret (shown once; only its hash is stored).
    Create {
        #[command(flatten)]
        store: CommonArgs,
        /// Name recorded as the actor of its changes (owners are matched against it).
        #[arg(long)]
        name: String,
        /// Comma-separated: read, write, review, admin.
        #[arg(long, default_value = "read")]
        scopes: String,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        store: CommonArgs,
    },
    /// Revoke a token; a running server stops accepting it within seconds.
    Revoke {
        #[command(flatten)]
        store: CommonArgs,
        /// The token's name.
        #[arg(long)]
        name: String,
    },
}

/// `weft crawl` arguments.
#[derive(clap::Args)]
struct CrawlArgs {
    #[command(flatten)]
    store: CommonArgs,
    /// Database to crawl: `postgres://user:password@host:5432/db` or `mysql://user@host:3306[/db]`.
    url: Option<String>,
    /// Run the `[[crawl]]` entry of weft.toml with this name once.
    #[arg(long, conflicts_with_all = ["url", "query_log"])]
    source: Option<String>,
    /// A query-log export to read instead of a database.
    #[arg(long, conflicts_with = "url")]
    query_log: Option<PathBuf>,
    /// Query-log format: snowflake, bigquery, redshift or jsonl.
    #[arg(long, default_value = "jsonl")]
    format: String,
    /// SQL dialect of queries that do not name one.
    #[arg(long, default_value = "generic")]
    dialect: String,
    /// Namespace the log's tables belong to (`postgres://host:5432`); required with --query-log.
    #[arg(long)]
    namespace: Option<String>,
    /// Database of queries the log does not give one for.
    #[arg(long)]
    database: Option<String>,
    /// Schema of queries the log does not give one for.
    #[arg(long)]
    schema: Option<String>,
    /// Keep one verbatim text per statement (off: only normalised text, literals removed).
    #[arg(long)]
    keep_raw: bool,
    /// PostgreSQL schemas to crawl (comma-separated); all when absent.
    #[arg(long, value_delimiter = ',')]
    schemas: Vec<String>,
    /// Do not read pg_stat_statements.
    #[arg(long)]
    no_statements: bool,
    /// Name of the source in the crawl history [default: the URL without password, or
    /// `query-log:<namespace>`].
    #[arg(long)]
    name: Option<String>,
}

impl CrawlArgs {
    fn spec(&self, cfg: &Config) -> anyhow::Result<CrawlSpec> {
        if let Some(name) = &self.source {
            return cfg
                .crawl
                .iter()
                .find(|s| &s.name == name)
                .cloned()
                .map(|s| CrawlSpec {
                    interval: None,
                    ..s
                })
                .ok_or_else(|| {
                    anyhow::anyhow!("no [[crawl]] entry named {name:?} in the configuration")
                });
        }
        let kind = match (&self.url, &self.query_log) {
            (Some(url), None) => SourceKind::Database {
                url: url.clone(),
                schemas: self.schemas.clone(),
                statements: !self.no_statements,
            },
            (None, Some(path)) => SourceKind::QueryLog {
                path: path.clone(),
                format: self
                    .format
                    .parse()
                    .map_err(|e| anyhow::anyhow!("--format: {e}"))?,
                dialect: self.dialect.clone(),
                namespace: self.namespace.clone().ok_or_else(|| {
                    anyhow::anyhow!(
                        "--query-log needs --namespace (e.g. postgres://db.example.com:5432)"
                    )
                })?,
                database: self.database.clone(),
                schema: self.schema.clone(),
                keep_raw: self.keep_raw,
            },
            _ => anyhow::bail!("give a database URL, --query-log FILE, or --source NAME"),
        };
        let mut spec = CrawlSpec {
            name: String::new(),
            kind,
            interval: None,
        };
        spec.name = match &self.name {
            Some(n) => n.clone(),
            None => match &spec.kind {
                SourceKind::Database { .. } => spec.target(),
                SourceKind::QueryLog { namespace, .. } => format!("query-log:{namespace}"),
            },
        };
        Ok(spec)
    }
}

/// The checkpoint lines (1-based) whose signature `key` does not verify.
fn unsigned_lines(text: &str, key: &weft_store::signing::HeadKey) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .filter(|(_, l)| {
            serde_json::from_str::<serde_json::Value>(l)
                .map(|v| !key.verifies(&v))
                .unwrap_or(true)
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Whether an error is stdout closing under us (`weft … | head`): not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The store flags of each command level below the top, outermost first.
fn nested_store_args(command: &Command) -> Vec<&CommonArgs> {
    match command {
        Command::Serve { store, .. }
        | Command::Ingest { store, .. }
        | Command::Reindex { store }
        | Command::Rebuild { store }
        | Command::Verify { store, .. }
        | Command::Export { store, .. } => vec![store],
        Command::Crawl(args) => vec![&args.store],
        Command::Token { store, command } => vec![
            store,
            match command {
                TokenCommand::Create { store, .. }
                | TokenCommand::List { store }
                | TokenCommand::Revoke { store, .. } => store,
            },
        ],
        Command::Lineage(_) | Command::Check(_) => Vec::new(),
        Command::Govern { store, command } => vec![
            store,
            match command {
                GovernCommand::Apply { store, .. } => store,
            },
        ],
    }
}

/// The store flags in force: those given after a subcommand win over those given before
/// it, which win over the environment.
fn store_args(cli: &Cli, matches: &ArgMatches) -> CommonArgs {
    let mut args = cli.common.clone();
    let mut m = matches;
    for inner in nested_store_args(&cli.command) {
        let Some((_, sub)) = m.subcommand() else {
            break;
        };
        m = sub;
        args = args.overlay(inner, |id| {
            m.value_source(id) == Some(ValueSource::CommandLine)
        });
    }
    args
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let Command::Lineage(args) = &cli.command {
        return match lineage_cmd::run(args) {
            Ok(code) => code,
            Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("weft: lineage: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    // Before any runtime: its blocking HTTP client (--server) must not run inside one.
    if let Command::Check(args) = &cli.command {
        return match check_cmd::run(args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("weft: check: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    let common = store_args(&cli, &matches);
    let serve_args = match &cli.command {
        Command::Serve { serve, .. } => serve.clone(),
        Command::Govern {
            command: GovernCommand::Apply {
                classifications, ..
            },
            ..
        } => ServeArgs {
            classifications: classifications.clone(),
            ..ServeArgs::default()
        },
        _ => ServeArgs::default(),
    };
    let cfg = match Config::load(&common, &serve_args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("weft: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&cfg.log_format);
    // SAFETY: the process is still single-threaded (the runtime starts below), so no
    // other thread can be using SQLite; SQLite takes this only before its first use.
    if let Err(code) = unsafe { weft_store::sqlite_alloc::install() } {
        tracing::warn!(code, "SQLite kept its own allocator");
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("weft: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, cfg)) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("weft: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, cfg: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { .. } => {
            server::serve(cfg).await.context("serve")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { paths, actor, .. } => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let s = offline::ingest_files(
                &store,
                &paths,
                &actor,
                &cfg.sql,
                &cfg.aliases,
                &cfg.classifications,
            )
            .await
            .context("ingest")?;
            outln!(
                "{} files: {} events stored, {} already present, {} refused",
                s.files,
                s.stored,
                s.duplicates,
                s.refused.len()
            )?;
            for (file, i, path, msg) in &s.refused {
                outln!("  refused {}#{i}: {path}: {msg}", file.display())?;
            }
            store.close().await;
            Ok(if s.refused.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Command::Crawl(args) => {
            let spec = args.spec(&cfg)?;
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let mut sink = Sink::Store(Box::new(Writer::new(store.clone(), EDGE_REFRESH_MICROS)));
            let result = crawl::run(&store, &mut sink, &spec, &cfg.aliases, &bar).await;
            bar.finish_and_clear();
            drop(sink);
            let code = match result {
                Ok(r) => {
                    offline::catch_up_views(&store, &cfg.sql)
                        .await
                        .context("derived views")?;
                    print_crawl_summary(&r)?;
                    if r.status == "ok" {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(3)
                    }
                }
                Err(e) => {
                    eprintln!("weft: {}", crawl::failure_sentence(&spec, &e));
                    ExitCode::FAILURE
                }
            };
            store.close().await;
            Ok(code)
        }
        Command::Token { command: cmd, .. } => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let code = match cmd {
                TokenCommand::Create { name, scopes, .. } => {
                    let scopes = weft_catalog_server::auth::Scopes::parse([scopes.as_str()])
                        .map_err(|e| anyhow::anyhow!("--scopes: {e}"))?;
                    let secret =
                        weft_catalog_server::auth::new_secret().context("reading random bytes")?;
                    store
                        .create_token(
                            &name,
                            weft_catalog_server::auth::hash_secret(&secret),
                            scopes,
                        )
                        .await
                        .with_context(|| format!("creating token {name:?} (is the name taken?)"))?;
                    eprintln!(
                        "token {name} ({}) created; its secret, shown only now:",
                        scopes.to_text()
                    );
                    outln!("{secret}")?;
                    ExitCode::SUCCESS
                }
                TokenCommand::List { .. } => {
                    let tokens = store.list_tokens().await.context("listing tokens")?;
                    if tokens.is_empty() {
                        // On stderr: stdout stays one token per line, empty here.
                        eprintln!(
                            "no tokens in the store; create one with \
                             `weft token create --name NAME --scopes read`"
                        );
                    }
                    for t in tokens {
                        let state = if t.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        outln!("{}\t{}\t{state}", t.name, t.scopes)?;
                    }
                    ExitCode::SUCCESS
                }
                TokenCommand::Revoke { name, .. } => {
                    if store.revoke_token(&name).await.context("revoking")? {
                        outln!("token {name} revoked")?;
                        ExitCode::SUCCESS
                    } else {
                        eprintln!("weft: no active token named {name:?}");
                        ExitCode::from(2)
                    }
                }
            };
            store.close().await;
            Ok(code)
        }
        Command::Reindex { .. } => {
            let _dir = weft_store::lease::claim_data_dir(&cfg.data_dir)?;
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let started = std::time::Instant::now();
            let s = weft_views::search::reindex_dir(
                &store,
                &cfg.data_dir.join("search"),
                &cfg.search_weights,
            )
            .await
            .context("reindex")?;
            outln!(
                "indexed {} datasets and {} jobs in {:.1} s (log position {})",
                s.datasets,
                s.jobs,
                started.elapsed().as_secs_f64(),
                s.seq
            )?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rebuild { .. } => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            // A rebuild wipes current state under any running server's caches.
            let _alone = store.claim_for_maintenance().await?;
            let s = offline::rebuild(&store, &cfg.sql, &cfg.aliases)
                .await
                .context("rebuild")?;
            outln!("replayed {} changes ({} skipped)", s.replayed, s.skipped)?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lineage(_) | Command::Check(_) => Ok(ExitCode::SUCCESS),
        Command::Export { out, .. } => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let n = export_to_file(&store, &cfg, &out).await;
            store.close().await;
            let n = n?;
            eprintln!("exported {n} datasets to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Govern {
            command: GovernCommand::Apply { file, actor, .. },
            ..
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let result =
                offline::apply_governance(&store, &text, &cfg.classifications, &actor).await;
            store.close().await;
            match result {
                Ok(s) => {
                    outln!(
                        "{} rows: {} edits recorded, {} rows unchanged",
                        s.rows,
                        s.edits,
                        s.unchanged
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(weft_query::QueryError::BadInput { message, .. }) => {
                    eprintln!("weft: {}: {message}; nothing applied", file.display());
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(anyhow::Error::new(e).context("govern apply")),
            }
        }
        Command::Verify {
            checkpoint,
            anchor,
            signing_key_file,
            ..
        } => {
            let key = signing_key_file
                .as_deref()
                .or(cfg.log_signing_key_file.as_deref())
                .map(weft_store::signing::HeadKey::load)
                .transpose()?;
            let mut anchors = Vec::new();
            let mut forged = Vec::new();
            if let Some(path) = &checkpoint {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                anchors.extend(
                    weft_store::log::Anchor::read_file(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                );
                if let Some(k) = &key {
                    forged = unsigned_lines(&text, k);
                }
            }
            for a in &anchor {
                anchors.push(weft_store::log::Anchor::parse(a).map_err(|e| anyhow::anyhow!(e))?);
            }
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let v = store.verify_log().await.context("verify")?;
            let problems = store.check_anchors(&anchors).await.context("verify")?;
            store.close().await;
            let mut ok = true;
            if let Some(seq) = v.first_bad {
                outln!(
                    "change log BROKEN at seq {seq}: {} ({} rows checked)",
                    v.reason.as_deref().unwrap_or("does not verify"),
                    v.rows
                )?;
                ok = false;
            }
            for p in &problems {
                outln!("change log BROKEN: {p}")?;
                ok = false;
            }
            for line in &forged {
                outln!(
                    "checkpoint NOT GENUINE: line {line} does not carry the signing key's signature"
                )?;
                ok = false;
            }
            if ok {
                outln!(
                    "change log verified: {} rows ({} redacted), {} checkpoint(s) extended",
                    v.rows,
                    v.redacted,
                    anchors.len()
                )?;
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(4))
            }
        }
    }
}

/// Writes a snapshot to `out` through a temporary file beside it, renamed into place
/// once complete, so a failed export never leaves a file that looks whole.
async fn export_to_file(
    store: &Store,
    cfg: &Config,
    out: &std::path::Path,
) -> anyhow::Result<usize> {
    let mut tmp_name = out.as_os_str().to_owned();
    tmp_name.push(".partial");
    let tmp = PathBuf::from(tmp_name);
    let mut file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let task = {
        let store = store.clone();
        let settings = cfg.graph.clone();
        tokio::spawn(
            async move { weft_catalog_server::export::export(&store, &settings, &tx).await },
        )
    };
    let mut written = Ok(());
    while let Some(chunk) = rx.recv().await {
        match chunk {
            Ok(bytes) => {
                if written.is_ok() {
                    written = file.write_all(&bytes);
                }
            }
            Err(_) => break,
        }
    }
    drop(rx);
    let result = task.await.context("export task")?;
    let outcome = match (result, written) {
        (Ok(n), Ok(())) => file.sync_all().map(|_| n).map_err(anyhow::Error::from),
        (Err(e), _) => Err(anyhow::Error::from(e)),
        (_, Err(e)) => Err(anyhow::Error::from(e)),
    };
    match outcome {
        Ok(n) => {
            std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e.context(format!("exporting to {}", out.display())))
        }
    }
}

fn print_crawl_summary(r: &weft_schemas::change::CrawlRecord) -> std::io::Result<()> {
    let secs = (r.ended_at - r.started_at) as f64 / 1e6;
    outln!(
        "crawled {} ({}) into {} in {secs:.1} s: {}",
        r.source,
        r.kind,
        r.namespace,
        r.status
    )?;
    let c = |k: &str| r.counts.get(k).copied().unwrap_or(0);
    if r.kind == "query-log" || r.counts.contains_key("queries") {
        outln!(
            "  queries: {} counted, {} already counted, {} failed at the source, {} unreadable lines",
            c("queries"),
            c("alreadyCounted"),
            c("queriesFailedAtSource"),
            c("badLines")
        )?;
        outln!(
            "  statements: {} distinct, {} parsed, {} failed; {} write statements became jobs",
            c("statements"),
            c("statementsParsed"),
            c("statementsFailed"),
            c("writeJobs")
        )?;
    }
    if r.kind != "query-log" {
        outln!(
            "  datasets: {} ({} columns), views: {} ({} parsed), changed: {}, deleted: {}",
            c("datasets"),
            c("columns"),
            c("views"),
            c("viewsParsed"),
            c("changed"),
            c("deleted")
        )?;
    }
    for e in r.errors.iter().take(5) {
        outln!("  {} × {}: e.g. {}", e.count, e.class, e.example)?;
    }
    Ok(())
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colour only for a person at a terminal: a log file or pipe gets plain text, and
    // NO_COLOR (https://no-color.org) turns it off everywhere.
    let ansi = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    if format.eq_ignore_ascii_case("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
