//! DataLoaders: per-dataset reads batched across one request.
//!
//! A GraphQL page of 50 datasets asks each for its columns, owners and tags; resolved
//! one by one that is 150 statements. Each loader collects the keys asked for in the
//! same tick and answers them with one `IN (…)` statement, so the page costs the same
//! handful of statements whatever its size. Loaders are made per request and cache
//! what they loaded for that request only: every column of a dataset asks for the
//! dataset's curations, and without the cache those asks, spread over more than one
//! batch window on a busy server, would cost a statement per window, growing with the
//! page. Nothing is cached across requests, and a mutation clears the cache once its
//! change commits, so a client always reads its own write. A WebSocket connection,
//! which lives for many operations, does not cache at all.
//!
//! Every statement a request runs is counted (see `store::STATEMENTS`) and reported in the
//! response's `extensions.sqlStatements`, which is how the test holds us to that.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sqlx::Row;

use weft_store::bulk::{Val, in_list};
use weft_store::edits::Curated;
use weft_store::lookup::OwnerRef;
use weft_store::{STATEMENTS, Store, StoreError};

/// The loader error: a store failure, shared by every key of the batch.
#[derive(Debug, Clone)]
pub struct LoadError(pub Arc<StoreError>);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<StoreError> for LoadError {
    fn from(e: StoreError) -> LoadError {
        LoadError(Arc::new(e))
    }
}

/// A dataset's own row.
#[derive(Debug, Clone)]
pub struct DatasetRow {
    /// Store id.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `DB_TABLE`, `VIEW`…
    pub kind: String,
    /// The producer's description.
    pub description: Option<String>,
    /// `CREATE`, `DROP`… from the lifecycle facet.
    pub lifecycle: Option<String>,
    /// Current schema version.
    pub version: i64,
    /// µs.
    pub created_at: i64,
    /// µs.
    pub updated_at: i64,
}

/// One current column.
#[derive(Debug, Clone)]
pub struct ColumnRow {
    /// Store id of its dataset.
    pub dataset_id: i64,
    /// Name (dotted for nested fields).
    pub name: String,
    /// Type as the producer names it.
    pub data_type: Option<String>,
    /// The producer's description.
    pub description: Option<String>,
    /// Position.
    pub ordinal: i64,
}

/// One row of `tags` (declared by a producer, or added by hand).
#[derive(Debug, Clone)]
pub struct TagRow {
    /// Column; empty for the dataset.
    pub column: String,
    /// Key.
    pub key: String,
    /// Value.
    pub value: Option<String>,
    /// Who assigned it.
    pub source: Option<String>,
    /// `declared` or `manual`.
    pub origin: String,
}

async fn by_ids(
    store: &Store,
    ids: &[i64],
    sql: impl Fn(&str) -> String,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let list = in_list(store.backend(), 0, chunk.len());
        out.extend(
            store
                .rows(&sql(&list), chunk.iter().map(|&i| Val::I64(i)).collect())
                .await?,
        );
    }
    Ok(out)
}

/// Datasets by id.
pub struct Datasets(pub Store);

impl Loader<i64> for Datasets {
    type Value = DatasetRow;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, DatasetRow>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT d.id, n.name, d.name, d.type, d.description, d.lifecycle, d.current_version, \
                 d.created_at, d.updated_at FROM datasets d JOIN namespaces n ON n.id = d.namespace_id \
                 WHERE d.id IN {list}"
            )
        })
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let id: i64 = r.try_get(0).map_err(StoreError::from)?;
            out.insert(
                id,
                DatasetRow {
                    id,
                    namespace: r.try_get(1).map_err(StoreError::from)?,
                    name: r.try_get(2).map_err(StoreError::from)?,
                    kind: r.try_get(3).map_err(StoreError::from)?,
                    description: r.try_get(4).map_err(StoreError::from)?,
                    lifecycle: r.try_get(5).map_err(StoreError::from)?,
                    version: r.try_get(6).map_err(StoreError::from)?,
                    created_at: r.try_get(7).map_err(StoreError::from)?,
                    updated_at: r.try_get(8).map_err(StoreError::from)?,
                },
            );
        }
        Ok(out)
    }
}

