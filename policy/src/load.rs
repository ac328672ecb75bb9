//! Loading: the built-in library plus every `*.rego` under the policy directory, parsed,
//! checked and compiled once into a [`PolicySet`].
//!
//! Loading never stops at the first bad module: every file is parsed, and all the errors
//! come back together ([`LoadErrors`]), each with its file, line and column, so a user
//! fixes a directory of policies in one round.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regorus::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::eval::Severity;
use crate::library::{BUILTIN_PREFIX, BUILTINS, default_params};

/// How to load a [`PolicySet`]: `[policy]` of weft.toml.
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    /// Whether the built-in policies are loaded (`[policy] builtin`, default true). The
    /// helper module `weft.lib` is loaded either way: it checks nothing.
    pub builtin: bool,
    /// `[policy.params]`: merged key by key over the built-in defaults and given to
    /// policies as `data.weft.config`. `null` means none.
    pub params: serde_json::Value,
    /// The wall-clock budget of one evaluation (default 1 s).
    pub time_limit: Duration,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            builtin: true,
            params: serde_json::Value::Null,
            time_limit: Duration::from_secs(1),
        }
    }
}

/// A policy of a loaded set: a package `weft.policies.<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyInfo {
    /// The package below `weft.policies` (`pii_public`, or `team.rules` for
    /// `weft.policies.team.rules`).
    pub name: String,
    /// The (first) file defining it: a path under the policy directory, or
    /// `builtin:<file>.rego`.
    pub file: String,
    /// Every file contributing to the package (Rego lets several files share one).
    pub files: Vec<String>,
    /// Whether it comes from the built-in library.
    pub builtin: bool,
    /// The severities it declares (`deny`, `warn`), in that order.
    pub severities: Vec<Severity>,
}

/// A module that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.location())]
pub struct LoadError {
    /// The file: a path under the policy directory, `builtin:<file>.rego`, or
    /// `[policy.params]` for a bad parameter.
    pub file: String,
    /// 1-based line; 0 when the error concerns the whole file.
    pub line: u32,
    /// 1-based column; 0 when the error concerns the whole file or line.
    pub column: u32,
    /// What is wrong, without the location.
    pub message: String,
}

impl LoadError {
    fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => format!("{}: {}", self.file, self.message),
            (line, 0) => format!("{}:{line}: {}", self.file, self.message),
            (line, column) => format!("{}:{line}:{column}: {}", self.file, self.message),
        }
    }

    fn whole_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

/// Every error of one load, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, LoadError> {
        self.0.iter()
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// A compiled set of policies, ready to evaluate inputs.
///
/// Cloning is cheap (one `Arc`), and the set is `Send + Sync`: regorus' engine mutates
/// itself while evaluating, so evaluations borrow a private engine from a pool of copies
/// of one prepared template (see `eval.rs`).
#[derive(Clone)]
pub struct PolicySet {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Parsed, analysed and carrying `data.weft.config` and the time limit; never
    /// evaluated on, only cloned.
    pub template: Engine,
    /// Engines that finished an evaluation, reused by the next one (cloning the template
    /// per evaluation costs more than the evaluation of a small dataset).
    pub pool: Mutex<Vec<Engine>>,
    /// The set compiled for regorus' virtual machine, when the compiler took it
    /// (`eval.rs`); evaluations use it first.
    pub compiled: Option<crate::eval::Compiled>,
    /// Machines that finished an evaluation, reused like `pool`.
    pub vms: Mutex<Vec<regorus::rvm::RegoVM>>,
    pub policies: Vec<PolicyInfo>,
    pub fingerprint: String,
    pub time_limit: Duration,
    /// Whether a module reads `upstream` or `downstream` (see [`PolicySet::reads_neighbours`]).
    pub reads_neighbours: bool,
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("policies", &self.inner.policies)
            .field("fingerprint", &self.inner.fingerprint)
            .finish_non_exhaustive()
    }
}

/// One module to load: where it is reported from and its text.
struct Module {
    file: String,
    source: String,
    builtin: bool,
}

/// A parsed module: its package below `data` and the severities it declares.
struct Parsed {
    module: Module,
    package: Vec<String>,
    severities: Vec<Severity>,
}

impl PolicySet {
    /// Loads the built-in library (unless `options.builtin` is false) and every `*.rego`
    /// under `dir`, recursively, in sorted path order. A user module whose package is a
    /// built-in's replaces that built-in. Every module must be in a package under
    /// `weft.policies` (a policy) or `weft.lib` (helpers).
    pub fn load(dir: Option<&Path>, options: &PolicyOptions) -> Result<PolicySet, LoadErrors> {
        let mut errors = Vec::new();
        let params = merge_params(&options.params, &mut errors);

        let mut user = Vec::new();
        if let Some(dir) = dir {
            for (file, source) in read_dir(dir, &mut errors) {
                user.push(Module {
                    file,
                    source,
                    builtin: false,
                });
            }
        }
        let user: Vec<Parsed> = user
            .into_iter()
            .filter_map(|m| parse(m).map_err(|e| errors.push(e)).ok())
            .collect();

        let mut builtins = Vec::new();
        for b in BUILTINS {
            if !b.policy || options.builtin {
                let module = Module {
                    file: format!("{BUILTIN_PREFIX}{}", b.file),
                    source: b.source.to_owned(),
                    builtin: true,
                };
                match parse(module) {
                    Ok(p) => builtins.push(p),
                    Err(e) => errors.push(e),
                }
            }
        }
        // A user module replaces the built-ins of its package.
        builtins.retain(|b| !user.iter().any(|u| u.package == b.package));

        if !errors.is_empty() {
            return Err(LoadErrors(errors));
        }
        let modules: Vec<Parsed> = builtins.into_iter().chain(user).collect();
        compile(modules, params, options.time_limit)
    }

