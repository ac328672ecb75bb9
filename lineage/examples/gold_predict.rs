//! Writes predictions for the lineage gold corpus as JSON lines on stdout.
//!
//! `cargo run -p weft-lineage --example gold_predict -- [GOLD.jsonl]` (run by
//! `bench/lineage-gold.sh`, which then scores them); without an argument, the gold set of
//! the external corpora (`$WEFT_SHARED_DIR`, else `shared/` beside the workspace).

#[path = "../../tests/src/corpora.rs"]
mod corpora;
#[path = "../tests/support/gold.rs"]
mod gold;

use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).map_or_else(
        || {
            corpora::shared_dir()
                .0
                .join("corpus/lineage-gold/gold.jsonl")
        },
        Into::into,
    );
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in file.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let case: serde_json::Value = serde_json::from_str(&line)?;
        writeln!(out, "{}", gold::predict(&case))?;
    }
    Ok(())
}
