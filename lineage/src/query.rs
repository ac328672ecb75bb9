//! Queries: CTEs, set operations, SELECT with its FROM clause, and the relations a FROM
//! clause can hold (tables, derived tables, UNNEST, FLATTEN, PIVOT, UNPIVOT).
//!
//! A query resolves to a [`Derived`]: its output columns with edges to base-table
//! columns, the unknown-column `*` slots it passes through, and the dataset-level edges
//! (filters, joins, grouping) from every level that feeds it.

use std::rc::Rc;

use sqlparser::ast::{
    Expr, GroupByExpr, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, OrderBy,
    OrderByKind, PivotValueSource, Query, Select, SelectItem, SelectItemQualifiedWildcardKind,
    SetExpr, TableAlias, TableFactor, TableWithJoins, Value, WildcardAdditionalOptions,
};

use crate::expr::{AliasRule, Ctx, Sink, arg_expr, dedup, derive_name, ident_pos};
use crate::scope::{Column, Derived, Edge, Hit, Name, RelKind, Relation, Scope};
use crate::statement::{Analyzer, TooDeep};
use crate::transform::Subtype;

impl<'a> Analyzer<'a> {
    /// Resolves a query; `top` when its ORDER BY orders the statement's output.
    pub(crate) fn query(
        &mut self,
        q: &Query,
        parent: Option<&Scope<'_>>,
        top: bool,
    ) -> Result<Derived, TooDeep> {
        self.enter()?;
        let mark = self.ctes.len();
        let r = self.query_inner(q, parent, top);
        self.ctes.truncate(mark);
        self.leave();
        r
    }

    fn query_inner(
        &mut self,
        q: &Query,
        parent: Option<&Scope<'_>>,
        top: bool,
    ) -> Result<Derived, TooDeep> {
        if let Some(with) = &q.with {
            self.push_ctes(with, parent)?;
        }
        let order_by = if top { q.order_by.as_ref() } else { None };
        self.set_expr(&q.body, parent, order_by)
    }

    /// Resolves the CTEs of a WITH clause and brings them into scope (the caller
    /// truncates `self.ctes` when the query ends).
    pub(crate) fn push_ctes(
        &mut self,
        with: &sqlparser::ast::With,
        parent: Option<&Scope<'_>>,
    ) -> Result<(), TooDeep> {
        for cte in &with.cte_tables {
            let name: Name = Rc::from(self.norm(&cte.alias.name));
            let d = if with.recursive {
                self.recursive_cte(&name, &cte.query, parent)?
            } else {
                self.query(&cte.query, parent, false)?
            };
            let d = rename_derived(d, &self.alias_columns(&cte.alias));
            self.ctes.push((name, Rc::new(d)));
        }
        Ok(())
    }

    /// `WITH RECURSIVE r AS (anchor UNION ALL step)`: the anchor gives r's columns, then
    /// the whole body is resolved with r standing for the anchor.
    fn recursive_cte(
        &mut self,
        name: &Name,
        q: &Query,
        parent: Option<&Scope<'_>>,
    ) -> Result<Derived, TooDeep> {
        let mut anchor: &SetExpr = &q.body;
        while let SetExpr::SetOperation { left, .. } = anchor {
            anchor = left;
        }
        let first = self.set_expr(anchor, parent, None)?;
        self.ctes.push((name.clone(), Rc::new(first)));
        let all = self.query(q, parent, false);
        self.ctes.pop();
        all
    }

