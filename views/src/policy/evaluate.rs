//! Evaluating a page of inputs on every core, and turning findings into transitions
//! against the violations that stand.

use std::collections::HashMap;

use weft_policy::input::HopInput;
use weft_policy::{EvalError, Finding, PolicyInput, PolicySet, Severity};
use weft_schemas::change::{PolicyViolation, ViolationHop, ViolationState};
use weft_store::policy_violations::{ViolationRecord, violation_key};

/// The findings of each input, or why it could not be evaluated, in input order.
pub(crate) type Results = Vec<(i64, Result<Vec<Finding>, EvalError>)>;

/// Evaluates `inputs` with `set`, spread over the machine's cores
/// ([`PolicySet::evaluate_many`]).
pub(crate) fn evaluate(set: &PolicySet, inputs: Vec<(i64, PolicyInput)>) -> Results {
    let (ids, inputs): (Vec<i64>, Vec<PolicyInput>) = inputs.into_iter().unzip();
    ids.into_iter().zip(set.evaluate_many(&inputs)).collect()
}

/// How the payload and the API spell a severity: as the rule that gave it.
pub(crate) fn severity_name(s: Severity) -> &'static str {
    s.rule()
}

fn hops(path: &[HopInput]) -> Vec<ViolationHop> {
    path.iter()
        .map(|h| ViolationHop {
            dataset: h.dataset.clone(),
            column: h.column.clone(),
            tag: h.tag.clone(),
            transformation: h.transformation.clone(),
        })
        .collect()
}

/// The dataset a transition is about.
pub(crate) struct Subject<'a> {
    /// Namespace.
    pub namespace: &'a str,
    /// Name.
    pub name: &'a str,
}

/// The transitions that take `standing` to `findings` for one dataset: `open` for a
/// finding that does not stand yet or stands with another severity or path,
/// `cleared` for a standing violation no longer found. Findings repeated by a policy
/// count once.
pub(crate) fn diff(
    subject: &Subject<'_>,
    findings: &[Finding],
    standing: &[ViolationRecord],
    fingerprint: &str,
) -> Vec<PolicyViolation> {
    let standing: HashMap<String, &ViolationRecord> =
        standing.iter().map(|v| (v.key(), v)).collect();
    let mut found: HashMap<String, PolicyViolation> = HashMap::new();
    let mut out = Vec::new();
    for f in findings {
        let key = violation_key(&f.policy, f.column.as_deref(), &f.message);
        if found.contains_key(&key) {
            continue;
        }
        let v = PolicyViolation {
            policy: f.policy.clone(),
            namespace: subject.namespace.to_owned(),
            dataset: subject.name.to_owned(),
            column: f.column.clone(),
            severity: severity_name(f.severity).to_owned(),
            message: f.message.clone(),
            path: hops(&f.path),
            state: ViolationState::Open,
            fingerprint: fingerprint.to_owned(),
        };
        let same = standing
            .get(&key)
            .is_some_and(|s| s.severity == v.severity && s.path == v.path);
        if !same {
            out.push(v.clone());
        }
        found.insert(key, v);
    }
    let mut cleared: Vec<&ViolationRecord> = standing
        .iter()
        .filter(|(k, _)| !found.contains_key(*k))
        .map(|(_, v)| *v)
        .collect();
    cleared.sort_by(|a, b| {
        (&a.policy, &a.column, &a.message).cmp(&(&b.policy, &b.column, &b.message))
    });
    out.extend(cleared.into_iter().map(|s| clear(s, fingerprint)));
    out
}

/// The transition that clears `standing`.
pub(crate) fn clear(standing: &ViolationRecord, fingerprint: &str) -> PolicyViolation {
    PolicyViolation {
        policy: standing.policy.clone(),
        namespace: standing.namespace.clone(),
        dataset: standing.dataset.clone(),
        column: standing.column.clone(),
        severity: standing.severity.clone(),
        message: standing.message.clone(),
        path: standing.path.clone(),
        state: ViolationState::Cleared,
        fingerprint: fingerprint.to_owned(),
    }
}
