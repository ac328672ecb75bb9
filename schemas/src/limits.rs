//! The documented limits on what one OpenLineage event may hold, in one place.
//!
//! Without them a single event could make the catalog unusable: a 10 MB dataset name is
//! stored and then cannot be read back (it travels in a URL path or a header, and every
//! HTTP stack refuses those long before 10 MB); a job with a million inputs is stored in
//! seconds and then costs every derived view minutes; an 8 MB SQL statement takes
//! gigabytes to parse. Each limit is far above what real producers send (the largest
//! event in the shared corpus of real Spark, Airflow, dbt and Flink events is 220 KB,
//! with no name over 200 bytes) and low enough that the work an event causes stays
//! bounded.
//!
//! [`check_event`] applies the limits that need nothing but the decoded event, and
//! [`check_dataset_facets`] those that need the `schema` and `columnLineage` facets as the
//! facet check read them (so nothing is parsed twice). Both run when a *new* event is
//! admitted (`weft_ingest::openlineage::normalize`); a rebuild replays stored payloads
//! without them, so what an older version accepted still replays.
//!
//! SQL is the exception: a `sql` job facet over [`MAX_PARSED_SQL_BYTES`] is not a
//! reason to refuse the event. It is stored like any facet, and the SQL-lineage view
//! skips parsing it and records a warning on the change.
//!
//! Lengths are in bytes of UTF-8, as stored and as sent on the wire.

use crate::facets::{ColumnLineageDatasetFacet, DatasetFacetsRead, ParentRunFacet, SchemaField};
use crate::openlineage::{Dataset, Event, Facets, Job};

/// Longest namespace or name of a dataset or job: 1 KiB.
///
/// Names travel in URL paths (`/api/v1/namespaces/{ns}/datasets/{name}`), node ids
/// (`dataset:{ns}:{name}`) and headers; percent-encoding can triple them, and servers and
/// proxies commonly refuse request lines or headers over 8 KiB. 1 KiB leaves room for
/// a namespace and a name, encoded, in one URL, while being several times longer than
/// any real fully qualified table name or object-store path.
pub const MAX_NAME_BYTES: usize = 1024;

/// Longest `run.runId`, and `runId` of a `parent` run facet: 256 bytes.
///
/// A run id is a UUID (36 bytes) for most producers; the non-UUID ids real schedulers
/// send (`scheduled__2024-05-01T10:00:00+00:00`, a Spark application id) are well under
/// 100. Run ids appear in URLs (`/api/v1/runs/{id}`) and are hashed into UUIDs, so a
/// short bound keeps them readable back.
pub const MAX_RUN_ID_BYTES: usize = 256;

/// Most `inputs` in one event, and separately most `outputs`: 10,000.
///
/// A job's dataset-level edges are inputs × outputs, and every derived view reads a job's
/// datasets when the job runs; 10,000 is more than any real job reads (a wide Spark job
/// reads hundreds of partitions' tables at most) and keeps one event's work to seconds.
pub const MAX_DATASETS_PER_EVENT: usize = 10_000;

/// Most fields in one dataset's `schema` facet, nested fields included: 10,000.
///
/// Each field becomes a column row and a search-document entry; the widest real tables
/// (a few thousand columns in columnar stores) fit, and a dataset page stays loadable.
pub const MAX_SCHEMA_FIELDS: usize = 10_000;

/// Most column-lineage entries for one dataset: 100,000, counting each input field of
/// each output field and each dataset-level input in its `columnLineage` facet.
///
/// Each entry becomes a stored column edge and an edge of the in-memory lineage graph.
/// A 10,000-column output fed by ten columns each fits.
pub const MAX_COLUMN_LINEAGE_ENTRIES: usize = 100_000;

/// Largest single facet (its JSON text): 4 MiB.
///
/// Facets are stored verbatim and parsed again on reads; the largest real ones (a Spark
/// `spark.logicalPlan`, a dbt manifest excerpt) are a few hundred KB. 4 MiB keeps any
/// one facet readable in one response while leaving SQL facets above
/// [`MAX_PARSED_SQL_BYTES`] storable.
pub const MAX_FACET_BYTES: usize = 4 * 1024 * 1024;

