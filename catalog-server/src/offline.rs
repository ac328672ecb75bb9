//! Commands that work on the store without a server: `weft ingest`, `weft rebuild`,
//! `weft verify` and `weft govern apply`. They use the same writer as the server, so a file loaded offline is
//! recorded exactly like the same events pushed over HTTP.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use weft_ingest::openlineage::{check_classifications, normalize, normalize_with_payload};
use weft_schemas::change::{
    CatalogEdit, ChangeBody, ChangeKind, CrawlRecord, EdgeRetraction, MetadataChange,
    PolicyViolation, TagReview, UsageBatch,
};
use weft_schemas::openlineage::Event;

use crate::EDGE_REFRESH_MICROS;
use weft_store::writer::{Outcome, Prepared, Writer};
use weft_store::{Store, StoreError};
use weft_views::counters::NamespaceCounters;
use weft_views::sql_lineage::{SqlDefaults, SqlLineage};

/// Events per transaction when loading files.
const BATCH: usize = 500;

/// What `weft ingest` did.
#[derive(Debug, Default)]
pub struct IngestSummary {
    /// Files read.
    pub files: usize,
    /// Events stored.
    pub stored: usize,
    /// Events already in the store.
    pub duplicates: usize,
    /// Events refused: (file, event index within the file, field path, message).
    pub refused: Vec<(PathBuf, usize, String, String)>,
}

/// Loads OpenLineage events from files (a JSON event, a JSON array of events, or NDJSON)
/// into the store, with a progress bar on stderr.
pub async fn ingest_files(
    store: &Store,
    paths: &[PathBuf],
    actor: &str,
    sql: &SqlDefaults,
    aliases: &weft_ingest::aliases::Aliases,
    classifications: &[String],
) -> Result<IngestSummary, StoreError> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files)?;
    }
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut writer = Writer::new(store.clone(), EDGE_REFRESH_MICROS);
    let mut summary = IngestSummary::default();
    let mut pending: Vec<Prepared> = Vec::new();
    for file in &files {
        summary.files += 1;
        let bytes = std::fs::read(file)?;
        for (i, event) in split_events(&bytes).into_iter().enumerate() {
            match event.and_then(|e| {
                check_classifications(&e, classifications)
                    .and_then(|()| normalize(&e, actor))
                    .map_err(|e| (e.path().to_owned(), e.message()))
            }) {
                Ok(mut c) => {
                    aliases.apply(&mut c);
                    pending.push(Prepared::new(store.backend(), c))
                }
                Err((path, msg)) => summary.refused.push((file.clone(), i, path, msg)),
            }
        }
        if pending.len() >= BATCH {
            flush(&mut writer, &mut pending, &mut summary).await?;
        }
        bar.inc(1);
        bar.set_message(format!("{} stored", summary.stored));
    }
    flush(&mut writer, &mut pending, &mut summary).await?;
    bar.finish_and_clear();
    weft_views::catch_up(&mut NamespaceCounters, store).await?;
    weft_views::catch_up(
        &mut SqlLineage::new(sql.clone(), EDGE_REFRESH_MICROS),
        store,
    )
    .await?;
    Ok(summary)
}

async fn flush(
    writer: &mut Writer,
    pending: &mut Vec<Prepared>,
    s: &mut IngestSummary,
) -> Result<(), StoreError> {
    let refs: Vec<&Prepared> = pending.iter().collect();
    for o in writer.apply(&refs).await? {
        match o {
            Outcome::Applied(_) => s.stored += 1,
            Outcome::Duplicate => s.duplicates += 1,
        }
    }
    pending.clear();
    Ok(())
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), StoreError> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_dir()
                    || matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("json" | "ndjson" | "jsonl")
                    )
            })
            .collect();
        entries.sort();
        for e in entries {
            collect_files(&e, out)?;
        }
    } else {
        out.push(p.to_owned());
    }
    Ok(())
}

type Decoded = Result<Event, (String, String)>;

/// A file is one event, an array of events, or one event per line.
fn split_events(bytes: &[u8]) -> Vec<Decoded> {
    let decode = |b: &[u8]| Event::from_slice(b).map_err(|e| (e.path, e.message));
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
        && let Ok(items) = serde_json::from_slice::<Vec<&RawValue>>(bytes)
    {
        return items
            .into_iter()
            .map(|raw| decode(raw.get().as_bytes()))
            .collect();
    }
    match serde_json::from_slice::<IgnoredAny>(bytes) {
        Ok(_) => vec![decode(bytes)],
        Err(_) => bytes
            .split(|b| *b == b'\n')
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
            .map(decode)
            .collect(),
    }
}

/// Brings the derived views that live in the store up to date, as a server would on
/// its next start: after an offline write, `weft ingest` and `weft crawl` leave the
/// store as complete as a push would.
pub async fn catch_up_views(store: &Store, sql: &SqlDefaults) -> Result<(), StoreError> {
    weft_views::catch_up(&mut NamespaceCounters, store).await?;
    weft_views::catch_up(
        &mut SqlLineage::new(sql.clone(), EDGE_REFRESH_MICROS),
        store,
    )
    .await?;
    Ok(())
}

