//! The store's records in Marquez's JSON shapes.
//!
//! Existing tools (Marquez's web UI, its Python client, scripts) read `/api/v1/…` and
//! expect Marquez's field names, so the records are rendered here with those names,
//! plus what Marquez lacks (owners, classification and retention, deprecation, namespace counters, what SQL lineage
//! made of a job's SQL). Times are RFC 3339 with microseconds; absent values are
//! `null`, never left out.

use serde_json::{Value, json};
use weft_store::lookup::OwnerRef;
use weft_store::read::{
    ColumnInput, ColumnLineageNode, DatasetRecord, DatasetVersionRecord, EntityName, JobRecord,
    LINEAGE_MAX_NODES, LineageAnswer, LineageEntity, Listing, NamespaceRecord, RunRecord,
    SqlLineageRecord, iso,
};

/// A page of a list as `{"totalCount": …, key: [item…]}`.
fn listing<T>(list: &Listing<T>, key: &str, item: impl Fn(&T) -> Value) -> Value {
    let items: Vec<Value> = list.items.iter().map(item).collect();
    json!({"totalCount": list.total, key: items})
}

/// `{"namespace", "name"}`: how Marquez names a dataset or job.
fn name_json(n: &EntityName) -> Value {
    json!({"namespace": n.namespace, "name": n.name})
}

fn owners_json(owners: &[OwnerRef]) -> Vec<Value> {
    owners
        .iter()
        .map(|o| json!({"name": o.name, "type": o.owner_type}))
        .collect()
}

/// A namespace.
pub fn namespace(n: &NamespaceRecord) -> Value {
    json!({
        "name": n.name,
        "createdAt": iso(Some(n.created_at)),
        "updatedAt": iso(Some(n.updated_at)),
        "description": n.description,
        "ownerName": n.owner_name,
        "isHidden": false,
        "stats": {
            "events": n.events,
            "runEvents": n.run_events,
        },
    })
}

/// A page of namespaces.
pub fn namespaces(list: &Listing<NamespaceRecord>) -> Value {
    listing(list, "namespaces", namespace)
}

/// A dataset.
pub fn dataset(d: &DatasetRecord) -> Value {
    let fields: Vec<Value> = d
        .fields
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "type": f.data_type,
                "tags": f.tags,
                "description": f.description,
            })
        })
        .collect();
    json!({
        "id": {"namespace": d.namespace, "name": d.name},
        "type": d.kind,
        "name": d.name,
        "physicalName": d.name,
        "createdAt": iso(Some(d.created_at)),
        "updatedAt": iso(Some(d.updated_at)),
        "namespace": d.namespace,
        "sourceName": d.source_name.as_deref().unwrap_or(&d.namespace),
        "fields": fields,
        "tags": d.tags,
        "owners": owners_json(&d.owners),
        "classification": d.governance.classification,
        "retention": d.governance.retention,
        "retentionDays": d.governance.retention_days(),
        "lastModifiedAt": iso(d.last_modified_at),
        "lastLifecycleState": d.lifecycle.as_deref().unwrap_or_default(),
        "description": d.description,
        "currentVersion": d.current_version,
        "deprecated": d.deprecation.as_ref().map(|x| json!({
            "note": x.note, "by": x.actor, "at": iso(Some(x.at)),
        })),
        "facets": d.facets,
        "deleted": d.deleted(),
    })
}

/// A page of datasets.
pub fn datasets(list: &Listing<DatasetRecord>) -> Value {
    listing(list, "datasets", dataset)
}

/// A page of the schema versions of dataset `ns`:`name`.
pub fn dataset_versions(ns: &str, name: &str, list: &Listing<DatasetVersionRecord>) -> Value {
    listing(list, "versions", |v| {
        json!({
            "id": {"namespace": ns, "name": name},
            "name": name,
            "namespace": ns,
            "version": v.version,
            "createdAt": iso(Some(v.created_at)),
            "fields": v.fields,
            "createdByRun": v.created_by_run.as_ref().map(|id| json!({"id": id})),
        })
    })
}

fn sql_lineage(s: &SqlLineageRecord) -> Value {
    json!({
        "dialect": s.dialect,
        "statements": s.statements,
        "edges": s.edges,
        "errors": s.errors,
        "warnings": s.warnings,
        "unresolved": s.unresolved,
        "changeSeq": s.change_seq,
        "analyzedAt": iso(Some(s.analyzed_at)),
    })
}

/// A job.
pub fn job(j: &JobRecord) -> Value {
    json!({
        "id": {"namespace": j.namespace, "name": j.name},
        "type": j.kind,
        "name": j.name,
        "simpleName": j.simple_name(),
        "parentJobName": j.parent_name(),
        "createdAt": iso(Some(j.created_at)),
        "updatedAt": iso(Some(j.updated_at)),
        "namespace": j.namespace,
        "inputs": j.inputs.iter().map(name_json).collect::<Vec<_>>(),
        "outputs": j.outputs.iter().map(name_json).collect::<Vec<_>>(),
        "location": j.location(),
        "description": j.description,
        "sql": j.sql,
        "owners": owners_json(&j.owners),
        "latestRun": j.latest_run.as_deref().map(run),
        "facets": j.facets,
        "sqlLineage": j.sql_lineage.as_ref().map(sql_lineage),
    })
}

