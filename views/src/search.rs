//! The `search` view: the Tantivy index of datasets, kept current from the change log.
//!
//! The index lives on local disk (`<data-dir>/search`), one per server, so its cursor
//! is kept beside it (`cursor`, written after each commit) rather than in the shared
//! `view_cursors` table: two replicas on one PostgreSQL database each index for
//! themselves. Each page of the log names the datasets it may have changed
//! ([`super::touched_datasets`]); their documents are rebuilt from current state and
//! replaced. An index that fails to open (missing, corrupt, from another version) is
//! deleted and rebuilt from the log, so a bad index never stops the server.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use weft_search::index::{DatasetDoc, JobDoc, SearchIndex};
use weft_search::rank::{Signals, Weights};

use super::DerivedView;
use super::graph::GraphHandle;
pub use crate::live_tags::ColumnTags;
use crate::live_tags::LiveTags;
use weft_store::log::LogEntry;
use weft_store::log_subjects::Named;
use weft_store::state_reader::StateReader;
use weft_store::{Store, StoreError};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;
/// Changes become searchable this often (well within a second of the push).
const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// A shared handle on the index: what the API holds.
#[derive(Clone)]
pub struct SearchHandle {
    inner: Arc<RwLock<Option<SearchIndex>>>,
}

impl std::fmt::Debug for SearchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchHandle")
    }
}

impl SearchHandle {
    /// Read access; `None` inside while the index is being opened or rebuilt.
    pub fn read(&self) -> RwLockReadGuard<'_, Option<SearchIndex>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a full rebuild indexed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReindexSummary {
    /// Datasets indexed (each with its column documents).
    pub datasets: usize,
    /// Jobs indexed.
    pub jobs: usize,
    /// The log position the index reflects.
    pub seq: i64,
}

/// Rebuilds the whole index from current state, not from the log: with a bulk writer
/// (two threads, more memory) and pages of datasets and jobs, so a catalog of 100,000
/// datasets is indexed in seconds. The index reflects the log up to the returned
/// sequence number, read before the state is. Column tags come from `column_tags` (the
/// graph's, when there is one; a server adds what is missing once its graph is loaded).
pub async fn reindex(
    store: &Store,
    index: &mut SearchIndex,
    column_tags: &ColumnTags,
) -> Result<ReindexSummary, ReindexError> {
    rebuild(store, index, column_tags).await.map(|(s, _)| s)
}

/// [`reindex`], also returning the PageRank the documents were ranked with: a view that
/// goes on following the log keeps it, so documents it indexes next agree with the
/// rebuilt ones until the next scheduled recomputation.
async fn rebuild(
    store: &Store,
    index: &mut SearchIndex,
    column_tags: &ColumnTags,
) -> Result<(ReindexSummary, Ranks), ReindexError> {
    let seq = store.last_seq().await?;
    index.clear()?;
    index.begin_bulk(2, 256_000_000)?;
    let mut reader = store.state_reader().await?;
    let mut ranks = Ranks::default();
    ranks.refresh(&mut reader).await?;
    let mut summary = ReindexSummary {
        seq,
        ..ReindexSummary::default()
    };
    for (table, is_job) in [(Named::Datasets, false), (Named::Jobs, true)] {
        let mut after = 0i64;
        loop {
            let ids = reader.id_page(table, after).await?;
            let Some(&last) = ids.last() else { break };
            after = last;
            if is_job {
                for d in job_documents(&mut reader, &ids).await? {
                    index.upsert_job(&d)?;
                    summary.jobs += 1;
                }
            } else {
                for d in documents(&mut reader, store, &ids, &ranks, column_tags).await? {
                    index.upsert(&d)?;
                    summary.datasets += 1;
                }
            }
        }
    }
    index.end_bulk()?;
    Ok((summary, ranks))
}

