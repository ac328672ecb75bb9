//! `weft-loadgen`: HTTP load generator for Weft's OpenLineage ingestion endpoint, and
//! for its search endpoint (`--search`) and GraphQL API (`--graphql`).
//!
//! Posts generated `RunEvent`s, one per request, to `POST {url}/api/v1/lineage`
//! over `--concurrency` keep-alive connections and reports throughput and
//! per-request latency percentiles. It is the client half of
//! `bench/ingest.sh`; see `bench/README.md` for what the numbers mean.
//!
//! The client is meant to run on the same small machine as the server, so it
//! is deliberately frugal: one tokio worker thread by default, events built by
//! string concatenation from pre-rendered fragments (see [`generate`]), and
//! latencies kept as plain `u32` microseconds.

mod clock;
mod drive;
mod generate;
mod graphql;
mod search;
/// The synthetic catalog and query mix, shared with the search library's benchmark
/// (`search/examples/search_build.rs` includes this file by path).
#[allow(dead_code)]
mod synth;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::generate::{EventType, Generator, Workload};

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    name = "weft-loadgen",
    version,
    about = "Load generator for Weft's OpenLineage ingestion endpoint"
)]
struct Args {
    /// Base URL of the server; events go to `{url}/api/v1/lineage`.
    #[arg(long, default_value = "http://127.0.0.1:5000")]
    url: String,
    /// Number of events to send in the timed phase (a run is a START and a COMPLETE).
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// Concurrent requests in flight (one keep-alive connection each).
    #[arg(long, short = 'c', default_value_t = 32)]
    concurrency: usize,
    /// Event mix to generate.
    #[arg(long, value_enum, default_value_t = Workload::Realistic)]
    workload: Workload,
    /// Distinct jobs; runs cycle through them round-robin.
    #[arg(long, default_value_t = 2000)]
    jobs: usize,
    /// Distinct datasets (must exceed --jobs by at least 2: each job writes its own table).
    #[arg(long, default_value_t = 5000)]
    datasets: usize,
    /// Seed for the synthetic job graph and schemas.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Also print the result as one JSON line on stdout (human text goes to stderr).
    #[arg(long)]
    json: bool,
    /// Events to send before timing starts (fills caches, opens connections).
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// Tokio worker threads. One keeps the client off the server's second core.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Per-request timeout in seconds; a timed-out request counts as an error.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    /// Print the first run's START and COMPLETE events (one per line), or with --graphql
    /// the first request's body, and exit.
    #[arg(long)]
    print_sample: bool,
    /// Search benchmark: send `GET {url}/api/v1/search` queries from the stated mix
    /// (see bench/README.md) instead of ingesting.
    #[arg(long)]
    search: bool,
    /// GraphQL benchmark: send the dataset-page query (see bench/README.md) to
    /// `POST {url}/graphql`, over the datasets of the catalog `--write-catalog` writes
    /// (the first --datasets of them) or of --names.
    #[arg(long, conflicts_with = "search")]
    graphql: bool,
    /// With --search or --graphql: offered rate in queries/s, open loop (latency from
    /// each query's scheduled time). Without it, closed loop over --concurrency clients.
    #[arg(long)]
    rate: Option<f64>,
    /// With --search or --graphql: queries to send.
    #[arg(long, default_value_t = 6000)]
    queries: u64,
    /// With --search or --graphql: run for this many seconds instead of --queries
    /// (open loop: rate × seconds queries).
    #[arg(long)]
    duration: Option<f64>,
    /// With --graphql: `namespace<TAB>name` lines naming the datasets to ask for.
    #[arg(long)]
    names: Option<std::path::PathBuf>,
    /// With --graphql: a file holding another query to send; it gets the variables
    /// `namespace` and `name`.
    #[arg(long)]
    query_file: Option<std::path::PathBuf>,
    /// Write --datasets synthetic datasets as OpenLineage DatasetEvents (NDJSON) to this
    /// file, for `weft ingest`, and exit.
    #[arg(long)]
    write_datasets: Option<std::path::PathBuf>,
    /// Write the GraphQL benchmark's catalog to this file (NDJSON for `weft ingest`):
    /// --datasets datasets of 30 columns with owners and tags, and --jobs jobs over them
    /// with column lineage, each run --runs-per-job times. Then exit.
    #[arg(long)]
    write_catalog: Option<std::path::PathBuf>,
    /// With --write-catalog: runs per job.
    #[arg(long, default_value_t = 3)]
    runs_per_job: u64,
}

