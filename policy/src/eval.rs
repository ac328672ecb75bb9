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
        let Some(compiled) = &self.inner.compiled else {
            return self.interpret(document);
        };
        let Some(mut findings) = self.evaluate_compiled(compiled, &document) else {
            return self.interpret(document);
        };
        if !compiled.covers_all {
            findings.extend(self.interpret_uncompiled(compiled, document)?);
        }
        Ok(sorted(findings))
    }

    /// The rules the program does not hold (user policies), one `eval_rule` each.
    fn interpret_uncompiled(
        &self,
        compiled: &Compiled,
        document: Value,
    ) -> Result<Vec<Finding>, EvalError> {
        let mut engine = self.engine();
        engine.set_input(document.clone());
        let mut findings = Vec::new();
        for (i, policy) in self.policies().iter().enumerate() {
            if compiled.holds.get(i).copied().unwrap_or(false) {
                continue;
            }
            for severity in &policy.severities {
                let rule = format!("{}.{}", rule_path(&policy.name), severity.rule());
                match engine.eval_rule(rule) {
                    Ok(value) => collect(policy, *severity, &value, &mut findings)?,
                    Err(e) if is_timeout(&e) => return Err(self.find_runaway(&document)),
                    Err(e) => return Err(self.rego_failure(&e)),
                }
            }
        }
        self.give_back(engine);
        Ok(findings)
    }

    /// Runs each policy's `deny`/`warn` on a virtual machine loaded with the set's
    /// compiled program. `None` when the machine reports any error (a time limit, a
    /// builtin given a wrong type, a misshapen result): the interpreter then evaluates
    /// the input again, so errors name their policy and file exactly as before and the
    /// two paths can never disagree on a failure.
    fn evaluate_compiled(&self, compiled: &Compiled, document: &Value) -> Option<Vec<Finding>> {
        let mut vm = self
            .inner
            .vms
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .map_or_else(|| compiled.machine(&self.inner.template), Ok)
            .ok()?;
        vm.set_input(document.clone());
        let mut findings = Vec::new();
        let mut ok = true;
        for entry in &compiled.entries {
            let Some(policy) = self.policies().get(entry.policy) else {
                ok = false;
                break;
            };
            match vm.execute_entry_point_by_name(&entry.path) {
                Ok(value) => {
                    if collect(policy, entry.severity, &value, &mut findings).is_err() {
                        ok = false;
                        break;
                    }
                }
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && let Ok(mut pool) = self.inner.vms.lock() {
            pool.push(vm);
        }
        ok.then_some(findings)
    }

    /// Evaluates with the interpreter: one query of `data.weft.policies`.
    fn interpret(&self, document: Value) -> Result<Vec<Finding>, EvalError> {
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
        Ok(sorted(findings))
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

/// Findings by severity (deny first), policy, column, message; repeats dropped.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (a.severity, &a.policy, &a.column, &a.message, &a.path)
            .cmp(&(b.severity, &b.policy, &b.column, &b.message, &b.path))
    });
    findings.dedup();
    findings
}

/// One rule the compiled program runs: a policy's `deny` or `warn`.
pub(crate) struct Rule {
    /// Index of the policy in [`PolicySet::policies`].
    pub policy: usize,
    /// Which rule.
    pub severity: Severity,
    /// `data.weft.policies.<name>.<rule>`.
    pub path: String,
}

/// The set compiled for regorus' virtual machine (RVM): the interpreter walks the
/// syntax tree and re-resolves every reference for every input, which was three
/// quarters of a full evaluation's CPU; the compiled program evaluated the built-in
/// library about 2.6 times faster with identical findings (`bench/README.md`).
pub(crate) struct Compiled {
    program: std::sync::Arc<regorus::rvm::Program>,
    /// The rules to run, in policy order.
    pub entries: Vec<Rule>,
    /// Per policy (by index in [`PolicySet::policies`]): whether the program runs it.
    holds: Vec<bool>,
    /// Whether the program runs every policy (no interpreter pass needed).
    covers_all: bool,
    time_limit: Duration,
}

