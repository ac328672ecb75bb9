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
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    // A command refused for bad arguments exits without reading its input; the pipe
    // then breaks, and what matters is its exit status and message, checked by callers.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("write sql: {e}");
    }
    child.wait_with_output().expect("weft finishes")
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
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e = edges(&out);
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
