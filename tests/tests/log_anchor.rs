//! Anchoring the change log outside the store: `GET /api/v1/log/head`, the checkpoint
//! file `weft serve` writes, and `weft verify --checkpoint`/`--anchor`, which find an
//! edited entry, a deleted middle entry, a truncated tail and a rewritten tail, each
//! named by its sequence number, on SQLite and PostgreSQL; and signed checkpoints.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, psql};

fn event(n: u32, tag: &str) -> String {
    json!({
        "eventTime": "2024-01-01T00:00:00Z",
        "producer": "https://example.com/weft-tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "eventType": "COMPLETE",
        "run": {"runId": format!("00000000-0000-4000-8000-{n:012}")},
        "job": {"namespace": "anchor", "name": format!("job_{tag}")},
        "inputs": [], "outputs": []
    })
    .to_string()
}

/// A stopped server whose log holds 10 entries, with its checkpoint file and the head
/// the API reported.
struct Logged {
    server: Server,
    checkpoint: PathBuf,
    head: Value,
    _dir: tempfile::TempDir,
}

fn logged(backend: Backend) -> Logged {
    let dir = tempfile::tempdir().expect("tempdir");
    let checkpoint = dir.path().join("checkpoints.jsonl");
    let cp = checkpoint.display().to_string();
    let mut server = Server::start(
        backend,
        &["--log-checkpoint-file", &cp, "--log-checkpoint-every", "1s"],
    );
    let empty = server.get_ok("/api/v1/log/head");
    assert_eq!(empty["seq"], 0, "{empty}");
    for n in 1..=10 {
        let (s, text) = server.post_event(event(n, "a"));
        assert_eq!(s, 201, "{text}");
    }
    let head = server.get_ok("/api/v1/log/head");
    assert_eq!(head["seq"], 10, "{head}");
    assert_eq!(head["hash"].as_str().map(str::len), Some(64), "{head}");
    assert!(head["at"].as_i64().is_some(), "{head}");
    assert!(server.terminate(), "SIGTERM exits cleanly");
    let lines = checkpoint_lines(&checkpoint);
    assert_eq!(lines.last(), Some(&head), "the last checkpoint is the head");
    Logged {
        server,
        checkpoint,
        head,
        _dir: dir,
    }
}

