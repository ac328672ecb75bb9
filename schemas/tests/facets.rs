//! `typed`, `is_deleted`, `check_known_facets` and `check_known_facets_and_read` on small
//! hand-written events.

use serde_json::{Value, json};
use weft_schemas::facets::{self, *};
use weft_schemas::{Dataset, Event, Facets};

fn facet_map(v: Value) -> Facets {
    serde_json::from_str(&v.to_string()).expect("facet map")
}

#[test]
fn typed_reads_present_facets_and_skips_absent_or_deleted_ones() {
    let f = facet_map(json!({
        "sql": {"_producer": "p", "_schemaURL": "s", "query": "select 1", "dialect": "postgres"},
        "documentation": {"_producer": "p", "_schemaURL": "s", "_deleted": true}
    }));
    let sql: SqlJobFacet = facets::typed(Some(&f), "sql")
        .expect("present")
        .expect("fits");
    assert_eq!(sql.query, "select 1");
    assert_eq!(sql.dialect.as_deref(), Some("postgres"));
    assert!(facets::typed::<DocumentationFacet>(Some(&f), "documentation").is_none());
    assert!(facets::typed::<OwnershipFacet>(Some(&f), "ownership").is_none());
    assert!(facets::typed::<OwnershipFacet>(None, "ownership").is_none());
}

#[test]
fn is_deleted_only_for_a_true_marker() {
    assert!(facets::is_deleted(&FacetJson::from_value(
        &json!({"_deleted": true})
    )));
    assert!(!facets::is_deleted(&FacetJson::from_value(
        &json!({"_deleted": false})
    )));
    assert!(!facets::is_deleted(&FacetJson::from_value(
        &json!({"_deleted": "true"})
    )));
    assert!(!facets::is_deleted(&FacetJson::from_value(&json!({}))));
    assert!(!facets::is_deleted(&FacetJson::from_value(&json!([true]))));
}

#[test]
fn a_misfit_names_the_path_inside_the_facet() {
    let f = facet_map(json!({
        "schema": {"fields": [{"name": "a"}, {"name": "b", "fields": [{"type": "int"}]}]},
        "nominalTime": {"nominalEndTime": "2024-01-01T00:00:00Z"},
        "sql": "select 1"
    }));
    let err = facets::typed::<SchemaDatasetFacet>(Some(&f), "schema")
        .expect("present")
        .expect_err("nested field without name");
    assert_eq!(err.key, "schema");
    assert_eq!(err.path, "fields[1].fields[0].name");
    assert_eq!(
        err.to_string(),
        "facet `schema`: fields[1].fields[0].name: missing field `name`"
    );
    let err = facets::typed::<NominalTimeRunFacet>(Some(&f), "nominalTime")
        .expect("present")
        .expect_err("nominalStartTime is required");
    assert_eq!(err.path, "nominalStartTime");
    let err = facets::typed::<SqlJobFacet>(Some(&f), "sql")
        .expect("present")
        .expect_err("not an object");
    assert_eq!(err.path, "");
    assert!(
        err.to_string().starts_with("facet `sql`: invalid type"),
        "{err}"
    );
}

#[test]
fn typed_facets_keep_unknown_keys_and_absent_fields() {
    let original = json!({
        "_producer": "p", "_schemaURL": "s", "vendorHint": {"x": 1},
        "fields": [{"name": "a", "type": "int", "ordinal_position": 1, "tag": "k",
                    "fields": []}]
    });
    let f = facet_map(json!({ "schema": original.clone() }));
    let schema: SchemaDatasetFacet = facets::typed(Some(&f), "schema")
        .expect("present")
        .expect("fits");
    assert_eq!(schema.extra["vendorHint"], json!({"x": 1}));
    let fields = schema.fields.as_deref().unwrap_or_default();
    assert_eq!(fields[0].field_type.as_deref(), Some("int"));
    assert_eq!(fields[0].ordinal_position, Some(1));
    assert_eq!(
        fields[0].fields.as_deref(),
        Some(&[][..]),
        "[] is not absent"
    );
    assert_eq!(serde_json::to_value(&schema).expect("serializes"), original);

    // Without `fields` and without the envelope: still readable, still round-trips.
    let bare = json!({"vendorOnly": true});
    let f = facet_map(json!({ "schema": bare.clone() }));
    let schema: SchemaDatasetFacet = facets::typed(Some(&f), "schema")
        .expect("present")
        .expect("fits");
    assert_eq!(schema.fields, None);
    assert_eq!(schema.producer, None);
    assert_eq!(serde_json::to_value(&schema).expect("serializes"), bare);
}

