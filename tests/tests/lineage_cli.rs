//! `weft lineage` as a user runs it: the real binary on a SQL file or stdin, with a
//! schema file, in each output format; a broken statement is reported with its position
//! while the others keep their lineage.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use weft_tests::{weft_bin, workspace};

fn weft_lineage(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(weft_bin())
        .arg("lineage")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("weft starts");
    // The command writes each statement's output while it reads the next, so the input
    // goes in from another thread while this one drains stdout.
    let mut input = child.stdin.take().expect("stdin");
    let sql = stdin.to_owned();
    let writer = std::thread::spawn(move || input.write_all(sql.as_bytes()));
    let out = child.wait_with_output().expect("weft finishes");
    // A command refused for bad arguments exits without reading its input; the pipe
    // then breaks, and what matters is its exit status and message, checked by callers.
    if let Err(e) = writer.join().expect("writer thread")
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("write sql: {e}");
    }
    out
}

/// The edges of a run that exited with `code` (3: some statement failed).
fn edges_exiting(out: &Output, code: i32) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    edges(out)
}

fn edges(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn edges_format_with_schema_file_and_a_broken_statement() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        r#"{"shop.public.users": {"id": "int", "email": "text"}}"#,
    )
    .unwrap();
    let sql = "INSERT INTO shop.public.digest\nSELECT id, sha256(email) AS h FROM users WHERE id > 0;\nSELEC oops;\nSELECT email FROM users";
    let out = weft_lineage(
        &[
            "--dialect",
            "postgres",
            "--schema",
            schema.to_str().unwrap(),
            "--default-database",
            "shop",
            "--default-schema",
            "public",
            "--format",
            "edges",
            "-",
        ],
        sql,
    );
    let e = edges_exiting(&out, 3);
    assert!(
        e.contains(&serde_json::json!({
            "statement": 0, "target": "shop.public.digest.h", "source": "shop.public.users.email",
            "type": "DIRECT", "subtype": "TRANSFORMATION", "masking": true
        })),
        "{e:#?}"
    );
    assert!(e.contains(&serde_json::json!({
        "statement": 0, "level": "dataset", "target": "shop.public.digest",
        "source": "shop.public.users.id", "type": "INDIRECT", "subtype": "FILTER", "masking": false
    })));
    assert!(e.contains(&serde_json::json!({
        "statement": 1, "error": e.iter().find(|x| x["statement"] == 1).unwrap()["error"].clone(),
        "line": 3, "column": 1
    })));
    assert!(e.contains(&serde_json::json!({
        "statement": 2, "target": "email", "source": "shop.public.users.email",
        "type": "DIRECT", "subtype": "IDENTITY", "masking": false
    })));
}

#[test]
fn json_format_from_a_file_holds_the_facet() {
    let fixture = workspace().join("lineage/tests/fixtures/tpc-style");
    let query = fixture.join("queries/pricing_summary.sql");
    let schema = fixture.join("schema.json");
    let out = Command::new(weft_bin())
        .args(["lineage", "--schema"])
        .arg(&schema)
        .arg(&query)
        .output()
        .expect("weft runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let st = &v["statements"][0];
    assert_eq!(st["kind"], "select");
    assert_eq!(st["inputs"], serde_json::json!(["lineitem"]));
    let facet = &st["columnLineage"][""];
    let input = &facet["fields"]["sum_qty"]["inputFields"][0];
    assert_eq!(input["name"], "lineitem");
    assert_eq!(input["field"], "l_quantity");
    assert_eq!(input["transformations"][0]["subtype"], "AGGREGATION");
    assert!(
        facet["dataset"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "l_shipdate")
    );
}

#[test]
fn dot_format_and_bad_arguments() {
    let out = weft_lineage(&["--format", "dot"], "INSERT INTO t SELECT a FROM s");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("digraph lineage {"), "{text}");
    assert!(text.contains("\"s.a\" -> \"t.a\""), "{text}");
    let bad = weft_lineage(&["--dialect", "nosuch"], "SELECT 1");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown SQL dialect"));
}

#[test]
fn a_script_of_many_megabytes_streams_and_the_size_limit_is_per_statement() {
    // 40,000 statements, ~1.9 MB: over the 1 MiB that one statement may have.
    let mut sql = "INSERT INTO t SELECT a, b FROM s;\n".repeat(40_000);
    // One statement over 1 MiB, then one more on the line after it.
    let huge_line = 40_001;
    sql.push_str(&format!(
        "SELECT '{}' AS x FROM s;\n",
        "y".repeat(1_100_000)
    ));
    sql.push_str("INSERT INTO u SELECT c FROM v");
    let out = weft_lineage(&["--format", "edges", "-"], &sql);
    let e = edges_exiting(&out, 3);
    assert_eq!(e.len(), 40_000 * 2 + 2, "two edges per INSERT, one error");
    assert_eq!(
        e[79_999],
        serde_json::json!({
            "statement": 39_999, "target": "t.b", "source": "s.b",
            "type": "DIRECT", "subtype": "IDENTITY", "masking": false
        })
    );
    let err = &e[80_000];
    assert_eq!(err["statement"], 40_000);
    assert_eq!(err["line"], huge_line);
    assert!(
        err["error"].as_str().unwrap().contains("resource limit"),
        "{err}"
    );
    assert_eq!(e[80_001]["statement"], 40_001);
    assert_eq!(e[80_001]["target"], "u.c");
}
