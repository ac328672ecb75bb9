//! Table → columns knowledge the analysis resolves names against.
//!
//! The catalog fills a [`SchemaSnapshot`] from its store before parsing, and the CLI from
//! a JSON file; the analysis only sees the synchronous [`SchemaProvider`] trait, so it does
//! no I/O. Names written in SQL and names in a catalog are often qualified differently (a
//! bare `orders` in a query, `shop.public.orders` in the store, or the other way round),
//! so a lookup matches by suffix and reports an ambiguous match instead of picking one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::scope::Name;

/// Answers which table a name denotes and which columns it has.
pub trait SchemaProvider {
    /// Looks up a table by its name parts (`["shop", "public", "orders"]`, or fewer).
    fn table(&self, name: &[&str]) -> TableLookup<'_>;
}

/// The outcome of [`SchemaProvider::table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableLookup<'a> {
    /// Exactly one table matches.
    Found(TableSchema<'a>),
    /// Several tables match a partial name; their full names, for the warning.
    Ambiguous(Vec<&'a str>),
    /// No table matches.
    Missing,
}

/// A known table: its full name as the provider spells it, and its columns in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSchema<'a> {
    /// Dotted full name.
    pub name: &'a str,
    /// Column names in table order (order matters for `INSERT` without a column list).
    pub columns: &'a [String],
}

/// No schema at all: every lookup misses, and the analysis reports what it cannot resolve.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSchema;

impl SchemaProvider for NoSchema {
    fn table(&self, _name: &[&str]) -> TableLookup<'_> {
        TableLookup::Missing
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    parts: Vec<String>,
    columns: Vec<String>,
}

/// An in-memory schema: the form the catalog hands to the parser.
#[derive(Debug, Clone, Default)]
pub struct SchemaSnapshot {
    tables: Vec<Entry>,
    /// Lower-cased last name part → indexes into `tables`.
    by_last: HashMap<String, Vec<usize>>,
}

/// A schema file that does not have one of the accepted shapes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// Not JSON.
    #[error("schema is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not `{"table": [cols]}` or `{"table": {col: type}}`.
    #[error("schema entry `{0}`: expected a list of column names or an object of column types")]
    Shape(String),
    /// The top level is not an object.
    #[error("schema must be a JSON object keyed by table name")]
    NotObject,
}

impl SchemaSnapshot {
    /// An empty snapshot.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a table under its dotted full name.
    pub fn insert(&mut self, name: &str, columns: Vec<String>) {
        let parts: Vec<String> = name.split('.').map(str::to_lowercase).collect();
        if let Some(i) = self.tables.iter().position(|e| e.parts == parts) {
            self.tables[i].columns = columns;
            return;
        }
        let last = parts.last().cloned().unwrap_or_default();
        self.by_last
            .entry(last)
            .or_default()
            .push(self.tables.len());
        self.tables.push(Entry {
            name: name.to_owned(),
            parts,
            columns,
        });
    }

    /// Reads `{"db.schema.table": ["col", …]}` or `{"db.schema.table": {"col": "type"}}`.
    ///
    /// Column order is kept in both forms (an `INSERT` without a column list maps by
    /// position), so the file is read with an order-preserving visitor rather than
    /// through `serde_json::Value`, whose maps are sorted.
    pub fn from_json(text: &str) -> Result<Self, SchemaError> {
        let OrderedSchema(tables) = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            if let Some(i) = msg.find(SHAPE_PREFIX) {
                let rest = &msg[i + SHAPE_PREFIX.len()..];
                SchemaError::Shape(rest.split(SHAPE_END).next().unwrap_or("").to_owned())
            } else if msg.contains(NOT_OBJECT) {
                SchemaError::NotObject
            } else {
                SchemaError::Json(e)
            }
        })?;
        let mut snapshot = SchemaSnapshot::new();
        for (table, columns) in tables {
            snapshot.insert(&table, columns);
        }
        Ok(snapshot)
    }

    /// As [`SchemaSnapshot::from_json`], from an already parsed value (whose object keys
    /// are in sorted order unless serde_json keeps insertion order).
    pub fn from_value(value: &Value) -> Result<Self, SchemaError> {
        let Value::Object(map) = value else {
            return Err(SchemaError::NotObject);
        };
        let mut snapshot = SchemaSnapshot::new();
        for (table, cols) in map {
            let columns = match cols {
                Value::Array(items) => items
                    .iter()
                    .map(|c| c.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| SchemaError::Shape(table.clone()))?,
                Value::Object(fields) => fields.keys().cloned().collect(),
                _ => return Err(SchemaError::Shape(table.clone())),
            };
            snapshot.insert(table, columns);
        }
        Ok(snapshot)
    }

    /// How many tables the snapshot knows.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether the snapshot knows no table.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

const SHAPE_PREFIX: &str = "weft-schema-shape:";
const SHAPE_END: char = '\u{1f}';
const NOT_OBJECT: &str = "weft-schema-not-object";

/// `{"table": [cols] | {col: type}}`, read in document order.
struct OrderedSchema(Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for OrderedSchema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Tables;
        impl<'de> Visitor<'de> for Tables {
            type Value = OrderedSchema;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(NOT_OBJECT)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(table) = map.next_key::<String>()? {
                    let Columns(cols) = map.next_value().map_err(|_| {
                        de::Error::custom(format_args!("{SHAPE_PREFIX}{table}{SHAPE_END}"))
                    })?;
                    out.push((table, cols));
                }
                Ok(OrderedSchema(out))
            }
        }
        d.deserialize_map(Tables)
    }
}

