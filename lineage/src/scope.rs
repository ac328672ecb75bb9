//! Name resolution: the relations a query can see and how a column name finds its
//! sources among them.
//!
//! A [`Scope`] holds the relations of one `FROM` clause and points at the enclosing
//! query's scope, so correlated subqueries resolve outward. Every relation resolves to
//! base-table columns: a CTE, derived table, view or temporary table of the same script
//! carries its own already-resolved [`Derived`] result, so lineage composes through it
//! instead of stopping at it.

use std::borrow::Cow;
use std::rc::Rc;

use sqlparser::ast::NamedWindowDefinition;

use crate::dialect::Dialect;
use crate::transform::How;

/// A normalized name; shared because the same names recur on many edges.
pub(crate) type Name = Rc<str>;

/// A base-table column; `column` is `*` when the table's columns are unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Source {
    pub table: Name,
    pub column: Name,
}

/// A source column and the transformation from it to the place it is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Edge {
    pub source: Source,
    pub how: How,
}

/// One output column of a query.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: Name,
    pub edges: Vec<Edge>,
}

/// A query's result, resolved to base tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Derived {
    pub columns: Vec<Column>,
    /// Positional groups of tables whose columns pass through a `*` but are unknown.
    /// Each slot lists the tables feeding the same columns (a UNION merges slots).
    pub stars: Vec<Vec<Name>>,
    /// Filter, join, grouping and ordering columns that affect every row.
    pub dataset: Vec<Edge>,
}

/// What a relation in a `FROM` clause is.
#[derive(Debug, Clone)]
pub(crate) enum RelKind {
    /// A base table; `columns` when the schema knows them.
    Table {
        name: Name,
        columns: Option<Rc<[Name]>>,
    },
    /// A CTE, derived table, view or script-local table, already resolved.
    Derived(Rc<Derived>),
    /// The element of an unnested array: the relation's name denotes the element and
    /// any other name a field of it.
    Element(Vec<Edge>),
    /// The rows of a table function (`STRING_SPLIT`, `jsonb_array_elements`,
    /// `json_each`): every column it has comes from what its arguments read.
    Computed(Vec<Edge>),
}

/// A relation visible in a scope.
#[derive(Debug, Clone)]
pub(crate) struct Relation {
    pub alias: Option<Name>,
    /// The name as written (for `schema.table.col` qualifiers); empty for subqueries.
    pub written: Vec<Name>,
    pub kind: RelKind,
}

/// How a name resolved in one relation or scope.
///
/// The edges are borrowed when they already exist (a CTE's or subquery's column): the
/// caller transforms them into new edges anyway, so a copy here would be thrown away.
#[derive(Debug)]
pub(crate) enum Hit<'r> {
    /// The relation certainly has the column.
    Found(Cow<'r, [Edge]>),
    /// The relation's columns are unknown, so it may have it.
    Possible(Cow<'r, [Edge]>),
    /// Several relations have it.
    Ambiguous,
    Missing,
}

pub(crate) fn identity(table: &Name, column: Name) -> Edge {
    Edge {
        source: Source {
            table: table.clone(),
            column,
        },
        how: How::identity(),
    }
}

/// Appends a struct field path to the sources of identity edges (`col` → `col.f.g`).
pub(crate) fn with_fields<'e, F: AsRef<str>>(
    edges: Cow<'e, [Edge]>,
    fields: &[F],
) -> Cow<'e, [Edge]> {
    if fields.is_empty() {
        return edges;
    }
    edges
        .into_owned()
        .into_iter()
        .map(|mut e| {
            if e.source.column.as_ref() != "*" {
                let mut c = String::from(e.source.column.as_ref());
                for f in fields {
                    c.push('.');
                    c.push_str(f.as_ref());
                }
                e.source.column = Rc::from(c);
            }
            e
        })
        .collect::<Vec<_>>()
        .into()
}