/// The current columns of datasets, in order.
pub struct Columns(pub Store);

impl Loader<i64> for Columns {
    type Value = Vec<ColumnRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<ColumnRow>>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT c.dataset_id, c.name, c.data_type, c.description, c.ordinal FROM columns c \
                 JOIN datasets d ON d.id = c.dataset_id \
                 WHERE c.last_version = d.current_version AND c.dataset_id IN {list} \
                 ORDER BY c.dataset_id, c.ordinal"
            )
        })
        .await?;
        let mut out: HashMap<i64, Vec<ColumnRow>> = keys.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let c = ColumnRow {
                dataset_id: r.try_get(0).map_err(StoreError::from)?,
                name: r.try_get(1).map_err(StoreError::from)?,
                data_type: r.try_get(2).map_err(StoreError::from)?,
                description: r.try_get(3).map_err(StoreError::from)?,
                ordinal: r.try_get(4).map_err(StoreError::from)?,
            };
            out.entry(c.dataset_id).or_default().push(c);
        }
        Ok(out)
    }
}

/// Owners of datasets (curated owners replace the producer's).
pub struct Owners(pub Store);

impl Loader<i64> for Owners {
    type Value = Vec<OwnerRef>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<OwnerRef>>, LoadError> {
        let mut out = self.0.dataset_owners(keys).await?;
        for k in keys {
            out.entry(*k).or_default();
        }
        Ok(out)
    }
}

/// What people curated on datasets and their columns.
pub struct Curations(pub Store);

impl Loader<i64> for Curations {
    type Value = Curated;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Curated>, LoadError> {
        let mut out = self.0.curations(keys).await?;
        for k in keys {
            out.entry(*k).or_default();
        }
        Ok(out)
    }
}

/// Stored tags of datasets and their columns.
pub struct Tags(pub Store);

impl Loader<i64> for Tags {
    type Value = Vec<TagRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<TagRow>>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT dataset_id, column_name, key, value, source, origin FROM tags \
                 WHERE dataset_id IN {list} ORDER BY dataset_id, column_name, key"
            )
        })
        .await?;
        let mut out: HashMap<i64, Vec<TagRow>> = keys.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let id: i64 = r.try_get(0).map_err(StoreError::from)?;
            out.entry(id).or_default().push(TagRow {
                column: r.try_get(1).map_err(StoreError::from)?,
                key: r.try_get(2).map_err(StoreError::from)?,
                value: r.try_get(3).map_err(StoreError::from)?,
                source: r.try_get(4).map_err(StoreError::from)?,
                origin: r.try_get(5).map_err(StoreError::from)?,
            });
        }
        Ok(out)
    }
}

/// When a completed run last wrote each dataset (µs); `None` for a dataset no completed
/// run wrote (an answer too, so the cache keeps it).
pub struct LastWrites(pub Store);

impl Loader<i64> for LastWrites {
    type Value = Option<i64>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Option<i64>>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT io.dataset_id, MAX(r.ended_at) FROM run_io io JOIN runs r ON r.id = io.run_id \
                 WHERE io.direction = 'out' AND r.state = 'COMPLETE' AND io.dataset_id IN {list} \
                 GROUP BY io.dataset_id"
            )
        })
        .await?;
        let mut out: HashMap<i64, Option<i64>> = keys.iter().map(|&k| (k, None)).collect();
        for r in rows {
            let at: Option<i64> = r.try_get(1).map_err(StoreError::from)?;
            out.insert(r.try_get(0).map_err(StoreError::from)?, at);
        }
        Ok(out)
    }
}

/// Every facet of datasets, as sent, by name.
pub struct Facets(pub Store);

impl Loader<i64> for Facets {
    type Value = serde_json::Map<String, serde_json::Value>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[i64],
    ) -> Result<HashMap<i64, serde_json::Map<String, serde_json::Value>>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT dataset_id, key, value FROM dataset_facets WHERE dataset_id IN {list} \
                 ORDER BY dataset_id, key"
            )
        })
        .await?;
        let mut out: HashMap<i64, serde_json::Map<String, serde_json::Value>> =
            keys.iter().map(|&k| (k, serde_json::Map::new())).collect();
        for r in rows {
            let key: String = r.try_get(1).map_err(StoreError::from)?;
            let text: String = r.try_get(2).map_err(StoreError::from)?;
            // One unreadable facet (stored before the door refused it) never hides the rest.
            let value = weft_store::read::stored_facet(&key, &text);
            out.entry(r.try_get(0).map_err(StoreError::from)?)
                .or_default()
                .insert(key, value);
        }
        Ok(out)
    }
}

