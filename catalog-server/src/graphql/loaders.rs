//! DataLoaders: per-dataset reads batched across one request.
//!
//! A GraphQL page of 50 datasets asks each for its columns, owners and tags; resolved
//! one by one that is 150 statements. Each loader collects the keys asked for in the
//! same tick and answers them with one of the store's batch reads (one `IN (…)`
//! statement per few hundred keys, see `weft_store::batch`), so the page costs the same
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

use weft_store::edits::Curated;
use weft_store::lookup::OwnerRef;
use weft_store::read::{Facets as FacetMap, JobRecord};
use weft_store::{STATEMENTS, Store, StoreError};

pub use weft_store::batch::{ColumnRow, DatasetRow, JobIoRow, TagRow};

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

/// Datasets by id.
pub struct Datasets(pub Store);

impl Loader<i64> for Datasets {
    type Value = DatasetRow;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, DatasetRow>, LoadError> {
        Ok(self.0.datasets_by_ids(keys).await?)
    }
}

/// The current columns of datasets, in order.
pub struct Columns(pub Store);

impl Loader<i64> for Columns {
    type Value = Vec<ColumnRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<ColumnRow>>, LoadError> {
        Ok(self.0.columns_of(keys).await?)
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
        Ok(self.0.tags_of(keys).await?)
    }
}

/// When a completed run last wrote each dataset (µs); `None` for a dataset no completed
/// run wrote (an answer too, so the cache keeps it).
pub struct LastWrites(pub Store);

impl Loader<i64> for LastWrites {
    type Value = Option<i64>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Option<i64>>, LoadError> {
        Ok(self.0.last_writes(keys).await?)
    }
}

/// Every facet of datasets, as sent, by name.
pub struct Facets(pub Store);

impl Loader<i64> for Facets {
    type Value = FacetMap;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, FacetMap>, LoadError> {
        Ok(self.0.dataset_facets(keys).await?)
    }
}

/// The jobs reading and writing datasets: writers first, then by job namespace and name.
pub struct JobIo(pub Store);

impl Loader<i64> for JobIo {
    type Value = Vec<JobIoRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<JobIoRow>>, LoadError> {
        Ok(self.0.job_io_of(keys).await?)
    }
}

/// Jobs by store id, whole. Each is the job endpoint's own read (a few statements a
/// job, not one for the batch): the loader only makes sure a job named by several
/// datasets of a page is read once.
pub struct Jobs(pub Store);

impl Loader<i64> for Jobs {
    type Value = JobRecord;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, JobRecord>, LoadError> {
        let mut out = HashMap::new();
        for &k in keys {
            if let Some(j) = self.0.job_by_id(k).await? {
                out.insert(k, j);
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
        Ok(self.0.dataset_ids_named(keys).await?)
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
    /// Owners of datasets.
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
