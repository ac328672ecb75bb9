//! Library-level search benchmark: builds an on-disk index of a synthetic catalog
//! (default 100,000 datasets × 20 columns = 2,000,000 column documents, names from
//! `bench/loadgen/src/synth.rs`) and measures in-process query latency over the stated mix.
//!
//! ```text
//! cargo run --release --example search_build -p weft-search -- [datasets] [threads] [heap MB]
//! ```
//!
//! Prints build seconds, index size, per-kind and overall query p50/p99 (limit 10,
//! facets, highlights and matched columns included), autocomplete p50/p99, and peak RSS
//! (`VmHWM`). Run by `bench/search.sh`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use weft_search::index::{DatasetDoc, Filters, SearchIndex};
use weft_search::rank::{Signals, now_us};

/// The synthetic catalog and query mix of the benchmarks: it lives with the load
/// generator so that it is no part of the library's API.
#[path = "../../bench/loadgen/src/synth.rs"]
#[allow(dead_code)]
mod synth;

const SEED: u64 = 42;
const QUERIES: u64 = 4000;
const WARMUP: u64 = 400;
const PREFIXES: u64 = 2000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let threads: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2);
    let heap_mb: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(400);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("search");

    let started = Instant::now();
    let mut idx = SearchIndex::open(&path)?;
    idx.begin_bulk(threads, heap_mb * 1_000_000)?;
    let now = now_us();
    for i in 0..n {
        idx.upsert(&doc(synth::dataset(SEED, i), now))?;
    }
    let fed = started.elapsed();
    idx.end_bulk()?;
    let build = started.elapsed();
    let size = dir_size(&path)?;
    let segments = idx.raw().searchable_segment_ids()?.len();
    println!(
        "build: {n} datasets, {} columns, {} documents in {:.1} s (fed in {:.1} s, {threads} threads, {heap_mb} MB); \
         index {:.0} MB in {segments} segments",
        n * synth::COLUMNS_PER_DATASET as u64,
        idx.len(),
        build.as_secs_f64(),
        fed.as_secs_f64(),
        size as f64 / 1e6,
    );

    let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut all = Vec::new();
    let mut hits = 0usize;
    for i in 0..WARMUP + QUERIES {
        let q = synth::query(SEED, i);
        let filters = Filters {
            platform: q.platform.map(str::to_owned),
            tier: q.tier.map(str::to_owned),
            ..Filters::default()
        };
        let t = Instant::now();
        let r = idx.search(&q.text, &filters, 10, 0)?;
        let took = t.elapsed();
        if i >= WARMUP {
            hits += usize::from(!r.hits.is_empty());
            by_kind.entry(q.kind.as_str()).or_default().push(took);
            all.push(took);
        }
    }
    println!(
        "queries: {QUERIES} (after {WARMUP} warm-up), {hits} with hits; limit 10, facets, highlights"
    );
    for (kind, mut v) in by_kind {
        let (p50, p99) = percentiles(&mut v);
        println!(
            "  {kind:<11} n={:<5} p50 {p50:.2} ms  p99 {p99:.2} ms",
            v.len()
        );
    }
    let (p50, p99) = percentiles(&mut all);
    println!(
        "  {:<11} n={:<5} p50 {p50:.2} ms  p99 {p99:.2} ms",
        "all",
        all.len()
    );

    let mut sugg = Vec::new();
    for i in 0..PREFIXES {
        let p = synth::prefix(SEED, i);
        let t = Instant::now();
        idx.suggest(&p, &Filters::default(), 10)?;
        sugg.push(t.elapsed());
    }
    let (p50, p99) = percentiles(&mut sugg);
    println!("autocomplete: n={PREFIXES} p50 {p50:.2} ms  p99 {p99:.2} ms");
    println!("peak RSS (VmHWM): {} MB", vm_hwm_kb()? / 1024);
    Ok(())
}

/// The index document of a synthetic dataset, as the server would build it.
fn doc(d: synth::SynthDataset, now: i64) -> DatasetDoc {
    let documented = d.columns.iter().filter(|c| c.1.is_some()).count();
    DatasetDoc {
        signals: Signals {
            reads_30d: Some(d.reads_30d),
            distinct_users_30d: Some(d.users_30d),
            reads_90d: Some(d.reads_90d),
            downstream: d.downstream,
            last_write: Some(now - (d.last_write_days_ago * 86_400e6) as i64),
            tier: d.tier.map(str::to_owned),
            described: d.description.is_some(),
            owned: !d.owners.is_empty(),
            documented_columns: documented as f64 / d.columns.len().max(1) as f64,
            lifecycle: d.lifecycle.map(str::to_owned),
            ..Signals::default()
        },
        namespace: d.namespace,
        name: d.name,
        platform: Some(d.platform.to_owned()),
        description: d.description,
        columns: d.columns,
        tags: d.tags.iter().map(|t| (*t).to_owned()).collect(),
        owners: d.owners,
        // The synthetic catalog has no classifications.
        classification: None,
        updated_at: Some(now),
    }
}

fn percentiles(v: &mut [Duration]) -> (f64, f64) {
    v.sort_unstable();
    let pick = |q: f64| {
        if v.is_empty() {
            return 0.0;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1].as_secs_f64() * 1000.0
    };
    (pick(0.50), pick(0.99))
}

fn dir_size(path: &std::path::Path) -> std::io::Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(path)? {
        let e = e?;
        let m = e.metadata()?;
        total += if m.is_dir() {
            dir_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(total)
}

fn vm_hwm_kb() -> std::io::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    Ok(status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0))
}
