//! `weft check`: a pull request's dbt models or SQL files checked against the catalog
//! before they are merged, and the catalog snapshot format it reads.
//!
//! Three decisions shape it:
//!
//! 1. **The same machinery as the server.** A model's columns and their lineage come
//!    from weft-lineage, the PII graph is `weft_lineage::graph::LineageGraph` built from
//!    the [`snapshot`] exactly as the server's view builds it, and the verdict comes from
//!    the server's policies (`weft-policy`). A check and the live catalog cannot disagree
//!    about what a column is.
//! 2. **Files in, a report out.** No HTTP and no database: the caller hands over a
//!    snapshot ([`Catalog::load`]), manifests or SQL files, and the compiled policies,
//!    and gets a [`CheckReport`] to render as Markdown, SARIF or JSON.
//! 3. **Partial input is a finding, not a pass.** A model whose SQL does not parse is a
//!    `deny` finding of policy `sql_parse` at its file and line; the rest is still
//!    checked. Input that is not what it claims to be (a JSON file that is no manifest,
//!    a snapshot of another version) is an error naming the file.
//!
//! The steps, each in its module: [`manifest`] reads dbt's manifest, [`subjects`] picks
//! the changed models and derives them in dependency order ([`derive`]), [`diff`]
//! compares before and after and finds consumers, [`pii`] finds new personal-data flows,
//! [`policy_input`] builds what policies see, and [`report`] ([`markdown`], [`sarif`])
//! renders the result.

#![deny(missing_docs)]

pub mod catalog;
pub mod derive;
pub mod diff;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod pii;
pub mod policy_input;
pub mod report;
pub mod sarif;
pub mod snapshot;
pub mod subjects;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use weft_lineage::Dialect;
use weft_policy::input::{ChangeInput, PolicyInput};
use weft_policy::{EvalError, Finding, INPUT_VERSION, PolicySet, Severity};

pub use catalog::Catalog;
pub use manifest::{Manifest, ManifestError};
pub use report::{CheckReport, FindingReport, ModelReport, Summary, Truncation};
pub use snapshot::SnapshotError;

use crate::model::{Problem, ProblemKind, Subject};
use crate::pii::PiiGraph;
use crate::report::{CatalogInfo, cap, cap_change};
use crate::subjects::{Keys, ManifestDeriver, Selection};

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The pull request's `manifest.json`.
    pub manifest: Option<PathBuf>,
    /// The base branch's `manifest.json`.
    pub base_manifest: Option<PathBuf>,
    /// Changed models by name (or unique id).
    pub select: Vec<String>,
    /// Changed SQL files.
    pub sql: Vec<PathBuf>,
    /// Dialect of the SQL files (and of models, overriding the manifest's adapter).
    pub dialect: Option<Dialect>,
    /// The catalog namespace of the warehouse; found by name suffix when `None`.
    pub namespace: Option<String>,
    /// Cap on listed items per section.
    pub max_items: usize,
    /// Evaluation time (RFC 3339), the policies' `input.now`.
    pub now: String,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            manifest: None,
            base_manifest: None,
            select: Vec::new(),
            sql: Vec::new(),
            dialect: None,
            namespace: None,
            max_items: 50,
            now: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// Why a check could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// A manifest could not be read or is not one.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A SQL file could not be read.
    #[error("{file}: {source}")]
    Sql {
        /// The file.
        file: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// `--select` names models the manifest does not have.
    #[error("{file}: no model named {}", names.join(", "))]
    UnknownModels {
        /// The manifest.
        file: PathBuf,
        /// The names not found.
        names: Vec<String>,
    },
    /// Nothing to check: neither a manifest nor SQL files.
    #[error("nothing to check: give --manifest (a dbt manifest.json) or --sql FILE")]
    NothingToCheck,
    /// A policy failed to evaluate.
    #[error("policy evaluation on {dataset}: {source}")]
    Policy {
        /// The dataset being evaluated.
        dataset: String,
        /// What failed.
        source: EvalError,
    },
}

