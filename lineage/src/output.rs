//! What an analysis produces: per statement, the datasets read and written, the column
//! edges with their transformations, and diagnostics with positions.
//!
//! These are plain values, independent of any wire format: [`crate::facet`] turns them
//! into OpenLineage's ColumnLineageDatasetFacet and the CLI into JSON lines.

use std::fmt;

use crate::dialect::Dialect;
use crate::transform::Transformation;

/// A 1-based line and column in the analysed script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// Line, from 1.
    pub line: u64,
    /// Column (characters), from 1.
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The lineage is incomplete (an unresolved column, an unknown `*`).
    Warning,
    /// Part of the script could not be analysed.
    Error,
}

/// Something the caller should know about the lineage of a statement, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// What happened, for a person.
    pub message: String,
    /// Where in the script.
    pub position: Position,
}

/// A statement whose lineage could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineageError {
    /// The statement does not parse in this dialect.
    #[error("statement {statement} ({dialect}) at {position}: {message}")]
    Parse {
        /// Index of the statement in the script, from 0.
        statement: usize,
        /// The dialect it was parsed as.
        dialect: Dialect,
        /// Where the parser stopped.
        position: Position,
        /// The parser's message.
        message: String,
    },
    /// The statement nests deeper than the analysis allows (a guard against stack
    /// exhaustion on hostile or generated input).
    #[error("statement {statement} ({dialect}) at {position}: nested too deeply to analyse")]
    TooDeep {
        /// Index of the statement in the script, from 0.
        statement: usize,
        /// The dialect it was parsed as.
        dialect: Dialect,
        /// Where the statement starts.
        position: Position,
    },
}

impl LineageError {
    /// Where the error is.
    pub fn position(&self) -> Position {
        match self {
            LineageError::Parse { position, .. } | LineageError::TooDeep { position, .. } => {
                *position
            }
        }
    }

    /// The message without the location prefix.
    pub fn message(&self) -> String {
        match self {
            LineageError::Parse { message, .. } => message.clone(),
            LineageError::TooDeep { .. } => "nested too deeply to analyse".to_owned(),
        }
    }
}

/// What kind of statement produced a [`Lineage`]; consumers treat reads, writes and
/// drops differently (a DROP ends a dataset's lifecycle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementKind {
    /// A query whose result goes to the client.
    Select,
    /// `INSERT` (with a query or `VALUES`), including `SELECT … INTO`.
    Insert,
    /// `CREATE TABLE … AS`, temporary or not.
    CreateTableAs,
    /// `CREATE TABLE` without a query.
    CreateTable,
    /// `CREATE [MATERIALIZED] VIEW`.
    CreateView,
    /// `MERGE`.
    Merge,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `ALTER TABLE … RENAME`.
    Rename,
    /// `DROP`.
    Drop,
    /// Anything else (`SET`, `GRANT`, …): no lineage.
    Other,
}

/// One source column of a target column (or of a whole dataset), with how it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputColumn {
    /// Dotted dataset name.
    pub dataset: String,
    /// Column, or `*` when the dataset's columns are unknown.
    pub column: String,
    /// How the value reaches the target.
    pub transformation: Transformation,
}

/// The sources of one target column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnLineage {
    /// Dotted name of the written dataset; `None` for a query's result columns.
    pub dataset: Option<String>,
    /// Target column; `*` when the columns of an unknown table pass through.
    pub column: String,
    /// Sources; empty for literals and `count(*)`.
    pub inputs: Vec<InputColumn>,
}

/// The lineage of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lineage {
    /// What the statement does.
    pub kind: StatementKind,
    /// Datasets read, in first-seen order.
    pub inputs: Vec<String>,
    /// Datasets written (or dropped, renamed), in order.
    pub outputs: Vec<String>,
    /// Per target column, in output order.
    pub columns: Vec<ColumnLineage>,
    /// Columns that affect every row of the output: filters, joins, grouping, ordering.
    pub dataset: Vec<InputColumn>,
    /// Warnings about what could not be resolved.
    pub diagnostics: Vec<Diagnostic>,
}

/// The analysis of one statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLineage {
    /// Index in the script, from 0.
    pub index: usize,
    /// Where the statement starts.
    pub position: Position,
    /// Its lineage, or why there is none.
    pub result: Result<Lineage, LineageError>,
}

/// The analysis of a whole script: one entry per statement, failed ones included, so a
/// bad statement never hides the lineage of the others.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScriptLineage {
    /// In script order.
    pub statements: Vec<StatementLineage>,
}

impl ScriptLineage {
    /// The statements that produced lineage.
    pub fn lineages(&self) -> impl Iterator<Item = &Lineage> {
        self.statements
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
    }

    /// The statements that failed.
    pub fn errors(&self) -> impl Iterator<Item = &LineageError> {
        self.statements
            .iter()
            .filter_map(|s| s.result.as_ref().err())
    }
}
