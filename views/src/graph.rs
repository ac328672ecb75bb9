//! The `lineage_graph` view: the in-memory lineage graph with PII propagation, built
//! from the store at start and kept current by following the change log.
//!
//! Unlike the views in the database, this one lives in memory, so it has no stored
//! cursor: every start loads current state (datasets, columns with detection, column
//! edges of every origin, run I/O as dataset edges, declared tags, review decisions),
//! propagates once, and then follows the log from the sequence number the load
//! reflected. Entries only say *what* changed (a run, a job, a dataset, a review); the
//! view re-reads the affected datasets' current state and applies the difference with
//! the graph's incremental methods, so one event costs work proportional to what it
//! touched, never a rebuild.
//!
//! Column edges derived from SQL are written by the `sql_lineage` view, after the log
//! entry that caused them; this view therefore never reads past that view's cursor, so
//! it sees a job's derived edges together with the run that caused them.
//!
//! Readers (the REST handlers) take a read lock on [`GraphCatalog`]; each page of the log
//! is applied under one short write lock, after its database reads are done.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use weft_lineage::FunctionRules;
use weft_lineage::graph::{
    ColumnRef, DatasetEdge, DatasetEdgeKey, DetectionRules, LineageGraph, NodeRef, Origin,
    PropagationRules, SourceKind, StoredEdge, StoredKey, TagKey,
};
use weft_schemas::change::{ReviewAction, TagReview};

use super::{DerivedView, Throttle};
use weft_store::graph_state::{ColumnEdgeRecord, ColumnTag, ColumnType, JobIo};
use weft_store::log::LogEntry;
use weft_store::reviews::Decision;
use weft_store::{Store, StoreError, now_micros};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// The view whose cursor bounds this one's: it writes the SQL-derived column edges.
const SQL_LINEAGE: &str = "sql_lineage";

/// Most dataset edges one job's run I/O puts into the graph: 1,000,000.
///
/// A job's edges are its inputs × outputs; the input limits allow 10,000 of each per
/// event, which would be 10⁸ edges. A million keeps every real job whole (a job of
/// 10,000 inputs and 100 outputs fits) and bounds the memory of a hostile one.
const MAX_IO_EDGES_PER_JOB: usize = 1_000_000;

/// How often edges are re-checked for staleness.
const STALE_CHECK: Duration = Duration::from_secs(60);

/// What the graph needs from configuration.
#[derive(Debug, Clone)]
pub struct GraphSettings {
    /// Detection rules: the defaults plus the deployment's additions.
    pub detection: DetectionRules,
    /// Propagation rules: the defaults plus the deployment's additions.
    pub propagation: PropagationRules,
    /// An edge not seen again within this many microseconds is marked stale.
    pub stale_after: i64,
}

impl Default for GraphSettings {
    fn default() -> Self {
        GraphSettings {
            detection: DetectionRules::default(),
            propagation: PropagationRules::default(),
            stale_after: 30 * 24 * 3600 * 1_000_000,
        }
    }
}

/// A dataset's public name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatasetName {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// The graph and the names the API needs to speak about its nodes.
#[derive(Debug)]
pub struct GraphCatalog {
    /// The graph itself.
    pub graph: LineageGraph,
    /// The rules it propagates by (the report uses the prefixes).
    pub rules: PropagationRules,
    names: HashMap<i64, DatasetName>,
    ids: HashMap<DatasetName, i64>,
    /// Current columns per dataset (name → type), as last read.
    columns: HashMap<i64, Vec<(String, Option<String>)>>,
    /// The state each dataset was last read at.
    seen: HashMap<i64, DatasetSeen>,
    /// Column-edge rows per target dataset, by key.
    in_edges: HashMap<i64, HashSet<StoredKey>>,
    /// Run-I/O dataset edges per job.
    io_edges: HashMap<i64, HashSet<DatasetEdgeKey>>,
    /// Inputs per job, and the jobs reading each dataset: a dataset's usage score (what
    /// orders capped children) is how many jobs read it, until query-log usage exists.
    job_inputs: HashMap<i64, Vec<i64>>,
    readers: HashMap<i64, HashSet<i64>>,
    /// Declared (column, tag) per dataset.
    declared: HashMap<i64, HashSet<(String, TagKey)>>,
    /// The log position the graph reflects.
    cursor: i64,
    /// Whether the initial load is done.
    ready: bool,
}

