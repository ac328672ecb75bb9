//! Puts response fields back in the order the query asked for them.
//!
//! async-graphql resolves a selection's fields concurrently and records each as it
//! completes, so `{ name description owners }` may come back as `owners, name,
//! description`. The GraphQL spec has responses follow the query's order, and people
//! reading GraphiQL or a notebook expect it; this walks the operation's selection sets
//! (fragments included) and rebuilds each object's map in selection order.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Value};

/// Reorders `data` by the selections of the operation `ops` (one of `doc`'s).
pub fn reorder(data: &mut Value, doc: &ExecutableDocument, set: &SelectionSet) {
    reorder_value(data, doc, &[set]);
}

fn reorder_value(value: &mut Value, doc: &ExecutableDocument, sets: &[&SelectionSet]) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder_value(item, doc, sets);
            }
        }
        Value::Object(map) => {
            let mut keys: Vec<(Name, Vec<&SelectionSet>)> = Vec::new();
            for set in sets {
                collect(set, doc, &mut keys, 0);
            }
            let mut old = std::mem::take(map);
            let mut out = IndexMap::with_capacity(old.len());
            for (key, subsets) in keys {
                if let Some(mut v) = old.shift_remove(&key) {
                    reorder_value(&mut v, doc, &subsets);
                    out.insert(key, v);
                }
            }
            out.extend(old);
            *map = out;
        }
        _ => {}
    }
}

/// The response keys a selection set produces, in order, each with the selection sets
/// of its sub-fields.
fn collect<'a>(
    set: &'a SelectionSet,
    doc: &'a ExecutableDocument,
    keys: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    // Fragment cycles are refused by validation; the bound only guards the walk.
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let key = f.node.response_key().node.clone();
                let sub = &f.node.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, subs)) => subs.push(sub),
                    None => keys.push((key, vec![sub])),
                }
            }
            Selection::FragmentSpread(s) => {
                if let Some(frag) = doc.fragments.get(&s.node.fragment_name.node) {
                    collect(&frag.node.selection_set.node, doc, keys, depth + 1);
                }
            }
            Selection::InlineFragment(i) => {
                collect(&i.node.selection_set.node, doc, keys, depth + 1);
            }
        }
    }
}
