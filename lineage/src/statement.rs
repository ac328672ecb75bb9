//! Statements: what each kind of statement reads and writes, and how its result columns
//! map onto the written table's columns.
//!
//! [`Analyzer`] holds the state of one statement's analysis (CTEs in scope, datasets
//! read, diagnostics, the depth guard); the script-wide [`ScriptCatalog`] carries tables
//! created by earlier statements.

use std::rc::Rc;

use sqlparser::ast::{
    AlterTableOperation, AssignmentTarget, CreateTable, CreateView, Delete, Expr, FromTable, Ident,
    Insert, MergeAction, MergeInsertKind, MergeUpdateKind, ObjectName, ObjectNamePart, ObjectType,
    OnConflict, OnConflictAction, OnInsert, Query, RenameTableNameKind, SetExpr, Statement,
    TableFactor, TableObject, Update, UpdateTableFromKind,
};

use crate::Options;
use crate::catalog::ScriptCatalog;
use crate::dialect::Dialect;
use crate::expr::{Ctx, Sink, dedup, ident_pos};
use crate::output::{ColumnLineage, Diagnostic, InputColumn, Lineage, Position, StatementKind};
use crate::schema::{SchemaCache, SchemaProvider, TableLookup};
use crate::scope::{Column, Derived, Edge, Hit, Name, RelKind, Relation, Scope};
use crate::transform::Subtype;

/// How deep the analysis may recurse (expressions, subqueries, relations) before it
/// gives up on a statement; sqlparser bounds most nesting already, this bounds the rest.
pub(crate) const MAX_DEPTH: usize = 200;

/// The statement nests deeper than [`MAX_DEPTH`].
#[derive(Debug)]
pub(crate) struct TooDeep;

/// A resolved table reference.
pub(crate) struct Resolved {
    pub name: Name,
    pub kind: RelKind,
}

/// The analysis state of one statement.
pub(crate) struct Analyzer<'a> {
    pub opts: &'a Options,
    pub schema: &'a dyn SchemaProvider,
    pub dialect: Dialect,
    pub catalog: &'a mut ScriptCatalog,
    /// Schema lookups of earlier references in the script.
    pub known: &'a mut SchemaCache,
    /// CTEs in scope, innermost last.
    pub ctes: Vec<(Name, Rc<Derived>)>,
    /// Datasets read, first-seen order.
    pub inputs: Vec<Name>,
    pub diagnostics: Vec<Diagnostic>,
    /// Functions enclosing the current expression, outermost first.
    pub functions: Vec<Name>,
    /// Lambda parameters in scope (`x -> x + 1`): names that are not columns.
    pub lambda_params: Vec<Name>,
    /// The row an upsert proposed, while its update half is read: what MySQL's
    /// `VALUES(x)` names.
    pub inserted_row: Option<Relation>,
    /// Where the statement starts, for diagnostics about the statement as a whole.
    pub position: Position,
    depth: usize,
}

impl<'a> Analyzer<'a> {
    pub(crate) fn new(
        opts: &'a Options,
        schema: &'a dyn SchemaProvider,
        catalog: &'a mut ScriptCatalog,
        known: &'a mut SchemaCache,
    ) -> Self {
        Analyzer {
            opts,
            schema,
            dialect: opts.dialect,
            catalog,
            known,
            ctes: Vec::new(),
            inputs: Vec::new(),
            diagnostics: Vec::new(),
            functions: Vec::new(),
            lambda_params: Vec::new(),
            inserted_row: None,
            position: Position::default(),
            depth: 0,
        }
    }

    pub(crate) fn enter(&mut self) -> Result<(), TooDeep> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(TooDeep);
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn norm(&self, i: &Ident) -> String {
        self.dialect.normalize(i)
    }

    /// Folds a bare word as the dialect folds unquoted identifiers.
    pub(crate) fn fold_str(&self, s: &str) -> String {
        self.dialect.normalize(&Ident::new(s))
    }

