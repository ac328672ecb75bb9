//! Helpers shared by the policy tests: inputs from compact JSON, sets loaded from
//! temporary directories, findings as one line each.

#![allow(dead_code)]

use std::path::Path;

use weft_policy::{Finding, PolicyInput, PolicyOptions, PolicySet};

/// The evaluation time every test input uses unless it says otherwise.
pub const NOW: &str = "2026-12-01T00:00:00Z";

/// An input from compact JSON; unset fields take their defaults and `now` is [`NOW`].
pub fn input(json: serde_json::Value) -> PolicyInput {
    let mut input: PolicyInput =
        serde_json::from_value(json).expect("the fixture is a PolicyInput");
    if input.now.is_empty() {
        input.now = NOW.to_owned();
    }
    input
}

/// An input from `tests/fixtures/<name>.json`.
pub fn fixture(name: &str) -> PolicyInput {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    input(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The built-in library with default parameters.
pub fn builtin() -> PolicySet {
    PolicySet::load(None, &PolicyOptions::default()).expect("the built-in library loads")
}

/// The built-in library with `[policy.params]`.
pub fn with_params(params: serde_json::Value) -> PolicySet {
    let options = PolicyOptions {
        params,
        ..PolicyOptions::default()
    };
    PolicySet::load(None, &options).expect("the built-in library loads with these params")
}

/// A temporary policy directory holding `files` (relative path, source).
pub fn policy_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, source) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create policy subdirectory");
        }
        std::fs::write(&path, source).expect("write policy");
    }
    dir
}

/// One line per finding: `deny pii_public [email]: message`.
pub fn lines(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let severity = f.severity.rule();
            match &f.column {
                Some(c) => format!("{severity} {} [{c}]: {}", f.policy, f.message),
                None => format!("{severity} {}: {}", f.policy, f.message),
            }
        })
        .collect()
}

/// The findings of one policy, as lines.
pub fn of(set: &PolicySet, input: &PolicyInput, policy: &str) -> Vec<String> {
    let findings = set.evaluate(input).expect("evaluation succeeds");
    let own: Vec<Finding> = findings
        .into_iter()
        .filter(|f| f.policy == policy)
        .collect();
    lines(&own)
}
