//! Prometheus metrics, kept as atomics and rendered as text on `GET /metrics`.
//!
//! A handful of counters and one histogram do not justify a metrics framework; the text
//! format is stable and simple.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the request-latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The server's metrics.
#[derive(Default)]
pub struct Metrics {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    latency: Mutex<BTreeMap<String, Histogram<{ BUCKETS.len() }>>>,
    seq: AtomicI64,
    commits: AtomicU64,
    commit_micros: AtomicU64,
    committed_changes: AtomicU64,
    view_seq: Mutex<BTreeMap<String, i64>>,
    view_pending: Mutex<BTreeMap<String, i64>>,
    crawls: Mutex<BTreeMap<String, CrawlStatus>>,
    subscriptions: AtomicI64,
    log_notifications: AtomicU64,
    log_listener_reconnects: AtomicU64,
    leader: std::sync::atomic::AtomicBool,
    policy: PolicyMetrics,
}

/// Upper bounds (seconds) of the policy evaluation histogram: from one dataset's
/// incremental evaluation (milliseconds) to a full evaluation of a large catalog.
const EVAL_BUCKETS: [f64; 15] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0, 60.0,
];

/// What the policy evaluation reports.
#[derive(Default)]
struct PolicyMetrics {
    /// Evaluation durations, full ([0]) and incremental ([1]).
    durations: Mutex<[Histogram<{ EVAL_BUCKETS.len() }>; 2]>,
    reloads: AtomicU64,
    load_errors: AtomicU64,
}

/// Held by one open GraphQL subscription; dropping it (the client went away, or the
/// server is stopping) takes it off `weft_graphql_subscriptions`.
pub struct SubscriptionGuard(std::sync::Arc<Metrics>);

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        self.0.subscriptions.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What `/metrics` shows of one scheduled crawl source.
#[derive(Debug, Default, Clone)]
pub struct CrawlStatus {
    /// Crawls that ended `ok` or `partial`.
    pub ok: u64,
    /// Crawls that failed.
    pub failed: u64,
    /// Failures since the last success: a source stuck failing shows here.
    pub consecutive_failures: u64,
    /// End of the last successful crawl, seconds since the epoch.
    pub last_success: Option<f64>,
}

/// Cumulative bucket counts over `N` upper bounds, in seconds.
#[derive(Clone)]
struct Histogram<const N: usize> {
    counts: [u64; N],
    count: u64,
    sum: f64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Histogram {
            counts: [0; N],
            count: 0,
            sum: 0.0,
        }
    }
}

impl<const N: usize> Histogram<N> {
    fn observe(&mut self, bounds: &[f64; N], secs: f64) {
        for (i, b) in bounds.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    /// The histogram's samples; `labels` (`route="/x"`) go before `le`.
    fn write(&self, s: &mut String, name: &str, labels: &str, bounds: &[f64; N]) {
        use std::fmt::Write;
        for (i, b) in bounds.iter().enumerate() {
            let _ = writeln!(s, "{name}_bucket{{{labels},le=\"{b}\"}} {}", self.counts[i]);
        }
        let _ = writeln!(s, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(s, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(s, "{name}_count{{{labels}}} {}", self.count);
    }
}

impl Metrics {
    /// Counts an open subscription until the guard is dropped.
    pub fn subscription_opened(self: &std::sync::Arc<Self>) -> SubscriptionGuard {
        self.subscriptions.fetch_add(1, Ordering::Relaxed);
        SubscriptionGuard(self.clone())
    }

    /// Counts events that were stored (or recognised as already stored).
    pub fn accepted(&self, n: u64, duplicates: u64) {
        self.accepted.fetch_add(n, Ordering::Relaxed);
        self.duplicates.fetch_add(duplicates, Ordering::Relaxed);
    }

    /// Counts a refused event by reason (`invalid`, `too_large`, `unauthorized`, …).
    pub fn rejected(&self, reason: &'static str) {
        if let Ok(mut m) = self.rejected.lock() {
            *m.entry(reason).or_default() += 1;
        }
    }

    /// Records one request's latency under its route.
    pub fn observe_request(&self, route: &str, took: Duration) {
        let secs = took.as_secs_f64();
        if let Ok(mut m) = self.latency.lock() {
            m.entry(route.to_owned())
                .or_default()
                .observe(&BUCKETS, secs);
        }
    }

    /// Records one writer commit.
    pub fn observe_commit(&self, took: Duration, changes: usize) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.commit_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        self.committed_changes
            .fetch_add(changes as u64, Ordering::Relaxed);
    }

    /// Sets the last committed change-log sequence number.
    pub fn set_seq(&self, seq: i64) {
        self.seq.store(seq, Ordering::Relaxed);
    }

    /// Sets how far a derived view has read.
    pub fn set_view_seq(&self, view: &str, seq: i64) {
        if let Ok(mut m) = self.view_seq.lock() {
            m.insert(view.to_owned(), seq);
        }
    }

    /// Sets how many entities a derived view has deferred (re-read at most every few
    /// seconds), so that "caught up" can be told from "applied the log".
    pub fn set_view_pending(&self, view: &str, n: i64) {
        if let Ok(mut m) = self.view_pending.lock() {
            m.insert(view.to_owned(), n);
        }
    }

    /// Sets whether this server holds the leader lease (runs the scheduled crawls).
    pub fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::Relaxed);
    }

