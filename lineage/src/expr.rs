//! Expressions: which columns an expression reads, and how each reaches its result.
//!
//! The walk carries the transformation of the position it is in ([`Ctx`]): a bare
//! column is IDENTITY, an argument of a function TRANSFORMATION, of an aggregate
//! AGGREGATION; a CASE condition or a window's PARTITION BY turns the path INDIRECT.
//! Function names are kept on a stack so each edge can list them innermost first.

use std::borrow::Cow;
use std::rc::Rc;

use sqlparser::ast::{
    AccessExpr, CastKind, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentClause,
    FunctionArguments, Ident, InTarget, ObjectNamePart, Query, WindowSpec, WindowType,
};

use crate::dialect::Dialect;
use crate::output::{Position, Severity};
use crate::scope::{Column, Edge, Hit, Name, Scope, with_fields};
use crate::statement::{Analyzer, TooDeep};
use crate::transform::{How, Subtype, TransformationType};

/// Where in an expression the walk is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub subtype: Subtype,
    pub masking: bool,
    /// Whether select-list aliases may be referenced, and whether before columns
    /// (ORDER BY) or after them (WHERE-like clauses, lateral references).
    pub aliases: AliasRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AliasRule {
    /// Columns first; an alias only when no relation can have the name.
    After,
    /// Output aliases first (ORDER BY).
    First,
}

impl Ctx {
    pub fn new(subtype: Subtype) -> Ctx {
        Ctx {
            subtype,
            masking: false,
            aliases: AliasRule::After,
        }
    }

    /// A direct position strengthened to `s`; indirect positions stay as they are,
    /// because the hop nearest the target decides an indirect edge.
    fn direct(self, s: Subtype) -> Ctx {
        let subtype = if self.subtype.kind() == TransformationType::Direct {
            self.subtype.max(s)
        } else {
            self.subtype
        };
        Ctx { subtype, ..self }
    }

    fn indirect(self, s: Subtype) -> Ctx {
        let subtype = if self.subtype.kind() == TransformationType::Direct {
            s
        } else {
            self.subtype
        };
        Ctx { subtype, ..self }
    }
}

/// Column edges of an expression, plus dataset-level edges of subqueries inside it.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub edges: Vec<Edge>,
    pub dataset: Vec<Edge>,
}

pub(crate) fn ident_pos(i: &Ident) -> Position {
    Position {
        line: i.span.start.line,
        column: i.span.start.column,
    }
}

/// What one argument of a conditional function does: decides which value is returned
/// (INDIRECT/CONDITIONAL), is a value that may be returned (DIRECT/TRANSFORMATION), or
/// both (`NULLIF`'s first argument).
#[derive(Clone, Copy)]
struct ArgRole {
    decides: bool,
    value: bool,
}

const DECIDES: ArgRole = ArgRole {
    decides: true,
    value: false,
};
const VALUE: ArgRole = ArgRole {
    decides: false,
    value: true,
};