/// Why a full rebuild, or following the log, failed.
#[derive(Debug, thiserror::Error)]
pub enum ReindexError {
    /// Reading current state failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index refused (locked by a running server, disk full…).
    #[error(transparent)]
    Search(#[from] weft_search::index::SearchError),
    /// The cursor file could not be written.
    #[error("search cursor: {0}")]
    Io(#[from] std::io::Error),
}

/// `weft reindex`: rebuilds the index under `dir` from the store, offline. Fails while
/// a server holds the index open.
pub async fn reindex_dir(
    store: &Store,
    dir: &Path,
    weights: &Weights,
) -> Result<ReindexSummary, ReindexError> {
    let mut index = SearchIndex::open(&dir.join("index"))?;
    index.set_weights(*weights);
    // Documents without column tags: a server started on them compares every dataset's.
    match std::fs::remove_file(dir.join(BASELINE_FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let summary = reindex(store, &mut index, &ColumnTags::new()).await?;
    write_marks(dir, summary.seq, weights)?;
    Ok(summary)
}

/// What the stored documents hold beyond their weights: bumped when a document gains
/// something every document must have (the marks beside the prior's factors), so an
/// index built before is rebuilt like one ranked with other weights.
const DOCUMENTS: &str = "documents 2";

/// What the `weights` file beside the index says: the document format and the weights.
fn weights_stamp(weights: &Weights) -> String {
    format!("{DOCUMENTS}; {weights:?}")
}

/// The cursor and the weights the documents were ranked with, beside the index.
fn write_marks(dir: &Path, seq: i64, weights: &Weights) -> std::io::Result<()> {
    std::fs::write(dir.join("weights"), weights_stamp(weights))?;
    std::fs::write(dir.join("cursor"), seq.to_string())
}

/// How long a rebuild waits for the lineage graph's column tags (a 100,000-dataset
/// graph loads in well under a minute on two cores).
const GRAPH_LOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The view over the index in a directory, run by [`crate::spawn`]: opens the index
/// (rebuilding it from current state when it is new, unreadable or ranked with other
/// weights), then follows the log, committing at most twice a second.
pub struct SearchView {
    handle: SearchHandle,
    dir: PathBuf,
    weights: Weights,
    refresh_every: std::time::Duration,
    /// When priors were last refreshed.
    refreshed: std::time::Instant,
    follow: Follow,
    /// The log position the index reflects (the `cursor` file has it as of the last
    /// commit).
    cursor: i64,
    /// The log position searches see: committed, not waiting for a re-index, and with
    /// the graph's column tags read at least that far.
    visible: i64,
}

impl SearchView {
    /// A view over the index in `dir`, ranking with `weights` and refreshing every
    /// document's priors every `refresh_every`, and the handle the API searches through
    /// (empty until the view has started).
    pub fn new(
        graph: GraphHandle,
        dir: PathBuf,
        weights: Weights,
        refresh_every: std::time::Duration,
    ) -> (SearchView, SearchHandle) {
        let handle = SearchHandle {
            inner: Arc::new(RwLock::new(None)),
        };
        let view = SearchView {
            handle: handle.clone(),
            dir,
            weights,
            refresh_every,
            refreshed: std::time::Instant::now(),
            follow: Follow {
                throttle: super::Throttle::default(),
                committed_at: std::time::Instant::now(),
                ranks: Ranks::default(),
                dirty: false,
                live: LiveTags::new(graph),
                baseline: Baseline::default(),
            },
            cursor: 0,
            visible: 0,
        };
        (view, handle)
    }

    fn install(&self, index: SearchIndex) {
        *self.handle.inner.write().unwrap_or_else(|e| e.into_inner()) = Some(index);
    }
}

impl DerivedView for SearchView {
    type Error = ReindexError;

    fn name(&self) -> &'static str {
        "search"
    }

    /// Opens the index; one that cannot be opened at all leaves search unavailable.
    async fn start(&mut self, store: &Store) -> Result<bool, ReindexError> {
        self.cursor = match open(&self.dir, &self.weights) {
            Ok((mut index, 0)) => {
                // New, unreadable, or ranked with other weights: rebuilt from current
                // state, which is much faster than replaying the log. With the graph's
                // column tags when it loads in time; else datasets are indexed again as
                // their tags arrive.
                self.follow.baseline.present = true;
                self.follow.baseline.invalidate(&self.dir);
                if !self.follow.live.wait_loaded(GRAPH_LOAD_WAIT).await {
                    tracing::info!(
                        "lineage graph still loading; search index rebuilt without column tags first"
                    );
                }
                let started = std::time::Instant::now();
                match rebuild(store, &mut index, self.follow.live.tags()).await {
                    Ok((s, ranks)) => {
                        self.follow.ranks = ranks;
                        if let Err(e) = write_marks(&self.dir, s.seq, &self.weights) {
                            tracing::warn!(error = %e, "search cursor not written");
                        }
                        tracing::info!(datasets = s.datasets, jobs = s.jobs, took = ?started.elapsed(), "search index rebuilt");
                        self.install(index);
                        // The rebuild committed documents with exactly these tags.
                        let follow = &mut self.follow;
                        follow.baseline.write(&self.dir, follow.live.tags(), true);
                        s.seq
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "search index rebuild failed; following the log instead");
                        self.install(index);
                        0
                    }
                }
            }
            Ok((index, cursor)) => {
                self.install(index);
                if let Some(tags) = Baseline::read(&self.dir) {
                    self.follow.live.assume(tags);
                    self.follow.baseline.present = true;
                }
                cursor
            }
            Err(e) => {
                tracing::error!(error = %e, dir = %self.dir.display(), "search index unavailable");
                return Ok(false);
            }
        };
        Ok(true)
    }

    /// The position kept beside the index, not in the shared `view_cursors`.
    async fn cursor(&self, _store: &Store) -> Result<i64, ReindexError> {
        Ok(self.cursor)
    }

    /// Tags change without the dataset changing ([`crate::live_tags`]): whenever the
    /// graph has moved, the datasets whose live column tags differ are re-indexed (not
    /// throttled: decisions are rare and people look for their effect).
    async fn before(&mut self, store: &Store) -> Result<(), ReindexError> {
        let Follow {
            ranks,
            dirty,
            live,
            baseline,
            ..
        } = &mut self.follow;
        if let Some(changed) = live.refresh()
            && !changed.is_empty()
        {
            baseline.invalidate(&self.dir);
            let mut reader = store.state_reader().await?;
            index_datasets(
                &mut reader,
                store,
                &self.handle,
                &changed,
                ranks,
                live.tags(),
            )
            .await?;
            *dirty = true;
        }
        Ok(())
    }

    async fn apply(&mut self, store: &Store, entries: &[LogEntry]) -> Result<(), ReindexError> {
        let Some(last) = entries.last().map(|e| e.seq) else {
            return Ok(());
        };
        let follow = &mut self.follow;
        let none = HashSet::new();
        let mut reader = store.state_reader().await?;
        let super::Touched { jobs, .. } = super::touched(&mut reader, store, entries).await?;
        let touched = super::touched_datasets(&mut reader, store, entries).await?;
        // A new dataset is indexed at once; one indexed in the last few seconds waits
        // (a busy job's output would otherwise be re-indexed on every run). Job ids
        // are another id space: they are throttled apart, under negated keys.
        let first = entries.first().map_or(last, |e| e.seq);
        let ids = follow.throttle.split(touched, &none, first);
        let job_ids: Vec<i64> = follow
            .throttle
            .split(jobs.into_iter().map(|j| -j), &none, first)
            .into_iter()
            .map(|j| -j)
            .collect();
        follow
            .index(&mut reader, store, &self.handle, &ids, &job_ids)
            .await?;
        follow.dirty |= !ids.is_empty() || !job_ids.is_empty();
        self.cursor = last;
        Ok(())
    }

    /// Indexes what waited out its interval, then commits if a commit is due.
    async fn after(&mut self, store: &Store, reached: i64) -> Result<(), ReindexError> {
        let follow = &mut self.follow;
        let handle = &self.handle;
        let due: Vec<i64> = follow.throttle.due().into_iter().collect();
        if !due.is_empty() {
            let ids = follow.throttle.split(due, &HashSet::new(), i64::MAX);
            let mut reader = store.state_reader().await?;
            let (jobs, datasets): (Vec<i64>, Vec<i64>) = ids.into_iter().partition(|&i| i < 0);
            let jobs: Vec<i64> = jobs.into_iter().map(|j| -j).collect();
            follow
                .index(&mut reader, store, handle, &datasets, &jobs)
                .await?;
            follow.dirty = true;
        }
        let Follow {
            committed_at,
            dirty,
            ..
        } = follow;
        // At most two commits a second: each commit writes a segment, and many small
        // segments cost merges. The cursor is recorded only after the commit; when nothing
        // was indexed it is recorded at the same pace without a commit.
        if committed_at.elapsed() >= COMMIT_EVERY {
            if *dirty {
                commit(handle)?;
                *dirty = false;
            }
            std::fs::write(self.dir.join("cursor"), reached.to_string())?;
            *committed_at = std::time::Instant::now();
        }
        if !*dirty {
            // Everything indexed is committed: searches see up to `reached`, but not
            // what waits to be re-indexed, nor past the graph tags were read at.
            if follow.live.position().is_some() {
                follow.baseline.write(&self.dir, follow.live.tags(), false);
            }
            let tags_at = follow.live.position().unwrap_or(0);
            self.visible = super::below(reached, follow.throttle.floor()).min(tags_at);
        }
        Ok(())
    }

    /// What searches see (see `visible`), not what was applied.
    fn position(&self, _reached: i64) -> i64 {
        self.visible
    }

    /// Refreshes every document's priors every `refresh_every`.
    async fn upkeep(&mut self, store: &Store) {
        if self.refreshed.elapsed() >= self.refresh_every {
            self.refreshed = std::time::Instant::now();
            match refresh_all(store, &self.handle, &mut self.follow).await {
                Ok(n) => {
                    tracing::info!(documents = n, took = ?self.refreshed.elapsed(), "search priors refreshed")
                }
                Err(e) => tracing::warn!(error = %e, "search refresh failed; will retry"),
            }
        }
    }

    /// Indexed but not yet committed (commits are spaced): come back when the commit is
    /// due, not at the next log entry, or a lone push would wait for the poll interval
    /// to become searchable.
    fn next_round(&self) -> Option<std::time::Duration> {
        self.follow
            .dirty
            .then(|| COMMIT_EVERY.saturating_sub(self.follow.committed_at.elapsed()))
    }

    /// Empties the index; the next catch-up indexes the whole log again.
    async fn reset(&mut self, _store: &Store) -> Result<(), ReindexError> {
        if let Some(index) = self
            .handle
            .inner
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            index.clear()?;
        }
        self.follow.baseline.present = true;
        self.follow.baseline.invalidate(&self.dir);
        self.cursor = 0;
        Ok(())
    }
}

/// Opens the index and its cursor; a broken index is deleted and started afresh. The
/// cursor is 0 (rebuild) when there is none or the documents were ranked with other
/// weights (or written in an older format).
fn open(
    dir: &Path,
    weights: &Weights,
) -> Result<(SearchIndex, i64), weft_search::index::SearchError> {
    let index_dir = dir.join("index");
    let cursor_file = dir.join("cursor");
    let same_weights =
        std::fs::read_to_string(dir.join("weights")).is_ok_and(|w| w == weights_stamp(weights));
    match SearchIndex::open(&index_dir) {
        Ok(mut index) => {
            index.set_weights(*weights);
            let cursor = std::fs::read_to_string(&cursor_file)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .filter(|_| same_weights)
                .unwrap_or(0);
            Ok((index, cursor))
        }
        Err(e) => {
            tracing::warn!(error = %e, "search index unreadable; rebuilding it");
            let _ = std::fs::remove_dir_all(&index_dir);
            let _ = std::fs::remove_file(&cursor_file);
            let mut index = SearchIndex::open(&index_dir)?;
            index.set_weights(*weights);
            Ok((index, 0))
        }
    }
}

/// Re-indexes every dataset and job in pages, with PageRank recomputed: priors are
/// fixed when a document is indexed, and usage decays, data goes stale and lineage
/// moves for documents nothing touches. The index stays searchable throughout (each
/// document is replaced, nothing is cleared).
async fn refresh_all(
    store: &Store,
    handle: &SearchHandle,
    follow: &mut Follow,
) -> Result<usize, ReindexError> {
    let mut reader = store.state_reader().await?;
    follow.ranks.computed = None;
    let mut n = 0;
    for table in [Named::Datasets, Named::Jobs] {
        let mut after = 0i64;
        loop {
            let ids = reader.id_page(table, after).await?;
            let Some(&last) = ids.last() else { break };
            after = last;
            n += ids.len();
            if table == Named::Jobs {
                index_jobs(&mut reader, handle, &ids).await?;
            } else {
                index_datasets(
                    &mut reader,
                    store,
                    handle,
                    &ids,
                    &mut follow.ranks,
                    follow.live.tags(),
                )
                .await?;
            }
            follow.dirty = true;
        }
    }
    Ok(n)
}

/// What the view carries from one catch-up to the next.
struct Follow {
    throttle: super::Throttle,
    committed_at: std::time::Instant,
    ranks: Ranks,
    /// Documents indexed since the last commit.
    dirty: bool,
    /// The lineage graph's live column tags (detected, propagated, reviewed), which
    /// count as the tags of their datasets.
    live: LiveTags,
    /// Whether the `column-tags` file beside the index holds the tags the committed
    /// documents were built with, and when it was last written.
    baseline: Baseline,
}

/// The column tags the committed documents were built with, kept beside the index in
/// `column-tags`, so that a restart re-indexes only the datasets whose tags differ from
/// the graph's (without it, every tagged dataset: 100,000 at the benchmark scale,
/// competing with every other view's start for the cores).
///
/// The file is removed before documents are re-indexed for new tags and written again
/// only after a commit, so whenever it exists it says what the committed index holds. A
/// missing or unreadable file costs the full comparison, never a stale document.
#[derive(Debug, Default)]
struct Baseline {
    present: bool,
    written: Option<std::time::Instant>,
}

/// The baseline's file name in the index directory.
const BASELINE_FILE: &str = "column-tags";

/// How often, at most, the baseline is written again after tags changed.
const BASELINE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

impl Baseline {
    fn read(dir: &Path) -> Option<ColumnTags> {
        let bytes = match std::fs::read(dir.join(BASELINE_FILE)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(error = %e, "search column-tag baseline unreadable; every tagged dataset is re-indexed");
                return None;
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(tags) => Some(tags),
            Err(e) => {
                tracing::warn!(error = %e, "search column-tag baseline unreadable; every tagged dataset is re-indexed");
                None
            }
        }
    }

