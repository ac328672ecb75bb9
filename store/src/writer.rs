//! The single write path: a batch of [`MetadataChange`]s becomes one transaction that
//! appends to the change log and updates current state.
//!
//! Throughput comes from two rules. *Group commit*: the server hands the writer every
//! change waiting at that moment, and each table gets one multi-row statement per batch.
//! *Write only what changed*: schemas are versioned by content (a new version only when
//! the fields differ), facets are stored per key with a digest and rewritten only when
//! the digest changes, and lineage edges are refreshed at most once per
//! `edge_refresh` interval. A realistic stream of runs that repeat yesterday's metadata
//! therefore writes the log row and the run, little else.
//!
//! Caches here hold only facts that cannot go stale (ids of namespaces, datasets and
//! jobs) or whose staleness only delays a `last_seen` refresh (edges, run inputs), so
//! several writers (replicas on one PostgreSQL) stay correct. Anything compared for
//! "did it change" is read inside the transaction. Any error clears every cache.
//!
//! # Arrival order
//!
//! Current state follows each event's own `eventTime`, never the order events arrive
//! in: producers retry, the composite transport sends twice, Kafka partitions
//! interleave, and the same events must leave the same catalog whatever their order.
//! Every stated value carries the time it was last stated (facets, a dataset's schema,
//! run facets, edges), and is replaced only by an event at least as new; equal times
//! are settled by comparing the values themselves, so the winner never depends on
//! arrival. A removed facet leaves a tombstone with its time, so that an older event
//! arriving late cannot bring it back. An older event still lands in the log and in
//! history (an older schema becomes a version of its own) as what it is: it just does
//! not become current.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;
use sqlx::{AnyConnection, Row};
use weft_schemas::change::{
    ChangeBody, ColumnEdge, DatasetRole, DatasetUpdate, FacetValue, JobUpdate, LineageUpdate,
    MetadataChange, Owner, PolicyViolation, Tag,
};

use super::bulk::{Insert, Val, execute, select_in};
use super::log::{StoredPayload, chain_hash};
use super::source_positions::SourceMarks;
use super::{Backend, Store, StoreError, now_micros};

/// What happened to one change of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Appended at this sequence number and applied.
    Applied(i64),
    /// Already in the log (a retried delivery): acknowledged, nothing written.
    Duplicate,
}

/// A change ready for the writer: its payload already hashed and in stored form.
///
/// Built where the change is made ([`Prepared::new`], on the request's task): hashing and
/// compressing ~10 KB per event is real work, and the writer is serial.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The change; its `payload` has moved into [`Prepared::payload`] and is empty here.
    pub change: MetadataChange,
    /// The payload as the log row stores it.
    pub payload: StoredPayload,
}

impl Prepared {
    /// Hashes and encodes the change's payload for `backend`.
    pub fn new(backend: Backend, mut change: MetadataChange) -> Prepared {
        let payload = StoredPayload::encode(backend, std::mem::take(&mut change.payload));
        Prepared { change, payload }
    }
}

/// The advisory lock key that serialises log appends across PostgreSQL replicas.
const LOG_LOCK_KEY: i64 = 0x5745_4654; // "WEFT"

/// How many times a transaction the database aborted (deadlock, serialization
/// failure) is tried again before its error is returned.
const TRANSIENT_RETRIES: u32 = 3;

