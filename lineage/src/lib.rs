//! SQL → column lineage.
//!
//! [`analyze`] parses a script in a [`Dialect`], resolves names against a
//! [`SchemaProvider`] (a [`SchemaSnapshot`] the catalog fills from its store), and returns
//! a [`ScriptLineage`]: per statement, the datasets read and written, each target
//! column's sources with OpenLineage transformations, dataset-level edges (filters,
//! joins, grouping, ordering), and diagnostics with line and column. A statement that
//! does not parse is an error entry; the others still get lineage. [`Lineage`] converts
//! to the OpenLineage ColumnLineageDatasetFacet with
//! [`Lineage::column_lineage_facets`].
//!
//! The [`graph`] module holds the lineage graph (petgraph) with transform-aware PII
//! propagation, for the server to keep in memory.
//!
//! [`analyze`] holds no state between calls and does no I/O. For scripts too long to
//! hold at once, [`ScriptSplitter`] reads statements from a reader one at a time and
//! [`ScriptAnalyzer`] analyses them in order, carrying what earlier ones created.
//!
//! ```
//! use weft_lineage::{analyze, Options, SchemaSnapshot, Subtype};
//!
//! let schema = SchemaSnapshot::from_json(r#"{"shop.users": ["id", "email"]}"#).unwrap();
//! let script = analyze(
//!     "INSERT INTO shop.digest SELECT id, sha256(email) AS email_hash FROM shop.users",
//!     &Options::default(),
//!     &schema,
//! );
//! let lineage = script.lineages().next().unwrap();
//! let hash = lineage.columns.iter().find(|c| c.column == "email_hash").unwrap();
//! assert_eq!(hash.inputs[0].column, "email");
//! assert_eq!(hash.inputs[0].transformation.subtype, Subtype::Transformation);
//! assert!(hash.inputs[0].transformation.masking);
//! ```

#![deny(missing_docs)]

mod catalog;
mod dialect;
mod expr;
mod facet;
pub mod graph;
mod output;
mod query;
mod rewrite;
mod schema;
mod scope;
mod script;
mod statement;
mod stream;
mod transform;

pub use dialect::{Dialect, UnknownDialect};
pub use facet::{COLUMN_LINEAGE_SCHEMA_URL, PRODUCER};
pub use output::{
    ColumnLineage, Diagnostic, InputColumn, Lineage, LineageError, Position, ScriptLineage,
    Severity, StatementKind, StatementLineage,
};
pub use schema::{NoSchema, SchemaError, SchemaProvider, SchemaSnapshot, TableLookup, TableSchema};
pub use stream::{MAX_STATEMENT_BYTES, ScriptAnalyzer, ScriptPiece, ScriptSplitter};
pub use transform::{FunctionRules, Subtype, Transformation, TransformationType};

/// How to read a script: its dialect, the names unqualified tables default to, and
/// which functions aggregate or mask.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The SQL dialect.
    pub dialect: Dialect,
    /// Database (catalog, BigQuery project) of tables named without one.
    pub default_database: Option<String>,
    /// Schema (BigQuery dataset) of tables named without one.
    pub default_schema: Option<String>,
    /// Aggregate and masking functions.
    pub functions: FunctionRules,
}

/// Computes the lineage of every statement of `sql`.
///
/// Never panics on bad input: unparseable statements, unbalanced quotes and nesting
/// beyond the parser's or the analysis's limits become [`LineageError`] entries.
pub fn analyze(sql: &str, options: &Options, schema: &dyn SchemaProvider) -> ScriptLineage {
    let mut analyzer = ScriptAnalyzer::new(options, schema);
    ScriptLineage {
        statements: analyzer.text(sql, Position { line: 1, column: 1 }),
    }
}
