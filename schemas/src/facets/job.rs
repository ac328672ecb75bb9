//! Job facets: what a job runs and what kind of job it is.

use serde::{Deserialize, Serialize};

use super::Extra;

/// `sql` (spec `SQLJobFacet` 1-1-0): the query a job runs, input to SQL lineage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SqlJobFacet {
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
    /// The SQL text.
    pub query: String,
    /// The SQL dialect (e.g. `snowflake`), so the parser need not guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `jobType` (spec 2-0-4): batch or streaming, which integration, which kind of task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobTypeJobFacet {
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
    /// `BATCH`, `STREAMING` or `SERVICE`.
    pub processing_type: String,
    /// The integration that emitted the job (`SPARK`, `DBT`, `AIRFLOW`, …).
    pub integration: String,
    /// Integration-specific kind (`QUERY`, `DAG`, `TASK`, `MODEL`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_type: Option<String>,
    /// How the job emits events, for consumers that must combine partial events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emission_pattern: Option<EmissionPattern>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// When and how completely a job's events describe it (part of [`JobTypeJobFacet`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmissionPattern {
    /// `EVENT_BASED` or `PERIODIC`.
    pub event_trigger: String,
    /// `ACCUMULATIVE` or `COMPLETE_SNAPSHOT`.
    pub event_content_mode: String,
    /// Seconds between periodic emissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_duration: Option<u64>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
