//! Pull crawls: a database catalog or a query log read by `weft-ingest`, turned into
//! changes and written through the same writer as pushed events.
//!
//! The same code runs for `weft crawl` (writing to the store directly, like
//! `weft ingest`) and for the sources `weft serve` crawls on a schedule (submitting to
//! the server's writer task). What a crawl does, in order:
//!
//! 1. read the source completely (catalog queries, or the whole log file) — a source
//!    that cannot be reached or refuses the credentials fails here, before anything is
//!    written, and only the failed crawl's record lands in the history;
//! 2. turn what it read into changes: one OpenLineage DatasetEvent per table or view
//!    (views carry their column lineage), a `DROP` lifecycle event for each table a
//!    previous crawl found and this one did not (soft delete: the history stays), usage
//!    batches, and a JobEvent per statement shape that writes (the `sql_lineage` view
//!    derives its column edges);
//! 3. write them, then the `crawl.run` record.
//!
//! A table whose description did not change since the last crawl produces an event the
//! log already holds (the dedupe key covers the content, not the crawl time), so a crawl
//! of an unchanged database adds one history entry, not two thousand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use indicatif::ProgressBar;
use serde_json::Value;
use sha2::{Digest, Sha256};
use weft_ingest::crawl::{self as dbcrawl, CrawlOptions, Snapshot};
use weft_ingest::openlineage::normalize;
use weft_ingest::querylog::{
    self, Format, KnownTable, Naming, Processor, ProcessorOptions, QueryRecord,
};
use weft_schemas::change::{CrawlRecord, ErrorClass, MetadataChange, UsageBatch};
use weft_schemas::openlineage::Event;

use weft_store::group_commit::WriterHandle;
use weft_store::writer::{Outcome, Prepared, Writer};
use weft_store::{Store, StoreError, now_micros};

/// The producer URI crawler events carry.
const PRODUCER: &str = dbcrawl::CRAWLER_PRODUCER;

/// Changes written per transaction.
const WRITE_BATCH: usize = 500;

/// One source to crawl.
#[derive(Debug, Clone)]
pub struct CrawlSpec {
    /// The source's name: its crawl history and query keys are kept under it.
    pub name: String,
    /// What to read.
    pub kind: SourceKind,
    /// How often `weft serve` crawls it; `None` for one-off crawls.
    pub interval: Option<Duration>,
}

/// What a source is.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// A PostgreSQL or MySQL/MariaDB server, by URL.
    Database {
        /// `postgres://user:pass@host:port/db` or `mysql://…`.
        url: String,
        /// Only these schemas (PostgreSQL); all when empty.
        schemas: Vec<String>,
        /// Read `pg_stat_statements` too, when installed.
        statements: bool,
    },
    /// An exported query log.
    QueryLog {
        /// The file.
        path: PathBuf,
        /// Its format.
        format: Format,
        /// Dialect of queries that do not name one.
        dialect: String,
        /// The namespace the log's tables belong to.
        namespace: String,
        /// Database of queries that do not say.
        database: Option<String>,
        /// Schema of queries that do not say.
        schema: Option<String>,
        /// Keep one verbatim text per statement (off: only normalised text is stored).
        keep_raw: bool,
    },
}

impl CrawlSpec {
    /// What the history shows as the crawl's target: the URL without its password, or
    /// the file.
    pub fn target(&self) -> String {
        match &self.kind {
            SourceKind::Database { url, .. } => dbcrawl::redact_url(url),
            SourceKind::QueryLog { path, .. } => path.display().to_string(),
        }
    }

    fn kind_name(&self) -> &'static str {
        match &self.kind {
            SourceKind::Database { url, .. } if url.starts_with("mysql") => "mysql",
            SourceKind::Database { url, .. } if url.starts_with("mariadb") => "mysql",
            SourceKind::Database { .. } => "postgres",
            SourceKind::QueryLog { .. } => "query-log",
        }
    }
}

/// Where a crawl's changes go.
pub enum Sink {
    /// Straight into the store (`weft crawl`).
    Store(Box<Writer>),
    /// Through a running server's writer task.
    Server(WriterHandle),
}