/// What one task observed; merged after the phase ends.
#[derive(Default)]
struct Stats {
    /// Per-request latency in microseconds (saturating at ~71 minutes).
    latencies_us: Vec<u32>,
    /// Requests answered 201.
    ok: u64,
    /// Failed requests keyed by HTTP status, or `transport` for I/O errors.
    errors: BTreeMap<String, u64>,
    /// First failure's description, so a misconfigured run explains itself.
    first_error: Option<String>,
    /// Request body bytes sent (ingestion), or response body bytes read (queries).
    bytes: u64,
    /// Sum and maximum of the SQL statement counts answered responses reported
    /// (GraphQL's `extensions.sqlStatements`).
    sql_statements: (u64, u64),
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.bytes += other.bytes;
        self.sql_statements.0 += other.sql_statements.0;
        self.sql_statements.1 = self.sql_statements.1.max(other.sql_statements.1);
    }

    fn record_error(&mut self, key: String, detail: String) {
        *self.errors.entry(key).or_default() += 1;
        if self.first_error.is_none() {
            self.first_error = Some(detail);
        }
    }
}

/// Everything a sending task needs; shared behind an `Arc`.
struct Ctx {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    generator: Generator,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if args.concurrency == 0 || args.threads == 0 {
        return Err("--concurrency and --threads must be at least 1".into());
    }
    if let Some(path) = &args.write_datasets {
        search::write_datasets(path, args.datasets as u64)?;
        eprintln!(
            "weft-loadgen: wrote {} datasets to {}",
            args.datasets,
            path.display()
        );
        return Ok(());
    }
    if let Some(path) = &args.write_catalog {
        graphql::write_catalog(
            path,
            args.datasets as u64,
            args.jobs as u64,
            args.runs_per_job,
        )?;
        eprintln!(
            "weft-loadgen: wrote {} datasets and {} jobs × {} runs to {}",
            args.datasets,
            args.jobs,
            args.runs_per_job,
            path.display()
        );
        return Ok(());
    }
    if args.search || args.graphql {
        return run_queries(&args);
    }
    // Salt run ids with the start time: the world (jobs, schemas) is
    // reproducible from --seed, but a second invocation against the same
    // server must create new runs rather than replay old run ids.
    let run_salt = generate::mix(clock::now_ms() ^ u64::from(std::process::id()) << 40);
    let generator = Generator::new(args.workload, args.jobs, args.datasets, args.seed, run_salt)?;

    if args.print_sample {
        let now = clock::now_ms();
        for ty in [EventType::Start, EventType::Complete] {
            let mut s = String::new();
            generator.render(0, ty, now, &mut s);
            println!("{s}");
        }
        return Ok(());
    }

