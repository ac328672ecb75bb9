//! `weft lineage`: column lineage of a SQL script, from a file or stdin, without a store.
//!
//! The command is glue around [`weft_lineage::analyze`]: it reads the script and an
//! optional JSON schema file, then prints the result as the OpenLineage facet (`json`),
//! as one edge per line (`edges`, for scripts and diffs), or as a Graphviz graph (`dot`).
//! Exit status: 0 when every statement was analysed, 3 when some did not parse (their
//! errors are in the output, the other statements' lineage too), 2 for bad arguments.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};
use weft_lineage::{
    Dialect, Lineage, NoSchema, Options, SchemaProvider, SchemaSnapshot, ScriptLineage, Severity,
    StatementKind, StatementLineage,
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
    /// spark, databricks, duckdb, sqlite, clickhouse).
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
    /// SQL file; `-` or nothing reads stdin.
    file: Option<PathBuf>,
}

/// Runs the command, printing to stdout.
pub fn run(args: &LineageArgs) -> anyhow::Result<ExitCode> {
    let dialect: Dialect = args.dialect.parse()?;
    let sql = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        _ => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("reading stdin")?;
            s
        }
    };
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
    let script = weft_lineage::analyze(&sql, &options, schema);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &json_report(&script, &args.namespace))?;
            writeln!(out)?;
        }
        Format::Edges => {
            for line in edge_lines(&script) {
                writeln!(out, "{line}")?;
            }
        }
        Format::Dot => out.write_all(dot(&script).as_bytes())?,
    }
    Ok(if script.errors().next().is_some() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

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

fn error_json(s: &StatementLineage, e: &weft_lineage::LineageError) -> Value {
    let p = e.position();
    json!({"statement": s.index, "error": e.message(), "line": p.line, "column": p.column})
}

fn json_report(script: &ScriptLineage, namespace: &str) -> Value {
    let statements: Vec<Value> = script
        .statements
        .iter()
        .map(|s| match &s.result {
            Err(e) => error_json(s, e),
            Ok(l) => {
                let facets: serde_json::Map<String, Value> = l
                    .column_lineage_facets(namespace)
                    .into_iter()
                    .map(|(k, f)| {
                        (
                            k.unwrap_or_default(),
                            serde_json::to_value(f).unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                let diagnostics: Vec<Value> = l
                    .diagnostics
                    .iter()
                    .map(|d| {
                        json!({
                            "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                            "message": d.message,
                            "line": d.position.line,
                            "column": d.position.column,
                        })
                    })
                    .collect();
                json!({
                    "statement": s.index,
                    "line": s.position.line,
                    "column": s.position.column,
                    "kind": kind_name(l.kind),
                    "inputs": l.inputs,
                    "outputs": l.outputs,
                    "columnLineage": facets,
                    "diagnostics": diagnostics,
                })
            }
        })
        .collect();
    json!({ "statements": statements })
}

fn column_edges(index: usize, l: &Lineage, out: &mut Vec<Value>) {
    for c in &l.columns {
        let target = match &c.dataset {
            Some(d) => format!("{d}.{}", c.column),
            None => c.column.clone(),
        };
        for i in &c.inputs {
            out.push(json!({
                "statement": index,
                "target": target,
                "source": format!("{}.{}", i.dataset, i.column),
                "type": i.transformation.kind.as_str(),
                "subtype": i.transformation.subtype.as_str(),
                "masking": i.transformation.masking,
            }));
        }
    }
    let target = l.outputs.first().cloned().unwrap_or_default();
    for i in &l.dataset {
        out.push(json!({
            "statement": index,
            "level": "dataset",
            "target": if l.kind == StatementKind::Select { String::new() } else { target.clone() },
            "source": format!("{}.{}", i.dataset, i.column),
            "type": i.transformation.kind.as_str(),
            "subtype": i.transformation.subtype.as_str(),
            "masking": i.transformation.masking,
        }));
    }
}

fn edge_lines(script: &ScriptLineage) -> Vec<Value> {
    let mut out = Vec::new();
    for s in &script.statements {
        match &s.result {
            Ok(l) => column_edges(s.index, l, &mut out),
            Err(e) => out.push(error_json(s, e)),
        }
    }
    out
}

fn dot_id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(script: &ScriptLineage) -> String {
    let mut s = String::from("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n");
    for e in edge_lines(script) {
        let (Some(src), Some(tgt)) = (e["source"].as_str(), e["target"].as_str()) else {
            continue;
        };
        let style = if e["type"] == "INDIRECT" {
            ",style=dashed"
        } else {
            ""
        };
        let label = e["subtype"].as_str().unwrap_or_default();
        s.push_str(&format!(
            "  {} -> {} [label={}{}];\n",
            dot_id(src),
            dot_id(if tgt.is_empty() { "(result)" } else { tgt }),
            dot_id(label),
            style
        ));
    }
    s.push_str("}\n");
    s
}
