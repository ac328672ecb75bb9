//! The search benchmark's client half: queries against `GET /api/v1/search`, and the
//! synthetic catalog as OpenLineage `DatasetEvent`s to load the server with.
//!
//! Names and queries come from `weft_search::synth` (included by path in `main.rs`, so
//! this binary does not build Tantivy): the catalog written by
//! [`write_datasets`] is the one the library benchmark indexes, and the query mix
//! (one- and two-word names, exact names, longer phrases, typos, platform/tier filters,
//! column names) is the one it measures.
//!
//! Two ways to load the server:
//!
//! - **open loop** (`--rate R`): request *i* is due at `start + i/R` whatever happened
//!   before, and its latency is measured from that due time, not from when it was
//!   actually sent. A slow server therefore shows up as latency instead of silently
//!   lowering the offered load (no coordinated omission).
//! - **closed loop** (no `--rate`): `--concurrency` clients each send the next query as
//!   soon as the previous one is answered; the achieved rate is the throughput.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::Stats;
use crate::synth;

/// Seed of the synthetic catalog and query mix (the library benchmark uses the same).
pub const SEED: u64 = 42;

/// The URLs of `n` queries of the mix, built before timing starts.
pub fn urls(base: &str, n: u64) -> Result<Vec<reqwest::Url>, Box<dyn std::error::Error>> {
    let endpoint = format!("{}/api/v1/search", base.trim_end_matches('/'));
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for i in 0..n {
        let q = synth::query(SEED, i);
        let mut params = vec![("q", q.text), ("limit", "10".to_string())];
        if let Some(p) = q.platform {
            params.push(("platform", p.to_string()));
        }
        if let Some(t) = q.tier {
            params.push(("tier", t.to_string()));
        }
        out.push(reqwest::Url::parse_with_params(&endpoint, &params)?);
    }
    Ok(out)
}

/// Sends `urls` at `rate` per second, open loop; latency from each due time.
pub async fn open_loop(client: reqwest::Client, urls: Vec<reqwest::Url>, rate: f64) -> Stats {
    let start = tokio::time::Instant::now();
    let period = Duration::from_secs_f64(1.0 / rate);
    let mut handles = Vec::with_capacity(urls.len());
    for (i, url) in urls.into_iter().enumerate() {
        let due = start + period.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            get(&client, url, due.into_std(), &mut stats).await;
            stats
        }));
    }
    let mut total = Stats::default();
    for h in handles {
        match h.await {
            Ok(s) => total.merge(s),
            Err(e) => total.record_error("task-panic".into(), e.to_string()),
        }
    }
    total
}

/// Sends `urls` with `concurrency` clients, closed loop; latency from each send.
pub async fn closed_loop(
    client: reqwest::Client,
    urls: Vec<reqwest::Url>,
    concurrency: usize,
) -> Stats {
    let urls = Arc::new(urls);
    let next = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (client, urls, next) = (client.clone(), Arc::clone(&urls), Arc::clone(&next));
        handles.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(url) = urls.get(i) else { break };
                get(&client, url.clone(), Instant::now(), &mut stats).await;
            }
            stats
        }));
    }
    let mut total = Stats::default();
    for h in handles {
        match h.await {
            Ok(s) => total.merge(s),
            Err(e) => total.record_error("task-panic".into(), e.to_string()),
        }
    }
    total
}

/// One query; the latency runs from `since` to the end of the response body.
async fn get(client: &reqwest::Client, url: reqwest::Url, since: Instant, stats: &mut Stats) {
    let result = client.get(url).send().await;
    if let Some(n) = crate::record_response(result, since, |s| s.is_success(), stats).await {
        stats.bytes += n as u64;
    }
}

