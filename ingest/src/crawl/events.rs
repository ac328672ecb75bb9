//! A [`Snapshot`] as OpenLineage DatasetEvents.
//!
//! The crawl is not a run of any job, so each table becomes a DatasetEvent (static
//! metadata). What OpenLineage has facets for goes into them (`schema`,
//! `documentation`, `datasetType`, `columnLineage` for views); the rest of what a
//! catalog shows (keys, row estimate, partitioning, nullability, defaults) goes into the
//! custom `weft_catalog` facet, so nothing the crawl found is lost on the way through
//! the normal ingestion path.

use serde_json::{Map, Value, json};
use weft_lineage::{Dialect, Options, SchemaSnapshot, analyze};

use super::{Snapshot, TableInfo};

/// `schemaURL` of the events: the spec version whose DatasetEvent they follow.
pub const EVENT_SCHEMA_URL: &str =
    "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent";
const SCHEMA_FACET_URL: &str =
    "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
const DOCUMENTATION_FACET_URL: &str = "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet";
const DATASET_TYPE_FACET_URL: &str = "https://openlineage.io/spec/facets/1-0-1/DatasetTypeDatasetFacet.json#/$defs/DatasetTypeDatasetFacet";
const LIFECYCLE_FACET_URL: &str = "https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json#/$defs/LifecycleStateChangeDatasetFacet";

/// Key of the custom facet holding what OpenLineage has no facet for.
pub const WEFT_CATALOG_FACET: &str = "weft_catalog";
/// `_schemaURL` of the `weft_catalog` facet, versioned so readers can tell shapes apart.
pub const WEFT_CATALOG_SCHEMA_URL: &str = "https://github.com/weft-catalog/weft/blob/main/ingest/src/crawl/WeftCatalogDatasetFacet.json#/$defs/WeftCatalogDatasetFacet";

/// The events of a snapshot, with how the view definitions fared.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// One DatasetEvent (JSON text) per table or view, in snapshot order.
    pub events: Vec<String>,
    /// Views and materialized views in the snapshot.
    pub views: usize,
    /// Views whose definition parsed and gave a columnLineage facet.
    pub views_parsed: usize,
    /// Views whose definition gave no lineage; their events still carry the schema.
    pub view_errors: Vec<ViewError>,
}

/// Why a view's definition gave no lineage, with where, so the definition (or the
/// parser) can be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewError {
    /// Full name of the view.
    pub view: String,
    /// What went wrong.
    pub message: String,
    /// 1-based line in the definition, when known.
    pub line: Option<u64>,
    /// 1-based column in the definition, when known.
    pub column: Option<u64>,
}

impl Snapshot {
    /// One DatasetEvent per table and view, stamped with `producer` and `event_time`
    /// (RFC 3339). View definitions are analysed with [`weft_lineage`] in the source's
    /// dialect, against the snapshot's own tables, so `SELECT *` and unqualified columns
    /// resolve and inputs get the same names as the tables' own events.
    pub fn to_events(&self, producer: &str, event_time: &str) -> Converted {
        let dialect = if self.namespace.starts_with("mysql") {
            Dialect::MySql
        } else {
            Dialect::Postgres
        };
        let mut schema = SchemaSnapshot::new();
        for t in &self.tables {
            schema.insert(&t.name, t.columns.iter().map(|c| c.name.clone()).collect());
        }
        let mut out = Converted {
            events: Vec::with_capacity(self.tables.len()),
            ..Converted::default()
        };
        for t in &self.tables {
            let mut facets = table_facets(&self.namespace, t, producer);
            if t.kind.is_view() {
                out.views += 1;
                match self.view_lineage(t, dialect, &schema) {
                    Ok(facet) => {
                        out.views_parsed += 1;
                        facets.insert("columnLineage".to_owned(), facet);
                    }
                    Err(e) => {
                        tracing::debug!(view = %e.view, error = %e.message, "view without lineage");
                        out.view_errors.push(e);
                    }
                }
            }
            out.events.push(dataset_event(
                &self.namespace,
                &t.name,
                producer,
                event_time,
                facets,
            ));
        }
        out
    }

    fn view_lineage(
        &self,
        t: &TableInfo,
        dialect: Dialect,
        schema: &SchemaSnapshot,
    ) -> Result<Value, ViewError> {
        let fail = |message: String, pos: Option<(u64, u64)>| ViewError {
            view: t.name.clone(),
            message,
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
        };
        let Some(def) = t
            .view_definition
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        else {
            return Err(fail(
                "definition not visible to the crawling role".into(),
                None,
            ));
        };
        // Postgres names are database.schema.table, MySQL's database.table: the
        // defaults fill in what the definition leaves out, at the right depth.
        let options = match dialect {
            Dialect::MySql => Options {
                dialect,
                default_schema: Some(t.database.clone()),
                ..Options::default()
            },
            _ => Options {
                dialect,
                default_database: Some(t.database.clone()),
                default_schema: t.schema.clone(),
                ..Options::default()
            },
        };
        let script = analyze(def, &options, schema);
        let mut lineage = None;
        for st in &script.statements {
            match &st.result {
                Ok(l) => {
                    lineage.get_or_insert(l);
                }
                Err(e) => {
                    let p = e.position();
                    return Err(fail(e.message(), Some((p.line, p.column))));
                }
            }
        }
        let Some(lineage) = lineage else {
            return Err(fail("definition holds no statement".into(), None));
        };
        let mut lineage = lineage.clone();
        // Unknown tables pass `*` through: a facet field must name a column.
        lineage.columns.retain(|c| c.column != "*");
        for c in &mut lineage.columns {
            c.inputs.retain(|i| i.column != "*");
        }
        lineage.dataset.retain(|i| i.column != "*");
        // The definition's output names are the view's columns, except when the view
        // renamed them (`CREATE VIEW v (a, b) AS …` in MySQL): then map by position.
        let result: Vec<usize> = (0..lineage.columns.len())
            .filter(|&i| lineage.columns[i].dataset.is_none())
            .collect();
        if result.len() == t.columns.len() {
            for (&i, col) in result.iter().zip(&t.columns) {
                lineage.columns[i].column = col.name.clone();
            }
        }
        for d in &lineage.diagnostics {
            tracing::debug!(view = %t.name, at = %d.position, "{}", d.message);
        }
        let facets = lineage.column_lineage_facets(&self.namespace);
        let facet = facets
            .iter()
            .find(|(k, _)| k.is_none())
            .or(facets.first())
            .map(|(_, f)| f);
        let Some(facet) = facet else {
            return Err(fail("definition gives no column lineage".into(), None));
        };
        serde_json::to_value(facet).map_err(|e| fail(e.to_string(), None))
    }
}

