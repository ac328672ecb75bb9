//! Loading policy files, and loading them again when they change.
//!
//! The directory is polled (names, modification times and sizes of its `.rego` files,
//! recursively) every [`POLL_EVERY`] rather than watched through the OS: polling a
//! handful of files costs nothing, works the same on every platform and file system
//! (network mounts, container volumes), and needs no dependency.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use weft_policy::PolicySet;

use super::{PolicyHandle, PolicyObserver, PolicyProblem, PolicySettings};

/// How often the policy directory is looked at.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// Loads the set `settings` names, or every problem that kept it from loading.
pub(crate) fn load(settings: &PolicySettings) -> Result<PolicySet, Vec<PolicyProblem>> {
    PolicySet::load(settings.dir.as_deref(), &settings.options).map_err(|errors| {
        errors
            .0
            .into_iter()
            .map(|e| PolicyProblem {
                file: Some(e.file),
                // 0: the error concerns the whole file (or line).
                line: (e.line > 0).then_some(e.line),
                column: (e.column > 0).then_some(e.column),
                message: e.message,
            })
            .collect()
    })
}

/// What the directory holds now: every `.rego` file's path, modification time and
/// size, sorted. A file that cannot be read is listed without time or size (a change
/// all the same when it becomes readable).
pub(crate) fn stamp(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => pending.push(path),
                Ok(m) if path.extension().is_some_and(|x| x == "rego") => {
                    out.push((path, m.modified().ok(), m.len()));
                }
                Ok(_) => {}
                Err(_) => out.push((path, None, 0)),
            }
        }
    }
    out.sort();
    out
}

/// Logs each problem where an operator looks first.
fn report(problems: &[PolicyProblem]) {
    for p in problems {
        tracing::error!(
            file = p.file.as_deref().unwrap_or(""),
            line = p.line.unwrap_or(0),
            column = p.column.unwrap_or(0),
            message = %p.message,
            "policy does not load; the previous policy set stays in force"
        );
    }
}

/// Polls the policy directory of `handle` every [`POLL_EVERY`] until `stop`, and loads
/// the set again when a file appeared, changed or went: a set that loads replaces the
/// one in force (the evaluation sees its new fingerprint and evaluates everything
/// again); one that does not is reported and the previous set stays.
pub fn spawn_reloader(
    handle: PolicyHandle,
    observer: Option<Arc<dyn PolicyObserver>>,
    mut stop: watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    let dir = handle.settings().dir.clone()?;
    Some(tokio::spawn(async move {
        let mut last = stamp(&dir);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(POLL_EVERY) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
            let now = stamp(&dir);
            if now == last {
                continue;
            }
            last = now;
            let settings = handle.settings().clone();
            let loaded = tokio::task::spawn_blocking(move || load(&settings)).await;
            match loaded {
                Ok(Ok(set)) => {
                    tracing::info!(
                        fingerprint = %set.fingerprint(),
                        policies = set.policies().len(),
                        "policy set reloaded"
                    );
                    handle.update(|s| {
                        s.set = Some(set);
                        s.loaded_at = Some(chrono::Utc::now());
                        s.load_errors.clear();
                        s.eval_errors.clear();
                    });
                    if let Some(o) = &observer {
                        o.reloaded();
                    }
                }
                Ok(Err(problems)) => {
                    report(&problems);
                    handle.update(|s| s.load_errors = problems);
                    if let Some(o) = &observer {
                        o.load_failed();
                    }
                }
                Err(e) => tracing::error!(error = %e, "loading policies panicked"),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::stamp;

    #[test]
    fn stamp_sees_rego_files_only_and_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("sub")).expect("sub dir");
        std::fs::write(dir.path().join("a.rego"), "package a").expect("write");
        std::fs::write(dir.path().join("notes.txt"), "x").expect("write");
        let first = stamp(dir.path());
        assert_eq!(first.len(), 1);
        std::fs::write(dir.path().join("sub/b.rego"), "package b").expect("write");
        let second = stamp(dir.path());
        assert_eq!(second.len(), 2);
        assert_ne!(first, second);
        std::fs::write(dir.path().join("a.rego"), "package a\n# longer").expect("write");
        assert_ne!(stamp(dir.path()), second);
    }
}