    fn set_expr(
        &mut self,
        body: &SetExpr,
        parent: Option<&Scope<'_>>,
        order_by: Option<&OrderBy>,
    ) -> Result<Derived, TooDeep> {
        match body {
            SetExpr::Select(s) => self.select(s, parent, order_by),
            SetExpr::Query(q) => {
                let d = self.query(q, parent, false)?;
                Ok(self.order_outputs(d, order_by))
            }
            SetExpr::SetOperation { .. } => {
                // Walk the left spine in a loop: long UNION chains are left-deep.
                let mut branches = Vec::new();
                let mut cur = body;
                while let SetExpr::SetOperation { left, right, .. } = cur {
                    branches.push(right.as_ref());
                    cur = left;
                }
                branches.push(cur);
                let mut result: Option<Derived> = None;
                for b in branches.into_iter().rev() {
                    let d = self.set_expr(b, parent, None)?;
                    result = Some(match result {
                        None => d,
                        Some(acc) => union(acc, d),
                    });
                }
                let mut result = result.unwrap_or_default();
                for c in &mut result.columns {
                    dedup(&mut c.edges);
                }
                dedup(&mut result.dataset);
                Ok(self.order_outputs(result, order_by))
            }
            SetExpr::Values(v) => {
                let scope = Scope::new(parent);
                let mut out = Derived::default();
                for row in &v.rows {
                    for (i, e) in row.iter().enumerate() {
                        let name: Name = Rc::from(format!("column{}", i + 1));
                        let c = self.column(name, e, &scope, &mut out.dataset)?;
                        match out.columns.get_mut(i) {
                            Some(existing) => existing.edges.extend(c.edges),
                            None => out.columns.push(c),
                        }
                    }
                }
                Ok(out)
            }
            SetExpr::Table(t) => {
                let Some(name) = &t.table_name else {
                    return Ok(Derived::default());
                };
                let mut parts = Vec::new();
                if let Some(s) = &t.schema_name {
                    parts.push(Rc::from(self.norm(s)));
                }
                parts.push(Rc::from(self.norm(name)));
                let rel = self.table_by_parts(parts, None, None);
                let (columns, stars) = rel.expand();
                Ok(Derived {
                    columns,
                    stars,
                    dataset: Vec::new(),
                })
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                Ok(Derived::default())
            }
        }
    }

    /// ORDER BY over a set operation or parenthesised query: by output name or position.
    fn order_outputs(&mut self, mut d: Derived, order_by: Option<&OrderBy>) -> Derived {
        let Some(OrderBy {
            kind: OrderByKind::Expressions(items),
            ..
        }) = order_by
        else {
            return d;
        };
        let sort = Ctx::new(Subtype::Sort);
        let mut edges = Vec::new();
        for o in items {
            let col = match &o.expr {
                Expr::Value(v) => ordinal(&v.value).and_then(|i| d.columns.get(i)),
                e => {
                    let n = derive_name(self, e);
                    d.columns.iter().find(|c| self.dialect.same(&c.name, &n))
                }
            };
            if let Some(c) = col {
                self.emit(&c.edges, sort, &mut edges);
            }
        }
        d.dataset.extend(edges);
        d
    }

    fn select(
        &mut self,
        s: &Select,
        parent: Option<&Scope<'_>>,
        order_by: Option<&OrderBy>,
    ) -> Result<Derived, TooDeep> {
        let mut out = Derived::default();
        let mut scope = Scope::new(parent);
        scope.windows = &s.named_window;
        for twj in &s.from {
            self.table_with_joins(twj, &mut scope, &mut out.dataset)?;
        }
        for lv in &s.lateral_views {
            let mut sink = Sink::default();
            self.expr(
                &lv.lateral_view,
                &scope,
                Ctx::new(Subtype::Transformation),
                &mut sink,
            )?;
            out.dataset.extend(sink.dataset);
            let alias = lv
                .lateral_view_name
                .0
                .last()
                .and_then(ObjectNamePart::as_ident)
                .map(|i| Rc::from(self.norm(i)));
            let columns = lv
                .lateral_col_alias
                .iter()
                .map(|i| Column {
                    name: Rc::from(self.norm(i)),
                    edges: sink.edges.clone(),
                })
                .collect();
            scope.rels.push(Relation {
                alias,
                written: Vec::new(),
                kind: RelKind::Derived(Rc::new(Derived {
                    columns,
                    ..Derived::default()
                })),
            });
        }
        for item in &s.projection {
            self.select_item(item, &mut scope, &mut out)?;
        }
        let clause = |me: &mut Self, e: &Expr, ctx: Ctx, out: &mut Derived| {
            let mut sink = Sink::default();
            me.expr(e, &scope, ctx, &mut sink)?;
            out.dataset.extend(sink.edges);
            out.dataset.extend(sink.dataset);
            Ok::<(), TooDeep>(())
        };
        let filter = Ctx::new(Subtype::Filter);
        for e in [&s.prewhere, &s.selection].into_iter().flatten() {
            clause(self, e, filter, &mut out)?;
        }
        if let GroupByExpr::Expressions(exprs, _) = &s.group_by {
            let g = Ctx::new(Subtype::GroupBy);
            for e in exprs {
                match e {
                    Expr::Value(v) => {
                        if let Some(c) = ordinal(&v.value).and_then(|i| out.columns.get(i)) {
                            let edges = c.edges.clone();
                            self.emit(&edges, g, &mut out.dataset);
                        }
                    }
                    e => clause(self, e, g, &mut out)?,
                }
            }
        }
        for e in [&s.having, &s.qualify].into_iter().flatten() {
            clause(self, e, filter, &mut out)?;
        }
        if let Some(OrderBy {
            kind: OrderByKind::Expressions(items),
            ..
        }) = order_by
        {
            let sort = Ctx {
                aliases: AliasRule::First,
                ..Ctx::new(Subtype::Sort)
            };
            for o in items {
                match &o.expr {
                    Expr::Value(v) => {
                        if let Some(c) = ordinal(&v.value).and_then(|i| out.columns.get(i)) {
                            let edges = c.edges.clone();
                            self.emit(&edges, Ctx::new(Subtype::Sort), &mut out.dataset);
                        }
                    }
                    e => clause(self, e, sort, &mut out)?,
                }
            }
        }
        dedup(&mut out.dataset);
        Ok(out)
    }