    let endpoint = reqwest::Url::parse(&format!(
        "{}/api/v1/lineage",
        args.url.trim_end_matches('/')
    ))?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(args.timeout_secs))
        // A proxy from the environment would silently measure the proxy.
        .no_proxy()
        .build()?;
    let ctx = Arc::new(Ctx {
        client,
        endpoint,
        generator,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?;

    let (stats, wall) = runtime.block_on(async {
        // Warmup takes the first runs; the timed phase continues after them
        // so its runs are new (same jobs, next generation).
        let warmup_runs = args.warmup.div_ceil(2);
        if args.warmup > 0 {
            let warm = run_phase(&ctx, 0, args.warmup, args.concurrency).await;
            if warm.ok == 0 {
                eprintln!(
                    "weft-loadgen: warning: no warmup event was accepted ({})",
                    warm.first_error.as_deref().unwrap_or("no detail")
                );
            }
        }
        let started = Instant::now();
        let stats = run_phase(&ctx, warmup_runs, args.events, args.concurrency).await;
        (stats, started.elapsed())
    });

    let report = Report::new(&args, stats, wall);
    if args.json {
        eprint!("{}", report.human());
        println!("{}", report.json());
    } else {
        print!("{}", report.human());
    }
    if report.failed() > 0 {
        // Non-zero exit so scripts notice, but only after the report is out:
        // a partially failing run is still worth looking at.
        eprintln!(
            "weft-loadgen: {} of {} requests failed",
            report.failed(),
            report.sent()
        );
        std::process::exit(1);
    }
    Ok(())
}

/// The search or GraphQL benchmark: `--warmup` queries closed loop, then `--queries`
/// queries (or `--duration` seconds) open loop at `--rate` or closed loop.
fn run_queries(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(rate) = args.rate
        && !(rate.is_finite() && rate > 0.0)
    {
        return Err("--rate must be a positive number".into());
    }
    let span = match args.duration {
        Some(d) if d.is_finite() && d > 0.0 => drive::Span::Time(Duration::from_secs_f64(d)),
        Some(_) => return Err("--duration must be a positive number of seconds".into()),
        None => drive::Span::Requests(args.queries),
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(64))
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(args.timeout_secs))
        .no_proxy()
        .build()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?;
    let base = args.url.trim_end_matches('/');
    let what = if args.graphql { "graphql" } else { "search" };
    let (mode, stats, wall) = if args.graphql {
        let names = match &args.names {
            Some(path) => graphql::read_names(path)?,
            None => graphql::catalog_names(args.datasets as u64),
        };
        if names.is_empty() {
            return Err("no dataset names to ask for".into());
        }
        let query = match &args.query_file {
            Some(path) => std::fs::read_to_string(path)?,
            None => graphql::DATASET_PAGE.to_owned(),
        };
        let endpoint = reqwest::Url::parse(&format!("{base}/graphql"))?;
        let build: drive::Build<String> = Box::new(move |client, body| {
            client
                .post(endpoint.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone())
        });
        let bodies = graphql::bodies(&query, &names);
        if args.print_sample {
            println!("{}", bodies[0]);
            return Ok(());
        }
        let driver = drive::Driver::new(client, bodies, build, graphql::check);
        runtime.block_on(phases(&driver, args, span))
    } else {
        let n = match span {
            drive::Span::Requests(n) => args.warmup + n,
            // Enough distinct queries for any rate the box can take; they cycle after.
            drive::Span::Time(_) => args.warmup + 20_000,
        };
        let urls = search::urls(&args.url, n)?;
        let build: drive::Build<reqwest::Url> = Box::new(|client, url| client.get(url.clone()));
        let driver = drive::Driver::new(client, urls, build, drive::success);
        runtime.block_on(phases(&driver, args, span))
    };
    let failed: u64 = stats.errors.values().sum();
    let (human, json) = drive::report(what, &mode, &args.url, stats, wall);
    if args.json {
        eprint!("{human}");
        println!("{json}");
    } else {
        print!("{human}");
    }
    if failed > 0 {
        eprintln!("weft-loadgen: {failed} {what} requests failed");
        std::process::exit(1);
    }
    Ok(())
}

