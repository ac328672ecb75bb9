//! Policies and their violations over REST.
//!
//! `GET /api/v1/policy-violations?policy=&severity=&owner=&namespace=&dataset=&limit=&offset=`
//! lists the violations standing now with their total; `GET /api/v1/policies` the
//! policies in force, the files that do not load and the policies whose evaluation
//! failed. Both serialize `weft-query`'s typed answers.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use weft_query::policy::{PoliciesReport, Violation};
use weft_store::policy_violations::ViolationFilter;
use weft_store::read::iso;
use weft_views::policy::PolicyProblem;

use super::AppState;
use super::error::ApiError;

/// Query string of the violations listing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationParams {
    policy: Option<String>,
    severity: Option<String>,
    owner: Option<String>,
    namespace: Option<String>,
    dataset: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `GET /api/v1/policy-violations`.
pub async fn violations(
    State(s): State<AppState>,
    q: Result<Query<ViolationParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = super::graph::query(q)?;
    let filter = ViolationFilter {
        policy: p.policy,
        severity: p.severity,
        owner: p.owner,
        namespace: p.namespace,
        dataset: p.dataset,
        dataset_id: None,
    };
    let page = weft_query::policy::violations(&s.store, &filter, p.limit, p.offset).await?;
    let items: Vec<Value> = page.items.iter().map(violation_json).collect();
    Ok(Json(json!({ "total": page.total, "violations": items })))
}

/// A violation as REST shows it.
pub fn violation_json(v: &Violation) -> Value {
    json!({
        "policy": v.policy,
        "severity": v.severity,
        "message": v.message,
        "dataset": { "namespace": v.namespace, "name": v.dataset },
        "column": v.column,
        "path": v.path,
        "owners": v.owners.iter().map(|o| json!({"name": o.name, "type": o.owner_type})).collect::<Vec<_>>(),
        "since": { "time": iso(Some(v.since_at)), "seq": v.since_seq },
    })
}

fn problem_json(p: &PolicyProblem) -> Value {
    json!({ "file": p.file, "line": p.line, "column": p.column, "message": p.message })
}

/// `GET /api/v1/policies`.
pub async fn policies(State(s): State<AppState>) -> Json<Value> {
    let r: PoliciesReport = weft_query::policy::policies(&s.policies);
    Json(json!({
        "loaded": r.loaded.iter().map(|p| json!({"name": p.name, "file": p.file, "builtin": p.builtin})).collect::<Vec<_>>(),
        "errors": r.errors.iter().map(problem_json).collect::<Vec<_>>(),
        "fingerprint": r.fingerprint,
        "loadedAt": r.loaded_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    }))
}