    fn select_item(
        &mut self,
        item: &SelectItem,
        scope: &mut Scope<'_>,
        out: &mut Derived,
    ) -> Result<(), TooDeep> {
        match item {
            SelectItem::UnnamedExpr(e) => {
                let name = derive_name(self, e);
                let c = self.column(name, e, scope, &mut out.dataset)?;
                scope.aliases.push(c.clone());
                out.columns.push(c);
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                let name: Name = Rc::from(self.norm(alias));
                let c = self.column(name, expr, scope, &mut out.dataset)?;
                scope.aliases.push(c.clone());
                out.columns.push(c);
            }
            SelectItem::ExprWithAliases { expr, aliases } => {
                for alias in aliases {
                    let name: Name = Rc::from(self.norm(alias));
                    let c = self.column(name, expr, scope, &mut out.dataset)?;
                    scope.aliases.push(c.clone());
                    out.columns.push(c);
                }
            }
            SelectItem::Wildcard(opts) => {
                let rels: Vec<usize> = (0..scope.rels.len()).collect();
                self.star(&rels, opts, scope, out)?;
            }
            SelectItem::QualifiedWildcard(kind, opts) => match kind {
                SelectItemQualifiedWildcardKind::ObjectName(name) => {
                    let q: Vec<Name> = self.name_parts(name);
                    let d = self.dialect;
                    let mut rels: Vec<usize> = (0..scope.rels.len())
                        .filter(|&i| scope.rels[i].answers_to(&q, d, true))
                        .collect();
                    if rels.is_empty() {
                        rels = (0..scope.rels.len())
                            .filter(|&i| scope.rels[i].answers_to(&q, d, false))
                            .collect();
                    }
                    if rels.is_empty() {
                        let at = name
                            .0
                            .first()
                            .and_then(ObjectNamePart::as_ident)
                            .map(ident_pos)
                            .unwrap_or_default();
                        self.warn(at, format!("`{name}.*` names no relation in scope"));
                    }
                    rels.truncate(1);
                    self.star(&rels, opts, scope, out)?;
                }
                SelectItemQualifiedWildcardKind::Expr(e) => {
                    let name = derive_name(self, e);
                    let c = self.column(name, e, scope, &mut out.dataset)?;
                    out.columns.push(c);
                }
            },
        }
        Ok(())
    }

