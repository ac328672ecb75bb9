//! Which models (or SQL targets) a pull request changes, and their columns before and
//! after.
//!
//! *After* is always derived from the pull request's SQL. *Before* is the base
//! manifest's SQL derived the same way when a base manifest is given and has the model,
//! else the catalog's current state of the dataset (its columns and the column edges
//! into it); a model the catalog does not have and the base lacks is new.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use weft_lineage::Dialect;

use crate::catalog::{Catalog, Lookup, parts};
use crate::derive::{
    Schema, column_lines, derive_sql, fill_types, source_position, stored_transformations,
};
use crate::manifest::{Manifest, ModelMeta, Node};
use crate::model::{
    ColumnState, DatasetKey, InputState, ModelState, Problem, ProblemKind, Subject,
};

/// Every relation's dataset: the catalog's when it has one, else a new one with a
/// negative id, the same in the base and the new manifest.
#[derive(Debug, Default)]
pub struct Keys {
    keys: HashMap<String, (DatasetKey, bool)>,
    next: i64,
    /// The namespace new datasets get.
    pub namespace: String,
}

impl Keys {
    /// Keys for every relation of `manifests`, in `namespace` when given, else the
    /// namespace most of the manifests' relations are found in.
    pub fn new(catalog: &Catalog, namespace: Option<&str>, manifests: &[&Manifest]) -> Keys {
        let mut keys = Keys {
            next: -1,
            ..Keys::default()
        };
        let mut seen_ns: HashMap<String, usize> = HashMap::new();
        for m in manifests {
            for n in m.nodes.values().chain(m.sources.values()) {
                let lower = n.relation.to_lowercase();
                if keys.keys.contains_key(&lower) || n.relation.is_empty() {
                    continue;
                }
                if let Lookup::Found(i) = catalog.find(namespace, &parts(&n.relation)) {
                    let d = &catalog.datasets[i];
                    *seen_ns.entry(d.namespace.clone()).or_default() += 1;
                    keys.keys.insert(lower, (DatasetKey::of(d), true));
                }
            }
        }
        keys.namespace = match namespace {
            Some(ns) => ns.to_owned(),
            None => seen_ns
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map_or_else(|| "dbt".to_owned(), |(ns, _)| ns),
        };
        keys
    }

    /// The dataset `relation` is, and whether the catalog has it.
    pub fn get(
        &mut self,
        catalog: &Catalog,
        namespace: Option<&str>,
        relation: &str,
    ) -> (DatasetKey, bool) {
        let lower = relation.to_lowercase();
        if let Some(k) = self.keys.get(&lower) {
            return k.clone();
        }
        let found = match catalog.find(namespace, &parts(relation)) {
            Lookup::Found(i) => (DatasetKey::of(&catalog.datasets[i]), true),
            _ => {
                let key = DatasetKey {
                    id: self.next,
                    namespace: self.namespace.clone(),
                    name: relation.to_owned(),
                };
                self.next -= 1;
                (key, false)
            }
        };
        self.keys.insert(lower, found.clone());
        found
    }
}

/// A model's derivation.
#[derive(Debug, Clone)]
pub struct Derived {
    /// Its dataset.
    pub key: DatasetKey,
    /// Whether the catalog has it.
    pub in_catalog: bool,
    /// Its columns; `None` when the SQL could not be analysed.
    pub state: Option<ModelState>,
    /// Parse errors and notes, positioned in the model's source file.
    pub problems: Vec<Problem>,
}

/// Derives the models of one manifest, each after the models it reads.
#[derive(Debug)]
pub struct ManifestDeriver<'a> {
    manifest: &'a Manifest,
    catalog: &'a Catalog,
    namespace: Option<&'a str>,
    schema: Schema<'a>,
    dialect: Dialect,
    /// Models derived from their SQL even when the catalog has them: the changed ones.
    force: HashSet<String>,
    done: HashMap<String, Derived>,
}

