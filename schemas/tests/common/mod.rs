//! Shared fixtures for the integration tests: the shared event corpus and spec files.
//!
//! The corpus lives outside the crate (`$WEFT_SHARED_DIR`, else `../../shared` from this
//! crate). A missing corpus fails the tests instead of skipping them, so a broken
//! checkout cannot pass silently.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;

use serde_json::Value;

/// The shared directory holding `openlineage-events/` and `openlineage-spec/`.
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("WEFT_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    assert!(
        dir.join("openlineage-events/INDEX.json").is_file(),
        "shared corpus not found at {} (set WEFT_SHARED_DIR)",
        dir.display()
    );
    dir
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

/// Every event file, each paired with its INDEX.json entry; panics on a file the index
/// does not describe (or an index entry without a file), so both stay in step.
pub fn samples() -> Vec<Sample> {
    let dir = shared_dir().join("openlineage-events");
    let index: Value = read_json(&dir.join("INDEX.json"));
    let entries = index.as_array().expect("INDEX.json is an array");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
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