    /// The normalized parts of a dotted name; BigQuery's quoted `project.dataset.table`
    /// is split, and partition decorators (`table$2024`) dropped.
    pub(crate) fn name_parts(&self, n: &ObjectName) -> Vec<Name> {
        let mut out: Vec<Name> = Vec::with_capacity(n.0.len());
        for p in &n.0 {
            let ObjectNamePart::Identifier(i) = p else {
                out.push(Rc::from(p.to_string()));
                continue;
            };
            let s = self.norm(i);
            if i.quote_style.is_some() && self.dialect.quoted_paths() && s.contains('.') {
                out.extend(s.split('.').map(Rc::from));
            } else {
                out.push(Rc::from(s));
            }
        }
        if self.dialect.quoted_paths()
            && let Some(last) = out.last_mut()
            && let Some((base, _)) = last.split_once('$')
        {
            *last = Rc::from(base);
        }
        out
    }

    /// Adds the default database and schema to a partly qualified name.
    fn qualify(&self, parts: &[Name]) -> Vec<Name> {
        let mut q: Vec<Name> = Vec::with_capacity(3);
        if parts.len() < 3
            && let Some(db) = &self.opts.default_database
        {
            q.push(Rc::from(db.as_str()));
        }
        if parts.len() < 2
            && let Some(s) = &self.opts.default_schema
        {
            q.push(Rc::from(s.as_str()));
        }
        q.extend(parts.iter().cloned());
        q
    }

    /// Resolves a table name against the script's tables, then the schema.
    pub(crate) fn resolve_table(&mut self, parts: &[Name], at: Position) -> Resolved {
        let q = self.qualify(parts);
        let full: Name = Rc::from(join(&q));
        if let Some(t) = self.catalog.get(&full) {
            let kind = match &t.lineage {
                Some(d) => RelKind::Derived(d.clone()),
                None => RelKind::Table {
                    name: t.name.clone(),
                    columns: (!t.columns.is_empty()).then(|| Rc::from(t.columns.clone())),
                },
            };
            return Resolved {
                name: t.name.clone(),
                kind,
            };
        }
        if let Some((name, columns)) = self.known.get(&full) {
            return Resolved {
                name: name.clone(),
                kind: RelKind::Table {
                    name,
                    columns: Some(columns),
                },
            };
        }
        let refs: Vec<&str> = q.iter().map(|p| p.as_ref()).collect();
        match self.schema.table(&refs) {
            TableLookup::Found(t) => {
                let name: Name = if t.name.split('.').count() >= q.len() {
                    Rc::from(t.name)
                } else {
                    full.clone()
                };
                let columns: Rc<[Name]> = t.columns.iter().map(|c| Rc::from(c.as_str())).collect();
                self.known.insert(full, name.clone(), columns.clone());
                Resolved {
                    name: name.clone(),
                    kind: RelKind::Table {
                        name,
                        columns: Some(columns),
                    },
                }
            }
            TableLookup::Ambiguous(names) => {
                let msg = format!(
                    "table `{full}` is ambiguous in the schema ({}); its columns are unknown",
                    names.join(", ")
                );
                self.warn(at, msg);
                Resolved {
                    name: full.clone(),
                    kind: RelKind::Table {
                        name: full,
                        columns: None,
                    },
                }
            }
            TableLookup::Missing => Resolved {
                name: full.clone(),
                kind: RelKind::Table {
                    name: full,
                    columns: None,
                },
            },
        }
    }

    pub(crate) fn read(&mut self, name: &Name) {
        if !self.inputs.contains(name) {
            self.inputs.push(name.clone());
        }
    }

    /// A table written to: its full name and the columns known for it.
    fn target(&mut self, n: &ObjectName) -> (Name, Option<Vec<Name>>) {
        let parts = self.name_parts(n);
        let at = first_pos(n);
        let r = self.resolve_table(&parts, at);
        let columns = match &r.kind {
            RelKind::Table {
                columns: Some(c), ..
            } => Some(c.to_vec()),
            RelKind::Derived(d) => Some(d.columns.iter().map(|c| c.name.clone()).collect()),
            _ => None,
        };
        let name = match self.catalog.get(&r.name) {
            Some(t) => t.name.clone(),
            None => r.name,
        };
        (name, columns.filter(|c| !c.is_empty()))
    }

