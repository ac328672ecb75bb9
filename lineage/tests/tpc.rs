//! TPC-H and TPC-DS (`corpus/{tpch,tpcds}` of the external corpora, found as
//! `tests/src/corpora.rs` says) and the project's own TPC-style queries
//! (`lineage/tests/fixtures/tpc-style`): every query parses and, with the schema beside it, every
//! output column that reads a column resolves to a source.
//!
//! A column reference that does not resolve is a diagnostic, so "no diagnostics" means
//! every column an expression reads was resolved; an output column can then lack a
//! source only when it is built from literals or `count(*)`. Those are listed below,
//! each checked by hand against the query text, so a column that loses its sources is
//! caught.

use std::path::{Path, PathBuf};

use weft_lineage::{Dialect, Options, SchemaSnapshot, analyze};

#[path = "../../tests/src/corpora.rs"]
mod corpora;

/// `file: column` pairs whose value comes only from literals or `count(*)` through a
/// CTE, subquery or set operation (top-level ones are recognised from the AST).
const SOURCELESS: &[&str] = &[
    "q05.sql: channel", // 'store channel' / 'catalog channel' / 'web channel'
    "q14.sql: channel", // 'store' / 'catalog' / 'web'
    "q14.sql: Sum(number_sales)", // number_sales is count(*) in each branch
    "q34.sql: cnt",     // count(*) in the dn subquery
    "q49.sql: channel", // 'web' / 'catalog' / 'store'
    "q64.sql: cnt",     // count(*) in the cross_sales CTE (selected twice)
    "q66.sql: ship_carriers", // 'DHL' || ',' || 'BARIAN' …
    "q73.sql: cnt",     // count(*) in the dj subquery
    "q76.sql: channel", // 'store' / 'web' / 'catalog'
    "q76.sql: col_name", // 'ss_hdemo_sk' …
    "q77.sql: channel", // 'store channel' …
    "q80.sql: channel", // 'store channel' …
    "q88.sql: h8_30_to_9", // count(*) subqueries
    "q88.sql: h9_to_9_30",
    "q88.sql: h9_30_to_10",
    "q88.sql: h10_to_10_30",
    "q88.sql: h10_30_to_11",
    "q88.sql: h11_to_11_30",
    "q88.sql: h11_30_to_12",
    "q88.sql: h12_to_12_30",
    "q90.sql: am_pm_ratio", // amc / pmc, both count(*)
];

/// Top-level output columns that are `count(*)` or a literal, from the AST.
fn counts_and_literals(sql: &str) -> Vec<String> {
    use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    let Ok(stmts) = Parser::parse_sql(&GenericDialect {}, sql) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for st in stmts {
        let Statement::Query(q) = st else { continue };
        let SetExpr::Select(s) = q.body.as_ref() else {
            continue;
        };
        for item in &s.projection {
            let (expr, name) = match item {
                SelectItem::UnnamedExpr(e) => (e, e.to_string()),
                SelectItem::ExprWithAlias { expr, alias } => (expr, alias.value.clone()),
                _ => continue,
            };
            let text = expr.to_string().to_lowercase().replace(' ', "");
            if text == "count(*)" || matches!(expr, Expr::Value(_)) {
                out.push(name);
            }
        }
    }
    out
}

/// Checks every query of `dir/queries` against `dir/schema.json`; returns how many.
fn check_queries(dir: &Path) -> usize {
    let name = dir.display();
    let schema_text = std::fs::read_to_string(dir.join("schema.json")).unwrap();
    let schema = SchemaSnapshot::from_json(&schema_text).unwrap();
    let options = Options {
        dialect: Dialect::Generic,
        ..Options::default()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    for f in &files {
        let sql = std::fs::read_to_string(f).unwrap();
        let counts = counts_and_literals(&sql);
        let script = analyze(&sql, &options, &schema);
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        for s in &script.statements {
            match &s.result {
                Err(e) => problems.push(format!("{file}: {e}")),
                Ok(l) => {
                    for c in &l.columns {
                        let key = format!("{file}: {}", c.column);
                        if c.inputs.is_empty()
                            && !SOURCELESS.contains(&key.as_str())
                            && !counts.iter().any(|n| n.eq_ignore_ascii_case(&c.column))
                        {
                            problems.push(format!("{key} has no source"));
                        }
                    }
                    for d in &l.diagnostics {
                        problems.push(format!("{file}: {}: {}", d.position, d.message));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    files.len()
}

#[test]
fn own_tpc_style_queries_resolve() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tpc-style");
    assert_eq!(check_queries(&dir), 4);
}

#[test]
fn tpch_queries_resolve() {
    if let Some(dir) = corpora::find("corpus/tpch", "tpc: the 22 TPC-H queries resolve") {
        assert_eq!(check_queries(&dir), 22);
    }
}

#[test]
fn tpcds_queries_resolve() {
    if let Some(dir) = corpora::find("corpus/tpcds", "tpc: the 99 TPC-DS queries resolve") {
        assert_eq!(check_queries(&dir), 99);
    }
}
