//! Derived views: consumers of the change log.
//!
//! The change log is the truth; a derived view (the namespace counters, the column
//! lineage derived from jobs' SQL, and the in-memory lineage graph today; the search
//! index and the change feed in later issues) reads committed entries after its cursor, applies them, and records the new
//! cursor in `view_cursors`. That one mechanism gives every view the same properties:
//!
//! - **Resumable**: after a restart a view continues from its cursor.
//! - **Rebuildable**: [`DerivedView::reset`] plus a cursor of 0 replays the whole log.
//! - **Replica-safe**: a view wakes on its own writer's commits and also polls, so it
//!   sees entries other replicas wrote to the same PostgreSQL database.
//!
//! A view that keeps its state in the database should write the cursor in the same
//! transaction as its state ([`Store::set_view_cursor`] takes the transaction's
//! connection): it then applies each entry exactly once. A view kept in memory or in a
//! separate index applies then records, so it may see an entry twice after a crash and
//! must apply idempotently.
//!
//! To add a view: implement [`DerivedView`] and start it with [`spawn`] in `server.rs`.

#![deny(missing_docs)]

pub mod counters;
pub mod graph;
pub mod search;
pub mod sql_lineage;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use weft_store::log::LogEntry;
use weft_store::log_subjects::Named;
use weft_store::state_reader::StateReader;
use weft_store::{Store, StoreError};

/// Entries read per step.
const PAGE: i64 = 2000;

/// The shortest time between two catch-ups of a view.
const MIN_INTERVAL: Duration = Duration::from_millis(250);

/// What a running view reports; the server's metrics implement it. A trait so that the
/// views do not depend on the HTTP layer's registry.
pub trait ViewObserver: Send + Sync + 'static {
    /// The view `view` has applied the log up to `seq`.
    fn set_view_seq(&self, view: &str, seq: i64);
}

/// A consumer of the change log.
pub trait DerivedView: Send + 'static {
    /// Unique, stable name: the key of its cursor.
    fn name(&self) -> &'static str;

    /// Whether [`DerivedView::apply`] needs payloads (reading them costs I/O).
    fn needs_payload(&self) -> bool {
        false
    }

    /// Applies entries (in order, all after the cursor) and records the cursor.
    fn apply(
        &mut self,
        store: &Store,
        entries: &[LogEntry],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets all derived state, for a rebuild; the cursor is reset by the caller.
    fn reset(&mut self, store: &Store) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Applies every entry after the view's cursor, then returns the cursor reached.
pub async fn catch_up<V: DerivedView>(view: &mut V, store: &Store) -> Result<i64, StoreError> {
    let mut cursor = store.view_cursor(view.name()).await?;
    loop {
        let entries = store.read_log(cursor, PAGE, view.needs_payload()).await?;
        let Some(last) = entries.last() else {
            return Ok(cursor);
        };
        let last = last.seq;
        view.apply(store, &entries).await?;
        cursor = last;
    }
}

/// Resets a view and its cursor so it will replay the log from the start.
pub async fn reset<V: DerivedView>(view: &mut V, store: &Store) -> Result<(), StoreError> {
    view.reset(store).await?;
    store.reset_view_cursor(view.name()).await
}

/// Runs a view until `shutdown` turns true: catch up, then wait for the next commit (or
/// a poll interval, for other replicas' commits), and repeat.
pub fn spawn<V: DerivedView>(
    mut view: V,
    store: Store,
    mut committed: watch::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
    observer: Arc<dyn ViewObserver>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match catch_up(&mut view, &store).await {
                Ok(seq) => observer.set_view_seq(view.name(), seq),
                Err(e) => {
                    tracing::warn!(view = view.name(), error = %e, "derived view failed; will retry")
                }
            }
            if wait_for_work(&mut committed, &mut shutdown).await {
                break;
            }
        }
    })
}

/// Waits before a view's next catch-up: at least [`MIN_INTERVAL`], then until a commit
/// (or a second, for other replicas' commits). Returns whether to stop.
///
/// At most one catch-up per interval: under load the writer commits hundreds of times a
/// second, and a view transaction per commit would contend with it for the database's
/// write lock. Entries simply arrive in bigger pages.
pub(crate) async fn wait_for_work(
    committed: &mut watch::Receiver<i64>,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(MIN_INTERVAL) => {}
        _ = shutdown.changed() => {}
    }
    if *shutdown.borrow() {
        return true;
    }
    tokio::select! {
        _ = committed.changed() => {}
        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        _ = shutdown.changed() => {}
    }
    *shutdown.borrow()
}

/// The name in an entity key `<prefix><ns>:<name>`.
pub(crate) fn entity_name<'a>(entity: &'a str, prefix: &str, ns: &str) -> Option<&'a str> {
    entity
        .strip_prefix(prefix)?
        .strip_prefix(ns)?
        .strip_prefix(':')
}

