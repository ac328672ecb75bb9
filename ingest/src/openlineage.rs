//! OpenLineage events → [`MetadataChange`].
//!
//! Decoding (`weft_schemas::openlineage::Event`) already refused events that lack what a
//! catalog needs; here the accepted event is read for what it says about runs, jobs and
//! datasets. Facets stay verbatim; the few a catalog projects into columns (schema,
//! columnLineage, tags, ownership, nominalTime, parent) are read through their typed
//! models, and a facet that does not fit its model is flagged, not dropped.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use weft_schemas::change::{
    ChangeBody, ChangeKind, ChangeWarning, ColumnEdge, DatasetRole, DatasetUpdate, FacetChanges,
    FacetValue, Field, Fields, JobUpdate, LineageUpdate, MetadataChange, Owner, RunUpdate, Tag,
};
use weft_schemas::facets::{
    self, ColumnLineageDatasetFacet, DatasetFacetsRead, InputField, SchemaField, Transformation,
};
use weft_schemas::governance::{WeftGovernanceDatasetFacet, check_classification};
use weft_schemas::limits::{self, LimitError};
use weft_schemas::openlineage::{
    Dataset, Event, FacetJson, Facets, Job, RunEvent, parse_event_time,
};

use crate::runid::normalize_run_id;

/// Why an event that decoded could still not be turned into a change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormalizeError {
    /// `eventTime` did not parse (decoding normally catches this first).
    #[error("eventTime: {0}")]
    EventTime(String),
    /// The event could not be serialized back to JSON (should not happen).
    #[error("payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// The event is over one of the documented limits, or its `eventType` is not one the
    /// spec defines ([`weft_schemas::limits`]).
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// A `weft_governance` facet states a classification this catalog does not have
    /// ([`check_classifications`]).
    #[error("{path}: {message}")]
    Classification {
        /// `outputs[0].facets.weft_governance.classification`.
        path: String,
        /// The value and the classifications allowed.
        message: String,
    },
}

impl NormalizeError {
    /// The JSON path of the offending field, for API error bodies.
    pub fn path(&self) -> &str {
        match self {
            NormalizeError::EventTime(_) => "eventTime",
            NormalizeError::Payload(_) => "",
            NormalizeError::Limit(e) => &e.path,
            NormalizeError::Classification { path, .. } => path,
        }
    }