    /// `*` / `t.*` over the given relations, with EXCEPT / EXCLUDE / REPLACE / RENAME.
    fn star(
        &mut self,
        rels: &[usize],
        opts: &WildcardAdditionalOptions,
        scope: &mut Scope<'_>,
        out: &mut Derived,
    ) -> Result<(), TooDeep> {
        let d = self.dialect;
        let mut excluded: Vec<Name> = Vec::new();
        if let Some(ex) = &opts.opt_exclude {
            match ex {
                sqlparser::ast::ExcludeSelectItem::Single(n) => {
                    excluded.extend(self.name_parts(n).last().cloned())
                }
                sqlparser::ast::ExcludeSelectItem::Multiple(ns) => {
                    for n in ns {
                        excluded.extend(self.name_parts(n).last().cloned());
                    }
                }
            }
        }
        if let Some(ex) = &opts.opt_except {
            excluded.push(Rc::from(self.norm(&ex.first_element)));
            for i in &ex.additional_elements {
                excluded.push(Rc::from(self.norm(i)));
            }
        }
        let first_new = out.columns.len();
        for &i in rels {
            let (cols, stars) = scope.rels[i].expand();
            for c in cols {
                if excluded.iter().any(|x| d.same(x, &c.name)) {
                    continue;
                }
                let merged = scope.using.iter().any(|u| d.same(u, &c.name));
                if merged
                    && let Some(existing) = out.columns[first_new..]
                        .iter_mut()
                        .find(|e| d.same(&e.name, &c.name))
                {
                    existing.edges.extend(c.edges);
                    continue;
                }
                out.columns.push(c);
            }
            out.stars.extend(stars);
        }
        if let Some(rep) = &opts.opt_replace {
            for item in &rep.items {
                let name: Name = Rc::from(self.norm(&item.column_name));
                let c = self.column(name.clone(), &item.expr, scope, &mut out.dataset)?;
                if let Some(slot) = out.columns[first_new..]
                    .iter_mut()
                    .find(|e| d.same(&e.name, &name))
                {
                    slot.edges = c.edges;
                }
            }
        }
        if let Some(ren) = &opts.opt_rename {
            let pairs: Vec<(Name, Name)> = match ren {
                sqlparser::ast::RenameSelectItem::Single(p) => {
                    vec![(Rc::from(self.norm(&p.ident)), Rc::from(self.norm(&p.alias)))]
                }
                sqlparser::ast::RenameSelectItem::Multiple(ps) => ps
                    .iter()
                    .map(|p| (Rc::from(self.norm(&p.ident)), Rc::from(self.norm(&p.alias))))
                    .collect(),
            };
            for (from, to) in pairs {
                if let Some(c) = out.columns[first_new..]
                    .iter_mut()
                    .find(|e| d.same(&e.name, &from))
                {
                    c.name = to;
                }
            }
        }
        for c in &out.columns[first_new..] {
            scope.aliases.push(c.clone());
        }
        Ok(())
    }

