//! Query load over HTTP, shared by the search (`--search`) and GraphQL (`--graphql`)
//! benchmarks: a list of requests built before timing, sent open loop at a fixed rate or
//! closed loop by N clients, each response judged by a [`Check`].
//!
//! - **open loop** (`--rate R`): request *i* is due at `start + i/R` whatever happened
//!   before, and its latency is measured from that due time, not from when it was
//!   actually sent. A slow server therefore shows up as latency instead of silently
//!   lowering the offered load (no coordinated omission).
//! - **closed loop** (no `--rate`): `--concurrency` clients each send the next request
//!   as soon as the previous one is answered; the achieved rate is the throughput.
//!
//! Either runs for a number of requests or, with `--duration`, for a time (the open
//! loop then sends `rate × duration` requests). Requests cycle through the list.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::Stats;

/// Judges a response from its status and body: `Ok(n)` counts it as answered, with `n`
/// SQL statements when the server reports them (else 0); `Err(key, detail)` as failed.
pub type Check = fn(reqwest::StatusCode, &[u8]) -> Result<u64, (String, String)>;

/// Any 2xx is an answer (the search benchmark's check).
pub fn success(status: reqwest::StatusCode, body: &[u8]) -> Result<u64, (String, String)> {
    if status.is_success() {
        Ok(0)
    } else {
        Err((status.as_u16().to_string(), http_detail(status, body)))
    }
}

/// `HTTP 500: <start of the body>`, to explain a failure.
pub fn http_detail(status: reqwest::StatusCode, body: &[u8]) -> String {
    format!(
        "HTTP {status}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    )
}

/// Builds one request of an item (a URL, a GraphQL body…) on the shared client.
pub type Build<T> = Box<dyn Fn(&reqwest::Client, &T) -> reqwest::RequestBuilder + Send + Sync>;

/// The requests of one benchmark and how to judge their answers.
pub struct Driver<T> {
    client: reqwest::Client,
    items: Vec<T>,
    build: Build<T>,
    check: Check,
}

/// How long a phase runs: a number of requests, or a time.
#[derive(Clone, Copy, Debug)]
pub enum Span {
    /// This many requests.
    Requests(u64),
    /// Until this much time has passed (the open loop sends `rate × duration`).
    Time(Duration),
}

impl<T: Send + Sync + 'static> Driver<T> {
    /// A driver over `items` (at least one), sent with `client`.
    pub fn new(client: reqwest::Client, items: Vec<T>, build: Build<T>, check: Check) -> Arc<Self> {
        assert!(!items.is_empty(), "a driver needs at least one request");
        Arc::new(Driver {
            client,
            items,
            build,
            check,
        })
    }

    fn item(&self, i: u64) -> &T {
        &self.items[(i % self.items.len() as u64) as usize]
    }

    /// Sends request `i` (of the cycled list); latency runs from `since` to the end
    /// of the response body.
    async fn send(&self, i: u64, since: Instant, stats: &mut Stats) {
        let result = (self.build)(&self.client, self.item(i)).send().await;
        if let Some(n) = crate::record_response(result, since, self.check, stats).await {
            stats.bytes += n as u64;
        }
    }

    /// Items `first..` at `rate` per second, open loop; latency from each due time.
    pub async fn open_loop(self: &Arc<Self>, first: u64, rate: f64, span: Span) -> Stats {
        let n = match span {
            Span::Requests(n) => n,
            Span::Time(d) => (rate * d.as_secs_f64()).ceil() as u64,
        };
        let start = tokio::time::Instant::now();
        let period = Duration::from_secs_f64(1.0 / rate);
        let mut handles = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for i in 0..n {
            let due = start + period.mul_f64(i as f64);
            tokio::time::sleep_until(due).await;
            let this = Arc::clone(self);
            handles.push(tokio::spawn(async move {
                let mut stats = Stats::default();
                this.send(first + i, due.into_std(), &mut stats).await;
                stats
            }));
        }
        join(handles).await
    }

    /// Items `first..` with `concurrency` clients, closed loop; latency from each send.
    pub async fn closed_loop(
        self: &Arc<Self>,
        first: u64,
        concurrency: usize,
        span: Span,
    ) -> Stats {
        let (limit, deadline) = match span {
            Span::Requests(n) => (n, None),
            Span::Time(d) => (u64::MAX, Some(Instant::now() + d)),
        };
        let next = Arc::new(AtomicU64::new(0));
        let mut handles = Vec::with_capacity(concurrency);
        for _ in 0..concurrency {
            let (this, next) = (Arc::clone(self), Arc::clone(&next));
            handles.push(tokio::spawn(async move {
                let mut stats = Stats::default();
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= limit {
                        break;
                    }
                    this.send(first + i, Instant::now(), &mut stats).await;
                }
                stats
            }));
        }
        join(handles).await
    }
}

async fn join(handles: Vec<tokio::task::JoinHandle<Stats>>) -> Stats {
    let mut total = Stats::default();
    for h in handles {
        match h.await {
            Ok(s) => total.merge(s),
            Err(e) => total.record_error("task-panic".into(), e.to_string()),
        }
    }
    total
}

/// The report of a query run (`what` is `search` or `graphql`), human-readable and as
/// one JSON line.
pub fn report(
    what: &str,
    mode: &str,
    url: &str,
    mut stats: Stats,
    wall: Duration,
) -> (String, String) {
    stats.latencies_us.sort_unstable();
    let [p50, p90, p99, max] = crate::percentiles_ms(&stats.latencies_us);
    let sent = stats.latencies_us.len();
    let failed: u64 = stats.errors.values().sum();
    let rate = if wall.as_secs_f64() > 0.0 {
        stats.ok as f64 / wall.as_secs_f64()
    } else {
        0.0
    };
    let errors = if stats.errors.is_empty() {
        "none".to_string()
    } else {
        stats
            .errors
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut human = format!(
        "weft-loadgen {what}: {mode} -> {url}\n\
         \x20 queries       {sent} ({} ok, {failed} failed)\n\
         \x20 errors        {errors}\n\
         \x20 wall          {:.3} s\n\
         \x20 achieved      {rate:.1} queries/s\n\
         \x20 latency ms    p50 {p50:.3}  p90 {p90:.3}  p99 {p99:.3}  max {max:.3}\n",
        stats.ok,
        wall.as_secs_f64(),
    );
    let statements = (stats.ok > 0 && stats.sql_statements.1 > 0).then(|| {
        (
            stats.sql_statements.0 as f64 / stats.ok as f64,
            stats.sql_statements.1,
        )
    });
    if let Some((mean, max)) = statements {
        human.push_str(&format!(
            "  SQL/query     mean {mean:.2}  max {max} (extensions.sqlStatements)\n"
        ));
    }
    if let Some(mean) = stats.bytes.checked_div(stats.ok) {
        human.push_str(&format!("  response      {mean} bytes on average\n"));
    }
    if let Some(e) = &stats.first_error {
        human.push_str(&format!("  first error   {e}\n"));
    }
    let json = json!({
        "what": what,
        "mode": mode,
        "url": url,
        "queries": sent,
        "ok": stats.ok,
        "errors": stats.errors,
        "wall_s": crate::round3(wall.as_secs_f64()),
        "queries_per_s": crate::round3(rate),
        "latency_ms": {"p50": p50, "p90": p90, "p99": p99, "max": max},
        "sql_statements_mean": statements.map(|s| crate::round3(s.0)),
        "sql_statements_max": statements.map(|s| s.1),
        "response_bytes_mean": stats.bytes.checked_div(stats.ok),
    })
    .to_string();
    (human, json)
}
