//! Makes async-graphql's responses say what the GraphQL spec says they say.
//!
//! - **Order.** async-graphql resolves a selection's fields concurrently and records
//!   each as it completes, so `{ name description owners }` may come back as `owners,
//!   name, description`. Responses follow the query's order in the spec, and people
//!   reading GraphiQL or a notebook expect it: [`reorder`] rebuilds each object's map
//!   in selection order (fragments included).
//! - **Errors and nullability.** async-graphql leaves a field that failed out of its
//!   object. The spec makes it `null`, and when its type is non-null, makes the nearest
//!   nullable ancestor `null` instead (clients such as Apollo treat a missing key as
//!   missing data, not as an error). [`null_errors`] does that, reading nullability from
//!   the schema's own SDL.

use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, PathSegment, Value};

/// Field types by object type and field name, read from the SDL.
#[derive(Debug, Default)]
pub struct FieldTypes(HashMap<String, HashMap<String, Type>>);

/// The served schema's field types, read once from its SDL.
pub fn field_types() -> &'static FieldTypes {
    static TYPES: std::sync::OnceLock<FieldTypes> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| FieldTypes::from_sdl(&super::sdl()))
}

impl FieldTypes {
    /// From the schema's SDL; empty (nothing is nulled) if it does not parse.
    pub fn from_sdl(sdl: &str) -> FieldTypes {
        let mut out: HashMap<String, HashMap<String, Type>> = HashMap::new();
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            tracing::warn!("the schema's own SDL does not parse; errors will not null fields");
            return FieldTypes::default();
        };
        for def in doc.definitions {
            if let TypeSystemDefinition::Type(t) = def
                && let TypeKind::Object(o) = &t.node.kind
            {
                let fields = out.entry(t.node.name.node.to_string()).or_default();
                for f in &o.fields {
                    fields.insert(f.node.name.node.to_string(), f.node.ty.node.clone());
                }
            }
        }
        FieldTypes(out)
    }

    fn field(&self, object: &str, field: &str) -> Option<&Type> {
        self.0.get(object)?.get(field)
    }
}

/// For each error with a path, puts `null` where the failed field was and propagates it
/// to the nearest nullable position, as the spec's "Handling Execution Errors" says.
pub fn null_errors(
    data: &mut Value,
    doc: &ExecutableDocument,
    set: &SelectionSet,
    root: &str,
    paths: &[&[PathSegment]],
    types: &FieldTypes,
) {
    for path in paths {
        if path.is_empty() {
            continue;
        }
        let root_ty = Type {
            base: BaseType::Named(Name::new(root)),
            nullable: true,
        };
        if null_at(data, &root_ty, &[set], path, doc, types) {
            *data = Value::Null;
        }
    }
}

/// Walks `path` inside `value` (a position of type `ty` selected by `sets`); nulls the
/// end and returns whether `value` itself must become null (a non-null position below
/// was nulled and nothing nullable in between took it).
fn null_at(
    value: &mut Value,
    ty: &Type,
    sets: &[&SelectionSet],
    path: &[PathSegment],
    doc: &ExecutableDocument,
    types: &FieldTypes,
) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    match (&ty.base, value, first) {
        (BaseType::List(inner), Value::List(items), PathSegment::Index(i)) => {
            let Some(item) = items.get_mut(*i) else {
                return false;
            };
            let item_null = if rest.is_empty() {
                *item = Value::Null;
                !inner.nullable
            } else {
                null_at(item, inner, sets, rest, doc, types)
            };
            if item_null {
                *item = Value::Null;
                return !inner.nullable;
            }
            false
        }
        (BaseType::Named(object), Value::Object(map), PathSegment::Field(key)) => {
            let mut keys: Vec<Key<'_>> = Vec::new();
            for set in sets {
                collect(set, doc, &mut keys, 0);
            }
            let Some(k) = keys.iter().find(|k| k.response == key.as_str()) else {
                return false;
            };
            let Some(field_ty) = types.field(object, &k.field) else {
                return false;
            };
            let name = Name::new(key);
            let nulled = if rest.is_empty() {
                true
            } else {
                match map.get_mut(&name) {
                    Some(child) => null_at(child, field_ty, &k.sets, rest, doc, types),
                    None => true,
                }
            };
            if nulled {
                map.insert(name, Value::Null);
                return !field_ty.nullable;
            }
            false
        }
        _ => false,
    }
}