/// Runs the check: see the crate documentation.
pub fn check(
    catalog: &Catalog,
    policies: &PolicySet,
    options: &CheckOptions,
) -> Result<CheckReport, CheckError> {
    if options.manifest.is_none() && options.sql.is_empty() {
        return Err(CheckError::NothingToCheck);
    }
    let namespace = options.namespace.as_deref();
    let manifest = options
        .manifest
        .as_deref()
        .map(Manifest::load)
        .transpose()?;
    let base = options
        .base_manifest
        .as_deref()
        .map(Manifest::load)
        .transpose()?;
    let manifests: Vec<&Manifest> = manifest.iter().chain(base.iter()).collect();
    let mut keys = Keys::new(catalog, namespace, &manifests);
    let mut subjects: Vec<Subject> = Vec::new();
    let mut loose: Vec<(String, Problem)> = Vec::new();
    let mut after_deriver = None;
    let mut model_of: HashMap<i64, String> = HashMap::new();
    if let Some(m) = &manifest {
        let dialect = options
            .dialect
            .unwrap_or_else(|| derive::dialect_of_adapter(m.adapter_type.as_deref()));
        let changed = subjects::changed_models(
            m,
            &Selection {
                base: base.as_ref(),
                select: &options.select,
            },
        )
        .map_err(|names| CheckError::UnknownModels {
            file: m.file.clone(),
            names,
        })?;
        let force: HashSet<String> = changed.iter().cloned().collect();
        let mut after = ManifestDeriver::new(m, catalog, namespace, dialect, force.clone());
        let mut base_deriver = base.as_ref().map(|b| {
            let in_base = force
                .iter()
                .filter(|u| b.nodes.contains_key(*u))
                .cloned()
                .collect();
            ManifestDeriver::new(b, catalog, namespace, dialect, in_base)
        });
        subjects = subjects::manifest_subjects(
            catalog,
            m,
            &mut after,
            base_deriver.as_mut(),
            &mut keys,
            &changed,
        );
        for n in m.models() {
            let (key, in_catalog) = keys.get(catalog, namespace, &n.relation);
            if in_catalog {
                model_of.insert(key.id, n.unique_id.clone());
            }
        }
        after_deriver = Some(after);
    }
    if !options.sql.is_empty() {
        let mut files = Vec::new();
        for path in &options.sql {
            let text = std::fs::read_to_string(path).map_err(|source| CheckError::Sql {
                file: path.clone(),
                source,
            })?;
            files.push((subjects::display_path(path), text));
        }
        let dialect = options.dialect.unwrap_or_default();
        let (more, problems) =
            subjects::sql_subjects(catalog, &files, dialect, namespace, &mut keys);
        subjects.extend(more);
        loose.extend(problems);
    }

    let mut pii = PiiGraph::for_subjects(catalog, &subjects);
    for s in &subjects {
        if let Some(after) = &s.after {
            pii.apply(catalog, &s.key, after);
        }
    }
    let mut flows = pii.new_flows(catalog);

    let mut models = Vec::new();
    // Each subject's findings, parse findings first; the policies run on all subjects
    // at once, on every core, after the loop.
    let mut per_subject: Vec<Vec<FindingReport>> = vec![Vec::new(); subjects.len()];
    let mut subject_inputs: Vec<(usize, PolicyInput)> = Vec::new();
    let mut notes = Vec::new();
    let mut truncated = Vec::new();
    for (at, s) in subjects.iter().enumerate() {
        for p in &s.problems {
            match p.kind {
                ProblemKind::Parse => {
                    per_subject[at].push(parse_finding(s.key.qualified(), s.file.clone(), p))
                }
                ProblemKind::Note => notes.push(format!(
                    "{}:{}: {}",
                    s.file.as_deref().unwrap_or(&s.name),
                    p.position,
                    p.message
                )),
            }
        }
        let Some(after) = &s.after else {
            models.push(ModelReport {
                name: s.name.clone(),
                file: s.file.clone(),
                status: "unverified".to_owned(),
                dataset: s.key.qualified(),
                changes: ChangeInput::default(),
            });
            continue;
        };
        let mut still_reads =
            |consumer: i64, src: &model::DatasetKey, column: &str| -> Option<bool> {
                let uid = model_of.get(&consumer)?;
                let d = after_deriver.as_mut()?.derive(&mut keys, uid)?;
                let state = d.state.as_ref()?;
                Some(
                    state
                        .columns
                        .iter()
                        .flat_map(|c| &c.inputs)
                        .any(|i| i.dataset.id == src.id && i.column.eq_ignore_ascii_case(column)),
                )
            };
        let mut change = diff::diff(catalog, &s.key, s.before.as_ref(), after, &mut still_reads);
        change.new_pii_flows = flows.remove(&s.key.id).unwrap_or_default();
        let input = PolicyInput {
            version: INPUT_VERSION,
            now: options.now.clone(),
            dataset: policy_input::dataset_input(catalog, &pii, &s.key, Some(s)),
            change: Some(change.clone()),
        };
        subject_inputs.push((at, input));
        cap_change(&mut change, &s.name, options.max_items, &mut truncated);
        models.push(ModelReport {
            name: s.name.clone(),
            file: s.file.clone(),
            status: change.status.clone(),
            dataset: s.key.qualified(),
            changes: change,
        });
    }
    let results =
        policies.evaluate_many(&subject_inputs.iter().map(|(_, i)| i).collect::<Vec<_>>());
    for ((at, input), result) in subject_inputs.iter().zip(results) {
        for f in policy_result(input, result)? {
            per_subject[*at].push(locate(f, &subjects[*at]));
        }
    }
    let mut findings: Vec<FindingReport> = per_subject.into_iter().flatten().collect();
    for (file, p) in &loose {
        findings.push(parse_finding(String::new(), Some(file.clone()), p));
    }
    // Datasets the change gives new personal data without changing them: only what the
    // new flows cause is reported (their findings with and without the new tags differ).
    let mut gaining: Vec<(i64, Vec<weft_policy::input::FlowInput>)> = flows.into_iter().collect();
    let mut subject_at: HashMap<String, usize> = HashMap::new();
    for (i, s) in subjects.iter().enumerate() {
        subject_at.entry(s.key.qualified()).or_insert(i);
    }
    gaining.sort_by_key(|(id, _)| *id);
    // Each gaining dataset is evaluated with and without its new tags, all of them at
    // once on every core.
    let mut gainers = Vec::new();
    let mut gaining_inputs: Vec<PolicyInput> = Vec::new();
    for (id, new) in gaining {
        let Some(record) = catalog.dataset(id) else {
            continue;
        };
        let key = model::DatasetKey::of(record);
        let dataset = policy_input::dataset_input(catalog, &pii, &key, None);
        let mut without = dataset.clone();
        for c in &mut without.columns {
            c.tags
                .retain(|t| !new.iter().any(|f| f.column == c.name && f.tag == t.key));
        }
        let after_input = PolicyInput {
            version: INPUT_VERSION,
            now: options.now.clone(),
            dataset,
            change: None,
        };
        let before_input = PolicyInput {
            dataset: without,
            ..after_input.clone()
        };
        // The first changed model (in subject order) on one of the new flows' paths.
        let origin = new
            .iter()
            .flat_map(|f| &f.path)
            .filter_map(|h| subject_at.get(h.dataset.as_str()).copied())
            .min()
            .map(|i| &subjects[i]);
        gaining_inputs.push(before_input);
        gaining_inputs.push(after_input);
        gainers.push((key, origin));
    }
    let mut results = policies.evaluate_many(&gaining_inputs).into_iter();
    let mut inputs = gaining_inputs.iter();
    for (key, origin) in gainers {
        let (Some(before), Some(after), Some(before_input), Some(after_input)) =
            (results.next(), results.next(), inputs.next(), inputs.next())
        else {
            break;
        };
        let before = policy_result(before_input, before)?;
        for f in policy_result(after_input, after)? {
            if before.contains(&f) {
                continue;
            }
            findings.push(FindingReport {
                policy: f.policy,
                severity: f.severity,
                message: f.message,
                dataset: key.qualified(),
                column: f.column,
                file: origin.and_then(|s| s.file.clone()),
                line: origin.map(|_| 1),
                column_number: None,
                path: f.path,
            });
        }
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.dataset, &a.column, &a.policy)
            .cmp(&(b.severity, &b.dataset, &b.column, &b.policy))
    });
    let summary = Summary {
        deny: findings
            .iter()
            .filter(|f| f.severity == Severity::Deny)
            .count(),
        warn: findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .count(),
    };
    cap(
        &mut findings,
        options.max_items,
        "findings".to_owned(),
        &mut truncated,
    );
    cap(
        &mut models,
        options.max_items,
        "models".to_owned(),
        &mut truncated,
    );
    cap(
        &mut notes,
        options.max_items,
        "notes".to_owned(),
        &mut truncated,
    );
    let mut policy_names: Vec<(String, String)> = policies
        .policies()
        .iter()
        .map(|p| (p.name.clone(), p.file.clone()))
        .collect();
    policy_names.push(("sql_parse".to_owned(), String::new()));
    Ok(CheckReport {
        version: report::REPORT_VERSION,
        summary,
        models,
        findings,
        truncated,
        notes,
        catalog: CatalogInfo {
            exported_at: catalog.header.as_ref().map(|h| h.exported_at.clone()),
            log_position: catalog.header.as_ref().map(|h| h.log_position),
            datasets: catalog.datasets.len(),
        },
        policies: policy_names,
    })
}

