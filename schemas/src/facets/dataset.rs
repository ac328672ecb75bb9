//! Dataset facets: structure, lineage and identity of a dataset.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::openlineage::raw::open_struct;

/// `schema` (spec 1-2-0): the dataset's fields, possibly nested.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// The top-level fields; optional in the spec, and producers do send `[]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<SchemaField>>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One field (column) of a [`SchemaDatasetFacet`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaField {
    /// The field's name.
    pub name: String,
    /// The field's type as the source system spells it (`VARCHAR`, `int64`, `struct`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    /// The field's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 1-based position in the schema, when the producer knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinal_position: Option<i64>,
    /// Nested fields of a struct, array element, map or union.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<SchemaField>>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `columnLineage` (spec 1-2-0): which input fields each output field is computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnLineageDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Output field name → the inputs it depends on.
    pub fields: BTreeMap<String, ColumnLineageField>,
    /// Inputs that affect the whole dataset (filters, joins, grouping), not one field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Vec<InputField>>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The lineage of one output field in a [`ColumnLineageDatasetFacet`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnLineageField {
    /// The input fields this output field is computed from.
    pub input_fields: Vec<InputField>,
    /// Deprecated in 1-1-0 (use per-input `transformations`), still sent by producers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformation_description: Option<String>,
    /// Deprecated (`IDENTITY`/`MASKED`); still accepted so older events keep lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformation_type: Option<String>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One input field: a dataset field an output depends on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputField {
    /// Namespace of the input dataset.
    pub namespace: String,
    /// Name of the input dataset.
    pub name: String,
    /// The input field (column).
    pub field: String,
    /// How the input is used (`DIRECT`/`INDIRECT` and subtype), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformations: Option<Vec<Transformation>>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How an [`InputField`] reaches its output: the part PII propagation reasons about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transformation {
    /// `DIRECT` (the value flows) or `INDIRECT` (it only influences, e.g. a filter).
    #[serde(rename = "type")]
    pub transformation_type: String,
    /// Refinement: `IDENTITY`, `TRANSFORMATION`, `AGGREGATION`, `JOIN`, `FILTER`, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// The transformation as text (e.g. the SQL expression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the transformation masks the data (hash, redact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masking: Option<bool>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

// The schema and column-lineage models are read from every dataset of every event, so
// they deserialize by hand: `#[serde(flatten)]` on `extra` would buffer each facet in an
// intermediate tree and deserialize it a second time. (`flatten` stays for serializing,
// where it costs nothing extra.) The others are read rarely and keep the derive.
open_struct!(SchemaDatasetFacet, "struct SchemaDatasetFacet",
    required {}
    optional {
        producer: String = "_producer",
        schema_url: String = "_schemaURL",
        deleted: bool = "_deleted",
        fields: Vec<SchemaField> = "fields",
    }
);

open_struct!(SchemaField, "struct SchemaField",
    required { name: String = "name" }
    optional {
        field_type: String = "type",
        description: String = "description",
        ordinal_position: i64 = "ordinal_position",
        fields: Vec<SchemaField> = "fields",
    }
);

open_struct!(ColumnLineageDatasetFacet, "struct ColumnLineageDatasetFacet",
    required { fields: BTreeMap<String, ColumnLineageField> = "fields" }
    optional {
        producer: String = "_producer",
        schema_url: String = "_schemaURL",
        deleted: bool = "_deleted",
        dataset: Vec<InputField> = "dataset",
    }
);

open_struct!(ColumnLineageField, "struct ColumnLineageField",
    required { input_fields: Vec<InputField> = "inputFields" }
    optional {
        transformation_description: String = "transformationDescription",
        transformation_type: String = "transformationType",
    }
);

open_struct!(InputField, "struct InputField",
    required {
        namespace: String = "namespace",
        name: String = "name",
        field: String = "field",
    }
    optional { transformations: Vec<Transformation> = "transformations" }
);

open_struct!(Transformation, "struct Transformation",
    required { transformation_type: String = "type" }
    optional {
        subtype: String = "subtype",
        description: String = "description",
        masking: bool = "masking",
    }
);

/// `dataSource` (spec 1-0-1): the system a dataset lives in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// The data source's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The data source's URI (e.g. `postgres://db:5432`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `symlinks` (spec 1-0-1): other names of the same dataset (e.g. a Hive table for a path).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SymlinksDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// The alternative identifiers; optional in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<Vec<SymlinkIdentifier>>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One alternative name in a [`SymlinksDatasetFacet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymlinkIdentifier {
    /// The alias's namespace.
    pub namespace: String,
    /// The alias's name.
    pub name: String,
    /// What kind of identifier it is (e.g. `TABLE`).
    #[serde(rename = "type")]
    pub identifier_type: String,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `datasetType` (spec 1-0-1): table, view, file, topic, model ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetTypeDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// `TABLE|VIEW|FILE|TOPIC|STREAM|MODEL|JOB_OUTPUT`, kept as sent.
    pub dataset_type: String,
    /// Refinement such as `MATERIALIZED`, `EXTERNAL`, `TEMPORARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `lifecycleStateChange` (spec 1-0-1): the run created, dropped, renamed … the dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleStateChangeDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// `ALTER|CREATE|DROP|OVERWRITE|RENAME|TRUNCATE`; a string so a new state added to
    /// the spec does not make the facet unreadable.
    pub lifecycle_state_change: String,
    /// The dataset's previous identity, for `RENAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_identifier: Option<PreviousIdentifier>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The name a dataset had before a rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousIdentifier {
    /// Previous dataset name.
    pub name: String,
    /// Previous dataset namespace.
    pub namespace: String,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `storage` (spec 1-0-1): table format and file format (iceberg/delta, parquet/orc …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageDatasetFacet {
    /// `_producer`: who emitted the facet.
    #[serde(rename = "_producer", default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `_schemaURL`: which facet schema version the producer followed.
    #[serde(
        rename = "_schemaURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_url: Option<String>,
    /// `_deleted`: set by a producer that removes the facet.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Storage layer provider (e.g. `iceberg`, `delta`).
    pub storage_layer: String,
    /// File format (e.g. `parquet`, `orc`, `avro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_format: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}
