//! A dbt `manifest.json`: the models (with their compiled SQL), seeds, snapshots and
//! sources a pull request builds, and how they depend on each other.
//!
//! Only what the check needs is read (unknown fields are skipped as they stream by),
//! so manifests of any recent dbt version load, and a 100 MB manifest is never held as
//! a JSON tree. A manifest is recognised by `metadata.dbt_schema_version`; any other
//! JSON file is refused with its name, because checking "no models" would pass.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// Not JSON at all.
    #[error("{file}:{line}:{column}: not a dbt manifest: not valid JSON ({message})")]
    NotJson {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },
    /// JSON, but without `metadata.dbt_schema_version`.
    #[error(
        "{file}: not a dbt manifest (no `metadata.dbt_schema_version`{detail}); \
         give the `target/manifest.json` written by `dbt compile`"
    )]
    NotManifest {
        /// The file.
        file: PathBuf,
        /// What else was found, for the message.
        detail: String,
    },
}

/// A loaded manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The file it was read from.
    pub file: PathBuf,
    /// `metadata.dbt_schema_version`.
    pub schema_version: String,
    /// `metadata.adapter_type` (`postgres`, `snowflake`…), which picks the SQL dialect.
    pub adapter_type: Option<String>,
    /// Models, seeds and snapshots (everything that becomes a relation), by unique id.
    pub nodes: BTreeMap<String, Node>,
    /// Sources, by unique id.
    pub sources: BTreeMap<String, Node>,
}

/// A model, seed, snapshot or source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// `model.shop.stg_users`.
    pub unique_id: String,
    /// `model`, `seed`, `snapshot`, `source`.
    pub resource_type: String,
    /// The model's name (`stg_users`); a source's table name.
    pub name: String,
    /// `database.schema.alias` (`identifier` for sources): the relation it builds or
    /// reads, and the catalog dataset name it maps to.
    pub relation: String,
    /// The compiled SQL, when compiled (models only).
    pub compiled_code: Option<String>,
    /// The SQL as written (with Jinja).
    pub raw_code: Option<String>,
    /// The file, relative to the project root.
    pub file: Option<String>,
    /// Declared columns (name → type and description), as in the YAML.
    pub columns: BTreeMap<String, ManifestColumn>,
    /// `meta` with `config.meta` laid over it.
    pub meta: ModelMeta,
    /// `depends_on.nodes`.
    pub depends_on: Vec<String>,
    /// `checksum.checksum`: differs between two manifests when the file changed.
    pub checksum: Option<String>,
}

/// A column declared in YAML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestColumn {
    /// `data_type`, when declared.
    pub data_type: Option<String>,
    /// Description, when not empty.
    pub description: Option<String>,
}

/// Governance metadata a model declares in `meta` / `config.meta`; it overrides the
/// catalog's values for the checked result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelMeta {
    /// `classification`.
    pub classification: Option<String>,
    /// `retention`.
    pub retention: Option<String>,
    /// `tier`.
    pub tier: Option<String>,
    /// `owner` or `owners` (a name, a list of names, or objects with `name`).
    pub owners: Option<Vec<String>>,
}

impl Node {
    /// Whether this node is a model (what the check analyses).
    pub fn is_model(&self) -> bool {
        self.resource_type == "model"
    }
}

// ---- raw serde shapes (only the fields read) ----

#[derive(Deserialize)]
struct RawManifest {
    metadata: Option<RawMetadata>,
    #[serde(default)]
    nodes: HashMap<String, RawNode>,
    #[serde(default)]
    sources: HashMap<String, RawNode>,
}