/// One input's evaluation, its error naming the dataset.
fn policy_result(
    input: &PolicyInput,
    result: Result<Vec<Finding>, EvalError>,
) -> Result<Vec<Finding>, CheckError> {
    result.map_err(|source| CheckError::Policy {
        dataset: format!("{}/{}", input.dataset.namespace, input.dataset.name),
        source,
    })
}

/// A `sql_parse` finding: the change cannot be verified.
fn parse_finding(dataset: String, file: Option<String>, p: &Problem) -> FindingReport {
    FindingReport {
        policy: "sql_parse".to_owned(),
        severity: Severity::Deny,
        message: format!(
            "the SQL does not parse, so the change cannot be verified: {}",
            p.message
        ),
        dataset,
        column: None,
        file,
        line: Some(p.position.line),
        column_number: Some(p.position.column),
        path: Vec::new(),
    }
}

/// A policy finding on a changed model, located at its column's expression.
fn locate(f: Finding, s: &Subject) -> FindingReport {
    let line = f.column.as_deref().and_then(|c| {
        s.after
            .as_ref()
            .and_then(|a| a.column(c))
            .and_then(|col| col.line)
            .or_else(|| {
                s.before
                    .as_ref()
                    .and_then(|b| b.column(c))
                    .and_then(|col| col.line)
            })
    });
    FindingReport {
        policy: f.policy,
        severity: f.severity,
        message: f.message,
        dataset: s.key.qualified(),
        column: f.column,
        file: s.file.clone(),
        line: Some(line.unwrap_or(1)),
        column_number: None,
        path: f.path,
    }
}
