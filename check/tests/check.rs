//! `weft check` on the fixtures in `tests/fixtures/` (see its README): manifests read,
//! changes found with their consumers, new PII flows, policies, reports.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use weft_check::manifest::Manifest;
use weft_check::snapshot::{Header, Record, SnapshotError, SnapshotReader, SnapshotWriter};
use weft_check::subjects::{Keys, ManifestDeriver};
use weft_check::{Catalog, CheckError, CheckOptions, ManifestError, check};
use weft_policy::{PolicyOptions, PolicySet, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn catalog() -> Catalog {
    Catalog::load(&fixture("catalog.jsonl")).expect("the catalog fixture loads")
}

fn builtins() -> PolicySet {
    PolicySet::load(None, &PolicyOptions::default()).expect("built-in policies compile")
}

fn options(manifest: &str) -> CheckOptions {
    CheckOptions {
        manifest: Some(fixture(manifest)),
        base_manifest: Some(fixture("base_manifest.json")),
        now: "2026-12-07T00:00:00Z".to_owned(),
        ..CheckOptions::default()
    }
}

#[test]
fn a_json_file_that_is_no_manifest_is_refused_by_name() {
    let err = Manifest::load(&fixture("not_a_manifest.json")).unwrap_err();
    assert!(matches!(err, ManifestError::NotManifest { .. }), "{err}");
    assert!(err.to_string().contains("not_a_manifest.json"), "{err}");
    let err =
        Manifest::from_reader(Path::new("broken.json"), "{\"metadata\": ".as_bytes()).unwrap_err();
    assert!(matches!(err, ManifestError::NotJson { .. }), "{err}");
    assert!(err.to_string().starts_with("broken.json:"), "{err}");
}

#[test]
fn manifest_models_sources_and_meta_are_read() {
    let m = Manifest::load(&fixture("manifest_chain.json")).unwrap();
    assert_eq!(m.adapter_type.as_deref(), Some("postgres"));
    let stg = m.model_named("stg_users").unwrap();
    assert_eq!(stg.relation, "analytics.public.stg_users");
    assert_eq!(stg.file.as_deref(), Some("models/stg_users.sql"));
    assert_eq!(
        stg.meta.owners.as_deref(),
        Some(&["team:data-eng".to_owned()][..])
    );
    assert_eq!(stg.meta.retention.as_deref(), Some("P1Y"));
    let export = m.model_named("marketing_export").unwrap();
    assert_eq!(export.depends_on, ["model.shop.stg_users"]);
    assert_eq!(export.meta.classification.as_deref(), Some("public"));
    let source = m.get("source.shop.shop.users").unwrap();
    assert_eq!(source.relation, "shop.public.users");
}

#[test]
fn snapshot_round_trip_and_version_refusal() {
    let header = Header::new("2026-12-07T00:00:00Z".into(), 7);
    let records: Vec<Record> = SnapshotReader::open(&fixture("catalog.jsonl"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut w = SnapshotWriter::new(Vec::new(), &header).unwrap();
    for r in &records {
        w.write(r).unwrap();
    }
    let bytes = w.finish().unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip");
    let mut reader =
        SnapshotReader::from_reader(Path::new("mem"), std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(reader.header(), &header);
    let back: Vec<Record> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(back, records);

    let old =
        "{\"format\":\"weft-snapshot\",\"version\":0,\"exported_at\":\"x\",\"log_position\":1}\n";
    let err =
        SnapshotReader::from_reader(Path::new("old.gz"), std::io::Cursor::new(old)).unwrap_err();
    assert!(
        matches!(err, SnapshotError::Version { found: 0, .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("version 0") && msg.contains("version 1") && msg.contains("weft export"),
        "{msg}"
    );
    let err = SnapshotReader::from_reader(Path::new("x.json"), std::io::Cursor::new("{\"a\":1}\n"))
        .unwrap_err();
    assert!(matches!(err, SnapshotError::NotSnapshot { .. }), "{err}");
    assert!(err.to_string().contains("not a weft snapshot"), "{err}");
}

#[test]
fn models_are_derived_in_dependency_order() {
    let cat = catalog();
    let m = Manifest::load(&fixture("manifest_chain.json")).unwrap();
    let mut keys = Keys::new(&cat, None, &[&m]);
    let force: HashSet<String> = ["model.shop.stg_users", "model.shop.marketing_export"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut d = ManifestDeriver::new(&m, &cat, None, weft_lineage::Dialect::Postgres, force);
    let export = d
        .derive(&mut keys, "model.shop.marketing_export")
        .unwrap()
        .clone();
    assert!(!export.in_catalog);
    assert!(export.key.id < 0, "a new dataset gets a new id");
    let state = export.state.unwrap();
    let contact = state.column("contact").unwrap();
    assert_eq!(contact.inputs[0].dataset.name, "analytics.public.stg_users");
    assert_eq!(contact.inputs[0].column, "email");
    assert_eq!(contact.line, Some(3), "`s.email as contact` is on line 3");
    // stg_users was derived first, from its new SQL: it has the new column.
    let stg = d.derive(&mut keys, "model.shop.stg_users").unwrap();
    assert!(stg.state.as_ref().unwrap().column("email_hash").is_some());
    assert_eq!(stg.key.id, 2, "stg_users is the catalog's dataset");
}

#[test]
fn a_dropped_column_read_by_gold_is_denied_with_its_consumers() {
    let report = check(
        &catalog(),
        &builtins(),
        &options("manifest_drop_column.json"),
    )
    .unwrap();
    assert!(report.blocked());
    let m = &report.models[0];
    assert_eq!(m.name, "stg_users");
    assert_eq!(m.status, "modified");
    let removed = &m.changes.removed_columns;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].column, "email");
    let consumers: Vec<(&str, &str)> = removed[0]
        .consumers
        .iter()
        .map(|c| (c.dataset.as_str(), c.column.as_str()))
        .collect();
    assert_eq!(
        consumers,
        [
            ("postgres://db:5432/analytics.public.gold_users", "email"),
            ("postgres://db:5432/bi.public.dashboard", "contact"),
        ]
    );
    assert_eq!(removed[0].consumers[0].tier.as_deref(), Some("gold"));
    assert_eq!(removed[0].consumers[0].owners[0].name, "team:growth");
    let breaking: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.policy == "breaking_change")
        .collect();
    assert!(!breaking.is_empty(), "{:#?}", report.findings);
    assert_eq!(breaking[0].severity, Severity::Deny);
    assert_eq!(breaking[0].file.as_deref(), Some("models/stg_users.sql"));
    let md = weft_check::markdown::render(&report);
    assert!(
        md.contains("gold_users") && md.contains("team:growth"),
        "{md}"
    );
}

#[test]
fn a_rename_is_told_apart_from_a_drop() {
    let report = check(&catalog(), &builtins(), &options("manifest_rename.json")).unwrap();
    let c = &report.models[0].changes;
    assert!(c.removed_columns.is_empty(), "{c:#?}");
    assert_eq!(c.renamed_columns.len(), 1);
    assert_eq!(c.renamed_columns[0].column, "email");
    assert_eq!(
        c.renamed_columns[0].new_name.as_deref(),
        Some("email_address")
    );
    assert_eq!(c.renamed_columns[0].consumers.len(), 2);
}

#[test]
fn an_added_column_breaks_nothing() {
    let report = check(&catalog(), &builtins(), &options("manifest_clean.json")).unwrap();
    assert!(!report.blocked(), "{:#?}", report.findings);
    let c = &report.models[0].changes;
    assert!(
        c.removed_columns.is_empty() && c.renamed_columns.is_empty() && c.type_changes.is_empty()
    );
    assert!(c.new_pii_flows.is_empty(), "{:#?}", c.new_pii_flows);
}

#[test]
fn an_unparseable_model_is_a_finding_at_its_line_and_the_rest_is_checked() {
    let mut opts = options("manifest_unparseable.json");
    opts.base_manifest = None;
    let report = check(&catalog(), &builtins(), &opts).unwrap();
    let parse: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.policy == "sql_parse")
        .collect();
    assert_eq!(parse.len(), 1, "{:#?}", report.findings);
    assert_eq!(parse[0].severity, Severity::Deny);
    assert_eq!(parse[0].file.as_deref(), Some("models/stg_users.sql"));
    assert_eq!(parse[0].line, Some(6));
    assert!(report.blocked());
    let counts = report
        .models
        .iter()
        .find(|m| m.name == "user_counts")
        .unwrap();
    assert_eq!(counts.status, "added");
    assert_eq!(
        counts.changes.new_inputs,
        ["postgres://db:5432/shop.public.users.email"]
    );
    let stg = report
        .models
        .iter()
        .find(|m| m.name == "stg_users")
        .unwrap();
    assert_eq!(stg.status, "unverified");
}

#[test]
fn new_pii_flows_are_found_with_their_paths() {
    let mut opts = options("manifest_chain.json");
    opts.base_manifest = None;
    let report = check(&catalog(), &builtins(), &opts).unwrap();
    let export = report
        .models
        .iter()
        .find(|m| m.name == "marketing_export")
        .unwrap();
    assert_eq!(export.status, "added");
    let flow = export
        .changes
        .new_pii_flows
        .iter()
        .find(|f| f.column == "contact")
        .unwrap_or_else(|| panic!("{:#?}", export.changes));
    assert_eq!(flow.tag, "pii.email");
    // stg_users.email is itself detected as pii.email, and it is reached from the
    // source table's email: the path runs back to the source, not to the first column
    // named like personal data.
    let hops: Vec<(&str, &str)> = flow
        .path
        .iter()
        .map(|h| (h.dataset.as_str(), h.column.as_str()))
        .collect();
    assert_eq!(
        hops,
        [
            ("postgres://db:5432/shop.public.users", "email"),
            ("postgres://db:5432/analytics.public.stg_users", "email"),
            (
                "postgres://db:5432/analytics.public.marketing_export",
                "contact"
            ),
        ]
    );
    assert_eq!(flow.path[1].tag, "pii.email");
    assert!(
        flow.path[1]
            .transformation
            .as_deref()
            .unwrap_or_default()
            .contains("IDENTITY"),
        "{:?}",
        flow.path
    );
    let stg = report
        .models
        .iter()
        .find(|m| m.name == "stg_users")
        .unwrap();
    let hashed = stg
        .changes
        .new_pii_flows
        .iter()
        .find(|f| f.column == "email_hash")
        .unwrap();
    assert_eq!(hashed.tag, "pseudonymised.pii.email");
    // Raw personal data into a public dataset: the built-in pii_public denies it.
    assert!(
        report.findings.iter().any(|f| f.policy == "pii_public"
            && f.severity == Severity::Deny
            && f.dataset.ends_with("marketing_export")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn sarif_and_json_carry_the_same_findings() {
    let report = check(
        &catalog(),
        &builtins(),
        &options("manifest_drop_column.json"),
    )
    .unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&weft_check::sarif::render(&report)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "breaking_change"));
    let deny = results
        .iter()
        .find(|r| r["ruleId"] == "breaking_change")
        .unwrap();
    assert_eq!(deny["level"], "error");
    assert_eq!(
        deny["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "models/stg_users.sql"
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["summary"]["deny"].as_u64().unwrap() as usize,
        report.summary.deny
    );
}

#[test]
fn lists_are_capped_and_the_cap_is_stated() {
    let mut opts = options("manifest_drop_column.json");
    opts.max_items = 1;
    let report = check(&catalog(), &builtins(), &opts).unwrap();
    let consumers = &report.models[0].changes.removed_columns[0].consumers;
    assert_eq!(consumers.len(), 1);
    let cut = report
        .truncated
        .iter()
        .find(|t| t.section == "stg_users.removed_columns.email.consumers")
        .unwrap_or_else(|| panic!("{:#?}", report.truncated));
    assert_eq!((cut.shown, cut.total), (1, 2));
}

#[test]
fn select_names_unknown_models_as_an_error() {
    let mut opts = options("manifest_clean.json");
    opts.select = vec!["nope".into()];
    let err = check(&catalog(), &builtins(), &opts).unwrap_err();
    assert!(matches!(err, CheckError::UnknownModels { .. }), "{err}");
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn sql_files_are_checked_like_models() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stg_users.sql");
    std::fs::write(
        &file,
        "CREATE OR REPLACE VIEW analytics.public.stg_users AS\nSELECT id, name\nFROM shop.public.users;\n\nSELECT (((;\n",
    )
    .unwrap();
    let opts = CheckOptions {
        sql: vec![file.clone()],
        dialect: Some(weft_lineage::Dialect::Postgres),
        now: "2026-12-07T00:00:00Z".to_owned(),
        ..CheckOptions::default()
    };
    let report = check(&catalog(), &builtins(), &opts).unwrap();
    let m = &report.models[0];
    assert_eq!(m.dataset, "postgres://db:5432/analytics.public.stg_users");
    assert_eq!(m.changes.removed_columns[0].column, "email");
    let parse = report
        .findings
        .iter()
        .find(|f| f.policy == "sql_parse")
        .unwrap();
    assert_eq!(parse.line, Some(5));
}