    /// Analyses one statement.
    pub(crate) fn statement(&mut self, st: &Statement) -> Result<Lineage, TooDeep> {
        let mut w = Writes::default();
        let kind = self.statement_into(st, &mut w)?;
        Ok(self.finish(kind, w))
    }

    fn statement_into(&mut self, st: &Statement, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        self.enter()?;
        let r = self.statement_inner(st, w);
        self.leave();
        r
    }

    fn statement_inner(
        &mut self,
        st: &Statement,
        w: &mut Writes,
    ) -> Result<StatementKind, TooDeep> {
        let kind = match st {
            // `WITH … INSERT/UPDATE/DELETE/MERGE`: the CTEs scope over the statement.
            Statement::Query(q)
                if matches!(
                    q.body.as_ref(),
                    SetExpr::Insert(_)
                        | SetExpr::Update(_)
                        | SetExpr::Delete(_)
                        | SetExpr::Merge(_)
                ) =>
            {
                let mark = self.ctes.len();
                if let Some(with) = &q.with {
                    self.push_ctes(with, None)?;
                }
                let inner = match q.body.as_ref() {
                    SetExpr::Insert(s)
                    | SetExpr::Update(s)
                    | SetExpr::Delete(s)
                    | SetExpr::Merge(s) => self.statement_into(s, w),
                    _ => Ok(StatementKind::Other),
                };
                self.ctes.truncate(mark);
                inner?
            }
            Statement::Query(q) => self.select_statement(q, w)?,
            Statement::Insert(ins) => self.insert(ins, w)?,
            Statement::CreateTable(ct) => self.create_table(ct, w)?,
            Statement::CreateView(cv) => self.create_view(cv, w)?,
            Statement::Merge(m) => {
                self.merge(&m.table, &m.source, &m.on, &m.clauses, w)?;
                StatementKind::Merge
            }
            Statement::Update(u) => self.update(u, w)?,
            Statement::Delete(d) => self.delete(d, w)?,
            Statement::AlterTable(at) => self.alter_table(&at.name, &at.operations, w),
            Statement::RenameTable(renames) => {
                for r in renames {
                    self.rename_table(&r.old_name, &r.new_name, w);
                }
                StatementKind::Rename
            }
            Statement::Drop {
                object_type: ObjectType::Table | ObjectType::View | ObjectType::MaterializedView,
                names,
                ..
            } => {
                for n in names {
                    let (name, _) = self.target(n);
                    self.catalog.drop_table(&name);
                    w.output(&name);
                }
                StatementKind::Drop
            }
            _ => StatementKind::Other,
        };
        Ok(kind)
    }

    fn finish(&mut self, kind: StatementKind, w: Writes) -> Lineage {
        if let Some((_, _, edges)) = w.columns.iter().find(|(_, n, _)| n.as_ref() == "*") {
            let tables: Vec<&str> = edges.iter().map(|e| e.source.table.as_ref()).collect();
            let msg = format!(
                "columns of {} are unknown: `*` is reported as a whole, give a schema to expand it",
                tables.join(", ")
            );
            self.warn(self.position, msg);
        }
        let columns = w
            .columns
            .into_iter()
            .map(|(dataset, column, mut edges)| {
                dedup(&mut edges);
                ColumnLineage {
                    dataset: dataset.as_deref().map(String::from),
                    column: String::from(&*column),
                    inputs: edges.iter().map(render).collect(),
                }
            })
            .collect();
        let mut dataset = w.dataset;
        dedup(&mut dataset);
        let outputs: Vec<String> = w.outputs.iter().map(|o| String::from(&**o)).collect();
        Lineage {
            kind,
            inputs: self
                .inputs
                .iter()
                .filter(|i| kind != StatementKind::Insert || !w.outputs.contains(i))
                .map(|i| String::from(&**i))
                .collect(),
            outputs,
            columns,
            dataset: dataset.iter().map(render).collect(),
            diagnostics: std::mem::take(&mut self.diagnostics),
        }
    }