/// (dst dataset, dst column, src dataset, src column, job, origin): `column_edges`' key.
type EdgeKey = (i64, String, i64, String, i64, &'static str);

/// Most edges remembered as recently written (about 100 bytes each).
const EDGE_CACHE_LIMIT: usize = 200_000;

/// Pending facet rows: (owner id, key) → the event time and the new (digest, JSON), or
/// removal.
type FacetWrites = HashMap<(i64, String), (i64, Option<(Vec<u8>, String)>)>;

/// A facet key of one entity: (owner id, key).
type FacetKey = (i64, String);

/// A tombstone's key: (entity kind, entity id as text, facet key).
type TombKey = (&'static str, String, String);

/// What the writer remembers of an edge it wrote.
#[derive(Clone, Copy)]
struct EdgeSeen {
    /// Fingerprint of the transformations last written.
    digest: u64,
    /// The newest `last_seen` written to the row.
    written: i64,
    /// The newest event time that stated these transformations (may be ahead of
    /// `written` while refreshes are skipped).
    newest: i64,
}

#[derive(Default)]
struct Cache {
    namespaces: HashMap<String, i64>,
    datasets: HashMap<(i64, String), i64>,
    jobs: HashMap<(i64, String), i64>,
    /// Edge → what was last written for it.
    edges: HashMap<EdgeKey, EdgeSeen>,
    run_io: HashSet<(String, i64, bool, i64)>,
    job_io: HashMap<(i64, i64, bool), i64>,
}

/// Applies batches of changes; one per process (the server's writer task, or a CLI).
pub struct Writer {
    store: Store,
    cache: Cache,
    edge_refresh: i64,
}

impl Writer {
    /// A writer over `store`; `edge_refresh_micros` bounds how stale an edge's
    /// `last_seen` may be (and so how often an unchanged edge is rewritten).
    pub fn new(store: Store, edge_refresh_micros: i64) -> Writer {
        Writer {
            store,
            cache: Cache::default(),
            edge_refresh: edge_refresh_micros,
        }
    }

    /// The backend of the store it writes to, for preparing payloads.
    pub fn backend(&self) -> super::Backend {
        self.store.backend()
    }

    /// Appends the changes to the log and applies them, all in one transaction; on
    /// error nothing is written.
    ///
    /// On PostgreSQL, a transaction the database aborted to break a deadlock or a
    /// serialization conflict (with another replica's views, say) is retried a few
    /// times: nothing of it was written, and the caller would only have to resubmit it.
    pub async fn apply(&mut self, changes: &[&Prepared]) -> Result<Vec<Outcome>, StoreError> {
        self.apply_marked(changes, &[]).await
    }

    /// [`Writer::apply`], also recording where the sources of these changes stand (and
    /// what they dead-lettered) in the same transaction, so a source that restarts from
    /// its stored position neither repeats nor skips input.
    pub async fn apply_marked(
        &mut self,
        changes: &[&Prepared],
        marks: &[&SourceMarks],
    ) -> Result<Vec<Outcome>, StoreError> {
        let mut attempt = 0;
        loop {
            let r = self.apply_inner(changes, marks).await;
            if r.is_err() {
                self.cache = Cache::default();
            }
            match r {
                Err(e) if attempt < TRANSIENT_RETRIES && e.is_transient() => {
                    attempt += 1;
                    tracing::info!(error = %e, attempt, "write transaction aborted by the database; retrying");
                }
                r => return r,
            }
        }
    }

    async fn apply_inner(
        &mut self,
        changes: &[&Prepared],
        marks: &[&SourceMarks],
    ) -> Result<Vec<Outcome>, StoreError> {
        let backend = self.store.backend();
        let mut tx = match backend {
            // IMMEDIATE takes the write lock up front, so reading the chain head and
            // appending cannot interleave with another process's writer.
            Backend::Sqlite => self.store.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.store.pool().begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(LOG_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        let conn: &mut AnyConnection = &mut tx;

        let existing = existing_keys(conn, backend, changes).await?;
        let mut seen: HashSet<&[u8]> = HashSet::new();
        let head = sqlx::query("SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
        let (mut seq, mut prev) = match head {
            Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<Vec<u8>, _>(1)?),
            None => (0, Vec::new()),
        };
        let at = now_micros();
        let mut outcomes = Vec::with_capacity(changes.len());
        let mut log_rows = Vec::new();
        let mut warning_rows = Vec::new();
        let mut applied: Vec<(i64, i64, &ChangeBody)> = Vec::new();
        for p in changes {
            let c = &p.change;
            if let Some(k) = &c.dedupe_key
                && (existing.contains(k) || !seen.insert(k.as_slice()))
            {
                outcomes.push(Outcome::Duplicate);
                continue;
            }
            seq += 1;
            let hash = chain_hash(
                &prev,
                seq,
                at,
                &c.actor,
                c.kind.as_str(),
                &c.entity,
                &p.payload.digest,
            );
            if let ChangeBody::Lineage(update) = &c.body {
                for w in &update.warnings {
                    warning_rows.push(vec![
                        Val::I64(seq),
                        w.path.clone().into(),
                        w.message.clone().into(),
                    ]);
                }
            }
            applied.push((seq, at, &c.body));
            log_rows.push(vec![
                Val::I64(seq),
                Val::I64(at),
                c.actor.clone().into(),
                c.kind.as_str().into(),
                c.entity.clone().into(),
                c.namespace.clone().into(),
                p.payload.text.clone().into(),
                Val::OptBytes(p.payload.lz4.clone()),
                p.payload.digest.clone().into(),
                hash.clone().into(),
                Val::OptBytes(c.dedupe_key.clone()),
            ]);
            prev = hash;
            outcomes.push(Outcome::Applied(seq));
        }
        Insert {
            table: "change_log",
            columns: &[
                "seq",
                "at",
                "actor",
                "kind",
                "entity",
                "namespace",
                "payload",
                "payload_lz4",
                "payload_digest",
                "hash",
                "dedupe_key",
            ],
            conflict: &[],
            update: None,
            returning: None,
        }
        .run(conn, backend, log_rows)
        .await?;
        Insert {
            table: "change_warnings",
            columns: &["seq", "path", "message"],
            conflict: &[],
            update: None,
            returning: None,
        }
        .run(conn, backend, warning_rows)
        .await?;
        self.apply_bodies(conn, &applied).await?;
        super::source_positions::write_marks(conn, &self.store, marks).await?;
        if backend == Backend::Postgres && !applied.is_empty() {
            // Delivered at commit (never before), to every replica listening.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::notify::CHANNEL)
                .bind(seq.to_string())
                .execute(&mut *conn)
                .await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Applies already-logged changes of every kind to current state, in log order:
    /// runs of lineage updates go through [`Writer::apply_state`] together, and each
    /// person's decision in between is applied where it stands (a retraction must not
    /// delete an edge that a later event in the same batch states again).
    pub async fn apply_bodies(
        &mut self,
        conn: &mut AnyConnection,
        items: &[(i64, i64, &ChangeBody)],
    ) -> Result<(), StoreError> {
        let mut run: Vec<(i64, &LineageUpdate)> = Vec::new();
        let mut run_at: Vec<i64> = Vec::new();
        // A run of policy transitions is applied together too (a full evaluation writes
        // them by the thousand); each kind of run is flushed before anything else.
        let mut violations: Vec<(i64, i64, &PolicyViolation)> = Vec::new();
        for &(seq, at, body) in items {
            if let ChangeBody::Lineage(u) = body {
                let batch: Vec<_> = std::mem::take(&mut violations);
                super::policy_violations::apply_violations(conn, &self.store, &batch).await?;
                run.push((seq, u));
                run_at.push(at);
                continue;
            }
            self.apply_state(
                conn,
                &std::mem::take(&mut run),
                &std::mem::take(&mut run_at),
            )
            .await?;
            if let ChangeBody::PolicyViolation(v) = body {
                violations.push((seq, at, v));
                continue;
            }
            let batch: Vec<_> = std::mem::take(&mut violations);
            super::policy_violations::apply_violations(conn, &self.store, &batch).await?;
            match body {
                ChangeBody::Lineage(_) => {}
                ChangeBody::TagReview(r) => {
                    super::reviews::apply_reviews(conn, &self.store, &[(seq, r)], at).await?;
                }
                ChangeBody::EdgeRetraction(r) => {
                    super::reviews::apply_retraction(conn, &self.store, seq, r).await?;
                }
                ChangeBody::Usage(u) => {
                    super::usage::apply_usage(conn, &self.store, u, at).await?;
                }
                ChangeBody::Crawl(r) => {
                    super::usage::apply_crawl(conn, &self.store, seq, r).await?;
                }
                ChangeBody::Edit(e) => {
                    super::edits::apply_edit(conn, &self.store, seq, e, at).await?;
                }
                ChangeBody::PolicyViolation(_) => {}
            }
        }
        super::policy_violations::apply_violations(conn, &self.store, &violations).await?;
        self.apply_state(conn, &run, &run_at).await
    }

    /// Applies already-logged updates to current state, without touching the log: the
    /// second half of [`Writer::apply`], and all of a rebuild. `at` holds each update's
    /// log time: what the update creates is dated by it, so a rebuild restores the
    /// `created_at` the catalog first gave (an "unowned for N days" rule, or anyone
    /// sorting by age, sees the same dates after a rebuild as before).
    pub async fn apply_state(
        &mut self,
        conn: &mut AnyConnection,
        items: &[(i64, &LineageUpdate)],
        at: &[i64],
    ) -> Result<(), StoreError> {
        let Some(&last) = at.last() else {
            return Ok(());
        };
        debug_assert_eq!(items.len(), at.len());
        self.resolve_ids(conn, items, at).await?;
        let mut batch = Batch::load(conn, self, items, last).await?;
        for (seq, update) in items {
            batch.add(self, *seq, update);
        }
        batch.write(conn, self.store.backend()).await
    }

    async fn resolve_ids(
        &mut self,
        conn: &mut AnyConnection,
        items: &[(i64, &LineageUpdate)],
        at: &[i64],
    ) -> Result<(), StoreError> {
        let backend = self.store.backend();
        // Each name with the log time of the first update that mentions it.
        let mut ns: BTreeMap<&str, i64> = BTreeMap::new();
        for ((_, u), &t) in items.iter().zip(at) {
            if let Some(j) = &u.job {
                ns.entry(&j.namespace).or_insert(t);
            }
            for d in &u.datasets {
                ns.entry(&d.namespace).or_insert(t);
                for e in &d.edges {
                    ns.entry(&e.src_namespace).or_insert(t);
                }
            }
        }
        let missing: Vec<Vec<Val>> = ns
            .iter()
            .filter(|(n, _)| !self.cache.namespaces.contains_key(**n))
            .map(|(n, t)| vec![Val::from(*n), Val::I64(*t)])
            .collect();
        let rows = Insert {
            table: "namespaces",
            columns: &["name", "created_at"],
            conflict: &[0],
            update: Some("name = excluded.name"),
            returning: Some("id, name"),
        }
        .run(conn, backend, missing)
        .await?;
        for r in rows {
            self.cache.namespaces.insert(r.try_get(1)?, r.try_get(0)?);
        }

        let mut datasets: BTreeMap<(i64, &str), i64> = BTreeMap::new();
        let mut jobs: BTreeMap<(i64, &str), i64> = BTreeMap::new();
        for ((_, u), &t) in items.iter().zip(at) {
            if let Some(j) = &u.job {
                jobs.entry((self.ns_id(&j.namespace)?, &j.name))
                    .or_insert(t);
            }
            for d in &u.datasets {
                datasets
                    .entry((self.ns_id(&d.namespace)?, &d.name))
                    .or_insert(t);
                for e in &d.edges {
                    datasets
                        .entry((self.ns_id(&e.src_namespace)?, &e.src_name))
                        .or_insert(t);
                }
            }
        }
        for (table, set) in [("datasets", &datasets), ("jobs", &jobs)] {
            let cache = if table == "datasets" {
                &self.cache.datasets
            } else {
                &self.cache.jobs
            };
            let missing: Vec<Vec<Val>> = set
                .iter()
                .filter(|((ns, name), _)| !cache.contains_key(&(*ns, (*name).to_owned())))
                .map(|((ns, name), t)| {
                    vec![Val::I64(*ns), Val::from(*name), Val::I64(*t), Val::I64(*t)]
                })
                .collect();
            let rows = Insert {
                table,
                columns: &["namespace_id", "name", "created_at", "updated_at"],
                conflict: &[0, 1],
                update: Some("name = excluded.name"),
                returning: Some("id, namespace_id, name"),
            }
            .run(conn, backend, missing)
            .await?;
            let cache = if table == "datasets" {
                &mut self.cache.datasets
            } else {
                &mut self.cache.jobs
            };
            for r in rows {
                cache.insert((r.try_get(1)?, r.try_get(2)?), r.try_get(0)?);
            }
        }
        Ok(())
    }

    fn ns_id(&self, ns: &str) -> Result<i64, StoreError> {
        self.cache
            .namespaces
            .get(ns)
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("namespace {ns} not resolved")))
    }

    fn dataset_id(&self, ns: &str, name: &str) -> Result<i64, StoreError> {
        let ns = self.ns_id(ns)?;
        self.cache
            .datasets
            .get(&(ns, name.to_owned()))
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("dataset {name} not resolved")))
    }

    fn job_id(&self, job: &JobUpdate) -> Result<i64, StoreError> {
        let ns = self.ns_id(&job.namespace)?;
        self.cache
            .jobs
            .get(&(ns, job.name.clone()))
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("job {} not resolved", job.name)))
    }

    /// The store this writer writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

async fn existing_keys(
    conn: &mut AnyConnection,
    backend: Backend,
    changes: &[&Prepared],
) -> Result<HashSet<Vec<u8>>, StoreError> {
    let keys: Vec<Val> = changes
        .iter()
        .filter_map(|p| p.change.dedupe_key.clone().map(Val::Bytes))
        .collect();
    let mut out = HashSet::new();
    let prefix = "SELECT dedupe_key FROM change_log WHERE dedupe_key IN ";
    for r in select_in(conn, backend, prefix, &keys).await? {
        out.insert(r.try_get::<Vec<u8>, _>(0)?);
    }
    Ok(out)
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A dataset row as the batch sees and changes it.
#[derive(Clone)]
struct DatasetRow {
    namespace_id: i64,
    name: String,
    kind: String,
    source_name: Option<String>,
    description: Option<String>,
    lifecycle: Option<String>,
    version: i64,
    fields_digest: Option<Vec<u8>>,
    /// When the current schema was last stated.
    fields_time: Option<i64>,
    /// The highest version number given out (older schemas arriving late get one too).
    max_version: i64,
    created_at: i64,
    dirty: bool,
}

#[derive(Clone)]
struct JobRow {
    namespace_id: i64,
    name: String,
    kind: Option<String>,
    description: Option<String>,
    sql: Option<String>,
    created_at: i64,
    dirty: bool,
}

#[derive(Clone)]
struct RunRow {
    external_id: String,
    job_id: i64,
    state: Option<String>,
    state_order: Option<i64>,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    nominal_start: Option<i64>,
    nominal_end: Option<i64>,
    parent: Option<String>,
}

struct EdgeRow {
    transformations: String,
    description: Option<String>,
    first_seen: i64,
    last_seen: i64,
}

/// One entity kind's facets as the batch sees them, with their times.
#[derive(Default)]
struct Facets {
    /// Stored (and batch-updated) facets: key → (digest, when last stated).
    current: HashMap<FacetKey, (Vec<u8>, i64)>,
    /// New values and removals to write.
    writes: FacetWrites,
    /// Unchanged facets stated again by a newer event: key → (digest, time). Only the
    /// time is written, so a late, older event cannot replace what was just restated.
    restated: HashMap<FacetKey, (Vec<u8>, i64)>,
}

impl Facets {
    /// Applies one facet of an event at time `at`; returns whether the facet's value
    /// changed (so what is projected from it must be recomputed).
    fn apply(
        &mut self,
        tombs: &mut Tombstones,
        entity: &'static str,
        id: i64,
        key: &str,
        value: Option<&FacetValue>,
        at: i64,
    ) -> bool {
        let k = (id, key.to_owned());
        let tomb = (entity, id.to_string(), key.to_owned());
        match value {
            Some(v) => {
                if tombs.removed_after(&tomb, at) {
                    return false;
                }
                match self.current.get_mut(&k) {
                    Some((digest, time)) if *digest == v.digest => {
                        if at > *time {
                            *time = at;
                            match self.writes.get_mut(&k) {
                                Some((t, Some(_))) => *t = at,
                                _ => {
                                    self.restated.insert(k, (v.digest.clone(), at));
                                }
                            }
                        }
                        false
                    }
                    Some((digest, time)) if (at, &v.digest) < (*time, &*digest) => false,
                    _ => {
                        self.current.insert(k.clone(), (v.digest.clone(), at));
                        self.restated.remove(&k);
                        self.writes
                            .insert(k, (at, Some((v.digest.clone(), v.json.clone()))));
                        true
                    }
                }
            }
            None => {
                let newer_value = self.current.get(&k).is_some_and(|(_, t)| *t >= at);
                if newer_value {
                    return false;
                }
                tombs.record(tomb, at);
                if self.current.remove(&k).is_none() {
                    return false;
                }
                self.restated.remove(&k);
                self.writes.insert(k, (at, None));
                true
            }
        }
    }
}

/// The static name of a tombstone's entity kind (`""` for a kind this version does not
/// write, which matches nothing).
fn entity_kind(entity: &str) -> &'static str {
    match entity {
        "dataset" => "dataset",
        "job" => "job",
        "run" => "run",
        _ => "",
    }
}

/// Facet removals of the batch's entities: loaded, and written back when new.
#[derive(Default)]
struct Tombstones {
    loaded: HashMap<TombKey, i64>,
    writes: HashMap<TombKey, i64>,
}

impl Tombstones {
    /// Whether the facet was removed by an event newer than `at`.
    fn removed_after(&self, key: &TombKey, at: i64) -> bool {
        self.loaded.get(key).is_some_and(|t| *t > at)
    }

    fn record(&mut self, key: TombKey, at: i64) {
        let t = self.loaded.entry(key.clone()).or_insert(at);
        if *t <= at {
            *t = at;
            self.writes.insert(key, at);
        }
    }

    /// Loads the tombstones of the batch's entities in one query per chunk of ids (an
    /// id may name a dataset, a job and a run at once; the kind is matched here), so
    /// the common case, a store with no removed facets, costs one empty lookup.
    async fn load(
        &mut self,
        conn: &mut AnyConnection,
        backend: Backend,
        wanted: &HashSet<(&'static str, String)>,
    ) -> Result<(), StoreError> {
        let ids: BTreeSet<&str> = wanted.iter().map(|(_, id)| id.as_str()).collect();
        let ids: Vec<Val> = ids.into_iter().map(Val::from).collect();
        // The kinds are named so the primary key (entity, entity_id, key) serves the
        // lookup.
        let prefix = "SELECT entity, entity_id, key, event_time FROM facet_tombstones \
                      WHERE entity IN ('dataset', 'job', 'run') AND entity_id IN ";
        for r in select_in(conn, backend, prefix, &ids).await? {
            let entity: String = r.try_get(0)?;
            let id: String = r.try_get(1)?;
            let Some(&(kind, _)) = wanted.get(&(entity_kind(&entity), id.clone())) else {
                continue;
            };
            self.loaded.insert((kind, id, r.try_get(2)?), r.try_get(3)?);
        }
        Ok(())
    }
}

/// Everything one batch will write, accumulated in memory, then written table by table.
struct Batch {
    now: i64,
    datasets: HashMap<i64, DatasetRow>,
    jobs: HashMap<i64, JobRow>,
    ds_facets: Facets,
    job_facets: Facets,
    tombs: Tombstones,
    versions: Vec<Vec<Val>>,
    /// Columns of schemas that became current.
    columns: Vec<Vec<Val>>,
    /// Columns of older schemas that arrived late (history, never current).
    old_columns: Vec<Vec<Val>>,
    tags: HashMap<i64, Vec<Tag>>,
    owners: HashMap<(&'static str, i64), Vec<Owner>>,
    runs: HashMap<String, RunRow>,
    /// (run, key) → (time stated, value or removal).
    run_facets: HashMap<(String, String), (i64, Option<String>)>,
    run_io: Vec<Vec<Val>>,
    job_io: Vec<Vec<Val>>,
    edges: HashMap<EdgeKey, EdgeRow>,
    /// Edges stated by an event older than the transformations already recorded: only
    /// their `first_seen` may move earlier.
    edges_first_seen: HashMap<EdgeKey, i64>,
}

impl Batch {
    async fn load(
        conn: &mut AnyConnection,
        w: &Writer,
        items: &[(i64, &LineageUpdate)],
        now: i64,
    ) -> Result<Batch, StoreError> {
        let backend = w.store.backend();
        let mut ds_ids: BTreeSet<i64> = BTreeSet::new();
        let mut job_ids: BTreeSet<i64> = BTreeSet::new();
        let mut run_ids: BTreeSet<&str> = BTreeSet::new();
        for (_, u) in items {
            for d in &u.datasets {
                ds_ids.insert(w.dataset_id(&d.namespace, &d.name)?);
            }
            if let Some(j) = &u.job {
                job_ids.insert(w.job_id(j)?);
            }
            if let Some(r) = &u.run {
                run_ids.insert(&r.id);
            }
        }
        let mut tombs = Tombstones::default();
        let wanted: HashSet<(&'static str, String)> = ds_ids
            .iter()
            .map(|i| ("dataset", i.to_string()))
            .chain(job_ids.iter().map(|i| ("job", i.to_string())))
            .chain(run_ids.iter().map(|r| ("run", (*r).to_owned())))
            .collect();
        tombs.load(conn, backend, &wanted).await?;
        let ds_ids: Vec<Val> = ds_ids.into_iter().map(Val::I64).collect();
        let job_ids: Vec<Val> = job_ids.into_iter().map(Val::I64).collect();
        let mut b = Batch {
            now,
            datasets: HashMap::new(),
            jobs: HashMap::new(),
            ds_facets: Facets::default(),
            job_facets: Facets::default(),
            tombs,
            versions: Vec::new(),
            columns: Vec::new(),
            old_columns: Vec::new(),
            tags: HashMap::new(),
            owners: HashMap::new(),
            runs: HashMap::new(),
            run_facets: HashMap::new(),
            run_io: Vec::new(),
            job_io: Vec::new(),
            edges: HashMap::new(),
            edges_first_seen: HashMap::new(),
        };
        // One round trip per entity type: each row is an entity joined with one of its
        // facet digests (or none), so the entity's columns repeat per facet.
        for r in select_in(
            conn,
            backend,
            "SELECT d.id, d.namespace_id, d.name, d.type, d.source_name, d.description, d.lifecycle, \
             d.current_version, d.fields_digest, d.created_at, f.key, f.digest, f.event_time, \
             d.fields_time, d.max_version \
             FROM datasets d LEFT JOIN dataset_facets f ON f.dataset_id = d.id WHERE d.id IN ",
            &ds_ids,
        )
        .await?
        {
            let id: i64 = r.try_get(0)?;
            if let Entry::Vacant(slot) = b.datasets.entry(id) {
                slot.insert(DatasetRow {
                    namespace_id: r.try_get(1)?,
                    name: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    source_name: r.try_get(4)?,
                    description: r.try_get(5)?,
                    lifecycle: r.try_get(6)?,
                    version: r.try_get(7)?,
                    fields_digest: r.try_get(8)?,
                    created_at: r.try_get(9)?,
                    fields_time: r.try_get(13)?,
                    max_version: r.try_get(14)?,
                    dirty: false,
                });
            }
            if let Some(key) = r.try_get::<Option<String>, _>(10)? {
                b.ds_facets
                    .current
                    .insert((id, key), (r.try_get(11)?, r.try_get(12)?));
            }
        }
        for r in select_in(
            conn,
            backend,
            "SELECT j.id, j.namespace_id, j.name, j.type, j.description, j.sql, j.created_at, f.key, f.digest, \
             f.event_time FROM jobs j LEFT JOIN job_facets f ON f.job_id = j.id WHERE j.id IN ",
            &job_ids,
        )
        .await?
        {
            let id: i64 = r.try_get(0)?;
            if let Entry::Vacant(slot) = b.jobs.entry(id) {
                slot.insert(JobRow {
                    namespace_id: r.try_get(1)?,
                    name: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    description: r.try_get(4)?,
                    sql: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                    dirty: false,
                });
            }
            if let Some(key) = r.try_get::<Option<String>, _>(7)? {
                b.job_facets
                    .current
                    .insert((id, key), (r.try_get(8)?, r.try_get(9)?));
            }
        }
        Ok(b)
    }

    fn add(&mut self, w: &mut Writer, seq: i64, u: &LineageUpdate) {
        let _ = seq;
        let at = u.event_time;
        let job_id = u.job.as_ref().and_then(|j| w.job_id(j).ok());
        if let (Some(job), Some(job_id)) = (&u.job, job_id) {
            self.add_job(job_id, job, at);
        }
        if let (Some(run), Some(job_id)) = (&u.run, job_id) {
            let terminal = matches!(run.state.as_deref(), Some("COMPLETE" | "FAIL" | "ABORT"));
            let new = RunRow {
                external_id: run.external_id.clone(),
                job_id,
                state: run.state.clone(),
                state_order: run.state.as_ref().map(|_| run.state_order),
                started_at: (run.state.as_deref() == Some("START")).then_some(at),
                ended_at: terminal.then_some(at),
                nominal_start: run.nominal_start,
                nominal_end: run.nominal_end,
                parent: run.parent_run_id.clone(),
            };
            match self.runs.get_mut(&run.id) {
                Some(old) => merge_run(old, new),
                None => {
                    self.runs.insert(run.id.clone(), new);
                }
            }
            for (k, v) in &run.facets {
                let tomb = ("run", run.id.clone(), k.clone());
                let value = v.as_ref().map(|v| v.json.clone());
                match &value {
                    Some(_) if self.tombs.removed_after(&tomb, at) => continue,
                    Some(_) => {}
                    None => self.tombs.record(tomb, at),
                }
                let new = (at, value);
                match self.run_facets.entry((run.id.clone(), k.clone())) {
                    Entry::Occupied(mut old) => {
                        // Settled as the store settles it: the newer event, then the
                        // larger value; a removal loses a tie.
                        if new > *old.get() {
                            old.insert(new);
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(new);
                    }
                }
            }
        }
        for d in &u.datasets {
            let Ok(ds_id) = w.dataset_id(&d.namespace, &d.name) else {
                continue;
            };
            let run_id = u.run.as_ref().map(|r| r.id.as_str());
            let version = self.add_dataset(ds_id, d, at, run_id);
            for e in &d.edges {
                let Ok(src) = w.dataset_id(&e.src_namespace, &e.src_name) else {
                    continue;
                };
                let key: EdgeKey = (
                    ds_id,
                    e.dst_field.clone(),
                    src,
                    e.src_field.clone(),
                    job_id.unwrap_or(0),
                    d.edges_origin,
                );
                self.add_edge(w, key, e, at);
            }
            if let (Some(run), Some(role)) = (&u.run, io_direction(d.role)) {
                if w.cache.run_io.len() > 200_000 {
                    w.cache.run_io.clear();
                }
                if w.cache
                    .run_io
                    .insert((run.id.clone(), ds_id, role, version))
                {
                    self.run_io.push(vec![
                        run.id.clone().into(),
                        Val::I64(ds_id),
                        dir_text(role).into(),
                        Val::I64(version),
                    ]);
                }
            }
            if let (Some(job_id), Some(role)) = (job_id, io_direction(d.role)) {
                let key = (job_id, ds_id, role);
                let stale = match w.cache.job_io.get(&key) {
                    Some(seen) => at - *seen >= w.edge_refresh,
                    None => true,
                };
                if stale {
                    w.cache.job_io.insert(key, at);
                    self.job_io.push(vec![
                        Val::I64(job_id),
                        Val::I64(ds_id),
                        dir_text(role).into(),
                        Val::I64(at),
                    ]);
                }
            }
        }
    }

    /// One column edge as stated by an event at `at`.
    ///
    /// An unchanged edge is rewritten at most once per refresh interval (only its
    /// `last_seen` would change). Transformations follow the newest event that stated the
    /// edge: an older event with other transformations only moves `first_seen`.
    fn add_edge(&mut self, w: &mut Writer, key: EdgeKey, e: &ColumnEdge, at: i64) {
        let digest = e.fingerprint;
        let seen = w.cache.edges.get(&key).copied();
        match seen {
            Some(s) if s.digest == digest => {
                let newest = s.newest.max(at);
                if at >= s.written && at - s.written < w.edge_refresh {
                    w.cache.edges.insert(key, EdgeSeen { newest, ..s });
                    return;
                }
                let written = s.written.max(at);
                w.cache.edges.insert(
                    key.clone(),
                    EdgeSeen {
                        digest,
                        written,
                        newest,
                    },
                );
            }
            Some(s) if at < s.newest => {
                let first = self.edges_first_seen.entry(key).or_insert(at);
                *first = (*first).min(at);
                return;
            }
            _ => {
                if w.cache.edges.len() >= EDGE_CACHE_LIMIT {
                    // Forgetting only costs a rewrite of an unchanged edge; a schema that
                    // churns (new columns every run) must not grow the cache forever.
                    w.cache.edges.clear();
                }
                w.cache.edges.insert(
                    key.clone(),
                    EdgeSeen {
                        digest,
                        written: at,
                        newest: at,
                    },
                );
            }
        }
        let row = self.edges.entry(key).or_insert(EdgeRow {
            transformations: e.transformations.clone(),
            description: e.description.clone(),
            first_seen: at,
            last_seen: at,
        });
        if (at, &e.transformations) >= (row.last_seen, &row.transformations) {
            row.transformations.clone_from(&e.transformations);
            row.description = e.description.clone();
        }
        row.first_seen = row.first_seen.min(at);
        row.last_seen = row.last_seen.max(at);
    }

    fn add_job(&mut self, job_id: i64, job: &JobUpdate, at: i64) {
        for (key, value) in &job.facets {
            let changed =
                self.job_facets
                    .apply(&mut self.tombs, "job", job_id, key, value.as_ref(), at);
            if !changed {
                continue;
            }
            let Some(row) = self.jobs.get_mut(&job_id) else {
                continue;
            };
            row.dirty = true;
            let parsed = value.as_ref().map(FacetValue::value);
            let v = parsed.as_ref();
            match key.as_str() {
                "sql" => row.sql = v.and_then(|v| str_at(v, "query")).map(str::to_owned),
                "documentation" => {
                    row.description = v.and_then(|v| str_at(v, "description")).map(str::to_owned)
                }
                "jobType" => {
                    row.kind = v
                        .and_then(|v| str_at(v, "jobType").or_else(|| str_at(v, "processingType")))
                        .map(str::to_owned)
                }
                "ownership" => {
                    let owners = v.map(owners_of).unwrap_or_default();
                    self.owners.insert(("job", job_id), owners);
                }
                _ => {}
            }
        }
    }

    /// Applies what an event at `at` says about one dataset; returns the schema version
    /// the event saw (the one it stated, or the current one).
    fn add_dataset(&mut self, ds_id: i64, d: &DatasetUpdate, at: i64, run_id: Option<&str>) -> i64 {
        let mut seen_version = self.datasets.get(&ds_id).map(|r| r.version).unwrap_or(0);
        if let Some(fields) = &d.fields
            && let Some(row) = self.datasets.get_mut(&ds_id)
        {
            let digest = fields.digest.as_slice();
            if row.fields_digest.as_deref() == Some(digest) {
                // Stated again: only its time moves on.
                if row.fields_time.is_none_or(|t| at > t) {
                    row.fields_time = Some(at);
                    row.dirty = true;
                }
            } else {
                let newer = match (row.fields_time, row.fields_digest.as_deref()) {
                    (Some(t), Some(cur)) => (at, digest) > (t, cur),
                    _ => true,
                };
                row.max_version += 1;
                let version = row.max_version;
                seen_version = version;
                row.dirty = true;
                let out_run = (d.role == DatasetRole::Output)
                    .then(|| run_id.map(str::to_owned))
                    .flatten();
                self.versions.push(vec![
                    Val::I64(ds_id),
                    Val::I64(version),
                    fields.digest.clone().into(),
                    fields.json.clone().into(),
                    Val::OptText(out_run),
                    Val::I64(at),
                ]);
                // An older schema arriving late is history, not the current schema; its
                // columns are kept (lineage may name them) but never made current.
                let columns = if newer {
                    row.version = version;
                    row.fields_digest = Some(fields.digest.clone());
                    row.fields_time = Some(at);
                    &mut self.columns
                } else {
                    &mut self.old_columns
                };
                for f in &fields.list {
                    columns.push(vec![
                        Val::I64(ds_id),
                        f.name.clone().into(),
                        f.data_type.clone().into(),
                        f.description.clone().into(),
                        Val::I64(f.ordinal),
                        Val::I64(version),
                        Val::I64(version),
                        Val::I64(at),
                    ]);
                }
            }
        }
        for (key, value) in &d.facets {
            let changed =
                self.ds_facets
                    .apply(&mut self.tombs, "dataset", ds_id, key, value.as_ref(), at);
            if !changed {
                continue;
            }
            let Some(row) = self.datasets.get_mut(&ds_id) else {
                continue;
            };
            row.dirty = true;
            let parsed = value.as_ref().map(FacetValue::value);
            let v = parsed.as_ref();
            match key.as_str() {
                "documentation" => {
                    row.description = v.and_then(|v| str_at(v, "description")).map(str::to_owned)
                }
                "dataSource" => {
                    row.source_name = v
                        .and_then(|v| str_at(v, "name").or_else(|| str_at(v, "uri")))
                        .map(str::to_owned)
                }
                "datasetType" => {
                    row.kind = v
                        .and_then(|v| str_at(v, "datasetType"))
                        .unwrap_or("DB_TABLE")
                        .to_owned()
                }
                "lifecycleStateChange" => {
                    row.lifecycle = v
                        .and_then(|v| str_at(v, "lifecycleStateChange"))
                        .map(str::to_owned)
                }
                "tags" => {
                    self.tags.insert(ds_id, d.tags.clone().unwrap_or_default());
                }
                "ownership" => {
                    self.owners
                        .insert(("dataset", ds_id), d.owners.clone().unwrap_or_default());
                }
                _ => {}
            }
        }
        seen_version
    }

    async fn write(self, conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
        let now = self.now;
        let mut dataset_rows = Vec::new();
        for (id, r) in self.datasets.into_iter().filter(|(_, r)| r.dirty) {
            dataset_rows.push(vec![
                Val::I64(id),
                Val::I64(r.namespace_id),
                r.name.into(),
                r.kind.into(),
                r.source_name.into(),
                r.description.into(),
                r.lifecycle.into(),
                Val::I64(r.version),
                Val::OptBytes(r.fields_digest),
                Val::I64(r.created_at),
                Val::I64(now),
                r.fields_time.into(),
                Val::I64(r.max_version),
            ]);
        }
        Insert {
            table: "datasets",
            columns: &[
                "id", "namespace_id", "name", "type", "source_name", "description", "lifecycle",
                "current_version", "fields_digest", "created_at", "updated_at", "fields_time",
                "max_version",
            ],
            conflict: &[0],
            update: Some(
                "type = excluded.type, source_name = excluded.source_name, description = excluded.description, \
                 lifecycle = excluded.lifecycle, current_version = excluded.current_version, \
                 fields_digest = excluded.fields_digest, updated_at = excluded.updated_at, \
                 fields_time = excluded.fields_time, max_version = excluded.max_version",
            ),
            returning: None,
        }
        .run(conn, backend, dataset_rows)
        .await?;
        Insert {
            table: "dataset_versions",
            columns: &[
                "dataset_id",
                "version",
                "fields_digest",
                "fields",
                "run_id",
                "created_at",
            ],
            conflict: &[0, 1],
            update: None,
            returning: None,
        }
        .run(conn, backend, self.versions)
        .await?;
        const COLUMNS: [&str; 8] = [
            "dataset_id",
            "name",
            "data_type",
            "description",
            "ordinal",
            "first_version",
            "last_version",
            "stated_at",
        ];
        Insert {
            table: "columns",
            columns: &COLUMNS,
            conflict: &[0, 1],
            update: Some(
                "data_type = excluded.data_type, description = excluded.description, \
                 ordinal = excluded.ordinal, last_version = excluded.last_version, \
                 stated_at = excluded.stated_at",
            ),
            returning: None,
        }
        .run(conn, backend, self.columns)
        .await?;
        // A late, older schema's column: a new one is kept as history; an existing one
        // takes its type only if it is not current and this schema is the newer source.
        const OLDER: &str = "(columns.last_version <> (SELECT d.current_version FROM datasets d \
             WHERE d.id = columns.dataset_id) AND excluded.stated_at > columns.stated_at)";
        let old_update = format!(
            "data_type = CASE WHEN {OLDER} THEN excluded.data_type ELSE columns.data_type END, \
             description = CASE WHEN {OLDER} THEN excluded.description ELSE columns.description END, \
             ordinal = CASE WHEN {OLDER} THEN excluded.ordinal ELSE columns.ordinal END, \
             stated_at = CASE WHEN {OLDER} THEN excluded.stated_at ELSE columns.stated_at END"
        );
        Insert {
            table: "columns",
            columns: &COLUMNS,
            conflict: &[0, 1],
            update: Some(&old_update),
            returning: None,
        }
        .run(conn, backend, self.old_columns)
        .await?;
        write_facets(
            conn,
            backend,
            "dataset_facets",
            "dataset_id",
            self.ds_facets,
            now,
        )
        .await?;

        let job_rows: Vec<Vec<Val>> = self
            .jobs
            .into_iter()
            .filter(|(_, r)| r.dirty)
            .map(|(id, r)| {
                vec![
                    Val::I64(id),
                    Val::I64(r.namespace_id),
                    r.name.into(),
                    r.kind.into(),
                    r.description.into(),
                    r.sql.into(),
                    Val::I64(r.created_at),
                    Val::I64(now),
                ]
            })
            .collect();
        Insert {
            table: "jobs",
            columns: &["id", "namespace_id", "name", "type", "description", "sql", "created_at", "updated_at"],
            conflict: &[0],
            update: Some(
                "type = excluded.type, description = excluded.description, sql = excluded.sql, updated_at = excluded.updated_at",
            ),
            returning: None,
        }
        .run(conn, backend, job_rows)
        .await?;
        write_facets(conn, backend, "job_facets", "job_id", self.job_facets, now).await?;
        let tomb_rows = self
            .tombs
            .writes
            .into_iter()
            .map(|((entity, id, key), t)| vec![entity.into(), id.into(), key.into(), Val::I64(t)])
            .collect();
        Insert {
            table: "facet_tombstones",
            columns: &["entity", "entity_id", "key", "event_time"],
            conflict: &[0, 1, 2],
            update: Some(
                "event_time = CASE WHEN excluded.event_time > facet_tombstones.event_time \
                 THEN excluded.event_time ELSE facet_tombstones.event_time END",
            ),
            returning: None,
        }
        .run(conn, backend, tomb_rows)
        .await?;

        for (ds_id, tags) in self.tags {
            execute(
                conn,
                backend.sql("DELETE FROM tags WHERE dataset_id = ? AND origin = 'declared'"),
                vec![Val::I64(ds_id)],
            )
            .await?;
            let rows = tags
                .into_iter()
                .map(|t| {
                    vec![
                        Val::I64(ds_id),
                        t.column.into(),
                        t.key.into(),
                        t.value.into(),
                        t.source.into(),
                        "declared".into(),
                        Val::I64(now),
                    ]
                })
                .collect();
            Insert {
                table: "tags",
                columns: &[
                    "dataset_id",
                    "column_name",
                    "key",
                    "value",
                    "source",
                    "origin",
                    "created_at",
                ],
                conflict: &[0, 1, 2],
                update: Some(
                    "value = excluded.value, source = excluded.source, origin = excluded.origin",
                ),
                returning: None,
            }
            .run(conn, backend, rows)
            .await?;
        }
        for ((kind, id), owners) in self.owners {
            execute(
                conn,
                backend.sql("DELETE FROM owners WHERE entity_type = ? AND entity_id = ?"),
                vec![kind.into(), Val::I64(id)],
            )
            .await?;
            let rows = owners
                .into_iter()
                .map(|o| {
                    vec![
                        kind.into(),
                        Val::I64(id),
                        o.name.into(),
                        o.owner_type.into(),
                    ]
                })
                .collect();
            Insert {
                table: "owners",
                columns: &["entity_type", "entity_id", "name", "owner_type"],
                conflict: &[0, 1, 2],
                update: Some("owner_type = excluded.owner_type"),
                returning: None,
            }
            .run(conn, backend, rows)
            .await?;
        }

        let run_rows: Vec<Vec<Val>> = self
            .runs
            .into_iter()
            .map(|(id, r)| {
                vec![
                    id.into(),
                    r.external_id.into(),
                    Val::I64(r.job_id),
                    r.state.into(),
                    r.state_order.into(),
                    r.started_at.into(),
                    r.ended_at.into(),
                    r.nominal_start.into(),
                    r.nominal_end.into(),
                    r.parent.into(),
                    Val::I64(now),
                    Val::I64(now),
                ]
            })
            .collect();
        const NEWER: &str = "excluded.state_order IS NOT NULL AND (runs.state_order IS NULL OR excluded.state_order >= runs.state_order)";
        let run_update = format!(
            "state = CASE WHEN {NEWER} THEN excluded.state ELSE runs.state END, \
             state_order = CASE WHEN {NEWER} THEN excluded.state_order ELSE runs.state_order END, \
             started_at = CASE WHEN runs.started_at IS NULL OR (excluded.started_at IS NOT NULL AND excluded.started_at < runs.started_at) THEN excluded.started_at ELSE runs.started_at END, \
             ended_at = CASE WHEN runs.ended_at IS NULL OR (excluded.ended_at IS NOT NULL AND excluded.ended_at > runs.ended_at) THEN excluded.ended_at ELSE runs.ended_at END, \
             nominal_start = COALESCE(excluded.nominal_start, runs.nominal_start), \
             nominal_end = COALESCE(excluded.nominal_end, runs.nominal_end), \
             parent_run_id = COALESCE(excluded.parent_run_id, runs.parent_run_id), \
             updated_at = excluded.updated_at"
        );
        Insert {
            table: "runs",
            columns: &[
                "id",
                "external_id",
                "job_id",
                "state",
                "state_order",
                "started_at",
                "ended_at",
                "nominal_start",
                "nominal_end",
                "parent_run_id",
                "created_at",
                "updated_at",
            ],
            conflict: &[0],
            update: Some(&run_update),
            returning: None,
        }
        .run(conn, backend, run_rows)
        .await?;
        let mut facet_rows = Vec::new();
        for ((run, key), (t, value)) in self.run_facets {
            match value {
                Some(v) => facet_rows.push(vec![
                    run.into(),
                    key.into(),
                    v.into(),
                    Val::I64(now),
                    Val::I64(t),
                ]),
                None => {
                    execute(
                        conn,
                        backend.sql(
                            "DELETE FROM run_facets WHERE run_id = ? AND key = ? AND event_time < ?",
                        ),
                        vec![run.into(), key.into(), Val::I64(t)],
                    )
                    .await?;
                }
            }
        }
        // The newer statement wins, then the larger value: as `Batch::add` settles it.
        const NEWER_FACET: &str = "(excluded.event_time > run_facets.event_time OR \
             (excluded.event_time = run_facets.event_time AND excluded.value >= run_facets.value))";
        let facet_update = format!(
            "value = CASE WHEN {NEWER_FACET} THEN excluded.value ELSE run_facets.value END, \
             updated_at = CASE WHEN {NEWER_FACET} THEN excluded.updated_at ELSE run_facets.updated_at END, \
             event_time = CASE WHEN {NEWER_FACET} THEN excluded.event_time ELSE run_facets.event_time END"
        );
        Insert {
            table: "run_facets",
            columns: &["run_id", "key", "value", "updated_at", "event_time"],
            conflict: &[0, 1],
            update: Some(&facet_update),
            returning: None,
        }
        .run(conn, backend, facet_rows)
        .await?;
        Insert {
            table: "run_io",
            columns: &["run_id", "dataset_id", "direction", "dataset_version"],
            conflict: &[0, 1, 2],
            update: Some("dataset_version = excluded.dataset_version"),
            returning: None,
        }
        .run(conn, backend, self.run_io)
        .await?;
        Insert {
            table: "job_io",
            columns: &["job_id", "dataset_id", "direction", "updated_at"],
            conflict: &[0, 1, 2],
            update: Some(
                "updated_at = CASE WHEN excluded.updated_at > job_io.updated_at \
                 THEN excluded.updated_at ELSE job_io.updated_at END",
            ),
            returning: None,
        }
        .run(conn, backend, self.job_io)
        .await?;
        let edge_rows = self
            .edges
            .into_iter()
            .map(|((dst, dst_col, src, src_col, job, origin), e)| {
                vec![
                    Val::I64(dst),
                    dst_col.into(),
                    Val::I64(src),
                    src_col.into(),
                    Val::I64(job),
                    origin.into(),
                    e.transformations.into(),
                    e.description.into(),
                    Val::I64(e.first_seen),
                    Val::I64(e.last_seen),
                ]
            })
            .collect();
        // Transformations follow the newest statement; equal times, the larger text.
        const NEWER_EDGE: &str = "(excluded.last_seen > column_edges.last_seen OR \
             (excluded.last_seen = column_edges.last_seen AND excluded.transformations >= column_edges.transformations))";
        let edge_update = format!(
            "transformations = CASE WHEN {NEWER_EDGE} THEN excluded.transformations ELSE column_edges.transformations END, \
             description = CASE WHEN {NEWER_EDGE} THEN excluded.description ELSE column_edges.description END, \
             first_seen = CASE WHEN excluded.first_seen < column_edges.first_seen THEN excluded.first_seen ELSE column_edges.first_seen END, \
             last_seen = CASE WHEN excluded.last_seen > column_edges.last_seen THEN excluded.last_seen ELSE column_edges.last_seen END"
        );
        Insert {
            table: "column_edges",
            columns: &COLUMN_EDGE_COLUMNS,
            conflict: &[0, 1, 2, 3, 4, 5],
            update: Some(&edge_update),
            returning: None,
        }
        .run(conn, backend, edge_rows)
        .await?;
        for ((dst, dst_col, src, src_col, job, origin), first) in self.edges_first_seen {
            execute(
                conn,
                backend.sql(
                    "UPDATE column_edges SET first_seen = ? WHERE dst_dataset_id = ? AND dst_column = ? \
                     AND src_dataset_id = ? AND src_column = ? AND job_id = ? AND origin = ? \
                     AND first_seen > ?",
                ),
                vec![
                    Val::I64(first),
                    Val::I64(dst),
                    dst_col.into(),
                    Val::I64(src),
                    src_col.into(),
                    Val::I64(job),
                    origin.into(),
                    Val::I64(first),
                ],
            )
            .await?;
        }
        Ok(())
    }
}

/// The columns of a `column_edges` row, in the order writers build their rows; the
/// first six are the primary key.
pub const COLUMN_EDGE_COLUMNS: [&str; 10] = [
    "dst_dataset_id",
    "dst_column",
    "src_dataset_id",
    "src_column",
    "job_id",
    "origin",
    "transformations",
    "description",
    "first_seen",
    "last_seen",
];

async fn write_facets(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &'static str,
    id_col: &'static str,
    facets: Facets,
    now: i64,
) -> Result<(), StoreError> {
    let mut rows = Vec::new();
    for ((id, key), (t, w)) in facets.writes {
        match w {
            Some((digest, value)) => rows.push(vec![
                Val::I64(id),
                key.into(),
                digest.into(),
                value.into(),
                Val::I64(now),
                Val::I64(t),
            ]),
            None => {
                execute(
                    conn,
                    backend.sql(&format!(
                        "DELETE FROM {table} WHERE {id_col} = ? AND key = ?"
                    )),
                    vec![Val::I64(id), key.into()],
                )
                .await?;
            }
        }
    }
    let columns = [id_col, "key", "digest", "value", "updated_at", "event_time"];
    Insert {
        table,
        columns: &columns,
        conflict: &[0, 1],
        update: Some(
            "digest = excluded.digest, value = excluded.value, updated_at = excluded.updated_at, \
             event_time = excluded.event_time",
        ),
        returning: None,
    }
    .run(conn, backend, rows)
    .await?;
    // Restated facets exist (they were read in this transaction): only their time moves.
    // The value bound is never stored; the conflict always hits.
    let restated = facets
        .restated
        .into_iter()
        .map(|((id, key), (digest, t))| {
            vec![
                Val::I64(id),
                key.into(),
                digest.into(),
                String::new().into(),
                Val::I64(now),
                Val::I64(t),
            ]
        })
        .collect();
    let update = format!(
        "event_time = CASE WHEN excluded.event_time > {table}.event_time \
         THEN excluded.event_time ELSE {table}.event_time END"
    );
    Insert {
        table,
        columns: &columns,
        conflict: &[0, 1],
        update: Some(&update),
        returning: None,
    }
    .run(conn, backend, restated)
    .await?;
    Ok(())
}

fn owners_of(v: &Value) -> Vec<Owner> {
    v.get("owners")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| {
                    Some(Owner {
                        name: str_at(o, "name")?.to_owned(),
                        owner_type: str_at(o, "type").map(str::to_owned),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn merge_run(old: &mut RunRow, new: RunRow) {
    if new.state.is_some()
        && old
            .state_order
            .is_none_or(|o| new.state_order.unwrap_or(0) >= o)
    {
        old.state = new.state;
        old.state_order = new.state_order;
    }
    old.started_at = match (old.started_at, new.started_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    old.ended_at = match (old.ended_at, new.ended_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    old.nominal_start = new.nominal_start.or(old.nominal_start);
    old.nominal_end = new.nominal_end.or(old.nominal_end);
    old.parent = new.parent.or(old.parent.take());
}

fn io_direction(role: DatasetRole) -> Option<bool> {
    match role {
        DatasetRole::Input => Some(false),
        DatasetRole::Output => Some(true),
        DatasetRole::Subject => None,
    }
}

fn dir_text(output: bool) -> &'static str {
    if output { "out" } else { "in" }
}