impl Relation {
    /// Whether `qualifier` (as written before `.column`) names this relation. Aliases
    /// hide table names in SQL, but several engines accept the table name anyway, so a
    /// second, lenient pass (`strict == false`) allows it.
    pub fn answers_to<Q: AsRef<str>>(&self, qualifier: &[Q], d: Dialect, strict: bool) -> bool {
        if let Some(alias) = &self.alias {
            if let [only] = qualifier
                && d.same(alias, only.as_ref())
            {
                return true;
            }
            if strict {
                return false;
            }
        }
        // The name as written, or the resolved full name when it has more parts; read
        // from the end without collecting, as this runs for every qualified reference.
        if let RelKind::Table { name, .. } = &self.kind {
            let parts = name.split('.').count();
            if parts > self.written.len() {
                return ends_with(name.rsplit('.'), parts, qualifier, d);
            }
        }
        ends_with(
            self.written.iter().rev().map(|n| n.as_ref()),
            self.written.len(),
            qualifier,
            d,
        )
    }

    /// Resolves a column of this relation.
    pub fn column(&self, name: &str, d: Dialect) -> Hit<'_> {
        match &self.kind {
            RelKind::Table {
                name: table,
                columns: Some(cols),
            } => match cols.iter().find(|c| c.eq_ignore_ascii_case(name)) {
                Some(c) => Hit::Found(Cow::Owned(vec![identity(table, c.clone())])),
                None => Hit::Missing,
            },
            RelKind::Table {
                name: table,
                columns: None,
            } => Hit::Possible(Cow::Owned(vec![identity(table, Rc::from(name))])),
            RelKind::Derived(derived) => {
                let exact: Vec<&Column> = derived
                    .columns
                    .iter()
                    .filter(|c| *c.name == *name)
                    .collect();
                let loose: Vec<&Column>;
                let candidates = if exact.is_empty() {
                    loose = derived
                        .columns
                        .iter()
                        .filter(|c| d.same(&c.name, name))
                        .collect();
                    &loose
                } else {
                    &exact
                };
                let mut found = candidates.iter();
                match (found.next(), found.next()) {
                    (Some(c), None) => Hit::Found(Cow::Borrowed(&c.edges)),
                    (Some(_), Some(_)) => Hit::Ambiguous,
                    (None, _) => match &derived.stars[..] {
                        [] => Hit::Missing,
                        [slot] => Hit::Possible(Cow::Owned(
                            slot.iter().map(|t| identity(t, Rc::from(name))).collect(),
                        )),
                        _ => Hit::Ambiguous,
                    },
                }
            }
            RelKind::Computed(edges) => Hit::Possible(Cow::Borrowed(edges)),
            RelKind::Element(edges) => {
                if self.alias.as_deref().is_some_and(|a| d.same(a, name)) {
                    Hit::Found(Cow::Borrowed(edges))
                } else {
                    Hit::Possible(with_fields(Cow::Borrowed(edges), &[name]))
                }
            }
        }
    }

    /// The relation's columns for `*`: known columns, and unknown ones as a star slot.
    pub fn expand(&self) -> (Vec<Column>, Vec<Vec<Name>>) {
        match &self.kind {
            RelKind::Table {
                name,
                columns: Some(cols),
            } => (
                cols.iter()
                    .map(|c| Column {
                        name: c.clone(),
                        edges: vec![identity(name, c.clone())],
                    })
                    .collect(),
                Vec::new(),
            ),
            RelKind::Table {
                name,
                columns: None,
            } => (Vec::new(), vec![vec![name.clone()]]),
            RelKind::Derived(d) => (d.columns.clone(), d.stars.clone()),
            RelKind::Computed(edges) => (
                vec![Column {
                    name: Rc::from("value"),
                    edges: edges.clone(),
                }],
                Vec::new(),
            ),
            RelKind::Element(edges) => (
                vec![Column {
                    name: self.alias.clone().unwrap_or_else(|| Rc::from("value")),
                    edges: edges.clone(),
                }],
                Vec::new(),
            ),
        }
    }

    /// Renames columns by position (`AS t(a, b)`); needs known columns.
    pub fn rename(&mut self, names: &[Name]) {
        if names.is_empty() {
            return;
        }
        let (mut cols, stars) = self.expand();
        if !stars.is_empty() && cols.len() < names.len() {
            // Positions are unknown past a `*` of an unknown table: keep what we have.
            return;
        }
        for (c, n) in cols.iter_mut().zip(names) {
            c.name = n.clone();
        }
        let dataset = match &self.kind {
            RelKind::Derived(d) => d.dataset.clone(),
            _ => Vec::new(),
        };
        self.kind = RelKind::Derived(Rc::new(Derived {
            columns: cols,
            stars,
            dataset,
        }));
    }
}