    /// Removes the file: documents are about to change for new tags.
    fn invalidate(&mut self, dir: &Path) {
        if !self.present {
            return;
        }
        match std::fs::remove_file(dir.join(BASELINE_FILE)) {
            Ok(()) => self.present = false,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.present = false,
            // Kept as present: the next attempt removes it before anything is indexed.
            Err(e) => tracing::warn!(error = %e, "search column-tag baseline not removed"),
        }
    }

    /// Writes `tags` (what the committed documents were built with), at most every
    /// [`BASELINE_EVERY`].
    fn write(&mut self, dir: &Path, tags: &ColumnTags, force: bool) {
        if self.present || (!force && self.written.is_some_and(|w| w.elapsed() < BASELINE_EVERY)) {
            return;
        }
        self.written = Some(std::time::Instant::now());
        let tmp = dir.join(format!("{BASELINE_FILE}.tmp"));
        let written = serde_json::to_vec(tags)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, dir.join(BASELINE_FILE)));
        match written {
            Ok(()) => self.present = true,
            Err(e) => tracing::warn!(error = %e, "search column-tag baseline not written"),
        }
    }
}

impl Follow {
    /// Rebuilds the documents of `datasets`, then of `jobs`.
    async fn index(
        &mut self,
        reader: &mut StateReader,
        store: &Store,
        handle: &SearchHandle,
        datasets: &[i64],
        jobs: &[i64],
    ) -> Result<(), ReindexError> {
        index_datasets(
            reader,
            store,
            handle,
            datasets,
            &mut self.ranks,
            self.live.tags(),
        )
        .await?;
        index_jobs(reader, handle, jobs).await
    }
}

