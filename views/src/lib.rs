//! Derived views: consumers of the change log.
//!
//! The change log is the truth; a derived view (the namespace counters, the column
//! lineage derived from jobs' SQL, the in-memory lineage graph and the search index)
//! reads committed entries after its cursor, applies them, and records the new cursor.
//! Every view implements [`DerivedView`] and runs on the one loop of [`spawn`]; that one
//! mechanism gives every view the same properties:
//!
//! - **Resumable**: after a restart a view continues from its cursor.
//! - **Rebuildable**: [`DerivedView::reset`] moves the cursor back and the log replays.
//! - **Replica-safe**: a view wakes on its own writer's commits and also polls, so it
//!   sees entries other replicas wrote to the same PostgreSQL database.
//!
//! A view that keeps its state in the database writes state and cursor through one
//! store call, in one transaction ([`Store::add_namespace_counts`],
//! [`Store::write_sql_lineage`]): it then applies each entry exactly once. A view kept
//! in memory or in a separate index keeps its cursor beside that state and applies then
//! records, so it may see an entry twice after a crash and must apply idempotently.
//!
//! # Who writes which table
//!
//! Only `weft-store` runs SQL against Weft's database; this crate does not depend on
//! sqlx. Views read current state through the store's typed reads (a
//! [`weft_store::state_reader::StateReader`] for a step's many small reads) and persist
//! what they derive only through the store call made for them: `namespace_stats` is
//! written only by [`Store::add_namespace_counts`] (the namespace counters), the
//! `origin = 'sql'` rows of `column_edges` and `job_sql_lineage` only by
//! [`Store::write_sql_lineage`] (the SQL lineage view), and `view_cursors` only inside
//! those calls and [`Store::reset_view_cursor`]. The graph and the search index persist
//! nothing in the database. `tests/tests/invariants.rs` checks the sources for it.
//!
//! To add a view: implement [`DerivedView`] and start it with [`spawn`] in `server.rs`.

#![deny(missing_docs)]

pub mod counters;
pub mod graph;
mod live_tags;
pub mod policy;
pub mod positions;
pub mod search;
pub mod sql_lineage;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

pub use positions::Positions;
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

