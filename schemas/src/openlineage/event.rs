//! The event structs and the [`Event`] sum type.
//!
//! Field names follow the spec's JSON keys through serde renames, so serialization emits
//! exactly `eventTime`, `eventType`, `schemaURL`, `runId`, `inputFacets`, `outputFacets`.
//! Optional fields are skipped when absent so that an absent key stays absent.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::decode::DecodeError;
use super::raw::{FacetJson, open_struct};

/// Facets keyed by name, each kept as the producer's JSON text ([`FacetJson`]).
///
/// Facets are open-ended (any producer may define its own), so the core model never
/// interprets them; read one with [`crate::facets::typed`] when it matters. A `BTreeMap`
/// makes serialization order deterministic, which keeps payload hashes stable.
pub type Facets = BTreeMap<String, FacetJson>;

/// Keys the spec does not define at this level, kept so nothing a producer sent is lost.
pub type Extra = serde_json::Map<String, Value>;

/// A run changed state (`START`, `COMPLETE`, …): the event most producers send.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunEvent {
    /// When the event happened, exactly as sent; see [`super::parse_event_time`].
    pub event_time: String,
    /// URI of the producer, used to attribute metadata to its source.
    pub producer: String,
    /// Spec version the producer claims; optional because Marquez accepts events without it.
    #[serde(rename = "schemaURL", default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// The run state transition; any string is kept, and its absence is allowed
    /// (Marquez's own fixtures omit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// The run this event is about.
    pub run: Run,
    /// The job the run belongs to.
    pub job: Job,
    /// Datasets read; `None` when the key was absent, which differs from an empty list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<Dataset>>,
    /// Datasets written; `None` when the key was absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<Dataset>>,
    /// Unknown top-level keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One execution of a job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The producer's run id: any string, since real producers send non-UUID ids.
    pub run_id: String,
    /// Run facets (parent, nominalTime, errorMessage, custom ones …), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Unknown keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A job, identified by namespace and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The job's namespace (often the scheduler instance).
    pub namespace: String,
    /// The job's name, unique within its namespace.
    pub name: String,
    /// Job facets (sql, jobType, ownership, …), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Unknown keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A dataset: used for inputs, outputs and the subject of a [`DatasetEvent`].
///
/// One struct serves all three because they share identity and a catalog treats them
/// alike; `inputFacets`/`outputFacets` are simply absent where they do not apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    /// The dataset's namespace (its data source, e.g. `postgres://db:5432`).
    pub namespace: String,
    /// The dataset's name within its namespace (e.g. `shop.public.orders`).
    pub name: String,
    /// Dataset facets (schema, columnLineage, …), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Facets about this dataset as an input of the run (e.g. dataQualityMetrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_facets: Option<Facets>,
    /// Facets about this dataset as an output of the run (e.g. outputStatistics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_facets: Option<Facets>,
    /// Unknown keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Metadata about a dataset outside any run (e.g. a schema change from CI).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetEvent {
    /// When the event happened, exactly as sent.
    pub event_time: String,
    /// URI of the producer.
    pub producer: String,
    /// Spec version the producer claims, if any.
    #[serde(rename = "schemaURL", default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// The dataset described.
    pub dataset: Dataset,
    /// Unknown top-level keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Metadata about a job outside any run (e.g. its definition was deployed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobEvent {
    /// When the event happened, exactly as sent.
    pub event_time: String,
    /// URI of the producer.
    pub producer: String,
    /// Spec version the producer claims, if any.
    #[serde(rename = "schemaURL", default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// The job described.
    pub job: Job,
    /// Datasets the job reads, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<Dataset>>,
    /// Datasets the job writes, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<Dataset>>,
    /// Unknown top-level keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Any OpenLineage event, as accepted on one endpoint.
///
/// Serializes as the inner event (no tag), so the wire format is unchanged. Deserializing
/// goes through [`Event::from_value`], which classifies by shape and checks what a
/// catalog needs; prefer [`Event::from_slice`] directly to keep the structured error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    /// An event with a `run`.
    Run(RunEvent),
    /// An event with a `dataset` and no `run`.
    Dataset(DatasetEvent),
    /// An event with a `job` and neither `run` nor `dataset`.
    Job(JobEvent),
}