impl<'a> ManifestDeriver<'a> {
    /// A deriver over `manifest`; models in `force` are read from their SQL, the others
    /// from the catalog when it has them.
    pub fn new(
        manifest: &'a Manifest,
        catalog: &'a Catalog,
        namespace: Option<&'a str>,
        dialect: Dialect,
        force: HashSet<String>,
    ) -> ManifestDeriver<'a> {
        ManifestDeriver {
            manifest,
            catalog,
            namespace,
            schema: Schema::new(catalog, namespace),
            dialect,
            force,
            done: HashMap::new(),
        }
    }

    /// The derivation of model `uid`, deriving what it reads first when needed.
    pub fn derive(&mut self, keys: &mut Keys, uid: &str) -> Option<&Derived> {
        let mut visiting = HashSet::new();
        self.ensure(keys, uid, &mut visiting);
        self.done.get(uid)
    }

    fn ensure(&mut self, keys: &mut Keys, uid: &str, visiting: &mut HashSet<String>) {
        if self.done.contains_key(uid) || !visiting.insert(uid.to_owned()) {
            return;
        }
        let Some(node) = self.manifest.nodes.get(uid).filter(|n| n.is_model()) else {
            return;
        };
        for dep in &node.depends_on {
            let Some(d) = self.manifest.get(dep) else {
                continue;
            };
            let (key, in_catalog) = keys.get(self.catalog, self.namespace, &d.relation);
            if d.is_model() {
                if self.force.contains(dep) || !in_catalog {
                    self.ensure(keys, dep, visiting);
                }
            } else if !in_catalog && !d.columns.is_empty() {
                // A seed or source the catalog does not know: its YAML columns are all
                // there is to resolve names against.
                self.schema
                    .define(&d.relation, d.columns.keys().cloned().collect(), key);
            }
        }
        let derived = self.derive_node(keys, node);
        if let Some(state) = &derived.state {
            let columns = state.columns.iter().map(|c| c.name.clone()).collect();
            self.schema
                .define(&node.relation, columns, derived.key.clone());
        }
        self.done.insert(uid.to_owned(), derived);
    }

    fn derive_node(&self, keys: &mut Keys, node: &Node) -> Derived {
        let (key, in_catalog) = keys.get(self.catalog, self.namespace, &node.relation);
        let Some(compiled) = &node.compiled_code else {
            return Derived {
                key,
                in_catalog,
                state: None,
                problems: vec![Problem::parse(
                    weft_lineage::Position { line: 1, column: 1 },
                    format!(
                        "model `{}` has no compiled SQL in {}: run `dbt compile` (or `dbt build`) before `weft check`",
                        node.name,
                        self.manifest.file.display()
                    ),
                )],
            };
        };
        let declared: HashMap<String, String> = node
            .columns
            .iter()
            .filter_map(|(n, c)| c.data_type.clone().map(|t| (n.to_lowercase(), t)))
            .collect();
        let (state, problems) = derive_sql(compiled, self.dialect, &self.schema);
        let problems = problems
            .into_iter()
            .map(|p| Problem {
                position: source_position(compiled, node.raw_code.as_deref(), p.position),
                ..p
            })
            .collect();
        let state = state.map(|mut s| {
            fill_types(&mut s, &declared, self.catalog);
            column_lines(node.raw_code.as_deref().unwrap_or(compiled), &mut s.columns);
            s
        });
        Derived {
            key,
            in_catalog,
            state,
            problems,
        }
    }
}

/// The catalog's current state of a dataset as a model state: its columns and types,
/// and the column edges into it (every origin).
pub fn catalog_state(catalog: &Catalog, key: &DatasetKey) -> Option<ModelState> {
    let d = catalog.dataset(key.id)?;
    let mut state = ModelState {
        columns: d
            .columns
            .iter()
            .map(|c| ColumnState {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                inputs: Vec::new(),
                line: None,
            })
            .collect(),
    };
    for e in catalog.edges_into(key.id) {
        if e.dst_column.is_empty() || e.src_column.is_empty() {
            continue;
        }
        let Some(src) = catalog.dataset(e.src_dataset) else {
            continue;
        };
        let Some(col) = state
            .columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(&e.dst_column))
        else {
            continue;
        };
        let transformations = stored_transformations(&e.transformations);
        let input = InputState {
            dataset: DatasetKey::of(src),
            column: e.src_column.clone(),
            transformations: Vec::new(),
        };
        match col.inputs.iter_mut().find(|i| i.same_column(&input)) {
            Some(i) => {
                for t in transformations {
                    if !i.transformations.contains(&t) {
                        i.transformations.push(t);
                    }
                }
            }
            None => col.inputs.push(InputState {
                transformations,
                ..input
            }),
        }
    }
    Some(state)
}

/// How the changed models are chosen.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// The base branch's manifest: models whose checksum differs (or are new) changed.
    pub base: Option<&'a Manifest>,
    /// Models named explicitly (name or unique id).
    pub select: &'a [String],
}