#[derive(Deserialize)]
struct RawMetadata {
    dbt_schema_version: Option<String>,
    adapter_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawNode {
    resource_type: Option<String>,
    name: Option<String>,
    database: Option<String>,
    schema: Option<String>,
    alias: Option<String>,
    identifier: Option<String>,
    #[serde(alias = "compiled_sql")]
    compiled_code: Option<String>,
    #[serde(alias = "raw_sql")]
    raw_code: Option<String>,
    original_file_path: Option<String>,
    columns: HashMap<String, RawColumn>,
    meta: Option<Value>,
    config: Option<RawConfig>,
    depends_on: Option<RawDependsOn>,
    checksum: Option<RawChecksum>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawColumn {
    name: Option<String>,
    data_type: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfig {
    meta: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDependsOn {
    nodes: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawChecksum {
    checksum: Option<String>,
}

impl Manifest {
    /// Reads the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let file = File::open(path).map_err(|source| ManifestError::Io {
            file: path.to_owned(),
            source,
        })?;
        Self::from_reader(path, BufReader::with_capacity(1 << 16, file))
    }

    /// Reads a manifest from `input`; `name` is what errors call it.
    pub fn from_reader(name: &Path, input: impl std::io::Read) -> Result<Manifest, ManifestError> {
        let raw: RawManifest = serde_json::from_reader(input).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Io => ManifestError::Io {
                    file: name.to_owned(),
                    source: std::io::Error::other(e.to_string()),
                },
                Category::Syntax | Category::Eof => ManifestError::NotJson {
                    file: name.to_owned(),
                    line: e.line(),
                    column: e.column(),
                    message: e.to_string(),
                },
                Category::Data => ManifestError::NotManifest {
                    file: name.to_owned(),
                    detail: format!(": {e}"),
                },
            }
        })?;
        let Some(version) = raw
            .metadata
            .as_ref()
            .and_then(|m| m.dbt_schema_version.clone())
        else {
            return Err(ManifestError::NotManifest {
                file: name.to_owned(),
                detail: String::new(),
            });
        };
        let mut m = Manifest {
            file: name.to_owned(),
            schema_version: version,
            adapter_type: raw.metadata.and_then(|m| m.adapter_type),
            ..Manifest::default()
        };
        for (id, n) in raw.nodes {
            let kind = n.resource_type.clone().unwrap_or_default();
            if matches!(kind.as_str(), "model" | "seed" | "snapshot") {
                m.nodes.insert(id.clone(), node(id, n, false));
            }
        }
        for (id, n) in raw.sources {
            m.sources.insert(id.clone(), node(id, n, true));
        }
        Ok(m)
    }

    /// A node or source by unique id.
    pub fn get(&self, unique_id: &str) -> Option<&Node> {
        self.nodes
            .get(unique_id)
            .or_else(|| self.sources.get(unique_id))
    }

    /// The models, by unique id.
    pub fn models(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| n.is_model())
    }

    /// A model by name (`stg_users`) or unique id.
    pub fn model_named(&self, name: &str) -> Option<&Node> {
        self.nodes
            .get(name)
            .filter(|n| n.is_model())
            .or_else(|| self.models().find(|n| n.name == name))
    }
}

fn node(unique_id: String, n: RawNode, source: bool) -> Node {
    let table = if source {
        n.identifier.clone().or_else(|| n.name.clone())
    } else {
        n.alias.clone().or_else(|| n.name.clone())
    }
    .unwrap_or_default();
    let relation = [
        n.database.as_deref(),
        n.schema.as_deref(),
        Some(table.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(".");
    let mut meta = ModelMeta::default();
    for v in [
        n.meta.as_ref(),
        n.config.as_ref().and_then(|c| c.meta.as_ref()),
    ]
    .into_iter()
    .flatten()
    {
        meta.overlay(v);
    }
    Node {
        unique_id,
        resource_type: n
            .resource_type
            .unwrap_or_else(|| if source { "source" } else { "model" }.to_owned()),
        name: n.name.unwrap_or_default(),
        relation,
        compiled_code: n.compiled_code,
        raw_code: n.raw_code,
        file: n.original_file_path,
        columns: n
            .columns
            .into_iter()
            .map(|(key, c)| {
                (
                    c.name.unwrap_or(key),
                    ManifestColumn {
                        data_type: c.data_type.filter(|t| !t.trim().is_empty()),
                        description: c.description.filter(|d| !d.trim().is_empty()),
                    },
                )
            })
            .collect(),
        meta,
        depends_on: n.depends_on.map(|d| d.nodes).unwrap_or_default(),
        checksum: n.checksum.and_then(|c| c.checksum),
    }
}

impl ModelMeta {
    /// Takes the fields `v` sets (later calls win: `config.meta` over `meta`).
    fn overlay(&mut self, v: &Value) {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        if let Some(c) = text("classification") {
            self.classification = Some(c);
        }
        if let Some(r) = text("retention") {
            self.retention = Some(r);
        }
        if let Some(t) = text("tier") {
            self.tier = Some(t.to_lowercase());
        }
        let owners = v.get("owners").or_else(|| v.get("owner"));
        if let Some(o) = owners {
            let names: Vec<String> = match o {
                Value::String(s) => vec![s.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) => Some(s.clone()),
                        Value::Object(_) => {
                            i.get("name").and_then(Value::as_str).map(str::to_owned)
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            self.owners = Some(names);
        }
    }
}
