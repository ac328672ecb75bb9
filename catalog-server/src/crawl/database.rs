//! Crawling a database catalog: tables and views as dataset events, drops as soft
//! deletes, `pg_stat_statements` as usage and jobs.

use std::collections::{BTreeMap, BTreeSet};

use indicatif::ProgressBar;
use serde_json::Value;
use sha2::{Digest, Sha256};
use weft_ingest::crawl::{self as dbcrawl, CrawlOptions, Snapshot};
use weft_ingest::openlineage::normalize;
use weft_ingest::querylog::{KnownTable, Naming, Processor, ProcessorOptions, QueryRecord};
use weft_schemas::change::{CrawlRecord, ErrorClass, MetadataChange, UsageBatch};
use weft_schemas::openlineage::Event;

use super::query_log::*;
use super::redirects::*;
use super::sink::*;
use super::{CrawlFailure, CrawlSpec, PRODUCER, actor};
use weft_ingest::aliases::Aliases;
use weft_store::Store;

#[allow(clippy::too_many_arguments)]
pub(super) async fn crawl_database(
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
pub(super) fn naming_of(namespace: &str) -> Naming {
    let scheme = namespace.split("://").next().unwrap_or(namespace);
    Naming::for_platform(scheme)
}

pub(super) fn known_tables(snapshot: &Snapshot) -> Vec<KnownTable> {
    snapshot
        .tables
        .iter()
        .map(|t| KnownTable {
            name: t.name.clone(),
            columns: t.columns.iter().map(|c| c.name.clone()).collect(),
        })
        .collect()
}

pub(super) fn lifecycle_facet(state: &str) -> Value {
    serde_json::json!({
        "_producer": PRODUCER,
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json#/$defs/LifecycleStateChangeDatasetFacet",
        "lifecycleStateChange": state,
    })
}

/// A crawler's event as a change. Its dedupe key covers the event without its time, so
/// an unchanged table found again is recognised as already recorded; `always` events
/// (lifecycle moves) are keyed by their time too, since the same move may recur.
pub(super) fn crawler_change(
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
