//! Evaluation: one query of `data.weft.policies` per input, its `deny`/`warn` entries
//! normalised into sorted [`Finding`]s.
//!
//! A user policy can be wrong in ways a parser cannot see (a `deny` that is a number, a
//! loop that never ends); those are [`EvalError`]s that name the policy and its file, never
//! a panic and never a silently empty result.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, LimitError, Value};
use serde::{Deserialize, Serialize};

use crate::input::{HopInput, PolicyInput};
use crate::load::{PolicyInfo, PolicySet};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// From a `deny` rule: the dataset (or change) is not acceptable.
    Deny,
    /// From a `warn` rule: worth a look, not blocking.
    Warn,
}

impl Severity {
    /// The Rego rule that produces findings of this severity.
    pub fn rule(self) -> &'static str {
        match self {
            Severity::Deny => "deny",
            Severity::Warn => "warn",
        }
    }
}

/// One entry of a policy's `deny` or `warn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The policy (package below `weft.policies`).
    pub policy: String,
    /// Which rule produced it.
    pub severity: Severity,
    /// The message, as the policy wrote it.
    pub message: String,
    /// The column concerned, when the policy said.
    pub column: Option<String>,
    /// The lineage path concerned (upstream first), when the policy gave one.
    pub path: Vec<HopInput>,
}

/// An evaluation that produced no findings because a policy misbehaved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The evaluation ran past the time limit. `policy`/`file` name the first policy
    /// that runs past the limit on its own; `None` when none does alone (the policies
    /// are only slow together).
    #[error(
        "policy evaluation ran past its {limit:?} limit{}",
        culprit(policy, file)
    )]
    TimedOut {
        /// The runaway policy, if one alone exceeds the limit.
        policy: Option<String>,
        /// Its (first) file.
        file: Option<String>,
        /// The limit in force.
        limit: Duration,
    },
    /// A policy's `deny` or `warn` is not a set (or array) of strings and
    /// `{"msg", "column"?, "path"?}` objects.
    #[error("policy {policy} ({file}): {message}")]
    Shape {
        /// The policy.
        policy: String,
        /// Its (first) file.
        file: String,
        /// What is wrong with it.
        message: String,
    },
    /// Rego evaluation failed (a builtin given a wrong type, conflicting rule values).
    #[error("policy evaluation failed{}: {message}", culprit(policy, file))]
    Rego {
        /// The policy whose file the error points into, when it does.
        policy: Option<String>,
        /// That file.
        file: Option<String>,
        /// regorus' message, with its location.
        message: String,
    },
}

fn culprit(policy: &Option<String>, file: &Option<String>) -> String {
    match (policy, file) {
        (Some(p), Some(f)) => format!(" in policy {p} ({f})"),
        (Some(p), None) => format!(" in policy {p}"),
        (None, Some(f)) => format!(" in {f}"),
        (None, None) => String::new(),
    }
}

/// The execution timer regorus checks while evaluating: the limit, checked every few
/// steps of work (a clock read per step would cost more than the steps).
pub(crate) fn timer(limit: Duration) -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::MIN.saturating_add(63),
    }
}

/// Inputs below this many are evaluated on one thread by [`PolicySet::evaluate_many`]:
/// starting threads costs more than a handful of evaluations.
const PARALLEL_FROM: usize = 64;

impl PolicySet {
    /// Evaluates every policy of the set on one input: one query of
    /// `data.weft.policies`, bounded by the set's time limit. Findings are sorted by
    /// severity (deny first), policy, column, message.
    pub fn evaluate(&self, input: &PolicyInput) -> Result<Vec<Finding>, EvalError> {
        let document = crate::value::input_value(input);
        let mut engine = self.engine();
        engine.set_input(document.clone());
        let result = engine.eval_query("data.weft.policies".to_owned(), false);
        self.give_back(engine);
        let value = match result {
            Ok(results) => results
                .result
                .into_iter()
                .next()
                .and_then(|r| r.expressions.into_iter().next())
                .map_or(Value::Undefined, |e| e.value),
            Err(e) if is_timeout(&e) => return Err(self.find_runaway(&document)),
            Err(e) => return Err(self.rego_failure(&e)),
        };
        let mut findings = Vec::new();
        for policy in self.policies() {
            let mut node = &value;
            for part in policy.name.split('.') {
                node = &node[part];
            }
            for severity in [Severity::Deny, Severity::Warn] {
                collect(policy, severity, &node[severity.rule()], &mut findings)?;
            }
        }
        findings.sort_by(|a, b| {
            (a.severity, &a.policy, &a.column, &a.message, &a.path)
                .cmp(&(b.severity, &b.policy, &b.column, &b.message, &b.path))
        });
        findings.dedup();
        Ok(findings)
    }