/// What a dataset looked like when the graph last read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct DatasetSeen {
    fields_digest: Option<Vec<u8>>,
    /// (rows, max first_seen, max last_seen, total transformation text length).
    edges: (i64, i64, i64, i64),
}

impl GraphCatalog {
    fn new(settings: &GraphSettings) -> GraphCatalog {
        GraphCatalog {
            graph: LineageGraph::new(
                PropagationRules::with_additions(&settings.propagation),
                FunctionRules::default(),
            ),
            rules: PropagationRules::with_additions(&settings.propagation),
            names: HashMap::new(),
            ids: HashMap::new(),
            columns: HashMap::new(),
            seen: HashMap::new(),
            in_edges: HashMap::new(),
            io_edges: HashMap::new(),
            job_inputs: HashMap::new(),
            readers: HashMap::new(),
            declared: HashMap::new(),
            cursor: 0,
            ready: false,
        }
    }

    /// A dataset's id, by name.
    pub fn dataset_id(&self, namespace: &str, name: &str) -> Option<i64> {
        self.ids
            .get(&DatasetName {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            })
            .copied()
    }

    /// A dataset's name, by id.
    pub fn dataset_name(&self, id: i64) -> Option<&DatasetName> {
        self.names.get(&id)
    }

    /// Every dataset of a namespace (ids, sorted by name).
    pub fn datasets_in(&self, namespace: &str) -> Vec<i64> {
        let mut out: Vec<(&str, i64)> = self
            .names
            .iter()
            .filter(|(_, n)| n.namespace == namespace)
            .map(|(&id, n)| (n.name.as_str(), id))
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, id)| id).collect()
    }

    /// A dataset's current columns with their types, in schema order.
    pub fn current_columns(&self, dataset: i64) -> &[(String, Option<String>)] {
        self.columns
            .get(&dataset)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether `column` is a current column of `dataset` or a node of the graph.
    pub fn knows_column(&self, dataset: i64, column: &str) -> bool {
        self.current_columns(dataset)
            .iter()
            .any(|(c, _)| c == column)
            || self.graph.tags_of(&ColumnRef::new(dataset, column)).is_ok()
    }

    /// The log position the graph reflects.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// The live tags of each dataset's columns (detected, propagated, declared, added
    /// or confirmed; rejected ones are not), sorted and without repeats, for datasets
    /// with any: what search counts as the tags a dataset carries through its columns.
    /// Walks only the present tags.
    pub fn live_column_tags(&self) -> HashMap<i64, Vec<String>> {
        self.graph
            .present_tags_by_dataset()
            .into_iter()
            .map(|(id, tags)| (id, tags.iter().map(|t| t.to_string()).collect()))
            .collect()
    }

    /// The live tags of one dataset's columns, as [`GraphCatalog::live_column_tags`]
    /// gives them (empty when it has none).
    pub fn live_column_tags_of(&self, dataset: i64) -> Vec<String> {
        self.graph
            .present_tags_of_dataset(dataset)
            .iter()
            .map(|t| t.to_string())
            .collect()
    }

    /// Whether a tag counts as personal data in reports: under a propagated prefix, or
    /// the pseudonymised form of one.
    pub fn is_pii(&self, tag: &str) -> bool {
        let under =
            |t: &str, p: &str| t == p || t.strip_prefix(p).is_some_and(|r| r.starts_with('.'));
        let pseudo = self.rules.pseudonymised_prefix.as_str();
        self.rules.propagate.iter().any(|p| {
            under(tag, p)
                || tag
                    .strip_prefix(pseudo)
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|r| under(r, p))
        })
    }
}