    fn select_statement(&mut self, q: &Query, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let d = self.query(q, None, true)?;
        let into = match q.body.as_ref() {
            SetExpr::Select(s) => s.into.as_ref(),
            _ => None,
        };
        if let Some(Expr::Identifier(_) | Expr::CompoundIdentifier(_)) =
            into.and_then(|i| i.targets.first())
        {
            let Some(target) = into.and_then(|i| i.targets.first()) else {
                return Ok(StatementKind::Select);
            };
            let idents: Vec<Ident> = match target {
                Expr::Identifier(i) => vec![i.clone()],
                Expr::CompoundIdentifier(ids) => ids.clone(),
                _ => Vec::new(),
            };
            let name = ObjectName::from(idents);
            let temporary = into.is_some_and(|i| i.temporary);
            self.create_from_query(&name, d, &[], temporary, w);
            return Ok(StatementKind::CreateTableAs);
        }
        w.query_result(d);
        Ok(StatementKind::Select)
    }

    /// Registers a table or view defined by a query and writes its columns.
    fn create_from_query(
        &mut self,
        name: &ObjectName,
        d: Derived,
        columns: &[Name],
        temporary: bool,
        w: &mut Writes,
    ) {
        let parts = self.name_parts(name);
        let full: Name = Rc::from(join(&self.qualify(&parts)));
        let temporary = temporary || parts.last().is_some_and(|p| p.starts_with('#'));
        let d = crate::query::rename_derived(d, columns);
        let names: Vec<Name> = d.columns.iter().map(|c| c.name.clone()).collect();
        w.write_all(&full, &d);
        self.catalog
            .define(full, names, Some(Rc::new(d)), temporary);
    }

    fn create_table(&mut self, ct: &CreateTable, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let columns: Vec<Name> = ct
            .columns
            .iter()
            .map(|c| Rc::from(self.norm(&c.name)))
            .collect();
        match &ct.query {
            Some(q) => {
                let d = self.query(q, None, true)?;
                self.create_from_query(&ct.name, d, &columns, ct.temporary, w);
                Ok(StatementKind::CreateTableAs)
            }
            None => {
                let parts = self.name_parts(&ct.name);
                let full: Name = Rc::from(join(&self.qualify(&parts)));
                let temporary = ct.temporary || parts.last().is_some_and(|p| p.starts_with('#'));
                self.catalog.define(full.clone(), columns, None, temporary);
                w.output(&full);
                Ok(StatementKind::CreateTable)
            }
        }
    }

    fn create_view(&mut self, cv: &CreateView, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let d = self.query(&cv.query, None, true)?;
        let columns: Vec<Name> = cv
            .columns
            .iter()
            .map(|c| Rc::from(self.norm(&c.name)))
            .collect();
        self.create_from_query(&cv.name, d, &columns, cv.temporary, w);
        Ok(StatementKind::CreateView)
    }