/// The facets every table gets: schema, documentation, datasetType, weft_catalog.
fn table_facets(namespace: &str, t: &TableInfo, producer: &str) -> Map<String, Value> {
    let mut facets = Map::new();
    let fields: Vec<Value> = t
        .columns
        .iter()
        .map(|c| {
            let mut f = Map::new();
            f.insert("name".into(), c.name.clone().into());
            f.insert("type".into(), c.data_type.clone().into());
            if let Some(d) = &c.comment {
                f.insert("description".into(), d.clone().into());
            }
            f.insert("ordinal_position".into(), c.ordinal.into());
            Value::Object(f)
        })
        .collect();
    facets.insert(
        "schema".into(),
        json!({"_producer": producer, "_schemaURL": SCHEMA_FACET_URL, "fields": fields}),
    );
    if let Some(comment) = &t.comment {
        facets.insert(
            "documentation".into(),
            json!({
                "_producer": producer,
                "_schemaURL": DOCUMENTATION_FACET_URL,
                "description": comment,
            }),
        );
    }
    let (dataset_type, sub_type) = t.kind.dataset_type();
    let mut ty = json!({
        "_producer": producer,
        "_schemaURL": DATASET_TYPE_FACET_URL,
        "datasetType": dataset_type,
    });
    if let (Some(s), Value::Object(m)) = (sub_type, &mut ty) {
        m.insert("subType".into(), s.into());
    }
    facets.insert("datasetType".into(), ty);
    facets.insert(
        WEFT_CATALOG_FACET.into(),
        catalog_facet(namespace, t, producer),
    );
    facets
}

/// What OpenLineage has no facet for; absent values are left out, not `null`.
fn catalog_facet(namespace: &str, t: &TableInfo, producer: &str) -> Value {
    let mut m = Map::new();
    m.insert("_producer".into(), producer.into());
    m.insert("_schemaURL".into(), WEFT_CATALOG_SCHEMA_URL.into());
    m.insert("kind".into(), json!(t.kind));
    m.insert("database".into(), t.database.clone().into());
    if let Some(s) = &t.schema {
        m.insert("schema".into(), s.clone().into());
    }
    m.insert("table".into(), t.table.clone().into());
    if !t.primary_key.is_empty() {
        m.insert("primaryKey".into(), json!(t.primary_key));
    }
    if !t.foreign_keys.is_empty() {
        let fks: Vec<Value> = t
            .foreign_keys
            .iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "columns": f.columns,
                    "references": {"namespace": namespace, "name": f.references},
                    "referencedColumns": f.referenced_columns,
                })
            })
            .collect();
        m.insert("foreignKeys".into(), fks.into());
    }
    if let Some(n) = t.row_estimate {
        m.insert("rowEstimate".into(), n.into());
    }
    if let Some(p) = &t.partitioning {
        m.insert("partitioning".into(), json!(p));
    }
    let columns: Vec<Value> = t
        .columns
        .iter()
        .map(|c| {
            let mut col = Map::new();
            col.insert("name".into(), c.name.clone().into());
            col.insert("nullable".into(), c.nullable.into());
            if let Some(d) = &c.default {
                col.insert("default".into(), d.clone().into());
            }
            Value::Object(col)
        })
        .collect();
    m.insert("columns".into(), columns.into());
    if let Some(d) = &t.view_definition {
        m.insert("viewDefinition".into(), d.clone().into());
    }
    Value::Object(m)
}

fn dataset_event(
    namespace: &str,
    name: &str,
    producer: &str,
    event_time: &str,
    facets: Map<String, Value>,
) -> String {
    json!({
        "eventTime": event_time,
        "producer": producer,
        "schemaURL": EVENT_SCHEMA_URL,
        "dataset": {"namespace": namespace, "name": name, "facets": facets},
    })
    .to_string()
}

/// A DatasetEvent saying the dataset was dropped (`lifecycleStateChange: DROP`): how a
/// crawler soft-deletes a table it no longer finds, keeping its history in the catalog.
pub fn dropped_event(namespace: &str, name: &str, producer: &str, event_time: &str) -> String {
    let mut facets = Map::new();
    facets.insert(
        "lifecycleStateChange".into(),
        json!({
            "_producer": producer,
            "_schemaURL": LIFECYCLE_FACET_URL,
            "lifecycleStateChange": "DROP",
        }),
    );
    dataset_event(namespace, name, producer, event_time, facets)
}
