//! The lineage graph at scale: 1,000,000 columns and 3,000,000 column edges.
//!
//! A plain loop rather than criterion: the figures that matter (one full propagation,
//! the p99 of single-edge updates, one deep traversal, the peak RSS of the process) are
//! single measurements or distributions over many distinct inputs, not repetitions of
//! one call, and the memory figure needs the whole process to hold just the graph.
//!
//! The graph is a layered DAG: 10 layers of 10,000 datasets of 10 columns. Every
//! dataset after the first layer reads 3 datasets of the layer before, and each of its
//! columns gets 3 source columns from them (fan-in 3); one edge in 9 is also declared by
//! the producer (a parallel edge of another origin), which brings the column edges to
//! 3,000,000. 1 % of first-layer columns carry a `pii.*` tag. Transformations follow a
//! mix of identity, computations, hashes, aggregates (value-preserving, counting,
//! destroying, unknown), indirect uses and edges without information.
//!
//! `cargo bench -p weft-lineage --bench graph_scale -- [--seed N] [--updates N] [--walks N]`
//! prints a summary on stderr and one `WEFT_GRAPH {json}` line on stdout;
//! `bench/graph-scale.sh` runs it under `/usr/bin/time -v` for the peak RSS.

use std::hint::black_box;
use std::time::{Duration, Instant};

use weft_lineage::graph::{
    ColumnEdge, ColumnEdgeKey, ColumnRef, Direction, LineageGraph, NodeRef, Origin, TagKey,
    TraversalOptions,
};
use weft_lineage::{Subtype, Transformation};

const LAYERS: i64 = 10;
const DATASETS_PER_LAYER: i64 = 10_000;
const COLUMNS: i64 = 10;
const FAN_IN: usize = 3;
const PII: &[&str] = &[
    "pii.email",
    "pii.phone",
    "pii.ssn",
    "pii.name",
    "pii.address",
    "pii.dob",
    "pii.ip",
    "pii.card",
];

/// SplitMix64: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn t(subtype: Subtype, description: Option<&str>, masking: bool) -> Transformation {
    Transformation {
        kind: subtype.kind(),
        subtype,
        description: description.map(str::to_owned),
        masking,
    }
}

/// The transformation mix, with weights in percent.
fn mix() -> Vec<(u64, Vec<Transformation>)> {
    vec![
        (45, vec![t(Subtype::Identity, None, false)]),
        (8, vec![t(Subtype::Transformation, Some("lower"), false)]),
        (6, vec![t(Subtype::Transformation, Some("concat"), false)]),
        (6, vec![t(Subtype::Transformation, Some("cast"), false)]),
        (5, vec![t(Subtype::Transformation, Some("sha256"), true)]),
        (4, vec![t(Subtype::Aggregation, Some("max"), false)]),
        (4, vec![t(Subtype::Aggregation, Some("sum"), false)]),
        (3, vec![t(Subtype::Aggregation, Some("count"), true)]),
        (2, vec![t(Subtype::Aggregation, None, false)]),
        (7, vec![t(Subtype::Filter, None, false)]),
        (5, vec![t(Subtype::Join, None, false)]),
        (5, vec![]),
    ]
}

fn pick<'a>(mix: &'a [(u64, Vec<Transformation>)], rng: &mut Rng) -> &'a [Transformation] {
    let mut r = rng.below(100);
    for (w, ts) in mix {
        if r < *w {
            return ts;
        }
        r -= w;
    }
    &mix[0].1
}

fn dataset(layer: i64, i: i64) -> i64 {
    layer * DATASETS_PER_LAYER + i
}

fn column(d: i64, c: i64) -> ColumnRef {
    ColumnRef::new(d, &format!("col_{c}"))
}

fn edge(src: ColumnRef, dst: ColumnRef, origin: Origin, ts: &[Transformation]) -> ColumnEdge {
    ColumnEdge {
        key: ColumnEdgeKey {
            src,
            dst,
            origin,
            job: Some(1),
        },
        transformations: ts.to_vec(),
        first_seen: 1,
        last_seen: 1,
    }
}