    /// What was wrong, without the path (API error bodies carry the path apart).
    pub fn message(&self) -> String {
        match self {
            NormalizeError::Limit(e) => e.message.clone(),
            NormalizeError::Classification { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

/// Builds the change for one newly pushed event; `actor` is who pushed it.
///
/// The event must be within the documented limits ([`weft_schemas::limits`]); those are
/// checked here, before anything is copied, so every way in (HTTP, `weft ingest`, the
/// crawler's events) refuses the same events.
///
/// The payload is the event's deterministic JSON (facets verbatim, map keys sorted), and the
/// dedupe key its SHA-256, so a retried delivery of the same event is recognised however
/// its keys were ordered on the wire.
pub fn normalize(event: &Event, actor: &str) -> Result<MetadataChange, NormalizeError> {
    limits::check_event(event)?;
    let payload = serde_json::to_string(event)?;
    let dedupe_key = Sha256::digest(payload.as_bytes()).to_vec();
    build(event, actor, payload, Some(dedupe_key), Admission::New)
}

/// Refuses a new event whose `weft_governance` facet states a classification outside
/// `allowed` (`[governance] classifications`).
///
/// The facet's model checks only the spelling (it cannot see the configuration); a
/// producer's `publc` would otherwise stand as the dataset's classification and slip
/// past every policy that looks for `public`. Refusing it, with the field's path, makes
/// the producer fix its configuration instead of the catalog holding a value nobody can
/// filter or govern by. Replays are not checked: a value the set held when it arrived
/// stays in the log as it was.
pub fn check_classifications(event: &Event, allowed: &[String]) -> Result<(), NormalizeError> {
    let datasets: Vec<&Dataset> = match event {
        Event::Run(e) => e.inputs.iter().chain(&e.outputs).flatten().collect(),
        Event::Job(e) => e.inputs.iter().chain(&e.outputs).flatten().collect(),
        Event::Dataset(e) => vec![&e.dataset],
    };
    for (path, d) in dataset_paths(event).iter().zip(datasets) {
        let Some(Ok(facet)) = facets::typed::<WeftGovernanceDatasetFacet>(
            d.facets.as_ref(),
            weft_schemas::governance::FACET_KEY,
        ) else {
            // Absent, a deletion marker, or a misfit (flagged by the facet check).
            continue;
        };
        if let Some(c) = &facet.classification {
            check_classification(c, allowed).map_err(|e| NormalizeError::Classification {
                path: format!(
                    "{path}.facets.{}.classification",
                    weft_schemas::governance::FACET_KEY
                ),
                message: e.message,
            })?;
        }
    }
    Ok(())
}

/// Like [`normalize`], with the payload already known (a rebuild re-derives changes from
/// the payloads in the change log and must not alter them). The limits are not
/// re-checked: what an older version stored still replays.
pub fn normalize_with_payload(
    event: &Event,
    actor: &str,
    payload: String,
    dedupe_key: Option<Vec<u8>>,
) -> Result<MetadataChange, NormalizeError> {
    build(event, actor, payload, dedupe_key, Admission::Replay)
}

/// Whether the event is new (held to the limits) or replayed from the change log.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Admission {
    New,
    Replay,
}

fn build(
    event: &Event,
    actor: &str,
    payload: String,
    dedupe_key: Option<Vec<u8>>,
    admission: Admission,
) -> Result<MetadataChange, NormalizeError> {
    let event_time = parse_event_time(event.event_time())
        .map_err(|e| NormalizeError::EventTime(e.to_string()))?
        .timestamp_micros();
    // The check reads `schema` and `columnLineage` through their models anyway; keep
    // what it read instead of parsing them again below.
    let checked = facets::check_known_facets_and_read(event);
    if admission == Admission::New {
        for (path, read) in dataset_paths(event).iter().zip(&checked.datasets) {
            limits::check_dataset_facets(path, read)?;
        }
    }
    let mut warnings: Vec<ChangeWarning> = checked
        .warnings
        .into_iter()
        .map(|w| ChangeWarning {
            path: w.path,
            message: w.message,
        })
        .collect();
    warnings.extend(unparsed_sql(event));
    let mut read = checked.datasets.into_iter();
    let mut update = LineageUpdate {
        event_time,
        warnings,
        ..LineageUpdate::default()
    };
    let (kind, entity, namespace) = match event {
        Event::Run(run_event) => {
            let run = run_update(run_event, event_time);
            let entity = format!("run:{}", run.id);
            update.run = Some(run);
            update.job = Some(job_update(&run_event.job));
            push_datasets(&mut update, &run_event.inputs, &run_event.outputs, read);
            (
                ChangeKind::OpenLineageRun,
                entity,
                run_event.job.namespace.clone(),
            )
        }
        Event::Job(job_event) => {
            update.job = Some(job_update(&job_event.job));
            push_datasets(&mut update, &job_event.inputs, &job_event.outputs, read);
            let entity = format!("job:{}:{}", job_event.job.namespace, job_event.job.name);
            (
                ChangeKind::OpenLineageJob,
                entity,
                job_event.job.namespace.clone(),
            )
        }
        Event::Dataset(dataset_event) => {
            let d = &dataset_event.dataset;
            let facets = read.next().unwrap_or_default();
            let mut subject = dataset_update(d, DatasetRole::Subject, facets);
            // Weft's own crawler states a view's lineage only after parsing the view's
            // SQL: that is analysis, not a producer's declaration.
            if dataset_event.producer == crate::crawl::CRAWLER_PRODUCER {
                subject.edges_origin = VIEW_ORIGIN;
            }
            update.datasets.push(subject);
            (
                ChangeKind::OpenLineageDataset,
                format!("dataset:{}:{}", d.namespace, d.name),
                d.namespace.clone(),
            )
        }
    };
    Ok(MetadataChange {
        actor: actor.to_owned(),
        kind,
        entity,
        namespace: Some(namespace),
        payload,
        dedupe_key,
        body: ChangeBody::Lineage(update),
    })
}

/// A warning when the job's `sql` facet holds more SQL than is parsed for lineage
/// ([`limits::MAX_PARSED_SQL_BYTES`]): the event and the facet are kept, the SQL-lineage
/// view skips the query, and the change says why its column lineage is missing.
fn unparsed_sql(event: &Event) -> Option<ChangeWarning> {
    let job = match event {
        Event::Run(e) => &e.job,
        Event::Job(e) => &e.job,
        Event::Dataset(_) => return None,
    };
    let facet = job.facets.as_ref()?.get("sql")?;
    // The query is no longer than its facet: most events stop here without a parse.
    if facet.json().len() <= limits::MAX_PARSED_SQL_BYTES {
        return None;
    }
    let sql = facets::typed::<facets::SqlJobFacet>(job.facets.as_ref(), "sql")?.ok()?;
    let len = sql.query.len();
    (len > limits::MAX_PARSED_SQL_BYTES).then(|| ChangeWarning {
        path: "job.facets.sql.query".to_owned(),
        message: format!(
            "query is {len} bytes; SQL over {} bytes is stored but not parsed for column lineage",
            limits::MAX_PARSED_SQL_BYTES
        ),
    })
}

/// The path of each dataset of the event, in the order the facet check reads them.
fn dataset_paths(event: &Event) -> Vec<String> {
    let sides = |inputs: &Option<Vec<Dataset>>, outputs: &Option<Vec<Dataset>>| {
        let ins = (0..inputs.as_ref().map_or(0, Vec::len)).map(|i| format!("inputs[{i}]"));
        let outs = (0..outputs.as_ref().map_or(0, Vec::len)).map(|i| format!("outputs[{i}]"));
        ins.chain(outs).collect()
    };
    match event {
        Event::Run(e) => sides(&e.inputs, &e.outputs),
        Event::Job(e) => sides(&e.inputs, &e.outputs),
        Event::Dataset(_) => vec!["dataset".to_owned()],
    }
}

/// `read` holds what the facet check read from each dataset, in the same order.
fn push_datasets(
    update: &mut LineageUpdate,
    inputs: &Option<Vec<Dataset>>,
    outputs: &Option<Vec<Dataset>>,
    mut read: impl Iterator<Item = DatasetFacetsRead>,
) {
    let roles = inputs
        .iter()
        .flatten()
        .map(|d| (d, DatasetRole::Input))
        .chain(outputs.iter().flatten().map(|d| (d, DatasetRole::Output)));
    for (d, role) in roles {
        let facets = read.next().unwrap_or_default();
        update.datasets.push(dataset_update(d, role, facets));
    }
}

/// Facet values keyed by name, with `_deleted: true` turned into a removal.
fn facet_changes(facets: Option<&Facets>) -> FacetChanges {
    facets
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let value = if facets::is_deleted(v) {
                None
            } else {
                Some(facet_value(v))
            };
            (k.clone(), value)
        })
        .collect()
}

fn facet_value(v: &FacetJson) -> FacetValue {
    let json = v.json().to_owned();
    let digest = Sha256::digest(json.as_bytes()).to_vec();
    FacetValue { json, digest }
}

/// The stored form of a schema: what a dataset version keeps, and its digest.
fn fields_of(list: Vec<Field>) -> Fields {
    /// Field order is the alphabetical order the stored text has always had, so digests
    /// of schemas written by earlier builds still match.
    #[derive(Serialize)]
    struct Stored<'a> {
        description: &'a Option<String>,
        name: &'a str,
        #[serde(rename = "type")]
        data_type: &'a Option<String>,
    }
    let stored: Vec<Stored> = list
        .iter()
        .map(|f| Stored {
            description: &f.description,
            name: &f.name,
            data_type: &f.data_type,
        })
        .collect();
    let json = serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned());
    let digest = Sha256::digest(json.as_bytes()).to_vec();
    Fields { list, json, digest }
}

