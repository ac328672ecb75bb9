//! Shared by the crawler tests: where the servers are, and the checks every produced
//! event must pass (decoding, normalisation, and the spec's JSON Schemas when the
//! external OpenLineage spec is found: `tests/src/corpora.rs`).

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;

use jsonschema::{Registry, Validator};
use serde_json::{Value, json};
use weft_ingest::crawl::ColumnInfo;
use weft_ingest::openlineage::normalize;
use weft_schemas::Event;
use weft_schemas::change::{ChangeBody, DatasetUpdate};

/// Postgres to test against: `WEFT_TEST_DATABASE_URL`, else the local trust-auth server.
pub fn pg_admin_url() -> String {
    std::env::var("WEFT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// MariaDB/MySQL to test against, or `None` when `WEFT_TEST_MYSQL_URL=skip`.
pub fn mysql_url() -> Option<String> {
    match std::env::var("WEFT_TEST_MYSQL_URL") {
        Ok(v) if v == "skip" => None,
        Ok(v) => Some(v),
        Err(_) => Some("mysql://root@127.0.0.1:3306".to_owned()),
    }
}

/// `url` with its path replaced by `/db`.
pub fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("test URL parses");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// A database name no other test run uses.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

#[path = "../../../tests/src/corpora.rs"]
mod corpora;

fn read_json(path: &std::path::Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validators for the event and for the spec facets the crawler emits.
pub struct Spec {
    event: Validator,
    facets: BTreeMap<&'static str, Validator>,
}

impl Spec {
    /// The spec's schemas; `None` (after noting the skip) when the spec is not found.
    pub fn load() -> Option<Spec> {
        let spec = corpora::find(
            "openlineage-spec",
            "crawl: crawler events validated against the OpenLineage spec",
        )?;
        let core = read_json(&spec.join("OpenLineage.json"));
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(spec.join("facets")).expect("facets dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let stem = path
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .into_owned();
                files.insert(stem, read_json(&path));
            }
        }
        let id = |v: &Value| v["$id"].as_str().expect("schema has $id").to_owned();
        let resources = std::iter::once((id(&core), core.clone()))
            .chain(files.values().map(|s| (id(s), s.clone())));
        let registry = Registry::new()
            .extend(resources)
            .expect("valid schema URIs")
            .prepare()
            .expect("registry resolves offline");
        let build = |schema: &Value| {
            jsonschema::options()
                .offline()
                .with_registry(&registry)
                .build(schema)
                .expect("schema builds")
        };
        let event = build(&core);
        let mut facets = BTreeMap::new();
        for (key, file) in [
            ("schema", "SchemaDatasetFacet"),
            ("documentation", "DocumentationDatasetFacet"),
            ("datasetType", "DatasetTypeDatasetFacet"),
            ("columnLineage", "ColumnLineageDatasetFacet"),
            ("lifecycleStateChange", "LifecycleStateChangeDatasetFacet"),
        ] {
            facets.insert(key, build(&files[file]));
        }
        Some(Spec { event, facets })
    }

    /// Every schema error of one event and of its spec facets.
    pub fn errors(&self, event: &Value) -> Vec<String> {
        let mut out: Vec<String> = self
            .event
            .iter_errors(event)
            .map(|e| e.to_string())
            .collect();
        if let Some(facets) = event["dataset"]["facets"].as_object() {
            for (key, value) in facets {
                if let Some(v) = self.facets.get(key.as_str()) {
                    let instance = json!({ key.as_str(): value });
                    out.extend(v.iter_errors(&instance).map(|e| format!("{key}: {e}")));
                }
            }
        }
        out
    }
}

/// Checks every event (spec when found, decode, normalise) and returns each one's
/// dataset update.
pub fn check_events(events: &[String]) -> Vec<DatasetUpdate> {
    let spec = Spec::load();
    events
        .iter()
        .map(|text| {
            if let Some(spec) = &spec {
                let value: Value = serde_json::from_str(text).expect("event is JSON");
                let errors = spec.errors(&value);
                assert!(errors.is_empty(), "spec errors {errors:?} in {text}");
            }
            let event = Event::from_slice(text.as_bytes())
                .unwrap_or_else(|e| panic!("does not decode: {e}: {text}"));
            let change = normalize(&event, "crawler").expect("normalises");
            let ChangeBody::Lineage(update) = change.body else {
                panic!("not a lineage change: {text}")
            };
            assert!(
                update.warnings.is_empty(),
                "{:?} in {text}",
                update.warnings
            );
            let mut datasets = update.datasets;
            assert_eq!(datasets.len(), 1, "{text}");
            datasets.remove(0)
        })
        .collect()
}

/// The transformations of the edge `src_name.src_field → dst_field`, as JSON.
pub fn edge(d: &DatasetUpdate, dst_field: &str, src_name: &str, src_field: &str) -> Value {
    let e = d
        .edges
        .iter()
        .find(|e| e.dst_field == dst_field && e.src_name == src_name && e.src_field == src_field)
        .unwrap_or_else(|| {
            panic!(
                "no edge {src_name}.{src_field} → {}.{dst_field}; edges: {:#?}",
                d.name, d.edges
            )
        });
    serde_json::from_str(&e.transformations).expect("transformations are JSON")
}

/// A column as the crawlers report it, for comparing whole snapshots.
pub fn col(
    name: &str,
    data_type: &str,
    nullable: bool,
    default: Option<&str>,
    comment: Option<&str>,
    ordinal: u32,
) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        data_type: data_type.into(),
        nullable,
        default: default.map(Into::into),
        comment: comment.map(Into::into),
        ordinal,
    }
}