/// One table's columns: a list of names, or the keys of a name → type object.
struct Columns(Vec<String>);

impl<'de> Deserialize<'de> for Columns {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Cols;
        impl<'de> Visitor<'de> for Cols {
            type Value = Columns;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of column names or an object of column types")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<String>()? {
                    out.push(c);
                }
                Ok(Columns(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = map.next_key::<String>()? {
                    map.next_value::<de::IgnoredAny>()?;
                    out.push(c);
                }
                Ok(Columns(out))
            }
        }
        d.deserialize_any(Cols)
    }
}

/// Schema tables a script has already looked up, with their names shared.
///
/// A query names the same tables many times (TPC-DS q64 reads `date_dim` three times),
/// and each lookup turns the provider's column `String`s into the shared names edges
/// hold, one allocation per column. The provider cannot change during an analysis, so
/// the first successful lookup of a name is kept for the rest of the script.
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    /// The qualified name as looked up, the provider's full name, its columns.
    found: Vec<(Name, Name, Rc<[Name]>)>,
}

impl SchemaCache {
    /// The earlier successful lookup of `looked_up`, if any.
    pub fn get(&self, looked_up: &str) -> Option<(Name, Rc<[Name]>)> {
        self.found
            .iter()
            .find(|(k, _, _)| **k == *looked_up)
            .map(|(_, name, cols)| (name.clone(), cols.clone()))
    }

    pub fn insert(&mut self, looked_up: Name, name: Name, columns: Rc<[Name]>) {
        self.found.push((looked_up, name, columns));
    }
}

/// Whether the shorter of two part lists is a component-wise suffix of the longer.
fn suffix_match(a: &[String], b: &[&str]) -> bool {
    let n = a.len().min(b.len());
    a[a.len() - n..]
        .iter()
        .zip(&b[b.len() - n..])
        .all(|(x, y)| x.eq_ignore_ascii_case(y))
}

impl SchemaProvider for SchemaSnapshot {
    fn table(&self, name: &[&str]) -> TableLookup<'_> {
        let Some(last) = name.last() else {
            return TableLookup::Missing;
        };
        let lower: Cow<'_, str> =
            if last.bytes().any(|b| b.is_ascii_uppercase()) || !last.is_ascii() {
                Cow::Owned(last.to_lowercase())
            } else {
                Cow::Borrowed(last)
            };
        let Some(candidates) = self.by_last.get(lower.as_ref()) else {
            return TableLookup::Missing;
        };
        fn found(e: &Entry) -> TableLookup<'_> {
            TableLookup::Found(TableSchema {
                name: &e.name,
                columns: &e.columns,
            })
        }
        let mut exact = candidates
            .iter()
            .map(|&i| &self.tables[i])
            .filter(|e| e.parts.len() == name.len() && suffix_match(&e.parts, name));
        if let (Some(one), None) = (exact.next(), exact.next()) {
            return found(one);
        }
        let by_suffix: Vec<&Entry> = candidates
            .iter()
            .map(|&i| &self.tables[i])
            .filter(|e| suffix_match(&e.parts, name))
            .collect();
        match by_suffix[..] {
            [] => TableLookup::Missing,
            [one] => found(one),
            _ => TableLookup::Ambiguous(by_suffix.iter().map(|e| e.name.as_str()).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> SchemaSnapshot {
        SchemaSnapshot::from_json(
            r#"{"shop.public.orders": ["id", "amount"],
                "shop.archive.orders": {"id": "int"},
                "customers": ["id", "email"]}"#,
        )
        .unwrap()
    }

    #[test]
    fn exact_and_suffix_matches() {
        let s = snapshot();
        let TableLookup::Found(t) = s.table(&["shop", "public", "orders"]) else {
            panic!("exact name not found")
        };
        assert_eq!(t.columns, ["id", "amount"]);
        let TableLookup::Found(t) = s.table(&["public", "orders"]) else {
            panic!("partial name not found")
        };
        assert_eq!(t.name, "shop.public.orders");
        let TableLookup::Found(t) = s.table(&["crm", "main", "CUSTOMERS"]) else {
            panic!("a bare schema name must match a qualified query name")
        };
        assert_eq!(t.name, "customers");
    }

    #[test]
    fn ambiguity_is_reported_not_guessed() {
        let s = snapshot();
        assert_eq!(
            s.table(&["orders"]),
            TableLookup::Ambiguous(vec!["shop.public.orders", "shop.archive.orders"])
        );
        assert_eq!(s.table(&["nothing"]), TableLookup::Missing);
    }

    #[test]
    fn column_order_is_kept_in_both_forms() {
        let s = SchemaSnapshot::from_json(r#"{"t": {"z": "int", "a": "text"}, "u": ["z", "a"]}"#)
            .unwrap();
        for name in ["t", "u"] {
            let TableLookup::Found(t) = s.table(&[name]) else {
                panic!("{name} missing")
            };
            assert_eq!(t.columns, ["z", "a"]);
        }
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(matches!(
            SchemaSnapshot::from_json(r#"{"t": 3}"#),
            Err(SchemaError::Shape(t)) if t == "t"
        ));
        assert!(matches!(
            SchemaSnapshot::from_json("[]"),
            Err(SchemaError::NotObject)
        ));
        assert!(SchemaSnapshot::from_json("{").is_err());
    }
}