/// Warmup (closed loop), then the timed phase; returns its mode, stats and wall time.
async fn phases<T: Send + Sync + 'static>(
    driver: &Arc<drive::Driver<T>>,
    args: &Args,
    span: drive::Span,
) -> (String, Stats, Duration) {
    if args.warmup > 0 {
        let warm = drive::Span::Requests(args.warmup);
        driver.closed_loop(0, args.concurrency, warm).await;
    }
    let started = Instant::now();
    let (mode, stats) = match args.rate {
        Some(rate) => (
            format!("open loop at {rate} queries/s"),
            driver.open_loop(args.warmup, rate, span).await,
        ),
        None => (
            format!("closed loop, {} clients", args.concurrency),
            driver
                .closed_loop(args.warmup, args.concurrency, span)
                .await,
        ),
    };
    (mode, stats, started.elapsed())
}

/// p50, p90, p99 and max of sorted microsecond latencies, in milliseconds
/// (nearest rank).
fn percentiles_ms(lat: &[u32]) -> [f64; 4] {
    let pick = |q: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let rank = ((q * lat.len() as f64).ceil() as usize).clamp(1, lat.len());
        f64::from(lat[rank - 1]) / 1000.0
    };
    [pick(0.50), pick(0.90), pick(0.99), pick(1.0)]
}

/// Sends `events` events (runs `first_run..`) with `concurrency` tasks.
///
/// Tasks pull run indices from a shared counter, so runs are issued in
/// round-robin job order and the requests in flight hit different jobs. Each
/// task sends a run's START and waits for the answer before its COMPLETE, so
/// the server never sees a COMPLETE overtake its START.
async fn run_phase(ctx: &Arc<Ctx>, first_run: u64, events: u64, concurrency: usize) -> Stats {
    let runs = events.div_ceil(2);
    let next = Arc::new(AtomicU64::new(0));
    let per_task = usize::try_from(events).unwrap_or(usize::MAX) / concurrency + 2;
    let mut handles = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let ctx = Arc::clone(ctx);
        let next = Arc::clone(&next);
        handles.push(tokio::spawn(async move {
            let mut stats = Stats {
                latencies_us: Vec::with_capacity(per_task),
                ..Stats::default()
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= runs {
                    break;
                }
                let run = first_run + i;
                let start_ms = clock::now_ms();
                send(&ctx, run, EventType::Start, start_ms, &mut stats).await;
                // An odd event count leaves the last run without a COMPLETE.
                if 2 * i + 1 < events {
                    send(&ctx, run, EventType::Complete, start_ms, &mut stats).await;
                }
            }
            stats
        }));
    }
    let mut total = Stats {
        latencies_us: Vec::with_capacity(per_task * concurrency),
        ..Stats::default()
    };
    for handle in handles {
        match handle.await {
            Ok(stats) => total.merge(stats),
            Err(e) => total.record_error("task-panic".into(), e.to_string()),
        }
    }
    total
}

/// Generates and posts one event, recording its latency and outcome.
///
/// Latency covers sending the request through reading the whole response
/// body (reading it is also what lets the connection be reused).
async fn send(ctx: &Ctx, run: u64, ty: EventType, start_ms: u64, stats: &mut Stats) {
    let mut body = String::with_capacity(8 * 1024);
    ctx.generator.render(run, ty, start_ms, &mut body);
    stats.bytes += body.len() as u64;
    let started = Instant::now();
    let result = ctx
        .client
        .post(ctx.endpoint.clone())
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(body)
        .send()
        .await;
    record_response(result, started, created, stats).await;
}

/// `201 Created` is the only answer an accepted event gets.
fn created(status: reqwest::StatusCode, body: &[u8]) -> Result<u64, (String, String)> {
    if status.as_u16() == 201 {
        Ok(0)
    } else {
        Err((
            status.as_u16().to_string(),
            drive::http_detail(status, body),
        ))
    }
}