/// What a page of log entries names: jobs (of runs and job events) and datasets (of
/// dataset events, retractions and reviews). Entries carry names, not ids.
pub(crate) struct Touched {
    /// Jobs run or described.
    pub jobs: HashSet<i64>,
    /// Datasets named directly.
    pub datasets: HashSet<i64>,
}

/// Resolves a page of log entries to the jobs and datasets it names.
pub(crate) async fn touched(
    reader: &mut StateReader,
    store: &Store,
    entries: &[LogEntry],
) -> Result<Touched, StoreError> {
    let mut jobs: HashSet<i64> = HashSet::new();
    let mut datasets: HashSet<i64> = HashSet::new();
    let mut runs: Vec<&str> = Vec::new();
    for e in entries {
        let Some(ns) = e.namespace.as_deref() else {
            continue;
        };
        match e.kind.as_str() {
            "openlineage.run" => runs.extend(e.entity.strip_prefix("run:")),
            "openlineage.job" => {
                if let Some(name) = entity_name(&e.entity, "job:", ns) {
                    jobs.extend(reader.ids_named(Named::Jobs, ns, name).await?);
                }
            }
            "openlineage.dataset" | "lineage.retract" | "tag.review" | "catalog.edit" => {
                let name = entity_name(&e.entity, "dataset:", ns).or_else(|| {
                    // A review names a column: `column:<ns>:<dataset>:<column>`.
                    entity_name(&e.entity, "column:", ns)
                        .and_then(|r| r.rsplit_once(':').map(|(d, _)| d))
                });
                if let Some(name) = name {
                    datasets.extend(reader.ids_named(Named::Datasets, ns, name).await?);
                }
            }
            "usage.queries" => {
                // Usage moves ranking: every dataset the batch counted.
                let payload = match &e.payload {
                    Some(p) => Some(p.clone()),
                    None => store.payload_at(e.seq).await?,
                };
                let batch: Option<weft_schemas::change::UsageBatch> =
                    payload.and_then(|p| serde_json::from_str(&p).ok());
                let names: std::collections::BTreeSet<(String, String)> = batch
                    .into_iter()
                    .flat_map(|b| b.usage.into_iter().map(|u| (u.namespace, u.name)))
                    .collect();
                for (ns, name) in &names {
                    datasets.extend(reader.ids_named(Named::Datasets, ns, name).await?);
                }
            }
            _ => {}
        }
    }
    runs.sort_unstable();
    runs.dedup();
    for chunk in runs.chunks(500) {
        jobs.extend(reader.jobs_of_runs(chunk).await?);
    }
    Ok(Touched { jobs, datasets })
}

/// The datasets a page of log entries may have changed: those it names and every
/// dataset the jobs it names read or write.
pub(crate) async fn touched_datasets(
    reader: &mut StateReader,
    store: &Store,
    entries: &[LogEntry],
) -> Result<HashSet<i64>, StoreError> {
    let Touched { jobs, mut datasets } = touched(reader, store, entries).await?;
    let jobs: Vec<i64> = jobs.into_iter().collect();
    for chunk in jobs.chunks(500) {
        datasets.extend(reader.datasets_of_jobs(chunk).await?);
    }
    Ok(datasets)
}

/// How often one job or dataset is re-read at most. A busy job runs every second;
/// re-reading its datasets on every run would cost more than ingesting the run, and a
/// graph a few seconds behind is still current.
pub(crate) const RECHECK: Duration = Duration::from_secs(5);

/// When each id was last re-read, and those touched since then.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    last: HashMap<i64, Instant>,
    pending: HashSet<i64>,
}

impl Throttle {
    /// Of `ids`, those to re-read now (recorded as read); the rest wait until their
    /// interval has passed. `forced` ids are always due.
    pub(crate) fn split(
        &mut self,
        ids: impl IntoIterator<Item = i64>,
        forced: &HashSet<i64>,
    ) -> Vec<i64> {
        let now = Instant::now();
        let mut due = Vec::new();
        for id in ids {
            let ready = self
                .last
                .get(&id)
                .is_none_or(|t| now.duration_since(*t) >= RECHECK);
            if ready || forced.contains(&id) {
                self.last.insert(id, now);
                self.pending.remove(&id);
                due.push(id);
            } else {
                self.pending.insert(id);
            }
        }
        due
    }

    /// How many ids wait.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Waiting ids whose interval has passed.
    pub(crate) fn due(&self) -> HashSet<i64> {
        let now = Instant::now();
        self.pending
            .iter()
            .copied()
            .filter(|id| {
                self.last
                    .get(id)
                    .is_none_or(|t| now.duration_since(*t) >= RECHECK)
            })
            .collect()
    }
}