/// Rebuilds the documents of `ids` and commits them.
async fn index_datasets(
    reader: &mut StateReader,
    store: &Store,
    handle: &SearchHandle,
    ids: &[i64],
    ranks: &mut Ranks,
    column_tags: &ColumnTags,
) -> Result<(), ReindexError> {
    if ids.is_empty() {
        return Ok(());
    }
    ranks.refresh(reader).await?;
    let docs = documents(reader, store, ids, ranks, column_tags).await?;
    with_index(handle, |index| {
        docs.iter().try_for_each(|d| index.upsert(d))
    })
}

/// Runs `f` on the index under the write lock (nothing when it is not open).
fn with_index(
    handle: &SearchHandle,
    f: impl FnOnce(&mut SearchIndex) -> Result<(), weft_search::index::SearchError>,
) -> Result<(), ReindexError> {
    let mut guard = handle.inner.write().unwrap_or_else(|e| e.into_inner());
    match guard.as_mut() {
        Some(index) => Ok(f(index)?),
        None => Ok(()),
    }
}

/// Rebuilds the documents of jobs `ids`.
async fn index_jobs(
    reader: &mut StateReader,
    handle: &SearchHandle,
    ids: &[i64],
) -> Result<(), ReindexError> {
    if ids.is_empty() {
        return Ok(());
    }
    let docs = job_documents(reader, ids).await?;
    with_index(handle, |index| {
        docs.iter().try_for_each(|d| index.upsert_job(d))
    })
}