/// Builds the graph; returns it and the number of column edges.
fn build(seed: u64) -> (LineageGraph, usize) {
    let mut rng = Rng(seed);
    let mix = mix();
    let mut g = LineageGraph::default();
    let datasets = (LAYERS * DATASETS_PER_LAYER) as usize;
    g.reserve(
        datasets,
        datasets * COLUMNS as usize,
        3_000_000 + datasets * FAN_IN * 2,
    );
    g.set_deferred(true);
    let mut edges = 0;
    for layer in 0..LAYERS {
        for i in 0..DATASETS_PER_LAYER {
            let d = dataset(layer, i);
            for c in 0..COLUMNS {
                g.add_column(d, &format!("col_{c}"));
            }
            if layer == 0 {
                continue;
            }
            let inputs: Vec<i64> = (0..FAN_IN)
                .map(|_| dataset(layer - 1, rng.below(DATASETS_PER_LAYER as u64) as i64))
                .collect();
            for c in 0..COLUMNS {
                for _ in 0..FAN_IN {
                    let src = column(
                        inputs[rng.below(FAN_IN as u64) as usize],
                        rng.below(COLUMNS as u64) as i64,
                    );
                    let ts = pick(&mix, &mut rng);
                    if rng.below(9) == 0 {
                        g.upsert_column_edge(&edge(
                            src.clone(),
                            column(d, c),
                            Origin::OpenLineage,
                            ts,
                        ));
                        edges += 1;
                    }
                    g.upsert_column_edge(&edge(src, column(d, c), Origin::Sql, ts));
                    edges += 1;
                }
            }
        }
    }
    // 1 % of the first layer's columns.
    let first_layer = (DATASETS_PER_LAYER * COLUMNS) as u64;
    let mut tagged = 0;
    while tagged < first_layer / 100 {
        let n = rng.below(first_layer) as i64;
        let c = column(n / COLUMNS, n % COLUMNS);
        let tag = TagKey::parse(PII[rng.below(PII.len() as u64) as usize]);
        if let Ok(tag) = tag {
            g.add_detected(&c, &tag, "bench");
            tagged += 1;
        }
    }
    (g, edges)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let mut seed = 42u64;
    let mut updates = 1_000usize;
    let mut walks = 200usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--updates" => updates = args.next().and_then(|v| v.parse().ok()).unwrap_or(updates),
            "--walks" => walks = args.next().and_then(|v| v.parse().ok()).unwrap_or(walks),
            "--bench" => {}
            other => {
                eprintln!("unknown argument `{other}`");
                std::process::exit(2);
            }
        }
    }

    let t0 = Instant::now();
    let (mut g, column_edges) = build(seed);
    let build_ms = ms(t0.elapsed());
    eprintln!(
        "built: {} datasets, {} columns, {} column edges, {} edges in all, in {:.0} ms",
        g.dataset_count(),
        g.column_count(),
        column_edges,
        g.edge_count(),
        build_ms
    );

    // Full propagation, three times; the graph is the same each time.
    let mut full = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        g.recompute();
        full.push(ms(t.elapsed()));
    }
    full.sort_by(f64::total_cmp);
    let pairs = g.tagged_pair_count();
    eprintln!(
        "full propagation: {:.0} ms median, {:.0} ms max; {} (column, tag) pairs",
        full[1], full[2], pairs
    );

    // Single-edge updates with propagation live: a new edge from a random column of one
    // layer to a random column of the next, with a transformation from the mix.
    g.set_deferred(false);
    let mix = mix();
    let mut rng = Rng(seed ^ 0xD1B5_4A32_D192_ED03);
    let mut lat = Vec::with_capacity(updates);
    let mut added = Vec::with_capacity(updates);
    for _ in 0..updates {
        let layer = rng.below((LAYERS - 1) as u64) as i64;
        let src = column(
            dataset(layer, rng.below(DATASETS_PER_LAYER as u64) as i64),
            rng.below(COLUMNS as u64) as i64,
        );
        let dst = column(
            dataset(layer + 1, rng.below(DATASETS_PER_LAYER as u64) as i64),
            rng.below(COLUMNS as u64) as i64,
        );
        let e = edge(src, dst, Origin::QueryLog, pick(&mix, &mut rng));
        let t = Instant::now();
        black_box(g.upsert_column_edge(&e));
        lat.push(ms(t.elapsed()));
        added.push(e.key);
    }
    lat.sort_by(f64::total_cmp);
    let incremental_pairs = g.tagged_pair_count();
    g.recompute();
    let agrees = incremental_pairs == g.tagged_pair_count();
    eprintln!(
        "single-edge update: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms over {updates}; incremental = full: {agrees}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );

    // Retracting those edges again: delete-and-rederive, the costlier direction.
    let mut removal = Vec::with_capacity(updates);
    for key in added.iter().rev() {
        let t = Instant::now();
        black_box(g.retract_column_edge(key));
        removal.push(ms(t.elapsed()));
    }
    removal.sort_by(f64::total_cmp);
    // Rejecting a tag at a tagged first-layer column withdraws all it reached alone.
    let pii = TagKey::parse("pii.email").map_err(|e| e.to_string());
    let mut rejections = Vec::new();
    let mut tried = 0;
    while rejections.len() < 20 && tried < 100_000 {
        tried += 1;
        let n = rng.below((DATASETS_PER_LAYER * COLUMNS) as u64) as i64;
        let c = column(n / COLUMNS, n % COLUMNS);
        let Ok(tag) = &pii else { break };
        let has = g
            .tags_of(&c)
            .is_ok_and(|ts| ts.iter().any(|x| x.tag.as_ref() == tag.as_str()));
        if !has {
            continue;
        }
        let t = Instant::now();
        black_box(g.reject(&c, tag).is_ok());
        rejections.push(ms(t.elapsed()));
    }
    rejections.sort_by(f64::total_cmp);
    let removal_pairs = g.tagged_pair_count();
    g.recompute();
    let removal_agrees = removal_pairs == g.tagged_pair_count();
    eprintln!(
        "edge retraction: p50 {:.3} ms, p99 {:.3} ms; source rejection: p50 {:.1} ms, max {:.1} ms over {}; incremental = full: {removal_agrees}",
        percentile(&removal, 0.5),
        percentile(&removal, 0.99),
        percentile(&rejections, 0.5),
        percentile(&rejections, 1.0),
        rejections.len()
    );

    // Downstream of first-layer columns at depth 10, uncapped.
    let opts = TraversalOptions {
        depth: 10,
        max_nodes: usize::MAX,
        max_children: usize::MAX,
        ..TraversalOptions::default()
    };
    let mut walk = Vec::new();
    let mut reached = Vec::new();
    for _ in 0..walks {
        let start = NodeRef::Column(column(
            dataset(0, rng.below(DATASETS_PER_LAYER as u64) as i64),
            rng.below(COLUMNS as u64) as i64,
        ));
        let t = Instant::now();
        let sub = g.traverse(&start, Direction::Downstream, &opts);
        walk.push(ms(t.elapsed()));
        reached.push(sub.map(|s| s.nodes.len()).unwrap_or(0));
    }
    walk.sort_by(f64::total_cmp);
    reached.sort_unstable();
    eprintln!(
        "downstream depth 10: p50 {:.1} ms, max {:.1} ms; nodes reached p50 {}, max {}",
        percentile(&walk, 0.5),
        percentile(&walk, 1.0),
        reached[reached.len() / 2],
        reached[reached.len() - 1]
    );

    let rss_mb = status_kb("VmRSS:") as f64 / 1024.0;
    let hwm_mb = status_kb("VmHWM:") as f64 / 1024.0;
    eprintln!("memory: RSS {rss_mb:.0} MB now, peak {hwm_mb:.0} MB");
    println!(
        "WEFT_GRAPH {{\"datasets\": {}, \"columns\": {}, \"column_edges\": {}, \"edges\": {}, \"tagged_pairs\": {}, \"build_ms\": {:.0}, \"full_ms_median\": {:.1}, \"full_ms_max\": {:.1}, \"update_p50_ms\": {:.4}, \"update_p99_ms\": {:.4}, \"update_max_ms\": {:.4}, \"incremental_equals_full\": {}, \"retract_p50_ms\": {:.4}, \"retract_p99_ms\": {:.4}, \"reject_p50_ms\": {:.2}, \"reject_max_ms\": {:.2}, \"removals_equal_full\": {}, \"walk_p50_ms\": {:.2}, \"walk_max_ms\": {:.2}, \"walk_nodes_max\": {}, \"rss_mb\": {:.0}, \"peak_rss_mb\": {:.0}}}",
        g.dataset_count(),
        g.column_count(),
        column_edges,
        g.edge_count(),
        pairs,
        build_ms,
        full[1],
        full[2],
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
        agrees,
        percentile(&removal, 0.5),
        percentile(&removal, 0.99),
        percentile(&rejections, 0.5),
        percentile(&rejections, 1.0),
        removal_agrees,
        percentile(&walk, 0.5),
        percentile(&walk, 1.0),
        reached[reached.len() - 1],
        rss_mb,
        hwm_mb
    );
}
