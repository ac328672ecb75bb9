//! The `weft` command line as a person meets it: help texts, store flags where they
//! apply, quiet ends when stdout closes, plain logs off a terminal, and a word when a
//! listing is empty. Every test runs the real binary.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use weft_tests::weft_bin;

/// `weft` with `args`, no store in the environment, stdout and stderr captured.
fn weft(args: &[&str]) -> Output {
    Command::new(weft_bin())
        .args(args)
        .env_remove("WEFT_DATA_DIR")
        .env_remove("WEFT_DATABASE_URL")
        .env_remove("WEFT_CONFIG")
        .output()
        .expect("weft runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const STORE_FLAGS: &[&str] = &[
    "--data-dir",
    "--database-url",
    "--config",
    "--sqlite-synchronous",
];

#[test]
fn store_flags_are_offered_where_a_store_is_used_and_only_there() {
    let help = |args: &[&str]| {
        let out = weft(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let lineage = help(&["lineage", "--help"]);
    for flag in STORE_FLAGS {
        assert!(
            !lineage.contains(flag),
            "`weft lineage --help` offers {flag}:\n{lineage}"
        );
    }
    assert!(lineage.contains("--dialect"), "{lineage}");
    for sub in [
        &["serve", "--help"][..],
        &["ingest", "--help"],
        &["crawl", "--help"],
        &["reindex", "--help"],
        &["rebuild", "--help"],
        &["verify", "--help"],
        &["token", "list", "--help"],
        &["token", "create", "--help"],
        &["token", "revoke", "--help"],
    ] {
        let h = help(sub);
        for flag in STORE_FLAGS {
            assert!(
                h.contains(flag),
                "`weft {}` lacks {flag}:\n{h}",
                sub.join(" ")
            );
        }
    }
}

#[test]
fn the_top_level_help_says_what_weft_is() {
    let out = weft(&["--help"]);
    assert!(out.status.success());
    let h = text(&out.stdout);
    assert!(
        h.contains("metadata catalog with column-level lineage"),
        "{h}"
    );
    assert!(h.contains("OpenLineage"), "{h}");
    for sub in [
        "serve", "ingest", "crawl", "reindex", "token", "rebuild", "verify", "lineage",
    ] {
        assert!(
            h.lines()
                .any(|l| l.trim_start().starts_with(sub) && l.len() > sub.len() + 10),
            "no one-line description of `{sub}`:\n{h}"
        );
    }
}

#[test]
fn store_flags_work_before_and_after_the_subcommand_and_beat_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();

    let empty = weft(&["token", "list", "--data-dir", d]);
    assert!(empty.status.success(), "{}", text(&empty.stderr));
    assert_eq!(text(&empty.stdout), "", "stdout stays machine-readable");
    let note = text(&empty.stderr);
    assert!(note.contains("no tokens"), "{note}");
    assert!(note.contains("weft token create"), "{note}");

    let created = weft(&["token", "create", "--name", "ci", "--data-dir", d]);
    assert!(created.status.success(), "{}", text(&created.stderr));

    // Before the subcommand, with WEFT_DATA_DIR naming another (empty) store.
    let listed = Command::new(weft_bin())
        .args(["--data-dir", d, "token", "list"])
        .env("WEFT_DATA_DIR", other.path())
        .env_remove("WEFT_DATABASE_URL")
        .env_remove("WEFT_CONFIG")
        .output()
        .expect("weft runs");
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert_eq!(text(&listed.stdout), "ci\tread\tactive\n");
}

#[test]
fn lineage_refuses_store_flags() {
    let out = weft(&["lineage", "--data-dir", "/tmp/nowhere", "-"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--data-dir"));
}

/// Runs `weft args` with stdout a pipe whose reader is already gone.
fn with_closed_stdout(args: &[&str], dir: &Path) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let child = Command::new(weft_bin())
        .args(args)
        .current_dir(dir)
        .env_remove("WEFT_DATA_DIR")
        .env_remove("WEFT_DATABASE_URL")
        .env_remove("WEFT_CONFIG")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("weft starts");
    child.wait_with_output().expect("weft finishes")
}

#[test]
fn a_closed_stdout_ends_every_writing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let sql = dir.path().join("q.sql");
    std::fs::write(&sql, "INSERT INTO t SELECT a FROM s;\n".repeat(50)).unwrap();
    let created = weft(&["token", "create", "--name", "ci", "--data-dir", d]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let events = dir.path().join("none.json");
    std::fs::write(&events, "[]").unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["lineage", sql.to_str().unwrap()],
        vec!["lineage", "--format", "edges", sql.to_str().unwrap()],
        vec!["lineage", "--format", "dot", sql.to_str().unwrap()],
        vec!["--data-dir", d, "token", "list"],
        vec!["--data-dir", d, "token", "create", "--name", "other"],
        vec!["--data-dir", d, "ingest", events.to_str().unwrap()],
        vec!["--data-dir", d, "rebuild"],
        vec!["--data-dir", d, "verify"],
        vec!["--data-dir", d, "reindex"],
    ];
    for args in commands {
        let out = with_closed_stdout(&args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "weft {args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "weft {args:?}: {err}");
        assert!(!err.contains("panicked"), "weft {args:?}: {err}");
    }
}

#[test]
fn a_reader_that_stops_early_ends_a_long_lineage_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let sql = dir.path().join("long.sql");
    std::fs::write(
        &sql,
        "INSERT INTO t SELECT a, b, c FROM s;\n".repeat(20_000),
    )
    .unwrap();
    let mut child = Command::new(weft_bin())
        .args(["lineage", "--format", "edges"])
        .arg(&sql)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("weft starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut head = [0u8; 200];
    stdout.read_exact(&mut head).expect("some output first");
    assert!(text(&head).starts_with("{\"masking\""), "{}", text(&head));
    drop(stdout);
    let out = child.wait_with_output().expect("weft finishes");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn logs_off_a_terminal_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(weft_bin())
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("WEFT_DATABASE_URL")
        .env_remove("WEFT_CONFIG")
        .env_remove("WEFT_TOKENS")
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("weft serve starts");
    // The banner comes after the "serving" log line.
    let mut banner = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut banner)
        .expect("reads the banner");
    assert!(banner.starts_with("Weft is serving"), "{banner}");
    child.kill().expect("stops");
    let out = child.wait_with_output().expect("weft exits");
    let err = text(&out.stderr);
    assert!(err.contains("INFO"), "no log lines to check:\n{err}");
    assert!(
        !err.contains('\u{1b}'),
        "colour codes in a piped log:\n{err}"
    );
}