/// The search documents of jobs `ids`: name, description, the datasets they read and
/// write (a job is found by what it touches), owners.
async fn job_documents(reader: &mut StateReader, ids: &[i64]) -> Result<Vec<JobDoc>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut docs: HashMap<i64, JobDoc> = HashMap::new();
        for j in reader.job_heads(chunk).await? {
            docs.insert(
                j.id,
                JobDoc {
                    namespace: j.namespace,
                    name: j.name,
                    description: j.description,
                    updated_at: j.updated_at,
                    ..JobDoc::default()
                },
            );
        }
        for io in reader.job_dataset_names(chunk).await? {
            if let Some(d) = docs.get_mut(&io.job) {
                if io.output {
                    d.outputs.push(io.name);
                } else {
                    d.inputs.push(io.name);
                }
            }
        }
        for (job, owner) in reader.job_owner_names(chunk).await? {
            if let Some(d) = docs.get_mut(&job) {
                d.owners.push(owner);
            }
        }
        for d in docs.values_mut() {
            d.signals.described = d
                .description
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty());
            d.signals.owned = !d.owners.is_empty();
            d.signals.downstream = d.outputs.len() as u64;
        }
        out.extend(docs.into_values());
    }
    Ok(out)
}

/// PageRank over the dataset-level lineage graph, normalised so the mean is 1: a job
/// reading A and writing B is an edge B → A, so rank flows to the tables others are
/// built from. Cached for [`PAGERANK_EVERY`]; documents indexed meanwhile use the last
/// value.
#[derive(Debug, Default)]
struct Ranks {
    by_dataset: HashMap<i64, f64>,
    computed: Option<std::time::Instant>,
}

