//! Real dbt projects for the `weft check` tests, built by dbt-core with the dbt-postgres
//! adapter through `tests/python/dbt_project.py` (see its docstring for what it writes).
//!
//! A [`Warehouse`] is one fresh database on the test PostgreSQL holding the raw tables and
//! the models as views (`dbt run` of the base project), plus the compiled manifest of the
//! base project and of each variant (the same models with edits: what a pull request
//! changes). Every dbt invocation costs seconds, so all of them run in one Python process
//! and a test builds its warehouse once for every case and backend.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{TestDb, run_python};

/// Where a project's models and raw tables come from.
pub struct DbtSource {
    /// Folder of plain-SQL models (`*.sql`, table names resolved).
    pub models_dir: PathBuf,
    /// JSON file: `{"table": ["column" | {"name", "type"}]}`.
    pub raw_tables: PathBuf,
    /// Types of the columns given by name only (`{"id": "integer"}`); others are `text`.
    pub column_types: Value,
    /// Columns added to the raw tables (`{"raw_customers": ["email"]}`).
    pub extra_columns: Value,
    /// Each model's dbt `config.meta` (`{"orders": {"classification": "public"}}`).
    pub meta: Value,
}

/// One textual edit of one model's SQL: every occurrence of `find` becomes `replace`.
pub struct Edit {
    /// The model (file stem).
    pub model: &'static str,
    /// Text that must occur in the model.
    pub find: &'static str,
    /// Its replacement.
    pub replace: &'static str,
}

/// Shorthand for an [`Edit`].
pub fn edit(model: &'static str, find: &'static str, replace: &'static str) -> Edit {
    Edit {
        model,
        find,
        replace,
    }
}

/// One compiled project.
#[derive(Debug, Clone)]
pub struct Built {
    /// `target/manifest.json`.
    pub manifest: PathBuf,
    /// The project root (paths in the manifest are relative to it).
    pub root: PathBuf,
}

impl Built {
    /// The 1-based line of the first line of `file` (relative to the project root)
    /// containing `needle`; panics when there is none.
    pub fn line_of(&self, file: &str, needle: &str) -> usize {
        let text = std::fs::read_to_string(self.root.join(file))
            .unwrap_or_else(|e| panic!("reading {file} in {}: {e}", self.root.display()));
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{needle:?} is not in {file}"))
    }
}

/// A warehouse database with the base project run into it, and the compiled variants.
pub struct Warehouse {
    /// The warehouse database (raw tables in schema `raw`, models in `analytics`).
    pub db: TestDb,
    /// The base project (run and compiled).
    pub base: Built,
    variants: BTreeMap<String, Built>,
    _dir: tempfile::TempDir,
}

impl Warehouse {
    /// Builds the base project from `source` into a new database and compiles each named
    /// variant (the base with its edits) against it.
    pub fn build(python: &str, source: &DbtSource, variants: &[(&str, Vec<Edit>)]) -> Warehouse {
        let db = TestDb::create();
        let dir = tempfile::Builder::new()
            .prefix("weft-dbt-")
            .tempdir()
            .expect("temp dir");
        let spec = |name: &str, edits: &[Edit], build_warehouse: bool| {
            json!({
                "models_dir": source.models_dir,
                "raw_tables": source.raw_tables,
                "column_types": source.column_types,
                "extra_columns": source.extra_columns,
                "meta": source.meta,
                "edits": edits.iter().map(|e| json!({"model": e.model, "find": e.find, "replace": e.replace})).collect::<Vec<_>>(),
                "project_dir": dir.path().join(name),
                "database_url": db.url,
                "build_warehouse": build_warehouse,
            })
        };
        let mut specs = vec![spec("base", &[], true)];
        specs.extend(variants.iter().map(|(n, e)| spec(n, e, false)));
        let spec_file = dir.path().join("specs.json");
        std::fs::write(&spec_file, Value::Array(specs).to_string()).expect("writes the specs");
        let out = run_python(
            python,
            "dbt_project.py",
            &[spec_file.to_str().expect("utf-8 temp path")],
        );
        let built: Vec<Built> = out
            .as_array()
            .unwrap_or_else(|| panic!("dbt_project.py printed {out}"))
            .iter()
            .map(|b| {
                let path = |k: &str| {
                    PathBuf::from(
                        b[k].as_str()
                            .unwrap_or_else(|| panic!("dbt_project.py: no {k} in {b}")),
                    )
                };
                Built {
                    manifest: path("manifest"),
                    root: path("project_root"),
                }
            })
            .collect();
        assert_eq!(built.len(), variants.len() + 1, "{out}");
        for b in &built {
            assert!(
                b.manifest.is_file(),
                "dbt wrote no {}",
                b.manifest.display()
            );
        }
        let mut built = built.into_iter();
        let base = built.next().expect("the base build");
        let variants = variants
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .zip(built)
            .collect();
        Warehouse {
            db,
            base,
            variants,
            _dir: dir,
        }
    }

    /// The compiled variant called `name`.
    pub fn variant(&self, name: &str) -> &Built {
        self.variants
            .get(name)
            .unwrap_or_else(|| panic!("no variant {name}"))
    }

    /// The warehouse's URL (for `weft crawl` and psql).
    pub fn url(&self) -> &str {
        &self.db.url
    }
}

/// `path` as a `&str` (test paths are UTF-8).
pub fn utf8(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}