/// The report of a search run, human-readable and as one JSON line.
pub fn report(mode: &str, url: &str, mut stats: Stats, wall: Duration) -> (String, String) {
    stats.latencies_us.sort_unstable();
    let [p50, p90, p99, max] = crate::percentiles_ms(&stats.latencies_us);
    let sent = stats.latencies_us.len();
    let failed: u64 = stats.errors.values().sum();
    let rate = if wall.as_secs_f64() > 0.0 {
        stats.ok as f64 / wall.as_secs_f64()
    } else {
        0.0
    };
    let errors = if stats.errors.is_empty() {
        "none".to_string()
    } else {
        stats
            .errors
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut human = format!(
        "weft-loadgen search: {mode} -> {url}\n\
         \x20 queries       {sent} ({} ok, {failed} failed)\n\
         \x20 errors        {errors}\n\
         \x20 wall          {:.3} s\n\
         \x20 achieved      {rate:.1} queries/s\n\
         \x20 latency ms    p50 {p50:.3}  p90 {p90:.3}  p99 {p99:.3}  max {max:.3}\n",
        stats.ok,
        wall.as_secs_f64(),
    );
    if let Some(e) = &stats.first_error {
        human.push_str(&format!("  first error   {e}\n"));
    }
    let json = json!({
        "mode": mode,
        "url": url,
        "queries": sent,
        "ok": stats.ok,
        "errors": stats.errors,
        "wall_s": crate::round3(wall.as_secs_f64()),
        "queries_per_s": crate::round3(rate),
        "latency_ms": {"p50": p50, "p90": p90, "p99": p99, "max": max},
    })
    .to_string();
    (human, json)
}

/// Writes `n` `DatasetEvent`s of the synthetic catalog as NDJSON: a `schema` facet with
/// the 20 columns (some described), and where the dataset has them `documentation`,
/// `ownership` and `tags` facets (a `tier` tag for the tier). Load with
/// `weft ingest FILE`.
pub fn write_datasets(path: &std::path::Path, n: u64) -> std::io::Result<()> {
    const PRODUCER: &str = "https://github.com/weft-catalog/weft/tree/main/bench/loadgen";
    const FACETS: &str = "https://openlineage.io/spec/facets/";
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut time = String::new();
    crate::clock::push_rfc3339(&mut time, crate::clock::now_ms());
    for i in 0..n {
        let d = synth::dataset(SEED, i);
        let fields: Vec<_> = d
            .columns
            .iter()
            .map(|(name, desc)| {
                let mut f = json!({"name": name, "type": sql_type(name)});
                if let Some(desc) = desc {
                    f["description"] = json!(desc);
                }
                f
            })
            .collect();
        let mut facets = json!({
            "schema": {
                "_producer": PRODUCER,
                "_schemaURL": format!("{FACETS}1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"),
                "fields": fields,
            }
        });
        if let Some(desc) = &d.description {
            facets["documentation"] = json!({
                "_producer": PRODUCER,
                "_schemaURL": format!("{FACETS}1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet"),
                "description": desc,
            });
        }
        if !d.owners.is_empty() {
            let owners: Vec<_> = d
                .owners
                .iter()
                .map(|o| {
                    let kind = if o.starts_with("team:") {
                        "TEAM"
                    } else {
                        "MAINTAINER"
                    };
                    json!({"name": o, "type": kind})
                })
                .collect();
            facets["ownership"] = json!({
                "_producer": PRODUCER,
                "_schemaURL": format!("{FACETS}1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet"),
                "owners": owners,
            });
        }
        let mut tags: Vec<_> = d
            .tags
            .iter()
            .map(|t| json!({"key": t, "value": "true", "source": "CONFIG"}))
            .collect();
        if let Some(t) = d.tier {
            tags.push(json!({"key": "tier", "value": t, "source": "CONFIG"}));
        }
        if !tags.is_empty() {
            facets["tags"] = json!({
                "_producer": PRODUCER,
                "_schemaURL": format!("{FACETS}1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet"),
                "tags": tags,
            });
        }
        let event = json!({
            "eventTime": time,
            "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
            "dataset": {"namespace": d.namespace, "name": d.name, "facets": facets},
        });
        serde_json::to_writer(&mut out, &event)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A plausible SQL type for a column name.
fn sql_type(column: &str) -> &'static str {
    if column == "id" || column.ends_with("_id") || column == "quantity" {
        "BIGINT"
    } else if column.ends_with("_at") || column.ends_with("_date") || column.ends_with("timestamp")
    {
        "TIMESTAMP"
    } else if column.starts_with("is_") {
        "BOOLEAN"
    } else if ["amount", "price", "cost", "salary", "margin", "goods"]
        .iter()
        .any(|w| column.contains(w))
    {
        "DECIMAL(18,2)"
    } else {
        "VARCHAR"
    }
}