    /// The policies of the set, sorted by name.
    pub fn policies(&self) -> &[PolicyInfo] {
        &self.inner.policies
    }

    /// A digest of every module's file name and source, the parameters and the input
    /// version: equal fingerprints give equal findings for equal inputs, so a stored
    /// result stays valid while the fingerprint does.
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint.clone()
    }

    /// Whether any module mentions `upstream` or `downstream` outside comments, that is,
    /// whether a finding on one dataset may depend on its lineage neighbours' tier,
    /// classification or owners. A continuous evaluation re-evaluates the neighbours of
    /// a changed dataset only then: a hub read by thousands of jobs would otherwise turn
    /// every edit of it into thousands of evaluations. Conservative: a mention in a
    /// string counts.
    pub fn reads_neighbours(&self) -> bool {
        self.inner.reads_neighbours
    }
}

/// Whether `source` names the neighbour fields outside `#` comments.
fn mentions_neighbours(source: &str) -> bool {
    source.lines().any(|line| {
        let mut in_string = false;
        let mut escaped = false;
        let mut end = line.len();
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        line[..end]
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == "upstream" || w == "downstream")
    })
}

/// Parses one module on its own, to report its errors against its own file and to learn
/// its package before the set is assembled.
fn parse(module: Module) -> Result<Parsed, LoadError> {
    let mut engine = Engine::new();
    engine
        .add_policy(module.file.clone(), module.source.clone())
        .map_err(|e| rego_error(&module.file, &e))?;
    let package = engine
        .get_policy_package_components()
        .ok()
        .and_then(|p| p.into_iter().next())
        .map(|p| p.components)
        .unwrap_or_default();
    let allowed = match package.as_slice() {
        [weft, policies, _, ..] => weft == "weft" && policies == "policies",
        [weft, lib, ..] => weft == "weft" && lib == "lib",
        _ => false,
    };
    if !allowed {
        let line = module
            .source
            .lines()
            .position(|l| l.trim_start().starts_with("package"))
            .map_or(0, |n| n + 1);
        return Err(LoadError {
            file: module.file,
            line: u32::try_from(line).unwrap_or(0),
            column: 1,
            message: format!(
                "package {} is not evaluated: a policy's package is weft.policies.<name> \
                 (helpers go under weft.lib.<name>)",
                package.join(".")
            ),
        });
    }
    let mut severities = Vec::new();
    for severity in [Severity::Deny, Severity::Warn] {
        let declared = engine
            .has_declared_rule_rooted_at(&module.file, severity.rule())
            .map_err(|e| rego_error(&module.file, &e))?;
        if declared {
            severities.push(severity);
        }
    }
    Ok(Parsed {
        module,
        package,
        severities,
    })
}