/// A shared handle on the graph: what the API holds.
#[derive(Clone, Debug)]
pub struct GraphHandle {
    inner: Arc<RwLock<GraphCatalog>>,
    progress: watch::Receiver<i64>,
    pending: Arc<std::sync::atomic::AtomicI64>,
    position: Arc<std::sync::atomic::AtomicI64>,
}

/// The graph is still being loaded.
#[derive(Debug, Clone, Copy)]
pub struct NotReady;

impl GraphHandle {
    /// Read access, once the initial load is done.
    pub fn read(&self) -> Result<RwLockReadGuard<'_, GraphCatalog>, NotReady> {
        let g = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if g.ready { Ok(g) } else { Err(NotReady) }
    }

    /// The last log entry the graph reflects.
    pub fn seq(&self) -> i64 {
        *self.progress.borrow()
    }

    /// The last log entry every read of the graph reflects: [`GraphHandle::seq`], but
    /// not past a job or dataset still waiting to be re-read.
    pub fn position(&self) -> i64 {
        self.position.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Jobs and datasets touched too recently to be re-read yet: the graph reflects
    /// them a few seconds later.
    pub fn pending(&self) -> i64 {
        self.pending.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits (up to `timeout`) until the graph reflects log entry `seq`; returns whether
    /// it does.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let mut rx = self.progress.clone();
        let wait = rx.wait_for(|&c| c >= seq);
        matches!(tokio::time::timeout(timeout, wait).await, Ok(Ok(_)))
    }
}

/// The view over the graph, run by [`crate::spawn`]: loads the graph when it starts,
/// then follows the log up to the SQL view's cursor.
pub struct LineageGraphView {
    follower: Follower,
    progress: watch::Sender<i64>,
    pending: Arc<std::sync::atomic::AtomicI64>,
    position: Arc<std::sync::atomic::AtomicI64>,
    /// When edges were last checked for staleness.
    last_stale: Instant,
}

impl LineageGraphView {
    /// A view that will load the graph with `settings`, and the handle the API reads it
    /// through (not ready until the view has started).
    pub fn new(store: Store, settings: GraphSettings) -> (LineageGraphView, GraphHandle) {
        let inner = Arc::new(RwLock::new(GraphCatalog::new(&settings)));
        let (progress_tx, progress) = watch::channel(0i64);
        let pending = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let position = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let handle = GraphHandle {
            inner: inner.clone(),
            progress,
            pending: pending.clone(),
            position: position.clone(),
        };
        let view = LineageGraphView {
            follower: Follower {
                store,
                settings,
                inner,
                throttle: Default::default(),
                position: position.clone(),
            },
            progress: progress_tx,
            pending,
            position,
            last_stale: Instant::now(),
        };
        (view, handle)
    }
}

impl DerivedView for LineageGraphView {
    type Error = StoreError;

    fn name(&self) -> &'static str {
        "lineage_graph"
    }

    /// Loads current state whole; entries up to the SQL view's cursor are reflected.
    async fn start(&mut self, _store: &Store) -> Result<bool, StoreError> {
        self.follower.load().await?;
        self.follower.mark_stale();
        Ok(true)
    }

    /// The log position the graph reflects, kept with the graph in memory.
    async fn cursor(&self, _store: &Store) -> Result<i64, StoreError> {
        Ok(self
            .follower
            .inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .cursor)
    }

    /// The SQL view's cursor: past it, a job's derived edges may not be written yet.
    async fn bound(&self, store: &Store) -> Result<Option<i64>, StoreError> {
        Ok(Some(store.view_cursor(SQL_LINEAGE).await?))
    }

    async fn apply(&mut self, _store: &Store, entries: &[LogEntry]) -> Result<(), StoreError> {
        self.follower.apply_page(entries).await
    }

    /// Re-reads what waited out its interval, then tells readers how far the graph is.
    async fn after(&mut self, _store: &Store, reached: i64) -> Result<(), StoreError> {
        self.follower.apply_due().await?;
        let (waiting, floor) = {
            let t = self.follower.throttle();
            (t.0.pending() + t.1.pending(), floor(&t))
        };
        self.pending
            .store(waiting as i64, std::sync::atomic::Ordering::Relaxed);
        self.position.store(
            super::below(reached, floor),
            std::sync::atomic::Ordering::Release,
        );
        let _ = self.progress.send(reached);
        Ok(())
    }

    /// Not past a job or dataset still waiting to be re-read.
    fn position(&self, _reached: i64) -> i64 {
        self.position.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks edges not seen within the configured window stale, once a minute.
    async fn upkeep(&mut self, _store: &Store) {
        if self.last_stale.elapsed() >= STALE_CHECK {
            self.last_stale = Instant::now();
            self.follower.mark_stale();
        }
    }

    /// Loads the graph again from current state (the graph has no state of its own to
    /// forget: it is current state, in memory).
    async fn reset(&mut self, _store: &Store) -> Result<(), StoreError> {
        *self.follower.write() = GraphCatalog::new(&self.follower.settings);
        self.follower.load().await
    }
}