fn edge_fingerprint(transformations: &str, description: Option<&str>) -> u64 {
    let mut h = DefaultHasher::new();
    transformations.hash(&mut h);
    description.hash(&mut h);
    h.finish()
}

fn job_update(job: &Job) -> JobUpdate {
    JobUpdate {
        namespace: job.namespace.clone(),
        name: job.name.clone(),
        facets: facet_changes(job.facets.as_ref()),
    }
}

/// Rank of a state among events with the same time: terminal states win ties.
fn state_rank(state: Option<&str>) -> i64 {
    match state {
        None => 0,
        Some("START") => 1,
        Some("RUNNING") => 2,
        Some("COMPLETE" | "FAIL" | "ABORT") => 4,
        Some(_) => 3,
    }
}

fn run_update(event: &RunEvent, event_time: i64) -> RunUpdate {
    let state = event
        .event_type
        .as_deref()
        .map(|s| s.trim().to_ascii_uppercase());
    let run_facets = event.run.facets.as_ref();
    let nominal: Option<facets::NominalTimeRunFacet> =
        facets::typed(run_facets, "nominalTime").and_then(Result::ok);
    let parent: Option<facets::ParentRunFacet> =
        facets::typed(run_facets, "parent").and_then(Result::ok);
    let micros = |s: &str| parse_event_time(s).ok().map(|t| t.timestamp_micros());
    RunUpdate {
        id: normalize_run_id(&event.run.run_id),
        external_id: event.run.run_id.clone(),
        state_order: event_time
            .saturating_mul(8)
            .saturating_add(state_rank(state.as_deref())),
        state,
        nominal_start: nominal.as_ref().and_then(|n| micros(&n.nominal_start_time)),
        nominal_end: nominal
            .as_ref()
            .and_then(|n| n.nominal_end_time.as_deref().and_then(micros)),
        parent_run_id: parent.map(|p| normalize_run_id(&p.run.run_id)),
        facets: facet_changes(run_facets),
    }
}