#[test]
fn column_lineage_reads_deprecated_and_current_forms() {
    let f = facet_map(json!({"columnLineage": {
        "_producer": "p", "_schemaURL": "s",
        "fields": {
            "total": {"inputFields": [{"namespace": "pg", "name": "orders", "field": "amount",
                "transformations": [{"type": "DIRECT", "subtype": "AGGREGATION", "masking": false}]}]},
            "email_hash": {"inputFields": [{"namespace": "pg", "name": "users", "field": "email"}],
                "transformationDescription": "sha256(email)", "transformationType": "MASKED"}
        },
        "dataset": [{"namespace": "pg", "name": "orders", "field": "status",
            "transformations": [{"type": "INDIRECT", "subtype": "FILTER"}]}]
    }}));
    let cl: ColumnLineageDatasetFacet = facets::typed(Some(&f), "columnLineage")
        .expect("present")
        .expect("fits");
    let total = &cl.fields["total"].input_fields[0];
    let t = &total.transformations.as_deref().unwrap_or_default()[0];
    assert_eq!(
        (t.transformation_type.as_str(), t.subtype.as_deref()),
        ("DIRECT", Some("AGGREGATION"))
    );
    assert_eq!(t.masking, Some(false));
    let masked = &cl.fields["email_hash"];
    assert_eq!(masked.transformation_type.as_deref(), Some("MASKED"));
    assert_eq!(masked.input_fields[0].transformations, None);
    let dataset = cl.dataset.as_deref().unwrap_or_default();
    assert_eq!(dataset[0].field, "status");
}

#[test]
fn check_known_facets_covers_every_place_and_skips_the_rest() {
    let bad_owner =
        json!({"_producer": "p", "_schemaURL": "s", "owners": [{"type": "MAINTAINER"}]});
    let event = Event::from_value(json!({
        "eventTime": "2024-01-01T00:00:00Z", "producer": "p",
        "run": {"runId": "r", "facets": {"tags": {"tags": [{"key": "k"}]}}},
        "job": {"namespace": "n", "name": "j", "facets": {
            "ownership": bad_owner,
            "schema": "not a job facet, not checked here",
            "spark.logicalPlan": 42
        }},
        "inputs": [{"namespace": "n", "name": "a", "facets": {
            "ownership": {"_deleted": true},
            "symlinks": {"identifiers": [{"namespace": "n", "name": "t"}]}
        }, "inputFacets": {"dataQualityMetrics": "unchecked"}}]
    }))
    .expect("decodes");
    let warnings: Vec<(String, String)> = check_known_facets(&event)
        .into_iter()
        .map(|w| (w.path, w.message))
        .collect();
    let expected = [
        ("run.facets.tags", "tags[0].value: missing field `value`"),
        (
            "job.facets.ownership",
            "owners[0].name: missing field `name`",
        ),
        (
            "inputs[0].facets.symlinks",
            "identifiers[0].type: missing field `type`",
        ),
    ]
    .map(|(p, m)| (p.to_owned(), m.to_owned()));
    assert_eq!(warnings, expected);

    let dataset_event = Event::from_value(json!({
        "eventTime": "2024-01-01T00:00:00Z", "producer": "p",
        "dataset": {"namespace": "n", "name": "d", "facets": {"storage": {"fileFormat": "orc"}}}
    }))
    .expect("decodes");
    let w = check_known_facets(&dataset_event);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].path, "dataset.facets.storage");
    assert_eq!(w[0].facet, "storage");
    assert_eq!(
        w[0].to_string(),
        "dataset.facets.storage: storageLayer: missing field `storageLayer`"
    );
}

