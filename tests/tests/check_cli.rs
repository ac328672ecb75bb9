//! `weft export`, `GET /api/v1/export` and `weft check` on the real binary, against a
//! server seeded with OpenLineage events: `shop.public.users` (an `email` column) →
//! `analytics.public.stg_users` → `analytics.public.gold_users` (tier gold, owner
//! `team:growth`) → `bi.public.dashboard`. The dbt manifests are the check crate's
//! fixtures (`check/tests/fixtures/`), whose models write those datasets.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flate2::read::MultiGzDecoder;
use serde_json::{Value, json};
use weft_tests::{Backend, Server, backends, weft_bin, workspace};

const NS: &str = "postgres://db:5432";
const PRODUCER: &str = "https://example.com/check-test";

fn facet(kind: &str, body: Value) -> Value {
    let mut v = body;
    v["_producer"] = json!(PRODUCER);
    v["_schemaURL"] = json!(format!(
        "https://openlineage.io/spec/facets/1-0-0/{kind}.json"
    ));
    v
}

fn schema(cols: &[(&str, &str)]) -> Value {
    facet(
        "SchemaDatasetFacet",
        json!({"fields": cols.iter().map(|(n, t)| json!({"name": n, "type": t})).collect::<Vec<_>>()}),
    )
}

fn lineage(fields: &[(&str, &str, &str)]) -> Value {
    let mut out = serde_json::Map::new();
    for (target, src, col) in fields {
        out.insert(
            (*target).to_owned(),
            json!({"inputFields": [{"namespace": NS, "name": src, "field": col,
                "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}),
        );
    }
    facet("ColumnLineageDatasetFacet", json!({"fields": out}))
}

fn run(n: u32, job: &str, input: (&str, Value), output: (&str, Value)) -> String {
    json!({
        "eventType": "COMPLETE", "eventTime": "2026-11-01T10:00:00Z", "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": format!("0190c7c0-0000-7000-8000-0000000c{n:04}")},
        "job": {"namespace": "dbt", "name": job},
        "inputs": [{"namespace": NS, "name": input.0, "facets": input.1}],
        "outputs": [{"namespace": NS, "name": output.0, "facets": output.1}],
    })
    .to_string()
}

fn seed(s: &Server) {
    let users = schema(&[
        ("id", "integer"),
        ("email", "character varying"),
        ("name", "text"),
    ]);
    let events = [
        run(
            1,
            "shop.stg_users",
            ("shop.public.users", json!({"schema": users})),
            (
                "analytics.public.stg_users",
                json!({
                    "schema": schema(&[("id", "integer"), ("email", "character varying"), ("name", "text")]),
                    "columnLineage": lineage(&[("id", "shop.public.users", "id"), ("email", "shop.public.users", "email"), ("name", "shop.public.users", "name")]),
                }),
            ),
        ),
        run(
            2,
            "finance.gold_users",
            ("analytics.public.stg_users", json!({})),
            (
                "analytics.public.gold_users",
                json!({
                    "schema": schema(&[("id", "integer"), ("email", "character varying")]),
                    "columnLineage": lineage(&[("id", "analytics.public.stg_users", "id"), ("email", "analytics.public.stg_users", "email")]),
                    "tags": facet("TagsDatasetFacet", json!({"tags": [{"key": "tier", "value": "gold", "source": "MANUAL"}]})),
                    "ownership": facet("OwnershipDatasetFacet", json!({"owners": [{"name": "team:growth"}]})),
                    "documentation": facet("DocumentationDatasetFacet", json!({"description": "Users for finance"})),
                    "weft_governance": facet("WeftGovernanceDatasetFacet", json!({"classification": "internal", "retention": "P1Y"})),
                }),
            ),
        ),
        run(
            3,
            "bi.dashboard",
            ("analytics.public.gold_users", json!({})),
            (
                "bi.public.dashboard",
                json!({
                    "schema": schema(&[("contact", "text")]),
                    "columnLineage": lineage(&[("contact", "analytics.public.gold_users", "email")]),
                }),
            ),
        ),
    ];
    for e in events {
        let (status, body) = s.post_event(e);
        assert!((200..300).contains(&status), "{status}: {body}");
    }
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("check/tests/fixtures").join(name)
}

fn weft(args: &[&str]) -> Output {
    Command::new(weft_bin())
        .args(args)
        .output()
        .expect("weft runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A snapshot's lines, with `exported_at` taken out of the header.
fn lines(gz: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    for l in std::io::BufReader::new(MultiGzDecoder::new(gz)).lines() {
        let mut v: Value = serde_json::from_str(&l.expect("gzip line")).expect("JSON line");
        if let Some(o) = v.as_object_mut() {
            o.remove("exported_at");
        }
        out.push(v);
    }
    out
}

fn export(s: &Server, dir: &Path) -> PathBuf {
    let out = dir.join("catalog.jsonl.gz");
    let mut args = vec![
        "export".to_owned(),
        "--out".to_owned(),
        out.display().to_string(),
    ];
    args.extend(s.store_args());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = weft(&argv);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "export: {stdout}\n{stderr}");
    out
}

fn check(snapshot: &Path, manifest: &str, extra: &[&str]) -> (i32, String, String) {
    let snap = snapshot.display().to_string();
    let man = fixture(manifest).display().to_string();
    let mut args = vec!["check", "--snapshot", &snap, "--manifest", &man];
    args.extend_from_slice(extra);
    let o = weft(&args);
    let (stdout, stderr) = text(&o);
    (o.status.code().unwrap_or(-1), stdout, stderr)
}

fn on(backend: Backend) {
    let s = Server::start(backend, &[]);
    seed(&s);
    let dir = tempfile::tempdir().unwrap();

    // Beside the running server (SQLite too): the CLI and the endpoint agree.
    let snapshot = export(&s, dir.path());
    let file = std::fs::read(&snapshot).unwrap();
    let mut served = Vec::new();
    let resp = s
        .http
        .get(format!("{}/api/v1/export", s.url))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/gzip");
    resp.take(u64::MAX).read_to_end(&mut served).unwrap();
    let (a, b) = (lines(&file), lines(&served));
    assert_eq!(a, b, "weft export and GET /api/v1/export differ");
    assert_eq!(a[0]["format"], "weft-snapshot");
    assert_eq!(a[0]["version"], 1);
    let gold = a
        .iter()
        .find(|v| v["type"] == "dataset" && v["name"] == "analytics.public.gold_users")
        .expect("gold_users exported");
    assert_eq!(gold["tier"], "gold");
    assert_eq!(gold["owners"][0]["name"], "team:growth");
    assert_eq!(gold["description"], "Users for finance");
    assert_eq!(
        gold["classification"], "internal",
        "the producer's weft_governance facet"
    );
    assert_eq!(gold["retention"], "P1Y");
    assert!(
        a.iter()
            .any(|v| v["type"] == "column_edge" && v["dst_column"] == "contact")
    );

    // A dropped column that gold reads: deny, with the consumer and its owner.
    let json_out = dir.path().join("report.json");
    let json_arg = json_out.display().to_string();
    let (code, stdout, stderr) = check(
        &snapshot,
        "manifest_drop_column.json",
        &[
            "--base-manifest",
            &fixture("base_manifest.json").display().to_string(),
            "--json",
            &json_arg,
        ],
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("analytics.public.gold_users") && stdout.contains("team:growth"),
        "{stdout}"
    );
    assert!(stdout.contains("breaking_change"), "{stdout}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    let removed = &report["models"][0]["changes"]["removed_columns"][0];
    assert_eq!(removed["column"], "email");
    assert_eq!(
        removed["consumers"][0]["dataset"],
        format!("{NS}/analytics.public.gold_users")
    );
    assert_eq!(removed["consumers"][0]["owners"][0]["name"], "team:growth");
    assert_eq!(removed["consumers"][0]["tier"], "gold");
    assert!(report["summary"]["deny"].as_u64().unwrap() >= 1);

    // The same check against the server itself.
    let man = fixture("manifest_drop_column.json").display().to_string();
    let o = weft(&[
        "check",
        "--server",
        &s.url,
        "--manifest",
        &man,
        "--format",
        "json",
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    let served: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        served["models"][0]["changes"]["removed_columns"][0]["consumers"],
        removed["consumers"]
    );

    // An added column breaks nothing.
    let (code, stdout, stderr) = check(&snapshot, "manifest_clean.json", &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("passed"), "{stdout}");

    // A model that does not parse: a finding at its line; the other model is checked.
    let (code, stdout, stderr) = check(
        &snapshot,
        "manifest_unparseable.json",
        &["--format", "json"],
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let parse = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy"] == "sql_parse")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(parse["file"], "models/stg_users.sql");
    assert_eq!(parse["line"], 6);
    assert!(
        report["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "user_counts" && m["status"] == "added")
    );

    // Input that is not what it claims: exit 2, naming the file.
    let (code, _, stderr) = check(&snapshot, "not_a_manifest.json", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("not_a_manifest.json") && stderr.contains("not a dbt manifest"),
        "{stderr}"
    );

    let old = dir.path().join("old.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&old).unwrap(),
        flate2::Compression::fast(),
    );
    writeln!(gz, "{}", json!({"format": "weft-snapshot", "version": 0, "exported_at": "2026-01-01T00:00:00Z", "log_position": 1})).unwrap();
    gz.finish().unwrap();
    let (code, _, stderr) = check(&old, "manifest_clean.json", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("old.jsonl.gz")
            && stderr.contains("version 0")
            && stderr.contains("version 1")
            && stderr.contains("weft export"),
        "{stderr}"
    );
}

#[test]
fn export_and_check_on_every_backend() {
    for backend in backends() {
        on(backend);
    }
}