impl Compiled {
    /// Compiles the prepared `template`'s built-in policies. An error (a construct the
    /// compiler does not support) leaves the set on the interpreter.
    ///
    /// Only the built-in library is compiled, and only while it runs on its own helpers
    /// (`user_lib` false): the machine treats an error inside a rule body as the body
    /// not matching, where the interpreter reports it. The library is tested to give the
    /// interpreter's findings; a user's policy may call a builtin on a value it does not
    /// take, and that must be reported with its file, never pass silently.
    pub(crate) fn new(
        template: &Engine,
        policies: &[PolicyInfo],
        user_lib: bool,
        time_limit: Duration,
    ) -> Result<Compiled, String> {
        if user_lib {
            return Err("a user module replaces or extends weft.lib".to_owned());
        }
        let entries: Vec<Rule> = policies
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.builtin
                    && p.files
                        .iter()
                        .all(|f| f.starts_with(crate::library::BUILTIN_PREFIX))
            })
            .flat_map(|(i, p)| {
                p.severities.iter().map(move |s| Rule {
                    policy: i,
                    severity: *s,
                    path: format!("{}.{}", rule_path(&p.name), s.rule()),
                })
            })
            .collect();
        let Some(first) = entries.first() else {
            return Err("no built-in policy has a deny or warn rule".to_owned());
        };
        let mut engine = template.clone();
        let policy = engine
            .compile_with_entrypoint(&first.path.as_str().into())
            .map_err(|e| format!("{e:#}"))?;
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        let program =
            regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &paths)
                .map_err(|e| format!("{e:#}"))?;
        let mut holds = vec![false; policies.len()];
        for e in &entries {
            if let Some(h) = holds.get_mut(e.policy) {
                *h = true;
            }
        }
        let covers_all = policies
            .iter()
            .zip(&holds)
            .all(|(p, held)| *held || p.severities.is_empty());
        let compiled = Compiled {
            program,
            entries,
            holds,
            covers_all,
            time_limit,
        };
        compiled.machine(template)?;
        Ok(compiled)
    }

    /// A machine loaded with the program, the set's data and its time limit.
    fn machine(&self, template: &Engine) -> Result<regorus::rvm::RegoVM, String> {
        let mut vm = regorus::rvm::RegoVM::new();
        vm.load_program(self.program.clone());
        vm.set_data(template.get_data())
            .map_err(|e| format!("{e:#}"))?;
        vm.set_execution_timer_config(Some(timer(self.time_limit)));
        // A builtin's error stops the machine (and the interpreter takes over and
        // reports it) instead of making the expression undefined: a policy that cannot
        // run must never pass silently.
        vm.set_strict_builtin_errors(true);
        Ok(vm)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyOptions;

    /// Inputs that make each built-in policy fire, and some that clear them.
    fn inputs() -> Vec<PolicyInput> {
        let base = serde_json::json!({
            "now": "2026-12-01T00:00:00Z",
            "dataset": {
                "namespace": "shop", "name": "mart.customers", "tier": "gold", "classification": "public",
                "owners": [], "created_at": "2025-01-01T00:00:00Z",
                "columns": [
                    {"name": "email", "type": "text", "tags": [{"key": "pii.email", "status": "proposed", "pii": true,
                        "propagated": true, "path": [{"dataset": "shop/raw.customers", "column": "email", "tag": "pii.email"},
                        {"dataset": "shop/mart.customers", "column": "email", "tag": "pii.email", "transformation": "DIRECT/IDENTITY"}]}]},
                    {"name": "email_hash", "tags": [{"key": "pseudonymised.pii.email", "status": "confirmed", "pii": true, "pseudonymised": true}]},
                    {"name": "id", "type": "int", "tags": []}
                ],
                "upstream": [{"namespace": "shop", "name": "raw.customers", "owners": []}]
            },
            "change": {"status": "modified",
                "removed_columns": [{"column": "a", "consumers": [{"dataset": "shop/x", "column": "a", "tier": "gold", "owners": [{"name": "bob"}]}]}],
                "renamed_columns": [{"column": "b", "new_name": "c", "consumers": [{"dataset": "shop/y", "column": "b", "owners": []}]}],
                "type_changes": [{"column": "d", "old_type": "int", "new_type": "text", "consumers": []}]}
        });
        let mut out = Vec::new();
        for (tier, class, retention, owners, change) in [
            ("gold", "public", None, false, true),
            ("gold", "internal", Some("P30D"), true, false),
            ("silver", "public", Some("none"), true, false),
            ("bronze", "confidential", None, false, false),
        ] {
            let mut v = base.clone();
            v["dataset"]["tier"] = tier.into();
            v["dataset"]["classification"] = class.into();
            if let Some(r) = retention {
                v["dataset"]["retention"] = r.into();
                v["dataset"]["retention_days"] = 30.into();
                v["dataset"]["description"] = "documented".into();
            }
            if owners {
                v["dataset"]["owners"] =
                    serde_json::json!([{"name": "alice", "type": "technical"}]);
            }
            if !change {
                v.as_object_mut().map(|o| o.remove("change"));
            }
            out.push(serde_json::from_value(v).expect("a PolicyInput"));
        }
        out
    }

    #[test]
    fn the_compiled_library_finds_what_the_interpreter_finds() {
        let set = PolicySet::load(None, &PolicyOptions::default()).expect("the library loads");
        assert!(
            set.inner.compiled.is_some(),
            "the built-in library compiles"
        );
        let mut fired = std::collections::BTreeSet::new();
        for input in inputs() {
            let compiled = set.evaluate(&input).expect("evaluates");
            let interpreted = set
                .interpret(crate::value::input_value(&input))
                .expect("interprets");
            assert_eq!(compiled, interpreted, "{}", input.dataset.name);
            fired.extend(compiled.iter().map(|f| (f.policy.clone(), f.severity)));
        }
        // Every built-in policy's rules are exercised, so the comparison means something.
        for policy in set.policies() {
            assert!(
                fired.iter().any(|(p, _)| *p == policy.name),
                "{} never fired: {fired:?}",
                policy.name
            );
        }
    }
}