/// A job that reads or writes a dataset, from `job_io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobIoRow {
    /// Store id of the job.
    pub job_id: i64,
    /// Whether the job writes the dataset (else it reads it).
    pub writes: bool,
}

/// The jobs reading and writing datasets: writers first, then by job namespace and name.
pub struct JobIo(pub Store);

impl Loader<i64> for JobIo {
    type Value = Vec<JobIoRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<JobIoRow>>, LoadError> {
        let rows = by_ids(&self.0, keys, |list| {
            format!(
                "SELECT io.dataset_id, io.job_id, io.direction FROM job_io io \
                 JOIN jobs j ON j.id = io.job_id JOIN namespaces n ON n.id = j.namespace_id \
                 WHERE io.dataset_id IN {list} ORDER BY io.dataset_id, io.direction DESC, n.name, j.name"
            )
        })
        .await?;
        let mut out: HashMap<i64, Vec<JobIoRow>> = keys.iter().map(|&k| (k, Vec::new())).collect();
        for r in rows {
            let direction: String = r.try_get(2).map_err(StoreError::from)?;
            out.entry(r.try_get(0).map_err(StoreError::from)?)
                .or_default()
                .push(JobIoRow {
                    job_id: r.try_get(1).map_err(StoreError::from)?,
                    writes: direction == "out",
                });
        }
        Ok(out)
    }
}

/// Jobs by store id, as the REST job endpoint shows them. Each is that endpoint's own
/// read (a few statements a job, not one for the batch): the loader only makes sure a
/// job named by several datasets of a page is read once.
pub struct Jobs(pub Store);

impl Loader<i64> for Jobs {
    type Value = serde_json::Value;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, serde_json::Value>, LoadError> {
        let mut out = HashMap::new();
        for &k in keys {
            if let Some(v) = self.0.job_by_id(k).await? {
                out.insert(k, v);
            }
        }
        Ok(out)
    }
}

/// Dataset ids by (namespace, name): a page of search hits, or a job's inputs, names
/// its datasets, and each name is one lookup unless batched.
pub struct DatasetIds(pub Store);

impl Loader<(String, String)> for DatasetIds {
    type Value = i64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(String, String)],
    ) -> Result<HashMap<(String, String), i64>, LoadError> {
        let mut out = HashMap::new();
        // `IN` lists of namespaces and of names, not an `OR` of pairs: SQLite cannot
        // use the `(namespace_id, name)` index for an `OR` across the join and scanned
        // every dataset (45 ms for a page of search hits at 100,000 datasets). The rows
        // come from the cross product of the two lists; only the asked pairs are kept.
        for chunk in keys.chunks(200) {
            let mut namespaces: Vec<&str> = chunk.iter().map(|(ns, _)| ns.as_str()).collect();
            namespaces.sort_unstable();
            namespaces.dedup();
            let mut names: Vec<&str> = chunk.iter().map(|(_, name)| name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let marks = |n: usize| vec!["?"; n].join(", ");
            let sql = format!(
                "SELECT n.name, d.name, d.id FROM namespaces n JOIN datasets d ON d.namespace_id = n.id \
                 WHERE n.name IN ({}) AND d.name IN ({})",
                marks(namespaces.len()),
                marks(names.len())
            );
            let binds = namespaces
                .iter()
                .chain(&names)
                .map(|v| Val::from(*v))
                .collect();
            for r in self.0.rows(&sql, binds).await? {
                let key: (String, String) = (
                    r.try_get(0).map_err(StoreError::from)?,
                    r.try_get(1).map_err(StoreError::from)?,
                );
                if chunk.contains(&key) {
                    out.insert(key, r.try_get(2).map_err(StoreError::from)?);
                }
            }
        }
        Ok(out)
    }
}

