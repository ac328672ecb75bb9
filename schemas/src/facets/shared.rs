//! Facets whose shape is the same on datasets and jobs (and, for tags, runs).
//!
//! The spec defines `DocumentationDatasetFacet`/`DocumentationJobFacet`,
//! `OwnershipDatasetFacet`/`OwnershipJobFacet` and `Tags{Dataset,Job,Run}Facet`
//! separately but with the same fields; one model each keeps callers from choosing.

use serde::{Deserialize, Serialize};

use super::Extra;

/// `documentation` (spec 1-1-0): human description of a dataset or job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentationFacet {
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
    /// The description shown in the catalog.
    pub description: String,
    /// MIME type of `description` (e.g. `text/markdown`), to render it correctly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `ownership` (spec 1-0-1): who owns a dataset or job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnershipFacet {
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
    /// The owners; optional in the spec, and `None` (absent) differs from `[]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<Owner>>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One owner in an [`OwnershipFacet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owner {
    /// The owner's identifier, recommended as a URN (`team:data`, `user:jdoe`).
    pub name: String,
    /// The kind of ownership (e.g. `MAINTAINER`), when given.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<String>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `tags` (spec 1-0-0): key/value tags on a dataset (or its fields), a job or a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagsFacet {
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
    /// The tags; optional in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    /// Keys the model does not know, kept so the facet round-trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One tag in a [`TagsFacet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// What the tag says (e.g. `pii`).
    pub key: String,
    /// Its value (e.g. `true`, `@user1`).
    pub value: String,
    /// Where the tag came from (`INTEGRATION`, `USER`, `DBT CORE`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The dataset field the tag applies to; dataset tags only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Keys the model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