/// The first log entry a waiting job or dataset was touched by.
fn floor(t: &(Throttle, Throttle)) -> Option<i64> {
    t.0.floor().into_iter().chain(t.1.floor()).min()
}

struct Follower {
    store: Store,
    settings: GraphSettings,
    inner: Arc<RwLock<GraphCatalog>>,
    /// Jobs and datasets touched too recently to be re-read yet.
    throttle: std::sync::Mutex<(Throttle, Throttle)>,
    /// [`GraphHandle::position`], set by a load: a reader that finds the graph ready
    /// must not find the position of before the load (a view following the graph
    /// would take the whole log for news).
    position: Arc<std::sync::atomic::AtomicI64>,
}

/// What one step read from the store, applied under the write lock.
#[derive(Default)]
struct Reading {
    names: Vec<(i64, DatasetName)>,
    seen: Vec<(i64, DatasetSeen)>,
    /// Datasets whose columns were re-read.
    columns: HashMap<i64, Vec<(String, Option<String>)>>,
    /// Datasets whose edges were re-read: their full set of rows.
    edges: HashMap<i64, Vec<EdgeRow>>,
    /// Jobs whose I/O was re-read: (inputs, outputs, updated_at).
    io: HashMap<i64, (Vec<i64>, Vec<i64>, i64)>,
    /// Datasets whose declared tags were re-read.
    tags: HashMap<i64, HashSet<(String, TagKey)>>,
    /// Review decisions, in log order.
    reviews: Vec<TagReview>,
}

impl Reading {
    /// A declared column tag.
    fn tag_row(&mut self, t: ColumnTag) {
        if let Some(tag) = tag_of(&t.key, t.value.as_deref()) {
            self.tags
                .entry(t.dataset)
                .or_default()
                .insert((t.column, tag));
        }
    }

    /// A dataset a job reads or writes; returns the dataset.
    fn io_row(&mut self, r: JobIo) -> i64 {
        let e = self.io.entry(r.job).or_default();
        if r.output {
            e.1.push(r.dataset);
        } else {
            e.0.push(r.dataset);
        }
        e.2 = e.2.max(r.updated_at);
        r.dataset
    }

    /// A current column with its type.
    fn column_row(&mut self, c: ColumnType) {
        self.columns
            .entry(c.dataset)
            .or_default()
            .push((c.name, c.data_type));
    }
}

/// A column edge as the store has it.
type EdgeRow = ColumnEdgeRecord;

/// The graph's view of a stored column edge.
fn stored(r: &EdgeRow) -> StoredEdge<'_> {
    StoredEdge {
        dst_dataset: r.dst_dataset,
        dst_column: &r.dst_column,
        src_dataset: r.src_dataset,
        src_column: &r.src_column,
        job: r.job,
        origin: &r.origin,
        transformations: &r.transformations,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
    }
}

