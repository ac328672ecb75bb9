//! ARCHITECTURE.md is the map a newcomer reads first, so it must not drift from the
//! tree: every path it names exists, every workspace crate has its section in the code
//! map, and the sections come in directory order (the order `ls` shows).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    weft_tests::corpora::workspace_root()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The workspace members listed in the root `Cargo.toml`.
fn members(root: &Path) -> Vec<String> {
    let manifest = read(&root.join("Cargo.toml"));
    let start = manifest
        .find("members = [")
        .expect("root Cargo.toml lists members");
    let list = &manifest[start + "members = [".len()..];
    let end = list.find(']').expect("members list ends");
    list[..end]
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Backticked spans of the document, without fenced code blocks.
fn code_spans(doc: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in doc.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(inside), _) = (parts.next(), parts.next()) {
            out.push((n + 1, inside.to_owned()));
        }
    }
    out
}

const FILE_EXTENSIONS: &[&str] = &[
    "rs", "md", "toml", "ts", "tsx", "mjs", "sh", "json", "graphql", "sql", "py", "html",
];

/// Whether a code span names a path of the repository: no spaces or patterns, relative
/// to the root, and either under a top-level entry that exists or ending in a source
/// file's extension. Routes (`/api/...`), paths outside the repository (`../shared`)
/// and media types (`application/json`) are not paths of the repository.
fn as_repo_path(root: &Path, span: &str) -> Option<String> {
    if span.is_empty()
        || span.starts_with('/')
        || span.starts_with('.')
        || span
            .chars()
            .any(|c| c.is_whitespace() || "{}*<>:?=,()|$&#".contains(c))
    {
        return None;
    }
    let first = span.split('/').next()?;
    let has_ext = span
        .rsplit_once('.')
        .is_some_and(|(_, ext)| FILE_EXTENSIONS.contains(&ext));
    let top_level_exists = span.contains('/') && root.join(first).exists();
    (top_level_exists || (has_ext && span.contains('/'))).then(|| span.to_owned())
}

#[test]
fn every_path_architecture_md_names_exists() {
    let root = root();
    let doc = read(&root.join("ARCHITECTURE.md"));
    let missing: Vec<String> = code_spans(&doc)
        .into_iter()
        .filter_map(|(line, span)| as_repo_path(&root, &span).map(|p| (line, p)))
        .filter(|(_, p)| !root.join(p.trim_end_matches('/')).exists())
        .map(|(line, p)| format!("ARCHITECTURE.md:{line}: `{p}` does not exist"))
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_workspace_crate_has_its_section_in_directory_order() {
    let root = root();
    let doc = read(&root.join("ARCHITECTURE.md"));
    let map = doc
        .split("\n## Code map")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Code map` section");
    let map = map.split("\n## ").next().unwrap_or(map);
    let sections: Vec<String> = map
        .lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.split('`').next())
        .map(|s| s.trim_end_matches('/').to_owned())
        .collect();
    let missing: Vec<String> = members(&root)
        .into_iter()
        .filter(|m| !sections.contains(m))
        .collect();
    assert!(
        missing.is_empty(),
        "workspace crates without a `### `<dir>/`` section in ARCHITECTURE.md's code map: {missing:?}"
    );
    let mut sorted = sections.clone();
    sorted.sort();
    assert_eq!(
        sections, sorted,
        "code map sections are not in directory order"
    );
    for s in &sections {
        assert!(
            root.join(s).is_dir(),
            "code map section `{s}/` is not a directory"
        );
    }
}

#[test]
fn every_workspace_crate_has_a_readme() {
    let root = root();
    let missing: Vec<String> = members(&root)
        .into_iter()
        .filter(|m| !root.join(m).join("README.md").is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "crates without a README.md: {missing:?}"
    );
}

#[test]
fn the_path_rule_tells_paths_from_other_code() {
    let root = root();
    assert_eq!(
        as_repo_path(&root, "store/src/writer.rs").as_deref(),
        Some("store/src/writer.rs")
    );
    assert_eq!(
        as_repo_path(&root, "nowhere/gone.rs").as_deref(),
        Some("nowhere/gone.rs")
    );
    assert_eq!(as_repo_path(&root, "/api/v1/lineage"), None);
    assert_eq!(as_repo_path(&root, "../shared/DESIGN.md"), None);
    assert_eq!(as_repo_path(&root, "application/json"), None);
    assert_eq!(as_repo_path(&root, "weft-ingest::normalize"), None);
}