/// Which of the three event types an [`Event`] is, for routing and logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A [`RunEvent`].
    Run,
    /// A [`DatasetEvent`].
    Dataset,
    /// A [`JobEvent`].
    Job,
}

impl EventKind {
    /// The spec's name for the event type (`RunEvent`, `DatasetEvent`, `JobEvent`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Run => "RunEvent",
            EventKind::Dataset => "DatasetEvent",
            EventKind::Job => "JobEvent",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Event {
    /// Decodes a request body; see the module docs for what is checked.
    pub fn from_slice(bytes: &[u8]) -> Result<Event, DecodeError> {
        super::decode::from_slice(bytes)
    }

    /// Decodes an already-parsed JSON value (e.g. one element of a batch).
    pub fn from_value(value: Value) -> Result<Event, DecodeError> {
        super::decode::from_value(value)
    }

    /// `eventTime` as received, whatever the event type.
    pub fn event_time(&self) -> &str {
        match self {
            Event::Run(e) => &e.event_time,
            Event::Dataset(e) => &e.event_time,
            Event::Job(e) => &e.event_time,
        }
    }

    /// `producer` as received, whatever the event type.
    pub fn producer(&self) -> &str {
        match self {
            Event::Run(e) => &e.producer,
            Event::Dataset(e) => &e.producer,
            Event::Job(e) => &e.producer,
        }
    }

    /// `schemaURL` as received, if any, whatever the event type.
    pub fn schema_url(&self) -> Option<&str> {
        match self {
            Event::Run(e) => e.schema_url.as_deref(),
            Event::Dataset(e) => e.schema_url.as_deref(),
            Event::Job(e) => e.schema_url.as_deref(),
        }
    }

    /// Which event type this is.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Run(_) => EventKind::Run,
            Event::Dataset(_) => EventKind::Dataset,
            Event::Job(_) => EventKind::Job,
        }
    }
}

impl<'de> Deserialize<'de> for Event {
    /// Buffers the value and runs [`Event::from_value`], so embedding `Event` in other
    /// serde types applies the same classification and checks (the path ends up in the
    /// error message).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Event::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl From<RunEvent> for Event {
    fn from(e: RunEvent) -> Self {
        Event::Run(e)
    }
}

impl From<DatasetEvent> for Event {
    fn from(e: DatasetEvent) -> Self {
        Event::Dataset(e)
    }
}

impl From<JobEvent> for Event {
    fn from(e: JobEvent) -> Self {
        Event::Job(e)
    }
}

open_struct!(RunEvent, "struct RunEvent",
    required {
        event_time: String = "eventTime",
        producer: String = "producer",
        run: Run = "run",
        job: Job = "job",
    }
    optional {
        schema_url: String = "schemaURL",
        event_type: String = "eventType",
        inputs: Vec<Dataset> = "inputs",
        outputs: Vec<Dataset> = "outputs",
    }
);

open_struct!(Run, "struct Run",
    required { run_id: String = "runId" }
    optional { facets: Facets = "facets" }
);

open_struct!(Job, "struct Job",
    required { namespace: String = "namespace", name: String = "name" }
    optional { facets: Facets = "facets" }
);

open_struct!(Dataset, "struct Dataset",
    required { namespace: String = "namespace", name: String = "name" }
    optional {
        facets: Facets = "facets",
        input_facets: Facets = "inputFacets",
        output_facets: Facets = "outputFacets",
    }
);

open_struct!(DatasetEvent, "struct DatasetEvent",
    required {
        event_time: String = "eventTime",
        producer: String = "producer",
        dataset: Dataset = "dataset",
    }
    optional { schema_url: String = "schemaURL" }
);

open_struct!(JobEvent, "struct JobEvent",
    required {
        event_time: String = "eventTime",
        producer: String = "producer",
        job: Job = "job",
    }
    optional {
        schema_url: String = "schemaURL",
        inputs: Vec<Dataset> = "inputs",
        outputs: Vec<Dataset> = "outputs",
    }
);