fn tag_of(key: &str, value: Option<&str>) -> Option<TagKey> {
    TagKey::from_openlineage(key, value.unwrap_or_default()).ok()
}

impl Follower {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, GraphCatalog> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    fn throttle(&self) -> std::sync::MutexGuard<'_, (Throttle, Throttle)> {
        self.throttle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads current state whole and builds the graph, propagating once at the end.
    async fn load(&self) -> Result<(), StoreError> {
        let started = Instant::now();
        // Everything up to the SQL view's cursor is reflected by what is read next
        // (entries after it are re-applied later, which is idempotent).
        let bound = self.store.view_cursor(SQL_LINEAGE).await?;
        let mut reading = Reading::default();
        let mut reader = self.store.state_reader().await?;
        for d in reader.all_dataset_heads().await? {
            let id = d.id;
            reading.names.push((
                id,
                DatasetName {
                    namespace: d.namespace,
                    name: d.name,
                },
            ));
            reading.seen.push((
                id,
                DatasetSeen {
                    fields_digest: d.fields_digest,
                    edges: (0, 0, 0, 0),
                },
            ));
            reading.columns.insert(id, Vec::new());
            reading.edges.insert(id, Vec::new());
            reading.tags.insert(id, HashSet::new());
        }
        for c in reader.all_column_types().await? {
            reading.column_row(c);
        }
        for row in reader.all_column_edges().await? {
            reading.edges.entry(row.dst_dataset).or_default().push(row);
        }
        for r in reader.all_job_io().await? {
            reading.io_row(r);
        }
        for t in reader.all_column_tags().await? {
            reading.tag_row(t);
        }
        drop(reader);
        let reviews = self.store.reviews(None).await?;
        let signatures = edge_signatures(&reading.edges);
        for (id, seen) in &mut reading.seen {
            seen.edges = signatures.get(id).copied().unwrap_or_default();
        }

        let mut cat = self.write();
        cat.graph.set_deferred(true);
        apply(&mut cat, &self.settings, reading);
        for r in &reviews {
            let column = ColumnRef::new(r.dataset_id, &r.column);
            let Ok(tag) = TagKey::parse(&r.tag) else {
                continue;
            };
            cat.graph.add_column(r.dataset_id, &r.column);
            let mut outcome = Ok(());
            if r.manual {
                outcome = cat.graph.add_manual(&column, &tag);
            }
            outcome = outcome.and(match r.decision {
                Some(Decision::Confirmed) => cat.graph.confirm(&column, &tag),
                Some(Decision::Rejected) => cat.graph.reject(&column, &tag),
                None => Ok(()),
            });
            if let Err(e) = outcome {
                tracing::warn!(error = %e, "review not replayed");
            }
        }
        cat.graph.set_deferred(false);
        cat.cursor = bound;
        // Nothing waits to be re-read after a load: the graph reflects `bound`. Stored
        // before `ready` is visible, under the write lock.
        self.position
            .store(bound, std::sync::atomic::Ordering::Release);
        cat.ready = true;
        tracing::info!(
            datasets = cat.graph.dataset_count(),
            columns = cat.graph.column_count(),
            edges = cat.graph.edge_count(),
            tagged = cat.graph.tagged_pair_count(),
            ms = started.elapsed().as_millis() as u64,
            "lineage graph loaded"
        );
        Ok(())
    }

    /// Applies one page of the log (entries after the cursor, up to the SQL view's
    /// cursor): re-reads what it touched and applies the difference.
    async fn apply_page(&self, entries: &[LogEntry]) -> Result<(), StoreError> {
        let cursor = self.inner.read().unwrap_or_else(|e| e.into_inner()).cursor;
        let Some(last) = entries.last().map(|e| e.seq) else {
            return Ok(());
        };
        let none = HashSet::new();
        let first = entries.first().map_or(last, |e| e.seq);
        let mut reading = self.read_changes(entries, &none, &none, first).await?;
        if entries.iter().any(|e| e.kind == "tag.review") {
            for e in self.store.read_log(cursor, last - cursor, true).await? {
                if e.kind != "tag.review" {
                    continue;
                }
                match e.payload.as_deref().map(serde_json::from_str::<TagReview>) {
                    Some(Ok(r)) => reading.reviews.push(r),
                    Some(Err(err)) => {
                        tracing::warn!(seq = e.seq, error = %err, "unreadable review")
                    }
                    None => {}
                }
            }
        }
        let mut cat = self.write();
        apply(&mut cat, &self.settings, reading);
        cat.cursor = last;
        Ok(())
    }

