//! The crawls `weft serve` runs on a schedule, with backoff after failures.

use std::time::Duration;

use indicatif::ProgressBar;

use super::sink::*;
use super::{CrawlSpec, run};
use weft_ingest::aliases::Aliases;
use weft_store::group_commit::WriterHandle;
use weft_store::{Store, now_micros};

/// First wait after a failed crawl; doubled on each further failure, never longer than
/// the source's interval.
const FIRST_RETRY: Duration = Duration::from_secs(10);

/// Starts one task per scheduled source. Each crawls at once, then every interval; a
/// failure is logged, counted in `/metrics`, recorded in the history, and retried with
/// exponential backoff. Nothing a source does can stop the server.
pub fn schedule(
    specs: &[CrawlSpec],
    store: Store,
    writer: WriterHandle,
    aliases: Aliases,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    stop: tokio::sync::watch::Receiver<bool>,
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
            let mut stop = stop.clone();
            tokio::spawn(async move {
                let interval = spec.interval.unwrap_or(Duration::from_secs(3600));
                let mut failures = 0u32;
                let mut sink = Sink::Server(writer);
                loop {
                    if *stop.borrow() {
                        break;
                    }
                    let bar = ProgressBar::hidden();
                    let outcome = run(&store, &mut sink, &spec, &aliases, &bar).await;
                    let now = now_micros() as f64 / 1e6;
                    let wait = match outcome {
                        Ok(r) => {
                            failures = 0;
                            metrics.crawl_finished(&spec.name, true, now);
                            tracing::info!(source = %spec.name, status = %r.status, counts = ?r.counts, "crawl finished");
                            interval
                        }
                        Err(e) => {
                            failures = failures.saturating_add(1);
                            metrics.crawl_finished(&spec.name, false, now);
                            let backoff = FIRST_RETRY
                                .saturating_mul(2u32.saturating_pow(failures - 1))
                                .min(interval);
                            tracing::warn!(source = %spec.name, target = %spec.target(), error = %e, retry_in = ?backoff, "crawl failed");
                            backoff
                        }
                    };
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => {}
                    }
                }
            })
        })
        .collect()
}