    /// Records the end of a scheduled crawl.
    pub fn crawl_finished(&self, source: &str, ok: bool, at_secs: f64) {
        if let Ok(mut m) = self.crawls.lock() {
            let c = m.entry(source.to_owned()).or_default();
            if ok {
                c.ok += 1;
                c.consecutive_failures = 0;
                c.last_success = Some(at_secs);
            } else {
                c.failed += 1;
                c.consecutive_failures += 1;
            }
        }
    }

    /// The state of each scheduled crawl source.
    pub fn crawl_status(&self) -> BTreeMap<String, CrawlStatus> {
        self.crawls.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP weft_graphql_subscriptions GraphQL subscriptions open now."
        );
        let _ = writeln!(s, "# TYPE weft_graphql_subscriptions gauge");
        let _ = writeln!(
            s,
            "weft_graphql_subscriptions {}",
            self.subscriptions.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_events_accepted_total OpenLineage events stored or recognised as already stored."
        );
        let _ = writeln!(s, "# TYPE weft_events_accepted_total counter");
        let _ = writeln!(
            s,
            "weft_events_accepted_total {}",
            self.accepted.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_events_duplicate_total Accepted events that were already in the change log."
        );
        let _ = writeln!(s, "# TYPE weft_events_duplicate_total counter");
        let _ = writeln!(
            s,
            "weft_events_duplicate_total {}",
            self.duplicates.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_events_rejected_total OpenLineage events refused, by reason."
        );
        let _ = writeln!(s, "# TYPE weft_events_rejected_total counter");
        if let Ok(m) = self.rejected.lock() {
            for (reason, n) in m.iter() {
                let _ = writeln!(s, "weft_events_rejected_total{{reason=\"{reason}\"}} {n}");
            }
        }
        let _ = writeln!(
            s,
            "# HELP weft_http_request_duration_seconds HTTP request latency by route."
        );
        let _ = writeln!(s, "# TYPE weft_http_request_duration_seconds histogram");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                h.write(
                    &mut s,
                    "weft_http_request_duration_seconds",
                    &format!("route=\"{route}\""),
                    &BUCKETS,
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP weft_change_log_seq Last committed change-log sequence number."
        );
        let _ = writeln!(s, "# TYPE weft_change_log_seq gauge");
        let _ = writeln!(
            s,
            "weft_change_log_seq {}",
            self.seq.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_writer_commits_total Writer transactions committed."
        );
        let _ = writeln!(s, "# TYPE weft_writer_commits_total counter");
        let _ = writeln!(
            s,
            "weft_writer_commits_total {}",
            self.commits.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "weft_writer_committed_changes_total {}",
            self.committed_changes.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_writer_busy_seconds_total Time the writer spent in transactions: \
             near the elapsed time, ingestion is bound by the single writer."
        );
        let _ = writeln!(s, "# TYPE weft_writer_busy_seconds_total counter");
        let _ = writeln!(
            s,
            "weft_writer_busy_seconds_total {}",
            self.commit_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            s,
            "# HELP weft_view_seq How far each derived view has applied the change log."
        );
        let _ = writeln!(s, "# TYPE weft_view_seq gauge");
        if let Ok(m) = self.view_seq.lock() {
            for (view, seq) in m.iter() {
                let _ = writeln!(s, "weft_view_seq{{view=\"{view}\"}} {seq}");
            }
        }
        let _ = writeln!(
            s,
            "# HELP weft_view_pending Entities a derived view has deferred: touched too \
             recently to be re-read yet."
        );
        let _ = writeln!(s, "# TYPE weft_view_pending gauge");
        if let Ok(m) = self.view_pending.lock() {
            for (view, n) in m.iter() {
                let _ = writeln!(s, "weft_view_pending{{view=\"{view}\"}} {n}");
            }
        }
        let _ = writeln!(
            s,
            "# HELP weft_log_notifications_total Commit notifications heard from the \
             database (PostgreSQL LISTEN/NOTIFY: every replica's commits)."
        );
        let _ = writeln!(s, "# TYPE weft_log_notifications_total counter");
        let _ = writeln!(
            s,
            "weft_log_notifications_total {}",
            self.log_notifications.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_log_listener_reconnects_total Times the commit listener connected \
             again (each followed by a catch-up with the log)."
        );
        let _ = writeln!(s, "# TYPE weft_log_listener_reconnects_total counter");
        let _ = writeln!(
            s,
            "weft_log_listener_reconnects_total {}",
            self.log_listener_reconnects.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_leader 1 while this server holds the leader lease: of the servers \
             on one store, the leader runs the scheduled crawls."
        );
        let _ = writeln!(s, "# TYPE weft_leader gauge");
        let _ = writeln!(
            s,
            "weft_leader {}",
            u8::from(self.leader.load(Ordering::Relaxed))
        );
        let crawls = self.crawl_status();
        if !crawls.is_empty() {
            let _ = writeln!(
                s,
                "# HELP weft_crawl_runs_total Scheduled crawls by source and outcome."
            );
            let _ = writeln!(s, "# TYPE weft_crawl_runs_total counter");
            for (src, c) in &crawls {
                let src = escape_label(src);
                let _ = writeln!(
                    s,
                    "weft_crawl_runs_total{{source=\"{src}\",status=\"ok\"}} {}",
                    c.ok
                );
                let _ = writeln!(
                    s,
                    "weft_crawl_runs_total{{source=\"{src}\",status=\"failed\"}} {}",
                    c.failed
                );
            }
            let _ = writeln!(
                s,
                "# HELP weft_crawl_consecutive_failures Failed crawls of a source since its last success."
            );
            let _ = writeln!(s, "# TYPE weft_crawl_consecutive_failures gauge");
            for (src, c) in &crawls {
                let _ = writeln!(
                    s,
                    "weft_crawl_consecutive_failures{{source=\"{}\"}} {}",
                    escape_label(src),
                    c.consecutive_failures
                );
            }
            let _ = writeln!(
                s,
                "# HELP weft_crawl_last_success_seconds End of a source's last successful crawl."
            );
            let _ = writeln!(s, "# TYPE weft_crawl_last_success_seconds gauge");
            for (src, c) in &crawls {
                if let Some(t) = c.last_success {
                    let _ = writeln!(
                        s,
                        "weft_crawl_last_success_seconds{{source=\"{}\"}} {t}",
                        escape_label(src)
                    );
                }
            }
        }
        s
    }
}