/// The tags of a `tags` facet, read leniently: when the facet does not fit its model
/// (one tag lacks `value`, say), the tags that do fit are kept and only the bad ones are
/// skipped; the facet check has already flagged the facet with a warning naming the path.
/// `None` when there is no tags facet (or it is deleted, or its `tags` is not a list).
fn lenient_tags(facets: Option<&Facets>) -> Option<Vec<facets::Tag>> {
    match facets::typed::<facets::TagsFacet>(facets, "tags")? {
        Ok(t) => Some(t.tags.unwrap_or_default()),
        Err(_) => {
            let value = facets?.get("tags")?.to_value();
            let list = value.get("tags")?.as_array()?;
            Some(
                list.iter()
                    .filter_map(|t| serde_json::from_value::<facets::Tag>(t.clone()).ok())
                    .collect(),
            )
        }
    }
}

/// `read` is the dataset's `schema` and `columnLineage` as the facet check read them.
fn dataset_update(d: &Dataset, role: DatasetRole, read: DatasetFacetsRead) -> DatasetUpdate {
    let facets = d.facets.as_ref();
    let fields = read
        .schema
        .map(|schema| fields_of(flatten_fields(&schema.fields.unwrap_or_default())));
    let edges = read
        .column_lineage
        .map(|cl| column_edges(&cl))
        .unwrap_or_default();
    let tags = lenient_tags(facets).map(|tags| {
        tags.into_iter()
            .map(|tag| Tag {
                column: tag.field.unwrap_or_default(),
                key: tag.key,
                value: Some(tag.value).filter(|v| !v.is_empty()),
                source: tag.source,
            })
            .collect()
    });
    let owners = facets::typed::<facets::OwnershipFacet>(facets, "ownership")
        .and_then(Result::ok)
        .map(|o| {
            o.owners
                .unwrap_or_default()
                .into_iter()
                .map(|owner| Owner {
                    name: owner.name,
                    owner_type: owner.owner_type,
                })
                .collect()
        });
    DatasetUpdate {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        role,
        facets: facet_changes(facets),
        fields,
        edges,
        edges_origin: DECLARED_ORIGIN,
        tags,
        owners,
    }
}

/// `column_edges.origin` of lineage a producer declared in a columnLineage facet.
pub const DECLARED_ORIGIN: &str = "openlineage";

/// `column_edges.origin` of lineage Weft's crawler parsed from a view's definition.
pub const VIEW_ORIGIN: &str = "view";

