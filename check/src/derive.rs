//! What a model's SQL produces: its output columns and, for each, the columns it reads
//! and how (weft-lineage), in dependency order.
//!
//! Names in a model's SQL resolve first against the models derived before it (a model
//! built in the same pull request is known by its new columns, not by the catalog's
//! copy), then against the snapshot's datasets. Each derived model then answers for
//! the models after it, so a chain of changed models is analysed as it will be built.

use std::collections::HashMap;

use weft_lineage::{
    ColumnLineage, Dialect, InputColumn, Options, Position, SchemaProvider, StatementKind,
    TableLookup, TableSchema, Transformation, analyze,
};

use crate::catalog::{Catalog, Lookup, parts, suffix_match};
use crate::model::{ColumnState, DatasetKey, InputState, ModelState, Problem};

/// A relation the pull request defines: its name and columns, and the catalog dataset
/// it is (or becomes).
#[derive(Debug, Clone)]
struct Override {
    parts: Vec<String>,
    name: String,
    columns: Vec<String>,
    key: DatasetKey,
}

/// The schema the SQL analysis sees: relations derived so far, then the snapshot.
#[derive(Debug)]
pub struct Schema<'a> {
    catalog: &'a Catalog,
    namespace: Option<&'a str>,
    overrides: Vec<Override>,
}

impl<'a> Schema<'a> {
    /// The snapshot's datasets, in `namespace` when given.
    pub fn new(catalog: &'a Catalog, namespace: Option<&'a str>) -> Schema<'a> {
        Schema {
            catalog,
            namespace,
            overrides: Vec::new(),
        }
    }

    /// Makes `relation` answer with `columns` from now on, as dataset `key`.
    pub fn define(&mut self, relation: &str, columns: Vec<String>, key: DatasetKey) {
        let p: Vec<String> = relation.split('.').map(str::to_lowercase).collect();
        self.overrides.retain(|o| o.parts != p);
        self.overrides.push(Override {
            parts: p,
            name: relation.to_owned(),
            columns,
            key,
        });
    }

    fn override_for(&self, name: &[&str]) -> Option<&Override> {
        let mut found = self.overrides.iter().filter(|o| {
            let p: Vec<&str> = o.parts.iter().map(String::as_str).collect();
            suffix_match(&p, name)
        });
        match (found.next(), found.next()) {
            (Some(o), None) => Some(o),
            _ => None,
        }
    }

    /// The dataset a name the analysis reported (a provider's full name) stands for.
    pub fn key_of(&self, full_name: &str) -> Option<DatasetKey> {
        let p = parts(full_name);
        if let Some(o) = self.override_for(&p) {
            return Some(o.key.clone());
        }
        match self.catalog.find(self.namespace, &p) {
            Lookup::Found(i) => Some(DatasetKey::of(&self.catalog.datasets[i])),
            _ => None,
        }
    }
}

impl SchemaProvider for Schema<'_> {
    fn table(&self, name: &[&str]) -> TableLookup<'_> {
        if let Some(o) = self.override_for(name) {
            return TableLookup::Found(TableSchema {
                name: &o.name,
                columns: &o.columns,
            });
        }
        match self.catalog.find(self.namespace, name) {
            Lookup::Found(i) => TableLookup::Found(TableSchema {
                name: &self.catalog.datasets[i].name,
                columns: self.catalog.column_names(i),
            }),
            Lookup::Ambiguous(_) => {
                // The analysis reports the candidates by name; the catalog's own
                // spellings are enough for that.
                let candidates = self
                    .catalog
                    .datasets
                    .iter()
                    .filter(|d| !d.deleted && suffix_match(&parts(&d.name), name))
                    .filter(|d| self.namespace.is_none_or(|ns| d.namespace == ns))
                    .map(|d| d.name.as_str())
                    .take(10)
                    .collect();
                TableLookup::Ambiguous(candidates)
            }
            Lookup::Missing => TableLookup::Missing,
        }
    }
}

/// The SQL dialect of a dbt adapter (`metadata.adapter_type`).
pub fn dialect_of_adapter(adapter: Option<&str>) -> Dialect {
    let name = match adapter.unwrap_or("generic") {
        "sqlserver" | "fabric" | "synapse" => "mssql",
        "spark" => "spark",
        other => other,
    };
    name.parse().unwrap_or_default()
}

