//! Reads a query log through `read_log` and `Processor` and reports the throughput.
//!
//! Usage: `querylog_bench <file> [format] [dialect]` (defaults: `jsonl`, `postgres`).
//! Prints one `WEFT_QLOG {json}` line for bench/querylog.sh.

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use weft_ingest::querylog::{Format, Naming, Processor, ProcessorOptions, read_log};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: querylog_bench <file> [format] [dialect]")?;
    let format: Format = args.next().as_deref().unwrap_or("jsonl").parse()?;
    let dialect = args.next().unwrap_or_else(|| "postgres".into());
    let start = Instant::now();
    let mut p = Processor::new(ProcessorOptions {
        source: "bench".into(),
        namespace: "postgres://bench:5432".into(),
        naming: Naming::for_platform(&dialect),
        dialect,
        keep_raw: false,
        default_database: None,
        default_schema: None,
    });
    for r in read_log(
        format,
        BufReader::with_capacity(1 << 20, File::open(&path)?),
    ) {
        match r {
            Ok(rec) => p.add(&rec),
            Err(e) => p.add_bad_line(&e),
        }
    }
    let out = p.finish();
    let secs = start.elapsed().as_secs_f64();
    let s = &out.summary;
    let usage_rows: usize = out.batches.iter().map(|b| b.usage.len()).sum();
    println!(
        "records {} shapes {} (failed {}) batches {} usage rows {} jobs {} seconds {:.3} queries/s {:.0}",
        s.records,
        s.shapes,
        s.shapes_failed,
        out.batches.len(),
        usage_rows,
        out.jobs.len(),
        secs,
        s.records as f64 / secs
    );
    println!(
        "WEFT_QLOG {{\"records\":{},\"shapes\":{},\"shapes_failed\":{},\"seconds\":{:.3},\"qps\":{:.0}}}",
        s.records,
        s.shapes,
        s.shapes_failed,
        secs,
        s.records as f64 / secs
    );
    Ok(())
}