/// Assembles the modules into one prepared engine and the set around it.
fn compile(
    modules: Vec<Parsed>,
    params: serde_json::Value,
    time_limit: Duration,
) -> Result<PolicySet, LoadErrors> {
    let mut engine = Engine::new();
    let mut hasher = Sha256::new();
    hasher.update(format!("input {}\n", crate::INPUT_VERSION));
    hasher.update(canonical_json(&params));
    let mut policies: Vec<PolicyInfo> = Vec::new();
    for parsed in &modules {
        let Parsed {
            module,
            package,
            severities,
        } = parsed;
        hasher.update(format!(
            "\nmodule {} {}\n",
            module.file,
            module.source.len()
        ));
        hasher.update(&module.source);
        if let Err(e) = engine.add_policy(module.file.clone(), module.source.clone()) {
            return Err(LoadErrors(vec![rego_error(&module.file, &e)]));
        }
        if package.get(1).map(String::as_str) != Some("policies") {
            continue;
        }
        let name = package[2..].join(".");
        match policies.iter_mut().find(|p| p.name == name) {
            Some(p) => {
                p.files.push(module.file.clone());
                for s in severities {
                    if !p.severities.contains(s) {
                        p.severities.push(*s);
                    }
                }
                p.severities.sort();
            }
            None => policies.push(PolicyInfo {
                name,
                file: module.file.clone(),
                files: vec![module.file.clone()],
                builtin: module.builtin,
                severities: severities.clone(),
            }),
        }
    }
    policies.sort_by(|a, b| a.name.cmp(&b.name));

    let data = serde_json::json!({ "weft": { "config": params } });
    let data = regorus::Value::from(data);
    if let Err(e) = engine.add_data(data) {
        return Err(LoadErrors(vec![LoadError::whole_file(
            "[policy.params]",
            format!("{e:#}"),
        )]));
    }
    engine.set_execution_timer_config(crate::eval::timer(time_limit));
    // Analysing the modules together (scheduling, safety of variables, rule conflicts
    // across files) happens on the first query; run a trivial one now so these errors
    // are load errors, and so every clone of the template starts prepared.
    if let Err(e) = engine.eval_bool_query("true".to_owned(), false) {
        let file = modules
            .iter()
            .map(|p| p.module.file.as_str())
            .find(|f| format!("{e:#}").contains(&format!("--> {f}:")))
            .unwrap_or("<policies>");
        return Err(LoadErrors(vec![rego_error(file, &e)]));
    }

    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let fingerprint = format!("sha256:{digest}");
    let reads_neighbours = modules
        .iter()
        .any(|p| mentions_neighbours(&p.module.source));
    let user_lib = modules
        .iter()
        .any(|p| !p.module.builtin && p.package.get(1).map(String::as_str) == Some("lib"));
    let compiled = match crate::eval::Compiled::new(&engine, &policies, user_lib, time_limit) {
        Ok(c) => Some(c),
        Err(why) => {
            tracing::info!(%why, "policies evaluated by the interpreter: the compiler refused them");
            None
        }
    };
    Ok(PolicySet {
        inner: Arc::new(Inner {
            template: engine,
            pool: Mutex::new(Vec::new()),
            compiled,
            vms: Mutex::new(Vec::new()),
            policies,
            fingerprint,
            time_limit,
            reads_neighbours,
        }),
    })
}

/// A regorus error as a [`LoadError`]: its messages carry the location as
/// `--> file:line:col` followed by the source line and `error: message`.
pub(crate) fn rego_error(file: &str, error: &impl fmt::Display) -> LoadError {
    let text = format!("{error:#}");
    let (line, column) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|loc| {
            let mut parts = loc.rsplitn(3, ':');
            let column = parts.next()?.trim().parse().ok()?;
            let line = parts.next()?.trim().parse().ok()?;
            Some((line, column))
        })
        .unwrap_or((0, 0));
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| text.trim().to_owned(), str::to_owned);
    LoadError {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// Every `*.rego` file under `dir`, recursively, sorted by path; unreadable entries are
/// errors.
fn read_dir(dir: &Path, errors: &mut Vec<LoadError>) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    collect(dir, &mut paths, errors);
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(source) => out.push((file, source)),
            Err(e) => errors.push(LoadError::whole_file(file, format!("cannot read: {e}"))),
        }
    }
    out
}

/// Walks `dir`; symbolic links to files are followed, to directories not (no cycles).
fn collect(dir: &Path, paths: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(LoadError::whole_file(
                dir.display().to_string(),
                format!("cannot read the policy directory: {e}"),
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(LoadError::whole_file(
                    dir.display().to_string(),
                    format!("cannot list the policy directory: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            collect(&path, paths, errors);
        } else if path.extension().is_some_and(|e| e == "rego") && path.is_file() {
            paths.push(path);
        }
    }
}

/// `[policy.params]` merged over the defaults, with the built-in parameters checked so
/// that a typo is an error rather than a policy that silently never fires.
fn merge_params(user: &serde_json::Value, errors: &mut Vec<LoadError>) -> serde_json::Value {
    let mut params = default_params();
    let field = |key: &str, message: String| LoadError {
        file: "[policy.params]".to_owned(),
        line: 0,
        column: 0,
        message: format!("{key}: {message}"),
    };
    match user {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            if let serde_json::Value::Object(merged) = &mut params {
                for (k, v) in map {
                    merged.insert(k.clone(), v.clone());
                }
            }
        }
        other => errors.push(field("params", format!("must be a table, not {other}"))),
    }
    let key = "pseudonymised_pii_to_public";
    if !matches!(params[key].as_str(), Some("allow" | "warn" | "deny")) {
        errors.push(field(
            key,
            format!(
                "must be \"allow\", \"warn\" or \"deny\", not {}",
                params[key]
            ),
        ));
    }
    let key = "unowned_days";
    if params[key].as_u64().is_none() {
        errors.push(field(
            key,
            format!("must be a whole number of days, not {}", params[key]),
        ));
    }
    let key = "restricted_classes";
    let strings = params[key]
        .as_array()
        .is_some_and(|a| a.iter().all(serde_json::Value::is_string));
    if !strings {
        errors.push(field(
            key,
            format!("must be a list of classifications, not {}", params[key]),
        ));
    }
    params
}

/// JSON with object keys sorted, whatever serde_json's map order is in this build, so
/// that the fingerprint depends on content only.
fn canonical_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(k.clone()),
                        canonical_json(&map[k])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}
