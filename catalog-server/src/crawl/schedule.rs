//! The crawls `weft serve` runs on a schedule, with backoff after failures.

use std::time::Duration;

use tokio::sync::watch;

use indicatif::ProgressBar;

use super::sink::*;
use super::{CrawlSpec, run};
use weft_ingest::aliases::Aliases;
use weft_schemas::change::CrawlRecord;
use weft_store::group_commit::WriterHandle;
use weft_store::{Store, now_micros};

/// First wait after a failed crawl; doubled on each further failure, never longer than
/// the source's interval.
const FIRST_RETRY: Duration = Duration::from_secs(10);

/// Starts one task per scheduled source. A source is crawled only while this server
/// leads (`leader`; on SQLite the one server always does), and once per interval across
/// every server on the store: when a crawl is due is read from the crawl history, so a
/// server that takes over from a dead leader, or a restarted one, waits for the interval
/// the last crawl started rather than crawling again at once. A failure is logged,
/// counted in `/metrics`, recorded in the history, and retried with exponential
/// backoff. Nothing a source does can stop the server.
pub fn schedule(
    specs: &[CrawlSpec],
    store: Store,
    writer: WriterHandle,
    aliases: Aliases,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    leader: watch::Receiver<bool>,
    stop: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    specs
        .iter()
        .filter(|s| s.interval.is_some())
        .map(|spec| {
            let spec = spec.clone();
            let store = store.clone();
            let writer = writer.clone();
            let aliases = aliases.clone();
            let metrics = metrics.clone();
            let mut leader = leader.clone();
            let mut stop = stop.clone();
            tokio::spawn(async move {
                let interval = spec.interval.unwrap_or(Duration::from_secs(3600));
                let mut failures = 0u32;
                // This server's own view of when the next crawl is due, so that a crawl
                // whose record could not be written is not repeated at once.
                let mut floor = 0i64;
                let mut sink = Sink::Server(writer);
                loop {
                    if !lead_or_stop(&mut leader, &mut stop).await {
                        break;
                    }
                    let due = match store.crawl_runs(Some(&spec.name), 1, 0).await {
                        Ok(last) => last.first().map(|r| next_due(r, interval, failures)),
                        Err(e) => {
                            tracing::warn!(source = %spec.name, error = %e, "reading the crawl history failed; will retry");
                            if wait(FIRST_RETRY, &mut leader, &mut stop).await {
                                break;
                            }
                            continue;
                        }
                    };
                    let until = due.unwrap_or(0).max(floor) - now_micros();
                    if until > 0 {
                        // Woken early when leadership moves or the server stops: either
                        // way the next round decides again.
                        if wait(Duration::from_micros(until as u64), &mut leader, &mut stop).await {
                            break;
                        }
                        continue;
                    }
                    let bar = ProgressBar::hidden();
                    let started = now_micros();
                    let outcome = run(&store, &mut sink, &spec, &aliases, &bar).await;
                    let now = now_micros() as f64 / 1e6;
                    match outcome {
                        Ok(r) => {
                            failures = 0;
                            floor = started.saturating_add(interval.as_micros() as i64);
                            metrics.crawl_finished(&spec.name, true, now);
                            tracing::info!(source = %spec.name, status = %r.status, counts = ?r.counts, "crawl finished");
                        }
                        Err(e) => {
                            failures = failures.saturating_add(1);
                            floor = now_micros()
                                .saturating_add(backoff(failures, interval).as_micros() as i64);
                            metrics.crawl_finished(&spec.name, false, now);
                            tracing::warn!(source = %spec.name, target = %spec.target(), error = %e, retry_in = ?backoff(failures, interval), "crawl failed");
                        }
                    }
                }
            })
        })
        .collect()
}

/// When the next crawl of a source is due after its last recorded one (microseconds):
/// an interval after the last start, or after a failure a backoff after its end
/// (`failures` counts this server's consecutive failures; a server that has none yet
/// starts the backoff over).
fn next_due(last: &CrawlRecord, interval: Duration, failures: u32) -> i64 {
    if last.status == "failed" {
        last.ended_at
            .saturating_add(backoff(failures.max(1), interval).as_micros() as i64)
    } else {
        last.started_at.saturating_add(interval.as_micros() as i64)
    }
}

/// The wait after `failures` consecutive failures: doubling from [`FIRST_RETRY`], never
/// longer than the interval.
fn backoff(failures: u32, interval: Duration) -> Duration {
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)))
        .min(interval)
}

/// Waits until this server leads; `false` when the server stops first.
async fn lead_or_stop(
    leader: &mut watch::Receiver<bool>,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    loop {
        if *stop.borrow() {
            return false;
        }
        if *leader.borrow_and_update() {
            return true;
        }
        tokio::select! {
            r = leader.changed() => {
                if r.is_err() {
                    return false;
                }
            }
            _ = stop.changed() => {}
        }
    }
}

/// Waits `d`, or less when leadership changes or the server stops; returns whether to
/// stop.
async fn wait(
    d: Duration,
    leader: &mut watch::Receiver<bool>,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = leader.changed() => {}
        _ = stop.changed() => {}
    }
    *stop.borrow()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: &str, started_at: i64, ended_at: i64) -> CrawlRecord {
        CrawlRecord {
            source: "s".into(),
            kind: "postgres".into(),
            target: "t".into(),
            namespace: String::new(),
            started_at,
            ended_at,
            status: status.into(),
            counts: Default::default(),
            errors: Vec::new(),
            watermark: None,
        }
    }

    #[test]
    fn a_crawl_is_due_an_interval_after_the_last_start() {
        let hour = Duration::from_secs(3600);
        assert_eq!(
            next_due(&record("ok", 1_000, 9_000), hour, 0),
            1_000 + 3_600_000_000
        );
        assert_eq!(
            next_due(&record("partial", 1_000, 9_000), hour, 3),
            1_000 + 3_600_000_000
        );
    }

    #[test]
    fn after_a_failure_the_backoff_counts_from_its_end_and_doubles() {
        let hour = Duration::from_secs(3600);
        let failed = record("failed", 1_000, 9_000);
        assert_eq!(next_due(&failed, hour, 0), 9_000 + 10_000_000);
        assert_eq!(next_due(&failed, hour, 1), 9_000 + 10_000_000);
        assert_eq!(next_due(&failed, hour, 3), 9_000 + 40_000_000);
        let minute = Duration::from_secs(60);
        assert_eq!(next_due(&failed, minute, 10), 9_000 + 60_000_000);
    }
}
