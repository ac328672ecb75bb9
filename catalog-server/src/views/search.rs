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

use sqlx::Row;
use tokio::sync::watch;
use weft_search::index::{DatasetDoc, SearchIndex};
use weft_search::rank::Signals;

use crate::store::bulk::{Val, fetch, in_list};
use crate::store::{Store, StoreError};

/// Log entries per step.
const PAGE: i64 = 2000;
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

/// Starts the view over the index in `dir`.
pub fn spawn(
    store: Store,
    dir: PathBuf,
    mut committed: watch::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
) -> (SearchHandle, tokio::task::JoinHandle<()>) {
    let handle = SearchHandle {
        inner: Arc::new(RwLock::new(None)),
    };
    let shared = handle.clone();
    let task = tokio::spawn(async move {
        let mut throttle = super::Throttle::default();
        let mut committed_at = std::time::Instant::now();
        let mut cursor = match open(&dir) {
            Ok((index, cursor)) => {
                *shared.inner.write().unwrap_or_else(|e| e.into_inner()) = Some(index);
                cursor
            }
            Err(e) => {
                tracing::error!(error = %e, dir = %dir.display(), "search index unavailable");
                return;
            }
        };
        loop {
            match catch_up(
                &store,
                &shared,
                &dir,
                cursor,
                &mut throttle,
                &mut committed_at,
            )
            .await
            {
                Ok(c) => cursor = c,
                Err(e) => tracing::warn!(error = %e, "search index update failed; will retry"),
            }
            if super::wait_for_work(&mut committed, &mut shutdown).await {
                break;
            }
        }
    });
    (handle, task)
}