/// How often PageRank is recomputed.
const PAGERANK_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

impl Ranks {
    async fn refresh(&mut self, reader: &mut StateReader) -> Result<(), StoreError> {
        if self.computed.is_some_and(|t| t.elapsed() < PAGERANK_EVERY) {
            return Ok(());
        }
        // One pass over job_io, in job order: the dataset edges a job implies (every
        // output to every other input) are never built, so a job reading 10,000 tables
        // costs 10,000 rows here, not a self-join of 10,000 × its outputs (which SQLite
        // ran as a scan of the job's rows per input row: minutes for one wide job).
        let rows = reader.job_io_in_job_order().await?;
        let mut jobs: Vec<(Vec<i64>, Vec<i64>)> = Vec::new();
        let mut current: Option<i64> = None;
        for (job, dataset, output) in rows {
            if current != Some(job) {
                current = Some(job);
                jobs.push((Vec::new(), Vec::new()));
            }
            if let Some((outputs, inputs)) = jobs.last_mut() {
                if output {
                    outputs.push(dataset);
                } else {
                    inputs.push(dataset);
                }
            }
        }
        let mut index: HashMap<i64, u32> = HashMap::new();
        let mut ids: Vec<i64> = Vec::new();
        let mut node = |id: i64| {
            *index.entry(id).or_insert_with(|| {
                ids.push(id);
                (ids.len() - 1) as u32
            })
        };
        // Only datasets with at least one edge are ranked (a dataset is not its own
        // edge): an output needs another input, an input another output.
        let mut links = Vec::with_capacity(jobs.len());
        for (outputs, inputs) in &jobs {
            // `any` stops at the first other dataset: O(1) unless the list is just `id`.
            let linked = |other: &[i64], id: i64| other.iter().any(|&x| x != id);
            let ranked_outputs: Vec<u32> = outputs
                .iter()
                .filter(|&&o| linked(inputs, o))
                .map(|&o| node(o))
                .collect();
            let ranked_inputs: Vec<u32> = inputs
                .iter()
                .filter(|&&i| linked(outputs, i))
                .map(|&i| node(i))
                .collect();
            let (outputs, inputs) = (ranked_outputs, ranked_inputs);
            links.push(weft_search::centrality::JobLinks { outputs, inputs });
        }
        let ranks = weft_search::centrality::pagerank_through_jobs(ids.len(), &links, 0.85, 30);
        let n = ranks.len().max(1) as f64;
        let sum: f64 = ranks.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        self.by_dataset = ids
            .into_iter()
            .zip(ranks)
            .map(|(id, r)| (id, r * n / sum))
            .collect();
        self.computed = Some(std::time::Instant::now());
        Ok(())
    }
}