#[test]
fn check_and_read_keeps_the_schema_and_column_lineage_that_fit() {
    let schema = json!({"_producer": "p", "_schemaURL": "s", "x-custom": [1, {"a": null}],
        "fields": [{"name": "id", "type": "int", "tag": "k"}]});
    let lineage = json!({"fields": {"id": {"inputFields": [{"namespace": "n", "name": "a",
        "field": "id", "transformations": [{"type": "DIRECT", "subtype": "IDENTITY",
        "extraKey": true}]}]}}, "dataset": []});
    let event = Event::from_value(json!({
        "eventTime": "2024-01-01T00:00:00Z", "producer": "p",
        "run": {"runId": "r"}, "job": {"namespace": "n", "name": "j"},
        "inputs": [
            {"namespace": "n", "name": "a", "facets": {"schema": schema}},
            {"namespace": "n", "name": "b", "facets": {"schema": {"_deleted": true}}}
        ],
        "outputs": [
            {"namespace": "n", "name": "c", "facets": {"columnLineage": lineage,
                "schema": {"fields": [{"type": "int"}]}}},
            {"namespace": "n", "name": "d"}
        ]
    }))
    .expect("decodes");
    let checked = check_known_facets_and_read(&event);
    assert_eq!(checked.warnings, check_known_facets(&event));
    let paths: Vec<&str> = checked.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(paths, ["outputs[0].facets.schema"]);

    let typed_schema = |i: usize, side: &[Dataset]| {
        facets::typed::<SchemaDatasetFacet>(side[i].facets.as_ref(), "schema").and_then(Result::ok)
    };
    let Event::Run(run) = &event else {
        unreachable!()
    };
    let (inputs, outputs) = (
        run.inputs.as_deref().unwrap_or_default(),
        run.outputs.as_deref().unwrap_or_default(),
    );
    let read = &checked.datasets;
    assert_eq!(read.len(), 4, "one per dataset, inputs then outputs");
    assert_eq!(read[0].schema, typed_schema(0, inputs));
    assert!(read[0].schema.is_some());
    // Unknown keys are kept, so the read facet serializes back to what was sent.
    assert_eq!(serde_json::to_value(&read[0].schema).expect("json"), schema);
    assert_eq!(read[1], DatasetFacetsRead::default(), "deletion marker");
    assert_eq!(read[2].schema, None, "does not fit");
    let cl = read[2].column_lineage.as_ref().expect("column lineage");
    assert_eq!(serde_json::to_value(cl).expect("json"), lineage);
    assert_eq!(read[3], DatasetFacetsRead::default());
    assert_eq!(typed_schema(1, outputs), None);
}

#[test]
fn parent_facet_reads_root_and_forwarded_facets() {
    let f = facet_map(json!({"parent": {
        "_producer": "p", "_schemaURL": "s",
        "run": {"runId": "task-run", "facets": {"custom": {"a": 1}}},
        "job": {"namespace": "airflow", "name": "dag.task"},
        "root": {"run": {"runId": "dag-run"}, "job": {"namespace": "airflow", "name": "dag"}}
    }}));
    let parent: ParentRunFacet = facets::typed(Some(&f), "parent")
        .expect("present")
        .expect("fits");
    assert_eq!(parent.run.run_id, "task-run");
    assert_eq!(parent.job.name, "dag.task");
    let root = parent.root.as_ref().expect("root");
    assert_eq!(
        (root.run.run_id.as_str(), root.job.name.as_str()),
        ("dag-run", "dag")
    );
    assert_eq!(
        serde_json::to_value(&parent).expect("serializes"),
        f["parent"].to_value()
    );
}