/// Opens the index and its cursor; a broken index is deleted and started afresh.
fn open(dir: &Path) -> Result<(SearchIndex, i64), weft_search::index::SearchError> {
    let index_dir = dir.join("index");
    let cursor_file = dir.join("cursor");
    match SearchIndex::open(&index_dir) {
        Ok(index) => {
            let cursor = std::fs::read_to_string(&cursor_file)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            if cursor == 0 {
                let mut index = index;
                index.clear()?;
                return Ok((index, 0));
            }
            Ok((index, cursor))
        }
        Err(e) => {
            tracing::warn!(error = %e, "search index unreadable; rebuilding it from the log");
            let _ = std::fs::remove_dir_all(&index_dir);
            let _ = std::fs::remove_file(&cursor_file);
            Ok((SearchIndex::open(&index_dir)?, 0))
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum ViewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] weft_search::index::SearchError),
    #[error("search cursor: {0}")]
    Io(#[from] std::io::Error),
}

async fn catch_up(
    store: &Store,
    handle: &SearchHandle,
    dir: &Path,
    mut cursor: i64,
    throttle: &mut super::Throttle,
    committed_at: &mut std::time::Instant,
) -> Result<i64, ViewError> {
    let none = HashSet::new();
    loop {
        let entries = store.read_log(cursor, PAGE, false).await?;
        let Some(last) = entries.last().map(|e| e.seq) else {
            break;
        };
        let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
        let touched = super::touched_datasets(&mut conn, store, &entries).await?;
        // A new dataset is indexed at once; one indexed in the last few seconds waits
        // (a busy job's output would otherwise be re-indexed on every run).
        let ids = throttle.split(touched, &none);
        index_datasets(&mut conn, store, handle, &ids).await?;
        cursor = last;
    }
    let due: Vec<i64> = throttle.due().into_iter().collect();
    if !due.is_empty() {
        let ids = throttle.split(due, &none);
        let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
        index_datasets(&mut conn, store, handle, &ids).await?;
    }
    // At most one commit a second: each commit writes a segment, and many small
    // segments cost merges. The cursor is recorded only after the commit.
    if committed_at.elapsed() >= COMMIT_EVERY {
        commit(handle)?;
        std::fs::write(dir.join("cursor"), cursor.to_string())?;
        *committed_at = std::time::Instant::now();
    }
    Ok(cursor)
}

/// Rebuilds the documents of `ids` and commits them.
async fn index_datasets(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    handle: &SearchHandle,
    ids: &[i64],
) -> Result<(), ViewError> {
    if ids.is_empty() {
        return Ok(());
    }
    let docs = documents(conn, store, ids).await?;
    let mut guard = handle.inner.write().unwrap_or_else(|e| e.into_inner());
    if let Some(index) = guard.as_mut() {
        for d in &docs {
            index.upsert(d)?;
        }
    }
    Ok(())
}

fn commit(handle: &SearchHandle) -> Result<(), ViewError> {
    let mut guard = handle.inner.write().unwrap_or_else(|e| e.into_inner());
    if let Some(index) = guard.as_mut() {
        index.commit()?;
    }
    Ok(())
}

/// Half-life of a read's weight in the usage signal: a read two weeks old counts half.
const USAGE_HALF_LIFE_DAYS: f64 = 14.0;

/// Whether any usage has been recorded at all.
async fn usage_known(conn: &mut sqlx::AnyConnection, store: &Store) -> Result<bool, StoreError> {
    let rows = fetch(
        conn,
        store.backend().sql("SELECT 1 FROM usage_daily LIMIT 1"),
        vec![],
    )
    .await?;
    Ok(!rows.is_empty())
}

/// The search documents of `ids`, from current state.
async fn documents(
    conn: &mut sqlx::AnyConnection,
    store: &Store,
    ids: &[i64],
) -> Result<Vec<DatasetDoc>, StoreError> {
    let backend = store.backend();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let list = in_list(backend, 0, chunk.len());
        let binds: Vec<Val> = chunk.iter().map(|&d| Val::I64(d)).collect();
        let mut docs: HashMap<i64, DatasetDoc> = HashMap::new();
        for r in fetch(
            conn,
            format!(
                "SELECT d.id, n.name, d.name, d.description, d.lifecycle, d.updated_at \
                 FROM datasets d JOIN namespaces n ON n.id = d.namespace_id WHERE d.id IN {list}"
            ),
            binds.clone(),
        )
        .await?
        {
            let namespace: String = r.try_get(1)?;
            let description: Option<String> = r.try_get(3)?;
            docs.insert(
                r.try_get(0)?,
                DatasetDoc {
                    platform: namespace.split_once("://").map(|(s, _)| s.to_owned()),
                    namespace,
                    name: r.try_get(2)?,
                    signals: Signals {
                        described: description.as_deref().is_some_and(|d| !d.trim().is_empty()),
                        lifecycle: r.try_get(4)?,
                        ..Signals::default()
                    },
                    description,
                    updated_at: r.try_get(5)?,
                    ..DatasetDoc::default()
                },
            );
        }
        for r in fetch(
            conn,
            format!(
                "SELECT c.dataset_id, c.name, c.description FROM columns c \
                 JOIN datasets d ON d.id = c.dataset_id \
                 WHERE c.last_version = d.current_version AND c.dataset_id IN {list} \
                 ORDER BY c.dataset_id, c.ordinal"
            ),
            binds.clone(),
        )
        .await?
        {
            if let Some(d) = docs.get_mut(&r.try_get(0)?) {
                d.columns.push((r.try_get(1)?, r.try_get(2)?));
            }
        }
        for r in fetch(
            conn,
            format!("SELECT dataset_id, key, value FROM tags WHERE dataset_id IN {list}"),
            binds.clone(),
        )
        .await?
        {
            let key: String = r.try_get(1)?;
            let value: Option<String> = r.try_get(2)?;
            let tag = match value.as_deref() {
                None | Some("") | Some("true") => key.to_lowercase(),
                Some(v) => format!("{}.{}", key, v).to_lowercase(),
            };
            if let Some(d) = docs.get_mut(&r.try_get(0)?)
                && !d.tags.contains(&tag)
            {
                d.tags.push(tag);
            }
        }
        for r in fetch(
            conn,
            format!(
                "SELECT dataset_id, COUNT(DISTINCT job_id) FROM job_io \
                 WHERE direction = 'in' AND dataset_id IN {list} GROUP BY dataset_id"
            ),
            binds,
        )
        .await?
        {
            if let Some(d) = docs.get_mut(&r.try_get(0)?) {
                d.signals.downstream = u64::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0);
            }
        }
        // Usage, when any source has reported some: reads decayed with a two-week
        // half-life over 30 days, and distinct users. With no usage source at all the
        // signal stays absent (not zero), so nothing is penalised as unused.
        if usage_known(conn, store).await? {
            let today = chrono::Utc::now().date_naive();
            let since = (today - chrono::Duration::days(29))
                .format("%Y-%m-%d")
                .to_string();
            let usage = store
                .usage_totals(chunk, &since, today, USAGE_HALF_LIFE_DAYS)
                .await?;
            for (id, d) in docs.iter_mut() {
                let u = usage.get(id).cloned().unwrap_or_default();
                d.signals.reads_30d = Some(u.decayed_reads);
                d.signals.distinct_users_30d = Some(u.users as f64);
            }
        }
        let owners = store.dataset_owners(chunk).await?;
        let tiers = store.dataset_tiers(chunk).await?;
        let ids: HashSet<i64> = docs.keys().copied().collect();
        for id in ids {
            let Some(d) = docs.get_mut(&id) else { continue };
            d.owners = owners
                .get(&id)
                .map(|o| o.iter().map(|o| o.name.clone()).collect())
                .unwrap_or_default();
            d.signals.owned = !d.owners.is_empty();
            d.signals.tier = tiers.get(&id).cloned();
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