/// A consumer of the change log: every derived view implements it and [`spawn`] runs
/// each the same way. Only `name`, `apply` and `reset` are required; the hooks with
/// defaults are for views that keep state outside the database (`start`, `cursor`),
/// follow another view (`bound`), or defer work (`before`, `after`, `upkeep`,
/// `next_round`).
pub trait DerivedView: Send + 'static {
    /// What can go wrong applying entries; reading the store always can.
    type Error: From<StoreError> + std::fmt::Display + Send;

    /// Unique, stable name: the key of its cursor.
    fn name(&self) -> &'static str;

    /// Whether [`DerivedView::apply`] needs payloads (reading them costs I/O).
    fn needs_payload(&self) -> bool {
        false
    }

    /// Prepares what the view keeps outside the database (loads a graph, opens an
    /// index) before its first catch-up. `Ok(false)`: the view cannot run at all and its
    /// runner stops; an error is retried on the next round.
    fn start(&mut self, _store: &Store) -> impl Future<Output = Result<bool, Self::Error>> + Send {
        async { Ok(true) }
    }

    /// Where the view stands in the log. A view whose state is in the database keeps
    /// its cursor in `view_cursors` (read here, written by the store call that writes
    /// its state); a view in memory or in its own index keeps it beside that state.
    fn cursor(&self, store: &Store) -> impl Future<Output = Result<i64, Self::Error>> + Send {
        let name = self.name();
        async move { Ok(store.view_cursor(name).await?) }
    }

    /// The last entry the view may apply yet, when it must stay behind another view;
    /// `None` to follow the log to its end.
    fn bound(
        &self,
        _store: &Store,
    ) -> impl Future<Output = Result<Option<i64>, Self::Error>> + Send {
        async { Ok(None) }
    }

    /// Work that does not come from the log, done before each catch-up.
    fn before(&mut self, _store: &Store) -> impl Future<Output = Result<(), Self::Error>> + Send {
        async { Ok(()) }
    }

    /// Applies entries (in order, all after the cursor) and records the cursor.
    fn apply(
        &mut self,
        store: &Store,
        entries: &[LogEntry],
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Work after a catch-up that reached `reached`: deferred reads whose wait is over,
    /// spaced commits.
    fn after(
        &mut self,
        _store: &Store,
        _reached: i64,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send {
        async { Ok(()) }
    }

    /// Periodic upkeep, after every round whether its catch-up succeeded or not; the view
    /// reports its own failures.
    fn upkeep(&mut self, _store: &Store) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// When the view needs its next round sooner than the next commit (work indexed but
    /// not yet committed): the time until then. `None` waits for commits as usual.
    fn next_round(&self) -> Option<Duration> {
        None
    }

    /// The log position readers of the view see, once a round reached `reached`: the
    /// highest entry every read reflects. The same as `reached` unless the view defers
    /// work (re-reads spaced in time, commits of its index spaced in time).
    fn position(&self, reached: i64) -> i64 {
        reached
    }

    /// Forgets all derived state and moves the cursor back, for a rebuild.
    fn reset(&mut self, store: &Store) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Applies every entry after the view's cursor (up to its bound), then returns the
/// cursor reached.
pub async fn catch_up<V: DerivedView>(view: &mut V, store: &Store) -> Result<i64, V::Error> {
    let mut cursor = view.cursor(store).await?;
    let bound = view.bound(store).await?;
    loop {
        let limit = match bound {
            Some(b) if b <= cursor => return Ok(cursor),
            Some(b) => PAGE.min(b - cursor),
            None => PAGE,
        };
        let mut entries = store.read_log(cursor, limit, view.needs_payload()).await?;
        if let Some(b) = bound {
            entries.retain(|e| e.seq <= b);
        }
        if entries.is_empty() {
            return Ok(cursor);
        }
        view.apply(store, &entries).await?;
        // Read again rather than assumed to be `last`: a view kept in the shared
        // database may find another replica applied these entries (or more) first.
        cursor = view.cursor(store).await?;
    }
}

/// Resets a view and its cursor so it will replay the log from the start.
pub async fn reset<V: DerivedView>(view: &mut V, store: &Store) -> Result<(), V::Error> {
    view.reset(store).await
}

/// One round of a started view: the work before, the catch-up, the work after.
async fn round<V: DerivedView>(view: &mut V, store: &Store) -> Result<i64, V::Error> {
    view.before(store).await?;
    let reached = catch_up(view, store).await?;
    view.after(store, reached).await?;
    Ok(reached)
}

/// Runs a view until `shutdown` turns true: start it, then catch up, and wait for the
/// next commit (or a poll interval, for other replicas' commits, or the view's own next
/// round), and repeat. Each round's position goes to `observer` when there is one, and
/// what readers see of the view to `positions` when given. The view comes back when it
/// stops, so a runner stopped for a while (a publisher that lost its lease) can resume it.
pub fn spawn<V: DerivedView>(
    mut view: V,
    store: Store,
    mut committed: watch::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
    observer: Option<Arc<dyn ViewObserver>>,
    positions: Option<Positions>,
) -> tokio::task::JoinHandle<V> {
    if let Some(p) = &positions {
        p.register(view.name());
    }
    tokio::spawn(async move {
        let mut started = false;
        loop {
            if !started {
                match view.start(&store).await {
                    Ok(true) => started = true,
                    Ok(false) => {
                        // A view that cannot run serves no reads: it holds nobody back.
                        if let Some(p) = &positions {
                            p.remove(view.name());
                        }
                        return view;
                    }
                    Err(e) => {
                        tracing::warn!(view = view.name(), error = %e, "derived view failed to start; will retry")
                    }
                }
            }
            if started {
                match round(&mut view, &store).await {
                    Ok(seq) => {
                        if let Some(o) = &observer {
                            o.set_view_seq(view.name(), seq);
                        }
                        if let Some(p) = &positions {
                            p.set(view.name(), view.position(seq));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(view = view.name(), error = %e, "derived view failed; will retry")
                    }
                }
                view.upkeep(&store).await;
            }
            let stop = match view.next_round() {
                Some(due) => wait_or_stop(due, &mut shutdown).await,
                None => wait_for_work(&mut committed, &mut shutdown).await,
            };
            if stop {
                break;
            }
        }
        view
    })
}

/// Runs a view with [`spawn`] while `leader` says this server holds the leader lease,
/// until `shutdown`: of several replicas on one store only the leader runs it, and a
/// server that loses the lease stops it until it leads again (then the view starts
/// over: [`DerivedView::start`] runs again). For work that must happen once however
/// many replicas run: publishing the change feed, writing policy violations.
pub fn spawn_while_leading<V: DerivedView>(
    mut view: V,
    store: Store,
    committed: watch::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
    mut leader: watch::Receiver<bool>,
    observer: Option<Arc<dyn ViewObserver>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let lead = tokio::select! {
                r = leader.wait_for(|l| *l) => r.is_ok(),
                _ = shutdown.wait_for(|s| *s) => false,
            };
            if !lead || *shutdown.borrow() {
                return;
            }
            // Stops the view's runner on shutdown or when the lease is lost.
            let (stop_tx, stop_rx) = watch::channel(false);
            let runner = spawn(
                view,
                store.clone(),
                committed.clone(),
                stop_rx,
                observer.clone(),
                None,
            );
            tokio::select! {
                _ = leader.wait_for(|l| !*l) => {
                    tracing::warn!(view = runner_name::<V>(), "lost the leader lease; the view stops");
                }
                _ = shutdown.wait_for(|s| *s) => {}
            }
            let _ = stop_tx.send(true);
            match runner.await {
                Ok(v) => view = v,
                Err(_) => return,
            }
            if *shutdown.borrow() {
                return;
            }
        }
    })
}