impl Sink {
    async fn write(&mut self, changes: Vec<MetadataChange>) -> Result<(u64, u64), CrawlFailure> {
        let mut applied = 0;
        let mut duplicates = 0;
        let mut count = |outcomes: Vec<Outcome>| {
            for o in outcomes {
                match o {
                    Outcome::Applied(_) => applied += 1,
                    Outcome::Duplicate => duplicates += 1,
                }
            }
        };
        let mut changes = changes;
        while !changes.is_empty() {
            let rest = changes.split_off(changes.len().min(WRITE_BATCH));
            let chunk = std::mem::replace(&mut changes, rest);
            match self {
                Sink::Store(w) => {
                    let backend = w.backend();
                    let prepared: Vec<Prepared> = chunk
                        .into_iter()
                        .map(|c| Prepared::new(backend, c))
                        .collect();
                    let refs: Vec<&Prepared> = prepared.iter().collect();
                    count(w.apply(&refs).await.map_err(CrawlFailure::Store)?);
                }
                Sink::Server(h) => count(
                    h.submit(chunk)
                        .await
                        .map_err(|e| CrawlFailure::Write(e.to_string()))?,
                ),
            }
        }
        Ok((applied, duplicates))
    }
}

/// Why a crawl failed.
#[derive(Debug, thiserror::Error)]
pub enum CrawlFailure {
    /// The source could not be read (unreachable, credentials, permissions); nothing
    /// but the failed crawl's record was written. The text says why, not which source:
    /// the history entry and the CLI name the source beside it.
    #[error("{0}")]
    Source(String),
    /// The store refused a read or a write.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The server's writer refused.
    #[error("writing: {0}")]
    Write(String),
}

/// A failed crawl in one sentence, as the CLI prints it: which source (its name, and its
/// password-free target when the name is not that already), then why.
pub fn failure_sentence(spec: &CrawlSpec, e: &CrawlFailure) -> String {
    let target = spec.target();
    if spec.name == target {
        format!("crawl of {target} failed: {e}")
    } else {
        format!("crawl of {} ({target}) failed: {e}", spec.name)
    }
}

/// Maps the other addresses of a source onto the namespace its datasets live in.
#[derive(Debug, Clone, Default)]
pub struct Aliases(pub BTreeMap<String, String>);

impl Aliases {
    /// The namespace to use for `ns`.
    pub fn canonical(&self, ns: &str) -> String {
        let trimmed = ns.trim_end_matches('/');
        self.0
            .get(trimmed)
            .cloned()
            .unwrap_or_else(|| trimmed.to_owned())
    }
}

impl Aliases {
    /// Rewrites every namespace a change names through the aliases, so a producer that
    /// knows a server as `db.example.com:5432` and a crawler that reached it at
    /// `127.0.0.1:5432` describe one dataset. The payload stays as sent; a rebuild with
    /// the same configuration maps it the same way.
    pub fn apply(&self, change: &mut MetadataChange) {
        if self.0.is_empty() {
            return;
        }
        let map = |ns: &mut String| {
            if let Some(to) = self.0.get(ns.trim_end_matches('/')) {
                *ns = to.clone();
            }
        };
        if let Some(ns) = change.namespace.as_mut() {
            map(ns);
        }
        if let weft_schemas::change::ChangeBody::Lineage(u) = &mut change.body {
            for d in &mut u.datasets {
                map(&mut d.namespace);
                for e in &mut d.edges {
                    map(&mut e.src_namespace);
                }
            }
            if let Some(j) = u.job.as_mut() {
                map(&mut j.namespace);
            }
        }
        if let Some(rest) = change.entity.strip_prefix("dataset:") {
            for (from, to) in &self.0 {
                if let Some(name) = rest
                    .strip_prefix(from.as_str())
                    .and_then(|r| r.strip_prefix(':'))
                {
                    change.entity = format!("dataset:{to}:{name}");
                    break;
                }
            }
        }
    }
}

/// Datasets a producer pushed under one name that declare, in their `symlinks` facet,
/// the name a crawler finds them under: the crawler's findings are written to the
/// pushed dataset. Applied to the events' JSON (and usage rows) before they become
/// changes, so the log holds the merged names and a rebuild needs no lookup.
#[derive(Debug, Default)]
struct Redirects(std::collections::HashMap<(String, String), (String, String)>);

