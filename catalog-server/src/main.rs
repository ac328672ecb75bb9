//! The `weft` command line: `serve`, `ingest`, `rebuild`, `verify`, `lineage`.

mod lineage_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use weft_catalog_server::config::{CommonArgs, Config, ServeArgs};
use weft_catalog_server::store::Store;
use weft_catalog_server::{offline, server, store_config};

/// mimalloc instead of the system allocator: ingestion allocates and frees many small
/// strings and vectors per event, on every worker thread at once, and profiles of the
/// server under load put a large share of its CPU in glibc's malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Weft: an active metadata catalog with column-level lineage.
#[derive(Parser)]
#[command(name = "weft", version, about)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (OpenLineage endpoint, REST API, metrics).
    Serve(ServeArgs),
    /// Load OpenLineage event files (JSON, JSON arrays or NDJSON; directories recurse)
    /// into the store, without a server.
    Ingest {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Actor recorded in the change log.
        #[arg(long, default_value = "weft-ingest")]
        actor: String,
    },
    /// Recompute current state from the change log.
    Rebuild,
    /// Verify the change log's hash chain.
    Verify,
    /// Print the column lineage of a SQL script (no store needed).
    Lineage(lineage_cmd::LineageArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Lineage(args) = &cli.command {
        return match lineage_cmd::run(args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("weft: lineage: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    let serve_args = match &cli.command {
        Command::Serve(a) => a.clone(),
        _ => ServeArgs::default(),
    };
    let cfg = match Config::load(&cli.common, &serve_args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("weft: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&cfg.log_format);
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
        Err(e) => {
            eprintln!("weft: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, cfg: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(_) => {
            server::serve(cfg).await.context("serve")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { paths, actor } => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let s = offline::ingest_files(&store, &paths, &actor, &cfg.sql)
                .await
                .context("ingest")?;
            println!(
                "{} files: {} events stored, {} already present, {} refused",
                s.files,
                s.stored,
                s.duplicates,
                s.refused.len()
            );
            for (file, i, path, msg) in &s.refused {
                println!("  refused {}#{i}: {path}: {msg}", file.display());
            }
            store.close().await;
            Ok(if s.refused.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Command::Rebuild => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let s = offline::rebuild(&store, &cfg.sql)
                .await
                .context("rebuild")?;
            println!("replayed {} changes ({} skipped)", s.replayed, s.skipped);
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lineage(_) => Ok(ExitCode::SUCCESS),
        Command::Verify => {
            let store = Store::open(&store_config(&cfg))
                .await
                .context("opening the store")?;
            let v = store.verify_log().await.context("verify")?;
            store.close().await;
            match v.first_bad {
                None => {
                    println!(
                        "change log verified: {} rows ({} redacted)",
                        v.rows, v.redacted
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(seq) => {
                    println!("change log BROKEN at seq {seq} ({} rows checked)", v.rows);
                    Ok(ExitCode::from(4))
                }
            }
        }
    }
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format.eq_ignore_ascii_case("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