    pub(crate) fn table_with_joins(
        &mut self,
        twj: &TableWithJoins,
        scope: &mut Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<(), TooDeep> {
        self.table_factor(&twj.relation, scope, dataset)?;
        for join in &twj.joins {
            let before = scope.rels.len();
            match (&join.join_operator, &join.relation) {
                // SQL Server's APPLY is a lateral join: the applied subquery sees the
                // relations before it (`c.CustomerID` inside is the outer `c`).
                (
                    JoinOperator::CrossApply | JoinOperator::OuterApply,
                    TableFactor::Derived {
                        subquery, alias, ..
                    },
                ) => {
                    let mut d = self.query(subquery, Some(&*scope), false)?;
                    dataset.append(&mut d.dataset);
                    self.push_relation(Self::derived_relation(d), alias.as_ref(), scope);
                }
                _ => self.table_factor(&join.relation, scope, dataset)?,
            }
            let (constraint, extra) = match &join.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::Left(c)
                | JoinOperator::LeftOuter(c)
                | JoinOperator::Right(c)
                | JoinOperator::RightOuter(c)
                | JoinOperator::FullOuter(c)
                | JoinOperator::CrossJoin(c)
                | JoinOperator::Semi(c)
                | JoinOperator::LeftSemi(c)
                | JoinOperator::RightSemi(c)
                | JoinOperator::Anti(c)
                | JoinOperator::LeftAnti(c)
                | JoinOperator::RightAnti(c)
                | JoinOperator::StraightJoin(c) => (Some(c), None),
                JoinOperator::AsOf {
                    match_condition,
                    constraint,
                } => (Some(constraint), Some(match_condition)),
                _ => (None, None),
            };
            let join_ctx = Ctx::new(Subtype::Join);
            if let Some(e) = extra {
                self.join_expr(e, scope, dataset)?;
            }
            match constraint {
                Some(JoinConstraint::On(e)) => self.join_expr(e, scope, dataset)?,
                Some(JoinConstraint::Using(names) | JoinConstraint::UsingAlias(names, _)) => {
                    for n in names {
                        let Some(col) = self.name_parts(n).last().cloned() else {
                            continue;
                        };
                        self.using_column(&col, before, scope, join_ctx, dataset);
                        scope.using.push(col);
                    }
                }
                Some(JoinConstraint::Natural) => {
                    let left: Vec<Name> = scope.rels[..before]
                        .iter()
                        .flat_map(|r| r.expand().0)
                        .map(|c| c.name)
                        .collect();
                    let right: Vec<Name> = scope.rels[before..]
                        .iter()
                        .flat_map(|r| r.expand().0)
                        .map(|c| c.name)
                        .collect();
                    let d = self.dialect;
                    for col in left.iter().filter(|l| right.iter().any(|r| d.same(l, r))) {
                        self.using_column(col, before, scope, join_ctx, dataset);
                        scope.using.push(col.clone());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn join_expr(
        &mut self,
        e: &Expr,
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<(), TooDeep> {
        let mut sink = Sink::default();
        self.expr(e, scope, Ctx::new(Subtype::Join), &mut sink)?;
        dataset.extend(sink.edges);
        dataset.extend(sink.dataset);
        Ok(())
    }

    /// A `USING` / `NATURAL` key: a join edge from each side that has it.
    fn using_column(
        &mut self,
        col: &Name,
        split: usize,
        scope: &Scope<'_>,
        ctx: Ctx,
        dataset: &mut Vec<Edge>,
    ) {
        for range in [0..split, split..scope.rels.len()] {
            let mut hits = Vec::new();
            for r in &scope.rels[range] {
                if let Hit::Found(e) | Hit::Possible(e) = r.column(col, self.dialect) {
                    hits.push(e);
                }
            }
            if hits.len() == 1 {
                let e = hits.pop().unwrap_or_default();
                self.emit(&e, ctx, dataset);
            }
        }
    }

    fn alias_columns(&self, alias: &TableAlias) -> Vec<Name> {
        alias
            .columns
            .iter()
            .map(|c| Rc::from(self.norm(&c.name)))
            .collect()
    }

    fn push_relation(
        &mut self,
        mut rel: Relation,
        alias: Option<&TableAlias>,
        scope: &mut Scope<'_>,
    ) {
        if let Some(a) = alias {
            rel.alias = Some(Rc::from(self.norm(&a.name)));
            let cols = self.alias_columns(a);
            rel.rename(&cols);
        }
        scope.rels.push(rel);
    }

    fn derived_relation(d: Derived) -> Relation {
        Relation {
            alias: None,
            written: Vec::new(),
            kind: RelKind::Derived(Rc::new(d)),
        }
    }

    pub(crate) fn table_factor(
        &mut self,
        tf: &TableFactor,
        scope: &mut Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<(), TooDeep> {
        self.enter()?;
        let r = self.table_factor_inner(tf, scope, dataset);
        self.leave();
        r
    }

    fn table_factor_inner(
        &mut self,
        tf: &TableFactor,
        scope: &mut Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<(), TooDeep> {
        match tf {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if let Some(args) = args {
                    let fname = self.name_parts(name);
                    let exprs: Vec<&Expr> = args.args.iter().filter_map(arg_expr).collect();
                    let rel = self.table_function(&fname, &exprs, scope, dataset)?;
                    self.push_relation(rel, alias.as_ref(), scope);
                } else {
                    let rel = self.table(name, alias.as_ref());
                    // A CTE's, view's or script table's own filters and joins shape
                    // every row read through it.
                    if let RelKind::Derived(d) = &rel.kind {
                        dataset.extend(d.dataset.iter().cloned());
                    }
                    self.push_relation(rel, alias.as_ref(), scope);
                }
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let mut d = if *lateral {
                    self.query(subquery, Some(&*scope), false)?
                } else {
                    self.query(subquery, scope.parent, false)?
                };
                // A relation in scope is read for its columns only; its row-shaping
                // edges belong to the enclosing query, so they move there.
                dataset.append(&mut d.dataset);
                self.push_relation(Self::derived_relation(d), alias.as_ref(), scope);
            }
            TableFactor::TableFunction { expr, alias } => {
                let rel = match expr {
                    Expr::Function(f) => {
                        let fname = self.name_parts(&f.name);
                        let exprs: Vec<&Expr> = match &f.args {
                            sqlparser::ast::FunctionArguments::List(l) => {
                                l.args.iter().filter_map(arg_expr).collect()
                            }
                            _ => Vec::new(),
                        };
                        self.table_function(&fname, &exprs, scope, dataset)?
                    }
                    _ => Self::derived_relation(Derived::default()),
                };
                self.push_relation(rel, alias.as_ref(), scope);
            }
            TableFactor::Function {
                name, args, alias, ..
            } => {
                let fname = self.name_parts(name);
                let exprs: Vec<&Expr> = args.iter().filter_map(arg_expr).collect();
                let rel = self.table_function(&fname, &exprs, scope, dataset)?;
                self.push_relation(rel, alias.as_ref(), scope);
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset_alias,
                ..
            } => {
                let mut per_expr = Vec::new();
                for e in array_exprs {
                    let mut sink = Sink::default();
                    self.expr(e, scope, Ctx::new(Subtype::Transformation), &mut sink)?;
                    dataset.extend(sink.dataset);
                    per_expr.push(sink.edges);
                }
                let named: Vec<Name> = alias
                    .as_ref()
                    .map(|a| self.alias_columns(a))
                    .unwrap_or_default();
                let rel = if named.is_empty() && per_expr.len() == 1 {
                    // `UNNEST(arr) AS p`: p is the element; `p.f` a field of it.
                    Relation {
                        alias: alias.as_ref().map(|a| Rc::from(self.norm(&a.name))),
                        written: Vec::new(),
                        kind: RelKind::Element(per_expr.pop().unwrap_or_default()),
                    }
                } else {
                    let mut columns: Vec<Column> = per_expr
                        .into_iter()
                        .enumerate()
                        .map(|(i, edges)| Column {
                            name: named
                                .get(i)
                                .cloned()
                                .unwrap_or_else(|| Rc::from(format!("unnest{i}"))),
                            edges,
                        })
                        .collect();
                    if let Some(o) = with_offset_alias {
                        columns.push(Column {
                            name: Rc::from(self.norm(o)),
                            edges: Vec::new(),
                        });
                    }
                    Relation {
                        alias: alias.as_ref().map(|a| Rc::from(self.norm(&a.name))),
                        written: Vec::new(),
                        kind: RelKind::Derived(Rc::new(Derived {
                            columns,
                            ..Derived::default()
                        })),
                    }
                };
                scope.rels.push(rel);
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let before = scope.rels.len();
                self.table_with_joins(table_with_joins, scope, dataset)?;
                if let (Some(a), true) = (alias, scope.rels.len() == before + 1) {
                    let rel = scope.rels.pop();
                    if let Some(rel) = rel {
                        self.push_relation(rel, Some(a), scope);
                    }
                }
            }
            TableFactor::Pivot {
                table,
                aggregate_functions,
                value_column,
                value_source,
                alias,
                ..
            } => {
                let rel = self.pivot(
                    table,
                    aggregate_functions,
                    value_column,
                    value_source,
                    scope,
                    dataset,
                )?;
                self.push_relation(rel, alias.as_ref(), scope);
            }
            TableFactor::Unpivot {
                table,
                value,
                name,
                columns,
                alias,
                ..
            } => {
                let rel = self.unpivot(table, value, name, columns, scope, dataset)?;
                self.push_relation(rel, alias.as_ref(), scope);
            }
            TableFactor::MatchRecognize { table, .. } => {
                self.table_factor(table, scope, dataset)?;
            }
            other => {
                let at = crate::output::Position::default();
                self.warn(at, format!("relation not analysed: {other}"));
                scope.rels.push(Self::derived_relation(Derived::default()));
            }
        }
        Ok(())
    }

    /// A table-valued function: FLATTEN / EXPLODE / UNNEST expose the input's elements;
    /// others expose nothing we can name.
    fn table_function(
        &mut self,
        name: &[Name],
        args: &[&Expr],
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<Relation, TooDeep> {
        let fname = name.last().map(|n| n.to_lowercase()).unwrap_or_default();
        let mut sink = Sink::default();
        // What a table function produces is computed from its arguments (the elements
        // of an array, the fields of a document, the parts of a split string).
        let ctx = Ctx::new(Subtype::Transformation);
        let relevant: &[&Expr] = if fname == "flatten" {
            &args[..args.len().min(1)]
        } else {
            args
        };
        for a in relevant {
            self.expr(a, scope, ctx, &mut sink)?;
        }
        dataset.extend(sink.dataset);
        let elementwise = matches!(
            fname.as_str(),
            "unnest" | "explode" | "explode_outer" | "posexplode" | "posexplode_outer" | "inline"
        );
        let columns: Vec<Column> = if fname == "flatten" {
            ["value", "key", "path", "index", "this", "seq"]
                .iter()
                .map(|c| Column {
                    name: Rc::from(self.fold_str(c)),
                    edges: if *c == "seq" || *c == "index" {
                        Vec::new()
                    } else {
                        sink.edges.clone()
                    },
                })
                .collect()
        } else {
            // `UNNEST`/`explode`: the element (and its fields). Any other table function
            // (`STRING_SPLIT(c.tags, ',')`, `jsonb_array_elements(c.items)`,
            // `json_each(…)`): whatever column is read from its rows comes from the
            // columns its arguments read.
            return Ok(Relation {
                alias: None,
                written: Vec::new(),
                kind: if elementwise {
                    RelKind::Element(sink.edges)
                } else {
                    RelKind::Computed(sink.edges)
                },
            });
        };
        Ok(Self::derived_relation(Derived {
            columns,
            ..Derived::default()
        }))
    }

    /// Resolves the relation under a PIVOT/UNPIVOT into a scope of its own.
    fn inner_relation(
        &mut self,
        table: &TableFactor,
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<Scope<'static>, TooDeep> {
        // The inner scope must not borrow the outer one past this call, so lateral
        // references from a pivoted relation to earlier siblings are not supported.
        let _ = scope;
        let mut inner = Scope::new(None);
        self.table_factor(table, &mut inner, dataset)?;
        Ok(inner)
    }

    fn pivot(
        &mut self,
        table: &TableFactor,
        aggregates: &[sqlparser::ast::ExprWithAlias],
        value_column: &[Expr],
        source: &PivotValueSource,
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<Relation, TooDeep> {
        let inner = self.inner_relation(table, scope, dataset)?;
        let mut used: Vec<Name> = Vec::new();
        let mut aggs: Vec<(Option<Name>, Vec<Edge>)> = Vec::new();
        for a in aggregates {
            let mut sink = Sink::default();
            self.expr(&a.expr, &inner, Ctx::new(Subtype::Identity), &mut sink)?;
            collect_idents(&a.expr, self, &mut used);
            aggs.push((a.alias.as_ref().map(|i| Rc::from(self.norm(i))), sink.edges));
        }
        let mut key = Sink::default();
        for v in value_column {
            self.expr(v, &inner, Ctx::new(Subtype::Conditional), &mut key)?;
            collect_idents(v, self, &mut used);
        }
        let d = self.dialect;
        let (base, stars): (Vec<Column>, Vec<Vec<Name>>) = match inner.rels.first() {
            Some(r) => r.expand(),
            None => (Vec::new(), Vec::new()),
        };
        let mut columns: Vec<Column> = base
            .into_iter()
            .filter(|c| !used.iter().any(|u| d.same(u, &c.name)))
            .collect();
        let values: Vec<Name> = match source {
            PivotValueSource::List(items) => items
                .iter()
                .map(|v| match &v.alias {
                    Some(a) => Rc::from(self.norm(a)),
                    None => Rc::from(literal_text(&v.expr)),
                })
                .collect(),
            _ => Vec::new(),
        };
        for v in &values {
            for (alias, edges) in &aggs {
                let name: Name = match alias {
                    Some(a) => Rc::from(format!("{v}_{a}")),
                    None => v.clone(),
                };
                let mut all = edges.clone();
                all.extend(key.edges.iter().cloned());
                columns.push(Column { name, edges: all });
            }
        }
        Ok(Self::derived_relation(Derived {
            columns,
            stars,
            dataset: Vec::new(),
        }))
    }

    fn unpivot(
        &mut self,
        table: &TableFactor,
        value: &Expr,
        name: &sqlparser::ast::Ident,
        columns: &[sqlparser::ast::ExprWithAlias],
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<Relation, TooDeep> {
        let inner = self.inner_relation(table, scope, dataset)?;
        let value_names: Vec<Name> = match value {
            Expr::Tuple(items) => items.iter().map(|e| derive_name(self, e)).collect(),
            e => vec![derive_name(self, e)],
        };
        let mut used: Vec<Name> = Vec::new();
        let mut per_value: Vec<Vec<Edge>> = vec![Vec::new(); value_names.len()];
        let mut all = Vec::new();
        for c in columns {
            let items: Vec<&Expr> = match &c.expr {
                Expr::Tuple(items) => items.iter().collect(),
                e => vec![e],
            };
            for (i, e) in items.into_iter().enumerate() {
                let mut sink = Sink::default();
                self.expr(e, &inner, Ctx::new(Subtype::Identity), &mut sink)?;
                collect_idents(e, self, &mut used);
                if let Some(slot) = per_value.get_mut(i) {
                    slot.extend(sink.edges.iter().cloned());
                }
                all.extend(sink.edges);
            }
        }
        let d = self.dialect;
        let (base, stars) = match inner.rels.first() {
            Some(r) => r.expand(),
            None => (Vec::new(), Vec::new()),
        };
        let mut out: Vec<Column> = base
            .into_iter()
            .filter(|c| !used.iter().any(|u| d.same(u, &c.name)))
            .collect();
        let mut name_edges = Vec::new();
        self.emit(&all, Ctx::new(Subtype::Conditional), &mut name_edges);
        dedup(&mut name_edges);
        out.push(Column {
            name: Rc::from(self.norm(name)),
            edges: name_edges,
        });
        for (n, edges) in value_names.into_iter().zip(per_value) {
            out.push(Column { name: n, edges });
        }
        Ok(Self::derived_relation(Derived {
            columns: out,
            stars,
            dataset: Vec::new(),
        }))
    }

    /// A table reference: a CTE, a table of this script, or a catalog table.
    pub(crate) fn table(&mut self, name: &ObjectName, alias: Option<&TableAlias>) -> Relation {
        let parts = self.name_parts(name);
        let at = name
            .0
            .first()
            .and_then(ObjectNamePart::as_ident)
            .map(ident_pos)
            .unwrap_or_default();
        self.table_by_parts(parts, alias, Some(at))
    }

    pub(crate) fn table_by_parts(
        &mut self,
        parts: Vec<Name>,
        alias: Option<&TableAlias>,
        at: Option<crate::output::Position>,
    ) -> Relation {
        let _ = alias;
        if parts.len() == 1
            && let Some((_, d)) = self
                .ctes
                .iter()
                .rev()
                .find(|(n, _)| self.dialect.same(n, &parts[0]))
        {
            return Relation {
                alias: None,
                written: parts.clone(),
                kind: RelKind::Derived(d.clone()),
            };
        }
        let resolved = self.resolve_table(&parts, at.unwrap_or_default());
        self.read(&resolved.name);
        Relation {
            alias: None,
            written: parts,
            kind: resolved.kind,
        }
    }
}

/// A positional reference (`ORDER BY 2`), zero-based.
fn ordinal(v: &Value) -> Option<usize> {
    match v {
        Value::Number(n, _) => n.parse::<usize>().ok().and_then(|i| i.checked_sub(1)),
        _ => None,
    }
}

fn literal_text(e: &Expr) -> String {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// Column names an expression mentions (the last part of each reference).
fn collect_idents(e: &Expr, a: &Analyzer<'_>, out: &mut Vec<Name>) {
    match e {
        Expr::Identifier(i) => out.push(Rc::from(a.norm(i))),
        Expr::CompoundIdentifier(ids) => {
            if let Some(i) = ids.last() {
                out.push(Rc::from(a.norm(i)));
            }
        }
        Expr::Function(f) => {
            if let sqlparser::ast::FunctionArguments::List(l) = &f.args {
                for x in l.args.iter().filter_map(arg_expr) {
                    collect_idents(x, a, out);
                }
            }
        }
        Expr::Nested(x) | Expr::Cast { expr: x, .. } => collect_idents(x, a, out),
        Expr::BinaryOp { left, right, .. } => {
            collect_idents(left, a, out);
            collect_idents(right, a, out);
        }
        _ => {}
    }
}

/// Positional union of two query results (UNION / INTERSECT / EXCEPT).
fn union(mut left: Derived, right: Derived) -> Derived {
    for (i, c) in right.columns.into_iter().enumerate() {
        match left.columns.get_mut(i) {
            Some(l) => l.edges.extend(c.edges),
            None => left.columns.push(c),
        }
    }
    for (i, slot) in right.stars.into_iter().enumerate() {
        match left.stars.get_mut(i) {
            Some(l) => {
                for t in slot {
                    if !l.contains(&t) {
                        l.push(t);
                    }
                }
            }
            None => left.stars.push(slot),
        }
    }
    left.dataset.extend(right.dataset);
    left
}

/// Renames a result's columns by position (a CTE's or view's column list).
pub(crate) fn rename_derived(mut d: Derived, names: &[Name]) -> Derived {
    for (c, n) in d.columns.iter_mut().zip(names) {
        c.name = n.clone();
    }
    d
}