    /// Re-reads the jobs and datasets whose wait is over.
    async fn apply_due(&self) -> Result<(), StoreError> {
        let (jobs, datasets, from) = {
            let t = self.throttle();
            // What a due job's datasets wait for was touched no earlier than the job.
            let from = floor(&t).unwrap_or(i64::MAX);
            (t.0.due(), t.1.due(), from)
        };
        if !jobs.is_empty() || !datasets.is_empty() {
            let reading = self.read_changes(&[], &jobs, &datasets, from).await?;
            apply(&mut self.write(), &self.settings, reading);
        }
        Ok(())
    }

    fn mark_stale(&self) {
        let window = self.settings.stale_after;
        let mut cat = self.write();
        let n = cat.graph.mark_stale(now_micros(), window);
        if n > 0 {
            tracing::info!(edges = n, "lineage edges marked stale");
        }
    }

    /// Reads what the entries touched: their jobs' I/O, and those datasets' names,
    /// columns (when their schema changed), column edges (when their edge signature
    /// changed) and declared tags.
    async fn read_changes(
        &self,
        entries: &[LogEntry],
        due_jobs: &HashSet<i64>,
        due_datasets: &HashSet<i64>,
        from: i64,
    ) -> Result<Reading, StoreError> {
        let mut reading = Reading::default();
        let mut reader = self.store.state_reader().await?;
        let named = super::touched(&mut reader, &self.store, entries).await?;
        let mut jobs: HashSet<i64> = due_jobs.clone();
        jobs.extend(named.jobs);
        // Datasets named by the entries themselves (a dataset event, a retraction) and
        // those whose wait is over are read now.
        let mut forced: HashSet<i64> = due_datasets.clone();
        forced.extend(named.datasets);
        let mut datasets: HashSet<i64> = forced.clone();
        let jobs: Vec<i64> = self.throttle().0.split(jobs, due_jobs, from);
        for chunk in jobs.chunks(CHUNK) {
            for &j in chunk {
                reading.io.insert(j, (Vec::new(), Vec::new(), 0));
            }
            for r in reader.job_io(chunk).await? {
                datasets.insert(reading.io_row(r));
            }
        }
        let datasets: Vec<i64> = self.throttle().1.split(datasets, &forced, from);
        let (known, seen): (HashSet<i64>, HashMap<i64, DatasetSeen>) = {
            let cat = self.inner.read().unwrap_or_else(|e| e.into_inner());
            (
                datasets
                    .iter()
                    .copied()
                    .filter(|d| cat.names.contains_key(d))
                    .collect(),
                datasets
                    .iter()
                    .filter_map(|d| cat.seen.get(d).map(|s| (*d, s.clone())))
                    .collect(),
            )
        };
        for chunk in datasets.chunks(CHUNK) {
            let mut now: HashMap<i64, DatasetSeen> = HashMap::new();
            for d in reader.dataset_heads(chunk).await? {
                let id = d.id;
                if !known.contains(&id) {
                    reading.names.push((
                        id,
                        DatasetName {
                            namespace: d.namespace,
                            name: d.name,
                        },
                    ));
                }
                now.entry(id).or_default().fields_digest = d.fields_digest;
            }
            for e in reader.edge_signatures(chunk).await? {
                now.entry(e.dataset).or_default().edges =
                    (e.rows, e.first_seen, e.last_seen, e.transformations_len);
            }
            let schema_changed: Vec<i64> = chunk
                .iter()
                .copied()
                .filter(|d| {
                    seen.get(d).map(|s| &s.fields_digest)
                        != Some(&now.get(d).cloned().unwrap_or_default().fields_digest)
                })
                .collect();
            let edges_changed: Vec<i64> = chunk
                .iter()
                .copied()
                .filter(|d| {
                    seen.get(d).map(|s| s.edges)
                        != Some(now.get(d).cloned().unwrap_or_default().edges)
                })
                .collect();
            if !schema_changed.is_empty() {
                for &d in &schema_changed {
                    reading.columns.insert(d, Vec::new());
                }
                for c in reader.column_types(&schema_changed).await? {
                    reading.column_row(c);
                }
            }
            if !edges_changed.is_empty() {
                for &d in &edges_changed {
                    reading.edges.insert(d, Vec::new());
                }
                for row in reader.column_edges_into(&edges_changed).await? {
                    reading.edges.entry(row.dst_dataset).or_default().push(row);
                }
            }
            for &d in chunk {
                reading.tags.insert(d, HashSet::new());
            }
            for t in reader.column_tags(chunk).await? {
                reading.tag_row(t);
            }
            reading.seen.extend(now);
        }
        Ok(reading)
    }
}