/// How long a loader waits for more keys before it runs its batch. Sibling fields
/// resolve concurrently and ask within microseconds of each other; async-graphql's
/// default (1 ms) would add a millisecond to every wave of a page's reads. Lists do not
/// depend on it: they prime their loaders in one call (`query::prime`).
const WINDOW: std::time::Duration = std::time::Duration::from_micros(200);

/// Every loader of one request.
pub struct Loaders {
    /// Dataset rows.
    pub datasets: DataLoader<Datasets, HashMapCache>,
    /// Current columns.
    pub columns: DataLoader<Columns, HashMapCache>,
    /// Owners.
    pub owners: DataLoader<Owners, HashMapCache>,
    /// Curated values.
    pub curations: DataLoader<Curations, HashMapCache>,
    /// Stored tags.
    pub tags: DataLoader<Tags, HashMapCache>,
    /// Last completed writes.
    pub last_writes: DataLoader<LastWrites, HashMapCache>,
    /// Dataset ids by name.
    pub ids: DataLoader<DatasetIds, HashMapCache>,
    /// Dataset facets.
    pub facets: DataLoader<Facets, HashMapCache>,
    /// The jobs reading and writing datasets.
    pub job_io: DataLoader<JobIo, HashMapCache>,
    /// Jobs by id.
    pub jobs: DataLoader<Jobs, HashMapCache>,
}

impl Loaders {
    /// Fresh loaders whose batches count against `counter`, caching for one request.
    pub fn new(store: &Store, counter: Arc<AtomicU64>) -> Loaders {
        let spawner = move || {
            let counter = counter.clone();
            move |fut| tokio::spawn(STATEMENTS.scope(counter.clone(), fut))
        };
        let cache = HashMapCache::default;
        Loaders {
            datasets: DataLoader::with_cache(Datasets(store.clone()), spawner(), cache())
                .delay(WINDOW),
            columns: DataLoader::with_cache(Columns(store.clone()), spawner(), cache())
                .delay(WINDOW),
            owners: DataLoader::with_cache(Owners(store.clone()), spawner(), cache()).delay(WINDOW),
            curations: DataLoader::with_cache(Curations(store.clone()), spawner(), cache())
                .delay(WINDOW),
            tags: DataLoader::with_cache(Tags(store.clone()), spawner(), cache()).delay(WINDOW),
            last_writes: DataLoader::with_cache(LastWrites(store.clone()), spawner(), cache())
                .delay(WINDOW),
            ids: DataLoader::with_cache(DatasetIds(store.clone()), spawner(), cache())
                .delay(WINDOW),
            facets: DataLoader::with_cache(Facets(store.clone()), spawner(), cache()).delay(WINDOW),
            job_io: DataLoader::with_cache(JobIo(store.clone()), spawner(), cache()).delay(WINDOW),
            jobs: DataLoader::with_cache(Jobs(store.clone()), spawner(), cache()).delay(WINDOW),
        }
    }

    /// Loaders that batch but never cache: for a WebSocket connection, which runs many
    /// operations over time.
    pub fn uncached(store: &Store, counter: Arc<AtomicU64>) -> Loaders {
        let l = Loaders::new(store, counter);
        l.datasets.enable_all_cache(false);
        l.columns.enable_all_cache(false);
        l.owners.enable_all_cache(false);
        l.curations.enable_all_cache(false);
        l.tags.enable_all_cache(false);
        l.last_writes.enable_all_cache(false);
        l.ids.enable_all_cache(false);
        l.facets.enable_all_cache(false);
        l.job_io.enable_all_cache(false);
        l.jobs.enable_all_cache(false);
        l
    }

    /// Forgets what was loaded: after a write, the next read goes to the store.
    pub fn clear(&self) {
        self.datasets.clear::<i64>();
        self.columns.clear::<i64>();
        self.owners.clear::<i64>();
        self.curations.clear::<i64>();
        self.tags.clear::<i64>();
        self.last_writes.clear::<i64>();
        self.ids.clear::<(String, String)>();
        self.facets.clear::<i64>();
        self.job_io.clear::<i64>();
        self.jobs.clear::<i64>();
    }
}
