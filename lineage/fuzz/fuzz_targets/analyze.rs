//! Any bytes, as SQL in every dialect, through parsing and lineage analysis.
//!
//! `analyze` promises never to panic: bad SQL becomes error entries and deep nesting a
//! resource-limit error. The first byte picks the dialect (bits 2-7), whether a schema
//! is given (bit 0) and a default schema (bit 1), so the fuzzer explores name
//! resolution against known columns as well as the schema-less paths; the rest is the
//! script. The result is also rendered as
//! OpenLineage facets, which walks every edge the analysis produced.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use weft_lineage::{Dialect, NoSchema, Options, SchemaProvider, SchemaSnapshot, analyze};

/// A small catalog whose names the seed corpus uses, so mutations keep hitting it.
const SCHEMA: &str = r#"{
    "db.s.t": ["a", "b", "c"],
    "db.s.u": ["a", "d", "e"],
    "s.orders": ["id", "customer_id", "amount", "status"],
    "customers": ["id", "email", "name"]
}"#;

fn schema() -> &'static SchemaSnapshot {
    static SCHEMA_SNAPSHOT: OnceLock<SchemaSnapshot> = OnceLock::new();
    SCHEMA_SNAPSHOT
        .get_or_init(|| SchemaSnapshot::from_json(SCHEMA).expect("the fuzz schema is valid JSON"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(sql) = std::str::from_utf8(rest) else {
        return;
    };
    let names = Dialect::NAMES;
    let dialect: Dialect = names[usize::from(selector >> 2) % names.len()]
        .parse()
        .expect("every listed dialect name parses");
    let provider: &dyn SchemaProvider = if selector & 1 == 1 {
        schema()
    } else {
        &NoSchema
    };
    let options = Options {
        dialect,
        default_schema: (selector & 2 == 2).then(|| "s".to_owned()),
        ..Options::default()
    };
    let script = analyze(sql, &options, provider);
    for lineage in script.lineages() {
        let _ = lineage.column_lineage_facets("fuzz://");
    }
    for error in script.errors() {
        let _ = error.to_string();
    }
});
