//! Times a Postgres crawl and its conversion to OpenLineage events, for
//! `bench/crawl-pg.sh`: `crawl_bench <postgres-url>`.

use std::time::Instant;

use weft_ingest::crawl::{CrawlOptions, crawl_postgres};

#[tokio::main]
async fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: crawl_bench <postgres-url>");
        std::process::exit(2);
    };
    let started = Instant::now();
    let snapshot = match crawl_postgres(&url, &CrawlOptions::default()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("crawl failed: {e}");
            std::process::exit(1);
        }
    };
    let crawl_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let converted = snapshot.to_events(
        "https://github.com/weft-catalog/weft/tree/main/ingest/examples/crawl_bench",
        "2025-01-01T00:00:00Z",
    );
    let convert_s = started.elapsed().as_secs_f64();
    let columns: usize = snapshot.tables.iter().map(|t| t.columns.len()).sum();
    let bytes: usize = converted.events.iter().map(String::len).sum();
    println!("tables        {}", snapshot.tables.len());
    println!("columns       {columns}");
    println!("views         {}", converted.views);
    println!("views parsed  {}", converted.views_parsed);
    println!("events        {} ({bytes} bytes)", converted.events.len());
    println!("crawl s       {crawl_s:.3}");
    println!("convert s     {convert_s:.3}");
    for e in converted.view_errors.iter().take(5) {
        println!(
            "view error    {} at {:?}:{:?}: {}",
            e.view, e.line, e.column, e.message
        );
    }
}