    /// Evaluates `inputs`, spread over the machine's cores, and answers in input order,
    /// one result per input. A thread that panics answers an error for each of its
    /// inputs, so findings can never land on another input's dataset.
    pub fn evaluate_many<I: std::borrow::Borrow<PolicyInput> + Sync>(
        &self,
        inputs: &[I],
    ) -> Vec<Result<Vec<Finding>, EvalError>> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        if inputs.len() < PARALLEL_FROM || threads == 1 {
            return inputs.iter().map(|i| self.evaluate(i.borrow())).collect();
        }
        let per = inputs.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = inputs
                .chunks(per)
                .map(|chunk| {
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .map(|i| self.evaluate(i.borrow()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .zip(inputs.chunks(per))
                .flat_map(|(w, chunk)| {
                    w.join().unwrap_or_else(|_| {
                        chunk
                            .iter()
                            .map(|_| {
                                Err(EvalError::Rego {
                                    policy: None,
                                    file: None,
                                    message: "the evaluation thread panicked".to_owned(),
                                })
                            })
                            .collect()
                    })
                })
                .collect()
        })
    }

    /// A private engine: one from the pool, or a fresh copy of the template.
    fn engine(&self) -> Engine {
        let pooled = self.inner.pool.lock().ok().and_then(|mut pool| pool.pop());
        pooled.unwrap_or_else(|| self.inner.template.clone())
    }

    fn give_back(&self, engine: Engine) {
        if let Ok(mut pool) = self.inner.pool.lock() {
            pool.push(engine);
        }
    }

    /// After a timeout: which policy runs away on its own? Each policy's rules are
    /// evaluated apart, each under the full limit, stopping at the first that times out;
    /// well-behaved policies finish in microseconds, so this costs about one more limit.
    fn find_runaway(&self, document: &Value) -> EvalError {
        let limit = self.inner.time_limit;
        for policy in self.policies() {
            for severity in &policy.severities {
                let mut engine = self.inner.template.clone();
                engine.set_input(document.clone());
                let rule = format!("{}.{}", rule_path(&policy.name), severity.rule());
                if let Err(e) = engine.eval_rule(rule)
                    && is_timeout(&e)
                {
                    return EvalError::TimedOut {
                        policy: Some(policy.name.clone()),
                        file: Some(policy.file.clone()),
                        limit,
                    };
                }
            }
        }
        EvalError::TimedOut {
            policy: None,
            file: None,
            limit,
        }
    }

    /// A failed evaluation, attributed to the policy whose file the message points into.
    fn rego_failure(&self, error: &impl std::fmt::Display) -> EvalError {
        let message = format!("{error:#}");
        let owner = self.policies().iter().find(|p| {
            p.files
                .iter()
                .any(|f| message.contains(&format!("--> {f}:")))
        });
        EvalError::Rego {
            policy: owner.map(|p| p.name.clone()),
            file: owner.map(|p| p.file.clone()),
            message: message.trim().to_owned(),
        }
    }
}

/// `data.weft.policies.<name>` with each component quoted when it is not an identifier.
fn rule_path(name: &str) -> String {
    let mut path = "data.weft.policies".to_owned();
    for part in name.split('.') {
        let ident = part
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            path.push('.');
            path.push_str(part);
        } else {
            path.push_str(&format!("[{}]", serde_json::Value::String(part.to_owned())));
        }
    }
    path
}

/// Whether regorus stopped on its execution timer.
fn is_timeout<E>(error: &E) -> bool
where
    E: std::ops::Deref<Target = dyn std::error::Error + Send + Sync + 'static>,
{
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(&**error);
    while let Some(e) = current {
        if let Some(LimitError::TimeLimitExceeded { .. }) = e.downcast_ref::<LimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The `{"msg", "column"?, "path"?}` form of a finding.
#[derive(Deserialize)]
struct Entry {
    msg: String,
    #[serde(default)]
    column: Option<String>,
    #[serde(default)]
    path: Vec<HopInput>,
}

/// Appends the entries of one `deny`/`warn` value; undefined (the policy has no such
/// rule) is none.
fn collect(
    policy: &PolicyInfo,
    severity: Severity,
    value: &Value,
    out: &mut Vec<Finding>,
) -> Result<(), EvalError> {
    let shape = |message: String| EvalError::Shape {
        policy: policy.name.clone(),
        file: policy.file.clone(),
        message,
    };
    let entries: Vec<&Value> = match value {
        Value::Undefined => return Ok(()),
        Value::Set(set) => set.iter().collect(),
        Value::Array(array) => array.iter().collect(),
        other => {
            return Err(shape(format!(
                "{} must be a set of messages, not {}",
                severity.rule(),
                describe(other)
            )));
        }
    };
    for entry in entries {
        let finding = match entry {
            Value::String(message) => Finding {
                policy: policy.name.clone(),
                severity,
                message: message.to_string(),
                column: None,
                path: Vec::new(),
            },
            Value::Object(_) => {
                let json = serde_json::to_value(entry).map_err(|e| shape(e.to_string()))?;
                let parsed: Entry = serde_json::from_value(json).map_err(|e| {
                    shape(format!(
                        "an entry of {} must be {{\"msg\": string, \"column\"?: string, \
                         \"path\"?: [hop]}}: {e}",
                        severity.rule()
                    ))
                })?;
                Finding {
                    policy: policy.name.clone(),
                    severity,
                    message: parsed.msg,
                    column: parsed.column,
                    path: parsed.path,
                }
            }
            other => {
                return Err(shape(format!(
                    "an entry of {} must be a string or an object with \"msg\", not {}",
                    severity.rule(),
                    describe(other)
                )));
            }
        };
        out.push(finding);
    }
    Ok(())
}

/// A value's kind and, when short, the value, for shape errors.
fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Set(_) => "a set",
        Value::Object(_) => "an object",
        Value::Undefined => "undefined",
    };
    match value.to_json_str() {
        Ok(text) if text.len() <= 60 => format!("{kind} ({text})"),
        _ => kind.to_owned(),
    }
}