impl Redirects {
    async fn load(store: &Store, aliases: &Aliases) -> Result<Redirects, StoreError> {
        Ok(Redirects(
            store
                .symlinks()
                .await?
                .into_iter()
                .map(|((ns, name), to)| ((aliases.canonical(&ns), name), to))
                .collect(),
        ))
    }

    fn get(&self, namespace: &str, name: &str) -> Option<&(String, String)> {
        if self.0.is_empty() {
            return None;
        }
        self.0.get(&(namespace.to_owned(), name.to_owned()))
    }

    /// Rewrites every `{namespace, name}` object in an event (datasets, inputs, outputs,
    /// column-lineage input fields).
    fn rewrite(&self, v: &mut Value) {
        if self.0.is_empty() {
            return;
        }
        match v {
            Value::Object(o) => {
                let target = match (o.get("namespace"), o.get("name")) {
                    (Some(Value::String(ns)), Some(Value::String(name))) => {
                        self.get(ns, name).cloned()
                    }
                    _ => None,
                };
                if let Some((ns, name)) = target {
                    o.insert("namespace".into(), Value::String(ns));
                    o.insert("name".into(), Value::String(name));
                }
                for child in o.values_mut() {
                    self.rewrite(child);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| self.rewrite(c)),
            _ => {}
        }
    }
}

/// Runs one crawl to the end and records it. On failure the record (status `failed`,
/// the error as its only error class) is still written, so the history shows it.
pub async fn run(
    store: &Store,
    sink: &mut Sink,
    spec: &CrawlSpec,
    aliases: &Aliases,
    bar: &ProgressBar,
) -> Result<CrawlRecord, CrawlFailure> {
    let started_at = now_micros();
    let mut record = CrawlRecord {
        source: spec.name.clone(),
        kind: spec.kind_name().into(),
        target: spec.target(),
        namespace: String::new(),
        started_at,
        ended_at: started_at,
        status: "ok".into(),
        counts: BTreeMap::new(),
        errors: Vec::new(),
        watermark: None,
    };
    let result = match &spec.kind {
        SourceKind::Database {
            url,
            schemas,
            statements,
        } => {
            crawl_database(
                store,
                sink,
                spec,
                url,
                schemas,
                *statements,
                aliases,
                bar,
                &mut record,
            )
            .await
        }
        SourceKind::QueryLog { .. } => {
            crawl_log(store, sink, spec, aliases, bar, &mut record).await
        }
    };
    record.ended_at = now_micros();
    if let Err(e) = &result {
        record.status = "failed".into();
        let class = match e {
            CrawlFailure::Source(_) => "source",
            CrawlFailure::Store(_) | CrawlFailure::Write(_) => "store",
        };
        record.errors.insert(
            0,
            ErrorClass {
                class: class.into(),
                count: 1,
                example: e.to_string(),
            },
        );
    } else if !record.errors.is_empty() {
        record.status = "partial".into();
    }
    let actor = actor(spec);
    // A failed write is reported as the crawl's error; the record may fail too.
    if let Err(e) = sink.write(vec![record.clone().into_change(&actor)]).await {
        tracing::warn!(source = %spec.name, error = %e, "crawl record not written");
    }
    result.map(|()| record)
}

fn actor(spec: &CrawlSpec) -> String {
    format!("crawler:{}", spec.name)
}

#[allow(clippy::too_many_arguments)]
async fn crawl_database(
    store: &Store,
    sink: &mut Sink,
    spec: &CrawlSpec,
    url: &str,
    schemas: &[String],
    statements: bool,
    aliases: &Aliases,
    bar: &ProgressBar,
    record: &mut CrawlRecord,
) -> Result<(), CrawlFailure> {
    let opts = CrawlOptions {
        include_schemas: schemas.to_vec(),
        ..CrawlOptions::default()
    };
    bar.set_message(format!("reading the catalog of {}", record.target));
    let mysql = record.kind == "mysql";
    let mut snapshot: Snapshot = if mysql {
        dbcrawl::crawl_mysql(url, &opts).await
    } else {
        dbcrawl::crawl_postgres(url, &opts).await
    }
    .map_err(|e| CrawlFailure::Source(e.reason()))?;
    let stats = if statements && !mysql {
        bar.set_message("reading pg_stat_statements");
        dbcrawl::pg_stat_statements(url)
            .await
            .map_err(|e| CrawlFailure::Source(e.reason()))?
    } else {
        None
    };
    let namespace = aliases.canonical(&snapshot.namespace);
    snapshot.namespace = namespace.clone();
    record.namespace = namespace.clone();
    let event_time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    bar.set_message("parsing view definitions");
    let converted = snapshot.to_events(PRODUCER, &event_time);
    let known = store.namespace_datasets(&namespace).await?;
    let dropped: BTreeSet<&str> = known
        .iter()
        .filter(|d| d.lifecycle.as_deref() == Some("DROP"))
        .map(|d| d.name.as_str())
        .collect();
    let found: BTreeSet<&str> = snapshot.tables.iter().map(|t| t.name.as_str()).collect();
    let actor = actor(spec);
    let redirects = Redirects::load(store, aliases).await?;
    let mut changes = Vec::with_capacity(converted.events.len());
    for text in &converted.events {
        let mut value: Value = serde_json::from_str(text)
            .map_err(|e| CrawlFailure::Source(format!("crawler produced bad JSON: {e}")))?;
        redirects.rewrite(&mut value);
        let name = value
            .pointer("/dataset/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let reappeared = dropped.contains(name.as_str());
        if reappeared
            && let Some(f) = value
                .pointer_mut("/dataset/facets")
                .and_then(Value::as_object_mut)
        {
            f.insert("lifecycleStateChange".into(), lifecycle_facet("CREATE"));
        }
        changes.push(crawler_change(&value, &actor, reappeared, aliases)?);
    }
    let mut deleted = 0u64;
    for d in &known {
        let in_scope = snapshot
            .databases
            .iter()
            .any(|db| d.name.starts_with(&format!("{db}.")));
        if d.crawled
            && in_scope
            && !found.contains(d.name.as_str())
            && d.lifecycle.as_deref() != Some("DROP")
        {
            let text = dbcrawl::dropped_event(&namespace, &d.name, PRODUCER, &event_time);
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| CrawlFailure::Source(format!("crawler produced bad JSON: {e}")))?;
            changes.push(crawler_change(&value, &actor, true, aliases)?);
            deleted += 1;
        }
    }
    let tables = snapshot.tables.len() as u64;
    let columns: u64 = snapshot.tables.iter().map(|t| t.columns.len() as u64).sum();
    record.counts.insert("datasets".into(), tables);
    record.counts.insert("columns".into(), columns);
    record.counts.insert("views".into(), converted.views as u64);
    record
        .counts
        .insert("viewsParsed".into(), converted.views_parsed as u64);
    record.counts.insert("deleted".into(), deleted);
    if !converted.view_errors.is_empty() {
        record.errors.push(ErrorClass {
            class: "view".into(),
            count: converted.view_errors.len() as u64,
            example: converted
                .view_errors
                .first()
                .map(|e| format!("{}: {}", e.view, e.message))
                .unwrap_or_default(),
        });
    }
    bar.set_message(format!("writing {} tables", tables));
    let (applied, _) = sink.write(changes).await?;
    record.counts.insert("changed".into(), applied);
    if let Some(stats) = stats {
        bar.set_message(format!("counting {} statements", stats.len()));
        let source = spec.name.clone();
        let keys: Vec<String> = stats
            .iter()
            .map(|s| format!("pgss:{}:{}:{}", s.database, s.user, s.queryid))
            .collect();
        let seen = store.seen_queries(&source, &keys).await?;
        let naming = naming_of(&namespace);
        let mut processor = Processor::new(ProcessorOptions {
            source: source.clone(),
            namespace: namespace.clone(),
            naming,
            dialect: "postgres".into(),
            keep_raw: false,
            default_database: snapshot.databases.first().cloned(),
            default_schema: Some("public".into()),
        })
        .with_catalog(known_tables(&snapshot));
        let mut counters = BTreeMap::new();
        for (s, key) in stats.iter().zip(&keys) {
            let before = seen.get(key).copied().unwrap_or(0).max(0) as u64;
            // A counter below the last reading means the statistics were reset.
            let delta = if s.calls >= before {
                s.calls - before
            } else {
                s.calls
            };
            counters.insert(key.clone(), s.calls);
            if delta == 0 {
                continue;
            }
            processor.add(&QueryRecord {
                id: Some(key.clone()),
                user: Some(s.user.clone()),
                start_time: Some(record.started_at),
                database: Some(s.database.clone()),
                dialect: Some("postgres".into()),
                calls: delta,
                ..QueryRecord::new(s.query.clone())
            });
        }
        let mut out = processor.finish();
        if let Some(first) = out.batches.first_mut() {
            first.counters = counters;
        } else if !counters.is_empty() {
            out.batches.push(UsageBatch {
                source: source.clone(),
                counters,
                ..UsageBatch::default()
            });
        }
        for b in &mut out.batches {
            b.query_keys.clear();
        }
        write_log_output(sink, aliases, &redirects, &actor, out, record).await?;
    }
    Ok(())
}

/// How a namespace's platform names tables, from its scheme (`postgres://…`).
fn naming_of(namespace: &str) -> Naming {
    let scheme = namespace.split("://").next().unwrap_or(namespace);
    Naming::for_platform(scheme)
}

fn known_tables(snapshot: &Snapshot) -> Vec<KnownTable> {
    snapshot
        .tables
        .iter()
        .map(|t| KnownTable {
            name: t.name.clone(),
            columns: t.columns.iter().map(|c| c.name.clone()).collect(),
        })
        .collect()
}

fn lifecycle_facet(state: &str) -> Value {
    serde_json::json!({
        "_producer": PRODUCER,
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json#/$defs/LifecycleStateChangeDatasetFacet",
        "lifecycleStateChange": state,
    })
}

/// A crawler's event as a change. Its dedupe key covers the event without its time, so
/// an unchanged table found again is recognised as already recorded; `always` events
/// (lifecycle moves) are keyed by their time too, since the same move may recur.
fn crawler_change(
    value: &Value,
    actor: &str,
    always: bool,
    aliases: &Aliases,
) -> Result<MetadataChange, CrawlFailure> {
    let text = value.to_string();
    let event = Event::from_slice(text.as_bytes())
        .map_err(|e| CrawlFailure::Source(format!("crawler produced an invalid event: {e}")))?;
    let mut change = normalize(&event, actor)
        .map_err(|e| CrawlFailure::Source(format!("crawler produced an invalid event: {e}")))?;
    aliases.apply(&mut change);
    if !always {
        let mut keyed = value.clone();
        if let Some(o) = keyed.as_object_mut() {
            o.remove("eventTime");
        }
        let mut h = Sha256::new();
        h.update(b"weft-crawl\0");
        h.update(keyed.to_string().as_bytes());
        change.dedupe_key = Some(h.finalize().to_vec());
    }
    Ok(change)
}

async fn crawl_log(
    store: &Store,
    sink: &mut Sink,
    spec: &CrawlSpec,
    aliases: &Aliases,
    bar: &ProgressBar,
    record: &mut CrawlRecord,
) -> Result<(), CrawlFailure> {
    let SourceKind::QueryLog {
        path,
        format,
        dialect,
        namespace,
        database,
        schema,
        keep_raw,
    } = &spec.kind
    else {
        return Ok(());
    };
    let namespace = aliases.canonical(namespace);
    record.namespace = namespace.clone();
    let file = std::fs::File::open(path)
        .map_err(|e| CrawlFailure::Source(format!("{}: {e}", path.display())))?;
    let known = store.namespace_datasets(&namespace).await?;
    let tables: Vec<KnownTable> = known
        .iter()
        .map(|d| KnownTable {
            name: d.name.clone(),
            columns: d.columns.clone(),
        })
        .collect();
    let mut processor = Processor::new(ProcessorOptions {
        source: spec.name.clone(),
        namespace: namespace.clone(),
        naming: naming_of(&namespace),
        dialect: dialect.clone(),
        keep_raw: *keep_raw,
        default_database: database.clone(),
        default_schema: schema.clone(),
    })
    .with_catalog(tables);
    let mut pending: Vec<(String, QueryRecord)> = Vec::new();
    let mut already = 0u64;
    let mut read = 0u64;
    bar.set_message(format!("reading {}", path.display()));
    // A log file's size is known: show how much of it has been read.
    if let Ok(len) = file.metadata().map(|m| m.len()) {
        bar.set_length(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    }
    let reader = std::io::BufReader::new(bar.wrap_read(file));
    let started = std::time::Instant::now();
    for item in querylog::read_log(*format, reader) {
        read += 1;
        match item {
            Ok(rec) => {
                let key = rec.key(&spec.name);
                pending.push((key, rec));
                if pending.len() >= 5000 {
                    already += feed(store, &spec.name, &mut processor, &mut pending).await?;
                    bar.set_message(format!("{read} queries read"));
                }
            }
            Err(e) => processor.add_bad_line(&e),
        }
    }
    already += feed(store, &spec.name, &mut processor, &mut pending).await?;
    let out = processor.finish();
    tracing::debug!(took = ?started.elapsed(), "query log read and analysed");
    record.counts.insert("alreadyCounted".into(), already);
    bar.set_message("writing usage");
    let redirects = Redirects::load(store, aliases).await?;
    write_log_output(sink, aliases, &redirects, &actor(spec), out, record).await
}

/// Adds the records not counted before (by key) to the processor; returns how many were.
async fn feed(
    store: &Store,
    source: &str,
    processor: &mut Processor,
    pending: &mut Vec<(String, QueryRecord)>,
) -> Result<u64, CrawlFailure> {
    let keys: Vec<String> = pending.iter().map(|(k, _)| k.clone()).collect();
    let seen = store.seen_queries(source, &keys).await?;
    let mut skipped = 0;
    for (key, rec) in pending.drain(..) {
        if seen.contains_key(&key) {
            skipped += 1;
        } else {
            processor.add(&rec);
        }
    }
    Ok(skipped)
}

async fn write_log_output(
    sink: &mut Sink,
    aliases: &Aliases,
    redirects: &Redirects,
    actor: &str,
    out: querylog::Output,
    record: &mut CrawlRecord,
) -> Result<(), CrawlFailure> {
    let s = &out.summary;
    let add = |r: &mut CrawlRecord, k: &str, v: u64| {
        *r.counts.entry(k.into()).or_default() += v;
    };
    add(record, "queries", s.executions);
    add(record, "queriesFailedAtSource", s.failed_executions);
    add(record, "badLines", s.bad_lines);
    add(record, "statements", s.shapes);
    add(record, "statementsParsed", s.shapes_parsed);
    add(record, "statementsFailed", s.shapes_failed);
    record.errors.extend(s.errors.iter().cloned());
    if s.watermark.is_some() {
        record.watermark = s.watermark;
    }
    let mut jobs = Vec::with_capacity(out.jobs.len());
    for text in &out.jobs {
        let mut value: Value = serde_json::from_str(text)
            .map_err(|e| CrawlFailure::Source(format!("crawler produced bad JSON: {e}")))?;
        redirects.rewrite(&mut value);
        jobs.push(crawler_change(&value, actor, false, aliases)?);
    }
    add(record, "writeJobs", jobs.len() as u64);
    let started = std::time::Instant::now();
    let mut batches = out.batches;
    for b in &mut batches {
        for u in &mut b.usage {
            if let Some((ns, name)) = redirects.get(&u.namespace, &u.name).cloned() {
                u.namespace = ns;
                u.name = name;
            }
        }
    }
    let usage: Vec<MetadataChange> = batches
        .into_iter()
        .filter(|b| {
            !(b.usage.is_empty()
                && b.shapes.is_empty()
                && b.query_keys.is_empty()
                && b.counters.is_empty())
        })
        .map(|b| b.into_change(actor))
        .collect();
    tracing::debug!(took = ?started.elapsed(), bytes = usage.iter().map(|c| c.payload.len()).sum::<usize>(), "usage serialised");
    // Usage first: it creates the datasets the log names, which the jobs then use.
    sink.write(usage).await?;
    tracing::debug!(took = ?started.elapsed(), "usage written");
    sink.write(jobs).await?;
    tracing::debug!(took = ?started.elapsed(), "jobs written");
    Ok(())
}

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
