//! Throughput of `analyze` on the 99 TPC-DS queries, next to sqlparser parsing alone.
//!
//! A plain loop rather than criterion: `bench/lineage-speed.sh` needs two numbers from
//! the *same* run (parse-only and full analysis) to report what analysis costs on top of
//! parsing, and the peers it compares against are timed as whole passes over the corpus
//! too. Parse-only and full passes alternate round by round so that load from other
//! processes hits both alike, and the median round is reported because it ignores the
//! rounds such load slows down.
//!
//! `cargo bench -p weft-lineage --bench tpcds_speed -- [--corpus DIR] [--seconds N]`
//! prints a human-readable summary on stderr and one `WEFT_SPEED {json}` line on stdout
//! with the timings and what the analysis produced (errors, diagnostics, edges).

#[path = "../../tests/src/corpora.rs"]
mod corpora;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use weft_lineage::{Dialect, Options, SchemaSnapshot, analyze};

struct Args {
    corpus: PathBuf,
    seconds: f64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        corpus: corpora::shared_dir().0.join("corpus/tpcds"),
        seconds: 6.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--corpus" => a.corpus = it.next().ok_or("--corpus needs a directory")?.into(),
            "--seconds" => {
                a.seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a number")?;
            }
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

/// What the full analysis produced over the corpus, checked once before timing so a
/// fast but wrong engine cannot post a good number.
#[derive(Default)]
struct Quality {
    statements: usize,
    errors: usize,
    diagnostics: usize,
    empty_queries: usize,
    column_edges: usize,
    dataset_edges: usize,
}

fn quality(queries: &[String], options: &Options, schema: &SchemaSnapshot) -> Quality {
    let mut q = Quality::default();
    for sql in queries {
        let script = analyze(sql, options, schema);
        let mut edges = 0;
        for s in &script.statements {
            q.statements += 1;
            match &s.result {
                Err(_) => q.errors += 1,
                Ok(l) => {
                    q.diagnostics += l.diagnostics.len();
                    edges += l.columns.iter().map(|c| c.inputs.len()).sum::<usize>();
                    q.dataset_edges += l.dataset.len();
                }
            }
        }
        q.column_edges += edges;
        if edges == 0 {
            q.empty_queries += 1;
        }
    }
    q
}

fn parse_pass(queries: &[String]) -> Duration {
    let dialect = GenericDialect {};
    let start = Instant::now();
    for sql in queries {
        // A parse failure still did the parsing work; the count is checked elsewhere.
        let _ = black_box(Parser::parse_sql(&dialect, black_box(sql)));
    }
    start.elapsed()
}

fn full_pass(queries: &[String], options: &Options, schema: &SchemaSnapshot) -> Duration {
    let start = Instant::now();
    for sql in queries {
        black_box(analyze(black_box(sql), options, schema));
    }
    start.elapsed()
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let schema_text = std::fs::read_to_string(args.corpus.join("schema.json"))?;
    let schema = SchemaSnapshot::from_json(&schema_text)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(args.corpus.join("queries"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut queries = Vec::with_capacity(files.len());
    for f in &files {
        queries.push(std::fs::read_to_string(f)?);
    }
    let options = Options {
        dialect: Dialect::Generic,
        ..Options::default()
    };
    let parse_failures = queries
        .iter()
        .filter(|sql| Parser::parse_sql(&GenericDialect {}, sql).is_err())
        .count();
    let q = quality(&queries, &options, &schema);

    // Warm caches and the allocator, then alternate rounds until the budget is spent.
    parse_pass(&queries);
    full_pass(&queries, &options, &schema);
    let budget = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let (mut parse, mut full) = (Vec::new(), Vec::new());
    while started.elapsed() < budget || parse.len() < 5 {
        parse.push(parse_pass(&queries));
        full.push(full_pass(&queries, &options, &schema));
    }
    let rounds = parse.len();
    let (p, f) = (median(&mut parse), median(&mut full));
    let n = queries.len() as f64;
    let parse_qps = n / p.as_secs_f64();
    let full_qps = n / f.as_secs_f64();
    let analysis_over_parse = (f.as_secs_f64() - p.as_secs_f64()) / p.as_secs_f64();
    let (parse_ms, full_ms) = (p.as_secs_f64() * 1e3, f.as_secs_f64() * 1e3);
    let report = serde_json::json!({
        "queries": queries.len(),
        "rounds": rounds,
        "parse_ms": parse_ms,
        "full_ms": full_ms,
        "parse_qps": parse_qps,
        "full_qps": full_qps,
        "analysis_over_parse": analysis_over_parse,
        "statements": q.statements,
        "errors": q.errors,
        "diagnostics": q.diagnostics,
        "empty": q.empty_queries,
        "column_edges": q.column_edges,
        "dataset_edges": q.dataset_edges,
        "parse_failures": parse_failures,
    });
    eprintln!(
        "weft-lineage on {} queries, {rounds} rounds each, median round:\n  \
         parse only (sqlparser, generic) {parse_ms:>9.3} ms  {parse_qps:>8.0} q/s\n  \
         full analysis                   {full_ms:>9.3} ms  {full_qps:>8.0} q/s\n  \
         analysis after parsing = {analysis_over_parse:.2} x parse time",
        queries.len(),
    );
    println!("WEFT_SPEED {report}");
    Ok(())
}