/// One SQL text's analysis: the output columns of its last query or write, with
/// problems (parse errors are `deny`-worthy; unresolved names are notes).
pub fn derive_sql(
    sql: &str,
    dialect: Dialect,
    schema: &Schema<'_>,
) -> (Option<ModelState>, Vec<Problem>) {
    let options = Options {
        dialect,
        ..Options::default()
    };
    let script = analyze(sql, &options, schema);
    let mut problems = Vec::new();
    let mut last = None;
    for s in &script.statements {
        match &s.result {
            Ok(l) => {
                for d in &l.diagnostics {
                    problems.push(Problem::note(d.position, d.message.clone()));
                }
                if matches!(
                    l.kind,
                    StatementKind::Select
                        | StatementKind::Insert
                        | StatementKind::CreateTableAs
                        | StatementKind::CreateView
                        | StatementKind::Merge
                ) {
                    last = Some(l);
                }
            }
            Err(e) => problems.push(Problem::parse(parse_position(sql, e), e.message())),
        }
    }
    let state = last.map(|l| state_of(&l.columns, schema));
    (state, problems)
}

/// Where a parse error is: sqlparser's own location when it gives one; a statement
/// that ends too early ("found: EOF") has none, and is reported where it ends, which is
/// where a reader looks for the unclosed parenthesis, not at its first line.
pub fn parse_position(sql: &str, e: &weft_lineage::LineageError) -> Position {
    let at = e.position();
    if !e.message().contains("EOF") {
        return at;
    }
    let trimmed = sql.trim_end();
    let line = trimmed.lines().count().max(1) as u64;
    let column = trimmed
        .lines()
        .last()
        .map_or(1, |l| l.chars().count() as u64 + 1);
    if line > at.line {
        Position { line, column }
    } else {
        at
    }
}

/// The columns of one statement's lineage, as a model state.
pub fn state_of(columns: &[ColumnLineage], schema: &Schema<'_>) -> ModelState {
    let mut out = ModelState::default();
    for c in columns {
        let inputs: Vec<InputState> = c
            .inputs
            .iter()
            .filter_map(|i| input_of(i, schema))
            .collect();
        out.columns.push(ColumnState {
            data_type: None,
            name: c.column.clone(),
            inputs,
            line: None,
        });
    }
    out
}

fn input_of(i: &InputColumn, schema: &Schema<'_>) -> Option<InputState> {
    let dataset = schema.key_of(&i.dataset)?;
    Some(InputState {
        dataset,
        column: i.column.clone(),
        transformations: vec![i.transformation.clone()],
    })
}

/// Where each output column's expression is, by a plain reading of the model's source:
/// the line of `AS <column>` (or of the column's bare name in a select list).
///
/// weft-lineage reports positions for statements, not for select items, and the file a
/// reviewer reads is the source with Jinja, not the compiled SQL; the alias is the same
/// in both, so it is searched for in the source. `None` when it is not found once.
pub fn column_lines(source: &str, columns: &mut [ColumnState]) {
    let lower = source.to_lowercase();
    let lines: Vec<&str> = lower.lines().collect();
    for c in columns.iter_mut() {
        let name = c.name.to_lowercase();
        let mut hits = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| aliases(l, &name))
            .map(|(i, _)| i as u64 + 1);
        if let (Some(line), None) = (hits.next(), hits.next()) {
            c.line = Some(line);
        }
    }
}

/// Whether a line names `column` as an alias (`as column`, quoted or not).
fn aliases(line: &str, column: &str) -> bool {
    let words: Vec<&str> = line
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|w| w[0] == "as" && w[1] == column)
}

/// The types a model's YAML declares, else the type of an identity input in the
/// catalog: what the model's columns will have, as far as the catalog can tell.
pub fn fill_types(state: &mut ModelState, declared: &HashMap<String, String>, catalog: &Catalog) {
    for c in &mut state.columns {
        if let Some(t) = declared.get(&c.name.to_lowercase()) {
            c.data_type = Some(t.clone());
            continue;
        }
        if c.data_type.is_some() {
            continue;
        }
        if let [only] = &c.inputs[..]
            && only
                .transformations
                .iter()
                .all(|t| t.subtype == weft_lineage::Subtype::Identity)
            && let Some(d) = catalog.dataset(only.dataset.id)
        {
            c.data_type = d
                .columns
                .iter()
                .find(|col| col.name.eq_ignore_ascii_case(&only.column))
                .and_then(|col| col.data_type.clone());
        }
    }
}

/// Transformations of a stored edge, as the analysis reports them.
pub fn stored_transformations(json: &str) -> Vec<Transformation> {
    weft_lineage::graph::parse_transformations(json).unwrap_or_default()
}

/// A position in a model's compiled SQL mapped to its source file: the source line
/// holding the same text as the compiled line, when exactly one does; else the compiled
/// position itself.
pub fn source_position(compiled: &str, source: Option<&str>, at: Position) -> Position {
    let Some(source) = source else {
        return at;
    };
    let Some(text) = compiled
        .lines()
        .nth(at.line.saturating_sub(1) as usize)
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return at;
    };
    let mut hits = source.lines().enumerate().filter(|(_, l)| l.trim() == text);
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Position {
            line: i as u64 + 1,
            column: at.column,
        },
        _ => at,
    }
}