    fn insert(&mut self, ins: &Insert, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let TableObject::TableName(name) = &ins.table else {
            return Ok(StatementKind::Insert);
        };
        let (target, known) = self.target(name);
        w.output(&target);
        let Some(source) = &ins.source else {
            return Ok(StatementKind::Insert);
        };
        let target_columns = known.clone();
        let d = self.query(source, None, true)?;
        let listed: Vec<Name> = ins
            .columns
            .iter()
            .filter_map(|c| self.name_parts(c).last().cloned())
            .collect();
        let targets = if !listed.is_empty() {
            Some(listed)
        } else {
            known.map(|cols| {
                // Static partition columns (`PARTITION (dt = '…')`) take no select column.
                let fixed: Vec<Name> = ins
                    .partitioned
                    .iter()
                    .flatten()
                    .filter_map(|e| match e {
                        Expr::BinaryOp { left, .. } => match left.as_ref() {
                            Expr::Identifier(i) => Some(Rc::from(self.norm(i))),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                cols.into_iter()
                    .filter(|c| !fixed.iter().any(|f| f.eq_ignore_ascii_case(c)))
                    .collect()
            })
        };
        let d = match targets {
            Some(names) => {
                if d.stars.is_empty() && names.len() < d.columns.len() {
                    let at = first_pos(name);
                    self.warn(
                        at,
                        format!(
                            "INSERT writes {} columns into {} known columns of `{target}`",
                            d.columns.len(),
                            names.len()
                        ),
                    );
                }
                crate::query::rename_derived(d, &names)
            }
            None => d,
        };
        w.write_all(&target, &d);
        if let Some(on) = &ins.on {
            self.upsert(on, ins, name, (&target, target_columns), &d, w)?;
        }
        if let Some(t) = self.catalog.get_mut(&target)
            && t.temporary
        {
            let mut merged = t.lineage.as_deref().cloned().unwrap_or_default();
            for c in &d.columns {
                match merged.columns.iter_mut().find(|m| m.name == c.name) {
                    Some(m) => m.edges.extend(c.edges.iter().cloned()),
                    None => merged.columns.push(c.clone()),
                }
            }
            merged.dataset.extend(d.dataset.iter().cloned());
            t.lineage = Some(Rc::new(merged));
        }
        Ok(StatementKind::Insert)
    }

    fn merge(
        &mut self,
        table: &TableFactor,
        source: &TableFactor,
        on: &Expr,
        clauses: &[sqlparser::ast::MergeClause],
        w: &mut Writes,
    ) -> Result<(), TooDeep> {
        let TableFactor::Table { name, alias, .. } = table else {
            return Ok(());
        };
        let (target, known) = self.target(name);
        w.output(&target);
        let mut scope = Scope::new(None);
        let mut dataset = Vec::new();
        let rel = self.table(name, alias.as_ref());
        scope.rels.push(Relation {
            alias: alias.as_ref().map(|a| Rc::from(self.norm(&a.name))),
            ..rel
        });
        self.table_factor(source, &mut scope, &mut dataset)?;
        let mut sink = Sink::default();
        self.expr(on, &scope, Ctx::new(Subtype::Join), &mut sink)?;
        dataset.append(&mut sink.edges);
        dataset.append(&mut sink.dataset);
        for clause in clauses {
            if let Some(p) = &clause.predicate {
                let mut sink = Sink::default();
                self.expr(p, &scope, Ctx::new(Subtype::Filter), &mut sink)?;
                dataset.append(&mut sink.edges);
                dataset.append(&mut sink.dataset);
            }
            match &clause.action {
                MergeAction::Update(u) => match &u.kind {
                    MergeUpdateKind::Set(assignments) => {
                        for a in assignments {
                            self.assignment(&a.target, &a.value, &scope, &target, w, &mut dataset)?;
                        }
                    }
                    MergeUpdateKind::Wildcard => {
                        self.by_name(&scope.rels[1..], known.as_deref(), &target, w)
                    }
                },
                MergeAction::Insert(ins) if matches!(ins.kind, MergeInsertKind::Wildcard) => {
                    self.by_name(&scope.rels[1..], known.as_deref(), &target, w)
                }
                MergeAction::Insert(ins) => {
                    let cols: Vec<Name> = if ins.columns.is_empty() {
                        known.clone().unwrap_or_default()
                    } else {
                        ins.columns
                            .iter()
                            .filter_map(|c| self.name_parts(c).last().cloned())
                            .collect()
                    };
                    if let MergeInsertKind::Values(v) = &ins.kind {
                        for row in &v.rows {
                            for (col, e) in cols.iter().zip(row.iter()) {
                                let c = self.column(col.clone(), e, &scope, &mut dataset)?;
                                w.column(&target, c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        w.dataset.extend(dataset);
        Ok(())
    }

    /// The update half of an upsert: PostgreSQL's and SQLite's `ON CONFLICT DO UPDATE
    /// SET x = EXCLUDED.x`, MySQL's `ON DUPLICATE KEY UPDATE x = VALUES(x)` (or a row
    /// alias, `AS new … x = new.x`). The row proposed for insertion is a relation whose
    /// columns carry the inserted values' lineage; the target's own columns are the
    /// existing row's (`SET n = t.n + 1` reads the target).
    fn upsert(
        &mut self,
        on: &OnInsert,
        ins: &Insert,
        name: &ObjectName,
        (target, known): (&Name, Option<Vec<Name>>),
        inserted: &Derived,
        w: &mut Writes,
    ) -> Result<(), TooDeep> {
        let (assignments, selection) = match on {
            OnInsert::DuplicateKeyUpdate(a) => (a, None),
            OnInsert::OnConflict(OnConflict {
                action: OnConflictAction::DoUpdate(u),
                ..
            }) => (&u.assignments, u.selection.as_ref()),
            _ => return Ok(()),
        };
        let mut existing = self.table(name, None);
        if let Some(a) = &ins.table_alias {
            existing.alias = Some(Rc::from(self.norm(&a.alias)));
        }
        if let (RelKind::Table { columns, .. }, Some(k)) = (&mut existing.kind, known) {
            *columns = Some(Rc::from(k));
        }
        let row_alias = match &ins.insert_alias {
            Some(a) => self.name_parts(&a.row_alias).last().cloned(),
            // Only PostgreSQL and SQLite name the proposed row `excluded`.
            None if matches!(on, OnInsert::OnConflict(_)) => Some(Rc::from(
                self.dialect.normalized(&Ident::new("excluded")).as_ref(),
            )),
            None => None,
        };
        let mut row = Relation {
            alias: row_alias,
            written: Vec::new(),
            kind: RelKind::Derived(Rc::new(Derived {
                columns: inserted.columns.clone(),
                stars: inserted.stars.clone(),
                dataset: Vec::new(),
            })),
        };
        if let Some(cols) = ins
            .insert_alias
            .as_ref()
            .and_then(|a| a.col_aliases.as_ref())
        {
            let names: Vec<Name> = cols.iter().map(|c| Rc::from(self.norm(c))).collect();
            row.rename(&names);
        }
        let mut scope = Scope::new(None);
        scope.rels.push(existing);
        if row.alias.is_some() {
            scope.rels.push(row.clone());
        }
        let mut dataset = Vec::new();
        let outer = self.inserted_row.replace(row);
        let r = assignments.iter().try_for_each(|a| {
            self.assignment(&a.target, &a.value, &scope, target, w, &mut dataset)
        });
        self.inserted_row = outer;
        r?;
        if let Some(sel) = selection {
            let mut sink = Sink::default();
            self.expr(sel, &scope, Ctx::new(Subtype::Filter), &mut sink)?;
            dataset.append(&mut sink.edges);
            dataset.append(&mut sink.dataset);
        }
        w.dataset.extend(dataset);
        Ok(())
    }

    /// Delta's `UPDATE SET *` and `INSERT *` of a MERGE: each target column takes the
    /// source column of the same name, as is. With the target's columns known, those
    /// the source has (a column the source lacks keeps its value); otherwise every
    /// column the source has, and its unknown ones as `target.*`.
    fn by_name(&self, sources: &[Relation], known: Option<&[Name]>, target: &Name, w: &mut Writes) {
        let d = self.dialect;
        let mut written = Derived::default();
        match known {
            Some(cols) => {
                for col in cols {
                    let hits = sources.iter().map(|r| r.column(col, d));
                    let edges: Vec<Edge> = hits
                        .filter_map(|h| match h {
                            Hit::Found(e) | Hit::Possible(e) => Some(e.into_owned()),
                            Hit::Ambiguous | Hit::Missing => None,
                        })
                        .flatten()
                        .collect();
                    if !edges.is_empty() {
                        written.columns.push(Column {
                            name: col.clone(),
                            edges,
                        });
                    }
                }
            }
            None => {
                for r in sources {
                    let (columns, stars) = r.expand();
                    written.columns.extend(columns);
                    written.stars.extend(stars);
                }
            }
        }
        w.write_all(target, &written);
    }

    /// `SET col = expr` (or `(a, b) = (x, y)`) of an UPDATE or MERGE.
    fn assignment(
        &mut self,
        target_cols: &AssignmentTarget,
        value: &Expr,
        scope: &Scope<'_>,
        target: &Name,
        w: &mut Writes,
        dataset: &mut Vec<Edge>,
    ) -> Result<(), TooDeep> {
        match target_cols {
            AssignmentTarget::ColumnName(n) => {
                if let Some(col) = self.name_parts(n).last().cloned() {
                    let c = self.column(col, value, scope, dataset)?;
                    w.column(target, c);
                }
            }
            AssignmentTarget::Tuple(names) => {
                let values: Vec<&Expr> = match value {
                    Expr::Tuple(items) => items.iter().collect(),
                    other => vec![other; names.len()],
                };
                for (n, v) in names.iter().zip(values) {
                    if let Some(col) = self.name_parts(n).last().cloned() {
                        let c = self.column(col, v, scope, dataset)?;
                        w.column(target, c);
                    }
                }
            }
        }
        Ok(())
    }

    fn update(&mut self, u: &Update, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let mut scope = Scope::new(None);
        let mut dataset = Vec::new();
        self.table_with_joins(&u.table, &mut scope, &mut dataset)?;
        if let Some(UpdateTableFromKind::BeforeSet(f) | UpdateTableFromKind::AfterSet(f)) = &u.from
        {
            for twj in f {
                self.table_with_joins(twj, &mut scope, &mut dataset)?;
            }
        }
        let target = match &u.table.relation {
            TableFactor::Table { name, .. } => {
                let parts = self.name_parts(name);
                // T-SQL's `UPDATE t … FROM tab1 t`: the target is an alias from FROM.
                let aliased = (parts.len() == 1)
                    .then(|| {
                        scope.rels.iter().skip(1).find(|r| {
                            r.alias
                                .as_ref()
                                .is_some_and(|a| self.dialect.same(a, &parts[0]))
                        })
                    })
                    .flatten();
                match aliased.map(|r| &r.kind) {
                    Some(RelKind::Table { name, .. }) => Some(name.clone()),
                    _ => Some(self.target(name).0),
                }
            }
            _ => None,
        };
        let Some(target) = target else {
            return Ok(StatementKind::Update);
        };
        w.output(&target);
        for a in &u.assignments {
            self.assignment(&a.target, &a.value, &scope, &target, w, &mut dataset)?;
        }
        if let Some(sel) = &u.selection {
            let mut sink = Sink::default();
            self.expr(sel, &scope, Ctx::new(Subtype::Filter), &mut sink)?;
            dataset.append(&mut sink.edges);
            dataset.append(&mut sink.dataset);
        }
        w.dataset.extend(dataset);
        Ok(StatementKind::Update)
    }

    fn delete(&mut self, d: &Delete, w: &mut Writes) -> Result<StatementKind, TooDeep> {
        let mut scope = Scope::new(None);
        let mut dataset = Vec::new();
        let from = match &d.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
        };
        for twj in from {
            self.table_with_joins(twj, &mut scope, &mut dataset)?;
        }
        for twj in d.using.iter().flatten() {
            self.table_with_joins(twj, &mut scope, &mut dataset)?;
        }
        let targets: Vec<Name> = if d.tables.is_empty() {
            from.first()
                .and_then(|twj| match &twj.relation {
                    TableFactor::Table { name, .. } => Some(self.target(name).0),
                    _ => None,
                })
                .into_iter()
                .collect()
        } else {
            d.tables.iter().map(|n| self.target(n).0).collect()
        };
        for t in &targets {
            w.output(t);
        }
        if let Some(sel) = &d.selection {
            let mut sink = Sink::default();
            self.expr(sel, &scope, Ctx::new(Subtype::Filter), &mut sink)?;
            dataset.append(&mut sink.edges);
            dataset.append(&mut sink.dataset);
        }
        w.dataset.extend(dataset);
        Ok(StatementKind::Delete)
    }

    fn alter_table(
        &mut self,
        name: &ObjectName,
        ops: &[AlterTableOperation],
        w: &mut Writes,
    ) -> StatementKind {
        let mut kind = StatementKind::Other;
        for op in ops {
            match op {
                AlterTableOperation::RenameTable { table_name } => {
                    let to = match table_name {
                        RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                    };
                    self.rename_table(name, to, w);
                    kind = StatementKind::Rename;
                }
                AlterTableOperation::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let (table, _) = self.target(name);
                    self.read(&table);
                    let old: Name = Rc::from(self.norm(old_column_name));
                    let new: Name = Rc::from(self.norm(new_column_name));
                    if let Some(t) = self.catalog.get_mut(&table) {
                        for c in &mut t.columns {
                            if *c == old {
                                *c = new.clone();
                            }
                        }
                    }
                    w.output(&table);
                    w.column(
                        &table,
                        Column {
                            name: new,
                            edges: vec![crate::scope::identity(&table, old)],
                        },
                    );
                    kind = StatementKind::Rename;
                }
                _ => {}
            }
        }
        kind
    }

    fn rename_table(&mut self, from: &ObjectName, to: &ObjectName, w: &mut Writes) {
        let (old, _) = self.target(from);
        let parts = self.name_parts(to);
        let new: Name = Rc::from(join(&self.qualify(&parts)));
        self.catalog.rename(&old, new.clone());
        self.read(&old);
        w.output(&new);
    }
}

/// What a statement writes, collected while it is analysed.
#[derive(Default)]
struct Writes {
    outputs: Vec<Name>,
    columns: Vec<(Option<Name>, Name, Vec<Edge>)>,
    /// Where each (table, column) of `columns` is: finding it by a scan made a
    /// statement of n columns cost n² comparisons (minutes for 100,000 columns).
    at: std::collections::HashMap<(Name, Name), usize>,
    dataset: Vec<Edge>,
}

impl Writes {
    fn output(&mut self, name: &Name) {
        if !self.outputs.contains(name) {
            self.outputs.push(name.clone());
        }
    }

    fn column(&mut self, table: &Name, c: Column) {
        let key = (table.clone(), c.name.clone());
        match self.at.get(&key).and_then(|&i| self.columns.get_mut(i)) {
            Some((_, _, edges)) => edges.extend(c.edges),
            None => {
                self.at.insert(key, self.columns.len());
                self.columns.push((Some(table.clone()), c.name, c.edges));
            }
        }
    }

    /// Writes every column of `d` into `table`; unknown `*` columns as `table.*`.
    fn write_all(&mut self, table: &Name, d: &Derived) {
        self.output(table);
        for c in &d.columns {
            self.column(table, c.clone());
        }
        if let Some(c) = star_column(d) {
            self.column(table, c);
        }
        self.dataset.extend(d.dataset.iter().cloned());
    }

    fn query_result(&mut self, d: Derived) {
        let star = star_column(&d);
        for c in d.columns.into_iter().chain(star) {
            self.columns.push((None, c.name, c.edges));
        }
        self.dataset.extend(d.dataset);
    }
}

/// The pass-through of tables whose columns are unknown, as a `*` column.
fn star_column(d: &Derived) -> Option<Column> {
    if d.stars.is_empty() {
        return None;
    }
    let edges = d
        .stars
        .iter()
        .flatten()
        .map(|t| crate::scope::identity(t, Rc::from("*")))
        .collect();
    Some(Column {
        name: Rc::from("*"),
        edges,
    })
}

/// The output form of an edge. Names are copied with `String::from`: `to_string()` on an
/// `Rc<str>` goes through the formatting machinery, which cost 7% of the analysis.
fn render(e: &Edge) -> InputColumn {
    InputColumn {
        dataset: String::from(&*e.source.table),
        column: String::from(&*e.source.column),
        transformation: e.how.render(),
    }
}

pub(crate) fn join(parts: &[Name]) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(p);
    }
    s
}

fn first_pos(n: &ObjectName) -> Position {
    n.0.first()
        .and_then(ObjectNamePart::as_ident)
        .map(ident_pos)
        .unwrap_or_default()
}