/// Reads a response to its end (which is what lets the connection be reused) and
/// records the latency from `since` and the outcome `check` gives it: answered (with the
/// SQL statements the server reported), or an error keyed by `check`, timeout or
/// transport. Returns the body's size when answered.
async fn record_response(
    result: Result<reqwest::Response, reqwest::Error>,
    since: Instant,
    check: drive::Check,
    stats: &mut Stats,
) -> Option<usize> {
    match result {
        Ok(response) => {
            let status = response.status();
            let body = response.bytes().await;
            stats.latencies_us.push(micros(since.elapsed()));
            match body {
                Ok(b) => match check(status, &b) {
                    Ok(statements) => {
                        stats.ok += 1;
                        stats.sql_statements.0 += statements;
                        stats.sql_statements.1 = stats.sql_statements.1.max(statements);
                        Some(b.len())
                    }
                    Err((key, detail)) => {
                        stats.record_error(key, detail);
                        None
                    }
                },
                Err(e) => {
                    stats.record_error("transport".into(), format!("reading response: {e}"));
                    None
                }
            }
        }
        Err(e) => {
            stats.latencies_us.push(micros(since.elapsed()));
            let key = if e.is_timeout() {
                "timeout"
            } else {
                "transport"
            };
            stats.record_error(key.into(), format!("{e:?}"));
            None
        }
    }
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// Final numbers of the timed phase.
struct Report {
    workload: Workload,
    url: String,
    concurrency: usize,
    stats: Stats,
    wall: Duration,
    /// p50, p90, p99, max in milliseconds.
    percentiles_ms: [f64; 4],
}

impl Report {
    fn new(args: &Args, mut stats: Stats, wall: Duration) -> Self {
        stats.latencies_us.sort_unstable();
        let percentiles_ms = percentiles_ms(&stats.latencies_us);
        Self {
            workload: args.workload,
            url: args.url.clone(),
            concurrency: args.concurrency,
            stats,
            wall,
            percentiles_ms,
        }
    }

    fn sent(&self) -> u64 {
        self.stats.latencies_us.len() as u64
    }

    fn failed(&self) -> u64 {
        self.stats.errors.values().sum()
    }

    /// Accepted (201) events per wall-clock second: failures don't count as
    /// ingested, so a server that rejects fast can't look fast.
    fn events_per_s(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.stats.ok as f64 / secs
        } else {
            0.0
        }
    }

    fn avg_event_bytes(&self) -> u64 {
        self.stats.bytes.checked_div(self.sent()).unwrap_or(0)
    }

    fn human(&self) -> String {
        let [p50, p90, p99, max] = self.percentiles_ms;
        let errors = if self.stats.errors.is_empty() {
            "none".to_string()
        } else {
            self.stats
                .errors
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut s = format!(
            "weft-loadgen: {} workload -> {} (concurrency {})\n\
             \x20 events sent   {} ({} accepted)\n\
             \x20 errors        {errors}\n\
             \x20 wall          {:.3} s\n\
             \x20 throughput    {:.0} events/s\n\
             \x20 latency ms    p50 {p50:.3}  p90 {p90:.3}  p99 {p99:.3}  max {max:.3}\n\
             \x20 avg event     {} bytes\n",
            self.workload.as_str(),
            self.url,
            self.concurrency,
            self.sent(),
            self.stats.ok,
            self.wall.as_secs_f64(),
            self.events_per_s(),
            self.avg_event_bytes(),
        );
        if let Some(e) = &self.stats.first_error {
            s.push_str(&format!("  first error   {e}\n"));
        }
        s
    }

    fn json(&self) -> String {
        let [p50, p90, p99, max] = self.percentiles_ms;
        serde_json::json!({
            "workload": self.workload.as_str(),
            "url": self.url,
            "concurrency": self.concurrency,
            "events_sent": self.sent(),
            "events_ok": self.stats.ok,
            "errors": self.stats.errors,
            "wall_s": round3(self.wall.as_secs_f64()),
            "events_per_s": round3(self.events_per_s()),
            "latency_ms": { "p50": p50, "p90": p90, "p99": p99, "max": max },
            "avg_event_bytes": self.avg_event_bytes(),
        })
        .to_string()
    }
}

/// Rounds to milliseconds' worth of digits so JSON lines stay readable.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
