//! The payload of a `policy.violation` change: a policy finding that opened or cleared.
//!
//! Violations are derived (the continuous evaluation computes them from current state
//! and the policy set), yet each transition is logged like any other change: that makes
//! "when did this dataset start breaking the PII rule, and under which policy set" an
//! audited fact, and puts violations in the change feed, subscriptions and Kafka for
//! free. The dataset is named, not numbered, so the payload means the same after a
//! rebuild renumbers datasets.

/// Whether a transition opens or clears a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViolationState {
    /// The policy finds this (again, or with a new severity or path).
    Open,
    /// The policy no longer finds it.
    Cleared,
}

impl ViolationState {
    /// The stable text used in payloads and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationState::Open => "open",
            ViolationState::Cleared => "cleared",
        }
    }
}

/// One column on the lineage path that explains a finding, upstream first (the shape of
/// the policy input's `HopInput`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ViolationHop {
    /// `namespace/name` of the dataset.
    pub dataset: String,
    /// The column.
    pub column: String,
    /// The tag the column holds on this path.
    pub tag: String,
    /// How the edge into this column transforms it (`identity`, `masking`…); none at
    /// the start of the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformation: Option<String>,
}

/// A policy finding that opened or cleared: the payload of a `policy.violation` change.
///
/// A violation is identified by (policy, dataset, column, message): the same policy
/// finding the same thing with another severity or path is written as `open` again,
/// which replaces the standing row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyViolation {
    /// The policy (`pii_public`, or a user module's name).
    pub policy: String,
    /// Dataset namespace.
    pub namespace: String,
    /// Dataset name.
    pub dataset: String,
    /// The column the finding is about, if it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `deny` or `warn`.
    pub severity: String,
    /// The policy's message.
    pub message: String,
    /// The lineage path behind the finding, upstream first; empty when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<ViolationHop>,
    /// Opened or cleared.
    pub state: ViolationState,
    /// The fingerprint of the policy set that decided it, so a transition caused by a
    /// policy change can be told from one caused by the catalog.
    pub fingerprint: String,
}

impl PolicyViolation {
    /// The change that records this transition: the dataset as entity (so it is in the
    /// dataset's history and keyed by dataset in the feed), no dedupe key.
    pub fn into_change(self, actor: &str) -> super::change::MetadataChange {
        use super::change::{ChangeBody, ChangeKind, MetadataChange};
        let payload = serde_json::to_string(&self).unwrap_or_default();
        MetadataChange {
            actor: actor.to_owned(),
            kind: ChangeKind::PolicyViolation,
            entity: format!("dataset:{}:{}", self.namespace, self.dataset),
            namespace: Some(self.namespace.clone()),
            payload,
            dedupe_key: None,
            body: ChangeBody::PolicyViolation(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_stable_json() {
        let v = PolicyViolation {
            policy: "pii_public".into(),
            namespace: "shop".into(),
            dataset: "mart.customers".into(),
            column: Some("email".into()),
            severity: "deny".into(),
            message: "pii".into(),
            path: vec![ViolationHop {
                dataset: "shop/raw.customers".into(),
                column: "email".into(),
                tag: "pii.email".into(),
                transformation: None,
            }],
            state: ViolationState::Cleared,
            fingerprint: "f".into(),
        };
        let c = v.clone().into_change("weft:policy");
        assert_eq!(c.kind.as_str(), "policy.violation");
        assert_eq!(c.entity, "dataset:shop:mart.customers");
        assert_eq!(
            c.payload,
            r#"{"policy":"pii_public","namespace":"shop","dataset":"mart.customers","column":"email","severity":"deny","message":"pii","path":[{"dataset":"shop/raw.customers","column":"email","tag":"pii.email"}],"state":"cleared","fingerprint":"f"}"#
        );
        let back: PolicyViolation = serde_json::from_str(&c.payload).expect("reads back");
        assert_eq!(back, v);
    }
}
