//! Hostile and broken input: errors with positions, never a panic, a stack overflow or
//! a hang, and the good statements of a script still get lineage.

use std::time::{Duration, Instant};

use weft_lineage::{LineageError, NoSchema, Options, Position, analyze};

fn run(sql: &str) -> weft_lineage::ScriptLineage {
    analyze(sql, &Options::default(), &NoSchema)
}

#[test]
fn unparseable_statement_has_position_and_others_survive() {
    let s =
        run("INSERT INTO a SELECT x FROM b;\nSELECT FROM WHERE;\nINSERT INTO c SELECT y FROM d");
    assert_eq!(s.statements.len(), 3);
    assert!(s.statements[0].result.is_ok());
    let err = s.statements[1].result.as_ref().unwrap_err();
    assert!(
        matches!(err, LineageError::Parse { statement: 1, .. }),
        "{err:?}"
    );
    assert_eq!(err.position().line, 2);
    let last = s.statements[2].result.as_ref().unwrap();
    assert_eq!(last.outputs, ["c"]);
    assert_eq!(last.columns[0].inputs[0].dataset, "d");
}

#[test]
fn unbalanced_quote_is_an_error_at_its_line() {
    let s = run("SELECT a FROM t;\nSELECT 'unterminated FROM u;\n");
    assert!(s.statements[0].result.is_ok());
    let err = s.statements[1].result.as_ref().unwrap_err();
    assert_eq!(err.position().line, 2);
}

#[test]
fn deep_parentheses_are_an_error_not_an_overflow() {
    let sql = format!(
        "SELECT {}a{} FROM t",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let s = run(&sql);
    assert_eq!(s.statements.len(), 1);
    assert!(s.statements[0].result.is_err());
}

#[test]
fn deep_subqueries_are_an_error_not_an_overflow() {
    let sql = format!(
        "SELECT a FROM {}t{}",
        "(SELECT a FROM ".repeat(5_000),
        ")".repeat(5_000)
    );
    let s = run(&sql);
    assert!(s.statements[0].result.is_err());
}

/// Runs on a 2 MiB stack, the size of a test or Tokio worker thread.
fn on_small_stack(sql: String) -> weft_lineage::ScriptLineage {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run(&sql))
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn long_operator_chain_is_analysed() {
    // Left-deep chains are built without parser recursion and walked in a loop.
    let mut sql = String::from("SELECT a");
    for _ in 0..9_000 {
        sql.push_str(" + b");
    }
    sql.push_str(" AS total FROM t");
    let s = on_small_stack(sql);
    let l = s.statements[0].result.as_ref().unwrap();
    assert_eq!(l.columns[0].column, "total");
    assert_eq!(l.columns[0].inputs.len(), 2);
}

#[test]
fn megabyte_operator_chain_is_a_resource_error() {
    let mut sql = String::from("SELECT 1;\nSELECT a");
    while sql.len() < 1_000_000 {
        sql.push_str(" + a");
    }
    sql.push_str(" FROM t;\nSELECT c FROM u");
    let started = Instant::now();
    let s = on_small_stack(sql);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(s.statements.len(), 3);
    let err = s.statements[1].result.as_ref().unwrap_err();
    assert_eq!(err.position().line, 2);
    assert!(err.message().contains("chained operators"), "{err}");
    assert!(s.statements[2].result.is_ok());
}

#[test]
fn long_union_chain_is_analysed() {
    let mut sql = String::from("INSERT INTO x SELECT a FROM t0");
    for i in 1..2_000 {
        sql.push_str(&format!(" UNION ALL SELECT a FROM t{i}"));
    }
    let started = Instant::now();
    let s = on_small_stack(sql);
    assert!(started.elapsed() < Duration::from_secs(60));
    let l = s.statements[0].result.as_ref().unwrap();
    assert_eq!(l.columns[0].inputs.len(), 2_000);
}

#[test]
fn megabyte_statement_of_many_columns_is_analysed() {
    let mut sql = String::from("SELECT c0");
    let mut i = 1;
    while sql.len() < 1_000_000 {
        sql.push_str(&format!(", c{i}"));
        i += 1;
    }
    sql.push_str(" FROM t");
    let started = Instant::now();
    let s = on_small_stack(sql);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(s.statements[0].result.as_ref().unwrap().columns.len(), i);
}

#[test]
fn garbage_never_panics() {
    for sql in [
        "",
        ";;;",
        "SELECT",
        "SELECT * FROM",
        "((((",
        "'",
        "\"",
        "`",
        "/* unterminated comment",
        "SELECT a FROM t WHERE a IN (SELECT",
        "WITH x AS (SELECT 1) ",
        "MERGE INTO t USING s ON",
        "\u{0}\u{1}\u{2}",
        "SELECT 1e999999999999, x'zz' FROM t",
    ] {
        let s = run(sql);
        for st in &s.statements {
            if let Err(e) = &st.result {
                assert!(
                    e.position() >= Position { line: 1, column: 0 },
                    "{sql}: {e}"
                );
            }
        }
    }
}
