//! The values the check passes between its steps: a dataset's identity, a model's
//! columns with their inputs (before or after the change), and problems found in SQL.

use weft_lineage::{Position, Transformation};

use crate::manifest::ModelMeta;
use crate::snapshot::DatasetRecord;

/// A dataset as the check names it: the catalog's id (negative for a dataset the pull
/// request creates), namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DatasetKey {
    /// The store id, or a negative id for a dataset not in the catalog.
    pub id: i64,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl DatasetKey {
    /// The key of a snapshot dataset.
    pub fn of(d: &DatasetRecord) -> DatasetKey {
        DatasetKey {
            id: d.id,
            namespace: d.namespace.clone(),
            name: d.name.clone(),
        }
    }

    /// `namespace/name`.
    pub fn qualified(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// A model's (or SQL target's) columns, in output order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelState {
    /// Output columns.
    pub columns: Vec<ColumnState>,
}

impl ModelState {
    /// A column by name (case-insensitive, as warehouses fold unquoted names).
    pub fn column(&self, name: &str) -> Option<&ColumnState> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// One output column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnState {
    /// Name.
    pub name: String,
    /// Type, when known.
    pub data_type: Option<String>,
    /// The columns it reads.
    pub inputs: Vec<InputState>,
    /// The line of its expression in the model's source file, when found.
    pub line: Option<u64>,
}

/// One input of a column.
#[derive(Debug, Clone, PartialEq)]
pub struct InputState {
    /// The dataset read.
    pub dataset: DatasetKey,
    /// The column read.
    pub column: String,
    /// How (one per statement or producer that says so).
    pub transformations: Vec<Transformation>,
}

impl InputState {
    /// `namespace/name.column`, as `ChangeInput` names inputs.
    pub fn label(&self) -> String {
        format!("{}.{}", self.dataset.qualified(), self.column)
    }

    /// Whether it is the same column of the same dataset as `other`.
    pub fn same_column(&self, other: &InputState) -> bool {
        self.dataset.id == other.dataset.id && self.column.eq_ignore_ascii_case(&other.column)
    }
}

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The SQL does not parse: the change cannot be verified (a `deny` finding).
    Parse,
    /// Something the analysis could not resolve (a note in the report).
    Note,
}

/// Something found while analysing SQL, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Parse error or note.
    pub kind: ProblemKind,
    /// Where, in the analysed text.
    pub position: Position,
    /// What.
    pub message: String,
}

impl Problem {
    /// A parse error.
    pub fn parse(position: Position, message: String) -> Problem {
        Problem {
            kind: ProblemKind::Parse,
            position,
            message,
        }
    }

    /// A note.
    pub fn note(position: Position, message: String) -> Problem {
        Problem {
            kind: ProblemKind::Note,
            position,
            message,
        }
    }
}

/// A changed model or SQL target: what the check reports on.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The model's name, or the written dataset's name for SQL files.
    pub name: String,
    /// dbt's unique id, for models.
    pub unique_id: Option<String>,
    /// The file to point at: `original_file_path` or the SQL file.
    pub file: Option<String>,
    /// The dataset it writes.
    pub key: DatasetKey,
    /// Whether the catalog already has that dataset.
    pub in_catalog: bool,
    /// Governance values the model declares.
    pub meta: ModelMeta,
    /// Declared column descriptions.
    pub descriptions: std::collections::HashMap<String, String>,
    /// Its columns after the change; `None` when its SQL could not be analysed.
    pub after: Option<ModelState>,
    /// Its columns before; `None` when it is new.
    pub before: Option<ModelState>,
    /// Parse errors and notes, positioned in `file`.
    pub problems: Vec<Problem>,
}
