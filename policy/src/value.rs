//! The input as a Rego document, built directly as regorus values: going through JSON
//! (text or `serde_json::Value`) cost a fifth of an evaluation in the profile.

use std::collections::BTreeMap;

use regorus::Value;

use crate::input::{
    ChangeInput, ColumnChange, ColumnInput, ConsumerInput, DatasetInput, EdgeChange, FlowInput,
    HopInput, NeighbourInput, OwnerInput, PolicyInput, TagInput, UsageInput,
};

/// `input` for regorus. Field names are the serde names of the input types; the test
/// below keeps the two in step.
pub(crate) fn input_value(input: &PolicyInput) -> Value {
    object([
        ("version", Value::from(u64::from(input.version))),
        ("now", text(&input.now)),
        ("dataset", dataset(&input.dataset)),
        ("change", input.change.as_ref().map_or(Value::Null, change)),
    ])
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let map: BTreeMap<Value, Value> = fields
        .into_iter()
        .map(|(k, v)| (Value::from(k), v))
        .collect();
    Value::from(map)
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn optional(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::Null, Value::from)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::from(items.iter().map(f).collect::<Vec<Value>>())
}

fn dataset(d: &DatasetInput) -> Value {
    object([
        ("namespace", text(&d.namespace)),
        ("name", text(&d.name)),
        ("description", optional(&d.description)),
        ("tier", optional(&d.tier)),
        ("classification", optional(&d.classification)),
        ("retention", optional(&d.retention)),
        (
            "retention_days",
            d.retention_days.map_or(Value::Null, Value::from),
        ),
        ("owners", list(&d.owners, owner)),
        ("created_at", optional(&d.created_at)),
        ("deprecated", Value::from(d.deprecated)),
        ("columns", list(&d.columns, column)),
        ("usage", usage(&d.usage)),
        ("upstream", list(&d.upstream, neighbour)),
        ("downstream", list(&d.downstream, neighbour)),
    ])
}

fn owner(o: &OwnerInput) -> Value {
    object([("name", text(&o.name)), ("type", optional(&o.r#type))])
}

fn column(c: &ColumnInput) -> Value {
    object([
        ("name", text(&c.name)),
        ("type", optional(&c.r#type)),
        ("description", optional(&c.description)),
        ("tags", list(&c.tags, tag)),
    ])
}

fn tag(t: &TagInput) -> Value {
    object([
        ("key", text(&t.key)),
        ("status", text(&t.status)),
        ("pii", Value::from(t.pii)),
        ("pseudonymised", Value::from(t.pseudonymised)),
        ("propagated", Value::from(t.propagated)),
        ("declared", Value::from(t.declared)),
        ("manual", Value::from(t.manual)),
        ("detected_by", optional(&t.detected_by)),
        ("path", list(&t.path, hop)),
    ])
}

fn hop(h: &HopInput) -> Value {
    object([
        ("dataset", text(&h.dataset)),
        ("column", text(&h.column)),
        ("tag", text(&h.tag)),
        ("transformation", optional(&h.transformation)),
    ])
}

fn usage(u: &UsageInput) -> Value {
    object([
        ("queries_30d", Value::from(u.queries_30d)),
        ("users_30d", Value::from(u.users_30d)),
        ("last_read", optional(&u.last_read)),
    ])
}

fn neighbour(n: &NeighbourInput) -> Value {
    object([
        ("namespace", text(&n.namespace)),
        ("name", text(&n.name)),
        ("tier", optional(&n.tier)),
        ("classification", optional(&n.classification)),
        ("owners", list(&n.owners, owner)),
    ])
}

fn change(c: &ChangeInput) -> Value {
    object([
        ("status", text(&c.status)),
        ("removed_columns", list(&c.removed_columns, column_change)),
        ("renamed_columns", list(&c.renamed_columns, column_change)),
        ("type_changes", list(&c.type_changes, column_change)),
        ("edge_changes", list(&c.edge_changes, edge_change)),
        ("new_inputs", list(&c.new_inputs, |s| text(s))),
        ("new_pii_flows", list(&c.new_pii_flows, flow)),
    ])
}

fn column_change(c: &ColumnChange) -> Value {
    object([
        ("column", text(&c.column)),
        ("new_name", optional(&c.new_name)),
        ("old_type", optional(&c.old_type)),
        ("new_type", optional(&c.new_type)),
        ("consumers", list(&c.consumers, consumer)),
    ])
}

fn consumer(c: &ConsumerInput) -> Value {
    object([
        ("dataset", text(&c.dataset)),
        ("column", text(&c.column)),
        ("tier", optional(&c.tier)),
        ("owners", list(&c.owners, owner)),
    ])
}

fn edge_change(e: &EdgeChange) -> Value {
    object([
        ("column", text(&e.column)),
        ("input", text(&e.input)),
        ("before", text(&e.before)),
        ("after", text(&e.after)),
    ])
}

fn flow(f: &FlowInput) -> Value {
    object([
        ("column", text(&f.column)),
        ("tag", text(&f.tag)),
        ("path", list(&f.path, hop)),
    ])
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// The document built by hand equals the one serde would give, field for field, so
    /// `policy/README.md` (written from the serde names) stays true.
    #[test]
    fn matches_the_serde_form() {
        let json = serde_json::json!({
            "now": "2026-12-01T00:00:00Z",
            "dataset": {
                "namespace": "shop", "name": "mart.customers", "tier": "gold", "retention": "P1Y", "retention_days": 365,
                "owners": [{"name": "alice", "type": "technical"}], "created_at": "2026-01-01T00:00:00Z", "deprecated": true,
                "columns": [{"name": "email", "type": "text", "tags": [{"key": "pii.email", "status": "proposed", "pii": true,
                    "propagated": true, "detected_by": "name",
                    "path": [{"dataset": "shop/raw.customers", "column": "email", "tag": "pii.email", "transformation": "DIRECT/IDENTITY"}]}]}],
                "usage": {"queries_30d": 3, "users_30d": 2, "last_read": "2026-11-30T00:00:00Z"},
                "upstream": [{"namespace": "shop", "name": "raw.customers", "owners": []}],
                "downstream": [{"namespace": "shop", "name": "bi.customers", "tier": "gold", "classification": "internal"}]
            },
            "change": {"status": "modified",
                "removed_columns": [{"column": "a", "consumers": [{"dataset": "shop/x", "column": "a", "tier": "gold", "owners": [{"name": "bob"}]}]}],
                "renamed_columns": [{"column": "b", "new_name": "c"}], "type_changes": [{"column": "d", "old_type": "int", "new_type": "text"}],
                "edge_changes": [{"column": "e", "input": "shop/raw.t.e", "before": "DIRECT/IDENTITY", "after": "DIRECT/AGGREGATION"}],
                "new_inputs": ["shop/raw.t.f"],
                "new_pii_flows": [{"column": "g", "tag": "pii.email", "path": [{"dataset": "shop/raw.t", "column": "g", "tag": "pii.email"}]}]}
        });
        let input: PolicyInput = serde_json::from_value(json).expect("a PolicyInput");
        let by_serde = Value::deserialize(serde_json::to_value(&input).expect("serialize"))
            .expect("a regorus value");
        let by_hand = input_value(&input);
        assert_eq!(by_hand, by_serde);

        let without_change = PolicyInput {
            change: None,
            ..input
        };
        let by_serde =
            Value::deserialize(serde_json::to_value(&without_change).expect("serialize"))
                .expect("a regorus value");
        assert_eq!(input_value(&without_change), by_serde);
    }
}
