//! `weft lineage`: column lineage of a SQL script, from a file or stdin, without a store.
//!
//! The command is glue around [`weft_lineage::ScriptSplitter`] and
//! [`weft_lineage::ScriptAnalyzer`]: it reads the script a statement at a time and
//! writes each statement's lineage as soon as it is known, as the OpenLineage facet
//! (`json`), as one edge per line (`edges`, for scripts and diffs), or as a Graphviz
//! graph (`dot`). Memory is bounded by the largest statement, not the script: a dbt
//! project compiled into one file or a migration history of 100,000 statements streams.
//! The 1 MiB limit of [`weft_lineage::MAX_STATEMENT_BYTES`] applies per statement; a
//! longer statement is an error entry and the statements after it are still analysed.
//! Exit status: 0 when every statement was analysed, 3 when some did not parse (their
//! errors are in the output, the other statements' lineage too), 2 for bad arguments
//! or an unreadable script (what was analysed before the read failed is written).

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;
use weft_lineage::{
    Dialect, InputColumn, Lineage, NoSchema, Options, SchemaProvider, SchemaSnapshot,
    ScriptAnalyzer, ScriptSplitter, Severity, StatementKind, StatementLineage,
};

/// Output formats of `weft lineage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Per statement: inputs, outputs and the columnLineage facet keyed by output dataset.
    Json,
    /// One JSON object per edge (or failed statement) per line.
    Edges,
    /// A Graphviz digraph of column edges.
    Dot,
}

/// Arguments of `weft lineage`.
#[derive(Debug, clap::Args)]
pub struct LineageArgs {
    /// SQL dialect (generic, postgres, snowflake, bigquery, redshift, mysql, mssql, hive,
    /// spark, databricks, duckdb, sqlite, clickhouse, teradata).
    #[arg(long, default_value = "generic")]
    dialect: String,
    /// JSON schema: {"db.schema.table": ["col", …]} or {"db.schema.table": {"col": "type"}}.
    #[arg(long)]
    schema: Option<PathBuf>,
    /// Database of tables named without one.
    #[arg(long)]
    default_database: Option<String>,
    /// Schema of tables named without one.
    #[arg(long)]
    default_schema: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Namespace written on input fields of the facet.
    #[arg(long, default_value = "")]
    namespace: String,
    /// SQL file; `-` or nothing reads stdin. Read a statement at a time: scripts of any
    /// length stream, each statement up to 1 MiB.
    file: Option<PathBuf>,
}

/// The read buffer: large enough that reading is a small share of the work.
const READ_BUFFER: usize = 256 * 1024;

/// Runs the command, printing to stdout.
pub fn run(args: &LineageArgs) -> anyhow::Result<ExitCode> {
    let dialect: Dialect = args.dialect.parse()?;
    let snapshot = match &args.schema {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading schema {}", p.display()))?;
            Some(
                SchemaSnapshot::from_json(&text)
                    .with_context(|| format!("schema {}", p.display()))?,
            )
        }
        None => None,
    };
    let schema: &dyn SchemaProvider = match &snapshot {
        Some(s) => s,
        None => &NoSchema,
    };
    let options = Options {
        dialect,
        default_database: args.default_database.clone(),
        default_schema: args.default_schema.clone(),
        ..Options::default()
    };
    let stdin = io::stdin();
    let (input, source): (Box<dyn BufRead>, String) = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            let f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
            (
                Box::new(BufReader::with_capacity(READ_BUFFER, f)),
                p.display().to_string(),
            )
        }
        _ => (
            Box::new(BufReader::with_capacity(READ_BUFFER, stdin.lock())),
            "stdin".to_owned(),
        ),
    };
    let stdout = io::stdout();
    // A terminal shows each statement as it is done; a pipe or file gets full buffers.
    let interactive = stdout.is_terminal();
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut printer = Printer::new(args.format, &args.namespace);
    let mut analyzer = ScriptAnalyzer::new(&options, schema);
    let mut failed = false;
    for piece in ScriptSplitter::new(input, dialect) {
        let piece = piece.with_context(|| format!("reading {source}"))?;
        for s in analyzer.piece(&piece) {
            failed |= s.result.is_err();
            printer.statement(&mut out, &s)?;
        }
        if interactive {
            out.flush()?;
        }
    }
    printer.finish(&mut out)?;
    out.flush()?;
    Ok(if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes statements in one format as they come, with the format's opening and closing.
struct Printer<'a> {
    format: Format,
    namespace: &'a str,
    /// Statements written so far.
    written: usize,
    /// Reused serialization buffer.
    buf: Vec<u8>,
}

impl<'a> Printer<'a> {
    fn new(format: Format, namespace: &'a str) -> Self {
        Printer {
            format,
            namespace,
            written: 0,
            buf: Vec::new(),
        }
    }