fn edge_signatures(edges: &HashMap<i64, Vec<EdgeRow>>) -> HashMap<i64, (i64, i64, i64, i64)> {
    edges
        .iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(&d, rows)| {
            let sig = rows.iter().fold((0, 0, 0, 0), |(n, f, l, t), r| {
                (
                    n + 1,
                    f.max(r.first_seen),
                    l.max(r.last_seen),
                    t + r.transformations.len() as i64,
                )
            });
            (d, sig)
        })
        .collect()
}

/// Applies a reading to the graph: the difference between what it says and what the
/// graph holds, through the graph's incremental methods.
fn apply(cat: &mut GraphCatalog, settings: &GraphSettings, reading: Reading) {
    for (id, name) in reading.names {
        cat.graph.add_dataset(id);
        cat.ids.insert(name.clone(), id);
        cat.names.insert(id, name);
    }
    for (id, seen) in reading.seen {
        cat.seen.insert(id, seen);
    }
    for (dataset, columns) in reading.columns {
        let before: HashSet<String> = cat
            .columns
            .get(&dataset)
            .map(|c| c.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default();
        for (name, data_type) in &columns {
            let column = ColumnRef::new(dataset, name);
            if before.contains(name) {
                continue;
            }
            cat.graph.add_column(dataset, name);
            cat.graph
                .detect(&settings.detection, &column, data_type.as_deref());
        }
        // A column gone from the schema loses its detections (its edges and declared
        // tags follow the store's own rows).
        for name in &before {
            if !columns.iter().any(|(n, _)| n == name) {
                let column = ColumnRef::new(dataset, name);
                if let Ok(tags) = cat.graph.tags_of(&column) {
                    for t in tags.iter().filter(|t| t.detected_by.is_some()) {
                        if let Ok(key) = TagKey::parse(&t.tag) {
                            let _ = cat.graph.remove_source(&column, &key, SourceKind::Detected);
                        }
                    }
                }
            }
        }
        cat.columns.insert(dataset, columns);
    }
    for (dataset, rows) in reading.edges {
        let mut now: HashSet<StoredKey> = HashSet::with_capacity(rows.len());
        for row in &rows {
            let stored = stored(row);
            match cat.graph.upsert_stored(&stored) {
                Ok(_) => {
                    if let Ok(k) = stored.key() {
                        now.insert(k);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "column edge not loaded"),
            }
        }
        if let Some(before) = cat.in_edges.get(&dataset) {
            let gone: Vec<StoredKey> = before.difference(&now).cloned().collect();
            for k in gone {
                match k {
                    StoredKey::Column(k) => cat.graph.retract_column_edge(&k),
                    StoredKey::Dataset(k) => cat.graph.retract_dataset_edge(&k),
                };
            }
        }
        cat.in_edges.insert(dataset, now);
    }
    for (job, (inputs, outputs, at)) in reading.io {
        let mut now: HashSet<DatasetEdgeKey> = HashSet::new();
        // The graph holds a job's run I/O as dataset edges, inputs × outputs of them;
        // past MAX_IO_EDGES_PER_JOB the rest are left out (and said so) rather than
        // letting one job of 10,000 inputs and 10,000 outputs hold 10⁸ edges.
        let pairs = inputs.len().saturating_mul(outputs.len());
        if pairs > MAX_IO_EDGES_PER_JOB {
            tracing::warn!(
                job,
                inputs = inputs.len(),
                outputs = outputs.len(),
                kept = MAX_IO_EDGES_PER_JOB,
                "job has more input-output pairs than the lineage graph keeps per job"
            );
        }
        'pairs: for &dst in &outputs {
            for &src in &inputs {
                if src == dst {
                    continue;
                }
                if now.len() >= MAX_IO_EDGES_PER_JOB {
                    break 'pairs;
                }
                let key = DatasetEdgeKey {
                    src,
                    src_column: None,
                    dst,
                    origin: Origin::OpenLineage,
                    job: Some(job),
                };
                cat.graph.upsert_dataset_edge(&DatasetEdge {
                    key: key.clone(),
                    transformations: Vec::new(),
                    first_seen: at,
                    last_seen: at,
                });
                now.insert(key);
            }
        }
        if let Some(before) = cat.io_edges.get(&job) {
            let gone: Vec<DatasetEdgeKey> = before.difference(&now).cloned().collect();
            for k in gone {
                cat.graph.retract_dataset_edge(&k);
            }
        }
        cat.io_edges.insert(job, now);
        let before = cat
            .job_inputs
            .insert(job, inputs.clone())
            .unwrap_or_default();
        let mut touched: HashSet<i64> = HashSet::new();
        // A set, not the list: `contains` on the list made each run of a job with
        // n inputs cost n² comparisons.
        let current: HashSet<i64> = inputs.iter().copied().collect();
        for d in before.iter().filter(|d| !current.contains(d)) {
            if let Some(r) = cat.readers.get_mut(d) {
                r.remove(&job);
            }
            touched.insert(*d);
        }
        for &d in &inputs {
            if cat.readers.entry(d).or_default().insert(job) {
                touched.insert(d);
            }
        }
        for d in touched {
            let usage = cat.readers.get(&d).map_or(0, HashSet::len) as u64;
            let _ = cat.graph.set_usage(&NodeRef::Dataset(d), usage);
        }
    }
    for (dataset, tags) in reading.tags {
        let before = cat.declared.remove(&dataset).unwrap_or_default();
        for (column, tag) in tags.difference(&before) {
            cat.graph
                .add_declared(&ColumnRef::new(dataset, column), tag);
        }
        for (column, tag) in before.difference(&tags) {
            let _ = cat.graph.remove_source(
                &ColumnRef::new(dataset, column),
                tag,
                SourceKind::Declared,
            );
        }
        if !tags.is_empty() {
            cat.declared.insert(dataset, tags);
        }
    }
    for r in reading.reviews {
        let Some(dataset) = cat.dataset_id(&r.namespace, &r.dataset) else {
            continue;
        };
        let Ok(tag) = TagKey::parse(&r.tag) else {
            continue;
        };
        let column = ColumnRef::new(dataset, &r.column);
        cat.graph.add_column(dataset, &r.column);
        let outcome = match r.action {
            ReviewAction::Confirm => cat.graph.confirm(&column, &tag),
            ReviewAction::Reject => cat.graph.reject(&column, &tag),
            ReviewAction::Clear => cat.graph.clear_decision(&column, &tag),
            ReviewAction::Add => cat.graph.add_manual(&column, &tag),
            ReviewAction::Remove => cat.graph.remove_source(&column, &tag, SourceKind::Manual),
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "review not applied to the graph");
        }
    }
}