/// A response key: its field's name and the selection sets of its sub-fields.
struct Key<'a> {
    response: Name,
    field: String,
    sets: Vec<&'a SelectionSet>,
}

/// Reorders `data` by the selection set `set` of one of `doc`'s operations.
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
            let mut keys: Vec<Key<'_>> = Vec::new();
            for set in sets {
                collect(set, doc, &mut keys, 0);
            }
            let mut old = std::mem::take(map);
            let mut out = IndexMap::with_capacity(old.len());
            for k in keys {
                if let Some(mut v) = old.shift_remove(&k.response) {
                    reorder_value(&mut v, doc, &k.sets);
                    out.insert(k.response, v);
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
    keys: &mut Vec<Key<'a>>,
    depth: usize,
) {
    // Fragment cycles are refused by validation; the bound only guards the walk.
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let response = f.node.response_key().node.clone();
                let sub = &f.node.selection_set.node;
                match keys.iter_mut().find(|k| k.response == response) {
                    Some(k) => k.sets.push(sub),
                    None => keys.push(Key {
                        response,
                        field: f.node.name.node.to_string(),
                        sets: vec![sub],
                    }),
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{PathSegment, Value};

    use super::*;

    const SDL: &str = "type Query { a: A b: B! list: [B!] }\n\
                       type A { x: Int y: Int! }\n\
                       type B { z: Int! w: Int }\n";

    fn run(query: &str, data: serde_json::Value, errors: &[Vec<PathSegment>]) -> Value {
        let doc = parse_query(query).expect("query parses");
        let (_, op) = doc.operations.iter().next().expect("one operation");
        let set = &op.node.selection_set.node;
        let mut v = Value::from_json(data).expect("json");
        let paths: Vec<&[PathSegment]> = errors.iter().map(Vec::as_slice).collect();
        null_errors(
            &mut v,
            &doc,
            set,
            "Query",
            &paths,
            &FieldTypes::from_sdl(SDL),
        );
        reorder(&mut v, &doc, set);
        v
    }

    fn field(s: &str) -> PathSegment {
        PathSegment::Field(s.to_owned())
    }

    #[test]
    fn fields_come_back_in_selection_order_fragments_included() {
        let out = run(
            "{ b { w z } ...F a { y x } } fragment F on Query { list { z } }",
            serde_json::json!({"a": {"x": 1, "y": 2}, "list": [{"z": 3}], "b": {"z": 4, "w": 5}}),
            &[],
        );
        assert_eq!(
            serde_json::to_string(&out).expect("json"), // in the map's own order
            r#"{"b":{"w":5,"z":4},"list":[{"z":3}],"a":{"y":2,"x":1}}"#
        );
    }

    #[test]
    fn a_failed_nullable_field_is_null() {
        let out = run(
            "{ a { x y } }",
            serde_json::json!({"a": {"y": 2}}),
            &[vec![field("a"), field("x")]],
        );
        assert_eq!(
            out.into_json().expect("json"),
            serde_json::json!({"a": {"x": null, "y": 2}})
        );
    }

    #[test]
    fn a_failed_non_null_field_nulls_the_nearest_nullable_ancestor() {
        let out = run(
            "{ a { x y } }",
            serde_json::json!({"a": {"x": 1}}),
            &[vec![field("a"), field("y")]],
        );
        assert_eq!(
            out.into_json().expect("json"),
            serde_json::json!({"a": null})
        );
        // A non-null item of a nullable list nulls the list, not the whole response.
        let out = run(
            "{ a { x } list { z w } }",
            serde_json::json!({"a": {"x": 1}, "list": [{"w": 1}, {"z": 2, "w": 3}]}),
            &[vec![field("list"), PathSegment::Index(0), field("z")]],
        );
        assert_eq!(
            out.into_json().expect("json"),
            serde_json::json!({"a": {"x": 1}, "list": null})
        );
        // Non-null all the way up: the whole data.
        let out = run(
            "{ b { z } }",
            serde_json::json!({"b": {}}),
            &[vec![field("b"), field("z")]],
        );
        assert_eq!(out.into_json().expect("json"), serde_json::json!(null));
    }

    #[test]
    fn aliases_are_followed_to_their_fields() {
        let out = run(
            "{ first: a { why: y } second: a { x } }",
            serde_json::json!({"second": {"x": 1}, "first": {}}),
            &[vec![field("first"), field("why")]],
        );
        assert_eq!(
            out.into_json().expect("json"),
            serde_json::json!({"first": null, "second": {"x": 1}})
        );
    }
}
