//! Run facets: a run's place in a hierarchy, its schedule, its engine and its failure.

use serde::{Deserialize, Serialize};

use super::{Extra, NestedFacets};

/// `parent` (spec 1-2-0): the run that spawned this one (e.g. the DAG run of a task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRunFacet {
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
    /// `_deleted`: not defined for run facets, modelled so it round-trips if sent.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// The parent run.
    pub run: ParentRun,
    /// The parent run's job.
    pub job: ParentJob,
    /// The top of the hierarchy, when the parent is itself a child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<ParentRoot>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to another run (parent or root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRun {
    /// The referenced run's id, any string as for [`crate::Run::run_id`].
    pub run_id: String,
    /// A subset of that run's facets, forwarded for convenience; verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<NestedFacets>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to another job (parent or root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentJob {
    /// The referenced job's namespace.
    pub namespace: String,
    /// The referenced job's name.
    pub name: String,
    /// A subset of that job's facets, forwarded for convenience; verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<NestedFacets>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The root run and job of a hierarchy, in a [`ParentRunFacet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParentRoot {
    /// The root run.
    pub run: ParentRun,
    /// The root run's job.
    pub job: ParentJob,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `errorMessage` (spec 1-0-1): why a run failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorMessageRunFacet {
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
    /// `_deleted`: not defined for run facets, modelled so it round-trips if sent.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// The error message.
    pub message: String,
    /// Language of the failing system (e.g. `JAVA`, `PYTHON`), to read the stack trace.
    pub programming_language: String,
    /// The stack trace, when available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `processing_engine` (spec 1-1-1): the engine and adapter versions that ran the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingEngineRunFacet {
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
    /// `_deleted`: not defined for run facets, modelled so it round-trips if sent.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Engine version (e.g. the Spark or Airflow version).
    pub version: String,
    /// Engine name (e.g. `spark`, `Airflow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Version of the OpenLineage integration package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openlineage_adapter_version: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `nominalTime` (spec 1-0-1): the scheduled time window a run is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NominalTimeRunFacet {
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
    /// `_deleted`: not defined for run facets, modelled so it round-trips if sent.
    #[serde(rename = "_deleted", default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Start of the window (included), as sent; parse with [`crate::parse_event_time`].
    pub nominal_start_time: String,
    /// End of the window (excluded), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_end_time: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}
