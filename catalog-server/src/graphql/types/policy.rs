//! Policy violations standing now (`Query.policyViolations`, `Dataset.policyViolations`)
//! and the policies in force (`Query.policies`): `weft-query`'s typed answers, the
//! same REST serves.

use super::*;
use weft_query::policy::{PoliciesReport, Violation, ViolationPage};
use weft_schemas::change::ViolationHop;
use weft_views::policy::PolicyProblem;

/// A policy finding standing now on a dataset (or one of its columns).
#[derive(SimpleObject)]
pub struct PolicyViolation {
    /// The policy (`pii_public`, or a user module's name).
    pub policy: String,
    /// `deny` or `warn`.
    pub severity: String,
    /// What the policy says.
    pub message: String,
    /// The dataset it is about.
    pub dataset: Dataset,
    /// The column it is about, when it names one.
    pub column: Option<String>,
    /// The lineage path that brought the data here, upstream first (empty when the
    /// finding has none).
    pub path: Vec<PolicyHop>,
    /// The dataset's owners: who must act.
    pub owners: Vec<Owner>,
    /// Since when it stands: the change-log entry that opened it.
    pub since: PolicySince,
}

/// One column on a violation's lineage path.
#[derive(SimpleObject, Debug, Clone)]
pub struct PolicyHop {
    /// `namespace/name` of the dataset.
    pub dataset: String,
    /// The column.
    pub column: String,
    /// The tag the column holds on this path.
    pub tag: String,
    /// How the edge into the column transforms the data (`identity`, `masking`…);
    /// null at the start of the path.
    pub transformation: Option<String>,
}

/// When a violation opened.
#[derive(SimpleObject, Debug, Clone)]
pub struct PolicySince {
    /// The time.
    pub time: DateTime<Utc>,
    /// The change-log entry (`policy.violation`, state `open`).
    pub seq: i64,
}

/// A page of violations and how many the filter admits in all.
#[derive(SimpleObject)]
pub struct PolicyViolationList {
    /// How many the filter admits.
    pub total: i64,
    /// This page: deny before warn, then by dataset, policy and column.
    pub items: Vec<PolicyViolation>,
}

impl From<ViolationHop> for PolicyHop {
    fn from(h: ViolationHop) -> PolicyHop {
        PolicyHop {
            dataset: h.dataset,
            column: h.column,
            tag: h.tag,
            transformation: h.transformation,
        }
    }
}

impl From<Violation> for PolicyViolation {
    fn from(v: Violation) -> PolicyViolation {
        PolicyViolation {
            policy: v.policy,
            severity: v.severity,
            message: v.message,
            dataset: Dataset { id: v.dataset_id },
            column: v.column,
            path: v.path.into_iter().map(PolicyHop::from).collect(),
            owners: v.owners.into_iter().map(Owner::from).collect(),
            since: PolicySince {
                time: Utc
                    .timestamp_micros(v.since_at)
                    .single()
                    .unwrap_or_default(),
                seq: v.since_seq,
            },
        }
    }
}

impl From<ViolationPage> for PolicyViolationList {
    fn from(p: ViolationPage) -> PolicyViolationList {
        PolicyViolationList {
            total: p.total,
            items: p.items.into_iter().map(PolicyViolation::from).collect(),
        }
    }
}

/// A policy in force.
#[derive(SimpleObject, Debug, Clone)]
pub struct LoadedPolicy {
    /// Its name (the last part of its package, `weft.policies.<name>`).
    pub name: String,
    /// The file it was loaded from.
    pub file: String,
    /// Whether it comes from the built-in library.
    pub builtin: bool,
}

/// A policy file that does not load, or a policy whose evaluation failed.
#[derive(SimpleObject, Debug, Clone)]
pub struct PolicyError {
    /// The file, when known.
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong.
    pub message: String,
}

/// The policies in force and their problems.
#[derive(SimpleObject, Debug, Clone)]
pub struct Policies {
    /// The policies in force.
    pub loaded: Vec<LoadedPolicy>,
    /// Files that do not load as they are now (the previous set stays in force), and
    /// policies whose evaluation failed or timed out.
    pub errors: Vec<PolicyError>,
    /// The fingerprint of the set in force: changes whenever a policy or parameter does.
    pub fingerprint: Option<String>,
    /// When the set in force was loaded.
    pub loaded_at: Option<DateTime<Utc>>,
}

impl From<PolicyProblem> for PolicyError {
    fn from(p: PolicyProblem) -> PolicyError {
        PolicyError {
            file: p.file,
            line: p.line,
            column: p.column,
            message: p.message,
        }
    }
}

impl From<PoliciesReport> for Policies {
    fn from(r: PoliciesReport) -> Policies {
        Policies {
            loaded: r
                .loaded
                .into_iter()
                .map(|p| LoadedPolicy {
                    name: p.name,
                    file: p.file,
                    builtin: p.builtin,
                })
                .collect(),
            errors: r.errors.into_iter().map(PolicyError::from).collect(),
            fingerprint: r.fingerprint,
            loaded_at: r.loaded_at,
        }
    }
}