/// Nested struct fields become dotted paths so each is a column of its own.
fn flatten_fields(fields: &[SchemaField]) -> Vec<Field> {
    fn walk(fields: &[SchemaField], prefix: &str, out: &mut Vec<Field>) {
        for f in fields {
            let name = if prefix.is_empty() {
                f.name.clone()
            } else {
                format!("{prefix}.{}", f.name)
            };
            out.push(Field {
                name: name.clone(),
                data_type: f.field_type.clone(),
                description: f.description.clone(),
                ordinal: out.len() as i64,
            });
            if let Some(children) = &f.fields {
                walk(children, &name, out);
            }
        }
    }
    let mut out = Vec::with_capacity(fields.len());
    walk(fields, "", &mut out);
    out
}

/// Maps the deprecated field-level `transformationType` onto 1-2-0 transformations.
fn legacy_transformations(kind: &str, description: Option<&str>) -> String {
    let upper = kind.to_ascii_uppercase();
    let subtype = if upper == "IDENTITY" {
        "IDENTITY"
    } else {
        "TRANSFORMATION"
    };
    let mut t = serde_json::Map::new();
    t.insert("type".into(), Value::from("DIRECT"));
    t.insert("subtype".into(), Value::from(subtype));
    if let Some(d) = description {
        t.insert("description".into(), Value::from(d));
    }
    if upper.contains("MASK") {
        t.insert("masking".into(), Value::from(true));
    }
    Value::Array(vec![Value::Object(t)]).to_string()
}

/// Subtypes that describe the whole dataset (spec 1-2-0): a row filter or a join key
/// decides which rows exist, not what one column holds.
const DATASET_LEVEL_SUBTYPES: [&str; 4] = ["FILTER", "JOIN", "GROUP_BY", "SORT"];

/// (input dataset namespace, name, field, subtype) of an INDIRECT use.
type IndirectUse<'a> = (&'a str, &'a str, &'a str, &'a str);

fn dataset_level_uses(input: &InputField) -> impl Iterator<Item = IndirectUse<'_>> {
    input.transformations.iter().flatten().filter_map(move |t| {
        let subtype = t.subtype.as_deref()?;
        (t.transformation_type.eq_ignore_ascii_case("INDIRECT")
            && DATASET_LEVEL_SUBTYPES.contains(&subtype))
        .then_some((
            input.namespace.as_str(),
            input.name.as_str(),
            input.field.as_str(),
            subtype,
        ))
    })
}

/// The dataset-level uses that a producer repeated on every field of the facet.
///
/// Spark's integration (before dataset-level lineage existed) attaches each filter,
/// join, grouping and ordering column to every output field. Read per field, that would
/// claim every column is derived from the filter columns; read as what it is, it is one
/// dataset-level dependency. A use on only some fields stays per field.
fn repeated_on_every_field(cl: &ColumnLineageDatasetFacet) -> HashSet<IndirectUse<'_>> {
    let mut fields = cl.fields.values();
    let Some(first) = fields.next() else {
        return HashSet::new();
    };
    let mut common: HashSet<IndirectUse> = first
        .input_fields
        .iter()
        .flat_map(dataset_level_uses)
        .collect();
    for field in fields {
        if common.is_empty() {
            break;
        }
        let here: HashSet<IndirectUse> = field
            .input_fields
            .iter()
            .flat_map(dataset_level_uses)
            .collect();
        common.retain(|u| here.contains(u));
    }
    common
}