/// The dialects' function forms of `CASE`, read as `CASE` is: each argument's role, or
/// `None` when `name` with `n` arguments is not one of them.
///
/// - `IF`/`IFF`/`IIF(cond, a, b)` (BigQuery, MySQL, Spark; Snowflake; SQL Server);
/// - `DECODE(expr, search, result, …[, default])` (Oracle, Snowflake, Redshift) with at
///   least three arguments; two-argument `decode` is a character-set or base64 decoding
///   (PostgreSQL, Spark) and stays an ordinary function;
/// - `NVL2(expr, if_not_null, if_null)`;
/// - `NULLIF(a, b)`: `a` is returned and compared, `b` only compared.
fn conditional_roles(name: &str, n: usize) -> Option<Vec<ArgRole>> {
    match name {
        "if" | "iff" | "iif" if n >= 2 => Some(
            std::iter::once(DECIDES)
                .chain(std::iter::repeat_n(VALUE, n - 1))
                .collect(),
        ),
        "nvl2" if n == 3 => Some(vec![DECIDES, VALUE, VALUE]),
        "nullif" if n == 2 => Some(vec![
            ArgRole {
                decides: true,
                value: true,
            },
            DECIDES,
        ]),
        "decode" if n >= 3 => Some(
            (0..n)
                .map(|i| {
                    // expr, then (search, result) pairs, then an optional default.
                    if i == 0 || (i % 2 == 1 && i + 1 < n) {
                        DECIDES
                    } else {
                        VALUE
                    }
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Where a date or time function takes its unit (`day`, `MONTH`, `week(monday)`) as a
/// bare keyword, which must not be read as a column: first for `DATEADD(day, 1, d)`,
/// `DATEDIFF(month, a, b)`, `TIMESTAMPADD(MINUTE, 5, t)`, `DATEPART`, `DATENAME`,
/// `DATETRUNC` and Snowflake's `DATE_TRUNC(week, d)` / `DATE_PART(year, d)`; last for
/// BigQuery's `DATE_TRUNC(d, MONTH)`, `*_TRUNC`, `*_DIFF(a, b, DAY)` and `LAST_DAY(d,
/// MONTH)`. MySQL's two-argument `DATEDIFF(a, b)` takes no unit.
fn date_part_position(name: &str, n: usize, dialect: Dialect) -> Option<usize> {
    match name {
        "dateadd" | "datediff" | "datediff_big" | "timestampadd" | "timestampdiff" if n >= 3 => {
            Some(0)
        }
        "datepart" | "datename" | "datetrunc" | "date_part" if n == 2 => Some(0),
        "date_trunc" if n == 2 => Some(if dialect == Dialect::BigQuery { 1 } else { 0 }),
        "datetime_trunc" | "timestamp_trunc" | "time_trunc" | "date_diff" | "datetime_diff"
        | "timestamp_diff" | "time_diff" | "last_day"
            if n >= 2 =>
        {
            Some(n - 1)
        }
        _ => None,
    }
}

/// Whether `e` is a date or time unit written as a keyword: an unquoted name from the
/// dialects' unit lists (with their abbreviations), or BigQuery's `WEEK(<weekday>)`.
fn is_date_part(e: &Expr) -> bool {
    #[rustfmt::skip]
    const UNITS: &[&str] = &[
        "year", "years", "yy", "yyyy", "y", "yr", "yrs", "quarter", "quarters", "qq", "q",
        "qtr", "qtrs", "month", "months", "mm", "m", "mon", "mons", "week", "weeks", "wk",
        "ww", "w", "isoweek", "weekiso", "isoyear", "yearofweek", "yearofweekiso", "day",
        "days", "dd", "d", "dayofmonth", "dayofweek", "dayofweekiso", "weekday", "dw",
        "dow", "dayofyear", "dy", "doy", "hour", "hours", "hh", "h", "hr", "hrs", "minute",
        "minutes", "mi", "n", "min", "mins", "second", "seconds", "ss", "s", "sec", "secs",
        "millisecond", "milliseconds", "ms", "msec", "microsecond", "microseconds", "mcs",
        "us", "usec", "nanosecond", "nanoseconds", "ns", "nsec", "epoch", "date", "time",
        "datetime",
    ];
    match e {
        Expr::Identifier(i) => {
            i.quote_style.is_none() && UNITS.contains(&i.value.to_ascii_lowercase().as_str())
        }
        Expr::Function(f) => {
            matches!(function_name(f).as_str(), "week" | "isoweek")
                && match &f.args {
                    FunctionArguments::List(list) => list
                        .args
                        .iter()
                        .filter_map(arg_expr)
                        .all(|a| matches!(a, Expr::Identifier(i) if i.quote_style.is_none())),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// Ordered-set and hypothetical-set aggregates: the `WITHIN GROUP` ordering is the
/// value they aggregate.
const ORDERED_SET: &[&str] = &[
    "percentile_cont",
    "percentile_disc",
    "mode",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
];

/// The lower-cased last part of a function name (`pg_catalog.MD5` → `md5`).
fn function_name(f: &Function) -> String {
    match f.name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.to_lowercase(),
        Some(other) => other.to_string().to_lowercase(),
        None => String::new(),
    }
}

/// The name a select-list expression gets without an alias: a column's own name, the
/// inner name through a `::` cast (as Postgres names it), else the expression's text.
pub(crate) fn derive_name(a: &Analyzer<'_>, e: &Expr) -> Name {
    match e {
        Expr::Identifier(i) => Rc::from(a.norm(i)),
        Expr::CompoundIdentifier(ids) => match ids.last() {
            Some(i) => Rc::from(a.norm(i)),
            None => Rc::from(""),
        },
        Expr::CompoundFieldAccess { access_chain, .. } => match access_chain.last() {
            Some(AccessExpr::Dot(Expr::Identifier(i))) => Rc::from(a.norm(i)),
            _ => Rc::from(e.to_string()),
        },
        Expr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            ..
        } => derive_name(a, expr),
        _ => Rc::from(e.to_string()),
    }
}

impl Analyzer<'_> {
    /// Walks `e`, appending its column edges (as `ctx` transforms them) to `sink`.
    pub(crate) fn expr(
        &mut self,
        e: &Expr,
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        self.enter()?;
        let r = self.expr_inner(e, scope, ctx, sink);
        self.leave();
        r
    }

    fn expr_inner(
        &mut self,
        e: &Expr,
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        let t = ctx.direct(Subtype::Transformation);
        match e {
            Expr::Identifier(i) => self.column_ref(std::slice::from_ref(i), scope, ctx, sink),
            Expr::CompoundIdentifier(ids) => self.column_ref(ids, scope, ctx, sink),
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut ids: Vec<Ident> = Vec::new();
                if let Expr::Identifier(i) = root.as_ref() {
                    ids.push(i.clone());
                } else if let Expr::CompoundIdentifier(parts) = root.as_ref() {
                    ids.extend(parts.iter().cloned());
                }
                // The leading `.name` parts belong to the column's name (`e.tags` in
                // `e.tags[0]`, `e.v` in `e.v:a.b`); what follows a subscript is a path
                // inside the value, never a column.
                let dots = access_chain
                    .iter()
                    .take_while(|a| matches!(a, AccessExpr::Dot(Expr::Identifier(_))))
                    .count();
                if !ids.is_empty() {
                    ids.extend(access_chain[..dots].iter().filter_map(|a| match a {
                        AccessExpr::Dot(Expr::Identifier(i)) => Some(i.clone()),
                        _ => None,
                    }));
                }
                match dots == access_chain.len() {
                    true if !ids.is_empty() => self.column_ref(&ids, scope, ctx, sink),
                    _ => {
                        if ids.is_empty() {
                            self.expr(root, scope, t, sink)?;
                        } else {
                            self.column_ref(&ids, scope, t, sink)?;
                        }
                        for a in &access_chain[dots..] {
                            if let AccessExpr::Subscript(sqlparser::ast::Subscript::Index {
                                index,
                            }) = a
                            {
                                self.expr(index, scope, t, sink)?;
                            }
                        }
                        Ok(())
                    }
                }
            }
            Expr::JsonAccess { value, .. } => self.expr(value, scope, t, sink),
            Expr::BinaryOp { left, right, .. } => {
                // Left-deep chains (`a + b + c + …`) can be arbitrarily long: walk the
                // left spine in a loop, so only right operands recurse.
                let mut cur: &Expr = left;
                self.expr(right, scope, t, sink)?;
                while let Expr::BinaryOp { left, right, .. } = cur {
                    self.expr(right, scope, t, sink)?;
                    cur = left;
                }
                self.expr(cur, scope, t, sink)
            }
            Expr::Nested(inner) => self.expr(inner, scope, ctx, sink),
            Expr::Collate { expr, .. } => self.expr(expr, scope, ctx, sink),
            Expr::Named { expr, .. } => self.expr(expr, scope, ctx, sink),
            Expr::UnaryOp { expr, .. }
            | Expr::IsFalse(expr)
            | Expr::IsNotFalse(expr)
            | Expr::IsTrue(expr)
            | Expr::IsNotTrue(expr)
            | Expr::IsNull(expr)
            | Expr::IsNotNull(expr)
            | Expr::IsUnknown(expr)
            | Expr::IsNotUnknown(expr)
            | Expr::IsJson { expr, .. }
            | Expr::IsNormalized { expr, .. }
            | Expr::Cast { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Ceil { expr, .. }
            | Expr::Floor { expr, .. }
            | Expr::OuterJoin(expr)
            | Expr::Prior(expr)
            | Expr::Prefixed { value: expr, .. } => self.expr(expr, scope, t, sink),
            Expr::Convert { expr, styles, .. } => {
                self.expr(expr, scope, t, sink)?;
                self.exprs(styles, scope, t, sink)
            }
            Expr::IsDistinctFrom(a, b)
            | Expr::IsNotDistinctFrom(a, b)
            | Expr::AtTimeZone {
                timestamp: a,
                time_zone: b,
            }
            | Expr::Position { expr: a, r#in: b }
            | Expr::AnyOp {
                left: a, right: b, ..
            }
            | Expr::AllOp {
                left: a, right: b, ..
            } => {
                self.expr(a, scope, t, sink)?;
                self.expr(b, scope, t, sink)
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::ILike {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::SimilarTo {
                expr,
                pattern,
                escape_char,
                ..
            } => {
                self.expr(expr, scope, t, sink)?;
                self.expr(pattern, scope, t, sink)?;
                if let Some(c) = escape_char {
                    self.expr(c, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::RLike { expr, pattern, .. } => {
                self.expr(expr, scope, t, sink)?;
                self.expr(pattern, scope, t, sink)
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                self.expr(expr, scope, t, sink)?;
                self.expr(low, scope, t, sink)?;
                self.expr(high, scope, t, sink)
            }
            Expr::In { expr, target, .. } => {
                self.expr(expr, scope, t, sink)?;
                match target {
                    InTarget::List(list) => self.exprs(list, scope, t, sink),
                    InTarget::Subquery(q) => self.subquery(q, scope, t, sink, true),
                    InTarget::Unnest(e) => self.expr(e, scope, t, sink),
                    InTarget::Table { .. } => Ok(()),
                }
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                self.expr(expr, scope, t, sink)?;
                for x in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(x, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                self.expr(expr, scope, t, sink)?;
                if let Some(w) = trim_what {
                    self.expr(w, scope, t, sink)?;
                }
                if let Some(cs) = trim_characters {
                    self.exprs(cs, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.expr(expr, scope, t, sink)?;
                self.expr(overlay_what, scope, t, sink)?;
                self.expr(overlay_from, scope, t, sink)?;
                if let Some(f) = overlay_for {
                    self.expr(f, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Function(f) => self.function(f, scope, ctx, sink),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let cond = ctx.indirect(Subtype::Conditional);
                if let Some(op) = operand {
                    self.expr(op, scope, cond, sink)?;
                }
                for w in conditions {
                    self.expr(&w.condition, scope, cond, sink)?;
                    self.expr(&w.result, scope, t, sink)?;
                }
                if let Some(e) = else_result {
                    self.expr(e, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Exists { subquery, .. } => self.subquery(subquery, scope, t, sink, false),
            Expr::Subquery(q) => self.subquery(q, scope, ctx, sink, true),
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    self.exprs(set, scope, ctx, sink)?;
                }
                Ok(())
            }
            Expr::Tuple(items) => self.exprs(items, scope, ctx, sink),
            Expr::Struct { values, .. } => self.exprs(values, scope, t, sink),
            Expr::Array(a) => self.exprs(&a.elem, scope, t, sink),
            Expr::Dictionary(fields) => {
                for f in fields {
                    self.expr(&f.value, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    self.expr(&entry.key, scope, t, sink)?;
                    self.expr(&entry.value, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Interval(i) => self.expr(&i.value, scope, t, sink),
            Expr::MatchAgainst { columns, .. } => {
                for c in columns {
                    let ids: Vec<Ident> =
                        c.0.iter().filter_map(|p| p.as_ident().cloned()).collect();
                    self.column_ref(&ids, scope, t, sink)?;
                }
                Ok(())
            }
            Expr::Lambda(l) => {
                let mark = self.lambda_params.len();
                for p in l.params.iter() {
                    let n = self.norm(&p.name);
                    self.lambda_params.push(Rc::from(n));
                }
                let r = self.expr(&l.body, scope, t, sink);
                self.lambda_params.truncate(mark);
                r
            }
            Expr::MemberOf(m) => {
                self.expr(&m.value, scope, t, sink)?;
                self.expr(&m.array, scope, t, sink)
            }
            Expr::Value(_)
            | Expr::TypedString(_)
            | Expr::Wildcard(_)
            | Expr::QualifiedWildcard(..) => Ok(()),
        }
    }

    pub(crate) fn exprs(
        &mut self,
        es: &[Expr],
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        for e in es {
            self.expr(e, scope, ctx, sink)?;
        }
        Ok(())
    }

    /// The transformation of the current position, functions innermost first.
    fn here(&self, ctx: Ctx) -> How {
        How {
            subtype: ctx.subtype,
            masking: ctx.masking,
            functions: self.functions.iter().rev().cloned().collect(),
        }
    }

    /// Appends `edges` as seen from the current position.
    pub(crate) fn emit(&self, edges: &[Edge], ctx: Ctx, out: &mut Vec<Edge>) {
        let here = self.here(ctx);
        for e in edges {
            out.push(Edge {
                source: e.source.clone(),
                how: e.how.then(&here),
            });
        }
    }

    fn function(
        &mut self,
        f: &Function,
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        let name = function_name(f);
        let mut args: Vec<&Expr> = match &f.args {
            FunctionArguments::List(list) => list.args.iter().filter_map(arg_expr).collect(),
            _ => Vec::new(),
        };
        if let Some(at) = date_part_position(&name, args.len(), self.dialect)
            && args.get(at).is_some_and(|a| is_date_part(a))
        {
            args.remove(at);
        }
        // MySQL's `VALUES(x)` in `ON DUPLICATE KEY UPDATE`: the value proposed for x.
        if name == "values"
            && let [Expr::Identifier(i)] = args.as_slice()
            && let Some(row) = &self.inserted_row
        {
            let column = self.dialect.normalized(i);
            let edges = match row.column(&column, self.dialect) {
                Hit::Found(e) | Hit::Possible(e) => e.into_owned(),
                Hit::Ambiguous | Hit::Missing => Vec::new(),
            };
            self.emit(&edges, ctx, &mut sink.edges);
            return Ok(());
        }
        if let Some(roles) = conditional_roles(&name, args.len()) {
            let t = ctx.direct(Subtype::Transformation);
            let cond = ctx.indirect(Subtype::Conditional);
            for (a, role) in args.iter().zip(roles) {
                if role.decides {
                    self.expr(a, scope, cond, sink)?;
                }
                if role.value {
                    self.expr(a, scope, t, sink)?;
                }
            }
            return Ok(());
        }
        let aggregate = self.opts.functions.is_aggregate(&name);
        let mut inner = ctx.direct(if aggregate {
            Subtype::Aggregation
        } else {
            Subtype::Transformation
        });
        if ctx.subtype.kind() == TransformationType::Direct {
            inner.masking |= self.opts.functions.is_masking(&name);
        }
        // `WITHIN GROUP (ORDER BY v)`: for an ordered-set aggregate the ordered value is
        // what is aggregated (`percentile_cont(0.5) WITHIN GROUP (ORDER BY v)` is a
        // median of v); for any other aggregate (`LISTAGG`, `ARRAY_AGG`) it orders the
        // result, a sort of that output alone, like an `ORDER BY` inside the call.
        let within = if ORDERED_SET.contains(&name.as_str()) {
            ctx.direct(Subtype::Aggregation)
        } else {
            inner.indirect(Subtype::Sort)
        };
        self.functions.push(Rc::from(name));
        let r = self
            .function_args(f, &args, scope, inner, sink)
            .and_then(|()| {
                f.within_group
                    .iter()
                    .try_for_each(|o| self.expr(&o.expr, scope, within, sink))
            });
        self.functions.pop();
        r?;
        if let Some(filter) = &f.filter {
            self.expr(filter, scope, ctx.indirect(Subtype::Conditional), sink)?;
        }
        match &f.over {
            Some(WindowType::WindowSpec(spec)) => self.window(spec, scope, ctx, sink),
            Some(WindowType::NamedWindow(w)) => {
                let windows = scope.windows;
                let d = self.dialect;
                let spec = windows.iter().find_map(|def| {
                    if d.same(&self.norm(&def.0), &self.norm(w)) {
                        match &def.1 {
                            sqlparser::ast::NamedWindowExpr::WindowSpec(s) => Some(s),
                            sqlparser::ast::NamedWindowExpr::NamedWindow(_) => None,
                        }
                    } else {
                        None
                    }
                });
                match spec {
                    Some(spec) => self.window(spec, scope, ctx, sink),
                    None => Ok(()),
                }
            }
            None => Ok(()),
        }
    }

    fn function_args(
        &mut self,
        f: &Function,
        args: &[&Expr],
        scope: &Scope<'_>,
        inner: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        for a in args {
            self.expr(a, scope, inner, sink)?;
        }
        if let FunctionArguments::List(list) = &f.parameters {
            for a in &list.args {
                if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                    self.expr(e, scope, inner, sink)?;
                }
            }
        }
        match &f.args {
            FunctionArguments::Subquery(q) => self.subquery(q, scope, inner, sink, true),
            FunctionArguments::List(list) => {
                for clause in &list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(items) => {
                            let sort = inner.indirect(Subtype::Sort);
                            for o in items {
                                self.expr(&o.expr, scope, sort, sink)?;
                            }
                        }
                        FunctionArgumentClause::Where(e) => {
                            self.expr(e, scope, inner.indirect(Subtype::Conditional), sink)?;
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
            FunctionArguments::None => Ok(()),
        }
    }

    fn window(
        &mut self,
        spec: &WindowSpec,
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        let w = ctx.indirect(Subtype::Window);
        self.exprs(&spec.partition_by, scope, w, sink)?;
        for o in &spec.order_by {
            self.expr(&o.expr, scope, w, sink)?;
        }
        Ok(())
    }

    /// A subquery inside an expression: its result columns flow (when `values`), its
    /// own filters and joins count for the whole output.
    fn subquery(
        &mut self,
        q: &Query,
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
        values: bool,
    ) -> Result<(), TooDeep> {
        let d = self.query(q, Some(scope), false)?;
        if values {
            for c in &d.columns {
                self.emit(&c.edges, ctx, &mut sink.edges);
            }
            let stars: Vec<Edge> = d
                .stars
                .iter()
                .flatten()
                .map(|t| crate::scope::identity(t, Rc::from("*")))
                .collect();
            self.emit(&stars, ctx, &mut sink.edges);
        }
        sink.dataset.extend(d.dataset);
        Ok(())
    }

    /// Resolves a possibly qualified column reference (`c`, `t.c`, `s.t.c`, `t.c.f`).
    fn column_ref(
        &mut self,
        ids: &[Ident],
        scope: &Scope<'_>,
        ctx: Ctx,
        sink: &mut Sink,
    ) -> Result<(), TooDeep> {
        let Some(first) = ids.first() else {
            return Ok(());
        };
        let d = self.dialect;
        let parts: Vec<Cow<'_, str>> = ids.iter().map(|i| d.normalized(i)).collect();
        if parts.len() == 1 && self.lambda_params.iter().any(|p| **p == *parts[0]) {
            return Ok(());
        }
        let at = ident_pos(first);
        // Longest qualifier naming a relation wins: `s.t.c` before `t.c` before `c.f`.
        for k in (1..parts.len()).rev() {
            if let Some(rel) = scope.qualified(&parts[..k], self.dialect) {
                let column = &parts[k];
                let fields = &parts[k + 1..];
                match rel.column(column, self.dialect) {
                    Hit::Found(e) | Hit::Possible(e) => {
                        let e = with_fields(e, fields);
                        self.emit(&e, ctx, &mut sink.edges);
                    }
                    Hit::Ambiguous => self.warn(at, format!("column `{column}` is ambiguous")),
                    Hit::Missing => {
                        // The qualifier is explicit: report the schema gap, keep the edge.
                        if let crate::scope::RelKind::Table { name, .. } = &rel.kind {
                            self.warn(
                                at,
                                format!("column `{column}` is not in the schema of `{name}`"),
                            );
                            let e = with_fields(
                                Cow::Owned(vec![crate::scope::identity(
                                    name,
                                    Rc::from(column.as_ref()),
                                )]),
                                fields,
                            );
                            self.emit(&e, ctx, &mut sink.edges);
                        } else {
                            self.warn(at, format!("column `{column}` not found"));
                        }
                    }
                }
                return Ok(());
            }
        }
        let column = &parts[0];
        let fields = &parts[1..];
        match self.unqualified(column, scope, ctx) {
            Hit::Found(edges) | Hit::Possible(edges) => {
                let e = with_fields(edges, fields);
                self.emit(&e, ctx, &mut sink.edges);
            }
            Hit::Ambiguous => self.warn(
                at,
                format!("column `{column}` is ambiguous: several relations may have it"),
            ),
            Hit::Missing => self.warn(
                at,
                format!("column `{}` could not be resolved", parts.join(".")),
            ),
        }
        Ok(())
    }

    /// Resolves an unqualified name scope by scope, innermost first (SQL's rule); in
    /// the innermost scope a select-list alias is tried when no relation can have the
    /// name (lateral aliases), or first in ORDER BY.
    fn unqualified<'s>(&mut self, name: &str, scope: &'s Scope<'_>, ctx: Ctx) -> Hit<'s> {
        let d = self.dialect;
        if ctx.aliases == AliasRule::First
            && let Some(c) = scope.alias(name, d)
        {
            return Hit::Found(Cow::Borrowed(&c.edges));
        }
        let mut s = Some(scope);
        let mut innermost = true;
        while let Some(cur) = s {
            match cur.local(name, d) {
                Hit::Missing => {}
                hit => return hit,
            }
            if innermost && let Some(c) = cur.alias(name, d) {
                return Hit::Found(Cow::Borrowed(&c.edges));
            }
            innermost = false;
            s = cur.parent;
        }
        Hit::Missing
    }

    pub(crate) fn warn(&mut self, position: Position, message: String) {
        tracing::debug!(%position, %message, "lineage warning");
        self.diagnostics.push(crate::output::Diagnostic {
            severity: Severity::Warning,
            message,
            position,
        });
    }

    /// Edges of a select-list expression as an output column.
    pub(crate) fn column(
        &mut self,
        name: Name,
        e: &Expr,
        scope: &Scope<'_>,
        dataset: &mut Vec<Edge>,
    ) -> Result<Column, TooDeep> {
        let mut sink = Sink::default();
        self.expr(e, scope, Ctx::new(Subtype::Identity), &mut sink)?;
        dataset.extend(sink.dataset);
        dedup(&mut sink.edges);
        Ok(Column {
            name,
            edges: sink.edges,
        })
    }
}

/// The expression of a function argument, named or not; `None` for `*` arguments.
pub(crate) fn arg_expr(a: &FunctionArg) -> Option<&Expr> {
    match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
        | FunctionArg::Named {
            arg: FunctionArgExpr::Expr(e),
            ..
        }
        | FunctionArg::ExprNamed {
            arg: FunctionArgExpr::Expr(e),
            ..
        } => Some(e),
        _ => None,
    }
}

/// Drops repeated edges, keeping first-seen order.
///
/// Runs for every output column and clause, mostly on a handful of edges, where
/// comparing each edge with the ones kept so far beats hashing: names are shared
/// `Rc`s, so equal edges usually compare by pointer. Long lists (wide UNIONs, big
/// `IN` lists) go through a hash set of borrowed edges, so nothing is cloned.
pub(crate) fn dedup(edges: &mut Vec<Edge>) {
    const LINEAR: usize = 32;
    if edges.len() < 2 {
        return;
    }
    if edges.len() <= LINEAR {
        let mut kept = 0;
        for i in 0..edges.len() {
            if !edges[..kept].contains(&edges[i]) {
                edges.swap(kept, i);
                kept += 1;
            }
        }
        edges.truncate(kept);
        return;
    }
    let mut seen = std::collections::HashSet::with_capacity(edges.len());
    let keep: Vec<bool> = edges.iter().map(|e| seen.insert(SourceKey(e))).collect();
    let mut keep = keep.into_iter();
    edges.retain(|_| keep.next().unwrap_or(false));
}

/// An edge in [`dedup`]'s set: equal as edges are, hashed by source and subtype only.
///
/// Equal edges have equal sources, so this is a valid hash for edge equality, and it
/// skips hashing the function names along the path, which were most of the bytes.
struct SourceKey<'e>(&'e Edge);

impl PartialEq for SourceKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for SourceKey<'_> {}

impl std::hash::Hash for SourceKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.source.hash(state);
        self.0.how.subtype.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::identity;

    fn edges(cols: &[&str]) -> Vec<Edge> {
        let t: Name = Rc::from("t");
        cols.iter().map(|c| identity(&t, Rc::from(*c))).collect()
    }

    fn names(edges: &[Edge]) -> Vec<&str> {
        edges.iter().map(|e| e.source.column.as_ref()).collect()
    }

    #[test]
    fn dedup_keeps_first_seen_order_on_short_lists() {
        let mut e = edges(&["b", "a", "b", "c", "a"]);
        dedup(&mut e);
        assert_eq!(names(&e), ["b", "a", "c"]);
    }

    #[test]
    fn dedup_keeps_first_seen_order_on_long_lists() {
        let cols: Vec<String> = (0..100).map(|i| format!("c{}", (i * 7) % 30)).collect();
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let mut e = edges(&refs);
        dedup(&mut e);
        let mut want: Vec<&str> = Vec::new();
        for c in &refs {
            if !want.contains(c) {
                want.push(c);
            }
        }
        assert_eq!(names(&e), want);
    }

    #[test]
    fn dedup_tells_transformations_apart() {
        let mut e = edges(&["a", "a"]);
        e[1].how = How::new(Subtype::Filter);
        dedup(&mut e);
        assert_eq!(e.len(), 2);
    }
}
