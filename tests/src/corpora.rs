//! Where the external corpora are, and what a test does when they are not there.
//!
//! The OpenLineage spec, the real-world events, the column-lineage gold set and the TPC
//! queries are too large (and not ours) to live in the repository. The checks that
//! *measure* against them look for them in one place: `$WEFT_SHARED_DIR` when set, else
//! `shared/` beside the workspace root. One rule, in this one file, so that every test
//! crate agrees on it (crates that cannot depend on `weft-tests` include it with
//! `#[path]`):
//!
//! - found: the check runs;
//! - `WEFT_SHARED_DIR` set but the corpus missing: a panic, since the caller asked for it;
//! - missing and `CI` set: a panic, since CI must measure, never skip silently;
//! - otherwise: the check prints `skipped: …` and returns, and the line is appended to the
//!   file named by `WEFT_SKIPPED_CORPORA_LOG` so that `scripts/test.sh` can list every
//!   skipped check at the end of a run rather than leave them in captured test output.
//!
//! Capabilities are tested on the project's own fixtures whatever this says; only the
//! measurements against the external corpora depend on it.

#![allow(dead_code)] // each including crate uses a different subset

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable naming the directory that holds the corpora.
pub const SHARED_DIR_VAR: &str = "WEFT_SHARED_DIR";

/// The environment variable naming the file skipped checks are appended to.
pub const SKIPPED_LOG_VAR: &str = "WEFT_SKIPPED_CORPORA_LOG";

/// The workspace root: the nearest ancestor of the including crate with a `Cargo.lock`.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The directory holding the corpora, and whether `WEFT_SHARED_DIR` named it.
pub fn shared_dir() -> (PathBuf, bool) {
    match std::env::var_os(SHARED_DIR_VAR) {
        Some(dir) => (PathBuf::from(dir), true),
        None => {
            let root = workspace_root();
            let beside = root.parent().unwrap_or(&root).join("shared");
            (beside, false)
        }
    }
}

/// The corpus at `rel` under the shared directory, for the check described by `what`;
/// `None` (after noting the skip) when it is not there and skipping is allowed.
pub fn find(rel: &str, what: &str) -> Option<PathBuf> {
    let (dir, named) = shared_dir();
    let path = dir.join(rel);
    if path.exists() {
        return Some(path);
    }
    if named {
        panic!(
            "{SHARED_DIR_VAR} is set to {} but {} is missing ({what} needs it)",
            dir.display(),
            path.display()
        );
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI needs the corpora: {what} needs {} (set {SHARED_DIR_VAR})",
            path.display()
        );
    }
    let line = format!(
        "skipped: {what} needs {} (set {SHARED_DIR_VAR})",
        path.display()
    );
    eprintln!("{line}");
    if let Some(log) = std::env::var_os(SKIPPED_LOG_VAR) {
        // One write per line with O_APPEND: lines from parallel tests do not interleave.
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
        if let Err(e) = appended {
            eprintln!("could not append to {}: {e}", Path::new(&log).display());
        }
    }
    None
}