impl Metrics {
    /// The policy metrics' text, with the open violations per (policy, severity) as
    /// the store counts them when scraped.
    pub fn render_policy(&self, open: &[(String, String, i64)]) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP weft_policy_violations_open Policy violations standing now, by policy and severity."
        );
        let _ = writeln!(s, "# TYPE weft_policy_violations_open gauge");
        for (policy, severity, n) in open {
            let _ = writeln!(
                s,
                "weft_policy_violations_open{{policy=\"{}\",severity=\"{}\"}} {n}",
                escape_label(policy),
                escape_label(severity)
            );
        }
        let _ = writeln!(
            s,
            "# HELP weft_policy_evaluation_seconds Policy evaluations: full (every dataset) \
             and incremental (the datasets a page of the log touched)."
        );
        let _ = writeln!(s, "# TYPE weft_policy_evaluation_seconds histogram");
        let durations = self
            .policy
            .durations
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default();
        for (kind, h) in ["full", "incremental"].iter().zip(durations.iter()) {
            h.write(
                &mut s,
                "weft_policy_evaluation_seconds",
                &format!("kind=\"{kind}\""),
                &EVAL_BUCKETS,
            );
        }
        let _ = writeln!(
            s,
            "# HELP weft_policy_reloads_total Policy sets loaded after their files changed."
        );
        let _ = writeln!(s, "# TYPE weft_policy_reloads_total counter");
        let _ = writeln!(
            s,
            "weft_policy_reloads_total {}",
            self.policy.reloads.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "# HELP weft_policy_load_errors_total Changed policy files that did not load \
             (the previous set stayed in force)."
        );
        let _ = writeln!(s, "# TYPE weft_policy_load_errors_total counter");
        let _ = writeln!(
            s,
            "weft_policy_load_errors_total {}",
            self.policy.load_errors.load(Ordering::Relaxed)
        );
        s
    }
}

impl weft_views::policy::PolicyObserver for Metrics {
    fn evaluated(&self, full: bool, _datasets: usize, took: Duration) {
        if let Ok(mut d) = self.policy.durations.lock() {
            d[usize::from(!full)].observe(&EVAL_BUCKETS, took.as_secs_f64());
        }
    }
    fn reloaded(&self) {
        self.policy.reloads.fetch_add(1, Ordering::Relaxed);
    }
    fn load_failed(&self) {
        self.policy.load_errors.fetch_add(1, Ordering::Relaxed);
    }
}

/// A Prometheus label value escaped.
pub(crate) fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl weft_store::group_commit::CommitObserver for Metrics {
    fn observe_commit(&self, took: Duration, changes: usize) {
        Metrics::observe_commit(self, took, changes);
    }
    fn set_seq(&self, seq: i64) {
        Metrics::set_seq(self, seq);
    }
}

impl weft_views::ViewObserver for Metrics {
    fn set_view_seq(&self, view: &str, seq: i64) {
        Metrics::set_view_seq(self, view, seq);
    }
}

impl weft_store::notify::ListenObserver for Metrics {
    fn notified(&self) {
        self.log_notifications.fetch_add(1, Ordering::Relaxed);
    }
    fn reconnected(&self) {
        self.log_listener_reconnects.fetch_add(1, Ordering::Relaxed);
    }
}