fn checkpoint_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("checkpoint file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Runs `sql` on the server's store behind its back: through `psql` on PostgreSQL, else
/// on its SQLite file.
fn tamper(server: &Server, sql: &str) {
    let args = server.store_args();
    match args.iter().position(|a| a == "--database-url") {
        Some(i) => psql(&args[i + 1], sql),
        None => sqlite(server, sql),
    }
}

/// Runs `sql` on the server's SQLite file behind its back, through Python's standard
/// `sqlite3` module (the test script's Python; no sqlite3 CLI needed).
fn sqlite(server: &Server, sql: &str) {
    let db = server.data_dir.path().join("weft.db");
    let python = std::env::var("WEFT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(&python)
        .args([
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()",
        ])
        .arg(&db)
        .arg(sql)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `weft verify` with `args`; returns success and stdout.
fn verify(server: &Server, args: &[&str]) -> (bool, String) {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let out = server.weft(&all);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn verify_checkpoint(l: &Logged) -> (bool, String) {
    verify(
        &l.server,
        &["--checkpoint", &l.checkpoint.display().to_string()],
    )
}

#[test]
fn an_untouched_log_extends_its_checkpoints() {
    for backend in backends() {
        untouched(backend);
    }
}

fn untouched(backend: Backend) {
    let l = logged(backend);
    let (ok, text) = verify_checkpoint(&l);
    assert!(ok, "{text}");
    let anchor = format!("{}:{}", l.head["seq"], l.head["hash"].as_str().unwrap());
    let (ok, text) = verify(&l.server, &["--anchor", &anchor]);
    assert!(ok, "{text}");
    let (ok, text) = verify(&l.server, &["--anchor", "10:00"]);
    assert!(!ok && text.contains("seq 10"), "{text}");
}

#[test]
fn an_edited_entry_is_named() {
    for backend in backends() {
        edited(backend);
    }
}

fn edited(backend: Backend) {
    let l = logged(backend);
    // The actor is covered by the chain, and has the same type on both backends.
    tamper(
        &l.server,
        "UPDATE change_log SET actor = 'mallory' WHERE seq = 3",
    );
    let (ok, text) = verify_checkpoint(&l);
    assert!(!ok && text.contains("seq 3"), "{text}");
}

#[test]
fn a_deleted_middle_entry_is_a_gap_even_without_a_checkpoint() {
    for backend in backends() {
        deleted_middle(backend);
    }
}

fn deleted_middle(backend: Backend) {
    let l = logged(backend);
    tamper(&l.server, "DELETE FROM change_log WHERE seq = 4");
    let (ok, text) = verify(&l.server, &[]);
    assert!(
        !ok && text.contains("seq 4") && text.contains("gap"),
        "{text}"
    );
    let (ok, text) = verify_checkpoint(&l);
    assert!(!ok && text.contains("seq 4"), "{text}");
}

#[test]
fn a_truncated_tail_is_found_by_the_checkpoint() {
    for backend in backends() {
        truncated(backend);
    }
}

fn truncated(backend: Backend) {
    let l = logged(backend);
    tamper(&l.server, "DELETE FROM change_log WHERE seq > 6");
    // The chain alone cannot tell: what is left is a valid, shorter log.
    let (ok, text) = verify(&l.server, &[]);
    assert!(ok, "{text}");
    let (ok, text) = verify_checkpoint(&l);
    assert!(
        !ok && text.contains("seq 10") && text.contains("truncated"),
        "{text}"
    );
}

#[test]
fn a_rewritten_tail_is_found_by_the_checkpoint() {
    for backend in backends() {
        rewritten(backend);
    }
}

fn rewritten(backend: Backend) {
    let mut l = logged(backend);
    tamper(&l.server, "DELETE FROM change_log WHERE seq > 6");
    // Different entries appended through the server: a valid chain to seq 10 again.
    l.server.set_extra(&[]);
    l.server.restart();
    for n in 100..104 {
        let (s, text) = l.server.post_event(event(n, "b"));
        assert_eq!(s, 201, "{text}");
    }
    let head = l.server.get_ok("/api/v1/log/head");
    assert_eq!(head["seq"], 10, "{head}");
    assert_ne!(head["hash"], l.head["hash"]);
    assert!(l.server.terminate());
    let (ok, text) = verify(&l.server, &[]);
    assert!(ok, "{text}");
    let (ok, text) = verify_checkpoint(&l);
    assert!(
        !ok && text.contains("seq 10") && text.contains("hash mismatch"),
        "{text}"
    );
}

#[test]
fn a_signed_checkpoint_cannot_be_forged_to_hide_a_truncation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("head.key");
    std::fs::write(&key, "5f1c0a4e9d2b7e3a8c6f1d0b4a9e2c7d\n").expect("key");
    let key = key.display().to_string();
    let checkpoint = dir.path().join("checkpoints.jsonl");
    let cp = checkpoint.display().to_string();
    let mut server = Server::start(
        Backend::Sqlite,
        &[
            "--log-checkpoint-file",
            &cp,
            "--log-checkpoint-every",
            "1s",
            "--log-signing-key-file",
            &key,
        ],
    );
    for n in 1..=10 {
        let (s, text) = server.post_event(event(n, "a"));
        assert_eq!(s, 201, "{text}");
    }
    let head = server.get_ok("/api/v1/log/head");
    assert_eq!(head["algorithm"], "HMAC-SHA256", "{head}");
    assert_eq!(head["signature"].as_str().map(str::len), Some(64), "{head}");
    assert!(server.terminate(), "SIGTERM exits cleanly");
    let lines = checkpoint_lines(&checkpoint);
    assert_eq!(
        lines.last(),
        Some(&head),
        "the checkpoint is the signed head"
    );
    let (ok, text) = verify(&server, &["--checkpoint", &cp, "--signing-key-file", &key]);
    assert!(ok, "{text}");

    // Whoever truncates the log and rewrites the checkpoint file to match cannot sign
    // the head they leave.
    sqlite(&server, "DELETE FROM change_log WHERE seq > 6");
    let (_, text) = verify(&server, &["--anchor", "6:00"]);
    let hash6 = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_hexdigit()))
        .find(|w| w.len() == 64);
    assert!(
        hash6.is_some(),
        "the log's hash at seq 6 is reported: {text}"
    );
    let forged = json!({"seq": 6, "hash": hash6.unwrap_or_default(), "at": head["at"],
        "signature": head["signature"], "algorithm": "HMAC-SHA256"});
    std::fs::write(&checkpoint, format!("{forged}\n")).expect("rewrite checkpoints");
    let (ok, text) = verify(&server, &["--checkpoint", &cp, "--signing-key-file", &key]);
    assert!(
        !ok && text.contains("NOT GENUINE") && text.contains("line 1"),
        "{text}"
    );
    // The same file checked without the key says nothing about who wrote it.
    let (_, text) = verify(&server, &["--checkpoint", &cp]);
    assert!(!text.contains("NOT GENUINE"), "{text}");
    // Another key does not verify genuine lines either.
    std::fs::write(&checkpoint, format!("{head}\n")).expect("restore checkpoint");
    let other = dir.path().join("other.key");
    std::fs::write(&other, "another-secret-of-enough-length").expect("key");
    let (ok, text) = verify(
        &server,
        &[
            "--checkpoint",
            &cp,
            "--signing-key-file",
            &other.display().to_string(),
        ],
    );
    assert!(!ok && text.contains("NOT GENUINE"), "{text}");
}

#[test]
fn a_signing_key_too_short_stops_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("short.key");
    std::fs::write(&key, "short").expect("key");
    let out = Command::new(weft_tests::weft_bin())
        .args(["--data-dir"])
        .arg(dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log-signing-key-file"])
        .arg(&key)
        .output()
        .expect("weft runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("at least 16"), "{err}");
}
