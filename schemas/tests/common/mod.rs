//! For the integration tests: the real-world event corpus and the OpenLineage spec, both
//! external, found (or skipped, with a note) as `tests/src/corpora.rs` says, and the
//! project's own events (`tests/fixtures/openlineage-events`).

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "../../../tests/src/corpora.rs"]
pub mod corpora;

/// The project's own events, which every checkout has.
pub fn own_events_dir() -> PathBuf {
    corpora::workspace_root().join("tests/fixtures/openlineage-events")
}

/// One event file of the corpus with its INDEX.json entry.
pub struct Sample {
    pub file: String,
    pub bytes: Vec<u8>,
    pub index: Value,
}

impl Sample {
    pub fn expected_status(&self) -> u64 {
        self.index["expected_status"]
            .as_u64()
            .unwrap_or_else(|| panic!("{}: no expected_status in INDEX.json", self.file))
    }

    pub fn spec_errors(&self) -> Vec<String> {
        self.index["spec_errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect()
    }
}

/// Every event file of the real-world corpus with its INDEX.json entry, for the check
/// `what`; `None` when the corpus is not there (see `corpora::find`).
pub fn corpus_samples(what: &str) -> Option<Vec<Sample>> {
    corpora::find("openlineage-events", what).map(|dir| samples(&dir))
}

/// Every event file of `dir`, each paired with its INDEX.json entry; panics on a file the
/// index does not describe (or an index entry without a file), so both stay in step.
pub fn samples(dir: &Path) -> Vec<Sample> {
    let index: Value = read_json(&dir.join("INDEX.json"));
    let entries = index.as_array().expect("INDEX.json is an array");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("read events dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json") && name != "INDEX.json")
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        entries.len(),
        "INDEX.json and the event files differ"
    );
    files
        .into_iter()
        .map(|file| {
            let entry = entries
                .iter()
                .find(|e| e["file"] == file.as_str())
                .unwrap_or_else(|| panic!("{file} missing from INDEX.json"))
                .clone();
            let bytes = std::fs::read(dir.join(&file)).expect("read event");
            Sample {
                file,
                bytes,
                index: entry,
            }
        })
        .collect()
}

pub fn read_json(path: &std::path::Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