fn commit(handle: &SearchHandle) -> Result<(), ReindexError> {
    with_index(handle, SearchIndex::commit)
}

/// Half-life of a read's weight in the usage signal: a read two weeks old counts half.
const USAGE_HALF_LIFE_DAYS: f64 = 14.0;

/// The search documents of `ids`, from current state. A dataset's tags are its own and
/// its columns' live ones (`column_tags`), in one facet: "which datasets hold
/// `pii.email`" is answered the same whether a producer tagged the table or a column
/// was detected, propagated or confirmed.
async fn documents(
    reader: &mut StateReader,
    store: &Store,
    ids: &[i64],
    ranks: &Ranks,
    column_tags: &ColumnTags,
) -> Result<Vec<DatasetDoc>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut docs: HashMap<i64, DatasetDoc> = HashMap::new();
        for h in reader.dataset_doc_heads(chunk).await? {
            let namespace = h.namespace;
            let description = h.description;
            docs.insert(
                h.id,
                DatasetDoc {
                    platform: namespace.split_once("://").map(|(s, _)| s.to_owned()),
                    namespace,
                    name: h.name,
                    signals: Signals {
                        described: description.as_deref().is_some_and(|d| !d.trim().is_empty()),
                        lifecycle: h.lifecycle,
                        ..Signals::default()
                    },
                    description,
                    updated_at: h.updated_at,
                    ..DatasetDoc::default()
                },
            );
        }
        for (dataset, name, description) in reader.column_descriptions(chunk).await? {
            if let Some(d) = docs.get_mut(&dataset) {
                d.columns.push((name, description));
            }
        }
        for (dataset, key, value) in reader.dataset_tags(chunk).await? {
            let tag = match value.as_deref() {
                None | Some("") | Some("true") => key.to_lowercase(),
                Some(v) => format!("{}.{}", key, v).to_lowercase(),
            };
            if let Some(d) = docs.get_mut(&dataset)
                && !d.tags.contains(&tag)
            {
                d.tags.push(tag);
            }
        }
        for (dataset, readers) in reader.reader_counts(chunk).await? {
            if let Some(d) = docs.get_mut(&dataset) {
                d.signals.downstream = u64::try_from(readers).unwrap_or(0);
            }
        }
        // Usage, when any source has reported some: reads decayed with a two-week
        // half-life over 30 days, and distinct users. With no usage source at all the
        // signal stays absent (not zero), so nothing is penalised as unused.
        if reader.usage_known().await? {
            let today = chrono::Utc::now().date_naive();
            let day = |back: i64| {
                (today - chrono::Duration::days(back))
                    .format("%Y-%m-%d")
                    .to_string()
            };
            let usage = store
                .usage_totals(chunk, &day(29), today, USAGE_HALF_LIFE_DAYS)
                .await?;
            let usage_90 = store
                .usage_totals(chunk, &day(89), today, USAGE_HALF_LIFE_DAYS)
                .await?;
            for (id, d) in docs.iter_mut() {
                let u = usage.get(id).cloned().unwrap_or_default();
                d.signals.reads_30d = Some(u.decayed_reads);
                d.signals.distinct_users_30d = Some(u.users as f64);
                let u90 = usage_90.get(id).map(|u| u.reads).unwrap_or(0);
                d.signals.reads_90d = Some(u90 as f64);
            }
        }
        // Freshness: the last run that wrote the dataset.
        for (dataset, at) in reader.last_writes(chunk).await? {
            if let Some(d) = docs.get_mut(&dataset) {
                d.signals.last_write = at;
            }
        }
        for (id, d) in docs.iter_mut() {
            d.signals.pagerank = ranks.by_dataset.get(id).copied();
            for tag in column_tags.get(id).into_iter().flatten() {
                if !d.tags.contains(tag) {
                    d.tags.push(tag.clone());
                }
            }
        }
        let owners = store.dataset_owners(chunk).await?;
        let tiers = store.dataset_tiers(chunk).await?;
        let governance = store.dataset_governance(chunk).await?;
        let ids: HashSet<i64> = docs.keys().copied().collect();
        for id in ids {
            let Some(d) = docs.get_mut(&id) else { continue };
            d.owners = owners
                .get(&id)
                .map(|o| o.iter().map(|o| o.name.clone()).collect())
                .unwrap_or_default();
            d.signals.owned = !d.owners.is_empty();
            d.signals.tier = tiers.get(&id).cloned();
            d.classification = governance.get(&id).and_then(|g| g.classification.clone());
            let documented = d.columns.iter().filter(|(_, desc)| desc.is_some()).count();
            d.signals.documented_columns = if d.columns.is_empty() {
                0.0
            } else {
                documented as f64 / d.columns.len() as f64
            };
        }
        out.extend(docs.into_values());
    }
    Ok(out)
}
