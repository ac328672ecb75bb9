//! Policy violations standing now, and the policies in force: the typed answers REST
//! (`/api/v1/policy-violations`, `/api/v1/policies`) and GraphQL (`policyViolations`,
//! `Dataset.policyViolations`, `policies`) both serialize.

use weft_schemas::change::ViolationHop;
use weft_store::Store;
use weft_store::lookup::OwnerRef;
use weft_store::policy_violations::ViolationFilter;
use weft_views::policy::{PolicyHandle, PolicyProblem};

use crate::error::{QueryError, Result};

/// Violations per page unless asked otherwise.
pub const DEFAULT_LIMIT: i64 = 100;

/// Violations per page at most.
pub const MAX_LIMIT: i64 = 1000;

/// The severities a policy can give.
pub const SEVERITIES: [&str; 2] = ["deny", "warn"];

/// A violation standing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Store id of the dataset.
    pub dataset_id: i64,
    /// The policy.
    pub policy: String,
    /// `deny` or `warn`.
    pub severity: String,
    /// The policy's message.
    pub message: String,
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The column, when the finding names one.
    pub column: Option<String>,
    /// The lineage path behind it, upstream first.
    pub path: Vec<ViolationHop>,
    /// The dataset's owners (curated, else the producer's): who must act.
    pub owners: Vec<OwnerRef>,
    /// When it (last) opened (µs).
    pub since_at: i64,
    /// The change-log entry that opened it.
    pub since_seq: i64,
}

/// One page of violations and how many the filter admits in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationPage {
    /// How many the filter admits.
    pub total: i64,
    /// This page.
    pub items: Vec<Violation>,
}

/// The violations `filter` admits, `limit` (1 to [`MAX_LIMIT`], default
/// [`DEFAULT_LIMIT`]) from `offset`: deny before warn, then by dataset, policy, column.
pub async fn violations(
    store: &Store,
    filter: &ViolationFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<ViolationPage> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(QueryError::bad(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}, got {limit}"),
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(QueryError::bad(
            "offset",
            format!("offset must not be negative, got {offset}"),
        ));
    }
    if let Some(s) = &filter.severity
        && !SEVERITIES.contains(&s.as_str())
    {
        return Err(QueryError::bad(
            "severity",
            format!(
                "severity must be one of {}, got {s:?}",
                SEVERITIES.join(", ")
            ),
        ));
    }
    let (records, total) = store.violation_page(filter, offset, limit).await?;
    let mut ids: Vec<i64> = records.iter().map(|r| r.dataset_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let owners = store.dataset_owners(&ids).await?;
    let items = records
        .into_iter()
        .map(|r| Violation {
            owners: owners.get(&r.dataset_id).cloned().unwrap_or_default(),
            dataset_id: r.dataset_id,
            policy: r.policy,
            severity: r.severity,
            message: r.message,
            namespace: r.namespace,
            dataset: r.dataset,
            column: r.column,
            path: r.path,
            since_at: r.at,
            since_seq: r.seq,
        })
        .collect();
    Ok(ViolationPage { total, items })
}

/// A policy in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedPolicy {
    /// Its name (the last part of its package).
    pub name: String,
    /// The file it was loaded from (`library/<name>.rego` for a built-in).
    pub file: String,
    /// Whether it is one of the built-in library's.
    pub builtin: bool,
}

/// The policies in force and what went wrong with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoliciesReport {
    /// The policies in force.
    pub loaded: Vec<LoadedPolicy>,
    /// Files that do not load now (the previous set stays in force) and policies
    /// whose evaluation failed.
    pub errors: Vec<PolicyProblem>,
    /// The fingerprint of the set in force.
    pub fingerprint: Option<String>,
    /// When it was loaded.
    pub loaded_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What `handle` holds now.
pub fn policies(handle: &PolicyHandle) -> PoliciesReport {
    let status = handle.status();
    let loaded = status
        .set
        .as_ref()
        .map(|set| {
            set.policies()
                .iter()
                .map(|p| LoadedPolicy {
                    name: p.name.clone(),
                    file: p.file.clone(),
                    builtin: p.builtin,
                })
                .collect()
        })
        .unwrap_or_default();
    PoliciesReport {
        loaded,
        errors: status.problems(),
        fingerprint: status.set.as_ref().map(|s| s.fingerprint()),
        loaded_at: status.loaded_at,
    }
}