/// The unique ids of the changed models, sorted; names in `select` that are no model
/// come back as the error.
pub fn changed_models(
    manifest: &Manifest,
    selection: &Selection<'_>,
) -> Result<Vec<String>, Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    if !selection.select.is_empty() {
        let mut unknown = Vec::new();
        for name in selection.select {
            match manifest.model_named(name) {
                Some(n) => out.push(n.unique_id.clone()),
                None => unknown.push(name.clone()),
            }
        }
        if !unknown.is_empty() {
            return Err(unknown);
        }
    } else if let Some(base) = selection.base {
        for n in manifest.models() {
            let before = base.nodes.get(&n.unique_id);
            if before.is_none_or(|b| b.checksum != n.checksum || b.compiled_code != n.compiled_code)
            {
                out.push(n.unique_id.clone());
            }
        }
    } else {
        out.extend(manifest.models().map(|n| n.unique_id.clone()));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The subjects of a manifest check: each changed model with its states.
pub fn manifest_subjects(
    catalog: &Catalog,
    manifest: &Manifest,
    after: &mut ManifestDeriver<'_>,
    mut base: Option<&mut ManifestDeriver<'_>>,
    keys: &mut Keys,
    changed: &[String],
) -> Vec<Subject> {
    let mut out = Vec::new();
    for uid in changed {
        let Some(node) = manifest.nodes.get(uid) else {
            continue;
        };
        let Some(d) = after.derive(keys, uid).cloned() else {
            continue;
        };
        let from_base = base
            .as_deref_mut()
            .and_then(|b| b.derive(keys, uid).cloned())
            .and_then(|b| b.state);
        let before = from_base.or_else(|| {
            d.in_catalog
                .then(|| catalog_state(catalog, &d.key))
                .flatten()
        });
        out.push(Subject {
            name: node.name.clone(),
            unique_id: Some(uid.clone()),
            file: node.file.clone(),
            key: d.key.clone(),
            in_catalog: d.in_catalog,
            meta: node.meta.clone(),
            descriptions: node
                .columns
                .iter()
                .filter_map(|(n, c)| c.description.clone().map(|t| (n.to_lowercase(), t)))
                .collect(),
            after: d.state.clone(),
            before,
            problems: d.problems.clone(),
        });
    }
    out
}

/// The subjects of SQL files: every dataset their statements write, with parse errors
/// of statements that name no dataset kept apart (file, problem).
pub fn sql_subjects(
    catalog: &Catalog,
    files: &[(String, String)],
    dialect: Dialect,
    namespace: Option<&str>,
    keys: &mut Keys,
) -> (Vec<Subject>, Vec<(String, Problem)>) {
    let mut schema = Schema::new(catalog, namespace);
    let mut subjects: Vec<Subject> = Vec::new();
    let mut loose = Vec::new();
    for (file, text) in files {
        let options = weft_lineage::Options {
            dialect,
            ..weft_lineage::Options::default()
        };
        let script = weft_lineage::analyze(text, &options, &schema);
        let mut defined = Vec::new();
        for s in &script.statements {
            let l = match &s.result {
                Ok(l) => l,
                Err(e) => {
                    // Only the last statement ends where the file ends.
                    let at = if s.index + 1 == script.statements.len() {
                        crate::derive::parse_position(text, e)
                    } else {
                        e.position()
                    };
                    loose.push((file.clone(), Problem::parse(at, e.message())));
                    continue;
                }
            };
            let Some(target) = l.outputs.first() else {
                continue;
            };
            if l.columns.is_empty() {
                continue;
            }
            let (key, in_catalog) = keys.get(catalog, namespace, target);
            let mut state = crate::derive::state_of(&l.columns, &schema);
            fill_types(&mut state, &HashMap::new(), catalog);
            column_lines(text, &mut state.columns);
            let notes: Vec<Problem> = l
                .diagnostics
                .iter()
                .map(|d| Problem::note(d.position, d.message.clone()))
                .collect();
            defined.push((
                target.clone(),
                state
                    .columns
                    .iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>(),
                key.clone(),
            ));
            match subjects.iter_mut().find(|s| s.key == key) {
                Some(existing) => {
                    existing.after = Some(state);
                    existing.problems.extend(notes);
                }
                None => subjects.push(Subject {
                    name: target.clone(),
                    unique_id: None,
                    file: Some(file.clone()),
                    before: in_catalog.then(|| catalog_state(catalog, &key)).flatten(),
                    key,
                    in_catalog,
                    meta: ModelMeta::default(),
                    descriptions: HashMap::new(),
                    after: Some(state),
                    problems: notes,
                }),
            }
        }
        for (name, columns, key) in defined {
            schema.define(&name, columns, key);
        }
    }
    (subjects, loose)
}

/// Whether a problem stops the change from being verified.
pub fn is_blocking(p: &Problem) -> bool {
    p.kind == ProblemKind::Parse
}

/// The path a SQL file is reported under: as given, with `/` separators.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}