/// A view's type name, for logs where the view itself has moved into its runner.
fn runner_name<V>() -> &'static str {
    std::any::type_name::<V>()
}

/// Waits `due` (or until shutdown); returns whether to stop.
async fn wait_or_stop(due: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(due) => {}
        _ = shutdown.changed() => {}
    }
    *shutdown.borrow()
}

/// Waits before a view's next catch-up: at least [`MIN_INTERVAL`], then until a commit
/// (this replica's, or on PostgreSQL another's, heard through LISTEN/NOTIFY: the server
/// merges both into `committed`), or a second at most, the poll that is the backstop
/// for a notification lost. Returns whether to stop.
///
/// At most one catch-up per interval: under load the writer commits hundreds of times a
/// second, and a view transaction per commit would contend with it for the database's
/// write lock. Entries simply arrive in bigger pages.
async fn wait_for_work(
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

/// When each id was last re-read, and those touched since then (with the first log
/// entry that touched each while it waited: a view does not reflect that entry yet).
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    last: HashMap<i64, Instant>,
    pending: HashMap<i64, i64>,
}

impl Throttle {
    /// Of `ids` (touched by entries from `from` on), those to re-read now (recorded as
    /// read); the rest wait until their interval has passed. `forced` ids are always
    /// due.
    pub(crate) fn split(
        &mut self,
        ids: impl IntoIterator<Item = i64>,
        forced: &HashSet<i64>,
        from: i64,
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
                let first = self.pending.entry(id).or_insert(from);
                *first = (*first).min(from);
            }
        }
        due
    }

    /// How many ids wait.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    /// The first log entry a waiting id was touched by: the view reflects the log only
    /// up to the entry before it. `None` when nothing waits.
    pub(crate) fn floor(&self) -> Option<i64> {
        self.pending.values().min().copied()
    }

    /// Waiting ids whose interval has passed.
    pub(crate) fn due(&self) -> HashSet<i64> {
        let now = Instant::now();
        self.pending
            .keys()
            .copied()
            .filter(|id| {
                self.last
                    .get(id)
                    .is_none_or(|t| now.duration_since(*t) >= RECHECK)
            })
            .collect()
    }
}

/// The position a view with deferred work reflects: what it `reached`, but not the
/// entry that touched the first id still waiting (`floor`) or anything after it.
pub(crate) fn below(reached: i64, floor: Option<i64>) -> i64 {
    floor.map_or(reached, |f| reached.min(f - 1))
}
