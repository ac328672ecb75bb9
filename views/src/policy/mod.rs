//! The `policy` view: the policy set evaluated continuously over the catalog.
//!
//! Violations are a derived view with one difference from the others: what it derives
//! is written back to the change log. Each violation that opens or clears becomes a
//! `policy.violation` change through the writer (actor [`ACTOR`]), so it is audited, in
//! `GET /api/v1/changes`, in subscriptions and in the Kafka change feed, and
//! `Writer::apply` keeps the standing ones in `policy_violations`, which the APIs read.
//!
//! - **What is evaluated**: the datasets a page of the log touched
//!   ([`crate::touched_datasets`]), their one-hop lineage neighbours when a policy reads
//!   them ([`weft_policy::PolicySet::reads_neighbours`]: their input names the touched
//!   dataset's tier, classification and owners), and the datasets
//!   whose live column tags changed because the graph moved ([`crate::live_tags`]).
//!   `policy.violation` entries touch nothing, so the view never feeds on itself.
//! - **Who writes**: only the server holding the leader lease runs the view
//!   ([`crate::spawn_while_leading`]); replicas on one PostgreSQL database serve the
//!   table and never write a transition twice.
//! - **Full evaluations**: when the view starts (every time this server becomes the
//!   leader), when the policy set's fingerprint changes, and every [`FULL_EVERY`] (some
//!   findings depend on time: "unowned for 30 days"), every dataset is evaluated and
//!   only the differences from the table are written, so a restart with nothing
//!   changed writes nothing.
//! - **Policy files** are reloaded by [`reload::spawn_reloader`] on every server (each
//!   serves `GET /api/v1/policies`): a set that compiles replaces the old one, one that
//!   does not is reported and the previous set stays in force.

mod evaluate;
mod input;
pub mod reload;
mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use input::InputError;
pub use view::{PolicyError, PolicyView};
use weft_policy::{PolicyOptions, PolicySet};

/// The actor of every `policy.violation` change.
pub const ACTOR: &str = "weft:policy";

/// How often every dataset is evaluated again though nothing in the log touched it.
pub const FULL_EVERY: Duration = Duration::from_secs(3600);

/// What the evaluation reports; the server's metrics implement it, so this crate does
/// not depend on the HTTP layer's registry.
pub trait PolicyObserver: Send + Sync + 'static {
    /// An evaluation of `datasets` datasets took `took` (`full`: every dataset).
    fn evaluated(&self, full: bool, datasets: usize, took: Duration);
    /// A policy set was loaded and replaced the previous one.
    fn reloaded(&self);
    /// Policy files changed but did not load; the previous set stays.
    fn load_failed(&self);
}

/// Where policies come from: the directory of user modules (none: the built-in library
/// only) and the options they are loaded with.
#[derive(Clone)]
pub struct PolicySettings {
    /// `[policy] dir`.
    pub dir: Option<PathBuf>,
    /// Built-in library on or off, parameters, time limit.
    pub options: PolicyOptions,
}

impl std::fmt::Debug for PolicySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySettings")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// A problem with the policies: a file that does not compile (with its line and
/// column), or a policy whose evaluation failed or timed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// The file, when known.
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong.
    pub message: String,
}

/// The policies in force and what went wrong with them, as the APIs show it.
#[derive(Clone, Default)]
pub struct PolicyStatus {
    /// The set in force; `None` until one loaded.
    pub set: Option<PolicySet>,
    /// When it was loaded.
    pub loaded_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the files as they are now did not load (empty when they did).
    pub load_errors: Vec<PolicyProblem>,
    /// The latest evaluation failure of each policy that failed (timed out, errored),
    /// since the set was loaded.
    pub eval_errors: BTreeMap<String, PolicyProblem>,
}

impl std::fmt::Debug for PolicyStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyStatus")
            .field(
                "fingerprint",
                &self.set.as_ref().map(PolicySet::fingerprint),
            )
            .field("loaded_at", &self.loaded_at)
            .field("load_errors", &self.load_errors)
            .field("eval_errors", &self.eval_errors)
            .finish()
    }
}

impl PolicyStatus {
    /// Every problem: load errors first, then evaluation failures by policy.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        self.load_errors
            .iter()
            .chain(self.eval_errors.values())
            .cloned()
            .collect()
    }
}

/// A shared handle on the policies in force: what the view evaluates with and the APIs
/// report.
#[derive(Clone)]
pub struct PolicyHandle {
    inner: Arc<RwLock<PolicyStatus>>,
    settings: Arc<PolicySettings>,
}

impl std::fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyHandle")
    }
}

impl PolicyHandle {
    /// Loads the policies of `settings`: a handle with the set in force, or every
    /// problem that kept it from loading.
    pub fn load(settings: PolicySettings) -> Result<PolicyHandle, Vec<PolicyProblem>> {
        let set = reload::load(&settings)?;
        Ok(PolicyHandle {
            inner: Arc::new(RwLock::new(PolicyStatus {
                set: Some(set),
                loaded_at: Some(chrono::Utc::now()),
                ..PolicyStatus::default()
            })),
            settings: Arc::new(settings),
        })
    }

    /// A copy of the status now.
    pub fn status(&self) -> PolicyStatus {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The set in force.
    pub fn current(&self) -> Option<PolicySet> {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .set
            .clone()
    }

    /// Where policies come from.
    pub fn settings(&self) -> &PolicySettings {
        &self.settings
    }

    fn update(&self, f: impl FnOnce(&mut PolicyStatus)) {
        f(&mut self.inner.write().unwrap_or_else(|e| e.into_inner()));
    }
}