/// A page of jobs.
pub fn jobs(list: &Listing<JobRecord>) -> Value {
    listing(list, "jobs", job)
}

/// A run.
pub fn run(r: &RunRecord) -> Value {
    let versions = |list: &[weft_store::read::DatasetVersionId]| -> Vec<Value> {
        list.iter()
            .map(|v| {
                json!({
                    "datasetVersionId": {
                        "namespace": v.namespace,
                        "name": v.name,
                        "version": v.version,
                    }
                })
            })
            .collect()
    };
    json!({
        "id": r.id,
        "externalId": r.external_id,
        "createdAt": iso(Some(r.created_at)),
        "updatedAt": iso(Some(r.updated_at)),
        "nominalStartTime": iso(r.nominal_start),
        "nominalEndTime": iso(r.nominal_end),
        "state": r.state,
        "startedAt": iso(r.started_at),
        "endedAt": iso(r.ended_at),
        "durationMs": r.duration_ms(),
        "args": {},
        "jobId": name_json(&r.job),
        "parentRunId": r.parent_run_id,
        "inputDatasetVersions": versions(&r.inputs),
        "outputDatasetVersions": versions(&r.outputs),
        "facets": r.facets,
    })
}

/// A page of runs.
pub fn runs(list: &Listing<RunRecord>) -> Value {
    listing(list, "runs", run)
}

/// A lineage answer as `{"graph": [node…]}`; a cut one also says `"truncated": true`
/// and the cap, two keys Marquez's clients ignore.
pub fn lineage(a: &LineageAnswer) -> Value {
    let graph: Vec<Value> = a
        .nodes
        .iter()
        .map(|n| {
            let (ty, data) = match &n.entity {
                LineageEntity::Dataset(d) => ("DATASET", dataset(d)),
                LineageEntity::Job(j) => ("JOB", job(j)),
            };
            json!({"id": n.key, "type": ty, "data": data, "inEdges": edges_json(&n.in_edges), "outEdges": edges_json(&n.out_edges)})
        })
        .collect();
    if a.truncated {
        return json!({"graph": graph, "truncated": true, "maxNodes": LINEAGE_MAX_NODES});
    }
    json!({"graph": graph})
}

/// `[{"origin", "destination"}]`.
fn edges_json(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(o, d)| json!({"origin": o, "destination": d}))
        .collect()
}

/// Marquez's single `transformationType` for an edge: IDENTITY when every
/// transformation is DIRECT/IDENTITY, else TRANSFORMATION.
fn legacy_type(t: &Value) -> Value {
    let all_identity = t.as_array().is_some_and(|a| {
        !a.is_empty()
            && a.iter()
                .all(|x| x["type"] == "DIRECT" && x["subtype"] == "IDENTITY")
    });
    Value::from(if all_identity {
        "IDENTITY"
    } else {
        "TRANSFORMATION"
    })
}

fn column_input(i: &ColumnInput) -> Value {
    json!({"namespace": i.source.namespace, "dataset": i.source.dataset, "field": i.source.field,
           "transformationType": legacy_type(&i.transformations), "transformations": i.transformations,
           "transformationDescription": i.description,
           "datasetLevel": i.dataset_level,
           "edgeOrigins": i.origins})
}

/// A column-lineage answer as `{"graph": [node…]}`: each column with its inputs, the
/// first input's transformation repeated on the node as Marquez shows it.
pub fn column_lineage(columns: &[ColumnLineageNode]) -> Value {
    let graph: Vec<Value> = columns
        .iter()
        .map(|c| {
            let first = c.inputs.first();
            json!({
                "id": c.column.node_id(),
                "type": "DATASET_FIELD",
                "data": {
                    "namespace": c.column.namespace, "dataset": c.column.dataset,
                    "field": c.column.field, "fieldType": c.field_type,
                    "transformationDescription": first.and_then(|i| i.description.as_ref()),
                    "transformationType": first.map(|i| legacy_type(&i.transformations)),
                    "inputFields": c.inputs.iter().map(column_input).collect::<Vec<_>>(),
                    "lineageDisagreement": c.disagreement.as_ref().map(|d| json!({
                        "declaredOnly": d.declared_only,
                        "sqlOnly": d.sql_only,
                    })),
                },
                "inEdges": edges_json(&c.in_edges),
                "outEdges": edges_json(&c.out_edges),
            })
        })
        .collect();
    json!({"graph": graph})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_type_is_identity_only_for_pure_identity() {
        assert_eq!(
            legacy_type(&json!([{"type":"DIRECT","subtype":"IDENTITY"}])),
            "IDENTITY"
        );
        assert_eq!(
            legacy_type(&json!([{"type":"DIRECT","subtype":"AGGREGATION"}])),
            "TRANSFORMATION"
        );
        assert_eq!(legacy_type(&json!([])), "TRANSFORMATION");
    }
}