    fn statement(&mut self, out: &mut impl Write, s: &StatementLineage) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            Format::Json => {
                // The whole report is `{"statements": [...]}` pretty-printed with two
                // spaces; each statement is printed alone and indented to its depth.
                out.write_all(if first {
                    b"{\n  \"statements\": [\n    "
                } else {
                    b",\n    "
                })?;
                self.buf.clear();
                serde_json::to_writer_pretty(&mut self.buf, &statement_json(s, self.namespace))?;
                for (i, line) in self.buf.split(|&b| b == b'\n').enumerate() {
                    if i > 0 {
                        out.write_all(b"\n    ")?;
                    }
                    out.write_all(line)?;
                }
            }
            Format::Edges => {
                for_each_edge(s, |e| {
                    serde_json::to_writer(&mut *out, &e)?;
                    out.write_all(b"\n")
                })?;
            }
            Format::Dot => {
                if first {
                    out.write_all(DOT_HEADER.as_bytes())?;
                }
                for_each_edge(s, |e| {
                    let Edge::Column {
                        source,
                        target,
                        kind,
                        subtype,
                        ..
                    } = e
                    else {
                        return Ok(());
                    };
                    let style = if kind == "INDIRECT" {
                        ",style=dashed"
                    } else {
                        ""
                    };
                    let target = if target.is_empty() {
                        "(result)"
                    } else {
                        &target
                    };
                    writeln!(
                        out,
                        "  {} -> {} [label={}{}];",
                        dot_id(&source),
                        dot_id(target),
                        dot_id(subtype),
                        style
                    )
                })?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            Format::Json if self.written == 0 => out.write_all(b"{\n  \"statements\": []\n}\n"),
            Format::Json => out.write_all(b"\n  ]\n}\n"),
            Format::Edges => Ok(()),
            Format::Dot => {
                if self.written == 0 {
                    out.write_all(DOT_HEADER.as_bytes())?;
                }
                out.write_all(b"}\n")
            }
        }
    }
}

const DOT_HEADER: &str = "digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n";

fn kind_name(k: StatementKind) -> &'static str {
    match k {
        StatementKind::Select => "select",
        StatementKind::Insert => "insert",
        StatementKind::CreateTableAs => "create_table_as",
        StatementKind::CreateTable => "create_table",
        StatementKind::CreateView => "create_view",
        StatementKind::Merge => "merge",
        StatementKind::Update => "update",
        StatementKind::Delete => "delete",
        StatementKind::Rename => "rename",
        StatementKind::Drop => "drop",
        _ => "other",
    }
}

// The structs below serialize with their fields in alphabetical order: the output was
// first written through `serde_json::Value`, whose maps sort their keys, and scripts
// compare it byte for byte.

/// A failed statement, in the `json` and `edges` formats.
#[derive(Serialize)]
struct ErrorJson {
    column: u64,
    error: String,
    line: u64,
    statement: usize,
}

fn error_json(s: &StatementLineage, e: &weft_lineage::LineageError) -> ErrorJson {
    let p = e.position();
    ErrorJson {
        column: p.column,
        error: e.message(),
        line: p.line,
        statement: s.index,
    }
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    column: u64,
    line: u64,
    message: &'a str,
    severity: &'static str,
}

#[derive(Serialize)]
struct LineageJson<'a> {
    column: u64,
    #[serde(rename = "columnLineage")]
    column_lineage: BTreeMap<String, Value>,
    diagnostics: Vec<DiagnosticJson<'a>>,
    inputs: &'a [String],
    kind: &'static str,
    line: u64,
    outputs: &'a [String],
    statement: usize,
}

#[derive(Serialize)]
#[serde(untagged)]
enum StatementJson<'a> {
    Failed(ErrorJson),
    Analysed(LineageJson<'a>),
}

fn statement_json<'a>(s: &'a StatementLineage, namespace: &str) -> StatementJson<'a> {
    let l = match &s.result {
        Err(e) => return StatementJson::Failed(error_json(s, e)),
        Ok(l) => l,
    };
    let column_lineage = l
        .column_lineage_facets(namespace)
        .into_iter()
        .map(|(k, f)| {
            (
                k.unwrap_or_default(),
                serde_json::to_value(f).unwrap_or(Value::Null),
            )
        })
        .collect();
    let diagnostics = l
        .diagnostics
        .iter()
        .map(|d| DiagnosticJson {
            column: d.position.column,
            line: d.position.line,
            message: &d.message,
            severity: if d.severity == Severity::Error {
                "error"
            } else {
                "warning"
            },
        })
        .collect();
    StatementJson::Analysed(LineageJson {
        column: s.position.column,
        column_lineage,
        diagnostics,
        inputs: &l.inputs,
        kind: kind_name(l.kind),
        line: s.position.line,
        outputs: &l.outputs,
        statement: s.index,
    })
}

/// One line of the `edges` format.
#[derive(Serialize)]
#[serde(untagged)]
enum Edge {
    Column {
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<&'static str>,
        masking: bool,
        source: String,
        statement: usize,
        subtype: &'static str,
        target: String,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Failed(ErrorJson),
}

/// Calls `f` with each edge of a statement (or its error), column edges first.
fn for_each_edge(
    s: &StatementLineage,
    mut f: impl FnMut(Edge) -> io::Result<()>,
) -> io::Result<()> {
    let l: &Lineage = match &s.result {
        Ok(l) => l,
        Err(e) => return f(Edge::Failed(error_json(s, e))),
    };
    let edge = |level, i: &InputColumn, target: String| Edge::Column {
        level,
        masking: i.transformation.masking,
        source: format!("{}.{}", i.dataset, i.column),
        statement: s.index,
        subtype: i.transformation.subtype.as_str(),
        target,
        kind: i.transformation.kind.as_str(),
    };
    for c in &l.columns {
        let target = match &c.dataset {
            Some(d) => format!("{d}.{}", c.column),
            None => c.column.clone(),
        };
        for i in &c.inputs {
            f(edge(None, i, target.clone()))?;
        }
    }
    let target = match (l.kind, l.outputs.first()) {
        (StatementKind::Select, _) | (_, None) => "",
        (_, Some(t)) => t.as_str(),
    };
    for i in &l.dataset {
        f(edge(Some("dataset"), i, target.to_owned()))?;
    }
    Ok(())
}

fn dot_id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