fn column_edges(cl: &ColumnLineageDatasetFacet) -> Vec<ColumnEdge> {
    let legacy = repeated_on_every_field(cl);
    let mut edges = Vec::new();
    // Dataset-level uses lifted out of the fields, per input column, in first-seen order.
    let mut lifted: Vec<(&InputField, Vec<&Transformation>)> = Vec::new();
    for (dst_field, field) in &cl.fields {
        for input in &field.input_fields {
            // An empty 1-2-0 list says nothing; the deprecated field then still speaks.
            let mut listed: Vec<&Transformation> = input.transformations.iter().flatten().collect();
            if !legacy.is_empty() {
                let (moved, kept): (Vec<&Transformation>, Vec<&Transformation>) =
                    listed.into_iter().partition(|t| {
                        t.subtype.as_deref().is_some_and(|s| {
                            legacy.contains(&(
                                input.namespace.as_str(),
                                input.name.as_str(),
                                input.field.as_str(),
                                s,
                            ))
                        }) && t.transformation_type.eq_ignore_ascii_case("INDIRECT")
                    });
                if !moved.is_empty() {
                    let at = match lifted.iter().position(|(i, _)| {
                        i.namespace == input.namespace
                            && i.name == input.name
                            && i.field == input.field
                    }) {
                        Some(at) => at,
                        None => {
                            lifted.push((input, Vec::new()));
                            lifted.len() - 1
                        }
                    };
                    for t in moved {
                        if !lifted[at].1.contains(&t) {
                            lifted[at].1.push(t);
                        }
                    }
                    if kept.is_empty() {
                        continue;
                    }
                }
                listed = kept;
            }
            let transformations = match (listed.is_empty(), &field.transformation_type) {
                (false, _) => serde_json::to_string(&listed).unwrap_or_else(|_| "[]".to_owned()),
                (true, Some(kind)) => {
                    legacy_transformations(kind, field.transformation_description.as_deref())
                }
                (true, None) => "[]".to_owned(),
            };
            let description = field.transformation_description.clone();
            edges.push(ColumnEdge {
                src_namespace: input.namespace.clone(),
                src_name: input.name.clone(),
                src_field: input.field.clone(),
                dst_field: dst_field.clone(),
                fingerprint: edge_fingerprint(&transformations, description.as_deref()),
                transformations,
                description,
            });
        }
    }
    let mut dataset_level: Vec<(&InputField, Vec<&Transformation>)> = cl
        .dataset
        .iter()
        .flatten()
        .map(|input| (input, input.transformations.iter().flatten().collect()))
        .collect();
    for (input, ts) in lifted {
        match dataset_level.iter_mut().find(|(i, _)| {
            i.namespace == input.namespace && i.name == input.name && i.field == input.field
        }) {
            Some((_, listed)) => {
                for t in ts {
                    if !listed.contains(&t) {
                        listed.push(t);
                    }
                }
            }
            None => dataset_level.push((input, ts)),
        }
    }
    for (input, ts) in dataset_level {
        let transformations = serde_json::to_string(&ts).unwrap_or_else(|_| "[]".to_owned());
        edges.push(ColumnEdge {
            src_namespace: input.namespace.clone(),
            src_name: input.name.clone(),
            src_field: input.field.clone(),
            dst_field: String::new(),
            fingerprint: edge_fingerprint(&transformations, None),
            transformations,
            description: None,
        });
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(body: &str) -> MetadataChange {
        let event = Event::from_slice(body.as_bytes()).expect("decodes");
        normalize(&event, "tester").expect("normalizes")
    }

    #[test]
    fn new_events_are_held_to_the_limits_and_replays_are_not() {
        let body = r#"{"eventTime":"2024-05-01T10:00:00Z","producer":"p","eventType":"BOGUS",
            "run":{"runId":"r1"},"job":{"namespace":"ns","name":"j"}}"#;
        let event = Event::from_slice(body.as_bytes()).expect("decodes");
        let err = normalize(&event, "tester").expect_err("unknown eventType");
        assert_eq!(err.path(), "eventType");
        assert!(err.message().contains("BOGUS"), "{err}");
        // What an older version stored replays as it was accepted.
        let replayed =
            normalize_with_payload(&event, "tester", body.to_owned(), None).expect("replays");
        assert_eq!(
            lineage(&replayed).run.as_ref().map(|r| r.state.as_deref()),
            Some(Some("BOGUS"))
        );
    }

    #[test]
    fn sql_over_the_parse_limit_is_kept_with_a_warning() {
        let query = format!(
            "SELECT {} FROM t",
            "c, ".repeat(weft_schemas::limits::MAX_PARSED_SQL_BYTES / 3)
        );
        let body = serde_json::json!({
            "eventTime": "2024-05-01T10:00:00Z", "producer": "p", "eventType": "COMPLETE",
            "run": {"runId": "r1"},
            "job": {"namespace": "ns", "name": "j", "facets": {"sql": {"_producer": "p",
                "_schemaURL": "s", "query": query}}}
        })
        .to_string();
        let c = change(&body);
        let w = &lineage(&c).warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "job.facets.sql.query");
        assert!(
            lineage(&c)
                .job
                .as_ref()
                .is_some_and(|j| j.facets.contains_key("sql"))
        );
        // Short SQL: no warning.
        let c = change(
            r#"{"eventTime":"2024-05-01T10:00:00Z","producer":"p","run":{"runId":"r1"},
            "job":{"namespace":"ns","name":"j","facets":{"sql":{"_producer":"p","_schemaURL":"s","query":"SELECT 1"}}}}"#,
        );
        assert!(lineage(&c).warnings.is_empty());
    }

    #[test]
    fn a_too_wide_schema_is_refused_with_the_dataset_path() {
        let fields: Vec<String> = (0..=weft_schemas::limits::MAX_SCHEMA_FIELDS)
            .map(|i| format!(r#"{{"name":"c{i}"}}"#))
            .collect();
        let body = format!(
            r#"{{"eventTime":"2024-05-01T10:00:00Z","producer":"p","run":{{"runId":"r1"}},
            "job":{{"namespace":"ns","name":"j"}},"inputs":[{{"namespace":"pg","name":"a"}}],
            "outputs":[{{"namespace":"pg","name":"b","facets":{{"schema":{{"_producer":"p",
            "_schemaURL":"s","fields":[{}]}}}}}}]}}"#,
            fields.join(",")
        );
        let event = Event::from_slice(body.as_bytes()).expect("decodes");
        let err = normalize(&event, "tester").expect_err("too wide");
        assert_eq!(err.path(), "outputs[0].facets.schema.fields");
    }

    fn lineage(c: &MetadataChange) -> &LineageUpdate {
        match &c.body {
            ChangeBody::Lineage(l) => l,
            other => panic!("not a lineage change: {other:?}"),
        }
    }

    #[test]
    fn a_tags_facet_with_one_bad_tag_keeps_the_others() {
        let c = change(
            r#"{"eventTime":"2024-05-01T10:00:00Z","producer":"p",
            "dataset":{"namespace":"pg","name":"a","facets":{"tags":{"_producer":"p","_schemaURL":"s",
              "tags":[{"key":"pii","value":"true","field":"email"},{"key":"broken"},
                      {"key":"tier","value":"gold"}]}}}}"#,
        );
        let keys: Vec<_> = lineage(&c).datasets[0]
            .tags
            .as_ref()
            .expect("tags kept")
            .iter()
            .map(|t| (t.column.as_str(), t.key.as_str()))
            .collect();
        assert_eq!(keys, [("email", "pii"), ("", "tier")]);
    }

    #[test]
    fn run_event_yields_run_job_and_datasets_with_edges() {
        let c = change(
            r#"{"eventTime":"2024-05-01T10:00:00.123456789Z","producer":"p","eventType":"complete",
            "run":{"runId":"not-a-uuid"},"job":{"namespace":"ns","name":"j"},
            "inputs":[{"namespace":"pg","name":"a"}],
            "outputs":[{"namespace":"pg","name":"b","facets":{
              "schema":{"_producer":"p","_schemaURL":"s","fields":[{"name":"x","type":"int"},{"name":"s","type":"struct","fields":[{"name":"y"}]}]},
              "columnLineage":{"_producer":"p","_schemaURL":"s","fields":{"x":{"inputFields":[{"namespace":"pg","name":"a","field":"x",
                 "transformations":[{"type":"DIRECT","subtype":"IDENTITY"}]}]},
                 "s.y":{"inputFields":[{"namespace":"pg","name":"a","field":"y"}],"transformationType":"MASKED"}},
                 "dataset":[{"namespace":"pg","name":"a","field":"flag","transformations":[{"type":"INDIRECT","subtype":"FILTER"}]}]},
              "old":{"_producer":"p","_schemaURL":"s","_deleted":true}}}]}"#,
        );
        assert_eq!(c.kind, ChangeKind::OpenLineageRun);
        let l = lineage(&c);
        let run = l.run.as_ref().expect("run");
        assert_eq!(run.state.as_deref(), Some("COMPLETE"));
        assert_eq!(run.external_id, "not-a-uuid");
        assert!(crate::runid::is_uuid(&run.id));
        assert_eq!(run.state_order, l.event_time * 8 + 4);
        let out = &l.datasets[1];
        assert_eq!(out.role, DatasetRole::Output);
        let names: Vec<_> = out
            .fields
            .as_ref()
            .expect("fields")
            .list
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["x", "s", "s.y"]);
        assert_eq!(out.edges.len(), 3);
        let masked = out
            .edges
            .iter()
            .find(|e| e.dst_field == "s.y")
            .expect("s.y");
        let transformations: Value = serde_json::from_str(&masked.transformations).expect("json");
        assert_eq!(transformations[0]["masking"], Value::Bool(true));
        let ds_level = out
            .edges
            .iter()
            .find(|e| e.dst_field.is_empty())
            .expect("dataset-level");
        assert_eq!(ds_level.src_field, "flag");
        assert_eq!(
            out.facets.get("old"),
            Some(&None),
            "_deleted becomes removal"
        );
    }

    #[test]
    fn filters_repeated_on_every_field_are_read_as_dataset_level() {
        // Spark's legacy shape: the join/filter/grouping columns on every output field.
        let t = |ty: &str, sub: &str| format!(r#"{{"type":"{ty}","subtype":"{sub}"}}"#);
        let input = |field: &str, ts: &[String]| {
            format!(
                r#"{{"namespace":"file","name":"/src","field":"{field}","transformations":[{}]}}"#,
                ts.join(",")
            )
        };
        let filter = t("INDIRECT", "FILTER");
        let group = t("INDIRECT", "GROUP_BY");
        let body = format!(
            r#"{{"eventTime":"2024-05-01T10:00:00Z","producer":"p","run":{{"runId":"r"}},
            "job":{{"namespace":"n","name":"j"}},
            "outputs":[{{"namespace":"file","name":"/dst","facets":{{"columnLineage":{{
              "_producer":"p","_schemaURL":"s","fields":{{
                "x":{{"inputFields":[{},{}]}},
                "y":{{"inputFields":[{},{}]}}}}}}}}}}]}}"#,
            input(
                "a",
                &[t("DIRECT", "IDENTITY"), filter.clone(), group.clone()]
            ),
            input("w", &[t("INDIRECT", "CONDITIONAL")]),
            input("a", &[filter.clone(), group.clone()]),
            input("b", &[t("DIRECT", "AGGREGATION")]),
        );
        let c = change(&body);
        let edges = &lineage(&c).datasets[0].edges;
        let find = |dst: &str, src: &str| {
            edges
                .iter()
                .find(|e| e.dst_field == dst && e.src_field == src)
                .map(|e| serde_json::from_str::<Value>(&e.transformations).expect("json"))
        };
        let x_a = find("x", "a").expect("the DIRECT use of a stays on x");
        assert_eq!(x_a.as_array().map(Vec::len), Some(1), "{x_a}");
        assert_eq!(x_a[0]["subtype"], "IDENTITY");
        assert!(
            find("y", "a").is_none(),
            "y only had a's dataset-level uses"
        );
        assert!(find("x", "w").is_some(), "a CONDITIONAL use is per field");
        let ds = find("", "a").expect("dataset-level a");
        let subtypes: Vec<&str> = ds
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|t| t["subtype"].as_str())
            .collect();
        assert_eq!(subtypes, ["FILTER", "GROUP_BY"]);
        assert_eq!(edges.len(), 4, "{edges:?}");
    }

    #[test]
    fn same_event_same_dedupe_key_regardless_of_key_order() {
        let a = change(
            r#"{"eventTime":"2024-05-01T10:00:00Z","producer":"p","run":{"runId":"r"},"job":{"namespace":"n","name":"j"}}"#,
        );
        let b = change(
            r#"{"job":{"name":"j","namespace":"n"},"run":{"runId":"r"},"producer":"p","eventTime":"2024-05-01T10:00:00Z"}"#,
        );
        assert_eq!(a.dedupe_key, b.dedupe_key);
        assert_eq!(a.payload, b.payload);
    }
}
