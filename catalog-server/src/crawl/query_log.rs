//! Crawling an exported query log: usage batches and a job per statement shape that writes.

use indicatif::ProgressBar;
use serde_json::Value;
use weft_ingest::querylog::{self, KnownTable, Processor, ProcessorOptions, QueryRecord};
use weft_schemas::change::{CrawlRecord, MetadataChange};

use super::database::*;
use super::redirects::*;
use super::sink::*;
use super::{CrawlFailure, CrawlSpec, SourceKind, actor};
use weft_ingest::aliases::Aliases;
use weft_store::Store;

pub(super) async fn crawl_log(
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
pub(super) async fn feed(
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

pub(super) async fn write_log_output(
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