/// What `weft rebuild` did.
#[derive(Debug, Default)]
pub struct RebuildSummary {
    /// Log entries replayed.
    pub replayed: usize,
    /// Entries skipped: redacted payloads or kinds this version does not know.
    pub skipped: usize,
}

/// Recomputes current state from the change log: wipes the state tables, replays every
/// payload through today's normaliser, and replays the derived views.
pub async fn rebuild(
    store: &Store,
    sql: &SqlDefaults,
    aliases: &weft_ingest::aliases::Aliases,
) -> Result<RebuildSummary, StoreError> {
    let mut rebuild = store.begin_rebuild().await?;
    let mut writer = Writer::new(store.clone(), EDGE_REFRESH_MICROS);
    let mut summary = RebuildSummary::default();
    let mut after = 0;
    loop {
        let entries = store.read_log(after, BATCH as i64, true).await?;
        let Some(last) = entries.last() else { break };
        after = last.seq;
        let mut changes: Vec<(i64, i64, MetadataChange)> = Vec::new();
        for e in entries {
            let change = e.payload.as_ref().and_then(|p| {
                let kind = ChangeKind::parse(&e.kind)?;
                match kind {
                    ChangeKind::TagReview => {
                        let review: TagReview = serde_json::from_str(p).ok()?;
                        return Some(review.into_change());
                    }
                    ChangeKind::EdgeRetraction => {
                        let r: EdgeRetraction = serde_json::from_str(p).ok()?;
                        return Some(r.into_change());
                    }
                    ChangeKind::Usage => {
                        let u: UsageBatch = serde_json::from_str(p).ok()?;
                        return Some(u.into_change(&e.actor));
                    }
                    ChangeKind::Crawl => {
                        let r: CrawlRecord = serde_json::from_str(p).ok()?;
                        return Some(r.into_change(&e.actor));
                    }
                    ChangeKind::Edit => {
                        let r: CatalogEdit = serde_json::from_str(p).ok()?;
                        return Some(r.into_change());
                    }
                    ChangeKind::PolicyViolation => {
                        let v: PolicyViolation = serde_json::from_str(p).ok()?;
                        return Some(v.into_change(&e.actor));
                    }
                    _ => {}
                }
                let event = Event::from_slice(p.as_bytes()).ok()?;
                let mut c = normalize_with_payload(&event, &e.actor, p.clone(), None).ok()?;
                aliases.apply(&mut c);
                (c.kind == kind).then_some(c)
            });
            match change {
                Some(c) => changes.push((e.seq, e.at, c)),
                None => {
                    // An entry this version cannot read back as a change (a poison facet
                    // an older version accepted): the rest replays, and the operator learns
                    // which one.
                    tracing::warn!(seq = e.seq, kind = %e.kind, "rebuild skips a change-log entry it cannot replay");
                    summary.skipped += 1;
                }
            }
        }
        let items: Vec<(i64, i64, &ChangeBody)> = changes
            .iter()
            .map(|(seq, at, c)| (*seq, *at, &c.body))
            .collect();
        summary.replayed += items.len();
        rebuild.apply(&mut writer, &items).await?;
    }
    rebuild.commit().await?;
    weft_views::reset(&mut NamespaceCounters, store).await?;
    weft_views::catch_up(&mut NamespaceCounters, store).await?;
    let mut sql_lineage = SqlLineage::new(sql.clone(), EDGE_REFRESH_MICROS);
    weft_views::reset(&mut sql_lineage, store).await?;
    weft_views::catch_up(&mut sql_lineage, store).await?;
    Ok(summary)
}

/// What `weft govern apply` did.
#[derive(Debug, Default)]
pub struct GovernSummary {
    /// Rows read.
    pub rows: usize,
    /// Rows that changed nothing.
    pub unchanged: usize,
    /// Edits recorded.
    pub edits: usize,
}

/// Applies a governance file (CSV or JSON lines, see `weft_query::governance`) to the
/// store as `actor`, as `POST /api/v1/governance` does: every line checked and every
/// dataset looked up first, then the edits recorded in one transaction.
pub async fn apply_governance(
    store: &Store,
    text: &str,
    classifications: &[String],
    actor: &str,
) -> Result<GovernSummary, weft_query::QueryError> {
    let rows = weft_query::governance::parse(text, classifications)?;
    let planned = weft_query::governance::plan(store, &rows, actor).await?;
    let prepared: Vec<Prepared> = planned
        .changes
        .into_iter()
        .map(|c| Prepared::new(store.backend(), c))
        .collect();
    let mut edits = 0;
    if !prepared.is_empty() {
        let mut writer = Writer::new(store.clone(), EDGE_REFRESH_MICROS);
        let refs: Vec<&Prepared> = prepared.iter().collect();
        edits = writer
            .apply(&refs)
            .await?
            .iter()
            .filter(|o| matches!(o, Outcome::Applied(_)))
            .count();
    }
    Ok(GovernSummary {
        rows: planned.rows,
        unchanged: planned.unchanged,
        edits,
    })
}