/// Whether `qualifier` is a suffix of the `len` name parts that `rev` yields last first.
fn ends_with<'n, Q: AsRef<str>>(
    rev: impl Iterator<Item = &'n str>,
    len: usize,
    qualifier: &[Q],
    d: Dialect,
) -> bool {
    if qualifier.is_empty() || qualifier.len() > len {
        return false;
    }
    rev.zip(qualifier.iter().rev())
        .all(|(a, b)| d.same(a, b.as_ref()))
}

/// The relations of one query level, and the level around it.
pub(crate) struct Scope<'p> {
    pub rels: Vec<Relation>,
    /// Columns merged by `JOIN … USING` / `NATURAL JOIN`: both sides are sources.
    pub using: Vec<Name>,
    /// Select-list outputs seen so far (lateral aliases, ORDER BY / GROUP BY aliases).
    pub aliases: Vec<Column>,
    /// `WINDOW w AS (…)` definitions of this SELECT.
    pub windows: &'p [NamedWindowDefinition],
    pub parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    pub fn new(parent: Option<&'p Scope<'p>>) -> Self {
        Scope {
            rels: Vec::new(),
            using: Vec::new(),
            aliases: Vec::new(),
            windows: &[],
            parent,
        }
    }

    /// Resolves an unqualified column among this level's relations only.
    pub fn local(&self, name: &str, d: Dialect) -> Hit<'_> {
        // Several hits are an error unless `USING` merged the name, in which case all
        // sides are sources; so hits are only combined in that case.
        let merged = self.using.iter().any(|u| d.same(u, name));
        let mut found: Option<Cow<'_, [Edge]>> = None;
        let mut possible: Option<Cow<'_, [Edge]>> = None;
        let (mut n_found, mut n_possible) = (0, 0);
        let mut ambiguous = false;
        for r in &self.rels {
            let (slot, n, e) = match r.column(name, d) {
                Hit::Found(e) => (&mut found, &mut n_found, e),
                Hit::Possible(e) => (&mut possible, &mut n_possible, e),
                Hit::Ambiguous => {
                    ambiguous = true;
                    continue;
                }
                Hit::Missing => continue,
            };
            *n += 1;
            match slot {
                None => *slot = Some(e),
                Some(acc) if merged => acc.to_mut().extend_from_slice(&e),
                Some(_) => {}
            }
        }
        match (n_found, found) {
            (1, Some(e)) => return Hit::Found(e),
            (n, Some(e)) if n > 1 && merged => return Hit::Found(e),
            (n, _) if n > 1 => return Hit::Ambiguous,
            _ => {}
        }
        if ambiguous {
            return Hit::Ambiguous;
        }
        match (n_possible, possible) {
            (0, _) | (_, None) => Hit::Missing,
            (1, Some(e)) => Hit::Possible(e),
            (_, Some(e)) if merged => Hit::Possible(e),
            _ => Hit::Ambiguous,
        }
    }

    /// The select-list output called `name`, if any.
    pub fn alias(&self, name: &str, d: Dialect) -> Option<&Column> {
        self.aliases.iter().rev().find(|c| d.same(&c.name, name))
    }

    /// The relation a qualifier denotes, searching outward; strict pass first.
    pub fn qualified<Q: AsRef<str>>(&self, qualifier: &[Q], d: Dialect) -> Option<&Relation> {
        for strict in [true, false] {
            let mut s = Some(self);
            while let Some(scope) = s {
                if let Some(r) = scope
                    .rels
                    .iter()
                    .rev()
                    .find(|r| r.answers_to(qualifier, d, strict))
                {
                    return Some(r);
                }
                s = scope.parent;
            }
        }
        None
    }
}
