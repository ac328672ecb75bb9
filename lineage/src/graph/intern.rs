//! String interning: each distinct column name, tag key or rule name is stored once and
//! referred to by a `u32`, so a million columns named from a few thousand names cost a
//! few thousand strings, and keys compare as integers.

use std::sync::Arc;

use super::hash::FxHashMap;

/// Interned strings, numbered from 0 in order of first appearance.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    ids: FxHashMap<Arc<str>, u32>,
    strings: Vec<Arc<str>>,
}

impl Interner {
    /// The id of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        let shared: Arc<str> = Arc::from(s);
        self.strings.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    /// The id of `s` if it was interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// The string of `id` (shared, so handing it out does not copy).
    pub fn resolve(&self, id: u32) -> Arc<str> {
        self.strings
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.strings.len()
    }
}
