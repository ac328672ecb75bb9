//! Tables and views a script creates, so later statements of the same script resolve
//! through them.
//!
//! `CREATE TEMP TABLE t AS …; INSERT INTO x SELECT … FROM t` should give x's columns the
//! sources of t's columns: t is gone when the script ends. Views and tables created by
//! the script are treated the same way (their definition is known here, the store's
//! copy may be older), and their columns also answer `SELECT *` later in the script.

use std::rc::Rc;

use crate::scope::{Derived, Name};

/// A table or view created earlier in the script.
#[derive(Debug, Clone)]
pub(crate) struct ScriptTable {
    /// Lower-cased name parts, for matching.
    parts: Vec<String>,
    /// The dotted name as the script spelled it (after defaults).
    pub name: Name,
    pub columns: Vec<Name>,
    /// Column lineage of its content, when the script defined it by a query.
    pub lineage: Option<Rc<Derived>>,
    /// A temporary table: `INSERT`s into it add to its lineage.
    pub temporary: bool,
}

/// Script-local tables, in creation order.
#[derive(Debug, Default)]
pub(crate) struct ScriptCatalog {
    tables: Vec<ScriptTable>,
}

fn lower_parts(name: &str) -> Vec<String> {
    name.split('.').map(str::to_lowercase).collect()
}

fn suffix(a: &[String], b: &[String]) -> bool {
    let n = a.len().min(b.len());
    a[a.len() - n..] == b[b.len() - n..]
}

impl ScriptCatalog {
    /// Registers (or replaces) a table.
    pub fn define(
        &mut self,
        name: Name,
        columns: Vec<Name>,
        lineage: Option<Rc<Derived>>,
        temporary: bool,
    ) {
        let parts = lower_parts(&name);
        self.tables.retain(|t| t.parts != parts);
        self.tables.push(ScriptTable {
            parts,
            name,
            columns,
            lineage,
            temporary,
        });
    }

    /// The table a name denotes: an exact match, else a unique suffix match.
    pub fn get(&self, name: &str) -> Option<&ScriptTable> {
        // Most scripts create no table; every table reference asks.
        if self.tables.is_empty() {
            return None;
        }
        let parts = lower_parts(name);
        if let Some(t) = self.tables.iter().rev().find(|t| t.parts == parts) {
            return Some(t);
        }
        let mut it = self.tables.iter().filter(|t| suffix(&t.parts, &parts));
        match (it.next(), it.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut ScriptTable> {
        let parts = lower_parts(name);
        self.tables.iter_mut().rev().find(|t| t.parts == parts)
    }

    pub fn drop_table(&mut self, name: &str) {
        let parts = lower_parts(name);
        self.tables
            .retain(|t| !suffix(&t.parts, &parts) || t.parts.len() < parts.len());
    }

    pub fn rename(&mut self, from: &str, to: Name) {
        let parts = lower_parts(from);
        if let Some(t) = self.tables.iter_mut().find(|t| t.parts == parts) {
            t.parts = lower_parts(&to);
            t.name = to;
        }
    }
}