/// Largest `sql` job facet query that is parsed for column lineage: 1 MiB.
///
/// Longer SQL is stored (refusing a producer's event for its SQL would lose the run), but
/// not parsed: parsing cost grows with the statement, and a generated megabyte-long
/// statement is not one whose lineage a reader can use. The change records a warning.
pub const MAX_PARSED_SQL_BYTES: usize = 1024 * 1024;

/// The run states the OpenLineage spec defines for `eventType`. An absent `eventType`
/// stays accepted (Marquez accepts it, and its own fixtures omit it); the value is
/// compared after trimming and upper-casing, as the run state is stored.
pub const EVENT_TYPES: [&str; 6] = ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"];

/// An event over a limit (or with an unknown `eventType`): the field and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct LimitError {
    /// Dotted path of the field (`inputs[3].name`, `eventType`).
    pub path: String,
    /// What is wrong and the limit, in words a producer can act on.
    pub message: String,
}

impl LimitError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> LimitError {
        LimitError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Checks the limits that need only the decoded event: `eventType`, names, run ids, the
/// number of inputs and outputs, and the size of every facet. The first problem found
/// is returned.
pub fn check_event(event: &Event) -> Result<(), LimitError> {
    match event {
        Event::Run(e) => {
            if let Some(t) = &e.event_type {
                check_event_type(t)?;
            }
            check_len("run.runId", &e.run.run_id, MAX_RUN_ID_BYTES)?;
            check_facets("run.facets", e.run.facets.as_ref())?;
            check_parent(e.run.facets.as_ref())?;
            check_job(&e.job)?;
            check_datasets("inputs", e.inputs.as_deref())?;
            check_datasets("outputs", e.outputs.as_deref())
        }
        Event::Job(e) => {
            check_job(&e.job)?;
            check_datasets("inputs", e.inputs.as_deref())?;
            check_datasets("outputs", e.outputs.as_deref())
        }
        Event::Dataset(e) => check_dataset("dataset", &e.dataset),
    }
}

/// Checks a dataset's schema width and column-lineage size, on the facets as read by
/// the facet check; `path` names the dataset (`outputs[0]`).
pub fn check_dataset_facets(path: &str, read: &DatasetFacetsRead) -> Result<(), LimitError> {
    if let Some(fields) = read.schema.as_ref().and_then(|s| s.fields.as_deref()) {
        let n = count_fields(fields);
        if n > MAX_SCHEMA_FIELDS {
            return Err(LimitError::new(
                format!("{path}.facets.schema.fields"),
                format!("{n} fields (nested included); at most {MAX_SCHEMA_FIELDS} are accepted"),
            ));
        }
    }
    if let Some(cll) = &read.column_lineage {
        let n = column_lineage_entries(cll);
        if n > MAX_COLUMN_LINEAGE_ENTRIES {
            return Err(LimitError::new(
                format!("{path}.facets.columnLineage"),
                format!(
                    "{n} column-lineage entries; at most {MAX_COLUMN_LINEAGE_ENTRIES} are accepted"
                ),
            ));
        }
    }
    Ok(())
}

fn check_event_type(t: &str) -> Result<(), LimitError> {
    let normal = t.trim().to_ascii_uppercase();
    if EVENT_TYPES.contains(&normal.as_str()) {
        return Ok(());
    }
    // Quote at most a short prefix: the value may itself be huge.
    let shown: String = t.chars().take(40).collect();
    Err(LimitError::new(
        "eventType",
        format!(
            "unknown eventType {shown:?}; expected one of {}",
            EVENT_TYPES.join(", ")
        ),
    ))
}

fn check_len(path: &str, value: &str, max: usize) -> Result<(), LimitError> {
    if value.len() > max {
        return Err(LimitError::new(
            path,
            format!(
                "{} bytes long; at most {max} bytes are accepted",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// The parent run's id and job names: they become a run and a job of their own.
fn check_parent(facets: Option<&Facets>) -> Result<(), LimitError> {
    let Some(facet) = facets.and_then(|f| f.get("parent")) else {
        return Ok(());
    };
    // Ids and names within the limits fit in a facet this short: skip the parse.
    if facet.json().len() <= MAX_RUN_ID_BYTES {
        return Ok(());
    }
    let Some(Ok(parent)) = crate::facets::typed::<ParentRunFacet>(facets, "parent") else {
        // A parent facet that does not fit its model is flagged by the facet check.
        return Ok(());
    };
    check_len(
        "run.facets.parent.run.runId",
        &parent.run.run_id,
        MAX_RUN_ID_BYTES,
    )?;
    check_len(
        "run.facets.parent.job.namespace",
        &parent.job.namespace,
        MAX_NAME_BYTES,
    )?;
    check_len(
        "run.facets.parent.job.name",
        &parent.job.name,
        MAX_NAME_BYTES,
    )
}

fn check_job(job: &Job) -> Result<(), LimitError> {
    check_len("job.namespace", &job.namespace, MAX_NAME_BYTES)?;
    check_len("job.name", &job.name, MAX_NAME_BYTES)?;
    check_facets("job.facets", job.facets.as_ref())
}

fn check_datasets(side: &str, datasets: Option<&[Dataset]>) -> Result<(), LimitError> {
    let datasets = datasets.unwrap_or_default();
    if datasets.len() > MAX_DATASETS_PER_EVENT {
        return Err(LimitError::new(
            side,
            format!(
                "{} datasets; at most {MAX_DATASETS_PER_EVENT} {side} per event are accepted",
                datasets.len()
            ),
        ));
    }
    for (i, d) in datasets.iter().enumerate() {
        check_dataset(&format!("{side}[{i}]"), d)?;
    }
    Ok(())
}

fn check_dataset(path: &str, d: &Dataset) -> Result<(), LimitError> {
    check_len(&format!("{path}.namespace"), &d.namespace, MAX_NAME_BYTES)?;
    check_len(&format!("{path}.name"), &d.name, MAX_NAME_BYTES)?;
    check_facets(&format!("{path}.facets"), d.facets.as_ref())?;
    check_facets(&format!("{path}.inputFacets"), d.input_facets.as_ref())?;
    check_facets(&format!("{path}.outputFacets"), d.output_facets.as_ref())
}

fn check_facets(path: &str, facets: Option<&Facets>) -> Result<(), LimitError> {
    for (key, facet) in facets.into_iter().flatten() {
        let len = facet.json().len();
        if len > MAX_FACET_BYTES {
            let mut p = path.to_owned();
            crate::json_path::push_key(&mut p, key);
            return Err(LimitError::new(
                p,
                format!("facet is {len} bytes; at most {MAX_FACET_BYTES} bytes are accepted"),
            ));
        }
    }
    Ok(())
}

/// Fields of a schema, nested ones included.
fn count_fields(fields: &[SchemaField]) -> usize {
    fields
        .iter()
        .map(|f| 1 + f.fields.as_deref().map_or(0, count_fields))
        .sum()
}

fn column_lineage_entries(cll: &ColumnLineageDatasetFacet) -> usize {
    cll.fields
        .values()
        .map(|f| f.input_fields.len())
        .sum::<usize>()
        + cll.dataset.as_ref().map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn run_event(patch: impl FnOnce(&mut Value)) -> Event {
        let mut v = json!({
            "eventTime": "2024-05-01T10:00:00Z", "producer": "p", "eventType": "COMPLETE",
            "run": {"runId": "00000000-0000-4000-8000-000000000001"},
            "job": {"namespace": "ns", "name": "j"},
            "inputs": [{"namespace": "pg", "name": "a"}],
            "outputs": [{"namespace": "pg", "name": "b"}]
        });
        patch(&mut v);
        Event::from_value(v).expect("decodes")
    }

    fn refused(event: &Event) -> LimitError {
        check_event(event).expect_err("over a limit")
    }

    #[test]
    fn an_ordinary_event_passes() {
        assert_eq!(check_event(&run_event(|_| {})), Ok(()));
    }

    #[test]
    fn every_spec_event_type_passes_in_any_case_and_absent_passes() {
        for t in EVENT_TYPES
            .iter()
            .map(|t| t.to_string())
            .chain(["complete".into(), " start ".into()])
        {
            assert_eq!(
                check_event(&run_event(|v| v["eventType"] = json!(t))),
                Ok(()),
                "{t}"
            );
        }
        let absent = run_event(|v| {
            v.as_object_mut().map(|o| o.remove("eventType"));
        });
        assert_eq!(check_event(&absent), Ok(()));
    }

    #[test]
    fn an_unknown_event_type_names_the_field() {
        let e = refused(&run_event(|v| v["eventType"] = json!("BOGUS")));
        assert_eq!(e.path, "eventType");
        assert!(
            e.message.contains("BOGUS") && e.message.contains("COMPLETE"),
            "{e}"
        );
        let e = refused(&run_event(|v| v["eventType"] = json!("")));
        assert_eq!(e.path, "eventType");
    }

    #[test]
    fn names_and_run_ids_over_the_limit_name_the_field_and_the_limit() {
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        let fits = "x".repeat(MAX_NAME_BYTES);
        assert_eq!(
            check_event(&run_event(|v| v["job"]["name"] = json!(fits))),
            Ok(())
        );
        for (path, pointer) in [
            ("job.name", "/job/name"),
            ("job.namespace", "/job/namespace"),
            ("inputs[0].name", "/inputs/0/name"),
            ("outputs[0].namespace", "/outputs/0/namespace"),
        ] {
            let e = refused(&run_event(|v| {
                if let Some(slot) = v.pointer_mut(pointer) {
                    *slot = json!(long);
                }
            }));
            assert_eq!(e.path, path);
            assert!(e.message.contains("1024"), "{e}");
        }
        let e = refused(&run_event(|v| {
            v["run"]["runId"] = json!("r".repeat(MAX_RUN_ID_BYTES + 1))
        }));
        assert_eq!(e.path, "run.runId");
        let parent = |run_id: String| {
            json!({"parent": {"_producer": "p", "_schemaURL": "s",
                "run": {"runId": run_id}, "job": {"namespace": "ns", "name": "parent"}}})
        };
        let e = refused(&run_event(|v| {
            v["run"]["facets"] = parent("r".repeat(MAX_RUN_ID_BYTES + 1))
        }));
        assert_eq!(e.path, "run.facets.parent.run.runId");
        assert_eq!(
            check_event(&run_event(|v| {
                v["run"]["facets"] = parent("r".repeat(MAX_RUN_ID_BYTES))
            })),
            Ok(())
        );
    }

    #[test]
    fn too_many_inputs_or_outputs_are_refused() {
        let many: Vec<Value> = (0..=MAX_DATASETS_PER_EVENT)
            .map(|i| json!({"namespace": "pg", "name": format!("t{i}")}))
            .collect();
        let at_limit = many[..MAX_DATASETS_PER_EVENT].to_vec();
        assert_eq!(
            check_event(&run_event(|v| v["inputs"] = json!(at_limit))),
            Ok(())
        );
        let e = refused(&run_event(|v| v["inputs"] = json!(many.clone())));
        assert_eq!(e.path, "inputs");
        let e = refused(&run_event(|v| v["outputs"] = json!(many)));
        assert_eq!(e.path, "outputs");
    }

    #[test]
    fn an_oversized_facet_is_refused_with_its_path() {
        let big = "y".repeat(MAX_FACET_BYTES);
        let e = refused(&run_event(|v| {
            v["outputs"][0]["facets"] = json!({"custom": {"_producer": "p", "blob": big}})
        }));
        assert_eq!(e.path, "outputs[0].facets.custom");
    }

    #[test]
    fn wide_schemas_and_huge_column_lineage_are_refused() {
        let field = SchemaField {
            name: "c".into(),
            field_type: None,
            description: None,
            ordinal_position: None,
            fields: None,
            extra: Default::default(),
        };
        let nested = SchemaField {
            fields: Some(vec![field.clone(); 2]),
            ..field.clone()
        };
        assert_eq!(count_fields(&[nested, field.clone()]), 4);
        let read = DatasetFacetsRead {
            schema: Some(crate::facets::SchemaDatasetFacet {
                producer: None,
                schema_url: None,
                deleted: None,
                fields: Some(vec![field; MAX_SCHEMA_FIELDS + 1]),
                extra: Default::default(),
            }),
            column_lineage: None,
        };
        let e = check_dataset_facets("outputs[0]", &read).expect_err("too wide");
        assert_eq!(e.path, "outputs[0].facets.schema.fields");
    }
}
